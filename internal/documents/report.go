package documents

import (
	"fmt"
	"time"
)

// Report is the handling report (laporan penanganan, SOP step 9).
type Report struct {
	Office     Office
	CaseNumber string
	// Status is the case status as people read it; Closed is false while
	// the case is open (the report is then provisional).
	Status string
	Closed bool
	// Facts are the case's particulars, in order (received, channel,
	// victim, incident…), as label and value.
	Facts []Row
	// Steps are the SOP steps in order, recorded or not.
	Steps     []Step
	Referrals []ReportReferral
	Standard  Standard
	// Summary is the handling summary written at step 9.
	Summary string
	// PreparedBy is the staff member who recorded step 9, PreparedByNIP
	// their civil-servant number (none: no NIP line).
	PreparedBy, PreparedByNIP string
	PrintedAt                 time.Time
	// PrintedBy is who prints the report, PrintedByNIP their NIP; they sign
	// as its maker while step 9 is not recorded.
	PrintedBy, PrintedByNIP string
}

// Row is one label and value.
type Row struct {
	Label, Value string
}

// Step is one SOP step with everything recorded for it.
type Step struct {
	Number  int
	Label   string
	Entries []StepEntry
}

// StepEntry is one step record: its outcome, who recorded it and when.
type StepEntry struct {
	Outcome string
	Actor   string
	At      time.Time
	Details string // the step's data, written out
	Notes   string
}

// ReportReferral is a referral and the institution's answer.
type ReportReferral struct {
	Number      string
	Institution string
	Services    string
	Status      string
	SentAt      time.Time
	RespondedAt time.Time
	Response    string
	ClosingNote string
}

// Standard is the service standard clock: Days after the requirements were
// declared complete (VerifiedAt) the case is due (DueAt).
type Standard struct {
	Days       int
	VerifiedAt time.Time
	DueAt      time.Time
	ClosedAt   time.Time
	Withdrawn  bool
}

// Verdict says whether the service standard was met, as a person reads it;
// met is true only for a case closed in time.
func (s Standard) Verdict(now time.Time, loc *time.Location) (text string, met bool) {
	switch {
	case s.Withdrawn:
		return "Tidak dinilai: pengaduan dicabut atau dialihkan.", false
	case s.VerifiedAt.IsZero():
		return fmt.Sprintf("Belum berjalan: standar %d hari dihitung sejak persyaratan dinyatakan lengkap dan valid.", s.Days), false
	case !s.ClosedAt.IsZero() && !s.ClosedAt.After(s.DueAt):
		return fmt.Sprintf("Terpenuhi: kasus selesai %s setelah persyaratan lengkap, dalam batas %d hari.",
			Duration(s.ClosedAt.Sub(s.VerifiedAt)), s.Days), true
	case !s.ClosedAt.IsZero():
		return fmt.Sprintf("Tidak terpenuhi: kasus selesai %s setelah persyaratan lengkap, terlambat %s dari batas %d hari.",
			Duration(s.ClosedAt.Sub(s.VerifiedAt)), Duration(s.ClosedAt.Sub(s.DueAt)), s.Days), false
	case now.After(s.DueAt):
		return fmt.Sprintf("Terlambat: batas %d hari berakhir %s dan kasus belum selesai.", s.Days, DateTime(s.DueAt, loc)), false
	}
	return fmt.Sprintf("Sedang berjalan: batas penyelesaian %s.", DateTime(s.DueAt, loc)), false
}

// ReportPDF renders a handling report.
func ReportPDF(r Report) ([]byte, error) {
	loc := r.Office.loc()
	d := newPrintedDoc(r.Office, "Laporan Penanganan "+r.CaseNumber, "RAHASIA - memuat data pribadi korban.", r.PrintedAt, r.PrintedBy)

	const lh = 5.2
	d.font("B", 13)
	d.MultiCell(textWidth, 6.5, "LAPORAN PENANGANAN PENGADUAN KORBAN", "", "C", false)
	d.font("", 11)
	d.MultiCell(textWidth, 6, "Nomor kasus: "+r.CaseNumber, "", "C", false)
	if !r.Closed {
		d.Ln(1)
		d.font("B", 10)
		d.SetTextColor(170, 0, 0)
		d.MultiCell(textWidth, lh, "Laporan sementara: kasus belum ditutup (status: "+r.Status+").", "", "C", false)
		d.SetTextColor(0, 0, 0)
	}
	d.Ln(3)

	heading := func(text string) {
		d.ensureSpace(18)
		d.Ln(2)
		d.font("B", 11)
		d.MultiCell(textWidth, 6, text, "", "L", false)
		d.font("", 10)
	}

	heading("A. Data kasus")
	d.row("Status", r.Status, marginLeft+6, 48, lh)
	for _, f := range r.Facts {
		if f.Value != "" {
			d.row(f.Label, f.Value, marginLeft+6, 48, lh)
		}
	}

	heading("B. Standar pelayanan")
	verdict, _ := r.Standard.Verdict(r.PrintedAt, loc)
	d.font("B", 10)
	d.paragraph(verdict, 6, lh)
	d.font("", 10)
	for _, f := range []Row{
		{"Waktu penyelesaian", fmt.Sprintf("%d hari setelah persyaratan dinyatakan lengkap dan valid", r.Standard.Days)},
		{"Persyaratan lengkap", DateTime(r.Standard.VerifiedAt, loc)},
		{"Batas penyelesaian", DateTime(r.Standard.DueAt, loc)},
		{"Kasus ditutup", DateTime(r.Standard.ClosedAt, loc)},
	} {
		if f.Value != "" {
			d.row(f.Label, f.Value, marginLeft+6, 48, lh)
		}
	}

	heading("C. Tahapan penanganan sesuai SOP")
	for _, s := range r.Steps {
		d.ensureSpace(16)
		d.font("B", 10)
		d.SetX(marginLeft + 6)
		d.MultiCell(textWidth-6, lh, fmt.Sprintf("%d. %s", s.Number, s.Label), "", "L", false)
		d.font("", 10)
		if len(s.Entries) == 0 {
			d.SetTextColor(110, 110, 110)
			d.paragraph("Belum dicatat.", 12, lh)
			d.SetTextColor(0, 0, 0)
		}
		for _, e := range s.Entries {
			d.lines(e.Outcome+" - "+e.Actor+" - "+DateTime(e.At, loc), 12, lh)
			if e.Details != "" {
				d.lines(e.Details, 16, lh)
			}
			if e.Notes != "" {
				d.lines("Catatan: "+e.Notes, 16, lh)
			}
		}
		d.Ln(1)
	}

	heading("D. Rujukan dan jawaban lembaga")
	if len(r.Referrals) == 0 {
		d.paragraph("Tidak ada rujukan.", 6, lh)
	}
	for i, ref := range r.Referrals {
		d.ensureSpace(20)
		number := ref.Number
		if number == "" {
			number = "belum bernomor"
		}
		d.font("B", 10)
		d.SetX(marginLeft + 6)
		d.MultiCell(textWidth-6, lh, fmt.Sprintf("%d. %s (surat %s)", i+1, ref.Institution, number), "", "L", false)
		d.font("", 10)
		status := "Status: " + ref.Status
		if !ref.SentAt.IsZero() {
			status += "; dikirim " + DateTime(ref.SentAt, loc)
		}
		if !ref.RespondedAt.IsZero() {
			status += "; dijawab " + DateTime(ref.RespondedAt, loc)
		}
		d.lines(status, 12, lh)
		d.lines("Layanan yang dimohonkan: "+ref.Services, 12, lh)
		if ref.Response != "" {
			d.lines("Jawaban lembaga: "+ref.Response, 12, lh)
		}
		if ref.ClosingNote != "" {
			d.lines("Catatan penutup: "+ref.ClosingNote, 12, lh)
		}
		d.Ln(1)
	}

	prepared, preparedNIP := r.PreparedBy, r.PreparedByNIP
	if prepared == "" {
		prepared, preparedNIP = r.PrintedBy, r.PrintedByNIP
	}
	title := r.Office.HeadTitle
	if title == "" {
		title = "Kepala Dinas"
	}
	blocks := []signBlock{
		{X: marginLeft, Lead: "Dibuat oleh,", Title: "Petugas", Name: prepared, NIP: preparedNIP, NoNIP: preparedNIP == ""},
		{X: pageWidth - marginRight - signWidth, Lead: "Mengetahui,", Title: title, Name: r.Office.HeadName, NIP: r.Office.HeadNIP},
	}
	// the place and date the report is signed on ("Singkawang, 2 Desember 2026")
	signedOn := Date(r.PrintedAt, loc)
	if r.Office.Place != "" {
		signedOn = r.Office.Place + ", " + signedOn
	}
	const gap = 8.0
	tail := gap + 6 + d.signaturesHeight(blocks...)

	summary := r.Summary
	if summary == "" {
		summary = "Belum ada: ringkasan ditulis pada langkah 9 saat kasus ditutup."
	}
	// the heading and the summary's first lines stay together, and the
	// summary's last lines with the signatures: no page holds only the
	// signature block
	d.font("", 10)
	first := min(len(d.SplitText(summary, textWidth-6)), 3)
	d.ensureSpace(2 + 6 + float64(first)*lh)
	heading("E. Ringkasan penanganan")
	d.keepWithEnd(summary, "J", 6, lh, 3, tail)
	d.Ln(gap)
	d.font("", 11)
	d.CellFormat(textWidth, 6, signedOn, "", 1, "R", false, 0, "")
	d.signatures(blocks...)
	return d.output()
}
