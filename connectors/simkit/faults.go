package simkit

import (
	"bytes"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"
)

// FaultKind is what a fault rule does to a matching request.
type FaultKind string

const (
	// FaultLatency delays the request, then serves it normally.
	FaultLatency FaultKind = "latency"
	// FaultStatus answers with Status (e.g. 500, 503) without touching state.
	FaultStatus FaultKind = "status"
	// FaultRateLimit answers 429 with RetryAfter.
	FaultRateLimit FaultKind = "rate_limit"
	// FaultDropAfterCommit serves the request (state changes happen), then
	// closes the connection without sending the response: the ambiguous failure.
	FaultDropAfterCommit FaultKind = "drop_after_commit"
)

// Rule injects one kind of fault into requests for Op ("" matches every op).
type Rule struct {
	Op    string    `json:"op"`
	Kind  FaultKind `json:"kind"`
	Times int       `json:"times"` // how many requests it hits; 0 or less: every one
	// Every, above 1, lets the rule hit one matching request in Every (the
	// others go on to the next rule): a steady share of faults, as 5 is 20 %.
	Every int `json:"every,omitempty"`
	// Share, between 0 and 1, lets the rule hit that random part of the
	// matching requests (the others go on to the next rule): faults as a
	// busy system has them. Every's fixed rhythm can lock onto a lone
	// caller's retries, so that each attempt lands on the fault.
	Share float64 `json:"share,omitempty"`
	// Until, when set, ends the rule at that time: a burst of 429s for a
	// few seconds, whatever the traffic.
	Until      time.Time `json:"until,omitempty"`
	seen       int
	Latency    time.Duration `json:"latency"`
	Status     int           `json:"status"`
	RetryAfter time.Duration `json:"retryAfter"`
}

// Faults is a thread-safe list of rules.
type Faults struct {
	mu    sync.Mutex
	rules []*Rule
	hits  map[FaultKind]int
	dice  *rand.Rand // for Share; seeded by Seed, else at the first use
}

// Seed makes the rules' random shares repeat from seed.
func (f *Faults) Seed(seed uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dice = rand.New(rand.NewPCG(seed, seed))
}

// Add appends a rule.
func (f *Faults) Add(r Rule) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = append(f.rules, &r)
}

// Clear removes every rule.
func (f *Faults) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = nil
}

// Hits tells how many requests a kind of fault has hit so far.
func (f *Faults) Hits(k FaultKind) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[k]
}

// take returns the first rule matching op and counts it down.
func (f *Faults) take(op string) *Rule {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	f.rules = slices.DeleteFunc(f.rules, func(r *Rule) bool { return !r.Until.IsZero() && now.After(r.Until) })
	for i, r := range f.rules {
		if r.Op != "" && r.Op != op {
			continue
		}
		if r.Every > 1 {
			r.seen++
			if r.seen%r.Every != 0 {
				continue
			}
		}
		if r.Share > 0 && r.Share < 1 {
			if f.dice == nil {
				f.dice = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
			}
			if f.dice.Float64() >= r.Share {
				continue
			}
		}
		out := *r
		if r.Times > 0 {
			r.Times--
			if r.Times == 0 {
				f.rules = append(f.rules[:i], f.rules[i+1:]...)
			}
		}
		if f.hits == nil {
			f.hits = map[FaultKind]int{}
		}
		f.hits[out.Kind]++
		return &out
	}
	return nil
}

// ErrorWriter renders a simulator's own error response for a status, so
// injected faults look exactly like the real system's errors.
type ErrorWriter func(w http.ResponseWriter, r *http.Request, status int, retryAfter time.Duration)

// Middleware applies the rules. opOf names the operation of a request (a REST
// "GET /orders" or a SOAP body element); it may read the body if it restores it.
func (f *Faults) Middleware(opOf func(*http.Request) string, writeError ErrorWriter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rule := f.take(opOf(r))
		if rule == nil {
			next.ServeHTTP(w, r)
			return
		}
		switch rule.Kind {
		case FaultLatency:
			select {
			case <-time.After(rule.Latency):
			case <-r.Context().Done():
				return
			}
			next.ServeHTTP(w, r)
		case FaultStatus:
			writeError(w, r, rule.Status, 0)
		case FaultRateLimit:
			writeError(w, r, http.StatusTooManyRequests, rule.RetryAfter)
		case FaultDropAfterCommit:
			rec := &discardWriter{header: http.Header{}}
			next.ServeHTTP(rec, r)
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close()
					return
				}
			}
			// No hijacking (HTTP/2): the closest is a 502 after the commit.
			writeError(w, r, http.StatusBadGateway, 0)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

type discardWriter struct {
	header http.Header
	body   bytes.Buffer
	status int
}

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return d.body.Write(b) }
func (d *discardWriter) WriteHeader(s int)           { d.status = s }
