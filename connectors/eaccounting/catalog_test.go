package eaccounting_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/model"
)

func TestODataString(t *testing.T) {
	assert.Equal(t, "'SKU-1'", eaccounting.ODataString("SKU-1"))
	assert.Equal(t, "'O''Brien'", eaccounting.ODataString("O'Brien"))
	assert.Equal(t, "''''''", eaccounting.ODataString("''"))
}

func TestRateTable(t *testing.T) {
	var rt eaccounting.RateTable
	require.NoError(t, rt.UnmarshalText([]byte("21%=VERZEND-21, 9=VERZEND-9, 5.5%=V-55")))
	v, ok := rt.For(model.VATPercent(21))
	assert.True(t, ok)
	assert.Equal(t, "VERZEND-21", v)
	v, _ = rt.For(model.VATPercent(9))
	assert.Equal(t, "VERZEND-9", v)
	v, _ = rt.For(550)
	assert.Equal(t, "V-55", v)
	_, ok = rt.For(0)
	assert.False(t, ok)
	require.NoError(t, rt.UnmarshalText([]byte("VERZEND")))
	v, ok = rt.For(model.VATPercent(9))
	assert.True(t, ok)
	assert.Equal(t, "VERZEND", v)
	assert.Error(t, rt.UnmarshalText([]byte("A, B")))
	assert.Error(t, rt.UnmarshalText([]byte("21%=A, 21=B")))
	assert.Error(t, rt.UnmarshalText([]byte("abc=A")))
}

func TestOptionsReachTheConfig(t *testing.T) {
	cfg, err := eaccounting.ConfigFromSettings(connectors.Settings{BaseURL: eaccounting.SandboxAPI, Options: map[string]string{
		"shippingArticles": "21%=V-21", "roundingArticle": "AFR", "variants": "refuse", "unit": "pcs", "currency": "sek",
		"defaultPaymentTermDays": "30", "codings": "21%=Varor 21%"}})
	require.NoError(t, err)
	assert.Equal(t, "SEK", cfg.Currency)
	assert.True(t, cfg.RefuseVariants)
	assert.Equal(t, "pcs", cfg.Unit)
	assert.Equal(t, 30, cfg.DefaultPaymentTermDays)
	v, _ := cfg.ShippingArticles.For(model.VATPercent(21))
	assert.Equal(t, "V-21", v)
	v, _ = cfg.RoundingArticles.For(0)
	assert.Equal(t, "AFR", v)

	_, err = eaccounting.ConfigFromSettings(connectors.Settings{BaseURL: eaccounting.SandboxAPI, Options: map[string]string{
		"shippingArticles": "A, B", "variants": "merge"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "options.shippingArticles")
	assert.Contains(t, err.Error(), "options.variants")

	d, err := eaccounting.ConfigFromSettings(connectors.Settings{BaseURL: eaccounting.SandboxAPI})
	require.NoError(t, err)
	assert.Equal(t, "EUR", d.Currency)
	assert.Equal(t, "st", d.Unit)
	assert.Equal(t, 14, d.DefaultPaymentTermDays)
	assert.False(t, d.RefuseVariants)
}

func TestFindCustomer(t *testing.T) {
	f := newFake()
	c := f.client(t, nil)
	ctx := context.Background()
	rec, err := c.FindCustomer(ctx, connectors.CustomerMatch{Field: "email", Value: "inkoop@korst.nl"})
	require.NoError(t, err)
	require.NotNil(t, rec)
	assert.Equal(t, customerCo, rec.ID)
	assert.Equal(t, model.CustomerCompany, rec.Customer.Kind)
	assert.Equal(t, "Bakkerij De Korst", rec.Customer.CompanyName)
	assert.Equal(t, "EmailAddress eq 'inkoop@korst.nl'", queryOf(f.sent(eaccounting.OpListCustomers)[0].Path, f))

	rec, err = c.FindCustomer(ctx, connectors.CustomerMatch{Field: "externalId", Value: "1002"})
	require.NoError(t, err)
	require.NotNil(t, rec)
	assert.Equal(t, model.CustomerPerson, rec.Customer.Kind)
	assert.Equal(t, "Jan", rec.Customer.Person.FirstName)

	rec, err = c.FindCustomer(ctx, connectors.CustomerMatch{Field: "email", Value: "nobody@example.com"})
	require.NoError(t, err)
	assert.Nil(t, rec)

	_, err = c.FindCustomer(ctx, connectors.CustomerMatch{Field: "externalId", Value: "ccvshop-123456789012"})
	assert.Equal(t, connectors.KindConfig, connectors.KindOf(err))
	assert.Contains(t, err.Error(), "customerIdPrefix")
}

// queryOf is the last $filter the fake saw (the path has no query; the
// fake's requests keep it apart), read back from the recorded listing.
func queryOf(_ string, f *fake) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lastFilter
}

func TestCustomerCreateAndUpdateKeepWhatIsNotOurs(t *testing.T) {
	f := newFake()
	c := f.client(t, nil)
	ctx := context.Background()
	cu := model.Customer{ID: "ccv-77", Kind: model.CustomerCompany, CompanyName: "Bakkerij De Korst", Email: "Inkoop@Korst.NL",
		Person: model.Person{FirstName: "Kees", LastName: "Korst"}, Phone: "030 1234567", VATNumber: "NL123456789B01",
		Billing: model.Address{Street: "Dorpsstraat", HouseNumber: "12", PostalCode: "1234 AB", City: "Utrecht", CountryCode: "NL"}}
	id, err := c.CreateCustomerWithDetails(ctx, cu, connectors.CustomerDetails{PaymentTermDays: 30, RevenueAccount: "8000", VATCode: "V21"})
	require.NoError(t, err)
	body := f.sent(eaccounting.OpCreateCustomer)[0].Body
	assert.Equal(t, "ccv-77", body["CustomerNumber"])
	assert.Equal(t, "Bakkerij De Korst", body["Name"])
	assert.Equal(t, false, body["IsPrivatePerson"])
	assert.Equal(t, true, body["IsActive"])
	assert.Equal(t, terms30, body["TermsOfPaymentId"])
	assert.Equal(t, "inkoop@korst.nl", body["EmailAddress"])
	assert.Equal(t, "Kees Korst", body["ContactPersonName"])
	assert.Equal(t, "Dorpsstraat 12", body["InvoiceAddress1"])
	assert.Equal(t, "EUR", body["CurrencyCode"])
	d, err := c.CustomerDetails(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, connectors.CustomerDetails{PaymentTermDays: 30}, d, "no revenue account or VAT code on an eAccounting customer")

	// Set in eAccounting by hand: kept through the full-replacement PUT.
	f.mu.Lock()
	rec := byID(f.customers, id)
	rec["Note"], rec["WwwAddress"], rec["ChangedUtc"] = "betaalt altijd te laat", "https://korst.nl", "2026-03-01T10:00:00Z"
	rec["EmailAddresses"] = []any{"boekhouding@korst.nl"}
	f.mu.Unlock()
	cu.Billing.City, cu.Phone = "Amersfoort", ""
	require.NoError(t, c.UpdateCustomer(ctx, id, cu))
	put := f.sent(eaccounting.OpUpdateCustomer)[0].Body
	assert.Equal(t, "Amersfoort", put["InvoiceCity"])
	assert.Equal(t, "betaalt altijd te laat", put["Note"])
	assert.Equal(t, "https://korst.nl", put["WwwAddress"])
	assert.Equal(t, []any{"boekhouding@korst.nl"}, put["EmailAddresses"])
	assert.Equal(t, "030 1234567", put["Telephone"], "a phone the shop no longer gives is not erased")
	assert.Equal(t, terms30, put["TermsOfPaymentId"], "kept: the update names no term")
	assert.NotContains(t, put, "ChangedUtc", "read-only properties are not sent back")
	assert.NotContains(t, put, "Id")

	bad := cu
	bad.Billing = model.Address{Street: "Ergens 1", CountryCode: "NL"}
	_, err = c.CreateCustomer(ctx, bad)
	assert.Equal(t, connectors.KindValidation, connectors.KindOf(err))
	assert.Contains(t, err.Error(), "InvoicePostalCode")
	assert.Contains(t, err.Error(), "InvoiceCity")

	c = f.client(t, func(cfg *eaccounting.Config) { cfg.DefaultPaymentTermDays = 21 })
	_, err = c.CreateCustomer(ctx, cu)
	assert.Equal(t, connectors.KindNotFound, connectors.KindOf(err))
	assert.Contains(t, err.Error(), "21 days")
	assert.Contains(t, err.Error(), "options.defaultPaymentTermDays")
}

func TestProductsSplitVariantsAndPickCodingsByRate(t *testing.T) {
	f := newFake()
	c := f.client(t, nil)
	ctx := context.Background()
	shirt := model.Product{SKU: "SHIRT", Name: "T-shirt", Price: eur(2420), PriceIncludesVAT: true, VAT: model.VATPercent(21), Active: true,
		Variants: []model.Product{
			{SKU: "SHIRT-M", Attributes: map[string]string{"Maat": "M"}, EAN: "8712345678906", Active: true, ManageStock: true},
			{SKU: "SHIRT-L", Attributes: map[string]string{"Maat": "L"}, Price: eur(1000), PriceIncludesVAT: true, Active: true},
		}}
	// Two active goods codings of 21 %: ambiguous, named in the error.
	f.codings = append(f.codings, map[string]any{"Id": "c0000000-0000-4000-8000-000000000221", "Name": "Varor 21% export",
		"Type": "Goods", "VatRate": "21", "VatRatePercent": 0.21, "IsActive": true})
	_, err := c.CreateProduct(ctx, connectors.ProductWrite{Product: shirt})
	assert.Equal(t, connectors.KindConfig, connectors.KindOf(err))
	assert.Contains(t, err.Error(), `"Varor 21%"`)
	assert.Contains(t, err.Error(), `"Varor 21% export"`)
	assert.Contains(t, err.Error(), "options.codings")

	c = f.client(t, func(cfg *eaccounting.Config) { require.NoError(t, cfg.Codings.UnmarshalText([]byte("21%=Varor 21%"))) })
	id, err := c.CreateProduct(ctx, connectors.ProductWrite{Product: shirt})
	require.NoError(t, err)
	created := f.sent(eaccounting.OpCreateArticle)
	require.Len(t, created, 2, "one article per variant")
	m := created[0].Body
	assert.Equal(t, "SHIRT-M", m["Number"])
	assert.Equal(t, "T-shirt M", m["Name"])
	assert.Equal(t, coding21, m["CodingId"])
	assert.Equal(t, unitSt, m["UnitId"])
	assert.Equal(t, 24.2, m["GrossPrice"])
	assert.Equal(t, 20.0, m["NetPrice"])
	assert.Equal(t, true, m["IsStock"])
	assert.Equal(t, []any{map[string]any{"Barcode": "8712345678906", "BarcodeType": float64(0)}}, m["Barcodes"])
	assert.Contains(t, created[0].Raw, `"GrossPrice":24.20`)
	assert.Equal(t, "SHIRT-L", created[1].Body["Number"])
	assert.Equal(t, 10.0, created[1].Body["GrossPrice"])
	assert.Equal(t, f.articleID("SHIRT-M"), id)

	found, err := c.FindProduct(ctx, "SHIRT-L")
	require.NoError(t, err)
	require.NotNil(t, found)
	assert.Equal(t, model.VATPercent(21), found.Product.VAT)
	assert.Equal(t, int64(1000), found.Product.Price.Amount)
	assert.True(t, found.Product.PriceIncludesVAT)
	none, err := c.FindProduct(ctx, "SHIRT")
	require.NoError(t, err)
	assert.Nil(t, none, "the parent SKU has no article")

	// An update replaces each article whole, keeping what Koppel does not own.
	f.mu.Lock()
	byID(f.articles, id)["Note"] = "magazijn B"
	f.mu.Unlock()
	shirt.Variants[0].Price, shirt.Variants[0].PriceIncludesVAT = eur(2662), true
	require.NoError(t, c.UpdateProduct(ctx, id, connectors.ProductWrite{Product: shirt}))
	puts := f.sent(eaccounting.OpUpdateArticle)
	require.Len(t, puts, 2)
	assert.Equal(t, "magazijn B", puts[0].Body["Note"])
	assert.Equal(t, 26.62, puts[0].Body["GrossPrice"])
	assert.Equal(t, 22.0, puts[0].Body["NetPrice"])
	assert.Equal(t, coding21, puts[0].Body["CodingId"], "an article keeps its coding while the rate holds")
	assert.Len(t, f.sent(eaccounting.OpCreateArticle), 2, "nothing created twice")

	ids, err := c.LookupProducts(ctx, []string{"SHIRT-M", "SHIRT-L", "NOPE"})
	require.NoError(t, err)
	assert.Len(t, ids, 2)

	c = f.client(t, func(cfg *eaccounting.Config) { cfg.RefuseVariants = true })
	_, err = c.CreateProduct(ctx, connectors.ProductWrite{Product: shirt})
	assert.Equal(t, connectors.KindValidation, connectors.KindOf(err))
	assert.Contains(t, err.Error(), "set options.variants: split")

	c = f.client(t, func(cfg *eaccounting.Config) { cfg.Unit = "doos" })
	_, err = c.CreateProduct(ctx, connectors.ProductWrite{Product: model.Product{SKU: "NEW-9", Name: "Thee", VAT: model.VATPercent(9), Price: eur(500)}})
	assert.Equal(t, connectors.KindConfig, connectors.KindOf(err))
	assert.Contains(t, err.Error(), "options.unit")
}

func TestStock(t *testing.T) {
	f := newFake()
	f.article("MOK-1", coding21)
	c := f.client(t, nil)
	ctx := context.Background()
	require.NoError(t, c.SetStock(ctx, "MOK-1", 12500, true))
	put := f.sent(eaccounting.OpUpdateArticle)[0]
	assert.Contains(t, put.Raw, `"StockBalance":12.5`)
	assert.Equal(t, true, put.Body["IsStock"])
	assert.Equal(t, "Article MOK-1", put.Body["Name"], "the rest of the article goes back as read")

	got, err := c.GetStock(ctx, []string{"MOK-1", "NOPE"})
	require.NoError(t, err)
	assert.Equal(t, map[string]connectors.TargetStock{"MOK-1": {Quantity: 12500, Managed: true}}, got)
	assert.Equal(t, model.Quantity(1240), c.RoundStock(1235))

	err = c.SetStock(ctx, "NOPE", 1000, false)
	assert.Equal(t, connectors.KindNotFound, connectors.KindOf(err))

	f.refuse[eaccounting.OpUpdateArticle] = refusal{400, `{"ErrorCode":4002,"DeveloperErrorMessage":"StockBalance cannot be updated when the stock module is active","ErrorId":"0f0e0d0c-0000-4000-8000-000000000001"}`}
	err = c.SetStock(ctx, "MOK-1", 1000, false)
	assert.Equal(t, connectors.KindConfig, connectors.KindOf(err))
	assert.Contains(t, err.Error(), "stock module")
}
