package simfoni_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"teduh/internal/definitions"
	"teduh/internal/simfoni"
)

var wib = time.FixedZone("WIB", 7*3600)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestVocabularyNamesItsSource(t *testing.T) {
	v := simfoni.Default
	if !strings.Contains(v.Source, "SIMFONI-PPA") || !strings.Contains(v.Source, "kemenpppa.go.id") || !strings.Contains(v.Source, "Pasal 41") {
		t.Errorf("source does not name SIMFONI-PPA, its address and UU TPKS Pasal 41: %q", v.Source)
	}
	if len(v.Lists[simfoni.ListServices]) != 8 {
		t.Errorf("SIMFONI has eight services, the file %d", len(v.Lists[simfoni.ListServices]))
	}
	var groups []string
	for _, g := range v.Lists[simfoni.ListAgeGroups] {
		groups = append(groups, g.Label)
	}
	if want := []string{"0-5 tahun", "6-12 tahun", "13-17 tahun", "18-24 tahun", "25-44 tahun", "45-59 tahun", "60 tahun ke atas"}; !slices.Equal(groups, want) {
		t.Errorf("age groups %v, want %v", groups, want)
	}
	if v.ChildUnder != 18 {
		t.Errorf("a child is under 18, the file says %d", v.ChildUnder)
	}
}

func TestBrokenVocabularyDoesNotLoad(t *testing.T) {
	for name, data := range map[string]string{
		"no source":  `{"version":"1","child_under":18,"tpks_clock":"x","tables":[],"lists":{}}`,
		"no lists":   `{"version":"1","source":"x","child_under":18,"tpks_clock":"x","tables":[],"lists":{}}`,
		"stray key":  `{"version":"1","source":"x","child_under":18,"tpks_clock":"x","tables":[],"lists":{},"extra":1}`,
		"not json":   `{`,
		"no version": `{"source":"x","child_under":18,"tpks_clock":"x"}`,
	} {
		if _, err := simfoni.Load([]byte(data)); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

// Every code Teduh's definitions can store has a SIMFONI category, so no
// recorded value is counted as "unknown".
func TestEveryTeduhCodeIsMapped(t *testing.T) {
	set, err := definitions.Load()
	if err != nil {
		t.Fatal(err)
	}
	v := simfoni.Default
	for field, list := range map[string]string{
		"violence_types": simfoni.ListViolenceForms, "incident_place": simfoni.ListPlaces, "perpetrator_relation": simfoni.ListRelation,
		"victim_disability": simfoni.ListDisability, "victim_education": simfoni.ListEducation, "victim_occupation": simfoni.ListOccupation,
		"victim_marital_status": simfoni.ListMarital, "victim_sex": simfoni.ListSex,
	} {
		f := set.Form.Field(field)
		if f == nil {
			t.Fatalf("the complaint form has no field %s", field)
		}
		for _, o := range f.Options {
			if got := v.Map(list, o.Code); got == simfoni.Unknown && o.Code != "unknown" {
				t.Errorf("%s %q has no SIMFONI category in %s", field, o.Code, list)
			}
		}
	}
	for _, ch := range []string{"online", "walk_in", "whatsapp", "phone", "sapa", "suggestion_box"} {
		if v.Map(simfoni.ListChannels, ch) == simfoni.Unknown {
			t.Errorf("channel %q has no category", ch)
		}
	}
	for _, it := range definitions.InstitutionTypes {
		if it.Code == "other" {
			continue
		}
		if !slices.ContainsFunc(v.Lists[simfoni.ListServices], func(s simfoni.Item) bool { return slices.Contains(s.Institutions, it.Code) }) {
			t.Errorf("a referral to %q gives no SIMFONI service", it.Code)
		}
	}
	if v.Map(simfoni.ListPlaces, "online") != "lainnya" || v.Map(simfoni.ListViolenceForms, "neglect") != "penelantaran" {
		t.Errorf("mapping: online → %s, neglect → %s", v.Map(simfoni.ListPlaces, "online"), v.Map(simfoni.ListViolenceForms, "neglect"))
	}
	if v.Map(simfoni.ListPlaces, "") != simfoni.Unknown || v.Map(simfoni.ListPlaces, "moon") != simfoni.Unknown {
		t.Error("an empty or unknown code must be unknown")
	}
}

func TestAgeGroups(t *testing.T) {
	v := simfoni.Default
	for age, want := range map[int]string{-1: simfoni.Unknown, 0: "0_5", 5: "0_5", 6: "6_12", 12: "6_12", 13: "13_17", 17: "13_17",
		18: "18_24", 24: "18_24", 25: "25_44", 44: "25_44", 45: "45_59", 59: "45_59", 60: "60", 97: "60"} {
		if got := v.AgeGroup(age); got != want {
			t.Errorf("age %d: %s, want %s", age, got, want)
		}
	}
}

func TestAgeAtIncident(t *testing.T) {
	c := simfoni.Case{BirthDate: day("2010-03-14"), IncidentDate: day("2026-03-13"), VictimAge: -1, Reported: at("2026-04-01T00:00:00Z")}
	if got := c.AgeAtIncident(); got != 15 {
		t.Errorf("the day before the 16th birthday: %d", got)
	}
	c.IncidentDate = day("2026-03-14")
	if got := c.AgeAtIncident(); got != 16 {
		t.Errorf("on the 16th birthday: %d", got)
	}
	c.IncidentDate = time.Time{}
	if got := c.AgeAtIncident(); got != 16 {
		t.Errorf("without an incident date the report's day counts: %d", got)
	}
	c.VictimAge = 9
	if got := c.AgeAtIncident(); got != 9 {
		t.Errorf("a recorded age wins: %d", got)
	}
	if got := (&simfoni.Case{VictimAge: -1}).AgeAtIncident(); got != -1 {
		t.Errorf("nothing known: %d", got)
	}
}

func cellMap(cells []simfoni.Cell) map[string]int {
	out := map[string]int{}
	for _, c := range cells {
		out[c.Month+" "+c.District+" "+c.Dim+" "+c.Key] += c.N
	}
	return out
}

func TestCellsOfOneCase(t *testing.T) {
	v := simfoni.Default
	c := simfoni.Case{
		Number: "SKW-2026-0001", ReportNumber: "SKW-2026-0001", Reported: at("2026-02-28T20:00:00Z"), // 1 March in WIB
		District: "Singkawang Barat", Channel: "walk_in", Urgency: "emergency", Status: "closed",
		VictimSex: "female", VictimAge: -1, BirthDate: day("2014-05-01"), IncidentDate: day("2026-02-27"),
		Disability: "none", Education: "primary", Place: "household", ViolenceTypes: []string{"physical", "sexual"},
		Relation: "parent",
		Perpetrators: []simfoni.Perpetrator{
			{Sex: "male", Age: 41, Relation: "parent", Education: "senior", Occupation: "farmer_labourer"},
			{Sex: "female", Age: -1, AgeGroup: "25_44", Relation: "family"},
			{Sex: "male", Age: 41, Relation: "parent", SameAs: true},
		},
		Referrals:       []simfoni.Referral{{InstitutionType: "police", Status: "accepted"}, {InstitutionType: "health", Status: "declined"}},
		Steps:           []simfoni.Step{{Code: "escort", Outcome: "done", Data: map[string]any{"police_assistance": false}}},
		FirstResponseAt: at("2026-02-28T20:42:30Z"),
		VerifiedAt:      at("2026-03-01T02:00:00Z"), DueAt: at("2026-03-08T02:00:00Z"), ClosedAt: at("2026-03-31T18:00:00Z"), // 1 April WIB
		Clocks: []simfoni.Clock{{Clock: "tpks_police_report", Status: "met"}, {Clock: "other", Status: "missed"}},
	}
	got := cellMap(v.Cells(&c, wib))
	want := map[string]int{
		"2026-03 Singkawang Barat total cases": 1, "2026-03 Singkawang Barat total victims": 1,
		"2026-03 Singkawang Barat total perpetrators": 2, "2026-03 Singkawang Barat total forms": 2,
		"2026-03 Singkawang Barat place rumah_tangga": 1, "2026-03 Singkawang Barat channel datang_langsung": 1,
		"2026-03 Singkawang Barat victim_age_sex 6_12|perempuan": 1,
		"2026-03 Singkawang Barat violence_form fisik":           1, "2026-03 Singkawang Barat violence_form seksual": 1,
		"2026-03 Singkawang Barat disability tidak": 1, "2026-03 Singkawang Barat education sd": 1,
		"2026-03 Singkawang Barat occupation tidak_diketahui": 1, "2026-03 Singkawang Barat marital_status tidak_diketahui": 1,
		// pengaduan always; penegakan hukum from the accepted police referral;
		// no kesehatan (declined), no step-derived police escort (false)
		"2026-03 Singkawang Barat service pengaduan": 1, "2026-03 Singkawang Barat service penegakan_hukum": 1,
		"2026-03 Singkawang Barat perpetrator_relation orang_tua": 1, "2026-03 Singkawang Barat perpetrator_relation keluarga": 1,
		"2026-03 Singkawang Barat perpetrator_sex laki_laki": 1, "2026-03 Singkawang Barat perpetrator_sex perempuan": 1,
		"2026-03 Singkawang Barat perpetrator_age 25_44":      2,
		"2026-03 Singkawang Barat perpetrator_education slta": 1, "2026-03 Singkawang Barat perpetrator_education tidak_diketahui": 1,
		"2026-03 Singkawang Barat perpetrator_occupation petani_nelayan_buruh": 1, "2026-03 Singkawang Barat perpetrator_occupation tidak_diketahui": 1,
		"2026-03 Singkawang Barat referral police|accepted": 1, "2026-03 Singkawang Barat referral health|declined": 1,
		"2026-03 Singkawang Barat tpks met":                    1,
		"2026-03 Singkawang Barat first_response_emergency 42": 1,
		// closed on 1 April WIB, after its due date: counted in April, late
		"2026-04 Singkawang Barat sla closed": 1, "2026-04 Singkawang Barat close_hours 736": 1,
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d, want %d", k, got[k], n)
		}
	}
	for k, n := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected cell %s = %d", k, n)
		}
	}

	// a linked case of the same report: a victim, not another case; its
	// report's place and channel are counted once, with the first case
	linked := c
	linked.Number = "SKW-2026-0002"
	if cells := cellMap(v.Cells(&linked, wib)); cells["2026-03 Singkawang Barat total cases"] != 0 || cells["2026-03 Singkawang Barat total victims"] != 1 ||
		cells["2026-03 Singkawang Barat place rumah_tangga"] != 0 {
		t.Errorf("linked case cells: %v", cells)
	}

	// the officer's confirmed services replace the derived ones
	c.ServicesGiven = []string{"pemulangan", "pengaduan"}
	if got := v.Services(&c); !slices.Equal(got, []string{"pengaduan", "pemulangan"}) {
		t.Errorf("confirmed services: %v", got)
	}
	// a police escort gives law enforcement even without a referral
	esc := simfoni.Case{Steps: []simfoni.Step{{Code: "escort", Outcome: "done", Data: map[string]any{"police_assistance": true}}}}
	if got := v.DerivedServices(&esc); !slices.Equal(got, []string{"pengaduan", "penegakan_hukum"}) {
		t.Errorf("escort services: %v", got)
	}
	// no perpetrator recorded: the complaint's relation counts as one
	none := simfoni.Case{Relation: "neighbor"}
	if p := none.CountedPerpetrators(); len(p) != 1 || p[0].Relation != "neighbor" {
		t.Errorf("implied perpetrator: %v", p)
	}
	if p := (&simfoni.Case{}).CountedPerpetrators(); len(p) != 0 {
		t.Errorf("nothing known, nobody counted: %v", p)
	}
}

func TestDeltaAppliesTheDifference(t *testing.T) {
	old := []simfoni.Cell{{Month: "2026-01", Dim: "a", Key: "x", N: 1}, {Month: "2026-01", Dim: "a", Key: "y", N: 2}}
	next := []simfoni.Cell{{Month: "2026-01", Dim: "a", Key: "y", N: 2}, {Month: "2026-01", Dim: "a", Key: "z", N: 1}}
	got := cellMap(simfoni.Delta(old, next))
	if len(got) != 2 || got["2026-01  a x"] != -1 || got["2026-01  a z"] != 1 {
		t.Errorf("delta: %v", got)
	}
	if d := simfoni.Delta(next, next); len(d) != 0 {
		t.Errorf("no change, no delta: %v", d)
	}
}

func TestMedianOfAHistogram(t *testing.T) {
	for _, tc := range []struct {
		hist map[string]int
		want float64
		ok   bool
	}{
		{map[string]int{}, 0, false},
		{map[string]int{"5": 1}, 5, true},
		{map[string]int{"1": 1, "10": 1}, 5.5, true},
		{map[string]int{"3": 2, "100": 1}, 3, true},
		{map[string]int{"2": 1, "4": 2, "9": 1}, 4, true},
		{map[string]int{"7": 1, "1": 1, "3": 1, "20": 1}, 5, true},
	} {
		got, ok := simfoni.Median(tc.hist)
		if ok != tc.ok || got != tc.want {
			t.Errorf("median %v: %v %v, want %v %v", tc.hist, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSummarise(t *testing.T) {
	v := simfoni.Default
	base := simfoni.Case{Number: "A", Reported: at("2026-01-10T03:00:00Z"), District: "Singkawang Barat", Channel: "online", Status: "closed",
		VictimSex: "female", VictimAge: 30, Place: "household", ViolenceTypes: []string{"physical"}, Relation: "spouse",
		VerifiedAt: at("2026-01-10T05:00:00Z"), DueAt: at("2026-01-17T05:00:00Z"), ClosedAt: at("2026-01-12T05:00:00Z"),
		FirstResponseAt: at("2026-01-10T04:00:00Z"), Referrals: []simfoni.Referral{{InstitutionType: "health", Status: "completed"}}}
	late := base
	late.Number, late.District, late.ClosedAt, late.VictimSex, late.VictimAge = "B", "", at("2026-02-20T05:00:00Z"), "male", 8
	late.FirstResponseAt = at("2026-01-10T05:00:00Z")
	open := base
	open.Number, open.Status, open.ClosedAt, open.Reported = "C", "in_progress", time.Time{}, at("2026-03-05T00:00:00Z")
	open.Clocks = []simfoni.Clock{{Clock: v.TPKSClock, Status: "missed"}}
	var cells []simfoni.Cell
	for _, c := range []simfoni.Case{base, late, open} {
		cells = append(cells, v.Cells(&c, wib)...)
	}
	districts := []simfoni.Option{{Code: "Singkawang Barat", Label: "Singkawang Barat"}}
	st, err := v.Summarise(cells, "2026-01", "2026-03", districts, []simfoni.Option{{Code: "health", Label: "Kesehatan"}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Totals != (simfoni.Totals{Cases: 3, Victims: 3, Perpetrators: 3, ViolenceForms: 3}) {
		t.Errorf("totals %+v", st.Totals)
	}
	if len(st.Months) != 3 || st.Months[0].Victims != 2 || st.Months[1].Victims != 0 || st.Months[2].Victims != 1 || st.Months[0].Label != "Januari 2026" {
		t.Errorf("months %+v", st.Months)
	}
	if st.Tables[0].ID != "victim_age_sex" || st.Tables[0].Rows[1].Male != 1 || st.Tables[0].Rows[4].Female != 2 || st.Tables[0].Total != 3 {
		t.Errorf("victims by age and sex %+v", st.Tables[0])
	}
	var district simfoni.TableResult
	for _, tb := range st.Tables {
		if tb.ID == "district" {
			district = tb
		}
	}
	if len(district.Rows) != 2 || district.Rows[0].Count != 2 || district.Rows[1].Code != simfoni.Unknown || district.Rows[1].Count != 1 {
		t.Errorf("districts %+v", district.Rows)
	}
	s := st.Standard
	if s.Closed != 2 || s.OnTime != 1 || s.Late != 1 || s.ShareOnTime == nil || *s.ShareOnTime != 0.5 {
		t.Errorf("standard %+v", s)
	}
	// 48 hours and 984 hours: median 516 hours = 21.5 days
	if s.MedianDaysToClose == nil || *s.MedianDaysToClose != 21.5 {
		t.Errorf("median days %v", s.MedianDaysToClose)
	}
	if r := s.FirstResponse["normal"]; r.Count != 3 || r.MedianMinutes == nil || *r.MedianMinutes != 60 {
		t.Errorf("first response %+v", r)
	}
	if st.TPKS.Missed != 1 || st.TPKS.Cases != 1 {
		t.Errorf("tpks %+v", st.TPKS)
	}
	if len(st.Referrals) != 1 || st.Referrals[0].Answers["completed"] != 3 || st.Referrals[0].Total != 3 {
		t.Errorf("referrals %+v", st.Referrals)
	}
	if _, err := v.Summarise(nil, "2026-13", "2026-01", nil, nil); err == nil {
		t.Error("a broken month must be refused")
	}
}

func TestDeidentifiedRow(t *testing.T) {
	v := simfoni.Default
	c := simfoni.Case{Number: "SKW-2026-0007", ReportNumber: "SKW-2026-0003", Reported: at("2026-05-01T00:00:00Z"), District: "Singkawang Timur",
		Channel: "phone", Status: "withdrawn", VictimSex: "male", VictimAge: -1, BirthDate: day("2016-01-01"), ViolenceTypes: []string{"neglect"}}
	labels := simfoni.RowLabels{District: func(s string) string { return s }, Status: func(s string) string { return "S:" + s }, Institution: func(s string) string { return s }}
	row := v.Row(&c, wib, labels)
	if len(row) != len(simfoni.RowHeader) {
		t.Fatalf("%d cells for %d columns", len(row), len(simfoni.RowHeader))
	}
	want := map[string]string{"Bulan laporan": "2026-05", "Kecamatan": "Singkawang Timur", "Saluran": "Telepon", "Korban ke- dalam laporan": "berikutnya",
		"Kelompok umur korban": "6-12 tahun", "Anak": "Ya", "Bentuk kekerasan": "Penelantaran", "Status kasus": "S:withdrawn",
		"Standar pelayanan": "Tidak dinilai (dicabut)"}
	for i, h := range simfoni.RowHeader {
		if w, ok := want[h]; ok && row[i] != w {
			t.Errorf("%s: %q, want %q", h, row[i], w)
		}
		if strings.Contains(row[i], "SKW-") {
			t.Errorf("%s holds the case number: %q", h, row[i])
		}
	}
}
