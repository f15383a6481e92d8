package shopware6_test

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
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/conntest"
	"github.com/koppel/koppel/connectors/shopware6"
	"github.com/koppel/koppel/connectors/shopware6/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

const keyID, secret = "SWIACLIENTTESTKEY00000001", "client-test-secret-access-key"

// fixture is a simulated shop with a client against it. wrap, when set,
// stands between the two (a proxy, a recorder).
type fixture struct {
	t      *testing.T
	shop   *sim.Sim
	client *shopware6.Client
	clock  *conntest.Clock
	url    string
	mu     sync.Mutex
	calls  []string
}

func newFixture(t *testing.T, so sim.Options, co shopware6.Config, wrap func(http.Handler) http.Handler) *fixture {
	t.Helper()
	f := &fixture{t: t, clock: conntest.NewClock(time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC))}
	so.AccessKeyID, so.SecretAccessKey, so.Now = keyID, secret, f.clock.Now
	f.shop = sim.New(so)
	var h http.Handler = f.shop
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	f.url = srv.URL
	co.BaseURL, co.Now = srv.URL, f.clock.Now
	if co.AccessKeyID == "" {
		co.AccessKeyID = keyID
	}
	if co.SecretAccessKey == "" {
		co.SecretAccessKey = secret
	}
	co.Observe = func(system, op string, status int, _ time.Duration, _ error) {
		assert.Equal(t, shopware6.System, system)
		f.mu.Lock()
		f.calls = append(f.calls, fmt.Sprintf("%s %d", op, status))
		f.mu.Unlock()
	}
	c, err := shopware6.New(co)
	require.NoError(t, err)
	f.client = c
	return f
}

func (f *fixture) ops() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func eur(c int64) model.Money { return model.NewMoney(c, "EUR") }

// connErr asserts err is a connector error of kind and returns it.
func connErr(t *testing.T, err error, kind connectors.ErrorKind) *connectors.Error {
	t.Helper()
	var ce *connectors.Error
	require.True(t, errors.As(err, &ce), "want a *connectors.Error, got %T: %v", err, err)
	assert.Equal(t, kind, ce.Kind, "%v", err)
	assert.Equal(t, shopware6.System, ce.System)
	assert.NotContains(t, err.Error(), secret)
	assert.NotContains(t, ce.Detail, secret)
	return ce
}

func paidOrder(at time.Time) model.Order {
	o := conntest.SampleOrder(0, at, true)
	o.Adjustments = nil // only the promotion tests need them
	o.Total = o.ComputedTotal()
	return o
}

// One token serves many calls: it is reused until it expires.
func TestTokenIsCachedForManyRequests(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	id := f.shop.AddOrder(paidOrder(f.clock.Now()))
	for range 5 {
		_, err := f.client.GetOrderSummary(context.Background(), id)
		require.NoError(t, err)
	}
	assert.Equal(t, 1, f.shop.Served(sim.OpToken))
	assert.Equal(t, 5, f.shop.Served(sim.OpSearchOrders))
	assert.Equal(t, shopware6.OpToken+" 200", f.ops()[0], "the token call is observed")
}

// The token request is the JSON body the contract declares, never the
// Basic header x/oauth2 tries first; data calls carry the bearer token and
// ask for plain JSON.
func TestTokenRequestIsTheDocumentedJSON(t *testing.T) {
	var mu sync.Mutex
	var token, data []*http.Request
	var tokenBody []byte
	record := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(strings.NewReader(string(body)))
			mu.Lock()
			if strings.HasSuffix(r.URL.Path, "/oauth/token") {
				token, tokenBody = append(token, r.Clone(r.Context())), body
			} else {
				data = append(data, r.Clone(r.Context()))
			}
			mu.Unlock()
			next.ServeHTTP(w, r)
		})
	}
	f := newFixture(t, sim.Options{}, shopware6.Config{}, record)
	_, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{PageSize: 1})
	require.NoError(t, err)

	require.Len(t, token, 1, "one token request: the Basic attempt is never sent")
	assert.Equal(t, "/api/oauth/token", token[0].URL.Path)
	assert.Equal(t, "application/json", token[0].Header.Get("Content-Type"))
	assert.Empty(t, token[0].Header.Get("Authorization"))
	assert.JSONEq(t, fmt.Sprintf(`{"grant_type":"client_credentials","client_id":%q,"client_secret":%q}`, keyID, secret), string(tokenBody))
	require.Len(t, data, 1)
	assert.Equal(t, "/api/search/order", data[0].URL.Path)
	assert.True(t, strings.HasPrefix(data[0].Header.Get("Authorization"), "Bearer ey"), "a JWT bearer token")
	assert.Equal(t, "application/json", data[0].Header.Get("Accept"))
}

// A token the shop no longer accepts (expired by its clock, revoked) is
// renewed once and the call made again.
func TestTokenIsRenewedOnceOn401(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	id := f.shop.AddOrder(paidOrder(f.clock.Now()))
	_, err := f.client.GetOrderSummary(context.Background(), id)
	require.NoError(t, err)

	f.clock.Advance(11 * time.Minute) // past the shop's 600 s; the client's own clock says the token is fine
	_, err = f.client.GetOrderSummary(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, 2, f.shop.Served(sim.OpToken))
	assert.Equal(t, 3, f.shop.Served(sim.OpSearchOrders), "the refused call and its repeat")

	f.shop.RevokeTokens()
	_, err = f.client.GetOrderSummary(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, 3, f.shop.Served(sim.OpToken))
}

// A shop that refuses the new token too is an auth error after one renewal.
func TestTokenRefusedAfterRenewalIsAuth(t *testing.T) {
	refuse := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/search/order") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(401)
				_, _ = io.WriteString(w, `{"errors":[{"status":"401","code":"9","title":"Unauthorized","detail":"The resource owner or authorization server denied the request."}]}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	f := newFixture(t, sim.Options{}, shopware6.Config{}, refuse)
	_, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{})
	ce := connErr(t, err, connectors.KindAuth)
	assert.Equal(t, "9", ce.Code)
	assert.Contains(t, ce.Message, "denied the request")
	assert.Contains(t, ce.Message, "secretAccessKey")
	assert.Equal(t, 2, f.shop.Served(sim.OpToken), "one renewal, no more")
}

func TestBadSecretIsAuth(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{SecretAccessKey: "not-the-" + secret}, nil)
	_, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{})
	ce := connErr(t, err, connectors.KindAuth)
	assert.Equal(t, 401, ce.Status)
	assert.Equal(t, "4", ce.Code)
	assert.Equal(t, shopware6.OpToken, ce.Op)
	assert.Contains(t, ce.Message, "Client authentication failed")
	assert.Contains(t, ce.Message, "accessKeyId and secretAccessKey")
	assert.NotContains(t, err.Error(), "not-the-"+secret)
	assert.Equal(t, 1, f.shop.Served(sim.OpToken), "one attempt per call: each failed one counts toward the login limiter")
	assert.Zero(t, f.shop.Served(sim.OpSearchOrders))
}

// After 10 failed logins Shopware's limiter answers 429: rate limited,
// with the wait it names.
func TestLoginLimiterIsRateLimited(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{SecretAccessKey: "wrong"}, nil)
	for range 10 {
		_, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{})
		connErr(t, err, connectors.KindAuth)
	}
	_, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{})
	ce := connErr(t, err, connectors.KindRateLimited)
	assert.Equal(t, 10*time.Second, ce.RetryAfter)
	assert.Equal(t, "FRAMEWORK__RATE_LIMIT_EXCEEDED", ce.Code)
}

func TestSearch429CarriesRetryAfter(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	f.shop.Faults().Add(simkit.Rule{Op: sim.OpSearchOrders, Kind: simkit.FaultRateLimit, RetryAfter: 7 * time.Second, Times: 1})
	_, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{})
	ce := connErr(t, err, connectors.KindRateLimited)
	assert.Equal(t, 7*time.Second, ce.RetryAfter)
	assert.Equal(t, 429, ce.Status)

	// A host's limit in front of the shop: 2 calls a minute.
	limited := newFixture(t, sim.Options{RequestsPerMinute: 2}, shopware6.Config{}, nil)
	for range 2 {
		_, err := limited.client.ListOrders(context.Background(), connectors.OrderQuery{})
		require.NoError(t, err)
	}
	_, err = limited.client.ListOrders(context.Background(), connectors.OrderQuery{})
	ce = connErr(t, err, connectors.KindRateLimited)
	assert.Equal(t, time.Minute, ce.RetryAfter)
}

// A 429 that names no wait (a proxy's) waits the configured default.
func TestSearch429WithoutRetryAfterWaitsTheDefault(t *testing.T) {
	proxy := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/search/order") {
				http.Error(w, "Too Many Requests", 429)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	f := newFixture(t, sim.Options{}, shopware6.Config{}, proxy)
	_, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{})
	assert.Equal(t, shopware6.DefaultRetryAfter, connErr(t, err, connectors.KindRateLimited).RetryAfter)

	g := newFixture(t, sim.Options{}, shopware6.Config{DefaultRetryAfter: 45 * time.Second}, proxy)
	_, err = g.client.ListOrders(context.Background(), connectors.OrderQuery{})
	assert.Equal(t, 45*time.Second, connErr(t, err, connectors.KindRateLimited).RetryAfter)
}

// The errors[] body's code and text reach the error, the field named by its
// JSON pointer.
func TestErrorNamesTheField(t *testing.T) {
	f := newFixture(t, sim.Options{MaxLimit: 10}, shopware6.Config{MaxPageSize: 50}, nil)
	_, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{PageSize: 20})
	ce := connErr(t, err, connectors.KindValidation)
	assert.Equal(t, 400, ce.Status)
	assert.Equal(t, "FRAMEWORK__INVALID_LIMIT_QUERY", ce.Code)
	assert.Equal(t, "/limit: The limit must be lower than or equal to 10.", ce.Message)
}

func TestSearchOutagesAndBrokenAnswers(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	for _, status := range []int{500, 502, 503} {
		f.shop.Faults().Add(simkit.Rule{Op: sim.OpSearchOrders, Kind: simkit.FaultStatus, Status: status, Times: 1})
		_, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{})
		assert.Equal(t, status, connErr(t, err, connectors.KindUnavailable).Status)
	}

	broken := func(body string) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/search/order") {
					w.Header().Set("Content-Type", "application/json")
					_, _ = io.WriteString(w, body)
					return
				}
				next.ServeHTTP(w, r)
			})
		}
	}
	for _, body := range []string{`{<`, `{"total":1,"data":[{"id":`, `{"errors":[]}`} {
		g := newFixture(t, sim.Options{}, shopware6.Config{}, broken(body))
		_, err := g.client.ListOrders(context.Background(), connectors.OrderQuery{})
		connErr(t, err, connectors.KindUnavailable)
	}
}

func TestNewRefusesBadSettingsAtOnce(t *testing.T) {
	_, err := shopware6.New(shopware6.Config{BaseURL: "shop.example.com/admin?x=1", SalesChannelIDs: []string{"storefront"},
		OrderStates: map[string]model.OrderStatus{"on_hold": "waiting"}, FeedConfig: shopware6.FeedConfig{LookBack: 72 * time.Hour}, DateFilter: "unix"})
	require.Error(t, err)
	ce := connErr(t, err, connectors.KindConfig)
	for _, want := range []string{"base URL", "access key id", "secret access key", `sales channel id "storefront"`,
		`order state "on_hold"`, "look-back 72h0m0s", `date filter "unix"`} {
		assert.Contains(t, ce.Message, want)
	}
}

// The base URL may be the shop's address, its /api, or a path the shop is
// installed under.
func TestBaseURLForms(t *testing.T) {
	seen := make(chan string, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.URL.Path
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(503)
	}))
	t.Cleanup(srv.Close)
	for base, want := range map[string]string{srv.URL: "/api/oauth/token", srv.URL + "/api/": "/api/oauth/token", srv.URL + "/shop/public": "/shop/public/api/oauth/token"} {
		c, err := shopware6.New(shopware6.Config{BaseURL: base, AccessKeyID: keyID, SecretAccessKey: secret})
		require.NoError(t, err)
		_, err = c.ListOrders(context.Background(), connectors.OrderQuery{})
		connErr(t, err, connectors.KindUnavailable)
		assert.Equal(t, want, <-seen, base)
	}
}

// The shop's answer to a wrong base URL is a config error, not a retry.
func TestWrongBaseURLIsConfig(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	c, err := shopware6.New(shopware6.Config{BaseURL: srv.URL, AccessKeyID: keyID, SecretAccessKey: secret})
	require.NoError(t, err)
	_, err = c.ListOrders(context.Background(), connectors.OrderQuery{})
	ce := connErr(t, err, connectors.KindConfig)
	assert.Contains(t, ce.Message, "base URL")
}

// httpkit's 401 text is Shopware's errors[] as well: decoded, not dumped.
func TestErrorsBodyIsRead(t *testing.T) {
	body := map[string]any{"errors": []any{
		map[string]any{"status": "400", "code": "c1051bb4-d103-4f74-8988-acbcafc7fdc3", "detail": "This value should not be blank.", "source": map[string]any{"pointer": "/0/taxId"}},
		map[string]any{"status": "400", "code": "c1051bb4-d103-4f74-8988-acbcafc7fdc3", "detail": "This value should not be blank.", "source": map[string]any{"pointer": "/0/price"}},
	}}
	b, _ := json.Marshal(body)
	bad := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/search/order") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(400)
				_, _ = w.Write(b)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	f := newFixture(t, sim.Options{}, shopware6.Config{}, bad)
	_, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{})
	ce := connErr(t, err, connectors.KindValidation)
	assert.Equal(t, "c1051bb4-d103-4f74-8988-acbcafc7fdc3", ce.Code)
	assert.Equal(t, "/0/taxId: This value should not be blank.; /0/price: This value should not be blank.", ce.Message)
}

// An illegal state transition and a 409 are explained, not only passed on.
func TestStateTransitionAndConflictAreExplained(t *testing.T) {
	answer := func(status int, code string) func(http.Handler) http.Handler {
		b, _ := json.Marshal(map[string]any{"errors": []any{map[string]any{"status": fmt.Sprint(status), "code": code, "detail": "refused"}}})
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/search/order") {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(status)
					_, _ = w.Write(b)
					return
				}
				next.ServeHTTP(w, r)
			})
		}
	}
	f := newFixture(t, sim.Options{}, shopware6.Config{}, answer(400, "SYSTEM__ILLEGAL_STATE_TRANSITION"))
	_, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{})
	ce := connErr(t, err, connectors.KindConflict)
	assert.Contains(t, ce.Message, "transitions its state machine allows")

	f = newFixture(t, sim.Options{}, shopware6.Config{}, answer(409, "FRAMEWORK__WRITE_CONFLICT"))
	_, err = f.client.ListOrders(context.Background(), connectors.OrderQuery{})
	ce = connErr(t, err, connectors.KindConflict)
	assert.Contains(t, ce.Message, "another write to the same record came first")
}
