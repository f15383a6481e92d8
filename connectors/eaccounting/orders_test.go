package eaccounting_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/model"
)

func eur(minor int64) model.Money { return model.NewMoney(minor, "EUR") }

// shopOrder is a CCV Shop order: net prices, a company, 9 % and 21 %, a
// discounted line, shipping and a coupon.
func shopOrder() model.Order {
	o := model.Order{ID: "5001", Number: "2026-0042", CreatedAt: time.Date(2026, 3, 1, 14, 0, 0, 0, time.UTC), Currency: "EUR",
		Customer: model.Customer{Kind: model.CustomerCompany, CompanyName: "Bakkerij De Korst", Email: "inkoop@korst.nl",
			Person:   model.Person{FirstName: "Kees", LastName: "Korst"},
			Billing:  model.Address{Street: "Dorpsstraat", HouseNumber: "12", HouseNumberSuffix: "A", PostalCode: "1234 AB", City: "Utrecht", CountryCode: "NL"},
			Shipping: model.Address{Name: "Magazijn", Street: "Industrieweg 5", PostalCode: "3542 AD", City: "Utrecht", CountryCode: "NL"}},
		Lines: []model.OrderLine{
			{SKU: "KOFFIE-1", Name: "Koffiebonen 1kg", Quantity: model.Pieces(2), UnitPrice: eur(1250), UnitDiscount: eur(125), VAT: model.VATPercent(9)},
			{SKU: "MOK-1", Name: "Mok", Quantity: model.Pieces(1), UnitPrice: eur(999), VAT: model.VATPercent(21)},
		},
		ShippingCost: eur(495), ShippingVAT: model.VATPercent(21), ShippingMethod: "PostNL",
		Adjustments: []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: "Kortingscode WELKOM", Amount: eur(-200), VAT: model.VATPercent(21)}},
	}
	o.Total = o.ComputedTotal()
	return o
}

func shopFake() *fake {
	f := newFake()
	for _, a := range [][2]string{{"KOFFIE-1", coding9}, {"MOK-1", coding21}, {"VERZEND-21", coding21}, {"VERZEND-9", coding9},
		{"KORTING-21", coding21}, {"AFR-21", coding21}, {"AFR-9", coding9}, {"AFR-0", coding0}, {"DIVERS-21", coding21}} {
		f.article(a[0], a[1])
	}
	return f
}

func withArticles(c *eaccounting.Config) {
	must := func(s string) eaccounting.RateTable {
		var t eaccounting.RateTable
		if err := t.UnmarshalText([]byte(s)); err != nil {
			panic(err)
		}
		return t
	}
	c.ShippingArticles = must("21%=VERZEND-21, 9%=VERZEND-9")
	c.DiscountArticles = must("KORTING-21")
	c.CostArticles = must("21%=VERZEND-21")
}

func draftOf(f *fake, o model.Order, kind connectors.OrderKind, customer string) connectors.OrderDraft {
	ids := map[string]string{}
	for _, sku := range o.SKUs() {
		if id := f.articleID(sku); id != "" {
			ids[sku] = id
		}
	}
	return connectors.OrderDraft{Order: o, ExternalID: "ccv-" + o.ID, Kind: kind, CustomerID: customer, ProductIDs: ids,
		ShippingMethod: "PostNL", PaymentTermDays: 30}
}

func TestCreateOrderWritesTheExactDocument(t *testing.T) {
	f := shopFake()
	c := f.client(t, withArticles)
	ctx := context.Background()
	d := draftOf(f, shopOrder(), connectors.KindOrder, customerCo)

	booked, err := c.BookedTotal(ctx, d)
	require.NoError(t, err)
	assert.Equal(t, int64(4019), booked.Amount, "9%%: 22.50 + 2.03; 21%%: 12.94 + 2.72")
	assert.Equal(t, d.Order.ComputedTotal().Amount, booked.Amount)

	ref, err := c.CreateOrder(ctx, d)
	require.NoError(t, err)
	assert.Equal(t, connectors.KindOrder, ref.Kind)
	assert.NotEmpty(t, ref.ID)
	assert.NotEmpty(t, ref.Number)

	sent := f.sent(eaccounting.OpCreateOrder)
	require.Len(t, sent, 1)
	want := `{
		"CustomerId": "` + customerCo + `", "CurrencyCode": "EUR", "Status": 2, "OrderDate": "2026-03-01T00:00:00Z",
		"EuThirdParty": false, "RotReducedInvoicingType": 0, "ReverseChargeOnConstructionServices": false,
		"YourReference": "ccv-5001", "BuyersOrderReference": "2026-0042",
		"InvoiceCustomerName": "Bakkerij De Korst", "InvoiceAddress1": "Dorpsstraat 12 A", "InvoicePostalCode": "1234 AB",
		"InvoiceCity": "Utrecht", "InvoiceCountryCode": "NL",
		"DeliveryCustomerName": "Magazijn", "DeliveryAddress1": "Industrieweg 5", "DeliveryPostalCode": "3542 AD",
		"DeliveryCity": "Utrecht", "DeliveryCountryCode": "NL",
		"DeliveryMethodName": "PostNL", "DeliveryMethodCode": "POSTNL", "TermsOfPaymentId": "` + terms30 + `",
		"Rows": [
			{"LineNumber": 1, "ArticleId": "` + f.articleID("KOFFIE-1") + `", "IsTextRow": false, "UnitPrice": 12.50, "DiscountPercentage": 0.1, "Quantity": 2, "IsWorkCost": false, "EligibleForReverseChargeOnVat": false},
			{"LineNumber": 2, "ArticleId": "` + f.articleID("MOK-1") + `", "IsTextRow": false, "UnitPrice": 9.99, "DiscountPercentage": 0, "Quantity": 1, "IsWorkCost": false, "EligibleForReverseChargeOnVat": false},
			{"LineNumber": 3, "ArticleId": "` + f.articleID("VERZEND-21") + `", "IsTextRow": false, "Text": "PostNL", "UnitPrice": 4.95, "DiscountPercentage": 0, "Quantity": 1, "IsWorkCost": false, "EligibleForReverseChargeOnVat": false},
			{"LineNumber": 4, "ArticleId": "` + f.articleID("KORTING-21") + `", "IsTextRow": false, "Text": "Kortingscode WELKOM", "UnitPrice": -2.00, "DiscountPercentage": 0, "Quantity": 1, "IsWorkCost": false, "EligibleForReverseChargeOnVat": false}
		]}`
	assert.JSONEq(t, want, sent[0].Raw)
	// Money goes out with two decimals, written from cents.
	assert.Contains(t, sent[0].Raw, `"UnitPrice":12.50`)
	assert.Contains(t, sent[0].Raw, `"UnitPrice":-2.00`)

	// A retry after a lost answer finds it: conflict, nothing written twice.
	_, err = c.CreateOrder(ctx, d)
	assert.Equal(t, connectors.KindConflict, connectors.KindOf(err), "%v", err)
	assert.Equal(t, 1, f.count(eaccounting.OpCreateOrder))
	found, ok, err := c.FindOrder(ctx, d.ExternalID, connectors.KindOrder)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, ref, found)
	_, ok, err = c.FindOrder(ctx, "ccv-5002", connectors.KindOrder)
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Contains(t, f.sent(eaccounting.OpListOrders)[0].Path, "/orders")
}

func TestEachKindHasItsEndpointAndFields(t *testing.T) {
	cases := []struct {
		kind         connectors.OrderKind
		create, list string
		check        func(t *testing.T, body map[string]any)
	}{
		{connectors.KindInvoice, eaccounting.OpCreateInvoiceDraft, eaccounting.OpListInvoiceDrafts, func(t *testing.T, b map[string]any) {
			assert.Equal(t, "ccv-5001", b["YourReference"])
			assert.Equal(t, "2026-03-01T00:00:00Z", b["InvoiceDate"])
			assert.Equal(t, "2026-03-31T00:00:00Z", b["DueDate"])
			assert.Equal(t, terms30, b["TermsOfPaymentId"])
			assert.Equal(t, "PostNL", b["DeliveryMethodName"])
			assert.NotContains(t, b, "InvoiceCity", "read-only on a draft")
			row := b["Rows"].([]any)[0].(map[string]any)
			assert.Equal(t, false, row["ReversedConstructionServicesVatFree"])
			assert.NotContains(t, row, "LineNumber")
		}},
		{connectors.KindSalesInvoice, eaccounting.OpCreateInvoice, eaccounting.OpListInvoices, func(t *testing.T, b map[string]any) {
			assert.Equal(t, "2026-03-31T00:00:00Z", b["DueDate"])
			assert.Equal(t, "Utrecht", b["InvoiceCity"])
			assert.NotContains(t, b, "DeliveryMethodName", "read-only on an invoice")
			row := b["Rows"].([]any)[0].(map[string]any)
			assert.NotContains(t, row, "IsTextRow")
			assert.NotContains(t, row, "LineNumber")
		}},
		{connectors.KindQuote, eaccounting.OpCreateQuote, eaccounting.OpListQuotes, func(t *testing.T, b map[string]any) {
			assert.Equal(t, "ccv-5001", b["CustomerReference"], "a quote's YourReference")
			assert.NotContains(t, b, "YourReference")
			assert.Equal(t, "2026-03-01T00:00:00Z", b["QuoteDate"])
			assert.NotContains(t, b, "InvoiceAddress1")
			assert.NotContains(t, b, "TermsOfPaymentId")
		}},
	}
	for _, tc := range cases {
		t.Run(string(tc.kind), func(t *testing.T) {
			f := shopFake()
			c := f.client(t, withArticles)
			d := draftOf(f, shopOrder(), tc.kind, customerCo)
			ref, err := c.CreateOrder(context.Background(), d)
			require.NoError(t, err)
			assert.Equal(t, tc.kind, ref.Kind)
			sent := f.sent(tc.create)
			require.Len(t, sent, 1)
			tc.check(t, sent[0].Body)
			assert.Len(t, sent[0].Body["Rows"], 4)
			assert.Equal(t, 1, f.count(tc.list), "looked up before the create")
			found, ok, err := c.FindOrder(context.Background(), d.ExternalID, tc.kind)
			require.NoError(t, err)
			assert.True(t, ok)
			assert.Equal(t, ref.ID, found.ID)
		})
	}
}

// rows returns the rows of the one document of op as (article number, unit
// price, discount, quantity).
func rowsOf(t *testing.T, f *fake, op string) [][4]string {
	t.Helper()
	sent := f.sent(op)
	require.Len(t, sent, 1)
	var doc struct {
		Rows []struct {
			ArticleId                               string
			UnitPrice, DiscountPercentage, Quantity json.Number
		}
	}
	require.NoError(t, json.Unmarshal([]byte(sent[0].Raw), &doc))
	numbers := map[string]string{}
	for _, a := range f.articles {
		numbers[a["Id"].(string)] = a["Number"].(string)
	}
	var out [][4]string
	for _, r := range doc.Rows {
		out = append(out, [4]string{numbers[r.ArticleId], r.UnitPrice.String(), r.DiscountPercentage.String(), r.Quantity.String()})
	}
	return out
}

// A shop with prices incl. VAT and a company customer (a document without
// VAT in its prices): net prices per rate, and the cent the conversion
// loses on a rounding row.
func TestGrossOrderOnANetDocumentRoundsToTheCent(t *testing.T) {
	o := model.Order{ID: "7", Number: "7", Currency: "EUR", PricesIncludeVAT: true, CreatedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		Customer: model.Customer{Kind: model.CustomerCompany, CompanyName: "De Korst"},
		Lines:    []model.OrderLine{{SKU: "MOK-1", Quantity: model.Pieces(3), UnitPrice: eur(499), VAT: model.VATPercent(21)}}}
	require.Equal(t, int64(1497), o.ComputedTotal().Amount)

	f := shopFake()
	c := f.client(t, withArticles)
	d := draftOf(f, o, connectors.KindOrder, customerCo)
	d.ShippingMethod, d.PaymentTermDays = "", 0
	_, err := c.BookedTotal(context.Background(), d)
	require.Error(t, err)
	assert.Equal(t, connectors.KindValidation, connectors.KindOf(err))
	for _, want := range []string{"14.96", "14.97", "0.01", "options.roundingArticle"} {
		assert.Contains(t, err.Error(), want)
	}
	_, err = c.CreateOrder(context.Background(), d)
	require.Error(t, err)
	assert.Zero(t, f.count(eaccounting.OpCreateOrder), "nothing is written")

	c = f.client(t, func(cfg *eaccounting.Config) {
		withArticles(cfg)
		require.NoError(t, cfg.RoundingArticles.UnmarshalText([]byte("21%=AFR-21, 9%=AFR-9, 0%=AFR-0")))
	})
	booked, err := c.BookedTotal(context.Background(), d)
	require.NoError(t, err)
	assert.Equal(t, int64(1497), booked.Amount)
	_, err = c.CreateOrder(context.Background(), d)
	require.NoError(t, err)
	// 4.99 / 1.21 = 4.12; 3 × 4.12 = 12.36 + 2.60 VAT = 14.96; a net 0.01 more makes 12.37 + 2.60 = 14.97.
	assert.Equal(t, [][4]string{{"MOK-1", "4.12", "0", "3"}, {"AFR-21", "0.01", "0", "1"}}, rowsOf(t, f, eaccounting.OpCreateOrder))
}

// 10.05 incl. 21 % is no net amount plus its VAT (8.30 + 1.74 = 10.04,
// 8.31 + 1.75 = 10.06): the last cent goes on the 0 % rounding article.
func TestAGrossNoNetAmountReachesTakesAZeroRateCent(t *testing.T) {
	o := model.Order{ID: "8", Currency: "EUR", PricesIncludeVAT: true, CreatedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		Customer: model.Customer{Kind: model.CustomerCompany, CompanyName: "De Korst"},
		Lines:    []model.OrderLine{{SKU: "MOK-1", Quantity: model.Pieces(1), UnitPrice: eur(1005), VAT: model.VATPercent(21)}}}
	f := shopFake()
	c := f.client(t, func(cfg *eaccounting.Config) {
		require.NoError(t, cfg.RoundingArticles.UnmarshalText([]byte("21%=AFR-21, 0%=AFR-0")))
	})
	d := draftOf(f, o, connectors.KindOrder, customerCo)
	d.ShippingMethod, d.PaymentTermDays = "", 0
	booked, err := c.BookedTotal(context.Background(), d)
	require.NoError(t, err)
	assert.Equal(t, int64(1005), booked.Amount)
	_, err = c.CreateOrder(context.Background(), d)
	require.NoError(t, err)
	assert.Equal(t, [][4]string{{"MOK-1", "8.31", "0", "1"}, {"AFR-21", "-0.01", "0", "1"}, {"AFR-0", "0.01", "0", "1"}},
		rowsOf(t, f, eaccounting.OpCreateOrder))
}

func TestBookedTotalFollowsTheTotalsRule(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	person := model.Customer{Kind: model.CustomerPerson, Person: model.Person{FirstName: "Jan", LastName: "Jansen"}}
	company := model.Customer{Kind: model.CustomerCompany, CompanyName: "De Korst"}
	cases := []struct {
		name      string
		exclVatPC bool // the company setting ShowPricesExclVatPC
		customer  string
		order     model.Order
		want      int64
	}{
		{"net shop, company: VAT per rate over the document", false, customerCo, shopOrder(), 4019},
		{"gross shop, private person, prices incl. VAT: the sum as it is; 3.33 less 0.10 is 3 % off", true, customerPriv, model.Order{
			ID: "1", Currency: "EUR", PricesIncludeVAT: true, CreatedAt: day, Customer: person,
			Lines: []model.OrderLine{
				{SKU: "KOFFIE-1", Quantity: model.Pieces(3), UnitPrice: eur(333), UnitDiscount: eur(10), VAT: model.VATPercent(9)},
				{SKU: "MOK-1", Quantity: model.Pieces(1), UnitPrice: eur(99), VAT: model.VATPercent(21)}}}, 1068},
		{"net shop, private person, prices incl. VAT: gross unit prices", true, customerPriv, model.Order{
			ID: "2", Currency: "EUR", CreatedAt: day, Customer: person,
			Lines: []model.OrderLine{
				{SKU: "MOK-1", Quantity: model.Pieces(1), UnitPrice: eur(1000), VAT: model.VATPercent(21)},
				{SKU: "KOFFIE-1", Quantity: model.Pieces(3), UnitPrice: eur(33), VAT: model.VATPercent(9)}}}, 1318},
		{"before the customer step: the order's own customer type decides", true, "", model.Order{
			ID: "3", Currency: "EUR", PricesIncludeVAT: true, CreatedAt: day, Customer: person,
			Lines: []model.OrderLine{{SKU: "MOK-1", Quantity: model.Pieces(7), UnitPrice: eur(1), VAT: model.VATPercent(21)}}}, 7},
		{"odd cents, qty > 1, company with the setting on: net document", true, customerCo, model.Order{
			ID: "4", Currency: "EUR", CreatedAt: day, Customer: company,
			Lines: []model.OrderLine{
				{SKU: "MOK-1", Quantity: model.Pieces(3), UnitPrice: eur(333), VAT: model.VATPercent(21)},
				{SKU: "KOFFIE-1", Quantity: model.Pieces(2), UnitPrice: eur(1), VAT: model.VATPercent(9)}}}, 999 + 210 + 2 + 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := shopFake()
			f.settings["ShowPricesExclVatPC"] = tc.exclVatPC
			c := f.client(t, withArticles)
			tc.order.Total = tc.order.ComputedTotal()
			d := draftOf(f, tc.order, connectors.KindOrder, tc.customer)
			got, err := c.BookedTotal(context.Background(), d)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Amount)
			assert.Equal(t, tc.order.ComputedTotal().Amount, got.Amount, "equal to the shop's")
		})
	}
}

func TestOrderProblemsNameTheirSetting(t *testing.T) {
	ctx := context.Background()
	f := shopFake()
	o := shopOrder()

	c := f.client(t, nil) // no shipping or discount articles
	_, err := c.BookedTotal(ctx, draftOf(f, o, connectors.KindOrder, customerCo))
	assert.Equal(t, connectors.KindConfig, connectors.KindOf(err))
	assert.Contains(t, err.Error(), "options.shippingArticles")
	assert.Contains(t, err.Error(), "21%")

	c = f.client(t, func(cfg *eaccounting.Config) {
		withArticles(cfg)
		require.NoError(t, cfg.ShippingArticles.UnmarshalText([]byte("VERZEND-9")))
	})
	_, err = c.BookedTotal(ctx, draftOf(f, o, connectors.KindOrder, customerCo))
	assert.Equal(t, connectors.KindConfig, connectors.KindOf(err))
	assert.Contains(t, err.Error(), `options.shippingArticles names article "VERZEND-9" for 21%, but its coding's VAT rate is 9%`)

	c = f.client(t, withArticles)
	wrong := o
	wrong.Lines = append([]model.OrderLine(nil), o.Lines...)
	wrong.Lines[1].VAT = model.VATPercent(9)
	_, err = c.BookedTotal(ctx, draftOf(f, wrong, connectors.KindOrder, customerCo))
	assert.Equal(t, connectors.KindValidation, connectors.KindOf(err))
	assert.Contains(t, err.Error(), "SKU MOK-1 has 9% VAT on the order, but its article's coding has 21%")

	unknown := o
	unknown.Lines = append([]model.OrderLine(nil), o.Lines...)
	unknown.Lines[1].SKU, unknown.Lines[1].Name = "NIEUW-1", "Nieuwe mok"
	_, err = c.BookedTotal(ctx, draftOf(f, unknown, connectors.KindOrder, customerCo))
	assert.Equal(t, connectors.KindConfig, connectors.KindOf(err))
	assert.Contains(t, err.Error(), "options.fallbackArticles")

	c = f.client(t, func(cfg *eaccounting.Config) {
		withArticles(cfg)
		require.NoError(t, cfg.FallbackArticles.UnmarshalText([]byte("21%=DIVERS-21")))
	})
	d := draftOf(f, unknown, connectors.KindOrder, customerCo)
	_, err = c.CreateOrder(ctx, d)
	require.NoError(t, err)
	rows := f.sent(eaccounting.OpCreateOrder)[0].Body["Rows"].([]any)
	assert.Equal(t, f.articleID("DIVERS-21"), rows[1].(map[string]any)["ArticleId"])
	assert.Equal(t, "Nieuwe mok", rows[1].(map[string]any)["Text"])

	long := draftOf(f, o, connectors.KindOrder, customerCo)
	long.ExternalID = "ccv-" + string(make([]byte, 120))
	_, err = c.CreateOrder(ctx, long)
	assert.Equal(t, connectors.KindConfig, connectors.KindOf(err))
	assert.Contains(t, err.Error(), "externalIdPrefix")

	odd := draftOf(f, o, connectors.KindInvoice, customerCo)
	odd.ExternalID = "ccv-odd"
	odd.Order.Lines = append([]model.OrderLine(nil), o.Lines...)
	odd.Order.Lines[0].Quantity = 1125
	_, err = c.CreateOrder(ctx, odd)
	assert.Equal(t, connectors.KindValidation, connectors.KindOf(err), "%v", err)
	assert.Contains(t, err.Error(), "1.125")

	ship := draftOf(f, o, connectors.KindOrder, customerCo)
	ship.ExternalID, ship.ShippingMethod = "ccv-ship", "DHL"
	_, err = c.CreateOrder(ctx, ship)
	assert.Equal(t, connectors.KindNotFound, connectors.KindOf(err))
	assert.Contains(t, err.Error(), `"DHL"`)
	assert.Contains(t, err.Error(), "flows.orders.shippingMethods")

	f.settings["CurrencyCode"] = "SEK"
	c = f.client(t, withArticles)
	_, err = c.BookedTotal(ctx, draftOf(f, o, connectors.KindOrder, customerCo))
	assert.Equal(t, connectors.KindConfig, connectors.KindOf(err))
	assert.Contains(t, err.Error(), "options.currency")
	assert.Equal(t, "EUR", c.Currency())
}

// A fixed discount that no 4-decimal percentage gives exactly is written
// as the discounted unit price without a discount.
func TestAFixedDiscountWithoutAnExactPercentageBecomesThePrice(t *testing.T) {
	o := model.Order{ID: "9", Currency: "EUR", CreatedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		Customer: model.Customer{Kind: model.CustomerCompany, CompanyName: "De Korst"},
		Lines: []model.OrderLine{
			{SKU: "MOK-1", Quantity: model.Pieces(300), UnitPrice: eur(300), UnitDiscount: eur(7), VAT: model.VATPercent(21)},
			{SKU: "KOFFIE-1", Quantity: model.Pieces(4), UnitPrice: eur(1000), UnitDiscount: eur(250), VAT: model.VATPercent(9)},
		}}
	f := shopFake()
	c := f.client(t, func(cfg *eaccounting.Config) {
		require.NoError(t, cfg.RoundingArticles.UnmarshalText([]byte("21%=AFR-21, 9%=AFR-9, 0%=AFR-0")))
	})
	d := draftOf(f, o, connectors.KindOrder, customerCo)
	d.ShippingMethod, d.PaymentTermDays = "", 0
	_, err := c.CreateOrder(context.Background(), d)
	require.NoError(t, err)
	rows := rowsOf(t, f, eaccounting.OpCreateOrder)
	// 300 × 3.00 × (1 − 0.0233) = 879.03, but 300 × 2.93 = 879.00: the price.
	assert.Equal(t, [4]string{"MOK-1", "2.93", "0", "300"}, rows[0])
	// 2.50 of 10.00 is exactly 25 %.
	assert.Equal(t, [4]string{"KOFFIE-1", "10.00", "0.25", "4"}, rows[1])
}
