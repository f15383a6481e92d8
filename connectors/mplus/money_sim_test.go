package mplus_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/mplus"
	"github.com/koppel/koppel/connectors/mplus/sim"
	"github.com/koppel/koppel/model"
)

// Finding 11: the till's error texts quote the relation they refuse; the
// client's error names none of it (the full text stays in Detail, for
// encrypted storage only).
func TestTillErrorQuotingTheCustomerIsScrubbed(t *testing.T) {
	f := newFixture(t)
	c := model.Customer{Kind: model.CustomerPerson, Email: "jan@@example.nl", Person: model.Person{FirstName: "Jan", LastName: "Visser"},
		Billing: model.Address{Street: "Kerkweg", HouseNumber: "3", PostalCode: "2345 BC", City: "Nergensdam", CountryCode: "NL"}}
	_, err := f.c.CreateCustomer(context.Background(), c)
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindValidation, ce.Kind)
	for _, personal := range []string{"Jan Visser", "Kerkweg", "2345 BC", "Nergensdam", "jan@@example.nl", "example.nl"} {
		assert.NotContains(t, err.Error(), personal)
	}
	assert.Contains(t, err.Error(), "is not valid", "the reason stays readable")
	assert.Contains(t, ce.Detail, "Jan Visser")
}

// The till books what CreateOrder writes: shipping only on a shipping
// article, so without one the booked total leaves it out and the order
// flow refuses the order before anything is written.
func TestBookedTotalFollowsTheShippingArticle(t *testing.T) {
	o := order("9", true, line("KOF-1", model.Pieces(2), 1999, 21))
	o.ShippingCost, o.ShippingVAT = model.NewMoney(495, "EUR"), model.VATPercent(21)
	o.Adjustments = []model.Adjustment{{Kind: model.AdjustmentDiscount, Amount: model.NewMoney(-300, "EUR"), VAT: model.VATPercent(21)}}
	d := connectors.OrderDraft{Order: o}

	with := newFixture(t)
	got, err := with.c.BookedTotal(context.Background(), d)
	require.NoError(t, err)
	assert.Equal(t, int64(2*1999+495-300), got.Amount)

	without := newFixture(t, func(_ *sim.Options, c *mplus.Config) { c.ShippingPLU = "" })
	got, err = without.c.BookedTotal(context.Background(), d)
	require.NoError(t, err)
	assert.Equal(t, int64(2*1999-300), got.Amount)
	assert.Equal(t, "EUR", without.c.Currency())
}
