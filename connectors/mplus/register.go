package mplus

import "github.com/koppel/koppel/connectors"

func init() {
	connectors.Register(connectors.Registration{
		Name:        System,
		Credentials: []string{"ident", "secret"},
		Capabilities: []connectors.Capability{
			connectors.CapOrderTarget, connectors.CapCustomerTarget, connectors.CapProductLookup,
		},
		New: func(s connectors.Settings) (any, error) {
			return New(ConfigFromSettings(s))
		},
	})
}

// ConfigFromSettings builds a Config from an integration's settings. MplusKASSA
// publishes no rate limit, so only an explicit TotalPerMinute (> 0) caps calls.
func ConfigFromSettings(s connectors.Settings) Config {
	cfg := Config{
		BaseURL:         s.BaseURL,
		Ident:           s.Credentials["ident"],
		Secret:          s.Credentials["secret"],
		Timeout:         s.Timeout,
		ProductCacheTTL: DefaultProductCacheTTL,
		Observe:         s.Observe,
	}
	if s.TotalPerMinute > 0 {
		cfg.RequestsPerMinute = s.TotalPerMinute
	}
	return cfg
}
