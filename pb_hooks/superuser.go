package pb_hooks

// What the system administrator cannot do over the web. The superuser runs
// the server (settings, backups, accounts, the admin panel) but cannot
// rewrite what the office recorded: no raw SQL or view query (the gate
// refuses those routes for everyone), and no schema change, rule change,
// import or delete of a collection the access policy declares — those change
// only through migrations shipped in the binary. Every administrative write
// is itself an audit entry. What remains possible with shell access to the
// server is in the README ("What the administrator can still do").

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"teduh/internal/access"
)

func (t *Teduh) bindSuperuserLimits() {
	app := t.app
	app.OnCollectionUpdateRequest().BindFunc(func(e *core.CollectionRequestEvent) error {
		if t.declaredCollection(e.App, e.Collection.Id) {
			return router.NewForbiddenError("Susunan dan aturan koleksi ini hanya berubah melalui pembaruan Teduh (migrasi), tidak melalui panel admin: koleksi ini menyimpan kasus, akun, atau jejak audit.", nil)
		}
		return e.Next()
	})
	app.OnCollectionDeleteRequest().BindFunc(func(e *core.CollectionRequestEvent) error {
		if t.declaredCollection(e.App, e.Collection.Id) {
			return router.NewForbiddenError("Koleksi ini menyimpan data kasus, akun, atau jejak audit; koleksi ini tidak dapat dihapus.", nil)
		}
		return e.Next()
	})
	app.OnCollectionCreateRequest().BindFunc(func(e *core.CollectionRequestEvent) error {
		if e.Collection.IsView() {
			return router.NewForbiddenError("Koleksi view menjalankan kueri SQL atas seluruh basis data, melewati aturan akses dan jejak audit; koleksi view tidak dapat dibuat melalui panel admin.", nil)
		}
		if t.policy.Collection(e.Collection.Name) != nil {
			return router.NewForbiddenError("Nama koleksi ini dipakai Teduh.", nil)
		}
		return e.Next()
	})
	app.OnCollectionsImportRequest().BindFunc(func(e *core.CollectionsImportRequestEvent) error {
		if e.DeleteMissing {
			return router.NewForbiddenError("Impor dengan \"hapus yang tidak ada\" dapat menghapus koleksi kasus dan jejak audit; impor tanpa pilihan itu.", nil)
		}
		for _, data := range e.CollectionsData {
			name, _ := data["name"].(string)
			id, _ := data["id"].(string)
			if t.policy.Collection(name) != nil || t.declaredCollection(e.App, id) {
				return router.NewForbiddenError("Berkas impor memuat koleksi Teduh ("+name+"); koleksi itu hanya berubah melalui pembaruan Teduh. Hapus dari berkas impor.", nil)
			}
		}
		return e.Next()
	})
}

// declaredCollection tells whether id is one of the policy's collections.
func (t *Teduh) declaredCollection(app core.App, id string) bool {
	if id == "" {
		return false
	}
	c, err := app.FindCachedCollectionByNameOrId(id)
	return err == nil && t.policy.Collection(c.Name) != nil
}

// auditAdminWrite records a superuser's administrative write (settings,
// collections, backups, crons, logs) once it succeeded.
func (g *gate) auditAdminWrite(e *core.RequestEvent, route access.Route) {
	if e.Request.Method == http.MethodGet || e.Auth == nil || !e.Auth.IsSuperuser() {
		return
	}
	if status := e.Status(); status >= 400 {
		return
	}
	detail := map[string]any{"route": route.Pattern}
	for _, p := range []string{"collection", "key", "id"} {
		if v := e.Request.PathValue(p); v != "" {
			detail[p] = v
		}
	}
	g.t.audit(e.App, e, "admin", "", "", detail)
}

// auditBackupDownload records who downloads a backup (it holds every case)
// before it is served; PocketBase checks the superuser's file token.
func (t *Teduh) auditBackupDownload(e *core.RequestEvent) error {
	actor, err := e.App.FindAuthRecordByToken(e.Request.URL.Query().Get("token"), core.TokenTypeFile)
	if err != nil || !actor.IsSuperuser() {
		return nil // PocketBase refuses it
	}
	return t.auditAs(e.App, e, actor, "export", "", "", map[string]any{"backup": e.Request.PathValue("key")})
}
