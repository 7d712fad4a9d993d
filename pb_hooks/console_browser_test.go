package pb_hooks_test

// Real-browser tests of the staff console at /staff/ (DESIGN.md §5): headless
// Chromium drives the console against a real Teduh server with the pages
// served as main.go serves them (strict CSP included), as an officer and a
// supervisor would use it. The browserTab of pages_browser_test.go records
// page problems (exceptions, console errors, CSP violations, failed loads)
// and every test fails on them; openConsole starts it with a longer overall
// deadline. Screenshots of the main screens go to screenshots/ (git-ignored).

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

const consolePassword = "rahasia-sekali-123" // the harness's staff password

// consoleServer is a page server whose clock is the real one: the console
// computes "time left" from the browser's clock, so the server's must agree.
func consoleServer(t *testing.T) (*harness, string) {
	t.Helper()
	return newPageServer(t, time.Now().UTC().Truncate(time.Second))
}

// consoleTestTimeout bounds everything one console test does in the
// browser: the nine-step walkthrough is longer than a public page's test,
// and a busy CI machine is slower. Each action keeps browserStepTimeout.
const consoleTestTimeout = 3 * time.Minute

// openConsole is openBrowser (a phone-sized headless Chromium that records
// page problems) with the console's longer overall deadline.
func openConsole(t *testing.T, base string) *browserTab {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium is missing at %s (CI installs it: apt-get install chromium): %v", chromiumPath, err)
		}
		t.Skipf("Chromium is not installed at %s; install it (apt-get install chromium) to run the browser tests", chromiumPath)
	}
	b := &browserTab{t: t, base: base}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), consoleTestTimeout)
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
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(390, 844),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(b.listen))
	t.Cleanup(cancelTab)
	b.ctx = tabCtx
	if err := chromedp.Do(tabCtx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
	); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return b
}

// laptop switches the tab to a laptop-sized screen.
func (b *browserTab) laptop() {
	b.t.Helper()
	b.step("laptop screen", chromedp.EmulateViewport(1280, 900))
}

// expectMissingFeatures marks the console's probes for features the server
// may not have yet (their 404s are part of normal operation).
func (b *browserTab) expectMissingFeatures(h *harness) {
	for _, name := range []string{"referrals", "notifications", "referral_institutions"} {
		if _, err := h.App.FindCollectionByNameOrId(name); err != nil {
			b.expectFailedLoad(b.base + "/api/collections/" + name + "/records")
			if name == "referrals" {
				b.expectFailedLoad(b.base + "/api/complaints/") // recommendations and report come with referrals
			}
		}
	}
}

// consoleSignIn opens the console and signs in; it waits for the queue.
func (b *browserTab) consoleSignIn(email string) {
	b.t.Helper()
	b.open("/staff/")
	b.step("waiting for the sign-in form", chromedp.WaitVisible(chromedp.ID("signin-email")))
	b.typeInto("signin-email", email)
	b.typeInto("signin-password", consolePassword)
	b.click("signin-submit")
	b.step("waiting for the queue", chromedp.WaitVisible(chromedp.ID("queue-title")))
	b.waitJS("the queue has loaded", `document.getElementById('queue-status').textContent.startsWith('Menampilkan') || document.getElementById('queue-status').textContent.startsWith('Tidak ada')`)
}

func (b *browserTab) consoleSignOut() {
	b.t.Helper()
	b.click("signout")
	b.step("waiting for the sign-in form", chromedp.WaitVisible(chromedp.ID("signin-email")))
}

// queueNumbers lists the case numbers in the queue, top to bottom.
func (b *browserTab) queueNumbers() []string {
	b.t.Helper()
	return js[[]string](b, `[...document.querySelectorAll('#queue-list .qrow')].map((r) => r.dataset.number)`)
}

func (b *browserTab) clickQuery(sel string) {
	b.t.Helper()
	b.step("clicking "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// openCaseFromQueue clicks a case's row and waits for its page.
func (b *browserTab) openCaseFromQueue(number string) {
	b.t.Helper()
	b.clickQuery(fmt.Sprintf(`.qrow[data-number=%q] a.qlink`, number))
	b.waitJS("the case page of "+number, fmt.Sprintf(`document.getElementById('case-number') && document.getElementById('case-number').textContent === %q`, number))
}

// waitStepForm waits until the case page offers a form for step n.
func (b *browserTab) waitStepForm(n int) {
	b.t.Helper()
	b.waitJS(fmt.Sprintf("the form for step %d", n), fmt.Sprintf(`document.querySelector('#step-form[data-step="%d"]')`, n))
}

// waitStepDone waits until the timeline shows step n done.
func (b *browserTab) waitStepDone(n int) {
	b.t.Helper()
	b.waitJS(fmt.Sprintf("step %d done in the timeline", n), fmt.Sprintf(`(() => { const s = document.getElementById('tl-step-%d'); return s && s.dataset.state === 'done'; })()`, n))
}

// setValue sets a control's value as typing does (for characters a keyboard
// event cannot carry) and lets the page hear it.
func (b *browserTab) setValue(id, value string) {
	b.t.Helper()
	js[chromedp.Void](b, fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.focus(); e.value = %q; e.dispatchEvent(new Event('input', { bubbles: true })); })()`, id, value))
}

// viewShot writes what the screen shows with element id scrolled to the top
// (a phone's full page would be too long to look at).
func (b *browserTab) viewShot(name, id string) {
	b.t.Helper()
	js[chromedp.Void](b, fmt.Sprintf(`document.getElementById(%q).scrollIntoView({ block: 'start' })`, id))
	png := runIn(b, "screenshot "+name, chromedp.CaptureScreenshot())
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// checkA11y fails the test for what a screen reader or keyboard user would
// trip over on the current screen: a visible control without a label, a
// button or link without a name, an id used twice.
func (b *browserTab) checkA11y(screen string) {
	b.t.Helper()
	bad := js[[]string](b, `(() => {
		const bad = [];
		const ids = new Set();
		for (const e of document.querySelectorAll('[id]')) {
			if (ids.has(e.id)) bad.push('id used twice: ' + e.id);
			ids.add(e.id);
		}
		for (const c of document.querySelectorAll('input, select, textarea')) {
			if (c.type === 'hidden' || !c.checkVisibility()) continue;
			if (!(c.labels.length || c.getAttribute('aria-label') || c.getAttribute('aria-labelledby'))) bad.push('control without a label: ' + (c.id || c.outerHTML.slice(0, 80)));
		}
		for (const e of document.querySelectorAll('button, a[href]')) {
			if (e.checkVisibility() && !(e.innerText.trim() || e.getAttribute('aria-label'))) bad.push('nameless: ' + e.outerHTML.slice(0, 80));
		}
		return bad;
	})()`)
	for _, p := range bad {
		b.t.Errorf("%s: %s", screen, p)
	}
}

// goHash moves within the console as a link does (a same-document
// navigation, which chromedp.Navigate would wait on for ever).
func (b *browserTab) goHash(hash string) {
	b.t.Helper()
	js[chromedp.Void](b, fmt.Sprintf(`location.hash = %q`, hash))
}

func (b *browserTab) focusedID() string {
	b.t.Helper()
	return js[string](b, `document.activeElement ? document.activeElement.id : ''`)
}

// stepsOf returns the case's step records in order as "step:outcome".
func consoleSteps(t *testing.T, h *harness, id string) []string {
	t.Helper()
	recs, err := h.App.FindRecordsByFilter("case_steps", "complaint = {:c}", "created", 0, 0, dbx.Params{"c": id})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range recs {
		out = append(out, fmt.Sprintf("%d:%s", r.GetInt("step"), r.GetString("outcome")))
	}
	return out
}

// An officer signs in, takes a fresh online complaint from the queue through
// the steps an officer records, meets refusals beside their fields, hands
// the case to the supervisor for the disposition, and the supervisor closes
// it: the whole SOP in the console, nothing in the admin panel.
func TestConsoleWalksAComplaintThroughAllNineSteps(t *testing.T) {
	h, base := consoleServer(t)
	officer, _ := h.Staff("petugas@teduh.test", "Pak Petugas", "officer", true)
	h.Staff("kepala@teduh.test", "Bu Kepala", "supervisor", true)
	c := h.submit(validComplaint())
	number := c.GetString("number")

	b := openConsole(t, base)
	b.expectMissingFeatures(h)
	b.expectFailedLoad(base + "/api/collections/staff/auth-with-password") // the wrong password
	b.expectFailedLoad(base + "/api/collections/case_steps/records")       // the refused steps
	start := time.Now()

	// a wrong password is refused in words, and nothing is stored in the browser
	b.open("/staff/")
	b.step("waiting for the sign-in form", chromedp.WaitVisible(chromedp.ID("signin-email")))
	b.screenshot("console-signin")
	b.checkA11y("sign-in")
	b.typeInto("signin-email", "petugas@teduh.test")
	b.typeInto("signin-password", "salah-sekali-1234\r") // Enter submits, as on a keyboard
	b.step("waiting for the refusal", chromedp.WaitVisible(chromedp.ID("signin-message")))
	if msg := b.text("signin-message"); !strings.Contains(msg, "salah") {
		t.Errorf("wrong password message %q", msg)
	}
	if f := b.focusedID(); f != "signin-password" {
		t.Errorf("focus on %q after a wrong password, want the password field", f)
	}

	b.consoleSignIn("petugas@teduh.test")
	if n := js[int](b, `localStorage.length`); n != 0 {
		t.Errorf("the console wrote %d items to localStorage; the session belongs in sessionStorage", n)
	}
	if !js[bool](b, `!!sessionStorage.getItem('teduh.staff.session')`) {
		t.Error("no session in sessionStorage after signing in")
	}
	if got := b.queueNumbers(); len(got) != 1 || got[0] != number {
		t.Fatalf("queue %v, want the new complaint %s", got, number)
	}
	row := js[string](b, fmt.Sprintf(`document.querySelector('.qrow[data-number=%q]').innerText`, number))
	for _, want := range []string{"Respons pertama", "Langkah 1/9", "Pengajuan pengaduan", "Belum ditugaskan"} {
		if !strings.Contains(row, want) {
			t.Errorf("queue row lacks %q: %q", want, row)
		}
	}
	b.screenshot("console-queue-phone")
	b.checkA11y("queue")

	b.openCaseFromQueue(number)
	if f := b.focusedID(); f != "case-title" {
		t.Errorf("focus on %q after opening the case, want its title", f)
	}
	if n := js[int](b, `document.querySelectorAll('#timeline .tl-step').length`); n != 9 {
		t.Errorf("timeline shows %d steps, want 9", n)
	}
	if s := b.text("tl-step-1"); !strings.Contains(s, "Sistem") || !strings.Contains(s, "Selesai") {
		t.Errorf("step 1 in the timeline %q: want done by the system", s)
	}
	if !strings.Contains(b.text("case-data"), "Ani") {
		t.Error("the victim's data is not on the case page")
	}

	// step 2: notes are required; the page says so beside the field
	b.waitStepForm(2)
	if b.attr("step-notes", "aria-required") != "true" {
		t.Error("step 2's notes are not marked required")
	}
	b.click("step-submit")
	b.step("waiting for the notes error", chromedp.WaitVisible(chromedp.ID("err-step-notes")))
	if f := b.focusedID(); f != "step-notes" {
		t.Errorf("focus on %q after a refused step 2, want the notes", f)
	}
	b.typeInto("step-notes", "Korban sudah ditenangkan dan dihubungi lewat telepon.")
	b.click("step-submit")
	b.waitStepDone(2)
	b.waitStepForm(3)
	if s := b.text("step-result"); !strings.Contains(s, "Langkah 2") {
		t.Errorf("no confirmation of step 2: %q", s)
	}
	if s := b.text("case-assignee"); s != "Pak Petugas" {
		t.Errorf("after step 2 the case is assigned to %q, want the officer who recorded it", s)
	}

	// step 3: the outcome follows the answer; the priorities keep their order
	if !js[bool](b, `document.getElementById('o-done').disabled && document.getElementById('o-incomplete').disabled`) {
		t.Error("step 3 outcomes are open before requirements are answered")
	}
	b.click("s-requirements_complete-yes")
	b.step("priorities appear", chromedp.WaitVisible(chromedp.ID("s-referral_priorities")))
	if !js[bool](b, `document.getElementById('o-done').checked`) {
		t.Error("step 3 outcome done not chosen after requirements complete")
	}
	b.click("s-referral_priorities-police")
	b.click("s-referral_priorities-health")
	if s := b.text("order-s-referral_priorities"); !strings.Contains(s, "Kepolisian") || strings.Index(s, "Kepolisian") > strings.Index(s, "kesehatan") {
		t.Errorf("order note %q: want police before health", s)
	}
	// the referral priority table's order, one click away
	var recommended []string
	if _, err := h.App.FindCollectionByNameOrId("referrals"); err == nil {
		b.step("waiting for the recommended order", chromedp.WaitVisible(chromedp.ID("use-suggest-referral_priorities")))
		b.click("use-suggest-referral_priorities")
		_, tok := h.Staff("pengamat@teduh.test", "Pengamat", "supervisor", true)
		for _, it := range h.Do("GET", "/api/complaints/"+c.Id+"/referral-recommendations", nil, tok).JSON["items"].([]any) {
			recommended = append(recommended, it.(map[string]any)["type"].(string))
		}
		ticked := js[[]string](b, `[...document.querySelectorAll('#s-referral_priorities input:checked')].map((c) => c.value)`)
		if len(recommended) == 0 || !sameSet(ticked, recommended) {
			t.Errorf("after using the recommendation %v are ticked, want %v", ticked, recommended)
		}
	}
	b.viewShot("console-step3-phone", "next-step")
	b.checkA11y("case page, step 3")
	b.click("step-submit")
	b.waitStepDone(3)
	if recommended != nil {
		recs, _ := h.App.FindRecordsByFilter("case_steps", "complaint = {:c} && step = 3", "", 1, 0, dbx.Params{"c": c.Id})
		var got []string
		if len(recs) == 1 {
			_ = recs[0].UnmarshalJSONField("data", &struct {
				P *[]string `json:"referral_priorities"`
			}{&got})
		}
		if !slices.Equal(got, recommended) {
			t.Errorf("step 3 stored priorities %v, want the recommended order %v", got, recommended)
		}
	}
	b.waitStepForm(4)
	if clock := b.text("case-clock"); !strings.Contains(clock, "Sisa 7 hari") && !strings.Contains(clock, "Sisa 6 hari") {
		t.Errorf("the 7-day clock after verification %q", clock)
	}

	// step 4 "done" with a destination that is only an invisible character:
	// the page's check lets it through, the server refuses it beside the field
	b.click("o-done")
	b.click("s-police_assistance-no")
	b.setValue("s-destination", "\u200b")
	b.click("step-submit")
	b.step("waiting for the server's error beside the destination", chromedp.WaitVisible(chromedp.ID("err-s-destination")))
	if msg := b.text("err-s-destination"); msg == "" || !strings.Contains(b.text("step-summary"), "Tempat tujuan pendampingan") {
		t.Errorf("destination error %q, summary %q", msg, b.text("step-summary"))
	}
	if b.attr("s-destination", "aria-invalid") != "true" {
		t.Error("destination not marked aria-invalid")
	}
	if f := b.focusedID(); f != "s-destination" {
		t.Errorf("focus on %q after the refusal, want the destination", f)
	}
	b.viewShot("console-step-error-phone", "s-destination")
	if got := consoleSteps(t, h, c.Id); len(got) != 3 {
		t.Fatalf("steps stored after the refusal: %v", got)
	}
	b.clearField("s-destination")
	b.typeInto("s-destination", "Rumah aman Dinas")
	b.click("step-submit")
	b.waitStepDone(4)

	// step 5: a monitoring visit, then done once the victim is safe
	b.waitStepForm(5)
	b.click("o-progress")
	b.typeInto("step-notes", "Kunjungan pertama: korban mulai tenang.")
	b.click("step-submit")
	b.waitJS("the visit in the timeline", `document.getElementById('tl-step-5').innerText.includes('Kunjungan pertama')`)
	b.waitStepForm(5)
	b.click("s-victim_safe-yes")
	b.click("o-done")
	b.click("step-submit")
	b.waitStepDone(5)

	// step 6: the full identification
	b.waitStepForm(6)
	b.click("s-violence_types-physical")
	b.choose("s-perpetrator_relation", "spouse")
	b.choose("s-incident_place", "household")
	b.click("s-needs-shelter")
	b.click("step-submit")
	b.waitStepDone(6)

	// step 7 is the supervisor's: the officer is told, not offered a form
	b.step("waiting for the notice on step 7", chromedp.WaitVisible(chromedp.ID("step-not-allowed")))
	if js[bool](b, `!!document.getElementById('step-form')`) {
		t.Error("the officer is offered a form for step 7")
	}
	b.consoleSignOut()
	if js[bool](b, `!!sessionStorage.getItem('teduh.staff.session')`) {
		t.Error("the session is still stored after signing out")
	}

	b.consoleSignIn("kepala@teduh.test")
	b.goHash("#/kasus/" + c.Id)
	b.waitStepForm(7)
	b.click("s-referral_needed-no")
	b.typeInto("step-notes", "Tidak perlu rujukan lain; pendampingan cukup.")
	b.click("step-submit")
	b.waitStepDone(7)

	// step 8 "done" needs a sent referral: the server's refusal is shown at the outcome
	b.waitStepForm(8)
	b.click("o-done")
	b.typeInto("step-notes", "Surat rujukan dikirim.")
	b.click("step-submit")
	b.step("waiting for the outcome error", chromedp.WaitVisible(chromedp.ID("err-step-outcome")))
	if msg := b.text("err-step-outcome"); !strings.Contains(strings.ToLower(msg), "rujukan") {
		t.Errorf("step 8 outcome error %q", msg)
	}
	b.click("o-skipped")
	b.clearField("step-notes")
	b.typeInto("step-notes", "Sesuai disposisi, tidak ada rujukan.")
	b.click("step-submit")
	b.waitStepDone(8)

	b.waitStepForm(9)
	b.typeInto("step-notes", "Korban aman, pendampingan selesai. Laporan disusun.")
	b.click("step-submit")
	b.waitStepDone(9)
	b.waitJS("the case is closed", `document.getElementById('next-step-title').textContent === 'Kasus ditutup'`)
	if js[bool](b, `!!document.getElementById('case-edit') || !!document.getElementById('withdraw')`) {
		t.Error("a closed case still offers editing or withdrawal")
	}
	b.laptop()
	b.screenshot("console-case-closed-laptop")

	fresh := h.reload(c)
	if fresh.GetString("status") != "closed" || fresh.GetInt("current_step") != 9 {
		t.Errorf("case after the walkthrough: status %q step %d", fresh.GetString("status"), fresh.GetInt("current_step"))
	}
	if fresh.GetString("assigned_to") != officer.Id {
		t.Errorf("case assigned to %q, want the officer", fresh.GetString("assigned_to"))
	}
	want := "1:done 2:done 3:done 4:done 5:progress 5:done 6:done 7:done 8:skipped 9:done"
	if got := strings.Join(consoleSteps(t, h, c.Id), " "); got != want {
		t.Errorf("steps stored %q, want %q", got, want)
	}
	t.Logf("browser part took %s", time.Since(start).Round(time.Millisecond))
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// A supervisor records a walk-in complaint, corrects the victim's data on
// the case page, and records its withdrawal: each refusal is shown beside
// its field in the server's words.
func TestConsoleRecordsEditsAndWithdrawsAComplaint(t *testing.T) {
	h, base := consoleServer(t)
	h.Staff("kepala@teduh.test", "Bu Kepala", "supervisor", true)
	b := openConsole(t, base)
	b.expectFailedLoad(base + "/api/collections/complaints/records") // the refused NIKs
	b.laptop()
	b.consoleSignIn("kepala@teduh.test")

	b.click("nav-new")
	b.step("waiting for the form", chromedp.WaitVisible(chromedp.ID("n-reporter_name")))
	b.choose("n-channel", "walk_in")
	b.typeInto("n-reporter_name", "Bu Rahma")
	b.typeInto("n-reporter_phone", "081298765432")
	b.choose("n-reporter_relation", "family")
	b.typeInto("n-victim_name", "Lina")
	b.choose("n-victim_sex", "female")
	b.typeInto("n-victim_nik", "9972014507900001")
	b.typeInto("n-chronology", "Korban datang bersama ibunya setelah dipukul di rumah.")
	b.click("n-consent")
	b.click("new-submit")
	b.step("waiting for the NIK error", chromedp.WaitVisible(chromedp.ID("err-n-victim_nik")))
	if msg := b.text("err-n-victim_nik"); !strings.Contains(msg, "provinsi") {
		t.Errorf("NIK error %q is not the server's", msg)
	}
	if f := b.focusedID(); f != "n-victim_nik" {
		t.Errorf("focus on %q after the refusal, want the NIK", f)
	}
	b.screenshot("console-new-error-laptop")
	b.checkA11y("new complaint form")
	b.clearField("n-victim_nik")
	b.typeInto("n-victim_nik", "6172014507900001")
	b.click("new-submit")
	b.waitJS("the new case's page", `document.getElementById('case-number') && document.getElementById('case-number').textContent !== ''`)
	number := b.text("case-number")
	c, err := h.App.FindFirstRecordByData("complaints", "number", number)
	if err != nil {
		t.Fatalf("case %q not stored: %v", number, err)
	}
	if c.GetString("channel") != "walk_in" {
		t.Errorf("channel %q", c.GetString("channel"))
	}
	if s := b.text("tl-step-1"); !strings.Contains(s, "Bu Kepala") {
		t.Errorf("step 1 not recorded by the supervisor: %q", s)
	}

	// an edit the server refuses, then one it accepts
	b.click("case-edit")
	b.step("waiting for the edit form", chromedp.WaitVisible(chromedp.ID("e-victim_address")))
	b.typeInto("e-victim_address", "Jl. Melati 4, Singkawang Barat")
	b.clearField("e-victim_nik")
	b.typeInto("e-victim_nik", "9972014507900001")
	b.click("case-edit-save")
	b.step("waiting for the NIK error", chromedp.WaitVisible(chromedp.ID("err-e-victim_nik")))
	if b.attr("e-victim_nik", "aria-invalid") != "true" || !strings.Contains(b.text("err-e-victim_nik"), "provinsi") {
		t.Errorf("edit NIK error %q", b.text("err-e-victim_nik"))
	}
	b.clearField("e-victim_nik")
	b.typeInto("e-victim_nik", "6172014507900001")
	// the identity document the victim brought, as a scan
	scan := filepath.Join(t.TempDir(), "ktp.pdf")
	scanBody := "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
	if err := os.WriteFile(scan, []byte(scanBody), 0o600); err != nil {
		t.Fatal(err)
	}
	b.step("choosing the scan", chromedp.SetUploadFiles(chromedp.ID("e-identity_document"), []string{scan}))
	b.click("case-edit-save")
	b.waitJS("the edit is saved", `document.getElementById('case-data-message') && document.getElementById('case-data-message').textContent.includes('disimpan')`)
	fresh := h.reload(c)
	if got := fresh.GetString("victim_address"); got != "Jl. Melati 4, Singkawang Barat" {
		t.Errorf("address stored %q", got)
	}
	if fresh.GetString("identity_document") == "" {
		t.Error("the identity document was not stored")
	}
	if !strings.Contains(b.text("case-data-view"), "Jl. Melati 4") {
		t.Error("the page does not show the new address")
	}
	// the protected file comes back through a file token, and its reading is audited
	dir := t.TempDir()
	b.downloadTo(dir)
	b.click("open-identity_document")
	if got := consoleWaitForFile(t, b.ctx, dir); string(got) != scanBody {
		t.Errorf("downloaded identity document %q", got)
	}
	if n, _ := h.App.CountRecords("audit_log", dbx.HashExp{"action": "download", "record_id": c.Id}); n != 1 {
		t.Errorf("%d audited downloads of the identity document, want 1", n)
	}

	// withdrawal needs its reason
	b.clickQuery("#withdraw summary")
	b.click("withdraw-submit")
	b.step("waiting for the reason error", chromedp.WaitVisible(chromedp.ID("err-withdraw-notes")))
	b.typeInto("withdraw-notes", "Pelapor mencabut pengaduan; keluarga memilih mediasi adat.")
	b.click("withdraw-submit")
	b.waitJS("the case is closed", `document.getElementById('next-step-title').textContent === 'Kasus ditutup'`)
	if state := js[string](b, `document.getElementById('tl-step-2').dataset.state`); state != "withdrawn" {
		t.Errorf("step 2 in the timeline is %q, want withdrawn", state)
	}
	if got := h.reload(c).GetString("status"); got != "withdrawn" {
		t.Errorf("status %q after the withdrawal", got)
	}
}

// consoleSeedCase files a public complaint and then moves its workflow fields as a
// case in that state would have them (the SOP engine is tested elsewhere).
func consoleSeedCase(t *testing.T, h *harness, victim string, emergency bool, set map[string]any) *core.Record {
	t.Helper()
	body := with(validComplaint(), "victim_name", victim)
	if emergency {
		body["immediate_danger"] = true
	}
	rec := h.submit(body)
	if len(set) > 0 {
		var cols []string
		params := dbx.Params{"id": rec.Id}
		for k, v := range set {
			cols = append(cols, fmt.Sprintf("[[%s]] = {:%s}", k, k))
			if tm, ok := v.(time.Time); ok {
				v = tm.UTC().Format(types.DefaultDateLayout)
			}
			params[k] = v
		}
		if _, err := h.App.DB().NewQuery("UPDATE complaints SET " + strings.Join(cols, ", ") + " WHERE id = {:id}").Bind(params).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	return h.reload(rec)
}

// The queue puts emergencies and overdue cases first, then those due soon,
// then the rest, whatever order they came in; the filters and the search
// narrow it, and the team view counts every officer's load.
func TestConsoleQueueOrdersEmergencyAndOverdueFirst(t *testing.T) {
	h, base := consoleServer(t)
	officer, _ := h.Staff("petugas@teduh.test", "Pak Petugas", "officer", true)
	h.Staff("kepala@teduh.test", "Bu Kepala", "supervisor", true)
	now := time.Now().UTC()
	answered := func(extra map[string]any) map[string]any {
		m := map[string]any{"status": "in_progress", "current_step": 3, "first_response_at": now.Add(-72 * time.Hour),
			"verified_at": now.Add(-48 * time.Hour), "assigned_to": officer.Id}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	// in the order they are filed, which is not the order they must be shown
	running := consoleSeedCase(t, h, "Rina Berjalan", false, answered(map[string]any{"due_at": now.Add(5 * 24 * time.Hour)}))
	waiting := consoleSeedCase(t, h, "Wati Menunggu", false, answered(map[string]any{"status": "awaiting_requirements", "current_step": 2, "verified_at": "", "due_at": ""}))
	soon := consoleSeedCase(t, h, "Sari Segera", false, answered(map[string]any{"due_at": now.Add(30 * time.Hour)}))
	overdue := consoleSeedCase(t, h, "Ola Terlambat", false, answered(map[string]any{"due_at": now.Add(-26 * time.Hour)}))
	fresh := consoleSeedCase(t, h, "Nina Baru", false, nil)
	emergency := consoleSeedCase(t, h, "Dewi Darurat", true, nil)
	closed := consoleSeedCase(t, h, "Citra Selesai", false, answered(map[string]any{"status": "closed", "current_step": 9, "closed_at": now}))

	b := openConsole(t, base)
	b.expectMissingFeatures(h)
	b.laptop()
	b.consoleSignIn("kepala@teduh.test")

	// the order between the groups is the contract; within the first group
	// any order of emergency and overdue will do
	groups := js[[][]string](b, `[...document.querySelectorAll('#queue-list .tier')].map((g) => [...g.querySelectorAll('.qrow')].map((r) => r.dataset.number))`)
	titles := js[[]string](b, `[...document.querySelectorAll('#queue-list .tier-title')].map((h) => h.textContent)`)
	num := func(r *core.Record) string { return r.GetString("number") }
	if len(groups) < 3 || len(titles) != len(groups) {
		t.Fatalf("queue groups %v %v", titles, groups)
	}
	if titles[0] != "Darurat dan lewat tenggat" || !sameSet(groups[0], []string{num(emergency), num(overdue)}) {
		t.Errorf("first group %q %v, want the emergency and the overdue case", titles[0], groups[0])
	}
	if titles[1] != "Segera jatuh tempo" || !slices.Contains(groups[1], num(soon)) {
		t.Errorf("second group %q %v, want the case due in 30 hours", titles[1], groups[1])
	}
	all := b.queueNumbers()
	pos := func(r *core.Record) int { return slices.Index(all, num(r)) }
	for _, r := range []*core.Record{running, waiting, fresh} {
		if pos(r) < pos(soon) && r != fresh {
			t.Errorf("%s is above the case due soon: %v", num(r), all)
		}
		if pos(r) < 0 || pos(r) < len(groups[0]) {
			t.Errorf("%s missing or among the urgent: %v", num(r), all)
		}
	}
	if slices.Contains(all, num(closed)) || len(all) != 6 {
		t.Errorf("open queue %v: want the six open cases and not the closed one", all)
	}
	t.Logf("queue groups: %v %v", titles, groups)
	overdueRow := js[string](b, fmt.Sprintf(`document.querySelector('.qrow[data-number=%q]').innerText`, overdue.GetString("number")))
	if !strings.Contains(overdueRow, "Lewat 1 hari") || !strings.Contains(overdueRow, "Pak Petugas") {
		t.Errorf("overdue row %q: want the time past due and the officer", overdueRow)
	}
	soonRow := js[string](b, fmt.Sprintf(`document.querySelector('.qrow[data-number=%q]').innerText`, soon.GetString("number")))
	if !strings.Contains(soonRow, "Sisa 1 hari 5 jam") && !strings.Contains(soonRow, "Sisa 1 hari 6 jam") {
		t.Errorf("due-soon row %q: want the time left", soonRow)
	}
	if !strings.Contains(js[string](b, fmt.Sprintf(`document.querySelector('.qrow[data-number=%q]').innerText`, emergency.GetString("number"))), "Darurat") {
		t.Error("the emergency row does not say Darurat")
	}
	b.screenshot("console-queue-laptop")

	// filters: unassigned only, then a search by name, then closed cases
	b.choose("q-assignee", "unassigned")
	b.waitJS("unassigned filter", fmt.Sprintf(`document.querySelectorAll('#queue-list .qrow').length === 2 && document.getElementById('queue-status').textContent.startsWith('Menampilkan')`))
	if got := b.queueNumbers(); strings.Join(got, " ") != emergency.GetString("number")+" "+fresh.GetString("number") {
		t.Errorf("unassigned queue %v", got)
	}
	b.choose("q-assignee", "")
	b.typeInto("q-search", "terlambat")
	b.click("q-submit")
	b.waitJS("search by name", `document.querySelectorAll('#queue-list .qrow').length === 1`)
	if got := b.queueNumbers(); len(got) != 1 || got[0] != overdue.GetString("number") {
		t.Errorf("search 'terlambat' found %v", got)
	}
	b.clearField("q-search")
	b.typeInto("q-search", closed.GetString("number"))
	b.choose("q-status", "closed")
	b.waitJS("closed filter", fmt.Sprintf(`(() => { const r = document.querySelectorAll('#queue-list .qrow'); return r.length === 1 && r[0].dataset.number === %q; })()`, closed.GetString("number")))

	// the team view: every officer's load
	b.click("nav-team")
	b.waitJS("the team's load", `document.querySelector('#team-rows tr[data-staff]') && document.getElementById('team-status').textContent.startsWith('Beban')`)
	load := js[[]string](b, fmt.Sprintf(`[...document.querySelectorAll('#team-rows tr[data-staff=%q] td')].map((td) => td.textContent)`, officer.Id))
	if len(load) != 3 || load[1] != "4" || load[2] != "1" {
		t.Errorf("officer's load %v, want 4 open cases of which 1 overdue", load)
	}
	free := js[[]string](b, `[...document.querySelectorAll('#team-rows tr.team-free td')].map((td) => td.textContent)`)
	if len(free) != 3 || free[1] != "2" {
		t.Errorf("unassigned load %v, want 2 open", free)
	}
	b.screenshot("console-team-laptop")
	b.checkA11y("team")

	// the officer's name opens the queue of that officer (/api/queue with
	// assignee=)
	b.clickQuery(fmt.Sprintf(`#team-rows tr[data-staff=%q] a`, officer.Id))
	b.waitJS("the officer's queue", `!document.getElementById('view-queue').hidden && document.getElementById('queue-status').textContent.startsWith('Menampilkan')`)
	if got := b.queueNumbers(); strings.Join(got, " ") != strings.Join([]string{num(overdue), num(soon), num(running), num(waiting)}, " ") {
		t.Errorf("the officer's queue %v, want overdue, due soon, running, waiting", got)
	}

	// a supervisor assigns the emergency from its page; the officer now holds 5
	b.goHash("#/kasus/" + emergency.Id)
	b.step("waiting for the assignment form", chromedp.WaitVisible(chromedp.ID("case-assign")))
	b.choose("case-assign", officer.Id)
	b.click("case-assign-submit")
	b.waitJS("assignment saved", `document.getElementById('case-assign-status').textContent.includes('Pak Petugas')`)
	if got := h.reload(emergency).GetString("assigned_to"); got != officer.Id {
		t.Errorf("emergency assigned to %q after the supervisor's choice", got)
	}
	b.screenshot("console-case-laptop")
}

// A new emergency reaches a signed-in officer without a reload: the
// notification badge counts it (and the queue shows it) through PocketBase
// realtime.
func TestConsoleShowsANewEmergencyLive(t *testing.T) {
	h, base := consoleServer(t)
	officer, _ := h.Staff("petugas@teduh.test", "Pak Petugas", "officer", true)
	first := h.submit(validComplaint())

	b := openConsole(t, base)
	b.expectMissingFeatures(h)
	b.consoleSignIn("petugas@teduh.test")
	b.waitJS("the live connection", `document.getElementById('live-state').dataset.state === 'live'`)
	js[chromedp.Void](b, `window.notReloaded = true`)
	// the first complaint may already have alerted the officer
	var unreadBefore int64
	if _, err := h.App.FindCollectionByNameOrId("notifications"); err == nil {
		unreadBefore, _ = h.App.CountRecords("notifications", dbx.HashExp{"recipient": officer.Id, "read": false})
		if unreadBefore > 0 {
			b.waitJS("the badge shows the earlier notifications", fmt.Sprintf(`document.getElementById('notif-badge').textContent === '%d'`, unreadBefore))
		}
	}
	if got := b.queueNumbers(); len(got) != 1 || got[0] != first.GetString("number") {
		t.Fatalf("queue before %v", got)
	}

	body := with(validComplaint(), "victim_name", "Dewi Darurat", "immediate_danger", true)
	emergency := h.submit(body)
	number := emergency.GetString("number")

	_, notificationsErr := h.App.FindCollectionByNameOrId("notifications")
	if notificationsErr == nil {
		// the server's new-complaint alert is stored before the public answer
		n, _ := h.App.CountRecords("notifications", dbx.HashExp{"recipient": officer.Id, "read": false})
		if n != unreadBefore+1 {
			t.Fatalf("the officer has %d unread notifications after the emergency, want %d", n, unreadBefore+1)
		}
		b.waitJS("the badge counts the new notification", fmt.Sprintf(`document.getElementById('notif-badge').textContent === '%d'`, unreadBefore+1))
		if label := b.attr("nav-notifications", "aria-label"); !strings.Contains(label, fmt.Sprintf("%d belum dibaca", unreadBefore+1)) {
			t.Errorf("notifications link label %q", label)
		}
		b.waitJS("the urgent message", `document.getElementById('alerts').innerText.toLowerCase().includes('darurat')`)
	} else {
		t.Log("no notifications collection yet: checking the live queue only")
		b.waitJS("the urgent message", `document.getElementById('alerts').innerText.includes('DARURAT')`)
	}
	b.waitJS("the new emergency at the top of the queue", fmt.Sprintf(`(() => { const r = document.querySelector('#queue-list .qrow'); return r && r.dataset.number === %q; })()`, number))
	if !js[bool](b, `window.notReloaded === true`) {
		t.Error("the page was reloaded")
	}
	b.viewShot("console-live-emergency-phone", "cbar")

	if notificationsErr == nil {
		b.click("nav-notifications")
		b.waitJS("the notification in the list", `document.querySelector('#notif-list .notif-unread')`)
		b.screenshot("console-notifications-phone")
		b.checkA11y("notifications")
		b.clickQuery("#notif-list .notif-unread button")
		b.waitJS("the case page of the notification", fmt.Sprintf(`document.getElementById('case-number') && document.getElementById('case-number').textContent === %q`, number))
		b.waitJS("the badge counts one less", fmt.Sprintf(`document.getElementById('notif-badge').textContent === '%d' || (%d === 0 && document.getElementById('notif-badge').hidden)`, unreadBefore, unreadBefore))

		// "mark all as read" leaves nothing unread, in one request
		b.click("nav-notifications")
		b.waitJS("the notifications list", `document.querySelector('#notif-list li, #notif-list .notif')`)
		b.click("notif-read-all")
		b.waitJS("nothing unread", `!document.querySelector('#notif-list .notif-unread') && document.getElementById('notif-badge').hidden`)
		if n, _ := h.App.CountRecords("notifications", dbx.HashExp{"recipient": officer.Id, "read": false}); n != 0 {
			t.Errorf("%d notifications still unread after marking all read", n)
		}
	}
}

// A session the server no longer accepts sends the person back to the
// sign-in form with a message, and the token leaves the browser.
func TestConsoleSessionExpiry(t *testing.T) {
	h, base := consoleServer(t)
	officer, _ := h.Staff("petugas@teduh.test", "Pak Petugas", "officer", true)
	h.submit(validComplaint())

	b := openConsole(t, base)
	b.expectMissingFeatures(h)
	b.expectFailedLoad(base + "/api/") // the 401s are the point of the test
	b.consoleSignIn("petugas@teduh.test")

	// a new token key invalidates every token the officer holds (as a
	// password reset does)
	officer.RefreshTokenKey()
	if err := h.App.Save(officer); err != nil {
		t.Fatal(err)
	}
	b.click("q-submit")
	b.step("waiting for the sign-in form", chromedp.WaitVisible(chromedp.ID("signin-email")))
	if msg := b.text("signin-message"); !strings.Contains(msg, "Sesi Anda telah berakhir") {
		t.Errorf("message after expiry %q", msg)
	}
	if js[bool](b, `!!sessionStorage.getItem('teduh.staff.session')`) {
		t.Error("the dead token is still stored")
	}
	if b.visible("queue-title") {
		t.Error("the queue is still shown after the session ended")
	}
}

// An officer refers the victim from the case page: the recommendations
// name the institutions, a draft is saved, consent is confirmed when it is
// sent (which gives the letter its number), and the letter and, at the end,
// the handling report are downloaded as PDFs with the officer's authorization.
func TestConsoleReferralLetterAndReportDownloads(t *testing.T) {
	h, base := consoleServer(t)
	if _, err := h.App.FindCollectionByNameOrId("referrals"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the referrals collection is missing")
		}
		t.Skip("the referrals collection does not exist yet; nothing to download")
	}
	readyForLetters(t, h)
	_, offTok := h.Staff("petugas@teduh.test", "Pak Petugas", "officer", true)
	_, supTok := h.Staff("kepala@teduh.test", "Bu Kepala", "supervisor", true)
	c := h.submit(with(validComplaint(), "injured", true))
	h.mustStep(offTok, c.Id, 2, "done", "Korban ditenangkan.", nil)
	h.mustStep(offTok, c.Id, 3, "done", "", map[string]any{"requirements_complete": true, "referral_priorities": []string{"health"}})
	h.mustStep(offTok, c.Id, 4, "skipped", "Korban sudah di rumah keluarga.", nil)
	h.mustStep(offTok, c.Id, 5, "done", "", map[string]any{"victim_safe": true})
	h.mustStep(offTok, c.Id, 6, "done", "", map[string]any{"violence_types": []string{"physical"}, "perpetrator_relation": "spouse", "incident_place": "household", "needs": []string{"health"}})
	h.mustStep(supTok, c.Id, 7, "done", "Rujuk ke rumah sakit.", map[string]any{"referral_needed": true})

	b := openConsole(t, base)
	dir := t.TempDir()
	b.downloadTo(dir)
	b.expectFailedLoad(base + "/api/collections/referrals/records/") // the refused send
	b.consoleSignIn("petugas@teduh.test")
	b.goHash("#/kasus/" + c.Id)
	b.waitStepForm(8)
	b.waitJS("the recommendations", `document.querySelector('#referral-recommendations li[data-type="health"]')`)
	if !js[bool](b, `!!(document.getElementById('next-step').compareDocumentPosition(document.getElementById('referrals')) & Node.DOCUMENT_POSITION_FOLLOWING) && document.getElementById('referrals').parentElement.classList.contains('case-main')`) {
		t.Error("the referrals are not beside the step 8 form")
	}

	// a draft to the recommended hospital
	b.clickQuery(`#referral-recommendations li[data-type="health"] button`)
	if v := runIn(b, "reading the institution", chromedp.Value(chromedp.ID("rf-institution"))); v == "" {
		t.Fatal("choosing a recommended institution did not fill the form")
	}
	b.typeInto("rf-services", "Visum et repertum dan perawatan luka.")
	b.click("rf-submit")
	b.waitJS("the draft", `document.querySelector('#referral-list .ref[data-status="draft"]')`)
	refs, err := h.App.FindRecordsByFilter("referrals", "complaint = {:c}", "", 0, 0, dbx.Params{"c": c.Id})
	if err != nil || len(refs) != 1 {
		t.Fatalf("referrals stored: %v %v", refs, err)
	}
	ref := refs[0]

	// sending without consent is refused beside the consent box
	b.click("ref-" + ref.Id + "-sent")
	b.click("ref-" + ref.Id + "-sent-submit")
	b.step("waiting for the consent error", chromedp.WaitVisible(chromedp.ID("err-ref-"+ref.Id+"-sent-consent")))
	if msg := b.text("err-ref-" + ref.Id + "-sent-consent"); !strings.Contains(msg, "persetujuan") {
		t.Errorf("consent error %q", msg)
	}
	b.viewShot("console-referral-consent-phone", "ref-"+ref.Id)
	b.click("ref-" + ref.Id + "-sent-consent")
	b.choose("ref-"+ref.Id+"-sent-consent_by", "victim")
	b.click("ref-" + ref.Id + "-sent-submit")
	b.waitJS("the referral is sent", `document.querySelector('#referral-list .ref[data-status="sent"] .letter-number')`)
	number := h.reload(ref).GetString("letter_number")
	if number == "" || !strings.Contains(b.text("ref-"+ref.Id), number) {
		t.Errorf("letter number %q not shown: %q", number, b.text("ref-"+ref.Id))
	}
	// how the letter goes out: the hospital has no e-mail address
	for _, id := range []string{"referral-message", "ref-" + ref.Id + "-delivery"} {
		if msg := b.text(id); !strings.Contains(msg, "tidak memiliki alamat e-mail") || !strings.Contains(msg, "cetak") {
			t.Errorf("#%s does not say the letter is to be printed: %q", id, msg)
		}
	}

	// the letter, fetched with the Authorization header and saved: the one stored
	b.click("letter-" + ref.Id)
	pdf := consoleWaitForFile(t, b.ctx, dir)
	if !bytes.Equal(pdf, storedLetterBytes(t, h, ref.Id)) {
		t.Errorf("the downloaded letter is not the stored one: %q", pdf[:min(len(pdf), 20)])
	}
	b.waitJS("the download is confirmed", `document.getElementById('referral-message').textContent.includes('Surat diunduh')`)
	b.laptop()
	b.screenshot("console-referrals-laptop")
	b.checkA11y("referrals")

	// step 8 can now be done, then step 9 closes the case
	b.click("o-done")
	b.typeInto("step-notes", "Surat rujukan ke rumah sakit dikirim.")
	b.click("step-submit")
	b.waitStepDone(8)
	b.waitStepForm(9)
	b.typeInto("step-notes", "Korban dirawat dan aman. Kasus selesai.")
	b.click("step-submit")
	b.waitStepDone(9)

	// the handling report
	for _, e := range mustReadDir(t, dir) {
		_ = os.Remove(filepath.Join(dir, e.Name()))
	}
	b.click("report-download")
	report := consoleWaitForFile(t, b.ctx, dir)
	if !strings.HasPrefix(string(report), "%PDF-") {
		t.Errorf("the downloaded report is not a PDF: %q", report[:min(len(report), 20)])
	}
	if got := h.reload(c).GetString("status"); got != "closed" {
		t.Errorf("case status %q after step 9", got)
	}
}

func mustReadDir(t *testing.T, dir string) []os.DirEntry {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// downloadTo makes the tab save downloads into dir.
func (b *browserTab) downloadTo(dir string) {
	b.t.Helper()
	enabled := true
	b.step("allowing downloads", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &enabled,
		})
		return err
	}))
}

// waitForFile waits until a completed file appears in dir and returns it.
func consoleWaitForFile(t *testing.T, ctx context.Context, dir string) []byte {
	t.Helper()
	deadline := time.Now().Add(browserStepTimeout)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".crdownload") {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err == nil && len(data) > 0 {
				return data
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no download arrived in %s", dir)
	return nil
}
