package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The outbox index (kind, email_status, created) serves every read of the
// mail outbox; the older (email_status, created) index only cost every new
// notification a write.
func init() {
	const name = "idx_notifications_email"
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("notifications")
		if err != nil {
			return err
		}
		c.RemoveIndex(name)
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("notifications")
		if err != nil {
			return err
		}
		c.AddIndex(name, false, "email_status, created", "")
		return app.Save(c)
	})
}
