package pb_hooks_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teduh/internal/simfoni"
	"teduh/pb_hooks"
)

// statsStart is Monday 5 January 2026, 09:00 in Singkawang.
var statsStart = time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC)

// statsWorld is an office with generated cases over four months: several
// victims in one report (linked cases), several perpetrators (one the same
// person on two linked cases), cases closed on time and late, withdrawn
// and open ones, referrals sent and answered, the police-report clock met,
// missed and running.
type statsWorld struct {
	h                  *harness
	officer, other     *core.Record
	tokOfficer, tokSup string
	tokOther, tokSU    string
	cases              []*core.Record
	// personal values seeded, none of which may reach an export
	names, niks, phones, addresses, stories []string
}

var (
	statsDistricts  = []string{"Singkawang Barat", "Singkawang Tengah", "Singkawang Timur", "luar_wilayah", ""}
	statsViolence   = [][]string{{"physical"}, {"psychological", "physical"}, {"sexual"}, {"neglect"}, {"sexual", "psychological"}, {"exploitation"}, {"trafficking", "other"}}
	statsPlaces     = []string{"household", "school", "online", "workplace", "", "public_facility", "education_institution"}
	statsRelations  = []string{"parent", "spouse", "neighbor", "teacher", "", "partner_friend", "unknown"}
	statsEducation  = []string{"primary", "junior", "", "senior", "higher", "none"}
	statsOccupation = []string{"student", "", "homemaker", "farmer_labourer", "domestic_worker"}
	statsMarital    = []string{"single", "married", "", "divorced"}
	statsDisability = []string{"none", "none", "physical", "", "sensory"}
)

func newStatsWorld(t *testing.T) *statsWorld {
	t.Helper()
	return newStatsWorldOn(t, newHarness(t, statsStart))
}

// newStatsWorldOn generates the world on a given harness (a page server
// for the browser tests).
func newStatsWorldOn(t *testing.T, h *harness) *statsWorld {
	t.Helper()
	h.SetNow(statsStart)
	w := &statsWorld{h: h}
	w.officer, w.tokOfficer = h.Staff("petugas@teduh.test", "Petugas Satu", "officer", true)
	w.other, w.tokOther = h.Staff("petugas2@teduh.test", "Petugas Dua", "officer", true)
	_, w.tokSup = h.Staff("kepala@teduh.test", "Kepala Bidang", "supervisor", true)
	w.tokSU = h.Superuser()
	readyForLetters(t, h)

	for i := 0; i < 16; i++ {
		created := statsStart.Add(time.Duration(i) * 175 * time.Hour) // about one every week, into April
		h.SetNow(created)
		name := fmt.Sprintf("Korban Statistik %02d", i)
		phone := fmt.Sprintf("08125550%04d", i)
		address := fmt.Sprintf("Jalan Rahasia Nomor %d", 100+i)
		story := fmt.Sprintf("Cerita kejadian yang tidak boleh keluar nomor %d, korban dipukul.", i)
		w.names, w.phones, w.addresses, w.stories = append(w.names, name), append(w.phones, phone), append(w.addresses, address), append(w.stories, story)
		body := with(validComplaint(),
			"victim_name", name, "reporter_phone", phone, "victim_address", address, "chronology", story,
			"victim_sex", []string{"female", "male"}[i%3/2],
			"violence_types", statsViolence[i%len(statsViolence)],
			"victim_disability", statsDisability[i%len(statsDisability)],
			"victim_education", statsEducation[i%len(statsEducation)],
			"victim_occupation", statsOccupation[i%len(statsOccupation)],
			"victim_marital_status", statsMarital[i%len(statsMarital)],
		)
		if d := statsDistricts[i%len(statsDistricts)]; d != "" {
			body["victim_district"] = d
		}
		if p := statsPlaces[i%len(statsPlaces)]; p != "" {
			body["incident_place"] = p
		}
		if r := statsRelations[i%len(statsRelations)]; r != "" {
			body["perpetrator_relation"] = r
		}
		switch i % 4 {
		case 0: // birth date and incident date: the age at the incident
			body["victim_birth_date"] = fmt.Sprintf("%d-03-14", 2000+i)
			body["incident_date"] = "2025-12-20"
		case 1: // the age as told
			body["victim_age"] = float64(3 + 4*i)
		case 2: // the age from a valid NIK (a woman born 15 May 1990 + i days)
			n := fmt.Sprintf("6172015%d05%02d%04d", 5+i%4, 90, 1+i)
			body["victim_nik"] = n
			w.niks = append(w.niks, n)
		}
		if i%5 == 1 {
			body["injured"] = true // an emergency: the one-hour first response
		}
		if i == 5 {
			body["other_victims"] = true
			body["other_victims_note"] = "Adiknya, sekitar 8 tahun."
		}
		w.cases = append(w.cases, h.submit(body))
	}
	// two more victims of reports already registered, recorded by staff
	for _, src := range []int{5, 0} {
		h.SetNow(h.Now().Add(3 * time.Hour))
		res := h.Do("POST", "/api/collections/complaints/records", with(validComplaint(),
			"channel", "walk_in", "linked_case", w.cases[src].Id, "victim_name", "Adik Korban "+strconv.Itoa(src), "victim_sex", "male",
			"victim_age", 8, "violence_types", []string{"physical"}, "incident_place", "household", "victim_district", "Singkawang Barat"), w.tokSup)
		if res.Status != 200 {
			t.Fatalf("linked case: %d %s", res.Status, res)
		}
		rec, err := h.App.FindRecordById("complaints", res.JSON["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		w.names = append(w.names, rec.GetString("victim_name"))
		w.cases = append(w.cases, rec)
	}
	for i, c := range w.cases {
		w.walk(t, i, c)
	}
	w.clocks(t)
	for i := range w.cases {
		w.cases[i] = h.reload(w.cases[i])
	}
	return w
}

// walk takes case i some way through its steps.
func (w *statsWorld) walk(t *testing.T, i int, c *core.Record) {
	h := w.h
	created := c.GetDateTime("reported_at").Time()
	if i%5 == 4 {
		return // nobody has answered yet
	}
	h.SetNow(created.Add(time.Duration(7*i+3) * time.Minute))
	h.mustStep(w.tokOfficer, c.Id, 2, "done", "Korban ditenangkan.", nil)
	if i%4 == 3 {
		h.mustStep(w.tokOfficer, c.Id, 3, "withdrawn", "Pelapor mencabut pengaduan.", nil)
		return
	}
	if i%3 == 2 {
		return // still at step 2
	}
	verified := created.Add(2 * time.Hour)
	h.SetNow(verified)
	h.mustStep(w.tokOfficer, c.Id, 3, "done", "", map[string]any{"requirements_complete": true, "referral_priorities": []string{"health"}})
	h.mustStep(w.tokOfficer, c.Id, 4, "done", "", map[string]any{"destination": "Rumah aman", "police_assistance": i%2 == 0})
	h.mustStep(w.tokOfficer, c.Id, 5, "done", "", map[string]any{"victim_safe": true})
	// perpetrators as their own records
	for j := 0; j <= i%3; j++ {
		body := map[string]any{"complaint": c.Id, "relation": []string{"parent", "family", "neighbor"}[j], "sex": []string{"male", "female", ""}[(i+j)%3]}
		if j == 0 {
			body["age"] = 30 + i
			body["education"] = "senior"
		} else {
			body["age_group"] = "18_24"
		}
		res := h.Do("POST", "/api/collections/perpetrators/records", body, w.tokOfficer)
		if res.Status != 200 {
			t.Fatalf("perpetrator of case %d: %d %s", i, res.Status, res)
		}
	}
	if i == 17 { // the linked case of case 0: its father is case 0's
		first, err := h.App.FindFirstRecordByFilter("perpetrators", "complaint = {:c}", dbx.Params{"c": w.cases[0].Id})
		if err != nil {
			t.Fatal(err)
		}
		res := h.Do("POST", "/api/collections/perpetrators/records", map[string]any{"complaint": c.Id, "relation": "parent", "sex": "male", "same_as": first.Id}, w.tokOfficer)
		if res.Status != 200 {
			t.Fatalf("same perpetrator: %d %s", res.Status, res)
		}
	}
	h.mustStep(w.tokOfficer, c.Id, 6, "done", "", map[string]any{"violence_types": statsViolence[i%len(statsViolence)], "perpetrator_relation": "parent",
		"incident_place": "household", "needs": []string{"health"}})
	if i%2 == 1 {
		return // waiting for the disposition
	}
	referral := i%4 == 0
	h.mustStep(w.tokSup, c.Id, 7, "done", "Disposisi.", map[string]any{"referral_needed": referral})
	if referral {
		rw := &referralWorld{h: h}
		send := func(id string) {
			if res := rw.patch(id, map[string]any{"consent": true, "consent_by": "victim", "status": "sent"}, w.tokOfficer); res.Status != 200 {
				// a child: the parent or guardian consents
				rw.mustPatch(t, id, map[string]any{"consent": true, "consent_by": "guardian", "consent_name": "Ibu Korban", "status": "sent"}, w.tokOfficer)
			}
		}
		police := rw.draft(t, w.tokOfficer, c.Id, instPolice)
		send(police)
		hospital := rw.draft(t, w.tokOfficer, c.Id, instHospital)
		send(hospital)
		rw.mustPatch(t, hospital, map[string]any{"status": "declined", "response_note": "Penuh."}, w.tokOfficer)
		if i == 12 {
			rw.mustPatch(t, police, map[string]any{"status": "accepted", "response_note": "Diterima."}, w.tokOfficer)
		}
		h.mustStep(w.tokOfficer, c.Id, 8, "done", "Surat dikirim.", nil)
	} else {
		h.mustStep(w.tokOfficer, c.Id, 8, "skipped", "", nil)
	}
	if i == 6 {
		if res := h.Do("POST", "/api/complaints/"+c.Id+"/services", map[string]any{"services": []string{"pengaduan", "pemulangan", "kesehatan"}}, w.tokOfficer); res.Status != 200 {
			t.Fatalf("confirm services: %d %s", res.Status, res)
		}
	}
	// closed within the standard (3 days) or after it (9 days)
	days := 3
	if i%6 == 0 {
		days = 9
	}
	h.SetNow(verified.Add(time.Duration(days)*24*time.Hour + time.Duration(i)*time.Hour))
	h.mustStep(w.tokOfficer, c.Id, 9, "done", "Selesai.", nil)
}

// clocks moves the engine's police-report clocks (started for every case
// with sexual violence, at intake or at step 6; met by a police referral
// sent, cancelled by a withdrawal): the first one still running is met by
// hand (the police report recorded), and a sweep in the middle of the
// period marks the ones past their deadline before it as missed; the later
// ones stay running, some past their deadline now.
func (w *statsWorld) clocks(t *testing.T) {
	h := w.h
	latest := h.Now()
	byHand := false
	for _, c := range w.cases {
		k, err := h.App.FindFirstRecordByFilter("case_clocks", "complaint = {:c} && clock = 'tpks_police_report'", dbx.Params{"c": c.Id})
		if err != nil || k.GetString("status") != "running" {
			continue
		}
		h.SetNow(k.GetDateTime("started_at").Time().Add(30 * time.Hour))
		res := h.Do("POST", "/api/services/complaint/cases/"+c.Id+"/clocks/tpks_police_report/met", map[string]any{"notes": "Laporan polisi LP/B/12/2026"}, w.tokSup)
		if res.Status != 200 {
			t.Fatalf("police report by hand: %d %s", res.Status, res)
		}
		byHand = true
		break
	}
	if !byHand {
		t.Fatal("no running police-report clock to meet by hand")
	}
	h.sweepAt(statsStart.Add(40 * 24 * time.Hour))
	h.SetNow(latest)
}

func jsonStrings(r *core.Record, field string) []string {
	var out []string
	_ = r.UnmarshalJSONField(field, &out)
	return out
}

// --- the independent recount ----------------------------------------------

// recount counts the figures again straight from the records, with its
// own code (only the category mapping, which is data, is shared).
type recount struct {
	totals     simfoni.Totals
	months     map[string][3]int
	tables     map[string]map[string]int
	ageSex     map[string][3]int // age group → female, male, unknown
	closed     int
	onTime     int
	closeHours []int
	frMinutes  map[string][]int
	tpks       map[string]int
	referrals  map[string]int // type|status
	open       int
	overdue    int
	tpksLate   int
}

func (w *statsWorld) recount(t *testing.T, district string, from, to string) recount {
	t.Helper()
	v := simfoni.Default
	app := w.h.App
	now := w.h.Now()
	rc := recount{months: map[string][3]int{}, tables: map[string]map[string]int{}, ageSex: map[string][3]int{},
		frMinutes: map[string][]int{}, tpks: map[string]int{}, referrals: map[string]int{}}
	bump := func(table, code string) {
		if rc.tables[table] == nil {
			rc.tables[table] = map[string]int{}
		}
		rc.tables[table][code]++
	}
	all, err := app.FindAllRecords("complaints")
	if err != nil {
		t.Fatal(err)
	}
	inMonth := func(tm time.Time) (string, bool) {
		m := tm.In(wib).Format("2006-01")
		return m, m >= from && m <= to
	}
	for _, c := range all {
		if district != "" && c.GetString("victim_district") != district {
			continue
		}
		open := slices.Contains([]string{"new", "in_progress", "awaiting_requirements"}, c.GetString("status"))
		if open {
			rc.open++
			if due := c.GetDateTime("due_at"); !due.IsZero() && due.Time().Before(now) {
				rc.overdue++
			}
		}
		created := c.GetDateTime("reported_at").Time()
		// closing belongs to the month it happened
		if c.GetString("status") == "closed" && !c.GetDateTime("verified_at").IsZero() {
			if _, ok := inMonth(c.GetDateTime("closed_at").Time()); ok {
				rc.closed++
				closed, due := c.GetDateTime("closed_at").Time(), c.GetDateTime("due_at").Time()
				if !closed.After(due) {
					rc.onTime++
				}
				rc.closeHours = append(rc.closeHours, int(closed.Sub(c.GetDateTime("verified_at").Time())/time.Hour))
			}
		}
		month, ok := inMonth(created)
		if !ok {
			continue
		}
		mrow := rc.months[month]
		first := c.GetString("report_number") == c.GetString("number")
		if first {
			rc.totals.Cases++
			mrow[0]++
			bump("place", v.Map(simfoni.ListPlaces, c.GetString("incident_place")))
			bump("channel", v.Map(simfoni.ListChannels, c.GetString("channel")))
		}
		rc.totals.Victims++
		mrow[1]++
		// the victim's age at the incident
		age := -1
		if s := c.GetString("victim_age"); s != "" {
			age, _ = strconv.Atoi(s)
		} else {
			birth := c.GetDateTime("victim_birth_date").Time()
			if birth.IsZero() && c.GetString("victim_nik") != "" {
				n := c.GetString("victim_nik")
				dd, _ := strconv.Atoi(n[6:8])
				mm, _ := strconv.Atoi(n[8:10])
				yy, _ := strconv.Atoi(n[10:12])
				if dd > 40 {
					dd -= 40
				}
				birth = time.Date(1900+yy, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
			}
			if !birth.IsZero() {
				on := c.GetDateTime("incident_date").Time()
				if on.IsZero() {
					on = created
				}
				age = on.Year() - birth.Year()
				if on.YearDay() < birth.YearDay() {
					age--
				}
			}
		}
		group := v.AgeGroup(age)
		as := rc.ageSex[group]
		switch c.GetString("victim_sex") {
		case "female":
			as[0]++
		case "male":
			as[1]++
		default:
			as[2]++
		}
		rc.ageSex[group] = as
		forms := map[string]bool{}
		for _, f := range jsonStrings(c, "violence_types") {
			forms[v.Map(simfoni.ListViolenceForms, f)] = true
		}
		for f := range forms {
			bump("violence_form", f)
			rc.totals.ViolenceForms++
		}
		d := c.GetString("victim_district")
		if d == "" {
			d = simfoni.Unknown
		}
		bump("district", d)
		bump("disability", v.Map(simfoni.ListDisability, c.GetString("victim_disability")))
		bump("education", v.Map(simfoni.ListEducation, c.GetString("victim_education")))
		bump("occupation", v.Map(simfoni.ListOccupation, c.GetString("victim_occupation")))
		bump("marital_status", v.Map(simfoni.ListMarital, c.GetString("victim_marital_status")))

		perps, _ := app.FindRecordsByFilter("perpetrators", "complaint = {:c}", "", 0, 0, dbx.Params{"c": c.Id})
		counted := 0
		for _, p := range perps {
			if p.GetString("same_as") != "" {
				continue
			}
			counted++
			bump("perpetrator_relation", v.Map(simfoni.ListRelation, p.GetString("relation")))
			bump("perpetrator_sex", v.Map(simfoni.ListSex, p.GetString("sex")))
			g := simfoni.Unknown
			if a := p.GetInt("age"); a > 0 {
				g = v.AgeGroup(a)
			} else if p.GetString("age_group") != "" {
				g = p.GetString("age_group")
			}
			bump("perpetrator_age", g)
			bump("perpetrator_education", v.Map(simfoni.ListEducation, p.GetString("education")))
			bump("perpetrator_occupation", v.Map(simfoni.ListOccupation, p.GetString("occupation")))
		}
		if len(perps) == 0 && c.GetString("perpetrator_relation") != "" {
			counted = 1
			bump("perpetrator_relation", v.Map(simfoni.ListRelation, c.GetString("perpetrator_relation")))
			for _, tb := range []string{"perpetrator_sex", "perpetrator_age", "perpetrator_education", "perpetrator_occupation"} {
				bump(tb, simfoni.Unknown)
			}
		}
		rc.totals.Perpetrators += counted
		mrow[2] += counted
		rc.months[month] = mrow

		// services: confirmed, or derived from referrals and the escort
		refs, _ := app.FindRecordsByFilter("referrals", "complaint = {:c}", "", 0, 0, dbx.Params{"c": c.Id})
		services := map[string]bool{"pengaduan": true}
		for _, r := range refs {
			inst, _ := app.FindRecordById("referral_institutions", r.GetString("institution"))
			rc.referrals[inst.GetString("type")+"|"+r.GetString("status")]++
			if slices.Contains([]string{"sent", "accepted", "completed"}, r.GetString("status")) {
				services[map[string]string{"police": "penegakan_hukum", "health": "kesehatan"}[inst.GetString("type")]] = true
			}
		}
		steps, _ := app.FindRecordsByFilter("case_steps", "complaint = {:c} && step = 4 && outcome = 'done'", "", 0, 0, dbx.Params{"c": c.Id})
		for _, s := range steps {
			var data map[string]any
			_ = s.UnmarshalJSONField("data", &data)
			if b, _ := data["police_assistance"].(bool); b {
				services["penegakan_hukum"] = true
			}
		}
		if given := jsonStrings(c, "services_given"); len(given) > 0 {
			services = map[string]bool{}
			for _, s := range given {
				services[s] = true
			}
		}
		for s := range services {
			bump("service", s)
		}
		if fr := c.GetDateTime("first_response_at"); !fr.IsZero() {
			u := c.GetString("urgency")
			rc.frMinutes[u] = append(rc.frMinutes[u], int(fr.Time().Sub(created)/time.Minute))
		}
		clocks, _ := app.FindRecordsByFilter("case_clocks", "complaint = {:c} && clock = 'tpks_police_report'", "", 0, 0, dbx.Params{"c": c.Id})
		for _, k := range clocks {
			rc.tpks[k.GetString("status")]++
		}
	}
	clocks, _ := app.FindAllRecords("case_clocks")
	for _, k := range clocks {
		c, _ := app.FindRecordById("complaints", k.GetString("complaint"))
		if district != "" && c.GetString("victim_district") != district {
			continue
		}
		if k.GetString("status") == "running" && k.GetDateTime("due_at").Time().Before(now) {
			rc.tpksLate++
		}
	}
	return rc
}

func median(values []int) (float64, bool) {
	if len(values) == 0 {
		return 0, false
	}
	s := slices.Clone(values)
	sort.Ints(s)
	if len(s)%2 == 1 {
		return float64(s[len(s)/2]), true
	}
	return float64(s[len(s)/2-1]+s[len(s)/2]) / 2, true
}

// statsAnswer decodes GET /api/stats.
func (w *statsWorld) stats(t *testing.T, query string) simfoni.Stats {
	t.Helper()
	res := w.h.Do("GET", "/api/stats?"+query, nil, w.tokSup)
	if res.Status != 200 {
		t.Fatalf("stats %s: %d %s", query, res.Status, res)
	}
	var st simfoni.Stats
	if err := json.Unmarshal(res.Body, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func (rc recount) check(t *testing.T, st simfoni.Stats) {
	t.Helper()
	if st.Totals != rc.totals {
		t.Errorf("totals %+v, recount %+v", st.Totals, rc.totals)
	}
	for _, m := range st.Months {
		if got, want := [3]int{m.Cases, m.Victims, m.Perpetrators}, rc.months[m.Month]; got != want {
			t.Errorf("month %s: %v, recount %v", m.Month, got, want)
		}
	}
	for _, tb := range st.Tables {
		if tb.BySex {
			for _, r := range tb.Rows {
				if got, want := [3]int{r.Female, r.Male, r.Unknown}, rc.ageSex[r.Code]; got != want {
					t.Errorf("victims %s: %v, recount %v", r.Code, got, want)
				}
			}
			continue
		}
		got := map[string]int{}
		for _, r := range tb.Rows {
			if r.Count > 0 {
				got[r.Code] = r.Count
			}
		}
		want := rc.tables[tb.ID]
		if want == nil {
			want = map[string]int{}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("table %s: %v, recount %v", tb.ID, got, want)
		}
	}
	s := st.Standard
	if s.Closed != rc.closed || s.OnTime != rc.onTime || s.Late != rc.closed-rc.onTime {
		t.Errorf("standard closed %d on time %d late %d, recount %d %d", s.Closed, s.OnTime, s.Late, rc.closed, rc.onTime)
	}
	if rc.closed > 0 && (s.ShareOnTime == nil || *s.ShareOnTime != float64(rc.onTime)/float64(rc.closed)) {
		t.Errorf("share on time %v", s.ShareOnTime)
	}
	if m, ok := median(rc.closeHours); ok && (s.MedianDaysToClose == nil || *s.MedianDaysToClose != m/24) {
		t.Errorf("median days %v, recount %v", s.MedianDaysToClose, m/24)
	}
	for _, u := range []string{"emergency", "normal"} {
		r := s.FirstResponse[u]
		m, ok := median(rc.frMinutes[u])
		if r.Count != len(rc.frMinutes[u]) || ok != (r.MedianMinutes != nil) || (ok && *r.MedianMinutes != m) {
			t.Errorf("first response %s: %+v, recount %v (median %v)", u, r, rc.frMinutes[u], m)
		}
	}
	if s.OpenNow != rc.open || s.OverdueNow != rc.overdue {
		t.Errorf("open %d overdue %d, recount %d %d", s.OpenNow, s.OverdueNow, rc.open, rc.overdue)
	}
	tp := st.TPKS
	if tp.Met != rc.tpks["met"] || tp.Missed != rc.tpks["missed"] || tp.Running != rc.tpks["running"] || tp.Cancelled != rc.tpks["cancelled"] ||
		tp.RunningOverdueNow != rc.tpksLate {
		t.Errorf("tpks %+v, recount %v late %d", tp, rc.tpks, rc.tpksLate)
	}
	got := map[string]int{}
	for _, r := range st.Referrals {
		for a, n := range r.Answers {
			if n > 0 {
				got[r.Type+"|"+a] = n
			}
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(rc.referrals) {
		t.Errorf("referrals %v, recount %v", got, rc.referrals)
	}
}

func TestStatisticsAgreeWithARecountOfTheCases(t *testing.T) {
	w := newStatsWorld(t)
	w.h.SetNow(time.Date(2026, 5, 20, 3, 0, 0, 0, time.UTC))
	rc := w.recount(t, "", "2026-01", "2026-06")
	// the world is what the test says it is
	if rc.totals.Cases != 16 || rc.totals.Victims != 18 || rc.closed == 0 || rc.onTime == 0 || rc.onTime == rc.closed ||
		rc.tpks["met"] == 0 || rc.tpks["missed"] == 0 || rc.tpksLate == 0 || rc.totals.Perpetrators <= rc.totals.Cases || rc.referrals["police|accepted"] == 0 || len(rc.frMinutes["emergency"]) == 0 {
		t.Fatalf("generated world is not varied enough: %+v", rc)
	}
	st := w.stats(t, "from=2026-01&to=2026-06")
	rc.check(t, st)
	if st.Standard.SLADays != 7 || len(st.Months) != 6 || st.Months[0].Label != "Januari 2026" {
		t.Errorf("standard days %d, months %v", st.Standard.SLADays, st.Months)
	}

	// whole years (read from the yearly sums) and months around them
	w.recount(t, "", "2025-01", "2026-12").check(t, w.stats(t, "from=2025-01&to=2026-12"))
	w.recount(t, "", "2025-07", "2027-02").check(t, w.stats(t, "from=2025-07&to=2027-02"))
	w.recount(t, "", "2025-03", "2026-02").check(t, w.stats(t, "from=2025-03&to=2026-02"))
	// one month, and one district
	w.recount(t, "", "2026-02", "2026-02").check(t, w.stats(t, "from=2026-02&to=2026-02"))
	w.recount(t, "Singkawang Barat", "2026-01", "2026-06").check(t, w.stats(t, "from=2026-01&to=2026-06&district=Singkawang+Barat"))
	w.recount(t, "luar_wilayah", "2026-01", "2026-06").check(t, w.stats(t, "from=2026-01&to=2026-06&district=luar_wilayah"))

	// the aggregates kept change by change are the sums of a full recount
	before := w.stats(t, "from=2025-01&to=2026-12")
	var kept []string
	if err := w.h.App.DB().NewQuery("SELECT month || district || dim || key || '=' || n FROM teduh_stats ORDER BY 1").Column(&kept); err != nil {
		t.Fatal(err)
	}
	if n, err := pb_hooks.RebuildStats(w.h.App); err != nil || n != 18 {
		t.Fatalf("rebuild: %d %v", n, err)
	}
	var rebuilt []string
	if err := w.h.App.DB().NewQuery("SELECT month || district || dim || key || '=' || n FROM teduh_stats ORDER BY 1").Column(&rebuilt); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(kept, rebuilt) {
		t.Errorf("aggregates kept change by change differ from a full recount\nkept:    %v\nrecount: %v", kept, rebuilt)
	}
	if after := w.stats(t, "from=2025-01&to=2026-12"); !reflect.DeepEqual(before, after) {
		t.Errorf("statistics differ after a full recount\nkept:    %+v\nrecount: %+v", before, after)
	}

	// an edit of the case is counted at once: another district
	c := w.cases[1]
	res := w.h.Do("PATCH", "/api/collections/complaints/records/"+c.Id, map[string]any{"victim_district": "Singkawang Utara", "victim_education": "higher"}, w.tokSup)
	if c.GetString("status") != "closed" && c.GetString("status") != "withdrawn" && res.Status != 200 {
		t.Fatalf("edit: %d %s", res.Status, res)
	}
	w.recount(t, "", "2026-01", "2026-06").check(t, w.stats(t, "from=2026-01&to=2026-06"))
	w.recount(t, "Singkawang Utara", "2026-01", "2026-06").check(t, w.stats(t, "from=2026-01&to=2026-06&district=Singkawang+Utara"))
}

func TestStatisticsAreForSupervisors(t *testing.T) {
	h := newHarness(t, statsStart)
	_, officer := h.Staff("petugas@teduh.test", "Petugas", "officer", true)
	_, sup := h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)
	su := h.Superuser()
	for _, tc := range []struct {
		token string
		want  int
	}{{"", http.StatusUnauthorized}, {officer, http.StatusForbidden}, {sup, 200}, {su, 200}} {
		if res := h.Do("GET", "/api/stats?from=2026-01&to=2026-12", nil, tc.token); res.Status != tc.want {
			t.Errorf("token %.8q: %d %s, want %d", tc.token, res.Status, res, tc.want)
		}
	}
	for query, field := range map[string]string{
		"to=2026-12":                                 "from",
		"from=2026-13&to=2026-12":                    "from",
		"from=2026-01&to=2026":                       "to",
		"from=2026-05&to=2026-01":                    "to",
		"from=2000-01&to=2026-12":                    "to",
		"from=2026-01&to=2026-12&district=Pontianak": "district",
	} {
		res := h.Do("GET", "/api/stats?"+query, nil, sup)
		if res.Status != 400 || res.FieldCode(field) == "" {
			t.Errorf("%s: %d %s, want a 400 on %s", query, res.Status, res, field)
		}
	}
	// an empty office answers zeros, every table in SIMFONI's order
	res := h.Do("GET", "/api/stats?from=2026-01&to=2026-12", nil, sup)
	var st simfoni.Stats
	_ = json.Unmarshal(res.Body, &st)
	var ids []string
	for _, tb := range st.Tables {
		ids = append(ids, tb.ID)
	}
	var want []string
	for _, tb := range simfoni.Default.Tables {
		want = append(want, tb.ID)
	}
	if !slices.Equal(ids, want) || st.Totals.Victims != 0 || len(st.Months) != 12 {
		t.Errorf("empty statistics: %v %+v", ids, st.Totals)
	}
}

// Complaints withdrawn as spam are no cases of SIMFONI's: they leave every
// figure and the workbook's rows, and come back when the mark is undone.
func TestSpamIsNotCountedInTheStatistics(t *testing.T) {
	h := newHarness(t, statsStart)
	_, sup := h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)
	a, b := h.submit(validComplaint()), h.submit(validComplaint())
	h.submit(validComplaint())
	totals := func() simfoni.Totals {
		t.Helper()
		res := h.Do("GET", "/api/stats?from=2026-01&to=2026-01", nil, sup)
		var st simfoni.Stats
		if res.Status != 200 || json.Unmarshal(res.Body, &st) != nil {
			t.Fatalf("stats: %d %s", res.Status, res)
		}
		return st.Totals
	}
	rows := func() int {
		var n int
		if err := h.App.DB().NewQuery("SELECT COUNT(*) FROM teduh_stats_case").Row(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if tt := totals(); tt.Cases != 3 || tt.Victims != 3 || rows() != 3 {
		t.Fatalf("before: %+v, %d rows", tt, rows())
	}
	res := h.Do("POST", "/api/spam-batches", map[string]any{"cases": []string{a.Id, b.Id}, "reason": "Kiriman massal dari 200 alamat"}, sup)
	if res.Status != 200 {
		t.Fatalf("mark: %d %s", res.Status, res)
	}
	if tt := totals(); tt.Cases != 1 || tt.Victims != 1 || rows() != 1 {
		t.Errorf("after the spam mark: %+v, %d rows", tt, rows())
	}
	// a full recount (another vocabulary, a new version) agrees
	if _, err := pb_hooks.RebuildStats(h.App); err != nil {
		t.Fatal(err)
	}
	if tt := totals(); tt.Cases != 1 || rows() != 1 {
		t.Errorf("after a recount: %+v, %d rows", tt, rows())
	}
	if res := h.Do("POST", "/api/spam-batches/"+res.JSON["id"].(string)+"/undo", map[string]any{"reason": "Pengaduan asli"}, sup); res.Status != 200 {
		t.Fatalf("undo: %d %s", res.Status, res)
	}
	if tt := totals(); tt.Cases != 3 || tt.Victims != 3 || rows() != 3 {
		t.Errorf("after the undo: %+v, %d rows", tt, rows())
	}
}
