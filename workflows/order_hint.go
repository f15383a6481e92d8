package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
)

// OrderHintSignal is the signal the webhook receiver sends (with start) to an
// order's hint workflow, once per event about that order.
const OrderHintSignal = "order-hint"

// OrderHintInput names the order a webhook event was about.
type OrderHintInput struct {
	Integration string `json:"integration"`
	OrderID     string `json:"orderId"`
}

// OrderHint is what the receiver signals: the event, for the history.
type OrderHint struct {
	EventID   string `json:"eventId"`
	EventType string `json:"eventType"`
}

// OrderHintResult is how a hint ended, for the operator.
type OrderHintResult struct {
	// State is the order's state at the last check (activities.OrderEligible …).
	State string `json:"state"`
	// Started: the OrderWorkflow was started by this hint; false with an
	// eligible state means it existed already (the poll or an earlier
	// event was first).
	Started bool   `json:"started"`
	Checks  int    `json:"checks"`
	Events  int    `json:"events"`
	Message string `json:"message"`
}

// HintCheckBudget bounds the attempts of one check: a source down for longer
// leaves the order to the poll, the safety net.
const HintCheckBudget = 10 * time.Minute

// OrderHintWorkflow turns webhook events about one order into at most one
// OrderWorkflow: it reads the order through the API, and when the order flow
// takes it now (the poll's own rules: paid, in a synced status), starts the
// order's workflow under its usual id. An event for an order that is not
// eligible yet writes nothing; the next event (paid) or the poll brings it.
// Events arriving during a check are folded into one more check, so a storm
// of events about an order costs a few checks, not one each.
func OrderHintWorkflow(ctx workflow.Context, in OrderHintInput) (OrderHintResult, error) {
	var res OrderHintResult
	hints := workflow.GetSignalChannel(ctx, OrderHintSignal)
	drain := func() int {
		n := 0
		for hints.ReceiveAsync(nil) {
			n++
		}
		res.Events += n
		return n
	}
	check := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: HintCheckBudget,
		RetryPolicy:            retryPolicy(time.Minute),
	})
	drain()
	for {
		var st activities.CheckOrderResult
		if err := workflow.ExecuteLocalActivity(check, a.CheckOrder,
			activities.CheckOrderInput{Integration: in.Integration, OrderID: in.OrderID}).Get(ctx, &st); err != nil {
			return res, err
		}
		res.Checks++
		res.State = st.State
		if st.State == activities.OrderEligible {
			err := startOrderWorkflow(ctx, orderStart(in.Integration, st.Source, st.Target, st.Ref)).GetChildWorkflowExecution().Get(ctx, nil)
			switch {
			case temporal.IsWorkflowExecutionAlreadyStartedError(err):
				res.Message = fmt.Sprintf("order %s is eligible; its workflow %s exists already", in.OrderID, OrderWorkflowID(in.Integration, in.OrderID))
			case err != nil:
				return res, err
			default:
				res.Started = true
				res.Message = fmt.Sprintf("order %s is eligible; started %s", in.OrderID, OrderWorkflowID(in.Integration, in.OrderID))
			}
			drain()
			return res, nil
		}
		// Not (yet) for the flow: look again only if an event came meanwhile.
		if drain() == 0 {
			res.Message = fmt.Sprintf("order %s is %s: nothing to write now", in.OrderID, st.State)
			return res, nil
		}
	}
}
