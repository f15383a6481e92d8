package ecwid

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

func TestSetStockWritesTheAbsoluteQuantity(t *testing.T) {
	f := newFake(t)
	seedCatalogue(f)
	c := f.client()
	require.NoError(t, c.SetStock(context.Background(), "KOF-1000", 5700, true))
	require.NoError(t, c.SetStock(context.Background(), "TS-L", model.Pieces(2), true))
	require.NoError(t, c.SetStock(context.Background(), "TS-M", model.Pieces(9), false))

	prod := f.callsOf(OpUpdateProduct)
	require.Len(t, prod, 1)
	assert.Equal(t, "/products/11", prod[0].Path)
	assert.Equal(t, map[string]any{"quantity": jsonNum("5"), "unlimited": false}, prod[0].Body, "whole pieces, rounded down")
	combo := f.callsOf(OpUpdateCombination)
	require.Len(t, combo, 2)
	assert.Equal(t, "/products/12/combinations/122", combo[0].Path)
	assert.Equal(t, map[string]any{"quantity": jsonNum("2"), "unlimited": false}, combo[0].Body)
	assert.Equal(t, map[string]any{"quantity": jsonNum("9")}, combo[1].Body, "without manage, stock keeping is left as it is")
	for _, call := range f.calls {
		assert.NotContains(t, call.Path, "inventory", "never the delta endpoint")
	}

	// a retry writes the same figure again
	require.NoError(t, c.SetStock(context.Background(), "KOF-1000", model.Pieces(5), true))
	got, err := c.GetStock(context.Background(), []string{"KOF-1000"})
	require.NoError(t, err)
	assert.Equal(t, connectors.TargetStock{Quantity: model.Pieces(5), Managed: true}, got["KOF-1000"])

	err = c.SetStock(context.Background(), "NOPE", 1, true)
	assert.True(t, connectors.IsKind(err, connectors.KindNotFound))
}

func TestGetStockShowsUnlimitedAsNotManaged(t *testing.T) {
	f := newFake(t)
	seedCatalogue(f)
	got, err := f.client().GetStock(context.Background(), []string{"KOF-1000", "TS-M", "TS-L", "TS", "NOPE", ""})
	require.NoError(t, err)
	assert.Equal(t, map[string]connectors.TargetStock{
		"KOF-1000": {Quantity: model.Pieces(4), Managed: true},
		"TS-M":     {Quantity: model.Pieces(3), Managed: true},
		"TS-L":     {Managed: false},
		"TS":       {Managed: false},
	}, got)
	levels, err := f.client().StockLevels(context.Background(), []string{"KOF-1000", "TS-L"})
	require.NoError(t, err)
	assert.Equal(t, []model.StockLevel{{SKU: "KOF-1000", Physical: model.Pieces(4), Available: model.Pieces(4)}}, levels)
}

func TestListStockLeavesUnlimitedOut(t *testing.T) {
	f := newFake(t)
	seedCatalogue(f)
	c := f.client()
	for _, all := range []bool{false, true} {
		var levels []model.StockLevel
		token, cursor := "", ""
		for pages := 0; ; pages++ {
			require.Less(t, pages, 20)
			p, err := c.ListStock(context.Background(), connectors.StockQuery{All: all, ChangeQuery: connectors.ChangeQuery{PageToken: token, PageSize: 1}})
			require.NoError(t, err)
			levels = append(levels, p.Levels...)
			if p.NextPageToken == "" {
				cursor = p.Cursor
				break
			}
			token = p.NextPageToken
		}
		assert.ElementsMatch(t, []model.StockLevel{
			{SKU: "KOF-1000", Physical: model.Pieces(4), Available: model.Pieces(4)},
			{SKU: "TS-M", Physical: model.Pieces(3), Available: model.Pieces(3)},
		}, levels, "all: %v", all)
		assert.True(t, strings.HasPrefix(cursor, "{"), "a cursor for the next run (all: %v): %q", all, cursor)
	}
}

func TestRoundStockKeepsWholePiecesRoundedDown(t *testing.T) {
	c := newFake(t).client()
	assert.Equal(t, model.Pieces(5), c.RoundStock(5999))
	assert.Equal(t, model.Pieces(-2), c.RoundStock(-1500))
	assert.Equal(t, model.Pieces(3), c.RoundStock(model.Pieces(3)))
}
