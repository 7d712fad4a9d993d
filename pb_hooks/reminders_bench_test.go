package pb_hooks_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// seedCases stores `stored` cases with batched SQL in one transaction, of
// which `due` are overdue and assigned to officerID; the others are closed,
// withdrawn, or open with their due day more than two days away.
func seedCases(tb testing.TB, app core.App, stored, due int, officerID string, now time.Time) {
	tb.Helper()
	ts := func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }
	cols := []string{"id", "number", "number_year", "number_seq", "tracking_code", "channel", "status", "current_step",
		"urgency", "first_response_due_at", "first_response_at", "verified_at", "due_at", "closed_at", "assigned_to", "created", "updated"}
	const batch = 400
	err := app.RunInTransaction(func(tx core.App) error {
		for start := 0; start < stored; start += batch {
			var rows []string
			params := dbx.Params{}
			for i := start; i < min(start+batch, stored); i++ {
				created := now.Add(-time.Duration(30+i%300) * 24 * time.Hour)
				verified := created.Add(24 * time.Hour)
				status, step, dueAt, closedAt := "closed", 9, verified.Add(7*24*time.Hour), ts(verified.Add(5*24*time.Hour))
				switch {
				case i < due: // overdue by 1–10 days
					status, step, closedAt = "in_progress", 5, ""
					dueAt = now.Add(-time.Duration(1+i%10) * 24 * time.Hour)
				case i%20 == 1:
					status, step = "withdrawn", 4
				case i%20 == 2, i%20 == 3, i%20 == 4: // open, due in 4 to 7 days
					status, step, closedAt = "in_progress", 4, ""
					dueAt = now.Add(time.Duration(4+i%4) * 24 * time.Hour)
				}
				values := []any{
					fmt.Sprintf("bench%010d", i), fmt.Sprintf("BEN-2026-%06d", i), 2026, i + 1, fmt.Sprintf("T%09d", i), "online",
					status, step, "normal", ts(created.Add(24 * time.Hour)), ts(created.Add(time.Hour)), ts(verified), ts(dueAt), closedAt,
					officerID, ts(created), ts(created),
				}
				var ph []string
				for j, v := range values {
					name := fmt.Sprintf("r%dc%d", i, j)
					params[name] = v
					ph = append(ph, "{:"+name+"}")
				}
				rows = append(rows, "("+strings.Join(ph, ", ")+")")
			}
			q := "INSERT INTO complaints (" + strings.Join(cols, ", ") + ") VALUES " + strings.Join(rows, ", ")
			if _, err := tx.DB().NewQuery(q).Bind(params).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// The cost of one sweep over many stored cases of which 50 are due. "steady"
// is every sweep after the first (all 150 reminders already stored: the
// look-up finds them); "first" stores and mails the 150 reminders each time.
// The cost follows the due cases, not the stored ones.
func BenchmarkSweep(b *testing.B) {
	now := wibAt(2026, 12, 4, 8, 0, 0)
	for _, stored := range []int{2000, 20000} {
		for _, mode := range []string{"steady", "first"} {
			b.Run(fmt.Sprintf("stored=%d/due=50/%s", stored, mode), func(b *testing.B) {
				h := newHarness(b, now)
				officer, _ := h.Staff("petugas@teduh.test", "Petugas Satu", "officer", true)
				h.Staff("kepala@teduh.test", "Kepala Bidang", "supervisor", true)
				h.Staff("kepala2@teduh.test", "Kepala Seksi", "supervisor", true)
				seedCases(b, h.App, stored, 50, officer.Id, now)
				s := h.Teduh.Reminders()
				rep, err := s.Sweep(now)
				if err != nil {
					b.Fatal(err)
				}
				if rep.Cases != 50 || len(rep.Created) != 150 {
					b.Fatalf("first sweep read %d cases, stored %d notifications", rep.Cases, len(rep.Created))
				}
				for b.Loop() {
					if mode == "first" {
						b.StopTimer()
						if _, err := h.App.NonconcurrentDB().NewQuery("DELETE FROM notifications").Execute(); err != nil {
							b.Fatal(err)
						}
						h.App.TestMailer.Reset()
						b.StartTimer()
					}
					rep, err := s.Sweep(now)
					if err != nil {
						b.Fatal(err)
					}
					if rep.Cases != 50 {
						b.Fatalf("sweep read %d cases", rep.Cases)
					}
				}
			})
		}
	}
}

// The declared clocks' part of a sweep: 20,000 cases with the TPKS clock
// stored, of which 50 are running past their 48-hour reminder (already
// stored after the first sweep). The clocks are read through the clock
// collection's (clock, status, due_at) index, so the cost follows the
// running clocks near their deadline, not the stored ones.
func BenchmarkSweepDeclaredClocks(b *testing.B) {
	now := wibAt(2026, 12, 4, 8, 0, 0)
	h := newHarness(b, now)
	officer, _ := h.Staff("petugas@teduh.test", "Petugas Satu", "officer", true)
	h.Staff("kepala@teduh.test", "Kepala Bidang", "supervisor", true)
	const stored, running = 20000, 50
	seedCases(b, h.App, stored, 0, officer.Id, now)
	ts := func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }
	err := h.App.RunInTransaction(func(tx core.App) error {
		for start := 0; start < stored; start += 400 {
			var rows []string
			params := dbx.Params{}
			for i := start; i < min(start+400, stored); i++ {
				started := now.Add(-time.Duration(24*(3+i%300)) * time.Hour)
				status, met := "met", ts(started.Add(20*time.Hour))
				if i < running {
					started, status, met = now.Add(-50*time.Hour), "running", ""
					// a running clock needs an open case: the seed's case i is open only when overdue
					if _, err := tx.DB().NewQuery("UPDATE complaints SET status = 'in_progress', closed_at = '', due_at = '' WHERE id = {:id}").
						Bind(dbx.Params{"id": fmt.Sprintf("bench%010d", i)}).Execute(); err != nil {
						return err
					}
				}
				p := fmt.Sprintf("r%d", i)
				params[p+"id"], params[p+"c"], params[p+"s"], params[p+"d"], params[p+"st"], params[p+"m"] =
					fmt.Sprintf("clk%012d", i), fmt.Sprintf("bench%010d", i), ts(started), ts(started.Add(72*time.Hour)), status, met
				rows = append(rows, fmt.Sprintf("({:%[1]sid}, {:%[1]sc}, 'tpks_police_report', {:%[1]ss}, {:%[1]sd}, {:%[1]sm}, {:%[1]sst}, '', '', '', '2026.1', {:%[1]ss}, {:%[1]ss})", p))
			}
			q := "INSERT INTO case_clocks (id, complaint, clock, started_at, due_at, met_at, status, met_by, met_by_name, met_note, workflow_version, created, updated) VALUES " + strings.Join(rows, ", ")
			if _, err := tx.DB().NewQuery(q).Bind(params).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	s := h.Teduh.Reminders()
	rep, err := s.Sweep(now)
	if err != nil {
		b.Fatal(err)
	}
	if len(rep.Created) != running {
		b.Fatalf("first sweep stored %d reminders, want %d", len(rep.Created), running)
	}
	for b.Loop() {
		rep, err := s.Sweep(now)
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Created) != 0 || rep.Existing != running {
			b.Fatalf("steady sweep stored %d, found %d", len(rep.Created), rep.Existing)
		}
	}
}
