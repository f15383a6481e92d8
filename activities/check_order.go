package activities

import (
	"context"

	"github.com/koppel/koppel/connectors"
)

// CheckOrderInput names an order a webhook said changed.
type CheckOrderInput struct {
	Integration string `json:"integration"`
	OrderID     string `json:"orderId"`
}

// Order states a check finds.
const (
	OrderEligible = "eligible" // to sync now
	OrderWaiting  = "waiting"  // not yet (unpaid, another status, unfinished)
	OrderClosed   = "closed"   // cancelled, refunded
	OrderGone     = "gone"     // the source no longer has it
)

// CheckOrderResult is what the source says of the order now, judged by the
// same rules as the poll's.
type CheckOrderResult struct {
	State  string   `json:"state"`
	Ref    OrderRef `json:"ref"`
	Source string   `json:"source"`
	Target string   `json:"target"`
}

// CheckOrder reads an order's summary from the source and tells whether the
// order flow takes it now: a webhook is a hint, the API decides.
func (a *Activities) CheckOrder(ctx context.Context, in CheckOrderInput) (CheckOrderResult, error) {
	rt, err := a.orderIntegration(in.Integration)
	if err != nil {
		return CheckOrderResult{}, err
	}
	out := CheckOrderResult{Ref: OrderRef{ID: in.OrderID}, Source: rt.Config.Source.System, Target: rt.Config.Target.System}
	s, err := rt.Source.GetOrderSummary(ctx, in.OrderID)
	switch {
	case connectors.IsKind(err, connectors.KindNotFound):
		out.State = OrderGone
		return out, nil
	case err != nil:
		return out, toTemporal(err)
	}
	if s.ID == "" {
		s.ID = in.OrderID
	}
	var sort OrderSort
	sort.add(s, rt.Config.Flows.Orders)
	switch {
	case len(sort.Eligible) > 0:
		out.State, out.Ref = OrderEligible, sort.Eligible[0]
	case len(sort.Closed) > 0:
		out.State, out.Ref = OrderClosed, sort.Closed[0]
	default:
		out.State, out.Ref = OrderWaiting, sort.NotYet[0]
	}
	return out, nil
}
