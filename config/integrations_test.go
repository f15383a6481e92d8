package config_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	_ "github.com/koppel/koppel/connectors/builtin"
)

func TestExampleFileIsValidAndDefaultsApply(t *testing.T) {
	f, err := config.Load("integrations.example.yaml")
	require.NoError(t, err)
	in, ok := f.Integration("demo-shop")
	require.True(t, ok)
	o := in.Flows.Orders
	require.True(t, o.IsEnabled())
	require.True(t, o.OnlyPaid())
	require.Equal(t, "999999", in.Target.Options["employeeNumber"], "a target option now")
	require.Equal(t, "order", o.OrderType)
	require.Equal(t, "demo-shop-", *o.ExternalIDPrefix, "order keys are scoped to the integration")
	require.Equal(t, "demo-shop-", *o.CustomerIDPrefix)
	require.Equal(t, config.DefaultRecheckQuotaPercent, o.RecheckQuotaPercent)
	require.Equal(t, config.DefaultPageSize, o.PageSize)
	require.Equal(t, "CCVSHOP_SECRET_KEY", in.Source.Credentials["secretKey"])

	// The second pair writes into the same till, under keys of its own.
	sw, ok := f.Integration("demo-shopware")
	require.True(t, ok)
	require.Equal(t, "shopware6", sw.Source.System)
	require.Equal(t, in.Target.BaseURL, sw.Target.BaseURL, "the demo till")
	require.True(t, sw.Flows.Orders.IsEnabled())
	// The till's articles and stock go to the Shopware shop (its source
	// side); nothing goes from the shop to the till but orders.
	require.Nil(t, sw.Flows.Products)
	require.Nil(t, sw.Flows.Stock)
	require.Nil(t, sw.Flows.Customers)
	require.NotNil(t, sw.Flows.ProductsToSource)
	require.True(t, sw.Flows.ProductsToSource.IsEnabled())
	require.Equal(t, map[string]string{"size": "Maat", "colour": "Kleur"}, sw.Flows.ProductsToSource.Attributes)
	require.False(t, sw.Flows.ProductsToSource.UpdateProductInfo)
	require.Equal(t, "product.sku not in ['VERZ', 'KORT']", sw.Flows.ProductsToSource.Filter, "the till's booking articles stay out of the shop")
	require.NotNil(t, sw.Flows.StockToSource)
	require.True(t, sw.Flows.StockToSource.IsEnabled())
	require.True(t, sw.Flows.StockToSource.ManageStock)
	require.Equal(t, 1.0, sw.Flows.StockToSource.Buffer)
	require.Equal(t, "e1ef8dedb52c678efa9f09b998077367", sw.Source.Options["productSalesChannelIds"],
		"the demo shop's storefront, where the till's articles are shown")
	require.Equal(t, "demo-shopware-", *sw.Flows.Orders.ExternalIDPrefix)
	require.Equal(t, "demo-shopware-", *sw.Flows.Orders.CustomerIDPrefix)
	require.Equal(t, "SHOPWARE_SECRET_ACCESS_KEY", sw.Source.Credentials["secretAccessKey"])
}

const valid = `
integrations:
  - name: shop
    source: {system: ccvshop, baseURL: "https://shop.example.nl", credentials: {publicKey: CCV_PUB, secretKey: CCV_SEC}}
    target: {system: mplus, baseURL: "https://api.mpluskassa.nl:34567", credentials: {ident: MP_IDENT, secret: MP_SECRET}}
    flows:
      orders: {}
`

func TestDefaultsOfAMinimalFile(t *testing.T) {
	f, err := config.Parse("test.yaml", []byte(valid))
	require.NoError(t, err)
	o := f.Integrations[0].Flows.Orders
	require.Equal(t, config.DefaultInterval, o.Interval.D())
	require.Equal(t, "email", o.CustomerMatch)
	require.True(t, o.OnlyPaid())
}

func TestBadFileListsEveryProblemWithItsPath(t *testing.T) {
	bad := strings.NewReplacer(
		"orders: {}", `orders: {orderType: bill, customerMatch: phone, statuses: [paid, new], interval: 500ms, pageSize: 900}`,
		"secretKey: CCV_SEC", "secretKey: sk_live_abc123",
		"system: mplus", "system: mplusx",
	).Replace(valid)
	_, err := config.Parse("bad.yaml", []byte(bad))
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		`integrations[0].flows.orders.orderType: "bill" is not one of order, invoice, quote, salesInvoice, financialMutation`,
		`integrations[0].flows.orders.customerMatch: "phone" is not one of email, externalId`,
		`integrations[0].flows.orders.statuses[0]: "paid" is not one of`,
		`integrations[0].flows.orders.interval: 500ms is shorter than 1s`,
		`integrations[0].flows.orders.pageSize: 900 is not between 1 and 250 (the most ccvshop lists on a page)`,
		`integrations[0].source.credentials.secretKey: must name an environment variable (like CCVSHOP_SECRETKEY), never hold the secret itself`,
		`integrations[0].target.system: "mplusx" is not one of ` + strings.Join(connectors.Systems(), ", "),
	} {
		require.Contains(t, msg, want)
	}
	require.NotContains(t, msg, "statuses[1]", "new is one of CCV Shop's own statuses")
	require.NotContains(t, msg, "sk_live_abc123", "a secret written by mistake must not be echoed")
}

func TestUnknownKeysAreErrors(t *testing.T) {
	_, err := config.Parse("typo.yaml", []byte(strings.Replace(valid, "orders: {}", "orders: {ordertype: invoice}", 1)))
	require.ErrorContains(t, err, "field ordertype not found")
}

func TestDuplicateNamesAndMissingCredentials(t *testing.T) {
	two := valid + strings.Replace(strings.TrimPrefix(valid, "\nintegrations:\n"), "ident: MP_IDENT, ", "", 1)
	_, err := config.Parse("dup.yaml", []byte(two))
	require.ErrorContains(t, err, `integrations[1].name: "shop" is used twice`)
	require.ErrorContains(t, err, `integrations[1].target.credentials.ident: is missing`)
}

func TestCredentialsComeFromTheEnvironment(t *testing.T) {
	f, err := config.Parse("test.yaml", []byte(valid))
	require.NoError(t, err)
	env := map[string]string{"CCV_PUB": "pk"}
	_, err = f.Integrations[0].Source.Env("integrations[0].source", func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	require.ErrorContains(t, err, "integrations[0].source.credentials.secretKey: environment variable CCV_SEC is not set")
	env["CCV_SEC"] = "sk"
	creds, err := f.Integrations[0].Source.Env("integrations[0].source", func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	require.NoError(t, err)
	require.Equal(t, map[string]string{"publicKey": "pk", "secretKey": "sk"}, creds)
}

// A broken mapping rule fails the start naming integration, flow, field and error.
func TestBrokenMappingRulesAreListedWithTheirPath(t *testing.T) {
	file := strings.Replace(valid, "orders: {}", `orders:
        mapping:
          customer.companyName: "order.customer.companyName +"
          lines.quantity: "line.name"
          customer.shoeSize: "'42'"
          extra.channel: "'web'"
          note: "lookup('nope', order.number, '')"`, 1)
	_, err := config.Parse("bad.yaml", []byte(file))
	require.Error(t, err)
	for _, want := range []string{
		`integrations[0].flows.orders.mapping["customer.companyName"]:`,
		`integrations[0].flows.orders.mapping["lines.quantity"]:`,
		`integrations[0].flows.orders.mapping["customer.shoeSize"]:`,
		`integrations[0].flows.orders.mapping["extra.channel"]: mplus takes no custom field`,
		`integrations[0].flows.orders.mapping["note"]:`,
	} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestSystemOptionsAreChecked(t *testing.T) {
	file := strings.Replace(valid, "credentials: {ident: MP_IDENT, secret: MP_SECRET}}", "credentials: {ident: MP_IDENT, secret: MP_SECRET}, options: {shippingPLU: VERZ, colour: red}}", 1)
	_, err := config.Parse("opts.yaml", []byte(file))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `integrations[0].target.options.colour: mplus takes no option "colour" (it takes branch, costsPLU, currency, defaultTurnoverGroup, discountPLU, employeeNumber, parentSKU, relationRevenueAccountField, relationVatCodeField, shippingPLU, shippingText, stockBranch, stockEmployee, vatCountry, vatPercentageScale)`)
	assert.NotContains(t, err.Error(), "shippingPLU:")
}

// Finding 4: two shops into one till. Keys are scoped to the integration by
// default; two integrations writing to the same target account with the same
// prefix fail validation, naming both.
func TestTwoIntegrationsIntoOneTargetNeedTheirOwnKeys(t *testing.T) {
	two := func(extra string) string {
		return `
integrations:
  - name: shop-a
    source: {system: ccvshop, baseURL: "https://a.example.nl", credentials: {publicKey: A_PUB, secretKey: A_SEC}}
    target: {system: mplus, baseURL: "https://api.mpluskassa.nl:34567", credentials: {ident: MP_IDENT, secret: MP_SECRET}}
    flows:
      orders: {` + extra + `}
  - name: shop-b
    source: {system: ccvshop, baseURL: "https://b.example.nl", credentials: {publicKey: B_PUB, secretKey: B_SEC}}
    target: {system: mplus, baseURL: "https://api.mpluskassa.nl:34567/", credentials: {ident: MP_IDENT, secret: MP_SECRET}}
    flows:
      orders: {` + extra + `}
`
	}
	f, err := config.Parse("two.yaml", []byte(two("")))
	require.NoError(t, err)
	require.Equal(t, "shop-a-", *f.Integrations[0].Flows.Orders.ExternalIDPrefix)
	require.Equal(t, "shop-b-", *f.Integrations[1].Flows.Orders.ExternalIDPrefix)

	_, err = config.Parse("two.yaml", []byte(two(`externalIdPrefix: "ccvshop-"`)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `integrations[1].flows.orders.externalIdPrefix: "ccvshop-" is also the externalIdPrefix of integrations[0].flows.orders.externalIdPrefix`)

	_, err = config.Parse("two.yaml", []byte(two(`customerMatch: externalId, customerIdPrefix: ""`)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `integrations[1].flows.orders.customerIdPrefix: "" is also the customerIdPrefix of integrations[0]`)

	_, err = config.Parse("two.yaml", []byte(two(`customerIdPrefix: ""`)))
	require.NoError(t, err, "matched by e-mail, the customer ids do not decide which relation an order gets")
}

// Statuses may be canonical or the source's own names; the latter become
// canonical ("reached" works on the canonical order).
func TestStatusesTakeTheSourcesOwnNames(t *testing.T) {
	f, err := config.Parse("s.yaml", []byte(strings.Replace(valid, "orders: {}", "orders: {statuses: [in_process, shipped]}", 1)))
	require.NoError(t, err)
	require.Equal(t, []string{"processing", "shipped"}, f.Integrations[0].Flows.Orders.Statuses)
}

// employeeNumber and branch of the orders flow, from before they were
// MplusKASSA options, still work: they move to the target's options.
func TestEmployeeAndBranchMoveToTheTargetsOptions(t *testing.T) {
	f, err := config.Parse("old.yaml", []byte(strings.Replace(valid, "orders: {}", `orders: {employeeNumber: "42", branch: "3"}`, 1)))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"employeeNumber": "42", "branch": "3"}, f.Integrations[0].Target.Options)

	withOption := strings.Replace(valid, "credentials: {ident: MP_IDENT, secret: MP_SECRET}}", `credentials: {ident: MP_IDENT, secret: MP_SECRET}, options: {employeeNumber: "7"}}`, 1)
	f, err = config.Parse("both.yaml", []byte(strings.Replace(withOption, "orders: {}", `orders: {employeeNumber: "42"}`, 1)))
	require.NoError(t, err)
	assert.Equal(t, "7", f.Integrations[0].Target.Options["employeeNumber"], "the target option wins")
}

// requireProducts: false is for targets that book lines without an article;
// a target whose lines need products refuses it, named.
func TestRequireProductsOffNeedsATargetThatCan(t *testing.T) {
	_, err := config.Parse("rp.yaml", []byte(strings.Replace(valid, "orders: {}", "orders: {requireProducts: false}", 1)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "integrations[0].flows.orders.requireProducts: mplus writes every line on an existing product; it cannot be false")
}
