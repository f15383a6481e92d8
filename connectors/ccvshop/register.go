package ccvshop

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/mapping"
	"github.com/koppel/koppel/model"
)

// Options are the integration-file options the connector takes, with what
// each does.
var Options = map[string]string{
	"packageId":            "the shop's package id (from /packages/) every product created in the shop gets; required to create products",
	"pricesIncludeVat":     "true or false: whether the shop's product prices include VAT; empty reads prices_include_vat from the webshop settings once",
	"webshopId":            "the webshop whose settings are read (default: the first one /webshops/ lists)",
	"currency":             "ISO 4217 currency of the shop's product prices (default EUR)",
	"taxTariffs":           "VAT rate of each tax tariff, like \"normal=21,low a=9,zero=0\" (the default, Dutch rates)",
	"combinationStockType": "the product stocktype value meaning stock is kept per attribute combination (default attribute_combination)",
	"attributeType":        "the type of attributes created for variants (default option_menu_required)",
	"cacheTTL":             "how long the category tree and the SKU index are reused, like 5m (default 5m; a miss rebuilds them at once)",
}

func init() {
	connectors.Register(connectors.Registration{
		Name:        System,
		Credentials: []string{"publicKey", "secretKey"},
		Capabilities: []connectors.Capability{
			connectors.CapOrderSource, connectors.CapProductSource, connectors.CapProductTarget,
			connectors.CapStockSource, connectors.CapStockTarget, connectors.CapCustomerSource, connectors.CapProductImages,
		},
		Options:     Options,
		ExtraFields: map[string][]string{mapping.FlowProducts: ProductExtraFields},
		New: func(s connectors.Settings) (any, error) {
			cfg, err := ConfigFromSettings(s)
			if err != nil {
				return nil, err
			}
			return New(cfg)
		},
	})
}

// ConfigFromSettings builds a Config from an integration's settings; an
// option that cannot be read is a KindConfig error naming it.
func ConfigFromSettings(s connectors.Settings) (Config, error) {
	cfg := Config{
		BaseURL: s.BaseURL, PublicKey: s.Credentials["publicKey"], SecretKey: s.Credentials["secretKey"],
		Timeout: s.Timeout, ReadsPerMinute: s.ReadsPerMinute, WritesPerMinute: s.WritesPerMinute,
		TotalPerMinute: s.TotalPerMinute, Observe: s.Observe,
		PricesIncludeVAT:     strings.ToLower(strings.TrimSpace(s.Options["pricesIncludeVat"])),
		Currency:             strings.ToUpper(strings.TrimSpace(s.Options["currency"])),
		CombinationStockType: strings.TrimSpace(s.Options["combinationStockType"]),
		AttributeType:        strings.TrimSpace(s.Options["attributeType"]),
	}
	var problems []string
	id := func(name string) int64 {
		v := strings.TrimSpace(s.Options[name])
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			problems = append(problems, fmt.Sprintf("options.%s %q is not an id (a positive number)", name, v))
		}
		return n
	}
	cfg.PackageID = id("packageId")
	cfg.WebshopID = id("webshopId")
	if v := strings.TrimSpace(s.Options["cacheTTL"]); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			problems = append(problems, fmt.Sprintf("options.cacheTTL %q is not a duration like 5m", v))
		}
		cfg.CacheTTL = d
	}
	if v := strings.TrimSpace(s.Options["taxTariffs"]); v != "" {
		t, err := ParseTaxTariffs(v)
		if err != nil {
			problems = append(problems, "options.taxTariffs: "+err.Error())
		}
		cfg.TaxTariffs = t
	}
	if len(problems) > 0 {
		return Config{}, &connectors.Error{Kind: connectors.KindConfig, System: System, Op: "configure", Message: strings.Join(problems, "; ")}
	}
	return cfg, nil
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
