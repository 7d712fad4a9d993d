package documents

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"regexp"
	"strings"
	"testing"
)

// What an office adds to its letters: the emblem, the Tembusan, the
// officer's NIP, hyphens that print as hyphens, and signatures that never
// stand alone on a page.

// pdfStreams returns every stream of a PDF, inflated where compressed.
func pdfStreams(t *testing.T, data []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for rest := data; ; {
		i := bytes.Index(rest, []byte("stream\n"))
		if i < 0 {
			return out
		}
		rest = rest[i+len("stream\n"):]
		j := bytes.Index(rest, []byte("\nendstream"))
		if j < 0 {
			return out
		}
		raw := rest[:j]
		rest = rest[j:]
		if z, err := zlib.NewReader(bytes.NewReader(raw)); err == nil {
			if inflated, err := io.ReadAll(z); err == nil {
				raw = inflated
			}
		}
		out = append(out, raw)
	}
}

// utf16 is text as fpdf writes it into a page for a Unicode font.
func utf16(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r>>8), byte(r))
	}
	return b
}

// Case numbers and phone numbers keep their hyphens: the text reads back
// with "-", and the glyph drawn is the hyphen, not the Go font's wide minus.
func TestHyphensPrintAsHyphens(t *testing.T) {
	data, err := LetterPDF(testLetter())
	if err != nil {
		t.Fatal(err)
	}
	checkXref(t, data)
	text := plain(readPDF(t, data))
	mustContain(t, text, "SKW-2026-0042", "0812-3456-7890")
	for _, dash := range []string{"SKW–2026", "SKW—2026", "SKW\u00ad2026", "SKW−2026"} {
		if strings.Contains(text, dash) {
			t.Errorf("the case number reads back as %q", dash)
		}
	}
	var drawn, minus bool
	for _, s := range pdfStreams(t, data) {
		drawn = drawn || bytes.Contains(s, utf16("SKW\u00ad2026\u00ad0042"))
		minus = minus || bytes.Contains(s, utf16("SKW-2026"))
	}
	if !drawn || minus {
		t.Errorf("the case number is drawn with the hyphen glyph: %v, with the minus glyph: %v", drawn, minus)
	}
	// the hyphen glyph is narrow; the minus would be as wide as a digit
	if hy, mi := glyphWidth("\u00ad"), glyphWidth("0"); hy <= 0 || hy > 0.7*mi {
		t.Errorf("hyphen glyph %.2f wide against a digit's %.2f", hy, mi)
	}
}

func glyphWidth(s string) float64 {
	d := newDoc("t", "t", letterDate)
	d.AddPage()
	d.font("", 10)
	return d.Fpdf.GetStringWidth(s)
}

// testEmblem is a drawn emblem: a shield on a transparent ground, in
// 16-bit colour, which the PDF writer cannot take as it is.
func testEmblem(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA64(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if x > w/8 && x < w-w/8 && y > h/10 && y < h-h/10-(x-w/2)*(x-w/2)/w {
				img.Set(x, y, color.NRGBA64{R: 0xC000, G: 0x2000, B: 0x1000, A: 0xFFFF})
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestEmblemInTheLetterhead(t *testing.T) {
	emblem := testEmblem(t, 1200, 1400)
	prepared, err := PrepareEmblem(emblem)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(prepared))
	if err != nil || max(cfg.Width, cfg.Height) != emblemMaxPixels || cfg.ColorModel != color.NRGBAModel {
		t.Fatalf("prepared emblem %+v %v: want an 8-bit PNG of %d pixels at most", cfg, err, emblemMaxPixels)
	}
	for _, bad := range [][]byte{nil, []byte("GIF89a..."), []byte("\x89PNG\r\n\x1a\nbroken"), emblem[:200]} {
		if _, err := PrepareEmblem(bad); !errors.Is(err, ErrEmblem) {
			t.Errorf("PrepareEmblem(%q…): %v, want ErrEmblem", bad[:min(len(bad), 10)], err)
		}
	}

	l := testLetter()
	l.Office.Emblem = emblem
	with, err := LetterPDF(l)
	if err != nil {
		t.Fatal(err)
	}
	checkXref(t, with)
	without, err := LetterPDF(testLetter())
	if err != nil {
		t.Fatal(err)
	}
	image := regexp.MustCompile(`/Subtype /Image\s*/Width (\d+)\s*/Height (\d+)`)
	if m := image.FindSubmatch(with); m == nil || string(m[1]) != fmt.Sprint(cfg.Width) || string(m[2]) != fmt.Sprint(cfg.Height) {
		t.Errorf("the letter with an emblem embeds %q, want one %dx%d image", m, cfg.Width, cfg.Height)
	}
	if image.Match(without) {
		t.Error("a letter without an emblem embeds an image")
	}
	text := plain(readPDF(t, with))
	// beside the emblem the long office name still fits on the page
	mustContain(t, text, "PEMERINTAH KOTA SINGKAWANG", "DINAS SOSIAL, PEMBERDAYAAN PEREMPUAN DAN PERLINDUNGAN ANAK", "Halaman 1 dari 1")
	// a JPEG emblem is taken too; a broken one leaves the letterhead without it
	l.Office.Emblem = []byte("\x89PNG\r\n\x1a\nbroken")
	if data, err := LetterPDF(l); err != nil || image.Match(data) {
		t.Errorf("a broken emblem: %v", err)
	}
}

func TestLetterCopiesAndOfficerNIP(t *testing.T) {
	l := testLetter()
	l.Office.HeadName, l.Office.HeadNIP = "Drs. Budi Santoso, M.Si.", "197001011990031001"
	l.Office.CopiesTo = []string{"Yth. Wali Kota Singkawang (sebagai laporan)", "Yth. Kepala UPTD PPA Kota Singkawang", "Arsip"}
	l.Officer.NIP = "199203152019032007"
	data, err := LetterPDF(l)
	if err != nil {
		t.Fatal(err)
	}
	pages := readPDF(t, data)
	text := plain(pages)
	mustContain(t, text,
		"petugas pendamping kami, Petugas Ayu (NIP 199203152019032007), telepon/WhatsApp 0812-3456-7890.",
		"Tembusan: 1. Yth. Wali Kota Singkawang (sebagai laporan) 2. Yth. Kepala UPTD PPA Kota Singkawang 3. Arsip")
	// the copies come after the signature
	if strings.Index(text, "Tembusan") < strings.Index(text, "NIP. 197001011990031001") {
		t.Error("the Tembusan is printed before the signature")
	}
	l.Office.CopiesTo = []string{"Arsip"}
	mustContain(t, plain(readPDF(t, must(LetterPDF(l)))), "Tembusan: Arsip")
	l.Office.CopiesTo = nil
	if strings.Contains(plain(readPDF(t, must(LetterPDF(l)))), "Tembusan") {
		t.Error("a Tembusan heading without copies")
	}
}

func must(data []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return data
}

// pageOf is the number of the first page holding s (0: none).
func pageOf(pages []string, s string) int {
	for i, p := range pages {
		if strings.Contains(spaces.ReplaceAllString(p, " "), s) {
			return i + 1
		}
	}
	return 0
}

// However long the letter, its closing words stand on the page of the
// signature and the Tembusan.
func TestLetterSignatureKeepsItsText(t *testing.T) {
	base := testLetter()
	base.Office.HeadName, base.Office.HeadNIP = "Drs. Budi Santoso, M.Si.", "197001011990031001"
	base.Office.CopiesTo = []string{"Yth. Wali Kota Singkawang (sebagai laporan)", "Arsip"}
	seen := map[int]bool{}
	for n := 0; n <= 60; n += 2 {
		l := base
		l.Services = strings.TrimSpace(strings.Repeat("Pemeriksaan kesehatan menyeluruh dan pendampingan psikologis berkala. ", n) + "Selesai.")
		pages := readPDF(t, must(LetterPDF(l)))
		seen[len(pages)] = true
		sign, closing, copies := pageOf(pages, "NIP. 197001011990031001"), pageOf(pages, "kami ucapkan terima kasih"), pageOf(pages, "Tembusan: 1.")
		if sign == 0 || sign != closing || sign != copies || sign != len(pages) {
			t.Errorf("services ×%d: %d pages, closing words on page %d, signature on %d, Tembusan on %d", n, len(pages), closing, sign, copies)
		}
	}
	if !seen[1] || !seen[2] {
		t.Errorf("page counts seen %v: the test did not cross a page break", seen)
	}
}

// However the report falls on its pages, the signature block stands with
// the end of the summary and the place-and-date line, with both NIPs.
func TestReportSignatureKeepsItsText(t *testing.T) {
	seen := map[int]bool{}
	for visits := 0; visits <= 40; visits++ {
		r := testReport()
		r.Office.HeadName, r.Office.HeadNIP = "Drs. Budi Santoso, M.Si.", "197001011990031001"
		r.PreparedByNIP = "199203152019032007"
		for i := 0; i < visits; i++ {
			r.Steps[4].Entries = append([]StepEntry{{Outcome: "Catat kunjungan pemantauan", Actor: "Petugas Ayu", At: r.PrintedAt, Notes: fmt.Sprintf("Kunjungan ke-%d: korban tenang.", i+2)}}, r.Steps[4].Entries...)
		}
		if visits%3 == 0 {
			r.Summary = strings.Repeat("Korban didampingi sampai aman dan proses hukum berjalan. ", visits) + "Akhir ringkasan."
		} else {
			r.Summary += " Akhir ringkasan."
		}
		pages := readPDF(t, must(ReportPDF(r)))
		seen[len(pages)] = true
		last := len(pages)
		for _, want := range []string{"Akhir ringkasan.", "Singkawang, 3 Desember 2026", "Dibuat oleh", "Mengetahui", "NIP. 199203152019032007", "NIP. 197001011990031001"} {
			if p := pageOf(pages, want); p != last {
				t.Errorf("%d visits, %d pages: %q on page %d, want the last", visits, last, want, p)
			}
		}
		if p := pageOf(pages, "E. Ringkasan penanganan"); p == 0 || p < last-1 {
			t.Errorf("%d visits: the summary heading on page %d of %d", visits, p, last)
		}
	}
	if len(seen) < 2 {
		t.Errorf("page counts seen %v: the test did not cross a page break", seen)
	}
}
