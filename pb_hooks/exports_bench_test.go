package pb_hooks_test

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// BenchmarkWorkbookOneYear builds the encrypted workbook of a year with a
// country's hundred thousand victims (their de-identified rows written
// straight into the per-case table), for profiling:
// go test ./pb_hooks -run x -bench WorkbookOneYear -benchtime 3x -cpuprofile cpu.out
func BenchmarkWorkbookOneYear(b *testing.B) {
	h := newHarness(b, time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC))
	_, sup := h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)
	row := strings.Join([]string{"2025-03", "Singkawang Barat", "Formulir online", "1", "Perempuan", "25-44 tahun", "Tidak",
		"Bukan penyandang disabilitas", "SD/sederajat", "Pelajar/mahasiswa", "Belum kawin", "Fisik, Psikis", "Rumah tangga", "1",
		"Orang tua", "Laki-laki", "Pengaduan, Kesehatan", "", "Selesai", "Terpenuhi", "-"}, "\t")
	err := h.App.RunInTransaction(func(tx core.App) error {
		q := tx.DB().NewQuery("INSERT INTO teduh_stats_case (complaint, month, cells, row) VALUES ({:id}, {:m}, '[]', {:r})").Prepare()
		defer q.Close()
		for i := 0; i < 100_000; i++ {
			if _, err := q.Bind(dbx.Params{"id": fmt.Sprintf("c%014d", i), "m": fmt.Sprintf("2025-%02d", 1+i%12), "r": row}).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	body := map[string]any{"from": "2025-01", "to": "2025-12", "password": "sandi-bench-2026"}
	// the heap's high-water mark while the workbooks are built
	runtime.GC()
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
			}
		}
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := h.Do("POST", "/api/exports/stats.xlsx", body, sup); res.Status != 200 {
			b.Fatalf("%d %s", res.Status, res)
		}
	}
	b.StopTimer()
	close(stop)
	<-done
	b.ReportMetric(float64(peak)/(1<<20), "MB-heap-peak")
	if data, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(l, "VmHWM") {
				b.Log(l)
			}
		}
	}
}
