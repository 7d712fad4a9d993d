package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// SIMFONI-PPA data (issue 12):
//   - the victim's education, occupation, marital status and age at the
//     incident; whether the report names other victims;
//   - the report number shared by the linked cases of one report (several
//     victims, each with its own SOP), and the case a linked case was
//     registered from;
//   - the services given, as the officer confirmed them (SIMFONI's eight);
//   - perpetrators as their own records on a case;
//   - (the per-case clock table case_clocks, which the TPKS clock uses, is
//     the engine's: 1795701500)
//   - the statistics' aggregates, kept in the same transaction as every
//     change of a case, outside the collections (nothing reaches them
//     through the API).
func init() {
	m.Register(func(app core.App) error {
		for _, up := range []func(core.App) error{addSimfoniCaseFields, perpetratorsCollection, statsTables} {
			if err := up(app); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for _, q := range []string{"DROP TABLE IF EXISTS teduh_stats", "DROP TABLE IF EXISTS teduh_stats_case", "DROP TABLE IF EXISTS teduh_stats_meta"} {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return err
			}
		}
		if c, err := app.FindCollectionByNameOrId("perpetrators"); err == nil {
			if err := app.Delete(c); err != nil {
				return err
			}
		}
		c, err := app.FindCollectionByNameOrId("complaints")
		if err != nil {
			return err
		}
		for _, f := range simfoniCaseFields {
			c.Fields.RemoveByName(f)
		}
		c.RemoveIndex(reportNumberIndex)
		return app.Save(c)
	})
}

var simfoniCaseFields = []string{"reported_at", "victim_age", "victim_education", "victim_occupation", "victim_marital_status", "other_victims",
	"other_victims_note", "report_number", "linked_case", "services_given", "services_confirmed_at", "services_confirmed_by"}

const reportNumberIndex = "idx_complaints_report_number"

func addSimfoniCaseFields(app core.App) error {
	c, err := app.FindCollectionByNameOrId("complaints")
	if err != nil {
		return err
	}
	staff, err := app.FindCollectionByNameOrId("staff")
	if err != nil {
		return err
	}
	c.Fields.Add(
		// when the report was received, by the server's clock (the month
		// a case is counted in; "created" is the database's own stamp)
		&core.DateField{Name: "reported_at"},
		// complaint form fields (validated against the form by hooks); the
		// age is text so that "not known" and a baby's 0 differ
		&core.TextField{Name: "victim_age", Max: 3, Pattern: `^[0-9]*$`},
		&core.TextField{Name: "victim_education", Max: 40},
		&core.TextField{Name: "victim_occupation", Max: 40},
		&core.TextField{Name: "victim_marital_status", Max: 40},
		&core.BoolField{Name: "other_victims"},
		&core.TextField{Name: "other_victims_note", Max: 1000},
		// set by the server only: the report's number (the first case's
		// number) and the case a linked case was registered from
		&core.TextField{Name: "report_number", Max: 40},
		&core.RelationField{Name: "linked_case", CollectionId: c.Id, MaxSelect: 1},
		// SIMFONI service codes the officer confirmed (empty: the ones the
		// steps and referrals show are counted)
		&core.JSONField{Name: "services_given", MaxSize: 2000},
		&core.DateField{Name: "services_confirmed_at"},
		&core.RelationField{Name: "services_confirmed_by", CollectionId: staff.Id, MaxSelect: 1},
	)
	c.AddIndex(reportNumberIndex, false, "report_number", "")
	if err := app.Save(c); err != nil {
		return err
	}
	_, err = app.DB().NewQuery(`UPDATE complaints SET report_number = number WHERE report_number = '' OR report_number IS NULL`).Execute()
	if err != nil {
		return err
	}
	_, err = app.DB().NewQuery(`UPDATE complaints SET reported_at = created WHERE reported_at = '' OR reported_at IS NULL`).Execute()
	return err
}

func perpetratorsCollection(app core.App) error {
	complaints, err := app.FindCollectionByNameOrId("complaints")
	if err != nil {
		return err
	}
	staff, err := app.FindCollectionByNameOrId("staff")
	if err != nil {
		return err
	}
	c := core.NewBaseCollection("perpetrators")
	// a perpetrator is part of its case: the case's visibility applies;
	// the hooks refuse every change once the case is closed (admin panel too)
	c.ListRule = ptr(ruleCaseChild)
	c.ViewRule = ptr(ruleCaseChild)
	c.CreateRule = ptr(ruleStaff)
	c.UpdateRule = ptr(ruleCaseChild)
	c.DeleteRule = ptr(ruleCaseChild)
	c.Fields.Add(
		&core.RelationField{Name: "complaint", CollectionId: complaints.Id, MaxSelect: 1, Required: true},
		&core.TextField{Name: "sex", Max: 10},
		// 0: not known (validated by hooks against the perpetrator form)
		&core.NumberField{Name: "age", OnlyInt: true, Min: ptr(0.0), Max: ptr(120.0)},
		&core.TextField{Name: "age_group", Max: 20},
		&core.TextField{Name: "relation", Max: 40},
		&core.TextField{Name: "education", Max: 40},
		&core.TextField{Name: "occupation", Max: 40},
		&core.RelationField{Name: "created_by", CollectionId: staff.Id, MaxSelect: 1},
	)
	timestamps(c)
	c.AddIndex("idx_perpetrators_complaint", false, "complaint", "")
	if err := app.Save(c); err != nil {
		return err
	}
	// the same person already recorded on a linked case of the report:
	// counted once
	c.Fields.Add(&core.RelationField{Name: "same_as", CollectionId: c.Id, MaxSelect: 1})
	return app.Save(c)
}

// statsTables hold the statistics' aggregates: teduh_stats the sums per
// month (office time zone), district, dimension and key; teduh_stats_case
// what each case contributes (so that a change applies its difference) and
// its de-identified row; teduh_stats_meta the vocabulary they were counted
// with (another one counts everything again at start-up).
func statsTables(app core.App) error {
	for _, q := range []string{
		`CREATE TABLE IF NOT EXISTS teduh_stats (
			month TEXT NOT NULL, district TEXT NOT NULL, dim TEXT NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL,
			PRIMARY KEY (month, district, dim, key)) WITHOUT ROWID`,
		`CREATE TABLE IF NOT EXISTS teduh_stats_case (
			complaint TEXT PRIMARY KEY NOT NULL, month TEXT NOT NULL, cells TEXT NOT NULL, row TEXT NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS idx_teduh_stats_case_month ON teduh_stats_case (month)`,
		`CREATE TABLE IF NOT EXISTS teduh_stats_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)`,
	} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return err
		}
	}
	return nil
}
