package httpkit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/koppel/koppel/connectors"
)

// Auth wraps the transport with what a system asks of every request.
type Auth func(next http.RoundTripper) http.RoundTripper

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Signer adds a request's signature headers. body is exactly the bytes sent
// (nil when there are none); the request URI to sign is req.URL.RequestURI(),
// which is what goes on the request line.
type Signer func(req *http.Request, body []byte) error

// Signing signs every request with sign (CCV Shop's HMAC headers).
func Signing(sign Signer) Auth {
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			body, err := replayBody(req)
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context()) // a round-tripper must not change its request
			if body != nil {
				req.Body = io.NopCloser(bytes.NewReader(body))
			}
			if err := sign(req, body); err != nil {
				return nil, err
			}
			return next.RoundTrip(req)
		})
	}
}

// Bearer sends a static token (an API token that does not expire).
func Bearer(token string) Auth {
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			req = req.Clone(req.Context())
			req.Header.Set("Authorization", "Bearer "+token)
			return next.RoundTrip(req)
		})
	}
}

// OAuth2Config configures the OAuth2 grants. Tokens come from
// golang.org/x/oauth2, the well-kept library for them.
type OAuth2Config struct {
	TokenURL     string
	ClientID     string
	ClientSecret string
	Scopes       []string
	// RefreshToken selects the refresh-token grant (for a system that hands
	// one out at consent, like Visma eAccounting); empty selects client
	// credentials (Shopware, Visma.net).
	RefreshToken string
	// EndpointParams are sent with every token request beside the grant's own.
	EndpointParams url.Values
	// OnToken is told about every new token, so a rotating refresh token can
	// be stored before the old one stops working; nil ignores them.
	OnToken func(*oauth2.Token)
	// Timeout bounds one token request; 0 means DefaultTimeout.
	Timeout time.Duration
}

// OAuth2 authorises every request with a token of the configured grant. The
// token is reused until it expires; when the system answers 401 anyway (it
// revoked the token, or its clock runs ahead), the token is renewed once and
// the request sent once more. A second 401 is returned as it is, for the
// client to report as KindAuth. A token endpoint that refuses is a KindAuth
// error; one that answers something else than a token, a KindConfig error.
func OAuth2(cfg OAuth2Config) Auth {
	return func(next http.RoundTripper) http.RoundTripper {
		t := &oauthTransport{cfg: cfg, next: next, refresh: cfg.RefreshToken}
		if cfg.Timeout <= 0 {
			t.cfg.Timeout = DefaultTimeout
		}
		return t
	}
}

type oauthTransport struct {
	cfg  OAuth2Config
	next http.RoundTripper

	mu      sync.Mutex // one token request at a time; the others wait for its token
	token   *oauth2.Token
	refresh string // the newest refresh token
}

func (t *oauthTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return sendWithToken(t.next, req, t.current)
}

// BearerFrom is an Auth that takes every request's access token from
// token, which hands out the current one (rejected is "") or, after the
// system answered 401 with rejected, another one. Token keeping is the
// caller's (Visma eAccounting's single-use refresh tokens live in a
// workflow); the 401 handling is OAuth2's.
func BearerFrom(token func(ctx context.Context, rejected string) (string, error)) Auth {
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) { return sendWithToken(next, req, token) })
	}
}

// sendWithToken sends req with a bearer token from token; when the system
// answers 401 anyway (it revoked the token, or its clock runs ahead), it
// asks for another once, naming the rejected one, and sends the request
// once more. A second 401 is returned as it is, for the client to report
// as KindAuth.
func sendWithToken(next http.RoundTripper, req *http.Request, token func(ctx context.Context, rejected string) (string, error)) (*http.Response, error) {
	body, err := replayBody(req)
	if err != nil {
		return nil, err
	}
	send := func(tok string) (*http.Response, error) {
		r := req.Clone(req.Context()) // a round-tripper must not change its request
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		r.Header.Set("Authorization", "Bearer "+tok)
		return next.RoundTrip(r)
	}
	tok, err := token(req.Context(), "")
	if err != nil {
		return nil, err
	}
	resp, err := send(tok)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	_ = resp.Body.Close()
	if tok, err = token(req.Context(), tok); err != nil {
		return nil, err
	}
	return send(tok)
}

// current returns the cached access token, or a new one when there is
// none, it expired, or it is rejected (the token a 401 came back with).
func (t *oauthTransport) current(ctx context.Context, rejected string) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != nil && t.token.Valid() && (rejected == "" || t.token.AccessToken != rejected) {
		return t.token.AccessToken, nil
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Transport: t.next, Timeout: t.cfg.Timeout})
	var tok *oauth2.Token
	var err error
	if t.refresh != "" {
		conf := &oauth2.Config{ClientID: t.cfg.ClientID, ClientSecret: t.cfg.ClientSecret, Scopes: t.cfg.Scopes,
			Endpoint: oauth2.Endpoint{TokenURL: t.cfg.TokenURL}}
		tok, err = conf.TokenSource(ctx, &oauth2.Token{RefreshToken: t.refresh}).Token()
	} else {
		cc := &clientcredentials.Config{ClientID: t.cfg.ClientID, ClientSecret: t.cfg.ClientSecret, Scopes: t.cfg.Scopes,
			TokenURL: t.cfg.TokenURL, EndpointParams: t.cfg.EndpointParams}
		tok, err = cc.Token(ctx)
	}
	if err != nil {
		t.token = nil
		return "", tokenError(t.cfg.TokenURL, err)
	}
	t.token = tok
	if tok.RefreshToken != "" {
		t.refresh = tok.RefreshToken
	}
	if t.cfg.OnToken != nil {
		t.cfg.OnToken(tok)
	}
	return tok.AccessToken, nil
}

// tokenError says what the token endpoint's answer means for the operator.
// Only the endpoint's error code and description are quoted: its body could
// echo what was sent.
func tokenError(tokenURL string, err error) *connectors.Error {
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re) && re.Response != nil && re.Response.StatusCode >= 500:
		return &connectors.Error{Kind: connectors.KindUnavailable, Status: re.Response.StatusCode,
			Message: fmt.Sprintf("the token endpoint %s failed (HTTP %d)", tokenURL, re.Response.StatusCode), Err: errors.New(re.ErrorCode)}
	case errors.As(err, &re) && re.Response != nil && re.ErrorCode != "":
		msg := fmt.Sprintf("the token endpoint %s refused: %s", tokenURL, re.ErrorCode)
		if re.ErrorDescription != "" {
			msg += " (" + re.ErrorDescription + ")"
		}
		return &connectors.Error{Kind: connectors.KindAuth, Status: re.Response.StatusCode, Code: re.ErrorCode,
			Message: msg + "; check the client id and secret (or the refresh token: it may have been used or revoked)"}
	case errors.As(err, &re) && re.Response != nil && (re.Response.StatusCode == 401 || re.Response.StatusCode == 403):
		return &connectors.Error{Kind: connectors.KindAuth, Status: re.Response.StatusCode,
			Message: fmt.Sprintf("the token endpoint %s refused the client (HTTP %d); check the client id and secret", tokenURL, re.Response.StatusCode)}
	case errors.As(err, &re) && re.Response != nil:
		return &connectors.Error{Kind: connectors.KindConfig, Status: re.Response.StatusCode,
			Message: fmt.Sprintf("the token endpoint %s answered HTTP %d without an OAuth2 error; check the token URL", tokenURL, re.Response.StatusCode)}
	case isNetError(err):
		return &connectors.Error{Kind: connectors.KindUnavailable, Message: "the token endpoint " + tokenURL + " did not answer", Err: err}
	}
	// a 200 without an access token, or not JSON: not a token endpoint
	return &connectors.Error{Kind: connectors.KindConfig,
		Message: fmt.Sprintf("the token endpoint %s did not answer with a token (%s); check the token URL", tokenURL, strings.TrimPrefix(err.Error(), "oauth2: "))}
}

func isNetError(err error) bool {
	var uerr *url.Error
	return errors.As(err, &uerr) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// replayBody reads a request's body so it can be sent again (a signature
// covers it; a 401 resends it) and closes it, as a round-tripper must.
func replayBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	return io.ReadAll(req.Body)
}
