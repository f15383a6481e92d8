package mplus

import "github.com/koppel/koppel/connectors"

func init() {
	connectors.Register(connectors.Registration{
		Name:        System,
		Credentials: []string{"ident", "secret"},
		Capabilities: []connectors.Capability{
			connectors.CapOrderTarget, connectors.CapCustomerTarget, connectors.CapProductLookup,
		},
		Options: map[string]string{
			"shippingPLU":  "the article (PLU) shipping costs are written on as a line; empty: shipping is not written",
			"shippingText": "the text of the shipping line (default: the order's shipping method)",
			"vatCountry":   "ISO 3166-1 alpha-3 country whose VAT groups win when several have the same rate (default NLD)",
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
		ShippingPLU:     s.Options["shippingPLU"],
		ShippingText:    s.Options["shippingText"],
		VATCountry:      s.Options["vatCountry"],
	}
	if s.TotalPerMinute > 0 {
		cfg.RequestsPerMinute = s.TotalPerMinute
	}
	return cfg
}
