package pb_hooks_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teduh/internal/definitions"
	"teduh/pb_hooks"
)

// serviceNotices lists the notifications about cases of other services as
// "<recipient e-mail> <kind> <key>" with the case id replaced by "<case>".
func (h *harness) serviceNotices(service string) []string {
	h.t.Helper()
	var rows []struct {
		Email  string `db:"email"`
		Kind   string `db:"kind"`
		Key    string `db:"key"`
		CaseID string `db:"case_id"`
	}
	err := h.App.DB().Select("s.email AS email", "n.kind AS kind", "n.key AS key", "n.case_id AS case_id").
		From("notifications n").InnerJoin("staff s", dbx.NewExp("s.id = n.recipient")).
		Where(dbx.HashExp{"n.service": service}).All(&rows)
	if err != nil {
		h.t.Fatal(err)
	}
	out := []string{}
	for _, r := range rows {
		out = append(out, r.Email+" "+r.Kind+" "+strings.ReplaceAll(r.Key, r.CaseID, "<case>"))
	}
	return out
}

// clockRowsOf reads a case's stored clocks from a clock collection.
func (h *harness) clockRowsOf(collection, caseID string) []*core.Record {
	h.t.Helper()
	recs, err := h.App.FindAllRecords(collection, dbx.HashExp{"complaint": caseID})
	if err != nil {
		h.t.Fatal(err)
	}
	return recs
}

func auditCount(t *testing.T, h *harness, action, collection, record string) int {
	t.Helper()
	n, err := h.App.CountRecords("audit_log", dbx.HashExp{"action": action, "collection_name": collection, "record_id": record})
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// A service complaint from the public form to the answer on the status
// page: the supervisors hear of it at once (officers do not: the service is
// the supervisors'), it is clarified and answered in the console's steps,
// the answer deadline in working days is met, the person reads the answer
// by tracking code, and the figures count it.
func TestServiceComplaintEndToEnd(t *testing.T) {
	// Wednesday 13 May 2026, 10:00 in Singkawang: the next day is Ascension
	submitted := wibAt(2026, 5, 13, 10, 0, 0)
	h := newHarness(t, submitted)
	tm := newRemTeam(h)

	list := h.Do("GET", "/api/public/services", nil, "")
	if list.Status != 200 {
		t.Fatalf("services: %d %s", list.Status, list)
	}
	items := list.JSON["items"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["id"] != "complaint" || items[1].(map[string]any)["id"] != "service_complaint" {
		t.Fatalf("public services: %s", list)
	}
	sc := items[1].(map[string]any)
	if sc["cost"] != "Tidak dipungut biaya" || !strings.Contains(strings.Join(toStrings(sc["complaint_channels"]), ";"), "WhatsApp 089520338668") ||
		len(sc["procedure"].([]any)) != 4 || !strings.Contains(sc["completion_time"].(string), "10 hari kerja") {
		t.Errorf("service complaint standard: %v", sc)
	}
	if c := items[0].(map[string]any); !strings.Contains(c["completion_time"].(string), "7 hari") || len(c["procedure"].([]any)) != 9 {
		t.Errorf("complaint standard: %v", c)
	}
	one := h.Do("GET", "/api/public/services/service_complaint", nil, "")
	if one.Status != 200 || one.JSON["form"].(map[string]any)["id"] != "service_complaint" {
		t.Fatalf("service: %d %s", one.Status, one)
	}
	if res := h.Do("GET", "/api/public/services/nope", nil, ""); res.Status != 404 {
		t.Errorf("unknown service: %d", res.Status)
	}

	// refused with field errors, nothing stored
	bad := h.Do("POST", "/api/public/services/service_complaint/submissions", map[string]any{"kind": "spam", "message": "x", "rating": 7}, "")
	if bad.Status != 400 || bad.FieldCode("kind") != "invalid_option" || bad.FieldCode("message") != "too_short" || bad.FieldCode("rating") != "too_large" {
		t.Fatalf("invalid submission: %d %s", bad.Status, bad)
	}
	res := h.Do("POST", "/api/public/services/service_complaint/submissions", map[string]any{
		"kind": "service_complaint", "message": "Petugas di loket tidak menjawab pertanyaan saya dengan ramah.", "rating": 2,
		"name": "Budi", "contact": "081234567890"}, "")
	if res.Status != 200 || res.JSON["number"] != "SKW-PL-2026-0001" || !trackingCodeRE.MatchString(res.JSON["tracking_code"].(string)) {
		t.Fatalf("submission: %d %s", res.Status, res)
	}
	if !strings.Contains(res.JSON["message"].(string), "10 hari kerja") {
		t.Errorf("success message %q", res.JSON["message"])
	}
	code := res.JSON["tracking_code"].(string)
	kase, err := h.App.FindFirstRecordByData("service_complaints", "tracking_code", code)
	if err != nil {
		t.Fatal(err)
	}
	if kase.GetString("status") != "new" || kase.GetInt("current_step") != 1 || kase.GetString("channel") != "online" || kase.GetString("form_version") != "2026.1" {
		t.Errorf("stored case: status %s step %d channel %s", kase.GetString("status"), kase.GetInt("current_step"), kase.GetString("channel"))
	}
	if n := auditCount(t, h, "create", "service_complaints", kase.Id); n != 1 {
		t.Errorf("%d create entries", n)
	}
	// the answer deadline: 10 working days after Wednesday 13 May skip
	// Ascension (14), its cuti bersama (15), two weekends, Iduladha (27) and
	// its cuti bersama (28), Waisak on a Sunday and Pancasila (1 June): the
	// end of Wednesday 3 June
	clocks := h.clockRowsOf("service_complaint_clocks", kase.Id)
	if len(clocks) != 1 || clocks[0].GetString("clock") != "answer_deadline" || clocks[0].GetString("status") != "running" {
		t.Fatalf("clocks %v", clocks)
	}
	if due := clocks[0].GetDateTime("due_at").Time(); !due.Equal(wibAt(2026, 6, 4, 0, 0, 0)) {
		t.Errorf("answer due %s, want the end of 3 June", due.In(wib))
	}
	// the supervisors are told at once, nobody else, in the console and by
	// mail with a link to the case's page
	expectLines(t, "arrival", h.serviceNotices("service_complaint"),
		"kepala@teduh.test new_submission new_submission:<case>", "kepala2@teduh.test new_submission new_submission:<case>")
	h.Teduh.Reminders().Wait()
	mails := h.App.TestMailer.Messages()
	if got := mailFor(mails, "kepala@teduh.test"); len(got) != 1 || got[0].Subject != "[Teduh] Kiriman layanan baru: SKW-PL-2026-0001" ||
		!strings.Contains(got[0].Text, "/staff/#/layanan/service_complaint/"+kase.Id) || strings.Contains(got[0].Text, "loket") {
		t.Errorf("arrival mail: %v", got)
	}
	if got := mailFor(mails, "petugas@teduh.test"); len(got) != 0 {
		t.Errorf("an officer was mailed: %v", got)
	}

	// the officers do not handle service complaints
	if r := h.Do("GET", "/api/services/service_complaint/queue", nil, tm.officerToken); r.Status != 403 {
		t.Errorf("officer queue: %d %s", r.Status, r)
	}
	if r := h.Do("GET", "/api/services/service_complaint/cases/"+kase.Id, nil, tm.officerToken); r.Status != 403 {
		t.Errorf("officer case: %d %s", r.Status, r)
	}
	if r := h.Do("GET", "/api/collections/service_complaints/records/"+kase.Id, nil, tm.officerToken); r.Status != 403 {
		t.Errorf("officer records API: %d %s", r.Status, r)
	}
	svcs := h.Do("GET", "/api/services", nil, tm.officerToken)
	if svcs.Status != 200 || len(svcs.JSON["items"].([]any)) != 1 {
		t.Errorf("officer's services: %s", svcs)
	}

	// the supervisor's queue lists it with its deadline; the list is audited
	q := h.Do("GET", "/api/services/service_complaint/queue", nil, tm.supervisorToken)
	if q.Status != 200 {
		t.Fatalf("queue: %d %s", q.Status, q)
	}
	rows := q.JSON["items"].([]any)
	if len(rows) != 1 {
		t.Fatalf("queue rows: %s", q)
	}
	row := rows[0].(map[string]any)
	if row["number"] != "SKW-PL-2026-0001" || row["next_step"] != "Klarifikasi" || len(row["clocks"].([]any)) != 1 || strings.Contains(q.String(), "loket") {
		t.Errorf("queue row: %v", row)
	}
	if n, _ := h.App.CountRecords("audit_log", dbx.HashExp{"action": "list", "collection_name": "service_complaints"}); n != 1 {
		t.Errorf("%d list entries", n)
	}
	view := h.Do("GET", "/api/services/service_complaint/cases/"+kase.Id, nil, tm.supervisorToken)
	if view.Status != 200 || view.JSON["case"].(map[string]any)["message"] == nil || len(view.JSON["steps"].([]any)) != 1 {
		t.Fatalf("case view: %d %s", view.Status, view)
	}
	if n := auditCount(t, h, "view", "service_complaints", kase.Id); n != 1 {
		t.Errorf("%d view entries", n)
	}

	step := func(token string, n int, outcome, notes string, data map[string]any) *response {
		return h.Do("POST", "/api/services/service_complaint/cases/"+kase.Id+"/steps", map[string]any{"step": n, "outcome": outcome, "notes": notes, "data": data}, token)
	}
	if r := step(tm.supervisorToken, 3, "done", "", map[string]any{"public_answer": "Terima kasih."}); r.FieldCode("step") != "step_out_of_order" {
		t.Errorf("answer before clarification: %d %s", r.Status, r)
	}
	if r := step(tm.supervisorToken, 2, "done", "", nil); r.FieldCode("notes") != "required" {
		t.Errorf("clarification without notes: %d %s", r.Status, r)
	}
	h.SetNow(wibAt(2026, 5, 18, 9, 0, 0))
	if r := step(tm.supervisorToken, 2, "done", "Petugas loket dimintai keterangan.", nil); r.Status != 200 {
		t.Fatalf("clarification: %d %s", r.Status, r)
	}
	if kase = h.reload(kase); kase.GetString("assigned_to") != tm.supervisor.Id || kase.GetString("status") != "in_progress" {
		t.Errorf("after clarification: assigned %q status %q", kase.GetString("assigned_to"), kase.GetString("status"))
	}
	// what the person wrote stays as written
	if r := h.Do("PATCH", "/api/collections/service_complaints/records/"+kase.Id, map[string]any{"message": "Diubah"}, tm.supervisorToken); r.Status != 403 {
		t.Errorf("edit of the submission: %d %s", r.Status, r)
	}
	if r := step(tm.supervisorToken, 3, "done", "", map[string]any{"public_answer": "Singkat"}); r.FieldCode("data.public_answer") != "too_short" {
		t.Errorf("short answer: %d %s", r.Status, r)
	}
	answer := "Terima kasih atas laporan Anda. Petugas loket sudah kami tegur dan dilatih kembali tentang pelayanan yang ramah."
	h.SetNow(wibAt(2026, 5, 20, 14, 0, 0))
	if r := step(tm.supervisorToken, 3, "done", "", map[string]any{"public_answer": answer}); r.Status != 200 {
		t.Fatalf("answer: %d %s", r.Status, r)
	}
	clocks = h.clockRowsOf("service_complaint_clocks", kase.Id)
	if clocks[0].GetString("status") != "met" || !clocks[0].GetDateTime("met_at").Time().Equal(wibAt(2026, 5, 20, 14, 0, 0)) || clocks[0].GetString("met_by") != "step:answer" {
		t.Errorf("after the answer: clock %s met %s by %s", clocks[0].GetString("status"), clocks[0].GetDateTime("met_at"), clocks[0].GetString("met_by"))
	}

	// the person reads the answer by tracking code, and nothing personal
	st := h.Do("GET", "/api/public/services/service_complaint/submissions/"+strings.ToLower(strings.ReplaceAll(code, "-", "")), nil, "")
	if st.Status != 200 || st.JSON["number"] != "SKW-PL-2026-0001" || st.JSON["step_name"] != "Jawaban kepada pengadu" || st.JSON["steps_total"] != float64(4) {
		t.Fatalf("status: %d %s", st.Status, st)
	}
	answers := st.JSON["answers"].([]any)
	if len(answers) != 1 || answers[0].(map[string]any)["text"] != answer {
		t.Errorf("answers %v", answers)
	}
	for _, secret := range []string{"loket tidak menjawab", "Budi", "081234567890", tm.supervisor.Id} {
		if strings.Contains(st.String(), secret) {
			t.Errorf("the status page carries %q: %s", secret, st)
		}
	}
	if r := h.Do("GET", "/api/public/services/service_complaint/submissions/K7PM-X3RT-9WAC", nil, ""); r.Status != 404 {
		t.Errorf("unknown code: %d", r.Status)
	}
	// a victim complaint's code is not a service complaint's
	vc := h.submit(validComplaint())
	if r := h.Do("GET", "/api/public/services/service_complaint/submissions/"+vc.GetString("tracking_code"), nil, ""); r.Status != 404 {
		t.Errorf("complaint code on the service route: %d", r.Status)
	}
	if r := h.Do("GET", "/api/public/services/complaint/submissions/"+vc.GetString("tracking_code"), nil, ""); r.Status != 200 || r.JSON["number"] != vc.GetString("number") {
		t.Errorf("complaint code on its own service route: %d %s", r.Status, r)
	}

	if r := step(tm.supervisorToken, 4, "done", "", map[string]any{"follow_up": "Pelatihan pelayanan prima untuk petugas loket."}); r.Status != 200 {
		t.Fatalf("closing: %d %s", r.Status, r)
	}
	if kase = h.reload(kase); kase.GetString("status") != "closed" || kase.GetDateTime("closed_at").IsZero() {
		t.Errorf("closed: %s", kase.GetString("status"))
	}
	if n, _ := h.App.CountRecords("audit_log", dbx.HashExp{"action": "step", "collection_name": "service_complaint_steps"}); n != 3 {
		t.Errorf("%d step entries, want 3", n)
	}

	// the figures: two received (one by the old feedback address, unanswered
	// and late by the end of June), one answered on time, average rating
	h.SetNow(wibAt(2026, 5, 21, 9, 0, 0))
	if r := h.Do("POST", "/api/public/feedback", map[string]any{"kind": "suggestion", "message": "Tambahkan kursi di ruang tunggu.", "rating": 4}, ""); r.Status != 200 || r.JSON["tracking_code"] == nil {
		t.Fatalf("feedback address: %d %s", r.Status, r)
	}
	h.sweepAt(wibAt(2026, 7, 1, 8, 0, 0))
	fig := h.Do("GET", "/api/stats/service-complaints?from=2026-05&to=2026-05", nil, tm.supervisorToken)
	if fig.Status != 200 {
		t.Fatalf("figures: %d %s", fig.Status, fig)
	}
	if fig.JSON["received"] != float64(2) || fig.JSON["answered"] != float64(1) || fig.JSON["answered_on_time"] != float64(1) || fig.JSON["average_rating"] != float64(3) {
		t.Errorf("figures: %s", fig)
	}
	clk := fig.JSON["clocks"].([]any)[0].(map[string]any)
	if clk["missed"] != float64(1) || clk["met_on_time"] != float64(1) {
		t.Errorf("clock figures: %v", clk)
	}
	if r := h.Do("GET", "/api/stats/service-complaints", nil, tm.officerToken); r.Status != 403 {
		t.Errorf("officer figures: %d", r.Status)
	}
	if r := h.Do("GET", "/api/services/service_complaint/stats?from=2026-13", nil, tm.supervisorToken); r.Status != 400 || r.FieldCode("from") != "invalid_period" {
		t.Errorf("bad period: %d %s", r.Status, r)
	}
}

// toStrings is in health_test.go.

// The answer deadline's reminders and escalation, by passing the time over
// a weekend and holidays: two working days before the due day, on the due
// day, and the escalation to every supervisor once it has passed; a sweep
// in between sends nothing, and nothing twice.
func TestServiceComplaintDeadlineInWorkingDays(t *testing.T) {
	submitted := wibAt(2026, 5, 13, 10, 0, 0)
	h := newHarness(t, submitted)
	tm := newRemTeam(h)
	res := h.Do("POST", "/api/public/services/service_complaint/submissions", map[string]any{"kind": "service_complaint", "message": "Antrean terlalu lama."}, "")
	if res.Status != 200 {
		t.Fatalf("submission: %d %s", res.Status, res)
	}
	sweep := func(at time.Time, want ...string) {
		t.Helper()
		was := h.serviceNotices("service_complaint")
		h.sweepAt(at)
		expectLines(t, "sweep at "+at.Format("Mon 2 Jan 15:04"), delta(was, h.serviceNotices("service_complaint")), want...)
	}
	// 28 May is cuti bersama, 29 May two working days before 3 June
	sweep(wibAt(2026, 5, 28, 23, 0, 0))
	sweep(wibAt(2026, 5, 29, 8, 0, 0),
		"kepala@teduh.test clock_reminder clock_reminder:"+clockID(t, h)+":0", "kepala2@teduh.test clock_reminder clock_reminder:"+clockID(t, h)+":0")
	sweep(wibAt(2026, 6, 1, 8, 0, 0)) // Pancasila: nothing new
	// a supervisor takes it: the due day's reminder goes to them alone
	if r := h.Do("POST", "/api/services/service_complaint/cases/"+caseIDOf(t, h)+"/steps", map[string]any{"step": 2, "outcome": "skipped"}, tm.supervisorToken); r.Status != 200 {
		t.Fatalf("clarification skipped: %d %s", r.Status, r)
	}
	sweep(wibAt(2026, 6, 3, 8, 0, 0), "kepala@teduh.test clock_reminder clock_reminder:"+clockID(t, h)+":1")
	sweep(wibAt(2026, 6, 3, 23, 59, 0))
	sweep(wibAt(2026, 6, 4, 0, 1, 0),
		"kepala@teduh.test clock_escalation clock_escalation:"+clockID(t, h), "kepala2@teduh.test clock_escalation clock_escalation:"+clockID(t, h))
	sweep(wibAt(2026, 6, 5, 8, 0, 0))
	if st := h.clockRowsOf("service_complaint_clocks", caseIDOf(t, h))[0].GetString("status"); st != "missed" {
		t.Errorf("after the deadline: %s", st)
	}
	// answered late: met, but still a missed deadline
	h.SetNow(wibAt(2026, 6, 5, 9, 0, 0))
	if r := h.Do("POST", "/api/services/service_complaint/cases/"+caseIDOf(t, h)+"/steps", map[string]any{"step": 3, "outcome": "done",
		"data": map[string]any{"public_answer": "Mohon maaf atas keterlambatan jawaban kami."}}, tm.supervisorToken); r.Status != 200 {
		t.Fatalf("late answer: %d %s", r.Status, r)
	}
	row := h.clockRowsOf("service_complaint_clocks", caseIDOf(t, h))[0]
	if row.GetString("status") != "missed" || row.GetDateTime("met_at").IsZero() {
		t.Errorf("late answer: %s met %s", row.GetString("status"), row.GetDateTime("met_at"))
	}
	// no officer heard of any of it
	for _, n := range h.serviceNotices("service_complaint") {
		if strings.HasPrefix(n, "petugas") {
			t.Errorf("an officer was told: %s", n)
		}
	}

	// a holiday the supervisors add moves the deadlines of cases that
	// arrive after it (the ones running keep theirs)
	if r := h.Do("POST", "/api/collections/holidays/records", map[string]any{"date": "2026-06-08", "name": "Hari jadi Kota Singkawang", "kind": "office_closure"}, tm.officerToken); r.Status < 400 {
		t.Errorf("an officer added a holiday: %d", r.Status)
	}
	if r := h.Do("POST", "/api/collections/holidays/records", map[string]any{"date": "2026-06-08", "name": "Hari jadi Kota Singkawang", "kind": "office_closure"}, tm.supervisorToken); r.Status != 200 {
		t.Fatalf("supervisor adds a holiday: %d %s", r.Status, r)
	}
	h.SetNow(wibAt(2026, 6, 5, 10, 0, 0)) // a Friday
	res = h.Do("POST", "/api/public/services/service_complaint/submissions", map[string]any{"kind": "suggestion", "message": "Sediakan air minum."}, "")
	if res.Status != 200 {
		t.Fatal(res)
	}
	k, _ := h.App.FindFirstRecordByData("service_complaints", "tracking_code", res.JSON["tracking_code"])
	// 8 June closed, 16 June the Islamic new year: 9, 10, 11, 12, 15, 17,
	// 18, 19, 22 and 23 June
	if due := h.clockRowsOf("service_complaint_clocks", k.Id)[0].GetDateTime("due_at").Time(); !due.Equal(wibAt(2026, 6, 24, 0, 0, 0)) {
		t.Errorf("due after the office's own holiday: %s, want the end of 23 June", due.In(wib))
	}
}

func caseIDOf(t *testing.T, h *harness) string {
	t.Helper()
	k, err := h.App.FindFirstRecordByData("service_complaints", "number", "SKW-PL-2026-0001")
	if err != nil {
		t.Fatal(err)
	}
	return k.Id
}

func clockID(t *testing.T, h *harness) string {
	t.Helper()
	return h.clockRowsOf("service_complaint_clocks", caseIDOf(t, h))[0].Id
}

// The public service routes have the complaints' limits per address: five
// submissions a minute, twenty status checks a minute.
func TestServiceRoutesAreRateLimited(t *testing.T) {
	h := newHarness(t, wibAt(2026, 11, 26, 9, 0, 0))
	h.App.Settings().RateLimits.Enabled = true
	var posts, gets []int
	for i := 0; i < 7; i++ {
		posts = append(posts, h.DoFrom("10.1.1.1:4000", "POST", "/api/public/services/service_complaint/submissions",
			map[string]any{"kind": "suggestion", "message": "Tambah kursi di ruang tunggu."}, "").Status)
	}
	for i := 0; i < 22; i++ {
		gets = append(gets, h.DoFrom("10.1.1.2:4000", "GET", "/api/public/services/service_complaint/submissions/K7PM-X3RT-9WAC", nil, "").Status)
	}
	if posts[0] != 200 || posts[4] != 200 || posts[6] != 429 {
		t.Errorf("submissions %v: five a minute, then 429", posts)
	}
	if gets[0] != 404 || gets[19] != 404 || gets[21] != 429 {
		t.Errorf("status checks %v: twenty a minute, then 429", gets)
	}
	// another address is not held back
	if r := h.DoFrom("10.1.1.3:4000", "POST", "/api/public/services/service_complaint/submissions", map[string]any{"kind": "praise", "message": "Pelayanan cepat."}, ""); r.Status != 200 {
		t.Errorf("another address: %d", r.Status)
	}
}

// The definitions linter is the server's loader without a server.
func TestDefinitionsCheckCommand(t *testing.T) {
	cmd := pb_hooks.DefinitionsCommand()
	var out strings.Builder
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"check", "testdata/third_service"})
	if err := cmd.Execute(); err != nil {
		t.Fatalf("check of good files: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "OK  rekomendasi_bansos") || !strings.Contains(out.String(), "3 langkah, 1 tenggat") {
		t.Errorf("output %q", out.String())
	}
	dir := t.TempDir()
	writeThirdService(t, dir, func(name, c string) string {
		if strings.HasSuffix(name, ".workflow.json") {
			return strings.Replace(c, `"roles": ["supervisor"],`, `"roles": ["lurah"],`, 1)
		}
		return c
	})
	cmd = pb_hooks.DefinitionsCommand()
	out.Reset()
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"check", filepath.Join(dir, definitions.DirName)})
	err := cmd.Execute()
	if err == nil || !strings.Contains(err.Error(), "rekomendasi_bansos.workflow.json") || !strings.Contains(err.Error(), `unknown role "lurah"`) {
		t.Errorf("check of a broken file: %v", err)
	}
}
