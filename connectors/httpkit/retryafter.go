package httpkit

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryAfter reads a Retry-After header: a number of seconds or an HTTP
// date (a date already past means now). fallback is the wait when the
// header is absent or unreadable; systems that may not send one (CCV Shop)
// set it to their documented or customary wait.
func RetryAfter(header string, now time.Time, fallback time.Duration) time.Duration {
	header = strings.TrimSpace(header)
	if header == "" {
		return fallback
	}
	if s, err := strconv.Atoi(header); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(header); err == nil {
		return max(t.Sub(now), 0)
	}
	return fallback
}
