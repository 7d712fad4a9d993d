package pb_hooks_test

// The access gate tested by generating the paths, not by listing the ones
// someone thought of. From every collection a role can reach, every relation
// path up to depth 3 (forward relations and back-relations x_via_y) and
// every field at its end becomes a filter (with four operators), a sort and
// an expand. Each request is sent twice: once against the real data, and
// once after every record the role may not see has had its content changed
// underneath. Whatever the gate lets through must answer the same both
// times — same status, same count, same records in the same order — or the
// answer depended on something the caller may not see. No answer may carry
// a hidden record's values. The same paths are tried as realtime
// subscription options.

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teduh/internal/access"
)

// relPath is a relation path from a start collection.
type relPath struct {
	segs    []string // e.g. ["notifications_via_recipient", "complaint"]
	end     string   // the collection the path arrives at
	through []string // every collection entered after the start
}

func (p relPath) String() string { return strings.Join(p.segs, ".") }

// relationPaths lists every path of 0..depth hops from start.
func relationPaths(app core.App, start string, depth int) []relPath {
	cols, err := app.FindAllCollections()
	if err != nil {
		panic(err)
	}
	byID := map[string]*core.Collection{}
	for _, c := range cols {
		byID[c.Id] = c
	}
	byName := func(n string) *core.Collection {
		for _, c := range cols {
			if c.Name == n {
				return c
			}
		}
		return nil
	}
	out := []relPath{{end: start}}
	frontier := []relPath{{end: start}}
	for d := 0; d < depth; d++ {
		var next []relPath
		for _, p := range frontier {
			cur := byName(p.end)
			if cur == nil {
				continue
			}
			// forward relations
			for _, f := range cur.Fields {
				rf, ok := f.(*core.RelationField)
				if !ok || byID[rf.CollectionId] == nil {
					continue
				}
				target := byID[rf.CollectionId].Name
				next = append(next, relPath{segs: append(slices.Clone(p.segs), rf.Name), end: target, through: append(slices.Clone(p.through), target)})
			}
			// back-relations: every relation field elsewhere pointing here
			for _, k := range cols {
				for _, f := range k.Fields {
					if rf, ok := f.(*core.RelationField); ok && rf.CollectionId == cur.Id {
						seg := k.Name + "_via_" + rf.Name
						next = append(next, relPath{segs: append(slices.Clone(p.segs), seg), end: k.Name, through: append(slices.Clone(p.through), k.Name)})
					}
				}
			}
		}
		out = append(out, next...)
		frontier = next
	}
	return out
}

// genProbe is one generated request and what came back.
type genProbe struct {
	path   string // URL path with query
	refuse bool   // the policy must refuse it (400)
	status int
	total  any
	ids    string
	body   string
}

// genWorld is the authorization fixture plus a referral on officer A's
// case, seen by officer B and the supervisor as far as each may.
type genWorld struct {
	*authzFixture
	referralX string
}

func newGenWorld(t *testing.T) *genWorld {
	f := newAuthzFixture(t)
	h := f.h
	// tens of thousands of requests: PocketBase's request log would only
	// slow them down (its redaction has its own test)
	h.App.Settings().Logs.MaxDays = 0
	inst, err := h.App.FindFirstRecordByFilter("referral_institutions", "type = 'health'")
	if err != nil {
		t.Fatal(err)
	}
	res := h.Do("POST", "/api/collections/referrals/records", map[string]any{
		"complaint": f.caseX.Id, "institution": inst.Id, "services": "Visum et repertum untuk Ani Lestari", "reason": "Luka memar di lengan Ani Lestari"}, f.tokens[actorA])
	if res.Status != 200 {
		t.Fatalf("referral: %d %s", res.Status, res)
	}
	return &genWorld{authzFixture: f, referralX: res.JSON["id"].(string)}
}

// hiddenFrom lists, per collection, the records a role may not see.
func (w *genWorld) hiddenFrom(t *testing.T, viewer *core.Record) map[string][]string {
	h := w.h
	hidden := map[string][]string{}
	ids := func(coll, filter string, params dbx.Params) []string {
		recs, err := h.App.FindRecordsByFilter(coll, filter, "", 0, 0, params)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range recs {
			out = append(out, r.Id)
		}
		return out
	}
	if viewer.GetString("role") == "officer" {
		p := dbx.Params{"me": viewer.Id}
		hidden["complaints"] = ids("complaints", "assigned_to != '' && assigned_to != {:me}", p)
		// every personal collection that hangs off a case: its records of
		// the hidden cases (steps, referrals, and whatever comes next)
		complaints, _ := h.App.FindCollectionByNameOrId("complaints")
		for name, c := range access.Teduh().Collections {
			coll, err := h.App.FindCollectionByNameOrId(name)
			if !c.Personal || err != nil || name == "notifications" {
				continue
			}
			for _, f := range coll.Fields {
				if rf, ok := f.(*core.RelationField); ok && rf.CollectionId == complaints.Id {
					hidden[name] = append(hidden[name], ids(name, rf.Name+".assigned_to != '' && "+rf.Name+".assigned_to != {:me}", p)...)
				}
			}
		}
	}
	hidden["notifications"] = ids("notifications", "recipient != {:me}", dbx.Params{"me": viewer.Id})
	return hidden
}

// mutateHidden changes every value of the hidden records underneath (no
// hooks, no rules): what depends on them now answers differently.
func mutateHidden(t *testing.T, app core.App, hidden map[string][]string) {
	t.Helper()
	for coll, ids := range hidden {
		c, err := app.FindCollectionByNameOrId(coll)
		if err != nil {
			t.Fatal(err)
		}
		var sets []string
		for _, f := range c.Fields {
			name := f.GetName()
			if name == "id" {
				continue
			}
			switch f.(type) {
			case *core.RelationField, *core.AutodateField:
				continue // who owns a record decides who sees it: kept
			case *core.TextField, *core.EmailField, *core.URLField, *core.SelectField, *core.EditorField:
				sets = append(sets, fmt.Sprintf("[[%s]] = 'qq' || [[id]]", name))
			case *core.NumberField:
				sets = append(sets, fmt.Sprintf("[[%s]] = [[%s]] + 97", name, name))
			case *core.BoolField:
				sets = append(sets, fmt.Sprintf("[[%s]] = NOT [[%s]]", name, name))
			case *core.DateField:
				sets = append(sets, fmt.Sprintf("[[%s]] = '2001-02-03 04:05:06.000Z'", name))
			case *core.JSONField:
				sets = append(sets, fmt.Sprintf(`[[%s]] = '["qq"]'`, name))
			}
		}
		for _, id := range ids {
			if _, err := app.DB().NewQuery("UPDATE " + coll + " SET " + strings.Join(sets, ", ") + " WHERE id = {:id}").
				Bind(dbx.Params{"id": id}).Execute(); err != nil {
				t.Fatalf("mutate %s/%s: %v", coll, id, err)
			}
		}
	}
}

// hiddenValues are the distinctive strings of the hidden records, which no
// answer to the role may contain.
func hiddenValues(t *testing.T, app core.App, hidden map[string][]string) []string {
	var out []string
	for coll, ids := range hidden {
		for _, id := range ids {
			rec, err := app.FindRecordById(coll, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"victim_name", "victim_nik", "victim_address", "reporter_name", "reporter_phone", "chronology", "notes", "services", "reason", "message"} {
				if v := rec.GetString(name); len(v) >= 6 && !strings.HasPrefix(v, "Pengaduan") {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// sampleValue is a value of field worth asking about: the hidden record's,
// where there is one, so that an oracle would answer "yes".
func sampleValue(app core.App, coll, field string, hidden map[string][]string) string {
	for _, id := range hidden[coll] {
		if rec, err := app.FindRecordById(coll, id); err == nil {
			if v := rec.GetString(field); v != "" && v != "[]" {
				if len(v) > 6 {
					v = v[:6]
				}
				return strings.ReplaceAll(v, "'", "")
			}
		}
	}
	return "a"
}

// probes generates the requests for a role starting at a collection.
func probes(app core.App, policy *access.Policy, role access.Role, start string, hidden map[string][]string) []genProbe {
	var out []genProbe
	base := "/api/collections/" + start + "/records?perPage=200&fields=id&"
	cp := policy.Collection(start)
	for _, p := range relationPaths(app, start, 3) {
		endColl, err := app.FindCollectionByNameOrId(p.end)
		if err != nil {
			continue
		}
		personalHop := false
		for _, c := range p.through {
			if policy.Personal(c) {
				personalHop = true
			}
		}
		for _, f := range endColl.Fields {
			field := f.GetName()
			if len(p.segs) == 0 && field == "id" {
				continue
			}
			ident := field
			if len(p.segs) > 0 {
				ident = p.String() + "." + field
			}
			// what the policy must refuse: for staff anything not declared
			// for the collection; for the superuser a path through a
			// personal collection
			var refuse bool
			if role == access.Superuser {
				refuse = personalHop
			} else {
				refuse = len(p.segs) > 0 || !slices.Contains(cp.Query[role], field)
			}
			v := sampleValue(app, p.end, field, hidden)
			for _, op := range []string{"~", "!~", "=", "!="} {
				filter := fmt.Sprintf("%s %s '%s'", ident, op, v)
				out = append(out, genProbe{path: base + "filter=" + url.QueryEscape(filter), refuse: refuse})
			}
			out = append(out, genProbe{path: base + "sort=" + url.QueryEscape(ident+",id"), refuse: refuse})
		}
		if len(p.segs) > 0 {
			refuse := role != access.Superuser && !slices.Contains(cp.Expand[role], p.String())
			out = append(out, genProbe{path: base + "fields=&expand=" + url.QueryEscape(p.String()), refuse: refuse})
		}
	}
	return out
}

// run sends the probes; with answered, only those the gate let through
// the first time (a refusal is decided before any data is read).
func (w *genWorld) run(t *testing.T, token string, ps []genProbe, answered bool) {
	t.Helper()
	for i := range ps {
		p := &ps[i]
		if answered && p.status == 400 {
			continue
		}
		// each probe from its own address: PocketBase slows repeated empty
		// searches from one address down (up to half a second each), which
		// would only make this test slow
		res := w.h.DoFrom(fmt.Sprintf("10.%d.%d.%d:4000", i>>16&255, i>>8&255, i&255), "GET", p.path, nil, token)
		p.status, p.total, p.body = res.Status, res.JSON["totalItems"], res.String()
		p.ids = strings.Join(authzItemIDs(res), ",")
	}
}

// TestGateGeneratedPathsLeakNothing is the generated battery for officer B,
// the supervisor and the superuser.
func TestGateGeneratedPathsLeakNothing(t *testing.T) {
	for _, tc := range []struct {
		actor string
		role  access.Role
	}{{actorB, access.Officer}, {actorSupervisor, access.Supervisor}, {actorSuperuser, access.Superuser}} {
		t.Run(tc.actor, func(t *testing.T) {
			t.Parallel()
			w := newGenWorld(t)
			h := w.h
			// the policy in force: the declared one and what the services
			// made from their definitions added at start-up
			policy := h.Teduh.Policy()
			token := w.tokens[tc.actor]
			var viewer *core.Record
			switch tc.actor {
			case actorB:
				viewer = w.officerB
			case actorSupervisor:
				viewer = w.supervisor
			}
			hidden := map[string][]string{}
			if viewer != nil {
				hidden = w.hiddenFrom(t, viewer)
			}
			secretsOf := hiddenValues(t, h.App, hidden)

			var starts []string
			for name, c := range policy.Collections {
				if c.CanRead(tc.role) {
					starts = append(starts, name)
				}
			}
			sort.Strings(starts)
			var all []genProbe
			for _, s := range starts {
				all = append(all, probes(h.App, policy, tc.role, s, hidden)...)
			}
			w.run(t, token, all, false)
			before := slices.Clone(all)
			mutateHidden(t, h.App, hidden)
			w.run(t, token, all, true)

			refused, allowed := 0, 0
			for i, p := range all {
				b := before[i]
				if p.refuse {
					if b.status != 400 {
						t.Errorf("%s: want the gate's 400, got %d: %s", p.path, b.status, b.body)
					}
					refused++
					continue
				}
				allowed++
				// the trail grows with every request of this test: its own
				// answers change for that reason, not because of hidden data
				growing := strings.HasPrefix(p.path, "/api/collections/audit_log/")
				if !growing && (b.status != p.status || fmt.Sprint(b.total) != fmt.Sprint(p.total) || b.ids != p.ids) {
					t.Errorf("%s answers differently once hidden records change: %d/%v/[%s] then %d/%v/[%s]",
						p.path, b.status, b.total, b.ids, p.status, p.total, p.ids)
				}
				for _, s := range secretsOf {
					if strings.Contains(b.body, s) {
						t.Errorf("%s carries a hidden value %q", p.path, s)
					}
				}
			}
			t.Logf("%s: %d generated requests, %d refused by the gate, %d answered identically", tc.actor, len(all), refused, allowed)
			if refused == 0 || len(all) < 500 {
				t.Fatalf("the generator produced too little: %d requests, %d refused", len(all), refused)
			}
		})
	}
}

// TestGateGeneratedRealtimeOptions tries the same paths as the options of
// live subscriptions: every traversal and every expand is refused; what is
// allowed carries no event about a case the subscriber may not see.
func TestGateGeneratedRealtimeOptions(t *testing.T) {
	w := newGenWorld(t)
	h := w.h
	policy := h.Teduh.Policy()
	srv := h.liveServer()
	live := connectLive(t, srv.URL)
	tokB := w.tokens[actorB]

	var allowedTopics []string
	tried := 0
	for name, c := range policy.Collections {
		for _, p := range relationPaths(h.App, name, 3) {
			endColl, err := h.App.FindCollectionByNameOrId(p.end)
			if err != nil {
				continue
			}
			for _, f := range endColl.Fields {
				ident := f.GetName()
				if len(p.segs) > 0 {
					ident = p.String() + "." + ident
				}
				topic := name + "/*" + options(map[string]any{"filter": ident + " != ''"})
				status, body := live.subscribe(tokB, topic)
				tried++
				allowed := c.CanSubscribe(access.Officer) && len(p.segs) == 0 && slices.Contains(c.Query[access.Officer], f.GetName())
				switch {
				case allowed && status == 204:
					allowedTopics = append(allowedTopics, topic)
				case allowed:
					t.Errorf("%s: a declared filter refused: %d %s", topic, status, body)
				case status != 400:
					t.Errorf("%s: want 400, got %d %s", topic, status, body)
				}
			}
			if len(p.segs) > 0 {
				topic := name + "/*" + options(map[string]any{"expand": p.String()})
				if status, body := live.subscribe(tokB, topic); status != 400 {
					t.Errorf("%s: an expand in a subscription: %d %s", topic, status, body)
				}
				tried++
			}
		}
	}
	t.Logf("%d subscriptions tried, %d allowed", tried, len(allowedTopics))
	if len(allowedTopics) == 0 || tried < 200 {
		t.Fatalf("the generator produced too little: %d tried, %d allowed", tried, len(allowedTopics))
	}

	// everything allowed at once, plus the plain topics
	allowedTopics = append(allowedTopics, "complaints/*", "case_steps/*", "referrals/*", "notifications/*")
	for i := 0; i < len(allowedTopics); i += 900 {
		end := min(i+900, len(allowedTopics))
		if status, body := live.subscribe(tokB, allowedTopics[i:end]...); status != 204 {
			t.Fatalf("subscribe: %d %s", status, body)
		}
	}
	// officer A works on A's case X; an unassigned case arrives
	h.mustStep(w.tokens[actorA], w.caseX.Id, 3, "incomplete", "Korban belum membawa KTP.", map[string]any{"requirements_complete": false})
	if res := h.Do("PATCH", "/api/collections/complaints/records/"+w.caseX.Id, map[string]any{"victim_address": "Alamat persembunyian baru"}, w.tokens[actorA]); res.Status != 200 {
		t.Fatalf("A edits X: %d %s", res.Status, res)
	}
	fresh := h.submit(validComplaint())
	live.waitFor("the new unassigned case", func(ev []liveEvent) bool {
		for _, e := range ev {
			if strings.Contains(e.Data, fresh.Id) {
				return true
			}
		}
		return false
	})
	for _, e := range live.received() {
		for _, hiddenID := range []string{w.caseX.Id, w.caseZ.Id, w.referralX} {
			if strings.Contains(e.Data, `"id":"`+hiddenID+`"`) || (strings.Contains(e.Data, hiddenID) && !strings.HasPrefix(e.Name, "notifications/")) {
				t.Errorf("officer B received an event about a record of officer A's case: %s %s", e.Name, e.Data)
			}
		}
		expectNoSecrets(t, "live event", e.Data)
	}
}
