package vismanet_test

import (
	"context"
	"encoding/json"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/vismanet"
	"github.com/koppel/koppel/model"
)

// listPass lists the changed products from cursor to the last page and returns
// them with the next cursor. Like the flows, it hands the cursor with every
// page token.
func listPass(t *testing.T, c *vismanet.Client, cursor string, size int) ([]connectors.SourceProduct, string) {
	t.Helper()
	var out []connectors.SourceProduct
	token := ""
	for pages := 1; ; pages++ {
		require.Less(t, pages, 50, "no last page")
		page, err := c.ListChangedProducts(context.Background(), connectors.ChangeQuery{Cursor: cursor, PageToken: token, PageSize: size})
		require.NoError(t, err)
		out = append(out, page.Products...)
		if page.NextPageToken == "" {
			return out, page.Cursor
		}
		require.NotEqual(t, token, page.NextPageToken)
		token = page.NextPageToken
	}
}

func productSKUs(ps []connectors.SourceProduct) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Product.SKU)
	}
	return out
}

func productsBySKU(ps []connectors.SourceProduct) map[string]connectors.SourceProduct {
	out := map[string]connectors.SourceProduct{}
	for _, p := range ps {
		out[p.Product.SKU] = p
	}
	return out
}

func itemAttrs(kv ...string) []map[string]any {
	var out []map[string]any
	for i := 0; i+2 < len(kv); i += 3 {
		out = append(out, map[string]any{"id": kv[i], "description": kv[i+1], "value": kv[i+2]})
	}
	return out
}

func catalogERP() *erp {
	e := newERP()
	e.addItem("A", func(it map[string]any) {
		it["description"], it["body"], it["defaultPrice"] = "Koffie bonen", "<p>Rich</p>", json.Number("19.95")
		it["vatCode"] = map[string]any{"id": "2", "description": "9%"}
		it["itemClass"] = map[string]any{"id": "COF", "description": "Coffee", "attributes": []map[string]any{
			{"attributeId": "COLOR", "description": "Colour", "details": []map[string]any{{"id": "RED", "description": "Red"}}}}}
		it["salesCategories"] = []map[string]any{{"categoryId": 7, "description": "Beans"}, {"categoryId": 9, "description": "Organic"}}
		it["attributes"] = itemAttrs("COLOR", "Colour", "RED", "ORIGIN", "", "Peru", "EMPTY", "Empty", "")
		it["crossReferences"] = []map[string]any{{"alternateType": "CPN", "alternateID": "C-1"}, {"alternateType": "Barcode", "alternateID": "8712345678906"}}
	})
	e.addItem("B", func(it map[string]any) {
		it["status"], it["stockItem"], it["type"] = "NoSales", false, "NonStockItem"
		it["vatCode"] = map[string]any{"id": "3"}
		it["crossReferences"] = []map[string]any{{"alternateType": "Barcode", "alternateID": "INT-7"}, {"alternateType": "Global", "alternateID": "5012345678900"}}
	})
	e.addItem("C", func(it map[string]any) {
		it["status"] = "NoPurchases"
		it["crossReferences"] = []map[string]any{{"alternateType": "Barcode", "alternateID": "INT-9"}}
	})
	e.addItem("D", func(it map[string]any) { it["status"] = "Inactive" })
	e.addItem("LABOUR", func(it map[string]any) { it["type"], it["stockItem"] = "LaborItem", false })
	return e
}

func TestProductsAreMappedFromItems(t *testing.T) {
	e := catalogERP()
	c := e.client(t, nil)
	got, cursor := listPass(t, c, "", 0)
	assert.NotEmpty(t, cursor)
	assert.Equal(t, []string{"A", "B", "C", "D"}, productSKUs(got), "only options.itemTypes, every status")
	p := productsBySKU(got)

	assert.Equal(t, model.Product{SKU: "A", Name: "Koffie bonen", Description: "<p>Rich</p>", EAN: "8712345678906",
		Price: model.NewMoney(1995, "EUR"), PriceIncludesVAT: false, VAT: model.VATPercent(9), Active: true, ManageStock: true,
		Categories: []string{"Coffee"}, Attributes: map[string]string{"Colour": "Red", "ORIGIN": "Peru"}}, p["A"].Product)
	assert.Equal(t, "5012345678900", p["B"].Product.EAN, "a Global GTIN beats a Barcode that is none")
	assert.False(t, p["B"].Product.Active, "NoSales")
	assert.False(t, p["B"].Product.ManageStock)
	assert.Zero(t, p["B"].Product.VAT)
	assert.Nil(t, p["B"].Product.Categories)
	assert.Equal(t, "INT-9", p["C"].Product.EAN, "the only barcode")
	assert.True(t, p["C"].Product.Active, "NoPurchases may be sold")
	assert.False(t, p["D"].Product.Active, "Inactive: the shop hides it")

	raw := p["A"].Raw
	assert.Equal(t, "A", raw["inventoryNumber"])
	assert.Equal(t, json.Number("19.95"), raw["defaultPrice"], "raw numbers stay exact")
	assert.NotContains(t, raw, "metadata")

	q := e.sent(vismanet.OpListInventory)[0].query
	assert.ElementsMatch(t, []string{"FinishedGoodItem", "ComponentPartItem", "SubassemblyItem", "NonStockItem"}, q["inventoryTypes"])
	for _, f := range []string{"expandAttribute", "expandAttachment", "expandCrossReference", "expandSalesCategories"} {
		assert.Equal(t, "true", q.Get(f), f)
	}
	assert.Empty(t, q.Get("lastModifiedDateTime"), "the first pass lists everything")
	assert.Empty(t, q.Get("status"), "inactive items are listed too")

	// Sales categories, prices incl. VAT, the configured currency.
	c = e.client(t, func(o *vismanet.Options) {
		o.CategoryFrom, o.PricesIncludeVat, o.Currency = "salesCategory", true, "NOK"
	})
	got, _ = listPass(t, c, "", 0)
	a := productsBySKU(got)["A"].Product
	assert.Equal(t, []string{"Beans", "Organic"}, a.Categories)
	assert.True(t, a.PriceIncludesVAT)
	assert.Equal(t, model.NewMoney(1995, "NOK"), a.Price)
}

var (
	jpegFile = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00 a photo")
	pngFile  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR a photo")
)

const (
	manualPDF = "11111111-1111-4111-8111-111111111111"
	shirtJPG  = "22222222-2222-4222-8222-222222222222"
	backPNG   = "33333333-3333-4333-8333-333333333333"
	notesTXT  = "44444444-4444-4444-8444-444444444444"
	frontPNG  = "55555555-5555-4555-8555-555555555555"
)

func imageERP() *erp {
	e := newERP()
	e.files[manualPDF] = erpFile{"application/pdf", []byte("%PDF-1.4 manual")}
	e.files[shirtJPG] = erpFile{"image/jpeg", jpegFile}
	e.files[backPNG] = erpFile{"image/png", pngFile}
	e.files[notesTXT] = erpFile{"application/octet-stream", []byte("just some notes")}
	e.files[frontPNG] = erpFile{"application/octet-stream", pngFile}
	e.addItem("A", func(it map[string]any) {
		it["attachments"] = []map[string]any{{"name": `Stock Items (A)\manual.pdf`, "id": manualPDF, "revision": 1},
			{"name": `Stock Items (A)\shirt.jpg`, "id": shirtJPG, "revision": 2}, {"name": "back.png", "id": backPNG, "revision": 1}}
	})
	e.addItem("B", func(it map[string]any) {
		it["attachments"] = []map[string]any{{"name": "notes", "id": notesTXT, "revision": 1}, {"name": "front", "id": frontPNG, "revision": 3}}
	})
	return e
}

func attachmentDownloads(e *erp) []string {
	var out []string
	for _, c := range e.sent(vismanet.OpGetAttachment) {
		out = append(out, c.path)
	}
	return out
}

func TestTheFirstImageIsDownloadedWithAStableName(t *testing.T) {
	e := imageERP()
	c := e.client(t, nil)
	got, _ := listPass(t, c, "", 0)
	p := productsBySKU(got)
	assert.Equal(t, []model.Image{{Name: "shirt-r2.jpg", Data: jpegFile, Main: true}}, p["A"].Product.Images,
		"the PDF is passed over by its name; the file name without Visma.net's prefix, with the revision")
	assert.Equal(t, []model.Image{{Name: "front-r3.png", Data: pngFile, Main: true}}, p["B"].Product.Images,
		"no extension: the content decides, and names the type")
	assert.Equal(t, []string{"/v1/attachment/" + shirtJPG, "/v1/attachment/" + notesTXT, "/v1/attachment/" + frontPNG}, attachmentDownloads(e),
		"never the PDF, nothing after the first image")

	// The same file again is the same name: a target uploads it once.
	e.touch("A", e.now().Add(time.Minute))
	e.advance(2 * time.Minute)
	again, _ := listPass(t, c, "", 0)
	assert.Equal(t, p["A"].Product.Images[0].Name, productsBySKU(again)["A"].Product.Images[0].Name)
}

func variantERP() *erp {
	e := newERP()
	e.files[shirtJPG] = erpFile{"image/jpeg", jpegFile}
	tshirt := func(colour, size string, edit func(map[string]any)) func(map[string]any) {
		return func(it map[string]any) {
			it["attributes"] = itemAttrs("MODEL", "Model", "TSHIRT", "COLOR", "Colour", colour, "SIZE", "Size", size, "MATERIAL", "Material", "cotton")
			it["itemClass"] = map[string]any{"id": "SHIRTS", "description": "Shirts"}
			if edit != nil {
				edit(it)
			}
		}
	}
	withImage := func(it map[string]any) {
		it["attachments"] = []map[string]any{{"name": "shirt.jpg", "id": shirtJPG, "revision": 1}}
	}
	e.addItem("T-RED-M", tshirt("RED", "M", withImage))
	e.addItem("MUG", func(it map[string]any) { it["attributes"] = itemAttrs("MATERIAL", "Material", "stone") })
	e.addItem("T-RED-L", tshirt("RED", "L", withImage))
	e.addItem("T-BLUE-M", tshirt("BLUE", "M", func(it map[string]any) { it["status"] = "Inactive" }))
	return e
}

func TestItemsOfAGroupAreOneProductWithVariants(t *testing.T) {
	e := variantERP()
	c := e.client(t, func(o *vismanet.Options) { o.VariantGroupAttribute = "model" })
	got, cursor := listPass(t, c, "", 2)
	assert.Equal(t, []string{"TSHIRT", "MUG"}, productSKUs(got), "the group once, though its items are on two pages")
	shirt := productsBySKU(got)["TSHIRT"]
	p := shirt.Product
	assert.Equal(t, "Item T-BLUE-M", p.Name, "the first item's, by number")
	assert.Equal(t, []string{"Shirts"}, p.Categories)
	assert.True(t, p.Active, "an item is active")
	assert.True(t, p.ManageStock)
	assert.Equal(t, []model.Image{{Name: "shirt-r1.jpg", Data: jpegFile, Main: true}}, p.Images, "the first image an item has")
	require.Len(t, p.Variants, 3)
	assert.Equal(t, []string{"T-BLUE-M", "T-RED-L", "T-RED-M"}, p.AllSKUs()[1:])
	assert.Equal(t, map[string]string{"Colour": "BLUE", "Size": "M"}, p.Variants[0].Attributes, "Material is the same on all: no option")
	assert.Equal(t, map[string]string{"Colour": "RED", "Size": "L"}, p.Variants[1].Attributes)
	assert.False(t, p.Variants[0].Active)
	assert.Nil(t, p.Variants[0].Categories)
	assert.Empty(t, p.VariantProblems())
	assert.Len(t, shirt.RawVariants, 3)
	assert.Equal(t, "T-BLUE-M", shirt.Raw["inventoryNumber"])
	assert.Equal(t, map[string]string{"Material": "stone"}, productsBySKU(got)["MUG"].Product.Attributes, "no group: a simple product")
	assert.Len(t, attachmentDownloads(e), 1, "the shared file is read once for the page")

	// One item changes: the whole group comes, listed by the attribute.
	e.advance(10 * time.Minute)
	e.touch("T-RED-L", e.now())
	e.advance(time.Minute)
	got, _ = listPass(t, c, cursor, 0)
	require.Equal(t, []string{"TSHIRT"}, productSKUs(got))
	assert.Len(t, got[0].Product.Variants, 3)
	lists := e.sent(vismanet.OpListInventory)
	assert.Equal(t, `{"MODEL":"TSHIRT"}`, lists[len(lists)-1].query.Get("attributes"))

	// A server that ignores the filter: the group is still exact.
	e.ignoreAttributes = true
	got, _ = listPass(t, c, cursor, 0)
	require.Equal(t, []string{"TSHIRT"}, productSKUs(got))
	assert.Len(t, got[0].Product.Variants, 3)

	// Without grouping every item is a simple product.
	c = e.client(t, nil)
	got, _ = listPass(t, c, "", 0)
	assert.Equal(t, []string{"T-RED-M", "MUG", "T-RED-L", "T-BLUE-M"}, productSKUs(got))
	assert.Equal(t, map[string]string{"Model": "TSHIRT", "Colour": "RED", "Size": "M", "Material": "cotton"}, got[0].Product.Attributes)
}

func TestTheCursorResumesAtEqualTimestampsWithoutGapOrRepeat(t *testing.T) {
	e := newERP()
	for _, n := range []string{"A", "B", "C"} {
		e.addItem(n, nil) // all modified in the same millisecond
	}
	c := e.client(t, nil)
	got, cursor := listPass(t, c, "", 2)
	assert.Equal(t, []string{"A", "B", "C"}, productSKUs(got))

	e.addItem("D", nil)                      // the same instant as A, B, C
	e.touch("B", e.now().Add(time.Second/2)) // the same second, later
	got, cursor2 := listPass(t, c, cursor, 2)
	assert.Equal(t, []string{"B", "D"}, productSKUs(got), "what changed, once; nothing listed before")
	lists := e.sent(vismanet.OpListInventory)
	last := lists[len(lists)-1].query
	assert.Equal(t, "2026-03-02T09:55:00", last.Get("lastModifiedDateTime"), "the overlap before the newest change")
	assert.Equal(t, ">=", last.Get("lastModifiedDateTimeCondition"))

	got, cursor3 := listPass(t, c, cursor2, 2)
	assert.Empty(t, got, "nothing changed")
	assert.NotEmpty(t, cursor3)
}

func TestAChangeDuringAPassIsListedByTheNext(t *testing.T) {
	e := newERP()
	start := e.now()
	for _, n := range []string{"A", "B", "C"} {
		e.addItem(n, nil)
	}
	c := e.client(t, nil)
	first, err := c.ListChangedProducts(context.Background(), connectors.ChangeQuery{PageSize: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"A", "B"}, productSKUs(first.Products))

	// Half an hour later (pages of a pass may be read runs apart) A was
	// changed, after its page was read, and C just now.
	e.advance(30 * time.Minute)
	e.touch("A", start.Add(20*time.Minute))
	e.touch("C", start.Add(29*time.Minute))
	last, err := c.ListChangedProducts(context.Background(), connectors.ChangeQuery{PageSize: 2, PageToken: first.NextPageToken})
	require.NoError(t, err)
	assert.Equal(t, []string{"C"}, productSKUs(last.Products))
	require.NotEmpty(t, last.Cursor)

	got, _ := listPass(t, c, last.Cursor, 2)
	assert.Equal(t, []string{"A"}, productSKUs(got), "A's change is not lost behind C's, and C is not listed again")
}

func TestProductPagesGoToTheEnd(t *testing.T) {
	e := newERP()
	for _, n := range []string{"P1", "P2", "P3", "P4", "P5"} {
		e.addItem(n, nil)
	}
	c := e.client(t, nil)
	seen := map[string]int{}
	token := ""
	var pages int
	for pages = 1; ; pages++ {
		require.Less(t, pages, 10)
		// Like the conformance suite: the page token alone.
		page, err := c.ListChangedProducts(context.Background(), connectors.ChangeQuery{PageSize: 2, PageToken: token})
		require.NoError(t, err)
		for _, p := range page.Products {
			seen[p.Product.SKU]++
		}
		if page.NextPageToken == "" {
			assert.NotEmpty(t, page.Cursor)
			break
		}
		assert.Empty(t, page.Cursor, "the cursor comes with the last page")
		token = page.NextPageToken
	}
	assert.Equal(t, 3, pages)
	assert.Equal(t, map[string]int{"P1": 1, "P2": 1, "P3": 1, "P4": 1, "P5": 1}, seen)
	var numbers []string
	for _, l := range e.sent(vismanet.OpListInventory) {
		numbers = append(numbers, l.query.Get("pageNumber")+"/"+l.query.Get("pageSize"))
	}
	assert.Equal(t, []string{"1/2", "2/2", "3/2"}, numbers)

	// An item deleted while a pass runs: the items after it move forward,
	// and none is lost.
	first, err := c.ListChangedProducts(context.Background(), connectors.ChangeQuery{PageSize: 2})
	require.NoError(t, err)
	e.remove("P1")
	got := productSKUs(first.Products)
	for token := first.NextPageToken; token != ""; {
		page, err := c.ListChangedProducts(context.Background(), connectors.ChangeQuery{PageSize: 2, PageToken: token})
		require.NoError(t, err)
		got = append(got, productSKUs(page.Products)...)
		token = page.NextPageToken
	}
	sort.Strings(got)
	assert.Subset(t, got, []string{"P2", "P3", "P4", "P5"})

	_, err = c.ListChangedProducts(context.Background(), connectors.ChangeQuery{PageToken: "3"})
	assert.True(t, connectors.IsKind(err, connectors.KindValidation), "%v", err)
	_, err = c.ListChangedProducts(context.Background(), connectors.ChangeQuery{Cursor: "yesterday"})
	assert.True(t, connectors.IsKind(err, connectors.KindValidation), "%v", err)
}
