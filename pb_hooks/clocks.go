package pb_hooks

// Declared clocks (the workflow's "clocks"): one row per case and clock in
// the service's clock collection (case_clocks for the victim complaints).
// The rules are the engine's (engine.Workflow.ClockChanges); this file
// applies them inside the transaction of whatever happened — a case
// submitted, a step recorded, a referral sent, a clock met by hand — so a
// case and its clocks never disagree. Reminders and escalation are the
// reminder sweep's (reminders.go).

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"teduh/internal/definitions"
	"teduh/internal/engine"
	"teduh/internal/referral"
)

func (t *Teduh) bindClocks() {
	// a referral sent to an institution of a type meets the clocks that
	// wait for it (the TPKS report to the police), in the send's transaction
	t.app.OnRecordUpdate(referralsCollection).BindFunc(t.referralMeetsClocks)
}

// refuseClockWrite keeps clocks the server's: nobody edits a deadline.
func refuseClockWrite(e *core.RecordEvent) error {
	if hasMarker(e.Context, systemWrite) {
		return e.Next()
	}
	return router.NewForbiddenError("Tenggat kasus dicatat oleh sistem dan tidak dapat diubah langsung.", nil)
}

// caseValues reads the case data clock conditions look at: the form's
// fields and the step fields copied onto the case, typed as the engine
// compares them (multiselect values as lists of codes).
func caseValues(kase *core.Record, names []string) engine.Values {
	out := engine.Values{}
	for _, name := range names {
		switch v := kase.Get(name).(type) {
		case types.JSONRaw:
			var list []string
			if json.Unmarshal(v, &list) == nil {
				out[name] = list
			}
		case bool:
			out[name] = v
		case float64, int:
			out[name] = v
		case string:
			if v != "" {
				out[name] = v
			}
		case nil:
		default:
			if s := kase.GetString(name); s != "" {
				out[name] = s
			}
		}
	}
	return out
}

// clockRecords are a case's stored clocks.
func clockRecords(app core.App, s *Service, caseID string) ([]*core.Record, error) {
	return app.FindRecordsByFilter(s.ClockCollection, "complaint = {:c}", "created", 0, 0, dbx.Params{"c": caseID})
}

func clockRow(r *core.Record) engine.ClockRow {
	return engine.ClockRow{
		Clock: r.GetString("clock"), Status: r.GetString("status"),
		StartedAt: r.GetDateTime("started_at").Time(), DueAt: r.GetDateTime("due_at").Time(), MetAt: r.GetDateTime("met_at").Time(),
	}
}

// submittedAt is when the case was submitted by the application's clock.
func submittedAt(kase *core.Record) time.Time {
	if d := kase.GetDateTime("submitted_at"); !d.IsZero() {
		return d.Time()
	}
	return kase.GetDateTime("created").Time()
}

// applyClocks applies one happening to a case's clocks inside tx. actor is
// the staff member behind it (nil for the system).
func (t *Teduh) applyClocks(tx core.App, ctx context.Context, s *Service, defs *definitions.Set, kase *core.Record, h engine.Happening, actor *core.Record) error {
	return t.applyClocksNote(tx, ctx, s, defs, kase, h, actor, "")
}

func (t *Teduh) applyClocksNote(tx core.App, ctx context.Context, s *Service, defs *definitions.Set, kase *core.Record, h engine.Happening, actor *core.Record, note string) error {
	wf := defs.Workflow
	if s.ClockCollection == "" || len(wf.Clocks) == 0 {
		return nil
	}
	collection, err := tx.FindCachedCollectionByNameOrId(s.ClockCollection)
	if err != nil {
		return err
	}
	// a case being submitted has no clocks yet: the public intake pays for
	// no read
	var recs []*core.Record
	if h.Kind != engine.HappenSubmission {
		if recs, err = clockRecords(tx, s, kase.Id); err != nil {
			return err
		}
	}
	rows := make([]engine.ClockRow, len(recs))
	for i, r := range recs {
		rows[i] = clockRow(r)
	}
	cal, err := t.Calendar(tx)
	if err != nil {
		return err
	}
	values := caseValues(kase, wf.CaseFields(defs.Form))
	changes := wf.ClockChanges(engine.ClockCase{Values: values, Submitted: submittedAt(kase)}, rows, h, cal)
	actorName := ""
	if actor != nil {
		actorName = actor.GetString("name")
	}
	for _, ch := range changes {
		var rec *core.Record
		if ch.Start {
			rec = core.NewRecord(collection)
			rec.Load(map[string]any{
				"complaint": kase.Id, "clock": ch.Clock.ID, "started_at": ch.StartedAt, "due_at": ch.DueAt,
				"status": ch.Status, "workflow_version": wf.Version,
			})
			if !ch.Met && s == t.complaint {
				// a referral of the awaited type may already have gone out
				if sent, err := referralAlreadySent(tx, kase.Id, ch.Clock.MetByReferral()); err != nil {
					return err
				} else if sent != "" {
					ch.Met, ch.MetAt, ch.MetBy, ch.Status = true, h.At, "referral_sent:"+sent, engineMetStatus(h.At, ch.DueAt)
					rec.Set("status", ch.Status)
				}
			}
		} else {
			idx := slices.IndexFunc(recs, func(r *core.Record) bool { return r.GetString("clock") == ch.Clock.ID })
			if idx < 0 {
				continue
			}
			rec = recs[idx]
			rec.Set("status", ch.Status)
		}
		if ch.Met {
			rec.Set("met_at", ch.MetAt)
			rec.Set("met_by", ch.MetBy)
			rec.Set("met_by_name", actorName)
			rec.Set("met_note", clip(note, 2000))
		}
		if err := tx.SaveWithContext(withMarker(ctx, systemWrite), rec); err != nil {
			return err
		}
	}
	return nil
}

// engineMetStatus mirrors the engine: met on time, or met late (missed).
func engineMetStatus(at, due time.Time) string {
	if at.After(due) {
		return engine.ClockMissed
	}
	return engine.ClockMet
}

// referralAlreadySent names the first of types whose referral was sent for
// the case ("" when none).
func referralAlreadySent(app core.App, caseID string, kinds []string) (string, error) {
	if len(kinds) == 0 {
		return "", nil
	}
	if _, err := app.FindCachedCollectionByNameOrId(referralsCollection); err != nil {
		return "", nil
	}
	vals := make([]any, len(kinds))
	for i, k := range kinds {
		vals[i] = k
	}
	var rows []struct {
		Type string `db:"type"`
	}
	err := app.DB().Select("i.type AS type").From(referralsCollection+" r").
		InnerJoin(institutionsCollection+" i", dbx.NewExp("i.id = r.institution")).
		Where(dbx.HashExp{"r.complaint": caseID}).
		AndWhere(dbx.In("r.status", "sent", "accepted", "declined", "completed")).
		AndWhere(dbx.In("i.type", vals...)).Limit(1).All(&rows)
	if err != nil || len(rows) == 0 {
		return "", err
	}
	return rows[0].Type, nil
}

// referralMeetsClocks runs inside the referral's update (after the hooks of
// referrals.go, in their transaction): a referral that has just been sent
// meets the clocks waiting for its institution's type.
func (t *Teduh) referralMeetsClocks(e *core.RecordEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	if isLetterStamp(e.Context) {
		return nil
	}
	rec := e.Record
	if rec.GetString("status") != referral.StatusSent || rec.Original().GetString("status") == referral.StatusSent {
		return nil
	}
	s := t.complaint
	inst, err := e.App.FindRecordById(institutionsCollection, rec.GetString("institution"))
	if err != nil {
		return nil
	}
	kase, err := e.App.FindRecordById(s.CaseCollection, rec.GetString("complaint"))
	if err != nil {
		return err
	}
	defs, err := t.caseDefs(e.App, s, kase)
	if err != nil {
		return err
	}
	env, _, err := t.env(e.App)
	if err != nil {
		return err
	}
	var actor *core.Record
	if id := rec.GetString("sent_by"); id != "" {
		actor, _ = e.App.FindRecordById("staff", id)
	}
	return t.applyClocksNote(e.App, e.Context, s, defs, kase,
		engine.Happening{Kind: engine.HappenReferralSent, At: env.Now, ReferralType: inst.GetString("type")}, actor,
		"Surat rujukan "+rec.GetString("letter_number")+" dikirim kepada "+inst.GetString("name")+".")
}

// --- reading clocks for the pages -----------------------------------------------

// ClockView is a case's clock as the console and the queue show it.
type ClockView struct {
	ID        string         `json:"id"`
	Clock     string         `json:"clock"`
	Label     string         `json:"label"`
	Help      string         `json:"help,omitempty"`
	Length    string         `json:"length"`
	Status    string         `json:"status"`
	StartedAt types.DateTime `json:"started_at"`
	DueAt     types.DateTime `json:"due_at"`
	MetAt     types.DateTime `json:"met_at"`
	MetBy     string         `json:"met_by,omitempty"`
	MetByName string         `json:"met_by_name,omitempty"`
	MetNote   string         `json:"met_note,omitempty"`
	// Manual is the label of the by-hand event ("Laporan ke kepolisian
	// sudah dibuat") when staff may record that the clock is met.
	Manual      string   `json:"manual,omitempty"`
	ManualHelp  string   `json:"manual_help,omitempty"`
	ManualRoles []string `json:"manual_roles,omitempty"`
	Overdue     bool     `json:"overdue"`
}

// clockViews turns stored clocks into views with their declarations.
func clockViews(wf *engine.Workflow, recs []*core.Record, now time.Time) []ClockView {
	out := []ClockView{}
	for _, r := range recs {
		v := ClockView{
			ID: r.Id, Clock: r.GetString("clock"), Status: r.GetString("status"), StartedAt: r.GetDateTime("started_at"),
			DueAt: r.GetDateTime("due_at"), MetAt: r.GetDateTime("met_at"), MetBy: r.GetString("met_by"),
			MetByName: r.GetString("met_by_name"), MetNote: r.GetString("met_note"), Label: r.GetString("clock"),
		}
		if cl := wf.Clock(v.Clock); cl != nil {
			v.Label, v.Help, v.Length = cl.Label, cl.Help, cl.Length.Text()
			if m := cl.Manual(); m != nil {
				v.Manual, v.ManualHelp, v.ManualRoles = m.Label, m.Help, m.Roles
			}
		}
		v.Overdue = v.MetAt.IsZero() && (v.Status == engine.ClockRunning || v.Status == engine.ClockMissed) && !v.DueAt.IsZero() && v.DueAt.Time().Before(now)
		out = append(out, v)
	}
	return out
}

// caseClockViews reads the clocks of several cases of a service at once
// (a queue page): by case id.
func (t *Teduh) caseClockViews(app core.App, s *Service, ids []string, now time.Time) (map[string][]ClockView, error) {
	out := map[string][]ClockView{}
	if s.ClockCollection == "" || len(ids) == 0 || len(s.Defs.Workflow.Clocks) == 0 {
		return out, nil
	}
	if _, err := app.FindCachedCollectionByNameOrId(s.ClockCollection); err != nil {
		return out, nil
	}
	vals := make([]any, len(ids))
	for i, id := range ids {
		vals[i] = id
	}
	recs, err := app.FindAllRecords(s.ClockCollection, dbx.In("complaint", vals...))
	if err != nil {
		return nil, err
	}
	by := map[string][]*core.Record{}
	for _, r := range recs {
		by[r.GetString("complaint")] = append(by[r.GetString("complaint")], r)
	}
	for id, list := range by {
		out[id] = clockViews(s.Defs.Workflow, list, now)
	}
	return out, nil
}

// --- a clock met by hand ------------------------------------------------------------

// meetClockByHand records that a declared clock with a by-hand event is met
// ("the police report was made"), with the staff member's note.
func (t *Teduh) meetClockByHand(e *core.RequestEvent, s *Service, kase *core.Record, clockID, note string) (*core.Record, error) {
	var roles []string
	var actor *core.Record
	switch {
	case e.Auth == nil:
		return nil, router.NewUnauthorizedError("Masuk sebagai petugas terlebih dahulu.", nil)
	case e.Auth.IsSuperuser():
		roles = []string{engine.RoleSuperuser}
	default:
		actor = e.Auth
		roles = []string{e.Auth.GetString("role")}
	}
	var met *core.Record
	err := e.App.RunInTransaction(func(tx core.App) error {
		fresh, err := tx.FindRecordById(s.CaseCollection, kase.Id)
		if err != nil {
			return caseNotFound()
		}
		defs, err := t.caseDefs(tx, s, fresh)
		if err != nil {
			return err
		}
		cl := defs.Workflow.Clock(clockID)
		if cl == nil {
			return router.NewNotFoundError("Tenggat ini tidak ada pada prosedur layanan ini.", nil)
		}
		if r := cl.CheckManual(roles); r != nil {
			return refusalError(r)
		}
		note = strings.TrimSpace(note)
		if note == "" {
			return badRequest("", map[string]*engine.FieldError{"notes": {Code: "required", Message: "Tulis keterangannya pada catatan, misalnya nomor laporan polisi atau nama penerima laporan."}})
		}
		if len([]rune(note)) > 2000 {
			return badRequest("", map[string]*engine.FieldError{"notes": {Code: "too_long", Message: "Catatan paling banyak 2000 karakter."}})
		}
		recs, err := clockRecords(tx, s, fresh.Id)
		if err != nil {
			return err
		}
		idx := slices.IndexFunc(recs, func(r *core.Record) bool { return r.GetString("clock") == clockID })
		if idx < 0 {
			return router.NewApiError(http.StatusConflict, "Tenggat ini tidak berjalan untuk kasus ini.", nil)
		}
		if !recs[idx].GetDateTime("met_at").IsZero() || recs[idx].GetString("status") == engine.ClockCancelled {
			return router.NewApiError(http.StatusConflict, "Tenggat ini sudah dicatat terpenuhi atau sudah berhenti. Muat ulang kasus ini.", nil)
		}
		env, _, err := t.env(tx)
		if err != nil {
			return err
		}
		if err := t.applyClocksNote(tx, e.Request.Context(), s, defs, fresh,
			engine.Happening{Kind: engine.HappenManual, At: env.Now, Clock: clockID}, actor, note); err != nil {
			return err
		}
		if met, err = tx.FindRecordById(s.ClockCollection, recs[idx].Id); err != nil {
			return err
		}
		return t.auditStrict(tx, e, "clock_met", s.ClockCollection, met.Id, map[string]any{"complaint": fresh.Id, "clock": clockID})
	})
	return met, err
}
