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
