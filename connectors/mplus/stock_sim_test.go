package mplus_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/mplus"
	"github.com/koppel/koppel/connectors/mplus/sim"
	"github.com/koppel/koppel/model"
)

// stockFixture has three stock articles and one without stock keeping.
func stockFixture(t *testing.T, opts ...fixtureOpt) *fixture {
	t.Helper()
	f := newFixture(t, opts...)
	for _, plu := range []string{"ST-1", "ST-2", "ST-3"} {
		f.arts[plu] = f.sim.AddProduct(sim.Product{PLU: plu, Description: "Voorraad " + plu, PriceInclCents: 100, StockArticle: true})
	}
	f.arts["NS-1"] = f.sim.AddProduct(sim.Product{PLU: "NS-1", Description: "Dienst", PriceInclCents: 100})
	return f
}

// listStock pages through ListStock and returns the levels by SKU (the last
// one of each wins), the cursor and the number of pages.
func listStock(t *testing.T, c *mplus.Client, q connectors.StockQuery) (map[string]model.StockLevel, string, int) {
	t.Helper()
	out := map[string]model.StockLevel{}
	for pages := 1; ; pages++ {
		require.Less(t, pages, 50)
		page, err := c.ListStock(context.Background(), q)
		require.NoError(t, err)
		for _, l := range page.Levels {
			out[l.SKU] = l
		}
		if page.NextPageToken == "" {
			require.NotEmpty(t, page.Cursor)
			return out, page.Cursor, pages
		}
		q.PageToken = page.NextPageToken
	}
}

func level(sku string, free, reserved int64) model.StockLevel {
	return model.StockLevel{SKU: sku, Location: "1", Physical: model.Pieces(free), Available: model.Pieces(free), Reserved: model.Pieces(reserved)}
}

func TestListStockChangedOnly(t *testing.T) {
	f := stockFixture(t)
	require.NoError(t, f.sim.SetStockLevel("ST-1", model.Pieces(5), model.Pieces(1)))
	require.NoError(t, f.sim.SetStockLevel("ST-2", model.Pieces(7), 0))
	require.NoError(t, f.sim.SetStockLevel("ST-1", model.Pieces(4), model.Pieces(1)))
	require.NoError(t, f.sim.SetStockLevel("NS-1", model.Pieces(9), 0)) // history of an article that keeps no stock

	got, cursor, pages := listStock(t, f.c, connectors.StockQuery{ChangeQuery: connectors.ChangeQuery{PageSize: 2}})
	assert.Equal(t, map[string]model.StockLevel{"ST-1": level("ST-1", 4, 1), "ST-2": level("ST-2", 7, 0)}, got,
		"the current levels of the articles the history names; articles without stock keeping are left out")
	assert.Equal(t, 3, pages, "4 history rows in pages of 2, then an empty one")
	assert.Equal(t, strconv.FormatInt(f.sim.SyncMarkers().Stock, 10), cursor)

	none, same, _ := listStock(t, f.c, connectors.StockQuery{ChangeQuery: connectors.ChangeQuery{Cursor: cursor, PageSize: 2}})
	assert.Empty(t, none)
	assert.Equal(t, cursor, same)

	require.NoError(t, f.sim.SetStockLevel("ST-3", model.Pieces(2), 0))
	require.NoError(t, f.c.SetStock(context.Background(), "ST-2", model.Pieces(6), false))
	next, _, _ := listStock(t, f.c, connectors.StockQuery{ChangeQuery: connectors.ChangeQuery{Cursor: cursor, PageSize: 2}})
	assert.Equal(t, map[string]model.StockLevel{"ST-3": level("ST-3", 2, 0), "ST-2": level("ST-2", 6, 0)}, next)
}

func TestListStockAll(t *testing.T) {
	f := stockFixture(t)
	require.NoError(t, f.sim.SetStockLevel("ST-1", model.Pieces(5), 0))
	startStock := f.sim.SyncMarkers().Stock

	var during bool
	q := connectors.StockQuery{All: true, ChangeQuery: connectors.ChangeQuery{PageSize: 3, Cursor: "999"}}
	got := map[string]model.StockLevel{}
	var cursor string
	for pages := 1; ; pages++ {
		require.Less(t, pages, 50)
		page, err := f.c.ListStock(context.Background(), q)
		require.NoError(t, err)
		for _, l := range page.Levels {
			got[l.SKU] = l
		}
		if !during {
			// A change in the middle of the pass is listed by the next changed-only run.
			require.NoError(t, f.sim.SetStockLevel("ST-3", model.Pieces(8), 0))
			during = true
		}
		if page.NextPageToken == "" {
			cursor = page.Cursor
			break
		}
		q.PageToken = page.NextPageToken
		q.All = false // a page token alone goes on with the reconciliation
	}
	assert.Equal(t, level("ST-1", 5, 0), got["ST-1"])
	assert.Equal(t, level("ST-2", 0, 0), got["ST-2"], "every stock article, also one that never changed")
	assert.Contains(t, got, "ST-3")
	assert.NotContains(t, got, "NS-1")
	assert.NotContains(t, got, "KOF-1")
	assert.Equal(t, strconv.FormatInt(startStock, 10), cursor, "the pass ends at the stockId it began with")

	next, _, _ := listStock(t, f.c, connectors.StockQuery{ChangeQuery: connectors.ChangeQuery{Cursor: cursor}})
	assert.Equal(t, map[string]model.StockLevel{"ST-3": level("ST-3", 8, 0)}, next)
}

func TestGetStock(t *testing.T) {
	f := stockFixture(t)
	require.NoError(t, f.sim.SetStockLevel("ST-1", 2500, 0))
	got, err := f.c.GetStock(context.Background(), []string{"ST-1", "ST-2", "NS-1", "NOPE"})
	require.NoError(t, err)
	assert.Equal(t, map[string]connectors.TargetStock{
		"ST-1": {Quantity: 2500, Managed: true},
		"ST-2": {Quantity: 0, Managed: true},
		"NS-1": {Quantity: 0, Managed: false},
	}, got)
}

func TestSetStock(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		sku     string
		qty     model.Quantity
		manage  bool
		times   int
		cfg     func(*mplus.Config)
		kind    connectors.ErrorKind
		mention string
		want    model.Quantity
		managed bool
		history int
	}{
		{name: "absolute: twice is the same level", sku: "ST-1", qty: model.Pieces(5), times: 2, want: model.Pieces(5), managed: true, history: 1},
		{name: "fractional", sku: "ST-1", qty: 1250, times: 1, want: 1250, managed: true, history: 1},
		{name: "manage switches stock keeping on", sku: "NS-1", qty: model.Pieces(3), manage: true, times: 1, want: model.Pieces(3), managed: true, history: 1},
		{name: "no stock article without manage", sku: "NS-1", qty: model.Pieces(3), times: 1,
			kind: connectors.KindValidation, mention: "manage stock"},
		{name: "unknown SKU", sku: "NOPE", qty: model.Pieces(3), times: 1, kind: connectors.KindNotFound, mention: "NOPE"},
		{name: "unknown branch", sku: "ST-1", qty: model.Pieces(3), times: 1, cfg: func(c *mplus.Config) { c.StockBranch = 7 },
			kind: connectors.KindConfig, mention: "stockBranch"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := stockFixture(t, func(_ *sim.Options, c *mplus.Config) {
				if tc.cfg != nil {
					tc.cfg(c)
				}
			})
			var err error
			for range tc.times {
				if err = f.c.SetStock(ctx, tc.sku, tc.qty, tc.manage); err != nil {
					break
				}
			}
			if tc.kind != "" {
				assert.Equal(t, tc.kind, kindOf(t, err))
				assert.Contains(t, err.Error(), tc.mention)
				assert.Empty(t, f.sim.StockHistory())
				return
			}
			require.NoError(t, err)
			lvl, _ := f.sim.Stock(tc.sku)
			assert.Equal(t, tc.want, lvl.Free)
			a, _ := f.sim.Product(tc.sku)
			assert.Equal(t, tc.managed, a.StockArticle)
			hist := f.sim.StockHistory()
			require.Len(t, hist, tc.history)
			assert.Equal(t, "koppel", hist[0].Reference)
			assert.Equal(t, sim.DefaultEmployee, hist[0].EmployeeNumber)
			assert.Equal(t, tc.times, f.sim.Calls("setStock"))
			assert.Equal(t, 0, f.sim.Calls("updateStock"), "never a delta")

			got, err := f.c.GetStock(ctx, []string{tc.sku})
			require.NoError(t, err)
			assert.Equal(t, connectors.TargetStock{Quantity: tc.want, Managed: true}, got[tc.sku])
		})
	}
}

// TestSetStockManageAfterStaleLookup: stock keeping was switched off in the
// back office after the article was cached; setStock says NO-STOCK-ARTICLE
// and the client switches it on and sets the level.
func TestSetStockManageAfterStaleLookup(t *testing.T) {
	ctx := context.Background()
	f := stockFixture(t)
	_, err := f.c.LookupProducts(ctx, []string{"ST-1"})
	require.NoError(t, err)
	a, _ := f.sim.Product("ST-1")
	a.StockArticle = false
	f.sim.AddProduct(a)

	require.NoError(t, f.c.SetStock(ctx, "ST-1", model.Pieces(4), true))
	lvl, _ := f.sim.Stock("ST-1")
	assert.Equal(t, model.Pieces(4), lvl.Free)
	assert.Equal(t, 2, f.sim.Calls("setStock"))
	assert.Equal(t, 1, f.sim.Calls("updateProduct"))
}
