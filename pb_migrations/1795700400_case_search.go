package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A full-text index over the names on a case, so staff find a case by the
// words of the victim's or reporter's name (or their beginnings: "wulan"
// finds "Wulandari") among a million cases without scanning them. Its rowid is derived from the case number (year and
// sequence), which never changes, and triggers keep it in step with every
// write path.
func init() {
	m.Register(func(app core.App) error {
		for _, q := range []string{
			`CREATE VIRTUAL TABLE IF NOT EXISTS complaints_search USING fts5(victim_name, reporter_name, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')`,
			`CREATE TRIGGER IF NOT EXISTS complaints_search_ai AFTER INSERT ON complaints BEGIN
				INSERT INTO complaints_search(rowid, victim_name, reporter_name)
				VALUES (new.number_year * 1000000 + new.number_seq, new.victim_name, new.reporter_name);
			END`,
			`CREATE TRIGGER IF NOT EXISTS complaints_search_ad AFTER DELETE ON complaints BEGIN
				DELETE FROM complaints_search WHERE rowid = old.number_year * 1000000 + old.number_seq;
			END`,
			`CREATE TRIGGER IF NOT EXISTS complaints_search_au AFTER UPDATE OF victim_name, reporter_name, number_year, number_seq ON complaints BEGIN
				DELETE FROM complaints_search WHERE rowid = old.number_year * 1000000 + old.number_seq;
				INSERT INTO complaints_search(rowid, victim_name, reporter_name)
				VALUES (new.number_year * 1000000 + new.number_seq, new.victim_name, new.reporter_name);
			END`,
			`INSERT INTO complaints_search(rowid, victim_name, reporter_name)
				SELECT number_year * 1000000 + number_seq, victim_name, reporter_name FROM complaints`,
		} {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for _, q := range []string{
			`DROP TRIGGER IF EXISTS complaints_search_ai`, `DROP TRIGGER IF EXISTS complaints_search_ad`,
			`DROP TRIGGER IF EXISTS complaints_search_au`, `DROP TABLE IF EXISTS complaints_search`,
		} {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
}
