package reminders

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestDigestNamesItsCases(t *testing.T) {
	loc := time.FixedZone("WIB", 7*3600)
	minute := time.Date(2026, 12, 2, 3, 4, 0, 0, time.UTC)
	var ids, numbers []string
	for i := 1; i <= 120; i++ {
		ids = append(ids, fmt.Sprintf("case%03d", i))
		numbers = append(numbers, fmt.Sprintf("SKW-2026-%04d", i))
	}
	r := Digest(ids, numbers, minute, loc)
	if r.Key != "new_complaints_digest:2026-12-02T03:04:case001" || r.To != OnDuty || r.CaseID != "case001" {
		t.Fatalf("%+v", r)
	}
	msg := r.Message(loc)
	if len(msg) > 1000 || !strings.Contains(msg, "120 pengaduan") || !strings.Contains(msg, "SKW-2026-0001") || !strings.Contains(msg, "lainnya") {
		t.Fatalf("%d chars: %s", len(msg), msg)
	}
	if short := Digest(ids[:2], numbers[:2], minute, loc).Message(loc); strings.Contains(short, "lainnya") || !strings.Contains(short, "SKW-2026-0001, SKW-2026-0002.") {
		t.Errorf("two cases: %s", short)
	}
}
