package pb_hooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teduh/internal/replica"
	"teduh/internal/replica/s3test"
	"teduh/pb_hooks"
)

// The disaster drill: the real teduh binary serves concurrent intake while
// replicating to an in-process S3-compatible server and to a directory;
// then the server is killed and its data directory deleted. `teduh restore`
// rebuilds it from S3 and, separately, from the directory: every complaint
// acknowledged is there with its identity document, the database is intact,
// and the restored server answers a case's status by its tracking code.
//
// The 10-second promise is checked as the brief allows, to keep the drill
// short: intake stops, and the replicas must hold every acknowledged
// complaint within 10 s of the last acknowledgement (polled, by restoring
// the replica), or the drill fails; only then is the plug pulled.
func TestDisasterDrill(t *testing.T) {
	if testing.Short() {
		t.Skip("the drill builds and runs the real server")
	}
	bin := buildTeduh(t)
	s3 := s3test.Start(t)
	replicaDir := t.TempDir()
	env := replicaEnv(s3, replicaDir)
	cfg, err := replica.FromEnv(func(k string) string { return envValue(env, k) })
	if err != nil {
		t.Fatal(err)
	}

	dataDir := filepath.Join(t.TempDir(), "pb_data")
	prepareDataDir(t, dataDir)
	srv := startTeduh(t, bin, dataDir, env)

	acked := driveIntake(t, "http://"+srv.addr, 3*time.Second)
	if t.Failed() {
		t.Fatalf("intake failed; the server logged: %s", serverErrors(dataDir))
	}
	if len(acked) < 30 {
		t.Fatalf("too little intake to mean anything: %d complaints", len(acked))
	}
	var lastAck time.Time
	docs := 0
	for _, c := range acked {
		if c.ackAt.After(lastAck) {
			lastAck = c.ackAt
		}
		if c.doc != nil {
			docs++
		}
	}

	// wait the replication window: both replicas hold every acknowledged
	// complaint and document, or the 10 s promise is broken
	var wg sync.WaitGroup
	caughtUp := map[string]time.Duration{}
	var mu sync.Mutex
	for _, kind := range []string{replica.KindS3, replica.KindDir} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				missing := missingFromReplica(t, cfg, kind, acked)
				if missing == 0 {
					mu.Lock()
					caughtUp[kind] = time.Since(lastAck)
					mu.Unlock()
					return
				}
				if time.Since(lastAck) > 10*time.Second {
					t.Errorf("%s replica still misses %d of %d acknowledged complaints 10 s after the last acknowledgement", kind, missing, len(acked))
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.Fatalf("server output:\n%s", srv.output())
	}

	// the disaster: the server dies and its disk with it
	srv.kill()
	if err := os.RemoveAll(dataDir); err != nil {
		t.Fatal(err)
	}

	// a server started on the empty directory would make an empty database
	// the replicas' newest state: it refuses and names the way back
	refused := exec.Command(bin, "serve", "--http="+freeAddr(t), "--dir="+dataDir)
	refused.Env = env
	if out, err := refused.CombinedOutput(); err == nil || !strings.Contains(string(out), "teduh restore") {
		t.Fatalf("serve on an empty data directory with a full replica: %v\n%s", err, out)
	}
	if err := os.RemoveAll(dataDir); err != nil {
		t.Fatal(err)
	}

	fromS3 := dataDir // the machine's own path, rebuilt
	fromDir := filepath.Join(t.TempDir(), "pb_data")
	for kind, dir := range map[string]string{replica.KindS3: fromS3, replica.KindDir: fromDir} {
		out, err := runTeduh(bin, env, "restore", "--from", kind, "--dir", dir)
		if err != nil {
			t.Fatalf("teduh restore --from %s: %v\n%s", kind, err, out)
		}
		verifyRestored(t, kind, dir, acked)
	}

	// the restored machine serves again, replicating on (from S3) and
	// standalone (from the directory, so two servers never share a replica)
	for kind, dir := range map[string]string{replica.KindS3: fromS3, replica.KindDir: fromDir} {
		serveEnv := env
		if kind == replica.KindDir {
			serveEnv = withoutReplicaEnv(env)
		}
		s := startTeduh(t, bin, dir, serveEnv)
		for _, c := range []accepted{acked[0].accepted, acked[len(acked)-1].accepted} {
			res, err := http.Get("http://" + s.addr + "/api/public/complaints/" + c.tracking)
			if err != nil {
				t.Fatal(err)
			}
			var body map[string]any
			_ = json.NewDecoder(res.Body).Decode(&body)
			res.Body.Close()
			if res.StatusCode != 200 || body["number"] != c.number {
				t.Fatalf("restored from %s: status of %s answered %d %v", kind, c.tracking, res.StatusCode, body)
			}
		}
		s.stop()
	}
	t.Logf("%d complaints (%d with identity documents) acknowledged; S3 held them all %.1f s after the last acknowledgement, the directory %.1f s; restored from each",
		len(acked), docs, caughtUp[replica.KindS3].Seconds(), caughtUp[replica.KindDir].Seconds())
}

type ackedComplaint struct {
	accepted
	ackAt time.Time
	doc   []byte // the identity document sent, if any
}

// driveIntake posts complaints from six goroutines for d; every third one
// carries an identity document.
func driveIntake(t *testing.T, base string, d time.Duration) []ackedComplaint {
	t.Helper()
	var mu sync.Mutex
	var out []ackedComplaint
	var wg sync.WaitGroup
	stop := time.Now().Add(d)
	client := &http.Client{Timeout: 10 * time.Second}
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(stop); i++ {
				var body bytes.Buffer
				contentType := "application/json"
				var doc []byte
				if i%3 == 0 {
					doc = uniquePNG(t, w, i)
					mw := multipart.NewWriter(&body)
					for k, v := range map[string]string{"reporter_name": "Siti", "reporter_phone": "081234567890", "reporter_relation": "family",
						"victim_name": "Ani", "victim_sex": "female", "chronology": "Kejadian kekerasan di rumah.", "consent": "true"} {
						mw.WriteField(k, v)
					}
					fw, _ := mw.CreateFormFile("identity_document", "ktp.png")
					fw.Write(doc)
					mw.Close()
					contentType = mw.FormDataContentType()
				} else {
					body.WriteString(`{"reporter_name":"Siti","reporter_phone":"081234567890","reporter_relation":"family","victim_name":"Ani","victim_sex":"female","chronology":"Kejadian kekerasan di rumah.","consent":true}`)
				}
				res, err := client.Post(base+"/api/public/complaints", contentType, &body)
				if err != nil {
					t.Errorf("intake: %v", err)
					return
				}
				var got map[string]any
				_ = json.NewDecoder(res.Body).Decode(&got)
				res.Body.Close()
				if res.StatusCode != 200 {
					t.Errorf("intake answered %d %v", res.StatusCode, got)
					return
				}
				mu.Lock()
				out = append(out, ackedComplaint{accepted{fmt.Sprint(got["number"]), fmt.Sprint(got["tracking_code"])}, time.Now(), doc})
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out
}

func uniquePNG(t *testing.T, w, i int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(0, 0, color.RGBA{uint8(w), uint8(i), uint8(i >> 8), 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// missingFromReplica restores the replica's database into a scratch
// directory and counts the acknowledged complaints it lacks, or whose
// identity document the replica does not hold (by name and size; the drill
// compares the bytes after the real restore).
func missingFromReplica(t *testing.T, cfg replica.Config, kind string, acked []ackedComplaint) int {
	t.Helper()
	scratch := t.TempDir()
	defer os.RemoveAll(scratch)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if _, err := replica.RestoreDatabase(context.Background(), cfg, kind, scratch, quiet); err != nil {
		return len(acked) // nothing usable there yet
	}
	files, err := replica.StoredFiles(cfg, kind)
	if err != nil {
		return len(acked)
	}
	db, err := dbx.Open("sqlite", filepath.Join(scratch, replica.DBName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return len(missingComplaints(t, db, func(rel string, want []byte) bool { return files[rel] == int64(len(want)) }, acked))
}

// missingComplaints lists the acknowledged complaints a database lacks, or
// whose identity document hasDoc (given its path under storage/) denies.
func missingComplaints(t *testing.T, db *dbx.DB, hasDoc func(rel string, want []byte) bool, acked []ackedComplaint) []string {
	t.Helper()
	var rows []struct {
		ID       string `db:"id"`
		Number   string `db:"number"`
		Tracking string `db:"tracking_code"`
		Doc      string `db:"identity_document"`
	}
	if err := db.NewQuery("SELECT id, number, tracking_code, identity_document FROM complaints").All(&rows); err != nil {
		return []string{"no complaints table: " + err.Error()}
	}
	var collectionID string
	_ = db.NewQuery("SELECT id FROM _collections WHERE name = 'complaints'").Row(&collectionID)
	byNumber := map[string]int{}
	for i, r := range rows {
		byNumber[r.Number] = i
	}
	var missing []string
	for _, c := range acked {
		i, ok := byNumber[c.number]
		if !ok || rows[i].Tracking != c.tracking {
			missing = append(missing, c.number)
			continue
		}
		if c.doc != nil && (rows[i].Doc == "" || !hasDoc(collectionID+"/"+rows[i].ID+"/"+rows[i].Doc, c.doc)) {
			missing = append(missing, c.number+" (identity document)")
		}
	}
	return missing
}

func verifyRestored(t *testing.T, kind, dir string, acked []ackedComplaint) {
	t.Helper()
	db, err := dbx.Open("sqlite", filepath.Join(dir, replica.DBName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var integrity string
	if err := db.NewQuery("PRAGMA integrity_check").Row(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("restored from %s: integrity_check %q %v", kind, integrity, err)
	}
	sameBytes := func(rel string, want []byte) bool {
		got, err := os.ReadFile(filepath.Join(dir, "storage", filepath.FromSlash(rel)))
		return err == nil && bytes.Equal(got, want)
	}
	if missing := missingComplaints(t, db, sameBytes, acked); len(missing) > 0 {
		t.Fatalf("restored from %s: %d of %d acknowledged complaints missing: %v", kind, len(missing), len(acked), missing)
	}
	verifyAuditAfterRestore(t, kind, db, dir)
}

// verifyAuditAfterRestore checks the audit trail of a restored database:
// every case has exactly its intake audit entry, and the hash chain verifies
// from its first entry to the last one restored.
func verifyAuditAfterRestore(t *testing.T, kind string, db *dbx.DB, dir string) {
	t.Helper()
	var bad int
	err := db.NewQuery(`SELECT COUNT(*) FROM complaints c WHERE
		(SELECT COUNT(*) FROM audit_log a WHERE a.record_id = c.id AND a.action = 'create') != 1`).Row(&bad)
	if err != nil || bad > 0 {
		t.Fatalf("restored from %s: %d cases without exactly one intake audit entry (%v)", kind, bad, err)
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	report, err := pb_hooks.VerifyAudit(app)
	if err != nil || !report.OK || report.Entries == 0 {
		t.Fatalf("restored from %s: audit chain %v %+v", kind, err, report.Problem)
	}
	if _, err := os.Stat(filepath.Join(dir, "audit", "restore-pending.json")); err != nil {
		t.Fatalf("restored from %s: the restore is not noted for the chain: %v", kind, err)
	}
}

// serverErrors reads the errors a killed server logged (PocketBase keeps
// them in auxiliary.db), for a failure message.
func serverErrors(dataDir string) string {
	aux, err := dbx.Open("sqlite", filepath.Join(dataDir, "auxiliary.db"))
	if err != nil {
		return err.Error()
	}
	defer aux.Close()
	var logs []struct {
		Msg  string `db:"message"`
		Data string `db:"data"`
	}
	_ = aux.NewQuery("SELECT message, data FROM _logs WHERE level >= 8 LIMIT 5").All(&logs)
	return fmt.Sprintf("%+v", logs)
}

// --- the real binary ---------------------------------------------------------

// buildTeduh builds the teduh command as `make build` does.
func buildTeduh(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "teduh")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// prepareDataDir creates the data directory with the migrations applied
// and the rate limit off (the drill's intake comes from one address), as an
// administrator would in the admin panel.
func prepareDataDir(t *testing.T, dir string) {
	t.Helper()
	app := openDataDir(t, dir)
	s := app.Settings()
	s.RateLimits.Enabled = false
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	_ = app.ClearBootstrap()
}

func replicaEnv(s3 *s3test.Server, dir string) []string {
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TEDUH_") {
			env = append(env, kv)
		}
	}
	for k, v := range s3.Env("teduh-office") {
		env = append(env, k+"="+v)
	}
	return append(env, replica.EnvDir+"="+dir)
}

func withoutReplicaEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "TEDUH_REPLICA_") {
			out = append(out, kv)
		}
	}
	return out
}

func envValue(env []string, key string) string {
	for _, kv := range env {
		if k, v, _ := strings.Cut(kv, "="); k == key {
			return v
		}
	}
	return ""
}

func runTeduh(bin string, env []string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

type teduhServer struct {
	cmd  *exec.Cmd
	addr string
	out  *syncBuffer
}

func (s *teduhServer) output() string { return s.out.String() }

func (s *teduhServer) kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	_ = s.cmd.Wait()
}

func (s *teduhServer) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		s.kill()
	}
}

func startTeduh(t *testing.T, bin, dir string, env []string) *teduhServer {
	t.Helper()
	s := &teduhServer{addr: freeAddr(t), out: &syncBuffer{}}
	s.cmd = exec.Command(bin, "serve", "--http="+s.addr, "--dir="+dir)
	// the drill's load comes from one machine: no flood challenge
	s.cmd.Env = append(slices.Clone(env), "TEDUH_CHALLENGE_THRESHOLD=0")
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.kill)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get("http://" + s.addr + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return s
			}
		}
		if s.cmd.ProcessState != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.kill()
	t.Fatalf("teduh serve did not start:\n%s", s.output())
	return nil
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
