package main

import (
	"fmt"
	"log"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teduh/pb_hooks"
)

// sweepFigures is what the reminder sweep cost on the national-scale data.
type sweepFigures struct {
	dueCases, reminders int
	mails               int64
	first               float64 // ms: stores and mails every reminder due
	p50, p95            float64 // ms: the sweeps after it, every five minutes
}

// benchSweep opens the seeded data directory in this process with Teduh's
// hooks (before the server first runs) and times the reminder sweep at the
// time the cases were seeded for: the first sweep stores every reminder due
// and mails a batch; once the mails are all out, the later sweeps, which the
// scheduler runs every five minutes, find everything stored.
func benchSweep(cfg config, dir string, now time.Time, r *report) error {
	sink, err := startMailSink()
	if err != nil {
		return err
	}
	defer sink.close()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return err
	}
	defer app.ResetBootstrapState()
	t, err := pb_hooks.RegisterWith(app, pb_hooks.Config{Now: func() time.Time { return now }})
	if err != nil {
		return err
	}
	s := app.Settings() // in memory only: mail goes to the sink for this run
	s.SMTP.Enabled, s.SMTP.Host, s.SMTP.Port = true, "127.0.0.1", sink.port
	s.Meta.SenderAddress = "teduh@bench.test"

	rs := t.Reminders()
	t0 := time.Now()
	rep, err := rs.Sweep(now)
	if err != nil {
		return err
	}
	r.sweep.first = ms(time.Since(t0))
	r.sweep.dueCases, r.sweep.reminders = rep.Cases, len(rep.Created)
	// a sweep mails at most a batch; the next ones send the rest
	for i := 0; i < 1000 && rep.Mail.Sent+rep.Mail.Failed > 0; i++ {
		if rep, err = rs.Sweep(now); err != nil {
			return err
		}
	}
	r.sweep.mails = sink.received.Load()
	var p50s, p95s []float64
	for run := 0; run < cfg.runs; run++ {
		lat, err := repeat(max(cfg.queries/4, 10), func(int) error {
			_, err := rs.Sweep(now)
			return err
		})
		if err != nil {
			return err
		}
		p50s, p95s = append(p50s, ms(percentile(lat, 0.5))), append(p95s, ms(percentile(lat, 0.95)))
	}
	r.sweep.p50, r.sweep.p95 = median(p50s), median(p95s)

	var officer string
	if err := app.DB().NewQuery("SELECT id FROM staff WHERE role = 'officer' ORDER BY email LIMIT 1").Row(&officer); err != nil {
		return err
	}
	for _, q := range []struct{ who, officer, query string }{
		{"supervisor", "", "perPage=20"}, {"supervisor", "", "perPage=20&page=100"}, {"officer", officer, "perPage=20"},
		{"supervisor", "", "q=SKW-2026-0001"}, {"supervisor", "", "q=siti+aminah"}, {"officer", officer, "q=wulan"},
	} {
		plan, err := t.QueuePlan(app, q.officer, q.query)
		if err != nil {
			return err
		}
		r.plans = append(r.plans, fmt.Sprintf("-- %s: GET /api/queue?%s\n", q.who, q.query))
		for _, line := range plan {
			r.plans = append(r.plans, "   "+line+"\n")
		}
	}
	log.Printf("sweep: %d cases due, first %.0f ms (%d reminders, %d mails), then p50 %.2f ms p95 %.2f ms",
		r.sweep.dueCases, r.sweep.first, r.sweep.reminders, r.sweep.mails, r.sweep.p50, r.sweep.p95)
	return nil
}

// docCase prepares a sent referral on an open case, through the REST API as
// an officer's supervisor would, and returns the case's and referral's ids.
func docCase(base, token string) (caseID, referralID string, err error) {
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := call("GET", base+"/api/queue?status=in_progress&perPage=1", token, nil, &page); err != nil || len(page.Items) == 0 {
		return "", "", fmt.Errorf("no case in progress: %v", err)
	}
	caseID = page.Items[0].ID
	if err := call("GET", base+"/api/collections/referral_institutions/records?perPage=1", token, nil, &page); err != nil || len(page.Items) == 0 {
		return "", "", fmt.Errorf("no institution: %v", err)
	}
	var ref struct {
		ID string `json:"id"`
	}
	err = call("POST", base+"/api/collections/referrals/records", token, map[string]any{
		"complaint": caseID, "institution": page.Items[0].ID,
		"services": "Pemeriksaan dan perawatan luka, visum et repertum.", "reason": "Korban terluka.",
	}, &ref)
	if err != nil {
		return "", "", err
	}
	referralID = ref.ID
	err = call("PATCH", base+"/api/collections/referrals/records/"+referralID, token,
		map[string]any{"consent": true, "consent_by": "victim", "status": "sent"}, nil)
	return caseID, referralID, err
}
