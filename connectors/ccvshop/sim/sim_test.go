package sim_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

const pub, secret = "pk_sim", "sk_sim_secret"

// clock is a settable fake time.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock            { c := &clock{}; c.ns.Store(t.UnixNano()); return c }
func (c *clock) Now() time.Time              { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) Add(d time.Duration)         { c.ns.Add(int64(d)) }
func (c *clock) date(d time.Duration) string { return c.Now().Add(d).Format(ccvshop.DateFormat) }

type shop struct {
	*sim.Sim
	url   string
	clock *clock
	pub   string
	sec   string
}

func newShop(t *testing.T, o sim.Options) *shop {
	t.Helper()
	if o.PublicKey == "" {
		o.PublicKey, o.SecretKey = pub, secret
	}
	c := newClock(time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC))
	if o.Now == nil {
		o.Now = c.Now
	}
	s := sim.New(o)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &shop{Sim: s, url: srv.URL, clock: c, pub: o.PublicKey, sec: o.SecretKey}
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(a.body, &m), string(a.body))
	return m
}

// raw sends a request with the given headers exactly.
func (s *shop) raw(t *testing.T, method, uri, body string, hdr map[string]string) answer {
	t.Helper()
	req, err := http.NewRequest(method, s.url+uri, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{resp.StatusCode, resp.Header, b}
}

// signed sends a correctly signed request.
func (s *shop) signed(t *testing.T, method, uri, body string) answer {
	t.Helper()
	date := s.clock.date(0)
	return s.raw(t, method, uri, body, map[string]string{"x-public": s.pub, "x-date": date,
		"x-hash": ccvshop.Sign(s.pub, s.sec, method, uri, body, date)})
}

// try sends a signed GET without failing the test itself (for goroutines).
func (s *shop) try(uri string) (int, error) {
	date := s.clock.date(0)
	req, err := http.NewRequest("GET", s.url+uri, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("x-public", s.pub)
	req.Header.Set("x-date", date)
	req.Header.Set("x-hash", ccvshop.Sign(s.pub, s.sec, "GET", uri, "", date))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

func eur(c int64) model.Money { return model.NewMoney(c, "EUR") }

func order(created time.Time, paid bool, st model.OrderStatus) model.Order {
	a := model.Address{Name: "Jan Visser", Street: "Kerkweg", HouseNumber: "3", PostalCode: "2345 BC", City: "Nergensdam", CountryCode: "NL"}
	return model.Order{CreatedAt: created, Status: st, Paid: paid, Currency: "EUR", PricesIncludeVAT: true,
		Customer: model.Customer{Kind: model.CustomerPerson, Email: "jan@example.nl", Person: model.Person{FirstName: "Jan", LastName: "Visser"}, Billing: a, Shipping: a},
		Lines: []model.OrderLine{
			{SKU: "KOF-1", Name: "Koffie", Quantity: model.Pieces(3), UnitPrice: eur(1999), UnitDiscount: eur(0), VAT: model.VATPercent(21)},
			{SKU: "THE-1", Name: "Thee", Quantity: model.Quantity(1500), UnitPrice: eur(1210), UnitDiscount: eur(50), VAT: model.VATPercent(9)},
		},
		ShippingCost: eur(695), ShippingVAT: model.VATPercent(21), Total: eur(5997 + 1740 + 695)}
}

// The two worked examples of research §1.2, sent as the documentation signs
// them: the simulator accepts them with its clock at the example's x-date,
// and rejects the same hash once the URI or body changes by one byte.
func TestGoldenVectorsAuthenticate(t *testing.T) {
	c := newClock(time.Date(2024, 5, 1, 12, 1, 0, 0, time.UTC))
	s := sim.New(sim.Options{PublicKey: "pk_demo_123", SecretKey: "sk_demo_456", Now: c.Now})
	srv := httptest.NewServer(s)
	defer srv.Close()
	shop := &shop{Sim: s, url: srv.URL, clock: c}
	tests := []struct {
		name, method, uri, body, hash string
		status                        int
	}{
		{"GET as documented", "GET", "/api/rest/v1/orders/?status=1&is_paid=1&start=0&size=25", "",
			"b138e86fa5bd600fb635fce019ec99118813303b84120658d04ac4ec3006ff6d56976a8c5b6ef57a80fe08e03bffb4cf6a6796610f05073741c9cafe5ed14403", 200},
		{"GET with the query reordered", "GET", "/api/rest/v1/orders/?is_paid=1&status=1&start=0&size=25", "",
			"b138e86fa5bd600fb635fce019ec99118813303b84120658d04ac4ec3006ff6d56976a8c5b6ef57a80fe08e03bffb4cf6a6796610f05073741c9cafe5ed14403", 401},
		{"GET without the trailing slash", "GET", "/api/rest/v1/orders?status=1&is_paid=1&start=0&size=25", "",
			"b138e86fa5bd600fb635fce019ec99118813303b84120658d04ac4ec3006ff6d56976a8c5b6ef57a80fe08e03bffb4cf6a6796610f05073741c9cafe5ed14403", 401},
		// there is no product 123456: past authentication the answer is 404, not 401
		{"PATCH as documented", "PATCH", "/api/rest/v1/products/123456/", `{"stock":12}`,
			"c0bd9d3c6d2662f4000943a91043eeca84b4db334aa61246b5e6ffe7fcfc1c9f4e905a96d0244bffdd77e968de94f8a6a0ac223cb7d766832b01879d39a4dd8c", 404},
		{"PATCH with another body", "PATCH", "/api/rest/v1/products/123456/", `{"stock":13}`,
			"c0bd9d3c6d2662f4000943a91043eeca84b4db334aa61246b5e6ffe7fcfc1c9f4e905a96d0244bffdd77e968de94f8a6a0ac223cb7d766832b01879d39a4dd8c", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := shop.raw(t, tt.method, tt.uri, tt.body, map[string]string{
				"x-public": "pk_demo_123", "x-date": "2024-05-01T12:00:00Z", "x-hash": tt.hash})
			assert.Equal(t, tt.status, a.status, string(a.body))
		})
	}
}

func TestAuthenticationFailures(t *testing.T) {
	s := newShop(t, sim.Options{})
	uri := "/api/rest/v1/orders/?start=0&size=10"
	sign := func(pubKey, sec, date string) map[string]string {
		return map[string]string{"x-public": pubKey, "x-date": date, "x-hash": ccvshop.Sign(pubKey, sec, "GET", uri, "", date)}
	}
	tests := []struct {
		name    string
		hdr     map[string]string
		status  int
		code    string
		message string
	}{
		{"valid", sign(pub, secret, s.clock.date(0)), 200, "", ""},
		{"date with +00:00", sign(pub, secret, s.clock.Now().Format("2006-01-02T15:04:05+00:00")), 200, "", ""},
		{"date with +0000", sign(pub, secret, s.clock.Now().Format("2006-01-02T15:04:05+0000")), 200, "", ""},
		{"4 minutes ahead", sign(pub, secret, s.clock.date(4*time.Minute)), 200, "", ""},
		{"no headers", nil, 401, "401.10", "missing authentication headers"},
		{"wrong secret", sign(pub, "guess", s.clock.date(0)), 401, "401.10", "invalid hash"},
		{"unknown public key", sign("pk_other", secret, s.clock.date(0)), 401, "401.10", "invalid hash or public key"},
		{"6 minutes behind", sign(pub, secret, s.clock.date(-6*time.Minute)), 401, "401.11", "5 minutes"},
		{"6 minutes ahead", sign(pub, secret, s.clock.date(6*time.Minute)), 401, "401.11", "5 minutes"},
		{"not a date", sign(pub, secret, "yesterday"), 401, "401.11", "ISO 8601"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := s.raw(t, "GET", uri, "", tt.hdr)
			require.Equal(t, tt.status, a.status, string(a.body))
			if tt.status == 200 {
				return
			}
			body := a.json(t)
			assert.Equal(t, float64(tt.status), body["status"])
			assert.Equal(t, tt.code, body["code"])
			assert.Contains(t, body["developermessage"], tt.message)
			assert.NotContains(t, string(a.body), secret)
		})
	}
}

// Every answer carries x-date and x-hash over its own body (§1.2).
func TestResponsesAreSigned(t *testing.T) {
	s := newShop(t, sim.Options{})
	id := s.AddOrder(order(s.clock.Now(), true, model.StatusPending))
	for _, uri := range []string{"/api/rest/v1/orders/" + id + "/", "/api/rest/v1/orders/" + id, "/api/rest/v1/orders/999/"} {
		a := s.signed(t, "GET", uri, "")
		date := a.header.Get("x-date")
		require.NotEmpty(t, date)
		assert.Equal(t, ccvshop.Sign(pub, secret, "GET", uri, string(a.body), date), a.header.Get("x-hash"), uri)
	}
}

// The order and its rows in the wire shape of §1.6: snake_case names,
// money as JSON numbers with two decimals, status as a number.
func TestWireShape(t *testing.T) {
	s := newShop(t, sim.Options{})
	o := order(time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC), true, model.StatusShipped)
	o.Customer.Kind, o.Customer.CompanyName, o.Customer.VATNumber = model.CustomerCompany, "Bakkerij Smit", "NL001234567B01"
	o.Customer.Billing.Company = "Bakkerij Smit"
	id := s.AddOrder(o)

	a := s.signed(t, "GET", "/api/rest/v1/orders/"+id+"/", "")
	require.Equal(t, 200, a.status)
	raw := string(a.body)
	for _, frag := range []string{`"total_shipping":6.95`, `"total_price":84.32`, `"shipping_tax_percentage":21.00`,
		`"status":5`, `"paid":true`, `"create_date":"2026-05-01T09:30:00Z"`, `"ordernumber":1`, `"ordernumber_prefix":"2026"`,
		`"ordernumber_full":"2026-1"`, `"currency":"EUR"`, `"order_row_taxes_included":true`, `"is_completed":true`, `"customertype":"b2b"`,
		`"btw":"NL001234567B01"`, `"housenumber":3`, `"country_code":"NL"`} {
		assert.Contains(t, raw, frag)
	}
	m := a.json(t)
	assert.Equal(t, s.url+"/api/rest/v1/orders/"+id+"/orderrows/", m["orderrows"].(map[string]any)["href"], "rows are a link")
	billing := m["customer"].(map[string]any)["billingaddress"].(map[string]any)
	assert.Equal(t, "Bakkerij Smit", billing["company"])
	assert.Equal(t, "Jan", billing["first_name"])

	a = s.signed(t, "GET", "/api/rest/v1/orders/"+id+"/orderrows/", "")
	require.Equal(t, 200, a.status)
	raw = string(a.body)
	for _, frag := range []string{`"price":19.99`, `"discount":0.00`, `"count":3`, `"tax":21.00`, `"price":12.10`,
		`"discount":0.50`, `"count":1.5`, `"tax":9.00`, `"product_number":"THE-1"`, `"total_price":17.40`} {
		assert.Contains(t, raw, frag)
	}
}

func TestPagingLinks(t *testing.T) {
	s := newShop(t, sim.Options{MaxPageSize: 4})
	for i := range 7 {
		s.AddOrder(order(s.clock.Now().Add(time.Duration(i)*time.Minute), true, model.StatusPending))
	}
	type page struct {
		Start, Size          int
		First                string
		Previous, Next, Href *string
		Items                []struct{ ID int64 }
	}
	get := func(uri string) page {
		a := s.signed(t, "GET", uri, "")
		require.Equal(t, 200, a.status, string(a.body))
		var p page
		require.NoError(t, json.Unmarshal(a.body, &p))
		return p
	}
	p := get("/api/rest/v1/orders/?start=0&size=3")
	assert.Equal(t, 0, p.Start)
	assert.Equal(t, 3, p.Size)
	assert.Nil(t, p.Previous)
	require.NotNil(t, p.Next)
	assert.Equal(t, s.url+"/api/rest/v1/orders/?size=3&start=3", *p.Next, "links are absolute")

	var ids []int64
	uri := "/api/rest/v1/orders/?start=0&size=3"
	for pages := 0; uri != ""; pages++ {
		require.Less(t, pages, 5)
		p := get(uri)
		for _, it := range p.Items {
			ids = append(ids, it.ID)
		}
		uri = ""
		if p.Next != nil {
			uri = strings.TrimPrefix(*p.Next, s.url)
		}
	}
	assert.Equal(t, []int64{1001, 1002, 1003, 1004, 1005, 1006, 1007}, ids)

	p = get("/api/rest/v1/orders/?size=100")
	assert.Equal(t, 4, p.Size, "size is clamped to the maximum")
	assert.Len(t, p.Items, 4)
	p = get("/api/rest/v1/orders/?orderby=id_desc&size=2")
	assert.Equal(t, int64(1007), p.Items[0].ID)

	a := s.signed(t, "GET", "/api/rest/v1/orders/?size=0", "")
	assert.Equal(t, 400, a.status)
}

func TestListFilters(t *testing.T) {
	s := newShop(t, sim.Options{})
	day := time.Date(2026, 5, 9, 0, 0, 0, 0, time.UTC)
	s.AddOrder(order(day.Add(-time.Second), true, model.StatusPending))             // 1001: 8 May 23:59:59
	s.AddOrder(order(day, false, model.StatusPending))                              // 1002: 9 May 00:00
	s.AddOrder(order(day.Add(12*time.Hour), true, model.StatusShipped))             // 1003: 9 May 12:00
	s.AddOrder(order(day.Add(24*time.Hour-time.Second), true, model.StatusPending)) // 1004: 9 May 23:59:59
	s.AddOrder(order(day.Add(24*time.Hour), true, model.StatusPending))             // 1005: 10 May 00:00
	tests := []struct {
		query  string
		ids    []float64
		status int
	}{
		{"min_create_date=2026-05-09&max_create_date=2026-05-09", []float64{1002, 1003, 1004}, 200},
		{"min_create_date=2026-05-09T12:00:00Z", []float64{1003, 1004, 1005}, 200},
		{"max_create_date=2026-05-09T00:00:00%2B00:00", []float64{1001, 1002}, 200},
		{"is_paid=1", []float64{1001, 1003, 1004, 1005}, 200},
		{"is_paid=false", []float64{1002}, 200},
		{"status=5", []float64{1003}, 200},
		{"status=1&is_paid=true", []float64{1001, 1004, 1005}, 200},
		{"is_completed=false", nil, 200},
		{"orderby=create_date_desc&size=1", []float64{1005}, 200},
		{"status=new", nil, 400},
		{"min_create_date=9-5-2026", nil, 400},
		{"orderby=colour", nil, 400},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			a := s.signed(t, "GET", "/api/rest/v1/orders/?"+tt.query, "")
			require.Equal(t, tt.status, a.status, string(a.body))
			if tt.status != 200 {
				assert.Equal(t, "400.10", a.json(t)["code"])
				return
			}
			var ids []float64
			for _, it := range a.json(t)["items"].([]any) {
				ids = append(ids, it.(map[string]any)["id"].(float64))
			}
			assert.Equal(t, tt.ids, ids)
		})
	}
}

func TestNotFoundAndMethods(t *testing.T) {
	s := newShop(t, sim.Options{})
	id := s.AddOrder(order(s.clock.Now(), true, model.StatusPending))
	tests := []struct {
		method, uri string
		status      int
		code        string
	}{
		{"GET", "/api/rest/v1/orders/4242/", 404, "404.30"},
		{"GET", "/api/rest/v1/orders/4242/orderrows/", 404, "404.30"},
		{"GET", "/api/rest/v1/colours/", 404, "404.20"},
		{"GET", "/elsewhere/", 404, "404.20"},
		{"DELETE", "/api/rest/v1/orders/" + id + "/", 405, "405.10"},
		{"GET", "/api/rest/v1/", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.uri, func(t *testing.T) {
			a := s.signed(t, tt.method, tt.uri, "")
			require.Equal(t, tt.status, a.status, string(a.body))
			if tt.code != "" {
				assert.Equal(t, tt.code, a.json(t)["code"])
			}
		})
	}
}

func TestRateLimits(t *testing.T) {
	s := newShop(t, sim.Options{ReadsPerMinute: 2, TotalPerMinute: 3})
	id := s.AddOrder(order(s.clock.Now(), true, model.StatusPending))
	one := "/api/rest/v1/orders/" + id + "/"
	for range 2 {
		assert.Equal(t, 200, s.signed(t, "GET", one, "").status)
	}
	a := s.signed(t, "GET", one, "")
	require.Equal(t, 429, a.status)
	assert.Equal(t, "429.10", a.json(t)["code"], "per resource and method")
	assert.Equal(t, float64(429), a.json(t)["status"])
	assert.Equal(t, "60", a.header.Get("Retry-After"))

	rows := "/api/rest/v1/orders/" + id + "/orderrows/"
	assert.Equal(t, 200, s.signed(t, "GET", rows, "").status, "another resource has its own count")
	a = s.signed(t, "GET", rows, "")
	require.Equal(t, 429, a.status)
	assert.Equal(t, "429.11", a.json(t)["code"], "the key's total is spent (3)")

	s.clock.Add(45 * time.Second)
	a = s.signed(t, "GET", one, "")
	require.Equal(t, 429, a.status)
	assert.Equal(t, "15", a.header.Get("Retry-After"))
	s.clock.Add(15 * time.Second)
	assert.Equal(t, 200, s.signed(t, "GET", one, "").status, "a new minute")
}

func TestFaultsUseTheClientsOpNames(t *testing.T) {
	s := newShop(t, sim.Options{})
	id := s.AddOrder(order(s.clock.Now(), true, model.StatusPending))
	s.Faults().Add(simkit.Rule{Op: ccvshop.OpGetOrder, Kind: simkit.FaultStatus, Status: 503, Times: 1})
	s.Faults().Add(simkit.Rule{Op: ccvshop.OpListOrderRows, Kind: simkit.FaultRateLimit, RetryAfter: 7 * time.Second, Times: 1})

	assert.Equal(t, 200, s.signed(t, "GET", "/api/rest/v1/orders/", "").status, "the listing is another op")
	assert.Equal(t, 503, s.signed(t, "GET", "/api/rest/v1/orders/"+id, "").status)
	assert.Equal(t, 200, s.signed(t, "GET", "/api/rest/v1/orders/"+id, "").status, "Times: 1")
	a := s.signed(t, "GET", "/api/rest/v1/orders/"+id+"/orderrows", "")
	assert.Equal(t, 429, a.status)
	assert.Equal(t, "7", a.header.Get("Retry-After"))
	assert.Equal(t, 1, s.Served(ccvshop.OpListOrders))
	assert.Equal(t, 1, s.Served(ccvshop.OpGetOrder))
}

func TestSeedingAndState(t *testing.T) {
	s := newShop(t, sim.Options{})
	now := s.clock.Now()
	a := s.AddOrder(order(time.Time{}, false, model.StatusPending))
	kept := order(now, true, model.StatusPending)
	kept.ID, kept.Number = "5000", "WEB-77"
	b := s.AddOrder(kept)
	c := s.AddOrder(kept) // the id is taken now
	assert.Equal(t, []string{"1001", "5000", "5001"}, []string{a, b, c})
	assert.Equal(t, 3, s.Len())

	m := s.signed(t, "GET", "/api/rest/v1/orders/1001/", "").json(t)
	assert.Equal(t, now.Format(ccvshop.DateFormat), m["create_date"], "a zero CreatedAt is the shop's now")
	assert.Equal(t, "2026-1", m["ordernumber_full"])
	m = s.signed(t, "GET", "/api/rest/v1/orders/5000/", "").json(t)
	assert.Equal(t, "WEB-77", m["ordernumber_full"])
	assert.Equal(t, float64(77), m["ordernumber"])

	require.NoError(t, s.SetPaid(a, true))
	require.NoError(t, s.SetStatus(a, model.StatusCancelled))
	m = s.signed(t, "GET", "/api/rest/v1/orders/1001/", "").json(t)
	assert.Equal(t, true, m["paid"])
	assert.Equal(t, float64(8), m["status"])
	assert.Error(t, s.SetPaid("9", true))
	assert.Error(t, s.SetStatus(a, "lost"))

	snap, err := s.Snapshot()
	require.NoError(t, err)
	r := sim.New(sim.Options{PublicKey: pub, SecretKey: secret})
	require.NoError(t, r.Restore(snap))
	assert.Equal(t, 3, r.Len())
	assert.Equal(t, "5002", r.AddOrder(order(now, true, model.StatusPending)), "ids go on after a restore")
	assert.Error(t, r.Restore([]byte(`{"orders":[{"id":1,"rowIds":[],"order":{}},{"id":1,"rowIds":[],"order":{}}]}`)))
	assert.Error(t, r.Restore([]byte(`not json`)))
	assert.Equal(t, 4, r.Len(), "a failed restore changes nothing")
}

// Run with -race: seeding, state changes and requests at once.
func TestConcurrentUse(t *testing.T) {
	s := newShop(t, sim.Options{ReadsPerMinute: -1})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10 {
				id := s.AddOrder(order(s.clock.Now(), false, model.StatusPending))
				_ = s.SetPaid(id, true)
				for _, uri := range []string{fmt.Sprintf("/api/rest/v1/orders/?start=%d&size=5", i*j), "/api/rest/v1/orders/" + id + "/orderrows/"} {
					status, err := s.try(uri)
					assert.NoError(t, err)
					assert.Equal(t, 200, status)
				}
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 80, s.Len())
	assert.Empty(t, s.Unpaid())
}
