package mapping_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/mapping"
	"github.com/koppel/koppel/model"
)

// fullOrder has a bit of everything: a company customer with different billing
// and shipping addresses, discounts, a fraction quantity, foreign VAT rates.
func fullOrder() model.Order {
	return model.Order{
		ID:               "10042",
		Number:           "2024-10042",
		CreatedAt:        time.Date(2024, 5, 31, 14, 5, 9, 0, time.FixedZone("CEST", 2*3600)),
		Status:           model.StatusProcessing,
		Paid:             true,
		Currency:         "EUR",
		PricesIncludeVAT: true,
		Customer: model.Customer{
			ID:          "c-7",
			Kind:        model.CustomerCompany,
			Email:       "inkoop@bakkerij-smit.de",
			Person:      model.Person{FirstName: "Anna", LastName: "Smit"},
			CompanyName: "Bäckerei Smit GmbH",
			VATNumber:   "DE123456789",
			CoCNumber:   "HRB 1234",
			Phone:       "+49 30 1234567",
			Mobile:      "+49 170 1234567",
			Billing: model.Address{Name: "Anna Smit", Company: "Bäckerei Smit GmbH", Street: "Hauptstraße",
				HouseNumber: "12", HouseNumberSuffix: "a", Line2: "Hinterhaus", PostalCode: "10115", City: "Berlin",
				Region: "BE", CountryCode: "DE", Phone: "+49 30 1234567"},
			Shipping: model.Address{Name: "Lager", Street: "Industrieweg", HouseNumber: "3", PostalCode: "1234 AB",
				City: "Venlo", CountryCode: "NL"},
		},
		Lines: []model.OrderLine{
			{SKU: "BRD-01", Name: "Roggebrood", Quantity: model.Pieces(3), UnitPrice: model.NewMoney(1999, "EUR"),
				UnitDiscount: model.NewMoney(200, "EUR"), VAT: model.VATPercent(7), EAN: "8712345678906"},
			{SKU: "MEEL-5", Name: "Meel 5 kg", Quantity: model.Quantity(1500), UnitPrice: model.NewMoney(1005, "EUR"),
				VAT: model.VATRate(550)},
			{SKU: "KORTING", Name: "Kortingsbon", Quantity: model.Pieces(1), UnitPrice: model.NewMoney(-500, "EUR"),
				VAT: model.VATPercent(19)},
		},
		ShippingCost:   model.NewMoney(695, "EUR"),
		ShippingVAT:    model.VATPercent(19),
		ShippingMethod: "DHL Express",
		PaymentMethod:  "iDEAL",
		Total:          model.NewMoney(7356, "EUR"),
		Note:           "Bitte vor 10 Uhr liefern",
	}
}

func fullProduct() model.Product {
	return model.Product{
		SKU: "SHIRT", Name: "T-shirt", ShortDescription: "Katoen", Description: "<p>Biologisch katoen</p>",
		EAN: "8712345000001", Price: model.NewMoney(2499, "EUR"), PriceIncludesVAT: true, VAT: model.VATPercent(21),
		Active: true, ManageStock: true, Categories: []string{"Kleding"}, Images: []model.Image{{Name: "1.jpg", URL: "https://x/1.jpg"}},
		Attributes: map[string]string{"materiaal": "katoen"},
		Variants: []model.Product{
			{SKU: "SHIRT-S", Name: "T-shirt S", EAN: "8712345000018", Price: model.NewMoney(2499, "EUR"), PriceIncludesVAT: true,
				VAT: model.VATPercent(21), Attributes: map[string]string{"maat": "S"}},
			{SKU: "SHIRT-XL", Name: "T-shirt XL", Price: model.NewMoney(2699, "EUR"), PriceIncludesVAT: true,
				VAT: model.VATPercent(21), Attributes: map[string]string{"maat": "XL"}},
		},
	}
}

func mustCompile(t *testing.T, flow string, rules mapping.Rules, tables map[string]map[string]string) *mapping.Mapper {
	t.Helper()
	m, err := mapping.Compile(flow, rules, tables)
	require.NoError(t, err)
	return m
}

func TestDefaultsAreIdentity(t *testing.T) {
	t.Run("orders", func(t *testing.T) {
		in := fullOrder()
		out, extra, lineExtras, err := mustCompile(t, mapping.FlowOrders, nil, nil).ApplyOrder(in, map[string]any{"id": 10042}, nil)
		require.NoError(t, err)
		assert.Equal(t, fullOrder(), out)
		assert.Nil(t, extra)
		assert.Nil(t, lineExtras)
	})
	t.Run("customers", func(t *testing.T) {
		in := fullOrder().Customer
		out, extra, err := mustCompile(t, mapping.FlowCustomers, nil, nil).ApplyCustomer(in, nil)
		require.NoError(t, err)
		assert.Equal(t, fullOrder().Customer, out)
		assert.Nil(t, extra)
	})
	t.Run("products", func(t *testing.T) {
		out, extra, variantExtras, err := mustCompile(t, mapping.FlowProducts, nil, nil).ApplyProduct(fullProduct(), nil, nil)
		require.NoError(t, err)
		assert.Equal(t, fullProduct(), out)
		assert.Nil(t, extra)
		assert.Nil(t, variantExtras)
	})
	t.Run("stock", func(t *testing.T) {
		in := model.StockLevel{SKU: "MEEL-5", Location: "Venlo", Physical: 12500, Available: 10250, Reserved: 2250}
		out, extra, err := mustCompile(t, mapping.FlowStock, nil, nil).ApplyStock(in, nil)
		require.NoError(t, err)
		assert.Equal(t, in, out)
		assert.Nil(t, extra)
	})
	t.Run("nil mapper", func(t *testing.T) {
		var m *mapping.Mapper
		out, _, _, err := m.ApplyOrder(fullOrder(), nil, nil)
		require.NoError(t, err)
		assert.Equal(t, fullOrder(), out)
	})
}

func TestDefaultRulesListTheSeedFields(t *testing.T) {
	tests := []struct {
		flow string
		want map[string]string
	}{
		{mapping.FlowOrders, map[string]string{
			"number":                        "order.number",
			"customer.companyName":          "order.customer.companyName",
			"customer.person.lastName":      "order.customer.person.lastName",
			"customer.billing.street":       "order.customer.billing.street",
			"customer.billing.houseNumber":  "order.customer.billing.houseNumber",
			"customer.shipping.postalCode":  "order.customer.shipping.postalCode",
			"customer.shipping.city":        "order.customer.shipping.city",
			"customer.shipping.countryCode": "order.customer.shipping.countryCode",
			"lines.sku":                     "line.sku",
			"lines.quantity":                "line.quantity",
			"lines.unitPrice":               "line.unitPrice",
			"lines.vat":                     "line.vat",
			"lines.ean":                     "line.ean",
		}},
		{mapping.FlowProducts, map[string]string{
			"sku": "product.sku", "name": "product.name", "description": "product.description",
			"shortDescription": "product.shortDescription", "ean": "product.ean", "price": "product.price",
			"currency": "product.currency", "vat": "product.vat",
		}},
		{mapping.FlowCustomers, map[string]string{
			"email": "customer.email", "companyName": "customer.companyName", "billing.city": "customer.billing.city",
		}},
		{mapping.FlowStock, map[string]string{"sku": "stock.sku", "available": "stock.available"}},
	}
	for _, tt := range tests {
		rules := mustCompile(t, tt.flow, nil, nil).Rules()
		for path, src := range tt.want {
			assert.Equal(t, src, rules[path], "%s %s", tt.flow, path)
		}
		for path := range tt.want {
			assert.Contains(t, mapping.Fields(tt.flow), path)
		}
	}
	// The derived prices are settable but have no default of their own.
	rules := mustCompile(t, mapping.FlowProducts, nil, nil).Rules()
	assert.NotContains(t, rules, "priceInclVat")
	assert.Contains(t, mapping.Fields(mapping.FlowProducts), "priceInclVat")
}

func TestRulesShowOverridesAndAreACopy(t *testing.T) {
	m := mustCompile(t, mapping.FlowOrders, mapping.Rules{"note": "'x'", "extra.channel": "'web'"}, nil)
	rules := m.Rules()
	assert.Equal(t, "'x'", rules["note"])
	assert.Equal(t, "'web'", rules["extra.channel"])
	assert.Equal(t, "order.number", rules["number"])
	rules["note"] = "changed"
	assert.Equal(t, "'x'", m.Rules()["note"])
	assert.Equal(t, mapping.FlowOrders, m.Flow())
}

func TestOrderOverrides(t *testing.T) {
	tests := []struct {
		name  string
		rules mapping.Rules
		check func(t *testing.T, o model.Order)
	}{
		{"company suffix", mapping.Rules{"customer.companyName": "order.customer.companyName + ' B.V.'"},
			func(t *testing.T, o model.Order) {
				assert.Equal(t, "Bäckerei Smit GmbH B.V.", o.Customer.CompanyName)
			}},
		{"line name", mapping.Rules{"lines.name": "concat(line.sku, ' - ', line.name)"},
			func(t *testing.T, o model.Order) {
				assert.Equal(t, "BRD-01 - Roggebrood", o.Lines[0].Name)
				assert.Equal(t, "MEEL-5 - Meel 5 kg", o.Lines[1].Name)
			}},
		{"note", mapping.Rules{"note": "'Webshop order ' + order.number"},
			func(t *testing.T, o model.Order) { assert.Equal(t, "Webshop order 2024-10042", o.Note) }},
		{"rules read the record as it came in", mapping.Rules{
			"number": "'X' + order.number", "note": "order.number"},
			func(t *testing.T, o model.Order) {
				assert.Equal(t, "X2024-10042", o.Number)
				assert.Equal(t, "2024-10042", o.Note)
			}},
		{"street line into street", mapping.Rules{
			"customer.billing.street": "order.customer.billing.streetLine", "customer.billing.houseNumber": "''",
			"customer.billing.houseNumberSuffix": "''"},
			func(t *testing.T, o model.Order) {
				assert.Equal(t, model.Address{Name: "Anna Smit", Company: "Bäckerei Smit GmbH", Street: "Hauptstraße 12 a",
					Line2: "Hinterhaus", PostalCode: "10115", City: "Berlin", Region: "BE", CountryCode: "DE",
					Phone: "+49 30 1234567"}, o.Customer.Billing)
			}},
		{"line rules see the order and their index", mapping.Rules{
			"lines.name": "concat(index + 1, '/', len(order.lines), ' ', line.name)"},
			func(t *testing.T, o model.Order) { assert.Equal(t, "2/3 Meel 5 kg", o.Lines[1].Name) }},
		{"conditional", mapping.Rules{
			"shippingMethod": "order.customer.shipping.countryCode == 'NL' ? 'PostNL' : order.shippingMethod",
			"lines.vat":      "line.sku == 'KORTING' ? 0 : line.vat"},
			func(t *testing.T, o model.Order) {
				assert.Equal(t, "PostNL", o.ShippingMethod)
				assert.Equal(t, model.VATRate(0), o.Lines[2].VAT)
				assert.Equal(t, model.VATRate(550), o.Lines[1].VAT)
			}},
		{"company name removed makes a person", mapping.Rules{"customer.companyName": "''"},
			func(t *testing.T, o model.Order) { assert.Equal(t, model.CustomerPerson, o.Customer.Kind) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := fullOrder()
			out, _, _, err := mustCompile(t, mapping.FlowOrders, tt.rules, nil).ApplyOrder(in, nil, nil)
			require.NoError(t, err)
			tt.check(t, out)
			assert.Equal(t, fullOrder(), in, "the input is left alone")
		})
	}
}

func TestRawAccess(t *testing.T) {
	m := mustCompile(t, mapping.FlowOrders, mapping.Rules{
		"customer.vatNumber": "raw.customer.btw",
		"lines.ean":          "default(rawLine.gtin, line.ean)",
		"lines.quantity":     "default(rawLine.aantal, line.quantity)",
	}, nil)
	raw := map[string]any{"customer": map[string]any{"btw": "NL001234567B01"}}
	rawLines := []map[string]any{{"gtin": "4006381333931", "aantal": "2.5"}, {"aantal": 4.0}}
	out, _, _, err := m.ApplyOrder(fullOrder(), raw, rawLines)
	require.NoError(t, err)
	assert.Equal(t, "NL001234567B01", out.Customer.VATNumber)
	assert.Equal(t, "4006381333931", out.Lines[0].EAN)
	assert.Equal(t, model.Quantity(2500), out.Lines[0].Quantity, "a decimal in text is read exactly")
	assert.Equal(t, model.Pieces(4), out.Lines[1].Quantity)
	assert.Equal(t, "8712345678906", fullOrder().Lines[0].EAN)
	assert.Equal(t, model.Pieces(1), out.Lines[2].Quantity, "no raw line: the fallback")

	// A raw record without customer gives an empty VAT number, not an error.
	out, _, _, err = m.ApplyOrder(fullOrder(), map[string]any{}, nil)
	require.NoError(t, err)
	assert.Empty(t, out.Customer.VATNumber)
	out, _, _, err = m.ApplyOrder(fullOrder(), nil, nil)
	require.NoError(t, err)
	assert.Empty(t, out.Customer.VATNumber)

	// Reads of raw records are nil-safe at every depth, and expr's own ?. and ?? work.
	nested := map[string]any{"a": map[string]any{"b": "deep"}, "items": []any{map[string]any{"sku": "I-1"}}}
	for src, want := range map[string]string{
		"raw.a.b":               "deep",
		"raw.x.y.z":             "",
		"raw.x.y ?? 'none'":     "none",
		"raw?.a?.b":             "deep",
		"raw['a'].b":            "deep",
		"raw.items[0].sku":      "I-1",
		"raw.nothing[0].sku":    "",
		"raw.a.b + '!'":         "deep!",
		"default(raw.x.y, 'd')": "d",
	} {
		m := mustCompile(t, mapping.FlowOrders, mapping.Rules{"note": src}, nil)
		out, _, _, err := m.ApplyOrder(fullOrder(), nested, nil)
		if assert.NoError(t, err, src) {
			assert.Equal(t, want, out.Note, src)
		}
	}

	// A raw number goes into a text field as plain decimal text.
	m = mustCompile(t, mapping.FlowOrders, mapping.Rules{"customer.billing.houseNumber": "raw.nr"}, nil)
	out, _, _, err = m.ApplyOrder(fullOrder(), map[string]any{"nr": 12.0}, nil)
	require.NoError(t, err)
	assert.Equal(t, "12", out.Customer.Billing.HouseNumber)
}

func TestFunctions(t *testing.T) {
	tables := map[string]map[string]string{
		"payment":   {"iDEAL": "IDL", "Bancontact": "BC"},
		"countries": {"NL": "Nederland", "DE": "Duitsland"},
	}
	raw := map[string]any{"created": "2024-02-29T23:15:00Z", "day": "2024-03-01", "price": "12.345", "n": 7.0, "blank": " "}
	tests := []struct {
		expr string
		want string
	}{
		{"concat(order.number, '-', 7, '-', 1.5, '-', nil, true)", "2024-10042-7-1.5-true"},
		{"concat()", ""},
		{"concat(line.unitPrice)", "19.99"}, // in a line rule below: no float noise
		{"formatDate(order.createdAt, 'YYYY-MM-DD')", "2024-05-31"},
		{"formatDate(order.createdAt, 'DD-MM-YY HH:mm:ss')", "31-05-24 14:05:09"},
		{"formatDate(order.createdAt, '02/01/2006 15:04 MST')", "31/05/2024 14:05 CEST"},
		{"formatDate(raw.created, 'YYYYMMDD')", "20240229"},
		{"formatDate(raw.day, 'DD.MM.YYYY')", "01.03.2024"},
		{"formatDate(raw.missing, 'YYYY')", ""},
		{"formatNumber(order.total, 2)", "73.56"},
		{"formatNumber(1.005, 2)", "1.01"},
		{"formatNumber(-2.5, 0)", "-3"},
		{"formatNumber(2.5, 0)", "3"},
		{"formatNumber(3, 3)", "3.000"},
		{"formatNumber(raw.price, 2)", "12.35"},
		{"formatNumber(raw.n, 1)", "7.0"},
		{"lookup('payment', order.paymentMethod, 'OTHER')", "IDL"},
		{"lookup('payment', 'cash', 'OTHER')", "OTHER"},
		{"lookup('countries', order.customer.billing.countryCode, order.customer.billing.countryCode)", "Duitsland"},
		{"upper(order.customer.person.lastName)", "SMIT"},
		{"lower(order.paymentMethod)", "ideal"},
		{"trim('  a b  ')", "a b"},
		{"upper(raw.missing)", ""},
		{"default(raw.missing, 'fallback')", "fallback"},
		{"default(raw.blank, 'fallback')", "fallback"},
		{"default(order.number, 'fallback')", "2024-10042"},
		{"default('', order.number)", "2024-10042"},
		{"order.paid ? 'betaald' : 'open'", "betaald"},
		{"order.total > 100 ? 'groot' : order.total > 50 ? 'middel' : 'klein'", "middel"},
		{"order.customer.kind == 'company' and order.customer.vatNumber != '' ? 'B2B' : 'B2C'", "B2B"},
		{"order.customer.billing.countryCode in ['NL', 'BE'] ? 'binnenland' : 'buitenland'", "buitenland"},
		{"string(len(order.lines))", "3"}, // expr's own builtins stay available
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			path := "note"
			if tt.expr == "concat(line.unitPrice)" {
				path = "lines.name"
			}
			m := mustCompile(t, mapping.FlowOrders, mapping.Rules{path: tt.expr}, tables)
			out, _, _, err := m.ApplyOrder(fullOrder(), raw, nil)
			require.NoError(t, err)
			got := out.Note
			if path == "lines.name" {
				got = out.Lines[0].Name
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFunctionRuntimeErrors(t *testing.T) {
	tests := []struct {
		expr string
		raw  map[string]any
		want string
	}{
		{"formatNumber(raw.x, 2)", map[string]any{"x": "abc"}, `text "abc" is not a number`},
		{"formatNumber(1, raw.d)", map[string]any{"d": 1.5}, "decimals must be a whole number"},
		{"formatDate(raw.x, 'YYYY')", map[string]any{"x": "31-05-2024"}, "is not a date"},
		{"concat(raw.x)", map[string]any{"x": map[string]any{"a": 1}}, "is not text"},
		{"lookup('t', raw.x, '')", map[string]any{"x": []any{1}}, "lookup: key"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			m := mustCompile(t, mapping.FlowOrders, mapping.Rules{"note": tt.expr}, map[string]map[string]string{"t": {}})
			_, _, _, err := m.ApplyOrder(fullOrder(), tt.raw, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), `flows.orders.mapping["note"]: `)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLookupTables(t *testing.T) {
	tables := map[string]map[string]string{"vatcodes": {"21": "H", "9": "L"}}
	m := mustCompile(t, mapping.FlowOrders, mapping.Rules{
		"lines.extra.vatCode": "lookup('vatcodes', string(line.vat), 'V')",
	}, tables)
	tables["vatcodes"]["7"] = "changed after compile"
	o := fullOrder()
	o.Lines[0].VAT = model.VATPercent(21)
	_, _, lineExtras, err := m.ApplyOrder(o, nil, nil)
	require.NoError(t, err)
	require.Len(t, lineExtras, 3)
	assert.Equal(t, "H", lineExtras[0]["vatCode"], "hit")
	assert.Equal(t, "V", lineExtras[1]["vatCode"], "miss (5.5) gives the default")
	assert.Equal(t, "V", lineExtras[2]["vatCode"])

	_, err = mapping.Compile(mapping.FlowOrders, mapping.Rules{"note": "lookup('vatcode', 'x', '')"}, tables)
	var me *mapping.Error
	require.ErrorAs(t, err, &me)
	require.Len(t, me.Problems, 1)
	assert.Equal(t, mapping.Problem{Field: "note", Message: `lookup: unknown table "vatcode"; the tables are vatcodes`}, me.Problems[0])

	_, err = mapping.Compile(mapping.FlowOrders, mapping.Rules{"note": "lookup(order.number, 'x', '')"}, tables)
	require.ErrorAs(t, err, &me)
	assert.Contains(t, me.Problems[0].Message, "the table must be a name in quotes")

	_, err = mapping.Compile(mapping.FlowOrders, mapping.Rules{"note": "lookup('x', 'x', '')"}, nil)
	require.ErrorAs(t, err, &me)
	assert.Contains(t, me.Problems[0].Message, "no lookup tables are configured")
}

func TestCompileErrorsAreListedTogether(t *testing.T) {
	rules := mapping.Rules{
		"note":                 "'Webshop order ' + order.number +", // syntax
		"number":               "ordr.number",                       // unknown variable
		"customer.companyName": "1",                                 // wrong result type
		"lines.quantity":       "line.sku",                          // wrong result type, number field
		"customer.compnyName":  "'x'",                               // unknown field path
		"lines.colour":         "'red'",                             // unknown line field path
		"paymentMethod":        "lookup('nope', 'x', '')",           // unknown table
		"shippingMethod":       "upper(order.total)",                // function argument type
		"customer.email":       "order.customer.mail",               // unknown member
		"customer.phone":       "concat",                            // function as value
		"extra.":               "1",                                 // custom field without a name
		"lines.name":           "  ",                                // no expression
		"customer.vatNumber":   "order.customer.vatNumber",          // fine
	}
	_, err := mapping.Compile(mapping.FlowOrders, rules, map[string]map[string]string{"payment": {}})
	var me *mapping.Error
	require.ErrorAs(t, err, &me)
	assert.Equal(t, mapping.FlowOrders, me.Flow)

	got := map[string]string{}
	var order []string
	for _, p := range me.Problems {
		got[p.Field] += p.Message
		order = append(order, p.Field)
	}
	assert.IsIncreasing(t, order, "problems are sorted by field")
	assert.Len(t, got, len(rules)-1, "every broken rule, and only those: %v", got)
	want := map[string]string{
		"note":                 "unexpected token EOF",
		"number":               "unknown name ordr",
		"customer.companyName": "type int is not assignable to string",
		"lines.quantity":       "type string is not assignable to number",
		"customer.compnyName":  `is not a field of the orders flow (did you mean "customer.companyName"?)`,
		"lines.colour":         "is not a field of the orders flow",
		"paymentMethod":        `lookup: unknown table "nope"; the tables are payment`,
		"shippingMethod":       "upper(text): argument 1 must be text, not float64",
		"customer.email":       "has no field mail",
		"customer.phone":       "is a function, not a value",
		"extra.":               "names no custom field",
		"lines.name":           "has no expression",
	}
	for field, msg := range want {
		assert.Contains(t, got[field], msg, field)
	}
	assert.Contains(t, err.Error(), `flows.orders.mapping["customer.companyName"]: type int is not assignable to string`)
	assert.Contains(t, err.Error(), `flows.orders.mapping["note"]: unexpected token EOF (1:33)`)
	assert.Equal(t, `flows.products.mapping["price"]`, mapping.FieldPath(mapping.FlowProducts, "price"))
}

func TestCompileErrorsPerFlow(t *testing.T) {
	tests := []struct {
		flow  string
		rules mapping.Rules
		field string
		want  string
	}{
		{mapping.FlowProducts, mapping.Rules{"priceInclVat": "1", "priceExclVat": "2"}, "priceExclVat", `sets the same field as "priceInclVat"`},
		{mapping.FlowProducts, mapping.Rules{"priceInclVat": "1", "price": "2"}, "price", `sets the same field as "priceInclVat"`},
		{mapping.FlowProducts, mapping.Rules{"name": "order.number"}, "name", "unknown name order"},
		{mapping.FlowProducts, mapping.Rules{"vat": "product.currency"}, "vat", "type string is not assignable to number"},
		{mapping.FlowCustomers, mapping.Rules{"customer.email": "customer.email"}, "customer.email", `is not a field of the customers flow (did you mean "email"?)`},
		{mapping.FlowCustomers, mapping.Rules{"billing.city": "line.name"}, "billing.city", "unknown name line"},
		{mapping.FlowStock, mapping.Rules{"available": "stock.sku"}, "available", "type string is not assignable to number"},
		{mapping.FlowOrders, mapping.Rules{"number": "line.sku"}, "number", "unknown name line"},
		{mapping.FlowOrders, mapping.Rules{"note": "rawLine.x"}, "note", "unknown name rawLine"},
	}
	for _, tt := range tests {
		t.Run(tt.flow+" "+tt.field, func(t *testing.T) {
			_, err := mapping.Compile(tt.flow, tt.rules, nil)
			var me *mapping.Error
			require.ErrorAs(t, err, &me)
			var msgs []string
			for _, p := range me.Problems {
				if p.Field == tt.field {
					msgs = append(msgs, p.Message)
				}
			}
			require.NotEmpty(t, msgs, "problems: %v", me.Problems)
			assert.Contains(t, msgs[0], tt.want)
		})
	}
	_, err := mapping.Compile("invoices", nil, nil)
	assert.ErrorContains(t, err, `no flow "invoices"`)
}

func TestMoneyIsExact(t *testing.T) {
	tests := []struct {
		rule string
		want model.OrderLine // only the numbers of line 0 are compared
	}{
		{"line.unitPrice * 1.1", model.OrderLine{UnitPrice: model.NewMoney(2199, "EUR")}}, // 21.989000000000001
		{"0.125", model.OrderLine{UnitPrice: model.NewMoney(13, "EUR")}},                  // half away from zero
		{"-0.125", model.OrderLine{UnitPrice: model.NewMoney(-13, "EUR")}},
		{"1.005", model.OrderLine{UnitPrice: model.NewMoney(101, "EUR")}},
		{"0.1 + 0.2", model.OrderLine{UnitPrice: model.NewMoney(30, "EUR")}},
		{"line.unitPrice - line.unitDiscount", model.OrderLine{UnitPrice: model.NewMoney(1799, "EUR")}},
		{"line.total / line.quantity", model.OrderLine{UnitPrice: model.NewMoney(1799, "EUR")}},
		{"20", model.OrderLine{UnitPrice: model.NewMoney(2000, "EUR")}},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			m := mustCompile(t, mapping.FlowOrders, mapping.Rules{"lines.unitPrice": tt.rule}, nil)
			out, _, _, err := m.ApplyOrder(fullOrder(), nil, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.want.UnitPrice, out.Lines[0].UnitPrice)
		})
	}
	m := mustCompile(t, mapping.FlowOrders, mapping.Rules{"lines.quantity": "line.quantity * 1.0005", "lines.vat": "line.vat + 0.125"}, nil)
	out, _, _, err := m.ApplyOrder(fullOrder(), nil, nil)
	require.NoError(t, err)
	assert.Equal(t, model.Quantity(3002), out.Lines[0].Quantity, "3.0015 rounds up to 3.002")
	assert.Equal(t, model.VATRate(713), out.Lines[0].VAT, "7.125% rounds to 7.13%")
	assert.Equal(t, model.VATRate(563), out.Lines[1].VAT)
}

func TestExtraFields(t *testing.T) {
	m := mustCompile(t, mapping.FlowOrders, mapping.Rules{
		"extra.channel":       "'webshop'",
		"extra.weekday":       "order.createdAt.Weekday().String()",
		"extra.lineCount":     "len(order.lines)",
		"extra.absent":        "raw.nothing",
		"lines.extra.lineNo":  "index + 1",
		"lines.extra.costCtr": "line.vat > 10 ? 'HOOG' : 'LAAG'",
		"lines.extra.source":  "rawLine.id",
	}, nil)
	out, extra, lineExtras, err := m.ApplyOrder(fullOrder(), nil, []map[string]any{{"id": "a"}, {"id": "b"}})
	require.NoError(t, err)
	assert.Equal(t, fullOrder(), out, "custom fields leave the record alone")
	assert.Equal(t, map[string]any{"channel": "webshop", "weekday": "Friday", "lineCount": 3}, extra,
		"a nil value is left out")
	assert.Equal(t, []map[string]any{
		{"lineNo": 1, "costCtr": "LAAG", "source": "a"},
		{"lineNo": 2, "costCtr": "LAAG", "source": "b"},
		{"lineNo": 3, "costCtr": "HOOG"},
	}, lineExtras)

	// Only line extras: the order's extra stays nil.
	m = mustCompile(t, mapping.FlowOrders, mapping.Rules{"lines.extra.x": "1"}, nil)
	_, extra, lineExtras, err = m.ApplyOrder(fullOrder(), nil, nil)
	require.NoError(t, err)
	assert.Nil(t, extra)
	assert.Len(t, lineExtras, 3)
}

func TestProducts(t *testing.T) {
	m := mustCompile(t, mapping.FlowProducts, mapping.Rules{
		"name":          "product.isVariant ? concat(parent.name, ' - ', product.attributes.maat) : upper(product.name)",
		"priceExclVat":  "product.priceExclVat",
		"ean":           "default(rawVariant.gtin, product.ean)",
		"extra.brand":   "default(raw.brand, 'Huismerk')",
		"extra.variant": "product.isVariant",
	}, nil)
	out, extra, variantExtras, err := m.ApplyProduct(fullProduct(), map[string]any{"brand": "Smit"},
		[]map[string]any{nil, {"gtin": "8712345000025"}})
	require.NoError(t, err)
	assert.Equal(t, "T-SHIRT", out.Name)
	assert.Equal(t, "T-shirt - S", out.Variants[0].Name)
	assert.Equal(t, "T-shirt - XL", out.Variants[1].Name)
	assert.Equal(t, model.NewMoney(2065, "EUR"), out.Price, "24.99 / 1.21 = 20.652… → 20.65")
	assert.False(t, out.PriceIncludesVAT)
	assert.Equal(t, int64(2231), out.Variants[1].Price.Amount, "26.99 / 1.21 = 22.305… → 22.31")
	assert.Equal(t, "8712345000018", out.Variants[0].EAN)
	assert.Equal(t, "8712345000025", out.Variants[1].EAN)
	assert.Equal(t, map[string]any{"brand": "Smit", "variant": false}, extra)
	assert.Equal(t, []map[string]any{{"brand": "Smit", "variant": true}, {"brand": "Smit", "variant": true}}, variantExtras)
	assert.Equal(t, fullProduct(), fullProduct(), "input untouched")

	m = mustCompile(t, mapping.FlowProducts, mapping.Rules{"priceInclVat": "product.priceInclVat", "currency": "'USD'"}, nil)
	p := fullProduct()
	p.PriceIncludesVAT, p.Variants = false, nil
	out, _, _, err = m.ApplyProduct(p, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, model.NewMoney(3024, "USD"), out.Price, "24.99 × 1.21 = 30.2379 → 30.24")
	assert.True(t, out.PriceIncludesVAT)
}

func TestCustomers(t *testing.T) {
	m := mustCompile(t, mapping.FlowCustomers, mapping.Rules{
		"companyName":   "default(raw.bedrijf, customer.companyName)",
		"billing.name":  "customer.name",
		"email":         "lower(customer.email)",
		"extra.segment": "customer.kind",
	}, nil)
	person := model.Customer{Kind: model.CustomerPerson, Email: "Jan@Example.NL", Person: model.Person{FirstName: "Jan", LastName: "Jansen"}}
	out, extra, err := m.ApplyCustomer(person, map[string]any{"bedrijf": "Jansen Bouw"})
	require.NoError(t, err)
	assert.Equal(t, "Jansen Bouw", out.CompanyName)
	assert.Equal(t, model.CustomerCompany, out.Kind, "a company name set by a rule makes a company")
	assert.Equal(t, "Jan Jansen", out.Billing.Name)
	assert.Equal(t, "jan@example.nl", out.Email)
	assert.Equal(t, map[string]any{"segment": "person"}, extra)
}

func TestStock(t *testing.T) {
	m := mustCompile(t, mapping.FlowStock, mapping.Rules{"available": "max(stock.physical - stock.reserved - 1, 0)", "location": "'Hoofdmagazijn'"}, nil)
	out, _, err := m.ApplyStock(model.StockLevel{SKU: "A", Physical: 2500, Reserved: 1000, Available: 1500}, nil)
	require.NoError(t, err)
	assert.Equal(t, model.Quantity(500), out.Available)
	assert.Equal(t, "Hoofdmagazijn", out.Location)
}

func TestApplyErrorsNameTheField(t *testing.T) {
	m := mustCompile(t, mapping.FlowOrders, mapping.Rules{
		"lines.quantity":     "rawLine.qty",
		"customer.vatNumber": "raw.vat",
		"number":             "order.lines[5].sku",
	}, nil)
	_, _, _, err := m.ApplyOrder(fullOrder(), map[string]any{"vat": []any{"x"}}, []map[string]any{{"qty": 1}, {"qty": "veel"}})
	require.Error(t, err)
	var ae *mapping.ApplyError
	require.ErrorAs(t, err, &ae)
	msg := err.Error()
	assert.Contains(t, msg, `flows.orders.mapping["lines.quantity"] on line 2: text "veel" is not a number`)
	assert.Contains(t, msg, `flows.orders.mapping["lines.quantity"] on line 3: has no value (nil), want a number`)
	assert.Contains(t, msg, `flows.orders.mapping["customer.vatNumber"]: []interface {} [x] is not text`)
	assert.Contains(t, msg, `flows.orders.mapping["number"]: index out of range`)
	assert.NotContains(t, msg, "\n", "one line per problem, no source excerpts")

	_, _, err = m.ApplyCustomer(model.Customer{}, nil)
	assert.ErrorContains(t, err, "the mapper of the orders flow cannot map customers")
}

func TestMapperIsSafeForConcurrentUse(t *testing.T) {
	m := mustCompile(t, mapping.FlowOrders, mapping.Rules{
		"note":          "concat(order.number, ' ', raw.i)",
		"lines.name":    "concat(line.name, ' ', raw.i)",
		"extra.counter": "raw.i",
	}, nil)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				out, extra, _, err := m.ApplyOrder(fullOrder(), map[string]any{"i": i}, nil)
				if !assert.NoError(t, err) {
					return
				}
				want := fullOrder().Number + " " + string(rune('0'+i))
				assert.Equal(t, want, out.Note)
				assert.Equal(t, i, extra["counter"])
			}
		}()
	}
	wg.Wait()
}
