package eaccounting_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/conntest/contract"
	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/connectors/eaccounting/sim"
	"github.com/koppel/koppel/connectors/simkit"
)

const (
	testClientID, testSecret = "koppel-test-app", "test-secret-9b2e"
	testRedirect             = "http://127.0.0.1:8765/callback"
)

// harness is a simulator behind the contract check (on the API paths: the
// identity server is not in the contract) with an OAuth client of it.
type harness struct {
	sim   *sim.Sim
	srv   *httptest.Server
	oauth *eaccounting.OAuth
}

func newHarness(t *testing.T, o sim.Options) *harness {
	t.Helper()
	o.ClientID, o.ClientSecret = testClientID, testSecret
	s := sim.New(o)
	api := contract.OpenAPIForTest(t, contract.EAccounting)
	checked := api.Handler(t, s)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/connect/") {
			s.ServeHTTP(w, r)
			return
		}
		checked.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	oa, err := eaccounting.OAuthFromSettings(connectors.Settings{BaseURL: srv.URL + "/v2",
		Credentials: map[string]string{"clientId": testClientID, "clientSecret": testSecret}})
	require.NoError(t, err)
	return &harness{sim: s, srv: srv, oauth: oa}
}

// connect runs the consent through the authorize endpoint and exchanges
// the code, as starter connect does.
func (h *harness) connect(t *testing.T) eaccounting.Tokens {
	t.Helper()
	code := h.consentCode(t, "st-1")
	tok, err := h.oauth.Exchange(context.Background(), code)
	require.NoError(t, err)
	return tok
}

func (h *harness) consentCode(t *testing.T, state string) string {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(h.oauth.ConsentURL(state))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, state, loc.Query().Get("state"))
	return loc.Query().Get("code")
}

// client builds an API client; each test gets its own client id so the
// process-wide pacers of different tests never meet.
func (h *harness) client(t *testing.T, src connectors.TokenSource, edit func(*eaccounting.Config)) *eaccounting.Client {
	t.Helper()
	cfg := eaccounting.Config{BaseURL: h.srv.URL + "/v2", ClientID: t.Name(), Tokens: src, RequestsPerMinute: -1}
	if edit != nil {
		edit(&cfg)
	}
	c, err := eaccounting.New(cfg)
	require.NoError(t, err)
	return c
}

func TestConsentURLAsksWhatResearchSays(t *testing.T) {
	h := newHarness(t, sim.Options{})
	u, err := url.Parse(h.oauth.ConsentURL("xyz"))
	require.NoError(t, err)
	assert.Equal(t, "/connect/authorize", u.Path)
	q := u.Query()
	assert.Equal(t, "code", q.Get("response_type"))
	assert.Equal(t, testClientID, q.Get("client_id"))
	assert.Equal(t, testRedirect, q.Get("redirect_uri"))
	assert.Equal(t, "ea:api offline_access ea:sales ea:accounting_readonly", q.Get("scope"))
	assert.Equal(t, "xyz", q.Get("state"))
	assert.NotContains(t, u.String(), testSecret)
}

func TestExchangeAndRefreshAgainstTheSimulator(t *testing.T) {
	h := newHarness(t, sim.Options{AccessTokenLifetime: 90 * time.Second})
	first := h.connect(t)
	assert.NotEmpty(t, first.AccessToken)
	assert.Equal(t, 90*time.Second, first.Lifetime)
	assert.WithinDuration(t, time.Now().Add(90*time.Second), first.Expiry, 5*time.Second)
	assert.Equal(t, "[tokens]", fmt.Sprint(first), "tokens never print")
	assert.NotContains(t, fmt.Sprintf("%#v %+v", first, first), first.RefreshToken)

	second, err := h.oauth.Refresh(context.Background(), first.RefreshToken)
	require.NoError(t, err)
	assert.NotEqual(t, first.RefreshToken, second.RefreshToken)
	assert.True(t, h.sim.RefreshTokenLive(second.RefreshToken))

	_, err = h.oauth.Refresh(context.Background(), first.RefreshToken)
	require.Error(t, err)
	assert.True(t, eaccounting.IsInvalidGrant(err), "%v", err)
	assert.Equal(t, connectors.KindAuth, connectors.KindOf(err))
	assert.NotContains(t, err.Error(), first.RefreshToken)
	assert.NotContains(t, err.Error(), testSecret)

	bad := *h.oauth
	bad.ClientSecret = "wrong-secret"
	_, err = bad.Refresh(context.Background(), second.RefreshToken)
	assert.Equal(t, connectors.KindAuth, connectors.KindOf(err))
	assert.Contains(t, err.Error(), "invalid_client")
	assert.True(t, h.sim.RefreshTokenLive(second.RefreshToken), "a refused client uses nothing up")

	h.sim.Faults().Add(simkit.Rule{Op: eaccounting.OpToken, Kind: simkit.FaultStatus, Status: 503, Times: 1})
	_, err = h.oauth.Refresh(context.Background(), second.RefreshToken)
	assert.Equal(t, connectors.KindUnavailable, connectors.KindOf(err), "%v", err)
	assert.True(t, h.sim.RefreshTokenLive(second.RefreshToken))
}

func TestListCustomersPagesToTheLastPage(t *testing.T) {
	h := newHarness(t, sim.Options{})
	for i := range 7 {
		h.sim.AddCustomer(eaccounting.Customer{Name: fmt.Sprintf("Customer %d", i), IsActive: true, IsPrivatePerson: i%2 == 0,
			InvoiceAddress1: "Hoofdstraat 1", InvoicePostalCode: "1234 AB", InvoiceCity: "Utrecht", InvoiceCountryCode: "NL",
			EmailAddress: fmt.Sprintf("c%d@example.com", i), Telephone: "030 123 4567", CurrencyCode: "EUR", VatNumber: "NL123456789B01"})
	}
	c := h.client(t, eaccounting.StaticToken(h.connect(t).AccessToken), func(c *eaccounting.Config) { c.PageSize = 3 })

	p, err := c.ListCustomers(context.Background(), eaccounting.ListOptions{Page: 2})
	require.NoError(t, err)
	assert.Equal(t, eaccounting.Meta{CurrentPage: 2, PageSize: 3, TotalNumberOfPages: 3, TotalNumberOfResults: 7,
		ServerTimeUtc: p.Meta.ServerTimeUtc}, p.Meta)
	require.Len(t, p.Data, 3)
	assert.Equal(t, "Customer 3", p.Data[0].Name)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, p.Data[0].Id)

	seen := map[string]int{}
	pages := 0
	require.NoError(t, c.EachCustomer(context.Background(), eaccounting.ListOptions{}, func(cs []eaccounting.Customer) error {
		pages++
		for _, cu := range cs {
			seen[cu.Id]++
		}
		return nil
	}))
	assert.Equal(t, 3, pages)
	assert.Len(t, seen, 7)
	for id, n := range seen {
		assert.Equal(t, 1, n, id)
	}
	assert.Equal(t, 4, h.sim.Calls().Count(eaccounting.OpListCustomers))
}

func TestCompanySettings(t *testing.T) {
	h := newHarness(t, sim.Options{})
	c := h.client(t, eaccounting.StaticToken(h.connect(t).AccessToken), nil)
	s, err := c.CompanySettings(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "Koppel Demo BV", s.Name)
	assert.Equal(t, "EUR", s.CurrencyCode)
}

// rotating is a token source that counts its calls and hands out the
// tokens it is given in turn; it records what it was told was rejected.
type rotating struct {
	mu       sync.Mutex
	tokens   []string
	rejected []string
	calls    int
}

func (r *rotating) AccessToken(_ context.Context, rejected string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if rejected != "" {
		r.rejected = append(r.rejected, rejected)
		r.tokens = r.tokens[1:]
	}
	return r.tokens[0], nil
}

func TestA401AsksTheSourceOnceForAnotherToken(t *testing.T) {
	h := newHarness(t, sim.Options{})
	first := h.connect(t)
	second, err := h.oauth.Refresh(context.Background(), first.RefreshToken)
	require.NoError(t, err)
	h.sim.ExpireAccessTokens()
	third, err := h.oauth.Refresh(context.Background(), second.RefreshToken)
	require.NoError(t, err)

	src := &rotating{tokens: []string{second.AccessToken, third.AccessToken}}
	c := h.client(t, src, nil)
	_, err = c.CompanySettings(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{second.AccessToken}, src.rejected, "the expired token is named as rejected")
	assert.Equal(t, 2, src.calls)

	// A source that cannot renew: the second 401 is the answer, KindAuth.
	h.sim.ExpireAccessTokens()
	c = h.client(t, eaccounting.StaticToken(third.AccessToken), nil)
	_, err = c.CompanySettings(context.Background())
	assert.Equal(t, connectors.KindAuth, connectors.KindOf(err), "%v", err)
	assert.NotContains(t, err.Error(), third.AccessToken)
}

func TestTheSourcesErrorKeepsItsKind(t *testing.T) {
	h := newHarness(t, sim.Options{})
	reconnect := &connectors.Error{Kind: connectors.KindAuth, Code: "reconnect", Message: "reconnect: run starter connect --integration shop"}
	c := h.client(t, failing{reconnect}, nil)
	_, err := c.CompanySettings(context.Background())
	assert.Equal(t, connectors.KindAuth, connectors.KindOf(err), "%v", err)
	assert.Contains(t, err.Error(), "reconnect: run starter connect --integration shop")
	assert.Zero(t, h.sim.Calls().Count(eaccounting.OpCompanySettings), "no call goes out without a token")

	c = h.client(t, failing{errors.New("keeper unreachable")}, nil)
	_, err = c.CompanySettings(context.Background())
	assert.Equal(t, connectors.KindUnavailable, connectors.KindOf(err), "%v", err)
}

type failing struct{ err error }

func (f failing) AccessToken(context.Context, string) (string, error) { return "", f.err }

func TestErrorCodesMapToKinds(t *testing.T) {
	h := newHarness(t, sim.Options{RequestsPerMinute: 1, Now: func() time.Time { return time.Date(2026, 3, 2, 10, 0, 5, 0, time.UTC) }})
	tok := h.connect(t)
	c := h.client(t, eaccounting.StaticToken(tok.AccessToken), nil)
	ctx := context.Background()

	_, err := c.ListCustomers(ctx, eaccounting.ListOptions{PageSize: 1})
	require.NoError(t, err)
	_, err = c.ListCustomers(ctx, eaccounting.ListOptions{PageSize: 1})
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindRateLimited, ce.Kind)
	assert.Equal(t, "4010", ce.Code)
	assert.Equal(t, 60*time.Second, ce.RetryAfter, "the wait comes from the message: %s", ce.Message)

	h.sim.Faults().Add(simkit.Rule{Op: eaccounting.OpCompanySettings, Kind: simkit.FaultRateLimit, RetryAfter: 17 * time.Second, Times: 1})
	_, err = c.CompanySettings(ctx)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 17*time.Second, ce.RetryAfter)

	h.sim.Faults().Add(simkit.Rule{Op: eaccounting.OpCompanySettings, Kind: simkit.FaultStatus, Status: 503, Times: 1})
	_, err = c.CompanySettings(ctx)
	assert.Equal(t, connectors.KindUnavailable, connectors.KindOf(err))

	h2 := newHarness(t, sim.Options{})
	c2 := h2.client(t, eaccounting.StaticToken(h2.connect(t).AccessToken), nil)
	_, err = c2.ListCustomers(ctx, eaccounting.ListOptions{Filter: "NoSuchProperty eq '1001'"})
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindValidation, ce.Kind)
	assert.Equal(t, "2000", ce.Code)
	assert.Contains(t, ce.Message, "$filter", "a validation error names the field")
	assert.Contains(t, ce.Message, "ErrorId ")

	narrow, err := h2.sim.Authorize(testRedirect, "ea:api", "offline_access", "ea:purchase")
	require.NoError(t, err)
	ntok, err := h2.oauth.Exchange(ctx, narrow)
	require.NoError(t, err)
	_, err = h2.client(t, eaccounting.StaticToken(ntok.AccessToken), nil).CompanySettings(ctx)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindAuth, ce.Kind)
	assert.Equal(t, "4006", ce.Code)
	assert.Contains(t, ce.Message, "options.scopes")
}

// The codes whose paths the simulator does not serve yet, through a fake
// server: the kind comes from the ErrorCode, whatever the status.
func TestErrorBodiesOfOtherCodes(t *testing.T) {
	cases := []struct {
		status, code int
		kind         connectors.ErrorKind
	}{
		{400, 3000, connectors.KindNotFound},
		{404, 3000, connectors.KindNotFound},
		{400, 4000, connectors.KindConflict},
		{409, 4000, connectors.KindConflict},
		{400, 4002, connectors.KindValidation},
		{403, 4002, connectors.KindAuth},
		{403, 4004, connectors.KindConfig},
		{401, 4005, connectors.KindAuth},
		{500, 0, connectors.KindUnavailable},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d-%d", tc.status, tc.code), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				if tc.code == 0 {
					fmt.Fprint(w, `{"Message":"An error has occurred."}`)
					return
				}
				fmt.Fprintf(w, `{"ErrorCode":%d,"DeveloperErrorMessage":"something about jan@example.com","ErrorId":"0f0e0d0c-0000-4000-8000-000000000001"}`, tc.code)
			}))
			defer srv.Close()
			c, err := eaccounting.New(eaccounting.Config{BaseURL: srv.URL, ClientID: t.Name(), Tokens: eaccounting.StaticToken("t"), RequestsPerMinute: -1})
			require.NoError(t, err)
			_, err = c.CompanySettings(context.Background())
			var ce *connectors.Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.kind, ce.Kind)
			assert.NotContains(t, ce.Message, "jan@example.com", "personal data is scrubbed")
		})
	}
}

func TestPacingCountsPerEndpoint(t *testing.T) {
	h := newHarness(t, sim.Options{RequestsPerMinute: -1})
	c := h.client(t, eaccounting.StaticToken(h.connect(t).AccessToken), func(c *eaccounting.Config) { c.RequestsPerMinute = 1 })
	ctx := context.Background()
	_, err := c.CompanySettings(ctx)
	require.NoError(t, err)
	_, err = c.ListCustomers(ctx, eaccounting.ListOptions{})
	require.NoError(t, err, "another endpoint has its own allowance")

	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	_, err = c.ListCustomers(short, eaccounting.ListOptions{})
	assert.Equal(t, connectors.KindRateLimited, connectors.KindOf(err), "the second call on one endpoint waits a minute: %v", err)
	assert.Equal(t, 1, h.sim.Calls().Count(eaccounting.OpListCustomers))
}

func TestSettings(t *testing.T) {
	_, err := eaccounting.ConfigFromSettings(connectors.Settings{BaseURL: eaccounting.ProductionAPI,
		Options: map[string]string{"scopes": "ea:sales"}, ReadsPerMinute: 10})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "options.scopes: lacks ea:api")
	assert.Contains(t, err.Error(), "options.scopes: lacks offline_access")
	assert.Contains(t, err.Error(), "rateLimit: eaccounting counts calls per endpoint")

	cfg, err := eaccounting.ConfigFromSettings(connectors.Settings{BaseURL: eaccounting.ProductionAPI, TotalPerMinute: 300,
		Credentials: map[string]string{"clientId": "app", "clientSecret": "s"}, Options: map[string]string{"pageSize": "500"}})
	require.NoError(t, err)
	assert.Equal(t, 300, cfg.RequestsPerMinute)
	assert.Equal(t, 500, cfg.PageSize)
	assert.Equal(t, "app", cfg.ClientID)

	oa, err := eaccounting.OAuthFromSettings(connectors.Settings{BaseURL: "https://eaccountingapi-sandbox.test.vismaonline.com",
		Credentials: map[string]string{"clientId": "app", "clientSecret": "s"},
		Options:     map[string]string{"scopes": "ea:api offline_access ea:sales", "redirectURI": "https://koppel.example/cb"}})
	require.NoError(t, err)
	assert.Equal(t, eaccounting.SandboxIdentity+"/connect/token", oa.TokenURL)
	assert.Equal(t, eaccounting.SandboxIdentity+"/connect/authorize", oa.AuthorizeURL)
	assert.Equal(t, []string{"ea:api", "offline_access", "ea:sales"}, oa.Scopes)
	assert.Equal(t, "https://koppel.example/cb", oa.RedirectURI)

	oa, err = eaccounting.OAuthFromSettings(connectors.Settings{BaseURL: eaccounting.ProductionAPI,
		Credentials: map[string]string{"clientId": "app", "clientSecret": "s"}})
	require.NoError(t, err)
	assert.Equal(t, eaccounting.ProductionIdentity+"/connect/token", oa.TokenURL)

	_, err = eaccounting.New(eaccounting.Config{BaseURL: "ftp://x"})
	require.Error(t, err)
	for _, want := range []string{"baseURL", "credentials.clientId", "tokens"} {
		assert.Contains(t, err.Error(), want)
	}
}

// The registration completes (capabilities and options derived; register.go
// registers it from init) and its client prototype is the type New builds.
func TestRegistration(t *testing.T) {
	r, ok := connectors.Lookup(eaccounting.System)
	require.True(t, ok)
	assert.ElementsMatch(t, []connectors.Capability{connectors.CapOrderTarget, connectors.CapCustomerTarget, connectors.CapCustomerDetails,
		connectors.CapProductLookup, connectors.CapProductTarget, connectors.CapStockTarget}, r.Capabilities)
	assert.False(t, r.Has(connectors.CapProductImages), "the API has no article images")
	assert.ElementsMatch(t, []connectors.OrderKind{connectors.KindOrder, connectors.KindInvoice, connectors.KindSalesInvoice, connectors.KindQuote}, r.OrderKinds)
	assert.ElementsMatch(t, []string{"identityURL", "redirectURI", "scopes", "pageSize", "currency", "shippingArticles", "discountArticles",
		"costArticles", "fallbackArticles", "roundingArticle", "codings", "unit", "variants", "defaultPaymentTermDays"}, r.OptionNames())
	c, err := r.New(connectors.Settings{BaseURL: eaccounting.SandboxAPI, Credentials: map[string]string{"clientId": "a", "clientSecret": "b"},
		Tokens: eaccounting.StaticToken("t")})
	require.NoError(t, err)
	assert.Equal(t, reflect.TypeOf(r.Client), reflect.TypeOf(c))
}
