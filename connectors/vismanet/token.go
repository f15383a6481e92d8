package vismanet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/httpkit"
)

// Visma Connect's token endpoint (§3.2): client credentials, tenant_id and
// the scopes in a form body. httpkit.OAuth2 (golang.org/x/oauth2) asks for
// the token and keeps it; tokenTransport, below it, sends the request as
// Visma documents it and reads the answer itself, because x/oauth2 reports
// everything but a well-formed OAuth error as "the token endpoint did not
// answer": a 429 or 503 of a proxy, an answer cut off or not a token. The
// failure it makes carries the kind and the setting to fix; the client
// brings it to the surface (surfaceTokenFailure).
//
//	invalid_scope                    config: options.scopes
//	a tenant the endpoint refuses    config: credentials.tenantId [L]
//	invalid_client, other refusals   auth: the client id and secret
//	429                              rate limited, with Retry-After
//	5xx, cut off, not a token        unavailable

type tokenTransport struct {
	next              http.RoundTripper
	tokenURL          *url.URL
	now               func() time.Time
	defaultRetryAfter time.Duration
	observe           connectors.CallObserver
}

// maxTokenAnswer bounds the token answer read.
const maxTokenAnswer = 1 << 20

// errBasicDeclined ends x/oauth2's first attempt, the credentials in a Basic
// header, before it is sent: Visma documents them in the form (§3.2), and a
// refused attempt would be a second token call for every token.
var errBasicDeclined = errors.New("Visma Connect takes the client credentials in the form body")

// tokenFailure is a token request the endpoint refused or could not serve.
type tokenFailure struct{ err *connectors.Error }

func (f *tokenFailure) Error() string { return f.err.Error() }

func (t *tokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPost || req.URL.Host != t.tokenURL.Host || req.URL.Path != t.tokenURL.Path {
		return t.next.RoundTrip(req)
	}
	if _, _, basic := req.BasicAuth(); basic {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, errBasicDeclined
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		t.report(0, start, err)
		return nil, err // no answer: httpkit reports it as unavailable
	}
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxTokenAnswer))
	_ = resp.Body.Close()
	if fail := t.check(resp, body, readErr); fail != nil {
		t.report(resp.StatusCode, start, fail.err)
		return nil, fail
	}
	t.report(resp.StatusCode, start, nil)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	resp.Header.Set("Content-Type", "application/json") // checked JSON: x/oauth2 reads it as such
	return resp, nil
}

func (t *tokenTransport) report(status int, start time.Time, err error) {
	if t.observe != nil {
		t.observe(System, OpToken, status, time.Since(start), err)
	}
}

// oauthError is an OAuth2 error answer.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// check reads the token answer; nil means it holds a token.
func (t *tokenTransport) check(resp *http.Response, body []byte, readErr error) *tokenFailure {
	fail := func(kind connectors.ErrorKind, code, msg string) *tokenFailure {
		return &tokenFailure{&connectors.Error{Kind: kind, System: System, Op: OpToken, Status: resp.StatusCode, Code: code,
			Message: "the token endpoint " + t.tokenURL.Redacted() + " " + msg}}
	}
	status := resp.StatusCode
	if readErr != nil {
		return fail(connectors.KindUnavailable, "", "answered, but the answer was cut off")
	}
	if status >= 200 && status <= 299 {
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
			return fail(connectors.KindUnavailable, "", "answered without an access token (not the token JSON)")
		}
		return nil
	}
	var oe oauthError
	_ = json.Unmarshal(body, &oe)
	refused := "refused"
	if oe.Error != "" {
		refused += ": " + oe.Error
		if d := strings.TrimSpace(oe.Description); d != "" {
			refused += " (" + d + ")"
		}
	}
	lower := strings.ToLower(oe.Error + " " + oe.Description)
	switch {
	case status == http.StatusTooManyRequests:
		f := fail(connectors.KindRateLimited, oe.Error, "refuses token requests for now (HTTP 429)")
		f.err.RetryAfter = httpkit.RetryAfter(resp.Header.Get("Retry-After"), t.now(), t.defaultRetryAfter)
		return f
	case status >= 500 || status == http.StatusRequestTimeout:
		return fail(connectors.KindUnavailable, oe.Error, fmt.Sprintf("failed (HTTP %d)", status))
	case strings.Contains(lower, "invalid_scope"):
		return fail(connectors.KindConfig, oe.Error, refused+"; check options.scopes: the application must have these scopes for Visma.net ERP in the Visma Developer Portal")
	case strings.Contains(lower, "tenant"):
		return fail(connectors.KindConfig, oe.Error, refused+"; check credentials.tenantId: it is the id of the company that approved the application in the Visma App Store")
	case oe.Error != "" || status == http.StatusUnauthorized || status == http.StatusForbidden:
		return fail(connectors.KindAuth, oe.Error, refused+"; check credentials.clientId and credentials.clientSecret (the service application in the Visma Developer Portal)")
	}
	return fail(connectors.KindConfig, "", fmt.Sprintf("answered HTTP %d without an OAuth2 error; check options.tokenURL", status))
}

// surfaceTokenFailure brings the token transport's reading of a failed
// token request to the surface: httpkit reports any trouble getting a token
// as the token endpoint not answering.
func (c *Client) surfaceTokenFailure(err error, op string) error {
	var tf *tokenFailure
	if !errors.As(err, &tf) {
		return err
	}
	e := *tf.err
	e.Op = op
	scrub := httpkit.Secrets(c.cfg.ClientSecret)
	e.Message, e.Detail = scrub(e.Message), ""
	return &e
}
