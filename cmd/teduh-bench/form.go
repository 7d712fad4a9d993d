package main

// The public complaint form as a person on a cheap phone with a weak signal
// meets it: headless Chromium with the network throttled to 400 kbit/s each
// way and 400 ms round trips, the CPU slowed four times, a cold cache, a
// phone-sized screen. Measured from the start of the navigation:
//
//   - usable: the form can be filled in and sent — the submit button is
//     enabled and the first field (the reporter's name) is rendered, visible
//     and enabled, so it takes focus;
//   - first paint: the first content on screen (the emergency numbers);
//   - bytes: everything that crossed the network for the page (headers
//     included, as Chromium counts them), and the number of requests.

import (
	"context"
	"fmt"
	"log"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The throttled phone.
const (
	formKbitPerSecond = 400
	formRoundTripMS   = 400
	formCPUSlowdown   = 4
	formChromium      = "/usr/bin/chromium"
	// the targets
	formUsableMS = 1500
	formBytes    = 25_000
)

// usableProbe records, in the page, when the form became usable; it runs
// before the page's own scripts (DevTools adds it, so the page's CSP does
// not apply to it).
const usableProbe = `(() => {
  const check = () => {
    if (window.__teduhUsable) return;
    const f = document.getElementById('complaint-form');
    const b = document.getElementById('submit');
    const i = document.getElementById('f-reporter_name');
    if (f && !f.hidden && b && !b.disabled && i && !i.disabled && i.checkVisibility()) {
      window.__teduhUsable = performance.now();
      obs.disconnect();
    }
  };
  const obs = new MutationObserver(check);
  obs.observe(document, { subtree: true, childList: true, attributes: true });
})();`

type formLoad struct {
	usable, paint float64 // ms from navigation start
	bytes         float64
	resources     []formResource
}

type formResource struct {
	url   string
	bytes float64
	done  float64 // ms from navigation start until its last byte arrived
}

// formFigures is what the form part reports: medians over the runs, and
// the resources of the median run.
type formFigures struct {
	runs              int
	usable, paint     float64
	usableMax         float64
	usableFullCPU     float64 // the same network, the CPU not slowed: what the link alone costs
	load              string  // the machine's load average when the runs began
	bytes             float64
	resources         []formResource
	started           time.Time
	command, chromium string
}

func benchForm(cfg config, bin, dir string, r *report) error {
	if _, err := os.Stat(formChromium); err != nil {
		return fmt.Errorf("the form part needs Chromium at %s (apt-get install chromium): %w", formChromium, err)
	}
	if err := prepareDataDir(dir, 0, nil); err != nil {
		return err
	}
	srv, err := startServer(bin, dir)
	if err != nil {
		return err
	}
	defer srv.stop()

	runs := max(cfg.runs, 9) // a page load is short and noisy: more runs than the other parts
	f := &formFigures{runs: runs, started: time.Now(), command: r.command, load: loadAverage()}
	var loads []formLoad
	for i := 0; i < runs; i++ {
		l, version, err := loadFormThrottled(srv.base, formCPUSlowdown)
		if err != nil {
			return fmt.Errorf("form load %d: %w", i+1, err)
		}
		f.chromium = version
		log.Printf("form: usable after %.0f ms, first paint %.0f ms, %.0f bytes in %d requests %v", l.usable, l.paint, l.bytes, len(l.resources), l.resources)
		loads = append(loads, l)
	}
	var usable, paint, bytes []float64
	for _, l := range loads {
		usable, paint, bytes = append(usable, l.usable), append(paint, l.paint), append(bytes, l.bytes)
		f.usableMax = max(f.usableMax, l.usable)
	}
	f.usable, f.paint, f.bytes = median(usable), median(paint), median(bytes)
	sort.Slice(loads, func(i, j int) bool { return loads[i].usable < loads[j].usable })
	f.resources = loads[len(loads)/2].resources

	var full []float64
	for i := 0; i < runs; i++ {
		l, _, err := loadFormThrottled(srv.base, 1)
		if err != nil {
			return fmt.Errorf("form load without CPU slowdown %d: %w", i+1, err)
		}
		full = append(full, l.usable)
	}
	f.usableFullCPU = median(full)
	r.form = f
	return nil
}

// loadAverage is /proc/loadavg's first three figures ("" elsewhere): the
// CPU part of the figures depends on what else the machine runs.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	return strings.Join(strings.Fields(string(data))[:3], " ")
}

// loadFormThrottled opens the form once in a fresh browser, on the slow
// link and with the CPU slowed cpu times.
func loadFormThrottled(base string, cpu float64) (formLoad, string, error) {
	var l formLoad
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(formChromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.WindowSize(390, 844),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()

	var mu sync.Mutex
	urls := map[network.RequestID]string{}
	sizes := map[network.RequestID]float64{}
	tab, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			urls[ev.RequestID] = ev.Request.URL
		case *network.EventLoadingFinished:
			sizes[ev.RequestID] = ev.EncodedDataLength
		}
	}))
	defer cancelTab()

	call := func(f func(ctx context.Context, t *chromedp.Target) error) chromedp.Action[chromedp.Void] {
		return chromedp.Func(f)
	}
	err := chromedp.Do(tab,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		call(func(ctx context.Context, t *chromedp.Target) error {
			if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
				return err
			}
			if _, err := cdp.Call(ctx, t, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
				return err
			}
			if _, err := cdp.Call(ctx, t, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
				MatchedNetworkConditions: []*network.Conditions{{
					Latency:            formRoundTripMS,
					DownloadThroughput: formKbitPerSecond * 1000 / 8,
					UploadThroughput:   formKbitPerSecond * 1000 / 8,
				}},
			}); err != nil {
				return err
			}
			if _, err := cdp.Call(ctx, t, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: cpu}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: usableProbe})
			return err
		}),
		chromedp.Navigate(base+"/"),
	)
	if err != nil {
		return l, "", err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		v, err := chromedp.Run(tab, chromedp.Evaluate[float64](`window.__teduhUsable || 0`))
		if err == nil && v > 0 {
			l.usable = v
			break
		}
		if time.Now().After(deadline) {
			return l, "", fmt.Errorf("the form did not become usable within a minute (%v)", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// anything the page still loads after it is usable counts too
	time.Sleep(2 * time.Second)
	paint, err := chromedp.Run(tab, chromedp.Evaluate[float64](
		`(performance.getEntriesByName('first-contentful-paint')[0] || { startTime: 0 }).startTime`))
	if err != nil {
		return l, "", err
	}
	l.paint = paint
	version, _ := chromedp.Run(tab, chromedp.Evaluate[string](`navigator.userAgent`))
	done, _ := chromedp.Run(tab, chromedp.Evaluate[map[string]float64](`Object.fromEntries([
		...performance.getEntriesByType('navigation').map((e) => [location.pathname, e.responseEnd]),
		...performance.getEntriesByType('resource').map((e) => [new URL(e.name).pathname, e.responseEnd])])`))

	mu.Lock()
	defer mu.Unlock()
	for id, size := range sizes {
		u := strings.TrimPrefix(urls[id], base)
		if strings.HasPrefix(u, "data:") {
			continue // drawn by the browser, not fetched
		}
		l.resources = append(l.resources, formResource{url: u, bytes: size, done: done[u]})
		l.bytes += size
	}
	sort.Slice(l.resources, func(i, j int) bool { return l.resources[i].url < l.resources[j].url })
	return l, chromeVersion(version), nil
}

// chromeVersion picks "Chrome/156.0…" out of a user agent.
func chromeVersion(ua string) string {
	for _, f := range strings.Fields(ua) {
		if strings.HasPrefix(f, "HeadlessChrome/") || strings.HasPrefix(f, "Chrome/") {
			return f
		}
	}
	return ua
}

// formSection is the report's part on the form; it stands on its own, so
// that `-only form` can replace it in an existing report.
func (f *formFigures) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n## 3. The public form on a slow phone\n\n", formBegin)
	fmt.Fprintf(&b, "- Date: %s; %s; Chromium %s\n- Command: `%s` (through `make bench`)\n\n", f.started.UTC().Format("2006-01-02 15:04 UTC"), machine(), f.chromium, f.command)
	fmt.Fprintf(&b, "The real server binary on a fresh data directory; `/` opened %d times in a fresh headless Chromium each time "+
		"(cold cache, 390 × 844 phone screen) with the network throttled to %d kbit/s down and up and %d ms round trips "+
		"(DevTools network emulation) and the CPU slowed %d× (DevTools CPU throttling). *Usable* is the time from the start of the "+
		"navigation until the submit button is enabled and the first field (the reporter's name) is rendered, visible and enabled; "+
		"*bytes* is everything that crossed the network for the page, headers included. Medians of the runs. "+
		"The machine's load average when the runs began: %s (on a shared machine the CPU part of the time grows with it).\n\n",
		f.runs, formKbitPerSecond, formRoundTripMS, formCPUSlowdown, f.load)
	fmt.Fprintf(&b, "| measurement | value | target |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| form usable | %.0f ms (slowest run %.0f ms) | ≤ %d ms — %s |\n", f.usable, f.usableMax, formUsableMS, mark(f.usable <= formUsableMS))
	fmt.Fprintf(&b, "| first contentful paint (the emergency numbers) | %.0f ms | — |\n", f.paint)
	fmt.Fprintf(&b, "| form usable, same link, CPU not slowed | %.0f ms | — |\n", f.usableFullCPU)
	fmt.Fprintf(&b, "| bytes transferred | %.1f KB in %d requests | ≤ %.0f KB — %s |\n\n", f.bytes/1000, len(f.resources), float64(formBytes)/1000, mark(f.bytes <= formBytes))
	fmt.Fprintf(&b, "| request (median run) | bytes | received by |\n|---|---|---|\n")
	for _, res := range f.resources {
		fmt.Fprintf(&b, "| `%s` | %.0f | %.0f ms |\n", res.url, res.bytes, res.done)
	}
	fmt.Fprintf(&b, "\n%s\n%s\n", formExplanation, formEnd)
	return b.String()
}

const (
	formBegin = "<!-- teduh-bench:form -->"
	formEnd   = "<!-- /teduh-bench:form -->"
)

// splice puts a section (between its begin and end markers) into an
// existing report in place of the previous one (or at its end), leaving the
// other parts as they were.
func splice(existing, begin, end, section string) string {
	if i := strings.Index(existing, begin); i >= 0 {
		if j := strings.Index(existing[i:], end); j >= 0 {
			return existing[:i] + strings.TrimSuffix(section, "\n") + existing[i+j+len(end):]
		}
	}
	return strings.TrimRight(existing, "\n") + "\n\n" + section
}

const formExplanation = `Before this part existed the page cost 54 KB in 7 requests and was usable
after about 2.5 s on the same throttled phone. Since then the page, its stylesheet and
scripts arrive gzip-compressed, and the page carries the office profile and the form
definition as JSON blocks (the same answers as GET /api/public/office and
GET /api/public/forms/complaint), so no API request stands between the page and the form;
common.js is announced with modulepreload, so it loads beside form.js instead of after it;
the form is drawn before the service standard below it, and the date fields get their
"not after today" limit after the first paint (a CPU profile of these runs showed the first
use of Intl.DateTimeFormat, which computes today in the office's time zone, at some 80 ms
on the slowed CPU, in the middle of drawing the form). What is left is two round
trips (the page, then its stylesheet and two scripts in parallel) and some 20 KB at
50 KB/s: the row without CPU slowdown is that floor. The rest is the main thread at 4×:
a Chromium trace of these runs shows one task of a few hundred ms after form.js arrives —
the form's script building the fields, then the style and layout of the page (the larger
part) — and DevTools' slowdown multiplies the time the shared machine leaves
to the browser, so this part grows with the load average above and the margin to the
target is thin on a busy machine. What would give room for certain is a round trip less:
the stylesheet and the two scripts inlined into the page, which the strict CSP
(script-src 'self') allows only with per-file hashes in the policy — a security decision
this benchmark does not make.`
