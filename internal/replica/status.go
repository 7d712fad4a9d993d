package replica

import "time"

// TargetStatus is one target's state for the system-health view.
type TargetStatus struct {
	Kind        string     `json:"kind"`
	Target      string     `json:"target"` // no secrets
	Role        string     `json:"role"`   // "primary" (Litestream's store) or "secondary"
	TXID        uint64     `json:"txid"`   // the last transaction it holds
	LagTX       uint64     `json:"lag_transactions"`
	InSyncAt    *time.Time `json:"last_sync"`   // last time it held everything
	LagSeconds  float64    `json:"lag_seconds"` // 0 when in sync, else seconds since last in sync
	Reseeds     int        `json:"reseeds,omitempty"`
	Error       string     `json:"error,omitempty"`
	ErrorAt     *time.Time `json:"error_at,omitempty"`
	FilesSyncAt *time.Time `json:"files_last_sync"`
	FilesCopied int        `json:"files_copied"`
	FilesError  string     `json:"files_error,omitempty"`
}

// Status is the replication state at one moment.
type Status struct {
	DBTXID   uint64         `json:"db_txid"`
	Targets  []TargetStatus `json:"targets"`
	Problems []string       `json:"problems,omitempty"` // configured targets not replicated to
}

// Status reports how far each target is behind the database.
func (r *Replicator) Status(now time.Time) Status {
	st := Status{Problems: r.skipped}
	if pos, err := r.db.Pos(); err == nil {
		st.DBTXID = uint64(pos.TXID)
	}
	for i, ts := range r.targets {
		ts.mu.Lock()
		t := TargetStatus{Kind: ts.Kind, Target: ts.String(), Role: "secondary", TXID: uint64(ts.txid), Reseeds: ts.reseeds, Error: ts.lastErr}
		if ts.primary {
			t.Role = "primary"
		}
		if st.DBTXID > t.TXID {
			t.LagTX = st.DBTXID - t.TXID
		}
		if !ts.inSyncAt.IsZero() {
			at := ts.inSyncAt
			t.InSyncAt = &at
			if t.LagTX > 0 {
				t.LagSeconds = now.Sub(at).Seconds()
			}
		}
		if !ts.lastErrAt.IsZero() {
			at := ts.lastErrAt
			t.ErrorAt = &at
		}
		ts.mu.Unlock()
		ft := r.files.targets[i]
		ft.smu.Lock()
		if !ft.lastSync.IsZero() {
			at := ft.lastSync
			t.FilesSyncAt = &at
		}
		t.FilesCopied = ft.copied
		if ft.lastErrAt.After(ft.lastSync) {
			t.FilesError = ft.lastErr
		}
		ft.smu.Unlock()
		st.Targets = append(st.Targets, t)
	}
	return st
}

// EnqueueFiles asks for the files under dir of pb_data/storage to be copied
// to the targets now (a record's "collectionId/recordId").
func (r *Replicator) EnqueueFiles(dir string) { r.files.Enqueue(dir) }
