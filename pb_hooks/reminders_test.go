package pb_hooks_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teduh/pb_hooks"
)

// Reminder rules against a real database: each rule at its boundary times
// (clock set by the sweep's now, records backdated where the story needs
// it), idempotency, catch-up after downtime, closed and withdrawn cases.

// remTeam is a small office: two officers and two supervisors, and one
// deactivated officer who must never hear anything.
type remTeam struct {
	officer, officer2, supervisor, supervisor2, former *core.Record
	officerToken, officer2Token, supervisorToken       string
}

func newRemTeam(h *harness) remTeam {
	var tm remTeam
	tm.officer, tm.officerToken = h.Staff("petugas@teduh.test", "Petugas Satu", "officer", true)
	tm.officer2, tm.officer2Token = h.Staff("petugas2@teduh.test", "Petugas Dua", "officer", true)
	tm.supervisor, tm.supervisorToken = h.Staff("kepala@teduh.test", "Kepala Bidang", "supervisor", true)
	tm.supervisor2, _ = h.Staff("kepala2@teduh.test", "Kepala Seksi", "supervisor", true)
	tm.former, _ = h.Staff("mantan@teduh.test", "Petugas Lama", "officer", false)
	return tm
}

// wibAt is a wall-clock time in Singkawang.
func wibAt(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, wib)
}

func (h *harness) sweepAt(now time.Time) *pb_hooks.SweepReport {
	h.t.Helper()
	rep, err := h.Teduh.Reminders().Sweep(now)
	if err != nil {
		h.t.Fatalf("sweep at %v: %v", now, err)
	}
	return rep
}

// notices lists every stored notification as "<recipient e-mail> <kind>
// <key>", with case ids in keys replaced by case numbers, sorted.
func (h *harness) notices() []string {
	h.t.Helper()
	var rows []struct {
		Email  string `db:"email"`
		Kind   string `db:"kind"`
		Key    string `db:"key"`
		CaseID string `db:"case_id"`
		Number string `db:"number"`
	}
	err := h.App.DB().Select("s.email AS email", "n.kind AS kind", "n.key AS key", "c.id AS case_id", "c.number AS number").
		From("notifications n").
		InnerJoin("staff s", dbx.NewExp("s.id = n.recipient")).
		InnerJoin("complaints c", dbx.NewExp("c.id = n.complaint")).
		All(&rows)
	if err != nil {
		h.t.Fatal(err)
	}
	out := []string{}
	for _, r := range rows {
		out = append(out, r.Email+" "+r.Kind+" "+strings.ReplaceAll(r.Key, r.CaseID, r.Number))
	}
	slices.Sort(out)
	return out
}

// delta is what appeared in after that was not in before.
func delta(before, after []string) []string {
	out := []string{}
	for _, s := range after {
		if !slices.Contains(before, s) {
			out = append(out, s)
		}
	}
	return out
}

func expectLines(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// verifiedCase files an online complaint at submitted, has the officer answer
// it 30 minutes later and declare the requirements complete at verified:
// the 7-day clock runs from verified.
func (h *harness) verifiedCase(tm remTeam, submitted, verified time.Time, body map[string]any) *core.Record {
	h.t.Helper()
	h.SetNow(submitted)
	c := h.submit(body)
	h.flushAlertMails(submitted.Add(5 * time.Minute))
	h.SetNow(submitted.Add(30 * time.Minute))
	h.mustStep(tm.officerToken, c.Id, 2, "done", "Korban ditenangkan melalui telepon.", nil)
	h.SetNow(verified)
	h.mustStep(tm.officerToken, c.Id, 3, "done", "", map[string]any{"requirements_complete": true, "referral_priorities": []string{"health"}})
	return h.reload(c)
}

// flushAlertMails sends the mails of the new-complaint alerts stored so far,
// as the next sweep would: a normal complaint's alert is mailed by the sweep,
// not at once.
func (h *harness) flushAlertMails(at time.Time) {
	h.t.Helper()
	h.Teduh.Reminders().Wait()
	h.Teduh.Reminders().SendMails(at)
}

// backdate writes workflow fields straight into the database, the way a
// record looks when its deadline passed while the server was stopped.
func (h *harness) backdate(c *core.Record, fields map[string]any) {
	h.t.Helper()
	cols := dbx.Params{}
	for k, v := range fields {
		if tv, ok := v.(time.Time); ok {
			v = tv.UTC().Format("2006-01-02 15:04:05.000Z")
		}
		cols[k] = v
	}
	if _, err := h.App.NonconcurrentDB().Update("complaints", cols, dbx.HashExp{"id": c.Id}).Execute(); err != nil {
		h.t.Fatal(err)
	}
}

// The 7-day standard over one week, sweep by sweep: two days before the due
// day, on the due day, at the due time, every following day; the first sweep
// after each boundary sends, the ones before and after it do not.
func TestSLARemindersOverTheWeek(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 25, 9, 0, 0))
	tm := newRemTeam(h)
	c := h.verifiedCase(tm, wibAt(2026, 11, 25, 9, 0, 0), wibAt(2026, 11, 26, 10, 0, 0), validComplaint())
	if due := c.GetDateTime("due_at").Time(); !due.Equal(wibAt(2026, 12, 3, 10, 0, 0)) {
		t.Fatalf("due_at %v", due)
	}
	n := c.GetString("number")
	officer, sup1, sup2 := "petugas@teduh.test", "kepala@teduh.test", "kepala2@teduh.test"

	steps := []struct {
		name string
		now  time.Time
		want []string
	}{
		{"three days before, 23:59:59 WIB", wibAt(2026, 11, 30, 23, 59, 59), nil},
		{"two days before, 00:00 WIB", wibAt(2026, 12, 1, 0, 0, 0), []string{officer + " sla_due_soon sla_due_soon:" + n}},
		{"two days before, noon", wibAt(2026, 12, 1, 12, 0, 0), nil},
		{"eve of the due day, 23:59:59", wibAt(2026, 12, 2, 23, 59, 59), nil},
		{"due day, 00:00 WIB", wibAt(2026, 12, 3, 0, 0, 0), []string{officer + " sla_due_today sla_due_today:" + n}},
		{"due day, a second before the due time", wibAt(2026, 12, 3, 9, 59, 59), nil},
		{"at the due time", wibAt(2026, 12, 3, 10, 0, 0), []string{
			officer + " sla_overdue sla_overdue:" + n + ":2026-12-03",
			sup1 + " sla_escalation sla_escalation:" + n, sup2 + " sla_escalation sla_escalation:" + n}},
		{"due day, 23:59:59", wibAt(2026, 12, 3, 23, 59, 59), nil},
		// 17:00 UTC is midnight WIB: a new office day while UTC is still on 3 December
		{"next day, 00:00 WIB = 17:00 UTC", time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC), []string{officer + " sla_overdue sla_overdue:" + n + ":2026-12-04"}},
		{"next day, afternoon", wibAt(2026, 12, 4, 15, 0, 0), nil},
		{"two days later", wibAt(2026, 12, 6, 8, 0, 0), []string{officer + " sla_overdue sla_overdue:" + n + ":2026-12-06"}},
	}
	for _, s := range steps {
		before := h.notices()
		h.sweepAt(s.now)
		expectLines(t, s.name, delta(before, h.notices()), s.want...)
	}

	// what the officer reads in the console
	rec, err := h.App.FindFirstRecordByData("notifications", "key", "sla_due_soon:"+c.Id)
	if err != nil {
		t.Fatal(err)
	}
	want := "Batas waktu layanan kasus " + n + " jatuh pada 3 Desember 2026 pukul 10.00 WIB (2 hari lagi)."
	if !strings.HasPrefix(rec.GetString("message"), want) || rec.GetBool("read") {
		t.Fatalf("due-soon notification: %q read=%v", rec.GetString("message"), rec.GetBool("read"))
	}
}

// The crisis clock: an emergency filed at 23:30 WIB must be answered by
// 00:30 WIB the next day; supervisors hear of it at 00:30:00, not before,
// and once.
func TestFirstResponseMissedAcrossMidnight(t *testing.T) {
	submitted := wibAt(2026, 11, 26, 23, 30, 0)
	h := newHarness(t, submitted)
	tm := newRemTeam(h)
	c := h.submit(with(validComplaint(), "immediate_danger", true))
	if c.GetString("urgency") != "emergency" {
		t.Fatalf("urgency %q", c.GetString("urgency"))
	}
	n := c.GetString("number")

	// the alert went to everyone on duty at once, marked as an emergency
	h.Teduh.Reminders().Wait()
	expectLines(t, "at submission", h.notices(),
		"petugas@teduh.test new_emergency new_complaint:"+n, "petugas2@teduh.test new_emergency new_complaint:"+n,
		"kepala@teduh.test new_emergency new_complaint:"+n, "kepala2@teduh.test new_emergency new_complaint:"+n)

	for _, s := range []struct {
		name string
		now  time.Time
		want []string
	}{
		{"00:29:59 WIB", wibAt(2026, 11, 27, 0, 29, 59), nil},
		{"00:30:00 WIB", wibAt(2026, 11, 27, 0, 30, 0), []string{
			"kepala@teduh.test first_response_missed first_response_missed:" + n,
			"kepala2@teduh.test first_response_missed first_response_missed:" + n}},
		{"00:35 WIB", wibAt(2026, 11, 27, 0, 35, 0), nil},
		{"a day later", wibAt(2026, 11, 28, 0, 35, 0), nil},
	} {
		before := h.notices()
		h.sweepAt(s.now)
		expectLines(t, s.name, delta(before, h.notices()), s.want...)
	}
	msg, err := h.App.FindFirstRecordByData("notifications", "key", "first_response_missed:"+c.Id)
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.GetString("message"); !strings.HasPrefix(got, "DARURAT: Tanggapan pertama untuk kasus "+n+" belum dicatat, padahal batasnya 27 November 2026 pukul 00.30 WIB.") {
		t.Fatalf("message %q", got)
	}

	// a case answered in time never reaches the supervisors
	h.SetNow(submitted)
	ok := h.submit(with(validComplaint(), "immediate_danger", true))
	h.SetNow(submitted.Add(20 * time.Minute))
	h.mustStep(tm.officerToken, ok.Id, 2, "done", "Korban aman di rumah keluarga.", nil)
	before := h.notices()
	h.sweepAt(wibAt(2026, 11, 27, 6, 0, 0))
	expectLines(t, "answered in time", delta(before, h.notices()))
}

// ensureReferrals gives the test a referrals table: the referrals feature's
// own collection when its migration is present, a minimal stand-in otherwise.
func ensureReferrals(h *harness) {
	h.t.Helper()
	if _, err := h.App.FindCollectionByNameOrId("referrals"); err == nil {
		return
	}
	complaints, err := h.App.FindCollectionByNameOrId("complaints")
	if err != nil {
		h.t.Fatal(err)
	}
	c := core.NewBaseCollection("referrals")
	c.Fields.Add(
		&core.RelationField{Name: "complaint", CollectionId: complaints.Id, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "status", MaxSelect: 1, Values: []string{"draft", "sent", "accepted", "declined", "completed", "revoked"}},
		&core.DateField{Name: "sent_at"},
		&core.DateField{Name: "responded_at"},
	)
	if err := h.App.Save(c); err != nil {
		h.t.Fatal(err)
	}
}

// addReferral stores a referral row directly (the referral workflow is not
// what is tested here).
func (h *harness) addReferral(id, complaintID, status string, sentAt, respondedAt time.Time) {
	h.t.Helper()
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04:05.000Z")
	}
	_, err := h.App.NonconcurrentDB().Insert("referrals", dbx.Params{
		"id": id, "complaint": complaintID, "status": status, "sent_at": ts(sentAt), "responded_at": ts(respondedAt),
	}).Execute()
	if err != nil {
		h.t.Fatal(err)
	}
}

// A referral sent at 00:30 WIB on 27 November (still 26 November in UTC)
// and unanswered: the officer hears of it from 00:00 WIB on 30 November.
func TestReferralUnansweredForThreeDays(t *testing.T) {
	start := wibAt(2026, 11, 26, 9, 0, 0)
	h := newHarness(t, start)
	tm := newRemTeam(h)
	c := h.submit(validComplaint())
	h.SetNow(start.Add(time.Hour))
	h.mustStep(tm.officerToken, c.Id, 2, "done", "Korban ditenangkan.", nil)
	ensureReferrals(h)
	sent := time.Date(2026, 11, 26, 17, 30, 0, 0, time.UTC)
	h.addReferral("refsent00000001", c.Id, "sent", sent, time.Time{})
	h.addReferral("refaccepted0001", c.Id, "accepted", sent, sent.Add(24*time.Hour))
	h.addReferral("refdraft0000001", c.Id, "draft", time.Time{}, time.Time{})
	h.addReferral("refrevoked00001", c.Id, "revoked", sent, time.Time{})

	for _, s := range []struct {
		name string
		now  time.Time
		want []string
	}{
		{"third day would start here in UTC", time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC), nil},
		{"29 November, 23:59:59 WIB", wibAt(2026, 11, 29, 23, 59, 59), nil},
		{"30 November, 00:00 WIB", wibAt(2026, 11, 30, 0, 0, 0), []string{"petugas@teduh.test referral_unanswered referral_unanswered:refsent00000001"}},
		{"30 November, 08:00 WIB", wibAt(2026, 11, 30, 8, 0, 0), nil},
		{"a week later", wibAt(2026, 12, 4, 8, 0, 0), nil},
	} {
		before := h.notices()
		h.sweepAt(s.now)
		expectLines(t, s.name, delta(before, h.notices()), s.want...)
	}
}

// Deadlines that passed while the server was stopped are caught up by the
// first sweep: each case gets what is due now (overdue today and the
// escalation, the missed first response, due soon), not a reminder for
// every sweep that did not run.
func TestCatchUpAfterDowntime(t *testing.T) {
	lastSweep := wibAt(2026, 12, 1, 8, 0, 0)
	h := newHarness(t, lastSweep)
	tm := newRemTeam(h)

	// one case is due on 2 December (its clock backdated as it would have
	// been stored), one on 6 December
	overdue := h.verifiedCase(tm, wibAt(2026, 11, 28, 9, 0, 0), wibAt(2026, 11, 29, 10, 0, 0), validComplaint())
	h.backdate(overdue, map[string]any{"verified_at": wibAt(2026, 11, 25, 10, 0, 0), "due_at": wibAt(2026, 12, 2, 10, 0, 0)})
	soon := h.verifiedCase(tm, wibAt(2026, 11, 28, 9, 0, 0), wibAt(2026, 11, 29, 10, 0, 0), validComplaint())
	// first response due 1 December 09:00, an hour after the last sweep
	h.SetNow(wibAt(2026, 11, 30, 9, 0, 0))
	unanswered := h.submit(validComplaint())
	h.Teduh.Reminders().Wait()

	// the server's last sweep before it stopped: only "due soon" for the first case
	rep := h.sweepAt(lastSweep)
	if len(rep.Created) != 1 || rep.Created[0].Kind != "sla_due_soon" || rep.Created[0].Number != overdue.GetString("number") {
		t.Fatalf("last sweep before the stop: %+v", rep.Created)
	}
	base := h.notices()

	restart := wibAt(2026, 12, 4, 7, 15, 0)
	h.sweepAt(restart)
	on, ov, un := soon.GetString("number"), overdue.GetString("number"), unanswered.GetString("number")
	expectLines(t, "first sweep after the restart", delta(base, h.notices()),
		"petugas@teduh.test sla_due_soon sla_due_soon:"+on,
		"petugas@teduh.test sla_overdue sla_overdue:"+ov+":2026-12-04",
		"kepala@teduh.test sla_escalation sla_escalation:"+ov, "kepala2@teduh.test sla_escalation sla_escalation:"+ov,
		"kepala@teduh.test first_response_missed first_response_missed:"+un, "kepala2@teduh.test first_response_missed first_response_missed:"+un,
	)
}

// Closed and withdrawn cases are due for nothing, whatever their deadlines.
func TestClosedAndWithdrawnCasesGetNoReminders(t *testing.T) {
	start := wibAt(2026, 11, 20, 9, 0, 0)
	h := newHarness(t, start)
	tm := newRemTeam(h)

	closed := h.verifiedCase(tm, start, start.Add(2*time.Hour), validComplaint())
	h.SetNow(start.Add(3 * time.Hour))
	tok := tm.officerToken
	h.mustStep(tok, closed.Id, 4, "done", "", map[string]any{"destination": "RSUD Abdul Aziz", "police_assistance": false})
	h.mustStep(tok, closed.Id, 5, "done", "", map[string]any{"victim_safe": true})
	h.mustStep(tok, closed.Id, 6, "done", "", map[string]any{"violence_types": []string{"physical"}, "perpetrator_relation": "spouse", "incident_place": "household", "needs": []string{"health"}})
	h.mustStep(tm.supervisorToken, closed.Id, 7, "done", "Cukup pendampingan dinas.", map[string]any{"referral_needed": false})
	h.mustStep(tok, closed.Id, 8, "skipped", "", nil)
	h.mustStep(tok, closed.Id, 9, "done", "Korban aman, kasus selesai.", nil)

	withdrawnVerified := h.verifiedCase(tm, start, start.Add(2*time.Hour), validComplaint())
	h.mustStep(tok, withdrawnVerified.Id, 4, "withdrawn", "Pelapor mencabut pengaduan.", nil)
	h.SetNow(start)
	withdrawnNew := h.submit(with(validComplaint(), "immediate_danger", true))
	h.mustStep(tok, withdrawnNew.Id, 2, "withdrawn", "Kasus ditangani kantor lain.", nil)

	// a referral left "sent" on the closed case
	ensureReferrals(h)
	h.addReferral("refonclosed0001", closed.Id, "sent", start.Add(4*time.Hour), time.Time{})
	for _, c := range []*core.Record{closed, withdrawnVerified, withdrawnNew} {
		if st := h.reload(c).GetString("status"); st != "closed" && st != "withdrawn" {
			t.Fatalf("case %s is %s", c.GetString("number"), st)
		}
	}

	base := h.notices()
	for now := start.Add(time.Hour); now.Before(start.Add(30 * 24 * time.Hour)); now = now.Add(5 * time.Hour) {
		h.sweepAt(now)
	}
	expectLines(t, "a month of sweeps", delta(base, h.notices()))
}

// A second sweep — at the same moment, a minute later or a restart later —
// stores and mails nothing again.
func TestRepeatedSweepsSendNothingTwice(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	tm := newRemTeam(h)
	for i := 0; i < 5; i++ {
		h.verifiedCase(tm, wibAt(2026, 11, 20, 9, 0, 0), wibAt(2026, 11, 21, 9, 0, 0), validComplaint())
	}
	h.Teduh.Reminders().Wait()
	now := wibAt(2026, 12, 1, 8, 0, 0) // overdue since 28 November
	first := h.sweepAt(now)
	stored, mails := len(h.notices()), h.App.TestMailer.TotalSend()
	if len(first.Created) != 5*3 || first.Mail.Sent != len(first.Created) {
		t.Fatalf("first sweep: %d notifications, %d mails", len(first.Created), first.Mail.Sent)
	}
	for _, again := range []time.Time{now, now, now.Add(time.Minute), now.Add(5 * time.Hour)} {
		rep := h.sweepAt(again)
		if len(rep.Created) != 0 || rep.Mail.Sent != 0 || rep.Existing != 15 {
			t.Fatalf("sweep at %v: created %d, mailed %d, existing %d", again, len(rep.Created), rep.Mail.Sent, rep.Existing)
		}
	}
	if n := len(h.notices()); n != stored {
		t.Fatalf("notifications %d → %d", stored, n)
	}
	if n := h.App.TestMailer.TotalSend(); n != mails {
		t.Fatalf("mails %d → %d", mails, n)
	}
}

// Eight sweeps at the same moment on one database: every reminder is stored
// once and mailed once.
func TestConcurrentSweepsSendNothingTwice(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	tm := newRemTeam(h)
	for i := 0; i < 12; i++ {
		h.verifiedCase(tm, wibAt(2026, 11, 20, 9, 0, 0), wibAt(2026, 11, 21, 9, 0, 0), validComplaint())
	}
	h.Teduh.Reminders().Wait()
	mailsBefore := h.App.TestMailer.TotalSend()
	now := wibAt(2026, 12, 1, 8, 0, 0)

	const sweepers = 8
	var wg sync.WaitGroup
	start := make(chan struct{})
	reports := make([]*pb_hooks.SweepReport, sweepers)
	errs := make([]error, sweepers)
	for i := range sweepers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			reports[i], errs[i] = h.Teduh.Reminders().Sweep(now)
		}()
	}
	close(start)
	wg.Wait()

	created, sent := 0, 0
	for i := range sweepers {
		if errs[i] != nil {
			t.Fatalf("sweeper %d: %v", i, errs[i])
		}
		created += len(reports[i].Created)
		sent += reports[i].Mail.Sent
	}
	want := 12 * 3 // overdue to the officer, escalation to two supervisors
	if n := len(h.notices()) - 12*4; n != want || created != want {
		t.Fatalf("stored %d reminders, sweepers reported %d; want %d", n, created, want)
	}
	msgs := h.App.TestMailer.Messages()[mailsBefore:]
	seen := map[string]bool{}
	for _, m := range msgs {
		id := m.To[0].Address + " " + m.Subject
		if seen[id] {
			t.Fatalf("mail sent twice: %s", id)
		}
		seen[id] = true
	}
	if len(msgs) != want || sent != want {
		t.Fatalf("%d mails sent (sweepers reported %d), want %d", len(msgs), sent, want)
	}
	var pending int
	if err := h.App.DB().Select("COUNT(*)").From("notifications").Where(dbx.NewExp("email_status != 'sent'")).Row(&pending); err != nil {
		t.Fatal(err)
	}
	if pending != 0 {
		t.Fatalf("%d mails not marked sent", pending)
	}
}

// Reminders for an assignee who has been deactivated go to the supervisors,
// and nobody inactive ever gets a notification.
func TestDeactivatedAssigneeRemindersGoToSupervisors(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 20, 9, 0, 0))
	tm := newRemTeam(h)
	c := h.verifiedCase(tm, wibAt(2026, 11, 20, 9, 0, 0), wibAt(2026, 11, 21, 9, 0, 0), validComplaint())
	tm.officer.Set("active", false)
	if err := h.App.Save(tm.officer); err != nil {
		t.Fatal(err)
	}
	before := h.notices()
	h.sweepAt(wibAt(2026, 11, 26, 8, 0, 0)) // due 28 November: two days before
	n := c.GetString("number")
	expectLines(t, "due soon", delta(before, h.notices()),
		"kepala@teduh.test sla_due_soon sla_due_soon:"+n, "kepala2@teduh.test sla_due_soon sla_due_soon:"+n)
	for _, line := range h.notices() {
		if strings.HasPrefix(line, "mantan@") {
			t.Fatalf("inactive staff notified: %s", line)
		}
	}
	if got := fmt.Sprint(len(h.notices())); got == "0" {
		t.Fatal("no notifications at all")
	}
}
