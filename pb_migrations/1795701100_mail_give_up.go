package pb_migrations

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Failing mail is bounded: a notification's mail that keeps failing is
// retried with growing pauses and then marked gave_up, a final state the
// sweep never picks again and the system health page lists. The index on
// emailed_at answers "when did a mail last go out" with one seek however
// many notifications are stored; it holds only the mails that were sent.
func init() {
	const index = "idx_notifications_emailed_at"
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("notifications")
		if err != nil {
			return err
		}
		status, ok := c.Fields.GetByName("email_status").(*core.SelectField)
		if !ok {
			return nil
		}
		if !slices.Contains(status.Values, "gave_up") {
			status.Values = append(status.Values, "gave_up")
		}
		c.AddIndex(index, false, "emailed_at", "emailed_at != ''")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("notifications")
		if err != nil {
			return err
		}
		if _, err := app.DB().NewQuery("UPDATE notifications SET email_status = 'failed' WHERE email_status = 'gave_up'").Execute(); err != nil {
			return err
		}
		if status, ok := c.Fields.GetByName("email_status").(*core.SelectField); ok {
			status.Values = slices.DeleteFunc(status.Values, func(v string) bool { return v == "gave_up" })
		}
		c.RemoveIndex(index)
		return app.Save(c)
	})
}
