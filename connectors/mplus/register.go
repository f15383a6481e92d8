package mplus

import (
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/mapping"
)

// Options are the options the connector takes in the integration file. The
// tags are the one place their names, defaults and descriptions live
// (connectors.DecodeOptions); the defaults equal what New applies to a zero
// Config. A number left out is 0, which Config reads as "detect" or "none".
type Options struct {
	ShippingPLU          string `yaml:"shippingPLU" desc:"the article (PLU) shipping costs are written on as a line; empty: shipping is not written"`
	ShippingText         string `yaml:"shippingText" desc:"the text of the shipping line; empty: the order's shipping method"`
	DiscountPLU          string `yaml:"discountPLU" desc:"the article (PLU) an order's discounts are written on, one line each; required for orders with discounts"`
	CostsPLU             string `yaml:"costsPLU" desc:"the article (PLU) an order's other costs (payment costs …) are written on, one line each; required for orders with costs"`
	VATCountry           string `yaml:"vatCountry" default:"NLD" desc:"ISO 3166-1 alpha-3 country whose VAT groups win when several have the same rate"`
	VATPercentageScale   int    `yaml:"vatPercentageScale" enum:"1,10,100,1000" desc:"wire units per VAT percent: 1 (21 is 21 %) or 100 (2100 is 21 %); empty: detected from the VAT table"`
	EmployeeNumber       int64  `yaml:"employeeNumber" default:"999999" min:"1" desc:"the employee number orders and invoices are booked on"`
	Branch               int    `yaml:"branch" min:"1" desc:"the branch number orders and invoices are entered in; empty: MplusKASSA's default"`
	StockBranch          int    `yaml:"stockBranch" default:"1" min:"1" desc:"the branch number whose stock is read and set"`
	StockEmployee        int64  `yaml:"stockEmployee" default:"999999" min:"1" desc:"the employee number stock changes are booked on"`
	DefaultTurnoverGroup int    `yaml:"defaultTurnoverGroup" min:"1" desc:"the turnover group of articles Koppel creates; empty: none, MplusKASSA's own"`
	// The relation custom fields must exist in MplusKASSA.
	RelationRevenueAccountField string `yaml:"relationRevenueAccountField" default:"revenueAccount" desc:"the relation custom field that holds a customer's revenue account"`
	RelationVATCodeField        string `yaml:"relationVatCodeField" default:"vatCode" desc:"the relation custom field that holds a customer's VAT code"`
	ParentSKU                   string `yaml:"parentSKU" default:"P-{productNumber}" desc:"the SKU of a product with several articles: a text with {productNumber} or {firstPLU}"`
	Currency                    string `yaml:"currency" default:"EUR" desc:"ISO 4217 currency of MplusKASSA's amounts"`
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
		Client:      (*Client)(nil),
		OrderKinds:  []connectors.OrderKind{connectors.KindOrder, connectors.KindInvoice},
		// Order lines are written on articles (pluNumber); there is no free line.
		LinesNeedProducts: true,
		// MplusKASSA publishes no rate limit (research §2.10).
		Limits:      nil,
		OptionSpec:  Options{},
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
// Options that cannot be read are one KindConfig error naming each
// (options.stockBranch).
func ConfigFromSettings(s connectors.Settings) (Config, error) {
	var o Options
	if problems := connectors.DecodeOptions(System, &o, s.Options); len(problems) > 0 {
		return Config{}, &connectors.Error{Kind: connectors.KindConfig, System: System, Op: "configure", Message: connectors.JoinProblems(problems)}
	}
	cfg := Config{
		BaseURL:                     s.BaseURL,
		Ident:                       s.Credentials["ident"],
		Secret:                      s.Credentials["secret"],
		Timeout:                     s.Timeout,
		ProductCacheTTL:             DefaultProductCacheTTL,
		Observe:                     s.Observe,
		ShippingPLU:                 o.ShippingPLU,
		ShippingText:                o.ShippingText,
		DiscountPLU:                 o.DiscountPLU,
		CostsPLU:                    o.CostsPLU,
		VATCountry:                  o.VATCountry,
		VATPercentageScale:          o.VATPercentageScale,
		OrderEmployee:               o.EmployeeNumber,
		OrderBranch:                 o.Branch,
		StockBranch:                 o.StockBranch,
		StockEmployee:               o.StockEmployee,
		DefaultTurnoverGroup:        o.DefaultTurnoverGroup,
		RelationRevenueAccountField: o.RelationRevenueAccountField,
		RelationVATCodeField:        o.RelationVATCodeField,
		ParentSKU:                   o.ParentSKU,
		Currency:                    strings.ToUpper(o.Currency),
	}
	if s.TotalPerMinute > 0 {
		cfg.RequestsPerMinute = s.TotalPerMinute
	}
	return cfg, nil
}
