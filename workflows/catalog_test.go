package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
)

// fakePages serves a listing of pages, recording every query it was asked.
type fakePages struct {
	pages   map[string]activities.PageResult // by page token
	queries []activities.PageInput
}

func (f *fakePages) serve(_ context.Context, in activities.PageInput) (activities.PageResult, error) {
	f.queries = append(f.queries, in)
	return f.pages[in.Query.PageToken], nil
}

func page(next, cursor string, recs ...activities.RecordResult) activities.PageResult {
	counts := map[activities.Outcome]int{}
	for _, r := range recs {
		counts[r.Outcome]++
	}
	return activities.PageResult{NextPageToken: next, Cursor: cursor, Counts: counts, Records: recs}
}

func rec(key string, o activities.Outcome) activities.RecordResult {
	r := activities.RecordResult{Key: key, Outcome: o}
	if o == activities.OutcomeFailed {
		r.Reason = "category Thee does not exist in mplus"
	}
	return r
}

// threePages is a pass over three pages that ends at cursor "c3".
func threePages() *fakePages {
	return &fakePages{pages: map[string]activities.PageResult{
		"":   page("p2", "", rec("A", activities.OutcomeCreated)),
		"p2": page("p3", "", rec("B", activities.OutcomeUpdated)),
		"p3": page("", "c3", rec("C", activities.OutcomeCreated)),
	}}
}

func newCatalogEnv(t *testing.T, flow string, pagesPerRun int, activity any, pages *fakePages) *testsuite.TestWorkflowEnvironment {
	var ts testsuite.WorkflowTestSuite
	ts.SetLogger(quietLogger)
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterActivity(a)
	env.RegisterWorkflow(NotifyFailureWorkflow)
	env.RegisterWorkflow(StockRunWorkflow)
	env.OnActivity(a.LoadCatalogFlowSettings, mock.Anything, activities.CatalogFlowSettingsInput{Integration: "demo", Flow: flow}).
		Return(activities.CatalogFlowSettings{From: "mplus", To: "ccvshop", PageSize: 2, PagesPerRun: pagesPerRun}, nil)
	env.OnActivity(activity, mock.Anything, mock.Anything).Return(pages.serve)
	return env
}

func catalogResult(t *testing.T, env *testsuite.TestWorkflowEnvironment) CatalogState {
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var s CatalogState
	require.NoError(t, env.GetWorkflowResult(&s))
	return s
}

func TestProductRunPagesThroughAPassAndStoresItsCursor(t *testing.T) {
	pages := threePages()
	env := newCatalogEnv(t, FlowProducts, 20, a.SyncProductPage, pages)
	env.SetLastCompletionResult(CatalogState{Cursor: "c0"})
	env.ExecuteWorkflow(ProductSyncWorkflow, CatalogInput{Integration: "demo"})
	s := catalogResult(t, env)

	assert.Equal(t, "c3", s.Cursor, "the next run starts where this pass ended")
	assert.Empty(t, s.PageToken)
	assert.True(t, s.LastRun.PassComplete)
	assert.Equal(t, 3, s.LastRun.Pages)
	assert.Equal(t, map[activities.Outcome]int{activities.OutcomeCreated: 2, activities.OutcomeUpdated: 1}, s.LastRun.Counts)
	require.Len(t, pages.queries, 3)
	for _, q := range pages.queries {
		assert.Equal(t, "c0", q.Query.Cursor, "every page of a pass lists from the previous cursor")
		assert.Equal(t, 2, q.Query.PageSize)
		assert.False(t, q.All)
	}
}

func TestProductRunStopsAfterPagesPerRunAndTheNextTickGoesOn(t *testing.T) {
	pages := threePages()
	env := newCatalogEnv(t, FlowProducts, 2, a.SyncProductPage, pages)
	env.SetLastCompletionResult(CatalogState{Cursor: "c0"})
	env.ExecuteWorkflow(ProductSyncWorkflow, CatalogInput{Integration: "demo"})
	s := catalogResult(t, env)
	assert.Equal(t, "c0", s.Cursor, "an unfinished pass keeps the old cursor")
	assert.Equal(t, "p3", s.PageToken)
	assert.False(t, s.LastRun.PassComplete)

	env2 := newCatalogEnv(t, FlowProducts, 2, a.SyncProductPage, pages)
	env2.SetLastCompletionResult(s)
	env2.ExecuteWorkflow(ProductSyncWorkflow, CatalogInput{Integration: "demo"})
	s2 := catalogResult(t, env2)
	assert.Equal(t, "c3", s2.Cursor)
	assert.Equal(t, []string{"", "p2", "p3"}, tokens(pages.queries))
}

func TestFullProductRunIgnoresTheCursorAndContinuesAsNew(t *testing.T) {
	pages := threePages()
	env := newCatalogEnv(t, FlowProducts, 2, a.SyncProductPage, pages)
	env.SetLastCompletionResult(CatalogState{Cursor: "c0"})
	env.ExecuteWorkflow(ProductSyncWorkflow, CatalogInput{Integration: "demo", Full: true})
	require.True(t, env.IsWorkflowCompleted())
	var can *workflow.ContinueAsNewError
	require.ErrorAs(t, env.GetWorkflowError(), &can)
	for _, q := range pages.queries {
		assert.Empty(t, q.Query.Cursor, "a full run lists every product")
	}

	var next CatalogInput
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	require.NotNil(t, next.Resume)
	assert.Equal(t, "p3", next.Resume.PageToken)
	assert.Equal(t, 2, next.Resume.LastRun.Counts[activities.OutcomeCreated]+next.Resume.LastRun.Counts[activities.OutcomeUpdated])

	env2 := newCatalogEnv(t, FlowProducts, 2, a.SyncProductPage, pages)
	env2.ExecuteWorkflow(ProductSyncWorkflow, next)
	s := catalogResult(t, env2)
	assert.True(t, s.LastRun.PassComplete)
	assert.Equal(t, 3, s.LastRun.Pages, "the counts carry across continue-as-new")
}

func TestFailedRecordsSendOneNotice(t *testing.T) {
	pages := &fakePages{pages: map[string]activities.PageResult{
		"": page("", "c1", rec("A", activities.OutcomeCreated), rec("B", activities.OutcomeFailed), rec("C", activities.OutcomeFailed)),
	}}
	env := newCatalogEnv(t, FlowProducts, 20, a.SyncProductPage, pages)
	var notices []activities.FailureNotice
	env.OnWorkflow(NotifyFailureWorkflow, mock.Anything, mock.Anything).Return(
		func(_ workflow.Context, n activities.FailureNotice) (map[string]string, error) {
			notices = append(notices, n)
			return nil, nil
		})
	env.ExecuteWorkflow(ProductSyncWorkflow, CatalogInput{Integration: "demo"})
	s := catalogResult(t, env)
	assert.Equal(t, 2, s.LastRun.Counts[activities.OutcomeFailed])
	require.Len(t, notices, 1)
	assert.Contains(t, notices[0].Record, "B, C")
	assert.Contains(t, notices[0].Reason, "category Thee does not exist")
	assert.Equal(t, FlowProducts, notices[0].Flow)
}

func TestStockRunsUnderTheOneStockIDAndReconciliationListsAll(t *testing.T) {
	pages := threePages()
	env := newCatalogEnv(t, FlowStock, 20, a.SyncStockPage, pages)
	var childIDs []string
	env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, _ converter.EncodedValues) {
		childIDs = append(childIDs, info.WorkflowExecution.ID)
	})
	env.SetLastCompletionResult(CatalogState{Cursor: "s7"})
	env.ExecuteWorkflow(StockSyncWorkflow, CatalogInput{Integration: "demo"})
	s := catalogResult(t, env)
	assert.Equal(t, "c3", s.Cursor)
	assert.Equal(t, []string{StockRunWorkflowID("demo")}, childIDs)
	for _, q := range pages.queries {
		assert.Equal(t, "s7", q.Query.Cursor)
		assert.False(t, q.All, "a scheduled run pushes only what changed")
	}

	recon := threePages()
	env2 := newCatalogEnv(t, FlowStock, 20, a.SyncStockPage, recon)
	env2.ExecuteWorkflow(StockRunWorkflow, StockRunInput{CatalogInput: CatalogInput{Integration: "demo", Full: true}, Previous: CatalogState{Cursor: "s7"}})
	r := catalogResult(t, env2)
	for _, q := range recon.queries {
		assert.True(t, q.All, "a reconciliation compares every SKU")
		assert.Empty(t, q.Query.Cursor)
	}
	assert.Equal(t, []string{"A", "B", "C"}, keys(r.LastRun.Records), "the report names what it changed")
}

func tokens(qs []activities.PageInput) []string {
	var out []string
	for _, q := range qs {
		out = append(out, q.Query.PageToken)
	}
	return out
}

func keys(rs []activities.RecordResult) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Key)
	}
	return out
}

func TestStockMissingInTheTargetIsLookedAtAgain(t *testing.T) {
	pages := &fakePages{pages: map[string]activities.PageResult{
		"": page("", "s2", rec("NEW", activities.OutcomeMissing), rec("A", activities.OutcomeUpdated)),
	}}
	env := newCatalogEnv(t, FlowStock, 20, a.SyncStockPage, pages)
	env.ExecuteWorkflow(StockRunWorkflow, StockRunInput{CatalogInput: CatalogInput{Integration: "demo"}})
	s := catalogResult(t, env)
	require.Len(t, s.Waiting, 1)
	assert.Equal(t, "NEW", s.Waiting[0].Key)

	cases := []struct {
		name        string
		outcome     activities.Outcome
		age         time.Duration
		wantWaiting int
	}{
		{"created since: written and done", activities.OutcomeUpdated, time.Hour, 0},
		{"still missing: waits on", activities.OutcomeMissing, time.Hour, 1},
		{"missing for a day: given up", activities.OutcomeMissing, MaxWaitingAge + time.Minute, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			next := &fakePages{pages: map[string]activities.PageResult{"": page("", "s3")}}
			env := newCatalogEnv(t, FlowStock, 20, a.SyncStockPage, next)
			var asked []string
			env.OnActivity(a.RecheckStock, mock.Anything, mock.Anything).Return(
				func(_ context.Context, in activities.StockRecheckInput) (activities.PageResult, error) {
					asked = in.SKUs
					return page("", "", rec("NEW", c.outcome)), nil
				})
			prev := s
			prev.Waiting = []WaitingRecord{{Key: "NEW", Since: env.Now().Add(-c.age)}}
			env.ExecuteWorkflow(StockRunWorkflow, StockRunInput{CatalogInput: CatalogInput{Integration: "demo"}, Previous: prev})
			got := catalogResult(t, env)
			assert.Equal(t, []string{"NEW"}, asked)
			assert.Len(t, got.Waiting, c.wantWaiting)
			assert.Equal(t, "s3", got.Cursor)
		})
	}
}

func TestANoticeNamesARecordWhenItStartsFailing(t *testing.T) {
	pages := &fakePages{pages: map[string]activities.PageResult{
		"": page("", "c2", rec("B", activities.OutcomeFailed), rec("C", activities.OutcomeUpdated), rec("D", activities.OutcomeFailed)),
	}}
	env := newCatalogEnv(t, FlowCustomers, 20, a.SyncCustomerPage, pages)
	var notices []activities.FailureNotice
	env.OnWorkflow(NotifyFailureWorkflow, mock.Anything, mock.Anything).Return(
		func(_ workflow.Context, n activities.FailureNotice) (map[string]string, error) {
			notices = append(notices, n)
			return nil, nil
		})
	env.SetLastCompletionResult(CatalogState{Failing: []string{"B", "C"}})
	env.ExecuteWorkflow(CustomerSyncWorkflow, CatalogInput{Integration: "demo"})
	s := catalogResult(t, env)
	require.Len(t, notices, 1)
	assert.Contains(t, notices[0].Record, "1 customers record(s): D", "B failed before and was reported then")
	assert.Equal(t, []string{"B", "D"}, s.Failing, "C was written since")
}
