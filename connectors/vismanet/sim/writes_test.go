package sim_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/vismanet/sim"
)

// orderBody is a valid sales order with edits applied.
func orderBody(t *testing.T, edit func(o obj, line obj)) string {
	line := obj{"operation": "Insert", "inventoryNumber": w("KOF-1000"), "quantity": w(1), "unitPrice": w(10)}
	o := obj{"orderType": w("SO"), "customer": w("10001"), "lines": []any{line}}
	if edit != nil {
		edit(o, line)
	}
	return jsonOf(t, o)
}

// Writes are read strictly: each mistake is a 400 IPPException naming
// its field, and nothing is stored.
func TestWritesAreDecodedStrictly(t *testing.T) {
	c := newCompany(t, sim.Options{})
	for _, tc := range []struct {
		name, path, body, field string
	}{
		{"an unwrapped scalar", "/v1/customer", `{"name":"Bakkerij Zon"}`, "'name' must be wrapped"},
		{"an unwrapped scalar in a nested object", "/v1/customer",
			`{"name":{"value":"Bakkerij Zon"},"mainAddress":{"value":{"city":"Utrecht"}}}`, "'mainAddress.city' must be wrapped"},
		{"an unwrapped nested object", "/v1/customer", `{"name":{"value":"Bakkerij Zon"},"mainAddress":{"city":{"value":"Utrecht"}}}`,
			"'mainAddress.city' is not a property of the value wrapper"},
		{"a property the contract lacks", "/v1/customer", `{"name":{"value":"Bakkerij Zon"},"emailAddress":{"value":"a@b.nl"}}`,
			"'emailAddress' is not a property of CustomerUpdateDto"},
		{"a wrapped line operation", "/v1/salesorder", orderBody(t, func(_ obj, l obj) { l["operation"] = w("Insert") }),
			"'lines[0].operation' is not wrapped"},
		{"a wrapped collection", "/v1/salesorder", orderBody(t, func(o obj, l obj) { o["lines"] = w([]any{l}) }),
			"'lines' is a collection"},
		{"an unwrapped quantity in a line", "/v1/salesorder", orderBody(t, func(_ obj, l obj) { l["quantity"] = 2 }),
			"'lines[0].quantity' must be wrapped"},
		{"text for a number", "/v1/salesorder", orderBody(t, func(_ obj, l obj) { l["quantity"] = w("two") }),
			"'lines[0].quantity' must be a number"},
		{"a value outside its enum", "/v1/customer", `{"name":{"value":"X"},"status":{"value":"Sleeping"}}`,
			"'status' is \"Sleeping\""},
		{"more decimals than kept exactly", "/v1/salesorder", orderBody(t, func(_ obj, l obj) { l["unitPrice"] = w(0.12345678) }),
			"'lines[0].unitPrice'"},
		{"a customer without a name", "/v1/customer", `{"mainContact":{"value":{"email":{"value":"a@b.nl"}}}}`, "'name' is required"},
		{"an order without its customer", "/v1/salesorder", orderBody(t, func(o obj, _ obj) { delete(o, "customer") }),
			"'customer' is required"},
		{"an item without a class", "/v1/inventory", `{"inventoryNumber":{"value":"X-1"},"description":{"value":"X"}}`,
			"'itemClass' is required"},
		{"an adjustment line without quantity", "/v1/inventoryadjustment",
			`{"adjustmentLines":[{"operation":"Insert","inventoryNumber":{"value":"KOF-1000"}}]}`, "'adjustmentLines[0].quantity' is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := c.sim.Snapshot()
			r := c.bad(http.MethodPost, tc.path, tc.body)
			require.Equal(t, http.StatusBadRequest, r.status, string(r.body))
			assert.Contains(t, r.ipp(t).ExceptionMessage, tc.field)
			after, _ := c.sim.Snapshot()
			assert.JSONEq(t, string(before), string(after), "a refused write stores nothing")
		})
	}
	// The contract's own required property: a line's inventoryNumber.
	r := c.bad(http.MethodPost, "/v1/salesorder", orderBody(t, func(_ obj, l obj) { delete(l, "inventoryNumber") }))
	require.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.ipp(t).ExceptionMessage, "'lines[0].inventoryNumber' is required")
}

// A reference to something the company does not have is a 400 naming the
// field.
func TestUnknownReferences(t *testing.T) {
	c := newCompany(t, sim.Options{})
	invoice := func(edit func(o obj, line obj)) string {
		line := obj{"operation": "Insert", "inventoryNumber": w("KOF-1000"), "quantity": w(1), "unitPriceInCurrency": w(10)}
		o := obj{"customerNumber": w("10001"), "invoiceLines": []any{line}}
		edit(o, line)
		return jsonOf(t, o)
	}
	journal := func(account string) string {
		return jsonOf(t, obj{"journalTransactionLines": []any{
			obj{"operation": "Insert", "accountNumber": w(account), "debitAmountInCurrency": w(10)},
			obj{"operation": "Insert", "accountNumber": w(sim.AccountRevenueNL), "creditAmountInCurrency": w(10)},
		}})
	}
	for _, tc := range []struct {
		name, path, body, want string
	}{
		{"order customer", "/v1/salesorder", orderBody(t, func(o obj, _ obj) { o["customer"] = w("99999") }), `'customer': Customer "99999"`},
		{"order line item", "/v1/salesorder", orderBody(t, func(_ obj, l obj) { l["inventoryNumber"] = w("NOPE-1") }),
			`'lines[0].inventoryNumber': Inventory item "NOPE-1"`},
		{"order line warehouse", "/v1/salesorder", orderBody(t, func(_ obj, l obj) { l["warehouse"] = w("SHED") }),
			`'lines[0].warehouse': Warehouse "SHED"`},
		{"order type", "/v1/salesorder", orderBody(t, func(o obj, _ obj) { o["orderType"] = w("ZZ") }), `'orderType': Order type "ZZ"`},
		{"invoice VAT code", "/v2/customerinvoice", invoice(func(_ obj, l obj) { l["vatCodeId"] = w("9") }),
			`'invoiceLines[0].vatCodeId': VAT category "9"`},
		{"invoice account", "/v2/customerinvoice", invoice(func(_ obj, l obj) { l["accountNumber"] = w("7777") }),
			`'invoiceLines[0].accountNumber': Account "7777"`},
		{"invoice branch", "/v1/customerinvoice", invoice(func(o obj, _ obj) { o["branchNumber"] = w("9") }), `'branchNumber': Branch "9"`},
		{"invoice customer", "/v2/customerinvoice", invoice(func(o obj, _ obj) { o["customerNumber"] = w("1") }), `'customerNumber': Customer "1"`},
		{"customer credit terms", "/v1/customer", `{"name":{"value":"X"},"creditTermsId":{"value":"60"}}`, `'creditTermsId': Credit terms "60"`},
		{"customer country", "/v1/customer", `{"name":{"value":"X"},"mainAddress":{"value":{"countryId":{"value":"XX"}}}}`,
			`'mainAddress.countryId': Country "XX"`},
		{"item VAT code", "/v1/inventory",
			`{"inventoryNumber":{"value":"X-1"},"description":{"value":"X"},"itemClass":{"value":"STOCK"},"vatCode":{"value":"H"}}`,
			`'vatCode': VAT category "H"`},
		{"item attribute value", "/v1/inventory",
			`{"inventoryNumber":{"value":"X-1"},"description":{"value":"X"},"itemClass":{"value":"STOCK"},` +
				`"attributeLines":[{"attributeId":{"value":"COLOUR"},"attributeValue":{"value":"PINK"}}]}`,
			`"PINK" is not a value of attribute COLOUR`},
		{"journal account", "/v2/journaltransaction", journal("0999"), `'journalTransactionLines[0].accountNumber': Account "0999"`},
		{"adjustment warehouse", "/v1/inventoryadjustment",
			`{"adjustmentLines":[{"operation":"Insert","inventoryNumber":{"value":"KOF-1000"},"warehouseId":{"value":"SHED"},"quantity":{"value":1}}]}`,
			`'adjustmentLines[0].warehouseId': Warehouse "SHED"`},
		{"adjustment of a non-stock item", "/v1/inventoryadjustment",
			`{"adjustmentLines":[{"operation":"Insert","inventoryNumber":{"value":"VERZENDKOSTEN"},"quantity":{"value":1}}]}`,
			"non-stock item"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.do(http.MethodPost, tc.path, tc.body)
			require.Equal(t, http.StatusBadRequest, r.status, string(r.body))
			assert.Contains(t, r.ipp(t).ExceptionMessage, tc.want)
		})
	}
	assert.Empty(t, c.sim.SalesOrders())
	assert.Empty(t, c.sim.Invoices())
	assert.Empty(t, c.sim.JournalTransactions())
}

func TestUnbalancedJournalIsRefused(t *testing.T) {
	c := newCompany(t, sim.Options{})
	r := c.do(http.MethodPost, "/v2/journaltransaction", jsonOf(t, obj{"journalTransactionLines": []any{
		obj{"operation": "Insert", "accountNumber": w(sim.AccountReceivable), "debitAmountInCurrency": w(121)},
		obj{"operation": "Insert", "accountNumber": w(sim.AccountRevenueNL), "creditAmountInCurrency": w(100)},
		obj{"operation": "Insert", "accountNumber": w(sim.AccountVATHigh), "creditAmountInCurrency": w(20.99)},
	}}))
	require.Equal(t, http.StatusBadRequest, r.status)
	msg := r.ipp(t).ExceptionMessage
	assert.Contains(t, msg, "not balanced")
	assert.Contains(t, msg, "121")
	assert.Contains(t, msg, "120.99")
	assert.Empty(t, c.sim.JournalTransactions())

	// Balanced, then unbalanced by an update: refused too.
	batch := c.create("/v2/journaltransaction", jsonOf(t, obj{"hold": w(true), "journalTransactionLines": []any{
		obj{"operation": "Insert", "accountNumber": w(sim.AccountReceivable), "debitAmountInCurrency": w(10)},
		obj{"operation": "Insert", "accountNumber": w(sim.AccountRevenueNL), "creditAmountInCurrency": w(10)},
	}}))
	r = c.do(http.MethodPut, "/v2/journaltransaction/"+batch, jsonOf(t, obj{"journalTransactionLines": []any{
		obj{"operation": "Update", "lineNumber": w(2), "accountNumber": w(sim.AccountRevenueNL), "creditAmountInCurrency": w(9)},
	}}))
	require.Equal(t, http.StatusBadRequest, r.status, string(r.body))
	j, _ := c.sim.JournalTransaction(batch)
	assert.Equal(t, int64(1000), j.CreditCents(), "the refused update changed nothing")
}

// A document is released once; one on hold is not released at all.
func TestReleaseOnce(t *testing.T) {
	c := newCompany(t, sim.Options{})
	invoice := c.create("/v2/customerinvoice", jsonOf(t, obj{"customerNumber": w("10001"), "hold": w(true),
		"invoiceLines": []any{obj{"operation": "Insert", "inventoryNumber": w("KOF-1000"), "quantity": w(1), "unitPriceInCurrency": w(10)}}}))
	journal := c.create("/v2/journaltransaction", jsonOf(t, obj{"journalTransactionLines": []any{
		obj{"operation": "Insert", "accountNumber": w(sim.AccountReceivable), "debitAmountInCurrency": w(10)},
		obj{"operation": "Insert", "accountNumber": w(sim.AccountRevenueNL), "creditAmountInCurrency": w(10)},
	}}))
	adjustment := c.create("/v1/inventoryadjustment", jsonOf(t, obj{"adjustmentLines": []any{
		obj{"operation": "Insert", "inventoryNumber": w("KOF-1000"), "quantity": w(-3)},
	}}))

	r := c.do(http.MethodPost, "/v1/customerinvoice/"+invoice+"/action/release", "")
	require.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.ipp(t).ExceptionMessage, "on hold")

	for _, path := range []string{"/v2/journaltransaction/" + journal, "/v1/inventoryadjustment/" + adjustment} {
		require.Equal(t, http.StatusOK, c.do(http.MethodPost, path+"/action/release", "").status, path)
		r := c.do(http.MethodPost, path+"/action/release", "")
		require.Equal(t, http.StatusBadRequest, r.status, path)
		assert.Contains(t, r.ipp(t).ExceptionMessage, "released already")
	}
	assert.Equal(t, sim.Units(97), c.sim.OnHand("KOF-1000", "MAIN"), "the adjustment moved the stock once")
	a, _ := c.sim.Adjustment(adjustment)
	assert.Equal(t, "Released", a.Status)
	r = c.do(http.MethodPut, "/v1/inventoryadjustment/"+adjustment, jsonOf(t, obj{"description": w("later")}))
	assert.Equal(t, http.StatusBadRequest, r.status, "a released adjustment is not changed")
	assert.Equal(t, http.StatusNotFound, c.do(http.MethodPost, "/v1/inventoryadjustment/999999/action/release", "").status)
}

func TestETagGuardsCustomerUpdates(t *testing.T) {
	c := newCompany(t, sim.Options{})
	first := c.do(http.MethodGet, "/v1/customer/10001", "").header.Get("ETag")
	require.NotEmpty(t, first)
	require.Equal(t, http.StatusNoContent, c.do(http.MethodPut, "/v1/customer/10001", `{"note":{"value":"one"}}`, "If-Match", first).status)
	second := c.do(http.MethodGet, "/v1/customer/10001", "").header.Get("ETag")
	assert.NotEqual(t, first, second, "a change gives a new ETag")

	r := c.do(http.MethodPut, "/v1/customer/10001", `{"note":{"value":"two"}}`, "If-Match", first)
	require.Equal(t, http.StatusPreconditionFailed, r.status)
	r.ipp(t)
	got, _ := c.sim.Customer("10001")
	assert.Equal(t, "one", got.Note)
	// Without If-Match the update goes through.
	assert.Equal(t, http.StatusNoContent, c.do(http.MethodPut, "/v1/customer/10001", `{"note":{"value":"three"}}`).status)
	assert.Equal(t, http.StatusNotFound, c.do(http.MethodPut, "/v1/customer/55555", `{"note":{"value":"x"}}`).status)
}

func TestNumberSeriesAndDuplicates(t *testing.T) {
	c := newCompany(t, sim.Options{})
	own := orderBody(t, func(o obj, _ obj) { o["overrideNumberSeries"] = w(true); o["orderNumber"] = w("WEB-7") })
	assert.Equal(t, "WEB-7", c.create("/v1/salesorder", own))
	r := c.do(http.MethodPost, "/v1/salesorder", own)
	require.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.ipp(t).ExceptionMessage, "already exists")
	// Without overrideNumberSeries a number in the body is not used.
	assert.Equal(t, "000001", c.create("/v2/salesorder", orderBody(t, func(o obj, _ obj) { o["orderNumber"] = w("WEB-8") })))
	assert.Len(t, c.sim.SalesOrders(), 2)

	r = c.do(http.MethodPost, "/v1/inventory", `{"inventoryNumber":{"value":"kof-1000"},"description":{"value":"X"},"itemClass":{"value":"STOCK"}}`)
	require.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.ipp(t).ExceptionMessage, "already exists")
}

// Amounts are exact: 3 × 0.10 is 0.30, and VAT rounds per VAT id on the
// document, not per line.
func TestAmountsAreExact(t *testing.T) {
	c := newCompany(t, sim.Options{})
	line := func(price float64) obj {
		return obj{"operation": "Insert", "inventoryNumber": w("MOK-0001"), "quantity": w(3), "unitPrice": w(price)}
	}
	n := c.create("/v1/salesorder", jsonOf(t, obj{"orderType": w("SO"), "customer": w("10001"),
		"lines": []any{line(0.1), line(0.1), line(0.1)}}))
	o, _ := c.sim.SalesOrder("SO", n)
	assert.Equal(t, sim.MustDec("0.3"), o.Lines[0].Amount)
	// 0.90 × 21 % = 0.189 → 0.19 on the document (per line it would be 3 × 0.06 = 0.18).
	assert.Equal(t, sim.MustDec("0.19"), o.Totals.VAT)
	assert.Equal(t, int64(109), o.OrderTotal())
}
