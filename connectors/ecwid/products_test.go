package ecwid

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

func seedTree(f *fake) {
	f.addCategory(1, 0, "Koffie")
	f.addCategory(2, 1, "Bonen")
	f.addCategory(3, 0, "Kleding")
}

func TestListChangedProductsReadsVariantsEANAndCategories(t *testing.T) {
	f := newFake(t)
	seedTree(f)
	f.addProduct(`{"id": 11, "sku": "KOF-1000", "name": "Koffiebonen", "description": "<p>Vers</p>", "price": 19.95, "quantity": 4, "unlimited": false,
	  "enabled": true, "categoryIds": [2, 99], "updateTimestamp": 1714541000, "tax": {"defaultLocationIncludedTaxRate": 9},
	  "attributes": [{"id": 1, "name": "Merk", "value": "Koppel", "type": "BRAND"}, {"id": 2, "name": "UPC", "value": "8712345678906", "type": "UPC"}]}`)
	f.addProduct(`{"id": 12, "sku": "TS", "name": "T-shirt", "price": 25, "unlimited": true, "enabled": false, "categoryIds": [3], "updateTimestamp": 1714541000,
	  "options": [{"type": "SELECT", "name": "Maat", "choices": [{"text": "M"}, {"text": "L"}]}],
	  "combinations": [{"id": 121, "sku": "TS-M", "options": [{"name": "Maat", "value": "M"}], "quantity": 3, "unlimited": false, "price": 27.5,
	                    "attributes": [{"name": "UPC", "value": "8712345678913", "type": "UPC"}]},
	                   {"id": 122, "sku": "TS-L", "options": [{"name": "Maat", "value": "L"}], "unlimited": true}]}`)
	f.addProduct(`{"id": 13, "sku": "OLD", "name": "Oud", "price": 1, "updateTimestamp": 1000}`)
	c := f.client()
	var got []connectors.SourceProduct
	token, cursor := "", ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 50)
		p, err := c.ListChangedProducts(context.Background(), connectors.ChangeQuery{Cursor: `{"high":1714540000}`, PageToken: token, PageSize: 1})
		require.NoError(t, err)
		got = append(got, p.Products...)
		if p.NextPageToken == "" {
			cursor = p.Cursor
			break
		}
		token = p.NextPageToken
	}
	require.Len(t, got, 2, "the product changed before the cursor is not listed")
	require.NotEmpty(t, cursor)
	kof, ts := got[0].Product, got[1].Product
	if kof.SKU != "KOF-1000" {
		kof, ts = ts, kof
	}
	assert.Equal(t, model.Product{SKU: "KOF-1000", Name: "Koffiebonen", Description: "<p>Vers</p>", EAN: "8712345678906",
		Price: eur(1995), PriceIncludesVAT: true, VAT: 900, Active: true, ManageStock: true, Categories: []string{"Koffie > Bonen"}}, kof)
	assert.False(t, ts.Active)
	assert.False(t, ts.ManageStock, "unlimited")
	assert.Equal(t, []string{"Kleding"}, ts.Categories)
	require.Len(t, ts.Variants, 2)
	assert.Equal(t, "TS-M", ts.Variants[0].SKU)
	assert.Equal(t, map[string]string{"Maat": "M"}, ts.Variants[0].Attributes)
	assert.Equal(t, eur(2750), ts.Variants[0].Price)
	assert.Equal(t, "8712345678913", ts.Variants[0].EAN)
	assert.True(t, ts.Variants[0].ManageStock)
	assert.Equal(t, eur(2500), ts.Variants[1].Price, "a variation without a price has the product's")
	assert.False(t, ts.Variants[1].ManageStock)
	assert.Empty(t, ts.Images, "images are not read for this pair")
	assert.Len(t, got[1].RawVariants, len(got[1].Product.Variants))

	// the next run lists nothing until something changes
	p, err := c.ListChangedProducts(context.Background(), connectors.ChangeQuery{Cursor: cursor})
	require.NoError(t, err)
	assert.Empty(t, p.Products)
}

func TestCreateProductWithVariantsCategoriesAndUPC(t *testing.T) {
	f := newFake(t)
	seedTree(f)
	c := f.client()
	p := model.Product{SKU: "SH", Name: "Shirt", Description: "Katoen", EAN: "8700000000011",
		Price: eur(2066), PriceIncludesVAT: false, VAT: 2100, Active: true, ManageStock: true,
		Categories: []string{"Kleding > Shirts > Lang"},
		Variants: []model.Product{
			{SKU: "SH-M", Attributes: map[string]string{"Maat": "M", "Kleur": "Rood"}, EAN: "8700000000028", ManageStock: true},
			{SKU: "SH-L", Attributes: map[string]string{"Maat": "L", "Kleur": "Rood"}, Price: eur(2479), ManageStock: true},
		}}
	_, err := c.CreateProduct(context.Background(), connectors.ProductWrite{Product: p})
	assert.True(t, connectors.IsKind(err, connectors.KindNotFound), "a missing category without createCategories: %v", err)
	assert.ErrorContains(t, err, "Shirts")
	assert.Empty(t, f.callsOf(OpCreateProduct))

	id, err := c.CreateProduct(context.Background(), connectors.ProductWrite{Product: p, CreateCategories: true})
	require.NoError(t, err)
	cats := f.callsOf(OpCreateCategory)
	require.Len(t, cats, 2, "Kleding exists; Shirts and Lang are made")
	assert.Equal(t, "Shirts", cats[0].Body["name"])
	assert.Equal(t, "3", str(cats[0].Body["parentId"]))
	assert.Equal(t, "Lang", cats[1].Body["name"])

	body := f.callsOf(OpCreateProduct)[0].Body
	assert.Equal(t, "SH", body["sku"])
	assert.Equal(t, "25.00", str(body["price"]), "20.66 net at 21 % is 25.00 in a gross store")
	assert.Equal(t, false, body["unlimited"])
	assert.Equal(t, true, body["enabled"])
	assert.Len(t, body["categoryIds"], 1)
	assert.Equal(t, []any{map[string]any{"name": "UPC", "value": "8700000000011", "type": "UPC"}}, body["attributes"])
	assert.Equal(t, map[string]any{"taxable": true, "enabledManualTaxes": []any{json.Number("1")}}, body["tax"], "21 %: the store's 21 % tax by id")
	opts := body["options"].([]any)
	require.Len(t, opts, 2)
	assert.Equal(t, "Kleur", opts[0].(map[string]any)["name"])
	assert.Len(t, opts[1].(map[string]any)["choices"], 2, "Maat: M and L")

	combos := f.callsOf(OpCreateCombination)
	require.Len(t, combos, 2)
	assert.Equal(t, "/products/"+id+"/combinations", combos[0].Path)
	assert.Equal(t, "SH-M", combos[0].Body["sku"])
	assert.Equal(t, []any{map[string]any{"name": "Kleur", "value": "Rood"}, map[string]any{"name": "Maat", "value": "M"}}, combos[0].Body["options"])
	assert.Nil(t, combos[0].Body["price"], "a variant without its own price inherits the product's")
	assert.Equal(t, "8700000000028", combos[0].Body["attributes"].([]any)[0].(map[string]any)["value"])
	assert.Equal(t, "30.00", str(combos[1].Body["price"]), "24.79 net at the product's 21 %")
}

func TestUpdateProductWritesPartiallyAndMatchesVariantsBySKU(t *testing.T) {
	f := newFake(t)
	seedTree(f)
	f.addProduct(`{"id": 12, "sku": "TS", "name": "T-shirt", "price": 25, "unlimited": true, "enabled": true, "categoryIds": [3], "updateTimestamp": 1714541000,
	  "attributes": [{"id": 7, "name": "Merk", "value": "Koppel", "type": "BRAND"}, {"id": 8, "name": "UPC", "value": "111", "type": "UPC"}],
	  "options": [{"type": "SELECT", "name": "Maat", "choices": [{"text": "M"}]}],
	  "combinations": [{"id": 121, "sku": "TS-M", "options": [{"name": "Maat", "value": "M"}], "quantity": 3, "unlimited": false}]}`)
	c := f.client()
	found, err := c.FindProduct(context.Background(), "TS-M")
	require.NoError(t, err)
	require.NotNil(t, found)
	assert.Equal(t, "12", found.ID, "a variation's SKU finds its product")
	w := found.Product
	w.Name, w.EAN, w.Categories = "T-shirt biologisch", "222", []string{"Koffie > Bonen"}
	w.Variants = []model.Product{
		{SKU: "TS-M", Attributes: map[string]string{"Maat": "M"}, EAN: "333", Price: eur(2600), PriceIncludesVAT: true, ManageStock: true},
		{SKU: "TS-XL", Attributes: map[string]string{"Maat": "XL"}, ManageStock: false},
	}
	require.NoError(t, c.UpdateProduct(context.Background(), found.ID, connectors.ProductWrite{Product: w}))

	put := f.callsOf(OpUpdateProduct)[0].Body
	assert.Equal(t, "T-shirt biologisch", put["name"])
	assert.Nil(t, put["sku"], "the SKU stays")
	assert.ElementsMatch(t, []any{"2", "3"}, []any{str(put["categoryIds"].([]any)[0]), str(put["categoryIds"].([]any)[1])}, "its own category stays")
	attrs := put["attributes"].([]any)
	require.Len(t, attrs, 2)
	assert.Equal(t, "Koppel", attrs[0].(map[string]any)["value"], "other attributes stay")
	assert.Equal(t, "222", attrs[1].(map[string]any)["value"])
	choices := put["options"].([]any)[0].(map[string]any)["choices"].([]any)
	assert.Len(t, choices, 2, "XL is added as a choice")

	upd := f.callsOf(OpUpdateCombination)
	require.Len(t, upd, 1)
	assert.Equal(t, "/products/12/combinations/121", upd[0].Path)
	assert.Equal(t, "26.00", str(upd[0].Body["price"]))
	assert.Equal(t, "333", upd[0].Body["attributes"].([]any)[0].(map[string]any)["value"])
	add := f.callsOf(OpCreateCombination)
	require.Len(t, add, 1)
	assert.Equal(t, "TS-XL", add[0].Body["sku"])
	assert.Equal(t, true, add[0].Body["unlimited"])
}

func TestFindProductForComparesInTheSourcesShape(t *testing.T) {
	f := newFake(t)
	f.profile["taxSettings"] = map[string]any{"pricesIncludeTax": false}
	f.addProduct(`{"id": 11, "sku": "KOF-1000", "name": "Koffiebonen", "price": 18.30, "quantity": 4, "unlimited": false, "enabled": true}`)
	c := f.client()
	src := model.Product{SKU: "KOF-1000", Price: eur(1995), PriceIncludesVAT: true, VAT: 900, Attributes: map[string]string{"Branding": "Huismerk"}}
	found, err := c.FindProductFor(context.Background(), src)
	require.NoError(t, err)
	require.NotNil(t, found)
	assert.False(t, found.Product.PriceIncludesVAT, "a net store")
	assert.Equal(t, model.VATRate(900), found.Product.VAT, "Ecwid names no rate: the source's")
	assert.Equal(t, src.Attributes, found.Product.Attributes)
	none, err := c.FindProductFor(context.Background(), model.Product{SKU: "NOPE"})
	require.NoError(t, err)
	assert.Nil(t, none)
}

func TestStorePriceConvertsAtTheProductsRate(t *testing.T) {
	for _, tt := range []struct {
		price int64
		incl  bool
		gross bool
		want  int64
	}{{2066, false, true, 2500}, {2500, true, false, 2066}, {1995, true, true, 1995}, {1, false, true, 1}} {
		got, err := storePrice(OpCreateProduct, model.Product{Price: eur(tt.price), PriceIncludesVAT: tt.incl, VAT: 2100}, "EUR", tt.gross)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, fmt.Sprintf("%+v", tt))
	}
	_, err := storePrice(OpCreateProduct, model.Product{SKU: "X", Price: model.NewMoney(1, "USD")}, "EUR", true)
	assert.True(t, connectors.IsKind(err, connectors.KindValidation))
}

// Ecwid keeps no VAT rate on a product but the taxes it names: a product
// is written with the store's tax of its rate (taxable false at 0 %), a
// rate the store has no tax for is a setting to fix in the store, and a
// product is read at the rate included in its price, else at that of
// the taxes it names, else at that of the taxes applied by default.
func TestProductVATIsTheStoresTax(t *testing.T) {
	f := newFake(t)
	c := f.client()
	ctx := context.Background()
	write := func(sku string, vat model.VATRate) (map[string]any, error) {
		_, err := c.CreateProduct(ctx, connectors.ProductWrite{Product: model.Product{SKU: sku, Name: sku, Price: eur(1000),
			PriceIncludesVAT: true, VAT: vat, Active: true}})
		if err != nil {
			return nil, err
		}
		calls := f.callsOf(OpCreateProduct)
		return calls[len(calls)-1].Body, nil
	}
	low, err := write("LOW", 900)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"taxable": true, "enabledManualTaxes": []any{json.Number("2")}}, low["tax"])
	zero, err := write("ZERO", 0)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"taxable": false}, zero["tax"])
	_, err = write("SIX", 600)
	assert.True(t, connectors.IsKind(err, connectors.KindConfig), "%v", err)
	assert.ErrorContains(t, err, "no tax of that rate", "a disabled tax does not count")
	assert.ErrorContains(t, err, "BTW laag (9%, id 2)", "the message lists the store's taxes")

	for sku, tax := range map[string]string{
		"INCLUDED": `{"taxable": true, "defaultLocationIncludedTaxRate": 9}`,
		"NAMED":    `{"taxable": true, "enabledManualTaxes": [2]}`,
		"DEFAULT":  `{"taxable": true}`,
		"FREE":     `{"taxable": false, "enabledManualTaxes": [1]}`,
	} {
		f.addProduct(fmt.Sprintf(`{"id": %d, "sku": %q, "name": "x", "price": 10, "unlimited": true, "enabled": true, "updateTimestamp": 1714541000, "tax": %s}`,
			500+len(sku), sku, tax))
	}
	for sku, want := range map[string]model.VATRate{"INCLUDED": 900, "NAMED": 900, "DEFAULT": 2100, "FREE": 0} {
		found, err := c.FindProduct(ctx, sku)
		require.NoError(t, err, sku)
		require.NotNil(t, found, sku)
		assert.Equal(t, want, found.Product.VAT, sku)
	}
}
