package shopware6

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/model"
)

// orderJSON is a gross order as a 6.7 shop sends it, with the line item
// kinds the simulator does not make: a container with children, a custom
// item with a product number, a credit, a promotion spread over two rates
// and shipping taxed at two rates (the shipping method's "auto" tax).
// Parts: 2 × 10.00 (21 %) in a container, 1 × 5.45 (9 %) custom with a
// number, promotion −3.00 (−2.00 at 21 %, −1.00 at 9 %), credit −1.50 at
// 21 %, shipping 6.00 (4.00 at 21 %, 2.00 at 9 %): total 26.95.
const orderJSON = `{
  "id": "0123456789abcdef0123456789abcdef", "orderNumber": "SW-1", "orderDateTime": "2026-03-01T10:00:00.000+00:00",
  "createdAt": "2026-03-01T10:00:00.000+00:00", "taxStatus": "gross", "amountTotal": 26.95,
  "price": {"totalPrice": 26.95, "rawTotal": 26.95, "netPrice": 23.0, "positionPrice": 20.95, "taxStatus": "gross"},
  "stateMachineState": {"technicalName": "open"}, "currency": {"isoCode": "eur"},
  "shippingCosts": {"unitPrice": 6, "totalPrice": 6, "quantity": 1, "calculatedTaxes": [
    {"tax": 0.17, "taxRate": 9, "price": 2}, {"tax": 0.69, "taxRate": 21, "price": 4.0}]},
  "orderCustomer": {"email": "a@example.nl", "firstName": "A", "lastName": "B", "customerId": "fedcba9876543210fedcba9876543210"},
  "billingAddressId": "11111111111111111111111111111111",
  "addresses": [{"id": "11111111111111111111111111111111", "firstName": "A", "lastName": "B", "street": "Weg 1", "city": "Stad", "zipcode": "1234 AB",
    "country": {"iso": "nl"}}],
  "lineItems": [
    {"id": "c0", "type": "credit", "label": "Tegoed", "quantity": 1, "unitPrice": -1.5, "totalPrice": -1.5, "position": 5,
     "price": {"unitPrice": -1.5, "totalPrice": -1.5, "quantity": 1, "calculatedTaxes": {"21": {"tax": -0.26, "taxRate": 21, "price": -1.5}}}},
    {"id": "p0", "type": "promotion", "label": "Actie", "quantity": 1, "unitPrice": -3, "totalPrice": -3, "position": 4,
     "price": {"unitPrice": -3, "totalPrice": -3, "quantity": 1, "calculatedTaxes": [
       {"tax": -0.35, "taxRate": 21, "price": -2.01}, {"tax": -0.08, "taxRate": 9, "price": -1.0}]}},
    {"id": "k0", "type": "container", "label": "Pakket", "quantity": 1, "unitPrice": 20, "totalPrice": 20, "position": 1,
     "price": {"unitPrice": 20, "totalPrice": 20, "quantity": 1}},
    {"id": "k1", "parentId": "k0", "type": "product", "label": "Mok", "quantity": 2, "unitPrice": 10, "totalPrice": 20, "position": 1,
     "payload": {"productNumber": "MOK-0001"},
     "price": {"unitPrice": 10, "totalPrice": 20, "quantity": 2, "calculatedTaxes": [{"tax": 3.47, "taxRate": 21, "price": 20}]}},
    {"id": "x0", "type": "custom", "label": "Thee los", "quantity": 1, "unitPrice": 5.45, "totalPrice": 5.45, "position": 2,
     "payload": {"productNumber": "THE-0100"},
     "price": {"unitPrice": 5.45, "totalPrice": 5.45, "quantity": 1, "taxRules": [{"taxRate": 9, "percentage": 100}]}}
  ]
}`

func mapOrder(t *testing.T, raw string) (model.Order, error) {
	t.Helper()
	c, err := New(Config{BaseURL: "https://shop.example.com", AccessKeyID: "k", SecretAccessKey: "s"})
	require.NoError(t, err)
	var w wireOrder
	require.NoError(t, json.Unmarshal([]byte(raw), &w))
	o, _, err := c.toModel(w)
	return o, err
}

func TestMappingOfEveryItemKind(t *testing.T) {
	o, err := mapOrder(t, orderJSON)
	require.NoError(t, err)
	eur := func(c int64) model.Money { return model.NewMoney(c, "EUR") }
	assert.Equal(t, []model.OrderLine{
		{SKU: "MOK-0001", Name: "Mok", Quantity: model.Pieces(2), UnitPrice: eur(1000), UnitDiscount: eur(0), VAT: model.VATPercent(21)},
		{SKU: "THE-0100", Name: "Thee los", Quantity: model.Pieces(1), UnitPrice: eur(545), UnitDiscount: eur(0), VAT: model.VATPercent(9)},
	}, o.Lines, "the container's child and the custom item with a number, by position")
	assert.Equal(t, eur(400), o.ShippingCost, "the highest rate's part")
	assert.Equal(t, model.VATPercent(21), o.ShippingVAT)
	assert.Equal(t, []model.Adjustment{
		{Kind: model.AdjustmentDiscount, Description: "Actie", Amount: eur(-201), VAT: model.VATPercent(21)},
		{Kind: model.AdjustmentDiscount, Description: "Actie", Amount: eur(-99), VAT: model.VATPercent(9)},
		{Kind: model.AdjustmentDiscount, Description: "Tegoed", Amount: eur(-150), VAT: model.VATPercent(21)},
		{Kind: model.AdjustmentCost, Description: "Shipping costs (9% VAT)", Amount: eur(200), VAT: model.VATPercent(9)},
	}, o.Adjustments, "the promotion's last part takes what the rounded parts leave: −3.00 in all")
	assert.Equal(t, eur(2695), o.Total)
	assert.Equal(t, o.Total, o.ComputedTotal())
	assert.Equal(t, "EUR", o.Currency)
	assert.Equal(t, "fedcba9876543210fedcba9876543210", o.Customer.ID, "no customer association: not known as a guest")
	assert.Equal(t, "NL", o.Customer.Billing.CountryCode)
	assert.Equal(t, model.StatusPending, o.Status)
	assert.False(t, o.Paid, "no payment")
}

func TestMappingProblemsAreNamed(t *testing.T) {
	broken := strings.NewReplacer(
		`"payload": {"productNumber": "MOK-0001"},`, ``,
		`"quantity": 1, "unitPrice": 5.45, "totalPrice": 5.45,`, `"quantity": 2, "unitPrice": 5.45, "totalPrice": 10.91,`,
		`"currency": {"isoCode": "eur"},`, ``,
		`"country": {"iso": "nl"}`, `"country": {"iso": ""}`,
	).Replace(orderJSON)
	_, err := mapOrder(t, broken)
	require.Error(t, err)
	for _, want := range []string{
		"currency.isoCode: missing",
		"lineItems[3].payload.productNumber: missing",
		"lineItems[4].totalPrice: 10.91 is not quantity 2 × unitPrice 5.45",
		"billingAddress.country.iso: missing",
	} {
		assert.Contains(t, err.Error(), want)
	}
}

// A product line taxed at two rates cannot be one line of one rate.
func TestProductAtTwoRatesIsAProblem(t *testing.T) {
	two := strings.Replace(orderJSON, `"calculatedTaxes": [{"tax": 3.47, "taxRate": 21, "price": 20}]`,
		`"calculatedTaxes": [{"tax": 1.74, "taxRate": 21, "price": 10}, {"tax": 0.83, "taxRate": 9, "price": 10}]`, 1)
	_, err := mapOrder(t, two)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "lineItems[3].price.calculatedTaxes: a product line taxed at 2 rates cannot be one line")
}

// A unit price rounded to the currency's interval: the line's total is what
// was paid, and the unit price follows from it when it divides.
func TestUnitPriceFollowsTheLineTotal(t *testing.T) {
	odd := strings.Replace(orderJSON, `"quantity": 2, "unitPrice": 10, "totalPrice": 20,`, `"quantity": 2, "unitPrice": 10.01, "totalPrice": 20,`, 1)
	o, err := mapOrder(t, odd)
	require.NoError(t, err)
	assert.Equal(t, int64(1000), o.Lines[0].UnitPrice.Amount)
}

func TestStatusNamesAndDerivation(t *testing.T) {
	names := StatusNames()
	assert.Equal(t, model.StatusPending, names["open"])
	assert.Equal(t, model.StatusShipped, names["shipped"])
	assert.Equal(t, model.StatusRefunded, names["chargeback"])
	for name, st := range names {
		assert.Contains(t, model.OrderStatuses, st, name)
	}
	tests := []struct {
		s    states
		want model.OrderStatus
	}{
		{states{order: "open"}, model.StatusPending},
		{states{order: "open", delivery: "shipped"}, model.StatusShipped},
		{states{order: "in_progress", delivery: "returned"}, model.StatusShipped},
		{states{order: "completed", delivery: "open"}, model.StatusCompleted},
		{states{order: "completed", payment: "chargeback"}, model.StatusRefunded},
		{states{order: "cancelled", payment: "refunded"}, model.StatusCancelled},
		{states{order: "on_hold"}, model.StatusProcessing},
		{states{order: "on_hold", delivery: "shipped"}, model.StatusShipped},
	}
	extra := map[string]model.OrderStatus{"on_hold": model.StatusProcessing}
	for _, tt := range tests {
		got, err := tt.s.status(extra)
		require.NoError(t, err, "%+v", tt.s)
		assert.Equal(t, tt.want, got, "%+v", tt.s)
	}
	_, err := states{order: "on_hold"}.status(nil)
	assert.ErrorContains(t, err, `"on_hold" is not an order state this connector knows (cancelled, completed, in_progress, open)`)
}
