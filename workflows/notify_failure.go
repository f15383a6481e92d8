package workflows

import (
	"errors"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
)

// AlertBudget bounds how long a notice keeps trying a channel that is down.
const AlertBudget = 24 * time.Hour

// NotifyFailureWorkflow sends one notice over every alert channel of the
// integration. Each channel retries on its own; a channel that stays down
// is reported in the result and never fails anything else.
func NotifyFailureWorkflow(ctx workflow.Context, n activities.FailureNotice) (map[string]string, error) {
	return overEveryChannel(withAlertDelivery(ctx, AlertBudget), a.NotifyFailure, func(ch string) any {
		return activities.NotifyFailureInput{Channel: ch, Notice: n}
	}), nil
}

// withAlertDelivery retries a channel on its own, patiently, for budget.
func withAlertDelivery(ctx workflow.Context, budget time.Duration) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: budget,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 10 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: 10 * time.Minute, NonRetryableErrorTypes: activities.NonRetryableErrorTypes},
	})
}

// overEveryChannel runs the activity once per alert channel, all at once, and
// returns each channel's status; a channel that gives up says so and fails
// nothing else.
func overEveryChannel(ctx workflow.Context, activity any, input func(channel string) any) map[string]string {
	channels := []string{activities.ChannelWebhook, activities.ChannelEmail}
	futures := make([]workflow.Future, len(channels))
	for i, ch := range channels {
		futures[i] = workflow.ExecuteActivity(ctx, activity, input(ch))
	}
	out := map[string]string{}
	for i, f := range futures {
		var status string
		if err := f.Get(ctx, &status); err != nil {
			status = "gave up: " + err.Error()
		}
		out[channels[i]] = status
	}
	return out
}

// alertWorkflowID names the notice of one failed run.
func alertWorkflowID(workflowID, runID string) string {
	return workflowID + "/alert/" + runID
}

// alertOnFailure starts the notice for a record that failed for good and
// does not wait for it: the record's workflow fails at once, the notice
// retries on its own.
func alertOnFailure(ctx workflow.Context, integration, flow, record string, cause error) {
	if workflow.GetVersion(ctx, "alert-on-failure", workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return // runs that began before alerts existed
	}
	info := workflow.GetInfo(ctx)
	n := activities.FailureNotice{Integration: integration, Flow: flow, Record: record, Reason: cause.Error(),
		WorkflowID: info.WorkflowExecution.ID, RunID: info.WorkflowExecution.RunID}
	var appErr *temporal.ApplicationError
	if errors.As(cause, &appErr) {
		// A lost consent is alerted once, by its token keeper, not once per
		// record (no history before the eAccounting flows holds this type,
		// so leaving the notice out needs no version marker).
		if appErr.Type() == activities.ErrTypeReconnect {
			return
		}
		n.Reason, n.Actionable = appErr.Error(), appErr.NonRetryable()
	}
	startNotice(ctx, n)
}

// startNotice starts a NotifyFailureWorkflow for the notice and waits only
// until it runs, so the notice is on its way before the caller goes on.
func startNotice(ctx workflow.Context, n activities.FailureNotice) {
	info := workflow.GetInfo(ctx)
	integration, flow := n.Integration, n.Flow
	child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:        alertWorkflowID(info.WorkflowExecution.ID, info.WorkflowExecution.RunID),
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			SAIntegration.ValueSet(integration), SAFlow.ValueSet(flow)),
	})
	// Waiting for the start only: the notice is on its way before we fail.
	_ = workflow.ExecuteChildWorkflow(child, NotifyFailureWorkflow, n).GetChildWorkflowExecution().Get(ctx, nil)
}
