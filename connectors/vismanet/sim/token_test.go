package sim_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/vismanet"
	"github.com/koppel/koppel/connectors/vismanet/sim"
)

func tokenForm(edit func(url.Values)) url.Values {
	f := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {clientSecret},
		"tenant_id": {tenantID}, "scope": {vismanet.ScopeRead}}
	if edit != nil {
		edit(f)
	}
	return f
}

func TestTokenEndpoint(t *testing.T) {
	c := newCompany(t, sim.Options{Scopes: []string{vismanet.ScopeRead, vismanet.ScopeCreate, vismanet.ScopeUpdate}})
	type oauth struct {
		Error, AccessToken, TokenType, Scope string
		ExpiresIn                            int
	}
	read := func(r reply) oauth {
		var m map[string]any
		r.decode(t, &m)
		o := oauth{}
		o.Error, _ = m["error"].(string)
		o.AccessToken, _ = m["access_token"].(string)
		o.TokenType, _ = m["token_type"].(string)
		o.Scope, _ = m["scope"].(string)
		if n, ok := m["expires_in"].(float64); ok {
			o.ExpiresIn = int(n)
		}
		return o
	}

	ok := c.tokenRequest(tokenForm(nil))
	require.Equal(t, http.StatusOK, ok.status)
	got := read(ok)
	assert.NotEmpty(t, got.AccessToken)
	assert.Equal(t, "Bearer", got.TokenType)
	assert.Equal(t, 3600, got.ExpiresIn)
	assert.Equal(t, vismanet.ScopeRead, got.Scope)

	// The client in HTTP Basic instead of the form.
	req, err := http.NewRequest(http.MethodPost, c.url+vismanet.TokenPath, strings.NewReader(tokenForm(func(f url.Values) {
		f.Del("client_id")
		f.Del("client_secret")
	}).Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, clientSecret)
	assert.Equal(t, http.StatusOK, c.send(req).status)

	for _, tc := range []struct {
		name string
		edit func(url.Values)
		want string
	}{
		{"wrong secret", func(f url.Values) { f.Set("client_secret", "nope") }, "invalid_client"},
		{"unknown client", func(f url.Values) { f.Set("client_id", "someone") }, "invalid_client"},
		{"unknown tenant", func(f url.Values) { f.Set("tenant_id", "other-company") }, "invalid_tenant"},
		{"no tenant", func(f url.Values) { f.Del("tenant_id") }, "invalid_request"},
		{"unknown scope", func(f url.Values) { f.Set("scope", "vismanet_erp_service_api:read openid") }, "invalid_scope"},
		{"scope the application lacks", func(f url.Values) { f.Set("scope", vismanet.ScopeDelete) }, "invalid_scope"},
		{"no grant type", func(f url.Values) { f.Del("grant_type") }, "invalid_request"},
		{"another grant", func(f url.Values) { f.Set("grant_type", "password") }, "unsupported_grant_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.tokenRequest(tokenForm(tc.edit))
			assert.Equal(t, http.StatusBadRequest, r.status)
			got := read(r)
			assert.Equal(t, tc.want, got.Error)
			assert.Empty(t, got.AccessToken)
		})
	}
	assert.Equal(t, 11, c.sim.Calls().Count(sim.OpToken))
}

func TestBearerAndScopes(t *testing.T) {
	c := newCompany(t, sim.Options{TokenLifetime: 10 * time.Minute})
	require.Equal(t, http.StatusOK, c.do(http.MethodGet, "/v1/customer", "").status)

	// An expired token, and one Visma Connect never issued: 401 from the gateway.
	c.now = c.now.Add(11 * time.Minute)
	r := c.do(http.MethodGet, "/v1/customer", "")
	assert.Equal(t, http.StatusUnauthorized, r.status)
	var msg struct {
		StatusCode int
		Message    string
	}
	r.decode(t, &msg)
	assert.Equal(t, 401, msg.StatusCode)
	assert.Contains(t, msg.Message, "expired")
	c.token = "made-up"
	assert.Equal(t, http.StatusUnauthorized, c.do(http.MethodGet, "/v1/customer", "").status)

	// A token with the read scope only reads.
	c.token = c.sim.IssueToken(vismanet.ScopeRead)
	assert.Equal(t, http.StatusOK, c.do(http.MethodGet, "/v1/inventory/KOF-1000", "").status)
	r = c.do(http.MethodPost, "/v1/customer", jsonOf(t, obj{"name": w("X")}))
	assert.Equal(t, http.StatusForbidden, r.status)
	assert.Contains(t, r.ipp(t).ExceptionMessage, vismanet.ScopeCreate)
	r = c.do(http.MethodPost, "/v1/customerinvoice/100001/action/release", "")
	assert.Equal(t, http.StatusForbidden, r.status, "an action needs the update scope")
	assert.Len(t, c.sim.Customers(), 2, "nothing was created")

	// A token with create but not read cannot list.
	c.token = c.sim.IssueToken(vismanet.ScopeCreate)
	assert.Equal(t, http.StatusForbidden, c.do(http.MethodGet, "/v1/customer", "").status)
}
