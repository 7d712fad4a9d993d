package pb_hooks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"

	"teduh/pb_hooks"
)

// The crash test runs the real server in a child process: this test binary
// re-executed with TEDUH_TEST_SERVER set runs Teduh as `serve` would.
func TestMain(m *testing.M) {
	if spec := os.Getenv("TEDUH_TEST_SERVER"); spec != "" {
		runTestServer(spec)
		return
	}
	os.Exit(m.Run())
}

// runTestServer serves Teduh on "dir|addr" until it is killed.
func runTestServer(spec string) {
	dir, addr, _ := strings.Cut(spec, "|")
	os.Args = []string{os.Args[0], "serve", "--http=" + addr, "--dir=" + dir}
	app := pocketbase.NewWithConfig(pocketbase.Config{DefaultDataDir: dir, HideStartBanner: true})
	if err := pb_hooks.Register(app); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// the load comes from one address; the rate limit would only slow it
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		e.App.Settings().RateLimits.Enabled = false
		return e.Next()
	})
	// the pages, as main.go serves them (the console against this server)
	servePages(app)
	if err := app.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func startServer(t testing.TB, dir, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "TEDUH_TEST_SERVER="+dir+"|"+addr, "TEDUH_CHALLENGE_THRESHOLD=0")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get("http://" + addr + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return cmd
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	t.Fatal("server did not start")
	return nil
}

// openDataDir opens a data directory directly (the server is not running).
func openDataDir(t testing.TB, dir string) *core.BaseApp {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	if err := app.RunAllMigrations(); err != nil {
		t.Fatal(err)
	}
	return app
}

type accepted struct {
	number, tracking string
}

// Under concurrent intake and step writes the server is killed with SIGKILL
// several times. After each kill: every complaint answered 200 is stored, no
// case number is duplicated, the database is intact, and every case's steps
// agree with its state (a step write is wholly there or wholly absent).
func TestCrashSafetyUnderSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test starts real server processes")
	}
	dir := t.TempDir()
	app := openDataDir(t, dir)
	staff, err := pb_hooks.AddStaff(app, "petugas@teduh.test", "Petugas", "officer", "", "rahasia-sekali-123")
	if err != nil {
		t.Fatal(err)
	}
	token, _ := staff.NewAuthToken()
	_ = app.ClearBootstrap()

	var mu sync.Mutex
	var complaints []accepted
	stepped := map[string]bool{} // complaint ids whose step 2 was answered 200

	for round := 0; round < 4; round++ {
		addr := freeAddr(t)
		cmd := startServer(t, dir, addr)
		base := "http://" + addr
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		client := &http.Client{Timeout: 5 * time.Second}
		for w := 0; w < 6; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := `{"reporter_name":"Siti","reporter_phone":"081234567890","reporter_relation":"family","victim_name":"Ani","victim_sex":"female","chronology":"Kejadian kekerasan di rumah.","consent":true}`
				for ctx.Err() == nil {
					req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/public/complaints", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					res, err := client.Do(req)
					if err != nil {
						return // the server died
					}
					var out map[string]string
					_ = json.NewDecoder(res.Body).Decode(&out)
					res.Body.Close()
					if res.StatusCode == 200 {
						mu.Lock()
						complaints = append(complaints, accepted{out["number"], out["tracking_code"]})
						mu.Unlock()
					}
				}
			}()
		}
		// step writers: look cases up by number and record step 2
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				mu.Lock()
				var pick string
				if len(complaints) > 0 {
					pick = complaints[rand.IntN(len(complaints))].number
				}
				mu.Unlock()
				if pick == "" {
					time.Sleep(5 * time.Millisecond)
					continue
				}
				req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/collections/complaints/records?skipTotal=1&filter="+
					strings.ReplaceAll(fmt.Sprintf("number='%s'", pick), "'", "%27"), nil)
				req.Header.Set("Authorization", token)
				res, err := client.Do(req)
				if err != nil {
					return
				}
				var list struct {
					Items []struct {
						ID string `json:"id"`
					} `json:"items"`
				}
				_ = json.NewDecoder(res.Body).Decode(&list)
				res.Body.Close()
				if len(list.Items) == 0 {
					continue
				}
				id := list.Items[0].ID
				body := fmt.Sprintf(`{"complaint":%q,"step":2,"outcome":"done","notes":"Ditenangkan."}`, id)
				req, _ = http.NewRequestWithContext(ctx, "POST", base+"/api/collections/case_steps/records", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", token)
				res, err = client.Do(req)
				if err != nil {
					return
				}
				res.Body.Close()
				if res.StatusCode == 200 {
					mu.Lock()
					stepped[id] = true
					mu.Unlock()
				}
			}
		}()

		time.Sleep(time.Duration(400+rand.IntN(600)) * time.Millisecond) // let the load build up, then pull the plug
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		cancel()
		wg.Wait()

		verifyAfterCrash(t, dir, round, complaints, stepped)
	}
	if len(complaints) < 20 || len(stepped) < 5 {
		t.Fatalf("too little load to mean anything: %d complaints, %d steps", len(complaints), len(stepped))
	}
	t.Logf("%d complaints and %d step writes acknowledged across 4 kills", len(complaints), len(stepped))
}

func verifyAfterCrash(t *testing.T, dir string, round int, complaints []accepted, stepped map[string]bool) {
	t.Helper()
	app := openDataDir(t, dir)
	defer app.ClearBootstrap()

	var integrity string
	if err := app.DB().NewQuery("PRAGMA integrity_check").Row(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("round %d: integrity_check %q %v", round, integrity, err)
	}
	var dups []struct {
		Number string `db:"number"`
	}
	_ = app.DB().NewQuery("SELECT number FROM complaints GROUP BY number HAVING COUNT(*) > 1").All(&dups)
	if len(dups) > 0 {
		t.Fatalf("round %d: duplicated numbers %v", round, dups)
	}
	for _, c := range complaints {
		rec, err := app.FindFirstRecordByFilter("complaints", "number = {:n}", dbx.Params{"n": c.number})
		if err != nil || rec.GetString("tracking_code") != c.tracking {
			t.Fatalf("round %d: acknowledged complaint %s lost (%v)", round, c.number, err)
		}
	}
	// every case agrees with its steps: step 1 always, step 2 exactly when
	// the case moved; and it was stored with its audit entry and its alert
	var rows []struct {
		ID     string `db:"id"`
		Step   int    `db:"current_step"`
		Steps  int    `db:"steps1"`
		Two    int    `db:"steps2"`
		Audit  int    `db:"audit"`
		Alerts int    `db:"alerts"`
	}
	err := app.DB().NewQuery(`SELECT c.id, c.current_step,
		(SELECT COUNT(*) FROM case_steps s WHERE s.complaint = c.id AND s.step = 1) AS steps1,
		(SELECT COUNT(*) FROM case_steps s WHERE s.complaint = c.id AND s.step = 2) AS steps2,
		(SELECT COUNT(*) FROM audit_log a WHERE a.record_id = c.id AND a.action = 'create') AS audit,
		(SELECT COUNT(*) FROM notifications n WHERE n.complaint = c.id AND n.kind = 'new_complaint') AS alerts
		FROM complaints c`).All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Steps != 1 || (r.Step >= 2) != (r.Two == 1) || r.Two > 1 {
			t.Fatalf("round %d: case %s half-written: current_step %d, step-1 records %d, step-2 records %d", round, r.ID, r.Step, r.Steps, r.Two)
		}
		if r.Audit != 1 || r.Alerts != 1 {
			t.Fatalf("round %d: case %s stored with %d intake audit entries and %d alerts, want one of each", round, r.ID, r.Audit, r.Alerts)
		}
		if stepped[r.ID] && r.Step < 2 {
			t.Fatalf("round %d: acknowledged step 2 of %s lost", round, r.ID)
		}
	}
}
