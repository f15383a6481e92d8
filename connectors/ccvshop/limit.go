package ccvshop

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/time/rate"
)

// The shop counts calls per API key, per method per resource (150 GETs and
// 100 writes a minute on each resource, research §1.8) plus an unpublished
// total per key. A pacer keeps one key's calls under those limits; every
// client of the same key and shop in this process shares it, so several
// integrations (or several activities) on one key never add up to more than
// the shop allows. When two clients of one key were configured with
// different limits, the stricter limit wins for both.

// limiterBurst calls may go at once; the rest of a minute's allowance is
// spread evenly, so no window of one minute ever sees more than the limit.
const limiterBurst = 10

type pacer struct {
	mu          sync.Mutex
	reads       int // per minute; <0 unlimited
	writes      int
	total       int // <0 none
	totalLim    *rate.Limiter
	perResource map[string]*rate.Limiter // "read orders", "write products" …
}

var (
	pacersMu sync.Mutex
	pacers   = map[string]*pacer{}
)

// limits normalises a Config's limits: 0 is the published default, any
// negative value is -1 (unlimited); a total of 0 means none.
func limits(cfg Config) (reads, writes, total int) {
	norm := func(v, def int) int {
		switch {
		case v == 0:
			return def
		case v < 0:
			return -1
		}
		return v
	}
	return norm(cfg.ReadsPerMinute, DefaultReadsPerMinute), norm(cfg.WritesPerMinute, DefaultWritesPerMinute), norm(cfg.TotalPerMinute, -1)
}

// stricter returns the tighter of two per-minute limits (-1 is unlimited).
func stricter(a, b int) int {
	switch {
	case a < 0:
		return b
	case b < 0:
		return a
	}
	return min(a, b)
}

// pacerFor returns the pacer of the key at the shop origin, creating it or
// tightening it to cfg's limits.
func pacerFor(cfg Config, origin string) *pacer {
	reads, writes, total := limits(cfg)
	key := origin + "|" + cfg.PublicKey
	pacersMu.Lock()
	defer pacersMu.Unlock()
	p, ok := pacers[key]
	if !ok {
		p = &pacer{reads: reads, writes: writes, total: total, perResource: map[string]*rate.Limiter{}, totalLim: perMinute(total)}
		pacers[key] = p
		return p
	}
	p.tighten(reads, writes, total)
	return p
}

func (p *pacer) tighten(reads, writes, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	r, w, t := stricter(p.reads, reads), stricter(p.writes, writes), stricter(p.total, total)
	if r != p.reads || w != p.writes {
		p.reads, p.writes = r, w
		p.perResource = map[string]*rate.Limiter{} // rebuilt lazily at the new limits
	}
	if t != p.total {
		p.total, p.totalLim = t, perMinute(t)
	}
}

// perMinute builds a limiter that never lets more than n calls through in
// any minute: a small burst, the rest spread evenly. n <= 0 means none.
func perMinute(n int) *rate.Limiter {
	if n <= 0 {
		return nil
	}
	burst := min(limiterBurst, n)
	if n == burst {
		return rate.NewLimiter(rate.Limit(float64(n)/60), burst)
	}
	return rate.NewLimiter(rate.Limit(float64(n-burst)/60), burst)
}

func (p *pacer) limiters(method, requestURI string) (res, total *rate.Limiter) {
	class, limit := "read", p.reads
	if method != http.MethodGet {
		class, limit = "write", p.writes
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if limit > 0 {
		key := class + " " + Resource(requestURI)
		l, ok := p.perResource[key]
		if !ok {
			l = perMinute(limit)
			p.perResource[key] = l
		}
		res = l
	}
	return res, p.totalLim
}

// wait blocks until a call may go, or ctx ends.
func (p *pacer) wait(ctx context.Context, method, requestURI string) error {
	res, total := p.limiters(method, requestURI)
	if res != nil {
		if err := res.Wait(ctx); err != nil {
			return err
		}
	}
	if total != nil {
		return total.Wait(ctx)
	}
	return nil
}

// Resource names the resource a request URI addresses, the unit the shop's
// limits count in: the last path segment that is not an id
// (/api/rest/v1/orders/12/orderrows/ → orderrows; /api/rest/v1/orders/12 → orders).
func Resource(requestURI string) string {
	path, _, _ := strings.Cut(requestURI, "?")
	path = strings.TrimPrefix(path, APIPath)
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := len(segs) - 1; i >= 0; i-- {
		if _, err := strconv.ParseInt(segs[i], 10, 64); err != nil && segs[i] != "" {
			return segs[i]
		}
	}
	return ""
}
