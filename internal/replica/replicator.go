package replica

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/benbjohnson/litestream/file"
	"github.com/superfly/ltx"
)

// DBName is the database replicated: PocketBase's data.db holds every case,
// step, audit entry and account. auxiliary.db holds only PocketBase's request
// logs; it is not replicated (it is recreated empty on a restored machine):
// losing operational logs loses no case, and the logs hold the addresses of
// people who used the public form, which an off-site copy should not.
const DBName = "data.db"

// CheckpointPages is the WAL length, in pages, at which Litestream
// checkpoints. With replication on, Litestream owns checkpoints (the app's
// wal_autocheckpoint is 0, see pb_hooks/db.go); this keeps Teduh's long WAL
// (10,000 pages instead of SQLite's 1,000) that `make bench` showed is faster
// for intake.
const CheckpointPages = 10000

// Compaction levels of the replicas, Litestream's own defaults: the one-second
// L0 files are merged every 30 s, 5 min and hour, a full snapshot is written
// daily and history is kept for a day.
var levels = litestream.CompactionLevels{
	{Level: 0},
	{Level: 1, Interval: 30 * time.Second},
	{Level: 2, Interval: 5 * time.Minute},
	{Level: 3, Interval: time.Hour},
}

const (
	snapshotInterval  = 24 * time.Hour
	snapshotRetention = 24 * time.Hour
	l0Retention       = time.Hour
)

// maintainEvery is how often a target's history is checked and a further
// target compacted (a variable for tests).
var maintainEvery = 15 * time.Second

// Replicator runs Litestream on data.db for the configured targets and
// mirrors pb_data/storage to them.
//
// Litestream 0.5 gives a database exactly one replica, and only one process
// may own its checkpoints, so the targets are not two Litestream instances.
// The first target is the database's own replica, run by a
// litestream.Store: it converts the WAL into LTX files, uploads them,
// compacts, snapshots, checkpoints and cleans up. Each further target gets a
// second litestream.Replica on the same database, uploading the same LTX
// files, and a litestream.Compactor for its own compaction and retention,
// scheduled here. A further target that falls behind the local LTX files
// (it was away longer than they are kept, an hour) is reseeded with a fresh
// snapshot, so it never holds a history with a hole.
//
// The directory is the first target when configured: Litestream compares
// the database with its replica before it replicates anything, so the first
// target must answer when the server starts, and an office's internet fails
// more often than its second disk. While S3 is unreachable the directory
// keeps up and S3 catches up from the kept LTX files when it is back.
type Replicator struct {
	cfg     Config
	dataDir string
	logger  *slog.Logger // Litestream's store and database log here; errors count against the first target
	plain   *slog.Logger // this package's own messages name their target themselves

	db      *litestream.DB
	store   *litestream.Store
	targets []*targetState
	skipped []string // configured targets not replicated to, and why
	files   *fileMirror

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

type targetState struct {
	Target
	primary   bool
	client    litestream.ReplicaClient
	replica   *litestream.Replica
	compactor *litestream.Compactor

	mu        sync.Mutex
	txid      ltx.TXID  // what the target holds
	inSyncAt  time.Time // last time it held all the database had
	lastErr   string
	lastErrAt time.Time
	reseeds   int
}

func (ts *targetState) fail(err error) {
	ts.mu.Lock()
	ts.lastErr, ts.lastErrAt = err.Error(), time.Now()
	ts.mu.Unlock()
}

// Start begins replicating dataDir's database and files. logger receives
// Litestream's messages; its errors also show in Status.
func Start(cfg Config, dataDir string, logger *slog.Logger) (*Replicator, error) {
	if !cfg.Enabled() {
		return nil, errors.New("no replica target configured")
	}
	if logger == nil {
		logger = slog.Default()
	}
	r := &Replicator{cfg: cfg, dataDir: dataDir, plain: logger}
	r.ctx, r.cancel = context.WithCancel(context.Background())

	db := litestream.NewDB(filepath.Join(dataDir, DBName))
	db.MonitorInterval = cfg.SyncInterval
	db.MinCheckpointPageN = CheckpointPages
	for _, t := range cfg.Targets() {
		if t.Kind == KindDir {
			// an unmounted second disk would silently fill the first one
			if fi, err := os.Stat(t.dir); err != nil || !fi.IsDir() {
				r.skipped = append(r.skipped, fmt.Sprintf("direktori replika %s tidak ada (disk kedua belum terpasang?)", t.dir))
				continue
			}
		}
		ts := &targetState{Target: t, primary: len(r.targets) == 0, client: t.dbClient(DBName)}
		ts.replica = litestream.NewReplicaWithClient(db, ts.client)
		ts.replica.SyncInterval = cfg.SyncInterval
		if fc, ok := ts.client.(*file.ReplicaClient); ok {
			fc.Replica = ts.replica // keeps the data directory's file modes
		}
		if ts.primary {
			db.Replica = ts.replica
		} else {
			ts.replica.MonitorEnabled = false // driven by runSecondary
			ts.compactor = litestream.NewCompactor(ts.client, logger.With("replica", t.Kind))
			ts.compactor.LocalFileOpener = func(level int, minTXID, maxTXID ltx.TXID) (io.ReadCloser, error) {
				return os.Open(db.LTXPath(level, minTXID, maxTXID))
			}
		}
		r.targets = append(r.targets, ts)
	}
	if len(r.targets) == 0 {
		return nil, errors.New(strings.Join(r.skipped, "; "))
	}
	// Litestream logs its failures; the primary's also go to the health view.
	r.logger = slog.New(&errorTap{next: logger.Handler(), onError: func(msg string) {
		r.targets[0].fail(errors.New(msg))
	}})
	r.db = db
	r.store = litestream.NewStore([]*litestream.DB{db}, levels)
	r.store.SnapshotInterval = snapshotInterval
	r.store.SnapshotRetention = snapshotRetention
	// local LTX files stay an hour after the first target compacted them,
	// so a further target away for less catches up without a new snapshot
	r.store.SetL0Retention(l0Retention)
	r.store.Logger = r.logger
	r.store.SetShutdownSyncTimeout(5 * time.Second)
	db.SetLogger(r.logger.With("db", DBName))

	for _, ts := range r.targets[1:] {
		if err := ts.client.Init(r.ctx); err != nil {
			r.cancel()
			return nil, fmt.Errorf("replica %s: %w", ts, err)
		}
	}
	if err := r.store.Open(r.ctx); err != nil {
		r.cancel()
		return nil, err
	}
	r.files = newFileMirror(r, filepath.Join(dataDir, "storage"))

	r.wg.Add(1)
	go func() { defer r.wg.Done(); r.watch() }()
	r.wg.Add(1)
	go func() { defer r.wg.Done(); r.checkPrimary(r.targets[0]) }()
	for _, ts := range r.targets[1:] {
		r.wg.Add(1)
		go func() { defer r.wg.Done(); r.runSecondary(ts) }()
	}
	r.wg.Add(1)
	go func() { defer r.wg.Done(); r.files.run(r.ctx) }()
	return r, nil
}

// Close ships what is left of the WAL (up to 5 s) and stops.
func (r *Replicator) Close() error {
	r.cancel()
	r.wg.Wait()
	return r.store.Close(context.Background())
}

// watch records, every quarter second, how far each target is behind.
func (r *Replicator) watch() {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-tick.C:
		}
		dpos, err := r.db.Pos()
		if err != nil {
			continue
		}
		now := time.Now()
		for _, ts := range r.targets {
			pos := ts.replica.Pos()
			ts.mu.Lock()
			if !pos.IsZero() {
				ts.txid = pos.TXID
			}
			if !dpos.IsZero() && ts.txid >= dpos.TXID {
				ts.inSyncAt = now
			}
			ts.mu.Unlock()
		}
	}
}

// runSecondary ships the LTX files to a further target every sync interval
// and compacts it every few seconds.
func (r *Replicator) runSecondary(ts *targetState) {
	tick := time.NewTicker(r.cfg.SyncInterval)
	defer tick.Stop()
	checked := false
	var lastMaintain time.Time
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-tick.C:
		}
		dpos, err := r.db.Pos()
		if err != nil || dpos.IsZero() {
			continue // the database is not initialised yet
		}
		if !checked {
			if err := r.checkSecondary(ts, dpos); err != nil {
				ts.fail(err)
				continue
			}
			checked = true
		}
		err = ts.replica.Sync(r.ctx)
		var ltxErr *litestream.LTXError
		if errors.As(err, &ltxErr) && errors.Is(ltxErr.Err, os.ErrNotExist) {
			r.plain.Warn("replica fell behind the local LTX files; reseeding", "replica", ts.Kind, "txid", ltxErr.MinTXID)
			err = r.reseed(ts)
		}
		if err != nil {
			if r.ctx.Err() == nil {
				ts.fail(err)
				r.plain.Error("replica sync failed", "replica", ts.Kind, "error", err)
			}
			continue
		}
		if time.Since(lastMaintain) >= maintainEvery {
			lastMaintain = time.Now()
			if err := r.maintain(ts, dpos); err != nil && r.ctx.Err() == nil {
				ts.fail(err)
				r.plain.Error("replica compaction failed", "replica", ts.Kind, "error", err)
			}
		}
	}
}

// checkSecondary makes sure a further target continues this database's
// history: its newest LTX file must be byte for byte the local one of the
// same transactions. After a restore, or after the target was away for long,
// it is not, and the target is reseeded.
func (r *Replicator) checkSecondary(ts *targetState, dpos ltx.Pos) error {
	info, err := ts.replica.MaxLTXFileInfo(r.ctx, 0)
	if err != nil {
		return err
	}
	if info.MaxTXID == 0 {
		return nil // empty: it starts from the first transaction, or reseeds
	}
	if info.MaxTXID <= dpos.TXID {
		local, lerr := os.ReadFile(r.db.LTXPath(0, info.MinTXID, info.MaxTXID))
		if lerr == nil {
			rc, err := ts.client.OpenLTXFile(r.ctx, 0, info.MinTXID, info.MaxTXID, 0, 0)
			if err != nil {
				return err
			}
			remote, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return err
			}
			if bytes.Equal(local, remote) {
				return nil
			}
		}
	}
	r.plain.Info("replica holds another history than this database; reseeding", "replica", ts.Kind, "replica_txid", info.MaxTXID, "db_txid", dpos.TXID)
	return r.reseed(ts)
}

// reseed gives a further target a new history: a snapshot of the database
// now and the local L0 file of that position (so its position survives a
// restart), written first; only then is every other file deleted, so the
// target holds a complete history at every moment.
func (r *Replicator) reseed(ts *targetState) error {
	pos, rd, err := r.db.SnapshotReader(r.ctx)
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	_, err = ts.client.WriteLTXFile(r.ctx, litestream.SnapshotLevel, 1, pos.TXID, rd)
	rd.Close()
	if err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	if f, err := os.Open(r.db.LTXPath(0, pos.TXID, pos.TXID)); err == nil {
		_, err = ts.client.WriteLTXFile(r.ctx, 0, pos.TXID, pos.TXID, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("write position: %w", err)
		}
	}
	for level := 0; level <= litestream.SnapshotLevel; level++ {
		keep := func(info *ltx.FileInfo) bool {
			return (level == litestream.SnapshotLevel && info.MinTXID == 1 && info.MaxTXID == pos.TXID) ||
				(level == 0 && info.MinTXID == pos.TXID && info.MaxTXID == pos.TXID)
		}
		old, err := litestream.FindLTXFiles(r.ctx, ts.client, level, false, func(info *ltx.FileInfo) (bool, error) { return !keep(info), nil })
		if err != nil {
			return fmt.Errorf("list L%d: %w", level, err)
		}
		if len(old) > 0 {
			if err := ts.client.DeleteLTXFiles(r.ctx, old); err != nil {
				return fmt.Errorf("clear L%d: %w", level, err)
			}
		}
	}
	ts.replica.SetPos(pos)
	ts.mu.Lock()
	ts.reseeds++
	ts.mu.Unlock()
	return nil
}

// restorable reports whether the target holds a complete history: a restore
// plan from the first transaction. A bucket emptied or a disk swapped under
// a running server leaves Litestream uploading increments onto nothing.
func (r *Replicator) restorable(ts *targetState) bool {
	plan, err := litestream.CalcRestorePlan(r.ctx, ts.client, 0, time.Time{}, r.logger)
	return err == nil && len(plan) > 0 && plan[0].MinTXID == 1
}

// checkPrimary snapshots the database to the first target when its history
// is gone (the store itself would only upload increments).
func (r *Replicator) checkPrimary(ts *targetState) {
	tick := time.NewTicker(maintainEvery)
	defer tick.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-tick.C:
		}
		if ts.replica.Pos().IsZero() || r.restorable(ts) || r.ctx.Err() != nil {
			continue
		}
		r.plain.Warn("replica holds no complete history; writing a snapshot", "replica", ts.Kind)
		if _, err := r.db.Snapshot(r.ctx); err != nil && r.ctx.Err() == nil {
			ts.fail(fmt.Errorf("snapshot: %w", err))
			continue
		}
		ts.mu.Lock()
		ts.reseeds++
		ts.mu.Unlock()
	}
}

// maintain does for a further target what the store does for the first:
// compaction level by level on its interval, the daily snapshot, retention.
func (r *Replicator) maintain(ts *targetState, dpos ltx.Pos) error {
	if !r.restorable(ts) {
		r.plain.Warn("replica holds no complete history; reseeding", "replica", ts.Kind)
		return r.reseed(ts)
	}
	now := time.Now()
	for _, lvl := range levels {
		if lvl.Level == 0 {
			continue
		}
		dst, err := ts.compactor.MaxLTXFileInfo(r.ctx, lvl.Level)
		if err != nil {
			return err
		}
		if dst.CreatedAt.After(lvl.PrevCompactionAt(now)) {
			continue
		}
		src, err := ts.compactor.MaxLTXFileInfo(r.ctx, levels.PrevLevel(lvl.Level))
		if err != nil {
			return err
		}
		if src.MaxTXID <= dst.MaxTXID {
			continue
		}
		if _, err := ts.compactor.Compact(r.ctx, lvl.Level); err != nil && !errors.Is(err, litestream.ErrNoCompaction) {
			return fmt.Errorf("compact L%d: %w", lvl.Level, err)
		}
	}
	snap, err := ts.compactor.MaxLTXFileInfo(r.ctx, litestream.SnapshotLevel)
	if err != nil {
		return err
	}
	if now.Sub(snap.CreatedAt) >= snapshotInterval && snap.MaxTXID < dpos.TXID {
		pos, rd, err := r.db.SnapshotReader(r.ctx)
		if err != nil {
			return err
		}
		_, err = ts.client.WriteLTXFile(r.ctx, litestream.SnapshotLevel, 1, pos.TXID, rd)
		rd.Close()
		if err != nil {
			return err
		}
	}
	minTXID, err := ts.compactor.EnforceSnapshotRetention(r.ctx, snapshotRetention)
	if err != nil {
		return err
	}
	for _, lvl := range levels {
		if lvl.Level == 0 || minTXID == 0 {
			continue
		}
		if err := ts.compactor.EnforceRetentionByTXID(r.ctx, lvl.Level, minTXID); err != nil {
			return err
		}
	}
	return ts.compactor.EnforceL0Retention(r.ctx, l0Retention)
}

// errorTap passes log records on and reports error-level ones.
type errorTap struct {
	next    slog.Handler
	onError func(msg string)
}

func (h *errorTap) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelError || h.next.Enabled(ctx, l)
}

func (h *errorTap) Handle(ctx context.Context, rec slog.Record) error {
	if rec.Level >= slog.LevelError {
		msg := rec.Message
		rec.Attrs(func(a slog.Attr) bool {
			if a.Key == "error" {
				msg += ": " + a.Value.String()
			}
			return true
		})
		h.onError(msg)
	}
	if h.next.Enabled(ctx, rec.Level) {
		return h.next.Handle(ctx, rec)
	}
	return nil
}

func (h *errorTap) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &errorTap{next: h.next.WithAttrs(attrs), onError: h.onError}
}

func (h *errorTap) WithGroup(name string) slog.Handler {
	return &errorTap{next: h.next.WithGroup(name), onError: h.onError}
}
