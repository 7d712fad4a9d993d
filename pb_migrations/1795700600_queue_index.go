package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The staff queue orders the open cases by urgency and deadlines. This
// partial index holds just the open cases with every column the ordering
// reads, so the queue is sorted from the index alone (a few thousand small
// entries) and only the page's rows are read from the table, however many
// closed cases are stored.
func init() {
	const name = "idx_complaints_queue"
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("complaints")
		if err != nil {
			return err
		}
		c.AddIndex(name, false, "status, urgency, due_at, first_response_at, first_response_due_at, created, assigned_to, victim_district",
			"status IN ('new', 'in_progress', 'awaiting_requirements')")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("complaints")
		if err != nil {
			return err
		}
		c.RemoveIndex(name)
		return app.Save(c)
	})
}
