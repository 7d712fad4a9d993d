package pb_hooks_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teduh/internal/definitions"
	"teduh/pb_hooks"
)

// harnessAt is newHarness on a data directory that outlives it (no clone):
// a server started, stopped and started again on the same data. It answers
// the start-up's error instead of failing, so a refused start is testable.
func harnessAt(t *testing.T, dir string, now time.Time) (*harness, error) {
	t.Helper()
	base := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env"})
	if err := base.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	if err := base.RunAllMigrations(); err != nil {
		t.Fatal(err)
	}
	app := &tests.TestApp{BaseApp: base, TestMailer: &tests.TestMailer{}}
	h := &harness{t: t, App: app, now: now}
	stop := func() {
		ev := &core.TerminateEvent{}
		ev.App = app
		_ = app.OnTerminate().Trigger(ev, func(e *core.TerminateEvent) error { return e.App.ClearBootstrap() })
	}
	var err error
	if h.Teduh, err = pb_hooks.RegisterWith(app, pb_hooks.Config{Now: h.Now}); err != nil {
		stop()
		return nil, err
	}
	app.Settings().RateLimits.Enabled = false
	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	se := &core.ServeEvent{App: app, Router: router}
	err = app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		mux, err := e.Router.BuildMux()
		h.Handler = mux
		return err
	})
	if err != nil {
		stop()
		return nil, err
	}
	t.Cleanup(stop)
	return h, nil
}

func writeThirdService(t *testing.T, dir string, edit func(name, content string) string) {
	t.Helper()
	to := filepath.Join(dir, definitions.DirName)
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"form", "workflow", "service"} {
		name := "rekomendasi_bansos." + kind + ".json"
		data, err := os.ReadFile(filepath.Join("testdata/third_service", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, name), []byte(edit(name, string(data))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

var bansosApplication = map[string]any{"applicant_name": "Rudi Hartono", "applicant_nik": "6172010101900001", "applicant_phone": "081234567890",
	"district": "Singkawang Tengah", "programme": "pkh", "household_members": 4, "consent": true}

// A changed definition does not change the rules of the cases already
// running: a case started under version 1 takes its steps as version 1
// says, a new case follows version 2, the storage grows the new field and
// keeps the old ones. Changing a version's rules in place while cases run
// under it stops the start-up, saying what to do.
func TestChangedDefinitionKeepsRunningCasesOnTheirVersion(t *testing.T) {
	dir := t.TempDir()
	now := wibAt(2026, 11, 26, 9, 0, 0)
	writeThirdService(t, dir, func(_, c string) string { return c })
	h1, err := harnessAt(t, dir, now)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = h1.Staff("petugas@teduh.test", "Petugas Satu", "officer", true)
	res := h1.Do("POST", "/api/public/services/rekomendasi_bansos/submissions", bansosApplication, "")
	if res.Status != 200 {
		t.Fatalf("v1 application: %d %s", res.Status, res)
	}
	oldCase, _ := h1.App.FindFirstRecordByData("rekomendasi_bansos_cases", "tracking_code", res.JSON["tracking_code"])
	if oldCase.GetString("workflow_version") != "test.1" {
		t.Fatalf("workflow version %q", oldCase.GetString("workflow_version"))
	}
	// a second start with the same definitions changes no collection
	before, _ := h1.App.FindCollectionByNameOrId("rekomendasi_bansos_cases")
	if err := h1.Teduh.EnsureServices(h1.App); err != nil {
		t.Fatal(err)
	}
	after, _ := h1.App.FindCollectionByNameOrId("rekomendasi_bansos_cases")
	if !before.Updated.Equal(after.Updated) {
		t.Errorf("an unchanged definition saved its collection again (%s → %s)", before.Updated, after.Updated)
	}
	h1.App.ClearBootstrap()

	// version 2: the check needs a home visit, the form asks for the income
	writeThirdService(t, dir, func(name, c string) string {
		c = strings.ReplaceAll(c, `"version": "test.1"`, `"version": "test.2"`)
		switch {
		case strings.HasSuffix(name, ".workflow.json"):
			c = strings.Replace(c, `"fields": [{"name": "documents_complete", "type": "bool", "label": "Berkas lengkap dan sesuai", "required": true}],`,
				`"fields": [{"name": "documents_complete", "type": "bool", "label": "Berkas lengkap dan sesuai", "required": true},
				            {"name": "home_visit", "type": "date", "label": "Tanggal kunjungan rumah", "required": true}],`, 1)
		case strings.HasSuffix(name, ".form.json"):
			c = strings.Replace(c, `{"name": "consent"`, `{"name": "income", "type": "number", "label": "Penghasilan keluarga sebulan", "min": 0},
        {"name": "consent"`, 1)
		}
		return c
	})
	h2, err := harnessAt(t, dir, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	officer, err := h2.App.FindAuthRecordByEmail("staff", "petugas@teduh.test")
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := officer.NewAuthToken()
	coll, _ := h2.App.FindCollectionByNameOrId("rekomendasi_bansos_cases")
	if coll.Fields.GetByName("income") == nil || coll.Fields.GetByName("applicant_nik") == nil {
		t.Fatalf("storage after v2: %v", coll.Fields.FieldNames())
	}
	step := func(id string, data map[string]any) *response {
		return h2.Do("POST", "/api/services/rekomendasi_bansos/cases/"+id+"/steps", map[string]any{"step": 2, "outcome": "done", "data": data}, tok)
	}
	// the old case: version 1's step, without a home visit
	if r := step(oldCase.Id, map[string]any{"documents_complete": true}); r.Status != 200 {
		t.Fatalf("v1 case under v2 definitions: %d %s", r.Status, r)
	}
	st, _ := h2.App.FindFirstRecordByFilter("rekomendasi_bansos_steps", "complaint = {:c} && step = 2", dbx.Params{"c": oldCase.Id})
	if st.GetString("workflow_version") != "test.1" {
		t.Errorf("the old case's step recorded under %q", st.GetString("workflow_version"))
	}
	// the console is served the version the case runs under
	view := h2.Do("GET", "/api/services/rekomendasi_bansos/cases/"+oldCase.Id, nil, tok)
	if view.Status != 200 || view.JSON["service"].(map[string]any)["workflow"].(map[string]any)["version"] != "test.1" {
		t.Errorf("case view's workflow: %d %.300s", view.Status, view)
	}
	// a new case: version 2
	res = h2.Do("POST", "/api/public/services/rekomendasi_bansos/submissions", with(bansosApplication, "income", 1500000), "")
	if res.Status != 200 {
		t.Fatalf("v2 application: %d %s", res.Status, res)
	}
	newCase, _ := h2.App.FindFirstRecordByData("rekomendasi_bansos_cases", "tracking_code", res.JSON["tracking_code"])
	if newCase.GetString("workflow_version") != "test.2" || newCase.GetFloat("income") != 1500000 {
		t.Errorf("new case: %q income %v", newCase.GetString("workflow_version"), newCase.GetFloat("income"))
	}
	if r := step(newCase.Id, map[string]any{"documents_complete": true}); r.Status != 400 || r.FieldCode("data.home_visit") != "required" {
		t.Errorf("v2 case without the home visit: %d %s", r.Status, r)
	}
	if r := step(newCase.Id, map[string]any{"documents_complete": true, "home_visit": "2026-11-26"}); r.Status != 200 {
		t.Errorf("v2 case with the home visit: %d %s", r.Status, r)
	}
	h2.App.ClearBootstrap()

	// version 2's rules changed in place while a case runs under it: refused
	writeThirdService(t, dir, func(name, c string) string {
		c = strings.ReplaceAll(c, `"version": "test.1"`, `"version": "test.2"`)
		if strings.HasSuffix(name, ".form.json") {
			c = strings.Replace(c, `{"name": "consent"`, `{"name": "income", "type": "number", "label": "Penghasilan keluarga sebulan", "min": 0},
        {"name": "consent"`, 1)
		}
		if strings.HasSuffix(name, ".workflow.json") {
			c = strings.Replace(c, `"roles": ["supervisor"],`, `"roles": ["officer", "supervisor"],`, 1)
		}
		return c
	})
	_, err = harnessAt(t, dir, now.Add(2*time.Hour))
	if err == nil || !strings.Contains(err.Error(), "rekomendasi_bansos.workflow.json") || !strings.Contains(err.Error(), "versi baru") {
		t.Fatalf("rules changed in place: %v", err)
	}
}
