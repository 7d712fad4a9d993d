package pb_hooks

// Flood resistance of the public forms. Each address is rate-limited by
// PocketBase's rules; a flood from many addresses is met here: while more
// submissions arrive in ten minutes than the office's threshold
// (office.challenge_per_10min, 20 by default; 0 switches it off), a
// submission must carry a solved proof-of-work challenge (internal/challenge,
// the ALTCHA scheme), harder as the flood grows. In normal times nobody pays
// anything: the form sends as it always did; only an answer asking for the
// challenge makes it solve one and send again.

import (
	"crypto/rand"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"teduh/internal/challenge"
)

const (
	// floodWindow is the span over which submissions are counted.
	floodWindow = 10 * time.Minute
	// defaultChallengeThreshold applies while the office sets none.
	defaultChallengeThreshold = 20
	// challengeBase is about how many hashes a challenge costs at the
	// threshold (a cheap phone: well under a second); it grows with the flood.
	challengeBase = 20000
	// challengeLife is how long a challenge may be solved and used.
	challengeLife = 10 * time.Minute
	// ChallengeHeader carries the solution (base64 JSON, as ALTCHA's widget sends it).
	ChallengeHeader = "X-Teduh-Challenge"
)

// floodGuard counts public submissions and checks the challenges.
type floodGuard struct {
	mu      sync.Mutex
	key     []byte
	buckets [600]int   // submissions per second over the window, a ring
	stamps  [600]int64 // the second each bucket counts
	used    map[string]time.Time
}

func newFloodGuard() *floodGuard {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic(err)
	}
	return &floodGuard{key: key, used: map[string]time.Time{}}
}

// record counts one submission at now and returns the count over the window.
func (f *floodGuard) record(now time.Time, add bool) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	sec := now.Unix()
	i := int(sec % int64(len(f.buckets)))
	if f.stamps[i] != sec {
		f.stamps[i], f.buckets[i] = sec, 0
	}
	if add {
		f.buckets[i]++
	}
	total := 0
	for j := range f.buckets {
		if sec-f.stamps[j] < int64(floodWindow/time.Second) {
			total += f.buckets[j]
		}
	}
	return total
}

// spend marks a solution as used; false when it was used before.
func (f *floodGuard) spend(signature string, expires, now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s, exp := range f.used {
		if !now.Before(exp) {
			delete(f.used, s)
		}
	}
	if _, ok := f.used[signature]; ok {
		return false
	}
	f.used[signature] = expires
	return true
}

// challengeThreshold is the office's setting; TEDUH_CHALLENGE_THRESHOLD
// overrides it for the operator (0 switches the challenge off, e.g. while a
// load test or a migration of old complaints runs from one machine).
func (t *Teduh) challengeThreshold() int {
	if v := os.Getenv("TEDUH_CHALLENGE_THRESHOLD"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return n
		}
	}
	office, err := t.Office(t.app)
	if err != nil || office.Record.Get("challenge_per_10min") == nil {
		return defaultChallengeThreshold
	}
	return office.Record.GetInt("challenge_per_10min")
}

// FloodActive tells whether the public forms are asking for challenges now.
func (t *Teduh) FloodActive() bool {
	required, _ := challenge.Difficulty(t.flood.record(t.now(), false), t.challengeThreshold(), challengeBase)
	return required
}

// newChallenge is a challenge of the current difficulty, or nil when none is needed.
func (t *Teduh) newChallenge(rate int) (*challenge.Challenge, error) {
	required, maxNumber := challenge.Difficulty(rate, t.challengeThreshold(), challengeBase)
	if !required {
		return nil, nil
	}
	c, err := challenge.New(t.flood.key, maxNumber, t.now().Add(challengeLife))
	return &c, err
}

// floodCheck is the middleware of the public submission routes.
func (t *Teduh) floodCheck() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: "teduhFloodCheck",
		Func: func(e *core.RequestEvent) error {
			now := t.now()
			rate := t.flood.record(now, true)
			c, err := t.newChallenge(rate)
			if err != nil {
				return err
			}
			if c == nil {
				return e.Next()
			}
			if raw := e.Request.Header.Get(ChallengeHeader); raw != "" {
				sol, err := challenge.Decode(raw)
				if err == nil {
					var expires time.Time
					if expires, err = challenge.Verify(t.flood.key, sol, now); err == nil && t.flood.spend(sol.Signature, expires, now) {
						return e.Next()
					}
				}
			}
			return challengeRequired(c)
		},
	}
}

// challengeRequired is the answer that asks for a solved challenge; the
// challenge itself travels in the field error's params, so no extra round
// trip is needed.
func challengeRequired(c *challenge.Challenge) error {
	msg := "Saat ini banyak sekali kiriman masuk sekaligus. Halaman ini sedang memastikan pengirimnya manusia; tunggu sebentar, pengaduan Anda akan terkirim."
	verr := validation.NewError("challenge_required", msg).SetParams(map[string]any{
		"algorithm": c.Algorithm, "challenge": c.Challenge, "maxnumber": c.MaxNumber, "salt": c.Salt, "signature": c.Signature,
		"header": ChallengeHeader,
	})
	return router.NewApiError(http.StatusBadRequest, msg, validation.Errors{"challenge": verr})
}

// challengeRoute serves GET /api/public/challenge for apps that prefer to
// ask first: whether a challenge is needed now, and one if so.
func (t *Teduh) challengeRoute(e *core.RequestEvent) error {
	c, err := t.newChallenge(t.flood.record(t.now(), false))
	if err != nil {
		return err
	}
	if c == nil {
		return e.JSON(http.StatusOK, map[string]any{"required": false})
	}
	return e.JSON(http.StatusOK, map[string]any{"required": true, "challenge": c, "header": ChallengeHeader})
}
