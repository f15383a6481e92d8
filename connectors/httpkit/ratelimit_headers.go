package httpkit

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Some systems (Visma.net) do not publish one fixed limit: they report the
// quota of the credential in every answer's X-RateLimit-* headers, and the
// numbers differ per client and change over time. RateLimitReport reads
// those headers, WatchAnswers lets a client see every answer's headers
// before httpkit reads the answer, and Pacer.Follow re-paces a credential's
// total from a report at run time. Nothing here changes a pacer that is not
// told about reports.

// RateLimitReport is what one answer said about its credential's quota.
type RateLimitReport struct {
	// Limit is the number of calls a window allows.
	Limit int
	// Remaining is the number of calls left in the current window.
	Remaining int
	// Reset is the time until the current window ends.
	Reset time.Duration
	// Policy names the window's kind ("4-fixed-window"); for people.
	Policy string
}

// ParseRateLimitHeaders reads X-RateLimit-Limit, -Remaining, -Reset and
// -Policy. Reset is read as seconds from now; a value that can only be a
// Unix time (after 2001) is read as the moment of the reset. ok is false
// when the answer carries no readable Limit and Remaining: it reports
// nothing then.
func ParseRateLimitHeaders(h http.Header, now time.Time) (RateLimitReport, bool) {
	limit, okLimit := leadingInt(h.Get("X-RateLimit-Limit"))
	remaining, okRemaining := leadingInt(h.Get("X-RateLimit-Remaining"))
	if !okLimit || !okRemaining || limit <= 0 {
		return RateLimitReport{}, false
	}
	rep := RateLimitReport{Limit: limit, Remaining: max(remaining, 0), Policy: strings.TrimSpace(h.Get("X-RateLimit-Policy"))}
	if reset, ok := leadingInt(h.Get("X-RateLimit-Reset")); ok && reset > 0 {
		if reset > 1_000_000_000 {
			rep.Reset = max(time.Unix(int64(reset), 0).Sub(now), 0)
		} else {
			rep.Reset = time.Duration(reset) * time.Second
		}
	}
	return rep, true
}

// leadingInt reads the number a header value starts with: "500", or the
// first figure of a list such as "500, 500;w=3600".
func leadingInt(v string) (int, bool) {
	v = strings.TrimSpace(v)
	end := 0
	for end < len(v) && v[end] >= '0' && v[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(v[:end])
	return n, err == nil
}

// Rate is the pace the report allows from now on: Limit per window (the
// window's length is the system's documented one, since no header says
// it), and not faster than the calls Remaining spread until Reset, so that
// calls other clients of the credential made already count. With nothing
// remaining it is one call at the reset.
func (r RateLimitReport) Rate(window time.Duration) Rate {
	pace := Rate{N: r.Limit, Per: window}
	if r.Reset > 0 {
		pace = stricter(pace, Rate{N: max(r.Remaining, 1), Per: r.Reset})
	}
	return pace
}

// WatchAnswers calls fn with every answer that comes through next (nil:
// http.DefaultTransport) before passing it on; fn must not read or close the
// body. Put it under the auth round-tripper (Config.Transport) to see the
// system's answers, also those the auth retries.
func WatchAnswers(next http.RoundTripper, fn func(*http.Response)) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(req)
		if err == nil && resp != nil {
			fn(resp)
		}
		return resp, err
	})
}

// StricterRate returns the lower of two rates; an unlimited rate (N <= 0)
// loses.
func StricterRate(a, b Rate) Rate { return stricter(a, b) }

// SetTotal replaces the limit on all calls of the credential, up or down
// (unlike SharedPacer, which only tightens). The calls the limiter has
// counted stay counted, so raising a limit grants no fresh burst. An
// unlimited rate removes the total.
func (p *Pacer) SetTotal(r Rate) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.setTotalLocked(r)
}

func (p *Pacer) setTotalLocked(r Rate) {
	if !r.limited() {
		p.limits.Total, p.total = Rate{}, nil
		return
	}
	if r == p.limits.Total && p.total != nil {
		return
	}
	p.limits.Total = r
	if p.total == nil {
		p.total = newLimiter(r, p.fleet)
		return
	}
	setShare(p.total, r, p.fleet)
}

// Follow paces the credential's total by what an answer reported
// (rep.Rate(window)), never faster than ceiling (the operator's override;
// an unlimited ceiling leaves the report alone). When the report says no
// call remains, the calls allowed at once are used up too, so that the next
// call waits for the window to turn instead of earning a 429.
func (p *Pacer) Follow(rep RateLimitReport, window time.Duration, ceiling Rate) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.setTotalLocked(stricter(ceiling, rep.Rate(window)))
	if rep.Remaining <= 0 && p.total != nil {
		now := time.Now()
		if n := int(p.total.TokensAt(now)); n > 0 {
			p.total.ReserveN(now, n)
		}
	}
}
