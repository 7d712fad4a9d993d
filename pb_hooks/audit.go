package pb_hooks

import (
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"teduh/internal/auditchain"
)

// Collections whose every write through the API is audited, besides every
// service's cases and step records.
var auditedWrites = []string{"staff", "office", holidaysCollection, "referral_institutions", "perpetrators"}

func (t *Teduh) bindAudit() {
	app := t.app
	audited := slices.Clone(auditedWrites)
	for _, s := range t.services {
		audited = append(audited, s.CaseCollection, s.StepCollection)
	}
	isSteps := func(name string) bool {
		s := t.serviceOfCollection(name)
		return s != nil && s.StepCollection == name
	}

	// reads are recorded by the access gate (gate.go): every personal record
	// that leaves the server, however it leaves

	// writes: recorded once the write succeeded
	app.OnRecordCreateRequest(audited...).BindFunc(func(e *core.RecordRequestEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		action := "create"
		detail := map[string]any{}
		if isSteps(e.Collection.Name) {
			action = "step"
			detail = map[string]any{"complaint": e.Record.GetString("complaint"), "step": e.Record.GetInt("step"), "outcome": e.Record.GetString("outcome")}
		}
		t.audit(e.App, e.RequestEvent, action, e.Collection.Name, e.Record.Id, detail)
		return nil
	})
	app.OnRecordUpdateRequest(audited...).BindFunc(func(e *core.RecordRequestEvent) error {
		var changed []string
		for _, f := range e.Collection.Fields {
			if f.GetName() == "updated" || f.GetName() == "password" || f.GetName() == "tokenKey" {
				continue
			}
			if !sameValue(e.Record.Original().Get(f.GetName()), e.Record.Get(f.GetName())) {
				changed = append(changed, f.GetName())
			}
		}
		if err := e.Next(); err != nil {
			return err
		}
		t.audit(e.App, e.RequestEvent, "update", e.Collection.Name, e.Record.Id, map[string]any{"fields": changed})
		return nil
	})
	app.OnRecordDeleteRequest(audited...).BindFunc(func(e *core.RecordRequestEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		t.audit(e.App, e.RequestEvent, "delete", e.Collection.Name, e.Record.Id, nil)
		return nil
	})

	// the audit log is append-only for everyone, superusers included
	app.OnRecordCreateRequest("audit_log").BindFunc(func(e *core.RecordRequestEvent) error {
		return router.NewForbiddenError("Catatan audit hanya ditulis oleh sistem.", nil)
	})
	app.OnRecordUpdate("audit_log").BindFunc(func(e *core.RecordEvent) error {
		return router.NewForbiddenError("Catatan audit tidak dapat diubah.", nil)
	})
	app.OnRecordDelete("audit_log").BindFunc(func(e *core.RecordEvent) error {
		return router.NewForbiddenError("Catatan audit tidak dapat dihapus.", nil)
	})
}

// auditStrict writes an audit entry for the request's authenticated caller
// and returns the error if it fails.
func (t *Teduh) auditStrict(app core.App, e *core.RequestEvent, action, collection, recordID string, detail map[string]any) error {
	return t.auditAs(app, e, e.Auth, action, collection, recordID, detail)
}

// auditAs writes an audit entry naming actor (nil for the public); e gives
// the address and may be nil.
func (t *Teduh) auditAs(app core.App, e *core.RequestEvent, actor *core.Record, action, collection, recordID string, detail map[string]any) error {
	return t.writeAudit(app, sourceOf(e), actor, action, collection, recordID, detail)
}

// auditSource is where a read or write came from: the address, and the
// superuser behind an impersonation token.
type auditSource struct {
	ip           string
	impersonator *impersonation
}

func sourceOf(e *core.RequestEvent) auditSource {
	if e == nil {
		return auditSource{}
	}
	imp, _ := e.Get(impersonatorKey).(*impersonation)
	return auditSource{ip: e.RealIP(), impersonator: imp}
}

// writeAudit appends an entry to the audit chain. The row is inserted
// directly: the log is append-only and read by nobody in realtime, so the
// record machinery (field interceptors, hooks, a broadcast) would only add
// cost to every read and write it follows. The limits of the collection's
// fields are applied here instead. An impersonated staff member is named as
// on_behalf_of, the superuser as the actor.
func (t *Teduh) writeAudit(app core.App, src auditSource, actor *core.Record, action, collection, recordID string, detail map[string]any) error {
	entry := auditchain.Entry{
		ID:              core.GenerateDefaultRandomId(),
		Created:         types.NowDateTime().String(),
		Action:          clip(action, 40),
		CollectionName:  clip(collection, 60),
		RecordID:        clip(recordID, 40),
		IP:              clip(src.ip, 60),
		Detail:          "null",
		ActorCollection: "public",
		ActorName:       "Publik",
	}
	if detail != nil {
		data, err := json.Marshal(detail)
		if err != nil {
			return err
		}
		if len(data) > maxAuditDetail {
			data, _ = json.Marshal(map[string]any{"truncated": true, "size": len(data), "start": clip(string(data), 2000)})
		}
		entry.Detail = string(data)
	}
	if actor != nil {
		name := actor.GetString("name")
		if name == "" {
			name = actor.Email()
		}
		entry.ActorID = clip(actor.Id, 40)
		entry.ActorCollection = clip(actor.Collection().Name, 60)
		entry.ActorName = clip(name, 200)
	}
	if imp := src.impersonator; imp != nil {
		entry.ActorID, entry.ActorCollection = imp.SuperuserID, core.CollectionNameSuperusers
		entry.ActorName = clip("Administrator sistem ("+imp.SuperuserEmail+")", 200)
		entry.OnBehalfOf = clip(imp.StaffID+" "+imp.StaffName, 200)
	}
	return appendAudit(app, &entry)
}

// appendAudit numbers an entry after the last one, seals it into the chain
// and inserts it, in one transaction (the caller's, when it has one).
// PocketBase writes through a single connection, and transactions begin
// IMMEDIATE (pb_hooks/db.go), so no other writer, in this process or another,
// can append between the read of the last entry and the insert.
func appendAudit(app core.App, entry *auditchain.Entry) error {
	write := func(tx core.App) error {
		var prev auditchain.Entry
		err := tx.DB().NewQuery("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").One(&prev)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			auditchain.Seal(entry, nil)
		case err != nil:
			return err
		default:
			auditchain.Seal(entry, &prev)
		}
		_, err = tx.DB().Insert("audit_log", dbx.Params{
			"id": entry.ID, "seq": entry.Seq, "prev_hash": entry.PrevHash, "hash": entry.Hash, "created": entry.Created,
			"actor_id": entry.ActorID, "actor_collection": entry.ActorCollection, "actor_name": entry.ActorName,
			"on_behalf_of": entry.OnBehalfOf, "action": entry.Action, "collection_name": entry.CollectionName,
			"record_id": entry.RecordID, "ip": entry.IP, "detail": entry.Detail,
		}).Execute()
		return err
	}
	if app.IsTransactional() {
		return write(app)
	}
	return app.RunInTransaction(write)
}

// maxAuditDetail is the detail field's MaxSize in the collection.
const maxAuditDetail = 20000

// clip shortens s to at most n characters (runes).
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// audit writes an entry for a write that already happened; a failure is
// logged loudly rather than undoing the write.
func (t *Teduh) audit(app core.App, e *core.RequestEvent, action, collection, recordID string, detail map[string]any) {
	if err := t.auditStrict(app, e, action, collection, recordID, detail); err != nil {
		app.Logger().Error("audit entry not written", "action", action, "collection", collection, "record", recordID, "error", err)
	}
}
