package worker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/koppel/koppel/activities"
	mplussim "github.com/koppel/koppel/connectors/mplus/sim"
	swsim "github.com/koppel/koppel/connectors/shopware6/sim"
	"github.com/koppel/koppel/model"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/workflows"
)

// MplusKASSA → Shopware 6: the till's products and stock into the second
// pair's shop (flows.productsToSource and flows.stockToSource with Shopware
// as the integration's source), on a real dev server, checked against the
// simulator's catalogue as the Administration would show it.

// The simulator's route ops whose calls the tests count: every product or
// stock write is one sync request, every new photo one upload.
const (
	swSync   = "POST /_action/sync"
	swUpload = "POST /_action/media/{mediaId}/upload"
)

func newShopwareCatalogStack(t *testing.T, flow string) (*stack, *swsim.Sim) {
	return newShopwareCatalogStackOf(t, "", flow)
}

// newShopwareCatalogStackOf is newShopwareCatalogStack against a Shopware
// of the given version ("" the newest).
func newShopwareCatalogStackOf(t *testing.T, version, flow string) (*stack, *swsim.Sim) {
	t.Helper()
	s := newStack(t, stackOptions{source: "shopware6", target: "mplus", noOrders: true, sourceSim: shopwareOf(version),
		// The storefront only: the headless channel every shop has must not
		// get the products.
		sourceOptions: fmt.Sprintf("{productSalesChannelIds: %q}", swsim.DefaultSalesChannelID),
		catalogFlows:  []string{flow}})
	shop, ok := s.source.(*swsim.Sim)
	require.True(t, ok, "the source is the Shopware simulator")
	return s, shop
}

// eachShopwareVersion runs a test against every Shopware version the
// simulator serves.
func eachShopwareVersion(t *testing.T, test func(t *testing.T, version string)) {
	for _, version := range shopwareVersions {
		name := "Shopware " + version
		if version == "" {
			name = "Shopware 6.7"
		}
		t.Run(name, func(t *testing.T) { test(t, version) })
	}
}

// swProduct is a product or variant of the shop by number, with its
// inherited fields, as the tests read it.
func swProduct(t *testing.T, shop *swsim.Sim, sku string) map[string]any {
	t.Helper()
	p, ok := shop.Product(sku)
	require.True(t, ok, "product %s is in the shop", sku)
	return p
}

// swPrice is the gross and net of a product's price in cents (the shop's
// default currency, the only one written).
func swPrice(t *testing.T, p map[string]any) (gross, net int64) {
	t.Helper()
	prices, _ := p["price"].([]any)
	require.Len(t, prices, 1, "one price, in the default currency: %#v", p["price"])
	pr, _ := prices[0].(map[string]any)
	assert.Equal(t, swsim.DefaultCurrencyID, pr["currencyId"])
	assert.Equal(t, true, pr["linked"], "gross and net linked, as the Administration links them")
	var err error
	gross, err = model.ParseMinor(fmt.Sprint(pr["gross"]), 2)
	require.NoError(t, err)
	net, err = model.ParseMinor(fmt.Sprint(pr["net"]), 2)
	require.NoError(t, err)
	return gross, net
}

func swString(m map[string]any, key string) string { s, _ := m[key].(string); return s }

func swList(m map[string]any, key string) []map[string]any {
	var out []map[string]any
	l, _ := m[key].([]any)
	for _, e := range l {
		if n, ok := e.(map[string]any); ok {
			out = append(out, n)
		}
	}
	return out
}

// swOptions are a variant's options as group → value.
func swOptions(p map[string]any) map[string]string {
	out := map[string]string{}
	for _, o := range swList(p, "options") {
		g, _ := o["group"].(map[string]any)
		out[swString(g, "name")] = swString(o, "name")
	}
	return out
}

// swCategoryPaths are the names of a product's categories from below Home,
// built from the records' parent ids.
func swCategoryPaths(t *testing.T, shop *swsim.Sim, p map[string]any) []string {
	t.Helper()
	byID := map[string]map[string]any{}
	for _, c := range shop.Records("category") {
		byID[swString(c, "id")] = c
	}
	var out []string
	for _, c := range swList(p, "categories") {
		path := ""
		for id := swString(c, "id"); id != "" && id != swsim.HomeCategoryID; {
			rec, ok := byID[id]
			require.True(t, ok, "category %s", id)
			if path == "" {
				path = swString(rec, "name")
			} else {
				path = swString(rec, "name") + " > " + path
			}
			id = swString(rec, "parentId")
		}
		out = append(out, path)
	}
	slices.Sort(out)
	return out
}

// swOwnPrices are the numbers of a parent's variants that have a price of
// their own. Product and Records show variants with their inherited fields
// (sw-inheritance), so this reads the stored records from a snapshot.
func swOwnPrices(t *testing.T, shop *swsim.Sim, parentID any) []string {
	t.Helper()
	b, err := shop.Snapshot()
	require.NoError(t, err)
	var st struct {
		Catalog map[string][]map[string]any `json:"catalog"`
	}
	require.NoError(t, json.Unmarshal(b, &st))
	var out []string
	for _, r := range st.Catalog["product"] {
		if r["parentId"] == parentID && r["price"] != nil {
			out = append(out, swString(r, "productNumber"))
		}
	}
	return out
}

func swVisibleIn(p map[string]any) []string {
	var out []string
	for _, v := range swList(p, "visibilities") {
		out = append(out, swString(v, "salesChannelId"))
	}
	return out
}

func TestShopwareProductsFromTheTill(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	eachShopwareVersion(t, shopwareProductsFromTheTill)
}

func shopwareProductsFromTheTill(t *testing.T, version string) {
	s, shop := newShopwareCatalogStackOf(t, version,
		`productsToSource: {attributes: {size: Maat, colour: Kleur}, updateProductInfo: false, createCategories: true}`)
	koffie := s.mplus.AddGroup(0, "Koffie")
	bonen := s.mplus.AddGroup(koffie, "Bonen")
	servies := s.mplus.AddGroup(0, "Servies")
	s.mplus.AddProductWithArticles(mplussim.CatalogProduct{Description: "Koffiebonen 1 kg", ExtraText: "Huismelange, vers gebrand",
		Groups: []int{bonen}, Articles: []mplussim.Product{{PLU: "KOF-1000", Description: "Koffiebonen 1 kg",
			ExtraText: "Huismelange, vers gebrand", PriceInclCents: 1995, VatCode: mplussim.VatCodeLow, Barcode: "8712345000017",
			StockArticle: true, Webshop: true, Images: []mplussim.Image{{Name: "bonen.jpg", Data: []byte("\xff\xd8\xffjpeg bytes")}}}}})
	s.mplus.AddProductWithArticles(mplussim.CatalogProduct{Description: "Espressobonen 250 g", Groups: []int{bonen},
		Articles: []mplussim.Product{{PLU: "KOF-0250", Description: "Espressobonen 250 g", PriceInclCents: 695,
			VatCode: mplussim.VatCodeLow, StockArticle: true, Webshop: true}}})
	s.mplus.AddProductWithArticles(mplussim.CatalogProduct{Description: "Mok wit", Groups: []int{servies},
		Articles: []mplussim.Product{{PLU: "MOK-0001", Description: "Mok wit", PriceInclCents: 850, VatCode: mplussim.VatCodeHigh,
			StockArticle: true, Webshop: true}}})
	shirtNumber, _ := s.mplus.AddProductWithArticles(mplussim.CatalogProduct{Description: "T-shirt Koppel",
		Articles: []mplussim.Product{
			{PLU: "TS-S", Description: "T-shirt Koppel S", PriceInclCents: 2495, Size: "S", Colour: "Wit", Webshop: true, Barcode: "8712345000031"},
			{PLU: "TS-M", Description: "T-shirt Koppel M", PriceInclCents: 2495, Size: "M", Colour: "Wit", Webshop: true},
			{PLU: "TS-L", Description: "T-shirt Koppel L", PriceInclCents: 2795, Size: "L", Colour: "Wit", Webshop: true},
		}})
	shirtSKU := fmt.Sprintf("P-%d", shirtNumber)
	categoriesBefore := shop.Count("category")

	first := s.runCatalog(t, "", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeCreated: 4}, counts(first), "%+v", first.LastRun)
	assert.NotEmpty(t, first.Cursor, "the next run starts from the till's sync marker")

	// A simple product: gross as the till sells it, net at 9 % to the cent
	// (19.95 / 1.09 = 18.30), the shop's 9 % tax, its category path, the
	// photo as cover, visible in the storefront only, stock 0 until the
	// stock flow writes it.
	beans := swProduct(t, shop, "KOF-1000")
	assert.Equal(t, "Koffiebonen 1 kg", beans["name"])
	assert.Equal(t, "Huismelange, vers gebrand", beans["description"])
	assert.Equal(t, "8712345000017", beans["ean"])
	assert.Equal(t, true, beans["active"])
	gross, net := swPrice(t, beans)
	assert.Equal(t, [2]int64{1995, 1830}, [2]int64{gross, net}, "gross and net to the cent")
	assert.Equal(t, swsim.ReducedTaxID, beans["taxId"], "the shop's tax at the product's rate")
	assert.Equal(t, []string{"Koffie > Bonen"}, swCategoryPaths(t, shop, beans))
	assert.Equal(t, []string{swsim.DefaultSalesChannelID}, swVisibleIn(beans), "visible in the product sales channel only")
	stock, _ := shop.Stock("KOF-1000")
	assert.Equal(t, int64(0), stock, "the products flow writes no stock")
	media := swList(beans, "media")
	require.Len(t, media, 1, "the till's photo is linked")
	cover, _ := beans["cover"].(map[string]any)
	require.NotNil(t, cover, "the photo is the cover: coverId %v", beans["coverId"])
	coverMedia, _ := cover["media"].(map[string]any)
	assert.Equal(t, "bonen", coverMedia["fileName"])
	assert.Equal(t, "jpg", coverMedia["fileExtension"])
	assert.Equal(t, true, coverMedia["hasFile"], "the file is uploaded")
	assert.Equal(t, 1, shop.Count("media"))
	assert.Equal(t, 1, shop.Served(swUpload), "uploaded once")

	espresso := swProduct(t, shop, "KOF-0250")
	gross, net = swPrice(t, espresso)
	assert.Equal(t, [2]int64{695, 638}, [2]int64{gross, net}, "6.95 / 1.09 = 6.376 → 6.38")
	assert.Equal(t, []string{"Koffie > Bonen"}, swCategoryPaths(t, shop, espresso))
	mok := swProduct(t, shop, "MOK-0001")
	gross, net = swPrice(t, mok)
	assert.Equal(t, [2]int64{850, 702}, [2]int64{gross, net}, "8.50 / 1.21 = 7.025 → 7.02")
	assert.Equal(t, swsim.DefaultTaxID, mok["taxId"])
	assert.Equal(t, []string{"Servies"}, swCategoryPaths(t, shop, mok))
	assert.Equal(t, categoriesBefore+3, shop.Count("category"), "Koffie, Bonen and Servies, each created once")

	// The product with sizes: a parent under the till's product SKU with a
	// child per article, the till's size and colour as the shop's Maat and
	// Kleur properties, a configurator setting per option, the price on the
	// parent and only the dearer size's on its child.
	shirt := swProduct(t, shop, shirtSKU)
	assert.Equal(t, "T-shirt Koppel", shirt["name"])
	gross, net = swPrice(t, shirt)
	assert.Equal(t, [2]int64{2495, 2062}, [2]int64{gross, net})
	children := swList(shirt, "children")
	require.Len(t, children, 3, "one variant per article")
	for _, size := range []string{"S", "M", "L"} {
		v := swProduct(t, shop, "TS-"+size)
		assert.Equal(t, shirt["id"], v["parentId"], "TS-%s is a variant of the shirt", size)
		assert.Equal(t, map[string]string{"Maat": size, "Kleur": "Wit"}, swOptions(v), "TS-%s: attribute names mapped", size)
		assert.Equal(t, "T-shirt Koppel", v["name"], "the parent's name, inherited")
	}
	assert.Equal(t, "8712345000031", swProduct(t, shop, "TS-S")["ean"], "a variant's own barcode")
	large := swProduct(t, shop, "TS-L")
	gross, net = swPrice(t, large)
	assert.Equal(t, [2]int64{2795, 2310}, [2]int64{gross, net}, "the large size's own price")
	assert.Equal(t, []string{"TS-L"}, swOwnPrices(t, shop, shirt["id"]), "the other sizes inherit the parent's price")
	var settings []string
	for _, cs := range swList(shirt, "configuratorSettings") {
		settings = append(settings, swString(cs, "optionId"))
	}
	assert.Len(t, settings, 4, "S, M, L and Wit: %v", settings)
	var groups []string
	for _, g := range shop.Records("property_group") {
		groups = append(groups, swString(g, "name"))
	}
	slices.Sort(groups)
	assert.Equal(t, []string{"Kleur", "Maat"}, groups, "each property group created once")
	assert.Equal(t, 4, shop.Count("property_group_option"))
	assert.Equal(t, 4+3, shop.Count("product"), "three simple products, a parent and three variants")

	// A second run over the whole catalogue writes nothing.
	syncs, uploads := shop.Served(swSync), shop.Served(swUpload)
	again := s.runCatalog(t, "", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop", Full: true})
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeUnchanged: 4}, counts(again), "%+v", again.LastRun)
	assert.Equal(t, syncs, shop.Served(swSync), "a second run writes nothing")
	assert.Equal(t, uploads, shop.Served(swUpload))

	// The till changes the price, the name and the description; with
	// updateProductInfo off the price moves (gross and net) and the shop
	// keeps its name, description, category and photo.
	s.updateTillArticle(t, "KOF-1000", func(p *model.Product) {
		p.Price, p.Name, p.Description = eurCents(2195), "Bonen (kassa)", "Tekst van de kassa"
	})
	// The shirt: the large size drops to the parent's price (its variant
	// inherits again) and a new size is added to the parent.
	s.updateTillArticle(t, "TS-L", func(p *model.Product) {
		for i := range p.Variants {
			if p.Variants[i].SKU == "TS-L" {
				p.Variants[i].Price = eurCents(2495)
			}
		}
	})
	tsl, ok := s.mplus.Product("TS-L")
	require.True(t, ok)
	require.Equal(t, int64(2495), tsl.PriceInclCents, "the till's large size costs the same now")
	s.mplus.AddProduct(mplussim.Product{PLU: "TS-XL", ProductNumber: shirtNumber, Description: "T-shirt Koppel XL",
		PriceInclCents: 2495, Size: "XL", Colour: "Wit", Webshop: true})
	// The mug is taken off sale in the till: active is always synced.
	s.updateTillArticle(t, "MOK-0001", func(p *model.Product) { p.Active = false })
	third := s.runCatalog(t, "", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop", Full: true})
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeUpdated: 3, activities.OutcomeUnchanged: 1}, counts(third), "%+v", third.LastRun)
	assert.Equal(t, syncs+3, shop.Served(swSync), "one write per changed product")
	assert.Equal(t, false, swProduct(t, shop, "MOK-0001")["active"], "the mug is off sale in the shop too")
	assert.Empty(t, swOwnPrices(t, shop, shirt["id"]), "every size at the parent's price inherits it")
	xl := swProduct(t, shop, "TS-XL")
	assert.Equal(t, shirt["id"], xl["parentId"], "the new size is a variant of the same parent")
	assert.Equal(t, map[string]string{"Maat": "XL", "Kleur": "Wit"}, swOptions(xl))
	assert.Len(t, swList(swProduct(t, shop, shirtSKU), "configuratorSettings"), 5, "one more option: XL")
	beans = swProduct(t, shop, "KOF-1000")
	gross, net = swPrice(t, beans)
	assert.Equal(t, [2]int64{2195, 2014}, [2]int64{gross, net}, "21.95 / 1.09 = 20.137 → 20.14")
	assert.Equal(t, "Koffiebonen 1 kg", beans["name"], "the shop's name is kept")
	assert.Equal(t, "Huismelange, vers gebrand", beans["description"], "the shop's description is kept")
	assert.Equal(t, []string{"Koffie > Bonen"}, swCategoryPaths(t, shop, beans))
	assert.Len(t, swList(beans, "media"), 1, "the photo is not linked twice")
	assert.Equal(t, 1, shop.Count("media"), "nor uploaded twice")
	assert.Equal(t, uploads, shop.Served(swUpload))
	assert.Equal(t, 8, shop.Count("product"), "nothing created twice, the new size once")
}

// lastStockRun is the result of the stock schedule's latest run (not
// recorded as a replay history: the CCV pair's test records that shape).
func (s *stack) lastStockRun(t *testing.T, h client.ScheduleHandle) workflows.CatalogState {
	t.Helper()
	ctx := context.Background()
	d, err := h.Describe(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, d.Info.RecentActions)
	a := d.Info.RecentActions[len(d.Info.RecentActions)-1].StartWorkflowResult
	var out workflows.CatalogState
	require.NoError(t, s.client.GetWorkflow(ctx, a.WorkflowID, a.FirstExecutionRunID).Get(ctx, &out))
	return out
}

func TestShopwareStockFromTheTill(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	eachShopwareVersion(t, shopwareStockFromTheTill)
}

func shopwareStockFromTheTill(t *testing.T, version string) {
	s, shop := newShopwareCatalogStackOf(t, version, `stockToSource: {interval: 1h, buffer: 1, manageStock: true}`)
	for _, sku := range []string{"KOF-1000", "MOK-0001", "FLT-0102"} {
		s.mplus.AddProduct(mplussim.Product{PLU: sku, Description: sku, PriceInclCents: 100, StockArticle: true, Webshop: true})
		shop.AddProduct(model.Product{SKU: sku, Name: sku, Price: eurCents(100), PriceIncludesVAT: true, VAT: model.VATPercent(21), Active: true})
	}
	// A product with sizes: the stock goes to each variant.
	s.mplus.AddProductWithArticles(mplussim.CatalogProduct{Description: "T-shirt", Articles: []mplussim.Product{
		{PLU: "TS-S", Description: "T-shirt S", PriceInclCents: 2495, Size: "S", StockArticle: true, Webshop: true},
		{PLU: "TS-M", Description: "T-shirt M", PriceInclCents: 2495, Size: "M", StockArticle: true, Webshop: true},
	}})
	shop.AddProduct(model.Product{SKU: "TS", Name: "T-shirt", Price: eurCents(2495), PriceIncludesVAT: true, VAT: model.VATPercent(21), Active: true,
		Variants: []model.Product{{SKU: "TS-S", Attributes: map[string]string{"Maat": "S"}}, {SKU: "TS-M", Attributes: map[string]string{"Maat": "M"}}}})
	require.NoError(t, s.mplus.SetStockLevel("KOF-1000", model.Pieces(10), model.Pieces(2)))
	require.NoError(t, s.mplus.SetStockLevel("MOK-0001", model.Pieces(5), 0))
	require.NoError(t, s.mplus.SetStockLevel("FLT-0102", model.Pieces(1), 0))
	require.NoError(t, s.mplus.SetStockLevel("TS-S", model.Pieces(4), 0))
	require.NoError(t, s.mplus.SetStockLevel("TS-M", model.Pieces(1), 0))
	// In the till, not yet in the shop (the products flow creates it later).
	s.mplus.AddProduct(mplussim.Product{PLU: "NEW-1", Description: "Nieuw", PriceInclCents: 100, StockArticle: true, Webshop: true})
	require.NoError(t, s.mplus.SetStockLevel("NEW-1", model.Pieces(6), 0))

	ctx := context.Background()
	changes, err := kworker.ApplySchedules(ctx, s.client, s.file, s.taskQueue)
	require.NoError(t, err)
	require.Len(t, changes, 1, "the stock schedule only")
	h := s.client.ScheduleClient().GetHandle(ctx, workflows.ScheduleID("shop", workflows.FlowStock))
	t.Cleanup(func() { _ = h.Delete(context.Background()) })
	s.waitForRuns(t, h, 1)
	shopStock := func(sku string) int64 {
		t.Helper()
		n, ok := shop.Stock(sku)
		require.True(t, ok, "%s in the shop", sku)
		return n
	}
	managed := func(sku string) bool {
		t.Helper()
		b, _ := swProduct(t, shop, sku)["isCloseout"].(bool)
		return b
	}
	assert.Equal(t, int64(7), shopStock("KOF-1000"), "available 10 − reserved 2 − buffer 1")
	assert.Equal(t, int64(4), shopStock("MOK-0001"))
	assert.Equal(t, int64(0), shopStock("FLT-0102"), "never below zero")
	assert.Equal(t, int64(3), shopStock("TS-S"), "a variant's own stock")
	assert.Equal(t, int64(0), shopStock("TS-M"))
	for _, sku := range []string{"KOF-1000", "MOK-0001", "FLT-0102", "TS-S", "TS-M"} {
		assert.True(t, managed(sku), "%s: manageStock sets isCloseout (not orderable once sold out)", sku)
	}
	first := s.lastStockRun(t, h)
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeUpdated: 5, activities.OutcomeMissing: 1}, counts(first), "%+v", first.LastRun)
	require.Len(t, first.Waiting, 1, "a SKU the shop lacks waits for a later run")

	// The shop gets the new product; a sale in the till: the sold SKU is
	// written, and the waiting one now that the shop has it; nothing else.
	shop.AddProduct(model.Product{SKU: "NEW-1", Name: "Nieuw", Price: eurCents(100), PriceIncludesVAT: true, VAT: model.VATPercent(21), Active: true})
	require.NoError(t, s.mplus.SetStockLevel("MOK-0001", model.Pieces(3), 0))
	syncs := shop.Served(swSync)
	s.triggerAfterLastRun(t, h)
	last := s.lastStockRun(t, h)
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeUpdated: 2}, counts(last), "%+v", last.LastRun)
	assert.Equal(t, []activities.RecordResult{
		{Key: "NEW-1", Outcome: activities.OutcomeUpdated, Detail: "0 → 5"},
		{Key: "MOK-0001", Outcome: activities.OutcomeUpdated, Detail: "4 → 2"},
	}, last.LastRun.Records, "only what changed")
	assert.Equal(t, syncs+2, shop.Served(swSync), "one write per changed SKU")
	assert.Empty(t, last.Waiting)
	assert.Equal(t, int64(2), shopStock("MOK-0001"))
	assert.Equal(t, int64(5), shopStock("NEW-1"))
	assert.True(t, managed("NEW-1"))

	// Nothing changed in the till: a run writes nothing.
	syncs = shop.Served(swSync)
	s.triggerAfterLastRun(t, h)
	assert.Equal(t, syncs, shop.Served(swSync), "a run without changes writes nothing")

	// Orders in the shop lower its stock; the change feed does not see it,
	// the reconciliation (the starter's reconcile path: a full run under the
	// one stock workflow id) corrects it and says what it changed.
	require.NoError(t, shop.SetStockOf("KOF-1000", 50))
	require.NoError(t, shop.SetStockOf("TS-S", 1))
	s.triggerAfterLastRun(t, h)
	assert.Equal(t, int64(50), shopStock("KOF-1000"), "a changes-only run leaves the drift")

	run, err := kworker.StartFullRun(ctx, s.client, s.taskQueue, s.file.Integrations[0], workflows.FlowStock)
	require.NoError(t, err)
	assert.Equal(t, workflows.StockRunWorkflowID("shop"), run.GetID(), "the reconciliation runs under the one stock id")
	var report workflows.CatalogState
	require.NoError(t, run.Get(ctx, &report))
	assert.Equal(t, int64(7), shopStock("KOF-1000"))
	assert.Equal(t, int64(3), shopStock("TS-S"))
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeUpdated: 2, activities.OutcomeUnchanged: 4}, counts(report), "%+v", report.LastRun)
	assert.ElementsMatch(t, []activities.RecordResult{
		{Key: "KOF-1000", Outcome: activities.OutcomeUpdated, Detail: "50 → 7"},
		{Key: "TS-S", Outcome: activities.OutcomeUpdated, Detail: "1 → 3"},
	}, report.LastRun.Records)
}

// Weighed goods: Shopware counts whole pieces, so 2.5 kg less the buffer
// of 1 is 1 in the shop. Once it is 1, a reconciliation has nothing to
// correct and must say so.
func TestShopwareStockOfWeighedGoods(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s, shop := newShopwareCatalogStack(t, `stockToSource: {interval: 1h, buffer: 1, manageStock: true}`)
	s.mplus.AddProduct(mplussim.Product{PLU: "KAAS-1", Description: "Oude kaas per kg", PriceInclCents: 1895, StockArticle: true, Webshop: true})
	shop.AddProduct(model.Product{SKU: "KAAS-1", Name: "Oude kaas per kg", Price: eurCents(1895), PriceIncludesVAT: true, VAT: model.VATPercent(9), Active: true})
	require.NoError(t, s.mplus.SetStockLevel("KAAS-1", model.Quantity(25*model.QuantityScale/10), 0))

	ctx := context.Background()
	run, err := kworker.StartFullRun(ctx, s.client, s.taskQueue, s.file.Integrations[0], workflows.FlowStock)
	require.NoError(t, err)
	var first workflows.CatalogState
	require.NoError(t, run.Get(ctx, &first))
	n, ok := shop.Stock("KAAS-1")
	require.True(t, ok)
	assert.Equal(t, int64(1), n, "1.5 rounded down to whole pieces")

	syncs := shop.Served(swSync)
	run, err = kworker.StartFullRun(ctx, s.client, s.taskQueue, s.file.Integrations[0], workflows.FlowStock)
	require.NoError(t, err)
	var again workflows.CatalogState
	require.NoError(t, run.Get(ctx, &again))
	assert.Equal(t, syncs, shop.Served(swSync), "nothing is written again")

	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeUnchanged: 1}, counts(again), "%+v", again.LastRun)
	assert.Empty(t, again.LastRun.Records, "a reconciliation with nothing to correct lists nothing")
}

// With updateProductInfo on, the till's texts, category and photo go over a
// product the shop already sells (made by hand, under an id of its own);
// what the shop has beyond them stays, since nothing is deleted.
func TestShopwareProductsUpdateProductInfo(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s, shop := newShopwareCatalogStack(t, `productsToSource: {updateProductInfo: true}`)
	koffie := s.mplus.AddGroup(0, "Koffie")
	s.mplus.AddProductWithArticles(mplussim.CatalogProduct{Description: "Koffiebonen 1 kg", ExtraText: "Huismelange",
		Groups: []int{koffie}, Articles: []mplussim.Product{{PLU: "KOF-1000", Description: "Koffiebonen 1 kg", ExtraText: "Huismelange",
			PriceInclCents: 1995, VatCode: mplussim.VatCodeLow, StockArticle: true, Webshop: true,
			Images: []mplussim.Image{{Name: "bonen.jpg", Data: []byte("\xff\xd8\xffjpeg bytes")}}}}})
	shop.AddProduct(model.Product{SKU: "KOF-1000", Name: "Bonen (webshop)", Description: "Tekst van de webshop",
		Price: eurCents(1895), PriceIncludesVAT: true, VAT: model.VATPercent(9), Active: true, Categories: []string{"Aanbiedingen"}})
	require.NoError(t, shop.SetStockOf("KOF-1000", 12))

	first := s.runCatalog(t, "", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeUpdated: 1}, counts(first), "%+v", first.LastRun)
	beans := swProduct(t, shop, "KOF-1000")
	assert.Equal(t, "Koffiebonen 1 kg", beans["name"], "the till's name")
	assert.Equal(t, "Huismelange", beans["description"], "the till's description")
	gross, net := swPrice(t, beans)
	assert.Equal(t, [2]int64{1995, 1830}, [2]int64{gross, net})
	assert.Equal(t, []string{"Aanbiedingen", "Koffie"}, swCategoryPaths(t, shop, beans), "the till's category added, the shop's kept")
	cover, _ := beans["cover"].(map[string]any)
	require.NotNil(t, cover, "the till's photo is the cover")
	coverMedia, _ := cover["media"].(map[string]any)
	assert.Equal(t, "bonen", coverMedia["fileName"])
	n, _ := shop.Stock("KOF-1000")
	assert.Equal(t, int64(12), n, "the products flow leaves the stock alone")
	assert.Equal(t, 1, shop.Count("product"), "the shop's product is updated, not a second one made")

	syncs, uploads := shop.Served(swSync), shop.Served(swUpload)
	again := s.runCatalog(t, "", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop", Full: true})
	assert.Equal(t, uploads, shop.Served(swUpload), "the photo is not uploaded again")
	beans = swProduct(t, shop, "KOF-1000")
	assert.Len(t, swList(beans, "media"), 1)
	assert.Equal(t, []string{"Aanbiedingen", "Koffie"}, swCategoryPaths(t, shop, beans))

	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeUnchanged: 1}, counts(again), "%+v", again.LastRun)
	assert.Equal(t, syncs, shop.Served(swSync), "a second run writes nothing")
}
