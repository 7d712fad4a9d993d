package documents

import (
	"strings"
	"time"
)

// Letter is a referral letter (surat rujukan, SOP step 8).
type Letter struct {
	Office Office
	// Number is the letter number; empty while the referral is a draft.
	Number string
	// Date is when the letter was sent (or, for a draft, printed).
	Date time.Time
	// Mark is printed large above the letter when it is not a letter to
	// hand over ("DRAF", "DIBATALKAN"); empty for a sent letter.
	Mark       string
	Recipient  Recipient
	CaseNumber string
	// Victim holds only what the receiving service needs; empty fields are
	// not printed.
	Victim   Victim
	Services string
	Reason   string
	// Consent says who agreed to the referral, as a sentence.
	Consent string
	// Officer is the staff member the institution can contact.
	Officer Contact
}

// Recipient is the institution a letter is addressed to.
type Recipient struct {
	Name    string
	Address string
}

// Victim is the victim's identity as far as a letter carries it.
type Victim struct {
	Name, Sex, Age, BirthDate, NIK, Address, Disability string
}

// Contact is a person the receiving institution can call; NIP is their
// civil-servant number, when they have one.
type Contact struct {
	Name, Phone, NIP string
}

// copiesLine is the line height of the Tembusan.
const copiesLine = 4.2

// LetterPDF renders a referral letter.
func LetterPDF(l Letter) ([]byte, error) {
	loc := l.Office.loc()
	title := "Surat Rujukan"
	if l.Number != "" {
		title += " " + l.Number
	}
	d := newDoc(title, strings.Join(l.Office.LetterheadLines, " "), l.Date)
	footer := "RAHASIA - surat ini memuat data pribadi korban"
	if l.Number != "" {
		footer = "Nomor " + l.Number + " - " + footer
	}
	d.footer(footer)
	d.AddPage()
	d.letterhead(l.Office)

	if l.Mark != "" {
		d.font("B", 12)
		d.SetTextColor(170, 0, 0)
		d.SetDrawColor(170, 0, 0)
		d.MultiCell(textWidth, 7, l.Mark, "1", "C", false)
		d.SetTextColor(0, 0, 0)
		d.SetDrawColor(0, 0, 0)
		d.Ln(3)
	}

	const lh = 4.8
	d.font("", 11)
	place := l.Office.Place
	if place != "" {
		place += ", "
	}
	d.CellFormat(textWidth, lh, place+Date(l.Date, loc), "", 1, "R", false, 0, "")
	number := l.Number
	if number == "" {
		number = "(diberikan saat surat dikirim)"
	}
	for _, r := range [][2]string{{"Nomor", number}, {"Sifat", "Rahasia"}, {"Lampiran", "-"}, {"Hal", "Rujukan korban untuk mendapatkan layanan"}} {
		d.row(r[0], r[1], marginLeft, 22, lh)
	}
	d.Ln(3.5)

	d.MultiCell(textWidth, lh, "Kepada Yth.", "", "L", false)
	d.font("B", 11)
	d.MultiCell(textWidth, lh, "Pimpinan "+l.Recipient.Name, "", "L", false)
	d.font("", 11)
	if l.Recipient.Address != "" {
		d.MultiCell(textWidth, lh, l.Recipient.Address, "", "L", false)
	}
	d.MultiCell(textWidth, lh, "di", "", "L", false)
	d.SetX(marginLeft + 10)
	d.MultiCell(textWidth-10, lh, "Tempat", "", "L", false)
	d.Ln(3.5)

	d.MultiCell(textWidth, lh, "Dengan hormat,", "", "L", false)
	d.paragraph("Dalam rangka penanganan pengaduan korban tindak kekerasan dengan nomor kasus "+l.CaseNumber+
		", bersama ini kami merujuk korban berikut untuk mendapatkan layanan di lembaga Bapak/Ibu:", 0, lh)
	d.Ln(1)
	v := l.Victim
	for _, r := range [][2]string{
		{"Nama", v.Name}, {"Jenis kelamin", v.Sex}, {"Umur", v.Age}, {"Tanggal lahir", v.BirthDate},
		{"NIK", v.NIK}, {"Alamat", v.Address}, {"Disabilitas", v.Disability}, {"Nomor kasus", l.CaseNumber},
	} {
		if r[1] != "" {
			d.row(r[0], r[1], marginLeft+8, 32, lh)
		}
	}
	d.Ln(2)

	d.font("B", 11)
	d.MultiCell(textWidth, lh, "Layanan yang dimohonkan:", "", "L", false)
	d.font("", 11)
	d.paragraph(l.Services, 8, lh)
	if l.Reason != "" {
		d.Ln(1)
		d.font("B", 11)
		d.MultiCell(textWidth, lh, "Alasan rujukan:", "", "L", false)
		d.font("", 11)
		d.paragraph(l.Reason, 8, lh)
	}
	d.Ln(2)
	if l.Consent != "" {
		d.paragraph(l.Consent, 0, lh)
		d.Ln(1)
	}
	if l.Officer.Name != "" {
		contact := "Untuk koordinasi, Bapak/Ibu dapat menghubungi petugas pendamping kami, " + l.Officer.Name
		if l.Officer.NIP != "" {
			contact += " (NIP " + l.Officer.NIP + ")"
		}
		if l.Officer.Phone != "" {
			contact += ", telepon/WhatsApp " + l.Officer.Phone
		}
		d.paragraph(contact+".", 0, lh)
		d.Ln(1)
	}

	title = l.Office.HeadTitle
	if title == "" {
		title = "Kepala Dinas"
	}
	head := signBlock{X: pageWidth - marginRight - signWidth, Title: title, Name: l.Office.HeadName, NIP: l.Office.HeadNIP}
	// the closing words, the signature and the copies stay together
	tail := 3 + d.signaturesHeight(head) + d.copiesHeight(l.Office.CopiesTo, copiesLine)
	d.font("", 11)
	d.keepWithEnd("Kami mohon Bapak/Ibu berkenan memberikan layanan tersebut dan menyampaikan jawaban atas rujukan ini "+
		"(dapat dilayani atau tidak) kepada kami. Identitas korban dalam surat ini bersifat rahasia dan hanya digunakan "+
		"untuk memberikan layanan yang dimohonkan. Atas perhatian dan kerja sama Bapak/Ibu, kami ucapkan terima kasih.",
		"J", 0, lh, 3, tail)
	d.Ln(3)
	d.signatures(head)
	d.copiesTo(l.Office.CopiesTo, copiesLine)
	return d.output()
}
