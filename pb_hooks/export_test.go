package pb_hooks

import "github.com/pocketbase/pocketbase/core"

// QueuedIntakes is how many validated complaints wait for the writer,
// queued or in the batch being written (tests).
func (t *Teduh) QueuedIntakes() int {
	t.intake.mu.Lock()
	defer t.intake.mu.Unlock()
	return len(t.intake.queue) + t.intake.inFlight
}

// SetAuditChainState sets the audit chain's health reporter (tests); the
// returned func puts back the previous one.
func SetAuditChainState(f func(app core.App) (map[string]any, error)) func() {
	old := auditChainState
	auditChainState = f
	return func() { auditChainState = old }
}

// AccountCommands exposes accountCommands (tests).
var AccountCommands = accountCommands

// AppURLProblem exposes appURLProblem (tests).
var AppURLProblem = appURLProblem

// WriteStartupNotes exposes writeStartupNotes (tests).
var WriteStartupNotes = writeStartupNotes
