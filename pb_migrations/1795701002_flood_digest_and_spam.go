package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// During a flood: the new complaints waiting for the minute's digest alert
// (a server table), the digest's notification kind, and the batches of
// complaints supervisors marked as spam (recorded as withdrawals with the
// reason, and undone the same way).
func init() {
	m.Register(func(app core.App) error {
		if _, err := app.DB().NewQuery(`CREATE TABLE IF NOT EXISTS teduh_flood_digest (
			case_id TEXT PRIMARY KEY NOT NULL, number TEXT NOT NULL, created TEXT NOT NULL, digest TEXT NOT NULL DEFAULT '')`).Execute(); err != nil {
			return err
		}
		if _, err := app.DB().NewQuery(`CREATE INDEX IF NOT EXISTS idx_teduh_flood_digest_pending ON teduh_flood_digest (digest, created)`).Execute(); err != nil {
			return err
		}
		notifications, err := app.FindCollectionByNameOrId("notifications")
		if err != nil {
			return err
		}
		if kind, ok := notifications.Fields.GetByName("kind").(*core.SelectField); ok {
			kind.Values = append(kind.Values, "new_complaints_digest")
		}
		if err := app.Save(notifications); err != nil {
			return err
		}
		staff, err := app.FindCollectionByNameOrId("staff")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("spam_batches")
		c.ListRule = ptr(ruleSupervisor)
		c.ViewRule = ptr(ruleSupervisor)
		// no create, update or delete rule: the server writes them (POST /api/spam-batches)
		c.Fields.Add(
			&core.TextField{Name: "reason", Required: true, Max: 500},
			// each case with what it was before: [{"id","number","status","current_step"}]
			&core.JSONField{Name: "cases", MaxSize: 2 << 20},
			&core.NumberField{Name: "size", OnlyInt: true},
			&core.RelationField{Name: "created_by", CollectionId: staff.Id, MaxSelect: 1},
			&core.DateField{Name: "undone_at"},
			&core.RelationField{Name: "undone_by", CollectionId: staff.Id, MaxSelect: 1},
			&core.TextField{Name: "undo_reason", Max: 500},
		)
		timestamps(c)
		c.AddIndex("idx_spam_batches_created", false, "created", "")
		return app.Save(c)
	}, nil)
}
