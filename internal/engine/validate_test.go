package engine_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Pontianak without relying on the system's zoneinfo

	"teduh/internal/engine"
)

// kitchenFormJSON declares one field of every kind, with the limits the
// validation cases exercise.
const kitchenFormJSON = `{
  "id": "kitchen", "version": "1", "title": "Semua jenis isian",
  "sections": [{"id": "all", "title": "Semua", "fields": [
    {"name": "name", "type": "text", "label": "Nama", "required": true, "min_length": 2, "max_length": 5},
    {"name": "story", "type": "textarea", "label": "Cerita", "max_length": 20},
    {"name": "phone", "type": "phone", "label": "Telepon"},
    {"name": "kind", "type": "select", "label": "Jenis", "options": [{"code": "a", "label": "A"}, {"code": "b", "label": "B"}, {"code": "c", "label": "C"}]},
    {"name": "reason", "type": "text", "label": "Alasan", "required_when": {"field": "kind", "equals": "c"}},
    {"name": "detail", "type": "text", "label": "Rincian", "show_when": {"field": "kind", "in": ["b"]}},
    {"name": "tags", "type": "multiselect", "label": "Tag", "options": [{"code": "x", "label": "X"}, {"code": "y", "label": "Y"}, {"code": "z", "label": "Z"}]},
    {"name": "ranked", "type": "multiselect", "label": "Urutan", "ordered": true, "max_items": 2, "options": [{"code": "x", "label": "X"}, {"code": "y", "label": "Y"}, {"code": "z", "label": "Z"}]},
    {"name": "agree", "type": "bool", "label": "Setuju", "required": true, "must_be_true": true},
    {"name": "flag", "type": "bool", "label": "Tanda"},
    {"name": "born", "type": "date", "label": "Tanggal lahir", "not_future": true, "min_date": "2000-01-01"},
    {"name": "doc", "type": "file", "label": "Dokumen", "accept": ["application/pdf", "image/png"], "max_size": 1024},
    {"name": "count", "type": "number", "label": "Jumlah", "integer": true, "min": 1, "max": 10},
    {"name": "score", "type": "number", "label": "Nilai"},
    {"name": "nick", "type": "text", "label": "Panggilan", "validators": ["no_digits"]}
  ]}]
}`

func pontianak(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Pontianak")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// testEnv is 26 November 2026 17:30 UTC, which is already 27 November 00:30
// in the office's time zone (WIB, UTC+7).
func testEnv(t testing.TB) engine.Env {
	return engine.Env{Now: time.Date(2026, 11, 26, 17, 30, 0, 0, time.UTC), Location: pontianak(t)}
}

func loadKitchen(t *testing.T) *engine.Form {
	t.Helper()
	f, err := engine.LoadForm("kitchen.form.json", []byte(kitchenFormJSON), testRegistry())
	if err != nil {
		t.Fatalf("kitchen form does not load: %v", err)
	}
	return f
}

// submit runs Coerce and Validate the way the server does and returns the
// cleaned values, the error codes by key (from both) and the warnings.
func submit(f *engine.Form, raw map[string]any, env engine.Env) (engine.Result, map[string]string) {
	values, cerrs := f.Coerce(raw)
	res := f.Validate(values, env)
	codes := map[string]string{}
	for k, e := range res.Errors {
		codes[k] = e.Code
	}
	for k, e := range cerrs {
		codes[k] = e.Code
	}
	return res, codes
}

// absent marks a key that must not be among the cleaned values.
type absentT struct{}

var absent = absentT{}

func TestFormValidation(t *testing.T) {
	f := loadKitchen(t)
	env := testEnv(t)
	pdf := engine.FileMeta{Name: "ktp.pdf", Size: 1000, MIME: "application/pdf"}

	cases := []struct {
		name    string
		raw     map[string]any // merged over a valid base; nil removes a base key
		want    map[string]any // cleaned values to check (absent = not there)
		wantErr map[string]string
	}{
		{name: "base is valid", want: map[string]any{"name": "Ani", "agree": true, "flag": false, "story": absent}},

		// required, trimming and control characters
		{name: "required missing", raw: map[string]any{"name": nil}, wantErr: map[string]string{"name": "required"}},
		{name: "required only spaces", raw: map[string]any{"name": " \t  "}, wantErr: map[string]string{"name": "required"}},
		{name: "required only control characters", raw: map[string]any{"name": "\x00\x07\x1b"}, wantErr: map[string]string{"name": "required"}},
		{name: "trimmed", raw: map[string]any{"name": "  Ani \n"}, want: map[string]any{"name": "Ani"}},
		{name: "control characters removed", raw: map[string]any{"name": "A\x00n\x7fi"}, want: map[string]any{"name": "Ani"}},
		{name: "tab and newline in text become spaces", raw: map[string]any{"name": "A\tB\nC"}, want: map[string]any{"name": "A B C"}},
		{name: "line separators removed", raw: map[string]any{"name": "An\u2028i\u2029"}, want: map[string]any{"name": "Ani"}},
		{name: "textarea keeps line breaks, drops CR", raw: map[string]any{"story": "baris satu\r\nbaris 2"}, want: map[string]any{"story": "baris satu\nbaris 2"}},
		{name: "textarea tab becomes space", raw: map[string]any{"story": "a\tb"}, want: map[string]any{"story": "a b"}},
		{name: "invalid UTF-8 refused", raw: map[string]any{"name": "A\xffB"}, wantErr: map[string]string{"name": "invalid_text"}},
		{name: "invalid UTF-8 in textarea refused", raw: map[string]any{"story": "ok \xc3\x28"}, wantErr: map[string]string{"story": "invalid_text"}},
		{name: "text given a number", raw: map[string]any{"name": 42.0}, wantErr: map[string]string{"name": "invalid_type"}},
		{name: "text given two multipart values", raw: map[string]any{"name": []string{"Ani", "Budi"}}, wantErr: map[string]string{"name": "invalid_type"}},
		{name: "text given one multipart value", raw: map[string]any{"name": []string{" Ani "}}, want: map[string]any{"name": "Ani"}},

		// lengths are counted in letters (runes), not bytes
		{name: "one two-byte letter is too short", raw: map[string]any{"name": "é"}, wantErr: map[string]string{"name": "too_short"}},
		{name: "two two-byte letters are enough", raw: map[string]any{"name": "éé"}, want: map[string]any{"name": "éé"}},
		{name: "five two-byte letters fit max 5", raw: map[string]any{"name": "ééééé"}, want: map[string]any{"name": "ééééé"}},
		{name: "five emoji fit max 5", raw: map[string]any{"name": "👍👍👍👍👍"}, want: map[string]any{"name": "👍👍👍👍👍"}},
		{name: "six letters too long", raw: map[string]any{"name": "éééééé"}, wantErr: map[string]string{"name": "too_long"}},
		{name: "length counted after trimming", raw: map[string]any{"name": "   Budi   "}, want: map[string]any{"name": "Budi"}},
		{name: "textarea max 20 runes", raw: map[string]any{"story": strings.Repeat("ü", 21)}, wantErr: map[string]string{"story": "too_long"}},
		{name: "default limit of 10000 on text without max_length", raw: map[string]any{"reason": strings.Repeat("a", 10001)}, wantErr: map[string]string{"reason": "too_long"}},

		// phone numbers
		{name: "phone +62 with spaces and dashes", raw: map[string]any{"phone": "+62 812-3456-7890"}, want: map[string]any{"phone": "081234567890"}},
		{name: "phone 62 without plus", raw: map[string]any{"phone": "6281234567890"}, want: map[string]any{"phone": "081234567890"}},
		{name: "phone spaces", raw: map[string]any{"phone": "0812 3456 7890"}, want: map[string]any{"phone": "081234567890"}},
		{name: "phone dots", raw: map[string]any{"phone": "0812.3456.7890"}, want: map[string]any{"phone": "081234567890"}},
		{name: "phone landline with area code in brackets", raw: map[string]any{"phone": "(0562) 631234"}, want: map[string]any{"phone": "0562631234"}},
		{name: "phone too short", raw: map[string]any{"phone": "0812345"}, wantErr: map[string]string{"phone": "invalid_phone"}},
		{name: "phone too long", raw: map[string]any{"phone": "0812345678901234"}, wantErr: map[string]string{"phone": "invalid_phone"}},
		{name: "phone letters", raw: map[string]any{"phone": "0812-abc-7890"}, wantErr: map[string]string{"phone": "invalid_phone"}},
		{name: "phone foreign number", raw: map[string]any{"phone": "+1 202 555 0100"}, wantErr: map[string]string{"phone": "invalid_phone"}},
		{name: "phone not starting with 0", raw: map[string]any{"phone": "81234567890"}, wantErr: map[string]string{"phone": "invalid_phone"}},

		// select
		{name: "select option", raw: map[string]any{"kind": " a "}, want: map[string]any{"kind": "a"}},
		{name: "select unknown option", raw: map[string]any{"kind": "d"}, wantErr: map[string]string{"kind": "invalid_option"}},
		{name: "select is case sensitive", raw: map[string]any{"kind": "A"}, wantErr: map[string]string{"kind": "invalid_option"}},
		{name: "select label is not a code", raw: map[string]any{"kind": "B "}, wantErr: map[string]string{"kind": "invalid_option"}},

		// multiselect: every input shape, de-duplication, order
		{name: "multiselect JSON array in definition order", raw: map[string]any{"tags": []any{"z", "x"}}, want: map[string]any{"tags": []string{"x", "z"}}},
		{name: "multiselect repeated multipart values", raw: map[string]any{"tags": []string{"y", "x", "y"}}, want: map[string]any{"tags": []string{"x", "y"}}},
		{name: "multiselect comma string", raw: map[string]any{"tags": "z, y ,x"}, want: map[string]any{"tags": []string{"x", "y", "z"}}},
		{name: "multiselect single multipart comma value", raw: map[string]any{"tags": []string{"z,x"}}, want: map[string]any{"tags": []string{"x", "z"}}},
		{name: "multiselect JSON string", raw: map[string]any{"tags": `["z","y","z"]`}, want: map[string]any{"tags": []string{"y", "z"}}},
		{name: "multiselect JSON string in multipart", raw: map[string]any{"tags": []string{` ["y"] `}}, want: map[string]any{"tags": []string{"y"}}},
		{name: "multiselect empty items ignored", raw: map[string]any{"tags": "x,,  ,y"}, want: map[string]any{"tags": []string{"x", "y"}}},
		{name: "multiselect empty array is no value", raw: map[string]any{"tags": []any{}}, want: map[string]any{"tags": absent}},
		{name: "multiselect empty string is no value", raw: map[string]any{"tags": ""}, want: map[string]any{"tags": absent}},
		{name: "multiselect unknown option", raw: map[string]any{"tags": []any{"x", "w"}}, wantErr: map[string]string{"tags": "invalid_option"}},
		{name: "multiselect non-string item", raw: map[string]any{"tags": []any{"x", 1.0}}, wantErr: map[string]string{"tags": "invalid_type"}},
		{name: "multiselect broken JSON string", raw: map[string]any{"tags": `["x",`}, wantErr: map[string]string{"tags": "invalid_type"}},
		{name: "multiselect given a bool", raw: map[string]any{"tags": true}, wantErr: map[string]string{"tags": "invalid_type"}},
		{name: "ordered multiselect keeps the given order", raw: map[string]any{"ranked": []any{"z", "x"}}, want: map[string]any{"ranked": []string{"z", "x"}}},
		{name: "ordered multiselect refuses duplicates", raw: map[string]any{"ranked": []any{"y", "y"}}, wantErr: map[string]string{"ranked": "duplicate_option"}},
		{name: "ordered multiselect max_items", raw: map[string]any{"ranked": []any{"x", "y", "z"}}, wantErr: map[string]string{"ranked": "too_many"}},

		// bool
		{name: "bool true string", raw: map[string]any{"flag": "true"}, want: map[string]any{"flag": true}},
		{name: "bool on", raw: map[string]any{"flag": "on"}, want: map[string]any{"flag": true}},
		{name: "bool ya", raw: map[string]any{"flag": " Ya "}, want: map[string]any{"flag": true}},
		{name: "bool 1 in multipart", raw: map[string]any{"flag": []string{"1"}}, want: map[string]any{"flag": true}},
		{name: "bool false string", raw: map[string]any{"flag": "false"}, want: map[string]any{"flag": false}},
		{name: "bool tidak", raw: map[string]any{"flag": "tidak"}, want: map[string]any{"flag": false}},
		{name: "bool JSON true", raw: map[string]any{"flag": true}, want: map[string]any{"flag": true}},
		{name: "bool maybe refused", raw: map[string]any{"flag": "maybe"}, wantErr: map[string]string{"flag": "invalid_type"}},
		{name: "bool number refused", raw: map[string]any{"flag": 1.0}, wantErr: map[string]string{"flag": "invalid_type"}},
		{name: "unticked must_be_true box", raw: map[string]any{"agree": nil}, wantErr: map[string]string{"agree": "must_be_true"}},
		{name: "must_be_true box answered false", raw: map[string]any{"agree": "false"}, wantErr: map[string]string{"agree": "must_be_true"}},

		// dates (today is 27 November 2026 in the office)
		{name: "date valid", raw: map[string]any{"born": "2010-03-14"}, want: map[string]any{"born": "2010-03-14"}},
		{name: "date from a stored timestamp", raw: map[string]any{"born": "2010-03-14 00:00:00.000Z"}, want: map[string]any{"born": "2010-03-14"}},
		{name: "date from RFC 3339", raw: map[string]any{"born": "2010-03-14T10:00:00+07:00"}, want: map[string]any{"born": "2010-03-14"}},
		{name: "date not in the calendar", raw: map[string]any{"born": "2010-02-30"}, wantErr: map[string]string{"born": "invalid_date"}},
		{name: "date in day-month-year", raw: map[string]any{"born": "14-03-2010"}, wantErr: map[string]string{"born": "invalid_date"}},
		{name: "date given a number", raw: map[string]any{"born": 2010.0}, wantErr: map[string]string{"born": "invalid_type"}},
		{name: "date today in the office is not future", raw: map[string]any{"born": "2026-11-27"}, want: map[string]any{"born": "2026-11-27"}},
		{name: "date tomorrow in the office is future", raw: map[string]any{"born": "2026-11-28"}, wantErr: map[string]string{"born": "date_in_future"}},
		{name: "date before min_date", raw: map[string]any{"born": "1999-12-31"}, wantErr: map[string]string{"born": "date_too_early"}},
		{name: "date on min_date", raw: map[string]any{"born": "2000-01-01"}, want: map[string]any{"born": "2000-01-01"}},

		// files
		{name: "file accepted", raw: map[string]any{"doc": pdf}, want: map[string]any{"doc": pdf}},
		{name: "file pointer accepted", raw: map[string]any{"doc": &engine.FileMeta{Name: "a.png", Size: 1024, MIME: "image/png"}}, want: map[string]any{"doc": engine.FileMeta{Name: "a.png", Size: 1024, MIME: "image/png"}}},
		{name: "file too large", raw: map[string]any{"doc": engine.FileMeta{Name: "a.pdf", Size: 1025, MIME: "application/pdf"}}, wantErr: map[string]string{"doc": "file_too_large"}},
		{name: "file empty", raw: map[string]any{"doc": engine.FileMeta{Name: "a.pdf", Size: 0, MIME: "application/pdf"}}, wantErr: map[string]string{"doc": "file_empty"}},
		{name: "file wrong MIME", raw: map[string]any{"doc": engine.FileMeta{Name: "a.pdf", Size: 10, MIME: "image/gif"}}, wantErr: map[string]string{"doc": "file_type"}},
		{name: "file given as a string", raw: map[string]any{"doc": "ktp.pdf"}, wantErr: map[string]string{"doc": "invalid_file"}},

		// numbers
		{name: "number from string", raw: map[string]any{"count": " 3 "}, want: map[string]any{"count": 3.0}},
		{name: "number from JSON", raw: map[string]any{"count": 10.0}, want: map[string]any{"count": 10.0}},
		{name: "number from json.Number", raw: map[string]any{"count": json.Number("4")}, want: map[string]any{"count": 4.0}},
		{name: "number not integer", raw: map[string]any{"count": "2.5"}, wantErr: map[string]string{"count": "not_integer"}},
		{name: "number below min", raw: map[string]any{"count": "0"}, wantErr: map[string]string{"count": "too_small"}},
		{name: "number above max", raw: map[string]any{"count": 11.0}, wantErr: map[string]string{"count": "too_large"}},
		{name: "number NaN string", raw: map[string]any{"score": "NaN"}, wantErr: map[string]string{"score": "invalid_type"}},
		{name: "number Inf string", raw: map[string]any{"score": "-Inf"}, wantErr: map[string]string{"score": "invalid_type"}},
		{name: "number overflowing", raw: map[string]any{"score": "1e400"}, wantErr: map[string]string{"score": "invalid_type"}},
		{name: "number words", raw: map[string]any{"score": "tiga"}, wantErr: map[string]string{"score": "invalid_type"}},
		{name: "number bool", raw: map[string]any{"score": true}, wantErr: map[string]string{"score": "invalid_type"}},
		{name: "number negative fraction without limits", raw: map[string]any{"score": "-1.5"}, want: map[string]any{"score": -1.5}},
		{name: "number empty string is no value", raw: map[string]any{"score": ""}, want: map[string]any{"score": absent}},

		// conditions
		{name: "required_when holds", raw: map[string]any{"kind": "c"}, wantErr: map[string]string{"reason": "required"}},
		{name: "required_when holds and answered", raw: map[string]any{"kind": "c", "reason": "pindah"}, want: map[string]any{"reason": "pindah"}},
		{name: "required_when does not hold", raw: map[string]any{"kind": "a"}, want: map[string]any{"reason": absent}},
		{name: "show_when hides and drops the value", raw: map[string]any{"kind": "a", "detail": "rahasia"}, want: map[string]any{"detail": absent}},
		{name: "show_when without the controlling value hides", raw: map[string]any{"detail": "rahasia"}, want: map[string]any{"detail": absent}},
		{name: "show_when shows and keeps the value", raw: map[string]any{"kind": "b", "detail": " rinci "}, want: map[string]any{"detail": "rinci"}},

		// named validators
		{name: "named validator refuses", raw: map[string]any{"nick": "ani99"}, wantErr: map[string]string{"nick": "has_digits"}},
		{name: "named validator accepts", raw: map[string]any{"nick": "Nona"}, want: map[string]any{"nick": "Nona"}},

		// unknown keys
		{name: "unknown key", raw: map[string]any{"password": "x"}, wantErr: map[string]string{"password": "unknown_field"}},
		{name: "unknown key even when null", raw: map[string]any{"is_admin": nil}, wantErr: map[string]string{"is_admin": "unknown_field"}},
		{name: "unknown long key is truncated", raw: map[string]any{strings.Repeat("k", 100): "x"}, wantErr: map[string]string{strings.Repeat("k", 60) + "…": "unknown_field"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := map[string]any{"name": "Ani", "agree": true}
			for k, v := range tc.raw {
				raw[k] = v
			}
			res, codes := submit(f, raw, env)
			want := tc.wantErr
			if want == nil {
				want = map[string]string{}
			}
			if !reflect.DeepEqual(codes, want) {
				t.Errorf("errors = %v, want %v", codes, want)
			}
			for k, w := range tc.want {
				got, ok := res.Values[k]
				if w == absent {
					if ok {
						t.Errorf("value %s = %#v, want it absent", k, got)
					}
					continue
				}
				if !ok || !reflect.DeepEqual(got, w) {
					t.Errorf("value %s = %#v, want %#v", k, got, w)
				}
			}
			// a field with an error never has a cleaned value
			for k := range res.Errors {
				if _, ok := res.Values[k]; ok {
					t.Errorf("field %s has both an error and a value", k)
				}
			}
		})
	}
}

// The office's calendar decides "today": at 17:30 UTC on 26 November it is
// already 27 November in Singkawang, but not in UTC.
func TestDateNotFutureUsesOfficeTimeZone(t *testing.T) {
	f := loadKitchen(t)
	now := time.Date(2026, 11, 26, 17, 30, 0, 0, time.UTC)
	cases := []struct {
		loc     *time.Location
		date    string
		wantErr string
	}{
		{pontianak(t), "2026-11-27", ""},
		{pontianak(t), "2026-11-28", "date_in_future"},
		{nil, "2026-11-26", ""},
		{nil, "2026-11-27", "date_in_future"},
		{time.UTC, "2026-11-27", "date_in_future"},
	}
	for _, tc := range cases {
		env := engine.Env{Now: now, Location: tc.loc}
		res, codes := submit(f, map[string]any{"name": "Ani", "agree": true, "born": tc.date}, env)
		if codes["born"] != tc.wantErr {
			t.Errorf("loc %v date %s: error %q, want %q", tc.loc, tc.date, codes["born"], tc.wantErr)
		}
		if tc.wantErr == "" && res.Values["born"] != tc.date {
			t.Errorf("loc %v date %s: cleaned %v", tc.loc, tc.date, res.Values["born"])
		}
	}
	if got := (engine.Env{Now: now, Location: pontianak(t)}).Today(); !got.Equal(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Today() = %v, want 2026-11-27 00:00 UTC", got)
	}
}

// Validate also takes values read back from a record: dates as time.Time,
// files as metadata.
func TestFormValidateTypedValues(t *testing.T) {
	f := loadKitchen(t)
	res := f.Validate(engine.Values{
		"name": "Ani", "agree": true,
		"born": time.Date(2010, 3, 14, 23, 0, 0, 0, time.UTC),
		"tags": []string{"z", "x", "z"},
	}, testEnv(t))
	if !res.OK() {
		t.Fatalf("errors: %v", res.Errors)
	}
	if res.Values["born"] != "2010-03-14" {
		t.Errorf("born = %#v, want \"2010-03-14\"", res.Values["born"])
	}
	if !reflect.DeepEqual(res.Values["tags"], []string{"x", "z"}) {
		t.Errorf("tags = %#v, want [x z]", res.Values["tags"])
	}
}

func TestFieldValidatorWarningsNameTheField(t *testing.T) {
	f := loadKitchen(t)
	res, codes := submit(f, map[string]any{"name": "Ani", "agree": true, "nick": "Al"}, testEnv(t))
	if len(codes) != 0 {
		t.Fatalf("errors: %v", codes)
	}
	if len(res.Warnings) != 1 || res.Warnings[0].Field != "nick" || res.Warnings[0].Code != "very_short" {
		t.Errorf("warnings = %+v, want one very_short on nick", res.Warnings)
	}
	if res.Values["nick"] != "Al" {
		t.Errorf("a warning must keep the value; nick = %#v", res.Values["nick"])
	}
}

func TestDerivedOnlyWhenValid(t *testing.T) {
	f := loadBaseForm(t)
	res, codes := submit(f, map[string]any{"name": "Ani"}, testEnv(t))
	if len(codes) != 0 || res.Derived["level"] != "x" {
		t.Errorf("valid submission: errors %v, derived %v; want none and level=x", codes, res.Derived)
	}
	res, _ = submit(f, map[string]any{}, testEnv(t))
	if res.OK() || res.Derived != nil {
		t.Errorf("invalid submission: OK=%v derived=%v; want errors and no derived values", res.OK(), res.Derived)
	}
}

// A form field may take a list registered in code by name, or reuse another
// field's options; the loaded form must then accept those options (and serve
// them to clients).
func TestFormOptionsFromStaticList(t *testing.T) {
	def := mutate(t, baseFormJSON, func(m map[string]any) {
		addFormField(m, map[string]any{"name": "colour", "type": "select", "label": "Warna", "options_from": "colours"})
		addFormField(m, map[string]any{"name": "kinds", "type": "multiselect", "label": "Jenis-jenis", "options_from": "form:kind"})
	})
	f, err := engine.LoadForm("static.form.json", def, testRegistry())
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Field("colour").Options; len(got) != 2 {
		t.Errorf("served field colour has options %+v, want the 2 registered colours", got)
	}
	if got := f.Field("kinds").Options; len(got) != 2 {
		t.Errorf("served field kinds has options %+v, want the 2 options of kind", got)
	}
	res, codes := submit(f, map[string]any{"name": "Ani", "colour": "red", "kinds": []any{"b"}}, testEnv(t))
	if len(codes) != 0 {
		t.Errorf("registered options refused: %v", codes)
	}
	if res.Values["colour"] != "red" {
		t.Errorf("colour = %#v, want red", res.Values["colour"])
	}
}
