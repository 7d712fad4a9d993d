package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// Form is a form definition: sections of fields, served to clients and used
// by the server to validate submissions.
type Form struct {
	ID          string            `json:"id"`
	Version     string            `json:"version"`
	Title       string            `json:"title"`
	Description string            `json:"description,omitempty"`
	Derive      map[string]string `json:"derive,omitempty"`
	Sections    []Section         `json:"sections"`

	registry *Registry
	// base is the form whose option lists this one reuses ("form:<field>"),
	// for a form of records that belong to another form's cases.
	base *Form
}

// Section groups fields under a heading.
type Section struct {
	ID     string  `json:"id"`
	Title  string  `json:"title"`
	Help   string  `json:"help,omitempty"`
	Fields []Field `json:"fields"`
}

var (
	nameRe         = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	unknownFieldRe = regexp.MustCompile(`unknown field "([^"]*)"`)
)

// LoadForm parses and checks a form definition. file names the source in
// error messages, so a broken definition says where it is broken.
func LoadForm(file string, data []byte, reg *Registry) (*Form, error) {
	var f Form
	if err := decodeStrict(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	f.registry = reg
	if err := f.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &f, nil
}

// LoadSubForm is LoadForm for the records that belong to another form's
// cases (a case's perpetrators): "form:<field>" option lists are taken from
// base when this form has no such field.
func LoadSubForm(file string, data []byte, reg *Registry, base *Form) (*Form, error) {
	var f Form
	if err := decodeStrict(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	f.registry, f.base = reg, base
	if err := f.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &f, nil
}

func decodeStrict(data []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		offset := dec.InputOffset()
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syntax):
			offset = syntax.Offset
		case errors.As(err, &typ):
			offset = typ.Offset
		default:
			// an unknown key: the decoder says which, not where
			if m := unknownFieldRe.FindStringSubmatch(err.Error()); m != nil {
				if loc := regexp.MustCompile(`"` + regexp.QuoteMeta(m[1]) + `"\s*:`).FindIndex(data); loc != nil {
					offset = int64(loc[0]) + 1
				}
			}
		}
		return fmt.Errorf("%s: invalid JSON: %w", Position(data, offset), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%s: invalid JSON: unexpected data after the definition", Position(data, dec.InputOffset()))
	}
	return nil
}

// Position names a byte offset of a definition file as "line L, column C",
// so a broken file says where it is broken.
func Position(data []byte, offset int64) string {
	line, col := 1, 1
	for i := int64(0); i < offset && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d, column %d", line, col)
}

func (f *Form) check() error {
	if !nameRe.MatchString(f.ID) {
		return fmt.Errorf("id %q must be lower-case letters, digits and _", f.ID)
	}
	if f.Version == "" || f.Title == "" {
		return fmt.Errorf("version and title are required")
	}
	if len(f.Sections) == 0 {
		return fmt.Errorf("a form needs at least one section")
	}
	for i := range f.Sections {
		if f.Sections[i].ID == "" || f.Sections[i].Title == "" {
			return fmt.Errorf("section %d: id and title are required", i+1)
		}
	}
	// checked as one list (conditions may refer across sections), then
	// written back so that options resolved from named lists are kept
	all := f.Fields()
	if err := checkFields(all, f.registry, f.optionSource, nil); err != nil {
		return err
	}
	for i := range f.Sections {
		n := len(f.Sections[i].Fields)
		f.Sections[i].Fields, all = all[:n:n], all[n:]
	}
	for target, name := range f.Derive {
		if _, ok := f.registry.derivers[name]; !ok {
			return fmt.Errorf("derive %q: unknown deriver %q", target, name)
		}
	}
	return nil
}

// optionSource resolves "form:<field>" references and registered lists.
func (f *Form) optionSource(name string) ([]Option, bool, error) {
	if field, ok := strings.CutPrefix(name, "form:"); ok && f.base != nil && f.Field(field) == nil {
		return resolveOptionSource(name, f.registry, f.base)
	}
	return resolveOptionSource(name, f.registry, f)
}

func resolveOptionSource(name string, reg *Registry, form *Form) (opts []Option, dynamic bool, err error) {
	if field, ok := strings.CutPrefix(name, "form:"); ok {
		if form == nil {
			return nil, false, fmt.Errorf("options_from %q: no form to take options from", name)
		}
		src := form.Field(field)
		if src == nil || len(src.Options) == 0 {
			return nil, false, fmt.Errorf("options_from %q: the form has no field %q with options", name, field)
		}
		return src.Options, false, nil
	}
	if opts, ok := reg.staticOptions[name]; ok {
		return opts, false, nil
	}
	if reg.dynamicOptions[name] {
		return nil, true, nil
	}
	return nil, false, fmt.Errorf("options_from %q: unknown option list", name)
}

// checkFields validates declarations: names, types, options, conditions and
// validators. outcomes, when not nil, are the outcome codes RequiredFor may name.
func checkFields(fields []Field, reg *Registry, source func(string) ([]Option, bool, error), outcomes []string) error {
	seen := map[string]bool{}
	for i := range fields {
		fd := &fields[i]
		if !nameRe.MatchString(fd.Name) {
			return fmt.Errorf("field %q: name must be lower-case letters, digits and _", fd.Name)
		}
		if seen[fd.Name] {
			return fmt.Errorf("field %q: declared twice", fd.Name)
		}
		seen[fd.Name] = true
	}
	for i := range fields {
		fd := &fields[i]
		where := fmt.Sprintf("field %q", fd.Name)
		if !slices.Contains(knownTypes, fd.Type) {
			return fmt.Errorf("%s: unknown type %q (known: %v)", where, fd.Type, knownTypes)
		}
		if fd.Label == "" {
			return fmt.Errorf("%s: label is required", where)
		}
		isChoice := fd.Type == TypeSelect || fd.Type == TypeMultiselect
		if isChoice {
			if fd.OptionsFrom != "" {
				if len(fd.Options) > 0 {
					return fmt.Errorf("%s: give options or options_from, not both", where)
				}
				opts, dynamic, err := source(fd.OptionsFrom)
				if err != nil {
					return fmt.Errorf("%s: %w", where, err)
				}
				if !dynamic {
					fd.Options = slices.Clone(opts)
				}
			} else if len(fd.Options) == 0 {
				return fmt.Errorf("%s: a %s needs options", where, fd.Type)
			}
			codes := map[string]bool{}
			for _, o := range fd.Options {
				if o.Code == "" || o.Label == "" {
					return fmt.Errorf("%s: every option needs a code and a label", where)
				}
				if codes[o.Code] {
					return fmt.Errorf("%s: option %q declared twice", where, o.Code)
				}
				codes[o.Code] = true
			}
		} else if len(fd.Options) > 0 || fd.OptionsFrom != "" {
			return fmt.Errorf("%s: only select and multiselect fields take options", where)
		}
		if fd.MaxLength < 0 || fd.MinLength < 0 || (fd.MaxLength > 0 && fd.MinLength > fd.MaxLength) {
			return fmt.Errorf("%s: min_length/max_length are inconsistent", where)
		}
		if fd.MinDate != "" {
			if _, err := parseDate(fd.MinDate); err != nil {
				return fmt.Errorf("%s: min_date %q is not a date (YYYY-MM-DD)", where, fd.MinDate)
			}
		}
		if fd.MustBeTrue && fd.Type != TypeBool {
			return fmt.Errorf("%s: must_be_true only applies to bool fields", where)
		}
		if fd.Type == TypeFile && (fd.MaxSize <= 0 || len(fd.Accept) == 0) {
			return fmt.Errorf("%s: a file field needs accept and max_size", where)
		}
		for _, c := range []*Condition{fd.ShowWhen, fd.RequiredWhen} {
			for _, ref := range c.referencedFields() {
				if !seen[ref] {
					return fmt.Errorf("%s: condition refers to unknown field %q", where, ref)
				}
				if ref == fd.Name {
					return fmt.Errorf("%s: condition refers to the field itself", where)
				}
			}
		}
		if fd.CopyFrom != "" {
			if !seen[fd.CopyFrom] || fd.CopyFrom == fd.Name {
				return fmt.Errorf("%s: copy_from refers to unknown field %q", where, fd.CopyFrom)
			}
			if fd.ShowWhen == nil {
				return fmt.Errorf("%s: copy_from only makes sense with show_when", where)
			}
		}
		if len(fd.RequiredFor) > 0 {
			if outcomes == nil {
				return fmt.Errorf("%s: required_for only applies to workflow step fields", where)
			}
			for _, o := range fd.RequiredFor {
				if !slices.Contains(outcomes, o) {
					return fmt.Errorf("%s: required_for names unknown outcome %q", where, o)
				}
			}
		}
		if fd.Public {
			if outcomes == nil {
				return fmt.Errorf("%s: public only applies to workflow step fields (what the office answers)", where)
			}
			if fd.Type != TypeText && fd.Type != TypeTextarea {
				return fmt.Errorf("%s: only text and textarea fields can be public", where)
			}
		}
		for _, v := range fd.Validators {
			if _, ok := reg.fieldValidators[v]; !ok {
				return fmt.Errorf("%s: unknown validator %q (registered: %s)", where, v, reg.names())
			}
		}
	}
	return nil
}

// Fields returns every field of the form in order.
func (f *Form) Fields() []Field {
	var out []Field
	for _, s := range f.Sections {
		out = append(out, s.Fields...)
	}
	return out
}

// Field finds a field by name.
func (f *Form) Field(name string) *Field {
	for i := range f.Sections {
		for j := range f.Sections[i].Fields {
			if f.Sections[i].Fields[j].Name == name {
				return &f.Sections[i].Fields[j]
			}
		}
	}
	return nil
}

// Registry returns the registry the form was loaded with.
func (f *Form) Registry() *Registry { return f.registry }

// Resolve returns a copy of the form with run-time option lists filled in
// (for example the office's districts), ready to serve and to validate with.
func (f *Form) Resolve(dynamic map[string][]Option) *Form {
	out := *f
	out.Sections = make([]Section, len(f.Sections))
	for i, s := range f.Sections {
		s.Fields = resolveFields(s.Fields, dynamic)
		out.Sections[i] = s
	}
	return &out
}

func resolveFields(fields []Field, dynamic map[string][]Option) []Field {
	out := cloneFields(fields)
	for i := range out {
		if out[i].OptionsFrom != "" && len(out[i].Options) == 0 {
			out[i].Options = slices.Clone(dynamic[out[i].OptionsFrom])
		}
	}
	return out
}

// Validate checks a submission against the form: the typed values (from
// Coerce, or read from a stored record) are checked and cleaned. The result
// holds the cleaned values of every field, derived values, field errors and
// warnings.
func (f *Form) Validate(values Values, env Env) Result {
	res := validateFields(f.Fields(), values, env, f.registry, "")
	if len(res.Errors) == 0 {
		res.Derived = map[string]any{}
		for target, name := range f.Derive {
			v, _ := f.registry.Derive(name, res.Values, env)
			res.Derived[target] = v
		}
	}
	return res
}

// Coerce turns raw input (decoded JSON, or multipart values as strings) into
// typed values for Validate. Unknown keys are errors: a client that sends a
// field the form does not have is told so rather than silently ignored.
func (f *Form) Coerce(raw map[string]any) (Values, map[string]*FieldError) {
	return coerceFields(f.Fields(), raw, true)
}
