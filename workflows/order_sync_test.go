package workflows

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
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
	taken   map[string]bool // order workflow ids that exist already
	starts  []activities.OrderStart
}

func newSyncEnv(t *testing.T, s activities.OrderFlowSettings) *syncEnv {
	var ts testsuite.WorkflowTestSuite
	ts.SetLogger(quietLogger)
	env := &syncEnv{TestWorkflowEnvironment: ts.NewTestWorkflowEnvironment()}
	env.SetStartTime(syncStart)
	env.RegisterActivity(a)
	env.OnActivity(a.LoadOrderFlowSettings, mock.Anything, mock.Anything).Return(s, nil)
	env.OnActivity(a.StartOrders, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.StartOrdersInput) (activities.StartOrdersResult, error) {
			res := activities.StartOrdersResult{Started: make([]bool, len(in.Orders))}
			env.starts = append(env.starts, in.Orders...)
			for i, o := range in.Orders {
				res.Started[i] = !env.taken[o.WorkflowID]
				if res.Started[i] {
					env.started = append(env.started, o.WorkflowID)
				}
			}
			return res, nil
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

func sorted(eligible, notYet []activities.OrderRef) activities.OrderSort {
	return activities.OrderSort{Eligible: eligible, NotYet: notYet}
}

func TestFirstRunReadsTheFeedFromStartAndKeepsUnpaidOrders(t *testing.T) {
	s := settings(500)
	env := newSyncEnv(t, s)
	env.OnActivity(a.FeedOrders, mock.Anything, activities.FeedOrdersInput{Integration: "demo", Since: s.StartFrom, PageSize: 2}).
		Return(activities.FeedOrdersResult{OrderSort: sorted([]activities.OrderRef{ref("1", syncStart), ref("2", syncStart)}, nil), Cursor: "c1", More: true}, nil).Once()
	env.OnActivity(a.FeedOrders, mock.Anything, activities.FeedOrdersInput{Integration: "demo", Cursor: "c1", Since: s.StartFrom, PageSize: 2}).
		Return(activities.FeedOrdersResult{OrderSort: sorted([]activities.OrderRef{ref("3", syncStart)}, []activities.OrderRef{ref("4", syncStart)}), Cursor: "c2"}, nil).Once()
	env.OnActivity(a.RecheckOrders, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RecheckOrdersInput) (activities.RecheckOrdersResult, error) {
			return activities.RecheckOrdersResult{OrderSort: sorted(nil, in.Orders), Checked: len(in.Orders)}, nil
		}).Once()

	env.ExecuteWorkflow(OrderSyncWorkflow, OrderSyncInput{Integration: "demo"})
	c := env.cursor(t)
	require.ElementsMatch(t, []string{"demo/order/1", "demo/order/2", "demo/order/3"}, env.started)
	require.Equal(t, "c2", c.Feed)
	require.Equal(t, []activities.OrderRef{ref("4", syncStart)}, c.Pending)
	require.Equal(t, []string{"1", "2", "3"}, seenIDs(c))
	require.Equal(t, RunStats{Listed: 4, Started: 3, Waiting: 1, Rechecked: 1}, c.LastRun)
}

// Orders start under their usual ids with the search attributes the Web
// UI filters on; an id that exists already (synced, or running) is counted
// as known, not started, and is handled all the same.
func TestOrdersStartUnderTheirIdsAndTakenOnesCountAsKnown(t *testing.T) {
	s := settings(500)
	env := newSyncEnv(t, s)
	env.taken = map[string]bool{"demo/order/1": true}
	env.OnActivity(a.FeedOrders, mock.Anything, mock.Anything).
		Return(activities.FeedOrdersResult{OrderSort: sorted([]activities.OrderRef{ref("1", syncStart), ref("2", syncStart)}, nil), Cursor: "c1"}, nil).Once()

	env.ExecuteWorkflow(OrderSyncWorkflow, OrderSyncInput{Integration: "demo"})
	c := env.cursor(t)
	require.Equal(t, []string{"demo/order/2"}, env.started)
	require.Equal(t, 1, c.LastRun.Started)
	require.Equal(t, 1, c.LastRun.AlreadyKnown)
	require.Equal(t, []string{"1", "2"}, seenIDs(c))
	require.Equal(t, activities.OrderStart{
		WorkflowID: "demo/order/2",
		Keywords: map[string]string{"Integration": "demo", "Flow": "orders", "SourceSystem": "ccvshop",
			"TargetSystem": "mplus", "OrderNumber": "WEB-2"},
		Input: OrderInput{Integration: "demo", OrderID: "2", OrderNumber: "WEB-2"},
	}, env.starts[1])
}

func seenIDs(c OrderCursor) []string {
	var out []string
	for _, s := range c.Seen {
		out = append(out, s.ID)
	}
	return out
}

// An order the feed lists again (its look-back) is not started again; one
// that shows up late in a window listed before is.
func TestRelistedOrdersStartOnceAndLateOnesStart(t *testing.T) {
	s := settings(500)
	env := newSyncEnv(t, s)
	env.SetLastCompletionResult(OrderCursor{Feed: "c1", Seen: []SeenOrder{{ID: "1", At: syncStart.Add(-time.Hour)}, {ID: "0", At: syncStart.Add(-SeenFor - time.Minute)}}})
	env.OnActivity(a.FeedOrders, mock.Anything, activities.FeedOrdersInput{Integration: "demo", Cursor: "c1", Since: s.StartFrom, PageSize: 2}).
		Return(activities.FeedOrdersResult{OrderSort: sorted([]activities.OrderRef{ref("1", syncStart.Add(-2*time.Hour)), ref("late", syncStart.Add(-3*time.Hour))}, nil), Cursor: "c2"}, nil).Once()

	env.ExecuteWorkflow(OrderSyncWorkflow, OrderSyncInput{Integration: "demo"})
	c := env.cursor(t)
	require.Equal(t, []string{"demo/order/late"}, env.started)
	require.Equal(t, []string{"1", "late"}, seenIDs(c), "entries older than SeenFor are forgotten")
	require.Equal(t, 1, c.LastRun.Relisted)
}

// Finding 1: a thousand waiting orders never stall the flow. New orders
// start first; a run rechecks only its share, in turns, and a recheck that
// fails leaves the orders waiting without failing the run.
func TestWaitingOrdersNeverBlockNewOnes(t *testing.T) {
	s := settings(500)
	s.RecheckPerRun, s.RecheckPerMinute = 50, 50
	env := newSyncEnv(t, s)
	var waiting []activities.OrderRef
	for i := range 1000 {
		waiting = append(waiting, ref(fmt.Sprintf("w%d", i), syncStart.Add(-time.Hour)))
	}
	env.SetLastCompletionResult(OrderCursor{Feed: "c1", Pending: waiting})
	env.OnActivity(a.FeedOrders, mock.Anything, mock.Anything).
		Return(activities.FeedOrdersResult{OrderSort: sorted([]activities.OrderRef{ref("new", syncStart)}, nil), Cursor: "c2"}, nil).Once()
	env.OnActivity(a.RecheckOrders, mock.Anything, mock.MatchedBy(func(in activities.RecheckOrdersInput) bool {
		return len(in.Orders) == 50 && in.Orders[0].ID == "w0" && in.PerMinute == 50
	})).Return(activities.RecheckOrdersResult{}, temporal.NewApplicationError("shop down", activities.ErrTypeUnavailable)).Times(3)

	env.ExecuteWorkflow(OrderSyncWorkflow, OrderSyncInput{Integration: "demo"})
	c := env.cursor(t)
	require.Equal(t, []string{"demo/order/new"}, env.started, "the new order starts although the rechecks fail")
	require.Len(t, c.Pending, 1000, "nothing waiting is lost")
	require.Equal(t, "c2", c.Feed, "the feed moves on")
	require.Equal(t, "failed", c.LastRun.RecheckStopped)
}

// Rechecks go in turns: the ones not reached wait at the front, those still
// waiting go to the back, paid ones start, closed ones are dropped.
func TestRechecksTakeTurns(t *testing.T) {
	s := settings(500)
	s.RecheckPerRun = 3
	env := newSyncEnv(t, s)
	w := []activities.OrderRef{ref("a", syncStart), ref("b", syncStart), ref("c", syncStart), ref("d", syncStart), ref("e", syncStart)}
	env.SetLastCompletionResult(OrderCursor{Feed: "c1", Pending: w})
	env.OnActivity(a.FeedOrders, mock.Anything, mock.Anything).Return(activities.FeedOrdersResult{Cursor: "c1"}, nil).Once()
	// a is paid now, b still waits; c was not reached (a 429 stopped the page).
	env.OnActivity(a.RecheckOrders, mock.Anything, activities.RecheckOrdersInput{Integration: "demo", Orders: w[:3]}).Return(
		activities.RecheckOrdersResult{OrderSort: sorted(w[:1], w[1:2]), Checked: 2, Stopped: "rate_limited"}, nil).Once()

	env.ExecuteWorkflow(OrderSyncWorkflow, OrderSyncInput{Integration: "demo"})
	c := env.cursor(t)
	require.Equal(t, []string{"demo/order/a"}, env.started)
	require.Equal(t, []activities.OrderRef{w[2], w[3], w[4], w[1]}, c.Pending)
	require.Equal(t, RunStats{Started: 1, Waiting: 4, Rechecked: 2, RecheckStopped: "rate_limited"}, c.LastRun)
}

// An unreadable order is started like an eligible one, so its workflow
// fails naming the order and the field; the others go on.
func TestUnreadableOrderIsReportedAndOthersGoOn(t *testing.T) {
	s := settings(500)
	env := newSyncEnv(t, s)
	env.OnActivity(a.FeedOrders, mock.Anything, mock.Anything).Return(activities.FeedOrdersResult{
		OrderSort: activities.OrderSort{Eligible: []activities.OrderRef{ref("bad", syncStart), ref("good", syncStart)}, Unreadable: 1}, Cursor: "c2"}, nil).Once()
	env.ExecuteWorkflow(OrderSyncWorkflow, OrderSyncInput{Integration: "demo"})
	c := env.cursor(t)
	require.ElementsMatch(t, []string{"demo/order/bad", "demo/order/good"}, env.started)
	require.Equal(t, 1, c.LastRun.Unreadable)
	require.Equal(t, "c2", c.Feed)
}

func TestRunStopsAtItsBudgetAndTheNextResumesTheFeed(t *testing.T) {
	s := settings(2)
	env := newSyncEnv(t, s)
	env.OnActivity(a.FeedOrders, mock.Anything, mock.MatchedBy(func(in activities.FeedOrdersInput) bool { return in.Cursor == "" })).
		Return(activities.FeedOrdersResult{OrderSort: sorted([]activities.OrderRef{ref("1", syncStart), ref("2", syncStart)}, nil), Cursor: "p2", More: true}, nil).Once()

	env.ExecuteWorkflow(OrderSyncWorkflow, OrderSyncInput{Integration: "demo"})
	c := env.cursor(t)
	require.Len(t, env.started, 2)
	require.Equal(t, "p2", c.Feed, "the next run continues where this one stopped")
}

// A cursor from before the change feed starts the feed where it ended.
func TestCursorFromBeforeTheFeedStartsTheFeedThere(t *testing.T) {
	s := settings(500)
	env := newSyncEnv(t, s)
	before := syncStart.Add(-time.Minute)
	env.SetLastCompletionResult(OrderCursor{CreatedBefore: before, Pending: []activities.OrderRef{ref("4", syncStart)}})
	env.OnActivity(a.FeedOrders, mock.Anything, activities.FeedOrdersInput{Integration: "demo", Since: before, PageSize: 2}).
		Return(activities.FeedOrdersResult{Cursor: "c1"}, nil).Once()
	env.OnActivity(a.RecheckOrders, mock.Anything, mock.Anything).Return(activities.RecheckOrdersResult{OrderSort: sorted(nil, []activities.OrderRef{ref("4", syncStart)}), Checked: 1}, nil).Once()
	env.ExecuteWorkflow(OrderSyncWorkflow, OrderSyncInput{Integration: "demo"})
	c := env.cursor(t)
	require.Equal(t, "c1", c.Feed)
	require.True(t, c.CreatedBefore.IsZero())
	require.Len(t, c.Pending, 1)
}

func TestBackfillContinuesAsNewWhenItsBudgetIsSpent(t *testing.T) {
	s := settings(2)
	env := newSyncEnv(t, s)
	w := Window{From: syncStart.Add(-48 * time.Hour), To: syncStart.Add(-24 * time.Hour)}
	env.OnActivity(a.ListOrders, mock.Anything, mock.Anything).
		Return(activities.ListOrdersResult{OrderSort: sorted([]activities.OrderRef{ref("1", w.From), ref("2", w.From)}, nil), NextPageToken: "p2"}, nil).Once()

	env.ExecuteWorkflow(OrderSyncWorkflow, OrderSyncInput{Integration: "demo", Backfill: &w})
	require.True(t, env.IsWorkflowCompleted())
	err := env.GetWorkflowError()
	require.Error(t, err)
	require.True(t, workflow.IsContinueAsNewError(err), "got %v", err)
	require.Len(t, env.started, 2)
}
