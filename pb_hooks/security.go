package pb_hooks

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// PageCSP is the Content-Security-Policy of every Teduh page: nothing from
// another origin, no inline code, no framing.
const PageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// bindSecurityHeaders adds the headers that protect the people using Teduh
// on its pages: a strict CSP, no referrer. (API answers get theirs from the
// gate: never cached.)
func (t *Teduh) bindSecurityHeaders(se *core.ServeEvent) error {
	se.Router.BindFunc(func(e *core.RequestEvent) error {
		path := e.Request.URL.Path
		h := e.Response.Header()
		switch {
		case strings.HasPrefix(path, "/api/"), strings.HasPrefix(path, "/_/"):
			// the gate's (API) and PocketBase's own (admin panel)
		default:
			h.Set("Content-Security-Policy", PageCSP)
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
			if path == "/" || strings.HasSuffix(path, "/") || strings.HasSuffix(path, ".html") {
				h.Set("Cache-Control", "no-store")
			}
		}
		return e.Next()
	})
	return se.Next()
}

// refuseInactiveStaff stops deactivated staff at every sign-in and token
// refresh; the API rules also require active = true on every request.
func (t *Teduh) refuseInactiveStaff(e *core.RecordAuthRequestEvent) error {
	if !e.Record.GetBool("active") {
		return router.NewForbiddenError("Akun Anda tidak aktif. Hubungi administrator sistem.", nil)
	}
	return e.Next()
}

// staffOnly is route middleware for staff endpoints: an active staff member
// (or the superuser) must be signed in.
func staffOnly(e *core.RequestEvent) error {
	switch {
	case e.Auth == nil:
		return router.NewUnauthorizedError("Masuk sebagai petugas terlebih dahulu.", nil)
	case e.Auth.IsSuperuser():
		return e.Next()
	case e.Auth.Collection().Name != "staff" || !e.Auth.GetBool("active"):
		return router.NewForbiddenError("Hanya petugas aktif yang dapat membuka halaman ini.", nil)
	}
	return e.Next()
}

// supervisorOnly is route middleware for supervisor endpoints: an active
// supervisor (or the superuser) must be signed in.
func supervisorOnly(e *core.RequestEvent) error {
	switch {
	case e.Auth == nil:
		return router.NewUnauthorizedError("Masuk sebagai kepala/penyelia terlebih dahulu.", nil)
	case e.Auth.IsSuperuser():
		return e.Next()
	case e.Auth.Collection().Name != "staff" || !e.Auth.GetBool("active") || e.Auth.GetString("role") != "supervisor":
		return router.NewForbiddenError("Hanya kepala/penyelia yang dapat membuka halaman ini.", nil)
	}
	return e.Next()
}
