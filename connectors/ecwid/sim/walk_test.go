package sim_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/ecwid/sim"
)

// A realistic walk through the API as a connector uses it: the profile,
// a category, a product with an EAN and a combination, absolute stock and
// an inventory delta that goes negative, an order created, found, paged
// and paid, and a customer created and found by its exact e-mail.
func TestWalk(t *testing.T) {
	st := newStore(t, sim.Options{})

	// The profile: currency and gross prices.
	var profile struct {
		GeneralInfo     struct{ StoreID int64 }
		FormatsAndUnits struct {
			Currency          string
			CurrencyPrecision int
		}
		TaxSettings struct {
			PricesIncludeTax bool
			Taxes            []struct {
				ID         int64
				DefaultTax json.Number
			}
		}
	}
	st.ok(http.MethodGet, "/profile", nil, &profile)
	assert.EqualValues(t, 1003, profile.GeneralInfo.StoreID)
	assert.Equal(t, "EUR", profile.FormatsAndUnits.Currency)
	assert.Equal(t, 2, profile.FormatsAndUnits.CurrencyPrecision)
	assert.True(t, profile.TaxSettings.PricesIncludeTax)
	require.Len(t, profile.TaxSettings.Taxes, 2)

	// A category and a product in it, with its EAN as a UPC attribute.
	cat := st.create("/categories", obj{"name": "Koffie", "enabled": true})
	st.advance(time.Minute)
	pid := st.create("/products", obj{"sku": "KOF-1", "name": "Bonen 1 kg", "price": 19.95, "quantity": 10,
		"unlimited": false, "categoryIds": []int64{cat}, "tax": obj{"taxable": true, "enabledManualTaxes": []int64{sim.TaxLow}},
		"attributes": []obj{{"name": "EAN", "type": "UPC", "value": "8712345000017"}}})
	var p wireProduct
	st.ok(http.MethodGet, fmt.Sprintf("/products/%d", pid), nil, &p)
	assert.Equal(t, "KOF-1", p.SKU)
	assert.Equal(t, json.Number("19.95"), p.Price)
	require.NotNil(t, p.Quantity)
	assert.EqualValues(t, 10, *p.Quantity)
	assert.True(t, p.InStock)
	assert.Equal(t, []int64{cat}, p.CategoryIDs)
	require.Len(t, p.Attributes, 1)
	assert.Equal(t, "UPC", p.Attributes[0].Type)
	assert.Equal(t, "8712345000017", p.Attributes[0].Value)

	// A combination: its option is added to the product.
	comb := st.create(fmt.Sprintf("/products/%d/combinations", pid), obj{"sku": "KOF-1-GEM",
		"options": []obj{{"name": "Maling", "value": "Gemalen"}}, "quantity": 4, "unlimited": false})
	st.ok(http.MethodGet, fmt.Sprintf("/products/%d", pid), nil, &p)
	require.Len(t, p.Combinations, 1)
	assert.Equal(t, comb, p.Combinations[0].ID)
	assert.Equal(t, json.Number("19.95"), p.Combinations[0].Price, "a combination without a price has the product's")
	require.Len(t, p.Options, 1)
	assert.Equal(t, "Maling", p.Options[0].Name)
	assert.Equal(t, "SELECT", p.Options[0].Type)

	// Absolute stock, then a delta below zero with a warning.
	st.advance(time.Minute)
	var upd struct {
		UpdateCount int
		Warning     string
	}
	st.ok(http.MethodPut, fmt.Sprintf("/products/%d", pid), obj{"quantity": 3}, &upd)
	assert.Equal(t, 1, upd.UpdateCount)
	qty, unlimited, ok := st.sim.Stock("KOF-1")
	require.True(t, ok)
	assert.False(t, unlimited)
	assert.EqualValues(t, 3, qty)
	st.ok(http.MethodPut, fmt.Sprintf("/products/%d/inventory", pid), obj{"quantityDelta": -5}, &upd)
	assert.Equal(t, 1, upd.UpdateCount)
	assert.NotEmpty(t, upd.Warning, "stock below zero warns")
	qty, _, _ = st.sim.Stock("KOF-1")
	assert.EqualValues(t, -2, qty)
	upd.Warning = ""
	st.ok(http.MethodPut, fmt.Sprintf("/products/%d/combinations/%d/inventory", pid, comb), obj{"quantityDelta": -1}, &upd)
	assert.Empty(t, upd.Warning)
	qty, _, _ = st.sim.Stock("KOF-1-GEM")
	assert.EqualValues(t, 3, qty)
	st.ok(http.MethodPut, fmt.Sprintf("/products/%d/combinations/%d", pid, comb), obj{"quantity": 7}, &upd)
	qty, _, _ = st.sim.Stock("KOF-1-GEM")
	assert.EqualValues(t, 7, qty, "a combination's quantity is absolute")

	// An order: 2 × 19.95 at 9 % incl., shipping 4.95.
	st.advance(time.Minute)
	var created struct {
		ID      int64
		OrderID string `json:"orderid"`
	}
	st.ok(http.MethodPost, "/orders", obj{"email": "klant@example.nl", "paymentStatus": "AWAITING_PAYMENT",
		"fulfillmentStatus": "AWAITING_PROCESSING", "subtotal": 39.9, "total": 44.85, "tax": 4.15, "pricesIncludeTax": true,
		"externalOrderId": "POS-77", "externalFulfillment": true, "privateAdminNotes": "koppel:POS-77",
		"items": []obj{{"productId": pid, "sku": "KOF-1", "name": "Bonen 1 kg", "price": 19.95, "quantity": 2, "tax": 3.29,
			"taxes": []obj{{"name": "BTW 9%", "value": 9, "total": 3.29}}}},
		"billingPerson":  obj{"name": "Piet Klant", "street": "Dorpsstraat 1\nAchterhuis", "city": "Ergens", "postalCode": "1234 AB", "countryCode": "NL"},
		"shippingOption": obj{"shippingMethodName": "PostNL", "shippingRate": 4.95}}, &created)
	require.NotEmpty(t, created.OrderID)
	assert.NotZero(t, created.ID)
	var o wireOrder
	st.ok(http.MethodGet, "/orders/"+created.OrderID, nil, &o)
	assert.Equal(t, created.OrderID, o.ID)
	assert.Equal(t, json.Number("44.85"), o.Total)
	assert.Equal(t, json.Number("39.9"), o.Subtotal)
	assert.Equal(t, "Dorpsstraat 1\nAchterhuis", o.BillingPerson.Street)
	assert.Equal(t, "POS-77", o.ExternalOrderID)
	require.Len(t, o.Items, 1)
	assert.Equal(t, json.Number("3.29"), o.Items[0].Tax)
	assert.Equal(t, json.Number("18.3"), o.Items[0].PriceWithoutTax, "19.95 less half of 3.29, derived")
	stored, found := st.sim.Order(created.OrderID)
	require.True(t, found)
	assert.Equal(t, sim.Money(4485), stored.Total, "kept in cents")
	st.ok(http.MethodGet, "/orders/"+strconv.FormatInt(created.ID, 10), nil, &o)
	assert.Equal(t, created.OrderID, o.ID, "the internal id finds the order too")
	qty, _, _ = st.sim.Stock("KOF-1")
	assert.EqualValues(t, -2, qty, "an API order does not move stock")

	// Found by its note, then paid.
	var pg searchPage
	st.ok(http.MethodGet, "/orders?keywords=koppel:POS-77", nil, &pg)
	assert.Equal(t, 1, pg.Total)
	st.advance(time.Minute)
	st.ok(http.MethodPut, "/orders/"+created.OrderID, obj{"paymentStatus": "PAID"}, &upd)
	assert.Equal(t, 1, upd.UpdateCount)
	st.ok(http.MethodGet, "/orders/"+created.OrderID, nil, &o)
	assert.Equal(t, "PAID", o.PaymentStatus)
	assert.Equal(t, json.Number("44.85"), o.Total, "an update recomputes nothing")
	assert.Greater(t, o.UpdateTimestamp, o.CreateTimestamp)

	// More orders, paged newest first.
	for i := range 4 {
		st.advance(time.Second)
		st.ok(http.MethodPost, "/orders", obj{"email": fmt.Sprintf("k%d@example.nl", i), "paymentStatus": "PAID",
			"fulfillmentStatus": "AWAITING_PROCESSING", "subtotal": 1, "total": 1, "items": []obj{{"sku": "X", "price": 1, "quantity": 1}}}, nil)
	}
	var seen []string
	for offset := 0; ; {
		st.ok(http.MethodGet, fmt.Sprintf("/orders?limit=2&offset=%d", offset), nil, &pg)
		assert.Equal(t, 5, pg.Total)
		assert.Equal(t, 2, pg.Limit)
		for _, raw := range pg.Items {
			var x wireOrder
			require.NoError(t, json.Unmarshal(raw, &x))
			seen = append(seen, x.Email)
		}
		offset += pg.Count
		if pg.Count == 0 || offset >= pg.Total {
			break
		}
	}
	assert.Equal(t, []string{"k3@example.nl", "k2@example.nl", "k1@example.nl", "k0@example.nl", "klant@example.nl"}, seen)

	// A customer, found by its exact e-mail only.
	cust := st.create("/customers", obj{"email": "Piet@Example.nl", "billingPerson": obj{"name": "Piet Klant", "companyName": "Klant B.V."},
		"b2b_b2c": "b2b", "taxId": "NL001234567B01"})
	st.create("/customers", obj{"email": "piet@example.nl.invalid"})
	st.ok(http.MethodGet, "/customers?email=piet@example.nl&useExactEmailMatch=true", nil, &pg)
	require.Equal(t, 1, pg.Total)
	var c struct {
		ID            int64
		Email, Name   string
		B2BB2C        string `json:"b2b_b2c"`
		TaxID         string
		BillingPerson struct{ FirstName, LastName, CompanyName string }
	}
	require.NoError(t, json.Unmarshal(pg.Items[0], &c))
	assert.Equal(t, cust, c.ID)
	assert.Equal(t, "Piet Klant", c.Name)
	assert.Equal(t, "Klant", c.BillingPerson.LastName)
	assert.Equal(t, "b2b", c.B2BB2C)
	st.ok(http.MethodGet, "/customers?email=piet@example.nl", nil, &pg)
	assert.Equal(t, 2, pg.Total, "without useExactEmailMatch a part of the address matches")

	// Calls were counted under the ops.
	assert.Equal(t, 5, st.sim.Calls().Count(sim.OpCreateOrder))
	assert.Equal(t, 1, st.sim.Calls().Count(sim.OpAdjustProductInventory))
}

// Money is exact: cents in, cents out, numbers without trailing zeros,
// and more decimals than the currency has are refused.
func TestMoneyIsExact(t *testing.T) {
	st := newStore(t, sim.Options{})
	base := obj{"email": "a@example.nl", "paymentStatus": "PAID", "fulfillmentStatus": "AWAITING_PROCESSING",
		"subtotal": 0.3, "total": 20, "items": []obj{{"sku": "A", "price": 0.1, "quantity": 3}}}
	var created struct {
		OrderID string `json:"orderid"`
	}
	st.ok(http.MethodPost, "/orders", base, &created)
	r := st.ok(http.MethodGet, "/orders/"+created.OrderID, nil, nil)
	m := r.fields(t)
	assert.Equal(t, json.Number("20"), m["total"])
	assert.Equal(t, json.Number("0.3"), m["subtotal"])
	o, _ := st.sim.Order(created.OrderID)
	assert.Equal(t, sim.Money(30), o.Subtotal)

	base["total"] = json.Number("0.30000000000000004")
	e := st.do(http.MethodPost, "/orders", base).apiError(t, http.StatusBadRequest)
	assert.Equal(t, sim.CodeWrongParameter, e.ErrorCode)
	assert.Contains(t, e.ErrorMessage, "'total'")
}
