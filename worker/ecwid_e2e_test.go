package worker_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
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
	seedEcwidCatalogue(t, store)
	return s, store
}

// newEcwidStackFrom stacks a source system on an Ecwid store; flow is
// called with the store before the integration file is written and
// returns more YAML for flows.orders.
func newEcwidStackFrom(t *testing.T, source string, flow func(*ecwidsim.Sim) string) (*stack, *ecwidsim.Sim) {
	t.Helper()
	store := ecwidsim.New(ecwidsim.Options{})
	seedEcwidCatalogue(t, store)
	s := newStack(t, stackOptions{source: source, target: "ecwid", flow: flow(store),
		targetSim: func(simkit.Config) simkit.Instance { return store }})
	return s, store
}

// seedEcwidCatalogue puts the tests' products in the store.
func seedEcwidCatalogue(t *testing.T, store *ecwidsim.Sim) {
	t.Helper()
	for _, p := range []product{coffee, mug, filter} {
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

// CCV SalesPOS → Ecwid: the till's sales into the web store, the walk-in
// sale (no customer at all) on the walk-in debtor, the others on their
// own customer, each once and to the cent.
func TestSalesPOSSalesIntoEcwid(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	// The walk-in debtor: the store's customer "Kassa" that till sales
	// without a customer are booked on.
	var walkInDebtor int64
	s, store := newEcwidStackFrom(t, "salespos", func(store *ecwidsim.Sim) string {
		id, err := store.AddCustomer(ecwidsim.Customer{Email: "kassa@winkel.example", BillingPerson: ecwidsim.Person{Name: "Kassa"}})
		require.NoError(t, err)
		walkInDebtor = id
		return fmt.Sprintf(`, walkInDebtor: "%d"`, id)
	})
	pos, ok := s.source.(*ccvsim.Sim)
	require.True(t, ok, "the source is the SalesPOS flavour of the CCV simulator")
	base := time.Now().Add(-2 * time.Hour).Truncate(time.Second)

	walkIn := order(model.Customer{}, base.Add(time.Minute), true, coffee.line(1), mug.line(2))
	known := order(person("Anna", "de Boer", "anna@example.nl"), base.Add(2*time.Minute), true, withDiscount(filter.line(3), 25))
	ids := map[string]string{
		"walk-in": pos.AddSale(ccvsim.Sale{Order: walkIn, RegisterID: 1, StoreID: 1}),
		"known":   pos.AddSale(ccvsim.Sale{Order: known, RegisterID: 2, StoreID: 1}),
	}
	stats := s.backfill(base, time.Now())
	require.Equal(t, 2, stats.Started)
	for name, id := range ids {
		r, err := s.orderResult(id)
		require.NoError(t, err, name)
		assert.Equal(t, workflows.OrderCreated, r.Outcome, "%s: %s", name, r.Message)
	}
	written := ecwidOrdersByKey(store)
	require.Len(t, written, 2)
	w := written["shop-"+ids["walk-in"]]
	require.Len(t, w, 1)
	assert.Equal(t, walkInDebtor, w[0].CustomerID, "the walk-in sale is booked on the walk-in debtor")
	assert.Equal(t, linesTotal(walkIn), int64(w[0].Total), "to the cent")
	k := written["shop-"+ids["known"]]
	require.Len(t, k, 1)
	assert.NotEqual(t, walkInDebtor, k[0].CustomerID, "a sale with a customer gets its own")
	assert.Equal(t, "anna@example.nl", k[0].Email)
	assert.Equal(t, linesTotal(known), int64(k[0].Total), "to the cent")
}
