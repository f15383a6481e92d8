package httpkit

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRateLimitHeaders(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	h := http.Header{}
	h.Set("X-RateLimit-Limit", "15000")
	h.Set("X-RateLimit-Remaining", "14990")
	h.Set("X-RateLimit-Reset", "1200")
	h.Set("X-RateLimit-Policy", "4-fixed-window")
	rep, ok := ParseRateLimitHeaders(h, now)
	require.True(t, ok)
	assert.Equal(t, RateLimitReport{Limit: 15000, Remaining: 14990, Reset: 20 * time.Minute, Policy: "4-fixed-window"}, rep)

	h.Set("X-RateLimit-Limit", "500, 500;w=3600")
	h.Set("X-RateLimit-Reset", "1772449200") // a Unix time: 2026-03-02 10:00 UTC + 1 h
	rep, ok = ParseRateLimitHeaders(h, now)
	require.True(t, ok)
	assert.Equal(t, 500, rep.Limit)
	assert.Equal(t, time.Hour, rep.Reset)

	h.Del("X-RateLimit-Remaining")
	_, ok = ParseRateLimitHeaders(h, now)
	assert.False(t, ok, "a limit without what remains reports nothing")
	_, ok = ParseRateLimitHeaders(http.Header{}, now)
	assert.False(t, ok)
}

func TestReportRateIsTheStricterOfLimitAndRemaining(t *testing.T) {
	fresh := RateLimitReport{Limit: 15000, Remaining: 15000, Reset: time.Hour}
	assert.Equal(t, PerHour(15000), fresh.Rate(time.Hour))

	// Half the window gone and most of the quota used by other clients:
	// what is left must last until the reset.
	used := RateLimitReport{Limit: 15000, Remaining: 600, Reset: 30 * time.Minute}
	assert.Equal(t, Rate{N: 600, Per: 30 * time.Minute}, used.Rate(time.Hour))

	// Plenty left near the end: the limit per window still caps the pace.
	late := RateLimitReport{Limit: 500, Remaining: 400, Reset: time.Minute}
	assert.Equal(t, PerHour(500), late.Rate(time.Hour))

	none := RateLimitReport{Limit: 500, Remaining: 0, Reset: 10 * time.Minute}
	assert.Equal(t, Rate{N: 1, Per: 10 * time.Minute}, none.Rate(time.Hour))
}

func TestSetTotalRaisesAndLowersWithoutAFreshBurst(t *testing.T) {
	p := SharedPacer(CredentialKey("test", "https://report.example", t.Name()), Limits{Total: PerHour(500)})
	_, total := p.limiters("", "")
	require.NotNil(t, total)
	for total.Allow() { // use the burst up
	}
	p.SetTotal(PerHour(15000))
	assert.Equal(t, PerHour(15000), p.Limits().Total, "SetTotal may loosen, unlike SharedPacer")
	_, again := p.limiters("", "")
	assert.Same(t, total, again, "the limiter keeps the calls it counted")
	assert.False(t, again.Allow(), "raising the limit grants no fresh burst")
	assert.InDelta(t, float64(15000-10)/3600, float64(again.Limit()), 1e-9)

	p.SetTotal(PerHour(500))
	assert.InDelta(t, float64(500-10)/3600, float64(again.Limit()), 1e-9)

	p.SetTotal(Rate{})
	_, gone := p.limiters("", "")
	assert.Nil(t, gone, "an unlimited rate removes the total")
}

func TestFollowKeepsTheCeilingAndWaitsForTheResetWhenNothingRemains(t *testing.T) {
	p := SharedPacer(CredentialKey("test", "https://follow.example", t.Name()), Limits{})
	p.Follow(RateLimitReport{Limit: 15000, Remaining: 15000, Reset: time.Hour}, time.Hour, PerHour(1200))
	assert.Equal(t, PerHour(1200), p.Limits().Total, "the operator's ceiling is stricter than the report")

	p.Follow(RateLimitReport{Limit: 500, Remaining: 500, Reset: time.Hour}, time.Hour, Rate{})
	assert.Equal(t, PerHour(500), p.Limits().Total, "no ceiling: the report rules, down and up")
	_, total := p.limiters("", "")
	require.NotNil(t, total)
	assert.True(t, total.Allow(), "calls remain: the burst is there")

	p.Follow(RateLimitReport{Limit: 500, Remaining: 0, Reset: 15 * time.Minute}, time.Hour, Rate{})
	assert.Equal(t, Rate{N: 1, Per: 15 * time.Minute}, p.Limits().Total)
	assert.False(t, total.Allow(), "nothing remains: the next call waits for the reset")
	r := total.Reserve()
	assert.InDelta(t, (15 * time.Minute).Seconds(), r.Delay().Seconds(), 1)
	r.Cancel()
}

func TestWatchAnswersSeesEveryAnswerItsBodyUntouched(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Limit", "500")
		w.Header().Set("X-RateLimit-Remaining", "499")
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, "body")
	}))
	defer srv.Close()
	var seen []RateLimitReport
	c := &http.Client{Transport: WatchAnswers(nil, func(r *http.Response) {
		if rep, ok := ParseRateLimitHeaders(r.Header, time.Now()); ok {
			seen = append(seen, rep)
		}
	})}
	resp, err := c.Get(srv.URL)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "body", string(body))
	assert.Equal(t, []RateLimitReport{{Limit: 500, Remaining: 499}}, seen)
}
