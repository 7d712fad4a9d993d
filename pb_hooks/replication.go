package pb_hooks

// Continuous replication of the database and the uploaded files to the
// office's S3-compatible storage and second disk (internal/replica, built on
// Litestream), started with the server, and the health data the system-health
// view shows.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"teduh/internal/replica"
)

// replicationStoreKey holds the app's *replication in app.Store(), so
// ReplicationHealth can find it from the app alone.
const replicationStoreKey = "teduh.replication"

// targetRPO is the promise: at most this much of acknowledged writes is at
// risk when the server's disk dies.
const targetRPO = 10 * time.Second

// replication is the state of one app's replicas and encrypted backups.
type replication struct {
	cfg    replica.Config
	cfgErr error // a wrong setting stops `serve` and shows in the health view

	mu     sync.Mutex
	r      *replica.Replicator
	backup backupStatus
}

type backupStatus struct {
	Name     string
	Time     time.Time
	Size     int64
	Uploaded map[string]bool
	Err      string
	ErrAt    time.Time
}

func (t *Teduh) bindReplication(cfg *replica.Config) {
	rep := &replication{}
	if cfg != nil {
		rep.cfg = *cfg
	} else {
		rep.cfg, rep.cfgErr = replica.FromEnv(os.Getenv)
	}
	t.replication = rep
	t.app.Store().Set(replicationStoreKey, rep)

	t.app.OnServe().BindFunc(t.startReplication)
	t.app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Func:     t.stopReplication,
		Priority: 999, // after the HTTP server stopped, before the databases close
	})
	t.app.OnRecordAfterCreateSuccess().BindFunc(t.mirrorRecordFiles)
	t.app.OnRecordAfterUpdateSuccess().BindFunc(t.mirrorRecordFiles)
	t.app.OnBackupCreate().BindFunc(t.encryptBackup)
}

// replicaLogger prints Litestream's warnings and errors to stderr; its
// routine messages (a compaction every 30 s) would only fill the logs.
var replicaLogger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

func (t *Teduh) startReplication(e *core.ServeEvent) error {
	rep := t.replication
	if rep.cfgErr != nil {
		return fmt.Errorf("pengaturan replikasi salah: %w", rep.cfgErr)
	}
	if !rep.cfg.Enabled() {
		return e.Next()
	}
	if err := refuseToOverwriteReplica(e.App, rep.cfg); err != nil {
		return err
	}
	r, err := replica.Start(rep.cfg, e.App.DataDir(), replicaLogger)
	if err != nil {
		return fmt.Errorf("replikasi tidak dapat dimulai: %w", err)
	}
	rep.mu.Lock()
	rep.r = r
	rep.mu.Unlock()
	if len(rep.cfg.Recipients) > 0 {
		go t.encryptLeftoverBackups(e.App)
	}
	return e.Next()
}

// refuseToOverwriteReplica stops a server started on an empty data directory
// while the replica holds an office's data: Litestream would take the empty
// database as the newest state. The way back is `teduh restore`, which also
// marks the directory as continuing the replica.
func refuseToOverwriteReplica(app core.App, cfg replica.Config) error {
	if _, err := os.Stat(filepath.Join(app.DataDir(), "."+replica.DBName+"-litestream")); err == nil {
		return nil // this directory has replicated before
	}
	if n, err := app.CountRecords("complaints"); err != nil || n > 0 {
		return nil // a directory with cases (a backup restored in the admin panel) is the newest state
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	has, err := replica.HasData(ctx, cfg)
	if err != nil {
		// unreachable storage must not keep the office offline; an empty
		// database replicated over a replica is only newer increments
		app.Logger().Warn("replica not checked before the first replication", "error", err)
		return nil
	}
	if has {
		return errors.New("direktori data ini kosong, tetapi replika sudah berisi data kantor. " +
			"Jalankan `teduh restore` lebih dahulu agar data tidak tertimpa, atau kosongkan replika bila memang ingin mulai baru")
	}
	return nil
}

func (t *Teduh) stopReplication(e *core.TerminateEvent) error {
	rep := t.replication
	rep.mu.Lock()
	r := rep.r
	rep.r = nil
	rep.mu.Unlock()
	if r != nil {
		if err := r.Close(); err != nil {
			e.App.Logger().Error("replication did not stop cleanly", "error", err)
		}
	}
	return e.Next()
}

// mirrorRecordFiles copies a saved record's new files (an identity
// document, a stored letter) to the replicas right away.
func (t *Teduh) mirrorRecordFiles(e *core.RecordEvent) error {
	rep := t.replication
	rep.mu.Lock()
	r := rep.r
	rep.mu.Unlock()
	if r != nil {
		for _, f := range e.Record.Collection().Fields {
			if f.Type() == core.FieldTypeFile && len(e.Record.GetStringSlice(f.GetName())) > 0 {
				r.EnqueueFiles(e.Record.BaseFilesPath())
				break
			}
		}
	}
	return e.Next()
}

// ReplicationHealth is the replicas' and backups' state for the
// system-health view: each target with the last transaction it holds, the
// last time it held everything and how far behind it is; the last encrypted
// backup (name, time, size, uploaded where); and every problem in words.
func ReplicationHealth(app core.App) map[string]any {
	rep, _ := app.Store().Get(replicationStoreKey).(*replication)
	if rep == nil {
		return map[string]any{"configured": false, "errors": []string{"Teduh tidak terpasang pada aplikasi ini"}}
	}
	now := time.Now()
	var problems []string
	out := map[string]any{
		"configured":            rep.cfg.Enabled(),
		"running":               false,
		"sync_interval_seconds": rep.cfg.SyncInterval.Seconds(),
		"target_rpo_seconds":    targetRPO.Seconds(),
		"database":              replica.DBName,
	}
	if rep.cfgErr != nil {
		problems = append(problems, "Pengaturan replikasi salah: "+rep.cfgErr.Error())
	} else if !rep.cfg.Enabled() {
		problems = append(problems, "Replikasi belum diatur: data hanya ada di disk server ini (atur "+replica.EnvS3Bucket+" dan/atau "+replica.EnvDir+").")
	}

	rep.mu.Lock()
	r, b := rep.r, rep.backup
	rep.mu.Unlock()
	targets := []map[string]any{}
	if r != nil {
		out["running"] = true
		st := r.Status(now)
		out["db_txid"] = st.DBTXID
		for _, p := range st.Problems {
			problems = append(problems, "Replika tidak berjalan: "+p+".")
		}
		for _, ts := range st.Targets {
			targets = append(targets, map[string]any{
				"kind": ts.Kind, "target": ts.Target, "role": ts.Role,
				"txid": ts.TXID, "lag_transactions": ts.LagTX, "last_sync": ts.InSyncAt, "lag_seconds": ts.LagSeconds,
				"reseeds": ts.Reseeds, "error": ts.Error, "error_at": ts.ErrorAt,
				"files_last_sync": ts.FilesSyncAt, "files_copied": ts.FilesCopied, "files_error": ts.FilesError,
			})
			name := "Replika " + ts.Kind + " (" + ts.Target + ")"
			if ts.LagTX > 0 && ts.LagSeconds > targetRPO.Seconds() {
				problems = append(problems, fmt.Sprintf("%s tertinggal %.0f detik.", name, ts.LagSeconds))
			}
			if ts.InSyncAt == nil && ts.Error != "" {
				problems = append(problems, name+" belum pernah sinkron: "+ts.Error)
			} else if ts.Error != "" && ts.ErrorAt != nil && ts.InSyncAt != nil && ts.ErrorAt.After(*ts.InSyncAt) {
				problems = append(problems, name+": "+ts.Error)
			}
			if ts.FilesError != "" {
				problems = append(problems, name+", berkas unggahan: "+ts.FilesError)
			}
		}
	} else if rep.cfg.Enabled() && rep.cfgErr == nil {
		problems = append(problems, "Replikasi diatur tetapi tidak berjalan (server belum melayani, atau gagal dimulai).")
	}
	out["targets"] = targets

	backup := map[string]any{"encrypted": len(rep.cfg.Recipients) > 0, "recipients": rep.cfg.RecipientIDs}
	if len(rep.cfg.Recipients) == 0 {
		problems = append(problems, "Cadangan tidak terenkripsi: atur "+replica.EnvBackupRecipent+" dengan kunci publik kantor.")
	}
	if app.Settings().Backups.S3.Enabled {
		problems = append(problems, "S3 cadangan bawaan PocketBase aktif: cadangan terenkripsi diunggah Teduh sendiri; matikan pengaturan itu.")
	}
	if b.Name == "" {
		b = lastLocalBackup(app)
	}
	if b.Name != "" {
		s3ok := b.Uploaded[replica.KindS3]
		backup["last"] = map[string]any{"name": b.Name, "time": b.Time, "size": b.Size, "uploaded": b.Uploaded, "uploaded_s3": s3ok}
		if rep.cfg.S3 != nil && !s3ok && b.Uploaded != nil {
			problems = append(problems, "Cadangan terakhir "+b.Name+" belum terunggah ke S3.")
		}
	}
	if b.Err != "" {
		backup["error"], backup["error_at"] = b.Err, b.ErrAt
		problems = append(problems, "Cadangan terakhir gagal: "+b.Err)
	}
	out["backup"] = backup
	if problems == nil {
		problems = []string{}
	}
	out["errors"] = problems
	return out
}

// lastLocalBackup finds the newest encrypted backup in pb_data/backups, for
// a server restarted since it made one (where it was uploaded is then
// unknown: "uploaded" stays empty).
func lastLocalBackup(app core.App) backupStatus {
	entries, err := os.ReadDir(filepath.Join(app.DataDir(), core.LocalBackupsDirName))
	if err != nil {
		return backupStatus{}
	}
	var last backupStatus
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || e.IsDir() || filepath.Ext(e.Name()) != replica.EncryptedSuffix {
			continue
		}
		if info.ModTime().After(last.Time) {
			last = backupStatus{Name: e.Name(), Time: info.ModTime(), Size: info.Size()}
		}
	}
	return last
}
