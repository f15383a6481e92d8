package eaccounting

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/koppel/koppel/connectors"
)

// Listings page with OData options (§2.3): $page counts from 1, $pagesize is
// the page's size (the API's maximum is not published, so the answer's
// Meta.PageSize is what counts), and the answer is {Meta, Data}. The last
// page is the one whose CurrentPage reaches TotalNumberOfPages.

// ListOptions select one page of a listing.
type ListOptions struct {
	// Page counts from 1; 0 means 1.
	Page int
	// PageSize is $pagesize; 0 means the client's Config.PageSize.
	PageSize int
	// Filter is an OData $filter (CustomerNumber eq '1001'); "" lists all.
	Filter string
	// OrderBy is an OData $orderby; "" leaves the API's order.
	OrderBy string
}

func (c *Client) odata(o ListOptions) []queryParam {
	page, size := max(o.Page, 1), o.PageSize
	if size <= 0 {
		size = c.cfg.PageSize
	}
	q := []queryParam{{"$page", strconv.Itoa(page)}, {"$pagesize", strconv.Itoa(size)}}
	if o.Filter != "" {
		q = append(q, queryParam{"$filter", o.Filter})
	}
	if o.OrderBy != "" {
		q = append(q, queryParam{"$orderby", o.OrderBy})
	}
	return q
}

// listPage reads one page of a listing op (a GET of its template's path)
// and checks its envelope: a page without Meta, or one that is not the page
// asked for, is an error, never a silently short listing.
func listPage[T any](ctx context.Context, c *Client, op string, o ListOptions) (Page[T], error) {
	var p Page[T]
	if err := c.get(ctx, op, endpointOf(op), c.odata(o), &p); err != nil {
		return Page[T]{}, err
	}
	want := max(o.Page, 1)
	switch {
	case p.Meta.CurrentPage == 0 && p.Meta.PageSize == 0:
		return Page[T]{}, &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: op,
			Message: "the answer has no Meta paging envelope"}
	case p.Meta.CurrentPage != want && want <= p.Meta.TotalNumberOfPages:
		return Page[T]{}, &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: op,
			Message: fmt.Sprintf("asked for page %d, the answer is page %d", want, p.Meta.CurrentPage)}
	}
	return p, nil
}

// eachPage calls fn with every page's records from o.Page on, until the last
// page or fn's error.
func eachPage[T any](ctx context.Context, c *Client, op string, o ListOptions, fn func([]T) error) error {
	o.Page = max(o.Page, 1)
	for {
		p, err := listPage[T](ctx, c, op, o)
		if err != nil {
			return err
		}
		if len(p.Data) > 0 {
			if err := fn(p.Data); err != nil {
				return err
			}
		}
		if p.Meta.CurrentPage >= p.Meta.TotalNumberOfPages || len(p.Data) == 0 {
			return nil
		}
		o.Page = p.Meta.CurrentPage + 1
	}
}

// ODataString quotes a string literal for $filter: single quotes, an
// embedded quote doubled (O'Brien → 'O”Brien'), as OData v4 writes it.
func ODataString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// eqFilter is "Field eq 'value'".
func eqFilter(field, value string) string { return field + " eq " + ODataString(value) }

// maxFilterLength bounds one $filter of or-ed values, so that a lookup of
// many numbers stays well inside what servers take in a URL (escaped, a
// filter grows by about half).
const maxFilterLength = 1500

// orFilters are filters "Field eq 'a' or Field eq 'b' …", each at most
// maxFilterLength long (a single value longer than that is a filter of its own).
func orFilters(field string, values []string) []string {
	var out []string
	var b strings.Builder
	for _, v := range values {
		term := eqFilter(field, v)
		if b.Len() > 0 && b.Len()+len(" or ")+len(term) > maxFilterLength {
			out = append(out, b.String())
			b.Reset()
		}
		if b.Len() > 0 {
			b.WriteString(" or ")
		}
		b.WriteString(term)
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}
