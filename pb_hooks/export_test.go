package pb_hooks

// QueuedIntakes is how many validated complaints wait for the writer (tests).
func (t *Teduh) QueuedIntakes() int {
	t.intake.mu.Lock()
	defer t.intake.mu.Unlock()
	return len(t.intake.queue)
}
