package ccvshop

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// Operation names, as the Observe hook reports them and as the simulator's
// faults match them.
const (
	OpListOrders    = "GET /orders"
	OpGetOrder      = "GET /orders/{id}"
	OpListOrderRows = "GET /orders/{id}/orderrows"
)

// Descriptions of the order-level adjustments the shop has no text for.
const (
	ExtraCostsDescription         = "Extra costs"
	PaymentCostsDescription       = "Payment costs"
	CreditPointsDescription       = "Credit points"
	ExtraPaymentOptionDescription = "Extra payment option"
	ExtraPriceDescription         = "Extra price"
	OrderDiscountDescription      = "Discount"
)

const (
	dateOnly     = "2006-01-02"
	dateTimeForm = "2006-01-02T15:04:05Z"
)

// ListOrders lists completed orders created in [CreatedFrom, CreatedTo), in
// the order of their ids, one page per call (backfills; polling uses
// OrderFeed). The window is on creation time: the shop is asked for a window
// two days wider on each side (min_create_date/max_create_date), which
// covers a shop that reads the bounds as dates in its own time zone, and the
// client keeps exactly the orders inside it, to the second. A page may
// therefore hold fewer orders than asked, even none, and still have a next
// page. The page token is the `next` link the shop returned; it is empty on
// the last page. OnlyPaid and Status are sent as is_paid and status. An
// order the client cannot read is listed with Unreadable set.
func (c *Client) ListOrders(ctx context.Context, q connectors.OrderQuery) (connectors.OrderPage, error) {
	return c.listOrders(ctx, q, false)
}

// listOrders is ListOrders, or the unfinished checkouts (is_completed=false).
func (c *Client) listOrders(ctx context.Context, q connectors.OrderQuery, unfinished bool) (connectors.OrderPage, error) {
	uri := q.PageToken
	if uri == "" {
		uri = c.listURI(q, unfinished)
	}
	var page wireCollection[json.RawMessage]
	if err := c.get(ctx, OpListOrders, uri, &page); err != nil {
		return connectors.OrderPage{}, err
	}
	out := connectors.OrderPage{Orders: []connectors.OrderSummary{}}
	for _, raw := range page.Items {
		s, ok := summaryOf(raw, unfinished)
		if !ok {
			continue // not even an id to name it by
		}
		if s.Unreadable == "" {
			if !q.CreatedFrom.IsZero() && s.CreatedAt.Before(q.CreatedFrom) {
				continue
			}
			if !q.CreatedTo.IsZero() && !s.CreatedAt.Before(q.CreatedTo) {
				continue
			}
		}
		if r := c.cfg.Flavor.Orders; r != nil && s.Unreadable == "" {
			switch keep, why := r.Keep(raw); {
			case why != "":
				s.Unreadable = why
			case !keep:
				continue // not this client's (another till's sale)
			}
		}
		out.Orders = append(out.Orders, c.refineSummary(raw, s))
	}
	if page.Next != nil && *page.Next != "" && *page.Next != uri && len(page.Items) > 0 {
		out.NextPageToken = *page.Next
	}
	return out, nil
}

// listURI builds the first page's request URI.
func (c *Client) listURI(q connectors.OrderQuery, unfinished bool) string {
	size := q.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	size = min(size, c.cfg.MaxPageSize)
	v := url.Values{}
	bound := func(name string, t time.Time) {
		switch c.cfg.CreateDateFilter {
		case DateFilterDate:
			v.Set(name, t.Format(dateOnly))
		case DateFilterDateTime:
			v.Set(name, t.Format(dateTimeForm))
		}
	}
	if !q.CreatedFrom.IsZero() {
		bound("min_create_date", q.CreatedFrom.UTC().Add(-dateFilterMargin))
	}
	if !q.CreatedTo.IsZero() {
		bound("max_create_date", q.CreatedTo.UTC().Add(dateFilterMargin))
	}
	if q.OnlyPaid {
		v.Set("is_paid", "1")
	}
	if code := StatusCode(q.Status); code > 0 {
		v.Set("status", strconv.Itoa(code))
	}
	if unfinished {
		v.Set("is_completed", "0")
	}
	if c.cfg.ListOrderBy != "-" {
		v.Set("orderby", c.cfg.ListOrderBy)
	}
	v.Set("start", "0")
	v.Set("size", strconv.Itoa(size))
	return APIPath + "/orders/?" + v.Encode()
}

// GetOrderSummary reads one order without its rows (one call): enough to
// see whether a waiting order is paid or in another status now. An order
// the client cannot read comes back with Unreadable set.
func (c *Client) GetOrderSummary(ctx context.Context, id string) (connectors.OrderSummary, error) {
	n, err := c.orderID(id)
	if err != nil {
		return connectors.OrderSummary{}, err
	}
	var raw json.RawMessage
	if err := c.get(ctx, OpGetOrder, fmt.Sprintf("%s/orders/%d/", APIPath, n), &raw); err != nil {
		return connectors.OrderSummary{}, err
	}
	s, ok := summaryOf(raw, false)
	if !ok {
		return connectors.OrderSummary{ID: id, Unreadable: "the answer holds no order id"}, nil
	}
	return c.refineSummary(raw, s), nil
}

// refineSummary lets the flavour refine the status of a readable, finished
// order.
func (c *Client) refineSummary(raw json.RawMessage, s connectors.OrderSummary) connectors.OrderSummary {
	if r := c.cfg.Flavor.Orders; r != nil && s.Unreadable == "" && s.Status != model.StatusCheckout {
		s.Status = r.Status(raw, s.Status)
	}
	return s
}

// GetOrder reads an order with all its rows (following the rows' paging),
// its customer block and addresses.
func (c *Client) GetOrder(ctx context.Context, id string) (model.Order, error) {
	o, _, _, _, err := c.readOrder(ctx, id)
	return o, err
}

// GetOrderRaw is GetOrder that also returns the order and its rows as the
// shop sent them (JSON maps, rows in the order of the lines), for mapping
// rules over raw and rawLine.
func (c *Client) GetOrderRaw(ctx context.Context, id string) (model.Order, map[string]any, []map[string]any, error) {
	o, n, rawOrder, rawRows, err := c.readOrder(ctx, id)
	if err != nil {
		return model.Order{}, nil, nil, err
	}
	var raw map[string]any
	if err := json.Unmarshal(rawOrder, &raw); err != nil {
		return model.Order{}, nil, nil, c.invalid(OpGetOrder, n, err)
	}
	rawLines := make([]map[string]any, len(rawRows))
	for i, r := range rawRows {
		if err := json.Unmarshal(r, &rawLines[i]); err != nil {
			return model.Order{}, nil, nil, c.invalid(OpListOrderRows, n, err)
		}
	}
	return o, raw, rawLines, nil
}

// readOrder reads an order and its rows: the canonical order, the shop's
// order id, and the JSON of both as the shop sent it (only GetOrderRaw
// decodes that into maps).
func (c *Client) readOrder(ctx context.Context, id string) (model.Order, int64, json.RawMessage, []json.RawMessage, error) {
	var rawOrder json.RawMessage
	o, err := c.getOrderInto(ctx, id, &rawOrder)
	if err != nil {
		return model.Order{}, 0, nil, nil, err
	}
	rawRows, err := getAll[json.RawMessage](ctx, c, OpListOrderRows,
		fmt.Sprintf("%s/orders/%d/orderrows/?start=0&size=%d", APIPath, o.ID, c.cfg.MaxPageSize))
	if err != nil {
		return model.Order{}, 0, nil, nil, err
	}
	rows := make([]wireOrderRow, len(rawRows))
	for i, r := range rawRows {
		if err := json.Unmarshal(r, &rows[i]); err != nil {
			return model.Order{}, 0, nil, nil, c.invalid(OpListOrderRows, o.ID, err)
		}
	}
	out, err := toModel(o, rows)
	if err != nil {
		return model.Order{}, 0, nil, nil, c.invalid(OpGetOrder, o.ID, err)
	}
	if r := c.cfg.Flavor.Orders; r != nil {
		out.Status = r.Status(rawOrder, out.Status)
		r.Refine(rawOrder, &out)
	}
	return out, o.ID, rawOrder, rawRows, nil
}

// getOrderInto reads one order, keeping its JSON in raw.
func (c *Client) getOrderInto(ctx context.Context, id string, raw *json.RawMessage) (wireOrder, error) {
	n, err := c.orderID(id)
	if err != nil {
		return wireOrder{}, err
	}
	if err := c.get(ctx, OpGetOrder, fmt.Sprintf("%s/orders/%d/", APIPath, n), raw); err != nil {
		return wireOrder{}, err
	}
	var o wireOrder
	if err := json.Unmarshal(*raw, &o); err != nil {
		return wireOrder{}, c.invalid(OpGetOrder, n, err)
	}
	return o, nil
}

func (c *Client) orderID(id string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
	if err != nil || n <= 0 {
		return 0, &connectors.Error{Kind: connectors.KindValidation, System: c.system(), Op: OpGetOrder,
			Message: fmt.Sprintf("order id %q is not a CCV Shop order id (a positive number)", id)}
	}
	return n, nil
}

func (c *Client) invalid(op string, id int64, err error) error {
	return &connectors.Error{Kind: connectors.KindValidation, System: c.system(), Op: op,
		Message: fmt.Sprintf("order %d cannot be read: %s", id, c.scrub(err.Error()))}
}

func summary(o wireOrder) (connectors.OrderSummary, error) {
	created, err := parseTime(o.CreateDate)
	if err != nil {
		return connectors.OrderSummary{}, err
	}
	st, err := o.status()
	if err != nil {
		return connectors.OrderSummary{}, err
	}
	return connectors.OrderSummary{ID: strconv.FormatInt(o.ID, 10), Number: o.number(), CreatedAt: created, Status: st, Paid: o.Paid}, nil
}

// toModel maps an order and its rows to the canonical order. Every problem
// is collected, so one error names them all. Money is read from the JSON
// numbers' decimal text, never through a float.
func toModel(o wireOrder, rows []wireOrderRow) (model.Order, error) {
	var problems []string
	fail := func(err error) {
		if err != nil {
			problems = append(problems, err.Error())
		}
	}
	s, err := summary(o)
	fail(err)
	cur := strings.ToUpper(strings.TrimSpace(o.Currency))
	if cur == "" {
		cur = "EUR"
	}
	money := func(n json.Number, field string) model.Money {
		v, err := number(n, 2, field)
		fail(err)
		return model.NewMoney(v, cur)
	}
	out := model.Order{
		ID: s.ID, Number: s.Number, CreatedAt: s.CreatedAt, Status: s.Status, Paid: o.Paid, Currency: cur,
		PricesIncludeVAT: o.OrderRowTaxesIncluded,
		ShippingCost:     money(o.TotalShipping, "total_shipping"),
		ShippingMethod:   o.DeliverMethod,
		PaymentMethod:    firstNonEmpty(o.Paymethod, o.PaymethodLabel),
		Total:            money(o.TotalPrice, "total_price"),
	}
	vat, err := number(o.ShippingTaxPercentage, 2, "shipping_tax_percentage")
	fail(err)
	out.ShippingVAT = model.VATRate(vat)
	// The model has one flag for lines and shipping; when the shop states
	// shipping the other way than the rows, bring it to the rows' way.
	if o.ShippingTaxesIncluded != nil && *o.ShippingTaxesIncluded != o.OrderRowTaxesIncluded {
		out.ShippingCost.Amount = convertVAT(out.ShippingCost.Amount, out.ShippingVAT, o.OrderRowTaxesIncluded)
	}

	// Order-level costs and discounts beside shipping (§1.6.1). The shop
	// gives them no VAT rate and no incl/excl flag of their own; they are
	// taken to be taxed and stated like shipping (shipping_tax_percentage,
	// shipping_taxes_included) [A], and are brought to the rows' way as
	// shipping is.
	adjust := func(n json.Number, field, description string, kind model.AdjustmentKind) {
		v, err := number(n, 2, field)
		fail(err)
		if v == 0 {
			return
		}
		if o.ShippingTaxesIncluded != nil && *o.ShippingTaxesIncluded != o.OrderRowTaxesIncluded {
			v = convertVAT(v, out.ShippingVAT, o.OrderRowTaxesIncluded)
		}
		switch {
		case kind == model.AdjustmentDiscount && v > 0:
			v = -v // credit points are sent as the amount taken off
		case kind == "" && v < 0:
			kind = model.AdjustmentDiscount
		case kind == "":
			kind = model.AdjustmentCost
		}
		out.Adjustments = append(out.Adjustments, model.Adjustment{Kind: kind, Description: description, Amount: model.NewMoney(v, cur), VAT: out.ShippingVAT})
	}
	adjust(o.ExtraCosts, "extra_costs", firstNonEmpty(strings.TrimSpace(o.ExtraCostsDescription), ExtraCostsDescription), "")
	adjust(o.PaymethodCosts, "paymethod_costs", PaymentCostsDescription, "")
	adjust(o.CreditPointDiscount, "credit_point_discount", CreditPointsDescription, model.AdjustmentDiscount)
	adjust(o.ExtraPaymentOptionCost, "extra_payment_option_price", firstNonEmpty(strings.TrimSpace(o.ExtraPaymentOption), ExtraPaymentOptionDescription), "")
	adjust(o.ExtraPrice, "extra_price", ExtraPriceDescription, "")

	out.Customer = toCustomer(o.Customer)
	if o.User != nil && o.User.ID != nil {
		out.Customer.ID = strconv.FormatInt(*o.User.ID, 10)
	}

	for i, r := range rows {
		field := func(name string) string { return fmt.Sprintf("orderrows[%d].%s", i, name) }
		sku := r.ProductNumber
		if r.SubSKUNumber != "" {
			sku = r.SubSKUNumber // a variant is sold under its own SKU
		}
		qty, err := number(r.Count, 3, field("count"))
		fail(err)
		tax, err := number(r.Tax, 2, field("tax"))
		fail(err)
		out.Lines = append(out.Lines, model.OrderLine{
			SKU:          sku,
			Name:         r.ProductName,
			Quantity:     model.Quantity(qty),
			UnitPrice:    money(r.Price, field("price")),
			UnitDiscount: money(r.Discount, field("discount")),
			VAT:          model.VATRate(tax),
			EAN:          r.SubEANNumber,
		})
	}
	// total_discounts holds every discount, the rows' included [A: the
	// field is undocumented beyond its name]; what the rows do not explain
	// is an order discount (a coupon), booked at the rows' VAT rate when
	// they share one, else like shipping. The totals check catches a shop
	// that means otherwise, before anything is written.
	all, err := number(o.TotalDiscounts, 2, "total_discounts")
	fail(err)
	var rowDiscounts int64
	for _, l := range out.Lines {
		rowDiscounts += l.UnitDiscount.Mul(l.Quantity).Amount
	}
	if rest := all - rowDiscounts; rest > 0 {
		out.Adjustments = append(out.Adjustments, model.Adjustment{Kind: model.AdjustmentDiscount, Description: OrderDiscountDescription,
			Amount: model.NewMoney(-rest, cur), VAT: sharedRate(out.Lines, out.ShippingVAT)})
	}
	if len(problems) > 0 {
		return model.Order{}, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return out, nil
}

// sharedRate is the VAT rate every line has, or fallback when they differ.
func sharedRate(lines []model.OrderLine, fallback model.VATRate) model.VATRate {
	if len(lines) == 0 {
		return fallback
	}
	for _, l := range lines[1:] {
		if l.VAT != lines[0].VAT {
			return fallback
		}
	}
	return lines[0].VAT
}

// toCustomer maps Personalinfo (an order's customer, a user's userinfo): a
// company name in the billing address makes a company with the billing
// person as its contact; a missing delivery address is the billing address.
func toCustomer(info wireCustomer) model.Customer {
	b, d := info.BillingAddress, info.DeliveryAddress
	c := model.Customer{
		Kind:        model.KindFor(b.Company),
		Email:       strings.TrimSpace(info.Email),
		Person:      model.Person{FirstName: strings.TrimSpace(b.FirstName), LastName: strings.TrimSpace(b.LastName)},
		CompanyName: strings.TrimSpace(b.Company),
		VATNumber:   strings.TrimSpace(info.BTW),
		CoCNumber:   strings.TrimSpace(info.KVK),
		Phone:       b.Telephone,
		Mobile:      firstNonEmpty(b.Mobile, d.Mobile),
		Billing:     b.toModel(),
		Shipping:    d.toModel(),
	}
	if c.Shipping.IsZero() {
		c.Shipping = c.Billing
	}
	return c
}

// convertVAT turns an amount excluding VAT into one including it (toIncl)
// or back, rounded half away from zero to the minor unit.
func convertVAT(amount int64, rate model.VATRate, toIncl bool) int64 {
	const whole = 10000 // VATRate is in hundredths of a percent
	if toIncl {
		return divRound(amount*(whole+int64(rate)), whole)
	}
	return divRound(amount*whole, whole+int64(rate))
}

func divRound(a, b int64) int64 {
	if (a < 0) != (b < 0) {
		return (a - b/2) / b
	}
	return (a + b/2) / b
}
