package engine_test

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"teduh/internal/definitions"
	"teduh/internal/engine"
)

// A second service — a "permohonan surat keterangan" (certificate request) —
// on the same engine: two definition files in testdata plus one new named
// step validator. No engine code is specific to it.

var letterNumberRe = regexp.MustCompile(`^470/[0-9]{1,4}/KEL/([0-9]{4})$`)

// letterNumberFormat is the only Go code the new service needs: the letter
// number must follow the office's numbering and carry the letter's year.
func letterNumberFormat(c *engine.StepCheck) *engine.FieldError {
	num, _ := c.Data["letter_number"].(string)
	issued, _ := c.Data["issued_on"].(string)
	m := letterNumberRe.FindStringSubmatch(num)
	if m == nil || !strings.HasPrefix(issued, m[1]+"-") {
		return &engine.FieldError{Code: "letter_number_format", Message: "Nomor surat harus berbentuk 470/<nomor urut>/KEL/<tahun surat>."}
	}
	return nil
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func loadLetterService(t *testing.T) *definitions.Set {
	t.Helper()
	reg := definitions.NewRegistry().StepValidator("letter_number_format", letterNumberFormat)
	set, err := definitions.LoadFiles("surat.form.json", readTestdata(t, "surat.form.json"),
		"surat.workflow.json", readTestdata(t, "surat.workflow.json"), reg)
	if err != nil {
		t.Fatalf("second service does not load: %v", err)
	}
	return set
}

// Without its validator registered, the definition does not load, and the
// error names the file, the step and the missing validator.
func TestSecondServiceNeedsItsValidator(t *testing.T) {
	_, err := definitions.LoadFiles("surat.form.json", readTestdata(t, "surat.form.json"),
		"surat.workflow.json", readTestdata(t, "surat.workflow.json"), definitions.NewRegistry())
	if err == nil {
		t.Fatal("loaded a workflow naming an unregistered validator")
	}
	for _, want := range []string{"surat.workflow.json", `step 3 "issue"`, `unknown validator "letter_number_format"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestSecondServiceForm(t *testing.T) {
	set := loadLetterService(t)
	env := testEnv(t)
	base := func() map[string]any {
		return map[string]any{
			"applicant_name": "Rina", "applicant_phone": "+62 812 1111 2222",
			"applicant_nik": "6172 0154 1003 0001", "purpose": "school", "consent": "on",
		}
	}
	res, codes := submit(set.Form, base(), env)
	if len(codes) != 0 {
		t.Fatalf("valid request refused: %v", codes)
	}
	if res.Values["applicant_phone"] != "081211112222" || res.Values["applicant_nik"] != "6172015410030001" || res.Values["consent"] != true {
		t.Errorf("cleaned values %v", res.Values)
	}
	if res.Derived == nil || len(res.Derived) != 0 {
		t.Errorf("a form without derive has derived values %v", res.Derived)
	}

	raw := base()
	raw["purpose"] = "other"
	if _, codes := submit(set.Form, raw, env); codes["purpose_other"] != "required" || len(codes) != 1 {
		t.Errorf("purpose other without details: errors %v, want purpose_other required", codes)
	}
	raw["purpose_other"] = "Beasiswa"
	if res, codes := submit(set.Form, raw, env); len(codes) != 0 || res.Values["purpose_other"] != "Beasiswa" {
		t.Errorf("purpose other with details: errors %v values %v", codes, res.Values)
	}

	raw = base()
	raw["applicant_nik"] = "6172015410030000"
	if _, codes := submit(set.Form, raw, env); codes["applicant_nik"] != "nik_serial" {
		t.Errorf("broken NIK: errors %v, want applicant_nik nik_serial", codes)
	}
}

func TestSecondServiceWorkflow(t *testing.T) {
	w := loadLetterService(t).Workflow
	env := testEnv(t)
	facts := &fakeFacts{}
	state := at(0, "new")

	type entry struct {
		name string
		req  engine.StepRequest
		ok   *accepted
		no   *refused
	}
	entries := []entry{
		{name: "request recorded by the system", req: engine.StepRequest{Step: 1, Outcome: "done", System: true},
			ok: &accepted{step: 1, status: "new", advances: true}},
		{name: "issue before review", req: engine.StepRequest{Step: 3, Outcome: "issued", Roles: officer},
			no: &refused{http.StatusBadRequest, "step", "step_out_of_order", "langkah 2 (Pemeriksaan oleh kepala seksi)"}},
		{name: "review by an officer", req: engine.StepRequest{Step: 2, Outcome: "approved", Data: map[string]any{"letter_purpose": "school"}, Roles: officer},
			no: &refused{http.StatusForbidden, "step", "role_not_allowed", "kepala/penyelia"}},
		{name: "returned without notes", req: engine.StepRequest{Step: 2, Outcome: "returned", Roles: supervisor},
			no: &refused{http.StatusBadRequest, "notes", "required", ""}},
		{name: "returned to the applicant", req: engine.StepRequest{Step: 2, Outcome: "returned", Notes: "Lampirkan KK.", Roles: supervisor},
			ok: &accepted{step: 1, status: "awaiting_requirements", advances: false}},
		{name: "approved without a purpose", req: engine.StepRequest{Step: 2, Outcome: "approved", Roles: supervisor},
			no: &refused{http.StatusBadRequest, "data.letter_purpose", "required", ""}},
		{name: "approved with a purpose not in the form", req: engine.StepRequest{Step: 2, Outcome: "approved", Data: map[string]any{"letter_purpose": "holiday"}, Roles: supervisor},
			no: &refused{http.StatusBadRequest, "data.letter_purpose", "invalid_option", ""}},
		{name: "rejected is not an outcome here", req: engine.StepRequest{Step: 2, Outcome: "rejected", Notes: "x", Roles: supervisor},
			no: &refused{http.StatusBadRequest, "outcome", "invalid_outcome", "approved (Disetujui), returned (Dikembalikan untuk dilengkapi)"}},
		{name: "approved", req: engine.StepRequest{Step: 2, Outcome: "approved", Data: map[string]any{"letter_purpose": "school"}, Roles: supervisor},
			ok: &accepted{step: 2, status: "in_progress", advances: true, data: map[string]any{"letter_purpose": "school"}}},
		{name: "review again", req: engine.StepRequest{Step: 2, Outcome: "approved", Data: map[string]any{"letter_purpose": "work"}, Roles: supervisor},
			no: &refused{http.StatusConflict, "step", "step_already_recorded", ""}},
		{name: "letter number in the wrong format", req: engine.StepRequest{Step: 3, Outcome: "issued", Data: map[string]any{"letter_number": "12/2026", "issued_on": "2026-11-27"}, Roles: officer},
			no: &refused{http.StatusBadRequest, "outcome", "letter_number_format", "470/<nomor urut>"}},
		{name: "letter number of another year", req: engine.StepRequest{Step: 3, Outcome: "issued", Data: map[string]any{"letter_number": "470/12/KEL/2025", "issued_on": "2026-11-27"}, Roles: officer},
			no: &refused{http.StatusBadRequest, "outcome", "letter_number_format", ""}},
		{name: "letter dated tomorrow", req: engine.StepRequest{Step: 3, Outcome: "issued", Data: map[string]any{"letter_number": "470/12/KEL/2026", "issued_on": "2026-11-28"}, Roles: officer},
			no: &refused{http.StatusBadRequest, "data.issued_on", "date_in_future", ""}},
		{name: "letter without a number", req: engine.StepRequest{Step: 3, Outcome: "issued", Data: map[string]any{"issued_on": "2026-11-27"}, Roles: officer},
			no: &refused{http.StatusBadRequest, "data.letter_number", "required", ""}},
		{name: "letter issued", req: engine.StepRequest{Step: 3, Outcome: "issued", Data: map[string]any{"letter_number": " 470/12/KEL/2026 ", "issued_on": "2026-11-27"}, Roles: officer},
			ok: &accepted{step: 3, status: "closed", advances: true, effects: []string{"copy_to_case:letter_number,issued_on", "close_case"},
				data: map[string]any{"letter_number": "470/12/KEL/2026", "issued_on": "2026-11-27"}}},
	}
	for _, e := range entries {
		d, r := w.Decide(state, e.req, env, facts)
		t.Run(e.name, func(t *testing.T) {
			if e.no != nil {
				assertRefused(t, d, r, e.no)
				return
			}
			assertAccepted(t, e.req, d, r, e.ok)
		})
		if d != nil {
			state = engine.CaseState{CurrentStep: d.NewStep, Status: d.NewStatus}
		}
	}
	if state.Open() || state.CurrentStep != 3 {
		t.Fatalf("final state %+v, want closed at step 3", state)
	}
	d, _ := w.Decide(at(2, "in_progress"), engine.StepRequest{Step: 3, Outcome: "issued",
		Data: map[string]any{"letter_number": "470/1/KEL/2026", "issued_on": "2026-11-26"}, Roles: supervisor}, env, facts)
	if d == nil || !slices.Equal(engine.CopyFields(d.Effects), []string{"letter_number", "issued_on"}) || !engine.HasEffect(d.Effects, engine.EffectCloseCase) {
		t.Errorf("issued decision effects %v, want copy of letter_number,issued_on and close_case", d)
	}

	// withdrawal works the same way as for complaints
	d, r := w.Decide(at(2, "in_progress"), engine.StepRequest{Step: 3, Outcome: "withdrawn", Notes: "Pemohon membatalkan.", Roles: officer}, env, facts)
	if r != nil || d.NewStatus != engine.StatusWithdrawn || d.NewStep != 3 {
		t.Errorf("withdrawal: decision %+v refusal %+v", d, r)
	}
}
