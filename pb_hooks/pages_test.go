package pb_hooks_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teduh/pb_hooks"
)

// plainClient neither asks for nor undoes compression by itself, so a test
// sees the bytes on the wire.
var plainClient = &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 20 * time.Second}

type wire struct {
	status int
	header http.Header
	body   []byte // as sent
}

func fetch(t *testing.T, url string, header map[string]string) wire {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := plainClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return wire{res.StatusCode, res.Header, body}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var gz = map[string]string{"Accept-Encoding": "gzip, deflate, br"}

// Pages, assets and JSON go out gzip-compressed to a browser that accepts
// it, and as they are to one that does not; the content is the same.
func TestPagesAssetsAndJSONAreCompressed(t *testing.T) {
	h, base := newPageServer(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	_, officer := h.Staff("petugas@teduh.test", "Petugas", "officer", true)
	for _, path := range []string{"/", "/status/", "/staff/", "/assets/form.js", "/assets/common.js", "/assets/app.css", "/staff/case.js",
		"/api/public/office", "/api/public/forms/complaint", "/api/workflows/complaint"} {
		header := map[string]string{"Authorization": officer}
		plain := fetch(t, base+path, header)
		header["Accept-Encoding"] = gz["Accept-Encoding"]
		packed := fetch(t, base+path, header)
		if plain.status != 200 || packed.status != 200 {
			t.Fatalf("%s: %d and %d", path, plain.status, packed.status)
		}
		if ce := plain.header.Get("Content-Encoding"); ce != "" {
			t.Errorf("%s without Accept-Encoding: Content-Encoding %q", path, ce)
		}
		if ce := packed.header.Get("Content-Encoding"); ce != "gzip" {
			t.Errorf("%s: Content-Encoding %q, want gzip", path, ce)
			continue
		}
		if vary := strings.Join(packed.header.Values("Vary"), ", "); !strings.Contains(vary, "Accept-Encoding") {
			t.Errorf("%s: Vary %q lacks Accept-Encoding (a shared cache would mix them up)", path, vary)
		}
		// maps in the answers come in any order: compare them as data
		if got := gunzip(t, packed.body); !bytes.Equal(canonical(t, got), canonical(t, plain.body)) {
			t.Errorf("%s: %d bytes after gunzip, %d sent plain", path, len(got), len(plain.body))
		}
		if len(packed.body) >= len(plain.body)/2 {
			t.Errorf("%s: %d bytes compressed from %d", path, len(packed.body), len(plain.body))
		}
	}
	// a small answer is not worth the gzip frame
	if w := fetch(t, base+"/api/health", gz); w.status != 200 || w.header.Get("Content-Encoding") != "" {
		t.Errorf("/api/health: %d, Content-Encoding %q", w.status, w.header.Get("Content-Encoding"))
	}
}

// canonical rewrites a JSON answer, or the JSON blocks of a page, with
// sorted keys.
func canonical(t *testing.T, b []byte) []byte {
	t.Helper()
	sorted := func(j []byte) []byte {
		var v any
		if err := json.Unmarshal(j, &v); err != nil {
			return j
		}
		out, _ := json.Marshal(v)
		return out
	}
	if json.Valid(b) {
		return sorted(b)
	}
	return jsonBlockRE.ReplaceAllFunc(b, func(m []byte) []byte {
		sub := jsonBlockRE.FindSubmatch(m)
		return append(append([]byte(`<script id="`+string(sub[1])+`">`), sorted(sub[2])...), "</script>"...)
	})
}

var jsonBlockRE = regexp.MustCompile(`(?s)<script type="application/json" id="([a-z-]+)">(.*?)</script>`)

// The complaint page carries the office profile and the form definition,
// exactly as the API answers them; the status page carries the profile.
// Nothing in the data can end the block, whatever the profile says.
func TestPagesCarryTheirDataAsTheAPIAnswersIt(t *testing.T) {
	h, base := newPageServer(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	office, err := pb_hooks.LoadOffice(h.App)
	if err != nil {
		t.Fatal(err)
	}
	hostile := `Dinas Sosial </script><script>alert(1)</script> & <!-- "Kota"`
	office.Record.Set("name", hostile)
	if err := h.App.Save(office.Record); err != nil {
		t.Fatal(err)
	}

	for page, want := range map[string]map[string]string{
		"/":        {"teduh-office": "/api/public/office", "teduh-form": "/api/public/forms/complaint"},
		"/status/": {"teduh-office": "/api/public/office"},
	} {
		w := fetch(t, base+page, nil)
		if w.status != 200 || !strings.HasPrefix(w.header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", page, w.status, w.header.Get("Content-Type"))
		}
		if csp := w.header.Get("Content-Security-Policy"); csp != pb_hooks.PageCSP {
			t.Errorf("%s: CSP %q", page, csp)
		}
		if cc := w.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q (a page with the profile must not be kept)", page, cc)
		}
		html := string(w.body)
		if strings.Contains(html, "<script>alert(1)") {
			t.Fatalf("%s: the office name broke out of its data block", page)
		}
		blocks := jsonBlockRE.FindAllStringSubmatch(html, -1)
		if len(blocks) != len(want) {
			t.Fatalf("%s: %d data blocks, want %d", page, len(blocks), len(want))
		}
		for _, b := range blocks {
			api, ok := want[b[1]]
			if !ok {
				t.Fatalf("%s: unexpected block %s", page, b[1])
			}
			var inPage, fromAPI any
			if err := json.Unmarshal([]byte(b[2]), &inPage); err != nil {
				t.Fatalf("%s #%s is not JSON: %v", page, b[1], err)
			}
			answer := fetch(t, base+api, nil)
			if err := json.Unmarshal(answer.body, &fromAPI); err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(inPage)
			c, _ := json.Marshal(fromAPI)
			if !bytes.Equal(a, c) {
				t.Errorf("%s #%s differs from %s:\n%s\n%s", page, b[1], api, a, c)
			}
			if b[1] == "teduh-office" && inPage.(map[string]any)["name"] != hostile {
				t.Errorf("office name in the page %q", inPage.(map[string]any)["name"])
			}
		}
		// the blocks are the last thing in the body: the page's own markup comes first
		if i := strings.Index(html, `<script type="application/json"`); i < strings.Index(html, "</footer>") {
			t.Errorf("%s: data blocks before the footer", page)
		}
	}
}

// Compression leaves alone what it would break: the realtime event stream
// reaches the browser event by event, and stored files and PDFs are sent as
// stored, byte ranges included.
func TestCompressionSparesRealtimeFilesAndPDFs(t *testing.T) {
	h, base := newPageServer(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	_, supervisor := h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)

	// realtime: the connect event arrives at once, uncompressed
	req, _ := http.NewRequest("GET", base+"/api/realtime", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := plainClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct, ce := res.Header.Get("Content-Type"), res.Header.Get("Content-Encoding"); !strings.HasPrefix(ct, "text/event-stream") || ce != "" {
		t.Fatalf("realtime: Content-Type %q, Content-Encoding %q", ct, ce)
	}
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "event:") {
				line <- sc.Text()
				return
			}
		}
		close(line)
	}()
	select {
	case l := <-line:
		if !strings.Contains(l, "PB_CONNECT") {
			t.Fatalf("first realtime event %q", l)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no realtime event within 10 s: the stream is held back")
	}

	// a stored identity document (a PDF that would compress well)
	doc := "%PDF-1.4\n%" + strings.Repeat("Teduh ", 4000) + "\n%%EOF\n"
	body := multipartForm(t, map[string]any{
		"reporter_name": "Siti", "reporter_phone": "081234567890", "reporter_relation": "family",
		"victim_name": "Ani", "victim_sex": "female", "chronology": "Korban dipukul suaminya tadi malam.", "consent": "true",
	}, map[string][2]string{"identity_document": {"kk.pdf", doc}})
	sub := h.Do("POST", "/api/public/complaints", body, "")
	if sub.Status != 200 {
		t.Fatalf("submit: %d %s", sub.Status, sub)
	}
	rec, err := h.App.FindFirstRecordByData("complaints", "number", sub.JSON["number"])
	if err != nil {
		t.Fatal(err)
	}
	tok := h.Do("POST", "/api/files/token", nil, supervisor)
	fileURL := base + "/api/files/complaints/" + rec.Id + "/" + rec.GetString("identity_document") + "?token=" + tok.JSON["token"].(string)
	w := fetch(t, fileURL, gz)
	if w.status != 200 || w.header.Get("Content-Encoding") != "" || string(w.body) != doc {
		t.Fatalf("file download: %d, Content-Encoding %q, %d bytes of %d", w.status, w.header.Get("Content-Encoding"), len(w.body), len(doc))
	}
	w = fetch(t, fileURL, map[string]string{"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
	if w.status != 206 || w.header.Get("Content-Encoding") != "" || string(w.body) != doc[:100] {
		t.Fatalf("byte range: %d, Content-Encoding %q, %q", w.status, w.header.Get("Content-Encoding"), w.body)
	}

	// a generated PDF
	w = fetch(t, base+"/api/complaints/"+rec.Id+"/report.pdf", map[string]string{"Accept-Encoding": "gzip", "Authorization": supervisor})
	if w.status != 200 || w.header.Get("Content-Encoding") != "" || !bytes.HasPrefix(w.body, []byte("%PDF")) {
		t.Fatalf("report PDF: %d, Content-Encoding %q, starts %q", w.status, w.header.Get("Content-Encoding"), w.body[:min(8, len(w.body))])
	}

	// an answer to a POST (a sign-in carries a token) is not compressed
	signin := `{"identity":"kepala@teduh.test","password":"rahasia-sekali-123"}`
	req, _ = http.NewRequest("POST", base+"/api/collections/staff/auth-with-password", strings.NewReader(signin))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Encoding", "gzip")
	res, err = plainClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "" {
		t.Errorf("sign-in: %d, Content-Encoding %q", res.StatusCode, res.Header.Get("Content-Encoding"))
	}
}

// Pages built into the binary have no modification time: each asset gets a
// validator, so a phone that has it asks once and gets a 304 without the
// bytes; every asset is revalidated, so a new version shows at once.
func TestEmbeddedAssetsRevalidateCheaply(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC), func(app core.App) {
		pb_hooks.ServePages(app, os.DirFS(publicDir), true)
	})
	srv := newServer(t, h)
	first := fetch(t, srv+"/assets/form.js", gz)
	tag := first.header.Get("ETag")
	if first.status != 200 || !strings.HasPrefix(tag, `W/"`) || first.header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("first load: %d, ETag %q, Cache-Control %q", first.status, tag, first.header.Get("Cache-Control"))
	}
	again := fetch(t, srv+"/assets/form.js", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": tag})
	if again.status != 304 || len(again.body) != 0 || again.header.Get("Content-Encoding") != "" {
		t.Fatalf("revalidation: %d with %d bytes, Content-Encoding %q", again.status, len(again.body), again.header.Get("Content-Encoding"))
	}
	if other := fetch(t, srv+"/assets/app.css", nil).header.Get("ETag"); other == tag || other == "" {
		t.Errorf("app.css ETag %q next to form.js %q", other, tag)
	}
}

func newServer(t *testing.T, h *harness) string {
	t.Helper()
	srv := httptest.NewServer(h.Handler)
	t.Cleanup(srv.Close)
	return srv.URL
}
