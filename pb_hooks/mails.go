package pb_hooks

// Mail for notifications: the outbox is the notifications collection itself.
// A notification's mail is pending until it is sent; a failed mail is logged
// and tried again after a growing pause (5 minutes, 15 minutes, 1 hour, 3
// hours…; reminders.MailRetry), and after eight attempts or two days it is
// marked gave_up, which no sweep picks again and the system health page
// lists. The notification record is stored first and never depends on the
// mail.
//
// Mails name the case by its number and say what is due, with a link to the
// case in the staff console. They never carry the victim's name or any
// detail of the case: mailboxes are read on shared computers and phones.

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html"
	"html/template"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"
	"github.com/pocketbase/pocketbase/tools/types"

	"teduh/internal/reminders"
)

//go:embed mail_templates/*.html
var mailTemplateFS embed.FS

// mailTemplates holds, per notification kind, the layout plus the kind's
// advice (what the reader should do).
var mailTemplates = func() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, k := range reminders.Kinds {
		out[string(k)] = template.Must(template.New("layout.html").ParseFS(mailTemplateFS,
			"mail_templates/layout.html", "mail_templates/"+string(k)+".html"))
	}
	return out
}()

const (
	// mailBatch is the most mails one sweep sends; the rest wait for the next.
	mailBatch = 100
	// mailLease is how long a sweep holds a mail it is sending.
	mailLease = 10 * time.Minute
	// mailTimeout bounds one delivery, so a hung mail server cannot hold up
	// the sweep (and, through the singleton job, every later sweep).
	mailTimeout = 30 * time.Second
)

// MailReport says what a sweep did with the outbox. GaveUp counts the
// failures among Failed that were their mail's last attempt.
type MailReport struct {
	Sent, Failed, Skipped, GaveUp int
	Errors                        []string
}

type outboxRow struct {
	ID        string         `db:"id"`
	Recipient string         `db:"recipient"`
	Complaint string         `db:"complaint"`
	Service   string         `db:"service"`
	CaseID    string         `db:"case_id"`
	Kind      string         `db:"kind"`
	Message   string         `db:"message"`
	Created   types.DateTime `db:"created"`
	// Attempts is the attempt being made, once the mail is claimed
	Attempts int `db:"email_attempts"`
}

// SendMails sends the mail of every notification still pending or failed,
// oldest first. A mail is claimed (lease) before it is sent, so overlapping
// sweeps — goroutines or processes — never send the same mail twice.
func (s *ReminderService) SendMails(now time.Time) MailReport {
	return s.sendMails(now, true)
}

// sendMails is SendMails; without alerts, the mails of new normal (not
// emergency) online complaints wait for the sweep, which sends each person
// one mail listing those that arrived since the last one. Their in-app
// notifications are there at once; their first response is due within a
// day, and a mail per complaint would flood the mailboxes in a busy hour.
func (s *ReminderService) sendMails(now time.Time, withAlerts bool) MailReport {
	var rep MailReport
	var rows []outboxRow
	err := s.outboxQuery(now, withAlerts).All(&rows)
	if err != nil {
		rep.Errors = append(rep.Errors, err.Error())
		s.logger().Error("mail outbox not readable", "error", err)
		return rep
	}
	if len(rows) == 0 {
		return rep
	}
	office, err := s.t.Office(s.app)
	if err != nil {
		rep.Errors = append(rep.Errors, err.Error())
		return rep
	}
	c := &mailComposer{s: s, office: office, staff: map[string]*staffRow{}, numbers: map[string]string{}}
	// a burst of online complaints becomes one mail per person listing
	// them, instead of one mail per complaint and person
	alerts := map[string][]outboxRow{}
	for _, row := range rows {
		if row.Kind == string(reminders.KindNewComplaint) {
			alerts[row.Recipient] = append(alerts[row.Recipient], row)
		}
	}
	digested := map[string]bool{}
	for _, row := range rows {
		if group := alerts[row.Recipient]; row.Kind == string(reminders.KindNewComplaint) && len(group) >= digestMin {
			if digested[row.Recipient] {
				continue
			}
			digested[row.Recipient] = true
			if !s.sendDigest(c, group, now, &rep) {
				break // the server is down: the rest wait for the next sweep
			}
			continue
		}
		claimed, err := s.claimMail(&row, now)
		if err != nil {
			s.logger().Error("mail claim", "notification", row.ID, "error", err)
			continue
		}
		if !claimed {
			continue // another sweep has it
		}
		if !s.sendOne(c, row, now, &rep) {
			break // the server is down: the rest wait for the next sweep
		}
	}
	return rep
}

// digestMin is how many new-complaint alerts waiting for one person are
// sent together as one mail.
const digestMin = 2

// sendOne sends the mail of one claimed notification; false means the mail
// server cannot be reached.
func (s *ReminderService) sendOne(c *mailComposer, row outboxRow, now time.Time, rep *MailReport) bool {
	msg, skip, err := c.compose(row)
	return s.dispatch(msg, skip, err, []outboxRow{row}, now, rep)
}

// dispatch sends a composed mail for its notifications, or records on them
// why it is not sent (it could not be composed, or its recipient can no
// longer receive mail); false means the mail server cannot be reached.
func (s *ReminderService) dispatch(msg *mailer.Message, skip bool, err error, rows []outboxRow, now time.Time, rep *MailReport) bool {
	switch {
	case err != nil:
		rep.GaveUp += s.finishAll(rows, now, "failed", err)
		rep.Failed += len(rows)
		rep.Errors = append(rep.Errors, err.Error())
		return true
	case skip:
		s.finishAll(rows, now, "skipped", nil)
		rep.Skipped += len(rows)
		return true
	}
	if err := sendWithin(s.app.NewMailClient(), msg, mailTimeout); err != nil {
		gaveUp := s.finishAll(rows, now, "failed", err)
		rep.Failed += len(rows)
		rep.GaveUp += gaveUp
		rep.Errors = append(rep.Errors, fmt.Sprintf("%s → %s: %v", msg.Subject, msg.To[0].Address, err))
		if gaveUp > 0 {
			s.logger().Error("notification mail given up after its last attempt", "notification", rows[0].ID, "count", len(rows), "gave_up", gaveUp,
				"attempts", rows[0].Attempts, "to", msg.To[0].Address, "error", err)
		} else {
			s.logger().Warn("notification mail failed; retried later", "notification", rows[0].ID, "count", len(rows), "attempts", rows[0].Attempts,
				"to", msg.To[0].Address, "error", err)
		}
		return !unreachable(err)
	}
	s.finishAll(rows, now, "sent", nil)
	rep.Sent += len(rows)
	return true
}

// finishAll records one outcome on every notification a mail was for; it
// answers how many of the failures were given up.
func (s *ReminderService) finishAll(rows []outboxRow, now time.Time, status string, sendErr error) (gaveUp int) {
	for _, row := range rows {
		if s.finishMail(row, now, status, sendErr) == "gave_up" {
			gaveUp++
		}
	}
	return gaveUp
}

// sendDigest claims a person's waiting new-complaint alerts and sends them
// as one mail; false means the mail server cannot be reached.
func (s *ReminderService) sendDigest(c *mailComposer, group []outboxRow, now time.Time, rep *MailReport) bool {
	var claimed []outboxRow
	for _, row := range group {
		ok, err := s.claimMail(&row, now)
		if err != nil {
			s.logger().Error("mail claim", "notification", row.ID, "error", err)
			continue
		}
		if ok {
			claimed = append(claimed, row)
		}
	}
	if len(claimed) < digestMin {
		for _, row := range claimed {
			if !s.sendOne(c, row, now, rep) {
				return false
			}
		}
		return true
	}
	msg, skip, err := c.composeDigest(claimed)
	return s.dispatch(msg, skip, err, claimed, now, rep)
}

// claimMail takes the lease on one mail and counts the attempt on row;
// false means somebody else holds it, it has been sent meanwhile, or its
// pause after a failure has not ended.
func (s *ReminderService) claimMail(row *outboxRow, now time.Time) (bool, error) {
	// one statement, RETURNING the count (dbx's builder has no RETURNING):
	// the attempt number is exact even when sweeps overlap
	var attempts []int
	err := s.app.NonconcurrentDB().NewQuery(`UPDATE notifications
		SET email_lease_until = {:lease}, email_attempts = email_attempts + 1
		WHERE id = {:id} AND email_status IN ('pending', 'failed') AND email_lease_until <= {:now}
		RETURNING email_attempts`).
		Bind(dbx.Params{"lease": dbTime(now.Add(mailLease)), "id": row.ID, "now": dbTime(now)}).Column(&attempts)
	if err != nil || len(attempts) != 1 {
		return false, err
	}
	row.Attempts = attempts[0]
	return true, nil
}

// finishMail records the outcome of a claimed mail's attempt and answers
// the status stored. A failure is retried after a pause (the lease then
// holds the mail until the pause is over) or, at its last attempt, gave_up.
func (s *ReminderService) finishMail(row outboxRow, now time.Time, status string, sendErr error) string {
	cols := dbx.Params{"email_status": status, "email_lease_until": "", "updated": dbTime(now)}
	switch status {
	case "sent":
		cols["emailed_at"] = dbTime(now)
		cols["email_error"] = ""
	case "failed":
		msg := sendErr.Error()
		if len(msg) > 1000 {
			msg = msg[:1000]
		}
		cols["email_error"] = msg
		wait, giveUp := reminders.MailRetry(row.Attempts, now.Sub(row.Created.Time()))
		if giveUp {
			status = "gave_up"
			cols["email_status"] = status
		} else {
			cols["email_lease_until"] = dbTime(now.Add(wait))
		}
	}
	if _, err := s.app.NonconcurrentDB().Update("notifications", cols, dbx.HashExp{"id": row.ID}).Execute(); err != nil {
		s.logger().Error("mail state not saved", "notification", row.ID, "status", status, "error", err)
	}
	return status
}

// mailData is everything a mail template may show. There is no field for
// the victim or the case's content, on purpose.
type mailData struct {
	AppName, Office, Title, Number, Message, Link string
	Emergency                                     bool
}

// mailComposer builds the mails of one sweep, reading each recipient and
// case number once.
type mailComposer struct {
	s       *ReminderService
	office  *Office
	staff   map[string]*staffRow // nil value: inactive or gone
	numbers map[string]string
}

// compose builds the mail of one notification; skip is true when the
// recipient can no longer receive it (deactivated, no address).
func (c *mailComposer) compose(row outboxRow) (*mailer.Message, bool, error) {
	s := c.s
	to := c.recipient(row.Recipient)
	if to == nil || to.Email == "" {
		return nil, true, nil
	}
	settings := s.app.Settings()
	number, err := c.number(row.Complaint)
	link := CaseLink(settings.Meta.AppURL, row.Complaint)
	if row.Service != "" {
		number, err = c.serviceNumber(row.Service, row.CaseID)
		link = ServiceCaseLink(settings.Meta.AppURL, row.Service, row.CaseID)
	}
	if err != nil {
		return nil, false, err
	}
	appName := mailAppName(settings)
	kind := reminders.Kind(row.Kind)
	data := mailData{
		AppName: appName, Office: c.office.Name, Title: kind.Title(), Number: number, Message: row.Message,
		Link:      link,
		Emergency: kind == reminders.KindNewEmergency || strings.HasPrefix(row.Message, "DARURAT"),
	}
	tpl, ok := mailTemplates[row.Kind]
	if !ok {
		return nil, false, fmt.Errorf("no mail template for %q", row.Kind)
	}
	var body, advice bytes.Buffer
	if err := tpl.Execute(&body, data); err != nil {
		return nil, false, err
	}
	if err := tpl.ExecuteTemplate(&advice, "advice", data); err != nil {
		return nil, false, err
	}
	return &mailer.Message{
		From:    mail.Address{Name: settings.Meta.SenderName, Address: settings.Meta.SenderAddress},
		To:      []mail.Address{{Name: to.Name, Address: to.Email}},
		Subject: fmt.Sprintf("[%s] %s: %s", appName, data.Title, number),
		HTML:    body.String(),
		Text:    mailText(data, html.UnescapeString(advice.String())),
	}, false, nil
}

// recipient is an active staff member by id, nil when inactive or gone.
func (c *mailComposer) recipient(id string) *staffRow {
	to, ok := c.staff[id]
	if !ok {
		var r staffRow
		if err := c.s.app.DB().Select("id", "email", "name", "role").From("staff").
			Where(dbx.HashExp{"id": id, "active": true}).One(&r); err == nil {
			to = &r
		}
		c.staff[id] = to
	}
	return to
}

// number is a case's number by id.
func (c *mailComposer) number(caseID string) (string, error) {
	number, ok := c.numbers[caseID]
	if !ok {
		if err := c.s.app.DB().Select("number").From(c.s.cases).Where(dbx.HashExp{"id": caseID}).Row(&number); err != nil {
			return "", fmt.Errorf("case %s: %w", caseID, err)
		}
		c.numbers[caseID] = number
	}
	return number, nil
}

// serviceNumber is the number of a case of another service.
func (c *mailComposer) serviceNumber(service, caseID string) (string, error) {
	key := service + "/" + caseID
	number, ok := c.numbers[key]
	if !ok {
		svc := c.s.t.ServiceByID(service)
		if svc == nil {
			return "", fmt.Errorf("service %s: not defined", service)
		}
		if err := c.s.app.DB().Select("number").From(svc.CaseCollection).Where(dbx.HashExp{"id": caseID}).Row(&number); err != nil {
			return "", fmt.Errorf("case %s/%s: %w", service, caseID, err)
		}
		c.numbers[key] = number
	}
	return number, nil
}

// digestItem is one complaint in a digest mail.
type digestItem struct{ Number, Message, Link string }

type digestData struct {
	AppName, Office, Title, Link string
	Items                        []digestItem
}

var digestTemplate = template.Must(template.ParseFS(mailTemplateFS, "mail_templates/digest.html"))

// composeDigest builds one mail listing several new online complaints for
// one person.
func (c *mailComposer) composeDigest(rows []outboxRow) (*mailer.Message, bool, error) {
	to := c.recipient(rows[0].Recipient)
	if to == nil || to.Email == "" {
		return nil, true, nil
	}
	settings := c.s.app.Settings()
	appName := mailAppName(settings)
	data := digestData{AppName: appName, Office: c.office.Name, Title: fmt.Sprintf("%d pengaduan online baru", len(rows)),
		Link: strings.TrimSuffix(CaseLink(settings.Meta.AppURL, ""), "cases/")}
	var text strings.Builder
	fmt.Fprintf(&text, "%s\n\nPengaduan berikut masuk melalui formulir online dan belum ditangani petugas. Petugas yang pertama mencatat langkah 2 (identifikasi singkat dan penenangan korban) akan menangani kasusnya.\n\n", data.Title)
	for _, row := range rows {
		number, err := c.number(row.Complaint)
		if err != nil {
			return nil, false, err
		}
		item := digestItem{Number: number, Message: row.Message, Link: CaseLink(settings.Meta.AppURL, row.Complaint)}
		data.Items = append(data.Items, item)
		fmt.Fprintf(&text, "- %s: %s\n  %s\n", item.Number, item.Message, item.Link)
	}
	text.WriteString("\n")
	writeMailFooter(&text, data.AppName, data.Office)
	var body bytes.Buffer
	if err := digestTemplate.Execute(&body, data); err != nil {
		return nil, false, err
	}
	return &mailer.Message{
		From:    mail.Address{Name: settings.Meta.SenderName, Address: settings.Meta.SenderAddress},
		To:      []mail.Address{{Name: to.Name, Address: to.Email}},
		Subject: fmt.Sprintf("[%s] %s", appName, data.Title),
		HTML:    body.String(),
		Text:    text.String(),
	}, false, nil
}

// mailText is the plain-text part, with the same words as the HTML.
func mailText(d mailData, advice string) string {
	var b strings.Builder
	if d.Emergency {
		b.WriteString("DARURAT: kasus ini harus ditanggapi segera.\n\n")
	}
	fmt.Fprintf(&b, "%s\nNomor kasus: %s\n\n%s\n\n%s\n\nBuka kasus %s di konsol petugas:\n%s\n\n", d.Title, d.Number, d.Message, advice, d.Number, d.Link)
	writeMailFooter(&b, d.AppName, d.Office)
	return b.String()
}

// writeMailFooter ends every plain-text mail: who sent it, and that it
// carries nothing of the victim.
func writeMailFooter(b *strings.Builder, appName, office string) {
	fmt.Fprintf(b, "Pesan ini dikirim otomatis oleh %s untuk %s.\n", appName, office)
	b.WriteString("Demi keselamatan korban, e-mail ini tidak memuat nama atau rincian kasus. Jangan teruskan e-mail ini.\n")
}

// mailAppName is the name mails go out under: the application name in the
// settings, or Teduh.
func mailAppName(settings *core.Settings) string {
	if settings.Meta.AppName == "" {
		return "Teduh"
	}
	return settings.Meta.AppName
}

// ServiceCaseLink is the address of a case of another service in the
// staff console.
func ServiceCaseLink(appURL, service, caseID string) string {
	base := strings.TrimRight(appURL, "/")
	if base == "" {
		base = "http://localhost:8090"
	}
	return base + "/staff/#/layanan/" + service + "/" + caseID
}

// CaseLink is the address of a case in the staff console.
func CaseLink(appURL, caseID string) string {
	base := strings.TrimRight(appURL, "/")
	if base == "" {
		base = "http://localhost:8090"
	}
	return base + "/staff/#/cases/" + caseID
}

var errMailTimeout = errors.New("server e-mail tidak menjawab dalam batas waktu")

// sendWithin sends m, giving up after d. (PocketBase's SMTP client has no
// timeout of its own.)
func sendWithin(client mailer.Mailer, m *mailer.Message, d time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- client.Send(m) }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return errMailTimeout
	}
}

// unreachable tells a mail server that cannot be reached from one that
// refused a message.
func unreachable(err error) bool {
	var ne net.Error
	return errors.Is(err, errMailTimeout) || errors.As(err, &ne)
}

// outboxQuery reads the mails still to send, oldest first, through
// idx_notifications_outbox (kind, email_status, created): a few seeks, one per
// kind and state, however many mails were ever sent. A mail whose lease has
// not ended (being sent, or pausing after a failure) waits.
func (s *ReminderService) outboxQuery(now time.Time, withAlerts bool) *dbx.SelectQuery {
	var kinds []any
	for _, k := range reminders.Kinds {
		if withAlerts || k != reminders.KindNewComplaint {
			kinds = append(kinds, string(k))
		}
	}
	return s.app.DB().Select("id", "recipient", "complaint", "service", "case_id", "kind", "message", "created", "email_attempts").From("notifications").
		Where(dbx.In("kind", kinds...)).
		AndWhere(dbx.In("email_status", "pending", "failed")).
		AndWhere(dbx.NewExp("email_lease_until <= {:now}", dbx.Params{"now": dbTime(now)})).
		OrderBy("created", "id").Limit(mailBatch)
}
