// Package definitions holds Teduh's embedded form and workflow definitions
// and the named Go validators they refer to. Load checks everything once at
// start-up; a broken definition stops the server with the file and the
// mistake named.
package definitions

import (
	"embed"
	"errors"
	"fmt"
	"slices"
	"time"

	"teduh/internal/engine"
	"teduh/internal/nik"
	"teduh/internal/simfoni"
)

//go:embed *.json
var files embed.FS

// Names of the embedded files for the complaint service.
const (
	ComplaintFormFile     = "complaint.form.json"
	ComplaintWorkflowFile = "complaint.workflow.json"
	ComplaintServiceFile  = "complaint.service.json"
	PerpetratorFormFile   = "perpetrator.form.json"
)

// The embedded services, in the order the public page lists them: the
// victim complaint (the SOP) and the service complaints (pengaduan layanan).
const (
	ComplaintID        = "complaint"
	ServiceComplaintID = "service_complaint"
)

var embeddedIDs = []string{ComplaintID, ServiceComplaintID}

// Option list names definitions may use in options_from.
const (
	OptionsInstitutionTypes = "institution_types"
	OptionsOfficeDistricts  = "office_districts"
	// SIMFONI-PPA's categories, from internal/simfoni's vocabulary file
	OptionsSimfoniServices  = "simfoni_services"
	OptionsSimfoniAgeGroups = "simfoni_age_groups"
)

// OutsideArea is the district code for a victim living outside the office's area.
const OutsideArea = "luar_wilayah"

// InstitutionTypes are the kinds of referral institution (DESIGN §3).
var InstitutionTypes = []engine.Option{
	{Code: "health", Label: "Layanan kesehatan (rumah sakit/puskesmas)"},
	{Code: "police", Label: "Kepolisian (Unit PPA)"},
	{Code: "shelter", Label: "Rumah aman/shelter"},
	{Code: "psychosocial", Label: "Layanan psikologis/psikososial"},
	{Code: "legal_aid", Label: "Bantuan hukum"},
	{Code: "civil_registry", Label: "Dukcapil (dokumen kependudukan)"},
	{Code: "education", Label: "Pendidikan/sekolah"},
	{Code: "religious", Label: "Bimbingan rohani/keagamaan"},
	{Code: "social_rehab", Label: "Rehabilitasi sosial"},
	{Code: "other", Label: "Lainnya"},
}

// Set is a loaded service: its form, its workflow and its service
// description (the public standard and how the office runs it).
type Set struct {
	Form     *engine.Form
	Workflow *engine.Workflow
	Service  *engine.Service
	// Source is "embedded" or the directory the files were read from.
	Source string
	// Raw are the files as read, by kind ("form", "workflow", "service"):
	// what is recorded for the cases that start under them.
	Raw map[string][]byte
}

// LoadPerpetrator reads and checks the form of a case's perpetrator
// records; its option lists come from the complaint form.
func LoadPerpetrator(complaint *engine.Form) (*engine.Form, error) {
	f, err := engine.LoadSubForm(PerpetratorFormFile, mustRead(PerpetratorFormFile), complaint.Registry(), complaint)
	if err != nil {
		return nil, fmt.Errorf("definisi tidak valid: %w", err)
	}
	return f, nil
}

// simfoniOptions turns a SIMFONI list into options.
func simfoniOptions(list string) []engine.Option {
	var out []engine.Option
	for _, it := range simfoni.Default.Lists[list] {
		out = append(out, engine.Option{Code: it.Code, Label: it.Label})
	}
	return out
}

// NewRegistry returns the registry with every named validator Teduh knows.
func NewRegistry() *engine.Registry {
	return engine.NewRegistry().
		Roles("officer", "supervisor").
		Options(OptionsInstitutionTypes, InstitutionTypes).
		ReferralTypes(OptionsInstitutionTypes).
		Options(OptionsSimfoniServices, simfoniOptions(simfoni.ListServices)).
		Options(OptionsSimfoniAgeGroups, simfoniOptions(simfoni.ListAgeGroups)).
		DynamicOptions(OptionsOfficeDistricts).
		FieldValidator("nik", validateNIK).
		Deriver("crisis_urgency", CrisisUrgency).
		StepValidator("referral_sent", referralSent).
		StepValidator("referral_not_needed", referralNotNeeded).
		StepValidator("no_draft_referrals", noDraftReferrals)
}

// Load reads and checks the embedded complaint definitions.
func Load() (*Set, error) {
	return LoadEmbedded(ComplaintID)
}

// LoadEmbedded reads and checks one embedded service by id.
func LoadEmbedded(id string) (*Set, error) {
	set, err := loadSet(id+".form.json", mustRead(id+".form.json"), id+".workflow.json", mustRead(id+".workflow.json"),
		id+".service.json", mustRead(id+".service.json"), NewRegistry())
	if err != nil {
		return nil, err
	}
	set.Source = "embedded"
	return set, nil
}

// Embedded reads and checks every embedded service.
func Embedded() ([]*Set, error) {
	var out []*Set
	for _, id := range embeddedIDs {
		set, err := LoadEmbedded(id)
		if err != nil {
			return nil, err
		}
		out = append(out, set)
	}
	return out, nil
}

// EmbeddedFiles returns the bytes of one embedded definition file (for the
// definitions language's documentation and the linter's comparisons).
func EmbeddedFiles() map[string][]byte {
	out := map[string][]byte{}
	entries, _ := files.ReadDir(".")
	for _, e := range entries {
		out[e.Name()] = mustRead(e.Name())
	}
	return out
}

// LoadFiles checks a form and a workflow given as bytes; tests use it to load
// other definitions on the same engine.
func LoadFiles(formName string, form []byte, workflowName string, workflow []byte, reg *engine.Registry) (*Set, error) {
	f, err := engine.LoadForm(formName, form, reg)
	if err != nil {
		return nil, fmt.Errorf("definisi tidak valid: %w", err)
	}
	w, err := engine.LoadWorkflow(workflowName, workflow, reg, f)
	if err != nil {
		return nil, fmt.Errorf("definisi tidak valid: %w", err)
	}
	return &Set{Form: f, Workflow: w, Raw: map[string][]byte{"form": form, "workflow": workflow}}, nil
}

// loadSet checks the three files of one service against each other.
func loadSet(formName string, form []byte, workflowName string, workflow []byte, serviceName string, service []byte, reg *engine.Registry) (*Set, error) {
	set, err := LoadFiles(formName, form, workflowName, workflow, reg)
	if err != nil {
		return nil, err
	}
	if set.Service, err = engine.LoadService(serviceName, service, reg, set.Form, set.Workflow); err != nil {
		return nil, fmt.Errorf("definisi tidak valid: %w", err)
	}
	set.Raw["service"] = service
	return set, nil
}

func mustRead(name string) []byte {
	data, err := files.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return data
}

// DistrictOptions turns the office's district names into options, with the
// option for victims living outside the area last.
func DistrictOptions(districts []string) []engine.Option {
	opts := make([]engine.Option, 0, len(districts)+1)
	for _, d := range districts {
		opts = append(opts, engine.Option{Code: d, Label: d})
	}
	return append(opts, engine.Option{Code: OutsideArea, Label: "Luar wilayah"})
}

// validateNIK refuses a structurally broken NIK and warns when it disagrees
// with the sex or birth date given in the same submission.
func validateNIK(value any, all engine.Values, env engine.Env) (*engine.FieldError, []engine.Warning) {
	s, _ := value.(string)
	info, err := nik.Parse(s, env.Now.In(envLoc(env)))
	if err != nil {
		var ne *nik.Error
		if errors.As(err, &ne) {
			return &engine.FieldError{Code: ne.Code, Message: ne.Message}, nil
		}
		return &engine.FieldError{Code: "nik_invalid", Message: "NIK tidak valid."}, nil
	}
	sex, _ := all["victim_sex"].(string)
	var birth time.Time
	if b, ok := all["victim_birth_date"].(string); ok {
		birth, _ = time.Parse("2006-01-02", b)
	}
	var warns []engine.Warning
	for _, w := range nik.Compare(info, sex, birth) {
		warns = append(warns, engine.Warning{Code: w.Code, Message: w.Message})
	}
	return nil, warns
}

func envLoc(env engine.Env) *time.Location {
	if env.Location == nil {
		return time.UTC
	}
	return env.Location
}

// CrisisUrgency derives a case's urgency (DESIGN §2, crisis first response):
// immediate danger, injury, or sexual violence against a child is an emergency.
func CrisisUrgency(values engine.Values, env engine.Env) any {
	if b, _ := values["immediate_danger"].(bool); b {
		return engine.UrgencyEmergency
	}
	if b, _ := values["injured"].(bool); b {
		return engine.UrgencyEmergency
	}
	types, _ := values["violence_types"].([]string)
	if slices.Contains(types, "sexual") && IsChild(values, env.Today()) {
		return engine.UrgencyEmergency
	}
	return engine.UrgencyNormal
}

// IsChild reports whether the victim is under 18 on the given day, judged by
// the birth date given or, failing that, the one in a valid NIK.
func IsChild(values engine.Values, today time.Time) bool {
	var birth time.Time
	if s, ok := values["victim_birth_date"].(string); ok {
		birth, _ = time.Parse("2006-01-02", s)
	}
	if birth.IsZero() {
		if s, ok := values["victim_nik"].(string); ok && s != "" {
			if info, err := nik.Parse(s, today); err == nil {
				birth = info.BirthDate
			}
		}
	}
	if birth.IsZero() {
		return false
	}
	return today.Before(birth.AddDate(18, 0, 0))
}

// Referral statuses that count as "a referral was sent".
var sentReferralStatuses = []string{"sent", "accepted", "declined", "completed"}

func referralSent(c *engine.StepCheck) *engine.FieldError {
	n, err := c.Facts.CountReferrals(sentReferralStatuses...)
	if err != nil {
		return &engine.FieldError{Code: "facts_unavailable", Message: "Data rujukan tidak dapat diperiksa. Coba lagi."}
	}
	if n == 0 {
		return &engine.FieldError{Code: "referral_not_sent", Message: "Belum ada surat rujukan yang dikirim untuk kasus ini. Kirim surat rujukan terlebih dahulu, atau pilih \"tidak perlu rujukan\" bila disposisi menyatakan demikian."}
	}
	return nil
}

func referralNotNeeded(c *engine.StepCheck) *engine.FieldError {
	data, ok := c.Facts.LatestStepData(7)
	if !ok {
		return &engine.FieldError{Code: "disposition_missing", Message: "Disposisi (langkah 7) belum dicatat."}
	}
	if needed, _ := data["referral_needed"].(bool); needed {
		return &engine.FieldError{Code: "referral_needed", Message: "Disposisi menyatakan korban perlu dirujuk, jadi langkah surat rujukan tidak dapat dilewati."}
	}
	return nil
}

func noDraftReferrals(c *engine.StepCheck) *engine.FieldError {
	n, err := c.Facts.CountReferrals("draft")
	if err != nil {
		return &engine.FieldError{Code: "facts_unavailable", Message: "Data rujukan tidak dapat diperiksa. Coba lagi."}
	}
	if n > 0 {
		return &engine.FieldError{Code: "draft_referrals", Message: fmt.Sprintf("Masih ada %d rujukan berstatus draf. Kirim atau batalkan rujukan tersebut sebelum menutup kasus.", n)}
	}
	return nil
}
