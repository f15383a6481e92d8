package simkit

import (
	"net/http"
	"sync"
	"time"
)

// WindowLimiter counts requests per key in fixed one-minute windows, the way
// APIs that publish "N per minute" limits behave.
type WindowLimiter struct {
	mu     sync.Mutex
	now    func() time.Time
	window time.Duration
	start  map[string]time.Time
	count  map[string]int
}

// NewWindowLimiter builds a limiter with the given window (one minute for most APIs).
func NewWindowLimiter(window time.Duration, now func() time.Time) *WindowLimiter {
	if now == nil {
		now = time.Now
	}
	return &WindowLimiter{now: now, window: window, start: map[string]time.Time{}, count: map[string]int{}}
}

// Allow counts one request under key against limit; when over it returns false
// and how long until the window resets. A limit of 0 or less never limits.
func (l *WindowLimiter) Allow(key string, limit int) (bool, time.Duration) {
	if limit <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	st, ok := l.start[key]
	if !ok || now.Sub(st) >= l.window {
		l.start[key], l.count[key] = now, 0
		st = now
	}
	if l.count[key] >= limit {
		return false, st.Add(l.window).Sub(now)
	}
	l.count[key]++
	return true, 0
}

// Admit counts a request under key against limit, like Allow. When the
// window's allowance is spent it lets tooMany write the system's own 429
// (JSONWriter.TooManyRequests sets Retry-After from wait) and returns false.
func (l *WindowLimiter) Admit(w http.ResponseWriter, r *http.Request, key string, limit int,
	tooMany func(w http.ResponseWriter, r *http.Request, wait time.Duration)) bool {
	ok, wait := l.Allow(key, limit)
	if !ok {
		tooMany(w, r, wait)
	}
	return ok
}
