package pb_hooks_test

import (
	"testing"
	"time"
)

// BenchmarkPublicIntake measures one public submission end to end in-process
// (routing, validation, numbering, step 1, audit), for profiling with
// `go test -bench PublicIntake -cpuprofile`.
func BenchmarkPublicIntake(b *testing.B) {
	h := newHarness(b, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	body := validComplaint()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := h.Do("POST", "/api/public/complaints", body, ""); res.Status != 200 {
			b.Fatalf("%d %s", res.Status, res)
		}
	}
}
