package activities

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// fakeSource serves fixed orders.
type fakeSource map[string]model.Order

func (f fakeSource) ListOrders(context.Context, connectors.OrderQuery) (connectors.OrderPage, error) {
	return connectors.OrderPage{}, nil
}

func (f fakeSource) OrderFeed(context.Context, connectors.OrderFeedQuery) (connectors.OrderFeedPage, error) {
	return connectors.OrderFeedPage{}, nil
}

func (f fakeSource) GetOrderSummary(_ context.Context, id string) (connectors.OrderSummary, error) {
	o, ok := f[id]
	if !ok {
		return connectors.OrderSummary{}, &connectors.Error{Kind: connectors.KindNotFound, System: "fake", Op: "get order"}
	}
	return connectors.OrderSummary{ID: id, Number: o.Number, Status: o.Status, Paid: o.Paid}, nil
}

func (f fakeSource) GetOrder(_ context.Context, id string) (model.Order, error) {
	return f[id], nil
}

func TestPreviewOrderReadsAndNeverWrites(t *testing.T) {
	prefix := "shop-"
	line := func(sku string) model.OrderLine {
		return model.OrderLine{SKU: sku, Quantity: model.Pieces(1), UnitPrice: model.NewMoney(850, "EUR"), VAT: 2100}
	}
	src := fakeSource{
		"1": {ID: "1", Currency: "EUR", Customer: person("new@example.nl"), Lines: []model.OrderLine{line("MUG-1")}, PricesIncludeVAT: true, Total: model.NewMoney(850, "EUR")},
		"2": {ID: "2", Currency: "EUR", Customer: person("jan@example.nl"), Lines: []model.OrderLine{line("MUG-1"), line("GONE-9")}, PricesIncludeVAT: true, Total: model.NewMoney(1700, "EUR")},
		"3": {ID: "3", Currency: "EUR", Customer: person("jan@example.nl"), Lines: []model.OrderLine{line("MUG-1")}, PricesIncludeVAT: true, Total: model.NewMoney(850, "EUR")},
	}
	tests := []struct {
		id, action, customerID string
		existing               bool
		missing                []string
	}{
		{id: "1", action: "created"},
		{id: "2", action: "unchanged", customerID: "R7", missing: []string{"GONE-9"}},
		{id: "3", action: "unchanged", customerID: "R7", existing: true},
	}
	for _, tt := range tests {
		target := newFakeTarget()
		target.customers["jan@example.nl"] = connectors.CustomerRecord{ID: "R7", Customer: person("jan@example.nl")}
		target.orders["shop-3"] = connectors.TargetOrder{ID: "ORD-3", Kind: connectors.KindOrder}
		acts := actsWith(target, config.OrderFlow{ExternalIDPrefix: &prefix, OrderType: "order", EmployeeNumber: "999999"})
		acts.Integrations["demo"].Source = src

		p, err := PreviewOrder(context.Background(), acts, "demo", tt.id)
		require.NoError(t, err, tt.id)
		assert.Equal(t, "shop-"+tt.id, p.Draft.ExternalID)
		assert.Equal(t, tt.action, p.CustomerAction, tt.id)
		assert.Equal(t, tt.customerID, p.CustomerID, tt.id)
		assert.Equal(t, tt.existing, p.Existing != nil, tt.id)
		assert.Equal(t, tt.missing, p.MissingSKUs, tt.id)
		assert.Empty(t, target.created, "a preview creates no customer")
		assert.Empty(t, target.updated, "a preview updates no customer")
		assert.Len(t, target.orders, 1, "a preview writes no order")
	}
}

func TestEnrichAppliesTheMapping(t *testing.T) {
	prefix := "shop-"
	flow := config.OrderFlow{ExternalIDPrefix: &prefix, OrderType: "order", EmployeeNumber: "999999",
		Mapping: map[string]string{
			"lines.name":           "concat(line.sku, ' - ', upper(line.name))",
			"customer.companyName": "order.customer.email endsWith '@smit.example' ? 'Bakkerij Smit' : ''",
			"lines.unitPrice":      "line.unitPrice * 1.1",
		}}
	in := config.Integration{Name: "demo", Flows: config.Flows{Orders: &flow}}
	m, err := in.OrderMapper()
	require.NoError(t, err)
	acts := actsWith(newFakeTarget(), flow)
	acts.Integrations["demo"].OrderMapper = m
	o := model.Order{ID: "9", Currency: "EUR", Customer: person("inkoop@smit.example"),
		Lines:            []model.OrderLine{{SKU: "MUG-1", Name: "Mok", Quantity: model.Pieces(1), UnitPrice: model.NewMoney(1999, "EUR"), VAT: 2100}},
		PricesIncludeVAT: true, Total: model.NewMoney(1999, "EUR")}

	d, err := acts.EnrichOrder(context.Background(), EnrichOrderInput{Integration: "demo", Order: o})
	require.NoError(t, err)
	assert.Equal(t, "MUG-1 - MOK", d.Order.Lines[0].Name)
	assert.Equal(t, int64(2199), d.Order.Lines[0].UnitPrice.Amount, "19.99 × 1.1 = 21.989 → 21.99")
	assert.Equal(t, "Bakkerij Smit", d.Order.Customer.CompanyName)
	assert.Equal(t, model.CustomerCompany, d.Order.Customer.Kind, "a company name makes a company")
}
