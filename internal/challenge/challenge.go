// Package challenge is the proof of work the public forms ask for while a
// flood is going on: the ALTCHA scheme (https://altcha.org/docs/proof-of-work),
// served and checked by Teduh itself — no third party, no cookie, nothing
// about the person. The server picks a random salt and a secret number below
// a maximum and sends SHA-256(salt + number) with an HMAC signature; the
// browser tries numbers until it finds the one whose hash matches and sends
// it back. Finding it costs the sender about maximum/2 hashes; checking it
// costs the server two. The salt carries its expiry, so the server keeps
// nothing but the signatures already used.
package challenge

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Algorithm is the only hash the scheme uses here.
const Algorithm = "SHA-256"

// Challenge is what the sender gets.
type Challenge struct {
	Algorithm string `json:"algorithm"`
	Challenge string `json:"challenge"`
	MaxNumber int64  `json:"maxnumber"`
	Salt      string `json:"salt"`
	Signature string `json:"signature"`
}

// Solution is what the sender sends back (as base64 JSON, like ALTCHA's
// widget does).
type Solution struct {
	Algorithm string `json:"algorithm"`
	Challenge string `json:"challenge"`
	Number    int64  `json:"number"`
	Salt      string `json:"salt"`
	Signature string `json:"signature"`
}

// New makes a challenge valid until expires, with a secret number below
// maxNumber.
func New(key []byte, maxNumber int64, expires time.Time) (Challenge, error) {
	if maxNumber < 1 {
		maxNumber = 1
	}
	raw := make([]byte, 12)
	if _, err := rand.Read(raw); err != nil {
		return Challenge{}, err
	}
	n, err := rand.Int(rand.Reader, big.NewInt(maxNumber))
	if err != nil {
		return Challenge{}, err
	}
	salt := hex.EncodeToString(raw) + "?expires=" + strconv.FormatInt(expires.Unix(), 10)
	ch := hash(salt, n.Int64())
	return Challenge{Algorithm: Algorithm, Challenge: ch, MaxNumber: maxNumber, Salt: salt, Signature: sign(key, ch)}, nil
}

func hash(salt string, number int64) string {
	sum := sha256.Sum256([]byte(salt + strconv.FormatInt(number, 10)))
	return hex.EncodeToString(sum[:])
}

func sign(key []byte, challenge string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(challenge))
	return hex.EncodeToString(m.Sum(nil))
}

// Errors of a solution.
var (
	ErrMalformed = errors.New("challenge: malformed solution")
	ErrExpired   = errors.New("challenge: expired")
	ErrWrong     = errors.New("challenge: wrong solution")
)

// Decode reads a solution as the form sends it (base64 of its JSON).
func Decode(encoded string) (Solution, error) {
	var s Solution
	data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
	if err != nil {
		return s, ErrMalformed
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return s, ErrMalformed
	}
	return s, nil
}

// Verify checks a solution: the server's own signature, not expired, and
// the number found. It does not know whether the solution was used before;
// the caller keeps the signatures it accepted until they expire.
func Verify(key []byte, s Solution, now time.Time) (expires time.Time, err error) {
	if s.Algorithm != Algorithm || s.Number < 0 || s.Challenge == "" || s.Salt == "" {
		return time.Time{}, ErrMalformed
	}
	if !hmac.Equal([]byte(sign(key, s.Challenge)), []byte(s.Signature)) {
		return time.Time{}, ErrWrong
	}
	_, query, _ := strings.Cut(s.Salt, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		return time.Time{}, ErrMalformed
	}
	unix, err := strconv.ParseInt(q.Get("expires"), 10, 64)
	if err != nil {
		return time.Time{}, ErrMalformed
	}
	expires = time.Unix(unix, 0)
	if !now.Before(expires) {
		return expires, ErrExpired
	}
	if !hmac.Equal([]byte(hash(s.Salt, s.Number)), []byte(s.Challenge)) {
		return expires, ErrWrong
	}
	return expires, nil
}

// Solve finds the number (for tests and the load tool; a browser does the
// same in JavaScript).
func Solve(c Challenge) (Solution, error) {
	for n := int64(0); n <= c.MaxNumber; n++ {
		if hash(c.Salt, n) == c.Challenge {
			return Solution{Algorithm: c.Algorithm, Challenge: c.Challenge, Number: n, Salt: c.Salt, Signature: c.Signature}, nil
		}
	}
	return Solution{}, fmt.Errorf("challenge: no solution below %d", c.MaxNumber)
}

// Encode is the header value for a solution.
func (s Solution) Encode() string {
	data, _ := json.Marshal(s)
	return base64.StdEncoding.EncodeToString(data)
}

// Difficulty is how hard the challenge is at a rate of submissions, given
// the office's threshold (submissions per window above which a challenge is
// asked): nothing below it; from it on, about base hashes, growing with the
// flood up to fifty times that.
func Difficulty(rate, threshold int, base int64) (required bool, maxNumber int64) {
	if threshold <= 0 || rate < threshold {
		return false, 0
	}
	factor := int64(rate / threshold)
	if factor > 50 {
		factor = 50
	}
	return true, base * factor
}
