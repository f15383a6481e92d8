package ecwid

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
)

// Listings page with offset and limit (at most 100) and answer {total,
// count, offset, limit, items} (§3.4): the next page is at offset+count
// until offset reaches total.

// maxPages bounds a listing that never ends (a server that ignores offset).
const maxPages = 1000

// limitFor clamps a page size hint to what the API takes; 0 is options.pageSize.
func (c *Client) limitFor(hint int) int {
	if hint <= 0 {
		hint = c.opt.PageSize
	}
	return min(max(hint, 1), MaxPageSize)
}

// listPage reads one page of a listing op.
func (c *Client) listPage(ctx context.Context, op string, query url.Values, offset, limit int) (Page, error) {
	q := url.Values{}
	for k, v := range query {
		q[k] = slices.Clone(v)
	}
	q.Set("offset", strconv.Itoa(offset))
	q.Set("limit", strconv.Itoa(limit))
	var p Page
	if err := c.get(ctx, op, opPath(op), q, &p); err != nil {
		return Page{}, err
	}
	if p.Total < 0 || p.Count < 0 {
		return Page{}, unavailable(op, 200, "the listing's total or count is negative")
	}
	return p, nil
}

// eachPage calls fn with every page's items from the first page on, until
// the last page or fn says stop.
func (c *Client) eachPage(ctx context.Context, op string, query url.Values, fn func(items []json.RawMessage) (stop bool, err error)) error {
	offset, limit := 0, c.limitFor(0)
	for range maxPages {
		p, err := c.listPage(ctx, op, query, offset, limit)
		if err != nil {
			return err
		}
		if stop, err := fn(p.Items); err != nil || stop {
			return err
		}
		offset += len(p.Items)
		if len(p.Items) == 0 || offset >= p.Total {
			return nil
		}
	}
	return unavailable(op, 0, "the listing did not end after %d pages", maxPages)
}

// Change feeds (orders, products, customers) ask for the records changed
// in a window of time (updatedFrom/updatedTo, UNIX seconds) and keep the
// highest update time handed out. Offset paging over a set that changes
// while it is read skips records (one updated meanwhile leaves the set and
// every later record moves up a place), and the order of the results is
// not documented (§3.4 [A]). So a feed reads a window only when one answer
// holds all of it: a window with more records than a page is narrowed
// first, and only a single second with more records than a page is read
// by offset. Each window asks a second wider on each side than it means
// and keeps exactly its own records, so whether the API's bounds are
// inclusive does not matter. A pass ends at the time it started (less
// options.feedDelay); the next pass starts at the highest update time
// handed out and skips the records handed out at that second, so a record
// is neither skipped nor listed twice for one change.

// ChangePos is a change feed's position: the opaque cursor and page token.
type ChangePos struct {
	// High is the newest update time handed out (UNIX seconds), Seen the
	// keys handed out at High.
	High int64    `json:"high,omitempty"`
	Seen []string `json:"seen,omitempty"`
	// Pass is the pass under way, nil between passes.
	Pass *ChangePass `json:"pass,omitempty"`
}

// ChangePass is a pass under way: the window [From, From+Span] (cut at
// To, the pass's end) and, in a second too full for one page, the offset.
// An API that ignores the window (it answers records outside it) is read
// by offset over everything instead, keeping what changed in the pass.
type ChangePass struct {
	From   int64 `json:"from"`
	To     int64 `json:"to"`
	Span   int64 `json:"span"`
	Offset int   `json:"offset,omitempty"`
	// Unfiltered: the API ignored the window; the pass pages through
	// everything and keeps what changed in it.
	Unfiltered bool `json:"unfiltered,omitempty"`
}

// readPos reads a cursor or page token a feed wrote; "" is the start.
func readPos(op, s string) (ChangePos, error) {
	var p ChangePos
	if s == "" {
		return p, nil
	}
	if err := json.Unmarshal([]byte(s), &p); err != nil || (p.Pass != nil && (p.Pass.To < p.Pass.From-1 || p.Pass.Span < 0 || p.Pass.Offset < 0)) {
		return ChangePos{}, invalid(op, "the cursor %q was not made by this connector", s)
	}
	return p, nil
}

// String is the position as the flows store it.
func (p ChangePos) String() string {
	b, _ := json.Marshal(p)
	return string(b)
}

// skip reports whether a record was handed out already for this change.
func (p ChangePos) skip(key string, ts int64) bool {
	return ts == p.High && slices.Contains(p.Seen, key)
}

// advance records a record handed out.
func (p *ChangePos) advance(key string, ts int64) {
	switch {
	case ts > p.High:
		p.High, p.Seen = ts, []string{key}
	case ts == p.High && !slices.Contains(p.Seen, key):
		p.Seen = append(p.Seen, key)
	}
}

// changeFeed is one feed's listing.
type changeFeed struct {
	op string
	// query holds the listing's other filters.
	query url.Values
	// stamp reads a record's key and update time; a record whose time
	// cannot be read (err) is handed out as it is when it has a key (the
	// caller reports it), and left out when it has none.
	stamp func(raw json.RawMessage) (key string, ts int64, err error)
}

// maxWindowCalls bounds the calls one page of a feed makes while it
// narrows or walks past empty windows; the page then returns with More.
const maxWindowCalls = 16

// changePage reads the next page of a feed from pos: the records, the
// position after them, and whether the pass goes on.
func (c *Client) changePage(ctx context.Context, f changeFeed, pos ChangePos, pageSize int) ([]json.RawMessage, ChangePos, bool, error) {
	limit := c.limitFor(pageSize)
	if pos.Pass == nil {
		to := c.now().Add(-c.opt.FeedDelay).Unix()
		if to < pos.High {
			return nil, pos, false, nil
		}
		pos.Pass = &ChangePass{From: pos.High, To: to, Span: to - pos.High}
	}
	var out []json.RawMessage
	for range maxWindowCalls {
		p := pos.Pass
		hi := min(p.From+p.Span, p.To)
		q := url.Values{}
		for k, v := range f.query {
			q[k] = slices.Clone(v)
		}
		if !p.Unfiltered {
			if p.From > 0 {
				q.Set("updatedFrom", strconv.FormatInt(p.From-1, 10))
			}
			q.Set("updatedTo", strconv.FormatInt(hi+1, 10))
		}
		page, err := c.listPage(ctx, f.op, q, p.Offset, limit)
		if err != nil {
			return nil, pos, false, err
		}
		stamps := make([]stamp, len(page.Items))
		for i, raw := range page.Items {
			s := &stamps[i]
			s.key, s.ts, s.err = f.stamp(raw)
			if !p.Unfiltered && s.err == nil && s.key != "" && (p.From > 0 && s.ts < p.From-1 || s.ts > hi+1) {
				// The API answered a record outside the window it was
				// asked for: it ignores the filter. Read the rest of the
				// pass by offset over everything, filtering here.
				p.Unfiltered, p.Span, p.Offset = true, p.To-p.From, 0
			}
		}
		if p.Unfiltered && q.Get("updatedTo") != "" {
			continue
		}
		more := p.Offset+len(page.Items) < page.Total && len(page.Items) > 0
		if more && p.Offset == 0 && hi > p.From && !p.Unfiltered {
			p.Span = narrow(hi-p.From, limit, page.Total)
			continue
		}
		for i, raw := range page.Items {
			s := stamps[i]
			switch {
			case s.key == "":
				continue
			case s.err != nil:
				out = append(out, raw)
			case s.ts < p.From || s.ts > hi || pos.skip(s.key, s.ts):
			default:
				out = append(out, raw)
				pos.advance(s.key, s.ts)
			}
		}
		if more {
			p.Offset += len(page.Items)
			return out, pos, true, nil
		}
		if hi >= p.To {
			pos.Pass = nil
			return out, pos, false, nil
		}
		p.From, p.Offset = hi+1, 0
		if page.Total < limit/2 { // a sparse window: the next may be wider
			p.Span = p.Span*2 + 1
		}
		p.Span = min(p.Span, p.To-p.From)
		if len(out) > 0 {
			return out, pos, true, nil
		}
	}
	return out, pos, true, nil
}

type stamp struct {
	key string
	ts  int64
	err error
}

// narrow is the span of a window that should hold about one page: the
// share of the width a page is of the total, at most half of it.
func narrow(width int64, limit, total int) int64 {
	guess := (width + 1) * int64(limit) / int64(max(total, 1))
	return max(min(guess-1, width/2), 0)
}

// pageToken and readOffset write and read an offset listing's position.
func pageToken(offset int) string { return strconv.Itoa(offset) }

func readOffset(op, token string) (int, error) {
	if token == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(token)
	if err != nil || n < 0 {
		return 0, invalid(op, "the page token %q was not made by this connector", token)
	}
	return n, nil
}

// stampOf reads the key and update time of a record with id and
// updateTimestamp (orders, products).
func stampOf(raw json.RawMessage) (string, int64, error) {
	var r struct {
		ID              ID          `json:"id"`
		UpdateTimestamp json.Number `json:"updateTimestamp"`
		Updated         string      `json:"updated"`
		UpdateDate      string      `json:"updateDate"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return string(r.ID), 0, fmt.Errorf("the record is not the JSON the API documents: %s", jsonProblem(err))
	}
	if r.UpdateTimestamp != "" {
		_, ts, err := unixTime(r.UpdateTimestamp, "updateTimestamp")
		return string(r.ID), ts, err
	}
	for _, s := range []string{r.UpdateDate, r.Updated} {
		if s != "" {
			t, err := parseDate(s, "updated")
			return string(r.ID), t.Unix(), err
		}
	}
	return string(r.ID), 0, fmt.Errorf("updateTimestamp: missing")
}
