package pb_hooks_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	_ "teduh/pb_migrations"
)

// The feedback stored before service complaints existed — where no staff
// member ever read it — becomes open service complaints: every message with
// its id, time and words, numbered in the order it came, with a tracking
// code and its first step; nothing is lost, and the old collection goes.
func TestStoredFeedbackBecomesServiceComplaints(t *testing.T) {
	dir := t.TempDir()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ClearBootstrap()
	// the database as the last release left it: every migration before this change
	before := core.MigrationsList{}
	before.Copy(core.SystemMigrations)
	for _, m := range core.AppMigrations.Items() {
		if m.File < "1795701500" {
			before.Register(m.Up, m.Down, m.File)
		}
	}
	if _, err := core.NewMigrationsRunner(app, before).Up(); err != nil {
		t.Fatal(err)
	}
	fb, err := app.FindCollectionByNameOrId("feedback")
	if err != nil {
		t.Fatal(err)
	}
	type old struct {
		kind, message, name, contact string
		rating                       int
		created                      time.Time
	}
	olds := []old{
		{"service_complaint", "Petugas lambat membalas WhatsApp.", "", "", 2, time.Date(2025, 12, 31, 17, 30, 0, 0, time.UTC)}, // 00.30 on 1 January 2026 in WIB
		{"suggestion", "Ruang tunggu perlu kipas angin.", "Sari", "0812-1111-2222", 4, time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)},
		{"praise", "Petugasnya ramah sekali.", "", "", 0, time.Date(2025, 11, 20, 1, 0, 0, 0, time.UTC)},
	}
	ids := map[string]old{}
	for _, o := range olds {
		r := core.NewRecord(fb)
		r.Load(map[string]any{"kind": o.kind, "message": o.message, "name": o.name, "contact": o.contact, "rating": o.rating})
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		// stored on its own day, as it was
		if _, err := app.DB().NewQuery("UPDATE feedback SET created = {:c} WHERE id = {:id}").
			Bind(dbx.Params{"c": o.created.Format("2006-01-02 15:04:05.000Z"), "id": r.Id}).Execute(); err != nil {
			t.Fatal(err)
		}
		ids[r.Id] = o
	}

	if err := app.RunAllMigrations(); err != nil {
		t.Fatal(err)
	}
	if _, err := app.FindCollectionByNameOrId("feedback"); err == nil {
		t.Error("the feedback collection is still there")
	}
	recs, err := app.FindAllRecords("service_complaints")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(olds) {
		t.Fatalf("%d service complaints from %d feedback", len(recs), len(olds))
	}
	numbers := map[string]string{}
	for _, r := range recs {
		o, ok := ids[r.Id]
		if !ok {
			t.Fatalf("service complaint %s has no feedback behind it", r.Id)
		}
		numbers[o.message] = r.GetString("number")
		if r.GetString("message") != o.message || r.GetString("kind") != o.kind || r.GetString("name") != o.name || r.GetString("contact") != o.contact || r.GetInt("rating") != o.rating {
			t.Errorf("%s: moved as %v", o.message, r)
		}
		if !r.GetDateTime("created").Time().Equal(o.created) || !r.GetDateTime("submitted_at").Time().Equal(o.created) {
			t.Errorf("%s: created %s submitted %s, want %s", o.message, r.GetDateTime("created"), r.GetDateTime("submitted_at"), o.created)
		}
		if r.GetString("status") != "new" || r.GetInt("current_step") != 1 || len(r.GetString("tracking_code")) != 14 || r.GetString("channel") != "online" {
			t.Errorf("%s: status %s step %d code %q", o.message, r.GetString("status"), r.GetInt("current_step"), r.GetString("tracking_code"))
		}
		steps, _ := app.FindAllRecords("service_complaint_steps", dbx.HashExp{"complaint": r.Id})
		if len(steps) != 1 || steps[0].GetString("step_code") != "received" || !strings.Contains(steps[0].GetString("notes"), "belum pernah dibaca") {
			t.Errorf("%s: first step %v", o.message, steps)
		}
	}
	// numbered per office year, in the order they came
	want := map[string]string{
		"Petugasnya ramah sekali.":          "SKW-PL-2025-0001",
		"Petugas lambat membalas WhatsApp.": "SKW-PL-2026-0001",
		"Ruang tunggu perlu kipas angin.":   "SKW-PL-2026-0002",
	}
	for msg, n := range want {
		if numbers[msg] != n {
			t.Errorf("%q numbered %q, want %q", msg, numbers[msg], n)
		}
	}
	// the standard the seed put into the office profile now comes from
	// complaint.service.json
	office, _ := app.FindFirstRecordByFilter("office", "")
	if s := office.GetString("service"); s != "" && s != "null" {
		t.Errorf("seeded standard still in the profile: %s", s)
	}
}
