package mapping_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/mapping"
	"github.com/koppel/koppel/model"
)

func TestFilterSelectsTheSourceSet(t *testing.T) {
	coffee := model.Product{SKU: "BEANS", Categories: []string{"Koffie"}, Active: true, Price: model.NewMoney(1250, "EUR")}
	tea := model.Product{SKU: "TEA", Categories: []string{"Thee"}, Price: model.NewMoney(450, "EUR")}
	tables := map[string]map[string]string{"brands": {"acme": "yes"}}
	cases := []struct {
		name, source string
		product      model.Product
		raw          map[string]any
		want         bool
	}{
		{"only a category", "'Koffie' in product.categories", coffee, nil, true},
		{"only a category, other product", "'Koffie' in product.categories", tea, nil, false},
		{"a raw field value", "raw.brand == 'acme'", tea, map[string]any{"brand": "acme"}, true},
		{"a missing raw field", "raw.brand == 'acme'", tea, nil, false},
		{"a price bound", "product.price >= 10", coffee, nil, true},
		{"a lookup", "lookup('brands', default(raw.brand, ''), 'no') == 'yes'", coffee, map[string]any{"brand": "acme"}, true},
		{"active only", "product.active", tea, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := mapping.CompileFilter(mapping.FlowProducts, c.source, tables)
			require.NoError(t, err)
			got, err := f.MatchProduct(c.product, c.raw)
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestFilterCompileErrors(t *testing.T) {
	cases := []struct{ name, flow, source, want string }{
		{"not a boolean", mapping.FlowProducts, "product.name", "bool"},
		{"unknown field", mapping.FlowProducts, "product.colour == 'red'", "colour"},
		{"unknown table", mapping.FlowProducts, "lookup('nope', product.sku, '') == ''", "nope"},
		{"orders take none", mapping.FlowOrders, "true", "takes no filter"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := mapping.CompileFilter(c.flow, c.source, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestNoFilterLetsAllThrough(t *testing.T) {
	f, err := mapping.CompileFilter(mapping.FlowCustomers, "  ", nil)
	require.NoError(t, err)
	assert.Nil(t, f)
	ok, err := f.MatchCustomer(model.Customer{}, nil)
	require.NoError(t, err)
	assert.True(t, ok)
}

func TestUsesRawTellsWhetherTheRawRecordIsNeeded(t *testing.T) {
	plain, err := mapping.Compile(mapping.FlowOrders, mapping.Rules{"note": "upper(order.note)"}, nil)
	require.NoError(t, err)
	assert.False(t, plain.UsesRaw())
	raw, err := mapping.Compile(mapping.FlowOrders, mapping.Rules{"lines.name": "default(rawLine.sub_sku_number, line.name)"}, nil)
	require.NoError(t, err)
	assert.True(t, raw.UsesRaw())
	var none *mapping.Mapper
	assert.False(t, none.UsesRaw())
}
