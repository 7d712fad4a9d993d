package reminders

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

var wib = mustLoc("Asia/Pontianak")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at is a wall-clock time in Singkawang.
func at(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, wib)
}

// keys renders reminders as "kind>audience key" lines, sorted, so a table
// row says exactly what a user would receive.
func keys(rs []Reminder) []string {
	out := []string{}
	for _, r := range rs {
		to := string(r.To)
		if r.Staff != "" {
			to += ":" + r.Staff
		}
		out = append(out, string(r.Kind)+">"+to+" "+r.Key)
	}
	slices.Sort(out)
	return out
}

func check(t *testing.T, name string, got []Reminder, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	slices.Sort(want)
	if g := keys(got); !slices.Equal(g, want) {
		t.Errorf("%s:\n got  %q\n want %q", name, g, want)
	}
}

// A verified case due on 3 December 2026 at 10:00 WIB, assigned to officer o1.
func slaCase() Case {
	return Case{
		ID: "c1", Number: "SKW-2026-0007", Status: "in_progress", Urgency: "normal", Channel: "walk_in",
		AssignedTo: "o1", Created: at(2026, 11, 25, 8, 0, 0),
		FirstResponseDueAt: at(2026, 11, 26, 8, 0, 0), FirstResponseAt: at(2026, 11, 25, 9, 0, 0),
		DueAt: at(2026, 12, 3, 10, 0, 0),
	}
}

func TestSLARemindersAtBoundaries(t *testing.T) {
	c := slaCase()
	for _, tc := range []struct {
		name string
		now  time.Time
		want []string
	}{
		{"three days before, last second", at(2026, 11, 30, 23, 59, 59), nil},
		{"two days before, midnight WIB", at(2026, 12, 1, 0, 0, 0), []string{"sla_due_soon>assignee:o1 sla_due_soon:c1"}},
		{"one day before", at(2026, 12, 2, 12, 0, 0), []string{"sla_due_soon>assignee:o1 sla_due_soon:c1"}},
		{"eve of the due day, last second", at(2026, 12, 2, 23, 59, 59), []string{"sla_due_soon>assignee:o1 sla_due_soon:c1"}},
		{"due day, midnight WIB", at(2026, 12, 3, 0, 0, 0), []string{"sla_due_today>assignee:o1 sla_due_today:c1"}},
		{"due day, just before the due time", at(2026, 12, 3, 9, 59, 59), []string{"sla_due_today>assignee:o1 sla_due_today:c1"}},
		{"at the due time", at(2026, 12, 3, 10, 0, 0), []string{
			"sla_overdue>assignee:o1 sla_overdue:c1:2026-12-03", "sla_escalation>supervisors sla_escalation:c1"}},
		{"due day, last second", at(2026, 12, 3, 23, 59, 59), []string{
			"sla_overdue>assignee:o1 sla_overdue:c1:2026-12-03", "sla_escalation>supervisors sla_escalation:c1"}},
		{"next day, midnight WIB", at(2026, 12, 4, 0, 0, 0), []string{
			"sla_overdue>assignee:o1 sla_overdue:c1:2026-12-04", "sla_escalation>supervisors sla_escalation:c1"}},
		{"a month later", at(2027, 1, 3, 8, 0, 0), []string{
			"sla_overdue>assignee:o1 sla_overdue:c1:2027-01-03", "sla_escalation>supervisors sla_escalation:c1"}},
	} {
		check(t, tc.name, Due(c, tc.now, wib), tc.want...)
	}
}

// The office day changes at midnight WIB (17:00 UTC), not at midnight UTC.
func TestDayBoundaryIsMidnightWIB(t *testing.T) {
	c := slaCase()
	before := time.Date(2026, 12, 3, 16, 59, 59, 0, time.UTC) // 23:59:59 WIB, 3 Dec
	after := time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC)    // 00:00 WIB, 4 Dec; still 3 Dec in UTC
	check(t, "23:59:59 WIB", Due(c, before, wib), "sla_overdue>assignee:o1 sla_overdue:c1:2026-12-03", "sla_escalation>supervisors sla_escalation:c1")
	check(t, "00:00 WIB", Due(c, after, wib), "sla_overdue>assignee:o1 sla_overdue:c1:2026-12-04", "sla_escalation>supervisors sla_escalation:c1")

	// "two days before" starts at 00:00 WIB on 1 December = 17:00 UTC on 30 November
	check(t, "16:59:59 UTC", Due(c, time.Date(2026, 11, 30, 16, 59, 59, 0, time.UTC), wib))
	check(t, "17:00 UTC", Due(c, time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC), wib), "sla_due_soon>assignee:o1 sla_due_soon:c1")

	// the same instants read in another office's zone give other days
	wit := mustLoc("Asia/Jayapura") // UTC+9
	check(t, "00:00 WIB is 02:00 WIT", Due(c, after, wit), "sla_overdue>assignee:o1 sla_overdue:c1:2026-12-04", "sla_escalation>supervisors sla_escalation:c1")
}

func TestUnassignedCaseRemindsSupervisors(t *testing.T) {
	c := slaCase()
	c.AssignedTo = ""
	check(t, "due soon", Due(c, at(2026, 12, 1, 8, 0, 0), wib), "sla_due_soon>supervisors sla_due_soon:c1")
	check(t, "due today", Due(c, at(2026, 12, 3, 8, 0, 0), wib), "sla_due_today>supervisors sla_due_today:c1")
	// overdue: the escalation already reaches the supervisors, once
	check(t, "overdue", Due(c, at(2026, 12, 5, 8, 0, 0), wib), "sla_escalation>supervisors sla_escalation:c1")
}

func TestFirstResponseMissedAtBoundaries(t *testing.T) {
	c := Case{ID: "c2", Number: "SKW-2026-0008", Status: "new", Urgency: "emergency", Channel: "phone",
		Created: at(2026, 11, 26, 9, 0, 0), FirstResponseDueAt: at(2026, 11, 26, 10, 0, 0)}
	check(t, "just before", Due(c, at(2026, 11, 26, 9, 59, 59), wib))
	check(t, "at", Due(c, at(2026, 11, 26, 10, 0, 0), wib), "first_response_missed>supervisors first_response_missed:c2")
	check(t, "after midnight", Due(c, at(2026, 11, 27, 0, 0, 1), wib), "first_response_missed>supervisors first_response_missed:c2")
	r := Due(c, at(2026, 11, 26, 10, 0, 0), wib)[0]
	if !r.Emergency || !strings.HasPrefix(r.Message(wib), "DARURAT:") {
		t.Errorf("emergency not marked: %+v %q", r, r.Message(wib))
	}

	answered := c
	answered.FirstResponseAt = at(2026, 11, 26, 9, 30, 0)
	answered.Status = "in_progress"
	check(t, "answered in time", Due(answered, at(2026, 11, 26, 11, 0, 0), wib))
}

func TestNewOnlineComplaint(t *testing.T) {
	c := Case{ID: "c3", Number: "SKW-2026-0009", Status: "new", Urgency: "normal", Channel: "online",
		Created: at(2026, 11, 26, 23, 50, 0), FirstResponseDueAt: at(2026, 11, 27, 23, 50, 0)}
	check(t, "normal", NewComplaint(c, c.Created, wib), "new_complaint>on_duty new_complaint:c3")

	em := c
	em.Urgency = "emergency"
	got := NewComplaint(em, em.Created, wib)
	check(t, "emergency", got, "new_emergency>on_duty new_complaint:c3")
	if msg := got[0].Message(wib); !strings.HasPrefix(msg, "DARURAT:") || !strings.Contains(msg, "27 November 2026 pukul 23.50 WIB") {
		t.Errorf("emergency message: %q", msg)
	}

	walkIn := c
	walkIn.Channel = "walk_in"
	check(t, "walk-in is registered by staff", NewComplaint(walkIn, c.Created, wib))

	// a sweep catches up a lost alert within 24 hours, across midnight WIB
	check(t, "sweep, just after", Due(c, c.Created.Add(time.Minute), wib), "new_complaint>on_duty new_complaint:c3")
	check(t, "sweep, 24 h less a second", Due(c, c.Created.Add(24*time.Hour-time.Second), wib), "new_complaint>on_duty new_complaint:c3")
	check(t, "sweep, 24 h later: missed first response instead", Due(c, c.Created.Add(24*time.Hour), wib),
		"first_response_missed>supervisors first_response_missed:c3")
}

func TestReferralUnansweredAtBoundaries(t *testing.T) {
	c := slaCase()
	c.DueAt = time.Time{}
	// sent 00:30 WIB on 27 November, which is still 26 November in UTC
	sent := time.Date(2026, 11, 26, 17, 30, 0, 0, time.UTC)
	c.Referrals = []Referral{{ID: "r1", Status: "sent", SentAt: sent}}
	check(t, "two days later, last second", Due(c, at(2026, 11, 29, 23, 59, 59), wib))
	check(t, "UTC day would fire here", Due(c, time.Date(2026, 11, 29, 16, 59, 59, 0, time.UTC), wib))
	check(t, "third day, midnight WIB", Due(c, at(2026, 11, 30, 0, 0, 0), wib), "referral_unanswered>assignee:o1 referral_unanswered:r1")
	check(t, "a week later", Due(c, at(2026, 12, 4, 9, 0, 0), wib), "referral_unanswered>assignee:o1 referral_unanswered:r1")

	for _, st := range []string{"draft", "accepted", "declined", "completed", "revoked"} {
		c.Referrals[0].Status = st
		check(t, "status "+st, Due(c, at(2026, 12, 4, 9, 0, 0), wib))
	}
	c.Referrals[0].Status = "sent"
	c.Referrals[0].RespondedAt = at(2026, 11, 28, 9, 0, 0)
	check(t, "answered", Due(c, at(2026, 12, 4, 9, 0, 0), wib))
}

func TestClosedAndWithdrawnCasesGetNothing(t *testing.T) {
	for _, st := range []string{"closed", "withdrawn"} {
		c := slaCase()
		c.Status = st
		c.Channel = "online"
		c.FirstResponseAt = time.Time{}
		c.ClosedAt = at(2026, 11, 27, 9, 0, 0)
		c.Referrals = []Referral{{ID: "r1", Status: "sent", SentAt: at(2026, 11, 20, 9, 0, 0)}}
		for now := at(2026, 11, 25, 8, 0, 0); now.Before(at(2026, 12, 20, 0, 0, 0)); now = now.Add(37 * time.Minute) {
			if got := Due(c, now, wib); len(got) > 0 {
				t.Fatalf("%s case at %v: %q", st, now, keys(got))
			}
		}
		if got := NewComplaint(c, c.Created, wib); len(got) > 0 {
			t.Fatalf("%s case: new complaint alert %q", st, keys(got))
		}
	}
}

// The sweep reads only cases inside WindowAt; every case Due has something
// for must be inside it, and for SLA and referrals the window is exact.
func TestWindowCoversExactlyTheDueCases(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := at(2026, 11, 1, 0, 0, 0)
	for i := 0; i < 20000; i++ {
		now := base.Add(time.Duration(rng.Int64N(int64(60 * 24 * time.Hour))))
		c := slaCase()
		c.Created = now.Add(-time.Duration(rng.Int64N(int64(48 * time.Hour))))
		c.DueAt = now.Add(time.Duration(rng.Int64N(int64(10*24*time.Hour))) - 5*24*time.Hour)
		c.Referrals = []Referral{{ID: "r", Status: "sent", SentAt: now.Add(-time.Duration(rng.Int64N(int64(6 * 24 * time.Hour))))}}
		w := WindowAt(now, wib)
		got := Due(c, now, wib)
		var sla, ref bool
		for _, r := range got {
			switch r.Kind {
			case KindSLADueSoon, KindSLADueToday, KindSLAOverdue, KindSLAEscalation:
				sla = true
			case KindReferralUnanswered:
				ref = true
			}
		}
		if inWindow := c.DueAt.Before(w.SLADueBefore); sla != inWindow {
			t.Fatalf("now %v due %v: reminder %v, in window %v", now, c.DueAt, sla, inWindow)
		}
		if inWindow := c.Referrals[0].SentAt.Before(w.ReferralSentBefore); ref != inWindow {
			t.Fatalf("now %v sent %v: reminder %v, in window %v", now, c.Referrals[0].SentAt, ref, inWindow)
		}
	}
}

func TestMessagesAreIndonesianAndNameOnlyTheCase(t *testing.T) {
	c := slaCase()
	cases := map[string]time.Time{
		"Batas waktu layanan kasus SKW-2026-0007 jatuh pada 3 Desember 2026 pukul 10.00 WIB (2 hari lagi).":         at(2026, 12, 1, 8, 0, 0),
		"Hari ini batas waktu layanan kasus SKW-2026-0007, paling lambat 3 Desember 2026 pukul 10.00 WIB.":          at(2026, 12, 3, 8, 0, 0),
		"Kasus SKW-2026-0007 melewati batas waktu layanan sejak 3 Desember 2026 pukul 10.00 WIB (terlambat 2 hari)": at(2026, 12, 5, 8, 0, 0),
	}
	for want, now := range cases {
		var msgs []string
		for _, r := range Due(c, now, wib) {
			msgs = append(msgs, r.Message(wib))
		}
		if !slices.ContainsFunc(msgs, func(m string) bool { return strings.HasPrefix(m, want) }) {
			t.Errorf("at %v want a message starting %q, got %q", now, want, msgs)
		}
	}
	if got := FormatTime(time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC), mustLoc("Asia/Makassar")); got != "5 Januari 2026 pukul 09.00 WITA" {
		t.Errorf("FormatTime WITA: %q", got)
	}
	for _, k := range Kinds {
		if k.Title() == "Pengingat kasus" {
			t.Errorf("kind %s has no title", k)
		}
	}
}

// A case whose step 6 was done at 14:00 WIB on 1 December waits for the
// supervisors' disposition (step 7).
func dispositionCase() Case {
	c := slaCase()
	c.AwaitingStep, c.AwaitingSince = 7, at(2026, 12, 1, 14, 0, 0)
	c.DueAt = at(2026, 12, 9, 10, 0, 0) // far enough for no SLA reminder
	return c
}

func TestDispositionWaitingAtBoundaries(t *testing.T) {
	c := dispositionCase()
	check(t, "a second before it waits", Due(c, c.AwaitingSince.Add(-time.Second), wib))
	check(t, "the moment step 6 is done", Due(c, c.AwaitingSince, wib), "disposition_waiting>supervisors disposition_waiting:c1")
	check(t, "across midnight WIB", Due(c, at(2026, 12, 2, 0, 30, 0), wib), "disposition_waiting>supervisors disposition_waiting:c1")
	check(t, "a day less a second", Due(c, c.AwaitingSince.Add(24*time.Hour-time.Second), wib), "disposition_waiting>supervisors disposition_waiting:c1")
	check(t, "a day later: the reminder", Due(c, c.AwaitingSince.Add(24*time.Hour), wib), "disposition_reminder>supervisors disposition_reminder:c1")
	// one reminder, however long it waits (the SLA reminders take over)
	later := Due(c, at(2026, 12, 4, 8, 0, 0), wib)
	check(t, "three days later", later, "disposition_reminder>supervisors disposition_reminder:c1")
	if r := later[0]; r.DaysWaiting != 3 || r.Step != 7 {
		t.Errorf("reminder %+v", r)
	}
	// the assigned officer does not receive it: only supervisors may act,
	// while the service standard's reminders still go to the officer
	check(t, "due soon meanwhile", Due(c, at(2026, 12, 7, 8, 0, 0), wib),
		"disposition_reminder>supervisors disposition_reminder:c1", "sla_due_soon>assignee:o1 sla_due_soon:c1")

	done := c
	done.AwaitingStep, done.AwaitingSince = 0, time.Time{}
	check(t, "disposition given", Due(done, at(2026, 12, 2, 8, 0, 0), wib))
	closed := c
	closed.Status, closed.ClosedAt = "withdrawn", at(2026, 12, 1, 15, 0, 0)
	check(t, "withdrawn while waiting", Due(closed, at(2026, 12, 2, 15, 0, 0), wib))
}

func TestDispositionMessages(t *testing.T) {
	c := dispositionCase()
	waiting := Due(c, c.AwaitingSince, wib)[0].Message(wib)
	reminder := Due(c, at(2026, 12, 3, 8, 0, 0), wib)[0].Message(wib)
	for msg, want := range map[string]string{
		waiting:  "Kasus SKW-2026-0007 sudah diidentifikasi lengkap dan menunggu disposisi tindak lanjut (langkah 7) dari kepala/penyelia.",
		reminder: "Kasus SKW-2026-0007 masih menunggu disposisi tindak lanjut (langkah 7) sejak 1 Desember 2026 pukul 14.00 WIB.",
	} {
		if !strings.HasPrefix(msg, want) {
			t.Errorf("message %q, want it to start %q", msg, want)
		}
	}
}
