package sim

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Helpers that apply a decoded write to a record: a field written is set
// (an empty string clears it), a field left out keeps its value (§3.3).

func setStr(dst *string, v *value[string]) {
	if v != nil {
		*dst = strings.TrimSpace(v.V)
	}
}

func setBool(dst *bool, v *value[bool]) {
	if v != nil {
		*dst = v.V
	}
}

func setDec(dst *Dec, v *value[Dec]) {
	if v != nil {
		*dst = v.V
	}
}

func flag(v *value[bool]) bool { return v != nil && v.V }

// setRef sets a reference and checks it exists; an empty value clears it.
func setRef(ps *problems, field string, dst *string, v *value[string], exists func(string) bool, what string) {
	if v == nil {
		return
	}
	id := strings.TrimSpace(v.V)
	if id != "" && !exists(id) {
		ps.add(field, "'%s': %s %q does not exist.", field, what, id)
		return
	}
	*dst = id
}

func (s *Sim) applyAddress(ps *problems, field string, a *Address, v *value[addressUpdateDto]) {
	if v == nil {
		return
	}
	d := v.V
	setStr(&a.Line1, d.AddressLine1)
	setStr(&a.Line2, d.AddressLine2)
	setStr(&a.Line3, d.AddressLine3)
	setStr(&a.PostalCode, d.PostalCode)
	setStr(&a.City, d.City)
	setStr(&a.County, d.County)
	setRef(ps, field+".countryId", &a.CountryID, d.CountryId, func(id string) bool { return s.st.Ref.country(id) != nil }, "Country")
}

func applyContact(c *Contact, v *value[contactInfoUpdateDto]) {
	if v == nil {
		return
	}
	d := v.V
	setStr(&c.Name, d.Name)
	setStr(&c.Attention, d.Attention)
	setStr(&c.Email, d.Email)
	setStr(&c.Web, d.Web)
	setStr(&c.Phone1, d.Phone1)
	setStr(&c.Phone2, d.Phone2)
	setStr(&c.Fax, d.Fax)
}

// applyAttributes sets attribute values: each line names a known
// attribute, and a Combo's value is one of its values.
func (s *Sim) applyAttributes(ps *problems, attrs *map[string]string, lines []attributeLineUpdateDto) {
	for i, l := range lines {
		field := fmt.Sprintf("attributeLines[%d]", i)
		id, ok := wrapped(l.AttributeId)
		if !ok || strings.TrimSpace(id) == "" {
			ps.add(field+".attributeId", "'%s.attributeId' is required.", field)
			continue
		}
		a := s.st.Ref.attribute(id)
		if a == nil {
			ps.add(field+".attributeId", "'%s.attributeId': Attribute %q does not exist.", field, id)
			continue
		}
		val, _ := wrapped(l.AttributeValue)
		if a.ControlType == "Combo" && val != "" && findRef(a.Values, val, func(v AttributeValue) string { return v.ID }) == nil {
			ps.add(field+".attributeValue", "'%s.attributeValue': %q is not a value of attribute %s.", field, val, a.ID)
			continue
		}
		if *attrs == nil {
			*attrs = map[string]string{}
		}
		if val == "" {
			delete(*attrs, a.ID)
			continue
		}
		(*attrs)[a.ID] = val
	}
}

// Rendering helpers.

func (s *Sim) addressDto(a Address) *addressDto {
	if a == (Address{}) {
		return nil
	}
	d := &addressDto{AddressLine1: a.Line1, AddressLine2: a.Line2, AddressLine3: a.Line3, PostalCode: a.PostalCode, City: a.City}
	if c := s.st.Ref.country(a.CountryID); c != nil {
		d.Country = &idNameDto{ID: c.ID, Name: c.Name}
	}
	if a.County != "" {
		d.County = &idNameDto{ID: a.County, Name: a.County}
	}
	return d
}

func contactDtoOf(c Contact) *contactDto {
	if c == (Contact{}) {
		return nil
	}
	return &contactDto{Name: c.Name, Attention: c.Attention, Email: c.Email, Web: c.Web, Phone1: c.Phone1, Phone2: c.Phone2, Fax: c.Fax}
}

func (s *Sim) attributeValues(attrs map[string]string, describe bool) []attributeValueDto {
	out := []attributeValueDto{}
	// The order of the attribute definitions, so answers are stable.
	for _, a := range s.st.Ref.Attributes {
		v, ok := attrs[a.ID]
		if !ok {
			continue
		}
		d := attributeValueDto{ID: a.ID, Value: v}
		if describe {
			d.Description = a.Description
		}
		out = append(out, d)
	}
	return out
}

// releasable is how a document that release books (an adjustment, a
// journal transaction) is updated: found by its number, refused once
// released, changed on a copy so a refused write changes nothing.
type releasable[T any, D any] struct {
	what, param, number string
	find                func(number string) *T
	released            func(*T) bool
	apply               func(*T, *D) problems
	touch               func(*T, time.Time)
}

// updateReleasable serves the PUT of a releasable document: 204, or the
// problems of the write, or 404.
func updateReleasable[T any, D any](s *Sim, w http.ResponseWriter, r *http.Request, u releasable[T, D]) {
	var d D
	if ps := decodeWrite(r, &d); len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	s.mu.Lock()
	doc := u.find(u.number)
	if doc == nil {
		s.mu.Unlock()
		s.notFound(w, r, u.what, u.number)
		return
	}
	var ps problems
	if u.released(doc) {
		ps.add(u.param, "The %s %s is released and cannot be changed.", strings.ToLower(u.what), u.number)
	}
	next := clone(*doc)
	if len(ps) == 0 {
		ps = u.apply(&next, &d)
	}
	if len(ps) == 0 {
		u.touch(&next, s.now())
		*doc = next
	}
	s.mu.Unlock()
	if len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// createRecord serves a create: the body decoded strictly, applied to the
// fresh record rec under the lock and, without problems, stored (store
// numbers, stamps and keeps it, and returns its path); 201 with that
// Location, or the problems.
func createRecord[T any, D any](s *Sim, w http.ResponseWriter, r *http.Request, rec *T, apply func(*T, *D) problems, store func(*T) string) {
	var d D
	if ps := decodeWrite(r, &d); len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	s.mu.Lock()
	ps := apply(rec, &d)
	var path string
	if len(ps) == 0 {
		path = store(rec)
	}
	s.mu.Unlock()
	if len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	s.created(w, r, path)
}
