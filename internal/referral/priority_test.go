package referral

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func types(recs []Recommendation) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Type
	}
	return out
}

// Each rule of the table, alone: the types it recommends in order and the
// reason a person reads. The baseline (psychosocial support) closes every list.
func TestEveryPriorityRule(t *testing.T) {
	cases := []struct {
		rule   string
		s      Situation
		want   []string
		reason string // words the reason must contain
	}{
		{"injury", Situation{Injured: true}, []string{"health", "psychosocial"}, "terluka"},
		{"sexual_within_72h", Situation{SexualViolence: true, IncidentKnown: true, SinceIncident: 10 * time.Hour},
			[]string{"health", "police", "psychosocial"}, "72 jam"},
		{"sexual_within_72h", Situation{SexualViolence: true, IncidentKnown: true, SinceIncident: 72 * time.Hour},
			[]string{"health", "police", "psychosocial"}, "bukti forensik"},
		{"sexual_time_unknown", Situation{SexualViolence: true}, []string{"health", "psychosocial"}, "belum diketahui"},
		{"sexual_after_72h", Situation{SexualViolence: true, IncidentKnown: true, SinceIncident: 72*time.Hour + time.Minute},
			[]string{"health", "psychosocial"}, "lebih dari 72 jam"},
		{"immediate_danger", Situation{ImmediateDanger: true}, []string{"police", "shelter", "psychosocial"}, "bahaya"},
		{"perpetrator_in_home", Situation{PerpetratorInHome: true}, []string{"shelter", "psychosocial"}, "serumah"},
		{"trafficking", Situation{Trafficking: true}, []string{"police", "shelter", "social_rehab", "psychosocial"}, "perdagangan orang"},
		{"exploitation", Situation{Exploitation: true}, []string{"police", "social_rehab", "psychosocial"}, "Eksploitasi"},
		{"child", Situation{Child: true}, []string{"psychosocial", "education"}, "anak"},
		{"psychological_distress", Situation{PsychologicalDistress: true}, []string{"psychosocial", "religious"}, "psikis"},
		{"legal_process", Situation{WantsLegalProcess: true}, []string{"police", "legal_aid", "psychosocial"}, "proses hukum"},
		{"missing_documents", Situation{MissingCivilDocuments: true}, []string{"civil_registry", "psychosocial"}, "Dukcapil"},
		{"disability", Situation{Disability: true}, []string{"social_rehab", "psychosocial"}, "disabilitas"},
		{"baseline", Situation{}, []string{"psychosocial"}, "pendampingan psikososial"},
	}
	covered := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.rule, func(t *testing.T) {
			got := Recommend(tc.s)
			if !reflect.DeepEqual(types(got), tc.want) {
				t.Fatalf("types %v, want %v", types(got), tc.want)
			}
			first := got[0]
			if first.Rules[0] != tc.rule {
				t.Fatalf("first type %s comes from rule %v, want %s", first.Type, first.Rules, tc.rule)
			}
			if !strings.Contains(first.Reason, tc.reason) {
				t.Fatalf("reason %q does not say %q", first.Reason, tc.reason)
			}
			for _, r := range got {
				if r.Reason == "" || len(r.Reasons) == 0 || r.Reasons[0] != r.Reason {
					t.Fatalf("%s without its reason: %+v", r.Type, r)
				}
			}
		})
		covered[tc.rule] = true
	}
	for _, r := range Rules {
		if !covered[r.Code] {
			t.Errorf("rule %s has no test case", r.Code)
		}
	}
}

// The table's rows are well formed: unique codes, known types, a reason in
// Bahasa Indonesia that ends a sentence.
func TestPriorityTableIsWellFormed(t *testing.T) {
	known := map[string]bool{}
	for _, typ := range []string{TypeHealth, TypePolice, TypeShelter, TypePsychosocial, TypeLegalAid, TypeCivilRegistry, TypeEducation, TypeReligious, TypeSocialRehab, TypeOther} {
		known[typ] = true
	}
	seen := map[string]bool{}
	for _, r := range Rules {
		if seen[r.Code] {
			t.Errorf("rule %s twice", r.Code)
		}
		seen[r.Code] = true
		if len(r.Types) == 0 || r.When == nil {
			t.Errorf("rule %s without types or condition", r.Code)
		}
		for _, typ := range r.Types {
			if !known[typ] {
				t.Errorf("rule %s names unknown type %s", r.Code, typ)
			}
		}
		if !strings.HasSuffix(r.Reason, ".") || len(r.Reason) < 40 {
			t.Errorf("rule %s reason %q", r.Code, r.Reason)
		}
	}
}

// Several conditions at once: each type once, at the place of its most
// urgent rule, with every reason that asked for it.
func TestRecommendCombinesRulesInPriorityOrder(t *testing.T) {
	// a 15-year-old girl raped by her father yesterday, injured, who wants to report
	s := Situation{
		Injured: true, SexualViolence: true, IncidentKnown: true, SinceIncident: 20 * time.Hour,
		PerpetratorInHome: true, Child: true, PsychologicalDistress: true, WantsLegalProcess: true,
	}
	got := Recommend(s)
	want := []string{"health", "police", "shelter", "psychosocial", "education", "religious", "legal_aid"}
	if !reflect.DeepEqual(types(got), want) {
		t.Fatalf("types %v, want %v", types(got), want)
	}
	health := got[0]
	if !reflect.DeepEqual(health.Rules, []string{"injury", "sexual_within_72h"}) || len(health.Reasons) != 2 {
		t.Fatalf("health rules %v reasons %d", health.Rules, len(health.Reasons))
	}
	if !strings.Contains(health.Reason, "terluka") {
		t.Fatalf("health reason is not the most urgent one: %q", health.Reason)
	}
	police := got[1]
	if !reflect.DeepEqual(police.Rules, []string{"sexual_within_72h", "legal_process"}) {
		t.Fatalf("police rules %v", police.Rules)
	}
	psycho := got[3]
	if !reflect.DeepEqual(psycho.Rules, []string{"child", "psychological_distress", "baseline"}) {
		t.Fatalf("psychosocial rules %v", psycho.Rules)
	}

	// trafficking with immediate danger: police first, then the shelter, once
	got = Recommend(Situation{ImmediateDanger: true, Trafficking: true, Exploitation: true})
	if want := []string{"police", "shelter", "social_rehab", "psychosocial"}; !reflect.DeepEqual(types(got), want) {
		t.Fatalf("types %v, want %v", types(got), want)
	}
}

func TestSinceIncidentDay(t *testing.T) {
	wib := time.FixedZone("WIB", 7*3600)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, wib)
	cases := []struct {
		day   string
		since time.Duration
		known bool
	}{
		{"", 0, false},
		{"kemarin", 0, false},
		{"2026-11-26", 0, true},              // today: the incident may have just happened
		{"2026-11-25", 9 * time.Hour, true},  // yesterday: at least since midnight
		{"2026-11-23", 57 * time.Hour, true}, // within the 72 hours
		{"2026-11-22", 81 * time.Hour, true}, // past them
		{"2026-11-27", 0, true},              // a future date is not negative
		{"2026-11-25T10:00:00Z", 0, false},   // not a day
		{"2026-02-30", 0, false},             // no such day
		{"2026-11-25", 9 * time.Hour, true},  // repeated on purpose: pure function
		{"2025-11-26", 364*24*time.Hour + 9*time.Hour, true},
	}
	for _, tc := range cases {
		since, known := SinceIncidentDay(tc.day, now, wib)
		if since != tc.since || known != tc.known {
			t.Errorf("%q: %v %v, want %v %v", tc.day, since, known, tc.since, tc.known)
		}
	}
	// the day is read in the office's time zone: 23:30 UTC on the 25th is already the 26th in WIB
	late := time.Date(2026, 11, 25, 23, 30, 0, 0, time.UTC)
	if since, _ := SinceIncidentDay("2026-11-25", late, wib); since != 6*time.Hour+30*time.Minute {
		t.Errorf("at 06:30 WIB on the 26th, the 25th ended 6.5 h ago: got %v", since)
	}
	if since, _ := SinceIncidentDay("2026-11-25", late, nil); since != 0 {
		t.Errorf("in UTC the 25th has not ended yet: got %v", since)
	}
}

func TestPerpetratorInHome(t *testing.T) {
	cases := []struct {
		relation, place string
		want            bool
	}{
		{"parent", "", true},
		{"parent", "school", true},
		{"spouse", "household", true},
		{"family", "household", true},
		{"family", "public_facility", false},
		{"family", "", false},
		{"neighbor", "household", false},
		{"teacher", "school", false},
		{"unknown", "household", false},
		{"", "", false},
	}
	for _, tc := range cases {
		if got := PerpetratorInHome(tc.relation, tc.place); got != tc.want {
			t.Errorf("%s at %s: %v, want %v", tc.relation, tc.place, got, tc.want)
		}
	}
}
