package pb_hooks

// Office set-up by the office itself: the console's "Pengaturan" view lets
// supervisors keep the profile, letterhead, head of office, emblem, letter
// settings, the numbers the public pages show and the referral
// institutions, and lists what is still missing before letters can be sent
// and mail works (GET /api/setup). Writes go through PocketBase's records
// API: the rules let active staff try, the request hooks here let
// supervisors through and keep the administrator's settings (allowed
// origins, two-step sign-in, the service standard) the administrator's; the
// model hooks check the values on every path, the admin panel included.

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"teduh/internal/access"
	"teduh/internal/profile"
)

func (t *Teduh) bindSetup() {
	app := t.app
	app.OnRecordValidate("office").BindFunc(validateOfficeSetup)
	app.OnRecordUpdateRequest("office").BindFunc(guardOfficeUpdate)
	app.OnRecordCreateRequest(institutionsCollection).BindFunc(supervisorsKeepInstitutions)
	app.OnRecordUpdateRequest(institutionsCollection).BindFunc(supervisorsKeepInstitutions)
	app.OnRecordDelete(institutionsCollection).BindFunc(func(e *core.RecordEvent) error {
		return router.NewForbiddenError("Lembaga rujukan tidak dihapus, karena rujukan lama menyebutnya. Hapus centang Aktif agar tidak dipilih lagi.", nil)
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/setup", t.setupState).BindFunc(supervisorOnly)
		return se.Next()
	})
}

// --- who writes ----------------------------------------------------------------

// supervisorOfficeFields are the profile fields supervisors keep. The rest
// (allowed_origins, mfa_supervisors, sla_days, service) are the system
// administrator's, in the admin panel.
var supervisorOfficeFields = []string{
	"name", "government", "code", "address", "phone", "website", "whatsapp", "email",
	"regency_code", "regency_name", "districts", "timezone",
	"letterhead_lines", "head_name", "head_title", "head_nip", "emblem",
	"letter_number_format", "letter_place", "letter_copies_to",
	"emergency_contacts", "sapa_name", "suggestion_box", "sample",
}

func guardOfficeUpdate(e *core.RecordRequestEvent) error {
	if e.Auth != nil && e.Auth.IsSuperuser() {
		return e.Next()
	}
	if roleOf(e.Auth) != access.Supervisor {
		return router.NewForbiddenError("Hanya kepala/penyelia yang dapat mengubah profil kantor.", nil)
	}
	errs := validation.Errors{}
	for _, f := range changedFields(e.Record) {
		if !slices.Contains(supervisorOfficeFields, f) {
			errs[f] = validation.NewError("admin_only", "Isian ini diatur oleh administrator sistem di panel admin.")
		}
	}
	if len(errs) > 0 {
		return router.NewForbiddenError("Sebagian perubahan hanya dapat dilakukan administrator sistem. Lihat isian yang ditandai.", errs)
	}
	return e.Next()
}

func supervisorsKeepInstitutions(e *core.RecordRequestEvent) error {
	if (e.Auth != nil && e.Auth.IsSuperuser()) || roleOf(e.Auth) == access.Supervisor {
		return e.Next()
	}
	return router.NewForbiddenError("Hanya kepala/penyelia yang dapat mengubah daftar lembaga rujukan.", nil)
}

// --- what the profile holds --------------------------------------------------------

// validateOfficeSetup keeps the fields the public pages and the documents
// derive from usable: numbers with their digits, a real e-mail address, a
// letterhead of a few lines, added emergency numbers with a name each.
func validateOfficeSetup(e *core.RecordEvent) error {
	r := e.Record
	for _, f := range []string{"name", "government", "address", "phone", "website", "whatsapp", "email", "regency_name", "sapa_name", "letter_place"} {
		r.Set(f, strings.TrimSpace(r.GetString(f)))
	}
	errs := validation.Errors{}
	for _, f := range []string{"phone", "whatsapp"} {
		if v := r.GetString(f); v != "" && (len(profile.Digits(v)) < 5 || strings.Trim(v, "0123456789 +-().") != "") {
			errs[f] = validation.NewError("invalid_phone", "Nomor belum benar. Tulis angkanya, boleh dengan spasi atau tanda hubung, misalnya 0562-639472 atau 0812 3456 7890.")
		}
	}
	if v := r.GetString("email"); v != "" {
		if a, err := mail.ParseAddress(v); err != nil || a.Address != v || !strings.Contains(v[strings.LastIndex(v, "@")+1:], ".") {
			errs["email"] = validation.NewError("invalid_email", "Alamat e-mail belum benar. Tulis seperti dinsos@kota.go.id, atau kosongkan.")
		}
	}
	if v := r.GetString("website"); v != "" && (strings.ContainsAny(v, " \t") || !strings.Contains(v, ".")) {
		errs["website"] = validation.NewError("invalid_website", "Alamat situs web belum benar. Tulis seperti dinsos.kota.go.id, atau kosongkan.")
	}
	if lines, err := jsonLines(r, "letterhead_lines"); err != nil {
		errs["letterhead_lines"] = validation.NewError("invalid_letterhead", "Kop surat berupa paling banyak 6 baris, masing-masing paling panjang 150 huruf. Kosongkan untuk memakai kop dari profil.")
	} else {
		r.Set("letterhead_lines", lines)
	}
	if contacts, err := extraContacts(r); err != nil {
		errs["emergency_contacts"] = validation.NewError("invalid_contacts", "Setiap nomor darurat tambahan perlu nama (paling panjang 60 huruf) dan nomor dengan paling sedikit 3 angka; paling banyak 8 nomor.")
	} else {
		r.Set("emergency_contacts", contacts)
	}
	if len(errs) > 0 {
		return errs
	}
	return e.Next()
}

// jsonLines reads a list of text lines (trimmed, blank ones dropped); nil
// when there are none.
func jsonLines(r *core.Record, field string) ([]string, error) {
	raw := strings.TrimSpace(r.GetString(field))
	if raw == "" || raw == "null" {
		return nil, nil
	}
	var lines []string
	if err := json.Unmarshal([]byte(raw), &lines); err != nil {
		return nil, err
	}
	var out []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			if utf8.RuneCountInString(l) > 150 {
				return nil, errLine
			}
			out = append(out, l)
		}
	}
	if len(out) > profile.MaxLetterheadLines {
		return nil, errLine
	}
	return out, nil
}

var errLine = errors.New("invalid list")

// extraContacts reads the numbers the office added to the emergency list,
// kept as {label, number}: the links are derived when they are shown.
func extraContacts(r *core.Record) ([]map[string]string, error) {
	out := []map[string]string{}
	raw := strings.TrimSpace(r.GetString("emergency_contacts"))
	if raw == "" || raw == "null" {
		return out, nil
	}
	var in []profile.Contact
	if err := json.Unmarshal([]byte(raw), &in); err != nil || len(in) > 8 {
		return nil, errLine
	}
	for _, c := range in {
		label, number := strings.TrimSpace(c.Label), strings.TrimSpace(c.Number)
		if label == "" && number == "" {
			continue
		}
		if label == "" || utf8.RuneCountInString(label) > 60 || len(profile.Digits(number)) < 3 || len(number) > 30 {
			return nil, errLine
		}
		out = append(out, map[string]string{"label": label, "number": number})
	}
	return out, nil
}

// --- the set-up page ---------------------------------------------------------------

// SetupState is GET /api/setup: what the profile derives, and the checklist.
type SetupState struct {
	Sample            bool              `json:"sample"`
	Letterhead        derived[[]string] `json:"letterhead"`
	HeadTitle         derived[string]   `json:"head_title"`
	LetterPlace       derived[string]   `json:"letter_place"`
	EmergencyContacts []profile.Contact `json:"emergency_contacts"`
	ComplaintChannels []string          `json:"complaint_channels"`
	Checklist         []SetupItem       `json:"checklist"`
	// LettersReady: a letter can be sent (a head of office who signs, one
	// confirmed institution at least); MailReady: mail can go out with
	// links staff can open.
	LettersReady bool           `json:"letters_ready"`
	MailReady    bool           `json:"mail_ready"`
	CheckedAt    string         `json:"checked_at"`
	Institutions InstitutionSum `json:"institutions"`
}

// derived is a value the profile derives unless the office wrote its own.
type derived[T any] struct {
	Value   T    `json:"value"`
	Default T    `json:"default"`
	Custom  bool `json:"custom"`
}

// SetupItem is one line of the checklist.
type SetupItem struct {
	Key     string `json:"key"`
	OK      bool   `json:"ok"`
	Title   string `json:"title"`
	Problem string `json:"problem,omitempty"`
	// For names what waits for it: "letters", "mail" or "" (advised).
	For string `json:"for,omitempty"`
	// Section is where on the set-up page (or the admin panel) it is fixed.
	Section string `json:"section"`
}

// InstitutionSum counts the referral directory.
type InstitutionSum struct {
	Active      int `json:"active"`
	Ready       int `json:"ready"`       // active, confirmed, with address and telephone
	Unconfirmed int `json:"unconfirmed"` // active and not yet confirmed
}

func (t *Teduh) setupState(e *core.RequestEvent) error {
	office, err := LoadOffice(e.App) // the saved profile, not a cached copy
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, t.SetupState(e.App, office, t.now()))
}

// SetupState is what the set-up page shows for office at now.
func (t *Teduh) SetupState(app core.App, office *Office, now time.Time) *SetupState {
	p := office.Profile()
	r := office.Record
	s := &SetupState{
		Sample:            r.GetBool("sample"),
		Letterhead:        derived[[]string]{Value: p.Letterhead(), Default: p.DefaultLetterhead(), Custom: p.CustomLetterhead()},
		HeadTitle:         derived[string]{Value: p.HeadTitle(), Default: p.DefaultHeadTitle(), Custom: strings.TrimSpace(p.OwnHeadTitle) != ""},
		LetterPlace:       derived[string]{Value: p.LetterPlace(), Default: p.DefaultLetterPlace(), Custom: strings.TrimSpace(p.OwnLetterPlace) != ""},
		EmergencyContacts: office.EmergencyContacts(),
		ComplaintChannels: office.ComplaintChannels(app.Settings().Meta.AppURL),
		CheckedAt:         dt(now).String(),
	}
	add := func(item SetupItem) { s.Checklist = append(s.Checklist, item) }

	item := SetupItem{Key: "profile", Title: "Profil kantor sudah diperiksa", OK: !s.Sample, Section: "setup-profile"}
	if s.Sample {
		item.Problem = "Profil ini masih contoh dari " + office.Name + " " + office.RegencyName +
			". Periksa nama, alamat, nomor telepon dan WhatsApp, kecamatan dan kop surat, lalu tandai profil sudah benar."
	}
	add(item)

	var missing []string
	if strings.TrimSpace(r.GetString("head_name")) == "" {
		missing = append(missing, "nama")
	}
	if strings.TrimSpace(p.HeadTitle()) == "" {
		missing = append(missing, "jabatan")
	}
	if strings.TrimSpace(r.GetString("head_nip")) == "" {
		missing = append(missing, "NIP")
	}
	item = SetupItem{Key: "head", Title: "Kepala kantor yang menandatangani surat", OK: len(missing) == 0, For: "letters", Section: "setup-head"}
	if !item.OK {
		item.Problem = "Belum diisi: " + strings.Join(missing, ", ") + " kepala kantor. Surat rujukan tidak dapat dikirim tanpanya."
	}
	add(item)

	item = SetupItem{Key: "emblem", Title: "Lambang daerah di kop surat", OK: r.GetString("emblem") != "", Section: "setup-letters"}
	if !item.OK {
		item.Problem = "Belum ada lambang daerah. Surat tetap dapat dikirim, tetapi kop suratnya tanpa lambang. Unggah gambar PNG atau JPEG."
	}
	add(item)

	s.Institutions = institutionSum(app)
	inst := s.Institutions
	item = SetupItem{Key: "institutions", Title: "Lembaga rujukan sudah dikonfirmasi", OK: inst.Ready > 0 && inst.Unconfirmed == 0, Section: "setup-institutions"}
	switch {
	case inst.Ready == 0:
		item.For = "letters"
		item.Problem = "Belum ada lembaga rujukan yang dikonfirmasi dengan alamat dan telepon. Surat rujukan hanya dikirim ke lembaga yang sudah dikonfirmasi."
	case inst.Unconfirmed > 0:
		item.Problem = strconv.Itoa(inst.Unconfirmed) + " dari " + strconv.Itoa(inst.Active) + " lembaga aktif belum dikonfirmasi: lengkapi alamat dan teleponnya dan tandai sudah dikonfirmasi, atau hapus centang Aktif."
	}
	add(item)

	problems := mailProblems(app.Settings())
	item = SetupItem{Key: "mail", Title: "E-mail (SMTP) dan alamat pengirim", OK: len(problems) == 0, For: "mail", Section: "admin"}
	item.Problem = strings.Join(problems, " ")
	add(item)

	item = SetupItem{Key: "app_url", Title: "Alamat aplikasi untuk tautan di e-mail", For: "mail", Section: "admin"}
	item.Problem = appURLProblem(app.Settings().Meta.AppURL)
	item.OK = item.Problem == ""
	add(item)

	s.LettersReady = true
	s.MailReady = true
	for _, it := range s.Checklist {
		if !it.OK && it.For == "letters" {
			s.LettersReady = false
		}
		if !it.OK && it.For == "mail" {
			s.MailReady = false
		}
	}
	return s
}

func institutionSum(app core.App) InstitutionSum {
	var sum InstitutionSum
	records, err := app.FindRecordsByFilter(institutionsCollection, "active = true", "", 0, 0)
	if err != nil {
		return sum
	}
	for _, r := range records {
		sum.Active++
		if len(institutionGaps(r)) == 0 {
			sum.Ready++
		}
		if !r.GetBool("confirmed") {
			sum.Unconfirmed++
		}
	}
	return sum
}
