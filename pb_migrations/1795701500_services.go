package pb_migrations

import (
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"teduh/internal/servicestore"
)

// Services from definitions (issue 13):
//   - the table remembering which collections the engine made for which
//     service, and the definition versions cases started under;
//   - case_clocks: the declared clocks of the victim complaints (the TPKS
//     police report), one row per case and clock;
//   - the office calendar: the weekend in the office profile and the
//     holidays as records supervisors keep (seeded with 2026's national
//     holidays and cuti bersama);
//   - notifications may point at a case of any service;
//   - the public services' rate limits, before PocketBase's general ones.
func init() {
	m.Register(func(app core.App) error {
		for _, step := range []func(core.App) error{definitionTables, caseClocks, officeCalendar, serviceNotifications, serviceRateLimits} {
			if err := step(app); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}

// definitionTables are the server's own bookkeeping of services (nothing
// reaches them through the API).
func definitionTables(app core.App) error {
	if err := servicestore.EnsureRegistry(app); err != nil {
		return err
	}
	_, err := app.DB().NewQuery(`CREATE TABLE IF NOT EXISTS teduh_definitions (
		service TEXT NOT NULL, kind TEXT NOT NULL, version TEXT NOT NULL, fingerprint TEXT NOT NULL,
		content TEXT NOT NULL, recorded TEXT NOT NULL, PRIMARY KEY (service, kind, version))`).Execute()
	return err
}

// caseClocks makes case_clocks, or completes it when another change made it
// first (the same fields: complaint, clock, started_at, due_at, met_at,
// status, and the index on clock, status, due_at). A complaint records when
// it was submitted by the application's clock (submitted_at): clocks that
// count from the report start there, even when they start later (step 6).
func caseClocks(app core.App) error {
	complaints, err := app.FindCollectionByNameOrId("complaints")
	if err != nil {
		return err
	}
	if complaints.Fields.GetByName("submitted_at") == nil {
		complaints.Fields.Add(&core.DateField{Name: "submitted_at"})
		if err := app.Save(complaints); err != nil {
			return err
		}
		if _, err := app.DB().NewQuery("UPDATE complaints SET submitted_at = created WHERE submitted_at = ''").Execute(); err != nil {
			return err
		}
	}
	_, err = servicestore.EnsureClocks(app, "case_clocks", complaints, ruleCaseChild)
	return err
}

// holiday2026 are the national holidays and cuti bersama of 2026 (SKB
// Menteri Agama, Menteri Ketenagakerjaan dan Menteri PANRB Nomor 1497, 2
// dan 5 Tahun 2025). An office adds its own (and the next years') in the
// console or the admin panel.
var holiday2026 = []struct{ date, name, kind string }{
	{"2026-01-01", "Tahun Baru 2026 Masehi", "national_holiday"},
	{"2026-01-16", "Isra Mikraj Nabi Muhammad SAW", "national_holiday"},
	{"2026-02-16", "Cuti bersama Tahun Baru Imlek", "cuti_bersama"},
	{"2026-02-17", "Tahun Baru Imlek 2577 Kongzili", "national_holiday"},
	{"2026-03-18", "Cuti bersama Hari Suci Nyepi", "cuti_bersama"},
	{"2026-03-19", "Hari Suci Nyepi (Tahun Baru Saka 1948)", "national_holiday"},
	{"2026-03-20", "Cuti bersama Idulfitri 1447 H", "cuti_bersama"},
	{"2026-03-21", "Idulfitri 1447 H", "national_holiday"},
	{"2026-03-22", "Idulfitri 1447 H", "national_holiday"},
	{"2026-03-23", "Cuti bersama Idulfitri 1447 H", "cuti_bersama"},
	{"2026-03-24", "Cuti bersama Idulfitri 1447 H", "cuti_bersama"},
	{"2026-04-03", "Wafat Yesus Kristus", "national_holiday"},
	{"2026-04-05", "Kebangkitan Yesus Kristus (Paskah)", "national_holiday"},
	{"2026-05-01", "Hari Buruh Internasional", "national_holiday"},
	{"2026-05-14", "Kenaikan Yesus Kristus", "national_holiday"},
	{"2026-05-15", "Cuti bersama Kenaikan Yesus Kristus", "cuti_bersama"},
	{"2026-05-27", "Iduladha 1447 H", "national_holiday"},
	{"2026-05-28", "Cuti bersama Iduladha 1447 H", "cuti_bersama"},
	{"2026-05-31", "Hari Raya Waisak 2570 BE", "national_holiday"},
	{"2026-06-01", "Hari Lahir Pancasila", "national_holiday"},
	{"2026-06-16", "1 Muharam Tahun Baru Islam 1448 H", "national_holiday"},
	{"2026-08-17", "Proklamasi Kemerdekaan", "national_holiday"},
	{"2026-08-25", "Maulid Nabi Muhammad SAW", "national_holiday"},
	{"2026-12-24", "Cuti bersama Kelahiran Yesus Kristus", "cuti_bersama"},
	{"2026-12-25", "Kelahiran Yesus Kristus", "national_holiday"},
}

const holidaySource2026 = "SKB Menteri Agama, Menteri Ketenagakerjaan dan Menteri PANRB Nomor 1497 Tahun 2025, Nomor 2 Tahun 2025, Nomor 5 Tahun 2025"

// officeCalendar: the weekdays the office does not work (profile, the
// administrator's) and the holidays (records, the supervisors').
func officeCalendar(app core.App) error {
	office, err := app.FindCollectionByNameOrId("office")
	if err != nil {
		return err
	}
	office.Fields.Add(&core.JSONField{Name: "weekend_days", MaxSize: 500})
	if err := app.Save(office); err != nil {
		return err
	}
	records, err := app.FindAllRecords("office")
	if err != nil {
		return err
	}
	for _, r := range records {
		r.Set("weekend_days", []string{"saturday", "sunday"})
		if err := app.SaveNoValidate(r); err != nil {
			return err
		}
	}

	c := core.NewBaseCollection("holidays")
	c.ListRule, c.ViewRule = ptr(ruleStaff), ptr(ruleStaff)
	c.CreateRule, c.UpdateRule, c.DeleteRule = ptr(ruleSupervisor), ptr(ruleSupervisor), ptr(ruleSupervisor)
	c.Fields.Add(
		&core.DateField{Name: "date", Required: true},
		&core.TextField{Name: "name", Required: true, Max: 200, Presentable: true},
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{"national_holiday", "cuti_bersama", "office_closure"}},
		&core.TextField{Name: "source", Max: 300},
	)
	timestamps(c)
	c.AddIndex("idx_holidays_date", true, "date", "")
	if err := app.Save(c); err != nil {
		return err
	}
	for _, h := range holiday2026 {
		d, err := time.Parse(time.DateOnly, h.date)
		if err != nil {
			return err
		}
		r := core.NewRecord(c)
		r.Load(map[string]any{"date": d, "name": h.name, "kind": h.kind, "source": holidaySource2026})
		if err := app.SaveNoValidate(r); err != nil {
			return err
		}
	}
	return nil
}

// serviceNotifications: a notification names the service of its case and
// the case's id; "complaint" stays the relation for the victim complaints.
func serviceNotifications(app core.App) error {
	c, err := app.FindCollectionByNameOrId("notifications")
	if err != nil {
		return err
	}
	if rel, ok := c.Fields.GetByName("complaint").(*core.RelationField); ok {
		rel.Required = false
	}
	c.Fields.Add(
		&core.TextField{Name: "service", Max: 60},
		&core.TextField{Name: "case_id", Max: 40},
	)
	if kind, ok := c.Fields.GetByName("kind").(*core.SelectField); ok {
		for _, k := range []string{"new_submission", "clock_reminder", "clock_escalation"} {
			if !contains(kind.Values, k) {
				kind.Values = append(kind.Values, k)
			}
		}
	}
	// partial: only notifications about other services' cases hold one
	c.AddIndex("idx_notifications_case", false, "case_id", "case_id != ''")
	// the recipient may still only flip "read"
	if c.UpdateRule != nil {
		rule := *c.UpdateRule + ` && @request.body.service:isset = false && @request.body.case_id:isset = false`
		c.UpdateRule = &rule
	}
	return app.Save(c)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// serviceRateLimits: a person may file 5 submissions a minute to any
// service and check 20 statuses a minute, like the complaints. PocketBase
// applies the first prefix rule that matches, so they go before its
// general "/api/" rule (as orderRateLimits did for the complaints).
func serviceRateLimits(app core.App) error {
	s := app.Settings()
	add := []core.RateLimitRule{
		{Label: "POST /api/public/services/", Audience: core.RateLimitRuleAudienceAll, Duration: 60, MaxRequests: 5},
		{Label: "GET /api/public/services/", Audience: core.RateLimitRuleAudienceAll, Duration: 60, MaxRequests: 20},
	}
	var ours, theirs []core.RateLimitRule
	for _, r := range s.RateLimits.Rules {
		path := r.Label
		if _, p, hasMethod := strings.Cut(r.Label, " "); hasMethod {
			path = p
		}
		if strings.HasPrefix(path, "/api/public/") {
			ours = append(ours, r)
		} else {
			theirs = append(theirs, r)
		}
	}
	// the specific rules first: "/api/public/" would otherwise answer first
	s.RateLimits.Rules = append(append(add, ours...), theirs...)
	return app.Save(s)
}
