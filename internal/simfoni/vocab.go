// Package simfoni holds what Teduh hands to SIMFONI-PPA, the national
// system of the Ministry (KemenPPPA): its vocabularies as a data file that
// names its public source (simfoni.json), the mapping of Teduh's own codes
// onto SIMFONI's categories (in the same file, so a changed category is a
// data change), and the pure rules that turn one case into the counts it
// contributes (cells) and cells into the office's statistics. It needs no
// database: pb_hooks feeds it plain structs read from the records.
package simfoni

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
)

//go:embed simfoni.json
var vocabFile []byte

// Unknown is the category of a value that was not recorded.
const (
	Unknown      = "tidak_diketahui"
	UnknownLabel = "Tidak diketahui"
)

// Item is one category of a list: SIMFONI's code and label, the Teduh codes
// it takes, and list-specific rules (age bounds, where a service comes from).
type Item struct {
	Code  string   `json:"code"`
	Label string   `json:"label"`
	Teduh []string `json:"teduh,omitempty"`
	// Min and Max bound an age group, in whole years.
	Min *int `json:"min,omitempty"`
	Max *int `json:"max,omitempty"`
	// Always: a service every case receives (the complaint service itself).
	Always bool `json:"always,omitempty"`
	// Institutions: a service given by a referral to one of these
	// institution types.
	Institutions []string `json:"institutions,omitempty"`
	// Steps: a service given when a step was recorded with a field true.
	Steps []StepRule `json:"steps,omitempty"`
}

// StepRule derives a service from a step's data: step code and a bool field.
type StepRule struct {
	Step  string `json:"step"`
	Field string `json:"field"`
}

// Table is one of SIMFONI's aggregate tables, in SIMFONI's order.
type Table struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Unit  string `json:"unit"`
	List  string `json:"list"`
	BySex bool   `json:"by_sex,omitempty"`
}

// EntrySection is one section of the SIMFONI entry sheet: the fields in
// the order the clerk types them into SIMFONI.
type EntrySection struct {
	Title  string   `json:"title"`
	Fields []string `json:"fields"`
}

// Vocab is the loaded vocabulary file.
type Vocab struct {
	Version                      string            `json:"version"`
	Source                       string            `json:"source"`
	ChildUnder                   int               `json:"child_under"`
	Tables                       []Table           `json:"tables"`
	Lists                        map[string][]Item `json:"lists"`
	ServicesFromReferralStatuses []string          `json:"services_from_referral_statuses"`
	TPKSClock                    string            `json:"tpks_clock"`
	EntrySheet                   []EntrySection    `json:"entry_sheet"`

	hash  string
	index map[string]map[string]string // list → Teduh code → SIMFONI code
}

// Lists that tables and the mapping name.
const (
	ListSex             = "sex"
	ListAgeGroups       = "age_groups"
	ListViolenceForms   = "violence_forms"
	ListPlaces          = "places"
	ListServices        = "services"
	ListEducation       = "education"
	ListOccupation      = "occupation"
	ListMarital         = "marital_status"
	ListRelation        = "perpetrator_relation"
	ListDisability      = "disability"
	ListChannels        = "channels"
	ListReferralAnswers = "referral_answers"
	ListTPKS            = "tpks_status"
	// ListDistricts is filled at run time from the office profile.
	ListDistricts = "districts"
)

var requiredLists = []string{ListSex, ListAgeGroups, ListViolenceForms, ListPlaces, ListServices, ListEducation, ListOccupation,
	ListMarital, ListRelation, ListDisability, ListChannels, ListReferralAnswers, ListTPKS}

// Default is the embedded vocabulary; it is checked by the tests, so a
// broken file never ships.
var Default = mustLoad(vocabFile)

func mustLoad(data []byte) *Vocab {
	v, err := Load(data)
	if err != nil {
		panic(err)
	}
	return v
}

// Load parses and checks a vocabulary file.
func Load(data []byte) (*Vocab, error) {
	var v Vocab
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("simfoni.json: %w", err)
	}
	if v.Version == "" || v.Source == "" {
		return nil, fmt.Errorf("simfoni.json: version and source are required (the vocabulary names where it comes from)")
	}
	if v.ChildUnder <= 0 || v.TPKSClock == "" {
		return nil, fmt.Errorf("simfoni.json: child_under and tpks_clock are required")
	}
	v.index = map[string]map[string]string{}
	for _, name := range requiredLists {
		items := v.Lists[name]
		if len(items) == 0 {
			return nil, fmt.Errorf("simfoni.json: list %q is missing", name)
		}
		idx := map[string]string{}
		seen := map[string]bool{}
		for _, it := range items {
			if it.Code == "" || it.Label == "" {
				return nil, fmt.Errorf("simfoni.json: list %q: every category needs a code and a label", name)
			}
			if seen[it.Code] {
				return nil, fmt.Errorf("simfoni.json: list %q: category %q twice", name, it.Code)
			}
			seen[it.Code] = true
			for _, t := range it.Teduh {
				if _, dup := idx[t]; dup {
					return nil, fmt.Errorf("simfoni.json: list %q: Teduh code %q mapped twice", name, t)
				}
				idx[t] = it.Code
			}
		}
		v.index[name] = idx
	}
	prev := -1
	for _, g := range v.Lists[ListAgeGroups] {
		if g.Min == nil || g.Max == nil || *g.Min != prev+1 || *g.Max < *g.Min {
			return nil, fmt.Errorf("simfoni.json: age group %q: min and max must follow on from the previous group", g.Code)
		}
		prev = *g.Max
	}
	for _, t := range v.Tables {
		if t.ID == "" || t.Title == "" || t.Unit == "" {
			return nil, fmt.Errorf("simfoni.json: every table needs id, title and unit")
		}
		if _, ok := v.Lists[t.List]; !ok && t.List != ListDistricts {
			return nil, fmt.Errorf("simfoni.json: table %q names unknown list %q", t.ID, t.List)
		}
	}
	sum := sha256.Sum256(data)
	v.hash = hex.EncodeToString(sum[:8])
	return &v, nil
}

// Hash identifies the vocabulary's content: stored aggregates made with
// another one are counted again.
func (v *Vocab) Hash() string { return v.hash }

// Map returns the SIMFONI category of a Teduh code in a list; an empty code
// is Unknown, a code the file does not map is Unknown too.
func (v *Vocab) Map(list, teduh string) string {
	if teduh == "" {
		return Unknown
	}
	if c, ok := v.index[list][teduh]; ok {
		return c
	}
	return Unknown
}

// Label is the Bahasa Indonesia label of a SIMFONI category.
func (v *Vocab) Label(list, code string) string {
	if code == Unknown || code == "" {
		return UnknownLabel
	}
	for _, it := range v.Lists[list] {
		if it.Code == code {
			return it.Label
		}
	}
	return code
}

// Codes are the categories of a list in the file's order.
func (v *Vocab) Codes(list string) []string {
	var out []string
	for _, it := range v.Lists[list] {
		out = append(out, it.Code)
	}
	return out
}

// AgeGroup is the age group of an age in whole years; a negative age is Unknown.
func (v *Vocab) AgeGroup(age int) string {
	if age < 0 {
		return Unknown
	}
	for _, g := range v.Lists[ListAgeGroups] {
		if age >= *g.Min && age <= *g.Max {
			return g.Code
		}
	}
	return Unknown
}

// HasCode reports whether code is a category of list.
func (v *Vocab) HasCode(list, code string) bool {
	return slices.ContainsFunc(v.Lists[list], func(it Item) bool { return it.Code == code })
}
