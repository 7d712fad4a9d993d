package pb_hooks

// The pages, as a phone on a slow link gets them: pb_public is served after
// Teduh's own routes (from the binary, or from a directory during
// development), responses are gzip-compressed, and the public pages carry
// the data they would otherwise fetch first — the office profile and the
// complaint form definition — as JSON blocks in the page itself, the same
// answers GET /api/public/office and GET /api/public/forms/complaint give.
// A JSON block (<script type="application/json">) is data, not code: the
// strict CSP stays as it is.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

const teduhStoreKey = "teduh.app"

// pageData names, per page, the API answers carried in it: the JSON block's
// id and the handler that answers the API.
var pageData = map[string][]struct {
	id      string
	handler func(t *Teduh) func(*core.RequestEvent) error
}{
	"/": {
		{"teduh-office", func(t *Teduh) func(*core.RequestEvent) error { return t.publicOffice }},
		{"teduh-form", func(t *Teduh) func(*core.RequestEvent) error { return t.publicComplaintForm }},
	},
	"/status/": {
		{"teduh-office", func(t *Teduh) func(*core.RequestEvent) error { return t.publicOffice }},
	},
}

// pageFiles are the files behind the pages of pageData.
var pageFiles = map[string]string{"/": "index.html", "/status/": "status/index.html"}

// ServePages serves the files of pages (pb_public) at every path no other
// route takes, as the catch-all route bound last (priority 999, like
// PocketBase's own example). immutable says the files cannot change while
// the server runs (embedded in the binary): their validators (ETag) are
// then computed once.
func ServePages(app core.App, pages fs.FS, immutable bool) {
	ps := &pageServer{fsys: pages, immutable: immutable, static: apis.Static(pages, false)}
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Func: func(e *core.ServeEvent) error {
			if !e.Router.HasRoute(http.MethodGet, "/{path...}") {
				ps.t, _ = e.App.Store().Get(teduhStoreKey).(*Teduh)
				e.Router.GET("/{path...}", ps.serve)
			}
			return e.Next()
		},
		Priority: 999, // after Teduh's own routes
	})
}

type pageServer struct {
	t         *Teduh
	fsys      fs.FS
	immutable bool
	static    func(*core.RequestEvent) error
	etags     sync.Map // file name → ETag (immutable files only)
}

func (ps *pageServer) serve(e *core.RequestEvent) error {
	p := e.Request.URL.Path
	if file, ok := pageFiles[p]; ok && ps.t != nil {
		return ps.servePage(e, file, p)
	}
	// everything else must be revalidated (one cheap 304 when unchanged), so
	// a new version of the pages is seen at once after an upgrade
	if !strings.HasSuffix(p, "/") {
		if e.Response.Header().Get("Cache-Control") == "" {
			e.Response.Header().Set("Cache-Control", "no-cache")
		}
		if tag := ps.etag(strings.TrimPrefix(path.Clean(p), "/")); tag != "" {
			e.Response.Header().Set("ETag", tag)
		}
	}
	return ps.static(e)
}

// etag is a weak validator of an embedded file's content ("" for files that
// can change, which have their modification time instead, or are missing).
func (ps *pageServer) etag(name string) string {
	if !ps.immutable {
		return ""
	}
	if v, ok := ps.etags.Load(name); ok {
		return v.(string)
	}
	data, err := fs.ReadFile(ps.fsys, name)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(data)
	tag := `W/"` + hex.EncodeToString(sum[:12]) + `"`
	ps.etags.Store(name, tag)
	return tag
}

// servePage sends a page with its data blocks before </body>. A block whose
// API fails is left out: the page then asks the API itself.
func (ps *pageServer) servePage(e *core.RequestEvent, file, p string) error {
	page, err := fs.ReadFile(ps.fsys, file)
	if err != nil {
		return e.NotFoundError("", err)
	}
	var blocks bytes.Buffer
	for _, d := range pageData[p] {
		data, ok := apiAnswer(e, d.handler(ps.t))
		if !ok {
			continue
		}
		blocks.WriteString(`<script type="application/json" id="` + d.id + `">`)
		// <, > and & as \u escapes: nothing in the data can close the block
		json.HTMLEscape(&blocks, data)
		blocks.WriteString("</script>\n")
	}
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		i = len(page)
	}
	out := make([]byte, 0, len(page)+blocks.Len())
	out = append(append(append(out, page[:i]...), blocks.Bytes()...), page[i:]...)
	e.Response.Header().Set("Content-Type", "text/html; charset=utf-8")
	e.Response.WriteHeader(http.StatusOK)
	if e.Request.Method == http.MethodHead {
		return nil
	}
	_, err = e.Response.Write(out)
	return err
}

// apiAnswer runs an API handler for the page and returns its 200 answer.
func apiAnswer(e *core.RequestEvent, handler func(*core.RequestEvent) error) ([]byte, bool) {
	req := e.Request.Clone(e.Request.Context())
	req.Method = http.MethodGet
	req.URL.RawQuery = "" // no ?fields= of the page's address applies to the data
	rec := &capturedResponse{header: http.Header{}, status: http.StatusOK}
	sub := &core.RequestEvent{App: e.App}
	sub.Request, sub.Response = req, rec
	if err := handler(sub); err != nil || rec.status != http.StatusOK {
		if err != nil {
			e.App.Logger().Warn("page data not embedded; the page will ask the API", "path", e.Request.URL.Path, "error", err)
		}
		return nil, false
	}
	return bytes.TrimSpace(rec.body.Bytes()), true
}

// capturedResponse keeps what a handler answers.
type capturedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *capturedResponse) Header() http.Header         { return c.header }
func (c *capturedResponse) Write(b []byte) (int, error) { return c.body.Write(b) }
func (c *capturedResponse) WriteHeader(status int)      { c.status = status }

// --- compression ------------------------------------------------------------

// gzipMinLength is the smallest answer worth compressing.
const gzipMinLength = 1024

// bindCompression gzips pages, assets and JSON for clients that accept it,
// through PocketBase's own middleware, except where compression would
// break or waste something: the realtime event stream (SSE must reach the
// browser event by event), stored files and PDFs (already compressed, and
// served with byte ranges), backups, byte-range requests, and answers to
// anything but GET (a sign-in answer carries a token next to what was sent:
// no compression, no length to measure it by).
func (t *Teduh) bindCompression(se *core.ServeEvent) error {
	gz := apis.GzipWithConfig(apis.GzipConfig{MinLength: gzipMinLength})
	se.Router.Bind(&hook.Handler[*core.RequestEvent]{
		Id: "teduhGzip",
		Func: func(e *core.RequestEvent) error {
			if !compressible(e.Request) {
				return e.Next()
			}
			return gz.Func(e)
		},
	})
	return se.Next()
}

func compressible(r *http.Request) bool {
	p := r.URL.Path
	switch {
	case r.Method != http.MethodGet, r.Header.Get("Range") != "":
		return false
	case p == "/api/realtime", strings.HasPrefix(p, "/api/realtime/"),
		strings.HasPrefix(p, "/api/files/"), strings.HasPrefix(p, "/api/backups"),
		strings.HasSuffix(p, ".pdf"):
		return false
	}
	return true
}
