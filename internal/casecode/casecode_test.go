package casecode

import (
	"bytes"
	"crypto/rand"
	"math"
	"strings"
	"testing"
)

func TestTrackingCodeShapeAndEntropy(t *testing.T) {
	if bits := Length * math.Log2(float64(len(Alphabet))); bits < 40 {
		t.Fatalf("tracking code has %.1f bits, want at least 40", bits)
	}
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		code, err := NewTrackingCode(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if len(code) != 14 || code[4] != '-' || code[9] != '-' {
			t.Fatalf("code %q is not XXXX-XXXX-XXXX", code)
		}
		for _, r := range strings.ReplaceAll(code, "-", "") {
			if !strings.ContainsRune(Alphabet, r) {
				t.Fatalf("code %q has %q outside the alphabet", code, r)
			}
		}
		if seen[code] {
			t.Fatalf("duplicate code %q in 2000 draws", code)
		}
		seen[code] = true
	}
}

func TestAlphabetHasNoAmbiguousSymbols(t *testing.T) {
	for _, r := range "0OQD1IL2Z5S8BUV" {
		if strings.ContainsRune(Alphabet, r) {
			t.Errorf("alphabet contains ambiguous %q", r)
		}
	}
}

func TestNormaliseTrackingCode(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"K7PM-X3RT-9WAC", "K7PM-X3RT-9WAC", true},
		{"k7pmx3rt9wac", "K7PM-X3RT-9WAC", true},
		{" k7pm x3rt 9wac ", "K7PM-X3RT-9WAC", true},
		{"K7PM-X3RT-9WA", "", false},   // too short
		{"K7PM-X3RT-9WACC", "", false}, // too long
		{"K0PM-X3RT-9WAC", "", false},  // 0 is not in the alphabet
		{"K7PM-X3RT-9WA'", "", false},  // injection-looking input
		{"К7PM-X3RT-9WAC", "", false},  // Cyrillic К
		{strings.Repeat("A", 100), "", false},
	}
	for _, c := range cases {
		got, ok := NormaliseTrackingCode(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("NormaliseTrackingCode(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestNewTrackingCodeFailsWithBrokenRandomness(t *testing.T) {
	if _, err := NewTrackingCode(bytes.NewReader(nil)); err == nil {
		t.Fatal("expected an error when the random source is empty")
	}
}

func TestNumber(t *testing.T) {
	if got := Number("SKW", 2026, 1); got != "SKW-2026-0001" {
		t.Errorf("got %q", got)
	}
	if got := Number("SKW", 2026, 12345); got != "SKW-2026-12345" {
		t.Errorf("got %q", got)
	}
}
