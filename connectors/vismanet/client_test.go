package vismanet_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/conntest/contract"
	"github.com/koppel/koppel/connectors/httpkit"
	"github.com/koppel/koppel/connectors/vismanet"
	"github.com/koppel/koppel/model"
)

func TestDecimalIsExactBothWays(t *testing.T) {
	for _, tc := range []struct {
		in    string
		want  vismanet.Decimal
		cents int64
	}{
		{"12.30", vismanet.Decimal{Units: 1230, Scale: 2}, 1230},
		{"-0.07", vismanet.Decimal{Units: -7, Scale: 2}, -7},
		{"3", vismanet.Decimal{Units: 3, Scale: 0}, 300},
		{"1.25E+3", vismanet.Decimal{Units: 1250, Scale: 0}, 125000},
		{"4E-2", vismanet.Decimal{Units: 4, Scale: 2}, 4},
		{"0.30000000000000004", vismanet.Decimal{Units: 30000000000000004, Scale: 17}, 30},
		{"19.995", vismanet.Decimal{Units: 19995, Scale: 3}, 2000},
		{"-19.995", vismanet.Decimal{Units: -19995, Scale: 3}, -2000},
		{"123456789.12345678901234", vismanet.Decimal{Units: 123456789123456789, Scale: 9}, 12345678912},
	} {
		got, err := vismanet.ParseDecimal(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
		assert.Equal(t, tc.cents, got.Minor(), tc.in)
	}
	for _, bad := range []string{"", "1.2.3", "abc", "1e", "--1", "1e99"} {
		_, err := vismanet.ParseDecimal(bad)
		assert.Error(t, err, bad)
	}

	// On the wire: written from integers, with every digit of the scale.
	b, err := json.Marshal(map[string]any{"unitPrice": vismanet.V(vismanet.Cents(1240)), "quantity": vismanet.V(vismanet.Qty(model.Pieces(2))),
		"negative": vismanet.Cents(-5)})
	require.NoError(t, err)
	assert.JSONEq(t, `{"unitPrice":{"value":12.40},"quantity":{"value":2.000},"negative":-0.05}`, string(b))
	assert.Contains(t, string(b), `12.40`, "no float formatting on the way")

	var d struct{ A, B, C vismanet.Decimal }
	require.NoError(t, json.Unmarshal([]byte(`{"A": 0.1, "B": null, "C": "7.5"}`), &d))
	assert.Equal(t, int64(10), d.A.Minor())
	assert.True(t, d.B.IsZero())
	assert.Equal(t, model.Quantity(7500), d.C.Quantity())
}

func TestNumberFromLocation(t *testing.T) {
	for loc, want := range map[string]string{
		"https://api.finance.visma.net/v1/customer/10042":           "10042",
		"https://integration.visma.net/API/controller/api/v1/x/99/": "99",
		"/v1/salesorder/SO/000123":                                  "000123",
		"https://api.elsewhere.example/v1/inventory/b64(U0tVLzE)":   "SKU/1",
		"/v1/inventory/A%20B":                                       "A B",
	} {
		got, err := vismanet.NumberFromLocation(loc)
		require.NoError(t, err, loc)
		assert.Equal(t, want, got, loc)
	}
	for _, bad := range []string{"", "https://api.finance.visma.net/"} {
		_, err := vismanet.NumberFromLocation(bad)
		assert.Error(t, err, bad)
	}
	assert.Equal(t, "KOF-1000", vismanet.KeySegment("KOF-1000"))
	assert.Equal(t, "b64(U0tVLzE)", vismanet.KeySegment("SKU/1"), "a reserved character goes base64url")
}

// The token request is client credentials with the tenant and the scopes;
// the token is reused, and renewed once when the API answers 401.
func TestTokenRequestAndRenewalOn401(t *testing.T) {
	f := newFake()
	c := f.client(t, nil)
	ctx := context.Background()
	for range 3 {
		_, _, err := c.GetInventory(ctx, "KOF-1000")
		require.NoError(t, err)
	}
	require.Len(t, f.tokenForms, 1, "the token is cached until it expires")
	form := f.tokenForms[0]
	assert.Equal(t, "client_credentials", form.Get("grant_type"))
	assert.Equal(t, testTenant+"/"+t.Name(), form.Get("tenant_id"))
	assert.Equal(t, strings.Join(vismanet.DefaultScopes, " "), form.Get("scope"))
	assert.Equal(t, testClientID, f.tokenAuth[0])
	assert.Equal(t, testClientID, form.Get("client_id"), "the credentials in the form, as Visma documents")
	assert.Zero(t, f.tokenBasic, "no attempt with a Basic header")

	f.mu.Lock()
	f.tokens = map[string]bool{} // the API forgets the token
	f.mu.Unlock()
	_, found, err := c.GetInventory(ctx, "KOF-1000")
	require.NoError(t, err)
	assert.True(t, found)
	assert.Len(t, f.tokenForms, 2, "one new token after the 401")
	assert.Equal(t, 5, f.count(vismanet.OpGetInventory), "the refused call is sent once more")
}

func TestTokenRefusalsNameTheSettingToFix(t *testing.T) {
	for _, tc := range []struct {
		code  string
		kind  connectors.ErrorKind
		names string
	}{
		{"invalid_scope", connectors.KindConfig, "options.scopes"},
		{"invalid_tenant", connectors.KindConfig, "credentials.tenantId"},
		{"invalid_client", connectors.KindAuth, "credentials.clientId"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			f := newFake()
			f.tokenRefuse = tc.code
			c := f.client(t, nil)
			_, _, err := c.GetInventory(context.Background(), "KOF-1000")
			var ce *connectors.Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.kind, ce.Kind, "%v", err)
			assert.Equal(t, vismanet.System, ce.System)
			assert.Contains(t, ce.Message, tc.names)
			assert.NotContains(t, err.Error(), testSecret)
			assert.Zero(t, f.count(vismanet.OpGetInventory), "no call goes out without a token")
		})
	}
	f := newFake()
	c := f.client(t, func(c *vismanet.Config) { c.ClientSecret = "wrong" })
	_, _, err := c.GetInventory(context.Background(), "KOF-1000")
	assert.Equal(t, connectors.KindAuth, connectors.KindOf(err), "%v", err)
}

// Failures of the token endpoint that are no OAuth2 refusal keep their
// kind: a proxy's 429 and 503, an answer that is no token.
func TestTokenEndpointFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		a    refusal
		kind connectors.ErrorKind
	}{
		{"429", refusal{status: 429, header: http.Header{"Retry-After": {"42"}}, body: "slow down"}, connectors.KindRateLimited},
		{"503", refusal{status: 503, body: "<html>maintenance</html>"}, connectors.KindUnavailable},
		{"not a token", refusal{status: 200, body: `{"token":"old-style"}`}, connectors.KindUnavailable},
		{"garbage", refusal{status: 200, body: `{<`}, connectors.KindUnavailable},
		{"proxy 401", refusal{status: 401, body: "401 Unauthorized"}, connectors.KindAuth},
		{"a web page", refusal{status: 404, body: "<html>not here</html>"}, connectors.KindConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			f.tokenAnswers = []refusal{tc.a}
			c := f.client(t, nil)
			_, _, err := c.GetInventory(context.Background(), "KOF-1000")
			var ce *connectors.Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.kind, ce.Kind, "%v", err)
			assert.Equal(t, vismanet.OpGetInventory, ce.Op)
			if tc.kind == connectors.KindRateLimited {
				assert.Equal(t, 42*time.Second, ce.RetryAfter)
			}
			if tc.kind == connectors.KindConfig {
				assert.Contains(t, ce.Message, "options.tokenURL")
			}
			// The next call gets its token.
			_, _, err = c.GetInventory(context.Background(), "KOF-1000")
			require.NoError(t, err)
		})
	}
}

func TestListingsPageToTheEnd(t *testing.T) {
	f := newFake()
	f.maxPageSize = 3
	for i := range 7 {
		f.customers = append(f.customers, map[string]any{"number": fmt.Sprintf("C%d", i), "name": fmt.Sprintf("Customer %d", i),
			"mainContact": map[string]any{"email": "same@example.com"}, "status": "Active"})
	}
	c := f.client(t, func(c *vismanet.Config) { c.Options.PageSize = 50 })
	rec, err := c.FindCustomer(context.Background(), connectors.CustomerMatch{Field: "email", Value: "SAME@example.com"})
	require.NoError(t, err)
	require.NotNil(t, rec)
	assert.Equal(t, "C0", rec.ID)
	reqs := f.sent(vismanet.OpListCustomers)
	require.Len(t, reqs, 3, "7 records at most 3 a page (the answer's maxPageSize caps the asked 50)")
	for i, r := range reqs {
		assert.Equal(t, fmt.Sprint(i+1), r.Query.Get("pageNumber"))
		assert.Equal(t, "same@example.com", strings.ToLower(r.Query.Get("email")))
	}

	// The envelope shape (credit terms) and reading past an empty page.
	terms, err := c.CreditTerms(context.Background())
	require.NoError(t, err)
	assert.Len(t, terms, 3)
	assert.Equal(t, 1, f.count(vismanet.OpListCreditTerms), "totalCount says one page holds all")
}

func TestErrorBodiesMapToKinds(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		kind   connectors.ErrorKind
		code   string
		says   []string
	}{
		{"validation names the field", 400, `{"ExceptionType":"IPPException","ExceptionMessage":"Error: CustomerRefNo: the value is too long for jan@example.com","ExceptionFaultCode":"10001","ExceptionMessageID":"10001_1b2c"}`,
			connectors.KindValidation, "10001", []string{"CustomerRefNo", "[10001_1b2c]"}},
		{"model state", 400, `{"Message":"The request is invalid.","ModelState":{"dto.customerRefNo":["too long"],"dto.date":["not a date"]}}`,
			connectors.KindValidation, "", []string{"customerRefNo: too long", "date: not a date"}},
		{"no licence", 400, `{"ExceptionType":"IPPException","ExceptionMessage":"No license for this company.","ExceptionFaultCode":"12027","ExceptionMessageID":"12027_a"}`,
			connectors.KindAuth, "12027", []string{"credentials.tenantId", "App Store"}},
		{"no company", 400, `{"ExceptionType":"IPPException","ExceptionMessage":"Company id not set","ExceptionFaultCode":"12002"}`,
			connectors.KindConfig, "12002", []string{"credentials.tenantId", "API user"}},
		{"company in context", 500, `{"message":"No companyincontext"}`, connectors.KindAuth, "", []string{"tenantId"}},
		{"not found", 404, `{"message":"Inventory item not found"}`, connectors.KindNotFound, "", []string{"not found"}},
		{"forbidden", 403, `{"Message":"Forbidden"}`, connectors.KindAuth, "", []string{"options.scopes"}},
		{"precondition", 412, `{"message":"changed"}`, connectors.KindConflict, "", nil},
		{"duplicate", 400, `{"ExceptionType":"IPPException","ExceptionMessage":"A customer with this number already exists."}`, connectors.KindConflict, "", nil},
		{"server", 500, `{"Message":"An error has occurred."}`, connectors.KindUnavailable, "", []string{"An error has occurred"}},
		{"proxy html", 503, `<html>busy</html>`, connectors.KindUnavailable, "", []string{"Service Unavailable"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			f.refuse[vismanet.OpGetInventory] = []refusal{{status: tc.status, body: tc.body}}
			c := f.client(t, nil)
			_, _, err := c.GetInventory(context.Background(), "KOF-1000")
			if tc.kind == connectors.KindNotFound {
				require.NoError(t, err, "a missing item is found=false")
				_, err = c.CustomerDetails(context.Background(), "NOPE")
			}
			var ce *connectors.Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.kind, ce.Kind, "%v", err)
			assert.Equal(t, tc.code, ce.Code)
			for _, s := range tc.says {
				assert.Contains(t, ce.Message, s)
			}
			assert.NotContains(t, ce.Message, "jan@example.com", "personal data is scrubbed")
		})
	}
}

func TestRateLimitHeadersPaceTheCredential(t *testing.T) {
	f := newFake()
	f.rateHeaders.Set("X-RateLimit-Limit", "500")
	f.rateHeaders.Set("X-RateLimit-Remaining", "499")
	f.rateHeaders.Set("X-RateLimit-Reset", "3600")
	f.rateHeaders.Set("X-RateLimit-Policy", "4-fixed-window")
	c := f.client(t, func(c *vismanet.Config) { c.RequestsPerHour = 0 })
	assert.Equal(t, httpkit.PerHour(vismanet.DefaultRequestsPerHour), c.RateLimit(), "the published figure until an answer reports")
	ctx := context.Background()
	_, _, err := c.GetInventory(ctx, "KOF-1000")
	require.NoError(t, err)
	assert.Equal(t, httpkit.Rate{N: 499, Per: time.Hour}, c.RateLimit(), "the answer rules: 499 left of 500 for the hour")

	// Other clients of the credential used the window up.
	f.mu.Lock()
	f.rateHeaders.Set("X-RateLimit-Remaining", "0")
	f.rateHeaders.Set("X-RateLimit-Reset", "900")
	f.mu.Unlock()
	_, _, err = c.GetInventory(ctx, "KOF-1000")
	require.NoError(t, err)
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	_, _, err = c.GetInventory(short, "KOF-1000")
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindRateLimited, ce.Kind, "the next call waits for the reset instead of earning a 429: %v", err)
	assert.Greater(t, ce.RetryAfter, 5*time.Minute)
	assert.Equal(t, 2, f.count(vismanet.OpGetInventory), "the waiting call never went out")

	// An operator's ceiling is never raised by a report.
	f2 := newFake()
	f2.rateHeaders = f.rateHeaders.Clone()
	f2.rateHeaders.Set("X-RateLimit-Limit", "15000")
	f2.rateHeaders.Set("X-RateLimit-Remaining", "15000")
	f2.rateHeaders.Set("X-RateLimit-Reset", "3600")
	c2 := f2.client(t, func(c *vismanet.Config) { c.RequestsPerHour = 1200; c.TenantID += "-ceiling" })
	_, _, err = c2.GetInventory(ctx, "KOF-1000")
	require.NoError(t, err)
	assert.Equal(t, httpkit.PerHour(1200), c2.RateLimit())
}

func Test429HonoursRetryAfter(t *testing.T) {
	f := newFake()
	f.refuse[vismanet.OpGetInventory] = []refusal{
		{status: 429, header: http.Header{"Retry-After": {"17"}}, body: `{"message":"Rate limit is exceeded."}`},
		{status: 429, body: `{"message":"Rate limit is exceeded."}`},
	}
	c := f.client(t, nil)
	_, _, err := c.GetInventory(context.Background(), "KOF-1000")
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindRateLimited, ce.Kind)
	assert.Equal(t, 17*time.Second, ce.RetryAfter)
	_, _, err = c.GetInventory(context.Background(), "KOF-1000")
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, vismanet.DefaultRetryAfter, ce.RetryAfter, "no Retry-After: the documented default")
}

func TestNewReportsEveryBadSettingAtOnce(t *testing.T) {
	_, err := vismanet.New(vismanet.Config{BaseURL: "ftp://x", Options: vismanet.Options{TokenURL: "nope", Scopes: []string{"other"},
		DocumentNumbers: "random", Currency: "EURO", ItemTypes: []string{"Gadget"}, CreditTerms: map[string]string{"two weeks": "14D"}}})
	require.Error(t, err)
	assert.Equal(t, connectors.KindConfig, connectors.KindOf(err))
	for _, want := range []string{"baseURL", "options.tokenURL", "credentials.clientId", "credentials.clientSecret", "credentials.tenantId",
		"options.scopes", "options.documentNumbers", "options.currency", "options.itemTypes", "options.creditTerms"} {
		assert.Contains(t, err.Error(), want)
	}
}

// The token endpoint goes with the API: Visma Connect for the production
// host, the base's own host otherwise (the simulator), unless configured.
func TestTokenURLGoesWithTheBaseURL(t *testing.T) {
	assert.Equal(t, vismanet.ProductionTokenURL, vismanet.TokenURLFor(vismanet.ProductionAPI, ""))
	assert.Equal(t, vismanet.ProductionTokenURL, vismanet.TokenURLFor("https://API.finance.visma.net/", ""))
	assert.Equal(t, "http://127.0.0.1:18085/connect/token", vismanet.TokenURLFor("http://127.0.0.1:18085", ""))
	assert.Equal(t, "https://id.example/token", vismanet.TokenURLFor("http://127.0.0.1:18085", "https://id.example/token"))
}

func TestSettingsAndRegistration(t *testing.T) {
	cfg, err := vismanet.ConfigFromSettings(connectors.Settings{BaseURL: vismanet.ProductionAPI, TotalPerMinute: 10,
		Credentials: map[string]string{"clientId": "app", "clientSecret": "s", "tenantId": "t"},
		Options:     map[string]string{"orderType": "so", "scopes": "vismanet_erp_service_api:read vismanet_erp_service_api:create", "vatAccounts": "21%=2700, 1=2710"}})
	require.NoError(t, err)
	assert.Equal(t, 600, cfg.RequestsPerHour)
	assert.Equal(t, "t", cfg.TenantID)
	c, err := vismanet.New(cfg)
	require.NoError(t, err)
	assert.Equal(t, "SO", c.Options().OrderType)
	assert.Equal(t, []string{vismanet.ScopeRead, vismanet.ScopeCreate}, c.Options().Scopes)
	assert.Empty(t, c.Options().TokenURL, "no tokenURL: it goes with baseURL")
	assert.Equal(t, map[string]string{"21%": "2700", "1": "2710"}, c.Options().VATAccounts)

	_, err = vismanet.ConfigFromSettings(connectors.Settings{ReadsPerMinute: 5, Options: map[string]string{"invoiceRelease": "later"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rateLimit")
	assert.Contains(t, err.Error(), "options.invoiceRelease")

	// The defaults of an integration file and of a zero Options agree.
	def, err := vismanet.New(vismanet.Config{ClientID: "a", ClientSecret: "b", TenantID: "c"})
	require.NoError(t, err)
	assert.Equal(t, vismanet.DefaultOptions(), def.Options())
	assert.Equal(t, "SO", def.Options().OrderType)
	assert.Equal(t, vismanet.DefaultScopes, def.Options().Scopes)
	assert.Equal(t, []string{"FinishedGoodItem", "ComponentPartItem", "SubassemblyItem", "NonStockItem"}, def.Options().ItemTypes)

	r, ok := connectors.Lookup(vismanet.System)
	require.True(t, ok)
	// the order and customer side; products.go and stock.go add theirs
	assert.Subset(t, r.Capabilities, []connectors.Capability{connectors.CapOrderTarget, connectors.CapCustomerTarget, connectors.CapCustomerDetails,
		connectors.CapProductLookup})
	assert.ElementsMatch(t, []connectors.OrderKind{connectors.KindOrder, connectors.KindInvoice, connectors.KindFinancialMutation}, r.OrderKinds)
	assert.Equal(t, []string{"clientId", "clientSecret", "tenantId"}, r.Credentials)
	for _, o := range r.DescribeOptions() {
		assert.NotEmpty(t, o.Description, o.Name)
	}
	for _, name := range []string{"stockWarehouse", "adjustmentReasonCode", "itemTypes", "categoryFrom", "variantGroupAttribute", "pricesIncludeVat"} {
		assert.Contains(t, r.OptionNames(), name)
	}
	built, err := r.New(connectors.Settings{Credentials: map[string]string{"clientId": "a", "clientSecret": "b", "tenantId": "c"}})
	require.NoError(t, err)
	assert.Equal(t, reflect.TypeOf(r.Client), reflect.TypeOf(built))
}

// A write sent as a background job: 202, the job polled, its Location read.
func TestBackgroundWrites(t *testing.T) {
	f := newFake()
	c := f.client(t, func(c *vismanet.Config) { c.Options.BackgroundWrites = true })
	id, err := c.CreateCustomer(context.Background(), model.Customer{Kind: model.CustomerPerson, Person: model.Person{FirstName: "Jan", LastName: "Jansen"}})
	require.NoError(t, err)
	assert.Equal(t, "C0001", id)
	require.Len(t, f.sent(vismanet.OpCreateCustomer), 1)
	assert.Equal(t, "none", f.sent(vismanet.OpCreateCustomer)[0].Header.Get(vismanet.HeaderBackground))
	assert.Equal(t, 1, f.count(vismanet.OpBackgroundState))
}

// The wrapper tests above are only as good as the contract check: it
// refuses a write whose scalars are not wrapped, and takes the same write
// wrapped.
func TestTheContractRefusesUnwrappedWrites(t *testing.T) {
	api := contract.OpenAPIForTest(t, contract.VismaNetOpenAPI)
	check := func(body string) error {
		r := httptest.NewRequest("POST", vismanet.ProductionAPI+"/v1/salesorder", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		return api.CheckRequest(r, []byte(body))
	}
	assert.Error(t, check(`{"orderType":"SO","customerRefNo":"k","lines":[]}`))
	assert.Error(t, check(`{"orderType":{"value":"SO"},"lines":[{"operation":{"value":"Insert"},"inventoryNumber":{"value":"A"}}]}`), "operation is not wrapped")
	assert.NoError(t, check(`{"orderType":{"value":"SO"},"customerRefNo":{"value":"k"},"lines":[{"operation":"Insert","inventoryNumber":{"value":"A"},"quantity":{"value":2.000}}]}`))
}

// A change feed resumes from its cursor without losing a record modified
// in the cursor's second and without listing again those it handled.
func TestChangeCursor(t *testing.T) {
	var next vismanet.ChangeCursor
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	next.Advance("A", t0.Add(1500*time.Millisecond))
	next.Advance("B", t0.Add(3*time.Second))
	next.Advance("C", t0.Add(3200*time.Millisecond))
	next.Advance("A", t0) // older: the mark stays
	assert.Equal(t, t0.Add(3*time.Second), next.Since)
	assert.Equal(t, []string{"B", "C"}, next.Seen)

	stored := next.String()
	cur, err := vismanet.ParseChangeCursor(stored)
	require.NoError(t, err)
	q := url.Values{}
	cur.Filter(q)
	assert.Equal(t, "2026-03-02T10:00:03", q.Get("lastModifiedDateTime"))
	assert.Equal(t, ">=", q.Get("lastModifiedDateTimeCondition"))
	assert.True(t, cur.Skip("C", t0.Add(3900*time.Millisecond)), "listed by the pass that made the cursor")
	assert.False(t, cur.Skip("D", t0.Add(3*time.Second)), "new within the same second")
	assert.False(t, cur.Skip("C", t0.Add(4*time.Second)), "changed again")

	start, err := vismanet.ParseChangeCursor("")
	require.NoError(t, err)
	q = url.Values{}
	start.Filter(q)
	assert.Empty(t, q, "the start lists everything")
	_, err = vismanet.ParseChangeCursor("2026-03-02")
	assert.Equal(t, connectors.KindValidation, connectors.KindOf(err))

	n, err := vismanet.ParsePageToken(vismanet.PageToken(3))
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	n, err = vismanet.ParsePageToken(vismanet.PageToken(1))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = vismanet.ParsePageToken("x")
	assert.Error(t, err)
}
