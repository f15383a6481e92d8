package workflows

import (
	"go.temporal.io/sdk/workflow"
)

// ProductSyncWorkflow creates or updates, by SKU, the products that changed
// in the flow's source since the last run (or every product, with Full), in
// whichever direction the integration's products flow runs. A Schedule
// starts it; the cursor travels from run to run as the completion result.
// One activity per page does the writing, so the history grows by a few
// events per page, and a run stops after pagesPerRun pages (a full run
// continues as new).
func ProductSyncWorkflow(ctx workflow.Context, in CatalogInput) (CatalogState, error) {
	return catalogRun{flow: FlowProducts, activity: a.SyncProductPage}.run(ctx, in, previousState(ctx))
}
