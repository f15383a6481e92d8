package simkit

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
)

// Paging reads one system's paging query parameters: an item offset
// (start/size, offset/limit) or a page number (page/limit, $page/$pagesize,
// pageNumber/pageSize). Set OffsetParam or PageParam, not both.
type Paging struct {
	// OffsetParam names a 0-based item offset ("start", "offset").
	OffsetParam string
	// PageParam names a 1-based page number ("page", "$page", "pageNumber").
	PageParam string
	// SizeParam names the page size ("size", "limit", "pageSize").
	SizeParam string
	// DefaultSize is the size when the request gives none.
	DefaultSize int
	// MaxSize caps the size; 0 means no cap. A larger size is cut to it, as
	// most APIs do silently, unless RejectOversize makes it a bad value.
	MaxSize        int
	RejectOversize bool
}

// Page is the window of a list a request asked for.
type Page struct {
	Offset int // index of the first item, from 0
	Size   int // items per page, at least 1
}

// Number is the 1-based page number of p, for systems that echo it.
func (p Page) Number() int { return p.Offset/max(p.Size, 1) + 1 }

// PagingError is a paging value the system rejects; the simulator renders
// it in the system's own error shape.
type PagingError struct {
	Param, Value, Reason string
}

func (e *PagingError) Error() string {
	return fmt.Sprintf("%s=%q: %s", e.Param, e.Value, e.Reason)
}

// Parse reads the page a request asks for. An absent or empty parameter
// takes its default (offset 0, page 1, DefaultSize).
func (pg Paging) Parse(q url.Values) (Page, error) {
	param, first := pg.OffsetParam, 0
	if pg.PageParam != "" {
		param, first = pg.PageParam, 1
	}
	at, err := intParam(q, param, first, first)
	if err != nil {
		return Page{}, err
	}
	size, err := intParam(q, pg.SizeParam, 1, pg.DefaultSize)
	if err != nil {
		return Page{}, err
	}
	if pg.MaxSize > 0 && size > pg.MaxSize {
		if pg.RejectOversize {
			return Page{}, &PagingError{pg.SizeParam, q.Get(pg.SizeParam), fmt.Sprintf("must be at most %d", pg.MaxSize)}
		}
		size = pg.MaxSize
	}
	if pg.PageParam == "" {
		return Page{Offset: at, Size: size}, nil
	}
	if at-1 > math.MaxInt/max(size, 1) {
		return Page{Offset: math.MaxInt, Size: size}, nil // far past any end, without overflowing
	}
	return Page{Offset: (at - 1) * size, Size: size}, nil
}

// intParam reads a whole number of at least least, or def when absent.
func intParam(q url.Values, name string, least, def int) (int, error) {
	v := q.Get(name)
	if name == "" || v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		return 0, &PagingError{name, v, "not a whole number"}
	case n < least:
		return 0, &PagingError{name, v, fmt.Sprintf("must be at least %d", least)}
	}
	return n, nil
}

// Slice returns the items of page p (sharing items' array); past the end
// it is empty.
func Slice[T any](items []T, p Page) []T {
	if p.Offset >= len(items) || p.Size <= 0 {
		return items[:0:0]
	}
	return items[p.Offset:min(len(items), p.Offset+p.Size)]
}
