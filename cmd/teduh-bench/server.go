package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	_ "teduh/pb_migrations"
)

// server is a running Teduh process on a temporary data directory.
type server struct {
	cmd     *exec.Cmd
	base    string
	startup time.Duration
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// startServer runs the binary and waits until /api/health answers; the
// time until then is the start-up time.
func startServer(bin, dir string, env ...string) (*server, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--http="+addr, "--dir="+dir)
	// the load comes from one machine: no flood challenge unless a part asks for it
	cmd.Env = append(append(os.Environ(), "TEDUH_SWEEP_MINUTES=600", "TEDUH_CHALLENGE_THRESHOLD=0"), env...)
	if p := os.Getenv("BENCH_PPROF"); p != "" {
		cmd.Env = append(cmd.Env, "TEDUH_PPROF="+p)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	base := "http://" + addr
	for time.Since(start) < 60*time.Second {
		res, err := http.Get(base + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return &server{cmd: cmd, base: base, startup: time.Since(start)}, nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	return nil, fmt.Errorf("server did not start: %s", stderr.String())
}

// peakRSS is the process's high-water resident set size in bytes.
func (s *server) peakRSS() int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// prepareDataDir applies the migrations to a fresh data directory and lets
// fn add what the measurement needs, with the rate limits off for the run
// and, when sinkPort is set, mail going to the bench's SMTP sink.
func prepareDataDir(dir string, sinkPort int, fn func(app core.App) error) error {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return err
	}
	defer app.ClearBootstrap()
	if err := app.RunAllMigrations(); err != nil {
		return err
	}
	s := app.Settings()
	s.RateLimits.Enabled = false
	if sinkPort > 0 {
		s.SMTP.Enabled = true
		s.SMTP.Host = "127.0.0.1"
		s.SMTP.Port = sinkPort
		s.Meta.SenderAddress = "teduh@bench.test"
	}
	if err := app.Save(s); err != nil {
		return err
	}
	if fn != nil {
		return fn(app)
	}
	return nil
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 30 * time.Second}

func request(method, url, token string, body []byte) (int, []byte, error) {
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, reader)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return res.StatusCode, data, err
}

// call sends a JSON request (in may be nil) and decodes a 200 answer into
// out (which may be nil); any other answer is an error naming the request.
func call(method, url, token string, in, out any) error {
	var body []byte
	if in != nil {
		body, _ = json.Marshal(in)
	}
	status, data, err := request(method, url, token, body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, url, err)
	}
	if status != 200 {
		return fmt.Errorf("%s %s: %d %s", method, url, status, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

func signIn(base, email, password string) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	err := call("POST", base+"/api/collections/staff/auth-with-password", "", map[string]string{"identity": email, "password": password}, &out)
	return out.Token, err
}

// load runs workers that call fn until dur has passed, and returns the
// successful calls' latencies and the count of failures.
func load(workers int, dur time.Duration, fn func(worker, i int) error) (lat []time.Duration, failures int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	deadline := time.Now().Add(dur)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for i := 0; time.Now().Before(deadline); i++ {
				t0 := time.Now()
				if err := fn(w, i); err != nil {
					bad++
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			failures += bad
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	return lat, failures
}

// repeat calls fn n times sequentially and returns the latencies.
func repeat(n int, fn func(i int) error) ([]time.Duration, error) {
	lat := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		t0 := time.Now()
		if err := fn(i); err != nil {
			return nil, err
		}
		lat = append(lat, time.Since(t0))
	}
	return lat, nil
}

func percentile(lat []time.Duration, p float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), lat...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	idx := int(float64(len(s)-1) * p)
	return s[idx]
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
