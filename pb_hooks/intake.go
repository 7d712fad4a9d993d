package pb_hooks

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"teduh/internal/casecode"
	"teduh/internal/definitions"
	"teduh/internal/engine"
)

// Limits of the public endpoints' bodies.
const (
	maxComplaintBody = 6 << 20 // a 5 MB document plus the form
	maxFeedbackBody  = 64 << 10
)

// StatusLabels are the case statuses as the public and staff read them.
var StatusLabels = map[string]string{
	"new":                   "Diterima, menunggu petugas",
	"in_progress":           "Sedang ditangani",
	"awaiting_requirements": "Menunggu kelengkapan persyaratan",
	"closed":                "Selesai",
	"withdrawn":             "Dicabut atau dialihkan",
}

func (t *Teduh) bindPublicRoutes(se *core.ServeEvent) error {
	g := se.Router.Group("/api/public")
	g.GET("/office", t.publicOffice)
	g.GET("/forms/complaint", t.publicComplaintForm)
	g.POST("/complaints", t.submitComplaint).Bind(publicBodyLimit(maxComplaintBody, "identity_document"), t.floodCheck())
	g.GET("/complaints/{code}", t.complaintStatus)
	g.POST("/feedback", t.submitFeedback).Bind(apis.BodyLimit(maxFeedbackBody), t.floodCheck())
	g.GET("/challenge", t.challengeRoute)
	return se.Next()
}

func (t *Teduh) publicComplaintForm(e *core.RequestEvent) error {
	form, err := t.resolvedForm(e.App)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, form)
}

// readPublicBody reads a JSON object or a multipart/urlencoded form into raw
// values for Coerce. Uploaded files are returned separately.
func readPublicBody(e *core.RequestEvent, maxBytes int64) (map[string]any, *router.ApiError) {
	ct, _, _ := mime.ParseMediaType(e.Request.Header.Get("Content-Type"))
	raw := map[string]any{}
	switch ct {
	case "application/json":
		body, err := io.ReadAll(io.LimitReader(e.Request.Body, maxBytes+1))
		if (err != nil && tooLarge(err)) || int64(len(body)) > maxBytes {
			return nil, router.NewApiError(http.StatusRequestEntityTooLarge, "Data yang dikirim terlalu besar.", nil)
		}
		if err != nil {
			return nil, router.NewBadRequestError("Data tidak dapat dibaca.", nil)
		}
		if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
			return nil, router.NewBadRequestError("Data tidak dapat dibaca. Kirim objek JSON, misalnya {\"reporter_name\": \"…\"}.", nil)
		}
	case "multipart/form-data", "application/x-www-form-urlencoded":
		if err := e.Request.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			if tooLarge(err) {
				return nil, bodyTooLarge(fileFieldOf(e))
			}
			return nil, router.NewBadRequestError("Data formulir tidak dapat dibaca.", nil)
		}
		for k, vs := range e.Request.PostForm {
			if k == "@jsonPayload" {
				continue
			}
			raw[k] = vs
		}
		// PocketBase's SDKs send the fields as JSON under "@jsonPayload" and
		// only the files as parts of their own
		for _, payload := range e.Request.PostForm["@jsonPayload"] {
			var fields map[string]any
			if err := json.Unmarshal([]byte(payload), &fields); err != nil {
				return nil, router.NewBadRequestError("Data tidak dapat dibaca: @jsonPayload harus berupa objek JSON.", nil)
			}
			for k, v := range fields {
				raw[k] = v
			}
		}
		if e.Request.MultipartForm != nil {
			for k := range e.Request.MultipartForm.File {
				raw[k] = nil // marks the key as known; the file is read separately
			}
		}
	default:
		return nil, router.NewApiError(http.StatusUnsupportedMediaType, "Kirim data sebagai JSON atau multipart/form-data.", nil)
	}
	return raw, nil
}

// publicBodyLimit bounds a public form's body. A body too large is almost
// always a photo too large, so the answer names the file field, in the shape
// of every field error, for the form and for apps.
func publicBodyLimit(limit int64, fileField string) *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       apis.DefaultBodyLimitMiddlewareId,
		Priority: apis.DefaultBodyLimitMiddlewarePriority,
		Func: func(e *core.RequestEvent) error {
			e.Set(fileFieldKey, fileField)
			if e.Request.ContentLength > limit {
				return bodyTooLarge(fileField)
			}
			e.Request.Body = http.MaxBytesReader(e.Response, e.Request.Body, limit)
			return e.Next()
		},
	}
}

const fileFieldKey = "teduh.fileField"

func fileFieldOf(e *core.RequestEvent) string {
	f, _ := e.Get(fileFieldKey).(string)
	return f
}

func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe) || strings.Contains(err.Error(), "too large")
}

// bodyTooLarge is the 413 with the file field's error.
func bodyTooLarge(fileField string) *router.ApiError {
	msg := "Berkas terlalu besar. Paling besar 5 MB: kirim foto yang lebih kecil atau berkas PDF."
	data := validation.Errors{}
	if fileField != "" {
		data[fileField] = validation.NewError("file_too_large", msg)
	}
	return router.NewApiError(http.StatusRequestEntityTooLarge, "Data yang dikirim terlalu besar. "+msg, data)
}

// submitComplaint is the public complaint form's endpoint.
func (t *Teduh) submitComplaint(e *core.RequestEvent) error {
	s := t.complaint
	raw, apiErr := readPublicBody(e, maxComplaintBody)
	if apiErr != nil {
		return apiErr
	}
	form, err := t.resolvedForm(e.App)
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
	// the case, its first step, its audit entry and the alert to everyone
	// on duty are one transaction (shared with the complaints sent at the
	// same moment; see intake_batch.go): all of them are stored, or none
	alerts, err := t.intake.store(e, rec)
	if err != nil {
		return saveError(err)
	}
	if rs := t.Reminders(); rs != nil {
		rs.Announced(alerts)
	}
	return e.JSON(http.StatusOK, map[string]string{
		"number":        rec.GetString("number"),
		"tracking_code": rec.GetString("tracking_code"),
	})
}

// formRecord validates a public submission against a form (files by their
// real type) before it touches a record, so a value the record could not
// even hold (a date that is not a date) is reported as a field error, and
// returns a new record of collection holding the cleaned values.
func (t *Teduh) formRecord(e *core.RequestEvent, form *engine.Form, collection *core.Collection, raw map[string]any) (*core.Record, error) {
	values, cerrs := form.Coerce(raw)
	rec := core.NewRecord(collection)
	for _, f := range form.Fields() {
		if _, sent := raw[f.Name]; !sent || f.Type != engine.TypeFile {
			continue
		}
		files, err := e.FindUploadedFiles(f.Name)
		if err != nil || len(files) != 1 {
			cerrs[f.Name] = &engine.FieldError{Code: "invalid_file", Message: "Unggah satu berkas saja untuk " + f.Label + "."}
			continue
		}
		if values[f.Name], err = fileMeta(files[0]); err != nil {
			return nil, err
		}
		rec.Set(f.Name, files[0])
	}
	if len(cerrs) > 0 {
		return nil, badRequest("", cerrs)
	}
	env, _, err := t.env(e.App)
	if err != nil {
		return nil, err
	}
	if res := form.Validate(values, env); !res.OK() {
		return nil, badRequest("", res.Errors)
	}
	for _, f := range form.Fields() {
		if v, ok := values[f.Name]; ok && f.Type != engine.TypeFile {
			rec.Set(f.Name, v)
		}
	}
	return rec, nil
}

// saveError passes API errors through and turns PocketBase's own field
// validation into a 400 (never a 500 for bad input).
func saveError(err error) error {
	var apiErr *router.ApiError
	if errors.As(err, &apiErr) {
		return apiErr
	}
	var verrs validation.Errors
	if errors.As(err, &verrs) {
		return router.NewApiError(http.StatusBadRequest, "Data belum lengkap atau tidak valid. Periksa isian yang ditandai.", verrs)
	}
	return err
}

// complaintStatus tells a complainant where their case is, and nothing more.
func (t *Teduh) complaintStatus(e *core.RequestEvent) error {
	code, ok := casecode.NormaliseTrackingCode(e.Request.PathValue("code"))
	if !ok {
		return badRequest("Kode pelacakan tidak valid. Kode terdiri dari 12 huruf dan angka, misalnya K7PM-X3RT-9WAC.",
			map[string]*engine.FieldError{"tracking_code": {Code: "invalid_tracking_code", Message: "Kode pelacakan tidak valid. Periksa kembali kode Anda."}})
	}
	rec, err := e.App.FindFirstRecordByFilter(t.complaint.CaseCollection, "tracking_code = {:code}", dbx.Params{"code": code})
	if err != nil {
		return router.NewNotFoundError("Kode pelacakan tidak ditemukan. Periksa kembali kode Anda, atau hubungi kantor melalui WhatsApp.", nil)
	}
	t.audit(e.App, e, "status_check", t.complaint.CaseCollection, rec.Id, nil)
	step := rec.GetInt("current_step")
	stepName := ""
	if st := t.complaint.Defs.Workflow.Step(step); st != nil {
		stepName = st.Label
	}
	status := rec.GetString("status")
	return e.JSON(http.StatusOK, map[string]any{
		"number":       rec.GetString("number"),
		"status":       status,
		"status_label": StatusLabels[status],
		"step":         step,
		"step_name":    stepName,
		"updated":      rec.GetDateTime("updated"),
	})
}

// submitFeedback is the old feedback form's address: what it takes (kind,
// message, rating, name, contact) is a service complaint now, answered
// through the service complaints' workflow.
func (t *Teduh) submitFeedback(e *core.RequestEvent) error {
	raw, apiErr := readPublicBody(e, maxFeedbackBody)
	if apiErr != nil {
		return apiErr
	}
	s := t.ServiceByID(definitions.ServiceComplaintID)
	if s == nil {
		return serviceNotFound()
	}
	return t.storeSubmission(e, s, raw)
}

// --- staff routes ---------------------------------------------------------

func (t *Teduh) bindStaffRoutes(se *core.ServeEvent) error {
	g := se.Router.Group("/api").BindFunc(staffOnly)
	g.GET("/workflows/complaint", t.workflowDefinition)
	g.GET("/forms/complaint", t.publicComplaintForm)
	g.GET("/queue", t.queue)
	g.GET("/staff-load", t.staffLoad)
	g.POST("/notifications/read-all", t.readAllNotifications)
	g.GET("/audit/verify", t.auditVerifyRoute)
	return se.Next()
}

// workflowDefinition serves the SOP steps so the console renders the form
// for exactly the next step.
func (t *Teduh) workflowDefinition(e *core.RequestEvent) error {
	type out struct {
		*engine.Workflow
		Statuses map[string]string `json:"statuses"`
	}
	return e.JSON(http.StatusOK, out{Workflow: t.complaint.Defs.Workflow, Statuses: StatusLabels})
}
