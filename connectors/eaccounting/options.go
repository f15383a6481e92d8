package eaccounting

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/mapping"
	"github.com/koppel/koppel/model"
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

	// The flows' settings. A row's VAT rate is its article's coding's, so
	// every table names an article per VAT rate.
	Currency               string    `yaml:"currency" default:"EUR" desc:"ISO 4217 currency the company books in; checked against the company settings before the first write"`
	ShippingArticles       RateTable `yaml:"shippingArticles" type:"rate=article list" desc:"the article numbers shipping costs are booked on, per VAT rate (21%=VERZEND-21, 9%=VERZEND-9) or one for every rate; required for orders with shipping costs"`
	DiscountArticles       RateTable `yaml:"discountArticles" type:"rate=article list" desc:"the article numbers order discounts (coupons) are booked on, per VAT rate or one for every rate; required for orders with discounts"`
	CostArticles           RateTable `yaml:"costArticles" type:"rate=article list" desc:"the article numbers other order costs (payment costs …) are booked on, per VAT rate or one for every rate; required for orders with costs"`
	FallbackArticles       RateTable `yaml:"fallbackArticles" type:"rate=article list" desc:"with requireProducts: false, the article numbers a line whose SKU has no article is booked on (with the line's name as text), per VAT rate or one for every rate"`
	RoundingArticle        RateTable `yaml:"roundingArticle" type:"rate=article list" desc:"the article numbers a cent difference between the shop's total and eAccounting's is booked on, per VAT rate (add 0%=… for a cent no rate can take); empty: such an order fails"`
	Codings                RateTable `yaml:"codings" type:"rate=coding list" desc:"the article account coding (id or name) of articles Koppel creates, per VAT rate; empty: the active goods coding of the product's rate"`
	Unit                   string    `yaml:"unit" default:"st" desc:"the unit (code, abbreviation or name) of articles Koppel creates"`
	Variants               string    `yaml:"variants" default:"split" enum:"split,refuse" desc:"a product with variants: split writes one article per variant SKU (eAccounting keeps simple articles only), refuse fails it"`
	DefaultPaymentTermDays int       `yaml:"defaultPaymentTermDays" default:"14" min:"1" desc:"the payment term (days) of customers Koppel creates when the flow names none; eAccounting needs terms of payment of that many days"`
}

// RateTable names a value per VAT rate: "21%=VERZEND-21, 9%=VERZEND-9", or
// one value for every rate ("VERZEND"). Rates are written as percentages
// (21%, 21, 5.5%).
type RateTable struct {
	ByRate map[model.VATRate]string
	// Any is the value of a rate the table does not name; "" when none.
	Any string
}

// UnmarshalText reads the option's text.
func (t *RateTable) UnmarshalText(b []byte) error {
	*t = RateTable{}
	text := strings.TrimSpace(string(b))
	if text == "" {
		return nil
	}
	if !strings.Contains(text, "=") {
		if strings.Contains(text, ",") {
			return fmt.Errorf("%q: write rate=value pairs (21%%=A, 9%%=B) or one value", text)
		}
		t.Any = text
		return nil
	}
	t.ByRate = map[model.VATRate]string{}
	for _, pair := range strings.Split(text, ",") {
		k, v, ok := strings.Cut(pair, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || v == "" {
			return fmt.Errorf("%q is not rate=value", strings.TrimSpace(pair))
		}
		if k == "*" {
			t.Any = v
			continue
		}
		r, err := model.ParseVATRate(k)
		if err != nil {
			return fmt.Errorf("%q: %v", k, err)
		}
		if _, dup := t.ByRate[r]; dup {
			return fmt.Errorf("rate %s is named twice", r)
		}
		t.ByRate[r] = v
	}
	return nil
}

// For returns the value for a rate.
func (t RateTable) For(rate model.VATRate) (string, bool) {
	if v, ok := t.ByRate[rate]; ok {
		return v, true
	}
	return t.Any, t.Any != ""
}

// IsZero reports whether the table names nothing.
func (t RateTable) IsZero() bool { return len(t.ByRate) == 0 && t.Any == "" }

// values lists every value, sorted by rate, then Any.
func (t RateTable) values() []string {
	rates := make([]model.VATRate, 0, len(t.ByRate))
	for r := range t.ByRate {
		rates = append(rates, r)
	}
	slices.Sort(rates)
	out := make([]string, 0, len(rates)+1)
	for _, r := range rates {
		out = append(out, t.ByRate[r])
	}
	if t.Any != "" {
		out = append(out, t.Any)
	}
	return out
}

// Credential names in the integration file.
const (
	CredClientID     = "clientId"
	CredClientSecret = "clientSecret"
)

// DefaultRequestsPerMinute is the published limit per client and endpoint (§2.6).
const DefaultRequestsPerMinute = 600

// ExtraFields: mapping rules may set an order's OurReference (a quote's
// CompanyReference), the document's free reference for the company's side.
var ExtraFields = map[string][]string{
	mapping.FlowOrders: {ExtraOurReference},
}

// ExtraOurReference is the extra field of an order that fills OurReference.
const ExtraOurReference = "OurReference"

// Registration is the connector's entry for the registry (register.go
// registers it; connectors/builtin adds the package).
var Registration = connectors.Registration{
	Name:        System,
	Credentials: []string{CredClientID, CredClientSecret},
	Client:      (*Client)(nil),
	OrderKinds: []connectors.OrderKind{connectors.KindOrder, connectors.KindInvoice,
		connectors.KindSalesInvoice, connectors.KindQuote},
	// A line whose SKU has no article can be booked on options.fallbackArticles,
	// so requireProducts: false is possible; without that option such a
	// line fails the order (KindConfig naming it).
	LinesNeedProducts: false,
	ExtraFields:       ExtraFields,
	// An article has a number, name, prices, coding (the VAT rate), barcode,
	// active and stock flags; no descriptions, categories, photos or attributes.
	ProductFields: []string{"name", "ean", "price", "vat", "active", "manageStock"},
	// The refresh token works once: the token keeper holds it.
	KeepsRefreshToken: true,
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
		Currency: strings.ToUpper(o.Currency), ShippingArticles: o.ShippingArticles, DiscountArticles: o.DiscountArticles,
		CostArticles: o.CostArticles, FallbackArticles: o.FallbackArticles, RoundingArticles: o.RoundingArticle,
		Codings: o.Codings, Unit: o.Unit, RefuseVariants: o.Variants == "refuse", DefaultPaymentTermDays: o.DefaultPaymentTermDays,
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
