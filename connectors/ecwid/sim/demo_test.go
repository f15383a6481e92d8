package sim_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/ecwid/sim"
	"github.com/koppel/koppel/connectors/simkit"
)

func seeded(t *testing.T) *store {
	st := newStore(t, sim.Options{})
	sim.SeedDemo(st.sim, simkit.DemoContext{Now: st.clock(), Instance: 1})
	return st
}

// addsUp checks an order's money as a target must: lines less discounts
// plus shipping is the total (gross prices), and the tax is the lines'
// and shipping's.
func addsUp(t *testing.T, o sim.Order) {
	t.Helper()
	var lines, tax sim.Money
	for _, it := range o.Items {
		lines += it.Price * sim.Money(it.Quantity)
		tax += it.Tax
	}
	var shipping sim.Money
	if o.ShippingOption != nil {
		shipping = o.ShippingOption.Rate
	}
	for _, ts := range o.TaxesOnShipping {
		tax += ts.Total
	}
	assert.Equal(t, o.Subtotal, lines, o.ID)
	want := lines - o.Discount - o.CouponDiscount + shipping
	if !o.PricesIncludeTax {
		want += tax
	}
	assert.Equal(t, want, o.Total, o.ID)
	assert.Equal(t, o.Tax, tax, o.ID)
	assert.Equal(t, o.Total-o.Tax, o.TotalWithoutTax, o.ID)
}

func TestSeedDemo(t *testing.T) {
	st := seeded(t)
	catalogue := simkit.DemoProducts()
	products := st.sim.Products()
	require.Len(t, products, len(catalogue)+1)
	for i, dp := range catalogue {
		p := products[i]
		assert.Equal(t, dp.SKU, p.SKU)
		assert.Equal(t, sim.Money(dp.PriceCents), p.Price)
		require.Len(t, p.Attributes, 1)
		assert.Equal(t, "UPC", p.Attributes[0].Type)
		assert.Len(t, p.Attributes[0].Value, 13)
	}
	sized, ok := st.sim.ProductBySKU(sim.DemoSizes[1].SKU)
	require.True(t, ok)
	assert.Equal(t, sim.DemoSizedSKU, sized.SKU)
	assert.Len(t, sized.Combinations, len(sim.DemoSizes))
	customers := st.sim.Customers()
	require.Len(t, customers, len(simkit.DemoCustomers())+1, "the demo customers and the walk-in customer")
	assert.Equal(t, int64(sim.DemoWalkInCustomerID), customers[0].ID, "the id the example file's walkInDebtor names")
	assert.Equal(t, sim.DemoWalkInEmail, customers[0].Email)

	orders := st.sim.Orders()
	require.Len(t, orders, 6)
	var unpaid, company, foreign, coupon, unfinished int
	for _, o := range orders {
		addsUp(t, o)
		assert.True(t, o.PricesIncludeTax)
		switch {
		case o.PaymentStatus == sim.Unfinished:
			unfinished++
		case o.PaymentStatus == "AWAITING_PAYMENT":
			unpaid++
		}
		if o.B2BB2C == "b2b" {
			company++
		}
		if o.BillingPerson != nil && o.BillingPerson.CountryCode == "BE" {
			foreign++
		}
		if o.CouponDiscount > 0 {
			coupon++
		}
	}
	assert.Equal(t, 1, unpaid)
	assert.GreaterOrEqual(t, company, 1)
	assert.Equal(t, 1, foreign)
	assert.Equal(t, 1, coupon)
	assert.Equal(t, 1, unfinished)

	// Anna: 2 × 19.95 (9 %) + 8.50 (21 %), shipping 4.95 (21 %).
	anna := orders[0]
	assert.Equal(t, "anna.deboer@example.nl", anna.Email)
	assert.Equal(t, sim.Money(4840), anna.Subtotal)
	assert.Equal(t, sim.Money(5335), anna.Total)
	assert.Equal(t, sim.Money(329+148+86), anna.Tax, "9 % of 39.90 incl. is 3.29, 21 % of 8.50 is 1.48, of 4.95 is 0.86")
	qty, _, _ := st.sim.Stock(catalogue[0].SKU)
	assert.EqualValues(t, 100-2-3, qty, "placed orders took their stock")

	var pg searchPage
	st.ok(http.MethodGet, "/orders", nil, &pg)
	assert.Equal(t, 5, pg.Total, "the unfinished order is not listed")
}

// A store with net prices adds the tax on top.
func TestPlaceOrderNetPrices(t *testing.T) {
	st := newStore(t, sim.Options{})
	p := sim.DefaultProfile()
	p.PricesIncludeTax = false
	st.sim.SetProfile(p)
	_, err := st.sim.AddProduct(sim.Product{SKU: "N", Name: "Net", Price: 1000, Unlimited: true, Tax: sim.ProductTax{Taxable: true}})
	require.NoError(t, err)
	id, err := st.sim.PlaceOrder(sim.Order{Email: "a@example.nl", PaymentStatus: "PAID", CouponDiscount: 100,
		Items: []sim.OrderItem{{SKU: "N", Quantity: 3}}, ShippingOption: &sim.ShippingOption{Rate: 500}})
	require.NoError(t, err)
	o, _ := st.sim.Order(id)
	addsUp(t, o)
	assert.False(t, o.PricesIncludeTax)
	assert.Equal(t, sim.Money(3000), o.Subtotal)
	assert.Equal(t, sim.Money(609+105), o.Tax, "21 % of 29.00 after the coupon, and of 5.00 shipping")
	assert.Equal(t, sim.Money(3000-100+500+714), o.Total)
	var w wireOrder
	st.ok(http.MethodGet, "/orders/"+id, nil, &w)
	assert.Equal(t, json.Number("41.14"), w.Total)
	require.Len(t, w.Items[0].Taxes, 1)
	assert.Equal(t, json.Number("21"), w.Items[0].Taxes[0].Value)
}

func TestDemoActivity(t *testing.T) {
	st := seeded(t)
	d := simkit.DemoContext{Rand: rand.New(rand.NewPCG(1, 2)), Instance: 1}
	for range 30 {
		before, err := st.sim.Snapshot()
		require.NoError(t, err)
		d.Now = st.advance(time.Minute)
		sim.DemoActivity(st.sim, d)
		after, err := st.sim.Snapshot()
		require.NoError(t, err)
		require.False(t, bytes.Equal(before, after), "every call changes something")
	}
	for _, o := range st.sim.Orders() {
		addsUp(t, o)
	}
	assert.Greater(t, len(st.sim.Orders()), 6)
}

func TestSnapshotRestore(t *testing.T) {
	st := seeded(t)
	snap, err := st.sim.Snapshot()
	require.NoError(t, err)
	orders := st.sim.Orders()

	st.ok(http.MethodPost, "/orders", validOrder(), nil)
	require.NoError(t, st.sim.SetStock("KOF-1000", 1))
	require.NoError(t, st.sim.Restore(snap))
	assert.Equal(t, orders, st.sim.Orders())
	qty, _, _ := st.sim.Stock("KOF-1000")
	assert.EqualValues(t, 95, qty)

	// Ids go on after the restored ones, and a second store of a demo has
	// ids of its own.
	var created struct {
		OrderID string `json:"orderid"`
	}
	st.ok(http.MethodPost, "/orders", validOrder(), &created)
	o, _ := st.sim.Order(created.OrderID)
	assert.Greater(t, o.InternalID, orders[len(orders)-1].InternalID)
	second := newStore(t, sim.Options{})
	sim.SeedDemo(second.sim, simkit.DemoContext{Now: second.clock(), Instance: 2})
	assert.NotEqual(t, st.sim.Products()[0].ID, second.sim.Products()[0].ID)

	restored := newStore(t, sim.Options{})
	require.NoError(t, restored.sim.Restore(snap))
	assert.Equal(t, orders, restored.sim.Orders())

	assert.Error(t, st.sim.Restore([]byte("{not json")))
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(snap, &raw))
	var list []json.RawMessage
	require.NoError(t, json.Unmarshal(raw["orders"], &list))
	raw["orders"], _ = json.Marshal(append(list, list[0]))
	dup, _ := json.Marshal(raw)
	assert.Error(t, st.sim.Restore(dup), "an order twice")
}
