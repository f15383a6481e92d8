package activities

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/mapping"
	"github.com/koppel/koppel/model"
)

type fakeCatalog struct {
	products []connectors.SourceProduct
	levels   []model.StockLevel
	have     map[string]connectors.TargetProduct
	stock    map[string]connectors.TargetStock
	written  []string
	failOn   map[string]error
}

func (f *fakeCatalog) ListChangedProducts(context.Context, connectors.ChangeQuery) (connectors.ProductPage, error) {
	return connectors.ProductPage{Products: f.products, Cursor: "c1"}, nil
}

func (f *fakeCatalog) FindProduct(_ context.Context, sku string) (*connectors.TargetProduct, error) {
	if p, ok := f.have[sku]; ok {
		return &p, nil
	}
	return nil, nil
}

func (f *fakeCatalog) CreateProduct(_ context.Context, w connectors.ProductWrite) (string, error) {
	if err := f.failOn[w.Product.SKU]; err != nil {
		return "", err
	}
	f.written = append(f.written, "create "+w.Product.SKU)
	return "id-" + w.Product.SKU, nil
}

func (f *fakeCatalog) UpdateProduct(_ context.Context, id string, w connectors.ProductWrite) error {
	f.written = append(f.written, "update "+w.Product.SKU)
	return nil
}

func (f *fakeCatalog) ListStock(_ context.Context, q connectors.StockQuery) (connectors.StockPage, error) {
	return connectors.StockPage{Levels: f.levels, Cursor: "s1"}, nil
}

func (f *fakeCatalog) StockLevels(_ context.Context, skus []string) ([]model.StockLevel, error) {
	var out []model.StockLevel
	for _, l := range f.levels {
		for _, s := range skus {
			if l.SKU == s {
				out = append(out, l)
			}
		}
	}
	return out, nil
}

func (f *fakeCatalog) GetStock(_ context.Context, skus []string) (map[string]connectors.TargetStock, error) {
	return f.stock, nil
}

func (f *fakeCatalog) SetStock(_ context.Context, sku string, qty model.Quantity, manage bool) error {
	f.written = append(f.written, "stock "+sku+"="+qty.String())
	return nil
}

func catalogActs(t *testing.T, fc *fakeCatalog, filter string) *Activities {
	f, err := mapping.CompileFilter(mapping.FlowProducts, filter, nil)
	require.NoError(t, err)
	return &Activities{Integrations: map[string]*Integration{"demo": {
		Products: &ProductFlow{From: fc, To: fc, FromName: "mplus", ToName: "ccvshop", Filter: f,
			Settings: config.ProductFlow{AlwaysSync: config.DefaultAlwaysSync}},
		Stock: &StockFlow{From: fc, To: fc, FromName: "mplus", ToName: "ccvshop",
			Settings: config.StockFlow{Calculation: config.CalcAvailableMinusReserved, Buffer: 1}},
	}}}
}

func TestProductPageWritesEachProductAndReportsFailuresWithoutStopping(t *testing.T) {
	product := func(sku, cat string) connectors.SourceProduct {
		return connectors.SourceProduct{Product: model.Product{SKU: sku, Name: sku, Price: eur(100), Categories: []string{cat}}}
	}
	fc := &fakeCatalog{
		products: []connectors.SourceProduct{product("TEA", "Thee"), product("BAD", "Koffie"), product("BEANS", "Koffie"), product("CUP", "Koffie")},
		have:     map[string]connectors.TargetProduct{"CUP": {ID: "9", Product: model.Product{SKU: "CUP", Name: "CUP", Price: eur(50), Categories: []string{"Koffie"}}}},
		failOn: map[string]error{"BAD": &connectors.Error{Kind: connectors.KindNotFound, System: "ccvshop", Op: "POST /products",
			Message: "category Koffie does not exist"}},
	}
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestActivityEnvironment()
	acts := catalogActs(t, fc, "'Koffie' in product.categories")
	env.RegisterActivity(acts)
	val, err := env.ExecuteActivity(acts.SyncProductPage, PageInput{Integration: "demo"})
	require.NoError(t, err)
	var res PageResult
	require.NoError(t, val.Get(&res))

	assert.Equal(t, "c1", res.Cursor)
	assert.Equal(t, map[Outcome]int{OutcomeFiltered: 1, OutcomeFailed: 1, OutcomeCreated: 1, OutcomeUpdated: 1}, res.Counts)
	assert.Equal(t, []string{"create BEANS", "update CUP"}, fc.written)
	require.Len(t, res.Records, 3, "filtered records are only counted")
	assert.Equal(t, "BAD", res.Records[0].Key)
	assert.Contains(t, res.Records[0].Reason, "category Koffie does not exist")
}

func TestProductPageStopsOnAnOutageSoTemporalRetries(t *testing.T) {
	fc := &fakeCatalog{
		products: []connectors.SourceProduct{{Product: model.Product{SKU: "A", Name: "A"}}},
		failOn:   map[string]error{"A": &connectors.Error{Kind: connectors.KindUnavailable, System: "ccvshop", Op: "POST /products", Status: 503}},
	}
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestActivityEnvironment()
	acts := catalogActs(t, fc, "")
	env.RegisterActivity(acts)
	_, err := env.ExecuteActivity(acts.SyncProductPage, PageInput{Integration: "demo"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), ErrTypeUnavailable)
}

func TestStockPageWritesOnlyDifferences(t *testing.T) {
	fc := &fakeCatalog{
		levels: []model.StockLevel{
			{SKU: "A", Available: model.Pieces(10), Reserved: model.Pieces(2)}, // 10-2-1 = 7, shop shows 7
			{SKU: "B", Available: model.Pieces(5)},                             // 5-1 = 4, shop shows 9
			{SKU: "C", Available: model.Pieces(1)},                             // not in the shop
		},
		stock: map[string]connectors.TargetStock{"A": {Quantity: model.Pieces(7)}, "B": {Quantity: model.Pieces(9)}},
	}
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestActivityEnvironment()
	acts := catalogActs(t, fc, "")
	env.RegisterActivity(acts)
	val, err := env.ExecuteActivity(acts.SyncStockPage, PageInput{Integration: "demo"})
	require.NoError(t, err)
	var res PageResult
	require.NoError(t, val.Get(&res))
	assert.Equal(t, []string{"stock B=4"}, fc.written)
	assert.Equal(t, map[Outcome]int{OutcomeUnchanged: 1, OutcomeUpdated: 1, OutcomeMissing: 1}, res.Counts)
	assert.Equal(t, "9 → 4", res.Records[0].Detail)
}

func TestARetriedPageResumesAfterTheLastRecordDone(t *testing.T) {
	product := func(sku string) connectors.SourceProduct {
		return connectors.SourceProduct{Product: model.Product{SKU: sku, Name: sku, Price: eur(100)}}
	}
	// Read again, the source lists the page in another order.
	fc := &fakeCatalog{products: []connectors.SourceProduct{product("C"), product("A"), product("B")}}
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestActivityEnvironment()
	acts := catalogActs(t, fc, "")
	env.RegisterActivity(acts)
	// The attempt before wrote A and B, then the worker died.
	env.SetHeartbeatDetails(pageProgress{Done: []string{"A", "B"}, Result: PageResult{
		Counts:  map[Outcome]int{OutcomeCreated: 2},
		Records: []RecordResult{{Key: "A", Outcome: OutcomeCreated}, {Key: "B", Outcome: OutcomeCreated}},
	}})
	val, err := env.ExecuteActivity(acts.SyncProductPage, PageInput{Integration: "demo"})
	require.NoError(t, err)
	var res PageResult
	require.NoError(t, val.Get(&res))
	assert.Equal(t, []string{"create C"}, fc.written, "A and B are not written again")
	assert.Equal(t, map[Outcome]int{OutcomeCreated: 3}, res.Counts, "the result covers the whole page")
	assert.Equal(t, "c1", res.Cursor)
}
