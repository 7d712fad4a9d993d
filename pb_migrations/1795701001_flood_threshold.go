package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The office's flood threshold: above this many public submissions in ten
// minutes the forms ask for a proof of work (pb_hooks/flood.go). A city
// receives tens to hundreds of complaints a year, so 20 in ten minutes is a
// flood; 0 switches the challenge off.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("office")
		if err != nil {
			return err
		}
		c.Fields.Add(&core.NumberField{Name: "challenge_per_10min", OnlyInt: true, Min: ptr(0.0), Max: ptr(100000.0)})
		if err := app.Save(c); err != nil {
			return err
		}
		_, err = app.DB().NewQuery("UPDATE office SET challenge_per_10min = 20").Execute()
		return err
	}, nil)
}
