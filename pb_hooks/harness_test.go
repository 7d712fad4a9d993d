package pb_hooks_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teduh/pb_hooks"
	_ "teduh/pb_migrations"
)

// harness is a real Teduh app on a fresh SQLite database built from the
// migrations, with its HTTP router, a settable clock and staff accounts.
type harness struct {
	t       testing.TB
	App     *tests.TestApp
	Teduh   *pb_hooks.Teduh
	Handler http.Handler

	mu  sync.Mutex
	now time.Time
}

// wib is the office's time zone in the seeded profile.
var wib = mustLoc("Asia/Pontianak")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// harnessOption adjusts the app before its router is built.
type harnessOption func(app core.App)

// servePages serves pb_public/ as main.go does with --publicDir, after
// Teduh's own routes.
func servePages(app core.App) {
	pb_hooks.ServePages(app, os.DirFS(publicDir), false)
}

func newHarness(t testing.TB, now time.Time, opts ...harnessOption) *harness {
	t.Helper()
	app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{DataDir: t.TempDir(), EncryptionEnv: "pb_test_env"})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, App: app, now: now}
	h.Teduh, err = pb_hooks.RegisterWith(app, pb_hooks.Config{Now: h.Now})
	if err != nil {
		t.Fatal(err)
	}
	// most tests send many requests from one address; the rate limit has its own test
	app.Settings().RateLimits.Enabled = false
	// and many complaints in a moment: the flood challenge has its own test
	if _, err := app.DB().NewQuery("UPDATE office SET challenge_per_10min = 0").Execute(); err != nil {
		t.Fatal(err)
	}
	for _, opt := range opts {
		opt(app)
	}

	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	se := &core.ServeEvent{App: app, Router: router}
	err = app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		mux, err := e.Router.BuildMux()
		h.Handler = mux
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	return h
}

func (h *harness) Now() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

func (h *harness) SetNow(now time.Time) {
	h.mu.Lock()
	h.now = now
	h.mu.Unlock()
}

// Staff creates an active (or inactive) staff account and returns it with a token.
func (h *harness) Staff(email, name, role string, active bool) (*core.Record, string) {
	h.t.Helper()
	r, err := pb_hooks.AddStaff(h.App, email, name, role, "", "rahasia-sekali-123")
	if err != nil {
		h.t.Fatal(err)
	}
	if !active {
		r.Set("active", false)
		if err := h.App.Save(r); err != nil {
			h.t.Fatal(err)
		}
	}
	token, err := r.NewAuthToken()
	if err != nil {
		h.t.Fatal(err)
	}
	return r, token
}

// Superuser creates a superuser and returns its token.
func (h *harness) Superuser() string {
	h.t.Helper()
	c, err := h.App.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		h.t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.SetEmail("admin@teduh.test")
	r.SetPassword("rahasia-sekali-123")
	if err := h.App.Save(r); err != nil {
		h.t.Fatal(err)
	}
	token, err := r.NewAuthToken()
	if err != nil {
		h.t.Fatal(err)
	}
	return token
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
	JSON   map[string]any
}

// Field returns the error code of a field in a 400 answer ("data.x" for nested).
func (r *response) FieldCode(key string) string {
	data, _ := r.JSON["data"].(map[string]any)
	parent, child, nested := strings.Cut(key, ".")
	item, _ := data[parent].(map[string]any)
	if nested {
		item, _ = item[child].(map[string]any)
	}
	code, _ := item["code"].(string)
	return code
}

func (r *response) String() string { return string(r.Body) }

// Do sends a request; body may be nil, a string, []byte, or a value sent as JSON.
func (h *harness) Do(method, path string, body any, token string) *response {
	h.t.Helper()
	return h.DoFrom("", method, path, body, token)
}

// DoFrom is Do from a given remote address ("" for the default).
func (h *harness) DoFrom(remoteAddr, method, path string, body any, token string) *response {
	h.t.Helper()
	var reader io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case string:
		reader, contentType = strings.NewReader(b), "application/json"
	case []byte:
		reader, contentType = bytes.NewReader(b), "application/json"
	case *multipartBody:
		reader, contentType = bytes.NewReader(b.buf.Bytes()), b.contentType
	default:
		data, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		reader, contentType = bytes.NewReader(data), "application/json"
	}
	req := httptest.NewRequest(method, path, reader)
	if remoteAddr != "" {
		req.RemoteAddr = remoteAddr
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	rec := httptest.NewRecorder()
	h.Handler.ServeHTTP(rec, req)
	res := &response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	_ = json.Unmarshal(res.Body, &res.JSON)
	return res
}

type multipartBody struct {
	buf         bytes.Buffer
	contentType string
}

// multipartForm builds a multipart body; values may be string or []string,
// files map a field name to (filename, content).
func multipartForm(t testing.TB, values map[string]any, files map[string][2]string) *multipartBody {
	t.Helper()
	mb := &multipartBody{}
	w := multipart.NewWriter(&mb.buf)
	for k, v := range values {
		switch x := v.(type) {
		case string:
			_ = w.WriteField(k, x)
		case []string:
			for _, item := range x {
				_ = w.WriteField(k, item)
			}
		}
	}
	for field, f := range files {
		fw, err := w.CreateFormFile(field, f[0])
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write([]byte(f[1]))
	}
	_ = w.Close()
	mb.contentType = w.FormDataContentType()
	return mb
}

// validComplaint is a minimal complete public submission.
func validComplaint() map[string]any {
	return map[string]any{
		"reporter_name":     "Siti",
		"reporter_phone":    "0812-3456-7890",
		"reporter_relation": "family",
		"victim_name":       "Ani",
		"victim_sex":        "female",
		"chronology":        "Korban dipukul oleh suaminya tadi malam di rumah.",
		"consent":           true,
	}
}

func with(base map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		if kv[i+1] == nil {
			delete(out, k)
			continue
		}
		out[k] = kv[i+1]
	}
	return out
}

// submit files a public complaint and returns its record.
func (h *harness) submit(body map[string]any) *core.Record {
	h.t.Helper()
	res := h.Do("POST", "/api/public/complaints", body, "")
	if res.Status != 200 {
		h.t.Fatalf("submit: %d %s", res.Status, res)
	}
	rec, err := h.App.FindFirstRecordByData("complaints", "number", res.JSON["number"])
	if err != nil {
		h.t.Fatal(err)
	}
	return rec
}

// step records a step over REST and returns the response.
func (h *harness) step(token, complaintID string, step int, outcome, notes string, data map[string]any) *response {
	h.t.Helper()
	body := map[string]any{"complaint": complaintID, "step": step, "outcome": outcome, "notes": notes}
	if data != nil {
		body["data"] = data
	}
	return h.Do("POST", "/api/collections/case_steps/records", body, token)
}

func (h *harness) mustStep(token, complaintID string, step int, outcome, notes string, data map[string]any) {
	h.t.Helper()
	if res := h.step(token, complaintID, step, outcome, notes, data); res.Status != 200 {
		h.t.Fatalf("step %d %s: %d %s", step, outcome, res.Status, res)
	}
}

func (h *harness) reload(r *core.Record) *core.Record {
	h.t.Helper()
	fresh, err := h.App.FindRecordById(r.Collection().Name, r.Id)
	if err != nil {
		h.t.Fatal(err)
	}
	return fresh
}
