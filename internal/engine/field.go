// Package engine is Teduh's form-and-workflow engine: declarative form and
// workflow definitions, checked when they load, and the pure functions that
// validate a submission against a form and decide whether a workflow step may
// be recorded. It knows nothing about PocketBase; the glue in pb_hooks feeds it
// values read from records and applies the decisions it returns.
package engine

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Field types a definition may use.
const (
	TypeText        = "text"
	TypeTextarea    = "textarea"
	TypePhone       = "phone"
	TypeNIK         = "nik"
	TypeSelect      = "select"
	TypeMultiselect = "multiselect"
	TypeDate        = "date"
	TypeBool        = "bool"
	TypeNumber      = "number"
	TypeFile        = "file"
)

var knownTypes = []string{TypeText, TypeTextarea, TypePhone, TypeNIK, TypeSelect, TypeMultiselect, TypeDate, TypeBool, TypeNumber, TypeFile}

// Option is one allowed value of a select or multiselect field.
type Option struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	Help  string `json:"help,omitempty"`
}

// Condition is a simple predicate over other fields' values, used to show or
// require a field (or to allow an outcome) only in some situations.
type Condition struct {
	Field    string      `json:"field,omitempty"`
	Equals   any         `json:"equals,omitempty"`
	In       []string    `json:"in,omitempty"`
	NotIn    []string    `json:"not_in,omitempty"`
	Contains string      `json:"contains,omitempty"`
	Any      []Condition `json:"any,omitempty"`
	All      []Condition `json:"all,omitempty"`
}

// Field is one input of a form or of a workflow step's data form.
type Field struct {
	Name         string     `json:"name"`
	Type         string     `json:"type"`
	Label        string     `json:"label"`
	Help         string     `json:"help,omitempty"`
	Required     bool       `json:"required,omitempty"`
	RequiredWhen *Condition `json:"required_when,omitempty"`
	// RequiredFor lists workflow outcomes for which the field is required.
	RequiredFor []string   `json:"required_for,omitempty"`
	ShowWhen    *Condition `json:"show_when,omitempty"`
	// CopyFrom names the field whose value is used while this one is hidden.
	CopyFrom    string   `json:"copy_from,omitempty"`
	Options     []Option `json:"options,omitempty"`
	OptionsFrom string   `json:"options_from,omitempty"`
	Ordered     bool     `json:"ordered,omitempty"`
	MinLength   int      `json:"min_length,omitempty"`
	MaxLength   int      `json:"max_length,omitempty"`
	Min         *float64 `json:"min,omitempty"`
	Max         *float64 `json:"max,omitempty"`
	Integer     bool     `json:"integer,omitempty"`
	MaxItems    int      `json:"max_items,omitempty"`
	NotFuture   bool     `json:"not_future,omitempty"`
	MinDate     string   `json:"min_date,omitempty"`
	MustBeTrue  bool     `json:"must_be_true,omitempty"`
	Accept      []string `json:"accept,omitempty"`
	MaxSize     int64    `json:"max_size,omitempty"`
	Validators  []string `json:"validators,omitempty"`
	// Public marks a workflow step field whose recorded value the person who
	// submitted the case reads on the status page (the office's answer).
	Public bool `json:"public,omitempty"`
}

// Values holds typed field values: string for text-like types and select,
// []string for multiselect, bool, float64, time.Time for dates while
// validating (cleaned values hold dates as "2006-01-02"), and FileMeta.
type Values map[string]any

// FileMeta describes an uploaded file without its content.
type FileMeta struct {
	Name string
	Size int64
	MIME string
}

// FieldError is a problem with one field: a stable English code and a
// Bahasa Indonesia message that says what to do.
type FieldError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *FieldError) Error() string { return e.Message }

// Warning is accepted data that an officer should double-check.
type Warning struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Env is what validation may depend on besides the values themselves.
type Env struct {
	Now      time.Time
	Location *time.Location
}

func (env Env) loc() *time.Location {
	if env.Location == nil {
		return time.UTC
	}
	return env.Location
}

// Today is the calendar date of env.Now in the office's time zone.
func (env Env) Today() time.Time {
	t := env.Now.In(env.loc())
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Matches reports whether the condition holds for values.
func (c *Condition) Matches(values Values) bool {
	if c == nil {
		return true
	}
	for i := range c.All {
		if !c.All[i].Matches(values) {
			return false
		}
	}
	if len(c.Any) > 0 && !slices.ContainsFunc(c.Any, func(sub Condition) bool { return sub.Matches(values) }) {
		return false
	}
	if c.Field == "" {
		return true
	}
	v := values[c.Field]
	if c.Equals != nil && !equalValue(v, c.Equals) {
		return false
	}
	s, _ := v.(string)
	if len(c.In) > 0 && !slices.Contains(c.In, s) {
		return false
	}
	if len(c.NotIn) > 0 && slices.Contains(c.NotIn, s) {
		return false
	}
	if c.Contains != "" {
		list, _ := v.([]string)
		if !slices.Contains(list, c.Contains) {
			return false
		}
	}
	return true
}

func equalValue(v, want any) bool {
	switch w := want.(type) {
	case bool:
		b, ok := v.(bool)
		return ok && b == w
	case string:
		s, ok := v.(string)
		return ok && s == w
	case float64:
		f, ok := v.(float64)
		return ok && f == w
	}
	return false
}

// fields referenced by a condition, for load-time checks.
func (c *Condition) referencedFields() []string {
	if c == nil {
		return nil
	}
	var out []string
	if c.Field != "" {
		out = append(out, c.Field)
	}
	for i := range c.Any {
		out = append(out, c.Any[i].referencedFields()...)
	}
	for i := range c.All {
		out = append(out, c.All[i].referencedFields()...)
	}
	return out
}

// HasOption reports whether code is one of the field's options.
func (f *Field) HasOption(code string) bool {
	return slices.ContainsFunc(f.Options, func(o Option) bool { return o.Code == code })
}

// OptionLabel returns the label of an option code, or the code itself.
func (f *Field) OptionLabel(code string) string {
	for _, o := range f.Options {
		if o.Code == code {
			return o.Label
		}
	}
	return code
}

// isRequired tells whether the field must have a value, given the other
// values and (for step data) the chosen outcome.
func (f *Field) isRequired(values Values, outcome string) bool {
	if f.Required {
		return true
	}
	if f.RequiredWhen != nil && f.RequiredWhen.Matches(values) {
		return true
	}
	return outcome != "" && slices.Contains(f.RequiredFor, outcome)
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []string:
		return len(x) == 0
	case time.Time:
		return x.IsZero()
	case FileMeta:
		return x.Size == 0 && x.Name == ""
	case *FileMeta:
		return x == nil
	}
	return false
}

// cloneFields deep-copies fields so that a resolved copy can get options.
func cloneFields(in []Field) []Field {
	data, err := json.Marshal(in)
	if err != nil {
		panic(fmt.Sprintf("engine: cannot clone fields: %v", err))
	}
	var out []Field
	if err := json.Unmarshal(data, &out); err != nil {
		panic(fmt.Sprintf("engine: cannot clone fields: %v", err))
	}
	return out
}

func trimAll(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
