package workflows

import (
	"errors"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// StockSyncWorkflow is the scheduled stock run. It does the work in a
// StockRunWorkflow under the integration's one stock workflow id, the same
// id a reconciliation from the starter uses: Temporal lets only one run per
// id be open, so two runs can never interleave their writes and put back a
// stale value. When a reconciliation is busy, the tick skips and keeps its
// cursor.
func StockSyncWorkflow(ctx workflow.Context, in CatalogInput) (CatalogState, error) {
	previous := previousState(ctx)
	child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            StockRunWorkflowID(in.Integration),
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_TERMINATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(SAIntegration.ValueSet(in.Integration), SAFlow.ValueSet(FlowStock)),
	})
	var out CatalogState
	err := workflow.ExecuteChildWorkflow(child, StockRunWorkflow, StockRunInput{CatalogInput: in, Previous: previous}).Get(ctx, &out)
	var busy *temporal.ChildWorkflowExecutionAlreadyStartedError
	if errors.As(err, &busy) {
		previous.LastRun = CatalogRunStats{Skipped: "another stock run of this integration (a reconciliation) is busy; this tick keeps its cursor"}
		return previous, nil
	}
	return out, err
}

// StockRunInput is a stock run: scheduled (Previous is where the last one
// ended) or a reconciliation (Full: every SKU is compared and drift
// corrected). It embeds CatalogInput so that a full run continuing as new
// with a CatalogInput decodes into it.
type StockRunInput struct {
	CatalogInput
	Previous CatalogState `json:"previous"`
}

// StockRunWorkflow pushes the stock of the changed SKUs (or, with Full,
// compares every SKU and corrects what drifted) and reports what it changed.
func StockRunWorkflow(ctx workflow.Context, in StockRunInput) (CatalogState, error) {
	if in.Resume != nil {
		in.Previous = *in.Resume
	}
	run := catalogRun{flow: FlowStock, activity: a.SyncStockPage, all: true, recheck: a.RecheckStock}
	return run.run(ctx, in.CatalogInput, in.Previous)
}
