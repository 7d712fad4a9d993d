package pb_hooks_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
)

// liveClient is a live-channel subscriber over a real HTTP connection, as a
// browser's EventSource is: it connects, learns its client id, sets its
// subscriptions with a token, and collects the events it receives.
type liveClient struct {
	t        testing.TB
	base     string
	clientID string
	cancel   context.CancelFunc

	mu     sync.Mutex
	events []liveEvent
}

type liveEvent struct {
	Name string
	Data string
}

// liveServer serves the harness over a real loopback HTTP server.
func (h *harness) liveServer() *httptest.Server {
	srv := httptest.NewServer(h.Handler)
	h.t.Cleanup(srv.Close)
	return srv
}

func connectLive(t testing.TB, base string) *liveClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/realtime", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	c := &liveClient{t: t, base: base, cancel: cancel}
	t.Cleanup(func() { cancel(); res.Body.Close() })
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev liveEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				ev.Name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				ev.Data += strings.TrimSpace(strings.TrimPrefix(line, "data:"))
			case line == "":
				if ev.Name == "PB_CONNECT" {
					var hello struct {
						ClientID string `json:"clientId"`
					}
					_ = json.Unmarshal([]byte(ev.Data), &hello)
					ready <- hello.ClientID
				} else if ev.Name != "" {
					c.mu.Lock()
					c.events = append(c.events, ev)
					c.mu.Unlock()
				}
				ev = liveEvent{}
			}
		}
	}()
	select {
	case c.clientID = <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("no PB_CONNECT from the live channel")
	}
	return c
}

// subscribe sets the client's subscriptions; it returns the status and body.
func (c *liveClient) subscribe(token string, topics ...string) (int, string) {
	c.t.Helper()
	body, _ := json.Marshal(map[string]any{"clientId": c.clientID, "subscriptions": topics})
	req, _ := http.NewRequest("POST", c.base+"/api/realtime", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(res.Body)
	return res.StatusCode, buf.String()
}

// waitFor polls until cond holds for the events received (at most 10 s).
func (c *liveClient) waitFor(what string, cond func([]liveEvent) bool) []liveEvent {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.mu.Lock()
		events := append([]liveEvent(nil), c.events...)
		c.mu.Unlock()
		if cond(events) {
			return events
		}
		if time.Now().After(deadline) {
			var names []string
			for _, e := range events {
				names = append(names, e.Name+" "+e.Data)
			}
			c.t.Fatalf("live channel: %s did not happen within 10 s; received:\n%s", what, strings.Join(names, "\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (c *liveClient) received() []liveEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]liveEvent(nil), c.events...)
}

func options(query map[string]any) string {
	data, _ := json.Marshal(map[string]any{"query": query})
	return "?options=" + url.QueryEscape(string(data))
}

// A console subscribed to cases hears that a case arrived or moved, with the
// queue's fields only, even when it asks for every field; asking for
// expanded relations is refused. Each event it receives is in the audit
// trail as a read, with the subscriber's address.
func TestRealtimeCarriesNoStoryAndIsAudited(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	sup, supTok := h.Staff("kepala@teduh.test", "Kepala Bidang", "supervisor", true)
	_, tok := h.Staff("petugas@teduh.test", "Petugas Satu", "officer", true)
	srv := h.liveServer()

	live := connectLive(t, srv.URL)
	expand := options(map[string]any{"expand": "assigned_to,intake_actor,complaint"})
	if status, body := live.subscribe(supTok, "complaints/*"+expand); status != 400 || !strings.Contains(body, "expand") {
		t.Fatalf("a subscription asking for expanded relations: %d %s", status, body)
	}
	all := options(map[string]any{"fields": "*"})
	if status, body := live.subscribe(supTok, "complaints/*"+all, "case_steps/*"); status != 204 {
		t.Fatalf("subscribe: %d %s", status, body)
	}

	c := h.submit(sensitiveComplaint())
	h.mustStep(tok, c.Id, 2, "done", "Korban ditenangkan; pelaku pamannya.", nil)

	count := func(events []liveEvent) (cases, steps int) {
		for _, ev := range events {
			switch {
			case strings.HasPrefix(ev.Name, "complaints/"):
				cases++
			case strings.HasPrefix(ev.Name, "case_steps/"):
				steps++
			}
		}
		return
	}
	events := live.waitFor("the arrival and step 2 of the case and its steps", func(ev []liveEvent) bool {
		cases, steps := count(ev)
		return cases >= 2 && steps >= 2
	})
	for _, ev := range events {
		var msg struct {
			Action string         `json:"action"`
			Record map[string]any `json:"record"`
		}
		if err := json.Unmarshal([]byte(ev.Data), &msg); err != nil {
			t.Fatalf("%s: %v", ev.Name, err)
		}
		switch {
		case strings.HasPrefix(ev.Name, "complaints/"):
			if msg.Record["number"] != c.GetString("number") || msg.Record["status"] == nil {
				t.Errorf("case event lacks the queue's fields: %v", msg.Record)
			}
			for _, f := range []string{"victim_name", "reporter_name", "reporter_phone", "chronology", "victim_nik", "victim_address", "tracking_code"} {
				if _, ok := msg.Record[f]; ok {
					t.Errorf("case event carries %s: %v", f, msg.Record[f])
				}
			}
		case strings.HasPrefix(ev.Name, "case_steps/"):
			for _, f := range []string{"notes", "data"} {
				if _, ok := msg.Record[f]; ok {
					t.Errorf("step event carries %s", f)
				}
			}
		}
		if ex, ok := msg.Record["expand"].(map[string]any); ok && len(ex) > 0 {
			t.Errorf("%s event carries expanded relations: %v", ev.Name, ex)
		}
		expectNoSecrets(t, "realtime event", ev.Data)
	}
	// every event received was recorded before it was sent, with the address
	cases, steps := count(events)
	var rows []struct {
		IP string `db:"ip"`
	}
	if err := h.App.DB().Select("ip").From("audit_log").
		Where(dbx.HashExp{"action": "realtime", "actor_id": sup.Id}).All(&rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) < cases+steps {
		t.Errorf("%d realtime reads audited for %d events", len(rows), cases+steps)
	}
	for _, r := range rows {
		if r.IP == "" {
			t.Errorf("a realtime read was audited without the subscriber's address")
		}
	}
}
