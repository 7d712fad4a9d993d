// Package pb_migrations creates Teduh's collections, rules, indexes and seed
// data. Collections and fields are found by name, never by generated id.
package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// API rules shared by several collections. Only active staff get anywhere;
// officers see the cases assigned to them and the unassigned ones.
const (
	ruleStaff      = `@request.auth.collectionName = "staff" && @request.auth.active = true`
	ruleSupervisor = ruleStaff + ` && @request.auth.role = "supervisor"`
	ruleCase       = ruleStaff + ` && (@request.auth.role = "supervisor" || assigned_to = "" || assigned_to = @request.auth.id)`
	ruleCaseChild  = ruleStaff + ` && (@request.auth.role = "supervisor" || complaint.assigned_to = "" || complaint.assigned_to = @request.auth.id)`
)

func init() {
	m.Register(func(app core.App) error {
		// Teduh has its own auth collection; PocketBase's default "users"
		// collection would let anyone sign up, so it goes.
		if users, err := app.FindCollectionByNameOrId("users"); err == nil {
			if err := app.Delete(users); err != nil {
				return err
			}
		}
		for _, build := range []func(core.App) (*core.Collection, error){
			officeCollection, staffCollection, complaintsCollection, caseStepsCollection, feedbackCollection, auditLogCollection,
		} {
			c, err := build(app)
			if err != nil {
				return err
			}
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for _, name := range []string{"audit_log", "feedback", "case_steps", "complaints", "staff", "office"} {
			if c, err := app.FindCollectionByNameOrId(name); err == nil {
				if err := app.Delete(c); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func ptr[T any](v T) *T { return &v }

func timestamps(c *core.Collection) {
	c.Fields.Add(&core.AutodateField{Name: "created", OnCreate: true})
	c.Fields.Add(&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true})
}

func officeCollection(app core.App) (*core.Collection, error) {
	c := core.NewBaseCollection("office")
	c.ListRule = ptr(ruleStaff)
	c.ViewRule = ptr(ruleStaff)
	c.Fields.Add(
		&core.TextField{Name: "name", Required: true, Max: 200, Presentable: true},
		&core.TextField{Name: "government", Required: true, Max: 200},
		&core.TextField{Name: "code", Required: true, Pattern: `^[A-Z]{2,6}$`},
		&core.TextField{Name: "address", Max: 300},
		&core.TextField{Name: "phone", Max: 30},
		&core.TextField{Name: "website", Max: 200},
		&core.TextField{Name: "whatsapp", Max: 30},
		&core.TextField{Name: "email", Max: 200},
		&core.TextField{Name: "regency_code", Required: true, Pattern: `^[0-9]{4}$`},
		&core.TextField{Name: "regency_name", Required: true, Max: 100},
		&core.JSONField{Name: "districts", Required: true, MaxSize: 20000},
		&core.JSONField{Name: "letterhead_lines", MaxSize: 20000},
		&core.TextField{Name: "head_name", Max: 200},
		&core.TextField{Name: "head_title", Max: 200},
		&core.TextField{Name: "head_nip", Max: 30},
		&core.NumberField{Name: "sla_days", Required: true, OnlyInt: true, Min: ptr(1.0), Max: ptr(60.0)},
		&core.TextField{Name: "timezone", Required: true, Max: 60},
		&core.JSONField{Name: "emergency_contacts", MaxSize: 20000},
		&core.JSONField{Name: "service", MaxSize: 50000},
	)
	timestamps(c)
	return c, nil
}

func staffCollection(app core.App) (*core.Collection, error) {
	c := core.NewAuthCollection("staff")
	c.ListRule = ptr(ruleStaff)
	c.ViewRule = ptr(ruleStaff)
	// staff may edit their own name and phone; role, status and e-mail are the
	// administrator's (admin panel or the `staff` command)
	c.UpdateRule = ptr(ruleStaff + ` && id = @request.auth.id && @request.body.role:isset = false && @request.body.active:isset = false && @request.body.email:isset = false && @request.body.verified:isset = false`)
	c.AuthToken.Duration = 12 * 60 * 60 // one working shift
	c.PasswordAuth.Enabled = true
	c.PasswordAuth.IdentityFields = []string{"email"}
	if pw, ok := c.Fields.GetByName("password").(*core.PasswordField); ok {
		pw.Min = 10
	}
	c.Fields.Add(
		&core.TextField{Name: "name", Required: true, Max: 100, Presentable: true},
		&core.SelectField{Name: "role", Required: true, MaxSelect: 1, Values: []string{"officer", "supervisor"}},
		&core.TextField{Name: "phone", Max: 30},
		&core.BoolField{Name: "active"},
	)
	timestamps(c)
	return c, nil
}

func complaintsCollection(app core.App) (*core.Collection, error) {
	staff, err := app.FindCollectionByNameOrId("staff")
	if err != nil {
		return nil, err
	}
	c := core.NewBaseCollection("complaints")
	c.ListRule = ptr(ruleCase)
	c.ViewRule = ptr(ruleCase)
	c.CreateRule = ptr(ruleStaff)
	// only supervisors assign and reassign cases
	c.UpdateRule = ptr(ruleCase + ` && (@request.body.assigned_to:isset = false || @request.auth.role = "supervisor")`)
	c.Fields.Add(
		// workflow fields: set by the server only (hooks refuse other writers)
		&core.TextField{Name: "number", Max: 40, Presentable: true},
		&core.NumberField{Name: "number_year", OnlyInt: true, Hidden: true},
		&core.NumberField{Name: "number_seq", OnlyInt: true, Hidden: true},
		&core.TextField{Name: "tracking_code", Max: 20},
		&core.SelectField{Name: "channel", MaxSelect: 1, Values: []string{"online", "walk_in", "whatsapp", "phone", "sapa", "suggestion_box"}},
		&core.RelationField{Name: "intake_actor", CollectionId: staff.Id, MaxSelect: 1},
		&core.SelectField{Name: "status", MaxSelect: 1, Values: []string{"new", "in_progress", "awaiting_requirements", "closed", "withdrawn"}},
		&core.NumberField{Name: "current_step", OnlyInt: true},
		&core.SelectField{Name: "urgency", MaxSelect: 1, Values: []string{"emergency", "normal"}},
		&core.DateField{Name: "first_response_due_at"},
		&core.DateField{Name: "first_response_at"},
		&core.DateField{Name: "verified_at"},
		&core.DateField{Name: "due_at"},
		&core.DateField{Name: "closed_at"},
		&core.RelationField{Name: "assigned_to", CollectionId: staff.Id, MaxSelect: 1},
		&core.JSONField{Name: "warnings", MaxSize: 20000},
		&core.TextField{Name: "form_version", Max: 40},
		&core.TextField{Name: "workflow_version", Max: 40},
		// complaint form fields: validated against the form definition by hooks
		&core.TextField{Name: "reporter_name", Max: 100},
		&core.TextField{Name: "reporter_phone", Max: 20},
		&core.TextField{Name: "reporter_relation", Max: 40},
		&core.TextField{Name: "victim_name", Max: 100, Presentable: true},
		&core.TextField{Name: "victim_nik", Max: 16},
		&core.TextField{Name: "victim_sex", Max: 10},
		&core.DateField{Name: "victim_birth_date"},
		&core.TextField{Name: "victim_address", Max: 500},
		&core.TextField{Name: "victim_district", Max: 100},
		&core.TextField{Name: "victim_disability", Max: 40},
		&core.DateField{Name: "incident_date"},
		&core.TextField{Name: "incident_place", Max: 40},
		&core.JSONField{Name: "violence_types", MaxSize: 2000},
		&core.TextField{Name: "perpetrator_relation", Max: 40},
		&core.TextField{Name: "chronology", Max: 5000},
		&core.BoolField{Name: "immediate_danger"},
		&core.BoolField{Name: "injured"},
		&core.BoolField{Name: "consent"},
		&core.FileField{Name: "identity_document", MaxSelect: 1, MaxSize: 5 << 20, Protected: true,
			MimeTypes: []string{"image/jpeg", "image/png", "image/webp", "application/pdf"}},
	)
	timestamps(c)
	c.AddIndex("idx_complaints_number", true, "number", "")
	c.AddIndex("idx_complaints_tracking", true, "tracking_code", "")
	c.AddIndex("idx_complaints_year_seq", true, "number_year, number_seq", "")
	c.AddIndex("idx_complaints_status_due", false, "status, due_at", "")
	c.AddIndex("idx_complaints_assigned_status", false, "assigned_to, status", "")
	c.AddIndex("idx_complaints_first_response", false, "status, first_response_due_at", "")
	c.AddIndex("idx_complaints_created", false, "created", "")
	return c, nil
}

func caseStepsCollection(app core.App) (*core.Collection, error) {
	staff, err := app.FindCollectionByNameOrId("staff")
	if err != nil {
		return nil, err
	}
	complaints, err := app.FindCollectionByNameOrId("complaints")
	if err != nil {
		return nil, err
	}
	c := core.NewBaseCollection("case_steps")
	c.ListRule = ptr(ruleCaseChild)
	c.ViewRule = ptr(ruleCaseChild)
	// who may write to which case is checked by the step hook inside its
	// transaction, so that a race for a new case ends in a clear 409
	c.CreateRule = ptr(ruleStaff)
	// no update or delete rule: step records are immutable (hooks also refuse superusers)
	c.Fields.Add(
		&core.RelationField{Name: "complaint", CollectionId: complaints.Id, MaxSelect: 1, Required: true},
		&core.NumberField{Name: "step", OnlyInt: true, Min: ptr(1.0), Max: ptr(99.0), Required: true},
		&core.TextField{Name: "step_code", Max: 60},
		&core.TextField{Name: "outcome", Max: 40},
		&core.TextField{Name: "notes", Max: 10000},
		&core.JSONField{Name: "data", MaxSize: 64 << 10},
		&core.RelationField{Name: "actor", CollectionId: staff.Id, MaxSelect: 1},
		&core.SelectField{Name: "actor_kind", MaxSelect: 1, Values: []string{"staff", "superuser", "system"}},
		&core.TextField{Name: "actor_name", Max: 200},
		&core.TextField{Name: "workflow_version", Max: 40},
	)
	c.Fields.Add(&core.AutodateField{Name: "created", OnCreate: true})
	c.AddIndex("idx_case_steps_complaint", false, "complaint, created", "")
	// the database's own guarantee that a step advances a case only once
	c.AddIndex("idx_case_steps_advance", true, "complaint, step", "outcome IN ('done', 'skipped', 'withdrawn')")
	return c, nil
}

func feedbackCollection(app core.App) (*core.Collection, error) {
	c := core.NewBaseCollection("feedback")
	c.ListRule = ptr(ruleSupervisor)
	c.ViewRule = ptr(ruleSupervisor)
	c.Fields.Add(
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{"suggestion", "service_complaint", "praise"}},
		&core.TextField{Name: "message", Required: true, Max: 2000},
		&core.TextField{Name: "name", Max: 100},
		&core.TextField{Name: "contact", Max: 100},
		&core.NumberField{Name: "rating", OnlyInt: true, Min: ptr(0.0), Max: ptr(5.0)},
	)
	c.Fields.Add(&core.AutodateField{Name: "created", OnCreate: true})
	c.AddIndex("idx_feedback_created", false, "created", "")
	return c, nil
}

func auditLogCollection(app core.App) (*core.Collection, error) {
	c := core.NewBaseCollection("audit_log")
	c.ListRule = ptr(ruleSupervisor)
	c.ViewRule = ptr(ruleSupervisor)
	c.Fields.Add(
		&core.TextField{Name: "actor_id", Max: 40},
		&core.TextField{Name: "actor_collection", Max: 60},
		&core.TextField{Name: "actor_name", Max: 200},
		&core.TextField{Name: "action", Required: true, Max: 40},
		&core.TextField{Name: "collection_name", Max: 60},
		&core.TextField{Name: "record_id", Max: 40},
		&core.TextField{Name: "ip", Max: 60},
		&core.JSONField{Name: "detail", MaxSize: 20000},
	)
	c.Fields.Add(&core.AutodateField{Name: "created", OnCreate: true})
	c.AddIndex("idx_audit_record", false, "record_id, created", "")
	c.AddIndex("idx_audit_actor", false, "actor_id, created", "")
	c.AddIndex("idx_audit_created", false, "created", "")
	return c, nil
}
