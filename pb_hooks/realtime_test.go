package pb_hooks_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// A console subscribed to cases hears that a case arrived or moved, with the
// queue's fields only, even when it asks for everything and for expanded
// relations; each event it receives is in the audit trail as a read.
func TestRealtimeCarriesNoStoryAndIsAudited(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	sup, _ := h.Staff("kepala@teduh.test", "Kepala Bidang", "supervisor", true)
	_, tok := h.Staff("petugas@teduh.test", "Petugas Satu", "officer", true)

	client := subscriptions.NewDefaultClient()
	expand := url.QueryEscape(`{"query":{"expand":"assigned_to,intake_actor,complaint"}}`)
	client.Subscribe("complaints/*?options="+expand, "case_steps/*?options="+expand)
	client.Set(apis.RealtimeClientAuthKey, sup)
	h.App.SubscriptionsBroker().Register(client)
	defer h.App.SubscriptionsBroker().Unregister(client.Id())
	var mu sync.Mutex
	var got []string
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case m := <-client.Channel():
				mu.Lock()
				got = append(got, m.Name+" "+string(m.Data))
				mu.Unlock()
			case <-done:
				return
			}
		}
	}()

	c := h.submit(sensitiveComplaint())
	h.mustStep(tok, c.Id, 2, "done", "Korban ditenangkan; pelaku pamannya.", nil)

	mu.Lock()
	events := append([]string(nil), got...)
	mu.Unlock()
	var cases, steps int
	for _, ev := range events {
		name, data, _ := strings.Cut(ev, " ")
		var msg struct {
			Action string         `json:"action"`
			Record map[string]any `json:"record"`
		}
		if err := json.Unmarshal([]byte(data), &msg); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		switch {
		case strings.HasPrefix(name, "complaints/"):
			cases++
			if msg.Record["number"] != c.GetString("number") || msg.Record["status"] == nil {
				t.Errorf("case event lacks the queue's fields: %v", msg.Record)
			}
			for _, f := range []string{"victim_name", "reporter_name", "reporter_phone", "chronology", "victim_nik", "victim_address", "tracking_code"} {
				if _, ok := msg.Record[f]; ok {
					t.Errorf("case event carries %s: %v", f, msg.Record[f])
				}
			}
		case strings.HasPrefix(name, "case_steps/"):
			steps++
			for _, f := range []string{"notes", "data"} {
				if _, ok := msg.Record[f]; ok {
					t.Errorf("step event carries %s", f)
				}
			}
		}
		if ex, ok := msg.Record["expand"].(map[string]any); ok && len(ex) > 0 {
			t.Errorf("%s event carries expanded relations: %v", name, ex)
		}
		expectNoSecrets(t, "realtime event", data)
	}
	if cases < 2 || steps < 2 {
		t.Fatalf("%d case events and %d step events, want the arrival and step 2 of each:\n%s", cases, steps, strings.Join(events, "\n"))
	}
	var audited int
	if err := h.App.DB().Select("COUNT(*)").From("audit_log").
		Where(dbx.HashExp{"action": "realtime", "actor_id": sup.Id}).Row(&audited); err != nil {
		t.Fatal(err)
	}
	if audited != cases+steps {
		t.Errorf("%d realtime reads audited for %d events", audited, cases+steps)
	}
}
