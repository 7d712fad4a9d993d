package pb_migrations

import (
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"teduh/internal/casecode"
	"teduh/internal/definitions"
	"teduh/internal/servicestore"
)

// Service complaints (pengaduan layanan) replace the feedback collection,
// where no staff member ever saw them: their storage is made from the
// embedded service_complaint definitions (as the engine does at every
// start), every stored feedback becomes an open service complaint with the
// same id, time and words (numbered in the order it came, with a tracking
// code and its first step), and the feedback collection goes once all of it
// is moved. The victim complaints' service standard moves from the office
// profile into complaint.service.json: a profile still holding the seeded
// standard is cleared, one the office edited is kept (it still overrides).
func init() {
	m.Register(func(app core.App) error {
		if err := moveFeedback(app); err != nil {
			return err
		}
		return clearSeededStandard(app)
	}, nil)
}

// feedbackRow is one stored feedback.
type feedbackRow struct {
	ID      string  `db:"id"`
	Kind    string  `db:"kind"`
	Message string  `db:"message"`
	Name    string  `db:"name"`
	Contact string  `db:"contact"`
	Rating  float64 `db:"rating"`
	Created string  `db:"created"`
}

func moveFeedback(app core.App) error {
	set, err := definitions.LoadEmbedded(definitions.ServiceComplaintID)
	if err != nil {
		return err
	}
	if _, err := servicestore.Sync(app, set); err != nil {
		return err
	}
	if _, err := app.FindCollectionByNameOrId("feedback"); err != nil {
		return nil // nothing to move
	}
	var rows []feedbackRow
	if err := app.DB().NewQuery("SELECT id, kind, message, name, contact, COALESCE(rating, 0) AS rating, created FROM feedback ORDER BY created, rowid").All(&rows); err != nil {
		return err
	}
	office, err := app.FindFirstRecordByFilter("office", "")
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(office.GetString("timezone"))
	if err != nil {
		loc = time.UTC
	}
	cases, steps, _ := set.Service.Collections()
	seq := map[int]int{}
	for _, r := range rows {
		created, err := time.Parse("2006-01-02 15:04:05.000Z", r.Created)
		if err != nil {
			return fmt.Errorf("feedback %s: created %q: %w", r.ID, r.Created, err)
		}
		year := created.In(loc).Year()
		seq[year]++
		code, err := casecode.NewTrackingCode(nil)
		if err != nil {
			return err
		}
		number := casecode.Number(office.GetString("code")+"-"+set.Service.NumberPrefix, year, seq[year])
		if _, err := app.DB().Insert(cases, dbx.Params{
			"id": r.ID, "number": number, "number_year": year, "number_seq": seq[year], "tracking_code": code,
			"channel": set.Service.Channel(), "intake_actor": "", "status": "new", "current_step": 1, "urgency": "normal",
			"first_response_due_at": "", "first_response_at": "", "verified_at": "", "due_at": "", "closed_at": "", "submitted_at": r.Created,
			"assigned_to": "", "warnings": "[]", "form_version": set.Form.Version, "workflow_version": set.Workflow.Version,
			"kind": r.Kind, "message": r.Message, "name": r.Name, "contact": r.Contact, "rating": r.Rating,
			"created": r.Created, "updated": r.Created,
		}).Execute(); err != nil {
			return fmt.Errorf("feedback %s: %w", r.ID, err)
		}
		if _, err := app.DB().Insert(steps, dbx.Params{
			"id": core.GenerateDefaultRandomId(), "complaint": r.ID, "step": 1, "step_code": set.Workflow.Steps[0].Code,
			"outcome": "done", "notes": "Dipindahkan dari formulir masukan lama saat Teduh diperbarui. Masukan ini belum pernah dibaca petugas.",
			"data": "{}", "actor": "", "actor_kind": "system", "actor_name": "Sistem", "workflow_version": set.Workflow.Version,
			"created": r.Created,
		}).Execute(); err != nil {
			return fmt.Errorf("feedback %s: %w", r.ID, err)
		}
	}
	var moved int
	if err := app.DB().Select("COUNT(*)").From(cases).Where(dbx.In("id", ids(rows)...)).Row(&moved); err != nil {
		return err
	}
	if moved != len(rows) {
		return fmt.Errorf("feedback: %d of %d moved; nothing is removed", moved, len(rows))
	}
	fb, err := app.FindCollectionByNameOrId("feedback")
	if err != nil {
		return err
	}
	return app.Delete(fb)
}

func ids(rows []feedbackRow) []any {
	out := make([]any, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	if len(out) == 0 {
		out = append(out, "")
	}
	return out
}

// seededStandard is the service standard 1795700001 wrote into the profile.
var seededStandard = map[string]any{
	"name":            "Penanganan Pengaduan Korban (Tindak Kekerasan) secara Langsung dengan Intervensi Krisis",
	"requirements":    []any{"Identitas diri korban", "Mengisi formulir pengaduan"},
	"completion_time": "7 hari setelah persyaratan dinyatakan lengkap dan valid",
	"cost":            "Tidak dipungut biaya",
	"products":        []any{"Layanan Perlindungan Perempuan dan Anak"},
	"complaint_channels": []any{
		"Datang langsung ke kantor Dinas",
		"Kotak saran di kantor Dinas",
		"Secara online melalui formulir di halaman ini",
		"SAPA Singkawang",
		"WhatsApp 089520338668",
	},
}

func clearSeededStandard(app core.App) error {
	records, err := app.FindAllRecords("office")
	if err != nil {
		return err
	}
	for _, r := range records {
		var stored map[string]any
		if err := json.Unmarshal([]byte(r.GetString("service")), &stored); err != nil {
			continue
		}
		if reflect.DeepEqual(stored, seededStandard) {
			r.Set("service", nil)
			if err := app.SaveNoValidate(r); err != nil {
				return err
			}
		}
	}
	return nil
}
