package engine_test

import (
	"fmt"
	"testing"
	"time"

	"teduh/internal/definitions"
	"teduh/internal/engine"
)

func TestScratch(t *testing.T) {
	reg := definitions.NewRegistry()
	f, err := engine.LoadForm("x.json", []byte(`{"id":"x","version":"1","title":"X","sections":[{"id":"s","title":"S","fields":[{"name":"inst","type":"select","label":"I","options_from":"institution_types"}]}]}`), reg)
	fmt.Println(err)
	v, errs := f.Coerce(map[string]any{"inst": "health"})
	res := f.Validate(v, engine.Env{Now: time.Now()})
	fmt.Println(errs, res.Errors["inst"], res.Values, len(f.Field("inst").Options))

	set, _ := definitions.Load()
	raw := map[string]any{"reporter_name": "Siti", "reporter_phone": "+62 (0)812-3456-7890", "reporter_relation": "self", "victim_name": "x", "victim_sex": "female", "chronology": "sesuatu terjadi kemarin", "consent": true, "victim_nik": "6172–0154–1003–0001"}
	v, errs = set.Form.Coerce(raw)
	res = set.Form.Validate(v, engine.Env{Now: time.Now()})
	fmt.Println(errs, res.Values, res.Errors)
	for k, e := range res.Errors { fmt.Println(k, e.Code) }
	d, r := set.Workflow.Decide(engine.CaseState{CurrentStep: 6, Status: "in_progress"}, engine.StepRequest{Step: 7, Outcome: "done", Notes: "n", Data: map[string]any{"referral_needed": "maybe"}, Roles: []string{"supervisor"}}, engine.Env{Now: time.Now()}, nil)
	fmt.Println(d, r, r.Fields["data.referral_needed"])
	v, errs = set.Form.Coerce(map[string]any{"reporter_name": "\u200b\u200b"})
	res = set.Form.Validate(v, engine.Env{Now: time.Now()})
	fmt.Printf("%q %v\n", res.Values["reporter_name"], res.Errors["reporter_name"])
}
