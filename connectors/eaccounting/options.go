package eaccounting

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
)

// Options are the options the connector takes in the integration file. The
// tags are the one place their names, defaults and descriptions live
// (connectors.DecodeOptions).
type Options struct {
	IdentityURL string `yaml:"identityURL" desc:"Visma's identity server (authorize and token endpoints); empty: the production or sandbox one that goes with baseURL, else baseURL's own host (the simulator)"`
	// RedirectURI must be registered for the app at Visma, byte for byte.
	RedirectURI string   `yaml:"redirectURI" default:"http://127.0.0.1:8765/callback" desc:"the redirect URI registered for the app at Visma; starter connect receives the code there when it is a loopback address, else asks for it to be pasted"`
	Scopes      []string `yaml:"scopes" default:"ea:api, offline_access, ea:sales, ea:accounting_readonly" desc:"the scopes asked at consent; ea:api and offline_access are mandatory"`
	PageSize    int      `yaml:"pageSize" default:"100" min:"1" desc:"$pagesize of listings (the API's maximum is not published; clients use 50 and 1000)"`
}

// Credential names in the integration file.
const (
	CredClientID     = "clientId"
	CredClientSecret = "clientSecret"
)

// DefaultRequestsPerMinute is the published limit per client and endpoint (§2.6).
const DefaultRequestsPerMinute = 600

// Registration is the connector's entry for the registry. It is not
// registered yet: with no flow capability, an integration file could name
// the system but run nothing. The flows' slice registers it from init and
// adds the package to connectors/builtin.
var Registration = connectors.Registration{
	Name:        System,
	Credentials: []string{CredClientID, CredClientSecret},
	Client:      (*Client)(nil),
	Limits: []connectors.RateLimitInfo{{Scope: "requests per endpoint per OAuth client", Requests: DefaultRequestsPerMinute,
		Per: time.Minute, Reads: true, Note: "429 with ErrorCode 4010; the wait is in the message, no Retry-After header"}},
	OptionSpec: Options{},
	New: func(s connectors.Settings) (any, error) {
		cfg, err := ConfigFromSettings(s)
		if err != nil {
			return nil, err
		}
		return New(cfg)
	},
}

// decodeOptions reads the options and checks what the tags cannot: the
// mandatory scopes. Scopes may be written with commas or spaces.
func decodeOptions(raw map[string]string) (Options, []connectors.Problem) {
	var o Options
	problems := connectors.DecodeOptions(System, &o, raw)
	var scopes []string
	for _, s := range o.Scopes {
		for _, f := range strings.Fields(s) {
			if !slices.Contains(scopes, f) {
				scopes = append(scopes, f)
			}
		}
	}
	o.Scopes = scopes
	for _, must := range []string{ScopeAPI, ScopeOfflineAccess} {
		if !slices.Contains(o.Scopes, must) {
			problems = append(problems, connectors.Problem{Path: "options.scopes",
				Message: fmt.Sprintf("lacks %s, which Visma requires (offline_access gives the refresh token)", must)})
		}
	}
	return o, problems
}

func configError(problems []connectors.Problem) error {
	return &connectors.Error{Kind: connectors.KindConfig, System: System, Op: "configure", Message: connectors.JoinProblems(problems)}
}

// ConfigFromSettings builds the API client's Config from an integration's
// settings. The client takes its tokens from s.Tokens. eAccounting counts
// calls per endpoint, so rateLimit.totalPerMinute sets that per-endpoint
// figure; reads and writes are not counted apart.
func ConfigFromSettings(s connectors.Settings) (Config, error) {
	o, problems := decodeOptions(s.Options)
	if s.ReadsPerMinute != 0 || s.WritesPerMinute != 0 {
		problems = append(problems, connectors.Problem{Path: "rateLimit",
			Message: "eaccounting counts calls per endpoint, not reads and writes apart; set totalPerMinute (per endpoint) instead"})
	}
	if len(problems) > 0 {
		return Config{}, configError(problems)
	}
	return Config{
		BaseURL: s.BaseURL, ClientID: s.Credentials[CredClientID], Tokens: s.Tokens,
		Timeout: s.Timeout, RequestsPerMinute: s.TotalPerMinute, PageSize: o.PageSize, Observe: s.Observe,
	}, nil
}

// OAuthFromSettings builds the identity server's client of an integration:
// its endpoints from baseURL (or options.identityURL), the app's
// credentials, the redirect URI and scopes from the options.
func OAuthFromSettings(s connectors.Settings) (*OAuth, error) {
	o, problems := decodeOptions(s.Options)
	api, err := APIBase(s.BaseURL)
	if err != nil {
		problems = append(problems, connectors.Problem{Path: "baseURL", Message: err.Error()})
	}
	var identity string
	if err == nil {
		if identity, err = IdentityBase(api, o.IdentityURL); err != nil {
			problems = append(problems, connectors.Problem{Path: "options.identityURL", Message: err.Error()})
		}
	}
	for _, c := range []string{CredClientID, CredClientSecret} {
		if s.Credentials[c] == "" {
			problems = append(problems, connectors.Problem{Path: "credentials." + c, Message: "is empty"})
		}
	}
	if len(problems) > 0 {
		return nil, configError(problems)
	}
	return &OAuth{
		AuthorizeURL: identity + AuthorizePath, TokenURL: identity + TokenPath,
		ClientID: s.Credentials[CredClientID], ClientSecret: s.Credentials[CredClientSecret],
		RedirectURI: o.RedirectURI, Scopes: o.Scopes, Timeout: s.Timeout,
	}, nil
}
