package definitions_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"teduh/internal/definitions"
)

// A small third service as an office would write it, in three files.
var permitFiles = map[string]string{
	"izin_kegiatan.form.json": `{
  "id": "izin_kegiatan", "version": "1", "title": "Permohonan rekomendasi kegiatan sosial",
  "sections": [{"id": "pemohon", "title": "Pemohon", "fields": [
    {"name": "organisation", "type": "text", "label": "Nama lembaga", "required": true, "max_length": 120},
    {"name": "activity", "type": "select", "label": "Kegiatan", "required": true, "options": [
      {"code": "bazaar", "label": "Bazar amal"}, {"code": "collection", "label": "Pengumpulan donasi"}]}
  ]}]
}`,
	"izin_kegiatan.workflow.json": `{
  "id": "izin_kegiatan", "version": "1", "title": "Rekomendasi kegiatan sosial",
  "steps": [
    {"number": 1, "code": "received", "label": "Permohonan diterima", "automatic": true, "outcomes": [{"code": "done", "label": "Diterima", "status": "new"}]},
    {"number": 2, "code": "decision", "label": "Keputusan", "roles": ["supervisor"],
     "fields": [{"name": "reply", "type": "textarea", "label": "Jawaban", "required": true, "public": true}],
     "outcomes": [{"code": "done", "label": "Diputuskan", "effects": ["close_case"], "status": "closed"}]}
  ],
  "clocks": [{"id": "reply", "label": "Jawaban", "start": {"at": "submission"}, "length": {"working_days": 5}, "met_by": [{"step": "decision"}]}]
}`,
	"izin_kegiatan.service.json": `{
  "id": "izin_kegiatan", "version": "1", "name": "Rekomendasi Kegiatan Sosial", "public": true,
  "requirements": ["Surat permohonan lembaga"], "completion_time": "5 hari kerja", "cost": "Tidak dipungut biaya",
  "products": ["Surat rekomendasi"], "complaint_channels": ["Kotak saran"], "number_prefix": "RK"
}`,
}

func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func without(files map[string]string, drop string) map[string]string {
	out := map[string]string{}
	for k, v := range files {
		if k != drop {
			out[k] = v
		}
	}
	return out
}

func with2(files map[string]string, name, content string) map[string]string {
	out := without(files, name)
	out[name] = content
	return out
}

func TestCatalogReadsTheDataDirectory(t *testing.T) {
	data := t.TempDir()
	if err := os.MkdirAll(filepath.Join(data, definitions.DirName), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range permitFiles {
		if err := os.WriteFile(filepath.Join(data, definitions.DirName, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// a README beside the definitions is not a definition
	_ = os.WriteFile(filepath.Join(data, definitions.DirName, "README.md"), []byte("catatan"), 0o644)
	sets, err := definitions.Catalog(data)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range sets {
		ids = append(ids, s.Service.ID)
	}
	if strings.Join(ids, ",") != "complaint,service_complaint,izin_kegiatan" {
		t.Fatalf("catalog %v", ids)
	}
	third := sets[2]
	if cases, steps, clocks := third.Service.Collections(); cases != "izin_kegiatan_cases" || steps != "izin_kegiatan_steps" || clocks != "izin_kegiatan_clocks" {
		t.Errorf("collections %s %s %s", cases, steps, clocks)
	}
	if fields := third.Workflow.PublicFields(); len(fields) != 1 || fields[0].Field.Name != "reply" {
		t.Errorf("public fields %v", fields)
	}
	if len(third.Raw["form"]) == 0 || len(third.Raw["workflow"]) == 0 || len(third.Raw["service"]) == 0 {
		t.Error("the files as read are not kept")
	}
	// without the directory there are only the embedded services
	if sets, err := definitions.Catalog(t.TempDir()); err != nil || len(sets) != 2 {
		t.Errorf("no directory: %d services, %v", len(sets), err)
	}
}

// A service that does not load stops the catalog, naming the file, the
// place and the mistake.
func TestCatalogRefusesBrokenDefinitions(t *testing.T) {
	cases := map[string]struct {
		files map[string]string
		want  []string
	}{
		"a file missing": {without(permitFiles, "izin_kegiatan.service.json"),
			[]string{"izin_kegiatan.service.json tidak ada"}},
		"broken JSON": {with2(permitFiles, "izin_kegiatan.form.json", "{\n  \"id\": \"izin_kegiatan\",\n  \"version\": \"1\"\n  \"title\": \"x\"\n}"),
			[]string{"izin_kegiatan.form.json", "line 4"}},
		"an unknown validator": {with2(permitFiles, "izin_kegiatan.workflow.json", strings.Replace(permitFiles["izin_kegiatan.workflow.json"],
			`"label": "Diputuskan",`, `"label": "Diputuskan", "validators": ["stamped"],`, 1)),
			[]string{"izin_kegiatan.workflow.json", `step 2 "decision"`, `unknown validator "stamped"`}},
		"an unknown role": {with2(permitFiles, "izin_kegiatan.workflow.json", strings.Replace(permitFiles["izin_kegiatan.workflow.json"],
			`["supervisor"]`, `["camat"]`, 1)),
			[]string{"izin_kegiatan.workflow.json", `unknown role "camat"`}},
		"an id unlike its file name": {with2(permitFiles, "izin_kegiatan.service.json", strings.Replace(permitFiles["izin_kegiatan.service.json"],
			`"id": "izin_kegiatan"`, `"id": "izin"`, 1)),
			[]string{"izin_kegiatan.service.json", `differs from the form's id`}},
		"a public service without its standard": {with2(permitFiles, "izin_kegiatan.service.json", strings.Replace(permitFiles["izin_kegiatan.service.json"],
			`"cost": "Tidak dipungut biaya",`, ``, 1)),
			[]string{"izin_kegiatan.service.json", "publishes its standard"}},
		"a personal field the form lacks": {with2(permitFiles, "izin_kegiatan.service.json", strings.Replace(permitFiles["izin_kegiatan.service.json"],
			`"number_prefix": "RK"`, `"number_prefix": "RK", "personal_fields": ["nik"]`, 1)),
			[]string{"izin_kegiatan.service.json", `personal_fields: the form has no field "nik"`}},
		"storage of its own": {with2(permitFiles, "izin_kegiatan.service.json", strings.Replace(permitFiles["izin_kegiatan.service.json"],
			`"number_prefix": "RK"`, `"number_prefix": "RK", "storage": {"cases": "complaints", "steps": "case_steps", "clocks": "case_clocks"}`, 1)),
			[]string{"izin_kegiatan.service.json", "storage hanya untuk layanan bawaan"}},
		"an embedded id": {map[string]string{"complaint.form.json": "{}", "complaint.workflow.json": "{}", "complaint.service.json": "{}"},
			[]string{"complaint.service.json", "sudah ada di dalam Teduh"}},
		"a name that is not a kind": {with2(permitFiles, "izin_kegiatan.rules.json", "{}"),
			[]string{"izin_kegiatan.rules.json", "nama berkas harus"}},
	}
	for name, c := range cases {
		_, err := definitions.LoadDir(writeDir(t, c.files))
		if err == nil {
			t.Errorf("%s: loaded", name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", name, err, w)
			}
		}
	}
}

// The embedded service complaints: four steps received → clarified →
// answered → closed, an answer deadline in working days, its answer public.
func TestServiceComplaintDefinitions(t *testing.T) {
	set, err := definitions.LoadEmbedded(definitions.ServiceComplaintID)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, s := range set.Workflow.Steps {
		codes = append(codes, s.Code)
	}
	if strings.Join(codes, ",") != "received,clarification,answer,closing" {
		t.Errorf("steps %v", codes)
	}
	cl := set.Workflow.Clock("answer_deadline")
	if cl == nil || cl.Length.WorkingDays != 10 || len(cl.MetBy) != 1 || cl.MetBy[0].Step != "answer" || cl.Escalation == nil {
		t.Fatalf("answer deadline %+v", cl)
	}
	if pf := set.Workflow.PublicFields(); len(pf) != 1 || pf[0].Field.Name != "public_answer" {
		t.Errorf("public fields %v", pf)
	}
	if !set.Service.Public || set.Service.Editable() || set.Service.NotifyOnArrival != "supervisors" || strings.Join(set.Service.Roles(), ",") != "supervisor" {
		t.Errorf("service %+v", set.Service)
	}
	// the victim complaints declare the TPKS police report clock
	c, err := definitions.Load()
	if err != nil {
		t.Fatal(err)
	}
	tpks := c.Workflow.Clock("tpks_police_report")
	if tpks == nil || tpks.Length.Hours != 72 || tpks.Start.When.Contains != "sexual" || tpks.MetByReferral()[0] != "police" || tpks.Manual() == nil {
		t.Fatalf("TPKS clock %+v", tpks)
	}
	if tpks.Reminders[0].After.Hours != 48 || tpks.Escalation.To != "supervisors" {
		t.Errorf("TPKS reminders %+v escalation %+v", tpks.Reminders, tpks.Escalation)
	}
	if c.Service.Storage.IsManaged() {
		t.Error("the victim complaints' storage is the migrations'")
	}
}
