// Package documents renders Teduh's official documents as PDF: the referral
// letter (surat rujukan) and the handling report (laporan penanganan). The
// inputs are plain structs the PocketBase glue fills in, so this package
// needs no database; whatever a struct does not carry cannot reach the paper.
// Pages are A4 and the fonts (the Go fonts) are embedded, so a document
// prints the same on every machine.
package documents

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// Page geometry in millimetres.
const (
	marginLeft   = 25.0
	marginRight  = 20.0
	marginTop    = 12.0
	marginBottom = 18.0
	pageWidth    = 210.0
	textWidth    = pageWidth - marginLeft - marginRight
	family       = "go"
)

// Office is what a document shows of the office that issues it.
type Office struct {
	// LetterheadLines is the kop surat, top to bottom: government, office,
	// address and contacts.
	LetterheadLines []string
	// Place is written before the date of a letter ("Singkawang, 26 November 2026").
	Place string
	// The head of office signs; an empty name leaves a line to sign on.
	HeadName, HeadTitle, HeadNIP string
	// Emblem is the regional emblem (PNG or JPEG) printed at the left of
	// the letterhead; none leaves the letterhead text alone.
	Emblem []byte
	// CopiesTo is the letter's "Tembusan": who receives a copy, in order
	// ("Yth. Wali Kota Singkawang (sebagai laporan)", "Arsip").
	CopiesTo []string
	// Location is the office's time zone; dates are shown in it.
	Location *time.Location
}

func (o Office) loc() *time.Location {
	if o.Location == nil {
		return time.UTC
	}
	return o.Location
}

var months = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

// Date writes a day in Bahasa Indonesia in the given time zone: "26 November 2026".
func Date(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	if loc != nil {
		t = t.In(loc)
	}
	return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
}

// DateTime writes a moment in Bahasa Indonesia: "26 November 2026 pukul 09.30 WIB".
func DateTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	if loc != nil {
		t = t.In(loc)
	}
	return fmt.Sprintf("%s pukul %s %s", Date(t, nil), t.Format("15.04"), t.Format("MST"))
}

// Age is a person's age on a day: "16 tahun", or months for a baby.
func Age(birth, on time.Time) string {
	if birth.IsZero() || on.Before(birth) {
		return ""
	}
	months := (on.Year()-birth.Year())*12 + int(on.Month()) - int(birth.Month())
	if on.Day() < birth.Day() {
		months--
	}
	if months < 12 {
		return fmt.Sprintf("%d bulan", months)
	}
	return fmt.Sprintf("%d tahun", months/12)
}

// Duration writes an elapsed time in days and hours: "5 hari 3 jam".
func Duration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%d hari %d jam", days, hours)
	case days > 0:
		return fmt.Sprintf("%d hari", days)
	case hours > 0:
		return fmt.Sprintf("%d jam", hours)
	}
	return fmt.Sprintf("%d menit", int(d/time.Minute))
}

// doc is an A4 page set up with the embedded fonts.
type doc struct {
	*fpdf.Fpdf
}

// newPrintedDoc starts a document of the office: its first page under the
// letterhead, and a footer saying what it holds and when (and by whom) it
// was printed.
func newPrintedDoc(o Office, title, holds string, printedAt time.Time, printedBy string) doc {
	d := newDoc(title, strings.Join(o.LetterheadLines, " "), printedAt)
	printed := holds + " Dicetak " + DateTime(printedAt, o.loc())
	if printedBy != "" {
		printed += " oleh " + printedBy
	}
	d.footer(printed)
	d.AddPage()
	d.letterhead(o)
	return d
}

func newDoc(title, author string, created time.Time) doc {
	p := fpdf.New("P", "mm", "A4", "")
	p.AddUTF8FontFromBytes(family, "", goregular.TTF)
	p.AddUTF8FontFromBytes(family, "B", gobold.TTF)
	p.SetMargins(marginLeft, marginTop, marginRight)
	p.SetAutoPageBreak(true, marginBottom)
	p.SetTitle(title, true)
	p.SetAuthor(author, true)
	p.SetCreator("Teduh", true)
	if !created.IsZero() {
		p.SetCreationDate(created)
		p.SetModificationDate(created)
	}
	p.AliasNbPages("{nb}")
	return doc{p}
}

func (d doc) font(style string, size float64) {
	d.SetFont(family, style, size)
}

// Emblem size in the letterhead, in millimetres: as tall as the
// letterhead's text, within these bounds.
const (
	emblemMaxW = 24.0
	emblemMinH = 16.0
	emblemMaxH = 26.0
	emblemGap  = 3.0
)

// letterheadStyle is the font of letterhead line i: the government and
// the office large and bold, the contact lines small.
func letterheadStyle(i int) (string, float64) {
	switch i {
	case 0:
		return "B", 13
	case 1:
		return "B", 14
	}
	return "", 10
}

// letterhead prints the kop surat: the regional emblem at the left, the
// letterhead lines centred beside it, then the double rule.
func (d doc) letterhead(o Office) {
	d.SetTextColor(0, 0, 0)
	top := d.GetY()
	x, w := marginLeft, textWidth
	var img []byte
	if len(o.Emblem) > 0 {
		// a broken emblem leaves the letterhead without it rather than
		// failing the document (uploads are checked; this is a fallback)
		if p, err := PrepareEmblem(o.Emblem); err == nil {
			img = p
			x, w = marginLeft+emblemMaxW+emblemGap, textWidth-emblemMaxW-emblemGap
		}
	}
	for i, line := range o.LetterheadLines {
		style, size := letterheadStyle(i)
		d.fitCentered(line, style, size, x, w)
	}
	bottom := d.GetY()
	if img != nil {
		ew, eh := emblemSize(img, emblemMaxW, min(max(bottom-top, emblemMinH), emblemMaxH))
		d.RegisterImageOptionsReader("emblem", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(img))
		d.ImageOptions("emblem", marginLeft+(emblemMaxW-ew)/2, top, ew, eh, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		bottom = max(bottom, top+eh)
	}
	y := bottom + 1.5
	d.SetLineWidth(0.8)
	d.Line(marginLeft, y, pageWidth-marginRight, y)
	d.SetLineWidth(0.2)
	d.Line(marginLeft, y+1.1, pageWidth-marginRight, y+1.1)
	d.SetY(y + 5)
}

// fitCentered prints one line centred in the w millimetres from x,
// shrinking the font until it fits.
func (d doc) fitCentered(text, style string, size, x, w float64) {
	d.font(style, size)
	// the cell keeps a small margin on both sides
	for size > 8 && d.GetStringWidth(text) > w-3 {
		size -= 0.5
		d.font(style, size)
	}
	d.SetX(x)
	d.MultiCell(w, size*0.45, text, "", "C", false)
}

// paragraph prints justified text at the left margin plus indent.
func (d doc) paragraph(text string, indent, lineHeight float64) {
	d.SetX(marginLeft + indent)
	d.MultiCell(textWidth-indent, lineHeight, text, "", "J", false)
}

// lines prints text aligned left (ragged right), for short entries where
// justification would open wide gaps.
func (d doc) lines(text string, indent, lineHeight float64) {
	d.SetX(marginLeft + indent)
	d.MultiCell(textWidth-indent, lineHeight, text, "", "L", false)
}

// row prints "label : value" with the value wrapping under itself.
func (d doc) row(label, value string, x, labelWidth, lineHeight float64) {
	d.SetX(x)
	d.CellFormat(labelWidth, lineHeight, label, "", 0, "L", false, 0, "")
	d.CellFormat(4, lineHeight, ":", "", 0, "L", false, 0, "")
	d.MultiCell(pageWidth-marginRight-d.GetX(), lineHeight, value, "", "L", false)
}

// ensureSpace starts a new page when less than h millimetres are left.
func (d doc) ensureSpace(h float64) {
	_, pageH := d.GetPageSize()
	if d.GetY()+h > pageH-marginBottom {
		d.AddPage()
	}
}

// footer prints a small line at the foot of every page with the page number.
func (d doc) footer(left string) {
	d.SetFooterFunc(func() {
		d.SetY(-13)
		d.font("", 7.5)
		d.SetTextColor(90, 90, 90)
		d.CellFormat(textWidth-30, 4, left, "", 0, "L", false, 0, "")
		d.CellFormat(30, 4, fmt.Sprintf("Halaman %d dari {nb}", d.PageNo()), "", 0, "R", false, 0, "")
		d.SetTextColor(0, 0, 0)
	})
}

// signBlock is one signature: an optional lead ("Mengetahui,"), the
// signer's title, room to sign and stamp, the name underlined and the NIP.
// An empty name leaves a dotted line to write on.
type signBlock struct {
	X                      float64
	Lead, Title, Name, NIP string
	NoNIP                  bool // staff without a civil-servant number
}

// Signature block geometry in millimetres.
const (
	signWidth = 80.0
	signLine  = 5.0
	signRoom  = 20.0 // room to sign and stamp
)

// signatureLines is how many lines the tallest block's lead and title take.
func (d doc) signatureLines(blocks []signBlock) int {
	d.font("", 11)
	lines := 0
	for _, b := range blocks {
		n := len(d.SplitText(b.Title, signWidth))
		if b.Lead != "" {
			n++
		}
		lines = max(lines, n)
	}
	return lines
}

// signaturesHeight is the height signatures takes.
func (d doc) signaturesHeight(blocks ...signBlock) float64 {
	return float64(d.signatureLines(blocks))*signLine + signRoom + 2*signLine
}

// signatures prints blocks side by side with their names on one line, on
// one page.
func (d doc) signatures(blocks ...signBlock) {
	lines := d.signatureLines(blocks)
	d.ensureSpace(d.signaturesHeight(blocks...))
	top := d.GetY()
	for _, b := range blocks {
		d.SetXY(b.X, top)
		text := b.Title
		if b.Lead != "" {
			text = b.Lead + "\n" + text
		}
		d.MultiCell(signWidth, signLine, text, "", "C", false)
	}
	nameY := top + float64(lines)*signLine + signRoom
	for _, b := range blocks {
		d.SetXY(b.X, nameY)
		if b.Name == "" {
			d.font("", 11)
			d.CellFormat(signWidth, signLine, "(....................................................)", "", 2, "C", false, 0, "")
		} else {
			d.font("BU", 11)
			d.CellFormat(signWidth, signLine, b.Name, "", 2, "C", false, 0, "")
			d.font("", 11)
		}
		if !b.NoNIP {
			nip := b.NIP
			if nip == "" {
				nip = "...................................."
			}
			d.CellFormat(signWidth, signLine, "NIP. "+nip, "", 2, "C", false, 0, "")
		}
	}
	d.SetY(nameY + 2*signLine)
}

// copiesHeight is the height copiesTo takes: the heading, then each entry.
// It leaves the font set as copiesTo sets it.
func (d doc) copiesHeight(list []string, lh float64) float64 {
	if len(list) == 0 {
		return 0
	}
	d.font("", 9.5)
	n := 1
	for _, c := range list {
		n += len(d.SplitText(c, textWidth-6))
	}
	return 2 + float64(n)*lh
}

// copiesTo prints the "Tembusan" under a letter's signature: one entry
// as it is, several numbered.
func (d doc) copiesTo(list []string, lh float64) {
	if len(list) == 0 {
		return
	}
	d.Ln(2)
	d.font("", 9.5)
	d.MultiCell(textWidth, lh, "Tembusan:", "", "L", false)
	for i, c := range list {
		if len(list) > 1 {
			d.SetX(marginLeft)
			d.CellFormat(6, lh, fmt.Sprintf("%d.", i+1), "", 0, "L", false, 0, "")
			d.MultiCell(textWidth-6, lh, c, "", "L", false)
			continue
		}
		d.lines(c, 0, lh)
	}
}

// keepWithEnd prints a paragraph (in the current font, with align) so
// that at least its last keep lines stand on the page of what follows it
// (tail millimetres: a signature block), never the block alone. A
// paragraph that does not fit with it moves to the next page; a longer one
// is split before its last lines (and printed aligned left).
func (d doc) keepWithEnd(text, align string, indent, lh float64, keep int, tail float64) {
	lines := d.SplitText(text, textWidth-indent)
	_, pageH := d.GetPageSize()
	room := pageH - marginBottom - d.GetY()
	whole := float64(len(lines))*lh + tail
	if whole > room && whole <= pageH-marginTop-marginBottom {
		d.AddPage()
	}
	if whole <= pageH-marginTop-marginBottom {
		d.SetX(marginLeft + indent)
		d.MultiCell(textWidth-indent, lh, text, "", align, false)
		return
	}
	k := min(keep, len(lines))
	d.lines(strings.Join(lines[:len(lines)-k], "\n"), indent, lh)
	d.ensureSpace(float64(k)*lh + tail)
	d.lines(strings.Join(lines[len(lines)-k:], "\n"), indent, lh)
}

// The methods below shadow fpdf's text methods so that every string is
// made printable on its way to the page (see printable).

func (d doc) MultiCell(w, h float64, text, border, align string, fill bool) {
	d.Fpdf.MultiCell(w, h, printable(text), border, align, fill)
}

func (d doc) CellFormat(w, h float64, text, border string, ln int, align string, fill bool, link int, linkStr string) {
	d.Fpdf.CellFormat(w, h, printable(text), border, ln, align, fill, link, linkStr)
}

func (d doc) GetStringWidth(text string) float64 { return d.Fpdf.GetStringWidth(printable(text)) }

func (d doc) SplitText(text string, w float64) []string { return d.Fpdf.SplitText(printable(text), w) }

var (
	coverageOnce sync.Once
	coverage     []bool // runes of the basic plane the embedded font can draw
)

// printable keeps what the embedded font can draw. fpdf indexes glyph
// widths by rune up to U+FFFF only, so an emoji (common in text copied from
// WhatsApp) would crash it; characters without a glyph would print as
// empty boxes. Both become "?", tabs become spaces, other control
// characters go.
//
// The Go font draws the hyphen-minus (U+002D) as a wide minus sign, so
// "SKW-2026-0001" and "0812-3456-7890" would print with long dashes. Its
// soft-hyphen glyph (U+00AD) is a true hyphen: every "-" is drawn with
// that glyph, and the text map (fixToUnicode) reads it back as "-", so a
// copied or searched case number is the one typed. (A soft hyphen in the
// input therefore prints as a hyphen; printable stays idempotent, as the
// text of SplitText is printed again.)
func printable(s string) string {
	coverageOnce.Do(func() {
		coverage = make([]bool, 0x10000)
		f, err := sfnt.Parse(goregular.TTF)
		if err != nil {
			return
		}
		var buf sfnt.Buffer
		for r := rune(0x20); r < 0x10000; r++ {
			if g, err := f.GlyphIndex(&buf, r); err == nil && g != 0 {
				coverage[r] = true
			}
		}
	})
	ok := true
	for _, r := range s {
		if r >= 0x10000 || (r >= 0x20 && !coverage[r]) || (r < 0x20 && r != '\n') || r == '-' {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\t':
			b.WriteByte(' ')
		case r == '-':
			b.WriteRune(softHyphen)
		case r < 0x20 || r == 0xFE0F || r == 0x200D:
			// control characters, emoji variation selectors and joiners
		case r >= 0x10000 || !coverage[r]:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// softHyphen is the code point whose glyph prints a hyphen (see printable).
const softHyphen = '\u00AD'

// output renders the document and repairs its text map (see fixToUnicode).
func (d doc) output() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		return nil, err
	}
	return fixToUnicode(buf.Bytes())
}

// fpdf maps every glyph back to its character with one range
// <0000> <FFFF> → U+0000. The PDF specification lets a range vary only in
// its last byte, so strict readers (text extraction, screen readers,
// archive search) turn every character above U+00FF into garbage: "—"
// comes back as a control character. fixToUnicode replaces that map with
// 256 conforming ranges and moves the cross-reference offsets after it.
const fpdfToUnicode = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"

var fpdfToUnicodeObj = []byte(fmt.Sprintf("<</Length %d>>\nstream\n%s\nendstream", len(fpdfToUnicode), fpdfToUnicode))

var conformingToUnicodeObj = func() []byte {
	var cmap strings.Builder
	cmap.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	// at most 100 entries per block (PDF implementation limit); surrogate
	// code points (D8..DF) are no characters and are left out
	var rows []int
	for hi := 0; hi < 256; hi++ {
		if hi < 0xD8 || hi > 0xDF {
			rows = append(rows, hi)
		}
	}
	// the first row is split around the soft hyphen, which reads back as
	// "-" (see printable)
	ranges := []string{"<0000> <00AC> <0000>", "<00AE> <00FF> <00AE>"}
	for _, hi := range rows[1:] {
		ranges = append(ranges, fmt.Sprintf("<%02X00> <%02XFF> <%02X00>", hi, hi, hi))
	}
	for len(ranges) > 0 {
		n := min(100, len(ranges))
		fmt.Fprintf(&cmap, "%d beginbfrange\n%s\nendbfrange\n", n, strings.Join(ranges[:n], "\n"))
		ranges = ranges[n:]
	}
	cmap.WriteString("1 beginbfchar\n<00AD> <002D>\nendbfchar\n")
	cmap.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
	var z bytes.Buffer
	w, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	_, _ = w.Write([]byte(cmap.String()))
	_ = w.Close()
	return []byte(fmt.Sprintf("<</Length %d /Filter /FlateDecode>>\nstream\n%s\nendstream", z.Len(), z.Bytes()))
}()

func fixToUnicode(in []byte) ([]byte, error) {
	var positions []int // where each replacement starts in the input
	for i := 0; ; {
		j := bytes.Index(in[i:], fpdfToUnicodeObj)
		if j < 0 {
			break
		}
		positions = append(positions, i+j)
		i += j + len(fpdfToUnicodeObj)
	}
	if len(positions) == 0 {
		return in, nil
	}
	delta := len(conformingToUnicodeObj) - len(fpdfToUnicodeObj)
	shift := func(offset int) int {
		n := 0
		for _, p := range positions {
			if p < offset {
				n++
			}
		}
		return offset + n*delta
	}

	xref := bytes.LastIndex(in, []byte("\nxref\n"))
	start := bytes.LastIndex(in, []byte("\nstartxref\n"))
	if xref < 0 || start < xref || positions[len(positions)-1] > xref {
		return nil, fmt.Errorf("documents: unexpected PDF layout")
	}
	out := make([]byte, 0, len(in)+len(positions)*delta+64)
	last := 0
	for _, p := range positions {
		out = append(out, in[last:p]...)
		out = append(out, conformingToUnicodeObj...)
		last = p + len(fpdfToUnicodeObj)
	}
	out = append(out, in[last:xref+1]...)

	// the cross-reference table: "xref", "0 N", then one 20-byte line per object
	lines := strings.Split(string(in[xref+1:start+1]), "\n")
	for i, line := range lines {
		if i >= 3 && strings.HasSuffix(line, " 00000 n ") {
			off, err := strconv.Atoi(line[:10])
			if err != nil {
				return nil, fmt.Errorf("documents: bad xref line %q", line)
			}
			lines[i] = fmt.Sprintf("%010d 00000 n ", shift(off))
		}
	}
	out = append(out, strings.Join(lines, "\n")...)
	tail := string(in[start+1:])
	parts := strings.SplitN(tail, "\n", 3) // "startxref", offset, "%%EOF…"
	if len(parts) != 3 {
		return nil, fmt.Errorf("documents: bad trailer")
	}
	off, err := strconv.Atoi(parts[1])
	if err != nil {
		return nil, fmt.Errorf("documents: bad startxref %q", parts[1])
	}
	out = append(out, fmt.Sprintf("%s\n%d\n%s", parts[0], shift(off), parts[2])...)
	return out, nil
}
