package model

import (
	"strings"
	"time"
)

// OrderStatus is the canonical order status, a small system-neutral set that
// every source maps its own statuses onto (connectors/<system> holds its
// table). Payment is separate: Order.Paid.
type OrderStatus string

const (
	// StatusCheckout: the basket or checkout is not finished; never synced.
	StatusCheckout OrderStatus = "checkout"
	// StatusPending: placed, not yet handled (new, awaiting payment).
	StatusPending OrderStatus = "pending"
	// StatusProcessing: being handled (picked, packed, waiting for stock).
	StatusProcessing OrderStatus = "processing"
	// StatusShipped: handed to the carrier or ready to be collected.
	StatusShipped OrderStatus = "shipped"
	// StatusCompleted: delivered or closed.
	StatusCompleted OrderStatus = "completed"
	// StatusCancelled and StatusRefunded leave the normal flow.
	StatusCancelled OrderStatus = "cancelled"
	StatusRefunded  OrderStatus = "refunded"
)

// OrderStatuses lists every canonical status, the normal flow first in its
// order, for config validation and documentation.
var OrderStatuses = []OrderStatus{
	StatusCheckout, StatusPending, StatusProcessing, StatusShipped, StatusCompleted, StatusCancelled, StatusRefunded,
}

// Step is the status's place in the normal flow (checkout 0, pending 1 …
// completed 4), or -1 for a status off it (cancelled, refunded, unknown).
// "An order reached status X" means its Step is at least X's.
func (s OrderStatus) Step() int {
	switch s {
	case StatusCheckout:
		return 0
	case StatusPending:
		return 1
	case StatusProcessing:
		return 2
	case StatusShipped:
		return 3
	case StatusCompleted:
		return 4
	}
	return -1
}

// Reached reports whether an order in status s has reached status want in
// the normal flow; a cancelled or refunded order reaches nothing.
func (s OrderStatus) Reached(want OrderStatus) bool {
	return s.Step() >= 0 && want.Step() >= 0 && s.Step() >= want.Step()
}

// Closed reports whether the order left the normal flow for good.
func (s OrderStatus) Closed() bool { return s == StatusCancelled || s == StatusRefunded }

// Order is a sales order as every connector speaks it.
type Order struct {
	// ID is the order's id in the source system (the key its API uses).
	ID string `json:"id"`
	// Number is the human order number shown to the shop owner.
	Number    string      `json:"number"`
	CreatedAt time.Time   `json:"createdAt"`
	Status    OrderStatus `json:"status"`
	Paid      bool        `json:"paid"`
	Currency  string      `json:"currency"`
	// PricesIncludeVAT tells whether line and shipping prices include VAT.
	PricesIncludeVAT bool        `json:"pricesIncludeVat"`
	Customer         Customer    `json:"customer"`
	Lines            []OrderLine `json:"lines"`
	ShippingCost     Money       `json:"shippingCost"`
	ShippingVAT      VATRate     `json:"shippingVat"`
	ShippingMethod   string      `json:"shippingMethod,omitempty"`
	PaymentMethod    string      `json:"paymentMethod,omitempty"`
	// Adjustments are order-level discounts and costs beside shipping
	// (a coupon, payment costs, extra costs), each with its own VAT.
	Adjustments []Adjustment `json:"adjustments,omitempty"`
	// Total is the order total as the source computed it (incl. VAT).
	Total Money  `json:"total"`
	Note  string `json:"note,omitempty"`
}

// AdjustmentKind tells a discount from a cost.
type AdjustmentKind string

const (
	AdjustmentDiscount AdjustmentKind = "discount"
	AdjustmentCost     AdjustmentKind = "cost"
)

// Adjustment is an order-level amount that is not a product: Amount is signed
// (a discount is negative) and incl. or excl. VAT as the order's
// PricesIncludeVAT says.
type Adjustment struct {
	Kind        AdjustmentKind `json:"kind"`
	Description string         `json:"description,omitempty"`
	Amount      Money          `json:"amount"`
	VAT         VATRate        `json:"vat"`
}

// OrderLine is one row of an order.
type OrderLine struct {
	SKU      string   `json:"sku"`
	Name     string   `json:"name"`
	Quantity Quantity `json:"quantity"`
	// UnitPrice is the price of one unit before the line discount, incl. or
	// excl. VAT as the order's PricesIncludeVAT says.
	UnitPrice Money `json:"unitPrice"`
	// UnitDiscount is the discount on one unit; the sell price is UnitPrice-UnitDiscount.
	UnitDiscount Money   `json:"unitDiscount"`
	VAT          VATRate `json:"vat"`
	EAN          string  `json:"ean,omitempty"`
}

// NetUnitPrice is the price of one unit after the line discount.
func (l OrderLine) NetUnitPrice() Money { return l.UnitPrice.Sub(l.UnitDiscount) }

// LineTotal is NetUnitPrice times the quantity, rounded to the minor unit.
func (l OrderLine) LineTotal() Money { return l.NetUnitPrice().Mul(l.Quantity) }

// SKUs lists the distinct SKUs of the lines in order of appearance.
func (o Order) SKUs() []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range o.Lines {
		if !seen[l.SKU] {
			seen[l.SKU] = true
			out = append(out, l.SKU)
		}
	}
	return out
}

// Validate reports every problem of the order at once, by field path.
func (o Order) Validate() error {
	var p problems
	if strings.TrimSpace(o.ID) == "" {
		p.add("id", "is empty")
	}
	if len(o.Currency) != 3 {
		p.add("currency", "%q is not an ISO 4217 code", o.Currency)
	}
	if !o.Customer.IsWalkIn() { // a walk-in sale has no customer to check
		o.Customer.validate(&p, "customer")
	}
	if len(o.Lines) == 0 {
		p.add("lines", "an order needs at least one line")
	}
	for i, l := range o.Lines {
		path := "lines[" + itoa(i) + "]"
		if strings.TrimSpace(l.SKU) == "" {
			p.add(path+".sku", "is empty")
		}
		if l.Quantity == 0 {
			p.add(path+".quantity", "is zero")
		}
		if l.UnitPrice.Currency != "" && l.UnitPrice.Currency != o.Currency {
			p.add(path+".unitPrice.currency", "%q differs from the order currency %q", l.UnitPrice.Currency, o.Currency)
		}
		if l.VAT < 0 || l.VAT > 10000 {
			p.add(path+".vat", "%s is not a VAT percentage", l.VAT)
		}
	}
	record := "order"
	if o.Number != "" {
		record = "order " + o.Number
	} else if o.ID != "" {
		record = "order " + o.ID
	}
	return p.err(record)
}

func itoa(i int) string { return FormatMinor(int64(i), 0) }
