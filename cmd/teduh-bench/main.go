// Command teduh-bench measures Teduh with numbers anyone can reproduce: the
// public intake against bare PocketBase record creation, queries at national
// scale (1,000,000 cases), start-up time, database size and peak memory, and
// the public form on a throttled phone (Chromium). It builds the real server,
// runs it on temporary data directories, drives it over loopback HTTP and
// prints a Markdown report (`make bench`).
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

type config struct {
	cases    int
	runs     int
	dur      time.Duration
	queries  int
	out      string
	only     string
	keepTemp bool
}

func main() {
	var cfg config
	flag.IntVar(&cfg.cases, "cases", 1_000_000, "cases to seed for the national-scale measurements")
	flag.IntVar(&cfg.runs, "runs", 3, "runs of each measurement (medians are reported)")
	flag.DurationVar(&cfg.dur, "dur", 3*time.Second, "duration of each load run")
	flag.IntVar(&cfg.queries, "queries", 200, "requests per query measurement")
	flag.StringVar(&cfg.out, "out", "docs/benchmarks.md", "where to write the report (empty: stdout only)")
	flag.StringVar(&cfg.only, "only", "intake,scale,docs,form,replication,flood,stats", "which parts to run (form, flood and stats alone update only their sections of -out)")
	flag.BoolVar(&cfg.keepTemp, "keep", false, "keep the temporary data directories")
	flag.Parse()
	log.SetFlags(log.Ltime)

	tmp, err := os.MkdirTemp("", "teduh-bench-")
	if err != nil {
		log.Fatal(err)
	}
	if !cfg.keepTemp {
		defer os.RemoveAll(tmp)
	}
	bin := filepath.Join(tmp, "teduh")
	log.Printf("building the server into %s", bin)
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		log.Fatal(err)
	}

	r := &report{started: time.Now(), command: strings.TrimSpace("go run ./cmd/teduh-bench " + strings.Join(os.Args[1:], " ")), dur: cfg.dur}
	if strings.Contains(cfg.only, "intake") {
		if err := benchIntake(cfg, bin, filepath.Join(tmp, "intake"), r); err != nil {
			log.Fatal(err)
		}
	}
	if strings.Contains(cfg.only, "intake") {
		rows, err := benchInProcess()
		if err != nil {
			log.Fatal(err)
		}
		r.inProcess = rows
	}
	if strings.Contains(cfg.only, "scale") || strings.Contains(cfg.only, "docs") {
		if err := benchScale(cfg, bin, filepath.Join(tmp, "scale"), r); err != nil {
			log.Fatal(err)
		}
	}
	if strings.Contains(cfg.only, "form") {
		if err := benchForm(cfg, bin, filepath.Join(tmp, "form"), r); err != nil {
			log.Fatal(err)
		}
	}
	if strings.Contains(cfg.only, "replication") {
		if err := benchReplication(cfg, bin, filepath.Join(tmp, "replication"), r); err != nil {
			log.Fatal(err)
		}
	}
	if strings.Contains(cfg.only, "flood") {
		if err := benchFlood(cfg, bin, filepath.Join(tmp, "flood"), r); err != nil {
			log.Fatal(err)
		}
	}
	if strings.Contains(cfg.only, "stats") {
		if err := benchStats(cfg, bin, filepath.Join(tmp, "stats"), r); err != nil {
			log.Fatal(err)
		}
	}
	md := r.markdown()
	fmt.Println(md)
	// the form, the flood or the statistics alone: its section replaces the previous one,
	// the rest of the report (the hour-long parts) stays
	if short := !strings.Contains(cfg.only, "intake") && !strings.Contains(cfg.only, "scale") && !strings.Contains(cfg.only, "docs"); short && cfg.out != "" {
		if old, err := os.ReadFile(cfg.out); err == nil {
			md = string(old)
			if r.form != nil {
				md = splice(md, formBegin, formEnd, r.form.markdown())
			}
			if r.flood != nil {
				md = splice(md, floodBegin, floodEnd, r.flood.markdown())
			}
			if r.stats != nil {
				md = spliceStats(md, r.stats.markdown())
			}
		}
	}
	if cfg.out != "" {
		if err := os.MkdirAll(filepath.Dir(cfg.out), 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(cfg.out, []byte(md), 0o644); err != nil {
			log.Fatal(err)
		}
		log.Printf("report written to %s", cfg.out)
	}
}

// machine describes where the figures were measured.
func machine() string {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "model name") {
				_, cpu, _ = strings.Cut(line, ":")
				cpu = strings.TrimSpace(cpu)
				break
			}
		}
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		line, _, _ := strings.Cut(string(data), "\n")
		mem = strings.Join(strings.Fields(line)[1:], " ")
	}
	return fmt.Sprintf("%s, %d cores, %s memory, %s/%s, %s", cpu, runtime.NumCPU(), mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}
