package pb_hooks

// Services from definitions: every service Teduh runs is three definition
// files (form, workflow, service description), embedded in the binary or
// written by the office into <data dir>/definitions/. At start-up each one
// is checked (a broken file stops the server naming the file, where in it,
// and the mistake), bound to the same case and step hooks as the victim
// complaints, declared in the access policy, given its storage
// (internal/servicestore), and its definition versions are recorded, so a
// case keeps the rules it started under when a definition changes.

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teduh/internal/access"
	"teduh/internal/definitions"
	"teduh/internal/engine"
	"teduh/internal/servicestore"
)

// newService ties a loaded definition set to its collections.
func newService(set *definitions.Set) *Service {
	svc := set.Service
	cases, steps, clocks := svc.Collections()
	var staffChannels []string
	for _, c := range svc.StaffChannels {
		staffChannels = append(staffChannels, c.Code)
	}
	return &Service{
		Defs: set, CaseCollection: cases, StepCollection: steps, ClockCollection: clocks,
		PublicChannel: svc.Channel(), StaffChannels: staffChannels, NumberPrefixKey: "code", NumberPrefix: svc.NumberPrefix,
	}
}

// ID is the service's id (its workflow's).
func (s *Service) ID() string { return s.Defs.Workflow.ID }

// Desc is the service description; nil for a service bound by hand (tests).
func (s *Service) Desc() *engine.Service { return s.Defs.Service }

// Roles are the staff roles that handle the service.
func (s *Service) Roles() []string {
	if s.Defs.Service == nil {
		return []string{"officer", "supervisor"}
	}
	return s.Defs.Service.Roles()
}

// Handles tells whether a caller's role may see and handle the service.
func (s *Service) Handles(role access.Role) bool {
	return role == access.Superuser || slices.Contains(s.Roles(), string(role))
}

// loadServices reads the catalog: the embedded services (the complaint one
// replaced by cfg.Definitions when given) and those of the data directory.
func (t *Teduh) loadServices(cfg Config) error {
	sets, err := definitions.Embedded()
	if err != nil {
		return err
	}
	dir := cfg.DefinitionsDir
	if dir == "" {
		dir = filepath.Join(t.app.DataDir(), definitions.DirName)
	}
	extra, err := definitions.LoadDir(dir)
	if err != nil {
		return err
	}
	for _, set := range append(sets, extra...) {
		if set.Service.ID == definitions.ComplaintID && cfg.Definitions != nil {
			custom := *cfg.Definitions
			custom.Service, custom.Source = set.Service, set.Source
			custom.Raw = map[string][]byte{"service": set.Raw["service"]}
			for k, v := range cfg.Definitions.Raw {
				custom.Raw[k] = v
			}
			set = &custom
		}
		s := newService(set)
		if set.Service.ID == definitions.ComplaintID {
			t.complaint = s
		}
		t.services = append(t.services, s)
	}
	if t.complaint == nil {
		return errors.New("definisi: layanan pengaduan korban tidak ditemukan")
	}
	return nil
}

// Services are every service Teduh runs, in order.
func (t *Teduh) Services() []*Service { return t.services }

// ServiceByID finds a service; nil when there is none.
func (t *Teduh) ServiceByID(id string) *Service {
	for _, s := range t.services {
		if s.ID() == id {
			return s
		}
	}
	return nil
}

// serviceOfCollection finds the service whose cases, steps or clocks a
// collection holds.
func (t *Teduh) serviceOfCollection(name string) *Service {
	for _, s := range t.services {
		if s.CaseCollection == name || s.StepCollection == name || s.ClockCollection == name {
			return s
		}
	}
	return nil
}

// declareService adds a service's collections to the access policy: read
// by the roles that handle it, personal when its definition names personal
// fields, queried on the workflow fields and the non-personal select fields.
func (t *Teduh) declareService(s *Service) {
	if t.policy.Collection(s.CaseCollection) != nil {
		return // declared by hand (the victim complaints)
	}
	desc := s.Desc()
	var roles []access.Role
	for _, r := range s.Roles() {
		roles = append(roles, access.Role(r))
	}
	spec := access.ServiceSpec{Cases: s.CaseCollection, Steps: s.StepCollection, Clocks: s.ClockCollection, Roles: roles, Personal: true}
	if desc != nil {
		spec.Personal = len(desc.PersonalFields) > 0
		for _, f := range s.Defs.Form.Fields() {
			switch {
			case desc.Personal(f.Name):
			case f.Type == engine.TypeSelect || f.Type == engine.TypeBool || f.Type == engine.TypeNumber:
				spec.Query = append(spec.Query, f.Name)
			}
			if f.Type == engine.TypeFile {
				spec.Files = append(spec.Files, f.Name)
			}
		}
	} else {
		spec.Clocks = ""
	}
	t.policy.Add(access.ServiceCollectionsFor(spec), nil)
}

// --- storage and versions at start-up ---------------------------------------

// syncServices gives every service its storage and records its definition
// versions before the server answers (after the migrations ran).
func (t *Teduh) syncServices(se *core.ServeEvent) error {
	if err := t.EnsureServices(se.App); err != nil {
		return err
	}
	return se.Next()
}

// EnsureServices makes or updates every service's collections and records
// the definition versions (the server at start-up, the CLI commands).
func (t *Teduh) EnsureServices(app core.App) error {
	return app.RunInTransaction(func(tx core.App) error {
		for _, s := range t.services {
			if s.Desc() == nil {
				continue
			}
			saved, err := servicestore.Sync(tx, s.Defs)
			if err != nil {
				return fmt.Errorf("definisi %s: %w", s.ID(), err)
			}
			if len(saved) > 0 {
				tx.Logger().Info("service storage updated", "service", s.ID(), "collections", saved)
			}
			if err := t.recordVersions(tx, s); err != nil {
				return err
			}
		}
		return nil
	})
}

// fingerprint is a definition without its words: two versions with the
// same fingerprint take the same data and follow the same rules, so a case
// may move from one to the other (a label corrected in place).
func fingerprint(def any) (string, error) {
	data, err := json.Marshal(def)
	if err != nil {
		return "", err
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return "", err
	}
	out, err := json.Marshal(stripWords(v))
	return string(out), err
}

// words are the keys that only say things to people.
var words = []string{"label", "help", "description", "title", "summary", "success_message", "submit_label"}

func stripWords(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range x {
			if !slices.Contains(words, k) {
				out[k] = stripWords(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = stripWords(x[i])
		}
		return out
	}
	return v
}

// recordVersions stores the form and workflow a case may start under. A
// version already recorded with other rules is refused while open cases
// run under it: they would silently change rules. The message says what to
// do: give the changed definition a new version.
func (t *Teduh) recordVersions(app core.App, s *Service) error {
	type def struct {
		kind, version, column string
		value                 any
	}
	defs := []def{
		{"form", s.Defs.Form.Version, "form_version", s.Defs.Form},
		{"workflow", s.Defs.Workflow.Version, "workflow_version", s.Defs.Workflow},
		{"service", s.Defs.Service.Version, "", s.Defs.Service},
	}
	for _, d := range defs {
		content := s.Defs.Raw[d.kind]
		if content == nil {
			var err error
			if content, err = json.Marshal(d.value); err != nil {
				return err
			}
		}
		fp, err := fingerprint(d.value)
		if err != nil {
			return err
		}
		var stored struct {
			Fingerprint string `db:"fingerprint"`
			Content     string `db:"content"`
		}
		err = app.DB().NewQuery("SELECT fingerprint, content FROM teduh_definitions WHERE service = {:s} AND kind = {:k} AND version = {:v}").
			Bind(dbx.Params{"s": s.ID(), "k": d.kind, "v": d.version}).One(&stored)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = app.DB().NewQuery(`INSERT INTO teduh_definitions (service, kind, version, fingerprint, content, recorded)
				VALUES ({:s}, {:k}, {:v}, {:f}, {:c}, {:at})`).
				Bind(dbx.Params{"s": s.ID(), "k": d.kind, "v": d.version, "f": fp, "c": string(content), "at": fmtDate(t.now())}).Execute()
			if err != nil {
				return err
			}
			continue
		case err != nil:
			return err
		case stored.Content == string(content):
			continue
		}
		if stored.Fingerprint != fp && d.column != "" {
			var open int
			err := app.DB().Select("COUNT(*)").From(s.CaseCollection).
				Where(dbx.HashExp{d.column: d.version}).AndWhere(dbx.NewExp(openCaseSQL)).Row(&open)
			if err != nil {
				return err
			}
			if open > 0 {
				return fmt.Errorf("definisi tidak valid: %s.%s.json versi %q berubah aturannya, padahal %d kasus terbuka berjalan dengan versi itu; beri definisi yang diubah versi baru (kasus lama tetap memakai versi %q)",
					s.ID(), d.kind, d.version, open, d.version)
			}
		}
		_, err = app.DB().NewQuery("UPDATE teduh_definitions SET fingerprint = {:f}, content = {:c}, recorded = {:at} WHERE service = {:s} AND kind = {:k} AND version = {:v}").
			Bind(dbx.Params{"s": s.ID(), "k": d.kind, "v": d.version, "f": fp, "c": string(content), "at": fmtDate(t.now())}).Execute()
		if err != nil {
			return err
		}
	}
	return nil
}

// versionCache keeps the older definitions cases still run under.
type versionCache struct {
	mu   sync.Mutex
	sets map[string]*definitions.Set
}

// defsFor is the definition set a case runs under: the current one, or the
// form and workflow of the versions it started with when they differ and
// are recorded (a version never recorded falls back to the current one).
func (t *Teduh) defsFor(app core.App, s *Service, formVersion, workflowVersion string) (*definitions.Set, error) {
	cur := s.Defs
	if (formVersion == "" || formVersion == cur.Form.Version) && (workflowVersion == "" || workflowVersion == cur.Workflow.Version) {
		return cur, nil
	}
	key := s.ID() + "\x00" + formVersion + "\x00" + workflowVersion
	t.versions.mu.Lock()
	defer t.versions.mu.Unlock()
	if set, ok := t.versions.sets[key]; ok {
		return set, nil
	}
	read := func(kind, version string) ([]byte, error) {
		var content string
		err := app.DB().NewQuery("SELECT content FROM teduh_definitions WHERE service = {:s} AND kind = {:k} AND version = {:v}").
			Bind(dbx.Params{"s": s.ID(), "k": kind, "v": version}).Row(&content)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return []byte(content), err
	}
	set := &definitions.Set{Form: cur.Form, Workflow: cur.Workflow, Service: cur.Service, Source: cur.Source}
	reg := cur.Form.Registry()
	if formVersion != cur.Form.Version {
		data, err := read("form", formVersion)
		if err != nil {
			return nil, err
		}
		if data != nil {
			if set.Form, err = engine.LoadForm(s.ID()+".form.json@"+formVersion, data, reg); err != nil {
				return nil, err
			}
		}
	}
	if workflowVersion != cur.Workflow.Version {
		data, err := read("workflow", workflowVersion)
		if err != nil {
			return nil, err
		}
		if data != nil {
			if set.Workflow, err = engine.LoadWorkflow(s.ID()+".workflow.json@"+workflowVersion, data, reg, set.Form); err != nil {
				return nil, err
			}
		}
	}
	if t.versions.sets == nil {
		t.versions.sets = map[string]*definitions.Set{}
	}
	t.versions.sets[key] = set
	return set, nil
}

// caseDefs is the definition set of a stored case.
func (t *Teduh) caseDefs(app core.App, s *Service, kase *core.Record) (*definitions.Set, error) {
	return t.defsFor(app, s, kase.GetString("form_version"), kase.GetString("workflow_version"))
}

// officeValues are what the service standards' {office.*} placeholders read.
func officeValues(o *Office) map[string]string {
	return map[string]string{
		"office.name": o.Name, "office.government": o.Government, "office.address": o.Address, "office.phone": o.Phone,
		"office.whatsapp": o.WhatsApp, "office.website": o.Website, "office.regency_name": o.RegencyName,
		"office.sla_days": fmt.Sprint(o.SLADays),
	}
}
