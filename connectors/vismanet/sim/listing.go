package sim

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/koppel/koppel/connectors/simkit"
)

// page reads pageNumber and pageSize (§3.4): a size above max is cut to
// it silently, no size means max. A value that is no whole number, or
// below 1, is a 400.
func (s *Sim) page(w http.ResponseWriter, r *http.Request, maxSize int) (simkit.Page, bool) {
	pager := simkit.Paging{PageParam: "pageNumber", SizeParam: "pageSize", DefaultSize: maxSize, MaxSize: maxSize}
	pg, err := pager.Parse(r.URL.Query())
	if err != nil {
		var pe *simkit.PagingError
		if errors.As(err, &pe) {
			s.bad(w, r, pe.Param, "'%s' is %q: %s.", pe.Param, pe.Value, pe.Reason)
			return pg, false
		}
		s.bad(w, r, "pageNumber", "%v", err)
		return pg, false
	}
	return pg, true
}

// writePage answers one page of a listing: a plain array whose every
// element carries the listing's metadata; past the end an empty array.
func writePage[T any, PT interface {
	*T
	listed
}](s *Sim, w http.ResponseWriter, r *http.Request, all []T, pg simkit.Page, maxSize int) {
	meta := &metadataDto{TotalCount: int64(len(all)), MaxPageSize: int64(maxSize)}
	out := make([]T, 0, pg.Size)
	for _, x := range simkit.Slice(all, pg) {
		PT(&x).setMeta(meta)
		out = append(out, x)
	}
	s.out.JSON(w, r, http.StatusOK, out)
}

// changeFilter is one change filter of a listing: a date-time and its
// condition.
type changeFilter struct {
	param string
	at    time.Time
	cond  string
}

// parseChanges reads the change filters named (lastModifiedDateTime …),
// each with its …Condition: both or neither (the contract calls them
// mutually inclusive), a condition among >, <, >=, <= and a date the
// documentation accepts.
func parseChanges(q url.Values, ps *problems, names ...string) []changeFilter {
	var out []changeFilter
	for _, name := range names {
		cname := name + "Condition"
		v, c := q.Get(name), q.Get(cname)
		switch {
		case v == "" && c == "":
			continue
		case v == "":
			ps.add(name, "'%s' is given without '%s'; they go together.", cname, name)
			continue
		case c == "":
			ps.add(cname, "'%s' is given without '%s'; they go together.", name, cname)
			continue
		}
		switch c {
		case ">", "<", ">=", "<=":
		default:
			ps.add(cname, "'%s' is %q; it must be one of >, <, >=, <=.", cname, c)
			continue
		}
		at, err := parseTime(v)
		if err != nil {
			ps.add(name, "'%s' is %q, which is not a date-time (yyyy-MM-dd[THH:mm:ss[.fff]]).", name, v)
			continue
		}
		out = append(out, changeFilter{param: name, at: at, cond: c})
	}
	return out
}

func (f changeFilter) match(t time.Time) bool {
	switch f.cond {
	case ">":
		return t.After(f.at)
	case "<":
		return t.Before(f.at)
	case ">=":
		return !t.Before(f.at)
	case "<=":
		return !t.After(f.at)
	}
	return false
}

// matchAll applies filters to one time (a record stamped as a whole).
func matchAll(fs []changeFilter, t time.Time) bool {
	for _, f := range fs {
		if !f.match(t) {
			return false
		}
	}
	return true
}

// stamps are a record's times by filter name.
type stamps map[string]time.Time

// matches applies each filter to the record's time of the same name.
func (st stamps) matches(fs []changeFilter) bool {
	for _, f := range fs {
		if !f.match(st[f.param]) {
			return false
		}
	}
	return true
}
