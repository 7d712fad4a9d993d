package main

import (
	"encoding/json"
	"fmt"
	"log"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

var complaintBody = []byte(`{"reporter_name":"Siti Aminah","reporter_phone":"081234567890","reporter_relation":"family",` +
	`"victim_name":"Ani","victim_sex":"female","victim_district":"Singkawang Barat","violence_types":["physical","psychological"],` +
	`"chronology":"Korban dipukul oleh suaminya tadi malam di rumah dan sekarang mengungsi ke rumah orang tuanya.","consent":true}`)

// benchCollection is a copy of the complaints collection's fields with no
// hooks and an open create rule: what plain PocketBase does for the same row.
func benchCollection(app core.App) error {
	src, err := app.FindCollectionByNameOrId("complaints")
	if err != nil {
		return err
	}
	c := core.NewBaseCollection("bench_complaints")
	open := ""
	c.CreateRule = &open
	data, err := json.Marshal(src.Fields)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, &c.Fields); err != nil {
		return err
	}
	// the same non-unique indexes (unique ones would refuse the empty numbers)
	for _, idx := range src.Indexes {
		if strings.Contains(strings.ToUpper(idx), "UNIQUE") {
			continue
		}
		c.Indexes = append(c.Indexes, strings.NewReplacer("idx_complaints_", "idx_bench_", "`complaints`", "`bench_complaints`", " complaints ", " bench_complaints ").Replace(idx))
	}
	return app.Save(c)
}

type loadResult struct {
	rps, p50, p99 float64
	failures      int
}

func (r *report) addIntake(clients int, intake, bare []loadResult) {
	row := intakeRow{clients: clients}
	var ir, br, ip50, ip99, bp50, bp99, ratios []float64
	for i := range intake {
		ir = append(ir, intake[i].rps)
		br = append(br, bare[i].rps)
		ip50 = append(ip50, intake[i].p50)
		ip99 = append(ip99, intake[i].p99)
		bp50 = append(bp50, bare[i].p50)
		bp99 = append(bp99, bare[i].p99)
		ratios = append(ratios, intake[i].rps/bare[i].rps)
		row.failures += intake[i].failures + bare[i].failures
	}
	row.intakeRPS, row.bareRPS = median(ir), median(br)
	row.intakeP50, row.intakeP99 = median(ip50), median(ip99)
	row.bareP50, row.bareP99 = median(bp50), median(bp99)
	row.ratio = median(ratios)
	r.intake = append(r.intake, row)
}

func benchIntake(cfg config, bin, dir string, r *report) error {
	if err := prepareDataDir(dir, benchCollection); err != nil {
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
		return loadResult{rps: float64(len(lat)) / cfg.dur.Seconds(), p50: ms(percentile(lat, 0.5)), p99: ms(percentile(lat, 0.99)), failures: failures}
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
	return nil
}
