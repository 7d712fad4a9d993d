package pb_hooks

// Staff accounts, kept by the office's supervisors in the console (the "Tim"
// view) and by the system administrator in the admin panel:
//
//   - a new account is active and verified on every path (the admin panel's
//     form says "inactive" by default; an account nobody can use helps no
//     one) — deactivate it afterwards; an e-mail already in use is refused
//     in Bahasa Indonesia, keyed "email";
//   - nobody deletes an account (cases name their officers): it is
//     deactivated, and reactivated when the person returns;
//   - who changes what: staff their own name, phone, NIP and password;
//     supervisors also the name, phone, NIP, role and status of others, but
//     never their own role or status (so an office is never left without a
//     supervisor by a slip) and never anyone's e-mail (the administrator's);
//     officers nobody else's. The rule (pb_migrations) keeps officers off
//     other accounts; the request hook decides by what changed, after
//     PocketBase resolved modifiers such as "role+", and says why;
//   - a password is reset by mail (PocketBase's reset mail, in Bahasa
//     Indonesia, linking to the console's own page) or with a one-time
//     password shown once; an account created or reset by someone else must
//     change its password at the next sign-in, and until then every request
//     of it but reading its own record and changing its own password is
//     refused (password_must_change).

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/mails"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/security"

	"teduh/internal/access"
)

const mustChangeField = "password_must_change"

func (t *Teduh) bindStaffAdmin() {
	app := t.app
	app.OnRecordCreate("staff").BindFunc(newStaffActive)
	app.OnRecordValidate("staff").BindFunc(validateStaffEmail)
	app.OnRecordUpdate("staff").BindFunc(settleMustChange)
	app.OnRecordDelete("staff").BindFunc(func(e *core.RecordEvent) error {
		return router.NewForbiddenError("Akun petugas tidak dihapus, karena riwayat kasus menyebut petugasnya. Nonaktifkan akun ini; akun dapat diaktifkan lagi bila orangnya kembali.", nil)
	})
	app.OnRecordCreateRequest("staff").BindFunc(func(e *core.RecordRequestEvent) error {
		// the administrator chose this password for someone else
		e.Record.Set(mustChangeField, true)
		return e.Next()
	})
	app.OnRecordUpdateRequest("staff").BindFunc(guardStaffUpdate)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "teduhMustChangePassword", Func: refuseUntilPasswordChanged, Priority: gatePriority + 1})
		g := se.Router.Group("/api/staff-accounts").BindFunc(supervisorOnly)
		g.GET("", t.listStaffAccounts)
		g.POST("", t.createStaffAccount)
		g.POST("/{id}/one-time-password", t.oneTimePassword)
		g.POST("/{id}/reset-mail", t.resetMail)
		return se.Next()
	})
}

// --- model hooks: every write path -------------------------------------------

func newStaffActive(e *core.RecordEvent) error {
	e.Record.Set("active", true)
	e.Record.SetVerified(true)
	return e.Next()
}

// validateStaffEmail refuses an e-mail another account has (PocketBase's own
// unique check answers in English).
func validateStaffEmail(e *core.RecordEvent) error {
	email := strings.TrimSpace(e.Record.Email())
	e.Record.Set("name", strings.TrimSpace(e.Record.GetString("name")))
	if email == "" {
		return e.Next()
	}
	var id string
	err := e.App.DB().Select("id").From("staff").
		Where(dbx.NewExp("LOWER(email) = LOWER({:email})", dbx.Params{"email": email})).
		AndWhere(dbx.Not(dbx.HashExp{"id": e.Record.Id})).Limit(1).Row(&id)
	if err == nil && id != "" {
		return validation.Errors{"email": validation.NewError("email_taken",
			"Alamat email ini sudah dipakai akun petugas lain. Pakai alamat lain, atau aktifkan lagi akun yang sudah ada.")}
	}
	return e.Next()
}

// settleMustChange: a new password chosen by the account's owner (changed
// in the console, or through the reset mail's link) ends the obligation; a
// password set together with the obligation (a one-time password, the
// administrator's) keeps it.
func settleMustChange(e *core.RecordEvent) error {
	r := e.Record
	orig := r.Original()
	if r.GetString("password:hash") != orig.GetString("password:hash") && !(r.GetBool(mustChangeField) && !orig.GetBool(mustChangeField)) {
		r.Set(mustChangeField, false)
	}
	return e.Next()
}

// --- request hooks: who changes what -------------------------------------------

// staffOwnFields are what everyone may change on their own account.
var staffOwnFields = []string{"name", "phone", "nip", "password"}

// staffManagedFields are what supervisors may change on others' accounts.
var staffManagedFields = []string{"name", "phone", "nip", "role", "active"}

func guardStaffUpdate(e *core.RecordRequestEvent) error {
	if e.Auth == nil || e.Auth.IsSuperuser() {
		return e.Next() // the administrator (admin panel); PocketBase's rules stop the rest
	}
	self := e.Auth.Collection().Name == "staff" && e.Auth.Id == e.Record.Id
	supervisor := roleOf(e.Auth) == access.Supervisor
	errs := validation.Errors{}
	for _, f := range changedFields(e.Record) {
		switch {
		case f == "email":
			errs[f] = validation.NewError("admin_only", "Alamat email akun petugas hanya diubah oleh administrator sistem (panel admin).")
		case f == "password" && !self:
			errs[f] = validation.NewError("use_reset", "Kata sandi orang lain tidak diubah langsung: pakai Atur ulang kata sandi (tautan lewat e-mail atau kata sandi sekali pakai).")
		case self && (f == "role" || f == "active"):
			errs[f] = validation.NewError("own_account", "Peran dan status akun sendiri tidak dapat Anda ubah; minta kepala/penyelia lain atau administrator sistem.")
		case self && slices.Contains(staffOwnFields, f):
		case !self && supervisor && slices.Contains(staffManagedFields, f):
		case !self && !supervisor:
			errs[f] = validation.NewError("supervisors_only", "Hanya kepala/penyelia yang dapat mengubah akun petugas lain.")
		default:
			errs[f] = validation.NewError("not_allowed", "Isian ini diatur oleh sistem atau administrator sistem, tidak dapat diubah di sini.")
		}
	}
	if len(errs) > 0 {
		return router.NewForbiddenError("Perubahan akun ini tidak diizinkan. Lihat isian yang ditandai.", errs)
	}
	return e.Next()
}

// changedFields names the fields a pending save changes ("password" when a
// new one is set).
func changedFields(r *core.Record) []string {
	var out []string
	orig := r.Original()
	for _, f := range r.Collection().Fields {
		name := f.GetName()
		switch name {
		case "updated", "created", core.FieldNameTokenKey:
			continue
		case core.FieldNamePassword:
			if r.GetString("password:hash") != orig.GetString("password:hash") {
				out = append(out, name)
			}
			continue
		}
		if !sameValue(orig.Get(name), r.Get(name)) {
			out = append(out, name)
		}
	}
	return out
}

// refuseUntilPasswordChanged stops an account that must change its
// password from doing anything else: it may read its own record and change
// its own password, nothing more.
func refuseUntilPasswordChanged(e *core.RequestEvent) error {
	a := e.Auth
	if a == nil || a.IsSuperuser() || a.Collection().Name != "staff" || !a.GetBool(mustChangeField) {
		return e.Next()
	}
	own := e.Request.Pattern == "GET /api/collections/{collection}/records/{id}" || e.Request.Pattern == "PATCH /api/collections/{collection}/records/{id}"
	if own {
		c, err := e.App.FindCachedCollectionByNameOrId(e.Request.PathValue("collection"))
		own = err == nil && c.Name == "staff" && e.Request.PathValue("id") == a.Id
	}
	if own && e.Request.Method == http.MethodPatch {
		info, err := e.RequestInfo()
		if err != nil {
			return router.NewBadRequestError("Data yang dikirim tidak dapat dibaca.", err)
		}
		for k := range info.Body {
			if k != "password" && k != "passwordConfirm" && k != "oldPassword" {
				own = false
			}
		}
	}
	if own {
		return e.Next()
	}
	msg := "Akun ini memakai kata sandi sementara. Buat kata sandi baru terlebih dahulu; sampai itu, akun ini hanya dapat mengganti kata sandinya sendiri."
	return router.NewForbiddenError(msg, validation.Errors{"password": validation.NewError("password_change_required", msg)})
}

// --- routes: the supervisors' staff list, new accounts, password resets ------

// staffAccount is one account as the supervisors' list shows it.
type staffAccount struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	Role       string `json:"role"`
	Phone      string `json:"phone"`
	NIP        string `json:"nip"`
	Active     bool   `json:"active"`
	MustChange bool   `json:"password_must_change"`
	Created    string `json:"created"`
}

func accountOf(r *core.Record) staffAccount {
	return staffAccount{ID: r.Id, Name: r.GetString("name"), Email: r.Email(), Role: r.GetString("role"), Phone: r.GetString("phone"),
		NIP: r.GetString("nip"), Active: r.GetBool("active"), MustChange: r.GetBool(mustChangeField), Created: r.GetDateTime("created").String()}
}

// listStaffAccounts serves GET /api/staff-accounts: every account with its
// e-mail (PocketBase shows staff only their own), active ones first.
func (t *Teduh) listStaffAccounts(e *core.RequestEvent) error {
	records, err := e.App.FindRecordsByFilter("staff", "", "-active,name", 0, 0)
	if err != nil {
		return err
	}
	items := make([]staffAccount, 0, len(records))
	for _, r := range records {
		items = append(items, accountOf(r))
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items})
}

// Ways a new or reset account gets its password.
const (
	deliveryMail    = "email"    // a link by e-mail to choose it
	deliveryOneTime = "one_time" // a one-time password, shown once
)

// createStaffAccount serves POST /api/staff-accounts {name, email, role,
// phone, nip, password_delivery}: an active account whose owner chooses the
// password (by the mailed link) or gets a one-time password.
func (t *Teduh) createStaffAccount(e *core.RequestEvent) error {
	var in struct {
		Name     string `json:"name"`
		Email    string `json:"email"`
		Role     string `json:"role"`
		Phone    string `json:"phone"`
		NIP      string `json:"nip"`
		Delivery string `json:"password_delivery"`
	}
	if err := e.BindBody(&in); err != nil {
		return router.NewBadRequestError("Data yang dikirim tidak dapat dibaca.", err)
	}
	errs := validation.Errors{}
	if strings.TrimSpace(in.Name) == "" {
		errs["name"] = validation.NewError("required", "Tulis nama lengkap petugas.")
	}
	if strings.TrimSpace(in.Email) == "" {
		errs["email"] = validation.NewError("required", "Tulis alamat email petugas; dipakai untuk masuk dan menerima pemberitahuan.")
	}
	if in.Role != "officer" && in.Role != "supervisor" {
		errs["role"] = validation.NewError("invalid_role", "Pilih peran: petugas atau kepala/penyelia.")
	}
	switch in.Delivery {
	case deliveryOneTime:
	case deliveryMail:
		if p := mailSetupProblem(e.App); p != "" {
			errs["password_delivery"] = validation.NewError("mail_not_configured", p+" Pilih kata sandi sekali pakai.")
		}
	default:
		errs["password_delivery"] = validation.NewError("invalid_delivery", "Pilih cara memberikan kata sandi: tautan lewat e-mail atau kata sandi sekali pakai.")
	}
	if len(errs) > 0 {
		return router.NewBadRequestError("Data akun belum lengkap. Periksa isian yang ditandai.", errs)
	}
	c, err := e.App.FindCollectionByNameOrId("staff")
	if err != nil {
		return err
	}
	r := core.NewRecord(c)
	r.SetEmail(strings.TrimSpace(in.Email))
	r.Set("name", in.Name)
	r.Set("role", in.Role)
	r.Set("phone", strings.TrimSpace(in.Phone))
	r.Set("nip", in.NIP)
	r.Set(mustChangeField, true)
	password := ""
	if in.Delivery == deliveryOneTime {
		password = newOneTimePassword()
		r.SetPassword(password)
	} else {
		r.SetRandomPassword() // nobody knows it: the owner chooses one by the link
	}
	if err := e.App.Save(r); err != nil {
		return saveError(err)
	}
	t.audit(e.App, e, "create", "staff", r.Id, map[string]any{"role": in.Role, "password_delivery": in.Delivery})
	out := map[string]any{"account": accountOf(r)}
	if password != "" {
		out["password"] = password
		return e.JSON(http.StatusOK, out)
	}
	if err := t.sendResetMail(e, r); err != nil {
		out["mail_error"] = "Akun sudah dibuat, tetapi e-mail tautan kata sandi tidak terkirim (" + err.Error() + "). Coba kirim lagi, atau beri kata sandi sekali pakai."
	} else {
		out["sent_to"] = r.Email()
	}
	return e.JSON(http.StatusOK, out)
}

// managedAccount finds the account a supervisor resets, refusing what a
// reset cannot be for.
func managedAccount(e *core.RequestEvent) (*core.Record, error) {
	r, err := e.App.FindRecordById("staff", e.Request.PathValue("id"))
	if err != nil {
		return nil, router.NewNotFoundError("Akun petugas tidak ditemukan.", nil)
	}
	if e.Auth != nil && e.Auth.Id == r.Id {
		return nil, router.NewBadRequestError("Kata sandi sendiri diganti di konsol: Akun saya → Ganti kata sandi.", validation.Errors{
			"id": validation.NewError("own_account", "Kata sandi sendiri diganti di konsol: Akun saya → Ganti kata sandi.")})
	}
	if !r.GetBool("active") {
		return nil, router.NewBadRequestError("Akun ini tidak aktif. Aktifkan dulu, lalu atur ulang kata sandinya.", validation.Errors{
			"active": validation.NewError("inactive", "Akun ini tidak aktif. Aktifkan dulu, lalu atur ulang kata sandinya.")})
	}
	return r, nil
}

// oneTimePassword serves POST /api/staff-accounts/{id}/one-time-password:
// a new password, shown in this answer only, that its owner must replace at
// the next sign-in. Every session of the account ends with it.
func (t *Teduh) oneTimePassword(e *core.RequestEvent) error {
	r, err := managedAccount(e)
	if err != nil {
		return err
	}
	password := newOneTimePassword()
	r.SetPassword(password)
	r.Set(mustChangeField, true)
	if err := e.App.Save(r); err != nil {
		return saveError(err)
	}
	// the password itself is never written down
	t.audit(e.App, e, "password_one_time", "staff", r.Id, map[string]any{"staff_name": r.GetString("name")})
	return e.JSON(http.StatusOK, map[string]any{"account": accountOf(r), "password": password})
}

// resetMail serves POST /api/staff-accounts/{id}/reset-mail: PocketBase's
// password reset mail (Bahasa Indonesia, linking to the console's page).
func (t *Teduh) resetMail(e *core.RequestEvent) error {
	r, err := managedAccount(e)
	if err != nil {
		return err
	}
	if p := mailSetupProblem(e.App); p != "" {
		return router.NewBadRequestError(p, validation.Errors{"mail": validation.NewError("mail_not_configured", p+" Beri kata sandi sekali pakai.")})
	}
	if err := t.sendResetMail(e, r); err != nil {
		return router.NewApiError(http.StatusBadGateway, "E-mail tidak terkirim: "+err.Error()+". Coba lagi, atau beri kata sandi sekali pakai.", nil)
	}
	return e.JSON(http.StatusOK, map[string]any{"account": accountOf(r), "sent_to": r.Email()})
}

func (t *Teduh) sendResetMail(e *core.RequestEvent, r *core.Record) error {
	done := make(chan error, 1)
	go func() { done <- mails.SendRecordPasswordReset(e.App, r) }()
	var err error
	select {
	case err = <-done:
	case <-time.After(mailTimeout):
		err = errMailTimeout
	}
	detail := map[string]any{"staff_name": r.GetString("name"), "to": r.Email()}
	if err != nil {
		detail["error"] = err.Error()
		e.App.Logger().Warn("password reset mail not sent", "staff", r.Id, "error", err)
	}
	t.audit(e.App, e, "password_reset_mail", "staff", r.Id, detail)
	return err
}

// mailSetupProblem says why mail cannot go out now ("" when SMTP is set up).
func mailSetupProblem(app core.App) string {
	s := app.Settings()
	if !s.SMTP.Enabled || strings.TrimSpace(s.SMTP.Host) == "" {
		return "E-mail belum diatur di server (SMTP), jadi tautan tidak dapat dikirim."
	}
	return ""
}

// oneTimeAlphabet has no letters or digits that look alike.
const oneTimeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// newOneTimePassword is 12 random symbols in three groups (≈59 bits), easy
// to read out: "K7PM-X3RT-9WAC".
func newOneTimePassword() string {
	s := security.RandomStringWithAlphabet(12, oneTimeAlphabet)
	return s[:4] + "-" + s[4:8] + "-" + s[8:]
}
