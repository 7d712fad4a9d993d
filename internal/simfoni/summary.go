package simfoni

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Option is a code and its label (districts, institution types).
type Option struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Row is one line of a table: a category and its count (by sex for the
// victims' age table).
type Row struct {
	Code    string `json:"code"`
	Label   string `json:"label"`
	Count   int    `json:"count"`
	Female  int    `json:"female,omitempty"`
	Male    int    `json:"male,omitempty"`
	Unknown int    `json:"unknown_sex,omitempty"`
}

// TableResult is one aggregate table, in SIMFONI's order.
type TableResult struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Unit  string `json:"unit"`
	BySex bool   `json:"by_sex,omitempty"`
	Rows  []Row  `json:"rows"`
	Total int    `json:"total"`
}

// MonthRow counts one month.
type MonthRow struct {
	Month        string `json:"month"`
	Label        string `json:"label"`
	Cases        int    `json:"cases"`
	Victims      int    `json:"victims"`
	Perpetrators int    `json:"perpetrators"`
}

// Totals are SIMFONI's four headline counts.
type Totals struct {
	Cases         int `json:"cases"`
	Victims       int `json:"victims"`
	Perpetrators  int `json:"perpetrators"`
	ViolenceForms int `json:"violence_forms"`
}

// Response is the first-response figure of one urgency.
type Response struct {
	Count         int      `json:"count"`
	MedianMinutes *float64 `json:"median_minutes"`
}

// Standard is the service standard of the period.
type Standard struct {
	SLADays int `json:"sla_days"`
	// Closed are the cases closed in the period after their requirements
	// were complete; OnTime of them within the standard.
	Closed            int                 `json:"closed"`
	OnTime            int                 `json:"closed_on_time"`
	Late              int                 `json:"closed_late"`
	ShareOnTime       *float64            `json:"share_on_time"`
	MedianDaysToClose *float64            `json:"median_days_to_close"`
	FirstResponse     map[string]Response `json:"first_response"`
	// OpenNow and OverdueNow are the moment's, not the period's.
	OpenNow    int `json:"open_now"`
	OverdueNow int `json:"overdue_now"`
}

// TPKS is the 3x24-hour police-report clock (UU 12/2022 Pasal 41).
type TPKS struct {
	Cases     int `json:"cases"`
	Met       int `json:"met"`
	Missed    int `json:"missed"`
	Running   int `json:"running"`
	Cancelled int `json:"cancelled"`
	// RunningOverdueNow are running clocks past their deadline at this moment.
	RunningOverdueNow int `json:"running_overdue_now"`
}

// ReferralRow counts one institution type's referrals by answer.
type ReferralRow struct {
	Type    string         `json:"type"`
	Label   string         `json:"label"`
	Total   int            `json:"total"`
	Answers map[string]int `json:"answers"`
}

// Stats is the whole answer of the statistics.
type Stats struct {
	From            string        `json:"from"`
	To              string        `json:"to"`
	District        string        `json:"district"`
	Source          string        `json:"source"`
	Totals          Totals        `json:"totals"`
	Months          []MonthRow    `json:"months"`
	Tables          []TableResult `json:"tables"`
	Standard        Standard      `json:"service_standard"`
	TPKS            TPKS          `json:"tpks"`
	Referrals       []ReferralRow `json:"referrals"`
	ReferralAnswers []Option      `json:"referral_answers"`
}

// Months lists the months from..to inclusive ("2026-01".."2026-12").
func Months(from, to string) ([]string, error) {
	a, err := time.Parse("2006-01", from)
	if err != nil {
		return nil, err
	}
	b, err := time.Parse("2006-01", to)
	if err != nil {
		return nil, err
	}
	var out []string
	for m := a; !m.After(b); m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out, nil
}

var monthNames = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

// MonthLabel is "Maret 2026".
func MonthLabel(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return fmt.Sprintf("%s %d", monthNames[t.Month()-1], t.Year())
}

// PeriodLabel is "Januari 2026 - Desember 2026", or one month's name.
func PeriodLabel(from, to string) string {
	if from == to {
		return MonthLabel(from)
	}
	return MonthLabel(from) + " - " + MonthLabel(to)
}

// Summarise adds up the cells of a period (already limited to the months
// and the district asked for) into the statistics. districts and
// institutionTypes give those lists' codes and labels, in order.
func (v *Vocab) Summarise(cells []Cell, from, to string, districts, institutionTypes []Option) (Stats, error) {
	months, err := Months(from, to)
	if err != nil {
		return Stats{}, err
	}
	st := Stats{From: from, To: to, Source: v.Source}
	sum := map[string]map[string]int{} // dim → key → n
	byMonth := map[string]*MonthRow{}
	byDistrict := map[string]int{}
	for _, m := range months {
		byMonth[m] = &MonthRow{Month: m, Label: MonthLabel(m)}
	}
	for _, c := range cells {
		if sum[c.Dim] == nil {
			sum[c.Dim] = map[string]int{}
		}
		sum[c.Dim][c.Key] += c.N
		if c.Dim != DimTotal {
			continue
		}
		row := byMonth[c.Month]
		switch c.Key {
		case KeyVictims:
			byDistrict[c.District] += c.N
			if row != nil {
				row.Victims += c.N
			}
		case KeyCases:
			if row != nil {
				row.Cases += c.N
			}
		case KeyPerpetrators:
			if row != nil {
				row.Perpetrators += c.N
			}
		}
	}
	total := sum[DimTotal]
	st.Totals = Totals{Cases: total[KeyCases], Victims: total[KeyVictims], Perpetrators: total[KeyPerpetrators], ViolenceForms: total[KeyForms]}
	for _, m := range months {
		st.Months = append(st.Months, *byMonth[m])
	}

	for _, t := range v.Tables {
		res := TableResult{ID: t.ID, Title: t.Title, Unit: t.Unit, BySex: t.BySex}
		var items []Option
		if t.List == ListDistricts {
			items = districts
		} else {
			for _, it := range v.Lists[t.List] {
				items = append(items, Option{Code: it.Code, Label: it.Label})
			}
		}
		unknownCode := Unknown
		if t.List == ListDistricts {
			unknownCode = ""
		}
		if !v.HasCode(t.List, Unknown) {
			items = append(items, Option{Code: unknownCode, Label: UnknownLabel})
		}
		for _, it := range items {
			r := Row{Code: it.Code, Label: it.Label}
			switch {
			case t.List == ListDistricts:
				r.Count = byDistrict[it.Code]
			case t.BySex:
				for key, n := range sum[DimVictimAgeSex] {
					group, sex, _ := strings.Cut(key, "|")
					if group != it.Code {
						continue
					}
					r.Count += n
					switch sex {
					case "perempuan":
						r.Female += n
					case "laki_laki":
						r.Male += n
					default:
						r.Unknown += n
					}
				}
			default:
				r.Count = sum[t.ID][it.Code]
			}
			if r.Code == unknownCode && r.Count == 0 {
				continue // no "unknown" row when everything is known
			}
			if r.Code == "" {
				r.Code = Unknown
			}
			res.Total += r.Count
			res.Rows = append(res.Rows, r)
		}
		st.Tables = append(st.Tables, res)
	}

	sla := sum[DimSLA]
	st.Standard.Closed, st.Standard.OnTime = sla["closed"], sla["on_time"]
	st.Standard.Late = st.Standard.Closed - st.Standard.OnTime
	if st.Standard.Closed > 0 {
		share := float64(st.Standard.OnTime) / float64(st.Standard.Closed)
		st.Standard.ShareOnTime = &share
	}
	if m, ok := Median(sum[DimCloseHours]); ok {
		days := m / 24
		st.Standard.MedianDaysToClose = &days
	}
	st.Standard.FirstResponse = map[string]Response{}
	for _, u := range []string{"emergency", "normal"} {
		h := sum[DimFirstPrefix+u]
		r := Response{}
		for _, n := range h {
			r.Count += n
		}
		if m, ok := Median(h); ok {
			r.MedianMinutes = &m
		}
		st.Standard.FirstResponse[u] = r
	}

	tp := sum[DimTPKS]
	st.TPKS = TPKS{Met: tp["met"], Missed: tp["missed"], Running: tp["running"], Cancelled: tp["cancelled"]}
	st.TPKS.Cases = st.TPKS.Met + st.TPKS.Missed + st.TPKS.Running + st.TPKS.Cancelled

	for _, a := range v.Lists[ListReferralAnswers] {
		st.ReferralAnswers = append(st.ReferralAnswers, Option{Code: a.Code, Label: a.Label})
	}
	for _, it := range institutionTypes {
		row := ReferralRow{Type: it.Code, Label: it.Label, Answers: map[string]int{}}
		for key, n := range sum[DimReferral] {
			typ, answer, _ := strings.Cut(key, "|")
			if typ == it.Code && n != 0 {
				row.Answers[answer] += n
				row.Total += n
			}
		}
		st.Referrals = append(st.Referrals, row)
	}
	return st, nil
}

// Median of a histogram of whole numbers (key → how many): the middle
// value, or the mean of the two middle values.
func Median(hist map[string]int) (float64, bool) {
	type bin struct{ v, n int }
	var bins []bin
	total := 0
	for k, n := range hist {
		v, err := strconv.Atoi(k)
		if err != nil || n <= 0 {
			continue
		}
		bins = append(bins, bin{v, n})
		total += n
	}
	if total == 0 {
		return 0, false
	}
	sort.Slice(bins, func(i, j int) bool { return bins[i].v < bins[j].v })
	at := func(i int) int { // the i-th smallest value, 0-based
		for _, b := range bins {
			if i < b.n {
				return b.v
			}
			i -= b.n
		}
		return bins[len(bins)-1].v
	}
	if total%2 == 1 {
		return float64(at(total / 2)), true
	}
	return float64(at(total/2-1)+at(total/2)) / 2, true
}
