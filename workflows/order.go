package workflows

import (
	"errors"
	"fmt"
	"time"

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
	var order model.Order
	if err := orderStep(ctx, a.FetchOrder, activities.FetchOrderInput{Integration: in.Integration, OrderID: in.OrderID}, &order); err != nil {
		return OrderResult{}, err
	}

	var draft connectors.OrderDraft
	if err := orderStep(ctx, a.EnrichOrder, activities.EnrichOrderInput{Integration: in.Integration, Order: order}, &draft); err != nil {
		return OrderResult{}, err
	}

	var existing activities.FindTargetOrderResult
	if err := orderStep(ctx, a.FindTargetOrder, activities.FindTargetOrderInput{
		Integration: in.Integration, ExternalID: draft.ExternalID, Kind: draft.Kind}, &existing); err != nil {
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
		if err := orderStep(ctx, a.EnsureCustomer, activities.EnsureCustomerInput{
			Integration: in.Integration, Customer: order.Customer}, &customer); err != nil {
			return OrderResult{}, err
		}
		draft.CustomerID = customer.CustomerID
	}

	if err := orderStep(ctx, a.CheckProducts, activities.CheckProductsInput{
		Integration: in.Integration, SKUs: order.SKUs()}, &draft.ProductIDs); err != nil {
		return OrderResult{}, err
	}

	var committed activities.CommitOrderResult
	if err := orderStep(ctx, a.CommitOrder, activities.CommitOrderInput{
		Integration: in.Integration, Draft: draft}, &committed); err != nil {
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

// orderStep runs one step of an order as a local activity. A step this
// worker's rate limiter cannot serve before the step's deadline (the worker
// already holds that much work for the system) goes back to the task queue
// as a regular activity, which any worker of the fleet may take: a local
// activity and its retries stay on the worker that started the order, so at
// the end of a backlog the orders one worker had taken waited for its share
// of the quota while the other workers, done with theirs, stood idle.
func orderStep(ctx workflow.Context, step, in, out any) error {
	err := workflow.ExecuteLocalActivity(withOrderStep(ctx), step, in).Get(ctx, out)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != activities.ErrTypeLimiterBusy {
		return err
	}
	if workflow.GetVersion(ctx, "hand-off-busy-step", workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		// Not reached: no history from before the hand-off holds a busy
		// limiter. Deterministic all the same: wait as asked, try here again.
		if err := workflow.Sleep(ctx, max(appErr.NextRetryDelay(), time.Second)); err != nil {
			return err
		}
		return orderStep(ctx, step, in, out)
	}
	return workflow.ExecuteActivity(withHandedOffStep(ctx), step, in).Get(ctx, out)
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
