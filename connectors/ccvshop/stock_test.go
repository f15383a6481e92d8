package ccvshop_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/model"
)

func stockShop(t *testing.T) (*fixture, *testClock) {
	t.Helper()
	f, clock := newCatalogFixture(t, sim.Options{}, ccvshop.Config{})
	f.sim.AddProduct(simple("PLAIN", t0.Add(-3*time.Hour)))
	f.sim.AddProduct(coffee("KOF")) // stock per combination
	off := simple("OFF", t0.Add(-2*time.Hour))
	off.StockEnabled = false
	f.sim.AddProduct(off)
	onProduct := coffee("ONPROD")
	onProduct.StockType = sim.StockTypeProduct
	onProduct.Stock = model.Quantity(1500)
	onProduct.ModifiedAt = t0.Add(-time.Hour)
	f.sim.AddProduct(onProduct)
	return f, clock
}

func levels(t *testing.T, c *ccvshop.Client, q connectors.StockQuery) (map[string]model.Quantity, string) {
	t.Helper()
	out := map[string]model.Quantity{}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 20)
		page, err := c.ListStock(context.Background(), q)
		require.NoError(t, err)
		for _, l := range page.Levels {
			assert.Equal(t, l.Physical, l.Available, "the shop keeps one figure")
			assert.Zero(t, l.Reserved)
			out[l.SKU] = l.Physical
		}
		if page.NextPageToken == "" {
			return out, page.Cursor
		}
		q.PageToken = page.NextPageToken
	}
}

// One level per product, or per combination when stock is kept there; a
// product without stock keeping has none.
func TestListStock(t *testing.T) {
	f, clock := stockShop(t)
	all, cursor := levels(t, f.client, connectors.StockQuery{ChangeQuery: connectors.ChangeQuery{PageSize: 1}, All: true})
	assert.Equal(t, map[string]model.Quantity{"PLAIN": model.Pieces(3), "KOF-500": model.Pieces(4), "KOF-250": model.Pieces(2), "ONPROD": 1500}, all)
	assert.Equal(t, t0.Format(time.RFC3339), cursor)

	changed, cursor := levels(t, f.client, connectors.StockQuery{ChangeQuery: connectors.ChangeQuery{Cursor: cursor}})
	assert.Equal(t, map[string]model.Quantity{"KOF-500": model.Pieces(4), "KOF-250": model.Pieces(2)}, changed, "only KOF is at the cursor")

	clock.Add(time.Minute)
	require.NoError(t, f.sim.SetProductStock("PLAIN", model.Pieces(8)))
	changed, _ = levels(t, f.client, connectors.StockQuery{ChangeQuery: connectors.ChangeQuery{Cursor: cursor}})
	assert.Equal(t, map[string]model.Quantity{"PLAIN": model.Pieces(8), "KOF-500": model.Pieces(4), "KOF-250": model.Pieces(2)}, changed)
}

func TestSetAndGetStock(t *testing.T) {
	f, _ := stockShop(t)
	ctx := context.Background()
	got, err := f.client.GetStock(ctx, []string{"PLAIN", "KOF-250", "OFF", "ONPROD-500", "NOPE"})
	require.NoError(t, err)
	assert.Equal(t, map[string]connectors.TargetStock{
		"PLAIN":      {Quantity: model.Pieces(3), Managed: true},
		"KOF-250":    {Quantity: model.Pieces(2), Managed: true},
		"OFF":        {Quantity: model.Pieces(3), Managed: false},
		"ONPROD-500": {Quantity: model.Pieces(4), Managed: false},
	}, got, "an unknown SKU is absent; a combination counts as managed only with stock per combination")

	tests := []struct {
		name      string
		sku       string
		qty       model.Quantity
		manage    bool
		want      connectors.TargetStock
		productOp int
	}{
		{"product, absolute", "PLAIN", model.Pieces(5), false, connectors.TargetStock{Quantity: model.Pieces(5), Managed: true}, 1},
		{"again: absolute, not added", "PLAIN", model.Pieces(5), false, connectors.TargetStock{Quantity: model.Pieces(5), Managed: true}, 1},
		{"a fraction", "PLAIN", model.Quantity(2500), false, connectors.TargetStock{Quantity: 2500, Managed: true}, 1},
		{"unmanaged stays unmanaged", "OFF", model.Pieces(1), false, connectors.TargetStock{Quantity: model.Pieces(1), Managed: false}, 1},
		{"manage switches it on", "OFF", model.Pieces(2), true, connectors.TargetStock{Quantity: model.Pieces(2), Managed: true}, 1},
		{"a combination", "KOF-250", model.Pieces(7), true, connectors.TargetStock{Quantity: model.Pieces(7), Managed: true}, 0},
		{"a combination of a product with stock on itself", "ONPROD-500", model.Pieces(6), true, connectors.TargetStock{Quantity: model.Pieces(6), Managed: true}, 1},
		{"then it is known to be managed", "ONPROD-250", model.Pieces(1), true, connectors.TargetStock{Quantity: model.Pieces(1), Managed: true}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.reset()
			require.NoError(t, f.client.SetStock(ctx, tt.sku, tt.qty, tt.manage))
			assert.Equal(t, tt.productOp, f.count(ccvshop.OpUpdateProduct))
			assert.Zero(t, f.count(ccvshop.OpListProducts), "the SKU index is reused")
			got, err := f.client.GetStock(ctx, []string{tt.sku})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got[tt.sku])
		})
	}
	p, _ := f.sim.Product("ONPROD")
	assert.Equal(t, sim.StockTypeCombination, p.StockType)
	assert.Equal(t, model.Pieces(6), variantBySKU(p, "ONPROD-500").Stock)
}

// A SKU the index lacks rebuilds it once; one the shop lacks is not_found.
func TestSetStockUnknownSKU(t *testing.T) {
	f, _ := stockShop(t)
	ctx := context.Background()
	require.NoError(t, f.client.SetStock(ctx, "PLAIN", model.Pieces(1), false))
	f.sim.AddProduct(coffee("NEW"))
	f.reset()
	require.NoError(t, f.client.SetStock(ctx, "NEW-500", model.Pieces(3), false), "a product made since the index was built")
	assert.Equal(t, 1, f.count(ccvshop.OpListProducts))
	p, _ := f.sim.Product("NEW")
	assert.Equal(t, model.Pieces(3), variantBySKU(p, "NEW-500").Stock)

	err := f.client.SetStock(ctx, "GHOST-1", model.Pieces(1), true)
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindNotFound, ce.Kind)
	assert.Contains(t, ce.Message, `"GHOST-1"`)
}

// A product deleted behind the index's back: the PATCH's 404 rebuilds the
// index, and the SKU is then not found.
func TestSetStockAfterTheProductWent(t *testing.T) {
	f, _ := stockShop(t)
	ctx := context.Background()
	require.NoError(t, f.client.SetStock(ctx, "PLAIN", model.Pieces(1), false))
	require.NoError(t, f.sim.Restore([]byte(`{"catalog":{}}`)), "every product gone")
	f.reset()
	err := f.client.SetStock(ctx, "PLAIN", model.Pieces(2), false)
	assert.True(t, connectors.IsKind(err, connectors.KindNotFound), "%v", err)
	assert.Equal(t, []string{ccvshop.OpUpdateProduct + " 404", ccvshop.OpListProducts + " 200"}, f.ops(), "the 404 rebuilds the index once")
}
