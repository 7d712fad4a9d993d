package pb_hooks_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/mailer"
)

// A complaint whose personal details must never leave the console.
func sensitiveComplaint() map[string]any {
	return with(validComplaint(),
		"reporter_name", "Sumarni Wulandari",
		"reporter_phone", "0813-5555-7777",
		"victim_name", "Rahayu Kusumawati",
		"chronology", "Korban dipukul dengan gagang sapu oleh pamannya di dapur.",
	)
}

var secrets = []string{"Rahayu", "Kusumawati", "Sumarni", "Wulandari", "0813", "5555-7777", "gagang sapu", "pamannya", "dapur"}

// mailFor returns the messages sent to address.
func mailFor(msgs []*mailer.Message, address string) []*mailer.Message {
	var out []*mailer.Message
	for _, m := range msgs {
		for _, to := range m.To {
			if to.Address == address {
				out = append(out, m)
			}
		}
	}
	return out
}

func expectNoSecrets(t *testing.T, where, text string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%s contains %q:\n%s", where, s, text)
		}
	}
}

// The reminder mails as PocketBase's test mailer receives them: one per
// recipient, in Bahasa Indonesia, naming the case by its number with a link
// to it in the console, and nothing about the victim.
func TestReminderMailContent(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	h.App.Settings().Meta.AppURL = "https://teduh.singkawangkota.go.id/"
	tm := newRemTeam(h)
	c := h.verifiedCase(tm, wibAt(2026, 11, 20, 9, 0, 0), wibAt(2026, 11, 21, 9, 0, 0), sensitiveComplaint())
	h.Teduh.Reminders().Wait()
	h.App.TestMailer.Reset()
	n := c.GetString("number")
	link := "https://teduh.singkawangkota.go.id/staff/#/cases/" + c.Id

	rep := h.sweepAt(wibAt(2026, 11, 30, 8, 0, 0)) // due 28 November 09:00: overdue two days
	if rep.Mail.Sent != 3 || rep.Mail.Failed != 0 {
		t.Fatalf("mail report %+v", rep.Mail)
	}
	msgs := h.App.TestMailer.Messages()

	officer := mailFor(msgs, "petugas@teduh.test")
	if len(officer) != 1 {
		t.Fatalf("officer got %d mails", len(officer))
	}
	m := officer[0]
	if m.Subject != "[Teduh] Kasus melewati batas waktu layanan: "+n {
		t.Errorf("subject %q", m.Subject)
	}
	if m.To[0].Name != "Petugas Satu" {
		t.Errorf("recipient name %q", m.To[0].Name)
	}
	for _, body := range []string{m.HTML, m.Text} {
		for _, want := range []string{
			n, link,
			"Kasus " + n + " melewati batas waktu layanan sejak 28 November 2026 pukul 09.00 WIB (terlambat 2 hari) dan belum selesai.",
			"Pengingat ini dikirim sekali sehari sampai kasus selesai.",
			"tidak memuat nama atau rincian kasus",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("officer's mail lacks %q:\n%s", want, body)
			}
		}
		expectNoSecrets(t, "officer's mail", body)
	}
	if !strings.Contains(m.HTML, `href="`+link+`"`) {
		t.Errorf("no link to the case in the HTML:\n%s", m.HTML)
	}

	for _, sup := range []string{"kepala@teduh.test", "kepala2@teduh.test"} {
		got := mailFor(msgs, sup)
		if len(got) != 1 || got[0].Subject != "[Teduh] Eskalasi: kasus melewati batas waktu layanan: "+n ||
			!strings.Contains(got[0].Text, "Eskalasi: kasus "+n+" melewati batas waktu layanan sejak 28 November 2026 pukul 09.00 WIB") {
			t.Fatalf("supervisor %s mails: %d %+v", sup, len(got), got)
		}
		expectNoSecrets(t, "escalation", got[0].HTML+got[0].Text)
	}
	for _, nobody := range []string{"petugas2@teduh.test", "mantan@teduh.test"} {
		if got := mailFor(msgs, nobody); len(got) != 0 {
			t.Errorf("%s got %d mails", nobody, len(got))
		}
	}

	// the notification records say the mail went out
	rec, err := h.App.FindFirstRecordByData("notifications", "key", "sla_overdue:"+c.Id+":2026-11-30")
	if err != nil {
		t.Fatal(err)
	}
	if rec.GetString("email_status") != "sent" || rec.GetInt("email_attempts") != 1 ||
		!rec.GetDateTime("emailed_at").Time().Equal(wibAt(2026, 11, 30, 8, 0, 0)) {
		t.Fatalf("mail state: %s %d %v", rec.GetString("email_status"), rec.GetInt("email_attempts"), rec.GetDateTime("emailed_at"))
	}
}

// A new emergency online complaint reaches every active officer and
// supervisor by mail at once, and says so in the subject and the body.
func TestNewComplaintAlertMail(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 26, 21, 5, 0))
	newRemTeam(h)
	c := h.submit(with(sensitiveComplaint(), "immediate_danger", true))
	h.Teduh.Reminders().Wait()
	n := c.GetString("number")

	msgs := h.App.TestMailer.Messages()
	if len(msgs) != 4 {
		t.Fatalf("%d alert mails, want 4 (two officers, two supervisors)", len(msgs))
	}
	for _, who := range []string{"petugas@teduh.test", "petugas2@teduh.test", "kepala@teduh.test", "kepala2@teduh.test"} {
		got := mailFor(msgs, who)
		if len(got) != 1 {
			t.Fatalf("%s got %d alerts", who, len(got))
		}
		m := got[0]
		if m.Subject != "[Teduh] DARURAT: pengaduan online baru: "+n {
			t.Errorf("subject %q", m.Subject)
		}
		for _, want := range []string{"DARURAT: kasus ini harus ditanggapi segera.",
			"DARURAT: pengaduan online baru " + n + " perlu ditangani segera. Tanggapan pertama paling lambat 26 November 2026 pukul 22.05 WIB.",
			"/staff/#/cases/" + c.Id} {
			if !strings.Contains(m.HTML, want) {
				t.Errorf("alert lacks %q:\n%s", want, m.HTML)
			}
		}
		expectNoSecrets(t, "alert", m.HTML+m.Text)
	}
	if got := mailFor(msgs, "mantan@teduh.test"); len(got) != 0 {
		t.Fatal("inactive officer alerted")
	}

	// a walk-in complaint is registered by the officer handling it: no alert
	h.App.TestMailer.Reset()
	_, token := h.Staff("loket@teduh.test", "Petugas Loket", "officer", true)
	res := h.Do("POST", "/api/collections/complaints/records", with(validComplaint(), "channel", "walk_in"), token)
	if res.Status != 200 {
		t.Fatalf("walk-in: %d %s", res.Status, res)
	}
	h.Teduh.Reminders().Wait()
	if n := h.App.TestMailer.TotalSend(); n != 0 {
		t.Fatalf("walk-in complaint sent %d alerts", n)
	}
}

// Every mail template renders in Bahasa Indonesia with the number and the
// link: checked through the kinds a sweep produces.
func TestEveryReminderKindHasAMail(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	tm := newRemTeam(h)
	// due soon, due today, overdue + escalation on three cases; missed first
	// response and new complaint on a fourth; a referral on the first
	a := h.verifiedCase(tm, wibAt(2026, 11, 20, 9, 0, 0), wibAt(2026, 11, 21, 9, 0, 0), validComplaint()) // due 28 Nov 09:00
	b := h.verifiedCase(tm, wibAt(2026, 11, 20, 9, 0, 0), wibAt(2026, 11, 22, 9, 0, 0), validComplaint()) // due 29 Nov
	d := h.verifiedCase(tm, wibAt(2026, 11, 20, 9, 0, 0), wibAt(2026, 11, 24, 9, 0, 0), validComplaint()) // due 1 Dec
	h.SetNow(wibAt(2026, 11, 29, 7, 0, 0))
	e := h.submit(validComplaint())
	ensureReferrals(h)
	h.addReferral("refmailtest0001", a.Id, "sent", wibAt(2026, 11, 25, 9, 0, 0), time.Time{})
	h.Teduh.Reminders().Wait()
	h.App.TestMailer.Reset()

	h.sweepAt(wibAt(2026, 11, 29, 8, 0, 0)) // e's first response is due 30 Nov 07:00: not missed yet
	h.sweepAt(wibAt(2026, 11, 30, 7, 30, 0))
	kinds := map[string]string{
		"Kasus melewati batas waktu layanan: " + a.GetString("number"):           "sejak 28 November 2026 pukul 09.00 WIB",
		"Eskalasi: kasus melewati batas waktu layanan: " + a.GetString("number"): "Periksa penanganannya bersama petugas.",
		"Rujukan belum dijawab: " + a.GetString("number"):                        "belum dijawab lembaga tujuan setelah 4 hari",
		"Batas waktu layanan hari ini: " + b.GetString("number"):                 "Hari ini batas waktu layanan kasus",
		"Batas waktu layanan segera tiba: " + d.GetString("number"):              "jatuh pada 1 Desember 2026 pukul 09.00 WIB (2 hari lagi)",
		"Tanggapan pertama terlambat: " + e.GetString("number"):                  "belum dicatat, padahal batasnya 30 November 2026 pukul 07.00 WIB",
	}
	msgs := h.App.TestMailer.Messages()
	for subject, phrase := range kinds {
		found := false
		for _, m := range msgs {
			if m.Subject == "[Teduh] "+subject {
				found = true
				if !strings.Contains(m.HTML, phrase) || !strings.Contains(m.Text, phrase) || !strings.Contains(m.HTML, "Buka kasus") {
					t.Errorf("%q lacks %q:\n%s", subject, phrase, m.HTML)
				}
			}
		}
		if !found {
			var got []string
			for _, m := range msgs {
				got = append(got, m.Subject)
			}
			t.Errorf("no mail %q; sent: %q", subject, got)
		}
	}
}

// A normal new online complaint is in every console at once; its mail waits
// for the sweep, which sends each person one mail for the complaints that
// arrived since the last one.
func TestNormalComplaintAlertIsMailedByTheSweep(t *testing.T) {
	now := wibAt(2026, 11, 26, 10, 0, 0)
	h := newHarness(t, now)
	newRemTeam(h)
	c := h.submit(validComplaint())
	h.Teduh.Reminders().Wait()
	var stored int
	if err := h.App.DB().Select("COUNT(*)").From("notifications").
		Where(dbx.HashExp{"complaint": c.Id, "kind": "new_complaint", "email_status": "pending"}).Row(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != 4 || h.App.TestMailer.TotalSend() != 0 {
		t.Fatalf("%d notifications stored, %d mails sent before the sweep; want 4 and 0", stored, h.App.TestMailer.TotalSend())
	}
	rep := h.sweepAt(now.Add(5 * time.Minute))
	if rep.Mail.Sent != 4 {
		t.Fatalf("sweep mail %+v", rep.Mail)
	}
	got := mailFor(h.App.TestMailer.Messages(), "kepala@teduh.test")
	if len(got) != 1 || got[0].Subject != "[Teduh] Pengaduan online baru: "+c.GetString("number") {
		t.Fatalf("supervisor mails %+v", got)
	}
}
