package pb_hooks_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// authzNow is a Thursday morning in Singkawang (09:00 WIB).
var authzNow = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

// Personal data of case X; none of it may reach a member of the public.
const (
	authzReporterName = "Siti Rahmawati"
	authzReporterTel  = "0812-3456-7890"
	authzVictimName   = "Ani Lestari"
	authzVictimNIK    = "6172015403100001" // Singkawang, woman born 14-03-2010
	authzVictimAddr   = "Jalan Merdeka Gang Mawar Nomor 7"
	authzChronology   = "Korban dipukul oleh suaminya tadi malam di rumah, tetangga mendengar teriakan."
	authzStaffPass    = "rahasia-sekali-123" // the harness's password for every account
)

// authzFixture is the world the matrix runs against.
type authzFixture struct {
	h *harness

	officerA, officerB, supervisor, inactive *core.Record
	tokens                                   map[string]string // actor → token ("" for anonymous)

	caseX, caseY, caseU, caseZ *core.Record // X: officer A, Y: officer B, U: unassigned, Z: A (reassigned later)
	stepsX, stepsY             []string     // case_steps ids
	feedbackID                 string
	officeID                   string
	institutionID              string
	auditID                    string
}

const (
	actorAnon       = "anonymous"
	actorA          = "officer A"
	actorB          = "officer B"
	actorSupervisor = "supervisor"
	actorInactive   = "inactive officer"
	actorSuperuser  = "superuser"
)

func authzCaseX() map[string]any {
	return with(validComplaint(),
		"reporter_name", authzReporterName,
		"reporter_phone", authzReporterTel,
		"victim_name", authzVictimName,
		"victim_nik", authzVictimNIK,
		"victim_birth_date", "2010-03-14",
		"victim_address", authzVictimAddr,
		"victim_district", "Singkawang Barat",
		"chronology", authzChronology,
	)
}

func newAuthzFixture(t *testing.T) *authzFixture {
	t.Helper()
	h := newHarness(t, authzNow)
	f := &authzFixture{h: h, tokens: map[string]string{actorAnon: ""}}

	f.officerA, f.tokens[actorA] = h.Staff("petugas.a@teduh.test", "Petugas Ayu", "officer", true)
	f.officerB, f.tokens[actorB] = h.Staff("petugas.b@teduh.test", "Petugas Budi", "officer", true)
	f.supervisor, f.tokens[actorSupervisor] = h.Staff("kepala@teduh.test", "Kepala Bidang", "supervisor", true)
	// the token is issued while the account is active; the account is then
	// deactivated, as an administrator would do after someone leaves
	f.inactive, f.tokens[actorInactive] = h.Staff("mantan@teduh.test", "Mantan Petugas", "officer", true)
	f.inactive.Set("active", false)
	if err := h.App.Save(f.inactive); err != nil {
		t.Fatal(err)
	}
	f.tokens[actorSuperuser] = h.Superuser()

	f.caseX = h.submit(authzCaseX())
	h.mustStep(f.tokens[actorA], f.caseX.Id, 2, "done", "Korban sudah tenang.", nil)
	f.caseY = h.submit(with(validComplaint(), "victim_name", "Bunga Citra"))
	h.mustStep(f.tokens[actorB], f.caseY.Id, 2, "done", "Korban sudah tenang.", nil)
	f.caseU = h.submit(with(validComplaint(), "victim_name", "Cempaka"))
	f.caseZ = h.submit(with(validComplaint(), "victim_name", "Dahlia"))
	h.mustStep(f.tokens[actorA], f.caseZ.Id, 2, "done", "Korban sudah tenang.", nil)

	f.caseX, f.caseY, f.caseU, f.caseZ = h.reload(f.caseX), h.reload(f.caseY), h.reload(f.caseU), h.reload(f.caseZ)
	for c, want := range map[*core.Record]string{f.caseX: f.officerA.Id, f.caseY: f.officerB.Id, f.caseU: "", f.caseZ: f.officerA.Id} {
		if got := c.GetString("assigned_to"); got != want {
			t.Fatalf("fixture %s: assigned_to = %q, want %q", c.GetString("victim_name"), got, want)
		}
	}
	f.stepsX = authzStepIDs(t, h, f.caseX.Id)
	f.stepsY = authzStepIDs(t, h, f.caseY.Id)
	if len(f.stepsX) != 2 || len(f.stepsY) != 2 {
		t.Fatalf("fixture steps: X %v, Y %v", f.stepsX, f.stepsY)
	}

	if res := h.Do("POST", "/api/public/feedback", map[string]any{"kind": "suggestion", "message": "Ruang tunggu perlu kipas angin.", "rating": 4}, ""); res.Status != 200 {
		t.Fatalf("feedback: %d %s", res.Status, res)
	}
	fb, err := h.App.FindFirstRecordByFilter("service_complaints", "message != ''")
	if err != nil {
		t.Fatal(err)
	}
	f.feedbackID = fb.Id
	office, err := h.App.FindFirstRecordByFilter("office", "name != ''")
	if err != nil {
		t.Fatal(err)
	}
	f.officeID = office.Id
	inst, err := h.App.FindFirstRecordByFilter("referral_institutions", "name != ''")
	if err != nil {
		t.Fatal(err)
	}
	f.institutionID = inst.Id
	entry, err := h.App.FindFirstRecordByFilter("audit_log", "action = 'create' && record_id = {:id}", dbx.Params{"id": f.caseX.Id})
	if err != nil {
		t.Fatal(err)
	}
	f.auditID = entry.Id
	return f
}

func authzStepIDs(t *testing.T, h *harness, caseID string) []string {
	t.Helper()
	steps, err := h.App.FindRecordsByFilter("case_steps", "complaint = {:c}", "step", 0, 0, dbx.Params{"c": caseID})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(steps))
	for _, s := range steps {
		ids = append(ids, s.Id)
	}
	return ids
}

// authzItemIDs returns the ids of a list answer's items.
func authzItemIDs(res *response) []string {
	items, _ := res.JSON["items"].([]any)
	ids := make([]string, 0, len(items))
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			ids = append(ids, fmt.Sprint(m["id"]))
		}
	}
	return ids
}

func authzWalkIn() map[string]any {
	return with(validComplaint(), "channel", "walk_in", "victim_name", "Eka Walk-in")
}

// authzRow is one cell of the matrix: an actor doing an action on a
// collection, and what must come back.
type authzRow struct {
	actor  string
	coll   string
	action string // list, view, create, update, delete
	id     string // target of view/update/delete
	body   any    // create/update body
	status int
	see    []string // list: ids that must be returned
	notSee []string // list: ids that must not be returned
	empty  bool     // list: no record at all may be returned
	check  func(t *testing.T, res *response)
}

func (r authzRow) name() string {
	s := r.actor + "/" + r.coll + "/" + r.action
	if r.id != "" {
		s += "/" + r.id
	}
	return s
}

// staffIs checks an account's role and status after a row.
func staffIs(h *harness, id, role string, active bool) func(t *testing.T, res *response) {
	return func(t *testing.T, _ *response) {
		t.Helper()
		rec, err := h.App.FindRecordById("staff", id)
		if err != nil {
			t.Fatal(err)
		}
		if rec.GetString("role") != role || rec.GetBool("active") != active {
			t.Errorf("staff %s: role %q active %v, want %q %v", rec.GetString("name"), rec.GetString("role"), rec.GetBool("active"), role, active)
		}
	}
}

// fieldCode checks a refusal's field error code.
func fieldCode(field, code string) func(t *testing.T, res *response) {
	return func(t *testing.T, res *response) {
		t.Helper()
		if got := res.FieldCode(field); got != code {
			t.Errorf("%s code %q, want %q: %s", field, got, code, res)
		}
	}
}

func TestAuthorizationMatrix(t *testing.T) {
	f := newAuthzFixture(t)
	h := f.h
	X, Y, U, Z := f.caseX.Id, f.caseY.Id, f.caseU.Id, f.caseZ.Id
	A, B := f.officerA.Id, f.officerB.Id
	stepX, stepY := f.stepsX[1], f.stepsY[1]
	allCases := []string{X, Y, U, Z}
	allSteps := append(slices.Clone(f.stepsX), f.stepsY...)

	stepBody := func(caseID string) map[string]any {
		return map[string]any{"complaint": caseID, "step": 3, "outcome": "incomplete",
			"notes": "Korban belum membawa identitas.", "data": map[string]any{"requirements_complete": false}}
	}
	assignedTo := func(id, want string) func(t *testing.T, res *response) {
		return func(t *testing.T, _ *response) {
			t.Helper()
			rec, err := h.App.FindRecordById("complaints", id)
			if err != nil {
				t.Fatal(err)
			}
			if got := rec.GetString("assigned_to"); got != want {
				t.Errorf("assigned_to = %q, want %q", got, want)
			}
		}
	}

	// rows shared by every actor that must get nothing: anonymous (asked to
	// sign in) and the deactivated officer (refused); the gate answers before
	// any collection rule, for every collection alike
	nothing := func(actor string) []authzRow {
		status := 401
		if actor == actorInactive {
			status = 403
		}
		var rows []authzRow
		for _, coll := range []string{"complaints", "case_steps", "staff", "office", "service_complaints", "audit_log", "referrals", "referral_institutions", "notifications"} {
			rows = append(rows,
				authzRow{actor: actor, coll: coll, action: "list", status: status},
				authzRow{actor: actor, coll: coll, action: "view", id: U, status: status},
				authzRow{actor: actor, coll: coll, action: "create", body: map[string]any{"name": "x"}, status: status},
				authzRow{actor: actor, coll: coll, action: "update", id: U, body: map[string]any{"name": "x"}, status: status},
			)
		}
		return append(rows,
			authzRow{actor: actor, coll: "complaints", action: "view", id: X, status: status},
			authzRow{actor: actor, coll: "complaints", action: "create", body: authzWalkIn(), status: status},
			authzRow{actor: actor, coll: "case_steps", action: "create", body: map[string]any{"complaint": U, "step": 2, "outcome": "done", "notes": "x"}, status: status},
			authzRow{actor: actor, coll: "staff", action: "update", id: f.inactive.Id, body: map[string]any{"name": "Nama Baru"}, status: status},
			authzRow{actor: actor, coll: "complaints", action: "delete", id: U, status: status},
			authzRow{actor: actor, coll: "case_steps", action: "delete", id: stepX, status: status},
			authzRow{actor: actor, coll: "audit_log", action: "delete", id: f.auditID, status: status},
		)
	}

	// officer rows: own is the officer's case, other is the other officer's
	officer := func(actor, self, other, own, others string, ownSteps, otherSteps []string, ownOnly []string) []authzRow {
		return []authzRow{
			{actor: actor, coll: "complaints", action: "list", status: 200, see: append([]string{own, U}, ownOnly...), notSee: []string{others}},
			{actor: actor, coll: "complaints", action: "view", id: own, status: 200},
			{actor: actor, coll: "complaints", action: "view", id: U, status: 200},
			{actor: actor, coll: "complaints", action: "view", id: others, status: 404},
			{actor: actor, coll: "complaints", action: "create", body: authzWalkIn(), status: 200, check: func(t *testing.T, res *response) {
				if res.JSON["channel"] != "walk_in" || res.JSON["assigned_to"] != "" || res.JSON["intake_actor"] != self {
					t.Errorf("walk-in: channel %v, assigned_to %v, intake_actor %v", res.JSON["channel"], res.JSON["assigned_to"], res.JSON["intake_actor"])
				}
			}},
			{actor: actor, coll: "complaints", action: "update", id: own, body: map[string]any{"victim_address": "Alamat aman yang baru"}, status: 200},
			// the update rule lets only supervisors set assigned_to; a failed
			// update rule is PocketBase's 404
			{actor: actor, coll: "complaints", action: "update", id: own, body: map[string]any{"assigned_to": other}, status: 404, check: assignedTo(own, self)},
			// PocketBase's field modifiers are resolved before the rule: no way around it
			{actor: actor, coll: "complaints", action: "update", id: own, body: map[string]any{"assigned_to-": self}, status: 404, check: assignedTo(own, self)},
			{actor: actor, coll: "complaints", action: "update", id: U, body: map[string]any{"assigned_to+": self}, status: 404, check: assignedTo(U, "")},
			{actor: actor, coll: "complaints", action: "update", id: others, body: map[string]any{"victim_address": "diubah"}, status: 404},
			{actor: actor, coll: "complaints", action: "delete", id: own, status: 403},
			{actor: actor, coll: "complaints", action: "delete", id: others, status: 403},
			{actor: actor, coll: "case_steps", action: "list", status: 200, see: ownSteps, notSee: otherSteps},
			{actor: actor, coll: "case_steps", action: "view", id: ownSteps[1], status: 200},
			{actor: actor, coll: "case_steps", action: "view", id: otherSteps[1], status: 404},
			{actor: actor, coll: "case_steps", action: "create", body: stepBody(own), status: 200},
			// the step hook (not the create rule) keeps officers off other
			// officers' cases, inside its transaction: 404 as for a view
			{actor: actor, coll: "case_steps", action: "create", body: stepBody(others), status: 404},
			{actor: actor, coll: "case_steps", action: "update", id: ownSteps[1], body: map[string]any{"notes": "diubah"}, status: 403},
			{actor: actor, coll: "case_steps", action: "delete", id: ownSteps[1], status: 403},
			{actor: actor, coll: "staff", action: "list", status: 200, see: []string{A, B, f.supervisor.Id}, check: func(t *testing.T, res *response) {
				items, _ := res.JSON["items"].([]any)
				for _, it := range items {
					m, _ := it.(map[string]any)
					if m["name"] == "" || m["name"] == nil {
						t.Errorf("staff item without a name: %v", m)
					}
					if _, ok := m["email"]; ok && m["id"] != self {
						t.Errorf("another staff member's e-mail visible to an officer: %v", m)
					}
				}
			}},
			{actor: actor, coll: "staff", action: "view", id: other, status: 200},
			{actor: actor, coll: "staff", action: "create", body: map[string]any{"email": "baru@teduh.test", "password": authzStaffPass, "passwordConfirm": authzStaffPass, "name": "Baru", "role": "supervisor", "active": true}, status: 403},
			{actor: actor, coll: "staff", action: "update", id: self, body: map[string]any{"name": "Nama Saya Baru"}, status: 200},
			// a failed update rule is PocketBase's 404
			{actor: actor, coll: "staff", action: "update", id: self, body: map[string]any{"role": "supervisor"}, status: 404},
			{actor: actor, coll: "staff", action: "update", id: self, body: map[string]any{"name": "Nama", "active": false}, status: 404},
			{actor: actor, coll: "staff", action: "update", id: other, body: map[string]any{"name": "Dibajak"}, status: 404},
			// an officer never changes a role or activates anyone, whatever the spelling
			{actor: actor, coll: "staff", action: "update", id: self, body: map[string]any{"role+": "supervisor"}, status: 404},
			{actor: actor, coll: "staff", action: "update", id: self, body: map[string]any{"+role": "supervisor"}, status: 404},
			{actor: actor, coll: "staff", action: "update", id: other, body: map[string]any{"active": false}, status: 404},
			{actor: actor, coll: "staff", action: "update", id: other, body: map[string]any{"role": "supervisor"}, status: 404},
			{actor: actor, coll: "staff", action: "update", id: f.inactive.Id, body: map[string]any{"active": true}, status: 404},
			{actor: actor, coll: "staff", action: "update", id: self, body: map[string]any{"password_must_change": false}, status: 404},
			{actor: actor, coll: "staff", action: "update", id: self, body: map[string]any{"nip": "199203152019032007"}, status: 200},
			{actor: actor, coll: "staff", action: "delete", id: other, status: 403},
			{actor: actor, coll: "office", action: "list", status: 200, see: []string{f.officeID}},
			{actor: actor, coll: "office", action: "view", id: f.officeID, status: 200},
			{actor: actor, coll: "office", action: "create", body: map[string]any{"name": "Kantor Lain"}, status: 403},
			{actor: actor, coll: "office", action: "update", id: f.officeID, body: map[string]any{"phone": "0000"}, status: 403},
			{actor: actor, coll: "office", action: "delete", id: f.officeID, status: 403},
			// service complaints (the old feedback) and the audit trail are
			// the supervisors': the gate refuses
			{actor: actor, coll: "service_complaints", action: "list", status: 403},
			{actor: actor, coll: "service_complaints", action: "view", id: f.feedbackID, status: 403},
			{actor: actor, coll: "service_complaints", action: "create", body: map[string]any{"kind": "praise", "message": "Bagus sekali"}, status: 403},
			{actor: actor, coll: "service_complaints", action: "update", id: f.feedbackID, body: map[string]any{"message": "diubah"}, status: 403},
			{actor: actor, coll: "service_complaints", action: "delete", id: f.feedbackID, status: 403},
			// the referral directory is the supervisors'
			{actor: actor, coll: "referral_institutions", action: "create", body: map[string]any{"name": "Klinik Petugas", "type": "health", "active": true}, status: 403},
			{actor: actor, coll: "referral_institutions", action: "update", id: f.institutionID, body: map[string]any{"address": "Jalan Petugas"}, status: 403},
			{actor: actor, coll: "referral_institutions", action: "delete", id: f.institutionID, status: 403},
			{actor: actor, coll: "audit_log", action: "list", status: 403},
			{actor: actor, coll: "audit_log", action: "view", id: f.auditID, status: 403},
			{actor: actor, coll: "audit_log", action: "create", body: map[string]any{"action": "view"}, status: 403},
			{actor: actor, coll: "audit_log", action: "update", id: f.auditID, body: map[string]any{"action": "x"}, status: 403},
			{actor: actor, coll: "audit_log", action: "delete", id: f.auditID, status: 403},
		}
	}

	var rows []authzRow
	rows = append(rows, nothing(actorAnon)...)
	rows = append(rows, officer(actorA, A, B, X, Y, f.stepsX, f.stepsY, []string{Z})...)
	rows = append(rows, officer(actorB, B, A, Y, X, f.stepsY, f.stepsX, nil)...)
	rows = append(rows, authzRow{actor: actorB, coll: "complaints", action: "view", id: Z, status: 404})
	rows = append(rows, nothing(actorInactive)...)
	rows = append(rows,
		authzRow{actor: actorInactive, coll: "staff", action: "view", id: f.inactive.Id, status: 403},
		authzRow{actor: actorInactive, coll: "complaints", action: "view", id: X, status: 403},
	)

	sup := actorSupervisor
	rows = append(rows, []authzRow{
		{actor: sup, coll: "complaints", action: "list", status: 200, see: allCases},
		{actor: sup, coll: "complaints", action: "view", id: X, status: 200},
		{actor: sup, coll: "complaints", action: "view", id: Y, status: 200},
		{actor: sup, coll: "complaints", action: "view", id: U, status: 200},
		{actor: sup, coll: "complaints", action: "create", body: authzWalkIn(), status: 200},
		{actor: sup, coll: "complaints", action: "update", id: X, body: map[string]any{"victim_address": "Alamat dari kepala"}, status: 200},
		{actor: sup, coll: "complaints", action: "update", id: Y, body: map[string]any{"victim_address": "Alamat dari kepala"}, status: 200},
		{actor: sup, coll: "complaints", action: "update", id: Z, body: map[string]any{"assigned_to": B}, status: 200, check: assignedTo(Z, B)},
		// a case cannot go to an account that is not active
		{actor: sup, coll: "complaints", action: "update", id: U, body: map[string]any{"assigned_to": f.inactive.Id}, status: 400, check: func(t *testing.T, res *response) {
			if code := res.FieldCode("assigned_to"); code != "invalid_assignee" {
				t.Errorf("assigned_to code %q", code)
			}
		}},
		{actor: sup, coll: "complaints", action: "delete", id: X, status: 403},
		{actor: sup, coll: "case_steps", action: "list", status: 200, see: allSteps},
		{actor: sup, coll: "case_steps", action: "view", id: stepY, status: 200},
		{actor: sup, coll: "case_steps", action: "update", id: stepY, body: map[string]any{"notes": "diubah"}, status: 403},
		{actor: sup, coll: "case_steps", action: "delete", id: stepY, status: 403},
		{actor: sup, coll: "staff", action: "list", status: 200, see: []string{A, B, f.supervisor.Id}},
		{actor: sup, coll: "staff", action: "update", id: f.supervisor.Id, body: map[string]any{"name": "Kepala Bidang PPA"}, status: 200},
		// supervisors keep the team: role and status of others (set back
		// at once, for the rows after), never anyone's e-mail or password,
		// never their own role or status
		{actor: sup, coll: "staff", action: "update", id: A, body: map[string]any{"role": "supervisor"}, status: 200, check: staffIs(h, A, "supervisor", true)},
		{actor: sup, coll: "staff", action: "update", id: A, body: map[string]any{"role": "officer"}, status: 200, check: staffIs(h, A, "officer", true)},
		{actor: sup, coll: "staff", action: "update", id: f.inactive.Id, body: map[string]any{"active": true}, status: 200, check: staffIs(h, f.inactive.Id, "officer", true)},
		{actor: sup, coll: "staff", action: "update", id: f.inactive.Id, body: map[string]any{"active": false}, status: 200, check: staffIs(h, f.inactive.Id, "officer", false)},
		{actor: sup, coll: "staff", action: "update", id: B, body: map[string]any{"phone": "0813-2222-3333", "nip": "199001012015031002"}, status: 200},
		{actor: sup, coll: "staff", action: "update", id: A, body: map[string]any{"email": "dibajak@teduh.test"}, status: 403, check: fieldCode("email", "admin_only")},
		{actor: sup, coll: "staff", action: "update", id: A, body: map[string]any{"password": "kata-sandi-baru-123", "passwordConfirm": "kata-sandi-baru-123"}, status: 403, check: fieldCode("password", "use_reset")},
		{actor: sup, coll: "staff", action: "update", id: A, body: map[string]any{"verified": false}, status: 403, check: fieldCode("verified", "not_allowed")},
		{actor: sup, coll: "staff", action: "update", id: A, body: map[string]any{"password_must_change": true}, status: 403, check: fieldCode("password_must_change", "not_allowed")},
		{actor: sup, coll: "staff", action: "update", id: f.supervisor.Id, body: map[string]any{"active": false}, status: 403, check: fieldCode("active", "own_account")},
		{actor: sup, coll: "staff", action: "update", id: f.supervisor.Id, body: map[string]any{"role-": "supervisor"}, status: 403, check: fieldCode("role", "own_account")},
		{actor: sup, coll: "staff", action: "update", id: f.supervisor.Id, body: map[string]any{"email": "kepala.baru@teduh.test"}, status: 403, check: fieldCode("email", "admin_only")},
		{actor: sup, coll: "staff", action: "create", body: map[string]any{"email": "baru@teduh.test", "password": authzStaffPass, "passwordConfirm": authzStaffPass, "name": "Baru", "role": "officer", "active": true}, status: 403},
		{actor: sup, coll: "staff", action: "delete", id: A, status: 403},
		{actor: sup, coll: "office", action: "view", id: f.officeID, status: 200},
		{actor: sup, coll: "office", action: "update", id: f.officeID, body: map[string]any{"phone": "(0562) 639473"}, status: 200},
		{actor: sup, coll: "office", action: "update", id: f.officeID, body: map[string]any{"allowed_origins": []string{"https://lain.example"}}, status: 403, check: fieldCode("allowed_origins", "admin_only")},
		{actor: sup, coll: "office", action: "update", id: f.officeID, body: map[string]any{"mfa_supervisors": true}, status: 403, check: fieldCode("mfa_supervisors", "admin_only")},
		{actor: sup, coll: "office", action: "update", id: f.officeID, body: map[string]any{"phone": "0000"}, status: 400, check: fieldCode("phone", "invalid_phone")},
		{actor: sup, coll: "office", action: "delete", id: f.officeID, status: 403},
		{actor: sup, coll: "service_complaints", action: "list", status: 200, see: []string{f.feedbackID}},
		{actor: sup, coll: "service_complaints", action: "view", id: f.feedbackID, status: 200},
		// a supervisor records one that came in person: with its channel
		{actor: sup, coll: "service_complaints", action: "create", body: map[string]any{"kind": "praise", "message": "Bagus sekali"}, status: 400, check: func(t *testing.T, res *response) {
			if code := res.FieldCode("channel"); code != "invalid_channel" {
				t.Errorf("channel code %q", code)
			}
		}},
		// what the person wrote stays as written
		{actor: sup, coll: "service_complaints", action: "update", id: f.feedbackID, body: map[string]any{"message": "diubah"}, status: 403},
		{actor: sup, coll: "service_complaints", action: "delete", id: f.feedbackID, status: 403},
		{actor: sup, coll: "referral_institutions", action: "create", body: map[string]any{"name": "Klinik Kepala", "type": "health", "active": true}, status: 200},
		{actor: sup, coll: "referral_institutions", action: "update", id: f.institutionID, body: map[string]any{"address": "Jalan Alianyang No. 1", "phone": "(0562) 631001"}, status: 200},
		{actor: sup, coll: "referral_institutions", action: "update", id: f.institutionID, body: map[string]any{"confirmed": true, "address": ""}, status: 400, check: fieldCode("address", "required")},
		{actor: sup, coll: "referral_institutions", action: "delete", id: f.institutionID, status: 403},
		{actor: sup, coll: "audit_log", action: "list", status: 200, see: []string{f.auditID}},
		{actor: sup, coll: "audit_log", action: "view", id: f.auditID, status: 200},
		{actor: sup, coll: "audit_log", action: "create", body: map[string]any{"action": "view"}, status: 403},
		{actor: sup, coll: "audit_log", action: "update", id: f.auditID, body: map[string]any{"action": "x"}, status: 403},
		{actor: sup, coll: "audit_log", action: "delete", id: f.auditID, status: 403},
	}...)
	// after the supervisor's reassignment, Z is officer B's and officer A loses it
	rows = append(rows,
		authzRow{actor: actorA, coll: "complaints", action: "view", id: Z, status: 404},
		authzRow{actor: actorB, coll: "complaints", action: "view", id: Z, status: 200},
	)

	su := actorSuperuser
	rows = append(rows, []authzRow{
		{actor: su, coll: "complaints", action: "list", status: 200, see: allCases},
		{actor: su, coll: "complaints", action: "view", id: X, status: 200},
		{actor: su, coll: "complaints", action: "create", body: authzWalkIn(), status: 200},
		{actor: su, coll: "complaints", action: "delete", id: X, status: 403},
		{actor: su, coll: "complaints", action: "delete", id: U, status: 403},
		{actor: su, coll: "complaints", action: "update", id: X, body: map[string]any{"status": "closed"}, status: 400, check: func(t *testing.T, res *response) {
			if code := res.FieldCode("status"); code != "system_field" {
				t.Errorf("status code %q", code)
			}
		}},
		{actor: su, coll: "case_steps", action: "list", status: 200, see: allSteps},
		{actor: su, coll: "case_steps", action: "update", id: stepX, body: map[string]any{"notes": "diubah"}, status: 403},
		{actor: su, coll: "case_steps", action: "delete", id: stepX, status: 403},
		{actor: su, coll: "case_steps", action: "delete", id: f.stepsX[0], status: 403},
		{actor: su, coll: "staff", action: "list", status: 200, see: []string{A, B, f.supervisor.Id, f.inactive.Id}},
		{actor: su, coll: "office", action: "list", status: 200, see: []string{f.officeID}},
		{actor: su, coll: "office", action: "update", id: f.officeID, body: map[string]any{"phone": "0562-639472"}, status: 200},
		{actor: su, coll: "office", action: "delete", id: f.officeID, status: 403},
		{actor: su, coll: "service_complaints", action: "list", status: 200, see: []string{f.feedbackID}},
		{actor: su, coll: "audit_log", action: "list", status: 200, see: []string{f.auditID}},
		{actor: su, coll: "audit_log", action: "view", id: f.auditID, status: 200},
		{actor: su, coll: "audit_log", action: "create", body: map[string]any{"action": "view", "record_id": X}, status: 403},
		{actor: su, coll: "audit_log", action: "update", id: f.auditID, body: map[string]any{"action": "x"}, status: 403},
		{actor: su, coll: "audit_log", action: "delete", id: f.auditID, status: 403},
	}...)

	for _, row := range rows {
		t.Run(row.name(), func(t *testing.T) {
			before, err := h.App.CountRecords(row.coll)
			if err != nil {
				t.Fatal(err)
			}
			base := "/api/collections/" + row.coll + "/records"
			var res *response
			switch row.action {
			case "list":
				res = h.Do("GET", base+"?perPage=500", nil, f.tokens[row.actor])
			case "view":
				res = h.Do("GET", base+"/"+row.id, nil, f.tokens[row.actor])
			case "create":
				res = h.Do("POST", base, row.body, f.tokens[row.actor])
			case "update":
				res = h.Do("PATCH", base+"/"+row.id, row.body, f.tokens[row.actor])
			case "delete":
				res = h.Do("DELETE", base+"/"+row.id, nil, f.tokens[row.actor])
			default:
				t.Fatalf("unknown action %q", row.action)
			}
			if res.Status != row.status {
				t.Fatalf("status %d, want %d: %s", res.Status, row.status, res)
			}
			if res.Status >= 400 {
				// a refusal carries no record data
				for _, key := range []string{"items", "id", "collectionName"} {
					if _, ok := res.JSON[key]; ok {
						t.Errorf("refusal carries %q: %s", key, res)
					}
				}
			}
			if row.action == "list" {
				ids := authzItemIDs(res)
				if row.empty && len(ids) > 0 {
					t.Errorf("%d records returned, want none: %v", len(ids), ids)
				}
				for _, id := range row.see {
					if !slices.Contains(ids, id) {
						t.Errorf("record %s missing from the list %v", id, ids)
					}
				}
				for _, id := range row.notSee {
					if slices.Contains(ids, id) {
						t.Errorf("record %s must not be listed", id)
					}
				}
			}
			if row.action == "view" && res.Status == 200 && res.JSON["id"] != row.id {
				t.Errorf("viewed id %v, want %s", res.JSON["id"], row.id)
			}
			after, err := h.App.CountRecords(row.coll)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case row.action == "create" && res.Status == 200 && after != before+1:
				t.Errorf("create answered 200 but %s has %d records (was %d)", row.coll, after, before)
			case row.action == "create" && res.Status != 200 && after != before:
				t.Errorf("refused create still stored a record in %s", row.coll)
			case row.action == "delete" && after != before:
				t.Errorf("refused delete removed a record from %s", row.coll)
			}
			if row.action == "delete" {
				if _, err := h.App.FindRecordById(row.coll, row.id); err != nil {
					t.Errorf("record %s is gone after a refused delete: %v", row.id, err)
				}
			}
			if row.check != nil {
				row.check(t, res)
			}
		})
	}

	// what the refused writes did not change
	x := h.reload(f.caseX)
	if x.GetString("assigned_to") != A {
		t.Errorf("X assigned_to = %q after officer A's refused reassignment, want officer A", x.GetString("assigned_to"))
	}
	if x.GetString("status") == "closed" {
		t.Error("the superuser closed X through a PATCH")
	}
	if got := h.reload(f.caseZ).GetString("assigned_to"); got != B {
		t.Errorf("Z assigned_to = %q after the supervisor's reassignment, want officer B", got)
	}
	if got := h.reload(f.caseU).GetString("assigned_to"); got != "" {
		t.Errorf("U assigned_to = %q, want unassigned", got)
	}
	if got := h.reload(f.caseY).GetString("victim_address"); got != "Alamat dari kepala" {
		t.Errorf("Y victim_address = %q", got)
	}
	for id, want := range map[string]string{A: "officer", B: "officer"} {
		rec, err := h.App.FindRecordById("staff", id)
		if err != nil {
			t.Fatal(err)
		}
		if rec.GetString("role") != want || !rec.GetBool("active") {
			t.Errorf("staff %s: role %q active %v", rec.GetString("name"), rec.GetString("role"), rec.GetBool("active"))
		}
		if rec.GetString("name") != "Nama Saya Baru" {
			t.Errorf("staff %s: own name change not stored", id)
		}
	}
	if rec, _ := h.App.FindRecordById("staff", f.inactive.Id); rec == nil || rec.GetBool("active") || rec.GetString("name") != "Mantan Petugas" {
		t.Errorf("inactive account changed: %v", rec)
	}
	if rec, _ := h.App.FindRecordById("office", f.officeID); rec == nil || rec.GetString("phone") != "0562-639472" {
		t.Errorf("office phone: only the superuser's change may be stored: %v", rec)
	}
	for _, id := range allSteps {
		if rec, err := h.App.FindRecordById("case_steps", id); err != nil || rec.GetString("notes") == "diubah" {
			t.Errorf("step %s changed or gone: %v", id, err)
		}
	}
	if rec, err := h.App.FindRecordById("audit_log", f.auditID); err != nil || rec.GetString("action") != "create" {
		t.Errorf("audit entry changed or gone: %v", err)
	}
	if rec, err := h.App.FindRecordById("service_complaints", f.feedbackID); err != nil || rec.GetString("message") != "Ruang tunggu perlu kipas angin." {
		t.Errorf("service complaint changed or gone: %v", err)
	}
}

// The collections that hold the cases and their trail cannot be dropped, not
// even by the superuser.
func TestAuthorizationProtectedCollections(t *testing.T) {
	f := newAuthzFixture(t)
	h := f.h
	for _, name := range []string{"audit_log", "complaints", "case_steps", "staff", "office", "service_complaints", "case_clocks", "holidays"} {
		res := h.Do("DELETE", "/api/collections/"+name, nil, f.tokens[actorSuperuser])
		if res.Status != 403 {
			t.Errorf("DELETE /api/collections/%s: %d %s, want 403", name, res.Status, res)
		}
		if _, err := h.App.FindCollectionByNameOrId(name); err != nil {
			t.Errorf("collection %s gone: %v", name, err)
		}
	}
	// staff cannot touch collections at all
	for _, actor := range []string{actorAnon, actorA, actorSupervisor} {
		res := h.Do("DELETE", "/api/collections/audit_log", nil, f.tokens[actor])
		if res.Status != 401 && res.Status != 403 {
			t.Errorf("%s DELETE /api/collections/audit_log: %d", actor, res.Status)
		}
	}
	// opening the audit log's rules for writes is refused too
	res := h.Do("PATCH", "/api/collections/audit_log", map[string]any{"deleteRule": ""}, f.tokens[actorSuperuser])
	if res.Status != 403 {
		t.Errorf("PATCH audit_log deleteRule: %d %s, want 403", res.Status, res)
	}
	if c, _ := h.App.FindCollectionByNameOrId("audit_log"); c == nil || c.DeleteRule != nil {
		t.Errorf("audit_log delete rule opened: %v", c)
	}
}

// Deactivated staff cannot sign in or refresh a token they already hold.
func TestAuthorizationInactiveStaffSignIn(t *testing.T) {
	f := newAuthzFixture(t)
	h := f.h
	res := h.Do("POST", "/api/collections/staff/auth-with-password",
		map[string]any{"identity": f.inactive.Email(), "password": authzStaffPass}, "")
	if res.Status != 403 {
		t.Fatalf("inactive sign-in: %d %s, want 403", res.Status, res)
	}
	if msg, _ := res.JSON["message"].(string); !strings.Contains(msg, "tidak aktif") {
		t.Errorf("inactive sign-in message %q is not the Bahasa Indonesia one", msg)
	}
	if _, ok := res.JSON["token"]; ok {
		t.Errorf("inactive sign-in returned a token: %s", res)
	}
	res = h.Do("POST", "/api/collections/staff/auth-refresh", nil, f.tokens[actorInactive])
	if res.Status != 403 {
		t.Errorf("inactive token refresh: %d %s, want 403", res.Status, res)
	}
	if _, ok := res.JSON["token"]; ok {
		t.Errorf("inactive token refresh returned a token: %s", res)
	}
	// the same password works for an active account: the refusal is about the status
	res = h.Do("POST", "/api/collections/staff/auth-with-password",
		map[string]any{"identity": f.officerA.Email(), "password": authzStaffPass}, "")
	if res.Status != 200 || res.JSON["token"] == nil {
		t.Errorf("active sign-in: %d %s", res.Status, res)
	}
}

// The staff routes outside the collections follow the same rules.
func TestAuthorizationStaffRoutes(t *testing.T) {
	f := newAuthzFixture(t)
	h := f.h
	for _, tc := range []struct {
		actor  string
		status int
	}{
		{actorAnon, 401},
		{actorInactive, 403},
		{actorA, 200},
		{actorB, 200},
		{actorSupervisor, 200},
		{actorSuperuser, 200},
	} {
		form := h.Do("GET", "/api/forms/complaint", nil, f.tokens[tc.actor])
		if form.Status != tc.status {
			t.Errorf("%s GET /api/forms/complaint: %d, want %d", tc.actor, form.Status, tc.status)
		}
		res := h.Do("GET", "/api/workflows/complaint", nil, f.tokens[tc.actor])
		if res.Status != tc.status {
			t.Errorf("%s GET /api/workflows/complaint: %d, want %d: %s", tc.actor, res.Status, tc.status, res)
			continue
		}
		if tc.status != 200 {
			if _, ok := res.JSON["steps"]; ok {
				t.Errorf("%s: refusal carries the workflow", tc.actor)
			}
			continue
		}
		steps, _ := res.JSON["steps"].([]any)
		if len(steps) != 9 {
			t.Errorf("%s: %d steps, want 9", tc.actor, len(steps))
		}
	}
	// the file token endpoint needs an auth too
	if res := h.Do("POST", "/api/files/token", nil, ""); res.Status != 401 {
		t.Errorf("anonymous file token: %d", res.Status)
	}
}

// Nothing a member of the public can reach returns another person's data.
func TestAuthorizationPublicStatusRevealsNothing(t *testing.T) {
	f := newAuthzFixture(t)
	h := f.h
	code := f.caseX.GetString("tracking_code")
	res := h.Do("GET", "/api/public/complaints/"+code, nil, "")
	if res.Status != 200 {
		t.Fatalf("status check: %d %s", res.Status, res)
	}
	body := string(res.Body)
	secrets := []string{
		authzReporterName, authzReporterTel, "081234567890", "6281234567890", authzVictimName,
		authzVictimNIK, authzVictimAddr, authzChronology, "dipukul", "Singkawang Barat",
		f.officerA.Id, f.officerA.GetString("name"), f.caseX.Id, "2010-03-14",
	}
	for _, s := range secrets {
		if strings.Contains(body, s) {
			t.Errorf("public status answer contains %q: %s", s, body)
		}
	}
	allowed := []string{"number", "status", "status_label", "step", "step_name", "updated"}
	for k := range res.JSON {
		if !slices.Contains(allowed, k) {
			t.Errorf("public status answer has field %q", k)
		}
	}
	if res.JSON["number"] != f.caseX.GetString("number") || res.JSON["step"] != float64(2) {
		t.Errorf("status answer %s", body)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	// the same in another spelling still works, an unknown code does not
	if res := h.Do("GET", "/api/public/complaints/"+strings.ToLower(strings.ReplaceAll(code, "-", "")), nil, ""); res.Status != 200 {
		t.Errorf("normalised code: %d", res.Status)
	}
	unknown := "3333-4444-6666"
	if unknown == code {
		unknown = "3333-4444-7777"
	}
	res = h.Do("GET", "/api/public/complaints/"+unknown, nil, "")
	if res.Status != http.StatusNotFound {
		t.Errorf("unknown tracking code: %d %s, want 404", res.Status, res)
	}
	if strings.Contains(string(res.Body), "SKW-") {
		t.Errorf("unknown code answer names a case: %s", res)
	}
	// the office profile is public and carries no case data
	res = h.Do("GET", "/api/public/office", nil, "")
	if res.Status != 200 {
		t.Fatalf("public office: %d", res.Status)
	}
	for _, s := range secrets {
		if strings.Contains(string(res.Body), s) && s != "Singkawang Barat" {
			t.Errorf("public office answer contains %q", s)
		}
	}
}
