package activities

import (
	"context"
	"errors"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
)

// Keepers (the customer keeper, the token keeper) are workflows reached
// with update-with-start: the first request starts one, later ones join it.

// keeperUpdate says which keeper an update goes to and what it asks.
type keeperUpdate struct {
	ID, Queue, Workflow string
	Input               []any // the keeper's start arguments
	Update              string
	Arg                 any
	// UpdateID, when set, makes a retry of the same caller attach to its
	// update instead of sending another (see callerUpdateID).
	UpdateID string
}

// updateKeeper sends one update to a keeper (starting it if none runs) and
// waits for its result. The server aborts an update whose workflow task
// failed for a moment (an event arriving as the keeper ends or continues as
// new, WorkflowNotReady): the update did not happen, so it is asked again.
func updateKeeper(ctx context.Context, c client.Client, u keeperUpdate, result any) error {
	wait := 100 * time.Millisecond
	for {
		err := updateKeeperOnce(ctx, c, u, result)
		var notReady *serviceerror.WorkflowNotReady
		if !errors.As(err, &notReady) || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

func updateKeeperOnce(ctx context.Context, c client.Client, u keeperUpdate, result any) error {
	start := c.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID: u.ID, TaskQueue: u.Queue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
	}, u.Workflow, u.Input...)
	h, err := c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{UpdateID: u.UpdateID, UpdateName: u.Update, Args: []any{u.Arg},
			WaitForStage: client.WorkflowUpdateStageCompleted},
	})
	if err != nil {
		return err
	}
	return h.Get(ctx, result)
}

// callerUpdateID names the update a calling activity sends: the same for
// every attempt of that activity, so an attempt that timed out while the
// keeper was busy and its retry are one update, answered once. Without it
// each retry added an update, and a keeper slowed by a failing target
// collected more in-flight updates than the server allows (ResourceExhausted),
// stalling every order of that customer. It names workflows and activities
// only, never the customer.
func callerUpdateID(ctx context.Context) string {
	if !activity.IsActivity(ctx) {
		return ""
	}
	info := activity.GetInfo(ctx)
	return info.WorkflowExecution.ID + "/" + info.WorkflowExecution.RunID + "/" + info.ActivityID
}

// keeperQueue is where a keeper runs: the calling activity's task queue, or
// the worker's own when called from outside an activity.
func (a *Activities) keeperQueue(ctx context.Context) string {
	if activity.IsActivity(ctx) {
		return activity.GetInfo(ctx).TaskQueue
	}
	return a.TaskQueue
}
