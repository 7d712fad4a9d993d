package pb_hooks_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"
)

type mailState struct {
	ID       string         `db:"id"`
	Status   string         `db:"email_status"`
	Attempts int            `db:"email_attempts"`
	Error    string         `db:"email_error"`
	Lease    types.DateTime `db:"email_lease_until"`
}

func (h *harness) mailStates(ids []any) map[string]mailState {
	h.t.Helper()
	var rows []mailState
	if err := h.App.DB().Select("id", "email_status", "email_attempts", "email_error", "email_lease_until").From("notifications").
		Where(dbx.In("id", ids...)).All(&rows); err != nil {
		h.t.Fatal(err)
	}
	out := map[string]mailState{}
	for _, r := range rows {
		out[r.ID] = r
	}
	return out
}

// A mail server that keeps refusing: each reminder's mail is tried again
// after 5 minutes, 15 minutes, 1, 3, 6, 12 and 24 hours — never before —
// and after the eighth refusal it is given up, with the server's answer
// kept; no later sweep tries it again, and the system health page lists it.
func TestRefusedMailBacksOffAndGivesUp(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	tm := newRemTeam(h)
	c := h.verifiedCase(tm, wibAt(2026, 11, 20, 9, 0, 0), wibAt(2026, 11, 21, 9, 0, 0), validComplaint())
	h.Teduh.Reminders().Wait()
	in, _, port := startSMTP(t)
	useSMTP(h, port)
	in.setRefuse(true)

	t0 := wibAt(2026, 11, 29, 8, 0, 0) // overdue: officer and two supervisors
	rep := h.sweepAt(t0)
	if len(rep.Created) != 3 || rep.Mail.Failed != 3 {
		t.Fatalf("first sweep: created %d, mail %+v", len(rep.Created), rep.Mail)
	}
	var ids []any
	if err := h.App.DB().Select("id").From("notifications").
		Where(dbx.HashExp{"complaint": c.Id}).AndWhere(dbx.NewExp("kind != 'new_complaint'")).Column(&ids); err != nil || len(ids) != 3 {
		t.Fatalf("the reminders of the case: %v %v", ids, err)
	}

	waits := []time.Duration{5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour}
	at := t0
	for attempt := 1; attempt <= 8; attempt++ {
		if attempt > 1 {
			// a sweep a minute before the pause ends leaves them alone
			h.sweepAt(at.Add(-time.Minute))
			for id, s := range h.mailStates(ids) {
				if s.Attempts != attempt-1 {
					t.Fatalf("attempt %d: %s tried %d times a minute before its pause ended", attempt, id, s.Attempts)
				}
			}
			h.sweepAt(at)
		}
		for id, s := range h.mailStates(ids) {
			if s.Attempts != attempt || !strings.Contains(s.Error, "554") {
				t.Fatalf("attempt %d at %s: %s has %d attempts, error %q", attempt, at, id, s.Attempts, s.Error)
			}
			if attempt < 8 {
				next := at.Add(waits[attempt-1])
				if s.Status != "failed" || !s.Lease.Time().Equal(next.UTC().Truncate(time.Millisecond)) {
					t.Fatalf("after attempt %d: %s status %s, next attempt %s, want failed at %s", attempt, id, s.Status, s.Lease.Time(), next.UTC())
				}
			} else if s.Status != "gave_up" || !s.Lease.IsZero() {
				t.Fatalf("after the last attempt: %s status %s, lease %s", id, s.Status, s.Lease)
			}
		}
		if attempt < 8 {
			at = at.Add(waits[attempt-1])
		}
	}
	if at.Sub(t0) >= 48*time.Hour {
		t.Fatalf("the last attempt came %s after the first", at.Sub(t0))
	}

	// given up is final, even once the server accepts again
	in.setRefuse(false)
	for _, later := range []time.Duration{time.Hour, 24 * time.Hour, 72 * time.Hour} {
		h.sweepAt(at.Add(later))
	}
	for id, s := range h.mailStates(ids) {
		if s.Status != "gave_up" || s.Attempts != 8 {
			t.Fatalf("%s after the server came back: %s, %d attempts", id, s.Status, s.Attempts)
		}
	}

	// the supervisor sees what was not sent, and why
	h.SetNow(at.Add(time.Hour))
	res := h.Do("GET", "/api/system-health", nil, tm.supervisorToken)
	if res.Status != 200 {
		t.Fatalf("system health: %d %s", res.Status, res)
	}
	mail := res.JSON["mail"].(map[string]any)
	if mail["ok"] != false || mail["gave_up"].(float64) < 3 {
		t.Fatalf("mail health %v", mail)
	}
	listed := 0
	for _, item := range mail["unsent"].([]any) {
		u := item.(map[string]any)
		for _, id := range ids {
			if u["id"] == id {
				listed++
				if u["status"] != "gave_up" || u["number"] != c.GetString("number") || u["attempts"].(float64) != 8 ||
					!strings.Contains(u["error"].(string), "554") || u["next_attempt_at"] != "" || u["title"] == "" || u["recipient"] == "" {
					t.Errorf("unsent mail %v", u)
				}
			}
		}
	}
	if listed != 3 {
		t.Errorf("%d of the 3 given-up mails listed: %v", listed, mail["unsent"])
	}
}

// A notification older than two days gets no more attempts: its next
// failure is its last, whatever its count.
func TestOldNotificationMailGivesUpAtItsNextFailure(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	tm := newRemTeam(h)
	c := h.verifiedCase(tm, wibAt(2026, 11, 20, 9, 0, 0), wibAt(2026, 11, 21, 9, 0, 0), validComplaint())
	h.Teduh.Reminders().Wait()
	in, _, port := startSMTP(t)
	useSMTP(h, port)
	in.setRefuse(true)

	now := wibAt(2026, 11, 29, 8, 0, 0)
	h.sweepAt(now)
	var ids []any
	if err := h.App.DB().Select("id").From("notifications").
		Where(dbx.HashExp{"complaint": c.Id}).AndWhere(dbx.NewExp("kind != 'new_complaint'")).Column(&ids); err != nil || len(ids) != 3 {
		t.Fatalf("the reminders of the case: %v %v", ids, err)
	}
	// stored three days before the next attempt
	if _, err := h.App.DB().Update("notifications", dbx.Params{"created": now.Add(5*time.Minute - 72*time.Hour).UTC().Format(types.DefaultDateLayout)},
		dbx.In("id", ids...)).Execute(); err != nil {
		t.Fatal(err)
	}
	h.sweepAt(now.Add(5 * time.Minute))
	for id, s := range h.mailStates(ids) {
		if s.Status != "gave_up" || s.Attempts != 2 {
			t.Errorf("%s: %s after %d attempts, want gave_up after 2", id, s.Status, s.Attempts)
		}
	}
}
