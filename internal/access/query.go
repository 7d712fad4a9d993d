package access

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/ganigeorgiev/fexpr"
	"github.com/pocketbase/pocketbase/tools/search"
)

// Schema is what the checks need to know of the collections: whether one
// exists and, for a field, whether it exists and where it points.
type Schema interface {
	HasCollection(name string) bool
	// Field reports whether the collection has the field and, for a
	// relation, the name of the collection it points to.
	Field(collection, field string) (target string, ok bool)
}

// Refusal is a query the policy does not allow: a 400 for the caller.
type Refusal struct {
	Param   string // filter, sort, expand, fields, options, topic
	Path    string // the identifier or path refused
	Code    string
	Message string
}

func (r *Refusal) Error() string { return r.Message }

func refuse(param, path, code, message string) *Refusal {
	return &Refusal{Param: param, Path: path, Code: code, Message: message}
}

// modifiers PocketBase accepts on a field in a client filter.
var allowedModifiers = []string{"lower", "length", "each"}

// macros are date and time values, not data.
var macros = []string{"@now", "@second", "@minute", "@hour", "@weekday", "@day", "@month", "@year",
	"@yesterday", "@tomorrow", "@todayStart", "@todayEnd", "@monthStart", "@monthEnd", "@yearStart", "@yearEnd"}

// viaRe is PocketBase's back-relation syntax: collection_via_field.
var viaRe = regexp.MustCompile(`^(\w+)_via_(\w+)$`)

// CheckFilter checks a client filter on collection for role, parsing it with
// PocketBase's own parser. A filter that does not parse is left to
// PocketBase, which refuses it.
func (p *Policy) CheckFilter(s Schema, role Role, collection, filter string) *Refusal {
	if strings.TrimSpace(filter) == "" {
		return nil
	}
	groups, err := fexpr.Parse(filter)
	if err != nil {
		return refuse("filter", "", "invalid_filter", "Filter tidak dapat dibaca: "+err.Error())
	}
	return p.checkGroups(s, role, collection, "filter", groups)
}

func (p *Policy) checkGroups(s Schema, role Role, collection, param string, groups []fexpr.ExprGroup) *Refusal {
	for _, g := range groups {
		switch item := g.Item.(type) {
		case fexpr.Expr:
			for _, tok := range []fexpr.Token{item.Left, item.Right} {
				if r := p.checkToken(s, role, collection, param, tok); r != nil {
					return r
				}
			}
		case []fexpr.ExprGroup:
			if r := p.checkGroups(s, role, collection, param, item); r != nil {
				return r
			}
		}
	}
	return nil
}

func (p *Policy) checkToken(s Schema, role Role, collection, param string, tok fexpr.Token) *Refusal {
	switch tok.Type {
	case fexpr.TokenIdentifier:
		return p.checkIdentifier(s, role, collection, param, tok.Literal)
	case fexpr.TokenFunction:
		if role != Superuser {
			return refuse(param, tok.Literal+"()", "function_not_allowed",
				fmt.Sprintf("Fungsi %s() tidak dapat dipakai dalam %s.", tok.Literal, paramLabel(param)))
		}
		args, _ := tok.Meta.([]fexpr.Token)
		for _, a := range args {
			if r := p.checkToken(s, role, collection, param, a); r != nil {
				return r
			}
		}
	}
	return nil
}

// checkIdentifier allows, for staff, only the declared plain fields of the
// collection; for the superuser any path that does not pass through a
// personal collection other than the one asked about.
func (p *Policy) checkIdentifier(s Schema, role Role, collection, param, ident string) *Refusal {
	if slices.Contains(macros, ident) || ident == "true" || ident == "false" || ident == "null" {
		return nil // values, not data
	}
	if ident == "@request.auth.id" || ident == "@request.auth.collectionName" {
		return nil
	}
	path, modifier, _ := strings.Cut(ident, ":")
	if modifier != "" && !slices.Contains(allowedModifiers, modifier) && role != Superuser {
		return refuse(param, ident, "modifier_not_allowed",
			fmt.Sprintf("Pengubah \":%s\" tidak dapat dipakai dalam %s.", modifier, paramLabel(param)))
	}
	if role != Superuser {
		c := p.Collection(collection)
		var allowed []string
		if c != nil {
			allowed = c.Query[role]
		}
		if !slices.Contains(allowed, path) {
			return refuse(param, ident, param+"_not_allowed", fmt.Sprintf(
				"Kolom %q tidak dapat dipakai dalam %s untuk %s. Yang dapat dipakai: %s.",
				ident, paramLabel(param), collection, strings.Join(allowed, ", ")))
		}
		return nil
	}
	// the superuser: no collection the path enters may hold personal data
	// (the records it reaches would be read without being recorded)
	start := collection
	segments := strings.Split(path, ".")
	switch {
	case strings.HasPrefix(path, "@collection."):
		if len(segments) < 3 {
			return nil
		}
		start, segments = segments[1], segments[2:]
		if p.Personal(start) {
			return refuse(param, ident, "personal_path", fmt.Sprintf(
				"Koleksi %s berisi data pribadi dan tidak dapat dibaca melalui @collection dalam %s: pembacaan itu tidak tercatat. Buka koleksi %s langsung.",
				start, paramLabel(param), start))
		}
	case strings.HasPrefix(path, "@request.auth."):
		return nil // the superuser's own record: no relation to a case
	case strings.HasPrefix(path, "@"):
		return nil
	}
	hops, ok := Resolve(s, start, segments)
	if !ok {
		return nil // PocketBase refuses an unknown field itself
	}
	for _, h := range hops {
		// a hop back into the same collection reaches other records too
		if p.Personal(h) {
			return refuse(param, ident, "personal_path", fmt.Sprintf(
				"Jalur %q melewati koleksi %s yang berisi data pribadi; pembacaan melalui relasi tidak tercatat. Buka koleksi %s langsung.",
				ident, h, h))
		}
	}
	return nil
}

// Resolve walks a dotted path from a collection and returns every collection
// it enters after the start (relations and back-relations). ok is false for
// a field that does not exist.
func Resolve(s Schema, start string, segments []string) (hops []string, ok bool) {
	current := start
	for i, seg := range segments {
		seg, _, _ = strings.Cut(seg, ":")
		last := i == len(segments)-1
		if m := viaRe.FindStringSubmatch(seg); m != nil && s.HasCollection(m[1]) {
			if target, exists := s.Field(m[1], m[2]); exists && target == current {
				current = m[1]
				hops = append(hops, current)
				continue
			}
		}
		target, exists := s.Field(current, seg)
		if !exists {
			return hops, false
		}
		if target == "" || last {
			// a plain field (a JSON field may be followed by keys inside
			// it), or a relation compared by its id
			return hops, true
		}
		current = target
		hops = append(hops, current)
	}
	return hops, true
}

// CheckSort checks a client sort like "-created,name".
func (p *Policy) CheckSort(s Schema, role Role, collection, sort string) *Refusal {
	if strings.TrimSpace(sort) == "" {
		return nil
	}
	for _, f := range search.ParseSortFromString(sort) {
		if f.Name == "@random" || f.Name == "@rowid" {
			continue
		}
		if r := p.checkIdentifier(s, role, collection, "sort", f.Name); r != nil {
			return r
		}
	}
	return nil
}

// CheckExpand checks a comma-separated list of relation paths to expand.
func (p *Policy) CheckExpand(s Schema, role Role, collection, expand string) *Refusal {
	if strings.TrimSpace(expand) == "" || role == Superuser {
		return nil // what the superuser expands passes the gate's audit
	}
	c := p.Collection(collection)
	for _, path := range strings.Split(expand, ",") {
		path = strings.TrimSpace(path)
		if path == "" {
			continue
		}
		var allowed []string
		if c != nil {
			allowed = c.Expand[role]
		}
		if !slices.Contains(allowed, path) {
			msg := fmt.Sprintf("Relasi %q tidak dapat diperluas (expand) pada %s.", path, collection)
			if len(allowed) > 0 {
				msg += " Yang dapat diperluas: " + strings.Join(allowed, ", ") + "."
			}
			return refuse("expand", path, "expand_not_allowed", msg)
		}
	}
	return nil
}

// CheckQuery checks the query parameters of a records request (list, view,
// or the record a write answers with).
func (p *Policy) CheckQuery(s Schema, role Role, collection string, q url.Values) *Refusal {
	// one value each: what is checked is what PocketBase applies
	for _, k := range []string{"filter", "sort", "expand", "fields"} {
		if len(q[k]) > 1 {
			return refuse(k, k, "repeated_param", fmt.Sprintf("Parameter %s hanya boleh dikirim sekali.", k))
		}
	}
	if r := p.CheckFilter(s, role, collection, q.Get("filter")); r != nil {
		return r
	}
	if r := p.CheckSort(s, role, collection, q.Get("sort")); r != nil {
		return r
	}
	return p.CheckExpand(s, role, collection, q.Get("expand"))
}

// Topic is a parsed realtime subscription.
type Topic struct {
	Collection string // as written: a name or an id
	Record     string // "*" for every record
	Query      map[string]string
	Headers    map[string]string
}

// ParseTopic reads a subscription the way PocketBase's realtime broker does
// ("complaints/*?options={"query":{"fields":"id"}}").
func ParseTopic(sub string) (Topic, *Refusal) {
	base, rawQuery, _ := strings.Cut(sub, "?")
	coll, rec, _ := strings.Cut(base, "/")
	if rec == "" {
		rec = "*"
	}
	t := Topic{Collection: coll, Record: rec, Query: map[string]string{}, Headers: map[string]string{}}
	if rawQuery == "" {
		return t, nil
	}
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return t, refuse("subscriptions", sub, "invalid_topic", "Langganan tidak dapat dibaca.")
	}
	for k := range values {
		if k != "options" {
			return t, refuse("subscriptions", sub, "invalid_topic", "Langganan hanya menerima parameter options.")
		}
	}
	if raw := values.Get("options"); raw != "" {
		var opts struct {
			Query   map[string]any `json:"query"`
			Headers map[string]any `json:"headers"`
		}
		if err := json.Unmarshal([]byte(raw), &opts); err != nil {
			return t, refuse("subscriptions", sub, "invalid_topic", "Pilihan langganan (options) harus berupa JSON.")
		}
		for k, v := range opts.Query {
			t.Query[k] = fmt.Sprint(v)
		}
		for k, v := range opts.Headers {
			t.Headers[k] = fmt.Sprint(v)
		}
	}
	return t, nil
}

// CheckTopic checks one realtime subscription for role: the collection must
// let the role subscribe; the options may narrow the fields (keeping the id)
// and filter on declared fields, nothing else.
func (p *Policy) CheckTopic(s Schema, role Role, collection string, t Topic) *Refusal {
	c := p.Collection(collection)
	if !c.CanSubscribe(role) {
		return refuse("subscriptions", t.Collection, "subscription_not_allowed",
			fmt.Sprintf("Perubahan %s tidak dapat diikuti secara langsung.", t.Collection))
	}
	if len(t.Headers) > 0 && role != Superuser {
		return refuse("subscriptions", t.Collection, "options_not_allowed", "Langganan tidak menerima headers.")
	}
	for k, v := range t.Query {
		switch k {
		case "filter":
			if r := p.CheckFilter(s, role, collection, v); r != nil {
				r.Param = "subscriptions"
				return r
			}
		case "fields":
			// the gate names the record of each event it lets through
			if c.Personal && !slices.Contains(strings.Split(strings.ReplaceAll(v, " ", ""), ","), "id") && !strings.Contains(v, "*") {
				return refuse("subscriptions", t.Collection, "fields_without_id", "Pilihan fields pada langganan harus memuat id.")
			}
		case "expand":
			if v != "" {
				return refuse("subscriptions", t.Collection, "expand_not_allowed",
					"Peristiwa langsung tidak membawa relasi (expand); baca rinciannya melalui API.")
			}
		default:
			if role != Superuser {
				return refuse("subscriptions", t.Collection, "options_not_allowed",
					fmt.Sprintf("Pilihan %q tidak dikenal untuk langganan.", k))
			}
		}
	}
	return nil
}

func paramLabel(param string) string {
	switch param {
	case "sort":
		return "urutan (sort)"
	case "subscriptions":
		return "filter langganan"
	}
	return "filter"
}
