package ecwid

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

func eur(c int64) model.Money { return model.NewMoney(c, "EUR") }

// seedCatalogue adds a simple product and one with a variation.
func seedCatalogue(f *fake) {
	f.addProduct(`{"id": 11, "sku": "KOF-1000", "name": "Koffiebonen", "price": 19.95, "quantity": 4, "unlimited": false, "enabled": true, "updateTimestamp": 1714541000}`)
	f.addProduct(`{"id": 12, "sku": "TS", "name": "T-shirt", "price": 25, "unlimited": true, "enabled": true, "updateTimestamp": 1714541000,
	  "options": [{"type": "SELECT", "name": "Maat", "choices": [{"text": "M"}, {"text": "L"}]}],
	  "combinations": [{"id": 121, "sku": "TS-M", "options": [{"name": "Maat", "value": "M"}], "quantity": 3, "unlimited": false},
	                   {"id": 122, "sku": "TS-L", "options": [{"name": "Maat", "value": "L"}], "unlimited": true}]}`)
}

// draft is a paid, completed gross order of a company: a product with a
// unit discount, a variation, a line the store does not hold, shipping, an
// order discount and payment costs; 69.03 in all.
func draft() connectors.OrderDraft {
	addr := model.Address{Street: "Dorpsstraat", HouseNumber: "12", HouseNumberSuffix: "a", Line2: "2e verdieping",
		PostalCode: "1234 AB", City: "Utrecht", CountryCode: "NL"}
	o := model.Order{
		ID: "777", Number: "POS-777", CreatedAt: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC),
		Status: model.StatusCompleted, Paid: true, Currency: "EUR", PricesIncludeVAT: true,
		Customer: model.Customer{Kind: model.CustomerCompany, Email: "JAN@Example.nl", CompanyName: "Bakkerij Smit",
			Person: model.Person{FirstName: "Jan", LastName: "Smit"}, VATNumber: "NL001234567B01", Phone: "030-1234567",
			Billing: addr, Shipping: model.Address{Name: "Magazijn", Street: "Kade", HouseNumber: "1", PostalCode: "1234 AC", City: "Utrecht", CountryCode: "NL"}},
		Lines: []model.OrderLine{
			{SKU: "KOF-1000", Name: "Koffiebonen", Quantity: model.Pieces(2), UnitPrice: eur(1995), UnitDiscount: eur(100), VAT: 900},
			{SKU: "TS-M", Name: "T-shirt M", Quantity: model.Pieces(1), UnitPrice: eur(2500), VAT: 2100},
			{SKU: "CUSTOM-1", Name: "Cadeaubon", Quantity: model.Pieces(1), UnitPrice: eur(333), VAT: 2100},
		},
		ShippingCost: eur(495), ShippingVAT: 2100, ShippingMethod: "PostNL", PaymentMethod: "PIN",
		Adjustments: []model.Adjustment{
			{Kind: model.AdjustmentDiscount, Description: "Coupon", Amount: eur(-250), VAT: 2100},
			{Kind: model.AdjustmentCost, Description: "Payment costs", Amount: eur(35), VAT: 2100},
		},
		Note: "Afhalen",
	}
	o.Total = o.ComputedTotal()
	return connectors.OrderDraft{Order: o, ExternalID: "pos-777", Kind: connectors.KindOrder, CustomerID: "42",
		Extra: map[string]string{"kassa": "2"}}
}

func TestCreateOrderWritesTheWholeOrder(t *testing.T) {
	f := newFake(t)
	seedCatalogue(f)
	c := f.client()
	d := draft()
	require.Equal(t, int64(6903), d.Order.Total.Amount)
	booked, err := c.BookedTotal(context.Background(), d)
	require.NoError(t, err)
	assert.Equal(t, d.Order.Total, booked)

	ref, err := c.CreateOrder(context.Background(), d)
	require.NoError(t, err)
	creates := f.callsOf(OpCreateOrder)
	require.Len(t, creates, 1)
	assert.Equal(t, ref.ID, fmt.Sprint(f.orders[0]["id"]))
	var got NewOrder
	b, _ := json.Marshal(creates[0].Body)
	require.NoError(t, json.Unmarshal(b, &got))

	// totals: 37.90 + 25.00 + 3.33 = 66.23; + 4.95 + 0.35 − 2.50 = 69.03;
	// tax inside: 3.13 + 4.34 + 0.58 + 0.86 + 0.06 − 0.43 = 8.54
	assert.Equal(t, "66.23", got.Subtotal.String())
	assert.Equal(t, "69.03", got.Total.String())
	assert.Equal(t, "8.54", got.Tax.String())
	assert.True(t, got.PricesIncludeTax)

	require.Len(t, got.Items, 3)
	kof := got.Items[0]
	assert.Equal(t, "11", kof.ProductID.String())
	assert.Empty(t, kof.CombinationID)
	assert.Equal(t, "2", kof.Quantity.String())
	assert.Equal(t, "18.95", kof.Price.String(), "the unit price after its discount")
	assert.Equal(t, "19.95", kof.ProductPrice.String(), "the price before it")
	assert.Equal(t, "3.13", kof.Tax.String())
	require.Len(t, kof.Taxes, 1)
	assert.Equal(t, "9", kof.Taxes[0].Value.String())
	assert.Equal(t, "3.13", kof.Taxes[0].Total.String())

	ts := got.Items[1]
	assert.Equal(t, "12", ts.ProductID.String())
	assert.Equal(t, "121", ts.CombinationID.String())
	assert.Equal(t, []SelectedOption{{Name: "Maat", Type: "CHOICE", Value: "M", ValuesArray: []string{"M"}}}, ts.SelectedOptions)
	assert.Equal(t, "4.34", ts.Tax.String())

	custom := got.Items[2]
	assert.Empty(t, custom.ProductID, "a SKU the store lacks is a custom item")
	assert.Equal(t, "CUSTOM-1", custom.SKU)
	assert.Equal(t, "Cadeaubon", custom.Name)
	assert.Equal(t, "3.33", custom.Price.String())

	require.NotNil(t, got.ShippingOption)
	assert.Equal(t, "PostNL", got.ShippingOption.ShippingMethodName)
	assert.Equal(t, "4.95", got.ShippingOption.ShippingRate.String())
	assert.Equal(t, "4.09", got.ShippingOption.ShippingRateWithoutTax.String())
	require.Len(t, got.TaxesOnShipping, 1)
	assert.Equal(t, "0.86", got.TaxesOnShipping[0].Total.String())

	assert.Equal(t, "2.50", got.Discount.String())
	assert.Equal(t, []DiscountInfo{{Value: "2.50", Type: "ABS", Base: "SUBTOTAL", Description: "Coupon"}}, got.DiscountInfo)
	require.Len(t, got.CustomSurcharges, 1)
	sc := got.CustomSurcharges[0]
	assert.Equal(t, "0.35", sc.Total.String())
	assert.Equal(t, "0.29", sc.TotalWithoutTax.String())
	assert.Equal(t, "Payment costs", sc.Description)

	assert.Equal(t, &Person{Name: "Jan Smit", CompanyName: "Bakkerij Smit", Street: "Dorpsstraat 12 a\n2e verdieping",
		City: "Utrecht", CountryCode: "NL", PostalCode: "1234 AB", Phone: "030-1234567"}, got.BillingPerson)
	assert.Equal(t, "Magazijn", got.ShippingPerson.Name)
	assert.Equal(t, "Kade 1", got.ShippingPerson.Street)

	assert.Equal(t, "jan@example.nl", got.Email)
	assert.Equal(t, "42", got.CustomerID.String())
	assert.Equal(t, "NL001234567B01", got.CustomerTaxID)
	assert.Equal(t, "b2b", got.B2BB2C)
	assert.Equal(t, "PAID", got.PaymentStatus)
	assert.Equal(t, "DELIVERED", got.FulfillmentStatus)
	assert.Equal(t, "PIN", got.PaymentMethod)
	assert.Equal(t, "2024-05-01 10:00:00 +0000", got.CreateDate)
	assert.Equal(t, "Afhalen", got.OrderComments)
	assert.True(t, got.ExternalFulfillment)
	assert.Equal(t, "pos-777", got.ExternalOrderID)
	assert.Equal(t, NotesKeyPrefix+"pos-777", got.PrivateAdminNotes)
	assert.True(t, got.DisableAllCustomerNotifications)
	assert.Equal(t, []OrderExtraField{{ID: "kassa", Title: "kassa", Value: "2", OrderDetailsDisplaySection: "order_comments"}}, got.OrderExtraFields)
}

func TestANetOrderAddsTaxPerLine(t *testing.T) {
	f := newFake(t)
	c := f.client()
	d := draft()
	o := &d.Order
	o.PricesIncludeVAT = false
	o.Lines = []model.OrderLine{
		{SKU: "A", Quantity: model.Pieces(3), UnitPrice: eur(1835), VAT: 900}, // 55.05 + 4.95 (4.9545)
		{SKU: "B", Quantity: model.Pieces(1), UnitPrice: eur(703), VAT: 2100}, // 7.03 + 1.48 (1.4763)
	}
	o.ShippingCost = eur(409)                                                                          // + 0.86 (0.8589)
	o.Adjustments = []model.Adjustment{{Kind: model.AdjustmentDiscount, Amount: eur(-207), VAT: 2100}} // − 0.43 (0.4347)
	o.Total = o.ComputedTotal()
	booked, err := c.BookedTotal(context.Background(), d)
	require.NoError(t, err)
	assert.Equal(t, o.Total, booked)
	assert.Equal(t, int64(7096), booked.Amount) // 62.08 + 4.09 − 2.07 and tax 4.95 + 1.48 + 0.86 − 0.43
	_, err = c.CreateOrder(context.Background(), d)
	require.NoError(t, err)
	body := f.callsOf(OpCreateOrder)[0].Body
	assert.Equal(t, "70.96", str(body["total"]))
	assert.Equal(t, "6.86", str(body["tax"]))
	assert.Equal(t, false, body["pricesIncludeTax"])
}

func TestAnAnswerLostAfterTheWriteIsFoundAndNotWrittenTwice(t *testing.T) {
	f := newFake(t)
	seedCatalogue(f)
	c := f.client()
	d := draft()
	f.drop(OpCreateOrder)
	_, err := c.CreateOrder(context.Background(), d)
	require.Error(t, err)
	assert.True(t, connectors.IsKind(err, connectors.KindUnavailable), err.Error())

	ref, found, err := c.FindOrder(context.Background(), d.ExternalID, connectors.KindOrder)
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, fmt.Sprint(f.orders[0]["id"]), ref.ID)

	_, err = c.CreateOrder(context.Background(), d)
	assert.True(t, connectors.IsKind(err, connectors.KindConflict), "a second create: %v", err)
	assert.Len(t, f.orders, 1)
	assert.Len(t, f.callsOf(OpCreateOrder), 1, "the retry never posted")
	kw := f.callsOf(OpListOrders)[0].Query
	assert.Equal(t, "pos-777", kw.Get("keywords"))
}

func TestFindOrderScansTheWindowWhenKeywordsFindNothing(t *testing.T) {
	f := newFake(t)
	now := f.now().Unix()
	// written with the key as externalOrderId only: the keyword search does
	// not cover it, the scan of the lookup window does
	f.addOrder(fmt.Sprintf(`{"id": "W1", "externalOrderId": "pos-9", "createTimestamp": %d, "updateTimestamp": %d}`, now-3600, now-3600))
	f.addOrder(fmt.Sprintf(`{"id": "OLD", "externalOrderId": "pos-10", "createTimestamp": %d, "updateTimestamp": %d}`, now-50*3600, now-50*3600))
	f.addOrder(`{"id": "OTHER", "privateAdminNotes": "Koppel key: pos-99", "createTimestamp": 1, "updateTimestamp": 1}`)
	c := f.client()
	ref, found, err := c.FindOrder(context.Background(), "pos-9", "")
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, "W1", ref.ID)
	calls := f.callsOf(OpListOrders)
	require.Len(t, calls, 2)
	assert.Equal(t, fmt.Sprint(now-24*3600), calls[1].Query.Get("updatedFrom"))

	_, found, err = c.FindOrder(context.Background(), "pos-10", "")
	require.NoError(t, err)
	assert.False(t, found, "beyond the lookup window and not in the notes")

	_, found, err = c.FindOrder(context.Background(), "pos-9", connectors.KindInvoice)
	assert.True(t, connectors.IsKind(err, connectors.KindConfig))
	assert.False(t, found)
	// "pos-9" is a part of "pos-99": the keyword hit is checked exactly
	_, found, err = c.FindOrder(context.Background(), "pos-99", "")
	require.NoError(t, err)
	assert.True(t, found)
}

func TestCreateOrderRefusesWhatEcwidCannotKeep(t *testing.T) {
	f := newFake(t)
	c := f.client()
	d := draft()
	d.Order.Currency = "USD"
	_, err := c.CreateOrder(context.Background(), d)
	assert.True(t, connectors.IsKind(err, connectors.KindValidation))
	assert.ErrorContains(t, err, "USD")

	d = draft()
	d.Order.Lines[0].Quantity = 1500
	_, err = c.CreateOrder(context.Background(), d)
	assert.True(t, connectors.IsKind(err, connectors.KindValidation))
	assert.ErrorContains(t, err, "whole")

	d = draft()
	d.Order.Customer.Email, d.CustomerID = "", "" // no address, and no debtor to take one from
	_, err = c.CreateOrder(context.Background(), d)
	assert.ErrorContains(t, err, "options.defaultEmail")
	assert.Empty(t, f.callsOf(OpCreateOrder), "nothing was written")

	c = f.client(func(cfg *Config) {
		cfg.Options = Options{DefaultEmail: "kassa@example.nl", EcwidFulfillment: true, NotifyCustomers: true}
	})
	_, err = c.CreateOrder(context.Background(), d)
	require.NoError(t, err)
	body := f.callsOf(OpCreateOrder)[0].Body
	assert.Equal(t, "kassa@example.nl", body["email"])
	assert.Equal(t, false, body["externalFulfillment"])
	assert.Nil(t, body["externalOrderId"], "externalOrderId needs externalFulfillment")
	assert.Equal(t, NotesKeyPrefix+"pos-777", body["privateAdminNotes"])
	assert.Equal(t, false, body["disableAllCustomerNotifications"])
}

func TestStatusMapsOfWrittenOrders(t *testing.T) {
	c := newFake(t).client(func(cfg *Config) {
		cfg.Options = Options{FulfillmentStatuses: map[string]string{"completed": "SHIPPED"}, PaymentStatuses: map[string]string{"paid": "PAID", "unpaid": "AWAITING_PAYMENT", "pending": "CUSTOM_PAYMENT_STATUS_1"}}
	})
	o := model.Order{Status: model.StatusCompleted, Paid: true}
	assert.Equal(t, "PAID", c.paymentStatusFor(o))
	assert.Equal(t, "SHIPPED", c.fulfillmentStatusFor(o))
	o = model.Order{Status: model.StatusPending}
	assert.Equal(t, "CUSTOM_PAYMENT_STATUS_1", c.paymentStatusFor(o))
	assert.Equal(t, "AWAITING_PROCESSING", c.fulfillmentStatusFor(o))
	d := newFake(t).client()
	assert.Equal(t, "AWAITING_PAYMENT", d.paymentStatusFor(model.Order{Status: model.StatusProcessing}))
	assert.Equal(t, "CANCELLED", d.paymentStatusFor(model.Order{Status: model.StatusCancelled, Paid: true}))
}

func TestLookupProductsFindsProductsAndVariations(t *testing.T) {
	f := newFake(t)
	seedCatalogue(f)
	c := f.client()
	got, err := c.LookupProducts(context.Background(), []string{"KOF-1000", "TS-L", "NOPE", "KOF-1000"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"KOF-1000": "11", "TS-L": "12/122"}, got)
	n := len(f.callsOf(OpListProducts))
	_, err = c.LookupProducts(context.Background(), []string{"KOF-1000", "TS-L"})
	require.NoError(t, err)
	assert.Equal(t, n, len(f.callsOf(OpListProducts)), "resolved SKUs are cached")
	assert.Equal(t, "TS-L", f.callsOf(OpListProducts)[1].Query.Get("sku"))
}

func TestCurrencyIsTheStoresOrTheOption(t *testing.T) {
	f := newFake(t)
	assert.Equal(t, "EUR", f.client().Currency())
	assert.Equal(t, "SEK", f.client(func(c *Config) { c.Options.Currency = "sek" }).Currency())
	f.scopes = map[string]bool{}
	assert.Equal(t, "", f.client().Currency(), "a profile it cannot read checks nothing before the write")
}

// The window scan costs a call per lookup; it is there for an order the
// search index has not caught up with, which only a lost answer of our
// own can leave behind. A first attempt (the order flow says so) looks by
// keywords only; a retry also scans.
func TestTheWindowIsScannedOnRetriesOnly(t *testing.T) {
	f := newFake(t)
	now := f.now().Unix()
	f.addOrder(fmt.Sprintf(`{"id": "LAG", "externalOrderId": "pos-5", "createTimestamp": %d, "updateTimestamp": %d}`, now-5, now-5))
	c := f.client()

	first := connectors.WithWriteAttempt(context.Background(), 1)
	_, found, err := c.FindOrder(first, "pos-404", "")
	require.NoError(t, err)
	assert.False(t, found)
	assert.Len(t, f.callsOf(OpListOrders), 1, "a first attempt: the keyword search alone")

	retry := connectors.WithWriteAttempt(context.Background(), 2)
	ref, found, err := c.FindOrder(retry, "pos-5", "")
	require.NoError(t, err)
	require.True(t, found, "a retry finds what the index lags on")
	assert.Equal(t, "LAG", ref.ID)
	assert.Len(t, f.callsOf(OpListOrders), 3)

	d := draft()
	d.ExternalID = "pos-5"
	_, err = c.CreateOrder(retry, d)
	assert.True(t, connectors.IsKind(err, connectors.KindConflict), "a retried create finds the order its lost answer wrote: %v", err)
}
