package pb_hooks_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
)

// A fresh online complaint walked through all nine SOP steps over REST by an
// officer and a supervisor, checking the case after each step.
func TestNineStepsOverREST(t *testing.T) {
	start := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC) // 09:00 WIB
	h := newHarness(t, start)
	officer, officerToken := h.Staff("petugas@teduh.test", "Petugas Satu", "officer", true)
	_, supervisorToken := h.Staff("kepala@teduh.test", "Kepala Bidang", "supervisor", true)

	c := h.submit(validComplaint())
	if c.GetString("status") != "new" || c.GetInt("current_step") != 1 || c.GetString("channel") != "online" {
		t.Fatalf("new case: status %q step %d channel %q", c.GetString("status"), c.GetInt("current_step"), c.GetString("channel"))
	}
	if got := c.GetDateTime("first_response_due_at").Time(); !got.Equal(start.Add(24 * time.Hour)) {
		t.Fatalf("first response due %v, want 24 h after submission", got)
	}
	steps, _ := h.App.FindRecordsByFilter("case_steps", "complaint = {:c}", "created", 0, 0, map[string]any{"c": c.Id})
	if len(steps) != 1 || steps[0].GetInt("step") != 1 || steps[0].GetString("actor_kind") != "system" {
		t.Fatalf("step 1 was not recorded automatically: %v", steps)
	}

	// 2: stabilisation assigns the unassigned case to the officer
	h.SetNow(start.Add(30 * time.Minute))
	h.mustStep(officerToken, c.Id, 2, "done", "Korban ditenangkan melalui telepon.", nil)
	c = h.reload(c)
	if c.GetString("assigned_to") != officer.Id || c.GetString("status") != "in_progress" || c.GetInt("current_step") != 2 {
		t.Fatalf("after step 2: assigned %q status %q step %d", c.GetString("assigned_to"), c.GetString("status"), c.GetInt("current_step"))
	}
	if !c.GetDateTime("first_response_at").Time().Equal(start.Add(30 * time.Minute)) {
		t.Fatalf("first response time not recorded: %v", c.GetDateTime("first_response_at"))
	}

	// 3: incomplete requirements do not advance and do not start the clock
	h.SetNow(start.Add(2 * time.Hour))
	h.mustStep(officerToken, c.Id, 3, "incomplete", "KTP korban belum ada.", map[string]any{"requirements_complete": false})
	c = h.reload(c)
	if c.GetString("status") != "awaiting_requirements" || c.GetInt("current_step") != 2 || !c.GetDateTime("due_at").IsZero() {
		t.Fatalf("after incomplete step 3: status %q step %d due %v", c.GetString("status"), c.GetInt("current_step"), c.GetDateTime("due_at"))
	}
	// … and step 3 is recorded again once they are complete: the 7-day clock starts
	verified := start.Add(26 * time.Hour)
	h.SetNow(verified)
	h.mustStep(officerToken, c.Id, 3, "done", "", map[string]any{"requirements_complete": true, "referral_priorities": []string{"health", "police"}})
	c = h.reload(c)
	if !c.GetDateTime("verified_at").Time().Equal(verified) || !c.GetDateTime("due_at").Time().Equal(verified.Add(7*24*time.Hour)) {
		t.Fatalf("clock: verified %v due %v", c.GetDateTime("verified_at"), c.GetDateTime("due_at"))
	}
	if c.GetString("status") != "in_progress" || c.GetInt("current_step") != 3 {
		t.Fatalf("after step 3: %q %d", c.GetString("status"), c.GetInt("current_step"))
	}

	h.mustStep(officerToken, c.Id, 4, "done", "", map[string]any{"destination": "RSUD Abdul Aziz", "police_assistance": false})
	h.mustStep(officerToken, c.Id, 5, "progress", "Kunjungan pertama, korban masih takut.", nil)
	h.mustStep(officerToken, c.Id, 5, "progress", "Kunjungan kedua.", nil)
	if got := h.reload(c).GetInt("current_step"); got != 4 {
		t.Fatalf("progress notes advanced the case to %d", got)
	}
	h.mustStep(officerToken, c.Id, 5, "done", "", map[string]any{"victim_safe": true})
	h.mustStep(officerToken, c.Id, 6, "done", "", map[string]any{
		"violence_types": []string{"physical", "psychological"}, "perpetrator_relation": "spouse",
		"incident_place": "household", "needs": []string{"health", "legal_aid"},
	})
	c = h.reload(c)
	var types []string
	_ = c.UnmarshalJSONField("violence_types", &types)
	if strings.Join(types, ",") != "physical,psychological" || c.GetString("perpetrator_relation") != "spouse" || c.GetString("incident_place") != "household" {
		t.Fatalf("step 6 facts not copied onto the case: %v %q %q", types, c.GetString("perpetrator_relation"), c.GetString("incident_place"))
	}

	// 7: disposition is the supervisor's
	res := h.step(officerToken, c.Id, 7, "done", "Tidak perlu rujukan.", map[string]any{"referral_needed": false})
	if res.Status != http.StatusForbidden || res.FieldCode("step") != "role_not_allowed" {
		t.Fatalf("officer recorded step 7: %d %s", res.Status, res)
	}
	h.mustStep(supervisorToken, c.Id, 7, "done", "Cukup pendampingan dinas.", map[string]any{"referral_needed": false})

	// 8: skipped, because the disposition said no referral is needed
	h.mustStep(officerToken, c.Id, 8, "skipped", "", nil)

	closedAt := verified.Add(5 * 24 * time.Hour)
	h.SetNow(closedAt)
	h.mustStep(officerToken, c.Id, 9, "done", "Korban aman, kasus selesai ditangani.", nil)
	c = h.reload(c)
	if c.GetString("status") != "closed" || c.GetInt("current_step") != 9 || !c.GetDateTime("closed_at").Time().Equal(closedAt) {
		t.Fatalf("after step 9: %q %d %v", c.GetString("status"), c.GetInt("current_step"), c.GetDateTime("closed_at"))
	}

	// the timeline: every step with actor and outcome, in order
	steps, _ = h.App.FindRecordsByFilter("case_steps", "complaint = {:c}", "created", 0, 0, map[string]any{"c": c.Id})
	var timeline []string
	for _, s := range steps {
		timeline = append(timeline, fmt.Sprintf("%d:%s:%s", s.GetInt("step"), s.GetString("outcome"), s.GetString("actor_name")))
	}
	want := "1:done:Sistem 2:done:Petugas Satu 3:incomplete:Petugas Satu 3:done:Petugas Satu 4:done:Petugas Satu " +
		"5:progress:Petugas Satu 5:progress:Petugas Satu 5:done:Petugas Satu 6:done:Petugas Satu 7:done:Kepala Bidang " +
		"8:skipped:Petugas Satu 9:done:Petugas Satu"
	if got := strings.Join(timeline, " "); got != want {
		t.Fatalf("timeline\n got %s\nwant %s", got, want)
	}

	// a closed case is read-only and takes no more steps
	if res := h.Do("PATCH", "/api/collections/complaints/records/"+c.Id, map[string]any{"victim_address": "Jl. Baru"}, supervisorToken); res.Status != http.StatusConflict {
		t.Fatalf("closed case edited: %d %s", res.Status, res)
	}
	if res := h.step(officerToken, c.Id, 9, "done", "lagi", nil); res.Status != http.StatusConflict || res.FieldCode("complaint") != "case_closed" {
		t.Fatalf("closed case took a step: %d %s", res.Status, res)
	}
	// the public status says closed
	st := h.Do("GET", "/api/public/complaints/"+c.GetString("tracking_code"), nil, "")
	if st.JSON["status"] != "closed" || st.JSON["step_name"] != "Laporan penanganan" {
		t.Fatalf("public status: %s", st)
	}
}

// Each ordering rule and per-step requirement, with the error a person sees.
func TestStepRulesAndErrors(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	_, officer := h.Staff("petugas@teduh.test", "Petugas Satu", "officer", true)
	_, supervisor := h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)
	c := h.submit(validComplaint())

	cases := []struct {
		name        string
		token       string
		step        int
		outcome     string
		notes       string
		data        map[string]any
		status      int
		field, code string
	}{
		{"step 1 cannot be recorded by hand", officer, 1, "done", "x", nil, 409, "step", "step_already_recorded"},
		{"skipping ahead to step 3", officer, 3, "done", "", map[string]any{"requirements_complete": true, "referral_priorities": []string{"health"}}, 400, "step", "step_out_of_order"},
		{"unknown step", officer, 42, "done", "x", nil, 400, "step", "unknown_step"},
		{"step 2 needs notes", officer, 2, "done", "   ", nil, 400, "notes", "required"},
		{"step 2 with an outcome it does not have", officer, 2, "skipped", "x", nil, 400, "outcome", "invalid_outcome"},
		{"step 2 with data it does not take", officer, 2, "done", "x", map[string]any{"hack": 1}, 400, "data.hack", "unknown_field"},
		{"withdrawal needs a reason", officer, 2, "withdrawn", "", nil, 400, "notes", "required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := h.step(tc.token, c.Id, tc.step, tc.outcome, tc.notes, tc.data)
			if res.Status != tc.status || res.FieldCode(tc.field) != tc.code {
				t.Fatalf("got %d %s, want %d %s=%s", res.Status, res, tc.status, tc.field, tc.code)
			}
		})
	}
	if n, _ := h.App.CountRecords("case_steps"); n != 1 {
		t.Fatalf("refused steps were stored: %d step records", n)
	}

	h.mustStep(officer, c.Id, 2, "done", "Ditenangkan.", nil)
	perStep := []struct {
		name        string
		step        int
		outcome     string
		notes       string
		data        map[string]any
		field, code string
	}{
		{"step 3 needs the requirements answer", 3, "done", "", nil, "data.requirements_complete", "required"},
		{"step 3 done needs referral priorities", 3, "done", "", map[string]any{"requirements_complete": true}, "data.referral_priorities", "required"},
		{"step 3 priorities must be institution types", 3, "done", "", map[string]any{"requirements_complete": true, "referral_priorities": []string{"dukun"}}, "data.referral_priorities", "invalid_option"},
		{"step 3 done contradicting the answer", 3, "done", "", map[string]any{"requirements_complete": false}, "outcome", "outcome_mismatch"},
		{"step 3 incomplete needs notes", 3, "incomplete", "", map[string]any{"requirements_complete": false}, "notes", "required"},
		{"step 3 with a wrongly typed answer", 3, "done", "", map[string]any{"requirements_complete": "mungkin"}, "data.requirements_complete", "invalid_type"},
	}
	for _, tc := range perStep {
		t.Run(tc.name, func(t *testing.T) {
			res := h.step(officer, c.Id, tc.step, tc.outcome, tc.notes, tc.data)
			if res.Status != 400 || res.FieldCode(tc.field) != tc.code {
				t.Fatalf("got %d %s, want 400 %s=%s", res.Status, res, tc.field, tc.code)
			}
			if msg, _ := res.JSON["message"].(string); msg == "" || strings.Contains(msg, "Failed") {
				t.Fatalf("message is not a Bahasa Indonesia explanation: %q", msg)
			}
		})
	}
	h.mustStep(officer, c.Id, 3, "done", "", map[string]any{"requirements_complete": true, "referral_priorities": []string{"shelter"}})

	for _, tc := range []struct {
		name        string
		outcome     string
		notes       string
		data        map[string]any
		field, code string
	}{
		{"step 4 done needs a destination", "done", "", map[string]any{"police_assistance": true}, "data.destination", "required"},
		{"step 4 done needs the police answer", "done", "", map[string]any{"destination": "Rumah aman"}, "data.police_assistance", "required"},
		{"step 4 skipped needs a reason", "skipped", "", nil, "notes", "required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := h.step(officer, c.Id, 4, tc.outcome, tc.notes, tc.data)
			if res.Status != 400 || res.FieldCode(tc.field) != tc.code {
				t.Fatalf("got %d %s, want 400 %s=%s", res.Status, res, tc.field, tc.code)
			}
		})
	}
	h.mustStep(officer, c.Id, 4, "skipped", "Korban sudah berada di rumah keluarga yang aman.", nil)

	if res := h.step(officer, c.Id, 5, "done", "", map[string]any{"victim_safe": false}); res.Status != 400 || res.FieldCode("outcome") != "outcome_mismatch" {
		t.Fatalf("step 5 done while not safe: %d %s", res.Status, res)
	}
	if res := h.step(officer, c.Id, 5, "progress", "", nil); res.Status != 400 || res.FieldCode("notes") != "required" {
		t.Fatalf("progress without notes: %d %s", res.Status, res)
	}
	h.mustStep(officer, c.Id, 5, "done", "", map[string]any{"victim_safe": true})

	if res := h.step(officer, c.Id, 6, "done", "", map[string]any{"violence_types": []string{"physical"}}); res.Status != 400 ||
		res.FieldCode("data.perpetrator_relation") != "required" || res.FieldCode("data.incident_place") != "required" || res.FieldCode("data.needs") != "required" {
		t.Fatalf("step 6 with missing facts: %d %s", res.Status, res)
	}
	h.mustStep(officer, c.Id, 6, "done", "", map[string]any{"violence_types": []string{"sexual"}, "perpetrator_relation": "unknown", "incident_place": "online", "needs": []string{"psychosocial"}})

	if res := h.step(supervisor, c.Id, 7, "done", "", map[string]any{"referral_needed": true}); res.Status != 400 || res.FieldCode("notes") != "required" {
		t.Fatalf("disposition without notes: %d %s", res.Status, res)
	}
	h.mustStep(supervisor, c.Id, 7, "done", "Rujuk ke psikolog.", map[string]any{"referral_needed": true})

	// step 8 cannot be skipped when a referral is needed, and "done" needs a sent referral
	if res := h.step(officer, c.Id, 8, "skipped", "", nil); res.Status != 400 || res.FieldCode("outcome") != "referral_needed" {
		t.Fatalf("step 8 skipped against the disposition: %d %s", res.Status, res)
	}
	if res := h.step(officer, c.Id, 8, "done", "Surat dibuat.", nil); res.Status != 400 || res.FieldCode("outcome") != "referral_not_sent" {
		t.Fatalf("step 8 done without a sent referral: %d %s", res.Status, res)
	}
	if res := h.step(officer, c.Id, 9, "done", "Selesai.", nil); res.Status != 400 || res.FieldCode("step") != "step_out_of_order" {
		t.Fatalf("step 9 before step 8: %d %s", res.Status, res)
	}

	// withdrawal closes an open case with the next step's number
	h.mustStep(officer, c.Id, 8, "withdrawn", "Pelapor mencabut pengaduan.", nil)
	c = h.reload(c)
	if c.GetString("status") != "withdrawn" || c.GetInt("current_step") != 8 || c.GetDateTime("closed_at").IsZero() {
		t.Fatalf("after withdrawal: %q %d %v", c.GetString("status"), c.GetInt("current_step"), c.GetDateTime("closed_at"))
	}
	if res := h.step(officer, c.Id, 9, "done", "x", nil); res.Status != 409 {
		t.Fatalf("withdrawn case took a step: %d %s", res.Status, res)
	}
}

// Step records are immutable for everyone, and the actor is never a body field.
func TestStepRecordsImmutableAndActorFromAuth(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	_, officer := h.Staff("petugas@teduh.test", "Petugas Satu", "officer", true)
	other, _ := h.Staff("lain@teduh.test", "Petugas Lain", "officer", true)
	super := h.Superuser()
	c := h.submit(validComplaint())

	res := h.Do("POST", "/api/collections/case_steps/records", map[string]any{
		"complaint": c.Id, "step": 2, "outcome": "done", "notes": "x", "actor": other.Id, "actor_kind": "system", "actor_name": "Palsu",
	}, officer)
	if res.Status != 200 {
		t.Fatalf("step 2: %d %s", res.Status, res)
	}
	if res.JSON["actor"] == other.Id || res.JSON["actor_name"] != "Petugas Satu" || res.JSON["actor_kind"] != "staff" {
		t.Fatalf("actor taken from the body: %s", res)
	}
	id := res.JSON["id"].(string)
	for _, tok := range []string{officer, super} {
		if r := h.Do("PATCH", "/api/collections/case_steps/records/"+id, map[string]any{"notes": "diubah"}, tok); r.Status < 400 {
			t.Fatalf("step record updated: %d %s", r.Status, r)
		}
		if r := h.Do("DELETE", "/api/collections/case_steps/records/"+id, nil, tok); r.Status < 400 {
			t.Fatalf("step record deleted: %d %s", r.Status, r)
		}
	}
	rec, _ := h.App.FindRecordById("case_steps", id)
	rec.Set("notes", "diubah dari Go")
	if err := h.App.Save(rec); err == nil {
		t.Fatal("Go code updated a step record")
	}
	if err := h.App.Delete(rec); err == nil {
		t.Fatal("Go code deleted a step record")
	}
	if got := h.reload(rec).GetString("notes"); got != "x" {
		t.Fatalf("notes changed to %q", got)
	}

	// the superuser records steps as an administrator, within the same rules
	if r := h.step(super, c.Id, 4, "done", "", nil); r.Status != 400 || r.FieldCode("step") != "step_out_of_order" {
		t.Fatalf("superuser broke the order: %d %s", r.Status, r)
	}
	r := h.step(super, c.Id, 3, "incomplete", "Menunggu KTP.", map[string]any{"requirements_complete": false})
	if r.Status != 200 || r.JSON["actor_kind"] != "superuser" || !strings.Contains(r.JSON["actor_name"].(string), "admin@teduh.test") {
		t.Fatalf("superuser step: %d %s", r.Status, r)
	}
}

// Workflow fields are the system's: neither staff nor the superuser can set them.
func TestWorkflowFieldsAreSystemOnly(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	_, supervisor := h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)
	super := h.Superuser()
	c := h.submit(validComplaint())
	for _, field := range []string{"number", "tracking_code", "status", "current_step", "verified_at", "due_at", "closed_at", "first_response_due_at", "channel", "urgency"} {
		for who, tok := range map[string]string{"supervisor": supervisor, "superuser": super} {
			value := any("2030-01-01 00:00:00.000Z")
			switch field {
			case "current_step":
				value = 9
			case "status":
				value = "closed"
			case "channel":
				value = "walk_in"
			case "urgency":
				value = "emergency"
			case "number", "tracking_code":
				value = "XXX"
			}
			res := h.Do("PATCH", "/api/collections/complaints/records/"+c.Id, map[string]any{field: value}, tok)
			if res.Status != 400 || res.FieldCode(field) != "system_field" {
				t.Fatalf("%s set %s: %d %s", who, field, res.Status, res)
			}
		}
	}
	fresh := h.reload(c)
	if fresh.GetString("status") != "new" || fresh.GetInt("current_step") != 1 || fresh.GetString("number") != c.GetString("number") {
		t.Fatalf("workflow fields changed: %q %d %q", fresh.GetString("status"), fresh.GetInt("current_step"), fresh.GetString("number"))
	}
	// ordinary fields remain editable, with the same validation as intake
	if res := h.Do("PATCH", "/api/collections/complaints/records/"+c.Id, map[string]any{"victim_district": "Singkawang Barat"}, supervisor); res.Status != 200 {
		t.Fatalf("edit: %d %s", res.Status, res)
	}
	if res := h.Do("PATCH", "/api/collections/complaints/records/"+c.Id, map[string]any{"victim_district": "Pontianak Kota"}, supervisor); res.Status != 400 || res.FieldCode("victim_district") != "invalid_option" {
		t.Fatalf("invalid district accepted: %d %s", res.Status, res)
	}
	if res := h.Do("DELETE", "/api/collections/complaints/records/"+c.Id, nil, super); res.Status < 400 {
		t.Fatalf("complaint deleted: %d", res.Status)
	}
}

// Two officers recording the same step at the same moment over real HTTP:
// exactly one wins, the others get a clean 409 (the step was just recorded)
// or 404 (the unassigned case is now the winner's, so it is hidden from them
// like a case that does not exist), and the case moved once.
func TestConcurrentStepWrites(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	srv := httptest.NewServer(h.Handler)
	defer srv.Close()
	tokens := make([]string, 6)
	for i := range tokens {
		_, tokens[i] = h.Staff(fmt.Sprintf("p%d@teduh.test", i), fmt.Sprintf("Petugas %d", i), "officer", true)
	}
	for round := 0; round < 5; round++ {
		c := h.submit(validComplaint())
		statuses := make([]int, len(tokens))
		var wg sync.WaitGroup
		startGate := make(chan struct{})
		for i, tok := range tokens {
			wg.Add(1)
			go func(i int, tok string) {
				defer wg.Done()
				<-startGate
				body := fmt.Sprintf(`{"complaint":%q,"step":2,"outcome":"done","notes":"Ditenangkan oleh %d"}`, c.Id, i)
				req, _ := http.NewRequest("POST", srv.URL+"/api/collections/case_steps/records", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", tok)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				statuses[i] = res.StatusCode
				if res.StatusCode != 200 && res.StatusCode != 409 && res.StatusCode != 404 {
					t.Logf("status %d: %s", res.StatusCode, b)
				}
			}(i, tok)
		}
		close(startGate)
		wg.Wait()
		won := 0
		for _, s := range statuses {
			switch s {
			case 200:
				won++
			case 409, 404:
			default:
				t.Fatalf("round %d: unexpected status %d (all: %v)", round, s, statuses)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d winners, want exactly 1 (%v)", round, won, statuses)
		}
		n, _ := h.App.CountRecords("case_steps", dbx.HashExp{"complaint": c.Id, "step": 2})
		if n != 1 || h.reload(c).GetInt("current_step") != 2 {
			t.Fatalf("round %d: %d step-2 records, current step %d", round, n, h.reload(c).GetInt("current_step"))
		}
	}
}
