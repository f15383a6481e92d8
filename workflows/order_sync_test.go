package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
)

var syncStart = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func settings(maxPerRun int) activities.OrderFlowSettings {
	return activities.OrderFlowSettings{Source: "ccvshop", Target: "mplus", StartFrom: syncStart.Add(-24 * time.Hour),
		PageSize: 2, MaxOrdersPerRun: maxPerRun, SettleDelay: 10 * time.Second, PendingMaxAge: 7 * 24 * time.Hour}
}

func ref(id string, created time.Time) activities.OrderRef {
	return activities.OrderRef{ID: id, Number: "WEB-" + id, CreatedAt: created}
}

type syncEnv struct {
	*testsuite.TestWorkflowEnvironment
	started []string
}

func newSyncEnv(t *testing.T, s activities.OrderFlowSettings) *syncEnv {
	var ts testsuite.WorkflowTestSuite
	ts.SetLogger(quietLogger)
	env := &syncEnv{TestWorkflowEnvironment: ts.NewTestWorkflowEnvironment()}
	env.SetStartTime(syncStart)
	env.RegisterActivity(a)
	env.RegisterWorkflow(OrderWorkflow)
	env.OnActivity(a.LoadOrderFlowSettings, mock.Anything, mock.Anything).Return(s, nil)
	env.OnWorkflow(OrderWorkflow, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, in OrderInput) (OrderResult, error) {
			env.started = append(env.started, workflow.GetInfo(ctx).WorkflowExecution.ID)
			return OrderResult{Outcome: OrderCreated}, nil
		}).Maybe()
	t.Cleanup(func() { env.AssertExpectations(t) })
	return env
}

func (e *syncEnv) cursor(t *testing.T) OrderCursor {
	require.True(t, e.IsWorkflowCompleted())
	require.NoError(t, e.GetWorkflowError())
	var c OrderCursor
	require.NoError(t, e.GetWorkflowResult(&c))
	return c
}

func TestFirstRunListsFromStartAndKeepsUnpaidOrders(t *testing.T) {
	s := settings(500)
	env := newSyncEnv(t, s)
	to := syncStart.Add(-s.SettleDelay)
	env.OnActivity(a.ListOrders, mock.Anything, activities.ListOrdersInput{Integration: "demo", From: s.StartFrom, To: to, PageSize: 2}).
		Return(activities.ListOrdersResult{Eligible: []activities.OrderRef{ref("1", syncStart), ref("2", syncStart)}, NextPageToken: "p2"}, nil).Once()
	env.OnActivity(a.ListOrders, mock.Anything, activities.ListOrdersInput{Integration: "demo", From: s.StartFrom, To: to, PageToken: "p2", PageSize: 2}).
		Return(activities.ListOrdersResult{Eligible: []activities.OrderRef{ref("3", syncStart)}, NotYet: []activities.OrderRef{ref("4", syncStart)}}, nil).Once()

	env.ExecuteWorkflow(OrderSyncWorkflow, OrderSyncInput{Integration: "demo"})
	c := env.cursor(t)
	require.ElementsMatch(t, []string{"demo/order/1", "demo/order/2", "demo/order/3"}, env.started)
	require.Equal(t, to, c.CreatedBefore)
	require.Nil(t, c.Open)
	require.Equal(t, []activities.OrderRef{ref("4", syncStart)}, c.Pending)
	require.Equal(t, RunStats{Window: Window{From: s.StartFrom, To: to}, Listed: 4, Started: 3, Waiting: 1}, c.LastRun)
}

func TestNextRunContinuesFromCursorAndStartsOrdersPaidSince(t *testing.T) {
	s := settings(500)
	env := newSyncEnv(t, s)
	prev := OrderCursor{CreatedBefore: syncStart.Add(-time.Minute), Pending: []activities.OrderRef{
		ref("4", syncStart.Add(-time.Hour)),
		ref("old", syncStart.Add(-8*24*time.Hour)), // waited longer than PendingMaxAge
	}}
	env.SetLastCompletionResult(prev)
	env.OnActivity(a.RecheckOrders, mock.Anything, activities.RecheckOrdersInput{Integration: "demo", Orders: prev.Pending[:1]}).
		Return(activities.RecheckOrdersResult{Eligible: prev.Pending[:1]}, nil).Once()
	env.OnActivity(a.ListOrders, mock.Anything, mock.MatchedBy(func(in activities.ListOrdersInput) bool {
		return in.From.Equal(prev.CreatedBefore)
	})).Return(activities.ListOrdersResult{Eligible: []activities.OrderRef{ref("5", syncStart)}}, nil).Once()

	env.ExecuteWorkflow(OrderSyncWorkflow, OrderSyncInput{Integration: "demo"})
	c := env.cursor(t)
	require.ElementsMatch(t, []string{"demo/order/4", "demo/order/5"}, env.started)
	require.Empty(t, c.Pending)
	require.Equal(t, 1, c.LastRun.Dropped)
}

func TestRunStopsAtItsBudgetAndTheNextResumesTheWindow(t *testing.T) {
	s := settings(2)
	env := newSyncEnv(t, s)
	env.OnActivity(a.ListOrders, mock.Anything, mock.MatchedBy(func(in activities.ListOrdersInput) bool { return in.PageToken == "" })).
		Return(activities.ListOrdersResult{Eligible: []activities.OrderRef{ref("1", syncStart), ref("2", syncStart)}, NextPageToken: "p2"}, nil).Once()

	env.ExecuteWorkflow(OrderSyncWorkflow, OrderSyncInput{Integration: "demo"})
	c := env.cursor(t)
	require.Len(t, env.started, 2)
	require.NotNil(t, c.Open)
	require.Equal(t, "p2", c.Open.PageToken)
	require.True(t, c.CreatedBefore.IsZero(), "the window is not done, so the cursor must not move past it")
}

func TestBackfillContinuesAsNewWhenItsBudgetIsSpent(t *testing.T) {
	s := settings(2)
	env := newSyncEnv(t, s)
	w := Window{From: syncStart.Add(-48 * time.Hour), To: syncStart.Add(-24 * time.Hour)}
	env.OnActivity(a.ListOrders, mock.Anything, mock.Anything).
		Return(activities.ListOrdersResult{Eligible: []activities.OrderRef{ref("1", w.From), ref("2", w.From)}, NextPageToken: "p2"}, nil).Once()

	env.ExecuteWorkflow(OrderSyncWorkflow, OrderSyncInput{Integration: "demo", Backfill: &w})
	require.True(t, env.IsWorkflowCompleted())
	err := env.GetWorkflowError()
	require.Error(t, err)
	require.True(t, workflow.IsContinueAsNewError(err), "got %v", err)
	require.Len(t, env.started, 2)
}

func TestNothingToListBeforeSettleDelay(t *testing.T) {
	s := settings(500)
	env := newSyncEnv(t, s)
	env.SetLastCompletionResult(OrderCursor{CreatedBefore: syncStart.Add(-time.Second)})
	env.ExecuteWorkflow(OrderSyncWorkflow, OrderSyncInput{Integration: "demo"})
	c := env.cursor(t)
	require.Empty(t, env.started)
	require.Equal(t, syncStart.Add(-time.Second), c.CreatedBefore)
}
