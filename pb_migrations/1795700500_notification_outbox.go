package pb_migrations

// The background worker mails emergencies and reminders at once and leaves
// normal new-complaint alerts to the sweep; this index lets it find the
// waiting mails of the other kinds without stepping over the alerts.
func init() {
	registerIndex("notifications", "idx_notifications_outbox", "kind, email_status, created", "")
}
