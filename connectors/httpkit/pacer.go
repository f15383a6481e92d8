package httpkit

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Systems publish limits per credential: CCV Shop 150 reads and 100 writes a
// minute on each resource plus a total, others one total a minute or an
// hour. A Pacer keeps one credential's calls under its limits. Every client
// of the credential in this process shares it (SharedPacer), so several
// integrations or activities on one key never add up to more than the
// system allows; and every pacer divides its limits by the fleet size
// (SetFleetSize), so that many worker processes together stay within the
// one quota.

// Rate is a number of calls per period; N <= 0 means no limit.
type Rate struct {
	N   int
	Per time.Duration
}

// PerMinute and PerHour are the periods systems publish their limits in.
func PerMinute(n int) Rate { return Rate{N: n, Per: time.Minute} }
func PerHour(n int) Rate   { return Rate{N: n, Per: time.Hour} }

func (r Rate) limited() bool { return r.N > 0 && r.Per > 0 }

// stricter returns the lower of two rates; an unlimited rate loses.
func stricter(a, b Rate) Rate {
	switch {
	case !a.limited():
		return b
	case !b.limited():
		return a
	case float64(b.N)/float64(b.Per) < float64(a.N)/float64(a.Per):
		return b
	}
	return a
}

// Limits are one credential's limits. Classes names per-class rates (CCV:
// "read", "write"), each counted separately in every bucket a call names
// (CCV: per resource); a class not named is not limited. Total caps all
// calls of the credential together.
type Limits struct {
	Classes map[string]Rate
	Total   Rate
}

// A limit's burstDivisor-th part may go at once; the rest of a period's
// allowance is spread evenly, so no window of one period ever sees more
// than the limit. The burst is what a long backlog leaves unused: a
// fiftieth lets a busy process use 98 % of its share.
const (
	burstDivisor = 50
	maxBurst     = 10
)

var fleetSize atomic.Int64 // 0 until set, read as 1

// SetFleetSize tells every pacer how many worker processes share each
// credential's quota; n < 1 counts as 1. Pacers divide their limits by it
// (rounding down, at least one call a period) from their next call on. It is
// safe for concurrent use.
func SetFleetSize(n int) { fleetSize.Store(int64(max(n, 1))) }

// FleetSize is the current fleet size (1 until SetFleetSize is called).
func FleetSize() int { return max(int(fleetSize.Load()), 1) }

// Pacer paces the calls of one credential. It is safe for concurrent use.
type Pacer struct {
	mu      sync.Mutex
	limits  Limits
	fleet   int // the fleet size the limiters are set for
	buckets map[bucketKey]*rate.Limiter
	total   *rate.Limiter // nil: no total
}

type bucketKey struct{ class, bucket string }

var (
	pacersMu sync.Mutex
	pacers   = map[string]*Pacer{}
)

// CredentialKey names a credential for SharedPacer: the system, the origin
// it is used at and the key's public id (never its secret).
func CredentialKey(system, origin, keyID string) string {
	return system + "|" + origin + "|" + keyID
}

// SharedPacer returns the pacer of a credential, creating it or tightening it
// to limits: when two clients of one credential configure different limits,
// the stricter one holds for both.
func SharedPacer(key string, limits Limits) *Pacer {
	pacersMu.Lock()
	defer pacersMu.Unlock()
	p, ok := pacers[key]
	if !ok {
		p = &Pacer{buckets: map[bucketKey]*rate.Limiter{}, fleet: FleetSize()}
		p.limits.Classes = map[string]Rate{}
		pacers[key] = p
	}
	p.tighten(limits)
	return p
}

// Limits returns the limits in force for the whole fleet, before the
// division by the fleet size.
func (p *Pacer) Limits() Limits {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Limits{Classes: maps.Clone(p.limits.Classes), Total: p.limits.Total}
}

func (p *Pacer) tighten(l Limits) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for class, r := range l.Classes {
		if !r.limited() {
			continue
		}
		old := p.limits.Classes[class]
		if now := stricter(old, r); now != old {
			p.limits.Classes[class] = now
			// rebuilt lazily at the new limit
			for k := range p.buckets {
				if k.class == class {
					delete(p.buckets, k)
				}
			}
		}
	}
	if now := stricter(p.limits.Total, l.Total); now.limited() && now != p.limits.Total {
		p.limits.Total = now
		p.total = newLimiter(now, p.fleet)
	}
}

// Wait blocks until a call of class in bucket may go, or ctx ends. It
// returns how long it waited.
func (p *Pacer) Wait(ctx context.Context, class, bucket string) (time.Duration, error) {
	res, total := p.limiters(class, bucket)
	if res == nil && total == nil {
		return 0, nil
	}
	start := time.Now()
	for _, l := range []*rate.Limiter{res, total} {
		if l == nil {
			continue
		}
		if err := l.Wait(ctx); err != nil {
			if ctx.Err() == nil {
				// Refused at once: the calls queued before this one hold the
				// tokens until past the deadline. Say how long the queue is,
				// so the caller comes back then instead of on a backoff that
				// would leave the quota unused.
				return time.Since(start), &QueueError{Wait: queueDelay(l, time.Now())}
			}
			return time.Since(start), err
		}
	}
	return time.Since(start), nil
}

// QueueError says a call could not wait for its turn before its deadline:
// the calls queued before it need Wait.
type QueueError struct{ Wait time.Duration }

func (e *QueueError) Error() string {
	return fmt.Sprintf("the calls queued for this rate limit need %s, longer than this call may wait", e.Wait.Round(time.Second))
}

func (p *Pacer) limiters(class, bucket string) (res, total *rate.Limiter) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if fleet := FleetSize(); fleet != p.fleet {
		p.refit(fleet)
	}
	if r := p.limits.Classes[class]; r.limited() {
		k := bucketKey{class, bucket}
		res = p.buckets[k]
		if res == nil {
			res = newLimiter(r, p.fleet)
			p.buckets[k] = res
		}
	}
	return res, p.total
}

// refit sets every limiter to its share of a new fleet size. The limiters
// keep the calls they have counted, so a growing fleet slows this process
// down at once instead of granting it a fresh burst.
func (p *Pacer) refit(fleet int) {
	p.fleet = fleet
	for k, l := range p.buckets {
		setShare(l, p.limits.Classes[k.class], fleet)
	}
	if p.total != nil {
		setShare(p.total, p.limits.Total, fleet)
	}
}

// newLimiter builds a limiter for this process's share of r, with a full
// burst; nil when r is unlimited.
func newLimiter(r Rate, fleet int) *rate.Limiter {
	if !r.limited() {
		return nil
	}
	return rate.NewLimiter(share(r, fleet))
}

// setShare sets l to its share of r in a fleet.
func setShare(l *rate.Limiter, r Rate, fleet int) {
	limit, b := share(r, fleet)
	l.SetBurst(b)
	l.SetLimit(limit)
}

// share is one process's part of r: of n = r.N / fleet calls a period, a
// fiftieth (at least one, at most 10) may go at once and the rest are
// spread over the period, so any window of one period sees at most n (a
// burst of b refills at (n-b)/period) and a busy process uses n-b of its n
// (a larger burst leaves more of a long backlog's quota unused: a burst of
// 10 of 50 used only 80 %, a twentieth 92 % of three workers' shares).
func share(r Rate, fleet int) (rate.Limit, int) {
	n := max(r.N/fleet, 1)
	b := min(max(n/burstDivisor, 1), maxBurst)
	return rate.Limit(float64(max(n-b, 1)) / r.Per.Seconds()), b
}

// queueDelay is how long a call arriving at now would wait for its turn,
// read from the tokens the queued calls hold. Not by reserving a turn and
// cancelling it: a cancelled reservation that is no longer the last gives
// nothing back, so concurrent refusals used to cost turns of the quota.
func queueDelay(l *rate.Limiter, now time.Time) time.Duration {
	tokens := l.TokensAt(now)
	if tokens >= 1 {
		return 0
	}
	return time.Duration((1 - tokens) / float64(l.Limit()) * float64(time.Second))
}
