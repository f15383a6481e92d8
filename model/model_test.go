package model_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/model"
)

func TestParseMinorIsExact(t *testing.T) {
	tests := []struct {
		in       string
		decimals int
		want     int64
		wantErr  bool
	}{
		{"19.99", 2, 1999, false},
		{"0.1", 2, 10, false},
		{"-0.07", 2, -7, false},
		{"3", 2, 300, false},
		{"1.005", 2, 101, false}, // half away from zero, no float drift
		{"-1.005", 2, -101, false},
		{"2.5", 3, 2500, false},
		{"1e2", 2, 10000, false},
		{"", 2, 0, true},
		{"12,50", 2, 0, true},
		{"1.2.3", 2, 0, true},
	}
	for _, tt := range tests {
		got, err := model.ParseMinor(tt.in, tt.decimals)
		if tt.wantErr {
			assert.Error(t, err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}

func TestMoneyTimesQuantityRoundsToTheCent(t *testing.T) {
	tests := []struct {
		cents int64
		qty   model.Quantity
		want  int64
	}{
		{1999, model.Pieces(3), 5997},
		{399, model.Quantity(1500), 599}, // 5.985 → 5.99
		{333, model.Quantity(333), 111},  // 1.10889 → 1.11
		{-250, model.Quantity(1500), -375},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, model.NewMoney(tt.cents, "EUR").Mul(tt.qty).Amount, "%d × %s", tt.cents, tt.qty)
	}
	assert.Equal(t, "19.99", model.FormatMinor(1999, 2))
	assert.Equal(t, "-0.07", model.FormatMinor(-7, 2))
	assert.Equal(t, "1.5", model.Quantity(1500).String())
	assert.Equal(t, "21%", model.VATPercent(21).String())
}

func TestOrderValidationListsEveryProblemByField(t *testing.T) {
	o := model.Order{
		Currency: "EURO",
		Customer: model.Customer{Kind: model.CustomerCompany, Email: "not-an-email"},
		Lines: []model.OrderLine{
			{SKU: "", Quantity: 0, UnitPrice: model.NewMoney(100, "USD"), VAT: 2100},
			{SKU: "OK-1", Quantity: model.Pieces(1), VAT: -1},
		},
	}
	err := o.Validate()
	var ve *model.ValidationError
	require.True(t, errors.As(err, &ve))
	var fields []string
	for _, p := range ve.Problems {
		fields = append(fields, p.Field)
	}
	for _, want := range []string{"id", "currency", "customer.companyName", "customer.email",
		"lines[0].sku", "lines[0].quantity", "lines[0].unitPrice.currency", "lines[1].vat"} {
		assert.Contains(t, fields, want)
	}
	assert.NotContains(t, fields, "lines[1].sku")

	ok := model.Order{ID: "1", Currency: "EUR", Customer: model.Customer{Kind: model.CustomerPerson, Person: model.Person{LastName: "Visser"}},
		Lines: []model.OrderLine{{SKU: "A", Quantity: model.Pieces(1), UnitPrice: model.NewMoney(100, "EUR"), VAT: 2100}}}
	assert.NoError(t, ok.Validate())
}

func TestKindFor(t *testing.T) {
	assert.Equal(t, model.CustomerCompany, model.KindFor("Bakkerij Smit"))
	assert.Equal(t, model.CustomerPerson, model.KindFor("  "))
}

func TestVariantProblems(t *testing.T) {
	p := model.Product{SKU: "TS", Variants: []model.Product{
		{SKU: "TS-S", Attributes: map[string]string{"Maat": "S"}},
		{SKU: "TS-S2", Attributes: map[string]string{" maat ": "s"}},
		{SKU: "TS", Attributes: map[string]string{"Maat": "M"}},
		{Attributes: map[string]string{"Maat": "L"}},
	}}
	assert.Equal(t, []string{
		"variants TS-S and TS-S2 have the same attribute values",
		`SKU "TS" is used twice`,
		"variant 4 has no SKU",
	}, p.VariantProblems())
	assert.Empty(t, model.Product{SKU: "A", Variants: []model.Product{{SKU: "A-1", Attributes: map[string]string{"k": "v"}}}}.VariantProblems())
}
