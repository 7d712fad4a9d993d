package engine

import (
	"fmt"
	"sort"
)

// FieldValidator checks one field value beyond what its declaration says. It
// returns an error that refuses the value, or warnings that accept it but flag
// it for an officer. It is only called for a non-empty value.
type FieldValidator func(value any, all Values, env Env) (*FieldError, []Warning)

// StepValidator checks a step about to be recorded against facts that only the
// database knows (for example "a referral was sent").
type StepValidator func(check *StepCheck) *FieldError

// Deriver computes a value from a submission (for example its urgency).
type Deriver func(values Values, env Env) any

// Registry holds the named pieces of Go code that definitions refer to, and
// the option lists they may take by name. A definition naming anything that
// is not registered does not load.
type Registry struct {
	fieldValidators map[string]FieldValidator
	stepValidators  map[string]StepValidator
	derivers        map[string]Deriver
	staticOptions   map[string][]Option
	dynamicOptions  map[string]bool
	roles           []string
	// referralTypes names the option list of referral institution types
	// that clocks may name in referral_sent
	referralTypes string
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{
		fieldValidators: map[string]FieldValidator{},
		stepValidators:  map[string]StepValidator{},
		derivers:        map[string]Deriver{},
		staticOptions:   map[string][]Option{},
		dynamicOptions:  map[string]bool{},
	}
}

// FieldValidator registers a named field validator.
func (r *Registry) FieldValidator(name string, fn FieldValidator) *Registry {
	r.fieldValidators[name] = fn
	return r
}

// StepValidator registers a named step validator.
func (r *Registry) StepValidator(name string, fn StepValidator) *Registry {
	r.stepValidators[name] = fn
	return r
}

// Deriver registers a named deriver.
func (r *Registry) Deriver(name string, fn Deriver) *Registry {
	r.derivers[name] = fn
	return r
}

// Options registers an option list fixed in code (for example the types of
// referral institution).
func (r *Registry) Options(name string, opts []Option) *Registry {
	r.staticOptions[name] = opts
	return r
}

// DynamicOptions declares an option list that is only known at run time (for
// example the districts in the office profile); it is filled by Resolve.
func (r *Registry) DynamicOptions(name string) *Registry {
	r.dynamicOptions[name] = true
	return r
}

// Roles declares the staff roles workflow steps may name; once declared, a
// step naming another role does not load (a typo would lock a step).
func (r *Registry) Roles(roles ...string) *Registry {
	r.roles = append(r.roles, roles...)
	return r
}

// ReferralTypes names the registered option list whose codes clocks may
// name as "referral_sent" (the types of referral institution).
func (r *Registry) ReferralTypes(optionList string) *Registry {
	r.referralTypes = optionList
	return r
}

// StaticOptions returns a registered fixed option list.
func (r *Registry) StaticOptions(name string) []Option {
	return r.staticOptions[name]
}

// Derive runs a registered deriver.
func (r *Registry) Derive(name string, values Values, env Env) (any, error) {
	fn, ok := r.derivers[name]
	if !ok {
		return nil, fmt.Errorf("unknown deriver %q", name)
	}
	return fn(values, env), nil
}

func (r *Registry) names() string {
	var all []string
	for n := range r.fieldValidators {
		all = append(all, n)
	}
	for n := range r.stepValidators {
		all = append(all, n)
	}
	sort.Strings(all)
	return fmt.Sprint(all)
}
