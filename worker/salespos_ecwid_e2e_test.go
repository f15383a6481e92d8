package worker_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/ccvshop"
	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/ecwid"
	ecwidsim "github.com/koppel/koppel/connectors/ecwid/sim"
	"github.com/koppel/koppel/connectors/salespos"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
	"github.com/koppel/koppel/workflows"
)

// CCV SalesPOS ⇄ Ecwid on a real dev server: the till's sales into the
// web store, products both ways, the till's stock into the store, and
// the store's orders into the till.

// newPOSStack stacks a SalesPOS till on an Ecwid store. setup, when set,
// is called with the store before the integration file is written and
// returns more YAML for flows.orders.
func newPOSStack(t *testing.T, o stackOptions, setup func(*ecwidsim.Sim) string) (*stack, *ccvsim.Sim, *ecwidsim.Sim) {
	t.Helper()
	store := ecwidsim.New(ecwidsim.Options{})
	if setup != nil {
		o.flow += setup(store)
	}
	o.source, o.target = "salespos", "ecwid"
	o.targetSim = func(simkit.Config) simkit.Instance { return store }
	s := newStack(t, o)
	pos, ok := s.source.(*ccvsim.Sim)
	require.True(t, ok, "the source is the SalesPOS flavour of the CCV simulator")
	return s, pos, store
}

// posClient is a SalesPOS client of the stack's till, as its back office.
// registerID "" reads the sales of every till.
func posClient(t *testing.T, s *stack, side config.System, prefix, registerID string) *salespos.Client {
	t.Helper()
	c, err := salespos.New(salespos.Config{Config: ccvshop.Config{BaseURL: side.BaseURL,
		PublicKey: s.env[prefix+"PUBLICKEY"], SecretKey: s.env[prefix+"SECRETKEY"], ReadsPerMinute: -1, WritesPerMinute: -1},
		RegisterID: registerID})
	require.NoError(t, err)
	return c
}

// addWalkInCustomer makes the store's customer walk-in sales are booked on.
func addWalkInCustomer(t *testing.T, store *ecwidsim.Sim) int64 {
	t.Helper()
	id, err := store.AddCustomer(ecwidsim.Customer{Email: "kassa@winkel.example", BillingPerson: ecwidsim.Person{Name: "Kassa"}})
	require.NoError(t, err)
	return id
}

// The till's day into the store, in a store with gross prices and in one
// with net prices: each sale once, to the cent, with its row and order
// discounts; the walk-in sale on the walk-in customer, the others on their
// own; a lost answer found again; the refund left out; a second sync
// writes nothing.
func TestSalesPOSSalesIntoEcwid(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	for _, gross := range []bool{true, false} {
		name := map[bool]string{true: "gross store", false: "net store"}[gross]
		t.Run(name, func(t *testing.T) {
			var walkInDebtor int64
			s, pos, store := newPOSStack(t, stackOptions{sourceOptions: fmt.Sprintf(`{pricesIncludeVat: "%t"}`, gross)},
				func(store *ecwidsim.Sim) string {
					p := store.Profile()
					p.PricesIncludeTax = gross
					store.SetProfile(p)
					seedEcwidCatalogue(t, store, []product{coffee, mug, filter})
					walkInDebtor = addWalkInCustomer(t, store)
					return fmt.Sprintf(`, walkInDebtor: "%d", paymentMethods: {PIN: "Pin (winkel)"}`, walkInDebtor)
				})
			base := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
			sale := func(c model.Customer, minute int, lines ...model.OrderLine) model.Order {
				o := order(c, base.Add(time.Duration(minute)*time.Minute), true, lines...)
				o.Status, o.PaymentMethod = model.StatusCompleted, "PIN"
				if !gross {
					o = netPrices(o)
				}
				return o
			}
			withTotal := func(o model.Order) model.Order { o.Total = o.ComputedTotal(); return o }

			bulk := sale(company("Bakkerij Smit", "Petra", "Smit", "inkoop@smit.example"), 3, coffee.line(10))
			bulk.Adjustments = []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: ccvshop.OrderDiscountDescription, Amount: eurCents(-1995), VAT: model.VATPercent(9)}}
			sales := map[string]model.Order{
				"walk-in":        withTotal(sale(model.Customer{}, 1, coffee.line(1), mug.line(2))),
				"row discount":   withTotal(sale(person("Anna", "de Boer", "anna@example.nl"), 2, withDiscount(filter.line(3), 25))),
				"order discount": withTotal(bulk),
				"odd cents":      withTotal(sale(person("Eva", "Visser", "eva@example.nl"), 4, product{sku: "MOK-0001", name: "Mok", cents: 1005, vat: 21}.line(3))),
			}
			ids := map[string]string{}
			for name, o := range sales {
				ids[name] = pos.AddSale(ccvsim.Sale{Order: o, RegisterID: 1, StoreID: 1})
			}
			refund := pos.AddSale(ccvsim.Sale{Order: withTotal(sale(model.Customer{}, 5, mug.line(-1))), RegisterID: 1, StoreID: 1})
			store.Faults().Add(simkit.Rule{Op: ecwid.OpCreateOrder, Kind: simkit.FaultDropAfterCommit, Times: 1})

			stats := s.backfill(base, time.Now())
			assert.Equal(t, len(sales), stats.Started, "every sale but the refund")
			for name, id := range ids {
				r, err := s.orderResult(id)
				require.NoError(t, err, name)
				assert.Contains(t, []workflows.OrderOutcome{workflows.OrderCreated, workflows.OrderRecovered}, r.Outcome, "%s: %s", name, r.Message)
			}
			assert.Equal(t, 1, store.Faults().Hits(simkit.FaultDropAfterCommit), "the answer of one write was lost")

			written := ecwidOrdersByKey(store)
			require.Len(t, written, len(sales), "one store order per sale: %v", written)
			assert.NotContains(t, written, "shop-"+refund, "a refund is no sale to write")
			for name, o := range sales {
				got := written["shop-"+ids[name]]
				require.Len(t, got, 1, "%s: exactly one order", name)
				assert.Equal(t, o.Total.Amount, int64(got[0].Total), "%s: the store's total is the till's, to the cent", name)
				assert.Equal(t, gross, got[0].PricesIncludeTax, "%s: the order says how its prices are meant", name)
				assert.Equal(t, got[0].Total-got[0].Tax, got[0].TotalWithoutTax, name)
				assert.Equal(t, "PAID", got[0].PaymentStatus, name)
				assert.Equal(t, "Pin (winkel)", got[0].PaymentMethod, name)
			}
			walkIn := written["shop-"+ids["walk-in"]][0]
			assert.Equal(t, walkInDebtor, walkIn.CustomerID, "the walk-in sale is booked on the walk-in customer")
			assert.Equal(t, "kassa@winkel.example", walkIn.Email, "with the walk-in customer's e-mail address, read from the store")
			anna := written["shop-"+ids["row discount"]][0]
			assert.NotEqual(t, walkInDebtor, anna.CustomerID, "a sale with a customer gets its own")
			assert.Equal(t, "anna@example.nl", anna.Email)
			require.Len(t, anna.Items, 1)
			assert.Equal(t, "FLT-0102", anna.Items[0].SKU)
			assert.NotZero(t, anna.Items[0].ProductID, "the line is on the store's product, found by SKU")
			smit := written["shop-"+ids["order discount"]][0]
			assert.NotZero(t, smit.Discount, "the order discount is the store order's discount")
			require.NotNil(t, smit.BillingPerson)
			assert.Equal(t, "Bakkerij Smit", smit.BillingPerson.CompanyName)

			creates := store.Calls().Count(ecwid.OpCreateOrder)
			again := s.backfill(base, time.Now())
			assert.Equal(t, len(sales), again.AlreadyKnown)
			assert.Equal(t, creates, store.Calls().Count(ecwid.OpCreateOrder), "a second sync writes nothing")
		})
	}
}

// The other direction: the store's paid orders into the till, once each
// and to the cent, shipping included; an unpaid order waits. The orders
// written into SalesPOS were rung up at no till, so an integration that
// reads the till with registerId set never sends them back.
func TestEcwidOrdersIntoSalesPOS(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s := newStack(t, stackOptions{source: "ecwid", target: "salespos"})
	store, ok := s.source.(*ecwidsim.Sim)
	require.True(t, ok)
	pos, ok := s.target.(*ccvsim.Sim)
	require.True(t, ok)
	seedEcwidCatalogue(t, store, []product{coffee, mug, filter})
	for _, p := range []product{coffee, mug, filter} {
		pos.AddProduct(ccvsim.Product{SKU: p.sku, Name: p.name, Price: eurCents(p.cents), VAT: model.VATPercent(p.vat), Active: true})
	}
	base := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	buyer := ecwidsim.Person{Name: "Jan Visser", Street: "Dorpsstraat 12", City: "Ergenshuizen", PostalCode: "1234 AB", CountryCode: "NL"}
	place := func(minute int, pay string, shipping ecwidsim.Money, items ...ecwidsim.OrderItem) string {
		o := ecwidsim.Order{Email: "jan.visser@example.nl", PaymentStatus: pay, FulfillmentStatus: "AWAITING_PROCESSING",
			PaymentMethod: "iDEAL", BillingPerson: &buyer, ShippingPerson: &buyer, Items: items,
			Created: base.Add(time.Duration(minute) * time.Minute)}
		if shipping > 0 {
			o.ShippingOption = &ecwidsim.ShippingOption{MethodName: "PostNL", Rate: shipping, FulfillmentType: "SHIPPING"}
		}
		id, err := store.PlaceOrder(o)
		require.NoError(t, err)
		return id
	}
	paid := []string{
		place(1, "PAID", 495, ecwidsim.OrderItem{SKU: coffee.sku, Quantity: 2}, ecwidsim.OrderItem{SKU: mug.sku, Quantity: 1}),
		place(2, "PAID", 0, ecwidsim.OrderItem{SKU: filter.sku, Quantity: 3}),
	}
	unpaid := place(3, "AWAITING_PAYMENT", 495, ecwidsim.OrderItem{SKU: mug.sku, Quantity: 1})

	stats := s.backfill(base, time.Now())
	require.Equal(t, len(paid), stats.Started, "the paid orders; the unpaid one waits")
	for _, id := range paid {
		r, err := s.orderResult(id)
		require.NoError(t, err, id)
		require.Equal(t, workflows.OrderCreated, r.Outcome, "%s: %s", id, r.Message)
		in, ok := store.Order(id)
		require.True(t, ok)
		got := pos.OrdersByReservation("shop-" + id)
		require.Len(t, got, 1, "order %s once in the till", id)
		assert.Equal(t, int64(in.Total), got[0].Total.Amount, "order %s: the till's total is the store's, to the cent", id)
	}
	assert.Empty(t, pos.OrdersByReservation("shop-"+unpaid))

	// The reading side of a till that also sells: registerId keeps the
	// sales of the till, and the orders written above have none.
	pos.AddSale(ccvsim.Sale{Order: order(model.Customer{}, base.Add(4*time.Minute), true, coffee.line(1)), RegisterID: 1, StoreID: 1})
	reader := posClient(t, s, s.file.Integrations[0].Target, "E2E_TARGET_", "1")
	page, err := reader.ListOrders(context.Background(), connectors.OrderQuery{CreatedFrom: base, CreatedTo: time.Now().Add(time.Minute)})
	require.NoError(t, err)
	require.Len(t, page.Orders, 1, "the till's own sale, not the orders the store sent")
}

// The till is the product master: its articles reach the store by SKU,
// the T-shirt in sizes as a product with a Maat option and a combination
// per size, the EAN as the UPC attribute, the category made; a new price
// in the till moves the store's price and the store keeps its own name.
func TestSalesPOSProductsIntoEcwid(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s, pos, store := newPOSStack(t, stackOptions{noOrders: true, sourceOptions: `{pricesIncludeVat: "true"}`,
		catalogFlows: []string{`products: {interval: 1h, updateProductInfo: false, alwaysSync: [price, vat, ean, active], createCategories: true}`}}, nil)
	pos.AddProduct(ccvsim.Product{SKU: coffee.sku, Name: coffee.name, EAN: "8712345000017", Price: eurCents(coffee.cents),
		VAT: model.VATPercent(coffee.vat), Active: true, Categories: []string{"Koffie"}})
	pos.AddProduct(ccvsim.Product{SKU: "SHIRT", Name: "T-shirt Koppel", Price: eurCents(2495), VAT: model.VATPercent(21), Active: true,
		StockEnabled: true, Categories: []string{"Kleding"}, Variants: []ccvsim.Variant{
			{SKU: "SHIRT-S", EAN: "8712345000024", Attributes: map[string]string{"Maat": "S"}, Active: true, Stock: model.Pieces(4)},
			{SKU: "SHIRT-M", EAN: "8712345000031", Attributes: map[string]string{"Maat": "M"}, Active: true, Stock: model.Pieces(5)},
		}})

	first := s.runCatalog(t, "", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, 2, counts(first)[activities.OutcomeCreated], "%+v", first.LastRun)

	beans, ok := store.ProductBySKU(coffee.sku)
	require.True(t, ok, "the simple product is in the store")
	assert.Equal(t, coffee.name, beans.Name)
	assert.Equal(t, ecwidsim.Money(coffee.cents), beans.Price, "the till's price incl. VAT in a gross store")
	assert.True(t, beans.Enabled)
	assert.Equal(t, []int64{ecwidsim.TaxLow}, beans.Tax.EnabledManualTaxes, "9 %: the store's 9 % tax")
	assert.Equal(t, "8712345000017", upcOf(beans.Attributes), "the EAN as the UPC attribute")
	assert.Equal(t, []string{"Koffie"}, categoryNames(store, beans.CategoryIDs))

	shirt, ok := store.ProductBySKU("SHIRT")
	require.True(t, ok, "the product with variants is in the store under its own SKU")
	assert.Equal(t, []string{"Kleding"}, categoryNames(store, shirt.CategoryIDs))
	require.Len(t, shirt.Options, 1)
	assert.Equal(t, "Maat", shirt.Options[0].Name)
	combos := store.Combinations(shirt.ID)
	require.Len(t, combos, 2, "a combination per size")
	for i, want := range []struct{ sku, size, ean string }{{"SHIRT-S", "S", "8712345000024"}, {"SHIRT-M", "M", "8712345000031"}} {
		assert.Equal(t, want.sku, combos[i].SKU)
		assert.Equal(t, []ecwidsim.OptionValue{{Name: "Maat", Value: want.size}}, combos[i].Options)
		assert.Equal(t, want.ean, upcOf(combos[i].Attributes), want.sku)
	}

	// A new price and name in the till's back office: the price moves, the
	// store keeps its own name (updateProductInfo false).
	editProduct(t, posClient(t, s, s.file.Integrations[0].Source, "E2E_SOURCE_", ""), coffee.sku, func(p *model.Product) {
		p.Price, p.Name = eurCents(2195), "Bonen (kassa)"
	})
	second := s.runCatalog(t, "", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, 1, counts(second)[activities.OutcomeUpdated], "%+v", second.LastRun)
	assert.Zero(t, counts(second)[activities.OutcomeCreated])
	beans, _ = store.ProductBySKU(coffee.sku)
	assert.Equal(t, ecwidsim.Money(2195), beans.Price)
	assert.Equal(t, coffee.name, beans.Name, "the store's name is kept")
	assert.Len(t, store.Products(), 2, "nothing created twice")
}

// The other direction: the store is the product master, its products
// reach the till by SKU, the apron with a combination per size as a
// product with variants.
func TestEcwidProductsIntoSalesPOS(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s, pos, store := newPOSStack(t, stackOptions{noOrders: true, sourceOptions: `{packageId: "1", pricesIncludeVat: "true"}`,
		catalogFlows: []string{`productsToSource: {interval: 1h, updateProductInfo: true, createCategories: true}`}}, nil)
	cat, err := store.AddCategory(ecwidsim.Category{Name: "Kleding", Enabled: true})
	require.NoError(t, err)
	_, err = store.AddProduct(ecwidsim.Product{SKU: mug.sku, Name: mug.name, Price: ecwidsim.Money(mug.cents), Enabled: true, Quantity: 12,
		Attributes: []ecwidsim.Attribute{{Name: "UPC", Type: "UPC", Value: "8712345000048"}},
		Tax:        ecwidsim.ProductTax{Taxable: true, EnabledManualTaxes: []int64{ecwidsim.TaxHigh}}})
	require.NoError(t, err)
	apron := ecwidsim.Product{SKU: "SCHORT", Name: "Schort", Price: 2495, Enabled: true, CategoryIDs: []int64{cat},
		Tax:     ecwidsim.ProductTax{Taxable: true, EnabledManualTaxes: []int64{ecwidsim.TaxHigh}},
		Options: []ecwidsim.Option{{Type: "SIZE", Name: "Maat", Required: true}}}
	for i, size := range []string{"S", "M", "L"} {
		apron.Combinations = append(apron.Combinations, ecwidsim.Combination{SKU: "SCHORT-" + size, Quantity: int64(3 + i),
			Options: []ecwidsim.OptionValue{{Name: "Maat", Value: size}}})
	}
	_, err = store.AddProduct(apron)
	require.NoError(t, err)

	first := s.runCatalog(t, "", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, 2, counts(first)[activities.OutcomeCreated], "%+v", first.LastRun)
	m, ok := pos.Product(mug.sku)
	require.True(t, ok, "the simple product is in the till")
	assert.Equal(t, mug.name, m.Name)
	assert.Equal(t, int64(mug.cents), m.Price.Amount-m.Discount.Amount, "price incl. VAT to the cent")
	assert.Equal(t, model.VATPercent(21), m.VAT)
	assert.Equal(t, "8712345000048", m.EAN)
	a, ok := pos.Product("SCHORT")
	require.True(t, ok, "the product with combinations is in the till")
	assert.Equal(t, []string{"Kleding"}, a.Categories)
	sizes := map[string]string{}
	for _, v := range a.Variants {
		sizes[v.SKU] = v.Attributes["Maat"]
	}
	assert.Equal(t, map[string]string{"SCHORT-S": "S", "SCHORT-M": "M", "SCHORT-L": "L"}, sizes, "a variant per combination")

	again := s.runCatalog(t, "", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop", Full: true})
	assert.Zero(t, counts(again)[activities.OutcomeCreated], "%+v", again.LastRun)
	assert.Len(t, pos.Products(), 2, "nothing created twice")
}

// The till's stock into the store, less the buffer, never below zero;
// manageStock switches the store's unlimited products and combinations
// to tracked stock; a SKU the till keeps no stock for is left alone; a
// sale at the till moves only its SKU in the next run.
func TestSalesPOSStockIntoEcwid(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s, pos, store := newPOSStack(t, stackOptions{noOrders: true, sourceOptions: `{pricesIncludeVat: "true"}`,
		catalogFlows: []string{`stock: {interval: 1h, calculation: physical, buffer: 2, manageStock: true}`}},
		func(store *ecwidsim.Sim) string {
			seedEcwidCatalogue(t, store, []product{coffee, mug, filter})
			return ""
		})
	shirt := ecwidsim.Product{SKU: "SHIRT", Name: "T-shirt", Price: 2495, Enabled: true, Options: []ecwidsim.Option{{Type: "SIZE", Name: "Maat"}}}
	for _, size := range []string{"S", "M"} {
		shirt.Combinations = append(shirt.Combinations, ecwidsim.Combination{SKU: "SHIRT-" + size, Unlimited: true,
			Options: []ecwidsim.OptionValue{{Name: "Maat", Value: size}}})
	}
	_, err := store.AddProduct(shirt)
	require.NoError(t, err)
	tracked := func(sku string, n int64) ccvsim.Product {
		return ccvsim.Product{SKU: sku, Name: sku, Price: eurCents(100), VAT: model.VATPercent(21), Active: true, StockEnabled: true, Stock: model.Pieces(n)}
	}
	pos.AddProduct(tracked(coffee.sku, 10))
	pos.AddProduct(tracked(mug.sku, 1))
	untracked := tracked(filter.sku, 0)
	untracked.StockEnabled = false
	pos.AddProduct(untracked)
	sizes := tracked("SHIRT", 0)
	sizes.Variants = []ccvsim.Variant{{SKU: "SHIRT-S", Attributes: map[string]string{"Maat": "S"}, Active: true, Stock: model.Pieces(5)},
		{SKU: "SHIRT-M", Attributes: map[string]string{"Maat": "M"}, Active: true, Stock: model.Pieces(7)}}
	pos.AddProduct(sizes)

	stockIn := func(sku string) (int64, bool) {
		n, unlimited, ok := store.Stock(sku)
		require.True(t, ok, sku)
		return n, unlimited
	}
	first := s.runCatalog(t, "", workflows.StockSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	for sku, want := range map[string]int64{coffee.sku: 8, mug.sku: 0, "SHIRT-S": 3, "SHIRT-M": 5} {
		n, unlimited := stockIn(sku)
		assert.Equal(t, want, n, "%s: the till's stock less the buffer of 2, never below zero", sku)
		assert.False(t, unlimited, "%s: manageStock makes the store keep stock", sku)
	}
	_, unlimited := stockIn(filter.sku)
	assert.True(t, unlimited, "the till keeps no stock of it: the store's unlimited product is left alone")
	assert.Equal(t, 4, counts(first)[activities.OutcomeUpdated], "%+v", first.LastRun)

	require.NoError(t, pos.SetProductStock("SHIRT-M", model.Pieces(6)))
	second := s.runCatalog(t, "", workflows.StockSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	n, _ := stockIn("SHIRT-M")
	assert.Equal(t, int64(4), n)
	assert.Equal(t, 1, counts(second)[activities.OutcomeUpdated], "only what changed: %+v", second.LastRun)
}

// upcOf is the value of the UPC attribute (the EAN), or "".
func upcOf(attrs []ecwidsim.Attribute) string {
	for _, a := range attrs {
		if a.Type == "UPC" {
			return a.Value
		}
	}
	return ""
}

// categoryNames names the store's categories by id.
func categoryNames(store *ecwidsim.Sim, ids []int64) []string {
	names := map[int64]string{}
	for _, c := range store.Categories() {
		names[c.ID] = c.Name
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, names[id])
	}
	return out
}
