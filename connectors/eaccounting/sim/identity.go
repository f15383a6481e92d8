package sim

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/connectors/simkit"
)

// knownScopes are the scopes the identity server grants (§2.2).
var knownScopes = []string{
	eaccounting.ScopeAPI, eaccounting.ScopeOfflineAccess,
	eaccounting.ScopeSales, eaccounting.ScopeSalesReadOnly,
	eaccounting.ScopeAccounting, eaccounting.ScopeAccountingReadOnly,
	"ea:purchase", "ea:purchase_readonly", "vls:api",
}

func (s *Sim) identityRouter() *simkit.Router {
	rt := &simkit.Router{Calls: &s.calls,
		NotFound: func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }}
	rt.Handle(http.MethodGet, eaccounting.AuthorizePath, s.authorize)
	rt.Handle(http.MethodPost, eaccounting.TokenPath, s.token)
	return rt
}

// redirectAllowed: a registered URI, or any http(s) URI when none is registered.
func (s *Sim) redirectAllowed(uri string) bool {
	if len(s.o.RedirectURIs) > 0 {
		return slices.Contains(s.o.RedirectURIs, uri)
	}
	u, err := url.Parse(uri)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// authorize is the consent page, approved at once: the user is logged in
// and picks the one company. A bad client or redirect URI is shown to the
// user, never redirected (RFC 6749 §4.1.2.1); other errors go back to the
// redirect URI.
func (s *Sim) authorize(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	if q.Get("client_id") != s.o.ClientID || !s.redirectAllowed(redirect) {
		http.Error(w, "invalid_request: unknown client, or a redirect_uri not registered for it", http.StatusBadRequest)
		return
	}
	back := func(v url.Values) {
		if st := q.Get("state"); st != "" {
			v.Set("state", st)
		}
		sep := "?"
		if strings.Contains(redirect, "?") {
			sep = "&"
		}
		http.Redirect(w, r, redirect+sep+v.Encode(), http.StatusFound)
	}
	if q.Get("response_type") != "code" {
		back(url.Values{"error": {"unsupported_response_type"}})
		return
	}
	c, err := s.Authorize(redirect, strings.Fields(q.Get("scope"))...)
	if err != nil {
		back(url.Values{"error": {"invalid_scope"}, "error_description": {err.Error()}})
		return
	}
	back(url.Values{"code": {c}})
}

// Authorize is what an approved consent does: a grant of scopes and its
// code for redirectURI. Tests use it to skip the browser.
func (s *Sim) Authorize(redirectURI string, scopes ...string) (string, error) {
	if !slices.Contains(scopes, eaccounting.ScopeAPI) {
		return "", errors.New("ea:api is required")
	}
	for _, sc := range scopes {
		if !slices.Contains(knownScopes, sc) {
			return "", errors.New("unknown scope " + sc)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextIDLocked()
	s.st.Grants[id] = &grant{Scopes: slices.Clone(scopes)}
	c := secret()
	s.st.Codes[c] = &code{Grant: id, RedirectURI: redirectURI, Expires: s.o.Now().Add(s.o.CodeLifetime)}
	return c, nil
}

// tokenAnswer is the token endpoint's JSON (§2.2).
type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	TokenType    string `json:"token_type"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
}

func (s *Sim) oauthError(w http.ResponseWriter, status int, code, description string) {
	body := map[string]string{"error": code}
	if description != "" {
		body["error_description"] = description
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// token is the token endpoint: a form body, the app in HTTP Basic.
func (s *Sim) token(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		s.oauthError(w, http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
		return
	}
	if err := r.ParseForm(); err != nil {
		s.oauthError(w, http.StatusBadRequest, "invalid_request", "the form cannot be read")
		return
	}
	if !s.clientAuthenticated(r) {
		s.oauthError(w, http.StatusBadRequest, "invalid_client", "")
		return
	}
	form := r.PostForm
	var ans tokenAnswer
	var errCode string
	switch gt := form.Get("grant_type"); gt {
	case "authorization_code":
		ans, errCode = s.redeemCode(form.Get("code"), form.Get("redirect_uri"))
	case "refresh_token":
		ans, errCode = s.rotate(form.Get("refresh_token"))
	case "":
		errCode = "invalid_request"
	default:
		errCode = "unsupported_grant_type"
	}
	if errCode != "" {
		s.oauthError(w, http.StatusBadRequest, errCode, "")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	_ = json.NewEncoder(w).Encode(ans)
}

// clientAuthenticated checks HTTP Basic: id and secret form-encoded (RFC
// 6749 §2.3.1), compared in constant time.
func (s *Sim) clientAuthenticated(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return false
	}
	id, err1 := url.QueryUnescape(user)
	sec, err2 := url.QueryUnescape(pass)
	return err1 == nil && err2 == nil && id == s.o.ClientID &&
		subtle.ConstantTimeCompare([]byte(sec), []byte(s.o.ClientSecret)) == 1
}

// redeemCode answers the authorization_code grant: a code works once, for
// the redirect URI it was issued to, within its lifetime.
func (s *Sim) redeemCode(value, redirectURI string) (tokenAnswer, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.Codes[value]
	switch {
	case c == nil || c.Used || !s.o.Now().Before(c.Expires) || c.RedirectURI != redirectURI:
		if c != nil && c.Used && s.o.RevokeOnReuse {
			s.st.Grants[c.Grant].Revoked = true // RFC 6749 §4.1.2: a code used twice revokes what it gave
		}
		return tokenAnswer{}, "invalid_grant"
	case s.st.Grants[c.Grant].Revoked:
		return tokenAnswer{}, "invalid_grant"
	}
	c.Used = true
	s.st.Granted["authorization_code"]++
	return s.issueLocked(c.Grant), ""
}

// rotate answers the refresh_token grant: the token is single use, and the
// answer carries its successor.
func (s *Sim) rotate(value string) (tokenAnswer, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := s.st.Refresh[value]
	switch {
	case rt == nil:
		return tokenAnswer{}, "invalid_grant"
	case rt.Used:
		s.st.Reused++
		if s.o.RevokeOnReuse {
			s.st.Grants[rt.Grant].Revoked = true
		}
		return tokenAnswer{}, "invalid_grant"
	case s.st.Grants[rt.Grant].Revoked:
		return tokenAnswer{}, "invalid_grant"
	}
	rt.Used = true
	s.st.Granted["refresh_token"]++
	return s.issueLocked(rt.Grant), ""
}

// issueLocked hands out an access token, and a refresh token when the
// grant has offline_access.
func (s *Sim) issueLocked(grantID string) tokenAnswer {
	g := s.st.Grants[grantID]
	a := tokenAnswer{AccessToken: secret(), ExpiresIn: int(s.o.AccessTokenLifetime.Seconds()), TokenType: "Bearer",
		Scope: strings.Join(g.Scopes, " ")}
	s.st.Access[a.AccessToken] = &access{Grant: grantID, Expires: s.o.Now().Add(s.o.AccessTokenLifetime)}
	if slices.Contains(g.Scopes, eaccounting.ScopeOfflineAccess) {
		a.RefreshToken = secret()
		s.st.Refresh[a.RefreshToken] = &refresh{Grant: grantID}
	}
	return a
}

// Granted counts the token answers of a grant type ("authorization_code",
// "refresh_token").
func (s *Sim) Granted(grantType string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.Granted[grantType]
}

// Reused counts refresh tokens presented after they were used.
func (s *Sim) Reused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.Reused
}

// RefreshTokenLive reports whether a refresh token would be accepted now.
func (s *Sim) RefreshTokenLive(value string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := s.st.Refresh[value]
	return rt != nil && !rt.Used && !s.st.Grants[rt.Grant].Revoked
}

// RevokeConsent ends every grant, as a user removing the app's access in
// eAccounting does: every token of it stops working.
func (s *Sim) RevokeConsent() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.st.Grants {
		g.Revoked = true
	}
}

// ExpireAccessTokens makes every access token issued so far expired.
func (s *Sim) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	past := s.o.Now().Add(-1)
	for _, a := range s.st.Access {
		a.Expires = past
	}
}
