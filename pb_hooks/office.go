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
)

// Office is the office profile: the one record that makes Teduh Singkawang's
// (or any other city's or regency's).
type Office struct {
	Record            *core.Record     `json:"-"`
	Name              string           `json:"name"`
	Government        string           `json:"government"`
	Code              string           `json:"code"`
	Address           string           `json:"address"`
	Phone             string           `json:"phone"`
	Website           string           `json:"website"`
	WhatsApp          string           `json:"whatsapp"`
	Email             string           `json:"email,omitempty"`
	RegencyCode       string           `json:"regency_code"`
	RegencyName       string           `json:"regency_name"`
	Districts         []string         `json:"districts"`
	SLADays           int              `json:"sla_days"`
	Timezone          string           `json:"timezone"`
	EmergencyContacts []map[string]any `json:"emergency_contacts"`
	Service           map[string]any   `json:"service"`
	loc               *time.Location
}

// Location is the office's time zone (UTC if the profile names none that loads).
func (o *Office) Location() *time.Location {
	if o.loc == nil {
		return time.UTC
	}
	return o.loc
}

// officeCache keeps the office profile and the complaint form resolved with
// its districts, so a request does not read and rebuild them; any save of the
// profile through this app empties it.
type officeCache struct {
	mu     sync.RWMutex
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
	o, f := t.cache.office, t.cache.form
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
	t.cache.office, t.cache.form = o, f
	t.cache.mu.Unlock()
	return o, f, nil
}

func (t *Teduh) forgetOffice(e *core.RecordEvent) error {
	t.cache.mu.Lock()
	t.cache.office, t.cache.form = nil, nil
	t.cache.mu.Unlock()
	return e.Next()
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
	_ = r.UnmarshalJSONField("emergency_contacts", &o.EmergencyContacts)
	_ = r.UnmarshalJSONField("service", &o.Service)
	if loc, err := time.LoadLocation(o.Timezone); err == nil {
		o.loc = loc
	}
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
	out := *office
	out.Service = service
	return e.JSON(http.StatusOK, out)
}
