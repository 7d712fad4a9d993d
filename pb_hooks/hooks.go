// Package pb_hooks binds Teduh's rules to PocketBase. Register lists every
// hook and route in one place, so the whole workflow is readable on one
// screen; each feature lives in its own file.
package pb_hooks

import (
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teduh/internal/access"
	"teduh/internal/definitions"
	"teduh/internal/engine"
	"teduh/internal/replica"
)

// Config adjusts Register; the zero value is the production setup.
type Config struct {
	// Now is the clock; tests pass a fixed time.
	Now func() time.Time
	// Definitions replaces the embedded complaint definitions.
	Definitions *definitions.Set
	// Replication replaces the replica and backup-key settings read from
	// the environment (TEDUH_REPLICA_*, TEDUH_BACKUP_RECIPIENTS).
	Replication *replica.Config
	// DefinitionsDir is where an office's own services are read from
	// (default: <data dir>/definitions).
	DefinitionsDir string
}

// Service ties one service's definitions to the collections that hold its
// cases, step records and clocks. Every service is bound the same way
// (services.go); the victim complaints' collections are tuned by hand.
type Service struct {
	Defs            *definitions.Set
	CaseCollection  string
	StepCollection  string
	ClockCollection string   // "" for a service without clocks storage
	PublicChannel   string   // channel stored for public submissions
	StaffChannels   []string // channels staff may record
	NumberPrefixKey string   // office field holding the case number prefix
	NumberPrefix    string   // between the office code and the year (SKW-PL-2026-0001)
}

// Teduh is the bound application: the app, the clock and the services.
type Teduh struct {
	app       core.App
	now       func() time.Time
	complaint *Service
	services  []*Service // every service, the complaint one first
	versions  versionCache
	calendars calendarCache
	cache     officeCache
	intake    intakeBatcher
	flood     *floodGuard
	// perpetratorForm validates a case's perpetrator records
	perpetratorForm *engine.Form
	policy          *access.Policy
	gate            *gate
	heads           headKeeper

	replication *replication
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
	t := &Teduh{app: app, now: cfg.Now, policy: access.Teduh()}
	if err := t.loadServices(cfg); err != nil {
		return nil, err
	}
	t.intake.t = t
	t.flood = newFloodGuard()
	app.Store().Set(teduhStoreKey, t) // for ServePages

	// --- services: storage from the definitions, before anything serves ----
	app.OnServe().BindFunc(t.syncServices)

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
	t.bindSetup() // the console's set-up page: who writes the profile and the directory

	// --- staff accounts: defaults, who changes what, password resets -------
	t.bindStaffAdmin()

	// --- cases and the SOP engine, for every service -------------------------
	for _, s := range t.services {
		t.BindService(s)
	}
	t.bindCalendar()

	// --- referrals and documents -------------------------------------------
	t.bindReferrals()
	// after the referral hooks: a sent referral meets clocks in its transaction
	t.bindClocks()

	// --- SIMFONI: perpetrators, services, statistics, exports ---------------
	// (bound after the case and referral hooks: the statistics are counted
	// inside their transactions, after their rules)
	if err := t.bindPerpetrators(); err != nil {
		return nil, err
	}
	t.bindStats()
	t.bindExports()

	// --- public intake and definitions API; compressed answers --------------
	app.OnServe().BindFunc(t.bindCompression)
	app.OnServe().BindFunc(t.bindPublicRoutes)
	app.OnServe().BindFunc(t.bindStaffRoutes)
	app.OnServe().BindFunc(t.bindServiceRoutes)

	// --- reminders and notifications ---------------------------------------
	t.bindReminders()
	app.OnServe().BindFunc(t.digestWithServer)
	app.OnServe().BindFunc(t.bindSpam)

	// --- audit trail of writes ------------------------------------------------
	t.bindAudit()

	// --- system health and start-up notes --------------------------------------
	app.OnServe().BindFunc(t.bindHealthRoutes)
	app.OnServe().BindFunc(t.printStartupNotes)

	// --- replicas and encrypted backups --------------------------------------
	t.bindReplication(cfg.Replication)

	return t, nil
}

// BindService binds the case and step hooks of one service, and declares
// its collections in the access policy (services.go: per its definition).
func (t *Teduh) BindService(s *Service) {
	if !slices.Contains(t.services, s) {
		t.services = append(t.services, s)
	}
	t.declareService(s)
	t.app.OnRecordCreateRequest(s.CaseCollection).BindFunc(t.stampIntakeActor)
	t.app.OnRecordCreate(s.CaseCollection).BindFunc(func(e *core.RecordEvent) error { return t.createCase(s, e) })
	t.app.OnRecordUpdate(s.CaseCollection).BindFunc(func(e *core.RecordEvent) error { return t.updateCase(s, e) })
	t.app.OnRecordDelete(s.CaseCollection).BindFunc(refuseCaseDelete)

	t.app.OnRecordCreateRequest(s.StepCollection).BindFunc(t.stampStepActor)
	t.app.OnRecordCreate(s.StepCollection).BindFunc(func(e *core.RecordEvent) error { return t.createStep(s, e) })
	t.app.OnRecordUpdate(s.StepCollection).BindFunc(refuseStepChange)
	t.app.OnRecordDelete(s.StepCollection).BindFunc(refuseStepChange)
	if s.ClockCollection != "" {
		t.app.OnRecordCreate(s.ClockCollection).BindFunc(refuseClockWrite)
		t.app.OnRecordUpdate(s.ClockCollection).BindFunc(refuseClockWrite)
		t.app.OnRecordDelete(s.ClockCollection).BindFunc(refuseClockWrite)
	}
}

// Policy is the access policy in force (the declared one plus what the
// services added at start-up).
func (t *Teduh) Policy() *access.Policy { return t.policy }

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
