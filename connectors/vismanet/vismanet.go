// Package vismanet is the Visma.net ERP connector (research
// apis-erp-shopware.md §3; contract shared/specs/vismanet-erp-api.openapi.json):
// a client of the ERP API at api.finance.visma.net and of Visma Connect's
// token endpoint. Its simulator lives in package vismanet/sim.
//
// The core, which every capability file builds on:
//
//   - client.go: Config, New, the one httpkit.Client; the calls get, list,
//     create (201 + Location → the new number), update (204, If-Match with
//     an ETag), action (release …), optionally run as background jobs
//     (erp-api-background, background.go).
//   - auth: Visma Connect client credentials with tenant_id and scopes
//     through httpkit.OAuth2; a token refused for a reason the operator can
//     fix names the setting (token.go).
//   - wire.go: the value wrapper of writes (Value[T], {"field":{"value":x}})
//     and the exact Decimal of amounts and quantities; reads are plain.
//   - paging.go: pageNumber/pageSize with per-record metadata or the
//     {pageNumber,pageSize,totalCount,records} envelope; the
//     lastModifiedDateTime change filter and ChangeCursor.
//   - ratelimit.go: the X-RateLimit-* headers of every answer pace the
//     credential's calls across the worker fleet; 429 + Retry-After.
//   - errors.go: IPPException and {message} bodies → *connectors.Error.
//   - refs.go: reference data (credit terms, VAT categories, payment
//     methods, branches, warehouses, currencies, carriers, order types,
//     accounts) cached with a TTL, and the checks of configured codes.
//   - options.go, register.go: the typed Options and the Registration.
//
// Flow capabilities (Visma.net as the target of "CCV Shop → Visma.net"):
// orders.go (three kinds: sales order, customer invoice, journal
// transaction; BookedTotal; Currency), customers.go, lookup.go
// (ProductLookup). products.go and stock.go are the catalogue's.
package vismanet

// System is the connector's name and the System of its errors.
const System = "vismanet"

// Credential names in an integration file (§3.2): a Visma Connect service
// application (client credentials) and the tenant (company) that approved it.
const (
	CredClientID     = "clientId"
	CredClientSecret = "clientSecret"
	CredTenantID     = "tenantId"
)

// The vendor's addresses (§3.1, §3.2). Both are configurable: baseURL and
// the tokenURL option.
const (
	ProductionAPI = "https://api.finance.visma.net"
	// ProductionTokenURL is Visma Connect's token endpoint.
	ProductionTokenURL = "https://connect.visma.com/connect/token"
	// TokenPath is the token endpoint's path; the simulator serves it too.
	TokenPath = "/connect/token"
)

// Scopes a service application asks for (§3.2).
const (
	ScopeRead   = "vismanet_erp_service_api:read"
	ScopeCreate = "vismanet_erp_service_api:create"
	ScopeUpdate = "vismanet_erp_service_api:update"
	ScopeDelete = "vismanet_erp_service_api:delete"
)

// DefaultScopes are what the flows need: they read, create and update,
// never delete.
var DefaultScopes = []string{ScopeRead, ScopeCreate, ScopeUpdate}
