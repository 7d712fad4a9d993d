package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Calendar is the office's working calendar: which weekdays are not worked
// and which dates are holidays (national holidays and cuti bersama, kept as
// data by the office). Deadlines counted in working days skip both. Day
// boundaries are those of the office's time zone.
type Calendar struct {
	Weekend  []time.Weekday
	Holidays map[string]string // YYYY-MM-DD → name
	Location *time.Location
}

// DefaultWeekend is Saturday and Sunday, the working week of Indonesian
// regional government offices.
var DefaultWeekend = []time.Weekday{time.Saturday, time.Sunday}

// WeekdayCodes are the stable codes of the weekdays in the office profile.
var WeekdayCodes = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// ParseWeekend reads weekday codes ("saturday", "sunday"); unknown codes are
// an error, an empty list means no weekend at all.
func ParseWeekend(codes []string) ([]time.Weekday, error) {
	var out []time.Weekday
	for _, c := range codes {
		d, ok := WeekdayCodes[strings.ToLower(strings.TrimSpace(c))]
		if !ok {
			return nil, fmt.Errorf("hari %q tidak dikenal (gunakan sunday, monday, tuesday, wednesday, thursday, friday, saturday)", c)
		}
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	if len(out) == 7 {
		return nil, fmt.Errorf("setiap hari tidak mungkin hari libur")
	}
	return out, nil
}

func (c *Calendar) loc() *time.Location {
	if c == nil || c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// civilDate is the calendar date of t in loc, as midnight UTC.
func civilDate(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dayStart is the first instant of a civil date in loc.
func dayStart(date time.Time, loc *time.Location) time.Time {
	y, m, d := date.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// WorkingDay reports whether the civil date (midnight UTC) is worked.
func (c *Calendar) WorkingDay(date time.Time) bool {
	if c == nil {
		return true
	}
	weekend := c.Weekend
	if weekend == nil {
		weekend = DefaultWeekend
	}
	if slices.Contains(weekend, date.Weekday()) {
		return false
	}
	_, holiday := c.Holidays[date.Format(time.DateOnly)]
	return !holiday
}

// AddWorkingDays is the end of the n-th working day after the day of t (the
// day of t itself does not count, worked or not): a complaint received on a
// Friday with 1 working day is due at the end of Monday, unless Monday is a
// holiday. The end of a day is the first instant of the next one.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	loc := c.loc()
	day := civilDate(t, loc)
	for i := 0; i < n; {
		day = day.AddDate(0, 0, 1)
		if c.WorkingDay(day) {
			i++
		}
	}
	return dayStart(day.AddDate(0, 0, 1), loc)
}

// WorkingDaysBefore is the first instant of the working day that lies n
// working days before the day of due's deadline (the day that ends at due):
// with n = 0 the deadline's own day, with n = 1 the working day before it.
func (c *Calendar) WorkingDaysBefore(due time.Time, n int) time.Time {
	loc := c.loc()
	// the day that ends at due
	day := civilDate(due.Add(-time.Nanosecond), loc)
	for i := 0; i < n; {
		day = day.AddDate(0, 0, -1)
		if c.WorkingDay(day) {
			i++
		}
	}
	return dayStart(day, loc)
}

// WorkingDaysBetween counts the working days after the day of a up to and
// including the day of b (0 when b is not after a).
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	loc := c.loc()
	from, to := civilDate(a, loc), civilDate(b, loc)
	n := 0
	for d := from.AddDate(0, 0, 1); !d.After(to); d = d.AddDate(0, 0, 1) {
		if c.WorkingDay(d) {
			n++
		}
	}
	return n
}

// Duration is a clock length or offset: exactly one of hours, calendar days
// (24 hours each) or working days (counted on the office calendar).
type Duration struct {
	Hours       int `json:"hours,omitempty"`
	Days        int `json:"days,omitempty"`
	WorkingDays int `json:"working_days,omitempty"`
	// unit is the key the definition gave, so that a zero offset
	// ("working_days": 0, the due day itself) keeps its unit
	unit string
}

// UnmarshalJSON reads a duration and remembers which unit it was given in.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	type plain Duration
	var p plain
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return err
	}
	*d = Duration(p)
	for _, u := range []string{"hours", "days", "working_days"} {
		if _, ok := raw[u]; ok {
			if d.unit != "" {
				d.unit = "several"
			} else {
				d.unit = u
			}
		}
	}
	return nil
}

// MarshalJSON writes the duration in the unit it was given in.
func (d Duration) MarshalJSON() ([]byte, error) {
	switch d.unitOf() {
	case "days":
		return json.Marshal(map[string]int{"days": d.Days})
	case "working_days":
		return json.Marshal(map[string]int{"working_days": d.WorkingDays})
	}
	return json.Marshal(map[string]int{"hours": d.Hours})
}

// unitOf is the duration's unit.
func (d Duration) unitOf() string {
	switch {
	case d.unit != "" && d.unit != "several":
		return d.unit
	case d.WorkingDays > 0:
		return "working_days"
	case d.Days > 0:
		return "days"
	}
	return "hours"
}

func (d Duration) check(allowZero bool) error {
	if d.unit == "several" {
		return fmt.Errorf("give one of hours, days or working_days, not several")
	}
	set := 0
	for _, v := range []int{d.Hours, d.Days, d.WorkingDays} {
		if v < 0 {
			return fmt.Errorf("a duration cannot be negative")
		}
		if v > 0 {
			set++
		}
	}
	if set > 1 {
		return fmt.Errorf("give one of hours, days or working_days, not several")
	}
	if set == 0 && !allowZero {
		return fmt.Errorf("give hours, days or working_days (a positive number)")
	}
	return nil
}

// After is t moved forward by the duration.
func (d Duration) After(t time.Time, cal *Calendar) time.Time {
	switch d.unitOf() {
	case "working_days":
		return cal.AddWorkingDays(t, d.WorkingDays)
	case "days":
		return t.Add(time.Duration(d.Days) * 24 * time.Hour)
	}
	return t.Add(time.Duration(d.Hours) * time.Hour)
}

// Before is a deadline moved back by the duration (working days: the start
// of the working day that many working days before the deadline's day).
func (d Duration) Before(due time.Time, cal *Calendar) time.Time {
	switch d.unitOf() {
	case "working_days":
		return cal.WorkingDaysBefore(due, d.WorkingDays)
	case "days":
		return due.Add(-time.Duration(d.Days) * 24 * time.Hour)
	}
	return due.Add(-time.Duration(d.Hours) * time.Hour)
}

// MaxSpan bounds how far, in real time, the duration can reach: working days
// are at most a few calendar days each, however the calendar falls (used to
// bound a sweep's range query, never to decide a deadline).
func (d Duration) MaxSpan() time.Duration {
	switch d.unitOf() {
	case "working_days":
		return time.Duration(d.WorkingDays*3+21) * 24 * time.Hour
	case "days":
		return time.Duration(d.Days) * 24 * time.Hour
	}
	return time.Duration(d.Hours) * time.Hour
}

// Text is the duration in words: "72 jam", "7 hari", "10 hari kerja".
func (d Duration) Text() string {
	switch d.unitOf() {
	case "working_days":
		return fmt.Sprintf("%d hari kerja", d.WorkingDays)
	case "days":
		return fmt.Sprintf("%d hari", d.Days)
	}
	return fmt.Sprintf("%d jam", d.Hours)
}
