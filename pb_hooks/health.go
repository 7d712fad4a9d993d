package pb_hooks

// System health: what a supervisor or the system administrator must see to
// trust that Teduh does its work unattended — mail can go out and went out
// lately, the links in mails point where staff can open them, the reminder
// sweep runs, backups exist, the disk is not full, the audit chain holds.
// GET /api/system-health answers it and the console shows it ("Kesehatan
// sistem"); startup.go says at start what is missing.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teduh/internal/reminders"
)

// auditChainState reports the state of the audit log's hash chain for the
// health page; the audit feature sets it. Nil: the state is "unknown".
var auditChainState func(app core.App) (map[string]any, error)

// defaultSenderAddress is PocketBase's sender address on a fresh install;
// mail from it is refused or lands in spam.
const defaultSenderAddress = "support@example.com"

// Limits under which the health page raises a problem.
const (
	diskFreeMin       = 1 << 30 // 1 GiB
	diskFreeMinShare  = 0.10
	backupMaxAge      = 48 * time.Hour
	unsentListMax     = 50
	gaveUpShownWithin = 7 * 24 * time.Hour
)

func (t *Teduh) bindHealthRoutes(se *core.ServeEvent) error {
	se.Router.GET("/api/system-health", t.systemHealth).BindFunc(supervisorOnly)
	return se.Next()
}

// --- the report -------------------------------------------------------------

// Health is the answer of GET /api/system-health. Every part says whether
// it is OK and, when not, what to do, in Bahasa Indonesia.
type Health struct {
	OK        bool           `json:"ok"`
	CheckedAt types.DateTime `json:"checked_at"`
	Mail      MailHealth     `json:"mail"`
	AppURL    AppURLHealth   `json:"app_url"`
	Reminders SweepHealth    `json:"reminders"`
	Backups   BackupHealth   `json:"backups"`
	Disk      DiskHealth     `json:"disk"`
	Audit     map[string]any `json:"audit"`
	// Replication: the replicas and the encrypted backups (replication.go)
	Replication map[string]any `json:"replication"`
}

// MailHealth: whether mail is set up, when it last worked, and what it
// could not deliver.
type MailHealth struct {
	OK            bool           `json:"ok"`
	Configured    bool           `json:"configured"`
	SMTPEnabled   bool           `json:"smtp_enabled"`
	SMTPHost      string         `json:"smtp_host"`
	SenderAddress string         `json:"sender_address"`
	Problems      []string       `json:"problems"`
	LastSentAt    types.DateTime `json:"last_sent_at"`
	Pending       int            `json:"pending"` // waiting for their first attempt
	Failing       int            `json:"failing"` // failed, to be tried again
	GaveUp        int            `json:"gave_up"` // given up within the last 7 days
	Unsent        []UnsentMail   `json:"unsent"`  // failing and given up, newest first
}

// UnsentMail is one notification whose mail did not go out. It names the
// case by its number only, as the mail itself would.
type UnsentMail struct {
	ID            string         `json:"id"`
	Kind          string         `json:"kind"`
	Title         string         `json:"title"`
	Complaint     string         `json:"complaint"`
	Number        string         `json:"number"`
	Recipient     string         `json:"recipient"`
	Status        string         `json:"status"` // failed | gave_up
	Attempts      int            `json:"attempts"`
	Error         string         `json:"error"`
	Created       types.DateTime `json:"created"`
	NextAttemptAt types.DateTime `json:"next_attempt_at"` // empty once given up
}

// AppURLHealth: the address mails link to (Settings → Application URL).
type AppURLHealth struct {
	OK      bool   `json:"ok"`
	URL     string `json:"url"`
	Problem string `json:"problem,omitempty"`
	// Note is a softer remark: the page was opened at another address.
	Note string `json:"note,omitempty"`
}

// SweepHealth: the reminder sweep of this server process.
type SweepHealth struct {
	OK              bool         `json:"ok"`
	IntervalMinutes int          `json:"interval_minutes"`
	Last            *SweepRecord `json:"last"`
	Problem         string       `json:"problem,omitempty"`
}

// SweepRecord is what one reminder sweep did.
type SweepRecord struct {
	At            types.DateTime `json:"at"`
	TookMS        int64          `json:"took_ms"`
	OK            bool           `json:"ok"`
	Error         string         `json:"error,omitempty"`
	Cases         int            `json:"cases"`
	Notifications int            `json:"notifications"`
	MailsSent     int            `json:"mails_sent"`
	MailsFailed   int            `json:"mails_failed"`
	MailsGaveUp   int            `json:"mails_gave_up"`
}

// BackupHealth: PocketBase's scheduled backups and the newest one stored.
type BackupHealth struct {
	OK       bool        `json:"ok"`
	Schedule string      `json:"schedule"` // cron, UTC
	Keep     int         `json:"keep"`
	Storage  string      `json:"storage"` // local | s3
	Count    int         `json:"count"`
	Last     *BackupFile `json:"last"`
	Problem  string      `json:"problem,omitempty"`
	Note     string      `json:"note,omitempty"`
}

// BackupFile is one backup archive.
type BackupFile struct {
	Name string         `json:"name"`
	Time types.DateTime `json:"time"`
	Size int64          `json:"size"`
}

// DiskHealth: free space where pb_data lives.
type DiskHealth struct {
	OK         bool   `json:"ok"`
	Path       string `json:"path"`
	FreeBytes  uint64 `json:"free_bytes"`
	TotalBytes uint64 `json:"total_bytes"`
	Problem    string `json:"problem,omitempty"`
}

// systemHealth serves GET /api/system-health (supervisors, superuser).
func (t *Teduh) systemHealth(e *core.RequestEvent) error {
	scheme := "http"
	if e.IsTLS() || strings.EqualFold(e.Request.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	h := t.SystemHealth(e.App, t.now(), scheme+"://"+e.Request.Host)
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.JSON(http.StatusOK, h)
}

// SystemHealth checks everything the health page shows at now; origin is
// the address the page was opened at ("" when unknown).
func (t *Teduh) SystemHealth(app core.App, now time.Time, origin string) *Health {
	h := &Health{CheckedAt: dt(now)}
	h.Mail = mailHealth(app, now)
	h.AppURL = appURLHealth(app.Settings().Meta.AppURL, origin)
	h.Reminders = t.sweepHealth(now)
	h.Backups = backupHealth(app, now)
	h.Disk = diskHealth(app.DataDir())
	h.Audit = auditHealth(app)
	h.Replication = ReplicationHealth(app)
	problems, _ := h.Replication["errors"].([]string)
	h.Replication["ok"] = len(problems) == 0
	h.OK = h.Mail.OK && h.AppURL.OK && h.Reminders.OK && h.Backups.OK && h.Disk.OK && len(problems) == 0
	return h
}

func dt(t time.Time) types.DateTime {
	d, _ := types.ParseDateTime(t.UTC())
	return d
}

// --- mail ---------------------------------------------------------------------

// mailProblems says what keeps mail from working in the settings; none
// means it is set up (whether the server accepts it shows in the outbox).
func mailProblems(s *core.Settings) []string {
	var out []string
	if !s.SMTP.Enabled || strings.TrimSpace(s.SMTP.Host) == "" {
		out = append(out, "Server e-mail (SMTP) belum diatur, sehingga e-mail pemberitahuan tidak dapat dikirim. "+
			"Atur di panel admin /_/: Settings → Mail settings → Use SMTP mail server.")
	}
	if addr := strings.TrimSpace(s.Meta.SenderAddress); addr == "" || strings.EqualFold(addr, defaultSenderAddress) {
		out = append(out, fmt.Sprintf("Alamat pengirim e-mail masih bawaan (%s). Ganti dengan alamat e-mail kantor di Settings → Mail settings → Sender address.", defaultSenderAddress))
	}
	return out
}

// mailKinds are the notification kinds as IN-list values, so that the
// outbox counts seek idx_notifications_outbox (kind, email_status, created).
func mailKinds() []any {
	out := make([]any, len(reminders.Kinds))
	for i, k := range reminders.Kinds {
		out[i] = string(k)
	}
	return out
}

func mailHealth(app core.App, now time.Time) MailHealth {
	s := app.Settings()
	m := MailHealth{
		SMTPEnabled: s.SMTP.Enabled, SMTPHost: s.SMTP.Host, SenderAddress: s.Meta.SenderAddress,
		Problems: mailProblems(s), Unsent: []UnsentMail{},
	}
	m.Configured = len(m.Problems) == 0

	// idx_notifications_emailed_at: one seek
	var last string
	if err := app.DB().NewQuery("SELECT COALESCE(MAX(emailed_at), '') FROM notifications WHERE emailed_at != ''").Row(&last); err == nil && last != "" {
		m.LastSentAt, _ = types.ParseDateTime(last)
	}

	since := dbTime(now.Add(-gaveUpShownWithin))
	count := func(status string, where dbx.Expression) int {
		var n int
		q := app.DB().Select("COUNT(*)").From("notifications").
			Where(dbx.In("kind", mailKinds()...)).AndWhere(dbx.HashExp{"email_status": status})
		if where != nil {
			q.AndWhere(where)
		}
		if err := q.Row(&n); err != nil {
			m.Problems = append(m.Problems, "Antrean e-mail tidak dapat dibaca: "+err.Error())
		}
		return n
	}
	m.Pending = count("pending", nil)
	m.Failing = count("failed", nil)
	recent := dbx.NewExp("created >= {:since}", dbx.Params{"since": since})
	m.GaveUp = count("gave_up", recent)

	var rows []struct {
		ID        string         `db:"id"`
		Kind      string         `db:"kind"`
		Complaint string         `db:"complaint"`
		Number    string         `db:"number"`
		Recipient string         `db:"recipient_name"`
		Status    string         `db:"email_status"`
		Attempts  int            `db:"email_attempts"`
		Error     string         `db:"email_error"`
		Created   types.DateTime `db:"created"`
		Lease     types.DateTime `db:"email_lease_until"`
	}
	err := app.DB().Select("n.id", "n.kind", "n.complaint", "COALESCE(c.number, '') AS number", "COALESCE(s.name, '') AS recipient_name",
		"n.email_status", "n.email_attempts", "n.email_error", "n.created", "n.email_lease_until").
		From("notifications n").
		LeftJoin("complaints c", dbx.NewExp("c.id = n.complaint")).
		LeftJoin("staff s", dbx.NewExp("s.id = n.recipient")).
		Where(dbx.In("n.kind", mailKinds()...)).
		AndWhere(dbx.Or(dbx.HashExp{"n.email_status": "failed"},
			dbx.And(dbx.HashExp{"n.email_status": "gave_up"}, dbx.NewExp("n.created >= {:since}", dbx.Params{"since": since})))).
		OrderBy("n.created DESC", "n.id").Limit(unsentListMax).All(&rows)
	if err != nil {
		m.Problems = append(m.Problems, "Antrean e-mail tidak dapat dibaca: "+err.Error())
	}
	for _, r := range rows {
		u := UnsentMail{ID: r.ID, Kind: r.Kind, Title: reminders.Kind(r.Kind).Title(), Complaint: r.Complaint, Number: r.Number,
			Recipient: r.Recipient, Status: r.Status, Attempts: r.Attempts, Error: r.Error, Created: r.Created}
		if r.Status == "failed" {
			u.NextAttemptAt = r.Lease
		}
		m.Unsent = append(m.Unsent, u)
	}
	m.OK = m.Configured && m.Failing == 0 && m.GaveUp == 0 && err == nil
	return m
}

// --- app URL --------------------------------------------------------------------

// appURLProblem says why the application URL cannot serve as the address of
// the links in mails; "" when it can.
func appURLProblem(appURL string) string {
	appURL = strings.TrimSpace(appURL)
	if appURL == "" {
		return "Alamat aplikasi (Application URL) belum diisi, sehingga tautan di e-mail tidak dapat dibuka. Isi di panel admin /_/: Settings → Application."
	}
	u, err := url.Parse(appURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return fmt.Sprintf("Alamat aplikasi %q bukan alamat web yang sah. Tulis lengkap, misalnya https://teduh.kota.go.id atau http://192.168.1.10:8090.", appURL)
	}
	host := strings.ToLower(u.Hostname())
	ip := net.ParseIP(host)
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || (ip != nil && (ip.IsLoopback() || ip.IsUnspecified())) {
		return fmt.Sprintf("Alamat aplikasi masih %s, sehingga tautan di e-mail hanya terbuka di komputer server. "+
			"Isi dengan alamat yang dibuka petugas, misalnya https://teduh.kota.go.id atau http://192.168.1.10:8090 (Settings → Application).", appURL)
	}
	return ""
}

func appURLHealth(appURL, origin string) AppURLHealth {
	h := AppURLHealth{URL: appURL, Problem: appURLProblem(appURL)}
	h.OK = h.Problem == ""
	if h.OK && origin != "" {
		if u, err := url.Parse(appURL); err == nil && !strings.EqualFold(u.Scheme+"://"+u.Host, origin) {
			h.Note = fmt.Sprintf("Halaman ini dibuka di %s, sedangkan tautan di e-mail menuju %s. Pastikan alamat itu dapat dibuka dari komputer dan ponsel petugas.", origin, appURL)
		}
	}
	return h
}

// --- reminder sweep -----------------------------------------------------------

// recordSweep keeps what a sweep did for the health page.
func (s *ReminderService) recordSweep(now time.Time, took time.Duration, rep *SweepReport, err error) {
	r := &SweepRecord{At: dt(now), TookMS: took.Milliseconds(), OK: err == nil}
	if err != nil {
		r.Error = err.Error()
	}
	if rep != nil {
		r.Cases, r.Notifications = rep.Cases, len(rep.Created)
		r.MailsSent, r.MailsFailed, r.MailsGaveUp = rep.Mail.Sent, rep.Mail.Failed, rep.Mail.GaveUp
	}
	s.lastSweep.Store(r)
}

// LastSweep is the last sweep this process ran, nil before the first.
func (s *ReminderService) LastSweep() *SweepRecord { return s.lastSweep.Load() }

func (t *Teduh) sweepHealth(now time.Time) SweepHealth {
	every, _ := SweepInterval()
	h := SweepHealth{IntervalMinutes: int(every / time.Minute)}
	if rs := t.Reminders(); rs != nil {
		h.Last = rs.LastSweep()
	}
	switch {
	case h.Last == nil:
		h.Problem = "Belum ada sapuan pengingat sejak server dinyalakan. Sapuan pertama berjalan saat server mulai; bila tetap kosong, periksa log server."
	case !h.Last.OK:
		h.Problem = "Sapuan pengingat terakhir gagal: " + h.Last.Error
	case now.Sub(h.Last.At.Time()) > 3*every:
		h.Problem = fmt.Sprintf("Sapuan pengingat terakhir sudah lama (seharusnya setiap %d menit). Periksa log server.", h.IntervalMinutes)
	}
	h.OK = h.Problem == ""
	return h
}

// --- backups ----------------------------------------------------------------------

func backupHealth(app core.App, now time.Time) BackupHealth {
	s := app.Settings().Backups
	h := BackupHealth{Schedule: s.Cron, Keep: s.CronMaxKeep, Storage: "local"}
	if s.S3.Enabled {
		h.Storage = "s3"
	} else {
		h.Note = "Cadangan disimpan di disk yang sama dengan data. Salin cadangan ke tempat lain (atau atur penyimpanan S3 di Settings → Backups), agar tidak ikut hilang bila disk rusak."
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	fsys, err := app.NewBackupsFilesystem()
	if err == nil {
		defer fsys.Close()
		fsys.SetContext(ctx)
		files, lerr := fsys.List("")
		err = lerr
		for _, f := range files {
			if f.IsDir || !strings.HasSuffix(f.Key, ".zip") {
				continue
			}
			h.Count++
			if h.Last == nil || f.ModTime.After(h.Last.Time.Time()) {
				h.Last = &BackupFile{Name: f.Key, Time: dt(f.ModTime), Size: f.Size}
			}
		}
	}
	switch {
	case err != nil:
		h.Problem = "Daftar cadangan tidak dapat dibaca: " + err.Error()
	case s.Cron == "":
		h.Problem = "Cadangan terjadwal tidak aktif. Aktifkan di panel admin /_/: Settings → Backups."
	case h.Last == nil:
		h.Problem = "Belum ada cadangan. Cadangan pertama dibuat sesuai jadwal; Anda juga dapat membuatnya sekarang di Settings → Backups."
	case now.Sub(h.Last.Time.Time()) > backupMaxAge:
		h.Problem = "Cadangan terakhir dibuat lebih dari 2 hari yang lalu. Periksa jadwal di Settings → Backups dan log server."
	}
	h.OK = h.Problem == ""
	return h
}

// --- disk ---------------------------------------------------------------------------

func diskHealth(dir string) DiskHealth {
	h := DiskHealth{Path: dir}
	free, total, err := diskSpace(dir)
	switch {
	case err != nil:
		h.Problem = "Sisa ruang disk tidak dapat dibaca: " + err.Error()
	case free < diskFreeMin || (total > 0 && float64(free) < diskFreeMinShare*float64(total)):
		h.Problem = fmt.Sprintf("Sisa ruang disk tinggal %s dari %s. Kosongkan ruang atau pindahkan data sebelum penuh: basis data yang penuh tidak dapat menyimpan pengaduan.",
			gigabytes(free), gigabytes(total))
	}
	h.FreeBytes, h.TotalBytes = free, total
	h.OK = h.Problem == ""
	return h
}

// gigabytes writes a size as people here read it: "1,5 GB".
func gigabytes(n uint64) string {
	return strings.Replace(fmt.Sprintf("%.1f GB", float64(n)/1e9), ".", ",", 1)
}

// --- audit chain --------------------------------------------------------------------

func auditHealth(app core.App) map[string]any {
	if auditChainState == nil {
		return map[string]any{"status": "unknown"}
	}
	state, err := auditChainState(app)
	if err != nil {
		return map[string]any{"status": "error", "error": err.Error()}
	}
	if state == nil {
		return map[string]any{"status": "unknown"}
	}
	return state
}
