package pb_hooks_test

import (
	"strings"
	"testing"
	"time"

	"teduh/internal/replica"
	"teduh/internal/replica/s3test"
	"teduh/pb_hooks"
)

// The health data names each replica and how far behind it is; with
// nothing configured it says the data is only on this disk.
func TestReplicationHealth(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	health := pb_hooks.ReplicationHealth(h.App)
	if health["configured"] != false || !strings.Contains(strings.Join(health["errors"].([]string), " "), "Replikasi belum diatur") {
		t.Fatalf("unconfigured replication not reported: %v", health)
	}

	s3 := s3test.Start(t)
	setReplicaEnv(t, s3, t.TempDir(), nil)
	h = newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	h.submit(with(validComplaint(), "victim_name", "Rina"))
	deadline := time.Now().Add(10 * time.Second)
	for {
		health = pb_hooks.ReplicationHealth(h.App)
		targets := health["targets"].([]map[string]any)
		ok := health["running"] == true && len(targets) == 2
		for _, tg := range targets {
			ok = ok && tg["lag_transactions"] == uint64(0) && tg["txid"].(uint64) > 0 && tg["last_sync"].(*time.Time) != nil
		}
		if ok {
			if targets[0]["kind"] != replica.KindDir || targets[0]["role"] != "primary" || targets[1]["kind"] != replica.KindS3 {
				t.Fatalf("targets: %v", targets)
			}
			if strings.Contains(targets[1]["target"].(string), "teduh-test-secret") {
				t.Fatal("the health data shows the S3 secret")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("replicas not in sync within 10 s: %v", health)
		}
		time.Sleep(100 * time.Millisecond)
	}
	problems := strings.Join(health["errors"].([]string), " | ")
	if !strings.Contains(problems, "Cadangan tidak terenkripsi") || strings.Contains(problems, "Replika") {
		t.Fatalf("problems: %s", problems)
	}
}
