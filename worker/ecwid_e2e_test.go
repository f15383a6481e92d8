package worker_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/ecwid"
	ecwidsim "github.com/koppel/koppel/connectors/ecwid/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
	"github.com/koppel/koppel/workflows"
)

// CCV Shop → Ecwid: orders written into an Ecwid store on a real dev
// server, the Ecwid side of the "CCV SalesPOS ⇄ Ecwid" pair (SalesPOS
// speaks CCV Shop's REST framework, so the CCV Shop simulator stands in
// for the till here).

func newEcwidStack(t *testing.T, o stackOptions) (*stack, *ecwidsim.Sim) {
	t.Helper()
	o.source, o.target = "ccvshop", "ecwid"
	s := newStack(t, o)
	store, ok := s.target.(*ecwidsim.Sim)
	require.True(t, ok, "the target is the Ecwid simulator")
	seedEcwidCatalogue(t, store, []product{coffee, mug, filter})
	return s, store
}

// seedEcwidCatalogue puts products in the store, taxed with the store's
// manual tax of their rate.
func seedEcwidCatalogue(t testing.TB, store *ecwidsim.Sim, products []product) {
	t.Helper()
	for _, p := range products {
		tax := ecwidsim.TaxHigh
		if p.vat == 9 {
			tax = ecwidsim.TaxLow
		}
		_, err := store.AddProduct(ecwidsim.Product{SKU: p.sku, Name: p.name, Price: ecwidsim.Cents(p.cents), Enabled: true, Unlimited: true,
			Tax: ecwidsim.ProductTax{Taxable: true, EnabledManualTaxes: []int64{tax}}})
		require.NoError(t, err)
	}
}

// ecwidOrdersByKey reads the store's orders by their external id.
func ecwidOrdersByKey(store *ecwidsim.Sim) map[string][]ecwidsim.Order {
	out := map[string][]ecwidsim.Order{}
	for _, o := range store.Orders() {
		out[o.ExternalOrderID] = append(out[o.ExternalOrderID], o)
	}
	return out
}

// Paid shop orders reach the Ecwid store once each, to the cent: lines on
// the store's products by SKU, shipping, a coupon, a company with odd
// cents; a lost answer is found again, not written twice; the same window
// again writes nothing.
func TestEcwidOrdersFromTheShop(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s, store := newEcwidStack(t, stackOptions{})
	base := time.Now().Add(-2 * time.Hour).Truncate(time.Second)

	withShip := order(person("Jan", "Visser", "jan.visser@example.nl"), base.Add(time.Minute), true, coffee.line(2), mug.line(1))
	withShip.ShippingMethod, withShip.ShippingCost = "PostNL", eurCents(495)
	withShip.Adjustments = []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: "Kortingscode WELKOM", Amount: eurCents(-500), VAT: model.VATPercent(21)}}
	withShip.Total = eurCents(withShip.Total.Amount + 495 - 500)
	oddCents := order(company("Bakkerij Smit", "Petra", "Smit", "inkoop@smit.example"), base.Add(2*time.Minute), true,
		product{sku: "MOK-0001", name: "Mok wit", cents: 1005, vat: 21}.line(3), withDiscount(coffee.line(1), 33))
	unpaid := order(person("Sophie", "Jansen", "sophie@example.nl"), base.Add(3*time.Minute), false, filter.line(2))

	ids := map[string]string{}
	orders := map[string]model.Order{"shipping and coupon": withShip, "company odd cents": oddCents}
	for name, o := range orders {
		ids[name] = s.ccv.AddOrder(o)
	}
	ids["unpaid"] = s.ccv.AddOrder(unpaid)
	lost := order(person("Eva", "de Boer", "eva@example.nl"), base.Add(4*time.Minute), true, filter.line(3))
	store.Faults().Add(simkit.Rule{Op: ecwid.OpCreateOrder, Kind: simkit.FaultDropAfterCommit, Times: 1})
	ids["lost answer"] = s.ccv.AddOrder(lost)
	orders["lost answer"] = lost

	stats := s.backfill(base, time.Now())
	require.Equal(t, 3, stats.Started, "the paid orders; the unpaid one waits")
	for name := range orders {
		r, err := s.orderResult(ids[name])
		require.NoError(t, err, name)
		assert.Contains(t, []workflows.OrderOutcome{workflows.OrderCreated, workflows.OrderRecovered}, r.Outcome, "%s: %s", name, r.Message)
	}
	assert.Equal(t, 1, store.Faults().Hits(simkit.FaultDropAfterCommit), "the answer of one write was lost")

	written := ecwidOrdersByKey(store)
	require.Len(t, written, 3, "one Ecwid order per paid shop order: %v", written)
	for name, o := range orders {
		got := written["shop-"+ids[name]]
		require.Len(t, got, 1, "%s: exactly one order", name)
		total := o.Total.Amount
		if name != "shipping and coupon" {
			total = linesTotal(o)
		}
		assert.Equal(t, total, int64(got[0].Total), "%s: Ecwid's total is the shop's, to the cent", name)
		assert.Equal(t, "PAID", got[0].PaymentStatus, name)
	}
	ship := written["shop-"+ids["shipping and coupon"]][0]
	require.Len(t, ship.Items, 2)
	assert.Equal(t, "KOF-1000", ship.Items[0].SKU)
	assert.NotZero(t, ship.Items[0].ProductID, "a line on the store's product, found by SKU")
	require.NotNil(t, ship.ShippingOption)
	assert.Equal(t, int64(495), int64(ship.ShippingOption.Rate))
	smit := written["shop-"+ids["company odd cents"]][0]
	require.NotNil(t, smit.BillingPerson)
	assert.Equal(t, "Bakkerij Smit", smit.BillingPerson.CompanyName)

	creates := store.Calls().Count(ecwid.OpCreateOrder)
	again := s.backfill(base, time.Now())
	assert.Equal(t, 3, again.AlreadyKnown)
	assert.Equal(t, creates, store.Calls().Count(ecwid.OpCreateOrder), "a second sync writes nothing")
}
