package mplus

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/mapping"
)

// Options are the integration-file options the connector takes, with what
// each does.
var Options = map[string]string{
	"shippingPLU":                 "the article (PLU) shipping costs are written on as a line; empty: shipping is not written",
	"shippingText":                "the text of the shipping line (default: the order's shipping method)",
	"discountPLU":                 "the article (PLU) an order's discounts are written on, one line each; required for orders with discounts",
	"costsPLU":                    "the article (PLU) an order's other costs (payment costs …) are written on, one line each; required for orders with costs",
	"vatCountry":                  "ISO 3166-1 alpha-3 country whose VAT groups win when several have the same rate (default NLD)",
	"vatPercentageScale":          "wire units per VAT percent: 1 (21 is 21 %) or 100 (2100 is 21 %); default: detected from the VAT table",
	"stockBranch":                 "the branch number whose stock is read and set (default 1)",
	"stockEmployee":               "the employee number stock changes are booked on (default 999999)",
	"defaultTurnoverGroup":        "the turnover group of articles Koppel creates (default: none, MplusKASSA's own)",
	"relationRevenueAccountField": "the relation custom field that holds a customer's revenue account (default revenueAccount)",
	"relationVatCodeField":        "the relation custom field that holds a customer's VAT code (default vatCode)",
	"parentSKU":                   "the SKU of a product with several articles, {productNumber} or {firstPLU} in a text (default P-{productNumber})",
	"currency":                    "ISO 4217 currency of MplusKASSA's amounts (default EUR)",
}

// ExtraFields are the custom fields the connector writes from extra.* rules:
// an order's reference, and any custom field of an article or a relation
// ("*": MplusKASSA's custom fields are named in its back office).
var ExtraFields = map[string][]string{
	mapping.FlowOrders:    {"reference"},
	mapping.FlowProducts:  {"*"},
	mapping.FlowCustomers: {"*"},
}

func init() {
	connectors.Register(connectors.Registration{
		Name:        System,
		Credentials: []string{"ident", "secret"},
		Capabilities: []connectors.Capability{
			connectors.CapOrderTarget, connectors.CapCustomerTarget, connectors.CapProductLookup,
			connectors.CapProductSource, connectors.CapProductTarget, connectors.CapStockSource, connectors.CapStockTarget,
			connectors.CapCustomerDetails,
		},
		Options:     Options,
		ExtraFields: ExtraFields,
		New: func(s connectors.Settings) (any, error) {
			cfg, err := ConfigFromSettings(s)
			if err != nil {
				return nil, err
			}
			return New(cfg)
		},
	})
}

// ConfigFromSettings builds a Config from an integration's settings. MplusKASSA
// publishes no rate limit, so only an explicit TotalPerMinute (> 0) caps calls.
// An option that is not a number where one is needed is a KindConfig error
// naming it.
func ConfigFromSettings(s connectors.Settings) (Config, error) {
	o := func(name string) string { return strings.TrimSpace(s.Options[name]) }
	cfg := Config{
		BaseURL:                     s.BaseURL,
		Ident:                       s.Credentials["ident"],
		Secret:                      s.Credentials["secret"],
		Timeout:                     s.Timeout,
		ProductCacheTTL:             DefaultProductCacheTTL,
		Observe:                     s.Observe,
		ShippingPLU:                 o("shippingPLU"),
		ShippingText:                o("shippingText"),
		DiscountPLU:                 o("discountPLU"),
		CostsPLU:                    o("costsPLU"),
		VATCountry:                  o("vatCountry"),
		RelationRevenueAccountField: o("relationRevenueAccountField"),
		RelationVATCodeField:        o("relationVatCodeField"),
		ParentSKU:                   o("parentSKU"),
		Currency:                    strings.ToUpper(o("currency")),
	}
	if s.TotalPerMinute > 0 {
		cfg.RequestsPerMinute = s.TotalPerMinute
	}
	var problems []string
	number := func(name string) int64 {
		v := o(name)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			problems = append(problems, fmt.Sprintf("options.%s %q is not a positive whole number", name, v))
		}
		return n
	}
	cfg.VATPercentageScale = int(number("vatPercentageScale"))
	cfg.StockBranch = int(number("stockBranch"))
	cfg.StockEmployee = number("stockEmployee")
	cfg.DefaultTurnoverGroup = int(number("defaultTurnoverGroup"))
	if len(problems) > 0 {
		return Config{}, &connectors.Error{Kind: connectors.KindConfig, System: System, Op: "configure", Message: strings.Join(problems, "; ")}
	}
	return cfg, nil
}
