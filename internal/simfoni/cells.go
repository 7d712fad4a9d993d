package simfoni

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Case is what the statistics need to know about one Teduh case (one
// victim), in Teduh's own codes, read from the records by the glue.
type Case struct {
	Number       string
	ReportNumber string // shared by the linked cases of one report
	Reported     time.Time
	District     string
	Channel      string
	Urgency      string
	Status       string

	VictimSex  string
	BirthDate  time.Time // from the birth date given, or a valid NIK
	VictimAge  int       // age at the incident as recorded; -1 unknown
	Disability string
	Education  string
	Occupation string
	Marital    string

	IncidentDate  time.Time
	Place         string
	ViolenceTypes []string
	// Relation is the complaint's perpetrator relation, counted as one
	// perpetrator of unknown sex while no perpetrator is recorded.
	Relation     string
	Perpetrators []Perpetrator

	Referrals []Referral
	Steps     []Step
	// ServicesGiven are the SIMFONI services the officer confirmed at the
	// handling report (empty: not confirmed, the derived ones count).
	ServicesGiven []string

	FirstResponseAt time.Time
	VerifiedAt      time.Time
	DueAt           time.Time
	ClosedAt        time.Time

	Clocks []Clock

	// Spam marks a submission withdrawn as part of a flood of spam: no
	// case, victim or perpetrator of SIMFONI's, counted nowhere.
	Spam bool
}

// Perpetrator is one recorded perpetrator of a case.
type Perpetrator struct {
	Sex        string
	Age        int    // -1 unknown
	AgeGroup   string // SIMFONI age group, when only that is known
	Relation   string
	Education  string
	Occupation string
	// SameAs is true for a perpetrator already counted on a linked case
	// of the same report (the same person): not counted again.
	SameAs bool
}

// Referral is one referral of a case.
type Referral struct {
	InstitutionType string
	Status          string
}

// Step is one step record (only its code, outcome and data matter here).
type Step struct {
	Code    string
	Outcome string
	Data    map[string]any
}

// Clock is one declared clock of a case (the case_clocks table).
type Clock struct {
	Clock  string
	Status string
}

// Cell is one count a case contributes: N in a month (office time zone,
// "2026-03"), a district (the victim's, "" when not recorded), a dimension
// and a key within it.
type Cell struct {
	Month    string `json:"m"`
	District string `json:"d"`
	Dim      string `json:"x"`
	Key      string `json:"k"`
	N        int    `json:"n"`
}

// Dimensions of the cells.
const (
	DimTotal        = "total" // keys: cases, victims, perpetrators, forms
	DimVictimAgeSex = "victim_age_sex"
	DimSLA          = "sla"         // keys: closed, on_time (month of closing)
	DimCloseHours   = "close_hours" // key: whole hours from verification to closing
	DimFirstPrefix  = "first_response_"
	DimReferral     = "referral" // key: institution type|answer
	DimTPKS         = "tpks"
)

// Keys of the total dimension.
const (
	KeyCases        = "cases"
	KeyVictims      = "victims"
	KeyPerpetrators = "perpetrators"
	KeyForms        = "forms"
)

// Statuses a case can have (engine's).
const (
	statusClosed    = "closed"
	statusWithdrawn = "withdrawn"
)

// FirstOfReport tells whether the case is the one that opened its report
// (the report is SIMFONI's case); a case without a report number is its
// own report.
func (c *Case) FirstOfReport() bool {
	return c.ReportNumber == "" || c.ReportNumber == c.Number
}

// AgeAtIncident is the victim's age in whole years at the incident: as
// recorded, or from the birth date and the incident date (the report's
// date when the incident's is not known); -1 when unknown.
func (c *Case) AgeAtIncident() int {
	if c.VictimAge >= 0 {
		return c.VictimAge
	}
	if c.BirthDate.IsZero() {
		return -1
	}
	on := c.IncidentDate
	if on.IsZero() {
		on = c.Reported
	}
	return YearsBetween(c.BirthDate, on)
}

// YearsBetween is a person's age in whole years on a day (-1 before birth).
func YearsBetween(birth, on time.Time) int {
	if on.Before(birth) {
		return -1
	}
	years := on.Year() - birth.Year()
	if on.Month() < birth.Month() || (on.Month() == birth.Month() && on.Day() < birth.Day()) {
		years--
	}
	return years
}

// CountedPerpetrators are the perpetrators the case adds to SIMFONI's
// count: the recorded ones not already counted on a linked case, or, while
// none is recorded, one of unknown sex when the complaint names the
// relation.
func (c *Case) CountedPerpetrators() []Perpetrator {
	if len(c.Perpetrators) == 0 {
		if c.Relation == "" {
			return nil
		}
		return []Perpetrator{{Relation: c.Relation, Age: -1}}
	}
	var out []Perpetrator
	for _, p := range c.Perpetrators {
		if !p.SameAs {
			out = append(out, p)
		}
	}
	return out
}

// DerivedServices are the SIMFONI services the case's steps and referrals
// show were given, in the file's order.
func (v *Vocab) DerivedServices(c *Case) []string {
	var out []string
	for _, s := range v.Lists[ListServices] {
		given := s.Always
		for _, r := range c.Referrals {
			if slices.Contains(s.Institutions, r.InstitutionType) && slices.Contains(v.ServicesFromReferralStatuses, r.Status) {
				given = true
			}
		}
		for _, rule := range s.Steps {
			for _, st := range c.Steps {
				if st.Code == rule.Step && st.Outcome == "done" {
					if b, _ := st.Data[rule.Field].(bool); b {
						given = true
					}
				}
			}
		}
		if given {
			out = append(out, s.Code)
		}
	}
	return out
}

// Services are the services counted for the case: the confirmed ones, or
// the derived ones while the officer has not confirmed them.
func (v *Vocab) Services(c *Case) []string {
	if len(c.ServicesGiven) > 0 {
		var out []string
		for _, s := range v.Lists[ListServices] {
			if slices.Contains(c.ServicesGiven, s.Code) {
				out = append(out, s.Code)
			}
		}
		return out
	}
	return v.DerivedServices(c)
}

// Forms are the SIMFONI forms of violence of the case, each once.
func (v *Vocab) Forms(c *Case) []string {
	var out []string
	for _, t := range c.ViolenceTypes {
		if f := v.Map(ListViolenceForms, t); !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// MonthOf is the month of a moment in the office's time zone.
func MonthOf(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01")
}

// ClockStatus is the status of the case's TPKS clock ("" when it has none).
func (v *Vocab) ClockStatus(c *Case) string {
	for _, k := range c.Clocks {
		if k.Clock == v.TPKSClock {
			return k.Status
		}
	}
	return ""
}

// Cells are the counts one case contributes to the statistics. The
// aggregates are the sum of every case's cells; a case's cells are
// computed again whenever anything about it changes, and the difference is
// applied in the same transaction.
func (v *Vocab) Cells(c *Case, loc *time.Location) []Cell {
	if c.Spam {
		return nil
	}
	month := MonthOf(c.Reported, loc)
	var cells []Cell
	add := func(m, dim, key string, n int) {
		if n != 0 {
			cells = append(cells, Cell{Month: m, District: c.District, Dim: dim, Key: key, N: n})
		}
	}
	first := c.FirstOfReport()
	if first {
		add(month, DimTotal, KeyCases, 1)
		add(month, "place", v.Map(ListPlaces, c.Place), 1)
		add(month, "channel", v.Map(ListChannels, c.Channel), 1)
	}
	add(month, DimTotal, KeyVictims, 1)
	add(month, DimVictimAgeSex, v.AgeGroup(c.AgeAtIncident())+"|"+v.Map(ListSex, c.VictimSex), 1)
	forms := v.Forms(c)
	add(month, DimTotal, KeyForms, len(forms))
	for _, f := range forms {
		add(month, "violence_form", f, 1)
	}
	add(month, "disability", v.Map(ListDisability, c.Disability), 1)
	add(month, "education", v.Map(ListEducation, c.Education), 1)
	add(month, "occupation", v.Map(ListOccupation, c.Occupation), 1)
	add(month, "marital_status", v.Map(ListMarital, c.Marital), 1)
	for _, s := range v.Services(c) {
		add(month, "service", s, 1)
	}
	perps := c.CountedPerpetrators()
	add(month, DimTotal, KeyPerpetrators, len(perps))
	for _, p := range perps {
		add(month, "perpetrator_relation", v.Map(ListRelation, p.Relation), 1)
		add(month, "perpetrator_sex", v.Map(ListSex, p.Sex), 1)
		group := v.AgeGroup(p.Age)
		if group == Unknown && v.HasCode(ListAgeGroups, p.AgeGroup) {
			group = p.AgeGroup
		}
		add(month, "perpetrator_age", group, 1)
		add(month, "perpetrator_education", v.Map(ListEducation, p.Education), 1)
		add(month, "perpetrator_occupation", v.Map(ListOccupation, p.Occupation), 1)
	}
	for _, r := range c.Referrals {
		add(month, DimReferral, r.InstitutionType+"|"+v.Map(ListReferralAnswers, r.Status), 1)
	}
	if st := v.ClockStatus(c); st != "" {
		add(month, DimTPKS, v.Map(ListTPKS, st), 1)
	}
	if !c.FirstResponseAt.IsZero() {
		urgency := c.Urgency
		if urgency != "emergency" {
			urgency = "normal"
		}
		add(month, DimFirstPrefix+urgency, strconv.Itoa(WholeMinutes(c.FirstResponseAt.Sub(c.Reported))), 1)
	}
	// the service standard counts the cases closed after their
	// requirements were complete, in the month they were closed
	if c.Status == statusClosed && !c.VerifiedAt.IsZero() && !c.ClosedAt.IsZero() {
		closed := MonthOf(c.ClosedAt, loc)
		add(closed, DimSLA, "closed", 1)
		if !c.DueAt.IsZero() && !c.ClosedAt.After(c.DueAt) {
			add(closed, DimSLA, "on_time", 1)
		}
		add(closed, DimCloseHours, strconv.Itoa(WholeHours(c.ClosedAt.Sub(c.VerifiedAt))), 1)
	}
	return Merge(cells)
}

// WholeMinutes and WholeHours are the resolutions of the medians: elapsed
// time rounded down, never negative.
func WholeMinutes(d time.Duration) int { return max(int(d/time.Minute), 0) }
func WholeHours(d time.Duration) int   { return max(int(d/time.Hour), 0) }

// Merge adds up equal cells and drops the ones that come to zero, in a
// stable order.
func Merge(cells []Cell) []Cell {
	sum := map[Cell]int{}
	for _, c := range cells {
		n := c.N
		c.N = 0
		sum[c] += n
	}
	out := make([]Cell, 0, len(sum))
	for c, n := range sum {
		if n != 0 {
			c.N = n
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id() < out[j].id() })
	return out
}

func (c Cell) id() string { return c.Month + "\x00" + c.District + "\x00" + c.Dim + "\x00" + c.Key }

// Delta is what changes in the aggregates when a case's cells go from old
// to new: new minus old.
func Delta(old, new []Cell) []Cell {
	all := make([]Cell, 0, len(old)+len(new))
	for _, c := range old {
		c.N = -c.N
		all = append(all, c)
	}
	return Merge(append(all, new...))
}

// yesNo is a bool as the sheets read it.
func yesNo(b bool) string {
	if b {
		return "Ya"
	}
	return "Tidak"
}

// RowHeader are the columns of the de-identified case sheet: no name, NIK,
// telephone, address or story; the age group instead of the birth date.
var RowHeader = []string{"Bulan laporan", "Kecamatan", "Saluran", "Korban ke- dalam laporan", "Jenis kelamin korban", "Kelompok umur korban",
	"Anak", "Disabilitas", "Pendidikan", "Pekerjaan", "Status perkawinan", "Bentuk kekerasan", "Tempat kejadian",
	"Jumlah pelaku", "Hubungan pelaku", "Jenis kelamin pelaku", "Layanan", "Rujukan", "Status kasus", "Standar pelayanan", "Batas TPKS 3x24 jam"}

// RowLabels name what the vocabulary does not: districts, case statuses
// and institution types.
type RowLabels struct {
	District, Status, Institution func(string) string
}

// Row is the case's line in the de-identified case sheet (labels, in
// RowHeader's order).
func (v *Vocab) Row(c *Case, loc *time.Location, l RowLabels) []string {
	age := c.AgeAtIncident()
	labels := func(list string, codes []string) string {
		out := make([]string, len(codes))
		for i, code := range codes {
			out[i] = v.Label(list, code)
		}
		return strings.Join(out, ", ")
	}
	perps := c.CountedPerpetrators()
	var rel, sex []string
	for _, p := range perps {
		rel = append(rel, v.Map(ListRelation, p.Relation))
		sex = append(sex, v.Map(ListSex, p.Sex))
	}
	var refs []string
	for _, r := range c.Referrals {
		refs = append(refs, l.Institution(r.InstitutionType)+": "+v.Label(ListReferralAnswers, v.Map(ListReferralAnswers, r.Status)))
	}
	standard := "-"
	switch {
	case c.Status == statusWithdrawn:
		standard = "Tidak dinilai (dicabut)"
	case c.Status == statusClosed && !c.VerifiedAt.IsZero() && !c.DueAt.IsZero():
		standard = map[bool]string{true: "Terpenuhi", false: "Tidak terpenuhi"}[!c.ClosedAt.After(c.DueAt)]
	}
	tpks := "-"
	if st := v.ClockStatus(c); st != "" {
		tpks = v.Label(ListTPKS, v.Map(ListTPKS, st))
	}
	place, channel := v.Label(ListPlaces, v.Map(ListPlaces, c.Place)), v.Label(ListChannels, v.Map(ListChannels, c.Channel))
	order := "1"
	if !c.FirstOfReport() {
		order = "berikutnya"
	}
	return []string{
		MonthOf(c.Reported, loc), l.District(c.District), channel, order,
		v.Label(ListSex, v.Map(ListSex, c.VictimSex)), v.Label(ListAgeGroups, v.AgeGroup(age)),
		map[bool]string{true: yesNo(age < v.ChildUnder), false: UnknownLabel}[age >= 0],
		v.Label(ListDisability, v.Map(ListDisability, c.Disability)), v.Label(ListEducation, v.Map(ListEducation, c.Education)),
		v.Label(ListOccupation, v.Map(ListOccupation, c.Occupation)), v.Label(ListMarital, v.Map(ListMarital, c.Marital)),
		labels(ListViolenceForms, v.Forms(c)), place,
		fmt.Sprint(len(perps)), labels(ListRelation, rel), labels(ListSex, sex),
		labels(ListServices, v.Services(c)), strings.Join(refs, "; "), l.Status(c.Status), standard, tpks,
	}
}
