package reminders

import "time"

// How long a notification's mail that failed waits before it is tried again,
// and when it is given up. A mail server that refuses or cannot be reached
// gets fewer and fewer attempts instead of the same mails every sweep for
// ever; the notification itself is in the console all along, so a mail that
// is given up loses no reminder, only its copy by e-mail.
var mailRetryWaits = []time.Duration{
	5 * time.Minute,
	15 * time.Minute,
	time.Hour,
	3 * time.Hour,
	6 * time.Hour,
	12 * time.Hour,
	24 * time.Hour,
}

// MailMaxAttempts is how many times one mail is tried at most.
var MailMaxAttempts = len(mailRetryWaits) + 1

// MailGiveUpAfter is how old a notification may grow before a failure of
// its mail is the last one: a reminder two days late is no longer worth a
// mail.
const MailGiveUpAfter = 48 * time.Hour

// MailRetry says what follows the failure of a mail's attempt-th attempt
// (1 for the first) for a notification stored age ago: the pause before the
// next attempt, or giveUp.
func MailRetry(attempt int, age time.Duration) (wait time.Duration, giveUp bool) {
	if attempt >= MailMaxAttempts || age >= MailGiveUpAfter || attempt < 1 {
		return 0, true
	}
	return mailRetryWaits[attempt-1], false
}
