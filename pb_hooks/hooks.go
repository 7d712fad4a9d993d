// Package pb_hooks binds Teduh's rules to PocketBase. Register lists every
// hook and route in one place, so the whole workflow is readable on one
// screen; each feature lives in its own file.
package pb_hooks

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teduh/internal/access"
	"teduh/internal/definitions"
	"teduh/internal/engine"
)

// Config adjusts Register; the zero value is the production setup.
type Config struct {
	// Now is the clock; tests pass a fixed time.
	Now func() time.Time
	// Definitions replaces the embedded complaint definitions.
	Definitions *definitions.Set
}

// Service ties one form and workflow definition to the collections that hold
// its cases and step records. Teduh runs the complaint service; a second
// service is another Service value bound to other collections.
type Service struct {
	Defs            *definitions.Set
	CaseCollection  string
	StepCollection  string
	PublicChannel   string   // channel stored for public submissions
	StaffChannels   []string // channels staff may record
	NumberPrefixKey string   // office field holding the case number prefix
}

// Teduh is the bound application: the app, the clock and the services.
type Teduh struct {
	app       core.App
	now       func() time.Time
	complaint *Service
	feedback  *engine.Form
	// perpetratorForm validates a case's perpetrator records
	perpetratorForm *engine.Form
	cache           officeCache
	intake          intakeBatcher
	policy          *access.Policy
	gate            *gate
	heads           headKeeper
}

// Register binds every Teduh hook and route onto app. It fails when the
// definitions do not load, so a broken definition stops the server.
func Register(app core.App) error {
	_, err := RegisterWith(app, Config{})
	return err
}

// RegisterWith is Register with a custom clock or definitions (for tests).
func RegisterWith(app core.App, cfg Config) (*Teduh, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	defs := cfg.Definitions
	if defs == nil {
		var err error
		if defs, err = definitions.Load(); err != nil {
			return nil, err
		}
	}
	feedback, err := definitions.LoadFeedback()
	if err != nil {
		return nil, err
	}
	t := &Teduh{app: app, now: cfg.Now, feedback: feedback, policy: access.Teduh(), complaint: &Service{
		Defs:            defs,
		CaseCollection:  "complaints",
		StepCollection:  "case_steps",
		PublicChannel:   "online",
		StaffChannels:   []string{"walk_in", "whatsapp", "phone", "sapa", "suggestion_box"},
		NumberPrefixKey: "code",
	}}
	t.intake.t = t

	// --- need-to-know: the access gate, the audit chain, sign-in ----------
	t.bindGate()
	t.bindAuditChain()
	t.bindSuperuserLimits()
	t.bindSignIn()
	app.OnServe().BindFunc(t.bindSecurityHeaders)
	app.OnRecordAuthRequest("staff").BindFunc(t.refuseInactiveStaff)

	// --- office profile ----------------------------------------------------
	app.OnRecordCreate("office").BindFunc(t.refuseSecondOffice)
	app.OnRecordValidate("office").BindFunc(t.validateOffice)
	app.OnRecordDelete("office").BindFunc(t.refuseOfficeDelete)
	app.OnRecordAfterCreateSuccess("office").BindFunc(t.forgetOffice)
	app.OnRecordAfterUpdateSuccess("office").BindFunc(t.forgetOffice)

	// --- cases and the SOP engine ------------------------------------------
	t.BindService(t.complaint)

	// --- referrals and documents -------------------------------------------
	t.bindReferrals()

	// --- SIMFONI: perpetrators, services, statistics, exports ---------------
	// (bound after the case and referral hooks: the statistics are counted
	// inside their transactions, after their rules)
	if err := t.bindPerpetrators(); err != nil {
		return nil, err
	}
	t.bindStats()
	t.bindExports()

	// --- public intake and definitions API ---------------------------------
	app.OnServe().BindFunc(t.bindPublicRoutes)
	app.OnServe().BindFunc(t.bindStaffRoutes)

	// --- reminders and notifications ---------------------------------------
	t.bindReminders()

	// --- audit trail of writes ------------------------------------------------
	t.bindAudit()

	return t, nil
}

// BindService binds the case and step hooks of one service, and declares
// its collections in the access policy (personal, as the complaints are).
func (t *Teduh) BindService(s *Service) {
	if t.policy.Collection(s.CaseCollection) == nil {
		t.policy.Add(access.ServiceCollections(s.CaseCollection, s.StepCollection), nil)
	}
	t.app.OnRecordCreateRequest(s.CaseCollection).BindFunc(t.stampIntakeActor)
	t.app.OnRecordCreate(s.CaseCollection).BindFunc(func(e *core.RecordEvent) error { return t.createCase(s, e) })
	t.app.OnRecordUpdate(s.CaseCollection).BindFunc(func(e *core.RecordEvent) error { return t.updateCase(s, e) })
	t.app.OnRecordDelete(s.CaseCollection).BindFunc(refuseCaseDelete)

	t.app.OnRecordCreateRequest(s.StepCollection).BindFunc(t.stampStepActor)
	t.app.OnRecordCreate(s.StepCollection).BindFunc(func(e *core.RecordEvent) error { return t.createStep(s, e) })
	t.app.OnRecordUpdate(s.StepCollection).BindFunc(refuseStepChange)
	t.app.OnRecordDelete(s.StepCollection).BindFunc(refuseStepChange)
}

// Now is the current time of the bound application's clock.
func (t *Teduh) Now() time.Time { return t.now() }

// env builds the validation environment for the office's time zone.
func (t *Teduh) env(app core.App) (engine.Env, *Office, error) {
	office, err := t.Office(app)
	if err != nil {
		return engine.Env{}, nil, err
	}
	return engine.Env{Now: t.now().UTC(), Location: office.Location()}, office, nil
}

func mustString(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}
