package pb_hooks_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

func queueNumbers(t *testing.T, res *response) []string {
	t.Helper()
	if res.Status != 200 {
		t.Fatalf("queue: %d %s", res.Status, res)
	}
	var out []string
	for _, it := range res.JSON["items"].([]any) {
		out = append(out, it.(map[string]any)["number"].(string))
	}
	return out
}

// setCase writes workflow fields straight into the table, as time and
// earlier steps would have (backdating); hooks rightly refuse such edits.
func setCase(t *testing.T, h *harness, c *core.Record, kv map[string]any) {
	t.Helper()
	params := dbx.Params{}
	for k, v := range kv {
		if tm, ok := v.(time.Time); ok {
			v = tm.UTC().Format(types.DefaultDateLayout)
		}
		params[k] = v
	}
	if _, err := h.App.DB().Update("complaints", params, dbx.HashExp{"id": c.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
}

func TestQueueOrderVisibilityAndSearch(t *testing.T) {
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	h := newHarness(t, now.Add(-10*24*time.Hour))
	officerA, tokA := h.Staff("a@teduh.test", "Petugas A", "officer", true)
	officerB, tokB := h.Staff("b@teduh.test", "Petugas B", "officer", true)
	_, sup := h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)

	rest := h.submit(with(validComplaint(), "victim_name", "Rini Rest"))                         // 0001: due in 5 days
	soon := h.submit(with(validComplaint(), "victim_name", "Sari Soon"))                         // 0002: due tomorrow
	overdue := h.submit(with(validComplaint(), "victim_name", "Olivia Overdue"))                 // 0003: overdue
	emergency := h.submit(with(validComplaint(), "victim_name", "Ema Darurat", "injured", true)) // 0004: emergency
	closed := h.submit(with(validComplaint(), "victim_name", "Citra Closed"))                    // 0005: closed
	other := h.submit(with(validComplaint(), "victim_name", "Bunga Lain"))                       // 0006: officer B's
	h.SetNow(now)
	setCase(t, h, rest, map[string]any{"status": "in_progress", "current_step": 3, "assigned_to": officerA.Id, "due_at": now.Add(5 * 24 * time.Hour), "first_response_at": now})
	setCase(t, h, soon, map[string]any{"status": "in_progress", "current_step": 3, "assigned_to": officerA.Id, "due_at": now.Add(20 * time.Hour), "first_response_at": now})
	setCase(t, h, overdue, map[string]any{"status": "in_progress", "current_step": 5, "due_at": now.Add(-time.Hour), "first_response_at": now})
	setCase(t, h, closed, map[string]any{"status": "closed", "current_step": 9, "closed_at": now})
	setCase(t, h, other, map[string]any{"status": "in_progress", "current_step": 2, "assigned_to": officerB.Id, "first_response_at": now, "due_at": now.Add(6 * 24 * time.Hour)})

	got := queueNumbers(t, h.Do("GET", "/api/queue", nil, sup))
	want := []string{overdue.GetString("number"), emergency.GetString("number"), soon.GetString("number"), rest.GetString("number"), other.GetString("number")}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("supervisor queue order\n got %v\nwant %v", got, want)
	}
	// officer A: own and unassigned cases only; never B's
	gotA := queueNumbers(t, h.Do("GET", "/api/queue", nil, tokA))
	if strings.Contains(fmt.Sprint(gotA), other.GetString("number")) || len(gotA) != 4 {
		t.Fatalf("officer A sees %v", gotA)
	}
	if mine := queueNumbers(t, h.Do("GET", "/api/queue?scope=mine", nil, tokA)); fmt.Sprint(mine) != fmt.Sprint([]string{soon.GetString("number"), rest.GetString("number")}) {
		t.Fatalf("mine: %v", mine)
	}
	if un := queueNumbers(t, h.Do("GET", "/api/queue?scope=unassigned", nil, tokB)); len(un) != 2 {
		t.Fatalf("unassigned for B: %v", un)
	}
	// search by number (archive included) and by any part of a name
	if r := queueNumbers(t, h.Do("GET", "/api/queue?q="+strings.ToLower(closed.GetString("number")), nil, sup)); fmt.Sprint(r) != "["+closed.GetString("number")+"]" {
		t.Fatalf("search by number: %v", r)
	}
	if r := queueNumbers(t, h.Do("GET", "/api/queue?q=darur", nil, sup)); fmt.Sprint(r) != "["+emergency.GetString("number")+"]" {
		t.Fatalf("search by the beginning of a name: %v", r)
	}
	if r := queueNumbers(t, h.Do("GET", "/api/queue?q=EMA%20darurat", nil, sup)); fmt.Sprint(r) != "["+emergency.GetString("number")+"]" {
		t.Fatalf("search by full name in another case: %v", r)
	}
	if r := queueNumbers(t, h.Do("GET", "/api/queue?q=bunga", nil, tokA)); len(r) != 0 {
		t.Fatalf("officer A found B's case by name: %v", r)
	}
	// an officer finds their own cases and the unassigned ones by name, and
	// a case handed over to them from the moment it is theirs
	if r := queueNumbers(t, h.Do("GET", "/api/queue?q=rini", nil, tokA)); fmt.Sprint(r) != "["+rest.GetString("number")+"]" {
		t.Fatalf("officer A's own case by name: %v", r)
	}
	if r := queueNumbers(t, h.Do("GET", "/api/queue?q=olivia", nil, tokB)); fmt.Sprint(r) != "["+overdue.GetString("number")+"]" {
		t.Fatalf("unassigned case by name for B: %v", r)
	}
	setCase(t, h, other, map[string]any{"assigned_to": officerA.Id})
	if r := queueNumbers(t, h.Do("GET", "/api/queue?q=bunga", nil, tokA)); fmt.Sprint(r) != "["+other.GetString("number")+"]" {
		t.Fatalf("handed-over case by name for A: %v", r)
	}
	if r := queueNumbers(t, h.Do("GET", "/api/queue?q=bunga", nil, tokB)); len(r) != 0 {
		t.Fatalf("B still finds the case handed over: %v", r)
	}
	setCase(t, h, other, map[string]any{"assigned_to": officerB.Id})
	// the index follows edits on every path
	if res := h.Do("PATCH", "/api/collections/complaints/records/"+rest.Id, map[string]any{"victim_name": "Rina Wulandari"}, sup); res.Status != 200 {
		t.Fatalf("rename: %d %s", res.Status, res)
	}
	if r := queueNumbers(t, h.Do("GET", "/api/queue?q=wulandari", nil, sup)); fmt.Sprint(r) != "["+rest.GetString("number")+"]" {
		t.Fatalf("search after rename: %v", r)
	}
	if r := queueNumbers(t, h.Do("GET", "/api/queue?q=rini%20rest", nil, sup)); len(r) != 0 {
		t.Fatalf("old name still found: %v", r)
	}
	if r := queueNumbers(t, h.Do("GET", `/api/queue?q=%22%20OR%20*`, nil, sup)); len(r) != 0 {
		t.Fatalf("FTS syntax in a search: %v", r)
	}
	// archive, pagination, refusals
	if r := queueNumbers(t, h.Do("GET", "/api/queue?status=closed", nil, sup)); fmt.Sprint(r) != "["+closed.GetString("number")+"]" {
		t.Fatalf("archive: %v", r)
	}
	p1 := h.Do("GET", "/api/queue?perPage=2", nil, sup)
	p3 := h.Do("GET", "/api/queue?perPage=2&page=3", nil, sup)
	if len(queueNumbers(t, p1)) != 2 || p1.JSON["hasMore"] != true || len(queueNumbers(t, p3)) != 1 || p3.JSON["hasMore"] != false {
		t.Fatalf("pagination: %s / %s", p1, p3)
	}
	for q, field := range map[string]string{"q=ab": "q", "scope=everyone": "scope", "status=lost": "status"} {
		if r := h.Do("GET", "/api/queue?"+q, nil, sup); r.Status != 400 || r.FieldCode(field) == "" {
			t.Fatalf("%s: %d %s", q, r.Status, r)
		}
	}
	if r := h.Do("GET", "/api/queue", nil, ""); r.Status != 401 {
		t.Fatalf("anonymous queue: %d", r.Status)
	}
	// every queue read is audited with the case ids it showed
	entries, _ := h.App.FindRecordsByFilter("audit_log", "action = 'list' && actor_id = {:a} && detail ~ 'q=bunga'", "-created", 0, 0, map[string]any{"a": officerA.Id})
	if len(entries) != 1 || !strings.Contains(entries[0].GetString("detail"), other.Id) {
		t.Fatalf("queue read not audited: %v", entries)
	}

	// supervisors see every officer's load
	load := h.Do("GET", "/api/staff-load", nil, sup)
	if load.Status != 200 || !strings.Contains(load.String(), `"name":"Petugas A","role":"officer","open":2,"overdue":0`) || load.JSON["unassigned"] != float64(2) {
		t.Fatalf("staff load: %s", load)
	}
	// of the two unassigned cases, the overdue one is late; the emergency
	// has passed its one-hour first response too
	if load.JSON["unassigned_overdue"] != float64(2) {
		t.Fatalf("unassigned overdue: %s", load)
	}
	// a supervisor looks at one officer's cases; an officer only at their own
	if r := queueNumbers(t, h.Do("GET", "/api/queue?assignee="+officerA.Id, nil, sup)); fmt.Sprint(r) != fmt.Sprint([]string{soon.GetString("number"), rest.GetString("number")}) {
		t.Fatalf("assignee filter: %v", r)
	}
	if r := h.Do("GET", "/api/queue?assignee="+officerB.Id, nil, tokA); r.Status != 400 || r.FieldCode("assignee") != "not_yours" {
		t.Fatalf("officer asking for another's cases: %d %s", r.Status, r)
	}
	if r := h.Do("GET", "/api/staff-load", nil, tokA); r.Status != 403 {
		t.Fatalf("officer saw the load: %d", r.Status)
	}
}

// Every queue and search query reads an index (a partial covering index for
// the open queue, the full-text index for names), never the whole table:
// EXPLAIN QUERY PLAN for each shape the console and the API send.
func TestQueuePlansReadIndexes(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	officer, _ := h.Staff("a@teduh.test", "Petugas A", "officer", true)
	for _, c := range []struct{ officer, query, index string }{
		{"", "", "idx_complaints_queue"},
		{"", "page=100", "idx_complaints_queue"},
		{"", "scope=unassigned&district=Singkawang+Barat", "INDEX idx_complaints_"},
		{officer.Id, "", "idx_complaints_queue"},
		{officer.Id, "scope=mine", "INDEX idx_complaints_"},
		{"", "q=SKW-2026-0001", "idx_complaints_number"},
		{"", "q=siti+aminah", "SCAN s VIRTUAL TABLE"},
		{officer.Id, "q=wulan", "SCAN s VIRTUAL TABLE"},
		{"", "status=closed", "idx_complaints_"},
	} {
		plan, err := h.Teduh.QueuePlan(h.App, c.officer, c.query)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(plan, "\n")
		if !strings.Contains(text, c.index) {
			t.Errorf("%q (officer %v) does not use %s:\n%s", c.query, c.officer != "", c.index, text)
		}
		for _, line := range plan {
			if strings.HasPrefix(line, "SCAN c") && !strings.Contains(line, "INDEX") || strings.HasPrefix(line, "SCAN complaints") && !strings.Contains(line, "INDEX") {
				t.Errorf("%q (officer %v) reads the whole table: %s", c.query, c.officer != "", line)
			}
		}
		t.Logf("%s (officer %v):\n%s", c.query, c.officer != "", text)
	}
}
