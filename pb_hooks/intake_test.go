package pb_hooks_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
)

func pngBytes(t testing.TB) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestPublicComplaintErrors(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	base := validComplaint()
	cases := []struct {
		name        string
		body        any
		status      int
		field, code string
	}{
		{"missing reporter name", with(base, "reporter_name", nil), 400, "reporter_name", "required"},
		{"missing phone", with(base, "reporter_phone", nil), 400, "reporter_phone", "required"},
		{"broken phone", with(base, "reporter_phone", "12345"), 400, "reporter_phone", "invalid_phone"},
		{"unknown relation", with(base, "reporter_relation", "boss"), 400, "reporter_relation", "invalid_option"},
		{"missing victim name when reporter is someone else", with(base, "victim_name", nil), 400, "victim_name", "required"},
		{"missing sex", with(base, "victim_sex", nil), 400, "victim_sex", "required"},
		{"chronology too short", with(base, "chronology", "tolong"), 400, "chronology", "too_short"},
		{"chronology too long", with(base, "chronology", strings.Repeat("a", 5001)), 400, "chronology", "too_long"},
		{"consent not given", with(base, "consent", false), 400, "consent", "must_be_true"},
		{"consent missing", with(base, "consent", nil), 400, "consent", "must_be_true"},
		{"NIK too short", with(base, "victim_nik", "61720145079"), 400, "victim_nik", "nik_length"},
		{"NIK with a province that does not exist", with(base, "victim_nik", "9972014507900001"), 400, "victim_nik", "nik_province"},
		{"NIK with serial 0000", with(base, "victim_nik", "6172014507900000"), 400, "victim_nik", "nik_serial"},
		{"NIK with an impossible date", with(base, "victim_nik", "6172017302900001"), 400, "victim_nik", "nik_birth_date"},
		{"birth date in the future", with(base, "victim_birth_date", "2027-01-01"), 400, "victim_birth_date", "date_in_future"},
		{"birth date not a date", with(base, "victim_birth_date", "kemarin"), 400, "victim_birth_date", "invalid_date"},
		{"district outside the office's list", with(base, "victim_district", "Pontianak Kota"), 400, "victim_district", "invalid_option"},
		{"unknown violence type", with(base, "violence_types", []string{"physical", "magic"}), 400, "violence_types", "invalid_option"},
		{"wrong type for a text", with(base, "reporter_name", 42), 400, "reporter_name", "invalid_type"},
		{"wrong type for a bool", with(base, "injured", "mungkin"), 400, "injured", "invalid_type"},
		{"workflow field sent by the public", with(base, "status", "closed"), 400, "status", "unknown_field"},
		{"assignment sent by the public", with(base, "assigned_to", "abc"), 400, "assigned_to", "unknown_field"},
		{"channel sent by the public", with(base, "channel", "walk_in"), 400, "channel", "unknown_field"},
		{"number sent by the public", with(base, "number", "SKW-2026-9999"), 400, "number", "unknown_field"},
		{"file as a JSON string", with(base, "identity_document", "ktp.jpg"), 400, "identity_document", "invalid_file"},
		{"not an object", `[1,2,3]`, 400, "", ""},
		{"broken JSON", `{"reporter_name":`, 400, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := h.Do("POST", "/api/public/complaints", tc.body, "")
			if res.Status != tc.status || (tc.field != "" && res.FieldCode(tc.field) != tc.code) {
				t.Fatalf("got %d %s; want %d %s=%s", res.Status, res, tc.status, tc.field, tc.code)
			}
			if msg, _ := res.JSON["message"].(string); strings.Contains(msg, "Failed") || strings.Contains(msg, "Something went wrong") {
				t.Fatalf("English message reaches the person: %q", msg)
			}
			if got := res.Header.Get("Cache-Control"); got != "no-store" {
				t.Fatalf("Cache-Control %q", got)
			}
		})
	}
	if n, _ := h.App.CountRecords("complaints"); n != 0 {
		t.Fatalf("%d complaints stored from refused requests", n)
	}
	if n, _ := h.App.CountRecords("case_steps"); n != 0 {
		t.Fatalf("%d steps stored from refused requests", n)
	}
	if res := h.Do("POST", "/api/public/complaints", "reporter_name=x", ""); res.Status != 400 {
		t.Fatalf("form-encoded text sent as JSON: %d", res.Status)
	}
	req := httptest.NewRequest("POST", "/api/public/complaints", strings.NewReader("hello"))
	req.Header.Set("Content-Type", "text/plain")
	rec := httptest.NewRecorder()
	h.Handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnsupportedMediaType {
		t.Fatalf("text/plain body: %d", rec.Code)
	}
}

func TestPublicComplaintStoredCleanly(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	// the reporter is the victim: the victim's name is the reporter's, and
	// the NIK says male while the form says female: accepted, flagged
	body := with(validComplaint(),
		"reporter_relation", "self", "victim_name", "Nama Lain Yang Diabaikan",
		"reporter_phone", "+62 812.3456.7890", "reporter_name", "  Siti  Aminah ",
		"victim_nik", "6172-0105-0790-0001", "victim_birth_date", "1990-07-05",
		"violence_types", []string{"sexual", "physical", "sexual"}, "victim_district", "Singkawang Tengah",
	)
	c := h.submit(body)
	if c.GetString("victim_name") != "Siti  Aminah" || c.GetString("reporter_phone") != "081234567890" || c.GetString("victim_nik") != "6172010507900001" {
		t.Fatalf("stored %q %q %q", c.GetString("victim_name"), c.GetString("reporter_phone"), c.GetString("victim_nik"))
	}
	var types []string
	_ = c.UnmarshalJSONField("violence_types", &types)
	if strings.Join(types, ",") != "physical,sexual" {
		t.Fatalf("violence types %v", types)
	}
	if w := c.GetString("warnings"); !strings.Contains(w, "nik_sex_mismatch") || !strings.Contains(w, "victim_nik") {
		t.Fatalf("NIK disagreement not flagged: %s", w)
	}
	if c.GetString("urgency") != "normal" || c.GetString("form_version") == "" || c.GetString("workflow_version") == "" {
		t.Fatalf("urgency %q versions %q %q", c.GetString("urgency"), c.GetString("form_version"), c.GetString("workflow_version"))
	}
	if len(c.GetString("tracking_code")) != 14 {
		t.Fatalf("tracking code %q", c.GetString("tracking_code"))
	}
}

func TestEmergencyFirstResponseDeadline(t *testing.T) {
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	h := newHarness(t, now)
	for name, body := range map[string]map[string]any{
		"immediate danger":       with(validComplaint(), "immediate_danger", true),
		"injured":                with(validComplaint(), "injured", true),
		"sexual violence, child": with(validComplaint(), "violence_types", []string{"sexual"}, "victim_birth_date", "2015-02-01"),
	} {
		c := h.submit(body)
		if c.GetString("urgency") != "emergency" || !c.GetDateTime("first_response_due_at").Time().Equal(now.Add(time.Hour)) {
			t.Fatalf("%s: urgency %q due %v", name, c.GetString("urgency"), c.GetDateTime("first_response_due_at"))
		}
	}
	adult := h.submit(with(validComplaint(), "violence_types", []string{"sexual"}, "victim_birth_date", "1990-02-01"))
	if adult.GetString("urgency") != "normal" {
		t.Fatalf("adult victim marked %q", adult.GetString("urgency"))
	}
}

func TestMultipartWithIdentityDocument(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	values := map[string]any{
		"reporter_name": "Siti", "reporter_phone": "081234567890", "reporter_relation": "neighbor",
		"victim_name": "Ani", "victim_sex": "female", "chronology": "Tetangga saya sering dipukul suaminya.",
		"consent": "true", "injured": "false", "violence_types": []string{"physical", "psychological"},
	}
	res := h.Do("POST", "/api/public/complaints", multipartForm(t, values, map[string][2]string{"identity_document": {"ktp.png", pngBytes(t)}}), "")
	if res.Status != 200 {
		t.Fatalf("multipart: %d %s", res.Status, res)
	}
	c, _ := h.App.FindFirstRecordByData("complaints", "number", res.JSON["number"])
	if c.GetString("identity_document") == "" {
		t.Fatal("document not stored")
	}
	var types []string
	_ = c.UnmarshalJSONField("violence_types", &types)
	if len(types) != 2 {
		t.Fatalf("repeated multipart values: %v", types)
	}

	for name, tc := range map[string]struct {
		file [2]string
		code string
	}{
		"wrong type (text renamed to .jpg)": {[2]string{"ktp.jpg", "ini bukan gambar, hanya teks biasa"}, "file_type"},
		"too large":                         {[2]string{"ktp.png", pngBytes(t) + strings.Repeat("x", 5<<20)}, "file_too_large"},
	} {
		res := h.Do("POST", "/api/public/complaints", multipartForm(t, values, map[string][2]string{"identity_document": tc.file}), "")
		if res.Status != 400 || res.FieldCode("identity_document") != tc.code {
			t.Fatalf("%s: %d %s", name, res.Status, res)
		}
	}
	if n, _ := h.App.CountRecords("complaints"); n != 1 {
		t.Fatalf("%d complaints stored, want 1", n)
	}
}

// Case numbers are sequential per office year (the office's time zone) and
// unique under concurrent submissions.
func TestCaseNumbering(t *testing.T) {
	// 31 Dec 2026 16:30 UTC is already 1 Jan 2027 in Singkawang (UTC+7)
	h := newHarness(t, time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC))
	a := h.submit(validComplaint())
	b := h.submit(validComplaint())
	h.SetNow(time.Date(2026, 12, 31, 17, 30, 0, 0, time.UTC))
	c := h.submit(validComplaint())
	got := []string{a.GetString("number"), b.GetString("number"), c.GetString("number")}
	if fmt.Sprint(got) != "[SKW-2026-0001 SKW-2026-0002 SKW-2027-0001]" {
		t.Fatalf("numbers %v", got)
	}

	srv := httptest.NewServer(h.Handler)
	defer srv.Close()
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := http.Post(srv.URL+"/api/public/complaints", "application/json",
				strings.NewReader(`{"reporter_name":"Siti","reporter_phone":"081234567890","reporter_relation":"family","victim_name":"Ani","victim_sex":"female","chronology":"Kejadian kekerasan di rumah.","consent":true}`))
			if err != nil {
				errs <- err.Error()
				return
			}
			res.Body.Close()
			if res.StatusCode != 200 {
				errs <- fmt.Sprint(res.StatusCode)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatalf("concurrent submission failed: %s", e)
	}
	var rows []struct {
		Number string `db:"number"`
	}
	if err := h.App.DB().Select("number").From("complaints").Where(dbx.HashExp{"number_year": 2027}).OrderBy("number_seq").All(&rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != n+1 {
		t.Fatalf("%d cases in 2027, want %d", len(rows), n+1)
	}
	for i, r := range rows {
		if want := fmt.Sprintf("SKW-2027-%04d", i+1); r.Number != want {
			t.Fatalf("case %d numbered %q, want %q", i, r.Number, want)
		}
	}
}

func TestPublicStatusRevealsNothingPersonal(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	c := h.submit(with(validComplaint(), "victim_nik", "6172014507900001", "victim_address", "Jl. Rahasia 7"))
	code := c.GetString("tracking_code")
	for _, form := range []string{code, strings.ToLower(strings.ReplaceAll(code, "-", ""))} {
		res := h.Do("GET", "/api/public/complaints/"+form, nil, "")
		if res.Status != 200 || res.JSON["number"] != c.GetString("number") || res.JSON["status_label"] != "Diterima, menunggu petugas" {
			t.Fatalf("status for %q: %d %s", form, res.Status, res)
		}
		for _, secret := range []string{"Siti", "Ani", "0812", "6172014507900001", "Rahasia", "dipukul", c.Id} {
			if strings.Contains(res.String(), secret) {
				t.Fatalf("status reveals %q: %s", secret, res)
			}
		}
		if len(res.JSON) != 6 {
			t.Fatalf("status has unexpected keys: %v", res.JSON)
		}
	}
	if res := h.Do("GET", "/api/public/complaints/K7PM-X3RT-9WAC", nil, ""); res.Status != 404 {
		t.Fatalf("unknown code: %d", res.Status)
	}
	if res := h.Do("GET", "/api/public/complaints/'%20OR%201=1--", nil, ""); res.Status != 400 || res.FieldCode("tracking_code") != "invalid_tracking_code" {
		t.Fatalf("malformed code: %d %s", res.Status, res)
	}
}

func TestFeedbackOfficeAndForm(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	if res := h.Do("POST", "/api/public/feedback", map[string]any{"kind": "service_complaint", "message": "Petugas lambat membalas WhatsApp.", "rating": 2}, ""); res.Status != 200 {
		t.Fatalf("feedback: %d %s", res.Status, res)
	}
	for name, tc := range map[string]struct {
		body        map[string]any
		field, code string
	}{
		"missing message": {map[string]any{"kind": "suggestion"}, "message", "required"},
		"unknown kind":    {map[string]any{"kind": "spam", "message": "Halo semuanya"}, "kind", "invalid_option"},
		"rating too high": {map[string]any{"kind": "praise", "message": "Terima kasih", "rating": 9}, "rating", "too_large"},
		"rating fraction": {map[string]any{"kind": "praise", "message": "Terima kasih", "rating": 2.5}, "rating", "not_integer"},
		"unknown field":   {map[string]any{"kind": "praise", "message": "Terima kasih", "admin": true}, "admin", "unknown_field"},
	} {
		res := h.Do("POST", "/api/public/feedback", tc.body, "")
		if res.Status != 400 || res.FieldCode(tc.field) != tc.code {
			t.Fatalf("%s: %d %s", name, res.Status, res)
		}
	}
	// the old feedback address files a service complaint, answered by the
	// service complaints' workflow
	if n, _ := h.App.CountRecords("service_complaints"); n != 1 {
		t.Fatalf("%d service complaints, want 1", n)
	}

	office := h.Do("GET", "/api/public/office", nil, "")
	if office.Status != 200 || office.JSON["whatsapp"] != "089520338668" || office.JSON["regency_code"] != "6172" || office.JSON["sla_days"] != float64(7) || office.JSON["timezone"] != "Asia/Pontianak" {
		t.Fatalf("office: %s", office)
	}
	service := office.JSON["service"].(map[string]any)
	if len(service["procedure"].([]any)) != 9 || service["cost"] != "Tidak dipungut biaya" {
		t.Fatalf("service standard: %v", service)
	}
	if !strings.Contains(office.String(), "SAPA 129") || !strings.Contains(office.String(), "Singkawang Selatan") {
		t.Fatalf("office lacks emergency numbers or districts: %s", office)
	}

	form := h.Do("GET", "/api/public/forms/complaint", nil, "")
	if form.Status != 200 || !strings.Contains(form.String(), `"code":"Singkawang Barat"`) || !strings.Contains(form.String(), `"code":"luar_wilayah"`) {
		t.Fatalf("form definition without the office's districts: %d", form.Status)
	}
}

// Editing the office profile is how another city adopts Teduh: districts and
// the number prefix follow the profile.
func TestAnotherOfficeByProfile(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	office, err := h.App.FindFirstRecordByFilter("office", "")
	if err != nil {
		t.Fatal(err)
	}
	office.Set("code", "PTK")
	office.Set("regency_code", "6171")
	office.Set("districts", []string{"Pontianak Kota", "Pontianak Barat"})
	if err := h.App.Save(office); err != nil {
		t.Fatal(err)
	}
	c := h.submit(with(validComplaint(), "victim_district", "Pontianak Kota"))
	if !strings.HasPrefix(c.GetString("number"), "PTK-2026-") {
		t.Fatalf("number %q", c.GetString("number"))
	}
	if res := h.Do("POST", "/api/public/complaints", with(validComplaint(), "victim_district", "Singkawang Barat"), ""); res.FieldCode("victim_district") != "invalid_option" {
		t.Fatalf("old district accepted: %s", res)
	}
	office.Set("timezone", "Mars/Olympus")
	if err := h.App.Save(office); err == nil {
		t.Fatal("office saved with an unknown time zone")
	}
	if err := h.App.Delete(office); err == nil {
		t.Fatal("office profile deleted")
	}
}

func TestRateLimitOnPublicEndpoints(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	h.App.Settings().RateLimits.Enabled = true
	statuses := []int{}
	for i := 0; i < 8; i++ {
		statuses = append(statuses, h.Do("POST", "/api/public/complaints", validComplaint(), "").Status)
	}
	if statuses[0] != 200 || statuses[1] != 200 || statuses[2] != 200 || statuses[7] != 429 {
		t.Fatalf("statuses %v: a person may retry a few times, a flood gets 429", statuses)
	}
}

func TestPageSecurityHeaders(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	res := h.Do("GET", "/api/public/office", nil, "")
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("public API cacheable: %v", res.Header)
	}
	// any page path gets the strict policy (the static route itself is bound in main)
	page := h.Do("GET", "/status/", nil, "")
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe") {
		t.Fatalf("CSP %q", csp)
	}
	if page.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("referrer policy %q", page.Header.Get("Referrer-Policy"))
	}
}

// Staff register walk-in, WhatsApp and phone complaints through the
// collection API with the same validation; step 1 names them as its actor.
func TestStaffCreatedComplaint(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	officer, token := h.Staff("petugas@teduh.test", "Petugas Satu", "officer", true)
	supervisor, supToken := h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)

	for name, tc := range map[string]struct {
		body        map[string]any
		field, code string
	}{
		"no channel":             {validComplaint(), "channel", "invalid_channel"},
		"online is public only":  {with(validComplaint(), "channel", "online"), "channel", "invalid_channel"},
		"same form rules":        {with(validComplaint(), "channel", "walk_in", "victim_nik", "123"), "victim_nik", "nik_length"},
		"consent still required": {with(validComplaint(), "channel", "phone", "consent", false), "consent", "must_be_true"},
	} {
		res := h.Do("POST", "/api/collections/complaints/records", tc.body, token)
		if res.Status != 400 || res.FieldCode(tc.field) != tc.code {
			t.Fatalf("%s: %d %s", name, res.Status, res)
		}
	}
	res := h.Do("POST", "/api/collections/complaints/records", with(validComplaint(),
		"channel", "walk_in", "status", "closed", "assigned_to", supervisor.Id, "intake_actor", supervisor.Id), token)
	if res.Status != 200 {
		t.Fatalf("walk-in: %d %s", res.Status, res)
	}
	if res.JSON["status"] != "new" || res.JSON["current_step"] != float64(1) || res.JSON["assigned_to"] != "" || res.JSON["intake_actor"] != officer.Id {
		t.Fatalf("body chose workflow fields: %s", res)
	}
	steps, _ := h.App.FindRecordsByFilter("case_steps", "complaint = {:c}", "", 0, 0, dbx.Params{"c": res.JSON["id"]})
	if len(steps) != 1 || steps[0].GetString("actor") != officer.Id || steps[0].GetString("actor_name") != "Petugas Satu" {
		t.Fatalf("step 1 of a walk-in: %v", steps)
	}
	// a supervisor may assign at intake
	res = h.Do("POST", "/api/collections/complaints/records", with(validComplaint(), "channel", "whatsapp", "assigned_to", officer.Id), supToken)
	if res.Status != 200 || res.JSON["assigned_to"] != officer.Id {
		t.Fatalf("supervisor intake: %d %s", res.Status, res)
	}
}
