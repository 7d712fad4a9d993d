package pb_hooks

import (
	"context"
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// Group commit for the public intake. SQLite has one writer; every
// transaction pays for its commit (the pages of the case, its step, its
// audit entry and its alerts go to the WAL, and now and then a checkpoint
// copies them into the database). When many people submit at once, their
// complaints wait for the writer anyway, so the ones waiting are stored
// together in one transaction and pay for one commit. A lone submission is
// stored at once, alone: nobody waits for a batch to fill.
//
// Each complaint is validated before it joins a batch, so a batch fails only
// when the database does; then every complaint of the batch is stored again
// on its own, so one failure costs nobody else their complaint.

// maxIntakeBatch bounds how long one batch holds the writer.
const maxIntakeBatch = 32

type intakeJob struct {
	e      *core.RequestEvent
	rec    *core.Record
	alerts []*core.Record
	done   chan error
}

type intakeBatcher struct {
	t       *Teduh
	mu      sync.Mutex
	queue   []*intakeJob
	running bool
	// inFlight is the size of the batch being written
	inFlight int
}

// store saves a validated public complaint with everything that goes with
// it, in a batch with the others waiting, and returns once it is committed.
func (b *intakeBatcher) store(e *core.RequestEvent, rec *core.Record) ([]*core.Record, error) {
	job := &intakeJob{e: e, rec: rec, done: make(chan error, 1)}
	b.mu.Lock()
	b.queue = append(b.queue, job)
	if !b.running {
		b.running = true
		go b.loop()
	}
	b.mu.Unlock()
	err := <-job.done
	return job.alerts, err
}

func (b *intakeBatcher) loop() {
	for {
		b.mu.Lock()
		n := min(len(b.queue), maxIntakeBatch)
		batch := b.queue[:n:n]
		b.queue = b.queue[n:]
		if n == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		b.inFlight = n
		b.mu.Unlock()
		b.commit(batch)
		b.mu.Lock()
		b.inFlight = 0
		b.mu.Unlock()
	}
}

func (b *intakeBatcher) commit(batch []*intakeJob) {
	app := batch[0].e.App
	rs := b.t.Reminders()
	err := app.RunInTransaction(func(tx core.App) error {
		for _, j := range batch {
			j.alerts = nil
			if err := b.t.storeIntake(tx, rs, j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && len(batch) > 1 {
		for _, j := range batch {
			j.rec.MarkAsNew() // it was never stored
			b.commit([]*intakeJob{j})
		}
		return
	}
	for _, j := range batch {
		j.done <- err
	}
}

// storeIntake writes one public complaint inside tx: the case and its first
// step (the complaint hooks), its audit entry and the alert to everyone on
// duty. Once a complaint is in a batch it is finished even if its sender
// has gone: the context is kept but not its cancellation.
func (t *Teduh) storeIntake(tx core.App, rs *ReminderService, j *intakeJob) error {
	ctx := withMarker(context.WithoutCancel(j.e.Request.Context()), publicIntake)
	if err := tx.SaveWithContext(ctx, j.rec); err != nil {
		return err
	}
	if err := t.auditStrict(tx, j.e, "create", t.complaint.CaseCollection, j.rec.Id, map[string]any{"channel": "online"}); err != nil {
		return err
	}
	if rs != nil {
		j.alerts = rs.AlertInTx(tx, j.rec)
	}
	return nil
}
