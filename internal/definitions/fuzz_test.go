package definitions_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"teduh/internal/definitions"
	"teduh/internal/engine"
)

var phoneRe = regexp.MustCompile(`^0[0-9]{8,13}$`)

// fuzzValue turns a fuzzed string into a value of one of the shapes a client
// can send: JSON strings, numbers, bools, arrays, objects, null, multipart
// string lists, file metadata.
func fuzzValue(v string, shape uint8) any {
	switch shape % 9 {
	case 0:
		return v
	case 1:
		return []string{v}
	case 2:
		return []string{v, strings.ToUpper(v)}
	case 3:
		var list []any
		for _, s := range strings.Split(v, ",") {
			list = append(list, s)
		}
		return list
	case 4:
		return len(v)%2 == 0
	case 5:
		n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return float64(len(v))
		}
		return n
	case 6:
		var x any
		if json.Unmarshal([]byte(v), &x) == nil {
			return x
		}
		return v
	case 7:
		return nil
	default:
		return engine.FileMeta{Name: v, Size: int64(len(v)) << 16, MIME: v}
	}
}

func FuzzFormSubmission(f *testing.F) {
	f.Add(`{}`, uint8(0), "Siti", uint8(0), "", uint8(0))
	f.Add(`{"reporter_relation":"self","victim_name":null}`, uint8(3), "+62 812-3456-7890", uint8(1), "x", uint8(2))
	f.Add(`{"violence_types":["sexual","physical","sexual"],"victim_birth_date":"2015-01-01"}`, uint8(9), "6172015403100001", uint8(8), "sexual,physical", uint8(4))
	f.Add(`{"victim_nik":"6172 0154 0310 0001","victim_sex":"male"}`, uint8(7), "2026-11-27", uint8(12), "true", uint8(6))
	f.Add(`{"consent":"on","immediate_danger":"ya","injured":"tidak"}`, uint8(2), "\x00\x01 \u2028 Ani \t", uint8(4), "\xff\xfe", uint8(1))
	f.Add(`{"chronology":"baris\r\nbaris\r\nbaris dua"}`, uint8(14), "é", uint8(5), "[\"a\"]", uint8(3))
	f.Add(`{"unknown":1,"status":"closed"}`, uint8(255), "junk_key", uint8(200), "1e400", uint8(5))
	f.Add(`[1,2,3]`, uint8(10), "Singkawang Barat", uint8(11), "luar_wilayah", uint8(8))
	f.Add(`{"identity_document":"ktp.pdf"}`, uint8(13), "application/pdf", uint8(6), "null", uint8(16))

	set, err := definitions.Load()
	if err != nil {
		f.Fatal(err)
	}
	form := set.Form.Resolve(map[string][]engine.Option{
		definitions.OptionsOfficeDistricts: definitions.DistrictOptions([]string{"Singkawang Barat", "Singkawang Timur"}),
	})
	fields := form.Fields()
	env := engine.Env{Now: time.Date(2026, 11, 26, 17, 30, 0, 0, time.UTC), Location: pontianak(f)}

	f.Fuzz(func(t *testing.T, object string, k1 uint8, v1 string, k2 uint8, v2 string, shape uint8) {
		raw := map[string]any{}
		if shape&0x80 == 0 {
			raw = complaint()
		}
		var obj map[string]any
		if json.Unmarshal([]byte(object), &obj) == nil {
			for k, v := range obj {
				raw[k] = v
			}
		}
		for i, kv := range []struct {
			k uint8
			v string
		}{{k1, v1}, {k2, v2}} {
			key := "x_" + kv.v // junk key
			if idx := int(kv.k) % (len(fields) + 1); idx < len(fields) {
				key = fields[idx].Name
			}
			raw[key] = fuzzValue(kv.v, shape+uint8(i))
		}

		values, cerrs := form.Coerce(raw)
		res := form.Validate(values, env)

		for k, e := range cerrs {
			if e == nil || e.Code == "" || e.Message == "" {
				t.Fatalf("coerce error for %q without code or message: %+v", k, e)
			}
		}
		for k, e := range res.Errors {
			if e == nil || e.Code == "" || e.Message == "" {
				t.Fatalf("validation error for %q without code or message: %+v", k, e)
			}
			if _, ok := res.Values[k]; ok {
				t.Fatalf("field %q has both an error and a cleaned value", k)
			}
		}
		for k := range res.Values {
			if form.Field(k) == nil {
				t.Fatalf("cleaned values hold %q, which is not a form field", k)
			}
		}
		if len(res.Errors) > 0 {
			return
		}
		today := env.Today()
		for i := range fields {
			fd := &fields[i]
			v, has := res.Values[fd.Name]
			if !has {
				if fd.Required && fd.ShowWhen == nil {
					t.Fatalf("no errors but required field %q has no value", fd.Name)
				}
				continue
			}
			switch fd.Type {
			case engine.TypeText, engine.TypeTextarea, engine.TypePhone, engine.TypeNIK, engine.TypeSelect:
				s, ok := v.(string)
				if !ok {
					t.Fatalf("%s: cleaned value %#v is not a string", fd.Name, v)
				}
				if !utf8.ValidString(s) {
					t.Fatalf("%s: cleaned value %q is not valid UTF-8", fd.Name, s)
				}
				n := utf8.RuneCountInString(s)
				limit := fd.MaxLength
				if limit == 0 {
					limit = 10000
				}
				if n == 0 || n > limit || (fd.MinLength > 0 && n < fd.MinLength) {
					t.Fatalf("%s: cleaned value %q has %d letters, limits %d..%d", fd.Name, s, n, fd.MinLength, limit)
				}
				if strings.TrimSpace(s) != s {
					t.Fatalf("%s: cleaned value %q is not trimmed", fd.Name, s)
				}
				for _, r := range s {
					if unicode.IsControl(r) && !(r == '\n' && fd.Type == engine.TypeTextarea) {
						t.Fatalf("%s: cleaned value %q holds control character %U", fd.Name, s, r)
					}
				}
				if fd.Type == engine.TypeSelect && !fd.HasOption(s) {
					t.Fatalf("%s: cleaned value %q is not an option", fd.Name, s)
				}
				if fd.Type == engine.TypePhone && !phoneRe.MatchString(s) {
					t.Fatalf("%s: cleaned phone %q is not a local number", fd.Name, s)
				}
			case engine.TypeMultiselect:
				list, ok := v.([]string)
				if !ok || len(list) == 0 {
					t.Fatalf("%s: cleaned value %#v is not a non-empty list", fd.Name, v)
				}
				for j, code := range list {
					if !fd.HasOption(code) || slices.Contains(list[:j], code) {
						t.Fatalf("%s: cleaned list %q has an unknown or repeated option", fd.Name, list)
					}
				}
			case engine.TypeDate:
				s, _ := v.(string)
				d, err := time.Parse("2006-01-02", s)
				if err != nil || (fd.NotFuture && d.After(today)) {
					t.Fatalf("%s: cleaned date %#v is invalid or in the future", fd.Name, v)
				}
			case engine.TypeBool:
				if b, ok := v.(bool); !ok || (fd.MustBeTrue && !b) {
					t.Fatalf("%s: cleaned value %#v", fd.Name, v)
				}
			case engine.TypeFile:
				m, ok := v.(engine.FileMeta)
				if !ok || m.Size <= 0 || m.Size > fd.MaxSize {
					t.Fatalf("%s: cleaned file %#v", fd.Name, v)
				}
			}
		}
		if rel, _ := res.Values["reporter_relation"].(string); rel == "self" && res.Values["victim_name"] != res.Values["reporter_name"] {
			t.Fatalf("self report: victim_name %#v, reporter_name %#v", res.Values["victim_name"], res.Values["reporter_name"])
		}
		if u := res.Derived["urgency"]; u != engine.UrgencyNormal && u != engine.UrgencyEmergency {
			t.Fatalf("urgency %#v", u)
		}
	})
}

// fuzzFacts answers step validators from fuzzed bits.
type fuzzFacts struct {
	referralNeeded, step7 bool
	sent, draft           int
	fail                  bool
}

func (f *fuzzFacts) LatestStepData(step int) (map[string]any, bool) {
	if step == 7 && f.step7 {
		return map[string]any{"referral_needed": f.referralNeeded}, true
	}
	return nil, false
}

func (f *fuzzFacts) CountReferrals(statuses ...string) (int, error) {
	if f.fail {
		return 0, errFacts
	}
	n := 0
	for _, s := range statuses {
		switch s {
		case "draft":
			n += f.draft
		case "sent":
			n += f.sent
		}
	}
	return n, nil
}

type factsError struct{}

func (factsError) Error() string { return "facts unavailable" }

var errFacts = factsError{}

func FuzzStepData(f *testing.F) {
	f.Add(uint8(2), uint8(0), "", "Korban tenang.", `{}`, uint8(0))
	f.Add(uint8(3), uint8(0), "", "", `{"requirements_complete":true,"referral_priorities":["police","health"]}`, uint8(0))
	f.Add(uint8(3), uint8(1), "", "KTP belum ada", `{"requirements_complete":"false","referral_priorities":"police"}`, uint8(8))
	f.Add(uint8(4), uint8(0), "", "", `{"destination":"RSUD","police_assistance":"ya"}`, uint8(1))
	f.Add(uint8(4), uint8(1), "", "aman", `{"destination":null}`, uint8(2))
	f.Add(uint8(5), uint8(0), "", "kunjungan", `{"victim_safe":false}`, uint8(3))
	f.Add(uint8(5), uint8(1), "", "", `{"victim_safe":true}`, uint8(4))
	f.Add(uint8(6), uint8(0), "", "", `{"violence_types":["sexual"],"perpetrator_relation":"parent","incident_place":"household","needs":"health,police"}`, uint8(5))
	f.Add(uint8(7), uint8(0), "", "rujuk", `{"referral_needed":true}`, uint8(0x26))
	f.Add(uint8(7), uint8(0), "", "rujuk", `{"referral_needed":true}`, uint8(0x06))
	f.Add(uint8(8), uint8(0), "", "surat", `{}`, uint8(0x13))
	f.Add(uint8(8), uint8(1), "", "", `{}`, uint8(0x10))
	f.Add(uint8(9), uint8(0), "", "laporan", `{}`, uint8(0x04))
	f.Add(uint8(9), uint8(0), "", "laporan", `{}`, uint8(0x02))
	f.Add(uint8(1), uint8(0), "", "", `{}`, uint8(0x80))
	f.Add(uint8(5), uint8(250), "withdrawn", "dicabut", `{}`, uint8(0))
	f.Add(uint8(6), uint8(250), "done", "", `{"violence_types":[1,2],"needs":{"a":1},"extra":"x"}`, uint8(0x20))
	f.Add(uint8(1), uint8(0), "", "", `{"x":1}`, uint8(0))
	f.Add(uint8(10), uint8(250), "done", "\xff", `[]`, uint8(0xff))

	set, err := definitions.Load()
	if err != nil {
		f.Fatal(err)
	}
	w := set.Workflow
	env := engine.Env{Now: time.Date(2026, 11, 26, 17, 30, 0, 0, time.UTC), Location: pontianak(f)}
	roleSets := [][]string{{"officer"}, {"supervisor"}, {engine.RoleSuperuser}, nil}

	f.Fuzz(func(t *testing.T, stepN, outcomeSel uint8, outcomeStr, notes, data string, bits uint8) {
		n := int(stepN % 11) // 0..10: includes steps that do not exist
		current := max(n-1, 0)
		status := engine.StatusInProgress
		if current <= 1 {
			status = engine.StatusNew
		}
		if bits&0x08 != 0 && current == 2 {
			status = "awaiting_requirements"
		}
		state := engine.CaseState{CurrentStep: current, Status: status}

		req := engine.StepRequest{Step: n, Notes: notes, Roles: roleSets[int(bits>>5)%len(roleSets)], System: n == 1 && bits&0x80 != 0}
		step := w.Step(n)
		switch {
		case outcomeSel >= 250 || step == nil:
			req.Outcome = outcomeStr
		case outcomeSel >= 240:
			req.Outcome = engine.OutcomeWithdrawn
		default:
			req.Outcome = step.Outcomes[int(outcomeSel)%len(step.Outcomes)].Code
		}
		var m map[string]any
		if json.Unmarshal([]byte(data), &m) == nil {
			req.Data = m
		}
		facts := &fuzzFacts{
			referralNeeded: bits&0x01 != 0, step7: bits&0x10 != 0,
			sent: int(bits>>1) & 1, draft: int(bits>>2) & 1, fail: bits == 0x7f,
		}

		d, r := w.Decide(state, req, env, facts)
		if (d == nil) == (r == nil) {
			t.Fatalf("Decide returned decision %v and refusal %v", d, r)
		}
		if r != nil {
			if r.Status != http.StatusBadRequest && r.Status != http.StatusForbidden && r.Status != http.StatusConflict {
				t.Fatalf("refusal with HTTP status %d", r.Status)
			}
			if r.Message == "" {
				t.Fatalf("refusal without a message")
			}
			for k, e := range r.Fields {
				if e == nil || e.Code == "" || e.Message == "" {
					t.Fatalf("refusal field %q without code or message", k)
				}
			}
			return
		}

		// accepted: check every rule the decision must respect
		if step == nil || d.Step != step {
			t.Fatalf("accepted step %d, which is not a step", n)
		}
		if n != current+1 {
			t.Fatalf("accepted step %d with current step %d", n, current)
		}
		declared := func(key string) bool {
			return slices.ContainsFunc(step.Fields, func(f engine.Field) bool { return f.Name == key })
		}
		for key := range req.Data {
			if !declared(key) || d.Outcome == engine.OutcomeWithdrawn {
				t.Fatalf("step %d %s accepted with undeclared data key %q", n, d.Outcome, key)
			}
		}
		for key := range d.Data {
			if !declared(key) {
				t.Fatalf("step %d decision stores undeclared data key %q", n, key)
			}
		}
		if !utf8.ValidString(d.Notes) || strings.TrimSpace(d.Notes) != d.Notes {
			t.Fatalf("notes %q not cleaned", d.Notes)
		}
		if d.Outcome == engine.OutcomeWithdrawn {
			if d.Notes == "" || d.NewStatus != engine.StatusWithdrawn || d.NewStep != n || !engine.HasEffect(d.Effects, engine.EffectCloseCase) {
				t.Fatalf("withdrawal decision %+v", d)
			}
			return
		}
		o := step.Outcome(d.Outcome)
		if o == nil || o.Code != req.Outcome {
			t.Fatalf("accepted outcome %q (asked %q) not declared on step %d", d.Outcome, req.Outcome, n)
		}
		if o.NotesRequired && d.Notes == "" {
			t.Fatalf("step %d %s accepted without notes", n, o.Code)
		}
		if step.Automatic && !req.System {
			t.Fatalf("automatic step %d accepted from staff", n)
		}
		if !req.System && !slices.Contains(req.Roles, engine.RoleSuperuser) &&
			!slices.ContainsFunc(req.Roles, func(r string) bool { return slices.Contains(step.Roles, r) }) {
			t.Fatalf("step %d accepted for roles %v", n, req.Roles)
		}
		if o.Advancing() {
			if d.NewStep != n {
				t.Fatalf("advancing outcome left the case at step %d", d.NewStep)
			}
		} else if d.NewStep != current {
			t.Fatalf("non-advancing outcome moved the case to step %d", d.NewStep)
		}
		if !slices.Contains([]string{engine.StatusNew, engine.StatusInProgress, engine.StatusClosed, "awaiting_requirements"}, d.NewStatus) {
			t.Fatalf("new status %q", d.NewStatus)
		}
		if o.When != nil && !o.When.Matches(d.Data) {
			t.Fatalf("step %d %s accepted with data %v not matching its condition", n, o.Code, d.Data)
		}
		switch {
		case n == 8 && o.Code == "skipped" && (!facts.step7 || facts.referralNeeded):
			t.Fatalf("step 8 skipped although step 7 did not say no referral is needed")
		case n == 8 && o.Code == "done" && facts.sent == 0:
			t.Fatalf("step 8 done without a sent referral")
		case n == 9 && (facts.draft > 0 || facts.fail):
			t.Fatalf("case closed with draft referrals or unknown facts")
		}
		if n == 9 && (d.NewStatus != engine.StatusClosed || !engine.HasEffect(d.Effects, engine.EffectCloseCase)) {
			t.Fatalf("step 9 did not close the case: %+v", d)
		}
	})
}
