package pb_hooks_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"slices"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// auditEntries returns the audit entries matching filter, oldest first.
func auditEntries(t *testing.T, h *harness, filter string, params dbx.Params) []*core.Record {
	t.Helper()
	records, err := h.App.FindRecordsByFilter("audit_log", filter, "created", 0, 0, params)
	if err != nil {
		t.Fatal(err)
	}
	return records
}

// auditOne returns the only entry matching filter.
func auditOne(t *testing.T, h *harness, filter string, params dbx.Params) *core.Record {
	t.Helper()
	records := auditEntries(t, h, filter, params)
	if len(records) != 1 {
		t.Fatalf("audit entries for %q %v: %d, want 1", filter, params, len(records))
	}
	return records[0]
}

func auditDetail(t *testing.T, r *core.Record) map[string]any {
	t.Helper()
	var detail map[string]any
	if err := r.UnmarshalJSONField("detail", &detail); err != nil {
		t.Fatalf("detail of %s: %v (%s)", r.Id, err, r.GetString("detail"))
	}
	return detail
}

// auditExpectActor checks who, from where and on what an entry names.
func auditExpectActor(t *testing.T, r *core.Record, actorID, actorCollection, collection, recordID string) {
	t.Helper()
	if got := r.GetString("actor_id"); got != actorID {
		t.Errorf("%s entry actor_id %q, want %q", r.GetString("action"), got, actorID)
	}
	if got := r.GetString("actor_collection"); got != actorCollection {
		t.Errorf("%s entry actor_collection %q, want %q", r.GetString("action"), got, actorCollection)
	}
	if r.GetString("actor_name") == "" {
		t.Errorf("%s entry without actor_name", r.GetString("action"))
	}
	if got := r.GetString("collection_name"); got != collection {
		t.Errorf("%s entry collection_name %q, want %q", r.GetString("action"), got, collection)
	}
	if got := r.GetString("record_id"); got != recordID {
		t.Errorf("%s entry record_id %q, want %q", r.GetString("action"), got, recordID)
	}
	// httptest requests come from 192.0.2.1
	if got := r.GetString("ip"); got != "192.0.2.1" {
		t.Errorf("%s entry ip %q, want 192.0.2.1", r.GetString("action"), got)
	}
	if r.GetDateTime("created").IsZero() {
		t.Errorf("%s entry without created time", r.GetString("action"))
	}
}

// auditPNG is a small real PNG image.
func auditPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	for x := 0; x < 4; x++ {
		for y := 0; y < 3; y++ {
			img.Set(x, y, color.RGBA{R: uint8(60 * x), G: uint8(80 * y), B: 200, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestAuditReadsAreRecorded(t *testing.T) {
	f := newAuthzFixture(t)
	h := f.h
	A := f.officerA.Id
	tokA := f.tokens[actorA]

	// a view of one case
	res := h.Do("GET", "/api/collections/complaints/records/"+f.caseX.Id, nil, tokA)
	if res.Status != 200 {
		t.Fatalf("view: %d %s", res.Status, res)
	}
	view := auditOne(t, h, "action = 'view' && record_id = {:id}", dbx.Params{"id": f.caseX.Id})
	auditExpectActor(t, view, A, "staff", "complaints", f.caseX.Id)
	if got := view.GetString("actor_name"); got != "Petugas Ayu" {
		t.Errorf("view entry actor_name %q", got)
	}

	// a view of a step record is a read of the case too
	if res := h.Do("GET", "/api/collections/case_steps/records/"+f.stepsX[1], nil, tokA); res.Status != 200 {
		t.Fatalf("step view: %d %s", res.Status, res)
	}
	auditExpectActor(t, auditOne(t, h, "action = 'view' && record_id = {:id}", dbx.Params{"id": f.stepsX[1]}),
		A, "staff", "case_steps", f.stepsX[1])

	// a list: the entry names every case the answer carried
	res = h.Do("GET", "/api/collections/complaints/records?perPage=500&filter="+`status!="closed"`, nil, tokA)
	if res.Status != 200 {
		t.Fatalf("list: %d %s", res.Status, res)
	}
	returned := authzItemIDs(res)
	if len(returned) == 0 {
		t.Fatal("list returned nothing")
	}
	list := auditOne(t, h, "action = 'list' && actor_id = {:a} && collection_name = 'complaints'", dbx.Params{"a": A})
	auditExpectActor(t, list, A, "staff", "complaints", "")
	detail := auditDetail(t, list)
	ids, _ := detail["ids"].([]any)
	var logged []string
	for _, id := range ids {
		logged = append(logged, id.(string))
	}
	for _, id := range returned {
		if !slices.Contains(logged, id) {
			t.Errorf("returned case %s missing from the list entry's ids %v", id, logged)
		}
	}
	if len(logged) != len(returned) {
		t.Errorf("list entry names %d cases, the answer carried %d", len(logged), len(returned))
	}
	if slices.Contains(logged, f.caseY.Id) {
		t.Error("list entry names a case the officer did not receive")
	}
	if detail["filter"] != `status!="closed"` {
		t.Errorf("list entry filter %v", detail["filter"])
	}

	// a refused view (another officer's case) is not a read and leaves no view entry
	if res := h.Do("GET", "/api/collections/complaints/records/"+f.caseY.Id, nil, tokA); res.Status != 404 {
		t.Fatalf("refused view: %d %s", res.Status, res)
	}
	if n := len(auditEntries(t, h, "action = 'view' && record_id = {:id}", dbx.Params{"id": f.caseY.Id})); n != 0 {
		t.Errorf("refused view left %d view entries", n)
	}
	if res := h.Do("GET", "/api/collections/case_steps/records/"+f.stepsY[1], nil, tokA); res.Status != 404 {
		t.Fatalf("refused step view: %d", res.Status)
	}
	if n := len(auditEntries(t, h, "action = 'view' && record_id = {:id}", dbx.Params{"id": f.stepsY[1]})); n != 0 {
		t.Errorf("refused step view left %d view entries", n)
	}
	// a refusal (the inactive account gets nothing) names nothing
	before := len(auditEntries(t, h, "action = 'list'", nil))
	if res := h.Do("GET", "/api/collections/complaints/records", nil, f.tokens[actorInactive]); res.Status != 403 || len(authzItemIDs(res)) != 0 {
		t.Fatalf("inactive list: %d %s", res.Status, res)
	}
	if after := len(auditEntries(t, h, "action = 'list'", nil)); after != before {
		t.Errorf("an empty list answer wrote %d list entries", after-before)
	}
}

func TestAuditWritesAreRecorded(t *testing.T) {
	f := newAuthzFixture(t)
	h := f.h
	A := f.officerA.Id
	tokA := f.tokens[actorA]

	// a public submission
	res := h.Do("POST", "/api/public/complaints", with(validComplaint(), "victim_name", "Fitri"), "")
	if res.Status != 200 {
		t.Fatalf("submit: %d %s", res.Status, res)
	}
	submitted, err := h.App.FindFirstRecordByData("complaints", "number", res.JSON["number"])
	if err != nil {
		t.Fatal(err)
	}
	create := auditOne(t, h, "action = 'create' && record_id = {:id}", dbx.Params{"id": submitted.Id})
	auditExpectActor(t, create, "", "public", "complaints", submitted.Id)

	// a status check by the public
	if res := h.Do("GET", "/api/public/complaints/"+submitted.GetString("tracking_code"), nil, ""); res.Status != 200 {
		t.Fatalf("status: %d %s", res.Status, res)
	}
	check := auditOne(t, h, "action = 'status_check' && record_id = {:id}", dbx.Params{"id": submitted.Id})
	auditExpectActor(t, check, "", "public", "complaints", submitted.Id)

	// a walk-in registered by an officer
	res = h.Do("POST", "/api/collections/complaints/records", authzWalkIn(), tokA)
	if res.Status != 200 {
		t.Fatalf("walk-in: %d %s", res.Status, res)
	}
	walkIn, _ := res.JSON["id"].(string)
	auditExpectActor(t, auditOne(t, h, "action = 'create' && record_id = {:id}", dbx.Params{"id": walkIn}),
		A, "staff", "complaints", walkIn)

	// a step recorded over REST
	res = h.step(tokA, f.caseX.Id, 3, "incomplete", "Korban belum membawa KTP.", map[string]any{"requirements_complete": false})
	if res.Status != 200 {
		t.Fatalf("step: %d %s", res.Status, res)
	}
	stepID, _ := res.JSON["id"].(string)
	step := auditOne(t, h, "action = 'step' && record_id = {:id}", dbx.Params{"id": stepID})
	auditExpectActor(t, step, A, "staff", "case_steps", stepID)
	detail := auditDetail(t, step)
	if detail["complaint"] != f.caseX.Id || detail["step"] != float64(3) || detail["outcome"] != "incomplete" {
		t.Errorf("step entry detail %v", detail)
	}
	// a refused step writes no step entry
	before := len(auditEntries(t, h, "action = 'step'", nil))
	if res := h.step(tokA, f.caseX.Id, 5, "done", "melompat", nil); res.Status < 400 {
		t.Fatalf("out-of-order step accepted: %d %s", res.Status, res)
	}
	if after := len(auditEntries(t, h, "action = 'step'", nil)); after != before {
		t.Errorf("a refused step wrote %d step entries", after-before)
	}

	// a PATCH of a case names the field it changed
	res = h.Do("PATCH", "/api/collections/complaints/records/"+f.caseX.Id, map[string]any{"victim_address": "Rumah kerabat di Singkawang Timur"}, tokA)
	if res.Status != 200 {
		t.Fatalf("patch: %d %s", res.Status, res)
	}
	update := auditOne(t, h, "action = 'update' && record_id = {:id}", dbx.Params{"id": f.caseX.Id})
	auditExpectActor(t, update, A, "staff", "complaints", f.caseX.Id)
	fields, _ := auditDetail(t, update)["fields"].([]any)
	if len(fields) != 1 || fields[0] != "victim_address" {
		t.Errorf("update entry fields %v, want [victim_address]", fields)
	}
	// a refused PATCH (a system field) writes no update entry
	res = h.Do("PATCH", "/api/collections/complaints/records/"+f.caseX.Id, map[string]any{"status": "closed"}, f.tokens[actorSupervisor])
	if res.Status != 400 {
		t.Fatalf("system field patch: %d %s", res.Status, res)
	}
	if n := len(auditEntries(t, h, "action = 'update' && record_id = {:id}", dbx.Params{"id": f.caseX.Id})); n != 1 {
		t.Errorf("%d update entries after a refused PATCH, want 1", n)
	}
	// a reassignment by the supervisor
	res = h.Do("PATCH", "/api/collections/complaints/records/"+f.caseZ.Id, map[string]any{"assigned_to": f.officerB.Id}, f.tokens[actorSupervisor])
	if res.Status != 200 {
		t.Fatalf("reassign: %d %s", res.Status, res)
	}
	reassign := auditOne(t, h, "action = 'update' && record_id = {:id}", dbx.Params{"id": f.caseZ.Id})
	auditExpectActor(t, reassign, f.supervisor.Id, "staff", "complaints", f.caseZ.Id)
	if fields, _ := auditDetail(t, reassign)["fields"].([]any); len(fields) != 1 || fields[0] != "assigned_to" {
		t.Errorf("reassignment entry fields %v, want [assigned_to]", fields)
	}
}

func TestAuditProtectedFileDownload(t *testing.T) {
	f := newAuthzFixture(t)
	h := f.h
	img := auditPNG(t)
	body := multipartForm(t, map[string]any{
		"reporter_name":     "Siti",
		"reporter_phone":    "081234567890",
		"reporter_relation": "family",
		"victim_name":       "Gita",
		"victim_sex":        "female",
		"chronology":        "Korban diancam oleh pelaku di sekolah.",
		"consent":           "true",
	}, map[string][2]string{"identity_document": {"kk-gita.png", string(img)}})
	res := h.Do("POST", "/api/public/complaints", body, "")
	if res.Status != 200 {
		t.Fatalf("multipart submit: %d %s", res.Status, res)
	}
	rec, err := h.App.FindFirstRecordByData("complaints", "number", res.JSON["number"])
	if err != nil {
		t.Fatal(err)
	}
	filename := rec.GetString("identity_document")
	if filename == "" {
		t.Fatal("identity_document not stored")
	}
	url := "/api/files/complaints/" + rec.Id + "/" + filename
	downloads := func() []*core.Record {
		return auditEntries(t, h, "action = 'download' && record_id = {:id}", dbx.Params{"id": rec.Id})
	}

	// without a file token the protected file is not served and nothing is logged
	if res := h.Do("GET", url, nil, ""); res.Status != 404 && res.Status != 403 {
		t.Errorf("download without token: %d, want 404/403", res.Status)
	}
	if res := h.Do("GET", url, nil, f.tokens[actorSupervisor]); res.Status != 404 && res.Status != 403 {
		t.Errorf("download with an auth header but no file token: %d, want 404/403", res.Status)
	}
	if n := len(downloads()); n != 0 {
		t.Fatalf("%d download entries for refused downloads", n)
	}
	// an inactive officer's file token does not open it either
	if res := h.Do("POST", "/api/files/token", nil, f.tokens[actorInactive]); res.Status == 200 {
		tok, _ := res.JSON["token"].(string)
		if res := h.Do("GET", url+"?token="+tok, nil, ""); res.Status != 404 {
			t.Errorf("inactive officer's file token: %d, want 404", res.Status)
		}
	}
	if n := len(downloads()); n != 0 {
		t.Fatalf("%d download entries for refused downloads", n)
	}

	// the supervisor with a file token
	res = h.Do("POST", "/api/files/token", nil, f.tokens[actorSupervisor])
	if res.Status != 200 {
		t.Fatalf("file token: %d %s", res.Status, res)
	}
	fileToken, _ := res.JSON["token"].(string)
	res = h.Do("GET", url+"?token="+fileToken, nil, "")
	if res.Status != 200 {
		t.Fatalf("download: %d %s", res.Status, res)
	}
	if !bytes.Equal(res.Body, img) {
		t.Errorf("downloaded %d bytes, not the uploaded PNG (%d bytes)", len(res.Body), len(img))
	}
	entries := downloads()
	if len(entries) != 1 {
		t.Fatalf("%d download entries, want 1", len(entries))
	}
	d := entries[0]
	detail := auditDetail(t, d)
	if detail["field"] != "identity_document" || detail["file"] != filename {
		t.Errorf("download entry detail %v", detail)
	}
	// who downloaded a victim's identity document is the point of the entry
	auditExpectActor(t, d, f.supervisor.Id, "staff", "complaints", rec.Id)
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	f := newAuthzFixture(t)
	h := f.h
	su := f.tokens[actorSuperuser]
	entry, err := h.App.FindRecordById("audit_log", f.auditID)
	if err != nil {
		t.Fatal(err)
	}
	original, err := json.Marshal(entry)
	if err != nil {
		t.Fatal(err)
	}
	unchanged := func(when string) {
		t.Helper()
		fresh, err := h.App.FindRecordById("audit_log", f.auditID)
		if err != nil {
			t.Fatalf("%s: entry gone: %v", when, err)
		}
		now, _ := json.Marshal(fresh)
		if !bytes.Equal(now, original) {
			t.Errorf("%s: entry changed:\n%s\nwas\n%s", when, now, original)
		}
	}

	// over REST, as the superuser
	res := h.Do("PATCH", "/api/collections/audit_log/records/"+f.auditID, map[string]any{"action": "view", "actor_name": "Orang lain", "ip": "10.0.0.1"}, su)
	if res.Status != 403 {
		t.Errorf("superuser PATCH: %d %s, want 403", res.Status, res)
	}
	unchanged("after PATCH")
	res = h.Do("DELETE", "/api/collections/audit_log/records/"+f.auditID, nil, su)
	if res.Status != 403 {
		t.Errorf("superuser DELETE: %d %s, want 403", res.Status, res)
	}
	unchanged("after DELETE")
	before, err := h.App.CountRecords("audit_log")
	if err != nil {
		t.Fatal(err)
	}
	res = h.Do("POST", "/api/collections/audit_log/records", map[string]any{"action": "view", "actor_name": "Palsu", "record_id": f.caseX.Id}, su)
	if res.Status != 403 {
		t.Errorf("superuser POST: %d %s, want 403", res.Status, res)
	}
	// a batch request goes through the same record hooks
	res = h.Do("POST", "/api/batch", map[string]any{"requests": []map[string]any{
		{"method": "DELETE", "url": "/api/collections/audit_log/records/" + f.auditID},
	}}, su)
	if res.Status == 200 {
		t.Errorf("batch DELETE of an audit entry answered 200: %s", res)
	}
	unchanged("after batch DELETE")
	// the write rules of the collection cannot be opened
	res = h.Do("PATCH", "/api/collections/audit_log", map[string]any{"updateRule": ""}, su)
	if res.Status != 403 {
		t.Errorf("opening the update rule: %d %s, want 403", res.Status, res)
	}

	// in Go, through the model hooks
	if err := h.App.Delete(entry); err == nil {
		t.Error("app.Delete of an audit entry succeeded")
	}
	unchanged("after app.Delete")
	tampered := entry.Fresh()
	tampered.Set("action", "view")
	tampered.Set("actor_name", "Orang lain")
	if err := h.App.Save(tampered); err == nil {
		t.Error("app.Save of a modified audit entry succeeded")
	}
	unchanged("after app.Save")
	if err := h.App.SaveNoValidate(tampered); err == nil {
		t.Error("app.SaveNoValidate of a modified audit entry succeeded")
	}
	unchanged("after app.SaveNoValidate")

	after, err := h.App.CountRecords("audit_log")
	if err != nil {
		t.Fatal(err)
	}
	// the refused requests themselves are not entries of the audit log
	if after != before {
		t.Errorf("audit_log has %d entries, had %d: a refused write added or removed entries", after, before)
	}
	if n := len(auditEntries(t, h, "actor_name = 'Palsu' || actor_name = 'Orang lain'", nil)); n != 0 {
		t.Errorf("%d forged entries stored", n)
	}
}
