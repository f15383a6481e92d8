package worker_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/connectors/ccvshop"
	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	easim "github.com/koppel/koppel/connectors/eaccounting/sim"
	"github.com/koppel/koppel/model"
	"github.com/koppel/koppel/workflows"
)

// CCV Shop → Visma eAccounting: the catalog flows of the third pair on a
// real dev server. The SKUs are the test's own (EA-…), apart from the
// articles the demo company has.

const (
	eaPostArticle = "POST /articles"
	eaPutArticle  = "PUT /articles/{articleId}"
)

// eaArticleWrites counts the article writes the simulator has served.
func eaArticleWrites(ea *easim.Sim) int {
	return ea.Calls().Count(eaPostArticle) + ea.Calls().Count(eaPutArticle)
}

// updateShopProduct changes a CCV product through the shop's API, as the
// back office would (the simulator has no price setter).
func (s *stack) updateShopProduct(t *testing.T, sku string, edit func(p *model.Product)) {
	t.Helper()
	shop, err := ccvshop.New(ccvshop.Config{BaseURL: s.file.Integrations[0].Source.BaseURL, PublicKey: ccvPublic, SecretKey: ccvSecret,
		PricesIncludeVAT: "true"})
	require.NoError(t, err)
	editProduct(t, shop, sku, edit)
}

func TestEAccountingProductsFromShop(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s, ea := newEAccountingStack(t, stackOptions{noOrders: true, sourceOptions: `{pricesIncludeVat: "true"}`,
		catalogFlows: []string{`products: {updateProductInfo: true}`}})
	s.ccv.AddProduct(ccvsim.Product{SKU: "EA-THEE-1", Name: "Thee groen", Price: eurCents(495), VAT: model.VATPercent(9), Active: true,
		EAN: "8712345000031"})
	s.ccv.AddProduct(ccvsim.Product{SKU: "EA-TS", Name: "T-shirt", Price: eurCents(2000), VAT: model.VATPercent(21), Active: true,
		Variants: []ccvsim.Variant{
			{SKU: "EA-TS-S", Attributes: map[string]string{"Maat": "S"}, Active: true},
			{SKU: "EA-TS-M", Attributes: map[string]string{"Maat": "M"}, Active: true},
			{SKU: "EA-TS-L", Attributes: map[string]string{"Maat": "L"}, Active: true, ExtraPrice: eurCents(250)},
		}})
	before := len(ea.Articles())

	first := s.runCatalog(t, "ea_product_sync", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeCreated: 2}, counts(first), "%+v", first.LastRun)
	assert.Len(t, ea.Articles(), before+4, "one article for the simple product, one per variant SKU, none for the parent")

	tea, ok := ea.Article("EA-THEE-1")
	require.True(t, ok, "the simple product is an article")
	assert.Equal(t, "EA-THEE-1", tea.Number)
	assert.Equal(t, "Thee groen", tea.Name)
	assert.Equal(t, int64(495), tea.GrossPrice.CentsValue(), "the shop's price incl. VAT")
	assert.Equal(t, easim.Coding9ID, tea.CodingId, "9 % goods coding")
	assert.True(t, tea.IsActive)
	require.Len(t, tea.Barcodes, 1)
	assert.Equal(t, "8712345000031", tea.Barcodes[0].Barcode, "the EAN as a barcode")

	_, ok = ea.Article("EA-TS")
	assert.False(t, ok, "the parent SKU has no article")
	for sku, gross := range map[string]int64{"EA-TS-S": 2000, "EA-TS-M": 2000, "EA-TS-L": 2250} {
		a, ok := ea.Article(sku)
		require.True(t, ok, "variant %s is an article", sku)
		assert.Equal(t, easim.Coding21ID, a.CodingId, sku)
		assert.Equal(t, gross, a.GrossPrice.CentsValue(), sku)
		assert.Contains(t, a.Name, "T-shirt", sku)
		assert.Contains(t, a.Name, sku[len(sku)-1:], "%s: the name carries the size", sku)
	}

	writes := eaArticleWrites(ea)
	again := s.runCatalog(t, "ea_product_sync_again", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeUnchanged: 2}, counts(again), "%+v", again.LastRun)
	assert.Equal(t, writes, eaArticleWrites(ea), "a second run writes no article")

	s.updateShopProduct(t, "EA-THEE-1", func(p *model.Product) { p.Price = eurCents(545) })
	third := s.runCatalog(t, "ea_product_sync_price", workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeUpdated: 1, activities.OutcomeUnchanged: 1}, counts(third), "%+v", third.LastRun)
	tea, _ = ea.Article("EA-THEE-1")
	assert.Equal(t, int64(545), tea.GrossPrice.CentsValue(), "the new price")
	assert.Equal(t, easim.Coding9ID, tea.CodingId)
	assert.Equal(t, writes+1, eaArticleWrites(ea), "one PUT for the changed article")
	assert.Equal(t, 4, ea.Calls().Count(eaPostArticle), "four articles created, nothing twice")
}

func TestEAccountingStockFromShop(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s, ea := newEAccountingStack(t, stackOptions{noOrders: true, sourceOptions: `{pricesIncludeVat: "true"}`,
		catalogFlows: []string{`stock: {calculation: physical, manageStock: true}`}})
	levels := map[string]int64{"EA-STK-1": 12, "EA-STK-2": 0, "EA-STK-3": 3}
	for sku, n := range levels {
		s.ccv.AddProduct(ccvsim.Product{SKU: sku, Name: sku, Price: eurCents(100), VAT: model.VATPercent(21), Active: true,
			StockEnabled: true, Stock: model.Pieces(n)})
		_, err := ea.AddArticle(easim.Article{Number: sku, Name: sku, IsActive: true, CodingId: easim.Coding21ID, UnitId: easim.UnitPiecesID,
			GrossPrice: easim.Cents(100), StockBalance: easim.Cents(500)})
		require.NoError(t, err)
	}
	balance := func(sku string) int64 {
		a, ok := ea.Article(sku)
		require.True(t, ok, sku)
		return a.StockBalance.CentsValue()
	}
	units := func(n int64) int64 { return n * 100 }

	first := s.runCatalog(t, "ea_stock_sync", workflows.StockSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, 3, counts(first)[activities.OutcomeUpdated], "%+v", first.LastRun)
	for sku, n := range levels {
		assert.Equal(t, units(n), balance(sku), "%s: the shop's level, absolute", sku)
	}

	writes := ea.Calls().Count(eaPutArticle)
	again := s.runCatalog(t, "ea_stock_sync_again", workflows.StockSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Zero(t, counts(again)[activities.OutcomeUpdated], "%+v", again.LastRun)
	assert.Zero(t, counts(again)[activities.OutcomeFailed], "%+v", again.LastRun)
	assert.Equal(t, writes, ea.Calls().Count(eaPutArticle), "a second run writes nothing")

	require.NoError(t, s.ccv.SetProductStock("EA-STK-1", model.Pieces(7)))
	third := s.runCatalog(t, "ea_stock_sync_changed", workflows.StockSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, 1, counts(third)[activities.OutcomeUpdated], "%+v", third.LastRun)
	assert.Equal(t, units(7), balance("EA-STK-1"))
	assert.Equal(t, writes+1, ea.Calls().Count(eaPutArticle), "one PUT for the changed level")

	// With the stock module StockBalance is eAccounting's own: the write is
	// refused as a config error (the run stops) saying why.
	ea.SetStockModule(true)
	require.NoError(t, s.ccv.SetProductStock("EA-STK-3", model.Pieces(9)))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "shop-catalog-ea-stock-module", TaskQueue: s.taskQueue},
		workflows.StockSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	require.NoError(t, err)
	err = run.Get(ctx, nil)
	require.Error(t, err, "the refused stock balance fails the run")
	assert.Contains(t, err.Error(), "EA-STK-3")
	assert.Contains(t, err.Error(), "stock module")
	assert.Equal(t, units(3), balance("EA-STK-3"), "the refused level is not written")
}

func TestEAccountingCustomersFromShop(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s, ea := newEAccountingStack(t, stackOptions{noOrders: true,
		countries:    `{NL: {paymentTermDays: 14}, BE: {paymentTermDays: 30}}`,
		catalogFlows: []string{`customers: {}`}})
	s.ccv.AddUser(person("Eva", "de Boer", "eva.deboer@example.nl"))
	be := company("Brouwerij Noord", "Lies", "Claes", "inkoop@noord.example.be")
	s.ccv.AddUser(inBelgium(be))
	before := len(ea.Customers())

	first := s.runCatalog(t, "ea_customer_sync", workflows.CustomerSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeCreated: 2}, counts(first), "%+v", first.LastRun)
	assert.Len(t, ea.Customers(), before+2)

	eva, n := eaCustomerByEmail(ea, "eva.deboer@example.nl")
	require.Equal(t, 1, n)
	assert.True(t, eva.IsPrivatePerson, "no company name: a private person")
	assert.Equal(t, "Eva de Boer", eva.Name)
	assert.Equal(t, easim.Terms14ID, eva.TermsOfPaymentId, "the Dutch payment term, 14 days")
	assert.Equal(t, "1234 AB", eva.InvoicePostalCode)

	brewery, n := eaCustomerByEmail(ea, "inkoop@noord.example.be")
	require.Equal(t, 1, n)
	assert.False(t, brewery.IsPrivatePerson)
	assert.Equal(t, "Brouwerij Noord", brewery.Name)
	assert.Equal(t, easim.Terms30ID, brewery.TermsOfPaymentId, "the Belgian payment term, 30 days")
	assert.Equal(t, "BE", brewery.InvoiceCountryCode)

	writes := ea.Calls().Count("POST /customers") + ea.Calls().Count("PUT /customers/{customerId}")
	again := s.runCatalog(t, "ea_customer_sync_again", workflows.CustomerSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeUnchanged: 2}, counts(again), "%+v", again.LastRun)
	assert.Equal(t, writes, ea.Calls().Count("POST /customers")+ea.Calls().Count("PUT /customers/{customerId}"), "a second run writes nothing")
	assert.Len(t, ea.Customers(), before+2)
}
