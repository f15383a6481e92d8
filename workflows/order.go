package workflows

import (
	"fmt"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// OrderInput names one source order. It is defined with the activity that
// starts order workflows for a sync run (activities.StartOrders).
type OrderInput = activities.OrderInput

// OrderOutcome is how an order ended.
type OrderOutcome string

const (
	// OrderCreated: written to the target by this run.
	OrderCreated OrderOutcome = "created"
	// OrderSkipped: the target already had it before this run started.
	OrderSkipped OrderOutcome = "skipped"
	// OrderRecovered: an earlier attempt of this run had written it but the
	// answer was lost; found by its natural key, nothing doubled.
	OrderRecovered OrderOutcome = "recovered"
)

// OrderResult is what the operator reads in the Web UI for one order.
type OrderResult struct {
	Outcome  OrderOutcome                    `json:"outcome"`
	Message  string                          `json:"message"`
	Target   connectors.TargetOrder          `json:"target"`
	Customer activities.EnsureCustomerResult `json:"customer"`
}

// OrderWorkflow syncs one order: fetch → enrich → exists in the target? skip →
// customer → products → commit. Each step is an activity; the decisions
// between them are here.
func OrderWorkflow(ctx workflow.Context, in OrderInput) (OrderResult, error) {
	// Every log line of an order names its integration, flow and number.
	log := log.With(workflow.GetLogger(ctx), "Integration", in.Integration, "Flow", FlowOrders, "OrderID", in.OrderID, "OrderNumber", in.OrderNumber)
	res, err := syncOrder(ctx, in, log)
	outcome := string(res.Outcome)
	if err != nil {
		outcome = "failed"
	}
	workflow.GetMetricsHandler(ctx).WithTags(map[string]string{"integration": in.Integration, "flow": FlowOrders, "outcome": outcome}).
		Counter("koppel_records").Inc(1)
	if err == nil && workflow.GetVersion(ctx, "outcome-attribute", workflow.DefaultVersion, 1) == 1 {
		if uerr := workflow.UpsertTypedSearchAttributes(ctx, SAOutcome.ValueSet(string(res.Outcome))); uerr != nil {
			log.Warn("could not record the outcome for the digest", "Error", uerr)
		}
	}
	if err != nil {
		log.Error("order not synced", "Error", err)
		if !temporal.IsCanceledError(err) {
			alertOnFailure(ctx, in.Integration, FlowOrders, "order "+orderLabel(in, model.Order{}), err)
		}
	}
	return res, err
}

func syncOrder(ctx workflow.Context, in OrderInput, log log.Logger) (OrderResult, error) {
	step := withOrderStep(ctx)

	var order model.Order
	if err := workflow.ExecuteLocalActivity(step, a.FetchOrder,
		activities.FetchOrderInput{Integration: in.Integration, OrderID: in.OrderID}).Get(ctx, &order); err != nil {
		return OrderResult{}, err
	}

	var draft connectors.OrderDraft
	if err := workflow.ExecuteLocalActivity(step, a.EnrichOrder,
		activities.EnrichOrderInput{Integration: in.Integration, Order: order}).Get(ctx, &draft); err != nil {
		return OrderResult{}, err
	}

	var existing activities.FindTargetOrderResult
	if err := workflow.ExecuteLocalActivity(step, a.FindTargetOrder, activities.FindTargetOrderInput{
		Integration: in.Integration, ExternalID: draft.ExternalID, Kind: draft.Kind}).Get(ctx, &existing); err != nil {
		return OrderResult{}, err
	}
	if existing.Found {
		msg := fmt.Sprintf("order %s is already in the target as %s %s (key %s); nothing written",
			orderLabel(in, order), draft.Kind, existing.Target.ID, draft.ExternalID)
		log.Info(msg)
		return OrderResult{Outcome: OrderSkipped, Message: msg, Target: existing.Target}, nil
	}

	var customer activities.EnsureCustomerResult
	if draft.CustomerID != "" {
		customer = activities.EnsureCustomerResult{CustomerID: draft.CustomerID, Action: "default debtor"}
	} else {
		if err := workflow.ExecuteLocalActivity(step, a.EnsureCustomer, activities.EnsureCustomerInput{
			Integration: in.Integration, Customer: order.Customer}).Get(ctx, &customer); err != nil {
			return OrderResult{}, err
		}
		draft.CustomerID = customer.CustomerID
	}

	if err := workflow.ExecuteLocalActivity(step, a.CheckProducts, activities.CheckProductsInput{
		Integration: in.Integration, SKUs: order.SKUs()}).Get(ctx, &draft.ProductIDs); err != nil {
		return OrderResult{}, err
	}

	var committed activities.CommitOrderResult
	if err := workflow.ExecuteLocalActivity(step, a.CommitOrder, activities.CommitOrderInput{
		Integration: in.Integration, Draft: draft}).Get(ctx, &committed); err != nil {
		return OrderResult{}, err
	}
	res := OrderResult{Outcome: OrderCreated, Target: committed.Target, Customer: customer}
	if committed.AlreadyExisted {
		res.Outcome = OrderRecovered
		res.Message = fmt.Sprintf("order %s was written by an earlier attempt whose answer was lost; found it as %s %s",
			orderLabel(in, order), draft.Kind, committed.Target.ID)
	} else {
		res.Message = fmt.Sprintf("order %s written as %s %s for customer %s (%s)",
			orderLabel(in, order), draft.Kind, committed.Target.ID, customer.CustomerID, customer.Action)
	}
	log.Info(res.Message)
	return res, nil
}

func orderLabel(in OrderInput, o model.Order) string {
	if o.Number != "" {
		return o.Number
	}
	if in.OrderNumber != "" {
		return in.OrderNumber
	}
	return in.OrderID
}
