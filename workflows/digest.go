package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
)

// FlowDigest names the daily digest in schedule ids.
const FlowDigest = "digest"

// DigestWorkflowInput names the integration; the period is the day before the run.
type DigestWorkflowInput struct {
	Integration string `json:"integration"`
}

// DigestWorkflow counts what the integration did in the last 24 hours and
// sends it over its alert channels. A daily schedule starts it.
func DigestWorkflow(ctx workflow.Context, in DigestWorkflowInput) (activities.Digest, error) {
	to := workflow.Now(ctx)
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: 6 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 10 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: 10 * time.Minute, NonRetryableErrorTypes: activities.NonRetryableErrorTypes},
	})
	var d activities.Digest
	if err := workflow.ExecuteActivity(ctx, a.CollectDigest, activities.DigestInput{
		Integration: in.Integration, From: to.Add(-24 * time.Hour), To: to}).Get(ctx, &d); err != nil {
		return d, err
	}
	channels := []string{activities.ChannelWebhook, activities.ChannelEmail}
	futures := make([]workflow.Future, len(channels))
	for i, ch := range channels {
		futures[i] = workflow.ExecuteActivity(ctx, a.SendDigest, activities.SendDigestInput{Channel: ch, Digest: d})
	}
	for _, f := range futures {
		_ = f.Get(ctx, nil) // a channel that stays down misses one digest; the counts stay in the result
	}
	return d, nil
}
