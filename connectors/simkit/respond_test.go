package simkit

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A made-up system: its own media type, error shape and body signature.
var testJSON = JSONWriter{
	ContentType: "application/x.shop+json",
	Sign: func(h http.Header, _ *http.Request, body []byte) {
		h.Set("x-len", string(rune('0'+len(body))))
	},
	ErrorBody: func(_ *http.Request, status int, code, message string) any {
		return map[string]any{"errorCode": code, "errorMessage": message}
	},
}

func TestJSONWriterKeepsTheSystemsShapes(t *testing.T) {
	r := httptest.NewRequest("GET", "/x", nil)

	w := httptest.NewRecorder()
	testJSON.Error(w, r, http.StatusNotFound, "ORDER_NOT_FOUND", "no order 7")
	assert.Equal(t, http.StatusNotFound, w.Code)
	assert.JSONEq(t, `{"errorCode":"ORDER_NOT_FOUND","errorMessage":"no order 7"}`, w.Body.String())
	assert.Equal(t, "application/x.shop+json", w.Header().Get("Content-Type"))

	w = httptest.NewRecorder()
	testJSON.JSON(w, r, http.StatusOK, []int{1})
	assert.Equal(t, "3", w.Header().Get("x-len"), "signed over the exact body bytes")

	w = httptest.NewRecorder()
	testJSON.Empty(w, r, http.StatusNoContent)
	assert.Equal(t, http.StatusNoContent, w.Code)
	assert.Equal(t, "0", w.Header().Get("x-len"), "an empty answer is signed too")
	assert.Empty(t, w.Header().Get("Content-Type"))

	w = httptest.NewRecorder()
	JSONWriter{}.JSON(w, r, http.StatusOK, map[string]int{})
	assert.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"))
}

func TestRetryAfterRoundsUpToWholeSeconds(t *testing.T) {
	for wait, want := range map[time.Duration]int{0: 1, time.Millisecond: 1, time.Second: 1, 1500 * time.Millisecond: 2, time.Minute: 60} {
		assert.Equal(t, want, RetryAfterSeconds(wait), wait)
	}
}

func TestAdmitAnswersTheSystemsRateLimit(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	l := NewWindowLimiter(time.Minute, func() time.Time { return now })
	tooMany := func(w http.ResponseWriter, r *http.Request, wait time.Duration) {
		testJSON.TooManyRequests(w, r, wait, "RATE_LIMITED", "slow down")
	}
	r := httptest.NewRequest("GET", "/x", nil)
	for range 2 {
		assert.True(t, l.Admit(httptest.NewRecorder(), r, "key", 2, tooMany))
	}
	now = now.Add(45 * time.Second)
	w := httptest.NewRecorder()
	assert.False(t, l.Admit(w, r, "key", 2, tooMany))
	assert.Equal(t, http.StatusTooManyRequests, w.Code)
	assert.Equal(t, "15", w.Header().Get("Retry-After"), "the wait until the window resets")
	assert.JSONEq(t, `{"errorCode":"RATE_LIMITED","errorMessage":"slow down"}`, w.Body.String())
	assert.True(t, l.Admit(httptest.NewRecorder(), r, "other", 2, tooMany), "each key has its own count")
	assert.True(t, l.Admit(httptest.NewRecorder(), r, "key", 0, tooMany), "a limit of 0 never limits")
}
