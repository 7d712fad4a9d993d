// Package reminders decides which reminders a case is due for at a given
// moment: the crisis alert for a new online complaint, the missed first
// response, the 7-day service standard (two days before, on the due day,
// every day while overdue, escalation), unanswered referrals, and a case
// waiting for the supervisors' disposition.
//
// It is plain Go with no database: the caller passes a snapshot of a case,
// the time and the office's time zone, and gets reminders, each with a
// stable idempotency key. Storing a reminder under its key (recipient, key)
// at most once is what makes repeated sweeps harmless.
package reminders

import (
	"fmt"
	"time"
)

// Kind says what a reminder is about. The values are stored in notification
// records and used by clients, so they are stable API codes.
type Kind string

const (
	KindNewComplaint        Kind = "new_complaint"
	KindNewEmergency        Kind = "new_emergency"
	KindFirstResponseMissed Kind = "first_response_missed"
	KindSLADueSoon          Kind = "sla_due_soon"
	KindSLADueToday         Kind = "sla_due_today"
	KindSLAOverdue          Kind = "sla_overdue"
	KindSLAEscalation       Kind = "sla_escalation"
	KindReferralUnanswered  Kind = "referral_unanswered"
	KindDispositionWaiting  Kind = "disposition_waiting"
	KindDispositionReminder Kind = "disposition_reminder"
	// KindNewComplaintsDigest stands, during a flood, for the new-complaint
	// alerts of a minute (emergencies are still alerted one by one).
	KindNewComplaintsDigest Kind = "new_complaints_digest"
	// a case of a service arrived (the service tells an audience on arrival)
	KindNewSubmission Kind = "new_submission"
	// a declared clock's reminder, and its escalation once missed
	KindClockReminder   Kind = "clock_reminder"
	KindClockEscalation Kind = "clock_escalation"
)

// Kinds lists every kind, for the collection's select field and templates.
var Kinds = []Kind{
	KindNewComplaint, KindNewEmergency, KindFirstResponseMissed, KindSLADueSoon,
	KindSLADueToday, KindSLAOverdue, KindSLAEscalation, KindReferralUnanswered,
	KindDispositionWaiting, KindDispositionReminder, KindNewComplaintsDigest, KindNewSubmission, KindClockReminder, KindClockEscalation,
}

// Audience is who receives a reminder; the caller resolves it to staff.
type Audience string

const (
	// OnDuty is every active officer and supervisor.
	OnDuty Audience = "on_duty"
	// Supervisors is every active supervisor.
	Supervisors Audience = "supervisors"
	// Assignee is the officer the case is assigned to (Reminder.Staff).
	Assignee Audience = "assignee"
)

// Rule parameters. The SLA length itself is in the office profile and is
// already folded into the case's due_at.
const (
	// DueSoonDays: the "due soon" reminder starts this many office days
	// before the due day.
	DueSoonDays = 2
	// ReferralAnswerDays: a referral still unanswered on the third office
	// day after the day it was sent gets a reminder.
	ReferralAnswerDays = 3
	// NewComplaintCatchUp: a new online complaint whose alert was lost (the
	// process stopped right after saving it) is still announced by a sweep
	// within this time; later, the missed-first-response rule takes over.
	NewComplaintCatchUp = 24 * time.Hour
	// DispositionReminderAfter: a case still waiting for the supervisors'
	// step this long after it reached it is reminded of once.
	DispositionReminderAfter = 24 * time.Hour
)

// Case statuses and channels the rules look at.
const (
	StatusNew        = "new"
	StatusClosed     = "closed"
	StatusWithdrawn  = "withdrawn"
	ChannelOnline    = "online"
	UrgencyEmergency = "emergency"
	ReferralSent     = "sent"
)

// OpenStatuses are the statuses of a case that is still being handled.
var OpenStatuses = []string{"new", "in_progress", "awaiting_requirements"}

// Case is what the rules need to know about a complaint.
type Case struct {
	ID                 string
	Number             string
	Status             string
	Urgency            string
	Channel            string
	AssignedTo         string
	Created            time.Time
	FirstResponseDueAt time.Time
	FirstResponseAt    time.Time
	DueAt              time.Time
	ClosedAt           time.Time
	Referrals          []Referral
	// AwaitingStep is the next step when only supervisors may record it
	// (the disposition, step 7), and AwaitingSince the moment the case
	// came to wait for it; zero when the case waits for nobody in
	// particular.
	AwaitingStep  int
	AwaitingSince time.Time
}

// Open reports whether the case is still being handled.
func (c Case) Open() bool {
	return c.Status != StatusClosed && c.Status != StatusWithdrawn && c.ClosedAt.IsZero()
}

// Emergency reports whether the case is marked as an emergency.
func (c Case) Emergency() bool { return c.Urgency == UrgencyEmergency }

// Referral is what the rules need to know about a referral of the case.
type Referral struct {
	ID          string
	Status      string
	SentAt      time.Time
	RespondedAt time.Time
}

// Reminder is one reminder that is due.
type Reminder struct {
	// Key is stable for the same reminder across sweeps and restarts.
	Key       string
	Kind      Kind
	To        Audience
	Staff     string // the staff id when To is Assignee
	CaseID    string
	Number    string
	Referral  string
	Emergency bool
	// Deadline is the moment the reminder is about (first response due,
	// SLA due, referral sent).
	Deadline time.Time
	// DaysLeft is the number of office days until the due day (due soon),
	// DaysLate the office days since it (overdue), DaysWaiting the office
	// days since a referral was sent or since a case waits for the
	// disposition.
	DaysLeft, DaysLate, DaysWaiting int
	// Day is the office day (YYYY-MM-DD) the reminder belongs to.
	Day string
	// Step is the step a case waits for (disposition reminders).
	Step int
	// Numbers are the cases a digest stands for.
	Numbers []string
	// Service is the service of the case when it is not the victim
	// complaints'; Roles, when set, are the only staff roles that may
	// receive it (those that handle the service).
	Service string
	Roles   []string
	// Label names what the reminder is about in words: the clock ("Laporan
	// ke kepolisian") or the service ("Pengaduan Layanan").
	Label string
}

// NewComplaint is the alert for a complaint that has just been submitted
// online: every officer on duty, at once. Other channels are registered by
// a staff member who is already handling the case.
func NewComplaint(c Case, now time.Time, loc *time.Location) []Reminder {
	if !c.Open() || c.Channel != ChannelOnline || c.Status != StatusNew || !c.FirstResponseAt.IsZero() {
		return nil
	}
	kind := KindNewComplaint
	if c.Emergency() {
		kind = KindNewEmergency
	}
	return []Reminder{{
		Key: "new_complaint:" + c.ID, Kind: kind, To: OnDuty, CaseID: c.ID, Number: c.Number,
		Emergency: c.Emergency(), Deadline: c.FirstResponseDueAt, Day: Day(now, loc),
	}}
}

// Due lists every reminder the case is due for at now. Day boundaries are
// those of loc, the office's time zone. Closed and withdrawn cases are due
// for nothing.
func Due(c Case, now time.Time, loc *time.Location) []Reminder {
	if !c.Open() {
		return nil
	}
	var out []Reminder
	today := civil(now, loc)
	base := Reminder{CaseID: c.ID, Number: c.Number, Emergency: c.Emergency(), Day: Day(now, loc)}

	// the alert for a new online complaint, caught up if it was lost
	if !now.Before(c.Created) && now.Sub(c.Created) < NewComplaintCatchUp {
		out = append(out, NewComplaint(c, now, loc)...)
	}

	// crisis clock: step 2 not recorded in time
	if c.FirstResponseAt.IsZero() && !c.FirstResponseDueAt.IsZero() && !now.Before(c.FirstResponseDueAt) {
		r := base
		r.Key, r.Kind, r.To, r.Deadline = "first_response_missed:"+c.ID, KindFirstResponseMissed, Supervisors, c.FirstResponseDueAt
		out = append(out, r)
	}

	// 7-day service standard
	if !c.DueAt.IsZero() {
		dueDay := civil(c.DueAt, loc)
		left := days(today, dueDay)
		r := base
		r.Deadline = c.DueAt
		switch {
		case now.Before(c.DueAt) && left == 0:
			r.Key, r.Kind, r.DaysLeft = "sla_due_today:"+c.ID, KindSLADueToday, 0
			out = append(out, toAssignee(r, c))
		case now.Before(c.DueAt) && left <= DueSoonDays:
			r.Key, r.Kind, r.DaysLeft = "sla_due_soon:"+c.ID, KindSLADueSoon, left
			out = append(out, toAssignee(r, c))
		case !now.Before(c.DueAt):
			late := -left
			if c.AssignedTo != "" {
				o := r
				o.Key, o.Kind, o.To, o.Staff, o.DaysLate = "sla_overdue:"+c.ID+":"+Day(now, loc), KindSLAOverdue, Assignee, c.AssignedTo, late
				out = append(out, o)
			}
			e := r
			e.Key, e.Kind, e.To, e.DaysLate = "sla_escalation:"+c.ID, KindSLAEscalation, Supervisors, late
			out = append(out, e)
		}
	}

	// referrals sent and not answered
	for _, ref := range c.Referrals {
		if ref.Status != ReferralSent || !ref.RespondedAt.IsZero() || ref.SentAt.IsZero() {
			continue
		}
		waiting := days(civil(ref.SentAt, loc), today)
		if waiting < ReferralAnswerDays {
			continue
		}
		r := base
		r.Key, r.Kind, r.Referral, r.Deadline, r.DaysWaiting = "referral_unanswered:"+ref.ID, KindReferralUnanswered, ref.ID, ref.SentAt, waiting
		out = append(out, toAssignee(r, c))
	}

	out = append(out, Disposition(c, now, loc)...)
	return out
}

// Disposition is what a case waiting for the supervisors' step (step 7,
// the disposition: step 6 is done and only supervisors may record the
// next) is due for: every active supervisor hears of it at once, and once
// more if it still waits DispositionReminderAfter later. Nothing else
// moves the case meanwhile, so nobody must miss it.
func Disposition(c Case, now time.Time, loc *time.Location) []Reminder {
	if !c.Open() || c.AwaitingStep == 0 || c.AwaitingSince.IsZero() || now.Before(c.AwaitingSince) {
		return nil
	}
	r := Reminder{CaseID: c.ID, Number: c.Number, Emergency: c.Emergency(), Day: Day(now, loc), To: Supervisors,
		Step: c.AwaitingStep, Deadline: c.AwaitingSince.Add(DispositionReminderAfter)}
	if now.Sub(c.AwaitingSince) < DispositionReminderAfter {
		r.Key, r.Kind = "disposition_waiting:"+c.ID, KindDispositionWaiting
		return []Reminder{r}
	}
	r.Key, r.Kind = "disposition_reminder:"+c.ID, KindDispositionReminder
	r.DaysWaiting = max(1, days(civil(c.AwaitingSince, loc), civil(now, loc)))
	return []Reminder{r}
}

// toAssignee sends r to the assigned officer, or to the supervisors while
// nobody is assigned (somebody must hear of it).
func toAssignee(r Reminder, c Case) Reminder {
	if c.AssignedTo == "" {
		r.To = Supervisors
		return r
	}
	r.To, r.Staff = Assignee, c.AssignedTo
	return r
}

// Window is the superset of cases a sweep must read at now: every case Due
// can return a reminder for matches it, so indexed range queries on these
// bounds find all of them and (almost) nothing else. (The cases waiting for
// the supervisors' step are few at any time; the sweep reads them all, by
// step rather than by time.)
type Window struct {
	// NewSince: online complaints created after it (new-complaint catch-up).
	NewSince time.Time
	// FirstResponseBy: cases in status new whose first response was due at
	// or before it.
	FirstResponseBy time.Time
	// SLADueBefore: open cases whose due_at is before it (due soon, due
	// today and overdue).
	SLADueBefore time.Time
	// ReferralSentBefore: referrals in status sent, sent before it.
	ReferralSentBefore time.Time
}

// WindowAt computes the sweep's query bounds at now.
func WindowAt(now time.Time, loc *time.Location) Window {
	today := civil(now, loc)
	return Window{
		NewSince:           now.Add(-NewComplaintCatchUp),
		FirstResponseBy:    now,
		SLADueBefore:       startOf(today.AddDate(0, 0, DueSoonDays+1), loc),
		ReferralSentBefore: startOf(today.AddDate(0, 0, -(ReferralAnswerDays-1)), loc),
	}
}

// Day is the office day of t as YYYY-MM-DD.
func Day(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.DateOnly) }

// civil is the calendar date of t in loc, as midnight UTC, so that day
// arithmetic never meets a zone offset.
func civil(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// startOf is the first instant of a civil date in loc.
func startOf(date time.Time, loc *time.Location) time.Time {
	y, m, d := date.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// days counts calendar days from a to b (civil dates).
func days(a, b time.Time) int { return int(b.Sub(a).Round(time.Hour).Hours() / 24) }

// --- services and their declared clocks ----------------------------------------

// NewSubmission is the notice that a case of a service has arrived, for the
// audience the service names.
func NewSubmission(caseID, number, service, serviceName string, to Audience, roles []string, now time.Time, loc *time.Location) []Reminder {
	return []Reminder{{
		Key: "new_submission:" + caseID, Kind: KindNewSubmission, To: to, CaseID: caseID, Number: number,
		Service: service, Roles: roles, Label: serviceName, Deadline: now, Day: Day(now, loc),
	}}
}

// ClockCase is what the rules need to know about one running declared
// clock of a case: the schedule of its reminders (already computed on the
// office calendar) and who hears of it.
type ClockCase struct {
	RowID      string
	CaseID     string
	Number     string
	Service    string
	Roles      []string
	Label      string
	CaseStatus string
	AssignedTo string
	Emergency  bool
	DueAt      time.Time
	// Reminders are when each reminder is due and to whom; Escalate is who
	// hears of the clock missed ("" nobody).
	Reminders []ClockReminder
	Escalate  Audience
}

// ClockReminder is one scheduled reminder of a clock.
type ClockReminder struct {
	At time.Time
	To Audience
}

// ClockDue lists what a running clock is due for at now: each reminder
// whose time has come while the deadline has not passed, and the
// escalation once it has. Keys are per clock row, so each goes out once.
func ClockDue(c ClockCase, now time.Time, loc *time.Location) []Reminder {
	if c.CaseStatus == StatusClosed || c.CaseStatus == StatusWithdrawn {
		return nil
	}
	base := Reminder{CaseID: c.CaseID, Number: c.Number, Service: c.Service, Roles: c.Roles, Label: c.Label,
		Emergency: c.Emergency, Deadline: c.DueAt, Day: Day(now, loc)}
	if !now.Before(c.DueAt) {
		if c.Escalate == "" {
			return nil
		}
		r := base
		r.Key, r.Kind, r.To = "clock_escalation:"+c.RowID, KindClockEscalation, c.Escalate
		r.DaysLate = days(civil(c.DueAt, loc), civil(now, loc))
		return []Reminder{audience(r, c.AssignedTo)}
	}
	// only the latest reminder that has come due: a sweep after a long
	// stop does not send every reminder it missed at once
	last := -1
	for i, rm := range c.Reminders {
		if !now.Before(rm.At) {
			last = i
		}
	}
	if last < 0 {
		return nil
	}
	r := base
	r.Key, r.Kind, r.To = fmt.Sprintf("clock_reminder:%s:%d", c.RowID, last), KindClockReminder, c.Reminders[last].To
	r.DaysLeft = days(civil(now, loc), civil(c.DueAt, loc))
	return []Reminder{audience(r, c.AssignedTo)}
}

// audience resolves the assignee of a clock's reminder (the supervisors
// while nobody is assigned).
func audience(r Reminder, assignee string) Reminder {
	if r.To != Assignee {
		return r
	}
	if assignee == "" {
		r.To = Supervisors
		return r
	}
	r.Staff = assignee
	return r
}
