package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
)

func newHintEnv(t *testing.T) (*testsuite.TestWorkflowEnvironment, *[]string) {
	var ts testsuite.WorkflowTestSuite
	ts.SetLogger(quietLogger)
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterActivity(a)
	env.RegisterWorkflow(OrderWorkflow)
	var started []string
	env.OnWorkflow(OrderWorkflow, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, in OrderInput) (OrderResult, error) {
			started = append(started, workflow.GetInfo(ctx).WorkflowExecution.ID)
			return OrderResult{Outcome: OrderCreated}, nil
		}).Maybe()
	t.Cleanup(func() { env.AssertExpectations(t) })
	return env, &started
}

func checked(state string) activities.CheckOrderResult {
	return activities.CheckOrderResult{State: state, Ref: ref("7", syncStart), Source: "ecwid", Target: "salespos"}
}

// A paid order's event starts its OrderWorkflow under the usual id.
func TestAHintForAPaidOrderStartsItsWorkflow(t *testing.T) {
	env, started := newHintEnv(t)
	env.OnActivity(a.CheckOrder, mock.Anything, activities.CheckOrderInput{Integration: "demo", OrderID: "7"}).
		Return(checked(activities.OrderEligible), nil).Once()
	env.ExecuteWorkflow(OrderHintWorkflow, OrderHintInput{Integration: "demo", OrderID: "7"})
	require.NoError(t, env.GetWorkflowError())
	var r OrderHintResult
	require.NoError(t, env.GetWorkflowResult(&r))
	assert.True(t, r.Started)
	assert.Equal(t, []string{"demo/order/7"}, *started)
}

// An unpaid order's event writes nothing; an event that arrives while the
// order is being checked (its payment) makes one more check, which starts it.
func TestAHintForAnUnpaidOrderWaitsAndTheNextEventIsChecked(t *testing.T) {
	env, started := newHintEnv(t)
	calls := 0
	env.OnActivity(a.CheckOrder, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.CheckOrderInput) (activities.CheckOrderResult, error) {
			calls++
			if calls == 1 {
				env.SignalWorkflow(OrderHintSignal, OrderHint{EventID: "e2", EventType: "order.updated"})
				return checked(activities.OrderWaiting), nil
			}
			return checked(activities.OrderEligible), nil
		}).Times(2)
	env.ExecuteWorkflow(OrderHintWorkflow, OrderHintInput{Integration: "demo", OrderID: "7"})
	require.NoError(t, env.GetWorkflowError())
	var r OrderHintResult
	require.NoError(t, env.GetWorkflowResult(&r))
	assert.Equal(t, 2, r.Checks)
	assert.Equal(t, []string{"demo/order/7"}, *started)

	env2, started2 := newHintEnv(t)
	env2.OnActivity(a.CheckOrder, mock.Anything, mock.Anything).Return(checked(activities.OrderWaiting), nil).Once()
	env2.ExecuteWorkflow(OrderHintWorkflow, OrderHintInput{Integration: "demo", OrderID: "7"})
	require.NoError(t, env2.GetWorkflowError())
	require.NoError(t, env2.GetWorkflowResult(&r))
	assert.Equal(t, activities.OrderWaiting, r.State)
	assert.Empty(t, *started2, "nothing that writes")
}

// Webhooks are watched through the poll: orders the poll must start itself
// for OutageAfter raise one alert and bring the poll back to the flow's
// interval; an order a webhook brought first ends the outage and slows the
// poll down again.
func TestAWebhookOutageIsAlertedOnceAndEnds(t *testing.T) {
	s := settings(500)
	s.Webhooks = &activities.WebhookPolling{PollInterval: 15 * time.Minute, Interval: time.Minute, OutageAfter: 30 * time.Minute}
	var intervals []time.Duration
	var notices int
	onInterval := func(env *syncEnv) {
		env.OnActivity(a.SetPollInterval, mock.Anything, mock.Anything).Return(
			func(_ context.Context, in activities.SetPollIntervalInput) (string, error) {
				assert.Equal(t, "demo-orders", in.ScheduleID)
				intervals = append(intervals, in.Every)
				return "", nil
			}).Maybe()
		env.OnWorkflow(NotifyFailureWorkflow, mock.Anything, mock.Anything).Return(
			func(_ workflow.Context, n activities.FailureNotice) (map[string]string, error) {
				notices++
				assert.Equal(t, "webhooks", n.Record)
				return nil, nil
			}).Maybe()
	}

	// Poll-only for 10 minutes: not yet an outage.
	h := &WebhookHealth{}
	at := syncStart
	for _, step := range []time.Duration{0, 10 * time.Minute, 25 * time.Minute, 45 * time.Minute} {
		env := newSyncEnv(t, s)
		onInterval(env)
		env.SetStartTime(at.Add(step))
		env.SetLastCompletionResult(OrderCursor{Feed: "c1", Webhooks: h})
		env.OnActivity(a.FeedOrders, mock.Anything, mock.Anything).
			Return(activities.FeedOrdersResult{OrderSort: sorted([]activities.OrderRef{ref(step.String(), at)}, nil), Cursor: "c2"}, nil).Once()
		env.ExecuteWorkflow(OrderSyncWorkflow, OrderSyncInput{Integration: "demo"})
		h = env.cursor(t).Webhooks
	}
	assert.Equal(t, 1, notices, "one alert for the outage")
	assert.Equal(t, []time.Duration{time.Minute}, intervals, "the poll goes back to the flow's interval")
	assert.True(t, h.Down)
}

func TestWebhookVerdicts(t *testing.T) {
	w := activities.WebhookPolling{PollInterval: 15 * time.Minute, Interval: time.Minute, OutageAfter: 30 * time.Minute}
	t0 := syncStart
	h, v := judgeWebhooks(WebhookHealth{}, w, RunStats{}, t0)
	assert.Equal(t, webhooksAsBefore, v, "no orders: nothing to judge by")
	assert.Zero(t, h)
	h, v = judgeWebhooks(h, w, RunStats{Started: 1, AlreadyKnown: 3}, t0)
	assert.Equal(t, webhooksAsBefore, v, "most came by webhook; one the poll caught first is no outage")
	assert.Zero(t, h)
	h, _ = judgeWebhooks(h, w, RunStats{Started: 2}, t0)
	h, v = judgeWebhooks(h, w, RunStats{Started: 2}, t0.Add(29*time.Minute))
	assert.Equal(t, webhooksAsBefore, v)
	h, v = judgeWebhooks(h, w, RunStats{Started: 1}, t0.Add(30*time.Minute))
	assert.Equal(t, webhooksDown, v)
	h, v = judgeWebhooks(h, w, RunStats{Started: 1}, t0.Add(2*time.Hour))
	assert.Equal(t, webhooksAsBefore, v, "alerted once")
	assert.True(t, h.Down)
	h, v = judgeWebhooks(h, w, RunStats{AlreadyKnown: 1}, t0.Add(3*time.Hour))
	assert.Equal(t, webhooksBack, v)
	assert.Zero(t, h)
}
