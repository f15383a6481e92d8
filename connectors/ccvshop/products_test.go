package ccvshop_test

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// testClock is a settable clock shared by the simulator and the client, so
// x-date stays within the shop's 5 minutes while the test moves time on.
type testClock struct{ ns atomic.Int64 }

func newTestClock(t time.Time) *testClock {
	c := &testClock{}
	c.ns.Store(t.UnixNano())
	return c
}
func (c *testClock) Now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *testClock) Add(d time.Duration) { c.ns.Add(int64(d)) }

var t0 = time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)

// newCatalogFixture is a fixture on a settable clock with a package id.
func newCatalogFixture(t *testing.T, so sim.Options, co ccvshop.Config) (*fixture, *testClock) {
	t.Helper()
	clock := newTestClock(t0)
	so.Now, co.Now = clock.Now, clock.Now
	if co.PackageID == 0 {
		co.PackageID = 7
	}
	return newFixture(t, so, co), clock
}

func (f *fixture) count(op string) int {
	n := 0
	for _, c := range f.ops() {
		if strings.HasPrefix(c, op+" ") {
			n++
		}
	}
	return n
}

func (f *fixture) reset() {
	f.mu.Lock()
	f.calls = nil
	f.mu.Unlock()
}

// coffee is a product with a category, a photo and two variants: the sell
// price is 12.50 − 1.00, a 250 g bag costs 1.50 more.
func coffee(sku string) sim.Product {
	return sim.Product{
		SKU: sku, Name: "Koffiebonen " + sku, ShortDescription: "Vers gebrand", Description: "<p>Bonen</p>", EAN: "8712345000011",
		Price: eur(1250), Discount: eur(100), TaxTariff: "low a", Active: true, StockEnabled: true, PackageID: 1,
		Categories: []string{"Koffie > Bonen"},
		Photos:     []sim.Photo{{Name: "bonen.jpg", Main: true, Size: 100}},
		Variants: []sim.Variant{
			{SKU: sku + "-500", EAN: "8712345000028", Attributes: map[string]string{"Gewicht": "500 g"}, Stock: model.Pieces(4), Active: true},
			{SKU: sku + "-250", Attributes: map[string]string{"Gewicht": "250 g"}, ExtraPrice: eur(150), Stock: model.Pieces(2), Active: false},
		},
	}
}

func simple(sku string, modified time.Time) sim.Product {
	return sim.Product{SKU: sku, Name: "Product " + sku, Price: eur(1000), TaxTariff: "normal", Active: true, StockEnabled: true,
		Stock: model.Pieces(3), PackageID: 1, ModifiedAt: modified}
}

func listAll(t *testing.T, c *ccvshop.Client, cursor string, size int) (skus []string, products []connectors.SourceProduct, pages int, next string) {
	t.Helper()
	q := connectors.ChangeQuery{Cursor: cursor, PageSize: size}
	for {
		page, err := c.ListChangedProducts(context.Background(), q)
		require.NoError(t, err)
		pages++
		require.Less(t, pages, 50, "paging must end")
		for _, p := range page.Products {
			skus = append(skus, p.Product.SKU)
		}
		products = append(products, page.Products...)
		if page.NextPageToken == "" {
			require.NotEmpty(t, page.Cursor, "the last page carries the cursor")
			return skus, products, pages, page.Cursor
		}
		assert.Empty(t, page.Cursor, "only the last page carries the cursor")
		q.PageToken = page.NextPageToken
	}
}

// The products changed since the cursor, across pages: a product changed
// after a run shows up in the next one, an unchanged one does not.
func TestListChangedProductsFollowsTheCursor(t *testing.T) {
	f, clock := newCatalogFixture(t, sim.Options{}, ccvshop.Config{})
	for i := range 7 {
		f.sim.AddProduct(simple("P"+string(rune('1'+i)), t0.Add(time.Duration(i-10)*time.Minute)))
	}
	skus, _, pages, cursor := listAll(t, f.client, "", 3)
	assert.Equal(t, []string{"P7", "P6", "P5", "P4", "P3", "P2", "P1"}, skus, "every product, newest first")
	assert.Equal(t, 3, pages)
	assert.Equal(t, t0.Add(-4*time.Minute).Format(time.RFC3339), cursor, "the newest modifydate")

	clock.Add(time.Minute)
	require.NoError(t, f.sim.SetProductStock("P2", model.Pieces(9)), "a stock change")
	clock.Add(time.Minute)
	require.NoError(t, f.sim.TouchProduct("P5"), "an edit in the back office")
	clock.Add(time.Minute)
	f.sim.AddProduct(simple("P8", time.Time{}))
	skus, _, _, cursor2 := listAll(t, f.client, cursor, 2)
	assert.Equal(t, []string{"P8", "P5", "P2", "P7"}, skus, "what changed, newest first, and P7 modified at the cursor's own second")
	assert.Equal(t, clock.Now().Format(time.RFC3339), cursor2)

	skus, _, pages, cursor3 := listAll(t, f.client, cursor2, 2)
	assert.Equal(t, []string{"P8"}, skus, "a product modified at the cursor's second is listed again, nothing else")
	assert.Equal(t, 1, pages)
	assert.Equal(t, cursor2, cursor3, "the cursor stays when nothing is newer")

	clock.Add(time.Minute)
	_, err := f.client.ListChangedProducts(context.Background(), connectors.ChangeQuery{Cursor: "yesterday"})
	assert.True(t, connectors.IsKind(err, connectors.KindValidation), "%v", err)
	_, err = f.client.ListChangedProducts(context.Background(), connectors.ChangeQuery{PageToken: "garbage%%"})
	assert.True(t, connectors.IsKind(err, connectors.KindValidation), "%v", err)
	assert.Equal(t, 1, f.count(ccvshop.OpGetSettings), "the shop's VAT setting is read once")
}

// One listing call gives each product with its variants, categories and
// photos (expand); the mapping follows research §1.6.6–1.6.8.
func TestProductMapping(t *testing.T) {
	for _, tt := range []struct {
		name string
		so   sim.Options
		co   ccvshop.Config
		incl bool
		cur  string
	}{
		{name: "shop prices incl. VAT", incl: true, cur: "EUR"},
		{name: "shop prices excl. VAT", so: sim.Options{PricesExcludeVAT: true}, incl: false, cur: "EUR"},
		{name: "configured, not asked", co: ccvshop.Config{PricesIncludeVAT: "false", Currency: "GBP"}, incl: false, cur: "GBP"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := newCatalogFixture(t, tt.so, tt.co)
			f.sim.AddProduct(coffee("KOF"))
			page, err := f.client.ListChangedProducts(context.Background(), connectors.ChangeQuery{})
			require.NoError(t, err)
			require.Len(t, page.Products, 1)
			sp := page.Products[0]
			p := sp.Product
			money := func(c int64) model.Money { return model.NewMoney(c, tt.cur) }
			assert.Equal(t, "KOF", p.SKU)
			assert.Equal(t, "Koffiebonen KOF", p.Name)
			assert.Equal(t, "Vers gebrand", p.ShortDescription)
			assert.Equal(t, "<p>Bonen</p>", p.Description)
			assert.Equal(t, "8712345000011", p.EAN)
			assert.Equal(t, money(1150), p.Price, "price − discount")
			assert.Equal(t, tt.incl, p.PriceIncludesVAT)
			assert.Equal(t, model.VATPercent(9), p.VAT, "tax tariff low a")
			assert.True(t, p.Active)
			assert.True(t, p.ManageStock)
			assert.Equal(t, []string{"Koffie > Bonen"}, p.Categories)
			require.Len(t, p.Images, 1)
			assert.Equal(t, "bonen.jpg", p.Images[0].Name)
			assert.True(t, p.Images[0].Main)
			assert.True(t, strings.HasPrefix(p.Images[0].URL, f.url+"/"), p.Images[0].URL)
			assert.Nil(t, p.Images[0].Data, "the photo list holds no file data")
			require.Len(t, p.Variants, 2)
			assert.Equal(t, model.Product{SKU: "KOF-500", Name: p.Name, EAN: "8712345000028", Price: money(1150), PriceIncludesVAT: tt.incl,
				VAT: model.VATPercent(9), Active: true, ManageStock: true, Attributes: map[string]string{"Gewicht": "500 g"}}, p.Variants[0])
			assert.Equal(t, money(1300), p.Variants[1].Price, "sell price + netto_extra_price")
			assert.False(t, p.Variants[1].Active)
			assert.Equal(t, "KOF", sp.Raw["productnumber"])
			assert.Equal(t, "low a", sp.Raw["taxtariff"])
			require.Len(t, sp.RawVariants, 2)
			assert.Equal(t, "KOF-250", sp.RawVariants[1]["sku_number"])
			assert.Equal(t, 1, f.count(ccvshop.OpListProducts), "one call: the sub-resources come expanded")
		})
	}
}

func TestFindProduct(t *testing.T) {
	f, _ := newCatalogFixture(t, sim.Options{}, ccvshop.Config{})
	id := f.sim.AddProduct(coffee("KOF"))
	f.sim.AddProduct(simple("KOF-X", time.Time{}))
	ctx := context.Background()
	for _, sku := range []string{"KOF", "KOF-250"} {
		got, err := f.client.FindProduct(ctx, sku)
		require.NoError(t, err, sku)
		require.NotNil(t, got, sku)
		assert.Equal(t, id, got.ID, sku)
		assert.Equal(t, "KOF", got.Product.SKU)
		assert.Len(t, got.Product.Variants, 2)
	}
	got, err := f.client.FindProduct(ctx, "KO")
	require.NoError(t, err)
	assert.Nil(t, got, "productnumber matches exactly")
	_, err = f.client.FindProduct(ctx, " ")
	assert.True(t, connectors.IsKind(err, connectors.KindValidation))
}

func write(p model.Product) connectors.ProductWrite {
	return connectors.ProductWrite{Product: p, CreateCategories: true}
}

func tea(sku string) model.Product {
	return model.Product{SKU: sku, Name: "Groene thee", ShortDescription: "Sencha", Description: "Japanse thee", EAN: "8712345999990",
		Price: eur(495), PriceIncludesVAT: true, VAT: model.VATPercent(9), Active: true, ManageStock: true}
}

// Categories by name: existing ones (top, nested, or a unique name at any
// depth) are linked, missing ones created with their parents.
func TestCreateProductWithCategories(t *testing.T) {
	f, _ := newCatalogFixture(t, sim.Options{}, ccvshop.Config{PackageID: 3})
	f.sim.AddCategory("Thee > Groen")
	f.sim.AddCategory("Koffie")
	p := tea("THEE-1")
	p.Categories = []string{"Koffie", "Groen", "Koffie > Bonen", "Servies > Kopjes > Espresso"}
	id, err := f.client.CreateProduct(context.Background(), write(p))
	require.NoError(t, err)

	got, ok := f.sim.Product("THEE-1")
	require.True(t, ok)
	assert.Equal(t, id, got.ID)
	assert.Equal(t, []string{"Koffie", "Thee > Groen", "Koffie > Bonen", "Servies > Kopjes > Espresso"}, got.Categories)
	assert.Equal(t, []string{"Koffie", "Koffie > Bonen", "Servies", "Servies > Kopjes", "Servies > Kopjes > Espresso", "Thee", "Thee > Groen"}, f.sim.Categories())
	assert.Equal(t, int64(3), got.PackageID)
	assert.Equal(t, eur(495), got.Price, "the shop states prices incl. VAT like the product")
	assert.Equal(t, eur(0), got.Discount)
	assert.Equal(t, "low a", got.TaxTariff)
	assert.Equal(t, model.VATPercent(9), got.VAT)
	assert.Equal(t, "Sencha", got.ShortDescription)
	assert.Equal(t, "8712345999990", got.EAN)
	assert.True(t, got.Active)
	assert.True(t, got.StockEnabled)
	assert.Equal(t, 4, f.count(ccvshop.OpCreateCategory), "Bonen, Servies, Kopjes, Espresso")
	assert.Equal(t, 2, f.count(ccvshop.OpListCategories), "the tree is read, and read again once on the first miss")

	found, err := f.client.FindProduct(context.Background(), "THEE-1")
	require.NoError(t, err)
	assert.Equal(t, p.Categories[2:], found.Product.Categories[2:])
}

func TestMissingCategoryWithoutCreating(t *testing.T) {
	f, _ := newCatalogFixture(t, sim.Options{}, ccvshop.Config{})
	f.sim.AddCategory("Servies")
	p := tea("THEE-2")
	p.Categories = []string{"Servies > Kopjes > Espresso"}
	_, err := f.client.CreateProduct(context.Background(), connectors.ProductWrite{Product: p})
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindNotFound, ce.Kind)
	assert.Contains(t, ce.Message, `category "Servies > Kopjes > Espresso" does not exist`)
	assert.Contains(t, ce.Message, `"Kopjes" is missing under "Servies"`)
	assert.Empty(t, f.sim.Products(), "nothing is created when a category is missing")
	assert.Equal(t, []string{"Servies"}, f.sim.Categories())
}

func TestCreateProductNeedsAPackage(t *testing.T) {
	f := newFixture(t, sim.Options{}, ccvshop.Config{})
	_, err := f.client.CreateProduct(context.Background(), write(tea("T")))
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindConfig, ce.Kind)
	assert.Contains(t, ce.Message, "options.packageId")
	assert.Empty(t, f.ops(), "nothing is sent")

	f, _ = newCatalogFixture(t, sim.Options{}, ccvshop.Config{})
	bad := tea("")
	bad.Name = ""
	bad.Price.Currency = "USD"
	_, err = f.client.CreateProduct(context.Background(), write(bad))
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindValidation, ce.Kind)
	for _, want := range []string{"SKU is empty", "name is empty", "USD"} {
		assert.Contains(t, ce.Message, want)
	}
}

// An update writes everything ProductWrite says (it is the complete desired
// state), adds the category links the product lacks and keeps the others.
func TestUpdateProduct(t *testing.T) {
	f, _ := newCatalogFixture(t, sim.Options{}, ccvshop.Config{})
	id := f.sim.AddProduct(sim.Product{SKU: "THEE-3", Name: "Oud", Description: "oude tekst", Price: eur(900), Discount: eur(100),
		TaxTariff: "normal", Active: true, PackageID: 4, Categories: []string{"Thee", "Aanbiedingen"},
		Fields: map[string]any{"memo": "intern", "brand": "Merk"}})
	p := tea("THEE-3")
	p.Description = ""
	p.Active, p.ManageStock = false, true
	p.Categories = []string{"Thee", "Thee > Groen"}
	w := write(p)
	w.Extra = map[string]string{"weight": "0.25", "memo": "nieuw", "no_index": "true", "stock_delivery_number": "2", "stock_delivery_type": "days"}
	require.NoError(t, f.client.UpdateProduct(context.Background(), id, w))

	got, _ := f.sim.Product("THEE-3")
	assert.Equal(t, "Groene thee", got.Name)
	assert.Equal(t, "", got.Description, "an empty field in the write empties it")
	assert.Equal(t, eur(495), got.Price)
	assert.Equal(t, eur(0), got.Discount, "the sell price is the price")
	assert.False(t, got.Active)
	assert.True(t, got.StockEnabled)
	assert.Equal(t, model.VATPercent(9), got.VAT)
	assert.Equal(t, int64(4), got.PackageID, "an update keeps the package")
	assert.Equal(t, []string{"Thee", "Aanbiedingen", "Thee > Groen"}, got.Categories, "links are added, none removed")
	assert.Equal(t, "nieuw", got.Fields["memo"])
	assert.Equal(t, "Merk", got.Fields["brand"], "a native field the write does not name stays")
	assert.Equal(t, "0.25", asNumber(t, got.Fields["weight"]).String())
	assert.Equal(t, true, got.Fields["no_index"])
	assert.Equal(t, "2", asNumber(t, got.Fields["stock_delivery_number"]).String())

	f.reset()
	require.NoError(t, f.client.UpdateProduct(context.Background(), id, w))
	assert.Zero(t, f.count(ccvshop.OpLinkCategory), "links that exist are skipped")
	assert.Zero(t, f.count(ccvshop.OpCreateCategory))
	got, _ = f.sim.Product("THEE-3")
	assert.Len(t, got.Categories, 3)

	err := f.client.UpdateProduct(context.Background(), "999999", w)
	assert.True(t, connectors.IsKind(err, connectors.KindNotFound), "%v", err)
	err = f.client.UpdateProduct(context.Background(), "x", w)
	assert.True(t, connectors.IsKind(err, connectors.KindValidation), "%v", err)
}

func asNumber(t *testing.T, v any) interface{ String() string } {
	t.Helper()
	n, ok := v.(interface{ String() string })
	require.True(t, ok, "%T %v is not a JSON number", v, v)
	return n
}

// The shop's 422 body becomes a validation error naming the field; a field
// outside the allow-list is refused before anything is sent.
func TestWriteValidationErrors(t *testing.T) {
	f, _ := newCatalogFixture(t, sim.Options{}, ccvshop.Config{})
	w := write(tea("THEE-4"))
	w.Extra = map[string]string{"stock_delivery_type": "someday"}
	_, err := f.client.CreateProduct(context.Background(), w)
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindValidation, ce.Kind)
	assert.Equal(t, 422, ce.Status)
	assert.Equal(t, "422.10", ce.Code)
	assert.Contains(t, ce.Message, "stock_delivery_type")
	assert.Equal(t, "POST /api/rest/v1/products/", ce.Op)

	for _, extra := range []map[string]string{{"is_active": "1"}, {"weight": "heavy"}, {"no_index": "maybe"}} {
		w.Extra = extra
		f.reset()
		_, err = f.client.CreateProduct(context.Background(), w)
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, connectors.KindValidation, ce.Kind)
		for k := range extra {
			assert.Contains(t, ce.Message, k)
		}
		assert.Zero(t, f.count(ccvshop.OpCreateProduct), "refused before it is sent")
	}
}

// Prices are written as the shop states them, converted with the product's
// own VAT rate, exactly to the cent.
func TestPriceConversion(t *testing.T) {
	tests := []struct {
		name      string
		so        sim.Options
		co        ccvshop.Config
		price     int64
		incl      bool
		vat       model.VATRate
		want      int64
		askedShop bool
	}{
		{"incl to incl", sim.Options{}, ccvshop.Config{}, 1999, true, 2100, 1999, true},
		{"excl to incl 21%", sim.Options{}, ccvshop.Config{}, 1652, false, 2100, 1999, true},
		{"excl to incl 9%", sim.Options{}, ccvshop.Config{}, 1000, false, 900, 1090, true},
		{"incl to excl 21%", sim.Options{PricesExcludeVAT: true}, ccvshop.Config{}, 1999, true, 2100, 1652, true},
		{"incl to excl, rounded half up", sim.Options{PricesExcludeVAT: true}, ccvshop.Config{}, 1005, true, 900, 922, true},
		{"configured excl", sim.Options{}, ccvshop.Config{PricesIncludeVAT: "false"}, 1090, true, 900, 1000, false},
		{"a rate without a tariff", sim.Options{}, ccvshop.Config{}, 1060, true, 600, 1060, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := newCatalogFixture(t, tt.so, tt.co)
			p := tea("T-" + tt.name)
			p.Price, p.PriceIncludesVAT, p.VAT = eur(tt.price), tt.incl, tt.vat
			_, err := f.client.CreateProduct(context.Background(), write(p))
			require.NoError(t, err)
			got, _ := f.sim.Product(p.SKU)
			assert.Equal(t, eur(tt.want), got.Price)
			assert.Equal(t, tt.vat, got.VAT)
			assert.Equal(t, tt.askedShop, f.count(ccvshop.OpGetSettings) == 1)
		})
	}
}

func TestPhotosAreUploadedOnce(t *testing.T) {
	f, _ := newCatalogFixture(t, sim.Options{}, ccvshop.Config{})
	jpeg := []byte("\xff\xd8\xff\xe0 a tiny jpeg")
	p := tea("THEE-5")
	p.Images = []model.Image{
		{Name: "voorkant", Data: jpeg, Main: true},
		{Name: "achterkant.png", Data: []byte("\x89PNG\r\n\x1a\n...")},
		{Name: "alleen-een-link", URL: "https://example.nl/x.jpg"},
		{Name: "voorkant", Data: jpeg}, // the same name twice
	}
	w := write(p)
	w.WriteImages = true
	id, err := f.client.CreateProduct(context.Background(), w)
	require.NoError(t, err)
	require.NoError(t, f.client.UpdateProduct(context.Background(), id, w))
	got, _ := f.sim.Product("THEE-5")
	require.Len(t, got.Photos, 2, "uploaded once, not twice; an image without data is skipped")
	assert.Equal(t, "voorkant", got.Photos[0].Name)
	assert.Equal(t, "jpg", got.Photos[0].FileType)
	assert.True(t, got.Photos[0].Main)
	assert.Equal(t, len(jpeg), got.Photos[0].Size)
	assert.Equal(t, "png", got.Photos[1].FileType)
	assert.Equal(t, 2, f.count(ccvshop.OpCreatePhoto))

	w.WriteImages = false
	w.Product.Images = append(w.Product.Images, model.Image{Name: "nieuw", Data: jpeg})
	require.NoError(t, f.client.UpdateProduct(context.Background(), id, w))
	got, _ = f.sim.Product("THEE-5")
	assert.Len(t, got.Photos, 2, "WriteImages off: no upload")
}

func shirt(sku string) model.Product {
	p := model.Product{SKU: sku, Name: "Shirt", Price: eur(2000), PriceIncludesVAT: true, VAT: model.VATPercent(21), Active: true, ManageStock: true}
	for _, v := range []struct {
		size  string
		price int64
	}{{"S", 2000}, {"M", 2000}} {
		p.Variants = append(p.Variants, model.Product{SKU: sku + "-" + v.size, EAN: "EAN-" + v.size, Price: eur(v.price), Active: true,
			Attributes: map[string]string{"Maat": v.size}})
	}
	return p
}

func skusOf(p sim.Product) []string {
	var out []string
	for _, v := range p.Variants {
		if v.SKU != "" {
			out = append(out, v.SKU)
		}
	}
	slices.Sort(out)
	return out
}

// Variants become attribute combinations: matched by SKU, and a second
// update adds a new one without duplicating the others.
func TestVariants(t *testing.T) {
	f, _ := newCatalogFixture(t, sim.Options{}, ccvshop.Config{})
	ctx := context.Background()
	p := shirt("SH")
	p.Variants[1].Price = eur(2250) // M costs 2.50 more
	w := write(p)
	w.VariantExtra = map[string]map[string]string{"SH-S": {"stock_delivery_type": "weeks", "memo": "product only"}}
	id, err := f.client.CreateProduct(ctx, w)
	require.NoError(t, err)
	got, _ := f.sim.Product("SH")
	assert.Equal(t, []string{"SH-M", "SH-S"}, skusOf(got))
	assert.Equal(t, sim.StockTypeCombination, got.StockType, "a product with variants keeps stock per combination")
	for _, v := range got.Variants {
		assert.True(t, v.Active, v.SKU)
		assert.Equal(t, "EAN-"+v.Attributes["Maat"], v.EAN)
	}
	assert.Equal(t, eur(250), variantBySKU(got, "SH-M").ExtraPrice)
	assert.Equal(t, eur(0), variantBySKU(got, "SH-S").ExtraPrice)
	assert.Equal(t, "weeks", variantBySKU(got, "SH-S").Fields["delivery_time_type"], "the delivery fields go to the combination")

	found, err := f.client.FindProduct(ctx, "SH-M")
	require.NoError(t, err)
	require.Len(t, found.Product.Variants, 2)
	assert.Equal(t, eur(2250), found.Product.Variants[1].Price)

	// The next run adds L, makes M inactive and changes S's EAN.
	p.Variants = append(p.Variants, model.Product{SKU: "SH-L", Price: eur(2000), Active: true, Attributes: map[string]string{"maat": "L"}})
	p.Variants[1].Active = false
	p.Variants[0].EAN = "EAN-S2"
	f.reset()
	require.NoError(t, f.client.UpdateProduct(ctx, id, write(p)))
	got, _ = f.sim.Product("SH")
	assert.Equal(t, []string{"SH-L", "SH-M", "SH-S"}, skusOf(got), "no variant twice")
	assert.Len(t, got.Variants, 3)
	assert.False(t, variantBySKU(got, "SH-M").Active)
	assert.Equal(t, "EAN-S2", variantBySKU(got, "SH-S").EAN)
	assert.Equal(t, 1, f.count(ccvshop.OpLinkAttributeValue), "only L is linked")
	assert.Zero(t, f.count(ccvshop.OpCreateAttribute), "Maat exists")

	// Nothing changed: nothing is written beside the product itself.
	f.reset()
	require.NoError(t, f.client.UpdateProduct(ctx, id, write(p)))
	assert.Zero(t, f.count(ccvshop.OpUpdateCombination))
	assert.Zero(t, f.count(ccvshop.OpLinkAttributeValue))
	assert.Zero(t, f.count(ccvshop.OpUpdateProductAttributeValue))
}

func variantBySKU(p sim.Product, sku string) sim.Variant {
	for _, v := range p.Variants {
		if v.SKU == sku {
			return v
		}
	}
	return sim.Variant{}
}

// With two attributes the shop makes every mix; mixes no variant has are
// switched off, and one a later variant asks for is taken into use.
func TestVariantsWithTwoAttributes(t *testing.T) {
	f, _ := newCatalogFixture(t, sim.Options{}, ccvshop.Config{})
	ctx := context.Background()
	p := model.Product{SKU: "MOK", Name: "Mok", Price: eur(800), PriceIncludesVAT: true, VAT: model.VATPercent(21), Active: true,
		Variants: []model.Product{
			{SKU: "MOK-S-ROOD", Active: true, Attributes: map[string]string{"Maat": "S", "Kleur": "rood"}},
			{SKU: "MOK-M-BLAUW", Active: true, Attributes: map[string]string{"Maat": "M", "Kleur": "blauw"}},
		}}
	id, err := f.client.CreateProduct(ctx, write(p))
	require.NoError(t, err)
	got, _ := f.sim.Product("MOK")
	require.Len(t, got.Variants, 4, "2 sizes × 2 colours")
	active := 0
	for _, v := range got.Variants {
		if v.Active {
			active++
			assert.NotEmpty(t, v.SKU)
		}
	}
	assert.Equal(t, 2, active, "the mixes no variant has are off")
	assert.Equal(t, map[string]string{"Maat": "M", "Kleur": "blauw"}, variantBySKU(got, "MOK-M-BLAUW").Attributes)

	p.Variants = append(p.Variants, model.Product{SKU: "MOK-S-BLAUW", Active: true, Attributes: map[string]string{"Maat": "S", "Kleur": "blauw"}})
	require.NoError(t, f.client.UpdateProduct(ctx, id, write(p)))
	got, _ = f.sim.Product("MOK")
	assert.Len(t, got.Variants, 4, "the existing mix is used, none made")
	assert.True(t, variantBySKU(got, "MOK-S-BLAUW").Active)

	bad := p
	bad.Variants = append(slices.Clone(p.Variants), model.Product{SKU: "MOK-XL", Attributes: map[string]string{"Maat": "XL"}})
	err = f.client.UpdateProduct(ctx, id, write(bad))
	assert.True(t, connectors.IsKind(err, connectors.KindValidation), "%v", err)
	assert.ErrorContains(t, err, "same attributes")
}

// A shop that answers POST without a body (§1.9): the client finds what it made.
func TestCreateWithEmptyPostAnswers(t *testing.T) {
	f, _ := newCatalogFixture(t, sim.Options{EmptyPostBodies: true}, ccvshop.Config{})
	f.sim.AddProduct(simple("OTHER", time.Time{}))
	p := shirt("EMPTY")
	p.Categories = []string{"Kleding > Shirts"}
	id, err := f.client.CreateProduct(context.Background(), write(p))
	require.NoError(t, err)
	got, ok := f.sim.Product("EMPTY")
	require.True(t, ok)
	assert.Equal(t, got.ID, id)
	assert.Equal(t, []string{"Kleding > Shirts"}, got.Categories)
	assert.Equal(t, []string{"EMPTY-M", "EMPTY-S"}, skusOf(got))
}

// A 429 with Retry-After is a rate_limited error with that wait; the same
// write then succeeds.
func TestWriteRateLimitedThenSuccess(t *testing.T) {
	f, _ := newCatalogFixture(t, sim.Options{}, ccvshop.Config{})
	id := f.sim.AddProduct(simple("RL", time.Time{}))
	f.sim.Faults().Add(simkit.Rule{Op: ccvshop.OpUpdateProduct, Kind: simkit.FaultRateLimit, RetryAfter: 2 * time.Second, Times: 1})
	err := f.client.UpdateProduct(context.Background(), id, write(tea("RL")))
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindRateLimited, ce.Kind)
	assert.Equal(t, "429.10", ce.Code)
	assert.Equal(t, 2*time.Second, ce.RetryAfter)
	require.NoError(t, f.client.UpdateProduct(context.Background(), id, write(tea("RL"))))
	got, _ := f.sim.Product("RL")
	assert.Equal(t, "Groene thee", got.Name)
}

func TestCatalogConfig(t *testing.T) {
	_, err := ccvshop.New(ccvshop.Config{BaseURL: "https://shop.example.nl", PublicKey: pub, SecretKey: secret,
		PackageID: -1, WebshopID: -2, PricesIncludeVAT: "yes", Currency: "eur", TaxTariffs: map[string]model.VATRate{"normal": 20000}})
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindConfig, ce.Kind)
	for _, want := range []string{"package id", "webshop id", "pricesIncludeVat", "currency", `tax tariff "normal"`} {
		assert.Contains(t, ce.Message, want)
	}
}

// A tariff the table does not know, with no vatrate either, is named in
// the error; tariff names match without regard to case.
func TestUnknownTaxTariff(t *testing.T) {
	f, _ := newCatalogFixture(t, sim.Options{TaxTariffs: map[string]model.VATRate{"normal": 2100, "super": 2500}},
		ccvshop.Config{TaxTariffs: map[string]model.VATRate{"Normal": 2100}})
	f.sim.AddProduct(sim.Product{SKU: "N", Name: "N", Price: eur(100), TaxTariff: "normal", PackageID: 1})
	page, err := f.client.ListChangedProducts(context.Background(), connectors.ChangeQuery{})
	require.NoError(t, err)
	assert.Equal(t, model.VATPercent(21), page.Products[0].Product.VAT)

	p := tea("S")
	p.VAT = 2500
	_, err = f.client.CreateProduct(context.Background(), write(p))
	require.NoError(t, err, "a rate without a tariff is written as vatrate")
	got, _ := f.sim.Product("S")
	assert.Equal(t, "super", got.TaxTariff)
}
