package shopware6_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/shopware6"
	"github.com/koppel/koppel/model"
)

func TestRegistration(t *testing.T) {
	r, ok := connectors.Lookup(shopware6.System)
	require.True(t, ok)
	assert.Equal(t, []string{"accessKeyId", "secretAccessKey"}, r.Credentials)
	assert.Equal(t, []connectors.Capability{connectors.CapOrderSource, connectors.CapProductTarget, connectors.CapStockTarget,
		connectors.CapProductImages}, r.Capabilities, "an order source and a product and stock target")
	assert.Empty(t, r.OrderKinds)
	assert.Equal(t, shopware6.StatusNames(), r.StatusNames)
	// Users write these names in their integration files; they must not change.
	assert.Equal(t, []string{"categoryRootId", "currency", "dateFilter", "lookBack", "maxPageSize", "mediaFolderId", "orderStates", "paidStates",
		"productSalesChannelIds", "retryAfter", "salesChannelIds", "taxIds", "watchPaymentAndDelivery"}, r.OptionNames())
	for _, o := range r.DescribeOptions() {
		assert.NotEmpty(t, o.Description, o.Name)
	}
	require.Len(t, r.Limits, 2)
	assert.Equal(t, 10, r.Limits[0].Requests, "the login limiter's first tier")
	assert.False(t, r.Limits[0].Reads)
	assert.Zero(t, r.Limits[1].Requests, "no published limit on data routes")

	c, err := r.New(connectors.Settings{BaseURL: "https://shop.example.com", Credentials: map[string]string{"accessKeyId": "k", "secretAccessKey": "s"}})
	require.NoError(t, err)
	assert.Equal(t, reflect.TypeOf(r.Client), reflect.TypeOf(c), "the prototype is what New builds")
}

// The option defaults and the defaults New applies to a zero Config agree,
// so an integration file and a Go caller get the same client.
func TestOptionDefaultsMatchTheConfigDefaults(t *testing.T) {
	cfg, err := shopware6.ConfigFromSettings(connectors.Settings{})
	require.NoError(t, err)
	assert.Equal(t, shopware6.DefaultPaidStates, cfg.PaidStates)
	assert.Equal(t, shopware6.DefaultLookBack, cfg.LookBack)
	assert.Equal(t, shopware6.MaxPageSize, cfg.MaxPageSize)
	assert.Equal(t, shopware6.DefaultRetryAfter, cfg.DefaultRetryAfter)
	assert.Equal(t, shopware6.DateFilterStorage, cfg.DateFilter)
	assert.False(t, cfg.IgnorePaymentAndDelivery)
	assert.Empty(t, cfg.SalesChannelIDs)
	assert.Empty(t, cfg.OrderStates)
	assert.Equal(t, shopware6.DefaultCurrency, cfg.Currency)
	assert.Empty(t, cfg.TaxIDs)
	assert.Empty(t, cfg.ProductSalesChannelIDs)

	none, err := shopware6.ConfigFromSettings(connectors.Settings{Options: map[string]string{"lookBack": "0s"}})
	require.NoError(t, err)
	assert.Negative(t, none.LookBack, "0 in the file means no look-back")

	set, err := shopware6.ConfigFromSettings(connectors.Settings{Options: map[string]string{
		"orderStates": "on_hold=Processing, awaiting_pickup=shipped", "paidStates": "paid, authorized", "dateFilter": "ISO",
		"watchPaymentAndDelivery": "false", "lookBack": "1h", "salesChannelIds": strings.Repeat("a", 32)}})
	require.NoError(t, err)
	assert.Equal(t, map[string]model.OrderStatus{"on_hold": model.StatusProcessing, "awaiting_pickup": model.StatusShipped}, set.OrderStates)
	assert.Equal(t, []string{"paid", "authorized"}, set.PaidStates)
	assert.Equal(t, shopware6.DateFilterISO, set.DateFilter)
	assert.True(t, set.IgnorePaymentAndDelivery)
	assert.Equal(t, time.Hour, set.LookBack)

	target, err := shopware6.ConfigFromSettings(connectors.Settings{Options: map[string]string{
		"taxIds": "21=" + strings.Repeat("b", 32), "currency": "chf", "productSalesChannelIds": strings.Repeat("c", 32)}})
	require.NoError(t, err)
	assert.Equal(t, map[model.VATRate]string{model.VATPercent(21): strings.Repeat("b", 32)}, target.TaxIDs)
	assert.Equal(t, "CHF", target.Currency)
	assert.Equal(t, []string{strings.Repeat("c", 32)}, target.ProductSalesChannelIDs)
}

func TestBadOptionsAreNamed(t *testing.T) {
	_, err := shopware6.ConfigFromSettings(connectors.Settings{Options: map[string]string{
		"lookBack": "48h", "orderStates": "on_hold=waiting", "salesChannelIds": "storefront", "maxPageSize": "0", "dateFilter": "unix", "colour": "red",
		"taxIds": "21=standard, high=" + strings.Repeat("a", 32), "currency": "euro", "productSalesChannelIds": "web", "categoryRootId": "home"}})
	require.True(t, connectors.IsKind(err, connectors.KindConfig))
	for _, want := range []string{
		`options.colour: shopware6 takes no option "colour"`,
		"options.lookBack: 48h0m0s is longer than 47h0m0s",
		`options.orderStates: on_hold=waiting: "waiting" is not a canonical status`,
		`options.salesChannelIds: "storefront" is not a Shopware id`,
		"options.maxPageSize: 0 is less than 1",
		`options.dateFilter: "unix" is not one of storage, iso`,
		`options.taxIds: 21=standard: "standard" is not a Shopware id`,
		`options.taxIds: high: "high" is not a VAT rate`,
		`options.currency: "euro" is not an ISO 4217 code`,
		`options.productSalesChannelIds: "web" is not a Shopware id`,
		`options.categoryRootId: "home" is not a Shopware id`,
	} {
		assert.Contains(t, err.Error(), want)
	}
}
