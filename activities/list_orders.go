package activities

import (
	"context"
	"time"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// OrderRef points at one source order; workflows pass refs, never whole orders,
// between runs.
type OrderRef struct {
	ID        string    `json:"id"`
	Number    string    `json:"number"`
	CreatedAt time.Time `json:"createdAt"`
}

// ListOrdersInput asks for one page of orders created in [From, To).
type ListOrdersInput struct {
	Integration string    `json:"integration"`
	From        time.Time `json:"from"`
	To          time.Time `json:"to"`
	PageToken   string    `json:"pageToken,omitempty"`
	PageSize    int       `json:"pageSize"`
	// EligibleOnly lets the source filter on paid and status itself: for a
	// backfill, which keeps no pending orders, the rest is only traffic.
	EligibleOnly bool `json:"eligibleOnly,omitempty"`
}

// ListOrdersResult sorts a page into orders to sync now and orders to watch
// (not yet paid or not yet in a synced status).
type ListOrdersResult struct {
	Eligible      []OrderRef `json:"eligible"`
	NotYet        []OrderRef `json:"notYet"`
	NextPageToken string     `json:"nextPageToken,omitempty"`
}

// ListOrders lists one page of source orders and applies the flow's filter.
func (a *Activities) ListOrders(ctx context.Context, in ListOrdersInput) (ListOrdersResult, error) {
	rt, err := a.orderIntegration(in.Integration)
	if err != nil {
		return ListOrdersResult{}, err
	}
	q := connectors.OrderQuery{CreatedFrom: in.From, CreatedTo: in.To, PageToken: in.PageToken, PageSize: in.PageSize}
	if f := rt.Config.Flows.Orders; in.EligibleOnly {
		q.OnlyPaid = f.OnlyPaid()
		if len(f.Statuses) == 1 {
			q.Status = model.OrderStatus(f.Statuses[0])
		}
	}
	page, err := rt.Source.ListOrders(ctx, q)
	if err != nil {
		return ListOrdersResult{}, toTemporal(err)
	}
	out := ListOrdersResult{NextPageToken: page.NextPageToken}
	for _, s := range page.Orders {
		ref := OrderRef{ID: s.ID, Number: s.Number, CreatedAt: s.CreatedAt}
		if Eligible(s, rt.Config.Flows.Orders) {
			out.Eligible = append(out.Eligible, ref)
		} else if s.Status != "cancelled" {
			out.NotYet = append(out.NotYet, ref)
		}
	}
	return out, nil
}

// RecheckOrdersInput names orders seen earlier that were not eligible yet.
type RecheckOrdersInput struct {
	Integration string     `json:"integration"`
	Orders      []OrderRef `json:"orders"`
}

// RecheckOrdersResult sorts them again: eligible now, still waiting, or gone.
type RecheckOrdersResult struct {
	Eligible []OrderRef `json:"eligible"`
	NotYet   []OrderRef `json:"notYet"`
	Dropped  []OrderRef `json:"dropped"` // deleted or cancelled in the source
}

// RecheckOrders looks again at orders that were waiting, so an order paid an
// hour after it was placed still arrives.
func (a *Activities) RecheckOrders(ctx context.Context, in RecheckOrdersInput) (RecheckOrdersResult, error) {
	rt, err := a.orderIntegration(in.Integration)
	if err != nil {
		return RecheckOrdersResult{}, err
	}
	var out RecheckOrdersResult
	for _, ref := range in.Orders {
		s, err := orderSummary(ctx, rt.Source, ref.ID)
		if connectors.IsKind(err, connectors.KindNotFound) {
			out.Dropped = append(out.Dropped, ref)
			continue
		}
		if err != nil {
			return RecheckOrdersResult{}, toTemporal(err)
		}
		switch {
		case Eligible(s, rt.Config.Flows.Orders):
			out.Eligible = append(out.Eligible, ref)
		case s.Status == "cancelled":
			out.Dropped = append(out.Dropped, ref)
		default:
			out.NotYet = append(out.NotYet, ref)
		}
	}
	return out, nil
}

// OrderSummarySource is offered by sources that can tell an order's status
// more cheaply than fetching the whole order.
type OrderSummarySource interface {
	GetOrderSummary(ctx context.Context, id string) (connectors.OrderSummary, error)
}

func orderSummary(ctx context.Context, src connectors.OrderSource, id string) (connectors.OrderSummary, error) {
	if s, ok := src.(OrderSummarySource); ok {
		return s.GetOrderSummary(ctx, id)
	}
	o, err := src.GetOrder(ctx, id)
	if err != nil {
		return connectors.OrderSummary{}, err
	}
	return connectors.OrderSummary{ID: o.ID, Number: o.Number, CreatedAt: o.CreatedAt, Status: o.Status, Paid: o.Paid}, nil
}

// Eligible decides whether an order is synced: paid (unless paidOnly is off)
// and in one of the configured statuses (any when none are configured).
func Eligible(s connectors.OrderSummary, f *config.OrderFlow) bool {
	if f.OnlyPaid() && !s.Paid {
		return false
	}
	if len(f.Statuses) == 0 {
		return true
	}
	for _, st := range f.Statuses {
		if st == string(s.Status) {
			return true
		}
	}
	return false
}
