package ccvshop

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// The shop has no "modified since" filter for orders (§1.5), so its change
// feed walks creation time with a look-back: every pass lists again the
// orders created in the last LookBack before where the previous pass ended,
// so an order that shows up late (a clock behind ours, a replica that lags,
// a checkout completed after the payment page) is still seen. A pass lists
// completed orders first, then unfinished checkouts (is_completed=false,
// hidden from the default listing, §1.12.5) as waiting orders. The flow
// recognises re-listed orders by id.

// Defaults of the order feed.
const (
	// DefaultLookBack is how far back every pass lists again.
	DefaultLookBack = 24 * time.Hour
)

// FeedConfig are the order feed's settings (Config embeds it).
type FeedConfig struct {
	// LookBack is how far before the end of the previous pass each pass
	// starts; 0 means DefaultLookBack, negative none.
	LookBack time.Duration
	// SkipUnfinished leaves unfinished checkouts out of the feed; by default
	// they are listed so the flow can wait for them.
	SkipUnfinished bool
}

func (f FeedConfig) lookBack() time.Duration {
	return connectors.FeedLookBack(f.LookBack, DefaultLookBack)
}

// feedCursor is the feed's position. ListedTo: every order created before
// it has been listed at least once. Pass is the pass under way, if any.
type feedCursor struct {
	ListedTo time.Time `json:"listedTo"`
	Pass     *feedPass `json:"pass,omitempty"`
}

type feedPass struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Unfinished: the pass is listing unfinished checkouts (its second phase).
	Unfinished bool `json:"unfinished,omitempty"`
	// Next is the shop's link to the phase's next page.
	Next string `json:"next,omitempty"`
}

// OrderFeed returns the next page of the feed.
func (c *Client) OrderFeed(ctx context.Context, q connectors.OrderFeedQuery) (connectors.OrderFeedPage, error) {
	cur := feedCursor{ListedTo: q.Since.UTC()}
	if err := connectors.ReadFeedCursor(c.system(), OpListOrders, q.Cursor, &cur); err != nil {
		return connectors.OrderFeedPage{}, err
	}
	if cur.Pass == nil {
		from := cur.ListedTo
		if !from.IsZero() {
			from = from.Add(-c.cfg.lookBack())
		}
		cur.Pass = &feedPass{From: from, To: c.now().UTC().Truncate(time.Second)}
	}
	p := cur.Pass
	page, err := c.listOrders(ctx, connectors.OrderQuery{CreatedFrom: p.From, CreatedTo: p.To, PageToken: p.Next, PageSize: q.PageSize}, p.Unfinished)
	if err != nil {
		return connectors.OrderFeedPage{}, err
	}
	out := connectors.OrderFeedPage{Orders: page.Orders, More: true}
	switch {
	case page.NextPageToken != "":
		p.Next = page.NextPageToken
	case !p.Unfinished && !c.cfg.SkipUnfinished:
		p.Unfinished, p.Next = true, ""
	default:
		cur.ListedTo, cur.Pass, out.More = p.To, nil, false
	}
	if out.Cursor, err = connectors.WriteFeedCursor(cur); err != nil {
		return connectors.OrderFeedPage{}, err
	}
	return out, nil
}

// summaryOf reads one listed order; one the connector cannot read comes
// back with Unreadable set (naming the field), so one bad record never
// stops the listing.
func summaryOf(raw json.RawMessage, unfinished bool) (connectors.OrderSummary, bool) {
	var o wireOrder
	if err := json.Unmarshal(raw, &o); err != nil {
		var ref struct {
			ID int64 `json:"id"`
		}
		if json.Unmarshal(raw, &ref) != nil || ref.ID <= 0 {
			return connectors.OrderSummary{}, false
		}
		return connectors.OrderSummary{ID: fmt.Sprint(ref.ID), Unreadable: "the order's JSON does not match the API's schema: " + err.Error()}, true
	}
	s, err := summary(o)
	if err != nil {
		return connectors.OrderSummary{ID: fmt.Sprint(o.ID), Number: o.number(), Unreadable: err.Error()}, true
	}
	if unfinished || o.IsCompleted != nil && !*o.IsCompleted {
		s.Status = model.StatusCheckout
	}
	return s, true
}
