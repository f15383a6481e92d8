package activities

import (
	"context"
	"errors"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// OrderWorkflowName is the name the order workflow is registered under.
// StartOrders starts it by name, as keepers are: workflows imports this
// package, not the other way round.
const OrderWorkflowName = "OrderWorkflow"

// OrderInput names one source order: the order workflow's input.
type OrderInput struct {
	Integration string `json:"integration"`
	OrderID     string `json:"orderId"`
	OrderNumber string `json:"orderNumber"`
}

// OrderStart is one order workflow for StartOrders to start, as the sync
// run decided it: its id and its search attributes (all keywords, never a
// name or e-mail).
type OrderStart struct {
	WorkflowID string            `json:"workflowId"`
	Keywords   map[string]string `json:"keywords"`
	Input      OrderInput        `json:"input"`
}

// StartOrdersInput lists the orders of one page, in turn.
type StartOrdersInput struct {
	Orders []OrderStart `json:"orders"`
}

// StartOrdersResult says for each order, in turn, whether this call started
// it; false means its id was taken (synced already, or running).
type StartOrdersResult struct {
	Started []bool `json:"started"`
}

// StartOrders starts one order workflow per order on this worker's task
// queue. A sync run used to start them as its children; each child then
// added its start and its end to the run's history and a workflow task for
// each, and the run, one workflow, turned them over one at a time: on
// PostgreSQL that, not the workers, set the pace of a backfill. Started
// from here, the orders are independent workflows under the same ids and
// the same reuse policy, so an order is still written once: an id that
// exists is reported, a failed one starts again. Progress is heartbeated,
// so a retry after a crash goes on where the last attempt stopped.
func (a *Activities) StartOrders(ctx context.Context, in StartOrdersInput) (StartOrdersResult, error) {
	if a.Temporal == nil {
		return StartOrdersResult{}, configError(errors.New("starting order workflows needs the worker's Temporal client (Activities.Temporal)"))
	}
	out := StartOrdersResult{Started: make([]bool, len(in.Orders))}
	from := 0
	var before StartOrdersResult
	if activity.HasHeartbeatDetails(ctx) && activity.GetHeartbeatDetails(ctx, &before) == nil && len(before.Started) <= len(out.Started) {
		from = copy(out.Started, before.Started)
	}
	queue := activity.GetInfo(ctx).TaskQueue
	for i := from; i < len(in.Orders); i++ {
		started, err := startOrder(ctx, a.Temporal, queue, in.Orders[i])
		if err != nil {
			return out, err
		}
		out.Started[i] = started
		activity.RecordHeartbeat(ctx, StartOrdersResult{Started: out.Started[:i+1]})
	}
	return out, nil
}

// SearchAttributes are the order workflow's keyword search attributes.
func (o OrderStart) SearchAttributes() temporal.SearchAttributes {
	attrs := make([]temporal.SearchAttributeUpdate, 0, len(o.Keywords))
	for k, v := range o.Keywords {
		attrs = append(attrs, temporal.NewSearchAttributeKeyKeyword(k).ValueSet(v))
	}
	return temporal.NewSearchAttributes(attrs...)
}

// startOrder starts one order workflow; false: its id was taken.
func startOrder(ctx context.Context, c client.Client, queue string, o OrderStart) (bool, error) {
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        o.WorkflowID,
		TaskQueue: queue,
		// Only a failed order runs again; a running or synced one is left.
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		TypedSearchAttributes:                    o.SearchAttributes(),
	}, OrderWorkflowName, o.Input)
	if temporal.IsWorkflowExecutionAlreadyStartedError(err) {
		return false, nil
	}
	return err == nil, err
}
