package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Notifications: what the reminder sweep and the new-complaint alert tell a
// staff member, in the console (REST and realtime) and by e-mail.
//
// A recipient reads and marks as read only their own. Records are written by
// the server only; the UNIQUE (recipient, key) index is what guarantees that
// a reminder reaches a person once, however many sweeps run.
func init() {
	m.Register(func(app core.App) error {
		staff, err := app.FindCollectionByNameOrId("staff")
		if err != nil {
			return err
		}
		complaints, err := app.FindCollectionByNameOrId("complaints")
		if err != nil {
			return err
		}
		own := ruleStaff + ` && recipient = @request.auth.id`

		c := core.NewBaseCollection("notifications")
		c.ListRule = ptr(own)
		c.ViewRule = ptr(own)
		// a recipient may only flip "read"; everything else is the server's
		c.UpdateRule = ptr(own +
			` && @request.body.recipient:isset = false && @request.body.complaint:isset = false` +
			` && @request.body.kind:isset = false && @request.body.message:isset = false && @request.body.key:isset = false` +
			` && @request.body.email_status:isset = false && @request.body.email_attempts:isset = false` +
			` && @request.body.email_error:isset = false && @request.body.emailed_at:isset = false` +
			` && @request.body.email_lease_until:isset = false`)
		// no create or delete rule: superusers only (the sweep writes as the server)
		c.Fields.Add(
			&core.RelationField{Name: "recipient", CollectionId: staff.Id, MaxSelect: 1, Required: true},
			&core.RelationField{Name: "complaint", CollectionId: complaints.Id, MaxSelect: 1, Required: true},
			&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{
				"new_complaint", "new_emergency", "first_response_missed", "sla_due_soon",
				"sla_due_today", "sla_overdue", "sla_escalation", "referral_unanswered",
			}},
			&core.TextField{Name: "message", Required: true, Max: 1000, Presentable: true},
			&core.BoolField{Name: "read"},
			// the reminder's idempotency key, e.g. sla_overdue:<case>:2026-12-04
			&core.TextField{Name: "key", Required: true, Max: 200},
			// e-mail delivery: pending → sent, or failed and retried by the next sweep;
			// skipped when the recipient has no usable address
			&core.SelectField{Name: "email_status", Required: true, MaxSelect: 1, Values: []string{"pending", "sent", "failed", "skipped"}},
			&core.NumberField{Name: "email_attempts", OnlyInt: true, Min: ptr(0.0)},
			&core.TextField{Name: "email_error", Max: 1000, Hidden: true},
			&core.DateField{Name: "emailed_at"},
			// a sweep that is sending this mail holds it until then, so an
			// overlapping sweep (or the CLI next to the server) does not send it too
			&core.DateField{Name: "email_lease_until", Hidden: true},
		)
		timestamps(c)
		c.AddIndex("idx_notifications_recipient_key", true, "recipient, key", "")
		c.AddIndex("idx_notifications_recipient_read", false, "recipient, read, created", "")
		c.AddIndex("idx_notifications_complaint", false, "complaint", "")
		// the mail outbox: the sweep reads pending and failed mails only
		c.AddIndex("idx_notifications_email", false, "email_status, created", "")
		if err := app.Save(c); err != nil {
			return err
		}
		return addReferralSweepIndex(app)
	}, func(app core.App) error {
		if r, err := app.FindCollectionByNameOrId("referrals"); err == nil {
			r.RemoveIndex(referralSweepIndex)
			if err := app.Save(r); err != nil {
				return err
			}
		}
		c, err := app.FindCollectionByNameOrId("notifications")
		if err != nil {
			return nil
		}
		return app.Delete(c)
	})
}

const referralSweepIndex = "idx_referrals_status_sent"

// addReferralSweepIndex lets the sweep find referrals still "sent" after
// three days with a range search instead of reading every referral. The
// referrals collection belongs to the referrals feature; the index is added
// here, by name and only if missing, because the sweep is what needs it.
func addReferralSweepIndex(app core.App) error {
	r, err := app.FindCollectionByNameOrId("referrals")
	if err != nil {
		return nil // no referrals yet: nothing to remind about
	}
	if r.GetIndex(referralSweepIndex) != "" {
		return nil
	}
	r.AddIndex(referralSweepIndex, false, "status, sent_at", "")
	return app.Save(r)
}
