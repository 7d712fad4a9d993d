package pb_hooks

// The statistics SIMFONI-PPA asks for (GET /api/stats), kept as aggregates:
// every change of a case (its record, its perpetrators, its referrals, its
// declared clocks) computes again what the case contributes
// (simfoni.Vocab.Cells, plain Go) and applies the difference to the sums in
// the same transaction as the change. A question about ten years then adds
// up a few hundred thousand small rows instead of reading a million cases.
// A recount from the cases (RebuildStats) gives the same sums; it runs at
// start-up when the vocabulary file changed, so a changed category is a
// data change.

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"teduh/internal/definitions"
	"teduh/internal/engine"
	"teduh/internal/nik"
	"teduh/internal/simfoni"
)

// statsVersion changes when the way cells are computed changes (a new
// dimension): the aggregates are then counted again at start-up.
const statsVersion = "3"

// Collections whose changes change a case's contribution.
const (
	perpetratorsCollection = "perpetrators"
	clocksCollection       = "case_clocks"
)

func (t *Teduh) bindStats() {
	app := t.app
	app.OnRecordCreate(t.complaint.CaseCollection).BindFunc(t.statsOfCase)
	app.OnRecordUpdate(t.complaint.CaseCollection).BindFunc(t.statsOfCase)
	for _, c := range []string{perpetratorsCollection, referralsCollection, clocksCollection} {
		app.OnRecordCreate(c).BindFunc(t.statsOfChild)
		app.OnRecordUpdate(c).BindFunc(t.statsOfChild)
		app.OnRecordDelete(c).BindFunc(t.statsOfChild)
	}
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := t.ensureStats(se.App); err != nil {
			return err
		}
		g := se.Router.Group("/api").BindFunc(staffOnly)
		g.GET("/stats", t.statsRoute)
		return se.Next()
	})
}

// statsOfCase counts a case again after its record was written, inside the
// write's transaction.
func (t *Teduh) statsOfCase(e *core.RecordEvent) error {
	return inTx(e, func(tx core.App) error {
		if err := e.Next(); err != nil {
			return err
		}
		return t.refreshStats(tx, e.Record.Id)
	})
}

// statsOfChild counts the parent case again after a perpetrator, a
// referral or a clock changed.
func (t *Teduh) statsOfChild(e *core.RecordEvent) error {
	return inTx(e, func(tx core.App) error {
		if err := e.Next(); err != nil {
			return err
		}
		id := e.Record.GetString("complaint")
		if id == "" {
			return nil
		}
		return t.refreshStats(tx, id)
	})
}

// statsRow is what the statistics read of a complaint.
type statsRow struct {
	ID           string `db:"id"`
	Number       string `db:"number"`
	ReportNumber string `db:"report_number"`
	Created      string `db:"created"`
	District     string `db:"victim_district"`
	Channel      string `db:"channel"`
	Urgency      string `db:"urgency"`
	Status       string `db:"status"`
	Sex          string `db:"victim_sex"`
	BirthDate    string `db:"victim_birth_date"`
	NIK          string `db:"victim_nik"`
	Age          string `db:"victim_age"`
	Disability   string `db:"victim_disability"`
	Education    string `db:"victim_education"`
	Occupation   string `db:"victim_occupation"`
	Marital      string `db:"victim_marital_status"`
	IncidentDate string `db:"incident_date"`
	Place        string `db:"incident_place"`
	Violence     string `db:"violence_types"`
	Relation     string `db:"perpetrator_relation"`
	Services     string `db:"services_given"`
	FirstAt      string `db:"first_response_at"`
	VerifiedAt   string `db:"verified_at"`
	DueAt        string `db:"due_at"`
	ClosedAt     string `db:"closed_at"`
}

const statsRowColumns = `id, number, COALESCE(report_number, '') AS report_number,
	COALESCE(NULLIF(reported_at, ''), created) AS created, victim_district, channel, urgency, status,
	victim_sex, victim_birth_date, victim_nik, COALESCE(victim_age, '') AS victim_age, victim_disability,
	COALESCE(victim_education, '') AS victim_education, COALESCE(victim_occupation, '') AS victim_occupation,
	COALESCE(victim_marital_status, '') AS victim_marital_status, incident_date, incident_place,
	COALESCE(violence_types, '') AS violence_types, perpetrator_relation, COALESCE(services_given, '') AS services_given,
	first_response_at, verified_at, due_at, closed_at`

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	d, err := types.ParseDateTime(s)
	if err != nil {
		return time.Time{}
	}
	return d.Time()
}

func jsonList(s string) []string {
	var out []string
	if s != "" {
		_ = json.Unmarshal([]byte(s), &out)
	}
	return out
}

// facts turns a complaint row into the statistics' view of the case.
func (r *statsRow) facts(today time.Time) simfoni.Case {
	c := simfoni.Case{
		Number: r.Number, ReportNumber: r.ReportNumber, Reported: parseTime(r.Created),
		District: r.District, Channel: r.Channel, Urgency: r.Urgency, Status: r.Status,
		VictimSex: r.Sex, VictimAge: -1, Disability: r.Disability, Education: r.Education, Occupation: r.Occupation, Marital: r.Marital,
		IncidentDate: parseTime(r.IncidentDate), Place: r.Place, ViolenceTypes: jsonList(r.Violence), Relation: r.Relation,
		ServicesGiven:   jsonList(r.Services),
		FirstResponseAt: parseTime(r.FirstAt), VerifiedAt: parseTime(r.VerifiedAt), DueAt: parseTime(r.DueAt), ClosedAt: parseTime(r.ClosedAt),
	}
	if r.Age != "" {
		var age int
		if _, err := fmt.Sscan(r.Age, &age); err == nil {
			c.VictimAge = age
		}
	}
	c.BirthDate = parseTime(r.BirthDate)
	if c.BirthDate.IsZero() && r.NIK != "" {
		if info, err := nik.Parse(r.NIK, today); err == nil {
			c.BirthDate = info.BirthDate
		}
	}
	return c
}

// childFacts are a case's perpetrators, referrals, service steps and clocks.
type childFacts struct {
	perps  map[string][]simfoni.Perpetrator
	refs   map[string][]simfoni.Referral
	steps  map[string][]simfoni.Step
	clocks map[string][]simfoni.Clock
	// spam: the cases a supervisor withdrew as part of a flood (the last
	// spam mark is not undone); they are no case of SIMFONI's
	spam map[string]bool
}

// serviceSteps are the step codes the services are derived from.
func serviceSteps(v *simfoni.Vocab) []any {
	var out []any
	for _, s := range v.Lists[simfoni.ListServices] {
		for _, r := range s.Steps {
			out = append(out, r.Step)
		}
	}
	return out
}

// loadChildren reads the child records of some cases in four queries.
func loadChildren(app core.App, v *simfoni.Vocab, ids []any) (childFacts, error) {
	cf := childFacts{perps: map[string][]simfoni.Perpetrator{}, refs: map[string][]simfoni.Referral{},
		steps: map[string][]simfoni.Step{}, clocks: map[string][]simfoni.Clock{}, spam: map[string]bool{}}
	if len(ids) == 0 {
		return cf, nil
	}
	var perps []struct {
		Complaint  string `db:"complaint"`
		Sex        string `db:"sex"`
		Age        int    `db:"age"`
		AgeGroup   string `db:"age_group"`
		Relation   string `db:"relation"`
		Education  string `db:"education"`
		Occupation string `db:"occupation"`
		SameAs     string `db:"same_as"`
	}
	err := app.DB().Select("complaint", "sex", "age", "age_group", "relation", "education", "occupation", "COALESCE(same_as, '') AS same_as").
		From(perpetratorsCollection).Where(dbx.In("complaint", ids...)).OrderBy("created", "id").All(&perps)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return cf, err
	}
	for _, p := range perps {
		age := p.Age
		if age == 0 {
			age = -1 // 0 is "not known" for a perpetrator
		}
		cf.perps[p.Complaint] = append(cf.perps[p.Complaint], simfoni.Perpetrator{Sex: p.Sex, Age: age, AgeGroup: p.AgeGroup,
			Relation: p.Relation, Education: p.Education, Occupation: p.Occupation, SameAs: p.SameAs != ""})
	}
	var refs []struct {
		Complaint string `db:"complaint"`
		Type      string `db:"type"`
		Status    string `db:"status"`
	}
	err = app.DB().Select("r.complaint", "i.type", "r.status").From(referralsCollection+" r").
		InnerJoin(institutionsCollection+" i", dbx.NewExp("i.id = r.institution")).
		Where(dbx.In("r.complaint", ids...)).OrderBy("r.created", "r.id").All(&refs)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return cf, err
	}
	for _, r := range refs {
		cf.refs[r.Complaint] = append(cf.refs[r.Complaint], simfoni.Referral{InstitutionType: r.Type, Status: r.Status})
	}
	if codes := serviceSteps(v); len(codes) > 0 {
		var steps []struct {
			Complaint string        `db:"complaint"`
			Code      string        `db:"step_code"`
			Outcome   string        `db:"outcome"`
			Data      types.JSONRaw `db:"data"`
		}
		err = app.DB().Select("complaint", "step_code", "outcome", "data").From("case_steps").
			Where(dbx.In("complaint", ids...)).AndWhere(dbx.In("step_code", codes...)).All(&steps)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return cf, err
		}
		for _, s := range steps {
			var data map[string]any
			_ = json.Unmarshal(s.Data, &data)
			cf.steps[s.Complaint] = append(cf.steps[s.Complaint], simfoni.Step{Code: s.Code, Outcome: s.Outcome, Data: data})
		}
	}
	var clocks []struct {
		Complaint string `db:"complaint"`
		Clock     string `db:"clock"`
		Status    string `db:"status"`
	}
	err = app.DB().Select("complaint", "clock", "status").From(clocksCollection).Where(dbx.In("complaint", ids...)).All(&clocks)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return cf, err
	}
	for _, k := range clocks {
		cf.clocks[k.Complaint] = append(cf.clocks[k.Complaint], simfoni.Clock{Clock: k.Clock, Status: k.Status})
	}
	var marks []struct {
		Complaint string `db:"complaint"`
		Outcome   string `db:"outcome"`
	}
	err = app.DB().Select("complaint", "outcome").From("case_steps").
		Where(dbx.In("complaint", ids...)).AndWhere(dbx.In("outcome", OutcomeSpam, OutcomeSpamUndone)).
		OrderBy("created", "rowid").All(&marks)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return cf, err
	}
	for _, m := range marks {
		cf.spam[m.Complaint] = m.Outcome == OutcomeSpam
	}
	return cf, nil
}

func (cf childFacts) fill(id string, c *simfoni.Case) {
	c.Perpetrators, c.Referrals, c.Steps, c.Clocks = cf.perps[id], cf.refs[id], cf.steps[id], cf.clocks[id]
	c.Spam = cf.spam[id] && c.Status == engine.StatusWithdrawn
}

// CaseFacts reads one case as the statistics see it.
func CaseFacts(app core.App, id string, today time.Time) (simfoni.Case, error) {
	var row statsRow
	if err := app.DB().NewQuery("SELECT " + statsRowColumns + " FROM complaints WHERE id = {:id}").Bind(dbx.Params{"id": id}).One(&row); err != nil {
		return simfoni.Case{}, err
	}
	c := row.facts(today)
	cf, err := loadChildren(app, simfoni.Default, []any{id})
	if err != nil {
		return c, err
	}
	cf.fill(id, &c)
	return c, nil
}

// rowLabels name districts, statuses and institution types in the sheets.
func rowLabels() simfoni.RowLabels {
	return simfoni.RowLabels{
		District: func(d string) string {
			switch d {
			case "":
				return simfoni.UnknownLabel
			case definitions.OutsideArea:
				return "Luar wilayah"
			}
			return d
		},
		Status:      func(s string) string { return StatusLabels[s] },
		Institution: func(s string) string { return optionLabel(definitions.InstitutionTypes, s) },
	}
}

// contribution is a case's cells and its de-identified row, as stored.
type contribution struct {
	month string
	cells []simfoni.Cell
	row   []string
}

func contributionOf(c *simfoni.Case, loc *time.Location) contribution {
	v := simfoni.Default
	if c.Spam {
		return contribution{month: simfoni.MonthOf(c.Reported, loc)} // counted nowhere, no row
	}
	return contribution{month: simfoni.MonthOf(c.Reported, loc), cells: v.Cells(c, loc), row: v.Row(c, loc, rowLabels())}
}

// refreshStats counts one case again and applies the difference.
func (t *Teduh) refreshStats(app core.App, id string) error {
	env, office, err := t.env(app)
	if err != nil {
		return err
	}
	c, err := CaseFacts(app, id, env.Today())
	if err != nil {
		return err
	}
	next := contributionOf(&c, office.Location())
	var stored struct {
		Cells string `db:"cells"`
		Row   string `db:"row"`
	}
	err = app.DB().NewQuery("SELECT cells, row FROM teduh_stats_case WHERE complaint = {:id}").Bind(dbx.Params{"id": id}).One(&stored)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var old []simfoni.Cell
	if stored.Cells != "" {
		if err := json.Unmarshal([]byte(stored.Cells), &old); err != nil {
			return err
		}
	}
	cellsJSON, _ := json.Marshal(next.cells)
	rowText := joinRow(next.row)
	if string(cellsJSON) == stored.Cells && rowText == stored.Row {
		return nil // nothing the statistics see has changed
	}
	if err := applyCells(app, simfoni.Delta(old, next.cells)); err != nil {
		return err
	}
	if next.row == nil {
		_, err = app.DB().NewQuery("DELETE FROM teduh_stats_case WHERE complaint = {:id}").Bind(dbx.Params{"id": id}).Execute()
		return err
	}
	_, err = app.DB().NewQuery(`INSERT INTO teduh_stats_case (complaint, month, cells, row) VALUES ({:id}, {:m}, {:c}, {:r})
		ON CONFLICT (complaint) DO UPDATE SET month = excluded.month, cells = excluded.cells, row = excluded.row`).
		Bind(dbx.Params{"id": id, "m": next.month, "c": string(cellsJSON), "r": rowText}).Execute()
	return err
}

// joinRow keeps a de-identified row as tab-separated text: a year's
// workbook splits a hundred thousand of them, which is far cheaper than
// decoding JSON. Labels never hold a tab or a line break; any that did
// would become a space.
func joinRow(row []string) string {
	clean := make([]string, len(row))
	for i, v := range row {
		clean[i] = strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return ' '
			}
			return r
		}, v)
	}
	return strings.Join(clean, "\t")
}

// applyCells adds cells (positive or negative) to the sums: each to its
// month ("2026-03") and to its year ("2026"), so that a question about
// whole years reads one row where twelve would be.
func applyCells(app core.App, cells []simfoni.Cell) error {
	if len(cells) == 0 {
		return nil
	}
	withYears := make([]simfoni.Cell, 0, 2*len(cells))
	for _, c := range cells {
		withYears = append(withYears, c)
		if len(c.Month) == 7 {
			y := c
			y.Month = c.Month[:4]
			withYears = append(withYears, y)
		}
	}
	cells = simfoni.Merge(withYears)
	// one statement per hundred cells (a case contributes some fifty):
	// the text is fixed fragments and numbered placeholders
	for lo := 0; lo < len(cells); lo += 100 {
		chunk := cells[lo:min(lo+100, len(cells))]
		params := dbx.Params{}
		values := make([]string, len(chunk))
		var dropped []string
		for i, c := range chunk {
			m, d, x, k, n := fmt.Sprintf("m%d", i), fmt.Sprintf("d%d", i), fmt.Sprintf("x%d", i), fmt.Sprintf("k%d", i), fmt.Sprintf("n%d", i)
			params[m], params[d], params[x], params[k], params[n] = c.Month, c.District, c.Dim, c.Key, c.N
			values[i] = "({:" + m + "}, {:" + d + "}, {:" + x + "}, {:" + k + "}, {:" + n + "})"
			if c.N < 0 {
				dropped = append(dropped, "({:"+m+"}, {:"+d+"}, {:"+x+"}, {:"+k+"})")
			}
		}
		_, err := app.DB().NewQuery("INSERT INTO teduh_stats (month, district, dim, key, n) VALUES " + strings.Join(values, ", ") +
			" ON CONFLICT (month, district, dim, key) DO UPDATE SET n = n + excluded.n").Bind(params).Execute()
		if err != nil {
			return err
		}
		// a sum that came down to zero is removed: the table holds what exists
		if len(dropped) > 0 {
			_, err := app.DB().NewQuery("DELETE FROM teduh_stats WHERE n = 0 AND (month, district, dim, key) IN (VALUES " +
				strings.Join(dropped, ", ") + ")").Bind(params).Execute()
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// ensureStats counts every case again when the aggregates were made with
// another vocabulary or another version of the counting (or never).
func (t *Teduh) ensureStats(app core.App) error {
	want := simfoni.Default.Hash() + "/" + statsVersion
	var have string
	err := app.DB().NewQuery("SELECT value FROM teduh_stats_meta WHERE key = 'counted_with'").Row(&have)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if have == want {
		return nil
	}
	started := time.Now()
	n, err := RebuildStats(app)
	if err != nil {
		return fmt.Errorf("statistik tidak dapat dihitung ulang: %w", err)
	}
	app.Logger().Info("statistics counted again from the cases", "cases", n, "took", time.Since(started).String(), "vocabulary", want)
	return nil
}

// RebuildStats counts every case from scratch: the sums, each case's
// contribution and the marker of the vocabulary used. It returns the
// number of cases counted.
func RebuildStats(app core.App) (int, error) {
	office, err := LoadOffice(app)
	if err != nil {
		return 0, err
	}
	loc := office.Location()
	today := engine.Env{Now: time.Now().UTC(), Location: loc}.Today()
	total := 0
	err = app.RunInTransaction(func(tx core.App) error {
		for _, q := range []string{"DELETE FROM teduh_stats", "DELETE FROM teduh_stats_case"} {
			if _, err := tx.DB().NewQuery(q).Execute(); err != nil {
				return err
			}
		}
		sums := map[simfoni.Cell]int{}
		insert := tx.DB().NewQuery("INSERT INTO teduh_stats_case (complaint, month, cells, row) VALUES ({:id}, {:m}, {:c}, {:r})").Prepare()
		defer insert.Close()
		var lastRowID int64
		for {
			var rows []struct {
				statsRow
				RowID int64 `db:"rid"`
			}
			err := tx.DB().NewQuery("SELECT rowid AS rid, " + statsRowColumns + " FROM complaints WHERE rowid > {:after} ORDER BY rowid LIMIT 2000").
				Bind(dbx.Params{"after": lastRowID}).All(&rows)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if len(rows) == 0 {
				break
			}
			ids := make([]any, len(rows))
			for i := range rows {
				ids[i] = rows[i].ID
			}
			cf, err := loadChildren(tx, simfoni.Default, ids)
			if err != nil {
				return err
			}
			for i := range rows {
				c := rows[i].facts(today)
				cf.fill(rows[i].ID, &c)
				con := contributionOf(&c, loc)
				for _, cell := range con.cells {
					n := cell.N
					cell.N = 0
					sums[cell] += n
				}
				if con.row == nil {
					continue
				}
				cellsJSON, _ := json.Marshal(con.cells)
				if _, err := insert.Bind(dbx.Params{"id": rows[i].ID, "m": con.month, "c": string(cellsJSON), "r": joinRow(con.row)}).Execute(); err != nil {
					return err
				}
			}
			total += len(rows)
			lastRowID = rows[len(rows)-1].RowID
		}
		cells := make([]simfoni.Cell, 0, len(sums))
		for c, n := range sums {
			c.N = n
			cells = append(cells, c)
		}
		if err := applyCells(tx, cells); err != nil {
			return err
		}
		_, err := tx.DB().NewQuery(`INSERT INTO teduh_stats_meta (key, value) VALUES ('counted_with', {:v})
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`).Bind(dbx.Params{"v": simfoni.Default.Hash() + "/" + statsVersion}).Execute()
		return err
	})
	return total, err
}

// --- the statistics route ------------------------------------------------------

var monthRe = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// maxStatsMonths bounds a period (twenty years).
const maxStatsMonths = 240

// statsQuery is a checked period and district.
type statsQuery struct {
	From, To, District string
}

// readPeriod checks from, to (YYYY-MM) and district; errors are keyed by field.
func (t *Teduh) readPeriod(office *Office, from, to, district string) (statsQuery, *router.ApiError) {
	errs := map[string]*engine.FieldError{}
	if !monthRe.MatchString(from) {
		errs["from"] = &engine.FieldError{Code: "invalid_month", Message: "Bulan awal harus ditulis TTTT-BB, misalnya 2026-01."}
	}
	if !monthRe.MatchString(to) {
		errs["to"] = &engine.FieldError{Code: "invalid_month", Message: "Bulan akhir harus ditulis TTTT-BB, misalnya 2026-12."}
	}
	if len(errs) == 0 {
		if to < from {
			errs["to"] = &engine.FieldError{Code: "before_from", Message: "Bulan akhir tidak boleh sebelum bulan awal."}
		} else if months, _ := simfoni.Months(from, to); len(months) > maxStatsMonths {
			errs["to"] = &engine.FieldError{Code: "period_too_long", Message: "Periode paling panjang 20 tahun."}
		}
	}
	if district != "" && district != definitions.OutsideArea && !slices.Contains(office.Districts, district) {
		errs["district"] = &engine.FieldError{Code: "invalid_option", Message: "Kecamatan tidak dikenal. Pilih dari daftar kecamatan kantor."}
	}
	if len(errs) > 0 {
		return statsQuery{}, badRequest("Periode statistik tidak valid. Periksa isian yang ditandai.", errs)
	}
	return statsQuery{From: from, To: to, District: district}, nil
}

// Stats adds up the aggregates of a period, with the figures of the moment
// (open and overdue cases, running police-report clocks past their deadline).
func (t *Teduh) Stats(app core.App, q statsQuery, now time.Time) (simfoni.Stats, error) {
	office, err := t.Office(app)
	if err != nil {
		return simfoni.Stats{}, err
	}
	params := dbx.Params{"from": q.From, "to": q.To, "district": q.District}
	// monthly rows only ("2026" sorts between "2025-12" and "2026-01")
	where := "month >= {:from} AND month <= {:to} AND length(month) = 7"
	if q.District != "" {
		where += " AND district = {:district}"
	}
	var cells []simfoni.Cell
	var rows []struct {
		Month    string `db:"month"`
		District string `db:"district"`
		Dim      string `db:"dim"`
		Key      string `db:"key"`
		N        int    `db:"n"`
	}
	// the months and districts matter for the headline counts only
	err = app.DB().NewQuery("SELECT month, district, dim, key, SUM(n) AS n FROM teduh_stats WHERE " + where +
		" AND dim = 'total' GROUP BY month, district, key").Bind(params).All(&rows)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return simfoni.Stats{}, err
	}
	for _, r := range rows {
		cells = append(cells, simfoni.Cell{Month: r.Month, District: r.District, Dim: r.Dim, Key: r.Key, N: r.N})
	}
	rows = rows[:0]
	// the other dimensions from the yearly sums of the whole years in the
	// period and the monthly sums of the months around them
	// (the text is fixed fragments and numbered placeholders; every value
	// is a bound parameter)
	var spans []string
	years, parts := yearSpans(q.From, q.To)
	if len(years) > 0 {
		var names []string
		for i, y := range years {
			k := fmt.Sprintf("y%d", i)
			params[k] = y
			names = append(names, "{:"+k+"}")
		}
		spans = append(spans, "month IN ("+strings.Join(names, ", ")+")")
	}
	for i, p := range parts {
		a, b := fmt.Sprintf("pa%d", i), fmt.Sprintf("pb%d", i)
		params[a], params[b] = p[0], p[1]
		spans = append(spans, "(month >= {:"+a+"} AND month <= {:"+b+"} AND length(month) = 7)")
	}
	other := "SELECT '' AS month, '' AS district, dim, key, SUM(n) AS n FROM teduh_stats WHERE (" + strings.Join(spans, " OR ") + ") AND dim != 'total'"
	if q.District != "" {
		other += " AND district = {:district}"
	}
	err = app.DB().NewQuery(other + " GROUP BY dim, key").Bind(params).All(&rows)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return simfoni.Stats{}, err
	}
	for _, r := range rows {
		cells = append(cells, simfoni.Cell{Dim: r.Dim, Key: r.Key, N: r.N})
	}
	districts := make([]simfoni.Option, 0, len(office.Districts)+1)
	for _, d := range definitions.DistrictOptions(office.Districts) {
		districts = append(districts, simfoni.Option{Code: d.Code, Label: d.Label})
	}
	instTypes := make([]simfoni.Option, 0, len(definitions.InstitutionTypes))
	for _, it := range definitions.InstitutionTypes {
		instTypes = append(instTypes, simfoni.Option{Code: it.Code, Label: it.Label})
	}
	st, err := simfoni.Default.Summarise(cells, q.From, q.To, districts, instTypes)
	if err != nil {
		return st, err
	}
	st.District = q.District
	st.Standard.SLADays = office.SLADays

	// the moment's figures: index ranges on (status, due_at) and on
	// (clock, status, due_at)
	nowS := now.UTC().Format(types.DefaultDateLayout)
	openSQL := "SELECT COUNT(*) FROM complaints WHERE status IN ('new', 'in_progress', 'awaiting_requirements')"
	if q.District != "" {
		openSQL += " AND victim_district = {:district}"
	}
	p := dbx.Params{"district": q.District, "now": nowS, "clock": simfoni.Default.TPKSClock}
	if err := app.DB().NewQuery(openSQL).Bind(p).Row(&st.Standard.OpenNow); err != nil {
		return st, err
	}
	if err := app.DB().NewQuery(openSQL + " AND due_at != '' AND due_at < {:now}").Bind(p).Row(&st.Standard.OverdueNow); err != nil {
		return st, err
	}
	clockSQL := "SELECT COUNT(*) FROM case_clocks k WHERE k.clock = {:clock} AND k.status = 'running' AND k.due_at != '' AND k.due_at < {:now}"
	if q.District != "" {
		clockSQL = "SELECT COUNT(*) FROM case_clocks k JOIN complaints c ON c.id = k.complaint WHERE k.clock = {:clock} AND k.status = 'running' AND k.due_at != '' AND k.due_at < {:now} AND c.victim_district = {:district}"
	}
	if err := app.DB().NewQuery(clockSQL).Bind(p).Row(&st.TPKS.RunningOverdueNow); err != nil {
		return st, err
	}
	return st, nil
}

// yearSpans splits a period of months into the whole years it covers and
// the month ranges before and after them.
func yearSpans(from, to string) (years []any, parts [][2]string) {
	fy, ty := from[:4], to[:4]
	first, last := fy, ty
	if from[5:] != "01" {
		first = next(fy)
	}
	if to[5:] != "12" {
		last = prev(ty)
	}
	if first > last {
		return nil, [][2]string{{from, to}}
	}
	for y := first; y <= last; y = next(y) {
		years = append(years, y)
	}
	if first != fy {
		parts = append(parts, [2]string{from, fy + "-12"})
	}
	if last != ty {
		parts = append(parts, [2]string{ty + "-01", to})
	}
	return years, parts
}

func next(year string) string { return fmt.Sprintf("%04d", atoiYear(year)+1) }
func prev(year string) string { return fmt.Sprintf("%04d", atoiYear(year)-1) }

func atoiYear(year string) int {
	var y int
	_, _ = fmt.Sscan(year, &y)
	return y
}

// isSupervisorOrSuperuser is the statistics' and exports' audience.
func isSupervisorOrSuperuser(e *core.RequestEvent) bool {
	return e.Auth != nil && (e.Auth.IsSuperuser() || (e.Auth.Collection().Name == "staff" && e.Auth.GetString("role") == "supervisor" && e.Auth.GetBool("active")))
}

func supervisorsOnlyError() error {
	return router.NewForbiddenError("Hanya kepala/penyelia yang dapat membuka statistik dan ekspor.", nil)
}

// statsRoute is GET /api/stats?from=YYYY-MM&to=YYYY-MM[&district=].
func (t *Teduh) statsRoute(e *core.RequestEvent) error {
	if !isSupervisorOrSuperuser(e) {
		return supervisorsOnlyError()
	}
	office, err := t.Office(e.App)
	if err != nil {
		return err
	}
	qs := e.Request.URL.Query()
	q, apiErr := t.readPeriod(office, strings.TrimSpace(qs.Get("from")), strings.TrimSpace(qs.Get("to")), strings.TrimSpace(qs.Get("district")))
	if apiErr != nil {
		return apiErr
	}
	st, err := t.Stats(e.App, q, t.now())
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, st)
}
