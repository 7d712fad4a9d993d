package pb_hooks

// The routes every service has, from its definitions: the public list of
// services with their standards, a service's form, submissions and the
// status by tracking code (with the office's public answer); for staff the
// services they handle, a queue per service, the case with its steps and
// clocks, step recording, staff intake, a clock met by hand, and the
// service's figures. The victim complaints answer these routes with their
// own handlers, so both addresses of a complaint agree.

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"teduh/internal/casecode"
	"teduh/internal/definitions"
	"teduh/internal/engine"
)

func (t *Teduh) bindServiceRoutes(se *core.ServeEvent) error {
	pub := se.Router.Group("/api/public/services")
	pub.GET("", t.publicServices)
	pub.GET("/{service}", t.publicService)
	pub.POST("/{service}/submissions", t.submitToService).Bind(t.serviceBodyLimit(), t.floodCheck())
	pub.GET("/{service}/submissions/{code}", t.serviceStatus)

	g := se.Router.Group("/api/services").BindFunc(staffOnly)
	g.GET("", t.staffServices)
	g.GET("/{service}", t.staffService)
	g.GET("/{service}/queue", t.serviceQueue)
	g.POST("/{service}/cases", t.serviceIntake).Bind(apis.BodyLimit(maxFeedbackBody))
	g.GET("/{service}/cases/{id}", t.serviceCase)
	g.POST("/{service}/cases/{id}/steps", t.serviceStep).Bind(apis.BodyLimit(maxFeedbackBody))
	g.POST("/{service}/cases/{id}/clocks/{clock}/met", t.serviceClockMet).Bind(apis.BodyLimit(maxFeedbackBody))
	g.GET("/{service}/stats", t.serviceStats)
	se.Router.GET("/api/stats/service-complaints", func(e *core.RequestEvent) error {
		return t.serviceStatsOf(e, t.ServiceByID(definitions.ServiceComplaintID))
	}).BindFunc(staffOnly)
	return se.Next()
}

func serviceNotFound() error {
	return router.NewNotFoundError("Layanan tidak ditemukan.", nil)
}

// publicServiceOf is the public service the path names.
func (t *Teduh) publicServiceOf(e *core.RequestEvent) (*Service, error) {
	s := t.ServiceByID(e.Request.PathValue("service"))
	if s == nil || s.Desc() == nil || !s.Desc().Public {
		return nil, serviceNotFound()
	}
	return s, nil
}

// staffServiceOf is the service the path names, if the caller handles it.
func (t *Teduh) staffServiceOf(e *core.RequestEvent) (*Service, error) {
	s := t.ServiceByID(e.Request.PathValue("service"))
	if s == nil {
		return nil, serviceNotFound()
	}
	if !s.Handles(roleOf(e.Auth)) {
		return nil, router.NewForbiddenError("Layanan ini ditangani oleh: "+roleList(s.Roles())+".", nil)
	}
	return s, nil
}

func roleList(roles []string) string {
	var out []string
	for _, r := range roles {
		if l, ok := map[string]string{"officer": "petugas", "supervisor": "kepala/penyelia"}[r]; ok {
			out = append(out, l)
		} else {
			out = append(out, r)
		}
	}
	return strings.Join(out, ", ")
}

// serviceForm is a service's form with the office's districts filled in.
func (t *Teduh) serviceForm(app core.App, s *Service, form *engine.Form) (*engine.Form, error) {
	if s == t.complaint && form == s.Defs.Form {
		return t.resolvedForm(app)
	}
	office, err := t.Office(app)
	if err != nil {
		return nil, err
	}
	return form.Resolve(map[string][]engine.Option{
		definitions.OptionsOfficeDistricts: definitions.DistrictOptions(office.Districts),
	}), nil
}

// --- public ------------------------------------------------------------------

// PublicService is a service as the public page reads it: its standard,
// filled with the office's data, and its procedure.
type PublicService struct {
	ID                string                 `json:"id"`
	Name              string                 `json:"name"`
	Summary           string                 `json:"summary,omitempty"`
	Requirements      []string               `json:"requirements"`
	Procedure         []engine.ProcedureStep `json:"procedure"`
	CompletionTime    string                 `json:"completion_time"`
	Cost              string                 `json:"cost"`
	Products          []string               `json:"products"`
	ComplaintChannels []string               `json:"complaint_channels"`
	SubmitLabel       string                 `json:"submit_label,omitempty"`
	SuccessMessage    string                 `json:"success_message,omitempty"`
	Form              string                 `json:"form"`
	Submissions       string                 `json:"submissions"`
}

func (t *Teduh) publicView(o *Office, s *Service) PublicService {
	d := s.Desc().Fill(officeValues(o))
	return PublicService{
		ID: s.ID(), Name: d.Name, Summary: d.Summary, Requirements: d.Requirements, Procedure: d.ProcedureFor(s.Defs.Workflow),
		CompletionTime: d.CompletionTime, Cost: d.Cost, Products: d.Products, ComplaintChannels: d.ComplaintChannels,
		SubmitLabel: d.SubmitLabel, SuccessMessage: d.SuccessMessage,
		Form: "/api/public/services/" + s.ID(), Submissions: "/api/public/services/" + s.ID() + "/submissions",
	}
}

// publicServices serves GET /api/public/services: every public service
// with its standard, for the public page and apps.
func (t *Teduh) publicServices(e *core.RequestEvent) error {
	office, err := t.Office(e.App)
	if err != nil {
		return err
	}
	items := []PublicService{}
	for _, s := range t.services {
		if s.Desc() != nil && s.Desc().Public {
			items = append(items, t.publicView(office, s))
		}
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items})
}

// publicService serves GET /api/public/services/{service}: the standard
// and the form to fill in.
func (t *Teduh) publicService(e *core.RequestEvent) error {
	s, err := t.publicServiceOf(e)
	if err != nil {
		return err
	}
	office, err := t.Office(e.App)
	if err != nil {
		return err
	}
	form, err := t.serviceForm(e.App, s, s.Defs.Form)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"service": t.publicView(office, s), "form": form})
}

// fileField is a form's first file field ("" when it has none).
func fileField(form *engine.Form) string {
	for _, f := range form.Fields() {
		if f.Type == engine.TypeFile {
			return f.Name
		}
	}
	return ""
}

// serviceBodyLimit bounds a submission's body: a form with a file field
// takes a document, one without takes words.
func (t *Teduh) serviceBodyLimit() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       apis.DefaultBodyLimitMiddlewareId,
		Priority: apis.DefaultBodyLimitMiddlewarePriority,
		Func: func(e *core.RequestEvent) error {
			limit, field := int64(maxFeedbackBody), ""
			if s := t.ServiceByID(e.Request.PathValue("service")); s != nil {
				if field = fileField(s.Defs.Form); field != "" {
					limit = maxComplaintBody
				}
			}
			e.Set(fileFieldKey, field)
			if e.Request.ContentLength > limit {
				if field != "" {
					return bodyTooLarge(field)
				}
				return router.NewApiError(http.StatusRequestEntityTooLarge, "Data yang dikirim terlalu besar.", nil)
			}
			e.Request.Body = http.MaxBytesReader(e.Response, e.Request.Body, limit)
			return e.Next()
		},
	}
}

// submitToService serves POST /api/public/services/{service}/submissions.
func (t *Teduh) submitToService(e *core.RequestEvent) error {
	s, err := t.publicServiceOf(e)
	if err != nil {
		return err
	}
	if s == t.complaint {
		return t.submitComplaint(e)
	}
	limit := int64(maxFeedbackBody)
	if fileField(s.Defs.Form) != "" {
		limit = maxComplaintBody
	}
	raw, apiErr := readPublicBody(e, limit)
	if apiErr != nil {
		return apiErr
	}
	return t.storeSubmission(e, s, raw)
}

// storeSubmission validates a public submission against the service's form
// and stores it with its first step, its clocks, its audit entry and the
// notice to those the service tells on arrival, in one transaction.
func (t *Teduh) storeSubmission(e *core.RequestEvent, s *Service, raw map[string]any) error {
	form, err := t.serviceForm(e.App, s, s.Defs.Form)
	if err != nil {
		return err
	}
	collection, err := e.App.FindCachedCollectionByNameOrId(s.CaseCollection)
	if err != nil {
		return err
	}
	rec, err := t.formRecord(e, form, collection, raw)
	if err != nil {
		return err
	}
	rs := t.Reminders()
	var alerts []*core.Record
	err = e.App.RunInTransaction(func(tx core.App) error {
		alerts = nil
		ctx := withMarker(context.WithoutCancel(e.Request.Context()), publicIntake)
		if err := tx.SaveWithContext(ctx, rec); err != nil {
			return err
		}
		if err := t.auditStrict(tx, e, "create", s.CaseCollection, rec.Id, map[string]any{"channel": rec.GetString("channel")}); err != nil {
			return err
		}
		if rs != nil {
			alerts = rs.ArrivalInTx(tx, s, rec)
		}
		return nil
	})
	if err != nil {
		return saveError(err)
	}
	if rs != nil {
		rs.Announced(alerts)
	}
	msg := s.Desc().SuccessMessage
	if msg == "" {
		msg = "Terima kasih. Kiriman Anda sudah kami terima."
	}
	return e.JSON(http.StatusOK, map[string]string{
		"number":        rec.GetString("number"),
		"tracking_code": rec.GetString("tracking_code"),
		"message":       msg,
	})
}

// serviceStatus serves GET /api/public/services/{service}/submissions/{code}:
// where the case is and the office's public answer, nothing personal.
func (t *Teduh) serviceStatus(e *core.RequestEvent) error {
	s, err := t.publicServiceOf(e)
	if err != nil {
		return err
	}
	if s == t.complaint {
		return t.complaintStatus(e)
	}
	code, ok := casecode.NormaliseTrackingCode(e.Request.PathValue("code"))
	if !ok {
		return badRequest("Kode pelacakan tidak valid. Kode terdiri dari 12 huruf dan angka, misalnya K7PM-X3RT-9WAC.",
			map[string]*engine.FieldError{"tracking_code": {Code: "invalid_tracking_code", Message: "Kode pelacakan tidak valid. Periksa kembali kode Anda."}})
	}
	rec, err := e.App.FindFirstRecordByFilter(s.CaseCollection, "tracking_code = {:code}", dbx.Params{"code": code})
	if err != nil {
		return router.NewNotFoundError("Kode pelacakan tidak ditemukan. Periksa kembali kode Anda, atau hubungi kantor melalui WhatsApp.", nil)
	}
	t.audit(e.App, e, "status_check", s.CaseCollection, rec.Id, nil)
	defs, err := t.caseDefs(e.App, s, rec)
	if err != nil {
		return err
	}
	step := rec.GetInt("current_step")
	stepName := ""
	if st := defs.Workflow.Step(step); st != nil {
		stepName = st.Label
	}
	answers, err := t.publicAnswers(e.App, s, defs.Workflow, rec.Id)
	if err != nil {
		return err
	}
	status := rec.GetString("status")
	return e.JSON(http.StatusOK, map[string]any{
		"service":      s.ID(),
		"service_name": s.Desc().Name,
		"number":       rec.GetString("number"),
		"status":       status,
		"status_label": StatusLabels[status],
		"step":         step,
		"step_name":    stepName,
		"steps_total":  len(defs.Workflow.Steps),
		"updated":      rec.GetDateTime("updated"),
		"answers":      answers,
	})
}

// PublicAnswer is what the office wrote for the person (a public step field).
type PublicAnswer struct {
	Label string         `json:"label"`
	Text  string         `json:"text"`
	At    types.DateTime `json:"at"`
}

// publicAnswers are the latest recorded values of the workflow's public
// step fields.
func (t *Teduh) publicAnswers(app core.App, s *Service, wf *engine.Workflow, caseID string) ([]PublicAnswer, error) {
	out := []PublicAnswer{}
	fields := wf.PublicFields()
	if len(fields) == 0 {
		return out, nil
	}
	steps, err := app.FindRecordsByFilter(s.StepCollection, "complaint = {:c}", "-created", 0, 0, dbx.Params{"c": caseID})
	if err != nil {
		return nil, err
	}
	for _, pf := range fields {
		for _, st := range steps {
			if st.GetString("step_code") != pf.Step.Code {
				continue
			}
			data, _ := stepData(st)
			if text, _ := data[pf.Field.Name].(string); text != "" {
				out = append(out, PublicAnswer{Label: pf.Field.Label, Text: text, At: st.GetDateTime("created")})
				break
			}
		}
	}
	return out, nil
}

// --- staff: the services and their definitions --------------------------------

// StaffService is a service as the console reads it.
type StaffService struct {
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	Summary       string            `json:"summary,omitempty"`
	Public        bool              `json:"public"`
	Builtin       bool              `json:"builtin"`
	Roles         []string          `json:"roles"`
	Collections   map[string]string `json:"collections"`
	StaffChannels []engine.Option   `json:"staff_channels"`
	TitleField    string            `json:"title_field,omitempty"`
	Editable      bool              `json:"editable"`
	SummaryFields []string          `json:"summary_fields,omitempty"`
	Form          *engine.Form      `json:"form"`
	Workflow      *engine.Workflow  `json:"workflow"`
	Statuses      map[string]string `json:"statuses"`
}

func (t *Teduh) staffView(app core.App, s *Service, defs *definitions.Set) (StaffService, error) {
	form, err := t.serviceForm(app, s, defs.Form)
	if err != nil {
		return StaffService{}, err
	}
	v := StaffService{
		ID: s.ID(), Name: defs.Workflow.Title, Builtin: s == t.complaint, Roles: s.Roles(),
		Collections: map[string]string{"cases": s.CaseCollection, "steps": s.StepCollection, "clocks": s.ClockCollection},
		Form:        form, Workflow: defs.Workflow, Statuses: StatusLabels, StaffChannels: []engine.Option{}, Editable: true,
	}
	if d := s.Desc(); d != nil {
		v.Name, v.Summary, v.Public, v.TitleField, v.SummaryFields = d.Name, d.Summary, d.Public, d.TitleField, d.SummaryFields
		v.StaffChannels, v.Editable = d.StaffChannels, d.Editable()
	}
	return v, nil
}

// staffServices serves GET /api/services: the services the caller handles.
func (t *Teduh) staffServices(e *core.RequestEvent) error {
	items := []StaffService{}
	for _, s := range t.services {
		if !s.Handles(roleOf(e.Auth)) {
			continue
		}
		v, err := t.staffView(e.App, s, s.Defs)
		if err != nil {
			return err
		}
		items = append(items, v)
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items})
}

// staffService serves GET /api/services/{service}, optionally with the
// form_version and workflow_version a case started under.
func (t *Teduh) staffService(e *core.RequestEvent) error {
	s, err := t.staffServiceOf(e)
	if err != nil {
		return err
	}
	q := e.Request.URL.Query()
	defs, err := t.defsFor(e.App, s, q.Get("form_version"), q.Get("workflow_version"))
	if err != nil {
		return err
	}
	v, err := t.staffView(e.App, s, defs)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, v)
}

// --- staff: the queue of a service -------------------------------------------------

// ServiceQueueItem is one row of a service's queue.
type ServiceQueueItem struct {
	ID          string           `json:"id"`
	Number      string           `json:"number"`
	Status      string           `json:"status"`
	StatusLabel string           `json:"status_label"`
	CurrentStep int              `json:"current_step"`
	StepName    string           `json:"step_name"`
	NextStep    string           `json:"next_step"`
	StepsTotal  int              `json:"steps_total"`
	AssignedTo  string           `json:"assigned_to"`
	Channel     string           `json:"channel"`
	Created     string           `json:"created"`
	Title       string           `json:"title"`
	Summary     []map[string]any `json:"summary"`
	Clocks      []ClockView      `json:"clocks"`
	Overdue     bool             `json:"overdue"`
}

// serviceQueue serves GET /api/services/{service}/queue: open cases, those
// whose clocks are overdue or nearest first; status=closed|withdrawn|all
// for the archive; scope=mine|unassigned; q= a case number.
func (t *Teduh) serviceQueue(e *core.RequestEvent) error {
	s, err := t.staffServiceOf(e)
	if err != nil {
		return err
	}
	if s == t.complaint {
		return t.queue(e)
	}
	if _, err := e.App.FindCachedCollectionByNameOrId(s.CaseCollection); err != nil {
		return serviceNotFound()
	}
	qs := e.Request.URL.Query()
	page, _ := strconv.Atoi(qs.Get("page"))
	perPage, _ := strconv.Atoi(qs.Get("perPage"))
	if page < 1 {
		page = 1
	}
	if page > 10000 {
		return badRequest("Halaman terlalu jauh. Persempit pencarian.", map[string]*engine.FieldError{"page": {Code: "page_too_far", Message: "Halaman terlalu jauh. Persempit pencarian."}})
	}
	if perPage < 1 || perPage > 100 {
		perPage = 20
	}
	params := dbx.Params{"limit": perPage + 1, "offset": (page - 1) * perPage}
	var where []string
	if v := viewer(e); v.limited {
		where = append(where, "(c.assigned_to = '' OR c.assigned_to = {:viewer})")
		params["viewer"] = v.id
	}
	switch scope := qs.Get("scope"); scope {
	case "", "all":
	case "mine":
		where = append(where, "c.assigned_to = {:me}")
		params["me"] = e.Auth.Id
	case "unassigned":
		where = append(where, "c.assigned_to = ''")
	default:
		return badRequest("", map[string]*engine.FieldError{"scope": {Code: "invalid_scope", Message: "Pilihan tampilan harus mine, unassigned atau all."}})
	}
	status := qs.Get("status")
	switch {
	case status == "" || status == "open":
		where = append(where, "c."+openCaseSQL)
	case status == "all":
	case contains(openStatuses, status) || status == engine.StatusClosed || status == engine.StatusWithdrawn:
		where = append(where, "c.status = {:status}")
		params["status"] = status
	default:
		return badRequest("", map[string]*engine.FieldError{"status": {Code: "invalid_status", Message: "Status tidak dikenal."}})
	}
	if q := strings.TrimSpace(qs.Get("q")); q != "" {
		where = append(where, "c.number = {:number}")
		params["number"] = strings.ToUpper(q)
	}
	desc := s.Desc()
	cols := []string{"id", "number", "status", "current_step", "assigned_to", "channel", "created"}
	if desc.TitleField != "" {
		cols = append(cols, desc.TitleField)
	}
	cols = append(cols, desc.SummaryFields...)
	sel := make([]string, len(cols))
	for i, c := range cols {
		sel[i] = "c.[[" + c + "]] AS [[" + c + "]]" // names checked by the definition loader
	}
	filter := ""
	if len(where) > 0 {
		filter = " WHERE " + strings.Join(where, " AND ")
	}
	order := "(k.next_due IS NULL) ASC, k.next_due ASC, c.created ASC"
	if status != "" && status != "open" {
		order = "c.created DESC"
	}
	join := ""
	if s.ClockCollection != "" && len(s.Defs.Workflow.Clocks) > 0 {
		join = " LEFT JOIN (SELECT complaint, MIN(due_at) AS next_due FROM {{" + s.ClockCollection + "}} WHERE status IN ('running', 'missed') AND met_at = '' GROUP BY complaint) k ON k.complaint = c.id"
	} else {
		join = " LEFT JOIN (SELECT '' AS complaint, NULL AS next_due) k ON k.complaint = c.id"
	}
	sql := "SELECT " + strings.Join(sel, ", ") + " FROM {{" + s.CaseCollection + "}} c" + join + filter + " ORDER BY " + order + " LIMIT {:limit} OFFSET {:offset}"
	var rows []dbx.NullStringMap
	if err := e.App.DB().NewQuery(sql).Bind(params).All(&rows); err != nil {
		return err
	}
	hasMore := len(rows) > perPage
	if hasMore {
		rows = rows[:perPage]
	}
	now := t.now().UTC()
	items := make([]ServiceQueueItem, 0, len(rows))
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		get := func(k string) string { return r[k].String }
		step, _ := strconv.Atoi(get("current_step"))
		it := ServiceQueueItem{
			ID: get("id"), Number: get("number"), Status: get("status"), StatusLabel: StatusLabels[get("status")], CurrentStep: step,
			AssignedTo: get("assigned_to"), Channel: get("channel"), Created: get("created"), StepsTotal: len(s.Defs.Workflow.Steps),
			Summary: []map[string]any{}, Clocks: []ClockView{},
		}
		if st := s.Defs.Workflow.Step(step); st != nil {
			it.StepName = st.Label
		}
		if st := s.Defs.Workflow.Step(step + 1); st != nil && contains(openStatuses, it.Status) {
			it.NextStep = st.Label
		}
		if desc.TitleField != "" {
			it.Title = get(desc.TitleField)
		}
		for _, f := range desc.SummaryFields {
			fd := s.Defs.Form.Field(f)
			v := get(f)
			text := v
			switch {
			case fd.Type == engine.TypeSelect:
				text = fd.OptionLabel(v)
			case fd.Type == engine.TypeNumber && v == "0":
				v, text = "", ""
			}
			it.Summary = append(it.Summary, map[string]any{"field": f, "label": fd.Label, "value": v, "text": text})
		}
		items = append(items, it)
		ids = append(ids, it.ID)
	}
	views, err := t.caseClockViews(e.App, s, ids, now)
	if err != nil {
		return err
	}
	for i := range items {
		if v := views[items[i].ID]; v != nil {
			items[i].Clocks = v
			items[i].Overdue = slices.ContainsFunc(v, func(c ClockView) bool { return c.Overdue })
		}
	}
	if len(ids) > 0 && t.policy.Personal(s.CaseCollection) {
		if err := t.auditStrict(e.App, e, "list", s.CaseCollection, "", map[string]any{"ids": ids, "query": qs.Encode()}); err != nil {
			return err
		}
	}
	return e.JSON(http.StatusOK, map[string]any{"page": page, "perPage": perPage, "hasMore": hasMore, "items": items})
}

// --- staff: one case ---------------------------------------------------------------

// visibleServiceCase is visibleCase for any service: a case the caller may
// not see answers exactly like a missing one.
func (t *Teduh) visibleServiceCase(e *core.RequestEvent, s *Service, id string) (*core.Record, error) {
	collection, err := e.App.FindCachedCollectionByNameOrId(s.CaseCollection)
	if err != nil {
		return nil, caseNotFound()
	}
	kase, err := e.App.FindRecordById(collection, id)
	if err != nil {
		return nil, caseNotFound()
	}
	info, err := e.RequestInfo()
	if err != nil {
		return nil, err
	}
	ok, err := e.App.CanAccessRecord(kase, info, collection.ViewRule)
	if err != nil || !ok {
		return nil, caseNotFound()
	}
	return kase, nil
}

// serviceCase serves GET /api/services/{service}/cases/{id}: the case, its
// step records, its clocks, and the definitions it runs under.
func (t *Teduh) serviceCase(e *core.RequestEvent) error {
	s, err := t.staffServiceOf(e)
	if err != nil {
		return err
	}
	kase, err := t.visibleServiceCase(e, s, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	steps, err := e.App.FindRecordsByFilter(s.StepCollection, "complaint = {:c}", "created", 0, 0, dbx.Params{"c": kase.Id})
	if err != nil {
		return err
	}
	defs, err := t.caseDefs(e.App, s, kase)
	if err != nil {
		return err
	}
	var clocks []ClockView
	if s.ClockCollection != "" && len(defs.Workflow.Clocks) > 0 {
		recs, err := clockRecords(e.App, s, kase.Id)
		if err != nil {
			return err
		}
		clocks = clockViews(defs.Workflow, recs, t.now().UTC())
	}
	view, err := t.staffView(e.App, s, defs)
	if err != nil {
		return err
	}
	stepIDs := make([]string, len(steps))
	for i, st := range steps {
		stepIDs[i] = st.Id
	}
	if err := t.auditStrict(e.App, e, "view", s.CaseCollection, kase.Id, map[string]any{"steps": stepIDs}); err != nil {
		return err
	}
	if clocks == nil {
		clocks = []ClockView{}
	}
	return e.JSON(http.StatusOK, map[string]any{"case": kase, "steps": steps, "clocks": clocks, "service": view})
}

// readJSONBody reads a small JSON object.
func readJSONBody(e *core.RequestEvent) (map[string]any, error) {
	body, err := io.ReadAll(e.Request.Body)
	if err != nil {
		if tooLarge(err) {
			return nil, router.NewApiError(http.StatusRequestEntityTooLarge, "Data yang dikirim terlalu besar.", nil)
		}
		return nil, router.NewBadRequestError("Data tidak dapat dibaca.", nil)
	}
	out := map[string]any{}
	if err := json.Unmarshal(body, &out); err != nil || out == nil {
		return nil, router.NewBadRequestError("Data tidak dapat dibaca. Kirim objek JSON.", nil)
	}
	return out, nil
}

// serviceStep serves POST /api/services/{service}/cases/{id}/steps
// {step, outcome, notes, data}: the same hooks decide as for every write of
// a step record; the caller is the actor.
func (t *Teduh) serviceStep(e *core.RequestEvent) error {
	s, err := t.staffServiceOf(e)
	if err != nil {
		return err
	}
	kase, err := t.visibleServiceCase(e, s, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	body, err := readJSONBody(e)
	if err != nil {
		return err
	}
	collection, err := e.App.FindCachedCollectionByNameOrId(s.StepCollection)
	if err != nil {
		return err
	}
	rec := core.NewRecord(collection)
	errs := map[string]*engine.FieldError{}
	for k := range body {
		if !slices.Contains([]string{"step", "outcome", "notes", "data"}, k) {
			errs[clip(k, 60)] = &engine.FieldError{Code: "unknown_field", Message: "Kolom ini tidak dikenal dan tidak dapat diterima."}
		}
	}
	step, ok := body["step"].(float64)
	if !ok || step != float64(int(step)) {
		errs["step"] = &engine.FieldError{Code: "invalid_step", Message: "Nomor langkah harus berupa angka."}
	}
	outcome, _ := body["outcome"].(string)
	notes, _ := body["notes"].(string)
	if _, ok := body["outcome"].(string); body["outcome"] != nil && !ok {
		errs["outcome"] = &engine.FieldError{Code: "invalid_type", Message: "Hasil langkah harus berupa teks."}
	}
	if _, ok := body["notes"].(string); body["notes"] != nil && !ok {
		errs["notes"] = &engine.FieldError{Code: "invalid_type", Message: "Catatan harus berupa teks."}
	}
	data, isMap := body["data"].(map[string]any)
	if body["data"] != nil && !isMap {
		errs["data"] = &engine.FieldError{Code: "invalid_data", Message: "Data langkah harus berupa objek JSON."}
	}
	if len(errs) > 0 {
		return badRequest("", errs)
	}
	if data == nil {
		data = map[string]any{}
	}
	rec.Load(map[string]any{"complaint": kase.Id, "step": int(step), "outcome": outcome, "notes": notes, "data": data})
	if e.Auth.IsSuperuser() {
		rec.Set("actor_kind", "superuser")
		rec.Set("actor_name", "Administrator sistem ("+e.Auth.Email()+")")
	} else {
		rec.Set("actor", e.Auth.Id)
		rec.Set("actor_kind", "staff")
	}
	if err := e.App.SaveWithContext(e.Request.Context(), rec); err != nil {
		return saveError(err)
	}
	t.audit(e.App, e, "step", s.StepCollection, rec.Id, map[string]any{"complaint": kase.Id, "step": rec.GetInt("step"), "outcome": rec.GetString("outcome")})
	fresh, err := e.App.FindRecordById(s.CaseCollection, kase.Id)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"step": rec, "case": map[string]any{
		"id": fresh.Id, "number": fresh.GetString("number"), "status": fresh.GetString("status"), "current_step": fresh.GetInt("current_step"),
		"assigned_to": fresh.GetString("assigned_to"), "closed_at": fresh.GetDateTime("closed_at"), "updated": fresh.GetDateTime("updated"),
	}})
}

// serviceIntake serves POST /api/services/{service}/cases: a case that came
// in person, by WhatsApp, by phone, through SAPA or the suggestion box,
// recorded by a staff member (the form's fields, channel, and for
// supervisors assigned_to).
func (t *Teduh) serviceIntake(e *core.RequestEvent) error {
	s, err := t.staffServiceOf(e)
	if err != nil {
		return err
	}
	body, err := readJSONBody(e)
	if err != nil {
		return err
	}
	collection, err := e.App.FindCachedCollectionByNameOrId(s.CaseCollection)
	if err != nil {
		return err
	}
	form, err := t.serviceForm(e.App, s, s.Defs.Form)
	if err != nil {
		return err
	}
	channel, _ := body["channel"].(string)
	assignee, _ := body["assigned_to"].(string)
	delete(body, "channel")
	delete(body, "assigned_to")
	values, cerrs := form.Coerce(body)
	if len(cerrs) > 0 {
		return badRequest("", cerrs)
	}
	rec := core.NewRecord(collection)
	for k, v := range values {
		rec.Set(k, v)
	}
	rec.Set("channel", channel)
	rec.Set("assigned_to", assignee)
	if !e.Auth.IsSuperuser() {
		rec.Set("intake_actor", e.Auth.Id)
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		if err := tx.SaveWithContext(e.Request.Context(), rec); err != nil {
			return err
		}
		return t.auditStrict(tx, e, "create", s.CaseCollection, rec.Id, map[string]any{"channel": channel})
	})
	if err != nil {
		return saveError(err)
	}
	return e.JSON(http.StatusOK, map[string]string{"id": rec.Id, "number": rec.GetString("number"), "tracking_code": rec.GetString("tracking_code")})
}

// serviceClockMet serves POST /api/services/{service}/cases/{id}/clocks/{clock}/met {notes}.
func (t *Teduh) serviceClockMet(e *core.RequestEvent) error {
	s, err := t.staffServiceOf(e)
	if err != nil {
		return err
	}
	kase, err := t.visibleServiceCase(e, s, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	body, err := readJSONBody(e)
	if err != nil {
		return err
	}
	notes, _ := body["notes"].(string)
	rec, err := t.meetClockByHand(e, s, kase, e.Request.PathValue("clock"), notes)
	if err != nil {
		return err
	}
	defs, err := t.caseDefs(e.App, s, kase)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, clockViews(defs.Workflow, []*core.Record{rec}, t.now().UTC())[0])
}

// --- figures -------------------------------------------------------------------------

// serviceStats serves GET /api/services/{service}/stats?from=&to= (supervisors).
func (t *Teduh) serviceStats(e *core.RequestEvent) error {
	s := t.ServiceByID(e.Request.PathValue("service"))
	return t.serviceStatsOf(e, s)
}

func (t *Teduh) serviceStatsOf(e *core.RequestEvent, s *Service) error {
	if viewer(e).limited {
		return router.NewForbiddenError("Hanya kepala/penyelia yang dapat melihat angka layanan.", nil)
	}
	if s == nil || s.Desc() == nil {
		return serviceNotFound()
	}
	office, err := t.Office(e.App)
	if err != nil {
		return err
	}
	from, to, ferr := periodOf(e.Request.URL.Query(), office.Location(), t.now())
	if ferr != nil {
		return ferr
	}
	figures, err := t.ServiceFigures(e.App, s, from, to)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, figures)
}

// periodOf reads from= and to= (YYYY-MM or YYYY-MM-DD, office days; to is
// included); without them, the current year.
func periodOf(q url.Values, loc *time.Location, now time.Time) (time.Time, time.Time, error) {
	parse := func(name, v string, end bool) (time.Time, error) {
		for _, layout := range []string{time.DateOnly, "2006-01"} {
			if d, err := time.ParseInLocation(layout, v, loc); err == nil {
				if end {
					if layout == "2006-01" {
						return d.AddDate(0, 1, 0), nil
					}
					return d.AddDate(0, 0, 1), nil
				}
				return d, nil
			}
		}
		return time.Time{}, badRequest("", map[string]*engine.FieldError{name: {Code: "invalid_period", Message: "Tulis bulan (2026-01) atau tanggal (2026-01-31)."}})
	}
	y := now.In(loc).Year()
	from, to := time.Date(y, 1, 1, 0, 0, 0, 0, loc), time.Date(y+1, 1, 1, 0, 0, 0, 0, loc)
	var err error
	if v := q.Get("from"); v != "" {
		if from, err = parse("from", v, false); err != nil {
			return from, to, err
		}
	}
	if v := q.Get("to"); v != "" {
		if to, err = parse("to", v, true); err != nil {
			return from, to, err
		}
	}
	if !to.After(from) {
		return from, to, badRequest("", map[string]*engine.FieldError{"to": {Code: "invalid_period", Message: "Akhir periode harus sesudah awalnya."}})
	}
	return from, to, nil
}
