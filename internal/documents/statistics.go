package documents

import (
	"strings"
	"time"
)

// Table is one titled table of a statistics report: a header row and rows
// of text, the first column a label, the others figures.
type Table struct {
	Title   string
	Note    string
	Columns []string
	Rows    [][]string
}

// StatsReport is the office's monthly or yearly report of SIMFONI's
// figures (laporan data kekerasan), under the office letterhead.
type StatsReport struct {
	Office Office
	// Period is "Januari 2026 - Desember 2026"; Area is the district or
	// the whole city/regency.
	Period, Area string
	// Summary are the headline figures as label and value.
	Summary []Row
	Tables  []Table
	// Source names where the categories come from.
	Source    string
	PrintedAt time.Time
	// PrintedBy signs as the maker (a supervisor), with the head of office.
	PrintedBy, PrintedByNIP string
}

// table prints a table with a bold shaded header; the header is printed
// again on a new page.
func (d doc) table(t Table) {
	const lh = 5.6
	if len(t.Columns) == 0 {
		return
	}
	first := textWidth * 0.46
	if len(t.Columns) > 4 {
		first = textWidth * 0.34
	}
	rest := (textWidth - first) / float64(max(len(t.Columns)-1, 1))
	width := func(i int) float64 {
		if i == 0 {
			return first
		}
		return rest
	}
	header := func() {
		d.font("B", 9)
		d.SetFillColor(230, 230, 230)
		d.SetX(marginLeft)
		for i, c := range t.Columns {
			align := "R"
			if i == 0 {
				align = "L"
			}
			// a long heading gets a smaller font rather than overflowing
			size := 9.0
			for size > 6 && d.GetStringWidth(c) > width(i)-2 {
				size -= 0.5
				d.font("B", size)
			}
			d.CellFormat(width(i), lh, c, "1", 0, align, true, 0, "")
			d.font("B", 9)
		}
		d.Ln(lh)
		d.font("", 9)
	}
	d.ensureSpace(12 + 2*lh)
	d.Ln(2)
	d.font("B", 10.5)
	d.MultiCell(textWidth, 5.5, t.Title, "", "L", false)
	if t.Note != "" {
		d.font("", 8.5)
		d.SetTextColor(80, 80, 80)
		d.MultiCell(textWidth, 4.2, t.Note, "", "L", false)
		d.SetTextColor(0, 0, 0)
	}
	header()
	for _, row := range t.Rows {
		_, pageH := d.GetPageSize()
		if d.GetY()+lh > pageH-marginBottom {
			d.AddPage()
			header()
		}
		total := len(row) > 0 && strings.HasPrefix(row[0], "Jumlah")
		if total {
			d.font("B", 9)
		}
		d.SetX(marginLeft)
		for i := range t.Columns {
			v := ""
			if i < len(row) {
				v = row[i]
			}
			align := "R"
			if i == 0 {
				align = "L"
				for d.GetStringWidth(v) > width(0)-2 && len([]rune(v)) > 4 {
					v = string([]rune(v)[:len([]rune(v))-2]) + "…"
				}
			}
			d.CellFormat(width(i), lh, v, "1", 0, align, false, 0, "")
		}
		d.Ln(lh)
		if total {
			d.font("", 9)
		}
	}
}

// StatsReportPDF renders the statistics report.
func StatsReportPDF(r StatsReport) ([]byte, error) {
	loc := r.Office.loc()
	d := newPrintedDoc(r.Office, "Laporan Data Kekerasan "+r.Period, "Data agregat tanpa identitas.", r.PrintedAt, r.PrintedBy)

	d.font("B", 13)
	d.MultiCell(textWidth, 6.5, "LAPORAN DATA KEKERASAN TERHADAP PEREMPUAN DAN ANAK", "", "C", false)
	d.font("", 11)
	d.MultiCell(textWidth, 6, "Periode: "+r.Period, "", "C", false)
	if r.Area != "" {
		d.MultiCell(textWidth, 6, "Wilayah: "+r.Area, "", "C", false)
	}
	d.Ln(3)
	d.font("", 10)
	for _, s := range r.Summary {
		d.row(s.Label, s.Value, marginLeft, 70, 5.4)
	}
	for _, t := range r.Tables {
		d.table(t)
	}
	if r.Source != "" {
		d.Ln(3)
		d.font("", 8)
		d.SetTextColor(80, 80, 80)
		d.lines("Sumber kategori: "+r.Source, 0, 3.8)
		d.SetTextColor(0, 0, 0)
	}
	d.Ln(6)
	title := r.Office.HeadTitle
	if title == "" {
		title = "Kepala Dinas"
	}
	signedOn := Date(r.PrintedAt, loc)
	if r.Office.Place != "" {
		signedOn = r.Office.Place + ", " + signedOn
	}
	blocks := []signBlock{
		{X: marginLeft, Lead: "Dibuat oleh,", Title: "Kepala/penyelia", Name: r.PrintedBy, NIP: r.PrintedByNIP, NoNIP: r.PrintedByNIP == ""},
		{X: pageWidth - marginRight - signWidth, Lead: "Mengetahui,", Title: title, Name: r.Office.HeadName, NIP: r.Office.HeadNIP},
	}
	d.ensureSpace(8 + d.signaturesHeight(blocks...))
	d.font("", 11)
	d.CellFormat(textWidth, 6, signedOn, "", 1, "R", false, 0, "")
	d.signatures(blocks...)
	return d.output()
}

// EntrySection is one section of the SIMFONI entry sheet.
type EntrySection struct {
	Title string
	Rows  []Row
}

// EntrySheet is one case's SIMFONI-PPA entry sheet: every field SIMFONI
// asks, in its input order, so that a clerk types it in minutes.
type EntrySheet struct {
	Office     Office
	CaseNumber string
	Sections   []EntrySection
	PrintedAt  time.Time
	PrintedBy  string
}

// EntrySheetPDF renders the entry sheet.
func EntrySheetPDF(s EntrySheet) ([]byte, error) {
	d := newPrintedDoc(s.Office, "Lembar Isian SIMFONI-PPA "+s.CaseNumber, "RAHASIA - memuat data pribadi korban.", s.PrintedAt, s.PrintedBy)
	d.font("B", 13)
	d.MultiCell(textWidth, 6.5, "LEMBAR ISIAN SIMFONI-PPA", "", "C", false)
	d.font("", 11)
	d.MultiCell(textWidth, 6, "Nomor kasus: "+s.CaseNumber, "", "C", false)
	d.Ln(2)
	const lh = 5.2
	for _, sec := range s.Sections {
		d.ensureSpace(18)
		d.Ln(2)
		d.font("B", 11)
		d.MultiCell(textWidth, 6, sec.Title, "", "L", false)
		d.font("", 10)
		for _, r := range sec.Rows {
			v := r.Value
			if v == "" {
				v = "-"
			}
			d.ensureSpace(lh)
			d.row(r.Label, v, marginLeft+4, 58, lh)
		}
	}
	return d.output()
}
