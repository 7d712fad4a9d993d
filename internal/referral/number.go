package referral

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// DefaultLetterFormat numbers referral letters the way Indonesian offices
// number outgoing letters: sequence, letter kind, office, month in Roman
// numerals, year. An office sets its own format in its profile.
const DefaultLetterFormat = "{seq}/RUJ/{code}/{month_roman}/{year}"

var placeholder = regexp.MustCompile(`\{[^{}]*\}`)

var romanMonths = [...]string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"}

// LetterNumber fills the format: {seq} (three digits at least), {code}
// (the office code), {month} (two digits), {month_roman} and {year}, the
// month and year of at, which is already in the office's time zone.
func LetterNumber(format, code string, seq int, at time.Time) string {
	if format == "" {
		format = DefaultLetterFormat
	}
	return placeholder.ReplaceAllStringFunc(format, func(p string) string {
		switch p {
		case "{seq}":
			return fmt.Sprintf("%03d", seq)
		case "{code}":
			return code
		case "{month}":
			return fmt.Sprintf("%02d", int(at.Month()))
		case "{month_roman}":
			return romanMonths[at.Month()-1]
		case "{year}":
			return fmt.Sprint(at.Year())
		}
		return p
	})
}

// CheckLetterFormat refuses a format that would not give every letter of a
// year its own number, or that names a placeholder Teduh does not know.
func CheckLetterFormat(format string) error {
	if format == "" {
		return nil // the default applies
	}
	for _, p := range placeholder.FindAllString(format, -1) {
		switch p {
		case "{seq}", "{code}", "{month}", "{month_roman}", "{year}":
		default:
			return fmt.Errorf("Bagian %s tidak dikenal. Gunakan {seq}, {code}, {month}, {month_roman} dan {year}, misalnya %s.", p, DefaultLetterFormat)
		}
	}
	if !strings.Contains(format, "{seq}") || !strings.Contains(format, "{year}") {
		return fmt.Errorf("Format nomor surat harus memuat {seq} dan {year} agar setiap surat dalam setahun bernomor berbeda, misalnya %s.", DefaultLetterFormat)
	}
	if len(format) > 80 {
		return fmt.Errorf("Format nomor surat terlalu panjang (paling banyak 80 karakter).")
	}
	return nil
}
