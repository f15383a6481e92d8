package workflows

import (
	"go.temporal.io/sdk/workflow"
)

// CustomerSyncWorkflow creates or updates the source's customers in the
// target, matched by e-mail, with the booking settings of their country. A
// source without a change filter (CCV Shop) is listed whole each pass; only
// customers whose data differ from the target's are written.
func CustomerSyncWorkflow(ctx workflow.Context, in CatalogInput) (CatalogState, error) {
	return catalogRun{flow: FlowCustomers, activity: a.SyncCustomerPage}.run(ctx, in, previousState(ctx))
}
