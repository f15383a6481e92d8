package ecwid

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/mapping"
	"github.com/koppel/koppel/model"
)

// Options are the options the connector takes in the integration file. The
// tags are the one place their names, defaults and descriptions live
// (connectors.DecodeOptions); docs/ecwid.md explains them for operators.
// A Go caller may leave any field zero for its default (Config.Options).
type Options struct {
	PageSize int           `yaml:"pageSize" default:"100" min:"1" desc:"limit of every listing; the API takes at most 100"`
	CacheTTL time.Duration `yaml:"cacheTTL" default:"10m" min:"1s" desc:"how long the store profile, the category tree and SKU lookups are reused"`
	Currency string        `yaml:"currency" desc:"the store's currency (ISO 4217); empty: formatsAndUnits.currency of the store profile (scope read_store_profile)"`
	// PricesIncludeTax is text, so that empty can mean "ask the store".
	PricesIncludeTax string `yaml:"pricesIncludeTax" enum:"true,false" desc:"whether the store's product prices include tax (gross); empty: taxSettings.pricesIncludeTax of the store profile. Orders carry their own flag"`

	// Orders written to Ecwid (orderwrite.go).
	PaymentStatuses     map[string]string `yaml:"paymentStatuses" default:"paid=PAID, unpaid=AWAITING_PAYMENT, cancelled=CANCELLED, refunded=REFUNDED" desc:"the paymentStatus a written order gets: by the source order's canonical status when listed, else by paid/unpaid"`
	FulfillmentStatuses map[string]string `yaml:"fulfillmentStatuses" default:"checkout=AWAITING_PROCESSING, pending=AWAITING_PROCESSING, processing=PROCESSING, shipped=SHIPPED, completed=DELIVERED, cancelled=WILL_NOT_DELIVER, refunded=RETURNED" desc:"the fulfillmentStatus a written order gets, by the source order's canonical status"`
	LookupWindow        time.Duration     `yaml:"lookupWindow" default:"24h" min:"1m" desc:"how far back (by last update) the orders are scanned for an order's key when the keyword search finds none on a retry after a write whose answer was lost (a search index that lags); shorter for a busy store"`
	EcwidFulfillment    bool              `yaml:"ecwidFulfillment" desc:"written orders are fulfilled in Ecwid: they are written without externalFulfillment, and so without externalOrderId (which needs it); the key is then in privateAdminNotes only. false: externalFulfillment true and the key as externalOrderId too"`
	NotifyCustomers     bool              `yaml:"notifyCustomers" desc:"let Ecwid e-mail the customer about written orders (disableAllCustomerNotifications false)"`
	DefaultEmail        string            `yaml:"defaultEmail" desc:"the e-mail address of written orders whose customer has none (Ecwid requires one); empty: such an order fails"`

	// The order feed (orders.go).
	FeedDelay time.Duration `yaml:"feedDelay" default:"0s" min:"0s" desc:"how far behind now each poll of the order, product and customer feeds stops, for a search index that shows changes late"`
}

// Ecwid's payment and fulfillment statuses (§3.5).
var (
	PaymentStatusNames = []string{"AWAITING_PAYMENT", "PAID", "CANCELLED", "REFUNDED", "PARTIALLY_REFUNDED", "INCOMPLETE",
		"CUSTOM_PAYMENT_STATUS_1", "CUSTOM_PAYMENT_STATUS_2", "CUSTOM_PAYMENT_STATUS_3"}
	FulfillmentStatusNames = []string{"AWAITING_PROCESSING", "PROCESSING", "SHIPPED", "DELIVERED", "WILL_NOT_DELIVER", "RETURNED",
		"READY_FOR_PICKUP", "OUT_FOR_DELIVERY", "CUSTOM_FULFILLMENT_STATUS_1", "CUSTOM_FULFILLMENT_STATUS_2", "CUSTOM_FULFILLMENT_STATUS_3"}
)

// Keys of options.paymentStatuses beside the canonical statuses.
const (
	PaymentKeyPaid   = "paid"
	PaymentKeyUnpaid = "unpaid"
)

// DefaultOptions are the options of an integration file that sets none.
func DefaultOptions() Options {
	var o Options
	if problems := connectors.DecodeOptions(System, &o, nil); len(problems) > 0 {
		panic("ecwid: the option defaults do not decode: " + connectors.JoinProblems(problems))
	}
	return o
}

// withDefaults fills every zero field with its default, so a Go caller's
// Options{Currency: "EUR"} gets the rest as an integration file would
// (every boolean option defaults to false, so zero is its default too).
func (o Options) withDefaults() Options {
	def := reflect.ValueOf(DefaultOptions())
	v := reflect.ValueOf(&o).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.IsZero() {
			f.Set(def.Field(i))
		}
	}
	o.Currency = strings.ToUpper(strings.TrimSpace(o.Currency))
	o.PaymentStatuses = upperValues(o.PaymentStatuses)
	o.FulfillmentStatuses = upperValues(o.FulfillmentStatuses)
	return o
}

// upperValues copies a status map with lower-case keys and upper-case values.
func upperValues(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(strings.TrimSpace(k))] = strings.ToUpper(strings.TrimSpace(v))
	}
	return out
}

// check finds what the tags cannot: status names Ecwid does not know, keys
// that are no canonical status, a currency that is no ISO code.
func (o Options) check() []connectors.Problem {
	var problems []connectors.Problem
	add := func(name, format string, args ...any) {
		problems = append(problems, connectors.Problem{Path: "options." + name, Message: fmt.Sprintf(format, args...)})
	}
	canonical := func(k string) bool { return slices.Contains(model.OrderStatuses, model.OrderStatus(k)) }
	for _, k := range sortedKeys(o.PaymentStatuses) {
		if k != PaymentKeyPaid && k != PaymentKeyUnpaid && !canonical(k) {
			add("paymentStatuses", "%q is neither paid, unpaid nor a canonical status (%s)", k, statusList())
		}
		if v := o.PaymentStatuses[k]; !slices.Contains(PaymentStatusNames, v) {
			add("paymentStatuses", "%s=%s: %q is not one of %s", k, v, v, strings.Join(PaymentStatusNames, ", "))
		}
	}
	for _, k := range []string{PaymentKeyPaid, PaymentKeyUnpaid} {
		if _, ok := o.PaymentStatuses[k]; !ok {
			add("paymentStatuses", "names no status for %s orders", k)
		}
	}
	for _, k := range sortedKeys(o.FulfillmentStatuses) {
		if !canonical(k) {
			add("fulfillmentStatuses", "%q is not a canonical status (%s)", k, statusList())
		}
		if v := o.FulfillmentStatuses[k]; !slices.Contains(FulfillmentStatusNames, v) {
			add("fulfillmentStatuses", "%s=%s: %q is not one of %s", k, v, v, strings.Join(FulfillmentStatusNames, ", "))
		}
	}
	if o.Currency != "" && len(o.Currency) != 3 {
		add("currency", "%q is not an ISO 4217 code like EUR", o.Currency)
	}
	if o.PageSize > MaxPageSize {
		add("pageSize", "%d is more than the API's %d", o.PageSize, MaxPageSize)
	}
	return problems
}

func statusList() string {
	s := make([]string, len(model.OrderStatuses))
	for i, st := range model.OrderStatuses {
		s[i] = string(st)
	}
	return strings.Join(s, ", ")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ExtraFields: orders take any name, each written as an order extra field
// (orderExtraFields: id and title the name, shown with the order comments).
var ExtraFields = map[string][]string{
	mapping.FlowOrders: {"*"},
}

// ProductFields are the product fields Ecwid keeps: no short description,
// no VAT rate (Ecwid taxes by its own tax settings, not a rate on the
// product) and no photos (not written by this connector).
var ProductFields = []string{"name", "description", "ean", "price", "active", "manageStock", "categories", "attributes"}

// Registration is the connector's entry for the registry (register.go
// registers it; connectors/builtin adds the package).
var Registration = connectors.Registration{
	Name:        System,
	Credentials: []string{CredStoreID, CredToken},
	Client:      (*Client)(nil),
	OrderKinds:  []connectors.OrderKind{connectors.KindOrder},
	// A line whose SKU the store lacks is written as a custom item.
	LinesNeedProducts: false,
	StatusNames:       StatusNames(),
	MaxPageSize:       MaxPageSize,
	ProductFields:     ProductFields,
	ExtraFields:       ExtraFields,
	Limits: []connectors.RateLimitInfo{{Scope: "requests per access token", Requests: DefaultRequestsPerMinute, Per: time.Minute, Reads: true,
		Note: "429 with Retry-After beyond it; a token that keeps failing is blocked after 20 requests a minute"}},
	OptionSpec: Options{},
	Webhooks:   Webhooks,
	New: func(s connectors.Settings) (any, error) {
		cfg, err := ConfigFromSettings(s)
		if err != nil {
			return nil, err
		}
		return New(cfg)
	},
}

// ConfigFromSettings builds the client's Config from an integration's
// settings. Ecwid counts all calls of a token together:
// rateLimit.totalPerMinute caps them (0: the published 600, negative: no
// pacing); reads and writes are not counted apart.
func ConfigFromSettings(s connectors.Settings) (Config, error) {
	var o Options
	problems := connectors.DecodeOptions(System, &o, s.Options)
	problems = append(problems, connectors.TotalOnlyRateLimit(System, "token", s)...)
	if len(problems) > 0 {
		return Config{}, configError(problems)
	}
	return Config{
		BaseURL: s.BaseURL, StoreID: s.Credentials[CredStoreID], Token: s.Credentials[CredToken],
		RequestsPerMinute: s.TotalPerMinute, Timeout: s.Timeout, Observe: s.Observe,
		Options: o,
	}, nil
}
