// Package nik checks the structure of an Indonesian NIK (Nomor Induk
// Kependudukan) and compares what it says with other data about its holder.
//
// A NIK is 16 digits: province (2), regency/city (2), district/kecamatan (2),
// birth date DDMMYY where DD has 40 added for women, and a 4-digit serial that
// is never 0000. Parse checks only the structure: a structurally valid NIK may
// still not have been issued to anyone.
//
// Error and warning codes are stable English strings for programs; messages
// are in Bahasa Indonesia for the people who read them.
package nik

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Sex values used in Info.Sex and accepted by Compare.
const (
	SexFemale = "female"
	SexMale   = "male"
)

// Error codes returned by Parse in Error.Code.
const (
	CodeLength    = "nik_length"
	CodeDigits    = "nik_digits"
	CodeProvince  = "nik_province"
	CodeRegency   = "nik_regency"
	CodeDistrict  = "nik_district"
	CodeBirthDate = "nik_birth_date"
	CodeSerial    = "nik_serial"
)

// Warning codes returned by Compare in Warning.Code.
const (
	CodeSexMismatch       = "nik_sex_mismatch"
	CodeBirthDateMismatch = "nik_birth_date_mismatch"
)

// Info is what a structurally valid NIK says about its holder.
type Info struct {
	NIK          string    // the 16 digits, normalised (spaces, dots and dashes removed)
	ProvinceCode string    // "61"
	RegencyCode  string    // "6172" (province+regency)
	DistrictCode string    // "617201"
	Sex          string    // "female" or "male"
	BirthDate    time.Time // UTC midnight; century chosen as described at Parse
	Serial       string    // the last 4 digits, never "0000"
}

// Error is a structural problem; Code is a stable English code, Message is
// Bahasa Indonesia and says what to do.
type Error struct {
	Code, Message string
}

// Error returns the message meant for people (Bahasa Indonesia). Use
// errors.As to get at Code.
func (e *Error) Error() string { return e.Message }

// Warning is a disagreement between the NIK and other data that is accepted
// but flagged for an officer.
type Warning struct {
	Code, Message string
}

// checkAgain ends every Parse message: it tells the person what to do.
const checkAgain = " Mohon periksa kembali NIK sesuai KTP atau Kartu Keluarga."

func newError(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...) + checkAgain}
}

// provinces holds the province codes in use by Kemendagri (Dukcapil) and
// their names in Bahasa Indonesia (Kepmendagri No. 300.2.2-2138 Tahun 2025).
var provinces = map[string]string{
	"11": "Aceh",
	"12": "Sumatera Utara",
	"13": "Sumatera Barat",
	"14": "Riau",
	"15": "Jambi",
	"16": "Sumatera Selatan",
	"17": "Bengkulu",
	"18": "Lampung",
	"19": "Kepulauan Bangka Belitung",
	"21": "Kepulauan Riau",
	"31": "DKI Jakarta",
	"32": "Jawa Barat",
	"33": "Jawa Tengah",
	"34": "DI Yogyakarta",
	"35": "Jawa Timur",
	"36": "Banten",
	"51": "Bali",
	"52": "Nusa Tenggara Barat",
	"53": "Nusa Tenggara Timur",
	"61": "Kalimantan Barat",
	"62": "Kalimantan Tengah",
	"63": "Kalimantan Selatan",
	"64": "Kalimantan Timur",
	"65": "Kalimantan Utara",
	"71": "Sulawesi Utara",
	"72": "Sulawesi Tengah",
	"73": "Sulawesi Selatan",
	"74": "Sulawesi Tenggara",
	"75": "Gorontalo",
	"76": "Sulawesi Barat",
	"81": "Maluku",
	"82": "Maluku Utara",
	"91": "Papua",
	"92": "Papua Barat",
	"93": "Papua Selatan",
	"94": "Papua Tengah",
	"95": "Papua Pegunungan",
	"96": "Papua Barat Daya",
}

// ProvinceName returns the Bahasa Indonesia name of a two-digit province
// code, and whether the code is a known province.
func ProvinceName(code string) (string, bool) {
	name, ok := provinces[code]
	return name, ok
}

// monthNames are the Bahasa Indonesia month names, January first.
var monthNames = [12]string{
	"Januari", "Februari", "Maret", "April", "Mei", "Juni",
	"Juli", "Agustus", "September", "Oktober", "November", "Desember",
}

// formatDate writes a calendar date the Indonesian way: "5 Juli 1990".
func formatDate(y int, m time.Month, d int) string {
	return fmt.Sprintf("%d %s %d", d, monthNames[m-1], y)
}

// sexName is the Bahasa Indonesia word for a sex value.
func sexName(sex string) string {
	if sex == SexFemale {
		return "perempuan"
	}
	return "laki-laki"
}

// normalise removes the separators people type or paste into a NIK: white
// space, dots and dashes (any Unicode dash punctuation).
func normalise(raw string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) {
			return -1
		}
		return r
	}, raw)
}

// Parse checks the structure of a NIK.
//
// now picks the century of the two-digit birth year: the year is taken in
// now's century, unless that year is after now's year, in which case it
// belongs to the previous century (with now in 2026, "26" is 2026 and "27" is
// 1927). A NIK cannot tell a person of 100 or more from a child, so such a
// holder gets the later century; Compare ignores the century for that reason.
// A birth date after now's calendar date (in now's own location) is refused.
//
// On failure the error is an *Error whose Code is one of the Code* constants.
func Parse(raw string, now time.Time) (Info, error) {
	s := normalise(raw)
	if s == "" {
		return Info{}, newError(CodeLength, "NIK wajib diisi dan harus terdiri dari 16 angka.")
	}
	if n := utf8.RuneCountInString(s); n != 16 {
		return Info{}, newError(CodeLength, "NIK harus terdiri dari 16 angka, sedangkan yang diisi %d karakter.", n)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return Info{}, newError(CodeDigits, "NIK hanya boleh berisi angka.")
		}
	}
	// From here on s is 16 ASCII digits.

	province := s[0:2]
	if _, ok := provinces[province]; !ok {
		return Info{}, newError(CodeProvince, "Kode provinsi pada NIK (%s, dua angka pertama) tidak dikenal.", province)
	}
	if s[2:4] == "00" {
		return Info{}, newError(CodeRegency, "Kode kabupaten/kota pada NIK (angka ke-3 dan ke-4) tidak boleh 00.")
	}
	if s[4:6] == "00" {
		return Info{}, newError(CodeDistrict, "Kode kecamatan pada NIK (angka ke-5 dan ke-6) tidak boleh 00.")
	}

	birth, sex, err := birthDate(s[6:12], now)
	if err != nil {
		return Info{}, err
	}

	if s[12:16] == "0000" {
		return Info{}, newError(CodeSerial, "Nomor urut pada NIK (empat angka terakhir) tidak boleh 0000.")
	}

	return Info{
		NIK:          s,
		ProvinceCode: province,
		RegencyCode:  s[0:4],
		DistrictCode: s[0:6],
		Sex:          sex,
		BirthDate:    birth,
		Serial:       s[12:16],
	}, nil
}

// twoDigits reads two ASCII digits.
func twoDigits(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

// birthDate decodes DDMMYY (six ASCII digits) into a UTC-midnight date and a sex.
func birthDate(ddmmyy string, now time.Time) (time.Time, string, *Error) {
	day, month, yy := twoDigits(ddmmyy[0:2]), twoDigits(ddmmyy[2:4]), twoDigits(ddmmyy[4:6])

	sex := SexMale
	if day > 40 {
		sex = SexFemale
		day -= 40
	}
	if day < 1 || day > 31 {
		return time.Time{}, "", newError(CodeBirthDate,
			"Tanggal lahir pada NIK (angka ke-7 dan ke-8: %s) tidak sah: harus 01–31 untuk laki-laki atau 41–71 untuk perempuan.",
			ddmmyy[0:2])
	}
	if month < 1 || month > 12 {
		return time.Time{}, "", newError(CodeBirthDate,
			"Bulan lahir pada NIK (angka ke-9 dan ke-10: %s) tidak sah: harus 01–12.", ddmmyy[2:4])
	}

	nowY, nowM, nowD := now.Date()
	year := nowY - nowY%100 + yy
	if year > nowY {
		year -= 100
	}

	birth := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if birth.Day() != day { // time.Date rolled over, e.g. 31 February
		return time.Time{}, "", newError(CodeBirthDate,
			"Tanggal lahir pada NIK (%02d-%02d-%02d) tidak ada dalam kalender.", day, month, yy)
	}
	if birth.After(time.Date(nowY, nowM, nowD, 0, 0, 0, 0, time.UTC)) {
		return time.Time{}, "", newError(CodeBirthDate,
			"Tanggal lahir pada NIK (%s) belum terjadi.", formatDate(year, time.Month(month), day))
	}
	return birth, sex, nil
}

// Compare returns warnings when sex ("female"/"male", case and surrounding
// space ignored; empty or any other value = unknown, skipped) or birthDate
// (zero = unknown, skipped) disagree with the NIK. Only the calendar date of
// birthDate, in its own location, is compared, and only the last two digits
// of the year, because that is all a NIK holds: a holder born in 1925 whose
// NIK Parse read as 2025 gets no warning. It returns nil when nothing
// disagrees.
func Compare(info Info, sex string, birthDate time.Time) []Warning {
	var warnings []Warning

	sex = strings.ToLower(strings.TrimSpace(sex))
	if (sex == SexFemale || sex == SexMale) && info.Sex != "" && sex != info.Sex {
		warnings = append(warnings, Warning{
			Code: CodeSexMismatch,
			Message: fmt.Sprintf("Jenis kelamin pada NIK (%s) berbeda dengan jenis kelamin yang diisi (%s). Mohon periksa kembali.",
				sexName(info.Sex), sexName(sex)),
		})
	}

	if !birthDate.IsZero() && !info.BirthDate.IsZero() {
		y, m, d := birthDate.Date()
		ny, nm, nd := info.BirthDate.Date()
		if d != nd || m != nm || mod100(y) != mod100(ny) {
			warnings = append(warnings, Warning{
				Code: CodeBirthDateMismatch,
				Message: fmt.Sprintf("Tanggal lahir pada NIK (%s) berbeda dengan tanggal lahir yang diisi (%s). Mohon periksa kembali.",
					formatDate(ny, nm, nd), formatDate(y, m, d)),
			})
		}
	}
	return warnings
}

// mod100 is y modulo 100, never negative.
func mod100(y int) int { return ((y % 100) + 100) % 100 }
