package pb_hooks_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/mailer"
)

// A real SMTP server on 127.0.0.1, started by the test, receiving what
// Teduh sends through PocketBase's SMTP client.

type smtpInbox struct {
	mu     sync.Mutex
	refuse bool // refuse every message at DATA
	msgs   []smtpMessage
	tries  int
}

type smtpMessage struct {
	From string
	To   []string
	Data []byte
}

func (in *smtpInbox) setRefuse(v bool) {
	in.mu.Lock()
	in.refuse = v
	in.mu.Unlock()
}

func (in *smtpInbox) messages() []smtpMessage {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]smtpMessage(nil), in.msgs...)
}

type smtpSession struct {
	in   *smtpInbox
	from string
	to   []string
}

func (s *smtpSession) Reset()        { s.from, s.to = "", nil }
func (s *smtpSession) Logout() error { return nil }
func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.in.mu.Lock()
	defer s.in.mu.Unlock()
	s.in.tries++
	if s.in.refuse {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 3, 0}, Message: "mailbox temporarily closed"}
	}
	s.in.msgs = append(s.in.msgs, smtpMessage{From: s.from, To: s.to, Data: data})
	return nil
}

// startSMTP serves an SMTP server on a random local port until the test ends.
func startSMTP(t *testing.T) (*smtpInbox, *smtp.Server, int) {
	t.Helper()
	in := &smtpInbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &smtpSession{in: in}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return in, srv, l.Addr().(*net.TCPAddr).Port
}

// useSMTP points the app's mail settings at 127.0.0.1:port. The test app
// diverts every mail to its TestMailer; this hook runs right after that
// one and puts an SMTP client built from the settings back.
func useSMTP(h *harness, port int) {
	s := h.App.Settings()
	s.SMTP.Enabled = true
	s.SMTP.Host = "127.0.0.1"
	s.SMTP.Port = port
	s.SMTP.TLS = false
	s.Meta.SenderAddress = "teduh@dinsos.singkawangkota.go.id"
	s.Meta.SenderName = "Teduh Dinsos Singkawang"
	s.Meta.AppURL = "https://teduh.singkawangkota.go.id"
	h.App.OnMailerSend().Bind(&hook.Handler[*core.MailerEvent]{
		Id: "teduh-test-real-smtp",
		Func: func(e *core.MailerEvent) error {
			cfg := e.App.Settings().SMTP
			e.Mailer = &mailer.SMTPClient{Host: cfg.Host, Port: cfg.Port, TLS: cfg.TLS, Username: cfg.Username, Password: cfg.Password}
			return e.Next()
		},
		Priority: -99998,
	})
}

type parsedMail struct {
	Subject, To, From string
	Text, HTML        string
}

// parseMail decodes a received message: headers (RFC 2047) and the text and
// HTML parts (quoted-printable or base64).
func parseMail(t *testing.T, raw []byte) parsedMail {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	var p parsedMail
	p.Subject, _ = dec.DecodeHeader(msg.Header.Get("Subject"))
	p.To, _ = dec.DecodeHeader(msg.Header.Get("To"))
	p.From, _ = dec.DecodeHeader(msg.Header.Get("From"))
	var walk func(ct string, enc string, body io.Reader)
	walk = func(ct string, enc string, body io.Reader) {
		media, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatalf("content type %q: %v", ct, err)
		}
		if strings.HasPrefix(media, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				part, err := mr.NextPart() // decodes quoted-printable itself
				if errors.Is(err, io.EOF) {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part)
			}
		}
		if strings.EqualFold(enc, "base64") {
			body = base64.NewDecoder(base64.StdEncoding, body)
		}
		data, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		switch media {
		case "text/plain":
			p.Text += string(data)
		case "text/html":
			p.HTML += string(data)
		}
	}
	walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	return p
}

// The reminder as a mail server receives it: envelope, headers and a body in
// Bahasa Indonesia with the case number and the link, nothing about the victim.
func TestReminderMailOnRealSMTPServer(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	tm := newRemTeam(h)
	c := h.verifiedCase(tm, wibAt(2026, 11, 20, 9, 0, 0), wibAt(2026, 11, 21, 9, 0, 0), sensitiveComplaint())
	h.Teduh.Reminders().Wait()
	in, _, port := startSMTP(t)
	useSMTP(h, port)
	n := c.GetString("number")

	rep := h.sweepAt(wibAt(2026, 11, 26, 8, 0, 0)) // due 28 November: two days before
	if rep.Mail.Sent != 1 || rep.Mail.Failed != 0 {
		t.Fatalf("mail report %+v", rep.Mail)
	}
	got := in.messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages", len(got))
	}
	m := got[0]
	if m.From != "teduh@dinsos.singkawangkota.go.id" || len(m.To) != 1 || m.To[0] != "petugas@teduh.test" {
		t.Fatalf("envelope from %q to %q", m.From, m.To)
	}
	p := parseMail(t, m.Data)
	if p.Subject != "[Teduh] Batas waktu layanan segera tiba: "+n {
		t.Errorf("subject %q", p.Subject)
	}
	if !strings.Contains(p.To, "petugas@teduh.test") || !strings.Contains(p.To, "Petugas Satu") || !strings.Contains(p.From, "teduh@dinsos.singkawangkota.go.id") {
		t.Errorf("headers To %q From %q", p.To, p.From)
	}
	link := "https://teduh.singkawangkota.go.id/staff/#/cases/" + c.Id
	for name, body := range map[string]string{"text": p.Text, "html": p.HTML} {
		for _, want := range []string{
			"Batas waktu layanan kasus " + n + " jatuh pada 28 November 2026 pukul 09.00 WIB (2 hari lagi).",
			"Periksa langkah yang belum selesai",
			link,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("%s part lacks %q:\n%s", name, want, body)
			}
		}
		expectNoSecrets(t, name+" part", body)
	}
	expectNoSecrets(t, "raw message", string(m.Data))
}

// A mail server that refuses the message: the notification is stored all
// the same with its mail failed; the next sweep sends it, once.
func TestFailedMailIsRetriedAtTheNextSweep(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	tm := newRemTeam(h)
	c := h.verifiedCase(tm, wibAt(2026, 11, 20, 9, 0, 0), wibAt(2026, 11, 21, 9, 0, 0), validComplaint())
	h.Teduh.Reminders().Wait()
	in, _, port := startSMTP(t)
	useSMTP(h, port)

	in.setRefuse(true)
	now := wibAt(2026, 11, 29, 8, 0, 0) // overdue: officer + two supervisors
	rep := h.sweepAt(now)
	if len(rep.Created) != 3 || rep.Mail.Failed != 3 || rep.Mail.Sent != 0 {
		t.Fatalf("refused: created %d, mail %+v", len(rep.Created), rep.Mail)
	}
	recs, err := h.App.FindAllRecords("notifications")
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, r := range recs {
		if r.GetString("complaint") != c.Id || r.GetString("kind") == "new_complaint" {
			continue
		}
		failed++
		if r.GetString("email_status") != "failed" || r.GetInt("email_attempts") != 1 || !strings.Contains(r.GetString("email_error"), "554") {
			t.Fatalf("after refusal: %s %d %q", r.GetString("email_status"), r.GetInt("email_attempts"), r.GetString("email_error"))
		}
	}
	if failed != 3 || len(in.messages()) != 0 {
		t.Fatalf("%d failed notifications, %d mails accepted", failed, len(in.messages()))
	}

	in.setRefuse(false)
	rep = h.sweepAt(now.Add(5 * time.Minute))
	if len(rep.Created) != 0 || rep.Mail.Sent != 3 {
		t.Fatalf("retry: created %d, mail %+v", len(rep.Created), rep.Mail)
	}
	rep = h.sweepAt(now.Add(10 * time.Minute))
	if rep.Mail.Sent != 0 {
		t.Fatalf("third sweep sent %d", rep.Mail.Sent)
	}
	got := in.messages()
	to := map[string]int{}
	for _, m := range got {
		to[m.To[0]]++
	}
	if len(got) != 3 || to["petugas@teduh.test"] != 1 || to["kepala@teduh.test"] != 1 || to["kepala2@teduh.test"] != 1 {
		t.Fatalf("delivered %v", to)
	}
	r, err := h.App.FindFirstRecordByData("notifications", "key", "sla_escalation:"+c.Id)
	if err != nil {
		t.Fatal(err)
	}
	if r.GetString("email_status") != "sent" || r.GetInt("email_attempts") != 2 || r.GetString("email_error") != "" {
		t.Fatalf("after retry: %s %d %q", r.GetString("email_status"), r.GetInt("email_attempts"), r.GetString("email_error"))
	}
}

// A mail server that cannot be reached: the sweep stores the notifications,
// gives up on mail after the first connection error (the rest stay pending,
// untouched) and the first sweep after the server is back sends them all.
func TestUnreachableMailServerDoesNotLoseMail(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	tm := newRemTeam(h)
	h.verifiedCase(tm, wibAt(2026, 11, 20, 9, 0, 0), wibAt(2026, 11, 21, 9, 0, 0), validComplaint())
	h.Teduh.Reminders().Wait()

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadPort := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens here now
	useSMTP(h, deadPort)

	now := wibAt(2026, 11, 29, 8, 0, 0)
	rep := h.sweepAt(now)
	if len(rep.Created) != 3 || rep.Mail.Failed != 1 || rep.Mail.Sent != 0 {
		t.Fatalf("server down: created %d, mail %+v", len(rep.Created), rep.Mail)
	}
	var untouched int
	if err := h.App.DB().Select("COUNT(*)").From("notifications").
		Where(dbx.HashExp{"email_status": "pending", "email_attempts": 0}).Row(&untouched); err != nil {
		t.Fatal(err)
	}
	if untouched != 2 {
		t.Fatalf("%d mails left pending untried, want 2", untouched)
	}

	in, _, port := startSMTP(t)
	h.App.Settings().SMTP.Port = port
	rep = h.sweepAt(now.Add(5 * time.Minute))
	if rep.Mail.Sent != 3 || len(in.messages()) != 3 {
		t.Fatalf("server back: mail %+v, received %d", rep.Mail, len(in.messages()))
	}
}

// A burst of online complaints reaches each person on duty as one mail
// listing them, not one mail per complaint: the mail that was refused while
// they arrived goes out at the next sweep as a digest, once.
func TestNewComplaintBurstIsOneMailPerPerson(t *testing.T) {
	now := wibAt(2026, 11, 20, 9, 0, 0)
	h := newHarness(t, now)
	tm := newRemTeam(h)
	in, _, port := startSMTP(t)
	useSMTP(h, port)

	in.setRefuse(true)
	var numbers []string
	for range 5 {
		c := h.submit(validComplaint())
		numbers = append(numbers, c.GetString("number"))
	}
	h.Teduh.Reminders().Wait()
	if n := len(in.messages()); n != 0 {
		t.Fatalf("%d mails accepted while refused", n)
	}

	in.setRefuse(false)
	rep := h.sweepAt(now.Add(5 * time.Minute))
	// four people on duty, five alerts each: four mails carry twenty
	if rep.Mail.Sent != 20 || rep.Mail.Failed != 0 {
		t.Fatalf("mail %+v", rep.Mail)
	}
	msgs := in.messages()
	if len(msgs) != 4 {
		t.Fatalf("%d mails, want one per person on duty (4)", len(msgs))
	}
	seen := map[string]bool{}
	for _, m := range msgs {
		p := parseMail(t, m.Data)
		seen[p.To] = true
		if p.Subject != "[Teduh] 5 pengaduan online baru" {
			t.Errorf("subject %q", p.Subject)
		}
		for name, body := range map[string]string{"text": p.Text, "html": p.HTML} {
			for _, n := range numbers {
				if !strings.Contains(body, n) {
					t.Errorf("%s part lacks %s:\n%s", name, n, body)
				}
			}
			if !strings.Contains(body, "belum ditangani petugas") || !strings.Contains(body, "/staff/#/cases/") {
				t.Errorf("%s part lacks the advice or the links:\n%s", name, body)
			}
			expectNoSecrets(t, name+" part", body)
		}
	}
	for _, who := range []*core.Record{tm.officer, tm.officer2, tm.supervisor, tm.supervisor2} {
		if !strings.Contains(strings.Join(slices.Collect(maps.Keys(seen)), " "), who.GetString("email")) {
			t.Errorf("no mail for %s", who.GetString("email"))
		}
	}
	// every notification is marked sent; nothing goes out twice
	var pending int
	if err := h.App.DB().Select("COUNT(*)").From("notifications").Where(dbx.NewExp("email_status != 'sent'")).Row(&pending); err != nil {
		t.Fatal(err)
	}
	if pending != 0 {
		t.Errorf("%d notifications not marked sent", pending)
	}
	h.sweepAt(now.Add(10 * time.Minute))
	if n := len(in.messages()); n != 4 {
		t.Errorf("%d mails after a second sweep", n)
	}
}
