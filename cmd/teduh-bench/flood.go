package main

// The flood scenario (issue 14): 2,000 submissions from 200 loopback
// addresses within a minute while one legitimate person submits every ten
// seconds. The real server runs with its own defaults: the per-address rate
// limits on, and the office's challenge threshold (20 submissions in ten
// minutes). A quarter of the flood's senders solve the challenges (a
// determined sender), the rest do not; one in fifty of their complaints
// claims an emergency. The legitimate person does what the form does: send,
// and solve the challenge when the answer asks for one.

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teduh/internal/challenge"
	"teduh/pb_hooks"
)

const (
	floodAddresses   = 200
	floodSubmissions = 2000
	floodLength      = time.Minute
	floodLegitEvery  = 10 * time.Second
	floodTargetMS    = 2000
)

type floodFigures struct {
	started            time.Time
	command            string
	sent, accepted     int64
	refusedChallenge   int64
	refusedRateLimit   int64
	legit              []time.Duration
	legitFailures      int
	maxDigestsPerMin   int
	emergencies        int
	emergencyAlerts    int
	singleAlerts       int
	digests            int
	digestCases        int
	peakRSS            int64
	staffOnDuty        int
	floodEmergencySent int64
}

// clientFrom is an HTTP client whose connections leave from a loopback
// address of its own (all of 127.0.0.0/8 is the loopback on Linux).
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
		MaxIdleConnsPerHost: 4,
	}}
}

// submit sends a complaint as the form does: once, and again with a solved
// challenge if the answer asks for one (solve=false gives up instead).
func floodSubmit(c *http.Client, base string, body []byte, solve bool) (status int, askedChallenge bool, err error) {
	send := func(header string) (int, map[string]any, error) {
		req, _ := http.NewRequest("POST", base+"/api/public/complaints", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		if header != "" {
			req.Header.Set(pb_hooks.ChallengeHeader, header)
		}
		res, err := c.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out, nil
	}
	status, out, err := send("")
	if err != nil || status != 400 {
		return status, false, err
	}
	params, ok := challengeParams(out)
	if !ok {
		return status, false, nil
	}
	if !solve {
		return status, true, nil
	}
	sol, err := challenge.Solve(challenge.Challenge{Algorithm: params["algorithm"].(string), Challenge: params["challenge"].(string),
		MaxNumber: int64(params["maxnumber"].(float64)), Salt: params["salt"].(string), Signature: params["signature"].(string)})
	if err != nil {
		return status, true, err
	}
	status, _, err = send(sol.Encode())
	return status, true, err
}

func challengeParams(out map[string]any) (map[string]any, bool) {
	data, _ := out["data"].(map[string]any)
	ch, _ := data["challenge"].(map[string]any)
	params, ok := ch["params"].(map[string]any)
	return params, ok && ch["code"] == "challenge_required"
}

func benchFlood(cfg config, bin, dir string, r *report) error {
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
		// the server's own defaults: per-address limits on
		s := app.Settings()
		s.RateLimits.Enabled = true
		return app.Save(s)
	})
	if err != nil {
		return err
	}
	// the office's threshold, not the bench's usual "no challenge"
	srv, err := startServer(bin, dir, "TEDUH_CHALLENGE_THRESHOLD=")
	if err != nil {
		return err
	}
	f := &floodFigures{started: time.Now(), command: r.command, staffOnDuty: len(intakeOffice)}
	normal := complaintBody
	emergency := []byte(strings.Replace(string(complaintBody), `"consent":true`, `"consent":true,"immediate_danger":true`, 1))

	start := time.Now()
	var wg sync.WaitGroup
	per := floodSubmissions / floodAddresses
	gap := floodLength / time.Duration(per)
	for a := 0; a < floodAddresses; a++ {
		wg.Add(1)
		go func(a int) {
			defer wg.Done()
			c := clientFrom(fmt.Sprintf("127.0.%d.%d", 1+a/250, 2+a%250))
			solver := a%4 == 0
			time.Sleep(time.Duration(a) * gap / floodAddresses) // spread the starts
			for i := 0; i < per; i++ {
				body := normal
				if (a*per+i)%50 == 0 {
					body = emergency
					atomic.AddInt64(&f.floodEmergencySent, 1)
				}
				status, asked, err := floodSubmit(c, srv.base, body, solver)
				atomic.AddInt64(&f.sent, 1)
				switch {
				case err != nil:
				case status == 200:
					atomic.AddInt64(&f.accepted, 1)
				case status == 429:
					atomic.AddInt64(&f.refusedRateLimit, 1)
				case asked:
					atomic.AddInt64(&f.refusedChallenge, 1)
				}
				time.Sleep(gap)
			}
		}(a)
	}
	// the legitimate people: one every ten seconds (each from an address of
	// their own, as six people would be: one address may send five a minute)
	var legitWG sync.WaitGroup
	legitWG.Add(1)
	go func() {
		defer legitWG.Done()
		for i := 0; time.Since(start) < floodLength; i++ {
			c := clientFrom(fmt.Sprintf("127.0.200.%d", 2+i%6))
			t0 := time.Now()
			status, _, err := floodSubmit(c, srv.base, normal, true)
			if err != nil || status != 200 {
				f.legitFailures++
				log.Printf("flood: a legitimate submission failed: %d %v", status, err)
			} else {
				f.legit = append(f.legit, time.Since(t0))
			}
			time.Sleep(floodLegitEvery - time.Since(t0))
		}
	}()
	wg.Wait()
	legitWG.Wait()
	// the last minute's digest, then the figures from the database
	time.Sleep(65 * time.Second)
	f.peakRSS = srv.peakRSS()
	srv.stop()

	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return err
	}
	defer app.ClearBootstrap()
	var rows []struct {
		Recipient string `db:"recipient"`
		Kind      string `db:"kind"`
		Minute    string `db:"minute"`
		N         int    `db:"n"`
	}
	if err := app.DB().NewQuery(`SELECT recipient, kind, substr(created, 1, 16) AS minute, COUNT(*) AS n FROM notifications
		GROUP BY recipient, kind, minute`).All(&rows); err != nil {
		return err
	}
	for _, row := range rows {
		switch row.Kind {
		case "new_complaints_digest":
			f.digests += row.N
			f.maxDigestsPerMin = max(f.maxDigestsPerMin, row.N)
		case "new_emergency":
			f.emergencyAlerts += row.N
		case "new_complaint":
			f.singleAlerts += row.N
		}
	}
	if err := app.DB().NewQuery(`SELECT COUNT(*) FROM complaints WHERE urgency = 'emergency'`).Row(&f.emergencies); err != nil {
		return err
	}
	if err := app.DB().Select("COUNT(*)").From("teduh_flood_digest").Where(dbx.NewExp("digest != ''")).Row(&f.digestCases); err != nil {
		return err
	}
	r.flood = f
	log.Printf("flood: %d sent, %d accepted, legitimate p99 %.0f ms (%d failures), max %d digests per person and minute, %d emergency alerts for %d emergencies",
		f.sent, f.accepted, ms(percentile(f.legit, 0.99)), f.legitFailures, f.maxDigestsPerMin, f.emergencyAlerts, f.emergencies)
	return nil
}

func (f *floodFigures) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n## 4. A flood of the public form\n\n", floodBegin)
	fmt.Fprintf(&b, "- Date: %s; %s\n- Command: `%s` (through `make bench`)\n\n", f.started.UTC().Format("2006-01-02 15:04 UTC"), machine(), f.command)
	fmt.Fprintf(&b, "The real server on a fresh data directory with its own defaults (per-address rate limits on; "+
		"the office's challenge threshold of 20 submissions in ten minutes) and %d staff on duty. "+
		"%d submissions from %d loopback addresses within a minute (a quarter of the addresses solve the proof-of-work "+
		"challenge, the rest give up when asked; one in fifty claims immediate danger), while a legitimate person submits "+
		"every 10 s as the form does (send; solve the challenge when asked; send again), each time from another address.\n\n",
		f.staffOnDuty, floodSubmissions, floodAddresses)
	legitMax := time.Duration(0)
	for _, d := range f.legit {
		legitMax = max(legitMax, d)
	}
	fmt.Fprintf(&b, "| measurement | value | target |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| legitimate submissions that succeeded | %d of %d | all — %s |\n", len(f.legit), len(f.legit)+f.legitFailures, mark(f.legitFailures == 0))
	fmt.Fprintf(&b, "| legitimate submission, p50 / slowest (with its challenge) | %.0f / %.0f ms | ≤ %d ms — %s |\n", ms(percentile(f.legit, 0.5)), ms(legitMax), floodTargetMS, mark(ms(legitMax) <= floodTargetMS))
	fmt.Fprintf(&b, "| digests per person per minute, at most | %d | ≤ 1 — %s |\n", f.maxDigestsPerMin, mark(f.maxDigestsPerMin <= 1))
	fmt.Fprintf(&b, "| emergency alerts / accepted emergencies × staff | %d / %d | every one — %s |\n", f.emergencyAlerts, f.emergencies*f.staffOnDuty, mark(f.emergencyAlerts == f.emergencies*f.staffOnDuty))
	fmt.Fprintf(&b, "| server peak memory | %.0f MB | ≤ 150 MB — %s |\n\n", float64(f.peakRSS)/(1<<20), mark(f.peakRSS <= 150<<20))
	fmt.Fprintf(&b, "| the flood | count |\n|---|---|\n")
	fmt.Fprintf(&b, "| sent | %d |\n| stored | %d |\n| refused: no solved challenge | %d |\n| refused: the address's rate limit | %d |\n", f.sent, f.accepted, f.refusedChallenge, f.refusedRateLimit)
	fmt.Fprintf(&b, "| new-complaint alerts one by one (before the threshold) | %d |\n| digests stored (all persons) | %d, naming %d cases |\n\n", f.singleAlerts, f.digests, f.digestCases)
	fmt.Fprintf(&b, "Nothing stored is lost from sight: every accepted case is in the queue and in a digest (or, before the "+
		"threshold, alerted on its own); supervisors can mark the flood's cases as spam in batches (undoable).\n%s\n", floodEnd)
	return b.String()
}

const (
	floodBegin = "<!-- teduh-bench:flood -->"
	floodEnd   = "<!-- /teduh-bench:flood -->"
)
