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
