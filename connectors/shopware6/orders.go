package shopware6

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// orderAssociations are what GetOrder reads an order with. From 6.6 on the
// state machine states and the delivery address are no longer loaded unless
// asked for (research §1.8), so every association is named.
var orderAssociations = []string{
	"stateMachineState", "currency", "lineItems",
	"orderCustomer.customer",
	"billingAddress.country", "billingAddress.countryState",
	"transactions.stateMachineState", "transactions.paymentMethod",
	"deliveries.stateMachineState", "deliveries.shippingMethod",
	"deliveries.shippingOrderAddress.country", "deliveries.shippingOrderAddress.countryState",
}

// ListOrders lists orders placed in [CreatedFrom, CreatedTo) (their
// orderDateTime), oldest first, one page per call (backfills; polling uses
// OrderFeed). The page token is the next page's number. OnlyPaid asks for
// orders with a payment in a paid state; Status is not sent (the flow checks
// every order's status itself). An order the client cannot read is listed
// with Unreadable set.
func (c *Client) ListOrders(ctx context.Context, q connectors.OrderQuery) (connectors.OrderPage, error) {
	page := 1
	if q.PageToken != "" {
		n, err := strconv.Atoi(q.PageToken)
		if err != nil || n < 1 {
			return connectors.OrderPage{}, &connectors.Error{Kind: connectors.KindValidation, System: System, Op: OpSearchOrders,
				Message: fmt.Sprintf("page token %q was not made by this connector (a page number)", q.PageToken)}
		}
		page = n
	}
	crit := criteria{Page: page, Limit: c.pageSize(q.PageSize), TotalCountMode: "next-pages", Associations: association(summaryAssociations...),
		Sort: []sorting{{Field: "orderDateTime", Order: "ASC"}, {Field: "id", Order: "ASC"}}}
	window := map[string]string{}
	if !q.CreatedFrom.IsZero() {
		window["gte"] = c.cfg.DateFilter.format(q.CreatedFrom)
	}
	if !q.CreatedTo.IsZero() {
		window["lt"] = c.cfg.DateFilter.format(q.CreatedTo)
	}
	if len(window) > 0 {
		crit.Filter = append(crit.Filter, rangeFilter("orderDateTime", window))
	}
	if q.OnlyPaid {
		crit.Filter = append(crit.Filter, equalsAny("transactions.stateMachineState.technicalName", c.cfg.PaidStates))
	}
	crit.Filter = append(crit.Filter, c.salesChannelFilter()...)

	res, err := c.search(ctx, OpSearchOrders, "order", crit)
	if err != nil {
		return connectors.OrderPage{}, err
	}
	out := connectors.OrderPage{Orders: []connectors.OrderSummary{}}
	for _, raw := range res.Data {
		l, ok := c.summaryOf(raw)
		if !ok {
			continue
		}
		s := l.summary
		// The window is cut here too, to the instant: a shop that reads the
		// bounds' form otherwise (DateFilter) must not widen a backfill.
		if s.Unreadable == "" && (!q.CreatedFrom.IsZero() && s.CreatedAt.Before(q.CreatedFrom) ||
			!q.CreatedTo.IsZero() && !s.CreatedAt.Before(q.CreatedTo)) {
			continue
		}
		out.Orders = append(out.Orders, s)
	}
	if len(res.Data) > 0 && morePages(res, crit) {
		out.NextPageToken = strconv.Itoa(page + 1)
	}
	return out, nil
}

// GetOrderSummary reads one order's status and payment with one search.
// An order the client cannot read comes back with Unreadable set.
func (c *Client) GetOrderSummary(ctx context.Context, id string) (connectors.OrderSummary, error) {
	raw, err := c.fetch(ctx, id, summaryAssociations)
	if err != nil {
		return connectors.OrderSummary{}, err
	}
	l, ok := c.summaryOf(raw)
	if !ok {
		return connectors.OrderSummary{ID: id, Unreadable: "the answer holds no order id"}, nil
	}
	return l.summary, nil
}

// GetOrder reads an order with its line items, payments, deliveries,
// customer and addresses in one search.
func (c *Client) GetOrder(ctx context.Context, id string) (model.Order, error) {
	o, _, _, err := c.readOrder(ctx, id, false)
	return o, err
}

// GetOrderRaw is GetOrder that also returns the order and the line items
// its lines come from as the shop sent them (JSON maps, in the order of the
// lines), for mapping rules over raw and rawLine.
func (c *Client) GetOrderRaw(ctx context.Context, id string) (model.Order, map[string]any, []map[string]any, error) {
	o, raw, lineItems, err := c.readOrder(ctx, id, true)
	if err != nil {
		return model.Order{}, nil, nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return model.Order{}, nil, nil, c.invalid(id, o.Number, err.Error())
	}
	all, _ := m["lineItems"].([]any)
	rawLines := make([]map[string]any, 0, len(lineItems))
	for _, i := range lineItems {
		var li map[string]any
		if i < len(all) {
			li, _ = all[i].(map[string]any)
		}
		rawLines = append(rawLines, li)
	}
	return o, m, rawLines, nil
}

// readOrder reads and maps one order; lineItems are the indexes (in the
// answer's lineItems) of the items the lines were made from. raw is the
// order as the shop sent it when keepRaw asks for it.
func (c *Client) readOrder(ctx context.Context, id string, keepRaw bool) (model.Order, json.RawMessage, []int, error) {
	var w wireOrder
	var raw json.RawMessage
	var err error
	if keepRaw {
		raw, err = c.fetch(ctx, id, orderAssociations)
	} else {
		raw, err = c.fetchInto(ctx, id, orderAssociations, &w)
	}
	if err != nil {
		return model.Order{}, nil, nil, err
	}
	if raw != nil {
		if err := json.Unmarshal(raw, &w); err != nil {
			return model.Order{}, nil, nil, c.invalid(id, "", "the order's JSON does not match the API's schema: "+err.Error())
		}
	}
	o, lineItems, err := c.toModel(w)
	if err != nil {
		return model.Order{}, nil, nil, c.invalid(id, w.number(), err.Error())
	}
	return o, raw, lineItems, nil
}

// fetch searches one order by id with the given associations.
func (c *Client) fetch(ctx context.Context, id string, associations []string) (json.RawMessage, error) {
	return c.fetchInto(ctx, id, associations, nil)
}

// fetchInto is fetch that reads the order straight into w when w is not
// nil, in one pass over the answer, and then returns a nil raw. An answer
// that does not read that way (not a search result, no order, an order
// that does not match wireOrder) comes back raw, as fetch returns it, so
// its problem is reported as before.
func (c *Client) fetchInto(ctx context.Context, id string, associations []string, w *wireOrder) (json.RawMessage, error) {
	if !IsID(id) {
		return nil, &connectors.Error{Kind: connectors.KindValidation, System: System, Op: OpSearchOrders,
			Message: fmt.Sprintf("order id %q is not a Shopware id (32 lower-case hex characters)", id)}
	}
	var typed func([]byte) bool
	if w != nil {
		typed = func(body []byte) bool {
			var ans struct {
				Total *int        `json:"total"`
				Data  []wireOrder `json:"data"`
			}
			if json.Unmarshal(body, &ans) != nil || len(ans.Data) == 0 {
				return false
			}
			*w = ans.Data[0]
			return true
		}
	}
	res, read, err := c.searchTyped(ctx, OpSearchOrders, "order", criteria{IDs: []string{id}, Limit: 1, Associations: association(associations...)}, nil, typed)
	if err != nil {
		return nil, err
	}
	if read {
		return nil, nil
	}
	if len(res.Data) == 0 {
		return nil, &connectors.Error{Kind: connectors.KindNotFound, System: System, Op: OpSearchOrders,
			Message: fmt.Sprintf("order %s does not exist (or the integration may not see it)", id)}
	}
	return res.Data[0], nil
}

// invalid is GetOrder's error for an order it cannot read: it names the
// order (its number where known) and every field.
func (c *Client) invalid(id, number, why string) error {
	name := id
	if number != "" {
		name = fmt.Sprintf("%s (%s)", number, id)
	}
	return &connectors.Error{Kind: connectors.KindValidation, System: System, Op: OpSearchOrders,
		Message: fmt.Sprintf("order %s cannot be read: %s", name, c.scrub(why))}
}

// listed is one order of a listing with its creation time, the feed's keyset.
type listed struct {
	summary connectors.OrderSummary
	created time.Time
}

// summaryOf reads one listed order; one the client cannot read comes back
// with Unreadable set (naming the field), so one bad record never stops a
// listing. ok is false when it has not even an id.
func (c *Client) summaryOf(raw json.RawMessage) (listed, bool) {
	var o wireOrder
	if err := json.Unmarshal(raw, &o); err != nil {
		var ref struct {
			ID          string `json:"id"`
			OrderNumber string `json:"orderNumber"`
			CreatedAt   string `json:"createdAt"`
		}
		if json.Unmarshal(raw, &ref) != nil || ref.ID == "" {
			return listed{}, false
		}
		created, _ := parseTime(ref.CreatedAt)
		return listed{summary: connectors.OrderSummary{ID: ref.ID, Number: ref.OrderNumber,
			Unreadable: "the order's JSON does not match the API's schema: " + err.Error()}, created: created}, true
	}
	if o.ID == "" {
		return listed{}, false
	}
	created, _ := parseTime(o.CreatedAt)
	s, err := c.summary(o)
	if err != nil {
		return listed{summary: connectors.OrderSummary{ID: o.ID, Number: o.number(), Unreadable: err.Error()}, created: created}, true
	}
	return listed{summary: s, created: created}, true
}

// summary reads an order's number, placing time, status and payment.
func (c *Client) summary(o wireOrder) (connectors.OrderSummary, error) {
	var problems []string
	placed, err := parseTime(o.OrderDateTime)
	if err != nil {
		problems = append(problems, "orderDateTime: "+err.Error())
	}
	st := states{}
	if o.StateMachine == nil || o.StateMachine.TechnicalName == "" {
		problems = append(problems, "stateMachineState: missing (the order's state was not sent)")
	} else {
		st.order = o.StateMachine.TechnicalName
	}
	tx, i, err := currentTransaction(o)
	switch {
	case err != nil:
		problems = append(problems, err.Error())
	case tx != nil && (tx.StateMachine == nil || tx.StateMachine.TechnicalName == ""):
		problems = append(problems, fmt.Sprintf("transactions[%d].stateMachineState: missing (the payment's state was not sent)", i))
	case tx != nil:
		st.payment = tx.StateMachine.TechnicalName
	}
	if d, _ := primaryDelivery(o); d != nil && d.StateMachine != nil {
		st.delivery = d.StateMachine.TechnicalName
	}
	var status model.OrderStatus
	if st.order != "" {
		if status, err = st.status(c.cfg.OrderStates); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if len(problems) > 0 {
		return connectors.OrderSummary{}, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return connectors.OrderSummary{ID: o.ID, Number: o.number(), CreatedAt: placed, Status: status,
		Paid: st.payment != "" && slices.Contains(c.cfg.PaidStates, st.payment)}, nil
}

// currentTransaction is the payment that counts: the primary one (6.7 and
// later), else the newest, as the Administration shows it. An order without
// payments has none (nil, no error).
func currentTransaction(o wireOrder) (*wireTransaction, int, error) {
	if len(o.Transactions) == 0 {
		return nil, -1, nil
	}
	if o.PrimaryOrderTransactionID != nil {
		for i := range o.Transactions {
			if o.Transactions[i].ID == *o.PrimaryOrderTransactionID {
				return &o.Transactions[i], i, nil
			}
		}
	}
	best, bestAt := -1, time.Time{}
	for i, t := range o.Transactions {
		at, err := parseTime(t.CreatedAt)
		if err != nil {
			return nil, i, fmt.Errorf("transactions[%d].createdAt: %v", i, err)
		}
		if best < 0 || !at.Before(bestAt) {
			best, bestAt = i, at
		}
	}
	return &o.Transactions[best], best, nil
}

// primaryDelivery is the delivery that counts: the primary one (6.7 and
// later), else the one with the highest shipping costs, as the
// Administration picks it.
func primaryDelivery(o wireOrder) (*wireDelivery, int) {
	if len(o.Deliveries) == 0 {
		return nil, -1
	}
	if o.PrimaryOrderDeliveryID != nil {
		for i := range o.Deliveries {
			if o.Deliveries[i].ID == *o.PrimaryOrderDeliveryID {
				return &o.Deliveries[i], i
			}
		}
	}
	best, bestCost := 0, int64(-1<<62)
	for i, d := range o.Deliveries {
		if d.ShippingCosts == nil {
			continue
		}
		if v, err := model.ParseMinor(d.ShippingCosts.TotalPrice.String(), 2); err == nil && v > bestCost {
			best, bestCost = i, v
		}
	}
	return &o.Deliveries[best], best
}

// parseTime reads the API's times (2024-05-14T09:52:16.517+00:00).
func parseTime(s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, fmt.Errorf("missing")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an ISO 8601 time", s)
	}
	return t.UTC(), nil
}
