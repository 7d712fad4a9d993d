package pb_hooks_test

import (
	"testing"
	"time"
)

func TestSmokeSubmitAndStatus(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	res := h.Do("POST", "/api/public/complaints", validComplaint(), "")
	t.Logf("%d %s", res.Status, res)
	if res.Status != 200 {
		t.Fatal("submit failed")
	}
	code := res.JSON["tracking_code"].(string)
	st := h.Do("GET", "/api/public/complaints/"+code, nil, "")
	t.Logf("%d %s", st.Status, st)
}
