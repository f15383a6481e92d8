package sim

import (
	"sync"
	"time"
)

// limiter is the per-token limit (§3.6, §3.10): a token bucket holding a
// minute's allowance, refilled evenly, so a client may burst up to the
// limit and then gets one request per 60/limit seconds.
// simkit.WindowLimiter counts fixed windows, which research does not
// describe for Ecwid, hence a bucket of its own.
type limiter struct {
	mu      sync.Mutex
	now     func() time.Time
	limit   int // per minute; negative is unlimited
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64 // a count of requests, never money
	at     time.Time
}

func newLimiter(limit int, now func() time.Time) *limiter {
	return &limiter{now: now, limit: limit, buckets: map[string]*bucket{}}
}

func (l *limiter) setLimit(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limit = n
	for _, b := range l.buckets {
		b.tokens = min(b.tokens, float64(max(n, 0)))
	}
}

// take spends one request of key's bucket; when empty it returns false
// and the wait until one request fits.
func (l *limiter) take(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.limit < 0 {
		return true, 0
	}
	capacity := float64(l.limit)
	perSecond := capacity / 60
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: capacity, at: now}
		l.buckets[key] = b
	}
	if elapsed := now.Sub(b.at).Seconds(); elapsed > 0 {
		b.tokens = min(capacity, b.tokens+elapsed*perSecond)
	}
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	if perSecond == 0 {
		return false, time.Minute
	}
	return false, time.Duration((1 - b.tokens) / perSecond * float64(time.Second))
}
