package shopware6_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/shopware6"
	"github.com/koppel/koppel/connectors/shopware6/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

func customer(i int) model.Customer { return simkit.DemoCustomers()[i].Customer }

func line(sku, name string, qty, cents int64, vat int64) model.OrderLine {
	return model.OrderLine{SKU: sku, Name: name, Quantity: model.Pieces(qty), UnitPrice: eur(cents), UnitDiscount: eur(0), VAT: model.VATPercent(vat)}
}

// A gross order with a promotion and shipping reads back to the cent: the
// product lines, the promotion as a discount, shipping with its rate.
func TestGrossOrderWithPromotionAndShipping(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	want := model.Order{CreatedAt: f.clock.Now().Add(-time.Hour), Status: model.StatusPending, Paid: true, Currency: "EUR",
		PricesIncludeVAT: true, Customer: customer(0),
		Lines:        []model.OrderLine{line("KOF-1000", "Koffiebonen huismelange 1 kg", 2, 1995, 9), line("MOK-0001", "Mok Koppel, wit", 3, 850, 21)},
		ShippingCost: eur(495), ShippingVAT: model.VATPercent(21), ShippingMethod: "PostNL", PaymentMethod: "iDEAL",
		Adjustments: []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: "Kortingscode WELKOM", Amount: eur(-750), VAT: model.VATPercent(21)}}}
	want.Total = want.ComputedTotal()
	require.Equal(t, int64(2*1995+3*850+495-750), want.Total.Amount)
	id := f.shop.AddOrderWith(want, sim.OrderOptions{PromotionCode: "WELKOM"})

	got, err := f.client.GetOrder(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, id, got.ID)
	assert.Equal(t, "10000", got.Number)
	assert.True(t, got.PricesIncludeVAT)
	assert.Equal(t, want.Lines, got.Lines)
	assert.Equal(t, want.Adjustments, got.Adjustments)
	assert.Equal(t, eur(495), got.ShippingCost)
	assert.Equal(t, model.VATPercent(21), got.ShippingVAT)
	assert.Equal(t, want.Total, got.Total)
	assert.Equal(t, got.Total, got.ComputedTotal())
	assert.Equal(t, "payment_ideal", got.PaymentMethod, "the technical name")
	assert.Equal(t, "shipping_postnl", got.ShippingMethod)
	assert.Equal(t, want.CreatedAt, got.CreatedAt)
	assert.Equal(t, "EUR", got.Currency)
}

// A net order: prices without VAT, whose VAT is rounded per line, add up to
// the shop's total.
func TestNetOrderToTheCent(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	want := model.Order{CreatedAt: f.clock.Now(), Status: model.StatusPending, Paid: true, Currency: "EUR", Customer: customer(2),
		Lines:        []model.OrderLine{line("KOF-1000", "Koffiebonen", 3, 1835, 9), line("MOK-0001", "Mok", 1, 703, 21)},
		ShippingCost: eur(409), ShippingVAT: model.VATPercent(21),
		Adjustments: []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: "Discount", Amount: eur(-207), VAT: model.VATPercent(21)}}}
	want.Total = want.ComputedTotal()
	id := f.shop.AddOrder(want)
	got, err := f.client.GetOrder(context.Background(), id)
	require.NoError(t, err)
	assert.False(t, got.PricesIncludeVAT)
	assert.Equal(t, want.Lines, got.Lines)
	assert.Equal(t, want.Total, got.Total)
	assert.Equal(t, got.Total, got.ComputedTotal())
	assert.Equal(t, int64(5505+703+409-207+495+148+86-43), got.Total.Amount, "net + VAT per line: 4.95, 1.48, 0.86, −0.43")
}

// A Belgian company: its country, VAT number and contact person.
func TestBelgianCompanyOrder(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	o := paidOrder(f.clock.Now())
	o.Customer = customer(5) // Brasserie Zuid, Antwerpen
	id := f.shop.AddOrder(o)
	got, err := f.client.GetOrder(context.Background(), id)
	require.NoError(t, err)
	c := got.Customer
	assert.Equal(t, model.CustomerCompany, c.Kind)
	assert.Equal(t, "Brasserie Zuid", c.CompanyName)
	assert.Equal(t, model.Person{FirstName: "An", LastName: "Peeters"}, c.Person)
	assert.Equal(t, "BE0123456789", c.VATNumber)
	assert.Equal(t, "inkoop@brasseriezuid.example", c.Email)
	assert.Equal(t, model.Address{Name: "An Peeters", Company: "Brasserie Zuid", Street: "Meir 20", PostalCode: "2000", City: "Antwerpen",
		CountryCode: "BE", Phone: "030-5550202"}, c.Billing)
	assert.Equal(t, c.Billing, c.Shipping)
	assert.Equal(t, got.Total, got.ComputedTotal())
}

func TestPersonWithOtherShippingAddress(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	o := paidOrder(f.clock.Now())
	o.Customer = customer(1) // Jan Visser
	o.Customer.Shipping = model.Address{Name: "Jan Visser", Street: "Havenweg", HouseNumber: "8", PostalCode: "9999 ZZ", City: "Ergens",
		CountryCode: "DE", Line2: "2e verdieping", Region: "Niedersachsen"}
	id := f.shop.AddOrder(o)
	got, err := f.client.GetOrder(context.Background(), id)
	require.NoError(t, err)
	c := got.Customer
	assert.Equal(t, model.CustomerPerson, c.Kind)
	assert.Empty(t, c.CompanyName)
	assert.Equal(t, "Kerkweg 3", c.Billing.Street, "Shopware keeps street and number in one line")
	assert.Equal(t, model.Address{Name: "Jan Visser", Street: "Havenweg 8", PostalCode: "9999 ZZ", City: "Ergens", CountryCode: "DE",
		Line2: "2e verdieping", Region: "Niedersachsen", Phone: "020-5550101"}, c.Shipping)
}

// An account's orders carry its id; a guest's (and an order made through the
// API without a customer) carry none.
func TestCustomerAccountGuestAndNone(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	o := paidOrder(f.clock.Now())
	first := f.shop.AddOrder(o)
	second := f.shop.AddOrder(o)
	guest := f.shop.AddOrderWith(o, sim.OrderOptions{Guest: true})
	none := f.shop.AddOrderWith(o, sim.OrderOptions{NoCustomer: true})
	read := func(id string) model.Customer {
		got, err := f.client.GetOrder(context.Background(), id)
		require.NoError(t, err)
		return got.Customer
	}
	a, b := read(first), read(second)
	assert.True(t, shopware6.IsID(a.ID))
	assert.Equal(t, a.ID, b.ID, "one account, one id")
	assert.Empty(t, read(guest).ID, "a guest has no account")
	assert.Empty(t, read(none).ID)
	assert.Equal(t, a.Email, read(guest).Email)
}

// The canonical status follows the three machines; paid follows the payment.
func TestStatusAndPaidFollowTheMachines(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	id := f.shop.AddOrder(model.Order{CreatedAt: f.clock.Now(), Currency: "EUR", PricesIncludeVAT: true, Customer: customer(0),
		Lines: []model.OrderLine{line("KOF-1000", "Koffie", 1, 1995, 9)}})
	summary := func() connectors.OrderSummary {
		s, err := f.client.GetOrderSummary(context.Background(), id)
		require.NoError(t, err)
		require.Empty(t, s.Unreadable)
		return s
	}
	steps := []struct {
		machine, action string
		status          model.OrderStatus
		paid            bool
	}{
		{"", "", model.StatusPending, false},
		{sim.PaymentMachine, "pay", model.StatusPending, true},
		{sim.OrderMachine, "process", model.StatusProcessing, true},
		{sim.DeliveryMachine, "ship_partially", model.StatusProcessing, true},
		{sim.DeliveryMachine, "ship", model.StatusShipped, true},
		{sim.OrderMachine, "complete", model.StatusCompleted, true},
		{sim.PaymentMachine, "refund_partially", model.StatusCompleted, false},
		{sim.PaymentMachine, "refund", model.StatusRefunded, false},
		{sim.OrderMachine, "reopen", model.StatusRefunded, false},
		{sim.OrderMachine, "cancel", model.StatusCancelled, false},
	}
	for _, st := range steps {
		if st.machine != "" {
			require.NoError(t, f.shop.Transition(st.machine, id, st.action))
		}
		s := summary()
		assert.Equal(t, st.status, s.Status, "after %s", st.action)
		assert.Equal(t, st.paid, s.Paid, "after %s", st.action)
	}
}

// paidStates names the payment states that count as paid.
func TestPaidStatesOption(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{PaidStates: []string{"paid", "authorized"}}, nil)
	id := f.shop.AddOrder(model.Order{CreatedAt: f.clock.Now(), Currency: "EUR", PricesIncludeVAT: true, Customer: customer(0),
		Lines: []model.OrderLine{line("KOF-1000", "Koffie", 1, 1995, 9)}})
	require.NoError(t, f.shop.Transition(sim.PaymentMachine, id, "authorize"))
	s, err := f.client.GetOrderSummary(context.Background(), id)
	require.NoError(t, err)
	assert.True(t, s.Paid)
}

// A second payment (after a failed one) is the one that counts, read by
// 6.7's primaryOrderTransactionId or, before 6.7, as the newest.
func TestNewestPaymentCounts(t *testing.T) {
	for _, version := range []string{"6.7", "6.5"} {
		f := newFixture(t, sim.Options{Version: version}, shopware6.Config{}, nil)
		o := paidOrder(f.clock.Now())
		o.Paid = false
		id := f.shop.AddOrder(o)
		require.NoError(t, f.shop.Transition(sim.PaymentMachine, id, "fail"))
		f.clock.Advance(time.Minute)
		require.NoError(t, f.shop.AddPayment(id, "PayPal", "paid"))
		got, err := f.client.GetOrder(context.Background(), id)
		require.NoError(t, err, version)
		assert.True(t, got.Paid, version)
		if version == "6.7" {
			assert.Equal(t, "payment_paypal", got.PaymentMethod)
		} else {
			assert.Equal(t, "PayPal", got.PaymentMethod, "no technicalName before 6.6: the name")
		}
	}
}

// Older shops load some associations unasked, newer ones only what is asked;
// the client asks for all it reads, so every version reads the same.
func TestEveryVersionReadsTheSame(t *testing.T) {
	var orders []model.Order
	for _, version := range []string{"6.4", "6.5", "6.6", "6.7"} {
		f := newFixture(t, sim.Options{Version: version}, shopware6.Config{}, nil)
		id := f.shop.AddOrder(paidOrder(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)))
		got, err := f.client.GetOrder(context.Background(), id)
		require.NoError(t, err, version)
		got.ID, got.PaymentMethod, got.ShippingMethod, got.Customer.ID = "", "", "", ""
		orders = append(orders, got)
	}
	for _, o := range orders[1:] {
		assert.Equal(t, orders[0], o)
	}
}

// calculatedTaxes and taxRules read alike as the contract's objects and as
// the research's lists.
func TestTaxListsInEitherShape(t *testing.T) {
	var got []model.Order
	for _, arrays := range []bool{false, true} {
		f := newFixture(t, sim.Options{TaxListsAsArrays: arrays}, shopware6.Config{}, nil)
		o := paidOrder(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
		o.Adjustments = []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: "Discount", Amount: eur(-250), VAT: model.VATPercent(21)}}
		o.Total = o.ComputedTotal()
		id := f.shop.AddOrder(o)
		g, err := f.client.GetOrder(context.Background(), id)
		require.NoError(t, err)
		g.ID, g.Customer.ID = "", ""
		got = append(got, g)
	}
	assert.Equal(t, got[0], got[1])
	assert.Equal(t, got[0].Total, got[0].ComputedTotal())
}

func TestTaxFreeOrder(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	o := paidOrder(f.clock.Now())
	o.PricesIncludeVAT = false
	o.Customer = customer(3)
	id := f.shop.AddOrderWith(o, sim.OrderOptions{TaxFree: true})
	got, err := f.client.GetOrder(context.Background(), id)
	require.NoError(t, err)
	assert.False(t, got.PricesIncludeVAT)
	for _, l := range got.Lines {
		assert.Zero(t, l.VAT)
	}
	assert.Zero(t, got.ShippingVAT)
	assert.Equal(t, got.Total, got.ComputedTotal())
}

// A cash rounding of the total is an adjustment without VAT.
func TestCashRounding(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	o := paidOrder(f.clock.Now())
	o.Lines = append(o.Lines, line("THE-0100", "Groene thee 100 g", 1, 449, 9))
	o.Total = model.Money{} // the shop computes it, then rounds it
	id := f.shop.AddOrderWith(o, sim.OrderOptions{CashRounding: 5})
	got, err := f.client.GetOrder(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, int64(6560), got.Total.Amount, "65.59 rounded to 0.05")
	require.NotEmpty(t, got.Adjustments)
	last := got.Adjustments[len(got.Adjustments)-1]
	assert.Equal(t, shopware6.RoundingDescription, last.Description)
	assert.Equal(t, eur(1), last.Amount)
	assert.Zero(t, last.VAT)
	assert.Equal(t, got.Total, got.ComputedTotal())
}

// An order in a state the client does not know is listed as unreadable,
// naming the field, and GetOrder fails naming order and field; orderStates
// teaches the client the shop's own state.
func TestUnknownOrderStateIsUnreadable(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	good := f.shop.AddOrder(paidOrder(f.clock.Now().Add(-time.Hour)))
	odd := f.shop.AddOrder(paidOrder(f.clock.Now().Add(-time.Hour)))
	require.NoError(t, f.shop.SetState(sim.OrderMachine, odd, "on_hold"))

	page, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{})
	require.NoError(t, err)
	require.Len(t, page.Orders, 2, "the unreadable order is listed, the other goes on")
	byID := map[string]connectors.OrderSummary{}
	for _, s := range page.Orders {
		byID[s.ID] = s
	}
	assert.Empty(t, byID[good].Unreadable)
	assert.Contains(t, byID[odd].Unreadable, `stateMachineState.technicalName: "on_hold" is not an order state`)
	assert.Equal(t, "10001", byID[odd].Number)

	s, err := f.client.GetOrderSummary(context.Background(), odd)
	require.NoError(t, err)
	assert.NotEmpty(t, s.Unreadable)
	_, err = f.client.GetOrder(context.Background(), odd)
	ce := connErr(t, err, connectors.KindValidation)
	assert.Contains(t, ce.Message, "order 10001 ("+odd+") cannot be read: stateMachineState.technicalName")

	g := newFixture(t, sim.Options{}, shopware6.Config{OrderStates: map[string]model.OrderStatus{"on_hold": model.StatusProcessing}}, nil)
	id := g.shop.AddOrder(paidOrder(g.clock.Now()))
	require.NoError(t, g.shop.SetState(sim.OrderMachine, id, "on_hold"))
	s, err = g.client.GetOrderSummary(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, model.StatusProcessing, s.Status)
}

// Fields that do not match the schema or are missing make the order
// unreadable, each named.
func TestBrokenFieldsAreNamed(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	noTotal := f.shop.AddOrder(paidOrder(f.clock.Now()))
	require.NoError(t, f.shop.Corrupt(noTotal, "amountTotal", `null`))
	require.NoError(t, f.shop.Corrupt(noTotal, "price", `null`))
	require.NoError(t, f.shop.Corrupt(noTotal, "taxStatus", `"gross-ish"`))
	_, err := f.client.GetOrder(context.Background(), noTotal)
	ce := connErr(t, err, connectors.KindValidation)
	assert.Contains(t, ce.Message, "amountTotal: missing")
	assert.Contains(t, ce.Message, `taxStatus: "gross-ish" is not one of gross, net, tax-free`)

	badType := f.shop.AddOrder(paidOrder(f.clock.Now()))
	require.NoError(t, f.shop.Corrupt(badType, "orderDateTime", `{"date":"yesterday"}`))
	s, err := f.client.GetOrderSummary(context.Background(), badType)
	require.NoError(t, err)
	assert.Contains(t, s.Unreadable, "does not match the API's schema")
	assert.Contains(t, s.Unreadable, "orderDateTime")
	assert.Equal(t, badType, s.ID)

	noDate := f.shop.AddOrder(paidOrder(f.clock.Now()))
	require.NoError(t, f.shop.Corrupt(noDate, "orderDateTime", `"31-12-2025"`))
	s, err = f.client.GetOrderSummary(context.Background(), noDate)
	require.NoError(t, err)
	assert.Equal(t, `orderDateTime: "31-12-2025" is not an ISO 8601 time`, s.Unreadable)
}

func TestGetOrderRawGivesTheShopsRecords(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	o := paidOrder(f.clock.Now())
	o.Adjustments = []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: "Discount", Amount: eur(-100), VAT: model.VATPercent(21)}}
	o.Total = o.ComputedTotal()
	id := f.shop.AddOrder(o)
	got, raw, rawLines, err := f.client.GetOrderRaw(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, "10000", raw["orderNumber"])
	require.Len(t, rawLines, len(got.Lines), "one raw item per line, the promotion not among them")
	for i, l := range got.Lines {
		assert.Equal(t, l.SKU, rawLines[i]["payload"].(map[string]any)["productNumber"])
	}
}

func TestGetOrderOfNoOrder(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	_, err := f.client.GetOrder(context.Background(), strings.Repeat("ab", 16))
	connErr(t, err, connectors.KindNotFound)
	_, err = f.client.GetOrderSummary(context.Background(), "10001")
	ce := connErr(t, err, connectors.KindValidation)
	assert.Contains(t, ce.Message, "not a Shopware id")
}

// A backfill lists a creation window page by page; OnlyPaid and the sales
// channels narrow it on the shop's side.
func TestListOrdersFilters(t *testing.T) {
	other := strings.Repeat("c", 32)
	f := newFixture(t, sim.Options{}, shopware6.Config{SalesChannelIDs: []string{sim.DefaultSalesChannelID}}, nil)
	t0 := f.clock.Now().Add(-10 * time.Hour)
	paid := f.shop.AddOrder(paidOrder(t0))
	unpaid := paidOrder(t0.Add(time.Hour))
	unpaid.Paid = false
	unpaidID := f.shop.AddOrder(unpaid)
	f.shop.AddOrderWith(paidOrder(t0.Add(2*time.Hour)), sim.OrderOptions{SalesChannelID: other})

	ids := func(q connectors.OrderQuery) []string {
		page, err := f.client.ListOrders(context.Background(), q)
		require.NoError(t, err)
		var out []string
		for _, o := range page.Orders {
			out = append(out, o.ID)
		}
		return out
	}
	assert.Equal(t, []string{paid, unpaidID}, ids(connectors.OrderQuery{CreatedFrom: t0, CreatedTo: t0.Add(3 * time.Hour)}))
	assert.Equal(t, []string{paid}, ids(connectors.OrderQuery{CreatedFrom: t0, OnlyPaid: true}))
	assert.Equal(t, []string{unpaidID}, ids(connectors.OrderQuery{CreatedFrom: t0.Add(time.Second)}))

	_, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{PageToken: "next"})
	connErr(t, err, connectors.KindValidation)
}

// Every demo order reads whole and adds up to the cent, so the local demo's
// orders reach the till (none may fail the flow's totals check).
func TestDemoOrdersAddUp(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	sim.SeedDemo(f.shop, simkit.DemoContext{Now: f.clock.Now(), Instance: 1})
	page, err := f.client.ListOrders(context.Background(), connectors.OrderQuery{CreatedFrom: f.clock.Now().Add(-24 * time.Hour)})
	require.NoError(t, err)
	require.Len(t, page.Orders, f.shop.Len())
	kinds := map[string]bool{}
	for _, s := range page.Orders {
		require.Empty(t, s.Unreadable, s.Number)
		o, err := f.client.GetOrder(context.Background(), s.ID)
		require.NoError(t, err)
		assert.Equal(t, o.Total, o.ComputedTotal(), "order %s", o.Number)
		catalog := map[string]bool{}
		for _, p := range simkit.DemoProducts() {
			catalog[p.SKU] = true
		}
		for _, l := range o.Lines {
			assert.True(t, catalog[l.SKU], "order %s sells %s, which the demo till does not hold", o.Number, l.SKU)
		}
		kinds[fmt.Sprintf("paid=%v", o.Paid)] = true
		kinds[fmt.Sprintf("account=%v", o.Customer.ID != "")] = true
		kinds[string(o.Customer.Kind)] = true
		kinds["country="+o.Customer.Billing.CountryCode] = true
		kinds[fmt.Sprintf("inclVAT=%v", o.PricesIncludeVAT)] = true
		if len(o.Adjustments) > 0 {
			kinds["promotion"] = true
		}
	}
	for _, want := range []string{"paid=true", "paid=false", "account=true", "account=false", "person", "company", "country=BE",
		"inclVAT=true", "inclVAT=false", "promotion"} {
		assert.True(t, kinds[want], "the demo has no order with %s", want)
	}
}
