package pb_migrations

import (
	"path/filepath"
	"runtime"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// registerIndex registers a migration adding one index to a collection (and
// its down migration removing it); where makes it a partial index. The
// migration is named after the file that calls it, as m.Register would.
func registerIndex(collection, name, columns, where string) {
	_, file, _, _ := runtime.Caller(1)
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collection)
		if err != nil {
			return err
		}
		c.AddIndex(name, false, columns, where)
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId(collection)
		if err != nil {
			return err
		}
		c.RemoveIndex(name)
		return app.Save(c)
	}, filepath.Base(file))
}
