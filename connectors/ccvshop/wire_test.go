package ccvshop

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/httpkit"
	"github.com/koppel/koppel/model"
)

// An order as a real shop may send it, with the shapes the simulator does
// not produce: an ex-VAT order whose shipping includes VAT, a variant row,
// free address lines, a house number with letters, a zone offset, a guest.
const wireExVAT = `{
  "id": 12, "ordernumber_prefix": null, "ordernumber": null, "ordernumber_full": null,
  "create_date": "2026-01-02T03:04:05+01:00", "status": null, "paid": false, "currency": "eur",
  "order_row_taxes_included": false, "shipping_taxes_included": true, "shipping_tax_percentage": 21,
  "total_shipping": 6.95, "total_price": 100.005, "paymethod": "", "paymethod_label": "Bank transfer",
  "deliver_method": "pickup", "user": {"id": null, "href": null},
  "customer": {
    "email": " els@example.be ", "btw": "", "kvk": "",
    "billingaddress": {"first_name": "Els", "last_name": "Peeters", "full_name": "", "company": "",
      "address_line_1": "Grote Markt 1 bus 2", "address_line_2": "2e verdieping", "street": "", "housenumber": null,
      "zipcode": "1000", "city": "Brussel", "country": "België", "country_code": "be", "telephone": "02-1234567", "mobile": ""},
    "deliveryaddress": {"full_name": "Els Peeters", "street": "Kade", "housenumber": "12b", "housenumber_suffix": "",
      "zipcode": "2000", "city": "Antwerpen", "country_code": "BE", "mobile": "0470-123456"}
  }
}`

const wireRows = `[
  {"id": 1, "product_number": "SHIRT", "sub_sku_number": "SHIRT-M-RED", "sub_ean_number": "5412345678908",
   "product_name": "Shirt", "count": 2.5, "price": 16.5207, "discount": 0.4999, "tax": 21},
  {"id": 2, "product_number": "STATIEGELD", "product_name": "Deposit", "product_type": "deposit", "count": 1, "price": 0.10, "discount": 0, "tax": 0}
]`

func TestToModelFromWire(t *testing.T) {
	var o wireOrder
	require.NoError(t, json.Unmarshal([]byte(wireExVAT), &o))
	var rows []wireOrderRow
	require.NoError(t, json.Unmarshal([]byte(wireRows), &rows))
	got, err := toModel(o, rows)
	require.NoError(t, err)

	assert.Equal(t, "12", got.ID)
	assert.Equal(t, "12", got.Number, "no order number yet: the id")
	assert.Equal(t, time.Date(2026, 1, 2, 2, 4, 5, 0, time.UTC), got.CreatedAt)
	assert.Equal(t, model.StatusPending, got.Status, "a null status: not handled yet")
	assert.Equal(t, "EUR", got.Currency)
	assert.False(t, got.PricesIncludeVAT)
	assert.Equal(t, model.NewMoney(574, "EUR"), got.ShippingCost, "6.95 incl. 21 % is 5.74 ex VAT, like the rows")
	assert.Equal(t, model.VATPercent(21), got.ShippingVAT)
	assert.Equal(t, model.NewMoney(10001, "EUR"), got.Total, "more decimals round half away from zero")
	assert.Equal(t, "Bank transfer", got.PaymentMethod)
	assert.Equal(t, "pickup", got.ShippingMethod)

	c := got.Customer
	assert.Equal(t, "", c.ID, "a guest")
	assert.Equal(t, model.CustomerPerson, c.Kind)
	assert.Equal(t, "els@example.be", c.Email)
	assert.Equal(t, "0470-123456", c.Mobile)
	assert.Equal(t, model.Address{Name: "Els Peeters", Street: "Grote Markt 1 bus 2", Line2: "2e verdieping", PostalCode: "1000",
		City: "Brussel", CountryCode: "BE", Phone: "02-1234567"}, c.Billing)
	assert.Equal(t, model.Address{Name: "Els Peeters", Street: "Kade", HouseNumber: "12b", PostalCode: "2000", City: "Antwerpen", CountryCode: "BE"}, c.Shipping)

	require.Len(t, got.Lines, 2)
	assert.Equal(t, model.OrderLine{SKU: "SHIRT-M-RED", Name: "Shirt", Quantity: model.Quantity(2500), UnitPrice: model.NewMoney(1652, "EUR"),
		UnitDiscount: model.NewMoney(50, "EUR"), VAT: model.VATPercent(21), EAN: "5412345678908"}, got.Lines[0], "a variant sells under its own SKU")
	assert.Equal(t, "STATIEGELD", got.Lines[1].SKU)
	assert.Equal(t, model.VATRate(0), got.Lines[1].VAT)
}

func TestToModelNamesEveryProblem(t *testing.T) {
	o := wireOrder{ID: 5, CreateDate: "yesterday", Status: new(int)}
	_, err := toModel(o, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `create_date: "yesterday"`)

	*o.Status = 15
	o.CreateDate = "2026-01-02 03:04:05"
	_, err = summary(o)
	assert.ErrorContains(t, err, "status: 15 is not a CCV Shop order status (1-14)")
	for n, want := range map[int]model.OrderStatus{1: model.StatusPending, 5: model.StatusShipped, 8: model.StatusCancelled, 2: model.StatusProcessing, 6: model.StatusCompleted, 11: model.StatusShipped, 14: model.StatusProcessing} {
		*o.Status = n
		s, err := summary(o)
		require.NoError(t, err)
		assert.Equal(t, want, s.Status)
	}
}

func TestConvertVAT(t *testing.T) {
	tests := []struct {
		amount int64
		rate   model.VATRate
		toIncl bool
		want   int64
	}{
		{574, model.VATPercent(21), true, 695},
		{695, model.VATPercent(21), false, 574},
		{1000, model.VATPercent(9), true, 1090},
		{1090, model.VATPercent(9), false, 1000},
		{-695, model.VATPercent(21), false, -574},
		{500, 0, true, 500},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, convertVAT(tt.amount, tt.rate, tt.toIncl), "%d at %s", tt.amount, tt.rate)
	}
}

func TestResource(t *testing.T) {
	for uri, want := range map[string]string{
		"/api/rest/v1/orders/?start=0&size=25":     "orders",
		"/api/rest/v1/orders/12/":                  "orders",
		"/api/rest/v1/orders/12":                   "orders",
		"/api/rest/v1/orders/12/orderrows/?size=2": "orderrows",
		"/api/rest/v1/products/123456/":            "products",
		"/api/rest/v1/":                            "",
	} {
		assert.Equal(t, want, Resource(uri), uri)
	}
}

// One pacer per key and shop, named by CCV's classes; the stricter limit
// wins (httpkit's tests cover the pacing itself).
func TestPacerSharedPerKeyAndShop(t *testing.T) {
	a := pacerFor(Config{PublicKey: "pk_share", ReadsPerMinute: -1}, "https://one.example")
	b := pacerFor(Config{PublicKey: "pk_share", ReadsPerMinute: 30, WritesPerMinute: -1}, "https://one.example")
	other := pacerFor(Config{PublicKey: "pk_share"}, "https://two.example")
	assert.Same(t, a, b)
	assert.NotSame(t, a, other)
	assert.Equal(t, httpkit.Limits{Classes: map[string]httpkit.Rate{
		classRead: httpkit.PerMinute(30), classWrite: httpkit.PerMinute(DefaultWritesPerMinute)}}, a.Limits(), "the stricter limit wins")
	assert.Equal(t, httpkit.PerMinute(DefaultReadsPerMinute), other.Limits().Classes[classRead])
	assert.Equal(t, classRead, limitClass(http.MethodGet))
	assert.Equal(t, classWrite, limitClass(http.MethodPatch))
}

// Adjustments of an ex-VAT order whose shipping (and so its costs) include
// VAT: brought to the rows' way like shipping; credit points become negative.
func TestAdjustmentsFromWire(t *testing.T) {
	var o wireOrder
	require.NoError(t, json.Unmarshal([]byte(`{"id": 1, "create_date": "2026-01-02T03:04:05Z", "currency": "EUR",
	  "order_row_taxes_included": false, "shipping_taxes_included": true, "shipping_tax_percentage": 21,
	  "extra_costs": -12.10, "extra_costs_description": " Kortingscode ", "paymethod_costs": 0.35, "credit_point_discount": 2.42, "customer": {}}`), &o))
	got, err := toModel(o, nil)
	require.NoError(t, err)
	assert.Equal(t, []model.Adjustment{
		{Kind: model.AdjustmentDiscount, Description: "Kortingscode", Amount: model.NewMoney(-1000, "EUR"), VAT: model.VATPercent(21)},
		{Kind: model.AdjustmentCost, Description: PaymentCostsDescription, Amount: model.NewMoney(29, "EUR"), VAT: model.VATPercent(21)},
		{Kind: model.AdjustmentDiscount, Description: CreditPointsDescription, Amount: model.NewMoney(-200, "EUR"), VAT: model.VATPercent(21)},
	}, got.Adjustments)

	o.ExtraCosts = "abc"
	_, err = toModel(o, nil)
	assert.ErrorContains(t, err, "extra_costs")
}

func TestPageTokenRoundTrip(t *testing.T) {
	tok := pageToken{start: 250, high: time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)}
	got, err := parsePageToken(tok.String())
	require.NoError(t, err)
	assert.Equal(t, tok, got)
	for _, bad := range []string{"start=-1", "start=x", "start=1&high=noon", "%%"} {
		_, err := parsePageToken(bad)
		assert.Error(t, err, bad)
	}
}

func TestWireRef(t *testing.T) {
	for in, want := range map[string]int64{`null`: 0, `{"id": 5, "href": "x"}`: 5, `{"id": null}`: 0, `7`: 7} {
		var r wireRef
		require.NoError(t, json.Unmarshal([]byte(in), &r), in)
		assert.Equal(t, want, r.ID, in)
	}
	var r wireRef
	assert.Error(t, json.Unmarshal([]byte(`"x"`), &r))
}

// Without vatrate the rate comes from the tariff table; an unknown tariff is named.
func TestVATOf(t *testing.T) {
	c, err := New(Config{BaseURL: "https://shop.example.nl", PublicKey: "pk", SecretKey: "sk"})
	require.NoError(t, err)
	var p wireProduct
	require.NoError(t, json.Unmarshal([]byte(`{"id": 4, "vatrate": null, "taxtariff": "Low A"}`), &p))
	rate, err := c.vatOf(p)
	require.NoError(t, err)
	assert.Equal(t, model.VATPercent(9), rate)
	p.TaxTariff = "extra low"
	_, err = c.vatOf(p)
	assert.ErrorContains(t, err, `tax tariff "extra low" has no rate in options.taxTariffs`)
	p.VATRate = "5.5"
	rate, err = c.vatOf(p)
	require.NoError(t, err)
	assert.Equal(t, model.VATRate(550), rate, "vatrate wins when the shop sends one")
}
