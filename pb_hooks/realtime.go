package pb_hooks

import (
	"github.com/pocketbase/pocketbase/core"
)

// The live channel (PocketBase realtime) tells a console that a case, a step
// or a referral changed; it never carries the story. Whatever a subscriber
// asks for, a case reaches it with the fields of the queue only, and no
// expanded relation; the console reads the rest through the REST API, where
// every read is audited. Every case event a subscriber receives is audited
// too, as a read of that case.

// realtimeFields is what a realtime event may carry of each record; a
// collection not listed here is sent as PocketBase sends it, without
// expanded relations.
var realtimeFields = map[string]map[string]bool{
	"complaints": set("id", "collectionId", "collectionName", "number", "urgency", "status", "current_step", "assigned_to",
		"due_at", "first_response_at", "first_response_due_at", "verified_at", "closed_at", "channel", "created", "updated"),
	"case_steps": set("id", "collectionId", "collectionName", "complaint", "step", "step_code", "outcome", "actor", "actor_kind", "created"),
	"referrals":  set("id", "collectionId", "collectionName", "complaint", "institution", "status", "letter_number", "created", "updated"),
}

// realtimeGuarded are the collections whose live events are trimmed of
// expanded relations (a relation can lead to a case).
var realtimeGuarded = []string{"complaints", "case_steps", "referrals", "notifications"}

func set(names ...string) map[string]bool {
	out := make(map[string]bool, len(names))
	for _, n := range names {
		out[n] = true
	}
	return out
}

func (t *Teduh) bindRealtimeGuard() {
	t.app.OnRecordEnrich(realtimeGuarded...).BindFunc(func(e *core.RecordEnrichEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		if e.RequestInfo == nil || e.RequestInfo.Context != core.RequestInfoContextRealtime {
			return nil
		}
		rec := e.Record
		rec.SetExpand(nil)
		name := rec.Collection().Name
		if allowed, ok := realtimeFields[name]; ok {
			var hide []string
			for _, f := range rec.Collection().Fields {
				if !allowed[f.GetName()] {
					hide = append(hide, f.GetName())
				}
			}
			rec.Hide(hide...)
		}
		if name == "complaints" || name == "case_steps" {
			caseID := rec.Id
			if name == "case_steps" {
				caseID = rec.GetString("complaint")
			}
			// the event is not sent when its read cannot be recorded
			return t.auditAs(e.App, nil, e.RequestInfo.Auth, "realtime", name, rec.Id, map[string]any{"complaint": caseID})
		}
		return nil
	})
}
