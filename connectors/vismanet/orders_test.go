package vismanet_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/vismanet"
	"github.com/koppel/koppel/model"
)

func eur(c int64) model.Money { return model.NewMoney(c, "EUR") }

var (
	vat21 = model.VATPercent(21)
	vat9  = model.VATPercent(9)
)

// order is a shop order with prices incl. VAT at two rates, a line
// discount, shipping costs and an order discount: 48.85 in all.
func order(id string) model.Order {
	o := model.Order{ID: id, Number: "WEB-" + id, Currency: "EUR", PricesIncludeVAT: true,
		CreatedAt: time.Date(2026, 3, 1, 15, 4, 5, 0, time.UTC), PaymentMethod: "iDEAL", ShippingMethod: "PostNL",
		Customer: model.Customer{Kind: model.CustomerCompany, CompanyName: "Bakkerij De Korst", Email: "inkoop@korst.nl",
			Person:  model.Person{FirstName: "Jan", LastName: "Jansen"},
			Billing: model.Address{Street: "Hoofdstraat", HouseNumber: "1", PostalCode: "1234 AB", City: "Utrecht", CountryCode: "NL"}},
		Lines: []model.OrderLine{
			{SKU: "KOF-1000", Name: "Koffiebonen", Quantity: model.Pieces(2), UnitPrice: eur(1995), UnitDiscount: eur(100), VAT: vat9},
			{SKU: "MOK-0001", Name: "Mok", Quantity: model.Pieces(1), UnitPrice: eur(850), VAT: vat21},
		},
		ShippingCost: eur(495), ShippingVAT: vat21,
		Adjustments: []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: "Coupon", Amount: eur(-250), VAT: vat21}},
	}
	o.Total = o.ComputedTotal()
	return o
}

func draft(o model.Order, kind connectors.OrderKind) connectors.OrderDraft {
	return connectors.OrderDraft{Order: o, ExternalID: "shop-1/" + o.ID, Kind: kind, CustomerID: "C0001",
		ProductIDs: map[string]string{"KOF-1000": "KOF-1000", "MOK-0001": "MOK-0001"},
		Accounting: connectors.LineAccounting{VATCodes: map[string]string{"21%": "1", "9%": "2"}}}
}

// items names the items of what is not a product.
func items(c *vismanet.Config) {
	c.Options.ShippingItem, c.Options.DiscountItem, c.Options.CostItem, c.Options.RoundingItem = "SHIP", "DISC", "COST", "ROUND"
}

func TestSalesOrderIsWrappedAndAddsUpToTheCent(t *testing.T) {
	f := newFake()
	c := f.client(t, items)
	ctx := context.Background()
	o := order("1001")
	require.Equal(t, int64(4885), o.Total.Amount)
	d := draft(o, connectors.KindOrder)
	d.PaymentMethod, d.ShippingMethod, d.PaymentTermDays = "IDEAL", "POSTNL", 14
	d.Extra = map[string]string{vismanet.ExtraNote: "Bel aan"}

	booked, err := c.BookedTotal(ctx, d)
	require.NoError(t, err)
	assert.Equal(t, o.Total, booked)
	ref, err := c.CreateOrder(ctx, d)
	require.NoError(t, err)
	assert.Equal(t, connectors.TargetOrder{ID: "000001", Number: "000001", Kind: connectors.KindOrder}, ref, "the number from the Location on another host")

	reqs := f.sent(vismanet.OpCreateSalesOrder)
	require.Len(t, reqs, 1)
	raw := reqs[0].Raw
	for _, want := range []string{`"orderType":{"value":"SO"}`, `"customerRefNo":{"value":"shop-1/1001"}`, `"customerOrder":{"value":"WEB-1001"}`,
		`"customer":{"value":"C0001"}`, `"date":{"value":"2026-03-01T00:00:00Z"}`, `"terms":{"value":"14D"}`, `"paymentMethod":{"value":"IDEAL"}`,
		`"shipVia":{"value":"POSTNL"}`, `"note":{"value":"Bel aan"}`, `"soBillingAddress":{"value":{"overrideAddress":{"value":true},"addressLine1":{"value":"Hoofdstraat 1"}`,
		`"operation":"Insert"`, `"inventoryNumber":{"value":"KOF-1000"}`, `"quantity":{"value":2.000}`, `"unitPrice":{"value":18.30}`,
		`"discountAmount":{"value":1.82}`, `"manualDiscount":{"value":true}`, `"taxCategory":{"value":"2"}`} {
		assert.Contains(t, raw, want)
	}
	var body struct {
		Lines []map[string]json.RawMessage `json:"lines"`
	}
	require.NoError(t, json.Unmarshal([]byte(raw), &body))
	var linesText []string
	for _, l := range body.Lines {
		linesText = append(linesText, string(l["inventoryNumber"])+" "+string(l["unitPrice"]))
	}
	// Prices excl. VAT (the default): 21 % rounds 0.01 under, 9 % 0.01 over
	// the shop's gross, so a rounding line per rate.
	assert.Equal(t, []string{`{"value":"KOF-1000"} {"value":18.30}`, `{"value":"MOK-0001"} {"value":7.02}`, `{"value":"SHIP"} {"value":4.09}`,
		`{"value":"DISC"} {"value":-2.07}`, `{"value":"ROUND"} {"value":0.01}`, `{"value":"ROUND"} {"value":-0.01}`}, linesText)
	assert.Contains(t, raw, `"inventoryNumber":{"value":"ROUND"},"quantity":{"value":1.000},"unitPrice":{"value":-0.01},"lineDescription":{"value":"Rounding"},"taxCategory":{"value":"2"}`,
		"a rounding line carries its rate's VAT category")
	assert.Equal(t, "48.85", fmt.Sprint(f.orders[0]["orderTotal"]), "the fake's VAT over the document gives the shop's total")
	assert.Equal(t, 1, f.count(vismanet.OpGetSalesOrder), "what Visma.net booked is read back and checked")

	// Without a rounding item the same order fails before anything is written.
	f2 := newFake()
	c2 := f2.client(t, func(c *vismanet.Config) { items(c); c.Options.RoundingItem = "" })
	_, err = c2.CreateOrder(ctx, draft(order("1002"), connectors.KindOrder))
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindValidation, ce.Kind)
	assert.Contains(t, ce.Message, "48.85")
	assert.Contains(t, ce.Message, "options.roundingItem")
	assert.Zero(t, f2.count(vismanet.OpCreateSalesOrder))

	// With prices incl. VAT the lines are the shop's: no rounding.
	f3 := newFake()
	f3.inclVAT = true
	c3 := f3.client(t, func(c *vismanet.Config) { items(c); c.Options.RoundingItem = ""; c.Options.PricesIncludeVat = true })
	booked, err = c3.BookedTotal(ctx, draft(order("1003"), connectors.KindOrder))
	require.NoError(t, err)
	assert.Equal(t, int64(4885), booked.Amount)
	_, err = c3.CreateOrder(ctx, draft(order("1003"), connectors.KindOrder))
	require.NoError(t, err)
	assert.Contains(t, f3.sent(vismanet.OpCreateSalesOrder)[0].Raw, `"unitPrice":{"value":19.95},"discountAmount":{"value":2.00}`)
}

// BookedTotal follows the document's rule, also for excl. VAT orders whose
// VAT the shop rounds per line: the document's VAT over the sum is a cent
// short at 21 % (1.90 on 9.05, the shop's lines 1.48 + 0.86 − 0.43 = 1.91),
// which a rounding line makes up.
func TestBookedTotalRule(t *testing.T) {
	f := newFake()
	c := f.client(t, items)
	o := model.Order{ID: "2001", Currency: "EUR", PricesIncludeVAT: false, Customer: order("x").Customer,
		Lines: []model.OrderLine{{SKU: "KOF-1000", Quantity: model.Pieces(3), UnitPrice: eur(1835), VAT: vat9},
			{SKU: "MOK-0001", Quantity: model.Pieces(1), UnitPrice: eur(703), VAT: vat21}},
		ShippingCost: eur(409), ShippingVAT: vat21,
		Adjustments: []model.Adjustment{{Kind: model.AdjustmentDiscount, Amount: eur(-207), VAT: vat21}}}
	o.Total = o.ComputedTotal()
	require.Equal(t, int64(7096), o.Total.Amount)
	d := draft(o, connectors.KindOrder)
	booked, err := c.BookedTotal(context.Background(), d)
	require.NoError(t, err)
	assert.Equal(t, o.Total, booked, "55.05+4.95 (9 %) and 9.05+1.91 (21 %) over the document")
	_, err = c.CreateOrder(context.Background(), d)
	require.NoError(t, err)
	assert.Equal(t, "70.96", fmt.Sprint(f.orders[0]["orderTotal"]))
	raw := f.sent(vismanet.OpCreateSalesOrder)[0].Raw
	assert.Contains(t, raw, `"unitPrice":{"value":18.35}`, "excl. VAT on both sides: prices as the shop has them")
	assert.Contains(t, raw, `"inventoryNumber":{"value":"ROUND"},"quantity":{"value":1.000},"unitPrice":{"value":0.01},"lineDescription":{"value":"Rounding"},"taxCategory":{"value":"1"}`)
	assert.Equal(t, 1, strings.Count(raw, `"ROUND"`))
}

func TestInvoiceIsReleasedOrHeld(t *testing.T) {
	f := newFake()
	c := f.client(t, func(c *vismanet.Config) { items(c); c.Options.ShippingItem = ""; c.Options.ShippingAccount = "3090" })
	ctx := context.Background()
	d := draft(order("3001"), connectors.KindInvoice)
	d.Accounting.RevenueAccount = "3010"
	ref, err := c.CreateOrder(ctx, d)
	require.NoError(t, err)
	assert.Equal(t, connectors.KindInvoice, ref.Kind)
	raw := f.sent(vismanet.OpCreateCustomerInvoice)[0].Raw
	for _, want := range []string{`"customerNumber":{"value":"C0001"}`, `"customerRefNumber":{"value":"shop-1/3001"}`, `"hold":{"value":false}`,
		`"invoiceText":{"value":"Order WEB-3001"}`, `"invoiceLines":[{"operation":"Insert"`, `"accountNumber":{"value":"3010"}`,
		`"vatCodeId":{"value":"2"}`, `"unitPriceInCurrency":{"value":18.30}`, `"discountAmountInCurrency":{"value":1.82}`} {
		assert.Contains(t, raw, want)
	}
	assert.Contains(t, raw, `{"operation":"Insert","description":{"value":"PostNL"},"quantity":{"value":1.000},"unitPriceInCurrency":{"value":4.09},"accountNumber":{"value":"3090"}`,
		"shipping without an item: a line on shippingAccount")
	assert.Equal(t, []string{ref.Number}, f.released)
	assert.Equal(t, "48.85", fmt.Sprint(f.invoices[0]["amount"]))

	// A SKU without an item is an account line on an invoice, an error on a sales order.
	o := order("3002")
	o.Lines[1].SKU = "GONE-1"
	d = draft(o, connectors.KindInvoice)
	delete(d.ProductIDs, "MOK-0001")
	_, err = c.CreateOrder(ctx, d)
	require.NoError(t, err)
	assert.Contains(t, f.sent(vismanet.OpCreateCustomerInvoice)[1].Raw, `{"operation":"Insert","description":{"value":"GONE-1 Mok"},"quantity":{"value":1.000},"unitPriceInCurrency":{"value":7.02},"accountNumber":{"value":"3000"}`)
	d.Kind, d.ExternalID = connectors.KindOrder, "shop-1/3003"
	_, err = c.CreateOrder(ctx, d)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "GONE-1")

	// hold: on hold, not released.
	f2 := newFake()
	c2 := f2.client(t, func(c *vismanet.Config) { items(c); c.Options.InvoiceRelease = "hold" })
	_, err = c2.CreateOrder(ctx, draft(order("3004"), connectors.KindInvoice))
	require.NoError(t, err)
	assert.Contains(t, f2.sent(vismanet.OpCreateCustomerInvoice)[0].Raw, `"hold":{"value":true}`)
	assert.Empty(t, f2.released)
}

// A journal transaction is balanced to the cent for odd cents and several
// VAT rates, whether the shop's prices include VAT or not.
func TestJournalIsBalancedToTheCent(t *testing.T) {
	excl := model.Order{ID: "4001", Number: "WEB-4001", Currency: "EUR", PricesIncludeVAT: false, PaymentMethod: "iDEAL",
		Lines: []model.OrderLine{{SKU: "KOF-1000", Quantity: model.Pieces(3), UnitPrice: eur(1835), VAT: vat9},
			{SKU: "MOK-0001", Quantity: model.Pieces(1), UnitPrice: eur(703), VAT: vat21}},
		ShippingCost: eur(409), ShippingVAT: vat21,
		Adjustments: []model.Adjustment{{Kind: model.AdjustmentDiscount, Amount: eur(-207), VAT: vat21}}}
	excl.Total = excl.ComputedTotal()
	for _, tc := range []struct {
		name   string
		o      model.Order
		debit  string
		credit map[string]int64 // account → credit in cents (negative: a debit)
	}{
		{"prices incl. VAT", order("4000"), "1920", map[string]int64{
			// 9 %: 37.90 gross − 3.13 VAT; 21 %: net 9.05 = 7.02 + 4.09 − 2.07 and
			// the cent the rounding lost on the largest line (the mug, 8.50)
			"3010": 3477 + 703,
			"3090": 409,   // shipping 4.95 / 1.21
			"3080": -207,  // the coupon on its own account, a debit
			"2710": 313,   // VAT 9 %: round(37.90 × 9/109)
			"2700": 190}}, // VAT 21 %: round(10.95 × 21/121)
		{"prices excl. VAT", excl, "1510", map[string]int64{
			"3010": 5505 + 703, "3090": 409, "3080": -207,
			"2710": 495,             // 55.05 × 9 % = 4.9545
			"2700": 148 + 86 - 43}}, // per line as the shop rounds: 1.4763, 0.8589, −0.4347
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			c := f.client(t, func(c *vismanet.Config) {
				c.Options.ShippingAccount, c.Options.DiscountAccount = "3090", "3080"
				c.Options.PaymentMethodAccounts = map[string]string{"ideal": "1920"}
				c.Options.VATAccounts = map[string]string{"21%": "2700", "2": "2710"}
			})
			d := draft(tc.o, connectors.KindFinancialMutation)
			d.Accounting.RevenueAccount = "3010"
			if tc.o.PricesIncludeVAT {
				d.PaymentMethod = "IDEAL"
			}
			ctx := context.Background()
			booked, err := c.BookedTotal(ctx, d)
			require.NoError(t, err)
			assert.Equal(t, tc.o.Total, booked)
			ref, err := c.CreateOrder(ctx, d)
			require.NoError(t, err)
			require.Len(t, f.journals, 1)
			j := f.journals[0]
			assert.Equal(t, "Released", j["status"], "released after the write")
			assert.Equal(t, []string{ref.Number}, f.released)
			assert.Equal(t, fmt.Sprint(j["debitTotal"]), fmt.Sprint(j["creditTotal"]), "balanced")

			got := map[string]int64{}
			for _, l := range j["journalTransactionLines"].([]map[string]any) {
				assert.Equal(t, d.ExternalID, l["referenceNumber"], "every line carries the key")
				cr, _ := model.ParseMinor(fmt.Sprint(l["creditAmount"]), 2)
				db, _ := model.ParseMinor(fmt.Sprint(l["debitAmount"]), 2)
				got[l["accountNumber"].(string)] += cr - db
			}
			want := map[string]int64{tc.debit: -tc.o.Total.Amount}
			for k, v := range tc.credit {
				want[k] = v
			}
			assert.Equal(t, want, got)
			raw := f.sent(vismanet.OpCreateJournalTransaction)[0].Raw
			assert.Contains(t, raw, `"journalTransactionLines":[{"operation":"Insert","accountNumber":{"value":"`+tc.debit+`"}`)
			assert.Contains(t, raw, `"hold":{"value":false}`)
		})
	}

	// A control account that takes no manual entries is refused before writing.
	f := newFake()
	c := f.client(t, func(c *vismanet.Config) {
		c.Options.ReceivableAccount = "1500"
		c.Options.VATAccounts = map[string]string{"21%": "2700", "9%": "2710"}
	})
	_, err := c.CreateOrder(context.Background(), draft(order("4002"), connectors.KindFinancialMutation))
	require.Error(t, err)
	assert.Equal(t, connectors.KindConfig, connectors.KindOf(err))
	assert.Contains(t, err.Error(), "options.receivableAccount")
	assert.Contains(t, err.Error(), "manual")
	assert.Zero(t, f.count(vismanet.OpCreateJournalTransaction))

	// No VAT account for a rate: a config error naming the option.
	_, err = f.client(t, nil).BookedTotal(context.Background(), draft(order("4003"), connectors.KindFinancialMutation))
	assert.Equal(t, connectors.KindConfig, connectors.KindOf(err))
	assert.Contains(t, err.Error(), "options.vatAccounts")
}

// The answer of a create is lost after Visma.net committed it: the error
// is retryable, FindOrder finds the document by its key, and a retried
// create writes nothing twice (an invoice or journal transaction whose
// release never came is released then).
// Lookups that miss at the same time share a listing: one that started
// after a lookup was asked for answers it, so a burst of new orders does
// not list the recent sales orders once per order.
func TestConcurrentLookupsShareAListing(t *testing.T) {
	f := newFake()
	c := f.client(t, func(c *vismanet.Config) {
		next := c.Transport
		c.Transport = roundTrip(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodGet && r.URL.Path == "/v1/salesorder" {
				time.Sleep(50 * time.Millisecond) // a listing takes a while
			}
			return next.RoundTrip(r)
		})
	})
	ctx := context.Background()
	_, found, err := c.FindOrder(ctx, "warm-up", connectors.KindOrder) // the first listing covers the whole window
	require.NoError(t, err)
	require.False(t, found)
	before := f.count(vismanet.OpListSalesOrders)

	const lookups = 8
	var wg sync.WaitGroup
	errs := make([]error, lookups)
	for i := range lookups {
		wg.Go(func() {
			var found bool
			_, found, errs[i] = c.FindOrder(ctx, fmt.Sprintf("shop-%d", i), connectors.KindOrder)
			if found {
				errs[i] = fmt.Errorf("shop-%d found", i)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	listings := f.count(vismanet.OpListSalesOrders) - before
	assert.LessOrEqual(t, listings, 2, "eight lookups at once: one listing they wait for, at most one more")
	assert.GreaterOrEqual(t, listings, 1)
}

func TestFindOrderAfterALostAnswer(t *testing.T) {
	for _, tc := range []struct {
		kind   connectors.OrderKind
		create string
		stored func(f *fake) int
	}{
		{connectors.KindOrder, vismanet.OpCreateSalesOrder, func(f *fake) int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.orders) }},
		{connectors.KindInvoice, vismanet.OpCreateCustomerInvoice, func(f *fake) int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.invoices) }},
		{connectors.KindFinancialMutation, vismanet.OpCreateJournalTransaction, func(f *fake) int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.journals) }},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			f := newFake()
			c := f.client(t, func(c *vismanet.Config) {
				items(c)
				c.Options.VATAccounts = map[string]string{"21%": "2700", "9%": "2710"}
			})
			ctx := context.Background()
			d := draft(order("5001"), tc.kind)

			_, found, err := c.FindOrder(ctx, d.ExternalID, tc.kind)
			require.NoError(t, err)
			assert.False(t, found)

			f.drop[tc.create] = 1
			_, err = c.CreateOrder(ctx, d)
			assert.Equal(t, connectors.KindUnavailable, connectors.KindOf(err), "%v", err)
			assert.Equal(t, 1, tc.stored(f), "Visma.net committed it")

			ref, found, err := c.FindOrder(ctx, d.ExternalID, tc.kind)
			require.NoError(t, err)
			require.True(t, found)
			assert.NotEmpty(t, ref.Number)

			_, err = c.CreateOrder(ctx, d)
			assert.Equal(t, connectors.KindConflict, connectors.KindOf(err), "%v", err)
			assert.Equal(t, 1, tc.stored(f), "not written twice")
			if tc.kind != connectors.KindOrder {
				assert.Equal(t, []string{ref.Number}, f.released, "the release the lost answer cut off is made up")
			}
			// A second client (another worker) finds it too.
			other := f.client(t, items)
			_, found, err = other.FindOrder(ctx, d.ExternalID, tc.kind)
			require.NoError(t, err)
			assert.True(t, found)
		})
	}

	// What the index lists: the order type's orders of the lookup window, then
	// only what changed since the newest it saw.
	f := newFake()
	c := f.client(t, items)
	ctx := context.Background()
	_, err := c.CreateOrder(ctx, draft(order("5101"), connectors.KindOrder))
	require.NoError(t, err)
	f.mu.Lock()
	f.orders[0]["customerRefNo"] = "someone-else" // the index must not trust the write, it lists
	f.mu.Unlock()
	other := f.client(t, items)
	_, found, err := other.FindOrder(ctx, "shop-1/5101", connectors.KindOrder)
	require.NoError(t, err)
	assert.False(t, found)
	_, _, err = other.FindOrder(ctx, "shop-1/5102", connectors.KindOrder)
	require.NoError(t, err)
	lists := f.sent(vismanet.OpListSalesOrders)
	require.Len(t, lists, 3, "the create's own lookup, then the other client's two")
	lists = lists[1:]
	assert.Equal(t, "SO", lists[0].Query.Get("orderType"))
	assert.Equal(t, ">=", lists[0].Query.Get("lastModifiedDateTimeCondition"))
	assert.Equal(t, "2026-01-31T10:00:00", lists[0].Query.Get("lastModifiedDateTime"), "now less options.lookupWindow (720h)")
	assert.Equal(t, "2026-03-02T09:55:00", lists[1].Query.Get("lastModifiedDateTime"), "the newest modification seen less the overlap")
}

func TestDocumentNumbersFromTheKey(t *testing.T) {
	f := newFake()
	c := f.client(t, func(c *vismanet.Config) { items(c); c.Options.DocumentNumbers = "externalId" })
	ctx := context.Background()
	d := draft(order("6001"), connectors.KindOrder)
	d.ExternalID = "WEB6001"
	ref, err := c.CreateOrder(ctx, d)
	require.NoError(t, err)
	assert.Equal(t, "WEB6001", ref.Number)
	assert.Contains(t, f.sent(vismanet.OpCreateSalesOrder)[0].Raw, `"orderNumber":{"value":"WEB6001"},"overrideNumberSeries":{"value":true}`)
	_, found, err := c.FindOrder(ctx, "WEB6001", connectors.KindOrder)
	require.NoError(t, err)
	assert.True(t, found)
	assert.Zero(t, f.count(vismanet.OpListSalesOrders), "the key is the number: no listing")

	f.mu.Lock()
	f.orders[0]["customerRefNo"] = "typed-by-hand"
	f.mu.Unlock()
	_, _, err = c.FindOrder(ctx, "WEB6001", connectors.KindOrder)
	assert.Equal(t, connectors.KindConflict, connectors.KindOf(err), "a number taken by another document: %v", err)
}

func TestConfiguredCodesAreCheckedBeforeWriting(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		edit  func(*vismanet.Config)
		draft func(*connectors.OrderDraft)
		says  string
	}{
		{"order type", func(c *vismanet.Config) { c.Options.OrderType = "XX" }, nil, "options.orderType"},
		{"branch", func(c *vismanet.Config) { c.Options.BranchNumber = "9" }, nil, "options.branchNumber"},
		{"warehouse", func(c *vismanet.Config) { c.Options.Warehouse = "NORTH" }, nil, "options.warehouse"},
		{"payment method", nil, func(d *connectors.OrderDraft) { d.PaymentMethod = "OLD" }, "flows.orders.paymentMethods"},
		{"ship via", nil, func(d *connectors.OrderDraft) { d.ShippingMethod = "DHL" }, "flows.orders.shippingMethods"},
		{"credit terms", nil, func(d *connectors.OrderDraft) { d.PaymentTermDays = 60 }, "options.creditTerms"},
		{"VAT code of another rate", nil, func(d *connectors.OrderDraft) { d.Accounting.VATCodes["9%"] = "1" }, "countries.*.vatCodes"},
		{"currency", func(c *vismanet.Config) { c.Options.Currency = "SEK" }, nil, "options.currency"},
		{"shipping item", func(c *vismanet.Config) { c.Options.ShippingItem = "NOPE" }, nil, "options.shippingItem"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			c := f.client(t, func(c *vismanet.Config) {
				items(c)
				if tc.edit != nil {
					tc.edit(c)
				}
			})
			d := draft(order("7001"), connectors.KindOrder)
			if tc.draft != nil {
				tc.draft(&d)
			}
			_, err := c.CreateOrder(ctx, d)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.says)
			assert.Zero(t, f.count(vismanet.OpCreateSalesOrder), "nothing written")
		})
	}
}

// VAT categories that calculate otherwise than options.pricesIncludeVat
// says are refused before anything is written, naming the option.
func TestAPriceModeMismatchIsRefusedBeforeWriting(t *testing.T) {
	f := newFake()
	f.inclVAT = true // the company's categories extract VAT, the options say they add it
	c := f.client(t, items)
	_, err := c.CreateOrder(context.Background(), draft(order("8002"), connectors.KindOrder))
	require.Error(t, err)
	assert.Equal(t, connectors.KindConfig, connectors.KindOf(err))
	assert.Contains(t, err.Error(), "options.pricesIncludeVat")
	assert.Zero(t, f.count(vismanet.OpCreateSalesOrder), "nothing written")
}

// What Visma.net booked is read back: a total that differs (its VAT
// categories calculate otherwise than the options say, and their
// listing does not tell) is reported.
func TestAWrongBookingIsReported(t *testing.T) {
	f := newFake()
	f.inclVAT = true // the company's categories extract VAT, the options say they add it
	f.silentCategories = true
	c := f.client(t, items)
	_, err := c.CreateOrder(context.Background(), draft(order("8001"), connectors.KindOrder))
	require.Error(t, err)
	assert.Equal(t, connectors.KindValidation, connectors.KindOf(err))
	assert.Contains(t, err.Error(), "Koppel computed 48.85")
	assert.True(t, strings.Contains(err.Error(), "booked"), err.Error())
}
