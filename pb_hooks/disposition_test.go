package pb_hooks_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Step 7 (the disposition) is the supervisors' alone: once step 6 is done
// nobody else can move the case, so every active supervisor is told at
// once, reminded a day later if it still waits, and the queue finds these
// cases for them.

// throughStep5 takes a verified case through steps 4 and 5.
func (h *harness) throughStep5(tm remTeam, c *core.Record) {
	h.t.Helper()
	h.mustStep(tm.officerToken, c.Id, 4, "skipped", "Korban sudah aman di rumah keluarga.", nil)
	h.mustStep(tm.officerToken, c.Id, 5, "done", "", map[string]any{"victim_safe": true})
}

var step6Data = map[string]any{"violence_types": []string{"physical"}, "perpetrator_relation": "spouse", "incident_place": "household", "needs": []string{"psychosocial"}}

// backdateStep sets when a case's step record was made (the record's own
// time is the wall clock's; the story's clock is the harness's).
func (h *harness) backdateStep(caseID string, step int, at time.Time) {
	h.t.Helper()
	if _, err := h.App.NonconcurrentDB().Update("case_steps", dbx.Params{"created": at.UTC().Format(types.DefaultDateLayout)},
		dbx.HashExp{"complaint": caseID, "step": step}).Execute(); err != nil {
		h.t.Fatal(err)
	}
}

func TestDispositionWaitingTellsEverySupervisor(t *testing.T) {
	start := wibAt(2026, 11, 20, 9, 0, 0)
	h := newHarness(t, start)
	tm := newRemTeam(h)
	c := h.verifiedCase(tm, start, start.Add(time.Hour), validComplaint())
	n := c.GetString("number")
	h.throughStep5(tm, c)
	h.Teduh.Reminders().Wait()
	before := h.notices()
	mailsBefore := len(h.App.TestMailer.Messages())

	// step 6 done: step 7 is the supervisors' (and the officers hear nothing)
	done6 := wibAt(2026, 11, 21, 14, 0, 0)
	h.SetNow(done6)
	h.mustStep(tm.officerToken, c.Id, 6, "done", "", step6Data)
	h.Teduh.Reminders().Wait()
	h.backdateStep(c.Id, 6, done6)
	expectLines(t, "the moment step 6 is done", delta(before, h.notices()),
		"kepala@teduh.test disposition_waiting disposition_waiting:"+n,
		"kepala2@teduh.test disposition_waiting disposition_waiting:"+n)
	var mailed []string
	for _, m := range h.App.TestMailer.Messages()[mailsBefore:] {
		mailed = append(mailed, m.To[0].Address+" "+m.Subject)
	}
	expectLines(t, "mailed at once", mailed,
		"kepala@teduh.test [Teduh] Kasus menunggu disposisi: "+n, "kepala2@teduh.test [Teduh] Kasus menunggu disposisi: "+n)
	var msg string
	_ = h.App.DB().Select("message").From("notifications").Where(dbx.HashExp{"kind": "disposition_waiting"}).Limit(1).Row(&msg)
	if !strings.Contains(msg, n) || !strings.Contains(msg, "langkah 7") || strings.Contains(msg, "Ani") {
		t.Errorf("message %q", msg)
	}

	// the sweeps of the day add nothing; a day later each supervisor is reminded, once
	after6 := h.notices()
	for _, at := range []time.Time{done6.Add(time.Minute), done6.Add(24*time.Hour - time.Second)} {
		if got := delta(after6, h.notices()); len(h.sweepAt(at).Created) != 0 || len(got) != 0 {
			t.Fatalf("sweep at %v stored %v", at, got)
		}
	}
	rep := h.sweepAt(done6.Add(24 * time.Hour))
	expectLines(t, "a day later", delta(after6, h.notices()),
		"kepala@teduh.test disposition_reminder disposition_reminder:"+n,
		"kepala2@teduh.test disposition_reminder disposition_reminder:"+n)
	if len(rep.Created) != 2 || !strings.Contains(rep.Created[0].Message, "sejak 21 November 2026 pukul 14.00 WIB") {
		t.Errorf("reminders %+v", rep.Created)
	}
	reminded := h.notices()
	if got := h.sweepAt(done6.Add(50 * time.Hour)); len(got.Created) != 0 {
		t.Errorf("a second reminder: %+v", got.Created)
	}

	// the disposition given, nothing more about it
	h.SetNow(done6.Add(51 * time.Hour))
	h.mustStep(tm.supervisorToken, c.Id, 7, "done", "Cukup pendampingan Dinas.", map[string]any{"referral_needed": false})
	h.sweepAt(done6.Add(80 * time.Hour))
	for _, line := range delta(reminded, h.notices()) {
		if strings.Contains(line, "disposition") {
			t.Errorf("after the disposition: %s", line)
		}
	}
}

// A case that came to wait while the server was down is found by the next
// sweep: the notice within the first day, the reminder after it.
func TestDispositionCaughtUpBySweep(t *testing.T) {
	start := wibAt(2026, 11, 20, 9, 0, 0)
	h := newHarness(t, start)
	tm := newRemTeam(h)
	fresh := h.verifiedCase(tm, start, start.Add(time.Hour), validComplaint())
	old := h.verifiedCase(tm, start, start.Add(time.Hour), with(validComplaint(), "victim_name", "Bunga"))
	for _, c := range []*core.Record{fresh, old} {
		h.throughStep5(tm, c)
		h.mustStep(tm.officerToken, c.Id, 6, "done", "", step6Data)
	}
	h.Teduh.Reminders().Wait()
	// as if no notice had been stored, and the cases had waited for 3 hours and 2 days
	if _, err := h.App.DB().NewQuery("DELETE FROM notifications WHERE kind = 'disposition_waiting'").Execute(); err != nil {
		t.Fatal(err)
	}
	now := wibAt(2026, 11, 23, 9, 0, 0)
	h.backdateStep(fresh.Id, 6, now.Add(-3*time.Hour))
	h.backdateStep(old.Id, 6, now.Add(-48*time.Hour))
	before := h.notices()
	h.sweepAt(now)
	f, o := fresh.GetString("number"), old.GetString("number")
	expectLines(t, "the sweep after the downtime", onlyKinds(delta(before, h.notices()), "disposition"),
		"kepala@teduh.test disposition_waiting disposition_waiting:"+f, "kepala2@teduh.test disposition_waiting disposition_waiting:"+f,
		"kepala@teduh.test disposition_reminder disposition_reminder:"+o, "kepala2@teduh.test disposition_reminder disposition_reminder:"+o)
}

func onlyKinds(lines []string, part string) []string {
	out := []string{}
	for _, l := range lines {
		if strings.Contains(l, part) {
			out = append(out, l)
		}
	}
	return out
}

// GET /api/queue?waiting=disposition: the open cases waiting for step 7,
// within what the caller may see.
func TestQueueWaitingForDisposition(t *testing.T) {
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	h := newHarness(t, now.Add(-5*24*time.Hour))
	officerA, tokA := h.Staff("a@teduh.test", "Petugas A", "officer", true)
	officerB, _ := h.Staff("b@teduh.test", "Petugas B", "officer", true)
	_, sup := h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)
	cases := map[string]*core.Record{}
	for _, c := range []struct {
		name, status, assignee string
		step                   int
	}{
		{"waitA", "in_progress", officerA.Id, 6}, {"waitB", "in_progress", officerB.Id, 6},
		{"step5", "in_progress", officerA.Id, 5}, {"step7", "in_progress", officerA.Id, 7},
		{"withdrawn", "withdrawn", officerA.Id, 6},
	} {
		rec := h.submit(with(validComplaint(), "victim_name", "Korban "+c.name))
		setCase(t, h, rec, map[string]any{"status": c.status, "current_step": c.step, "assigned_to": c.assignee,
			"first_response_at": now, "due_at": now.Add(time.Duration(len(cases)+1) * 24 * time.Hour)})
		cases[c.name] = rec
	}
	h.SetNow(now)
	num := func(names ...string) string {
		var out []string
		for _, n := range names {
			out = append(out, cases[n].GetString("number"))
		}
		return fmt.Sprint(out)
	}
	for _, tc := range []struct {
		query, token, want string
	}{
		{"waiting=disposition", sup, num("waitA", "waitB")},
		{"waiting=disposition", tokA, num("waitA")},
		{"waiting=disposition&status=all", sup, num("waitB", "waitA")}, // the archive order: newest first
		{"waiting=disposition&scope=mine", tokA, num("waitA")},
		{"waiting=disposition&status=closed", sup, "[]"},
	} {
		if got := fmt.Sprint(queueNumbers(t, h.Do("GET", "/api/queue?"+tc.query, nil, tc.token))); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.query, got, tc.want)
		}
	}
	if res := h.Do("GET", "/api/queue?waiting=supervisor", nil, sup); res.Status != 400 || res.FieldCode("waiting") != "invalid_waiting" {
		t.Errorf("unknown waiting: %d %s", res.Status, res)
	}
	// read through the index of open cases by step
	for _, who := range []string{"", officerA.Id} {
		plan, err := h.Teduh.QueuePlan(h.App, who, "waiting=disposition")
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(plan, "\n")
		t.Logf("waiting=disposition (officer %v):\n%s", who != "", text)
		if !strings.Contains(text, "idx_complaints_open_step") {
			t.Errorf("waiting=disposition (officer %v) does not use idx_complaints_open_step:\n%s", who != "", text)
		}
	}
}
