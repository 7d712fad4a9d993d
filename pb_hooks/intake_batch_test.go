package pb_hooks_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Complaints sent while the writer is busy are stored together in one
// transaction; when the database refuses one of them, the others of its
// batch are stored all the same, each with its step, audit entry and alert,
// and numbered without a gap.
func TestIntakeBatchSurvivesOneFailure(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	h.Staff("kepala@teduh.test", "Kepala", "supervisor", true)
	// the database refuses one particular complaint, as a full disk or a
	// broken page would refuse any
	if _, err := h.App.DB().NewQuery(`CREATE TRIGGER refuse_one BEFORE INSERT ON complaints
		WHEN new.victim_name = 'Gagal Simpan' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`).Execute(); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.Handler)
	defer srv.Close()

	// hold the writer so that the submissions queue up behind it
	release, held := make(chan struct{}), make(chan struct{})
	go h.App.RunInTransaction(func(tx core.App) error {
		close(held)
		<-release
		return nil
	})
	<-held

	const n = 12
	status := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		name := fmt.Sprintf("Korban %d", i)
		if i == 5 {
			name = "Gagal Simpan"
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"reporter_name":"Siti","reporter_phone":"081234567890","reporter_relation":"family","victim_name":%q,"victim_sex":"female","chronology":"Kejadian kekerasan di rumah.","consent":true}`, name)
			res, err := http.Post(srv.URL+"/api/public/complaints", "application/json", strings.NewReader(body))
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			status[i] = res.StatusCode
		}()
	}
	// all of them validated and waiting (queued, or in the batch that waits
	// for the held writer)
	for h.Teduh.QueuedIntakes() < n {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()

	for i, s := range status {
		if i == 5 && s < 400 || i != 5 && s != 200 {
			t.Errorf("submission %d answered %d", i, s)
		}
	}
	var rows []struct {
		ID     string `db:"id"`
		Number string `db:"number"`
	}
	if err := h.App.DB().Select("id", "number").From("complaints").OrderBy("number_seq").All(&rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != n-1 {
		t.Fatalf("%d complaints stored, want %d", len(rows), n-1)
	}
	for i, r := range rows {
		if want := fmt.Sprintf("SKW-2026-%04d", i+1); r.Number != want {
			t.Errorf("complaint %d numbered %s, want %s", i, r.Number, want)
		}
		for table, filter := range map[string]dbx.Expression{
			"case_steps":    dbx.HashExp{"complaint": r.ID, "step": 1},
			"audit_log":     dbx.HashExp{"record_id": r.ID, "action": "create"},
			"notifications": dbx.HashExp{"complaint": r.ID, "kind": "new_complaint"},
		} {
			var c int
			if err := h.App.DB().Select("COUNT(*)").From(table).Where(filter).Row(&c); err != nil || c != 1 {
				t.Errorf("%s: %d rows in %s (%v)", r.Number, c, table, err)
			}
		}
	}
	// nothing of the refused one anywhere
	var orphans int
	if err := h.App.DB().NewQuery(`SELECT COUNT(*) FROM case_steps WHERE complaint NOT IN (SELECT id FROM complaints)`).Row(&orphans); err != nil || orphans != 0 {
		t.Errorf("%d steps without a case (%v)", orphans, err)
	}
}
