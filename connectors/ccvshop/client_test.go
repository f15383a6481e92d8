package ccvshop_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// The two worked examples of the API documentation's signing scheme (research §1.2).
func TestSignGoldenVectors(t *testing.T) {
	tests := []struct {
		name, method, uri, body, want string
	}{
		{"GET with query", "GET", "/api/rest/v1/orders/?status=1&is_paid=1&start=0&size=25", "",
			"b138e86fa5bd600fb635fce019ec99118813303b84120658d04ac4ec3006ff6d56976a8c5b6ef57a80fe08e03bffb4cf6a6796610f05073741c9cafe5ed14403"},
		{"PATCH with body", "PATCH", "/api/rest/v1/products/123456/", `{"stock":12}`,
			"c0bd9d3c6d2662f4000943a91043eeca84b4db334aa61246b5e6ffe7fcfc1c9f4e905a96d0244bffdd77e968de94f8a6a0ac223cb7d766832b01879d39a4dd8c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ccvshop.Sign("pk_demo_123", "sk_demo_456", tt.method, tt.uri, tt.body, "2024-05-01T12:00:00Z")
			assert.Equal(t, tt.want, got)
			assert.Len(t, got, 128)
			assert.True(t, ccvshop.ValidSignature(strings.ToUpper(got), tt.want), "hex case does not matter")
			assert.False(t, ccvshop.ValidSignature(got[:127]+"0", tt.want))
		})
	}
}

// The client sends exactly the documented headers: a GET signed with the
// example's keys and clock carries the example's x-hash.
func TestClientSignsLikeTheExample(t *testing.T) {
	var got http.Header
	var uri string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, uri = r.Header.Clone(), r.RequestURI
		http.Error(w, `{"status":503,"code":"503","developermessage":"stop here"}`, 503)
	}))
	defer srv.Close()
	c, err := ccvshop.New(ccvshop.Config{BaseURL: srv.URL, PublicKey: "pk_demo_123", SecretKey: "sk_demo_456", ReadsPerMinute: -1,
		Now: func() time.Time { return time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) }})
	require.NoError(t, err)
	_, _ = c.ListOrders(context.Background(), connectors.OrderQuery{PageToken: srv.URL + "/api/rest/v1/orders/?status=1&is_paid=1&start=0&size=25"})
	assert.Equal(t, "/api/rest/v1/orders/?status=1&is_paid=1&start=0&size=25", uri, "the link is followed exactly")
	assert.Equal(t, "pk_demo_123", got.Get("x-public"))
	assert.Equal(t, "2024-05-01T12:00:00Z", got.Get("x-date"))
	assert.Equal(t, "b138e86fa5bd600fb635fce019ec99118813303b84120658d04ac4ec3006ff6d56976a8c5b6ef57a80fe08e03bffb4cf6a6796610f05073741c9cafe5ed14403", got.Get("x-hash"))
	assert.Equal(t, ccvshop.MediaType, got.Get("Accept"))
}

const pub, secret = "pk_test", "sk_test_very_secret"

type call struct {
	op     string
	status int
	err    error
}

type fixture struct {
	sim    *sim.Sim
	url    string
	client *ccvshop.Client
	mu     sync.Mutex
	calls  []call
}

func (f *fixture) ops() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		out = append(out, fmt.Sprintf("%s %d", c.op, c.status))
	}
	return out
}

func newFixture(t *testing.T, so sim.Options, co ccvshop.Config) *fixture {
	t.Helper()
	if so.PublicKey == "" {
		so.PublicKey, so.SecretKey = pub, secret
	}
	f := &fixture{sim: sim.New(so)}
	srv := httptest.NewServer(f.sim)
	t.Cleanup(srv.Close)
	f.url = srv.URL
	co.BaseURL = srv.URL
	if co.PublicKey == "" {
		co.PublicKey, co.SecretKey = pub, secret
	}
	if co.ReadsPerMinute == 0 {
		co.ReadsPerMinute = -1 // the client's own pacing is tested apart
	}
	co.Observe = func(system, op string, status int, _ time.Duration, err error) {
		assert.Equal(t, ccvshop.System, system)
		f.mu.Lock()
		f.calls = append(f.calls, call{op, status, err})
		f.mu.Unlock()
	}
	c, err := ccvshop.New(co)
	require.NoError(t, err)
	f.client = c
	return f
}

func eur(c int64) model.Money { return model.NewMoney(c, "EUR") }

// sampleOrder: 3 × 19.99 at 21 %, 1.5 × (4.49 − 0.50) at 9 %, shipping 6.95.
func sampleOrder(created time.Time) model.Order {
	addr := model.Address{Name: "Jan Visser", Street: "Kerkweg", HouseNumber: "3", HouseNumberSuffix: "A", PostalCode: "2345 BC", City: "Nergensdam", CountryCode: "NL", Phone: "020-5550101"}
	return model.Order{
		CreatedAt: created, Status: model.StatusProcessing, Paid: true, Currency: "EUR", PricesIncludeVAT: true,
		Customer: model.Customer{Kind: model.CustomerPerson, Email: "jan@example.nl", Person: model.Person{FirstName: "Jan", LastName: "Visser"},
			Phone: "020-5550101", Billing: addr, Shipping: addr},
		Lines: []model.OrderLine{
			{SKU: "KOF-1", Name: "Koffie", Quantity: model.Pieces(3), UnitPrice: eur(1999), UnitDiscount: eur(0), VAT: model.VATPercent(21), EAN: "8712345678906"},
			{SKU: "THE-1", Name: "Thee", Quantity: model.Quantity(1500), UnitPrice: eur(449), UnitDiscount: eur(50), VAT: model.VATPercent(9)},
		},
		ShippingCost: eur(695), ShippingVAT: model.VATPercent(21), ShippingMethod: "shipping", PaymentMethod: "iDEAL",
		Total: eur(3*1999 + 599 + 695),
	}
}

func TestGetOrderRoundTripsToTheCent(t *testing.T) {
	f := newFixture(t, sim.Options{}, ccvshop.Config{})
	want := sampleOrder(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	id := f.sim.AddOrder(want)

	got, err := f.client.GetOrder(context.Background(), id)
	require.NoError(t, err)
	want.ID = id
	want.Number = "2026-1"
	assert.Equal(t, want, got)
	assert.Equal(t, int64(5997), got.Lines[0].LineTotal().Amount, "3 × 19.99")
	assert.Equal(t, int64(599), got.Lines[1].LineTotal().Amount, "1.5 × (4.49 − 0.50), rounded")
	assert.Equal(t, int64(7291), got.Total.Amount)
	assert.Equal(t, []string{ccvshop.OpGetOrder + " 200", ccvshop.OpListOrderRows + " 200"}, f.ops(), "one Observe per HTTP call")
}

func TestGetOrderRawGivesTheShopsRecords(t *testing.T) {
	f := newFixture(t, sim.Options{}, ccvshop.Config{})
	want := sampleOrder(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	id := f.sim.AddOrder(want)

	got, raw, rawLines, err := f.client.GetOrderRaw(context.Background(), id)
	require.NoError(t, err)
	plain, err := f.client.GetOrder(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, plain, got)
	assert.Equal(t, "2026-1", raw["ordernumber_full"])
	require.Len(t, rawLines, len(got.Lines), "one raw row per line, in the same order")
	for i, l := range got.Lines {
		assert.Equal(t, l.SKU, rawLines[i]["product_number"])
	}
}

// An ex-VAT order with a separate delivery address and a guest-less account.
func TestGetOrderExVATAndAddresses(t *testing.T) {
	f := newFixture(t, sim.Options{}, ccvshop.Config{})
	want := sampleOrder(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	want.Number, want.PricesIncludeVAT, want.Currency = "WEB-12", false, "EUR"
	want.Lines[0].UnitPrice = eur(1652) // 16.52 ex VAT
	want.ShippingCost = eur(574)
	want.Customer.ID = "77"
	want.Customer.Mobile = "06-12345678"
	want.Customer.Shipping = model.Address{Name: "Piet Visser", Street: "Dorpsstraat", HouseNumber: "12", PostalCode: "9999 ZZ", City: "Ergenshuizen", CountryCode: "BE", Phone: "020-5550101"}
	id := f.sim.AddOrder(want)
	got, err := f.client.GetOrder(context.Background(), id)
	require.NoError(t, err)
	want.ID = id
	assert.Equal(t, want, got)
}

// More rows than fit on one page: the client follows the rows' `next` links.
func TestGetOrderFollowsRowPages(t *testing.T) {
	f := newFixture(t, sim.Options{MaxPageSize: 2}, ccvshop.Config{})
	o := sampleOrder(time.Now().Add(-time.Hour))
	for i := range 3 {
		o.Lines = append(o.Lines, model.OrderLine{SKU: fmt.Sprintf("EXTRA-%d", i), Name: "Extra", Quantity: model.Pieces(1), UnitPrice: eur(100), UnitDiscount: eur(0), VAT: model.VATPercent(21)})
	}
	id := f.sim.AddOrder(o)
	got, err := f.client.GetOrder(context.Background(), id)
	require.NoError(t, err)
	require.Len(t, got.Lines, 5)
	assert.Equal(t, "EXTRA-2", got.Lines[4].SKU)
	assert.Equal(t, []string{ccvshop.OpGetOrder + " 200", ccvshop.OpListOrderRows + " 200", ccvshop.OpListOrderRows + " 200", ccvshop.OpListOrderRows + " 200"}, f.ops())
}

func TestCustomerBlocks(t *testing.T) {
	tests := []struct {
		name    string
		company string
		kind    model.CustomerKind
	}{
		{"person", "", model.CustomerPerson},
		{"company", "Bakkerij Smit", model.CustomerCompany},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, sim.Options{}, ccvshop.Config{})
			o := sampleOrder(time.Now().Add(-time.Hour))
			o.Customer.Kind, o.Customer.CompanyName = tt.kind, tt.company
			o.Customer.Billing.Company = tt.company
			if tt.company != "" {
				o.Customer.VATNumber, o.Customer.CoCNumber = "NL001234567B01", "12345678"
			}
			got, err := f.client.GetOrder(context.Background(), f.sim.AddOrder(o))
			require.NoError(t, err)
			assert.Equal(t, tt.kind, got.Customer.Kind)
			assert.Equal(t, tt.company, got.Customer.CompanyName)
			assert.Equal(t, model.Person{FirstName: "Jan", LastName: "Visser"}, got.Customer.Person, "the person (or the company's contact)")
			assert.Equal(t, o.Customer.VATNumber, got.Customer.VATNumber)
			assert.Equal(t, o.Customer.CoCNumber, got.Customer.CoCNumber)
			assert.Equal(t, "jan@example.nl", got.Customer.Email)
			assert.Equal(t, tt.company, got.Customer.Billing.Company)
		})
	}
}

// Every CCV status code maps to its canonical status, and paid is separate.
func TestStatusAndPaidMapping(t *testing.T) {
	f := newFixture(t, sim.Options{}, ccvshop.Config{})
	want := map[int]model.OrderStatus{1: model.StatusPending, 2: model.StatusProcessing, 3: model.StatusProcessing,
		4: model.StatusPending, 5: model.StatusShipped, 6: model.StatusCompleted, 7: model.StatusCompleted,
		8: model.StatusCancelled, 9: model.StatusProcessing, 10: model.StatusProcessing, 11: model.StatusShipped,
		12: model.StatusProcessing, 13: model.StatusProcessing, 14: model.StatusProcessing}
	for code := 1; code <= 14; code++ {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			id := f.sim.AddOrder(sampleOrder(time.Now().Add(-time.Hour)))
			require.NoError(t, f.sim.SetStatusCode(id, code))
			require.NoError(t, f.sim.SetPaid(id, code%2 == 0))
			s, err := f.client.GetOrderSummary(context.Background(), id)
			require.NoError(t, err)
			assert.Equal(t, want[code], s.Status)
			assert.Equal(t, code%2 == 0, s.Paid)
			assert.Empty(t, s.Unreadable)
		})
	}
	// An unfinished checkout is its own status, whatever its code.
	id := f.sim.AddCheckout(sampleOrder(time.Now().Add(-time.Hour)))
	s, err := f.client.GetOrderSummary(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, model.StatusCheckout, s.Status)
}

// An answer with a status code outside 1..14 is reported as unreadable by a
// summary, and is a validation error naming it when the order is fetched.
func TestUnknownStatusCode(t *testing.T) {
	body := `{"id":12,"create_date":"2026-01-02T03:04:05Z","status":15,"paid":true,"currency":"EUR","total_price":1.00,"customer":{}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		date := time.Now().UTC().Format(ccvshop.DateFormat)
		w.Header().Set("x-date", date)
		w.Header().Set("x-hash", ccvshop.Sign(pub, secret, r.Method, r.RequestURI, body, date))
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	c, err := ccvshop.New(ccvshop.Config{BaseURL: srv.URL, PublicKey: pub, SecretKey: secret, ReadsPerMinute: -1})
	require.NoError(t, err)
	s, err := c.GetOrderSummary(context.Background(), "12")
	require.NoError(t, err, "an unreadable order is reported, not an error that stops a recheck")
	assert.Equal(t, "12", s.ID)
	assert.Contains(t, s.Unreadable, "status: 15")
	_, err = c.GetOrder(context.Background(), "12")
	assert.True(t, connectors.IsKind(err, connectors.KindValidation), err.Error())
	assert.Contains(t, err.Error(), "order 12 cannot be read: status: 15")
}

func collect(t *testing.T, c *ccvshop.Client, q connectors.OrderQuery) (orders []connectors.OrderSummary, pages int, tokens []string) {
	t.Helper()
	for {
		page, err := c.ListOrders(context.Background(), q)
		require.NoError(t, err)
		pages++
		require.Less(t, pages, 100, "paging must end")
		orders = append(orders, page.Orders...)
		if page.NextPageToken == "" {
			return orders, pages, tokens
		}
		tokens = append(tokens, page.NextPageToken)
		q.PageToken = page.NextPageToken
	}
}

func TestListOrdersPagesAndCutsTheWindowExactly(t *testing.T) {
	f := newFixture(t, sim.Options{}, ccvshop.Config{})
	base := time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC)
	for i := range 250 {
		o := sampleOrder(base.Add(time.Duration(i) * time.Minute))
		o.Paid = i%5 != 0
		f.sim.AddOrder(o)
	}
	from, to := base.Add(10*time.Minute), base.Add(230*time.Minute) // orders 10..229
	got, pages, tokens := collect(t, f.client, connectors.OrderQuery{CreatedFrom: from, CreatedTo: to, PageSize: 100})
	assert.Equal(t, 3, pages)
	for _, tok := range tokens {
		assert.True(t, strings.HasPrefix(tok, f.url+ccvshop.APIPath+"/orders/"), "the token is the shop's next link: %s", tok)
	}
	require.Len(t, got, 220)
	assert.Equal(t, from, got[0].CreatedAt, "from is inclusive")
	assert.Equal(t, to.Add(-time.Minute), got[len(got)-1].CreatedAt, "to is exclusive")
	assert.False(t, got[0].Paid, "order 10 is unpaid")
	assert.True(t, got[1].Paid)
	assert.Equal(t, model.StatusProcessing, got[0].Status)
	assert.Equal(t, "2026-11", got[0].Number)
	assert.Equal(t, "1011", got[0].ID)
	for i := 1; i < len(got); i++ {
		require.True(t, got[i-1].CreatedAt.Before(got[i].CreatedAt), "no order twice, none missing")
	}

	_, pages, _ = collect(t, f.client, connectors.OrderQuery{PageSize: 1000})
	assert.Equal(t, 1, pages, "a page size above the maximum is clamped to 250")
}

// Orders a second either side of midnight: whichever way the shop reads its
// date filter, the client asks a day wider and cuts to the second.
func TestListOrdersWindowAtDayBoundaries(t *testing.T) {
	midnight := time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC)
	stamps := []time.Time{
		midnight.Add(-48 * time.Hour), midnight.Add(-time.Second), midnight, midnight.Add(time.Second),
		midnight.Add(24*time.Hour - time.Second), midnight.Add(24 * time.Hour), midnight.Add(72 * time.Hour),
	}
	for _, mode := range []ccvshop.DateFilter{"", ccvshop.DateFilterDate, ccvshop.DateFilterDateTime, ccvshop.DateFilterNone} {
		t.Run(string(mode), func(t *testing.T) {
			f := newFixture(t, sim.Options{MaxPageSize: 2}, ccvshop.Config{CreateDateFilter: mode})
			for _, ts := range stamps {
				f.sim.AddOrder(sampleOrder(ts))
			}
			got, _, _ := collect(t, f.client, connectors.OrderQuery{CreatedFrom: midnight, CreatedTo: midnight.Add(24 * time.Hour), PageSize: 2})
			var when []time.Time
			for _, o := range got {
				when = append(when, o.CreatedAt)
			}
			assert.Equal(t, stamps[2:5], when)
		})
	}
}

func TestListOrdersFiltersPaidAndStatus(t *testing.T) {
	f := newFixture(t, sim.Options{}, ccvshop.Config{})
	base := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for i, st := range []model.OrderStatus{model.StatusPending, model.StatusPending, model.StatusShipped, model.StatusPending} {
		o := sampleOrder(base.Add(time.Duration(i) * time.Minute))
		o.Status, o.Paid = st, i != 1
		f.sim.AddOrder(o)
	}
	page, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{
		CreatedFrom: base, CreatedTo: base.Add(time.Hour), OnlyPaid: true, Status: model.StatusPending})
	require.NoError(t, err)
	var ids []string
	for _, o := range page.Orders {
		ids = append(ids, o.ID)
		assert.True(t, o.Paid)
		assert.Equal(t, model.StatusPending, o.Status)
	}
	assert.Equal(t, []string{"1001", "1004"}, ids)
	assert.Empty(t, page.NextPageToken)
}

func TestListOrdersEmpty(t *testing.T) {
	f := newFixture(t, sim.Options{}, ccvshop.Config{})
	page, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{})
	require.NoError(t, err)
	assert.Empty(t, page.Orders)
	assert.Empty(t, page.NextPageToken)
}

// A next link naming another host is followed on the configured shop: the
// key and signatures never go elsewhere.
func TestPageTokenStaysOnTheShop(t *testing.T) {
	f := newFixture(t, sim.Options{}, ccvshop.Config{})
	f.sim.AddOrder(sampleOrder(time.Now().Add(-time.Hour)))
	page, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{PageToken: "https://elsewhere.example/api/rest/v1/orders/?start=0&size=5"})
	require.NoError(t, err)
	assert.Len(t, page.Orders, 1)
	_, err = f.client.ListOrders(context.Background(), connectors.OrderQuery{PageToken: "https://elsewhere.example/steal"})
	assert.True(t, connectors.IsKind(err, connectors.KindValidation), "%v", err)
}

func TestGetOrderSummaryIsOneCall(t *testing.T) {
	f := newFixture(t, sim.Options{}, ccvshop.Config{})
	o := sampleOrder(time.Now().Add(-time.Hour))
	o.Paid = false
	id := f.sim.AddOrder(o)
	require.NoError(t, f.sim.SetPaid(id, true))
	require.NoError(t, f.sim.SetStatus(id, model.StatusShipped))
	s, err := f.client.GetOrderSummary(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, connectors.OrderSummary{ID: id, Number: o.CreatedAt.UTC().Format("2006") + "-1", CreatedAt: o.CreatedAt.UTC().Truncate(time.Second), Status: model.StatusShipped, Paid: true}, s)
	assert.Equal(t, []string{ccvshop.OpGetOrder + " 200"}, f.ops(), "one call, without the rows")
}

func TestErrorsAreTyped(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name    string
		co      ccvshop.Config
		fault   *simkit.Rule
		id      string
		kind    connectors.ErrorKind
		status  int
		code    string
		contain string
	}{
		{name: "wrong secret", co: ccvshop.Config{PublicKey: pub, SecretKey: "not-the-secret"}, kind: connectors.KindAuth, status: 401, code: "401.10", contain: "invalid hash"},
		{name: "unknown key", co: ccvshop.Config{PublicKey: "someone", SecretKey: secret}, kind: connectors.KindAuth, status: 401, code: "401.10", contain: "invalid hash or public key"},
		{name: "clock 6 minutes behind", co: ccvshop.Config{Now: func() time.Time { return now.Add(-6 * time.Minute) }}, kind: connectors.KindAuth, status: 401, code: "401.11", contain: "5 minutes"},
		{name: "clock 6 minutes ahead", co: ccvshop.Config{Now: func() time.Time { return now.Add(6 * time.Minute) }}, kind: connectors.KindAuth, status: 401, code: "401.11", contain: "5 minutes"},
		{name: "clock 4 minutes ahead is fine", co: ccvshop.Config{Now: func() time.Time { return now.Add(4 * time.Minute) }}},
		{name: "no such order", id: "999999", kind: connectors.KindNotFound, status: 404, code: "404.30", contain: "ccvshop GET /api/rest/v1/orders/999999/: not_found (HTTP 404 404.30)"},
		{name: "server error", fault: &simkit.Rule{Op: ccvshop.OpGetOrder, Kind: simkit.FaultStatus, Status: 503}, kind: connectors.KindUnavailable, status: 503},
		{name: "server error on the rows", fault: &simkit.Rule{Op: ccvshop.OpListOrderRows, Kind: simkit.FaultStatus, Status: 500}, kind: connectors.KindUnavailable, status: 500, contain: "/orderrows/"},
		{name: "rate limited", fault: &simkit.Rule{Op: ccvshop.OpGetOrder, Kind: simkit.FaultRateLimit, RetryAfter: 7 * time.Second}, kind: connectors.KindRateLimited, status: 429, code: "429.10"},
		{name: "timeout", co: ccvshop.Config{Timeout: 50 * time.Millisecond}, fault: &simkit.Rule{Op: ccvshop.OpGetOrder, Kind: simkit.FaultLatency, Latency: time.Second}, kind: connectors.KindUnavailable},
		{name: "dropped answer", fault: &simkit.Rule{Op: ccvshop.OpGetOrder, Kind: simkit.FaultDropAfterCommit}, kind: connectors.KindUnavailable},
		{name: "not an id", id: "abc", kind: connectors.KindValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, sim.Options{}, tt.co)
			id := f.sim.AddOrder(sampleOrder(now.Add(-time.Hour)))
			if tt.id != "" {
				id = tt.id
			}
			if tt.fault != nil {
				f.sim.Faults().Add(*tt.fault)
			}
			_, err := f.client.GetOrder(context.Background(), id)
			if tt.kind == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			var ce *connectors.Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.kind, ce.Kind, err.Error())
			assert.Equal(t, tt.status, ce.Status, err.Error())
			assert.Equal(t, tt.code, ce.Code)
			assert.Contains(t, err.Error(), tt.contain)
			assert.True(t, strings.HasPrefix(err.Error(), "ccvshop GET /"), err.Error())
			assert.NotContains(t, err.Error(), secret)
			if tt.kind == connectors.KindRateLimited {
				assert.Equal(t, 7*time.Second, ce.RetryAfter)
			}
			if tt.status != 0 {
				calls := f.ops()
				assert.Contains(t, calls[len(calls)-1], fmt.Sprint(tt.status), "Observe sees the failed call")
			}
		})
	}
}

func TestConnectionRefusedIsUnavailable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	c, err := ccvshop.New(ccvshop.Config{BaseURL: base, PublicKey: pub, SecretKey: secret, ReadsPerMinute: -1})
	require.NoError(t, err)
	_, err = c.ListOrders(context.Background(), connectors.OrderQuery{})
	assert.True(t, connectors.IsKind(err, connectors.KindUnavailable), "%v", err)
	assert.NotContains(t, err.Error(), secret)
}

// Whatever a server or proxy echoes, no error shows the secret or a signature.
func TestErrorsNeverHoldTheSecret(t *testing.T) {
	var lastHash atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lastHash.Store(r.Header.Get("x-hash"))
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = fmt.Fprintf(w, `{"status":401,"code":"401.10","developermessage":"secret %s is wrong"}`, secret)
	}))
	defer srv.Close()
	c, err := ccvshop.New(ccvshop.Config{BaseURL: srv.URL, PublicKey: pub, SecretKey: secret, ReadsPerMinute: -1})
	require.NoError(t, err)
	for _, f := range []func() error{
		func() error { _, err := c.GetOrder(context.Background(), "1"); return err },
		func() error { _, err := c.ListOrders(context.Background(), connectors.OrderQuery{}); return err },
	} {
		err := f()
		require.Error(t, err)
		assert.True(t, connectors.IsKind(err, connectors.KindAuth))
		assert.NotContains(t, err.Error(), secret)
		assert.NotContains(t, fmt.Sprintf("%+v", err), secret)
		assert.NotContains(t, err.Error(), lastHash.Load().(string))
		assert.Contains(t, err.Error(), "[secret]")
	}
}

// 429 from the shop: rate_limited with the shop's Retry-After; after that
// wait the same call succeeds.
func TestRateLimitedThenSuccess(t *testing.T) {
	t.Run("injected 429", func(t *testing.T) {
		f := newFixture(t, sim.Options{}, ccvshop.Config{})
		id := f.sim.AddOrder(sampleOrder(time.Now().Add(-time.Hour)))
		f.sim.Faults().Add(simkit.Rule{Op: ccvshop.OpListOrders, Kind: simkit.FaultRateLimit, RetryAfter: 3 * time.Second, Times: 1})
		_, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{})
		var ce *connectors.Error
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, connectors.KindRateLimited, ce.Kind)
		assert.Equal(t, 3*time.Second, ce.RetryAfter)
		page, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{})
		require.NoError(t, err)
		assert.Equal(t, id, page.Orders[0].ID)
	})
	t.Run("the shop's own limit", func(t *testing.T) {
		clock := time.Now()
		var offset atomic.Int64
		now := func() time.Time { return clock.Add(time.Duration(offset.Load())) }
		f := newFixture(t, sim.Options{Now: now, ReadsPerMinute: 3}, ccvshop.Config{Now: now})
		id := f.sim.AddOrder(sampleOrder(clock.Add(-time.Hour)))
		ctx := context.Background()
		for range 3 {
			_, err := f.client.GetOrderSummary(ctx, id)
			require.NoError(t, err)
		}
		_, err := f.client.GetOrderSummary(ctx, id)
		var ce *connectors.Error
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, connectors.KindRateLimited, ce.Kind)
		assert.Equal(t, "429.10", ce.Code)
		assert.Greater(t, ce.RetryAfter, time.Duration(0))
		assert.LessOrEqual(t, ce.RetryAfter, time.Minute)

		offset.Store(int64(ce.RetryAfter))
		_, err = f.client.GetOrderSummary(ctx, id)
		require.NoError(t, err, "after Retry-After the call goes through")
	})
	t.Run("no Retry-After header", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"status":429,"code":"429.11","developermessage":"too many"}`))
		}))
		defer srv.Close()
		for _, tc := range []struct {
			cfg  time.Duration
			want time.Duration
		}{{0, ccvshop.DefaultRetryAfter}, {5 * time.Second, 5 * time.Second}} {
			c, err := ccvshop.New(ccvshop.Config{BaseURL: srv.URL, PublicKey: pub, SecretKey: secret, ReadsPerMinute: -1, DefaultRetryAfter: tc.cfg})
			require.NoError(t, err)
			_, err = c.GetOrder(context.Background(), "1")
			var ce *connectors.Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, connectors.KindRateLimited, ce.Kind)
			assert.Equal(t, "429.11", ce.Code)
			assert.Equal(t, tc.want, ce.RetryAfter)
		}
	})
}

// The client paces itself: past its burst, calls are spread over the minute.
func TestClientPacesItsCalls(t *testing.T) {
	s := sim.New(sim.Options{PublicKey: "pk_paced", SecretKey: secret, ReadsPerMinute: -1})
	srv := httptest.NewServer(s)
	defer srv.Close()
	id := s.AddOrder(sampleOrder(time.Now().Add(-time.Hour)))
	ctx := context.Background()

	// 1200 a minute: a burst of 10 (a fiftieth, at most 10), then one call
	// every 60/1190 s ≈ 50 ms.
	fast, err := ccvshop.New(ccvshop.Config{BaseURL: srv.URL, PublicKey: "pk_paced", SecretKey: secret, ReadsPerMinute: 1200})
	require.NoError(t, err)
	// However fast the calls themselves are, 14 calls need 4 tokens beyond
	// the full bucket of 10: at least 4 × 60/1190 s ≈ 202 ms.
	start := time.Now()
	for range 14 {
		_, err := fast.GetOrderSummary(ctx, id)
		require.NoError(t, err)
	}
	paced := time.Since(start)
	assert.GreaterOrEqual(t, paced, 190*time.Millisecond)
	assert.Less(t, paced, 2*time.Second)

	// A second client of the same key and shop shares the budget, and a
	// stricter limit (12 a minute: a burst of 1) then holds for both.
	slow, err := ccvshop.New(ccvshop.Config{BaseURL: srv.URL, PublicKey: "pk_paced", SecretKey: secret, ReadsPerMinute: 12})
	require.NoError(t, err)
	_, err = slow.GetOrderSummary(ctx, id)
	require.NoError(t, err)
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	_, err = fast.GetOrderSummary(short, id)
	require.Error(t, err, "the next call must wait 1/11 minute, longer than the deadline")
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindRateLimited, ce.Kind, "a queue longer than the deadline says when to come back")
	assert.Greater(t, ce.RetryAfter, 4*time.Second, "about 60/11 s minus half the deadline")
	assert.Equal(t, 15, s.Served(ccvshop.OpGetOrder), "the paced call never reached the shop")

}

// A response whose signature does not match is refused, unless the check is off.
func TestResponseSignatureChecked(t *testing.T) {
	s := sim.New(sim.Options{PublicKey: pub, SecretKey: secret})
	id := s.AddOrder(sampleOrder(time.Now().Add(-time.Hour)))
	tamper := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write([]byte(strings.Replace(rec.Body.String(), `"paid":true`, `"paid":false`, 1)))
	})
	srv := httptest.NewServer(tamper)
	defer srv.Close()
	c, err := ccvshop.New(ccvshop.Config{BaseURL: srv.URL, PublicKey: pub, SecretKey: secret, ReadsPerMinute: -1})
	require.NoError(t, err)
	_, err = c.GetOrderSummary(context.Background(), id)
	require.Error(t, err)
	assert.True(t, connectors.IsKind(err, connectors.KindUnavailable))
	assert.Contains(t, err.Error(), "x-hash")

	c, err = ccvshop.New(ccvshop.Config{BaseURL: srv.URL, PublicKey: pub, SecretKey: secret, ReadsPerMinute: -1, SkipResponseCheck: true})
	require.NoError(t, err)
	sum, err := c.GetOrderSummary(context.Background(), id)
	require.NoError(t, err)
	assert.False(t, sum.Paid, "unchecked, the altered answer is read")
}

func TestConfig(t *testing.T) {
	_, err := ccvshop.New(ccvshop.Config{BaseURL: "ftp://shop", Timeout: -time.Second, CreateDateFilter: "week"})
	require.Error(t, err)
	assert.True(t, connectors.IsKind(err, connectors.KindConfig))
	for _, want := range []string{"base URL", "public key", "secret key", "timeout", "create-date filter"} {
		assert.Contains(t, err.Error(), want)
	}
	_, err = ccvshop.New(ccvshop.Config{BaseURL: "https://shop.example.nl/somewhere", PublicKey: pub, SecretKey: secret})
	assert.ErrorContains(t, err, "without a path")
	for _, base := range []string{"https://shop.example.nl", "https://shop.example.nl/", "https://shop.example.nl/api/rest/v1/"} {
		_, err = ccvshop.New(ccvshop.Config{BaseURL: base, PublicKey: pub, SecretKey: secret})
		assert.NoError(t, err, base)
	}
}

func TestRegistered(t *testing.T) {
	r, ok := connectors.Lookup("ccvshop")
	require.True(t, ok)
	assert.Equal(t, []string{"publicKey", "secretKey"}, r.Credentials)
	assert.True(t, r.Has(connectors.CapOrderSource))
	f := newFixture(t, sim.Options{}, ccvshop.Config{})
	id := f.sim.AddOrder(sampleOrder(time.Now().Add(-time.Hour)))
	var observed atomic.Int64
	v, err := r.New(connectors.Settings{BaseURL: f.url, Credentials: map[string]string{"publicKey": pub, "secretKey": secret},
		ReadsPerMinute: -1, Observe: func(string, string, int, time.Duration, error) { observed.Add(1) }})
	require.NoError(t, err)
	src, ok := v.(connectors.OrderSource)
	require.True(t, ok)
	_, err = src.GetOrder(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, int64(2), observed.Load())
	_, err = r.New(connectors.Settings{BaseURL: f.url, Credentials: map[string]string{"publicKey": pub}})
	assert.True(t, connectors.IsKind(err, connectors.KindConfig))
}

// A wait for the client's own limiter is reported, so it shows in metrics.
func TestLimiterWaitIsObserved(t *testing.T) {
	s := sim.New(sim.Options{PublicKey: "pk_waits", SecretKey: secret, ReadsPerMinute: -1})
	srv := httptest.NewServer(s)
	defer srv.Close()
	var waited atomic.Int64
	c, err := ccvshop.New(ccvshop.Config{BaseURL: srv.URL, PublicKey: "pk_waits", SecretKey: secret, ReadsPerMinute: 600,
		Observe: func(system, op string, _ int, took time.Duration, _ error) {
			if op == connectors.OpLimiterWait {
				waited.Add(int64(took))
			}
		}})
	require.NoError(t, err)
	id := s.AddOrder(sampleOrder(time.Now().Add(-time.Hour)))
	for range 12 { // a burst of 10, then about 10 a second
		_, err := c.GetOrderSummary(context.Background(), id)
		require.NoError(t, err)
	}
	assert.Greater(t, time.Duration(waited.Load()), 50*time.Millisecond)
}
