package sim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/conntest"
	"github.com/koppel/koppel/connectors/conntest/contract"
	"github.com/koppel/koppel/connectors/shopware6/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

const keyID, secret = "SWIASIMTESTKEY000000000001", "sim-test-secret"

type shop struct {
	t     *testing.T
	sim   *sim.Sim
	url   string
	clock *conntest.Clock
	token string
}

func newShop(t *testing.T, o sim.Options) *shop {
	t.Helper()
	clock := conntest.NewClock(time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC))
	o.AccessKeyID, o.SecretAccessKey, o.Now = keyID, secret, clock.Now
	s := &shop{t: t, sim: sim.New(o), clock: clock}
	srv := httptest.NewServer(s.sim)
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

// answer is a decoded response.
type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (s *shop) do(method, path, contentType, body string, header map[string]string) answer {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	require.NoError(s.t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

func (s *shop) login() string {
	s.t.Helper()
	a := s.do("POST", "/api/oauth/token", "application/json",
		fmt.Sprintf(`{"grant_type":"client_credentials","client_id":%q,"client_secret":%q}`, keyID, secret), nil)
	require.Equal(s.t, 200, a.status, a.raw)
	s.token = a.body["access_token"].(string)
	return s.token
}

// api calls a data route with the current token.
func (s *shop) api(method, path, body string) answer {
	s.t.Helper()
	if s.token == "" {
		s.login()
	}
	return s.do(method, path, "application/json", body, map[string]string{"Authorization": "Bearer " + s.token, "Accept": "application/json"})
}

// search returns the ids found, in order, and the total.
func (s *shop) search(body string) ([]string, int) {
	s.t.Helper()
	a := s.api("POST", "/api/search/order", body)
	require.Equal(s.t, 200, a.status, a.raw)
	var ids []string
	for _, d := range a.body["data"].([]any) {
		ids = append(ids, d.(map[string]any)["id"].(string))
	}
	return ids, int(a.body["total"].(float64))
}

func firstError(a answer) map[string]any {
	errs, _ := a.body["errors"].([]any)
	if len(errs) == 0 {
		return nil
	}
	return errs[0].(map[string]any)
}

func order(n int, at time.Time, paid bool) model.Order {
	c := simkit.DemoCustomers()[n%len(simkit.DemoCustomers())].Customer
	cat := simkit.DemoProducts()
	o := model.Order{CreatedAt: at, Status: model.StatusPending, Paid: paid, Currency: "EUR", PricesIncludeVAT: true, Customer: c,
		Lines: []model.OrderLine{cat[n%len(cat)].Line(int64(n%3 + 1))}, ShippingCost: model.NewMoney(495, "EUR"), ShippingVAT: model.VATPercent(21),
		ShippingMethod: "PostNL", PaymentMethod: "iDEAL"}
	o.Total = o.ComputedTotal()
	return o
}

func TestTokenEndpointTakesJSONFormAndBasic(t *testing.T) {
	s := newShop(t, sim.Options{})
	forms := []struct {
		name, contentType, body string
		basic                   bool
	}{
		{"JSON (the contract)", "application/json", fmt.Sprintf(`{"grant_type":"client_credentials","client_id":%q,"client_secret":%q}`, keyID, secret), false},
		{"form", "application/x-www-form-urlencoded", url.Values{"grant_type": {"client_credentials"}, "client_id": {keyID}, "client_secret": {secret}}.Encode(), false},
		{"Basic header", "application/x-www-form-urlencoded", "grant_type=client_credentials", true},
	}
	for _, f := range forms {
		req, _ := http.NewRequest("POST", s.url+"/api/oauth/token", strings.NewReader(f.body))
		req.Header.Set("Content-Type", f.contentType)
		if f.basic {
			req.SetBasicAuth(keyID, secret)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var tok map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode, f.name)
		assert.Equal(t, "Bearer", tok["token_type"], f.name)
		assert.EqualValues(t, 600, tok["expires_in"], f.name)
		assert.Len(t, strings.Split(tok["access_token"].(string), "."), 3, "%s: a JWT", f.name)
	}
}

func TestTokenEndpointRefusals(t *testing.T) {
	s := newShop(t, sim.Options{})
	bad := s.do("POST", "/api/oauth/token", "application/json", fmt.Sprintf(`{"grant_type":"client_credentials","client_id":%q,"client_secret":"wrong"}`, keyID), nil)
	assert.Equal(t, 401, bad.status)
	assert.Equal(t, map[string]any{"status": "401", "code": "4", "title": "Unauthorized", "detail": "Client authentication failed"}, firstError(bad))

	grant := s.do("POST", "/api/oauth/token", "application/json", fmt.Sprintf(`{"grant_type":"password","client_id":%q}`, keyID), nil)
	assert.Equal(t, 400, grant.status)
	assert.Equal(t, "2", firstError(grant)["code"])

	missing := s.do("POST", "/api/oauth/token", "application/json", `{"grant_type":"client_credentials"}`, nil)
	assert.Equal(t, 400, missing.status)
	assert.Contains(t, firstError(missing)["detail"], "client_id")
}

// Shopware's login limiter backs off after 10 failed attempts; a success
// resets it.
func TestLoginLimiterBacksOff(t *testing.T) {
	s := newShop(t, sim.Options{})
	attempt := func(sec string) answer {
		return s.do("POST", "/api/oauth/token", "application/json", fmt.Sprintf(`{"grant_type":"client_credentials","client_id":%q,"client_secret":%q}`, keyID, sec), nil)
	}
	for i := range 10 {
		require.Equal(t, 401, attempt("wrong").status, "attempt %d", i+1)
	}
	limited := attempt(secret)
	require.Equal(t, 429, limited.status, "even the right secret waits")
	assert.Equal(t, "10", limited.header.Get("Retry-After"))
	assert.Equal(t, "FRAMEWORK__RATE_LIMIT_EXCEEDED", firstError(limited)["code"])
	s.clock.Advance(10 * time.Second)
	require.Equal(t, 200, attempt(secret).status)
	require.Equal(t, 401, attempt("wrong").status, "the success reset the count")
	require.Equal(t, 401, attempt("wrong").status)

	unlimited := newShop(t, sim.Options{NoLoginLimiter: true})
	for range 12 {
		require.Equal(t, 401, unlimited.do("POST", "/api/oauth/token", "application/json",
			fmt.Sprintf(`{"grant_type":"client_credentials","client_id":%q,"client_secret":"wrong"}`, keyID), nil).status)
	}
}

func TestBearerCheck(t *testing.T) {
	s := newShop(t, sim.Options{TokenTTL: time.Minute})
	body := `{"limit":1}`
	none := s.do("POST", "/api/search/order", "application/json", body, map[string]string{"Accept": "application/json"})
	assert.Equal(t, 401, none.status)
	assert.Equal(t, "9", firstError(none)["code"])

	forged := s.do("POST", "/api/search/order", "application/json", body, map[string]string{"Accept": "application/json", "Authorization": "Bearer a.b.c"})
	assert.Equal(t, 401, forged.status)

	s.login()
	assert.Equal(t, 200, s.api("POST", "/api/search/order", body).status)
	s.clock.Advance(time.Minute)
	assert.Equal(t, 401, s.api("POST", "/api/search/order", body).status, "expired by the shop's clock")
	s.login()
	s.sim.RevokeTokens()
	assert.Equal(t, 401, s.api("POST", "/api/search/order", body).status, "revoked")

	s.login()
	other := s.do("POST", "/api/search/order", "application/json", body, map[string]string{"Authorization": "Bearer " + s.token, "Accept": "application/vnd.api+json"})
	assert.Equal(t, 406, other.status, "the simulator answers application/json only")
}

func TestSearchFilters(t *testing.T) {
	s := newShop(t, sim.Options{})
	t0 := s.clock.Now()
	ids := make([]string, 5)
	for i := range ids {
		ids[i] = s.sim.AddOrder(order(i, t0.Add(time.Duration(i-5)*time.Hour), i%2 == 0))
	}
	s.clock.Advance(time.Minute)
	require.NoError(t, s.sim.Touch(ids[1]))
	sorted := func(v []string) []string { sort.Strings(v); return v }

	tests := []struct {
		name, filter string
		want         []string
	}{
		{"equals", `{"type":"equals","field":"orderNumber","value":"10002"}`, []string{ids[2]}},
		{"equals null", `{"type":"equals","field":"updatedAt","value":null}`, []string{ids[0], ids[2], ids[3], ids[4]}},
		{"equalsAny list", fmt.Sprintf(`{"type":"equalsAny","field":"id","value":[%q,%q]}`, ids[0], ids[3]), []string{ids[0], ids[3]}},
		{"equalsAny pipes", fmt.Sprintf(`{"type":"equalsAny","field":"id","value":"%s|%s"}`, ids[1], ids[4]), []string{ids[1], ids[4]}},
		{"contains, any case", `{"type":"contains","field":"orderCustomer.email","value":"BOER"}`, []string{ids[0]}},
		{"prefix", `{"type":"prefix","field":"orderCustomer.email","value":"jan."}`, []string{ids[1]}},
		{"suffix", `{"type":"suffix","field":"orderCustomer.email","value":".example"}`, []string{ids[2], ids[3]}},
		{"range on a time, storage form", `{"type":"range","field":"createdAt","parameters":{"gte":"` + t0.Add(-3*time.Hour).Format("2006-01-02 15:04:05.000") + `"}}`, []string{ids[2], ids[3], ids[4]}},
		{"range on a time, ISO form", `{"type":"range","field":"orderDateTime","parameters":{"gt":"` + t0.Add(-3*time.Hour).Format(time.RFC3339) + `","lt":"` + t0.Add(-time.Hour).Format(time.RFC3339) + `"}}`, []string{ids[3]}},
		{"range on a number", `{"type":"range","field":"amountTotal","parameters":{"lte":15}}`, []string{ids[3], ids[4]}}, // 13.45 and 11.45
		{"through to-many associations", `{"type":"equals","field":"transactions.stateMachineState.technicalName","value":"paid"}`, []string{ids[0], ids[2], ids[4]}},
		{"entity prefix", `{"type":"equals","field":"order.orderNumber","value":"10000"}`, []string{ids[0]}},
		{"multi or", `{"type":"multi","operator":"or","queries":[{"type":"equals","field":"orderNumber","value":"10000"},{"type":"equals","field":"orderNumber","value":"10004"}]}`, []string{ids[0], ids[4]}},
		{"not", `{"type":"not","operator":"or","queries":[{"type":"equals","field":"orderNumber","value":"10000"},{"type":"equals","field":"orderNumber","value":"10004"}]}`, []string{ids[1], ids[2], ids[3]}},
		{"updated since", `{"type":"range","field":"updatedAt","parameters":{"gte":"` + t0.Format(time.RFC3339) + `"}}`, []string{ids[1]}},
	}
	for _, tt := range tests {
		got, total := s.search(`{"filter":[` + tt.filter + `],"total-count-mode":"exact"}`)
		assert.Equal(t, sorted(tt.want), sorted(got), tt.name)
		assert.Equal(t, len(tt.want), total, tt.name)
	}
}

func TestSearchSortPageAndTotals(t *testing.T) {
	s := newShop(t, sim.Options{})
	var ids []string
	for i := range 7 {
		ids = append(ids, s.sim.AddOrder(order(i, s.clock.Now().Add(time.Duration(i)*time.Minute), true)))
	}
	desc, _ := s.search(`{"sort":[{"field":"orderDateTime","order":"DESC"}]}`)
	require.Len(t, desc, 7)
	assert.Equal(t, ids[6], desc[0])
	assert.Equal(t, ids[0], desc[6])

	page2, total := s.search(`{"sort":[{"field":"createdAt","order":"ASC"}],"page":2,"limit":3,"total-count-mode":"exact"}`)
	assert.Equal(t, ids[3:6], page2)
	assert.Equal(t, 7, total)
	_, total = s.search(`{"page":1,"limit":3}`)
	assert.Equal(t, 3, total, "total-count-mode none: the page's count")
	_, total = s.search(`{"page":1,"limit":1,"total-count-mode":"next-pages"}`)
	assert.Equal(t, 7, total, "next-pages looks a few pages ahead")
	_, total = s.search(`{"page":1,"limit":3,"total-count-mode":1}`)
	assert.Equal(t, 7, total, "the numbers 0-2 name the modes too")
	byID, _ := s.search(fmt.Sprintf(`{"ids":[%q]}`, ids[4]))
	assert.Equal(t, []string{ids[4]}, byID)
}

func TestSearchLoadsOnlyAskedAssociations(t *testing.T) {
	s := newShop(t, sim.Options{})
	id := s.sim.AddOrder(order(0, s.clock.Now(), true))
	plain := s.api("POST", "/api/search/order", `{}`).body["data"].([]any)[0].(map[string]any)
	for _, assoc := range []string{"lineItems", "transactions", "deliveries", "stateMachineState", "orderCustomer", "billingAddress", "currency"} {
		assert.NotContains(t, plain, assoc, "from 6.6 nothing is loaded unasked")
	}
	assert.Equal(t, id, plain["id"])
	assert.Equal(t, "order", plain["apiAlias"])
	assert.NotContains(t, plain, "updatedAt", "a null field is left out, as the contract declares none nullable")

	deep := s.api("POST", "/api/search/order", `{"associations":{"deliveries":{"associations":{"shippingOrderAddress":{"associations":{"country":{}}}}}}}`).
		body["data"].([]any)[0].(map[string]any)
	d := deep["deliveries"].([]any)[0].(map[string]any)
	assert.Equal(t, "NL", d["shippingOrderAddress"].(map[string]any)["country"].(map[string]any)["iso"])
	assert.NotContains(t, d, "stateMachineState")

	old := newShop(t, sim.Options{Version: "6.5"})
	old.sim.AddOrder(order(0, old.clock.Now(), true))
	o := old.api("POST", "/api/search/order", `{"associations":{"deliveries":{}}}`).body["data"].([]any)[0].(map[string]any)
	assert.Contains(t, o, "stateMachineState", "autoloaded before 6.6")
	assert.Contains(t, o["deliveries"].([]any)[0], "shippingOrderAddress", "autoloaded before 6.6")
	assert.NotContains(t, o, "primaryOrderTransactionId", "6.7 and later only")

	inc := s.api("POST", "/api/search/order", `{"includes":{"order":["id","orderNumber"]}}`).body["data"].([]any)[0].(map[string]any)
	assert.ElementsMatch(t, []string{"id", "orderNumber", "apiAlias"}, keys(inc))
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestSearchRefusesWhatItCannotRead(t *testing.T) {
	s := newShop(t, sim.Options{MaxLimit: 10})
	tests := []struct {
		body, code, pointer string
	}{
		{`{"filter":[{"type":"equals","field":"colour","value":"red"}]}`, "FRAMEWORK__UNMAPPED_FIELD", "/filter/0/field"},
		{`{"filter":[{"type":"fuzzy","field":"id","value":"x"}]}`, "FRAMEWORK__INVALID_FILTER_QUERY", "/filter/0/type"},
		{`{"sort":[{"field":"lineItems.colour"}]}`, "FRAMEWORK__UNMAPPED_FIELD", "/sort/0/field"},
		{`{"associations":{"wishlist":{}}}`, "FRAMEWORK__ASSOCIATION_NOT_FOUND", "/associations/wishlist"},
		{`{"limit":0}`, "FRAMEWORK__INVALID_LIMIT_QUERY", "/limit"},
		{`{"limit":11}`, "FRAMEWORK__INVALID_LIMIT_QUERY", "/limit"},
		{`{"aggregations":[{"name":"n","type":"count","field":"id"}]}`, "FRAMEWORK__NOT_SIMULATED", "/aggregations"},
		{`{"total-count-mode":"some"}`, "FRAMEWORK__INVALID_CRITERIA_PARAMETERS", "/total-count-mode"},
	}
	for _, tt := range tests {
		a := s.api("POST", "/api/search/order", tt.body)
		require.Equal(t, 400, a.status, tt.body)
		e := firstError(a)
		assert.Equal(t, tt.code, e["code"], tt.body)
		assert.Equal(t, map[string]any{"pointer": tt.pointer}, e["source"], tt.body)
	}
	assert.Equal(t, 400, s.api("POST", "/api/search/order", `{"filter":`).status, "malformed JSON")
}

func TestStateTransitions(t *testing.T) {
	s := newShop(t, sim.Options{})
	id := s.sim.AddOrder(order(0, s.clock.Now(), false))
	o, _ := s.sim.Order(id)
	payID := o["transactions"].([]any)[0].(map[string]any)["id"].(string)

	s.clock.Advance(time.Minute)
	a := s.api("POST", "/api/_action/order_transaction/"+payID+"/state/pay", `{"sendMail":false}`)
	require.Equal(t, 200, a.status, a.raw)
	assert.Equal(t, "paid", a.body["technicalName"])
	assert.Equal(t, "state_machine_state", a.body["apiAlias"])
	o, _ = s.sim.Order(id)
	pay := o["transactions"].([]any)[0].(map[string]any)
	assert.Equal(t, "paid", pay["stateMachineState"].(map[string]any)["technicalName"])
	assert.Equal(t, s.clock.Now().Format("2006-01-02T15:04:05.000+00:00"), pay["updatedAt"], "the payment was written")
	assert.NotContains(t, o, "updatedAt", "the order itself was not")

	again := s.api("POST", "/api/_action/order_transaction/"+payID+"/state/pay", "")
	require.Equal(t, 400, again.status)
	e := firstError(again)
	assert.Equal(t, "SYSTEM__ILLEGAL_STATE_TRANSITION", e["code"])
	assert.Equal(t, `Illegal transition "pay" from state "paid". Possible transitions are: cancel, chargeback, refund, refund_partially, reopen`, e["detail"])

	list := s.api("GET", "/api/_action/state-machine/order/"+id+"/state", "")
	require.Equal(t, 200, list.status)
	var actions []string
	for _, tr := range list.body["transitions"].([]any) {
		actions = append(actions, tr.(map[string]any)["actionName"].(string))
	}
	assert.Equal(t, []string{"cancel", "process"}, actions)

	require.Equal(t, 200, s.api("POST", "/api/_action/order/"+id+"/state/process", "").status)
	o, _ = s.sim.Order(id)
	assert.Equal(t, "in_progress", o["stateMachineState"].(map[string]any)["technicalName"])
	assert.Contains(t, o, "updatedAt", "an order transition writes the order")

	missing := s.api("POST", "/api/_action/order/"+strings.Repeat("0", 32)+"/state/process", "")
	assert.Equal(t, 404, missing.status)
	assert.Equal(t, "FRAMEWORK__RESOURCE_NOT_FOUND", firstError(missing)["code"])

	require.NoError(t, s.sim.Transition(sim.DeliveryMachine, id, "ship"))
	assert.Error(t, s.sim.Transition(sim.DeliveryMachine, id, "ship_partially"), "shipped cannot ship partially")
}

func TestGetOrder(t *testing.T) {
	s := newShop(t, sim.Options{})
	id := s.sim.AddOrder(order(0, s.clock.Now(), true))
	got := s.api("GET", "/api/order/"+id, "")
	require.Equal(t, 200, got.status)
	assert.Equal(t, id, got.body["data"].(map[string]any)["id"])
	assert.Equal(t, 404, s.api("GET", "/api/order/"+strings.Repeat("a", 32), "").status)
	assert.Equal(t, 400, s.api("GET", "/api/order/42", "").status)
	assert.Equal(t, 404, s.api("GET", "/api/no-such-route", "").status)
}

func TestHostLimitAndFaults(t *testing.T) {
	s := newShop(t, sim.Options{RequestsPerMinute: 2})
	for range 2 {
		require.Equal(t, 200, s.api("POST", "/api/search/order", `{}`).status)
	}
	limited := s.api("POST", "/api/search/order", `{}`)
	require.Equal(t, 429, limited.status)
	assert.Equal(t, "60", limited.header.Get("Retry-After"))
	s.clock.Advance(time.Minute)
	require.Equal(t, 200, s.api("POST", "/api/search/order", `{}`).status)

	s.sim.Faults().Add(simkit.Rule{Op: sim.OpSearchOrders, Kind: simkit.FaultRateLimit, RetryAfter: 7 * time.Second, Times: 1})
	faulted := s.api("POST", "/api/search/order", `{}`)
	assert.Equal(t, 429, faulted.status)
	assert.Equal(t, "7", faulted.header.Get("Retry-After"))
	s.sim.Faults().Add(simkit.Rule{Op: sim.OpSearchOrders, Kind: simkit.FaultStatus, Status: 503, Times: 1})
	assert.Equal(t, 503, s.api("POST", "/api/search/order", `{}`).status)
	assert.Equal(t, 4, s.sim.Served(sim.OpSearchOrders), "faults are not served")
}

func TestSnapshotRestore(t *testing.T) {
	s := newShop(t, sim.Options{})
	id := s.sim.AddOrder(order(2, s.clock.Now(), false))
	require.NoError(t, s.sim.SetPaid(id))
	snap, err := s.sim.Snapshot()
	require.NoError(t, err)
	before, _ := s.sim.Order(id)

	s.login()
	require.NoError(t, s.sim.Restore(snap))
	assert.Equal(t, 401, s.api("POST", "/api/search/order", `{}`).status, "tokens do not survive a restore")
	after, ok := s.sim.Order(id)
	require.True(t, ok)
	assert.Equal(t, before, after)

	other := sim.New(sim.Options{})
	require.NoError(t, other.Restore(snap))
	again, err := other.Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(snap), string(again))
	assert.Error(t, other.Restore([]byte(`{"orders":[{"id":"x"}]}`)))
	assert.Error(t, other.Restore([]byte(`not json`)))
}

// What AddOrder stores adds up as the cart computes it.
func TestSeededAmounts(t *testing.T) {
	s := newShop(t, sim.Options{TaxListsAsArrays: true})
	cat := simkit.DemoProducts()
	o := model.Order{Currency: "EUR", PricesIncludeVAT: false, Customer: simkit.DemoCustomers()[2].Customer,
		Lines:        []model.OrderLine{{SKU: cat[0].SKU, Name: cat[0].Name, Quantity: model.Pieces(3), UnitPrice: model.NewMoney(1835, "EUR"), VAT: model.VATPercent(9)}},
		ShippingCost: model.NewMoney(409, "EUR"), ShippingVAT: model.VATPercent(21)}
	o.Total = o.ComputedTotal()
	id := s.sim.AddOrder(o)
	got, _ := s.sim.Order(id)
	var raw bytes.Buffer
	require.NoError(t, json.NewEncoder(&raw).Encode(got))
	var back struct {
		AmountTotal json.Number `json:"amountTotal"`
		AmountNet   json.Number `json:"amountNet"`
		TaxStatus   string      `json:"taxStatus"`
		Price       struct {
			CalculatedTaxes []struct {
				Tax     json.Number `json:"tax"`
				TaxRate json.Number `json:"taxRate"`
			} `json:"calculatedTaxes"`
		} `json:"price"`
	}
	require.NoError(t, json.Unmarshal(raw.Bytes(), &back))
	assert.Equal(t, "net", back.TaxStatus)
	assert.Equal(t, json.Number("59.14"), back.AmountNet, "55.05 + 4.09")
	assert.Equal(t, json.Number("64.95"), back.AmountTotal, "+ 4.95 (9 % of 55.05) + 0.86 (21 % of 4.09), rounded per line")
	require.Len(t, back.Price.CalculatedTaxes, 2)
	assert.Equal(t, json.Number("21"), back.Price.CalculatedTaxes[0].TaxRate, "highest rate first")
	assert.Equal(t, json.Number("0.86"), back.Price.CalculatedTaxes[0].Tax)
	assert.Equal(t, json.Number("4.95"), back.Price.CalculatedTaxes[1].Tax)
	assert.Equal(t, o.Total.Amount, int64(6495))
}

// Every route's answers (and these requests) match the contract, beyond
// the token and order search the conformance run checks.
func TestRoutesMatchTheContract(t *testing.T) {
	api := contract.OpenAPIForTest(t, contract.ShopwareOpenAPI)
	s := newShop(t, sim.Options{})
	srv := httptest.NewServer(api.Handler(t, s.sim))
	t.Cleanup(srv.Close)
	s.url = srv.URL
	o := order(5, s.clock.Now(), false) // the Belgian company
	o.Customer.Billing.Region = "Antwerpen"
	o.Adjustments = []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: "Actie", Amount: model.NewMoney(-100, "EUR"), VAT: model.VATPercent(21)}}
	o.Total = o.ComputedTotal()
	id := s.sim.AddOrderWith(o, sim.OrderOptions{PromotionCode: "ACTIE"})

	all := `{"associations":{"stateMachineState":{},"currency":{},"lineItems":{},"orderCustomer":{"associations":{"customer":{}}},
		"billingAddress":{"associations":{"country":{},"countryState":{}}},"addresses":{},
		"transactions":{"associations":{"stateMachineState":{},"paymentMethod":{}}},
		"deliveries":{"associations":{"stateMachineState":{},"shippingMethod":{},"shippingOrderAddress":{"associations":{"country":{}}}}}},
		"filter":[{"type":"multi","operator":"or","queries":[{"type":"range","field":"updatedAt","parameters":{"gte":"2026-01-01 00:00:00.000"}},
		{"type":"equalsAny","field":"transactions.stateMachineState.technicalName","value":["open","paid"]}]}],
		"sort":[{"field":"createdAt","order":"ASC"}],"page":1,"limit":10,"total-count-mode":"exact"}`
	got, total := s.search(all)
	require.Equal(t, []string{id}, got)
	require.Equal(t, 1, total)
	assert.Equal(t, 200, s.api("GET", "/api/order/"+id, "").status)
	assert.Equal(t, 200, s.api("POST", "/api/_action/order/"+id+"/state/process", `{"sendMail":false}`).status)
	assert.Equal(t, 200, s.api("GET", "/api/_action/state-machine/order/"+id+"/state", "").status)
	assert.Equal(t, 200, s.api("GET", "/api/_info/version", "").status)
	for _, entity := range []string{"customer", "currency", "country", "payment-method", "shipping-method", "state-machine-state"} {
		assert.Equal(t, 200, s.api("POST", "/api/search/"+entity, `{"limit":5}`).status, entity)
	}
	assert.Equal(t, 401, s.do("POST", "/api/search/order", "application/json", `{}`, map[string]string{"Accept": "application/json"}).status)
	assert.Equal(t, 400, s.api("POST", "/api/search/order", `{"filter":[{"type":"equals","field":"colour","value":"red"}]}`).status)
}
