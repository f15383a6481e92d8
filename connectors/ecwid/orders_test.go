package ecwid

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// A gross order with odd cents: 19.95 × 2 at 9 %, 8.50 and 3 × 3.25 at
// 21 %, shipping 4.95, a handling fee of 0.35 and a discount of 2.50:
// 58.15 + 4.95 + 0.35 − 2.50 = 60.95.
const grossOrder = `{
  "id": "EBJFT", "vendorOrderNumber": "EBJFT", "internalId": 492512057, "orderNumber": 492512057,
  "createTimestamp": 1714541188, "updateTimestamp": 1714541190,
  "paymentStatus": "PAID", "fulfillmentStatus": "PROCESSING", "pricesIncludeTax": true,
  "email": "jan@example.nl", "customerId": 77, "customerTaxId": "NL001234567B01",
  "paymentMethod": "iDEAL", "orderComments": "bel aan",
  "subtotal": 58.15, "total": 60.95, "discount": 2.5, "couponDiscount": 0,
  "items": [
    {"sku": "KOF-1000", "name": "Koffiebonen", "quantity": 2, "price": 19.95, "taxes": [{"name": "BTW", "value": 9, "total": 3.29}]},
    {"sku": "MOK-0001", "name": "Mok", "quantity": 1, "price": 8.5, "taxes": [{"name": "BTW", "value": 21, "total": 1.48}]},
    {"sku": "FLT-0102", "name": "Filters", "quantity": 3, "price": 3.25, "taxes": [{"name": "BTW", "value": 21, "total": 1.69}]}
  ],
  "shippingOption": {"shippingMethodName": "PostNL", "shippingRate": 4.95, "shippingRateWithoutTax": 4.09},
  "taxesOnShipping": [{"name": "BTW", "value": 21, "total": 0.86}],
  "handlingFee": {"name": "Verpakking", "value": 0.35, "taxes": [{"value": 21, "total": 0.06}]},
  "billingPerson": {"name": "Jan van Smit", "companyName": "Bakkerij Smit", "street": "Dorpsstraat 12a\n2e verdieping", "city": "Utrecht", "postalCode": "1234 AB", "countryCode": "nl", "phone": "030-1234567"},
  "shippingPerson": {"name": "Jan van Smit", "street": "Kade 1", "city": "Utrecht", "postalCode": "1234 AC", "countryCode": "NL"}
}`

func TestGetOrderAddsUpToTheTotalOfAGrossOrder(t *testing.T) {
	f := newFake(t)
	f.addOrder(grossOrder)
	o, err := f.client().GetOrder(context.Background(), "EBJFT")
	require.NoError(t, err)
	eur := func(c int64) model.Money { return model.NewMoney(c, "EUR") }
	assert.Equal(t, eur(6095), o.Total)
	assert.Equal(t, o.Total, o.ComputedTotal(), "lines, shipping and adjustments add up to Ecwid's total")
	assert.True(t, o.PricesIncludeVAT)
	assert.Equal(t, model.StatusProcessing, o.Status)
	assert.True(t, o.Paid)
	require.Len(t, o.Lines, 3)
	assert.Equal(t, model.OrderLine{SKU: "KOF-1000", Name: "Koffiebonen", Quantity: model.Pieces(2), UnitPrice: eur(1995), UnitDiscount: eur(0), VAT: 900}, o.Lines[0])
	assert.Equal(t, model.VATRate(2100), o.Lines[2].VAT)
	assert.Equal(t, eur(495), o.ShippingCost)
	assert.Equal(t, model.VATRate(2100), o.ShippingVAT)
	assert.Equal(t, "PostNL", o.ShippingMethod)
	assert.Equal(t, "iDEAL", o.PaymentMethod)
	// the handling fee, and the discount split over the lines' rates in
	// proportion: 2.50 × 39.90 / 58.15 = 1.72 at 9 %, the rest at 21 %
	assert.Equal(t, []model.Adjustment{
		{Kind: model.AdjustmentCost, Description: "Verpakking", Amount: eur(35), VAT: 2100},
		{Kind: model.AdjustmentDiscount, Description: DiscountDescription, Amount: eur(-172), VAT: 900},
		{Kind: model.AdjustmentDiscount, Description: DiscountDescription, Amount: eur(-78), VAT: 2100},
	}, o.Adjustments)
	cu := o.Customer
	assert.Equal(t, model.CustomerCompany, cu.Kind)
	assert.Equal(t, "Bakkerij Smit", cu.CompanyName)
	assert.Equal(t, model.Person{FirstName: "Jan", LastName: "van Smit"}, cu.Person)
	assert.Equal(t, "77", cu.ID)
	assert.Equal(t, "NL001234567B01", cu.VATNumber)
	assert.Equal(t, "Dorpsstraat 12a", cu.Billing.Street)
	assert.Equal(t, "2e verdieping", cu.Billing.Line2)
	assert.Equal(t, "NL", cu.Billing.CountryCode)
	assert.Equal(t, "Kade 1", cu.Shipping.Street)
	assert.Equal(t, "bel aan", o.Note)
}

func TestGetOrderTakesTheDiscountReadingThatAddsUp(t *testing.T) {
	// discount without the coupon: 58.15 + 4.95 + 0.35 − 2.50 − 1.00 = 59.95
	f := newFake(t)
	m := f.addOrder(grossOrder)
	m["couponDiscount"], m["total"] = "1.00", "59.95"
	o, err := f.client().GetOrder(context.Background(), "EBJFT")
	require.NoError(t, err)
	assert.Equal(t, int64(5995), o.Total.Amount)
	assert.Equal(t, o.Total, o.ComputedTotal())
}

func TestGetOrderAddsUpToTheTotalOfANetOrder(t *testing.T) {
	// Net prices, tax per line rounded: 3 × 18.35 at 9 % (55.05 + 4.95),
	// 7.03 at 21 % (+1.48), shipping 4.09 (+0.86), a discount of 2.07 split
	// 1.84 at 9 % (−0.17) and 0.23 at 21 % (−0.05): 71.17.
	f := newFake(t)
	f.addOrder(`{"id": "NET1", "createTimestamp": 1714541188, "paymentStatus": "AWAITING_PAYMENT", "fulfillmentStatus": "AWAITING_PROCESSING",
	  "pricesIncludeTax": false, "total": 71.17, "discount": 2.07, "email": "a@example.nl",
	  "items": [{"sku": "A", "quantity": 3, "price": 18.35, "taxes": [{"value": 9, "total": 4.79}]},
	            {"sku": "B", "quantity": 1, "price": 7.03, "taxes": [{"value": 21, "total": 1.43}]}],
	  "shippingOption": {"shippingRate": 4.09, "shippingRateWithoutTax": 4.09}, "taxesOnShipping": [{"value": 21, "total": 0.86}],
	  "billingPerson": {"name": "Anna"}}`)
	o, err := f.client().GetOrder(context.Background(), "NET1")
	require.NoError(t, err)
	assert.False(t, o.PricesIncludeVAT)
	assert.False(t, o.Paid)
	assert.Equal(t, model.StatusPending, o.Status)
	assert.Equal(t, int64(7117), o.Total.Amount)
	assert.Equal(t, o.Total, o.ComputedTotal())
	assert.Equal(t, model.CustomerPerson, o.Customer.Kind)
	assert.Equal(t, "Anna", o.Customer.Person.FirstName)
	assert.Equal(t, []model.VATRate{900, 2100}, []model.VATRate{o.Adjustments[0].VAT, o.Adjustments[1].VAT}, "the discount split in proportion")

	// The same order written with its discount wholly at 21 % (as Koppel
	// and other systems write one): the tax is 4.95 + 1.48 + 0.86 − 0.43,
	// the total 70.96, and only the reading at 21 % adds up.
	f.mu.Lock()
	f.orders[0]["total"] = "70.96"
	f.mu.Unlock()
	o, err = f.client().GetOrder(context.Background(), "NET1")
	require.NoError(t, err)
	assert.Equal(t, o.Total, o.ComputedTotal())
	assert.Equal(t, []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: DiscountDescription, Amount: eur(-207), VAT: 2100}}, o.Adjustments)

	s, err := f.client().GetOrderSummary(context.Background(), "NET1")
	require.NoError(t, err)
	assert.Equal(t, connectors.OrderSummary{ID: "NET1", Number: "NET1", CreatedAt: time.Unix(1714541188, 0).UTC(), Status: model.StatusPending}, s)
}

func TestStatusesMapToCanonicalOnes(t *testing.T) {
	tests := []struct {
		payment, fulfillment string
		hidden               bool
		want                 model.OrderStatus
	}{
		{"PAID", "AWAITING_PROCESSING", false, model.StatusPending},
		{"PAID", "SHIPPED", false, model.StatusShipped},
		{"PAID", "READY_FOR_PICKUP", false, model.StatusShipped},
		{"PAID", "DELIVERED", false, model.StatusCompleted},
		{"CANCELLED", "AWAITING_PROCESSING", false, model.StatusCancelled},
		{"REFUNDED", "DELIVERED", false, model.StatusRefunded},
		{"INCOMPLETE", "AWAITING_PROCESSING", false, model.StatusCheckout},
		{"PAID", "PROCESSING", true, model.StatusCheckout},
		{"PAID", "WILL_NOT_DELIVER", false, model.StatusCancelled},
	}
	for _, tt := range tests {
		got, err := orderStatus(tt.payment, tt.fulfillment, tt.hidden)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, "%+v", tt)
	}
	_, err := orderStatus("PAID", "LOST_AT_SEA", false)
	assert.ErrorContains(t, err, "fulfillmentStatus")
	names := StatusNames()
	assert.Equal(t, model.StatusCompleted, names["DELIVERED"])
	assert.Equal(t, model.StatusCheckout, names["INCOMPLETE"])
}

// seedOrders adds orders updated at the given times, named O1, O2 ….
func seedOrders(f *fake, stamps ...int64) []string {
	var ids []string
	for i, ts := range stamps {
		id := fmt.Sprintf("O%d", len(f.orders)+1)
		f.addOrder(fmt.Sprintf(`{"id": %q, "createTimestamp": %d, "updateTimestamp": %d, "paymentStatus": "PAID", "fulfillmentStatus": "AWAITING_PROCESSING", "total": %d}`, id, ts-int64(i), ts, i))
		ids = append(ids, id)
	}
	return ids
}

// drainFeed reads the feed until it is caught up and returns the ids it
// listed and the last cursor.
func drainFeed(t *testing.T, c *Client, cursor string, since time.Time) ([]string, string) {
	t.Helper()
	var ids []string
	for range 300 {
		p, err := c.OrderFeed(context.Background(), connectors.OrderFeedQuery{Cursor: cursor, Since: since, PageSize: 2})
		require.NoError(t, err)
		for _, o := range p.Orders {
			require.Empty(t, o.Unreadable)
			ids = append(ids, o.ID)
		}
		require.NotEmpty(t, p.Cursor)
		cursor = p.Cursor
		if !p.More {
			return ids, cursor
		}
	}
	t.Fatal("the feed is not caught up after 300 pages")
	return nil, ""
}

func TestFeedNeitherSkipsNorRepeatsAtEqualTimestamps(t *testing.T) {
	f := newFake(t)
	now := f.now().Unix()
	same := now - 100
	first := seedOrders(f, same, same, same, same, same) // more than a page in one second
	c := f.client()
	since := time.Unix(now-3600, 0)

	got, cursor := drainFeed(t, c, "", since)
	assert.ElementsMatch(t, first, got, "every order once")

	got, cursor = drainFeed(t, c, cursor, since)
	assert.Empty(t, got, "nothing changed: nothing listed again")

	late := seedOrders(f, same) // shows up late in the second the cursor stands at
	got, cursor = drainFeed(t, c, cursor, since)
	assert.Equal(t, late, got)

	f.mu.Lock()
	f.orders[0]["updateTimestamp"] = now - 10 // changed again
	f.mu.Unlock()
	got, _ = drainFeed(t, c, cursor, since)
	assert.Equal(t, first[:1], got)
}

func TestFeedNarrowsAWindowUntilAPageHoldsIt(t *testing.T) {
	f := newFake(t)
	now := f.now().Unix()
	var stamps []int64
	for i := range 25 {
		stamps = append(stamps, now-int64(i)*37-5)
	}
	want := seedOrders(f, stamps...)
	got, _ := drainFeed(t, f.client(), "", time.Unix(now-86400, 0))
	sort.Strings(got)
	sort.Strings(want)
	assert.Equal(t, want, got, "every order once")
	for _, call := range f.callsOf(OpListOrders) {
		assert.Equal(t, summaryFields, call.Query.Get("responseFields"))
		assert.NotEmpty(t, call.Query.Get("updatedTo"))
	}
	t.Logf("%d orders in %d calls", len(want), len(f.callsOf(OpListOrders)))
}

func TestFeedResumesFromAnyCursorMidPass(t *testing.T) {
	f := newFake(t)
	now := f.now().Unix()
	want := seedOrders(f, now-50, now-40, now-30, now-20, now-10)
	c := f.client()
	since := time.Unix(now-3600, 0)
	p, err := c.OrderFeed(context.Background(), connectors.OrderFeedQuery{Since: since, PageSize: 2})
	require.NoError(t, err)
	require.True(t, p.More)
	var got []string
	for _, o := range p.Orders {
		got = append(got, o.ID)
	}
	rest, _ := drainFeed(t, c, p.Cursor, since)
	assert.ElementsMatch(t, want, append(got, rest...))
	_, err = c.OrderFeed(context.Background(), connectors.OrderFeedQuery{Cursor: "not a cursor"})
	assert.True(t, connectors.IsKind(err, connectors.KindValidation))
}

func TestUnreadableOrdersAreListedNotFatal(t *testing.T) {
	f := newFake(t)
	now := f.now().Unix()
	f.addOrder(fmt.Sprintf(`{"id": "BAD1", "createTimestamp": %d, "updateTimestamp": %d, "fulfillmentStatus": "LOST_AT_SEA"}`, now-5, now-5))
	f.addOrder(fmt.Sprintf(`{"id": "BAD2", "updateTimestamp": %d}`, now-5))
	seedOrders(f, now-5)
	p, err := f.client().OrderFeed(context.Background(), connectors.OrderFeedQuery{Since: time.Unix(now-60, 0)})
	require.NoError(t, err)
	byID := map[string]connectors.OrderSummary{}
	for _, o := range p.Orders {
		byID[o.ID] = o
	}
	require.Len(t, byID, 3)
	assert.Contains(t, byID["BAD1"].Unreadable, "fulfillmentStatus")
	assert.Contains(t, byID["BAD2"].Unreadable, "createTimestamp")
	assert.Empty(t, byID["O3"].Unreadable)
}

func TestListOrdersPagesAWindowToTheEnd(t *testing.T) {
	f := newFake(t)
	from := time.Unix(1714000000, 0).UTC()
	to := from.Add(7 * time.Hour)
	var inside []string
	for i := range 7 {
		id := fmt.Sprintf("IN%d", i)
		f.addOrder(fmt.Sprintf(`{"id": %q, "createTimestamp": %d, "paymentStatus": "PAID"}`, id, from.Add(time.Duration(i)*time.Hour).Unix()))
		inside = append(inside, id)
	}
	f.addOrder(fmt.Sprintf(`{"id": "BEFORE", "createTimestamp": %d}`, from.Unix()-1))
	f.addOrder(fmt.Sprintf(`{"id": "AT-END", "createTimestamp": %d}`, to.Unix()))
	c := f.client()
	var got []string
	token := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 20)
		p, err := c.ListOrders(context.Background(), connectors.OrderQuery{CreatedFrom: from, CreatedTo: to, PageSize: 2, PageToken: token})
		require.NoError(t, err)
		for _, o := range p.Orders {
			got = append(got, o.ID)
		}
		if p.NextPageToken == "" {
			break
		}
		token = p.NextPageToken
	}
	assert.ElementsMatch(t, inside, got)
	q := f.callsOf(OpListOrders)[0].Query
	assert.Equal(t, fmt.Sprint(from.Unix()-1), q.Get("createdFrom"), "a second wider: the bounds' inclusiveness is not documented")
	assert.Equal(t, "2", q.Get("limit"))
}

func TestGetOrderRawKeepsItemsInLineOrder(t *testing.T) {
	f := newFake(t)
	f.addOrder(grossOrder)
	o, raw, lines, err := f.client().GetOrderRaw(context.Background(), "EBJFT")
	require.NoError(t, err)
	require.Len(t, lines, len(o.Lines))
	assert.Equal(t, "FLT-0102", lines[2]["sku"])
	assert.Equal(t, "iDEAL", raw["paymentMethod"])
}
