package pb_hooks

// The audit chain's life outside the database: the head (the last entry's
// number and hash) is written to <data dir>/audit/head.json every few
// seconds, into every backup (the file is part of the archive), and to the
// server log. A restore keeps the live head (the directory is excluded from
// what a backup replaces) and, when the server comes back, appends an entry
// naming the restored backup and the entries it does not hold. At every
// start the head is compared with the database: an end that went missing
// while the server was down is recorded as a gap in the chain itself before
// anything else is appended. `teduh audit verify` and GET /api/audit/verify
// check the whole chain against the head.

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"teduh/internal/auditchain"
)

// auditDir is the data directory's folder for the chain's outside copies;
// backups carry it, restores leave it in place.
const auditDir = "audit"

func headPath(app core.App) string { return filepath.Join(app.DataDir(), auditDir, "head.json") }
func restorePath(app core.App) string {
	return filepath.Join(app.DataDir(), auditDir, "restore-pending.json")
}

// headKeeper writes the head when it changes.
type headKeeper struct {
	mu       sync.Mutex
	written  auditchain.Head
	loggedAt time.Time
	toStderr bool
}

func (t *Teduh) bindAuditChain() {
	app := t.app
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		// a real server's log (journald) keeps the head too
		t.heads.toStderr = se.Server != nil
		if err := t.ReconcileAuditHead(se.App); err != nil {
			return fmt.Errorf("audit chain: %w", err)
		}
		if se.Server != nil {
			stop := make(chan struct{})
			go t.keepAuditHead(se.App, stop)
			app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
				close(stop)
				_ = t.WriteAuditHead(e.App)
				return e.Next()
			})
		}
		return se.Next()
	})
	app.OnBackupCreate().BindFunc(func(e *core.BackupEvent) error {
		// every backup carries the head as it was when it was taken
		if err := t.WriteAuditHead(e.App); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnBackupRestore().BindFunc(func(e *core.BackupEvent) error {
		head, err := dbHead(e.App)
		if err != nil {
			return err
		}
		if err := writeJSONFile(restorePath(e.App), map[string]any{"backup": e.Name, "before": head, "at": time.Now().UTC()}); err != nil {
			return err
		}
		// the live head and the pending note survive the swap of pb_data
		if !slices.Contains(e.Exclude, auditDir) {
			e.Exclude = append(e.Exclude, auditDir)
		}
		if err := e.Next(); err != nil {
			_ = os.Remove(restorePath(e.App))
			return err
		}
		return nil
	})
}

func (t *Teduh) keepAuditHead(app core.App, stop <-chan struct{}) {
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			if err := t.WriteAuditHead(app); err != nil {
				app.Logger().Error("audit chain head not written", "error", err)
			}
		}
	}
}

// dbHead is the last entry of the chain in the database.
func dbHead(app core.App) (auditchain.Head, error) {
	var last struct {
		Seq  int64  `db:"seq"`
		Hash string `db:"hash"`
	}
	err := app.DB().NewQuery("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").One(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return auditchain.Head{}, nil
	}
	return auditchain.Head{Seq: last.Seq, Hash: last.Hash, At: time.Now().UTC()}, err
}

// ReadAuditHead reads the head written outside the database (nil when none).
func ReadAuditHead(app core.App) (*auditchain.Head, error) {
	data, err := os.ReadFile(headPath(app))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var h auditchain.Head
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("%s: %w", headPath(app), err)
	}
	return &h, nil
}

// WriteAuditHead writes the database's head outside it when it moved, and
// says so in the server log (at most once a minute).
func (t *Teduh) WriteAuditHead(app core.App) error {
	head, err := dbHead(app)
	if err != nil {
		return err
	}
	k := &t.heads
	k.mu.Lock()
	defer k.mu.Unlock()
	if head.Seq == k.written.Seq && head.Hash == k.written.Hash {
		if _, err := os.Stat(headPath(app)); err == nil {
			return nil
		}
	}
	if err := writeJSONFile(headPath(app), head); err != nil {
		return err
	}
	k.written = head
	if time.Since(k.loggedAt) >= time.Minute {
		k.loggedAt = time.Now()
		app.Logger().Info("audit chain head", "seq", head.Seq, "hash", head.Hash)
		if k.toStderr {
			log.Printf("teduh: kepala rantai audit seq=%d hash=%s", head.Seq, head.Hash)
		}
	}
	return nil
}

func writeJSONFile(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// MarkRestored notes, in a data directory just rebuilt by `teduh restore`
// or `teduh backup restore`, what it was rebuilt from; the server's next
// start appends the restore entry to the chain.
func MarkRestored(dataDir, from string) error {
	return writeJSONFile(filepath.Join(dataDir, auditDir, "restore-pending.json"),
		map[string]any{"backup": from, "before": auditchain.Head{}, "at": time.Now().UTC()})
}

// ReconcileAuditHead runs at start: after a restore it appends the entry
// that names the backup and the gap; otherwise, if the database ends before
// (or differs from) the head written outside it, it records that gap in
// the chain before anything else is appended, so that a later head cannot
// paper over it.
func (t *Teduh) ReconcileAuditHead(app core.App) error {
	tail, err := dbHead(app)
	if err != nil {
		return err
	}
	if data, err := os.ReadFile(restorePath(app)); err == nil {
		var pending struct {
			Backup string          `json:"backup"`
			Before auditchain.Head `json:"before"`
			At     time.Time       `json:"at"`
		}
		if err := json.Unmarshal(data, &pending); err != nil {
			return err
		}
		detail := map[string]any{
			"backup": pending.Backup, "restored_at": pending.At,
			"before_seq": pending.Before.Seq, "before_hash": pending.Before.Hash,
			"restored_seq": tail.Seq, "restored_hash": tail.Hash,
			"lost_entries": max(0, pending.Before.Seq-tail.Seq),
		}
		if pending.Before.Seq == 0 {
			// restored onto a new machine: the old head went with the old disk
			detail["lost_entries"] = "tidak diketahui: kepala rantai sebelum pemulihan tidak tersedia"
		}
		if err := t.writeAudit(app, auditSource{}, nil, "restore", "audit_log", "", detail); err != nil {
			return err
		}
		app.Logger().Warn("backup restored: audit entries after the backup are not in the restored database",
			"backup", pending.Backup, "before_seq", pending.Before.Seq, "restored_seq", tail.Seq)
		if err := os.Remove(restorePath(app)); err != nil {
			return err
		}
		return t.WriteAuditHead(app)
	}
	head, err := ReadAuditHead(app)
	if err != nil || head == nil {
		if err == nil {
			err = t.WriteAuditHead(app)
		}
		return err
	}
	hash, found := auditHashAt(app, head.Seq)
	if head.Seq > tail.Seq || (head.Seq > 0 && (!found || hash != head.Hash)) {
		detail := map[string]any{"expected_seq": head.Seq, "expected_hash": head.Hash, "head_written_at": head.At,
			"found_seq": tail.Seq, "found_hash": tail.Hash}
		app.Logger().Error("audit chain does not reach the head written outside the database: entries are missing or were rewritten",
			"expected_seq", head.Seq, "found_seq", tail.Seq)
		if t.heads.toStderr {
			log.Printf("teduh: PERINGATAN rantai audit: kepala di luar basis data seq=%d, basis data berakhir di seq=%d", head.Seq, tail.Seq)
		}
		if err := t.writeAudit(app, auditSource{}, nil, "chain_gap", "audit_log", "", detail); err != nil {
			return err
		}
	}
	return t.WriteAuditHead(app)
}

func auditHashAt(app core.App, seq int64) (string, bool) {
	var hash string
	err := app.DB().NewQuery("SELECT hash FROM audit_log WHERE seq = {:seq}").Bind(dbx.Params{"seq": seq}).Row(&hash)
	return hash, err == nil
}

// VerifyAudit checks the whole chain, oldest first, against the head
// written outside the database.
func VerifyAudit(app core.App) (auditchain.Report, error) {
	head, err := ReadAuditHead(app)
	if err != nil {
		return auditchain.Report{}, err
	}
	var v auditchain.Verifier
	after := int64(-1 << 62)
	for {
		var batch []auditchain.Entry
		err := app.DB().NewQuery(`SELECT id, seq, prev_hash, hash, created, actor_id, actor_collection, actor_name, on_behalf_of,
			action, collection_name, record_id, ip, COALESCE(detail, 'null') AS detail
			FROM audit_log WHERE seq > {:after} ORDER BY seq LIMIT 5000`).Bind(dbx.Params{"after": after}).All(&batch)
		if err != nil {
			return auditchain.Report{}, err
		}
		for _, e := range batch {
			if !v.Add(e) {
				return v.Finish(head, func(seq int64) (string, bool) { return auditHashAt(app, seq) }), nil
			}
		}
		if len(batch) < 5000 {
			break
		}
		after = batch[len(batch)-1].Seq
	}
	return v.Finish(head, func(seq int64) (string, bool) { return auditHashAt(app, seq) }), nil
}

// auditVerifyRoute serves GET /api/audit/verify (supervisors, superuser).
func (t *Teduh) auditVerifyRoute(e *core.RequestEvent) error {
	r, err := VerifyAudit(e.App)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, r)
}

// AuditCommand is `teduh audit verify`.
func AuditCommand(app core.App) *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Periksa jejak audit"}
	cmd.AddCommand(&cobra.Command{
		Use:          "verify",
		Short:        "Periksa rantai hash jejak audit dari awal sampai akhir",
		SilenceUsage: true,
		RunE: func(c *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return fmt.Errorf("basis data belum siap: %w", err)
			}
			r, err := VerifyAudit(app)
			if err != nil {
				return err
			}
			out := c.OutOrStdout()
			fmt.Fprintf(out, "Catatan audit: %d (nomor %d sampai %d)\n", r.Entries, r.FirstSeq, r.LastSeq)
			if r.Head != nil {
				fmt.Fprintf(out, "Kepala rantai di luar basis data: nomor %d, ditulis %s\n", r.Head.Seq, r.Head.At.Format(time.RFC3339))
			} else {
				fmt.Fprintln(out, "Kepala rantai di luar basis data: belum ada")
			}
			for _, g := range r.Gaps {
				fmt.Fprintf(out, "Tercatat di rantai: %s pada nomor %d (%s): %s\n", g.Action, g.Seq, g.At, g.Detail)
			}
			if !r.OK {
				fmt.Fprintf(out, "RUSAK (%s, nomor %d): %s\n", r.Problem.Kind, r.Problem.Seq, r.Problem.Message)
				return errors.New("rantai audit tidak utuh")
			}
			fmt.Fprintln(out, "Utuh: setiap catatan cocok dengan hash-nya dan menunjuk ke catatan sebelumnya.")
			return nil
		},
	})
	return cmd
}

// auditChainCache keeps the last verification for the system-health view: a
// whole-chain check reads every entry, so it runs at most every 5 minutes.
var auditChainCache struct {
	sync.Mutex
	at     time.Time
	report auditchain.Report
}

func init() { auditChainState = auditChainHealth }

// auditChainHealth is the audit chain's part of GET /api/system-health,
// with labels as a supervisor reads them.
func auditChainHealth(app core.App) (map[string]any, error) {
	c := &auditChainCache
	c.Lock()
	defer c.Unlock()
	if c.at.IsZero() || time.Since(c.at) > 5*time.Minute {
		r, err := VerifyAudit(app)
		if err != nil {
			return nil, err
		}
		c.report, c.at = r, time.Now()
	}
	r := c.report
	out := map[string]any{
		"status":         "ok",
		"Jumlah catatan": r.Entries,
		"Nomor terakhir": r.LastSeq,
		"Diperiksa pada": c.at.UTC().Format(time.RFC3339),
	}
	if r.Head != nil && r.Head.Seq > 0 {
		out["Kepala rantai di luar basis data"] = fmt.Sprintf("nomor %d (%s)", r.Head.Seq, r.Head.At.UTC().Format(time.RFC3339))
	}
	if len(r.Gaps) > 0 {
		out["Pemulihan dan celah tercatat"] = len(r.Gaps)
	}
	if !r.OK {
		out["status"] = "broken"
		out["Masalah"] = r.Problem.Message
	}
	return out, nil
}
