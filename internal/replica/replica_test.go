package replica_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tools/filesystem"
	_ "modernc.org/sqlite"

	"teduh/internal/replica"
	"teduh/internal/replica/s3test"
)

func configFor(t *testing.T, s3 *s3test.Server, dir string) replica.Config {
	env := s3.Env("teduh-test")
	env[replica.EnvDir] = dir
	cfg, err := replica.FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func openDB(t *testing.T, path string) *sql.DB {
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func count(t *testing.T, path string) int {
	db := openDB(t, path)
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM items").Scan(&n); err != nil {
		t.Fatal(err)
	}
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check %q %v", ok, err)
	}
	return n
}

// A database and its files written while replicating come back whole from
// S3 and, separately, from the directory.
func TestReplicateAndRestoreFromBothTargets(t *testing.T) {
	s3 := s3test.Start(t)
	data, dir := t.TempDir(), t.TempDir()
	cfg := configFor(t, s3, dir)

	db := openDB(t, filepath.Join(data, replica.DBName))
	if _, err := db.Exec("CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT)"); err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(data, "storage", "col1", "rec1", "ktp_abc.jpg")
	os.MkdirAll(filepath.Dir(doc), 0o755)
	os.WriteFile(doc, []byte("identity document"), 0o644)

	r, err := replica.Start(cfg, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	t.Cleanup(func() {
		if !closed {
			r.Close()
		}
	})
	insert := func(n int) {
		for i := 0; i < n; i++ {
			if _, err := db.Exec("INSERT INTO items (v) VALUES (?)", fmt.Sprint("item ", i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	insert(100)
	r.EnqueueFiles("col1/rec1")
	first := waitCaughtUp(t, r, 0)
	insert(100) // now shipped as increments, not in the first snapshot
	st := waitCaughtUp(t, r, first.DBTXID)
	closed = true
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{replica.KindS3, replica.KindDir} {
		out := t.TempDir()
		res, err := replica.Restore(context.Background(), cfg, kind, out, nil)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if res.TXID < st.DBTXID {
			t.Fatalf("%s: restored up to transaction %d, the database was at %d", kind, res.TXID, st.DBTXID)
		}
		if n := count(t, filepath.Join(out, replica.DBName)); n != 200 {
			t.Fatalf("%s: %d rows restored, want 200", kind, n)
		}
		got, err := os.ReadFile(filepath.Join(out, "storage", "col1", "rec1", "ktp_abc.jpg"))
		if err != nil || string(got) != "identity document" {
			t.Fatalf("%s: file %q %v", kind, got, err)
		}
		t.Logf("%s: %+v", kind, res)
	}
}

// waitCaughtUp polls until every target holds the database's position,
// which must be past minTXID (Litestream numbers its syncs, not SQLite's
// transactions); it fails after 10 s, the replication target.
func waitCaughtUp(t *testing.T, r *replica.Replicator, minTXID uint64) replica.Status {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st := r.Status(time.Now())
		caughtUp := st.DBTXID > minTXID
		for _, ts := range st.Targets {
			caughtUp = caughtUp && ts.LagTX == 0 && ts.TXID == st.DBTXID && ts.FilesCopied > 0
		}
		if caughtUp {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("replicas not caught up within 10 s: %+v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A target that loses its copy under a running server (the second disk
// replaced, the bucket emptied) gets a complete history again: the
// directory (Litestream's own replica) and S3 (the further one) alike.
func TestTargetEmptiedIsReseeded(t *testing.T) {
	for _, kind := range []string{replica.KindDir, replica.KindS3} {
		t.Run(kind, func(t *testing.T) {
			s3 := s3test.Start(t)
			data, dir := t.TempDir(), t.TempDir()
			cfg := configFor(t, s3, dir)
			db := openDB(t, filepath.Join(data, replica.DBName))
			db.Exec("CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT)")
			r, err := replica.Start(cfg, data, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			os.MkdirAll(filepath.Join(data, "storage", "c", "r"), 0o755)
			os.WriteFile(filepath.Join(data, "storage", "c", "r", "f.pdf"), []byte("letter"), 0o644)
			r.EnqueueFiles("c/r")
			db.Exec("INSERT INTO items (v) VALUES ('a')")
			waitCaughtUp(t, r, 0)
			if kind == replica.KindDir {
				if err := os.RemoveAll(filepath.Join(dir, "db")); err != nil {
					t.Fatal(err)
				}
			} else {
				fsys, err := filesystem.NewS3("teduh-test", "us-east-1", s3.URL, "teduh-test", "teduh-test-secret", true)
				if err != nil {
					t.Fatal(err)
				}
				if errs := fsys.DeletePrefix("teduh/db/"); len(errs) > 0 {
					t.Fatal(errs)
				}
				fsys.Close()
			}
			exec := func(q string) {
				if _, err := db.Exec(q); err != nil {
					t.Fatal(err)
				}
			}
			exec("INSERT INTO items (v) VALUES ('b')")
			waitRows(t, cfg, kind, 2, 40*time.Second) // reseeded (or, if the emptying raced a compaction, still complete)
			exec("INSERT INTO items (v) VALUES ('c')")
			waitRows(t, cfg, kind, 3, 10*time.Second) // and it goes on from there
			t.Logf("%s reseeded %d time(s)", kind, targetStatus(r.Status(time.Now()), kind).Reseeds)
		})
	}
}

// waitRows restores kind's replica until it holds want rows.
func waitRows(t *testing.T, cfg replica.Config, kind string, want int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		out := t.TempDir()
		n := -1
		if _, err := replica.Restore(context.Background(), cfg, kind, out, nil); err == nil {
			n = count(t, filepath.Join(out, replica.DBName))
		}
		if n == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s replica restores %d rows after %s, want %d", kind, n, within, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func targetStatus(st replica.Status, kind string) replica.TargetStatus {
	for _, ts := range st.Targets {
		if ts.Kind == kind {
			return ts
		}
	}
	return replica.TargetStatus{}
}

// S3 unreachable when the server starts and for a while after: the
// directory keeps up, S3's failure is reported against S3 alone, and once
// S3 answers again it catches up and restores everything.
func TestDirectoryKeepsUpWhileS3IsDown(t *testing.T) {
	s3 := s3test.Start(t)
	s3.SetDown(true)
	data, dir := t.TempDir(), t.TempDir()
	cfg := configFor(t, s3, dir)
	db := openDB(t, filepath.Join(data, replica.DBName))
	db.Exec("CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT)")
	os.MkdirAll(filepath.Join(data, "storage", "c", "r"), 0o755)
	os.WriteFile(filepath.Join(data, "storage", "c", "r", "ktp.png"), []byte("document"), 0o644)
	r, err := replica.Start(cfg, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	for i := 0; i < 50; i++ {
		db.Exec("INSERT INTO items (v) VALUES ('x')")
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		st := r.Status(time.Now())
		d, s := targetStatus(st, replica.KindDir), targetStatus(st, replica.KindS3)
		if st.DBTXID > 0 && d.TXID == st.DBTXID && d.FilesCopied > 0 && s.Error != "" && s.FilesError != "" {
			if d.Error != "" {
				t.Fatalf("the S3 outage is reported against the directory: %+v", d)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("directory did not keep up while S3 was down: %+v", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	s3.SetDown(false)
	for i := 0; i < 50; i++ {
		db.Exec("INSERT INTO items (v) VALUES ('y')")
	}
	deadline = time.Now().Add(60 * time.Second)
	for {
		st := r.Status(time.Now())
		s := targetStatus(st, replica.KindS3)
		if st.DBTXID > 0 && s.TXID == st.DBTXID && s.FilesCopied > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("S3 did not catch up after the outage: %+v", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	r.Close()
	out := t.TempDir()
	if _, err := replica.Restore(context.Background(), cfg, replica.KindS3, out, nil); err != nil {
		t.Fatal(err)
	}
	if n := count(t, filepath.Join(out, replica.DBName)); n != 100 {
		t.Fatalf("%d rows restored from S3 after the outage, want 100", n)
	}
	if b, err := os.ReadFile(filepath.Join(out, "storage", "c", "r", "ktp.png")); err != nil || string(b) != "document" {
		t.Fatalf("document after the outage: %q %v", b, err)
	}
}
