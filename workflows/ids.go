// Package workflows holds the flows as Temporal workflows: deterministic code
// only, every outside call an activity. One file per flow.
package workflows

import (
	"strings"
	"time"
)

// Flow names, as they appear in schedule ids and the Flow search attribute.
const (
	FlowOrders    = "orders"
	FlowProducts  = "products"
	FlowStock     = "stock"
	FlowCustomers = "customers"
)

// StockRunWorkflowID is the one id every stock run of an integration uses,
// scheduled or a reconciliation, so they never run at the same time.
func StockRunWorkflowID(integration string) string {
	return integration + "/stock"
}

// FullRunWorkflowID is the id of a full products or customers run started by
// hand; one per integration and flow at a time.
func FullRunWorkflowID(integration, flow string) string {
	return integration + "/" + flow + "/full"
}

// OrderWorkflowID is the id of the workflow that syncs one source order. It
// holds only the integration name and the source's order id — never a name or
// e-mail — and it is what makes an order arrive once.
func OrderWorkflowID(integration, sourceOrderID string) string {
	return integration + "/order/" + sourceOrderID
}

// ScheduleID is the id of an integration flow's polling schedule.
func ScheduleID(integration, flow string) string {
	return integration + "-" + flow
}

// BackfillWorkflowID is the id of a backfill run over [from, to).
func BackfillWorkflowID(integration, flow string, from, to time.Time) string {
	const f = "20060102T150405Z"
	return integration + "-" + flow + "-backfill-" + from.UTC().Format(f) + "-" + to.UTC().Format(f)
}

// SourceOrderID reads the source order id back from an OrderWorkflowID; ok is
// false when the id is not an order workflow of that integration.
func SourceOrderID(integration, workflowID string) (id string, ok bool) {
	id, ok = strings.CutPrefix(workflowID, integration+"/order/")
	return id, ok && id != ""
}

// OrderHintWorkflowID is the id of the workflow that turns webhook events
// about one source order into its OrderWorkflow (order_hint.go).
func OrderHintWorkflowID(integration, sourceOrderID string) string {
	return integration + "/order-hint/" + sourceOrderID
}
