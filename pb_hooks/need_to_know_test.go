package pb_hooks_test

// One test for each finding of the attack on need-to-know (issue 10),
// reproduced as it was found, and what the gate answers now.

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/archive"
	"github.com/pocketbase/pocketbase/tools/logger"

	"teduh/internal/auditchain"
	"teduh/pb_hooks"
)

// 1. Filter oracles through relations: refused with a field-keyed 400 before
// any data is read, for staff and for the superuser alike.
func TestFindingFilterOracleThroughRelations(t *testing.T) {
	f := newAuthzFixture(t)
	h := f.h
	B := f.officerB.Id
	for _, tc := range []struct{ actor, path string }{
		{actorB, "/api/collections/staff/records?fields=id&filter=" + url.QueryEscape("id='"+B+"' && notifications_via_recipient.complaint.victim_name !~ 'Siti%'")},
		{actorB, "/api/collections/referral_institutions/records?filter=" + url.QueryEscape("referrals_via_institution.complaint.victim_name ~ 'A'")},
		{actorB, "/api/collections/case_steps/records?filter=" + url.QueryEscape("actor.case_steps_via_actor.notes ~ 'tenang'")},
		{actorB, "/api/collections/complaints/records?filter=" + url.QueryEscape("case_steps_via_complaint.notes ~ 'tenang'")},
		{actorB, "/api/collections/complaints/records?filter=" + url.QueryEscape("intake_actor.complaints_via_intake_actor.victim_nik ~ '6172'")},
		{actorB, "/api/collections/complaints/records?sort=" + url.QueryEscape("-case_steps_via_complaint.notes")},
		{actorSuperuser, "/api/collections/staff/records?filter=" + url.QueryEscape("complaints_via_assigned_to.victim_name ~ 'Ani'")},
	} {
		before := len(auditEntries(t, h, "id != ''", nil))
		res := h.Do("GET", tc.path, nil, f.tokens[tc.actor])
		if res.Status != 400 || (res.FieldCode("filter") == "" && res.FieldCode("sort") == "") {
			t.Errorf("%s %s: %d %s", tc.actor, tc.path, res.Status, res)
		}
		if _, ok := res.JSON["totalItems"]; ok {
			t.Errorf("a refusal carries a count: %s", res)
		}
		if !strings.Contains(res.String(), "tidak dapat dipakai") && !strings.Contains(res.String(), "data pribadi") {
			t.Errorf("refusal does not say why in Bahasa Indonesia: %s", res)
		}
		if after := len(auditEntries(t, h, "id != ''", nil)); after != before {
			t.Errorf("a refused query wrote %d audit entries (nothing was read)", after-before)
		}
	}
}

// 2. Expanding relations and back-relations: refused for staff; for the
// superuser what is expanded is audited like a direct read.
func TestFindingExpandIsRefusedOrAudited(t *testing.T) {
	f := newAuthzFixture(t)
	h := f.h
	inst, _ := h.App.FindFirstRecordByFilter("referral_institutions", "type = 'health'")
	for _, tc := range []struct{ actor, path string }{
		{actorA, "/api/collections/notifications/records?expand=complaint"},
		{actorSupervisor, "/api/collections/staff/records?expand=complaints_via_assigned_to"},
		{actorSupervisor, "/api/collections/referral_institutions/records/" + inst.Id + "?expand=referrals_via_institution.complaint"},
		{actorA, "/api/collections/case_steps/records?expand=complaint"},
		{actorA, "/api/collections/complaints/records/" + f.caseX.Id + "?expand=assigned_to,case_steps_via_complaint"},
	} {
		res := h.Do("GET", tc.path, nil, f.tokens[tc.actor])
		if res.Status != 400 || res.FieldCode("expand") != "expand_not_allowed" {
			t.Errorf("%s %s: %d %s", tc.actor, tc.path, res.Status, res)
		}
		expectNoneOf(t, tc.path, res.String(), authzVictimName, authzVictimNIK, authzChronology)
	}
	// signing in cannot expand either
	res := h.Do("POST", "/api/collections/staff/auth-with-password?expand=complaints_via_assigned_to",
		map[string]any{"identity": "petugas.a@teduh.test", "password": authzStaffPass}, "")
	if res.Status != 400 || res.FieldCode("expand") == "" {
		t.Errorf("sign-in with expand: %d %s", res.Status, res)
	}
	// the superuser's admin panel expands relations: every case it reaches is audited
	res = h.Do("GET", "/api/collections/notifications/records?perPage=200&expand=complaint", nil, f.tokens[actorSuperuser])
	if res.Status != 200 || !strings.Contains(res.String(), authzVictimName) {
		t.Fatalf("superuser expand: %d %s", res.Status, res)
	}
	entries := auditEntries(t, h, "action = 'list' && collection_name = 'notifications'", nil)
	if len(entries) == 0 {
		t.Fatal("the superuser's list with expanded cases left no audit entry")
	}
	var detail struct {
		Records map[string][]string `json:"records"`
	}
	_ = json.Unmarshal([]byte(entries[len(entries)-1].GetString("detail")), &detail)
	for _, id := range []string{f.caseX.Id, f.caseY.Id} {
		if !slicesContains(detail.Records["complaints"], id) {
			t.Errorf("expanded case %s not named in the audit entry: %v", id, detail.Records)
		}
	}
}

// 3. Realtime: subscriptions that expand or traverse are refused, for
// staff and institutions alike (the generated test tries every path).
func TestFindingRealtimeExpandRefused(t *testing.T) {
	f := newAuthzFixture(t)
	srv := f.h.liveServer()
	live := connectLive(t, srv.URL)
	for _, topic := range []string{
		"staff/*" + options(map[string]any{"expand": "complaints_via_assigned_to"}),
		"referral_institutions/*" + options(map[string]any{"expand": "referrals_via_institution.complaint"}),
		"staff/" + f.supervisor.Id,
		"complaints/*" + options(map[string]any{"filter": "case_steps_via_complaint.notes ~ 'a'"}),
	} {
		if status, body := live.subscribe(f.tokens[actorSupervisor], topic); status != 400 || !strings.Contains(body, "subscriptions") {
			t.Errorf("%s: %d %s", topic, status, body)
		}
	}
}

// 4. A count without records ("is there a case about this person?") is a
// read of personal data and is audited.
func TestFindingCountOnlyReadIsAudited(t *testing.T) {
	f := newAuthzFixture(t)
	h := f.h
	path := "/api/collections/complaints/records?page=100&filter=" + urlQuery("victim_name = '"+authzVictimName+"'")
	res := h.Do("GET", path, nil, f.tokens[actorA])
	if res.Status != 200 || res.JSON["totalItems"] != float64(1) || len(authzItemIDs(res)) != 0 {
		t.Fatalf("count-only list: %d %s", res.Status, res)
	}
	entries := auditEntries(t, h, "action = 'count' && actor_id = {:a}", dbx.Params{"a": f.officerA.Id})
	if len(entries) != 1 || !strings.Contains(entries[0].GetString("detail"), authzVictimName) || entries[0].GetString("ip") == "" {
		t.Fatalf("count read audited as %v", entries)
	}
}

// 5. The superuser cannot erase or rewrite history over the web.
func TestFindingSuperuserCannotRewriteHistory(t *testing.T) {
	f := newAuthzFixture(t)
	h := f.h
	su := f.tokens[actorSuperuser]
	entriesBefore := len(auditEntries(t, h, "id != ''", nil))
	refused := []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/sql", map[string]any{"query": "DELETE FROM audit_log"}},
		{"POST", "/api/sql", map[string]any{"query": "SELECT victim_name FROM complaints"}},
		{"POST", "/api/collections/meta/dry-run-view", map[string]any{"query": "SELECT id, victim_name FROM complaints"}},
		{"POST", "/api/batch", map[string]any{"requests": []map[string]any{{"method": "DELETE", "url": "/api/collections/case_steps/records/" + f.stepsX[0]}}}},
		{"PATCH", "/api/collections/audit_log", map[string]any{"fields": []any{}}},
		{"PATCH", "/api/collections/complaints", map[string]any{"listRule": "", "viewRule": ""}},
		{"PATCH", "/api/collections/case_steps", map[string]any{"updateRule": ""}},
		{"PATCH", "/api/collections/staff", map[string]any{"updateRule": ""}},
		{"DELETE", "/api/collections/referrals", nil},
		{"DELETE", "/api/collections/audit_log/truncate", nil},
		{"DELETE", "/api/collections/complaints/truncate", nil},
		{"PUT", "/api/collections/import", map[string]any{"collections": []any{map[string]any{"name": "catatan", "type": "base", "fields": []any{}}}, "deleteMissing": true}},
		{"PUT", "/api/collections/import", map[string]any{"collections": []any{map[string]any{"name": "audit_log", "type": "base", "fields": []any{}}}}},
		{"POST", "/api/collections", map[string]any{"name": "semua_kasus", "type": "view", "viewQuery": "SELECT id, victim_name FROM complaints"}},
	}
	for _, r := range refused {
		res := h.Do(r.method, r.path, r.body, su)
		if res.Status != 403 {
			t.Errorf("%s %s: %d %s", r.method, r.path, res.Status, res)
		}
	}
	c, _ := h.App.FindCollectionByNameOrId("complaints")
	if c.ListRule == nil || *c.ListRule == "" {
		t.Fatal("the complaints list rule was opened")
	}
	if n, _ := h.App.CountRecords("case_steps"); n == 0 {
		t.Fatal("steps gone")
	}
	if after := len(auditEntries(t, h, "id != ''", nil)); after < entriesBefore {
		t.Fatalf("audit entries went from %d to %d", entriesBefore, after)
	}
	// what stays the administrator's is recorded
	if res := h.Do("PATCH", "/api/settings", map[string]any{"meta": map[string]any{"appName": "Teduh Singkawang"}}, su); res.Status != 200 {
		t.Fatalf("settings: %d %s", res.Status, res)
	}
	if e := auditEntries(t, h, "action = 'admin' && detail ~ 'PATCH /api/settings'", nil); len(e) != 1 || e[0].GetString("actor_collection") != core.CollectionNameSuperusers {
		t.Errorf("settings change audited as %v", e)
	}
	if res := h.Do("POST", "/api/collections", map[string]any{"name": "catatan_rapat", "type": "base", "fields": []any{map[string]any{"name": "judul", "type": "text"}}}, su); res.Status != 200 {
		t.Errorf("an unrelated collection could not be created: %d %s", res.Status, res)
	}
	report, err := pb_hooks.VerifyAudit(h.App)
	if err != nil || !report.OK {
		t.Fatalf("chain after the attempts: %v %+v", err, report.Problem)
	}
}

// 5b. Impersonation: the trail names the superuser, on behalf of the
// officer; a non-refreshable token nobody saw issued is refused.
func TestFindingImpersonationNamesTheSuperuser(t *testing.T) {
	f := newAuthzFixture(t)
	h := f.h
	res := h.Do("POST", "/api/collections/staff/impersonate/"+f.officerA.Id, map[string]any{"duration": 600}, f.tokens[actorSuperuser])
	if res.Status != 200 {
		t.Fatalf("impersonate: %d %s", res.Status, res)
	}
	token := res.JSON["token"].(string)
	if res := h.Do("GET", "/api/collections/complaints/records/"+f.caseX.Id, nil, token); res.Status != 200 {
		t.Fatalf("view as officer A: %d %s", res.Status, res)
	}
	views := auditEntries(t, h, "action = 'view' && record_id = {:x}", dbx.Params{"x": f.caseX.Id})
	last := views[len(views)-1]
	if last.GetString("actor_collection") != core.CollectionNameSuperusers || !strings.Contains(last.GetString("on_behalf_of"), f.officerA.Id) ||
		!strings.Contains(last.GetString("actor_name"), "admin@teduh.test") {
		t.Errorf("the read is recorded as %s/%s on behalf of %q", last.GetString("actor_collection"), last.GetString("actor_name"), last.GetString("on_behalf_of"))
	}
	if e := auditEntries(t, h, "action = 'impersonate' && record_id = {:a}", dbx.Params{"a": f.officerA.Id}); len(e) != 1 {
		t.Errorf("%d impersonate entries", len(e))
	}
	// a static token made outside the route (a leaked signing key, a tool)
	forged, err := f.officerA.NewStaticAuthToken(time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if res := h.Do("GET", "/api/collections/complaints/records", nil, forged); res.Status != 401 {
		t.Errorf("unknown static token: %d %s", res.Status, res)
	}
}

// 6. Headers and origins: personal answers are never cached, files are
// private attachments, and only the origins the office lists may read
// answers from another site.
func TestFindingHeadersAndOrigins(t *testing.T) {
	f := newAuthzFixture(t)
	h := f.h
	tokA := f.tokens[actorA]
	for _, p := range []string{
		"/api/collections/complaints/records/" + f.caseX.Id, "/api/collections/complaints/records", "/api/queue",
		"/api/complaints/" + f.caseX.Id + "/report.pdf", "/api/public/office", "/api/collections/staff/records",
	} {
		token := tokA
		if strings.HasPrefix(p, "/api/public/") {
			token = ""
		}
		res := h.Do("GET", p, nil, token)
		if res.Status != 200 || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d Cache-Control %q", p, res.Status, res.Header.Get("Cache-Control"))
		}
	}
	// the identity document
	mp := multipartForm(t, map[string]any{"victim_address": "Jalan Baru"}, map[string][2]string{"identity_document": {"ktp.png", pngBytes(t)}})
	if res := h.Do("PATCH", "/api/collections/complaints/records/"+f.caseX.Id, mp, tokA); res.Status != 200 {
		t.Fatalf("upload: %d %s", res.Status, res)
	}
	x := h.reload(f.caseX)
	tok := h.Do("POST", "/api/files/token", nil, tokA).JSON["token"].(string)
	res := h.Do("GET", "/api/files/complaints/"+x.Id+"/"+x.GetString("identity_document")+"?token="+tok, nil, "")
	if res.Status != 200 || res.Header.Get("Cache-Control") != "private, no-store" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("file: %d %q %q", res.Status, res.Header.Get("Cache-Control"), res.Header.Get("Content-Disposition"))
	}

	origin := func(o string) http.Header {
		req := httptest.NewRequest("GET", "/api/public/office", nil)
		req.Header.Set("Origin", o)
		rec := httptest.NewRecorder()
		h.Handler.ServeHTTP(rec, req)
		return rec.Header()
	}
	if got := origin("https://evil.example").Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("another site may read answers: %q", got)
	}
	office, _ := h.App.FindFirstRecordByFilter("office", "id != ''")
	office.Set("allowed_origins", []string{"https://app.dinsos.example"})
	if err := h.App.Save(office); err != nil {
		t.Fatal(err)
	}
	if got := origin("https://app.dinsos.example").Get("Access-Control-Allow-Origin"); got != "https://app.dinsos.example" {
		t.Errorf("the office's app origin: %q", got)
	}
	if got := origin("https://evil.example").Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("another site after the office named its app: %q", got)
	}
}

// 6b. The public rate limits apply, tested with real requests.
func TestFindingPublicRateLimitsApply(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	h.App.Settings().RateLimits.Enabled = true
	statuses := func(method, path string, body any, n int) []int {
		var out []int
		for i := 0; i < n; i++ {
			out = append(out, h.DoFrom("198.51.100.7:5000", method, path, body, "").Status)
		}
		return out
	}
	status := statuses("GET", "/api/public/complaints/K7PM-X3RT-9WAC", nil, 21)
	for i, s := range status[:20] {
		if s != 404 {
			t.Fatalf("status guess %d answered %d", i+1, s)
		}
	}
	if status[20] != 429 {
		t.Errorf("the 21st status guess within a minute answered %d, want 429", status[20])
	}
	posts := statuses("POST", "/api/public/complaints", validComplaint(), 6)
	if posts[4] != 200 || posts[5] != 429 {
		t.Errorf("complaints from one address: %v", posts)
	}
	office := statuses("GET", "/api/public/office", nil, 61)
	if office[59] != 200 || office[60] != 429 {
		t.Errorf("public office answers: 60th %d, 61st %d", office[59], office[60])
	}
	// another address is not affected
	if s := h.DoFrom("198.51.100.8:5000", "GET", "/api/public/office", nil, "").Status; s != 200 {
		t.Errorf("another address: %d", s)
	}
}

// 6c. Staff cannot change their own e-mail; the step endpoint answers a
// hidden case exactly like a missing one.
func TestFindingSmallerLeaks(t *testing.T) {
	f := newAuthzFixture(t)
	h := f.h
	res := h.Do("POST", "/api/collections/staff/request-email-change", map[string]any{"newEmail": "baru@teduh.test"}, f.tokens[actorA])
	if res.Status != 403 || !strings.Contains(res.String(), "administrator") {
		t.Errorf("email change: %d %s", res.Status, res)
	}
	hidden := h.step(f.tokens[actorB], f.caseX.Id, 2, "done", "x", nil) // X is at step 2 already: used to say 409
	ahead := h.step(f.tokens[actorB], f.caseX.Id, 3, "incomplete", "x", map[string]any{"requirements_complete": false})
	missing := h.step(f.tokens[actorB], "nosuchcase0000", 3, "incomplete", "x", map[string]any{"requirements_complete": false})
	for name, r := range map[string]*response{"hidden, behind": hidden, "hidden, next": ahead} {
		if r.Status != missing.Status || r.JSON["message"] != missing.JSON["message"] || r.Status != 404 {
			t.Errorf("%s: %d %s; a missing case: %d %s", name, r.Status, r, missing.Status, missing)
		}
	}
}

// 6d. The request log keeps no query string and no tracking code.
func TestFindingRequestLogKeepsNoSearchOrCode(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	h.App.Settings().Logs.MaxDays = 5
	_, tok := h.Staff("petugas@teduh.test", "Petugas", "officer", true)
	c := h.submit(validComplaint())
	h.Do("GET", "/api/public/complaints/"+c.GetString("tracking_code"), nil, "")
	h.Do("GET", "/api/queue?q=Siti+Rahmawati", nil, tok)
	h.Do("GET", "/api/collections/complaints/records?filter="+urlQuery("victim_name = 'Ani'"), nil, tok)
	if bh, ok := h.App.Logger().Handler().(*logger.BatchHandler); ok {
		if err := bh.WriteAll(context.WithValue(context.Background(), logger.BlockKey, true)); err != nil {
			t.Fatal(err)
		}
	}
	var logs []*core.Log
	if err := h.App.LogQuery().All(&logs); err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, l := range logs {
		if u, ok := l.Data["url"].(string); ok {
			urls = append(urls, u)
		}
	}
	joined := strings.Join(urls, "\n")
	if !strings.Contains(joined, "/api/public/complaints/:kode") || !strings.Contains(joined, "/api/queue") {
		t.Fatalf("requests not logged as expected:\n%s", joined)
	}
	for _, secret := range []string{c.GetString("tracking_code"), "Siti", "Ani", "?"} {
		if strings.Contains(joined, secret) {
			t.Errorf("the request log keeps %q:\n%s", secret, joined)
		}
	}
}

// Sign-in: six failures lock an account (known or not) for 30 minutes.
func TestSignInLockout(t *testing.T) {
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	h := newHarness(t, now)
	h.Staff("petugas@teduh.test", "Petugas", "officer", true)
	signIn := func(identity, password string) *response {
		return h.Do("POST", "/api/collections/staff/auth-with-password", map[string]any{"identity": identity, "password": password}, "")
	}
	for _, who := range []string{"petugas@teduh.test", "tidak.ada@teduh.test"} {
		for i := 1; i <= 5; i++ {
			if res := signIn(who, "salah-salah-salah"); res.Status != 400 || res.JSON["message"] != "Email atau kata sandi salah." {
				t.Fatalf("%s failure %d: %d %s", who, i, res.Status, res)
			}
		}
		if res := signIn(who, "salah-salah-salah"); res.Status != 429 || !strings.Contains(res.String(), "dikunci") {
			t.Fatalf("%s 6th failure: %d %s", who, res.Status, res)
		}
	}
	if res := signIn("petugas@teduh.test", authzStaffPass); res.Status != 429 {
		t.Fatalf("locked account signed in with the right password: %d %s", res.Status, res)
	}
	h.SetNow(now.Add(31 * time.Minute))
	res := signIn("petugas@teduh.test", authzStaffPass)
	if res.Status != 200 {
		t.Fatalf("after 30 minutes: %d %s", res.Status, res)
	}
	// a working day's token that is not renewed
	c, _ := h.App.FindCollectionByNameOrId("staff")
	if c.AuthToken.Duration != 8*3600 {
		t.Errorf("token lasts %d s", c.AuthToken.Duration)
	}
	if r := h.Do("POST", "/api/collections/staff/auth-refresh", nil, res.JSON["token"].(string)); r.Status != 403 {
		t.Errorf("refresh: %d %s", r.Status, r)
	}
	if e := auditEntries(t, h, "action = 'signin_locked'", nil); len(e) != 2 {
		t.Errorf("%d lockouts recorded", len(e))
	}
}

// Two-step sign-in for supervisors (an office setting, on only with mail),
// and every auth mail in Bahasa Indonesia linking to the console.
func TestSignInTwoStepAndMails(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	h.App.Settings().Meta.AppURL = "https://teduh.singkawangkota.go.id"
	h.Staff("kepala@teduh.test", "Kepala Bidang", "supervisor", true)
	h.Staff("petugas@teduh.test", "Petugas", "officer", true)
	office, _ := h.App.FindFirstRecordByFilter("office", "id != ''")
	office.Set("mfa_supervisors", true)
	if err := h.App.Save(office); err != nil {
		t.Fatal(err)
	}
	if c, _ := h.App.FindCollectionByNameOrId("staff"); c.MFA.Enabled {
		t.Fatal("two-step sign-in switched on without mail")
	}
	h.App.Settings().SMTP.Enabled = true
	h.App.Settings().SMTP.Host = "127.0.0.1"
	if err := h.App.Save(office); err != nil { // saved again: the setting is applied
		t.Fatal(err)
	}
	if c, _ := h.App.FindCollectionByNameOrId("staff"); !c.MFA.Enabled || !c.OTP.Enabled {
		t.Fatal("two-step sign-in not on with mail configured")
	}
	if res := h.Do("POST", "/api/collections/staff/auth-with-password", map[string]any{"identity": "petugas@teduh.test", "password": authzStaffPass}, ""); res.Status != 200 {
		t.Fatalf("officer: %d %s", res.Status, res)
	}
	res := h.Do("POST", "/api/collections/staff/auth-with-password", map[string]any{"identity": "kepala@teduh.test", "password": authzStaffPass}, "")
	mfaID, _ := res.JSON["mfaId"].(string)
	if res.Status != 401 || mfaID == "" {
		t.Fatalf("supervisor's first step: %d %s", res.Status, res)
	}
	h.App.TestMailer.Reset()
	otp := h.Do("POST", "/api/collections/staff/request-otp", map[string]any{"email": "kepala@teduh.test"}, "")
	otpID, _ := otp.JSON["otpId"].(string)
	waitMail(h, 1)
	if otp.Status != 200 || otpID == "" || h.App.TestMailer.TotalSend() != 1 {
		t.Fatalf("request-otp: %d %s, %d mails", otp.Status, otp, h.App.TestMailer.TotalSend())
	}
	msg := h.App.TestMailer.LastMessage()
	code := regexp.MustCompile(`<strong>(\d{8})</strong>`).FindStringSubmatch(msg.HTML)
	if code == nil || !strings.Contains(msg.Subject, "Kode masuk") || !strings.Contains(msg.HTML, "/staff/#/") {
		t.Fatalf("code mail: %q %s", msg.Subject, msg.HTML)
	}
	res = h.Do("POST", "/api/collections/staff/auth-with-otp", map[string]any{"otpId": otpID, "password": code[1], "mfaId": mfaID}, "")
	if res.Status != 200 || res.JSON["token"] == nil {
		t.Fatalf("second step: %d %s", res.Status, res)
	}

	// the reset mail links to the console's own page at the office's address
	h.App.TestMailer.Reset()
	if res := h.Do("POST", "/api/collections/staff/request-password-reset", map[string]any{"email": "petugas@teduh.test"}, ""); res.Status != 204 {
		t.Fatalf("reset: %d %s", res.Status, res)
	}
	waitMail(h, 1)
	reset := h.App.TestMailer.LastMessage()
	link := regexp.MustCompile(`https://teduh\.singkawangkota\.go\.id/staff/#/atur-ulang-sandi/([A-Za-z0-9._-]+)`).FindStringSubmatch(reset.HTML)
	if link == nil || !strings.Contains(reset.Subject, "Atur ulang kata sandi") || strings.Contains(reset.HTML, "/_/") || strings.Contains(reset.HTML, "localhost") {
		t.Fatalf("reset mail: %q %s", reset.Subject, reset.HTML)
	}
	res = h.Do("POST", "/api/collections/staff/confirm-password-reset", map[string]any{"token": link[1], "password": "kata-sandi-baru-123", "passwordConfirm": "kata-sandi-baru-123"}, "")
	if res.Status != 204 {
		t.Fatalf("confirm reset: %d %s", res.Status, res)
	}
	if res := h.Do("POST", "/api/collections/staff/auth-with-password", map[string]any{"identity": "petugas@teduh.test", "password": "kata-sandi-baru-123"}, ""); res.Status != 200 {
		t.Fatalf("new password: %d %s", res.Status, res)
	}
	// PocketBase's own answers reach apps in Bahasa Indonesia, codes kept
	res = h.Do("POST", "/api/collections/staff/confirm-password-reset", map[string]any{"token": "bukan-token", "password": "a", "passwordConfirm": "b"}, "")
	if res.Status != 400 || strings.Contains(res.String(), "Invalid") || strings.Contains(res.String(), "must") {
		t.Errorf("English reached the app: %s", res)
	}
}

// The audit chain: verify finds an edited, a deleted and a truncated entry,
// over the web, in Go and with `teduh audit verify`.
func TestAuditChainVerify(t *testing.T) {
	setup := func(t *testing.T) *authzFixture {
		f := newAuthzFixture(t)
		for i := 0; i < 3; i++ {
			f.h.Do("GET", "/api/collections/complaints/records/"+f.caseX.Id, nil, f.tokens[actorA])
		}
		if err := f.h.Teduh.WriteAuditHead(f.h.App); err != nil {
			t.Fatal(err)
		}
		return f
	}
	exec := func(t *testing.T, h *harness, q string) {
		t.Helper()
		if _, err := h.App.DB().NewQuery(q).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	verify := func(t *testing.T, h *harness, kind string, seq int64) auditchain.Report {
		t.Helper()
		r, err := pb_hooks.VerifyAudit(h.App)
		if err != nil {
			t.Fatal(err)
		}
		if kind == "" && !r.OK {
			t.Fatalf("want an intact chain: %+v", r.Problem)
		}
		if kind != "" && (r.OK || r.Problem.Kind != kind || r.Problem.Seq != seq) {
			t.Fatalf("want %s at %d: %+v", kind, seq, r.Problem)
		}
		return r
	}
	cli := func(t *testing.T, h *harness) (string, error) {
		cmd := pb_hooks.AuditCommand(h.App)
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetArgs([]string{"verify"})
		err := cmd.Execute()
		return out.String(), err
	}

	t.Run("intact", func(t *testing.T) {
		f := setup(t)
		r := verify(t, f.h, "", 0)
		if r.Entries < 10 || r.Head == nil || r.Head.Seq != r.LastSeq {
			t.Fatalf("%+v", r)
		}
		if res := f.h.Do("GET", "/api/audit/verify", nil, f.tokens[actorSupervisor]); res.Status != 200 || res.JSON["ok"] != true {
			t.Fatalf("verify route: %d %s", res.Status, res)
		}
		if res := f.h.Do("GET", "/api/audit/verify", nil, f.tokens[actorA]); res.Status != 403 {
			t.Fatalf("officer verify: %d", res.Status)
		}
		if out, err := cli(t, f.h); err != nil || !strings.Contains(out, "Utuh") {
			t.Fatalf("teduh audit verify: %v\n%s", err, out)
		}
	})
	t.Run("edited", func(t *testing.T) {
		f := setup(t)
		exec(t, f.h, "UPDATE audit_log SET actor_name = 'Orang Lain' WHERE seq = 4")
		verify(t, f.h, auditchain.Edited, 4)
		if out, err := cli(t, f.h); err == nil || !strings.Contains(out, "RUSAK") || !strings.Contains(out, "nomor 4") {
			t.Fatalf("teduh audit verify on an edited entry: %v\n%s", err, out)
		}
	})
	t.Run("deleted", func(t *testing.T) {
		f := setup(t)
		exec(t, f.h, "DELETE FROM audit_log WHERE seq = 6")
		verify(t, f.h, auditchain.Missing, 6)
	})
	t.Run("truncated", func(t *testing.T) {
		f := setup(t)
		r := verify(t, f.h, "", 0)
		exec(t, f.h, fmt.Sprintf("DELETE FROM audit_log WHERE seq > %d", r.LastSeq-2))
		verify(t, f.h, auditchain.Truncated, r.LastSeq-1)
		// the server starting again records the gap before appending, so a
		// new end cannot cover it
		if err := f.h.Teduh.ReconcileAuditHead(f.h.App); err != nil {
			t.Fatal(err)
		}
		f.h.Do("GET", "/api/collections/complaints/records/"+f.caseX.Id, nil, f.tokens[actorA])
		if err := f.h.Teduh.WriteAuditHead(f.h.App); err != nil {
			t.Fatal(err)
		}
		after := verify(t, f.h, auditchain.Lost, r.LastSeq-1)
		if len(after.Gaps) != 1 || after.Gaps[0].Action != "chain_gap" {
			t.Fatalf("gaps %+v", after.Gaps)
		}
	})
}

// Every backup carries the chain's head; a restore keeps the live head and
// appends an entry naming the backup and the entries it does not hold.
func TestAuditChainAcrossBackupAndRestore(t *testing.T) {
	f := newAuthzFixture(t)
	h := f.h
	ctx := context.Background()
	if err := h.App.CreateBackup(ctx, "sebelum.zip"); err != nil {
		t.Fatal(err)
	}
	atBackup, err := pb_hooks.VerifyAudit(h.App)
	if err != nil || !atBackup.OK {
		t.Fatal(err, atBackup.Problem)
	}
	zipPath := filepath.Join(h.App.DataDir(), core.LocalBackupsDirName, "sebelum.zip")
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	var inZip auditchain.Head
	for _, zf := range zr.File {
		if zf.Name == "audit/head.json" {
			rc, _ := zf.Open()
			_ = json.NewDecoder(rc).Decode(&inZip)
			rc.Close()
		}
	}
	zr.Close()
	if inZip.Seq == 0 || inZip.Seq > atBackup.LastSeq {
		t.Fatalf("the backup's head %+v, chain at backup %d", inZip, atBackup.LastSeq)
	}

	// work goes on after the backup
	for i := 0; i < 4; i++ {
		h.Do("GET", "/api/collections/complaints/records/"+f.caseX.Id, nil, f.tokens[actorA])
	}
	before, _ := pb_hooks.VerifyAudit(h.App)

	// the restore hook as PocketBase runs it (the swap itself and the
	// restart are PocketBase's; done by hand below)
	ev := &core.BackupEvent{App: h.App, Context: ctx, Name: "sebelum.zip", Exclude: []string{core.LocalBackupsDirName}}
	if err := h.App.OnBackupRestore().Trigger(ev, func(e *core.BackupEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if !slicesContains(ev.Exclude, "audit") {
		t.Fatalf("the live head would be replaced: exclude %v", ev.Exclude)
	}
	restored := t.TempDir()
	if err := archive.Extract(zipPath, restored); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(restored, "audit")); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(restored, "audit"), os.DirFS(filepath.Join(h.App.DataDir(), "audit"))); err != nil {
		t.Fatal(err)
	}
	app := openDataDir(t, restored)
	defer app.ResetBootstrapState()
	td, err := pb_hooks.RegisterWith(app, pb_hooks.Config{Now: h.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := td.ReconcileAuditHead(app); err != nil {
		t.Fatal(err)
	}
	r, err := pb_hooks.VerifyAudit(app)
	if err != nil || !r.OK {
		t.Fatalf("restored chain: %v %+v", err, r.Problem)
	}
	if len(r.Gaps) != 1 || r.Gaps[0].Action != "restore" {
		t.Fatalf("gaps %+v", r.Gaps)
	}
	var d struct {
		Backup string `json:"backup"`
		Lost   int64  `json:"lost_entries"`
	}
	_ = json.Unmarshal([]byte(r.Gaps[0].Detail), &d)
	if d.Backup != "sebelum.zip" || d.Lost != before.LastSeq-atBackup.LastSeq || d.Lost == 0 {
		t.Errorf("restore entry %s: want %d entries named lost (%d before, %d in the backup)", r.Gaps[0].Detail, before.LastSeq-atBackup.LastSeq, before.LastSeq, atBackup.LastSeq)
	}
	if _, err := os.Stat(filepath.Join(restored, "audit", "restore-pending.json")); !os.IsNotExist(err) {
		t.Errorf("the pending note stays: %v", err)
	}
}

// waitMail waits (at most 10 s) for PocketBase's auth mails, which it
// sends in the background.
func waitMail(h *harness, n int) {
	for deadline := time.Now().Add(10 * time.Second); h.App.TestMailer.TotalSend() < n && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
}

func expectNoneOf(t *testing.T, where, text string, values ...string) {
	t.Helper()
	for _, v := range values {
		if strings.Contains(text, v) {
			t.Errorf("%s carries %q", where, v)
		}
	}
}

func slicesContains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
