package main

// The statistics and exports at national scale (`-only stats`): the same
// seeded country (with perpetrators, services and police-report clocks),
// GET /api/stats for one year and for ten years, the encrypted workbook of
// one year and the report PDF, the server's peak memory.

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

type statsFigures struct {
	cases      int
	seedTime   time.Duration
	rows       []queryRow
	workbook   []float64 // ms per workbook
	wbRows     int
	wbBytes    int
	rss        int64
	rssQueries int64 // before the workbooks
	aggregates int
	load       string
	victims1y  int
}

func benchStats(cfg config, bin, dir string, r *report) error {
	now := time.Now().UTC()
	var supervisorEmail string
	t0 := time.Now()
	err := prepareDataDir(dir, 0, func(app core.App) error {
		var err error
		_, supervisorEmail, _, err = seedScale(app, cfg.cases, now)
		if err != nil {
			return err
		}
		sf := &statsFigures{}
		r.stats = sf
		return app.DB().NewQuery("SELECT COUNT(*) FROM teduh_stats").Row(&sf.aggregates)
	})
	if err != nil {
		return err
	}
	sf := r.stats
	sf.cases, sf.seedTime = cfg.cases, time.Since(t0)

	srv, err := startServer(bin, dir)
	if err != nil {
		return err
	}
	defer srv.stop()
	sup, err := signIn(srv.base, supervisorEmail, benchPassword)
	if err != nil {
		return err
	}
	lastYear := now.AddDate(-1, 0, 0).Year()
	oneYear := fmt.Sprintf("from=%d-01&to=%d-12", lastYear, lastYear)
	tenYears := fmt.Sprintf("from=%d-01&to=%d-12", lastYear-9, lastYear)
	var check struct {
		Totals struct {
			Victims int `json:"victims"`
		} `json:"totals"`
	}
	if err := call("GET", srv.base+"/api/stats?"+oneYear, sup, nil, &check); err != nil {
		return err
	}
	sf.victims1y = check.Totals.Victims
	measure := func(name string, limit float64, n int, fn func(int) error) error {
		var p50s, p95s []float64
		for run := 0; run < cfg.runs; run++ {
			lat, err := repeat(n, fn)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			p50s = append(p50s, ms(percentile(lat, 0.5)))
			p95s = append(p95s, ms(percentile(lat, 0.95)))
		}
		row := queryRow{name: name, limit: limit, p50: median(p50s), p95: median(p95s)}
		sf.rows = append(sf.rows, row)
		log.Printf("%-45s p50 %6.2f ms  p95 %6.2f ms", name, row.p50, row.p95)
		return nil
	}
	get := func(path string) func(int) error {
		return func(int) error { return call("GET", srv.base+path, sup, nil, nil) }
	}
	for _, m := range []struct {
		name  string
		limit float64
		path  string
	}{
		{fmt.Sprintf("statistics, one year (%d)", lastYear), 100, "/api/stats?" + oneYear},
		{fmt.Sprintf("statistics, ten years (%d–%d)", lastYear-9, lastYear), 500, "/api/stats?" + tenYears},
		{"statistics, one year, one district", 100, "/api/stats?" + oneYear + "&district=Singkawang+Barat"},
	} {
		if err := measure(m.name, m.limit, cfg.queries, get(m.path)); err != nil {
			return err
		}
	}
	if err := measure("report PDF, one year", 500, max(cfg.queries/10, 5), get("/api/exports/report.pdf?"+oneYear)); err != nil {
		return err
	}
	sf.rssQueries = srv.peakRSS()
	log.Printf("peak RSS after the statistics and the report: %.0f MB", float64(sf.rssQueries)/(1<<20))
	body, _ := json.Marshal(map[string]string{"from": fmt.Sprintf("%d-01", lastYear), "to": fmt.Sprintf("%d-12", lastYear), "password": "sandi-bench-2026"})
	for i := 0; i < max(cfg.runs, 3); i++ {
		start := time.Now()
		status, data, err := request("POST", srv.base+"/api/exports/stats.xlsx", sup, body)
		if err != nil {
			return err
		}
		if status != 200 {
			return fmt.Errorf("workbook: %d %s", status, data)
		}
		sf.workbook = append(sf.workbook, ms(time.Since(start)))
		sf.wbBytes = len(data)
	}
	sf.wbRows = sf.victims1y
	log.Printf("encrypted workbook of one year (%d case rows, %d KB): median %.0f ms", sf.wbRows, sf.wbBytes/1024, median(sf.workbook))
	sf.rss = srv.peakRSS()
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		sf.load = strings.Join(strings.Fields(string(data))[:3], " / ") + " (1, 5, 15 minutes)"
	}
	return nil
}

func (sf *statsFigures) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "## 5. Statistics and SIMFONI exports: %d cases\n\n", sf.cases)
	fmt.Fprintf(&b, "- Date: %s\n- Machine: %s\n- Command: `make bench BENCH_FLAGS=\"-only stats\"` (this section only; the other sections are from their own run)\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), machine())
	fmt.Fprintf(&b, "The national-scale seed of section 2 (ten years, %d cases, seeded and counted in %s) with the SIMFONI particulars: the victim's age, education, occupation, marital status, disability and place; one report in 25 with a second victim (a linked case); one or two perpetrators for every case past step 6; the services confirmed on every closed case; the police-report clock (`case_clocks`) on the sixth of the cases with sexual violence. The aggregates are counted once from the cases (`RebuildStats`, what the server does at start-up after a vocabulary change) into %d rows; from then on every change of a case applies its difference in the change's own transaction. One year holds %d victims.\n\n", sf.cases, sf.seedTime.Round(time.Second), sf.aggregates, sf.victims1y)
	fmt.Fprintf(&b, "| measurement | p50 | p95 | target |\n|---|---|---|---|\n")
	for _, q := range sf.rows {
		fmt.Fprintf(&b, "| %s | %.2f ms | %.2f ms | p95 ≤ %.0f ms — %s |\n", q.name, q.p50, q.p95, q.limit, mark(q.p95 <= q.limit))
	}
	wb := median(sf.workbook)
	fmt.Fprintf(&b, "\n| measurement | value | target |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| encrypted workbook of one year (`POST /api/exports/stats.xlsx`, %d case rows, %d KB; median of %d) | %.0f ms | ≤ 3 s — %s |\n", sf.wbRows, sf.wbBytes/1024, len(sf.workbook), wb, mark(wb <= 3000))
	fmt.Fprintf(&b, "| peak RSS of the server after the statistics and the report PDF | %.0f MB | ≤ 150 MB — %s |\n", float64(sf.rssQueries)/(1<<20), mark(sf.rssQueries <= 150<<20))
	fmt.Fprintf(&b, "| peak RSS of the server after the workbooks too | %.0f MB | ≤ 150 MB — %s |\n", float64(sf.rss)/(1<<20), mark(sf.rss <= 150<<20))
	fmt.Fprintf(&b, "\nA question adds up the aggregate rows of its months (month, district, dimension, key: `teduh_stats`, a table without row ids ordered by month) in two grouped queries; the open and overdue cases of the moment are index ranges on `(status, due_at)`, the running police-report clocks past their deadline on `(clock, status, due_at)`. The workbook reads the de-identified rows kept per case (`teduh_stats_case`, by month) and streams them into the sheet, on a connection of its own with a small page cache; most of its time is the sheet itself (two million cells through excelize's stream writer) and the password encryption (ECMA-376 agile encryption, as Excel does). The file is built whole in memory (the encryption needs it); while it is, the Go heap has a soft limit of 96 MB. Its time is CPU work that another process on the two cores slows in proportion; `go test ./pb_hooks -run x -bench WorkbookOneYear -cpuprofile cpu.out` builds the same year's workbook in-process for profiling (most of it is excelize's per-cell work in `StreamWriter.SetRow`).\n\nLoad average of the machine when this section was measured (other work shares its two cores): %s.\n", sf.load)
	return b.String()
}

// spliceStats puts the statistics section into the report, replacing an
// earlier one and keeping every other section as it is.
func spliceStats(text, section string) string {
	const head = "## 5. Statistics and SIMFONI exports"
	if i := strings.Index(text, head); i >= 0 {
		rest := text[i+len(head):]
		end := len(text)
		if j := strings.Index(rest, "\n## "); j >= 0 {
			end = i + len(head) + j + 1
		}
		return text[:i] + section + text[end:]
	}
	return strings.TrimRight(text, "\n") + "\n\n" + section
}
