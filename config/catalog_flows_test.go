package config_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/config"
)

const catalog = `
integrations:
  - name: shop
    source: {system: ccvshop, baseURL: "https://shop.example.nl", credentials: {publicKey: CCV_PUB, secretKey: CCV_SEC}}
    target: {system: mplus, baseURL: "https://api.mpluskassa.nl:34567", credentials: {ident: MP_IDENT, secret: MP_SECRET}}
    countries:
      NL: {vatCodes: {"21": "1", "9": "2"}, revenueAccount: "8000"}
      BE: {vatCode: "5", revenueAccount: "8010", paymentTermDays: 30}
      default: {vatCode: "1"}
    flows:
      productsToSource: {attributes: {colour: Kleur, size: Maat}}
      stockToSource: {buffer: 2}
      customers: {}
`

func TestCatalogFlowsDefaultsAndDirections(t *testing.T) {
	f, err := config.Parse("c.yaml", []byte(catalog))
	require.NoError(t, err)
	in := f.Integrations[0]

	pf, d := in.ProductFlowFor()
	require.NotNil(t, pf)
	assert.Equal(t, config.TargetToSource, d)
	assert.False(t, pf.UpdateProductInfo, "update product info is off unless asked for")
	assert.Equal(t, config.DefaultAlwaysSync, pf.AlwaysSync)
	assert.True(t, pf.CreatesCategories())
	assert.Equal(t, config.DefaultCatalogPageSize, pf.PageSize)

	sf, d := in.StockFlowFor()
	require.NotNil(t, sf)
	assert.Equal(t, config.TargetToSource, d)
	assert.Equal(t, config.CalcAvailableMinusReserved, sf.Calculation)
	assert.Equal(t, "2", sf.BufferQuantity().String())

	require.NotNil(t, in.CustomerFlowFor())
	assert.Equal(t, "5", in.Country("be").VATCode)
	assert.Equal(t, "1", in.Country("DE").VATCode, "a country not listed takes the default")
	assert.Equal(t, "2", in.Country("NL").Accounting().CodeFor(9_00))
}

func TestOnlyOneDirectionMayBeActive(t *testing.T) {
	both := strings.Replace(catalog, "customers: {}", "customers: {}\n      products: {}\n      stock: {}", 1)
	_, err := config.Parse("both.yaml", []byte(both))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "integrations[0].flows: flows.products (source → target) and flows.productsToSource (target → source) are both enabled; only one direction may be active")
	assert.Contains(t, err.Error(), "flows.stock (source → target) and flows.stockToSource (target → source) are both enabled")

	oneOff := strings.Replace(catalog, "customers: {}", "customers: {}\n      products: {enabled: false}", 1)
	_, err = config.Parse("one-off.yaml", []byte(oneOff))
	require.NoError(t, err, "both configured, one disabled, is fine")
}

func TestCatalogFlowProblemsAreListedWithTheirPath(t *testing.T) {
	bad := strings.NewReplacer(
		"productsToSource: {attributes: {colour: Kleur, size: Maat}}", `productsToSource: {alwaysSync: [price, colour], filter: "product.name", mapping: {name: "product.nme"}}`,
		"stockToSource: {buffer: 2}", "stockToSource: {calculation: physcal, buffer: -1, pageSize: 500}",
		`BE: {vatCode: "5"`, `be: {vatCode: "5"`,
	).Replace(catalog)
	_, err := config.Parse("bad.yaml", []byte(bad))
	require.Error(t, err)
	for _, want := range []string{
		`integrations[0].flows.productsToSource.alwaysSync[1]: "colour" is not one of`,
		`integrations[0].flows.productsToSource.filter:`,
		`integrations[0].flows.productsToSource.mapping["name"]:`,
		`integrations[0].flows.stockToSource.calculation: "physcal" is not one of availableMinusReserved, physical, available`,
		`integrations[0].flows.stockToSource.buffer: must not be negative`,
		`integrations[0].flows.stockToSource.pageSize: 500 is not between 1 and 250`,
		`integrations[0].countries.be: "be" is not an upper-case ISO 3166-1 alpha-2 code`,
		`(integration shop, products flow, field name)`,
	} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestAFlowTheSystemsCannotRunIsRefused(t *testing.T) {
	// Customers go from the shop to the till; the till is no customer source.
	reversed := `
integrations:
  - name: till
    source: {system: mplus, baseURL: "https://api.mpluskassa.nl:34567", credentials: {ident: MP_IDENT, secret: MP_SECRET}}
    target: {system: ccvshop, baseURL: "https://shop.example.nl", credentials: {publicKey: CCV_PUB, secretKey: CCV_SEC}}
    flows:
      customers: {}
`
	_, err := config.Parse("reversed.yaml", []byte(reversed))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "integrations[0].flows.customers: mplus cannot be the customer source this flow needs")
}

// images: true asks for photos by name; a target that takes none must say
// so instead of dropping them without a word. Left out, it means "where the
// target takes them" and is no problem.
func TestImagesAskedOfATargetWithoutImagesAreRefused(t *testing.T) {
	toTill := strings.Replace(catalog, "productsToSource: {attributes: {colour: Kleur, size: Maat}}", "products: {images: true}", 1)
	_, err := config.Parse("images.yaml", []byte(toTill))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "integrations[0].flows.products.images: mplus takes no product images through its API; remove images or set it to false")

	for _, ok := range []string{"products: {images: false}", "products: {}"} {
		_, err := config.Parse("images.yaml", []byte(strings.Replace(catalog, "productsToSource: {attributes: {colour: Kleur, size: Maat}}", ok, 1)))
		assert.NoError(t, err, ok)
	}
	toShop := strings.Replace(catalog, "productsToSource: {attributes: {colour: Kleur, size: Maat}}", "productsToSource: {images: true}", 1)
	_, err = config.Parse("images.yaml", []byte(toShop))
	assert.NoError(t, err, "CCV Shop takes photos")
}
