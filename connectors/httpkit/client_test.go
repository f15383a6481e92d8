package httpkit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	assert.Equal(t, 7*time.Second, RetryAfter("7", now, time.Minute))
	assert.Equal(t, 30*time.Second, RetryAfter(now.Add(30*time.Second).Format(http.TimeFormat), now, time.Minute))
	assert.Equal(t, time.Duration(0), RetryAfter(now.Add(-time.Hour).Format(http.TimeFormat), now, time.Minute))
	assert.Equal(t, time.Minute, RetryAfter("", now, time.Minute))
	assert.Equal(t, time.Minute, RetryAfter("soon", now, time.Minute))
	assert.Equal(t, time.Minute, RetryAfter("-3", now, time.Minute))
}

type observed struct {
	mu    sync.Mutex
	calls []string
}

func (o *observed) observe(system, op string, status int, _ time.Duration, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, fmt.Sprintf("%s %s %d %s", system, op, status, connectors.KindOf(err)))
}

func TestStatusesMapToKinds(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		status     int
		header     string
		kind       connectors.ErrorKind
		retryAfter time.Duration
	}{
		{400, "", connectors.KindValidation, 0},
		{422, "", connectors.KindValidation, 0},
		{401, "", connectors.KindAuth, 0},
		{403, "", connectors.KindAuth, 0},
		{404, "", connectors.KindNotFound, 0},
		{409, "", connectors.KindConflict, 0},
		{429, "12", connectors.KindRateLimited, 12 * time.Second},
		{429, now.Add(time.Minute).Format(http.TimeFormat), connectors.KindRateLimited, time.Minute},
		{429, "", connectors.KindRateLimited, 45 * time.Second},
		{500, "", connectors.KindUnavailable, 0},
		{503, "", connectors.KindUnavailable, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status, tt.header), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.header != "" {
					w.Header().Set("Retry-After", tt.header)
				}
				w.WriteHeader(tt.status)
			}))
			defer srv.Close()
			var obs observed
			c := New(Config{System: "shop", BaseURL: srv.URL, DefaultRetryAfter: 45 * time.Second, Observe: obs.observe, Now: func() time.Time { return now }})
			_, err := c.Do(context.Background(), Request{Op: "list orders", ErrOp: "GET /orders/", Method: http.MethodGet, URL: "/orders/"})
			var ce *connectors.Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.kind, ce.Kind)
			assert.Equal(t, tt.status, ce.Status)
			assert.Equal(t, tt.retryAfter, ce.RetryAfter)
			assert.Equal(t, http.StatusText(tt.status), ce.Message, "without a readable body, the status's text")
			assert.True(t, strings.HasPrefix(err.Error(), "shop GET /orders/: "), err.Error())
			assert.Equal(t, []string{fmt.Sprintf("shop list orders %d %s", tt.status, tt.kind)}, obs.calls)
		})
	}
}

// An outside error quoting an e-mail and a name reaches Error() without
// them; the full text stays on Detail for encrypted storage, never a secret.
func TestOutsideErrorHidesPersonalData(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = io.WriteString(w, `{"code":"422.5","message":"customer Jan Visser (jan@example.nl) exists; key s3cr3t-key"}`)
	}))
	defer srv.Close()
	c := New(Config{System: "shop", BaseURL: srv.URL, Scrub: Secrets("s3cr3t-key"),
		ReadError: func(r *Response) (connectors.ErrorKind, string, string) {
			var body struct{ Code, Message string }
			_ = json.Unmarshal(r.Body, &body)
			return connectors.KindConflict, body.Code, body.Message
		}})
	_, err := c.Do(context.Background(), Request{Op: "create customer", Method: http.MethodPost, URL: "/customers/",
		Body: []byte(`{}`), Personal: []string{"Jan Visser"}})
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindConflict, ce.Kind, "the reader's kind wins over the status's")
	assert.Equal(t, "422.5", ce.Code)
	assert.Equal(t, "shop create customer: conflict (HTTP 422 422.5): customer [redacted] ([redacted]) exists; key [secret]", err.Error())
	assert.Equal(t, "customer Jan Visser (jan@example.nl) exists; key [secret]", ce.Detail)
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", err, err, err), "jan@example.nl")
}

func TestAnswerSizeIsBounded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, strings.Repeat("x", 1024+len(r.URL.Query().Get("extra"))))
	}))
	defer srv.Close()
	c := New(Config{System: "shop", BaseURL: srv.URL, MaxResponseBytes: 1024})
	resp, err := c.Do(context.Background(), Request{Op: "get", Method: http.MethodGet, URL: "/"})
	require.NoError(t, err)
	assert.Len(t, resp.Body, 1024, "an answer of exactly the limit is read whole")
	_, err = c.Do(context.Background(), Request{Op: "get", Method: http.MethodGet, URL: "/?extra=1"})
	assert.True(t, connectors.IsKind(err, connectors.KindUnavailable), "%v", err)
	assert.ErrorContains(t, err, "larger than 1024 bytes")
}

func TestTimeoutAndRefusedAreUnavailable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond)
	}))
	defer srv.Close()
	c := New(Config{System: "shop", BaseURL: srv.URL, Timeout: 20 * time.Millisecond, Scrub: Secrets("topsecret")})
	_, err := c.Do(context.Background(), Request{Op: "get", Method: http.MethodGet, URL: "/?key=topsecret"})
	assert.True(t, connectors.IsKind(err, connectors.KindUnavailable), "%v", err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "the cause stays reachable: %v", err)
	assert.NotContains(t, err.Error(), "topsecret")
	assert.Contains(t, err.Error(), "key=[secret]")

	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	c = New(Config{System: "shop", BaseURL: closed.URL})
	_, err = c.Do(context.Background(), Request{Op: "get", Method: http.MethodGet, URL: "/"})
	assert.True(t, connectors.IsKind(err, connectors.KindUnavailable), "%v", err)
}

// Decode's error is the call's, and the observer sees it; headers and the
// exact request URI reach it.
func TestDecodeAndHeaders(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Header().Set("X-Answer", "yes")
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()
	var obs observed
	c := New(Config{System: "shop", BaseURL: srv.URL, Accept: "application/vnd.x+json", ContentType: "application/json", Observe: obs.observe})
	bad := &connectors.Error{Kind: connectors.KindUnavailable, Message: "not JSON"}
	_, err := c.Do(context.Background(), Request{Op: "post", Method: http.MethodPost, URL: "/a/b/?q=1%202", Body: []byte("{}"),
		Header: http.Header{"X-Extra": {"1"}},
		Decode: func(r *Response) error {
			assert.Equal(t, "/a/b/?q=1%202", r.RequestURI)
			assert.Equal(t, "yes", r.Header.Get("X-Answer"))
			return bad
		}})
	assert.Same(t, bad, err)
	assert.Equal(t, "application/vnd.x+json", got.Get("Accept"))
	assert.Equal(t, "application/json", got.Get("Content-Type"))
	assert.Equal(t, "1", got.Get("X-Extra"))
	assert.Equal(t, []string{"shop post 200 unavailable"}, obs.calls)

	_, err = c.Do(context.Background(), Request{Op: "get", Method: http.MethodGet, URL: "/"})
	require.NoError(t, err)
	assert.Empty(t, got.Get("Content-Type"), "no body, no content type")
}

func TestLimiterWaitIsObserved(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	var obs observed
	p := SharedPacer(CredentialKey("test", srv.URL, t.Name()), Limits{Total: PerMinute(1200)})
	c := New(Config{System: "shop", BaseURL: srv.URL, Pacer: p, Observe: obs.observe})
	for range 12 { // a burst of 10, then one every 50 ms
		_, err := c.Do(context.Background(), Request{Op: "get", Method: http.MethodGet, URL: "/"})
		require.NoError(t, err)
	}
	assert.Contains(t, obs.calls, "shop "+connectors.OpLimiterWait+" 0 ")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Do(ctx, Request{Op: "get", Method: http.MethodGet, URL: "/"})
	assert.True(t, connectors.IsKind(err, connectors.KindUnavailable), "%v", err)
	assert.ErrorContains(t, err, "waiting for the rate limiter")
}

// pacedCallAfterBurst calls a server through a pacer of perMinute calls a
// minute: one call takes the burst, then one more with timeout, whose error
// it returns with the number of calls the server saw.
func pacedCallAfterBurst(t *testing.T, perMinute int, timeout time.Duration) (*connectors.Error, int64) {
	t.Helper()
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { served.Add(1) }))
	defer srv.Close()
	p := SharedPacer(CredentialKey("test", srv.URL, t.Name()), Limits{Total: PerMinute(perMinute)})
	c := New(Config{System: "shop", BaseURL: srv.URL, Pacer: p})
	_, err := c.Do(context.Background(), Request{Op: "get", Method: http.MethodGet, URL: "/"})
	require.NoError(t, err, "the burst")

	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	_, err = c.Do(ctx, Request{Op: "get", Method: http.MethodGet, URL: "/"})
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Less(t, time.Since(start), time.Second, "refused at once")
	return ce, served.Load()
}

// A call whose turn at this process's limiter comes after its deadline is
// refused at once, before anything is sent, as the worker's own queue and
// not as the system's 429: another worker may send it now.
func TestCallBeyondTheLimiterQueueIsRefusedAsOurOwn(t *testing.T) {
	ce, served := pacedCallAfterBurst(t, 2, 10*time.Second)
	assert.Equal(t, connectors.KindRateLimited, ce.Kind)
	assert.Equal(t, connectors.CodeLimiterQueue, ce.Code)
	assert.Zero(t, ce.Status, "no answer: nothing was sent")
	// Its turn is a minute away (2 a minute: 1 at once, 1 spread) and it
	// could wait 7.5 of its 10 s: back a half to three quarters of that
	// before its turn, not at once.
	assert.Greater(t, ce.RetryAfter, 54*time.Second)
	assert.LessOrEqual(t, ce.RetryAfter, 56250*time.Millisecond)
	assert.Equal(t, int64(1), served)
}

// A call keeps a quarter of its time for itself and what follows it: one
// whose turn comes 10 s from now (7 a minute: 1 at once, 6 spread) with 12 s
// to go is refused (it may wait 9), instead of answering at the last moment
// or failing on its deadline.
func TestCallKeepsPartOfItsTimeForTheAnswer(t *testing.T) {
	ce, _ := pacedCallAfterBurst(t, 7, 12*time.Second)
	assert.Equal(t, connectors.CodeLimiterQueue, ce.Code)
}

// A redirect on the same host is followed, signed again; one to another host
// is not, so the other host never receives a key or a token.
func TestRedirectsStayOnTheHost(t *testing.T) {
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	var signed []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		signed = append(signed, r.URL.Path+" "+r.Header.Get("Authorization"))
		switch r.URL.Path {
		case "/old":
			http.Redirect(w, r, "/new", http.StatusMovedPermanently)
		case "/away":
			http.Redirect(w, r, other.URL+"/steal", http.StatusFound)
		}
	}))
	defer srv.Close()
	c := New(Config{System: "shop", BaseURL: srv.URL, Auth: Bearer("tok")})
	_, err := c.Do(context.Background(), Request{Op: "get", Method: http.MethodGet, URL: "/old"})
	require.NoError(t, err)
	assert.Equal(t, []string{"/old Bearer tok", "/new Bearer tok"}, signed)

	_, err = c.Do(context.Background(), Request{Op: "get", Method: http.MethodGet, URL: "/away"})
	assert.True(t, connectors.IsKind(err, connectors.KindConfig), "%v", err)
	assert.ErrorContains(t, err, "Found to "+other.URL+"/steal; set the base URL")
	assert.Zero(t, elsewhere.Load())
}

// Calls refused at one moment for one queue come back spread over a
// quarter of their deadline, between a half and three quarters of a
// deadline before their turn, never sooner than a second.
func TestQueueComebackIsSpread(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 100 {
		got := queueComeback(3*time.Minute, time.Minute)
		assert.LessOrEqual(t, got, 150*time.Second)
		assert.Greater(t, got, 135*time.Second)
		seen[got] = true
	}
	assert.Greater(t, len(seen), 50, "not all at one moment")
	assert.Equal(t, time.Second, queueComeback(10*time.Second, time.Minute))
}
