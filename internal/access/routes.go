package access

import "strings"

// Audience is who may call a route.
type Audience int

const (
	// Anyone: the public pages, sign-in, PocketBase checks the rest.
	Anyone Audience = iota
	// StaffOnly: an active officer or supervisor (or the superuser).
	StaffOnly
	// SupervisorsOnly: an active supervisor (or the superuser).
	SupervisorsOnly
	// SuperusersOnly: the system administrator.
	SuperusersOnly
	// Nobody: refused for everyone, the superuser included (paths that would
	// read or rewrite cases without the gate or the trail).
	Nobody
)

// Kind says how the gate treats a route beyond its audience.
type Kind int

const (
	// Plain routes are Teduh's own: the handler reads what it needs and
	// records the reads itself.
	Plain Kind = iota
	// Records are PocketBase's generic records API for {collection}:
	// the collection policy applies to the query and to every record served.
	Records
	// Auth are PocketBase's auth routes of {collection}: only the staff and
	// superuser collections, and the query (expand) is checked like a read.
	Auth
	// Realtime is PocketBase's live channel: subscriptions are checked.
	Realtime
	// Files are PocketBase's file downloads: the collection must declare the
	// file field; PocketBase checks the file token.
	Files
	// Admin are the superuser's administration routes.
	Admin
	// Stream routes are not buffered (server-sent events, large downloads).
	Stream
)

// Route is one HTTP route as Go's ServeMux names it ("GET /api/queue").
type Route struct {
	Pattern  string
	Audience Audience
	Kind     Kind
	// Collections an Auth route may be used with.
	AuthCollections []string
}

// Find returns the declared route for a matched pattern.
func (p *Policy) Find(pattern string) (Route, bool) {
	r, ok := p.Routes[pattern]
	return r, ok
}

// Allows tells whether role meets a route's audience.
func (r Route) Allows(role Role) bool {
	switch r.Audience {
	case Anyone:
		return true
	case StaffOnly:
		return role == Officer || role == Supervisor || role == Superuser
	case SupervisorsOnly:
		return role == Supervisor || role == Superuser
	case SuperusersOnly:
		return role == Superuser
	}
	return false
}

// The superuser and staff collections are the only ones that sign in.
var signIn = []string{"staff", "_superusers"}

func pb(method, path string, a Audience, k Kind) Route {
	return Route{Pattern: method + " " + path, Audience: a, Kind: k}
}

func auth(path string, collections ...string) Route {
	return Route{Pattern: "POST /api/collections/{collection}/" + path, Audience: Anyone, Kind: Auth, AuthCollections: collections}
}

// teduhRoutes are every route the server answers under /api/. A route not
// listed here answers 404 to everyone but the superuser's listed ones.
var teduhRoutes = []Route{
	// --- PocketBase: health, records, live channel, files ----------------
	pb("GET", "/api/health", Anyone, Plain),
	pb("GET", "/api/collections/{collection}/records", StaffOnly, Records),
	pb("GET", "/api/collections/{collection}/records/{id}", StaffOnly, Records),
	pb("POST", "/api/collections/{collection}/records", StaffOnly, Records),
	pb("PATCH", "/api/collections/{collection}/records/{id}", StaffOnly, Records),
	pb("DELETE", "/api/collections/{collection}/records/{id}", StaffOnly, Records),
	pb("GET", "/api/realtime", Anyone, Stream),
	pb("POST", "/api/realtime", Anyone, Realtime),
	pb("POST", "/api/files/token", StaffOnly, Plain),
	pb("GET", "/api/files/{collection}/{recordId}/{filename}", Anyone, Files),

	// --- PocketBase: signing in --------------------------------------------
	{Pattern: "GET /api/collections/{collection}/auth-methods", Audience: Anyone, Kind: Auth, AuthCollections: signIn},
	auth("auth-with-password", signIn...),
	auth("auth-refresh", signIn...),
	auth("request-otp", signIn...),
	auth("auth-with-otp", signIn...),
	auth("request-password-reset", signIn...),
	auth("confirm-password-reset", signIn...),
	// staff cannot change their own e-mail address (a hook refuses it with
	// the reason): the administrator does
	auth("request-email-change", signIn...),
	auth("confirm-email-change", signIn...),
	{Pattern: "POST /api/collections/{collection}/impersonate/{id}", Audience: SuperusersOnly, Kind: Auth, AuthCollections: []string{"staff"}},

	// --- PocketBase: the administrator's routes ----------------------------
	pb("GET", "/api/collections", SuperusersOnly, Admin),
	pb("POST", "/api/collections", SuperusersOnly, Admin),
	pb("GET", "/api/collections/{collection}", SuperusersOnly, Admin),
	pb("PATCH", "/api/collections/{collection}", SuperusersOnly, Admin),
	pb("DELETE", "/api/collections/{collection}", SuperusersOnly, Admin),
	pb("DELETE", "/api/collections/{collection}/truncate", SuperusersOnly, Admin),
	pb("PUT", "/api/collections/import", SuperusersOnly, Admin),
	pb("GET", "/api/collections/meta/scaffolds", SuperusersOnly, Admin),
	pb("GET", "/api/collections/meta/oauth2-providers", SuperusersOnly, Admin),
	pb("GET", "/api/settings", SuperusersOnly, Admin),
	pb("PATCH", "/api/settings", SuperusersOnly, Admin),
	pb("POST", "/api/settings/test/s3", SuperusersOnly, Admin),
	pb("POST", "/api/settings/test/email", SuperusersOnly, Admin),
	pb("GET", "/api/logs", SuperusersOnly, Admin),
	pb("GET", "/api/logs/stats", SuperusersOnly, Admin),
	pb("GET", "/api/logs/{id}", SuperusersOnly, Admin),
	pb("GET", "/api/crons", SuperusersOnly, Admin),
	pb("POST", "/api/crons/{id}", SuperusersOnly, Admin),
	pb("GET", "/api/backups", SuperusersOnly, Admin),
	pb("POST", "/api/backups", SuperusersOnly, Admin),
	pb("POST", "/api/backups/upload", SuperusersOnly, Admin),
	// a backup holds every case: its download (with a superuser file token,
	// checked by PocketBase) is recorded as an export
	pb("GET", "/api/backups/{key}", Anyone, Stream),
	pb("DELETE", "/api/backups/{key}", SuperusersOnly, Admin),
	pb("POST", "/api/backups/{key}/restore", SuperusersOnly, Admin),

	// --- refused for everyone ------------------------------------------------
	// raw SQL and view queries read and rewrite anything, past every rule
	pb("POST", "/api/sql", Nobody, Admin),
	pb("POST", "/api/collections/meta/dry-run-view", Nobody, Admin),
	// a batch runs its requests inside PocketBase, past the gate
	pb("POST", "/api/batch", Nobody, Admin),
	pb("GET", "/api/oauth2-redirect", Nobody, Plain),
	pb("POST", "/api/oauth2-redirect", Nobody, Plain),
	auth("auth-with-oauth2"),
	auth("request-verification"),
	auth("confirm-verification"),

	// --- Teduh: public ---------------------------------------------------------
	pb("GET", "/api/public/office", Anyone, Plain),
	pb("GET", "/api/public/forms/complaint", Anyone, Plain),
	pb("POST", "/api/public/complaints", Anyone, Plain),
	pb("GET", "/api/public/complaints/{code}", Anyone, Plain),
	// the old feedback form's address: files a service complaint
	pb("POST", "/api/public/feedback", Anyone, Plain),
	pb("GET", "/api/public/challenge", Anyone, Plain),
	// every public service from its definitions (services_routes.go)
	pb("GET", "/api/public/services", Anyone, Plain),
	pb("GET", "/api/public/services/{service}", Anyone, Plain),
	pb("POST", "/api/public/services/{service}/submissions", Anyone, Plain),
	pb("GET", "/api/public/services/{service}/submissions/{code}", Anyone, Plain),

	// --- Teduh: staff ----------------------------------------------------------
	pb("GET", "/api/workflows/complaint", StaffOnly, Plain),
	pb("GET", "/api/forms/complaint", StaffOnly, Plain),
	pb("GET", "/api/queue", StaffOnly, Plain),
	pb("GET", "/api/staff-load", SupervisorsOnly, Plain),
	pb("POST", "/api/notifications/read-all", StaffOnly, Plain),
	pb("GET", "/api/complaints/{id}/referral-recommendations", StaffOnly, Plain),
	pb("GET", "/api/complaints/{id}/report.pdf", StaffOnly, Plain),
	pb("GET", "/api/referrals/{id}/letter.pdf", StaffOnly, Plain),
	pb("POST", "/api/referrals/{id}/letter/email", StaffOnly, Plain),
	pb("GET", "/api/audit/verify", SupervisorsOnly, Plain),
	pb("GET", "/api/system-health", SupervisorsOnly, Plain),
	pb("POST", "/api/spam-batches", SupervisorsOnly, Plain),
	pb("POST", "/api/spam-batches/{id}/undo", SupervisorsOnly, Plain),
	// every service from its definitions: the handler also checks that the
	// caller's role handles the service, and a case's visibility
	pb("GET", "/api/services", StaffOnly, Plain),
	pb("GET", "/api/services/{service}", StaffOnly, Plain),
	pb("GET", "/api/services/{service}/queue", StaffOnly, Plain),
	pb("POST", "/api/services/{service}/cases", StaffOnly, Plain),
	pb("GET", "/api/services/{service}/cases/{id}", StaffOnly, Plain),
	pb("POST", "/api/services/{service}/cases/{id}/steps", StaffOnly, Plain),
	pb("POST", "/api/services/{service}/cases/{id}/clocks/{clock}/met", StaffOnly, Plain),
	pb("GET", "/api/services/{service}/stats", SupervisorsOnly, Plain),
	pb("GET", "/api/stats/service-complaints", SupervisorsOnly, Plain),
	// office set-up and staff accounts (console → Pengaturan, Tim)
	pb("GET", "/api/setup", SupervisorsOnly, Plain),
	pb("GET", "/api/staff-accounts", SupervisorsOnly, Plain),
	pb("POST", "/api/staff-accounts", SupervisorsOnly, Plain),
	pb("POST", "/api/staff-accounts/{id}/one-time-password", SupervisorsOnly, Plain),
	pb("POST", "/api/staff-accounts/{id}/reset-mail", SupervisorsOnly, Plain),

	// --- Teduh: SIMFONI-PPA data, statistics and exports ----------------------
	pb("GET", "/api/forms/perpetrator", StaffOnly, Plain),
	pb("GET", "/api/complaints/{id}/services", StaffOnly, Plain),
	pb("POST", "/api/complaints/{id}/services", StaffOnly, Plain),
	pb("GET", "/api/complaints/{id}/simfoni.pdf", StaffOnly, Plain),
	pb("GET", "/api/stats", SupervisorsOnly, Plain),
	pb("GET", "/api/exports/report.pdf", SupervisorsOnly, Plain),
	// a year's workbook is megabytes: sent as written, not held by the gate
	// (its handler records the export before the first byte)
	pb("POST", "/api/exports/stats.xlsx", SupervisorsOnly, Stream),
}

// IsAPI tells whether a path is under the API the gate guards.
func IsAPI(path string) bool {
	return path == "/api" || strings.HasPrefix(path, "/api/")
}
