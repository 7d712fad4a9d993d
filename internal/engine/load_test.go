package engine_test

import (
	"encoding/json"
	"strings"
	"testing"

	"teduh/internal/engine"
)

// testRegistry is a registry with a few named pieces, independent of Teduh's
// own definitions, so that load checks are tested on the engine alone.
func testRegistry() *engine.Registry {
	return engine.NewRegistry().
		FieldValidator("no_digits", func(v any, _ engine.Values, _ engine.Env) (*engine.FieldError, []engine.Warning) {
			s, _ := v.(string)
			if strings.ContainsAny(s, "0123456789") {
				return &engine.FieldError{Code: "has_digits", Message: "Tanpa angka."}, nil
			}
			if len(s) < 3 {
				return nil, []engine.Warning{{Code: "very_short", Message: "Pendek sekali."}}
			}
			return nil, nil
		}).
		StepValidator("approved", func(c *engine.StepCheck) *engine.FieldError { return nil }).
		Deriver("constant", func(engine.Values, engine.Env) any { return "x" }).
		Options("colours", []engine.Option{{Code: "red", Label: "Merah"}, {Code: "blue", Label: "Biru"}}).
		DynamicOptions("districts")
}

// baseFormJSON is a small valid form definition that load cases mutate.
const baseFormJSON = `{
  "id": "base",
  "version": "1",
  "title": "Formulir dasar",
  "derive": {"level": "constant"},
  "sections": [{"id": "s1", "title": "Bagian 1", "fields": [
    {"name": "name", "type": "text", "label": "Nama", "required": true, "max_length": 50},
    {"name": "kind", "type": "select", "label": "Jenis", "options": [{"code": "a", "label": "A"}, {"code": "b", "label": "B"}]},
    {"name": "other", "type": "text", "label": "Lainnya", "show_when": {"field": "kind", "equals": "b"}},
    {"name": "nick", "type": "text", "label": "Panggilan", "validators": ["no_digits"]},
    {"name": "district", "type": "select", "label": "Kecamatan", "options_from": "districts"}
  ]}]
}`

// baseWorkflowJSON is a small valid workflow definition (on baseFormJSON).
const baseWorkflowJSON = `{
  "id": "base",
  "version": "1",
  "title": "Alur dasar",
  "first_response": {"step": 2, "hours": {"emergency": 1, "normal": 24}},
  "withdraw": {"roles": ["officer"], "label": "Cabut"},
  "steps": [
    {"number": 1, "code": "intake", "label": "Masuk", "automatic": true,
     "outcomes": [{"code": "done", "label": "Diterima", "status": "new"}]},
    {"number": 2, "code": "review", "label": "Tinjau", "roles": ["officer"],
     "fields": [
       {"name": "ok", "type": "bool", "label": "Sudah benar", "required_for": ["done"]},
       {"name": "kind", "type": "select", "label": "Jenis", "options_from": "form:kind"}
     ],
     "outcomes": [
       {"code": "done", "label": "Selesai", "when": {"field": "ok", "equals": true}, "effects": ["copy_to_case:kind"]},
       {"code": "note", "label": "Catat", "advances": false, "notes_required": true}
     ]},
    {"number": 3, "code": "close", "label": "Tutup", "roles": ["supervisor"],
     "outcomes": [{"code": "done", "label": "Ditutup", "status": "closed", "validators": ["approved"], "effects": ["close_case"]}]}
  ]
}`

// mutate decodes a JSON definition, applies fn and encodes it again.
func mutate(t *testing.T, base string, fn func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(base), &m); err != nil {
		t.Fatalf("base definition: %v", err)
	}
	if fn != nil {
		fn(m)
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func obj(v any) map[string]any { return v.(map[string]any) }
func arr(v any) []any          { return v.([]any) }

// formField returns field i of the first section of a decoded form.
func formField(m map[string]any, i int) map[string]any {
	return obj(arr(obj(arr(m["sections"])[0])["fields"])[i])
}

func addFormField(m map[string]any, f map[string]any) {
	s := obj(arr(m["sections"])[0])
	s["fields"] = append(arr(s["fields"]), f)
}

// step returns step number n (1-based) of a decoded workflow.
func step(m map[string]any, n int) map[string]any { return obj(arr(m["steps"])[n-1]) }

func outcome(m map[string]any, n, i int) map[string]any {
	return obj(arr(step(m, n)["outcomes"])[i])
}

func loadBaseForm(t *testing.T) *engine.Form {
	t.Helper()
	f, err := engine.LoadForm("base.form.json", []byte(baseFormJSON), testRegistry())
	if err != nil {
		t.Fatalf("base form does not load: %v", err)
	}
	return f
}

func TestLoadBaseDefinitions(t *testing.T) {
	f := loadBaseForm(t)
	if got := len(f.Fields()); got != 5 {
		t.Errorf("base form has %d fields, want 5", got)
	}
	w, err := engine.LoadWorkflow("base.workflow.json", []byte(baseWorkflowJSON), f.Registry(), f)
	if err != nil {
		t.Fatalf("base workflow does not load: %v", err)
	}
	// options_from "form:kind" gives the step field the form's options
	kind := w.Step(2).Fields[1]
	if !kind.HasOption("a") || !kind.HasOption("b") || len(kind.Options) != 2 {
		t.Errorf("step 2 field kind options = %+v, want the form's a and b", kind.Options)
	}
	if w.Step(0) != nil || w.Step(4) != nil || w.Step(3).Code != "close" {
		t.Errorf("Step(n) lookup is wrong")
	}
	if o := w.Step(2).Outcome("note"); o == nil || o.Advancing() {
		t.Errorf("outcome note must exist and not advance")
	}
	if o := w.Step(2).Outcome("done"); o == nil || !o.Advancing() {
		t.Errorf("outcome done must exist and advance by default")
	}
}

func TestLoadFormRefusesBrokenDefinitions(t *testing.T) {
	cases := []struct {
		name    string
		data    []byte                 // used when not nil
		mut     func(m map[string]any) // applied to baseFormJSON otherwise
		wantErr string
	}{
		{name: "invalid JSON", data: []byte(`{"id": "base", "sections": [`), wantErr: "invalid JSON"},
		{name: "not an object", data: []byte(`["base"]`), wantErr: "invalid JSON"},
		{name: "unknown top-level key", mut: func(m map[string]any) { m["titel"] = "typo" }, wantErr: `unknown field "titel"`},
		{name: "unknown key in a field", mut: func(m map[string]any) { formField(m, 0)["lable"] = "Nama" }, wantErr: `unknown field "lable"`},
		{name: "bad form id", mut: func(m map[string]any) { m["id"] = "Base Form" }, wantErr: `id "Base Form" must be lower-case`},
		{name: "no version", mut: func(m map[string]any) { delete(m, "version") }, wantErr: "version and title are required"},
		{name: "no sections", mut: func(m map[string]any) { m["sections"] = []any{} }, wantErr: "at least one section"},
		{name: "section without title", mut: func(m map[string]any) { delete(obj(arr(m["sections"])[0]), "title") }, wantErr: "section 1: id and title are required"},
		{name: "unknown field type", mut: func(m map[string]any) { formField(m, 0)["type"] = "email" }, wantErr: `field "name": unknown type "email"`},
		{name: "bad field name", mut: func(m map[string]any) { formField(m, 0)["name"] = "Full Name" }, wantErr: `field "Full Name": name must be lower-case`},
		{name: "duplicate field name", mut: func(m map[string]any) {
			addFormField(m, map[string]any{"name": "kind", "type": "text", "label": "Jenis lagi"})
		}, wantErr: `field "kind": declared twice`},
		{name: "field without label", mut: func(m map[string]any) { delete(formField(m, 0), "label") }, wantErr: `field "name": label is required`},
		{name: "select without options", mut: func(m map[string]any) { delete(formField(m, 1), "options") }, wantErr: `field "kind": a select needs options`},
		{name: "multiselect without options", mut: func(m map[string]any) {
			addFormField(m, map[string]any{"name": "tags", "type": "multiselect", "label": "Tag"})
		}, wantErr: `field "tags": a multiselect needs options`},
		{name: "options and options_from", mut: func(m map[string]any) { formField(m, 1)["options_from"] = "colours" }, wantErr: `field "kind": give options or options_from, not both`},
		{name: "options_from unknown list", mut: func(m map[string]any) { formField(m, 4)["options_from"] = "planets" }, wantErr: `field "district": options_from "planets": unknown option list`},
		{name: "options_from unknown form field", mut: func(m map[string]any) { formField(m, 4)["options_from"] = "form:ghost" }, wantErr: `field "district": options_from "form:ghost": the form has no field "ghost" with options`},
		{name: "option without label", mut: func(m map[string]any) {
			formField(m, 1)["options"] = []any{map[string]any{"code": "a"}}
		}, wantErr: `field "kind": every option needs a code and a label`},
		{name: "option declared twice", mut: func(m map[string]any) {
			formField(m, 1)["options"] = []any{map[string]any{"code": "a", "label": "A"}, map[string]any{"code": "a", "label": "A2"}}
		}, wantErr: `field "kind": option "a" declared twice`},
		{name: "options on a text field", mut: func(m map[string]any) {
			formField(m, 0)["options"] = []any{map[string]any{"code": "a", "label": "A"}}
		}, wantErr: `field "name": only select and multiselect fields take options`},
		{name: "show_when unknown field", mut: func(m map[string]any) { formField(m, 2)["show_when"] = map[string]any{"field": "nope", "equals": "b"} }, wantErr: `field "other": condition refers to unknown field "nope"`},
		{name: "required_when unknown field nested in any", mut: func(m map[string]any) {
			formField(m, 2)["required_when"] = map[string]any{"any": []any{map[string]any{"field": "kind", "equals": "a"}, map[string]any{"field": "ghost", "equals": true}}}
		}, wantErr: `field "other": condition refers to unknown field "ghost"`},
		{name: "condition on the field itself", mut: func(m map[string]any) { formField(m, 2)["show_when"] = map[string]any{"field": "other", "equals": "x"} }, wantErr: `field "other": condition refers to the field itself`},
		{name: "copy_from without show_when", mut: func(m map[string]any) { formField(m, 3)["copy_from"] = "name" }, wantErr: `field "nick": copy_from only makes sense with show_when`},
		{name: "copy_from unknown field", mut: func(m map[string]any) { formField(m, 2)["copy_from"] = "ghost" }, wantErr: `field "other": copy_from refers to unknown field "ghost"`},
		{name: "unknown named validator", mut: func(m map[string]any) { formField(m, 3)["validators"] = []any{"no_digits", "shout"} }, wantErr: `field "nick": unknown validator "shout"`},
		{name: "step validator used as field validator", mut: func(m map[string]any) { formField(m, 3)["validators"] = []any{"approved"} }, wantErr: `field "nick": unknown validator "approved"`},
		{name: "required_for on a form field", mut: func(m map[string]any) { formField(m, 0)["required_for"] = []any{"done"} }, wantErr: `field "name": required_for only applies to workflow step fields`},
		{name: "min_length above max_length", mut: func(m map[string]any) { formField(m, 0)["min_length"] = 60 }, wantErr: `field "name": min_length/max_length are inconsistent`},
		{name: "min_date not a date", mut: func(m map[string]any) {
			addFormField(m, map[string]any{"name": "born", "type": "date", "label": "Lahir", "min_date": "1-1-1900"})
		}, wantErr: `field "born": min_date "1-1-1900" is not a date`},
		{name: "must_be_true on text", mut: func(m map[string]any) { formField(m, 0)["must_be_true"] = true }, wantErr: `field "name": must_be_true only applies to bool fields`},
		{name: "file without max_size", mut: func(m map[string]any) {
			addFormField(m, map[string]any{"name": "doc", "type": "file", "label": "Berkas", "accept": []any{"application/pdf"}})
		}, wantErr: `field "doc": a file field needs accept and max_size`},
		{name: "unknown deriver", mut: func(m map[string]any) { m["derive"] = map[string]any{"level": "guess"} }, wantErr: `derive "level": unknown deriver "guess"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data
			if data == nil {
				data = mutate(t, baseFormJSON, tc.mut)
			}
			f, err := engine.LoadForm("broken.form.json", data, testRegistry())
			if err == nil {
				t.Fatalf("LoadForm accepted a broken definition (%s)", tc.name)
			}
			if f != nil {
				t.Errorf("LoadForm returned a form together with an error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "broken.form.json: ") {
				t.Errorf("error does not name the file first: %q", msg)
			}
			if !strings.Contains(msg, tc.wantErr) {
				t.Errorf("error %q does not name the mistake %q", msg, tc.wantErr)
			}
		})
	}
}

// A definition file with something after the JSON object (a bad merge, a
// stray brace) is broken too: strict decoding must not silently ignore it.
func TestLoadRefusesTrailingData(t *testing.T) {
	for _, tail := range []string{"}", `{"id": "other"}`, "garbage"} {
		data := append(mutate(t, baseFormJSON, nil), []byte("\n"+tail)...)
		if _, err := engine.LoadForm("trailing.form.json", data, testRegistry()); err == nil {
			t.Errorf("LoadForm accepted a definition followed by %q", tail)
		} else if !strings.Contains(err.Error(), "trailing.form.json") {
			t.Errorf("error does not name the file: %v", err)
		}
		data = append(mutate(t, baseWorkflowJSON, nil), []byte("\n"+tail)...)
		if _, err := engine.LoadWorkflow("trailing.workflow.json", data, testRegistry(), loadBaseForm(t)); err == nil {
			t.Errorf("LoadWorkflow accepted a definition followed by %q", tail)
		} else if !strings.Contains(err.Error(), "trailing.workflow.json") {
			t.Errorf("error does not name the file: %v", err)
		}
	}
}

func TestLoadWorkflowRefusesBrokenDefinitions(t *testing.T) {
	cases := []struct {
		name    string
		data    []byte
		mut     func(m map[string]any)
		noForm  bool
		wantErr string
	}{
		{name: "invalid JSON", data: []byte(`{"id": "base", "steps": [{]}`), wantErr: "invalid JSON"},
		{name: "unknown top-level key", mut: func(m map[string]any) { m["stepz"] = []any{} }, wantErr: `unknown field "stepz"`},
		{name: "unknown key in an outcome", mut: func(m map[string]any) { outcome(m, 2, 0)["advance"] = false }, wantErr: `unknown field "advance"`},
		{name: "missing title", mut: func(m map[string]any) { delete(m, "title") }, wantErr: "id (lower-case), version and title are required"},
		{name: "no steps", mut: func(m map[string]any) { m["steps"] = []any{} }, wantErr: "a workflow needs steps"},
		{name: "steps not numbered 1..n", mut: func(m map[string]any) { step(m, 2)["number"] = 3 }, wantErr: "step 2: steps must be numbered 1, 2, 3… in order (found 3)"},
		{name: "steps numbered from 0", mut: func(m map[string]any) {
			for i, s := range arr(m["steps"]) {
				obj(s)["number"] = i
			}
		}, wantErr: "step 1: steps must be numbered 1, 2, 3… in order (found 0)"},
		{name: "duplicate step code", mut: func(m map[string]any) { step(m, 3)["code"] = "review" }, wantErr: `step 3: code "review" used twice`},
		{name: "step without label", mut: func(m map[string]any) { delete(step(m, 2), "label") }, wantErr: "step 2: code (lower-case) and label are required"},
		{name: "non-automatic step without roles", mut: func(m map[string]any) { delete(step(m, 3), "roles") }, wantErr: `step 3 "close": a step is either automatic or names the roles`},
		{name: "automatic step with roles", mut: func(m map[string]any) { step(m, 1)["roles"] = []any{"officer"} }, wantErr: `step 1 "intake": a step is either automatic or names the roles`},
		{name: "first step not automatic", mut: func(m map[string]any) {
			delete(step(m, 1), "automatic")
			step(m, 1)["roles"] = []any{"officer"}
		}, wantErr: "step 1 must be automatic"},
		{name: "step without outcomes", mut: func(m map[string]any) { step(m, 3)["outcomes"] = []any{} }, wantErr: `step 3 "close": needs at least one outcome`},
		{name: "outcome without label", mut: func(m map[string]any) { delete(outcome(m, 2, 1), "label") }, wantErr: `step 2 "review": every outcome needs a code and a label`},
		{name: "outcome withdrawn declared", mut: func(m map[string]any) { outcome(m, 2, 1)["code"] = "withdrawn" }, wantErr: `step 2 "review": outcome "withdrawn" is reserved for withdrawal`},
		{name: "outcome declared twice", mut: func(m map[string]any) { outcome(m, 2, 1)["code"] = "done" }, wantErr: `step 2 "review": outcome "done" declared twice`},
		{name: "unknown effect", mut: func(m map[string]any) { outcome(m, 2, 0)["effects"] = []any{"send_sms"} }, wantErr: `step 2 "review" outcome "done": unknown effect "send_sms"`},
		{name: "copy_to_case naming an unknown field", mut: func(m map[string]any) { outcome(m, 2, 0)["effects"] = []any{"copy_to_case:kind,colour"} }, wantErr: `step 2 "review" outcome "done": copy_to_case names unknown field "colour"`},
		{name: "copy_to_case naming no field", mut: func(m map[string]any) { outcome(m, 2, 0)["effects"] = []any{"copy_to_case"} }, wantErr: `copy_to_case names unknown field ""`},
		{name: "unknown step validator", mut: func(m map[string]any) { outcome(m, 3, 0)["validators"] = []any{"signed"} }, wantErr: `step 3 "close" outcome "done": unknown validator "signed"`},
		{name: "field validator used as step validator", mut: func(m map[string]any) { outcome(m, 3, 0)["validators"] = []any{"no_digits"} }, wantErr: `unknown validator "no_digits"`},
		{name: "unknown status", mut: func(m map[string]any) { outcome(m, 3, 0)["status"] = "archived" }, wantErr: `step 3 "close" outcome "done": unknown status "archived"`},
		{name: "outcome condition on unknown field", mut: func(m map[string]any) { outcome(m, 2, 0)["when"] = map[string]any{"field": "fine", "equals": true} }, wantErr: `step 2 "review" outcome "done": condition refers to unknown field "fine"`},
		{name: "no advancing outcome", mut: func(m map[string]any) { outcome(m, 2, 0)["advances"] = false }, wantErr: `step 2 "review": no outcome advances the case`},
		{name: "required_for unknown outcome", mut: func(m map[string]any) {
			obj(arr(step(m, 2)["fields"])[0])["required_for"] = []any{"finished"}
		}, wantErr: `step 2 "review": field "ok": required_for names unknown outcome "finished"`},
		{name: "unknown field type in step", mut: func(m map[string]any) {
			obj(arr(step(m, 2)["fields"])[0])["type"] = "checkbox"
		}, wantErr: `step 2 "review": field "ok": unknown type "checkbox"`},
		{name: "options_from a form field without options", mut: func(m map[string]any) {
			obj(arr(step(m, 2)["fields"])[1])["options_from"] = "form:name"
		}, wantErr: `options_from "form:name": the form has no field "name" with options`},
		{name: "options_from form without a form", noForm: true, wantErr: `options_from "form:kind": no form to take options from`},
		{name: "last step without close_case", mut: func(m map[string]any) { delete(outcome(m, 3, 0), "effects") }, wantErr: `the last step must have an outcome with effect "close_case"`},
		{name: "first_response hours missing", mut: func(m map[string]any) {
			m["first_response"] = map[string]any{"step": 2, "hours": map[string]any{"emergency": 1}}
		}, wantErr: `first_response.hours needs positive "emergency" and "normal"`},
		{name: "first_response hours zero", mut: func(m map[string]any) {
			m["first_response"] = map[string]any{"step": 2, "hours": map[string]any{"emergency": 0, "normal": 24}}
		}, wantErr: `first_response.hours needs positive`},
		{name: "first_response on step 1", mut: func(m map[string]any) { obj(m["first_response"])["step"] = 1 }, wantErr: "first_response.step 1 is not a step of this workflow"},
		{name: "first_response beyond the last step", mut: func(m map[string]any) { obj(m["first_response"])["step"] = 4 }, wantErr: "first_response.step 4 is not a step of this workflow"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := loadBaseForm(t)
			if tc.noForm {
				form = nil
			}
			data := tc.data
			if data == nil {
				data = mutate(t, baseWorkflowJSON, tc.mut)
			}
			w, err := engine.LoadWorkflow("broken.workflow.json", data, testRegistry(), form)
			if err == nil {
				t.Fatalf("LoadWorkflow accepted a broken definition (%s)", tc.name)
			}
			if w != nil {
				t.Errorf("LoadWorkflow returned a workflow together with an error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "broken.workflow.json: ") {
				t.Errorf("error does not name the file first: %q", msg)
			}
			if !strings.Contains(msg, tc.wantErr) {
				t.Errorf("error %q does not name the mistake %q", msg, tc.wantErr)
			}
		})
	}
}

// A workflow without first_response (step 0) is allowed: not every service
// has a crisis clock.
func TestLoadWorkflowWithoutFirstResponse(t *testing.T) {
	data := mutate(t, baseWorkflowJSON, func(m map[string]any) { delete(m, "first_response") })
	if _, err := engine.LoadWorkflow("nofr.workflow.json", data, testRegistry(), loadBaseForm(t)); err != nil {
		t.Fatalf("workflow without first_response refused: %v", err)
	}
}
