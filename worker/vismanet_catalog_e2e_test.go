package worker_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/activities"
	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/connectors/vismanet"
	vnsim "github.com/koppel/koppel/connectors/vismanet/sim"
	"github.com/koppel/koppel/model"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/workflows"
)

// CCV Shop ⇄ Visma.net: the catalog flows of the fourth pair on a real dev
// server. The SKUs are the test's own (VN-…); the demo company's items are
// filtered out where the flow reads Visma.net.

// vnPieces is n pieces as the simulator keeps quantities.
func vnPieces(n int64) vnsim.Dec { return vnsim.Units(n) }

// vnOnHand is an item's on-hand in MAIN in whole pieces (the test's
// figures are whole).
func vnOnHand(vn *vnsim.Sim, sku string) int64 {
	return vn.OnHand(sku, vnsim.WarehouseMain).V / vnsim.Units(1).V
}

// vnAdjustmentsOf lists the adjustments with a line on sku.
func vnAdjustmentsOf(vn *vnsim.Sim, sku string) []vnsim.Adjustment {
	var out []vnsim.Adjustment
	for _, a := range vn.Adjustments() {
		for _, l := range a.Lines {
			if l.InventoryNumber == sku {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// Items with attributes and one image into the shop: created whole, the
// attributes as the shop's characteristics by mapping rules, the image
// uploaded once; with updateProductInfo off a later run moves the price
// and keeps the shop's texts.
func TestVismaNetItemsIntoTheShop(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s, vn := newVismaNetStack(t, stackOptions{noOrders: true, targetOptions: `{stockWarehouse: MAIN}`,
		sourceOptions: `{packageId: "1", pricesIncludeVat: "true"}`,
		catalogFlows: []string{`productsToSource: {updateProductInfo: false, createCategories: true, filter: "product.sku startsWith 'VN-'", ` +
			`mapping: {extra.specs: "'Kleur: ' + product.attributes['Kleur'] + ', herkomst: ' + product.attributes['Herkomst']"}}`}})
	vn.SetPricesIncludeVAT(false) // the items' default prices are without VAT
	require.NoError(t, vn.AddItem(vnsim.Item{Number: "VN-MOK", Description: "Mok zwart", Body: "<p>Mok, zwart geglazuurd</p>",
		Type: "FinishedGoodItem", ClassID: vnsim.ItemClassStock, VatCategoryID: vnsim.VatCatHigh, DefaultPrice: vnsim.Cents(1000),
		Attributes: map[string]string{vnsim.AttributeColour: "BLACK", vnsim.AttributeOrigin: "Portugal"},
		OnHand:     map[string]vnsim.Dec{vnsim.WarehouseMain: vnPieces(5)}}))
	_, err := vn.AddAttachment("VN-MOK", "mok-zwart.png", "image/png", []byte("\x89PNG\r\n\x1a\nmok zwart"))
	require.NoError(t, err)
	_, err = vn.AddAttachment("VN-MOK", "maatschets.pdf", "application/pdf", []byte("%PDF-1.4 maten"))
	require.NoError(t, err)
	require.NoError(t, vn.AddItem(vnsim.Item{Number: "VN-THEE", Description: "Thee groen", Type: "NonStockItem",
		ClassID: vnsim.ItemClassService, VatCategoryID: vnsim.VatCatLow, DefaultPrice: vnsim.Cents(400)}))

	first := s.runCatalog(t, "vn_product_sync", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, 2, counts(first)[activities.OutcomeCreated], "%+v", first.LastRun)
	assert.Zero(t, counts(first)[activities.OutcomeFailed], "%+v", first.LastRun)

	mug, ok := s.ccv.Product("VN-MOK")
	require.True(t, ok, "the stock item is in the shop")
	assert.Equal(t, "Mok zwart", mug.Name)
	assert.Equal(t, int64(1210), mug.Price.Amount-mug.Discount.Amount, "10.00 without VAT is 12.10 with 21 %")
	assert.Equal(t, model.VATPercent(21), mug.VAT)
	assert.Equal(t, []string{"Voorraadartikelen"}, mug.Categories, "the item class is the category")
	require.Len(t, mug.Photos, 1, "one image: the first image attachment, not the PDF")
	assert.True(t, strings.HasPrefix(mug.Photos[0].Name, "mok-zwart"), mug.Photos[0].Name)
	assert.Equal(t, "Kleur: Zwart, herkomst: Portugal", mug.Fields["specs"], "the attributes as the shop's characteristics, as mapped")

	tea, ok := s.ccv.Product("VN-THEE")
	require.True(t, ok, "the non-stock item is in the shop")
	assert.Equal(t, int64(436), tea.Price.Amount-tea.Discount.Amount, "4.00 without VAT is 4.36 with 9 %")
	assert.Empty(t, tea.Photos)

	again := s.runCatalog(t, "vn_product_sync_again", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Zero(t, counts(again)[activities.OutcomeCreated]+counts(again)[activities.OutcomeUpdated], "%+v", again.LastRun)

	// Visma.net changes the price and the description; with
	// updateProductInfo off the price moves and the shop keeps its name.
	require.NoError(t, vn.SetItemPrice("VN-MOK", vnsim.Cents(1100)))
	require.NoError(t, vn.SetItemDescription("VN-MOK", "Mok zwart (ERP)"))
	third := s.runCatalog(t, "vn_product_sync_changed", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, 1, counts(third)[activities.OutcomeUpdated], "%+v", third.LastRun)
	mug, _ = s.ccv.Product("VN-MOK")
	assert.Equal(t, int64(1331), mug.Price.Amount-mug.Discount.Amount)
	assert.Equal(t, "Mok zwart", mug.Name, "the shop's name is kept")
	assert.Len(t, mug.Photos, 1, "the image is not uploaded twice")
	assert.Len(t, s.ccv.Products(), 2, "nothing created twice")
}

// The shop's stock into Visma.net: each difference a released inventory
// adjustment; an unchanged level writes nothing; a lost answer after the
// release still moves the stock once; drift in Visma.net is left by a
// changes-only run and corrected by a reconciliation.
func TestVismaNetStockFromTheShop(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s, vn := newVismaNetStack(t, stackOptions{noOrders: true, sourceOptions: `{pricesIncludeVat: "true"}`,
		catalogFlows: []string{`stock: {interval: 1h, calculation: physical, manageStock: true}`}})
	levels := map[string]int64{"VN-STK-1": 12, "VN-STK-2": 0, "VN-STK-3": 3}
	for sku, n := range levels {
		s.ccv.AddProduct(ccvsim.Product{SKU: sku, Name: sku, Price: eurCents(100), VAT: model.VATPercent(21), Active: true,
			StockEnabled: true, Stock: model.Pieces(n)})
		require.NoError(t, vn.AddItem(vnsim.Item{Number: sku, Description: sku, Type: "FinishedGoodItem", ClassID: vnsim.ItemClassStock,
			VatCategoryID: vnsim.VatCatHigh, DefaultPrice: vnsim.Cents(100), OnHand: map[string]vnsim.Dec{vnsim.WarehouseMain: vnPieces(5)}}))
	}

	changes, err := kworker.ApplySchedules(context.Background(), s.client, s.file, s.taskQueue)
	require.NoError(t, err)
	require.Len(t, changes, 1)
	h := s.client.ScheduleClient().GetHandle(context.Background(), workflows.ScheduleID("shop", workflows.FlowStock))
	s.waitForRuns(t, h, 1)
	first := s.lastScheduledResult(t, h)
	assert.Equal(t, 3, counts(first)[activities.OutcomeUpdated], "%+v", first.LastRun)
	for sku, n := range levels {
		assert.Equal(t, n, vnOnHand(vn, sku), "%s: the shop's level", sku)
		adj := vnAdjustmentsOf(vn, sku)
		require.Len(t, adj, 1, "%s: one adjustment", sku)
		assert.True(t, adj[0].Released, "%s: released", sku)
		assert.True(t, strings.HasPrefix(adj[0].ExternalReference, "KOPPEL-"), "%s: tagged %q", sku, adj[0].ExternalReference)
	}

	// The answer of the create is lost after Visma.net made the
	// adjustment (not released yet): the retry finds it by its reference
	// and releases it, rather than writing a second one beside it.
	vn.Faults().Add(simkit.Rule{Op: vismanet.OpCreateInventoryAdjustment, Kind: simkit.FaultDropAfterCommit, Times: 1})
	require.NoError(t, s.ccv.SetProductStock("VN-STK-1", model.Pieces(7)))
	s.triggerAfterLastRun(t, h)
	assert.Equal(t, 1, vn.Faults().Hits(simkit.FaultDropAfterCommit), "the create's answer was lost")
	assert.Equal(t, int64(7), vnOnHand(vn, "VN-STK-1"), "moved once: 12 → 7")
	adj := vnAdjustmentsOf(vn, "VN-STK-1")
	require.Len(t, adj, 2, "one adjustment for the change, not two")
	assert.True(t, adj[1].Released, "the adjustment the lost answer was about is released")

	// The answer of a release is lost after Visma.net released it: the
	// retry sees it released and moves nothing again.
	vn.Faults().Add(simkit.Rule{Op: vismanet.OpReleaseInventoryAdjustment, Kind: simkit.FaultDropAfterCommit, Times: 1})
	require.NoError(t, s.ccv.SetProductStock("VN-STK-1", model.Pieces(4)))
	s.triggerAfterLastRun(t, h)
	assert.Equal(t, 2, vn.Faults().Hits(simkit.FaultDropAfterCommit), "the release's answer was lost")
	assert.Equal(t, int64(4), vnOnHand(vn, "VN-STK-1"), "moved once: 7 → 4")
	assert.Len(t, vnAdjustmentsOf(vn, "VN-STK-1"), 3)

	// Nothing changed in the shop: nothing is written.
	writes := vn.Calls().Count(vismanet.OpCreateInventoryAdjustment)
	s.triggerAfterLastRun(t, h)
	assert.Equal(t, writes, vn.Calls().Count(vismanet.OpCreateInventoryAdjustment), "an unchanged shop writes nothing")

	// Stock drifts in Visma.net (a count, a correction by hand): a
	// changes-only run leaves it, the reconciliation corrects it.
	require.NoError(t, vn.SetOnHand("VN-STK-3", vnsim.WarehouseMain, vnPieces(10)))
	s.triggerAfterLastRun(t, h)
	assert.Equal(t, int64(10), vnOnHand(vn, "VN-STK-3"), "a changes-only run leaves the drift")
	run, err := kworker.StartFullRun(context.Background(), s.client, s.taskQueue, s.file.Integrations[0], workflows.FlowStock)
	require.NoError(t, err)
	var report workflows.CatalogState
	require.NoError(t, run.Get(context.Background(), &report))
	assert.Equal(t, int64(3), vnOnHand(vn, "VN-STK-3"), "the drift corrected to the shop's level")
	require.Len(t, report.LastRun.Records, 1, "%+v", report.LastRun)
	assert.Equal(t, activities.RecordResult{Key: "VN-STK-3", Outcome: activities.OutcomeUpdated, Detail: "10 → 3"}, report.LastRun.Records[0])
}

// The shop's customer accounts into Visma.net: created by e-mail with the
// country's revenue account, credit terms and a customer attribute from
// the mapping rules; a second run writes nothing.
func TestVismaNetCustomersFromTheShop(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s, vn := newVismaNetStack(t, stackOptions{noOrders: true,
		countries: `{NL: {revenueAccount: "8000", customerVatCode: "01", paymentTermDays: 14}, ` +
			`BE: {revenueAccount: "8010", customerVatCode: "BE", paymentTermDays: 30}}`,
		catalogFlows: []string{`customers: {mapping: {extra.CHANNEL: "'webshop'"}}`}})
	s.ccv.AddUser(person("Eva", "de Boer", "eva.deboer@example.nl"))
	s.ccv.AddUser(inBelgium(company("Brouwerij Noord", "Lies", "Claes", "inkoop@noord.example.be")))
	before := len(vn.Customers())

	first := s.runCatalog(t, "vn_customer_sync", workflows.CustomerSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeCreated: 2}, counts(first), "%+v", first.LastRun)
	assert.Len(t, vn.Customers(), before+2)

	eva, n := vnCustomerByEmail(vn, "eva.deboer@example.nl")
	require.Equal(t, 1, n)
	assert.Equal(t, "Eva de Boer", eva.Name)
	assert.Equal(t, vnsim.Terms14, eva.CreditTermsID, "the Dutch payment term, 14 days")
	assert.Equal(t, vnsim.VatZoneNL, eva.VatZoneID)
	assert.Equal(t, "webshop", eva.Attributes[vnsim.AttributeChannel], "the custom field from the mapping rule")

	brewery, n := vnCustomerByEmail(vn, "inkoop@noord.example.be")
	require.Equal(t, 1, n)
	assert.Equal(t, "Brouwerij Noord", brewery.Name)
	assert.Equal(t, vnsim.Terms30, brewery.CreditTermsID, "the Belgian payment term, 30 days")
	assert.Equal(t, vnsim.VatZoneBE, brewery.VatZoneID)
	assert.Equal(t, "BE", brewery.MainAddress.CountryID)
	assert.Equal(t, vnsim.AccountRevenueBE, brewery.GLAccounts["salesAccount"], "the Belgian revenue account")

	writes := vn.Calls().Count(vismanet.OpCreateCustomer) + vn.Calls().Count(vismanet.OpUpdateCustomer)
	again := s.runCatalog(t, "vn_customer_sync_again", workflows.CustomerSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeUnchanged: 2}, counts(again), "%+v", again.LastRun)
	assert.Equal(t, writes, vn.Calls().Count(vismanet.OpCreateCustomer)+vn.Calls().Count(vismanet.OpUpdateCustomer), "a second run writes nothing")
}
