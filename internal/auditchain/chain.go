// Package auditchain makes the audit trail tamper-evident: every entry
// carries a number (seq), the hash of the entry before it and a hash over its
// own content and that previous hash. Editing an entry breaks its hash;
// deleting one leaves a gap in the numbers and a broken link; cutting off the
// tail is caught by comparing the last entry with the head written outside
// the database (a file beside it, each backup, the server log).
//
// No database here: the caller feeds entries in seq order.
package auditchain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Entry is one audit entry as stored.
type Entry struct {
	ID              string `db:"id" json:"id"`
	Seq             int64  `db:"seq" json:"seq"`
	PrevHash        string `db:"prev_hash" json:"prev_hash"`
	Hash            string `db:"hash" json:"hash"`
	Created         string `db:"created" json:"created"`
	ActorID         string `db:"actor_id" json:"actor_id"`
	ActorCollection string `db:"actor_collection" json:"actor_collection"`
	ActorName       string `db:"actor_name" json:"actor_name"`
	OnBehalfOf      string `db:"on_behalf_of" json:"on_behalf_of"`
	Action          string `db:"action" json:"action"`
	CollectionName  string `db:"collection_name" json:"collection_name"`
	RecordID        string `db:"record_id" json:"record_id"`
	IP              string `db:"ip" json:"ip"`
	Detail          string `db:"detail" json:"detail"` // the JSON text as stored
}

// Sum is the entry's hash: SHA-256 over its content and its previous hash,
// in a fixed order (a JSON array, so no field can bleed into the next).
func Sum(e Entry) string {
	content, _ := json.Marshal([]any{
		"teduh-audit-v1", e.Seq, e.PrevHash, e.ID, e.Created, e.ActorID, e.ActorCollection, e.ActorName,
		e.OnBehalfOf, e.Action, e.CollectionName, e.RecordID, e.IP, e.Detail,
	})
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// Seal numbers an entry after prev (nil for the first) and computes its hash.
func Seal(e *Entry, prev *Entry) {
	e.Seq, e.PrevHash = 1, ""
	if prev != nil {
		e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
	}
	e.Hash = Sum(*e)
}

// Head is the last entry of the chain as written outside the database.
type Head struct {
	Seq  int64     `json:"seq"`
	Hash string    `json:"hash"`
	At   time.Time `json:"at"`
}

// Problem kinds a verification reports.
const (
	Edited    = "edited"    // an entry's content does not match its hash
	Missing   = "missing"   // a number is skipped: an entry was deleted
	Broken    = "broken"    // an entry does not point at the one before it
	Truncated = "truncated" // the database ends before the head written outside it
	Diverged  = "diverged"  // the entry at the head's number is not the one the head names
	Lost      = "lost"      // the chain records that its end went missing while the server was down
)

// Problem is the first thing wrong with the chain.
type Problem struct {
	Kind    string `json:"kind"`
	Seq     int64  `json:"seq"`
	ID      string `json:"id,omitempty"`
	Message string `json:"message"`
}

// Report is the outcome of a verification.
type Report struct {
	OK       bool     `json:"ok"`
	Entries  int64    `json:"entries"`
	FirstSeq int64    `json:"first_seq"`
	LastSeq  int64    `json:"last_seq"`
	LastHash string   `json:"last_hash"`
	Head     *Head    `json:"head,omitempty"`
	Problem  *Problem `json:"problem,omitempty"`
	// Gaps are the restores and detected gaps the chain itself records
	// (entries of action "restore" or "chain_gap"): honest holes, listed
	// so that a reader knows what was lost and when.
	Gaps []Gap `json:"gaps,omitempty"`
}

// Gap is a hole the chain itself records.
type Gap struct {
	Seq    int64  `json:"seq"`
	Action string `json:"action"`
	At     string `json:"at"`
	Detail string `json:"detail"`
}

// Verifier checks entries fed to it in seq order.
type Verifier struct {
	report Report
	prev   *Entry
}

// Add checks the next entry. It returns false once a problem is found
// (the rest need not be read).
func (v *Verifier) Add(e Entry) bool {
	if v.report.Problem != nil {
		return false
	}
	r := &v.report
	if r.Entries == 0 {
		r.FirstSeq = e.Seq
	}
	r.Entries++
	switch {
	case Sum(e) != e.Hash:
		r.Problem = &Problem{Kind: Edited, Seq: e.Seq, ID: e.ID,
			Message: fmt.Sprintf("Catatan audit nomor %d telah diubah: isinya tidak cocok dengan hash-nya.", e.Seq)}
	case v.prev == nil && e.Seq != 1 && e.PrevHash == "":
		r.Problem = &Problem{Kind: Missing, Seq: 1,
			Message: fmt.Sprintf("Catatan audit nomor 1 sampai %d hilang: rantai dimulai dari nomor %d.", e.Seq-1, e.Seq)}
	case v.prev == nil && e.PrevHash != "":
		r.Problem = &Problem{Kind: Missing, Seq: e.Seq - 1,
			Message: fmt.Sprintf("Catatan audit sebelum nomor %d hilang: catatan pertama yang ada menunjuk ke catatan sebelumnya.", e.Seq)}
	case v.prev != nil && e.Seq != v.prev.Seq+1:
		r.Problem = &Problem{Kind: Missing, Seq: v.prev.Seq + 1,
			Message: fmt.Sprintf("Catatan audit nomor %d sampai %d hilang (dihapus).", v.prev.Seq+1, e.Seq-1)}
	case v.prev != nil && e.PrevHash != v.prev.Hash:
		r.Problem = &Problem{Kind: Broken, Seq: e.Seq, ID: e.ID,
			Message: fmt.Sprintf("Catatan audit nomor %d tidak menunjuk ke catatan nomor %d: rantai terputus.", e.Seq, v.prev.Seq)}
	}
	if r.Problem != nil {
		return false
	}
	if e.Action == "restore" || e.Action == "chain_gap" {
		r.Gaps = append(r.Gaps, Gap{Seq: e.Seq, Action: e.Action, At: e.Created, Detail: e.Detail})
	}
	if e.Action == "chain_gap" {
		// a restore is the administrator's recorded act; a gap found at
		// start is a loss nobody explained: it stays a problem
		var d struct {
			Expected int64 `json:"expected_seq"`
			Found    int64 `json:"found_seq"`
		}
		_ = json.Unmarshal([]byte(e.Detail), &d)
		r.Problem = &Problem{Kind: Lost, Seq: e.Seq, ID: e.ID, Message: fmt.Sprintf(
			"Saat server dinyalakan pada %s, basis data berakhir di catatan nomor %d padahal kepala rantai di luar basis data bernomor %d: catatan sesudahnya hilang atau ditulis ulang (dicatat di catatan nomor %d).",
			e.Created, d.Found, d.Expected, e.Seq)}
		return false
	}
	cp := e
	v.prev = &cp
	r.LastSeq, r.LastHash = e.Seq, e.Hash
	return true
}

// Finish compares the end of the chain with the head written outside the
// database (nil when there is none yet) and returns the report. hashAt
// looks up the hash of the entry with a given number (for a head that is
// behind the database's end).
func (v *Verifier) Finish(head *Head, hashAt func(seq int64) (string, bool)) Report {
	r := v.report
	r.Head = head
	if r.Problem == nil && head != nil {
		switch {
		case head.Seq > r.LastSeq:
			r.Problem = &Problem{Kind: Truncated, Seq: r.LastSeq + 1, Message: fmt.Sprintf(
				"Catatan audit terakhir di basis data bernomor %d, tetapi kepala rantai yang disimpan di luar basis data (%s) bernomor %d: catatan %d sampai %d hilang.",
				r.LastSeq, head.At.Format(time.RFC3339), head.Seq, r.LastSeq+1, head.Seq)}
		case head.Seq > 0:
			if h, ok := hashAt(head.Seq); !ok || h != head.Hash {
				r.Problem = &Problem{Kind: Diverged, Seq: head.Seq, Message: fmt.Sprintf(
					"Catatan audit nomor %d bukan catatan yang dicatat kepala rantai di luar basis data: riwayat sesudahnya ditulis ulang.", head.Seq)}
			}
		}
	}
	r.OK = r.Problem == nil
	return r
}
