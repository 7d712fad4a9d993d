package pb_hooks_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"teduh/pb_hooks"
)

// `make run` after downtime: the server starts the scheduler in OnServe, and
// the start-up sweep delivers what came due while it was stopped — within
// moments, without waiting for the interval.
func TestServerStartCatchesUpAtOnce(t *testing.T) {
	t.Setenv("TEDUH_SWEEP_MINUTES", "60") // the interval cannot be what delivers it
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	tm := newRemTeam(h)
	c := h.verifiedCase(tm, wibAt(2026, 11, 20, 9, 0, 0), wibAt(2026, 11, 21, 9, 0, 0), validComplaint())
	h.Teduh.Reminders().Wait()
	// the server was stopped on 25 November; it is started on 4 December,
	// six days after the case's due_at (28 November 09:00 WIB)
	h.SetNow(wibAt(2026, 12, 4, 7, 30, 0))

	// what apis.Serve does: OnServe with a real http.Server
	router, err := apis.NewRouter(h.App)
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	se := &core.ServeEvent{App: h.App, Router: router, Server: &http.Server{Addr: "127.0.0.1:0"}}
	if err := h.App.OnServe().Trigger(se, func(e *core.ServeEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Teduh.Reminders().Stop)

	select {
	case <-h.Teduh.Reminders().FirstSweepDone():
	case <-time.After(10 * time.Second):
		t.Fatal("no start-up sweep within 10 seconds")
	}
	took := time.Since(started)

	n := c.GetString("number")
	want := []string{
		"petugas@teduh.test sla_overdue sla_overdue:" + n + ":2026-12-04",
		"kepala@teduh.test sla_escalation sla_escalation:" + n,
		"kepala2@teduh.test sla_escalation sla_escalation:" + n,
	}
	got := h.notices()
	for _, w := range want {
		if !strings.Contains(strings.Join(got, "\n"), w) {
			t.Fatalf("after start-up: missing %q in %q", w, got)
		}
	}
	if took > 5*time.Second {
		t.Fatalf("start-up sweep took %v", took)
	}
	t.Logf("reminders delivered %v after the server started", took.Round(time.Millisecond))
	if mails := mailFor(h.App.TestMailer.Messages(), "petugas@teduh.test"); len(mails) == 0 ||
		mails[len(mails)-1].Subject != "[Teduh] Kasus melewati batas waktu layanan: "+n {
		t.Fatalf("overdue mail not sent at start-up")
	}
}

// Test apps that only build the router (every other test) start no scheduler.
func TestNoSchedulerWithoutServer(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	select {
	case <-h.Teduh.Reminders().FirstSweepDone():
		t.Fatal("a scheduler ran in a test app without an HTTP server")
	default:
	}
}

// `teduh reminders run --now …` sweeps once and says what it did, in
// Bahasa Indonesia; a second run finds everything already sent.
func TestRemindersRunCommand(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	tm := newRemTeam(h)
	c := h.verifiedCase(tm, wibAt(2026, 11, 20, 9, 0, 0), wibAt(2026, 11, 21, 9, 0, 0), validComplaint())
	h.Teduh.Reminders().Wait()
	n := c.GetString("number")

	run := func(args ...string) (string, error) {
		cmd := pb_hooks.RemindersCommand(h.App)
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetArgs(args)
		err := cmd.Execute()
		return out.String(), err
	}

	out, err := run("run", "--now", "2026-11-29T08:00:00+07:00")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"Sapuan pengingat pada 29 November 2026 pukul 08.00 WIB",
		"Notifikasi baru: 3 (sudah pernah dikirim: 0)",
		"+ " + n + "  sla_overdue → Petugas Satu <petugas@teduh.test>",
		"+ " + n + "  sla_escalation → Kepala Bidang <kepala@teduh.test>",
		"E-mail: 3 terkirim, 0 gagal",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	out, err = run("run", "--now", "2026-11-29T08:05:00+07:00")
	if err != nil || !strings.Contains(out, "Notifikasi baru: 0 (sudah pernah dikirim: 3)") || !strings.Contains(out, "E-mail: 0 terkirim") {
		t.Fatalf("second run: %v\n%s", err, out)
	}

	// without --now it uses the application's clock
	h.SetNow(wibAt(2026, 11, 30, 0, 0, 1))
	out, err = run("run")
	if err != nil || !strings.Contains(out, "30 November 2026 pukul 00.00 WIB") || !strings.Contains(out, "+ "+n+"  sla_overdue → Petugas Satu") {
		t.Fatalf("run without --now: %v\n%s", err, out)
	}

	if out, err := run("run", "--now", "besok pagi"); err == nil || !strings.Contains(err.Error(), "RFC 3339") {
		t.Fatalf("bad --now accepted: %v\n%s", err, out)
	}
}
