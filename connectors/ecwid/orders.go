package ecwid

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// The order source. Orders are read in the store's currency (an order
// carries none of its own) with their own pricesIncludeTax (the store's
// setting when an old order lacks it). Discovery is OrderFeed, a change
// feed on updatedFrom (paging.go); ListOrders lists a creation window for
// backfills.
//
// Statuses: paymentStatus and fulfillmentStatus together make the
// canonical status (orderStatus); Paid is PAID or PARTIALLY_REFUNDED. An
// unfinished order (hidden, or payment INCOMPLETE) is listed as a
// checkout, which the flow never syncs: it waits until the order is
// completed, which changes it and lists it again.
//
// Money: lines at their price (incl. or excl. tax as the order says) with
// the rate of their taxes, shipping with the rate of taxesOnShipping, the
// handling fee and custom surcharges as costs, a gift card as a discount,
// and the order's discount as discounts. The documentation contradicts
// itself on whether discount includes couponDiscount (§3.5), and an order
// keeps no VAT rate for its discount: the reading under which the parts
// add up to the order's total is taken (the discount with or without the
// coupon and the items' discounts; split over the lines' rates in
// proportion, or at one rate of the order), else discount alone split in
// proportion, and the flow's totals check names both amounts.

// Descriptions of the adjustments an order has no text for.
const (
	DiscountDescription    = "Discount"
	HandlingFeeDescription = "Handling fee"
	SurchargeDescription   = "Surcharge"
	GiftCardDescription    = "Gift card"
)

// summaryFields trims the listing to what a summary needs (responseFields).
const summaryFields = "total,count,offset,limit,items(id,vendorOrderNumber,createTimestamp,createDate,updateTimestamp,updateDate,paymentStatus,fulfillmentStatus,hidden)"

var (
	_ connectors.OrderSource    = (*Client)(nil)
	_ connectors.RawOrderSource = (*Client)(nil)
)

// orderStatus maps Ecwid's two statuses to the canonical one.
func orderStatus(payment, fulfillment string, hidden bool) (model.OrderStatus, error) {
	if hidden {
		return model.StatusCheckout, nil
	}
	switch payment {
	case "CANCELLED":
		return model.StatusCancelled, nil
	case "REFUNDED":
		return model.StatusRefunded, nil
	case "INCOMPLETE":
		return model.StatusCheckout, nil
	}
	if fulfillment == "" {
		return model.StatusPending, nil
	}
	if st, ok := fulfillmentCanonical[fulfillment]; ok {
		return st, nil
	}
	return "", fmt.Errorf("fulfillmentStatus: %q is not one of %s", fulfillment, strings.Join(FulfillmentStatusNames, ", "))
}

var fulfillmentCanonical = map[string]model.OrderStatus{
	"AWAITING_PROCESSING":         model.StatusPending,
	"PROCESSING":                  model.StatusProcessing,
	"SHIPPED":                     model.StatusShipped,
	"OUT_FOR_DELIVERY":            model.StatusShipped,
	"READY_FOR_PICKUP":            model.StatusShipped,
	"DELIVERED":                   model.StatusCompleted,
	"WILL_NOT_DELIVER":            model.StatusCancelled,
	"RETURNED":                    model.StatusRefunded,
	"CUSTOM_FULFILLMENT_STATUS_1": model.StatusProcessing,
	"CUSTOM_FULFILLMENT_STATUS_2": model.StatusProcessing,
	"CUSTOM_FULFILLMENT_STATUS_3": model.StatusProcessing,
}

// paidStatus reports whether a payment status means the order is paid.
func paidStatus(payment string) bool { return payment == "PAID" || payment == "PARTIALLY_REFUNDED" }

// StatusNames are Ecwid's status names with the canonical status each
// maps to, for an integration file's statuses.
func StatusNames() map[string]model.OrderStatus {
	out := map[string]model.OrderStatus{
		"AWAITING_PAYMENT": model.StatusPending,
		"CANCELLED":        model.StatusCancelled,
		"REFUNDED":         model.StatusRefunded,
		"INCOMPLETE":       model.StatusCheckout,
	}
	for name, st := range fulfillmentCanonical {
		out[name] = st
	}
	return out
}

// OrderFeed returns the next page of orders changed since the cursor
// (updatedFrom, paging.go).
func (c *Client) OrderFeed(ctx context.Context, q connectors.OrderFeedQuery) (connectors.OrderFeedPage, error) {
	pos, err := readPos(OpListOrders, q.Cursor)
	if err != nil {
		return connectors.OrderFeedPage{}, err
	}
	if q.Cursor == "" && !q.Since.IsZero() {
		pos.High = q.Since.Unix()
	}
	feed := changeFeed{op: OpListOrders, query: url.Values{"responseFields": {summaryFields}}, stamp: stampOf}
	items, next, more, err := c.changePage(ctx, feed, pos, q.PageSize)
	if err != nil {
		return connectors.OrderFeedPage{}, err
	}
	out := connectors.OrderFeedPage{Orders: []connectors.OrderSummary{}, Cursor: next.String(), More: more}
	for _, raw := range items {
		if s, ok := summaryOf(raw); ok {
			out.Orders = append(out.Orders, s)
		}
	}
	return out, nil
}

// ListOrders lists the orders created in [CreatedFrom, CreatedTo), one
// page per call (backfills). The API is asked for a window a second wider
// (whether its bounds are inclusive is not documented) and the client
// keeps exactly the window, so a page may hold fewer orders than asked.
// The page token is the next offset. OnlyPaid asks for PAID and
// PARTIALLY_REFUNDED orders only.
func (c *Client) ListOrders(ctx context.Context, q connectors.OrderQuery) (connectors.OrderPage, error) {
	offset, err := readOffset(OpListOrders, q.PageToken)
	if err != nil {
		return connectors.OrderPage{}, err
	}
	query := url.Values{"responseFields": {summaryFields}}
	if !q.CreatedFrom.IsZero() {
		query.Set("createdFrom", strconv.FormatInt(q.CreatedFrom.Unix()-1, 10))
	}
	if !q.CreatedTo.IsZero() {
		query.Set("createdTo", strconv.FormatInt(q.CreatedTo.Unix(), 10))
	}
	if q.OnlyPaid {
		query.Set("paymentStatus", "PAID,PARTIALLY_REFUNDED")
	}
	page, err := c.listPage(ctx, OpListOrders, query, offset, c.limitFor(q.PageSize))
	if err != nil {
		return connectors.OrderPage{}, err
	}
	out := connectors.OrderPage{Orders: []connectors.OrderSummary{}}
	for _, raw := range page.Items {
		s, ok := summaryOf(raw)
		if !ok {
			continue
		}
		if s.Unreadable == "" && (!q.CreatedFrom.IsZero() && s.CreatedAt.Before(q.CreatedFrom) || !q.CreatedTo.IsZero() && !s.CreatedAt.Before(q.CreatedTo)) {
			continue
		}
		out.Orders = append(out.Orders, s)
	}
	if next := offset + len(page.Items); len(page.Items) > 0 && next < page.Total {
		out.NextPageToken = pageToken(next)
	}
	return out, nil
}

// GetOrderSummary reads one order (one call) for its status and payment.
func (c *Client) GetOrderSummary(ctx context.Context, id string) (connectors.OrderSummary, error) {
	raw, err := c.orderJSON(ctx, id)
	if err != nil {
		return connectors.OrderSummary{}, err
	}
	s, ok := summaryOf(raw)
	if !ok {
		return connectors.OrderSummary{ID: id, Unreadable: "the answer holds no order id"}, nil
	}
	return s, nil
}

// GetOrder reads the whole order.
func (c *Client) GetOrder(ctx context.Context, id string) (model.Order, error) {
	o, _, err := c.readOrder(ctx, id)
	return o, err
}

// GetOrderRaw is GetOrder with the order and its items as the API sent
// them, items in the order of the lines.
func (c *Client) GetOrderRaw(ctx context.Context, id string) (model.Order, map[string]any, []map[string]any, error) {
	o, raw, err := c.readOrder(ctx, id)
	if err != nil {
		return model.Order{}, nil, nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return model.Order{}, nil, nil, invalid(OpGetOrder, "order %s cannot be read: %s", id, jsonProblem(err))
	}
	items, _ := m["items"].([]any)
	lines := make([]map[string]any, 0, len(items))
	for _, it := range items {
		if line, ok := it.(map[string]any); ok {
			lines = append(lines, line)
		}
	}
	return o, m, lines, nil
}

// orderJSON reads one order's JSON.
func (c *Client) orderJSON(ctx context.Context, id string) (json.RawMessage, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return nil, invalid(OpGetOrder, "the order id is empty")
	}
	var raw json.RawMessage
	if err := c.get(ctx, OpGetOrder, opPath(OpGetOrder, id), nil, &raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// readOrder reads and maps one order.
func (c *Client) readOrder(ctx context.Context, id string) (model.Order, json.RawMessage, error) {
	raw, err := c.orderJSON(ctx, id)
	if err != nil {
		return model.Order{}, nil, err
	}
	var o Order
	if err := decodeJSON(raw, &o); err != nil {
		return model.Order{}, nil, invalid(OpGetOrder, "order %s cannot be read: %s", id, jsonProblem(err))
	}
	currency, err := c.storeCurrency(ctx)
	if err != nil {
		return model.Order{}, nil, err
	}
	storeGross := false
	if o.PricesIncludeTax == nil { // an old order: the store's setting
		if _, storeGross, err = c.storeSettings(ctx); err != nil {
			return model.Order{}, nil, err
		}
	}
	out, err := toModel(o, currency, storeGross)
	if err != nil {
		return model.Order{}, nil, invalid(OpGetOrder, "order %s cannot be read: %v", id, err)
	}
	return out, raw, nil
}

// decodeJSON reads JSON keeping numbers as their text.
func decodeJSON(raw []byte, into any) error {
	d := json.NewDecoder(strings.NewReader(string(raw)))
	d.UseNumber()
	return d.Decode(into)
}

// summaryOf reads one listed order; one the client cannot read comes back
// with Unreadable set (naming the field), so one bad record never stops a
// listing. ok is false when not even its id can be read.
func summaryOf(raw json.RawMessage) (connectors.OrderSummary, bool) {
	var o Order
	if err := decodeJSON(raw, &o); err != nil {
		var ref struct {
			ID ID `json:"id"`
		}
		if json.Unmarshal(raw, &ref) != nil || ref.ID == "" {
			return connectors.OrderSummary{}, false
		}
		return connectors.OrderSummary{ID: string(ref.ID), Unreadable: "the order's JSON does not match the API's: " + jsonProblem(err)}, true
	}
	if o.ID == "" {
		return connectors.OrderSummary{}, false
	}
	s, err := summary(o)
	if err != nil {
		return connectors.OrderSummary{ID: string(o.ID), Number: number(o), Unreadable: err.Error()}, true
	}
	return s, true
}

func number(o Order) string {
	if n := strings.TrimSpace(o.VendorOrderNumber); n != "" {
		return n
	}
	return string(o.ID)
}

func summary(o Order) (connectors.OrderSummary, error) {
	created, _, err := unixTime(o.CreateTimestamp, "createTimestamp")
	if err == nil && created.IsZero() {
		if o.CreateDate == "" {
			return connectors.OrderSummary{}, fmt.Errorf("createTimestamp: missing")
		}
		created, err = parseDate(o.CreateDate, "createDate")
	}
	if err != nil {
		return connectors.OrderSummary{}, err
	}
	st, err := orderStatus(o.PaymentStatus, o.FulfillmentStatus, o.Hidden)
	if err != nil {
		return connectors.OrderSummary{}, err
	}
	return connectors.OrderSummary{ID: string(o.ID), Number: number(o), CreatedAt: created, Status: st, Paid: paidStatus(o.PaymentStatus)}, nil
}

// toModel maps an order to the canonical one, every problem collected so
// one error names them all.
func toModel(o Order, currency string, storeGross bool) (model.Order, error) {
	var problems []string
	fail := func(err error) {
		if err != nil {
			problems = append(problems, err.Error())
		}
	}
	money := func(n json.Number, field string) model.Money {
		v, err := minor(n, field)
		fail(err)
		return model.NewMoney(v, currency)
	}
	taxRate := func(taxes []Tax, field string) model.VATRate {
		var sum model.VATRate
		for i, t := range taxes {
			r, err := rate(t.Value, fmt.Sprintf("%s[%d].value", field, i))
			fail(err)
			sum += r
		}
		return sum
	}
	s, err := summary(o)
	fail(err)
	gross := storeGross
	if o.PricesIncludeTax != nil {
		gross = *o.PricesIncludeTax
	}
	out := model.Order{
		ID: s.ID, Number: s.Number, CreatedAt: s.CreatedAt, Status: s.Status, Paid: s.Paid, Currency: currency,
		PricesIncludeVAT: gross, PaymentMethod: strings.TrimSpace(o.PaymentMethod), Note: strings.TrimSpace(o.OrderComments),
		Total: money(o.Total, "total"), ShippingCost: model.NewMoney(0, currency),
	}
	var itemDiscounts int64
	for i, it := range o.Items {
		field := func(name string) string { return fmt.Sprintf("items[%d].%s", i, name) }
		q, err := quantity(it.Quantity, field("quantity"))
		fail(err)
		out.Lines = append(out.Lines, model.OrderLine{
			SKU: strings.TrimSpace(it.SKU), Name: it.Name, Quantity: q,
			UnitPrice: money(it.Price, field("price")), UnitDiscount: model.NewMoney(0, currency),
			VAT: taxRate(it.Taxes, field("taxes")),
		})
		for j, d := range it.Discounts {
			itemDiscounts += abs(money(d.Total, fmt.Sprintf("items[%d].discounts[%d].total", i, j)).Amount)
		}
		itemDiscounts += abs(money(it.CouponAmount, field("couponAmount")).Amount)
	}
	if so := o.ShippingOption; so != nil {
		rateField, n := "shippingOption.shippingRate", so.ShippingRate
		if !gross && so.ShippingRateWithoutTax != "" {
			rateField, n = "shippingOption.shippingRateWithoutTax", so.ShippingRateWithoutTax
		}
		out.ShippingCost = money(n, rateField)
		out.ShippingMethod = firstNonEmpty(so.ShippingMethodName, so.ShippingCarrierName)
	}
	out.ShippingVAT = taxRate(o.TaxesOnShipping, "taxesOnShipping")

	cost := func(amount int64, description string, vat model.VATRate) {
		if amount == 0 {
			return
		}
		kind := model.AdjustmentCost
		if amount < 0 {
			kind = model.AdjustmentDiscount
		}
		out.Adjustments = append(out.Adjustments, model.Adjustment{Kind: kind, Description: description, Amount: model.NewMoney(amount, currency), VAT: vat})
	}
	if h := o.HandlingFee; h != nil {
		cost(money(h.Value, "handlingFee.value").Amount, firstNonEmpty(h.Name, HandlingFeeDescription), taxRate(h.Taxes, "handlingFee.taxes"))
	}
	for i, sc := range o.CustomSurcharges {
		n, f := sc.Total, fmt.Sprintf("customSurcharges[%d].total", i)
		if !gross && sc.TotalWithoutTax != "" {
			n, f = sc.TotalWithoutTax, fmt.Sprintf("customSurcharges[%d].totalWithoutTax", i)
		}
		cost(money(n, f).Amount, firstNonEmpty(sc.Description, sc.ID, SurchargeDescription), taxRate(sc.Taxes, fmt.Sprintf("customSurcharges[%d].taxes", i)))
	}
	if g := abs(money(o.GiftCardRedemption, "giftCardRedemption").Amount); g != 0 {
		cost(-g, GiftCardDescription, 0)
	}
	out.Customer = customerFrom(o.Email, o.CustomerID, o.CustomerTaxID, o.BillingPerson, o.ShippingPerson)
	discount := abs(money(o.Discount, "discount").Amount)
	coupon := abs(money(o.CouponDiscount, "couponDiscount").Amount)
	if len(problems) > 0 {
		return model.Order{}, fmt.Errorf("%s", strings.Join(problems, "; "))
	}

	// The discount: the first reading under which the parts add up.
	base := out.Adjustments
	// the documented reading, which the totals check judges when none adds up
	out.Adjustments = append(append([]model.Adjustment(nil), base...), discountAdjustments(discount, out.Lines, currency)...)
	for _, d := range []int64{discount, discount + coupon, discount + itemDiscounts, discount + coupon + itemDiscounts} {
		if try, ok := addsUp(out, base, discountReadings(d, out, currency)); ok {
			return try, nil
		}
	}
	return out, nil
}

// discountReadings are the ways an order discount may carry VAT: split
// over the lines' rates in proportion (Ecwid's checkout taxes the
// discounted lines), or wholly at one rate of the order (an order written
// through the API with a discount at its own rate). In a gross order they
// all add up alike and the first wins; in a net order only the reading the
// order's tax was computed with adds up.
func discountReadings(d int64, o model.Order, currency string) [][]model.Adjustment {
	out := [][]model.Adjustment{discountAdjustments(d, o.Lines, currency)}
	if d == 0 {
		return out
	}
	var rates []model.VATRate
	for _, l := range o.Lines {
		if !slices.Contains(rates, l.VAT) {
			rates = append(rates, l.VAT)
		}
	}
	if !slices.Contains(rates, o.ShippingVAT) {
		rates = append(rates, o.ShippingVAT)
	}
	for _, r := range rates {
		out = append(out, []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: DiscountDescription, Amount: model.NewMoney(-d, currency), VAT: r}})
	}
	return out
}

// addsUp returns o with base and the first reading under which its parts
// add up to its total.
func addsUp(o model.Order, base []model.Adjustment, readings [][]model.Adjustment) (model.Order, bool) {
	for _, r := range readings {
		try := o
		try.Adjustments = append(append([]model.Adjustment(nil), base...), r...)
		if try.ComputedTotal() == o.Total {
			return try, true
		}
	}
	return o, false
}

// discountAdjustments splits an order discount over the VAT rates of the
// lines, in proportion to what the lines of each rate charge (the last
// rate takes the remainder, so the parts add up to the discount).
func discountAdjustments(discount int64, lines []model.OrderLine, currency string) []model.Adjustment {
	if discount == 0 {
		return nil
	}
	byRate := map[model.VATRate]int64{}
	var total int64
	for _, l := range lines {
		t := l.LineTotal().Amount
		if t > 0 {
			byRate[l.VAT] += t
			total += t
		}
	}
	if total == 0 {
		return []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: DiscountDescription, Amount: model.NewMoney(-discount, currency)}}
	}
	rates := make([]model.VATRate, 0, len(byRate))
	for r := range byRate {
		rates = append(rates, r)
	}
	sort.Slice(rates, func(i, j int) bool { return rates[i] < rates[j] })
	var out []model.Adjustment
	left := discount
	for i, r := range rates {
		part := left
		if i < len(rates)-1 {
			part = divRound(discount*byRate[r], total)
		}
		left -= part
		if part != 0 {
			out = append(out, model.Adjustment{Kind: model.AdjustmentDiscount, Description: DiscountDescription, Amount: model.NewMoney(-part, currency), VAT: r})
		}
	}
	return out
}

// customerFrom maps an order's or customer's people: a company name in the
// billing person makes a company with the person as its contact; the
// name's first word is the first name. A missing shipping person is the
// billing person.
func customerFrom(email string, id json.Number, taxID string, bill, ship *Person) model.Customer {
	if bill == nil {
		bill = ship
	}
	if bill == nil {
		bill = &Person{}
	}
	first, last := splitName(bill.Name)
	c := model.Customer{
		ID:          customerID(id),
		Kind:        model.KindFor(bill.CompanyName),
		Email:       strings.TrimSpace(email),
		Person:      model.Person{FirstName: first, LastName: last},
		CompanyName: strings.TrimSpace(bill.CompanyName),
		VATNumber:   strings.TrimSpace(taxID),
		Phone:       strings.TrimSpace(bill.Phone),
		Billing:     addressFrom(bill),
		Shipping:    addressFrom(ship),
	}
	if c.Shipping.IsZero() {
		c.Shipping = c.Billing
	}
	return c
}

func customerID(n json.Number) string {
	if s := strings.TrimSpace(n.String()); s != "" && s != "0" {
		return s
	}
	return ""
}

// splitName splits one name field: the first word, and the rest.
func splitName(name string) (string, string) {
	first, last, _ := strings.Cut(strings.Join(strings.Fields(name), " "), " ")
	return first, last
}

// addressFrom maps a person's address: the street's first line is the
// street (Ecwid has no house number field), the other lines Line2.
func addressFrom(p *Person) model.Address {
	if p == nil {
		return model.Address{}
	}
	line1, rest, _ := strings.Cut(strings.ReplaceAll(p.Street, "\r\n", "\n"), "\n")
	var more []string
	for _, l := range strings.Split(rest, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			more = append(more, l)
		}
	}
	return model.Address{
		Name: strings.TrimSpace(p.Name), Company: strings.TrimSpace(p.CompanyName),
		Street: strings.TrimSpace(line1), Line2: strings.Join(more, ", "),
		PostalCode: strings.TrimSpace(p.PostalCode), City: strings.TrimSpace(p.City),
		Region: strings.TrimSpace(p.StateOrProvinceCode), CountryCode: strings.ToUpper(strings.TrimSpace(p.CountryCode)),
		Phone: strings.TrimSpace(p.Phone),
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// divRound divides rounding half away from zero.
func divRound(a, b int64) int64 {
	if (a < 0) != (b < 0) {
		return (a - b/2) / b
	}
	return (a + b/2) / b
}
