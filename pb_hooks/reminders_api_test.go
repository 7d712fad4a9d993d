package pb_hooks_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The notifications API: a recipient lists, reads and marks as read only
// their own notifications; nobody creates, deletes or rewrites them.
func TestNotificationsAPI(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	tm := newRemTeam(h)
	c := h.verifiedCase(tm, wibAt(2026, 11, 20, 9, 0, 0), wibAt(2026, 11, 21, 9, 0, 0), validComplaint())
	h.Teduh.Reminders().Wait()
	h.sweepAt(wibAt(2026, 11, 26, 8, 0, 0)) // due soon → the officer

	own, err := h.App.FindFirstRecordByData("notifications", "key", "sla_due_soon:"+c.Id)
	if err != nil {
		t.Fatal(err)
	}
	if own.GetString("recipient") != tm.officer.Id {
		t.Fatalf("due-soon went to %s", own.GetString("recipient"))
	}
	path := "/api/collections/notifications/records"

	// the officer's list: the new-complaint alert and the due-soon reminder, nothing else
	res := h.Do("GET", path+"?sort=created", nil, tm.officerToken)
	items, _ := res.JSON["items"].([]any)
	if res.Status != 200 || len(items) != 2 {
		t.Fatalf("officer's list: %d %s", res.Status, res)
	}
	for _, it := range items {
		rec := it.(map[string]any)
		if rec["recipient"] != tm.officer.Id {
			t.Fatalf("officer sees someone else's notification: %v", rec)
		}
		for _, hidden := range []string{"email_error", "email_lease_until"} {
			if _, ok := rec[hidden]; ok {
				t.Fatalf("%s is visible: %v", hidden, rec)
			}
		}
	}
	if last := items[1].(map[string]any); last["kind"] != "sla_due_soon" || last["read"] != false ||
		!strings.HasPrefix(last["message"].(string), "Batas waktu layanan kasus "+c.GetString("number")) {
		t.Fatalf("due-soon as listed: %v", last)
	}

	// another officer and a supervisor see none of it, even when asking for it
	for name, token := range map[string]string{"other officer": tm.officer2Token, "supervisor": tm.supervisorToken} {
		res := h.Do("GET", path+"?filter="+urlQuery(`recipient="`+tm.officer.Id+`"`), nil, token)
		if items, _ := res.JSON["items"].([]any); res.Status != 200 || len(items) != 0 {
			t.Errorf("%s lists the officer's notifications: %d %s", name, res.Status, res)
		}
		if res := h.Do("GET", path+"/"+own.Id, nil, token); res.Status != http.StatusNotFound {
			t.Errorf("%s views the officer's notification: %d", name, res.Status)
		}
		if res := h.Do("PATCH", path+"/"+own.Id, map[string]any{"read": true}, token); res.Status != http.StatusNotFound {
			t.Errorf("%s marks the officer's notification read: %d", name, res.Status)
		}
	}
	// without signing in: nothing (the gate asks to sign in)
	if res := h.Do("GET", path, nil, ""); res.Status != http.StatusUnauthorized || res.JSON["items"] != nil {
		t.Errorf("anonymous list: %d %s", res.Status, res)
	}

	// the officer rewrites nothing but "read"
	for name, body := range map[string]map[string]any{
		"message":        {"message": "Diubah"},
		"recipient":      {"recipient": tm.officer2.Id},
		"kind":           {"kind": "new_complaint"},
		"key":            {"key": "lain"},
		"email_status":   {"email_status": "pending"},
		"email_attempts": {"email_attempts+": 5},
		"read and more":  {"read": true, "message": "Diubah"},
	} {
		if res := h.Do("PATCH", path+"/"+own.Id, body, tm.officerToken); res.Status == 200 {
			t.Errorf("officer changed %s: %s", name, res)
		}
	}
	fresh := h.reload(own)
	if fresh.GetString("message") != own.GetString("message") || fresh.GetString("email_status") != "sent" || fresh.GetInt("email_attempts") != 1 || fresh.GetBool("read") {
		t.Fatalf("notification changed by refused requests: %v", fresh.PublicExport())
	}

	res = h.Do("PATCH", path+"/"+own.Id, map[string]any{"read": true}, tm.officerToken)
	if res.Status != 200 || res.JSON["read"] != true || !h.reload(own).GetBool("read") {
		t.Fatalf("mark read: %d %s", res.Status, res)
	}

	// nobody creates or deletes notifications through the API
	body := map[string]any{"recipient": tm.officer.Id, "complaint": c.Id, "kind": "sla_due_soon", "message": "Palsu", "key": "palsu", "email_status": "pending"}
	if res := h.Do("POST", path, body, tm.supervisorToken); res.Status != http.StatusForbidden {
		t.Errorf("create: %d %s", res.Status, res)
	}
	if res := h.Do("DELETE", path+"/"+own.Id, nil, tm.officerToken); res.Status != http.StatusForbidden && res.Status != http.StatusNotFound {
		t.Errorf("delete: %d %s", res.Status, res)
	}

	// a deactivated officer sees nothing any more
	tm.officer.Set("active", false)
	if err := h.App.Save(tm.officer); err != nil {
		t.Fatal(err)
	}
	if res := h.Do("GET", path, nil, tm.officerToken); res.Status != http.StatusForbidden || res.JSON["items"] != nil {
		t.Errorf("deactivated officer lists notifications: %d %s", res.Status, res)
	}
}

// Marking a notification read while its mail is being sent must not put the
// old mail state back (an update writes every column of the record).
func TestMarkReadDoesNotUndoMailState(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	newRemTeam(h)
	c := h.submit(validComplaint())
	h.flushAlertMails(wibAt(2026, 11, 20, 9, 5, 0))

	stale, err := h.App.FindFirstRecordByData("notifications", "key", "new_complaint:"+c.Id)
	if err != nil {
		t.Fatal(err)
	}
	// what a PATCH loaded before the mail went out
	stale.Set("email_status", "pending")
	stale.Set("email_attempts", 0)
	stale.Set("read", true)
	if err := h.App.Save(stale); err != nil {
		t.Fatal(err)
	}
	fresh := h.reload(stale)
	if !fresh.GetBool("read") || fresh.GetString("email_status") != "sent" || fresh.GetInt("email_attempts") != 1 {
		t.Fatalf("after a stale save: read %v, %s, %d attempts", fresh.GetBool("read"), fresh.GetString("email_status"), fresh.GetInt("email_attempts"))
	}
	before := h.App.TestMailer.TotalSend()
	h.sweepAt(wibAt(2026, 11, 20, 9, 5, 0))
	if h.App.TestMailer.TotalSend() != before {
		t.Fatal("the mail went out again")
	}
}

func urlQuery(s string) string {
	r := strings.NewReplacer(" ", "%20", `"`, "%22", "=", "%3D", "&", "%26")
	return r.Replace(s)
}

// sseClient is a realtime connection to the staff API, as the console opens it.
type sseClient struct {
	events chan map[string]any
}

// connectRealtime opens /api/realtime, subscribes to notifications with
// token and returns the incoming records.
func connectRealtime(t *testing.T, base, token string) *sseClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/realtime", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	connected := make(chan string, 1)
	c := &sseClient{events: make(chan map[string]any, 100)}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var event, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				data = strings.TrimSpace(strings.TrimPrefix(line, "data:"))
			case line == "":
				var payload map[string]any
				_ = json.Unmarshal([]byte(data), &payload)
				if event == "PB_CONNECT" {
					connected <- payload["clientId"].(string)
				} else if rec, ok := payload["record"].(map[string]any); ok {
					c.events <- rec
				}
				event, data = "", ""
			}
		}
	}()
	var clientID string
	select {
	case clientID = <-connected:
	case <-time.After(10 * time.Second):
		t.Fatal("realtime: no PB_CONNECT")
	}
	body, _ := json.Marshal(map[string]any{"clientId": clientID, "subscriptions": []string{"notifications/*"}})
	sub, _ := http.NewRequest("POST", base+"/api/realtime", strings.NewReader(string(body)))
	sub.Header.Set("Content-Type", "application/json")
	sub.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(sub)
	if err != nil || res.StatusCode != http.StatusNoContent {
		t.Fatalf("realtime subscribe: %v %v", err, res.Status)
	}
	return c
}

// next returns the next notification pushed to the client.
func (c *sseClient) next(t *testing.T) map[string]any {
	t.Helper()
	select {
	case rec := <-c.events:
		return rec
	case <-time.After(10 * time.Second):
		t.Fatal("realtime: no notification pushed")
		return nil
	}
}

// The console's live updates: a notification is pushed over the realtime
// API to its recipient, and only to them.
func TestNotificationsRealtime(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	tm := newRemTeam(h)
	mine := h.verifiedCase(tm, wibAt(2026, 11, 20, 9, 0, 0), wibAt(2026, 11, 21, 9, 0, 0), validComplaint())
	// a second case, answered and verified by the other officer
	h.SetNow(wibAt(2026, 11, 20, 9, 0, 0))
	theirs := h.submit(validComplaint())
	h.mustStep(tm.officer2Token, theirs.Id, 2, "done", "Korban ditenangkan.", nil)
	h.SetNow(wibAt(2026, 11, 21, 9, 0, 0))
	h.mustStep(tm.officer2Token, theirs.Id, 3, "done", "", map[string]any{"requirements_complete": true, "referral_priorities": []string{"police"}})
	h.Teduh.Reminders().Wait()

	srv := httptest.NewServer(h.Handler)
	t.Cleanup(srv.Close)
	one := connectRealtime(t, srv.URL, tm.officerToken)
	two := connectRealtime(t, srv.URL, tm.officer2Token)

	h.sweepAt(wibAt(2026, 11, 26, 8, 0, 0)) // both cases due soon, each to its own officer

	for _, tc := range []struct {
		client *sseClient
		who    *core.Record
		caseID string
	}{{one, tm.officer, mine.Id}, {two, tm.officer2, theirs.Id}} {
		rec := tc.client.next(t)
		if rec["recipient"] != tc.who.Id || rec["key"] != "sla_due_soon:"+tc.caseID || rec["kind"] != "sla_due_soon" {
			t.Fatalf("%s received %v", tc.who.GetString("name"), rec)
		}
		if _, ok := rec["email_error"]; ok {
			t.Fatalf("hidden field pushed: %v", rec)
		}
	}
	// nothing else arrived for either of them
	for _, c := range []*sseClient{one, two} {
		select {
		case rec := <-c.events:
			t.Fatalf("unexpected push: %v", rec)
		default:
		}
	}
}

// "Mark all as read" marks the caller's notifications only, and leaves their
// mail state alone.
func TestReadAllNotifications(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	tm := newRemTeam(h)
	for range 3 {
		h.submit(validComplaint())
	}
	h.Teduh.Reminders().Wait()
	count := func(who string, read bool) int {
		var n int
		if err := h.App.DB().Select("COUNT(*)").From("notifications").
			Where(dbx.HashExp{"recipient": who, "read": read}).Row(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if count(tm.officer.Id, false) != 3 || count(tm.supervisor.Id, false) != 3 {
		t.Fatalf("setup: %d and %d unread", count(tm.officer.Id, false), count(tm.supervisor.Id, false))
	}
	res := h.Do("POST", "/api/notifications/read-all", nil, tm.officerToken)
	if res.Status != 200 || res.JSON["updated"] != float64(3) {
		t.Fatalf("read-all: %d %s", res.Status, res)
	}
	if count(tm.officer.Id, false) != 0 || count(tm.officer.Id, true) != 3 {
		t.Errorf("officer still has unread notifications")
	}
	if count(tm.supervisor.Id, false) != 3 {
		t.Errorf("another person's notifications were marked read")
	}
	var pending int
	if err := h.App.DB().Select("COUNT(*)").From("notifications").
		Where(dbx.HashExp{"recipient": tm.officer.Id, "email_status": "pending"}).Row(&pending); err != nil || pending != 3 {
		t.Errorf("mail state changed: %d pending (%v)", pending, err)
	}
	if res := h.Do("POST", "/api/notifications/read-all", nil, tm.officerToken); res.JSON["updated"] != float64(0) {
		t.Errorf("second read-all: %s", res)
	}
	if res := h.Do("POST", "/api/notifications/read-all", nil, ""); res.Status != 401 {
		t.Errorf("anonymous read-all: %d", res.Status)
	}
}
