package simkit

import (
	"cmp"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// JSONWriter writes one system's JSON answers. Only the plumbing is
// shared: the media type, the error body and any response signature are
// the system's, so a client mistake still meets the real wire shape.
type JSONWriter struct {
	// ContentType is the system's JSON media type; "" means
	// "application/json; charset=utf-8".
	ContentType string
	// Sign, when set, adds headers computed over the exact body bytes
	// (an empty body for Empty), for systems that sign their responses.
	Sign func(h http.Header, r *http.Request, body []byte)
	// ErrorBody builds the system's error body from a status, the
	// system's error code and a message.
	ErrorBody func(r *http.Request, status int, code, message string) any
}

// JSON sends v as the body.
func (jw JSONWriter) JSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", cmp.Or(jw.ContentType, "application/json; charset=utf-8"))
	if jw.Sign != nil {
		jw.Sign(w.Header(), r, b)
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Empty answers without a body (204, or a write that returns nothing).
func (jw JSONWriter) Empty(w http.ResponseWriter, r *http.Request, status int) {
	if jw.Sign != nil {
		jw.Sign(w.Header(), r, nil)
	}
	w.WriteHeader(status)
}

// Error sends the system's error body.
func (jw JSONWriter) Error(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	jw.JSON(w, r, status, jw.ErrorBody(r, status, code, message))
}

// TooManyRequests is the rate-limit answer: 429 with Retry-After and the
// system's error body. A message may quote the wait with RetryAfterSeconds.
func (jw JSONWriter) TooManyRequests(w http.ResponseWriter, r *http.Request, wait time.Duration, code, message string) {
	SetRetryAfter(w.Header(), wait)
	jw.Error(w, r, http.StatusTooManyRequests, code, message)
}

// RetryAfterSeconds is a wait in the whole seconds Retry-After carries,
// rounded up and at least one: a client told 0 would retry at once.
func RetryAfterSeconds(wait time.Duration) int {
	return max(1, int((wait+time.Second-1)/time.Second))
}

// SetRetryAfter sets the Retry-After header to wait in seconds.
func SetRetryAfter(h http.Header, wait time.Duration) {
	h.Set("Retry-After", strconv.Itoa(RetryAfterSeconds(wait)))
}
