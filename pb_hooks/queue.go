package pb_hooks

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"teduh/internal/engine"
)

// The staff queue and search: hand-written, indexed SQL that stays fast with
// a million cases (PocketBase's generic list joins the auth record and sorts
// DISTINCT rows, which is too slow at that size). The visibility rule is the
// collection's own: officers see their cases and the unassigned ones.

var openStatuses = []any{engine.StatusNew, engine.StatusInProgress, "awaiting_requirements"}

// maxPrefix is the longest word beginning the name index holds.
const maxPrefix = 8

var caseNumberRe = regexp.MustCompile(`(?i)^[A-Z]{2,6}-[0-9]{4}-[0-9]{4,}$`)

// QueueItem is one row of the queue: what an officer needs to pick the next
// case, and nothing of the complaint's story.
type QueueItem struct {
	ID                 string         `db:"id" json:"id"`
	Number             string         `db:"number" json:"number"`
	Urgency            string         `db:"urgency" json:"urgency"`
	Status             string         `db:"status" json:"status"`
	StatusLabel        string         `db:"-" json:"status_label"`
	CurrentStep        int            `db:"current_step" json:"current_step"`
	StepName           string         `db:"-" json:"step_name"`
	DueAt              types.DateTime `db:"due_at" json:"due_at"`
	FirstResponseDueAt types.DateTime `db:"first_response_due_at" json:"first_response_due_at"`
	FirstResponseAt    types.DateTime `db:"first_response_at" json:"first_response_at"`
	AssignedTo         string         `db:"assigned_to" json:"assigned_to"`
	VictimName         string         `db:"victim_name" json:"victim_name"`
	VictimDistrict     string         `db:"victim_district" json:"victim_district"`
	Created            types.DateTime `db:"created" json:"created"`
	Rank               int            `db:"rank" json:"rank"`
	Overdue            bool           `db:"-" json:"overdue"`
	// Clocks are the case's declared clocks (the TPKS police report).
	Clocks []ClockView `db:"-" json:"clocks"`
}

const queueColumns = "c.id, c.number, c.urgency, c.status, c.current_step, c.due_at, c.first_response_due_at, c.first_response_at, c.assigned_to, c.victim_name, c.victim_district, c.created"

// caseViewer is who asks: officers are limited to their own and unassigned cases.
type caseViewer struct {
	id      string
	limited bool
}

func viewer(e *core.RequestEvent) caseViewer {
	if e.Auth == nil || e.Auth.IsSuperuser() || e.Auth.GetString("role") == "supervisor" {
		return caseViewer{}
	}
	return caseViewer{id: e.Auth.Id, limited: true}
}

// queueSQL builds the queue's query for a viewer and the request's
// parameters. Its text is assembled from fixed fragments only; every value
// the caller sends is a bound parameter.
func (t *Teduh) queueSQL(v caseViewer, me string, qs url.Values, now time.Time) (sql string, params dbx.Params, page, perPage int, err error) {
	page, _ = strconv.Atoi(qs.Get("page"))
	perPage, _ = strconv.Atoi(qs.Get("perPage"))
	if page < 1 {
		page = 1
	}
	if perPage < 1 || perPage > 100 {
		perPage = 20
	}
	if page > 10000 {
		return "", nil, 0, 0, badRequest("Halaman terlalu jauh. Persempit pencarian.", map[string]*engine.FieldError{"page": {Code: "page_too_far", Message: "Halaman terlalu jauh. Persempit pencarian."}})
	}
	from := "complaints c"
	byName := false // a full-text name search: from joins complaints_search
	var where []string
	params = dbx.Params{"now": fmtDate(now), "soon": fmtDate(now.Add(48 * time.Hour))}
	if v.limited {
		where = append(where, "(c.assigned_to = '' OR c.assigned_to = {:viewer})")
		params["viewer"] = v.id
	}
	switch scope := qs.Get("scope"); scope {
	case "", "all":
	case "mine":
		where = append(where, "c.assigned_to = {:me}")
		params["me"] = me
	case "unassigned":
		where = append(where, "c.assigned_to = ''")
	default:
		return "", nil, 0, 0, badRequest("", map[string]*engine.FieldError{"scope": {Code: "invalid_scope", Message: "Pilihan tampilan harus mine, unassigned atau all."}})
	}
	if a := qs.Get("assignee"); a != "" {
		// a supervisor looks at one officer's cases; an officer may only
		// name themselves (the visibility rule above holds either way)
		if v.limited && a != v.id {
			return "", nil, 0, 0, badRequest("", map[string]*engine.FieldError{"assignee": {Code: "not_yours", Message: "Petugas hanya dapat melihat kasusnya sendiri dan kasus yang belum ditangani."}})
		}
		where = append(where, "c.assigned_to = {:assignee}")
		params["assignee"] = a
	}
	if d := qs.Get("district"); d != "" {
		where = append(where, "c.victim_district = {:district}")
		params["district"] = d
	}

	search := strings.TrimSpace(qs.Get("q"))
	status := qs.Get("status")
	archive := false
	switch {
	case search != "" && caseNumberRe.MatchString(search):
		where = append(where, "c.number = {:number}")
		params["number"] = strings.ToUpper(search)
		archive = true
	case search != "":
		if len([]rune(search)) < 3 {
			return "", nil, 0, 0, badRequest("", map[string]*engine.FieldError{"q": {Code: "too_short", Message: "Ketik paling sedikit 3 huruf nama, atau nomor kasus lengkap."}})
		}
		// every word must begin a word of a name; each is quoted so nothing
		// the person types is read as full-text syntax. A word is looked up
		// by its first eight letters, the longest prefix the index holds
		// (migration 1795700700), so each one is a single streamed lookup
		// that stops at the page, however common the name.
		var terms []string
		for _, w := range strings.Fields(search) {
			if r := []rune(w); len(r) > maxPrefix {
				w = string(r[:maxPrefix])
			}
			terms = append(terms, `"`+strings.ReplaceAll(w, `"`, `""`)+`"*`)
		}
		from = "complaints_search s JOIN complaints c ON c.number_year = s.rowid / 1000000 AND c.number_seq = s.rowid % 1000000"
		byName = true
		where = append(where, "complaints_search MATCH {:phrase}")
		phrase := "{victim_name reporter_name} : (" + strings.Join(terms, " AND ") + ")"
		if v.limited {
			// an officer's cases and the unassigned ones, inside the index
			// (the viewer column; see migration 1795700700)
			phrase += ` AND viewer : ("u` + strings.ReplaceAll(v.id, `"`, "") + `" OR "unassigned")`
		}
		params["phrase"] = phrase
		archive = true
	}
	openOnly := false // the open statuses' condition is in where
	switch {
	case status == "" || status == "open":
		if !archive {
			where = append(where, "c."+openCaseSQL)
			openOnly = true
		}
	case status == "all":
		archive = true
	case contains(openStatuses, status) || status == engine.StatusClosed || status == engine.StatusWithdrawn:
		where = append(where, "c.status = {:status}")
		params["status"] = status
		archive = archive || status == engine.StatusClosed || status == engine.StatusWithdrawn
	default:
		return "", nil, 0, 0, badRequest("", map[string]*engine.FieldError{"status": {Code: "invalid_status", Message: "Status tidak dikenal."}})
	}
	switch waiting := qs.Get("waiting"); waiting {
	case "":
	case "disposition":
		// open cases whose next step only supervisors may record (step 7):
		// idx_complaints_open_step (current_step, status)
		where = append(where, "c.current_step = {:waiting_after}")
		params["waiting_after"] = t.supervisorStep() - 1
		if !openOnly {
			where = append(where, "c."+openCaseSQL)
		}
	default:
		return "", nil, 0, 0, badRequest("", map[string]*engine.FieldError{"waiting": {Code: "invalid_waiting",
			Message: "Pilihan menunggu tidak dikenal. Gunakan waiting=disposition untuk kasus yang menunggu disposisi kepala/penyelia."}})
	}

	rank := `CASE
		WHEN c.status IN ('closed', 'withdrawn') THEN 3
		WHEN c.urgency = 'emergency'
			OR (c.due_at != '' AND c.due_at < {:now})
			OR (c.first_response_at = '' AND c.first_response_due_at != '' AND c.first_response_due_at < {:now}) THEN 0
		WHEN c.due_at != '' AND c.due_at < {:soon} THEN 1
		ELSE 2 END`
	order := "rank ASC, c.due_at = '' ASC, c.due_at ASC, c.created ASC"
	switch {
	case byName:
		// newest case number first: the full-text index yields its rows in
		// that order, so a common name stops at the page, not at the last match
		order = "s.rowid DESC"
	case archive:
		order = "c.created DESC"
	}
	filter := ""
	if len(where) > 0 {
		filter = " WHERE " + strings.Join(where, " AND ")
	}
	if !archive {
		// the open queue: ordered within idx_complaints_queue (it holds every
		// column the ordering reads), then only the page's rows are read
		sql = "SELECT " + queueColumns + ", k.rank AS rank FROM (SELECT c.rowid AS rid, " + rank + " AS rank, c.due_at AS due, c.created AS cr" +
			" FROM complaints c" + filter + " ORDER BY rank ASC, due = '' ASC, due ASC, cr ASC LIMIT {:limit} OFFSET {:offset})" +
			" k JOIN complaints c ON c.rowid = k.rid ORDER BY k.rank ASC, k.due = '' ASC, k.due ASC, k.cr ASC"
	} else {
		sql = "SELECT " + queueColumns + ", " + rank + " AS rank FROM " + from + filter + " ORDER BY " + order + " LIMIT {:limit} OFFSET {:offset}"
	}
	params["limit"] = perPage + 1
	params["offset"] = (page - 1) * perPage
	return sql, params, page, perPage, nil
}

// QueuePlan is SQLite's plan for the queue query an officer (officerID set)
// or a supervisor would run with the given URL query: the evidence that it
// reads indexes, not the table (`make bench` prints it).
func (t *Teduh) QueuePlan(app core.App, officerID, query string) ([]string, error) {
	qs, err := url.ParseQuery(query)
	if err != nil {
		return nil, err
	}
	sql, params, _, _, err := t.queueSQL(caseViewer{id: officerID, limited: officerID != ""}, officerID, qs, t.now().UTC())
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Detail string `db:"detail"`
	}
	if err := app.DB().NewQuery("EXPLAIN QUERY PLAN " + sql).Bind(params).All(&rows); err != nil {
		return nil, err
	}
	plan := make([]string, len(rows))
	for i, r := range rows {
		plan[i] = r.Detail
	}
	return plan, nil
}

// queue serves GET /api/queue: open cases, emergency and overdue first, then
// due soon, then the rest; or, with status=closed|withdrawn|all, the archive
// newest first. q searches by case number or by any part of a name;
// waiting=disposition keeps the cases waiting for the supervisors' step 7.
func (t *Teduh) queue(e *core.RequestEvent) error {
	qs := e.Request.URL.Query()
	now := t.now().UTC()
	me := ""
	if e.Auth != nil {
		me = e.Auth.Id
	}
	sql, params, page, perPage, err := t.queueSQL(viewer(e), me, qs, now)
	if err != nil {
		return err
	}
	q := e.App.DB().NewQuery(sql).Bind(params)

	items := []QueueItem{}
	if err := q.All(&items); err != nil {
		return err
	}
	hasMore := len(items) > perPage
	if hasMore {
		items = items[:perPage]
	}
	ids := make([]string, len(items))
	for i := range items {
		it := &items[i]
		ids[i] = it.ID
		it.StatusLabel = StatusLabels[it.Status]
		if st := t.complaint.Defs.Workflow.Step(it.CurrentStep); st != nil {
			it.StepName = st.Label
		}
		it.Overdue = it.Rank < 3 && !it.DueAt.IsZero() && it.DueAt.Time().Before(now)
	}
	// the declared clocks of the page's cases: one indexed read
	clocks, err := t.caseClockViews(e.App, t.complaint, ids, now)
	if err != nil {
		return err
	}
	for i := range items {
		items[i].Clocks = clocks[items[i].ID]
		if items[i].Clocks == nil {
			items[i].Clocks = []ClockView{}
		}
	}
	if len(ids) > 0 {
		if err := t.auditStrict(e.App, e, "list", "complaints", "", map[string]any{"ids": ids, "query": qs.Encode()}); err != nil {
			return err
		}
	}
	return e.JSON(http.StatusOK, map[string]any{"page": page, "perPage": perPage, "hasMore": hasMore, "items": items})
}

// staffLoad serves GET /api/staff-load (supervisors): each active officer's
// open cases and how many of them are overdue, and the open cases nobody has
// taken yet with how many of those are late (first response or standard).
func (t *Teduh) staffLoad(e *core.RequestEvent) error {
	if viewer(e).limited {
		return router.NewForbiddenError("Hanya kepala/penyelia yang dapat melihat beban kerja petugas.", nil)
	}
	type row struct {
		ID      string `db:"id" json:"id"`
		Name    string `db:"name" json:"name"`
		Role    string `db:"role" json:"role"`
		Open    int    `db:"open" json:"open"`
		Overdue int    `db:"overdue" json:"overdue"`
	}
	rows := []row{}
	err := e.App.DB().NewQuery(`SELECT s.id, s.name, s.role,
			COUNT(c.id) AS open,
			COALESCE(SUM(c.due_at != '' AND c.due_at < {:now}), 0) AS overdue
		FROM staff s
		LEFT JOIN complaints c ON c.assigned_to = s.id AND c.status IN ('new', 'in_progress', 'awaiting_requirements')
		WHERE s.active = TRUE
		GROUP BY s.id ORDER BY open DESC, s.name`).Bind(dbx.Params{"now": fmtDate(t.now().UTC())}).All(&rows)
	if err != nil {
		return err
	}
	// the open cases nobody has taken yet, and how many of them have missed
	// their first response (the crisis clock) or the 7-day standard
	var unassigned struct {
		Open    int `db:"open"`
		Overdue int `db:"overdue"`
	}
	err = e.App.DB().NewQuery(`SELECT COUNT(*) AS open,
			COALESCE(SUM((c.first_response_at = '' AND c.first_response_due_at != '' AND c.first_response_due_at < {:now})
				OR (c.due_at != '' AND c.due_at < {:now})), 0) AS overdue
		FROM complaints c
		WHERE c.status IN ('new', 'in_progress', 'awaiting_requirements') AND c.assigned_to = ''`).
		Bind(dbx.Params{"now": fmtDate(t.now().UTC())}).One(&unassigned)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"staff": rows, "unassigned": unassigned.Open, "unassigned_overdue": unassigned.Overdue})
}

func fmtDate(t time.Time) string { return t.UTC().Format(types.DefaultDateLayout) }

func contains(list []any, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
