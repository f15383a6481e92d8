package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/connectors"
)

// Every order of a customer waits for the keeper's upsert, so the upsert
// runs on a short heartbeat timeout: when its worker dies, Temporal retries
// it elsewhere within AliveTimeout instead of after the start-to-close
// minute (which held a customer's orders for a minute and more in the fault
// run). activities.HeartbeatEvery keeps a live one well inside it.
func TestCustomerKeeperUpsertOutlivesItsWorkerWithinSeconds(t *testing.T) {
	var ts testsuite.WorkflowTestSuite
	ts.SetLogger(quietLogger)
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterActivity(a)
	var heartbeat time.Duration
	env.OnActivity(a.UpsertCustomer, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in activities.UpsertCustomerInput) (activities.EnsureCustomerResult, error) {
			heartbeat = activity.GetInfo(ctx).HeartbeatTimeout
			return activities.EnsureCustomerResult{CustomerID: "7", Action: "created"}, nil
		})
	var got activities.EnsureCustomerResult
	var updErr error
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(activities.UpdateUpsertCustomer, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { updErr = err },
			OnComplete: func(v any, err error) {
				updErr = err
				if err == nil {
					updErr = decodeInto(v, &got)
				}
			},
		}, activities.UpsertCustomerInput{Integration: "shop", Match: connectors.CustomerMatch{Field: "email", Value: "k@example.nl"}})
	}, 0)
	env.ExecuteWorkflow(CustomerKeeperWorkflow)
	require.NoError(t, env.GetWorkflowError())
	require.NoError(t, updErr)
	assert.Equal(t, "7", got.CustomerID)
	assert.Positive(t, heartbeat, "the upsert runs with a heartbeat timeout")
	assert.LessOrEqual(t, heartbeat, 20*time.Second, "a dead worker's upsert is retried within seconds")
	assert.Greater(t, heartbeat, 2*activities.HeartbeatEvery, "a live upsert heartbeats well inside it")
}

// The upsert's retries, like an order step's, wait at most a minute: five
// held a customer's orders for minutes through a flaky target.
func TestCustomerUpsertRetriesAtMostAMinuteApart(t *testing.T) {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(func(ctx workflow.Context) (time.Duration, error) {
		return workflow.GetActivityOptions(withCustomerUpsert(ctx)).RetryPolicy.MaximumInterval, nil
	}, workflow.RegisterOptions{Name: "upsertOptions"})
	env.ExecuteWorkflow("upsertOptions")
	var most time.Duration
	require.NoError(t, env.GetWorkflowResult(&most))
	assert.Equal(t, time.Minute, most)
}
