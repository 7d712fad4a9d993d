package pb_hooks

// A service's figures over a period, from its definitions: how many cases
// arrived (by channel and by each select field of its form), how many are
// open, closed or withdrawn, each declared clock met on time, met late,
// missed or running, and the average of each number field. For the service
// complaints that is: received, answered, answered on time, average rating
// — what the statistics dashboard shows beside the victim complaints'.

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teduh/internal/engine"
)

// Figures are a service's figures over [From, To).
type Figures struct {
	Service   string `json:"service"`
	Name      string `json:"name"`
	From      string `json:"from"`
	To        string `json:"to"` // the last day included
	Received  int    `json:"received"`
	Open      int    `json:"open"`
	Closed    int    `json:"closed"`
	Withdrawn int    `json:"withdrawn"`
	// Answered and AnsweredOnTime are the first declared clock's (the
	// service complaints' answer deadline): met, and met by its deadline.
	Answered       int `json:"answered"`
	AnsweredOnTime int `json:"answered_on_time"`
	// AverageRating is the first number field's average (the rating of
	// the service complaints), nil when no case gave one.
	AverageRating *float64           `json:"average_rating"`
	Rated         int                `json:"rated"`
	ByChannel     []Count            `json:"by_channel"`
	Breakdowns    map[string][]Count `json:"breakdowns"`
	Clocks        []ClockFigures     `json:"clocks"`
	Averages      []Average          `json:"averages"`
}

// Count is how many cases have one value.
type Count struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// ClockFigures are one declared clock's figures for the cases of the period.
type ClockFigures struct {
	ID        string `json:"id"`
	Label     string `json:"label"`
	Started   int    `json:"started"`
	MetOnTime int    `json:"met_on_time"`
	MetLate   int    `json:"met_late"`
	Missed    int    `json:"missed"` // deadline passed, not met
	Running   int    `json:"running"`
	Cancelled int    `json:"cancelled"`
}

// Average is a number field's average over the cases that gave a value.
type Average struct {
	Field   string   `json:"field"`
	Label   string   `json:"label"`
	Average *float64 `json:"average"`
	Count   int      `json:"count"`
}

// ServiceFigures counts a service's cases submitted in [from, to).
func (t *Teduh) ServiceFigures(app core.App, s *Service, from, to time.Time) (*Figures, error) {
	loc := from.Location()
	f := &Figures{Service: s.ID(), Name: s.Defs.Workflow.Title, From: from.Format(time.DateOnly), To: to.Add(-time.Nanosecond).In(loc).Format(time.DateOnly),
		ByChannel: []Count{}, Breakdowns: map[string][]Count{}, Clocks: []ClockFigures{}, Averages: []Average{}}
	if d := s.Desc(); d != nil {
		f.Name = d.Name
	}
	period := dbx.NewExp("c.submitted_at >= {:from} AND c.submitted_at < {:to}", dbx.Params{"from": dbTime(from), "to": dbTime(to)})
	base := func() *dbx.SelectQuery { return app.DB().Select().From(s.CaseCollection + " c").Where(period) }

	var status []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	if err := base().Select("c.status AS status", "COUNT(*) AS n").GroupBy("c.status").All(&status); err != nil {
		return nil, err
	}
	for _, r := range status {
		f.Received += r.N
		switch r.Status {
		case engine.StatusClosed:
			f.Closed += r.N
		case engine.StatusWithdrawn:
			f.Withdrawn += r.N
		default:
			f.Open += r.N
		}
	}

	counts := func(column string, label func(string) string) ([]Count, error) {
		var rows []struct {
			V string `db:"v"`
			N int    `db:"n"`
		}
		if err := base().Select("c.[["+column+"]] AS v", "COUNT(*) AS n").GroupBy("c.[["+column+"]]").OrderBy("n DESC", "v").All(&rows); err != nil {
			return nil, err
		}
		out := []Count{}
		for _, r := range rows {
			out = append(out, Count{Code: r.V, Label: label(r.V), Count: r.N})
		}
		return out, nil
	}
	channels := map[string]string{s.PublicChannel: "Formulir online"}
	if d := s.Desc(); d != nil {
		for _, c := range d.StaffChannels {
			channels[c.Code] = c.Label
		}
	}
	var err error
	if f.ByChannel, err = counts("channel", func(v string) string {
		if l, ok := channels[v]; ok {
			return l
		}
		return v
	}); err != nil {
		return nil, err
	}
	desc := s.Desc()
	for _, fd := range s.Defs.Form.Fields() {
		fd := fd
		if desc != nil && desc.Personal(fd.Name) {
			continue
		}
		switch fd.Type {
		case engine.TypeSelect:
			list, err := counts(fd.Name, fd.OptionLabel)
			if err != nil {
				return nil, err
			}
			f.Breakdowns[fd.Name] = list
		case engine.TypeNumber:
			// a stored 0 outside the field's range is "not given"
			cond := "c.[[" + fd.Name + "]] IS NOT NULL"
			if fd.Min != nil && *fd.Min > 0 {
				cond += " AND c.[[" + fd.Name + "]] >= {:min}"
			}
			var row struct {
				Avg *float64 `db:"avg"`
				N   int      `db:"n"`
			}
			q := base().Select("AVG(c.[["+fd.Name+"]]) AS avg", "COUNT(*) AS n").AndWhere(dbx.NewExp(cond, dbx.Params{"min": minOf(fd)}))
			if err := q.One(&row); err != nil {
				return nil, err
			}
			f.Averages = append(f.Averages, Average{Field: fd.Name, Label: fd.Label, Average: row.Avg, Count: row.N})
		}
	}
	if len(f.Averages) > 0 {
		f.AverageRating, f.Rated = f.Averages[0].Average, f.Averages[0].Count
	}

	if s.ClockCollection != "" && len(s.Defs.Workflow.Clocks) > 0 {
		for _, cl := range s.Defs.Workflow.Clocks {
			var row struct {
				Started   int `db:"started"`
				OnTime    int `db:"on_time"`
				Late      int `db:"late"`
				Missed    int `db:"missed"`
				Running   int `db:"running"`
				Cancelled int `db:"cancelled"`
			}
			err := app.DB().Select(
				"COUNT(*) AS started",
				"COALESCE(SUM(k.status = 'met'), 0) AS on_time",
				"COALESCE(SUM(k.status = 'missed' AND k.met_at != ''), 0) AS late",
				"COALESCE(SUM(k.status = 'missed' AND k.met_at = ''), 0) AS missed",
				"COALESCE(SUM(k.status = 'running'), 0) AS running",
				"COALESCE(SUM(k.status = 'cancelled'), 0) AS cancelled",
			).From(s.ClockCollection+" k").InnerJoin(s.CaseCollection+" c", dbx.NewExp("c.id = k.complaint")).
				Where(period).AndWhere(dbx.HashExp{"k.clock": cl.ID}).One(&row)
			if err != nil {
				return nil, err
			}
			f.Clocks = append(f.Clocks, ClockFigures{ID: cl.ID, Label: cl.Label, Started: row.Started, MetOnTime: row.OnTime,
				MetLate: row.Late, Missed: row.Missed, Running: row.Running, Cancelled: row.Cancelled})
		}
		if len(f.Clocks) > 0 {
			f.Answered, f.AnsweredOnTime = f.Clocks[0].MetOnTime+f.Clocks[0].MetLate, f.Clocks[0].MetOnTime
		}
	}
	return f, nil
}

func minOf(fd engine.Field) float64 {
	if fd.Min == nil {
		return 0
	}
	return *fd.Min
}
