package activities

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	_ "github.com/koppel/koppel/connectors/builtin" // the systems RecheckBudget reads the limits of
	"github.com/koppel/koppel/model"
)

func person(email string) model.Customer {
	return model.Customer{Kind: model.CustomerPerson, Email: email, Person: model.Person{FirstName: "Jan", LastName: "Jansen"},
		Billing: model.Address{Street: "Dorpsstraat", HouseNumber: "1", PostalCode: "1234 AB", City: "Utrecht", CountryCode: "NL"}}
}

func TestEnsureCustomer(t *testing.T) {
	moved := person("jan@example.nl")
	moved.Billing.City = "Zwolle"
	company := person("info@jansen.nl")
	company.Kind, company.CompanyName = model.CustomerCompany, "Jansen BV"

	tests := []struct {
		name     string
		existing *connectors.CustomerRecord
		customer model.Customer
		action   CustomerAction
		id       string
	}{
		{"new person is created", nil, person("jan@example.nl"), CustomerCreated, "new-1"},
		{"new company is created as company", nil, company, CustomerCreated, "new-1"},
		{"known and unchanged is left alone", &connectors.CustomerRecord{ID: "7", Customer: person("jan@example.nl")}, person("JAN@example.nl"), CustomerUnchanged, "7"},
		{"known with a new address is updated", &connectors.CustomerRecord{ID: "7", Customer: person("jan@example.nl")}, moved, CustomerUpdated, "7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := newFakeTarget()
			if tt.existing != nil {
				ft.customers["jan@example.nl"] = *tt.existing
			}
			res, err := actsWith(ft, config.OrderFlow{}).EnsureCustomer(context.Background(), EnsureCustomerInput{Integration: "demo", Customer: tt.customer})
			require.NoError(t, err)
			require.Equal(t, tt.action, res.Action)
			require.Equal(t, tt.id, res.CustomerID)
			if tt.action == CustomerCreated {
				require.Equal(t, tt.customer.Kind, ft.created[0].Kind)
			}
		})
	}
}

func TestCustomerWithoutEmailFailsClearly(t *testing.T) {
	_, err := actsWith(newFakeTarget(), config.OrderFlow{}).EnsureCustomer(context.Background(), EnsureCustomerInput{Integration: "demo", Customer: person("")})
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr))
	require.True(t, appErr.NonRetryable())
	require.Contains(t, err.Error(), "defaultDebtor")
}

func TestMatchByExternalIDFallsBackToEmailForGuests(t *testing.T) {
	m, err := CustomerMatchFor("externalId", model.Customer{ID: "42", Email: "a@b.nl"})
	require.NoError(t, err)
	require.Equal(t, connectors.CustomerMatch{Field: "externalId", Value: "42"}, m)
	m, err = CustomerMatchFor("externalId", model.Customer{Email: " A@B.nl "})
	require.NoError(t, err)
	require.Equal(t, connectors.CustomerMatch{Field: "email", Value: "a@b.nl"}, m)
}

func TestCheckProductsNamesEveryMissingSKU(t *testing.T) {
	ft := newFakeTarget()
	_, err := actsWith(ft, config.OrderFlow{}).CheckProducts(context.Background(), CheckProductsInput{Integration: "demo", SKUs: []string{"MUG-1", "NOPE-1", "NOPE-2"}})
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr))
	require.Equal(t, ErrTypeUnknownProducts, appErr.Type())
	require.True(t, appErr.NonRetryable())
	require.Contains(t, err.Error(), "NOPE-1, NOPE-2")
	require.NotContains(t, err.Error(), "MUG-1")
}

func TestCommitAfterLostAnswerFindsTheOrderInsteadOfDoubling(t *testing.T) {
	ft := newFakeTarget()
	ft.orders["ccvshop-1"] = connectors.TargetOrder{ID: "ORD-1", Kind: connectors.KindOrder}
	ft.createErr = &connectors.Error{Kind: connectors.KindConflict, System: "mplus", Op: "createOrder", Code: "CREATE-ORDER-RESULT-EXT-ORDER-ID-ALREADY-EXISTS"}
	res, err := actsWith(ft, config.OrderFlow{}).CommitOrder(context.Background(), CommitOrderInput{Integration: "demo",
		Draft: connectors.OrderDraft{ExternalID: "ccvshop-1", Kind: connectors.KindOrder}})
	require.NoError(t, err)
	require.True(t, res.AlreadyExisted)
	require.Equal(t, "ORD-1", res.Target.ID)
	require.Len(t, ft.orders, 1)
}

func TestEnrichSetsTargetFieldsAndRejectsBadOrders(t *testing.T) {
	prefix := "ccv-"
	flow := &config.OrderFlow{OrderType: "invoice", DefaultDebtor: "100", ExternalIDPrefix: &prefix}
	o := model.Order{ID: "55", Currency: "EUR", Customer: person("jan@example.nl"),
		Lines: []model.OrderLine{{SKU: "MUG-1", Quantity: model.Pieces(1), UnitPrice: model.NewMoney(100, "EUR")}}}
	d, err := Enrich(o, config.Integration{Flows: config.Flows{Orders: flow}})
	require.NoError(t, err)
	require.Equal(t, connectors.OrderDraft{Order: o, ExternalID: "ccv-55", Kind: connectors.KindInvoice, CustomerID: "100"}, d)

	o.Lines, o.Currency = nil, "EURO"
	_, err = Enrich(o, config.Integration{Flows: config.Flows{Orders: flow}})
	var verr *model.ValidationError
	require.True(t, errors.As(err, &verr))
	require.Len(t, verr.Problems, 2, "every problem at once: %v", err)
}

// A sale without a customer (a walk-in sale at a till) is booked on the
// walk-in debtor; the others still get their own customer; without a
// walk-in debtor such a sale fails saying which setting books it.
func TestEnrichBooksWalkInSalesOnTheWalkInDebtor(t *testing.T) {
	flow := &config.OrderFlow{OrderType: "order", WalkInDebtor: "999"}
	in := config.Integration{Flows: config.Flows{Orders: flow}}
	walkIn := model.Order{ID: "1501", Currency: "EUR",
		Lines: []model.OrderLine{{SKU: "MUG-1", Quantity: model.Pieces(1), UnitPrice: model.NewMoney(850, "EUR")}}}
	d, err := Enrich(walkIn, in)
	require.NoError(t, err)
	require.Equal(t, "999", d.CustomerID, "the walk-in sale is booked on the walk-in debtor")

	known := walkIn
	known.Customer = person("anna@example.nl")
	d, err = Enrich(known, in)
	require.NoError(t, err)
	require.Empty(t, d.CustomerID, "a sale with a customer gets its own")

	nameless := walkIn
	nameless.Customer = model.Customer{Kind: model.CustomerPerson, Email: "x@example.nl"}
	_, err = Enrich(nameless, in)
	require.Error(t, err, "a customer with an e-mail but no name is not a walk-in sale: it is checked as before")

	_, err = Enrich(walkIn, config.Integration{Flows: config.Flows{Orders: &config.OrderFlow{OrderType: "order"}}})
	require.Error(t, err)
	require.Contains(t, err.Error(), "flows.orders.walkInDebtor")
	require.Contains(t, err.Error(), "1501")
}

func TestEnrichBooksPerCountryAndMapsMethods(t *testing.T) {
	flow := &config.OrderFlow{OrderType: "invoice", CountryFrom: "shipping",
		PaymentMethods:  map[string]string{"ideal": "IDEAL"},
		ShippingMethods: map[string]string{"shipping": "VERZENDEN"},
		PaymentTerms:    map[string]int{"banktransfer": 14}}
	in := config.Integration{Flows: config.Flows{Orders: flow}, Countries: map[string]config.CountrySettings{
		"NL":      {VATCodes: map[string]string{"21": "1", "9": "2"}, RevenueAccount: "8000"},
		"BE":      {VATCode: "5", RevenueAccount: "8010"},
		"default": {VATCode: "9", RevenueAccount: "8099"},
	}}
	order := func(billing, shipping, pay string) model.Order {
		c := person("jan@example.nl")
		c.Billing.CountryCode, c.Shipping.CountryCode = billing, shipping
		return model.Order{ID: "55", Currency: "EUR", Customer: c, PaymentMethod: pay, ShippingMethod: "shipping",
			Lines: []model.OrderLine{{SKU: "MUG-1", Quantity: model.Pieces(1), UnitPrice: model.NewMoney(100, "EUR"), VAT: model.VATPercent(21)}}}
	}
	cases := []struct {
		name               string
		countryFrom        string
		o                  model.Order
		wantCode21, wantRA string
		wantPay            string
		wantTerm           int
	}{
		{"home country by rate", "shipping", order("NL", "NL", "ideal"), "1", "8000", "IDEAL", 0},
		{"delivered abroad", "shipping", order("NL", "BE", "banktransfer"), "5", "8010", "banktransfer", 14},
		{"billing decides", "billing", order("NL", "BE", "ideal"), "1", "8000", "IDEAL", 0},
		{"a country not listed", "shipping", order("DE", "DE", "ideal"), "9", "8099", "IDEAL", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			flow.CountryFrom = c.countryFrom
			d, err := Enrich(c.o, in)
			require.NoError(t, err)
			require.Equal(t, c.wantCode21, d.Accounting.CodeFor(model.VATPercent(21)))
			require.Equal(t, c.wantRA, d.Accounting.RevenueAccount)
			require.Equal(t, c.wantPay, d.PaymentMethod)
			require.Equal(t, "VERZENDEN", d.ShippingMethod)
			require.Equal(t, c.wantTerm, d.PaymentTermDays)
		})
	}
}

func TestEligible(t *testing.T) {
	paidNew := connectors.OrderSummary{Paid: true, Status: model.StatusPending}
	unpaid := connectors.OrderSummary{Paid: false, Status: model.StatusPending}
	off := false
	require.True(t, Eligible(paidNew, &config.OrderFlow{}))
	require.False(t, Eligible(unpaid, &config.OrderFlow{}))
	require.True(t, Eligible(unpaid, &config.OrderFlow{PaidOnly: &off}))
	require.False(t, Eligible(paidNew, &config.OrderFlow{Statuses: []string{"shipped"}}))
	require.True(t, Eligible(paidNew, &config.OrderFlow{Statuses: []string{"shipped", "pending"}}))
}

// Finding 5: statuses means "reached". An order that moved on from a listed
// status (between polls, or while the worker was down) is still eligible;
// cancelled, refunded and unfinished orders never are.
func TestEligibleMeansReached(t *testing.T) {
	flow := &config.OrderFlow{Statuses: []string{"processing"}}
	for st, want := range map[model.OrderStatus]bool{
		model.StatusCheckout: false, model.StatusPending: false, model.StatusProcessing: true,
		model.StatusShipped: true, model.StatusCompleted: true, model.StatusCancelled: false, model.StatusRefunded: false,
	} {
		assert.Equal(t, want, Eligible(connectors.OrderSummary{Paid: true, Status: st}, flow), st)
	}
	assert.False(t, Eligible(connectors.OrderSummary{Paid: true, Status: model.StatusCheckout}, &config.OrderFlow{}),
		"an unfinished checkout is never synced, even with no statuses set")
}

// Waiting orders may use recheckQuotaPercent of the source's read quota:
// CCV Shop publishes 150 reads a minute, a third is 49; a run every minute
// rechecks half a minute's worth.
func TestRecheckBudgetIsAShareOfTheReadQuota(t *testing.T) {
	flow := &config.OrderFlow{RecheckQuotaPercent: 33, Interval: config.Duration(time.Minute)}
	in := config.Integration{Source: config.System{System: "ccvshop"}, Flows: config.Flows{Orders: flow}}
	perMinute, perRun := RecheckBudget(in)
	assert.Equal(t, 49, perMinute)
	assert.Equal(t, 24, perRun)

	in.Source.RateLimit.ReadsPerMinute = 60 // the integration's own limit wins
	perMinute, _ = RecheckBudget(in)
	assert.Equal(t, 19, perMinute)

	flow.Interval = config.Duration(time.Hour) // never more than 90 s worth in one run
	_, perRun = RecheckBudget(in)
	assert.Equal(t, 28, perRun)
}
