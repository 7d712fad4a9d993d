package pb_hooks

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"teduh/internal/engine"
)

// stampStepActor makes the authenticated caller the actor of a step; a body
// field can never name someone else.
func (t *Teduh) stampStepActor(e *core.RecordRequestEvent) error {
	e.Record.Set("actor", "")
	e.Record.Set("actor_kind", "")
	switch {
	case e.Auth == nil:
		return router.NewUnauthorizedError("Masuk sebagai petugas untuk mencatat langkah.", nil)
	case e.Auth.IsSuperuser():
		e.Record.Set("actor_kind", "superuser")
		e.Record.Set("actor_name", "Administrator sistem ("+e.Auth.Email()+")")
	default:
		e.Record.Set("actor", e.Auth.Id)
		e.Record.Set("actor_kind", "staff")
	}
	return e.Next()
}

// createStep is the only way a case moves: the workflow definition decides
// whether the step may be recorded, and the case is updated in the same
// transaction as the step record.
func (t *Teduh) createStep(s *Service, e *core.RecordEvent) error {
	system := hasMarker(e.Context, systemWrite)
	if system && hasMarker(e.Context, stepApplied) {
		return e.Next()
	}
	return inTx(e, func(tx core.App) error {
		rec := e.Record
		var roles []string
		var actor *core.Record
		switch rec.GetString("actor_kind") {
		case "system":
			if !system {
				return router.NewForbiddenError("Langkah sistem hanya dapat dicatat oleh server.", nil)
			}
			rec.Set("actor_name", "Sistem")
		case "superuser":
			roles = []string{engine.RoleSuperuser}
		case "staff":
			var err error
			if actor, err = activeStaff(tx, rec.GetString("actor")); err != nil {
				return router.NewForbiddenError("Akun petugas ini tidak aktif atau tidak ditemukan.", nil)
			}
			roles = []string{actor.GetString("role")}
			rec.Set("actor_name", actor.GetString("name"))
		default:
			return router.NewBadRequestError("Pelaku langkah tidak diketahui.", nil)
		}

		// a case the officer may not see answers exactly like one that does
		// not exist: the same status, the same words, nothing about how far
		// it has got
		kase, err := tx.FindRecordById(s.CaseCollection, rec.GetString("complaint"))
		if err != nil {
			return caseNotFound()
		}
		// officers work on their own cases and on unassigned ones
		if actor != nil && actor.GetString("role") != "supervisor" {
			if assignee := kase.GetString("assigned_to"); assignee != "" && assignee != actor.Id {
				return caseNotFound()
			}
		}
		data, ferr := stepData(rec)
		if ferr != nil {
			return badRequest(ferr.Message, map[string]*engine.FieldError{"data": ferr})
		}
		env, office, err := t.env(tx)
		if err != nil {
			return err
		}
		state := engine.CaseState{
			CurrentStep: kase.GetInt("current_step"),
			Status:      kase.GetString("status"),
			AssignedTo:  kase.GetString("assigned_to"),
		}
		req := engine.StepRequest{
			Step: rec.GetInt("step"), Outcome: rec.GetString("outcome"), Notes: rec.GetString("notes"),
			Data: data, Roles: roles, System: system,
		}
		facts := &dbFacts{app: tx, service: s, caseID: kase.Id}
		// a case follows the workflow version it started under
		defs, err := t.caseDefs(tx, s, kase)
		if err != nil {
			return err
		}
		d, refusal := defs.Workflow.Decide(state, req, env, facts)
		if refusal != nil {
			return refusalError(refusal)
		}

		rec.Set("step_code", d.Step.Code)
		rec.Set("outcome", d.Outcome)
		rec.Set("notes", d.Notes)
		rec.Set("data", map[string]any(d.Data))
		rec.Set("workflow_version", defs.Workflow.Version)
		if err := e.Next(); err != nil {
			if isUniqueViolation(err) {
				return router.NewApiError(http.StatusConflict, "Langkah ini baru saja dicatat oleh petugas lain. Muat ulang kasus ini.", nil)
			}
			return err
		}

		now := env.Now
		kase.Set("current_step", d.NewStep)
		kase.Set("status", d.NewStatus)
		for _, eff := range d.Effects {
			name, _, _ := strings.Cut(eff, ":")
			switch name {
			case engine.EffectAssign:
				if kase.GetString("assigned_to") == "" && actor != nil {
					kase.Set("assigned_to", actor.Id)
				}
			case engine.EffectFirstReply:
				if kase.GetDateTime("first_response_at").IsZero() {
					kase.Set("first_response_at", now)
				}
			case engine.EffectStartClock:
				kase.Set("verified_at", now)
				kase.Set("due_at", engine.DueAt(now, office.SLADays))
			case engine.EffectCloseCase:
				kase.Set("closed_at", now)
			case engine.EffectCopyToCase:
				for _, f := range engine.CopyFields(d.Effects) {
					kase.Set(f, d.Data[f])
				}
			}
		}
		if err := tx.SaveWithContext(withMarker(e.Context, systemWrite), kase); err != nil {
			return err
		}
		// what the step does to the case's declared clocks (starts, meets, stops)
		return t.applyClocks(tx, e.Context, s, defs, kase, engine.Happening{Kind: engine.HappenStep, At: now, Decision: d}, actor)
	})
}

// caseNotFound is the one answer for a case that is missing or hidden.
func caseNotFound() error {
	return router.NewNotFoundError("Kasus tidak ditemukan.", validation.Errors{
		"complaint": validation.NewError("not_found", "Kasus tidak ditemukan.")})
}

func refuseStepChange(e *core.RecordEvent) error {
	return router.NewForbiddenError("Catatan langkah tidak dapat diubah atau dihapus. Tambahkan catatan baru bila ada koreksi.", nil)
}

// stepData reads the step's data object from the record.
func stepData(rec *core.Record) (map[string]any, *engine.FieldError) {
	raw, _ := rec.Get("data").(types.JSONRaw)
	if len(raw) == 0 || string(raw) == "null" {
		return map[string]any{}, nil
	}
	var data map[string]any
	if err := json.Unmarshal(raw, &data); err != nil {
		return nil, &engine.FieldError{Code: "invalid_data", Message: "Data langkah harus berupa objek JSON, misalnya {\"victim_safe\": true}."}
	}
	if data == nil {
		data = map[string]any{}
	}
	return data, nil
}

func isUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// dbFacts answers step validators from the database, inside the step's
// transaction.
type dbFacts struct {
	app     core.App
	service *Service
	caseID  string
}

func (f *dbFacts) LatestStepData(step int) (map[string]any, bool) {
	records, err := f.app.FindRecordsByFilter(f.service.StepCollection,
		"complaint = {:c} && step = {:s} && outcome = 'done'", "-created", 1, 0,
		dbx.Params{"c": f.caseID, "s": step})
	if err != nil || len(records) == 0 {
		return nil, false
	}
	data, ferr := stepData(records[0])
	return data, ferr == nil
}

// CountReferrals counts the case's referrals; before the referrals
// collection exists there are none.
func (f *dbFacts) CountReferrals(statuses ...string) (int, error) {
	if _, err := f.app.FindCachedCollectionByNameOrId("referrals"); err != nil {
		return 0, nil
	}
	vals := make([]any, len(statuses))
	for i, s := range statuses {
		vals[i] = s
	}
	var n int
	err := f.app.DB().Select("COUNT(*)").From("referrals").
		Where(dbx.HashExp{"complaint": f.caseID}).AndWhere(dbx.In("status", vals...)).Row(&n)
	return n, err
}
