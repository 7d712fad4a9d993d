package access

import (
	"net/url"
	"strings"
	"testing"
)

// schema is a small model of Teduh's collections for the checks.
type schema map[string]map[string]string // collection → field → relation target ("" plain)

func (s schema) HasCollection(name string) bool { _, ok := s[name]; return ok }
func (s schema) Field(c, f string) (string, bool) {
	fields, ok := s[c]
	if !ok {
		return "", false
	}
	target, ok := fields[f]
	return target, ok
}

var testSchema = schema{
	"staff":                 {"id": "", "name": "", "role": "", "active": ""},
	"complaints":            {"id": "", "victim_name": "", "status": "", "assigned_to": "staff", "intake_actor": "staff"},
	"case_steps":            {"id": "", "complaint": "complaints", "notes": "", "actor": "staff", "data": ""},
	"notifications":         {"id": "", "recipient": "staff", "complaint": "complaints", "read": ""},
	"referrals":             {"id": "", "complaint": "complaints", "institution": "referral_institutions"},
	"referral_institutions": {"id": "", "name": "", "active": "", "type": ""},
}

func TestStaffFiltersOnlyOnDeclaredFields(t *testing.T) {
	p := Teduh()
	for _, tc := range []struct {
		role       Role
		collection string
		filter     string
		refused    string // "" when allowed; else the path refused
	}{
		{Officer, "case_steps", "complaint = 'abc'", ""},
		{Officer, "notifications", "recipient = 'x' && read = false", ""},
		{Officer, "referral_institutions", "active = true", ""},
		{Officer, "complaints", "status != 'closed' && (victim_name ~ 'Ani' || created >= @todayStart)", ""},
		{Officer, "complaints", "victim_name:lower ~ 'ani'", ""},
		// the findings of issue 10: oracles through relations
		{Officer, "staff", "id='B' && notifications_via_recipient.complaint.victim_name !~ 'Siti%'", "notifications_via_recipient.complaint.victim_name"},
		{Officer, "referral_institutions", "referrals_via_institution.complaint.victim_name ~ 'S'", "referrals_via_institution.complaint.victim_name"},
		{Officer, "case_steps", "actor.case_steps_via_actor.notes ~ 'x'", "actor.case_steps_via_actor.notes"},
		{Officer, "complaints", "case_steps_via_complaint.notes ~ 'x'", "case_steps_via_complaint.notes"},
		{Officer, "complaints", "intake_actor.complaints_via_intake_actor.victim_name ~ 'x'", "intake_actor.complaints_via_intake_actor.victim_name"},
		{Officer, "complaints", "@collection.case_steps.notes ~ 'x'", "@collection.case_steps.notes"},
		{Officer, "complaints", "@request.auth.complaints_via_assigned_to.victim_name ~ 'x'", "@request.auth.complaints_via_assigned_to.victim_name"},
		{Officer, "complaints", "@request.body.x = 1", "@request.body.x"},
		{Officer, "staff", "email ~ 'a'", "email"},
		{Officer, "complaints", "victim_name:excerpt(2) ~ 'a'", "victim_name:excerpt()"},
		{Supervisor, "audit_log", "record_id = 'x' && action = 'view'", ""},
		{Officer, "audit_log", "record_id = 'x'", "record_id"},
		// the superuser: anything but a path into a personal collection
		{Superuser, "staff", "name ~ 'a' && role = 'officer'", ""},
		{Superuser, "staff", "complaints_via_assigned_to.victim_name ~ 'S'", "complaints_via_assigned_to.victim_name"},
		{Superuser, "case_steps", "actor.name ~ 'a'", ""},
		{Superuser, "case_steps", "actor.case_steps_via_actor.notes ~ 'a'", "actor.case_steps_via_actor.notes"},
		{Superuser, "referrals", "institution.name ~ 'RS'", ""},
		{Superuser, "complaints", "@collection.notifications.message ~ 'x'", "@collection.notifications.message"},
	} {
		r := p.CheckFilter(testSchema, tc.role, tc.collection, tc.filter)
		switch {
		case tc.refused == "" && r != nil:
			t.Errorf("%s on %s: %q refused: %v", tc.role, tc.collection, tc.filter, r)
		case tc.refused != "" && r == nil:
			t.Errorf("%s on %s: %q allowed, want %s refused", tc.role, tc.collection, tc.filter, tc.refused)
		case tc.refused != "" && r.Path != tc.refused:
			t.Errorf("%s on %s: %q refused %q, want %q", tc.role, tc.collection, tc.filter, r.Path, tc.refused)
		case r != nil && (r.Param != "filter" || !strings.Contains(r.Message, "tidak")):
			t.Errorf("refusal not keyed or not in Bahasa Indonesia: %+v", r)
		}
	}
}

func TestSortExpandAndQuery(t *testing.T) {
	p := Teduh()
	if r := p.CheckSort(testSchema, Officer, "case_steps", "created,-id,@random"); r != nil {
		t.Errorf("plain sort refused: %v", r)
	}
	if r := p.CheckSort(testSchema, Officer, "notifications", "-complaint.victim_name"); r == nil || r.Param != "sort" {
		t.Errorf("sort through a relation allowed: %v", r)
	}
	if r := p.CheckExpand(testSchema, Officer, "referrals", "institution"); r != nil {
		t.Errorf("declared expand refused: %v", r)
	}
	for _, tc := range []struct{ coll, expand string }{
		{"notifications", "complaint"}, {"staff", "complaints_via_assigned_to"},
		{"referral_institutions", "referrals_via_institution.complaint"}, {"referrals", "institution,complaint"},
	} {
		if r := p.CheckExpand(testSchema, Supervisor, tc.coll, tc.expand); r == nil || r.Param != "expand" {
			t.Errorf("%s expand=%s allowed", tc.coll, tc.expand)
		}
	}
	if r := p.CheckExpand(testSchema, Superuser, "notifications", "complaint"); r != nil {
		t.Errorf("superuser expand refused (it is audited instead): %v", r)
	}
	q := url.Values{"filter": {"complaint = 'x'"}, "sort": {"created"}, "expand": {"complaint"}}
	if r := p.CheckQuery(testSchema, Officer, "case_steps", q); r == nil || r.Param != "expand" {
		t.Errorf("query with a refused expand: %v", r)
	}
}

func TestTopics(t *testing.T) {
	p := Teduh()
	opt := func(q string) string { return "?options=" + url.QueryEscape(`{"query":`+q+`}`) }
	for _, tc := range []struct {
		role    Role
		sub     string
		allowed bool
	}{
		{Officer, "complaints/*", true},
		{Officer, "complaints/*" + opt(`{"fields":"id,number,status"}`), true},
		{Officer, "complaints/*" + opt(`{"fields":"number,status"}`), false},
		{Officer, "complaints/*" + opt(`{"expand":"assigned_to"}`), false},
		{Officer, "complaints/*" + opt(`{"filter":"status = 'new'"}`), true},
		{Officer, "complaints/*" + opt(`{"filter":"case_steps_via_complaint.notes ~ 'x'"}`), false},
		{Officer, "staff/*" + opt(`{"expand":"complaints_via_assigned_to"}`), false},
		{Officer, "staff/*", false},
		{Officer, "referral_institutions/*", false},
		{Officer, "notifications/*", true},
		{Public, "complaints/*", false},
		{Officer, "complaints/*?options={bad", false},
		{Officer, "complaints/*?other=1", false},
	} {
		topic, r := ParseTopic(tc.sub)
		if r == nil {
			r = p.CheckTopic(testSchema, tc.role, topic.Collection, topic)
		}
		if (r == nil) != tc.allowed {
			t.Errorf("%s %s: allowed=%v, want %v (%v)", tc.role, tc.sub, r == nil, tc.allowed, r)
		}
	}
}

func TestResolve(t *testing.T) {
	hops, ok := Resolve(testSchema, "staff", strings.Split("notifications_via_recipient.complaint.victim_name", "."))
	if !ok || strings.Join(hops, ",") != "notifications,complaints" {
		t.Errorf("hops %v %v", hops, ok)
	}
	if hops, ok := Resolve(testSchema, "case_steps", []string{"data", "victim_safe"}); !ok || len(hops) != 0 {
		t.Errorf("a JSON key is not a hop: %v %v", hops, ok)
	}
	if _, ok := Resolve(testSchema, "staff", []string{"nosuch"}); ok {
		t.Error("unknown field resolved")
	}
}

func TestRoutes(t *testing.T) {
	p := Teduh()
	for pattern, want := range map[string]map[Role]bool{
		"POST /api/sql":       {Superuser: false, Supervisor: false},
		"POST /api/batch":     {Superuser: false, Officer: false},
		"GET /api/queue":      {Public: false, Officer: true, Superuser: true},
		"GET /api/staff-load": {Officer: false, Supervisor: true},
		"GET /api/collections/{collection}/records": {Public: false, Officer: true},
		"POST /api/public/complaints":               {Public: true},
		"GET /api/settings":                         {Supervisor: false, Superuser: true},
	} {
		r, ok := p.Find(pattern)
		if !ok {
			t.Errorf("%s not declared", pattern)
			continue
		}
		for role, allowed := range want {
			if r.Allows(role) != allowed {
				t.Errorf("%s for %s: %v, want %v", pattern, role, r.Allows(role), allowed)
			}
		}
	}
	if _, ok := p.Find("GET /api/something/new"); ok {
		t.Error("an undeclared route was found")
	}
}
