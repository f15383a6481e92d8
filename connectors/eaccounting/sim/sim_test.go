package sim_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/connectors/eaccounting/sim"
)

const (
	clientID, clientSecret = "sim-app", "sim-secret-4f1c"
	redirect               = "http://127.0.0.1:8765/callback"
)

func newServer(t *testing.T, o sim.Options) (*sim.Sim, *httptest.Server) {
	t.Helper()
	o.ClientID, o.ClientSecret = clientID, clientSecret
	s := sim.New(o)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

type tokenReply struct {
	Status       int    `json:"-"`
	CacheControl string `json:"-"`
	Error        string `json:"error"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope"`
}

// post sends a token request the way research §2.2 describes: a form body
// and the app in HTTP Basic.
func post(t *testing.T, srv *httptest.Server, form url.Values, edit func(*http.Request)) tokenReply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/connect/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, clientSecret)
	if edit != nil {
		edit(req)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var r tokenReply
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&r))
	r.Status, r.CacheControl = resp.StatusCode, resp.Header.Get("Cache-Control")
	return r
}

func consent(t *testing.T, s *sim.Sim, scopes ...string) string {
	t.Helper()
	if scopes == nil {
		scopes = eaccounting.DefaultScopes
	}
	code, err := s.Authorize(redirect, scopes...)
	require.NoError(t, err)
	return code
}

func exchange(t *testing.T, srv *httptest.Server, code string) tokenReply {
	t.Helper()
	r := post(t, srv, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}}, nil)
	require.Equal(t, http.StatusOK, r.Status, r.Error)
	return r
}

func refresh(t *testing.T, srv *httptest.Server, rt string) tokenReply {
	t.Helper()
	return post(t, srv, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, nil)
}

func TestRefreshTokensAreSingleUse(t *testing.T) {
	s, srv := newServer(t, sim.Options{})
	first := exchange(t, srv, consent(t, s))
	assert.Equal(t, "Bearer", first.TokenType)
	assert.Equal(t, 3600, first.ExpiresIn)
	assert.Equal(t, "no-store", first.CacheControl)
	require.NotEmpty(t, first.RefreshToken)

	second := refresh(t, srv, first.RefreshToken)
	require.Equal(t, http.StatusOK, second.Status)
	assert.NotEqual(t, first.RefreshToken, second.RefreshToken, "every refresh rotates the refresh token")
	assert.NotEqual(t, first.AccessToken, second.AccessToken)

	again := refresh(t, srv, first.RefreshToken)
	assert.Equal(t, http.StatusBadRequest, again.Status)
	assert.Equal(t, "invalid_grant", again.Error, "a used refresh token is refused")
	assert.Equal(t, 1, s.Reused())
	assert.Equal(t, 1, s.Granted("refresh_token"))

	// Without RevokeOnReuse the chain goes on from the newest token.
	assert.True(t, s.RefreshTokenLive(second.RefreshToken))
	third := refresh(t, srv, second.RefreshToken)
	assert.Equal(t, http.StatusOK, third.Status)
}

func TestReuseCanRevokeTheChain(t *testing.T) {
	s, srv := newServer(t, sim.Options{RevokeOnReuse: true})
	first := exchange(t, srv, consent(t, s))
	second := refresh(t, srv, first.RefreshToken)
	require.Equal(t, http.StatusOK, second.Status)

	assert.Equal(t, "invalid_grant", refresh(t, srv, first.RefreshToken).Error)
	assert.False(t, s.RefreshTokenLive(second.RefreshToken), "the reuse revoked the whole grant")
	assert.Equal(t, "invalid_grant", refresh(t, srv, second.RefreshToken).Error)
	assert.Equal(t, http.StatusUnauthorized, get(t, srv, "/v2/companysettings", second.AccessToken).StatusCode)
}

func TestCodesWorkOnceForTheirRedirectURI(t *testing.T) {
	s, srv := newServer(t, sim.Options{})
	code := consent(t, s)
	wrong := post(t, srv, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"http://127.0.0.1:1/other"}}, nil)
	assert.Equal(t, "invalid_grant", wrong.Error)
	exchange(t, srv, code)
	twice := post(t, srv, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}}, nil)
	assert.Equal(t, "invalid_grant", twice.Error)
}

func TestTokenEndpointWantsBasicAuthAndAForm(t *testing.T) {
	s, srv := newServer(t, sim.Options{})
	form := url.Values{"grant_type": {"authorization_code"}, "code": {consent(t, s)}, "redirect_uri": {redirect}}
	noBasic := post(t, srv, form, func(r *http.Request) { r.Header.Del("Authorization") })
	assert.Equal(t, "invalid_client", noBasic.Error)
	badSecret := post(t, srv, form, func(r *http.Request) { r.SetBasicAuth(clientID, "nope") })
	assert.Equal(t, "invalid_client", badSecret.Error)
	inBody := post(t, srv, url.Values{"grant_type": {"authorization_code"}, "code": {form.Get("code")}, "redirect_uri": {redirect},
		"client_id": {clientID}, "client_secret": {clientSecret}}, func(r *http.Request) { r.Header.Del("Authorization") })
	assert.Equal(t, "invalid_client", inBody.Error, "the secret belongs in HTTP Basic")
	asJSON := post(t, srv, form, func(r *http.Request) { r.Header.Set("Content-Type", "application/json") })
	assert.Equal(t, "invalid_request", asJSON.Error)
	unknown := post(t, srv, url.Values{"grant_type": {"password"}}, nil)
	assert.Equal(t, "unsupported_grant_type", unknown.Error)
}

func TestAuthorizeRedirectsWithCodeAndState(t *testing.T) {
	_, srv := newServer(t, sim.Options{RedirectURIs: []string{redirect}})
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q := url.Values{"client_id": {clientID}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {"ea:api offline_access ea:sales"}, "state": {"s-123"}}
	resp, err := noFollow.Get(srv.URL + "/connect/authorize?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "/callback", loc.Path)
	assert.Equal(t, "s-123", loc.Query().Get("state"))
	assert.NotEmpty(t, loc.Query().Get("code"))

	q.Set("scope", "ea:sales")
	resp, err = noFollow.Get(srv.URL + "/connect/authorize?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	loc, _ = url.Parse(resp.Header.Get("Location"))
	assert.Equal(t, "invalid_scope", loc.Query().Get("error"), "ea:api is mandatory")

	q.Set("redirect_uri", "https://evil.example/cb")
	resp, err = noFollow.Get(srv.URL + "/connect/authorize?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "an unregistered redirect URI is never redirected to")
}

func get(t *testing.T, srv *httptest.Server, path, token string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func errorCode(t *testing.T, resp *http.Response) int {
	t.Helper()
	var b eaccounting.ErrorBody
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&b))
	assert.NotEmpty(t, b.ErrorId)
	return b.ErrorCode
}

func TestBearerScopeAndExpiry(t *testing.T) {
	s, srv := newServer(t, sim.Options{})
	resp := get(t, srv, "/v2/customers", "")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, eaccounting.CodeNotAuthorized, errorCode(t, resp))

	narrow := exchange(t, srv, consent(t, s, "ea:api", "offline_access", "ea:purchase"))
	resp = get(t, srv, "/v2/customers", narrow.AccessToken)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, eaccounting.CodeNoScope, errorCode(t, resp))

	ok := exchange(t, srv, consent(t, s))
	assert.Equal(t, http.StatusOK, get(t, srv, "/v2/companysettings", ok.AccessToken).StatusCode)
	s.ExpireAccessTokens()
	assert.Equal(t, http.StatusUnauthorized, get(t, srv, "/v2/companysettings", ok.AccessToken).StatusCode)

	renewed := refresh(t, srv, ok.RefreshToken)
	assert.Equal(t, http.StatusOK, get(t, srv, "/v2/companysettings", renewed.AccessToken).StatusCode)
	s.RevokeConsent()
	assert.Equal(t, http.StatusUnauthorized, get(t, srv, "/v2/companysettings", renewed.AccessToken).StatusCode)
	assert.Equal(t, "invalid_grant", refresh(t, srv, renewed.RefreshToken).Error)
}

func TestQuotaPerEndpoint(t *testing.T) {
	s, srv := newServer(t, sim.Options{RequestsPerMinute: 2})
	tok := exchange(t, srv, consent(t, s)).AccessToken
	for range 2 {
		require.Equal(t, http.StatusOK, get(t, srv, "/v2/customers", tok).StatusCode)
	}
	resp := get(t, srv, "/v2/customers", tok)
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("Retry-After"), "the wait is only in the message (§2.6)")
	var b eaccounting.ErrorBody
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&b))
	assert.Equal(t, eaccounting.CodeRateLimited, b.ErrorCode)
	assert.Contains(t, b.DeveloperErrorMessage, "maximum admitted 2 per Minute. Try again in ")
	assert.Equal(t, http.StatusOK, get(t, srv, "/v2/companysettings", tok).StatusCode, "another endpoint has its own quota")
}

func TestSnapshotKeepsTheTokens(t *testing.T) {
	s, srv := newServer(t, sim.Options{})
	tok := exchange(t, srv, consent(t, s))
	s.AddCustomer(eaccounting.Customer{Name: "Acme", IsActive: true, InvoiceCity: "Utrecht", InvoicePostalCode: "3511 AA"})
	snap, err := s.Snapshot()
	require.NoError(t, err)

	s2, srv2 := newServer(t, sim.Options{})
	require.NoError(t, s2.Restore(snap))
	assert.Len(t, s2.Customers(), 1)
	assert.Equal(t, http.StatusOK, get(t, srv2, "/v2/customers", tok.AccessToken).StatusCode)
	assert.Equal(t, http.StatusOK, refresh(t, srv2, tok.RefreshToken).Status)
}
