package simkit

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hookReceiver answers the statuses it is given in turn, then 200, and
// keeps what it received.
type hookReceiver struct {
	mu       sync.Mutex
	statuses []int
	bodies   []string
	headers  []http.Header
}

func (rc *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.bodies = append(rc.bodies, string(b))
	rc.headers = append(rc.headers, r.Header.Clone())
	status := http.StatusOK
	if len(rc.statuses) > 0 {
		status, rc.statuses = rc.statuses[0], rc.statuses[1:]
	}
	w.WriteHeader(status)
}

func (rc *hookReceiver) received() ([]string, []http.Header) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.bodies...), append([]http.Header(nil), rc.headers...)
}

func outgoing(url, id string) Outgoing {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Sig", "sig-"+id)
	return Outgoing{EventID: id, EventType: "thing.updated", URL: url, Body: []byte(`{"id":"` + id + `"}`),
		Header: h, SignatureHeader: "X-Sig"}
}

func statuses(ds []Delivery) []int {
	out := make([]int, len(ds))
	for i, d := range ds {
		out[i] = d.Status
	}
	return out
}

func TestWebhooksRetryUntilSuccess(t *testing.T) {
	rc := &hookReceiver{statuses: []int{500, 503}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	w := NewWebhooks[string](WebhookConfig{Retries: []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}})
	defer w.Close()

	require.True(t, w.Record("e1"))
	w.Deliver(outgoing(srv.URL, "e1"))
	w.Wait()

	bodies, headers := rc.received()
	assert.Equal(t, []string{`{"id":"e1"}`, `{"id":"e1"}`, `{"id":"e1"}`}, bodies, "a retry sends the same body")
	assert.Equal(t, "sig-e1", headers[2].Get("X-Sig"))
	assert.Equal(t, "application/json", headers[2].Get("Content-Type"))
	ds := w.Deliveries()
	assert.Equal(t, []int{500, 503, 200}, statuses(ds))
	assert.Equal(t, Delivery{EventID: "e1", EventType: "thing.updated", Attempt: 3, Status: 200, Signature: "sig-e1"}, ds[2])
	assert.Equal(t, []string{"e1"}, w.Events())
}

// Which statuses end a delivery is the system's: Ecwid counts only 200,
// a system counting any 2xx stops at a 204.
func TestWebhooksSuccessIsTheSystems(t *testing.T) {
	for name, tc := range map[string]struct {
		success func(int) bool
		want    []int
	}{
		"only 200 (the default)": {nil, []int{204, 200}},
		"any 2xx":                {Any2xx, []int{204}},
	} {
		t.Run(name, func(t *testing.T) {
			rc := &hookReceiver{statuses: []int{204}}
			srv := httptest.NewServer(rc)
			defer srv.Close()
			w := NewWebhooks[string](WebhookConfig{Retries: []time.Duration{time.Millisecond}, Success: tc.success})
			defer w.Close()
			w.Deliver(outgoing(srv.URL, "e"))
			w.Wait()
			assert.Equal(t, tc.want, statuses(w.Deliveries()))
		})
	}
}

func TestWebhooksGiveUpAndLogUnreachable(t *testing.T) {
	rc := &hookReceiver{statuses: []int{500, 500, 500, 500}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	w := NewWebhooks[string](WebhookConfig{Retries: []time.Duration{time.Millisecond, time.Millisecond}})
	defer w.Close()
	w.Deliver(outgoing(srv.URL, "e"))
	w.Wait()
	assert.Equal(t, []int{500, 500, 500}, statuses(w.Deliveries()), "the first try and one per retry")

	w2 := NewWebhooks[string](WebhookConfig{})
	defer w2.Close()
	o := outgoing("http://127.0.0.1:1/none", "x")
	o.Header.Del("X-Sig")
	w2.Deliver(o)
	w2.Wait()
	ds := w2.Deliveries()
	require.Len(t, ds, 1, "no retries configured")
	assert.Equal(t, 0, ds[0].Status)
	assert.NotEmpty(t, ds[0].Err, "why it could not be reached")
	assert.Empty(t, ds[0].Signature, "no signature header sent")
}

func TestWebhooksHold(t *testing.T) {
	w := NewWebhooks[string](WebhookConfig{})
	defer w.Close()
	w.Hold(true)
	assert.False(t, w.Record("a"))
	assert.False(t, w.Record("b"))
	w.Hold(false)
	assert.True(t, w.Record("c"))
	assert.Equal(t, []string{"a", "b"}, w.TakeHeld())
	assert.Empty(t, w.TakeHeld(), "taken")
	assert.Equal(t, []string{"a", "b", "c"}, w.Events(), "held events are recorded too")
}

// Close stops a delivery waiting for its retry, and Deliver sends nothing
// afterwards.
func TestWebhooksCloseCancelsRetries(t *testing.T) {
	rc := &hookReceiver{statuses: []int{500}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	w := NewWebhooks[string](WebhookConfig{Retries: []time.Duration{time.Hour}})
	w.Deliver(outgoing(srv.URL, "e"))
	require.Eventually(t, func() bool { return len(w.Deliveries()) == 1 }, 5*time.Second, time.Millisecond)

	closed := make(chan struct{})
	go func() { w.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited for the hour-long retry")
	}
	w.Deliver(outgoing(srv.URL, "late"))
	w.Wait()
	assert.Len(t, w.Deliveries(), 1)
	bodies, _ := rc.received()
	assert.Len(t, bodies, 1)
}
