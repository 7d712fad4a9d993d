package pb_hooks

// Referrals (SOP steps 3, 4 and 8) and the official documents: the referral
// priority recommendations, the referral lifecycle on every write path
// (REST, admin panel, Go), and the surat rujukan and laporan penanganan as
// PDF. The rules themselves are plain Go in internal/referral and
// internal/documents; this file feeds them from the database.

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"teduh/internal/definitions"
	"teduh/internal/documents"
	"teduh/internal/engine"
	"teduh/internal/nik"
	"teduh/internal/referral"
)

const (
	referralsCollection    = "referrals"
	institutionsCollection = "referral_institutions"
)

// referralSystemFields are written by the server only.
var referralSystemFields = append([]string{
	"consent_at", "letter_number", "letter_year", "letter_seq",
	"sent_at", "responded_at", "completed_at", "revoked_at", "created_by", "sent_by",
}, letterFields...)

func (t *Teduh) bindReferrals() {
	app := t.app
	app.OnRecordCreateRequest(referralsCollection).BindFunc(t.referralCreateRequest)
	app.OnRecordUpdateRequest(referralsCollection).BindFunc(t.referralUpdateRequest)
	app.OnRecordCreate(referralsCollection).BindFunc(t.createReferral)
	app.OnRecordUpdate(referralsCollection).BindFunc(t.updateReferral)
	app.OnRecordDelete(referralsCollection).BindFunc(func(e *core.RecordEvent) error {
		return router.NewForbiddenError("Rujukan tidak dapat dihapus. Batalkan rujukan bila tidak jadi dikirim.", nil)
	})
	// reads of referrals are recorded by the access gate (gate.go)
	app.OnRecordValidate("office").BindFunc(func(e *core.RecordEvent) error {
		if err := referral.CheckLetterFormat(e.Record.GetString("letter_number_format")); err != nil {
			return validation.Errors{"letter_number_format": validation.NewError("invalid_letter_format", err.Error())}
		}
		return e.Next()
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		g := se.Router.Group("/api").BindFunc(staffOnly)
		g.GET("/complaints/{id}/referral-recommendations", t.referralRecommendations)
		g.GET("/complaints/{id}/report.pdf", t.reportPDF)
		g.GET("/referrals/{id}/letter.pdf", t.letterPDF)
		return se.Next()
	})
	// the stored letter, its mail, and what letters print (letters.go)
	t.bindLetters()
}

// --- lifecycle: request hooks (who), model hooks (what) --------------------

// referralCreateRequest lets staff refer only on cases they may see, and
// makes the caller the referral's author.
func (t *Teduh) referralCreateRequest(e *core.RecordRequestEvent) error {
	e.Record.Set("created_by", "")
	if e.Auth != nil && e.Auth.Collection().Name == "staff" {
		e.Record.Set("created_by", e.Auth.Id)
	}
	id := e.Record.GetString("complaint")
	if id == "" {
		return badRequest("", map[string]*engine.FieldError{"complaint": {Code: "required", Message: "Pilih kasus yang dirujuk."}})
	}
	if _, err := t.visibleCase(e.RequestEvent, id); err != nil {
		return err
	}
	if err := e.Next(); err != nil {
		return err
	}
	t.audit(e.App, e.RequestEvent, "create", referralsCollection, e.Record.Id, map[string]any{
		"complaint": e.Record.GetString("complaint"), "institution": e.Record.GetString("institution"), "status": e.Record.GetString("status")})
	return nil
}

// referralUpdateRequest stamps who sent a referral and audits the change.
func (t *Teduh) referralUpdateRequest(e *core.RecordRequestEvent) error {
	orig := e.Record.Original()
	from, to := orig.GetString("status"), e.Record.GetString("status")
	e.Record.Set("created_by", orig.GetString("created_by"))
	e.Record.Set("sent_by", orig.GetString("sent_by"))
	if from == referral.StatusDraft && to == referral.StatusSent && e.Auth != nil && e.Auth.Collection().Name == "staff" {
		e.Record.Set("sent_by", e.Auth.Id)
	}
	var changed []string
	for _, f := range e.Collection.Fields {
		if name := f.GetName(); name != "updated" && !sameValue(orig.Get(name), e.Record.Get(name)) {
			changed = append(changed, name)
		}
	}
	if err := e.Next(); err != nil {
		return err
	}
	detail := map[string]any{"complaint": e.Record.GetString("complaint")}
	action := "update"
	if from != to {
		action = "transition"
		tr, _ := referral.Next(from, to)
		detail["from"], detail["to"], detail["transition"] = from, to, tr.Action
		if n := e.Record.GetString("letter_number"); n != "" {
			detail["letter_number"] = n
		}
		if to == referral.StatusSent {
			detail["letter_delivery"] = e.Record.GetString("letter_delivery")
		}
	} else {
		detail["fields"] = changed
	}
	t.audit(e.App, e.RequestEvent, action, referralsCollection, e.Record.Id, detail)
	// the letter's mail, sent as the referral was (mailSentLetter)
	if d := e.Record.GetString("letter_delivery"); from == referral.StatusDraft && to == referral.StatusSent && (d == deliveryEmailed || d == deliveryEmailFailed) {
		t.auditLetterMail(e.RequestEvent, e.Record)
	}
	return nil
}

// createReferral: a referral starts as a draft on an open case, addressed
// to an active institution, with the services asked for.
func (t *Teduh) createReferral(e *core.RecordEvent) error {
	return inTx(e, func(tx core.App) error {
		rec := e.Record
		errs := map[string]*engine.FieldError{}
		if st := rec.GetString("status"); st != "" && st != referral.StatusDraft {
			errs["status"] = &engine.FieldError{Code: "draft_only",
				Message: "Rujukan baru selalu dibuat sebagai draf. Simpan dulu, lalu kirim setelah persetujuan korban dicatat."}
		}
		rec.Set("status", referral.StatusDraft)
		for _, f := range append([]string{"response_note", "closing_note"}, referralSystemFields...) {
			if f == "created_by" {
				continue // the request hook (or trusted Go code) sets the author
			}
			if !sameValue(rec.Get(f), emptyLike(rec.Get(f))) {
				errs[f] = &engine.FieldError{Code: "system_field", Message: "Kolom ini diisi oleh sistem atau saat rujukan berubah status, bukan saat rujukan dibuat."}
			}
		}
		kase, err := tx.FindRecordById(t.complaint.CaseCollection, rec.GetString("complaint"))
		if err != nil {
			return router.NewNotFoundError("Kasus tidak ditemukan.", nil)
		}
		if err := refuseClosedCase(kase); err != nil {
			return err
		}
		t.checkDraft(tx, rec, errs)
		if len(errs) > 0 {
			return badRequest("", errs)
		}
		if rec.GetBool("consent") {
			rec.Set("consent_at", t.now().UTC())
		}
		return e.Next()
	})
}

// updateReferral enforces the lifecycle: only the allowed transition, only
// the fields the current status lets change, consent before sending, and
// the server's own stamps and letter number.
func (t *Teduh) updateReferral(e *core.RecordEvent) error {
	if isLetterStamp(e.Context) {
		return stampLetter(e)
	}
	return inTx(e, func(tx core.App) error {
		rec := e.Record
		orig := rec.Original()
		fresh, err := tx.FindRecordById(referralsCollection, rec.Id)
		if err != nil {
			return err
		}
		from, to := orig.GetString("status"), rec.GetString("status")
		if fresh.GetString("status") != from {
			return router.NewApiError(http.StatusConflict, "Rujukan ini baru saja diubah oleh orang lain. Muat ulang lalu ulangi.", nil)
		}
		if rec.GetString("complaint") != orig.GetString("complaint") {
			return badRequest("", map[string]*engine.FieldError{"complaint": {Code: "immutable", Message: "Rujukan tidak dapat dipindahkan ke kasus lain."}})
		}
		kase, err := tx.FindRecordById(t.complaint.CaseCollection, orig.GetString("complaint"))
		if err != nil {
			return err
		}
		if err := refuseClosedCase(kase); err != nil {
			return err
		}

		var tr referral.Transition
		if to != from {
			var refusal *referral.Refusal
			if tr, refusal = referral.Next(from, to); refusal != nil {
				return badRequest(refusal.Message, map[string]*engine.FieldError{"status": {Code: refusal.Code, Message: refusal.Message}})
			}
		}
		errs := map[string]*engine.FieldError{}
		editable := map[string]bool{"status": true, "updated": true}
		if from == referral.StatusDraft {
			for _, f := range referral.DraftFields {
				editable[f] = true
			}
		}
		if tr.Note != "" {
			editable[tr.Note] = true
		}
		if tr.To == referral.StatusSent {
			editable["sent_by"] = true // stamped by the request hook
		}
		for _, f := range rec.Collection().Fields {
			name := f.GetName()
			if editable[name] || sameValue(orig.Get(name), rec.Get(name)) {
				continue
			}
			switch {
			case slices.Contains(referralSystemFields, name):
				errs[name] = &engine.FieldError{Code: "system_field", Message: "Kolom ini diisi oleh sistem dan tidak dapat diubah."}
			case from != referral.StatusDraft && slices.Contains(referral.DraftFields, name):
				errs[name] = &engine.FieldError{Code: "referral_locked",
					Message: "Isi rujukan yang sudah dikirim tidak dapat diubah. Batalkan rujukan ini dan buat rujukan baru bila ada yang perlu diubah."}
			default:
				errs[name] = &engine.FieldError{Code: "not_now", Message: "Kolom ini hanya diisi bersama perubahan status yang sesuai."}
			}
		}
		if tr.NoteRequired && strings.TrimSpace(rec.GetString(tr.Note)) == "" {
			errs[tr.Note] = &engine.FieldError{Code: "required", Message: referral.NoteMessages[tr.Action]}
		}
		if from == referral.StatusDraft && to != referral.StatusRevoked {
			t.checkDraft(tx, rec, errs)
		}
		env, office, err := t.env(tx)
		if err != nil {
			return err
		}
		if tr.To == referral.StatusSent {
			// the letter's signer and addressee
			inst, _ := tx.FindRecordById(institutionsCollection, rec.GetString("institution"))
			sendGaps(office, inst, errs)
			for _, p := range referral.CheckConsent(referral.Consent{
				Given:      rec.GetBool("consent"),
				By:         rec.GetString("consent_by"),
				Name:       strings.TrimSpace(rec.GetString("consent_name")),
				Child:      definitions.IsChild(victimValues(kase), env.Today()),
				Disability: kase.GetString("victim_disability"),
			}) {
				errs[p.Field] = &engine.FieldError{Code: p.Code, Message: p.Message}
			}
		}
		if len(errs) > 0 {
			message := ""
			if tr.To == referral.StatusSent {
				message = "Rujukan belum dapat dikirim. Periksa isian yang ditandai."
			}
			return badRequest(message, errs)
		}

		now := env.Now
		if from == referral.StatusDraft && rec.GetBool("consent") != orig.GetBool("consent") {
			if rec.GetBool("consent") {
				rec.Set("consent_at", now)
			} else {
				rec.Set("consent_at", "")
			}
		}
		if tr.Stamp != "" {
			rec.Set(tr.Stamp, now)
		}
		if tr.To == referral.StatusSent {
			// the number is taken inside the write transaction; PocketBase
			// serialises writes, and the unique index is the last word
			local := now.In(office.Location())
			var last struct {
				Seq int `db:"seq"`
			}
			err := tx.DB().Select("COALESCE(MAX(letter_seq), 0) AS seq").From(referralsCollection).
				Where(dbx.HashExp{"letter_year": local.Year()}).One(&last)
			if err != nil {
				return err
			}
			rec.Set("letter_year", local.Year())
			rec.Set("letter_seq", last.Seq+1)
			rec.Set("letter_number", referral.LetterNumber(office.Record.GetString("letter_number_format"), office.Code, last.Seq+1, local))
			// the letter as it goes out, stored with the referral
			if err := t.freezeLetter(tx, rec, kase, office); err != nil {
				return err
			}
		}
		if err := e.Next(); err != nil {
			if isUniqueViolation(err) {
				return router.NewApiError(http.StatusConflict, "Nomor surat baru saja dipakai pengiriman lain. Kirim ulang rujukan ini.", nil)
			}
			return err
		}
		return nil
	})
}

// checkDraft checks what a draft must hold at any time: the services asked
// for and an active institution.
func (t *Teduh) checkDraft(app core.App, rec *core.Record, errs map[string]*engine.FieldError) {
	rec.Set("services", strings.TrimSpace(rec.GetString("services")))
	rec.Set("consent_name", strings.TrimSpace(rec.GetString("consent_name")))
	if rec.GetString("services") == "" {
		errs["services"] = &engine.FieldError{Code: "required",
			Message: "Tulis layanan yang dimohonkan dari lembaga ini, misalnya \"visum et repertum dan perawatan luka\"."}
	}
	id := rec.GetString("institution")
	if id == "" {
		errs["institution"] = &engine.FieldError{Code: "required", Message: "Pilih lembaga tujuan rujukan."}
		return
	}
	inst, err := app.FindRecordById(institutionsCollection, id)
	switch {
	case err != nil:
		errs["institution"] = &engine.FieldError{Code: "not_found", Message: "Lembaga tujuan tidak ditemukan. Pilih dari daftar lembaga rujukan."}
	case !inst.GetBool("active") && id != rec.Original().GetString("institution"):
		errs["institution"] = &engine.FieldError{Code: "institution_inactive", Message: "Lembaga ini tidak lagi menerima rujukan. Pilih lembaga lain."}
	case !inst.GetBool("active") && rec.GetString("status") == referral.StatusSent:
		errs["institution"] = &engine.FieldError{Code: "institution_inactive", Message: "Lembaga ini tidak lagi menerima rujukan. Pilih lembaga lain sebelum mengirim."}
	}
}

func refuseClosedCase(kase *core.Record) error {
	if st := kase.GetString("status"); st == engine.StatusClosed || st == engine.StatusWithdrawn {
		return router.NewApiError(http.StatusConflict, "Kasus ini sudah ditutup; rujukannya tidak dapat ditambah atau diubah lagi.",
			validation.Errors{"complaint": validation.NewError("case_closed", "Kasus ini sudah ditutup.")})
	}
	return nil
}

// emptyLike is the empty value of a field as stored, for comparisons.
func emptyLike(v any) any {
	switch v.(type) {
	case int, float64:
		return 0
	case bool:
		return false
	}
	return ""
}

// visibleCase loads a case the caller may see under the complaints
// collection's own view rule; anything else is a 404 that does not say
// whether the case exists.
func (t *Teduh) visibleCase(e *core.RequestEvent, id string) (*core.Record, error) {
	notFound := caseNotFound()
	collection, err := e.App.FindCachedCollectionByNameOrId(t.complaint.CaseCollection)
	if err != nil {
		return nil, err
	}
	kase, err := e.App.FindRecordById(collection, id)
	if err != nil {
		return nil, notFound
	}
	info, err := e.RequestInfo()
	if err != nil {
		return nil, err
	}
	ok, err := e.App.CanAccessRecord(kase, info, collection.ViewRule)
	if err != nil || !ok {
		return nil, notFound
	}
	return kase, nil
}

// victimValues are the case fields definitions.IsChild reads.
func victimValues(kase *core.Record) engine.Values {
	v := engine.Values{"victim_nik": kase.GetString("victim_nik")}
	if d := kase.GetDateTime("victim_birth_date"); !d.IsZero() {
		v["victim_birth_date"] = d.Time().UTC().Format("2006-01-02")
	}
	return v
}

// birthDate is the victim's birth date as given, or as read from a valid NIK.
func birthDate(kase *core.Record, today time.Time) time.Time {
	if d := kase.GetDateTime("victim_birth_date"); !d.IsZero() {
		return d.Time().UTC()
	}
	if info, err := nik.Parse(kase.GetString("victim_nik"), today); err == nil {
		return info.BirthDate
	}
	return time.Time{}
}

func jsonStrings(rec *core.Record, field string) []string {
	var out []string
	_ = rec.UnmarshalJSONField(field, &out)
	return out
}

// --- recommendations -------------------------------------------------------

// referralRecommendations answers SOP step 3: the institution types to
// refer the victim to, most urgent first, each with its reason and the
// active institutions of that type. The officer may add what the case does
// not record yet (?legal_process=1, ?missing_documents=1,
// ?psychological_distress=1).
func (t *Teduh) referralRecommendations(e *core.RequestEvent) error {
	kase, err := t.visibleCase(e, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	env, office, err := t.env(e.App)
	if err != nil {
		return err
	}
	types := jsonStrings(kase, "violence_types")
	var needs []string
	if data, ok := (&dbFacts{app: e.App, service: t.complaint, caseID: kase.Id}).LatestStepData(6); ok {
		if list, ok := data["needs"].([]any); ok {
			for _, n := range list {
				needs = append(needs, fmt.Sprint(n))
			}
		}
	}
	q := e.Request.URL.Query()
	asked := func(name string) bool { v := q.Get(name); return v == "1" || v == "true" }
	incidentDay := ""
	if d := kase.GetDateTime("incident_date"); !d.IsZero() {
		incidentDay = d.Time().UTC().Format("2006-01-02")
	}
	since, known := referral.SinceIncidentDay(incidentDay, env.Now, office.Location())
	s := referral.Situation{
		Injured:               kase.GetBool("injured"),
		SexualViolence:        slices.Contains(types, "sexual"),
		SinceIncident:         since,
		IncidentKnown:         known,
		ImmediateDanger:       kase.GetBool("immediate_danger"),
		PerpetratorInHome:     referral.PerpetratorInHome(kase.GetString("perpetrator_relation"), kase.GetString("incident_place")),
		Child:                 definitions.IsChild(victimValues(kase), env.Today()),
		PsychologicalDistress: slices.Contains(types, "psychological") || slices.Contains(needs, "psychosocial") || asked("psychological_distress"),
		WantsLegalProcess:     slices.Contains(needs, "legal_aid") || asked("legal_process"),
		MissingCivilDocuments: slices.Contains(needs, "civil_registry") || asked("missing_documents"),
		Trafficking:           slices.Contains(types, "trafficking"),
		Exploitation:          slices.Contains(types, "exploitation"),
		Disability:            kase.GetString("victim_disability") != "" && kase.GetString("victim_disability") != "none",
	}

	institutions, err := e.App.FindRecordsByFilter(institutionsCollection, "active = true", "name", 0, 0)
	if err != nil {
		return err
	}
	type institution struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		Address   string `json:"address"`
		Phone     string `json:"phone"`
		Email     string `json:"email"`
		Confirmed bool   `json:"confirmed"`
		// Missing names what keeps a letter to it from being sent
		// (address, phone, confirmed); empty when it is ready
		Missing []string `json:"missing"`
	}
	type item struct {
		referral.Recommendation
		Label        string        `json:"label"`
		Institutions []institution `json:"institutions"`
	}
	items := []item{}
	for _, r := range referral.Recommend(s) {
		it := item{Recommendation: r, Label: optionLabel(definitions.InstitutionTypes, r.Type), Institutions: []institution{}}
		for _, inst := range institutions {
			if inst.GetString("type") == r.Type {
				it.Institutions = append(it.Institutions, institution{inst.Id, inst.GetString("name"), inst.GetString("address"),
					inst.GetString("phone"), inst.GetString("email"), inst.GetBool("confirmed"), institutionMissing(inst)})
			}
		}
		items = append(items, it)
	}
	if err := t.auditStrict(e.App, e, "view", t.complaint.CaseCollection, kase.Id, map[string]any{"what": "referral_recommendations"}); err != nil {
		return err
	}
	situation := map[string]any{"facts": s, "hours_since_incident": nil}
	if known {
		situation["hours_since_incident"] = int(since.Hours())
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items, "situation": situation})
}

func optionLabel(options []engine.Option, code string) string {
	for _, o := range options {
		if o.Code == code {
			return o.Label
		}
	}
	return code
}

// formLabel is the Bahasa Indonesia label of a complaint form option.
func (t *Teduh) formLabel(field, code string) string {
	if code == "" {
		return ""
	}
	if f := t.complaint.Defs.Form.Field(field); f != nil {
		return f.OptionLabel(code)
	}
	return code
}

// --- documents ---------------------------------------------------------------

var unsafeFilename = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// servePDF sends a document that must not linger in caches.
func servePDF(e *core.RequestEvent, name string, data []byte) error {
	h := e.Response.Header()
	h.Set("Content-Disposition", `inline; filename="`+unsafeFilename.ReplaceAllString(name, "-")+`.pdf"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	return e.Blob(http.StatusOK, "application/pdf", data)
}

// letterPDF serves the surat rujukan of one referral: the letter stored
// when it was sent, byte for byte; a draft and a revoked letter are
// rendered now, with their marks.
func (t *Teduh) letterPDF(e *core.RequestEvent) error {
	ref, err := e.App.FindRecordById(referralsCollection, e.Request.PathValue("id"))
	if err != nil {
		return router.NewNotFoundError("Rujukan tidak ditemukan.", nil)
	}
	kase, err := t.visibleCase(e, ref.GetString("complaint"))
	if err != nil {
		return router.NewNotFoundError("Rujukan tidak ditemukan.", nil)
	}
	env, office, err := t.env(e.App)
	if err != nil {
		return err
	}
	inst, err := e.App.FindRecordById(institutionsCollection, ref.GetString("institution"))
	if err != nil {
		return err
	}
	status := ref.GetString("status")
	var data []byte
	switch {
	case status == referral.StatusDraft || status == referral.StatusRevoked:
		l, err := t.letter(e.App, ref, kase, inst, office, env.Now)
		if err != nil {
			return err
		}
		if data, err = documents.LetterPDF(l); err != nil {
			return err
		}
	case ref.GetString("letter_file") != "":
		if data, err = storedLetter(e.App, ref); err != nil {
			return err
		}
	default:
		// sent before letters were stored
		if data, err = t.freezeOnFirstDownload(e.App, ref, kase, inst, office); err != nil {
			return err
		}
	}
	if err := t.auditStrict(e.App, e, "download", referralsCollection, ref.Id, map[string]any{
		"document": "letter", "complaint": kase.Id, "letter_number": ref.GetString("letter_number"), "status": status}); err != nil {
		return err
	}
	return servePDF(e, letterFileName(ref, kase), data)
}

// letter is the content of a referral's letter, as of now for a draft
// (dated now) and a revoked one (marked), as of sending otherwise.
func (t *Teduh) letter(app core.App, ref, kase, inst *core.Record, office *Office, now time.Time) (documents.Letter, error) {
	loc := office.Location()
	today := engine.Env{Now: now, Location: loc}.Today()
	status := ref.GetString("status")
	date := ref.GetDateTime("sent_at").Time()
	l := documents.Letter{
		Office:     t.documentOffice(app, office),
		Number:     ref.GetString("letter_number"),
		Recipient:  documents.Recipient{Name: inst.GetString("name"), Address: inst.GetString("address")},
		CaseNumber: kase.GetString("number"),
		Services:   ref.GetString("services"),
		Reason:     ref.GetString("reason"),
	}
	switch status {
	case referral.StatusDraft:
		date = now
		l.Mark = "DRAF - belum dikirim dan belum bernomor. Jangan diserahkan kepada lembaga."
	case referral.StatusRevoked:
		l.Mark = "DIBATALKAN pada " + documents.Date(ref.GetDateTime("revoked_at").Time(), loc) + ". Surat ini tidak berlaku."
		if date.IsZero() {
			date = ref.GetDateTime("revoked_at").Time()
		}
	}
	l.Date = date
	switch {
	case !ref.GetBool("consent"):
		l.Consent = "Persetujuan korban belum dicatat."
	case ref.GetString("consent_by") == referral.ConsentByGuardian:
		l.Consent = "Rujukan ini telah disetujui oleh orang tua/wali korban, " + ref.GetString("consent_name") + "."
	default:
		l.Consent = "Rujukan ini telah disetujui oleh korban."
	}
	// need-to-know: only what this kind of institution needs of the victim
	birth := birthDate(kase, today)
	for _, f := range referral.IdentityFor(inst.GetString("type")) {
		switch f {
		case referral.IdentityName:
			l.Victim.Name = kase.GetString("victim_name")
		case referral.IdentitySex:
			l.Victim.Sex = t.formLabel("victim_sex", kase.GetString("victim_sex"))
		case referral.IdentityAge:
			l.Victim.Age = documents.Age(birth, date.In(loc))
		case referral.IdentityBirthDate:
			l.Victim.BirthDate = documents.Date(birth, nil)
		case referral.IdentityNIK:
			l.Victim.NIK = kase.GetString("victim_nik")
		case referral.IdentityAddress:
			l.Victim.Address = kase.GetString("victim_address")
			if d := kase.GetString("victim_district"); d != "" && d != definitions.OutsideArea {
				l.Victim.Address = strings.TrimLeft(l.Victim.Address+", Kecamatan "+d, ", ")
			}
		case referral.IdentityDisability:
			if d := kase.GetString("victim_disability"); d != "none" {
				l.Victim.Disability = t.formLabel("victim_disability", d)
			}
		}
	}
	if officer, err := app.FindRecordById("staff", letterOfficerID(ref, kase)); err == nil {
		l.Officer = documents.Contact{Name: officer.GetString("name"), Phone: officer.GetString("phone"), NIP: officer.GetString("nip")}
	}
	return l, nil
}

// letterOfficerID is the staff member a letter names for coordination: the
// officer handling the case, or whoever sent the referral.
func letterOfficerID(ref, kase *core.Record) string {
	if id := kase.GetString("assigned_to"); id != "" {
		return id
	}
	return ref.GetString("sent_by")
}

var channelLabels = map[string]string{
	"online": "Formulir online", "walk_in": "Datang langsung", "whatsapp": "WhatsApp",
	"phone": "Telepon", "sapa": "SAPA 129", "suggestion_box": "Kotak saran",
}

// reportPDF serves the laporan penanganan of one case: provisional while
// the case is open.
func (t *Teduh) reportPDF(e *core.RequestEvent) error {
	kase, err := t.visibleCase(e, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	env, office, err := t.env(e.App)
	if err != nil {
		return err
	}
	loc := office.Location()
	status := kase.GetString("status")
	created := kase.GetDateTime("created").Time()
	r := documents.Report{
		Office:     t.documentOffice(e.App, office),
		CaseNumber: kase.GetString("number"),
		Status:     StatusLabels[status],
		Closed:     status == engine.StatusClosed || status == engine.StatusWithdrawn,
		Standard: documents.Standard{
			Days:       office.SLADays,
			VerifiedAt: kase.GetDateTime("verified_at").Time(),
			DueAt:      kase.GetDateTime("due_at").Time(),
			ClosedAt:   kase.GetDateTime("closed_at").Time(),
			Withdrawn:  status == engine.StatusWithdrawn,
		},
		PrintedAt: env.Now,
	}
	if e.Auth != nil {
		r.PrintedBy, r.PrintedByNIP = e.Auth.GetString("name"), e.Auth.GetString("nip")
		if r.PrintedBy == "" {
			r.PrintedBy = e.Auth.Email()
		}
	}

	urgency := map[string]string{engine.UrgencyEmergency: "Darurat", engine.UrgencyNormal: "Biasa"}[kase.GetString("urgency")]
	officer := ""
	if s, err := e.App.FindRecordById("staff", kase.GetString("assigned_to")); err == nil {
		officer = s.GetString("name")
	}
	victim := []string{kase.GetString("victim_name"), strings.ToLower(t.formLabel("victim_sex", kase.GetString("victim_sex")))}
	if age := documents.Age(birthDate(kase, env.Today()), created.In(loc)); age != "" {
		victim = append(victim, age+" saat pengaduan")
	}
	district := kase.GetString("victim_district")
	if district == definitions.OutsideArea {
		district = "Luar wilayah"
	}
	var violence []string
	for _, v := range jsonStrings(kase, "violence_types") {
		violence = append(violence, t.formLabel("violence_types", v))
	}
	disability := ""
	if d := kase.GetString("victim_disability"); d != "none" {
		disability = t.formLabel("victim_disability", d)
	}
	incident := ""
	if d := kase.GetDateTime("incident_date"); !d.IsZero() {
		incident = documents.Date(d.Time(), nil)
	}
	r.Facts = []documents.Row{
		{Label: "Diterima", Value: documents.DateTime(created, loc)},
		{Label: "Saluran", Value: channelLabels[kase.GetString("channel")]},
		{Label: "Urgensi", Value: urgency},
		{Label: "Petugas penanggung jawab", Value: officer},
		{Label: "Korban", Value: strings.Join(slices.DeleteFunc(victim, func(s string) bool { return s == "" }), ", ")},
		{Label: "Kecamatan", Value: district},
		{Label: "Disabilitas", Value: disability},
		{Label: "Hubungan pelapor", Value: t.formLabel("reporter_relation", kase.GetString("reporter_relation"))},
		{Label: "Tanggal kejadian", Value: incident},
		{Label: "Tempat kejadian", Value: t.formLabel("incident_place", kase.GetString("incident_place"))},
		{Label: "Bentuk kekerasan", Value: strings.Join(violence, ", ")},
		{Label: "Hubungan pelaku", Value: t.formLabel("perpetrator_relation", kase.GetString("perpetrator_relation"))},
	}

	wf := t.complaint.Defs.Workflow
	steps, err := e.App.FindRecordsByFilter(t.complaint.StepCollection, "complaint = {:c}", "created,step", 0, 0, dbx.Params{"c": kase.Id})
	if err != nil {
		return err
	}
	for _, def := range wf.Steps {
		s := documents.Step{Number: def.Number, Label: def.Label}
		for _, rec := range steps {
			if rec.GetInt("step") != def.Number {
				continue
			}
			outcome := rec.GetString("outcome")
			label := outcome
			if o := def.Outcome(outcome); o != nil {
				label = o.Label
			} else if outcome == engine.OutcomeWithdrawn {
				label = wf.Withdraw.Label
			} else if l, ok := spamLabels[outcome]; ok {
				label = l
			}
			data, _ := stepData(rec)
			s.Entries = append(s.Entries, documents.StepEntry{
				Outcome: label, Actor: rec.GetString("actor_name"), At: rec.GetDateTime("created").Time(),
				Details: stepDetails(&def, data), Notes: rec.GetString("notes"),
			})
			if def.Number == len(wf.Steps) && outcome == engine.OutcomeDone {
				r.Summary, r.PreparedBy = rec.GetString("notes"), rec.GetString("actor_name")
				if actor, err := e.App.FindRecordById("staff", rec.GetString("actor")); err == nil {
					r.PreparedByNIP = actor.GetString("nip")
				}
			}
		}
		r.Steps = append(r.Steps, s)
	}

	refs, err := e.App.FindRecordsByFilter(referralsCollection, "complaint = {:c}", "created", 0, 0, dbx.Params{"c": kase.Id})
	if err != nil {
		return err
	}
	for _, ref := range refs {
		name := ""
		if inst, err := e.App.FindRecordById(institutionsCollection, ref.GetString("institution")); err == nil {
			name = inst.GetString("name")
		}
		r.Referrals = append(r.Referrals, documents.ReportReferral{
			Number: ref.GetString("letter_number"), Institution: name, Services: ref.GetString("services"),
			Status: referral.StatusLabels[ref.GetString("status")], SentAt: ref.GetDateTime("sent_at").Time(),
			RespondedAt: ref.GetDateTime("responded_at").Time(), Response: ref.GetString("response_note"),
			ClosingNote: ref.GetString("closing_note"),
		})
	}

	data, err := documents.ReportPDF(r)
	if err != nil {
		return err
	}
	if err := t.auditStrict(e.App, e, "download", t.complaint.CaseCollection, kase.Id, map[string]any{"document": "report"}); err != nil {
		return err
	}
	return servePDF(e, "laporan-penanganan-"+kase.GetString("number"), data)
}

// stepDetails writes a step's data out with the definition's labels.
func stepDetails(step *engine.Step, data map[string]any) string {
	var parts []string
	for i := range step.Fields {
		f := &step.Fields[i]
		v, ok := data[f.Name]
		if !ok || v == nil {
			continue
		}
		var text string
		switch x := v.(type) {
		case bool:
			text = map[bool]string{true: "ya", false: "tidak"}[x]
		case []any:
			var labels []string
			for _, item := range x {
				labels = append(labels, f.OptionLabel(fmt.Sprint(item)))
			}
			text = strings.Join(labels, ", ")
		default:
			text = f.OptionLabel(fmt.Sprint(x))
		}
		if text != "" {
			parts = append(parts, f.Label+": "+text)
		}
	}
	return strings.Join(parts, "; ")
}
