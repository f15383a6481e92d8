package sim

import (
	"net/http"
	"slices"
	"strings"

	"github.com/koppel/koppel/connectors/simkit"
)

// storedRecords are what customers and articles share: records a listing
// and a get show expanded, a POST creates and a PUT replaces whole, both
// read strictly and checked beyond the tags before they are stored.
type storedRecords[T any] struct {
	all  func(*state) []T
	idOf func(*T) string
	// check adds what the ea tags cannot say.
	check func(*T, *problems)
	// store checks the record's references and keys and stores it, new
	// (at < 0) or replacing the one at index at; it returns the failing
	// field, a message and the ErrorCode, or code 0.
	store func(s *Sim, v *T, at int) (field, msg string, code int)
	// expand fills what a read shows beside the stored fields.
	expand func(*state, *T)
}

// view is a copy of every record as a read shows it.
func (k storedRecords[T]) view(st *state) []T {
	out := clone(k.all(st))
	for i := range out {
		k.expand(st, &out[i])
	}
	return out
}

func (k storedRecords[T]) list(s *Sim) simkit.HandlerFunc { return listWith(s, k.all, k.expand) }

// get serves the record whose id is the path parameter param.
func (k storedRecords[T]) get(s *Sim, param string) simkit.HandlerFunc {
	return oneWith(s, param, true, func(st *state, id string) (T, bool) {
		p := findByID(k.all(st), id, k.idOf)
		if p == nil {
			var zero T
			return zero, false
		}
		out := clone(*p)
		k.expand(st, &out)
		return out, true
	})
}

// post creates a record; fresh is it before the body is read (the
// contract's defaults for absent properties).
func (k storedRecords[T]) post(s *Sim, fresh T) simkit.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		k.write(s, w, r, fresh, false, "")
	}
}

// put replaces the record whose id is the path parameter param (404 when
// there is none); what the body leaves out is the zero value.
func (k storedRecords[T]) put(s *Sim, param string) simkit.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		var zero T
		k.write(s, w, r, zero, true, p.Get(param))
	}
}

// write reads the body over v and stores it: new (201) or, when replace,
// in place of the record id (200).
func (k storedRecords[T]) write(s *Sim, w http.ResponseWriter, r *http.Request, v T, replace bool, id string) {
	ps := decodeStrict(r, &v)
	if len(ps) == 0 {
		k.check(&v, &ps)
	}
	if len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	s.mu.Lock()
	at, status := -1, http.StatusCreated
	if replace {
		at, status = slices.IndexFunc(k.all(&s.st), func(x T) bool { return strings.EqualFold(k.idOf(&x), id) }), http.StatusOK
		if at < 0 {
			s.mu.Unlock()
			s.notFound(w, r, recordName[T]())
			return
		}
	}
	field, msg, code := k.store(s, &v, at)
	out := clone(v)
	k.expand(&s.st, &out)
	s.mu.Unlock()
	if s.answerStoreProblem(w, r, field, msg, code) {
		s.out.JSON(w, r, status, out)
	}
}
