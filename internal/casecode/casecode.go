// Package casecode makes the two identifiers a complaint is known by: the
// human-readable case number (SKW-2026-0001), sequential per office year, and
// the random tracking code a complainant uses to check the status.
package casecode

import (
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"strings"
)

// Alphabet of the tracking code: digits and capitals that cannot be confused
// when read aloud or handwritten (no 0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, U/V).
const Alphabet = "34679ACEFGHJKMNPRTWXY"

// Length is the number of symbols: 12 symbols of 21 give about 52.7 bits.
const Length = 12

// NewTrackingCode returns a random code grouped as XXXX-XXXX-XXXX.
func NewTrackingCode(random io.Reader) (string, error) {
	if random == nil {
		random = rand.Reader
	}
	max := big.NewInt(int64(len(Alphabet)))
	var b strings.Builder
	for i := 0; i < Length; i++ {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		n, err := rand.Int(random, max)
		if err != nil {
			return "", fmt.Errorf("tracking code: %w", err)
		}
		b.WriteByte(Alphabet[n.Int64()])
	}
	return b.String(), nil
}

// NormaliseTrackingCode accepts a code as a person types it (any case, with or
// without dashes and spaces) and returns it in stored form, or false when it
// cannot be a tracking code.
func NormaliseTrackingCode(s string) (string, bool) {
	if len(s) > 40 {
		return "", false
	}
	var raw []byte
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ':
			continue
		case r < 128 && strings.IndexByte(Alphabet, byte(r)) >= 0:
			raw = append(raw, byte(r))
		default:
			return "", false
		}
	}
	if len(raw) != Length {
		return "", false
	}
	return string(raw[0:4]) + "-" + string(raw[4:8]) + "-" + string(raw[8:12]), true
}

// Number formats a case number: office code, year, and a sequence of at least
// four digits.
func Number(officeCode string, year, seq int) string {
	return fmt.Sprintf("%s-%d-%04d", officeCode, year, seq)
}
