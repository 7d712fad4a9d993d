package pb_hooks_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/archive"
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
