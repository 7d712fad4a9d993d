package main

import (
	"crypto/rand"
	"fmt"
	"log"
	"math/big"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teduh/internal/casecode"
	"teduh/pb_hooks"
)

const benchPassword = "bench-password-123"

var (
	firstNames = []string{"Siti", "Ani", "Dewi", "Rina", "Wati", "Lina", "Mei", "Fitri", "Nur", "Yuni", "Ayu", "Sri", "Rosa", "Lili", "Susan", "Budi", "Agus", "Rudi", "Hendra", "Joko", "Kevin", "Dian", "Putri", "Indah", "Maria"}
	lastNames  = []string{"Aminah", "Wulandari", "Lestari", "Susanti", "Handayani", "Saputri", "Rahayu", "Kurniawati", "Pratiwi", "Hartono", "Wijaya", "Tan", "Lim", "Halim", "Santoso", "Setiawan", "Purnama", "Anggraini", "Oktaviani", "Permata"}
	districts  = []string{"Singkawang Barat", "Singkawang Tengah", "Singkawang Timur", "Singkawang Utara", "Singkawang Selatan", "luar_wilayah"}
)

func randomID(rng *mrand.Rand) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 15)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// readyForLetters completes what an office fills in before its first
// referral letter (a head of office; institutions with address and
// telephone, confirmed), so that the letter can be sent and measured.
func readyForLetters(app core.App) error {
	office, err := app.FindFirstRecordByFilter("office", "name != ''")
	if err != nil {
		return err
	}
	office.Set("head_name", "Kepala Dinas Bench")
	office.Set("head_nip", "197001011990031001")
	if err := app.Save(office); err != nil {
		return err
	}
	all, err := app.FindAllRecords("referral_institutions")
	if err != nil {
		return err
	}
	for i, r := range all {
		r.Set("address", fmt.Sprintf("Jalan Bench No. %d", i+1))
		r.Set("phone", fmt.Sprintf("0562 6310%02d", i+1))
		r.Set("confirmed", true)
		if err := app.Save(r); err != nil {
			return err
		}
	}
	return nil
}

// seedScale fills a data directory with a country's worth of cases using
// batched SQL inside transactions: ten years, a few thousand still open.
func seedScale(app core.App, n int, now time.Time) (officerEmail, supervisorEmail string, sample seedSample, err error) {
	rng := mrand.New(mrand.NewPCG(42, 7))
	officer, err := pb_hooks.AddStaff(app, "petugas1@bench.test", "Petugas Satu", "officer", "", benchPassword)
	if err != nil {
		return "", "", sample, err
	}
	if _, err = pb_hooks.AddStaff(app, "kepala@bench.test", "Kepala", "supervisor", "", benchPassword); err != nil {
		return "", "", sample, err
	}
	if err := readyForLetters(app); err != nil {
		return "", "", sample, err
	}
	officers := []string{officer.Id}
	hash := officer.GetString("password")
	err = app.RunInTransaction(func(tx core.App) error {
		for i := 2; i <= 50; i++ {
			id := randomID(rng)
			_, err := tx.DB().Insert("staff", dbx.Params{
				"id": id, "email": fmt.Sprintf("petugas%d@bench.test", i), "password": hash, "tokenKey": randomID(rng) + randomID(rng),
				"verified": true, "name": fmt.Sprintf("Petugas %d", i), "role": "officer", "active": true,
				"created": now.Format(time.DateTime), "updated": now.Format(time.DateTime),
			}).Execute()
			if err != nil {
				return err
			}
			officers = append(officers, id)
		}
		return nil
	})
	if err != nil {
		return "", "", sample, err
	}

	// creation times over ten years, in order, so numbers are sequential per
	// year. The most recent 3,000 are the open ones and arrived over the last
	// eight days, as in an office that mostly keeps the 7-day standard: a few
	// overdue, many due soon; the closed ones are older.
	openFrom := max(n-3000, 0)
	window := 8 * 24 * time.Hour
	start, recent := now.AddDate(-10, 0, 0), now.Add(-window)
	times := make([]time.Time, n)
	for i := range times {
		if i < openFrom {
			times[i] = start.Add(time.Duration(rng.Int64N(int64(recent.Sub(start)))))
		} else {
			times[i] = recent.Add(time.Duration(rng.Int64N(int64(window))))
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	seq := map[int]int{}
	fmtTime := func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }
	cols := []string{"id", "number", "number_year", "number_seq", "tracking_code", "channel", "status", "current_step", "urgency",
		"first_response_due_at", "first_response_at", "verified_at", "due_at", "closed_at", "assigned_to", "warnings",
		"form_version", "workflow_version", "reporter_name", "reporter_phone", "reporter_relation", "victim_name", "victim_sex",
		"victim_district", "violence_types", "chronology", "consent", "created", "updated",
		// SIMFONI: the report, the victim's particulars, the services confirmed
		"reported_at", "report_number", "victim_age", "victim_disability", "victim_education", "victim_occupation",
		"victim_marital_status", "incident_place", "perpetrator_relation", "services_given"}
	var perps []seedPerpetrator
	var clocks []seedClock
	lastNumber := map[int]string{}
	const batch = 400
	var openCases []openCase
	t0 := time.Now()
	for lo := 0; lo < n; lo += 20_000 {
		hi := min(lo+20_000, n)
		err := app.RunInTransaction(func(tx core.App) error {
			for b := lo; b < hi; b += batch {
				e := min(b+batch, hi)
				var sb strings.Builder
				params := dbx.Params{}
				sb.WriteString("INSERT INTO complaints (" + strings.Join(cols, ",") + ") VALUES ")
				for i := b; i < e; i++ {
					created := times[i]
					year := created.In(wib).Year()
					seq[year]++
					urgency := "normal"
					if rng.IntN(100) < 15 {
						urgency = "emergency"
					}
					frHours := 24
					if urgency == "emergency" {
						frHours = 1
					}
					row := map[string]any{
						"id": randomID(rng), "number": casecode.Number("SKW", year, seq[year]), "number_year": year, "number_seq": seq[year],
						"channel": []string{"online", "walk_in", "whatsapp", "phone", "sapa"}[rng.IntN(5)], "urgency": urgency,
						"first_response_due_at": fmtTime(created.Add(time.Duration(frHours) * time.Hour)),
						"first_response_at":     "", "verified_at": "", "due_at": "", "closed_at": "", "assigned_to": "",
						"warnings": "[]", "form_version": "2026.1", "workflow_version": "2026.1",
						"reporter_name":  firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))],
						"reporter_phone": fmt.Sprintf("0812%08d", rng.IntN(100_000_000)), "reporter_relation": "family",
						"victim_name":     firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))],
						"victim_sex":      []string{"female", "female", "female", "male"}[rng.IntN(4)],
						"victim_district": districts[rng.IntN(len(districts))], "violence_types": `["physical","psychological"]`,
						"chronology": "Korban mengalami kekerasan di rumah.", "consent": true,
						"created": fmtTime(created), "updated": fmtTime(created),
					}
					code, _ := casecode.NewTrackingCode(rand.Reader)
					row["tracking_code"] = code
					// SIMFONI: one report in 25 has a second victim (a
					// linked case), the particulars vary, a sixth of the
					// cases are sexual violence (with the police-report clock)
					row["reported_at"] = row["created"]
					row["report_number"] = row["number"]
					if i%25 == 1 && lastNumber[year] != "" {
						row["report_number"] = lastNumber[year]
					}
					lastNumber[year] = row["number"].(string)
					row["victim_age"] = fmt.Sprint(rng.IntN(70))
					row["victim_disability"] = seedDisability[rng.IntN(len(seedDisability))]
					row["victim_education"] = seedEducation[rng.IntN(len(seedEducation))]
					row["victim_occupation"] = seedOccupation[rng.IntN(len(seedOccupation))]
					row["victim_marital_status"] = seedMarital[rng.IntN(len(seedMarital))]
					row["incident_place"] = seedPlaces[rng.IntN(len(seedPlaces))]
					row["perpetrator_relation"] = seedRelations[rng.IntN(len(seedRelations))]
					sexual := rng.IntN(6) == 0
					if sexual {
						row["violence_types"] = `["sexual","psychological"]`
					}
					row["services_given"] = "[]"
					step, status := 9, "closed"
					switch {
					case i >= openFrom:
						switch r := rng.IntN(10); {
						case r == 0:
							step, status = 1, "new"
						case r <= 2:
							step, status = 2, "awaiting_requirements"
						default:
							step, status = 3+rng.IntN(6), "in_progress"
						}
					case rng.IntN(100) < 2:
						step, status = 2+rng.IntN(6), "withdrawn"
					}
					row["status"], row["current_step"] = status, step
					if step >= 2 {
						row["assigned_to"] = officers[rng.IntN(len(officers))]
						row["first_response_at"] = fmtTime(created.Add(30 * time.Minute))
					}
					if step >= 3 {
						verified := created.Add(time.Duration(1+rng.IntN(48)) * time.Hour)
						row["verified_at"] = fmtTime(verified)
						row["due_at"] = fmtTime(verified.Add(7 * 24 * time.Hour))
					}
					if status == "closed" || status == "withdrawn" {
						row["closed_at"] = fmtTime(created.Add(time.Duration(2+rng.IntN(9)) * 24 * time.Hour))
					}
					if status == "closed" {
						row["services_given"] = seedServices[rng.IntN(len(seedServices))]
					}
					// perpetrators recorded at step 6: one, a fifth of them two
					if step >= 6 {
						for k := 0; k < 1+btoi(rng.IntN(5) == 0); k++ {
							perps = append(perps, seedPerpetrator{complaint: row["id"].(string), created: row["created"].(string),
								sex: []string{"male", "male", "male", "female"}[rng.IntN(4)], age: 18 + rng.IntN(50),
								relation: seedRelations[rng.IntN(len(seedRelations))], education: seedEducation[rng.IntN(len(seedEducation))]})
						}
					}
					if sexual {
						st := []string{"met", "met", "met", "missed"}[rng.IntN(4)]
						if i >= openFrom {
							st = "running"
						}
						clocks = append(clocks, seedClock{complaint: row["id"].(string), started: created, status: st})
					}
					if i >= openFrom {
						openCases = append(openCases, openCase{id: row["id"].(string), step: step, created: created, actor: row["assigned_to"].(string)})
					}
					if i%97 == 0 {
						sample.numbers = append(sample.numbers, row["number"].(string))
						sample.codes = append(sample.codes, code)
						sample.names = append(sample.names, row["victim_name"].(string))
					}
					if i > b {
						sb.WriteString(",")
					}
					sb.WriteString("(")
					for j, c := range cols {
						if j > 0 {
							sb.WriteString(",")
						}
						p := fmt.Sprintf("p%d_%s", i-b, c)
						sb.WriteString("{:" + p + "}")
						params[p] = row[c]
					}
					sb.WriteString(")")
				}
				if _, err := tx.DB().NewQuery(sb.String()).Bind(params).Execute(); err != nil {
					return err
				}
			}
			if err := seedChildren(tx, rng, perps, clocks); err != nil {
				return err
			}
			perps, clocks = perps[:0], clocks[:0]
			return nil
		})
		if err != nil {
			return "", "", sample, err
		}
	}
	// the open cases' step records, so their timelines exist
	err = app.RunInTransaction(func(tx core.App) error {
		for _, c := range openCases {
			for s := 1; s <= c.step; s++ {
				actor, kind := c.actor, "staff"
				if s == 1 || actor == "" {
					actor, kind = "", "system"
				}
				_, err := tx.DB().Insert("case_steps", dbx.Params{
					"id": randomID(rng), "complaint": c.id, "step": s, "step_code": fmt.Sprint("step", s), "outcome": "done",
					"notes": "Catatan langkah.", "data": "{}", "actor": actor, "actor_kind": kind, "actor_name": "Petugas",
					"workflow_version": "2026.1", "created": fmtTime(c.created.Add(time.Duration(s) * time.Hour)),
				}).Execute()
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err == nil {
		// the statistics' aggregates, counted from the seeded cases as the
		// server does at start-up after a change of vocabulary
		t1 := time.Now()
		var counted int
		if counted, err = pb_hooks.RebuildStats(app); err == nil {
			log.Printf("counted the statistics of %d cases in %s", counted, time.Since(t1).Round(time.Millisecond))
		}
	}
	if err == nil {
		_, err = app.DB().NewQuery("ANALYZE").Execute()
	}
	log.Printf("seeded %d cases (%d open) in %s", n, len(openCases), time.Since(t0).Round(time.Millisecond))
	return "petugas1@bench.test", "kepala@bench.test", sample, err
}

// Particulars the SIMFONI statistics count, as the forms store them.
var (
	seedDisability = []string{"none", "none", "none", "physical", "sensory", "intellectual", ""}
	seedEducation  = []string{"none", "early", "primary", "junior", "senior", "higher", ""}
	seedOccupation = []string{"student", "unemployed", "homemaker", "private_employee", "self_employed", "farmer_labourer", ""}
	seedMarital    = []string{"single", "married", "divorced", "widowed", ""}
	seedPlaces     = []string{"household", "household", "school", "workplace", "public_facility", "online", ""}
	seedRelations  = []string{"parent", "family", "spouse", "partner_friend", "neighbor", "teacher", "unknown"}
	seedServices   = []string{`["pengaduan"]`, `["pengaduan","kesehatan"]`, `["pengaduan","penegakan_hukum","bantuan_hukum"]`,
		`["pengaduan","rehabilitasi_sosial"]`, `["pengaduan","kesehatan","rehabilitasi_sosial","pendampingan_tokoh_agama"]`}
)

type seedPerpetrator struct {
	complaint, created, sex, relation, education string
	age                                          int
}

type seedClock struct {
	complaint string
	started   time.Time
	status    string
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// seedChildren inserts a batch's perpetrators and police-report clocks.
func seedChildren(tx core.App, rng *mrand.Rand, perps []seedPerpetrator, clocks []seedClock) error {
	fmtTime := func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }
	for _, p := range perps {
		_, err := tx.DB().Insert("perpetrators", dbx.Params{
			"id": randomID(rng), "complaint": p.complaint, "sex": p.sex, "age": p.age, "age_group": "", "relation": p.relation,
			"education": p.education, "occupation": "", "created_by": "", "same_as": "", "created": p.created, "updated": p.created,
		}).Execute()
		if err != nil {
			return err
		}
	}
	for _, c := range clocks {
		met := ""
		if c.status == "met" {
			met = fmtTime(c.started.Add(30 * time.Hour))
		}
		_, err := tx.DB().Insert("case_clocks", dbx.Params{
			"id": randomID(rng), "complaint": c.complaint, "clock": "tpks_police_report", "started_at": fmtTime(c.started),
			"due_at": fmtTime(c.started.Add(72 * time.Hour)), "met_at": met, "status": c.status,
			"created": fmtTime(c.started), "updated": fmtTime(c.started),
		}).Execute()
		if err != nil {
			return err
		}
	}
	return nil
}

type openCase struct {
	id      string
	step    int
	created time.Time
	actor   string
}

type seedSample struct {
	numbers, codes, names []string
}

var wib = time.FixedZone("WIB", 7*3600)

func dirSize(dir string) int64 {
	var total int64
	for _, name := range []string{"data.db", "data.db-wal", "data.db-shm"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err == nil {
			total += st.Size()
		}
	}
	return total
}

func randomPick(list []string) string {
	n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(list))))
	return list[n.Int64()]
}

func benchScale(cfg config, bin, dir string, r *report) error {
	now := time.Now().UTC()
	var officerEmail, supervisorEmail string
	var sample seedSample
	t0 := time.Now()
	err := prepareDataDir(dir, 0, func(app core.App) error {
		var err error
		officerEmail, supervisorEmail, sample, err = seedScale(app, cfg.cases, now)
		return err
	})
	if err != nil {
		return err
	}
	r.seedTime = time.Since(t0)
	r.cases = cfg.cases
	if err := benchSweep(cfg, dir, now, r); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}

	// start-up time: median of several starts on the full database
	var startups []float64
	for i := 0; i < cfg.runs; i++ {
		srv, err := startServer(bin, dir)
		if err != nil {
			return err
		}
		startups = append(startups, ms(srv.startup))
		srv.stop()
	}
	r.startup = median(startups)
	log.Printf("start-up on %d cases: %.0f ms (median of %d)", cfg.cases, r.startup, cfg.runs)

	srv, err := startServer(bin, dir)
	if err != nil {
		return err
	}
	defer srv.stop() // stopping twice is harmless
	officer, err := signIn(srv.base, officerEmail, benchPassword)
	if err != nil {
		return err
	}
	supervisor, err := signIn(srv.base, supervisorEmail, benchPassword)
	if err != nil {
		return err
	}

	get := func(token, path string) error { return call("GET", srv.base+path, token, nil, nil) }
	queue := func(token, query string) func(int) error {
		return func(int) error { return get(token, "/api/queue?"+query) }
	}
	measure := func(name string, limit float64, fn func(int) error) error {
		var p50s, p95s []float64
		for run := 0; run < cfg.runs; run++ {
			lat, err := repeat(cfg.queries, fn)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			p50s = append(p50s, ms(percentile(lat, 0.5)))
			p95s = append(p95s, ms(percentile(lat, 0.95)))
		}
		row := queryRow{name: name, limit: limit, p50: median(p50s), p95: median(p95s)}
		r.queries = append(r.queries, row)
		log.Printf("%-45s p50 %6.2f ms  p95 %6.2f ms", name, row.p50, row.p95)
		return nil
	}
	steps := []struct {
		name string
		fn   func(int) error
	}{
		{"officer queue (mine + unassigned), page 1", queue(officer, "perPage=20")},
		{"supervisor queue, page 1", queue(supervisor, "perPage=20")},
		{"supervisor queue, page 100", queue(supervisor, "perPage=20&page=100")},
		{"search by case number", func(int) error {
			return queue(supervisor, "q="+url.QueryEscape(randomPick(sample.numbers)))(0)
		}},
		{"search by victim name (full name)", func(int) error {
			return queue(supervisor, "perPage=20&q="+url.QueryEscape(randomPick(sample.names)))(0)
		}},
		{"search by the beginning of a name (\"wulan\" finds Wulandari)", func(int) error {
			w := randomPick(lastNames)
			return queue(supervisor, "perPage=20&q="+url.QueryEscape(strings.ToLower(w[:min(5, len(w))])))(0)
		}},
		{"officer's search by victim name", func(int) error {
			return queue(officer, "perPage=20&q="+url.QueryEscape(randomPick(sample.names)))(0)
		}},
		{"public status by tracking code", func(int) error {
			return get("", "/api/public/complaints/"+randomPick(sample.codes))
		}},
	}
	for _, s := range steps {
		if err := measure(s.name, 25, s.fn); err != nil {
			return err
		}
	}
	if strings.Contains(cfg.only, "docs") {
		caseID, referralID, err := docCase(srv.base, supervisor)
		if err != nil {
			return fmt.Errorf("documents: %w", err)
		}
		if err := measure("referral letter (PDF)", 50, func(int) error { return get(supervisor, "/api/referrals/"+referralID+"/letter.pdf") }); err != nil {
			return err
		}
		if err := measure("handling report (PDF)", 50, func(int) error { return get(supervisor, "/api/complaints/"+caseID+"/report.pdf") }); err != nil {
			return err
		}
	}
	r.rss = srv.peakRSS()
	srv.stop()
	r.dbSize = dirSize(dir)
	return nil
}
