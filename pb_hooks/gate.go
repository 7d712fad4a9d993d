package pb_hooks

// The access gate: the one place where the access policy (internal/access)
// is enforced on every way a record leaves the server.
//
//   - every /api/ request: the route must be declared, the caller must be
//     in its audience; a records request's filter, sort and expand must be
//     declared for the caller's role (parsed with PocketBase's own parser);
//     answers are buffered so that the reads they carry are recorded before
//     a byte leaves, and never cached;
//   - every record PocketBase serialises (list, view, an expanded relation,
//     the record a write answers with, a live event): fields the role may
//     not read are hidden, and a personal record is noted as read;
//   - counts: a list of a personal collection that answers a number without
//     records ("is there a case about this person?") is a read too;
//   - realtime: subscriptions are checked like queries; every personal event
//     a subscriber receives is audited with its address;
//   - files: only declared file fields, served as private attachments.
//
// Teduh's own routes record what they read themselves (auditStrict before
// they answer); the gate gives them the same headers and buffering.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/security"

	"teduh/internal/access"
)

// gatePriority runs the gate after PocketBase has loaded the caller's token
// and applied its rate and body limits, before any route handler.
const gatePriority = apis.DefaultBodyLimitMiddlewarePriority + 5

// gateHeader is the key under which a gated request's read collector is
// found from PocketBase's request info (its header map is shared with the
// copies PocketBase makes to expand relations).
const gateHeader = "x_teduh_gate"

// Request store keys.
const (
	readsKey        = "teduh.reads"
	impersonatorKey = "teduh.impersonator"
)

// gate holds the policy and the read collectors of the requests in flight.
type gate struct {
	t      *Teduh
	policy *access.Policy
	reads  sync.Map // gateHeader value → *readSet
	// impersonation tokens seen, by token hash → *impersonation
	impersonations sync.Map
}

// readSet is what one request read of personal data.
type readSet struct {
	mu     sync.Mutex
	ids    map[string][]string // collection → record ids, in order
	counts []countRead
}

type countRead struct {
	Collection string `json:"collection"`
	Filter     string `json:"filter"`
	Total      int    `json:"total"`
}

func (rs *readSet) add(collection, id string) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.ids == nil {
		rs.ids = map[string][]string{}
	}
	if !slices.Contains(rs.ids[collection], id) {
		rs.ids[collection] = append(rs.ids[collection], id)
	}
}

func (rs *readSet) empty() bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return len(rs.ids) == 0 && len(rs.counts) == 0
}

// roleOf is the policy role of an authenticated record (nil: the public).
// A deactivated staff account has the public's role.
func roleOf(auth *core.Record) access.Role {
	switch {
	case auth == nil:
		return access.Public
	case auth.IsSuperuser():
		return access.Superuser
	case auth.Collection().Name == "staff" && auth.GetBool("active"):
		switch role := access.Role(auth.GetString("role")); role {
		case access.Officer, access.Supervisor:
			return role
		}
	}
	return access.Public
}

// appSchema answers the policy's questions about the collections.
type appSchema struct{ app core.App }

func (s appSchema) HasCollection(name string) bool {
	_, err := s.app.FindCachedCollectionByNameOrId(name)
	return err == nil
}

func (s appSchema) Field(collection, field string) (string, bool) {
	c, err := s.app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return "", false
	}
	f := c.Fields.GetByName(field)
	if f == nil {
		return "", false
	}
	if rf, ok := f.(*core.RelationField); ok {
		if target, err := s.app.FindCachedCollectionByNameOrId(rf.CollectionId); err == nil {
			return target.Name, true
		}
	}
	return "", true
}

func (t *Teduh) bindGate() {
	g := &gate{t: t, policy: t.policy}
	t.gate = g
	app := t.app
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "teduhGate", Func: g.serve, Priority: gatePriority})
		// cross-origin reads only from the origins the office names
		se.Router.Unbind(apis.DefaultCorsMiddlewareId)
		se.Router.Bind(apis.CORS(apis.CORSConfig{
			AllowOriginFunc: func(origin string) (bool, error) { return t.originAllowed(origin), nil },
			AllowMethods:    []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodPost, http.MethodDelete},
		}))
		return se.Next()
	})
	app.OnRecordEnrich().Bind(&hook.Handler[*core.RecordEnrichEvent]{Func: g.enrich, Priority: -1000})
	app.OnRecordsListRequest().BindFunc(g.countOnly)
	app.OnRealtimeSubscribeRequest().BindFunc(g.subscribe)
	app.OnRealtimeMessageSend().BindFunc(g.realtimeMessage)
	app.OnFileDownloadRequest().BindFunc(g.fileDownload)
	app.OnRecordAuthRequest().BindFunc(g.recordImpersonation)
}

// serve is the gate's middleware.
func (g *gate) serve(e *core.RequestEvent) error {
	if !access.IsAPI(e.Request.URL.Path) {
		return e.Next()
	}
	defer redactForLog(e)
	h := e.Response.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")

	route, ok := g.policy.Find(e.Request.Pattern)
	if !ok {
		return notFound()
	}
	if err := g.resolveImpersonation(e); err != nil {
		return err
	}
	role := roleOf(e.Auth)
	if !route.Allows(role) {
		return refusal(route, e.Auth, role)
	}
	if err := g.checkRoute(e, route, role); err != nil {
		return err
	}

	rs := &readSet{}
	e.Set(readsKey, rs)
	if route.Kind == access.Records || route.Kind == access.Auth {
		info, err := e.RequestInfo()
		if err != nil {
			return router.NewBadRequestError("Data yang dikirim tidak dapat dibaca.", err)
		}
		key := security.RandomString(24)
		info.Headers[gateHeader] = key
		g.reads.Store(key, rs)
		defer g.reads.Delete(key)
	}
	if route.Kind == access.Stream || route.Kind == access.Files {
		return translateError(e.Next())
	}

	orig := e.Response
	buf := &bufferedWriter{under: orig}
	e.Response = buf
	err := e.Next()
	e.Response = orig
	if !rs.empty() {
		if auditErr := g.commitReads(e, route, rs); auditErr != nil {
			e.App.Logger().Error("read not recorded; answer withheld", "path", e.Request.URL.Path, "error", auditErr)
			return router.NewInternalServerError("Pembacaan data tidak dapat dicatat, jadi data tidak dikirim. Coba lagi.", nil)
		}
	}
	if buf.status != 0 {
		// the handler answered (an error it wrote itself, such as the MFA
		// step, still goes out as written)
		buf.flush()
		if route.Kind == access.Admin && err == nil {
			g.auditAdminWrite(e, route)
		}
		return err
	}
	return translateError(err)
}

// checkRoute applies what the route's kind asks of the policy.
func (g *gate) checkRoute(e *core.RequestEvent, route access.Route, role access.Role) error {
	switch route.Kind {
	case access.Records:
		name, ok := g.collectionName(e, "collection")
		if !ok {
			return notFound()
		}
		c := g.policy.Collection(name)
		if role != access.Superuser {
			if c == nil {
				return notFound()
			}
			if !c.CanRead(role) {
				return router.NewForbiddenError("Anda tidak berwenang membuka data ini.", nil)
			}
		}
		if r := g.policy.CheckQuery(appSchema{e.App}, role, name, e.Request.URL.Query()); r != nil {
			return queryRefused(r)
		}
	case access.Auth:
		name, ok := g.collectionName(e, "collection")
		if !ok || !slices.Contains(route.AuthCollections, name) {
			return notFound()
		}
		if r := g.policy.CheckQuery(appSchema{e.App}, role, name, e.Request.URL.Query()); r != nil {
			return queryRefused(r)
		}
	case access.Files:
		name, ok := g.collectionName(e, "collection")
		if !ok || g.policy.Collection(name) == nil || len(g.policy.Collection(name).Files) == 0 {
			return notFound()
		}
	case access.Admin:
		if strings.HasSuffix(route.Pattern, "/truncate") {
			if name, ok := g.collectionName(e, "collection"); ok && g.policy.Collection(name) != nil {
				return router.NewForbiddenError("Koleksi ini menyimpan data kasus, akun, atau jejak audit; isinya tidak dapat dikosongkan.", nil)
			}
		}
	case access.Stream:
		if strings.HasPrefix(route.Pattern, "GET /api/backups/") {
			return g.t.auditBackupDownload(e)
		}
	}
	return nil
}

// collectionName resolves a {collection} path value (a name or an id).
func (g *gate) collectionName(e *core.RequestEvent, param string) (string, bool) {
	c, err := e.App.FindCachedCollectionByNameOrId(e.Request.PathValue(param))
	if err != nil {
		return "", false
	}
	return c.Name, true
}

func notFound() error {
	return router.NewNotFoundError("Alamat atau data yang diminta tidak ditemukan.", nil)
}

func refusal(route access.Route, auth *core.Record, role access.Role) error {
	switch {
	case route.Audience == access.Nobody:
		return router.NewForbiddenError("Jalur ini ditutup untuk semua pengguna, termasuk administrator sistem: melaluinya data kasus dapat dibaca atau diubah tanpa aturan dan tanpa tercatat.", nil)
	case auth != nil && role == access.Public:
		return router.NewForbiddenError("Akun Anda tidak aktif. Hubungi administrator sistem.", nil)
	case auth == nil:
		return router.NewUnauthorizedError("Masuk sebagai petugas terlebih dahulu.", nil)
	case route.Audience == access.SupervisorsOnly:
		return router.NewForbiddenError("Hanya kepala/penyelia yang dapat membuka halaman ini.", nil)
	}
	return router.NewForbiddenError("Anda tidak berwenang membuka alamat ini.", nil)
}

func queryRefused(r *access.Refusal) error {
	return router.NewBadRequestError(r.Message, validation.Errors{r.Param: validation.NewError(r.Code, r.Message)})
}

// --- records leaving the server -------------------------------------------

// enrich runs for every record PocketBase serialises, after its relations
// are expanded.
func (g *gate) enrich(e *core.RecordEnrichEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	info := e.RequestInfo
	rec := e.Record
	name := rec.Collection().Name
	c := g.policy.Collection(name)
	role := roleOf(info.Auth)

	if info.Context == core.RequestInfoContextRealtime {
		// a live event says that something changed; the rest is read
		// through the API (audited there). Its own audit entry is written
		// when it is sent (realtimeMessage).
		rec.SetExpand(nil)
		var hide []string
		for _, f := range rec.Collection().Fields {
			if c == nil || !c.LiveField(role, f.GetName()) {
				hide = append(hide, f.GetName())
			}
		}
		rec.Hide(hide...)
		return nil
	}

	if role != access.Superuser {
		var hide []string
		for _, f := range rec.Collection().Fields {
			if c == nil || !c.Readable(role, f.GetName()) {
				hide = append(hide, f.GetName())
			}
		}
		rec.Hide(hide...)
	}
	if c == nil || !c.Personal {
		return nil
	}
	// the record a create or update answers with is its writer's own
	// write, audited as such; what it expands is a read
	if info.Method != http.MethodGet && info.Context == core.RequestInfoContextDefault {
		return nil
	}
	rs, ok := g.collector(info)
	if !ok {
		// nothing may carry personal data past the gate unrecorded
		return errors.New("access gate: personal record " + name + "/" + rec.Id + " enriched outside a gated request")
	}
	rs.add(name, rec.Id)
	return nil
}

func (g *gate) collector(info *core.RequestInfo) (*readSet, bool) {
	if info == nil {
		return nil, false
	}
	key := info.Headers[gateHeader]
	if key == "" {
		return nil, false
	}
	v, ok := g.reads.Load(key)
	if !ok {
		return nil, false
	}
	return v.(*readSet), true
}

// countOnly notes a list of a personal collection that answers how many
// records match without showing them (a page past the end).
func (g *gate) countOnly(e *core.RecordsListRequestEvent) error {
	if g.policy.Personal(e.Collection.Name) && len(e.Records) == 0 && e.Result != nil && e.Result.TotalItems > 0 {
		if rs, ok := e.Get(readsKey).(*readSet); ok {
			rs.mu.Lock()
			rs.counts = append(rs.counts, countRead{Collection: e.Collection.Name, Filter: e.Request.URL.Query().Get("filter"), Total: e.Result.TotalItems})
			rs.mu.Unlock()
		}
	}
	return e.Next()
}

// commitReads writes one audit entry naming every personal record the
// request read, before the answer leaves.
func (g *gate) commitReads(e *core.RequestEvent, route access.Route, rs *readSet) error {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	q := e.Request.URL.Query()
	main, _ := g.collectionName(e, "collection")
	action, recordID := "read", ""
	switch {
	case strings.HasSuffix(route.Pattern, "/records/{id}") && e.Request.Method == http.MethodGet:
		action, recordID = "view", e.Request.PathValue("id")
	case strings.HasSuffix(route.Pattern, "/records") && e.Request.Method == http.MethodGet:
		action = "list"
	}
	detail := map[string]any{}
	if ids := rs.ids[main]; len(ids) > 0 && action == "list" {
		detail["ids"] = ids
	}
	others := map[string][]string{}
	for coll, ids := range rs.ids {
		if coll == main && action != "read" {
			continue
		}
		others[coll] = ids
	}
	if len(others) > 0 {
		detail["records"] = others
	}
	if len(rs.counts) > 0 {
		detail["counts"] = rs.counts
		if action == "list" && len(rs.ids[main]) == 0 {
			action = "count"
		}
	}
	for _, k := range []string{"filter", "sort", "expand", "page"} {
		if v := q.Get(k); v != "" {
			detail[k] = v
		}
	}
	if action == "read" {
		detail["route"] = route.Pattern
	}
	return g.t.auditStrict(e.App, e, action, main, recordID, detail)
}

// --- realtime ----------------------------------------------------------------

// subscribe checks every subscription like a query.
func (g *gate) subscribe(e *core.RealtimeSubscribeRequestEvent) error {
	role := roleOf(e.Auth)
	for _, sub := range e.Subscriptions {
		topic, r := access.ParseTopic(sub)
		if r == nil {
			c, err := e.App.FindCachedCollectionByNameOrId(topic.Collection)
			if err != nil {
				r = &access.Refusal{Param: "subscriptions", Path: topic.Collection, Code: "subscription_not_allowed",
					Message: "Perubahan " + topic.Collection + " tidak dapat diikuti secara langsung."}
			} else {
				r = g.policy.CheckTopic(appSchema{e.App}, role, c.Name, topic)
			}
		}
		if r != nil {
			return queryRefused(r)
		}
	}
	if imp, ok := e.Get(impersonatorKey).(*impersonation); ok {
		e.Client.Set(impersonatorKey, imp)
	}
	return e.Next()
}

// realtimeMessage audits every event about a personal record before it is
// sent to a subscriber; an event whose read cannot be recorded is dropped.
func (g *gate) realtimeMessage(e *core.RealtimeMessageEvent) error {
	topic, _, ok := strings.Cut(e.Message.Name, "/")
	if !ok {
		return e.Next()
	}
	c, err := e.App.FindCachedCollectionByNameOrId(topic)
	if err != nil || !g.policy.Personal(c.Name) {
		return e.Next()
	}
	var data struct {
		Action string         `json:"action"`
		Record map[string]any `json:"record"`
	}
	if err := json.Unmarshal(e.Message.Data, &data); err != nil {
		return nil // not a record event: not sent
	}
	id, _ := data.Record["id"].(string)
	detail := map[string]any{"event": data.Action}
	if caseID, ok := data.Record["complaint"].(string); ok && caseID != "" {
		detail["complaint"] = caseID
	}
	auth, _ := e.Client.Get(apis.RealtimeClientAuthKey).(*core.Record)
	ip, _ := e.Client.Get(apis.RealtimeClientIPKey).(string)
	imp, _ := e.Client.Get(impersonatorKey).(*impersonation)
	if err := g.t.writeAudit(e.App, auditSource{ip: ip, impersonator: imp}, auth, "realtime", c.Name, id, detail); err != nil {
		e.App.Logger().Error("live event not recorded; not sent", "collection", c.Name, "record", id, "error", err)
		return nil
	}
	return e.Next()
}

// --- files -------------------------------------------------------------------

// fileDownload serves only declared file fields, as private attachments,
// and records the download (with the file token's owner) before it.
func (g *gate) fileDownload(e *core.FileDownloadRequestEvent) error {
	c := g.policy.Collection(e.Collection.Name)
	if c == nil || !slices.Contains(c.Files, e.FileField.Name) {
		return notFound()
	}
	h := e.Response.Header()
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Disposition", `attachment; filename="`+unsafeFilename.ReplaceAllString(e.ServedName, "-")+`"`)
	if c.Personal {
		// protected files are fetched with a file token in the query, not an
		// Authorization header; PocketBase checks it but does not set e.Auth
		actor := e.Auth
		if actor == nil {
			if tok := e.Request.URL.Query().Get("token"); tok != "" {
				actor, _ = e.App.FindAuthRecordByToken(tok, core.TokenTypeFile)
			}
		}
		detail := map[string]any{"field": e.FileField.Name, "file": e.ServedName}
		if err := g.t.writeAudit(e.App, sourceOf(e.RequestEvent), actor, "download", e.Collection.Name, e.Record.Id, detail); err != nil {
			return err
		}
	}
	return e.Next()
}

// --- answers -------------------------------------------------------------------

// bufferedWriter holds an answer until the reads it carries are recorded.
type bufferedWriter struct {
	under  http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *bufferedWriter) Header() http.Header { return w.under.Header() }

func (w *bufferedWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *bufferedWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

// Written and Status let PocketBase's handlers see the answer as written.
func (w *bufferedWriter) Written() bool { return w.status != 0 }
func (w *bufferedWriter) Status() int   { return w.status }

func (w *bufferedWriter) flush() {
	w.under.WriteHeader(w.status)
	_, _ = w.under.Write(w.body.Bytes())
}

// redactForLog keeps query strings (searches, filters with names, file
// tokens) and tracking codes out of PocketBase's request log, which is
// written from the request after the gate returns.
func redactForLog(e *core.RequestEvent) {
	u := *e.Request.URL
	u.RawQuery, u.ForceQuery = "", false
	u.Path = trackingPathRe.ReplaceAllString(u.Path, "$1/:kode")
	u.RawPath = ""
	e.Request.URL = &u
}

var trackingPathRe = regexp.MustCompile(`^(/api/public/(?:complaints|services/[^/]+/submissions))/[^/]+$`)

// --- impersonation -------------------------------------------------------------

// impersonation is a staff token a superuser obtained through
// PocketBase's impersonate route: requests with it are the superuser's,
// on behalf of the staff member.
type impersonation struct {
	SuperuserID    string
	SuperuserEmail string
	StaffID        string
	StaffName      string
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// recordImpersonation remembers the token a superuser takes to act as a
// staff member, and records that it was taken.
func (g *gate) recordImpersonation(e *core.RecordAuthRequestEvent) error {
	if e.Auth == nil || !e.Auth.IsSuperuser() || e.Record.IsSuperuser() {
		return e.Next()
	}
	imp := &impersonation{SuperuserID: e.Auth.Id, SuperuserEmail: e.Auth.Email(), StaffID: e.Record.Id, StaffName: e.Record.GetString("name")}
	if _, err := e.App.DB().NewQuery(`INSERT INTO teduh_impersonations (token_hash, superuser_id, superuser_email, staff_id, staff_name, created)
		VALUES ({:h}, {:su}, {:email}, {:staff}, {:name}, {:at})`).Bind(map[string]any{
		"h": tokenHash(e.Token), "su": imp.SuperuserID, "email": imp.SuperuserEmail, "staff": imp.StaffID, "name": imp.StaffName,
		"at": g.t.now().UTC().Format("2006-01-02 15:04:05.000Z"),
	}).Execute(); err != nil {
		return err
	}
	g.impersonations.Store(tokenHash(e.Token), imp)
	if err := g.t.auditStrict(e.App, e.RequestEvent, "impersonate", "staff", e.Record.Id, map[string]any{"staff_name": imp.StaffName}); err != nil {
		return err
	}
	return e.Next()
}

// resolveImpersonation marks a request made with an impersonation token.
// PocketBase issues non-refreshable staff tokens only when a superuser
// impersonates; one that Teduh did not see issued is refused.
func (g *gate) resolveImpersonation(e *core.RequestEvent) error {
	if e.Auth == nil || e.Auth.IsSuperuser() {
		return nil
	}
	token := strings.TrimPrefix(e.Request.Header.Get("Authorization"), "Bearer ")
	if token == "" {
		return nil
	}
	claims, err := security.ParseUnverifiedJWT(token)
	if err != nil {
		return nil
	}
	if refreshable, _ := claims[core.TokenClaimRefreshable].(bool); refreshable {
		return nil
	}
	h := tokenHash(token)
	if v, ok := g.impersonations.Load(h); ok {
		e.Set(impersonatorKey, v.(*impersonation))
		return nil
	}
	imp := &impersonation{}
	err = e.App.DB().NewQuery(`SELECT superuser_id AS SuperuserID, superuser_email AS SuperuserEmail, staff_id AS StaffID, staff_name AS StaffName
		FROM teduh_impersonations WHERE token_hash = {:h}`).Bind(map[string]any{"h": h}).One(imp)
	if err != nil {
		return router.NewUnauthorizedError("Token ini tidak dikenal. Masuk lagi.", nil)
	}
	g.impersonations.Store(h, imp)
	e.Set(impersonatorKey, imp)
	return nil
}

// --- origins -------------------------------------------------------------------

// originAllowed tells whether a browser on another origin may read the
// answers: only the origins the office profile lists (a mobile web app).
// The server's own pages are same-origin and need no permission.
func (t *Teduh) originAllowed(origin string) bool {
	office, err := t.Office(t.app)
	if err != nil {
		return false
	}
	var origins []string
	_ = office.Record.UnmarshalJSONField("allowed_origins", &origins)
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	for _, o := range origins {
		if strings.EqualFold(strings.TrimRight(o, "/"), origin) {
			return true
		}
	}
	return false
}
