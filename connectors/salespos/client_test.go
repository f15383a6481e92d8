package salespos_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/ccvshop"
	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/salespos"
	"github.com/koppel/koppel/connectors/salespos/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

const pub, secret = "pk_pos_test", "sk_pos_test_secret"

// request is one request the fixture saw on its way to the simulator.
type request struct {
	method, path, accept string
	body                 []byte
}

type fixture struct {
	pos    *sim.Sim
	client *salespos.Client
	now    time.Time

	mu       sync.Mutex
	requests []request
	systems  map[string]bool
}

func (f *fixture) seen() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.requests...)
}

// newFixture serves a SalesPOS simulator (seeded with the demo when
// seed is set) and builds a client against it from cfg.
func newFixture(t *testing.T, so sim.Options, cfg salespos.Config, seed bool) *fixture {
	t.Helper()
	f := &fixture{now: time.Date(2026, 6, 12, 17, 0, 0, 0, time.UTC), systems: map[string]bool{}}
	so.PublicKey, so.SecretKey, so.Now = pub, secret, func() time.Time { return f.now }
	f.pos = sim.New(so)
	if seed {
		sim.SeedDemo(f.pos, simkit.DemoContext{Now: f.now, Instance: 1})
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		f.mu.Lock()
		f.requests = append(f.requests, request{r.Method, r.URL.Path, r.Header.Get("Accept"), body})
		f.mu.Unlock()
		f.pos.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	cfg.BaseURL, cfg.PublicKey, cfg.SecretKey, cfg.ReadsPerMinute, cfg.WritesPerMinute = srv.URL, pub, secret, -1, -1
	cfg.Now = func() time.Time { return f.now }
	cfg.Observe = func(system, _ string, _ int, _ time.Duration, _ error) {
		f.mu.Lock()
		f.systems[system] = true
		f.mu.Unlock()
	}
	c, err := salespos.New(cfg)
	require.NoError(t, err)
	f.client = c
	return f
}

var ctx = context.Background()

func eur(c int64) model.Money { return model.NewMoney(c, "EUR") }

// demoSales lists the seeded sales by their place in SeedDemo's table.
func demoSales(t *testing.T, f *fixture) []connectors.OrderSummary {
	t.Helper()
	page, err := f.client.ListOrders(ctx, connectors.OrderQuery{CreatedFrom: f.now.Add(-2 * time.Hour), CreatedTo: f.now})
	require.NoError(t, err)
	require.Len(t, page.Orders, 8)
	return page.Orders
}

func TestTheSalesPOSMediaTypeIsSentAndNamesTheSystem(t *testing.T) {
	f := newFixture(t, sim.Options{}, salespos.Config{}, true)
	demoSales(t, f)
	_, err := f.client.ListCashups(ctx, salespos.PageQuery{})
	require.NoError(t, err)
	for _, r := range f.seen() {
		assert.Equal(t, salespos.DefaultMediaType, r.accept, r.method+" "+r.path)
	}
	assert.Equal(t, map[string]bool{salespos.System: true}, f.systems, "calls are observed as salespos")

	_, err = f.client.GetOrder(ctx, "424242")
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, salespos.System, ce.System)
	assert.Equal(t, connectors.KindNotFound, ce.Kind)
}

// The media type is an option: with the webshop's, the POS resources are
// refused and sales say nothing of their till, which the register filter
// reports instead of syncing every till's sales.
func TestTheMediaTypeDecidesWhatTheAccountShows(t *testing.T) {
	f := newFixture(t, sim.Options{}, salespos.Config{Config: ccvshop.Config{MediaType: ccvshop.MediaType}, RegisterID: "1"}, true)
	_, err := f.client.ListCashups(ctx, salespos.PageQuery{})
	assert.True(t, connectors.IsKind(err, connectors.KindValidation), "%v", err)
	assert.ErrorContains(t, err, "406.10")

	page, err := f.client.ListOrders(ctx, connectors.OrderQuery{CreatedFrom: f.now.Add(-2 * time.Hour), CreatedTo: f.now})
	require.NoError(t, err)
	require.Len(t, page.Orders, 8)
	for _, s := range page.Orders {
		assert.Contains(t, s.Unreadable, "options.registerId")
	}
	for _, r := range f.seen() {
		assert.Equal(t, ccvshop.MediaType, r.accept)
	}
}

func TestPOSSalesAreRead(t *testing.T) {
	f := newFixture(t, sim.Options{}, salespos.Config{}, true)
	sales := demoSales(t, f)
	statuses := []model.OrderStatus{}
	for _, s := range sales {
		assert.Empty(t, s.Unreadable)
		assert.True(t, s.Paid)
		statuses = append(statuses, s.Status)
	}
	done, refunded := model.StatusCompleted, model.StatusRefunded
	assert.Equal(t, []model.OrderStatus{done, done, done, done, done, done, refunded, done}, statuses, "the 7th sale is a refund")

	walkIn, err := f.client.GetOrder(ctx, sales[0].ID)
	require.NoError(t, err)
	assert.Equal(t, model.Customer{}, walkIn.Customer, "a walk-in sale has no customer")
	assert.Equal(t, sim.DemoCash, walkIn.PaymentMethod)
	assert.Equal(t, walkIn.ComputedTotal(), walkIn.Total)

	known, err := f.client.GetOrder(ctx, sales[1].ID)
	require.NoError(t, err)
	assert.Equal(t, "anna.deboer@example.nl", known.Customer.Email)
	assert.NotEmpty(t, known.Customer.ID, "the customer's account")
	assert.Equal(t, sim.DemoCard, known.PaymentMethod)

	rowDiscount, err := f.client.GetOrder(ctx, sales[2].ID)
	require.NoError(t, err)
	assert.Equal(t, eur(100), rowDiscount.Lines[0].UnitDiscount)
	assert.Equal(t, eur(1500), rowDiscount.Total, "2 × (8.50 − 1.00)")

	orderDiscount, err := f.client.GetOrder(ctx, sales[3].ID)
	require.NoError(t, err)
	require.Len(t, orderDiscount.Adjustments, 1)
	assert.Equal(t, eur(-1995), orderDiscount.Adjustments[0].Amount)
	assert.Equal(t, model.CustomerCompany, orderDiscount.Customer.Kind)
	assert.Equal(t, orderDiscount.ComputedTotal(), orderDiscount.Total)

	refund, raw, _, err := f.client.GetOrderRaw(ctx, sales[6].ID)
	require.NoError(t, err)
	assert.Equal(t, model.StatusRefunded, refund.Status)
	assert.Equal(t, eur(-850), refund.Total)
	assert.Equal(t, float64(sim.DemoRegisterTerrace), raw["register_id"], "mapping rules read the till as raw.register_id")
	assert.Equal(t, float64(sim.DemoStoreID), raw["store_id"])

	sum, err := f.client.GetOrderSummary(ctx, sales[6].ID)
	require.NoError(t, err)
	assert.Equal(t, model.StatusRefunded, sum.Status)
}

func TestRegisterAndStoreFilters(t *testing.T) {
	for _, tt := range []struct {
		name            string
		register, store string
		want            int
	}{
		{"every till", "", "", 8},
		{"the terrace", "2", "", 3},
		{"the counter of the store", "1", "1", 5},
		{"another store", "", "9", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, sim.Options{}, salespos.Config{RegisterID: tt.register, StoreID: tt.store}, true)
			page, err := f.client.ListOrders(ctx, connectors.OrderQuery{CreatedFrom: f.now.Add(-2 * time.Hour), CreatedTo: f.now})
			require.NoError(t, err)
			assert.Len(t, page.Orders, tt.want)
			feed, err := f.client.OrderFeed(ctx, connectors.OrderFeedQuery{Since: f.now.Add(-2 * time.Hour)})
			require.NoError(t, err)
			assert.Len(t, feed.Orders, tt.want, "the feed filters as the listing does")
			assert.False(t, feed.More, "no second phase: a till has no unfinished checkouts")
		})
	}
}

// An order written through the API was rung up at no till: the register
// filter leaves it out (so SalesPOS → webshop does not send back what the
// webshop sent), and without a filter it is listed.
func TestOrdersWrittenThroughTheAPIHaveNoTill(t *testing.T) {
	f := newFixture(t, sim.Options{}, salespos.Config{}, true)
	d := draftFor(t, f, webOrder(true))
	ref, err := f.client.CreateOrder(ctx, d)
	require.NoError(t, err)

	all, err := f.client.ListOrders(ctx, connectors.OrderQuery{CreatedFrom: f.now.Add(-2 * time.Hour), CreatedTo: f.now.Add(time.Second)})
	require.NoError(t, err)
	require.Len(t, all.Orders, 9)
	assert.Equal(t, ref.ID, all.Orders[8].ID)

	filtered := newFixture(t, sim.Options{}, salespos.Config{RegisterID: "1"}, false)
	filtered.pos.AddSale(ccvsim.Sale{Order: webOrder(true)})                // register_id null
	filtered.pos.AddSale(ccvsim.Sale{Order: webOrder(true), RegisterID: 1}) // the counter
	page, err := filtered.client.ListOrders(ctx, connectors.OrderQuery{})
	require.NoError(t, err)
	require.Len(t, page.Orders, 1)
	assert.Empty(t, page.Orders[0].Unreadable)
}

func TestCashupsAndTerminalReceiptsAreRead(t *testing.T) {
	f := newFixture(t, sim.Options{}, salespos.Config{}, true)
	first, err := f.client.ListCashups(ctx, salespos.PageQuery{PageSize: 1})
	require.NoError(t, err)
	require.Len(t, first.Cashups, 1)
	require.NotEmpty(t, first.NextPageToken)
	second, err := f.client.ListCashups(ctx, salespos.PageQuery{PageToken: first.NextPageToken})
	require.NoError(t, err)
	require.Len(t, second.Cashups, 1)
	assert.Empty(t, second.NextPageToken)

	closed, open := first.Cashups[0], second.Cashups[0]
	assert.Equal(t, salespos.CashupClosed, closed.Status)
	assert.False(t, closed.End.IsZero())
	require.Len(t, closed.Balances, 2)
	require.NotNil(t, closed.Balances[0].Counted)
	assert.Equal(t, eur(21240), *closed.Balances[0].Counted)
	assert.Equal(t, model.VATPercent(9), closed.VATTotals[0].VAT)
	assert.Equal(t, eur(3313), closed.VATTotals[0].Tax)

	assert.Equal(t, salespos.CashupOpen, open.Status)
	assert.True(t, open.End.IsZero(), "an open cash-up has no end")
	assert.Nil(t, open.Balances[0].Counted)
	var expected int64
	for _, b := range open.Balances {
		expected += b.Expected.Amount
	}
	var sold int64
	for _, o := range f.pos.Orders() {
		sold += o.Total.Amount
	}
	assert.Equal(t, sold, expected, "today's cash-up expects what the till sold")
	again, err := f.client.GetCashup(ctx, open.ID)
	require.NoError(t, err)
	assert.Equal(t, open, again)

	receipts, err := f.client.ListTerminalReceipts(ctx, salespos.PageQuery{})
	require.NoError(t, err)
	require.Len(t, receipts.Receipts, 5, "one per card payment")
	sales := demoSales(t, f)
	mine, err := f.client.OrderTerminalReceipts(ctx, sales[1].ID)
	require.NoError(t, err)
	require.Len(t, mine, 1)
	sale, err := f.client.GetOrder(ctx, sales[1].ID)
	require.NoError(t, err)
	assert.Equal(t, sales[1].ID, mine[0].OrderID)
	assert.Equal(t, sale.Total, mine[0].Amount)
	assert.Equal(t, "Maestro", mine[0].Brand)
	assert.Contains(t, mine[0].Text, "AKKOORD")
	one, err := f.client.GetTerminalReceipt(ctx, mine[0].ID)
	require.NoError(t, err)
	assert.Equal(t, mine[0], one)

	none, err := f.client.OrderTerminalReceipts(ctx, sales[0].ID)
	require.NoError(t, err)
	assert.Empty(t, none, "a cash sale has no terminal receipt")
	_, err = f.client.GetCashup(ctx, "x")
	assert.True(t, connectors.IsKind(err, connectors.KindValidation))
}

// webOrder is an order from a webshop (Ecwid) for the till, on two demo
// articles, with shipping and two adjustments.
func webOrder(incl bool) model.Order {
	cat := simkit.DemoProducts()
	a := model.Address{Name: "Sophie Jansen", Street: "Laan van Nu", HouseNumber: "45", PostalCode: "5678 EF", City: "Ergenshuizen", CountryCode: "NL"}
	l0 := cat[0].Line(2)
	l0.UnitDiscount = eur(150)
	o := model.Order{ID: "E-1001", Number: "1001", CreatedAt: time.Date(2026, 6, 12, 9, 0, 0, 0, time.UTC), Status: model.StatusProcessing, Paid: true,
		Currency: "EUR", PricesIncludeVAT: incl,
		Customer:     model.Customer{Kind: model.CustomerPerson, Email: "sophie.jansen@example.nl", Person: model.Person{FirstName: "Sophie", LastName: "Jansen"}, Billing: a, Shipping: a},
		Lines:        []model.OrderLine{l0, cat[3].Line(3)},
		ShippingCost: eur(495), ShippingVAT: model.VATPercent(21), PaymentMethod: "card",
		Adjustments: []model.Adjustment{
			{Kind: model.AdjustmentDiscount, Description: "Coupon", Amount: eur(-250), VAT: model.VATPercent(21)},
			{Kind: model.AdjustmentCost, Description: "Handling", Amount: eur(99), VAT: model.VATPercent(21)},
		}}
	if !incl {
		o.Lines[0].UnitPrice, o.Lines[1].UnitPrice = eur(1835), eur(703)
	}
	o.Total = o.ComputedTotal()
	return o
}

func draftFor(t *testing.T, f *fixture, o model.Order) connectors.OrderDraft {
	t.Helper()
	ids, err := f.client.LookupProducts(ctx, o.SKUs())
	require.NoError(t, err)
	return connectors.OrderDraft{Order: o, ExternalID: "ecwid-" + o.ID, Kind: connectors.KindOrder, ProductIDs: ids}
}

func TestCreateOrderLooksUpThenPostsTheBody(t *testing.T) {
	f := newFixture(t, sim.Options{}, salespos.Config{}, true)
	o := webOrder(true)
	d := draftFor(t, f, o)
	user, err := f.client.FindCustomer(ctx, connectors.CustomerMatch{Field: "email", Value: "ANNA.deboer@example.nl"})
	require.NoError(t, err)
	require.NotNil(t, user, "e-mail matches without regard to case")
	d.CustomerID = user.ID
	start := len(f.seen())

	ref, err := f.client.CreateOrder(ctx, d)
	require.NoError(t, err)
	assert.NotEmpty(t, ref.ID)
	assert.Equal(t, connectors.KindOrder, ref.Kind)

	calls := f.seen()[start:]
	require.Len(t, calls, 2, "one lookup, one write")
	assert.Equal(t, "GET", calls[0].method, "the key is looked up before writing")
	assert.Equal(t, "POST", calls[1].method)
	assert.Equal(t, "/api/rest/v1/orders/", calls[1].path)
	var body map[string]any
	require.NoError(t, json.Unmarshal(calls[1].body, &body))
	assert.Equal(t, "ecwid-E-1001", body[salespos.KeyField], "the natural key travels in the key field")
	assert.Equal(t, true, body["shipping_taxes_included"])
	assert.Equal(t, 4.95, body["total_shipping"])
	assert.Equal(t, -1.51, body["extra_costs"], "the adjustments summed, a discount negative")
	assert.Equal(t, "Coupon, Handling", body["extra_costs_description"])
	assert.EqualValues(t, mustAtoi(t, user.ID), body["user_id"])
	assert.Equal(t, "sophie.jansen@example.nl", body["customer"].(map[string]any)["email"], "the order's own buyer goes along")
	rows := body["orderrows"].([]any)
	require.Len(t, rows, 2)
	row := rows[0].(map[string]any)
	assert.Equal(t, 18.45, row["price"], "the net unit price: 19.95 − 1.50")
	assert.NotContains(t, row, "discount")
	assert.Equal(t, 2.0, row["count"])
	assert.Equal(t, 9.0, row["tax"])
	assert.EqualValues(t, mustAtoi(t, d.ProductIDs[o.Lines[0].SKU]), row["product_id"])

	stored := f.pos.OrdersByReservation(d.ExternalID)
	require.Len(t, stored, 1)
	assert.Equal(t, o.Total, stored[0].Total, "the account books the order's total")
	assert.Equal(t, user.ID, stored[0].Customer.ID)
	booked, err := f.client.BookedTotal(ctx, d)
	require.NoError(t, err)
	assert.Equal(t, o.Total, booked)

	found, ok, err := f.client.FindOrder(ctx, d.ExternalID, connectors.KindOrder)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, ref, found)
	_, err = f.client.CreateOrder(ctx, d)
	assert.True(t, connectors.IsKind(err, connectors.KindConflict), "%v", err)
	assert.Len(t, f.pos.OrdersByReservation(d.ExternalID), 1)
	_, ok, err = f.client.FindOrder(ctx, "ecwid-other", connectors.KindOrder)
	require.NoError(t, err)
	assert.False(t, ok)
}

func mustAtoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	require.NoError(t, err)
	return n
}

// Prices without VAT: shipping and costs are sent with their VAT added, so
// the account adds VAT only per row, and books the order's total.
func TestCreateOrderWithoutVATBooksTheTotal(t *testing.T) {
	f := newFixture(t, sim.Options{}, salespos.Config{}, true)
	o := webOrder(false)
	d := draftFor(t, f, o)
	booked, err := f.client.BookedTotal(ctx, connectors.OrderDraft{Order: o}) // before products are known
	require.NoError(t, err)
	assert.Equal(t, o.ComputedTotal(), booked)
	_, err = f.client.CreateOrder(ctx, d)
	require.NoError(t, err)
	stored := f.pos.OrdersByReservation(d.ExternalID)
	require.Len(t, stored, 1)
	assert.Equal(t, o.Total, stored[0].Total)
	assert.False(t, stored[0].PricesIncludeVAT)
}

func TestCreateOrderWritesVariantsAndRefusesUnknownSKUs(t *testing.T) {
	f := newFixture(t, sim.Options{}, salespos.Config{}, false)
	f.pos.AddProduct(ccvsim.Product{SKU: "TSH", Name: "T-shirt", Price: eur(2000), VAT: model.VATPercent(21), Active: true,
		Variants: []ccvsim.Variant{{SKU: "TSH-M", Attributes: map[string]string{"Maat": "M"}, Active: true}, {SKU: "TSH-L", Attributes: map[string]string{"Maat": "L"}, Active: true}}})
	o := model.Order{ID: "9", Currency: "EUR", PricesIncludeVAT: true, Paid: true, Status: model.StatusProcessing,
		Lines: []model.OrderLine{{SKU: "TSH-L", Name: "T-shirt L", Quantity: model.Pieces(1), UnitPrice: eur(2000), VAT: model.VATPercent(21)}}}
	o.Total = o.ComputedTotal()
	d := draftFor(t, f, o)
	pid, cid, err := ccvshop.ParseProductRef(d.ProductIDs["TSH-L"])
	require.NoError(t, err)
	assert.Positive(t, pid)
	assert.Positive(t, cid, "a variant SKU resolves to its combination")

	_, err = f.client.CreateOrder(ctx, d)
	require.NoError(t, err)
	stored := f.pos.OrdersByReservation(d.ExternalID)
	require.Len(t, stored, 1)
	assert.Equal(t, "TSH-L", stored[0].Lines[0].SKU)
	assert.Equal(t, model.Customer{}, stored[0].Customer, "no buyer, no account: nothing is invented")

	o.Lines = append(o.Lines, model.OrderLine{SKU: "NOPE", Quantity: model.Pieces(1), UnitPrice: eur(100)})
	d.Order, d.ExternalID = o, "other"
	_, err = f.client.CreateOrder(ctx, d)
	assert.True(t, connectors.IsKind(err, connectors.KindValidation), "%v", err)
	assert.ErrorContains(t, err, "NOPE")
	assert.Empty(t, f.pos.OrdersByReservation("other"), "nothing written")

	d.Kind = connectors.KindInvoice
	_, err = f.client.CreateOrder(ctx, d)
	assert.True(t, connectors.IsKind(err, connectors.KindConfig), "SalesPOS writes orders only")
}

// The API sometimes answers a POST without a body (research §1.9): the
// order is then found by its key.
func TestCreateOrderWithAnEmptyAnswerFindsTheOrder(t *testing.T) {
	f := newFixture(t, sim.Options{EmptyPostBodies: true}, salespos.Config{}, true)
	d := draftFor(t, f, webOrder(true))
	ref, err := f.client.CreateOrder(ctx, d)
	require.NoError(t, err)
	stored := f.pos.OrdersByReservation(d.ExternalID)
	require.Len(t, stored, 1)
	assert.Equal(t, stored[0].ID, ref.ID)

	id, err := f.client.CreateCustomer(ctx, model.Customer{Kind: model.CustomerPerson, Email: "new@example.nl", Person: model.Person{LastName: "Nieuw"}})
	require.NoError(t, err)
	assert.Equal(t, f.pos.Users()[len(f.pos.Users())-1].ID, id)
}

func TestCustomersAreFoundMadeAndUpdated(t *testing.T) {
	f := newFixture(t, sim.Options{}, salespos.Config{}, true)
	none, err := f.client.FindCustomer(ctx, connectors.CustomerMatch{Field: "email", Value: "nobody@example.nl"})
	require.NoError(t, err)
	assert.Nil(t, none)

	c := model.Customer{ID: "shop-42", Kind: model.CustomerCompany, Email: "Inkoop@Noord.example", CompanyName: "Noord B.V.",
		Person: model.Person{FirstName: "Ahmed", LastName: "El Amrani"}, VATNumber: "NL009876543B01",
		Billing: model.Address{Street: "Stationsweg", HouseNumber: "101", HouseNumberSuffix: "A", PostalCode: "4567 DE", City: "Nergensdam", CountryCode: "NL"}}
	id, err := f.client.CreateCustomer(ctx, c)
	require.NoError(t, err)
	byID, err := f.client.FindCustomer(ctx, connectors.CustomerMatch{Field: "externalId", Value: "shop-42"})
	require.NoError(t, err)
	require.NotNil(t, byID, "an account made for a source customer is found by its external id")
	assert.Equal(t, id, byID.ID)
	assert.Equal(t, "Noord B.V.", byID.Customer.CompanyName)
	assert.Equal(t, model.CustomerCompany, byID.Customer.Kind)
	assert.Equal(t, "101", byID.Customer.Billing.HouseNumber)
	assert.Equal(t, "A", byID.Customer.Billing.HouseNumberSuffix)
	assert.Equal(t, c.Billing.Street, byID.Customer.Shipping.Street, "no delivery address: the billing one")

	_, err = f.client.CreateCustomer(ctx, c)
	assert.True(t, connectors.IsKind(err, connectors.KindConflict), "a taken username: %v", err)

	c.Person.LastName = "El-Amrani"
	require.NoError(t, f.client.UpdateCustomer(ctx, id, c))
	byMail, err := f.client.FindCustomer(ctx, connectors.CustomerMatch{Field: "email", Value: "inkoop@noord.example"})
	require.NoError(t, err)
	require.NotNil(t, byMail)
	assert.Equal(t, "El-Amrani", byMail.Customer.Person.LastName)

	_, err = f.client.FindCustomer(ctx, connectors.CustomerMatch{Field: "phone", Value: "1"})
	assert.True(t, connectors.IsKind(err, connectors.KindConfig))
	_, err = f.client.CreateCustomer(ctx, model.Customer{Kind: model.CustomerPerson, Person: model.Person{LastName: "Anoniem"}})
	assert.True(t, connectors.IsKind(err, connectors.KindValidation), "no e-mail and no id: no username")
}
