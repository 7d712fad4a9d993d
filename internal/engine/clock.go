package engine

import (
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Declared clocks: deadlines a workflow keeps per case beside its steps
// (the TPKS 3×24-hour police report, a service complaint's answer deadline
// in working days). A clock says when it starts (at submission, at a step,
// at an effect; optionally only while a condition on the case data holds),
// how long it runs, what meets it, who is reminded when, and who hears of
// it once it is missed. The rules here are pure: the glue keeps one row per
// case and clock and applies the changes they return.

// Clock statuses, stored per case.
const (
	ClockRunning   = "running"
	ClockMet       = "met"
	ClockMissed    = "missed"
	ClockCancelled = "cancelled"
)

// Where a clock starts.
const (
	StartSubmission = "submission"
	StartStep       = "step"
	StartEffect     = "effect"
)

// Who hears of a clock.
const (
	ToAssignee    = "assignee"
	ToSupervisors = "supervisors"
	ToOnDuty      = "on_duty"
)

var audiences = []string{ToAssignee, ToSupervisors, ToOnDuty}

// Clock is one declared deadline of a workflow.
type Clock struct {
	ID         string           `json:"id"`
	Label      string           `json:"label"`
	Help       string           `json:"help,omitempty"`
	Start      ClockStart       `json:"start"`
	Length     Duration         `json:"length"`
	MetBy      []ClockEvent     `json:"met_by"`
	Reminders  []ClockReminder  `json:"reminders,omitempty"`
	Escalation *ClockEscalation `json:"escalation,omitempty"`
}

// ClockStart is when a clock starts: at the submission, when a step is
// recorded (an advancing outcome) or when an effect happens; with When, only
// once the case data satisfies it (checked at submission, after every step
// and every correction of the data, so data added later, as at step 6,
// starts it then). A clock that
// starts at submission counts from the submission even when it starts later.
type ClockStart struct {
	At     string     `json:"at"`
	Step   string     `json:"step,omitempty"`
	Effect string     `json:"effect,omitempty"`
	When   *Condition `json:"when,omitempty"`
}

// ClockEvent is one thing that meets a clock: exactly one of a step
// recorded (optionally with one outcome, optionally with its data matching
// When), an effect, a referral sent to an institution of a type, or a staff
// member recording it by hand (Manual).
type ClockEvent struct {
	Step         string     `json:"step,omitempty"`
	Outcome      string     `json:"outcome,omitempty"`
	When         *Condition `json:"when,omitempty"`
	Effect       string     `json:"effect,omitempty"`
	ReferralSent string     `json:"referral_sent,omitempty"`
	Manual       *ManualMet `json:"manual,omitempty"`
}

// ManualMet lets staff record by hand that a clock is met ("the police
// report was made"), with a note.
type ManualMet struct {
	Label string   `json:"label"`
	Help  string   `json:"help,omitempty"`
	Roles []string `json:"roles"`
}

// ClockReminder is one reminder while a clock runs: After its start or
// BeforeDue, to an audience.
type ClockReminder struct {
	After     *Duration `json:"after,omitempty"`
	BeforeDue *Duration `json:"before_due,omitempty"`
	To        string    `json:"to"`
}

// ClockEscalation is who hears of a clock missed, at its deadline.
type ClockEscalation struct {
	To string `json:"to"`
}

// Clock returns the declared clock with that id, or nil.
func (w *Workflow) Clock(id string) *Clock {
	for i := range w.Clocks {
		if w.Clocks[i].ID == id {
			return &w.Clocks[i]
		}
	}
	return nil
}

// stepByCode finds a step by its code.
func (w *Workflow) stepByCode(code string) *Step {
	for i := range w.Steps {
		if w.Steps[i].Code == code {
			return &w.Steps[i]
		}
	}
	return nil
}

// StepByCode finds a step by its code, nil when there is none.
func (w *Workflow) StepByCode(code string) *Step { return w.stepByCode(code) }

// CaseFields are the names a condition on the case data may use: the form's
// fields and the step fields copied onto the case.
func (w *Workflow) CaseFields(form *Form) []string {
	var out []string
	if form != nil {
		for _, f := range form.Fields() {
			out = append(out, f.Name)
		}
	}
	for _, s := range w.Steps {
		for _, o := range s.Outcomes {
			for _, f := range CopyFields(o.Effects) {
				if !slices.Contains(out, f) {
					out = append(out, f)
				}
			}
		}
	}
	return out
}

func (w *Workflow) checkClocks(form *Form) error {
	caseFields := w.CaseFields(form)
	for i := range w.Clocks {
		c := &w.Clocks[i]
		where := fmt.Sprintf("clocks[%d]", i)
		if !nameRe.MatchString(c.ID) {
			return fmt.Errorf("%s: id %q must be lower-case letters, digits and _", where, c.ID)
		}
		where = fmt.Sprintf("clock %q", c.ID)
		if slices.ContainsFunc(w.Clocks[:i], func(o Clock) bool { return o.ID == c.ID }) {
			return fmt.Errorf("%s: declared twice", where)
		}
		if c.Label == "" {
			return fmt.Errorf("%s: label is required", where)
		}
		switch c.Start.At {
		case StartSubmission:
			if c.Start.Step != "" || c.Start.Effect != "" {
				return fmt.Errorf("%s: start at submission takes no step or effect", where)
			}
		case StartStep:
			if w.stepByCode(c.Start.Step) == nil {
				return fmt.Errorf("%s: start.step %q is not a step of this workflow", where, c.Start.Step)
			}
		case StartEffect:
			if !slices.Contains(knownEffects, c.Start.Effect) {
				return fmt.Errorf("%s: start.effect %q is not an effect (known: %v)", where, c.Start.Effect, knownEffects)
			}
		default:
			return fmt.Errorf("%s: start.at must be %q, %q or %q", where, StartSubmission, StartStep, StartEffect)
		}
		for _, ref := range c.Start.When.referencedFields() {
			if !slices.Contains(caseFields, ref) {
				return fmt.Errorf("%s: start.when refers to %q, which is not a field of the case (known: %v)", where, ref, caseFields)
			}
		}
		if err := c.Length.check(false); err != nil {
			return fmt.Errorf("%s: length: %w", where, err)
		}
		if len(c.MetBy) == 0 {
			return fmt.Errorf("%s: met_by needs at least one event, or the clock could never be met", where)
		}
		for j, ev := range c.MetBy {
			if err := w.checkClockEvent(ev); err != nil {
				return fmt.Errorf("%s: met_by[%d]: %w", where, j, err)
			}
		}
		for j, r := range c.Reminders {
			if (r.After == nil) == (r.BeforeDue == nil) {
				return fmt.Errorf("%s: reminders[%d]: give after or before_due", where, j)
			}
			d := r.After
			if d == nil {
				d = r.BeforeDue
			}
			if err := d.check(r.BeforeDue != nil); err != nil {
				return fmt.Errorf("%s: reminders[%d]: %w", where, j, err)
			}
			if !slices.Contains(audiences, r.To) {
				return fmt.Errorf("%s: reminders[%d]: to must be one of %v", where, j, audiences)
			}
		}
		if c.Escalation != nil && !slices.Contains(audiences, c.Escalation.To) {
			return fmt.Errorf("%s: escalation.to must be one of %v", where, audiences)
		}
	}
	return nil
}

func (w *Workflow) checkClockEvent(ev ClockEvent) error {
	kinds := 0
	for _, set := range []bool{ev.Step != "", ev.Effect != "", ev.ReferralSent != "", ev.Manual != nil} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return fmt.Errorf("give exactly one of step, effect, referral_sent or manual")
	}
	if (ev.Outcome != "" || ev.When != nil) && ev.Step == "" {
		return fmt.Errorf("outcome and when only apply to a step")
	}
	switch {
	case ev.Step != "":
		s := w.stepByCode(ev.Step)
		if s == nil {
			return fmt.Errorf("step %q is not a step of this workflow", ev.Step)
		}
		if ev.Outcome != "" && s.Outcome(ev.Outcome) == nil {
			return fmt.Errorf("step %q has no outcome %q", ev.Step, ev.Outcome)
		}
		for _, ref := range ev.When.referencedFields() {
			if !slices.ContainsFunc(s.Fields, func(f Field) bool { return f.Name == ref }) {
				return fmt.Errorf("when refers to %q, which is not a field of step %q", ref, ev.Step)
			}
		}
	case ev.Effect != "":
		if !slices.Contains(knownEffects, ev.Effect) {
			return fmt.Errorf("effect %q is not an effect (known: %v)", ev.Effect, knownEffects)
		}
	case ev.ReferralSent != "":
		types := w.registry.staticOptions[w.registry.referralTypes]
		if w.registry.referralTypes == "" || !slices.ContainsFunc(types, func(o Option) bool { return o.Code == ev.ReferralSent }) {
			return fmt.Errorf("referral_sent %q is not a type of referral institution", ev.ReferralSent)
		}
	case ev.Manual != nil:
		if ev.Manual.Label == "" || len(ev.Manual.Roles) == 0 {
			return fmt.Errorf("manual needs a label and the roles that may record it")
		}
		for _, r := range ev.Manual.Roles {
			if len(w.registry.roles) > 0 && !slices.Contains(w.registry.roles, r) {
				return fmt.Errorf("manual: unknown role %q (known: %v)", r, w.registry.roles)
			}
		}
	}
	return nil
}

// --- what happens to a case, and what it does to its clocks --------------

// Happening kinds.
const (
	HappenSubmission   = "submission"
	HappenStep         = "step"
	HappenReferralSent = "referral_sent"
	HappenManual       = "manual"
	// staff corrected the case's data ("Ubah data")
	HappenEdit = "edit"
)

// Happening is one thing that happened to a case, as the clock rules see it.
type Happening struct {
	Kind string
	At   time.Time
	// a recorded step: the decision the workflow took
	Decision *Decision
	// a referral sent: the type of its institution
	ReferralType string
	// a clock met by hand
	Clock string
}

// ClockRow is a clock as stored for one case.
type ClockRow struct {
	Clock     string
	StartedAt time.Time
	DueAt     time.Time
	MetAt     time.Time
	Status    string
}

// ClockChange is what the rules decided for one clock of a case: start it
// (a new row), meet it, or stop it because the case closed.
type ClockChange struct {
	Clock     *Clock
	Start     bool
	StartedAt time.Time
	DueAt     time.Time
	Met       bool
	MetAt     time.Time
	MetBy     string // what met it: "step:<code>", "effect:<name>", "referral_sent:<type>", "manual"
	Stopped   bool
	Status    string // the status afterwards
}

// ClockCase is what the clock rules read of a case: its data after the
// happening (form fields and step fields copied onto it) and when it was
// submitted.
type ClockCase struct {
	Values    Values
	Submitted time.Time
}

// ClockChanges applies a happening to a case's clocks. It is pure: rows are
// the clocks already stored for the case.
func (w *Workflow) ClockChanges(c ClockCase, rows []ClockRow, h Happening, cal *Calendar) []ClockChange {
	var out []ClockChange
	closing := h.Decision != nil && HasEffect(h.Decision.Effects, EffectCloseCase)
	for i := range w.Clocks {
		cl := &w.Clocks[i]
		idx := slices.IndexFunc(rows, func(r ClockRow) bool { return r.Clock == cl.ID })
		if idx < 0 {
			if closing {
				continue // a case that closes starts nothing
			}
			anchor, ok := cl.startsAt(c, h)
			if !ok {
				continue
			}
			ch := ClockChange{Clock: cl, Start: true, StartedAt: anchor, DueAt: cl.Length.After(anchor, cal), Status: ClockRunning}
			if by, met := cl.metBy(h); met && h.Kind != HappenSubmission {
				ch.Met, ch.MetAt, ch.MetBy, ch.Status = true, h.At, by, metStatus(h.At, ch.DueAt)
			}
			out = append(out, ch)
			continue
		}
		row := rows[idx]
		if !row.MetAt.IsZero() || row.Status == ClockCancelled || row.Status == ClockMet {
			continue
		}
		if by, met := cl.metBy(h); met {
			status := row.Status
			if status == ClockRunning {
				status = metStatus(h.At, row.DueAt)
			}
			out = append(out, ClockChange{Clock: cl, Met: true, MetAt: h.At, MetBy: by, Status: status})
			continue
		}
		if row.Status != ClockRunning {
			continue
		}
		// the case closed, or its data no longer calls for the clock (step
		// 6 found no sexual violence after all): it stops
		gone := (h.Kind == HappenStep || h.Kind == HappenEdit) && cl.Start.When != nil && !cl.Start.When.Matches(c.Values)
		if closing || gone {
			status := ClockCancelled
			if closing && !h.At.Before(row.DueAt) {
				status = ClockMissed
			}
			out = append(out, ClockChange{Clock: cl, Stopped: true, Status: status})
		}
	}
	return out
}

// metStatus: met on time, or met late (which is a missed deadline).
func metStatus(at, due time.Time) string {
	if at.After(due) {
		return ClockMissed
	}
	return ClockMet
}

// startsAt tells whether the happening starts the clock, and from when.
func (cl *Clock) startsAt(c ClockCase, h Happening) (time.Time, bool) {
	if !cl.Start.When.Matches(c.Values) {
		return time.Time{}, false
	}
	switch cl.Start.At {
	case StartSubmission:
		// at the submission, or later once the case data says so
		if h.Kind == HappenSubmission || h.Kind == HappenStep || h.Kind == HappenEdit {
			return c.Submitted, true
		}
	case StartStep:
		if d := h.Decision; d != nil && d.Advances && d.Step.Code == cl.Start.Step && d.Outcome != OutcomeWithdrawn {
			return h.At, true
		}
	case StartEffect:
		if d := h.Decision; d != nil && HasEffect(d.Effects, cl.Start.Effect) {
			return h.At, true
		}
	}
	return time.Time{}, false
}

// metBy tells whether the happening meets the clock, and names what met it.
func (cl *Clock) metBy(h Happening) (string, bool) {
	for _, ev := range cl.MetBy {
		switch {
		case ev.Step != "":
			d := h.Decision
			if d == nil || d.Step.Code != ev.Step || d.Outcome == OutcomeWithdrawn {
				continue
			}
			if ev.Outcome != "" && d.Outcome != ev.Outcome {
				continue
			}
			if ev.Outcome == "" && !d.Advances {
				continue
			}
			if !ev.When.Matches(d.Data) {
				continue
			}
			return "step:" + ev.Step, true
		case ev.Effect != "":
			if d := h.Decision; d != nil && HasEffect(d.Effects, ev.Effect) {
				return "effect:" + ev.Effect, true
			}
		case ev.ReferralSent != "":
			if h.Kind == HappenReferralSent && h.ReferralType == ev.ReferralSent {
				return "referral_sent:" + ev.ReferralSent, true
			}
		case ev.Manual != nil:
			if h.Kind == HappenManual && h.Clock == cl.ID {
				return "manual", true
			}
		}
	}
	return "", false
}

// MetByReferral lists the institution types whose sent referral meets the clock.
func (cl *Clock) MetByReferral() []string {
	var out []string
	for _, ev := range cl.MetBy {
		if ev.ReferralSent != "" {
			out = append(out, ev.ReferralSent)
		}
	}
	return out
}

// Manual is the clock's by-hand event, nil when it has none.
func (cl *Clock) Manual() *ManualMet {
	for i := range cl.MetBy {
		if cl.MetBy[i].Manual != nil {
			return cl.MetBy[i].Manual
		}
	}
	return nil
}

// CheckManual tells whether a staff member with roles may record by hand
// that the clock is met.
func (cl *Clock) CheckManual(roles []string) *Refusal {
	m := cl.Manual()
	if m == nil {
		return refuse(http.StatusBadRequest, "clock", "not_manual", fmt.Sprintf("Tenggat \"%s\" tidak dicatat dengan tangan: tenggat ini terpenuhi oleh langkah atau rujukan.", cl.Label))
	}
	if !hasRole(roles, m.Roles) {
		return refuse(http.StatusForbidden, "clock", "role_not_allowed", fmt.Sprintf("\"%s\" hanya dapat dicatat oleh: %s.", m.Label, roleNames(m.Roles)))
	}
	return nil
}

// ReminderAt is when the clock's i-th reminder is due, for a clock that
// started and is due at the given times.
func (cl *Clock) ReminderAt(i int, started, due time.Time, cal *Calendar) time.Time {
	r := cl.Reminders[i]
	if r.After != nil {
		return r.After.After(started, cal)
	}
	return r.BeforeDue.Before(due, cal)
}

// Lead is how long before its deadline a running clock may need a reminder
// at most (a bound for the sweep's range query).
func (cl *Clock) Lead() time.Duration {
	lead := time.Duration(0)
	for _, r := range cl.Reminders {
		var d time.Duration
		if r.BeforeDue != nil {
			d = r.BeforeDue.MaxSpan()
		} else {
			// a reminder some time after the start comes before the
			// deadline by at most the clock's whole length
			d = cl.Length.MaxSpan()
		}
		lead = max(lead, d)
	}
	return lead + 24*time.Hour
}
