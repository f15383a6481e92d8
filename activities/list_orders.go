package activities

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/activity"
	"golang.org/x/time/rate"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// OrderRef points at one source order; workflows pass refs, never whole orders,
// between runs.
type OrderRef struct {
	ID        string    `json:"id"`
	Number    string    `json:"number"`
	CreatedAt time.Time `json:"createdAt"`
}

// OrderSort is a page of orders sorted for the flow: to sync now, to watch
// (not yet paid, not yet in a synced status, an unfinished checkout), or
// gone (cancelled, refunded, deleted). An order the connector could not read
// is in Eligible, so its OrderWorkflow fails naming the order and the field
// and the alert goes out, while the other orders go on.
type OrderSort struct {
	Eligible   []OrderRef `json:"eligible"`
	NotYet     []OrderRef `json:"notYet"`
	Closed     []OrderRef `json:"closed,omitempty"`
	Unreadable int        `json:"unreadable,omitempty"`
}

func (s *OrderSort) add(sum connectors.OrderSummary, f *config.OrderFlow) {
	ref := OrderRef{ID: sum.ID, Number: sum.Number, CreatedAt: sum.CreatedAt}
	switch {
	case sum.Unreadable != "":
		s.Unreadable++
		s.Eligible = append(s.Eligible, ref)
	case Eligible(sum, f):
		s.Eligible = append(s.Eligible, ref)
	case sum.Status.Closed():
		s.Closed = append(s.Closed, ref)
	default:
		s.NotYet = append(s.NotYet, ref)
	}
}

// FeedOrdersInput asks for the next page of the source's change feed.
type FeedOrdersInput struct {
	Integration string `json:"integration"`
	// Cursor is the feed's opaque position; empty starts at Since.
	Cursor   string    `json:"cursor,omitempty"`
	Since    time.Time `json:"since"`
	PageSize int       `json:"pageSize"`
}

// FeedOrdersResult is one sorted page of the feed and where it continues.
type FeedOrdersResult struct {
	OrderSort
	Cursor string `json:"cursor"`
	More   bool   `json:"more"`
}

// FeedOrders reads the next page of the source's change feed and sorts it.
func (a *Activities) FeedOrders(ctx context.Context, in FeedOrdersInput) (FeedOrdersResult, error) {
	rt, err := a.orderIntegration(in.Integration)
	if err != nil {
		return FeedOrdersResult{}, err
	}
	defer keepAlive(ctx)()
	page, err := rt.Source.OrderFeed(ctx, connectors.OrderFeedQuery{Cursor: in.Cursor, Since: in.Since, PageSize: in.PageSize})
	if err != nil {
		return FeedOrdersResult{}, toTemporal(err)
	}
	out := FeedOrdersResult{Cursor: page.Cursor, More: page.More}
	for _, s := range page.Orders {
		out.add(s, rt.Config.Flows.Orders)
	}
	return out, nil
}

// ListOrdersInput asks for one page of orders created in [From, To): a
// backfill's explicit window.
type ListOrdersInput struct {
	Integration string    `json:"integration"`
	From        time.Time `json:"from"`
	To          time.Time `json:"to"`
	PageToken   string    `json:"pageToken,omitempty"`
	PageSize    int       `json:"pageSize"`
	// EligibleOnly lets the source filter on paid and status itself: for a
	// backfill, which keeps no waiting orders, the rest is only traffic.
	EligibleOnly bool `json:"eligibleOnly,omitempty"`
}

// ListOrdersResult is one sorted page of a listing.
type ListOrdersResult struct {
	OrderSort
	NextPageToken string `json:"nextPageToken,omitempty"`
}

// ListOrders lists one page of source orders in a creation window and sorts it.
func (a *Activities) ListOrders(ctx context.Context, in ListOrdersInput) (ListOrdersResult, error) {
	rt, err := a.orderIntegration(in.Integration)
	if err != nil {
		return ListOrdersResult{}, err
	}
	q := connectors.OrderQuery{CreatedFrom: in.From, CreatedTo: in.To, PageToken: in.PageToken, PageSize: in.PageSize}
	if f := rt.Config.Flows.Orders; in.EligibleOnly {
		q.OnlyPaid = f.OnlyPaid()
	}
	defer keepAlive(ctx)()
	page, err := rt.Source.ListOrders(ctx, q)
	if err != nil {
		return ListOrdersResult{}, toTemporal(err)
	}
	out := ListOrdersResult{NextPageToken: page.NextPageToken}
	for _, s := range page.Orders {
		out.add(s, rt.Config.Flows.Orders)
	}
	return out, nil
}

// RecheckOrdersInput names orders seen earlier that were not eligible yet.
type RecheckOrdersInput struct {
	Integration string     `json:"integration"`
	Orders      []OrderRef `json:"orders"`
	// PerMinute paces the rechecks: the share of the source's read quota
	// they may use, so waiting orders never starve new ones (0: unpaced).
	PerMinute int `json:"perMinute,omitempty"`
}

// RecheckOrdersResult sorts them again. Checked says how many of the input,
// from the front, were looked at; the rest wait for the next run (a rate
// limit, an outage or the activity's time ran out).
type RecheckOrdersResult struct {
	OrderSort
	// Dropped are orders the source no longer has.
	Dropped []OrderRef `json:"dropped"`
	Checked int        `json:"checked"`
	// Stopped says why the rechecks stopped early, for the run's stats.
	Stopped string `json:"stopped,omitempty"`
}

// recheckReserve is the part of the activity's time left unused, so it
// returns what it did before the timeout would throw it away.
const recheckReserve = 15 * time.Second

// RecheckOrders looks again at orders that were waiting, so an order paid an
// hour after it was placed still arrives. It paces itself, heartbeats its
// progress (a retry resumes after the last order done) and returns early,
// with what it did, on a rate limit, an outage or near its deadline: a
// recheck never fails a run nor repeats work.
func (a *Activities) RecheckOrders(ctx context.Context, in RecheckOrdersInput) (RecheckOrdersResult, error) {
	rt, err := a.orderIntegration(in.Integration)
	if err != nil {
		return RecheckOrdersResult{}, err
	}
	var out RecheckOrdersResult
	if activity.IsActivity(ctx) && activity.HasHeartbeatDetails(ctx) {
		_ = activity.GetHeartbeatDetails(ctx, &out)
	}
	var pace *rate.Limiter
	if in.PerMinute > 0 {
		pace = rate.NewLimiter(rate.Limit(float64(in.PerMinute)/60), 1)
	}
	deadline, hasDeadline := ctx.Deadline()
	waitCtx := ctx // pacing waits end before the reserve, never in it
	if hasDeadline {
		var cancel context.CancelFunc
		waitCtx, cancel = context.WithDeadline(ctx, deadline.Add(-recheckReserve))
		defer cancel()
	}
	for out.Checked < len(in.Orders) {
		if hasDeadline && time.Until(deadline) < recheckReserve {
			out.Stopped = "time"
			break
		}
		if pace != nil {
			if activity.IsActivity(ctx) {
				activity.RecordHeartbeat(ctx, out) // a slow pace must not look like a stuck activity
			}
			if err := pace.Wait(waitCtx); err != nil {
				out.Stopped = "time"
				break
			}
		}
		ref := in.Orders[out.Checked]
		s, err := rt.Source.GetOrderSummary(ctx, ref.ID)
		switch {
		case connectors.IsKind(err, connectors.KindNotFound):
			out.Dropped = append(out.Dropped, ref)
		case connectors.IsKind(err, connectors.KindRateLimited), connectors.IsKind(err, connectors.KindUnavailable),
			errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			out.Stopped = string(connectors.KindOf(err))
			if out.Stopped == "" {
				out.Stopped = "time"
			}
			return out, nil
		case err != nil:
			return out, toTemporal(err)
		default:
			if s.ID == "" {
				s.ID = ref.ID
			}
			if s.Number == "" {
				s.Number = ref.Number
			}
			if s.CreatedAt.IsZero() {
				s.CreatedAt = ref.CreatedAt
			}
			out.add(s, rt.Config.Flows.Orders)
		}
		out.Checked++
		if activity.IsActivity(ctx) {
			activity.RecordHeartbeat(ctx, out)
		}
	}
	return out, nil
}

// Eligible decides whether an order is synced: paid (unless paidOnly is off)
// and, when statuses are configured, having reached one of them in the
// normal flow (an order that moved on from a listed status still counts).
// An unfinished checkout, a cancelled or a refunded order never is.
func Eligible(s connectors.OrderSummary, f *config.OrderFlow) bool {
	if s.Status == model.StatusCheckout || s.Status.Closed() {
		return false
	}
	if f.OnlyPaid() && !s.Paid {
		return false
	}
	if len(f.Statuses) == 0 {
		return true
	}
	for _, st := range f.Statuses {
		if s.Status.Reached(model.OrderStatus(st)) {
			return true
		}
	}
	return false
}
