// Package eaccounting is the Visma eAccounting connector (research
// apis-erp-shopware.md §2; contract shared/specs/eaccounting-v2.openapi.yaml):
// a client of the REST API v2 and of Visma's identity server. Its simulator
// lives in package eaccounting/sim.
//
//   - Auth (oauth.go, §2.2): authorization code with a refresh token that is
//     single use — every refresh returns a new one and the old one stops
//     working. The client never refreshes: it takes its access token from a
//     connectors.TokenSource (in the worker, the token keeper workflow that
//     alone holds and rotates the refresh token; in tests a static token).
//     OAuth holds the consent URL, the code exchange and the refresh the
//     keeper's activity makes.
//   - JSON with PascalCase names and GUID ids (wire.go); listings page with
//     OData $page/$pagesize in a {Meta, Data} envelope (paging.go).
//   - Errors (errors.go, §2.7) are *connectors.Error of the kind their
//     ErrorCode says: 2000 validation (naming the fields), 3000 not found,
//     4000 conflict, 4005 auth, 4006 a scope the consent lacks, 4010 rate
//     limited with the wait read from the message (no Retry-After header is
//     documented, §2.6).
//   - Calls are paced per OAuth client and endpoint at the published 600 a
//     minute (§2.6), shared by every client of the same app in the process
//     and divided among the worker processes.
//
// Flow capabilities (the target of "CCV Shop → eAccounting"): orders.go
// (four order kinds, BookedTotal, Currency), customers.go, products.go
// (articles, SKU lookup), stock.go; reference data in refs.go; options and
// Registration in options.go, registered from register.go.
package eaccounting

import (
	"fmt"
	"net/url"
	"strings"
)

// System is the connector's name and the System of its errors.
const System = "eaccounting"

// The vendor's addresses (§2.1). The API base includes its version path.
const (
	ProductionAPI      = "https://eaccountingapi.vismaonline.com/v2"
	SandboxAPI         = "https://eaccountingapi-sandbox.test.vismaonline.com/v2"
	ProductionIdentity = "https://identity.vismaonline.com"
	SandboxIdentity    = "https://identity-sandbox.test.vismaonline.com"
	// AuthorizePath and TokenPath are on the identity server.
	AuthorizePath = "/connect/authorize"
	TokenPath     = "/connect/token"
	// APIPath is the version path every API call starts with.
	APIPath = "/v2"
)

// Scopes (§2.2). ea:api and offline_access are mandatory: without
// offline_access there is no refresh token.
const (
	ScopeAPI                = "ea:api"
	ScopeOfflineAccess      = "offline_access"
	ScopeSales              = "ea:sales"
	ScopeSalesReadOnly      = "ea:sales_readonly"
	ScopeAccounting         = "ea:accounting"
	ScopeAccountingReadOnly = "ea:accounting_readonly"
)

// DefaultScopes are what the flows need: customers, articles, orders and
// invoices take ea:sales (the contract names it on each of those paths, and
// on articleaccountcodings too), VAT codes take ea:accounting_readonly.
var DefaultScopes = []string{ScopeAPI, ScopeOfflineAccess, ScopeSales, ScopeAccountingReadOnly}

// APIBase normalises an API base URL: scheme://host[/path] without a
// trailing slash, with /v2 added when the URL has no path at all.
func APIBase(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an http(s) address like %s", raw, ProductionAPI)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q must not carry a query or fragment", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	if u.Path == "" {
		u.Path = APIPath
	}
	return u.Scheme + "://" + u.Host + u.Path, nil
}

// IdentityBase is the identity server that goes with an API base: the
// production or sandbox one for Visma's own API hosts, else the API's own
// origin (the simulator serves both). An explicit identityURL wins.
func IdentityBase(apiBase, identityURL string) (string, error) {
	if identityURL != "" {
		u, err := url.Parse(strings.TrimSpace(identityURL))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", fmt.Errorf("%q is not an http(s) address like %s", identityURL, ProductionIdentity)
		}
		return u.Scheme + "://" + u.Host + strings.TrimRight(u.Path, "/"), nil
	}
	u, err := url.Parse(apiBase)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%q is not an http(s) address", apiBase)
	}
	switch strings.ToLower(u.Hostname()) {
	case "eaccountingapi.vismaonline.com":
		return ProductionIdentity, nil
	case "eaccountingapi-sandbox.test.vismaonline.com":
		return SandboxIdentity, nil
	}
	return u.Scheme + "://" + u.Host, nil
}
