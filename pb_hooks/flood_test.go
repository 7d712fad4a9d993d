package pb_hooks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teduh/internal/challenge"
	"teduh/pb_hooks"
)

// setChallengeThreshold sets the office's flood threshold.
func setChallengeThreshold(t *testing.T, h *harness, n int) {
	t.Helper()
	office, err := h.App.FindFirstRecordByFilter("office", "id != ''")
	if err != nil {
		t.Fatal(err)
	}
	office.Set("challenge_per_10min", n)
	if err := h.App.Save(office); err != nil {
		t.Fatal(err)
	}
}

// doWithHeader sends a public JSON request with one extra header.
func (h *harness) doWithHeader(path string, body any, header, value string) *response {
	h.t.Helper()
	if header == "" {
		return h.Do("POST", path, body, "")
	}
	rec := httptest.NewRecorder()
	data, _ := json.Marshal(body)
	req := httptest.NewRequest("POST", path, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(header, value)
	h.Handler.ServeHTTP(rec, req)
	res := &response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	_ = json.Unmarshal(res.Body, &res.JSON)
	return res
}

// In normal times a complaint is sent as it is; above the office's
// threshold of submissions in ten minutes each one must carry a solved
// challenge, which the refusal itself hands out; a solution serves once;
// when the flood has passed, nothing is asked any more.
func TestFloodChallenge(t *testing.T) {
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	h := newHarness(t, now)
	setChallengeThreshold(t, h, 3)
	if res := h.Do("GET", "/api/public/challenge", nil, ""); res.Status != 200 || res.JSON["required"] != false {
		t.Fatalf("normal times: %d %s", res.Status, res)
	}
	for i := 0; i < 2; i++ {
		if res := h.Do("POST", "/api/public/complaints", validComplaint(), ""); res.Status != 200 {
			t.Fatalf("complaint %d in normal times: %d %s", i, res.Status, res)
		}
	}
	// the third submission in ten minutes reaches the threshold
	res := h.Do("POST", "/api/public/complaints", validComplaint(), "")
	if res.Status != 400 || res.FieldCode("challenge") != "challenge_required" || !strings.Contains(res.String(), "manusia") {
		t.Fatalf("at the threshold: %d %s", res.Status, res)
	}
	params := res.JSON["data"].(map[string]any)["challenge"].(map[string]any)["params"].(map[string]any)
	c := challenge.Challenge{Algorithm: params["algorithm"].(string), Challenge: params["challenge"].(string),
		MaxNumber: int64(params["maxnumber"].(float64)), Salt: params["salt"].(string), Signature: params["signature"].(string)}
	if c.MaxNumber < 20000 || params["header"] != pb_hooks.ChallengeHeader {
		t.Fatalf("challenge %+v", params)
	}
	sol, err := challenge.Solve(c)
	if err != nil {
		t.Fatal(err)
	}
	before := countComplaints(t, h)
	if res := h.doWithHeader("/api/public/complaints", validComplaint(), pb_hooks.ChallengeHeader, sol.Encode()); res.Status != 200 {
		t.Fatalf("with the solution: %d %s", res.Status, res)
	}
	if res := h.doWithHeader("/api/public/complaints", validComplaint(), pb_hooks.ChallengeHeader, sol.Encode()); res.Status != 400 || res.FieldCode("challenge") != "challenge_required" {
		t.Fatalf("the same solution again: %d %s", res.Status, res)
	}
	wrong := sol
	wrong.Number++
	if res := h.doWithHeader("/api/public/complaints", validComplaint(), pb_hooks.ChallengeHeader, wrong.Encode()); res.Status != 400 {
		t.Fatalf("a wrong solution: %d %s", res.Status, res)
	}
	if got := countComplaints(t, h); got != before+1 {
		t.Fatalf("%d complaints stored during the flood, want exactly the solved one", got-before)
	}
	// the feedback form is guarded alike, and apps may ask first
	if res := h.Do("POST", "/api/public/feedback", map[string]any{"kind": "suggestion", "message": "Terima kasih."}, ""); res.FieldCode("challenge") != "challenge_required" {
		t.Errorf("feedback during a flood: %d %s", res.Status, res)
	}
	if res := h.Do("GET", "/api/public/challenge", nil, ""); res.JSON["required"] != true || res.JSON["challenge"] == nil {
		t.Errorf("asking first during a flood: %s", res)
	}
	// ten minutes later the flood is over
	h.SetNow(now.Add(11 * time.Minute))
	if res := h.Do("POST", "/api/public/complaints", validComplaint(), ""); res.Status != 200 {
		t.Fatalf("after the flood: %d %s", res.Status, res)
	}
	// switched off by the office
	setChallengeThreshold(t, h, 0)
	for i := 0; i < 5; i++ {
		if res := h.Do("POST", "/api/public/complaints", validComplaint(), ""); res.Status != 200 {
			t.Fatalf("threshold 0: %d %s", res.Status, res)
		}
	}
}

// On a phone during a flood the form solves the challenge itself and the
// complaint arrives; in normal times the hash library is never downloaded.
func TestBrowserComplaintFormDuringAFlood(t *testing.T) {
	h, base := newPageServer(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	setChallengeThreshold(t, h, 5)
	b := openBrowser(t, base)
	b.expectFailedLoad(base + "/api/public/complaints") // the 400 that asks for the challenge

	b.openForm()
	b.fillValidComplaint()
	b.click("submit")
	b.step("waiting for the tracking code", chromedp.WaitVisible(chromedp.ID("result-tracking")))
	if b.requested(base + "/assets/vendor/sha256") {
		t.Error("the hash library was downloaded in normal times")
	}

	// a flood: the office's threshold is below what has already arrived
	setChallengeThreshold(t, h, 1)
	before := countComplaints(t, h)
	b.openForm()
	b.fillValidComplaint()
	b.click("submit")
	b.step("waiting for the tracking code", chromedp.WaitVisible(chromedp.ID("result-tracking")))
	if got := countComplaints(t, h); got != before+1 {
		t.Fatalf("%d complaints stored, want one", got-before)
	}
	if !b.requested(base + "/assets/vendor/sha256") {
		t.Error("the form did not solve a challenge")
	}
}

// During a flood the officers hear of ordinary new complaints once a minute,
// in one digest naming them all; an emergency still reaches them on its own;
// the sweep does not alert the digested ones one by one afterwards.
func TestFloodDigestsAlerts(t *testing.T) {
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	h := newHarness(t, now)
	officer, _ := h.Staff("petugas@teduh.test", "Petugas", "officer", true)
	h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)
	// the operator's override of the office's threshold (tested here too)
	os.Setenv("TEDUH_CHALLENGE_THRESHOLD", "3")
	defer os.Unsetenv("TEDUH_CHALLENGE_THRESHOLD")
	for i := 0; i < 2; i++ { // below the threshold: alerted one by one
		h.submit(validComplaint())
	}
	// a flood: solved challenges, so the submissions are accepted
	for i := 0; i < 5; i++ {
		res := h.Do("POST", "/api/public/complaints", validComplaint(), "")
		params := res.JSON["data"].(map[string]any)["challenge"].(map[string]any)["params"].(map[string]any)
		sol, _ := challenge.Solve(challenge.Challenge{Algorithm: "SHA-256", Challenge: params["challenge"].(string),
			MaxNumber: int64(params["maxnumber"].(float64)), Salt: params["salt"].(string), Signature: params["signature"].(string)})
		body := validComplaint()
		if i == 3 {
			body = with(body, "immediate_danger", true)
		}
		if res := h.doWithHeader("/api/public/complaints", body, pb_hooks.ChallengeHeader, sol.Encode()); res.Status != 200 {
			t.Fatalf("flood complaint %d: %d %s", i, res.Status, res)
		}
	}
	h.Teduh.Reminders().Wait()
	kinds := func() map[string]int {
		var rows []struct {
			Kind string `db:"kind"`
		}
		if err := h.App.DB().NewQuery("SELECT kind FROM notifications WHERE recipient = {:r}").Bind(map[string]any{"r": officer.Id}).All(&rows); err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, r := range rows {
			out[r.Kind]++
		}
		return out
	}
	if k := kinds(); k["new_complaint"] != 2 || k["new_emergency"] != 1 || k["new_complaints_digest"] != 0 {
		t.Fatalf("before the minute's digest: %v", k)
	}
	n, err := h.Teduh.Reminders().FlushDigest(now.Add(time.Minute))
	if err != nil || n != 4 {
		t.Fatalf("digest of %d cases (%v), want the 4 ordinary ones", n, err)
	}
	if k := kinds(); k["new_complaints_digest"] != 1 || k["new_complaint"] != 2 {
		t.Fatalf("after the digest: %v", k)
	}
	if n, _ := h.Teduh.Reminders().FlushDigest(now.Add(2 * time.Minute)); n != 0 {
		t.Errorf("a second digest named %d cases again", n)
	}
	// the sweep's catch-up leaves the digested cases alone
	h.sweepAt(now.Add(10 * time.Minute))
	if k := kinds(); k["new_complaint"] != 2 || k["new_complaints_digest"] != 1 {
		t.Errorf("after the sweep: %v", k)
	}
	msg, _ := h.App.FindFirstRecordByFilter("notifications", "kind = 'new_complaints_digest'")
	if !strings.Contains(msg.GetString("message"), "4 pengaduan") {
		t.Errorf("digest message %q", msg.GetString("message"))
	}
}

// Supervisors mark a flood's complaints as spam: withdrawn with the reason,
// audited, and undone the same way, after which the case is handled as usual.
func TestSpamBatchMarkAndUndo(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	_, officer := h.Staff("petugas@teduh.test", "Petugas", "officer", true)
	_, sup := h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)
	a, b := h.submit(validComplaint()), h.submit(validComplaint())
	handled := h.submit(validComplaint())
	h.mustStep(officer, handled.Id, 2, "done", "Korban ditenangkan.", nil)

	body := map[string]any{"cases": []string{a.Id, b.Id}, "reason": "Kiriman massal dari 200 alamat pukul 09.00–09.05"}
	if res := h.Do("POST", "/api/spam-batches", body, officer); res.Status != 403 {
		t.Errorf("officer: %d", res.Status)
	}
	if res := h.Do("POST", "/api/spam-batches", map[string]any{"cases": []string{a.Id, handled.Id}, "reason": "x"}, sup); res.Status != 400 || res.FieldCode("cases") != "not_markable" {
		t.Fatalf("a handled case: %d %s", res.Status, res)
	}
	if h.reload(a).GetString("status") != "new" {
		t.Fatal("a refused batch changed a case")
	}
	if res := h.Do("POST", "/api/spam-batches", map[string]any{"cases": []string{a.Id}}, sup); res.FieldCode("reason") != "required" {
		t.Errorf("no reason: %s", res)
	}
	res := h.Do("POST", "/api/spam-batches", body, sup)
	if res.Status != 200 || res.JSON["size"] != float64(2) {
		t.Fatalf("mark: %d %s", res.Status, res)
	}
	batch := res.JSON["id"].(string)
	for _, c := range []*core.Record{a, b} {
		if r := h.reload(c); r.GetString("status") != "withdrawn" || r.GetDateTime("closed_at").IsZero() {
			t.Fatalf("marked case: %s %v", r.GetString("status"), r.GetDateTime("closed_at"))
		}
	}
	if e := auditEntries(t, h, "action = 'spam_mark' && record_id = {:b}", map[string]any{"b": batch}); len(e) != 1 {
		t.Errorf("%d spam_mark entries", len(e))
	}
	// undone: the cases are back, and take their steps as usual
	if res := h.Do("POST", "/api/spam-batches/"+batch+"/undo", map[string]any{"reason": "Ternyata pengaduan asli dari satu sekolah"}, sup); res.Status != 200 {
		t.Fatalf("undo: %d %s", res.Status, res)
	}
	if res := h.Do("POST", "/api/spam-batches/"+batch+"/undo", map[string]any{"reason": "lagi"}, sup); res.Status != 409 {
		t.Errorf("undo twice: %d", res.Status)
	}
	r := h.reload(a)
	if r.GetString("status") != "new" || r.GetInt("current_step") != 1 || !r.GetDateTime("closed_at").IsZero() {
		t.Fatalf("after undo: %s step %d", r.GetString("status"), r.GetInt("current_step"))
	}
	h.mustStep(officer, a.Id, 2, "done", "Korban ditenangkan setelah tanda spam dibatalkan.", nil)
	if e := auditEntries(t, h, "action = 'spam_undo'", nil); len(e) != 1 {
		t.Errorf("%d spam_undo entries", len(e))
	}
}

// In the console a supervisor marks a flood's complaints as spam and undoes it.
func TestConsoleMarksAFloodAsSpam(t *testing.T) {
	h, base := consoleServer(t)
	h.Staff("kepala@teduh.test", "Kepala Bidang", "supervisor", true)
	var flood []*core.Record
	for i := 0; i < 3; i++ {
		flood = append(flood, h.submit(with(validComplaint(), "victim_name", fmt.Sprintf("Kiriman %d", i))))
	}
	b := openConsole(t, base)
	b.expectMissingFeatures(h)
	b.consoleSignIn("kepala@teduh.test")
	b.goHash("#/kiriman-massal")
	b.step("waiting for the flood's cases", chromedp.WaitVisible(chromedp.CSS(`#spam-cases input.spam-pick`)))
	b.click("spam-all")
	b.typeInto("spam-reason", "Kiriman massal dari banyak alamat")
	b.click("spam-submit")
	b.waitJS("the batch is listed", `document.getElementById('spam-batches').innerText.includes('3 pengaduan')`)
	for _, c := range flood {
		if st := h.reload(c).GetString("status"); st != "withdrawn" {
			t.Fatalf("%s: %s after marking", c.GetString("number"), st)
		}
	}
	batch, err := h.App.FindFirstRecordByFilter("spam_batches", "id != ''")
	if err != nil {
		t.Fatal(err)
	}
	b.typeInto("undo-"+batch.Id, "Ternyata pengaduan asli")
	b.click("undo-btn-" + batch.Id)
	b.waitJS("the batch shows it was undone", `document.getElementById('spam-batches').innerText.includes('Dibatalkan')`)
	for _, c := range flood {
		if st := h.reload(c).GetString("status"); st != "new" {
			t.Fatalf("%s: %s after undoing", c.GetString("number"), st)
		}
	}
	// the case's history says both in words
	b.goHash("#/kasus/" + flood[0].Id)
	b.waitJS("the case's history names the spam mark and its undo", `(document.getElementById('view-case').innerText.includes('Ditandai kiriman massal (spam), dicabut') &&
		document.getElementById('view-case').innerText.includes('Tanda spam dibatalkan'))`)
	if over := js[int](b, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
		t.Errorf("the page is %d px wider than the phone", over)
	}
}

// A spam mark stops a case's declared clocks; its undo starts them again
// to the same deadline, so the TPKS police report is not forgotten.
func TestSpamUndoRestartsTheCasesClocks(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	_, sup := h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)
	c := h.submit(sexualCase())
	clock := func() *core.Record {
		t.Helper()
		k, err := h.App.FindFirstRecordByFilter("case_clocks", "complaint = {:c} && clock = 'tpks_police_report'", dbx.Params{"c": c.Id})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	due := clock().GetDateTime("due_at")
	res := h.Do("POST", "/api/spam-batches", map[string]any{"cases": []string{c.Id}, "reason": "Kiriman massal"}, sup)
	if res.Status != 200 {
		t.Fatalf("mark: %d %s", res.Status, res)
	}
	if st := clock().GetString("status"); st != "cancelled" {
		t.Fatalf("after the mark: %s", st)
	}
	h.SetNow(h.Now().Add(2 * time.Hour))
	if res := h.Do("POST", "/api/spam-batches/"+res.JSON["id"].(string)+"/undo", map[string]any{"reason": "Pengaduan asli"}, sup); res.Status != 200 {
		t.Fatalf("undo: %d %s", res.Status, res)
	}
	k := clock()
	if k.GetString("status") != "running" || !k.GetDateTime("due_at").Equal(due) || !k.GetDateTime("met_at").IsZero() {
		t.Errorf("after the undo: %s due %s (was %s)", k.GetString("status"), k.GetDateTime("due_at"), due)
	}
}
