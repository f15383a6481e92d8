package activities

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// bookingTarget is a fakeTarget that books in one currency and adds what it
// books its own way (leaving shipping out, as MplusKASSA without a shipping
// article does).
type bookingTarget struct {
	*fakeTarget
	currency     string
	withShipping bool
}

func (b bookingTarget) Currency() string { return b.currency }

func (b bookingTarget) BookedTotal(_ context.Context, d connectors.OrderDraft) (model.Money, error) {
	o := d.Order
	if !b.withShipping {
		o.ShippingCost = model.Money{}
	}
	return o.ComputedTotal(), nil
}

func moneyOrder(currency string) model.Order {
	return model.Order{ID: "77", Number: "2026-77", Currency: currency, PricesIncludeVAT: true, Customer: person("jan@example.nl"),
		Lines:        []model.OrderLine{{SKU: "MUG-1", Quantity: model.Pieces(2), UnitPrice: model.NewMoney(1250, currency), VAT: 2100}},
		ShippingCost: model.NewMoney(495, currency), ShippingVAT: 2100, Total: model.NewMoney(2995, currency)}
}

func enrichWith(t *testing.T, target OrderTarget, o model.Order) error {
	t.Helper()
	prefix := "shop-"
	flow := config.OrderFlow{ExternalIDPrefix: &prefix, OrderType: "order", EmployeeNumber: "999999"}
	in := config.Integration{Name: "demo", Flows: config.Flows{Orders: &flow}}
	m, err := in.OrderMapper()
	require.NoError(t, err)
	acts := actsWith(newFakeTarget(), flow)
	acts.Integrations["demo"].Target = target
	acts.Integrations["demo"].OrderMapper = m
	_, err = acts.EnrichOrder(context.Background(), EnrichOrderInput{Integration: "demo", Order: o})
	return err
}

func requireInvalidRecord(t *testing.T, err error, parts ...string) {
	t.Helper()
	var app *temporal.ApplicationError
	require.ErrorAs(t, err, &app)
	assert.Equal(t, ErrTypeInvalidRecord, app.Type())
	assert.True(t, app.NonRetryable())
	for _, p := range parts {
		assert.Contains(t, err.Error(), p)
	}
}

// Finding 8: an order in USD never reaches a EUR till as the same number of cents.
func TestOrderInAnotherCurrencyFailsNamingBoth(t *testing.T) {
	err := enrichWith(t, bookingTarget{fakeTarget: newFakeTarget(), currency: "EUR", withShipping: true}, moneyOrder("USD"))
	requireInvalidRecord(t, err, "USD", "EUR", "nothing was written")
	require.NoError(t, enrichWith(t, bookingTarget{fakeTarget: newFakeTarget(), currency: "EUR", withShipping: true}, moneyOrder("EUR")))
}

// Finding 9: totals are checked against the source before anything is written.
func TestTotalsThatDisagreeFailNamingBothAmounts(t *testing.T) {
	o := moneyOrder("EUR")
	o.Total = model.NewMoney(3195, "EUR") // the shop charged 2.00 the connector does not read
	err := enrichWith(t, bookingTarget{fakeTarget: newFakeTarget(), currency: "EUR", withShipping: true}, o)
	requireInvalidRecord(t, err, "29.95 EUR", "31.95 EUR", "nothing was written")

	// The target would leave the shipping costs out: 25.00 booked for 29.95.
	err = enrichWith(t, bookingTarget{fakeTarget: newFakeTarget(), currency: "EUR"}, moneyOrder("EUR"))
	requireInvalidRecord(t, err, "25.00 EUR", "29.95 EUR")
}

// Finding 11: a mapping error that quotes the customer's values reaches
// logs and alerts scrubbed; the full text stays in the (encrypted) details.
func TestMappingErrorsAreScrubbed(t *testing.T) {
	prefix := "shop-"
	flow := config.OrderFlow{ExternalIDPrefix: &prefix, OrderType: "order", EmployeeNumber: "999999",
		Mapping: map[string]string{"customer.phone": "formatDate(order.customer.email, 'YYYY-MM-DD')"}}
	in := config.Integration{Name: "demo", Flows: config.Flows{Orders: &flow}}
	m, err := in.OrderMapper()
	require.NoError(t, err)
	acts := actsWith(newFakeTarget(), flow)
	acts.Integrations["demo"].OrderMapper = m
	_, err = acts.EnrichOrder(context.Background(), EnrichOrderInput{Integration: "demo", Order: moneyOrder("EUR")})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "jan@example.nl")
	var app *temporal.ApplicationError
	require.ErrorAs(t, err, &app)
	var detail string
	require.NoError(t, app.Details(&detail))
	assert.Contains(t, detail, "jan@example.nl", "the full text is kept for encrypted storage")
}

// Finding 6: e-mail matching is case-insensitive everywhere. A target whose
// lookup is case-sensitive and holds a relation made by hand as
// "Jan@Example.nl" is still found; a new customer is created in lower case.
func TestEmailMatchingIgnoresCase(t *testing.T) {
	target := newFakeTarget()
	target.customers["Jan@Example.nl"] = connectors.CustomerRecord{ID: "R9", Customer: person("Jan@Example.nl")}
	acts := actsWith(target, config.OrderFlow{})
	res, err := acts.EnsureCustomer(context.Background(), EnsureCustomerInput{Integration: "demo", Customer: person("Jan@Example.nl")})
	require.NoError(t, err)
	assert.Equal(t, "R9", res.CustomerID)
	assert.Empty(t, target.created)

	res, err = acts.EnsureCustomer(context.Background(), EnsureCustomerInput{Integration: "demo", Customer: person("Sophie@Example.nl")})
	require.NoError(t, err)
	assert.Equal(t, CustomerCreated, res.Action)
	require.Len(t, target.created, 1)
	assert.Equal(t, "sophie@example.nl", target.created[0].Email)
}
