package pb_hooks

// Alerts during a flood. A new online complaint normally alerts everyone on
// duty at once; while the forms are asking for a challenge (flood.go), a
// complaint that is not an emergency joins the minute's digest instead: one
// notification per person per minute naming every case of that minute.
// Nothing is dropped — each case is in the queue and in a digest — and an
// emergency is still alerted on its own.

import (
	"context"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teduh/internal/reminders"
)

// digestEvery is how often the waiting complaints become a digest.
const digestEvery = time.Minute

// digestInTx puts a new complaint into the minute's digest, inside the
// intake transaction; false when it is alerted on its own.
func (s *ReminderService) digestInTx(tx core.App, rec *core.Record) bool {
	if rec.GetString("urgency") == reminders.UrgencyEmergency || !s.t.FloodActive() {
		return false
	}
	_, err := tx.DB().NewQuery(`INSERT INTO teduh_flood_digest (case_id, number, created) VALUES ({:id}, {:n}, {:at})
		ON CONFLICT (case_id) DO NOTHING`).Bind(dbx.Params{"id": rec.Id, "n": rec.GetString("number"), "at": fmtDate(s.t.now())}).Execute()
	if err != nil {
		s.logger().Error("complaint not added to the flood digest; alerted on its own", "case", rec.GetString("number"), "error", err)
		return false
	}
	return true
}

// FlushDigest stores the digest of the complaints waiting, if any, and
// announces it; it returns how many complaints it names.
func (s *ReminderService) FlushDigest(now time.Time) (int, error) {
	var rows []struct {
		ID     string `db:"case_id"`
		Number string `db:"number"`
	}
	if err := s.app.DB().NewQuery("SELECT case_id, number FROM teduh_flood_digest WHERE digest = '' ORDER BY created, case_id LIMIT 5000").All(&rows); err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		return 0, nil
	}
	office, err := s.t.Office(s.app)
	if err != nil {
		return 0, err
	}
	ids, numbers := make([]string, len(rows)), make([]string, len(rows))
	args := make([]any, len(rows))
	for i, r := range rows {
		ids[i], numbers[i], args[i] = r.ID, r.Number, r.ID
	}
	digest := reminders.Digest(ids, numbers, now.Truncate(time.Minute), office.Location())
	var created []*core.Record
	err = s.app.RunInTransaction(func(tx core.App) error {
		var err error
		if created, err = s.deliver(tx, []reminders.Reminder{digest}, office.Location(), &SweepReport{Now: now}); err != nil {
			return err
		}
		_, err = tx.DB().Update("teduh_flood_digest", dbx.Params{"digest": digest.Key}, dbx.In("case_id", args...)).Execute()
		return err
	})
	if err != nil {
		return 0, err
	}
	s.announce(created)
	// the digest rows serve the sweep's catch-up (which must not alert the
	// cases one by one later); after two days nobody catches up on them
	_, _ = s.app.DB().NewQuery("DELETE FROM teduh_flood_digest WHERE digest != '' AND created < {:old}").
		Bind(dbx.Params{"old": fmtDate(now.Add(-48 * time.Hour))}).Execute()
	return len(rows), nil
}

// digested lists which of the cases were (or are to be) alerted by a digest.
func (s *ReminderService) digested(caseIDs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(caseIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(caseIDs))
	for i, id := range caseIDs {
		args[i] = id
	}
	var ids []string
	if err := s.app.DB().Select("case_id").From("teduh_flood_digest").Where(dbx.In("case_id", args...)).Column(&ids); err != nil {
		return nil, err
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// withoutDigested drops the one-by-one new-complaint alerts of cases a
// digest stands for.
func (s *ReminderService) withoutDigested(due []reminders.Reminder) []reminders.Reminder {
	var ids []string
	for _, r := range due {
		if r.Kind == reminders.KindNewComplaint {
			ids = append(ids, r.CaseID)
		}
	}
	if len(ids) == 0 {
		return due
	}
	digested, err := s.digested(ids)
	if err != nil {
		s.logger().Error("flood digest not read; new-complaint alerts caught up one by one", "error", err)
		return due
	}
	out := due[:0]
	for _, r := range due {
		if r.Kind == reminders.KindNewComplaint && digested[r.CaseID] {
			continue
		}
		out = append(out, r)
	}
	return out
}

// digestWithServer flushes the digest every minute while the server runs.
func (t *Teduh) digestWithServer(se *core.ServeEvent) error {
	if se.Server == nil || t.Reminders() == nil {
		return se.Next()
	}
	ctx, stop := context.WithCancel(context.Background())
	go func() {
		tick := time.NewTicker(digestEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if _, err := t.Reminders().FlushDigest(t.now()); err != nil {
					se.App.Logger().Error("flood digest not stored; tried again in a minute", "error", err)
				}
			}
		}
	}()
	se.App.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		stop()
		return e.Next()
	})
	return se.Next()
}
