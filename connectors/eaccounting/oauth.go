package eaccounting

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/httpkit"
)

// Visma's identity server speaks plain OAuth2 (§2.2), so golang.org/x/oauth2
// makes the requests: the form body, HTTP Basic with the app's id and
// secret, the JSON answer and RFC 6749's error codes.

// OAuth error codes the callers act on.
const (
	// ErrInvalidGrant: the code or refresh token is not (or no longer)
	// valid — used already, expired, or the consent was revoked. Only a new
	// consent helps.
	ErrInvalidGrant = "invalid_grant"
	// ErrInvalidClient: the app's id or secret is wrong.
	ErrInvalidClient = "invalid_client"
)

// Ops of the identity server, as the simulator names its routes.
const (
	OpToken = "POST /connect/token"
)

// OAuth is the identity server's client for one app (client id and secret).
type OAuth struct {
	AuthorizeURL, TokenURL string
	ClientID               string
	// ClientSecret never leaves in a text: errors are scrubbed of it.
	ClientSecret string
	// RedirectURI is sent at consent and again with the code; it must be
	// registered for the app, byte for byte.
	RedirectURI string
	Scopes      []string
	// Timeout bounds one token request; 0 means httpkit.DefaultTimeout.
	Timeout time.Duration
	// Transport carries the requests (tests); nil means http.DefaultTransport.
	Transport http.RoundTripper
}

// Tokens is what the token endpoint hands out: secrets, to be kept only in
// encrypted storage. String and GoString never print them.
type Tokens struct {
	AccessToken  string
	RefreshToken string
	// Expiry is when the access token stops working, by this machine's
	// clock; zero when the answer named no lifetime.
	Expiry time.Time
	// Lifetime is the access token's lifetime as the answer stated it (expires_in).
	Lifetime time.Duration
	// Scope is what was granted, when the answer says.
	Scope string
}

func (Tokens) String() string   { return "[tokens]" }
func (Tokens) GoString() string { return "eaccounting.Tokens{[secret]}" }

func (o *OAuth) config() *oauth2.Config {
	return &oauth2.Config{
		ClientID: o.ClientID, ClientSecret: o.ClientSecret, RedirectURL: o.RedirectURI, Scopes: o.Scopes,
		// §2.2: Basic auth with client_id:client_secret, never in the body.
		Endpoint: oauth2.Endpoint{AuthURL: o.AuthorizeURL, TokenURL: o.TokenURL, AuthStyle: oauth2.AuthStyleInHeader},
	}
}

// ConsentURL is where the user grants access and picks the company: the
// authorize endpoint with the client id, redirect URI, scopes and state.
func (o *OAuth) ConsentURL(state string) string {
	return o.config().AuthCodeURL(state)
}

// Exchange trades an authorization code for the first token pair.
func (o *OAuth) Exchange(ctx context.Context, code string) (Tokens, error) {
	tok, err := o.config().Exchange(o.context(ctx), code)
	if err != nil {
		return Tokens{}, o.tokenError("exchange the code", err, code)
	}
	return o.tokens(tok)
}

// Refresh trades a refresh token for a new pair. The refresh token is
// single use: after a successful call only the returned one works, so the
// caller must store it before anything else (the token keeper's activity
// result), and never refresh the same token twice.
func (o *OAuth) Refresh(ctx context.Context, refreshToken string) (Tokens, error) {
	if refreshToken == "" {
		return Tokens{}, &connectors.Error{Kind: connectors.KindAuth, System: System, Op: "refresh the token", Code: ErrInvalidGrant,
			Message: "there is no refresh token to use"}
	}
	tok, err := o.config().TokenSource(o.context(ctx), &oauth2.Token{RefreshToken: refreshToken}).Token()
	if err != nil {
		return Tokens{}, o.tokenError("refresh the token", err, refreshToken)
	}
	return o.tokens(tok)
}

func (o *OAuth) context(ctx context.Context) context.Context {
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = httpkit.DefaultTimeout
	}
	rt := o.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	// The token endpoint never redirects; following one would send the
	// Basic credentials elsewhere.
	hc := &http.Client{Transport: rt, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return context.WithValue(ctx, oauth2.HTTPClient, hc)
}

func (o *OAuth) tokens(tok *oauth2.Token) (Tokens, error) {
	t := Tokens{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry,
		Lifetime: time.Duration(tok.ExpiresIn) * time.Second}
	if s, ok := tok.Extra("scope").(string); ok {
		t.Scope = s
	}
	if t.RefreshToken == "" {
		return Tokens{}, &connectors.Error{Kind: connectors.KindConfig, System: System, Op: "read the token answer",
			Message: "the token endpoint sent no refresh token; the consent must include the offline_access scope"}
	}
	return t, nil
}

// tokenError says what the token endpoint's refusal means. Only its error
// code and description are quoted (scrubbed of the secret and of the code
// or token sent): its body could echo what was sent.
func (o *OAuth) tokenError(op string, err error, sent string) *connectors.Error {
	scrub := httpkit.Secrets(o.ClientSecret, sent)
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re) && re.Response != nil && re.Response.StatusCode >= 500:
		return &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: op, Status: re.Response.StatusCode,
			Code: scrub(re.ErrorCode), Message: fmt.Sprintf("the token endpoint %s failed (HTTP %d)", o.TokenURL, re.Response.StatusCode)}
	case errors.As(err, &re) && re.Response != nil && re.ErrorCode != "":
		msg := fmt.Sprintf("the token endpoint refused: %s", scrub(re.ErrorCode))
		if re.ErrorDescription != "" {
			msg += " (" + scrub(re.ErrorDescription) + ")"
		}
		kind := connectors.KindAuth
		switch re.ErrorCode {
		case ErrInvalidGrant:
			msg += "; the code or refresh token was used already, has expired, or the consent was revoked"
		case ErrInvalidClient, "unauthorized_client":
			msg += "; check the clientId and clientSecret"
		case "invalid_request", "unsupported_grant_type", "invalid_scope":
			kind = connectors.KindConfig
		case "temporarily_unavailable", "server_error":
			kind = connectors.KindUnavailable
		}
		return &connectors.Error{Kind: kind, System: System, Op: op, Status: re.Response.StatusCode, Code: scrub(re.ErrorCode), Message: msg}
	case errors.As(err, &re) && re.Response != nil && (re.Response.StatusCode == 401 || re.Response.StatusCode == 403):
		return &connectors.Error{Kind: connectors.KindAuth, System: System, Op: op, Status: re.Response.StatusCode,
			Message: fmt.Sprintf("the token endpoint refused the app (HTTP %d); check the clientId and clientSecret", re.Response.StatusCode)}
	case errors.As(err, &re) && re.Response != nil:
		return &connectors.Error{Kind: connectors.KindConfig, System: System, Op: op, Status: re.Response.StatusCode,
			Message: fmt.Sprintf("the token endpoint %s answered HTTP %d without an OAuth2 error; check options.identityURL", o.TokenURL, re.Response.StatusCode)}
	case isNetError(err):
		return &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: op,
			Message: "the token endpoint " + o.TokenURL + " did not answer", Err: errors.New(scrub(err.Error()))}
	}
	return &connectors.Error{Kind: connectors.KindConfig, System: System, Op: op,
		Message: fmt.Sprintf("the token endpoint %s did not answer with a token (%s); check options.identityURL",
			o.TokenURL, scrub(strings.TrimPrefix(err.Error(), "oauth2: ")))}
}

func isNetError(err error) bool {
	var uerr *url.Error
	return errors.As(err, &uerr) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// IsInvalidGrant reports whether err is the token endpoint's invalid_grant:
// the refresh token (or code) is dead and only a new consent helps.
func IsInvalidGrant(err error) bool {
	var ce *connectors.Error
	return errors.As(err, &ce) && ce.Code == ErrInvalidGrant
}
