// Package access is Teduh's third definition beside the form and the
// workflow: who may read what. It declares, once, for every collection and
// role which fields are readable, which fields may appear in a filter or a
// sort, which relations may be expanded, whether a role may subscribe to its
// live events, and which collections hold personal data (every read of them
// is audited). It also declares every HTTP route and who may call it.
//
// Anything not declared here is refused: a collection, a field in a filter,
// an expand path, a route. The package needs no database: the gate in
// pb_hooks feeds it the request and the schema, and enforces its answers on
// every way a record leaves the server.
package access

import "slices"

// Role is who asks.
type Role string

const (
	Public     Role = "public"     // nobody signed in (or a deactivated account)
	Officer    Role = "officer"    // petugas
	Supervisor Role = "supervisor" // kepala / penyelia
	Superuser  Role = "superuser"  // the system administrator
)

// Staff are the signed-in roles of the office.
var Staff = []Role{Officer, Supervisor}

// Collection is what the policy says about one collection.
type Collection struct {
	Name string
	// Personal collections hold a victim's data or point at it: every record
	// of them that leaves the server (a list, a view, an expanded relation,
	// a live event, a count, a file) is an audit entry naming it.
	Personal bool
	// Read lists, per role, the fields that role may read through the
	// generic records API; a role without an entry may not use the
	// collection at all. AllFields means every field the collection's rules
	// let through (PocketBase still hides hidden fields and others' e-mails).
	Read map[Role][]string
	// Query lists, per role, the fields usable in `filter` and `sort`. Only
	// plain fields of the collection itself: no relation is traversed, no
	// back-relation (x_via_y), no @collection. The superuser may filter on
	// any field and traverse relations into collections that are not
	// personal (a traversal into a personal collection would read it
	// without the read being recorded).
	Query map[Role][]string
	// Expand lists, per role, the relation paths that may be expanded. An
	// expanded record passes through the same gate (its own collection's
	// Read fields, audited when personal). The superuser may expand any
	// path; what it reaches is audited.
	Expand map[Role][]string
	// Live lists the roles that may subscribe to the collection's realtime
	// events. Events carry LiveFields only.
	Live []Role
	// LiveFields are the fields a realtime event may carry (nil: the Read
	// fields).
	LiveFields []string
	// Files lists the file fields served through /api/files (PocketBase
	// still checks the view rule of protected files with the file token).
	Files []string
}

// AllFields stands for every field of a collection in Read.
const AllFields = "*"

// CanRead tells whether role may use the collection's records API.
func (c *Collection) CanRead(role Role) bool {
	if c == nil {
		return false
	}
	if role == Superuser {
		return true
	}
	_, ok := c.Read[role]
	return ok
}

// Readable tells whether role may read field.
func (c *Collection) Readable(role Role, field string) bool {
	if role == Superuser {
		return true
	}
	fields, ok := c.Read[role]
	if !ok {
		return false
	}
	return slices.Contains(fields, AllFields) || slices.Contains(fields, field)
}

// CanSubscribe tells whether role may subscribe to the collection's events.
func (c *Collection) CanSubscribe(role Role) bool {
	return c != nil && (role == Superuser || slices.Contains(c.Live, role))
}

// LiveField tells whether a realtime event may carry field.
func (c *Collection) LiveField(role Role, field string) bool {
	if c.LiveFields == nil {
		return c.Readable(role, field)
	}
	return slices.Contains(c.LiveFields, field)
}

// Policy is the whole declaration: collections by name and the routes.
type Policy struct {
	Collections map[string]*Collection
	Routes      map[string]Route
}

// Collection returns the declaration of a collection, nil when there is none
// (and then nobody but the superuser reaches it).
func (p *Policy) Collection(name string) *Collection {
	return p.Collections[name]
}

// Personal tells whether a collection holds personal data.
func (p *Policy) Personal(name string) bool {
	c := p.Collections[name]
	return c != nil && c.Personal
}

// New builds a policy from collection declarations and routes.
func New(collections []*Collection, routes []Route) *Policy {
	p := &Policy{Collections: map[string]*Collection{}, Routes: map[string]Route{}}
	for _, c := range collections {
		p.Collections[c.Name] = c
	}
	for _, r := range routes {
		p.Routes[r.Pattern] = r
	}
	return p
}

// Add declares more collections and routes (a service defined at start-up
// adds its own).
func (p *Policy) Add(collections []*Collection, routes []Route) {
	for _, c := range collections {
		p.Collections[c.Name] = c
	}
	for _, r := range routes {
		p.Routes[r.Pattern] = r
	}
}

func staffRead(fields ...string) map[Role][]string {
	return map[Role][]string{Officer: fields, Supervisor: fields}
}

func supervisorOnly(fields ...string) map[Role][]string {
	return map[Role][]string{Supervisor: fields}
}

// Teduh is the policy of the complaint service and the office.
func Teduh() *Policy {
	return New(teduhCollections(), teduhRoutes)
}

// caseQuery are the workflow fields of a service's cases, usable in
// filters and sorts by staff.
var caseQuery = []string{"id", "number", "status", "urgency", "current_step", "assigned_to", "channel",
	"due_at", "first_response_due_at", "first_response_at", "verified_at", "closed_at", "created", "updated"}

// ServiceCollections are the declarations of a service's case and step
// collections: personal, read by staff within the collections' own rules,
// queried on their workflow fields (plus the extra fields named), live
// events with the queue's fields only.
func ServiceCollections(cases, steps string, extraQuery ...string) []*Collection {
	return []*Collection{
		{
			Name:     cases,
			Personal: true,
			Read:     staffRead(AllFields),
			Query:    staffRead(append(slices.Clone(caseQuery), extraQuery...)...),
			Live:     Staff,
			// a live event tells a console that a case changed, never its story
			LiveFields: []string{"id", "collectionId", "collectionName", "number", "urgency", "status", "current_step",
				"assigned_to", "due_at", "first_response_at", "first_response_due_at", "verified_at", "closed_at",
				"channel", "created", "updated"},
		},
		{
			Name:       steps,
			Personal:   true,
			Read:       staffRead(AllFields),
			Query:      staffRead("id", "complaint", "step", "step_code", "outcome", "actor", "created"),
			Live:       Staff,
			LiveFields: []string{"id", "collectionId", "collectionName", "complaint", "step", "step_code", "outcome", "actor", "actor_kind", "created"},
		},
	}
}

// ServiceSpec describes a service defined by its definition files, for
// its policy entries.
type ServiceSpec struct {
	Cases, Steps, Clocks string
	// Roles are the staff roles that handle the service.
	Roles []Role
	// Personal is true when the definition names personal fields.
	Personal bool
	// Query are the extra fields of the cases usable in filter and sort.
	Query []string
	// Files are the cases' file fields.
	Files []string
}

// ServiceCollectionsFor are the declarations of a service made from its
// definitions: the case and step collections as ServiceCollections, read
// only by the roles that handle the service, and its clocks.
func ServiceCollectionsFor(spec ServiceSpec) []*Collection {
	out := ServiceCollections(spec.Cases, spec.Steps, spec.Query...)
	if spec.Clocks != "" {
		out = append(out, ClockCollection(spec.Clocks))
	}
	only := func(m map[Role][]string) map[Role][]string {
		res := map[Role][]string{}
		for _, r := range spec.Roles {
			if v, ok := m[r]; ok {
				res[r] = v
			}
		}
		return res
	}
	for _, c := range out {
		c.Personal = spec.Personal
		c.Read, c.Query, c.Expand = only(c.Read), only(c.Query), only(c.Expand)
		c.Live = slices.DeleteFunc(slices.Clone(c.Live), func(r Role) bool { return !slices.Contains(spec.Roles, r) })
	}
	out[0].Files = spec.Files
	return out
}

// ClockCollection is the declaration of a service's clocks: one row per
// case and declared clock, pointing at a case (so reading it is personal),
// written by the server only.
func ClockCollection(name string) *Collection {
	return &Collection{
		Name:     name,
		Personal: true,
		Read:     staffRead(AllFields),
		Query:    staffRead("id", "complaint", "clock", "status", "started_at", "due_at", "met_at", "created", "updated"),
	}
}

func teduhCollections() []*Collection {
	complaint := ServiceCollections("complaints", "case_steps", "victim_district", "victim_name", "reporter_name", "report_number")
	complaint[0].Files = []string{"identity_document"}
	complaint = append(complaint, ClockCollection("case_clocks"))
	return append(complaint, []*Collection{
		{
			Name:       "referrals",
			Personal:   true,
			Read:       staffRead(AllFields),
			Query:      staffRead("id", "complaint", "institution", "status", "priority", "letter_number", "sent_at", "responded_at", "created", "updated"),
			Expand:     staffRead("institution"),
			Files:      []string{"letter_file"},
			Live:       Staff,
			LiveFields: []string{"id", "collectionId", "collectionName", "complaint", "institution", "status", "letter_number", "created", "updated"},
		},
		{
			// a case's perpetrators (SIMFONI): part of the case, read by those
			// who may read it
			Name:     "perpetrators",
			Personal: true,
			Read:     staffRead(AllFields),
			Query:    staffRead("id", "complaint", "same_as", "created", "updated"),
		},
		{
			Name:  "referral_institutions",
			Read:  staffRead(AllFields),
			Query: staffRead("id", "name", "type", "active", "created", "updated"),
		},
		{
			// a notification points at a case (its link is personal) and is
			// read only by its recipient
			Name:     "notifications",
			Personal: true,
			Read: staffRead("id", "collectionId", "collectionName", "recipient", "complaint", "service", "case_id", "kind", "message", "read", "key",
				"email_status", "emailed_at", "created", "updated"),
			Query: staffRead("id", "recipient", "complaint", "service", "case_id", "kind", "read", "created", "updated"),
			Live:  Staff,
		},
		{
			Name: "staff",
			// password_must_change: the console of that account asks for a
			// new password (PocketBase still shows only one's own e-mail; the
			// supervisors' list with e-mails is GET /api/staff-accounts)
			Read: staffRead("id", "collectionId", "collectionName", "email", "emailVisibility", "verified", "name", "role",
				"phone", "nip", "active", "password_must_change", "created", "updated"),
			Query: staffRead("id", "name", "role", "active", "created"),
		},
		{
			// every field, the set-up page's (sample, sapa_name,
			// suggestion_box) included: the profile is the office's public face
			Name:  "office",
			Read:  staffRead(AllFields),
			Query: staffRead("id"),
			Files: []string{"emblem"},
		},
		{
			// the office calendar: everyone on duty reads it (deadlines in
			// working days), supervisors keep it (the collection's rules)
			Name:  "holidays",
			Read:  staffRead(AllFields),
			Query: staffRead("id", "date", "name", "kind", "created"),
		},
		{
			// a batch of complaints marked as spam names the cases
			Name:     "spam_batches",
			Personal: true,
			Read:     supervisorOnly(AllFields),
			Query:    supervisorOnly("id", "size", "undone_at", "created"),
		},
		{
			// the trail itself names who looked at which case, and what they
			// searched for: reading it is a read of personal data too
			Name:     "audit_log",
			Personal: true,
			Read:     supervisorOnly(AllFields),
			Query:    supervisorOnly("id", "seq", "action", "collection_name", "record_id", "actor_id", "actor_collection", "on_behalf_of", "created"),
		},
	}...)
}
