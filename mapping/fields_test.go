package mapping

import (
	"testing"
	"time"

	"github.com/expr-lang/expr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/model"
)

// checkTable runs each field's default rule against env and compares the
// result, converted as Apply converts it, with the field's getter: the view
// structs and the field tables must agree on every path.
func checkTable[R any](t *testing.T, s *scope[R], rec *R, env any) {
	t.Helper()
	opts := append([]expr.Option{expr.Env(s.env)}, functions(nil)...)
	for i := range s.fields {
		f := &s.fields[i]
		prog, err := expr.Compile(s.defaultRule(f), opts...)
		require.NoError(t, err, f.path)
		assert.Empty(t, fits(prog.Node().Type(), f.kind), f.path)
		v, err := expr.Run(prog, env)
		require.NoError(t, err, f.path)
		v, err = convert(f, v)
		require.NoError(t, err, f.path)
		assert.Equal(t, f.get(rec), v, f.path)

		// The setter writes what the getter reads.
		cp := *rec
		f.set(&cp, v)
		assert.Equal(t, f.get(rec), f.get(&cp), f.path)
	}
}

func TestFieldTablesMatchTheViews(t *testing.T) {
	o := model.Order{Number: "1", Note: "n", PaymentMethod: "p", ShippingMethod: "s", CreatedAt: time.Now(),
		Customer: model.Customer{Email: "e", CompanyName: "c", Person: model.Person{FirstName: "f", LastName: "l"},
			VATNumber: "v", CoCNumber: "k", Phone: "ph", Mobile: "m",
			Billing:  model.Address{Name: "bn", Company: "bc", Street: "bs", HouseNumber: "bh", HouseNumberSuffix: "bx", Line2: "b2", PostalCode: "bp", City: "bci", Region: "br", CountryCode: "NL", Phone: "bph"},
			Shipping: model.Address{Name: "sn", Company: "sc", Street: "ss", HouseNumber: "sh", HouseNumberSuffix: "sx", Line2: "s2", PostalCode: "sp", City: "sci", Region: "sr", CountryCode: "BE", Phone: "sph"}},
		Lines: []model.OrderLine{{SKU: "a", Name: "b", EAN: "c", Quantity: 1234, UnitPrice: model.NewMoney(-1999, "EUR"), UnitDiscount: model.NewMoney(7, "EUR"), VAT: 550}},
	}
	view := viewOrder(&o)
	checkTable(t, orderScope, &o, orderEnv{Order: view})
	checkTable(t, lineScope, &o.Lines[0], lineEnv{Order: view, Line: view.Lines[0]})
	checkTable(t, customerScope, &o.Customer, customerEnv{Customer: view.Customer})

	for _, incl := range []bool{true, false} {
		p := model.Product{SKU: "a", Name: "b", ShortDescription: "c", Description: "d", EAN: "e",
			Price: model.NewMoney(2499, "EUR"), PriceIncludesVAT: incl, VAT: 2100}
		checkTable(t, productScope, &p, productEnv{Product: viewProduct(&p, false)})
	}
	st := model.StockLevel{SKU: "a", Location: "b", Physical: 1, Available: 22, Reserved: 333}
	checkTable(t, stockScope, &st, stockEnv{Stock: viewStock(&st)})
}

func TestEveryFlowHasTables(t *testing.T) {
	assert.Equal(t, []string{FlowCustomers, FlowOrders, FlowProducts, FlowStock}, Flows())
	for _, f := range Flows() {
		assert.NotEmpty(t, Fields(f), f)
	}
	assert.Nil(t, Fields("nope"))
}

func TestNearest(t *testing.T) {
	known := Fields(FlowOrders)
	assert.Equal(t, "customer.billing.street", nearest("customer.billing.stret", known))
	assert.Equal(t, "lines.unitPrice", nearest("lines.unitprice", known))
	assert.Equal(t, "", nearest("totally.different", known))
}
