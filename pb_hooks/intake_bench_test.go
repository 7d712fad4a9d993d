package pb_hooks_test

import (
	"fmt"
	"testing"
	"time"

	"teduh/internal/benchkit"
)

// BenchmarkPublicIntake measures one public submission end to end in-process
// (routing, validation, numbering, step 1, audit, the alert to the staff on
// duty), for profiling with `go test -bench PublicIntake -cpuprofile`.
// BenchmarkBareCreate is plain PocketBase creating a record of the same
// fields with no hooks: the yardstick `make bench` compares intake with.
// Both report the database pages each request writes (WAL frames), the
// cost that no CPU profile shows.
func BenchmarkPublicIntake(b *testing.B) {
	for _, staff := range []int{0, 5} {
		b.Run(fmt.Sprintf("staff=%d", staff), func(b *testing.B) {
			h := newHarness(b, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
			for i := range staff {
				role := "officer"
				if i == 0 {
					role = "supervisor"
				}
				h.Staff(fmt.Sprintf("staf%d@teduh.test", i), fmt.Sprintf("Staf %d", i), role, true)
			}
			postEach(b, h, "/api/public/complaints", h.Teduh.Reminders().Wait)
		})
	}
}

func BenchmarkBareCreate(b *testing.B) {
	h := newHarness(b, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	if err := benchkit.Collection(h.App); err != nil {
		b.Fatal(err)
	}
	postEach(b, h, "/api/collections/bench_complaints/records", nil)
}

// postEach posts a valid complaint to path once per iteration, then (after
// settle, when given) reports the WAL pages written per request.
func postEach(b *testing.B, h *harness, path string, settle func()) {
	body := validComplaint()
	pages := walPages(b, h)
	n := 0
	for b.Loop() {
		n++
		if res := h.Do("POST", path, body, ""); res.Status != 200 {
			b.Fatalf("%d %s", res.Status, res)
		}
	}
	b.StopTimer()
	if settle != nil {
		settle()
	}
	b.ReportMetric(float64(pages())/float64(n), "pages/op")
}

// walPages turns off automatic checkpoints on the (single) writing
// connection and empties the WAL; the function it returns counts the pages
// written since.
func walPages(b *testing.B, h *harness) func() int {
	db := h.App.NonconcurrentDB()
	if _, err := db.NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Execute(); err != nil {
		b.Fatal(err)
	}
	if _, err := db.NewQuery("PRAGMA wal_autocheckpoint = 0").Execute(); err != nil {
		b.Fatal(err)
	}
	return func() int {
		var busy, frames, done int
		if err := db.NewQuery("PRAGMA wal_checkpoint(PASSIVE)").Row(&busy, &frames, &done); err != nil {
			b.Fatal(err)
		}
		_, _ = db.NewQuery("PRAGMA wal_autocheckpoint = 1000").Execute()
		return frames
	}
}
