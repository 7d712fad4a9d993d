package pb_hooks

// What the server says when it starts: the commands that create the first
// accounts while there are none — in the form the server was started with
// (make targets under `make run`, the binary's own path otherwise) — and
// warnings about what keeps mail from reaching staff. An office that follows
// only the terminal is not left with silent failures.

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/osutils"
)

// StartupNotes are what the server tells whoever starts it: the commands
// that create the first accounts while there are none, and warnings about
// what keeps mail from reaching staff.
type StartupNotes struct {
	Accounts []string // how to create the first accounts
	Warnings []string
}

// accountCommands are the commands that create the first superuser and
// supervisor, in the form of how this process was started: make targets
// under `go run` (make run), the binary's own path otherwise; with the data
// directory when it is not the default one.
func accountCommands(goRun bool, exe, dataDir, defaultDataDir string) (superuser, supervisor string) {
	sameDir := func() bool {
		a, errA := filepath.Abs(dataDir)
		b, errB := filepath.Abs(defaultDataDir)
		return errA == nil && errB == nil && a == b
	}()
	if goRun {
		dir := ""
		if !sameDir {
			dir = " DIR=" + shellQuote(dataDir)
		}
		return "make superuser EMAIL=admin@kantor.go.id PASSWORD='kata-sandi-panjang'" + dir,
			`make staff EMAIL=kepala@kantor.go.id NAME="Nama Kepala" ROLE=supervisor` + dir
	}
	dir := ""
	if !sameDir {
		dir = " --dir=" + shellQuote(dataDir)
	}
	if !strings.ContainsRune(exe, filepath.Separator) {
		exe = "." + string(filepath.Separator) + exe
	}
	exe = shellQuote(exe)
	return exe + " superuser upsert admin@kantor.go.id 'kata-sandi-panjang'" + dir,
		exe + ` staff add kepala@kantor.go.id --name "Nama Kepala" --role supervisor` + dir
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == ':' || r == '=' || r == '@' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// StartupNotes checks the accounts and the mail settings of app.
func (t *Teduh) StartupNotes(app core.App, goRun bool, exe, defaultDataDir string) StartupNotes {
	var n StartupNotes
	superuserCmd, staffCmd := accountCommands(goRun, exe, app.DataDir(), defaultDataDir)
	// PocketBase's installer account is not an administrator anyone can use
	superusers, err := app.CountRecords(core.CollectionNameSuperusers, dbx.Not(dbx.HashExp{"email": core.DefaultInstallerEmail}))
	if err == nil && superusers == 0 {
		n.Accounts = append(n.Accounts, "Belum ada akun administrator sistem (superuser). Buat akun pertama dengan:", "    "+superuserCmd)
	}
	staff, err := app.CountRecords("staff", dbx.HashExp{"active": true, "role": "supervisor"})
	if err == nil && staff == 0 {
		n.Accounts = append(n.Accounts, "Belum ada kepala/penyelia aktif di konsol petugas. Buat akun pertama dengan (kata sandi ditanyakan, atau dari TEDUH_STAFF_PASSWORD):", "    "+staffCmd)
	}
	s := app.Settings()
	for _, p := range mailProblems(s) {
		n.Warnings = append(n.Warnings, p)
	}
	if p := appURLProblem(s.Meta.AppURL); p != "" {
		n.Warnings = append(n.Warnings, p)
	}
	return n
}

// printStartupNotes says the notes when the HTTP server starts (not for CLI
// commands, nor for test apps that only build the router). Warnings also go
// to the server log, where the admin panel shows them.
func (t *Teduh) printStartupNotes(se *core.ServeEvent) error {
	if err := se.Next(); err != nil {
		return err
	}
	if se.Server == nil {
		return nil
	}
	exe := os.Args[0]
	// PocketBase's default data directory: beside the binary, or the working
	// directory's when it takes the binary for one built by `go run`
	defaultDir := filepath.Join(filepath.Dir(exe), "pb_data")
	if osutils.IsProbablyGoRun() {
		if wd, err := os.Getwd(); err == nil {
			defaultDir = filepath.Join(wd, "pb_data")
		}
	}
	// `go run` (make run) builds into the Go build cache or a go-build
	// temporary directory; any other binary is named by its path
	goRun := strings.Contains(filepath.ToSlash(exe), "/go-build")
	n := t.StartupNotes(se.App, goRun, exe, defaultDir)
	writeStartupNotes(os.Stderr, n)
	for _, w := range n.Warnings {
		se.App.Logger().Warn(w)
	}
	return nil
}

// writeStartupNotes prints the notes, one line each, marked as Teduh's.
func writeStartupNotes(w io.Writer, n StartupNotes) {
	lines := append([]string(nil), n.Accounts...)
	for _, warn := range n.Warnings {
		lines = append(lines, "PERINGATAN: "+warn)
	}
	if len(n.Warnings) > 0 {
		lines = append(lines, "Halaman Kesehatan sistem di konsol petugas (/staff/#/kesehatan) menunjukkan keadaan ini dan e-mail yang belum terkirim.")
	}
	for _, l := range lines {
		fmt.Fprintln(w, "Teduh: "+l)
	}
}
