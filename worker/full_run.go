package worker

import (
	"context"
	"errors"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/workflows"
)

// ErrRunBusy says a run of the flow is already open; wait for it and try again.
var ErrRunBusy = errors.New("a run of this flow is busy")

// StartFullRun starts a run that goes through every record of a catalog flow
// instead of the changed ones: for stock a reconciliation that compares every
// SKU and corrects drift, for products and customers a full resync. A stock
// reconciliation uses the one stock workflow id the scheduled runs use, so it
// never runs beside one; when one is busy it returns ErrRunBusy and the run
// that is busy (wait for it and call again).
func StartFullRun(ctx context.Context, c client.Client, taskQueue string, in config.Integration, flow string) (client.WorkflowRun, error) {
	opts := client.StartWorkflowOptions{
		TaskQueue:                taskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.SAIntegration.ValueSet(in.Name), workflows.SAFlow.ValueSet(flow)),
	}
	full := workflows.CatalogInput{Integration: in.Name, Full: true}
	var (
		run client.WorkflowRun
		err error
	)
	switch flow {
	case workflows.FlowStock:
		if sf, _ := in.StockFlowFor(); sf == nil {
			return nil, fmt.Errorf("integration %s has no enabled stock flow", in.Name)
		}
		opts.ID = workflows.StockRunWorkflowID(in.Name)
		run, err = c.ExecuteWorkflow(ctx, opts, workflows.StockRunWorkflow, workflows.StockRunInput{CatalogInput: full})
	case workflows.FlowProducts:
		if pf, _ := in.ProductFlowFor(); pf == nil {
			return nil, fmt.Errorf("integration %s has no enabled products flow", in.Name)
		}
		opts.ID = workflows.FullRunWorkflowID(in.Name, flow)
		run, err = c.ExecuteWorkflow(ctx, opts, workflows.ProductSyncWorkflow, full)
	case workflows.FlowCustomers:
		if in.CustomerFlowFor() == nil {
			return nil, fmt.Errorf("integration %s has no enabled customers flow", in.Name)
		}
		opts.ID = workflows.FullRunWorkflowID(in.Name, flow)
		run, err = c.ExecuteWorkflow(ctx, opts, workflows.CustomerSyncWorkflow, full)
	default:
		return nil, fmt.Errorf("flow %q has no full run (products, stock, customers do)", flow)
	}
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return c.GetWorkflow(ctx, opts.ID, started.RunId), ErrRunBusy
	}
	return run, err
}
