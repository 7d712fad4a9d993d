package pb_hooks_test

// The need-to-know battery run from outside: the real server in its own
// process, reached over loopback HTTP as an attacker with an officer's
// account (and then the superuser's) would reach it. Officer B tries every
// way we know of, and every generated one, to read officer A's case. At the
// end, with the server stopped, the database is read directly: B's trail
// names nothing of A's case, every personal record B was answered with is
// in B's trail, A's case is unchanged, and the audit chain verifies.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teduh/internal/access"
	"teduh/pb_hooks"
)

type outside struct {
	t      *testing.T
	base   string
	client *http.Client
}

type outsideAnswer struct {
	status int
	header http.Header
	body   string
	json   map[string]any
}

func (o *outside) do(method, path, token string, body any) outsideAnswer {
	o.t.Helper()
	var r io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case *bytes.Buffer:
		r = b
	case string:
		r, ct = strings.NewReader(b), "application/json"
	default:
		data, _ := json.Marshal(b)
		r, ct = bytes.NewReader(data), "application/json"
	}
	req, err := http.NewRequest(method, o.base+path, r)
	if err != nil {
		o.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := o.client.Do(req)
	if err != nil {
		o.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	a := outsideAnswer{status: res.StatusCode, header: res.Header, body: string(data)}
	_ = json.Unmarshal(data, &a.json)
	return a
}

func (o *outside) signIn(email string) string {
	o.t.Helper()
	a := o.do("POST", "/api/collections/staff/auth-with-password", "", map[string]any{"identity": email, "password": authzStaffPass})
	if a.status != 200 {
		o.t.Fatalf("sign in %s: %d %s", email, a.status, a.body)
	}
	return a.json["token"].(string)
}

func TestHostileNeedToKnowBatteryFromOutside(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real server")
	}
	dir := t.TempDir()
	app := openDataDir(t, dir)
	for _, s := range [][3]string{{"petugas.a@teduh.test", "Petugas Ayu", "officer"}, {"petugas.b@teduh.test", "Petugas Budi", "officer"}, {"kepala@teduh.test", "Kepala", "supervisor"}} {
		if _, err := pb_hooks.AddStaff(app, s[0], s[1], s[2], "", authzStaffPass); err != nil {
			t.Fatal(err)
		}
	}
	su := core.NewRecord(mustCollection(t, app, core.CollectionNameSuperusers))
	su.SetEmail("admin@teduh.test")
	su.SetPassword(authzStaffPass)
	if err := app.Save(su); err != nil {
		t.Fatal(err)
	}
	policy := access.Teduh()
	// the generated probes need the schema only; they are built now
	var generated []genProbe
	for _, start := range []string{"staff", "notifications", "referral_institutions", "case_steps", "complaints", "referrals", "office"} {
		generated = append(generated, probes(app, policy, access.Officer, start, nil)...)
	}
	_ = app.ResetBootstrapState()

	addr := freeAddr(t)
	cmd := startServer(t, dir, addr)
	stopped := false
	stop := func() {
		if !stopped {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_, _ = cmd.Process.Wait()
			stopped = true
		}
	}
	defer stop()
	o := &outside{t: t, base: "http://" + addr, client: &http.Client{Timeout: 20 * time.Second}}
	tokA, tokB := o.signIn("petugas.a@teduh.test"), o.signIn("petugas.b@teduh.test")
	suTok := o.do("POST", "/api/collections/_superusers/auth-with-password", "", map[string]any{"identity": "admin@teduh.test", "password": authzStaffPass}).json["token"].(string)

	// officer A's case X, with a step, a referral and an identity document
	x := o.do("POST", "/api/public/complaints", "", authzCaseX())
	if x.status != 200 {
		t.Fatalf("submit: %d %s", x.status, x.body)
	}
	list := o.do("GET", "/api/queue?q="+url.QueryEscape(x.json["number"].(string)), tokA, nil)
	items, _ := list.json["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("queue: %s", list.body)
	}
	X := items[0].(map[string]any)["id"].(string)
	if a := o.do("POST", "/api/collections/case_steps/records", tokA, map[string]any{"complaint": X, "step": 2, "outcome": "done", "notes": "Korban Ani Lestari ditenangkan di ruang konseling."}); a.status != 200 {
		t.Fatalf("step: %d %s", a.status, a.body)
	}
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	fw, _ := mw.CreateFormFile("identity_document", "ktp.png")
	_, _ = fw.Write([]byte(pngBytes(t)))
	_ = mw.Close()
	req, _ := http.NewRequest("PATCH", o.base+"/api/collections/complaints/records/"+X, &mp)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", tokA)
	if res, err := o.client.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("upload: %v %v", err, res)
	}
	insts := o.do("GET", "/api/collections/referral_institutions/records?filter="+url.QueryEscape("type = 'health'"), tokA, nil)
	inst := insts.json["items"].([]any)[0].(map[string]any)["id"].(string)
	ref := o.do("POST", "/api/collections/referrals/records", tokA, map[string]any{"complaint": X, "institution": inst, "services": "Visum untuk Ani Lestari"})
	if ref.status != 200 {
		t.Fatalf("referral: %d %s", ref.status, ref.body)
	}
	R := ref.json["id"].(string)
	xRec := o.do("GET", "/api/collections/complaints/records/"+X, tokA, nil)
	docName := xRec.json["identity_document"].(string)
	xCollectionID := xRec.json["collectionId"].(string)
	// officer B's own case, so that B's answers are not all empty
	o.do("POST", "/api/public/complaints", "", with(validComplaint(), "victim_name", "Bunga Citra"))

	secrets := []string{authzVictimName, authzVictimNIK, authzChronology, authzVictimAddr, authzReporterName, "Ani Lestari ditenangkan", "Visum untuk", docName}
	// every personal record B is answered with must be in B's trail
	answered := map[string]bool{}
	leaks := func(what string, a outsideAnswer) {
		t.Helper()
		for _, c := range []string{"complaints", "case_steps", "referrals", "notifications"} {
			if a.status == 200 && strings.Contains(what, "/api/collections/"+c+"/records") {
				if id, ok := a.json["id"].(string); ok {
					answered[id] = true
				}
				items, _ := a.json["items"].([]any)
				for _, it := range items {
					if m, ok := it.(map[string]any); ok && m["id"] != nil {
						answered[m["id"].(string)] = true
					}
				}
			}
		}
		if a.status >= 500 {
			t.Errorf("%s: %d %s", what, a.status, a.body)
		}
		for _, s := range append(secrets, X, R) {
			if strings.Contains(a.body, s) {
				t.Errorf("%s answered %d with %q: %.300s", what, a.status, s, a.body)
			}
		}
	}

	// the generated paths (every seventh: the in-process battery sends them
	// all), over the network
	for i, p := range generated {
		if i%7 != 0 {
			continue
		}
		a := o.do("GET", p.path, tokB, nil)
		if p.refuse && a.status != 400 {
			t.Errorf("generated %d %s: %d %.200s", i, p.path, a.status, a.body)
		}
		leaks(p.path, a)
	}

	// and every trick we know of
	token := o.do("POST", "/api/files/token", tokB, nil).json["token"]
	tricks := []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/collections/complaints/records/" + X, nil},
		{"HEAD", "/api/collections/complaints/records/" + X, nil},
		{"GET", "/api/collections/" + xCollectionID + "/records/" + X, nil},
		{"GET", "/api/collections/COMPLAINTS/records/" + X, nil},
		{"GET", "/api/collections/complaints/records/" + X + "/", nil},
		{"GET", "/api/collections/complaints/records?filter=" + url.QueryEscape("id = '"+X+"'"), nil},
		{"GET", "/api/collections/complaints/records?filter=" + url.QueryEscape("status != ''") + "&filter=" + url.QueryEscape("case_steps_via_complaint.notes ~ 'Ani'"), nil},
		{"GET", "/api/collections/complaints/records?fields=" + url.QueryEscape("*,expand.case_steps_via_complaint.notes"), nil},
		{"GET", "/api/collections/case_steps/records?filter=" + url.QueryEscape("complaint = '"+X+"'"), nil},
		{"GET", "/api/collections/referrals/records/" + R, nil},
		{"GET", "/api/collections/referrals/records?expand=complaint", nil},
		{"GET", "/api/collections/notifications/records?expand=complaint", nil},
		{"GET", "/api/collections/notifications/records?filter=" + url.QueryEscape("complaint.victim_name ~ 'Ani'"), nil},
		{"GET", "/api/collections/staff/records?expand=" + url.QueryEscape("complaints_via_assigned_to,case_steps_via_actor"), nil},
		{"GET", "/api/collections/audit_log/records", nil},
		{"GET", "/api/collections/service_complaints/records", nil},
		{"GET", "/api/collections/case_clocks/records?filter=" + url.QueryEscape("complaint = '"+X+"'"), nil},
		{"GET", "/api/services/complaint/cases/" + X, nil},
		{"GET", "/api/services/service_complaint/queue", nil},
		{"POST", "/api/services/complaint/cases/" + X + "/steps", map[string]any{"step": 3, "outcome": "incomplete", "notes": "x", "data": map[string]any{"requirements_complete": false}}},
		{"POST", "/api/services/complaint/cases/" + X + "/clocks/tpks_police_report/met", map[string]any{"notes": "x"}},
		{"GET", "/api/collections/_superusers/records", nil},
		{"GET", "/api/collections/_mfas/records", nil},
		{"GET", "/api/collections/_authOrigins/records", nil},
		{"GET", "/api/collections", nil},
		{"GET", "/api/logs", nil},
		{"GET", "/api/settings", nil},
		{"GET", "/api/backups", nil},
		{"PATCH", "/api/collections/complaints/records/" + X, map[string]any{"assigned_to": ""}},
		{"PATCH", "/api/collections/referrals/records/" + R, map[string]any{"status": "revoked", "closing_note": "x"}},
		{"DELETE", "/api/collections/complaints/records/" + X, nil},
		{"POST", "/api/collections/case_steps/records", map[string]any{"complaint": X, "step": 3, "outcome": "incomplete", "notes": "x", "data": map[string]any{"requirements_complete": false}}},
		{"POST", "/api/collections/referrals/records", map[string]any{"complaint": X, "institution": inst, "services": "x"}},
		{"POST", "/api/batch", map[string]any{"requests": []map[string]any{{"method": "PATCH", "url": "/api/collections/complaints/records/" + X, "body": map[string]any{"assigned_to": ""}}}}},
		{"POST", "/api/sql", map[string]any{"query": "SELECT * FROM complaints"}},
		{"POST", "/api/collections/staff/impersonate/" + X, nil},
		{"GET", "/api/complaints/" + X + "/report.pdf", nil},
		{"GET", "/api/complaints/" + X + "/referral-recommendations", nil},
		{"GET", "/api/referrals/" + R + "/letter.pdf", nil},
		{"GET", "/api/files/complaints/" + X + "/" + docName + "?token=" + fmt.Sprint(token), nil},
		{"GET", "/api/files/complaints/" + X + "/" + docName + "?thumb=100x100&token=" + fmt.Sprint(token), nil},
		{"GET", "/api/files/complaints/" + X + "/" + docName, nil},
		{"GET", "/api/queue?q=" + url.QueryEscape(authzVictimName), nil},
		{"GET", "/api/queue?q=" + url.QueryEscape(x.json["number"].(string)), nil},
		{"GET", "/api/queue?assignee=" + X, nil},
		{"GET", "/api/queue?status=all&perPage=100", nil},
		{"GET", "/api/staff-load", nil},
		{"GET", "/api/audit/verify", nil},
		{"POST", "/api/collections/staff/auth-refresh?expand=complaints_via_assigned_to", nil},
		{"GET", "/api/public/complaints/" + X, nil},
	}
	for _, tr := range tricks {
		a := o.do(tr.method, tr.path, tokB, tr.body)
		what := tr.method + " " + tr.path
		if tr.method != "GET" && tr.method != "HEAD" && a.status < 300 {
			t.Errorf("%s was accepted: %d %s", what, a.status, a.body)
		}
		leaks(what, a)
	}
	// the live channel, with the collection's id instead of its name
	live := connectLive(t, o.base)
	for _, topic := range []string{
		xCollectionID + "/" + X + options(map[string]any{"expand": "case_steps_via_complaint"}),
		"staff/*" + options(map[string]any{"expand": "complaints_via_assigned_to"}),
	} {
		if status, body := live.subscribe(tokB, topic); status != 400 {
			t.Errorf("subscription %s: %d %s", topic, status, body)
		}
	}
	if status, body := live.subscribe(tokB, xCollectionID+"/"+X, "complaints/*", "case_steps/*", "referrals/*"); status != 204 {
		t.Fatalf("subscribe: %d %s", status, body)
	}
	o.do("PATCH", "/api/collections/complaints/records/"+X, tokA, map[string]any{"victim_address": "Alamat aman yang baru"})
	marker := o.do("POST", "/api/public/complaints", "", validComplaint())
	live.waitFor("the next unassigned case", func(ev []liveEvent) bool {
		for _, e := range ev {
			if strings.Contains(e.Data, marker.json["number"].(string)) {
				return true
			}
		}
		return false
	})
	for _, e := range live.received() {
		if strings.Contains(e.Data, X) || strings.Contains(e.Data, R) {
			t.Errorf("live event about A's case reached B: %s %s", e.Name, e.Data)
		}
	}

	// the superuser over the web: no raw SQL, no schema change, no import
	for _, tr := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/sql", map[string]any{"query": "UPDATE case_steps SET notes = 'x'"}},
		{"PATCH", "/api/collections/audit_log", map[string]any{"indexes": []string{}}},
		{"PATCH", "/api/collections/complaints", map[string]any{"viewRule": ""}},
		{"PUT", "/api/collections/import", map[string]any{"collections": []any{map[string]any{"name": "x1", "type": "base"}}, "deleteMissing": true}},
		{"DELETE", "/api/collections/case_steps/truncate", nil},
		{"POST", "/api/collections/meta/dry-run-view", map[string]any{"query": "SELECT * FROM audit_log"}},
	} {
		if a := o.do(tr.method, tr.path, suTok, tr.body); a.status != 403 {
			t.Errorf("superuser %s %s: %d %s", tr.method, tr.path, a.status, a.body)
		}
	}
	stop()

	// the database, read directly
	db := openDataDir(t, dir)
	defer db.ResetBootstrapState()
	var entries []struct {
		Action string `db:"action"`
		Record string `db:"record_id"`
		Detail string `db:"detail"`
	}
	bID := ""
	if rec, err := db.FindAuthRecordByEmail("staff", "petugas.b@teduh.test"); err == nil {
		bID = rec.Id
	}
	if err := db.DB().NewQuery("SELECT action, record_id, COALESCE(detail,'') AS detail FROM audit_log WHERE actor_id = {:b} ORDER BY seq").
		Bind(dbx.Params{"b": bID}).All(&entries); err != nil {
		t.Fatal(err)
	}
	trail := ""
	for _, e := range entries {
		if e.Record == X || e.Record == R || strings.Contains(e.Detail, X) || strings.Contains(e.Detail, R) {
			t.Errorf("officer B's trail names A's case: %s %s %s", e.Action, e.Record, e.Detail)
		}
		trail += e.Record + " " + e.Detail + "\n"
	}
	if len(entries) == 0 || len(answered) == 0 {
		t.Fatalf("officer B's reads: %d answered records, %d trail entries", len(answered), len(entries))
	}
	for id := range answered {
		if !strings.Contains(trail, id) {
			t.Errorf("record %s reached officer B without an audit entry", id)
		}
	}
	xAfter, err := db.FindRecordById("complaints", X)
	if err != nil || xAfter.GetString("assigned_to") == "" || xAfter.GetString("victim_name") != authzVictimName {
		t.Fatalf("A's case changed: %v %v", err, xAfter)
	}
	if n, _ := db.CountRecords("case_steps", dbx.HashExp{"complaint": X}); n != 2 {
		t.Errorf("A's case has %d steps", n)
	}
	report, err := pb_hooks.VerifyAudit(db)
	if err != nil || !report.OK {
		t.Fatalf("audit chain: %v %+v", err, report.Problem)
	}
	t.Logf("%d generated and %d hand-made requests as officer B; %d personal records answered, all in B's trail of %d entries; chain of %d entries verifies",
		len(generated)/7, len(tricks), len(answered), len(entries), report.Entries)
}

func mustCollection(t *testing.T, app core.App, name string) *core.Collection {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
