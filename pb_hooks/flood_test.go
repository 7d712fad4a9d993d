package pb_hooks_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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
