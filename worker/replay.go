package worker

import (
	"context"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/workflows"
)

// OrderRef names a source order by id and, when known, its number.
type OrderRef struct {
	ID     string
	Number string
}

// ReplayOrder runs one order's workflow again with the current code and
// settings, under its usual id. An order the target holds already is found
// by the workflow and skipped, so a replay never writes an order twice.
func ReplayOrder(ctx context.Context, c client.Client, taskQueue string, in config.Integration, o OrderRef) (client.WorkflowRun, error) {
	return c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        workflows.OrderWorkflowID(in.Name, o.ID),
		TaskQueue: taskQueue,
		// A completed order may run again; one still running may not.
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.SAIntegration.ValueSet(in.Name),
			workflows.SAFlow.ValueSet(workflows.FlowOrders),
			workflows.SASourceSystem.ValueSet(in.Source.System),
			workflows.SATargetSystem.ValueSet(in.Target.System),
			workflows.SAOrderNumber.ValueSet(o.Number),
		),
	}, workflows.OrderWorkflow, workflows.OrderInput{Integration: in.Name, OrderID: o.ID, OrderNumber: o.Number})
}

// FailedOrders lists the orders of an integration whose latest workflow run
// failed (or timed out) and closed at or after since, each once.
func FailedOrders(ctx context.Context, c client.Client, integration string, since time.Time) ([]OrderRef, error) {
	q := fmt.Sprintf("WorkflowType = 'OrderWorkflow' AND Integration = '%s' AND ExecutionStatus IN ('Failed', 'TimedOut') AND CloseTime >= '%s'",
		integration, since.UTC().Format(time.RFC3339))
	seen := map[string]bool{}
	var out []OrderRef
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: q, NextPageToken: token})
		if err != nil {
			return nil, fmt.Errorf("listing failed orders: %w", err)
		}
		for _, e := range resp.Executions {
			id, ok := workflows.SourceOrderID(integration, e.GetExecution().GetWorkflowId())
			if !ok || seen[id] {
				continue
			}
			seen[id] = true
			if !latestRunFailed(ctx, c, e.GetExecution().GetWorkflowId()) {
				continue // replayed since, or running again
			}
			out = append(out, OrderRef{ID: id, Number: activities.KeywordAttribute(e.GetSearchAttributes(), workflows.SAOrderNumber.GetName())})
		}
		if token = resp.NextPageToken; len(token) == 0 {
			return out, nil
		}
	}
}

func latestRunFailed(ctx context.Context, c client.Client, workflowID string) bool {
	d, err := c.DescribeWorkflowExecution(ctx, workflowID, "")
	if err != nil {
		return false
	}
	switch d.GetWorkflowExecutionInfo().GetStatus() {
	case enumspb.WORKFLOW_EXECUTION_STATUS_FAILED, enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
		return true
	}
	return false
}

// ReplayFailedSince runs again every order of the integration whose latest
// run failed since since (after a lost consent is given again, say). It
// returns how many it started; one that could not start is handed to
// notStarted and the others go on.
func ReplayFailedSince(ctx context.Context, c client.Client, taskQueue string, in config.Integration, since time.Time,
	notStarted func(OrderRef, error)) (int, error) {
	refs, err := FailedOrders(ctx, c, in.Name, since)
	if err != nil {
		return 0, err
	}
	started := 0
	for _, r := range refs {
		if _, err := ReplayOrder(ctx, c, taskQueue, in, r); err != nil {
			notStarted(r, err)
			continue
		}
		started++
	}
	return started, nil
}
