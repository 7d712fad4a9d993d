package pb_hooks

// Exports for supervisors, each recorded in the audit trail with who, what
// and the period before a byte leaves:
//   - GET  /api/exports/report.pdf?from=&to=[&district=]: the monthly or
//     yearly report of SIMFONI's figures under the office letterhead;
//   - POST /api/exports/stats.xlsx {from, to, password}: an encrypted
//     workbook with the aggregate tables in SIMFONI's order and a
//     de-identified case sheet;
//   - GET  /api/complaints/{id}/simfoni.pdf: one case's SIMFONI entry
//     sheet (staff who may see the case).

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/xuri/excelize/v2"

	"teduh/internal/definitions"
	"teduh/internal/documents"
	"teduh/internal/engine"
	"teduh/internal/simfoni"
)

// minExportPassword is the shortest password an encrypted workbook takes.
const minExportPassword = 8

// workbookMemoryLimit is the Go heap's soft limit while a workbook is built.
const workbookMemoryLimit = 96 << 20

// The soft limit is the process's: it is set while at least one workbook
// is being built and put back when the last one is done.
var memoryLimit struct {
	sync.Mutex
	active int
	before int64
}

func holdMemoryLimit() (release func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	memoryLimit.Lock()
	if memoryLimit.active == 0 {
		memoryLimit.before = debug.SetMemoryLimit(workbookMemoryLimit)
	}
	memoryLimit.active++
	memoryLimit.Unlock()
	return func() {
		memoryLimit.Lock()
		defer memoryLimit.Unlock()
		if memoryLimit.active--; memoryLimit.active == 0 {
			debug.SetMemoryLimit(memoryLimit.before)
		}
	}
}

func (t *Teduh) bindExports() {
	t.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		g := se.Router.Group("/api").BindFunc(staffOnly)
		g.GET("/exports/report.pdf", t.reportExport)
		g.POST("/exports/stats.xlsx", t.workbookExport)
		g.GET("/complaints/{id}/simfoni.pdf", t.entrySheet)
		return se.Next()
	})
}

// --- formatting ------------------------------------------------------------------

func itoa(n int) string { return strconv.Itoa(n) }

// percent writes a share in Bahasa Indonesia: "85,7%".
func percent(p *float64) string {
	if p == nil {
		return "-"
	}
	return strings.Replace(strconv.FormatFloat(*p*100, 'f', 1, 64), ".", ",", 1) + "%"
}

// decimal writes a number with at most one decimal, with a decimal comma.
func decimal(p *float64, unit string) string {
	if p == nil {
		return "-"
	}
	return strings.Replace(strconv.FormatFloat(*p, 'f', 1, 64), ".", ",", 1) + " " + unit
}

func areaLabel(office *Office, district string) string {
	switch district {
	case "":
		return office.RegencyName
	case definitions.OutsideArea:
		return "Korban dari luar wilayah"
	}
	return "Kecamatan " + district
}

// statsTables are the statistics as tables, in SIMFONI's order: the
// headline counts by month, the aggregate tables, the service standard,
// the police-report clock and the referrals.
func statsTables(st simfoni.Stats) []documents.Table {
	var out []documents.Table
	months := documents.Table{Title: "Kasus, korban dan pelaku per bulan", Columns: []string{"Bulan", "Kasus", "Korban", "Pelaku"}}
	for _, m := range st.Months {
		months.Rows = append(months.Rows, []string{m.Label, itoa(m.Cases), itoa(m.Victims), itoa(m.Perpetrators)})
	}
	months.Rows = append(months.Rows, []string{"Jumlah", itoa(st.Totals.Cases), itoa(st.Totals.Victims), itoa(st.Totals.Perpetrators)})
	out = append(out, months)
	for _, tb := range st.Tables {
		t := documents.Table{Title: tb.Title, Note: "Satuan: " + tb.Unit + "."}
		if tb.BySex {
			t.Columns = []string{"Kelompok umur", "Perempuan", "Laki-laki", "Tidak diketahui", "Jumlah"}
			var f, m, u int
			for _, r := range tb.Rows {
				t.Rows = append(t.Rows, []string{r.Label, itoa(r.Female), itoa(r.Male), itoa(r.Unknown), itoa(r.Count)})
				f, m, u = f+r.Female, m+r.Male, u+r.Unknown
			}
			t.Rows = append(t.Rows, []string{"Jumlah", itoa(f), itoa(m), itoa(u), itoa(tb.Total)})
		} else {
			t.Columns = []string{"Kategori", "Jumlah"}
			for _, r := range tb.Rows {
				t.Rows = append(t.Rows, []string{r.Label, itoa(r.Count)})
			}
			t.Rows = append(t.Rows, []string{"Jumlah", itoa(tb.Total)})
		}
		out = append(out, t)
	}
	s := st.Standard
	std := documents.Table{Title: fmt.Sprintf("Standar pelayanan (%d hari sejak persyaratan lengkap)", s.SLADays),
		Note:    "Kasus ditutup dihitung pada bulan penutupannya; respons pertama pada bulan pengaduan. Kasus terbuka dan lewat tenggat: keadaan saat laporan dibuat.",
		Columns: []string{"Ukuran", "Nilai"}}
	fr := func(u string) (string, string) {
		r := s.FirstResponse[u]
		return itoa(r.Count), decimal(r.MedianMinutes, "menit")
	}
	ec, em := fr(engine.UrgencyEmergency)
	nc, nm := fr(engine.UrgencyNormal)
	std.Rows = [][]string{
		{"Kasus ditutup setelah persyaratan lengkap", itoa(s.Closed)},
		{"Ditutup dalam standar", itoa(s.OnTime)},
		{"Ditutup melewati standar", itoa(s.Late)},
		{"Persentase dalam standar", percent(s.ShareOnTime)},
		{"Median lama penyelesaian", decimal(s.MedianDaysToClose, "hari")},
		{"Respons pertama kasus darurat (jumlah)", ec},
		{"Median respons pertama kasus darurat", em},
		{"Respons pertama kasus biasa (jumlah)", nc},
		{"Median respons pertama kasus biasa", nm},
		{"Kasus terbuka saat ini", itoa(s.OpenNow)},
		{"Kasus terbuka lewat tenggat saat ini", itoa(s.OverdueNow)},
	}
	out = append(out, std)
	tp := st.TPKS
	out = append(out, documents.Table{Title: "Laporan ke kepolisian dalam 3x24 jam (UU 12/2022 Pasal 41)", Columns: []string{"Keadaan", "Kasus"},
		Rows: [][]string{
			{"Dilaporkan dalam 3x24 jam", itoa(tp.Met)}, {"Lewat 3x24 jam", itoa(tp.Missed)}, {"Masih berjalan", itoa(tp.Running)},
			{"Dibatalkan", itoa(tp.Cancelled)}, {"Jumlah", itoa(tp.Cases)}, {"Masih berjalan dan lewat batas saat ini", itoa(tp.RunningOverdueNow)},
		}})
	refs := documents.Table{Title: "Rujukan menurut jenis lembaga dan jawaban", Columns: []string{"Jenis lembaga"}}
	for _, a := range st.ReferralAnswers {
		refs.Columns = append(refs.Columns, a.Label)
	}
	refs.Columns = append(refs.Columns, "Jumlah")
	sums := make([]int, len(st.ReferralAnswers)+1)
	for _, r := range st.Referrals {
		row := []string{r.Label}
		for i, a := range st.ReferralAnswers {
			row = append(row, itoa(r.Answers[a.Code]))
			sums[i] += r.Answers[a.Code]
		}
		sums[len(sums)-1] += r.Total
		refs.Rows = append(refs.Rows, append(row, itoa(r.Total)))
	}
	total := []string{"Jumlah"}
	for _, n := range sums {
		total = append(total, itoa(n))
	}
	refs.Rows = append(refs.Rows, total)
	out = append(out, refs)
	return out
}

func summaryRows(st simfoni.Stats) []documents.Row {
	return []documents.Row{
		{Label: "Jumlah kasus (laporan)", Value: itoa(st.Totals.Cases)},
		{Label: "Jumlah korban", Value: itoa(st.Totals.Victims)},
		{Label: "Jumlah pelaku", Value: itoa(st.Totals.Perpetrators)},
		{Label: "Jumlah bentuk kekerasan", Value: itoa(st.Totals.ViolenceForms)},
	}
}

// exportPeriod reads and checks the period of an export.
func (t *Teduh) exportPeriod(e *core.RequestEvent, from, to, district string) (*Office, statsQuery, simfoni.Stats, error) {
	office, err := t.Office(e.App)
	if err != nil {
		return nil, statsQuery{}, simfoni.Stats{}, err
	}
	q, apiErr := t.readPeriod(office, strings.TrimSpace(from), strings.TrimSpace(to), strings.TrimSpace(district))
	if apiErr != nil {
		return nil, q, simfoni.Stats{}, apiErr
	}
	st, err := t.Stats(e.App, q, t.now())
	return office, q, st, err
}

func actorName(e *core.RequestEvent) (name, nip string) {
	if e.Auth == nil {
		return "", ""
	}
	name = e.Auth.GetString("name")
	if name == "" {
		name = e.Auth.Email()
	}
	return name, e.Auth.GetString("nip")
}

// --- the report PDF -----------------------------------------------------------------

func (t *Teduh) reportExport(e *core.RequestEvent) error {
	if !isSupervisorOrSuperuser(e) {
		return supervisorsOnlyError()
	}
	qs := e.Request.URL.Query()
	office, q, st, err := t.exportPeriod(e, qs.Get("from"), qs.Get("to"), qs.Get("district"))
	if err != nil {
		return err
	}
	name, nip := actorName(e)
	data, err := documents.StatsReportPDF(documents.StatsReport{
		Office: t.documentOffice(e.App, office), Period: simfoni.PeriodLabel(q.From, q.To), Area: areaLabel(office, q.District),
		Summary: summaryRows(st), Tables: statsTables(st), Source: simfoni.Default.Source,
		PrintedAt: t.now(), PrintedBy: name, PrintedByNIP: nip,
	})
	if err != nil {
		return err
	}
	if err := t.auditStrict(e.App, e, "export", t.complaint.CaseCollection, "", map[string]any{
		"export": "report.pdf", "from": q.From, "to": q.To, "district": q.District, "by": name,
		"cases": st.Totals.Cases, "victims": st.Totals.Victims}); err != nil {
		return err
	}
	return servePDF(e, "laporan-data-kekerasan-"+q.From+"-"+q.To, data)
}

// --- the encrypted workbook ------------------------------------------------------

// workbookSheets are the workbook's sheet names.
const (
	sheetInfo   = "Keterangan"
	sheetTables = "Tabel SIMFONI"
	sheetCases  = "Kasus tanpa identitas"
)

func (t *Teduh) workbookExport(e *core.RequestEvent) error {
	if !isSupervisorOrSuperuser(e) {
		return supervisorsOnlyError()
	}
	var body struct {
		From     string `json:"from"`
		To       string `json:"to"`
		District string `json:"district"`
		Password string `json:"password"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(e.Response, e.Request.Body, 16<<10)).Decode(&body); err != nil {
		return badRequest("Data tidak dapat dibaca. Kirim {\"from\": \"2026-01\", \"to\": \"2026-12\", \"password\": \"…\"}.", nil)
	}
	if utf8.RuneCountInString(body.Password) < minExportPassword {
		return badRequest("Kata sandi berkas terlalu pendek.", map[string]*engine.FieldError{"password": {Code: "too_short",
			Message: fmt.Sprintf("Kata sandi berkas paling sedikit %d karakter. Sampaikan kata sandi kepada penerima melalui jalur lain, bukan bersama berkasnya.", minExportPassword)}})
	}
	office, q, st, err := t.exportPeriod(e, body.From, body.To, body.District)
	if err != nil {
		return err
	}
	name, _ := actorName(e)
	// a year's workbook is built in memory (the encryption needs the whole
	// file): while it is, the collector keeps the heap near the server's
	// 150 MB target instead of letting it double (a soft limit: nothing
	// fails when it is passed; an operator's GOMEMLIMIT is kept)
	defer holdMemoryLimit()()
	buf, rows, err := t.workbook(e.App, office, q, st, name, body.Password)
	if err != nil {
		return err
	}
	if err := t.auditStrict(e.App, e, "export", t.complaint.CaseCollection, "", map[string]any{
		"export": "stats.xlsx", "from": q.From, "to": q.To, "district": q.District, "by": name, "case_rows": rows,
		"encrypted": true}); err != nil {
		return err
	}
	h := e.Response.Header()
	h.Set("Content-Disposition", `attachment; filename="statistik-simfoni-`+unsafeFilename.ReplaceAllString(q.From+"-"+q.To, "-")+`.xlsx"`)
	h.Set("Cache-Control", "no-store")
	return e.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

// cellValue is a table cell as a number when it is one.
func cellValue(s string) any {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return s
}

// workbook builds the encrypted workbook; it returns the case rows written.
func (t *Teduh) workbook(app core.App, office *Office, q statsQuery, st simfoni.Stats, by, password string) (*bytes.Buffer, int, error) {
	f := excelize.NewFile()
	defer f.Close()
	// the fastest deflate: the workbook is encrypted afterwards anyway, and
	// a year's case sheet is some two million cells
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) { return flate.NewWriter(out, flate.BestSpeed) })
		return zw
	})
	if err := f.SetSheetName("Sheet1", sheetInfo); err != nil {
		return nil, 0, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, 0, err
	}
	info := [][]any{
		{"Statistik kasus kekerasan terhadap perempuan dan anak untuk SIMFONI-PPA"},
		{"Kantor", office.Name},
		{"Periode", simfoni.PeriodLabel(q.From, q.To)},
		{"Wilayah", areaLabel(office, q.District)},
		{"Dibuat oleh", by},
		{"Dibuat", documents.DateTime(t.now(), office.Location())},
		{"Isi", "Tabel agregat sesuai urutan SIMFONI-PPA dan daftar kasus tanpa identitas (tanpa nama, NIK, telepon, alamat dan kronologi; kelompok umur sebagai ganti tanggal lahir; nomor kasus diganti nomor baris)."},
		{"Sumber kategori", simfoni.Default.Source},
	}
	for _, s := range summaryRows(st) {
		info = append(info, []any{s.Label, cellValue(s.Value)})
	}
	for i, r := range info {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheetInfo, cell, &r); err != nil {
			return nil, 0, err
		}
	}
	_ = f.SetCellStyle(sheetInfo, "A1", "A1", bold)
	_ = f.SetColWidth(sheetInfo, "A", "A", 34)
	_ = f.SetColWidth(sheetInfo, "B", "B", 80)

	if _, err := f.NewSheet(sheetTables); err != nil {
		return nil, 0, err
	}
	row := 1
	for _, tb := range statsTables(st) {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		_ = f.SetCellValue(sheetTables, cell, tb.Title)
		_ = f.SetCellStyle(sheetTables, cell, cell, bold)
		row++
		header := make([]any, len(tb.Columns))
		for i, c := range tb.Columns {
			header[i] = c
		}
		cell, _ = excelize.CoordinatesToCellName(1, row)
		if err := f.SetSheetRow(sheetTables, cell, &header); err != nil {
			return nil, 0, err
		}
		last, _ := excelize.CoordinatesToCellName(len(tb.Columns), row)
		_ = f.SetCellStyle(sheetTables, cell, last, bold)
		row++
		for _, r := range tb.Rows {
			vals := make([]any, len(r))
			for i, v := range r {
				vals[i] = cellValue(v)
			}
			cell, _ = excelize.CoordinatesToCellName(1, row)
			if err := f.SetSheetRow(sheetTables, cell, &vals); err != nil {
				return nil, 0, err
			}
			row++
		}
		row++
	}
	_ = f.SetColWidth(sheetTables, "A", "A", 46)

	if _, err := f.NewSheet(sheetCases); err != nil {
		return nil, 0, err
	}
	sw, err := f.NewStreamWriter(sheetCases)
	if err != nil {
		return nil, 0, err
	}
	header := []any{"No. baris"}
	for _, h := range simfoni.RowHeader {
		header = append(header, h)
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{StyleID: bold}); err != nil {
		return nil, 0, err
	}
	n, err := t.caseRows(app, q, func(i int, cells []string) error {
		vals := make([]any, 0, len(cells)+1)
		vals = append(vals, i)
		for _, c := range cells {
			vals = append(vals, c)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		return sw.SetRow(cell, vals)
	})
	if err != nil {
		return nil, 0, err
	}
	if err := sw.Flush(); err != nil {
		return nil, 0, err
	}
	buf := new(bytes.Buffer)
	if err := f.Write(buf, excelize.Options{Password: password}); err != nil {
		return nil, 0, err
	}
	return buf, n, nil
}

// caseRows walks the de-identified rows of the cases reported in the
// period (and district), in order, numbering them from 1. A year is a
// hundred thousand rows read once: they are read on a connection of their
// own with a small page cache, so that they do not fill (and keep) the
// pool's 32 MB caches.
func (t *Teduh) caseRows(app core.App, q statsQuery, fn func(i int, cells []string) error) (int, error) {
	sqlText := "SELECT s.row FROM teduh_stats_case s WHERE s.month >= ? AND s.month <= ? ORDER BY s.month, s.rowid"
	args := []any{q.From, q.To}
	if q.District != "" {
		sqlText = "SELECT s.row FROM teduh_stats_case s JOIN complaints c ON c.id = s.complaint WHERE s.month >= ? AND s.month <= ? AND c.victim_district = ? ORDER BY s.month, s.rowid"
		args = append(args, q.District)
	}
	db, ok := app.ConcurrentDB().(*dbx.DB)
	if !ok {
		return 0, errors.New("exports: no database handle")
	}
	ctx := context.Background()
	conn, err := db.DB().Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var cacheSize int
	if err := conn.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cacheSize); err != nil {
		return 0, err
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA cache_size = -2000"); err != nil {
		return 0, err
	}
	defer conn.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = %d", cacheSize)) //nolint:errcheck // best effort; the pool's connection keeps working either way
	rows, err := conn.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	var raw string
	for rows.Next() {
		if err := rows.Scan(&raw); err != nil {
			return n, err
		}
		cells := strings.Split(raw, "\t")
		n++
		if err := fn(n, cells); err != nil {
			return n, err
		}
	}
	return n, rows.Err()
}

// --- the SIMFONI entry sheet ------------------------------------------------------

func (t *Teduh) entrySheet(e *core.RequestEvent) error {
	kase, err := t.visibleCase(e, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	env, office, err := t.env(e.App)
	if err != nil {
		return err
	}
	sections, err := t.entrySections(e.App, kase, office, env)
	if err != nil {
		return err
	}
	name, _ := actorName(e)
	data, err := documents.EntrySheetPDF(documents.EntrySheet{Office: t.documentOffice(e.App, office), CaseNumber: kase.GetString("number"),
		Sections: sections, PrintedAt: env.Now, PrintedBy: name})
	if err != nil {
		return err
	}
	if err := t.auditStrict(e.App, e, "download", t.complaint.CaseCollection, kase.Id, map[string]any{"document": "simfoni_entry_sheet"}); err != nil {
		return err
	}
	return servePDF(e, "simfoni-"+kase.GetString("number"), data)
}

// entrySections fills every field of the SIMFONI entry sheet, in the order
// the vocabulary file gives.
func (t *Teduh) entrySections(app core.App, kase *core.Record, office *Office, env engine.Env) ([]documents.EntrySection, error) {
	v := simfoni.Default
	loc := office.Location()
	c, err := CaseFacts(app, kase.Id, env.Today())
	if err != nil {
		return nil, err
	}
	label := func(list, teduh string) string { return v.Label(list, v.Map(list, teduh)) }
	date := func(field string) string {
		if d := kase.GetDateTime(field); !d.IsZero() {
			return documents.Date(d.Time(), nil)
		}
		return ""
	}
	moment := func(field string) string {
		if d := kase.GetDateTime(field); !d.IsZero() {
			return documents.DateTime(d.Time(), loc)
		}
		return ""
	}
	age := c.AgeAtIncident()
	ageText := ""
	if age >= 0 {
		ageText = fmt.Sprintf("%d tahun", age)
	}
	var forms []string
	for _, f := range v.Forms(&c) {
		forms = append(forms, v.Label(simfoni.ListViolenceForms, f))
	}
	var perps []string
	for i, p := range c.Perpetrators {
		parts := []string{label(simfoni.ListRelation, p.Relation), label(simfoni.ListSex, p.Sex)}
		switch {
		case p.Age > 0:
			parts = append(parts, fmt.Sprintf("%d tahun", p.Age))
		case p.AgeGroup != "":
			parts = append(parts, v.Label(simfoni.ListAgeGroups, p.AgeGroup))
		}
		parts = append(parts, "pendidikan "+label(simfoni.ListEducation, p.Education), "pekerjaan "+label(simfoni.ListOccupation, p.Occupation))
		line := fmt.Sprintf("%d. %s", i+1, strings.Join(parts, ", "))
		if p.SameAs {
			line += " (sama dengan pelaku pada kasus lain dalam laporan ini)"
		}
		perps = append(perps, line)
	}
	if len(perps) == 0 && c.Relation != "" {
		perps = append(perps, "1. "+label(simfoni.ListRelation, c.Relation)+" (dari pengaduan; data pelaku belum dicatat)")
	}
	var services []string
	for _, s := range v.Services(&c) {
		services = append(services, v.Label(simfoni.ListServices, s))
	}
	var refs []string
	for _, r := range c.Referrals {
		refs = append(refs, optionLabel(definitions.InstitutionTypes, r.InstitutionType)+": "+v.Label(simfoni.ListReferralAnswers, v.Map(simfoni.ListReferralAnswers, r.Status)))
	}
	first := "-"
	if !c.FirstResponseAt.IsZero() {
		first = documents.DateTime(c.FirstResponseAt, loc) + " (" + documents.Duration(c.FirstResponseAt.Sub(c.Reported)) + " setelah pengaduan)"
	}
	district := kase.GetString("victim_district")
	if district == definitions.OutsideArea {
		district = "Luar wilayah"
	}
	linked := []string{}
	if rn := kase.GetString("report_number"); rn != "" {
		var numbers []string
		_ = app.DB().Select("number").From("complaints").Where(dbx.HashExp{"report_number": rn}).AndWhere(dbx.Not(dbx.HashExp{"id": kase.Id})).
			OrderBy("number").Column(&numbers)
		linked = numbers
	}
	fields := map[string]documents.Row{
		"report_number":         {Label: "Nomor laporan", Value: kase.GetString("report_number")},
		"case_number":           {Label: "Nomor kasus (korban)", Value: kase.GetString("number") + linkedNote(linked)},
		"reported_at":           {Label: "Tanggal pengaduan", Value: documents.DateTime(c.Reported, loc)},
		"channel":               {Label: "Sumber pengaduan", Value: label(simfoni.ListChannels, c.Channel)},
		"reporter_relation":     {Label: "Hubungan pelapor dengan korban", Value: t.formLabel("reporter_relation", kase.GetString("reporter_relation"))},
		"victim_name":           {Label: "Nama korban", Value: kase.GetString("victim_name")},
		"victim_nik":            {Label: "NIK korban", Value: kase.GetString("victim_nik")},
		"victim_sex":            {Label: "Jenis kelamin", Value: label(simfoni.ListSex, c.VictimSex)},
		"victim_birth_date":     {Label: "Tanggal lahir", Value: date("victim_birth_date")},
		"victim_age":            {Label: "Usia saat kejadian", Value: ageText},
		"victim_age_group":      {Label: "Kelompok umur", Value: v.Label(simfoni.ListAgeGroups, v.AgeGroup(age))},
		"victim_education":      {Label: "Pendidikan", Value: label(simfoni.ListEducation, c.Education)},
		"victim_occupation":     {Label: "Pekerjaan", Value: label(simfoni.ListOccupation, c.Occupation)},
		"victim_marital_status": {Label: "Status perkawinan", Value: label(simfoni.ListMarital, c.Marital)},
		"victim_disability":     {Label: "Disabilitas", Value: label(simfoni.ListDisability, c.Disability)},
		"victim_address":        {Label: "Alamat", Value: kase.GetString("victim_address")},
		"victim_district":       {Label: "Kecamatan, " + office.RegencyName, Value: district},
		"incident_date":         {Label: "Tanggal kejadian", Value: date("incident_date")},
		"incident_place":        {Label: "Tempat kejadian", Value: label(simfoni.ListPlaces, c.Place)},
		"violence_forms":        {Label: "Bentuk kekerasan", Value: strings.Join(forms, ", ")},
		"chronology":            {Label: "Kronologi singkat", Value: kase.GetString("chronology")},
		"perpetrators":          {Label: fmt.Sprintf("Pelaku (%d)", len(perps)), Value: strings.Join(perps, "\n")},
		"services":              {Label: "Layanan yang diberikan", Value: strings.Join(services, ", ")},
		"referrals":             {Label: "Rujukan", Value: strings.Join(refs, "; ")},
		"first_response":        {Label: "Respons pertama", Value: first},
		"verified_at":           {Label: "Persyaratan lengkap", Value: moment("verified_at")},
		"due_at":                {Label: fmt.Sprintf("Batas standar %d hari", office.SLADays), Value: moment("due_at")},
		"closed_at":             {Label: "Kasus ditutup", Value: moment("closed_at")},
		"status":                {Label: "Status kasus", Value: StatusLabels[c.Status]},
	}
	var out []documents.EntrySection
	for _, s := range v.EntrySheet {
		sec := documents.EntrySection{Title: s.Title}
		for _, f := range s.Fields {
			row, ok := fields[f]
			if !ok {
				return nil, fmt.Errorf("simfoni.json: entry sheet field %q is not known", f)
			}
			sec.Rows = append(sec.Rows, row)
		}
		out = append(out, sec)
	}
	return out, nil
}

func linkedNote(numbers []string) string {
	if len(numbers) == 0 {
		return ""
	}
	return "; korban lain dalam laporan ini: " + strings.Join(numbers, ", ")
}
