package workflows

import (
	"time"

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
	ctx = withAlertDelivery(ctx, 6*time.Hour)
	var d activities.Digest
	if err := workflow.ExecuteActivity(ctx, a.CollectDigest, activities.DigestInput{
		Integration: in.Integration, From: to.Add(-24 * time.Hour), To: to}).Get(ctx, &d); err != nil {
		return d, err
	}
	// A channel that stays down misses one digest; the counts stay in the result.
	overEveryChannel(ctx, a.SendDigest, func(ch string) any { return activities.SendDigestInput{Channel: ch, Digest: d} })
	return d, nil
}
