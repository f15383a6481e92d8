package activities

import (
	"context"

	"go.temporal.io/sdk/activity"

	"github.com/koppel/koppel/connectors"
)

// CommitOrderInput is the complete draft.
type CommitOrderInput struct {
	Integration string                `json:"integration"`
	Draft       connectors.OrderDraft `json:"draft"`
}

// CommitOrderResult names what was written.
type CommitOrderResult struct {
	Target connectors.TargetOrder `json:"target"`
	// AlreadyExisted is true when an earlier attempt had written the order but
	// its answer was lost; the existing order is returned, nothing is doubled.
	AlreadyExisted bool `json:"alreadyExisted"`
}

// CommitOrder writes the order (or invoice) to the target. A duplicate-key
// answer after an ambiguous failure is looked up and treated as success.
func (a *Activities) CommitOrder(ctx context.Context, in CommitOrderInput) (CommitOrderResult, error) {
	rt, err := a.orderIntegration(in.Integration)
	if err != nil {
		return CommitOrderResult{}, err
	}
	// A retry may follow a write whose answer was lost: the target's
	// lookup before writing must then also find what its index lags on.
	if activity.IsActivity(ctx) { // called outside an activity: left unmarked, so the lookup is careful
		ctx = connectors.WithWriteAttempt(ctx, int(activity.GetInfo(ctx).Attempt))
	}
	ref, err := rt.Target.CreateOrder(ctx, in.Draft)
	if connectors.IsKind(err, connectors.KindConflict) {
		existing, found, ferr := rt.Target.FindOrder(ctx, in.Draft.ExternalID, in.Draft.Kind)
		if ferr != nil {
			return CommitOrderResult{}, toTemporal(ferr)
		}
		if found {
			return CommitOrderResult{Target: existing, AlreadyExisted: true}, nil
		}
	}
	if err != nil {
		return CommitOrderResult{}, toTemporal(err)
	}
	return CommitOrderResult{Target: ref}, nil
}
