package pb_hooks_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// perpetratorWorld: officer A handles case X, officer B case Y; X has a
// linked case X2 (another victim of the same report).
type perpetratorWorld struct {
	h                      *harness
	tokA, tokB, tokSup, su string
	x, y                   *core.Record
}

func newPerpetratorWorld(t *testing.T) *perpetratorWorld {
	t.Helper()
	h := newHarness(t, statsStart)
	w := &perpetratorWorld{h: h}
	_, w.tokA = h.Staff("a@teduh.test", "Petugas A", "officer", true)
	_, w.tokB = h.Staff("b@teduh.test", "Petugas B", "officer", true)
	_, w.tokSup = h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)
	w.su = h.Superuser()
	w.x = h.submit(with(validComplaint(), "other_victims", true, "other_victims_note", "Kakaknya, 12 tahun."))
	h.mustStep(w.tokA, w.x.Id, 2, "done", "Ditenangkan.", nil)
	w.y = h.submit(validComplaint())
	h.mustStep(w.tokB, w.y.Id, 2, "done", "Ditenangkan.", nil)
	w.x, w.y = h.reload(w.x), h.reload(w.y)
	return w
}

func (w *perpetratorWorld) add(body map[string]any, token string) *response {
	return w.h.Do("POST", "/api/collections/perpetrators/records", body, token)
}

func TestPerpetratorsAreRecordsOfTheirCase(t *testing.T) {
	w := newPerpetratorWorld(t)
	h := w.h
	res := w.add(map[string]any{"complaint": w.x.Id, "relation": "parent", "sex": "male", "age": 41, "education": "senior", "occupation": "farmer_labourer"}, w.tokA)
	if res.Status != 200 || res.JSON["relation"] != "parent" {
		t.Fatalf("add perpetrator: %d %s", res.Status, res)
	}
	father := res.JSON["id"].(string)
	if rec, _ := h.App.FindRecordById("perpetrators", father); rec.GetString("created_by") == "" {
		t.Error("the author is not recorded")
	}
	// a second one, with an age group only
	if res := w.add(map[string]any{"complaint": w.x.Id, "relation": "family", "age_group": "18_24"}, w.tokA); res.Status != 200 {
		t.Fatalf("second perpetrator: %d %s", res.Status, res)
	}
	// bad values: a field-keyed 400 in Bahasa Indonesia, nothing stored
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"complaint": w.x.Id, "sex": "male"}, "relation"},
		{map[string]any{"complaint": w.x.Id, "relation": "uncle"}, "relation"},
		{map[string]any{"complaint": w.x.Id, "relation": "parent", "age": 300}, "age"},
		{map[string]any{"complaint": w.x.Id, "relation": "parent", "age_group": "30_40"}, "age_group"},
		{map[string]any{"complaint": w.x.Id, "relation": "parent", "education": "phd"}, "education"},
		{map[string]any{"relation": "parent"}, "complaint"},
	} {
		res := w.add(tc.body, w.tokA)
		if res.Status != 400 || res.FieldCode(tc.field) == "" {
			t.Errorf("%v: %d %s, want a 400 on %s", tc.body, res.Status, res, tc.field)
		}
	}
	if n, _ := h.App.CountRecords("perpetrators"); n != 2 {
		t.Errorf("%d perpetrators stored, want 2", n)
	}
	// officer B may not see case X: its perpetrators answer like a missing case
	if res := w.add(map[string]any{"complaint": w.x.Id, "relation": "parent"}, w.tokB); res.Status != 404 {
		t.Errorf("officer B added to A's case: %d %s", res.Status, res)
	}
	if res := h.Do("GET", "/api/collections/perpetrators/records/"+father, nil, w.tokB); res.Status != 404 {
		t.Errorf("officer B read A's perpetrator: %d %s", res.Status, res)
	}
	if res := h.Do("PATCH", "/api/collections/perpetrators/records/"+father, map[string]any{"age": 42}, w.tokB); res.Status != 404 {
		t.Errorf("officer B changed A's perpetrator: %d %s", res.Status, res)
	}
	// the reads are audited like the case's
	if res := h.Do("GET", "/api/collections/perpetrators/records?filter="+url.QueryEscape("complaint = '"+w.x.Id+"'"), nil, w.tokA); res.Status != 200 || res.JSON["totalItems"].(float64) != 2 {
		t.Fatalf("list: %d %s", res.Status, res)
	}
	if n, _ := h.App.CountRecords("audit_log", dbx.HashExp{"collection_name": "perpetrators", "action": "list"}); n != 1 {
		t.Errorf("%d list entries in the audit log", n)
	}
	// a perpetrator cannot move to another case
	if res := h.Do("PATCH", "/api/collections/perpetrators/records/"+father, map[string]any{"complaint": w.y.Id}, w.tokSup); res.Status != 400 || res.FieldCode("complaint") != "immutable" {
		t.Errorf("moved to another case: %d %s", res.Status, res)
	}
	if res := h.Do("PATCH", "/api/collections/perpetrators/records/"+father, map[string]any{"age": 42}, w.tokA); res.Status != 200 {
		t.Fatalf("edit while open: %d %s", res.Status, res)
	}

	// closed: no change on any path, the administrator's and Go code's included
	h.mustStep(w.tokA, w.x.Id, 3, "withdrawn", "Pelapor mencabut.", nil)
	if res := w.add(map[string]any{"complaint": w.x.Id, "relation": "neighbor"}, w.tokA); res.Status != http.StatusConflict || res.FieldCode("complaint") != "case_closed" {
		t.Errorf("added to a closed case: %d %s", res.Status, res)
	}
	for _, tok := range []string{w.tokA, w.su} {
		if res := h.Do("PATCH", "/api/collections/perpetrators/records/"+father, map[string]any{"age": 43}, tok); res.Status != http.StatusConflict {
			t.Errorf("edited on a closed case: %d %s", res.Status, res)
		}
		if res := h.Do("DELETE", "/api/collections/perpetrators/records/"+father, nil, tok); res.Status != http.StatusConflict {
			t.Errorf("deleted on a closed case: %d %s", res.Status, res)
		}
	}
	rec, _ := h.App.FindRecordById("perpetrators", father)
	rec.Set("age", 50)
	if err := h.App.Save(rec); err == nil {
		t.Error("Go code changed a closed case's perpetrator")
	}
	if err := h.App.Delete(rec); err == nil {
		t.Error("Go code deleted a closed case's perpetrator")
	}
	if rec, _ := h.App.FindRecordById("perpetrators", father); rec.GetInt("age") != 42 {
		t.Errorf("age %d after the refusals", rec.GetInt("age"))
	}
}

func TestSeveralVictimsOfOneReportAreLinkedCases(t *testing.T) {
	w := newPerpetratorWorld(t)
	h := w.h
	if w.x.GetString("report_number") != w.x.GetString("number") || w.x.GetDateTime("reported_at").IsZero() || !w.x.GetBool("other_victims") {
		t.Fatalf("first case: report %q reported %v other %v", w.x.GetString("report_number"), w.x.GetDateTime("reported_at"), w.x.GetBool("other_victims"))
	}
	// staff register the sibling as a linked case: its own number, its own
	// SOP, the report's number
	res := h.Do("POST", "/api/collections/complaints/records", with(validComplaint(), "channel", "walk_in", "linked_case", w.x.Id,
		"victim_name", "Kakak Korban", "victim_age", 12), w.tokA)
	if res.Status != 200 {
		t.Fatalf("linked case: %d %s", res.Status, res)
	}
	x2, _ := h.App.FindRecordById("complaints", res.JSON["id"].(string))
	if x2.GetString("report_number") != w.x.GetString("number") || x2.GetString("number") == w.x.GetString("number") ||
		x2.GetInt("current_step") != 1 || x2.GetString("victim_age") != "12" {
		t.Fatalf("linked case: number %q report %q step %d age %q", x2.GetString("number"), x2.GetString("report_number"), x2.GetInt("current_step"), x2.GetString("victim_age"))
	}
	// the console finds the report's cases by its number
	if res := h.Do("GET", "/api/collections/complaints/records?filter="+url.QueryEscape("report_number = '"+w.x.GetString("number")+"'"), nil, w.tokSup); res.Status != 200 || res.JSON["totalItems"].(float64) != 2 {
		t.Fatalf("cases of the report: %d %s", res.Status, res)
	}
	// only from a case one may see; the public cannot link at all
	if res := h.Do("POST", "/api/collections/complaints/records", with(validComplaint(), "channel", "walk_in", "linked_case", w.y.Id), w.tokA); res.Status != 400 || res.FieldCode("linked_case") != "not_found" {
		t.Errorf("linked to another officer's case: %d %s", res.Status, res)
	}
	if res := h.Do("POST", "/api/public/complaints", with(validComplaint(), "linked_case", w.x.Id), ""); res.Status != 400 || res.FieldCode("linked_case") != "unknown_field" {
		t.Errorf("public link: %d %s", res.Status, res)
	}
	// the report number and the link are the server's
	if res := h.Do("PATCH", "/api/collections/complaints/records/"+x2.Id, map[string]any{"report_number": "SKW-1999-0001"}, w.tokSup); res.Status != 400 || res.FieldCode("report_number") != "system_field" {
		t.Errorf("report number edited: %d %s", res.Status, res)
	}

	// the same father on both cases: linked with same_as, counted once
	father := w.add(map[string]any{"complaint": w.x.Id, "relation": "parent", "sex": "male"}, w.tokA)
	if father.Status != 200 {
		t.Fatal(father)
	}
	if res := w.add(map[string]any{"complaint": x2.Id, "relation": "parent", "sex": "male", "same_as": father.JSON["id"]}, w.tokA); res.Status != 200 {
		t.Fatalf("same_as: %d %s", res.Status, res)
	}
	other := w.add(map[string]any{"complaint": w.y.Id, "relation": "spouse"}, w.tokB)
	for _, id := range []any{other.JSON["id"], "nosuchrecord123"} {
		if res := w.add(map[string]any{"complaint": x2.Id, "relation": "spouse", "same_as": id}, w.tokA); res.Status != 400 || res.FieldCode("same_as") != "invalid_same_as" {
			t.Errorf("same_as outside the report (%v): %d %s", id, res.Status, res)
		}
	}
	st := (&statsWorld{h: h, tokSup: w.tokSup}).stats(t, "from=2026-01&to=2026-01")
	if st.Totals.Cases != 2 || st.Totals.Victims != 3 || st.Totals.Perpetrators != 2 {
		t.Errorf("totals %+v: want 2 reports, 3 victims, 2 perpetrators (the father once, the spouse)", st.Totals)
	}
}

func TestServicesGivenAreDerivedAndConfirmed(t *testing.T) {
	w := newPerpetratorWorld(t)
	h := w.h
	res := h.Do("GET", "/api/complaints/"+w.x.Id+"/services", nil, w.tokA)
	if res.Status != 200 {
		t.Fatalf("services: %d %s", res.Status, res)
	}
	if d := res.JSON["derived"].([]any); len(d) != 1 || d[0] != "pengaduan" || len(res.JSON["options"].([]any)) != 8 {
		t.Errorf("derived services of a new case: %s", res)
	}
	h.mustStep(w.tokA, w.x.Id, 3, "done", "", map[string]any{"requirements_complete": true, "referral_priorities": []string{"police"}})
	h.mustStep(w.tokA, w.x.Id, 4, "done", "", map[string]any{"destination": "Polres", "police_assistance": true})
	res = h.Do("GET", "/api/complaints/"+w.x.Id+"/services", nil, w.tokA)
	if d := res.JSON["derived"].([]any); len(d) != 2 || d[1] != "penegakan_hukum" {
		t.Errorf("after a police escort: %s", res)
	}
	if res := h.Do("GET", "/api/complaints/"+w.x.Id+"/services", nil, w.tokB); res.Status != 404 {
		t.Errorf("officer B read A's case's services: %d", res.Status)
	}
	for _, body := range []map[string]any{{"services": []string{}}, {"services": []string{"pengaduan", "pijat"}}} {
		if res := h.Do("POST", "/api/complaints/"+w.x.Id+"/services", body, w.tokA); res.Status != 400 || res.FieldCode("services") == "" {
			t.Errorf("%v: %d %s", body, res.Status, res)
		}
	}
	if res := h.Do("POST", "/api/complaints/"+w.x.Id+"/services", map[string]any{"services": []string{"pemulangan", "pengaduan"}}, w.tokA); res.Status != 200 {
		t.Fatalf("confirm: %d %s", res.Status, res)
	}
	x := h.reload(w.x)
	if got := jsonStrings(x, "services_given"); !slices.Equal(got, []string{"pengaduan", "pemulangan"}) || x.GetDateTime("services_confirmed_at").IsZero() {
		t.Errorf("confirmed: %v at %v", got, x.GetDateTime("services_confirmed_at"))
	}
	if n, _ := h.App.CountRecords("audit_log", dbx.HashExp{"record_id": w.x.Id, "action": "update"}); n == 0 {
		t.Error("the confirmation is not in the audit log")
	}
	if res := h.Do("PATCH", "/api/collections/complaints/records/"+w.x.Id, map[string]any{"services_given": []string{"kesehatan"}}, w.tokA); res.Status != 400 {
		t.Errorf("services written past the route: %d %s", res.Status, res)
	}
	h.mustStep(w.tokA, w.x.Id, 5, "withdrawn", "Dicabut.", nil)
	if res := h.Do("POST", "/api/complaints/"+w.x.Id+"/services", map[string]any{"services": []string{"pengaduan"}}, w.tokA); res.Status != http.StatusConflict {
		t.Errorf("confirmed on a closed case: %d %s", res.Status, res)
	}
}
