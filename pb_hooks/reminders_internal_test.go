package pb_hooks

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teduh/internal/reminders"
	_ "teduh/pb_migrations"
)

func newInternalApp(t *testing.T) (*tests.TestApp, *Teduh) {
	t.Helper()
	app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{DataDir: t.TempDir(), EncryptionEnv: "pb_test_env"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	td, err := RegisterWith(app, Config{Now: func() time.Time { return time.Date(2026, 12, 4, 1, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	return app, td
}

// explain returns SQLite's query plan of q.
func explain(t *testing.T, app core.App, q *dbx.SelectQuery) string {
	t.Helper()
	built := q.Build()
	var rows []struct {
		Detail string `db:"detail"`
	}
	if err := app.DB().NewQuery("EXPLAIN QUERY PLAN " + built.SQL()).Bind(built.Params()).All(&rows); err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, r := range rows {
		parts = append(parts, r.Detail)
	}
	return strings.Join(parts, " | ")
}

// The sweep's reads are index range searches: it reads the due cases, not
// every stored case.
func TestSweepQueriesUseIndexes(t *testing.T) {
	app, td := newInternalApp(t)
	s := td.Reminders()
	office, err := LoadOffice(app)
	if err != nil {
		t.Fatal(err)
	}
	w := reminders.WindowAt(td.now(), office.Location())
	for i, q := range s.dueQueries(w) {
		plan := explain(t, app, q)
		t.Logf("complaints query %d: %s", i, plan)
		if !strings.Contains(plan, "SEARCH complaints USING INDEX") || strings.Contains(plan, "SCAN complaints") || strings.HasSuffix(plan, "(status=?)") {
			t.Errorf("complaints query %d scans the table: %s", i, plan)
		}
	}

	for _, withAlerts := range []bool{true, false} {
		if plan := explain(t, app, s.outboxQuery(td.now(), withAlerts)); !strings.Contains(plan, "USING INDEX idx_notifications_outbox") {
			t.Errorf("mail outbox does not use its index: %s", plan)
		}
	}
	if plan := explain(t, app, storedKeysQuery(app, []any{"a", "b"})); !strings.Contains(plan, "USING INDEX idx_notifications_complaint") {
		t.Errorf("stored-key look-up does not use the case index: %s", plan)
	}
	if plan := explain(t, app, s.awaitingQuery(app, []any{"a", "b"}, 6)); !strings.Contains(plan, "USING INDEX idx_case_steps_advance (complaint=? AND step=?)") {
		t.Errorf("the disposition's waiting time does not use the step index: %s", plan)
	}

	// the referrals query, once the referrals collection exists
	if _, err := app.FindCollectionByNameOrId("referrals"); err == nil {
		plan := explain(t, app, s.referralQuery(w))
		t.Logf("referrals query: %s", plan)
		if !strings.Contains(plan, "SEARCH referrals USING INDEX idx_referrals_status_sent (status=? AND sent_at>? AND sent_at<?)") {
			t.Errorf("the referrals query does not use its index: %s", plan)
		}
	}
}

// A panicking sweep is recovered and logged; the scheduler's goroutine (and
// the server) survive, and the start-up signal is still given.
func TestScheduledSweepPanicIsRecoveredAndLogged(t *testing.T) {
	_, td := newInternalApp(t)
	s := td.Reminders()
	var buf bytes.Buffer
	s.log = slog.New(slog.NewTextHandler(&buf, nil))
	s.sweep = func(time.Time) (*SweepReport, error) { panic("kaboom") }

	s.scheduledSweep() // must not panic

	select {
	case <-s.FirstSweepDone():
	default:
		t.Fatal("start-up sweep not signalled after a panic")
	}
	if out := buf.String(); !strings.Contains(out, "reminder sweep panicked") || !strings.Contains(out, "kaboom") {
		t.Fatalf("panic not logged: %s", out)
	}
}

func TestSweepIntervalFromEnvironment(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want time.Duration
		ok   bool
	}{
		{"", 5 * time.Minute, true},
		{"1", time.Minute, true},
		{"15", 15 * time.Minute, true},
		{"0", 5 * time.Minute, false},
		{"lima", 5 * time.Minute, false},
		{"-3", 5 * time.Minute, false},
	} {
		t.Setenv("TEDUH_SWEEP_MINUTES", tc.env)
		got, err := SweepInterval()
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("TEDUH_SWEEP_MINUTES=%q: %v, %v", tc.env, got, err)
		}
	}
}
