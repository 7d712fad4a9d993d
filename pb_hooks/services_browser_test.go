package pb_hooks_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
)

// The service complaints in the browser, as people use them: a member of
// the public finds the form on the public page and files a complaint about
// the service; a supervisor hears of it in the console, clarifies and
// answers it there; the person reads the answer on the status page with the
// tracking code.
func TestBrowserServiceComplaintFromFormToAnswer(t *testing.T) {
	h, base := consoleServer(t)
	_, _ = h.Staff("kepala@teduh.test", "Kepala Bidang", "supervisor", true)
	_, _ = h.Staff("petugas@teduh.test", "Petugas Satu", "officer", true)
	b := openConsole(t, base)

	// the public page lists the service; its own page has its form and standard
	b.openForm()
	b.waitJS("the other services", `document.getElementById('open-service_complaint')`)
	if txt := b.text("other-services"); !strings.Contains(txt, "Pengaduan Layanan") || !strings.Contains(txt, "10 hari kerja") {
		t.Errorf("services on the public page: %q", txt)
	}
	b.click("open-service_complaint")
	b.step("waiting for the service form", chromedp.WaitVisible(chromedp.ID("f-message")))
	if txt := b.text("service-standard"); !strings.Contains(txt, "Tidak dipungut biaya") || !strings.Contains(txt, "Jawaban kepada pengadu") {
		t.Errorf("standard on the service page: %q", txt)
	}
	b.checkA11y("service page")
	// refused in the page first: the message is required
	b.click("service-submit")
	b.step("waiting for the field error", chromedp.WaitVisible(chromedp.ID("err-f-message")))
	if n, _ := h.App.CountRecords("service_complaints"); n != 0 {
		t.Fatalf("%d stored from an empty form", n)
	}
	b.choose("f-kind", "service_complaint")
	b.typeInto("f-message", "Saya menunggu dua jam di loket dan tidak ada petugas yang melayani.")
	b.typeInto("f-rating", "2")
	b.typeInto("f-name", "Budi")
	b.click("service-submit")
	b.step("waiting for the success panel", chromedp.WaitVisible(chromedp.ID("service-success")))
	number, code := b.text("service-result-number"), b.text("service-result-tracking")
	if !strings.HasPrefix(number, "SKW-PL-") || !trackingCodeRE.MatchString(code) {
		t.Fatalf("shown %q %q", number, code)
	}
	b.screenshot("service-complaint-success")
	kase, err := h.App.FindFirstRecordByData("service_complaints", "tracking_code", code)
	if err != nil {
		t.Fatal(err)
	}
	if kase.GetString("name") != "Budi" || kase.GetFloat("rating") != 2 || kase.GetString("kind") != "service_complaint" {
		t.Errorf("stored %v", kase)
	}
	// the supervisor is notified at once, the officer not
	if n, _ := h.App.CountRecords("notifications", dbx.HashExp{"kind": "new_submission", "case_id": kase.Id}); n != 1 {
		t.Errorf("%d arrival notifications, want the one supervisor's", n)
	}

	// in the console: the notification, the case, its steps
	b.consoleSignIn("kepala@teduh.test")
	b.waitJS("the unread notification", `!document.getElementById('notif-badge').hidden && document.getElementById('notif-badge').textContent === '1'`)
	b.goHash("#/notifikasi")
	b.waitJS("the notification", `document.querySelector('#notif-list .notif')`)
	if txt := b.text("notif-list"); !strings.Contains(txt, number) || !strings.Contains(txt, "Pengaduan Layanan") {
		t.Errorf("notification %q", txt)
	}
	b.clickQuery("#notif-list .notif button.btn")
	b.waitJS("the service case page", fmt.Sprintf(`document.getElementById('case-number') && document.getElementById('case-number').textContent === %q`, number))
	b.waitStepForm(2)
	if txt := b.text("case-clocks"); !strings.Contains(txt, "Batas waktu jawaban") || !strings.Contains(txt, "sisa") {
		t.Errorf("clock on the case page: %q", txt)
	}
	if txt := b.text("case-data"); !strings.Contains(txt, "dua jam di loket") || b.visible("case-edit") {
		t.Errorf("data of the case (shown, not editable): %q", txt)
	}
	b.click("o-done")
	b.typeInto("step-notes", "Petugas loket dimintai keterangan; loket kosong karena rapat.")
	b.click("step-submit")
	b.waitStepDone(2)
	b.waitStepForm(3)
	answer := "Mohon maaf atas pelayanan kami. Jadwal petugas loket sudah kami atur agar loket selalu dilayani."
	b.typeInto("s-public_answer", answer)
	b.click("step-submit")
	b.waitStepDone(3)
	b.waitJS("the clock met", `document.getElementById('case-clocks').innerText.includes('terpenuhi')`)
	b.screenshot("service-complaint-case")
	b.checkA11y("service complaint case page")

	// the queue of the service, from its tab
	b.goHash("#/antrean/service_complaint")
	b.waitJS("the service queue", `document.getElementById('squeue-status').textContent.startsWith('Menampilkan')`)
	if got := js[[]string](b, `[...document.querySelectorAll('#squeue-list .qrow')].map((r) => r.dataset.number)`); len(got) != 1 || got[0] != number {
		t.Errorf("service queue %v", got)
	}

	// the person reads the answer on the status page
	b.open("/status/#service_complaint")
	b.waitJS("the service choice", `!document.getElementById('status-service-box').hidden && document.getElementById('status-service').value === 'service_complaint'`)
	b.typeInto("tracking-code", strings.ToLower(code))
	b.click("status-submit")
	b.step("waiting for the status", chromedp.WaitVisible(chromedp.ID("status-result")))
	if got := b.text("status-answers"); !strings.Contains(got, answer) {
		t.Errorf("answer on the status page: %q", got)
	}
	if got := b.text("status-result"); strings.Contains(got, "dua jam di loket") || strings.Contains(got, "Budi") {
		t.Errorf("the status page shows what the person wrote: %q", got)
	}
	b.screenshot("service-complaint-status")
}

// The TPKS police report in the console: the clock beside the case in the
// queue and on the case page, and the officer recording the police report
// there.
func TestBrowserTPKSClockInQueueAndCasePage(t *testing.T) {
	h, base := consoleServer(t)
	_, _ = h.Staff("petugas@teduh.test", "Petugas Satu", "officer", true)
	c := h.submit(sexualCase())
	plain := h.submit(validComplaint())
	b := openConsole(t, base)
	b.consoleSignIn("petugas@teduh.test")
	row := fmt.Sprintf(`.qrow[data-number=%q]`, c.GetString("number"))
	b.waitJS("the clock in the queue", `document.querySelector('`+row+` .qclocks') && document.querySelector('`+row+` .qclocks').innerText.includes('Laporan ke kepolisian: sisa')`)
	if txt := js[string](b, fmt.Sprintf(`document.querySelector('.qrow[data-number=%q] .qclocks').innerText`, plain.GetString("number"))); txt != "" {
		t.Errorf("a case without the clock shows %q", txt)
	}
	b.openCaseFromQueue(c.GetString("number"))
	b.waitJS("the clocks on the case page", `document.getElementById('case-clocks')`)
	if txt := b.text("case-clocks"); !strings.Contains(txt, "UU 12/2022") || !strings.Contains(txt, "sisa") {
		t.Errorf("case clocks %q", txt)
	}
	b.clickQuery("#clock-tpks_police_report details summary")
	b.typeInto("met-tpks_police_report-notes", "Laporan polisi LP/B/77/XII/2026 diterima Unit PPA.")
	b.click("met-tpks_police_report-submit")
	b.waitJS("the clock met", `document.getElementById('clock-tpks_police_report').dataset.status === 'met'`)
	if txt := b.text("case-clocks"); !strings.Contains(txt, "terpenuhi") || !strings.Contains(txt, "LP/B/77/XII/2026") || !strings.Contains(txt, "Petugas Satu") {
		t.Errorf("after recording the report: %q", txt)
	}
	if st := h.clockRowsOf("case_clocks", c.Id)[0].GetString("status"); st != "met" {
		t.Errorf("stored clock %s", st)
	}
	b.checkA11y("case page with clocks")
}

// The office calendar in the console: everyone on duty reads it, a
// supervisor adds the office's own day off (and removes it again).
func TestBrowserOfficeCalendar(t *testing.T) {
	h, base := consoleServer(t)
	_, _ = h.Staff("kepala@teduh.test", "Kepala Bidang", "supervisor", true)
	_, _ = h.Staff("petugas@teduh.test", "Petugas Satu", "officer", true)
	b := openConsole(t, base)
	b.consoleSignIn("petugas@teduh.test")
	b.goHash("#/kalender")
	b.waitJS("the holidays", `document.querySelector('#holiday-list li[data-date="2026-08-17"]')`)
	if b.visible("holiday-form") {
		t.Error("an officer is offered to add holidays")
	}
	b.consoleSignOut()
	b.consoleSignIn("kepala@teduh.test")
	b.goHash("#/kalender")
	b.step("waiting for the form", chromedp.WaitVisible(chromedp.ID("holiday-date")))
	b.setValue("holiday-date", "2026-10-14")
	b.typeInto("holiday-name", "Hari jadi Kota Singkawang")
	b.click("holiday-submit")
	b.waitJS("the new day in the list", `document.querySelector('#holiday-list li[data-date="2026-10-14"]')`)
	rec, err := h.App.FindFirstRecordByData("holidays", "name", "Hari jadi Kota Singkawang")
	if err != nil || rec.GetString("kind") != "office_closure" || !strings.HasPrefix(rec.GetString("date"), "2026-10-14") {
		t.Fatalf("stored holiday %v %v", rec, err)
	}
	cal, err := h.Teduh.Calendar(h.App)
	if err != nil || cal.Holidays["2026-10-14"] == "" {
		t.Errorf("the calendar does not know the new day: %v", err)
	}
	b.clickQuery(`#holiday-list li[data-date="2026-10-14"] button`)
	b.waitJS("the day removed", `!document.querySelector('#holiday-list li[data-date="2026-10-14"]')`)
	b.checkA11y("calendar")
}
