package pb_hooks_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"teduh/internal/definitions"
	"teduh/pb_hooks"
)

// copyThirdService puts the test-only service's three files — and nothing
// else — into a data directory's definitions/.
func copyThirdService(t *testing.T, dir string) {
	t.Helper()
	to := filepath.Join(dir, definitions.DirName)
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir("testdata/third_service")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 {
		t.Fatalf("the third service is %d files, want its three definitions", len(entries))
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata/third_service", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A third service that exists only as its three definition files in the
// data directory: the real server (a child process) gives it its storage,
// its public routes, its queue and case page; a member of the public
// applies, staff walk it through its steps (the last in the console, in
// Chromium), the applicant reads the answer, and after a restart it is all
// still there. No Go code anywhere knows this service.
func TestThirdServiceFromDefinitionFilesOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real server")
	}
	dir := t.TempDir()
	copyThirdService(t, dir)
	app := openDataDir(t, dir) // the migrations only: Teduh's hooks are not bound here
	for _, s := range [][3]string{{"petugas@teduh.test", "Petugas Satu", "officer"}, {"kepala@teduh.test", "Kepala Bidang", "supervisor"}} {
		if _, err := pb_hooks.AddStaff(app, s[0], s[1], s[2], "", authzStaffPass); err != nil {
			t.Fatal(err)
		}
	}
	_ = app.ResetBootstrapState()

	addr := freeAddr(t)
	cmd := startServer(t, dir, addr)
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_, _ = cmd.Process.Wait()
	}
	defer func() { stop() }()
	o := &outside{t: t, base: "http://" + addr, client: &http.Client{Timeout: 20 * time.Second}}

	list := o.do("GET", "/api/public/services", "", nil)
	if list.status != 200 || !strings.Contains(list.body, `"id":"rekomendasi_bansos"`) || !strings.Contains(list.body, "WhatsApp 089520338668") {
		t.Fatalf("public services: %d %.400s", list.status, list.body)
	}
	// the form's rules, the named NIK validator included, are the server's
	bad := o.do("POST", "/api/public/services/rekomendasi_bansos/submissions", "", map[string]any{
		"applicant_name": "Rudi", "applicant_nik": "6172010101900000", "applicant_phone": "0812", "district": "Tempat lain", "programme": "pkh", "household_members": 0, "consent": false})
	if bad.status != 400 {
		t.Fatalf("invalid application: %d %s", bad.status, bad.body)
	}
	data, _ := bad.json["data"].(map[string]any)
	for _, f := range []string{"applicant_nik", "applicant_phone", "district", "household_members", "consent"} {
		if data[f] == nil {
			t.Errorf("no error on %s: %s", f, bad.body)
		}
	}
	res := o.do("POST", "/api/public/services/rekomendasi_bansos/submissions", "", map[string]any{
		"applicant_name": "Rudi Hartono", "applicant_nik": "6172010101900001", "applicant_phone": "0812-3456-7890",
		"district": "Singkawang Tengah", "programme": "pkh", "household_members": 5, "consent": true})
	year := time.Now().In(wib).Year()
	if res.status != 200 || res.json["number"] != fmt.Sprintf("SKW-RB-%d-0001", year) {
		t.Fatalf("application: %d %s", res.status, res.body)
	}
	code := res.json["tracking_code"].(string)
	number := res.json["number"].(string)

	tokO, tokS := o.signIn("petugas@teduh.test"), o.signIn("kepala@teduh.test")
	q := o.do("GET", "/api/services/rekomendasi_bansos/queue", tokO, nil)
	if q.status != 200 || !strings.Contains(q.body, number) || !strings.Contains(q.body, `"clock":"decision_deadline"`) {
		t.Fatalf("officer's queue: %d %.500s", q.status, q.body)
	}
	id := q.json["items"].([]any)[0].(map[string]any)["id"].(string)
	step := func(token string, body map[string]any) outsideAnswer {
		return o.do("POST", "/api/services/rekomendasi_bansos/cases/"+id+"/steps", token, body)
	}
	if a := step(tokO, map[string]any{"step": 2, "outcome": "returned", "notes": "Kartu Keluarga belum dibawa.", "data": map[string]any{"documents_complete": false}}); a.status != 200 {
		t.Fatalf("returned: %d %s", a.status, a.body)
	}
	if a := step(tokO, map[string]any{"step": 2, "outcome": "done", "data": map[string]any{"documents_complete": true}}); a.status != 200 {
		t.Fatalf("verified: %d %s", a.status, a.body)
	}
	if a := step(tokO, map[string]any{"step": 3, "outcome": "issued", "data": map[string]any{"reply": "Surat rekomendasi sudah terbit."}}); a.status != 403 {
		t.Fatalf("an officer decided: %d %s", a.status, a.body)
	}

	reply := "Surat rekomendasi Anda sudah terbit dan dapat diambil di kantor Dinas."
	if _, err := os.Stat(chromiumPath); err == nil {
		// the supervisor sees it in the console and records the decision there
		b := openConsole(t, o.base)
		b.consoleSignIn("kepala@teduh.test")
		b.waitJS("the service tabs", `document.getElementById('tab-rekomendasi_bansos')`)
		b.click("tab-rekomendasi_bansos")
		b.waitJS("the service's queue", fmt.Sprintf(`document.querySelector('#squeue-list .qrow[data-number=%q]')`, number))
		if txt := js[string](b, `document.getElementById('squeue-list').innerText`); !strings.Contains(txt, "Keputusan kepala") || !strings.Contains(txt, "Batas waktu keputusan") {
			t.Errorf("queue row: %q", txt)
		}
		b.clickQuery(fmt.Sprintf(`#squeue-list .qrow[data-number=%q] a.qlink`, number))
		b.waitStepForm(3)
		if txt := b.text("case-clocks"); !strings.Contains(txt, "Batas waktu keputusan") {
			t.Errorf("case clocks: %q", txt)
		}
		b.typeInto("s-letter_number", "460/77/DINSOS-P3A/2026")
		b.typeInto("s-reply", reply)
		b.click("o-issued")
		b.click("step-submit")
		b.waitStepDone(3)
		b.waitJS("the case closed", `document.getElementById('next-step-title').textContent === 'Kasus ditutup'`)
		if txt := b.text("case-clocks"); !strings.Contains(txt, "terpenuhi") {
			t.Errorf("clock after the decision: %q", txt)
		}
		b.checkA11y("service case page")
		b.screenshot("third-service-case")
	} else {
		t.Logf("Chromium missing: the decision goes through the API")
		if a := step(tokS, map[string]any{"step": 3, "outcome": "issued", "data": map[string]any{"letter_number": "460/77", "reply": reply}}); a.status != 200 {
			t.Fatalf("decision: %d %s", a.status, a.body)
		}
	}
	st := o.do("GET", "/api/public/services/rekomendasi_bansos/submissions/"+code, "", nil)
	if st.status != 200 || st.json["status"] != "closed" || !strings.Contains(st.body, reply) || strings.Contains(st.body, "6172010101900001") || strings.Contains(st.body, "Rudi") {
		t.Fatalf("status: %d %s", st.status, st.body)
	}

	// a restart keeps everything, and the storage is left as it is
	stop()
	cmd = startServer(t, dir, addr)
	tokS = o.signIn("kepala@teduh.test")
	view := o.do("GET", "/api/services/rekomendasi_bansos/cases/"+id, tokS, nil)
	if view.status != 200 || view.json["case"].(map[string]any)["status"] != "closed" || len(view.json["steps"].([]any)) != 4 {
		t.Fatalf("after the restart: %d %.500s", view.status, view.body)
	}
	clocks := view.json["clocks"].([]any)
	if len(clocks) != 1 || clocks[0].(map[string]any)["status"] != "met" {
		t.Errorf("clock after the restart: %v", clocks)
	}
	all := o.do("GET", "/api/services/rekomendasi_bansos/queue?status=all", tokS, nil)
	if all.status != 200 || !strings.Contains(all.body, number) {
		t.Errorf("queue after the restart: %d %.300s", all.status, all.body)
	}
	// a second application is numbered after the first
	again := o.do("POST", "/api/public/services/rekomendasi_bansos/submissions", "", map[string]any{
		"applicant_name": "Sari", "applicant_nik": "6172014101900002", "applicant_phone": "081298765432",
		"district": "Singkawang Barat", "programme": "bpnt", "household_members": 3, "consent": true})
	if again.status != 200 || again.json["number"] != fmt.Sprintf("SKW-RB-%d-0002", year) {
		t.Errorf("second application: %d %s", again.status, again.body)
	}
}
