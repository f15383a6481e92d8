package ecwid

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

func TestEveryCallCarriesTheBearerTokenBelowTheStore(t *testing.T) {
	f := newFake(t)
	_, err := f.client().ListOrders(context.Background(), connectors.OrderQuery{})
	require.NoError(t, err)
	calls := f.callsOf(OpListOrders)
	require.Len(t, calls, 1)
	assert.Equal(t, "Bearer "+fakeToken, calls[0].Auth)
	assert.Equal(t, "/orders", calls[0].Path)
	assert.Empty(t, calls[0].Query.Get("token"), "the token goes in the header only")
}

func TestNewReportsEveryBadSettingAtOnce(t *testing.T) {
	_, err := New(Config{BaseURL: "ftp://x", StoreID: "shop", Token: "",
		Options: Options{PaymentStatuses: map[string]string{"paid": "BETAALD"}, Currency: "EURO"}})
	require.Error(t, err)
	assert.True(t, connectors.IsKind(err, connectors.KindConfig))
	for _, want := range []string{"baseURL", "credentials.storeId", "credentials.token", "options.paymentStatuses", "BETAALD", "options.currency"} {
		assert.Contains(t, err.Error(), want)
	}
	_, err = ConfigFromSettings(connectors.Settings{ReadsPerMinute: 10})
	assert.ErrorContains(t, err, "totalPerMinute")
}

func TestOptionDefaultsDecode(t *testing.T) {
	o := DefaultOptions()
	assert.Equal(t, 100, o.PageSize)
	assert.Equal(t, 24*time.Hour, o.LookupWindow)
	assert.Equal(t, "PAID", o.PaymentStatuses["paid"])
	assert.Equal(t, "DELIVERED", o.FulfillmentStatuses["completed"])
	assert.False(t, o.EcwidFulfillment)
	assert.Equal(t, o, Options{}.withDefaults(), "a zero Options is the defaults")
}

func TestErrorBodiesMapToKinds(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		header  http.Header
		kind    connectors.ErrorKind
		message string
		wait    time.Duration
	}{
		{"wrong parameter names the field", 400, `{"errorMessage":"Field 'limit' must be a number","errorCode":"WRONG_PARAMETER"}`, nil, connectors.KindValidation, "'limit'", 0},
		{"invalid token", 403, `{"errorMessage":"Invalid token","errorCode":"INVALID_API_TOKEN"}`, nil, connectors.KindAuth, "credentials.token", 0},
		{"record not found", 404, `{"errorMessage":"Order not found","errorCode":"ORDER_NOT_FOUND"}`, nil, connectors.KindNotFound, "Order not found", 0},
		{"store not found", 404, `{"errorMessage":"Store not found","errorCode":"STORE_NOT_FOUND"}`, nil, connectors.KindConfig, "credentials.storeId", 0},
		{"conflict", 409, `{"errorMessage":"External ID already used","errorCode":"EXTERNAL_ID_ALREADY_USED"}`, nil, connectors.KindConflict, "External ID", 0},
		{"rate limited with Retry-After", 429, `{"errorMessage":"Too many requests","errorCode":"RATE_LIMITED"}`, http.Header{"Retry-After": {"7"}}, connectors.KindRateLimited, "600 requests", 7 * time.Second},
		{"rate limited without Retry-After", 429, ``, nil, connectors.KindRateLimited, "", DefaultRetryAfter},
		{"plan", 402, `{"errorMessage":"API is not available","errorCode":"NOT_AVAILABLE_ON_CURRENT_PLAN"}`, nil, connectors.KindAuth, "plan", 0},
		{"suspended", 402, `{"errorMessage":"Store is suspended","errorCode":"STORE_IS_SUSPENDED"}`, nil, connectors.KindAuth, "suspended", 0},
		{"internal error", 500, `{"errorMessage":"Internal error","errorCode":"INTERNAL_ERROR"}`, nil, connectors.KindUnavailable, "Internal error", 0},
		{"proxy text", 503, `Service Unavailable`, nil, connectors.KindUnavailable, "Service Unavailable", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.fail(OpGetOrder, tt.status, tt.body, tt.header)
			_, err := f.client().GetOrder(context.Background(), "XJ12H")
			var ce *connectors.Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.kind, ce.Kind, err.Error())
			assert.Equal(t, System, ce.System)
			assert.Equal(t, OpGetOrder, ce.Op)
			assert.Contains(t, ce.Message, tt.message)
			assert.Equal(t, tt.wait, ce.RetryAfter)
			assert.NotContains(t, err.Error(), fakeToken)
		})
	}
}

func TestMissingScopeNamesTheScopeAndWhereToGrantIt(t *testing.T) {
	f := newFake(t)
	f.scopes = map[string]bool{ScopeReadOrders: true}
	_, err := f.client().CreateCustomer(context.Background(), model.Customer{Kind: model.CustomerPerson, Email: "a@example.nl", Person: model.Person{LastName: "Smit"}})
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindAuth, ce.Kind)
	assert.Equal(t, CodeInsufficientScope, ce.Code)
	assert.Contains(t, ce.Message, ScopeCreateCustomers)
	assert.Contains(t, ce.Message, OpCreateCustomer)
	assert.Contains(t, ce.Message, "custom app")
}

func TestAStoreWithoutAPIAccessIsAClearAuthError(t *testing.T) {
	f := newFake(t)
	f.noPlan = true
	_, err := f.client().OrderFeed(context.Background(), connectors.OrderFeedQuery{})
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindAuth, ce.Kind)
	assert.Equal(t, 402, ce.Status)
	assert.Contains(t, ce.Message, "paid plan")
}

func TestAProfileWithoutTheScopeSaysWhichOptionsAvoidIt(t *testing.T) {
	f := newFake(t)
	f.scopes = map[string]bool{ScopeReadOrders: true}
	f.addOrder(`{"id":"X","createTimestamp":1714541188,"total":1,"items":[{"sku":"A","quantity":1,"price":1}],"pricesIncludeTax":true}`)
	_, err := f.client().GetOrder(context.Background(), "X")
	require.Error(t, err)
	assert.True(t, connectors.IsKind(err, connectors.KindAuth))
	assert.Contains(t, err.Error(), ScopeReadProfile)
	assert.Contains(t, err.Error(), "options.currency")
	// with both options set, the profile is never read
	c := f.client(func(cfg *Config) { cfg.Options = Options{Currency: "EUR", PricesIncludeTax: "true"} })
	_, err = c.GetOrder(context.Background(), "X")
	require.NoError(t, err)
	assert.Empty(t, f.callsOf(OpGetProfile)[1:], "only the first client read the profile")
}

func TestTheSharedPacerHoldsTheLimitAcrossClientsOfOneToken(t *testing.T) {
	f := newFake(t)
	a := f.client(func(c *Config) { c.RequestsPerMinute = 60 })
	b := f.client(func(c *Config) { c.RequestsPerMinute = 60 })
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var err error
	for i := 0; i < 20 && err == nil; i++ {
		c := a
		if i%2 == 1 {
			c = b
		}
		_, err = c.ListOrders(ctx, connectors.OrderQuery{})
	}
	// 60 a minute allows a burst of 1 and then one a second: 20 calls in
	// 300 ms are refused by the pacer before the API sees them.
	require.Error(t, err)
	assert.True(t, connectors.IsKind(err, connectors.KindRateLimited) || connectors.IsKind(err, connectors.KindUnavailable), err.Error())
	assert.LessOrEqual(t, len(f.callsOf(OpListOrders)), 4)
}

func TestMoneyIsExactBothWays(t *testing.T) {
	for in, want := range map[string]int64{"19.99": 1999, "0.1": 10, "-0.07": -7, "3": 300, "1.005": 101, "642.404477130936": 64240, "1e2": 10000} {
		got, err := minor(json.Number(in), "x")
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := minor("12,50", "price")
	assert.ErrorContains(t, err, "price")
	assert.Equal(t, "19.99", amount(1999).String())
	assert.Equal(t, "-0.07", amount(-7).String())
	assert.Equal(t, "0.00", amount(0).String())
	assert.Equal(t, "21", percent(2100).String())
	assert.Equal(t, "9.5", percent(950).String())
	// tax inside a gross amount and on top of a net one, half away from zero
	assert.Equal(t, int64(174), taxOf(1000, 2100, true))  // 173.55
	assert.Equal(t, int64(86), taxOf(409, 2100, false))   // 85.89
	assert.Equal(t, int64(-43), taxOf(-207, 2100, false)) // -43.47
	assert.Equal(t, int64(5), taxOf(55, 900, true))       // 4.54
}

func TestOpPathEscapesKeys(t *testing.T) {
	assert.Equal(t, "/orders/SALE-G01ZG", opPath(OpGetOrder, "SALE-G01ZG"))
	assert.Equal(t, "/orders/A%2FB", opPath(OpGetOrder, "A/B"))
	assert.Equal(t, "/products/5/combinations/7", opPath(OpUpdateCombination, "5", "7"))
	assert.True(t, strings.HasPrefix(OpCreateOrder, "POST "))
}
