package sim

import (
	"fmt"
	"reflect"
	"strings"
)

// findRelation takes an example relation and returns the relation that
// matches every identifying field it fills in: relationNumber, extRelationId,
// email (case-insensitive) and relationCode [A: research §2.5 — which fields
// the real service matches on is not documented]. Several matches: the lowest
// relationNumber. No identifying field: not found.
func (s *Sim) findRelation(r *request) (any, error) {
	var in relationRequestIn
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	notFound := findRelationOut{Result: findRelationNotFound}
	ex := in.Relation
	if ex == nil {
		return notFound, nil
	}
	number := deref(ex.RelationNumber)
	ext := strings.TrimSpace(deref(ex.ExtRelationID))
	email := emailKey(deref(ex.Email))
	code := strings.TrimSpace(deref(ex.RelationCode))

	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.st
	var candidates []*Relation
	switch {
	case number != 0:
		if rel := st.relByNumber[number]; rel != nil {
			candidates = []*Relation{rel}
		}
	case ext != "":
		candidates = st.relByExt[ext]
	case email != "":
		candidates = st.relByEmail[email]
	case code != "":
		candidates = st.Relations
	default:
		return notFound, nil
	}
	var best *Relation
	for _, rel := range candidates {
		if (number != 0 && rel.Number != number) || (ext != "" && rel.ExtRelationID != ext) ||
			(email != "" && emailKey(rel.Email) != email) || (code != "" && rel.RelationCode != code) {
			continue
		}
		if best == nil || rel.Number < best.Number {
			best = rel
		}
	}
	if best == nil {
		return notFound, nil
	}
	out := relationToWire(best)
	return findRelationOut{Result: findRelationOK, Relation: &out}, nil
}

// createRelation stores a new relation; a relationNumber that is sent and
// taken fails with …-FAILED-RELATION-NUMBER-ALREADY-TAKEN.
func (s *Sim) createRelation(r *request) (any, error) {
	var in relationRequestIn
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if in.Relation == nil {
		return createRelationOut{Result: createRelationFailed, ErrorMessage: "the request holds no relation"}, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	now := s.now()
	number := deref(in.Relation.RelationNumber)
	if number != 0 && st.relByNumber[number] != nil {
		return createRelationOut{Result: createRelationNumberTaken, ChangeTimestamp: dateTime(now),
			ErrorMessage: fmt.Sprintf("relationNumber %d is already taken", number)}, nil
	}
	rel := &Relation{}
	if err := applyRelation(rel, in.Relation); err != nil {
		return nil, err
	}
	if strings.TrimSpace(rel.Name) == "" && strings.TrimSpace(rel.CompanyName) == "" {
		return createRelationOut{Result: createRelationFailed, ChangeTimestamp: dateTime(now),
			ErrorMessage: "name is required: give the relation a name or a companyName"}, nil
	}
	if e := strings.TrimSpace(rel.Email); e != "" && strings.Count(e, "@") != 1 {
		// The till's messages quote the record they refuse, personal data and all.
		return createRelationOut{Result: createRelationFailed, ChangeTimestamp: dateTime(now),
			ErrorMessage: fmt.Sprintf("relation %q (%s, %s %s): e-mail address %q is not valid", rel.Name, rel.Address, rel.Zipcode, rel.City, e)}, nil
	}
	if number == 0 {
		number = st.NextRelation
	}
	if number >= st.NextRelation {
		st.NextRelation = number + 1
	}
	rel.Number, rel.CreatedAt, rel.ChangedAt, rel.SyncMarker = number, now, now, st.nextRelationMarker()
	st.Relations = append(st.Relations, rel)
	st.indexRelation(rel)
	return createRelationOut{Result: createRelationOK, RelationNumber: number, ChangeTimestamp: dateTime(now),
		SyncMarker: rel.SyncMarker}, nil
}

// updateRelation changes the elements the request carries and keeps the rest
// [A: research §2.5 says the relation must carry relationNumber; whether
// absent elements are cleared is not documented].
func (s *Sim) updateRelation(r *request) (any, error) {
	var in relationRequestIn
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if in.Relation == nil || deref(in.Relation.RelationNumber) == 0 {
		return updateRelationOut{Result: updateRelationFailed, ErrorMessage: "relationNumber is required to update a relation"}, nil
	}
	number := *in.Relation.RelationNumber
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	rel := st.relByNumber[number]
	if rel == nil {
		return updateRelationOut{Result: updateRelationNotFound, ErrorMessage: fmt.Sprintf("no relation with relationNumber %d", number)}, nil
	}
	next := copyRelation(rel)
	if err := applyRelation(&next, in.Relation); err != nil {
		return nil, err
	}
	if strings.TrimSpace(next.Name) == "" && strings.TrimSpace(next.CompanyName) == "" {
		return updateRelationOut{Result: updateRelationFailed, ErrorMessage: "name is required: a relation keeps a name or a companyName"}, nil
	}
	if reflect.DeepEqual(next, copyRelation(rel)) {
		ts := dateTime(rel.ChangedAt)
		return updateRelationOut{Result: updateRelationOK, ChangeTimestamp: &ts, SyncMarker: rel.SyncMarker}, nil
	}
	now := s.now()
	st.unindexRelation(rel)
	next.ChangedAt, next.SyncMarker = now, st.nextRelationMarker()
	*rel = next
	st.indexRelation(rel)
	ts := dateTime(now)
	return updateRelationOut{Result: updateRelationOK, ChangeTimestamp: &ts, SyncMarker: rel.SyncMarker}, nil
}

// applyRelation copies every element the request carries; custom fields
// are set by name, the others kept.
func applyRelation(rel *Relation, in *relationIn) error {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&rel.ExtRelationID, in.ExtRelationID)
	set(&rel.Name, in.Name)
	set(&rel.Address, in.Address)
	set(&rel.Zipcode, in.Zipcode)
	set(&rel.City, in.City)
	set(&rel.Country, in.Country)
	set(&rel.DeliveryAddress, in.DeliveryAddress)
	set(&rel.DeliveryZipcode, in.DeliveryZipcode)
	set(&rel.DeliveryCity, in.DeliveryCity)
	set(&rel.DeliveryCountry, in.DeliveryCountry)
	set(&rel.ContactPerson, in.Contact)
	set(&rel.Phone, in.Telephone)
	set(&rel.Mobile, in.Mobile)
	set(&rel.Email, in.Email)
	set(&rel.RelationCode, in.RelationCode)
	set(&rel.VatNumber, in.VatNumber)
	set(&rel.CommerceNumber, in.CommerceNumber)
	set(&rel.CompanyName, in.CompanyName)
	if in.Active != nil {
		rel.Inactive = !*in.Active
	}
	if in.PaymentWithinDays != nil {
		rel.PaymentWithinDays = *in.PaymentWithinDays
	}
	fields, err := applyCustomFields(rel.CustomFields, in.CustomFieldList)
	rel.CustomFields = fields
	return err
}

func relationToWire(r *Relation) relationOut {
	return relationOut{
		RelationNumber: r.Number, ExtRelationID: r.ExtRelationID, SyncMarker: r.SyncMarker,
		CreateTimestamp: dateTime(r.CreatedAt), ChangeTimestamp: dateTime(r.ChangedAt), Active: !r.Inactive,
		Name: r.Name, Address: r.Address, Zipcode: r.Zipcode, City: r.City, Country: r.Country,
		DeliveryAddress: r.DeliveryAddress, DeliveryZipcode: r.DeliveryZipcode, DeliveryCity: r.DeliveryCity,
		DeliveryCountry: r.DeliveryCountry, Contact: r.ContactPerson, Telephone: r.Phone, Mobile: r.Mobile,
		Email: r.Email, RelationCode: r.RelationCode, PaymentWithinDays: r.PaymentWithinDays, VatNumber: r.VatNumber,
		CommerceNumber: r.CommerceNumber, CustomFieldList: customFieldsOut(r.CustomFields), CompanyName: r.CompanyName,
	}
}

// getRelation returns one relation by number (GET-RELATION-RESULT-…).
func (s *Sim) getRelation(r *request) (any, error) {
	var in getRelationIn
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if in.RelationNumber == nil {
		return nil, required("relationNumber")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	rel := s.st.relByNumber[*in.RelationNumber]
	if rel == nil {
		return getRelationOut{Result: getRelationNotFound}, nil
	}
	return getRelationOut{Result: getRelationOK, Relation: relationToWire(rel)}, nil
}
