package replica_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

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
// replaced, the bucket emptied) gets a complete history again.
func TestTargetEmptiedIsReseeded(t *testing.T) {
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
	if err := os.RemoveAll(filepath.Join(dir, "db")); err != nil {
		t.Fatal(err)
	}
	db.Exec("INSERT INTO items (v) VALUES ('b')")
	deadline := time.Now().Add(40 * time.Second)
	for {
		st := r.Status(time.Now())
		if st.Targets[1].Reseeds > 0 && st.Targets[1].LagTX == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("emptied directory replica not reseeded: %+v", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	out := t.TempDir()
	if _, err := replica.Restore(context.Background(), cfg, replica.KindDir, out, nil); err != nil {
		t.Fatal(err)
	}
	if n := count(t, filepath.Join(out, replica.DBName)); n != 2 {
		t.Fatalf("%d rows restored from the reseeded directory, want 2", n)
	}
}
