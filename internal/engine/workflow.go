package engine

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Outcome codes with a meaning the engine knows.
const (
	OutcomeDone       = "done"
	OutcomeWithdrawn  = "withdrawn"
	StatusNew         = "new"
	StatusInProgress  = "in_progress"
	StatusClosed      = "closed"
	StatusWithdrawn   = "withdrawn"
	RoleSuperuser     = "superuser"
	EffectAssign      = "assign_to_actor"
	EffectFirstReply  = "first_response"
	EffectStartClock  = "start_clock"
	EffectCloseCase   = "close_case"
	EffectCopyToCase  = "copy_to_case"
	UrgencyEmergency  = "emergency"
	UrgencyNormal     = "normal"
	withdrawnStepNote = "withdraw"
)

var knownEffects = []string{EffectAssign, EffectFirstReply, EffectStartClock, EffectCloseCase, EffectCopyToCase}

// Workflow is a workflow definition: the steps of a service in order.
type Workflow struct {
	ID            string        `json:"id"`
	Version       string        `json:"version"`
	Title         string        `json:"title"`
	FirstResponse FirstResponse `json:"first_response"`
	Withdraw      Withdraw      `json:"withdraw"`
	Steps         []Step        `json:"steps"`
	// Clocks are deadlines kept per case beside the steps (clock.go).
	Clocks []Clock `json:"clocks,omitempty"`

	registry *Registry
}

// FirstResponse is the crisis clock: the step that answers a new case, and the
// hours allowed for it by urgency.
type FirstResponse struct {
	Step  int            `json:"step"`
	Hours map[string]int `json:"hours"`
}

// Withdraw says who may close an open case without finishing it.
type Withdraw struct {
	Roles []string `json:"roles"`
	Label string   `json:"label"`
	Help  string   `json:"help,omitempty"`
}

// Step is one step of the procedure.
type Step struct {
	Number      int       `json:"number"`
	Code        string    `json:"code"`
	Label       string    `json:"label"`
	Description string    `json:"description,omitempty"`
	Automatic   bool      `json:"automatic,omitempty"`
	Roles       []string  `json:"roles,omitempty"`
	Fields      []Field   `json:"fields,omitempty"`
	Outcomes    []Outcome `json:"outcomes"`
}

// Outcome is one way a step can be recorded.
type Outcome struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	// Advances is false for outcomes that do not move the case to the next
	// step (progress notes, incomplete requirements). Default true.
	Advances      *bool      `json:"advances,omitempty"`
	Status        string     `json:"status,omitempty"`
	NotesRequired bool       `json:"notes_required,omitempty"`
	When          *Condition `json:"when,omitempty"`
	Validators    []string   `json:"validators,omitempty"`
	Effects       []string   `json:"effects,omitempty"`
}

// Advancing reports whether recording this outcome moves the case forward.
func (o *Outcome) Advancing() bool { return o.Advances == nil || *o.Advances }

// LoadWorkflow parses and checks a workflow definition. form, if given, is the
// form whose option lists steps may reuse ("form:<field>").
func LoadWorkflow(file string, data []byte, reg *Registry, form *Form) (*Workflow, error) {
	var w Workflow
	if err := decodeStrict(data, &w); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	w.registry = reg
	if err := w.check(form); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &w, nil
}

func (w *Workflow) check(form *Form) error {
	if !nameRe.MatchString(w.ID) || w.Version == "" || w.Title == "" {
		return fmt.Errorf("id (lower-case), version and title are required")
	}
	if len(w.Steps) == 0 {
		return fmt.Errorf("a workflow needs steps")
	}
	source := func(name string) ([]Option, bool, error) { return resolveOptionSource(name, w.registry, form) }
	for i := range w.Steps {
		s := &w.Steps[i]
		where := fmt.Sprintf("step %d", i+1)
		if s.Number != i+1 {
			return fmt.Errorf("%s: steps must be numbered 1, 2, 3… in order (found %d)", where, s.Number)
		}
		if !nameRe.MatchString(s.Code) || s.Label == "" {
			return fmt.Errorf("%s: code (lower-case) and label are required", where)
		}
		if slices.ContainsFunc(w.Steps[:i], func(o Step) bool { return o.Code == s.Code }) {
			return fmt.Errorf("%s: code %q used twice", where, s.Code)
		}
		for _, r := range s.Roles {
			if len(w.registry.roles) > 0 && !slices.Contains(w.registry.roles, r) {
				return fmt.Errorf("%s %q: unknown role %q (known: %v)", where, s.Code, r, w.registry.roles)
			}
		}
		if s.Automatic != (len(s.Roles) == 0) {
			return fmt.Errorf("%s %q: a step is either automatic or names the roles that may record it", where, s.Code)
		}
		if len(s.Outcomes) == 0 {
			return fmt.Errorf("%s %q: needs at least one outcome", where, s.Code)
		}
		var codes []string
		advancing := false
		for j := range s.Outcomes {
			o := &s.Outcomes[j]
			if !nameRe.MatchString(o.Code) || o.Label == "" {
				return fmt.Errorf("%s %q: every outcome needs a code and a label", where, s.Code)
			}
			if o.Code == OutcomeWithdrawn {
				return fmt.Errorf("%s %q: outcome %q is reserved for withdrawal", where, s.Code, o.Code)
			}
			if slices.Contains(codes, o.Code) {
				return fmt.Errorf("%s %q: outcome %q declared twice", where, s.Code, o.Code)
			}
			codes = append(codes, o.Code)
			advancing = advancing || o.Advancing()
			for _, ref := range o.When.referencedFields() {
				if !slices.ContainsFunc(s.Fields, func(f Field) bool { return f.Name == ref }) {
					return fmt.Errorf("%s %q outcome %q: condition refers to unknown field %q", where, s.Code, o.Code, ref)
				}
			}
			for _, v := range o.Validators {
				if _, ok := w.registry.stepValidators[v]; !ok {
					return fmt.Errorf("%s %q outcome %q: unknown validator %q (registered: %s)", where, s.Code, o.Code, v, w.registry.names())
				}
			}
			for _, eff := range o.Effects {
				name, arg, _ := strings.Cut(eff, ":")
				if !slices.Contains(knownEffects, name) {
					return fmt.Errorf("%s %q outcome %q: unknown effect %q (known: %v)", where, s.Code, o.Code, eff, knownEffects)
				}
				if name == EffectCopyToCase {
					for _, f := range strings.Split(arg, ",") {
						if !slices.ContainsFunc(s.Fields, func(fd Field) bool { return fd.Name == f }) {
							return fmt.Errorf("%s %q outcome %q: copy_to_case names unknown field %q", where, s.Code, o.Code, f)
						}
					}
				}
			}
			if o.Status != "" && !slices.Contains([]string{StatusNew, StatusInProgress, StatusClosed, "awaiting_requirements"}, o.Status) {
				return fmt.Errorf("%s %q outcome %q: unknown status %q", where, s.Code, o.Code, o.Status)
			}
		}
		if !advancing {
			return fmt.Errorf("%s %q: no outcome advances the case, so it could never go on", where, s.Code)
		}
		if err := checkFields(s.Fields, w.registry, source, codes); err != nil {
			return fmt.Errorf("%s %q: %w", where, s.Code, err)
		}
	}
	if !w.Steps[0].Automatic {
		return fmt.Errorf("step 1 must be automatic: it is recorded when the case is created")
	}
	for _, r := range w.Withdraw.Roles {
		if len(w.registry.roles) > 0 && !slices.Contains(w.registry.roles, r) {
			return fmt.Errorf("withdraw: unknown role %q (known: %v)", r, w.registry.roles)
		}
	}
	if fr := w.FirstResponse; fr.Step != 0 {
		if fr.Step < 2 || fr.Step > len(w.Steps) {
			return fmt.Errorf("first_response.step %d is not a step of this workflow", fr.Step)
		}
		if fr.Hours[UrgencyEmergency] <= 0 || fr.Hours[UrgencyNormal] <= 0 {
			return fmt.Errorf("first_response.hours needs positive %q and %q", UrgencyEmergency, UrgencyNormal)
		}
	}
	last := w.Steps[len(w.Steps)-1]
	if !slices.ContainsFunc(last.Outcomes, func(o Outcome) bool { return slices.Contains(o.Effects, EffectCloseCase) }) {
		return fmt.Errorf("the last step must have an outcome with effect %q", EffectCloseCase)
	}
	return w.checkClocks(form)
}

// Step returns the step with number n, or nil.
func (w *Workflow) Step(n int) *Step {
	if n < 1 || n > len(w.Steps) {
		return nil
	}
	return &w.Steps[n-1]
}

// Outcome finds an outcome of the step.
func (s *Step) Outcome(code string) *Outcome {
	for i := range s.Outcomes {
		if s.Outcomes[i].Code == code {
			return &s.Outcomes[i]
		}
	}
	return nil
}

// FirstResponseDue is when the first response is due for a case submitted at
// submitted with the given urgency.
func (w *Workflow) FirstResponseDue(submitted time.Time, urgency string) time.Time {
	h := w.FirstResponse.Hours[urgency]
	if h == 0 {
		h = w.FirstResponse.Hours[UrgencyNormal]
	}
	return submitted.Add(time.Duration(h) * time.Hour)
}

// CaseState is what the engine needs to know about a case.
type CaseState struct {
	CurrentStep int
	Status      string
	AssignedTo  string
}

// Open reports whether the case can still take steps.
func (c CaseState) Open() bool { return c.Status != StatusClosed && c.Status != StatusWithdrawn }

// StepRequest is a staff member's request to record a step.
type StepRequest struct {
	Step    int
	Outcome string
	Notes   string
	Data    map[string]any
	// Roles of the actor; RoleSuperuser for the system administrator.
	Roles []string
	// System is true when the server itself records the step (step 1).
	System bool
}

// Facts gives step validators what only the database knows.
type Facts interface {
	// LatestStepData returns the data of the most recent advancing record of a step.
	LatestStepData(step int) (map[string]any, bool)
	// CountReferrals counts the case's referrals in the given statuses.
	CountReferrals(statuses ...string) (int, error)
}

// StepCheck is what a step validator sees.
type StepCheck struct {
	Case    CaseState
	Step    *Step
	Outcome *Outcome
	Data    Values
	Facts   Facts
	Env     Env
}

// Decision is an accepted step: what to store and what it changes.
type Decision struct {
	Step     *Step
	Outcome  string
	Notes    string
	Data     Values
	Advances bool
	// NewStep and NewStatus are the case's current step and status afterwards.
	NewStep   int
	NewStatus string
	Effects   []string
}

// Refusal is why a step cannot be recorded: an HTTP status, a message, and
// field errors keyed by request field ("data.<name>" for step data).
type Refusal struct {
	Status  int
	Message string
	Fields  map[string]*FieldError
}

func (r *Refusal) Error() string { return r.Message }

func refuse(status int, field, code, message string) *Refusal {
	r := &Refusal{Status: status, Message: message}
	if field != "" {
		r.Fields = map[string]*FieldError{field: {Code: code, Message: message}}
	}
	return r
}

// Decide applies every rule of the workflow to a request against a case. It
// is pure: the same state, request and facts always give the same answer.
func (w *Workflow) Decide(state CaseState, req StepRequest, env Env, facts Facts) (*Decision, *Refusal) {
	if !state.Open() {
		return nil, refuse(http.StatusConflict, "complaint", "case_closed", "Kasus ini sudah ditutup. Tidak ada langkah yang dapat ditambahkan.")
	}
	step := w.Step(req.Step)
	if step == nil {
		return nil, refuse(http.StatusBadRequest, "step", "unknown_step", fmt.Sprintf("Langkah %d tidak ada dalam prosedur ini.", req.Step))
	}
	next := w.Step(state.CurrentStep + 1)
	if next == nil {
		return nil, refuse(http.StatusConflict, "complaint", "case_state_invalid", "Keadaan kasus ini tidak sesuai prosedur. Hubungi administrator sistem.")
	}
	if req.Step <= state.CurrentStep {
		return nil, refuse(http.StatusConflict, "step", "step_already_recorded",
			fmt.Sprintf("Langkah %d (%s) sudah dicatat, mungkin baru saja oleh petugas lain. Muat ulang kasus ini untuk melihat langkah berikutnya.", step.Number, step.Label))
	}
	if req.Step > state.CurrentStep+1 {
		return nil, refuse(http.StatusBadRequest, "step", "step_out_of_order",
			fmt.Sprintf("Langkah harus dicatat berurutan. Langkah berikutnya adalah langkah %d (%s).", next.Number, next.Label))
	}
	if req.Outcome == OutcomeWithdrawn {
		return w.decideWithdrawal(state, req, step)
	}
	if step.Automatic && !req.System {
		return nil, refuse(http.StatusBadRequest, "step", "step_automatic", fmt.Sprintf("Langkah %d (%s) dicatat otomatis oleh sistem.", step.Number, step.Label))
	}
	if !req.System && !hasRole(req.Roles, step.Roles) {
		return nil, refuse(http.StatusForbidden, "step", "role_not_allowed",
			fmt.Sprintf("Langkah %d (%s) hanya dapat dicatat oleh: %s.", step.Number, step.Label, roleNames(step.Roles)))
	}
	outcome := step.Outcome(req.Outcome)
	if outcome == nil {
		var allowed []string
		for _, o := range step.Outcomes {
			allowed = append(allowed, fmt.Sprintf("%s (%s)", o.Code, o.Label))
		}
		return nil, refuse(http.StatusBadRequest, "outcome", "invalid_outcome",
			fmt.Sprintf("Hasil langkah ini harus salah satu dari: %s.", strings.Join(allowed, ", ")))
	}

	ref := &Refusal{Status: http.StatusBadRequest, Message: "Data langkah belum lengkap atau tidak valid. Periksa isian yang ditandai.", Fields: map[string]*FieldError{}}
	notes, ferr := cleanText(&Field{Name: "notes", Label: "Catatan", Type: TypeTextarea, MaxLength: 10000}, req.Notes)
	if ferr != nil {
		ref.Fields["notes"] = ferr
	} else if outcome.NotesRequired && notes == "" {
		ref.Fields["notes"] = errf("required", "Catatan wajib diisi untuk hasil \"%s\".", outcome.Label)
	}
	for key := range req.Data {
		if !slices.ContainsFunc(step.Fields, func(f Field) bool { return f.Name == key }) {
			ref.Fields["data."+truncate(key, 60)] = errf("unknown_field", "Isian ini tidak dikenal untuk langkah %d.", step.Number)
		}
	}
	typed, cerrs := coerceFields(step.Fields, req.Data, false)
	for k, e := range cerrs {
		ref.Fields["data."+k] = e
	}
	res := validateFields(step.Fields, typed, env, w.registry, outcome.Code)
	for k, e := range res.Errors {
		if ref.Fields["data."+k] == nil {
			ref.Fields["data."+k] = e
		}
	}
	if len(ref.Fields) == 0 && outcome.When != nil && !outcome.When.Matches(res.Values) {
		ref.Fields["outcome"] = errf("outcome_mismatch", "Hasil \"%s\" tidak sesuai dengan isian langkah ini.", outcome.Label)
	}
	if len(ref.Fields) == 0 {
		check := &StepCheck{Case: state, Step: step, Outcome: outcome, Data: res.Values, Facts: facts, Env: env}
		for _, name := range outcome.Validators {
			if e := w.registry.stepValidators[name](check); e != nil {
				ref.Fields["outcome"] = e
				ref.Message = e.Message
				break
			}
		}
	}
	if len(ref.Fields) > 0 {
		return nil, ref
	}

	d := &Decision{Step: step, Outcome: outcome.Code, Notes: notes, Data: res.Values, Advances: outcome.Advancing(), Effects: outcome.Effects}
	d.NewStep, d.NewStatus = state.CurrentStep, state.Status
	if d.Advances {
		d.NewStep = step.Number
		d.NewStatus = StatusInProgress
	}
	if outcome.Status != "" {
		d.NewStatus = outcome.Status
	} else if HasEffect(outcome.Effects, EffectCloseCase) {
		d.NewStatus = StatusClosed
	}
	return d, nil
}

func (w *Workflow) decideWithdrawal(state CaseState, req StepRequest, step *Step) (*Decision, *Refusal) {
	if !hasRole(req.Roles, w.Withdraw.Roles) {
		return nil, refuse(http.StatusForbidden, "outcome", "role_not_allowed",
			fmt.Sprintf("Pencabutan pengaduan hanya dapat dicatat oleh: %s.", roleNames(w.Withdraw.Roles)))
	}
	notes, ferr := cleanText(&Field{Name: "notes", Label: "Catatan", Type: TypeTextarea, MaxLength: 10000}, req.Notes)
	if ferr == nil && notes == "" {
		ferr = errf("required", "Tulis alasan pencabutan atau pengalihan kasus pada catatan.")
	}
	if ferr != nil {
		return nil, &Refusal{Status: http.StatusBadRequest, Message: ferr.Message, Fields: map[string]*FieldError{"notes": ferr}}
	}
	if len(req.Data) > 0 {
		return nil, refuse(http.StatusBadRequest, "data", "unknown_field", "Pencabutan tidak memerlukan data lain selain catatan.")
	}
	return &Decision{Step: step, Outcome: OutcomeWithdrawn, Notes: notes, Data: Values{}, Advances: true,
		NewStep: step.Number, NewStatus: StatusWithdrawn, Effects: []string{EffectCloseCase}}, nil
}

func hasRole(have, allowed []string) bool {
	if slices.Contains(have, RoleSuperuser) {
		// the system administrator acts with every staff role, but never
		// outside the rules: ordering, data and validators still apply
		return true
	}
	return slices.ContainsFunc(have, func(r string) bool { return slices.Contains(allowed, r) })
}

var roleLabels = map[string]string{"officer": "petugas", "supervisor": "kepala/penyelia"}

func roleNames(roles []string) string {
	var out []string
	for _, r := range roles {
		if l, ok := roleLabels[r]; ok {
			out = append(out, l)
		} else {
			out = append(out, r)
		}
	}
	return strings.Join(out, ", ")
}

// CopyFields returns the step data fields an outcome copies onto the case.
func CopyFields(effects []string) []string {
	for _, eff := range effects {
		if name, arg, ok := strings.Cut(eff, ":"); ok && name == EffectCopyToCase {
			return strings.Split(arg, ",")
		}
	}
	return nil
}

// HasEffect reports whether effects include name (ignoring arguments).
func HasEffect(effects []string, name string) bool {
	return slices.ContainsFunc(effects, func(e string) bool {
		n, _, _ := strings.Cut(e, ":")
		return n == name
	})
}

// DueAt is the end of the service standard clock started at start.
func DueAt(start time.Time, slaDays int) time.Time {
	return start.Add(time.Duration(slaDays) * 24 * time.Hour)
}
