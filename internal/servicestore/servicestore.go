// Package servicestore makes the storage of a service from its definitions:
// the collection of its cases (the system fields every case has, one field
// per form field and per step field copied onto the case), of its step
// records, and of its clocks, with their indexes and API rules. It runs at
// start-up for every service, so an office that adds a service by writing
// its definition files gets its tables without a migration; a changed
// definition adds fields and updates rules and indexes, and never drops a
// field (the cases already stored keep their data).
//
// The victim complaints' collections are tuned by hand in migrations
// (storage "managed": false): for them the engine only checks that every
// field the definitions name exists.
package servicestore

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teduh/internal/definitions"
	"teduh/internal/engine"
)

// API rules. Only active staff get anywhere; who among them sees a case is
// the service's staff roles, and officers see their own cases and the
// unassigned ones.
const (
	ruleStaff = `@request.auth.collectionName = "staff" && @request.auth.active = true`
)

// Statuses a case can be in.
var caseStatuses = []string{"new", "in_progress", "awaiting_requirements", "closed", "withdrawn"}

// ClockStatuses are the values of a clock row's status.
var ClockStatuses = []string{engine.ClockRunning, engine.ClockMet, engine.ClockMissed, engine.ClockCancelled}

// Registry is the table that remembers which collections the engine made,
// and for which service: a collection of the same name made another way
// (in the admin panel) is never taken over.
const Registry = "teduh_services"

// EnsureRegistry creates the registry table (a migration calls it; Sync
// calls it too so that it never depends on the order of things).
func EnsureRegistry(app core.App) error {
	_, err := app.DB().NewQuery(`CREATE TABLE IF NOT EXISTS ` + Registry + ` (
		service TEXT PRIMARY KEY NOT NULL, cases TEXT NOT NULL, steps TEXT NOT NULL, clocks TEXT NOT NULL, created TEXT NOT NULL DEFAULT '')`).Execute()
	return err
}

// roleRule is the condition on the caller's role for a service's cases.
func roleRule(roles []string) string {
	var parts []string
	for _, r := range roles {
		parts = append(parts, fmt.Sprintf(`@request.auth.role = %q`, r))
	}
	return "(" + strings.Join(parts, " || ") + ")"
}

// Rules are the API rules of a service's collections.
type Rules struct {
	Case, CaseCreate, CaseUpdate, Child, ChildCreate string
}

// RulesFor builds the rules for staff roles.
func RulesFor(roles []string) Rules {
	base := ruleStaff + " && " + roleRule(roles)
	visible := base + ` && (@request.auth.role = "supervisor" || assigned_to = "" || assigned_to = @request.auth.id)`
	child := base + ` && (@request.auth.role = "supervisor" || complaint.assigned_to = "" || complaint.assigned_to = @request.auth.id)`
	return Rules{
		Case:       visible,
		CaseCreate: base,
		// only supervisors assign and reassign cases
		CaseUpdate:  visible + ` && (@request.body.assigned_to:isset = false || @request.auth.role = "supervisor")`,
		Child:       child,
		ChildCreate: base,
	}
}

// fieldFor is the collection field that stores a definition field.
func fieldFor(f *engine.Field) core.Field {
	maxText := func(n int) int {
		if n <= 0 {
			return 10000
		}
		return n
	}
	switch f.Type {
	case engine.TypeText, engine.TypeTextarea:
		return &core.TextField{Name: f.Name, Max: maxText(f.MaxLength)}
	case engine.TypePhone:
		return &core.TextField{Name: f.Name, Max: 20}
	case engine.TypeNIK:
		return &core.TextField{Name: f.Name, Max: 16}
	case engine.TypeSelect:
		return &core.TextField{Name: f.Name, Max: 100}
	case engine.TypeMultiselect:
		return &core.JSONField{Name: f.Name, MaxSize: 20000}
	case engine.TypeDate:
		return &core.DateField{Name: f.Name}
	case engine.TypeBool:
		return &core.BoolField{Name: f.Name}
	case engine.TypeNumber:
		nf := &core.NumberField{Name: f.Name, OnlyInt: f.Integer}
		nf.Min, nf.Max = f.Min, f.Max
		return nf
	case engine.TypeFile:
		return &core.FileField{Name: f.Name, MaxSelect: 1, MaxSize: f.MaxSize, Protected: true, MimeTypes: slices.Clone(f.Accept)}
	}
	return &core.TextField{Name: f.Name, Max: 10000}
}

// caseDataFields are the definition fields stored on a case: the form's,
// then the step fields copied onto the case.
func caseDataFields(set *definitions.Set) []*engine.Field {
	var out []*engine.Field
	seen := map[string]bool{}
	for _, f := range set.Form.Fields() {
		f := f
		out = append(out, &f)
		seen[f.Name] = true
	}
	for _, s := range set.Workflow.Steps {
		for _, o := range s.Outcomes {
			for _, name := range engine.CopyFields(o.Effects) {
				if seen[name] {
					continue
				}
				for i := range s.Fields {
					if s.Fields[i].Name == name {
						out = append(out, &s.Fields[i])
						seen[name] = true
					}
				}
			}
		}
	}
	return out
}

// systemFieldNames are the workflow fields every case has.
var systemFieldNames = []string{"number", "number_year", "number_seq", "tracking_code", "channel", "intake_actor", "status",
	"current_step", "urgency", "first_response_due_at", "first_response_at", "verified_at", "due_at", "closed_at",
	"submitted_at", "assigned_to", "warnings", "form_version", "workflow_version", "created", "updated"}

func channels(svc *engine.Service) []string {
	out := []string{svc.Channel()}
	for _, c := range svc.StaffChannels {
		out = append(out, c.Code)
	}
	return out
}

func caseFields(set *definitions.Set, staffID string) []core.Field {
	fields := []core.Field{
		&core.TextField{Name: "number", Max: 40, Presentable: true},
		&core.NumberField{Name: "number_year", OnlyInt: true, Hidden: true},
		&core.NumberField{Name: "number_seq", OnlyInt: true, Hidden: true},
		&core.TextField{Name: "tracking_code", Max: 20},
		&core.SelectField{Name: "channel", MaxSelect: 1, Values: channels(set.Service)},
		&core.RelationField{Name: "intake_actor", CollectionId: staffID, MaxSelect: 1},
		&core.SelectField{Name: "status", MaxSelect: 1, Values: caseStatuses},
		&core.NumberField{Name: "current_step", OnlyInt: true},
		&core.SelectField{Name: "urgency", MaxSelect: 1, Values: []string{engine.UrgencyEmergency, engine.UrgencyNormal}},
		&core.DateField{Name: "first_response_due_at"},
		&core.DateField{Name: "first_response_at"},
		&core.DateField{Name: "verified_at"},
		&core.DateField{Name: "due_at"},
		&core.DateField{Name: "closed_at"},
		&core.DateField{Name: "submitted_at"},
		&core.RelationField{Name: "assigned_to", CollectionId: staffID, MaxSelect: 1},
		&core.JSONField{Name: "warnings", MaxSize: 20000},
		&core.TextField{Name: "form_version", Max: 40},
		&core.TextField{Name: "workflow_version", Max: 40},
	}
	for _, f := range caseDataFields(set) {
		fields = append(fields, fieldFor(f))
	}
	return append(fields,
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true})
}

// AdvancingOutcomes are the outcome codes that move a case on (the unique
// index keeps each step advancing a case once).
func AdvancingOutcomes(w *engine.Workflow) []string {
	out := []string{"done", "skipped", engine.OutcomeWithdrawn}
	for _, s := range w.Steps {
		for _, o := range s.Outcomes {
			if o.Advancing() && !slices.Contains(out, o.Code) {
				out = append(out, o.Code)
			}
		}
	}
	return out
}

func quoted(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return strings.Join(q, ", ")
}

func stepFields(casesID, staffID string) []core.Field {
	min, max := 1.0, 99.0
	return []core.Field{
		&core.RelationField{Name: "complaint", CollectionId: casesID, MaxSelect: 1, Required: true},
		&core.NumberField{Name: "step", OnlyInt: true, Min: &min, Max: &max, Required: true},
		&core.TextField{Name: "step_code", Max: 60},
		&core.TextField{Name: "outcome", Max: 40},
		&core.TextField{Name: "notes", Max: 10000},
		&core.JSONField{Name: "data", MaxSize: 64 << 10},
		&core.RelationField{Name: "actor", CollectionId: staffID, MaxSelect: 1},
		&core.SelectField{Name: "actor_kind", MaxSelect: 1, Values: []string{"staff", "superuser", "system"}},
		&core.TextField{Name: "actor_name", Max: 200},
		&core.TextField{Name: "workflow_version", Max: 40},
		&core.AutodateField{Name: "created", OnCreate: true},
	}
}

// ClockFields are the fields of a clock collection: the case (named
// "complaint" in every service, as in the steps), the declared clock's id,
// its times and status, and what met it.
func ClockFields(casesID string) []core.Field {
	return []core.Field{
		&core.RelationField{Name: "complaint", CollectionId: casesID, MaxSelect: 1, Required: true},
		&core.TextField{Name: "clock", Max: 60, Required: true},
		&core.DateField{Name: "started_at"},
		&core.DateField{Name: "due_at"},
		&core.DateField{Name: "met_at"},
		&core.SelectField{Name: "status", MaxSelect: 1, Values: ClockStatuses, Required: true},
		// "step:<code>", "referral_sent:<type>", "effect:<name>" or "manual"
		&core.TextField{Name: "met_by", Max: 100},
		&core.TextField{Name: "met_by_name", Max: 200},
		&core.TextField{Name: "met_note", Max: 2000},
		&core.TextField{Name: "workflow_version", Max: 40},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	}
}

// ClockIndexes are the indexes of a clock collection: the sweep's range
// (clock, status, due_at), and one row per case and clock.
func ClockIndexes(c *core.Collection) {
	c.AddIndex("idx_"+c.Name+"_sweep", false, "clock, status, due_at", "")
	c.AddIndex("idx_"+c.Name+"_case", true, "complaint, clock", "")
}

// EnsureClocks makes (or completes) a clock collection for a case
// collection. Another branch of Teduh may have made it with fewer fields: the
// missing ones and the indexes are added, nothing is removed.
func EnsureClocks(app core.App, name string, cases *core.Collection, rule string) (*core.Collection, error) {
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		c = core.NewBaseCollection(name)
	}
	if err := mergeFields(c, ClockFields(cases.Id)); err != nil {
		return nil, err
	}
	c.ListRule, c.ViewRule = &rule, &rule
	c.CreateRule, c.UpdateRule, c.DeleteRule = nil, nil, nil
	ClockIndexes(c)
	return c, app.Save(c)
}

// mergeFields adds the fields c lacks and brings the options of those it has
// in line; a field of another type is an error (its data cannot change type).
func mergeFields(c *core.Collection, want []core.Field) error {
	for _, w := range want {
		have := c.Fields.GetByName(w.GetName())
		if have == nil {
			c.Fields.Add(w)
			continue
		}
		if have.Type() != w.Type() {
			return fmt.Errorf("koleksi %s: kolom %q sudah ada dengan jenis %s, definisi memerlukan %s; jenis kolom yang berisi data tidak dapat diubah (beri kolom itu nama lain di definisi)", c.Name, w.GetName(), have.Type(), w.Type())
		}
		// replaced by name: the stored field's id is kept, the wanted
		// options are taken
		c.Fields.Add(w)
	}
	return nil
}

// snapshot is a collection as it would be saved, to tell whether a sync
// changed anything (a start-up with unchanged definitions saves nothing).
func snapshot(c *core.Collection) string {
	data, err := json.Marshal(c)
	if err != nil {
		return ""
	}
	return string(data)
}

// Sync makes the storage of one service match its definitions. It returns
// the names of the collections saved (empty when nothing changed).
func Sync(app core.App, set *definitions.Set) ([]string, error) {
	svc := set.Service
	if !svc.Storage.IsManaged() {
		return nil, Check(app, set)
	}
	if err := EnsureRegistry(app); err != nil {
		return nil, err
	}
	casesName, stepsName, clocksName := svc.Collections()
	var owner string
	for _, name := range []string{casesName, stepsName, clocksName} {
		err := app.DB().NewQuery("SELECT service FROM " + Registry + " WHERE cases = {:n} OR steps = {:n} OR clocks = {:n}").
			Bind(dbx.Params{"n": name}).Row(&owner)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := app.FindCollectionByNameOrId(name); err == nil {
				return nil, fmt.Errorf("layanan %q: koleksi %s sudah ada dan tidak dibuat oleh Teduh untuk layanan ini; ganti id layanan", svc.ID, name)
			}
		case err != nil:
			return nil, err
		case owner != svc.ID:
			return nil, fmt.Errorf("layanan %q: koleksi %s milik layanan %q; ganti id layanan", svc.ID, name, owner)
		}
	}
	staff, err := app.FindCollectionByNameOrId("staff")
	if err != nil {
		return nil, err
	}
	rules := RulesFor(svc.Roles())
	var saved []string

	cases, err := app.FindCollectionByNameOrId(casesName)
	if err != nil {
		cases = core.NewBaseCollection(casesName)
	}
	before := snapshot(cases)
	if err := mergeFields(cases, caseFields(set, staff.Id)); err != nil {
		return nil, err
	}
	cases.ListRule, cases.ViewRule = &rules.Case, &rules.Case
	cases.CreateRule, cases.UpdateRule, cases.DeleteRule = &rules.CaseCreate, &rules.CaseUpdate, nil
	cases.AddIndex("idx_"+casesName+"_number", true, "number", "")
	cases.AddIndex("idx_"+casesName+"_tracking", true, "tracking_code", "")
	cases.AddIndex("idx_"+casesName+"_year_seq", true, "number_year, number_seq", "")
	cases.AddIndex("idx_"+casesName+"_status_created", false, "status, created", "")
	cases.AddIndex("idx_"+casesName+"_assigned_status", false, "assigned_to, status", "")
	if cases.IsNew() || before != snapshot(cases) {
		if err := app.Save(cases); err != nil {
			return nil, fmt.Errorf("layanan %q: koleksi %s: %w", svc.ID, casesName, err)
		}
		saved = append(saved, casesName)
	}

	steps, err := app.FindCollectionByNameOrId(stepsName)
	if err != nil {
		steps = core.NewBaseCollection(stepsName)
	}
	before = snapshot(steps)
	if err := mergeFields(steps, stepFields(cases.Id, staff.Id)); err != nil {
		return nil, err
	}
	steps.ListRule, steps.ViewRule, steps.CreateRule = &rules.Child, &rules.Child, &rules.ChildCreate
	steps.UpdateRule, steps.DeleteRule = nil, nil
	steps.AddIndex("idx_"+stepsName+"_complaint", false, "complaint, created", "")
	// the database's own guarantee that a step advances a case only once
	steps.AddIndex("idx_"+stepsName+"_advance", true, "complaint, step", "outcome IN ("+quoted(AdvancingOutcomes(set.Workflow))+")")
	if steps.IsNew() || before != snapshot(steps) {
		if err := app.Save(steps); err != nil {
			return nil, fmt.Errorf("layanan %q: koleksi %s: %w", svc.ID, stepsName, err)
		}
		saved = append(saved, stepsName)
	}

	clocks, err := app.FindCollectionByNameOrId(clocksName)
	if err != nil {
		clocks = core.NewBaseCollection(clocksName)
	}
	before = snapshot(clocks)
	if err := mergeFields(clocks, ClockFields(cases.Id)); err != nil {
		return nil, err
	}
	clocks.ListRule, clocks.ViewRule = &rules.Child, &rules.Child
	clocks.CreateRule, clocks.UpdateRule, clocks.DeleteRule = nil, nil, nil
	ClockIndexes(clocks)
	if clocks.IsNew() || before != snapshot(clocks) {
		if err := app.Save(clocks); err != nil {
			return nil, fmt.Errorf("layanan %q: koleksi %s: %w", svc.ID, clocksName, err)
		}
		saved = append(saved, clocksName)
	}

	_, err = app.DB().NewQuery("INSERT INTO " + Registry + " (service, cases, steps, clocks, created) VALUES ({:s}, {:c}, {:st}, {:k}, datetime('now')) " +
		"ON CONFLICT (service) DO UPDATE SET cases = excluded.cases, steps = excluded.steps, clocks = excluded.clocks").
		Bind(dbx.Params{"s": svc.ID, "c": casesName, "st": stepsName, "k": clocksName}).Execute()
	return saved, err
}

// Check verifies that collections made by migrations hold every field the
// service's definitions name, with the storage their type needs.
func Check(app core.App, set *definitions.Set) error {
	casesName, stepsName, clocksName := set.Service.Collections()
	cases, err := app.FindCollectionByNameOrId(casesName)
	if err != nil {
		return fmt.Errorf("layanan %q: koleksi %s tidak ada", set.Service.ID, casesName)
	}
	for _, name := range systemFieldNames {
		if cases.Fields.GetByName(name) == nil {
			return fmt.Errorf("layanan %q: koleksi %s tidak memiliki kolom sistem %q", set.Service.ID, casesName, name)
		}
	}
	for _, f := range caseDataFields(set) {
		have := cases.Fields.GetByName(f.Name)
		want := fieldFor(f)
		if have == nil {
			return fmt.Errorf("layanan %q: definisi memakai kolom %q yang tidak ada di koleksi %s; tambahkan kolom itu dengan migrasi", set.Service.ID, f.Name, casesName)
		}
		// a number may be kept as text where 0 is a value and "" is not
		// known (the victim's age): the engine coerces and checks it either way
		numberAsText := f.Type == engine.TypeNumber && have.Type() == core.FieldTypeText
		if have.Type() != want.Type() && !numberAsText {
			return fmt.Errorf("layanan %q: kolom %q di koleksi %s berjenis %s, definisi (%s) memerlukan %s", set.Service.ID, f.Name, casesName, have.Type(), f.Type, want.Type())
		}
	}
	for _, name := range []string{stepsName, clocksName} {
		if _, err := app.FindCollectionByNameOrId(name); err != nil {
			return fmt.Errorf("layanan %q: koleksi %s tidak ada", set.Service.ID, name)
		}
	}
	return nil
}
