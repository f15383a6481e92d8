package connectors

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/koppel/koppel/model"
)

// Capability names what a system can do in a flow.
type Capability string

const (
	CapOrderSource    Capability = "order source"
	CapOrderTarget    Capability = "order target"
	CapCustomerTarget Capability = "customer target"
	CapProductLookup  Capability = "product lookup"
	CapProductSource  Capability = "product source"
	CapProductTarget  Capability = "product target"
	CapStockSource    Capability = "stock source"
	CapStockTarget    Capability = "stock target"
	CapCustomerSource Capability = "customer source"
	// CapProductImages: the product target uploads photos.
	CapProductImages Capability = "product images"
	// CapCustomerDetails: the target keeps CustomerDetails (customers flow).
	CapCustomerDetails Capability = "customer details target"
)

// Settings is what a factory gets to build a client for one integration: the
// base URL, the credential values (already read from the environment) and limits.
type Settings struct {
	BaseURL     string
	Credentials map[string]string
	// ReadsPerMinute, WritesPerMinute, TotalPerMinute: 0 means the system's
	// published default, a negative value means unlimited.
	ReadsPerMinute  int
	WritesPerMinute int
	TotalPerMinute  int
	Timeout         time.Duration
	Observe         CallObserver
	// Options are the system's own settings from the integration file, as
	// text; the connector decodes them with DecodeOptions into its options
	// struct (Registration.OptionSpec).
	Options map[string]string
	// Tokens hands out OAuth2 access tokens for a system whose refresh token
	// is kept outside the client (Visma eAccounting's single-use refresh
	// token, kept by a Temporal workflow); nil for every other system.
	Tokens TokenSource
}

// TokenSource hands out the access tokens of one credential. rejected is an
// access token the system has just refused (401), or "": the source then
// returns another one, renewing it if need be. Errors are *Error, so a
// revoked consent stays a KindAuth error through the HTTP client.
type TokenSource interface {
	AccessToken(ctx context.Context, rejected string) (string, error)
}

// Order kinds the accounting targets to come write, beside KindOrder and
// KindInvoice (connector.go). The values are what orderType takes in the
// integration file.
const (
	KindQuote        OrderKind = "quote"
	KindSalesInvoice OrderKind = "salesInvoice"
	// KindFinancialMutation is a balanced journal entry.
	KindFinancialMutation OrderKind = "financialMutation"
)

// OrderKinds lists every order kind Koppel knows, for messages.
func OrderKinds() []OrderKind {
	return []OrderKind{KindOrder, KindInvoice, KindQuote, KindSalesInvoice, KindFinancialMutation}
}

// RateLimitInfo is one rate limit a system publishes, as data for people and
// for checks; the clients pace themselves from their own Config.
type RateLimitInfo struct {
	// Scope is what the limit counts: "GET requests per resource".
	Scope string
	// Requests per Per; 0 means the limit exists but its number is not published.
	Requests int
	Per      time.Duration
	Note     string
	// Reads: the limit counts reads (GETs, lookups); flows plan their
	// share of the read quota from these.
	Reads bool
}

// Registration describes one system. Register fills Capabilities and Options
// from Client and OptionSpec, so that what a system can do and which options
// it takes are never written twice.
type Registration struct {
	Name string
	// Credentials are the credential names the system needs (publicKey, secretKey …).
	Credentials []string
	// Client is a nil pointer of the type New returns, like (*Client)(nil);
	// the capabilities are the interfaces it implements (capabilityInterfaces).
	Client any
	// DeclaredCapabilities are the capabilities no interface shows, like
	// CapProductImages (declarableCapabilities lists them).
	DeclaredCapabilities []Capability
	// OrderKinds are the kinds an order target writes; required exactly when
	// the client is an OrderTarget.
	// MaxPageSize is the largest page the system's listings take (0: no
	// published cap); a flow's pageSize is checked against it.
	MaxPageSize int
	// StatusNames are an order source's own status names, each with the
	// canonical status it maps to, so an integration file may name either.
	StatusNames map[string]model.OrderStatus
	OrderKinds  []OrderKind
	// LinesNeedProducts: every order line must reference a product that
	// exists in the target (MplusKASSA writes lines on articles).
	LinesNeedProducts bool
	// ProductFields are the product fields (names as config.ProductFields
	// has them) a product target stores; nil means all of them. The
	// products flow compares only these, so a field the target has no
	// place for is not "changed" on every run.
	ProductFields []string
	// KeepsRefreshToken: the system's OAuth2 refresh token is kept by a
	// token keeper workflow (single use, so only one place may hold it);
	// the client gets its access tokens through Settings.Tokens and the
	// operator gives the consent with starter connect.
	KeepsRefreshToken bool
	// Limits are the rate limits the system publishes; empty when it
	// publishes none (the client then paces only by the integration's rateLimit).
	Limits []RateLimitInfo
	// OptionSpec is a value of the connector's options struct; its tags name,
	// type, default and describe every option (see DecodeOptions).
	OptionSpec any
	// ExtraFields lists, per flow (mapping.FlowOrders …), the custom field
	// names the system writes from extra.* mapping rules; a flow missing here
	// takes none.
	ExtraFields map[string][]string
	// Webhooks, when set, is how the system pushes changes (a source);
	// nil: it has none Koppel can use, and polling is all.
	Webhooks *WebhookSupport
	New      func(Settings) (any, error)

	// Capabilities is filled by Register: the interfaces Client implements,
	// then DeclaredCapabilities.
	Capabilities []Capability
	// Options is filled by Register from OptionSpec: each option's name with
	// its description.
	Options map[string]string
}

// Has reports whether the system offers a capability.
func (r Registration) Has(c Capability) bool {
	return slices.Contains(r.Capabilities, c)
}

// WritesKind reports whether the system, as an order target, writes orders
// of kind k.
func (r Registration) WritesKind(k OrderKind) bool {
	return slices.Contains(r.OrderKinds, k)
}

// CheckOptions checks an integration file's options for the system the way
// its connector will read them, each problem named options.<name>.
func (r Registration) CheckOptions(raw map[string]string) []Problem {
	if r.OptionSpec == nil {
		return DecodeOptions(r.Name, &struct{}{}, raw)
	}
	t := reflect.TypeOf(r.OptionSpec)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return DecodeOptions(r.Name, reflect.New(t).Interface(), raw)
}

// OptionNames lists the option names the system takes, sorted.
func (r Registration) OptionNames() []string {
	return sortedKeys(r.Options)
}

// DescribeOptions lists the system's options in declaration order.
func (r Registration) DescribeOptions() []OptionInfo {
	return DescribeOptions(r.OptionSpec)
}

// capabilityInterfaces tells, one line per capability, which interface a
// client implements to have it. A new source or target kind is one line here.
var capabilityInterfaces = []struct {
	capability    Capability
	implementedBy func(client any) bool
}{
	{CapOrderSource, implements[OrderSource]},
	{CapOrderTarget, implements[OrderTarget]},
	{CapCustomerTarget, implements[CustomerTarget]},
	{CapCustomerDetails, implements[CustomerDetailsTarget]},
	{CapProductLookup, implements[ProductLookup]},
	{CapProductSource, implements[ProductSource]},
	{CapProductTarget, implements[ProductTarget]},
	{CapStockSource, implements[StockSource]},
	{CapStockTarget, implements[StockTarget]},
	{CapCustomerSource, implements[CustomerSource]},
}

func implements[I any](client any) bool {
	_, ok := client.(I)
	return ok
}

// declarableCapabilities are the capabilities a registration declares by
// hand, because no method shows them, each with the capability it refines.
var declarableCapabilities = map[Capability]Capability{
	CapProductImages: CapProductTarget,
}

// FlowRoles says, per flow, what a system must offer to be its source or its
// target (the order flow's target also keeps customers and resolves SKUs).
var FlowRoles = []struct {
	Flow   string
	Source []Capability
	Target []Capability
}{
	{"orders", []Capability{CapOrderSource}, []Capability{CapOrderTarget, CapCustomerTarget, CapProductLookup}},
	{"products", []Capability{CapProductSource}, []Capability{CapProductTarget}},
	{"stock", []Capability{CapStockSource}, []Capability{CapStockTarget}},
	{"customers", []Capability{CapCustomerSource}, []Capability{CapCustomerDetails}},
}

// HasAll reports whether the system offers every capability of caps.
func (r Registration) HasAll(caps []Capability) bool {
	for _, c := range caps {
		if !r.Has(c) {
			return false
		}
	}
	return true
}

// complete fills the derived fields and checks the declaration; a mistake is
// a programming error and panics at init, before any flow runs.
func (r Registration) complete() Registration {
	fail := func(format string, args ...any) {
		panic(fmt.Sprintf("connectors: registration of %s: ", r.Name) + fmt.Sprintf(format, args...))
	}
	if r.Client == nil {
		fail("Client must be a nil pointer of the client type, like (*Client)(nil)")
	}
	if r.Capabilities != nil || r.Options != nil {
		fail("Capabilities and Options are derived from Client and OptionSpec; leave them empty")
	}
	for _, ci := range capabilityInterfaces {
		if ci.implementedBy(r.Client) {
			r.Capabilities = append(r.Capabilities, ci.capability)
		}
	}
	for _, c := range r.DeclaredCapabilities {
		base, ok := declarableCapabilities[c]
		switch {
		case !ok:
			fail("%q cannot be declared; it comes from the interfaces the client implements", c)
		case !r.Has(base):
			fail("%q needs %q", c, base)
		case r.Has(c):
			fail("%q declared twice", c)
		}
		r.Capabilities = append(r.Capabilities, c)
	}
	if r.Has(CapOrderTarget) != (len(r.OrderKinds) > 0) {
		fail("OrderKinds must be given exactly when the client is an order target")
	}
	if r.LinesNeedProducts && !r.Has(CapOrderTarget) {
		fail("LinesNeedProducts is set but the client is no order target")
	}
	for _, k := range r.OrderKinds {
		if !slices.Contains(OrderKinds(), k) {
			fail("order kind %q is not one of %v", k, OrderKinds())
		}
	}
	if w := r.Webhooks; w != nil {
		switch {
		case w.Reader == nil || len(w.Events) == 0:
			fail("Webhooks needs a Reader and the Events to subscribe")
		case w.Signature.Check() != nil:
			fail("Webhooks.Signature %v", w.Signature.Check())
		case !implements[WebhookRegistrar](r.Client) && w.Setup == "":
			fail("Webhooks.Setup must say what to configure at the vendor: the client cannot register webhooks")
		}
	}
	r.Options = map[string]string{}
	for _, o := range DescribeOptions(r.OptionSpec) { // also parses the tags, so a bad one panics here
		r.Options[o.Name] = o.Description
	}
	return r
}

var (
	regMu    sync.RWMutex
	registry = map[string]Registration{}
)

// Register adds a system; each connector package calls it from init.
func Register(r Registration) {
	r = r.complete()
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := registry[r.Name]; dup {
		panic("connectors: system registered twice: " + r.Name)
	}
	registry[r.Name] = r
}

// Lookup returns the registration of a system.
func Lookup(name string) (Registration, bool) {
	regMu.RLock()
	defer regMu.RUnlock()
	r, ok := registry[name]
	return r, ok
}

// Systems lists the registered system names, sorted.
func Systems() []string {
	regMu.RLock()
	defer regMu.RUnlock()
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Build creates a client for a registered system.
func Build(system string, s Settings) (any, error) {
	r, ok := Lookup(system)
	if !ok {
		return nil, fmt.Errorf("unknown system %q (known: %v)", system, Systems())
	}
	return r.New(s)
}
