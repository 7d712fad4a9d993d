package reminders

import (
	"testing"
	"time"
)

func TestMailRetryBacksOffAndGivesUp(t *testing.T) {
	want := []time.Duration{5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour}
	var total time.Duration
	for i, w := range want {
		wait, giveUp := MailRetry(i+1, total)
		if giveUp || wait != w {
			t.Fatalf("after attempt %d: wait %s give up %v, want %s", i+1, wait, giveUp, w)
		}
		total += wait
	}
	if _, giveUp := MailRetry(len(want)+1, total); !giveUp {
		t.Fatalf("attempt %d is not the last", len(want)+1)
	}
	if MailMaxAttempts != 8 {
		t.Errorf("MailMaxAttempts = %d, want 8", MailMaxAttempts)
	}
	// every retry happens within the age bound: the last attempt is not cut off
	if total >= MailGiveUpAfter {
		t.Errorf("the waits add up to %s, beyond the %s bound", total, MailGiveUpAfter)
	}
	// an old notification's failure is its last, whatever its attempt count
	if _, giveUp := MailRetry(1, MailGiveUpAfter); !giveUp {
		t.Error("a first failure 48 h after the notification is retried")
	}
	if _, giveUp := MailRetry(0, 0); !giveUp {
		t.Error("attempt 0 (never claimed) is retried")
	}
}
