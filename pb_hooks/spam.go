package pb_hooks

// Marking a flood's complaints as spam. A supervisor picks the complaints
// of a flood and marks them as one batch: each is withdrawn with the reason
// (the case closed as withdrawn, and a step record with the outcome "spam":
// not "withdrawn", so that the database's guarantee that a step advances a
// case once, idx_case_steps_advance, leaves it out and the step can be taken
// again after an undo), and the batch remembers where each case stood. Undoing the batch reopens each case
// where it was, with a step record saying so. Both are audited. Only cases
// nobody has started handling (still at step 1) can be marked: a case an
// officer has answered is not spam.

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"teduh/internal/engine"
)

const spamBatches = "spam_batches"

// The outcomes of the step records a spam batch writes.
const (
	OutcomeSpam       = "spam"
	OutcomeSpamUndone = "spam_undone"
)

// spamLabels are those outcomes as people read them.
var spamLabels = map[string]string{
	OutcomeSpam:       "Ditandai kiriman massal (spam), dicabut",
	OutcomeSpamUndone: "Tanda spam dibatalkan",
}

// spamCase is a case of a batch with where it stood before.
type spamCase struct {
	ID          string `json:"id"`
	Number      string `json:"number"`
	Status      string `json:"status"`
	CurrentStep int    `json:"current_step"`
}

func (t *Teduh) bindSpam(se *core.ServeEvent) error {
	g := se.Router.Group("/api/spam-batches").BindFunc(supervisorOnly)
	g.POST("", t.markSpam)
	g.POST("/{id}/undo", t.undoSpam)
	return se.Next()
}

// markSpam serves POST /api/spam-batches {"cases": [ids], "reason": "…"}.
func (t *Teduh) markSpam(e *core.RequestEvent) error {
	var body struct {
		Cases  []string `json:"cases"`
		Reason string   `json:"reason"`
	}
	if err := e.BindBody(&body); err != nil {
		return router.NewBadRequestError("Data tidak dapat dibaca.", nil)
	}
	body.Reason = strings.TrimSpace(body.Reason)
	errs := map[string]*engine.FieldError{}
	if body.Reason == "" || len([]rune(body.Reason)) > 500 {
		errs["reason"] = &engine.FieldError{Code: "required", Message: "Tulis alasannya (paling banyak 500 huruf), misalnya \"kiriman massal dari banyak alamat pada 2 Desember pukul 10.00–10.20\"."}
	}
	if len(body.Cases) == 0 || len(body.Cases) > 5000 {
		errs["cases"] = &engine.FieldError{Code: "required", Message: "Pilih 1 sampai 5.000 pengaduan."}
	}
	if len(errs) > 0 {
		return badRequest("", errs)
	}
	batch := &core.Record{}
	err := e.App.RunInTransaction(func(tx core.App) error {
		var cases []spamCase
		var bad []string
		seen := map[string]bool{}
		for _, id := range body.Cases {
			if seen[id] {
				continue
			}
			seen[id] = true
			kase, err := tx.FindRecordById(t.complaint.CaseCollection, id)
			if err != nil {
				bad = append(bad, id)
				continue
			}
			if st := kase.GetString("status"); kase.GetInt("current_step") != 1 || st != engine.StatusNew {
				bad = append(bad, kase.GetString("number"))
				continue
			}
			cases = append(cases, spamCase{ID: kase.Id, Number: kase.GetString("number"), Status: kase.GetString("status"), CurrentStep: kase.GetInt("current_step")})
		}
		if len(bad) > 0 {
			return badRequest("", map[string]*engine.FieldError{"cases": {Code: "not_markable",
				Message: "Hanya pengaduan yang belum ditangani (masih langkah 1) yang dapat ditandai spam. Tidak dapat: " + strings.Join(bad, ", ") + "."}})
		}
		c, err := tx.FindCachedCollectionByNameOrId(spamBatches)
		if err != nil {
			return err
		}
		batch = core.NewRecord(c)
		batch.Load(map[string]any{"reason": body.Reason, "cases": cases, "size": len(cases), "created_by": e.Auth.Id})
		if err := tx.Save(batch); err != nil {
			return err
		}
		wf := t.complaint.Defs.Workflow
		for _, sc := range cases {
			step := wf.Step(sc.CurrentStep + 1)
			notes := "Ditandai sebagai kiriman massal (spam) oleh " + e.Auth.GetString("name") + ": " + body.Reason
			if err := t.systemStep(tx, e.Auth, sc.ID, step, OutcomeSpam, notes, map[string]any{"spam_batch": batch.Id}); err != nil {
				return err
			}
			kase, err := tx.FindRecordById(t.complaint.CaseCollection, sc.ID)
			if err != nil {
				return err
			}
			kase.Set("status", engine.StatusWithdrawn)
			kase.Set("current_step", step.Number)
			kase.Set("closed_at", t.now().UTC())
			if err := tx.SaveWithContext(withMarker(e.Request.Context(), systemWrite), kase); err != nil {
				return err
			}
			// its declared clocks stop as for any withdrawal (an undo does
			// not restart them; the first-response clock is the case's own)
			withdrawal := &engine.Decision{Step: step, Outcome: engine.OutcomeWithdrawn, Advances: true, NewStep: step.Number,
				NewStatus: engine.StatusWithdrawn, Effects: []string{engine.EffectCloseCase}}
			if err := t.applyClocks(tx, e.Request.Context(), t.complaint, t.complaint.Defs, kase,
				engine.Happening{Kind: engine.HappenStep, At: t.now().UTC(), Decision: withdrawal}, e.Auth); err != nil {
				return err
			}
		}
		ids := make([]string, len(cases))
		for i, sc := range cases {
			ids[i] = sc.ID
		}
		return t.auditStrict(tx, e, "spam_mark", spamBatches, batch.Id, map[string]any{"cases": ids, "reason": body.Reason})
	})
	if err != nil {
		return saveError(err)
	}
	return e.JSON(http.StatusOK, map[string]any{"id": batch.Id, "size": batch.GetInt("size")})
}

// undoSpam serves POST /api/spam-batches/{id}/undo {"reason": "…"}: every
// case of the batch goes back to where it stood.
func (t *Teduh) undoSpam(e *core.RequestEvent) error {
	var body struct {
		Reason string `json:"reason"`
	}
	_ = e.BindBody(&body)
	body.Reason = strings.TrimSpace(body.Reason)
	if body.Reason == "" || len([]rune(body.Reason)) > 500 {
		return badRequest("", map[string]*engine.FieldError{"reason": {Code: "required", Message: "Tulis mengapa tanda spam dibatalkan (paling banyak 500 huruf)."}})
	}
	err := e.App.RunInTransaction(func(tx core.App) error {
		batch, err := tx.FindRecordById(spamBatches, e.Request.PathValue("id"))
		if err != nil {
			return router.NewNotFoundError("Kelompok spam tidak ditemukan.", nil)
		}
		if !batch.GetDateTime("undone_at").IsZero() {
			return router.NewApiError(http.StatusConflict, "Tanda spam kelompok ini sudah dibatalkan.", nil)
		}
		var cases []spamCase
		if err := json.Unmarshal([]byte(batch.GetString("cases")), &cases); err != nil {
			return err
		}
		wf := t.complaint.Defs.Workflow
		for _, sc := range cases {
			kase, err := tx.FindRecordById(t.complaint.CaseCollection, sc.ID)
			if err != nil {
				return err
			}
			// only the withdrawal this batch made is undone
			var last struct {
				Data string `db:"data"`
			}
			if err := tx.DB().NewQuery(`SELECT COALESCE(data, '') AS data FROM case_steps WHERE complaint = {:c} ORDER BY created DESC, rowid DESC LIMIT 1`).
				Bind(dbx.Params{"c": sc.ID}).One(&last); err != nil {
				return err
			}
			if kase.GetString("status") != engine.StatusWithdrawn || !strings.Contains(last.Data, batch.Id) {
				continue
			}
			notes := "Tanda spam dibatalkan oleh " + e.Auth.GetString("name") + ": " + body.Reason
			if err := t.systemStep(tx, e.Auth, sc.ID, wf.Step(kase.GetInt("current_step")), OutcomeSpamUndone, notes, map[string]any{"spam_batch": batch.Id}); err != nil {
				return err
			}
			kase.Set("status", sc.Status)
			kase.Set("current_step", sc.CurrentStep)
			kase.Set("closed_at", "")
			if err := tx.SaveWithContext(withMarker(e.Request.Context(), systemWrite), kase); err != nil {
				return err
			}
			// the declared clocks the mark stopped run again, to the same
			// deadline (a marked case was untouched: every cancelled clock
			// of it is the mark's); one already past is the sweep's to escalate
			clocks, err := clockRecords(tx, t.complaint, sc.ID)
			if err != nil {
				return err
			}
			for _, k := range clocks {
				if k.GetString("status") != engine.ClockCancelled || !k.GetDateTime("met_at").IsZero() {
					continue
				}
				k.Set("status", engine.ClockRunning)
				if err := tx.SaveWithContext(withMarker(e.Request.Context(), systemWrite), k); err != nil {
					return err
				}
			}
		}
		batch.Set("undone_at", t.now().UTC())
		batch.Set("undone_by", e.Auth.Id)
		batch.Set("undo_reason", body.Reason)
		if err := tx.Save(batch); err != nil {
			return err
		}
		return t.auditStrict(tx, e, "spam_undo", spamBatches, batch.Id, map[string]any{"reason": body.Reason, "size": len(cases)})
	})
	if err != nil {
		return saveError(err)
	}
	return e.JSON(http.StatusOK, map[string]any{"id": e.Request.PathValue("id"), "undone": true})
}

// systemStep writes a step record that the server decided itself (the
// engine's rules do not apply: a batch action of a supervisor), with the
// supervisor as its actor.
func (t *Teduh) systemStep(tx core.App, actor *core.Record, caseID string, step *engine.Step, outcome, notes string, data map[string]any) error {
	c, err := tx.FindCachedCollectionByNameOrId(t.complaint.StepCollection)
	if err != nil {
		return err
	}
	rec := core.NewRecord(c)
	rec.Load(map[string]any{
		"complaint": caseID, "step": step.Number, "step_code": step.Code, "outcome": outcome, "notes": notes, "data": data,
		"actor": actor.Id, "actor_kind": "staff", "actor_name": actor.GetString("name"), "workflow_version": t.complaint.Defs.Workflow.Version,
	})
	return tx.SaveWithContext(withMarker(withMarker(nil, systemWrite), stepApplied), rec)
}
