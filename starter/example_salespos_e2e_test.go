package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ecwidsim "github.com/koppel/koppel/connectors/ecwid/sim"
	possim "github.com/koppel/koppel/connectors/salespos/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
	"github.com/koppel/koppel/workflows"
)

// demoSalesPOS is the example file's SalesPOS → Ecwid integration.
const demoSalesPOS = 4

// `make run` as far as the SalesPOS till and the Ecwid store go: the
// example file the way `starter dev` runs it, on a real dev server. The
// till's day of sales reaches the store once each, to the cent, the
// walk-in sales on the store's walk-in customer, the refund not at all;
// the till's T-shirt becomes a product with a combination per size, and
// the store's stock is the till's less the buffer.
func TestExampleFileTillSalesReachTheEcwidStore(t *testing.T) {
	s := startFileStack(t, exampleFileHere, "example-salespos-e2e")
	in := s.file.Integrations[demoSalesPOS]
	require.Equal(t, "demo-salespos", in.Name)
	ctx := context.Background()
	t.Cleanup(func() {
		for _, in := range s.file.Integrations {
			for _, flow := range []string{workflows.FlowOrders, workflows.FlowProducts, workflows.FlowStock, workflows.FlowCustomers} {
				_ = s.client.ScheduleClient().GetHandle(ctx, workflows.ScheduleID(in.Name, flow)).Delete(ctx)
			}
		}
	})
	pos := s.sims.shopOf(t, demoSalesPOS)
	store, ok := s.sims.bySide[devSide{demoSalesPOS, "target"}].inst.(*ecwidsim.Sim)
	require.True(t, ok, "the target is the Ecwid simulator")
	s.triggerOrders(t)

	// The seeded day: eight sales, one of them a refund.
	sales := map[string]model.Order{}
	for _, o := range pos.Orders() {
		if o.Total.Amount > 0 {
			sales[in.Name+"-"+o.ID] = o
		}
	}
	require.Len(t, sales, 7, "the demo's sales that are no refund")
	written := func() map[string][]ecwidsim.Order {
		out := map[string][]ecwidsim.Order{}
		for _, o := range store.Orders() {
			if strings.HasPrefix(o.ExternalOrderID, in.Name+"-") {
				out[o.ExternalOrderID] = append(out[o.ExternalOrderID], o)
			}
		}
		return out
	}
	if !assert.Eventually(t, func() bool { return len(written()) >= len(sales) }, 3*time.Minute, 500*time.Millisecond) {
		t.Fatalf("Ecwid has %d of the till's %d sales", len(written()), len(sales))
	}
	walkIns := 0
	for key, got := range written() {
		sale, ok := sales[key]
		require.True(t, ok, "%s is a sale of the till, and no refund", key)
		require.Len(t, got, 1, "%s once", key)
		assert.Equal(t, sale.Total.Amount, int64(got[0].Total), "%s: the store's total is the till's", key)
		assert.Equal(t, "PAID", got[0].PaymentStatus, key)
		if sale.Customer.IsWalkIn() {
			walkIns++
			assert.Equal(t, int64(ecwidsim.DemoWalkInCustomerID), got[0].CustomerID, "%s: a walk-in sale is on the walk-in customer", key)
		} else {
			assert.NotEqual(t, int64(ecwidsim.DemoWalkInCustomerID), got[0].CustomerID, key)
		}
	}
	assert.Equal(t, 4, walkIns, "the demo's walk-in sales")

	// The catalogue schedules start at once: the T-shirt and the stock.
	skus := []string{}
	for _, p := range simkit.DemoProducts() {
		skus = append(skus, p.SKU)
	}
	for _, size := range possim.DemoSizes {
		skus = append(skus, possim.DemoShirtSKU+"-"+size)
	}
	tillStock := map[string]int64{}
	for _, p := range pos.Products() {
		tillStock[p.SKU] = int64(p.Stock / model.Pieces(1))
		for _, v := range p.Variants {
			tillStock[v.SKU] = int64(v.Stock / model.Pieces(1))
		}
	}
	arrived := func() bool {
		for _, sku := range skus {
			if n, unlimited, ok := store.Stock(sku); !ok || unlimited || n != tillStock[sku]-1 {
				return false
			}
		}
		return true
	}
	if !assert.Eventually(t, arrived, 2*time.Minute, 500*time.Millisecond, "the till's T-shirt and stock in the store") {
		for _, sku := range skus {
			n, unlimited, ok := store.Stock(sku)
			t.Logf("%s: store %d (unlimited %v, there %v), till %d", sku, n, unlimited, ok, tillStock[sku])
		}
		t.FailNow()
	}
	shirt, ok := store.ProductBySKU(possim.DemoShirtSKU)
	require.True(t, ok)
	assert.Equal(t, "T-shirt Koppel", shirt.Name)
	combos := store.Combinations(shirt.ID)
	require.Len(t, combos, len(possim.DemoSizes), "a combination per size")
	for i, c := range combos {
		require.Len(t, c.Options, 1)
		assert.Equal(t, possim.DemoSizes[i], c.Options[0].Value)
	}
}
