package documents

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"
)

var wib = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Pontianak")
	if err != nil {
		panic(err)
	}
	return loc
}()

func testOffice() Office {
	return Office{
		LetterheadLines: []string{
			"PEMERINTAH KOTA SINGKAWANG",
			"DINAS SOSIAL, PEMBERDAYAAN PEREMPUAN DAN PERLINDUNGAN ANAK",
			"Jalan Firdaus H Rais No 63 Singkawang 79123, Telepon 0562639472",
			"www.dinsos.singkawangkota.go.id",
		},
		Place:     "Singkawang",
		HeadTitle: "Kepala Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak Kota Singkawang",
		Location:  wib,
	}
}

// sent at 23:30 UTC on 30 November: already 1 December in Singkawang
var letterDate = time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)

func testLetter() Letter {
	return Letter{
		Office:     testOffice(),
		Number:     "007/RUJ/SKW/XII/2026",
		Date:       letterDate,
		Recipient:  Recipient{Name: "RSUD dr. Abdul Aziz Singkawang", Address: "Jalan dr. Soetomo No. 28, Singkawang"},
		CaseNumber: "SKW-2026-0042",
		Victim:     Victim{Name: "Ani Lestari", Sex: "Perempuan", Age: "16 tahun", BirthDate: "14 Maret 2010", NIK: "6172015403100001"},
		Services:   "Pemeriksaan dan perawatan medis, visum et repertum, serta pencegahan kehamilan dan infeksi menular seksual.",
		Reason:     "Kekerasan seksual dalam 72 jam terakhir: pemeriksaan medis segera dan pengambilan bukti forensik sebelum hilang.",
		Consent:    "Rujukan ini telah disetujui oleh orang tua/wali korban, Ibu Sari Wulandari.",
		Officer:    Contact{Name: "Petugas Ayu", Phone: "0812-3456-7890"},
	}
}

func testReport() Report {
	verified := time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)
	at := func(h int) time.Time {
		return time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC).Add(time.Duration(h) * time.Hour)
	}
	r := Report{
		Office:     testOffice(),
		CaseNumber: "SKW-2026-0042",
		Status:     "Selesai",
		Closed:     true,
		Facts: []Row{
			{"Diterima", DateTime(at(0), wib)}, {"Saluran", "Formulir online"}, {"Urgensi", "Darurat"},
			{"Korban", "Ani Lestari, perempuan, 16 tahun"}, {"Bentuk kekerasan", "Seksual"},
		},
		Standard: Standard{Days: 7, VerifiedAt: verified, DueAt: verified.Add(7 * 24 * time.Hour), ClosedAt: verified.Add(5*24*time.Hour + 3*time.Hour)},
		Referrals: []ReportReferral{{
			Number: "007/RUJ/SKW/XII/2026", Institution: "RSUD dr. Abdul Aziz Singkawang", Services: "Visum et repertum.",
			Status: "Diterima lembaga", SentAt: at(30), RespondedAt: at(34), Response: "Korban diperiksa dr. Rina; hasil visum diserahkan ke Unit PPA.",
		}},
		Summary:    "Korban sudah aman di rumah keluarga, proses hukum berjalan di Unit PPA Polres Singkawang.",
		PreparedBy: "Petugas Ayu",
		PrintedAt:  verified.Add(6 * 24 * time.Hour),
		PrintedBy:  "Kepala Bidang",
	}
	labels := []string{"Pengajuan pengaduan", "Identifikasi singkat dan penenangan korban", "Verifikasi laporan dan rekomendasi prioritas rujukan",
		"Pendampingan ke tempat rujukan atau tempat aman", "Pemantauan korban", "Identifikasi kasus secara lengkap",
		"Disposisi tindak lanjut", "Surat rujukan ke lembaga lain", "Laporan penanganan"}
	for i, l := range labels {
		s := Step{Number: i + 1, Label: l}
		actor := "Petugas Ayu"
		if i == 0 {
			actor = "Sistem"
		}
		s.Entries = []StepEntry{{Outcome: "Selesai", Actor: actor, At: at(i * 6), Notes: fmt.Sprintf("Catatan langkah %d.", i+1)}}
		if i == 4 {
			s.Entries = append([]StepEntry{{Outcome: "Catat kunjungan pemantauan", Actor: actor, At: at(i*6 - 2), Notes: "Kunjungan pertama."}}, s.Entries...)
		}
		r.Steps = append(r.Steps, s)
	}
	return r
}

// readPDF parses a PDF back and returns its pages' text.
func readPDF(t testing.TB, data []byte) []string {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", data[:min(20, len(data))])
	}
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var pages []string
	for i := 1; i <= r.NumPage(); i++ {
		text, err := r.Page(i).GetPlainText(nil)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, text)
	}
	return pages
}

var spaces = regexp.MustCompile(`\s+`)

// plain joins the pages with whitespace collapsed, as a reader sees the words.
func plain(pages []string) string {
	return spaces.ReplaceAllString(strings.Join(pages, " "), " ")
}

func mustContain(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("PDF text lacks %q\n%s", w, text)
		}
	}
}

// checkXref verifies that every cross-reference entry points at its object,
// so the file opens in strict readers after fixToUnicode moved things.
func checkXref(t *testing.T, data []byte) {
	t.Helper()
	start := bytes.LastIndex(data, []byte("startxref\n"))
	var xref int
	fmt.Sscanf(string(data[start+len("startxref\n"):]), "%d", &xref)
	if !bytes.HasPrefix(data[xref:], []byte("xref\n")) {
		t.Fatalf("startxref %d does not point at the xref table", xref)
	}
	lines := strings.Split(string(data[xref:start]), "\n")
	for i, line := range lines[3:] {
		if !strings.HasSuffix(line, " n ") {
			break
		}
		off, _ := strconv.Atoi(line[:10])
		if want := fmt.Sprintf("%d 0 obj", i+1); !bytes.HasPrefix(data[off:], []byte(want)) {
			t.Fatalf("xref entry %d points at %q", i+1, data[off:off+12])
		}
	}
}

func TestLetterPDF(t *testing.T) {
	data, err := LetterPDF(testLetter())
	if err != nil {
		t.Fatal(err)
	}
	checkXref(t, data)
	pages := readPDF(t, data)
	if len(pages) != 1 {
		t.Fatalf("%d pages, want 1", len(pages))
	}
	text := plain(pages)
	mustContain(t, text,
		"PEMERINTAH KOTA SINGKAWANG", "DINAS SOSIAL, PEMBERDAYAAN PEREMPUAN DAN PERLINDUNGAN ANAK",
		"Singkawang, 1 Desember 2026", // the office's day, not UTC's
		"Nomor", "007/RUJ/SKW/XII/2026", "Sifat", "Rahasia",
		"Kepada Yth.", "Pimpinan RSUD dr. Abdul Aziz Singkawang", "Jalan dr. Soetomo No. 28",
		"SKW-2026-0042", "Ani Lestari", "16 tahun", "6172015403100001",
		"Layanan yang dimohonkan", "visum et repertum", "Alasan rujukan", "72 jam",
		"Ibu Sari Wulandari", "Petugas Ayu", "0812-3456-7890",
		"Kepala Dinas Sosial", "NIP.", "Halaman 1 dari 1",
	)
	// no head of office in the profile yet: a dotted line to sign on, no invented name
	if !strings.Contains(text, "(......") {
		t.Errorf("no line to sign on:\n%s", text)
	}
	if strings.Contains(text, "DRAF") {
		t.Error("a sent letter is marked as a draft")
	}

	// empty victim fields are not printed at all
	l := testLetter()
	l.Victim = Victim{Name: "Ani Lestari", Sex: "Perempuan", Age: "16 tahun"}
	l.Office.HeadName, l.Office.HeadNIP = "Drs. Budi Santoso, M.Si.", "197001011990031001"
	data, err = LetterPDF(l)
	if err != nil {
		t.Fatal(err)
	}
	text = plain(readPDF(t, data))
	for _, absent := range []string{"NIK", "Tanggal lahir", "Alamat", "Disabilitas", "6172015403100001"} {
		if strings.Contains(text, absent) {
			t.Errorf("letter prints %q although it was not given", absent)
		}
	}
	mustContain(t, text, "Drs. Budi Santoso, M.Si.", "NIP. 197001011990031001")
}

func TestDraftLetterIsMarked(t *testing.T) {
	l := testLetter()
	l.Number = ""
	l.Mark = "DRAF - belum dikirim dan belum bernomor. Jangan diserahkan kepada lembaga."
	data, err := LetterPDF(l)
	if err != nil {
		t.Fatal(err)
	}
	text := plain(readPDF(t, data))
	mustContain(t, text, "DRAF - belum dikirim", "(diberikan saat surat dikirim)")
}

// A long letter flows onto a second page and keeps its signature whole.
func TestLongLetterBreaksPages(t *testing.T) {
	l := testLetter()
	l.Services = strings.Repeat("Pemeriksaan kesehatan menyeluruh dan pendampingan psikologis berkala. ", 40)
	data, err := LetterPDF(l)
	if err != nil {
		t.Fatal(err)
	}
	pages := readPDF(t, data)
	if len(pages) != 2 {
		t.Fatalf("%d pages, want 2", len(pages))
	}
	last := plain(pages[1:])
	mustContain(t, last, "Kepala Dinas Sosial", "NIP.", "Halaman 2 dari 2")
}

func TestReportPDF(t *testing.T) {
	data, err := ReportPDF(testReport())
	if err != nil {
		t.Fatal(err)
	}
	checkXref(t, data)
	pages := readPDF(t, data)
	if len(pages) < 1 || len(pages) > 3 {
		t.Fatalf("%d pages", len(pages))
	}
	text := plain(pages)
	mustContain(t, text,
		"LAPORAN PENANGANAN PENGADUAN KORBAN", "Nomor kasus: SKW-2026-0042",
		"Terpenuhi: kasus selesai 5 hari 3 jam setelah persyaratan lengkap, dalam batas 7 hari.",
		"1. Pengajuan pengaduan", "Sistem", "9. Laporan penanganan", "Catatan langkah 9.",
		"Catat kunjungan pemantauan", "Kunjungan pertama.",
		"26 November 2026 pukul 09.00 WIB", // step 1 at 02:00 UTC
		"RSUD dr. Abdul Aziz Singkawang", "007/RUJ/SKW/XII/2026", "Diterima lembaga", "hasil visum diserahkan",
		"Korban sudah aman di rumah keluarga", "Dibuat oleh", "Mengetahui", "Petugas Ayu",
		fmt.Sprintf("dari %d", len(pages)),
	)
	if strings.Contains(text, "Laporan sementara") {
		t.Error("a closed case's report says it is provisional")
	}

	// an open case: provisional, steps not yet recorded say so
	r := testReport()
	r.Closed, r.Status, r.Summary = false, "Sedang ditangani", ""
	r.Standard.ClosedAt = time.Time{}
	r.Steps[8].Entries, r.Steps[7].Entries = nil, nil
	r.Referrals = nil
	data, err = ReportPDF(r)
	if err != nil {
		t.Fatal(err)
	}
	text = plain(readPDF(t, data))
	mustContain(t, text, "Laporan sementara: kasus belum ditutup (status: Sedang ditangani).",
		"8. Surat rujukan ke lembaga lain Belum dicatat.", "Tidak ada rujukan.", "Belum ada: ringkasan", "Sedang berjalan: batas penyelesaian")
}

func TestStandardVerdict(t *testing.T) {
	verified := time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)
	due := verified.Add(7 * 24 * time.Hour)
	cases := []struct {
		name string
		s    Standard
		now  time.Time
		met  bool
		text string
	}{
		{"not started", Standard{Days: 7}, verified, false, "Belum berjalan: standar 7 hari"},
		{"closed in time", Standard{Days: 7, VerifiedAt: verified, DueAt: due, ClosedAt: verified.Add(2 * 24 * time.Hour)}, due, true, "Terpenuhi: kasus selesai 2 hari setelah"},
		{"closed on the deadline", Standard{Days: 7, VerifiedAt: verified, DueAt: due, ClosedAt: due}, due, true, "Terpenuhi: kasus selesai 7 hari setelah"},
		{"closed late", Standard{Days: 7, VerifiedAt: verified, DueAt: due, ClosedAt: due.Add(26 * time.Hour)}, due, false, "Tidak terpenuhi: kasus selesai 8 hari 2 jam setelah persyaratan lengkap, terlambat 1 hari 2 jam"},
		{"open, in time", Standard{Days: 7, VerifiedAt: verified, DueAt: due}, verified, false, "Sedang berjalan: batas penyelesaian 4 Desember 2026 pukul 10.00 WIB."},
		{"open, overdue", Standard{Days: 7, VerifiedAt: verified, DueAt: due}, due.Add(time.Hour), false, "Terlambat: batas 7 hari berakhir 4 Desember 2026 pukul 10.00 WIB"},
		{"withdrawn", Standard{Days: 7, VerifiedAt: verified, DueAt: due, Withdrawn: true}, due, false, "Tidak dinilai"},
	}
	for _, tc := range cases {
		text, met := tc.s.Verdict(tc.now, wib)
		if met != tc.met || !strings.Contains(text, tc.text) {
			t.Errorf("%s: %v %q", tc.name, met, text)
		}
	}
}

func TestDatesInBahasaIndonesia(t *testing.T) {
	at := time.Date(2026, 1, 31, 17, 5, 0, 0, time.UTC)
	if got := Date(at, wib); got != "1 Februari 2026" {
		t.Errorf("Date %q", got)
	}
	if got := DateTime(at, wib); got != "1 Februari 2026 pukul 00.05 WIB" {
		t.Errorf("DateTime %q", got)
	}
	makassar, _ := time.LoadLocation("Asia/Makassar")
	if got := DateTime(at, makassar); got != "1 Februari 2026 pukul 01.05 WITA" {
		t.Errorf("DateTime WITA %q", got)
	}
	if Date(time.Time{}, wib) != "" || DateTime(time.Time{}, wib) != "" {
		t.Error("zero time printed")
	}
	birth := time.Date(2010, 3, 14, 0, 0, 0, 0, wib)
	for on, want := range map[time.Time]string{
		time.Date(2026, 3, 13, 0, 0, 0, 0, wib):  "15 tahun",
		time.Date(2026, 3, 14, 0, 0, 0, 0, wib):  "16 tahun",
		time.Date(2010, 11, 20, 0, 0, 0, 0, wib): "8 bulan",
		time.Date(2009, 1, 1, 0, 0, 0, 0, wib):   "",
	} {
		if got := Age(birth, on); got != want {
			t.Errorf("Age on %v: %q, want %q", on, got, want)
		}
	}
	for d, want := range map[time.Duration]string{
		5*24*time.Hour + 3*time.Hour: "5 hari 3 jam", 48 * time.Hour: "2 hari", 3 * time.Hour: "3 jam", 42 * time.Minute: "42 menit",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q", d, got)
		}
	}
}

// Text a strict reader extracts is the text that was printed, beyond
// Latin-1 too (fixToUnicode); characters the font cannot draw, emoji from
// WhatsApp among them, do not crash the document.
func TestTextBeyondLatin1AndEmoji(t *testing.T) {
	l := testLetter()
	l.Recipient.Name = "Klinik Pratama “Kasih Ibu” — Łódź Ščedrý"
	l.Services = "Konseling 😢🙏 lanjutan … 谢谢 \t selesai\x07."
	data, err := LetterPDF(l)
	if err != nil {
		t.Fatal(err)
	}
	checkXref(t, data)
	text := plain(readPDF(t, data))
	mustContain(t, text, "Klinik Pratama “Kasih Ibu” — Łódź Ščedrý", "Konseling ?? lanjutan … ?? selesai.")
}

// The fix-up is needed: without it a strict reader garbles "—".
func TestFpdfToUnicodeIsRepaired(t *testing.T) {
	d := newDoc("t", "t", letterDate)
	d.AddPage()
	d.font("", 11)
	d.MultiCell(100, 5, "a — b", "", "L", false)
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), fpdfToUnicodeObj) {
		t.Fatal("fpdf no longer writes the map fixToUnicode replaces; check whether the fix is still needed")
	}
	if text := plain(readPDF(t, buf.Bytes())); strings.Contains(text, "—") {
		t.Log("fpdf's own map now reads correctly")
	}
	fixed, err := fixToUnicode(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	checkXref(t, fixed)
	mustContain(t, plain(readPDF(t, fixed)), "a — b")
}

// TEDUH_PDF_DIR=/tmp go test -run WriteSamples writes the sample documents
// for a person to look at.
func TestWriteSamples(t *testing.T) {
	dir := os.Getenv("TEDUH_PDF_DIR")
	if dir == "" {
		t.Skip("set TEDUH_PDF_DIR to write sample PDFs")
	}
	letter, err := LetterPDF(testLetter())
	if err != nil {
		t.Fatal(err)
	}
	report, err := ReportPDF(testReport())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/surat-rujukan.pdf", letter, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/laporan-penanganan.pdf", report, 0o644); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkLetterPDF(b *testing.B) {
	l := testLetter()
	for b.Loop() {
		if _, err := LetterPDF(l); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReportPDF(b *testing.B) {
	r := testReport()
	for b.Loop() {
		if _, err := ReportPDF(r); err != nil {
			b.Fatal(err)
		}
	}
}
