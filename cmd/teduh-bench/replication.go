package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teduh/internal/replica"
	"teduh/internal/replica/s3test"
)

// benchReplication measures the replicas (`-only replication`): how long an
// acknowledged complaint takes to be on S3 and on the second disk while the
// intake is loaded, and how long `teduh restore` takes to rebuild the
// seeded national-scale database from each. The S3-compatible server is
// gofakes3 in this process on a loopback port; the directory is on the same
// disk, so the figures are Teduh's and Litestream's own cost, not a link's.
func benchReplication(cfg config, bin, dir string, r *report) error {
	s3 := s3test.New()
	defer s3.Close()
	var b strings.Builder
	fmt.Fprintf(&b, "## Replication and restore\n\n")
	if err := benchReplicationLag(cfg, bin, filepath.Join(dir, "lag"), s3, &b); err != nil {
		return fmt.Errorf("replication lag: %w", err)
	}
	if err := benchRestore(cfg, bin, filepath.Join(dir, "restore"), s3, &b); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	r.extra = append(r.extra, b.String())
	return nil
}

func replicaEnv(s3 *s3test.Server, bucket, dir string) ([]string, replica.Config, error) {
	// the second disk: Teduh writes to no replica directory that is not there
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, replica.Config{}, err
	}
	m := s3.Env(bucket)
	m[replica.EnvDir] = dir
	var env []string
	for k, v := range m {
		env = append(env, k+"="+v)
	}
	cfg, err := replica.FromEnv(func(k string) string { return m[k] })
	return env, cfg, err
}

// benchReplicationLag loads the intake with 16 clients and, once a second,
// files a probe complaint and waits until each replica holds it, restoring
// the replica's database to look. The lag is from the probe's
// acknowledgement to the end of the first restore that holds it, so it
// includes one restore; the promise is at most 10 s.
func benchReplicationLag(cfg config, bin, dir string, s3 *s3test.Server, b *strings.Builder) error {
	dataDir := filepath.Join(dir, "pb_data")
	if err := prepareDataDir(dataDir, 0, nil); err != nil {
		return err
	}
	env, rcfg, err := replicaEnv(s3, "bench-lag", filepath.Join(dir, "replica"))
	if err != nil {
		return err
	}
	srv, err := startServer(bin, dataDir, env...)
	if err != nil {
		return err
	}
	defer srv.stop()
	loadFor := max(cfg.dur*5, 15*time.Second)
	lags := map[string][]float64{}
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		defer close(done)
		deadline := time.Now().Add(loadFor - 2*time.Second)
		for time.Now().Before(deadline) {
			var out struct {
				Number string `json:"number"`
			}
			if err := call("POST", srv.base+"/api/public/complaints", "", complaintBodyJSON(), &out); err != nil {
				log.Printf("probe: %v", err)
				time.Sleep(time.Second)
				continue
			}
			acked := time.Now()
			var wg sync.WaitGroup
			for _, kind := range []string{replica.KindS3, replica.KindDir} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if lag, ok := waitForCase(rcfg, kind, out.Number, acked); ok {
						mu.Lock()
						lags[kind] = append(lags[kind], lag.Seconds())
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			time.Sleep(time.Until(acked.Add(time.Second)))
		}
	}()
	lat, failures := load(16, loadFor, func(_, _ int) error {
		status, body, err := request("POST", srv.base+"/api/public/complaints", "", complaintBody)
		if err != nil {
			return err
		}
		if status != 200 {
			return fmt.Errorf("%d %s", status, body)
		}
		return nil
	})
	<-done
	rps := float64(len(lat)) / loadFor.Seconds()
	fmt.Fprintf(b, "### Replication lag under intake load\n\n16 clients submit complaints for %s (%.0f req/s, p99 %.1f ms, %d failures) to a server replicating to S3 and to a directory (sync every %s). Once a second a probe complaint is filed and each replica is restored until it holds it: the lag is from the probe's acknowledgement to the end of that restore (so it includes one restore of the intake database). Target: ≤ 10 s of acknowledged writes at risk.\n\n",
		loadFor, rps, ms(percentile(lat, 0.99)), failures, replica.DefaultSyncInterval)
	fmt.Fprintf(b, "| replica | probes | lag p50 | lag max | target ≤ 10 s |\n|---|---|---|---|---|\n")
	for _, kind := range []string{replica.KindS3, replica.KindDir} {
		xs := lags[kind]
		if len(xs) == 0 {
			fmt.Fprintf(b, "| %s | 0 | — | — | **missed** |\n", kind)
			continue
		}
		sort.Float64s(xs)
		worst := xs[len(xs)-1]
		fmt.Fprintf(b, "| %s | %d | %.2f s | %.2f s | %s |\n", kind, len(xs), median(xs), worst, mark(worst <= 10))
		log.Printf("replication lag %s: p50 %.2f s, max %.2f s over %d probes", kind, median(xs), worst, len(xs))
	}
	b.WriteString("\n")
	return nil
}

func complaintBodyJSON() any {
	return map[string]any{"reporter_name": "Probe", "reporter_phone": "081234567890", "reporter_relation": "family",
		"victim_name": "Ani", "victim_sex": "female", "chronology": "Kejadian kekerasan di rumah.", "consent": true}
}

// waitForCase restores kind's replica until it holds the case number.
func waitForCase(cfg replica.Config, kind, number string, since time.Time) (time.Duration, bool) {
	for time.Since(since) < 60*time.Second {
		scratch, err := os.MkdirTemp("", "teduh-lag-")
		if err != nil {
			return 0, false
		}
		found := false
		if _, err := replica.RestoreDatabase(context.Background(), cfg, kind, scratch, nil); err == nil {
			if db, err := dbx.Open("sqlite", filepath.Join(scratch, replica.DBName)); err == nil {
				var n int
				_ = db.NewQuery("SELECT COUNT(*) FROM complaints WHERE number = {:n}").Bind(dbx.Params{"n": number}).Row(&n)
				db.Close()
				found = n == 1
			}
		}
		os.RemoveAll(scratch)
		if found {
			return time.Since(since), true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return 0, false
}

// benchRestore seeds the national-scale database, lets the server replicate
// it, and times `teduh restore` from S3 and from the directory.
func benchRestore(cfg config, bin, dir string, s3 *s3test.Server, b *strings.Builder) error {
	dataDir := filepath.Join(dir, "pb_data")
	now := time.Now().UTC()
	t0 := time.Now()
	err := prepareDataDir(dataDir, 0, func(app core.App) error {
		_, _, _, err := seedScale(app, cfg.cases, now)
		return err
	})
	if err != nil {
		return err
	}
	log.Printf("restore: seeded %d cases in %s", cfg.cases, time.Since(t0).Round(time.Second))
	size := dirSize(dataDir)
	env, rcfg, err := replicaEnv(s3, "bench-restore", filepath.Join(dir, "replica"))
	if err != nil {
		return err
	}
	t1 := time.Now()
	srv, err := startServer(bin, dataDir, env...)
	if err != nil {
		return err
	}
	// the first replication is a full copy; wait until both replicas hold
	// the same position, then stop (a graceful stop ships the rest)
	for {
		s3pos, err1 := replica.Position(context.Background(), rcfg, replica.KindS3)
		dirPos, err2 := replica.Position(context.Background(), rcfg, replica.KindDir)
		if err1 == nil && err2 == nil && s3pos > 0 && s3pos == dirPos {
			break
		}
		if time.Since(t1) > 30*time.Minute {
			srv.stop()
			return fmt.Errorf("replicas did not receive the database in 30 min")
		}
		time.Sleep(200 * time.Millisecond)
	}
	initial := time.Since(t1)
	srv.stop()
	log.Printf("restore: first full replication of %d MB took %s", size>>20, initial.Round(time.Millisecond))

	fmt.Fprintf(b, "### Restore of the %d-case database\n\nThe seeded database (%d MB with its WAL) is served with replication on; its first, full replication to both replicas took %s (server start to both holding it). Then `teduh restore` rebuilds an empty data directory (the database, with Litestream's full `integrity_check`, and the stored files):\n\n| from | restore time | cases restored |\n|---|---|---|\n",
		cfg.cases, size>>20, initial.Round(time.Millisecond))
	for _, kind := range []string{replica.KindS3, replica.KindDir} {
		out := filepath.Join(dir, "restored-"+kind)
		cmd := exec.Command(bin, "restore", "--from", kind, "--dir", out)
		cmd.Env = append(os.Environ(), env...)
		start := time.Now()
		if msg, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("teduh restore --from %s: %v: %s", kind, err, msg)
		}
		took := time.Since(start)
		db, err := dbx.Open("sqlite", filepath.Join(out, replica.DBName))
		if err != nil {
			return err
		}
		var n int
		err = db.NewQuery("SELECT COUNT(*) FROM complaints").Row(&n)
		db.Close()
		if err != nil || n < cfg.cases {
			return fmt.Errorf("restored from %s: %d cases (%v), want %d", kind, n, err, cfg.cases)
		}
		fmt.Fprintf(b, "| %s | %s | %d |\n", kind, took.Round(time.Millisecond), n)
		log.Printf("restore from %s: %s, %d cases", kind, took.Round(time.Millisecond), n)
		os.RemoveAll(out)
	}
	b.WriteString("\n")
	return nil
}
