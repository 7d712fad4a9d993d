package replica

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/benbjohnson/litestream"
)

// RestoreResult says what Restore brought back.
type RestoreResult struct {
	From     string // the target, without secrets
	TXID     uint64 // the database's last transaction restored
	Files    int    // files copied into pb_data/storage
	Duration time.Duration
}

// Restore rebuilds dataDir's data.db and storage/ from the target of kind
// ("s3" or "dir"). dataDir must not hold a data.db (the caller clears a
// freshly created empty one); the database is written to a temporary file,
// checked with SQLite's integrity_check and only then renamed into place.
func Restore(ctx context.Context, cfg Config, kind, dataDir string, logger *slog.Logger) (RestoreResult, error) {
	start := time.Now()
	res, err := RestoreDatabase(ctx, cfg, kind, dataDir, logger)
	if err != nil {
		return res, err
	}
	t, _ := cfg.Target(kind)
	if res.Files, err = restoreFiles(t, filepath.Join(dataDir, "storage")); err != nil {
		return res, fmt.Errorf("pulihkan berkas: %w", err)
	}
	res.Duration = time.Since(start)
	return res, nil
}

// RestoreDatabase is Restore without the files.
func RestoreDatabase(ctx context.Context, cfg Config, kind, dataDir string, logger *slog.Logger) (RestoreResult, error) {
	start := time.Now()
	t, err := cfg.Target(kind)
	if err != nil {
		return RestoreResult{}, err
	}
	if logger == nil {
		logger = slog.Default()
	}
	res := RestoreResult{From: t.String()}
	client := t.dbClient(DBName)
	client.SetLogger(logger)
	if err := client.Init(ctx); err != nil {
		return res, err
	}
	r := litestream.NewReplicaWithClient(nil, client)
	info, err := r.MaxLTXFileInfo(ctx, 0)
	if err != nil {
		return res, fmt.Errorf("baca replika: %w", err)
	}
	opt := litestream.NewRestoreOptions()
	opt.OutputPath = filepath.Join(dataDir, DBName)
	opt.IntegrityCheck = litestream.IntegrityCheckFull
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return res, err
	}
	if err := r.Restore(ctx, opt); err != nil {
		return res, fmt.Errorf("pulihkan basis data: %w", err)
	}
	// the -txid side file is for Litestream's follow mode only
	_ = os.Remove(opt.OutputPath + "-txid")
	res.TXID = uint64(info.MaxTXID)
	res.Duration = time.Since(start)
	return res, nil
}

// StoredFiles lists the copies of pb_data/storage a target holds (path under
// storage/ → size).
func StoredFiles(cfg Config, kind string) (map[string]int64, error) {
	t, err := cfg.Target(kind)
	if err != nil {
		return nil, err
	}
	s, err := t.objects(storageDir)
	if err != nil {
		return nil, err
	}
	defer s.close()
	return s.list()
}

// HasData reports whether any target already holds a database, so a server
// on an empty data directory does not silently replace it. It fails only
// when no target could be asked.
func HasData(ctx context.Context, cfg Config) (bool, error) {
	var errs []error
	for _, t := range cfg.Targets() {
		has, err := targetHasData(ctx, t)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", t, err))
		} else if has {
			return true, nil
		}
	}
	if len(errs) > 0 && len(errs) == len(cfg.Targets()) {
		return false, errors.Join(errs...)
	}
	return false, nil
}

func targetHasData(ctx context.Context, t Target) (bool, error) {
	client := t.dbClient(DBName)
	if err := client.Init(ctx); err != nil {
		return false, err
	}
	r := litestream.NewReplicaWithClient(nil, client)
	for _, level := range []int{0, litestream.SnapshotLevel} {
		info, err := r.MaxLTXFileInfo(ctx, level)
		if err != nil {
			return false, err
		}
		if info.MaxTXID > 0 {
			return true, nil
		}
	}
	return false, nil
}

// Position is the last transaction a target holds (0: none).
func Position(ctx context.Context, cfg Config, kind string) (uint64, error) {
	t, err := cfg.Target(kind)
	if err != nil {
		return 0, err
	}
	client := t.dbClient(DBName)
	if err := client.Init(ctx); err != nil {
		return 0, err
	}
	r := litestream.NewReplicaWithClient(nil, client)
	info, err := r.MaxLTXFileInfo(ctx, 0)
	return uint64(info.MaxTXID), err
}
