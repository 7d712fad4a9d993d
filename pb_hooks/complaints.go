package pb_hooks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"teduh/internal/casecode"
	"teduh/internal/definitions"
	"teduh/internal/engine"
)

// systemFields of a case are written by Teduh only: the workflow state, the
// identifiers, and what is derived from the submission.
var systemFields = []string{
	"number", "number_year", "number_seq", "tracking_code", "channel", "intake_actor",
	"status", "current_step", "urgency", "warnings", "first_response_due_at", "first_response_at",
	"verified_at", "due_at", "closed_at", "submitted_at", "form_version", "workflow_version",
	// SIMFONI: the report the case belongs to, and the services confirmed
	// (POST /api/complaints/{id}/services)
	"reported_at", "report_number", "linked_case", "services_given", "services_confirmed_at", "services_confirmed_by",
}

// stampIntakeActor records who registered a case through the REST API. The
// body cannot choose it.
func (t *Teduh) stampIntakeActor(e *core.RecordRequestEvent) error {
	e.Record.Set("intake_actor", "")
	if e.Auth != nil && e.Auth.Collection().Name == "staff" {
		e.Record.Set("intake_actor", e.Auth.Id)
	}
	return e.Next()
}

// createCase validates a new case against the form definition, numbers it,
// fills the workflow fields and records step 1, all in one transaction.
func (t *Teduh) createCase(s *Service, e *core.RecordEvent) error {
	public := hasMarker(e.Context, publicIntake)
	return inTx(e, func(tx core.App) error {
		env, office, err := t.env(tx)
		if err != nil {
			return err
		}
		rec := e.Record
		errs := map[string]*engine.FieldError{}

		channel := rec.GetString("channel")
		if public {
			channel = s.PublicChannel
			rec.Set("intake_actor", "")
		} else if !slices.Contains(s.StaffChannels, channel) {
			errs["channel"] = &engine.FieldError{Code: "invalid_channel",
				Message: "Pilih saluran pengaduan: " + strings.Join(s.StaffChannels, ", ") + ". Pengaduan online hanya melalui formulir publik."}
		}
		rec.Set("channel", channel)

		res, err := t.validateCaseValues(s, tx, rec, office, env)
		if err != nil {
			return err
		}
		for k, v := range res.Errors {
			errs[k] = v
		}

		actor, err := activeStaff(tx, rec.GetString("intake_actor"))
		if err != nil {
			errs["intake_actor"] = &engine.FieldError{Code: "inactive_staff", Message: "Akun petugas tidak aktif."}
		}
		// another victim of a report already registered: a linked case with
		// its own SOP, sharing the report number (only staff register one,
		// from a case they may see)
		reportNumber := ""
		if public {
			rec.Set("linked_case", "")
		} else if linked := rec.GetString("linked_case"); linked != "" {
			src, err := tx.FindRecordById(s.CaseCollection, linked)
			if err != nil || !mayHandle(actor, src) {
				errs["linked_case"] = &engine.FieldError{Code: "not_found", Message: "Kasus asal laporan tidak ditemukan."}
			} else if reportNumber = src.GetString("report_number"); reportNumber == "" {
				reportNumber = src.GetString("number")
			}
		}
		rec.Set("services_given", []string{})
		rec.Set("services_confirmed_at", "")
		rec.Set("services_confirmed_by", "")
		// officers do not pick an assignee at intake: step 2 assigns the case
		if public || (actor != nil && actor.GetString("role") != "supervisor") {
			rec.Set("assigned_to", "")
		} else if ferr := checkAssignee(tx, rec.GetString("assigned_to")); ferr != nil {
			errs["assigned_to"] = ferr
		}
		if len(errs) > 0 {
			return badRequest("", errs)
		}
		applyCaseValues(s, rec, res)

		now := env.Now
		year := now.In(office.Location()).Year()
		var last struct {
			Seq int `db:"seq"`
		}
		err = tx.DB().Select("COALESCE(MAX(number_seq), 0) AS seq").From(s.CaseCollection).
			Where(dbx.HashExp{"number_year": year}).One(&last)
		if err != nil {
			return err
		}
		code, err := casecode.NewTrackingCode(nil)
		if err != nil {
			return err
		}
		urgency := mustString(res.Derived["urgency"])
		if urgency == "" {
			urgency = engine.UrgencyNormal
		}
		wf := s.Defs.Workflow
		// step 1 goes through the engine like every step; its effect on the
		// case is written with the case itself (one write instead of two)
		first, refusal := wf.Decide(engine.CaseState{}, engine.StepRequest{Step: 1, Outcome: engine.OutcomeDone, System: true}, env, nil)
		if refusal != nil {
			return refusalError(refusal)
		}
		prefix := office.Field(s.NumberPrefixKey)
		if s.NumberPrefix != "" {
			prefix += "-" + s.NumberPrefix
		}
		number := casecode.Number(prefix, year, last.Seq+1)
		if reportNumber == "" {
			reportNumber = number
		}
		rec.Load(map[string]any{
			"number":                number,
			"report_number":         reportNumber,
			"reported_at":           now,
			"number_year":           year,
			"number_seq":            last.Seq + 1,
			"tracking_code":         code,
			"status":                first.NewStatus,
			"current_step":          first.NewStep,
			"urgency":               urgency,
			"first_response_due_at": firstResponseDue(wf, now, urgency),
			"first_response_at":     "",
			"verified_at":           "",
			"due_at":                "",
			"closed_at":             "",
			"submitted_at":          now,
			"form_version":          s.Defs.Form.Version,
			"workflow_version":      wf.Version,
		})
		if err := e.Next(); err != nil {
			return err
		}

		steps, err := tx.FindCachedCollectionByNameOrId(s.StepCollection)
		if err != nil {
			return err
		}
		step := core.NewRecord(steps)
		step.Load(map[string]any{"complaint": rec.Id, "step": 1, "step_code": first.Step.Code, "outcome": first.Outcome, "workflow_version": wf.Version})
		if actor != nil {
			step.Set("actor", actor.Id)
			step.Set("actor_kind", "staff")
			step.Set("actor_name", actor.GetString("name"))
		} else {
			step.Set("actor_kind", "system")
			step.Set("actor_name", "Sistem")
			if public && s == t.complaint {
				step.Set("notes", "Pengaduan diterima melalui formulir online.")
			} else if public {
				step.Set("notes", "Diterima melalui formulir online.")
			}
		}
		if err := tx.SaveWithContext(withMarker(withMarker(e.Context, systemWrite), stepApplied), step); err != nil {
			return err
		}
		// the declared clocks that start with the submission
		return t.applyClocks(tx, e.Context, s, s.Defs, rec, engine.Happening{Kind: engine.HappenSubmission, At: now}, nil)
	})
}

func firstResponseDue(wf *engine.Workflow, now time.Time, urgency string) any {
	if wf.FirstResponse.Step == 0 {
		return "" // this service has no crisis clock
	}
	return wf.FirstResponseDue(now, urgency)
}

// Field returns a profile field by name (for configurable number prefixes).
func (o *Office) Field(name string) string {
	if name == "code" || name == "" {
		return o.Code
	}
	return o.Record.GetString(name)
}

// updateCase guards every edit of a case: closed cases are read-only, system
// fields cannot be changed, and the submission must still satisfy the form.
func (t *Teduh) updateCase(s *Service, e *core.RecordEvent) error {
	if hasMarker(e.Context, systemWrite) {
		return e.Next()
	}
	return inTx(e, func(tx core.App) error {
		rec := e.Record
		fresh, err := tx.FindRecordById(s.CaseCollection, rec.Id)
		if err != nil {
			return err
		}
		if st := fresh.GetString("status"); st == engine.StatusClosed || st == engine.StatusWithdrawn {
			return router.NewApiError(http.StatusConflict, "Kasus ini sudah ditutup dan tidak dapat diubah lagi.", nil)
		}
		orig := rec.Original()
		errs := map[string]*engine.FieldError{}
		for _, f := range systemFields {
			if !sameValue(orig.Get(f), rec.Get(f)) {
				errs[f] = &engine.FieldError{Code: "system_field", Message: "Kolom ini diisi oleh sistem dan tidak dapat diubah."}
			} else if !sameValue(fresh.Get(f), rec.Get(f)) {
				return router.NewApiError(http.StatusConflict, "Kasus ini baru saja diubah oleh orang lain. Muat ulang lalu ulangi perubahan Anda.", nil)
			}
		}
		if d := s.Desc(); d != nil && !d.Editable() {
			for _, f := range s.Defs.Form.Fields() {
				if !sameValue(orig.Get(f.Name), rec.Get(f.Name)) {
					return router.NewForbiddenError("Isi kiriman ini tidak dapat diubah: yang ditulis pengirim disimpan apa adanya. Tulis tanggapan atau koreksi pada catatan langkah.", nil)
				}
			}
		}
		env, office, err := t.env(tx)
		if err != nil {
			return err
		}
		res, err := t.validateCaseValues(s, tx, rec, office, env)
		if err != nil {
			return err
		}
		for k, v := range res.Errors {
			errs[k] = v
		}
		if rec.GetString("assigned_to") != orig.GetString("assigned_to") {
			if ferr := checkAssignee(tx, rec.GetString("assigned_to")); ferr != nil {
				errs["assigned_to"] = ferr
			}
		}
		if len(errs) > 0 {
			return badRequest("", errs)
		}
		applyCaseValues(s, rec, res)
		if u := mustString(res.Derived["urgency"]); u != "" {
			rec.Set("urgency", u)
		}
		if err := e.Next(); err != nil {
			return err
		}
		// corrected data may call for a clock, or no longer (sexual violence
		// added or removed)
		defs, err := t.caseDefs(tx, s, rec)
		if err != nil {
			return err
		}
		return t.applyClocks(tx, e.Context, s, defs, rec, engine.Happening{Kind: engine.HappenEdit, At: env.Now}, nil)
	})
}

func refuseCaseDelete(e *core.RecordEvent) error {
	return router.NewForbiddenError("Data pengaduan tidak boleh dihapus. Kasus yang tidak dilanjutkan dicatat sebagai dicabut.", nil)
}

// validateCaseValues reads the form fields from the record and validates
// them against the form definition with the office's districts.
func (t *Teduh) validateCaseValues(s *Service, app core.App, rec *core.Record, office *Office, env engine.Env) (engine.Result, error) {
	form := s.Defs.Form
	if s == t.complaint {
		var err error
		if form, err = t.resolvedForm(app); err != nil {
			return engine.Result{}, err
		}
	} else {
		form = form.Resolve(map[string][]engine.Option{
			definitions.OptionsOfficeDistricts: definitions.DistrictOptions(office.Districts),
		})
	}
	raw := map[string]any{}
	for _, f := range form.Fields() {
		v, err := recordValue(rec, &f)
		if err != nil {
			return engine.Result{}, err
		}
		if v != nil {
			raw[f.Name] = v
		}
	}
	values, cerrs := form.Coerce(raw)
	res := form.Validate(values, env)
	for k, v := range cerrs {
		res.Errors[k] = v
	}
	return res, nil
}

// recordValue reads one form field from a record in the shape Coerce takes.
func recordValue(rec *core.Record, f *engine.Field) (any, error) {
	switch f.Type {
	case engine.TypeBool:
		return rec.GetBool(f.Name), nil
	case engine.TypeDate:
		d := rec.GetDateTime(f.Name)
		if d.IsZero() {
			return nil, nil
		}
		return d.Time().Format("2006-01-02"), nil
	case engine.TypeMultiselect:
		raw, _ := rec.Get(f.Name).(types.JSONRaw)
		if len(raw) == 0 || string(raw) == "null" {
			return nil, nil
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return string(raw), nil
		}
		return v, nil
	case engine.TypeFile:
		if files := rec.GetUnsavedFiles(f.Name); len(files) > 0 {
			return fileMeta(files[0])
		}
		if name := rec.GetString(f.Name); name != "" {
			return engine.FileMeta{Name: name, Size: 1}, nil // already stored and checked
		}
		return nil, nil
	case engine.TypeNumber:
		// a number kept as text (the victim's age, where 0 is an age and
		// "" is not known) is empty until given
		if _, ok := rec.Collection().Fields.GetByName(f.Name).(*core.TextField); ok {
			if s := rec.GetString(f.Name); s != "" {
				return s, nil
			}
			return nil, nil
		}
		// a number column holds 0 when nothing was given: a 0 the field
		// could never take is "not given"
		n := rec.GetFloat(f.Name)
		if n == 0 && ((f.Min != nil && *f.Min > 0) || (f.Max != nil && *f.Max < 0)) {
			return nil, nil
		}
		return n, nil
	default:
		if s := rec.GetString(f.Name); s != "" {
			return s, nil
		}
		return nil, nil
	}
}

// fileMeta sniffs an upload's real type from its content, not its name.
func fileMeta(f *filesystem.File) (engine.FileMeta, error) {
	r, err := f.Reader.Open()
	if err != nil {
		return engine.FileMeta{}, err
	}
	defer r.Close()
	mt, err := mimetype.DetectReader(r)
	if err != nil {
		return engine.FileMeta{}, err
	}
	mime, _, _ := strings.Cut(mt.String(), ";")
	return engine.FileMeta{Name: f.OriginalName, Size: f.Size, MIME: mime}, nil
}

// applyCaseValues writes the cleaned values back: trimmed text, normalised
// phone numbers, hidden fields cleared or copied, warnings kept for officers.
func applyCaseValues(s *Service, rec *core.Record, res engine.Result) {
	for _, f := range s.Defs.Form.Fields() {
		if f.Type == engine.TypeFile {
			continue
		}
		v, ok := res.Values[f.Name]
		if !ok {
			switch f.Type {
			case engine.TypeBool:
				v = false
			case engine.TypeMultiselect:
				v = []string{}
			default:
				v = ""
			}
		}
		rec.Set(f.Name, v)
	}
	warnings := res.Warnings
	if warnings == nil {
		warnings = []engine.Warning{}
	}
	rec.Set("warnings", warnings)
	if u := mustString(res.Derived["urgency"]); u != "" {
		rec.Set("urgency", u)
	}
}

// activeStaff loads a staff member by id; "" gives nil without error.
func activeStaff(app core.App, id string) (*core.Record, error) {
	if id == "" {
		return nil, nil
	}
	r, err := app.FindRecordById("staff", id)
	if err != nil {
		return nil, err
	}
	if !r.GetBool("active") {
		return nil, fmt.Errorf("staff %s is not active", id)
	}
	return r, nil
}

// mayHandle tells whether a staff member (nil: the superuser or the
// server) may see and work on a case: supervisors every case, officers
// theirs and the unassigned ones (the complaints' own rule).
func mayHandle(actor, kase *core.Record) bool {
	if actor == nil || actor.GetString("role") == "supervisor" {
		return true
	}
	a := kase.GetString("assigned_to")
	return a == "" || a == actor.Id
}

func checkAssignee(app core.App, id string) *engine.FieldError {
	if id == "" {
		return nil
	}
	if _, err := activeStaff(app, id); err != nil {
		return &engine.FieldError{Code: "invalid_assignee", Message: "Kasus hanya dapat ditugaskan kepada petugas yang aktif."}
	}
	return nil
}

// sameValue compares two field values as stored, so that an admin panel save
// that sends every field back unchanged is not mistaken for an edit.
func sameValue(a, b any) bool {
	return reflect.DeepEqual(canonical(a), canonical(b))
}

func canonical(v any) any {
	switch x := v.(type) {
	case nil:
		return ""
	case types.JSONRaw:
		var out any
		if len(x) == 0 || json.Unmarshal(x, &out) != nil {
			return string(x)
		}
		if out == nil {
			return ""
		}
		return out
	case types.DateTime:
		return x.String()
	case []string:
		if len(x) == 1 {
			return x[0]
		}
		return fmt.Sprint(x)
	}
	return fmt.Sprint(v)
}
