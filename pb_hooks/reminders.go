package pb_hooks

// Reminders and notifications: the sweep that finds what is due (crisis
// first response, the 7-day service standard, unanswered referrals), the
// alert for a new online complaint, the scheduler that runs the sweep with
// the server, and the `reminders run` command.
//
// A sweep selects only the cases that are due (indexed range queries on the
// bounds of reminders.WindowAt), lets internal/reminders decide what each is
// due for, stores one notification per (recipient, key) — the UNIQUE index
// makes a second sweep, a restart or an overlapping sweep a no-op — and then
// mails what is still unsent (mails.go).

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/spf13/cobra"

	"teduh/internal/engine"
	"teduh/internal/reminders"
)

const (
	remindersStoreKey = "teduh.reminders"
	// DefaultSweepMinutes is the sweep interval unless TEDUH_SWEEP_MINUTES says otherwise.
	DefaultSweepMinutes = 5
	// keysPerQuery bounds the IN lists of one query (SQLite's variable limit).
	keysPerQuery = 400
	// saveBatch is how many notifications one INSERT stores.
	saveBatch = 100
)

// ReminderService sends reminders: the sweep, the new-complaint alert and the
// scheduler. One is bound per app; Teduh.Reminders returns it.
type ReminderService struct {
	t     *Teduh
	app   core.App
	log   *slog.Logger
	cases string // the complaints collection

	// sweep is what the scheduler runs (replaced in tests to prove panics are contained).
	sweep func(now time.Time) (*SweepReport, error)

	mu        sync.Mutex
	scheduler gocron.Scheduler
	firstOnce sync.Once
	first     chan struct{}
	bg        sync.WaitGroup // the background mailer

	// the one background mailer (workSoon)
	working, workAgain atomic.Bool

	// the last sweep this process ran, for the system health page
	lastSweep atomic.Pointer[SweepRecord]
}

// SweepReport says what one sweep did.
type SweepReport struct {
	Now      time.Time
	Cases    int      // cases read because something may be due
	Created  []Notice // notifications stored by this sweep
	Existing int      // reminders that had already been stored before
	Unrouted []string // reminder keys nobody could receive (no active supervisor…)
	Mail     MailReport
}

// Notice is one notification stored by a sweep.
type Notice struct {
	Key, Kind, Number, Recipient, Message string
}

func (t *Teduh) bindReminders() {
	s := &ReminderService{t: t, app: t.app, cases: t.complaint.CaseCollection, first: make(chan struct{})}
	s.sweep = s.Sweep
	t.app.Store().Set(remindersStoreKey, s)

	t.app.OnRecordUpdate("notifications").BindFunc(keepMailState)
	t.app.OnRecordAfterCreateSuccess(t.complaint.StepCollection).BindFunc(s.dispositionWaiting)
	t.app.OnServe().BindFunc(s.startWithServer)
	t.app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		s.Stop()
		return e.Next()
	})
}

// Reminders is the reminder service bound to this application.
func (t *Teduh) Reminders() *ReminderService {
	s, _ := t.app.Store().Get(remindersStoreKey).(*ReminderService)
	return s
}

func (s *ReminderService) logger() *slog.Logger {
	if s.log != nil {
		return s.log
	}
	return s.app.Logger()
}

// --- the sweep ---------------------------------------------------------------

// Sweep stores every reminder due at now and mails what is unsent. It is safe
// to run any number of times and concurrently (in one process or several):
// nothing is stored or mailed twice.
func (s *ReminderService) Sweep(now time.Time) (rep *SweepReport, err error) {
	started := time.Now()
	defer func() { s.recordSweep(now, time.Since(started), rep, err) }()
	office, err := s.t.Office(s.app)
	if err != nil {
		return nil, err
	}
	loc := office.Location()
	cases, err := s.dueCases(now, loc)
	if err != nil {
		return nil, err
	}
	var due []reminders.Reminder
	for _, c := range cases {
		due = append(due, reminders.Due(c, now, loc)...)
	}
	due = s.withoutDigested(due)
	// the declared clocks of every service (clocks.go keeps them)
	clockDue, missed, clockCases, err := s.clockReminders(now, loc)
	if err != nil {
		return nil, err
	}
	due = append(due, clockDue...)
	rep = &SweepReport{Now: now, Cases: len(cases) + clockCases}
	created, err := s.deliver(s.app, due, loc, rep)
	s.announce(created)
	if err != nil {
		return rep, err
	}
	// a clock past its deadline is missed once its escalation is stored
	if err := s.markMissed(missed, now); err != nil {
		return rep, err
	}
	rep.Mail = s.SendMails(now)
	return rep, nil
}

// clockRow is a running declared clock the sweep reads.
type sweepClock struct {
	ID              string         `db:"id"`
	Complaint       string         `db:"complaint"`
	Clock           string         `db:"clock"`
	StartedAt       types.DateTime `db:"started_at"`
	DueAt           types.DateTime `db:"due_at"`
	WorkflowVersion string         `db:"workflow_version"`
}

// clockQuery reads the running clocks of one declared clock due before
// until: a range on the clock collection's (clock, status, due_at) index.
func (s *ReminderService) clockQuery(collection, clock string, until time.Time) *dbx.SelectQuery {
	return s.app.DB().Select("id", "complaint", "clock", "started_at", "due_at", "workflow_version").From(collection).
		Where(dbx.HashExp{"clock": clock, "status": "running"}).
		AndWhere(dbx.NewExp("due_at < {:until}", dbx.Params{"until": dbTime(until)}))
}

// clockReminders lists what the running declared clocks of every service are
// due for at now, and the clocks past their deadline (by collection).
func (s *ReminderService) clockReminders(now time.Time, loc *time.Location) ([]reminders.Reminder, map[string][]any, int, error) {
	var due []reminders.Reminder
	missed := map[string][]any{}
	read := 0
	var cal *engine.Calendar
	for _, svc := range s.t.services {
		wf := svc.Defs.Workflow
		if svc.ClockCollection == "" || len(wf.Clocks) == 0 {
			continue
		}
		if _, err := s.app.FindCachedCollectionByNameOrId(svc.ClockCollection); err != nil {
			continue
		}
		if cal == nil {
			var err error
			if cal, err = s.t.Calendar(s.app); err != nil {
				return nil, nil, 0, err
			}
		}
		var rows []sweepClock
		for i := range wf.Clocks {
			cl := &wf.Clocks[i]
			var part []sweepClock
			if err := s.clockQuery(svc.ClockCollection, cl.ID, now.Add(cl.Lead())).All(&part); err != nil {
				return nil, nil, 0, err
			}
			rows = append(rows, part...)
		}
		if len(rows) == 0 {
			continue
		}
		read += len(rows)
		ids := make([]any, 0, len(rows))
		for _, r := range rows {
			ids = append(ids, r.Complaint)
		}
		cases := map[string]caseRow{}
		for chunk := range slices.Chunk(ids, keysPerQuery) {
			var list []caseRow
			if err := s.app.DB().Select("id", "number", "status", "urgency", "assigned_to").From(svc.CaseCollection).
				Where(dbx.In("id", chunk...)).All(&list); err != nil {
				return nil, nil, 0, err
			}
			for _, c := range list {
				cases[c.ID] = c
			}
		}
		service, roles := "", []string(nil)
		if svc != s.t.complaint {
			service, roles = svc.ID(), svc.Roles()
		}
		for _, r := range rows {
			c, ok := cases[r.Complaint]
			if !ok {
				continue
			}
			cl := wf.Clock(r.Clock)
			if r.WorkflowVersion != "" && r.WorkflowVersion != wf.Version {
				// the declaration the case started under
				if old, err := s.t.defsFor(s.app, svc, "", r.WorkflowVersion); err == nil && old.Workflow.Clock(r.Clock) != nil {
					cl = old.Workflow.Clock(r.Clock)
				}
			}
			if cl == nil {
				continue
			}
			cc := reminders.ClockCase{
				RowID: r.ID, CaseID: c.ID, Number: c.Number, Service: service, Roles: roles, Label: cl.Label,
				CaseStatus: c.Status, AssignedTo: c.AssignedTo, Emergency: c.Urgency == reminders.UrgencyEmergency, DueAt: r.DueAt.Time(),
			}
			for i, rm := range cl.Reminders {
				cc.Reminders = append(cc.Reminders, reminders.ClockReminder{At: cl.ReminderAt(i, r.StartedAt.Time(), r.DueAt.Time(), cal), To: reminders.Audience(rm.To)})
			}
			if cl.Escalation != nil {
				cc.Escalate = reminders.Audience(cl.Escalation.To)
			}
			due = append(due, reminders.ClockDue(cc, now, loc)...)
			if !now.Before(r.DueAt.Time()) && c.Status != reminders.StatusClosed && c.Status != reminders.StatusWithdrawn {
				missed[svc.ClockCollection] = append(missed[svc.ClockCollection], r.ID)
			}
		}
	}
	return due, missed, read, nil
}

// markMissed sets the clocks past their deadline to missed (once: a clock
// met meanwhile, in another transaction, is left as it is).
func (s *ReminderService) markMissed(missed map[string][]any, now time.Time) error {
	for collection, ids := range missed {
		for chunk := range slices.Chunk(ids, keysPerQuery) {
			err := s.app.RunInTransaction(func(tx core.App) error {
				// the victim complaints' statistics count the TPKS clock:
				// they are counted again in the same transaction
				var cases []string
				if collection == s.t.complaint.ClockCollection {
					if err := tx.DB().Select("complaint").Distinct(true).From(collection).
						Where(dbx.And(dbx.In("id", chunk...), dbx.HashExp{"status": "running", "met_at": ""})).Column(&cases); err != nil {
						return err
					}
				}
				_, err := tx.DB().Update(collection, dbx.Params{"status": "missed", "updated": dbTime(now)},
					dbx.And(dbx.In("id", chunk...), dbx.HashExp{"status": "running", "met_at": ""})).Execute()
				if err != nil {
					return err
				}
				for _, id := range cases {
					if err := s.t.refreshStats(tx, id); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

type caseRow struct {
	ID                 string         `db:"id"`
	Number             string         `db:"number"`
	Status             string         `db:"status"`
	Urgency            string         `db:"urgency"`
	Channel            string         `db:"channel"`
	AssignedTo         string         `db:"assigned_to"`
	Created            types.DateTime `db:"created"`
	FirstResponseDueAt types.DateTime `db:"first_response_due_at"`
	FirstResponseAt    types.DateTime `db:"first_response_at"`
	DueAt              types.DateTime `db:"due_at"`
	ClosedAt           types.DateTime `db:"closed_at"`
	CurrentStep        int            `db:"current_step"`
}

func (r caseRow) snapshot() reminders.Case {
	return reminders.Case{
		ID: r.ID, Number: r.Number, Status: r.Status, Urgency: r.Urgency, Channel: r.Channel, AssignedTo: r.AssignedTo,
		Created: r.Created.Time(), FirstResponseDueAt: r.FirstResponseDueAt.Time(), FirstResponseAt: r.FirstResponseAt.Time(),
		DueAt: r.DueAt.Time(), ClosedAt: r.ClosedAt.Time(),
	}
}

var caseColumns = []string{"id", "number", "status", "urgency", "channel", "assigned_to", "created",
	"first_response_due_at", "first_response_at", "due_at", "closed_at", "current_step"}

type referralRow struct {
	ID          string         `db:"id"`
	Complaint   string         `db:"complaint"`
	Status      string         `db:"status"`
	SentAt      types.DateTime `db:"sent_at"`
	RespondedAt types.DateTime `db:"responded_at"`
}

// dueQueries are the sweep's reads of complaints: each one a range on an
// index, so that the sweep reads the due cases and not the stored ones.
func (s *ReminderService) dueQueries(w reminders.Window) []*dbx.SelectQuery {
	open := make([]any, len(reminders.OpenStatuses))
	for i, st := range reminders.OpenStatuses {
		open[i] = st
	}
	q := func() *dbx.SelectQuery { return s.app.DB().Select(caseColumns...).From(s.cases) }
	queries := []*dbx.SelectQuery{
		// first response missed: idx_complaints_first_response (status, first_response_due_at)
		q().Where(dbx.HashExp{"status": reminders.StatusNew}).
			AndWhere(dbx.NewExp("first_response_due_at > '' AND first_response_due_at <= {:by}", dbx.Params{"by": dbTime(w.FirstResponseBy)})),
		// the 7-day standard: idx_complaints_status_due (status, due_at)
		q().Where(dbx.In("status", open...)).
			AndWhere(dbx.NewExp("due_at > '' AND due_at < {:before}", dbx.Params{"before": dbTime(w.SLADueBefore)})),
		// new online complaints whose alert may have been lost (created after
		// NewSince): their first response is due after their creation, so a
		// range on the same index finds them all
		q().Where(dbx.HashExp{"status": reminders.StatusNew, "channel": reminders.ChannelOnline}).
			AndWhere(dbx.NewExp("first_response_due_at > {:since}", dbx.Params{"since": dbTime(w.NewSince)})),
	}
	// every open case waiting for the supervisors' step, whenever it came
	// to wait (few at any time): idx_complaints_open_step (current_step, status)
	if step := s.t.supervisorStep(); step > 0 {
		queries = append(queries, q().Where(dbx.HashExp{"current_step": step - 1}).AndWhere(dbx.NewExp(openCaseSQL)))
	}
	return queries
}

// referralQuery reads referrals sent before the window and still unanswered.
// It needs an index on referrals (status, sent_at).
func (s *ReminderService) referralQuery(w reminders.Window) *dbx.SelectQuery {
	return s.app.DB().Select("id", "complaint", "status", "sent_at", "responded_at").From("referrals").
		Where(dbx.HashExp{"status": reminders.ReferralSent}).
		AndWhere(dbx.NewExp("sent_at > '' AND sent_at < {:before}", dbx.Params{"before": dbTime(w.ReferralSentBefore)}))
}

// dueCases reads the snapshots of every case that may be due for a reminder.
func (s *ReminderService) dueCases(now time.Time, loc *time.Location) ([]reminders.Case, error) {
	w := reminders.WindowAt(now, loc)
	byID := map[string]*reminders.Case{}
	var order []string
	rowsStep := map[string]int{}
	add := func(rows []caseRow) {
		for _, r := range rows {
			rowsStep[r.ID] = r.CurrentStep
			if _, ok := byID[r.ID]; !ok {
				c := r.snapshot()
				byID[r.ID] = &c
				order = append(order, r.ID)
			}
		}
	}
	for _, q := range s.dueQueries(w) {
		var rows []caseRow
		if err := q.All(&rows); err != nil {
			return nil, err
		}
		add(rows)
	}

	// referrals exist once their collection does
	if _, err := s.app.FindCachedCollectionByNameOrId("referrals"); err == nil {
		var refs []referralRow
		if err := s.referralQuery(w).All(&refs); err != nil {
			return nil, err
		}
		var missing []any
		for _, r := range refs {
			if _, ok := byID[r.Complaint]; !ok {
				missing = append(missing, r.Complaint)
			}
		}
		for chunk := range slices.Chunk(missing, keysPerQuery) {
			var rows []caseRow
			if err := s.app.DB().Select(caseColumns...).From(s.cases).Where(dbx.In("id", chunk...)).All(&rows); err != nil {
				return nil, err
			}
			add(rows)
		}
		for _, r := range refs {
			if c, ok := byID[r.Complaint]; ok {
				c.Referrals = append(c.Referrals, reminders.Referral{ID: r.ID, Status: r.Status, SentAt: r.SentAt.Time(), RespondedAt: r.RespondedAt.Time()})
			}
		}
	}

	if err := s.awaiting(s.app, byID, rowsStep); err != nil {
		return nil, err
	}
	out := make([]reminders.Case, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	return out, nil
}

// --- storing notifications --------------------------------------------------

type staffRow struct {
	ID    string `db:"id"`
	Email string `db:"email"`
	Name  string `db:"name"`
	Role  string `db:"role"`
}

// recipients resolves an audience to active staff. A reminder for an
// assignee who is gone (deactivated) goes to the supervisors instead.
func recipients(r reminders.Reminder, staff []staffRow) []staffRow {
	var out []staffRow
	for _, m := range staff {
		if len(r.Roles) > 0 && !slices.Contains(r.Roles, m.Role) {
			continue // a service only its roles handle
		}
		switch r.To {
		case reminders.OnDuty:
			if m.Role == "officer" || m.Role == "supervisor" {
				out = append(out, m)
			}
		case reminders.Supervisors:
			if m.Role == "supervisor" {
				out = append(out, m)
			}
		case reminders.Assignee:
			if m.ID == r.Staff {
				return []staffRow{m}
			}
		}
	}
	if r.To == reminders.Assignee {
		r.To = reminders.Supervisors
		return recipients(r, staff)
	}
	return out
}

// deliver stores a notification for every (recipient, reminder) not stored
// yet. The UNIQUE (recipient, key) index is the guarantee; the look-up first
// only spares the database a failing insert per reminder on every sweep.
//
// app may be a transaction: the notifications are then stored with whatever
// else it writes. The stored records are returned so that the caller can
// announce them (broadcast) once the write is committed.
func (s *ReminderService) deliver(app core.App, due []reminders.Reminder, loc *time.Location, rep *SweepReport) ([]*core.Record, error) {
	if len(due) == 0 {
		return nil, nil
	}
	var staff []staffRow
	if err := app.DB().Select("id", "email", "name", "role").From("staff").
		Where(dbx.HashExp{"active": true}).OrderBy("id").All(&staff); err != nil {
		return nil, err
	}

	type planned struct {
		r  reminders.Reminder
		to staffRow
	}
	var plan []planned
	cases := map[string]bool{}    // victim complaints, by id
	services := map[string]bool{} // cases of other services, by id
	for _, r := range due {
		to := recipients(r, staff)
		if len(to) == 0 {
			rep.Unrouted = append(rep.Unrouted, r.Key)
			s.logger().Warn("reminder has no active recipient", "key", r.Key, "audience", string(r.To))
			continue
		}
		for _, m := range to {
			plan = append(plan, planned{r, m})
		}
		if r.Service == "" {
			cases[r.CaseID] = true
		} else {
			services[r.CaseID] = true
		}
	}
	if len(plan) == 0 {
		return nil, nil
	}

	stored, err := s.storedKeys(app, slices.Sorted(maps.Keys(cases)))
	if err != nil {
		return nil, err
	}
	if len(services) > 0 {
		if err := s.storedServiceKeys(app, slices.Sorted(maps.Keys(services)), stored); err != nil {
			return nil, err
		}
	}
	collection, err := app.FindCachedCollectionByNameOrId("notifications")
	if err != nil {
		return nil, err
	}
	var created []*core.Record
	var todo []planned
	for _, p := range plan {
		if stored[p.to.ID+"\x00"+p.r.Key] {
			rep.Existing++
			continue
		}
		stored[p.to.ID+"\x00"+p.r.Key] = true // the same reminder twice in one sweep
		todo = append(todo, p)
	}
	// one INSERT per batch: a burst of complaints alerting every person on
	// duty is a few statements, not a record save per person and case. The
	// unique (recipient, key) index keeps a reminder stored once, whoever
	// stores it first (another sweep, another process).
	for chunk := range slices.Chunk(todo, saveBatch) {
		stamp := types.NowDateTime().String()
		type pending struct {
			p   planned
			row map[string]any
		}
		byID := make(map[string]pending, len(chunk))
		var sb strings.Builder
		sb.WriteString("INSERT INTO notifications (id, recipient, complaint, service, case_id, kind, message, read, key, email_status, email_attempts, created, updated) VALUES ")
		params := dbx.Params{"stamp": stamp}
		for i, p := range chunk {
			status := "pending"
			if p.to.Email == "" {
				status = "skipped"
			}
			complaint, caseID := p.r.CaseID, ""
			if p.r.Service != "" {
				// the case is another service's: case_id and service name it
				complaint, caseID = "", p.r.CaseID
			}
			row := map[string]any{
				"id": core.GenerateDefaultRandomId(), "recipient": p.to.ID, "complaint": complaint, "service": p.r.Service, "case_id": caseID, "kind": string(p.r.Kind),
				"message": clip(p.r.Message(loc), 1000), "read": false, "key": clip(p.r.Key, 200), "email_status": status, "email_attempts": 0,
				"created": stamp, "updated": stamp,
			}
			byID[row["id"].(string)] = pending{p, row}
			if i > 0 {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "({:id%[1]d}, {:to%[1]d}, {:case%[1]d}, {:svc%[1]d}, {:cid%[1]d}, {:kind%[1]d}, {:msg%[1]d}, FALSE, {:key%[1]d}, {:st%[1]d}, 0, {:stamp}, {:stamp})", i)
			params[fmt.Sprint("id", i)], params[fmt.Sprint("to", i)], params[fmt.Sprint("case", i)] = row["id"], row["recipient"], row["complaint"]
			params[fmt.Sprint("svc", i)], params[fmt.Sprint("cid", i)] = row["service"], row["case_id"]
			params[fmt.Sprint("kind", i)], params[fmt.Sprint("msg", i)], params[fmt.Sprint("key", i)] = row["kind"], row["message"], row["key"]
			params[fmt.Sprint("st", i)] = status
		}
		sb.WriteString(" ON CONFLICT (recipient, key) DO NOTHING RETURNING id")
		var inserted []struct {
			ID string `db:"id"`
		}
		if err := app.DB().NewQuery(sb.String()).Bind(params).All(&inserted); err != nil {
			return nil, fmt.Errorf("notifications: %w", err)
		}
		rep.Existing += len(chunk) - len(inserted)
		for _, ins := range inserted {
			n := byID[ins.ID]
			rep.Created = append(rep.Created, Notice{Key: n.p.r.Key, Kind: string(n.p.r.Kind), Number: n.p.r.Number,
				Recipient: fmt.Sprintf("%s <%s>", n.p.to.Name, n.p.to.Email), Message: n.row["message"].(string)})
			rec := core.NewRecord(collection)
			rec.Load(n.row)
			rec.MarkAsNotNew()
			created = append(created, rec)
		}
	}
	return created, nil
}

// announce tells the consoles of the people on duty about notifications
// stored with a raw insert, as PocketBase does for any record it saves
// (realtime subscriptions, after-create hooks). Call it after the commit.
func (s *ReminderService) announce(recs []*core.Record) {
	for _, rec := range recs {
		ev := &core.ModelEvent{App: s.app, Context: context.Background(), Type: core.ModelEventTypeCreate}
		ev.Model = rec
		if err := s.app.OnModelAfterCreateSuccess().Trigger(ev); err != nil {
			s.logger().Warn("notification not broadcast", "notification", rec.Id, "error", err)
		}
	}
}

// storedKeysQuery reads the (recipient, key) pairs stored for some cases.
func storedKeysQuery(app core.App, caseIDs []any) *dbx.SelectQuery {
	return app.DB().Select("recipient", "key").From("notifications").Where(dbx.In("complaint", caseIDs...))
}

// storedKeys looks up which (recipient, key) pairs exist among the
// notifications of the given cases, through idx_notifications_complaint: one
// probe per case (probing the (recipient, key) index would take one per
// person and key).
func (s *ReminderService) storedKeys(app core.App, caseIDs []string) (map[string]bool, error) {
	out := map[string]bool{}
	for chunk := range slices.Chunk(caseIDs, keysPerQuery) {
		vals := make([]any, len(chunk))
		for i, id := range chunk {
			vals[i] = id
		}
		var rows []struct {
			Recipient string `db:"recipient"`
			Key       string `db:"key"`
		}
		if err := storedKeysQuery(app, vals).All(&rows); err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.Recipient+"\x00"+r.Key] = true
		}
	}
	return out, nil
}

// storedServiceKeys adds the (recipient, key) pairs stored for cases of
// services other than the victim complaints (idx_notifications_case).
func (s *ReminderService) storedServiceKeys(app core.App, caseIDs []string, out map[string]bool) error {
	for chunk := range slices.Chunk(caseIDs, keysPerQuery) {
		vals := make([]any, len(chunk))
		for i, id := range chunk {
			vals[i] = id
		}
		var rows []struct {
			Recipient string `db:"recipient"`
			Key       string `db:"key"`
		}
		// "case_id != ''" is the partial index's own condition (SQLite uses
		// such an index only for a query that says it)
		if err := app.DB().Select("recipient", "key").From("notifications").Where(dbx.In("case_id", vals...)).
			AndWhere(dbx.NewExp("case_id != ''")).All(&rows); err != nil {
			return err
		}
		for _, r := range rows {
			out[r.Recipient+"\x00"+r.Key] = true
		}
	}
	return nil
}

func dbTime(t time.Time) string { return t.UTC().Format(types.DefaultDateLayout) }

// ArrivalInTx stores the notice of a new case of a service for the
// audience its definition names (notify_on_arrival), inside the transaction
// that stores the case. A failure is logged, never fatal to the case.
func (s *ReminderService) ArrivalInTx(tx core.App, svc *Service, rec *core.Record) []*core.Record {
	desc := svc.Desc()
	if desc == nil || desc.NotifyOnArrival == "" {
		return nil
	}
	office, err := s.t.Office(tx)
	if err != nil {
		s.logger().Error("arrival notice not stored", "case", rec.GetString("number"), "error", err)
		return nil
	}
	now := s.t.now()
	due := reminders.NewSubmission(rec.Id, rec.GetString("number"), svc.ID(), desc.Name, reminders.Audience(desc.NotifyOnArrival), svc.Roles(), now, office.Location())
	created, err := s.deliver(tx, due, office.Location(), &SweepReport{Now: now})
	if err != nil {
		s.logger().Error("arrival notice not stored", "case", rec.GetString("number"), "error", err)
		return nil
	}
	return created
}

// --- the new-complaint alert ------------------------------------------------

// AlertInTx stores the alert of a new online complaint for everyone on duty,
// inside the transaction that stores the complaint: the case and its alert
// are committed together. The caller announces the returned records after the
// commit (announce) and wakes the mailer for an emergency (workSoon). A
// failure is logged, never fatal to the complaint: the next sweep finds a
// new complaint without its alert and stores it (dueQueries).
func (s *ReminderService) AlertInTx(tx core.App, rec *core.Record) []*core.Record {
	if s.digestInTx(tx, rec) {
		return nil // the minute's digest alerts it (digest.go)
	}
	row := caseRow{
		ID: rec.Id, Number: rec.GetString("number"), Status: rec.GetString("status"), Urgency: rec.GetString("urgency"),
		Channel: rec.GetString("channel"), AssignedTo: rec.GetString("assigned_to"), Created: rec.GetDateTime("created"),
		FirstResponseDueAt: rec.GetDateTime("first_response_due_at"), FirstResponseAt: rec.GetDateTime("first_response_at"),
		DueAt: rec.GetDateTime("due_at"), ClosedAt: rec.GetDateTime("closed_at"),
	}
	office, err := s.t.Office(tx)
	if err != nil {
		s.logger().Error("new complaint alert not stored; the next sweep stores it", "case", row.Number, "error", err)
		return nil
	}
	due := reminders.NewComplaint(row.snapshot(), s.t.now(), office.Location())
	created, err := s.deliver(tx, due, office.Location(), &SweepReport{Now: s.t.now()})
	if err != nil {
		s.logger().Error("new complaint alert not stored; the next sweep stores it", "case", row.Number, "error", err)
		return nil
	}
	return created
}

// Announced finishes an alert once its complaint is committed: the consoles
// hear of it at once, and an emergency's mails go out at once (a normal
// complaint's mail waits for the sweep; see sendMails).
func (s *ReminderService) Announced(created []*core.Record) {
	s.announce(created)
	for _, rec := range created {
		if rec.GetString("kind") != string(reminders.KindNewComplaint) {
			s.workSoon()
			return
		}
	}
}

// workSoon runs the background mailer for the mails that go out at once.
// At most one runs; a call while it runs makes it go round once more, so no
// stored mail is left behind and a burst costs one sender.
func (s *ReminderService) workSoon() {
	s.workAgain.Store(true)
	if !s.working.CompareAndSwap(false, true) {
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		for {
			for s.workAgain.Swap(false) {
				func() {
					defer s.recoverPanic("background mail")
					// a full batch may have left more behind; an outbox
					// that failed (server down) waits for the sweep
					if rep := s.sendMails(s.t.now(), false); rep.Sent+rep.Skipped >= mailBatch {
						s.workAgain.Store(true)
					}
				}()
			}
			s.working.Store(false)
			// a call between the last Swap and Store found the worker busy
			if !s.workAgain.Load() || !s.working.CompareAndSwap(false, true) {
				return
			}
		}
	}()
}

// Wait blocks until the background mailer has finished.
func (s *ReminderService) Wait() { s.bg.Wait() }

// keepMailState makes the mail fields the sweep's alone. An update through
// the API or the admin panel writes every column of the record; without
// this, marking a notification read while its mail is being sent would put
// back the old mail state, and the mail would go out twice.
func keepMailState(e *core.RecordEvent) error {
	return inTx(e, func(tx core.App) error {
		fresh, err := tx.FindRecordById("notifications", e.Record.Id)
		if err != nil {
			return err
		}
		for _, f := range []string{"email_status", "email_attempts", "email_error", "emailed_at", "email_lease_until"} {
			e.Record.Set(f, fresh.Get(f))
		}
		return e.Next()
	})
}

// --- the disposition (step 7) ------------------------------------------------

// openCaseSQL is the condition of the partial indexes on open cases, as
// written in them (SQLite uses such an index only for this very text).
const openCaseSQL = "status IN ('new', 'in_progress', 'awaiting_requirements')"

// supervisorStep is the first step only supervisors may record (the
// disposition, step 7), 0 if the workflow has none. A case whose current
// step is the one before waits for a supervisor, and nobody else can move it.
func (t *Teduh) supervisorStep() int {
	for _, st := range t.complaint.Defs.Workflow.Steps {
		if len(st.Roles) == 1 && st.Roles[0] == "supervisor" {
			return st.Number
		}
	}
	return 0
}

// awaiting marks the cases waiting for the supervisors' step, with the
// moment they came to wait: when their previous step was recorded.
func (s *ReminderService) awaiting(app core.App, cases map[string]*reminders.Case, currentStep map[string]int) error {
	step := s.t.supervisorStep()
	if step == 0 {
		return nil
	}
	var ids []any
	for id, c := range cases {
		if currentStep[id] == step-1 && c.Open() {
			ids = append(ids, id)
		}
	}
	for chunk := range slices.Chunk(ids, keysPerQuery) {
		var rows []struct {
			Complaint string         `db:"complaint"`
			At        types.DateTime `db:"at"`
		}
		if err := s.awaitingQuery(app, chunk, step-1).All(&rows); err != nil {
			return err
		}
		since := map[string]time.Time{}
		for _, r := range rows {
			since[r.Complaint] = r.At.Time()
		}
		for _, id := range chunk {
			c := cases[id.(string)]
			c.AwaitingStep, c.AwaitingSince = step, since[c.ID]
			if c.AwaitingSince.IsZero() {
				c.AwaitingSince = c.Created // a case written without its step records
			}
		}
	}
	return nil
}

// awaitingQuery reads when each of some cases recorded a step, through
// idx_case_steps_advance (complaint, step), partial on the advancing outcomes.
func (s *ReminderService) awaitingQuery(app core.App, caseIDs []any, step int) *dbx.SelectQuery {
	return app.DB().Select("complaint", "MAX(created) AS at").From(s.t.complaint.StepCollection).
		Where(dbx.In("complaint", caseIDs...)).AndWhere(dbx.HashExp{"step": step}).
		AndWhere(dbx.NewExp("outcome IN ('done', 'skipped', 'withdrawn')")).
		GroupBy("complaint")
}

// dispositionWaiting tells every active supervisor, as soon as a step
// record leaves a case waiting for them (step 6 done: the disposition is
// next), and mails them at once. A failure is logged, never fatal to the
// step: the next sweep finds the waiting case and tells them.
func (s *ReminderService) dispositionWaiting(e *core.RecordEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	step := s.t.supervisorStep()
	if step == 0 || e.Record.GetInt("step") != step-1 {
		return nil
	}
	var row caseRow
	err := e.App.DB().Select(caseColumns...).From(s.cases).Where(dbx.HashExp{"id": e.Record.GetString("complaint")}).One(&row)
	if err != nil || row.CurrentStep != step-1 {
		return nil // not advanced (a progress note), or gone
	}
	office, err := s.t.Office(e.App)
	if err != nil {
		s.logger().Error("disposition notice not stored; the next sweep stores it", "case", row.Number, "error", err)
		return nil
	}
	// the case has come to wait this moment (the step record's own time is
	// the wall clock's; the rules read the application's clock)
	now := s.t.now()
	c := row.snapshot()
	c.AwaitingStep, c.AwaitingSince = step, now
	created, err := s.deliver(e.App, reminders.Disposition(c, now, office.Location()), office.Location(), &SweepReport{Now: now})
	if err != nil {
		s.logger().Error("disposition notice not stored; the next sweep stores it", "case", row.Number, "error", err)
		return nil
	}
	s.announce(created)
	if len(created) > 0 {
		s.workSoon()
	}
	return nil
}

// --- the scheduler ------------------------------------------------------------

// SweepInterval is the scheduler's interval: TEDUH_SWEEP_MINUTES, or 5 minutes.
func SweepInterval() (time.Duration, error) {
	v := strings.TrimSpace(os.Getenv("TEDUH_SWEEP_MINUTES"))
	if v == "" {
		return DefaultSweepMinutes * time.Minute, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 24*60 {
		return DefaultSweepMinutes * time.Minute, fmt.Errorf("TEDUH_SWEEP_MINUTES=%q is not a number of minutes between 1 and 1440; using %d", v, DefaultSweepMinutes)
	}
	return time.Duration(n) * time.Minute, nil
}

// startWithServer starts the scheduler when the HTTP server starts (not for
// CLI commands, and not for test apps that only build the router).
func (s *ReminderService) startWithServer(se *core.ServeEvent) error {
	if err := se.Next(); err != nil {
		return err
	}
	if se.Server == nil {
		return nil
	}
	every, err := SweepInterval()
	if err != nil {
		s.logger().Warn(err.Error())
	}
	return s.Start(every)
}

// Start runs a sweep at once — catching up on whatever came due while the
// server was stopped — and then every interval. The job is a singleton: a
// sweep that is still running when the next one is due makes it skip.
func (s *ReminderService) Start(every time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.scheduler != nil {
		return nil
	}
	sch, err := gocron.NewScheduler(gocron.WithStopTimeout(time.Minute))
	if err != nil {
		return err
	}
	_, err = sch.NewJob(gocron.DurationJob(every), gocron.NewTask(s.scheduledSweep),
		gocron.WithName("teduh-reminder-sweep"),
		gocron.WithSingletonMode(gocron.LimitModeReschedule),
		gocron.WithStartAt(gocron.WithStartImmediately()),
	)
	if err != nil {
		_ = sch.Shutdown()
		return err
	}
	sch.Start()
	s.scheduler = sch
	s.logger().Info("reminder scheduler started", "every", every.String())
	return nil
}

// Stop stops the scheduler, waiting for a running sweep and for background
// mails to finish.
func (s *ReminderService) Stop() {
	s.mu.Lock()
	sch := s.scheduler
	s.scheduler = nil
	s.mu.Unlock()
	if sch != nil {
		if err := sch.Shutdown(); err != nil {
			s.logger().Error("reminder scheduler stop", "error", err)
		}
	}
	s.bg.Wait()
}

// FirstSweepDone is closed when the scheduler's start-up sweep has finished.
func (s *ReminderService) FirstSweepDone() <-chan struct{} { return s.first }

// scheduledSweep is the job: a failure or a panic is logged, and the server
// goes on (the next run tries again).
func (s *ReminderService) scheduledSweep() {
	defer s.firstOnce.Do(func() { close(s.first) })
	defer s.recoverPanic("reminder sweep")
	now := s.t.now()
	rep, err := s.sweep(now)
	if err != nil {
		s.logger().Error("reminder sweep failed; retrying at the next run", "error", err)
		return
	}
	if len(rep.Created) > 0 || rep.Mail.Sent+rep.Mail.Failed+rep.Mail.Skipped > 0 || len(rep.Unrouted) > 0 {
		s.logger().Info("reminder sweep", "cases", rep.Cases, "notifications", len(rep.Created), "already_sent", rep.Existing,
			"mails_sent", rep.Mail.Sent, "mails_failed", rep.Mail.Failed, "mails_skipped", rep.Mail.Skipped, "unrouted", len(rep.Unrouted))
	}
}

func (s *ReminderService) recoverPanic(what string) {
	if r := recover(); r != nil {
		s.logger().Error(what+" panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	}
}

// --- the command ----------------------------------------------------------------

// RemindersCommand is `teduh reminders run [--now TIME]`: one sweep, for
// operators and tests. It is safe next to a running server.
func RemindersCommand(app core.App) *cobra.Command {
	cmd := &cobra.Command{Use: "reminders", Short: "Pengingat tenggat kasus dan notifikasi"}
	var at string
	run := &cobra.Command{
		Use:          "run",
		Short:        "Jalankan satu kali sapuan pengingat lalu tampilkan hasilnya",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(c *cobra.Command, args []string) error {
			s, _ := app.Store().Get(remindersStoreKey).(*ReminderService)
			if s == nil {
				return errors.New("layanan pengingat belum terpasang")
			}
			if err := app.RunAllMigrations(); err != nil {
				return fmt.Errorf("basis data belum siap: %w", err)
			}
			if err := s.t.EnsureServices(app); err != nil {
				return err
			}
			now := s.t.now()
			if at != "" {
				var err error
				if now, err = time.Parse(time.RFC3339, at); err != nil {
					return fmt.Errorf("--now harus berformat RFC 3339, misalnya 2026-12-04T08:00:00+07:00: %w", err)
				}
			}
			rep, err := s.Sweep(now)
			if rep != nil {
				printReport(c, s, rep)
			}
			return err
		},
	}
	run.Flags().StringVar(&at, "now", "", "waktu sapuan (RFC 3339), misalnya 2026-12-04T08:00:00+07:00; bawaan: sekarang")
	cmd.AddCommand(run)
	return cmd
}

func printReport(c *cobra.Command, s *ReminderService, rep *SweepReport) {
	loc := time.UTC
	if office, err := s.t.Office(s.app); err == nil {
		loc = office.Location()
	}
	out := c.OutOrStdout()
	fmt.Fprintf(out, "Sapuan pengingat pada %s\n", reminders.FormatTime(rep.Now, loc))
	fmt.Fprintf(out, "Kasus yang diperiksa: %d\n", rep.Cases)
	fmt.Fprintf(out, "Notifikasi baru: %d (sudah pernah dikirim: %d)\n", len(rep.Created), rep.Existing)
	for _, n := range rep.Created {
		fmt.Fprintf(out, "  + %s  %s → %s\n", n.Number, n.Kind, n.Recipient)
	}
	for _, k := range rep.Unrouted {
		fmt.Fprintf(out, "  ! %s: tidak ada petugas aktif yang dapat menerimanya\n", k)
	}
	fmt.Fprintf(out, "E-mail: %d terkirim, %d gagal (%d di antaranya dihentikan setelah percobaan terakhir, sisanya dicoba lagi nanti), %d dilewati\n",
		rep.Mail.Sent, rep.Mail.Failed, rep.Mail.GaveUp, rep.Mail.Skipped)
	for _, e := range rep.Mail.Errors {
		fmt.Fprintf(out, "  ! %s\n", e)
	}
}

// readAllNotifications serves POST /api/notifications/read-all: the caller's
// notifications are all marked read in one statement (the mail state is
// untouched). It answers how many changed.
func (t *Teduh) readAllNotifications(e *core.RequestEvent) error {
	if e.Auth == nil || e.Auth.Collection().Name != "staff" {
		return router.NewForbiddenError("Hanya petugas yang memiliki pemberitahuan.", nil)
	}
	res, err := e.App.NonconcurrentDB().Update("notifications",
		dbx.Params{"read": true, "updated": dbTime(time.Now())},
		dbx.HashExp{"recipient": e.Auth.Id, "read": false}).Execute()
	if err != nil {
		return err
	}
	n, _ := res.RowsAffected()
	return e.JSON(http.StatusOK, map[string]any{"updated": n})
}
