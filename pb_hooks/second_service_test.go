package pb_hooks_test

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teduh/internal/definitions"
	"teduh/internal/engine"
	"teduh/pb_hooks"
)

// A second service of the office — a request for a letter of recommendation
// for social assistance — is only a new definition plus one new named
// validator, bound to its own collections and run by the same engine.
const letterForm = `{
  "id": "letter_request", "version": "test.1", "title": "Permohonan surat rekomendasi bantuan sosial",
  "sections": [{"id": "applicant", "title": "Pemohon", "fields": [
    {"name": "applicant_name", "type": "text", "label": "Nama pemohon", "required": true, "max_length": 100},
    {"name": "purpose", "type": "select", "label": "Keperluan", "required": true, "options": [
      {"code": "pkh", "label": "Program Keluarga Harapan"}, {"code": "bpnt", "label": "Bantuan pangan"}]},
    {"name": "consent", "type": "bool", "label": "Saya setuju", "required": true, "must_be_true": true}
  ]}]
}`

const letterWorkflow = `{
  "id": "letter_request", "version": "test.1", "title": "Penerbitan surat rekomendasi",
  "steps": [
    {"number": 1, "code": "intake", "label": "Permohonan diterima", "automatic": true,
     "outcomes": [{"code": "done", "label": "Diterima", "status": "new"}]},
    {"number": 2, "code": "review", "label": "Pemeriksaan berkas", "roles": ["supervisor"],
     "fields": [{"name": "approved", "type": "bool", "label": "Berkas disetujui", "required": true}],
     "outcomes": [
       {"code": "done", "label": "Disetujui", "when": {"field": "approved", "equals": true}},
       {"code": "returned", "label": "Dikembalikan untuk dilengkapi", "advances": false, "status": "awaiting_requirements", "notes_required": true,
        "when": {"field": "approved", "equals": false}}]},
    {"number": 3, "code": "issue", "label": "Penerbitan surat", "roles": ["officer", "supervisor"],
     "fields": [{"name": "letter_number", "type": "text", "label": "Nomor surat", "required": true, "max_length": 40}],
     "outcomes": [{"code": "done", "label": "Surat terbit", "validators": ["review_approved"], "effects": ["close_case"], "status": "closed"}]}
  ]
}`

func letterCollections(t *testing.T, app core.App) {
	t.Helper()
	staff, _ := app.FindCollectionByNameOrId("staff")
	const rule = `@request.auth.collectionName = "staff" && @request.auth.active = true`
	cases := core.NewBaseCollection("letter_requests")
	cases.ListRule, cases.ViewRule, cases.CreateRule, cases.UpdateRule = ptr(rule), ptr(rule), ptr(rule), ptr(rule)
	cases.Fields.Add(
		&core.TextField{Name: "number"}, &core.NumberField{Name: "number_year"}, &core.NumberField{Name: "number_seq"},
		&core.TextField{Name: "tracking_code"}, &core.TextField{Name: "channel"},
		&core.RelationField{Name: "intake_actor", CollectionId: staff.Id, MaxSelect: 1},
		&core.RelationField{Name: "assigned_to", CollectionId: staff.Id, MaxSelect: 1},
		&core.TextField{Name: "status"}, &core.NumberField{Name: "current_step"}, &core.TextField{Name: "urgency"},
		&core.JSONField{Name: "warnings"}, &core.DateField{Name: "first_response_due_at"}, &core.DateField{Name: "first_response_at"},
		&core.DateField{Name: "verified_at"}, &core.DateField{Name: "due_at"}, &core.DateField{Name: "closed_at"},
		&core.TextField{Name: "form_version"}, &core.TextField{Name: "workflow_version"},
		&core.TextField{Name: "applicant_name"}, &core.TextField{Name: "purpose"}, &core.BoolField{Name: "consent"},
		&core.AutodateField{Name: "created", OnCreate: true}, &core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	if err := app.Save(cases); err != nil {
		t.Fatal(err)
	}
	steps := core.NewBaseCollection("letter_steps")
	steps.ListRule, steps.ViewRule, steps.CreateRule = ptr(rule), ptr(rule), ptr(rule)
	steps.Fields.Add(
		&core.RelationField{Name: "complaint", CollectionId: cases.Id, MaxSelect: 1, Required: true},
		&core.NumberField{Name: "step"}, &core.TextField{Name: "step_code"}, &core.TextField{Name: "outcome"},
		&core.TextField{Name: "notes"}, &core.JSONField{Name: "data"},
		&core.RelationField{Name: "actor", CollectionId: staff.Id, MaxSelect: 1},
		&core.TextField{Name: "actor_kind"}, &core.TextField{Name: "actor_name"}, &core.TextField{Name: "workflow_version"},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	if err := app.Save(steps); err != nil {
		t.Fatal(err)
	}
}

func ptr(s string) *string { return &s }

func TestSecondWorkflowOnTheSameEngine(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	letterCollections(t, h.App)

	reg := definitions.NewRegistry().StepValidator("review_approved", func(c *engine.StepCheck) *engine.FieldError {
		if data, ok := c.Facts.LatestStepData(2); !ok || data["approved"] != true {
			return &engine.FieldError{Code: "not_approved", Message: "Berkas belum disetujui."}
		}
		return nil
	})
	defs, err := definitions.LoadFiles("letter.form.json", []byte(letterForm), "letter.workflow.json", []byte(letterWorkflow), reg)
	if err != nil {
		t.Fatal(err)
	}
	h.Teduh.BindService(&pb_hooks.Service{
		Defs: defs, CaseCollection: "letter_requests", StepCollection: "letter_steps",
		PublicChannel: "online", StaffChannels: []string{"walk_in"}, NumberPrefixKey: "code",
	})
	_, officer := h.Staff("petugas@teduh.test", "Petugas", "officer", true)
	_, supervisor := h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)

	// the form definition validates staff-created requests
	bad := h.Do("POST", "/api/collections/letter_requests/records", map[string]any{"channel": "walk_in", "purpose": "lainnya", "consent": true}, officer)
	if bad.Status != 400 || bad.FieldCode("applicant_name") != "required" || bad.FieldCode("purpose") != "invalid_option" {
		t.Fatalf("invalid request: %d %s", bad.Status, bad)
	}
	res := h.Do("POST", "/api/collections/letter_requests/records", map[string]any{"channel": "walk_in", "applicant_name": "Budi", "purpose": "pkh", "consent": true}, officer)
	if res.Status != 200 || res.JSON["current_step"] != float64(1) || res.JSON["number"] != "SKW-2026-0001" {
		t.Fatalf("create: %d %s", res.Status, res)
	}
	id := res.JSON["id"].(string)
	step := func(token string, n int, outcome, notes string, data map[string]any) *response {
		return h.Do("POST", "/api/collections/letter_steps/records", map[string]any{"complaint": id, "step": n, "outcome": outcome, "notes": notes, "data": data}, token)
	}
	if r := step(officer, 2, "done", "", map[string]any{"approved": true}); r.Status != 403 {
		t.Fatalf("officer reviewed: %d %s", r.Status, r)
	}
	if r := step(supervisor, 3, "done", "", map[string]any{"letter_number": "1/2026"}); r.FieldCode("step") != "step_out_of_order" {
		t.Fatalf("issue before review: %d %s", r.Status, r)
	}
	if r := step(supervisor, 2, "returned", "KK belum dilampirkan.", map[string]any{"approved": false}); r.Status != 200 {
		t.Fatalf("returned: %d %s", r.Status, r)
	}
	kase, _ := h.App.FindRecordById("letter_requests", id)
	if kase.GetString("status") != "awaiting_requirements" || kase.GetInt("current_step") != 1 {
		t.Fatalf("after return: %q %d", kase.GetString("status"), kase.GetInt("current_step"))
	}
	if r := step(supervisor, 2, "done", "", map[string]any{"approved": true}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r)
	}
	if r := step(officer, 3, "done", "", nil); r.FieldCode("data.letter_number") != "required" {
		t.Fatalf("issue without number: %d %s", r.Status, r)
	}
	if r := step(officer, 3, "done", "", map[string]any{"letter_number": "460/12/DINSOS/2026"}); r.Status != 200 {
		t.Fatalf("issue: %d %s", r.Status, r)
	}
	kase, _ = h.App.FindRecordById("letter_requests", id)
	if kase.GetString("status") != "closed" || kase.GetInt("current_step") != 3 || kase.GetDateTime("closed_at").IsZero() {
		t.Fatalf("after issue: %q %d", kase.GetString("status"), kase.GetInt("current_step"))
	}
	// the complaint service is untouched by the second one
	if n, _ := h.App.CountRecords("complaints"); n != 0 {
		t.Fatalf("%d complaints", n)
	}
}
