// Package httpkit is the HTTP transport REST connectors share (and the SOAP
// client of mplus uses in part): one Client per outside system that paces
// calls per credential across the whole worker fleet (pacer.go), signs or
// authorises requests with an http.RoundTripper (auth.go: CCV's HMAC
// headers, OAuth2 through golang.org/x/oauth2, a static bearer token),
// bounds each call's time and answer size, reports every call to a
// connectors.CallObserver, and turns failures into *connectors.Error with
// secrets and personal data scrubbed from the outside system's texts.
// Connectors never import Temporal, and neither does this package.
package httpkit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
)

// Defaults.
const (
	// DefaultTimeout bounds one call, answer included.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxResponseBytes bounds one answer's body.
	DefaultMaxResponseBytes = 10 << 20
)

// Config configures a Client.
type Config struct {
	// System names the system in errors and observations ("ccvshop").
	System string
	// BaseURL is prefixed to request URLs that start with "/"; it is
	// scheme://host with an optional path and no trailing slash.
	BaseURL string
	// Timeout bounds one call from sending to the last byte of the answer;
	// 0 means DefaultTimeout. It must stay shorter than the start-to-close
	// timeout of the activity making the call, so that a slow system ends
	// in a typed error the retry policy understands instead of the
	// activity's own timeout.
	Timeout time.Duration
	// MaxResponseBytes bounds an answer's body; 0 means
	// DefaultMaxResponseBytes. A larger answer is a KindUnavailable error.
	MaxResponseBytes int64
	// Accept is sent with every request; ContentType with every body.
	Accept, ContentType string
	// Auth signs or authorises every request (Signing, OAuth2, Bearer); nil
	// sends requests as they are.
	Auth Auth
	// Transport carries the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Pacer paces the calls; nil means none.
	Pacer *Pacer
	// Observe is told about every call and every wait for the pacer.
	Observe connectors.CallObserver
	// Scrub removes secrets from any text that leaves the client (error
	// messages, the URL of a failed call); nil means Secrets() of none.
	Scrub func(string) string
	// ReadError reads a failed answer (a status outside 2xx): the kind, ""
	// for the status's own (connectors.KindForStatus), the system's code and
	// its readable text. nil reads nothing: the status's kind and text.
	ReadError func(*Response) (kind connectors.ErrorKind, code, text string)
	// RetryAfterText reads the wait from a rate-limited answer's text (the
	// text ReadError gave), for a system that says it there and sends no
	// Retry-After; 0 when the text names none. It wins over the header.
	RetryAfterText func(text string) time.Duration
	// DefaultRetryAfter is the wait reported when a rate-limited answer
	// carries no usable Retry-After.
	DefaultRetryAfter time.Duration
	// Now is the clock Retry-After dates are read against; nil means time.Now.
	Now func() time.Time
}

// Client makes the calls of one system. It is safe for concurrent use.
type Client struct {
	cfg  Config
	http *http.Client
}

// New builds a client; it applies the defaults of cfg.
func New(cfg Config) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if cfg.Scrub == nil {
		cfg.Scrub = Secrets()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	rt := cfg.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	if cfg.Auth != nil {
		rt = cfg.Auth(rt)
	}
	return &Client{cfg: cfg, http: &http.Client{Transport: rt, Timeout: cfg.Timeout, CheckRedirect: sameHost}}
}

// sameHost follows redirects on the configured host only: the auth
// round-tripper signs or authorises every hop, and another host must never
// receive a key, signature or token. A redirect elsewhere is returned as the
// answer, a config error naming where it points.
func sameHost(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 || req.URL.Host != via[0].URL.Host {
		return http.ErrUseLastResponse
	}
	return nil
}

// Request is one call.
type Request struct {
	// Op names the call for the observer ("list orders").
	Op string
	// ErrOp names it in errors; "" means Op. CCV uses the method and path,
	// so the operator sees which record failed.
	ErrOp  string
	Method string
	// URL is a path with query (prefixed with Config.BaseURL) or an
	// absolute URL.
	URL    string
	Body   []byte
	Header http.Header
	// Class and Bucket select the pacer's limit (Limits.Classes) and what it
	// counts in (CCV: "read", "orders"); the total applies to every call.
	Class, Bucket string
	// Personal are values of the record the call is about (names, street
	// lines, postal codes, cities) to scrub from the system's texts, beside
	// the e-mail addresses, phone numbers and IBANs always scrubbed.
	Personal []string
	// Decode reads a successful (2xx) answer; its error is the call's. nil
	// accepts every successful answer.
	Decode func(*Response) error
}

// Response is an answer that arrived.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// RequestURI is the path and query the answer is for, exactly as sent.
	RequestURI string
}

// Do makes one call: it waits for the pacer, sends the request through the
// auth round-tripper, reads the answer (at most MaxResponseBytes), maps a
// failure to a *connectors.Error and reports the call to the observer.
func (c *Client) Do(ctx context.Context, r Request) (*Response, error) {
	op := r.ErrOp
	if op == "" {
		op = r.Op
	}
	if c.cfg.Pacer != nil {
		waitCtx, budget, cancel := waitBudget(ctx)
		waited, err := c.cfg.Pacer.Wait(waitCtx, r.Class, r.Bucket)
		cancel()
		if waited > time.Millisecond && c.cfg.Observe != nil {
			c.cfg.Observe(c.cfg.System, connectors.OpLimiterWait, 0, waited, nil)
		}
		var queued *QueueError
		if errors.As(err, &queued) {
			retry := time.Second
			if budget > 0 {
				retry = queueComeback(queued.Wait, budget)
			}
			return nil, &connectors.Error{Kind: connectors.KindRateLimited, System: c.cfg.System, Op: op,
				Code: connectors.CodeLimiterQueue, Message: "waiting for the rate limiter: " + err.Error(), RetryAfter: retry, Err: err}
		}
		if err != nil {
			return nil, &connectors.Error{Kind: connectors.KindUnavailable, System: c.cfg.System, Op: op,
				Message: "waiting for the rate limiter: " + err.Error(), Err: err}
		}
	}
	start := time.Now()
	resp, err := c.roundTrip(ctx, op, r)
	if err == nil && r.Decode != nil {
		err = r.Decode(resp)
	}
	if c.cfg.Observe != nil {
		status := 0
		if resp != nil {
			status = resp.Status
		}
		c.cfg.Observe(c.cfg.System, r.Op, status, time.Since(start), err)
	}
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// roundTrip sends the request and reads the answer. A failed answer is
// returned with its error, so the observer sees its status.
func (c *Client) roundTrip(ctx context.Context, op string, r Request) (*Response, error) {
	u := r.URL
	if strings.HasPrefix(u, "/") {
		u = c.cfg.BaseURL + u
	}
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body) // replayable: http.Client resends it on a redirect
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u, body)
	if err != nil {
		return nil, &connectors.Error{Kind: connectors.KindValidation, System: c.cfg.System, Op: op,
			Message: "the request cannot be made: " + c.cfg.Scrub(err.Error())}
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	if c.cfg.Accept != "" && req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", c.cfg.Accept)
	}
	if r.Body != nil && c.cfg.ContentType != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", c.cfg.ContentType)
	}
	hr, err := c.http.Do(req)
	if err != nil {
		return nil, c.transportError(op, r.Method, req.URL, err)
	}
	defer hr.Body.Close()
	resp := &Response{Status: hr.StatusCode, Header: hr.Header, RequestURI: hr.Request.URL.RequestURI()}
	resp.Body, err = io.ReadAll(io.LimitReader(hr.Body, c.cfg.MaxResponseBytes+1))
	switch {
	case err != nil:
		return resp, &connectors.Error{Kind: connectors.KindUnavailable, System: c.cfg.System, Op: op, Status: resp.Status,
			Message: "the answer was cut off: " + c.cfg.Scrub(err.Error()), Err: scrubbed(c.cfg.Scrub, err)}
	case int64(len(resp.Body)) > c.cfg.MaxResponseBytes:
		return resp, &connectors.Error{Kind: connectors.KindUnavailable, System: c.cfg.System, Op: op, Status: resp.Status,
			Message: fmt.Sprintf("the answer is larger than %d bytes, the most this client reads", c.cfg.MaxResponseBytes)}
	case resp.Status < 200 || resp.Status > 299:
		return resp, c.statusError(op, resp, r.Personal)
	}
	return resp, nil
}

// statusError maps a failed answer to an error of its kind, with the
// system's text scrubbed.
func (c *Client) statusError(op string, resp *Response, personal []string) *connectors.Error {
	var kind connectors.ErrorKind
	var code, text string
	if c.cfg.ReadError != nil {
		kind, code, text = c.cfg.ReadError(resp)
	}
	if kind == "" {
		kind = connectors.KindForStatus(resp.Status)
	}
	if strings.TrimSpace(text) == "" {
		text = http.StatusText(resp.Status)
		if loc := resp.Header.Get("Location"); resp.Status >= 300 && resp.Status < 400 && loc != "" {
			text += " to " + loc + "; set the base URL to the address the system answers on"
		}
	}
	e := c.outsideError(kind, op, resp.Status, code, text, personal...)
	if e.Kind == connectors.KindRateLimited && e.RetryAfter == 0 && c.cfg.RetryAfterText != nil {
		e.RetryAfter = c.cfg.RetryAfterText(text)
	}
	if e.Kind == connectors.KindRateLimited && e.RetryAfter == 0 {
		e.RetryAfter = RetryAfter(resp.Header.Get("Retry-After"), c.cfg.Now(), c.cfg.DefaultRetryAfter)
	}
	return e
}

// outsideError builds an error around a text the outside system sent, its
// secrets and personal data (ScrubPersonal with personal) replaced.
func (c *Client) outsideError(kind connectors.ErrorKind, op string, status int, code, text string, personal ...string) *connectors.Error {
	e := &connectors.Error{Kind: kind, System: c.cfg.System, Op: op, Status: status, Code: c.cfg.Scrub(code)}
	return e.WithOutsideText(c.cfg.Scrub(text), personal...)
}

// transportError covers timeouts, refused connections, answers cut off
// before the status line and errors of the auth round-tripper (which come
// typed). No text holds a secret, and errors.Is still finds the cause
// (context.DeadlineExceeded).
func (c *Client) transportError(op, method string, u *url.URL, err error) *connectors.Error {
	var ce *connectors.Error
	if errors.As(err, &ce) { // from the auth round-tripper: auth or config
		e := *ce
		e.System, e.Op, e.Message, e.Detail = c.cfg.System, op, c.cfg.Scrub(ce.Message), ""
		return &e
	}
	cause := err
	var uerr *url.Error
	if errors.As(err, &uerr) {
		cause = uerr.Err
	}
	msg := c.cfg.Scrub(fmt.Sprintf("no answer to %s %s: %v", method, u.Redacted(), cause))
	return &connectors.Error{Kind: connectors.KindUnavailable, System: c.cfg.System, Op: op,
		Message: msg, Err: &scrubbedError{msg: msg, cause: cause}}
}

// Secrets returns a scrubber that replaces each non-empty secret, as written
// and URL-escaped, with [secret].
func Secrets(secrets ...string) func(string) string {
	var forms []string
	for _, s := range secrets {
		if s != "" {
			forms = append(forms, s, url.QueryEscape(s), url.PathEscape(s))
		}
	}
	return func(text string) string {
		for _, f := range forms {
			text = strings.ReplaceAll(text, f, "[secret]")
		}
		return text
	}
}

func scrubbed(scrub func(string) string, err error) error {
	return &scrubbedError{msg: scrub(err.Error()), cause: err}
}

// scrubbedError keeps errors.Is(err, context.DeadlineExceeded) working while
// its text never holds a secret.
type scrubbedError struct {
	msg   string
	cause error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.cause }

// waitBudget is how long a call may wait for its turn: until a quarter of
// its remaining time (at most maxAnswerReserve) before its deadline. The
// rest is for the call itself and what the step does after it (an order's
// rows after the order): a call that waited to the last moment failed on
// its deadline after all, and its step read the order again on the retry.
// budget is 0 when ctx has no deadline.
func waitBudget(ctx context.Context) (context.Context, time.Duration, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return ctx, 0, func() {}
	}
	left := time.Until(deadline)
	budget := left - min(left/4, maxAnswerReserve)
	wctx, cancel := context.WithDeadline(ctx, deadline.Add(budget-left))
	return wctx, budget, cancel
}

// maxAnswerReserve caps the time a waiting call keeps for itself.
const maxAnswerReserve = 15 * time.Second

// queueComeback is when a call refused for a queue of wait, which could
// wait d, should come back: when the queue is a half to three quarters of d
// from its turn, so it then waits in line briefly instead of
// failing again. The spread keeps the many calls refused at one moment from
// all coming back at one moment, leaving the queue empty while the server
// catches up with them.
func queueComeback(wait, d time.Duration) time.Duration {
	spread := time.Duration(0)
	if d >= 4 {
		spread = rand.N(d / 4)
	}
	return max(wait-d/2-spread, time.Second)
}
