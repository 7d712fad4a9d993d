package engine_test

import (
	"strings"
	"testing"
	"time"

	"teduh/internal/engine"
)

// The office calendar of the tests: Singkawang's zone, the weekend, and a
// few of 2026's holidays and cuti bersama around Ascension and Iduladha.
func testCalendar(t *testing.T) *engine.Calendar {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Pontianak")
	if err != nil {
		t.Fatal(err)
	}
	return &engine.Calendar{Weekend: engine.DefaultWeekend, Location: loc, Holidays: map[string]string{
		"2026-05-14": "Kenaikan Yesus Kristus", "2026-05-15": "Cuti bersama", "2026-05-27": "Iduladha",
		"2026-05-28": "Cuti bersama", "2026-05-31": "Waisak", "2026-06-01": "Hari Lahir Pancasila",
	}}
}

func TestWorkingDaysSkipWeekendsAndHolidays(t *testing.T) {
	cal := testCalendar(t)
	loc := cal.Location
	at := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, loc) }
	cases := []struct {
		name  string
		from  time.Time
		n     int
		wantD time.Time // the day the deadline ends (due is the start of the next day)
	}{
		{"friday plus one is monday", at(2026, 11, 27, 10), 1, at(2026, 11, 30, 0)},
		{"late on a friday is still that friday", at(2026, 11, 27, 23), 1, at(2026, 11, 30, 0)},
		{"saturday counts from monday", at(2026, 11, 28, 9), 1, at(2026, 11, 30, 0)},
		{"over a holiday and its cuti bersama", at(2026, 5, 13, 10), 1, at(2026, 5, 18, 0)},
		{"ten days over two weekends and five holidays", at(2026, 5, 13, 10), 10, at(2026, 6, 3, 0)},
		{"the night of the 13th in UTC is the 14th in Singkawang", time.Date(2026, 5, 13, 18, 0, 0, 0, time.UTC), 1, at(2026, 5, 18, 0)},
	}
	for _, c := range cases {
		due := cal.AddWorkingDays(c.from, c.n)
		want := c.wantD.AddDate(0, 0, 1)
		if !due.Equal(want) {
			t.Errorf("%s: %d working days after %s are due %s, want %s", c.name, c.n, c.from, due.In(loc), want)
		}
	}
	due := cal.AddWorkingDays(at(2026, 5, 13, 10), 10) // end of 3 June
	for n, want := range map[int]time.Time{0: at(2026, 6, 3, 0), 1: at(2026, 6, 2, 0), 2: at(2026, 5, 29, 0), 3: at(2026, 5, 26, 0)} {
		if got := cal.WorkingDaysBefore(due, n); !got.Equal(want) {
			t.Errorf("%d working days before the deadline: %s, want %s", n, got.In(loc), want)
		}
	}
	if n := cal.WorkingDaysBetween(at(2026, 5, 13, 10), at(2026, 6, 3, 15)); n != 10 {
		t.Errorf("working days between: %d, want 10", n)
	}
	// an office that also works on Saturdays
	six := &engine.Calendar{Weekend: []time.Weekday{time.Sunday}, Location: loc}
	if due := six.AddWorkingDays(at(2026, 11, 27, 10), 1); !due.Equal(at(2026, 11, 29, 0)) {
		t.Errorf("six-day week: Friday plus one is due %s, want the end of Saturday", due.In(loc))
	}
	if _, err := engine.ParseWeekend([]string{"saturday", "minggu"}); err == nil {
		t.Error("an unknown weekday code was accepted")
	}
}

const clockFormJSON = `{
  "id": "svc", "version": "1", "title": "F",
  "sections": [{"id": "s", "title": "S", "fields": [
    {"name": "kinds", "type": "multiselect", "label": "Jenis", "options": [{"code": "a", "label": "A"}, {"code": "b", "label": "B"}]}
  ]}]
}`

func clockWorkflowJSON(clocks string) string {
	return `{
  "id": "svc", "version": "1", "title": "W",
  "steps": [
    {"number": 1, "code": "intake", "label": "Masuk", "automatic": true, "outcomes": [{"code": "done", "label": "Diterima", "status": "new"}]},
    {"number": 2, "code": "check", "label": "Periksa", "roles": ["officer"],
     "fields": [{"name": "kinds", "type": "multiselect", "label": "Jenis", "options_from": "form:kinds"},
                {"name": "reported", "type": "bool", "label": "Dilaporkan"}],
     "outcomes": [{"code": "done", "label": "Selesai", "effects": ["copy_to_case:kinds"]}]},
    {"number": 3, "code": "answer", "label": "Jawab", "roles": ["officer"],
     "outcomes": [{"code": "done", "label": "Dijawab", "effects": ["close_case"], "status": "closed"}]}
  ],
  "clocks": ` + clocks + `
}`
}

func loadClocks(t *testing.T, clocks string) (*engine.Workflow, error) {
	t.Helper()
	reg := testRegistry().Roles("officer", "supervisor").ReferralTypes("colours")
	form, err := engine.LoadForm("svc.form.json", []byte(clockFormJSON), reg)
	if err != nil {
		t.Fatal(err)
	}
	return engine.LoadWorkflow("svc.workflow.json", []byte(clockWorkflowJSON(clocks)), reg, form)
}

// Every part of a clock declaration is checked when it loads, and the error
// says which clock and what is wrong.
func TestClockDeclarationsAreChecked(t *testing.T) {
	good := `[{"id": "report", "label": "Lapor", "start": {"at": "submission", "when": {"field": "kinds", "contains": "b"}},
	  "length": {"hours": 72}, "met_by": [{"referral_sent": "red"}, {"step": "check", "when": {"field": "reported", "equals": true}},
	  {"manual": {"label": "Sudah dilaporkan", "roles": ["officer"]}}],
	  "reminders": [{"after": {"hours": 48}, "to": "assignee"}], "escalation": {"to": "supervisors"}}]`
	if _, err := loadClocks(t, good); err != nil {
		t.Fatalf("a good clock does not load: %v", err)
	}
	bad := map[string]struct{ clocks, want string }{
		"no id":                {`[{"label": "x", "start": {"at": "submission"}, "length": {"hours": 1}, "met_by": [{"step": "answer"}]}]`, "clocks[0]: id"},
		"twice":                {`[{"id": "a", "label": "x", "start": {"at": "submission"}, "length": {"hours": 1}, "met_by": [{"step": "answer"}]}, {"id": "a", "label": "y", "start": {"at": "submission"}, "length": {"hours": 1}, "met_by": [{"step": "answer"}]}]`, `clock "a": declared twice`},
		"unknown start":        {`[{"id": "a", "label": "x", "start": {"at": "tomorrow"}, "length": {"hours": 1}, "met_by": [{"step": "answer"}]}]`, "start.at must be"},
		"start at no step":     {`[{"id": "a", "label": "x", "start": {"at": "step", "step": "nope"}, "length": {"hours": 1}, "met_by": [{"step": "answer"}]}]`, `start.step "nope"`},
		"condition on nothing": {`[{"id": "a", "label": "x", "start": {"at": "submission", "when": {"field": "colour", "equals": "red"}}, "length": {"hours": 1}, "met_by": [{"step": "answer"}]}]`, `start.when refers to "colour"`},
		"two lengths":          {`[{"id": "a", "label": "x", "start": {"at": "submission"}, "length": {"hours": 1, "working_days": 2}, "met_by": [{"step": "answer"}]}]`, "length: give one of"},
		"no length":            {`[{"id": "a", "label": "x", "start": {"at": "submission"}, "length": {}, "met_by": [{"step": "answer"}]}]`, "length: give hours"},
		"never met":            {`[{"id": "a", "label": "x", "start": {"at": "submission"}, "length": {"hours": 1}, "met_by": []}]`, "could never be met"},
		"met by two things":    {`[{"id": "a", "label": "x", "start": {"at": "submission"}, "length": {"hours": 1}, "met_by": [{"step": "answer", "effect": "close_case"}]}]`, "met_by[0]: give exactly one"},
		"unknown referral":     {`[{"id": "a", "label": "x", "start": {"at": "submission"}, "length": {"hours": 1}, "met_by": [{"referral_sent": "green"}]}]`, `referral_sent "green"`},
		"unknown outcome":      {`[{"id": "a", "label": "x", "start": {"at": "submission"}, "length": {"hours": 1}, "met_by": [{"step": "answer", "outcome": "late"}]}]`, `has no outcome "late"`},
		"manual unknown role":  {`[{"id": "a", "label": "x", "start": {"at": "submission"}, "length": {"hours": 1}, "met_by": [{"manual": {"label": "y", "roles": ["mayor"]}}]}]`, `unknown role "mayor"`},
		"reminder both":        {`[{"id": "a", "label": "x", "start": {"at": "submission"}, "length": {"hours": 1}, "met_by": [{"step": "answer"}], "reminders": [{"after": {"hours": 1}, "before_due": {"hours": 1}, "to": "assignee"}]}]`, "reminders[0]: give after or before_due"},
		"reminder to nobody":   {`[{"id": "a", "label": "x", "start": {"at": "submission"}, "length": {"hours": 1}, "met_by": [{"step": "answer"}], "reminders": [{"after": {"hours": 1}, "to": "mayor"}]}]`, "reminders[0]: to must be"},
	}
	for name, c := range bad {
		_, err := loadClocks(t, c.clocks)
		if err == nil {
			t.Errorf("%s: loaded", name)
			continue
		}
		if !strings.Contains(err.Error(), "svc.workflow.json") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q does not name the file and %q", name, err, c.want)
		}
	}
}

// A clock's life, decided purely: started by the submission when the data
// asks for it (or later, once a step adds the data), reminded, met by a
// step, a referral or by hand, stopped when the case closes.
func TestClockChanges(t *testing.T) {
	w, err := loadClocks(t, `[
	  {"id": "report", "label": "Lapor", "start": {"at": "submission", "when": {"field": "kinds", "contains": "b"}}, "length": {"hours": 72},
	   "met_by": [{"referral_sent": "red"}, {"step": "check", "when": {"field": "reported", "equals": true}}, {"manual": {"label": "Sudah", "roles": ["officer"]}}],
	   "reminders": [{"after": {"hours": 48}, "to": "assignee"}], "escalation": {"to": "supervisors"}},
	  {"id": "answer", "label": "Jawab", "start": {"at": "submission"}, "length": {"working_days": 2}, "met_by": [{"step": "answer"}],
	   "reminders": [{"before_due": {"working_days": 0}, "to": "assignee"}]}
	]`)
	if err != nil {
		t.Fatal(err)
	}
	cal := testCalendar(t)
	submitted := time.Date(2026, 11, 27, 9, 0, 0, 0, cal.Location) // a Friday
	withB := engine.ClockCase{Values: engine.Values{"kinds": []string{"b"}}, Submitted: submitted}
	withA := engine.ClockCase{Values: engine.Values{"kinds": []string{"a"}}, Submitted: submitted}

	ch := w.ClockChanges(withB, nil, engine.Happening{Kind: engine.HappenSubmission, At: submitted}, cal)
	if len(ch) != 2 || !ch[0].Start || ch[0].Clock.ID != "report" || !ch[0].DueAt.Equal(submitted.Add(72*time.Hour)) || ch[0].Status != engine.ClockRunning {
		t.Fatalf("submission with b: %+v", ch)
	}
	if a := ch[1]; a.Clock.ID != "answer" || !a.DueAt.Equal(time.Date(2026, 12, 2, 0, 0, 0, 0, cal.Location)) {
		t.Errorf("answer deadline %s, want the end of Tuesday 1 December", a.DueAt)
	}
	if at := w.Clock("report").ReminderAt(0, submitted, ch[0].DueAt, cal); !at.Equal(submitted.Add(48 * time.Hour)) {
		t.Errorf("report reminder at %s", at)
	}
	if at := w.Clock("answer").ReminderAt(0, submitted, ch[1].DueAt, cal); !at.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, cal.Location)) {
		t.Errorf("answer reminder at %s, want the start of its due day", at)
	}

	// without b only the answer clock starts; a step adding b starts the
	// report clock, counted from the submission
	ch = w.ClockChanges(withA, nil, engine.Happening{Kind: engine.HappenSubmission, At: submitted}, cal)
	if len(ch) != 1 || ch[0].Clock.ID != "answer" {
		t.Fatalf("submission without b: %+v", ch)
	}
	rows := []engine.ClockRow{{Clock: "answer", StartedAt: submitted, DueAt: ch[0].DueAt, Status: engine.ClockRunning}}
	later := submitted.Add(80 * time.Hour)
	step2 := &engine.Decision{Step: w.Step(2), Outcome: "done", Advances: true, Data: engine.Values{"kinds": []string{"b"}, "reported": false}}
	ch = w.ClockChanges(withB, rows, engine.Happening{Kind: engine.HappenStep, At: later, Decision: step2}, cal)
	if len(ch) != 1 || !ch[0].Start || ch[0].Clock.ID != "report" || !ch[0].StartedAt.Equal(submitted) || !ch[0].DueAt.Before(later) {
		t.Fatalf("b added at step 2: %+v", ch)
	}

	running := []engine.ClockRow{{Clock: "report", StartedAt: submitted, DueAt: submitted.Add(72 * time.Hour), Status: engine.ClockRunning},
		{Clock: "answer", StartedAt: submitted, DueAt: submitted.Add(24 * time.Hour), MetAt: submitted, Status: engine.ClockMet}}
	// met by the referral of the awaited type, on time
	ch = w.ClockChanges(withB, running, engine.Happening{Kind: engine.HappenReferralSent, At: submitted.Add(10 * time.Hour), ReferralType: "red"}, cal)
	if len(ch) != 1 || !ch[0].Met || ch[0].Status != engine.ClockMet || ch[0].MetBy != "referral_sent:red" {
		t.Fatalf("referral red: %+v", ch)
	}
	// a referral of another type meets nothing
	if ch = w.ClockChanges(withB, running, engine.Happening{Kind: engine.HappenReferralSent, At: submitted, ReferralType: "blue"}, cal); len(ch) != 0 {
		t.Fatalf("referral blue: %+v", ch)
	}
	// by hand, late: met, but the deadline was missed
	ch = w.ClockChanges(withB, running, engine.Happening{Kind: engine.HappenManual, At: submitted.Add(73 * time.Hour), Clock: "report"}, cal)
	if len(ch) != 1 || !ch[0].Met || ch[0].Status != engine.ClockMissed || ch[0].MetBy != "manual" {
		t.Fatalf("manual late: %+v", ch)
	}
	// a step meets it only when its data says so
	reported := &engine.Decision{Step: w.Step(2), Outcome: "done", Advances: true, Data: engine.Values{"kinds": []string{"b"}, "reported": true}}
	if ch = w.ClockChanges(withB, running, engine.Happening{Kind: engine.HappenStep, At: submitted, Decision: step2}, cal); len(ch) != 0 {
		t.Fatalf("step without the report: %+v", ch)
	}
	if ch = w.ClockChanges(withB, running, engine.Happening{Kind: engine.HappenStep, At: submitted, Decision: reported}, cal); len(ch) != 1 || ch[0].MetBy != "step:check" {
		t.Fatalf("step with the report: %+v", ch)
	}
	// the data no longer calls for it: stopped
	if ch = w.ClockChanges(withA, running, engine.Happening{Kind: engine.HappenStep, At: submitted, Decision: step2}, cal); len(ch) != 1 || !ch[0].Stopped || ch[0].Status != engine.ClockCancelled {
		t.Fatalf("b removed: %+v", ch)
	}
	// the case closes: cancelled before the deadline, missed after it
	closing := &engine.Decision{Step: w.Step(3), Outcome: "done", Advances: true, Effects: []string{engine.EffectCloseCase}}
	ch = w.ClockChanges(withB, running, engine.Happening{Kind: engine.HappenStep, At: submitted.Add(time.Hour), Decision: closing}, cal)
	if len(ch) != 1 || ch[0].Status != engine.ClockCancelled {
		t.Fatalf("closed early: %+v", ch)
	}
	ch = w.ClockChanges(withB, running, engine.Happening{Kind: engine.HappenStep, At: submitted.Add(100 * time.Hour), Decision: closing}, cal)
	if len(ch) != 1 || ch[0].Status != engine.ClockMissed {
		t.Fatalf("closed late: %+v", ch)
	}
	// a clock met stays met
	met := []engine.ClockRow{{Clock: "report", DueAt: submitted.Add(72 * time.Hour), MetAt: submitted, Status: engine.ClockMet}}
	if ch = w.ClockChanges(withB, met, engine.Happening{Kind: engine.HappenStep, At: submitted, Decision: closing}, cal); len(ch) != 0 {
		t.Fatalf("met clock changed: %+v", ch)
	}
	// by hand only for the declared roles
	if r := w.Clock("report").CheckManual([]string{"supervisor"}); r == nil || r.Status != 403 {
		t.Errorf("a supervisor recorded an officer's manual event: %+v", r)
	}
	if r := w.Clock("answer").CheckManual([]string{"officer"}); r == nil || r.Fields["clock"].Code != "not_manual" {
		t.Errorf("a clock without a manual event was met by hand: %+v", r)
	}
}

// A broken definition names the line and column of its mistake.
func TestBrokenJSONNamesThePlace(t *testing.T) {
	_, err := engine.LoadForm("x.form.json", []byte("{\n  \"id\": \"x\",\n  \"version\": 1\n}"), testRegistry())
	if err == nil || !strings.Contains(err.Error(), "x.form.json: line 3, column") {
		t.Errorf("wrong type: %v", err)
	}
	_, err = engine.LoadForm("x.form.json", []byte("{\n  \"id\": \"x\",\n  \"versoin\": \"1\"\n}"), testRegistry())
	if err == nil || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "versoin") {
		t.Errorf("unknown key: %v", err)
	}
	_, err = engine.LoadForm("x.form.json", []byte("{\n  \"id\": \"x\",\n  \"version\": \"1\",\n}"), testRegistry())
	if err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("trailing comma: %v", err)
	}
}
