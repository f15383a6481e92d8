package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
)

// keeperIdle is how long a customer keeper waits for another request before
// it ends; the next request starts a new run under the same id.
const keeperIdle = time.Minute

// keeperMaxRequests bounds one run's history; past it the keeper continues
// as new once it is idle between requests.
const keeperMaxRequests = 500

// CustomerKeeperWorkflow serialises the upserts of one customer in one
// target account (its id: activities.CustomerKeeperWorkflowID, a keyed hash,
// never the e-mail). Order and customers-flow activities send their
// requests as updates with update-with-start; the handler runs them one at
// a time, each as an UpsertCustomer activity that finds the customer again
// before it creates one, so two orders of one new customer make one
// relation. The keeper ends after a quiet minute.
func CustomerKeeperWorkflow(ctx workflow.Context) error {
	lock := workflow.NewMutex(ctx)
	requests := 0
	if err := workflow.SetUpdateHandler(ctx, activities.UpdateUpsertCustomer,
		func(ctx workflow.Context, in activities.UpsertCustomerInput) (activities.EnsureCustomerResult, error) {
			requests++
			if err := lock.Lock(ctx); err != nil {
				return activities.EnsureCustomerResult{}, err
			}
			defer lock.Unlock()
			var res activities.EnsureCustomerResult
			err := workflow.ExecuteActivity(withCustomerUpsert(ctx), a.UpsertCustomer, in).Get(ctx, &res)
			return res, err
		}); err != nil {
		return err
	}
	for {
		seen := requests
		if _, err := workflow.AwaitWithTimeout(ctx, keeperIdle, func() bool { return requests != seen }); err != nil {
			return err
		}
		if requests != seen || !workflow.AllHandlersFinished(ctx) {
			continue
		}
		// Quiet: nothing arrived and nothing runs. Handlers finished, so
		// ending (or continuing as new) loses no request.
		if requests >= keeperMaxRequests {
			return workflow.NewContinueAsNewError(ctx, CustomerKeeperWorkflow)
		}
		return nil
	}
}

// withCustomerUpsert is for the keeper's upserts: one call to the target
// each, retried through outages like an order step. It heartbeats: the
// orders of this customer wait for it, so an upsert whose worker died is
// retried elsewhere after AliveTimeout, not after its start-to-close time
// (a killed worker held every order of the customer for a minute or more).
func withCustomerUpsert(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		HeartbeatTimeout:       AliveTimeout,
		ScheduleToCloseTimeout: OrderStepBudget,
		// At most a minute between attempts, as for an order step: the
		// customer's orders wait for this one.
		RetryPolicy: retryPolicy(time.Minute),
	})
}
