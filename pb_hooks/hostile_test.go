package pb_hooks_test

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
)

// Values no form field should ever accept as they are.
var hostileValues = []any{
	nil, 0, -1, 1e308, -1e308, 3.5, true, false, "", " ", "\x00", "\xff\xfe\xfd", "\u202e\u200b",
	strings.Repeat("A", 100_000), "'; DROP TABLE complaints; --", "\" OR 1=1 --", "<script>alert(1)</script>",
	"{{7*7}}", "${jndi:ldap://x}", "../../../../etc/passwd", "9999-99-99", "0000-00-00", "-2026-01-01",
	"2026-02-30", "1e9999", "NaN", "Infinity", "@request.auth.id", "id != ''", "%00", "\\u0000",
	[]any{}, []any{1, 2, 3}, []any{"physical", []any{"sexual"}}, map[string]any{}, map[string]any{"$ne": 1},
	map[string]any{"a": map[string]any{"b": map[string]any{"c": 1}}}, strings.Repeat("é", 6000),
}

func deepJSON(depth int) string {
	return strings.Repeat("[", depth) + strings.Repeat("]", depth)
}

// A generated battery of malformed requests against every public endpoint:
// no 5xx, nothing stored from a refused request, memory steady.
func TestHostileInputBattery(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	rng := rand.New(rand.NewPCG(1, 2))
	fields := []string{"reporter_name", "reporter_phone", "reporter_relation", "victim_name", "victim_sex", "victim_birth_date",
		"victim_nik", "victim_address", "victim_district", "victim_disability", "immediate_danger", "injured", "incident_date",
		"incident_place", "violence_types", "perpetrator_relation", "chronology", "identity_document", "consent",
		"status", "assigned_to", "number", "id", "channel", "current_step", "__proto__", "constructor", "", "a.b"}

	var m0 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)

	accepted, sent := 0, 0
	check := func(what string, res *response) {
		t.Helper()
		sent++
		if res.Status >= 500 {
			t.Fatalf("%s: %d %s", what, res.Status, truncateBody(res.String()))
		}
		if res.Status == 200 && strings.Contains(what, "complaint") {
			accepted++
		}
	}

	// 1. every field with every hostile value, on an otherwise valid submission
	for _, f := range fields {
		for _, v := range hostileValues {
			check("complaint field "+f, h.Do("POST", "/api/public/complaints", with(validComplaint(), f, v), ""))
		}
	}
	// 2. random mutations: drop, add, retype several fields at once
	for i := 0; i < 1500; i++ {
		body := validComplaint()
		for j := 0; j < 1+rng.IntN(5); j++ {
			f := fields[rng.IntN(len(fields))]
			if rng.IntN(4) == 0 {
				delete(body, f)
			} else {
				body[f] = hostileValues[rng.IntN(len(hostileValues))]
			}
		}
		check("complaint mutation", h.Do("POST", "/api/public/complaints", body, ""))
	}
	// 3. bodies that are not what they claim
	for _, raw := range []string{"", "null", "true", "42", `"text"`, "[]", deepJSON(100), deepJSON(20000), `{"a":` + deepJSON(5000) + `}`,
		"{\"reporter_name\":\"\xff\xfe\"}", `{"consent":true,"consent":false}`, strings.Repeat(`{"x":1}`, 1000),
		`{"reporter_name":"` + strings.Repeat("x", 7<<20) + `"}`} {
		check("complaint raw body", h.Do("POST", "/api/public/complaints", raw, ""))
		check("feedback raw body", h.Do("POST", "/api/public/feedback", raw, ""))
		check("service raw body", h.Do("POST", "/api/public/services/service_complaint/submissions", raw, ""))
	}
	// 4. multipart: oversized and wrong-type uploads, several files, junk keys
	values := map[string]any{"reporter_name": "Siti", "reporter_phone": "081234567890", "reporter_relation": "family",
		"victim_name": "Ani", "victim_sex": "female", "chronology": "Kejadian kekerasan di rumah.", "consent": "true"}
	for name, files := range map[string]map[string][2]string{
		"oversized":       {"identity_document": {"ktp.png", pngBytes(t) + strings.Repeat("x", 6<<20)}},
		"html as png":     {"identity_document": {"ktp.png", "<html><script>alert(1)</script></html>"}},
		"empty file":      {"identity_document": {"ktp.png", ""}},
		"executable":      {"identity_document": {"ktp.exe", "MZ\x90\x00\x03\x00\x00\x00"}},
		"file in a field": {"reporter_name": {"x.txt", "Siti"}},
		"unknown file":    {"attachment": {"x.png", pngBytes(t)}},
	} {
		check("complaint multipart "+name, h.Do("POST", "/api/public/complaints", multipartForm(t, values, files), ""))
	}
	check("complaint multipart duplicate keys", h.Do("POST", "/api/public/complaints",
		multipartForm(t, with(values, "reporter_name", []string{"a", "b"}, "consent", []string{"true", "false"}), nil), ""))
	// 5. feedback and status with hostile values
	for _, v := range hostileValues {
		for _, f := range []string{"kind", "message", "rating", "name", "contact", "extra"} {
			check("feedback "+f, h.Do("POST", "/api/public/feedback", map[string]any{"kind": "suggestion", "message": "Pelayanan baik sekali.", f: v}, ""))
			check("service "+f, h.Do("POST", "/api/public/services/service_complaint/submissions", map[string]any{"kind": "suggestion", "message": "Pelayanan baik sekali.", f: v}, ""))
		}
		check("status", h.Do("GET", "/api/public/complaints/"+url.PathEscape(fmt.Sprint(v)), nil, ""))
		check("service status", h.Do("GET", "/api/public/services/service_complaint/submissions/"+url.PathEscape(fmt.Sprint(v)), nil, ""))
		check("service", h.Do("GET", "/api/public/services/"+url.PathEscape(fmt.Sprint(v)), nil, ""))
	}
	for _, p := range []string{"/api/public/complaints/", "/api/public/complaints/..%2F..%2Fetc", "/api/public/forms/../../_/", "/api/public/office?x=" + strings.Repeat("y", 5000)} {
		check("path "+p, h.Do("GET", p, nil, ""))
	}

	n, _ := h.App.CountRecords("complaints")
	if int(n) != accepted {
		t.Fatalf("%d complaints stored but %d requests were answered 200", n, accepted)
	}
	steps, _ := h.App.CountRecords("case_steps")
	if steps != n {
		t.Fatalf("%d step records for %d complaints", steps, n)
	}
	// the audit entry is written with the case, in its transaction
	created, _ := h.App.CountRecords("audit_log", dbx.HashExp{"action": "create", "collection_name": "complaints"})
	if created != n {
		t.Fatalf("%d audit entries of intake for %d complaints", created, n)
	}
	var m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m1)
	growth := int64(m1.HeapAlloc) - int64(m0.HeapAlloc)
	if growth > 64<<20 {
		t.Fatalf("heap grew by %d MB over the battery", growth>>20)
	}
	t.Logf("%d hostile requests, %d accepted as valid, heap growth %d KB", sent, accepted, growth>>10)
}

func truncateBody(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
