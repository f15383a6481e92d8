package sim_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/ecwid"
	"github.com/koppel/koppel/connectors/ecwid/sim"
	"github.com/koppel/koppel/connectors/simkit"
)

func TestAuth(t *testing.T) {
	const readOnly, public = "secret_read_only", "public_storefront_token"
	st := newStore(t, sim.Options{Tokens: map[string][]string{
		token:    sim.AllScopes,
		readOnly: {ecwid.ScopeReadOrders, ecwid.ScopeReadCatalog},
		public:   nil,
	}})
	enabled, err := st.sim.AddProduct(sim.Product{SKU: "ON", Name: "Aan", Price: 100, Enabled: true, Unlimited: true})
	require.NoError(t, err)
	disabled, err := st.sim.AddProduct(sim.Product{SKU: "OFF", Name: "Uit", Price: 100, Unlimited: true})
	require.NoError(t, err)

	t.Run("token", func(t *testing.T) {
		e := st.do(http.MethodGet, "/orders", nil, "Authorization", "").apiError(t, http.StatusForbidden)
		assert.Equal(t, sim.CodeInvalidToken, e.ErrorCode)
		e = st.do(http.MethodGet, "/orders", nil, "Authorization", "Bearer secret_wrong").apiError(t, http.StatusForbidden)
		assert.Equal(t, sim.CodeInvalidToken, e.ErrorCode)
		r := st.do(http.MethodGet, "/orders?token="+token, nil, "Authorization", "")
		assert.Equal(t, http.StatusOK, r.status, "the older token parameter: %s", r.body)
	})

	t.Run("store", func(t *testing.T) {
		other := strings.Replace(st.base, "/1003", "/1004", 1)
		e := st.do(http.MethodGet, other+"/orders", nil).apiError(t, http.StatusNotFound)
		assert.Equal(t, sim.CodeStoreNotFound, e.ErrorCode)
		root := strings.TrimSuffix(st.base, sim.APIPrefix+"1003")
		assert.Equal(t, http.StatusOK, st.do(http.MethodGet, root+"/1003/profile", nil).status,
			"a base URL of the bare address reaches the store too")
		e = st.do(http.MethodGet, root+"/1004/profile", nil).apiError(t, http.StatusNotFound)
		assert.Equal(t, sim.CodeStoreNotFound, e.ErrorCode)
		e = st.do(http.MethodGet, root+"/", nil).apiError(t, http.StatusNotFound)
		assert.Equal(t, sim.CodeResourceNotFound, e.ErrorCode)
	})

	t.Run("scopes", func(t *testing.T) {
		st.token = readOnly
		defer func() { st.token = token }()
		assert.Equal(t, http.StatusOK, st.do(http.MethodGet, "/orders", nil).status)
		e := st.do(http.MethodPost, "/products", obj{"sku": "N", "name": "N", "price": 1}).apiError(t, http.StatusForbidden)
		assert.Equal(t, sim.CodeInsufficientScope, e.ErrorCode)
		assert.Contains(t, e.ErrorMessage, ecwid.ScopeCreateCatalog)
		e = st.do(http.MethodGet, "/customers", nil).apiError(t, http.StatusForbidden)
		assert.Contains(t, e.ErrorMessage, ecwid.ScopeReadCustomers)
		e = st.do(http.MethodGet, "/profile", nil).apiError(t, http.StatusForbidden)
		assert.Contains(t, e.ErrorMessage, ecwid.ScopeReadProfile)
	})

	t.Run("public token", func(t *testing.T) {
		st.token = public
		defer func() { st.token = token }()
		assert.Equal(t, http.StatusOK, st.do(http.MethodGet, "/profile", nil).status)
		var pg searchPage
		st.ok(http.MethodGet, "/products", nil, &pg)
		assert.Equal(t, 1, pg.Total, "enabled products only")
		st.ok(http.MethodGet, "/products?enabled=false", nil, &pg)
		assert.Equal(t, 0, pg.Total, "a public token cannot list disabled products")
		assert.Equal(t, http.StatusOK, st.do(http.MethodGet, fmt.Sprintf("/products/%d", enabled), nil).status)
		e := st.do(http.MethodGet, fmt.Sprintf("/products/%d", disabled), nil).apiError(t, http.StatusNotFound)
		assert.Equal(t, sim.CodeProductNotFound, e.ErrorCode)
		e = st.do(http.MethodGet, "/orders", nil).apiError(t, http.StatusForbidden)
		assert.Equal(t, sim.CodeInsufficientScope, e.ErrorCode)
		e = st.do(http.MethodPut, fmt.Sprintf("/products/%d", enabled), obj{"price": 2}).apiError(t, http.StatusForbidden)
		assert.Equal(t, sim.CodeInsufficientScope, e.ErrorCode)
	})
}

func TestPlanWithoutAPI(t *testing.T) {
	st := newStore(t, sim.Options{NoAPIAccess: true})
	e := st.do(http.MethodGet, "/profile", nil).apiError(t, http.StatusPaymentRequired)
	assert.Equal(t, sim.CodeNotOnPlan, e.ErrorCode)
	e = st.do(http.MethodGet, "/profile", nil, "Authorization", "Bearer secret_wrong").apiError(t, http.StatusForbidden)
	assert.Equal(t, sim.CodeInvalidToken, e.ErrorCode, "the token is checked before the plan")
}

// The limit is a bucket per token: a burst of the limit, then one
// request per 60/limit seconds, with Retry-After until the next fits.
func TestRateLimit(t *testing.T) {
	const other = "secret_other"
	st := newStore(t, sim.Options{RequestsPerMinute: 3, Tokens: map[string][]string{token: sim.AllScopes, other: sim.AllScopes}})
	for range 3 {
		require.Equal(t, http.StatusOK, st.do(http.MethodGet, "/profile", nil).status)
	}
	r := st.do(http.MethodGet, "/profile", nil)
	e := r.apiError(t, http.StatusTooManyRequests)
	assert.Equal(t, sim.CodeRateLimited, e.ErrorCode)
	assert.Equal(t, "20", r.header.Get("Retry-After"), "one request per 20 s refills")
	assert.Equal(t, http.StatusOK, st.do(http.MethodGet, "/profile", nil, "Authorization", "Bearer "+other).status,
		"each token has its own bucket")
	assert.Equal(t, 4, st.sim.Calls().Count(sim.OpGetProfile), "a refused request is not served")

	st.advance(19 * time.Second)
	r = st.do(http.MethodGet, "/profile", nil)
	require.Equal(t, http.StatusTooManyRequests, r.status)
	assert.Equal(t, "1", r.header.Get("Retry-After"))
	st.advance(time.Second)
	assert.Equal(t, http.StatusOK, st.do(http.MethodGet, "/profile", nil).status)
	assert.Equal(t, http.StatusTooManyRequests, st.do(http.MethodGet, "/profile", nil).status)

	st.sim.SetRateLimit(-1)
	for range 10 {
		require.Equal(t, http.StatusOK, st.do(http.MethodGet, "/profile", nil).status)
	}
}

func TestRegistration(t *testing.T) {
	reg, ok := simkit.Lookup(ecwid.System)
	require.True(t, ok)
	assert.Equal(t, sim.DemoPort, reg.DemoPort)
	assert.Equal(t, map[string]string{ecwid.CredStoreID: "1003", ecwid.CredToken: "secret_koppel_demo_token"}, reg.DemoCredentials)
	inst := reg.Build(simkit.Config{})
	s := inst.(*sim.Sim)
	reg.Seed(inst, simkit.DemoContext{Now: time.Now(), Instance: 1})
	assert.NotEmpty(t, s.Products())
	req := httptest.NewRequest(http.MethodGet, "/api/v3/1003/orders?limit=1", nil)
	req.Header.Set("Authorization", "Bearer "+sim.DemoToken)
	rec := httptest.NewRecorder()
	inst.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	for _, scope := range []string{ecwid.ScopeReadOrders, ecwid.ScopeCreateOrders, ecwid.ScopeUpdateCatalog, ecwid.ScopeReadProfile} {
		assert.Contains(t, sim.AllScopes, scope, "the demo token has every scope")
	}
}
