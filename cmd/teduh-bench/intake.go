package main

import (
	"fmt"
	"log"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teduh/internal/benchkit"
	"teduh/pb_hooks"
)

var complaintBody = []byte(`{"reporter_name":"Siti Aminah","reporter_phone":"081234567890","reporter_relation":"family",` +
	`"victim_name":"Ani","victim_sex":"female","victim_district":"Singkawang Barat","violence_types":["physical","psychological"],` +
	`"chronology":"Korban dipukul oleh suaminya tadi malam di rumah dan sekarang mengungsi ke rumah orang tuanya.","consent":true}`)

type loadResult struct {
	rps, p50, p99 float64
	failures      int
	drain         time.Duration // until the run's mails were all delivered
}

// settle waits until the mail sink has received nothing new for half a
// second, and returns how long the server went on delivering.
func settle(sink *mailSink) time.Duration {
	start := time.Now()
	last, lastChange := sink.received.Load(), time.Now()
	for time.Since(lastChange) < 500*time.Millisecond && time.Since(start) < 2*time.Minute {
		time.Sleep(20 * time.Millisecond)
		if n := sink.received.Load(); n != last {
			last, lastChange = n, time.Now()
		}
	}
	return lastChange.Sub(start)
}

func (r *report) addIntake(clients int, intake, bare []loadResult) {
	row := intakeRow{clients: clients}
	var ir, br, ip50, ip99, bp50, bp99, ratios, drains []float64
	for i := range intake {
		ir = append(ir, intake[i].rps)
		br = append(br, bare[i].rps)
		ip50 = append(ip50, intake[i].p50)
		ip99 = append(ip99, intake[i].p99)
		bp50 = append(bp50, bare[i].p50)
		bp99 = append(bp99, bare[i].p99)
		ratios = append(ratios, intake[i].rps/bare[i].rps)
		row.failures += intake[i].failures + bare[i].failures
		drains = append(drains, ms(intake[i].drain))
	}
	row.intakeRPS, row.bareRPS = median(ir), median(br)
	row.intakeP50, row.intakeP99 = median(ip50), median(ip99)
	row.bareP50, row.bareP99 = median(bp50), median(bp99)
	row.ratio = median(ratios)
	row.drain = median(drains)
	r.intake = append(r.intake, row)
}

// intakeOffice is the staff on duty while the intake is measured: each new
// online complaint alerts all of them (a notification each), as it would in
// an office of this size.
var intakeOffice = []struct{ email, name, role string }{
	{"kepala@bench.test", "Kepala Bidang", "supervisor"},
	{"petugas1@bench.test", "Petugas Satu", "officer"},
	{"petugas2@bench.test", "Petugas Dua", "officer"},
	{"petugas3@bench.test", "Petugas Tiga", "officer"},
	{"petugas4@bench.test", "Petugas Empat", "officer"},
}

func benchIntake(cfg config, bin, dir string, r *report) error {
	sink, err := startMailSink()
	if err != nil {
		return err
	}
	defer sink.close()
	err = prepareDataDir(dir, sink.port, func(app core.App) error {
		for _, s := range intakeOffice {
			if _, err := pb_hooks.AddStaff(app, s.email, s.name, s.role, "", benchPassword); err != nil {
				return err
			}
		}
		return benchkit.Collection(app)
	})
	if err != nil {
		return err
	}
	srv, err := startServer(bin, dir)
	if err != nil {
		return err
	}
	defer srv.stop()
	run := func(url string, clients int) loadResult {
		lat, failures := load(clients, cfg.dur, func(_, _ int) error {
			status, body, err := request("POST", url, "", complaintBody)
			if err != nil {
				return err
			}
			if status != 200 {
				return fmt.Errorf("%d %s", status, body)
			}
			return nil
		})
		res := loadResult{rps: float64(len(lat)) / cfg.dur.Seconds(), p50: ms(percentile(lat, 0.5)), p99: ms(percentile(lat, 0.99)), failures: failures}
		// the alerts and mails a run caused are finished before the next
		// run starts, so no run pays for another's work
		res.drain = settle(sink)
		return res
	}
	// warm up both paths
	run(srv.base+"/api/public/complaints", 4)
	run(srv.base+"/api/collections/bench_complaints/records", 4)
	for _, clients := range []int{1, 16, 64} {
		var intake, bare []loadResult
		for i := 0; i < cfg.runs; i++ {
			// alternate which goes first so neither always meets a warmer database
			if i%2 == 0 {
				intake = append(intake, run(srv.base+"/api/public/complaints", clients))
				bare = append(bare, run(srv.base+"/api/collections/bench_complaints/records", clients))
			} else {
				bare = append(bare, run(srv.base+"/api/collections/bench_complaints/records", clients))
				intake = append(intake, run(srv.base+"/api/public/complaints", clients))
			}
		}
		r.addIntake(clients, intake, bare)
		row := r.intake[len(r.intake)-1]
		log.Printf("intake %2d clients: %.0f req/s p99 %.1f ms; bare %.0f req/s p99 %.1f ms; ratio %.2f", clients,
			row.intakeRPS, row.intakeP99, row.bareRPS, row.bareP99, row.ratio)
	}
	r.intakeMails = sink.received.Load()
	return nil
}
