package pb_migrations

// The staff queue orders the open cases by urgency and deadlines. This
// partial index holds just the open cases with every column the ordering
// reads, so the queue is sorted from the index alone (a few thousand small
// entries) and only the page's rows are read from the table, however many
// closed cases are stored.
func init() {
	registerIndex("complaints", "idx_complaints_queue",
		"status, urgency, due_at, first_response_at, first_response_due_at, created, assigned_to, victim_district",
		"status IN ('new', 'in_progress', 'awaiting_requirements')")
}
