package pb_hooks_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The supervisor opens "Kesehatan sistem" on a small phone (360 and 390 px
// wide) while the mail server refuses mail: the page says what needs
// attention, lists the mails not sent (one given up, the others to be
// tried again) by case number, and nothing overflows the screen. An officer
// has no such menu entry, and the address leads back to the queue.
func TestConsoleSystemHealthOnAPhone(t *testing.T) {
	h, base := consoleServer(t)
	h.Staff("kepala@teduh.test", "Bu Kepala", "supervisor", true)
	h.Staff("petugas@teduh.test", "Pak Petugas", "officer", true)
	c := h.submit(validComplaint())
	h.Teduh.Reminders().Wait()
	in, _, port := startSMTP(t)
	useSMTP(h, port)
	in.setRefuse(true)
	now := h.Now()
	if rep := h.sweepAt(now); rep.Mail.Failed != 2 {
		t.Fatalf("sweep: %+v", rep.Mail)
	}
	// one of the two alerts is three days old: its next failure is its last
	var first string
	if err := h.App.DB().Select("id").From("notifications").OrderBy("id").Limit(1).Row(&first); err != nil {
		t.Fatal(err)
	}
	if _, err := h.App.DB().Update("notifications", dbx.Params{
		"created": now.Add(-72 * time.Hour).UTC().Format(types.DefaultDateLayout), "email_lease_until": "",
	}, dbx.HashExp{"id": first}).Execute(); err != nil {
		t.Fatal(err)
	}
	if rep := h.sweepAt(now); rep.Mail.GaveUp != 1 {
		t.Fatalf("second sweep: %+v", rep.Mail)
	}
	number := c.GetString("number")

	b := openConsole(t, base)
	b.expectMissingFeatures(h)
	for _, width := range []int{360, 390} {
		b.step(fmt.Sprintf("a %d px phone", width), chromedp.EmulateViewport(int64(width), 780, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
		b.consoleSignIn("kepala@teduh.test")
		if !b.visible("nav-health") {
			t.Fatal("no Kesehatan sistem entry for the supervisor")
		}
		b.click("nav-health")
		b.step("waiting for the health report", chromedp.WaitVisible(chromedp.ID("health-mail")))
		b.waitJS("the report is complete", `document.querySelectorAll('#health-body > section.card').length === 7`)

		summary := b.text("health-summary")
		if !strings.Contains(summary, "perlu perhatian") {
			t.Errorf("summary %q", summary)
		}
		mail := b.text("health-mail")
		for _, want := range []string{"Perlu perhatian", "Aktif (127.0.0.1)", "teduh@dinsos.singkawangkota.go.id", "Belum pernah",
			"E-mail yang belum terkirim", number, "Dihentikan setelah percobaan terakhir", "Gagal, akan dicoba lagi", "554", "Pak Petugas"} {
			if !strings.Contains(mail, want) {
				t.Errorf("the mail part lacks %q:\n%s", want, mail)
			}
		}
		if n := js[int](b, `document.querySelectorAll('#health-unsent > li').length`); n != 2 {
			t.Errorf("%d unsent mails listed, want 2", n)
		}
		if href := js[string](b, `document.querySelector('#health-unsent a').getAttribute('href')`); href != "#/kasus/"+c.Id {
			t.Errorf("the unsent mail links to %q", href)
		}
		if u := b.text("health-url"); !strings.Contains(u, "https://teduh.singkawangkota.go.id") || !strings.Contains(u, "Baik") {
			t.Errorf("app URL part %q", u)
		}
		if s := b.text("health-sweep"); !strings.Contains(s, "Berhasil") || !strings.Contains(s, "Setiap 5 menit") {
			t.Errorf("sweep part %q", s)
		}
		if bk := b.text("health-backup"); !strings.Contains(bk, "Belum ada cadangan") || !strings.Contains(bk, "Setiap hari pukul 02.00 WIB") {
			t.Errorf("backup part %q", bk)
		}
		if d := b.text("health-disk"); !strings.Contains(d, "GB dari") {
			t.Errorf("disk part %q", d)
		}
		if a := b.text("health-audit"); !strings.Contains(a, "Jumlah catatan") || !strings.Contains(a, "Baik") {
			t.Errorf("audit part %q", a)
		}
		if over := js[int](b, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
			t.Errorf("%d px wide screen: the page is %d px wider than the screen", width, over)
		}
		wide := js[[]string](b, `[...document.querySelectorAll('#view-health *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5).map((e) => e.tagName + '#' + e.id + '.' + e.className)`)
		if len(wide) > 0 {
			t.Errorf("%d px: elements past the right edge: %v", width, wide)
		}
		clipped := js[[]string](b, `[...document.querySelectorAll('#view-health .card, #view-health .card *')].filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'auto').map((e) => e.tagName + '#' + e.id + ': ' + e.textContent.slice(0, 40))`)
		if len(clipped) > 0 {
			t.Errorf("%d px: text wider than its box: %v", width, clipped)
		}
		b.checkA11y(fmt.Sprintf("health at %d px", width))
		b.screenshot(fmt.Sprintf("console-health-%d", width))
		b.consoleSignOut()
		if n := js[int](b, `document.getElementById('health-body').childElementCount`); n != 0 {
			t.Errorf("the report stays in the page after signing out (%d parts)", n)
		}
	}

	b.consoleSignIn("petugas@teduh.test")
	if b.visible("nav-health") {
		t.Error("an officer sees the Kesehatan sistem entry")
	}
	b.goHash("#/kesehatan")
	b.waitJS("back at the queue", `location.hash === '#/antrean' && !document.getElementById('view-queue').hidden`)
	if b.visible("view-health") {
		t.Error("an officer sees the health view")
	}
}
