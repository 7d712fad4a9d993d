package referral

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// Every pair of statuses: the six allowed moves, and every other move
// refused with a code and a message that says what to do instead.
func TestEveryTransition(t *testing.T) {
	allowed := map[[2]string]Transition{
		{"draft", "sent"}:         {Action: "send", Stamp: "sent_at"},
		{"draft", "revoked"}:      {Action: "revoke", Stamp: "revoked_at", Note: "closing_note", NoteRequired: true},
		{"sent", "accepted"}:      {Action: "accept", Stamp: "responded_at", Note: "response_note"},
		{"sent", "declined"}:      {Action: "decline", Stamp: "responded_at", Note: "response_note", NoteRequired: true},
		{"sent", "revoked"}:       {Action: "revoke", Stamp: "revoked_at", Note: "closing_note", NoteRequired: true},
		{"accepted", "completed"}: {Action: "complete", Stamp: "completed_at", Note: "closing_note"},
	}
	refused := map[[2]string]string{
		{"draft", "accepted"}:     "not_sent",
		{"draft", "declined"}:     "not_sent",
		{"draft", "completed"}:    "not_sent",
		{"sent", "draft"}:         "already_sent",
		{"sent", "completed"}:     "not_accepted",
		{"accepted", "draft"}:     "already_answered",
		{"accepted", "sent"}:      "already_answered",
		{"accepted", "declined"}:  "already_answered",
		{"accepted", "revoked"}:   "already_accepted",
		{"declined", "draft"}:     "referral_final",
		{"declined", "sent"}:      "referral_final",
		{"declined", "accepted"}:  "referral_final",
		{"declined", "completed"}: "referral_final",
		{"declined", "revoked"}:   "referral_final",
		{"completed", "draft"}:    "referral_final",
		{"completed", "sent"}:     "referral_final",
		{"completed", "accepted"}: "referral_final",
		{"completed", "declined"}: "referral_final",
		{"completed", "revoked"}:  "referral_final",
		{"revoked", "draft"}:      "referral_final",
		{"revoked", "sent"}:       "referral_final",
		{"revoked", "accepted"}:   "referral_final",
		{"revoked", "declined"}:   "referral_final",
		{"revoked", "completed"}:  "referral_final",
		{"draft", "diterima"}:     "invalid_status",
		{"sent", ""}:              "invalid_status",
		{"entah", "sent"}:         "invalid_status",
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			if from == to {
				continue
			}
			key := [2]string{from, to}
			_, ok := allowed[key]
			_, no := refused[key]
			if ok == no {
				t.Errorf("%s → %s is neither allowed nor refused by this test", from, to)
			}
		}
	}
	for key, want := range allowed {
		t.Run(key[0]+"→"+key[1], func(t *testing.T) {
			got, r := Next(key[0], key[1])
			if r != nil {
				t.Fatalf("refused: %+v", r)
			}
			want.From, want.To = key[0], key[1]
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got %+v, want %+v", got, want)
			}
		})
	}
	for key, code := range refused {
		t.Run(key[0]+"→"+key[1]+" refused", func(t *testing.T) {
			_, r := Next(key[0], key[1])
			if r == nil {
				t.Fatal("allowed")
			}
			if r.Code != code {
				t.Fatalf("code %s, want %s", r.Code, code)
			}
			if !strings.HasSuffix(r.Message, ".") || strings.Contains(r.Message, "status ") && r.Code != "invalid_status" {
				t.Fatalf("message %q", r.Message)
			}
		})
	}
}

func TestFinalStatuses(t *testing.T) {
	for status, want := range map[string]bool{"draft": false, "sent": false, "accepted": false, "declined": true, "completed": true, "revoked": true} {
		if Final(status) != want {
			t.Errorf("Final(%s) = %v", status, !want)
		}
	}
	for _, s := range Statuses {
		if StatusLabels[s] == "" {
			t.Errorf("status %s without a label", s)
		}
	}
	for _, tr := range Transitions {
		if tr.NoteRequired && NoteMessages[tr.Action] == "" {
			t.Errorf("%s → %s requires %s without a message", tr.From, tr.To, tr.Note)
		}
	}
}

// The consent gate: whose consent counts, and the field-keyed reason when
// it is missing.
func TestConsentGate(t *testing.T) {
	type problem struct{ field, code string }
	cases := []struct {
		name string
		c    Consent
		want []problem
	}{
		{"no consent recorded", Consent{}, []problem{{"consent", "consent_required"}}},
		{"no consent, child", Consent{Child: true, By: "guardian", Name: "Ibu Sari"}, []problem{{"consent", "consent_required"}}},
		{"adult victim consents", Consent{Given: true, By: "victim"}, nil},
		{"consent without who gave it", Consent{Given: true}, []problem{{"consent_by", "required"}}},
		{"consent by someone unknown", Consent{Given: true, By: "tetangga"}, []problem{{"consent_by", "required"}}},
		{"child's own consent is not enough", Consent{Given: true, By: "victim", Child: true}, []problem{{"consent_by", "guardian_consent_required"}}},
		{"child with the guardian's consent", Consent{Given: true, By: "guardian", Name: "Ibu Sari", Child: true}, nil},
		{"guardian without a name", Consent{Given: true, By: "guardian", Child: true}, []problem{{"consent_name", "required"}}},
		{"guardian for an adult", Consent{Given: true, By: "guardian", Name: "Pak Budi"}, []problem{{"consent_by", "victim_consent_required"}}},
		{"guardian for an adult, physical disability", Consent{Given: true, By: "guardian", Name: "Pak Budi", Disability: "physical"}, []problem{{"consent_by", "victim_consent_required"}}},
		{"guardian for an adult, intellectual disability", Consent{Given: true, By: "guardian", Name: "Pak Budi", Disability: "intellectual"}, nil},
		{"guardian for an adult, mental disability", Consent{Given: true, By: "guardian", Name: "Pak Budi", Disability: "mental"}, nil},
		{"guardian for an adult, multiple disabilities", Consent{Given: true, By: "guardian", Name: "Pak Budi", Disability: "multiple"}, nil},
		{"guardian for an adult, unnamed", Consent{Given: true, By: "guardian"}, []problem{{"consent_by", "victim_consent_required"}, {"consent_name", "required"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []problem
			for _, p := range CheckConsent(tc.c) {
				got = append(got, problem{p.Field, p.Code})
				if !strings.HasSuffix(p.Message, ".") || len(p.Message) < 30 {
					t.Errorf("message %q", p.Message)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// Need-to-know: what each kind of institution learns of the victim.
func TestIdentityForEachInstitutionType(t *testing.T) {
	cases := map[string]struct{ has, hasNot []string }{
		"health":         {[]string{"name", "nik", "birth_date", "disability"}, []string{"address"}},
		"police":         {[]string{"name", "nik", "birth_date", "address"}, nil},
		"shelter":        {[]string{"name", "age"}, []string{"nik", "address", "birth_date"}},
		"psychosocial":   {[]string{"name", "age"}, []string{"nik", "address"}},
		"legal_aid":      {[]string{"name", "nik", "address"}, nil},
		"civil_registry": {[]string{"name", "nik", "birth_date", "address"}, nil},
		"education":      {[]string{"name", "age"}, []string{"nik", "address", "disability"}},
		"religious":      {[]string{"name"}, []string{"nik", "address"}},
		"social_rehab":   {[]string{"name", "disability", "address"}, []string{"nik"}},
		"other":          {[]string{"name", "sex", "age"}, []string{"nik", "address", "birth_date"}},
		"unknown type":   {[]string{"name", "sex", "age"}, []string{"nik", "address", "birth_date"}},
	}
	for typ, tc := range cases {
		got := IdentityFor(typ)
		for _, f := range tc.has {
			if !contains(got, f) {
				t.Errorf("%s letter lacks %s: %v", typ, f, got)
			}
		}
		for _, f := range tc.hasNot {
			if contains(got, f) {
				t.Errorf("%s letter carries %s: %v", typ, f, got)
			}
		}
	}
}

func TestLetterNumber(t *testing.T) {
	nov := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	jan := time.Date(2027, 1, 2, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		format string
		seq    int
		at     time.Time
		want   string
	}{
		{"", 1, nov, "001/RUJ/SKW/XI/2026"},
		{DefaultLetterFormat, 42, jan, "042/RUJ/SKW/I/2027"},
		{"{seq}/RUJ/{code}/{month_roman}/{year}", 1234, nov, "1234/RUJ/SKW/XI/2026"},
		{"400.2.4/{seq}/DSP3A/{month}.{year}", 7, jan, "400.2.4/007/DSP3A/01.2027"},
		{"{year}-{seq} {unknown}", 3, nov, "2026-003 {unknown}"},
	}
	for _, tc := range cases {
		if got := LetterNumber(tc.format, "SKW", tc.seq, tc.at); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.format, got, tc.want)
		}
	}
	for m := 1; m <= 12; m++ {
		got := LetterNumber("{month_roman}", "", 1, time.Date(2026, time.Month(m), 1, 0, 0, 0, 0, time.UTC))
		want := []string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"}[m-1]
		if got != want {
			t.Errorf("month %d: %s", m, got)
		}
	}
}

func TestCheckLetterFormat(t *testing.T) {
	for format, ok := range map[string]bool{
		"":                                   true,
		DefaultLetterFormat:                  true,
		"400.2.4/{seq}/DSP3A/{month}.{year}": true,
		"{seq}/RUJ":                          false, // every year would restart the same numbers
		"RUJ/{year}":                         false,
		"{seq}/{tahun}/{year}":               false,
		"{seq}/{year}/" + strings.Repeat("X", 80): false,
	} {
		err := CheckLetterFormat(format)
		if (err == nil) != ok {
			t.Errorf("%q: %v", format, err)
		}
		if err != nil && !strings.Contains(err.Error(), "{seq}") && !strings.Contains(err.Error(), "panjang") {
			t.Errorf("%q: message does not say how to fix it: %v", format, err)
		}
	}
}
