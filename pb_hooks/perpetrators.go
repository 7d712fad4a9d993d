package pb_hooks

// A case's perpetrators (one record each, entered at step 6 and editable
// until the case closes) and the services given (SIMFONI's eight, derived
// from the steps and referrals and confirmed by the officer). Every rule is
// a model hook, so the REST API, the admin panel and Go code obey it alike.

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"teduh/internal/definitions"
	"teduh/internal/engine"
	"teduh/internal/simfoni"
)

func (t *Teduh) bindPerpetrators() error {
	form, err := definitions.LoadPerpetrator(t.complaint.Defs.Form)
	if err != nil {
		return err
	}
	t.perpetratorForm = form
	app := t.app
	app.OnRecordCreateRequest(perpetratorsCollection).BindFunc(t.perpetratorCreateRequest)
	app.OnRecordUpdateRequest(perpetratorsCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		e.Record.Set("created_by", e.Record.Original().GetString("created_by"))
		return e.Next()
	})
	app.OnRecordCreate(perpetratorsCollection).BindFunc(t.checkPerpetrator)
	app.OnRecordUpdate(perpetratorsCollection).BindFunc(t.checkPerpetrator)
	app.OnRecordDelete(perpetratorsCollection).BindFunc(func(e *core.RecordEvent) error {
		return inTx(e, func(tx core.App) error {
			if _, err := openCaseOf(tx, e.Record.GetString("complaint")); err != nil {
				return err
			}
			return e.Next()
		})
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		g := se.Router.Group("/api").BindFunc(staffOnly)
		g.GET("/forms/perpetrator", func(e *core.RequestEvent) error { return e.JSON(http.StatusOK, t.perpetratorForm) })
		g.GET("/complaints/{id}/services", t.servicesRoute)
		g.POST("/complaints/{id}/services", t.confirmServices)
		return se.Next()
	})
	return nil
}

// perpetratorCreateRequest: staff record perpetrators only on cases they
// may see (a hidden case answers like a missing one); the caller is the
// record's author.
func (t *Teduh) perpetratorCreateRequest(e *core.RecordRequestEvent) error {
	e.Record.Set("created_by", "")
	if e.Auth != nil && e.Auth.Collection().Name == "staff" {
		e.Record.Set("created_by", e.Auth.Id)
	}
	id := e.Record.GetString("complaint")
	if id == "" {
		return badRequest("", map[string]*engine.FieldError{"complaint": {Code: "required", Message: "Pilih kasus pelaku ini."}})
	}
	if _, err := t.visibleCase(e.RequestEvent, id); err != nil {
		return err
	}
	return e.Next()
}

// openCaseOf loads a case that may still change: a closed one is a 409.
func openCaseOf(app core.App, id string) (*core.Record, error) {
	kase, err := app.FindRecordById("complaints", id)
	if err != nil {
		return nil, caseNotFound()
	}
	if st := kase.GetString("status"); st == engine.StatusClosed || st == engine.StatusWithdrawn {
		return nil, router.NewApiError(http.StatusConflict, "Kasus ini sudah ditutup; data pelaku dan layanannya tidak dapat diubah lagi.",
			fieldErrors(map[string]*engine.FieldError{"complaint": {Code: "case_closed", Message: "Kasus ini sudah ditutup."}}))
	}
	return kase, nil
}

// checkPerpetrator validates a perpetrator against the perpetrator form,
// on an open case, and its "same person as" link within the report.
func (t *Teduh) checkPerpetrator(e *core.RecordEvent) error {
	return inTx(e, func(tx core.App) error {
		rec := e.Record
		if !rec.IsNew() && rec.Original().GetString("complaint") != rec.GetString("complaint") {
			return badRequest("", map[string]*engine.FieldError{"complaint": {Code: "immutable", Message: "Pelaku tidak dapat dipindahkan ke kasus lain. Hapus lalu catat di kasus yang benar."}})
		}
		kase, err := openCaseOf(tx, rec.GetString("complaint"))
		if err != nil {
			return err
		}
		env, _, err := t.env(tx)
		if err != nil {
			return err
		}
		raw := map[string]any{}
		for _, f := range t.perpetratorForm.Fields() {
			switch f.Type {
			case engine.TypeNumber:
				if n := rec.GetInt(f.Name); n != 0 {
					raw[f.Name] = float64(n)
				}
			default:
				if s := rec.GetString(f.Name); s != "" {
					raw[f.Name] = s
				}
			}
		}
		values, errs := t.perpetratorForm.Coerce(raw)
		res := t.perpetratorForm.Validate(values, env)
		for k, v := range res.Errors {
			errs[k] = v
		}
		if same := rec.GetString("same_as"); same != "" {
			if ferr := samePerson(tx, rec, kase, same); ferr != nil {
				errs["same_as"] = ferr
			}
		}
		if len(errs) > 0 {
			return badRequest("", errs)
		}
		for _, f := range t.perpetratorForm.Fields() {
			v, ok := res.Values[f.Name]
			switch {
			case !ok && f.Type == engine.TypeNumber:
				v = 0
			case !ok:
				v = ""
			}
			rec.Set(f.Name, v)
		}
		return e.Next()
	})
}

// samePerson checks a link to the same perpetrator recorded on another
// case of the same report (counted once there).
func samePerson(app core.App, rec, kase *core.Record, id string) *engine.FieldError {
	bad := &engine.FieldError{Code: "invalid_same_as", Message: "Pelaku yang sama hanya dapat dipilih dari kasus lain dalam laporan yang sama, dan belum ditandai sebagai pelaku yang sama dengan pelaku lain."}
	other, err := app.FindRecordById(perpetratorsCollection, id)
	if err != nil || other.Id == rec.Id || other.GetString("same_as") != "" || other.GetString("complaint") == kase.Id {
		return bad
	}
	otherCase, err := app.FindRecordById("complaints", other.GetString("complaint"))
	if err != nil || otherCase.GetString("report_number") == "" || otherCase.GetString("report_number") != kase.GetString("report_number") {
		return bad
	}
	return nil
}

// --- services given --------------------------------------------------------

type serviceOption struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// servicesRoute answers GET /api/complaints/{id}/services: the SIMFONI
// services the case's steps and referrals show, the ones the officer
// confirmed, and the list to choose from.
func (t *Teduh) servicesRoute(e *core.RequestEvent) error {
	kase, err := t.visibleCase(e, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	env, _, err := t.env(e.App)
	if err != nil {
		return err
	}
	c, err := CaseFacts(e.App, kase.Id, env.Today())
	if err != nil {
		return err
	}
	v := simfoni.Default
	options := []serviceOption{}
	for _, s := range v.Lists[simfoni.ListServices] {
		options = append(options, serviceOption{s.Code, s.Label})
	}
	given := jsonStrings(kase, "services_given")
	if given == nil {
		given = []string{}
	}
	if err := t.auditStrict(e.App, e, "view", t.complaint.CaseCollection, kase.Id, map[string]any{"what": "services"}); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{
		"derived": v.DerivedServices(&c), "given": given, "counted": v.Services(&c),
		"confirmed_at": kase.GetDateTime("services_confirmed_at"), "options": options,
	})
}

// confirmServices is POST /api/complaints/{id}/services {"services": [...]}:
// the officer confirms the services the victim received (until the case
// closes).
func (t *Teduh) confirmServices(e *core.RequestEvent) error {
	kase, err := t.visibleCase(e, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	var body struct {
		Services []string `json:"services"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(e.Response, e.Request.Body, 16<<10)).Decode(&body); err != nil {
		return badRequest("Data tidak dapat dibaca. Kirim {\"services\": [\"pengaduan\", …]}.", nil)
	}
	v := simfoni.Default
	var services []string
	for _, s := range v.Lists[simfoni.ListServices] {
		if slices.Contains(body.Services, s.Code) {
			services = append(services, s.Code)
		}
	}
	field := map[string]*engine.FieldError{}
	for _, s := range body.Services {
		if !v.HasCode(simfoni.ListServices, s) {
			field["services"] = &engine.FieldError{Code: "invalid_option", Message: "Pilihan layanan tidak dikenal. Pilih dari daftar layanan SIMFONI."}
		}
	}
	if len(services) == 0 && field["services"] == nil {
		field["services"] = &engine.FieldError{Code: "required", Message: "Pilih paling sedikit satu layanan (setiap korban menerima layanan pengaduan)."}
	}
	if len(field) > 0 {
		return badRequest("", field)
	}
	var actor string
	if e.Auth != nil && e.Auth.Collection().Name == "staff" {
		actor = e.Auth.Id
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		fresh, err := openCaseOf(tx, kase.Id)
		if err != nil {
			return err
		}
		fresh.Set("services_given", services)
		fresh.Set("services_confirmed_at", t.now().UTC())
		fresh.Set("services_confirmed_by", actor)
		if err := tx.SaveWithContext(withMarker(e.Request.Context(), systemWrite), fresh); err != nil {
			return err
		}
		return t.auditStrict(tx, e, "update", t.complaint.CaseCollection, kase.Id, map[string]any{"fields": []string{"services_given"}, "services": services})
	})
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"given": services})
}
