package salespos_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/connectors/salespos"
)

func TestRegistration(t *testing.T) {
	r, ok := connectors.Lookup(salespos.System)
	require.True(t, ok)
	assert.Equal(t, []string{"publicKey", "secretKey"}, r.Credentials, "the same names as CCV Shop's")
	assert.ElementsMatch(t, []connectors.Capability{connectors.CapOrderSource, connectors.CapOrderTarget, connectors.CapCustomerTarget,
		connectors.CapProductLookup, connectors.CapProductSource, connectors.CapProductTarget, connectors.CapStockSource,
		connectors.CapStockTarget, connectors.CapCustomerSource, connectors.CapProductImages}, r.Capabilities)
	assert.Equal(t, []connectors.OrderKind{connectors.KindOrder}, r.OrderKinds)
	assert.True(t, r.LinesNeedProducts)
	assert.Equal(t, ccvshop.PublishedLimits(), r.Limits)

	shop, _ := connectors.Lookup(ccvshop.System)
	assert.False(t, shop.Has(connectors.CapOrderTarget), "the order writer is SalesPOS's only")

	c, err := r.New(connectors.Settings{BaseURL: "https://pos.example.invalid", Credentials: map[string]string{"publicKey": "pk", "secretKey": "sk"}})
	require.NoError(t, err)
	assert.IsType(t, (*salespos.Client)(nil), c)
}

// The CCV options are declared again in salespos.Options; they must stay
// what CCV Shop's are (only listUnfinished is left out: a till has no
// unfinished checkouts).
func TestSharedOptionsMirrorCCVShop(t *testing.T) {
	mine := map[string]connectors.OptionInfo{}
	for _, o := range connectors.DescribeOptions(salespos.Options{}) {
		mine[o.Name] = o
	}
	for _, o := range connectors.DescribeOptions(ccvshop.Options{}) {
		if o.Name == "listUnfinished" {
			assert.NotContains(t, mine, o.Name)
			continue
		}
		got, ok := mine[o.Name]
		if !assert.True(t, ok, "option %s is missing", o.Name) {
			continue
		}
		got.Description, o.Description = "", ""
		assert.Equal(t, o, got, o.Name)
	}
	assert.Contains(t, mine, "mediaType")
	assert.Contains(t, mine, "registerId")
	assert.Contains(t, mine, "storeId")
}

func TestConfigFromSettings(t *testing.T) {
	cfg, err := salespos.ConfigFromSettings(connectors.Settings{})
	require.NoError(t, err)
	assert.Equal(t, salespos.DefaultMediaType, cfg.MediaType, "the default tag is the constant")
	assert.Equal(t, "EUR", cfg.Currency)
	assert.Equal(t, ccvshop.DefaultTaxTariffs, cfg.TaxTariffs)
	assert.Equal(t, salespos.DefaultLookBack, cfg.LookBack)

	cfg, err = salespos.ConfigFromSettings(connectors.Settings{BaseURL: "https://pos.example.invalid",
		Credentials: map[string]string{"publicKey": "pk", "secretKey": "sk"},
		Options:     map[string]string{"mediaType": "application/json", "registerId": "2", "storeId": "1", "lookBack": "0s", "packageId": "5", "currency": "eur"}})
	require.NoError(t, err)
	assert.Equal(t, "application/json", cfg.MediaType)
	assert.Equal(t, "2", cfg.RegisterID)
	assert.Equal(t, "1", cfg.StoreID)
	assert.Equal(t, int64(5), cfg.PackageID)
	assert.Equal(t, "EUR", cfg.Currency)
	assert.Negative(t, cfg.LookBack, "0s lists nothing again")
	assert.Equal(t, "pk", cfg.PublicKey)

	_, err = salespos.ConfigFromSettings(connectors.Settings{Options: map[string]string{"listUnfinished": "true", "lookBack": "72h"}})
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindConfig, ce.Kind)
	assert.Equal(t, salespos.System, ce.System)
	assert.Contains(t, ce.Message, "options.listUnfinished")
	assert.Contains(t, ce.Message, "options.lookBack")

	_, err = salespos.New(salespos.Config{})
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, salespos.System, ce.System, "the CCV client's checks name SalesPOS")
}
