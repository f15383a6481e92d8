package vismanet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
)

// Listings (§3.4) page with pageNumber (from 1) and pageSize, which the API
// caps silently at the endpoint's maximum. Most answer a plain array whose
// every record carries metadata {totalCount, maxPageSize}; some newer ones
// (credit terms) an envelope {pageNumber, pageSize, totalCount, records}.
// An empty page is past the end. Journal transactions count lines, not
// transactions, in pageSize and totalCount, so a short page is no sign of
// the end: only an empty page or the total is.
//
// Reference listings without paging parameters (currencies, warehouses …)
// are read with one call (listAll with paged false).

// ListOptions select one page of a listing.
type ListOptions struct {
	// Page counts from 1; 0 means 1.
	Page int
	// PageSize is pageSize; 0 means options.pageSize.
	PageSize int
	// Query holds the endpoint's filters (orderType, email,
	// lastModifiedDateTime …); nil lists all.
	Query url.Values
}

// Page is one page of a listing.
type Page[T any] struct {
	Records []T
	// Number is the page read; Size the page size in force (the asked one,
	// capped at the API's maximum when it says it).
	Number, Size int
	// TotalCount is the number of records of the whole listing, -1 when
	// the answer does not say.
	TotalCount int64
	// Last is true on the last page.
	Last bool
	// first is the page's first record as sent, to tell a server that
	// ignores pageNumber.
	first string
}

// envelope is the newer paging shape.
type envelope struct {
	PageNumber int               `json:"pageNumber"`
	PageSize   int               `json:"pageSize"`
	TotalCount int64             `json:"totalCount"`
	Records    []json.RawMessage `json:"records"`
}

// listPage reads one page of a listing op at path.
func listPage[T any](ctx context.Context, c *Client, op, path string, o ListOptions) (Page[T], error) {
	number, size := max(o.Page, 1), o.PageSize
	if size <= 0 {
		size = c.opt.PageSize
	}
	q := url.Values{}
	for k, v := range o.Query {
		q[k] = slices.Clone(v)
	}
	q.Set("pageNumber", strconv.Itoa(number))
	q.Set("pageSize", strconv.Itoa(size))
	var raw json.RawMessage
	if err := c.get(ctx, op, path, q, &raw); err != nil {
		return Page[T]{}, err
	}
	p := Page[T]{Number: number, Size: size, TotalCount: -1}
	records, meta, err := splitListing(raw)
	if err != nil {
		return Page[T]{}, unavailable(op, 200, "%v", err)
	}
	if meta.MaxPageSize > 0 && int64(p.Size) > meta.MaxPageSize {
		p.Size = int(meta.MaxPageSize)
	}
	if meta.TotalCount > 0 || (meta.TotalCount == 0 && len(records) == 0) {
		p.TotalCount = meta.TotalCount
	}
	if p.Records, err = decodeRecords[T](records); err != nil {
		return Page[T]{}, unavailable(op, 200, "the answer is not the JSON the API documents: %s", jsonProblem(err))
	}
	switch {
	case len(records) == 0:
		p.Last = true
	case p.TotalCount >= 0:
		p.Last = int64(p.Number)*int64(p.Size) >= p.TotalCount
	default:
		// No total: a short page is the last (journal transactions, whose
		// sizes count lines, always say their total).
		p.Last = len(records) < p.Size
		p.first = string(records[0])
	}
	return p, nil
}

// splitListing reads a listing in either shape: its records and the paging
// information (the first record's metadata, or the envelope's).
func splitListing(raw json.RawMessage) ([]json.RawMessage, Metadata, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) > 0 && raw[0] == '[':
		var records []json.RawMessage
		if err := json.Unmarshal(raw, &records); err != nil {
			return nil, Metadata{}, fmt.Errorf("the answer is not a JSON list: %s", jsonProblem(err))
		}
		var meta Metadata
		if len(records) > 0 {
			var first struct {
				Metadata *Metadata `json:"metadata"`
			}
			if json.Unmarshal(records[0], &first) == nil && first.Metadata != nil {
				meta = *first.Metadata
			}
		}
		return records, meta, nil
	case len(raw) > 0 && raw[0] == '{':
		var e envelope
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, Metadata{}, fmt.Errorf("the answer is not a paging envelope: %s", jsonProblem(err))
		}
		return e.Records, Metadata{TotalCount: e.TotalCount, MaxPageSize: int64(e.PageSize)}, nil
	}
	return nil, Metadata{}, fmt.Errorf("the answer is neither a JSON list nor a paging envelope")
}

func decodeRecords[T any](records []json.RawMessage) ([]T, error) {
	out := make([]T, 0, len(records))
	for _, r := range records {
		var v T
		if err := json.Unmarshal(r, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// maxPages bounds a listing that never ends (a server that ignores
// pageNumber and says no total).
const maxPages = 10000

// eachPage calls fn with every page's records from o.Page on, until the
// last page or fn's error.
func eachPage[T any](ctx context.Context, c *Client, op, path string, o ListOptions, fn func([]T) error) error {
	o.Page = max(o.Page, 1)
	previous := ""
	for range maxPages {
		p, err := listPage[T](ctx, c, op, path, o)
		if err != nil {
			return err
		}
		if p.first != "" && p.first == previous {
			return nil // the server ignores pageNumber: this page was listed already
		}
		previous = p.first
		if len(p.Records) > 0 {
			if err := fn(p.Records); err != nil {
				return err
			}
		}
		if p.Last {
			return nil
		}
		o.Page++
	}
	return unavailable(op, 0, "the listing did not end after %d pages", maxPages)
}

// listAll reads a whole listing: page by page when paged, else in one call
// (reference listings the contract gives no paging parameters).
func listAll[T any](ctx context.Context, c *Client, op string, query url.Values, paged bool) ([]T, error) {
	path := opPath(op)
	if !paged {
		var raw json.RawMessage
		if err := c.get(ctx, op, path, query, &raw); err != nil {
			return nil, err
		}
		records, _, err := splitListing(raw)
		if err != nil {
			return nil, unavailable(op, 200, "%v", err)
		}
		out, err := decodeRecords[T](records)
		if err != nil {
			return nil, unavailable(op, 200, "the answer is not the JSON the API documents: %s", jsonProblem(err))
		}
		return out, nil
	}
	var out []T
	err := eachPage(ctx, c, op, path, ListOptions{Query: query}, func(rs []T) error {
		out = append(out, rs...)
		return nil
	})
	return out, err
}

// Change filters (§3.4): lastModifiedDateTime with
// lastModifiedDateTimeCondition (both or neither), written
// yyyy-MM-ddTHH:mm:ss.

// ModifiedSince sets the change filter "modified at or after since" on q.
func ModifiedSince(q url.Values, since time.Time) {
	q.Set("lastModifiedDateTime", since.Format(filterLayout))
	q.Set("lastModifiedDateTimeCondition", ">=")
}

// ChangeCursor is a change feed's position for the opaque cursor of a
// connectors.ChangeQuery: the newest lastModifiedDateTime a pass saw (to
// the second, the filter's resolution) and the keys of the records modified
// within that second. The next pass asks for records modified at or after
// Since and skips those keys when their time has not moved, so a record is
// neither lost nor listed twice for the same change.
//
// A pass builds its successor with Advance for every record it handles and
// hands out String() once the pass is complete.
type ChangeCursor struct {
	Since time.Time `json:"since"`
	Seen  []string  `json:"seen,omitempty"`
}

// ParseChangeCursor reads a cursor String wrote; "" is the start.
func ParseChangeCursor(s string) (ChangeCursor, error) {
	var c ChangeCursor
	if strings.TrimSpace(s) == "" {
		return c, nil
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return ChangeCursor{}, &connectors.Error{Kind: connectors.KindValidation, System: System, Op: "read cursor",
			Message: fmt.Sprintf("the cursor %q is not one this connector wrote", s)}
	}
	return c, nil
}

// String is the cursor as the flows store it.
func (c ChangeCursor) String() string {
	if c.Since.IsZero() {
		return ""
	}
	b, _ := json.Marshal(c)
	return string(b)
}

// Filter sets the change filter of the cursor on q (none at the start).
func (c ChangeCursor) Filter(q url.Values) {
	if !c.Since.IsZero() {
		ModifiedSince(q, c.Since)
	}
}

// Skip reports whether a record was listed already by the pass that made
// the cursor: modified within the cursor's second and among its keys.
func (c ChangeCursor) Skip(key string, modified time.Time) bool {
	return modified.Truncate(time.Second).Equal(c.Since) && slices.Contains(c.Seen, key)
}

// Advance moves the cursor past a record the pass handled.
func (c *ChangeCursor) Advance(key string, modified time.Time) {
	m := modified.Truncate(time.Second)
	switch {
	case m.After(c.Since):
		c.Since, c.Seen = m, []string{key}
	case m.Equal(c.Since) && !slices.Contains(c.Seen, key):
		c.Seen = append(c.Seen, key)
	}
}

// PageToken and ParsePageToken write and read a listing's page number as a
// connectors page token.
func PageToken(page int) string {
	if page <= 1 {
		return ""
	}
	return strconv.Itoa(page)
}

// ParsePageToken reads a PageToken; "" is page 1.
func ParsePageToken(s string) (int, error) {
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, &connectors.Error{Kind: connectors.KindValidation, System: System, Op: "read page token",
			Message: fmt.Sprintf("the page token %q is not one this connector wrote", s)}
	}
	return n, nil
}
