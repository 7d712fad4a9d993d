package nik

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testNow is the fixed "now" of most tests: 15 March 2026, 10:00 UTC.
var testNow = time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

type parseCase struct {
	name     string
	raw      string
	now      time.Time // zero means testNow
	wantCode string    // "" means Parse must succeed
	want     Info      // checked when wantCode == ""
}

var parseCases = []parseCase{
	// Valid numbers.
	{name: "woman Singkawang", raw: "6172014507900001", want: Info{
		NIK: "6172014507900001", ProvinceCode: "61", RegencyCode: "6172", DistrictCode: "617201",
		Sex: SexFemale, BirthDate: date(1990, time.July, 5), Serial: "0001",
	}},
	{name: "man Singkawang", raw: "6172010507900002", want: Info{
		NIK: "6172010507900002", ProvinceCode: "61", RegencyCode: "6172", DistrictCode: "617201",
		Sex: SexMale, BirthDate: date(1990, time.July, 5), Serial: "0002",
	}},
	{name: "woman day 71", raw: "3174057112850123", want: Info{
		NIK: "3174057112850123", ProvinceCode: "31", RegencyCode: "3174", DistrictCode: "317405",
		Sex: SexFemale, BirthDate: date(1985, time.December, 31), Serial: "0123",
	}},
	{name: "man day 31", raw: "3273013101809999", want: Info{
		NIK: "3273013101809999", ProvinceCode: "32", RegencyCode: "3273", DistrictCode: "327301",
		Sex: SexMale, BirthDate: date(1980, time.January, 31), Serial: "9999",
	}},
	{name: "new province Papua Barat Daya", raw: "9671010101010001", want: Info{
		NIK: "9671010101010001", ProvinceCode: "96", RegencyCode: "9671", DistrictCode: "967101",
		Sex: SexMale, BirthDate: date(2001, time.January, 1), Serial: "0001",
	}},

	// Normalisation.
	{name: "spaces", raw: " 6172 0145 0790 0001 ", want: Info{
		NIK: "6172014507900001", ProvinceCode: "61", RegencyCode: "6172", DistrictCode: "617201",
		Sex: SexFemale, BirthDate: date(1990, time.July, 5), Serial: "0001",
	}},
	{name: "dots", raw: "61.72.01.450790.0001", want: Info{
		NIK: "6172014507900001", ProvinceCode: "61", RegencyCode: "6172", DistrictCode: "617201",
		Sex: SexFemale, BirthDate: date(1990, time.July, 5), Serial: "0001",
	}},
	{name: "dashes tabs and en dash", raw: "6172-01\t450790–0001\n", want: Info{
		NIK: "6172014507900001", ProvinceCode: "61", RegencyCode: "6172", DistrictCode: "617201",
		Sex: SexFemale, BirthDate: date(1990, time.July, 5), Serial: "0001",
	}},

	// Century choice, now = 15 March 2026.
	{name: "year 26 born today", raw: "6172011503260001", want: Info{
		NIK: "6172011503260001", ProvinceCode: "61", RegencyCode: "6172", DistrictCode: "617201",
		Sex: SexMale, BirthDate: date(2026, time.March, 15), Serial: "0001",
	}},
	{name: "year 26 tomorrow is future", raw: "6172011603260001", wantCode: CodeBirthDate},
	{name: "year 26 December is future", raw: "6172015112260001", wantCode: CodeBirthDate},
	{name: "year 25 is 2025", raw: "6172011512250001", want: Info{
		NIK: "6172011512250001", ProvinceCode: "61", RegencyCode: "6172", DistrictCode: "617201",
		Sex: SexMale, BirthDate: date(2025, time.December, 15), Serial: "0001",
	}},
	{name: "year 27 is 1927", raw: "6172010101270001", want: Info{
		NIK: "6172010101270001", ProvinceCode: "61", RegencyCode: "6172", DistrictCode: "617201",
		Sex: SexMale, BirthDate: date(1927, time.January, 1), Serial: "0001",
	}},
	{name: "year 00 is 2000", raw: "6172010101000001", want: Info{
		NIK: "6172010101000001", ProvinceCode: "61", RegencyCode: "6172", DistrictCode: "617201",
		Sex: SexMale, BirthDate: date(2000, time.January, 1), Serial: "0001",
	}},
	{name: "now 2000: year 99 is 1999", raw: "6172013112990001", now: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), want: Info{
		NIK: "6172013112990001", ProvinceCode: "61", RegencyCode: "6172", DistrictCode: "617201",
		Sex: SexMale, BirthDate: date(1999, time.December, 31), Serial: "0001",
	}},
	{name: "now 2000: year 00 born that day", raw: "6172014101000001", now: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), want: Info{
		NIK: "6172014101000001", ProvinceCode: "61", RegencyCode: "6172", DistrictCode: "617201",
		Sex: SexFemale, BirthDate: date(2000, time.January, 1), Serial: "0001",
	}},
	{
		// 00:30 WIB on 15 March is still 14 March in UTC: the date in now's
		// own location counts, so a child born on 15 March is accepted.
		name: "now in WIB uses the local date", raw: "6172011503260001",
		now: time.Date(2026, 3, 15, 0, 30, 0, 0, time.FixedZone("WIB", 7*3600)),
		want: Info{
			NIK: "6172011503260001", ProvinceCode: "61", RegencyCode: "6172", DistrictCode: "617201",
			Sex: SexMale, BirthDate: date(2026, time.March, 15), Serial: "0001",
		},
	},

	// 29 February.
	{name: "29 Feb leap 2024", raw: "6172016902240001", want: Info{
		NIK: "6172016902240001", ProvinceCode: "61", RegencyCode: "6172", DistrictCode: "617201",
		Sex: SexFemale, BirthDate: date(2024, time.February, 29), Serial: "0001",
	}},
	{name: "29 Feb leap 2000", raw: "6172012902000001", want: Info{
		NIK: "6172012902000001", ProvinceCode: "61", RegencyCode: "6172", DistrictCode: "617201",
		Sex: SexMale, BirthDate: date(2000, time.February, 29), Serial: "0001",
	}},
	{name: "29 Feb non-leap 2023", raw: "6172012902230001", wantCode: CodeBirthDate},
	{name: "29 Feb non-leap 1900", raw: "6172016902000001", now: time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), wantCode: CodeBirthDate},
	{name: "31 February", raw: "6172013102900001", wantCode: CodeBirthDate},
	{name: "31 April", raw: "6172017104900001", wantCode: CodeBirthDate},

	// Every error code.
	{name: "empty", raw: "", wantCode: CodeLength},
	{name: "only separators", raw: " - . ", wantCode: CodeLength},
	{name: "15 digits", raw: "617201450790000", wantCode: CodeLength},
	{name: "17 digits", raw: "61720145079000011", wantCode: CodeLength},
	{name: "letter", raw: "61720145079O0001", wantCode: CodeDigits},
	{name: "slash", raw: "6172014507/90001", wantCode: CodeDigits},
	{name: "fullwidth digit", raw: "617201450790000１", wantCode: CodeDigits},
	{name: "province 00", raw: "0072014507900001", wantCode: CodeProvince},
	{name: "province 20", raw: "2072014507900001", wantCode: CodeProvince},
	{name: "province 37", raw: "3772014507900001", wantCode: CodeProvince},
	{name: "province 97", raw: "9772014507900001", wantCode: CodeProvince},
	{name: "province 99", raw: "9972014507900001", wantCode: CodeProvince},
	{name: "regency 00", raw: "6100014507900001", wantCode: CodeRegency},
	{name: "district 00", raw: "6172004507900001", wantCode: CodeDistrict},
	{name: "day 00", raw: "6172010007900001", wantCode: CodeBirthDate},
	{name: "day 32", raw: "6172013207900001", wantCode: CodeBirthDate},
	{name: "day 40", raw: "6172014007900001", wantCode: CodeBirthDate},
	{name: "day 72", raw: "6172017207900001", wantCode: CodeBirthDate},
	{name: "month 00", raw: "6172014500900001", wantCode: CodeBirthDate},
	{name: "month 13", raw: "6172014513900001", wantCode: CodeBirthDate},
	{name: "serial 0000", raw: "6172014507900000", wantCode: CodeSerial},
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			now := tc.now
			if now.IsZero() {
				now = testNow
			}
			got, err := Parse(tc.raw, now)
			if tc.wantCode == "" {
				if err != nil {
					t.Fatalf("Parse(%q) error %v", tc.raw, err)
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("Parse(%q)\n got %+v\nwant %+v", tc.raw, got, tc.want)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) error %v (%T), want *Error %s", tc.raw, err, err, tc.wantCode)
			}
			if e.Code != tc.wantCode {
				t.Fatalf("Parse(%q) code %q (%s), want %q", tc.raw, e.Code, e.Message, tc.wantCode)
			}
			if e.Message == "" || e.Error() != e.Message {
				t.Fatalf("Parse(%q) message %q, Error() %q", tc.raw, e.Message, e.Error())
			}
			if !reflect.DeepEqual(got, Info{}) {
				t.Fatalf("Parse(%q) returned %+v with an error", tc.raw, got)
			}
		})
	}
}

func TestParseMessages(t *testing.T) {
	for _, tc := range []struct {
		raw, want string
	}{
		{"617201450790000", "NIK harus terdiri dari 16 angka, sedangkan yang diisi 15 karakter."},
		{"", "NIK wajib diisi"},
		{"61720145079O0001", "NIK hanya boleh berisi angka."},
		{"9972014507900001", "Kode provinsi pada NIK (99, dua angka pertama) tidak dikenal."},
		{"6172013102900001", "(31-02-90) tidak ada dalam kalender."},
		{"6172011603260001", "Tanggal lahir pada NIK (16 Maret 2026) belum terjadi."},
		{"6172014507900000", "tidak boleh 0000. Mohon periksa kembali NIK sesuai KTP atau Kartu Keluarga."},
	} {
		_, err := Parse(tc.raw, testNow)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) error %v, want it to contain %q", tc.raw, err, tc.want)
		}
	}
}

func TestProvinceName(t *testing.T) {
	for _, tc := range []struct {
		code, name string
		ok         bool
	}{
		{"11", "Aceh", true},
		{"19", "Kepulauan Bangka Belitung", true},
		{"21", "Kepulauan Riau", true},
		{"34", "DI Yogyakarta", true},
		{"61", "Kalimantan Barat", true},
		{"65", "Kalimantan Utara", true},
		{"76", "Sulawesi Barat", true},
		{"92", "Papua Barat", true},
		{"93", "Papua Selatan", true},
		{"94", "Papua Tengah", true},
		{"95", "Papua Pegunungan", true},
		{"96", "Papua Barat Daya", true},
		{"10", "", false},
		{"20", "", false},
		{"97", "", false},
		{"6", "", false},
		{"", "", false},
	} {
		name, ok := ProvinceName(tc.code)
		if name != tc.name || ok != tc.ok {
			t.Errorf("ProvinceName(%q) = %q, %v; want %q, %v", tc.code, name, ok, tc.name, tc.ok)
		}
	}
	if len(provinces) != 38 {
		t.Errorf("%d provinces, want 38", len(provinces))
	}
}

func TestCompare(t *testing.T) {
	woman, err := Parse("6172014507900001", testNow) // 5 July 1990
	if err != nil {
		t.Fatal(err)
	}
	old, err := Parse("6172010101270001", testNow) // read as 1 January 1927
	if err != nil {
		t.Fatal(err)
	}
	wib := time.FixedZone("WIB", 7*3600)

	for _, tc := range []struct {
		name      string
		info      Info
		sex       string
		birth     time.Time
		wantCodes []string
		wantMsgs  []string
	}{
		{name: "all agree", info: woman, sex: "female", birth: date(1990, time.July, 5)},
		{name: "all unknown", info: woman},
		{name: "sex case and space ignored", info: woman, sex: " Female "},
		{name: "unrecognised sex skipped", info: woman, sex: "perempuan"},
		{name: "time of day ignored", info: woman, birth: time.Date(1990, 7, 5, 23, 59, 0, 0, time.UTC)},
		{name: "date in its own location", info: woman, birth: time.Date(1990, 7, 5, 1, 0, 0, 0, wib)},
		{name: "century ignored", info: old, birth: date(2027, time.January, 1)},
		{
			name: "sex mismatch", info: woman, sex: "male",
			wantCodes: []string{CodeSexMismatch},
			wantMsgs:  []string{"Jenis kelamin pada NIK (perempuan) berbeda dengan jenis kelamin yang diisi (laki-laki). Mohon periksa kembali."},
		},
		{
			name: "birth date mismatch", info: woman, birth: date(1990, time.July, 6),
			wantCodes: []string{CodeBirthDateMismatch},
			wantMsgs:  []string{"Tanggal lahir pada NIK (5 Juli 1990) berbeda dengan tanggal lahir yang diisi (6 Juli 1990). Mohon periksa kembali."},
		},
		{
			name: "birth year mismatch", info: woman, sex: "female", birth: date(1991, time.July, 5),
			wantCodes: []string{CodeBirthDateMismatch},
		},
		{
			name: "both mismatch", info: woman, sex: "MALE", birth: date(1990, time.May, 7),
			wantCodes: []string{CodeSexMismatch, CodeBirthDateMismatch},
		},
		{
			name: "zero Info has nothing to compare", info: Info{}, sex: "male", birth: date(1990, time.July, 6),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Compare(tc.info, tc.sex, tc.birth)
			if len(tc.wantCodes) == 0 {
				if got != nil {
					t.Fatalf("Compare = %+v, want nil", got)
				}
				return
			}
			if len(got) != len(tc.wantCodes) {
				t.Fatalf("Compare = %+v, want codes %v", got, tc.wantCodes)
			}
			for i, w := range got {
				if w.Code != tc.wantCodes[i] {
					t.Errorf("warning %d code %q, want %q", i, w.Code, tc.wantCodes[i])
				}
				if w.Message == "" {
					t.Errorf("warning %d has no message", i)
				}
				if i < len(tc.wantMsgs) && w.Message != tc.wantMsgs[i] {
					t.Errorf("warning %d message\n got %q\nwant %q", i, w.Message, tc.wantMsgs[i])
				}
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		info, err := Parse(raw, testNow)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code == "" || e.Message == "" {
				t.Fatalf("Parse(%q) error %v (%T) is not a complete *Error", raw, err, err)
			}
			return
		}
		if len(info.NIK) != 16 {
			t.Fatalf("Parse(%q).NIK = %q, not 16 characters", raw, info.NIK)
		}
		for i := 0; i < len(info.NIK); i++ {
			if info.NIK[i] < '0' || info.NIK[i] > '9' {
				t.Fatalf("Parse(%q).NIK = %q, not all digits", raw, info.NIK)
			}
		}
		if _, ok := ProvinceName(info.ProvinceCode); !ok {
			t.Fatalf("Parse(%q) accepted unknown province %q", raw, info.ProvinceCode)
		}
		if info.Sex != SexFemale && info.Sex != SexMale {
			t.Fatalf("Parse(%q).Sex = %q", raw, info.Sex)
		}
		if info.BirthDate.After(testNow) || info.BirthDate.Location() != time.UTC {
			t.Fatalf("Parse(%q).BirthDate = %v", raw, info.BirthDate)
		}
		again, err := Parse(info.NIK, testNow)
		if err != nil {
			t.Fatalf("re-parsing %q (from %q): %v", info.NIK, raw, err)
		}
		if !reflect.DeepEqual(again, info) {
			t.Fatalf("re-parsing %q (from %q)\n got %+v\nwant %+v", info.NIK, raw, again, info)
		}
		if w := Compare(info, info.Sex, info.BirthDate); w != nil {
			t.Fatalf("Compare of %q with itself: %+v", info.NIK, w)
		}
	})
}
