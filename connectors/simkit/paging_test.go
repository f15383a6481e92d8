package simkit

import (
	"errors"
	"math"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPagingOffsetStyle(t *testing.T) {
	pg := Paging{OffsetParam: "start", SizeParam: "size", DefaultSize: 100, MaxSize: 250}
	for _, tc := range []struct {
		query string
		want  Page
		bad   string // the parameter a PagingError names
	}{
		{"", Page{0, 100}, ""},
		{"start=&size=", Page{0, 100}, ""}, // empty is absent
		{"start=50&size=25", Page{50, 25}, ""},
		{"size=1000", Page{0, 250}, ""}, // cut to the cap
		{"start=-1", Page{}, "start"},
		{"start=x", Page{}, "start"},
		{"size=0", Page{}, "size"},
		{"size=2.5", Page{}, "size"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			require.NoError(t, err)
			got, err := pg.Parse(q)
			if tc.bad == "" {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				return
			}
			var pe *PagingError
			require.True(t, errors.As(err, &pe), "%v", err)
			assert.Equal(t, tc.bad, pe.Param)
		})
	}
}

func TestPagingPageNumbersAndStrictMax(t *testing.T) {
	pg := Paging{PageParam: "pageNumber", SizeParam: "pageSize", DefaultSize: 50, MaxSize: 1000, RejectOversize: true}
	parse := func(query string) (Page, error) {
		q, _ := url.ParseQuery(query)
		return pg.Parse(q)
	}
	p, err := parse("")
	require.NoError(t, err)
	assert.Equal(t, Page{0, 50}, p)
	assert.Equal(t, 1, p.Number())

	p, err = parse("pageNumber=3&pageSize=20")
	require.NoError(t, err)
	assert.Equal(t, Page{40, 20}, p)
	assert.Equal(t, 3, p.Number())

	_, err = parse("pageNumber=0")
	assert.ErrorContains(t, err, "pageNumber", "pages count from 1")
	_, err = parse("pageSize=1001")
	assert.ErrorContains(t, err, "at most 1000", "an oversize page is an error where the system says so")

	p, err = parse("pageNumber=9223372036854775807&pageSize=1000")
	require.NoError(t, err, "a page far past the end is empty, not an overflow")
	assert.Equal(t, math.MaxInt, p.Offset)
	assert.Empty(t, Slice([]int{1, 2, 3}, p))
}

func TestSlice(t *testing.T) {
	items := []string{"a", "b", "c", "d", "e"}
	assert.Equal(t, []string{"a", "b"}, Slice(items, Page{0, 2}))
	assert.Equal(t, []string{"e"}, Slice(items, Page{4, 2}))
	assert.Empty(t, Slice(items, Page{5, 2}))
	assert.Empty(t, Slice(items, Page{0, 0}))
	assert.Empty(t, Slice([]string(nil), Page{0, 10}))
}
