// Package vismanet is the Visma.net ERP connector (research
// apis-erp-shopware.md §3; contract shared/specs/vismanet-erp-api.openapi.json):
// a client of the ERP API at api.finance.visma.net and of Visma Connect's
// token endpoint. Its simulator lives in package vismanet/sim.
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
