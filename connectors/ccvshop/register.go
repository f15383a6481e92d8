package ccvshop

import (
	"fmt"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/mapping"
	"github.com/koppel/koppel/model"
)

// Options are the options the connector takes in the integration file. The
// tags are the one place their names, defaults and descriptions live
// (connectors.DecodeOptions); the defaults equal what New applies to a zero
// Config, so a Go caller and an integration file get the same shop.
type Options struct {
	PackageID        int64  `yaml:"packageId" min:"1" desc:"the shop's package id (from /packages/) every product created in the shop gets; required to create products"`
	PricesIncludeVAT string `yaml:"pricesIncludeVat" enum:"true,false" desc:"whether the shop's product prices include VAT; empty reads prices_include_vat from the webshop settings once"`
	WebshopID        int64  `yaml:"webshopId" min:"1" desc:"the webshop whose settings are read; empty: the first one /webshops/ lists"`
	Currency         string `yaml:"currency" default:"EUR" desc:"ISO 4217 currency of the shop's product prices"`
	// TaxTariffs' default is DefaultTaxTariffs, the Dutch rates.
	TaxTariffs           TaxTariffTable `yaml:"taxTariffs" default:"normal=21,low a=9,zero=0" type:"tariff=percent list" desc:"VAT rate of each tax tariff the shop names"`
	CombinationStockType string         `yaml:"combinationStockType" default:"attribute_combination" desc:"the product stocktype value meaning stock is kept per attribute combination"`
	AttributeType        string         `yaml:"attributeType" default:"option_menu_required" desc:"the type of attributes created for variants"`
	// CacheTTL: any positive duration, as before options were typed.
	CacheTTL time.Duration `yaml:"cacheTTL" default:"5m" min:"1ns" desc:"how long the category tree and the SKU index are reused (a miss rebuilds them at once)"`
	// The order feed (feed.go).
	LookBack       time.Duration `yaml:"lookBack" default:"24h" min:"0s" desc:"how far back every poll lists orders again, so one that shows up late (a clock behind, a lagging replica, a checkout completed later) is still seen; at most 47h"`
	ListUnfinished bool          `yaml:"listUnfinished" default:"true" desc:"list unfinished checkouts (is_completed=false) as waiting orders, so one completed after its creation is synced"`
}

// TaxTariffTable is the taxTariffs option: tariff names (lower case) with
// their VAT rate, written "normal=21,low a=9,zero=0".
type TaxTariffTable map[string]model.VATRate

// UnmarshalText reads the option's text with ParseTaxTariffs.
func (t *TaxTariffTable) UnmarshalText(b []byte) error {
	m, err := ParseTaxTariffs(string(b))
	if err != nil {
		return err
	}
	*t = m
	return nil
}

func init() {
	connectors.Register(connectors.Registration{
		Name:                 System,
		Credentials:          []string{"publicKey", "secretKey"},
		Client:               (*Client)(nil),
		DeclaredCapabilities: []connectors.Capability{connectors.CapProductImages},
		Limits:               PublishedLimits(),
		OptionSpec:           Options{},
		StatusNames:          StatusNames(),
		MaxPageSize:          MaxPageSize,
		ExtraFields:          map[string][]string{mapping.FlowProducts: ProductExtraFields},
		Webhooks:             WebhookSupportFor(System),
		New: func(s connectors.Settings) (any, error) {
			cfg, err := ConfigFromSettings(s)
			if err != nil {
				return nil, err
			}
			return New(cfg)
		},
	})
}

// ConfigFromSettings builds a Config from an integration's settings; options
// that cannot be read are one KindConfig error naming each (options.cacheTTL).
func ConfigFromSettings(s connectors.Settings) (Config, error) {
	var o Options
	problems := connectors.DecodeOptions(System, &o, s.Options)
	if p := connectors.LookBackProblem(o.LookBack); p != nil {
		problems = append(problems, *p)
	}
	if len(problems) > 0 {
		return Config{}, &connectors.Error{Kind: connectors.KindConfig, System: System, Op: "configure", Message: connectors.JoinProblems(problems)}
	}
	return o.Config(s), nil
}

// PublishedLimits are the rate limits of CCV's REST API (§1.8), for the
// registrations of every flavour.
func PublishedLimits() []connectors.RateLimitInfo {
	return []connectors.RateLimitInfo{
		{Scope: "GET requests per resource", Requests: DefaultReadsPerMinute, Per: time.Minute, Reads: true},
		{Scope: "POST/PUT/PATCH/DELETE requests per resource", Requests: DefaultWritesPerMinute, Per: time.Minute},
		{Scope: "all requests per API key", Per: time.Minute, Reads: true, Note: "the API enforces one (429.11); set rateLimit.totalPerMinute to stay under it"},
	}
}

// Config is the client configuration of decoded options with an
// integration's settings (the flavour left at CCV Shop).
func (o Options) Config(s connectors.Settings) Config {
	return Config{
		BaseURL: s.BaseURL, PublicKey: s.Credentials["publicKey"], SecretKey: s.Credentials["secretKey"],
		Timeout: s.Timeout, ReadsPerMinute: s.ReadsPerMinute, WritesPerMinute: s.WritesPerMinute,
		TotalPerMinute: s.TotalPerMinute, Observe: s.Observe,
		PackageID:            o.PackageID,
		PricesIncludeVAT:     o.PricesIncludeVAT,
		WebshopID:            o.WebshopID,
		Currency:             strings.ToUpper(o.Currency),
		TaxTariffs:           o.TaxTariffs,
		CombinationStockType: o.CombinationStockType,
		AttributeType:        o.AttributeType,
		CacheTTL:             o.CacheTTL,
		FeedConfig:           FeedConfig{LookBack: lookBack(o.LookBack), SkipUnfinished: !o.ListUnfinished},
	}
}

// lookBack turns the option's 0 (none) into FeedConfig's negative.
func lookBack(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// ParseTaxTariffs reads "normal=21,low a=9,zero=0": tariff names (lower
// case, as the shop sends them) with their VAT percentage.
func ParseTaxTariffs(s string) (map[string]model.VATRate, error) {
	out := map[string]model.VATRate{}
	for _, part := range strings.Split(s, ",") {
		name, pct, ok := strings.Cut(part, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok || name == "" {
			return nil, fmt.Errorf("%q is not tariff=percentage", strings.TrimSpace(part))
		}
		v, err := model.ParseMinor(strings.TrimSuffix(strings.TrimSpace(pct), "%"), 2)
		if err != nil || v < 0 || v > 10000 {
			return nil, fmt.Errorf("%q is not a VAT percentage", strings.TrimSpace(pct))
		}
		out[name] = model.VATRate(v)
	}
	return out, nil
}

var _ connectors.RawOrderSource = (*Client)(nil)
