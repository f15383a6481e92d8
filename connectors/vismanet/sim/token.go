package sim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/connectors/vismanet"
)

// knownScopes are the ERP API's scopes at Visma Connect (§3.2).
var knownScopes = []string{vismanet.ScopeRead, vismanet.ScopeCreate, vismanet.ScopeUpdate, vismanet.ScopeDelete}

func (s *Sim) tokenRouter() *simkit.Router {
	rt := &simkit.Router{Calls: &s.calls,
		MethodNotAllowed: func(w http.ResponseWriter, r *http.Request, allowed []string) {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			s.oauthError(w, r, http.StatusMethodNotAllowed, "invalid_request", "the token endpoint takes POST")
		}}
	rt.Handle(http.MethodPost, vismanet.TokenPath, s.issueToken)
	return rt
}

type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
	TokenType   string `json:"token_type"`
	Scope       string `json:"scope"`
}

type oauthErrorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func (s *Sim) oauthError(w http.ResponseWriter, r *http.Request, status int, code, desc string) {
	w.Header().Set("Cache-Control", "no-store")
	s.out.JSON(w, r, status, oauthErrorBody{Error: code, Description: desc})
}

// issueToken is Visma Connect's client-credentials grant with a tenant.
func (s *Sim) issueToken(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	if err := r.ParseForm(); err != nil {
		s.oauthError(w, r, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return
	}
	f := r.PostForm
	if gt := f.Get("grant_type"); gt != "client_credentials" {
		if gt == "" {
			s.oauthError(w, r, http.StatusBadRequest, "invalid_request", "grant_type is missing")
			return
		}
		s.oauthError(w, r, http.StatusBadRequest, "unsupported_grant_type", "")
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = f.Get("client_id"), f.Get("client_secret")
	}
	if id == "" {
		s.oauthError(w, r, http.StatusBadRequest, "invalid_request", "client_id is missing")
		return
	}
	if id != s.o.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(s.o.ClientSecret)) != 1 || s.o.ClientSecret == "" {
		s.oauthError(w, r, http.StatusBadRequest, "invalid_client", "")
		return
	}
	tenant := f.Get("tenant_id")
	switch {
	case tenant == "":
		s.oauthError(w, r, http.StatusBadRequest, "invalid_request", "tenant_id is missing")
		return
	case tenant != s.o.TenantID:
		s.oauthError(w, r, http.StatusBadRequest, "invalid_tenant", "the tenant has not approved this application")
		return
	}
	scopes := strings.Fields(f.Get("scope"))
	if len(scopes) == 0 {
		scopes = slices.Clone(s.o.Scopes)
	}
	for _, sc := range scopes {
		if !slices.Contains(knownScopes, sc) || !slices.Contains(s.o.Scopes, sc) {
			s.oauthError(w, r, http.StatusBadRequest, "invalid_scope", "")
			return
		}
	}
	s.mu.Lock()
	life := s.o.TokenLifetime
	tok := s.issueLocked(id, tenant, scopes, life)
	s.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	s.out.JSON(w, r, http.StatusOK, tokenAnswer{AccessToken: tok, ExpiresIn: int(life / time.Second), TokenType: "Bearer",
		Scope: strings.Join(scopes, " ")})
}

func (s *Sim) issueLocked(clientID, tenant string, scopes []string, life time.Duration) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	// Forget the tokens that expired, so a long demo does not grow.
	now := s.o.Now()
	for k, g := range s.st.Tokens {
		if !now.Before(g.Expires) {
			delete(s.st.Tokens, k)
		}
	}
	s.st.Tokens[tok] = &grant{ClientID: clientID, Tenant: tenant, Scopes: slices.Clone(scopes), Expires: now.Add(life)}
	return tok
}

// IssueToken mints an access token as the token endpoint would for the
// configured application (scopes nil: all it has), for tests that do not
// exercise the endpoint.
func (s *Sim) IssueToken(scopes ...string) string {
	if scopes == nil {
		scopes = s.o.Scopes
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueLocked(s.o.ClientID, s.o.TenantID, scopes, s.o.TokenLifetime)
}

// bearer finds the request's token. live is false when it is missing,
// unknown or expired; g is nil only when it is missing or unknown.
func (s *Sim) bearer(r *http.Request) (g grant, known, live bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return grant{}, false, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.Tokens[tok]
	if p == nil {
		return grant{}, false, false
	}
	return *p, true, s.o.Now().Before(p.Expires)
}

// scopeFor is the scope an API call needs: read for GET, create for a
// POST that creates, update for PUT and actions, delete for DELETE.
func scopeFor(method, pattern string) string {
	switch {
	case method == http.MethodGet:
		return vismanet.ScopeRead
	case method == http.MethodPut, strings.Contains(pattern, "/action/"):
		return vismanet.ScopeUpdate
	case method == http.MethodDelete:
		return vismanet.ScopeDelete
	}
	return vismanet.ScopeCreate
}
