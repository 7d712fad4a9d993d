package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The background worker mails emergencies and reminders at once and leaves
// normal new-complaint alerts to the sweep; this index lets it find the
// waiting mails of the other kinds without stepping over the alerts.
func init() {
	const name = "idx_notifications_outbox"
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("notifications")
		if err != nil {
			return err
		}
		c.AddIndex(name, false, "kind, email_status, created", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("notifications")
		if err != nil {
			return err
		}
		c.RemoveIndex(name)
		return app.Save(c)
	})
}
