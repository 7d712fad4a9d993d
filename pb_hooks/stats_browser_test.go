package pb_hooks_test

// The statistics dashboard and the SIMFONI parts of the case page in a real
// headless Chromium (strict CSP), on a small phone (360 px) and a laptop.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/xuri/excelize/v2"

	"teduh/internal/simfoni"
)

// media emulates a CSS media type ("print"; "" for the screen).
func (b *browserTab) media(m string) {
	b.t.Helper()
	b.step("media "+m, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
		return err
	}))
}

func TestConsoleStatisticsDashboard(t *testing.T) {
	h, base := newPageServer(t, statsStart)
	w := newStatsWorldOn(t, h)
	// the console runs on the real clock (sessions, "time left")
	h.SetNow(time.Now().UTC())
	st := w.stats(t, "from=2026-01&to=2026-12")

	b := openConsole(t, base)
	dir := t.TempDir()
	b.downloadTo(dir)
	b.expectFailedLoad(base + "/api/stats") // the refused period
	b.step("a 360 px screen", chromedp.EmulateViewport(360, 800, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	b.consoleSignIn("kepala@teduh.test")
	if !b.visible("nav-stats") {
		t.Fatal("supervisors have no Statistik entry in the menu")
	}
	b.click("nav-stats")
	b.step("waiting for the dashboard", chromedp.WaitVisible(chromedp.ID("stats-title")))
	b.setValue("st-from", "2026-01")
	b.setValue("st-to", "2026-12")
	b.click("st-submit")
	b.waitJS("the statistics", `document.getElementById('stats-status').textContent.startsWith('Statistik ')`)
	if got, want := b.text("stat-victims"), fmt.Sprintf("%d", st.Totals.Victims); !strings.HasPrefix(got, want) {
		t.Errorf("victims shown %q, want %s", got, want)
	}
	if got := b.text("stat-perpetrators"); !strings.HasPrefix(got, fmt.Sprint(st.Totals.Perpetrators)) {
		t.Errorf("perpetrators shown %q, want %d", got, st.Totals.Perpetrators)
	}
	// every chart is plain SVG with a title and its data table beside it
	blocks := js[[]string](b, `[...document.querySelectorAll('#stats-body .stats-block')].map((s) => {
		const svg = s.querySelector('svg.chart[role=img] title');
		const table = s.querySelector('table caption');
		return (svg ? 'svg' : 'nosvg') + '|' + (table ? table.textContent : 'notable') + '|' + s.querySelectorAll('tbody tr').length;
	})`)
	if want := 1 + len(simfoni.Default.Tables) + 3; len(blocks) != want {
		t.Errorf("%d chart blocks, want %d: %v", len(blocks), want, blocks)
	}
	for _, blk := range blocks {
		if strings.HasPrefix(blk, "nosvg") || strings.Contains(blk, "notable") {
			t.Errorf("a chart without its SVG or its table: %s", blk)
		}
	}
	// the table beside the age chart holds the API's figures
	row := js[[]string](b, `[...document.querySelectorAll('#stats-victim_age_sex tbody tr')][1].innerText.split(/\t/)`)
	r := st.Tables[0].Rows[1]
	if strings.Join(row, "|") != fmt.Sprintf("%s|%d|%d|%d|%d", r.Label, r.Female, r.Male, r.Unknown, r.Count) {
		t.Errorf("age table row %v, API %+v", row, r)
	}
	b.checkA11y("statistics")
	js[chromedp.Void](b, `new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))`)
	if bad := js[[]string](b, fmt.Sprintf("(%s)(%d)", layoutProblems, 360)); len(bad) > 0 {
		t.Errorf("the dashboard does not fit a 360 px screen:\n  %s", strings.Join(bad, "\n  "))
	}
	b.screenshot("console-statistics-360")

	// one district
	b.choose("st-district", "Singkawang Barat")
	b.click("st-submit")
	barat := w.stats(t, "from=2026-01&to=2026-12&district=Singkawang+Barat")
	b.waitJS("the district's statistics", fmt.Sprintf(`document.getElementById('stats-period').textContent.includes('Singkawang Barat') && document.getElementById('stat-victims').textContent.startsWith('%d')`, barat.Totals.Victims))

	// a reversed period: the server's error beside the field
	b.setValue("st-from", "2026-06")
	b.setValue("st-to", "2026-02")
	b.click("st-submit")
	b.step("waiting for the period error", chromedp.WaitVisible(chromedp.ID("err-st-to")))
	if msg := b.text("err-st-to"); !strings.Contains(msg, "sebelum") {
		t.Errorf("period error %q", msg)
	}
	b.setValue("st-from", "2026-01")
	b.setValue("st-to", "2026-12")
	b.choose("st-district", "")
	b.click("st-submit")
	b.waitJS("the statistics again", `document.getElementById('stats-status').textContent.startsWith('Statistik ') && document.getElementById('err-st-to').hidden`)

	// the encrypted workbook: a short password is refused in the page
	b.typeInto("st-password", "pendek")
	b.click("st-xlsx")
	b.step("waiting for the password error", chromedp.WaitVisible(chromedp.ID("err-st-password")))
	b.clearField("st-password")
	b.typeInto("st-password", "sandi-kantor-2026")
	b.click("st-xlsx")
	data := consoleWaitForFile(t, b.ctx, dir)
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{Password: "sandi-kantor-2026"})
	if err != nil {
		t.Fatalf("the downloaded workbook does not open with its password: %v", err)
	}
	rows, _ := f.GetRows("Kasus tanpa identitas")
	f.Close()
	if len(rows) != st.Totals.Victims+1 {
		t.Errorf("%d case rows, want %d", len(rows)-1, st.Totals.Victims)
	}
	b.waitJS("the download is confirmed", `document.getElementById('stats-export-message').textContent.includes('terenkripsi diunduh')`)
	if n, _ := h.App.CountRecords("audit_log", dbx.HashExp{"action": "export"}); n != 1 {
		t.Errorf("%d export entries in the audit log", n)
	}
	for _, e := range mustReadDir(t, dir) {
		_ = os.Remove(filepath.Join(dir, e.Name()))
	}
	b.click("st-report")
	if pdf := consoleWaitForFile(t, b.ctx, dir); !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Errorf("the report is not a PDF")
	}

	// the laptop: each chart beside its table
	b.laptop()
	js[chromedp.Void](b, `new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))`)
	if !js[bool](b, `(() => { const s = document.getElementById('stats-body').querySelector('.stats-block');
		const c = s.querySelector('.chart-box').getBoundingClientRect(), t = s.querySelector('.table-wrap').getBoundingClientRect();
		return t.left >= c.right - 1 && Math.abs(t.top - c.top) < 2; })()`) {
		t.Error("on a laptop the table is not beside its chart")
	}
	b.screenshot("console-statistics-laptop")

	// the print view: the figures without the console around them
	b.media("print")
	hidden := js[[]bool](b, `['cbar', 'stats-filters', 'stats-exports'].map((id) => getComputedStyle(document.getElementById(id)).display === 'none')`)
	shown := js[bool](b, `getComputedStyle(document.getElementById('stats-body')).display !== 'none' && document.querySelector('#stats-body svg.chart').getBoundingClientRect().width > 0`)
	if !hidden[0] || !hidden[1] || !hidden[2] || !shown {
		t.Errorf("print view: menu, filters, exports hidden %v, charts shown %v", hidden, shown)
	}
	b.media("")

	// officers have no statistics
	b.consoleSignOut()
	b.consoleSignIn("petugas@teduh.test")
	if b.visible("nav-stats") {
		t.Error("officers see the Statistik entry")
	}
	b.goHash("#/statistik")
	b.step("waiting for the queue", chromedp.WaitVisible(chromedp.ID("queue-title")))
	if b.visible("view-stats") {
		t.Error("an officer opened the dashboard")
	}
}

// An officer records the perpetrators at step 6 and confirms the services,
// and registers the victim's sibling as a linked case, all in the console.
func TestConsoleRecordsPerpetratorsServicesAndAnotherVictim(t *testing.T) {
	h, base := consoleServer(t)
	_, offTok := h.Staff("petugas@teduh.test", "Pak Petugas", "officer", true)
	c := h.submit(with(validComplaint(), "victim_name", "Rina Anak", "other_victims", true, "other_victims_note", "Adiknya, 8 tahun.",
		"incident_place", "household", "violence_types", []string{"physical"}))
	h.mustStep(offTok, c.Id, 2, "done", "Korban ditenangkan.", nil)
	h.mustStep(offTok, c.Id, 3, "done", "", map[string]any{"requirements_complete": true, "referral_priorities": []string{"health"}})
	h.mustStep(offTok, c.Id, 4, "skipped", "Korban sudah aman.", nil)
	h.mustStep(offTok, c.Id, 5, "done", "", map[string]any{"victim_safe": true})

	b := openConsole(t, base)
	b.step("a 360 px screen", chromedp.EmulateViewport(360, 800, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	b.consoleSignIn("petugas@teduh.test")
	b.goHash("#/kasus/" + c.Id)
	b.waitStepForm(6)
	b.waitJS("the perpetrators beside step 6", `document.getElementById('perp-add') && document.getElementById('perpetrators').parentElement.classList.contains('case-main')`)
	b.click("perp-add")
	b.step("waiting for the perpetrator form", chromedp.WaitVisible(chromedp.ID("perp-form")))
	// the relation is required: the error beside it, nothing stored
	b.click("perp-save")
	b.step("waiting for the relation error", chromedp.WaitVisible(chromedp.ID("err-p-relation")))
	b.choose("p-relation", "parent")
	b.choose("p-sex", "male")
	b.typeInto("p-age", "41")
	b.click("perp-save")
	b.waitJS("the perpetrator is listed", `document.querySelectorAll('#perp-list li').length === 1 && document.getElementById('perp-list').textContent.includes('41 tahun')`)
	perps, err := h.App.FindRecordsByFilter("perpetrators", "complaint = {:c}", "", 0, 0, dbx.Params{"c": c.Id})
	if err != nil || len(perps) != 1 || perps[0].GetString("relation") != "parent" || perps[0].GetInt("age") != 41 {
		t.Fatalf("perpetrators stored: %v %v", perps, err)
	}
	b.checkA11y("perpetrators")
	if bad := js[[]string](b, fmt.Sprintf("(%s)(%d)", layoutProblems, 360)); len(bad) > 0 {
		t.Errorf("the case page does not fit a 360 px screen:\n  %s", strings.Join(bad, "\n  "))
	}

	// the services: derived, then confirmed
	b.waitJS("the services", `document.getElementById('services-form')`)
	if !js[bool](b, `document.getElementById('sv-pengaduan').checked && !document.getElementById('sv-pemulangan').checked`) {
		t.Error("the derived services are not preselected")
	}
	b.click("sv-pemulangan")
	b.click("services-save")
	b.waitJS("the services are saved", `document.getElementById('services-status').textContent.includes('disimpan')`)
	if got := jsonStrings(h.reload(c), "services_given"); strings.Join(got, ",") != "pengaduan,pemulangan" {
		t.Errorf("services stored %v", got)
	}

	// the sibling: another victim of the same report
	b.click("case-add-victim")
	b.step("waiting for the new-case form", chromedp.WaitVisible(chromedp.ID("new-linked")))
	if v := runIn(b, "the reporter is taken over", chromedp.Value(chromedp.ID("n-reporter_name"))); v != "Siti" {
		t.Errorf("reporter %q", v)
	}
	b.choose("n-channel", "walk_in")
	b.typeInto("n-victim_name", "Dodi Adik")
	b.choose("n-victim_sex", "male")
	b.typeInto("n-victim_age", "8")
	b.click("n-consent")
	b.click("new-submit")
	b.waitJS("the answer to the new case", `location.hash.startsWith('#/kasus/') || !document.getElementById('new-summary').hidden`)
	if msg := js[string](b, `document.getElementById('new-summary').hidden ? '' : document.getElementById('new-summary').innerText`); msg != "" {
		t.Fatalf("the linked case was refused: %s", msg)
	}
	b.waitJS("the linked case's page", `document.getElementById('case-report-number') && document.getElementById('case-report-number').textContent === `+fmt.Sprintf("%q", c.GetString("number")))
	sibling, err := h.App.FindFirstRecordByData("complaints", "victim_name", "Dodi Adik")
	if err != nil || sibling.GetString("report_number") != c.GetString("number") || sibling.GetString("linked_case") != c.Id || sibling.GetString("victim_age") != "8" {
		t.Fatalf("linked case: %v %v", sibling, err)
	}
	b.screenshot("console-linked-case-360")
}
