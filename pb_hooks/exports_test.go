package pb_hooks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/xuri/excelize/v2"

	"teduh/internal/simfoni"
)

// exportEntry finds the audit entry of an export and decodes its detail.
func exportEntry(t *testing.T, w *statsWorld, export string) map[string]any {
	t.Helper()
	var rows []struct {
		Detail  string `db:"detail"`
		Actor   string `db:"actor_name"`
		Created string `db:"created"`
	}
	if err := w.h.App.DB().NewQuery("SELECT detail, actor_name, created FROM audit_log WHERE action = 'export' ORDER BY seq").All(&rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		var d map[string]any
		_ = json.Unmarshal([]byte(r.Detail), &d)
		if d["export"] == export {
			d["actor"] = r.Actor
			return d
		}
	}
	t.Fatalf("no audit entry for %s", export)
	return nil
}

func TestReportPDFHasTheFigures(t *testing.T) {
	w := newStatsWorld(t)
	h := w.h
	h.SetNow(time.Date(2026, 5, 20, 3, 0, 0, 0, time.UTC))
	for tok, want := range map[string]int{"": 401, w.tokOfficer: 403} {
		if res := h.Do("GET", "/api/exports/report.pdf?from=2026-01&to=2026-06", nil, tok); res.Status != want {
			t.Errorf("report by %.8q: %d, want %d", tok, res.Status, want)
		}
	}
	if res := h.Do("GET", "/api/exports/report.pdf?from=2026-06&to=2026-01", nil, w.tokSup); res.Status != 400 || res.FieldCode("to") != "before_from" {
		t.Errorf("reversed period: %d %s", res.Status, res)
	}
	st := w.stats(t, "from=2026-01&to=2026-06")
	res := h.Do("GET", "/api/exports/report.pdf?from=2026-01&to=2026-06", nil, w.tokSup)
	referralKeep(t, "simfoni-report.pdf", res)
	text := referralPDFText(t, res)
	for _, want := range []string{
		"LAPORAN DATA KEKERASAN TERHADAP PEREMPUAN DAN ANAK", "Periode: Januari 2026 - Juni 2026", "Wilayah: Kota Singkawang",
		fmt.Sprintf("Jumlah kasus (laporan) : %d", st.Totals.Cases), fmt.Sprintf("Jumlah korban : %d", st.Totals.Victims),
		fmt.Sprintf("Jumlah pelaku : %d", st.Totals.Perpetrators), fmt.Sprintf("Jumlah bentuk kekerasan : %d", st.Totals.ViolenceForms),
		"Korban menurut kelompok umur dan jenis kelamin", "Pelaku menurut hubungan dengan korban",
		fmt.Sprintf("Ditutup dalam standar %d", st.Standard.OnTime), fmt.Sprintf("Ditutup melewati standar %d", st.Standard.Late),
		fmt.Sprintf("Dilaporkan dalam 3x24 jam %d", st.TPKS.Met), fmt.Sprintf("Lewat 3x24 jam %d", st.TPKS.Missed),
		"Rujukan menurut jenis lembaga dan jawaban", "Mengetahui,", "Kepala Bidang",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// figures of a table row: the victims 6-12 years, by sex
	for _, tb := range st.Tables {
		if tb.ID == "victim_age_sex" {
			r := tb.Rows[1]
			if want := fmt.Sprintf("6-12 tahun %d %d %d %d", r.Female, r.Male, r.Unknown, r.Count); !strings.Contains(text, want) {
				t.Errorf("report lacks the row %q", want)
			}
		}
	}
	for _, secret := range append(w.names, w.stories...) {
		if strings.Contains(text, secret) {
			t.Errorf("the aggregate report holds %q", secret)
		}
	}
	d := exportEntry(t, w, "report.pdf")
	if d["from"] != "2026-01" || d["to"] != "2026-06" || d["by"] != "Kepala Bidang" || d["actor"] != "Kepala Bidang" {
		t.Errorf("audit entry %v", d)
	}
}

func TestWorkbookIsEncryptedAndDeidentified(t *testing.T) {
	w := newStatsWorld(t)
	h := w.h
	h.SetNow(time.Date(2026, 5, 20, 3, 0, 0, 0, time.UTC))
	body := map[string]any{"from": "2026-01", "to": "2026-06", "password": "sandi-rahasia-99"}
	for tok, want := range map[string]int{"": 401, w.tokOfficer: 403} {
		if res := h.Do("POST", "/api/exports/stats.xlsx", body, tok); res.Status != want {
			t.Errorf("workbook by %.8q: %d, want %d", tok, res.Status, want)
		}
	}
	for _, pw := range []string{"", "pendek7"} {
		res := h.Do("POST", "/api/exports/stats.xlsx", with(body, "password", pw), w.tokSup)
		if res.Status != 400 || res.FieldCode("password") != "too_short" {
			t.Errorf("password %q: %d %s", pw, res.Status, res)
		}
	}
	if res := h.Do("POST", "/api/exports/stats.xlsx", with(body, "from", "2026-1"), w.tokSup); res.Status != 400 || res.FieldCode("from") == "" {
		t.Errorf("bad month: %d %s", res.Status, res)
	}
	res := h.Do("POST", "/api/exports/stats.xlsx", body, w.tokSup)
	if res.Status != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("workbook: %d %v", res.Status, res.Header)
	}
	// only with its password
	if f, err := excelize.OpenReader(bytes.NewReader(res.Body)); err == nil {
		f.Close()
		t.Fatal("the workbook opens without a password")
	}
	if f, err := excelize.OpenReader(bytes.NewReader(res.Body), excelize.Options{Password: "sandi-salah-99"}); err == nil {
		f.Close()
		t.Fatal("the workbook opens with a wrong password")
	}
	f, err := excelize.OpenReader(bytes.NewReader(res.Body), excelize.Options{Password: "sandi-rahasia-99"})
	if err != nil {
		t.Fatalf("the workbook does not open with its password: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if strings.Join(sheets, "|") != "Keterangan|Tabel SIMFONI|Kasus tanpa identitas" {
		t.Fatalf("sheets %v", sheets)
	}
	st := w.stats(t, "from=2026-01&to=2026-06")
	// the tables in SIMFONI's order, with the figures
	tables, _ := f.GetRows("Tabel SIMFONI")
	var titles []string
	for _, r := range tables {
		if len(r) == 1 {
			titles = append(titles, r[0])
		}
	}
	idx := 0
	for _, tb := range simfoni.Default.Tables {
		for idx < len(titles) && titles[idx] != tb.Title {
			idx++
		}
		if idx == len(titles) {
			t.Errorf("table %q missing or out of SIMFONI's order (%v)", tb.Title, titles)
			break
		}
	}
	info, _ := f.GetRows("Keterangan")
	got := map[string]string{}
	for _, r := range info {
		if len(r) == 2 {
			got[r[0]] = r[1]
		}
	}
	if got["Jumlah korban"] != fmt.Sprint(st.Totals.Victims) || got["Jumlah pelaku"] != fmt.Sprint(st.Totals.Perpetrators) || got["Periode"] != "Januari 2026 - Juni 2026" {
		t.Errorf("summary sheet %v", got)
	}
	cases, _ := f.GetRows("Kasus tanpa identitas")
	if len(cases) != st.Totals.Victims+1 || cases[0][0] != "No. baris" || cases[1][0] != "1" || cases[len(cases)-1][0] != fmt.Sprint(st.Totals.Victims) {
		t.Errorf("case sheet: %d rows for %d victims; first %v", len(cases), st.Totals.Victims, cases[:min(2, len(cases))])
	}
	// no personal field anywhere: names, NIKs, phones, addresses, stories, case numbers
	var secrets []string
	secrets = append(secrets, w.names...)
	secrets = append(secrets, w.niks...)
	secrets = append(secrets, w.phones...)
	secrets = append(secrets, w.addresses...)
	secrets = append(secrets, w.stories...)
	for _, c := range w.cases {
		secrets = append(secrets, c.GetString("number"), c.GetString("tracking_code"), c.Id, c.GetString("reporter_name"))
	}
	cells := 0
	for _, sheet := range sheets {
		rows, _ := f.GetRows(sheet)
		for _, r := range rows {
			for _, cell := range r {
				cells++
				for _, s := range secrets {
					if s != "" && strings.Contains(cell, s) {
						t.Errorf("sheet %s holds %q in %q", sheet, s, cell)
					}
				}
				if strings.Contains(cell, "SKW-") || strings.Contains(cell, "2000-03-14") {
					t.Errorf("sheet %s holds a case number or birth date: %q", sheet, cell)
				}
			}
		}
	}
	if cells < 200 {
		t.Errorf("only %d cells scanned", cells)
	}
	d := exportEntry(t, w, "stats.xlsx")
	if d["from"] != "2026-01" || d["to"] != "2026-06" || d["by"] != "Kepala Bidang" || d["case_rows"] != float64(st.Totals.Victims) || d["password"] != nil {
		t.Errorf("audit entry %v", d)
	}
}

func TestSimfoniEntrySheet(t *testing.T) {
	w := newStatsWorld(t)
	h := w.h
	c := w.cases[0] // closed, with perpetrators and referrals
	res := h.Do("GET", "/api/complaints/"+c.Id+"/simfoni.pdf", nil, w.tokOfficer)
	referralKeep(t, "simfoni-entry.pdf", res)
	text := referralPDFText(t, res)
	order := []string{"LEMBAR ISIAN SIMFONI-PPA", "A. Data pelapor dan pengaduan", "Nomor laporan", "B. Data korban", "Nama korban : " + w.names[0],
		"Kelompok umur", "Pendidikan", "C. Kejadian", "Bentuk kekerasan", "D. Data pelaku", "Orang tua", "E. Layanan yang diberikan",
		"Pengaduan", "Penegakan hukum", "F. Standar pelayanan", "Status kasus : Selesai"}
	at := 0
	for _, s := range order {
		i := strings.Index(text[at:], s)
		if i < 0 {
			t.Errorf("entry sheet lacks %q after position %d", s, at)
			continue
		}
		at += i
	}
	if !strings.Contains(text, "RAHASIA") {
		t.Error("the entry sheet holds personal data and must say so")
	}
	if n, _ := h.App.CountRecords("audit_log", dbx.HashExp{"record_id": c.Id, "action": "download"}); n != 1 {
		t.Errorf("%d download entries", n)
	}
	// a case the officer may not see answers like a missing one
	if res := h.Do("GET", "/api/complaints/"+c.Id+"/simfoni.pdf", nil, w.tokOther); res.Status != 404 {
		t.Errorf("other officer: %d %s", res.Status, res)
	}
	if res := h.Do("GET", "/api/complaints/nosuchcase12345/simfoni.pdf", nil, w.tokSup); res.Status != 404 {
		t.Errorf("missing case: %d", res.Status)
	}
}
