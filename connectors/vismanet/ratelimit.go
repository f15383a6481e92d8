package vismanet

import (
	"net/http"

	"github.com/koppel/koppel/connectors/httpkit"
)

// Rate limits (§3.7): a fixed window per company and client whose numbers
// are not published but reported in every answer: X-RateLimit-Limit (calls
// a window), -Remaining (left in this window), -Reset (seconds until it
// turns), -Policy ("4-fixed-window"). Each answer re-paces the shared pacer
// of the credential: Limit per window, but no faster than Remaining spread
// until Reset (other clients of the same credential count too), and with
// nothing remaining the next call waits for the reset. The pacer divides
// that among the worker processes (httpkit.SetFleetSize), so the fleet
// together stays under the quota. Config.RequestsPerHour, when set, is a
// ceiling the reports never raise. A 429 still comes back as
// KindRateLimited with the Retry-After of the answer (DefaultRetryAfter
// when it has none).

// followRateLimit reads an answer's rate-limit headers into the pacer.
func (c *Client) followRateLimit(resp *http.Response) {
	rep, ok := httpkit.ParseRateLimitHeaders(resp.Header, c.now())
	if !ok {
		return
	}
	var ceiling httpkit.Rate
	if c.cfg.RequestsPerHour > 0 {
		ceiling = httpkit.PerHour(c.cfg.RequestsPerHour)
	}
	c.pacer.Follow(rep, c.opt.RateLimitWindow, ceiling)
}

// RateLimit is the pace in force for the client's credential, before the
// division among worker processes (zero when the client paces nothing).
func (c *Client) RateLimit() httpkit.Rate {
	if c.pacer == nil {
		return httpkit.Rate{}
	}
	return c.pacer.Limits().Total
}
