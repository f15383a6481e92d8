package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/koppel/koppel/activities"
	swsim "github.com/koppel/koppel/connectors/shopware6/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
	"github.com/koppel/koppel/workflows"
)

// `make run` as far as the till's catalogue goes into the Shopware shop:
// the example file the way `starter dev` runs it, on a real dev server,
// with nothing triggered by hand. The catalogue schedules start at once, so
// within a minute the till's T-shirt is a product with sizes in the shop
// and the shop's stock is the till's less the buffer.
func TestExampleFileTillCatalogueReachesTheShopwareShop(t *testing.T) {
	s := startFileStack(t, exampleFileHere, "example-catalog-e2e")
	sims, f, c, ctx := s.sims, s.file, s.client, context.Background()
	t.Cleanup(func() {
		for _, in := range f.Integrations {
			for _, flow := range []string{workflows.FlowOrders, workflows.FlowProducts, workflows.FlowStock, workflows.FlowCustomers} {
				_ = c.ScheduleClient().GetHandle(context.Background(), workflows.ScheduleID(in.Name, flow)).Delete(context.Background())
			}
		}
	})

	till, shop := sims.tillOf(t, 1), sims.shopwareOf(t, 1)
	small, ok := till.Product("SHIRT-S")
	require.True(t, ok, "the demo till has the T-shirt in sizes")
	shirtSKU := fmt.Sprintf("P-%d", small.ProductNumber) // options.parentSKU's default
	_, ok = shop.Product(shirtSKU)
	require.False(t, ok, "the demo shop does not sell the T-shirt before the products flow runs")

	// wantStock is what the stock flow makes of the till's level: available
	// less reserved less the buffer of 1, never below zero.
	wantStock := func(sku string) int64 {
		lvl, ok := till.Stock(sku)
		require.True(t, ok, "stock of %s in the till", sku)
		n := int64((lvl.Free - lvl.Reserved - model.Pieces(1)) / model.Pieces(1))
		return max(n, 0)
	}
	skus := []string{"SHIRT-S", "SHIRT-M", "SHIRT-L"}
	for _, p := range simkit.DemoProducts() {
		skus = append(skus, p.SKU)
	}
	arrived := func() bool {
		if _, ok := shop.Product(shirtSKU); !ok {
			return false
		}
		for _, sku := range skus {
			if n, ok := shop.Stock(sku); !ok || n != wantStock(sku) {
				return false
			}
		}
		return true
	}
	if !assert.Eventually(t, arrived, time.Minute, 500*time.Millisecond, "the till's T-shirt and stock in the Shopware shop within a minute") {
		for _, sku := range skus {
			n, ok := shop.Stock(sku)
			t.Logf("%s: shop %d (there: %v), want %d", sku, n, ok, wantStock(sku))
		}
		t.FailNow()
	}

	shirt, _ := shop.Product(shirtSKU)
	assert.Equal(t, "T-shirt Koppel", shirt["name"])
	children, _ := shirt["children"].([]any)
	assert.Len(t, children, 3, "a variant per size")
	for _, size := range []string{"S", "M", "L"} {
		v, ok := shop.Product("SHIRT-" + size)
		require.True(t, ok)
		assert.Equal(t, shirt["id"], v["parentId"], "SHIRT-%s is a variant of the T-shirt", size)
		var maat string
		opts, _ := v["options"].([]any)
		for _, o := range opts {
			on, _ := o.(map[string]any)
			if g, _ := on["group"].(map[string]any); g["name"] == "Maat" {
				maat, _ = on["name"].(string)
			}
		}
		assert.Equal(t, size, maat, "SHIRT-%s: the till's size is the shop's Maat", size)
		assert.Equal(t, true, v["isCloseout"], "SHIRT-%s: manageStock sets the clearance sale flag", size)
	}
	vis, _ := shirt["visibilities"].([]any)
	require.Len(t, vis, 1, "visible in the product sales channel of the example file only")
	assert.Equal(t, swsim.DefaultSalesChannelID, vis[0].(map[string]any)["salesChannelId"])

	// Both schedules ran, and their first runs failed on nothing (a later
	// run of the products schedule finds everything unchanged).
	for _, flow := range []string{workflows.FlowProducts, workflows.FlowStock} {
		h := c.ScheduleClient().GetHandle(ctx, workflows.ScheduleID("demo-shopware", flow))
		var first client.ScheduleWorkflowExecution
		require.Eventually(t, func() bool {
			d, err := h.Describe(ctx)
			if err != nil || len(d.Info.RecentActions) == 0 {
				return false
			}
			first = *d.Info.RecentActions[0].StartWorkflowResult
			return true
		}, time.Minute, 200*time.Millisecond, "the %s schedule ran", flow)
		var out workflows.CatalogState
		require.NoError(t, c.GetWorkflow(ctx, first.WorkflowID, first.FirstExecutionRunID).Get(ctx, &out))
		assert.Zero(t, out.LastRun.Counts[activities.OutcomeFailed], "%s: %+v", flow, out.LastRun)
		if flow == workflows.FlowProducts {
			// The demo shop sells the demo catalogue already (the till's
			// barcodes are new to it); the T-shirt is new.
			assert.Equal(t, map[activities.Outcome]int{activities.OutcomeCreated: 1, activities.OutcomeUpdated: 6,
				activities.OutcomeFiltered: 2}, out.LastRun.Counts, "%+v", out.LastRun)
		}
	}
	for _, sku := range []string{"VERZ", "KORT"} {
		_, ok := shop.Product(sku)
		assert.False(t, ok, "%s books shipping or discounts in the till; the filter keeps it out of the shop", sku)
	}
}
