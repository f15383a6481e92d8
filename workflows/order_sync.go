package workflows

import (
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
)

// MaxPending bounds how many not-yet-eligible orders a cursor carries, so the
// cursor stays a small payload; beyond it the oldest are given up (and counted).
const MaxPending = 1000

// Window is a range of order creation times, [From, To), with the page to
// continue from when a run stopped inside it.
type Window struct {
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	PageToken string    `json:"pageToken,omitempty"`
}

// OrderSyncInput starts a polling run (Backfill nil: continue from the cursor
// the previous run returned) or a backfill over an explicit window.
type OrderSyncInput struct {
	Integration string  `json:"integration"`
	Backfill    *Window `json:"backfill,omitempty"`
	// Stats carries the counts of a backfill across continue-as-new.
	Stats *RunStats `json:"stats,omitempty"`
}

// OrderCursor is the result of a polling run and the start of the next one.
type OrderCursor struct {
	// CreatedBefore: every order created before it has been listed.
	CreatedBefore time.Time `json:"createdBefore"`
	// Open is a window a run had to leave unfinished (it hit MaxOrdersPerRun).
	Open *Window `json:"open,omitempty"`
	// Pending are orders seen but not yet eligible (unpaid, other status); each
	// run looks at them again until they qualify or grow too old.
	Pending []activities.OrderRef `json:"pending,omitempty"`
	LastRun RunStats              `json:"lastRun"`
}

// RunStats counts what one run did, for the operator.
type RunStats struct {
	Window       Window `json:"window"`
	Listed       int    `json:"listed"`
	Started      int    `json:"started"`
	AlreadyKnown int    `json:"alreadyKnown"` // an OrderWorkflow with that id exists (done or running)
	Waiting      int    `json:"waiting"`      // not eligible yet, kept in Pending
	Dropped      int    `json:"dropped"`      // cancelled, deleted, or waited too long
}

// OrderSyncWorkflow lists new orders of an integration's source and starts one
// OrderWorkflow per eligible order. A Schedule starts it; the cursor travels
// from run to run as the completion result, so no database is needed.
func OrderSyncWorkflow(ctx workflow.Context, in OrderSyncInput) (OrderCursor, error) {
	var settings activities.OrderFlowSettings
	if err := workflow.ExecuteLocalActivity(withSettings(ctx), a.LoadOrderFlowSettings,
		activities.OrderFlowSettingsInput{Integration: in.Integration}).Get(ctx, &settings); err != nil {
		return OrderCursor{}, err
	}
	run := &orderSync{in: in, settings: settings, budget: settings.MaxOrdersPerRun}
	if in.Backfill != nil {
		return run.backfill(ctx)
	}
	return run.poll(ctx)
}

type orderSync struct {
	in       OrderSyncInput
	settings activities.OrderFlowSettings
	budget   int
	stats    RunStats
}

// poll continues from the previous run's cursor.
func (s *orderSync) poll(ctx workflow.Context) (OrderCursor, error) {
	var cur OrderCursor
	if workflow.HasLastCompletionResult(ctx) {
		if err := workflow.GetLastCompletionResult(ctx, &cur); err != nil {
			return OrderCursor{}, fmt.Errorf("reading the previous run's cursor: %w", err)
		}
	}
	now := workflow.Now(ctx)
	if err := s.recheckPending(ctx, &cur, now); err != nil {
		return OrderCursor{}, err
	}

	w := cur.Open
	if w == nil {
		from := cur.CreatedBefore
		if from.IsZero() {
			from = s.settings.StartFrom
		}
		to := now.Add(-s.settings.SettleDelay)
		if !to.After(from) {
			cur.LastRun = s.stats
			return cur, nil
		}
		w = &Window{From: from, To: to}
	}
	s.stats.Window = *w
	done, err := s.walk(ctx, w, func(notYet []activities.OrderRef) {
		cur.Pending = appendPending(cur.Pending, notYet)
	})
	if err != nil {
		return OrderCursor{}, err
	}
	if done {
		cur.CreatedBefore, cur.Open = w.To, nil
	} else {
		cur.Open = w
	}
	if over := len(cur.Pending) - MaxPending; over > 0 {
		cur.Pending = cur.Pending[over:]
		s.stats.Dropped += over
	}
	s.stats.Waiting = len(cur.Pending)
	cur.LastRun = s.stats
	return cur, nil
}

// backfill walks an explicit window, continuing as new when one run's history
// would grow too large. Orders synced before are recognised by their workflow
// id and not started again; failed ones are.
func (s *orderSync) backfill(ctx workflow.Context) (OrderCursor, error) {
	if s.in.Stats != nil {
		s.stats = *s.in.Stats
	}
	w := *s.in.Backfill
	s.stats.Window = Window{From: w.From, To: w.To}
	done, err := s.walk(ctx, &w, nil)
	if err != nil {
		return OrderCursor{}, err
	}
	if !done {
		next := s.in
		next.Backfill, next.Stats = &w, &s.stats
		return OrderCursor{}, workflow.NewContinueAsNewError(ctx, OrderSyncWorkflow, next)
	}
	return OrderCursor{CreatedBefore: w.To, LastRun: s.stats}, nil
}

// walk lists the window page by page and starts the eligible orders. It
// returns done=false, with w.PageToken set, when the run's budget is spent.
func (s *orderSync) walk(ctx workflow.Context, w *Window, keep func([]activities.OrderRef)) (bool, error) {
	for {
		var page activities.ListOrdersResult
		if err := workflow.ExecuteActivity(withPage(ctx), a.ListOrders, activities.ListOrdersInput{
			Integration: s.in.Integration, From: w.From, To: w.To,
			PageToken: w.PageToken, PageSize: s.settings.PageSize, EligibleOnly: keep == nil,
		}).Get(ctx, &page); err != nil {
			return false, err
		}
		s.stats.Listed += len(page.Eligible) + len(page.NotYet)
		if err := s.startOrders(ctx, page.Eligible); err != nil {
			return false, err
		}
		if keep != nil {
			keep(page.NotYet)
		}
		if page.NextPageToken == "" {
			return true, nil
		}
		w.PageToken = page.NextPageToken
		if s.budget <= 0 || workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			return false, nil
		}
	}
}

// recheckPending looks at waiting orders again; those now eligible start.
func (s *orderSync) recheckPending(ctx workflow.Context, cur *OrderCursor, now time.Time) error {
	if len(cur.Pending) == 0 {
		return nil
	}
	var fresh []activities.OrderRef
	for _, p := range cur.Pending {
		if s.settings.PendingMaxAge > 0 && now.Sub(p.CreatedAt) > s.settings.PendingMaxAge {
			s.stats.Dropped++
			continue
		}
		fresh = append(fresh, p)
	}
	cur.Pending = nil
	if len(fresh) == 0 {
		return nil
	}
	var res activities.RecheckOrdersResult
	if err := workflow.ExecuteActivity(withPage(ctx), a.RecheckOrders, activities.RecheckOrdersInput{
		Integration: s.in.Integration, Orders: fresh}).Get(ctx, &res); err != nil {
		return err
	}
	s.stats.Dropped += len(res.Dropped)
	cur.Pending = res.NotYet
	return s.startOrders(ctx, res.Eligible)
}

// startOrders starts one OrderWorkflow per order, all at once, and waits only
// until each has started. An id that exists already (synced, or running) is
// counted and skipped; a failed one is started again.
func (s *orderSync) startOrders(ctx workflow.Context, refs []activities.OrderRef) error {
	futures := make([]workflow.ChildWorkflowFuture, len(refs))
	for i, r := range refs {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            OrderWorkflowID(s.in.Integration, r.ID),
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
			ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
			TypedSearchAttributes: temporal.NewSearchAttributes(
				SAIntegration.ValueSet(s.in.Integration),
				SAFlow.ValueSet(FlowOrders),
				SASourceSystem.ValueSet(s.settings.Source),
				SATargetSystem.ValueSet(s.settings.Target),
				SAOrderNumber.ValueSet(r.Number),
			),
		})
		futures[i] = workflow.ExecuteChildWorkflow(cctx, OrderWorkflow,
			OrderInput{Integration: s.in.Integration, OrderID: r.ID, OrderNumber: r.Number})
	}
	for _, f := range futures {
		err := f.GetChildWorkflowExecution().Get(ctx, nil)
		switch {
		case temporal.IsWorkflowExecutionAlreadyStartedError(err):
			s.stats.AlreadyKnown++
		case err != nil:
			return err
		default:
			s.stats.Started++
			s.budget--
		}
	}
	return nil
}

// appendPending adds orders to the waiting list, once each.
func appendPending(list, add []activities.OrderRef) []activities.OrderRef {
	if len(add) == 0 {
		return list
	}
	seen := make(map[string]bool, len(list))
	for _, p := range list {
		seen[p.ID] = true
	}
	for _, p := range add {
		if !seen[p.ID] {
			seen[p.ID] = true
			list = append(list, p)
		}
	}
	return list
}
