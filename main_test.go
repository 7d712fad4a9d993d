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
	"strings"
	"sync"
	"testing"
	"time"

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
	cmd.Env = append(os.Environ(), "TEDUH_SWEEP_MINUTES=600", "TEDUH_CHALLENGE_THRESHOLD=0")
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
