package main

// The binary as an administrator meets it: built with the pages inside and
// started from anywhere, and the README's commands as written.

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	_ "teduh/pb_migrations"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildDir  string
)

// teduhBinary builds the server once per test run, as `make build` does,
// into a directory of its own.
func teduhBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and starts the real binary")
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "teduh-bin-")
		if buildErr != nil {
			return
		}
		builtBin = filepath.Join(buildDir, "teduh")
		cmd := exec.Command("go", "build", "-o", builtBin, ".")
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=go1.27.3", "GOFLAGS=-buildvcs=false")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// lockedBuffer collects a process's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serve starts the binary from workDir and waits until it answers.
func serve(t *testing.T, bin, workDir string, args ...string) (base string, out *lockedBuffer) {
	t.Helper()
	addr := freeAddr(t)
	out = &lockedBuffer{}
	cmd := exec.Command(bin, append([]string{"serve", "--http=" + addr}, args...)...)
	cmd.Dir = workDir
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(), "TEDUH_SWEEP_MINUTES=600")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	base = "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		if res, err := http.Get(base + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return base, out
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the binary did not start:\n%s", out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(body)
}

// The built binary carries the pages: started from a directory that has
// none of the sources, it serves the form, the status page, the console and
// their assets; on its first start it says how to create the first
// accounts, with its own path and data directory, and that mail is not set
// up. --publicDir serves a directory instead.
func TestBuiltBinaryServesThePagesFromAnyDirectory(t *testing.T) {
	bin := teduhBinary(t)
	dataDir := filepath.Join(t.TempDir(), "pb_data")
	base, out := serve(t, bin, t.TempDir(), "--dir="+dataDir)

	for path, want := range map[string]string{
		"/":                "Formulir pengaduan",
		"/status/":         "Cek status pengaduan",
		"/staff/":          "Konsol Petugas",
		"/assets/app.css":  ":root",
		"/assets/form.js":  "complaint-form",
		"/staff/health.js": "Kesehatan sistem",
	} {
		status, body := get(t, base+path)
		if status != 200 || !strings.Contains(body, want) {
			t.Errorf("%s: %d, lacks %q (%d bytes)", path, status, want, len(body))
		}
	}
	if _, body := get(t, base+"/"); !strings.Contains(body, `<script type="application/json" id="teduh-form">`) ||
		!strings.Contains(body, `<script type="application/json" id="teduh-office">`) {
		t.Error("the complaint page lacks its data blocks")
	}

	notes := out.String()
	for _, want := range []string{
		"Teduh: Belum ada akun administrator sistem",
		bin + " superuser upsert admin@kantor.go.id 'kata-sandi-panjang' --dir=" + dataDir,
		bin + ` staff add kepala@kantor.go.id --name "Nama Kepala" --role supervisor --dir=` + dataDir,
		"Teduh: PERINGATAN: Server e-mail (SMTP) belum diatur",
		"Teduh: PERINGATAN: Alamat aplikasi masih http://localhost:8090",
	} {
		if !strings.Contains(notes, want) {
			t.Errorf("start-up output lacks %q:\n%s", want, notes)
		}
	}

	// development: a directory of pages instead of the built-in ones
	pages := t.TempDir()
	page := "<!doctype html><title>dev</title><body><p>halaman percobaan</p></body>"
	if err := os.WriteFile(filepath.Join(pages, "index.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	devBase, _ := serve(t, bin, t.TempDir(), "--dir="+filepath.Join(t.TempDir(), "pb_data"), "--publicDir="+pages)
	if status, body := get(t, devBase+"/"); status != 200 || !strings.Contains(body, "halaman percobaan") || !strings.Contains(body, `id="teduh-form"`) {
		t.Errorf("--publicDir: %d %q", status, body)
	}
	if status, _ := get(t, devBase+"/assets/app.css"); status != 404 {
		t.Errorf("--publicDir still serves the built-in assets: %d", status)
	}
}

// --- the README ---------------------------------------------------------------

// shellWords splits a command line as sh would, for the simple lines a
// README holds: quotes, backslash line ends, a comment from " #".
func shellWords(line string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				j = len(line) - i - 1
			}
			cur.WriteString(line[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			j := strings.IndexByte(line[i+1:], '"')
			if j < 0 {
				j = len(line) - i - 1
			}
			cur.WriteString(line[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '#' && !inWord:
			i = len(line)
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

var assignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// command is one command of a README: its environment assignments and words.
type command struct {
	line string
	env  []string
	args []string
}

func parseCommand(line string) command {
	c := command{line: line}
	words := shellWords(line)
	for len(words) > 0 && assignment.MatchString(words[0]) {
		c.env, words = append(c.env, words[0]), words[1:]
	}
	if len(words) > 0 && words[0] == "sudo" {
		words = words[1:]
		for len(words) > 1 && strings.HasPrefix(words[0], "-") {
			words = words[2:] // sudo -u teduh
		}
	}
	c.args = words
	return c
}

var fence = regexp.MustCompile("(?s)```([a-z]*)\n(.*?)```")
var inlineCode = regexp.MustCompile("`([^`\n]+)`")

// readmeCommands returns the shell blocks' commands (continuation lines
// joined) and the commands written inline in the prose.
func readmeCommands(t *testing.T, file string) (blocks, inline []command) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, m := range fence.FindAllStringSubmatch(text, -1) {
		if m[1] != "" && m[1] != "sh" && m[1] != "bash" && m[1] != "shell" {
			continue
		}
		lines := strings.Split(m[2], "\n")
		for i := 0; i < len(lines); i++ {
			line := lines[i]
			for strings.HasSuffix(line, `\`) && i+1 < len(lines) {
				i++
				line = strings.TrimSuffix(line, `\`) + " " + strings.TrimSpace(lines[i])
			}
			if c := parseCommand(strings.TrimSpace(line)); len(c.args) > 0 {
				blocks = append(blocks, c)
			}
		}
	}
	prose := fence.ReplaceAllString(text, "")
	for _, m := range inlineCode.FindAllStringSubmatch(prose, -1) {
		if c := parseCommand(m[1]); len(c.args) > 1 {
			inline = append(inline, c)
		}
	}
	return blocks, inline
}

var makeTarget = regexp.MustCompile(`(?m)^([A-Za-z0-9_.-]+( [A-Za-z0-9_.-]+)*):([^=]|$)`)

func makeTargets(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range makeTarget.FindAllStringSubmatch(string(data), -1) {
		out = append(out, strings.Fields(m[1])...)
	}
	return out
}

// goCommandsNeedingToolchain are the go subcommands that fail under the
// machine's Go when it defaults to GOTOOLCHAIN=local.
var goCommandsNeedingToolchain = []string{"run", "build", "test", "vet", "install", "generate", "tool"}

// Every command the READMEs show works on a machine whose Go defaults to
// GOTOOLCHAIN=local: no bare `go run/build/test`, only make targets that
// exist (and take the arguments as written), and the binary's commands run
// as written against a freshly built binary.
func TestReadmeCommandsWorkAsWritten(t *testing.T) {
	targets := makeTargets(t)
	for _, file := range []string{"README.md", "deploy/README.md"} {
		blocks, inline := readmeCommands(t, file)
		if file == "README.md" && len(blocks) < 10 {
			t.Fatalf("%s: only %d commands found in its shell blocks", file, len(blocks))
		}
		for _, c := range append(append([]command(nil), blocks...), inline...) {
			if c.args[0] == "go" && len(c.args) > 1 && slices.Contains(goCommandsNeedingToolchain, c.args[1]) &&
				!slices.ContainsFunc(c.env, func(e string) bool { return strings.HasPrefix(e, "GOTOOLCHAIN=go") }) {
				t.Errorf("%s: bare %q fails where Go defaults to GOTOOLCHAIN=local; use a make target or the binary", file, c.line)
			}
			if c.args[0] != "make" {
				continue
			}
			target := "run" // the first target
			for _, a := range c.args[1:] {
				if !assignment.MatchString(a) && !strings.HasPrefix(a, "-") {
					target = a
					break
				}
			}
			if !slices.Contains(targets, target) {
				t.Errorf("%s: %q names the make target %q, which the Makefile lacks (it has %v)", file, c.line, target, targets)
			}
		}
		// make accepts each block's make command as written
		for _, c := range blocks {
			if c.args[0] != "make" {
				continue
			}
			cmd := exec.Command("make", append([]string{"-n"}, c.args[1:]...)...)
			cmd.Env = append(os.Environ(), c.env...)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s: make -n for %q: %v\n%s", file, c.line, err, out)
			}
		}
	}

	// the binary's commands from README.md, run as written (but serve)
	bin := teduhBinary(t)
	dir := t.TempDir()
	if err := os.Symlink(bin, filepath.Join(dir, "teduh")); err != nil {
		t.Fatal(err)
	}
	blocks, _ := readmeCommands(t, "README.md")
	ran := 0
	for _, c := range blocks {
		if c.args[0] != "./teduh" || (len(c.args) > 1 && c.args[1] == "serve") {
			continue
		}
		cmd := exec.Command("sh", "-c", c.line)
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader("sandi-dari-terminal-123\n") // a password prompt
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%q: %v\n%s", c.line, err, out)
		}
		ran++
	}
	if ran < 3 {
		t.Fatalf("ran %d of the README's binary commands, want the superuser and two staff", ran)
	}
	app := openData(t, readmeDataDir(t, dir))
	if _, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, "admin@example.go.id"); err != nil {
		t.Errorf("the README's superuser: %v", err)
	}
	for email, role := range map[string]string{"kepala@example.go.id": "supervisor", "petugas@example.go.id": "officer"} {
		r, err := app.FindAuthRecordByEmail("staff", email)
		if err != nil || r.GetString("role") != role || !r.GetBool("active") {
			t.Errorf("the README's %s: %v %v", email, r, err)
			continue
		}
		if email == "petugas@example.go.id" && !r.ValidatePassword("another-long-one") {
			t.Errorf("%s does not have the README's password", email)
		}
	}
}

// readmeDataDir is where the binary in dir put pb_data: beside itself, or
// in the working directory when PocketBase takes it for a `go run` build
// (both are dir here; the symlink's target is elsewhere).
func readmeDataDir(t *testing.T, dir string) string {
	t.Helper()
	for _, d := range []string{filepath.Join(dir, "pb_data"), filepath.Join(filepath.Dir(builtBin), "pb_data")} {
		if _, err := os.Stat(filepath.Join(d, "data.db")); err == nil {
			return d
		}
	}
	t.Fatal("the README's commands left no pb_data")
	return ""
}

func openData(t *testing.T, dir string) *core.BaseApp {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.ResetBootstrapState() })
	return app
}

// localGoEnv is this environment as a fresh shell has it: the machine's own
// go first on PATH (a test runs under the toolchain the go command switched
// to, which puts itself first), GOTOOLCHAIN as its go.env says, no make
// state of the parent.
func localGoEnv() []string {
	var env []string
	for _, e := range os.Environ() {
		switch {
		case strings.HasPrefix(e, "PATH="):
			var keep []string
			for _, dir := range filepath.SplitList(strings.TrimPrefix(e, "PATH=")) {
				if !strings.Contains(dir, "golang.org/toolchain@") {
					keep = append(keep, dir)
				}
			}
			env = append(env, "PATH="+strings.Join(keep, string(os.PathListSeparator)))
		case strings.HasPrefix(e, "GOTOOLCHAIN="), strings.HasPrefix(e, "GOROOT="), strings.HasPrefix(e, "MAKEFLAGS="),
			strings.HasPrefix(e, "MFLAGS="), strings.HasPrefix(e, "MAKELEVEL="):
		default:
			env = append(env, e)
		}
	}
	return env
}

// The make targets for the first accounts work where the machine's Go
// defaults to GOTOOLCHAIN=local (the README's first commands).
func TestMakeSuperuserWorksWithALocalToolchainDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Makefile's go run")
	}
	teduhBinary(t) // warms the build cache the go run below uses
	dir := filepath.Join(t.TempDir(), "pb_data")
	cmd := exec.Command("make", "superuser", "EMAIL=admin@example.go.id", "PASSWORD=a-long-password with 'quotes' and $dollar", "DIR="+dir)
	cmd.Env = localGoEnv()
	probe := exec.Command("sh", "-c", "command -v go; go env GOTOOLCHAIN; cd / && go version")
	probe.Env = cmd.Env
	version, _ := probe.CombinedOutput()
	t.Logf("the machine's own go: %s", version)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make superuser under GOTOOLCHAIN=local: %v\n%s", err, out)
	}
	app := openData(t, dir)
	r, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, "admin@example.go.id")
	if err != nil || !r.ValidatePassword("a-long-password with 'quotes' and $dollar") {
		t.Fatalf("superuser after make superuser: %v %v", r, err)
	}
}
