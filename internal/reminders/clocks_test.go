package reminders

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// A declared clock (the TPKS police report: 72 hours, a reminder at 48
// hours to the assignee, escalation to supervisors) through its life.
func TestClockDue(t *testing.T) {
	start := at(2026, 11, 26, 9, 0, 0)
	c := ClockCase{RowID: "k1", CaseID: "c1", Number: "SKW-2026-0001", Label: "Laporan ke kepolisian", CaseStatus: "in_progress",
		AssignedTo: "officer1", DueAt: start.Add(72 * time.Hour),
		Reminders: []ClockReminder{{At: start.Add(48 * time.Hour), To: Assignee}}, Escalate: Supervisors}
	cases := []struct {
		name string
		now  time.Time
		c    ClockCase
		want []string
	}{
		{"before the reminder", start.Add(47 * time.Hour), c, []string{}},
		{"at 48 hours", start.Add(48 * time.Hour), c, []string{"clock_reminder>assignee:officer1 clock_reminder:k1:0"}},
		{"unassigned goes to supervisors", start.Add(50 * time.Hour), func() ClockCase { x := c; x.AssignedTo = ""; return x }(),
			[]string{"clock_reminder>supervisors clock_reminder:k1:0"}},
		{"at 72 hours", start.Add(72 * time.Hour), c, []string{"clock_escalation>supervisors clock_escalation:k1"}},
		{"a closed case", start.Add(80 * time.Hour), func() ClockCase { x := c; x.CaseStatus = "closed"; return x }(), []string{}},
	}
	for _, tc := range cases {
		got := keys(ClockDue(tc.c, tc.now, wib))
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	// two reminders: only the latest one that came due is sent
	two := c
	two.Reminders = []ClockReminder{{At: start.Add(24 * time.Hour), To: Assignee}, {At: start.Add(48 * time.Hour), To: Supervisors}}
	if got := keys(ClockDue(two, start.Add(60*time.Hour), wib)); !slices.Equal(got, []string{"clock_reminder>supervisors clock_reminder:k1:1"}) {
		t.Errorf("two reminders after a long stop: %v", got)
	}
	r := ClockDue(c, start.Add(48*time.Hour), wib)[0]
	if msg := r.Message(wib); !strings.Contains(msg, "SKW-2026-0001") || !strings.Contains(msg, "Laporan ke kepolisian") || !strings.Contains(msg, "29 November 2026 pukul 09.00 WIB") {
		t.Errorf("reminder message %q", msg)
	}
	e := ClockDue(c, start.Add(73*time.Hour), wib)[0]
	if msg := e.Message(wib); !strings.HasPrefix(msg, "Eskalasi: kasus SKW-2026-0001 melewati tenggat Laporan ke kepolisian") {
		t.Errorf("escalation message %q", msg)
	}
	n := NewSubmission("c9", "SKW-PL-2026-0001", "service_complaint", "Pengaduan Layanan", Supervisors, []string{"supervisor"}, start, wib)[0]
	if n.Key != "new_submission:c9" || n.Service != "service_complaint" || !strings.Contains(n.Message(wib), "Pengaduan Layanan baru masuk: SKW-PL-2026-0001") {
		t.Errorf("arrival %+v %q", n, n.Message(wib))
	}
}
