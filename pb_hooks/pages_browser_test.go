package pb_hooks_test

// Real-browser tests of the public pages (DESIGN.md §5): Chromium, driven by
// chromedp, opens the pages as a person on a phone would, against a real
// Teduh server on SQLite with the pages served exactly as main.go serves them,
// so the real security headers (the strict CSP) apply.
//
// The browser is Debian's Chromium at /usr/bin/chromium. Without it the tests
// skip, unless CI=true, where a missing browser is a failure.

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

const (
	chromiumPath  = "/usr/bin/chromium"
	publicDir     = "../pb_public"
	screenshotDir = "../screenshots"
	exitURL       = "https://www.google.com/search?q=cuaca+hari+ini"

	browserTestTimeout = 60 * time.Second // everything one test does in the browser
	browserStepTimeout = 20 * time.Second // one step: a navigation, a wait, a click
)

var trackingCodeRE = regexp.MustCompile(`^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$`)

// newPageServer is newHarness with the pages: the same app, hooks and
// settings, plus the static route that main.go binds at priority 999, behind
// a real HTTP server. It returns the harness and the server's address.
func newPageServer(t *testing.T, now time.Time) (*harness, string) {
	t.Helper()
	h := newHarness(t, now, servePages)
	srv := httptest.NewServer(h.Handler)
	t.Cleanup(srv.Close)
	return h, srv.URL
}

// browserTab is one tab of a fresh headless Chromium with a phone-sized
// screen. It records every uncaught exception, console error, CSP violation
// and failed load, and the test fails on any of them unless the test said
// that load was expected.
type browserTab struct {
	t    *testing.T
	ctx  context.Context
	base string

	mu       sync.Mutex
	problems []string
	requests []string // every URL the tab asked for
	expected []string // URL prefixes whose failed loads are part of the test
}

func openBrowser(t *testing.T, base string) *browserTab {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium is missing at %s (CI installs it: apt-get install chromium): %v", chromiumPath, err)
		}
		t.Skipf("Chromium is not installed at %s; install it (apt-get install chromium) to run the browser tests", chromiumPath)
	}
	b := &browserTab{t: t, base: base}

	// Cleanups run last-in first-out: the browser closes first, then its
	// problems are reported, then the overall deadline is released.
	ctx, cancelTimeout := context.WithTimeout(context.Background(), browserTestTimeout)
	t.Cleanup(cancelTimeout)
	t.Cleanup(b.reportProblems)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// nothing leaves the machine: every other host fails at once, so the
		// quick exit's navigation ends the same way with or without internet
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(390, 844),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(b.listen))
	t.Cleanup(cancelTab)
	b.ctx = tabCtx

	// The first run starts the browser with the test's overall deadline; every
	// later step gets a shorter one of its own.
	if err := chromedp.Do(tabCtx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
	); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return b
}

// listen runs in the tab's event loop: it only records.
func (b *browserTab) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		b.problems = append(b.problems, fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var args []string
		for _, a := range ev.Args {
			if a.Description != "" {
				args = append(args, a.Description)
			} else {
				args = append(args, string(a.Value))
			}
		}
		b.problems = append(b.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
	case *log.EventEntryAdded:
		e := ev.Entry
		csp := strings.Contains(e.Text, "Content Security Policy")
		if e.Level != log.EntryLevelError && !csp {
			return
		}
		if !csp && e.Source == log.EntrySourceNetwork {
			for _, p := range b.expected {
				if strings.HasPrefix(e.URL, p) {
					return
				}
			}
		}
		kind := "browser log"
		if csp {
			kind = "CSP violation"
		}
		b.problems = append(b.problems, fmt.Sprintf("%s (%s, %s) %s %s", kind, e.Source, e.Level, e.URL, e.Text))
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, ev.Request.URL)
	}
}

// expectFailedLoad marks loads under prefix as failing on purpose (a 404 for
// an unknown code, a 400 for a refused form, the quick exit with no network).
func (b *browserTab) expectFailedLoad(prefix string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.expected = append(b.expected, prefix)
}

// takeProblems returns and forgets the problems seen so far.
func (b *browserTab) takeProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.problems
	b.problems = nil
	return p
}

func (b *browserTab) reportProblems() {
	for _, p := range b.takeProblems() {
		b.t.Errorf("page problem: %s", p)
	}
}

func (b *browserTab) requested(prefix string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.ContainsFunc(b.requests, func(u string) bool { return strings.HasPrefix(u, prefix) })
}

// step runs actions with a deadline of their own and stops the test on error.
func (b *browserTab) step(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func runIn[T any](b *browserTab, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// js evaluates an expression in the page. (Runtime.evaluate is not bound by
// the page's CSP; chromedp's Poll is, because it builds its predicate with
// new Function, so waiting is done here in Go.)
func js[T any](b *browserTab, expr string) T {
	b.t.Helper()
	return runIn(b, "evaluating "+expr, chromedp.Evaluate[T](expr))
}

// waitJS waits until expr is true in the page.
func (b *browserTab) waitJS(what, expr string) {
	b.t.Helper()
	deadline := time.Now().Add(browserStepTimeout)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, browserStepTimeout)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) || b.ctx.Err() != nil {
			b.t.Fatalf("waiting until %s (%s): last error %v", what, expr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// history returns the URL of the tab's current history entry and of all of
// them, as Back and Forward would walk them.
func (b *browserTab) history() (current string, all []string, err error) {
	ctx, cancel := context.WithTimeout(b.ctx, browserStepTimeout)
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.NavigationEntries())
	if err != nil {
		return "", nil, err
	}
	for _, e := range res.Entries {
		all = append(all, e.URL)
	}
	if i := int(res.CurrentIndex); i >= 0 && i < len(all) {
		current = all[i]
	}
	return current, all, nil
}

func (b *browserTab) open(path string) {
	b.t.Helper()
	b.step("opening "+path, chromedp.Navigate(b.base+path))
}

// text is the text a person sees in the element.
func (b *browserTab) text(id string) string {
	b.t.Helper()
	return strings.TrimSpace(runIn(b, "reading #"+id, chromedp.Text(chromedp.ID(id))))
}

func (b *browserTab) visible(id string) bool {
	b.t.Helper()
	return js[bool](b, fmt.Sprintf(`(() => { const e = document.getElementById(%q); return !!e && e.checkVisibility(); })()`, id))
}

func (b *browserTab) attr(id, name string) string {
	b.t.Helper()
	return js[string](b, fmt.Sprintf(`document.getElementById(%q).getAttribute(%q) || ''`, id, name))
}

func (b *browserTab) typeInto(id, text string) {
	b.t.Helper()
	b.step("typing into #"+id, chromedp.SendKeys(chromedp.ID(id), text))
}

// clearField empties a text field as a person does: select all, Backspace.
// (chromedp.Clear only resets the value attribute, not what was typed.)
func (b *browserTab) clearField(id string) {
	b.t.Helper()
	b.step("focusing #"+id, chromedp.Focus(chromedp.ID(id)))
	js[chromedp.Void](b, fmt.Sprintf(`document.getElementById(%q).select()`, id))
	b.step("deleting the text of #"+id, chromedp.KeyEvent(kb.Backspace))
	if v := runIn(b, "reading #"+id, chromedp.Value(chromedp.ID(id))); v != "" {
		b.t.Fatalf("#%s still holds %q after clearing", id, v)
	}
}

func (b *browserTab) click(id string) {
	b.t.Helper()
	b.step("clicking #"+id, chromedp.Click(chromedp.ID(id)))
}

// choose picks an option of a select as a phone's picker does: the value
// changes and the page hears input and change.
func (b *browserTab) choose(id, value string) {
	b.t.Helper()
	b.step("choosing "+value+" in #"+id, chromedp.WaitVisible(chromedp.ID(id)))
	ok := js[bool](b, fmt.Sprintf(`(() => {
		const s = document.getElementById(%q);
		if (![...s.options].some((o) => o.value === %q)) return false;
		s.focus();
		s.value = %q;
		s.dispatchEvent(new Event('input', { bubbles: true }));
		s.dispatchEvent(new Event('change', { bubbles: true }));
		return true;
	})()`, id, value, value))
	if !ok {
		b.t.Fatalf("#%s has no option %q", id, value)
	}
}

// screenshot writes a full-page PNG to screenshots/ (git-ignored). The page
// is scrolled to the top first: the quick-exit bar is sticky, and a capture of
// a scrolled page would draw it in the middle.
func (b *browserTab) screenshot(name string) {
	b.t.Helper()
	js[chromedp.Void](b, `window.scrollTo(0, 0)`)
	png := runIn(b, "screenshot "+name, chromedp.FullScreenshot(100))
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// openForm opens / and waits until the form definition has been rendered.
func (b *browserTab) openForm() {
	b.t.Helper()
	b.open("/")
	b.step("waiting for the complaint form", chromedp.WaitVisible(chromedp.ID("f-reporter_name")))
}

// fillValidComplaint fills the form as a family member reporting for someone else.
func (b *browserTab) fillValidComplaint() {
	b.t.Helper()
	b.typeInto("f-reporter_name", "Siti Aminah")
	b.typeInto("f-reporter_phone", "0812 3456 7890")
	b.choose("f-reporter_relation", "family")
	b.typeInto("f-victim_name", "Ani Lestari")
	b.choose("f-victim_sex", "female")
	b.choose("f-victim_district", "Singkawang Barat")
	b.click("f-violence_types-physical")
	b.click("f-violence_types-psychological")
	b.typeInto("f-chronology", "Korban dipukul oleh suaminya tadi malam di rumah.")
	b.click("f-consent")
}

func countComplaints(t *testing.T, h *harness) int64 {
	t.Helper()
	n, err := h.App.CountRecords("complaints")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBrowserComplaintFormEndToEnd(t *testing.T) {
	h, base := newPageServer(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	b := openBrowser(t, base)
	start := time.Now()
	b.openForm()

	// emergency numbers at the top, the office's own from the API
	b.waitJS("the emergency bar shows the office's WhatsApp", `document.getElementById('emergency').innerText.includes('089520338668')`)
	if bar := b.text("emergency"); !strings.Contains(bar, "129") || !strings.Contains(bar, "089520338668") {
		t.Errorf("emergency bar %q lacks 129 or the office WhatsApp", bar)
	}
	if !b.visible("quick-exit") {
		t.Error("the quick-exit button is not visible")
	}

	// the service standard as the SOP states it
	b.waitJS("the service standard is loaded", `document.getElementById('service-body').innerText.includes('Tidak dipungut biaya')`)
	if n := js[int](b, `document.querySelectorAll('#service-body ol.steps > li').length`); n != 9 {
		t.Errorf("service standard shows %d procedure steps, want 9", n)
	}
	if s := b.text("service-standard"); !strings.Contains(s, "7 hari") {
		t.Errorf("service standard lacks the completion time of 7 days: %q", s)
	}
	b.screenshot("form")

	// an empty form is refused beside each field, and nothing is stored
	b.click("submit")
	b.step("waiting for the field errors", chromedp.WaitVisible(chromedp.ID("err-reporter_name")))
	if msg := b.text("err-reporter_name"); msg == "" {
		t.Error("#err-reporter_name is empty")
	}
	for _, id := range []string{"err-reporter_phone", "err-reporter_relation", "err-victim_sex", "err-chronology", "err-consent"} {
		if !b.visible(id) || b.text(id) == "" {
			t.Errorf("#%s not shown for an empty form", id)
		}
	}
	if b.attr("f-reporter_name", "aria-invalid") != "true" {
		t.Error("#f-reporter_name not marked aria-invalid")
	}
	if !b.visible("form-summary") || !strings.Contains(b.text("form-summary"), "perlu diperbaiki") {
		t.Errorf("summary of the errors not shown: %q", b.text("form-summary"))
	}
	if focused := js[string](b, `document.activeElement ? document.activeElement.id : ''`); focused != "f-reporter_name" {
		t.Errorf("focus on %q after the refused submit, want the first wrong field", focused)
	}
	b.screenshot("form-errors")
	if n := countComplaints(t, h); n != 0 {
		t.Fatalf("%d complaints stored from an empty form", n)
	}

	// "it is me" hides the victim's name; another relation brings it back
	b.choose("f-reporter_relation", "self")
	b.step("victim name hidden for self", chromedp.WaitNotVisible(chromedp.ID("f-victim_name")))
	b.choose("f-reporter_relation", "family")
	b.step("victim name back for family", chromedp.WaitVisible(chromedp.ID("f-victim_name")))

	b.fillValidComplaint()
	b.click("submit")
	b.step("waiting for the success panel", chromedp.WaitVisible(chromedp.ID("success")))
	number, code := b.text("result-number"), b.text("result-tracking")
	if number != "SKW-2026-0001" {
		t.Errorf("number shown %q, want SKW-2026-0001", number)
	}
	if !trackingCodeRE.MatchString(code) {
		t.Errorf("tracking code shown %q", code)
	}
	if b.visible("complaint-form") {
		t.Error("the filled form is still shown after success")
	}
	b.screenshot("success")

	c, err := h.App.FindFirstRecordByData("complaints", "number", "SKW-2026-0001")
	if err != nil {
		t.Fatalf("complaint not stored: %v", err)
	}
	for field, want := range map[string]string{
		"reporter_name":     "Siti Aminah",
		"reporter_phone":    "081234567890",
		"reporter_relation": "family",
		"victim_name":       "Ani Lestari",
		"victim_sex":        "female",
		"victim_district":   "Singkawang Barat",
		"chronology":        "Korban dipukul oleh suaminya tadi malam di rumah.",
		"channel":           "online",
		"tracking_code":     code,
	} {
		if got := c.GetString(field); got != want {
			t.Errorf("stored %s = %q, want %q", field, got, want)
		}
	}
	if !c.GetBool("consent") {
		t.Error("consent not stored")
	}
	var types []string
	_ = c.UnmarshalJSONField("violence_types", &types)
	slices.Sort(types)
	if !slices.Equal(types, []string{"physical", "psychological"}) {
		t.Errorf("stored violence types %v", types)
	}
	if n := countComplaints(t, h); n != 1 {
		t.Errorf("%d complaints stored, want 1", n)
	}

	// the same person reporting for themself: no victim name asked, the server copies it
	b.openForm()
	b.choose("f-reporter_relation", "self")
	b.step("victim name hidden for self", chromedp.WaitNotVisible(chromedp.ID("f-victim_name")))
	b.typeInto("f-reporter_name", "Rina")
	b.typeInto("f-reporter_phone", "081298765432")
	b.choose("f-victim_sex", "female")
	b.typeInto("f-chronology", "Saya dipukul oleh suami saya kemarin malam.")
	b.click("f-consent")
	b.click("submit")
	b.step("waiting for the success panel", chromedp.WaitVisible(chromedp.ID("success")))
	if number := b.text("result-number"); number != "SKW-2026-0002" {
		t.Errorf("second number shown %q", number)
	}
	self, err := h.App.FindFirstRecordByData("complaints", "number", "SKW-2026-0002")
	if err != nil {
		t.Fatal(err)
	}
	if self.GetString("victim_name") != "Rina" || self.GetString("reporter_relation") != "self" {
		t.Errorf("self report stored victim %q relation %q", self.GetString("victim_name"), self.GetString("reporter_relation"))
	}
	t.Logf("browser part took %s", time.Since(start).Round(time.Millisecond))
}

// A rule only the server knows (a NIK with an unknown province passes the
// page's 16-digit check) is shown beside its field, in the server's words.
func TestBrowserServerErrorBesideField(t *testing.T) {
	h, base := newPageServer(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	b := openBrowser(t, base)
	b.expectFailedLoad(base + "/api/public/complaints") // the 400 is the point of the test
	b.openForm()
	b.fillValidComplaint()
	b.typeInto("f-victim_nik", "9972014507900001")
	b.click("submit")
	b.step("waiting for the NIK error", chromedp.WaitVisible(chromedp.ID("err-victim_nik")))
	msg := b.text("err-victim_nik")
	if !strings.Contains(msg, "NIK") || !strings.Contains(msg, "provinsi") {
		t.Errorf("#err-victim_nik %q is not the server's message about the province", msg)
	}
	if b.attr("f-victim_nik", "aria-invalid") != "true" {
		t.Error("#f-victim_nik not marked aria-invalid")
	}
	if !b.visible("form-summary") || !strings.Contains(b.text("form-summary"), "NIK") {
		t.Errorf("summary does not name the NIK: %q", b.text("form-summary"))
	}
	if focused := js[string](b, `document.activeElement ? document.activeElement.id : ''`); focused != "f-victim_nik" {
		t.Errorf("focus on %q, want the NIK field", focused)
	}
	if b.visible("success") {
		t.Error("success shown for a refused complaint")
	}
	// what the person typed is still there
	if v := runIn(b, "reading the name", chromedp.Value(chromedp.ID("f-reporter_name"))); v != "Siti Aminah" {
		t.Errorf("reporter name after the refusal %q", v)
	}
	b.screenshot("form-server-error")
	if n := countComplaints(t, h); n != 0 {
		t.Fatalf("%d complaints stored with a refused NIK", n)
	}

	// corrected, it goes through
	b.clearField("f-victim_nik")
	b.typeInto("f-victim_nik", "6172014507900001")
	b.click("submit")
	b.step("waiting for the success panel", chromedp.WaitVisible(chromedp.ID("success")))
	if n := countComplaints(t, h); n != 1 {
		t.Errorf("%d complaints stored after the correction, want 1", n)
	}
}

func TestBrowserStatusPage(t *testing.T) {
	h, base := newPageServer(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	c := h.submit(validComplaint())
	code := c.GetString("tracking_code")
	b := openBrowser(t, base)
	b.expectFailedLoad(base + "/api/public/complaints/") // the unknown code's 404

	b.open("/status/")
	b.step("waiting for the status form", chromedp.WaitVisible(chromedp.ID("tracking-code")))
	typed := strings.ToLower(strings.ReplaceAll(code, "-", ""))
	b.typeInto("tracking-code", typed)
	b.click("status-submit")
	b.step("waiting for the status", chromedp.WaitVisible(chromedp.ID("status-result")))
	if got := b.text("status-number"); got != c.GetString("number") {
		t.Errorf("number %q, want %q", got, c.GetString("number"))
	}
	if got := b.text("status-label"); got != "Diterima, menunggu petugas" {
		t.Errorf("status %q", got)
	}
	if got := b.text("status-step"); !strings.Contains(got, "Pengajuan pengaduan") {
		t.Errorf("step %q", got)
	}
	if got := b.text("status-updated"); got == "" || got == "–" {
		t.Errorf("last update %q", got)
	}
	b.screenshot("status")

	// the code is nowhere in the address bar or the history
	loc := runIn(b, "reading the location", chromedp.Location())
	_, entries, err := b.history()
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range append(entries, loc) {
		lu := strings.ToLower(u)
		if strings.Contains(lu, typed) || strings.Contains(lu, strings.ToLower(code)) {
			t.Errorf("the tracking code is in the URL %q", u)
		}
	}

	// an unknown code
	b.clearField("tracking-code")
	b.typeInto("tracking-code", "K7PM-X3RT-9WAC")
	b.click("status-submit")
	b.step("waiting for the error", chromedp.WaitVisible(chromedp.ID("status-error")))
	if msg := b.text("status-error"); !strings.Contains(msg, "tidak ditemukan") {
		t.Errorf("error for an unknown code %q", msg)
	}
	if b.visible("status-result") {
		t.Error("the previous status is still shown beside the error")
	}
	if b.attr("tracking-code", "aria-invalid") != "true" {
		t.Error("code field not marked aria-invalid")
	}
}

func TestBrowserQuickExit(t *testing.T) {
	_, base := newPageServer(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	b := openBrowser(t, base)
	b.expectFailedLoad(exitURL) // there is no network in the test

	// exited waits until the tab is at the neutral page, then checks that it
	// replaced the Teduh page in the history, so Back cannot return to it.
	exited := func(how string, entriesBefore int) {
		t.Helper()
		deadline := time.Now().Add(browserStepTimeout)
		for {
			current, all, err := b.history()
			if err == nil && current == exitURL {
				if len(all) != entriesBefore {
					t.Errorf("%s: history has %d entries, had %d: the exit added one (%v)", how, len(all), entriesBefore, all)
				}
				for _, u := range all {
					if strings.HasPrefix(u, b.base) {
						t.Errorf("%s: Back still leads to %s (history %v)", how, u, all)
					}
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the tab did not leave for the neutral page (at %q, %v)", how, current, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if !b.requested(exitURL) {
			t.Errorf("%s: no request to %s", how, exitURL)
		}
		if loc := runIn(b, "reading the location", chromedp.Location()); strings.HasPrefix(loc, b.base) {
			t.Errorf("%s: the document is still %s", how, loc)
		}
	}

	// Escape on the form, halfway through typing
	b.openForm()
	b.typeInto("f-reporter_name", "Siti")
	_, before, err := b.history()
	if err != nil {
		t.Fatal(err)
	}
	b.step("pressing Escape", chromedp.KeyEvent(kb.Escape))
	exited("Escape on /", len(before))

	// the button on the status page
	b.open("/status/")
	b.step("waiting for the status page", chromedp.WaitVisible(chromedp.ID("quick-exit")))
	if _, before, err = b.history(); err != nil {
		t.Fatal(err)
	}
	b.click("quick-exit")
	exited("the button on /status/", len(before))
}

// The check for CSP violations is not vacuous: an inline script, which the
// page's policy forbids, is reported.
func TestBrowserReportsCSPViolations(t *testing.T) {
	_, base := newPageServer(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	b := openBrowser(t, base)
	b.open("/status/")
	js[chromedp.Void](b, `document.body.append(Object.assign(document.createElement('script'), { textContent: 'window.inlineRan = true' }))`)
	if js[bool](b, `!!window.inlineRan`) {
		t.Error("an inline script ran: the page has no strict CSP")
	}
	deadline := time.Now().Add(5 * time.Second)
	var seen []string
	for time.Now().Before(deadline) {
		if seen = append(seen, b.takeProblems()...); slices.ContainsFunc(seen, func(p string) bool {
			return strings.HasPrefix(p, "CSP violation")
		}) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("the inline script's CSP violation was not reported; seen %v", seen)
}
