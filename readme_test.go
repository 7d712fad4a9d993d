package main

// The README's commands as a new administrator copies them: on a machine
// whose Go defaults to GOTOOLCHAIN=local, no bare go command, only make
// targets that exist, and the binary's commands as written.

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

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
		// the disaster-recovery commands need a replica or an encrypted backup
		// and the office's key: the drill (pb_hooks/drill_test.go) and the
		// backup test run them against real ones
		if len(c.args) > 1 && (c.args[1] == "restore" || c.args[1] == "backup") {
			continue
		}
		// the definition linter needs an office's files (its own test runs it)
		if len(c.args) > 1 && c.args[1] == "definitions" {
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
