package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The name search gains a "viewer" column: "unassigned", or "u" and the
// assigned officer's id. An officer sees only their own and unassigned cases;
// with the viewer in the full-text index their search is one intersection
// inside the index instead of a walk over every case bearing a common name.
// The triggers keep it in step when a case is assigned. Word beginnings of
// two to eight letters are indexed as tokens of their own, so that "siti
// amin" is two lookups read in case-number order that stop at the first page,
// not a merge of every name beginning so.
func init() {
	m.Register(func(app core.App) error {
		const viewer = `CASE WHEN new.assigned_to = '' THEN 'unassigned' ELSE 'u' || new.assigned_to END`
		for _, q := range []string{
			`DROP TRIGGER IF EXISTS complaints_search_ai`, `DROP TRIGGER IF EXISTS complaints_search_ad`,
			`DROP TRIGGER IF EXISTS complaints_search_au`, `DROP TABLE IF EXISTS complaints_search`,
			`CREATE VIRTUAL TABLE complaints_search USING fts5(victim_name, reporter_name, viewer, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6 7 8')`,
			`CREATE TRIGGER complaints_search_ai AFTER INSERT ON complaints BEGIN
				INSERT INTO complaints_search(rowid, victim_name, reporter_name, viewer)
				VALUES (new.number_year * 1000000 + new.number_seq, new.victim_name, new.reporter_name, ` + viewer + `);
			END`,
			`CREATE TRIGGER complaints_search_ad AFTER DELETE ON complaints BEGIN
				DELETE FROM complaints_search WHERE rowid = old.number_year * 1000000 + old.number_seq;
			END`,
			`CREATE TRIGGER complaints_search_au AFTER UPDATE OF victim_name, reporter_name, number_year, number_seq, assigned_to ON complaints BEGIN
				DELETE FROM complaints_search WHERE rowid = old.number_year * 1000000 + old.number_seq;
				INSERT INTO complaints_search(rowid, victim_name, reporter_name, viewer)
				VALUES (new.number_year * 1000000 + new.number_seq, new.victim_name, new.reporter_name, ` + viewer + `);
			END`,
			`INSERT INTO complaints_search(rowid, victim_name, reporter_name, viewer)
				SELECT number_year * 1000000 + number_seq, victim_name, reporter_name,
					CASE WHEN assigned_to = '' THEN 'unassigned' ELSE 'u' || assigned_to END FROM complaints`,
		} {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}
