package sim_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/vismanet/sim"
)

func journalBody(t *testing.T, amount float64) string {
	return jsonOf(t, obj{"journalTransactionLines": []any{
		obj{"operation": "Insert", "accountNumber": w(sim.AccountReceivable), "debitAmountInCurrency": w(amount)},
		obj{"operation": "Insert", "accountNumber": w(sim.AccountRevenueNL), "creditAmountInCurrency": w(amount)},
	}})
}

// The journal listing pages by lines (the contract says so of this
// endpoint): a batch may be split over pages and totalCount counts lines.
func TestJournalListingPagesByLines(t *testing.T) {
	c := newCompany(t, sim.Options{TokenLifetime: 3 * time.Hour})
	first := c.create("/v2/journaltransaction", journalBody(t, 10))
	c.now = c.now.Add(time.Hour)
	second := c.create("/v2/journaltransaction", journalBody(t, 20))

	type batch struct {
		BatchNumber             string
		JournalTransactionLines []struct{ LineNumber int }
		Metadata                struct{ TotalCount int }
	}
	var page []batch
	c.do(http.MethodGet, "/v2/journaltransaction?periodId=202603&pageSize=3&pageNumber=1", "").decode(t, &page)
	require.Len(t, page, 2, "three lines: the first batch whole and one line of the second")
	assert.Equal(t, first, page[0].BatchNumber)
	assert.Len(t, page[0].JournalTransactionLines, 2)
	assert.Equal(t, second, page[1].BatchNumber)
	assert.Len(t, page[1].JournalTransactionLines, 1)
	assert.Equal(t, 4, page[0].Metadata.TotalCount, "totalCount counts lines")
	c.do(http.MethodGet, "/v2/journaltransaction?periodId=202603&pageSize=3&pageNumber=2", "").decode(t, &page)
	require.Len(t, page, 1)
	assert.Equal(t, 2, page[0].JournalTransactionLines[0].LineNumber)

	// lastModifiedDateTime alone (the endpoint has no condition) is "since".
	since := url.QueryEscape(c.now.Format("2006-01-02 15:04:05"))
	c.do(http.MethodGet, "/v2/journaltransaction?lastModifiedDateTime="+since, "").decode(t, &page)
	require.Len(t, page, 1)
	assert.Equal(t, second, page[0].BatchNumber)
	c.do(http.MethodGet, "/v2/journaltransaction?periodId=202604", "").decode(t, &page)
	assert.Empty(t, page)

	r := c.do(http.MethodGet, "/v2/journaltransaction", "")
	require.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.ipp(t).ExceptionMessage, "periodId")
}

// With prices that include VAT the VAT is extracted per VAT id over the
// document and the total is the lines'.
func TestPricesIncludingVAT(t *testing.T) {
	c := newCompany(t, sim.Options{})
	c.sim.SetPricesIncludeVAT(true)
	n := c.create("/v1/salesorder", jsonOf(t, obj{"orderType": w("SO"), "customer": w("10001"), "lines": []any{
		obj{"operation": "Insert", "inventoryNumber": w("KOF-1000"), "quantity": w(2), "unitPrice": w(19.95)},
		obj{"operation": "Insert", "inventoryNumber": w(sim.DemoShippingItem), "quantity": w(1), "unitPrice": w(4.95)},
	}}))
	o, _ := c.sim.SalesOrder("SO", n)
	assert.Equal(t, int64(4485), o.OrderTotal(), "39.90 + 4.95, VAT included")
	assert.Equal(t, sim.MustDec("4.15"), o.Totals.VAT, "39.90 × 9/109 = 3.29 and 4.95 × 21/121 = 0.86")
	assert.Equal(t, sim.MustDec("40.70"), o.Totals.Taxable)
	var vat struct{ CalculateOn string }
	c.do(http.MethodGet, "/v1/vat/"+sim.VatNLHigh, "").decode(t, &vat)
	assert.Equal(t, "ExtractFromItemAmount", vat.CalculateOn)
}

// A Belgian consumer's order takes Belgian VAT through the BE zone when
// its lines carry the Belgian category; a Dutch category finds no VAT
// there and is exempt.
func TestVATZones(t *testing.T) {
	c := newCompany(t, sim.Options{})
	be, err := c.sim.AddCustomer(sim.Customer{Name: "Consument België", ClassID: sim.CustomerClassBE})
	require.NoError(t, err)
	n := c.create("/v1/salesorder", jsonOf(t, obj{"orderType": w("SO"), "customer": w(be), "lines": []any{
		obj{"operation": "Insert", "inventoryNumber": w("MOK-0001"), "quantity": w(1), "unitPrice": w(10), "taxCategory": w(sim.VatCatBEHigh)},
		obj{"operation": "Insert", "inventoryNumber": w("MOK-0001"), "quantity": w(1), "unitPrice": w(10)},
	}}))
	o, _ := c.sim.SalesOrder("SO", n)
	require.Len(t, o.Taxes, 1)
	assert.Equal(t, sim.VatBEHigh, o.Taxes[0].VatID)
	assert.Equal(t, sim.MustDec("2.1"), o.Totals.VAT)
	assert.Equal(t, sim.MustDec("10"), o.Totals.Exempt)
	assert.Equal(t, int64(2210), o.OrderTotal())
}

// An order's update applies line operations; a cancelled order no longer
// books stock.
func TestSalesOrderUpdateAndCancel(t *testing.T) {
	c := newCompany(t, sim.Options{})
	n := c.create("/v1/salesorder", orderBody(t, func(_ obj, l obj) { l["quantity"] = w(5) }))
	assert.Equal(t, sim.Units(95), c.sim.Available("KOF-1000", "MAIN"))

	r := c.do(http.MethodPut, "/v1/salesorder/"+n, jsonOf(t, obj{"orderType": w("SO"), "customerRefNo": w("REF-9"), "lines": []any{
		obj{"operation": "Update", "lineNbr": w(1), "inventoryNumber": w("KOF-1000"), "quantity": w(3)},
		obj{"operation": "Insert", "inventoryNumber": w("THE-0100"), "quantity": w(1)},
	}}))
	require.Equal(t, http.StatusNoContent, r.status, string(r.body))
	o, _ := c.sim.SalesOrder("SO", n)
	require.Len(t, o.Lines, 2)
	assert.Equal(t, "REF-9", o.CustomerRefNo)
	assert.Equal(t, sim.Units(3), o.Lines[0].Quantity)
	assert.Equal(t, int64(2), o.Lines[1].LineNbr)
	assert.Equal(t, sim.Units(97), c.sim.Available("KOF-1000", "MAIN"))

	r = c.do(http.MethodPut, "/v1/salesorder/"+n, jsonOf(t, obj{"orderType": w("SO"), "lines": []any{
		obj{"operation": "Delete", "lineNbr": w(7), "inventoryNumber": w("KOF-1000")},
	}}))
	require.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.ipp(t).ExceptionMessage, "lines[0].lineNbr")

	r = c.do(http.MethodPost, "/v1/salesorder/"+n+"/action/cancelSalesOrder", `{"orderType":"SO"}`)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	o, _ = c.sim.SalesOrder("SO", n)
	assert.Equal(t, "Cancelled", o.Status)
	assert.Equal(t, sim.Units(100), c.sim.Available("KOF-1000", "MAIN"))
	r = c.do(http.MethodPut, "/v1/salesorder/"+n, jsonOf(t, obj{"orderType": w("SO"), "note": w("x")}))
	assert.Equal(t, http.StatusBadRequest, r.status, "a cancelled order is not changed")
}

func TestCustomerListFilters(t *testing.T) {
	c := newCompany(t, sim.Options{})
	var page []struct{ Number, Name string }
	c.do(http.MethodGet, "/v1/customer?name=bakkerij%20smit", "").decode(t, &page)
	require.Len(t, page, 1)
	assert.Equal(t, "10002", page[0].Number)
	c.do(http.MethodGet, "/v1/customer?vatRegistrationId=NL001234567B01&status=Active", "").decode(t, &page)
	require.Len(t, page, 1)
	c.do(http.MethodGet, "/v1/customer?email=nobody@example.nl", "").decode(t, &page)
	assert.Empty(t, page)
	r := c.bad(http.MethodGet, "/v1/customer/10001/nothing", "")
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.NotEmpty(t, r.header.Get("X-RateLimit-Limit"), "every answer reports the quota")
}
