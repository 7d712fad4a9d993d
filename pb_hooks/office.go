package pb_hooks

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"teduh/internal/definitions"
	"teduh/internal/engine"
	"teduh/internal/profile"
)

// Office is the office profile: the one record that makes Teduh Singkawang's
// (or any other city's or regency's). What the public pages and the
// documents show beyond its plain fields — the letterhead, the head of
// office's title, the emergency numbers, the complaint channels — is
// derived from it (EmergencyContacts, ComplaintChannels, Letterhead,
// HeadTitle, LetterPlace; internal/profile), so it follows every edit.
type Office struct {
	Record      *core.Record   `json:"-"`
	Name        string         `json:"name"`
	Government  string         `json:"government"`
	Code        string         `json:"code"`
	Address     string         `json:"address"`
	Phone       string         `json:"phone"`
	Website     string         `json:"website"`
	WhatsApp    string         `json:"whatsapp"`
	Email       string         `json:"email,omitempty"`
	RegencyCode string         `json:"regency_code"`
	RegencyName string         `json:"regency_name"`
	Districts   []string       `json:"districts"`
	SLADays     int            `json:"sla_days"`
	Timezone    string         `json:"timezone"`
	Service     map[string]any `json:"service"`
	loc         *time.Location
	profile     profile.Profile
}

// Location is the office's time zone (UTC if the profile names none that loads).
func (o *Office) Location() *time.Location {
	if o.loc == nil {
		return time.UTC
	}
	return o.loc
}

// Profile is what the derivations read of the office.
func (o *Office) Profile() profile.Profile { return o.profile }

// EmergencyContacts are the numbers at the top of the public pages: the
// national ones (internal/profile/national.json), the office's WhatsApp and
// telephone, and the numbers the office added.
func (o *Office) EmergencyContacts() []profile.Contact { return o.profile.EmergencyContacts() }

// ComplaintChannels are the ways to complain about the service, from the
// profile; appURL is the application's address (Settings → Application URL).
func (o *Office) ComplaintChannels(appURL string) []string {
	return o.profile.ComplaintChannels(appURL)
}

// Letterhead is the kop surat: the office's own lines, or the lines built
// from government, name, address, telephone, website and e-mail.
func (o *Office) Letterhead() []string { return o.profile.Letterhead() }

// HeadTitle is the head of office's title: the office's own, or "Kepala"
// with the office's and the regency's names.
func (o *Office) HeadTitle() string { return o.profile.HeadTitle() }

// LetterPlace is the town before a letter's date.
func (o *Office) LetterPlace() string { return o.profile.LetterPlace() }

// officeCache keeps the office profile and the complaint form resolved with
// its districts, so a request does not read and rebuild them; any save of the
// profile through this app empties it. gen counts those saves: a reader that
// loaded the profile before a save finished keeps its copy out of the cache,
// so an edit (a new WhatsApp number) is never hidden behind an older read.
type officeCache struct {
	mu     sync.RWMutex
	gen    uint64
	office *Office
	form   *engine.Form
}

// Office returns the (cached) office profile.
func (t *Teduh) Office(app core.App) (*Office, error) {
	o, _, err := t.officeAndForm(app)
	return o, err
}

// resolvedForm is the complaint form with the office's districts filled in.
func (t *Teduh) resolvedForm(app core.App) (*engine.Form, error) {
	_, f, err := t.officeAndForm(app)
	return f, err
}

func (t *Teduh) officeAndForm(app core.App) (*Office, *engine.Form, error) {
	t.cache.mu.RLock()
	o, f, gen := t.cache.office, t.cache.form, t.cache.gen
	t.cache.mu.RUnlock()
	if o != nil {
		return o, f, nil
	}
	o, err := LoadOffice(app)
	if err != nil {
		return nil, nil, err
	}
	f = t.complaint.Defs.Form.Resolve(map[string][]engine.Option{
		definitions.OptionsOfficeDistricts: definitions.DistrictOptions(o.Districts),
	})
	t.cache.mu.Lock()
	if t.cache.gen == gen {
		t.cache.office, t.cache.form = o, f
	}
	t.cache.mu.Unlock()
	return o, f, nil
}

func (t *Teduh) forgetOffice(e *core.RecordEvent) error {
	t.forgetOfficeCache()
	return e.Next()
}

func (t *Teduh) forgetOfficeCache() {
	t.cache.mu.Lock()
	t.cache.gen++
	t.cache.office, t.cache.form = nil, nil
	t.cache.mu.Unlock()
}

// LoadOffice reads the office profile from the database.
func LoadOffice(app core.App) (*Office, error) {
	var r *core.Record
	records, err := app.FindRecordsByFilter("office", "", "created", 1, 0)
	if err != nil {
		return nil, err
	}
	if len(records) == 0 {
		return nil, router.NewInternalServerError("Profil kantor belum diisi.", nil)
	}
	r = records[0]
	o := &Office{
		Record:      r,
		Name:        r.GetString("name"),
		Government:  r.GetString("government"),
		Code:        r.GetString("code"),
		Address:     r.GetString("address"),
		Phone:       r.GetString("phone"),
		Website:     r.GetString("website"),
		WhatsApp:    r.GetString("whatsapp"),
		Email:       r.GetString("email"),
		RegencyCode: r.GetString("regency_code"),
		RegencyName: r.GetString("regency_name"),
		SLADays:     r.GetInt("sla_days"),
		Timezone:    r.GetString("timezone"),
	}
	_ = r.UnmarshalJSONField("districts", &o.Districts)
	_ = r.UnmarshalJSONField("service", &o.Service)
	if loc, err := time.LoadLocation(o.Timezone); err == nil {
		o.loc = loc
	}
	o.profile = profile.Profile{
		Name: o.Name, Government: o.Government, Address: o.Address, Phone: o.Phone, Website: o.Website,
		WhatsApp: o.WhatsApp, Email: o.Email, RegencyName: o.RegencyName,
		SAPAName:       r.GetString("sapa_name"),
		SuggestionBox:  r.GetBool("suggestion_box"),
		OwnHeadTitle:   r.GetString("head_title"),
		OwnLetterPlace: r.GetString("letter_place"),
	}
	_ = r.UnmarshalJSONField("letterhead_lines", &o.profile.OwnLetterhead)
	_ = r.UnmarshalJSONField("emergency_contacts", &o.profile.ExtraContacts)
	return o, nil
}

// validateOffice keeps the profile usable by every rule that reads it; it
// runs for the admin panel too.
func (t *Teduh) validateOffice(e *core.RecordEvent) error {
	errs := validation.Errors{}
	if _, err := time.LoadLocation(e.Record.GetString("timezone")); err != nil || e.Record.GetString("timezone") == "" {
		errs["timezone"] = validation.NewError("invalid_timezone", "Zona waktu tidak dikenal. Contoh: Asia/Pontianak, Asia/Jakarta, Asia/Makassar, Asia/Jayapura.")
	}
	var districts []string
	if err := json.Unmarshal([]byte(e.Record.GetString("districts")), &districts); err != nil || len(districts) == 0 {
		errs["districts"] = validation.NewError("invalid_districts", "Daftar kecamatan harus berupa daftar nama, misalnya [\"Singkawang Barat\", \"Singkawang Timur\"].")
	} else {
		seen := map[string]bool{}
		for _, d := range districts {
			if d == "" || len(d) > 100 || seen[d] {
				errs["districts"] = validation.NewError("invalid_districts", "Nama kecamatan tidak boleh kosong atau ganda.")
				break
			}
			seen[d] = true
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return e.Next()
}

func (t *Teduh) refuseSecondOffice(e *core.RecordEvent) error {
	n, err := e.App.CountRecords("office")
	if err != nil {
		return err
	}
	if n > 0 {
		return router.NewBadRequestError("Profil kantor sudah ada. Ubah profil yang ada; jangan membuat yang kedua.", nil)
	}
	return e.Next()
}

func (t *Teduh) refuseOfficeDelete(e *core.RecordEvent) error {
	return router.NewForbiddenError("Profil kantor tidak dapat dihapus; ubah isinya bila perlu.", nil)
}

// publicOffice is the part of the profile the public pages show, with the
// victim complaints' service standard from complaint.service.json (filled
// with the profile's data) and the procedure from the workflow definition.
// A profile whose "service" the office edited still overrides those words.
func (t *Teduh) publicOffice(e *core.RequestEvent) error {
	office, err := t.Office(e.App)
	if err != nil {
		return err
	}
	std := t.publicView(office, t.complaint)
	service := map[string]any{
		"name": std.Name, "requirements": std.Requirements, "completion_time": std.CompletionTime, "cost": std.Cost,
		"products": std.Products, "complaint_channels": std.ComplaintChannels,
	}
	for k, v := range office.Service {
		service[k] = v
	}
	var procedure []map[string]any
	for _, s := range t.complaint.Defs.Workflow.Steps {
		procedure = append(procedure, map[string]any{"number": s.Number, "label": s.Label, "description": s.Description})
	}
	service["procedure"] = procedure
	service["complaint_channels"] = office.ComplaintChannels(e.App.Settings().Meta.AppURL)
	out := *office
	out.Service = service
	return e.JSON(http.StatusOK, publicOfficeAnswer{Office: &out, EmergencyContacts: office.EmergencyContacts()})
}

// publicOfficeAnswer is the profile's public part with the derived
// emergency numbers.
type publicOfficeAnswer struct {
	*Office
	EmergencyContacts []profile.Contact `json:"emergency_contacts"`
}
