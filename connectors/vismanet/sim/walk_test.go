package sim_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/vismanet/sim"
)

// A realistic walk through the API, every exchange checked against the
// contract: a customer, an item, a sales order, an invoice released, a
// journal transaction released, a stock adjustment released, and the
// listings a poller reads with paging and change filters.
func TestWalkKeepsTheContract(t *testing.T) {
	c := newCompany(t, sim.Options{})
	start := c.now
	c.now = c.now.Add(time.Minute)

	// A customer, found again by e-mail, updated with its ETag.
	number := c.create("/v1/customer", jsonOf(t, obj{
		"name": w("Testbedrijf B.V."), "customerClassId": w(sim.CustomerClassNL), "creditTermsId": w(sim.Terms14),
		"currencyId": w("EUR"), "vatRegistrationId": w("NL000099998B57"), "overrideWithClassValues": true,
		"mainAddress":    w(obj{"addressLine1": w("Straat 1"), "postalCode": w("1234 AB"), "city": w("Utrecht"), "countryId": w("NL")}),
		"mainContact":    w(obj{"name": w("Piet Klant"), "email": w("piet@example.nl"), "phone1": w("030-1234567")}),
		"attributeLines": []any{},
	}))
	assert.Equal(t, "10003", number, "the number series goes on after the two demo customers, 10001 and 10002")
	got := c.do(http.MethodGet, "/v1/customer/"+number, "")
	require.Equal(t, http.StatusOK, got.status, string(got.body))
	etag := got.header.Get("ETag")
	require.NotEmpty(t, etag)
	var cust struct {
		Number, Name string
		MainContact  struct{ Email string }
		VatZone      *struct{ ID string }
	}
	got.decode(t, &cust)
	assert.Equal(t, "Testbedrijf B.V.", cust.Name)
	assert.Equal(t, "piet@example.nl", cust.MainContact.Email)
	var found []struct {
		Number   string
		Metadata struct{ TotalCount, MaxPageSize int }
	}
	c.do(http.MethodGet, "/v1/customer?email=PIET@example.nl", "").decode(t, &found)
	require.Len(t, found, 1)
	assert.Equal(t, number, found[0].Number)
	assert.Equal(t, 1, found[0].Metadata.TotalCount)
	assert.Equal(t, sim.MaxPageSize, found[0].Metadata.MaxPageSize)
	upd := c.do(http.MethodPut, "/v1/customer/"+number, jsonOf(t, obj{"name": w("Testbedrijf Utrecht B.V.")}), "If-Match", etag)
	require.Equal(t, http.StatusNoContent, upd.status, string(upd.body))
	stored, _ := c.sim.Customer(number)
	assert.Equal(t, "Testbedrijf Utrecht B.V.", stored.Name)

	// An item with an attribute.
	c.now = c.now.Add(time.Minute)
	item := c.create("/v1/inventory", jsonOf(t, obj{
		"inventoryNumber": w("TST-0001"), "description": w("Testartikel"), "itemClass": w(sim.ItemClassStock),
		"vatCode": w(sim.VatCatHigh), "defaultPrice": w(12.5), "salesAccount": w(sim.AccountRevenueNL),
		"attributeLines": []any{obj{"attributeId": w(sim.AttributeColour), "attributeValue": w("RED")}},
	}))
	assert.Equal(t, "TST-0001", item)
	var inv struct {
		InventoryNumber string
		StockItem       bool
		DefaultPrice    float64
		Attributes      []struct{ ID, Value string }
	}
	c.do(http.MethodGet, "/v1/inventory/TST-0001", "").decode(t, &inv)
	assert.True(t, inv.StockItem)
	assert.Equal(t, []struct{ ID, Value string }{{sim.AttributeColour, "RED"}}, inv.Attributes)

	// A sales order: 2 × 18.30 at 9 % and shipping 4.95 at 21 %.
	c.now = c.now.Add(time.Minute)
	order := c.create("/v1/salesorder", jsonOf(t, obj{
		"orderType": w("SO"), "customer": w(number), "date": w("2026-03-02T00:00:00Z"), "customerOrder": w("WEB-1001"),
		"currency": w("EUR"), "paymentMethod": w(sim.PaymentIDEAL), "shipVia": w("POSTNL"),
		"soShippingAddress": w(obj{"overrideAddress": w(true), "addressLine1": w("Ander adres 2"), "city": w("Zeist"), "countryId": w("NL")}),
		"lines": []any{
			obj{"operation": "Insert", "inventoryNumber": w("KOF-1000"), "quantity": w(2), "unitPrice": w(18.30), "warehouse": w("MAIN")},
			obj{"operation": "Insert", "inventoryNumber": w(sim.DemoShippingItem), "quantity": w(1), "unitPrice": w(4.95)},
		},
	}))
	assert.Equal(t, "000001", order)
	so, ok := c.sim.SalesOrder("SO", order)
	require.True(t, ok)
	assert.Equal(t, int64(4588), so.OrderTotal(), "36.60 + 4.95 + VAT 3.29 + 1.04")
	assert.Equal(t, "Open", so.Status)
	var soDto struct {
		OrderNo, Status, CustomerOrder string
		OrderTotal                     float64
		Customer                       struct{ Number string }
		Lines                          []struct{ LineNbr int }
	}
	c.do(http.MethodGet, "/v1/salesorder/SO/"+order, "").decode(t, &soDto)
	assert.Equal(t, "WEB-1001", soDto.CustomerOrder)
	assert.Equal(t, number, soDto.Customer.Number)
	assert.Len(t, soDto.Lines, 2)
	assert.InDelta(t, 45.88, soDto.OrderTotal, 0.001)
	c.do(http.MethodGet, "/v2/salesorder/"+order, "").decode(t, &soDto)
	assert.Equal(t, order, soDto.OrderNo)
	var summary []struct {
		OnHand, Available, SoBooked float64
		Warehouse                   struct{ ID string }
	}
	c.do(http.MethodGet, "/v1/inventorysummary/KOF-1000", "").decode(t, &summary)
	require.Len(t, summary, 1)
	assert.Equal(t, "MAIN", summary[0].Warehouse.ID)
	assert.InDelta(t, 100, summary[0].OnHand, 0)
	assert.InDelta(t, 98, summary[0].Available, 0, "the open order books 2")

	// An invoice through v2, released.
	c.now = c.now.Add(time.Minute)
	invoice := c.create("/v2/customerinvoice", jsonOf(t, obj{
		"customerNumber": w(number), "documentDate": w("2026-03-02T00:00:00Z"), "customerRefNumber": w("WEB-1002"),
		"hold": w(false), "invoiceLines": []any{
			obj{"operation": "Insert", "inventoryNumber": w("KOF-1000"), "quantity": w(1), "unitPriceInCurrency": w(10),
				"vatCodeId": w(sim.VatCatLow), "accountNumber": w(sim.AccountRevenueNL)},
			obj{"operation": "Insert", "description": w("Verzendkosten"), "quantity": w(1), "unitPriceInCurrency": w(5),
				"vatCodeId": w(sim.VatCatHigh), "accountNumber": w(sim.AccountShipping)},
		},
	}))
	stInv, _ := c.sim.Invoice(invoice)
	assert.Equal(t, "Balanced", stInv.Status)
	assert.Equal(t, int64(1695), stInv.Total(), "15.00 + VAT 0.90 + 1.05")
	rel := c.do(http.MethodPost, "/v1/customerinvoice/"+invoice+"/action/release", "")
	require.Equal(t, http.StatusOK, rel.status, string(rel.body))
	var invDto struct {
		Status          string
		Amount, Balance float64
		TaxDetails      []struct{ TaxID string }
	}
	c.do(http.MethodGet, "/v1/customerinvoice/"+invoice, "").decode(t, &invDto)
	assert.Equal(t, "Open", invDto.Status)
	assert.InDelta(t, 16.95, invDto.Balance, 0.001)
	assert.Len(t, invDto.TaxDetails, 2)

	// A journal transaction, released.
	c.now = c.now.Add(time.Minute)
	batch := c.create("/v2/journaltransaction", jsonOf(t, obj{
		"transactionDate": w("2026-03-02T00:00:00Z"), "description": w("Webshop 2026-03-02"),
		"journalTransactionLines": []any{
			obj{"operation": "Insert", "accountNumber": w(sim.AccountReceivable), "debitAmountInCurrency": w(121)},
			obj{"operation": "Insert", "accountNumber": w(sim.AccountRevenueNL), "creditAmountInCurrency": w(100),
				"vatCodeId": w(sim.VatCatHigh), "vatId": w(sim.VatNLHigh)},
			obj{"operation": "Insert", "accountNumber": w(sim.AccountVATHigh), "creditAmountInCurrency": w(21)},
		},
	}))
	require.Equal(t, http.StatusOK, c.do(http.MethodPost, "/v2/journaltransaction/"+batch+"/action/release", "").status)
	j, _ := c.sim.JournalTransaction(batch)
	assert.Equal(t, "Posted", j.Status)
	assert.Equal(t, int64(12100), j.DebitCents())
	assert.Len(t, j.Lines, 3)

	// A stock adjustment, released: on hand moves by its quantity.
	c.now = c.now.Add(time.Minute)
	adj := c.create("/v1/inventoryadjustment", jsonOf(t, obj{
		"description": w("Ontvangst"), "hold": w(false),
		"adjustmentLines": []any{obj{"operation": "Insert", "inventoryNumber": w("KOF-0250"), "warehouseId": w("MAIN"), "quantity": w(5)}},
	}))
	rel = c.do(http.MethodPost, "/v1/inventoryadjustment/"+adj+"/action/release", "")
	require.Equal(t, http.StatusOK, rel.status, string(rel.body))
	assert.Equal(t, sim.Units(105), c.sim.OnHand("KOF-0250", "MAIN"))
	var adjDto struct {
		Status         string
		AdjusmentLines []struct{ Quantity float64 }
	}
	c.do(http.MethodGet, "/v1/inventoryadjustment/"+adj, "").decode(t, &adjDto)
	assert.Equal(t, "Released", adjDto.Status)
	require.Len(t, adjDto.AdjusmentLines, 1)

	// Listings: pages, and what changed since the start.
	var page []struct {
		InventoryNumber string
		Metadata        struct{ TotalCount, MaxPageSize int }
	}
	c.do(http.MethodGet, "/v1/inventory?pageNumber=1&pageSize=4", "").decode(t, &page)
	require.Len(t, page, 4)
	assert.Equal(t, 10, page[0].Metadata.TotalCount, "6 demo products, shipping, costs, discount and the new item")
	assert.Equal(t, sim.MaxPageSizeInventory, page[0].Metadata.MaxPageSize)
	c.do(http.MethodGet, "/v1/inventory?pageNumber=3&pageSize=4", "").decode(t, &page)
	require.Len(t, page, 2)
	c.do(http.MethodGet, "/v1/inventory?pageNumber=4&pageSize=4", "").decode(t, &page)
	assert.Empty(t, page)
	since := start.Add(30 * time.Second).Format("2006-01-02T15:04:05")
	c.do(http.MethodGet, "/v1/inventory?lastModifiedDateTime="+since+"&lastModifiedDateTimeCondition=%3E", "").decode(t, &page)
	require.Len(t, page, 1)
	assert.Equal(t, "TST-0001", page[0].InventoryNumber)
	c.do(http.MethodGet, "/v1/inventory?availabilityLastModifiedDateTime="+since+"&availabilityLastModifiedDateTimeCondition=%3E&expandWarehouseDetail=true", "").
		decode(t, &page)
	var changed []string
	for _, p := range page {
		changed = append(changed, p.InventoryNumber)
	}
	assert.ElementsMatch(t, []string{"TST-0001", "KOF-1000", "KOF-0250"}, changed, "new, booked by the order, adjusted")
	var orders []struct{ OrderNo string }
	c.do(http.MethodGet, "/v1/salesorder?orderType=SO&lastModifiedDateTime="+since+"&lastModifiedDateTimeCondition=%3E%3D", "").decode(t, &orders)
	assert.Len(t, orders, 1)
	var invoices []struct{ ReferenceNumber string }
	c.do(http.MethodGet, "/v1/customerinvoice?released=1", "").decode(t, &invoices)
	assert.Len(t, invoices, 1)
	var journals []struct{ BatchNumber string }
	c.do(http.MethodGet, "/v2/journaltransaction?periodId=202603", "").decode(t, &journals)
	assert.Len(t, journals, 1)
	var adjustments []struct{ ReferenceNumber string }
	c.do(http.MethodGet, "/v1/inventoryadjustment?status=Released", "").decode(t, &adjustments)
	assert.Len(t, adjustments, 1)

	// Reference data a client checks its settings against.
	for _, path := range []string{"/v1/branch", "/v1/creditTerm", "/v1/vat", "/v1/vatCategory", "/v1/vatZone", "/v1/paymentmethod",
		"/v1/warehouse", "/v1/currency", "/v1/country", "/v1/salesordertype", "/v1/customer/customerClass", "/v1/inventory/itemClass",
		"/v1/attribute", "/v1/attribute/COLOUR", "/v1/account", "/v1/carrier", "/v1/vat/NLH21", "/v1/inventory/itemclass/STOCK"} {
		r := c.do(http.MethodGet, path, "")
		assert.Equal(t, http.StatusOK, r.status, "%s: %s", path, r.body)
	}
}
