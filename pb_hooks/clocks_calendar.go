package pb_hooks

// The office calendar that deadlines in working days are counted on: the
// weekend in the office profile (weekend_days, the administrator's) and the
// holidays, records supervisors keep in the console or the admin panel
// (seeded with the national holidays and cuti bersama). It is read once and
// kept until one of them changes.

import (
	"encoding/json"
	"sync"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teduh/internal/engine"
)

const holidaysCollection = "holidays"

type calendarCache struct {
	mu  sync.RWMutex
	cal *engine.Calendar
}

func (t *Teduh) bindCalendar() {
	forget := func(e *core.RecordEvent) error {
		t.calendars.mu.Lock()
		t.calendars.cal = nil
		t.calendars.mu.Unlock()
		return e.Next()
	}
	t.app.OnRecordAfterCreateSuccess(holidaysCollection, "office").BindFunc(forget)
	t.app.OnRecordAfterUpdateSuccess(holidaysCollection, "office").BindFunc(forget)
	t.app.OnRecordAfterDeleteSuccess(holidaysCollection).BindFunc(forget)
	t.app.OnRecordValidate("office").BindFunc(validateWeekend)
}

// validateWeekend keeps the office's weekend readable by the calendar.
func validateWeekend(e *core.RecordEvent) error {
	raw := e.Record.GetString("weekend_days")
	if raw == "" || raw == "null" {
		return e.Next()
	}
	var codes []string
	if err := json.Unmarshal([]byte(raw), &codes); err != nil {
		return validation.Errors{"weekend_days": validation.NewError("invalid_weekend", "Hari libur mingguan harus berupa daftar hari, misalnya [\"saturday\", \"sunday\"].")}
	}
	if _, err := engine.ParseWeekend(codes); err != nil {
		return validation.Errors{"weekend_days": validation.NewError("invalid_weekend", "Hari libur mingguan tidak valid: "+err.Error()+".")}
	}
	return e.Next()
}

// Calendar is the office calendar in the office's time zone.
func (t *Teduh) Calendar(app core.App) (*engine.Calendar, error) {
	t.calendars.mu.RLock()
	cal := t.calendars.cal
	t.calendars.mu.RUnlock()
	if cal != nil {
		return cal, nil
	}
	office, err := t.Office(app)
	if err != nil {
		return nil, err
	}
	cal = &engine.Calendar{Weekend: engine.DefaultWeekend, Holidays: map[string]string{}, Location: office.Location()}
	var codes []string
	if err := office.Record.UnmarshalJSONField("weekend_days", &codes); err == nil && codes != nil {
		if days, err := engine.ParseWeekend(codes); err == nil {
			cal.Weekend = days
		}
	}
	if _, err := app.FindCachedCollectionByNameOrId(holidaysCollection); err == nil {
		var rows []struct {
			Date string `db:"date"`
			Name string `db:"name"`
		}
		if err := app.DB().Select("date", "name").From(holidaysCollection).All(&rows); err != nil {
			return nil, err
		}
		for _, r := range rows {
			// a holiday is a calendar date: stored at midnight UTC (the
			// console, the seed) or at midnight of the office's zone (the
			// admin panel's date picker); either is that date in the office
			// zone, whose offset is ahead of UTC
			if d, err := types.ParseDateTime(r.Date); err == nil && !d.IsZero() {
				cal.Holidays[d.Time().In(office.Location()).Format(time.DateOnly)] = r.Name
			}
		}
	}
	t.calendars.mu.Lock()
	t.calendars.cal = cal
	t.calendars.mu.Unlock()
	return cal, nil
}
