package mplus_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/mplus"
	"github.com/koppel/koppel/connectors/mplus/sim"
	"github.com/koppel/koppel/model"
)

func TestCustomerDetailsPerCountry(t *testing.T) {
	ctx := context.Background()
	customer := func(email, country string) model.Customer {
		return model.Customer{Kind: model.CustomerPerson, Email: email, Person: model.Person{FirstName: "Jo", LastName: "Peeters"},
			Billing: model.Address{Street: "Markt", HouseNumber: "1", PostalCode: "1000", City: "Brussel", CountryCode: country}}
	}
	cases := []struct {
		name    string
		cfg     func(*mplus.Config)
		c       model.Customer
		details connectors.CustomerDetails
		fields  map[string]string // the relation's custom fields in MplusKASSA
	}{
		{"NL", nil, customer("nl@example.nl", "NL"),
			connectors.CustomerDetails{RevenueAccount: "8000", VATCode: "1", PaymentTermDays: 14, Extra: map[string]string{"segment": "retail"}},
			map[string]string{"revenueAccount": "8000", "vatCode": "1", "segment": "retail"}},
		{"BE, own field names", func(c *mplus.Config) { c.RelationRevenueAccountField, c.RelationVATCodeField = "grootboek", "btwcode" },
			customer("be@example.be", "BE"),
			connectors.CustomerDetails{RevenueAccount: "8100", VATCode: "7", PaymentTermDays: 30},
			map[string]string{"grootboek": "8100", "btwcode": "7"}},
		{"nothing but the customer", nil, customer("leeg@example.nl", "NL"), connectors.CustomerDetails{}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, func(_ *sim.Options, c *mplus.Config) {
				if tc.cfg != nil {
					tc.cfg(c)
				}
			})
			id, err := f.c.CreateCustomerWithDetails(ctx, tc.c, tc.details)
			require.NoError(t, err)
			n, _ := strconv.ParseInt(id, 10, 64)
			rel, ok := f.sim.Relation(n)
			require.True(t, ok)
			assert.Equal(t, tc.fields, rel.CustomFields)
			assert.Equal(t, tc.details.PaymentTermDays, rel.PaymentWithinDays)
			assert.Equal(t, "Jo Peeters", rel.Name)

			got, err := f.c.CustomerDetails(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, tc.details, got, "the details read back as written")

			// An update changes what it names and keeps the rest.
			changed := connectors.CustomerDetails{VATCode: "9", Extra: map[string]string{"loyalty": "gold"}}
			cust := tc.c
			cust.Phone = "+32 2 555 01 01"
			require.NoError(t, f.c.UpdateCustomerWithDetails(ctx, id, cust, changed))
			got, err = f.c.CustomerDetails(ctx, id)
			require.NoError(t, err)
			want := tc.details
			want.VATCode = "9"
			want.Extra = map[string]string{"loyalty": "gold"}
			for k, v := range tc.details.Extra {
				want.Extra[k] = v
			}
			assert.Equal(t, want, got)
			rel, _ = f.sim.Relation(n)
			assert.Equal(t, "+32 2 555 01 01", rel.Phone)
		})
	}

	t.Run("not found", func(t *testing.T) {
		f := newFixture(t)
		_, err := f.c.CustomerDetails(ctx, "4242")
		assert.Equal(t, connectors.KindNotFound, kindOf(t, err))
		_, err = f.c.CustomerDetails(ctx, "abc")
		assert.Equal(t, connectors.KindValidation, kindOf(t, err))
	})
}

func TestRegistration(t *testing.T) {
	reg, ok := connectors.Lookup(mplus.System)
	require.True(t, ok)
	for _, c := range []connectors.Capability{connectors.CapOrderTarget, connectors.CapCustomerTarget, connectors.CapProductLookup,
		connectors.CapProductSource, connectors.CapProductTarget, connectors.CapStockSource, connectors.CapStockTarget,
		connectors.CapCustomerDetails} {
		assert.True(t, reg.Has(c), c)
	}
	assert.False(t, reg.Has(connectors.CapProductImages), "MplusKASSA takes no photos from Koppel")
	assert.False(t, reg.Has(connectors.CapCustomerSource))
	for name, desc := range reg.Options {
		assert.NotEmpty(t, desc, name)
	}
	assert.Equal(t, []string{"reference"}, reg.ExtraFields["orders"])
	assert.Equal(t, []string{"*"}, reg.ExtraFields["products"])
	assert.Equal(t, []string{"*"}, reg.ExtraFields["customers"])

	base := connectors.Settings{BaseURL: "https://api.mpluskassa.nl:34567", Credentials: map[string]string{"ident": ident, "secret": secret}}
	s := base
	s.Options = map[string]string{"stockBranch": "2", "stockEmployee": "12", "defaultTurnoverGroup": "40", "vatPercentageScale": "100",
		"discountPLU": " KORTING ", "costsPLU": "KOSTEN", "relationVatCodeField": "btw", "parentSKU": "MP-{productNumber}", "currency": "eur"}
	cfg, err := mplus.ConfigFromSettings(s)
	require.NoError(t, err)
	assert.Equal(t, 2, cfg.StockBranch)
	assert.Equal(t, int64(12), cfg.StockEmployee)
	assert.Equal(t, 40, cfg.DefaultTurnoverGroup)
	assert.Equal(t, 100, cfg.VATPercentageScale)
	assert.Equal(t, "KORTING", cfg.DiscountPLU)
	assert.Equal(t, "btw", cfg.RelationVATCodeField)
	assert.Equal(t, "EUR", cfg.Currency)
	for name := range s.Options {
		assert.Contains(t, reg.Options, name)
	}
	_, err = connectors.Build(mplus.System, s)
	require.NoError(t, err)

	s.Options = map[string]string{"stockBranch": "main", "stockEmployee": "-1"}
	_, err = connectors.Build(mplus.System, s)
	assert.Equal(t, connectors.KindConfig, kindOf(t, err))
	assert.Contains(t, err.Error(), "options.stockBranch")
	assert.Contains(t, err.Error(), "options.stockEmployee")
}
