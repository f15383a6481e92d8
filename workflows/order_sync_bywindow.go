package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
)

// pollWindows is how runs polled before the change feed: creation windows
// walked by the workflow. Kept so those runs' histories still replay.
func (s *orderSync) pollWindows(ctx workflow.Context, cur OrderCursor) (OrderCursor, error) {
	now := workflow.Now(ctx)
	if err := s.recheckPendingWindows(ctx, &cur, now); err != nil {
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

// recheckPendingWindows looks at every waiting order again in one activity
// (the shape before rechecks were paced).
func (s *orderSync) recheckPendingWindows(ctx workflow.Context, cur *OrderCursor, now time.Time) error {
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
	return s.startOrders(ctx, res.Eligible, nil)
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
