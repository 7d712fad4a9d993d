package pb_hooks_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"
)

// sambasProfile is what another office writes over the seeded profile.
func sambasProfile() map[string]any {
	return map[string]any{
		"name":           "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak",
		"government":     "Pemerintah Kabupaten Sambas",
		"code":           "SBS",
		"address":        "Jalan Pembangunan No 1 Sambas 79462",
		"phone":          "(0562) 391234",
		"website":        "dinsosp3a.sambaskab.go.id",
		"whatsapp":       "0812-5555-1234",
		"regency_code":   "6101",
		"regency_name":   "Kabupaten Sambas",
		"districts":      []string{"Sambas", "Teluk Keramat", "Pemangkat", "Jawai"},
		"sapa_name":      "",
		"suggestion_box": false,
		"sample":         false,
	}
}

// singkawangTraces are what of the seeded office must not stay with another.
var singkawangTraces = []string{"Singkawang", "singkawang", "089520338668", "6289520338668", "0562639472", "SKW-", "Kota Singkawang"}

func noTraces(t *testing.T, what, text string, traces ...string) {
	t.Helper()
	for _, s := range traces {
		if strings.Contains(text, s) {
			i := strings.Index(text, s)
			t.Errorf("%s still shows %q: …%s…", what, s, text[max(0, i-80):min(len(text), i+80)])
		}
	}
}

// pageBlock is the JSON block with id carried in a page.
func pageBlock(t *testing.T, page, id string) map[string]any {
	t.Helper()
	m := regexp.MustCompile(`<script type="application/json" id="` + id + `">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("page has no %s block", id)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(m[1]), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// The seeded profile is a sample with its letterhead, title, place and
// numbers derived, word for word what the seed stored.
func TestSeededProfileIsASampleAndDerives(t *testing.T) {
	h := newHarness(t, staffNow)
	_, sup := h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)
	_, off := h.Staff("petugas@teduh.test", "Petugas", "officer", true)
	r := officeRecord(t, h)
	if !r.GetBool("sample") || !r.GetBool("suggestion_box") || r.GetString("sapa_name") != "SAPA Singkawang" {
		t.Errorf("seed: sample %v suggestion box %v SAPA %q", r.GetBool("sample"), r.GetBool("suggestion_box"), r.GetString("sapa_name"))
	}
	for _, f := range []string{"head_title", "letter_place"} {
		if r.GetString(f) != "" {
			t.Errorf("seed %s still stored: %q", f, r.GetString(f))
		}
	}
	if raw := r.GetString("letterhead_lines"); raw != "" && raw != "null" {
		t.Errorf("seed letterhead still stored: %s", raw)
	}
	if raw := r.GetString("emergency_contacts"); raw != "[]" {
		t.Errorf("seed emergency numbers still stored: %s", raw)
	}

	if res := h.Do("GET", "/api/setup", nil, off); res.Status != 403 {
		t.Errorf("officer GET /api/setup: %d", res.Status)
	}
	if res := h.Do("GET", "/api/setup", nil, ""); res.Status != 401 {
		t.Errorf("anonymous GET /api/setup: %d", res.Status)
	}
	res := h.Do("GET", "/api/setup", nil, sup)
	if res.Status != 200 || res.JSON["sample"] != true {
		t.Fatalf("setup: %d %s", res.Status, res)
	}
	var s struct {
		Letterhead        struct{ Value []string }
		HeadTitle         struct{ Value string }                               `json:"head_title"`
		LetterPlace       struct{ Value string }                               `json:"letter_place"`
		EmergencyContacts []struct{ Label, Number, Href, Kind, Source string } `json:"emergency_contacts"`
		ComplaintChannels []string                                             `json:"complaint_channels"`
		Checklist         []struct {
			Key, Problem, For string
			OK                bool
		}
		LettersReady bool `json:"letters_ready"`
		MailReady    bool `json:"mail_ready"`
	}
	if err := json.Unmarshal(res.Body, &s); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Letterhead.Value, []string{"PEMERINTAH KOTA SINGKAWANG", "DINAS SOSIAL, PEMBERDAYAAN PEREMPUAN DAN PERLINDUNGAN ANAK",
		"Jalan Firdaus H Rais No 63 Singkawang 79123, Telepon 0562639472", "www.dinsos.singkawangkota.go.id"}) {
		t.Errorf("letterhead %q", s.Letterhead.Value)
	}
	if s.HeadTitle.Value != "Kepala Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak Kota Singkawang" || s.LetterPlace.Value != "Singkawang" {
		t.Errorf("title %q place %q", s.HeadTitle.Value, s.LetterPlace.Value)
	}
	if len(s.EmergencyContacts) != 5 || s.EmergencyContacts[0].Kind != "national" || s.EmergencyContacts[0].Source == "" || s.EmergencyContacts[3].Href != "https://wa.me/6289520338668" {
		t.Errorf("emergency contacts %+v", s.EmergencyContacts)
	}
	if !slices.Contains(s.ComplaintChannels, "SAPA Singkawang") || !slices.Contains(s.ComplaintChannels, "Kotak saran di kantor Dinas") {
		t.Errorf("complaint channels %q", s.ComplaintChannels)
	}
	open := map[string]bool{}
	for _, it := range s.Checklist {
		if !it.OK {
			open[it.Key] = true
			if it.Problem == "" {
				t.Errorf("%s is not done and says nothing", it.Key)
			}
		}
	}
	for _, key := range []string{"profile", "head", "emblem", "institutions", "mail", "app_url"} {
		if !open[key] {
			t.Errorf("checklist: %s is done on a fresh install", key)
		}
	}
	if s.LettersReady || s.MailReady {
		t.Errorf("fresh install ready: letters %v mail %v", s.LettersReady, s.MailReady)
	}
}

// A supervisor turns the seeded profile into another office's; the public
// pages, their data blocks and the public API keep nothing of Singkawang.
func TestAnotherOfficeOnThePublicPages(t *testing.T) {
	h := newHarness(t, staffNow, servePages)
	sup, supTok := h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)
	office := officeRecord(t, h)
	// the pages are built once with Singkawang's profile first: caches fill
	for _, p := range []string{"/", "/status/", "/api/public/office"} {
		if res := h.Do("GET", p, nil, ""); res.Status != 200 || !strings.Contains(res.String(), "089520338668") {
			t.Fatalf("%s before the edit: %d", p, res.Status)
		}
	}
	res := h.Do("PATCH", "/api/collections/office/records/"+office.Id, sambasProfile(), supTok)
	if res.Status != 200 {
		t.Fatalf("profile edit: %d %s", res.Status, res)
	}
	entry, err := h.App.FindFirstRecordByFilter("audit_log", "action = 'update' && collection_name = 'office'")
	if err != nil || entry.GetString("actor_id") != sup.Id || !strings.Contains(entry.GetString("detail"), "whatsapp") {
		t.Errorf("profile edit not audited: %v %v", err, entry)
	}
	for _, p := range []string{"/", "/status/", "/api/public/office", "/api/public/forms/complaint"} {
		res := h.Do("GET", p, nil, "")
		if res.Status != 200 {
			t.Fatalf("%s: %d", p, res.Status)
		}
		noTraces(t, p, res.String(), append(singkawangTraces, "SAPA Singkawang", "Kotak saran")...)
	}
	page := h.Do("GET", "/", nil, "").String()
	o := pageBlock(t, page, "teduh-office")
	contacts, _ := json.Marshal(o["emergency_contacts"])
	for _, s := range []string{`"number":"129"`, `"number":"08111-129-129"`, `"number":"110"`, "https://wa.me/6281255551234", "tel:0562391234"} {
		if !strings.Contains(string(contacts), s) {
			t.Errorf("the page's emergency numbers lack %s: %s", s, contacts)
		}
	}
	service, _ := o["service"].(map[string]any)
	channels, _ := json.Marshal(service["complaint_channels"])
	if !strings.Contains(string(channels), "Jalan Pembangunan No 1 Sambas 79462") || !strings.Contains(string(channels), "WhatsApp 0812-5555-1234") {
		t.Errorf("complaint channels %s", channels)
	}
	form, _ := json.Marshal(pageBlock(t, page, "teduh-form"))
	if !strings.Contains(string(form), "Teluk Keramat") {
		t.Errorf("the form's districts are not Sambas's")
	}
	// the status page carries the same office
	status := pageBlock(t, h.Do("GET", "/status/", nil, "").String(), "teduh-office")
	if status["whatsapp"] != "0812-5555-1234" || status["government"] != "Pemerintah Kabupaten Sambas" {
		t.Errorf("status page office %v", status)
	}
	// a new case is numbered with the new prefix
	c := h.submit(with(validComplaint(), "victim_district", "Pemangkat"))
	if !strings.HasPrefix(c.GetString("number"), "SBS-2026-") {
		t.Errorf("case number %q", c.GetString("number"))
	}
}

// A new WhatsApp number reaches every reader at once, however the profile
// is saved (the console, the admin panel, Go code) and however many read
// it meanwhile.
func TestWhatsAppChangeIsSeenAtOnce(t *testing.T) {
	h := newHarness(t, staffNow, servePages)
	_, supTok := h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)
	suTok := h.Superuser()
	id := officeRecord(t, h).Id
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					h.Do("GET", "/api/public/office", nil, "")
				}
			}
		}()
	}
	last := ""
	for i := 0; i < 30; i++ {
		last = fmt.Sprintf("0812-3000-%04d", i)
		switch i % 3 {
		case 0:
			if res := h.Do("PATCH", "/api/collections/office/records/"+id, map[string]any{"whatsapp": last}, supTok); res.Status != 200 {
				t.Fatalf("console edit: %d %s", res.Status, res)
			}
		case 1:
			if res := h.Do("PATCH", "/api/collections/office/records/"+id, map[string]any{"whatsapp": last}, suTok); res.Status != 200 {
				t.Fatalf("admin panel edit: %d %s", res.Status, res)
			}
		default:
			r := officeRecord(t, h)
			r.Set("whatsapp", last)
			if err := h.App.Save(r); err != nil {
				t.Fatal(err)
			}
		}
		want := "https://wa.me/62" + strings.ReplaceAll(last, "-", "")[1:]
		for _, p := range []string{"/api/public/office", "/", "/status/"} {
			body := h.Do("GET", p, nil, "").String()
			if !strings.Contains(body, last) || !strings.Contains(body, want) {
				t.Fatalf("edit %d: %s does not show %s (%s)", i, p, last, want)
			}
		}
	}
	close(stop)
	wg.Wait()
	if body := h.Do("GET", "/api/public/office", nil, "").String(); !strings.Contains(body, last) {
		t.Errorf("after the readers: %s", body)
	}
}

// What the profile holds is checked on every path, keyed by field, and a
// refused edit changes nothing; the administrator's settings stay theirs.
func TestOfficeProfileValidationAndAdministratorFields(t *testing.T) {
	h := newHarness(t, staffNow)
	_, supTok := h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)
	_, offTok := h.Staff("petugas@teduh.test", "Petugas", "officer", true)
	suTok := h.Superuser()
	id := officeRecord(t, h).Id
	patch := func(body map[string]any, tok string) *response {
		return h.Do("PATCH", "/api/collections/office/records/"+id, body, tok)
	}
	if res := patch(map[string]any{"whatsapp": "0812-1"}, offTok); res.Status != 403 || !strings.Contains(res.String(), "kepala/penyelia") {
		t.Errorf("officer edit: %d %s", res.Status, res)
	}
	for _, tc := range []struct {
		body  map[string]any
		field string
		code  string
	}{
		{map[string]any{"whatsapp": "WA kantor"}, "whatsapp", "invalid_phone"},
		{map[string]any{"phone": "12"}, "phone", "invalid_phone"},
		{map[string]any{"email": "dinsos di kota"}, "email", "invalid_email"},
		{map[string]any{"website": "dinsos kota"}, "website", "invalid_website"},
		{map[string]any{"letterhead_lines": []string{"1", "2", "3", "4", "5", "6", "7"}}, "letterhead_lines", "invalid_letterhead"},
		{map[string]any{"letterhead_lines": []string{strings.Repeat("PANJANG ", 30)}}, "letterhead_lines", "invalid_letterhead"},
		{map[string]any{"emergency_contacts": []map[string]string{{"label": "", "number": "0562 1234"}}}, "emergency_contacts", "invalid_contacts"},
		{map[string]any{"emergency_contacts": []map[string]string{{"label": "UPTD", "number": "12"}}}, "emergency_contacts", "invalid_contacts"},
		{map[string]any{"head_nip": "1234"}, "head_nip", "invalid_nip"},
	} {
		for _, tok := range []string{supTok, suTok} {
			res := patch(tc.body, tok)
			if res.Status != 400 || res.FieldCode(tc.field) != tc.code {
				t.Errorf("%v: %d %s, want %s %s", tc.body, res.Status, res, tc.field, tc.code)
			}
		}
	}
	for _, f := range []string{"allowed_origins", "mfa_supervisors", "sla_days", "service"} {
		body := map[string]any{"allowed_origins": []string{"https://lain.example"}, "mfa_supervisors": true, "sla_days": 5,
			"service": map[string]any{"name": "Lain"}}
		res := patch(map[string]any{f: body[f], "address": "Jalan Baru"}, supTok)
		if res.Status != 403 || res.FieldCode(f) != "admin_only" {
			t.Errorf("supervisor sets %s: %d %s", f, res.Status, res)
		}
	}
	r := officeRecord(t, h)
	if r.GetString("address") == "Jalan Baru" || r.GetInt("sla_days") != 7 || r.GetBool("mfa_supervisors") || r.GetString("whatsapp") != "089520338668" {
		t.Errorf("a refused edit was stored: %v", r.FieldsData())
	}
	if res := patch(map[string]any{"sla_days": 7, "allowed_origins": []string{"https://app.kota.go.id"}}, suTok); res.Status != 200 {
		t.Errorf("administrator fields: %d %s", res.Status, res)
	}
	// the office's own additions: kept as label and number, links derived,
	// blank rows dropped; an own letterhead replaces the derived one
	res := patch(map[string]any{
		"emergency_contacts": []map[string]string{{"label": " UPTD PPA ", "number": "0562-631000", "href": "javascript:alert(1)"}, {"label": "", "number": ""}},
		"letterhead_lines":   []string{" PEMERINTAH KOTA SINGKAWANG ", "", "DINAS SOSIAL P3A"},
		"head_title":         "Plt. Kepala Dinas",
	}, supTok)
	if res.Status != 200 {
		t.Fatalf("own values: %d %s", res.Status, res)
	}
	r = officeRecord(t, h)
	if got := r.GetString("emergency_contacts"); got != `[{"label":"UPTD PPA","number":"0562-631000"}]` {
		t.Errorf("stored contacts %s", got)
	}
	pub := h.Do("GET", "/api/public/office", nil, "").String()
	if !strings.Contains(pub, `"label":"UPTD PPA","number":"0562-631000","href":"tel:0562631000","kind":"extra"`) || strings.Contains(pub, "javascript") {
		t.Errorf("public office: %s", pub)
	}
	setup := h.Do("GET", "/api/setup", nil, supTok).String()
	if !strings.Contains(setup, `"letterhead":{"value":["PEMERINTAH KOTA SINGKAWANG","DINAS SOSIAL P3A"]`) || !strings.Contains(setup, `"head_title":{"value":"Plt. Kepala Dinas"`) {
		t.Errorf("setup: %s", setup)
	}
	// confirming the sample
	if res := patch(map[string]any{"sample": false}, supTok); res.Status != 200 || officeRecord(t, h).GetBool("sample") {
		t.Errorf("confirm: %d %s", res.Status, res)
	}
}

// The checklist follows what the office completes: letters are ready once
// the head of office can sign and an institution is confirmed; mail once
// SMTP, the sender and the application URL are set.
func TestSetupChecklist(t *testing.T) {
	h := newHarness(t, staffNow)
	_, supTok := h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)
	state := func() map[string]any {
		res := h.Do("GET", "/api/setup", nil, supTok)
		if res.Status != 200 {
			t.Fatalf("setup: %d %s", res.Status, res)
		}
		return res.JSON
	}
	item := func(s map[string]any, key string) map[string]any {
		for _, it := range s["checklist"].([]any) {
			if m := it.(map[string]any); m["key"] == key {
				return m
			}
		}
		t.Fatalf("no %s item", key)
		return nil
	}
	id := officeRecord(t, h).Id
	if res := h.Do("PATCH", "/api/collections/office/records/"+id, map[string]any{"head_name": "Drs. Hendra Wijaya, M.Si."}, supTok); res.Status != 200 {
		t.Fatal(res)
	}
	s := state()
	if p, _ := item(s, "head")["problem"].(string); !strings.Contains(p, "NIP") || strings.Contains(p, "nama") {
		t.Errorf("head item: %v", item(s, "head"))
	}
	if res := h.Do("PATCH", "/api/collections/office/records/"+id, map[string]any{"head_nip": "196805121994031005"}, supTok); res.Status != 200 {
		t.Fatal(res)
	}
	inst, err := h.App.FindFirstRecordByData("referral_institutions", "name", "RSUD dr. Abdul Aziz Singkawang")
	if err != nil {
		t.Fatal(err)
	}
	if res := h.Do("PATCH", "/api/collections/referral_institutions/records/"+inst.Id, map[string]any{"address": "Jalan dr. Soetomo No. 28", "phone": "(0562) 631798", "confirmed": true}, supTok); res.Status != 200 {
		t.Fatalf("confirm institution: %d %s", res.Status, res)
	}
	if n := auditCountOf(t, h, "update", inst.Id); n != 1 {
		t.Errorf("%d audit entries for the institution's update", n)
	}
	s = state()
	if s["letters_ready"] != true || item(s, "head")["ok"] != true {
		t.Errorf("letters not ready: %v", s)
	}
	inst9 := item(s, "institutions")
	if inst9["ok"] != false || !strings.Contains(inst9["problem"].(string), "9 dari 10") {
		t.Errorf("institutions item: %v", inst9)
	}
	if s["mail_ready"] != false {
		t.Error("mail ready without SMTP")
	}
	st := h.App.Settings()
	st.SMTP.Enabled, st.SMTP.Host, st.SMTP.Port = true, "mail.kota.go.id", 587
	st.Meta.SenderAddress = "teduh@dinsos.kota.go.id"
	st.Meta.AppURL = "https://teduh.kota.go.id"
	if err := h.App.Save(st); err != nil {
		t.Fatal(err)
	}
	s = state()
	if s["mail_ready"] != true || item(s, "mail")["ok"] != true || item(s, "app_url")["ok"] != true {
		t.Errorf("mail not ready: %v", s)
	}
	// the online channel names the application's address now
	if !strings.Contains(fmt.Sprint(s["complaint_channels"]), "Secara online melalui formulir di teduh.kota.go.id") {
		t.Errorf("channels %v", s["complaint_channels"])
	}
	// no institution is deleted, not even by the administrator
	if res := h.Do("DELETE", "/api/collections/referral_institutions/records/"+inst.Id, nil, h.Superuser()); res.Status != 403 {
		t.Errorf("institution delete: %d %s", res.Status, res)
	}
	if n, _ := h.App.CountRecords("referral_institutions", dbx.HashExp{"id": inst.Id}); n != 1 {
		t.Error("institution deleted")
	}
}

// After the edit to another office, a letter and the handling report show
// that office only: its letterhead, its head of office's title, its town.
func TestAnotherOfficeOnLetterAndReport(t *testing.T) {
	h := newHarness(t, referralNow)
	_, supTok := h.Staff("kepala@teduh.test", "Kepala Sambas", "supervisor", true)
	_, offTok := h.Staff("petugas@teduh.test", "Petugas Sambas", "officer", true)
	id := officeRecord(t, h).Id
	profile := with(sambasProfile(), "head_name", "Drs. Yusuf Ramli", "head_nip", "197001011990031001")
	if res := h.Do("PATCH", "/api/collections/office/records/"+id, profile, supTok); res.Status != 200 {
		t.Fatalf("profile: %d %s", res.Status, res)
	}
	res := h.Do("POST", "/api/collections/referral_institutions/records", map[string]any{"name": "RSUD Sambas", "type": "health",
		"address": "Jalan Rumah Sakit No. 1, Sambas", "phone": "(0562) 391111", "active": true, "confirmed": true}, supTok)
	if res.Status != 200 {
		t.Fatalf("institution: %d %s", res.Status, res)
	}
	instID := res.JSON["id"].(string)
	c := h.submit(with(validComplaint(), "victim_district", "Pemangkat", "injured", true))
	walkToReferralStep(t, h, offTok, supTok, c.Id)
	res = h.Do("POST", "/api/collections/referrals/records", map[string]any{"complaint": c.Id, "institution": instID,
		"services": "Pemeriksaan luka.", "reason": "Korban terluka."}, offTok)
	if res.Status != 200 {
		t.Fatalf("referral: %d %s", res.Status, res)
	}
	ref := res.JSON["id"].(string)
	if res := h.Do("PATCH", "/api/collections/referrals/records/"+ref, map[string]any{"consent": true, "consent_by": "victim", "status": "sent"}, offTok); res.Status != 200 {
		t.Fatalf("send: %d %s", res.Status, res)
	}
	letter := referralPDFText(t, h.Do("GET", "/api/referrals/"+ref+"/letter.pdf", nil, offTok))
	report := referralPDFText(t, h.Do("GET", "/api/complaints/"+c.Id+"/report.pdf", nil, offTok))
	for name, text := range map[string]string{"letter": letter, "report": report} {
		referralExpect(t, text, []string{"PEMERINTAH KABUPATEN SAMBAS", "Jalan Pembangunan No 1 Sambas 79462, Telepon (0562) 391234",
			"Kepala Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Sambas", "Drs. Yusuf Ramli", "Sambas, ", "SBS-2026-0001"}, nil)
		noTraces(t, name, text, singkawangTraces...)
	}
}

// walkToReferralStep records steps 2 to 7 of a case (7 by the supervisor,
// with a referral needed).
func walkToReferralStep(t *testing.T, h *harness, offTok, supTok, caseID string) {
	t.Helper()
	h.mustStep(offTok, caseID, 2, "done", "Korban ditenangkan.", nil)
	h.mustStep(offTok, caseID, 3, "done", "", map[string]any{"requirements_complete": true, "referral_priorities": []string{"health"}})
	h.mustStep(offTok, caseID, 4, "skipped", "Korban sudah di rumah keluarga.", nil)
	h.mustStep(offTok, caseID, 5, "done", "", map[string]any{"victim_safe": true})
	h.mustStep(offTok, caseID, 6, "done", "", map[string]any{"violence_types": []string{"physical"}, "perpetrator_relation": "spouse",
		"incident_place": "household", "needs": []string{"health"}})
	h.mustStep(supTok, caseID, 7, "done", "Rujuk ke rumah sakit.", map[string]any{"referral_needed": true})
}
