package pb_hooks_test

import (
	"strings"
	"testing"
	"time"
)

// sexualCase is an adult victim's complaint of sexual violence.
func sexualCase() map[string]any {
	return with(validComplaint(), "victim_birth_date", "1995-04-02", "violence_types", []string{"sexual"}, "chronology", "Korban dilecehkan oleh atasannya di kantor.")
}

// The TPKS police report (UU 12/2022 Pasal 41), declared in
// complaint.workflow.json: a case whose forms include sexual violence is
// reported to the police within 72 hours of the report; a reminder at 48
// hours to the officer, escalation at 72 hours to every supervisor, shown in
// the queue.
func TestTPKSClockRemindersAndEscalation(t *testing.T) {
	submitted := wibAt(2026, 11, 26, 9, 0, 0)
	h := newHarness(t, submitted)
	tm := newRemTeam(h)
	c := h.submit(sexualCase())
	clocks := h.clockRowsOf("case_clocks", c.Id)
	if len(clocks) != 1 || clocks[0].GetString("clock") != "tpks_police_report" || clocks[0].GetString("status") != "running" {
		t.Fatalf("clocks of a sexual violence case: %v", clocks)
	}
	if s, d := clocks[0].GetDateTime("started_at").Time(), clocks[0].GetDateTime("due_at").Time(); !s.Equal(submitted) || !d.Equal(submitted.Add(72*time.Hour)) {
		t.Errorf("started %s due %s", s, d)
	}
	other := h.submit(validComplaint())
	if n := len(h.clockRowsOf("case_clocks", other.Id)); n != 0 {
		t.Errorf("a case without sexual violence has %d clocks", n)
	}
	h.flushAlertMails(submitted.Add(time.Minute))
	h.SetNow(submitted.Add(30 * time.Minute))
	h.mustStep(tm.officerToken, c.Id, 2, "done", "Korban ditenangkan.", nil)

	// the queue shows the clock beside the case
	q := h.Do("GET", "/api/queue", nil, tm.officerToken)
	if q.Status != 200 {
		t.Fatalf("queue: %d %s", q.Status, q)
	}
	found := false
	for _, it := range q.JSON["items"].([]any) {
		row := it.(map[string]any)
		if row["id"] == c.Id {
			cl, _ := row["clocks"].([]any)
			if len(cl) != 1 || cl[0].(map[string]any)["clock"] != "tpks_police_report" || !strings.Contains(cl[0].(map[string]any)["label"].(string), "kepolisian") {
				t.Errorf("queue clocks %v", cl)
			}
			found = true
		} else if cl, _ := row["clocks"].([]any); len(cl) != 0 {
			t.Errorf("the other case shows clocks %v", cl)
		}
	}
	if !found {
		t.Fatal("case not in the queue")
	}

	key := clocks[0].Id
	was := h.notices()
	sweep := func(at time.Time, want ...string) {
		t.Helper()
		h.sweepAt(at)
		now := h.notices()
		got := []string{}
		for _, n := range delta(was, now) {
			if strings.Contains(n, "clock_") {
				got = append(got, n)
			}
		}
		expectLines(t, "sweep at +"+at.Sub(submitted).String(), got, want...)
		was = now
	}
	sweep(submitted.Add(47 * time.Hour))
	sweep(submitted.Add(48*time.Hour), "petugas@teduh.test clock_reminder clock_reminder:"+key+":0")
	sweep(submitted.Add(60 * time.Hour))
	sweep(submitted.Add(72*time.Hour),
		"kepala@teduh.test clock_escalation clock_escalation:"+key, "kepala2@teduh.test clock_escalation clock_escalation:"+key)
	sweep(submitted.Add(96 * time.Hour))
	if st := h.clockRowsOf("case_clocks", c.Id)[0].GetString("status"); st != "missed" {
		t.Errorf("after 72 hours: %s", st)
	}
	// the messages name the case and the clock, never the victim
	var msgs []string
	_ = h.App.DB().NewQuery("SELECT message FROM notifications WHERE kind IN ('clock_reminder', 'clock_escalation')").Column(&msgs)
	for _, m := range msgs {
		if !strings.Contains(m, c.GetString("number")) || !strings.Contains(m, "kepolisian") || strings.Contains(m, "Ani") {
			t.Errorf("message %q", m)
		}
	}
}

// Met by the referral letter to a police institution when it is sent (in
// the send's transaction), or by the officer recording the police report by
// hand; started at step 6 when only the full identification finds sexual
// violence (counted from the report, so already late); stopped when the case
// is withdrawn.
func TestTPKSClockMetStartedLateAndStopped(t *testing.T) {
	w := newReferralWorld(t)
	h := w.h
	submitted := referralNow
	h.SetNow(submitted)
	byRef := h.submit(sexualCase())
	h.mustStep(w.tokA, byRef.Id, 2, "done", "Korban ditenangkan.", nil)
	h.mustStep(w.tokA, byRef.Id, 3, "done", "", map[string]any{"requirements_complete": true, "referral_priorities": []string{"police"}})
	// a referral to a hospital does not meet it
	hosp := w.draft(t, w.tokA, byRef.Id, instHospital)
	h.SetNow(submitted.Add(5 * time.Hour))
	w.send(t, hosp, w.tokA)
	if cl := h.clockRowsOf("case_clocks", byRef.Id)[0]; cl.GetString("status") != "running" {
		t.Fatalf("after the hospital's letter: %s", cl.GetString("status"))
	}
	pol := w.draft(t, w.tokA, byRef.Id, instPolice, "services", "Laporan tindak pidana kekerasan seksual.")
	h.SetNow(submitted.Add(20 * time.Hour))
	w.send(t, pol, w.tokA)
	cl := h.clockRowsOf("case_clocks", byRef.Id)[0]
	if cl.GetString("status") != "met" || cl.GetString("met_by") != "referral_sent:police" || !cl.GetDateTime("met_at").Time().Equal(submitted.Add(20*time.Hour)) ||
		cl.GetString("met_by_name") != "Petugas Ayu" || !strings.Contains(cl.GetString("met_note"), "Polres") {
		t.Errorf("after the police letter: %s by %s (%s) at %s: %q", cl.GetString("status"), cl.GetString("met_by"), cl.GetString("met_by_name"), cl.GetDateTime("met_at"), cl.GetString("met_note"))
	}

	// by hand, through the service routes
	h.SetNow(submitted)
	byHand := h.submit(sexualCase())
	h.mustStep(w.tokA, byHand.Id, 2, "done", "Korban ditenangkan.", nil)
	met := func(token, caseID, notes string) *response {
		return h.Do("POST", "/api/services/complaint/cases/"+caseID+"/clocks/tpks_police_report/met", map[string]any{"notes": notes}, token)
	}
	if r := met(w.tokB, byHand.Id, "Laporan polisi LP/123"); r.Status != 404 {
		t.Errorf("another officer's case: %d %s", r.Status, r)
	}
	if r := met(w.tokA, byHand.Id, "  "); r.Status != 400 || r.FieldCode("notes") != "required" {
		t.Errorf("without notes: %d %s", r.Status, r)
	}
	if r := h.Do("POST", "/api/services/complaint/cases/"+byHand.Id+"/clocks/first_response/met", map[string]any{"notes": "x"}, w.tokA); r.Status != 404 {
		t.Errorf("an undeclared clock: %d %s", r.Status, r)
	}
	h.SetNow(submitted.Add(30 * time.Hour))
	r := met(w.tokA, byHand.Id, "Laporan polisi LP/B/123/XI/2026 diterima Unit PPA Polres Singkawang.")
	if r.Status != 200 || r.JSON["status"] != "met" || r.JSON["met_by"] != "manual" {
		t.Fatalf("by hand: %d %s", r.Status, r)
	}
	if n := auditCount(t, h, "clock_met", "case_clocks", r.JSON["id"].(string)); n != 1 {
		t.Errorf("%d clock_met entries", n)
	}
	if r := met(w.tokA, byHand.Id, "lagi"); r.Status != 409 {
		t.Errorf("met twice: %d %s", r.Status, r)
	}

	// found only at step 6: started then, counted from the report
	h.SetNow(submitted)
	plain := h.submit(validComplaint())
	h.mustStep(w.tokA, plain.Id, 2, "done", "Korban ditenangkan.", nil)
	h.mustStep(w.tokA, plain.Id, 3, "done", "", map[string]any{"requirements_complete": true, "referral_priorities": []string{"health"}})
	h.mustStep(w.tokA, plain.Id, 4, "skipped", "Korban sudah aman.", nil)
	h.mustStep(w.tokA, plain.Id, 5, "done", "", map[string]any{"victim_safe": true})
	if n := len(h.clockRowsOf("case_clocks", plain.Id)); n != 0 {
		t.Fatalf("%d clocks before step 6", n)
	}
	h.SetNow(submitted.Add(100 * time.Hour))
	h.mustStep(w.tokA, plain.Id, 6, "done", "", map[string]any{"violence_types": []string{"physical", "sexual"}, "perpetrator_relation": "spouse",
		"incident_place": "household", "needs": []string{"police"}})
	late := h.clockRowsOf("case_clocks", plain.Id)
	if len(late) != 1 || !late[0].GetDateTime("started_at").Time().Equal(submitted) || !late[0].GetDateTime("due_at").Time().Equal(submitted.Add(72*time.Hour)) {
		t.Fatalf("started at step 6: %v", late)
	}
	before := h.notices()
	h.sweepAt(submitted.Add(100*time.Hour + time.Minute))
	got := []string{}
	for _, n := range delta(before, h.notices()) {
		if strings.Contains(n, "clock_") {
			got = append(got, n)
		}
	}
	// (and the world's child case C, reported long ago, with it)
	expectLines(t, "late start escalates at once", got,
		"kepala@teduh.test clock_escalation clock_escalation:"+late[0].Id,
		"kepala@teduh.test clock_escalation clock_escalation:"+h.clockRowsOf("case_clocks", w.caseC.Id)[0].Id)

	// a withdrawn case stops its clock
	h.SetNow(submitted)
	gone := h.submit(sexualCase())
	h.mustStep(w.tokA, gone.Id, 2, "withdrawn", "Pelapor mencabut pengaduan.", nil)
	if st := h.clockRowsOf("case_clocks", gone.Id)[0].GetString("status"); st != "cancelled" {
		t.Errorf("withdrawn case: %s", st)
	}
	// corrected data: sexual violence added starts the clock, removed stops it
	h.SetNow(submitted)
	edited := h.submit(validComplaint())
	h.SetNow(submitted.Add(2 * time.Hour))
	if r := h.Do("PATCH", "/api/collections/complaints/records/"+edited.Id, map[string]any{"violence_types": []string{"sexual"}}, w.tokA); r.Status != 200 {
		t.Fatalf("edit: %d %s", r.Status, r)
	}
	if rows := h.clockRowsOf("case_clocks", edited.Id); len(rows) != 1 || rows[0].GetString("status") != "running" || !rows[0].GetDateTime("started_at").Time().Equal(submitted) {
		t.Fatalf("after adding sexual violence: %v", rows)
	}
	if r := h.Do("PATCH", "/api/collections/complaints/records/"+edited.Id, map[string]any{"violence_types": []string{"physical"}}, w.tokA); r.Status != 200 {
		t.Fatalf("edit back: %d %s", r.Status, r)
	}
	if rows := h.clockRowsOf("case_clocks", edited.Id); len(rows) != 1 || rows[0].GetString("status") != "cancelled" {
		t.Errorf("after removing it: %v", rows)
	}

	// nobody writes a clock but the server
	if r := h.Do("PATCH", "/api/collections/case_clocks/records/"+late[0].Id, map[string]any{"status": "met"}, w.tokSU); r.Status < 400 {
		t.Errorf("the superuser edited a clock: %d %s", r.Status, r)
	}
	if r := h.Do("GET", "/api/collections/case_clocks/records?filter="+urlQuery("complaint = '"+byRef.Id+"'"), nil, w.tokB); r.Status != 200 || r.JSON["totalItems"] != float64(0) {
		t.Errorf("officer B reads A's clocks: %d %s", r.Status, r)
	}
}
