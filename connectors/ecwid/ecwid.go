// Package ecwid is the Ecwid by Lightspeed connector (research
// apis-shop-pos.md §3; no machine-readable contract exists: research is
// the contract): a client of the REST API v3 at
// https://app.ecwid.com/api/v3/{storeId}. Its simulator lives in package
// ecwid/sim.
//
// The core, which every capability file builds on:
//
//   - client.go: Config, New, the one httpkit.Client (Bearer token, 600
//     requests a minute per token through the shared pacer, 429 with
//     Retry-After), the ops ("METHOD /template" below the store id) and
//     the store profile (currency, gross or net prices).
//   - errors.go: the {errorMessage, errorCode} body → *connectors.Error;
//     a missing scope names the scope, a 402 the plan.
//   - wire*.go: the API's shapes; money as exact decimals (json.Number ↔
//     minor units, never a float).
//   - paging.go: offset/limit listings and the change windows over
//     updatedFrom/updatedTo that neither skip nor repeat a record.
//   - options.go, register.go: the typed Options and the Registration.
//
// Capabilities: orders.go (OrderSource, RawOrderSource), orderwrite.go
// (OrderTarget, TotalBooker, CurrencyTarget), lookup.go (ProductLookup and
// the SKU index), products.go and categories.go (ProductSource,
// ProductTarget, ProductMatcher), stock.go (StockSource, StockTarget,
// StockRounder), customers.go (CustomerTarget, CustomerSource).
package ecwid

// System is the connector's name and the System of its errors.
const System = "ecwid"

// Credential names in an integration file (§3.1): the store's numeric id
// and a secret_ access token of the store's custom app.
const (
	CredStoreID = "storeId"
	CredToken   = "token"
)

// ProductionAPI is the API's address without the store id (§3.1); the
// client appends /{storeId}.
const ProductionAPI = "https://app.ecwid.com/api/v3"

// Scopes of an app's token (§3.1); a call without the scope it needs is
// 403 INSUFFICIENT_APP_SCOPE.
const (
	ScopeReadOrders      = "read_orders"
	ScopeUpdateOrders    = "update_orders"
	ScopeCreateOrders    = "create_orders"
	ScopeReadCatalog     = "read_catalog"
	ScopeUpdateCatalog   = "update_catalog"
	ScopeCreateCatalog   = "create_catalog"
	ScopeReadCustomers   = "read_customers"
	ScopeUpdateCustomers = "update_customers"
	ScopeCreateCustomers = "create_customers"
	ScopeReadProfile     = "read_store_profile"
)
