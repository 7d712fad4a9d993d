package pb_hooks_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teduh/pb_hooks"
)

func healthPart(t *testing.T, res *response, name string) map[string]any {
	t.Helper()
	part, ok := res.JSON[name].(map[string]any)
	if !ok {
		t.Fatalf("no %q in the health answer: %s", name, res)
	}
	return part
}

// A fresh install, as an office first meets it: everything that is missing
// is named, with what to do, and only supervisors and the superuser see it.
func TestSystemHealthOnAFreshInstall(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	_, supervisor := h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)
	_, officer := h.Staff("petugas@teduh.test", "Petugas", "officer", true)
	_, former := h.Staff("mantan@teduh.test", "Mantan Kepala", "supervisor", false)

	for name, c := range map[string]struct {
		token string
		want  int
	}{
		"nobody":              {"", 401},
		"an officer":          {officer, 403},
		"an inactive manager": {former, 403},
		"the superuser":       {h.Superuser(), 200},
	} {
		if res := h.Do("GET", "/api/system-health", nil, c.token); res.Status != c.want {
			t.Errorf("%s: %d %s, want %d", name, res.Status, res, c.want)
		} else if m, _ := res.JSON["message"].(string); c.want != 200 && !strings.Contains(m, "Masuk") && !strings.Contains(m, "kepala") && !strings.Contains(m, "tidak aktif") {
			t.Errorf("%s: message %q", name, res.JSON["message"])
		}
	}

	res := h.Do("GET", "/api/system-health", nil, supervisor)
	if res.Status != 200 || res.JSON["ok"] != false {
		t.Fatalf("fresh install: %d %s", res.Status, res)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	mail := healthPart(t, res, "mail")
	problems := strings.Join(toStrings(mail["problems"]), " ")
	if mail["configured"] != false || mail["smtp_enabled"] != false || !strings.Contains(problems, "SMTP") || !strings.Contains(problems, "support@example.com") {
		t.Errorf("mail on a fresh install: %v", mail)
	}
	if mail["last_sent_at"] != "" || mail["failing"] != 0.0 || mail["gave_up"] != 0.0 {
		t.Errorf("mail counts on a fresh install: %v", mail)
	}
	if u := healthPart(t, res, "app_url"); u["ok"] != false || !strings.Contains(u["problem"].(string), "localhost") {
		t.Errorf("app URL on a fresh install: %v", u)
	}
	if r := healthPart(t, res, "reminders"); r["ok"] != false || r["last"] != nil || !strings.Contains(r["problem"].(string), "Belum ada sapuan") || r["interval_minutes"] != 5.0 {
		t.Errorf("reminders before any sweep: %v", r)
	}
	b := healthPart(t, res, "backups")
	if b["ok"] != false || b["schedule"] != "0 19 * * *" || b["keep"] != 7.0 || b["storage"] != "local" || b["last"] != nil ||
		!strings.Contains(b["problem"].(string), "Belum ada cadangan") || !strings.Contains(b["note"].(string), "disk yang sama") {
		t.Errorf("backups on a fresh install: %v", b)
	}
	d := healthPart(t, res, "disk")
	if d["path"] != h.App.DataDir() || d["free_bytes"].(float64) <= 0 || d["total_bytes"].(float64) < d["free_bytes"].(float64) {
		t.Errorf("disk: %v", d)
	}
	// the chain itself, verified (a fresh install has the set-up's own entries)
	if a := healthPart(t, res, "audit"); a["status"] != "ok" || a["Jumlah catatan"] == nil {
		t.Errorf("audit chain on a fresh install: %v", a)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// An office that is set up: mail went out, a sweep ran, a backup exists,
// the audit chain reports; then two quiet days show up as problems.
func TestSystemHealthWhenSetUpAndWhenItGoesQuiet(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	tm := newRemTeam(h)
	h.verifiedCase(tm, wibAt(2026, 11, 20, 9, 0, 0), wibAt(2026, 11, 21, 9, 0, 0), validComplaint())
	h.Teduh.Reminders().Wait()
	in, _, port := startSMTP(t)
	useSMTP(h, port)
	defer pb_hooks.SetAuditChainState(func(app core.App) (map[string]any, error) {
		return map[string]any{"status": "ok", "entries": 3}, nil
	})()

	now := wibAt(2026, 11, 29, 8, 0, 0)
	if rep := h.sweepAt(now); rep.Mail.Sent != 3 || len(in.messages()) != 3 {
		t.Fatalf("sweep: %+v", rep.Mail)
	}
	if err := h.App.CreateBackup(context.Background(), "harian.zip"); err != nil {
		t.Fatal(err)
	}
	// made at the sweep's time, by the test's clock
	backup := filepath.Join(h.App.DataDir(), core.LocalBackupsDirName, "harian.zip")
	if err := os.Chtimes(backup, now, now); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(backup)
	if err != nil {
		t.Fatal(err)
	}

	h.SetNow(now.Add(10 * time.Minute))
	res := h.Do("GET", "/api/system-health", nil, tm.supervisorToken)
	if res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res)
	}
	mail := healthPart(t, res, "mail")
	if mail["ok"] != true || mail["configured"] != true || len(mail["problems"].([]any)) != 0 || mail["sender_address"] != "teduh@dinsos.singkawangkota.go.id" {
		t.Errorf("mail when set up: %v", mail)
	}
	if got := mail["last_sent_at"]; got != now.UTC().Format("2006-01-02 15:04:05.000Z") {
		t.Errorf("last delivery %v, want the sweep's time %s", got, now.UTC())
	}
	u := healthPart(t, res, "app_url")
	if u["ok"] != true || u["url"] != "https://teduh.singkawangkota.go.id" || !strings.Contains(u["note"].(string), "http://example.com") {
		t.Errorf("app URL: %v", u)
	}
	r := healthPart(t, res, "reminders")
	last, _ := r["last"].(map[string]any)
	if r["ok"] != true || last == nil || last["ok"] != true || last["mails_sent"] != 3.0 || last["notifications"] != 3.0 ||
		last["at"] != now.UTC().Format("2006-01-02 15:04:05.000Z") {
		t.Errorf("reminders after a sweep: %v", r)
	}
	b := healthPart(t, res, "backups")
	lastBackup, _ := b["last"].(map[string]any)
	if b["ok"] != true || b["count"] != 1.0 || lastBackup == nil || lastBackup["name"] != "harian.zip" || lastBackup["size"] != float64(fi.Size()) {
		t.Errorf("backups: %v (file of %d bytes)", b, fi.Size())
	}
	if a := healthPart(t, res, "audit"); a["status"] != "ok" || a["entries"] != 3.0 {
		t.Errorf("audit: %v", a)
	}
	disk := healthPart(t, res, "disk")
	repl := healthPart(t, res, "replication")
	if repl["ok"] != false || !strings.Contains(fmt.Sprint(repl["errors"]), "Replikasi belum diatur") {
		t.Errorf("replication without replicas: %v", repl)
	}
	if want := disk["ok"] == true && repl["ok"] == true; res.JSON["ok"] != want {
		t.Errorf("overall ok %v with every part ok but the disk (%v) and the replicas (%v)", res.JSON["ok"], disk, repl)
	}

	// three days without a sweep or a backup
	h.SetNow(now.Add(72 * time.Hour))
	res = h.Do("GET", "/api/system-health", nil, tm.supervisorToken)
	if r := healthPart(t, res, "reminders"); r["ok"] != false || !strings.Contains(r["problem"].(string), "sudah lama") {
		t.Errorf("reminders after three quiet days: %v", r)
	}
	if b := healthPart(t, res, "backups"); b["ok"] != false || !strings.Contains(b["problem"].(string), "lebih dari 2 hari") {
		t.Errorf("backups after three days: %v", b)
	}
	if res.JSON["ok"] != false {
		t.Error("overall ok with a stale sweep and backup")
	}

	// a failing audit chain reporter is shown as an error, not hidden
	defer pb_hooks.SetAuditChainState(func(app core.App) (map[string]any, error) {
		return nil, os.ErrPermission
	})()
	res = h.Do("GET", "/api/system-health", nil, tm.supervisorToken)
	if a := healthPart(t, res, "audit"); a["status"] != "error" || a["error"] == "" {
		t.Errorf("audit with a failing reporter: %v", a)
	}
}

// A mail that is failing shows when it is tried next.
func TestSystemHealthListsFailingMailWithItsNextAttempt(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	tm := newRemTeam(h)
	c := h.verifiedCase(tm, wibAt(2026, 11, 20, 9, 0, 0), wibAt(2026, 11, 21, 9, 0, 0), validComplaint())
	h.Teduh.Reminders().Wait()
	in, _, port := startSMTP(t)
	useSMTP(h, port)
	in.setRefuse(true)
	now := wibAt(2026, 11, 29, 8, 0, 0)
	h.sweepAt(now)

	res := h.Do("GET", "/api/system-health", nil, tm.supervisorToken)
	mail := healthPart(t, res, "mail")
	if mail["ok"] != false || mail["failing"] != 3.0 || mail["gave_up"] != 0.0 {
		t.Fatalf("mail while refused: %v", mail)
	}
	next := now.Add(5 * time.Minute).UTC().Format("2006-01-02 15:04:05.000Z")
	for _, item := range mail["unsent"].([]any) {
		u := item.(map[string]any)
		if u["status"] != "failed" || u["next_attempt_at"] != next || u["number"] != c.GetString("number") || u["attempts"] != 1.0 {
			t.Errorf("failing mail %v, want the next attempt at %s", u, next)
		}
	}
	if n := len(mail["unsent"].([]any)); n != 3 {
		t.Errorf("%d failing mails listed, want 3", n)
	}
}

// What the server says when it starts, in the form it was started with.
func TestStartupNotes(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	n := h.Teduh.StartupNotes(h.App, false, "/opt/teduh/teduh", "/opt/teduh/pb_data")
	accounts := strings.Join(n.Accounts, "\n")
	for _, want := range []string{
		"/opt/teduh/teduh superuser upsert admin@kantor.go.id 'kata-sandi-panjang' --dir=" + h.App.DataDir(),
		`/opt/teduh/teduh staff add kepala@kantor.go.id --name "Nama Kepala" --role supervisor --dir=` + h.App.DataDir(),
	} {
		if !strings.Contains(accounts, want) {
			t.Errorf("first-start notes lack %q:\n%s", want, accounts)
		}
	}
	warnings := strings.Join(n.Warnings, "\n")
	if len(n.Warnings) != 3 || !strings.Contains(warnings, "SMTP") || !strings.Contains(warnings, "support@example.com") || !strings.Contains(warnings, "localhost") {
		t.Errorf("warnings on a fresh install:\n%s", warnings)
	}
	var out bytes.Buffer
	pb_hooks.WriteStartupNotes(&out, n)
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if !strings.HasPrefix(line, "Teduh: ") {
			t.Errorf("unmarked line %q", line)
		}
	}
	if !strings.Contains(out.String(), "Teduh: PERINGATAN: Server e-mail (SMTP) belum diatur") || !strings.Contains(out.String(), "/staff/#/kesehatan") {
		t.Errorf("printed notes:\n%s", out.String())
	}

	// an officer is not the first account the console needs
	h.Staff("petugas@teduh.test", "Petugas", "officer", true)
	if n := h.Teduh.StartupNotes(h.App, false, "/opt/teduh/teduh", h.App.DataDir()); len(n.Accounts) != 4 {
		t.Errorf("with an officer only: %q", n.Accounts)
	}

	h.Superuser()
	h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)
	s := h.App.Settings()
	s.SMTP.Enabled, s.SMTP.Host = true, "smtp.kantor.go.id"
	s.Meta.SenderAddress = "teduh@kantor.go.id"
	s.Meta.AppURL = "http://192.168.1.10:8090"
	if n := h.Teduh.StartupNotes(h.App, false, "/opt/teduh/teduh", h.App.DataDir()); len(n.Accounts) != 0 || len(n.Warnings) != 0 {
		t.Errorf("a set-up office still gets notes: %q %q", n.Accounts, n.Warnings)
	}
}

func TestAccountCommands(t *testing.T) {
	for _, c := range []struct {
		goRun                     bool
		exe, dir, defaultDir      string
		wantSuperuser, wantStaffs string
	}{
		{true, "/root/.cache/go-build/ab/teduh", "/src/pb_data", "/src/pb_data",
			"make superuser EMAIL=admin@kantor.go.id PASSWORD='kata-sandi-panjang'",
			`make staff EMAIL=kepala@kantor.go.id NAME="Nama Kepala" ROLE=supervisor`},
		{true, "/tmp/go-build1/b001/exe/teduh", "/data/teduh", "/src/pb_data",
			"make superuser EMAIL=admin@kantor.go.id PASSWORD='kata-sandi-panjang' DIR=/data/teduh",
			`make staff EMAIL=kepala@kantor.go.id NAME="Nama Kepala" ROLE=supervisor DIR=/data/teduh`},
		{false, "teduh", "pb_data", "pb_data",
			"./teduh superuser upsert admin@kantor.go.id 'kata-sandi-panjang'",
			`./teduh staff add kepala@kantor.go.id --name "Nama Kepala" --role supervisor`},
		{false, "/opt/Teduh Kota/teduh", "/var/lib/teduh", "/opt/Teduh Kota/pb_data",
			"'/opt/Teduh Kota/teduh' superuser upsert admin@kantor.go.id 'kata-sandi-panjang' --dir=/var/lib/teduh",
			`'/opt/Teduh Kota/teduh' staff add kepala@kantor.go.id --name "Nama Kepala" --role supervisor --dir=/var/lib/teduh`},
	} {
		su, st := pb_hooks.AccountCommands(c.goRun, c.exe, c.dir, c.defaultDir)
		if su != c.wantSuperuser || st != c.wantStaffs {
			t.Errorf("%v %q %q:\n got  %s\n      %s\n want %s\n      %s", c.goRun, c.exe, c.dir, su, st, c.wantSuperuser, c.wantStaffs)
		}
	}
}

func TestAppURLProblem(t *testing.T) {
	for url, want := range map[string]string{
		"":                           "belum diisi",
		"http://localhost:8090":      "localhost",
		"http://127.0.0.1:8090/":     "127.0.0.1",
		"http://0.0.0.0:8090":        "0.0.0.0",
		"http://[::1]:8090":          "[::1]",
		"teduh.kota.go.id":           "bukan alamat web yang sah",
		"ftp://teduh.kota.go.id":     "bukan alamat web yang sah",
		"https://teduh.kota.go.id":   "",
		"http://192.168.1.10:8090":   "",
		"https://teduh.kota.go.id/x": "",
	} {
		got := pb_hooks.AppURLProblem(url)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("%q: %q, want it to mention %q", url, got, want)
		}
	}
}
