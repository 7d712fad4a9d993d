package pb_hooks_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/archive"

	"teduh/internal/replica"
	"teduh/internal/replica/s3test"
	"teduh/pb_hooks"
)

// Scheduled backups are on by default, and a backup restores into a fresh
// data directory with the same cases and steps.
func TestBackupScheduleAndRestoreDrill(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	if s := h.App.Settings().Backups; s.Cron != "0 19 * * *" || s.CronMaxKeep != 7 {
		t.Fatalf("backups not scheduled daily keeping 7: %+v", s)
	}
	_, officer := h.Staff("petugas@teduh.test", "Petugas", "officer", true)
	var ids []string
	for i := 0; i < 5; i++ {
		c := h.submit(validComplaint())
		h.mustStep(officer, c.Id, 2, "done", "Ditenangkan.", nil)
		ids = append(ids, c.Id)
	}
	if err := h.App.CreateBackup(context.Background(), "drill.zip"); err != nil {
		t.Fatal(err)
	}

	// what PocketBase's restore does: the archive becomes the new pb_data
	restored := t.TempDir()
	if err := archive.Extract(filepath.Join(h.App.DataDir(), core.LocalBackupsDirName, "drill.zip"), restored); err != nil {
		t.Fatal(err)
	}
	app := openDataDir(t, restored)
	defer app.ClearBootstrap()
	for _, id := range ids {
		orig, _ := h.App.FindRecordById("complaints", id)
		got, err := app.FindRecordById("complaints", id)
		if err != nil {
			t.Fatalf("case %s missing after restore: %v", id, err)
		}
		for _, f := range []string{"number", "tracking_code", "status", "current_step", "assigned_to", "victim_name", "chronology"} {
			if got.GetString(f) != orig.GetString(f) {
				t.Fatalf("case %s field %s: %q after restore, %q before", id, f, got.GetString(f), orig.GetString(f))
			}
		}
	}
	for _, name := range []string{"complaints", "case_steps", "audit_log", "staff"} {
		before, _ := h.App.CountRecords(name)
		after, _ := app.CountRecords(name)
		if before != after || before == 0 {
			t.Fatalf("%s: %d records before, %d after restore", name, before, after)
		}
	}
}

// An office key for the tests: the identity file the office keeps and the
// recipient the server is configured with.
func officeKey(t *testing.T) (identityFile, recipient string) {
	t.Helper()
	text, recipient, err := replica.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	identityFile = filepath.Join(t.TempDir(), "office-key.txt")
	if err := os.WriteFile(identityFile, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return identityFile, recipient
}

// setReplicaEnv points Teduh at an in-process S3 server and a directory.
func setReplicaEnv(t *testing.T, s3 *s3test.Server, dir string, extra map[string]string) {
	t.Helper()
	for k, v := range s3.Env("teduh-office") {
		t.Setenv(k, v)
	}
	t.Setenv(replica.EnvDir, dir)
	for k, v := range extra {
		t.Setenv(k, v)
	}
}

// With the office's public key set, a backup is stored only encrypted,
// here and on the S3 storage and the second disk: it is not a zip, age
// refuses it without the office's identity (and with another one), and
// `teduh backup restore` with the identity brings the cases back.
func TestEncryptedBackupUnreadableWithoutKeyRestoresWithIt(t *testing.T) {
	s3 := s3test.Start(t)
	identity, recipient := officeKey(t)
	setReplicaEnv(t, s3, t.TempDir(), map[string]string{replica.EnvBackupRecipent: recipient})
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	c := h.submit(validComplaint())

	if err := h.App.CreateBackup(context.Background(), "drill.zip"); err != nil {
		t.Fatal(err)
	}
	backups := filepath.Join(h.App.DataDir(), core.LocalBackupsDirName)
	if _, err := os.Stat(filepath.Join(backups, "drill.zip")); !os.IsNotExist(err) {
		t.Fatalf("plaintext backup left on disk: %v", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(h.App.DataDir(), core.LocalTempDirName, "*"))
	if len(leftovers) > 0 {
		t.Fatalf("temporary backup files left: %v", leftovers)
	}
	local := filepath.Join(backups, "drill.zip.age")
	sealed, err := os.ReadFile(local)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zip.NewReader(bytes.NewReader(sealed), int64(len(sealed))); err == nil {
		t.Fatal("the encrypted backup opens as a zip")
	}
	if bytes.Contains(sealed, []byte(c.GetString("tracking_code"))) || bytes.Contains(sealed, []byte("SQLite format 3")) {
		t.Fatal("the encrypted backup contains plaintext")
	}
	other, _ := age.GenerateX25519Identity()
	if _, err := age.Decrypt(bytes.NewReader(sealed), other); err == nil {
		t.Fatal("age decrypted the backup with another office's identity")
	}

	// the same ciphertext is on S3 and on the second disk
	for _, kind := range []string{replica.KindS3, replica.KindDir} {
		cfg, _ := replica.FromEnv(os.Getenv)
		got := filepath.Join(t.TempDir(), "copy.age")
		if err := replica.FetchBackup(cfg, kind, "drill.zip.age", got); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if b, _ := os.ReadFile(got); !bytes.Equal(b, sealed) {
			t.Fatalf("%s holds another file than the local encrypted backup", kind)
		}
	}
	health := pb_hooks.ReplicationHealth(h.App)
	last, _ := health["backup"].(map[string]any)["last"].(map[string]any)
	if last["name"] != "drill.zip.age" || last["uploaded_s3"] != true || last["size"].(int64) != int64(len(sealed)) {
		t.Fatalf("health does not show the uploaded encrypted backup: %v", health["backup"])
	}

	// without the identity the restore command refuses; with it, it restores
	fresh := t.TempDir()
	run := func(args ...string) error {
		app := pocketbase.NewWithConfig(pocketbase.Config{DefaultDataDir: fresh})
		cmd := pb_hooks.BackupCommand(app)
		cmd.SetArgs(args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		return cmd.Execute()
	}
	wrongKey, _ := officeKey(t)
	if err := run("restore", "--identity", wrongKey, local); err == nil {
		t.Fatal("restored with another office's key")
	}
	if err := run("restore", "--identity", identity, "--from", "s3", "drill.zip.age"); err != nil {
		t.Fatal(err)
	}
	app := openDataDir(t, fresh)
	defer app.ClearBootstrap()
	got, err := app.FindRecordById("complaints", c.Id)
	if err != nil || got.GetString("tracking_code") != c.GetString("tracking_code") {
		t.Fatalf("case not restored from the encrypted backup: %v", err)
	}
	if err := run("restore", "--identity", identity, local); err == nil || !strings.Contains(err.Error(), "sudah berisi") {
		t.Fatalf("restore over a directory with cases: %v", err)
	}
}
