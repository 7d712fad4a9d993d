package engine_test

import (
	"reflect"
	"testing"

	"teduh/internal/definitions"
	"teduh/internal/engine"
)

func loadComplaint(t testing.TB) *definitions.Set {
	t.Helper()
	set, err := definitions.Load()
	if err != nil {
		t.Fatalf("definitions.Load: %v", err)
	}
	return set
}

// validComplaint is a complete, valid public submission (reported by a
// family member).
func validComplaint() map[string]any {
	return map[string]any{
		"reporter_name":     "Siti Aminah",
		"reporter_phone":    "0812-3456-7890",
		"reporter_relation": "family",
		"victim_name":       "Dewi",
		"victim_sex":        "female",
		"chronology":        "Korban dipukul oleh ayahnya kemarin malam.",
		"consent":           true,
	}
}

func TestComplaintFormValidation(t *testing.T) {
	set := loadComplaint(t)
	form := set.Form.Resolve(map[string][]engine.Option{
		definitions.OptionsOfficeDistricts: definitions.DistrictOptions([]string{"Singkawang Barat", "Singkawang Timur"}),
	})
	env := testEnv(t)
	cases := []struct {
		name    string
		raw     map[string]any // merged over validComplaint; nil removes
		want    map[string]any
		wantErr map[string]string
	}{
		{name: "valid", want: map[string]any{
			"reporter_name": "Siti Aminah", "reporter_phone": "081234567890", "victim_name": "Dewi",
			"immediate_danger": false, "injured": false, "consent": true,
		}},
		{name: "self report copies the reporter's name onto the victim", raw: map[string]any{"reporter_relation": "self", "victim_name": nil},
			want: map[string]any{"victim_name": "Siti Aminah"}},
		{name: "self report ignores a victim name sent anyway", raw: map[string]any{"reporter_relation": "self", "victim_name": "Orang Lain"},
			want: map[string]any{"victim_name": "Siti Aminah"}},
		{name: "victim name required when reporter is not the victim", raw: map[string]any{"victim_name": nil},
			wantErr: map[string]string{"victim_name": "required"}},
		{name: "reporter name required", raw: map[string]any{"reporter_name": "  "},
			wantErr: map[string]string{"reporter_name": "required"}},
		{name: "self report without reporter name: only the reporter name is flagged", raw: map[string]any{"reporter_relation": "self", "reporter_name": nil, "victim_name": nil},
			wantErr: map[string]string{"reporter_name": "required"}},
		{name: "relation unknown", raw: map[string]any{"reporter_relation": "stranger"},
			wantErr: map[string]string{"reporter_relation": "invalid_option"}},
		{name: "consent missing", raw: map[string]any{"consent": nil},
			wantErr: map[string]string{"consent": "must_be_true"}},
		{name: "chronology too short in letters", raw: map[string]any{"chronology": "dipukul  "},
			wantErr: map[string]string{"chronology": "too_short"}},
		{name: "phone +62 normalised", raw: map[string]any{"reporter_phone": "+62 812-3456-7890"},
			want: map[string]any{"reporter_phone": "081234567890"}},
		{name: "phone refused", raw: map[string]any{"reporter_phone": "12345"},
			wantErr: map[string]string{"reporter_phone": "invalid_phone"}},
		{name: "district from the office list", raw: map[string]any{"victim_district": "Singkawang Timur"},
			want: map[string]any{"victim_district": "Singkawang Timur"}},
		{name: "district outside the area", raw: map[string]any{"victim_district": definitions.OutsideArea},
			want: map[string]any{"victim_district": "luar_wilayah"}},
		{name: "district not in the office list", raw: map[string]any{"victim_district": "Pontianak Kota"},
			wantErr: map[string]string{"victim_district": "invalid_option"}},
		{name: "violence types in definition order", raw: map[string]any{"violence_types": []any{"sexual", "physical", "sexual"}},
			want: map[string]any{"violence_types": []string{"physical", "sexual"}}},
		{name: "birth date in the future", raw: map[string]any{"victim_birth_date": "2026-11-28"},
			wantErr: map[string]string{"victim_birth_date": "date_in_future"}},
		{name: "birth date before 1900", raw: map[string]any{"victim_birth_date": "1899-12-31"},
			wantErr: map[string]string{"victim_birth_date": "date_too_early"}},
		{name: "identity document too large", raw: map[string]any{"identity_document": engine.FileMeta{Name: "ktp.jpg", Size: 5<<20 + 1, MIME: "image/jpeg"}},
			wantErr: map[string]string{"identity_document": "file_too_large"}},
		{name: "identity document as HTML", raw: map[string]any{"identity_document": engine.FileMeta{Name: "ktp.jpg", Size: 100, MIME: "text/html"}},
			wantErr: map[string]string{"identity_document": "file_type"}},
		{name: "unknown key", raw: map[string]any{"status": "closed"},
			wantErr: map[string]string{"status": "unknown_field"}},
		{name: "workflow field is not a form field", raw: map[string]any{"current_step": 9.0},
			wantErr: map[string]string{"current_step": "unknown_field"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := validComplaint()
			for k, v := range tc.raw {
				if v == nil {
					delete(raw, k)
				} else {
					raw[k] = v
				}
			}
			res, codes := submit(form, raw, env)
			want := tc.wantErr
			if want == nil {
				want = map[string]string{}
			}
			if !reflect.DeepEqual(codes, want) {
				t.Errorf("errors = %v, want %v", codes, want)
			}
			for k, w := range tc.want {
				if got := res.Values[k]; !reflect.DeepEqual(got, w) {
					t.Errorf("value %s = %#v, want %#v", k, got, w)
				}
			}
			if len(want) == 0 {
				if u := res.Derived["urgency"]; u != engine.UrgencyNormal && u != engine.UrgencyEmergency {
					t.Errorf("valid submission has urgency %#v", u)
				}
			}
		})
	}
}

// A value left in a field the form hides (the user typed a victim name, then
// chose "I am the victim") must not block the submission: the field is
// hidden, its value is replaced by the copy.
func TestComplaintHiddenFieldStaleValueIgnored(t *testing.T) {
	set := loadComplaint(t)
	raw := validComplaint()
	raw["reporter_relation"] = "self"
	raw["victim_name"] = "D" // too short, but hidden
	res, codes := submit(set.Form, raw, testEnv(t))
	if len(codes) != 0 {
		t.Errorf("errors on a hidden field: %v", codes)
	}
	if res.Values["victim_name"] != "Siti Aminah" {
		t.Errorf("victim_name = %#v, want the copied reporter name", res.Values["victim_name"])
	}
}

// "+62 (0)812…" is a common way to write an Indonesian mobile number; the
// trunk 0 in brackets must not survive as a second leading zero.
func TestPhoneWithTrunkZeroInBrackets(t *testing.T) {
	set := loadComplaint(t)
	raw := validComplaint()
	raw["reporter_phone"] = "+62 (0)812-3456-7890"
	res, codes := submit(set.Form, raw, testEnv(t))
	if codes["reporter_phone"] == "" && res.Values["reporter_phone"] != "081234567890" {
		t.Errorf("reporter_phone cleaned to %#v, want 081234567890 (or a refusal)", res.Values["reporter_phone"])
	}
}

func TestResolveFillsDynamicOptionsWithoutMutating(t *testing.T) {
	set := loadComplaint(t)
	orig := set.Form
	if n := len(orig.Field("victim_district").Options); n != 0 {
		t.Fatalf("unresolved form already has %d district options", n)
	}
	districts := definitions.DistrictOptions([]string{"Singkawang Barat", "Singkawang Selatan"})
	resolved := orig.Resolve(map[string][]engine.Option{definitions.OptionsOfficeDistricts: districts})

	got := resolved.Field("victim_district").Options
	if !reflect.DeepEqual(got, districts) {
		t.Errorf("resolved district options = %+v, want %+v", got, districts)
	}
	if last := got[len(got)-1]; last.Code != definitions.OutsideArea {
		t.Errorf("last district option = %+v, want %q", last, definitions.OutsideArea)
	}
	if n := len(orig.Field("victim_district").Options); n != 0 {
		t.Errorf("Resolve mutated the original form: it now has %d district options", n)
	}
	// the resolved copy is independent: changing it leaves the original alone
	resolved.Field("reporter_relation").Options[0].Label = "DIUBAH"
	if orig.Field("reporter_relation").Options[0].Label == "DIUBAH" {
		t.Errorf("resolved form shares option slices with the original")
	}
	districts[0].Label = "DIUBAH"
	if resolved.Field("victim_district").Options[0].Label == "DIUBAH" {
		t.Errorf("resolved form shares the caller's option slice")
	}
	if resolved.Registry() != orig.Registry() || resolved.ID != orig.ID || resolved.Version != orig.Version {
		t.Errorf("resolved form lost its registry or identity")
	}

	// the unresolved form refuses every district; the resolved one accepts
	raw := validComplaint()
	raw["victim_district"] = "Singkawang Barat"
	if _, codes := submit(orig, raw, testEnv(t)); codes["victim_district"] != "invalid_option" {
		t.Errorf("unresolved form: district error %q, want invalid_option", codes["victim_district"])
	}
	if res, codes := submit(resolved, raw, testEnv(t)); len(codes) != 0 || res.Values["victim_district"] != "Singkawang Barat" {
		t.Errorf("resolved form: errors %v, district %#v", codes, res.Values["victim_district"])
	}
	// a second resolution with other districts does not see the first
	other := orig.Resolve(map[string][]engine.Option{definitions.OptionsOfficeDistricts: definitions.DistrictOptions([]string{"Roban"})})
	if n := len(other.Field("victim_district").Options); n != 2 {
		t.Errorf("second resolution has %d district options, want 2", n)
	}
}
