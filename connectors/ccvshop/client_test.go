package ccvshop_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
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

// The two worked examples of the API documentation's signing scheme.
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
			assert.True(t, ccvshop.ValidSignature(strings.ToUpper(got), tt.want), "hex case does not matter")
		})
	}
}

const pub, secret = "pk_test", "sk_test_very_secret"

type fixture struct {
	sim    *sim.Sim
	url    string
	client *ccvshop.Client
	calls  atomic.Int64
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
	co.Observe = func(string, string, int, time.Duration, error) { f.calls.Add(1) }
	c, err := ccvshop.New(co)
	require.NoError(t, err)
	f.client = c
	return f
}

func eur(c int64) model.Money { return model.NewMoney(c, "EUR") }

func sampleOrder(created time.Time) model.Order {
	addr := model.Address{Name: "Jan Visser", Street: "Kerkweg", HouseNumber: "3", HouseNumberSuffix: "A", PostalCode: "2345 BC", City: "Nergensdam", CountryCode: "NL", Phone: "020-5550101"}
	return model.Order{
		CreatedAt: created, Status: model.StatusInProcess, Paid: true, Currency: "EUR", PricesIncludeVAT: true,
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
}

func TestCompanyCustomerBlock(t *testing.T) {
	f := newFixture(t, sim.Options{}, ccvshop.Config{})
	o := sampleOrder(time.Now().Add(-time.Hour))
	o.Customer.Kind, o.Customer.CompanyName, o.Customer.VATNumber, o.Customer.CoCNumber = model.CustomerCompany, "Bakkerij Smit", "NL001234567B01", "12345678"
	o.Customer.Billing.Company = "Bakkerij Smit"
	id := f.sim.AddOrder(o)
	got, err := f.client.GetOrder(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, model.CustomerCompany, got.Customer.Kind)
	assert.Equal(t, "Bakkerij Smit", got.Customer.CompanyName)
	assert.Equal(t, model.Person{FirstName: "Jan", LastName: "Visser"}, got.Customer.Person, "the person is the contact")
	assert.Equal(t, "NL001234567B01", got.Customer.VATNumber)
	assert.Equal(t, "12345678", got.Customer.CoCNumber)
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
	var got []connectors.OrderSummary
	pages := 0
	q := connectors.OrderQuery{CreatedFrom: from, CreatedTo: to, PageSize: 100}
	for {
		page, err := f.client.ListOrders(context.Background(), q)
		require.NoError(t, err)
		pages++
		got = append(got, page.Orders...)
		if page.NextPageToken == "" {
			break
		}
		assert.True(t, strings.HasPrefix(page.NextPageToken, f.url+ccvshop.APIPath+"/orders/"), "the token is the shop's next link")
		q.PageToken = page.NextPageToken
	}
	assert.Equal(t, 3, pages)
	require.Len(t, got, 220)
	assert.Equal(t, from, got[0].CreatedAt, "from is inclusive")
	assert.Equal(t, to.Add(-time.Minute), got[len(got)-1].CreatedAt, "to is exclusive")
	assert.False(t, got[0].Paid, "order 10 is unpaid")
	assert.True(t, got[1].Paid)
	assert.Equal(t, model.StatusInProcess, got[0].Status)
}

func TestGetOrderSummary(t *testing.T) {
	f := newFixture(t, sim.Options{}, ccvshop.Config{})
	o := sampleOrder(time.Now().Add(-time.Hour))
	o.Paid = false
	id := f.sim.AddOrder(o)
	require.NoError(t, f.sim.SetPaid(id, true))
	require.NoError(t, f.sim.SetStatus(id, model.StatusSent))
	s, err := f.client.GetOrderSummary(context.Background(), id)
	require.NoError(t, err)
	assert.True(t, s.Paid)
	assert.Equal(t, model.StatusSent, s.Status)
	assert.Equal(t, int64(1), f.calls.Load(), "one call, without the rows")
}

func TestErrorsAreTyped(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name    string
		so      sim.Options
		co      ccvshop.Config
		fault   *simkit.Rule
		id      string
		kind    connectors.ErrorKind
		code    string
		contain string
	}{
		{name: "wrong secret", co: ccvshop.Config{PublicKey: pub, SecretKey: "not-the-secret"}, kind: connectors.KindAuth, code: "401.10", contain: "invalid hash"},
		{name: "unknown key", co: ccvshop.Config{PublicKey: "someone", SecretKey: secret}, kind: connectors.KindAuth, code: "401.10"},
		{name: "clock 6 minutes behind", co: ccvshop.Config{Now: func() time.Time { return now.Add(-6 * time.Minute) }}, kind: connectors.KindAuth, code: "401.11", contain: "5 minutes"},
		{name: "clock 4 minutes ahead is fine", co: ccvshop.Config{Now: func() time.Time { return now.Add(4 * time.Minute) }}},
		{name: "no such order", id: "999999", kind: connectors.KindNotFound, code: "404.30"},
		{name: "server error", fault: &simkit.Rule{Op: ccvshop.OpGetOrder, Kind: simkit.FaultStatus, Status: 503}, kind: connectors.KindUnavailable},
		{name: "rate limited", fault: &simkit.Rule{Op: ccvshop.OpGetOrder, Kind: simkit.FaultRateLimit, RetryAfter: 7 * time.Second}, kind: connectors.KindRateLimited, code: "429.10"},
		{name: "not an id", id: "abc", kind: connectors.KindValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.so, tt.co)
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
			assert.Equal(t, tt.code, ce.Code)
			assert.Contains(t, err.Error(), tt.contain)
			assert.NotContains(t, err.Error(), secret)
			if tt.kind == connectors.KindRateLimited {
				assert.Equal(t, 7*time.Second, ce.RetryAfter)
			}
		})
	}
}

// The shop's own limit: a burst over 150 reads a minute gets 429 with
// Retry-After; once the window has passed the same call succeeds.
func TestRateLimitThenSuccess(t *testing.T) {
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
}

// The client paces itself: past its burst, the next call waits.
func TestClientPacesItsCalls(t *testing.T) {
	// a key of its own, so no other test shares the pacer
	s := sim.New(sim.Options{PublicKey: "pk_paced", SecretKey: secret, ReadsPerMinute: -1})
	srv := httptest.NewServer(s)
	defer srv.Close()
	c, err := ccvshop.New(ccvshop.Config{BaseURL: srv.URL, PublicKey: "pk_paced", SecretKey: secret, ReadsPerMinute: 12})
	require.NoError(t, err)
	id := s.AddOrder(sampleOrder(time.Now().Add(-time.Hour)))
	ctx := context.Background()
	for range 10 { // the burst
		_, err := c.GetOrderSummary(ctx, id)
		require.NoError(t, err)
	}
	short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	_, err = c.GetOrderSummary(short, id)
	require.Error(t, err, "the 11th call within a second must wait (2 more per minute), longer than the deadline")
	assert.Equal(t, 10, s.Served(ccvshop.OpGetOrder), "the paced call never reached the shop")
}

// A response whose signature does not match is refused.
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
	assert.Contains(t, err.Error(), "x-hash")
}

func TestConfigProblemsAllAtOnce(t *testing.T) {
	_, err := ccvshop.New(ccvshop.Config{BaseURL: "ftp://shop"})
	require.Error(t, err)
	assert.True(t, connectors.IsKind(err, connectors.KindConfig))
	for _, want := range []string{"base URL", "public key", "secret key"} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestSnapshotRestore(t *testing.T) {
	a := sim.New(sim.Options{PublicKey: pub, SecretKey: secret})
	id := a.AddOrder(sampleOrder(time.Now()))
	b, err := a.Snapshot()
	require.NoError(t, err)
	c := sim.New(sim.Options{PublicKey: pub, SecretKey: secret})
	require.NoError(t, c.Restore(b))
	assert.Equal(t, 1, c.Len())
	next := c.AddOrder(sampleOrder(time.Now()))
	assert.NotEqual(t, id, next, "ids continue after a restore")
	require.NoError(t, c.SetPaid(id, false))
	assert.Equal(t, []string{id}, c.Unpaid())
}

// The shop filters on paid and status itself when asked.
func TestListOrdersFiltersPaidAndStatus(t *testing.T) {
	f := newFixture(t, sim.Options{}, ccvshop.Config{})
	base := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for i, st := range []model.OrderStatus{model.StatusNew, model.StatusNew, model.StatusSent, model.StatusNew} {
		o := sampleOrder(base.Add(time.Duration(i) * time.Minute))
		o.Status, o.Paid = st, i != 1
		f.sim.AddOrder(o)
	}
	page, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{
		CreatedFrom: base, CreatedTo: base.Add(time.Hour), OnlyPaid: true, Status: model.StatusNew})
	require.NoError(t, err)
	var ids []string
	for _, o := range page.Orders {
		ids = append(ids, o.ID)
		assert.True(t, o.Paid)
		assert.Equal(t, model.StatusNew, o.Status)
	}
	assert.Equal(t, []string{"1001", "1004"}, ids)
}
