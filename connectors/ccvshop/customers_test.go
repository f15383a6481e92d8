package ccvshop_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/model"
)

func person(i int) model.Customer {
	a := model.Address{Name: fmt.Sprintf("Klant %d", i), Street: "Dorpsstraat", HouseNumber: fmt.Sprint(i), PostalCode: "1234 AB", City: "Ergens", CountryCode: "NL", Phone: "020-555"}
	return model.Customer{Kind: model.CustomerPerson, Email: fmt.Sprintf("klant%d@example.nl", i),
		Person: model.Person{FirstName: "Klant", LastName: fmt.Sprint(i)}, Phone: "020-555", Billing: a, Shipping: a}
}

// Every account on every run (no change filter exists), paged by id; an
// account with a company name is a company with its contact person.
func TestListCustomers(t *testing.T) {
	f := newFixture(t, sim.Options{}, ccvshop.Config{})
	var want []model.Customer
	for i := 1; i <= 5; i++ {
		c := person(i)
		if i == 2 {
			c.Kind, c.CompanyName, c.VATNumber, c.CoCNumber = model.CustomerCompany, "Bakkerij Smit", "NL001234567B01", "12345678"
			c.Billing.Company = "Bakkerij Smit"
			c.Shipping = model.Address{Name: "Magazijn", Street: "Havenweg", HouseNumber: "1", PostalCode: "9999 ZZ", City: "Elders", CountryCode: "BE", Phone: "020-555"}
			c.Mobile = "06-1234"
		}
		c.ID = f.sim.AddUser(c)
		want = append(want, c)
	}
	var got []model.Customer
	q := connectors.ChangeQuery{PageSize: 2}
	pages := 0
	for {
		page, err := f.client.ListCustomers(context.Background(), q)
		require.NoError(t, err)
		pages++
		assert.Empty(t, page.Cursor, "no change filter: the cursor stays empty")
		for _, sc := range page.Customers {
			got = append(got, sc.Customer)
			assert.Equal(t, sc.Customer.Email, sc.Raw["username"])
			assert.NotNil(t, sc.Raw["userinfo"])
		}
		if page.NextPageToken == "" {
			break
		}
		assert.True(t, strings.HasPrefix(page.NextPageToken, f.url+ccvshop.APIPath+"/users/"), page.NextPageToken)
		q.PageToken = page.NextPageToken
	}
	assert.Equal(t, 3, pages)
	assert.Equal(t, want, got)
	assert.Equal(t, model.CustomerCompany, got[1].Kind)
	assert.Equal(t, model.CustomerPerson, got[0].Kind)
}

// Extra costs, payment costs and credit points become adjustments, to the cent.
func TestOrderAdjustments(t *testing.T) {
	tests := []struct {
		name string
		adj  []model.Adjustment
	}{
		{"costs", []model.Adjustment{
			{Kind: model.AdjustmentCost, Description: "Cadeauverpakking", Amount: eur(250), VAT: model.VATPercent(21)},
			{Kind: model.AdjustmentCost, Description: ccvshop.PaymentCostsDescription, Amount: eur(35), VAT: model.VATPercent(21)},
		}},
		{"discounts", []model.Adjustment{
			{Kind: model.AdjustmentDiscount, Description: "Korting vaste klant", Amount: eur(-499), VAT: model.VATPercent(21)},
			{Kind: model.AdjustmentDiscount, Description: ccvshop.CreditPointsDescription, Amount: eur(-1000), VAT: model.VATPercent(21)},
		}},
		{"extra costs without a text", []model.Adjustment{
			{Kind: model.AdjustmentCost, Description: ccvshop.ExtraCostsDescription, Amount: eur(1), VAT: model.VATPercent(21)},
		}},
		{"none", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, sim.Options{}, ccvshop.Config{})
			o := sampleOrder(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
			o.Adjustments = tt.adj
			for _, a := range tt.adj {
				o.Total = o.Total.Add(a.Amount)
			}
			id := f.sim.AddOrder(o)
			got, err := f.client.GetOrder(context.Background(), id)
			require.NoError(t, err)
			assert.Equal(t, tt.adj, got.Adjustments)
			assert.Equal(t, o.Total, got.Total)
		})
	}
}

func TestRegistrationOptions(t *testing.T) {
	r, ok := connectors.Lookup(ccvshop.System)
	require.True(t, ok)
	for _, c := range []connectors.Capability{connectors.CapOrderSource, connectors.CapProductSource, connectors.CapProductTarget,
		connectors.CapStockSource, connectors.CapStockTarget, connectors.CapCustomerSource} {
		assert.True(t, r.Has(c), c)
	}
	assert.Equal(t, ccvshop.ProductExtraFields, r.ExtraFields["products"])
	assert.Contains(t, ccvshop.ProductExtraFields, "mpnnumber")
	assert.NotContains(t, ccvshop.ProductExtraFields, "is_active")
	for _, name := range []string{"packageId", "pricesIncludeVat", "currency", "webshopId", "taxTariffs", "combinationStockType", "attributeType", "cacheTTL"} {
		assert.NotEmpty(t, r.Options[name], name)
	}

	f := newFixture(t, sim.Options{}, ccvshop.Config{})
	settings := connectors.Settings{BaseURL: f.url, Credentials: map[string]string{"publicKey": pub, "secretKey": secret}, ReadsPerMinute: -1,
		Options: map[string]string{"packageId": "12", "pricesIncludeVat": "false", "currency": "eur", "taxTariffs": "normal=21, low a=6%,zero=0", "cacheTTL": "1m"}}
	cfg, err := ccvshop.ConfigFromSettings(settings)
	require.NoError(t, err)
	assert.Equal(t, int64(12), cfg.PackageID)
	assert.Equal(t, "false", cfg.PricesIncludeVAT)
	assert.Equal(t, "EUR", cfg.Currency)
	assert.Equal(t, map[string]model.VATRate{"normal": 2100, "low a": 600, "zero": 0}, cfg.TaxTariffs)
	assert.Equal(t, time.Minute, cfg.CacheTTL)
	v, err := r.New(settings)
	require.NoError(t, err)
	_, isTarget := v.(connectors.ProductTarget)
	assert.True(t, isTarget)

	settings.Options = map[string]string{"packageId": "box", "cacheTTL": "soon", "taxTariffs": "normal", "pricesIncludeVat": "yes"}
	_, err = r.New(settings)
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindConfig, ce.Kind)
	for _, want := range []string{"packageId", "cacheTTL", "taxTariffs"} {
		assert.Contains(t, ce.Message, want)
	}
	settings.Options = map[string]string{"pricesIncludeVat": "yes"}
	_, err = r.New(settings)
	assert.ErrorContains(t, err, "pricesIncludeVat")
}
