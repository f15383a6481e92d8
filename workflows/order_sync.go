package workflows

import (
	"fmt"
	"slices"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
)

// Bounds of what a polling run's cursor carries, so it stays a small payload.
const (
	// MaxPending bounds the waiting (not yet eligible) orders; beyond it the
	// oldest are given up (and counted as dropped).
	MaxPending = 2000
	// SeenFor is how long the ids of handled orders are remembered, so an
	// order the source lists again (its look-back) is not started again. It
	// must exceed every source's look-back (CCV Shop: 24 h by default).
	SeenFor = 48 * time.Hour
	// MaxSeen bounds the remembered ids; beyond it the oldest are forgotten,
	// and an order listed again then costs one rejected start, nothing more.
	MaxSeen = 10000
)

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
	// Feed is the source's change-feed cursor; only the connector reads it.
	Feed string `json:"feed,omitempty"`
	// CreatedBefore and Open are the cursor of runs from before the change
	// feed (every order created before CreatedBefore was listed; Open a
	// window left unfinished). A feed run that finds them starts there.
	CreatedBefore time.Time `json:"createdBefore"`
	Open          *Window   `json:"open,omitempty"`
	// Pending are orders seen but not yet eligible (unpaid, other status,
	// an unfinished checkout); runs look at them again in turns until they
	// qualify, are closed, or grow too old.
	Pending []activities.OrderRef `json:"pending,omitempty"`
	// Seen are the orders handled lately (started, already known, closed),
	// oldest first.
	Seen    []SeenOrder `json:"seen,omitempty"`
	LastRun RunStats    `json:"lastRun"`
	// Webhooks is the webhooks' health, when the source sends them.
	Webhooks *WebhookHealth `json:"webhooks,omitempty"`
}

// SeenOrder is an order handled at At (workflow time).
type SeenOrder struct {
	ID string    `json:"id"`
	At time.Time `json:"at"`
}

// RunStats counts what one run did, for the operator.
type RunStats struct {
	Window       Window `json:"window"`
	Listed       int    `json:"listed"`
	Started      int    `json:"started"`
	AlreadyKnown int    `json:"alreadyKnown"` // an OrderWorkflow with that id exists (done or running)
	Waiting      int    `json:"waiting"`      // not eligible yet, kept in Pending
	Dropped      int    `json:"dropped"`      // cancelled, deleted, or waited too long
	// Relisted are orders the feed listed again that were handled before.
	Relisted int `json:"relisted,omitempty"`
	// Unreadable are orders the connector could not read: each started so it
	// fails naming the order and the field, and alerts.
	Unreadable int `json:"unreadable,omitempty"`
	// Rechecked waiting orders, and why the rechecks stopped early, if they did.
	Rechecked      int    `json:"rechecked,omitempty"`
	RecheckStopped string `json:"recheckStopped,omitempty"`
}

// OrderSyncWorkflow reads an integration source's change feed and starts one
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
	var cur OrderCursor
	if workflow.HasLastCompletionResult(ctx) {
		if err := workflow.GetLastCompletionResult(ctx, &cur); err != nil {
			return OrderCursor{}, fmt.Errorf("reading the previous run's cursor: %w", err)
		}
	}
	if workflow.GetVersion(ctx, "order-feed", workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return run.pollWindows(ctx, cur)
	}
	return run.poll(ctx, cur)
}

type orderSync struct {
	in       OrderSyncInput
	settings activities.OrderFlowSettings
	budget   int
	stats    RunStats
}

// poll reads the change feed from the previous run's cursor and starts the
// new eligible orders first, then looks at waiting orders in turns, within
// their share of the source's read quota. Rechecks never fail a run.
func (s *orderSync) poll(ctx workflow.Context, cur OrderCursor) (OrderCursor, error) {
	now := workflow.Now(ctx)
	seen := newSeenSet(cur.Seen, now.Add(-SeenFor))
	waiting := newWaitingList(cur.Pending)
	since := s.settings.StartFrom
	if cur.Feed == "" && !cur.CreatedBefore.IsZero() {
		since = cur.CreatedBefore // a cursor from before the feed
	}
	if cur.Feed == "" && cur.Open != nil {
		since = cur.Open.From
	}
	cur.CreatedBefore, cur.Open = time.Time{}, nil

	for {
		var page activities.FeedOrdersResult
		if err := workflow.ExecuteActivity(withPage(ctx), a.FeedOrders, activities.FeedOrdersInput{
			Integration: s.in.Integration, Cursor: cur.Feed, Since: since, PageSize: s.settings.PageSize,
		}).Get(ctx, &page); err != nil {
			return OrderCursor{}, err
		}
		s.stats.Listed += len(page.Eligible) + len(page.NotYet) + len(page.Closed)
		s.stats.Unreadable += page.Unreadable
		var start []activities.OrderRef
		for _, r := range page.Eligible {
			if seen.has(r.ID) {
				s.stats.Relisted++
				continue
			}
			waiting.remove(r.ID)
			start = append(start, r)
		}
		if err := s.startOrders(ctx, start, func(r activities.OrderRef) { seen.add(r.ID, now) }); err != nil {
			return OrderCursor{}, err
		}
		for _, r := range page.NotYet {
			if seen.has(r.ID) {
				s.stats.Relisted++
				continue
			}
			waiting.add(r)
		}
		for _, r := range page.Closed {
			if waiting.remove(r.ID) {
				s.stats.Dropped++
			}
			seen.add(r.ID, now)
		}
		cur.Feed = page.Cursor
		if !page.More || s.budget <= 0 || workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			break
		}
	}

	cur.Pending = s.recheck(ctx, waiting.list(), now, seen)
	if over := len(cur.Pending) - MaxPending; over > 0 {
		cur.Pending = cur.Pending[over:]
		s.stats.Dropped += over
	}
	cur.Seen = seen.list(MaxSeen)
	s.stats.Waiting = len(cur.Pending)
	cur.LastRun = s.stats
	if s.settings.Webhooks != nil && workflow.GetVersion(ctx, "webhook-health", workflow.DefaultVersion, 1) == 1 {
		cur.Webhooks = s.watchWebhooks(ctx, cur.Webhooks, now)
	}
	return cur, nil
}

// recheck looks at the first RecheckPerRun waiting orders again, paced to
// their share of the source's read quota, and returns the new waiting list:
// the ones it did not get to first, then the rest, then the ones still
// waiting (so every order gets its turn). A recheck that fails is logged and
// its orders keep waiting; the run goes on.
func (s *orderSync) recheck(ctx workflow.Context, pending []activities.OrderRef, now time.Time, seen *seenSet) []activities.OrderRef {
	var fresh []activities.OrderRef
	for _, p := range pending {
		if s.settings.PendingMaxAge > 0 && now.Sub(p.CreatedAt) > s.settings.PendingMaxAge {
			s.stats.Dropped++
			continue
		}
		fresh = append(fresh, p)
	}
	n := len(fresh)
	if s.settings.RecheckPerRun > 0 {
		n = min(n, s.settings.RecheckPerRun)
	}
	if n == 0 {
		return fresh
	}
	batch, rest := fresh[:n], fresh[n:]
	var res activities.RecheckOrdersResult
	if err := workflow.ExecuteActivity(withRecheck(ctx), a.RecheckOrders, activities.RecheckOrdersInput{
		Integration: s.in.Integration, Orders: batch, PerMinute: s.settings.RecheckPerMinute,
	}).Get(ctx, &res); err != nil {
		workflow.GetLogger(ctx).Warn("waiting orders could not be rechecked; they wait for the next run",
			"Integration", s.in.Integration, "Flow", FlowOrders, "Error", err)
		s.stats.RecheckStopped = "failed"
		return fresh
	}
	checked := min(max(res.Checked, 0), len(batch))
	s.stats.Rechecked += checked
	s.stats.RecheckStopped = res.Stopped
	s.stats.Unreadable += res.Unreadable
	for _, r := range append(res.Dropped, res.Closed...) {
		s.stats.Dropped++
		seen.add(r.ID, now)
	}
	next := append(append([]activities.OrderRef{}, batch[checked:]...), rest...)
	next = append(next, res.NotYet...)
	if err := s.startOrders(ctx, res.Eligible, func(r activities.OrderRef) { seen.add(r.ID, now) }); err != nil {
		workflow.GetLogger(ctx).Warn("orders found eligible could not be started; they wait for the next run",
			"Integration", s.in.Integration, "Flow", FlowOrders, "Error", err)
		next = append(next, res.Eligible...)
	}
	return next
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
//
// From version 1 of "list-ahead" it asks for the next page before it
// starts the orders of this one: the source's rate limit serves calls in
// turn, so the next page's read then comes before those orders' own reads,
// and the workers have its orders before they run out of work. Listing
// after starting them left every worker idle between pages — a tenth of
// the read quota in a backfill.
func (s *orderSync) walk(ctx workflow.Context, w *Window, keep func([]activities.OrderRef)) (bool, error) {
	ahead := workflow.GetVersion(ctx, "list-ahead", workflow.DefaultVersion, 1) == 1
	list := func(token string) workflow.Future {
		return workflow.ExecuteActivity(withPage(ctx), a.ListOrders, activities.ListOrdersInput{
			Integration: s.in.Integration, From: w.From, To: w.To,
			PageToken: token, PageSize: s.settings.PageSize, EligibleOnly: keep == nil,
		})
	}
	next := list(w.PageToken)
	for {
		var page activities.ListOrdersResult
		if err := next.Get(ctx, &page); err != nil {
			return false, err
		}
		next = nil
		if ahead && page.NextPageToken != "" && s.budget > len(page.Eligible) && !workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			next = list(page.NextPageToken)
		}
		s.stats.Listed += len(page.Eligible) + len(page.NotYet) + len(page.Closed)
		s.stats.Unreadable += page.Unreadable
		if err := s.startOrders(ctx, page.Eligible, nil); err != nil {
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
			// A page asked for ahead is read again by the next run.
			return false, nil
		}
		if next == nil {
			next = list(w.PageToken)
		}
	}
}

// startOrders starts one OrderWorkflow per order and waits only until each
// has started. An id that exists already (synced, or running) is counted
// and skipped; a failed one is started again.
//
// From version 1 of "start-by-activity" one StartOrders activity per page
// starts them, as workflows of their own: started as this run's children,
// each added its start and its end to this run's history, with a workflow
// task for each, and this one workflow, turning them over one at a time,
// set the pace of every worker. Before, they were children (abandoned when
// the run closes).
func (s *orderSync) startOrders(ctx workflow.Context, refs []activities.OrderRef, handled func(activities.OrderRef)) error {
	if len(refs) == 0 {
		return nil
	}
	in := activities.StartOrdersInput{Orders: make([]activities.OrderStart, len(refs))}
	for i, r := range refs {
		in.Orders[i] = orderStart(s.in.Integration, s.settings.Source, s.settings.Target, r)
	}
	started := make([]bool, len(refs))
	if workflow.GetVersion(ctx, "start-by-activity", workflow.DefaultVersion, 1) == 1 {
		var res activities.StartOrdersResult
		if err := workflow.ExecuteActivity(withStarts(ctx), a.StartOrders, in).Get(ctx, &res); err != nil {
			return err
		}
		if len(res.Started) != len(refs) {
			return fmt.Errorf("StartOrders answered for %d of %d orders", len(res.Started), len(refs))
		}
		started = res.Started
	} else {
		futures := make([]workflow.ChildWorkflowFuture, len(refs))
		for i, o := range in.Orders {
			futures[i] = startOrderWorkflow(ctx, o)
		}
		for i, f := range futures {
			err := f.GetChildWorkflowExecution().Get(ctx, nil)
			if err != nil && !temporal.IsWorkflowExecutionAlreadyStartedError(err) {
				return err
			}
			started[i] = err == nil
		}
	}
	for i, r := range refs {
		if started[i] {
			s.stats.Started++
			s.budget--
		} else {
			s.stats.AlreadyKnown++
		}
		if handled != nil {
			handled(r)
		}
	}
	return nil
}

// orderStart is how the OrderWorkflow of one order starts: its usual id,
// the search attributes the Web UI filters on, and its input.
func orderStart(integration, source, target string, r activities.OrderRef) activities.OrderStart {
	return activities.OrderStart{
		WorkflowID: OrderWorkflowID(integration, r.ID),
		Keywords: map[string]string{
			SAIntegration.GetName():  integration,
			SAFlow.GetName():         FlowOrders,
			SASourceSystem.GetName(): source,
			SATargetSystem.GetName(): target,
			SAOrderNumber.GetName():  r.Number,
		},
		Input: OrderInput{Integration: integration, OrderID: r.ID, OrderNumber: r.Number},
	}
}

// startOrderWorkflow starts the OrderWorkflow of one order as a child, as
// runs from before "start-by-activity" and a webhook hint do: whoever comes
// second finds the id taken (unless the first run failed), so an order is
// written once.
func startOrderWorkflow(ctx workflow.Context, o activities.OrderStart) workflow.ChildWorkflowFuture {
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            o.WorkflowID,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
		TypedSearchAttributes: o.SearchAttributes(),
	})
	return workflow.ExecuteChildWorkflow(cctx, OrderWorkflow, o.Input)
}

// seenSet is the set of orders handled lately, in the order they were handled.
type seenSet struct {
	ids   map[string]bool
	order []SeenOrder
}

// newSeenSet keeps the entries handled at or after since.
func newSeenSet(list []SeenOrder, since time.Time) *seenSet {
	s := &seenSet{ids: map[string]bool{}}
	for _, e := range list {
		if !e.At.Before(since) && !s.ids[e.ID] {
			s.ids[e.ID] = true
			s.order = append(s.order, e)
		}
	}
	return s
}

func (s *seenSet) has(id string) bool { return s.ids[id] }

func (s *seenSet) add(id string, at time.Time) {
	if !s.ids[id] {
		s.ids[id] = true
		s.order = append(s.order, SeenOrder{ID: id, At: at})
	}
}

// list returns the newest max entries, oldest first.
func (s *seenSet) list(max int) []SeenOrder {
	if len(s.order) > max {
		return s.order[len(s.order)-max:]
	}
	return s.order
}

// waitingList is the list of waiting orders, once each, in turn order. It
// is indexed by id: a poll adds and removes hundreds of orders, and a scan
// per order would make a run's workflow task quadratic in them.
type waitingList struct {
	refs []activities.OrderRef
	in   map[string]bool // ids on the list; a removed one stays in refs until list()
}

func newWaitingList(refs []activities.OrderRef) *waitingList {
	w := &waitingList{in: map[string]bool{}}
	for _, r := range refs {
		w.add(r)
	}
	return w
}

func (w *waitingList) add(r activities.OrderRef) {
	if !w.in[r.ID] {
		w.in[r.ID] = true
		w.refs = append(w.refs, r)
	}
}

// remove takes an order off the list and reports whether it was on it.
func (w *waitingList) remove(id string) bool {
	on := w.in[id]
	delete(w.in, id)
	return on
}

// list returns the orders still on the list, in turn order (an order
// removed and added again counts where it was added last).
func (w *waitingList) list() []activities.OrderRef {
	out := make([]activities.OrderRef, 0, len(w.in))
	taken := make(map[string]bool, len(w.in))
	for i := len(w.refs) - 1; i >= 0; i-- {
		if r := w.refs[i]; w.in[r.ID] && !taken[r.ID] {
			taken[r.ID] = true
			out = append(out, r)
		}
	}
	slices.Reverse(out)
	w.refs = out
	return out
}
