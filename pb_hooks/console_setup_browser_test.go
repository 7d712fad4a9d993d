package pb_hooks_test

// The console's set-up page and staff accounts in a real browser: a
// supervisor turns the seeded Singkawang profile into another office's
// (Kabupaten Sambas, its own WhatsApp, head of office, emblem, an
// institution), and the public page, a letter and the handling report then
// show only the new office; a supervisor adds an officer with a one-time
// password, who must choose a password of their own at the first sign-in.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// emblemFile writes the drawn emblem (letters_test.go) to a file for the upload.
func emblemFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "lambang-sambas.png")
	if err := os.WriteFile(path, emblemPNG(t), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// setupShown waits for the set-up page to be (re)loaded.
func (b *browserTab) setupShown() {
	b.t.Helper()
	b.waitJS("the set-up page", `document.getElementById('setup-status').textContent === 'Pengaturan dimuat.' && document.getElementById('setup-checklist')`)
}

// saved waits for a section's success message.
func (b *browserTab) saved(box, want string) {
	b.t.Helper()
	b.waitJS(want, fmt.Sprintf(`(() => { const m = document.getElementById(%q); return m && !m.hidden && m.className === 'ok' && m.textContent.includes(%q); })()`, box, want))
}

func TestConsoleSetUpAnotherOffice(t *testing.T) {
	h, base := consoleServer(t)
	_, offTok := h.Staff("petugas@teduh.test", "Petugas Sambas", "officer", true)
	_, supTok := h.Staff("kepala@teduh.test", "Kepala Bidang", "supervisor", true)
	b := openConsole(t, base)
	b.consoleSignIn("kepala@teduh.test")
	if !b.visible("nav-setup") {
		t.Fatal("no Pengaturan in the supervisor's menu")
	}
	// the sample is marked in the menu, from any page
	b.waitJS("the menu's sample mark", `document.getElementById('nav-setup-sample')`)
	b.click("nav-setup")
	b.setupShown()
	if !b.visible("setup-sample") || !strings.Contains(b.text("setup-sample"), "Profil ini masih contoh") {
		t.Error("the sample warning is not shown")
	}
	if got := b.attr("setup-checklist-items", "id"); got == "" {
		t.Fatal("no checklist")
	}
	b.checkA11y("set-up page")

	// the profile, as Sambas fills it in
	b.clearField("set-government")
	b.typeInto("set-government", "Pemerintah Kabupaten Sambas")
	for id, v := range map[string]string{
		"set-regency_name": "Kabupaten Sambas", "set-regency_code": "6101", "set-code": "SBS",
		"set-address": "Jalan Pembangunan No 1 Sambas 79462", "set-phone": "(0562) 391234",
		"set-website": "dinsosp3a.sambaskab.go.id", "set-sapa_name": "",
		"set-districts": "Sambas\nTeluk Keramat\nPemangkat\nJawai",
	} {
		b.setValue(id, v)
	}
	b.clearField("set-whatsapp")
	b.typeInto("set-whatsapp", "0812-5555-1234")
	js[chromedp.Void](b, `document.getElementById('set-suggestion_box').checked = false`)
	// a wrong number first: the field says so, nothing is saved
	b.expectFailedLoad(base + "/api/collections/office/records/")
	b.setValue("set-phone", "12")
	b.click("setup-profile-save")
	b.waitJS("the phone's error", `!document.getElementById('err-set-phone').hidden`)
	if r := officeRecord(t, h); r.GetString("government") != "Pemerintah Kota Singkawang" {
		t.Fatalf("a refused profile was saved: %s", r.GetString("government"))
	}
	b.setValue("set-phone", "(0562) 391234")
	b.click("setup-profile-save")
	b.saved("setup-profile-message", "Profil kantor disimpan.")

	// head of office
	b.typeInto("set-head_name", "Drs. Yusuf Ramli, M.Si.")
	b.typeInto("set-head_nip", "19700101 199003 1 001")
	if ph := b.attr("set-head_title", "placeholder"); ph != "Kepala Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Sambas" {
		t.Errorf("the head's default title %q", ph)
	}
	b.click("setup-head-save")
	b.saved("setup-head-message", "Kepala kantor disimpan.")

	// emblem and letters
	b.step("choosing the emblem", chromedp.SetUploadFiles(chromedp.ID("set-emblem"), []string{emblemFile(t)}))
	b.click("setup-emblem-save")
	b.saved("setup-emblem-message", "Lambang daerah disimpan.")
	b.waitJS("the emblem is shown", `(() => { const i = document.getElementById('setup-emblem-img'); return i && i.complete && i.naturalWidth === 120; })()`)
	b.setValue("set-letter_copies_to", "Yth. Bupati Sambas (sebagai laporan)\nArsip")
	b.click("setup-letters-save")
	b.saved("setup-letters-message", "Pengaturan surat disimpan.")
	preview := b.text("setup-letterhead-preview")
	if !strings.Contains(preview, "PEMERINTAH KABUPATEN SAMBAS") || strings.Contains(preview, "Singkawang") {
		t.Errorf("letterhead preview %q", preview)
	}
	channels := b.text("setup-channels")
	emergency := b.text("setup-emergency")
	if !strings.Contains(emergency, "0812-5555-1234") || !strings.Contains(emergency, "08111-129-129") || strings.Contains(channels+emergency, "Singkawang") {
		t.Errorf("derived numbers %q, channels %q", emergency, channels)
	}

	// a referral institution of the new office, confirmed
	js[chromedp.Void](b, `document.getElementById('inst-new').open = true`)
	b.typeInto("inst-new-name", "RSUD Sambas")
	b.choose("inst-new-type", "health")
	b.typeInto("inst-new-address", "Jalan Rumah Sakit No. 1, Sambas")
	b.typeInto("inst-new-phone", "(0562) 391111")
	b.click("inst-new-confirmed")
	b.click("inst-new-save")
	b.saved("inst-new-message", "Lembaga baru ditambahkan.")

	// the sample is confirmed; the checklist follows
	b.click("setup-confirm-sample")
	b.saved("setup-checklist-message", "Profil kantor sudah ditandai benar.")
	if b.visible("setup-sample") || js[bool](b, `!!document.getElementById('nav-setup-sample')`) {
		t.Error("the sample warning stays after the confirmation")
	}
	for _, key := range []string{"profile", "head", "emblem"} {
		if ok := js[string](b, fmt.Sprintf(`document.querySelector('#setup-checklist-items li[data-key=%q]').dataset.ok`, key)); ok != "true" {
			t.Errorf("checklist %s not done", key)
		}
	}
	if !strings.Contains(b.text("setup-readiness"), "Surat rujukan dapat dikirim.") {
		t.Errorf("readiness %q", b.text("setup-readiness"))
	}
	b.viewShot("setup-after-sambas", "setup-checklist")

	// the public page shows only the new office
	b.open("/")
	b.waitJS("the public page's numbers", `document.getElementById('emergency-list').textContent.includes('0812-5555-1234')`)
	b.waitJS("the service standard", `document.getElementById('service-body').textContent.includes('Datang langsung')`)
	page := js[string](b, `document.body.innerText`)
	noTraces(t, "public page", page, append(singkawangTraces, "SAPA Singkawang", "Kotak saran")...)
	for _, s := range []string{"Pemerintah Kabupaten Sambas", "Jalan Pembangunan No 1 Sambas 79462", "0812-5555-1234", "SAPA 129", "Teluk Keramat"} {
		if !strings.Contains(page, s) {
			t.Errorf("public page lacks %q", s)
		}
	}
	hrefs := js[string](b, `[...document.querySelectorAll('#emergency-list a')].map((a) => a.href).join(' ')`)
	if !strings.Contains(hrefs, "https://wa.me/6281255551234") || strings.Contains(hrefs, "6289520338668") {
		t.Errorf("emergency links %s", hrefs)
	}

	// a letter and the handling report of a case of the new office
	inst, err := h.App.FindFirstRecordByData("referral_institutions", "name", "RSUD Sambas")
	if err != nil {
		t.Fatal(err)
	}
	c := h.submit(with(validComplaint(), "victim_district", "Pemangkat", "injured", true))
	walkToReferralStep(t, h, offTok, supTok, c.Id)
	res := h.Do("POST", "/api/collections/referrals/records", map[string]any{"complaint": c.Id, "institution": inst.Id,
		"services": "Pemeriksaan luka.", "reason": "Korban terluka."}, offTok)
	if res.Status != 200 {
		t.Fatalf("referral: %d %s", res.Status, res)
	}
	ref := res.JSON["id"].(string)
	if res := h.Do("PATCH", "/api/collections/referrals/records/"+ref, map[string]any{"consent": true, "consent_by": "victim", "status": "sent"}, offTok); res.Status != 200 {
		t.Fatalf("send: %d %s", res.Status, res)
	}
	letter := referralPDFText(t, h.Do("GET", "/api/referrals/"+ref+"/letter.pdf", nil, offTok))
	report := referralPDFText(t, h.Do("GET", "/api/complaints/"+c.Id+"/report.pdf", nil, offTok))
	for name, text := range map[string]string{"letter": letter, "report": report} {
		referralExpect(t, text, []string{"PEMERINTAH KABUPATEN SAMBAS", "Kepala Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Sambas",
			"Drs. Yusuf Ramli, M.Si.", "NIP. 197001011990031001", "Sambas, ", "SBS-2026-0001"}, nil)
		noTraces(t, name, text, singkawangTraces...)
	}
	referralExpect(t, letter, []string{"RSUD Sambas", "Yth. Bupati Sambas (sebagai laporan)"}, nil)
}

func TestConsoleStaffAccounts(t *testing.T) {
	h, base := consoleServer(t)
	h.Staff("kepala@teduh.test", "Kepala Bidang", "supervisor", true)
	leaving, _ := h.Staff("pindah@teduh.test", "Petugas Pindah", "officer", true)
	b := openConsole(t, base)
	b.consoleSignIn("kepala@teduh.test")
	b.goHash("#/tim")
	b.waitJS("the accounts", `document.querySelector('#account-list li[data-id]')`)
	b.checkA11y("team page")
	// the supervisor's own account cannot be deactivated or reset here
	me := js[string](b, `(() => { const li = [...document.querySelectorAll('#account-list li')].find((l) => l.textContent.includes('kepala@teduh.test')); return li.dataset.id; })()`)
	if js[bool](b, fmt.Sprintf(`!!document.getElementById('acc-%s-active')`, me)) {
		t.Error("the supervisor can deactivate their own account")
	}

	// deactivate and reactivate
	js[chromedp.Void](b, `window.confirm = () => true`)
	b.click("acc-" + leaving.Id + "-active")
	b.waitJS("deactivated", `document.getElementById('accounts-message').textContent.includes('dinonaktifkan')`)
	if h.reload(leaving).GetBool("active") {
		t.Fatal("not deactivated")
	}
	b.click("acc-" + leaving.Id + "-active")
	b.waitJS("reactivated", `document.getElementById('accounts-message').textContent.includes('aktif lagi')`)
	if !h.reload(leaving).GetBool("active") {
		t.Fatal("not reactivated")
	}

	// an existing e-mail is refused beside the field, in Bahasa Indonesia
	b.expectFailedLoad(base + "/api/staff-accounts")
	js[chromedp.Void](b, `document.getElementById('account-new').open = true`)
	b.typeInto("acc-name", "Petugas Baru")
	b.typeInto("acc-email", "pindah@teduh.test")
	b.click("acc-delivery-once")
	b.click("acc-submit")
	b.waitJS("the e-mail's error", `!document.getElementById('err-acc-email').hidden`)
	if msg := b.text("err-acc-email"); !strings.Contains(msg, "sudah dipakai") {
		t.Errorf("duplicate e-mail message %q", msg)
	}
	b.clearField("acc-email")
	b.typeInto("acc-email", "baru@teduh.test")
	b.typeInto("acc-nip", "199203152019032007")
	b.click("acc-submit")
	b.waitJS("the one-time password", `document.querySelector('#one-time-password code')`)
	password := js[string](b, `document.querySelector('#one-time-password code').textContent`)
	if len(password) != 14 {
		t.Fatalf("one-time password %q", password)
	}
	b.screenshot("team-one-time-password")
	b.consoleSignOut()
	if js[bool](b, `document.body.innerText.includes(`+fmt.Sprintf("%q", password)+`)`) {
		t.Error("the one-time password stays on the page after sign-out")
	}

	// the new officer signs in and must choose a password first
	b.clearField("signin-email")
	b.typeInto("signin-email", "baru@teduh.test")
	b.typeInto("signin-password", password)
	b.click("signin-submit")
	b.step("waiting for the new-password form", chromedp.WaitVisible(chromedp.ID("password-form")))
	if b.visible("queue-title") || b.visible("app-nav") {
		t.Error("the queue or the menu is shown before the password changed")
	}
	b.checkA11y("new-password form")
	b.typeInto("password-old", password)
	b.typeInto("password-new", "kata-sandi-sendiri-1")
	b.typeInto("password-confirm", "kata-sandi-lain-99")
	b.click("password-submit")
	b.waitJS("the mismatch", `!document.getElementById('password-confirm-error').hidden`)
	b.clearField("password-confirm")
	b.typeInto("password-confirm", "kata-sandi-sendiri-1")
	b.click("password-submit")
	b.step("waiting for the sign-in form", chromedp.WaitVisible(chromedp.ID("signin-email")))
	if msg := b.text("signin-message"); !strings.Contains(msg, "Kata sandi baru sudah disimpan") {
		t.Errorf("after the change: %q", msg)
	}
	rec, err := h.App.FindAuthRecordByEmail("staff", "baru@teduh.test")
	if err != nil || rec.GetBool("password_must_change") || !rec.ValidatePassword("kata-sandi-sendiri-1") {
		t.Fatalf("the new password was not stored: %v", err)
	}
	b.clearField("signin-email")
	b.typeInto("signin-email", "baru@teduh.test")
	b.typeInto("signin-password", "kata-sandi-sendiri-1")
	b.click("signin-submit")
	b.step("waiting for the queue", chromedp.WaitVisible(chromedp.ID("queue-title")))
	if b.visible("nav-setup") || b.visible("nav-team") {
		t.Error("an officer sees Pengaturan or Tim")
	}
}
