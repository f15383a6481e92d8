package workflows

import (
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
)

// a is a nil receiver used only to name activity methods type-safely; the
// worker registers the real Activities value.
var a *activities.Activities

// Retry caps. An outage heals by itself within these windows; after them the
// workflow fails and shows up for an operator.
const (
	// OrderStepBudget bounds all attempts of one order step (a target down for a day).
	OrderStepBudget = 24 * time.Hour
	// PageBudget bounds the attempts of one listing page in a polling run; the
	// next scheduled run picks up from the same cursor anyway.
	PageBudget = 30 * time.Minute
)

func retryPolicy(maxInterval time.Duration) *temporal.RetryPolicy {
	return &temporal.RetryPolicy{
		InitialInterval:        time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        maxInterval,
		NonRetryableErrorTypes: activities.NonRetryableErrorTypes,
	}
}

// withOrderStep runs the steps of one order as local activities: each call to
// an outside system is still its own retried activity, recorded in history,
// but without a task round trip through the server per step — that is what
// lets one worker sync orders at the speed the engine allows.
func withOrderStep(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout:    orderStepTimeout,
		ScheduleToCloseTimeout: OrderStepBudget,
		RetryPolicy:            orderStepRetry,
	})
}

// withHandedOffStep is for an order step handed to the fleet (orderStep): a
// regular activity with the local step's limits, each attempt taken by
// whichever worker polls first, when the limiter that refused it said.
func withHandedOffStep(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    orderStepTimeout,
		ScheduleToCloseTimeout: OrderStepBudget,
		RetryPolicy:            retryPolicy(orderStepRetryMax),
	})
}

// An order step's attempt may take a minute, and attempts come at most a
// minute apart: an order resumes soon after its target does, and a day of
// retries stays a few thousand events.
const orderStepTimeout, orderStepRetryMax = time.Minute, time.Minute

// orderStepRetry is the local steps' policy, built once: a busy limiter
// ends the local attempts, and orderStep hands the step on.
var orderStepRetry = func() *temporal.RetryPolicy {
	p := retryPolicy(orderStepRetryMax)
	p.NonRetryableErrorTypes = append(slices.Clone(p.NonRetryableErrorTypes), activities.ErrTypeLimiterBusy)
	return p
}()

// withSettings is for reading settings from the worker's file: no I/O, fast.
func withSettings(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         retryPolicy(time.Minute),
	})
}

// withPage is for listing calls: a regular activity, so a long listing never
// holds a workflow task and each page shows as its own event. It heartbeats
// while it runs: a page whose worker died is retried after the heartbeat
// timeout, not after the whole start-to-close time (which, with the
// schedule's overlap SKIP, stalled every order for minutes).
func withPage(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    2 * time.Minute,
		HeartbeatTimeout:       AliveTimeout,
		ScheduleToCloseTimeout: PageBudget,
		RetryPolicy:            retryPolicy(2 * time.Minute),
	})
}

// withStarts is for StartOrders, which starts a page's order workflows and
// heartbeats after each: a page whose worker died is taken up elsewhere
// after the heartbeat timeout, from its last heartbeat on.
func withStarts(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    2 * time.Minute,
		HeartbeatTimeout:       AliveTimeout,
		ScheduleToCloseTimeout: PageBudget,
		RetryPolicy:            retryPolicy(time.Minute),
	})
}

// AliveTimeout is how long an activity that keeps itself alive
// (activities.HeartbeatEvery) may go without a heartbeat before Temporal
// takes its worker for dead and retries it elsewhere: listings, order
// starts and the customer keeper's upserts, which every order waits for.
const AliveTimeout = 20 * time.Second

// CatalogPageBudget bounds the attempts of one catalog page; the next
// scheduled run starts again from the last completed run's position.
const CatalogPageBudget = time.Hour

// withCatalogPage is for the page activities of the catalog flows: a page
// writes many records at the target's rate limit, so it may take minutes; it
// heartbeats after every record and a retry resumes after the last one done.
func withCatalogPage(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    20 * time.Minute,
		HeartbeatTimeout:       2 * time.Minute,
		ScheduleToCloseTimeout: CatalogPageBudget,
		RetryPolicy:            retryPolicy(2 * time.Minute),
	})
}

// withRecheck is for rechecking waiting orders: the activity paces itself,
// heartbeats after every order and returns what it did before its timeout,
// so a retry resumes and a failure only means the orders wait a run longer.
func withRecheck(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    2 * time.Minute,
		HeartbeatTimeout:       time.Minute,
		ScheduleToCloseTimeout: 5 * time.Minute,
		RetryPolicy:            retryPolicy(30 * time.Second),
	})
}

// withSettingsChange is for changing Temporal settings (a schedule's
// interval): short, retried a little, never failing the caller's run.
func withSettingsChange(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: 2 * time.Minute,
		RetryPolicy:            retryPolicy(30 * time.Second),
	})
}
