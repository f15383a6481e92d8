package shopware6

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// Options are the options the connector takes in the integration file. The
// tags are the one place their names, defaults and descriptions live
// (connectors.DecodeOptions); the defaults equal what New applies to a zero
// Config, so a Go caller and an integration file get the same client.
type Options struct {
	SalesChannelIDs []string `yaml:"salesChannelIds" desc:"only orders of these sales channels (their 32-hex ids); empty: every sales channel"`
	PaidStates      []string `yaml:"paidStates" default:"paid" desc:"the payment (order_transaction) states that mean paid; add e.g. authorized or refunded_partially when those orders should count as paid"`
	// OrderStates takes the canonical status names as values (checked in ConfigFromSettings).
	OrderStates map[string]string `yaml:"orderStates" type:"state=status list" desc:"order states the shop added to the default machine (open, in_progress, completed, cancelled), each with the canonical status it means, like on_hold=processing; an order in a state not named is reported unreadable"`
	LookBack    time.Duration     `yaml:"lookBack" default:"10m" min:"0s" desc:"how far before the previous poll's start every poll lists changed orders again, covering changes in the same second, late commits and a shop clock behind ours; at most 47h"`
	// WatchPaymentAndDelivery is FeedConfig.IgnorePaymentAndDelivery inverted: a zero Config watches them too.
	WatchPaymentAndDelivery bool          `yaml:"watchPaymentAndDelivery" default:"true" desc:"also list orders whose payment or delivery changed (their updatedAt): whether a state change touches the order's own updatedAt is not documented"`
	DateFilter              DateFilter    `yaml:"dateFilter" default:"storage" enum:"storage,iso" desc:"how times are written in search filters: storage (2026-01-31 10:00:00.000, UTC, as the database keeps them) or iso (2026-01-31T10:00:00.000+00:00)"`
	MaxPageSize             int           `yaml:"maxPageSize" default:"100" min:"1" desc:"the largest page the client asks for; Shopware documents none, a shop may set shopware.api.max_limit"`
	RetryAfter              time.Duration `yaml:"retryAfter" default:"10s" min:"1s" desc:"how long to wait after a 429 that says no Retry-After (Shopware's login limiter's shortest window is 10 s)"`

	// The product and stock targets.
	Currency               string            `yaml:"currency" default:"EUR" desc:"the currency (ISO code) of the product prices written; Shopware needs a price in the shop's default currency"`
	ProductSalesChannelIDs []string          `yaml:"productSalesChannelIds" desc:"the sales channels (32-hex ids) products are made visible in; empty: salesChannelIds, and when that is empty too every storefront sales channel"`
	TaxIDs                 map[string]string `yaml:"taxIds" type:"rate=id list" desc:"the tax to write per VAT rate, like 21=<32-hex id>, for shops with more than one tax at a rate; other rates use the shop's tax with that taxRate"`
	CategoryRootID         string            `yaml:"categoryRootId" desc:"the category (32-hex id) category paths start below; empty: the navigation category of the first sales channel products go to"`
	MediaFolderID          string            `yaml:"mediaFolderId" desc:"the media folder (32-hex id) photos are put in; empty: none"`
}

func init() {
	connectors.Register(connectors.Registration{
		Name:        System,
		Credentials: []string{"accessKeyId", "secretAccessKey"},
		Client:      (*Client)(nil),
		Limits: []connectors.RateLimitInfo{
			{Scope: "token requests per access key and IP (login limiter)", Requests: 10, Per: 10 * time.Second,
				Note: "time back-off on failed attempts: after 10 wait 10 s, after 15 wait 30 s, after 20 wait 60 s; a successful one resets it"},
			{Scope: "Admin API data routes", Reads: true,
				Note: "Shopware core has none; a host, proxy or WAF in front of the shop may (set rateLimit.readsPerMinute)"},
		},
		OptionSpec: Options{},
		// Photos are uploaded to media entities (products.go).
		DeclaredCapabilities: []connectors.Capability{connectors.CapProductImages},
		StatusNames:          StatusNames(),
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
// that cannot be read are one KindConfig error naming each (options.lookBack).
func ConfigFromSettings(s connectors.Settings) (Config, error) {
	var o Options
	problems := connectors.DecodeOptions(System, &o, s.Options)
	if p := connectors.LookBackProblem(o.LookBack); p != nil {
		problems = append(problems, *p)
	}
	for _, id := range o.SalesChannelIDs {
		if !IsID(id) {
			problems = append(problems, connectors.Problem{Path: "options.salesChannelIds", Message: fmt.Sprintf("%q is not a Shopware id (32 lower-case hex characters)", id)})
		}
	}
	orderStates := map[string]model.OrderStatus{}
	for _, name := range slices.Sorted(maps.Keys(o.OrderStates)) {
		st := model.OrderStatus(strings.ToLower(o.OrderStates[name]))
		if !slices.Contains(model.OrderStatuses, st) {
			problems = append(problems, connectors.Problem{Path: "options.orderStates",
				Message: fmt.Sprintf("%s=%s: %q is not a canonical status (%v)", name, o.OrderStates[name], o.OrderStates[name], model.OrderStatuses)})
			continue
		}
		orderStates[name] = st
	}
	taxIDs := map[model.VATRate]string{}
	for _, rate := range slices.Sorted(maps.Keys(o.TaxIDs)) {
		r, err := model.ParseVATRate(rate)
		switch {
		case err != nil:
			problems = append(problems, connectors.Problem{Path: "options.taxIds", Message: fmt.Sprintf("%s: %q is not a VAT rate like 21 or 5.5", rate, rate)})
		case !IsID(o.TaxIDs[rate]):
			problems = append(problems, connectors.Problem{Path: "options.taxIds", Message: fmt.Sprintf("%s=%s: %q is not a Shopware id (32 lower-case hex characters)", rate, o.TaxIDs[rate], o.TaxIDs[rate])})
		default:
			taxIDs[r] = o.TaxIDs[rate]
		}
	}
	for _, id := range o.ProductSalesChannelIDs {
		if !IsID(id) {
			problems = append(problems, connectors.Problem{Path: "options.productSalesChannelIds", Message: fmt.Sprintf("%q is not a Shopware id (32 lower-case hex characters)", id)})
		}
	}
	for name, id := range map[string]string{"categoryRootId": o.CategoryRootID, "mediaFolderId": o.MediaFolderID} {
		if id != "" && !IsID(id) {
			problems = append(problems, connectors.Problem{Path: "options." + name, Message: fmt.Sprintf("%q is not a Shopware id (32 lower-case hex characters)", id)})
		}
	}
	if len(strings.TrimSpace(o.Currency)) != 3 {
		problems = append(problems, connectors.Problem{Path: "options.currency", Message: fmt.Sprintf("%q is not an ISO 4217 code like EUR", o.Currency)})
	}
	if len(problems) > 0 {
		return Config{}, &connectors.Error{Kind: connectors.KindConfig, System: System, Op: "configure", Message: connectors.JoinProblems(problems)}
	}
	if len(taxIDs) == 0 {
		taxIDs = nil
	}
	lookBack := o.LookBack
	if lookBack == 0 {
		lookBack = -1 // FeedConfig's "none"
	}
	return Config{
		BaseURL: s.BaseURL, AccessKeyID: s.Credentials["accessKeyId"], SecretAccessKey: s.Credentials["secretAccessKey"],
		Timeout: s.Timeout, ReadsPerMinute: s.ReadsPerMinute, WritesPerMinute: s.WritesPerMinute, TotalPerMinute: s.TotalPerMinute,
		Observe:           s.Observe,
		MaxPageSize:       o.MaxPageSize,
		DefaultRetryAfter: o.RetryAfter,
		FeedConfig:        FeedConfig{LookBack: lookBack, IgnorePaymentAndDelivery: !o.WatchPaymentAndDelivery},
		SalesChannelIDs:   o.SalesChannelIDs,
		PaidStates:        o.PaidStates,
		OrderStates:       orderStates,
		DateFilter:        o.DateFilter,

		Currency:               strings.ToUpper(strings.TrimSpace(o.Currency)),
		ProductSalesChannelIDs: o.ProductSalesChannelIDs,
		TaxIDs:                 taxIDs,
		CategoryRootID:         o.CategoryRootID,
		MediaFolderID:          o.MediaFolderID,
	}, nil
}
