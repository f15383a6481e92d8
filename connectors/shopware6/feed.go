package shopware6

import (
	"context"
	"time"

	"github.com/koppel/koppel/connectors"
)

// The Admin API can search orders by when they changed (research §1.5), so
// the change feed is "modified since" with a short look-back:
//
//   - An order is new or changed when its createdAt or updatedAt is at or
//     after the pass's start, or (by default) the updatedAt of one of its
//     payments or deliveries is: a state transition writes the transaction
//     or delivery, and whether Shopware also touches the order's own
//     updatedAt is not documented (updatedAt is even null until the order
//     is first written, §1.5 [L]). The filter is open-ended, so an order
//     that changes again during a pass is still in it.
//   - A pass pages through those orders by creation time and id, and
//     continues after the last order it listed (a keyset, not a page
//     number), so an order deleted or changed meanwhile never shifts another
//     out of the pass; an order changed meanwhile is listed again by the next
//     pass.
//   - Each pass starts LookBack before the previous one began, by this
//     machine's clock: that covers changes in the same second, a transaction
//     committed late and a shop clock behind ours by less than LookBack.
//
// The flow recognises orders listed again by id.

// Defaults of the order feed.
const (
	// DefaultLookBack is how far before the previous pass's start each pass
	// starts.
	DefaultLookBack = 10 * time.Minute
)

// FeedConfig are the order feed's settings (Config embeds it).
type FeedConfig struct {
	// LookBack: 0 means DefaultLookBack, negative none.
	LookBack time.Duration
	// IgnorePaymentAndDelivery leaves out the payments' and deliveries'
	// updatedAt: only the order's own createdAt and updatedAt mark a change.
	IgnorePaymentAndDelivery bool
}

func (f FeedConfig) lookBack() time.Duration {
	return connectors.FeedLookBack(f.LookBack, DefaultLookBack)
}

// feedCursor is the feed's position. ListedTo: every change before it has
// been listed at least once. Pass is the pass under way, if any.
type feedCursor struct {
	ListedTo time.Time `json:"listedTo"`
	Pass     *feedPass `json:"pass,omitempty"`
}

// feedPass lists the orders changed at or after From; it began at Start.
// After and AfterID are the creation time and id of the last order listed
// (the keyset); Page counts pages of orders all created at After, the one
// case a keyset on the time alone cannot step over.
type feedPass struct {
	From    time.Time `json:"from"`
	Start   time.Time `json:"start"`
	After   time.Time `json:"after,omitzero"`
	AfterID string    `json:"afterId,omitempty"`
	Page    int       `json:"page,omitempty"`
}

// summaryAssociations are what an order's status and payment are read from.
var summaryAssociations = []string{"stateMachineState", "transactions.stateMachineState", "deliveries.stateMachineState"}

// OrderFeed returns the next page of the feed.
func (c *Client) OrderFeed(ctx context.Context, q connectors.OrderFeedQuery) (connectors.OrderFeedPage, error) {
	cur := feedCursor{ListedTo: q.Since.UTC()}
	if err := connectors.ReadFeedCursor(System, OpSearchOrders, q.Cursor, &cur); err != nil {
		return connectors.OrderFeedPage{}, err
	}
	if cur.Pass == nil {
		from := cur.ListedTo
		if !from.IsZero() {
			from = from.Add(-c.cfg.lookBack())
		}
		cur.Pass = &feedPass{From: from, Start: c.now().UTC().Truncate(time.Millisecond)}
	}
	p := cur.Pass
	limit := c.pageSize(q.PageSize)
	crit := criteria{Page: max(p.Page, 1), Limit: limit, TotalCountMode: "next-pages", Associations: association(summaryAssociations...),
		Sort: []sorting{{Field: "createdAt", Order: "ASC"}, {Field: "id", Order: "ASC"}}}
	if !p.From.IsZero() {
		changed := []filter{c.since("createdAt", p.From), c.since("updatedAt", p.From)}
		if !c.cfg.IgnorePaymentAndDelivery {
			changed = append(changed, c.since("transactions.updatedAt", p.From), c.since("deliveries.updatedAt", p.From))
		}
		crit.Filter = append(crit.Filter, anyOf(changed...))
	}
	if !p.After.IsZero() {
		crit.Filter = append(crit.Filter, c.since("createdAt", p.After))
	}
	crit.Filter = append(crit.Filter, c.salesChannelFilter()...)

	res, err := c.search(ctx, OpSearchOrders, "order", crit)
	if err != nil {
		return connectors.OrderFeedPage{}, err
	}
	out := connectors.OrderFeedPage{Orders: []connectors.OrderSummary{}, More: true}
	var last *listed
	for _, raw := range res.Data {
		l, ok := c.summaryOf(raw)
		if !ok {
			continue // not even an id to name it by
		}
		last = &l
		if !p.After.IsZero() && l.created.Equal(p.After) && l.summary.ID <= p.AfterID {
			continue // listed on the previous page of this pass
		}
		out.Orders = append(out.Orders, l.summary)
	}
	switch {
	case !morePages(res, crit):
		cur.ListedTo, cur.Pass, out.More = p.Start, nil, false
	case last == nil || last.created.IsZero() || !last.created.After(p.After):
		// A full page created at the keyset's time (or unreadable): step
		// over it by page number.
		p.Page = max(p.Page, 1) + 1
	default:
		p.After, p.AfterID, p.Page = last.created, last.summary.ID, 0
	}
	if out.Cursor, err = connectors.WriteFeedCursor(cur); err != nil {
		return connectors.OrderFeedPage{}, err
	}
	return out, nil
}

// since is a range filter on a time field: at or after t.
func (c *Client) since(field string, t time.Time) filter {
	return rangeFilter(field, map[string]string{"gte": c.cfg.DateFilter.format(t)})
}

func (c *Client) salesChannelFilter() []filter {
	if len(c.cfg.SalesChannelIDs) == 0 {
		return nil
	}
	return []filter{equalsAny("salesChannelId", c.cfg.SalesChannelIDs)}
}

// pageSize clamps a caller's page size to what the client asks for.
func (c *Client) pageSize(want int) int {
	if want <= 0 {
		want = DefaultPageSize
	}
	return min(want, c.cfg.MaxPageSize)
}

// morePages says whether a search has a next page: the total says so
// (next-pages or exact), or the page is full. A full page is trusted over
// the total, so a shop that ignores total-count-mode (its total is then
// the page's count) is still paged to the end, at the cost of one empty
// page when the last one is exactly full.
func morePages(res searchResult, crit criteria) bool {
	offset := (max(crit.Page, 1) - 1) * crit.Limit
	if res.Total != nil && *res.Total > offset+len(res.Data) {
		return true
	}
	return len(res.Data) >= crit.Limit
}
