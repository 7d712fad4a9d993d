package definitions_test

import (
	"reflect"
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Pontianak without relying on the system's zoneinfo

	"teduh/internal/definitions"
	"teduh/internal/engine"
)

// NIKs used below (province 61 Kalimantan Barat, regency 72 Singkawang).
const (
	nikGirl2010   = "6172015403100001" // female, born 14 March 2010
	nikMan1990    = "6172010101900001" // male, born 1 January 1990
	nikBoy18Today = "6172012711080001" // male, born 27 November 2008
	nikBornToday  = "6172016711260001" // female, born 27 November 2026
)

func pontianak(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Pontianak")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// testEnv is 26 November 2026 17:30 UTC = 27 November 00:30 in Singkawang.
func testEnv(t testing.TB) engine.Env {
	return engine.Env{Now: time.Date(2026, 11, 26, 17, 30, 0, 0, time.UTC), Location: pontianak(t)}
}

func load(t testing.TB) *definitions.Set {
	t.Helper()
	set, err := definitions.Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return set
}

func TestLoadComplaintWorkflowMatchesDesign(t *testing.T) {
	set := load(t)
	w := set.Workflow
	if w.ID != "complaint" || set.Form.ID != "complaint" || w.Version == "" || w.Version != set.Form.Version {
		t.Errorf("ids/versions: form %s %s, workflow %s %s", set.Form.ID, set.Form.Version, w.ID, w.Version)
	}
	want := []struct {
		code, label string
		roles       []string
	}{
		{"intake", "Pengajuan pengaduan", nil},
		{"stabilization", "Identifikasi singkat dan penenangan korban", []string{"officer", "supervisor"}},
		{"verification", "Verifikasi laporan dan rekomendasi prioritas rujukan", []string{"officer", "supervisor"}},
		{"escort", "Pendampingan ke tempat rujukan atau tempat aman", []string{"officer", "supervisor"}},
		{"monitoring", "Pemantauan korban", []string{"officer", "supervisor"}},
		{"assessment", "Identifikasi kasus secara lengkap", []string{"officer", "supervisor"}},
		{"disposition", "Disposisi tindak lanjut", []string{"supervisor"}},
		{"referral", "Surat rujukan ke lembaga lain", []string{"officer", "supervisor"}},
		{"report", "Laporan penanganan", []string{"officer", "supervisor"}},
	}
	if len(w.Steps) != len(want) {
		t.Fatalf("%d steps, want %d", len(w.Steps), len(want))
	}
	for i, s := range want {
		got := w.Step(i + 1)
		if got.Number != i+1 || got.Code != s.code || got.Label != s.label {
			t.Errorf("step %d = %d %q %q, want %q %q", i+1, got.Number, got.Code, got.Label, s.code, s.label)
		}
		if !slices.Equal(got.Roles, s.roles) {
			t.Errorf("step %d roles %v, want %v", i+1, got.Roles, s.roles)
		}
		if got.Automatic != (i == 0) {
			t.Errorf("step %d automatic = %v", i+1, got.Automatic)
		}
	}
	// outcomes per DESIGN §2
	outcomes := map[int][]string{
		1: {"done"}, 2: {"done"}, 3: {"done", "incomplete"}, 4: {"done", "skipped"}, 5: {"progress", "done"},
		6: {"done"}, 7: {"done"}, 8: {"done", "skipped"}, 9: {"done"},
	}
	for n, codes := range outcomes {
		var got []string
		for _, o := range w.Step(n).Outcomes {
			got = append(got, o.Code)
		}
		if !slices.Equal(got, codes) {
			t.Errorf("step %d outcomes %v, want %v", n, got, codes)
		}
	}
	if w.FirstResponse.Step != 2 || w.FirstResponse.Hours[engine.UrgencyEmergency] != 1 || w.FirstResponse.Hours[engine.UrgencyNormal] != 24 {
		t.Errorf("first response %+v, want step 2, 1 h emergency, 24 h normal", w.FirstResponse)
	}
	if !slices.Equal(w.Withdraw.Roles, []string{"officer", "supervisor"}) {
		t.Errorf("withdraw roles %v", w.Withdraw.Roles)
	}
	// the 7-day clock starts at step 3 done, and only there; the case closes at step 9 only
	for _, s := range w.Steps {
		for _, o := range s.Outcomes {
			if engine.HasEffect(o.Effects, engine.EffectStartClock) != (s.Number == 3 && o.Code == "done") {
				t.Errorf("step %d %s: start_clock effect present = %v", s.Number, o.Code, engine.HasEffect(o.Effects, engine.EffectStartClock))
			}
			if engine.HasEffect(o.Effects, engine.EffectCloseCase) != (s.Number == 9) {
				t.Errorf("step %d %s: close_case effect wrong", s.Number, o.Code)
			}
		}
	}
	// option lists were resolved at load: step 3 takes the institution types,
	// step 6 the form's own lists
	if got := w.Step(3).Fields[1].Options; !reflect.DeepEqual(got, definitions.InstitutionTypes) {
		t.Errorf("step 3 referral_priorities options %v, want the institution types", got)
	}
	if got, want := w.Step(6).Fields[0].Options, set.Form.Field("violence_types").Options; !reflect.DeepEqual(got, want) {
		t.Errorf("step 6 violence_types options %v, want the form's %v", got, want)
	}
	if got := engine.CopyFields(w.Step(6).Outcome("done").Effects); !slices.Equal(got, []string{"violence_types", "perpetrator_relation", "incident_place"}) {
		t.Errorf("step 6 copies %v to the case", got)
	}
	// every copied field exists on the complaint form with the same type
	for _, name := range engine.CopyFields(w.Step(6).Outcome("done").Effects) {
		if f := set.Form.Field(name); f == nil {
			t.Errorf("step 6 copies %s, which the form does not have", name)
		}
	}
}

// The service complaint form takes what the old feedback form took, so the
// stored feedback moves over field by field.
func TestLoadServiceComplaintForm(t *testing.T) {
	set, err := definitions.LoadEmbedded(definitions.ServiceComplaintID)
	if err != nil {
		t.Fatal(err)
	}
	f := set.Form
	cases := []struct {
		raw     map[string]any
		wantErr map[string]string
	}{
		{map[string]any{"kind": "praise", "message": "Petugas ramah.", "rating": "5"}, map[string]string{}},
		{map[string]any{"kind": "praise", "message": "Petugas ramah.", "rating": 6.0}, map[string]string{"rating": "too_large"}},
		{map[string]any{"kind": "praise", "message": "Petugas ramah.", "rating": "4.5"}, map[string]string{"rating": "not_integer"}},
		{map[string]any{"kind": "praise", "message": "ok"}, map[string]string{"message": "too_short"}},
		{map[string]any{"message": "Antrean lama sekali."}, map[string]string{"kind": "required"}},
		{map[string]any{"kind": "complaint", "message": "Antrean lama sekali."}, map[string]string{"kind": "invalid_option"}},
		{map[string]any{"kind": "suggestion", "message": "Tambah kursi.", "email": "a@b.c"}, map[string]string{"email": "unknown_field"}},
	}
	for _, tc := range cases {
		values, cerrs := f.Coerce(tc.raw)
		res := f.Validate(values, testEnv(t))
		got := map[string]string{}
		for k, e := range res.Errors {
			got[k] = e.Code
		}
		for k, e := range cerrs {
			got[k] = e.Code
		}
		if !reflect.DeepEqual(got, tc.wantErr) {
			t.Errorf("%v: errors %v, want %v", tc.raw, got, tc.wantErr)
		}
	}
}

func TestDistrictOptions(t *testing.T) {
	got := definitions.DistrictOptions([]string{"Singkawang Barat", "Roban"})
	want := []engine.Option{{Code: "Singkawang Barat", Label: "Singkawang Barat"}, {Code: "Roban", Label: "Roban"}, {Code: "luar_wilayah", Label: "Luar wilayah"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DistrictOptions = %v, want %v", got, want)
	}
	if got := definitions.DistrictOptions(nil); len(got) != 1 || got[0].Code != definitions.OutsideArea {
		t.Errorf("DistrictOptions(nil) = %v, want only the outside-area option", got)
	}
}

func TestCrisisUrgency(t *testing.T) {
	env := testEnv(t) // today is 27 November 2026 in the office
	sexual := []string{"psychological", "sexual"}
	cases := []struct {
		name   string
		values engine.Values
		env    engine.Env
		want   string
	}{
		{"nothing", engine.Values{}, env, engine.UrgencyNormal},
		{"no danger, no injury", engine.Values{"immediate_danger": false, "injured": false}, env, engine.UrgencyNormal},
		{"immediate danger", engine.Values{"immediate_danger": true}, env, engine.UrgencyEmergency},
		{"injured", engine.Values{"injured": true, "victim_birth_date": "1980-01-01"}, env, engine.UrgencyEmergency},
		{"sexual violence against a child (birth date)", engine.Values{"violence_types": sexual, "victim_birth_date": "2015-06-01"}, env, engine.UrgencyEmergency},
		{"sexual violence against a child (NIK only)", engine.Values{"violence_types": sexual, "victim_nik": nikGirl2010}, env, engine.UrgencyEmergency},
		{"sexual violence against an adult (birth date)", engine.Values{"violence_types": sexual, "victim_birth_date": "1990-01-01"}, env, engine.UrgencyNormal},
		{"sexual violence against an adult (NIK only)", engine.Values{"violence_types": sexual, "victim_nik": nikMan1990}, env, engine.UrgencyNormal},
		{"birth date wins over the NIK", engine.Values{"violence_types": sexual, "victim_birth_date": "1990-01-01", "victim_nik": nikGirl2010}, env, engine.UrgencyNormal},
		{"invalid NIK, no birth date", engine.Values{"violence_types": sexual, "victim_nik": "6172015403100000"}, env, engine.UrgencyNormal},
		{"sexual violence, age unknown", engine.Values{"violence_types": []string{"sexual"}}, env, engine.UrgencyNormal},
		{"physical violence against a child", engine.Values{"violence_types": []string{"physical"}, "victim_birth_date": "2015-06-01"}, env, engine.UrgencyNormal},
		{"18th birthday today: adult", engine.Values{"violence_types": sexual, "victim_birth_date": "2008-11-27"}, env, engine.UrgencyNormal},
		{"18th birthday tomorrow: still a child", engine.Values{"violence_types": sexual, "victim_birth_date": "2008-11-28"}, env, engine.UrgencyEmergency},
		{"18th birthday today by NIK: adult", engine.Values{"violence_types": sexual, "victim_nik": nikBoy18Today}, env, engine.UrgencyNormal},
		{"18th birthday is today in Singkawang but not yet in UTC", engine.Values{"violence_types": sexual, "victim_birth_date": "2008-11-27"},
			engine.Env{Now: env.Now, Location: time.UTC}, engine.UrgencyEmergency},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := definitions.CrisisUrgency(tc.values, tc.env); got != tc.want {
				t.Errorf("CrisisUrgency = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestIsChildBoundary(t *testing.T) {
	birthday18 := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	v := engine.Values{"victim_birth_date": "2008-11-27"}
	if !definitions.IsChild(v, birthday18.AddDate(0, 0, -1)) {
		t.Error("the day before the 18th birthday must be a child")
	}
	if definitions.IsChild(v, birthday18) {
		t.Error("the 18th birthday must be an adult")
	}
}

// complaint is a complete, valid submission reported by a family member.
func complaint() map[string]any {
	return map[string]any{
		"reporter_name": "Siti", "reporter_phone": "081234567890", "reporter_relation": "family",
		"victim_name": "Dewi", "victim_sex": "female",
		"chronology": "Korban mengalami kekerasan di rumah.", "consent": true,
	}
}

func TestComplaintUrgencyDerived(t *testing.T) {
	f := load(t).Form
	raw := complaint()
	raw["violence_types"] = "sexual"
	raw["victim_nik"] = nikGirl2010
	values, cerrs := f.Coerce(raw)
	res := f.Validate(values, testEnv(t))
	if len(cerrs) != 0 || !res.OK() {
		t.Fatalf("errors %v %v", cerrs, res.Errors)
	}
	if res.Derived["urgency"] != engine.UrgencyEmergency {
		t.Errorf("urgency %v, want emergency (sexual violence, child by NIK)", res.Derived["urgency"])
	}
	raw["victim_birth_date"] = "1995-05-05"
	values, _ = f.Coerce(raw)
	if res := f.Validate(values, testEnv(t)); res.Derived["urgency"] != engine.UrgencyNormal {
		t.Errorf("urgency %v, want normal (adult by birth date)", res.Derived["urgency"])
	}
}

func TestComplaintNIKValidator(t *testing.T) {
	f := load(t).Form
	env := testEnv(t)
	type warn struct{ field, code string }
	cases := []struct {
		name     string
		nik      string
		sex      string
		birth    string
		env      *engine.Env
		wantErr  string
		wantNIK  string
		wantWarn []warn
	}{
		{name: "valid", nik: nikGirl2010, wantNIK: nikGirl2010},
		{name: "valid with separators", nik: " 6172-0154.0310 0001 ", wantNIK: nikGirl2010},
		{name: "too short", nik: "12345", wantErr: "nik_length"},
		{name: "letter O for zero", nik: "61720154031000O1", wantErr: "nik_digits"},
		{name: "unknown province", nik: "9972015403100001", wantErr: "nik_province"},
		{name: "regency 00", nik: "6100015403100001", wantErr: "nik_regency"},
		{name: "district 00", nik: "6172005403100001", wantErr: "nik_district"},
		{name: "birth day 99", nik: "6172019903100001", wantErr: "nik_birth_date"},
		{name: "serial 0000", nik: "6172015403100000", wantErr: "nik_serial"},
		{name: "sex mismatch is a warning", nik: nikGirl2010, sex: "male", wantNIK: nikGirl2010,
			wantWarn: []warn{{"victim_nik", "nik_sex_mismatch"}}},
		{name: "birth date mismatch is a warning", nik: nikGirl2010, birth: "2010-03-15", wantNIK: nikGirl2010,
			wantWarn: []warn{{"victim_nik", "nik_birth_date_mismatch"}}},
		{name: "matching birth date, no warning", nik: nikGirl2010, birth: "2010-03-14", wantNIK: nikGirl2010},
		{name: "born today in Singkawang", nik: nikBornToday, wantNIK: nikBornToday},
		{name: "born today in Singkawang is tomorrow in UTC", nik: nikBornToday, env: &engine.Env{Now: env.Now, Location: time.UTC}, wantErr: "nik_birth_date"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := complaint()
			raw["victim_nik"] = tc.nik
			if tc.sex != "" {
				raw["victim_sex"] = tc.sex
			}
			if tc.birth != "" {
				raw["victim_birth_date"] = tc.birth
			}
			e := env
			if tc.env != nil {
				e = *tc.env
			}
			values, cerrs := f.Coerce(raw)
			if len(cerrs) != 0 {
				t.Fatalf("coerce errors %v", cerrs)
			}
			res := f.Validate(values, e)
			got := map[string]string{}
			for k, fe := range res.Errors {
				got[k] = fe.Code
			}
			if tc.wantErr != "" {
				if !reflect.DeepEqual(got, map[string]string{"victim_nik": tc.wantErr}) {
					t.Errorf("errors %v, want victim_nik %s", got, tc.wantErr)
				}
				if fe := res.Errors["victim_nik"]; fe != nil && fe.Message == "" {
					t.Errorf("error without a message")
				}
				if _, ok := res.Values["victim_nik"]; ok {
					t.Errorf("refused NIK kept as a value")
				}
				return
			}
			if len(got) != 0 {
				t.Fatalf("errors %v, want none", got)
			}
			if res.Values["victim_nik"] != tc.wantNIK {
				t.Errorf("victim_nik = %#v, want %q", res.Values["victim_nik"], tc.wantNIK)
			}
			var gotWarn []warn
			for _, w := range res.Warnings {
				gotWarn = append(gotWarn, warn{w.Field, w.Code})
				if w.Message == "" {
					t.Errorf("warning %s without a message", w.Code)
				}
			}
			if !reflect.DeepEqual(gotWarn, tc.wantWarn) {
				t.Errorf("warnings %v, want %v", gotWarn, tc.wantWarn)
			}
		})
	}
}

// The cleaned NIK is what is stored and searched: whatever separators the
// nik package accepts (it accepts any Unicode dash and space) must not
// survive into the stored value.
func TestComplaintNIKStoredCanonical(t *testing.T) {
	f := load(t).Form
	for _, in := range []string{"6172–0154–0310–0001", "6172\u00a00154\u00a00310\u00a00001"} {
		raw := complaint()
		raw["victim_nik"] = in
		values, _ := f.Coerce(raw)
		res := f.Validate(values, testEnv(t))
		if fe := res.Errors["victim_nik"]; fe != nil {
			continue // refusing is acceptable too
		}
		if res.Values["victim_nik"] != nikGirl2010 {
			t.Errorf("NIK %q accepted and cleaned to %q, want %q", in, res.Values["victim_nik"], nikGirl2010)
		}
	}
}
