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

func eur(cents int64) model.Money { return model.NewMoney(cents, "EUR") }

// seedShirt adds a product with three articles (colour/size variants), in
// the group Kleding > Shirts, the first article with two photos.
func seedShirt(t *testing.T, f *fixture) (int64, []int64) {
	t.Helper()
	kleding := f.sim.AddGroup(0, "Kleding")
	shirts := f.sim.AddGroup(kleding, "Shirts")
	return f.sim.AddProductWithArticles(sim.CatalogProduct{Description: "T-shirt", ExtraText: "Biologisch katoen", Groups: []int{shirts},
		Articles: []sim.Product{
			{PLU: "TS-R-M", Description: "T-shirt rood M", Colour: "rood", Size: "M", PriceInclCents: 1995, Barcode: "8712345000011",
				StockArticle: true, Webshop: true, Images: []sim.Image{{Name: "front.jpg", Data: []byte("JPEGDATA")}, {Name: "back.jpg", URL: "https://img.example/back.jpg"}}},
			{PLU: "TS-R-L", Description: "T-shirt rood L", Colour: "rood", Size: "L", PriceInclCents: 1995, StockArticle: true, Webshop: true},
			{PLU: "TS-B-M", Description: "T-shirt blauw M", Colour: "blauw", Size: "M", PriceInclCents: 2195, Inactive: true,
				CustomFields: map[string]string{"material": "cotton"}},
		}})
}

// listAll pages through ListChangedProducts from cursor and returns the
// products by SKU (the last listing of each wins) and the new cursor.
func listAll(t *testing.T, c *mplus.Client, cursor string, pageSize int) (map[string]connectors.SourceProduct, string, int) {
	t.Helper()
	out := map[string]connectors.SourceProduct{}
	q := connectors.ChangeQuery{Cursor: cursor, PageSize: pageSize}
	for pages := 1; ; pages++ {
		require.Less(t, pages, 50, "the listing ends")
		page, err := c.ListChangedProducts(context.Background(), q)
		require.NoError(t, err)
		for _, p := range page.Products {
			out[p.Product.SKU] = p
		}
		if page.NextPageToken == "" {
			require.NotEmpty(t, page.Cursor, "the last page carries the cursor")
			return out, page.Cursor, pages
		}
		assert.Empty(t, page.Cursor)
		q.PageToken = page.NextPageToken
	}
}

func skusOf(m map[string]connectors.SourceProduct) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestListChangedProductsPagesAndCursor(t *testing.T) {
	f := newFixture(t)
	number, articles := seedShirt(t, f)
	shirtSKU := "P-" + strconv.FormatInt(number, 10)

	all, cursor, pages := listAll(t, f.c, "", 3)
	assert.ElementsMatch(t, []string{"KOF-1", "MOK-1", "THE-1", "KAAS", "BON", "VERZEND", shirtSKU}, skusOf(all))
	assert.Equal(t, 4, pages, "9 articles: three full pages of 3, then an empty last one")
	assert.Equal(t, strconv.FormatInt(f.sim.SyncMarkers().Article, 10), cursor)

	t.Run("simple product", func(t *testing.T) {
		p := all["KOF-1"].Product
		assert.Equal(t, model.Product{SKU: "KOF-1", Name: "Koffiebonen 1 kg", Price: eur(1999), PriceIncludesVAT: true,
			VAT: model.VATPercent(21), Active: true}, p)
		assert.Equal(t, "Koffiebonen 1 kg", all["KOF-1"].Raw["description"])
		assert.Equal(t, int64(1999), all["KOF-1"].Raw["article"].(map[string]any)["priceIncl"])
		assert.Nil(t, all["KOF-1"].RawVariants)
		assert.Equal(t, model.VATPercent(9), all["THE-1"].Product.VAT)
	})

	t.Run("several articles make a configurable product", func(t *testing.T) {
		sp := all[shirtSKU]
		p := sp.Product
		assert.Equal(t, "T-shirt", p.Name)
		assert.Equal(t, "Biologisch katoen", p.Description)
		assert.Equal(t, []string{"Kleding > Shirts"}, p.Categories)
		assert.True(t, p.Active, "one active article makes the product active")
		assert.True(t, p.ManageStock)
		assert.Equal(t, eur(1995), p.Price, "the first article's price")
		require.Len(t, p.Variants, 3)
		v := p.Variants[0]
		assert.Equal(t, "TS-R-M", v.SKU)
		assert.Equal(t, "8712345000011", v.EAN)
		assert.Equal(t, map[string]string{"colour": "rood", "size": "M"}, v.Attributes)
		assert.True(t, v.ManageStock)
		require.Len(t, v.Images, 2)
		assert.Equal(t, model.Image{Name: "front.jpg", Data: []byte("JPEGDATA"), Main: true}, v.Images[0])
		assert.Equal(t, model.Image{Name: "back.jpg", URL: "https://img.example/back.jpg"}, v.Images[1])
		assert.False(t, p.Variants[2].Active)
		assert.Equal(t, eur(2195), p.Variants[2].Price)
		require.Len(t, sp.RawVariants, 3)
		assert.Equal(t, articles[2], sp.RawVariants[2]["articleNumber"])
		assert.Equal(t, map[string]any{"material": "cotton"}, sp.RawVariants[2]["customFields"])
		assert.Equal(t, number, sp.Raw["productNumber"])
	})

	t.Run("next run: only what changed since the cursor", func(t *testing.T) {
		none, same, _ := listAll(t, f.c, cursor, 3)
		assert.Empty(t, none)
		assert.Equal(t, cursor, same, "an empty run keeps the cursor")

		// A stock change is no article change; a price change is.
		require.NoError(t, f.sim.SetStockLevel("TS-R-L", model.Pieces(4), 0))
		kof, _ := f.sim.Product("MOK-1")
		kof.PriceInclCents = 900
		f.sim.AddProduct(kof)
		shirt, _ := f.sim.Product("TS-R-L")
		shirt.PriceInclCents = 1895
		f.sim.AddProduct(shirt)

		changed, next, _ := listAll(t, f.c, cursor, 3)
		assert.ElementsMatch(t, []string{"MOK-1", shirtSKU}, skusOf(changed))
		assert.Equal(t, eur(900), changed["MOK-1"].Product.Price)
		assert.Len(t, changed[shirtSKU].Product.Variants, 3, "a changed article brings its whole product")
		assert.Equal(t, eur(1895), changed[shirtSKU].Product.Variants[1].Price)
		assert.NotEqual(t, cursor, next)

		again, _, _ := listAll(t, f.c, next, 3)
		assert.Empty(t, again)
	})

	t.Run("bad cursor", func(t *testing.T) {
		_, err := f.c.ListChangedProducts(context.Background(), connectors.ChangeQuery{Cursor: "yesterday"})
		assert.Equal(t, connectors.KindValidation, kindOf(t, err))
	})
}

func TestParentSKURule(t *testing.T) {
	cases := []struct {
		rule string
		want func(number int64) string
	}{
		{"", func(n int64) string { return "P-" + strconv.FormatInt(n, 10) }},
		{"MP{productNumber}X", func(n int64) string { return "MP" + strconv.FormatInt(n, 10) + "X" }},
		{"{firstPLU}", func(int64) string { return "TS-R-M" }},
	}
	for _, tc := range cases {
		t.Run(tc.rule, func(t *testing.T) {
			f := newFixture(t, func(_ *sim.Options, c *mplus.Config) { c.ParentSKU = tc.rule })
			number, _ := seedShirt(t, f)
			sku := tc.want(number)
			all, _, _ := listAll(t, f.c, "", 100)
			require.Contains(t, all, sku)

			found, err := f.c.FindProduct(context.Background(), sku)
			require.NoError(t, err)
			require.NotNil(t, found, "FindProduct knows the SKUs the rule makes")
			assert.Equal(t, strconv.FormatInt(number, 10), found.ID)
			assert.Equal(t, sku, found.Product.SKU)
			assert.Len(t, found.Product.Variants, 3)
		})
	}
	for _, bad := range []string{"P-", "{productNumber}-{firstPLU}", "{sku}"} {
		_, err := mplus.New(mplus.Config{BaseURL: "http://127.0.0.1:1", Ident: ident, Secret: secret, ParentSKU: bad})
		assert.Equal(t, connectors.KindConfig, kindOf(t, err), bad)
	}
}

func TestFindProduct(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	number, _ := seedShirt(t, f)

	p, err := f.c.FindProduct(ctx, "KOF-1")
	require.NoError(t, err)
	require.NotNil(t, p)
	assert.Equal(t, "KOF-1", p.Product.SKU)
	assert.Empty(t, p.Product.Variants)

	p, err = f.c.FindProduct(ctx, "TS-B-M")
	require.NoError(t, err)
	require.NotNil(t, p, "a variant's SKU finds its product")
	assert.Equal(t, strconv.FormatInt(number, 10), p.ID)
	assert.Len(t, p.Product.Variants, 3)

	for _, sku := range []string{"NOPE", "P-999999"} {
		p, err = f.c.FindProduct(ctx, sku)
		require.NoError(t, err)
		assert.Nil(t, p, sku)
	}
}

func TestProductRoundTrip(t *testing.T) {
	simple := model.Product{SKU: "CUP-1", Name: "Espressokopje", ShortDescription: "Porselein, 80 ml", Description: "Dikwandig porselein.",
		EAN: "8710000000017", Price: eur(650), PriceIncludesVAT: true, VAT: model.VATPercent(21), Active: true, ManageStock: true,
		Categories: []string{"Servies"}}
	configurable := model.Product{SKU: "SOK", Name: "Sokken", Description: "Wol", Price: eur(899), PriceIncludesVAT: true,
		VAT: model.VATPercent(21), Active: true, Categories: []string{"Kleding > Sokken"},
		Variants: []model.Product{
			{SKU: "SOK-39", Name: "Sokken 39-42", Price: eur(899), PriceIncludesVAT: true, VAT: model.VATPercent(21), Active: true,
				Attributes: map[string]string{"size": "39-42", "material": "wol"}},
			{SKU: "SOK-43", Name: "Sokken 43-46", Price: eur(999), PriceIncludesVAT: true, VAT: model.VATPercent(21), Active: true,
				ManageStock: true, Attributes: map[string]string{"size": "43-46", "colour": "grijs"}},
		}}
	excl := model.Product{SKU: "THEE-X", Name: "Thee excl", Price: eur(412), PriceIncludesVAT: false, VAT: model.VATPercent(9), Active: true}

	cases := []struct {
		name  string
		write connectors.ProductWrite
		check func(t *testing.T, f *fixture, id string, found *connectors.TargetProduct)
	}{
		{"simple", connectors.ProductWrite{Product: simple, Extra: map[string]string{"origin": "CCV"}, CreateCategories: true, WriteImages: true},
			func(t *testing.T, f *fixture, id string, found *connectors.TargetProduct) {
				a, ok := f.sim.Product("CUP-1")
				require.True(t, ok)
				assert.Equal(t, "Espressokopje", a.Description)
				assert.Equal(t, "Porselein, 80 ml", a.InvoiceText)
				assert.Equal(t, "Dikwandig porselein.", a.ExtraText)
				assert.Equal(t, "8710000000017", a.Barcode)
				assert.Equal(t, int64(650), a.PriceInclCents)
				assert.Equal(t, sim.VatCodeHigh, a.VatCode)
				assert.True(t, a.Webshop)
				assert.True(t, a.StockArticle)
				assert.Equal(t, 40, a.TurnoverGroup, "Config.DefaultTurnoverGroup")
				assert.Equal(t, map[string]string{"origin": "CCV"}, a.CustomFields)
				assert.Empty(t, a.Images, "photos are not written")
				assert.Equal(t, simple, found.Product)
			}},
		{"configurable", connectors.ProductWrite{Product: configurable, VariantExtra: map[string]map[string]string{"SOK-43": {"origin": "NL"}},
			CreateCategories: true},
			func(t *testing.T, f *fixture, id string, found *connectors.TargetProduct) {
				n, _ := strconv.ParseInt(id, 10, 64)
				p, ok := f.sim.ProductByNumber(n)
				require.True(t, ok)
				assert.Equal(t, "Sokken", p.Description)
				assert.Equal(t, "Wol", p.ExtraText)
				require.Len(t, p.Articles, 2)
				assert.Equal(t, "39-42", p.Articles[0].Size)
				assert.Empty(t, p.Articles[0].Colour, "only colour and size are article fields")
				assert.Equal(t, "grijs", p.Articles[1].Colour)
				assert.Equal(t, map[string]string{"origin": "NL"}, p.Articles[1].CustomFields)
				assert.Nil(t, p.Articles[0].CustomFields)
				want := configurable
				want.SKU = "P-" + id
				want.ManageStock = true // one variant keeps stock
				want.Variants = append([]model.Product(nil), configurable.Variants...)
				want.Variants[0].Attributes = map[string]string{"size": "39-42"}
				assert.Equal(t, want, found.Product)
			}},
		{"price excl. VAT", connectors.ProductWrite{Product: excl},
			func(t *testing.T, f *fixture, id string, found *connectors.TargetProduct) {
				a, _ := f.sim.Product("THEE-X")
				assert.Equal(t, int64(449), a.PriceInclCents, "4.12 + 9 % computed by MplusKASSA")
				assert.Equal(t, eur(449), found.Product.Price)
				assert.True(t, found.Product.PriceIncludesVAT)
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, func(_ *sim.Options, c *mplus.Config) { c.DefaultTurnoverGroup = 40 })
			id, err := f.c.CreateProduct(ctx, tc.write)
			require.NoError(t, err)
			found, err := f.c.FindProduct(ctx, tc.write.Product.AllSKUs()[len(tc.write.Product.AllSKUs())-1])
			require.NoError(t, err)
			require.NotNil(t, found)
			assert.Equal(t, id, found.ID)
			tc.check(t, f, id, found)

			listed, _, _ := listAll(t, f.c, "", 100)
			assert.Contains(t, listed, found.Product.SKU, "a product Koppel wrote is listed as changed too")

			_, err = f.c.CreateProduct(ctx, tc.write)
			assert.Equal(t, connectors.KindConflict, kindOf(t, err), "a second create is refused before it reaches createProduct")
			assert.Equal(t, 1, f.sim.Calls("createProduct"))
		})
	}
}

func TestProductCategories(t *testing.T) {
	product := func(categories ...string) model.Product {
		return model.Product{SKU: "CAT-1", Name: "Iets", Price: eur(100), PriceIncludesVAT: true, VAT: model.VATPercent(21), Active: true,
			Categories: categories}
	}
	cases := []struct {
		name       string
		categories []string
		create     bool
		wantErr    connectors.ErrorKind
		mention    string
		wantPaths  []string
		newGroups  int
	}{
		{"existing, nested, any case", []string{"koffie > Bonen"}, false, "", "", []string{"Koffie > Bonen"}, 0},
		{"new levels are created", []string{"Koffie > Cups", "Thee > Groen"}, true, "", "", []string{"Koffie > Cups", "Thee > Groen"}, 3},
		{"missing without CreateCategories", []string{"Koffie > Bonen", "Thee > Groen"}, false, connectors.KindNotFound, `"Thee > Groen"`, nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t)
			koffie := f.sim.AddGroup(0, "Koffie")
			f.sim.AddGroup(koffie, "Bonen")
			before := len(f.sim.Groups())

			id, err := f.c.CreateProduct(ctx, connectors.ProductWrite{Product: product(tc.categories...), CreateCategories: tc.create})
			assert.Equal(t, before+tc.newGroups, len(f.sim.Groups()))
			if tc.wantErr != "" {
				assert.Equal(t, tc.wantErr, kindOf(t, err))
				assert.Contains(t, err.Error(), tc.mention)
				assert.Equal(t, 0, f.sim.Calls("createProduct"))
				return
			}
			require.NoError(t, err)
			found, err := f.c.FindProduct(ctx, "CAT-1")
			require.NoError(t, err)
			assert.Equal(t, id, found.ID)
			assert.ElementsMatch(t, tc.wantPaths, found.Product.Categories)
			assert.Equal(t, 1, f.sim.Calls("getArticleGroups"), "the tree is read once and kept")
		})
	}
}

func TestUpdateProductKeepsArticlesAndAddsNew(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	number, articles := seedShirt(t, f)
	id := strconv.FormatInt(number, 10)

	found, err := f.c.FindProduct(ctx, "TS-R-M")
	require.NoError(t, err)
	w := found.Product
	w.Name = "T-shirt bio"
	w.Variants[0].Price = eur(1795)
	w.Variants[1].Attributes = nil // cleared on an existing article
	w.Variants = append(w.Variants, model.Product{SKU: "TS-G-S", Name: "T-shirt groen S", Price: eur(1995), PriceIncludesVAT: true,
		VAT: model.VATPercent(21), Active: true, Attributes: map[string]string{"colour": "groen", "size": "S"}})

	_, _ = f.c.LookupProducts(ctx, []string{"TS-R-M"})
	lookups := f.sim.Calls("getProducts")
	require.NoError(t, f.c.UpdateProduct(ctx, id, connectors.ProductWrite{Product: w}))

	p, ok := f.sim.ProductByNumber(number)
	require.True(t, ok)
	assert.Equal(t, "T-shirt bio", p.Description)
	require.Len(t, p.Articles, 4)
	for i, n := range articles {
		assert.Equal(t, n, p.Articles[i].ArticleNumber, "article %d keeps its number", i)
	}
	assert.Equal(t, int64(1795), p.Articles[0].PriceInclCents)
	assert.Empty(t, p.Articles[1].Colour)
	assert.Equal(t, "TS-G-S", p.Articles[3].PLU)
	assert.Equal(t, "groen", p.Articles[3].Colour)
	assert.True(t, p.Articles[3].Webshop)
	assert.Equal(t, []string{"front.jpg", "back.jpg"}, []string{p.Articles[0].Images[0].Name, p.Articles[0].Images[1].Name},
		"photos MplusKASSA has are left alone")

	_, err = f.c.LookupProducts(ctx, []string{"TS-R-M"})
	require.NoError(t, err)
	assert.Equal(t, lookups+2, f.sim.Calls("getProducts"), "the update read the product once and dropped the cached SKU")

	again, err := f.c.FindProduct(ctx, "TS-G-S")
	require.NoError(t, err)
	assert.Equal(t, id, again.ID)
	assert.Len(t, again.Product.Variants, 4)

	err = f.c.UpdateProduct(ctx, "424242", connectors.ProductWrite{Product: w})
	assert.Equal(t, connectors.KindNotFound, kindOf(t, err))
	err = f.c.UpdateProduct(ctx, id, connectors.ProductWrite{Product: model.Product{Name: "no SKU"}})
	assert.Equal(t, connectors.KindValidation, kindOf(t, err))
	assert.Equal(t, 1, f.sim.Calls("updateProduct"))
}

func TestProductWriteChecks(t *testing.T) {
	cases := []struct {
		name    string
		p       model.Product
		mention string
	}{
		{"no SKU", model.Product{Name: "x", Price: eur(1)}, "no SKU"},
		{"no name", model.Product{SKU: "X", Price: eur(1)}, "no name"},
		{"other currency", model.Product{SKU: "X", Name: "x", Price: model.NewMoney(100, "USD")}, "USD"},
		{"variant SKU twice", model.Product{SKU: "X", Name: "x", Variants: []model.Product{{SKU: "A"}, {SKU: "A"}}}, "used twice"},
		{"VAT rate without group", model.Product{SKU: "X", Name: "x", Price: eur(1), VAT: model.VATPercent(6)}, "6%"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			_, err := f.c.CreateProduct(context.Background(), connectors.ProductWrite{Product: tc.p})
			assert.Equal(t, connectors.KindValidation, kindOf(t, err))
			assert.Contains(t, err.Error(), tc.mention)
			assert.Equal(t, 0, f.sim.Calls("createProduct"))
		})
	}
}
