package pb_hooks_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"
	"github.com/pocketbase/dbx"

	"teduh/internal/definitions"
	"teduh/internal/documents"
)

var referralSpaces = regexp.MustCompile(`\s+`)

// referralPDFPages checks a PDF answer and returns its pages' text.
func referralPDFPages(t *testing.T, res *response) []string {
	t.Helper()
	if res.Status != 200 {
		t.Fatalf("document: %d %s", res.Status, res)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Fatalf("Content-Type %q", ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q: a victim's letter must not stay in a cache", cc)
	}
	r, err := pdf.NewReader(bytes.NewReader(res.Body), int64(len(res.Body)))
	if err != nil {
		t.Fatalf("not a readable PDF: %v", err)
	}
	var pages []string
	for i := 1; i <= r.NumPage(); i++ {
		text, err := r.Page(i).GetPlainText(nil)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, referralSpaces.ReplaceAllString(text, " "))
	}
	return pages
}

// referralKeep writes a document to $TEDUH_PDF_DIR when it is set, for a
// person to look at.
func referralKeep(t *testing.T, name string, res *response) {
	if dir := os.Getenv("TEDUH_PDF_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), res.Body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// referralPDFText is the whole text of a PDF answer, whitespace collapsed.
func referralPDFText(t *testing.T, res *response) string {
	t.Helper()
	return strings.Join(referralPDFPages(t, res), " ")
}

func referralExpect(t *testing.T, text string, present, absent []string) {
	t.Helper()
	for _, s := range present {
		if !strings.Contains(text, s) {
			t.Errorf("document lacks %q", s)
		}
	}
	for _, s := range absent {
		if strings.Contains(text, s) {
			t.Errorf("document shows %q", s)
		}
	}
	if t.Failed() {
		t.Logf("document text:\n%s", text)
	}
}

// The surat rujukan as an institution receives it: the office's letterhead,
// number and date, the institution, the case number, the victim as far as
// that institution needs, the services and reason, and the signature block.
func TestReferralLetterPDF(t *testing.T) {
	w := newReferralWorld(t)
	h := w.h
	// the head of office is in the profile now
	office, err := h.App.FindFirstRecordByFilter("office", "name != ''")
	if err != nil {
		t.Fatal(err)
	}
	office.Set("head_name", "Drs. Budi Santoso, M.Si.")
	office.Set("head_nip", "197001011990031001")
	if err := h.App.Save(office); err != nil {
		t.Fatal(err)
	}
	// case Y has a letter of its own; nothing of it may leak into X's
	yRef := w.draft(t, w.tokB, w.caseY.Id, instPolice, "services", "Perlindungan dari majikan pelaku.")
	w.send(t, yRef, w.tokB)

	police := w.draft(t, w.tokA, w.caseX.Id, instPolice, "services", "Penerimaan laporan polisi dan permintaan visum et repertum.",
		"reason", "Korban ingin melaporkan suaminya.")
	h.SetNow(time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)) // 06:30 WIB on 1 December
	w.send(t, police, w.tokA)
	psych := w.draft(t, w.tokA, w.caseX.Id, instPsych, "services", "Konseling trauma.")
	w.send(t, psych, w.tokA)

	caseX := h.reload(w.caseX)
	res := h.Do("GET", "/api/referrals/"+police+"/letter.pdf", nil, w.tokA)
	referralKeep(t, "rest-surat-rujukan.pdf", res)
	pages := referralPDFPages(t, res)
	if len(pages) != 1 {
		t.Fatalf("letter has %d pages, want 1", len(pages))
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="surat-rujukan-002-RUJ-SKW-XII-2026.pdf"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	referralExpect(t, pages[0], []string{
		"PEMERINTAH KOTA SINGKAWANG", "DINAS SOSIAL, PEMBERDAYAAN PEREMPUAN DAN PERLINDUNGAN ANAK",
		"Singkawang, 1 Desember 2026", "002/RUJ/SKW/XII/2026", "Rahasia",
		"Pimpinan " + instPolice, caseX.GetString("number"),
		"Ani Lestari", "Perempuan", "36 tahun", "12 Mei 1990", "6172015205900003", "Jalan Merdeka Gang Mawar Nomor 7, Kecamatan Singkawang Barat",
		"Penerimaan laporan polisi dan permintaan visum et repertum.", "Korban ingin melaporkan suaminya.",
		"disetujui oleh korban", "Petugas Ayu", "0812-1111-2222",
		"Kepala Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak Kota Singkawang",
		"Drs. Budi Santoso, M.Si.", "NIP. 197001011990031001", "Halaman 1 dari 1",
	}, []string{
		// the unrelated case
		refYVictim, refYNIK, "kelontong", w.caseY.GetString("number"), "001/RUJ/SKW/XI/2026", "majikan",
		// what no institution is told: the reporter, the story as told on the form
		"Siti", "0812-3456-7890", "dipukul oleh suaminya tadi malam", w.caseX.GetString("tracking_code"),
		"DRAF",
	})

	// a psychologist is not told the NIK, the birth date or the home address
	text := referralPDFText(t, h.Do("GET", "/api/referrals/"+psych+"/letter.pdf", nil, w.tokA))
	referralExpect(t, text, []string{"003/RUJ/SKW/XII/2026", "Pimpinan " + instPsych, "Ani Lestari", "36 tahun", caseX.GetString("number")},
		[]string{"6172015205900003", "12 Mei 1990", "Jalan Merdeka", "Singkawang Barat", refYVictim})

	// a draft can be previewed, clearly marked and without a number
	draft := w.draft(t, w.tokA, w.caseX.Id, instShelter, "services", "Tempat tinggal sementara.")
	text = referralPDFText(t, h.Do("GET", "/api/referrals/"+draft+"/letter.pdf", nil, w.tokA))
	referralExpect(t, text, []string{"DRAF - belum dikirim", "(diberikan saat surat dikirim)", "Persetujuan korban belum dicatat."}, []string{"004/RUJ"})

	// every download is in the audit trail
	entries := auditEntries(t, h, "action = 'download' && collection_name = 'referrals'", nil)
	if len(entries) != 3 {
		t.Fatalf("%d download entries, want 3", len(entries))
	}
	first := entries[0]
	auditExpectActor(t, first, w.officerA.Id, "staff", "referrals", police)
	if d := auditDetail(t, first); d["document"] != "letter" || d["letter_number"] != "002/RUJ/SKW/XII/2026" || d["complaint"] != w.caseX.Id {
		t.Errorf("download entry %v", d)
	}
}

// The laporan penanganan of a case walked through all nine steps.
func TestReferralReportPDF(t *testing.T) {
	w := newReferralWorld(t)
	h := w.h
	c := w.caseX.Id
	yRef := w.draft(t, w.tokB, w.caseY.Id, instPolice, "services", "Perlindungan dari majikan pelaku.")
	w.send(t, yRef, w.tokB)

	h.mustStep(w.tokA, c, 4, "done", "", map[string]any{"destination": "RSUD dr. Abdul Aziz", "police_assistance": true})
	h.mustStep(w.tokA, c, 5, "progress", "Kunjungan rumah pertama, korban masih takut.", nil)
	h.mustStep(w.tokA, c, 5, "done", "", map[string]any{"victim_safe": true})
	h.mustStep(w.tokA, c, 6, "done", "", map[string]any{"violence_types": []string{"physical", "psychological"}, "perpetrator_relation": "spouse",
		"incident_place": "household", "needs": []string{"health", "legal_aid"}})
	h.mustStep(w.tokSup, c, 7, "done", "Rujuk ke rumah sakit.", map[string]any{"referral_needed": true})
	ref := w.draft(t, w.tokA, c, instHospital)
	w.send(t, ref, w.tokA)
	w.mustPatch(t, ref, map[string]any{"status": "accepted", "response_note": "Korban diperiksa dr. Rina di IGD."}, w.tokA)
	h.mustStep(w.tokA, c, 8, "done", "Surat rujukan ke RSUD dikirim.", nil)

	// an open case: the report is provisional
	text := referralPDFText(t, h.Do("GET", "/api/complaints/"+c+"/report.pdf", nil, w.tokA))
	referralExpect(t, text, []string{"Laporan sementara: kasus belum ditutup", "9. Laporan penanganan Belum dicatat."}, nil)

	closedAt := referralNow.Add(4 * 24 * time.Hour)
	h.SetNow(closedAt)
	h.mustStep(w.tokA, c, 9, "done", "Korban aman di rumah keluarga; proses hukum berjalan.", nil)
	h.SetNow(closedAt.Add(time.Hour))
	res := h.Do("GET", "/api/complaints/"+c+"/report.pdf", nil, w.tokSup)
	referralKeep(t, "rest-laporan-penanganan.pdf", res)
	pages := referralPDFPages(t, res)
	if len(pages) < 1 || len(pages) > 3 {
		t.Fatalf("report has %d pages", len(pages))
	}
	caseX := h.reload(w.caseX)
	number := caseX.GetString("number")
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="laporan-penanganan-`+number+`.pdf"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	text = strings.Join(pages, " ")
	referralExpect(t, text, []string{
		"LAPORAN PENANGANAN PENGADUAN KORBAN", "Nomor kasus: " + number, "Selesai",
		"Diterima : " + documents.DateTime(caseX.GetDateTime("created").Time(), wib), "Formulir online", "Darurat", "Petugas Ayu", "Ani Lestari, perempuan, 36 tahun saat pengaduan",
		"Fisik, Psikis", "Suami/istri", "Rumah tangga",
		// the 7-day standard: verified at 09:00 on 26 November, closed four days later
		"Terpenuhi: kasus selesai 4 hari setelah persyaratan lengkap, dalam batas 7 hari.",
		// all nine steps with actors and times
		"1. Pengajuan pengaduan", "Sistem", "2. Identifikasi singkat dan penenangan korban", "3. Verifikasi laporan dan rekomendasi prioritas rujukan",
		"4. Pendampingan ke tempat rujukan atau tempat aman", "Tempat tujuan pendampingan: RSUD dr. Abdul Aziz", "Meminta bantuan keamanan kepolisian: ya",
		"5. Pemantauan korban", "Kunjungan rumah pertama, korban masih takut.", "6. Identifikasi kasus secara lengkap",
		"Kebutuhan layanan korban: Layanan kesehatan (rumah sakit/puskesmas), Bantuan hukum",
		"7. Disposisi tindak lanjut", "Kepala Bidang", "8. Surat rujukan ke lembaga lain", "9. Laporan penanganan",
		"30 November 2026 pukul 09.00 WIB",
		// referrals and the answers
		instHospital, "002/RUJ/SKW/XI/2026", "Diterima lembaga", "Korban diperiksa dr. Rina di IGD.",
		"Korban aman di rumah keluarga; proses hukum berjalan.", "Dibuat oleh", "Mengetahui",
		"Dicetak 30 November 2026 pukul 10.00 WIB oleh Kepala Bidang",
	}, []string{
		refYVictim, refYNIK, "kelontong", w.caseY.GetString("number"), "001/RUJ/SKW/XI/2026", "majikan",
		"Laporan sementara", "Belum dicatat",
	})
	// each step record with its outcome, actor and time (the record's own time)
	steps, err := h.App.FindRecordsByFilter("case_steps", "complaint = {:c}", "created", 0, 0, dbx.Params{"c": c})
	if err != nil || len(steps) != 10 {
		t.Fatalf("%d steps: %v", len(steps), err)
	}
	defs, err := definitions.Load()
	if err != nil {
		t.Fatal(err)
	}
	wf := defs.Workflow
	for _, s := range steps {
		label := wf.Step(s.GetInt("step")).Outcome(s.GetString("outcome")).Label
		line := label + " - " + s.GetString("actor_name") + " - " + documents.DateTime(s.GetDateTime("created").Time(), wib)
		if !strings.Contains(text, line) {
			t.Errorf("timeline lacks %q", line)
		}
	}
	entry := auditEntries(t, h, "action = 'download' && collection_name = 'complaints' && record_id = {:id}", dbx.Params{"id": c})
	if len(entry) != 2 {
		t.Fatalf("%d report download entries, want 2", len(entry))
	}
	auditExpectActor(t, entry[1], w.supervisor.Id, "staff", "complaints", c)
	if d := auditDetail(t, entry[1]); d["document"] != "report" {
		t.Errorf("detail %v", d)
	}
}

// The late case says so.
func TestReferralReportMissedStandard(t *testing.T) {
	w := newReferralWorld(t)
	h := w.h
	c := w.caseX.Id
	h.mustStep(w.tokA, c, 4, "skipped", "Korban sudah aman di rumah orang tuanya.", nil)
	h.mustStep(w.tokA, c, 5, "done", "", map[string]any{"victim_safe": true})
	h.mustStep(w.tokA, c, 6, "done", "", map[string]any{"violence_types": []string{"physical"}, "perpetrator_relation": "spouse",
		"incident_place": "household", "needs": []string{"psychosocial"}})
	h.mustStep(w.tokSup, c, 7, "done", "Cukup pendampingan Dinas.", map[string]any{"referral_needed": false})
	h.mustStep(w.tokA, c, 8, "skipped", "", nil)
	h.SetNow(referralNow.Add(9*24*time.Hour + 5*time.Hour))
	h.mustStep(w.tokA, c, 9, "done", "Selesai.", nil)
	text := referralPDFText(t, h.Do("GET", "/api/complaints/"+c+"/report.pdf", nil, w.tokA))
	referralExpect(t, text, []string{
		"Tidak terpenuhi: kasus selesai 9 hari 5 jam setelah persyaratan lengkap, terlambat 2 hari 5 jam dari batas 7 hari.",
		"Tidak perlu (korban sudah aman)", "Tidak ada rujukan.",
	}, nil)
}

// The priority recommendations for the victim's condition, in order, with
// the institutions to choose from.
func TestReferralRecommendations(t *testing.T) {
	w := newReferralWorld(t)
	h := w.h
	get := func(caseID, query, token string) *response {
		return h.Do("GET", "/api/complaints/"+caseID+"/referral-recommendations"+query, nil, token)
	}
	type item struct {
		typ, reason  string
		institutions []string
	}
	items := func(res *response) []item {
		t.Helper()
		if res.Status != 200 {
			t.Fatalf("recommendations: %d %s", res.Status, res)
		}
		var out []item
		for _, raw := range res.JSON["items"].([]any) {
			m := raw.(map[string]any)
			it := item{typ: m["type"].(string), reason: m["reason"].(string)}
			if m["label"] == "" || it.reason == "" {
				t.Fatalf("item without label or reason: %v", m)
			}
			for _, inst := range m["institutions"].([]any) {
				it.institutions = append(it.institutions, inst.(map[string]any)["name"].(string))
			}
			out = append(out, it)
		}
		return out
	}
	typesOf := func(list []item) string {
		var s []string
		for _, it := range list {
			s = append(s, it.typ)
		}
		return strings.Join(s, ",")
	}

	// X: an injured adult, beaten by her husband at home yesterday
	x := items(get(w.caseX.Id, "", w.tokA))
	if got := typesOf(x); got != "health,shelter,psychosocial" {
		t.Fatalf("case X: %s", got)
	}
	if !strings.Contains(x[0].reason, "terluka") || !strings.Contains(x[1].reason, "serumah") {
		t.Errorf("reasons: %q / %q", x[0].reason, x[1].reason)
	}
	if strings.Join(x[0].institutions, "|") != "Puskesmas sesuai wilayah tempat tinggal korban|"+instHospital {
		t.Errorf("health institutions: %v", x[0].institutions)
	}
	// what the case does not record yet, the officer adds
	if got := typesOf(items(get(w.caseX.Id, "?legal_process=1&missing_documents=true", w.tokA))); got != "health,shelter,police,legal_aid,civil_registry,psychosocial" {
		t.Fatalf("case X with legal process and missing documents: %s", got)
	}

	// C: a 14-year-old girl, sexual violence by her father yesterday: the
	// 72-hour window puts the hospital and the police first
	c := items(get(w.caseC.Id, "", w.tokA))
	if got := typesOf(c); got != "health,police,shelter,psychosocial,education" {
		t.Fatalf("case C: %s", got)
	}
	if !strings.Contains(c[0].reason, "72 jam") || !slices.Contains(c[1].institutions, instPolice) {
		t.Errorf("case C first: %+v / %+v", c[0], c[1])
	}
	// four days later the window has closed
	h.SetNow(referralNow.Add(4 * 24 * time.Hour))
	if got := typesOf(items(get(w.caseC.Id, "", w.tokA))); got != "health,psychosocial,shelter,education" {
		t.Fatalf("case C after 72 hours: %s", got)
	}
	h.SetNow(referralNow)

	// step 6 needs feed the rules: missing civil documents → Dukcapil
	h.mustStep(w.tokA, w.caseX.Id, 4, "skipped", "Korban sudah aman.", nil)
	h.mustStep(w.tokA, w.caseX.Id, 5, "done", "", map[string]any{"victim_safe": true})
	h.mustStep(w.tokA, w.caseX.Id, 6, "done", "", map[string]any{"violence_types": []string{"physical"}, "perpetrator_relation": "spouse",
		"incident_place": "household", "needs": []string{"civil_registry"}})
	if got := typesOf(items(get(w.caseX.Id, "", w.tokA))); got != "health,shelter,civil_registry,psychosocial" {
		t.Fatalf("case X after step 6: %s", got)
	}

	// a retired institution is not offered
	hospital, _ := h.App.FindFirstRecordByData("referral_institutions", "name", instHospital)
	hospital.Set("active", false)
	if err := h.App.Save(hospital); err != nil {
		t.Fatal(err)
	}
	if got := items(get(w.caseX.Id, "", w.tokSup))[0].institutions; len(got) != 1 || got[0] == instHospital {
		t.Fatalf("retired institution offered: %v", got)
	}

	// who may ask
	for _, tc := range []struct {
		token  string
		status int
	}{{w.tokB, 404}, {"", 401}, {w.tokInactive, 403}, {w.tokSup, 200}, {w.tokSU, 200}} {
		if res := get(w.caseX.Id, "", tc.token); res.Status != tc.status {
			t.Errorf("token %q: %d %s, want %d", tc.token, res.Status, res, tc.status)
		}
	}
	n := len(auditEntries(t, h, "action = 'view' && collection_name = 'complaints' && record_id = {:id} && detail ~ 'referral_recommendations'", dbx.Params{"id": w.caseX.Id}))
	if n < 4 {
		t.Fatalf("%d audited recommendation reads of case X", n)
	}
}
