package pb_hooks_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Signing in to the console, as staff meet it: the lockout after six wrong
// passwords says what happened; "Lupa kata sandi" sends a mail whose link
// opens the console's own page for a new password; the second step asks for
// the code sent by e-mail; a console left alone for 30 minutes signs out.
func TestConsoleSignInSafeguards(t *testing.T) {
	h, base := consoleServer(t)
	h.App.Settings().Meta.AppURL = base
	h.Staff("lupa@teduh.test", "Petugas Pelupa", "officer", true)
	h.Staff("kunci@teduh.test", "Petugas Terkunci", "officer", true)
	h.Staff("kepala@teduh.test", "Kepala Bidang", "supervisor", true)

	b := openConsole(t, base)
	b.expectMissingFeatures(h)
	b.expectFailedLoad(base + "/api/collections/staff/auth-with-password") // the wrong passwords are the point
	// signing out closes the live channel; a subscription sent at that moment
	// finds its connection gone (404), which is what signing out means
	b.expectFailedLoad(base + "/api/realtime")

	// six wrong passwords lock the account, and the console says so
	b.open("/staff/")
	b.step("waiting for the sign-in form", chromedp.WaitVisible(chromedp.ID("signin-email")))
	b.typeInto("signin-email", "kunci@teduh.test")
	for i := 0; i < 6; i++ {
		b.clearField("signin-password")
		b.typeInto("signin-password", "salah-sekali-ini")
		b.click("signin-submit")
		b.waitJS("the answer to the wrong password", `!document.getElementById('signin-message').hidden && !document.getElementById('signin-submit').disabled`)
	}
	if msg := b.text("signin-message"); !strings.Contains(msg, "dikunci") || !strings.Contains(msg, "30 menit") {
		t.Errorf("after six wrong passwords the console says %q", msg)
	}

	// the forgotten password
	b.click("forgot-link")
	b.step("waiting for the forgotten-password page", chromedp.WaitVisible(chromedp.ID("forgot-email")))
	b.typeInto("forgot-email", "lupa@teduh.test")
	b.click("forgot-submit")
	b.waitJS("the confirmation", `document.getElementById('forgot-message').textContent.includes('Bila email itu terdaftar')`)
	waitMail(h, 1)
	mail := h.App.TestMailer.LastMessage()
	link := regexp.MustCompile(regexp.QuoteMeta(base) + `/staff/#/atur-ulang-sandi/[A-Za-z0-9._-]+`).FindString(mail.HTML)
	if link == "" {
		t.Fatalf("the reset mail has no console link: %s", mail.HTML)
	}
	b.step("opening the mail's link", chromedp.Navigate(link))
	b.step("waiting for the new-password page", chromedp.WaitVisible(chromedp.ID("reset-password")))
	b.typeInto("reset-password", "pendek")
	b.typeInto("reset-confirm", "pendek")
	b.click("reset-submit")
	if msg := b.text("reset-password-error"); !strings.Contains(msg, "10 karakter") {
		t.Errorf("short password: %q", msg)
	}
	b.clearField("reset-password")
	b.clearField("reset-confirm")
	b.typeInto("reset-password", "sandi-baru-yang-panjang")
	b.typeInto("reset-confirm", "sandi-baru-yang-panjang")
	b.click("reset-submit")
	b.step("waiting for the sign-in form", chromedp.WaitVisible(chromedp.ID("signin-email")))
	if msg := b.text("signin-message"); !strings.Contains(msg, "Kata sandi baru sudah disimpan") {
		t.Errorf("after the reset: %q", msg)
	}
	b.clearField("signin-email")
	b.typeInto("signin-email", "lupa@teduh.test")
	b.typeInto("signin-password", "sandi-baru-yang-panjang")
	b.click("signin-submit")
	b.step("waiting for the queue", chromedp.WaitVisible(chromedp.ID("queue-title")))

	// thirty minutes without a key or a touch (the clock of the last
	// activity is set back, then the tab comes back into view)
	js[bool](b, `(sessionStorage.setItem('teduh.staff.active', String(Date.now() - 31 * 60 * 1000)), document.dispatchEvent(new Event('visibilitychange')), true)`)
	b.step("waiting for the sign-in form", chromedp.WaitVisible(chromedp.ID("signin-email")))
	if msg := b.text("signin-message"); !strings.Contains(msg, "30 menit tanpa aktivitas") {
		t.Errorf("after 30 idle minutes: %q", msg)
	}
	if js[bool](b, `!!sessionStorage.getItem('teduh.staff.session')`) {
		t.Error("the session is still stored after the idle sign-out")
	}

	// two-step sign-in for supervisors
	office, _ := h.App.FindFirstRecordByFilter("office", "id != ''")
	office.Set("mfa_supervisors", true)
	h.App.Settings().SMTP.Enabled = true
	h.App.Settings().SMTP.Host = "127.0.0.1"
	if err := h.App.Save(office); err != nil {
		t.Fatal(err)
	}
	h.App.TestMailer.Reset()
	b.expectFailedLoad(base + "/api/collections/staff/auth-with-password") // the 401 that asks for the code
	b.clearField("signin-email")
	b.typeInto("signin-email", "kepala@teduh.test")
	b.typeInto("signin-password", consolePassword)
	b.click("signin-submit")
	b.step("waiting for the code field", chromedp.WaitVisible(chromedp.ID("signin-code")))
	waitMail(h, 1)
	code := regexp.MustCompile(`<strong>(\d{8})</strong>`).FindStringSubmatch(h.App.TestMailer.LastMessage().HTML)
	if code == nil {
		t.Fatalf("no code in %s", h.App.TestMailer.LastMessage().HTML)
	}
	b.typeInto("signin-code", code[1])
	b.click("signin-code-submit")
	b.step("waiting for the queue", chromedp.WaitVisible(chromedp.ID("queue-title")))
	if who := b.text("whoami"); who != "Kepala Bidang" {
		t.Errorf("signed in as %q", who)
	}
}
