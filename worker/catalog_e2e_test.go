package worker_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/connectors"
	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/mplus"
	mplussim "github.com/koppel/koppel/connectors/mplus/sim"
	"github.com/koppel/koppel/model"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/workflows"
)

func eurCents(c int64) model.Money { return model.NewMoney(c, "EUR") }

// runCatalog runs a catalog workflow once, as a schedule would without a
// previous run, and returns its result.
func (s *stack) runCatalog(t *testing.T, name string, wf any, in any) workflows.CatalogState {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: fmt.Sprintf("shop-catalog-%d", time.Now().UnixNano()), TaskQueue: s.taskQueue,
	}, wf, in)
	require.NoError(t, err)
	var out workflows.CatalogState
	require.NoError(t, run.Get(ctx, &out))
	if name != "" {
		s.recordHistory(name, run.GetID(), run.GetRunID())
	}
	return out
}

func counts(st workflows.CatalogState) map[activities.Outcome]int { return st.LastRun.Counts }

func TestProductsFromTillToShop(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s := newStack(t, stackOptions{noOrders: true, sourceOptions: `{packageId: "1", pricesIncludeVat: "true"}`,
		catalogFlows: []string{`productsToSource: {attributes: {colour: Kleur, size: Maat}}`}})
	coffeeGroup := s.mplus.AddGroup(0, "Koffie")
	s.mplus.AddProductWithArticles(mplussim.CatalogProduct{Description: "Koffiebonen 1 kg", Groups: []int{coffeeGroup},
		Articles: []mplussim.Product{{PLU: "KOF-1000", Description: "Koffiebonen 1 kg", PriceInclCents: 1995, VatCode: mplussim.VatCodeLow,
			Barcode: "8712345000017", StockArticle: true, Webshop: true,
			Images: []mplussim.Image{{Name: "bonen.jpg", Data: []byte("\xff\xd8\xffjpeg bytes")}}}}})
	shirtNumber, _ := s.mplus.AddProductWithArticles(mplussim.CatalogProduct{Description: "T-shirt Koppel",
		Articles: []mplussim.Product{
			{PLU: "TS-S", Description: "T-shirt Koppel S", PriceInclCents: 2500, Size: "S", Colour: "Wit", Webshop: true},
			{PLU: "TS-M", Description: "T-shirt Koppel M", PriceInclCents: 2500, Size: "M", Colour: "Wit", Webshop: true},
		}})

	first := s.runCatalog(t, "product_sync_to_shop", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, 2, counts(first)[activities.OutcomeCreated], "%+v", first.LastRun)
	assert.NotEmpty(t, first.Cursor, "the next run starts from the till's sync marker")

	beans, ok := s.ccv.Product("KOF-1000")
	require.True(t, ok, "the simple product is in the shop")
	assert.Equal(t, "Koffiebonen 1 kg", beans.Name)
	assert.Equal(t, int64(1995), beans.Price.Amount-beans.Discount.Amount, "sell price incl. VAT to the cent")
	assert.Equal(t, model.VATPercent(9), beans.VAT)
	assert.Equal(t, "8712345000017", beans.EAN)
	assert.Equal(t, []string{"Koffie"}, beans.Categories)
	require.Len(t, beans.Photos, 1, "the till's photo is uploaded")
	assert.Equal(t, "bonen.jpg", beans.Photos[0].Name)

	shirt, ok := s.ccv.Product(fmt.Sprintf("P-%d", shirtNumber))
	require.True(t, ok, "the configurable product is in the shop under its parent SKU")
	bySKU := map[string]ccvsim.Variant{}
	for _, v := range shirt.Variants {
		if v.SKU != "" {
			bySKU[v.SKU] = v
		}
	}
	require.Len(t, bySKU, 2)
	assert.Equal(t, map[string]string{"Maat": "S", "Kleur": "Wit"}, bySKU["TS-S"].Attributes, "attribute names mapped by hand")
	assert.Equal(t, map[string]string{"Maat": "M", "Kleur": "Wit"}, bySKU["TS-M"].Attributes)

	// The till changes the price and the name; with updateProductInfo off
	// the price moves and the shop keeps its own name.
	s.updateTillArticle(t, "KOF-1000", func(p *model.Product) { p.Price, p.Name = eurCents(2195), "Bonen (kassa)" })
	second := s.runCatalog(t, "product_sync_to_shop_again", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeUpdated: 1, activities.OutcomeUnchanged: 1}, counts(second))
	beans, _ = s.ccv.Product("KOF-1000")
	assert.Equal(t, int64(2195), beans.Price.Amount-beans.Discount.Amount)
	assert.Equal(t, "Koffiebonen 1 kg", beans.Name, "the shop's name is kept")
	assert.Len(t, beans.Photos, 1, "the photo is not uploaded twice")
	assert.Len(t, s.ccv.Products(), 2, "nothing created twice")
}

// updateTillArticle changes an article through the MplusKASSA client, as the
// back office would.
func (s *stack) updateTillArticle(t *testing.T, plu string, edit func(p *model.Product)) {
	t.Helper()
	editProduct(t, s.tillClient(t), plu, edit)
}

// editProduct changes a product through a system's own client, as its back
// office would.
func editProduct(t *testing.T, sys connectors.ProductTarget, sku string, edit func(p *model.Product)) {
	t.Helper()
	ctx := context.Background()
	found, err := sys.FindProduct(ctx, sku)
	require.NoError(t, err)
	require.NotNil(t, found)
	p := found.Product
	edit(&p)
	require.NoError(t, sys.UpdateProduct(ctx, found.ID, connectorsWrite(p)))
}

func TestProductsFromShopToTill(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s := newStack(t, stackOptions{noOrders: true, sourceOptions: `{pricesIncludeVat: "true"}`,
		catalogFlows: []string{`products: {attributes: {Maat: size}, updateProductInfo: true}`}})
	s.ccv.AddProduct(ccvsim.Product{SKU: "MOK-1", Name: "Mok wit", Price: eurCents(850), VAT: model.VATPercent(21), Active: true,
		Categories: []string{"Servies > Mokken"}, EAN: "8712345000024",
		Photos: []ccvsim.Photo{{Name: "mok.jpg", Filename: "mok.jpg", FileType: "jpg"}}})
	s.ccv.AddProduct(ccvsim.Product{SKU: "HOODIE", Name: "Hoodie", Price: eurCents(4500), VAT: model.VATPercent(21), Active: true,
		Variants: []ccvsim.Variant{
			{SKU: "HD-S", Attributes: map[string]string{"Maat": "S"}, Active: true},
			{SKU: "HD-L", Attributes: map[string]string{"Maat": "L"}, Active: true, ExtraPrice: eurCents(500)},
		}})

	first := s.runCatalog(t, "product_sync_to_till", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	require.Equal(t, 2, counts(first)[activities.OutcomeCreated], "%+v", first.LastRun)

	mug, ok := s.mplus.Product("MOK-1")
	require.True(t, ok)
	assert.Equal(t, "Mok wit", mug.Description)
	assert.Equal(t, int64(850), mug.PriceInclCents)
	assert.Equal(t, mplussim.VatCodeHigh, mug.VatCode)
	assert.Equal(t, "8712345000024", mug.Barcode)
	assert.Empty(t, mug.Images, "no photos go from the shop to the till")
	var groupNames []string
	for _, g := range s.mplus.Groups() {
		groupNames = append(groupNames, g.Name)
	}
	assert.Subset(t, groupNames, []string{"Servies", "Mokken"}, "the category path is created")

	small, ok := s.mplus.Product("HD-S")
	require.True(t, ok)
	large, ok := s.mplus.Product("HD-L")
	require.True(t, ok)
	assert.Equal(t, small.ProductNumber, large.ProductNumber, "variants are articles of one product")
	assert.Equal(t, "S", small.Size)
	assert.Equal(t, int64(4500), small.PriceInclCents)
	assert.Equal(t, int64(5000), large.PriceInclCents, "the variant's extra price is added")

	again := s.runCatalog(t, "product_sync_to_till_again", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeUnchanged: 2}, counts(again), "%+v", again.LastRun)
	assert.Len(t, s.mplus.Products(), 3, "nothing written twice")
}

func TestStockChangesAndReconciliation(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s := newStack(t, stackOptions{noOrders: true, catalogFlows: []string{`stockToSource: {interval: 1h, buffer: 1}`}})
	for _, sku := range []string{"KOF-1000", "MOK-0001", "FLT-0102"} {
		s.mplus.AddProduct(mplussim.Product{PLU: sku, Description: sku, PriceInclCents: 100, StockArticle: true})
		s.ccv.AddProduct(ccvsim.Product{SKU: sku, Name: sku, Price: eurCents(100), VAT: model.VATPercent(21), Active: true,
			StockEnabled: true, Stock: model.Pieces(0)})
	}
	require.NoError(t, s.mplus.SetStockLevel("KOF-1000", model.Pieces(10), model.Pieces(2)))
	require.NoError(t, s.mplus.SetStockLevel("MOK-0001", model.Pieces(5), 0))
	require.NoError(t, s.mplus.SetStockLevel("FLT-0102", model.Pieces(1), 0))
	// In the till, not yet in the shop (the products flow creates it later).
	s.mplus.AddProduct(mplussim.Product{PLU: "NEW-1", Description: "Nieuw", PriceInclCents: 100, StockArticle: true})
	require.NoError(t, s.mplus.SetStockLevel("NEW-1", model.Pieces(6), 0))

	changes, err := kworker.ApplySchedules(context.Background(), s.client, s.file, s.taskQueue)
	require.NoError(t, err)
	require.Len(t, changes, 1)
	h := s.client.ScheduleClient().GetHandle(context.Background(), workflows.ScheduleID("shop", workflows.FlowStock))
	s.waitForRuns(t, h, 1)
	shopStock := func(sku string) model.Quantity {
		p, ok := s.ccv.Product(sku)
		require.True(t, ok)
		return p.Stock
	}
	assert.Equal(t, model.Pieces(7), shopStock("KOF-1000"), "available 10 − reserved 2 − buffer 1")
	assert.Equal(t, model.Pieces(4), shopStock("MOK-0001"))
	assert.Equal(t, model.Pieces(0), shopStock("FLT-0102"), "never below zero")
	first := s.lastScheduledResult(t, h)
	assert.Equal(t, 1, counts(first)[activities.OutcomeMissing])
	require.Len(t, first.Waiting, 1, "a SKU the shop lacks waits for a later run")

	// The shop gets the new product; a sale in the till: the sold SKU is
	// pushed, and the waiting one now that the shop has it.
	s.ccv.AddProduct(ccvsim.Product{SKU: "NEW-1", Name: "Nieuw", Price: eurCents(100), VAT: model.VATPercent(21), Active: true, StockEnabled: true})
	require.NoError(t, s.mplus.SetStockLevel("MOK-0001", model.Pieces(3), 0))
	s.triggerAfterLastRun(t, h)
	last := s.lastScheduledResult(t, h)
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeUpdated: 2}, counts(last), "%+v", last.LastRun)
	assert.Equal(t, []activities.RecordResult{
		{Key: "NEW-1", Outcome: activities.OutcomeUpdated, Detail: "0 → 5"},
		{Key: "MOK-0001", Outcome: activities.OutcomeUpdated, Detail: "4 → 2"},
	}, last.LastRun.Records, "only what changed")
	assert.Empty(t, last.Waiting)
	assert.Equal(t, model.Pieces(2), shopStock("MOK-0001"))
	assert.Equal(t, model.Pieces(5), shopStock("NEW-1"))

	// Someone edits the shop's stock by hand: the change feed does not see
	// it, the reconciliation corrects it and says so.
	require.NoError(t, s.ccv.SetProductStock("KOF-1000", model.Pieces(50)))
	s.triggerAfterLastRun(t, h)
	assert.Equal(t, model.Pieces(50), shopStock("KOF-1000"), "a changes-only run leaves the drift")

	run, err := kworker.StartFullRun(context.Background(), s.client, s.taskQueue, s.file.Integrations[0], workflows.FlowStock)
	require.NoError(t, err)
	assert.Equal(t, workflows.StockRunWorkflowID("shop"), run.GetID(), "the reconciliation runs under the one stock id")
	var report workflows.CatalogState
	require.NoError(t, run.Get(context.Background(), &report))
	s.recordHistory("stock_reconcile", run.GetID(), run.GetRunID())
	assert.Equal(t, model.Pieces(7), shopStock("KOF-1000"))
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeUpdated: 1, activities.OutcomeUnchanged: 3}, counts(report))
	require.Len(t, report.LastRun.Records, 1)
	assert.Equal(t, activities.RecordResult{Key: "KOF-1000", Outcome: activities.OutcomeUpdated, Detail: "50 → 7"}, report.LastRun.Records[0])
}

// lastScheduledResult is the result of the schedule's latest run.
func (s *stack) lastScheduledResult(t *testing.T, h client.ScheduleHandle) workflows.CatalogState {
	t.Helper()
	d, err := h.Describe(context.Background())
	require.NoError(t, err)
	require.NotEmpty(t, d.Info.RecentActions)
	a := d.Info.RecentActions[len(d.Info.RecentActions)-1]
	var out workflows.CatalogState
	require.NoError(t, s.client.GetWorkflow(context.Background(), a.StartWorkflowResult.WorkflowID, a.StartWorkflowResult.FirstExecutionRunID).
		Get(context.Background(), &out))
	s.recordHistory("stock_sync_scheduled", a.StartWorkflowResult.WorkflowID, a.StartWorkflowResult.FirstExecutionRunID)
	s.recordHistory("stock_run_scheduled", workflows.StockRunWorkflowID("shop"), "")
	return out
}

func TestCustomersWithPerCountryAccounts(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s := newStack(t, stackOptions{noOrders: true,
		countries:    `{NL: {vatCode: "1", revenueAccount: "8000"}, BE: {vatCode: "5", revenueAccount: "8010", paymentTermDays: 30}}`,
		catalogFlows: []string{`customers: {mapping: {extra.klantgroep: "'webshop'"}}`}})
	jan := person("Jan", "Visser", "jan@example.nl")
	s.ccv.AddUser(jan)
	be := company("Brouwerij Zuid", "An", "Peeters", "inkoop@brouwerij.example.be")
	be.Billing.CountryCode, be.Shipping.CountryCode = "BE", "BE"
	be.Billing.PostalCode, be.Shipping.PostalCode = "2000", "2000"
	s.ccv.AddUser(be)
	known := s.mplus.AddRelation(mplussim.Relation{Email: "jan@example.nl", Name: "Jan Visser", Phone: "06-oud"})

	first := s.runCatalog(t, "customer_sync", workflows.CustomerSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeCreated: 1, activities.OutcomeUpdated: 1}, counts(first), "%+v", first.LastRun)

	nl, ok := s.mplus.Relation(known)
	require.True(t, ok)
	assert.Equal(t, "020-5550101", nl.Phone, "the existing relation is updated, found by e-mail")
	assert.Equal(t, map[string]string{"revenueAccount": "8000", "vatCode": "1", "klantgroep": "webshop"}, nl.CustomFields)
	var brewery mplussim.Relation
	for _, r := range s.mplus.Relations() {
		if r.Email == "inkoop@brouwerij.example.be" {
			brewery = r
		}
	}
	require.NotZero(t, brewery.Number)
	assert.Equal(t, "Brouwerij Zuid", brewery.CompanyName)
	assert.Equal(t, map[string]string{"revenueAccount": "8010", "vatCode": "5", "klantgroep": "webshop"}, brewery.CustomFields)
	assert.Equal(t, 30, brewery.PaymentWithinDays)

	again := s.runCatalog(t, "customer_sync_again", workflows.CustomerSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeUnchanged: 2}, counts(again), "%+v", again.LastRun)
	assert.Len(t, s.mplus.Relations(), 2)
}

func TestOrderWithShippingDiscountAndForeignVAT(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s := newStack(t, stackOptions{targetOptions: "{shippingPLU: VERZ, discountPLU: KORTING}",
		countries: `{BE: {vatCodes: {"21": "7"}, revenueAccount: "8010"}}`,
		flow:      `, paymentMethods: {ideal: IDEAL}, shippingMethods: {PostNL: POST}`})
	s.mplus.AddVatGroup(mplussim.VatGroup{Code: 7, Rate: model.VATPercent(21), CountryIso3: "BEL"})
	articles := s.seedCatalogue(mug, product{sku: "VERZ", name: "Verzendkosten"}, product{sku: "KORTING", name: "Korting"})
	created := time.Now().Add(-time.Hour).Truncate(time.Second)
	buyer := person("An", "Peeters", "an@example.be")
	buyer.Billing.CountryCode, buyer.Shipping.CountryCode = "BE", "BE"
	o := order(buyer, created, true, mug.line(3))
	o.ShippingMethod, o.PaymentMethod, o.ShippingCost = "PostNL", "ideal", eurCents(495)
	o.Total = o.Total.Add(o.ShippingCost)
	o.Adjustments = []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: "Kortingscode WELKOM", Amount: eurCents(-500), VAT: model.VATPercent(21)}}
	o.Total = eurCents(o.Total.Amount - 500)
	id := s.ccv.AddOrder(o)
	s.backfill(created.Add(-time.Minute), time.Now())
	_, err := s.orderResult(id)
	require.NoError(t, err)

	got := s.tillOrders()["shop-"+id]
	require.Len(t, got.Lines, 3, "%+v", got.Lines)
	line, ship, discount := got.Lines[0], got.Lines[1], got.Lines[2]
	assert.Equal(t, 7, line.VatCode, "the Belgian VAT code")
	assert.Equal(t, 8010, line.TurnoverGroup, "the Belgian revenue account")
	assert.Equal(t, int64(2550), line.LineTotalInclCents)
	assert.Equal(t, articles["VERZ"], ship.ArticleNumber)
	assert.Equal(t, int64(495), ship.PriceInclCents)
	assert.Equal(t, 7, ship.VatCode)
	assert.Equal(t, articles["KORTING"], discount.ArticleNumber)
	assert.Equal(t, int64(-500), discount.LineTotalInclCents)
	assert.Equal(t, "Kortingscode WELKOM", discount.Text)
	assert.Equal(t, o.Total.Amount, got.TotalInclCents, "the till's total is the shop's total, to the cent")
	assert.Equal(t, "IDEAL", got.PaymentMethod)
	assert.Equal(t, "POST", got.DeliveryMethod)
}

// tillClient is a MplusKASSA client on the test's simulator.
func (s *stack) tillClient(t *testing.T) *mplus.Client {
	t.Helper()
	c, err := mplus.New(mplus.Config{BaseURL: s.file.Integrations[0].Target.BaseURL, Ident: mplusIdent, Secret: mplusToken})
	require.NoError(t, err)
	return c
}

func connectorsWrite(p model.Product) connectors.ProductWrite {
	return connectors.ProductWrite{Product: p}
}
