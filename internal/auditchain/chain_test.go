package auditchain

import (
	"strings"
	"testing"
	"time"
)

func chain(n int) []Entry {
	var out []Entry
	var prev *Entry
	for i := 0; i < n; i++ {
		e := Entry{ID: "id" + string(rune('a'+i)), Created: "2026-12-02 04:00:00.000Z", ActorID: "staff1",
			ActorName: "Petugas", Action: "view", CollectionName: "complaints", RecordID: "case" + string(rune('a'+i)),
			IP: "10.0.0.1", Detail: `{"ids":["x"]}`}
		Seal(&e, prev)
		out = append(out, e)
		prev = &out[len(out)-1]
	}
	return out
}

func verify(entries []Entry, head *Head) Report {
	var v Verifier
	byseq := map[int64]string{}
	for _, e := range entries {
		byseq[e.Seq] = e.Hash
		if !v.Add(e) {
			break
		}
	}
	return v.Finish(head, func(seq int64) (string, bool) { h, ok := byseq[seq]; return h, ok })
}

func TestIntactChainVerifies(t *testing.T) {
	c := chain(5)
	r := verify(c, &Head{Seq: 5, Hash: c[4].Hash, At: time.Now()})
	if !r.OK || r.Entries != 5 || r.LastSeq != 5 {
		t.Fatalf("%+v", r)
	}
	// a head behind the end (written a moment ago) is fine when it matches
	if r := verify(c, &Head{Seq: 3, Hash: c[2].Hash}); !r.OK {
		t.Fatalf("%+v", r.Problem)
	}
}

func TestEditedDeletedTruncatedRewritten(t *testing.T) {
	c := chain(6)
	head := &Head{Seq: 6, Hash: c[5].Hash, At: time.Now()}

	edited := append([]Entry(nil), c...)
	edited[2].RecordID = "another-case"
	if r := verify(edited, head); r.OK || r.Problem.Kind != Edited || r.Problem.Seq != 3 {
		t.Errorf("edited: %+v", r.Problem)
	}
	// an edit that recomputes its own hash still breaks the next link
	resealed := append([]Entry(nil), c...)
	resealed[2].RecordID = "another-case"
	resealed[2].Hash = Sum(resealed[2])
	if r := verify(resealed, head); r.OK || r.Problem.Kind != Broken || r.Problem.Seq != 4 {
		t.Errorf("resealed: %+v", r.Problem)
	}
	deleted := append(append([]Entry(nil), c[:2]...), c[3:]...)
	if r := verify(deleted, head); r.OK || r.Problem.Kind != Missing || r.Problem.Seq != 3 || !strings.Contains(r.Problem.Message, "hilang") {
		t.Errorf("deleted: %+v", r.Problem)
	}
	firstGone := c[1:]
	if r := verify(firstGone, head); r.OK || r.Problem.Kind != Missing {
		t.Errorf("first deleted: %+v", r.Problem)
	}
	truncated := c[:4]
	if r := verify(truncated, head); r.OK || r.Problem.Kind != Truncated || r.Problem.Seq != 5 {
		t.Errorf("truncated: %+v", r.Problem)
	}
	// the tail cut and written again, consistent with itself: the head
	// outside the database still names the old entry 6
	rewritten := append([]Entry(nil), c[:4]...)
	for i := 0; i < 2; i++ {
		e := Entry{ID: "new" + string(rune('a'+i)), Created: "2026-12-02 05:00:00.000Z", Action: "view"}
		Seal(&e, &rewritten[len(rewritten)-1])
		rewritten = append(rewritten, e)
	}
	if r := verify(rewritten, head); r.OK || r.Problem.Kind != Diverged || r.Problem.Seq != 6 {
		t.Errorf("rewritten: %+v", r.Problem)
	}
	if r := verify(truncated, nil); !r.OK {
		t.Errorf("without a head a clean prefix verifies: %+v", r.Problem)
	}
}

func TestGapsAreListed(t *testing.T) {
	c := chain(2)
	e := Entry{ID: "r", Created: "2026-12-02 06:00:00.000Z", Action: "restore", Detail: `{"lost_entries":4}`}
	Seal(&e, &c[1])
	c = append(c, e)
	r := verify(c, &Head{Seq: 3, Hash: e.Hash})
	if !r.OK || len(r.Gaps) != 1 || r.Gaps[0].Seq != 3 {
		t.Fatalf("%+v", r)
	}
}

func TestRecordedLossStaysAProblem(t *testing.T) {
	c := chain(2)
	e := Entry{ID: "g", Created: "2026-12-02 06:00:00.000Z", Action: "chain_gap", Detail: `{"expected_seq":9,"found_seq":2}`}
	Seal(&e, &c[1])
	c = append(c, e)
	r := verify(c, &Head{Seq: 3, Hash: e.Hash})
	if r.OK || r.Problem.Kind != Lost || r.Problem.Seq != 3 || !strings.Contains(r.Problem.Message, "9") {
		t.Fatalf("%+v", r.Problem)
	}
}

func TestSumCoversEveryField(t *testing.T) {
	base := chain(1)[0]
	mutations := map[string]func(*Entry){
		"id": func(e *Entry) { e.ID = "x" }, "seq": func(e *Entry) { e.Seq = 9 }, "prev": func(e *Entry) { e.PrevHash = "x" },
		"created": func(e *Entry) { e.Created = "x" }, "actor_id": func(e *Entry) { e.ActorID = "x" },
		"actor_collection": func(e *Entry) { e.ActorCollection = "x" }, "actor_name": func(e *Entry) { e.ActorName = "x" },
		"on_behalf_of": func(e *Entry) { e.OnBehalfOf = "x" }, "action": func(e *Entry) { e.Action = "x" },
		"collection": func(e *Entry) { e.CollectionName = "x" }, "record": func(e *Entry) { e.RecordID = "x" },
		"ip": func(e *Entry) { e.IP = "x" }, "detail": func(e *Entry) { e.Detail = "x" },
	}
	for name, m := range mutations {
		e := base
		m(&e)
		if Sum(e) == base.Hash {
			t.Errorf("%s is not covered by the hash", name)
		}
	}
}
