package pb_hooks

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Collections whose every read of a record (cases and their steps) is audited.
var auditedReads = []string{"complaints", "case_steps"}

// Collections whose every write through the API is audited.
var auditedWrites = []string{"complaints", "case_steps", "staff", "office", "feedback"}

// Collections an administrator cannot delete through the API: they hold the
// cases, their history and the trail of who saw them.
var protectedCollections = []string{"office", "staff", "complaints", "case_steps", "feedback", "audit_log"}

func (t *Teduh) bindAudit() {
	app := t.app

	// reads: the entry is written before the answer, so a read that cannot
	// be recorded is not served
	app.OnRecordViewRequest(auditedReads...).BindFunc(func(e *core.RecordRequestEvent) error {
		var detail map[string]any
		if expand := e.Request.URL.Query().Get("expand"); expand != "" {
			detail = map[string]any{"expand": expand} // related case data read along
		}
		if err := t.auditStrict(e.App, e.RequestEvent, "view", e.Collection.Name, e.Record.Id, detail); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordsListRequest(auditedReads...).BindFunc(func(e *core.RecordsListRequestEvent) error {
		ids := make([]string, 0, len(e.Records))
		for _, r := range e.Records {
			ids = append(ids, r.Id)
		}
		if len(ids) > 0 {
			q := e.Request.URL.Query()
			detail := map[string]any{"ids": ids, "filter": q.Get("filter"), "expand": q.Get("expand")}
			if err := t.auditStrict(e.App, e.RequestEvent, "list", e.Collection.Name, "", detail); err != nil {
				return err
			}
		}
		return e.Next()
	})
	app.OnFileDownloadRequest().BindFunc(func(e *core.FileDownloadRequestEvent) error {
		detail := map[string]any{"field": e.FileField.Name, "file": e.ServedName}
		// protected files are fetched with a file token in the query, not an
		// Authorization header; PocketBase checks it but does not set e.Auth
		actor := e.Auth
		if actor == nil {
			if tok := e.Request.URL.Query().Get("token"); tok != "" {
				actor, _ = e.App.FindAuthRecordByToken(tok, core.TokenTypeFile)
			}
		}
		if err := t.auditAs(e.App, e.RequestEvent, actor, "download", e.Collection.Name, e.Record.Id, detail); err != nil {
			return err
		}
		return e.Next()
	})

	// writes: recorded once the write succeeded
	app.OnRecordCreateRequest(auditedWrites...).BindFunc(func(e *core.RecordRequestEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		action := "create"
		detail := map[string]any{}
		if e.Collection.Name == "case_steps" {
			action = "step"
			detail = map[string]any{"complaint": e.Record.GetString("complaint"), "step": e.Record.GetInt("step"), "outcome": e.Record.GetString("outcome")}
		}
		t.audit(e.App, e.RequestEvent, action, e.Collection.Name, e.Record.Id, detail)
		return nil
	})
	app.OnRecordUpdateRequest(auditedWrites...).BindFunc(func(e *core.RecordRequestEvent) error {
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
	app.OnRecordDeleteRequest(auditedWrites...).BindFunc(func(e *core.RecordRequestEvent) error {
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
	app.OnCollectionDeleteRequest().BindFunc(func(e *core.CollectionRequestEvent) error {
		for _, name := range protectedCollections {
			if e.Collection.Name == name {
				return router.NewForbiddenError("Koleksi ini menyimpan data kasus dan jejak audit; koleksi ini tidak dapat dihapus.", nil)
			}
		}
		return e.Next()
	})
	app.OnCollectionUpdateRequest().BindFunc(func(e *core.CollectionRequestEvent) error {
		if e.Collection.Name == "audit_log" && (e.Collection.UpdateRule != nil || e.Collection.DeleteRule != nil || e.Collection.CreateRule != nil) {
			return router.NewForbiddenError("Aturan koleksi audit tidak dapat dibuka untuk perubahan.", nil)
		}
		return e.Next()
	})
}

// auditStrict writes an audit entry for the request's authenticated caller
// and returns the error if it fails.
func (t *Teduh) auditStrict(app core.App, e *core.RequestEvent, action, collection, recordID string, detail map[string]any) error {
	return t.auditAs(app, e, e.Auth, action, collection, recordID, detail)
}

// auditAs writes an audit entry naming actor (nil for the public); e gives
// the address and may be nil (a realtime event has no request). The row is
// inserted directly: the log is append-only and read by nobody in realtime,
// so the record machinery (field interceptors, hooks, a broadcast) would only
// add cost to every read and write it follows. The limits of the collection's
// fields are applied here instead.
func (t *Teduh) auditAs(app core.App, e *core.RequestEvent, actor *core.Record, action, collection, recordID string, detail map[string]any) error {
	row := dbx.Params{
		"id":               core.GenerateDefaultRandomId(),
		"action":           clip(action, 40),
		"collection_name":  clip(collection, 60),
		"record_id":        clip(recordID, 40),
		"ip":               "",
		"detail":           "null",
		"actor_id":         "",
		"actor_collection": "public",
		"actor_name":       "Publik",
		"created":          types.NowDateTime().String(),
	}
	if e != nil {
		row["ip"] = clip(e.RealIP(), 60)
	}
	if detail != nil {
		data, err := json.Marshal(detail)
		if err != nil {
			return err
		}
		if len(data) > maxAuditDetail {
			data, _ = json.Marshal(map[string]any{"truncated": true, "size": len(data), "start": clip(string(data), 2000)})
		}
		row["detail"] = string(data)
	}
	if actor != nil {
		name := actor.GetString("name")
		if name == "" {
			name = actor.Email()
		}
		row["actor_id"] = clip(actor.Id, 40)
		row["actor_collection"] = clip(actor.Collection().Name, 60)
		row["actor_name"] = clip(name, 200)
	}
	_, err := app.DB().Insert("audit_log", row).Execute()
	return err
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
