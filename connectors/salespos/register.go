package salespos

import (
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/mapping"
)

// DefaultLookBack is how far back every poll lists sales again (the CCV
// order feed's look-back, option lookBack).
const DefaultLookBack = ccvshop.DefaultLookBack

// Options are the options the connector takes in the integration file. The
// first three are SalesPOS's own; the rest are CCV Shop's options, declared
// again because the option decoder reads one flat struct (a test holds
// their names, types, defaults and limits equal to ccvshop.Options'). The
// base URL is the integration's baseURL.
type Options struct {
	MediaType  string `yaml:"mediaType" default:"application/vnd.verto.salespos+json" desc:"the Accept header that selects the SalesPOS schemas (the official SDK's); change it only if the account asks for another"`
	RegisterID string `yaml:"registerId" desc:"sync only the sales rung up at this till (the sale's register_id, an assumed field); empty: every till"`
	StoreID    string `yaml:"storeId" desc:"sync only the sales of this store (the sale's store_id, an assumed field); empty: every store"`

	PackageID            int64                  `yaml:"packageId" min:"1" desc:"the package id (from /packages/) every product created in SalesPOS gets; required to create products"`
	PricesIncludeVAT     string                 `yaml:"pricesIncludeVat" enum:"true,false" desc:"whether the account's product prices include VAT; empty reads prices_include_vat from the webshop settings once"`
	WebshopID            int64                  `yaml:"webshopId" min:"1" desc:"the webshop whose settings are read; empty: the first one /webshops/ lists"`
	Currency             string                 `yaml:"currency" default:"EUR" desc:"ISO 4217 currency of the account's prices and of the orders written to it"`
	TaxTariffs           ccvshop.TaxTariffTable `yaml:"taxTariffs" default:"normal=21,low a=9,zero=0" type:"tariff=percent list" desc:"VAT rate of each tax tariff the account names"`
	CombinationStockType string                 `yaml:"combinationStockType" default:"attribute_combination" desc:"the product stocktype value meaning stock is kept per attribute combination"`
	AttributeType        string                 `yaml:"attributeType" default:"option_menu_required" desc:"the type of attributes created for variants"`
	CacheTTL             time.Duration          `yaml:"cacheTTL" default:"5m" min:"1ns" desc:"how long the category tree and the SKU index are reused (a miss rebuilds them at once)"`
	LookBack             time.Duration          `yaml:"lookBack" default:"24h" min:"0s" desc:"how far back every poll lists sales again, so one that shows up late (a till that was offline, a clock behind) is still seen; at most 47h"`
}

func init() {
	connectors.Register(connectors.Registration{
		Name:                 System,
		Credentials:          []string{CredentialPublicKey, CredentialSecretKey},
		Client:               (*Client)(nil),
		DeclaredCapabilities: []connectors.Capability{connectors.CapProductImages},
		Limits:               ccvshop.PublishedLimits(),
		OptionSpec:           Options{},
		StatusNames:          ccvshop.StatusNames(),
		MaxPageSize:          ccvshop.MaxPageSize,
		OrderKinds:           []connectors.OrderKind{connectors.KindOrder},
		// A till books a sale on its articles (stock moves with it); a row
		// without a product would need a shipping package.
		LinesNeedProducts: true,
		ExtraFields:       map[string][]string{mapping.FlowProducts: ccvshop.ProductExtraFields},
		// The same /webhooks/ resource as CCV Shop, assumed (research §4).
		Webhooks: ccvshop.WebhookSupportFor(System),
		New: func(s connectors.Settings) (any, error) {
			cfg, err := ConfigFromSettings(s)
			if err != nil {
				return nil, err
			}
			return New(cfg)
		},
	})
}

// ConfigFromSettings builds a Config from an integration's settings;
// options that cannot be read are one KindConfig error naming each.
func ConfigFromSettings(s connectors.Settings) (Config, error) {
	var o Options
	problems := connectors.DecodeOptions(System, &o, s.Options)
	if p := connectors.LookBackProblem(o.LookBack); p != nil {
		problems = append(problems, *p)
	}
	if len(problems) > 0 {
		return Config{}, &connectors.Error{Kind: connectors.KindConfig, System: System, Op: "configure", Message: connectors.JoinProblems(problems)}
	}
	cc := ccvshop.Options{
		PackageID:            o.PackageID,
		PricesIncludeVAT:     o.PricesIncludeVAT,
		WebshopID:            o.WebshopID,
		Currency:             o.Currency,
		TaxTariffs:           o.TaxTariffs,
		CombinationStockType: o.CombinationStockType,
		AttributeType:        o.AttributeType,
		CacheTTL:             o.CacheTTL,
		LookBack:             o.LookBack,
	}.Config(s)
	cc.MediaType = strings.TrimSpace(o.MediaType)
	return Config{Config: cc, RegisterID: o.RegisterID, StoreID: o.StoreID}, nil
}
