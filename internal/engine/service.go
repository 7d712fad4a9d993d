package engine

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Service is the third definition of a service beside its form and its
// workflow: the public service standard, in the shape every Indonesian
// public service publishes it (requirements, procedure, completion time,
// cost, product, complaint channels), and how the office runs it (who
// handles its cases, which of its fields are personal, how cases are
// numbered, who is told when one arrives).
type Service struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Name    string `json:"name"`
	// Summary is one line for lists ("Sampaikan keluhan tentang layanan kami").
	Summary string `json:"summary,omitempty"`
	// Public services are listed on the public page and take submissions
	// from anyone through the public routes.
	Public       bool     `json:"public"`
	Requirements []string `json:"requirements"`
	// Procedure is the procedure as the public reads it; without it the
	// workflow's steps (label and description) are shown.
	Procedure         []ProcedureStep `json:"procedure,omitempty"`
	CompletionTime    string          `json:"completion_time"`
	Cost              string          `json:"cost"`
	Products          []string        `json:"products"`
	ComplaintChannels []string        `json:"complaint_channels"`
	// SubmitLabel is the public form's button ("Kirim pengaduan").
	SubmitLabel string `json:"submit_label,omitempty"`
	// SuccessMessage is what the person reads once the submission is stored.
	SuccessMessage string `json:"success_message,omitempty"`

	// NumberPrefix goes between the office code and the year of case
	// numbers: "PL" gives SKW-PL-2026-0001; empty gives SKW-2026-0001.
	NumberPrefix string `json:"number_prefix,omitempty"`
	// PublicChannel is the channel stored for public submissions.
	PublicChannel string `json:"public_channel,omitempty"`
	// StaffChannels are the channels staff record cases from.
	StaffChannels []Option `json:"staff_channels,omitempty"`
	// StaffRoles may see and handle the cases (default: every staff role).
	StaffRoles []string `json:"staff_roles,omitempty"`
	// PersonalFields hold or point at a person's data: every read of a case
	// is audited, and they never travel in live events or lists' summaries.
	PersonalFields []string `json:"personal_fields,omitempty"`
	// TitleField names a case in the queue besides its number.
	TitleField string `json:"title_field,omitempty"`
	// SummaryFields are shown in the queue line (not personal).
	SummaryFields []string `json:"summary_fields,omitempty"`
	// NotifyOnArrival tells an audience at once when a case arrives.
	NotifyOnArrival string `json:"notify_on_arrival,omitempty"`
	// DataEditable false keeps what the person submitted as they wrote it
	// (a complaint about the service is not corrected by the office);
	// staff still assign the case and record its steps. Default true.
	DataEditable *bool `json:"data_editable,omitempty"`
	// Storage names the collections; only for the embedded definitions.
	Storage *Storage `json:"storage,omitempty"`
}

// ProcedureStep is one step of the procedure as the public reads it.
type ProcedureStep struct {
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
}

// Storage names a service's collections. Managed false means the
// collections are made by migrations (the victim complaints' tuned tables),
// and the engine only checks that they hold every field of the definition.
type Storage struct {
	Cases   string `json:"cases"`
	Steps   string `json:"steps"`
	Clocks  string `json:"clocks"`
	Managed *bool  `json:"managed,omitempty"`
}

// IsManaged reports whether the engine creates and updates the collections.
func (s *Storage) IsManaged() bool { return s == nil || s.Managed == nil || *s.Managed }

var (
	prefixRe     = regexp.MustCompile(`^[A-Z]{1,6}$`)
	collectionRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,50}$`)
)

// LoadService parses and checks a service description against its form and
// workflow.
func LoadService(file string, data []byte, reg *Registry, form *Form, workflow *Workflow) (*Service, error) {
	var s Service
	if err := decodeStrict(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if err := s.check(reg, form, workflow); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &s, nil
}

func (s *Service) check(reg *Registry, form *Form, workflow *Workflow) error {
	if !nameRe.MatchString(s.ID) {
		return fmt.Errorf("id %q must be lower-case letters, digits and _", s.ID)
	}
	if form != nil && form.ID != s.ID {
		return fmt.Errorf("id %q differs from the form's id %q", s.ID, form.ID)
	}
	if workflow != nil && workflow.ID != s.ID {
		return fmt.Errorf("id %q differs from the workflow's id %q", s.ID, workflow.ID)
	}
	if s.Version == "" || s.Name == "" {
		return fmt.Errorf("version and name are required")
	}
	if s.Public && (len(s.Requirements) == 0 || s.CompletionTime == "" || s.Cost == "" || len(s.Products) == 0 || len(s.ComplaintChannels) == 0) {
		return fmt.Errorf("a public service publishes its standard: requirements, completion_time, cost, products and complaint_channels are required")
	}
	for i, p := range s.Procedure {
		if p.Label == "" {
			return fmt.Errorf("procedure[%d]: label is required", i)
		}
	}
	if s.NumberPrefix != "" && !prefixRe.MatchString(s.NumberPrefix) {
		return fmt.Errorf("number_prefix %q must be 1 to 6 capital letters", s.NumberPrefix)
	}
	if s.PublicChannel != "" && !nameRe.MatchString(s.PublicChannel) {
		return fmt.Errorf("public_channel %q must be lower-case letters, digits and _", s.PublicChannel)
	}
	seen := map[string]bool{s.Channel(): true}
	for _, c := range s.StaffChannels {
		if !nameRe.MatchString(c.Code) || c.Label == "" {
			return fmt.Errorf("staff_channels: every channel needs a code (lower-case) and a label")
		}
		if seen[c.Code] {
			return fmt.Errorf("staff_channels: channel %q declared twice (or is the public channel)", c.Code)
		}
		seen[c.Code] = true
	}
	for _, r := range s.StaffRoles {
		if len(reg.roles) > 0 && !slices.Contains(reg.roles, r) {
			return fmt.Errorf("staff_roles: unknown role %q (known: %v)", r, reg.roles)
		}
	}
	if form != nil {
		has := func(name string) bool { return form.Field(name) != nil }
		for _, f := range s.PersonalFields {
			if !has(f) {
				return fmt.Errorf("personal_fields: the form has no field %q", f)
			}
		}
		if s.TitleField != "" && !has(s.TitleField) {
			return fmt.Errorf("title_field: the form has no field %q", s.TitleField)
		}
		for _, f := range s.SummaryFields {
			if !has(f) {
				return fmt.Errorf("summary_fields: the form has no field %q", f)
			}
			if slices.Contains(s.PersonalFields, f) {
				return fmt.Errorf("summary_fields: %q is personal; the queue line carries no personal field", f)
			}
		}
	}
	switch s.NotifyOnArrival {
	case "", ToSupervisors, ToOnDuty:
	default:
		return fmt.Errorf("notify_on_arrival must be %q or %q", ToSupervisors, ToOnDuty)
	}
	if st := s.Storage; st != nil {
		for _, n := range []string{st.Cases, st.Steps, st.Clocks} {
			if !collectionRe.MatchString(n) {
				return fmt.Errorf("storage: collection name %q must be lower-case letters, digits and _", n)
			}
		}
	}
	return nil
}

// Editable reports whether staff may correct a case's submitted data.
func (s *Service) Editable() bool { return s.DataEditable == nil || *s.DataEditable }

// Channel is the channel stored for public submissions.
func (s *Service) Channel() string {
	if s.PublicChannel == "" {
		return "online"
	}
	return s.PublicChannel
}

// Roles are the staff roles that see and handle the service's cases.
func (s *Service) Roles() []string {
	if len(s.StaffRoles) == 0 {
		return []string{"officer", "supervisor"}
	}
	return s.StaffRoles
}

// Collections are the names of the case, step and clock collections.
func (s *Service) Collections() (cases, steps, clocks string) {
	if s.Storage != nil {
		return s.Storage.Cases, s.Storage.Steps, s.Storage.Clocks
	}
	return s.ID + "_cases", s.ID + "_steps", s.ID + "_clocks"
}

// Personal reports whether a field of the form is personal.
func (s *Service) Personal(field string) bool { return slices.Contains(s.PersonalFields, field) }

// ProcedureFor is the procedure the public reads: the declared one, or the
// workflow's steps.
func (s *Service) ProcedureFor(w *Workflow) []ProcedureStep {
	if len(s.Procedure) > 0 {
		return s.Procedure
	}
	out := make([]ProcedureStep, 0, len(w.Steps))
	for _, st := range w.Steps {
		out = append(out, ProcedureStep{Label: st.Label, Description: st.Description})
	}
	return out
}

// Fill replaces {name} placeholders in the standard's texts with values of
// the office profile ({office.whatsapp}, {office.sla_days}), so one
// definition serves every office. Unknown placeholders are left as written.
func (s *Service) Fill(values map[string]string) *Service {
	out := *s
	r := make([]string, 0, 2*len(values))
	for k, v := range values {
		r = append(r, "{"+k+"}", v)
	}
	rep := strings.NewReplacer(r...)
	fill := func(list []string) []string {
		res := make([]string, len(list))
		for i, x := range list {
			res[i] = rep.Replace(x)
		}
		return res
	}
	out.Name, out.Summary, out.CompletionTime, out.Cost = rep.Replace(s.Name), rep.Replace(s.Summary), rep.Replace(s.CompletionTime), rep.Replace(s.Cost)
	out.SuccessMessage = rep.Replace(s.SuccessMessage)
	out.Requirements, out.Products, out.ComplaintChannels = fill(s.Requirements), fill(s.Products), fill(s.ComplaintChannels)
	out.Procedure = make([]ProcedureStep, len(s.Procedure))
	for i, p := range s.Procedure {
		out.Procedure[i] = ProcedureStep{Label: rep.Replace(p.Label), Description: rep.Replace(p.Description)}
	}
	return &out
}

// PublicFields are the workflow step fields the person reads on the status
// page, in step order.
func (w *Workflow) PublicFields() []PublicField {
	var out []PublicField
	for i := range w.Steps {
		for j := range w.Steps[i].Fields {
			if w.Steps[i].Fields[j].Public {
				out = append(out, PublicField{Step: &w.Steps[i], Field: &w.Steps[i].Fields[j]})
			}
		}
	}
	return out
}

// PublicField is one public step field.
type PublicField struct {
	Step  *Step
	Field *Field
}
