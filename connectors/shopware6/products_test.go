package shopware6_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/conntest/contract"
	"github.com/koppel/koppel/connectors/shopware6"
	"github.com/koppel/koppel/connectors/shopware6/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// catalogFixture is a shop with a client against it and every exchange
// checked against the Admin API contract.
func catalogFixture(t *testing.T, so sim.Options) *fixture {
	api := contract.OpenAPIForTest(t, contract.ShopwareOpenAPI)
	return newFixture(t, so, shopware6.Config{}, func(h http.Handler) http.Handler { return api.Handler(t, h) })
}

// pngFile is a tiny PNG file.
var pngFile = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

func coffee() model.Product {
	return model.Product{SKU: "KOF-1000", Name: "Koffiebonen huismelange 1 kg", Description: "Vers gebrand.", EAN: "8712345678906",
		Price: eur(1995), PriceIncludesVAT: true, VAT: model.VATPercent(9), Active: true, ManageStock: true,
		Categories: []string{"Koffie > Bonen"}, Images: []model.Image{{Name: "kof-1000.png", Data: pngFile, Main: true}}}
}

func TestCreateThenUpdateBySKU(t *testing.T) {
	f := catalogFixture(t, sim.Options{})
	ctx := context.Background()
	got, err := f.client.FindProduct(ctx, "KOF-1000")
	require.NoError(t, err)
	assert.Nil(t, got, "not in the shop yet")

	id, err := f.client.CreateProduct(ctx, connectors.ProductWrite{Product: coffee(), CreateCategories: true, WriteImages: true})
	require.NoError(t, err)
	assert.Equal(t, shopware6.DeterministicID("product", "KOF-1000"), id)

	found, err := f.client.FindProduct(ctx, "KOF-1000")
	require.NoError(t, err)
	require.NotNil(t, found)
	assert.Equal(t, id, found.ID)
	p := found.Product
	assert.Equal(t, "Koffiebonen huismelange 1 kg", p.Name)
	assert.Equal(t, "Vers gebrand.", p.Description)
	assert.Equal(t, "8712345678906", p.EAN)
	assert.Equal(t, eur(1995), p.Price)
	assert.Equal(t, model.VATPercent(9), p.VAT)
	assert.True(t, p.ManageStock)
	assert.Equal(t, []string{"Koffie > Bonen"}, p.Categories)
	assert.Equal(t, []model.Image{{Name: "kof-1000.png", Main: true}}, p.Images)

	// gross and net both exact: 19.95 incl. 9% is 18.30 net (18.3027… rounded)
	rec, ok := f.shop.Product("KOF-1000")
	require.True(t, ok)
	price := rec["price"].([]any)[0].(map[string]any)
	assert.Equal(t, "19.95", price["gross"].(interface{ String() string }).String())
	assert.Equal(t, "18.30", price["net"].(interface{ String() string }).String())
	assert.Len(t, rec["visibilities"], 1, "visible in the storefront")

	// an update by SKU: the price moves, the product stays one
	upd := coffee()
	upd.Price = eur(2195)
	require.NoError(t, f.client.UpdateProduct(ctx, found.ID, connectors.ProductWrite{Product: upd, CreateCategories: true, WriteImages: true}))
	again, err := f.client.FindProduct(ctx, "KOF-1000")
	require.NoError(t, err)
	assert.Equal(t, eur(2195), again.Product.Price)
	assert.Equal(t, 1, f.shop.Count("product"))
	assert.Equal(t, 1, f.shop.Served(shopware6.OpUploadMedia), "the photo is uploaded once")
	assert.Equal(t, 1, f.shop.Count("media"))
	assert.Equal(t, 3, f.shop.Count("category"), "Home, Koffie and Bonen: the path is created once")
}

// With "update product info" off the flow copies the shop's name and
// description into the write: they stay as the shop has them while the
// price moves.
func TestUpdateKeepsDescriptiveFieldsTheFlowKeeps(t *testing.T) {
	f := catalogFixture(t, sim.Options{})
	ctx := context.Background()
	_, err := f.client.CreateProduct(ctx, connectors.ProductWrite{Product: coffee(), CreateCategories: true})
	require.NoError(t, err)
	have, err := f.client.FindProduct(ctx, "KOF-1000")
	require.NoError(t, err)

	src := coffee()
	src.Name, src.Description, src.Price = "KOFFIE 1KG (till name)", "", eur(2095)
	w := src
	w.Name, w.Description, w.Categories, w.Images = have.Product.Name, have.Product.Description, have.Product.Categories, have.Product.Images
	require.NoError(t, f.client.UpdateProduct(ctx, have.ID, connectors.ProductWrite{Product: w}))

	after, err := f.client.FindProduct(ctx, "KOF-1000")
	require.NoError(t, err)
	assert.Equal(t, "Koffiebonen huismelange 1 kg", after.Product.Name)
	assert.Equal(t, "Vers gebrand.", after.Product.Description)
	assert.Equal(t, eur(2095), after.Product.Price)
}

func TestVariantsWithProperties(t *testing.T) {
	f := catalogFixture(t, sim.Options{})
	ctx := context.Background()
	shirt := model.Product{SKU: "SHIRT", Name: "T-shirt Koppel", Price: eur(2500), PriceIncludesVAT: true, VAT: model.VATPercent(21), Active: true,
		Variants: []model.Product{
			{SKU: "SHIRT-M-W", Active: true, Attributes: map[string]string{"Maat": "M", "Kleur": "Wit"}},
			{SKU: "SHIRT-L-W", Active: true, Price: eur(2750), Attributes: map[string]string{"Maat": "L", "Kleur": "Wit"}},
		}}
	id, err := f.client.CreateProduct(ctx, connectors.ProductWrite{Product: shirt})
	require.NoError(t, err)

	byVariant, err := f.client.FindProduct(ctx, "SHIRT-L-W")
	require.NoError(t, err)
	require.NotNil(t, byVariant)
	assert.Equal(t, id, byVariant.ID, "a variant's number finds its parent")
	require.Len(t, byVariant.Product.Variants, 2)
	bySKU := map[string]model.Product{}
	for _, v := range byVariant.Product.Variants {
		bySKU[v.SKU] = v
	}
	assert.Equal(t, map[string]string{"Maat": "M", "Kleur": "Wit"}, bySKU["SHIRT-M-W"].Attributes)
	assert.Equal(t, eur(2500), bySKU["SHIRT-M-W"].Price, "inherited from the parent")
	assert.Equal(t, eur(2750), bySKU["SHIRT-L-W"].Price)
	assert.Equal(t, 2, f.shop.Count("property_group"))
	assert.Equal(t, 3, f.shop.Count("property_group_option"), "M, L and Wit")
	assert.Equal(t, 3, f.shop.Count("product_configurator_setting"))

	// a new variant is added; the options found are reused
	shirt.Variants = append(shirt.Variants, model.Product{SKU: "SHIRT-M-Z", Active: true, Attributes: map[string]string{"maat": "m", "Kleur": "Zwart"}})
	require.NoError(t, f.client.UpdateProduct(ctx, id, connectors.ProductWrite{Product: shirt}))
	assert.Equal(t, 4, f.shop.Count("product"))
	assert.Equal(t, 4, f.shop.Count("property_group_option"), "Zwart is new, m is M")
}

func TestMissingCategoryWithoutCreating(t *testing.T) {
	f := catalogFixture(t, sim.Options{})
	_, err := f.client.CreateProduct(context.Background(), connectors.ProductWrite{Product: coffee()})
	ce := connErr(t, err, connectors.KindNotFound)
	assert.Contains(t, ce.Message, `category "Koffie"`)
	assert.Equal(t, 0, f.shop.Count("product"))
}

// A create whose answer is lost after the shop wrote it, retried: one
// product, because the retry upserts the same deterministic id.
func TestRetriedCreateAfterALostAnswerMakesOneProduct(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	ctx := context.Background()
	w := connectors.ProductWrite{Product: coffee(), CreateCategories: true}
	f.shop.Faults().Add(simkit.Rule{Op: shopware6.OpSync, Kind: simkit.FaultDropAfterCommit, Times: 1})
	_, err := f.client.CreateProduct(ctx, w)
	connErr(t, err, connectors.KindUnavailable)
	id, err := f.client.CreateProduct(ctx, w)
	require.NoError(t, err)
	assert.Equal(t, 1, f.shop.Count("product"))
	found, err := f.client.FindProduct(ctx, "KOF-1000")
	require.NoError(t, err)
	assert.Equal(t, id, found.ID)
}

// A product number the shop holds under an id Koppel did not derive (made
// by hand) is a conflict, naming the product and field.
func TestDuplicateProductNumberIsAConflict(t *testing.T) {
	f := catalogFixture(t, sim.Options{})
	ctx := context.Background()
	require.NoError(t, seedForeign(f))
	p := coffee()
	p.Categories, p.Images = nil, nil
	_, err := f.client.CreateProduct(ctx, connectors.ProductWrite{Product: p})
	ce := connErr(t, err, connectors.KindConflict)
	assert.Equal(t, "CONTENT__DUPLICATE_PRODUCT_NUMBER", ce.Code)
	assert.Contains(t, ce.Message, "product KOF-1000: productNumber")
}

// seedForeign makes KOF-1000 by hand, with an id of the shop's own.
func seedForeign(f *fixture) error {
	f.shop.AddProduct(model.Product{SKU: "OTHER", Name: "x", Price: eur(100), PriceIncludesVAT: true, VAT: model.VATPercent(21), Active: true})
	return f.shop.SetProductNumber("OTHER", "KOF-1000")
}

func TestStockAbsoluteIdempotentAndManaged(t *testing.T) {
	f := catalogFixture(t, sim.Options{})
	ctx := context.Background()
	p := coffee()
	p.ManageStock, p.Categories, p.Images = false, nil, nil
	_, err := f.client.CreateProduct(ctx, connectors.ProductWrite{Product: p})
	require.NoError(t, err)

	got, err := f.client.GetStock(ctx, []string{"KOF-1000", "NOPE"})
	require.NoError(t, err)
	assert.Equal(t, map[string]connectors.TargetStock{"KOF-1000": {Quantity: 0, Managed: false}}, got)

	require.NoError(t, f.client.SetStock(ctx, "KOF-1000", model.Pieces(12), false))
	got, _ = f.client.GetStock(ctx, []string{"KOF-1000"})
	assert.Equal(t, connectors.TargetStock{Quantity: model.Pieces(12), Managed: false}, got["KOF-1000"], "manage off leaves isCloseout")

	require.NoError(t, f.client.SetStock(ctx, "KOF-1000", model.Pieces(12), true))
	got, _ = f.client.GetStock(ctx, []string{"KOF-1000"})
	assert.Equal(t, connectors.TargetStock{Quantity: model.Pieces(12), Managed: true}, got["KOF-1000"])

	syncs := f.shop.Served(shopware6.OpSync)
	require.NoError(t, f.client.SetStock(ctx, "KOF-1000", model.Pieces(12), true))
	assert.Equal(t, syncs, f.shop.Served(shopware6.OpSync), "nothing differs: nothing written")

	require.NoError(t, f.client.SetStock(ctx, "KOF-1000", model.Quantity(7500), true))
	n, _ := f.shop.Stock("KOF-1000")
	assert.Equal(t, int64(7), n, "7.5 pieces are 7 whole ones")

	err = f.client.SetStock(ctx, "NOPE", model.Pieces(1), true)
	connErr(t, err, connectors.KindNotFound)
}

func TestVariantStock(t *testing.T) {
	f := catalogFixture(t, sim.Options{})
	ctx := context.Background()
	shirt := model.Product{SKU: "SHIRT", Name: "T-shirt", Price: eur(2500), PriceIncludesVAT: true, VAT: model.VATPercent(21), Active: true, ManageStock: true,
		Variants: []model.Product{{SKU: "SHIRT-M", Active: true, Attributes: map[string]string{"Maat": "M"}}}}
	_, err := f.client.CreateProduct(ctx, connectors.ProductWrite{Product: shirt})
	require.NoError(t, err)
	require.NoError(t, f.client.SetStock(ctx, "SHIRT-M", model.Pieces(4), true))
	got, err := f.client.GetStock(ctx, []string{"SHIRT-M"})
	require.NoError(t, err)
	assert.Equal(t, connectors.TargetStock{Quantity: model.Pieces(4), Managed: true}, got["SHIRT-M"], "isCloseout inherited from the parent")
}

// A host's 429 on the write is rate limited with the wait it names; a 503
// is unavailable.
func TestWriteFaults(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	ctx := context.Background()
	p := coffee()
	p.Categories, p.Images = nil, nil
	f.shop.Faults().Add(simkit.Rule{Op: shopware6.OpSync, Kind: simkit.FaultRateLimit, RetryAfter: 3 * time.Second, Times: 1})
	_, err := f.client.CreateProduct(ctx, connectors.ProductWrite{Product: p})
	ce := connErr(t, err, connectors.KindRateLimited)
	assert.Equal(t, 3*time.Second, ce.RetryAfter)
	f.shop.Faults().Add(simkit.Rule{Op: shopware6.OpSync, Kind: simkit.FaultStatus, Status: 503, Times: 1})
	err = f.client.SetStock(ctx, "KOF-1000", model.Pieces(1), false)
	assert.True(t, connectors.IsKind(err, connectors.KindNotFound), "nothing was written: %v", err)
	_, err = f.client.CreateProduct(ctx, connectors.ProductWrite{Product: p})
	connErr(t, err, connectors.KindUnavailable)
}

// The shop's refusal names the variant and field, not a JSON pointer.
func TestWriteErrorsNameTheVariantAndField(t *testing.T) {
	f := catalogFixture(t, sim.Options{})
	ctx := context.Background()
	require.NoError(t, seedForeign(f)) // KOF-1000 is taken by another product
	shirt := model.Product{SKU: "SHIRT", Name: "T-shirt", Price: eur(2500), PriceIncludesVAT: true, VAT: model.VATPercent(21), Active: true,
		Variants: []model.Product{{SKU: "SHIRT-M", Attributes: map[string]string{"Maat": "M"}}, {SKU: "KOF-1000", Attributes: map[string]string{"Maat": "L"}}}}
	_, err := f.client.CreateProduct(ctx, connectors.ProductWrite{Product: shirt})
	ce := connErr(t, err, connectors.KindConflict)
	assert.Contains(t, ce.Message, "variant KOF-1000: productNumber: Product with number")
	assert.Equal(t, 0, f.shop.Count("property_group"), "rolled back with the product")
}

func TestMissingTaxRate(t *testing.T) {
	f := catalogFixture(t, sim.Options{})
	p := coffee()
	p.VAT = model.VATPercent(19)
	_, err := f.client.CreateProduct(context.Background(), connectors.ProductWrite{Product: p, CreateCategories: true})
	ce := connErr(t, err, connectors.KindNotFound)
	assert.Contains(t, ce.Message, "no tax with the rate 19%")
}

// Two products in one category path with the same photo: the path is
// created once and the photo uploaded once, then linked.
func TestSharedCategoryAndPhotoAreWrittenOnce(t *testing.T) {
	f := catalogFixture(t, sim.Options{})
	ctx := context.Background()
	_, err := f.client.CreateProduct(ctx, connectors.ProductWrite{Product: coffee(), CreateCategories: true, WriteImages: true})
	require.NoError(t, err)
	other := coffee()
	other.SKU, other.EAN = "KOF-0500", ""
	_, err = f.client.CreateProduct(ctx, connectors.ProductWrite{Product: other, CreateCategories: true, WriteImages: true})
	require.NoError(t, err)
	assert.Equal(t, 3, f.shop.Count("category"), "Home, Koffie, Bonen")
	assert.Equal(t, 1, f.shop.Count("media"))
	assert.Equal(t, 1, f.shop.Served(shopware6.OpUploadMedia))
	got, err := f.client.FindProduct(ctx, "KOF-0500")
	require.NoError(t, err)
	assert.Equal(t, []string{"Koffie > Bonen"}, got.Product.Categories)
	assert.Equal(t, []model.Image{{Name: "kof-1000.png", Main: true}}, got.Product.Images)
}

// A 6.4 shop answers the Sync API in its own shape; the client reads it.
func TestWritesToA64Shop(t *testing.T) {
	f := newFixture(t, sim.Options{Version: "6.4"}, shopware6.Config{}, nil)
	ctx := context.Background()
	_, err := f.client.CreateProduct(ctx, connectors.ProductWrite{Product: coffee(), CreateCategories: true, WriteImages: true})
	require.NoError(t, err)
	require.NoError(t, f.client.SetStock(ctx, "KOF-1000", model.Pieces(6), true))
	n, _ := f.shop.Stock("KOF-1000")
	assert.Equal(t, int64(6), n)
	require.NoError(t, f.shop.SetProductNumber("KOF-1000", "KOF-1000-OLD"))
	require.NoError(t, seedForeign(f))
	p := coffee()
	p.Images = nil
	_, err = f.client.CreateProduct(ctx, connectors.ProductWrite{Product: p, CreateCategories: true})
	ce := connErr(t, err, connectors.KindConflict)
	assert.Contains(t, ce.Message, "product KOF-1000: productNumber: Product with number")
}

// A create retried after its answer was lost, once the stock flow has set
// the stock, leaves the stock alone.
func TestRetriedCreateKeepsStockSetSince(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	ctx := context.Background()
	p := coffee()
	p.Categories, p.Images = nil, nil
	_, err := f.client.CreateProduct(ctx, connectors.ProductWrite{Product: p})
	require.NoError(t, err)
	require.NoError(t, f.client.SetStock(ctx, "KOF-1000", model.Pieces(8), true))
	_, err = f.client.CreateProduct(ctx, connectors.ProductWrite{Product: p})
	require.NoError(t, err)
	n, _ := f.shop.Stock("KOF-1000")
	assert.Equal(t, int64(8), n)
	assert.Equal(t, 1, f.shop.Count("product"))
}
