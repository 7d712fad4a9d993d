package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Scheduled backups on by default: every day at 02:00 WIB (19:00 UTC; the
// backup cron runs in UTC), keeping the last seven. An operator adds S3
// storage or changes the schedule in the admin panel (Settings → Backups).
func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		if s.Backups.Cron == "" {
			s.Backups.Cron = "0 19 * * *"
			s.Backups.CronMaxKeep = 7
		}
		return app.Save(s)
	}, nil)
}
