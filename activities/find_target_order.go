package activities

import (
	"context"

	"github.com/koppel/koppel/connectors"
)

// FindTargetOrderInput names an order by its natural key in the target.
type FindTargetOrderInput struct {
	Integration string               `json:"integration"`
	ExternalID  string               `json:"externalId"`
	Kind        connectors.OrderKind `json:"kind"`
}

// FindTargetOrderResult says whether the target already holds the order.
type FindTargetOrderResult struct {
	Found  bool                   `json:"found"`
	Target connectors.TargetOrder `json:"target"`
}

// FindTargetOrder looks the order up in the target, so an order that arrived
// before (another worker, a replay, a lost response) is skipped, not doubled.
func (a *Activities) FindTargetOrder(ctx context.Context, in FindTargetOrderInput) (FindTargetOrderResult, error) {
	rt, err := a.orderIntegration(in.Integration)
	if err != nil {
		return FindTargetOrderResult{}, err
	}
	// Before the first write attempt nothing of this run can be in flight:
	// the target's cheap lookup suffices (connectors.MayFollowLostWrite).
	ref, found, err := rt.Target.FindOrder(connectors.WithWriteAttempt(ctx, 1), in.ExternalID, in.Kind)
	if err != nil {
		return FindTargetOrderResult{}, toTemporal(err)
	}
	return FindTargetOrderResult{Found: found, Target: ref}, nil
}
