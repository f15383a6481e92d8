// Package ecwid is the Ecwid by Lightspeed connector (research
// apis-shop-pos.md §3; no machine-readable contract exists: research is
// the contract): a client of the REST API v3 at
// https://app.ecwid.com/api/v3/{storeId}. Its simulator lives in package
// ecwid/sim.
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
