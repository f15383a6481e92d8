package sim

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/koppel/koppel/connectors/simkit"
)

// limiter is the API's quota (§3.7): a fixed window per company and client
// that starts with the window's first call. simkit.WindowLimiter does not
// tell what remains, which every answer of this API reports, hence its own.
type limiter struct {
	mu     sync.Mutex
	now    func() time.Time
	window time.Duration
	limit  int // per window; negative is unlimited
	w      map[string]*window
}

type window struct {
	start time.Time
	used  int
}

// quota is what one answer reports.
type quota struct {
	limit, remaining int
	reset            time.Duration
}

func newLimiter(win time.Duration, limit int, now func() time.Time) *limiter {
	return &limiter{now: now, window: win, limit: limit, w: map[string]*window{}}
}

func (l *limiter) setLimit(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limit = n
}

// current is key's window, a new one when the last has passed.
func (l *limiter) current(key string) *window {
	now := l.now()
	w := l.w[key]
	if w == nil || now.Sub(w.start) >= l.window {
		w = &window{start: now}
		l.w[key] = w
	}
	return w
}

// take counts one call; ok is false when the window is spent (the call
// is then not counted). unlimited is true when there is no quota.
func (l *limiter) take(key string) (q quota, ok, unlimited bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.limit < 0 {
		return quota{}, true, true
	}
	w := l.current(key)
	if w.used >= l.limit {
		return l.report(w), false, false
	}
	w.used++
	return l.report(w), true, false
}

// peek reports key's window without counting.
func (l *limiter) peek(key string) (q quota, unlimited bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.limit < 0 {
		return quota{}, true
	}
	return l.report(l.current(key)), false
}

func (l *limiter) report(w *window) quota {
	return quota{limit: l.limit, remaining: max(l.limit-w.used, 0), reset: w.start.Add(l.window).Sub(l.now())}
}

// set writes the X-RateLimit headers.
func (q quota) set(h http.Header) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(q.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(q.remaining))
	h.Set("X-RateLimit-Reset", strconv.Itoa(simkit.RetryAfterSeconds(q.reset)))
	h.Set("X-RateLimit-Policy", RateLimitPolicy)
}

// rateKey is the quota's key: company (tenant) and client.
func rateKey(g grant) string { return g.Tenant + "\x00" + g.ClientID }

// reportRate writes the headers of the caller's window without counting
// (answers that are not counted: 401, unknown paths, injected faults).
func (s *Sim) reportRate(w http.ResponseWriter, r *http.Request) {
	g, _, _ := s.bearer(r)
	if q, unlimited := s.limiter.peek(rateKey(g)); !unlimited {
		q.set(w.Header())
	}
}

// tooMany is the gateway's 429 with Retry-After.
func (s *Sim) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	simkit.SetRetryAfter(w.Header(), wait)
	s.gateway(w, r, http.StatusTooManyRequests,
		fmt.Sprintf("Rate limit is exceeded. Try again in %d seconds.", simkit.RetryAfterSeconds(wait)))
}
