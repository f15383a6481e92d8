package connectors_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/connectors/ecwid"
	"github.com/koppel/koppel/connectors/mplus"
	"github.com/koppel/koppel/connectors/salespos"
	"github.com/koppel/koppel/connectors/shopware6"
	"github.com/koppel/koppel/connectors/vismanet"
)

// The capabilities are read from Registration.Client, so the prototype must be
// the type New really returns.
func TestClientPrototypeIsWhatNewBuilds(t *testing.T) {
	creds := map[string]map[string]string{
		ccvshop.System:   {"publicKey": "pk", "secretKey": "sk"},
		ecwid.System:     {"storeId": "1003", "token": "secret_t"},
		mplus.System:     {"ident": "id", "secret": "s"},
		salespos.System:  {"publicKey": "pk", "secretKey": "sk"},
		shopware6.System: {"accessKeyId": "SWIA", "secretAccessKey": "s"},
		vismanet.System:  {"clientId": "app", "clientSecret": "s", "tenantId": "t"},
	}
	require.Equal(t, []string{ccvshop.System, ecwid.System, mplus.System, salespos.System, shopware6.System, vismanet.System}, connectors.Systems())
	for _, name := range connectors.Systems() {
		r, _ := connectors.Lookup(name)
		c, err := r.New(connectors.Settings{BaseURL: "https://example.invalid:1234", Credentials: creds[name]})
		require.NoError(t, err, name)
		assert.Equal(t, reflect.TypeOf(r.Client), reflect.TypeOf(c), name)
	}
}

// The computed lists equal the hand-written ones they replaced.
func TestCapabilitiesOfTheBuiltinSystems(t *testing.T) {
	shop, _ := connectors.Lookup(ccvshop.System)
	assert.ElementsMatch(t, []connectors.Capability{connectors.CapOrderSource, connectors.CapProductSource, connectors.CapProductTarget,
		connectors.CapStockSource, connectors.CapStockTarget, connectors.CapCustomerSource, connectors.CapProductImages}, shop.Capabilities)
	assert.Empty(t, shop.OrderKinds)

	till, _ := connectors.Lookup(mplus.System)
	assert.ElementsMatch(t, []connectors.Capability{connectors.CapOrderTarget, connectors.CapCustomerTarget, connectors.CapProductLookup,
		connectors.CapProductSource, connectors.CapProductTarget, connectors.CapStockSource, connectors.CapStockTarget,
		connectors.CapCustomerDetails}, till.Capabilities)
	assert.True(t, till.WritesKind(connectors.KindOrder))
	assert.True(t, till.WritesKind(connectors.KindInvoice))
	assert.False(t, till.WritesKind(connectors.KindFinancialMutation))
	assert.True(t, till.LinesNeedProducts)
}

func TestPublishedRateLimits(t *testing.T) {
	shop, _ := connectors.Lookup(ccvshop.System)
	require.Len(t, shop.Limits, 3)
	assert.Equal(t, 150, shop.Limits[0].Requests)
	assert.Equal(t, 100, shop.Limits[1].Requests)
	assert.Equal(t, time.Minute, shop.Limits[1].Per)
	assert.True(t, shop.Limits[0].Reads, "150 counts GETs")
	assert.False(t, shop.Limits[1].Reads, "100 counts writes only")
	assert.Zero(t, shop.Limits[2].Requests, "the total per key is not published")
	till, _ := connectors.Lookup(mplus.System)
	assert.Empty(t, till.Limits, "MplusKASSA publishes none")
}

// Users write these names in their integration files; they must not change.
func TestOptionNamesAreStable(t *testing.T) {
	shop, _ := connectors.Lookup(ccvshop.System)
	assert.Equal(t, []string{"attributeType", "cacheTTL", "combinationStockType", "currency", "listUnfinished", "lookBack", "packageId", "pricesIncludeVat",
		"taxTariffs", "webshopId"}, shop.OptionNames())
	till, _ := connectors.Lookup(mplus.System)
	assert.Equal(t, []string{"branch", "costsPLU", "currency", "defaultTurnoverGroup", "discountPLU", "employeeNumber", "parentSKU", "relationRevenueAccountField",
		"relationVatCodeField", "shippingPLU", "shippingText", "stockBranch", "stockEmployee", "vatCountry", "vatPercentageScale"}, till.OptionNames())
	for _, r := range []connectors.Registration{shop, till} {
		for _, o := range r.DescribeOptions() {
			assert.NotEmpty(t, o.Description, r.Name+" "+o.Name)
		}
	}
}

// The default tags and the defaults New applies to a zero Config must agree,
// or an integration file would get another shop than a Go caller.
func TestOptionDefaultsMatchTheConfigDefaults(t *testing.T) {
	shop, err := ccvshop.ConfigFromSettings(connectors.Settings{})
	require.NoError(t, err)
	assert.Equal(t, "EUR", shop.Currency)
	assert.Equal(t, ccvshop.DefaultTaxTariffs, shop.TaxTariffs)
	assert.Equal(t, ccvshop.DefaultCombinationStockType, shop.CombinationStockType)
	assert.Equal(t, ccvshop.DefaultAttributeType, shop.AttributeType)
	assert.Equal(t, ccvshop.DefaultCacheTTL, shop.CacheTTL)
	assert.Zero(t, shop.PackageID)
	assert.Zero(t, shop.WebshopID)
	assert.Empty(t, shop.PricesIncludeVAT)

	till, err := mplus.ConfigFromSettings(connectors.Settings{})
	require.NoError(t, err)
	assert.Equal(t, mplus.DefaultVATCountry, till.VATCountry)
	assert.Equal(t, mplus.DefaultStockBranch, till.StockBranch)
	assert.Equal(t, mplus.DefaultEmployee, till.StockEmployee)
	assert.Equal(t, mplus.DefaultRelationRevenueAccountField, till.RelationRevenueAccountField)
	assert.Equal(t, mplus.DefaultRelationVATCodeField, till.RelationVATCodeField)
	assert.Equal(t, mplus.DefaultParentSKU, till.ParentSKU)
	assert.Equal(t, mplus.DefaultCurrency, till.Currency)
	assert.Zero(t, till.VATPercentageScale, "0 detects the scale")
	assert.Zero(t, till.DefaultTurnoverGroup)
}

// CheckOptions finds at validation time what the connector would refuse when
// building its client, each named by path.
func TestCheckOptionsOfTheBuiltinSystems(t *testing.T) {
	shop, _ := connectors.Lookup(ccvshop.System)
	assert.Empty(t, shop.CheckOptions(map[string]string{"packageId": "12", "pricesIncludeVat": "TRUE", "taxTariffs": "normal=21, low a=6%"}))
	var got []string
	for _, p := range shop.CheckOptions(map[string]string{"cacheTTL": "5x", "packageId": "box", "taxTariffs": "normal", "pricesIncludeVat": "yes", "webshopId": "-2"}) {
		got = append(got, p.String())
	}
	assert.Equal(t, []string{
		`options.cacheTTL: "5x" is not a duration like 5m`,
		`options.packageId: "box" is not a whole number`,
		`options.pricesIncludeVat: "yes" is not one of true, false`,
		`options.taxTariffs: "normal" is not tariff=percentage`,
		`options.webshopId: -2 is less than 1`,
	}, got)

	till, _ := connectors.Lookup(mplus.System)
	problems := till.CheckOptions(map[string]string{"colour": "red", "vatPercentageScale": "7"})
	require.Len(t, problems, 2)
	assert.Equal(t, `options.colour: mplus takes no option "colour" (it takes branch, costsPLU, currency, defaultTurnoverGroup, discountPLU, employeeNumber, parentSKU, `+
		`relationRevenueAccountField, relationVatCodeField, shippingPLU, shippingText, stockBranch, stockEmployee, vatCountry, vatPercentageScale)`, problems[0].String())
	assert.Equal(t, `options.vatPercentageScale: "7" is not one of 1, 10, 100, 1000`, problems[1].String())

	_, err := mplus.ConfigFromSettings(connectors.Settings{Options: map[string]string{"stockBranch": "main"}})
	assert.True(t, connectors.IsKind(err, connectors.KindConfig))
	assert.ErrorContains(t, err, `options.stockBranch: "main" is not a whole number`)
}
