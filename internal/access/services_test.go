package access

import (
	"slices"
	"testing"
)

// A service made from its definitions is declared for the roles that
// handle it only, personal when its definition names personal fields, with
// its clocks beside its cases and steps.
func TestServiceCollectionsFor(t *testing.T) {
	cols := ServiceCollectionsFor(ServiceSpec{Cases: "svc_cases", Steps: "svc_steps", Clocks: "svc_clocks",
		Roles: []Role{Supervisor}, Personal: true, Query: []string{"kind"}, Files: []string{"doc"}})
	if len(cols) != 3 || cols[2].Name != "svc_clocks" {
		t.Fatalf("collections %v", cols)
	}
	for _, c := range cols {
		if c.CanRead(Officer) || !c.CanRead(Supervisor) || !c.CanRead(Superuser) || !c.Personal {
			t.Errorf("%s: officer %v supervisor %v personal %v", c.Name, c.CanRead(Officer), c.CanRead(Supervisor), c.Personal)
		}
		if c.CanSubscribe(Officer) {
			t.Errorf("%s: officers may follow it live", c.Name)
		}
	}
	if !slices.Contains(cols[0].Query[Supervisor], "kind") || slices.Contains(cols[0].Query[Supervisor], "message") {
		t.Errorf("query fields %v", cols[0].Query)
	}
	if !slices.Equal(cols[0].Files, []string{"doc"}) || cols[1].Files != nil {
		t.Errorf("files %v %v", cols[0].Files, cols[1].Files)
	}
	open := ServiceCollectionsFor(ServiceSpec{Cases: "a", Steps: "b", Roles: Staff})
	if len(open) != 2 || open[0].Personal || !open[0].CanRead(Officer) || !open[0].CanSubscribe(Officer) {
		t.Errorf("a service without personal fields for all staff: %+v", open[0])
	}
	p := Teduh()
	if c := p.Collection("case_clocks"); c == nil || !c.Personal || !c.CanRead(Officer) {
		t.Errorf("case_clocks %+v", c)
	}
	if p.Collection("feedback") != nil {
		t.Error("feedback is still declared")
	}
}
