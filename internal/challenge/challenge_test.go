package challenge

import (
	"testing"
	"time"
)

var key = []byte("kunci-rahasia-server-untuk-uji")

func TestSolveAndVerify(t *testing.T) {
	now := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	c, err := New(key, 5000, now.Add(5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Solve(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(s.Encode())
	if err != nil || back != s {
		t.Fatalf("decode: %v %+v", err, back)
	}
	if _, err := Verify(key, s, now); err != nil {
		t.Fatalf("a right solution: %v", err)
	}
	wrong := s
	wrong.Number++
	if _, err := Verify(key, wrong, now); err != ErrWrong {
		t.Errorf("wrong number: %v", err)
	}
	if _, err := Verify(key, s, now.Add(6*time.Minute)); err != ErrExpired {
		t.Errorf("expired: %v", err)
	}
	if _, err := Verify([]byte("kunci-lain"), s, now); err != ErrWrong {
		t.Errorf("another server's key: %v", err)
	}
	// a salt with a later expiry does not match its signature any more
	forged := s
	forged.Salt = forged.Salt[:len(forged.Salt)-3] + "999"
	if _, err := Verify(key, forged, now); err == nil {
		t.Error("a changed salt was accepted")
	}
	// a challenge of one's own making is not signed by the server
	own := s
	own.Salt, own.Number = "abc?expires=9999999999", 1
	own.Challenge = hash(own.Salt, 1)
	if _, err := Verify(key, own, now); err != ErrWrong {
		t.Errorf("self-made challenge: %v", err)
	}
	for _, bad := range []string{"", "!!!", "e30=", "bnVsbA=="} {
		if s, err := Decode(bad); err == nil {
			if _, err := Verify(key, s, now); err == nil {
				t.Errorf("%q verified", bad)
			}
		}
	}
}

func TestDifficulty(t *testing.T) {
	for _, tc := range []struct {
		rate, threshold int
		required        bool
		max             int64
	}{
		{0, 20, false, 0}, {19, 20, false, 0}, {20, 20, true, 20000}, {100, 20, true, 100000},
		{100000, 20, true, 1000000}, {500, 0, false, 0},
	} {
		req, max := Difficulty(tc.rate, tc.threshold, 20000)
		if req != tc.required || max != tc.max {
			t.Errorf("rate %d threshold %d: %v %d, want %v %d", tc.rate, tc.threshold, req, max, tc.required, tc.max)
		}
	}
}
