// Package connectors defines what every outside system offers the flows: the
// capability interfaces, the typed errors their clients return, and the
// registry that builds clients from an integration's settings. Connectors never
// import Temporal; activities translate their errors.
package connectors

import (
	"context"
	"time"

	"github.com/koppel/koppel/model"
)

// CallObserver is told about every call a client makes to its system (op is
// the operation, status the HTTP status or 0, err nil on success). Metrics,
// benchmarks and tests count outside-API calls through it.
//
// A client that had to wait for its own rate limiter reports the wait as a
// call with op OpLimiterWait (status 0, took = the wait).
type CallObserver func(system, op string, status int, took time.Duration, err error)

// OpLimiterWait is the op under which clients report rate-limiter waits.
const OpLimiterWait = "rate-limiter wait"

// OrderQuery selects orders from a source by creation time, for a backfill
// over an explicit window: From inclusive, To exclusive; a zero bound is open.
type OrderQuery struct {
	CreatedFrom time.Time
	CreatedTo   time.Time
	// PageToken continues a listing; empty starts at the first page.
	PageToken string
	// PageSize is a hint; the connector clamps it to what the API allows.
	PageSize int
	// OnlyPaid and Status narrow the listing where the source can filter on
	// its side (Status "" is any). They are hints: the caller still checks
	// every order's eligibility.
	OnlyPaid bool
	Status   model.OrderStatus
}

// OrderSummary is what a listing returns per order: enough to decide whether
// the order is eligible and to fetch it later, and no personal data.
type OrderSummary struct {
	ID        string            `json:"id"`
	Number    string            `json:"number"`
	CreatedAt time.Time         `json:"createdAt"`
	Status    model.OrderStatus `json:"status"`
	Paid      bool              `json:"paid"`
	// Unreadable says why the connector could not read this record (naming
	// the field); the rest may be empty. The flow reports it as a failed
	// order and goes on with the others.
	Unreadable string `json:"unreadable,omitempty"`
}

// OrderPage is one page of a listing.
type OrderPage struct {
	Orders []OrderSummary
	// NextPageToken is empty on the last page.
	NextPageToken string
}

// OrderFeedQuery asks a source's change feed for its next page.
type OrderFeedQuery struct {
	// Cursor is what the previous page returned; empty starts the feed at Since.
	Cursor string
	// Since is where a new feed starts (orders created or changed at or
	// after it); zero means the beginning.
	Since time.Time
	// PageSize is a hint; the connector clamps it to what the API allows.
	PageSize int
}

// OrderFeedPage is one page of a change feed: orders that are new or changed,
// and orders the source lists again (a look-back), which the caller
// recognises by id.
type OrderFeedPage struct {
	Orders []OrderSummary
	// Cursor continues the feed after this page. It is opaque: the caller
	// stores it only once the page's orders are handled.
	Cursor string
	// More is true when the feed has more pages now; false when it is caught
	// up (the next poll continues from Cursor).
	More bool
}

// OrderSource is a system orders come from. Discovery is the connector's: it
// hands out a change feed with an opaque cursor ("modified since" where the
// API has it, creation time with a look-back where it has not), and the
// flow never reasons about creation windows.
type OrderSource interface {
	// OrderFeed returns the next page of new or changed orders.
	OrderFeed(ctx context.Context, q OrderFeedQuery) (OrderFeedPage, error)
	// ListOrders lists orders created in an explicit window (backfills).
	ListOrders(ctx context.Context, q OrderQuery) (OrderPage, error)
	// GetOrderSummary tells one order's status and payment, as cheaply as
	// the API allows, for rechecking orders that wait; an order the source
	// cannot read comes back with Unreadable set and no error.
	GetOrderSummary(ctx context.Context, id string) (OrderSummary, error)
	// GetOrder returns the whole order with lines and customer.
	GetOrder(ctx context.Context, id string) (model.Order, error)
}

// RawOrderSource is an OrderSource that also hands over its native records
// (the order and its lines, in the order of Order.Lines), for mapping rules
// that read raw.* and rawLine.*.
type RawOrderSource interface {
	GetOrderRaw(ctx context.Context, id string) (o model.Order, raw map[string]any, rawLines []map[string]any, err error)
}

// OrderKind is what an order is written as in the target.
type OrderKind string

const (
	KindOrder   OrderKind = "order"
	KindInvoice OrderKind = "invoice"
)

// CurrencyTarget is a target that books in one currency; an order in
// another fails before anything is written.
type CurrencyTarget interface {
	Currency() string
}

// TotalBooker is a target that tells what a draft would add up to once
// written, incl. VAT and after its own rounding and the lines it adds or
// leaves out (shipping, costs). The order flow compares it with the
// source's total before writing; a target without it is compared on the
// draft's own lines, shipping and adjustments.
type TotalBooker interface {
	BookedTotal(ctx context.Context, d OrderDraft) (model.Money, error)
}

// TargetOrder is a reference to an order (or invoice) written in a target.
type TargetOrder struct {
	ID     string    `json:"id"`
	Number string    `json:"number,omitempty"`
	Kind   OrderKind `json:"kind"`
}

// OrderDraft is an enriched order ready to be written: the canonical order plus
// what the target needs and what earlier steps resolved.
type OrderDraft struct {
	Order model.Order `json:"order"`
	// ExternalID is the natural key of the order in the target (MplusKASSA
	// extOrderId, the reference field elsewhere); lookups and dedupe use it.
	ExternalID string    `json:"externalId"`
	Kind       OrderKind `json:"kind"`
	// CustomerID is the target's id of the debtor the order is written for.
	CustomerID string `json:"customerId,omitempty"`
	// ProductIDs maps each line's SKU to the target's product id.
	ProductIDs map[string]string `json:"productIds,omitempty"`
	// Accounting holds the VAT code and revenue account every line is booked
	// with (chosen per country); empty fields leave the target's own choice.
	Accounting LineAccounting `json:"accounting,omitempty"`
	// PaymentMethod and ShippingMethod are the target's codes, mapped from the
	// source's; PaymentTermDays is the payment term of an invoice (0: none).
	PaymentMethod   string `json:"paymentMethod,omitempty"`
	ShippingMethod  string `json:"shippingMethod,omitempty"`
	PaymentTermDays int    `json:"paymentTermDays,omitempty"`
	// Extra are custom fields from the mapping rules, by the target's field
	// names (Registration.ExtraFields lists the names a target takes).
	Extra map[string]string `json:"extra,omitempty"`
}

// LineAccounting is how the lines of one order are booked. VATCodes maps a VAT
// rate (as model.VATRate.String() renders it, "21%") to the target's VAT
// code; VATCode is used for a rate the table does not name.
type LineAccounting struct {
	VATCodes       map[string]string `json:"vatCodes,omitempty"`
	VATCode        string            `json:"vatCode,omitempty"`
	RevenueAccount string            `json:"revenueAccount,omitempty"`
}

// CodeFor returns the VAT code for a rate, or "" when none is configured.
func (a LineAccounting) CodeFor(rate model.VATRate) string {
	if c, ok := a.VATCodes[rate.String()]; ok {
		return c
	}
	return a.VATCode
}

// OrderTarget is a system orders are written to.
type OrderTarget interface {
	// FindOrder looks an order up by its natural key; found is false when none exists.
	FindOrder(ctx context.Context, externalID string, kind OrderKind) (ref TargetOrder, found bool, err error)
	// CreateOrder writes the draft. When the target already holds an order with
	// the draft's ExternalID it returns an error of KindConflict.
	CreateOrder(ctx context.Context, d OrderDraft) (TargetOrder, error)
}

// CustomerMatch says how a target customer is found.
type CustomerMatch struct {
	// Field is "email" or "externalId".
	Field string
	Value string
}

// CustomerRecord is a customer as the target holds it.
type CustomerRecord struct {
	ID       string         `json:"id"`
	Customer model.Customer `json:"customer"`
}

// CustomerTarget is a system that keeps debtors/relations.
type CustomerTarget interface {
	// FindCustomer returns nil and no error when there is no match.
	FindCustomer(ctx context.Context, m CustomerMatch) (*CustomerRecord, error)
	CreateCustomer(ctx context.Context, c model.Customer) (string, error)
	UpdateCustomer(ctx context.Context, id string, c model.Customer) error
}

// CustomerDetails are what the customers flow writes beside the canonical
// customer: the booking settings of the customer's country and custom fields.
type CustomerDetails struct {
	RevenueAccount string `json:"revenueAccount,omitempty"`
	VATCode        string `json:"vatCode,omitempty"`
	// PaymentTermDays is the customer's payment term (0: leave it).
	PaymentTermDays int `json:"paymentTermDays,omitempty"`
	// Extra are custom fields by the target's field names.
	Extra map[string]string `json:"extra,omitempty"`
}

// CustomerDetailsTarget is a CustomerTarget that also keeps CustomerDetails.
// The customers flow needs it; the order flow uses CustomerTarget only.
type CustomerDetailsTarget interface {
	CustomerTarget
	// Details returns what the target holds for customer id, to tell whether
	// an update is needed.
	CustomerDetails(ctx context.Context, id string) (CustomerDetails, error)
	CreateCustomerWithDetails(ctx context.Context, c model.Customer, d CustomerDetails) (string, error)
	UpdateCustomerWithDetails(ctx context.Context, id string, c model.Customer, d CustomerDetails) error
}

// ProductLookup resolves SKUs to the target's product ids.
type ProductLookup interface {
	// LookupProducts returns the target id of every SKU it knows; a SKU missing
	// from the map does not exist in the target.
	LookupProducts(ctx context.Context, skus []string) (map[string]string, error)
}
