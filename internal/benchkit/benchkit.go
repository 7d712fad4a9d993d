// Package benchkit holds what the load tool and the in-process benchmarks
// share: the bare PocketBase collection the public intake is compared with.
package benchkit

import (
	"encoding/json"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// Collection creates bench_complaints, a copy of the complaints collection's fields with no
// hooks and an open create rule: what plain PocketBase does for the same row.
func Collection(app core.App) error {
	src, err := app.FindCollectionByNameOrId("complaints")
	if err != nil {
		return err
	}
	c := core.NewBaseCollection("bench_complaints")
	open := ""
	c.CreateRule = &open
	data, err := json.Marshal(src.Fields)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, &c.Fields); err != nil {
		return err
	}
	// the same non-unique indexes (unique ones would refuse the empty numbers)
	for _, idx := range src.Indexes {
		if strings.Contains(strings.ToUpper(idx), "UNIQUE") {
			continue
		}
		c.Indexes = append(c.Indexes, strings.NewReplacer("idx_complaints_", "idx_bench_", "`complaints`", "`bench_complaints`", " complaints ", " bench_complaints ").Replace(idx))
	}
	return app.Save(c)
}
