package ecwid

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// The order target (POST /orders, scope create_orders). Ecwid has no
// idempotency key, and whether it keeps externalOrderId unique is not
// known (§3.8 [A]), so the client never relies on it. The order's key
// (OrderDraft.ExternalID) is written twice: as externalOrderId (with
// externalFulfillment: true, which the field requires; options.
// ecwidFulfillment turns both off) and as a line "Koppel key: <key>" in
// privateAdminNotes, which the order search's keywords cover (§3.3; the
// search has no externalOrderId filter). FindOrder searches the keywords
// for the key and checks every hit exactly. When that finds nothing and
// the lookup may follow a write of ours whose answer was lost
// (connectors.MayFollowLostWrite: a retry), or the search answered more
// pages than a key can match, it also scans the orders changed within
// options.lookupWindow, which finds an order the search index has not
// caught up with yet. A first attempt costs one call, a retry two.
// CreateOrder looks the key up first: an
// order that holds it is KindConflict, so a create retried after a lost
// answer never writes twice. A 409 (EXTERNAL_ID_ALREADY_USED, should
// Ecwid enforce it) is KindConflict too.
//
// Lines: a SKU the store holds is written with its productId (and
// combinationId and selected options for a variation); one it does not
// hold is a custom item with sku, name and price only. Each line carries
// its tax (rate and amount, taxes[]), the unit price after the line's
// discount (productPrice keeps the price before it), and Ecwid keeps whole
// pieces only. Shipping is shippingOption (method and rate) with
// taxesOnShipping; order discounts are discount with one discountInfo
// each; order costs are customSurcharges. The order carries its own
// pricesIncludeTax, so amounts go as the source states them.
//
// Ecwid stores the totals a create sends (subtotal, tax, total) and does
// not compute them again. What it books (BookedTotal) is therefore what
// the body says, by its rule: tax per line, on the line's amount (gross:
// the tax inside it, amount × rate / (100 + rate); net: amount × rate /
// 100), rounded half away from zero to the cent; total = lines + shipping
// + costs − discounts, plus every tax when prices are net.

// NotesKeyPrefix starts the line of privateAdminNotes that holds an
// order's key.
const NotesKeyPrefix = "Koppel key: "

// keywordPages bounds the keyword search: a key matches few orders; a
// search that answers pages of them is fuzzy and the window scan decides.
const keywordPages = 5

// keyFields trims the listings FindOrder reads.
const keyFields = "total,count,offset,limit,items(id,vendorOrderNumber,externalOrderId,privateAdminNotes)"

var (
	_ connectors.OrderTarget    = (*Client)(nil)
	_ connectors.TotalBooker    = (*Client)(nil)
	_ connectors.CurrencyTarget = (*Client)(nil)
)

func checkKind(op string, kind connectors.OrderKind) error {
	if kind != "" && kind != connectors.KindOrder {
		return misconfigured(op, "Ecwid writes orders only, not %q", kind)
	}
	return nil
}

// FindOrder looks an order up by its key; found is false when none holds it.
func (c *Client) FindOrder(ctx context.Context, externalID string, kind connectors.OrderKind) (connectors.TargetOrder, bool, error) {
	if err := checkKind(OpListOrders, kind); err != nil {
		return connectors.TargetOrder{}, false, err
	}
	key := strings.TrimSpace(externalID)
	if key == "" {
		return connectors.TargetOrder{}, false, invalid(OpListOrders, "the order's external id is empty")
	}
	o, found, err := c.orderByKey(ctx, key)
	if err != nil || !found {
		return connectors.TargetOrder{}, false, err
	}
	return connectors.TargetOrder{ID: string(o.ID), Number: number(o), Kind: connectors.KindOrder}, true, nil
}

// orderByKey searches the keywords for the key, then, where needed, the
// window.
func (c *Client) orderByKey(ctx context.Context, key string) (Order, bool, error) {
	var hit *Order
	pages := 0
	scan := func(items []json.RawMessage) (bool, error) {
		pages++
		for _, raw := range items {
			var o Order
			if decodeJSON(raw, &o) != nil {
				continue // a record that cannot be read holds no key we could check
			}
			if holdsKey(o, key) && (hit == nil || idLess(string(o.ID), string(hit.ID))) {
				hit = &o
			}
		}
		return hit != nil, nil
	}
	query := url.Values{"keywords": {key}, "responseFields": {keyFields}}
	err := c.eachPage(ctx, OpListOrders, query, func(items []json.RawMessage) (bool, error) {
		stop, err := scan(items)
		return stop || pages >= keywordPages, err
	})
	if err != nil || hit != nil {
		return orderOrZero(hit), hit != nil, err
	}
	if pages < keywordPages && !connectors.MayFollowLostWrite(ctx) {
		return Order{}, false, nil // the search answered in full, and nothing of ours is in flight
	}
	since := c.now().Add(-c.opt.LookupWindow).Unix()
	query = url.Values{"updatedFrom": {strconv.FormatInt(since, 10)}, "responseFields": {keyFields}}
	err = c.eachPage(ctx, OpListOrders, query, scan)
	return orderOrZero(hit), hit != nil && err == nil, err
}

func orderOrZero(o *Order) Order {
	if o == nil {
		return Order{}
	}
	return *o
}

// holdsKey reports whether an order was written for key.
func holdsKey(o Order, key string) bool {
	if strings.TrimSpace(o.ExternalOrderID) == key {
		return true
	}
	for _, line := range strings.Split(o.PrivateAdminNotes, "\n") {
		if strings.TrimSpace(line) == NotesKeyPrefix+key {
			return true
		}
	}
	return false
}

// CreateOrder writes the draft as an order (see the top of this file).
func (c *Client) CreateOrder(ctx context.Context, d connectors.OrderDraft) (connectors.TargetOrder, error) {
	if err := checkKind(OpCreateOrder, d.Kind); err != nil {
		return connectors.TargetOrder{}, err
	}
	key := strings.TrimSpace(d.ExternalID)
	if key == "" {
		return connectors.TargetOrder{}, invalid(OpCreateOrder, "order %s: the external id is empty", label(d.Order))
	}
	if err := c.checkCurrency(ctx, OpCreateOrder, d.Order); err != nil {
		return connectors.TargetOrder{}, err
	}
	if o, found, err := c.orderByKey(ctx, key); err != nil {
		return connectors.TargetOrder{}, err
	} else if found {
		return connectors.TargetOrder{}, conflict(OpCreateOrder, "an order with key %q exists already (%s)", key, o.ID)
	}
	body, err := c.orderBody(ctx, d)
	if err != nil {
		return connectors.TargetOrder{}, err
	}
	var res OrderCreated
	if err := c.do(ctx, request{op: OpCreateOrder, path: opPath(OpCreateOrder), body: body, into: &res, personal: d.Order.Customer.PersonalTexts()}); err != nil {
		return connectors.TargetOrder{}, err
	}
	id := firstNonEmpty(res.OrderID, res.ID.String())
	if id == "" {
		return connectors.TargetOrder{}, unavailable(OpCreateOrder, 200, "the order was written, but the answer names no orderid; it is found by its key on the next attempt")
	}
	return connectors.TargetOrder{ID: id, Number: id, Kind: connectors.KindOrder}, nil
}

// Currency is the store's currency: options.currency, else the profile's.
// An answer the profile cannot give is "" (no check before the write);
// CreateOrder checks again with the profile it can read then.
func (c *Client) Currency() string {
	if c.opt.Currency != "" {
		return c.opt.Currency
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	p, err := c.readProfile(ctx)
	if err != nil {
		return ""
	}
	return p.currency
}

// checkCurrency refuses an order in another currency than the store's,
// before anything is written.
func (c *Client) checkCurrency(ctx context.Context, op string, o model.Order) error {
	cur, err := c.storeCurrency(ctx)
	if err != nil {
		return err
	}
	if o.Currency != "" && !strings.EqualFold(o.Currency, cur) {
		return invalid(op, "order %s is in %s; the Ecwid store keeps %s (options.currency or the store profile)", label(o), o.Currency, cur)
	}
	return nil
}

// BookedTotal is what Ecwid books for the draft: the total the body says,
// by the rule at the top of this file.
func (c *Client) BookedTotal(ctx context.Context, d connectors.OrderDraft) (model.Money, error) {
	p, err := planMoney(d.Order, OpCreateOrder)
	if err != nil {
		return model.Money{}, err
	}
	return model.NewMoney(p.total, d.Order.Currency), nil
}

// moneyPlan is an order's money as the body writes it, in cents.
type moneyPlan struct {
	lines     []linePlan
	shipping  chargePlan
	discounts []chargePlan // amounts positive
	costs     []chargePlan
	subtotal  int64
	tax       int64
	total     int64
	gross     bool
}

type linePlan struct {
	quantity json.Number
	price    int64 // one unit after its discount
	before   int64 // one unit before it
	amount   int64 // price × quantity
	tax      int64
	rate     model.VATRate
}

type chargePlan struct {
	amount      int64
	tax         int64
	rate        model.VATRate
	description string
}

// taxOf is the tax on an amount: inside it (gross) or on top (net),
// rounded half away from zero.
func taxOf(amount int64, r model.VATRate, gross bool) int64 {
	if gross {
		return divRound(amount*int64(r), 10000+int64(r))
	}
	return divRound(amount*int64(r), 10000)
}

// planMoney computes the body's amounts from the order.
func planMoney(o model.Order, op string) (moneyPlan, error) {
	p := moneyPlan{gross: o.PricesIncludeVAT}
	if len(o.Lines) == 0 {
		return p, invalid(op, "order %s has no lines", label(o))
	}
	for i, l := range o.Lines {
		q, ok := pieces(l.Quantity)
		if !ok || l.Quantity <= 0 {
			return p, invalid(op, "order %s, line %d (%s): quantity %s is not a whole positive number; Ecwid keeps whole pieces", label(o), i+1, l.SKU, l.Quantity)
		}
		unit := l.NetUnitPrice().Amount
		lp := linePlan{quantity: q, price: unit, before: l.UnitPrice.Amount, amount: l.LineTotal().Amount, rate: l.VAT}
		lp.tax = taxOf(lp.amount, l.VAT, p.gross)
		p.lines = append(p.lines, lp)
		p.subtotal += lp.amount
		p.tax += lp.tax
	}
	p.shipping = chargePlan{amount: o.ShippingCost.Amount, rate: o.ShippingVAT}
	p.shipping.tax = taxOf(p.shipping.amount, o.ShippingVAT, p.gross)
	p.tax += p.shipping.tax
	total := p.subtotal + p.shipping.amount
	for _, a := range o.Adjustments {
		if a.Amount.Amount == 0 {
			continue
		}
		ch := chargePlan{amount: abs(a.Amount.Amount), rate: a.VAT, description: strings.TrimSpace(a.Description)}
		ch.tax = taxOf(ch.amount, a.VAT, p.gross)
		if a.Amount.Amount < 0 {
			p.discounts = append(p.discounts, ch)
			p.tax -= ch.tax
			total -= ch.amount
		} else {
			p.costs = append(p.costs, ch)
			p.tax += ch.tax
			total += ch.amount
		}
	}
	if !p.gross {
		total += p.tax
	}
	p.total = total
	return p, nil
}

// orderBody builds POST /orders's body for a draft.
func (c *Client) orderBody(ctx context.Context, d connectors.OrderDraft) (NewOrder, error) {
	const op = OpCreateOrder
	o := d.Order
	p, err := planMoney(o, op)
	if err != nil {
		return NewOrder{}, err
	}
	key := strings.TrimSpace(d.ExternalID)
	email := o.Customer.Email
	if email == "" && d.CustomerID != "" {
		// An order booked on a debtor (the walk-in or default debtor)
		// carries the debtor's address.
		if email, err = c.customerEmail(ctx, d.CustomerID); err != nil {
			return NewOrder{}, err
		}
	}
	email = firstNonEmpty(email, c.opt.DefaultEmail)
	if email == "" {
		return NewOrder{}, invalid(op, "order %s: the customer has no e-mail address, which Ecwid requires; set options.defaultEmail for such orders", label(o))
	}
	body := NewOrder{
		Subtotal: amount(p.subtotal), Total: amount(p.total), Tax: amount(p.tax),
		Email:                           strings.ToLower(email),
		CustomerTaxID:                   strings.TrimSpace(o.Customer.VATNumber),
		PaymentMethod:                   firstNonEmpty(d.PaymentMethod, o.PaymentMethod),
		PaymentStatus:                   c.paymentStatusFor(o),
		FulfillmentStatus:               c.fulfillmentStatusFor(o),
		OrderComments:                   strings.TrimSpace(o.Note),
		PrivateAdminNotes:               NotesKeyPrefix + key,
		PricesIncludeTax:                p.gross,
		DisableAllCustomerNotifications: !c.opt.NotifyCustomers,
		ExternalFulfillment:             !c.opt.EcwidFulfillment,
	}
	if body.ExternalFulfillment {
		body.ExternalOrderID = key
	}
	if o.Customer.Kind == model.CustomerCompany {
		body.B2BB2C = "b2b"
	}
	if id, ok := numericID(d.CustomerID); ok {
		body.CustomerID = id
	}
	if !o.CreatedAt.IsZero() {
		body.CreateDate = o.CreatedAt.UTC().Format(DateLayout)
	}
	bill := o.Customer.Billing
	if bill.IsZero() {
		bill = o.Customer.Shipping
	}
	body.BillingPerson = personOf(bill, o.Customer)
	if !o.Customer.Shipping.IsZero() {
		body.ShippingPerson = personOf(o.Customer.Shipping, o.Customer)
	}

	where, err := c.resolveSKUs(ctx, o.SKUs())
	if err != nil {
		return NewOrder{}, err
	}
	for i, l := range o.Lines {
		lp := p.lines[i]
		it := OrderItem{SKU: strings.TrimSpace(l.SKU), Name: firstNonEmpty(l.Name, l.SKU), Quantity: lp.quantity,
			Price: amount(lp.price), Tax: amount(lp.tax), Taxes: taxes(lp.rate, lp.tax, p.gross)}
		if lp.before != lp.price {
			it.ProductPrice = amount(lp.before)
		}
		e, ok := where[it.SKU]
		if !ok {
			e, ok = parseRef(d.ProductIDs[l.SKU])
		}
		if ok {
			it.ProductID = json.Number(e.productID)
			if e.combinationID != "" {
				it.CombinationID = json.Number(e.combinationID)
			}
			for _, opt := range e.options {
				it.SelectedOptions = append(it.SelectedOptions, SelectedOption{Name: opt.Name, Type: "CHOICE", Value: opt.Value, ValuesArray: []string{opt.Value}})
			}
		}
		body.Items = append(body.Items, it)
	}
	method := firstNonEmpty(d.ShippingMethod, o.ShippingMethod)
	if p.shipping.amount != 0 || method != "" {
		net := p.shipping.amount
		if p.gross {
			net -= p.shipping.tax
		}
		body.ShippingOption = &ShippingOption{ShippingMethodName: method, ShippingRate: amount(p.shipping.amount),
			ShippingRateWithoutTax: amount(net), FulfillmentType: "SHIPPING"}
		body.TaxesOnShipping = taxes(p.shipping.rate, p.shipping.tax, p.gross)
	}
	var discount int64
	for _, dp := range p.discounts {
		discount += dp.amount
		body.DiscountInfo = append(body.DiscountInfo, DiscountInfo{Value: amount(dp.amount), Type: "ABS", Base: "SUBTOTAL",
			Description: firstNonEmpty(dp.description, DiscountDescription)})
	}
	if discount != 0 {
		body.Discount = amount(discount)
	}
	for i, cp := range p.costs {
		withTax, withoutTax := cp.amount, cp.amount
		if p.gross {
			withoutTax -= cp.tax
		} else {
			withTax += cp.tax
		}
		body.CustomSurcharges = append(body.CustomSurcharges, Surcharge{
			ID: fmt.Sprintf("koppel-%d", i+1), Value: amount(cp.amount), Type: "ABSOLUTE",
			Total: amount(withTax), TotalWithoutTax: amount(withoutTax),
			Description: firstNonEmpty(cp.description, SurchargeDescription), Taxable: cp.rate != 0,
			Taxes: taxes(cp.rate, cp.tax, p.gross),
		})
	}
	names := make([]string, 0, len(d.Extra))
	for name := range d.Extra {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		body.OrderExtraFields = append(body.OrderExtraFields, OrderExtraField{ID: name, Title: name,
			Value: strings.TrimSpace(d.Extra[name]), OrderDetailsDisplaySection: "order_comments"})
	}
	return body, nil
}

// taxes is the taxes[] of one charge: its rate and amount; none at 0 %.
func taxes(r model.VATRate, tax int64, gross bool) []Tax {
	if r == 0 && tax == 0 {
		return nil
	}
	return []Tax{{Name: "VAT " + r.String(), Value: percent(r), Total: amount(tax), IncludeInPrice: &gross}}
}

// paymentStatusFor is options.paymentStatuses for the order: by its
// canonical status when listed, else paid or unpaid.
func (c *Client) paymentStatusFor(o model.Order) string {
	if s, ok := c.opt.PaymentStatuses[string(o.Status)]; ok {
		return s
	}
	if o.Paid {
		return c.opt.PaymentStatuses[PaymentKeyPaid]
	}
	return c.opt.PaymentStatuses[PaymentKeyUnpaid]
}

// fulfillmentStatusFor is options.fulfillmentStatuses for the order's
// status; a status the map lacks is AWAITING_PROCESSING.
func (c *Client) fulfillmentStatusFor(o model.Order) string {
	if s, ok := c.opt.FulfillmentStatuses[string(o.Status)]; ok {
		return s
	}
	return "AWAITING_PROCESSING"
}

// personOf is an address as billingPerson or shippingPerson: the
// address's name (else the customer's), the company (a company
// customer's when the address names none), street lines joined by "\n".
func personOf(a model.Address, cu model.Customer) *Person {
	if a.IsZero() && cu.DisplayName() == "" {
		return nil
	}
	company := strings.TrimSpace(a.Company)
	if company == "" && cu.Kind == model.CustomerCompany {
		company = strings.TrimSpace(cu.CompanyName)
	}
	var lines []string
	for _, l := range []string{a.StreetLine(), a.Line2} {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return &Person{
		Name:                firstNonEmpty(a.Name, cu.Person.FullName(), company),
		CompanyName:         company,
		Street:              strings.Join(lines, "\n"),
		City:                strings.TrimSpace(a.City),
		CountryCode:         strings.ToUpper(strings.TrimSpace(a.CountryCode)),
		PostalCode:          strings.TrimSpace(a.PostalCode),
		StateOrProvinceCode: strings.TrimSpace(a.Region),
		Phone:               firstNonEmpty(a.Phone, cu.Phone, cu.Mobile),
	}
}

func label(o model.Order) string {
	if o.Number != "" {
		return o.Number
	}
	return o.ID
}
