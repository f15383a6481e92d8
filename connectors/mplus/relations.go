package mplus

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// FindCustomer finds a relation by e-mail or by extRelationId (the source's
// customer id): findRelation with an example relation holding only that field.
// No match is nil, nil. The relation is mapped back to a model.Customer (Kind
// from companyName) so the caller can decide whether an update is needed.
func (c *Client) FindCustomer(ctx context.Context, m connectors.CustomerMatch) (*connectors.CustomerRecord, error) {
	value := strings.TrimSpace(m.Value)
	if value == "" {
		return nil, invalid("findRelation", "the %s to find the relation by is empty", m.Field)
	}
	var example wireRelation
	switch m.Field {
	case "email":
		example.Email = value
	case "externalId":
		example.ExtRelationID = value
	default:
		return nil, misconfigured("findRelation", "customer match field %q is not one of email, externalId", m.Field)
	}
	var resp findRelationResp
	if err := c.call(ctx, "findRelation", "FindRelationResponse", findRelationReq{Relation: example}, &resp); err != nil {
		return nil, err
	}
	switch resp.Result {
	case findRelationOK:
		if resp.Relation == nil || resp.Relation.RelationNumber == 0 {
			return nil, c.resultError("findRelation", resp.Result, "the answer holds no relation")
		}
		return &connectors.CustomerRecord{
			ID:       strconv.FormatInt(resp.Relation.RelationNumber, 10),
			Customer: customerFromRelation(*resp.Relation),
		}, nil
	case findRelationNotFound:
		return nil, nil
	default:
		return nil, c.resultError("findRelation", resp.Result, "")
	}
}

// CreateCustomer creates a relation and returns its relationNumber.
func (c *Client) CreateCustomer(ctx context.Context, cust model.Customer) (string, error) {
	return c.createRelation(ctx, relationFromCustomer(cust, false))
}

func (c *Client) createRelation(ctx context.Context, rel wireRelation) (string, error) {
	if rel.Name == "" {
		return "", invalid("createRelation", "the customer has neither a name nor a company name")
	}
	var resp createRelationResp
	if err := c.call(ctx, "createRelation", "CreateRelationResponse", createRelationReq{Relation: rel}, &resp); err != nil {
		return "", err
	}
	if resp.Result != createRelationOK {
		return "", c.resultError("createRelation", resp.Result, resp.ErrorMessage, rel.personal()...)
	}
	if resp.RelationNumber == 0 {
		return "", c.resultError("createRelation", resp.Result, "the answer holds no relationNumber")
	}
	return strconv.FormatInt(resp.RelationNumber, 10), nil
}

// UpdateCustomer writes the customer's fields to relation id. Fields the
// customer leaves empty are not sent, so they keep what MplusKASSA has [A:
// updateRelation is assumed to change only the elements it receives]; the
// exception is companyName and contact, always sent so a company that became
// a person (or the reverse) is stored as such.
func (c *Client) UpdateCustomer(ctx context.Context, id string, cust model.Customer) error {
	return c.updateRelation(ctx, id, relationFromCustomer(cust, true))
}

func (c *Client) updateRelation(ctx context.Context, id string, rel wireRelation) error {
	n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
	if err != nil || n <= 0 {
		return invalid("updateRelation", "customer id %q is not a MplusKASSA relation number", id)
	}
	if rel.Name == "" {
		return invalid("updateRelation", "the customer has neither a name nor a company name")
	}
	rel.RelationNumber = n
	var resp updateRelationResp
	if err := c.call(ctx, "updateRelation", "UpdateRelationResponse", updateRelationReq{Relation: rel}, &resp); err != nil {
		return err
	}
	if resp.Result != updateRelationOK {
		return c.resultError("updateRelation", resp.Result, resp.ErrorMessage, rel.personal()...)
	}
	return nil
}

// CustomerDetails reads relation id (getRelation): its payment term
// (paymentWithinDays) and custom fields. The revenue account and VAT code
// are the custom fields Config.RelationRevenueAccountField and
// RelationVATCodeField (a relation has no element for either); every other
// custom field is in Extra, as text.
func (c *Client) CustomerDetails(ctx context.Context, id string) (connectors.CustomerDetails, error) {
	const op = "getRelation"
	n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
	if err != nil || n <= 0 {
		return connectors.CustomerDetails{}, invalid(op, "customer id %q is not a MplusKASSA relation number", id)
	}
	var resp getRelationResp
	if err := c.call(ctx, op, "GetRelationResponse", getRelationReq{RelationNumber: n}, &resp); err != nil {
		return connectors.CustomerDetails{}, err
	}
	switch {
	case resp.Result == getRelationNotFound:
		return connectors.CustomerDetails{}, c.resultError(op, resp.Result, fmt.Sprintf("relation %d does not exist in MplusKASSA", n))
	case resp.Result != getRelationOK:
		return connectors.CustomerDetails{}, c.resultError(op, resp.Result, "")
	case resp.Relation == nil:
		return connectors.CustomerDetails{}, c.resultError(op, resp.Result, "the answer holds no relation")
	}
	d := connectors.CustomerDetails{PaymentTermDays: deref(resp.Relation.PaymentWithinDays)}
	if list := resp.Relation.CustomFieldList; list != nil {
		for _, f := range list.CustomField {
			v := customFieldText(f)
			switch f.FieldName {
			case c.cfg.RelationRevenueAccountField:
				d.RevenueAccount = v
			case c.cfg.RelationVATCodeField:
				d.VATCode = v
			default:
				if d.Extra == nil {
					d.Extra = map[string]string{}
				}
				d.Extra[f.FieldName] = v
			}
		}
	}
	return d, nil
}

// CreateCustomerWithDetails creates a relation as CreateCustomer does, with
// the details (see withDetails).
func (c *Client) CreateCustomerWithDetails(ctx context.Context, cust model.Customer, d connectors.CustomerDetails) (string, error) {
	return c.createRelation(ctx, c.withDetails(relationFromCustomer(cust, false), d))
}

// UpdateCustomerWithDetails updates relation id as UpdateCustomer does, with
// the details (see withDetails).
func (c *Client) UpdateCustomerWithDetails(ctx context.Context, id string, cust model.Customer, d connectors.CustomerDetails) error {
	return c.updateRelation(ctx, id, c.withDetails(relationFromCustomer(cust, true), d))
}

// withDetails adds the details to a relation: PaymentTermDays as
// paymentWithinDays, RevenueAccount and VATCode as the custom fields the
// config names, Extra as custom fields (text). Empty details are not sent,
// so they leave what MplusKASSA has; an Extra field is sent even when empty.
func (c *Client) withDetails(rel wireRelation, d connectors.CustomerDetails) wireRelation {
	if d.PaymentTermDays > 0 {
		rel.PaymentWithinDays = ptr(d.PaymentTermDays)
	}
	fields := map[string]string{}
	for k, v := range d.Extra {
		if k = strings.TrimSpace(k); k != "" {
			fields[k] = v
		}
	}
	if d.RevenueAccount != "" {
		fields[c.cfg.RelationRevenueAccountField] = d.RevenueAccount
	}
	if d.VATCode != "" {
		fields[c.cfg.RelationVATCodeField] = d.VATCode
	}
	rel.CustomFieldList = customFields(fields)
	return rel
}

// relationFromCustomer: a company is named after the company (name and
// companyName) with the person as contact; a person is named by full name.
// The address is one line (street, number, suffix); the shipping address
// goes in the delivery fields when it differs from the billing address.
// explicitKind sends companyName and contact even when empty (for updates).
func relationFromCustomer(c model.Customer, explicitKind bool) wireRelation {
	r := wireRelation{
		ExtRelationID:  strings.TrimSpace(c.ID),
		Telephone:      strings.TrimSpace(c.Phone),
		Mobile:         strings.TrimSpace(c.Mobile),
		Email:          strings.TrimSpace(c.Email),
		VatNumber:      strings.TrimSpace(c.VATNumber),
		CommerceNumber: strings.TrimSpace(c.CoCNumber),
	}
	person := c.Person.FullName()
	if c.Kind == model.CustomerCompany && strings.TrimSpace(c.CompanyName) != "" {
		company := strings.TrimSpace(c.CompanyName)
		r.Name, r.CompanyName = company, &company
		if person != "" || explicitKind {
			r.Contact = &person
		}
	} else {
		r.Name = person
		if explicitKind {
			r.CompanyName, r.Contact = ptr(""), ptr("")
		}
	}
	b := c.Billing
	r.Address, r.Zipcode, r.City, r.Country = b.StreetLine(), strings.TrimSpace(b.PostalCode), strings.TrimSpace(b.City), b.CountryCode
	if r.Telephone == "" {
		r.Telephone = strings.TrimSpace(b.Phone)
	}
	if s := c.Shipping; !s.IsZero() && !sameAddress(s, b) {
		r.DeliveryAddress, r.DeliveryZipcode, r.DeliveryCity, r.DeliveryCountry =
			s.StreetLine(), strings.TrimSpace(s.PostalCode), strings.TrimSpace(s.City), s.CountryCode
	}
	return r
}

func sameAddress(a, b model.Address) bool {
	return strings.EqualFold(a.StreetLine(), b.StreetLine()) &&
		strings.EqualFold(strings.TrimSpace(a.PostalCode), strings.TrimSpace(b.PostalCode)) &&
		strings.EqualFold(strings.TrimSpace(a.City), strings.TrimSpace(b.City)) &&
		a.CountryCode == b.CountryCode
}

// customerFromRelation is the inverse. The one-line address comes back in
// Address.Street (StreetLine() returns it unchanged); a name is split at the
// first space into first and last name, so FullName() round-trips.
func customerFromRelation(r wireRelation) model.Customer {
	company := strings.TrimSpace(deref(r.CompanyName))
	c := model.Customer{
		ID:          r.ExtRelationID,
		Kind:        model.KindFor(company),
		Email:       r.Email,
		CompanyName: company,
		VATNumber:   r.VatNumber,
		CoCNumber:   r.CommerceNumber,
		Phone:       r.Telephone,
		Mobile:      r.Mobile,
		Billing:     model.Address{Street: r.Address, PostalCode: r.Zipcode, City: r.City, CountryCode: r.Country},
	}
	person := r.Name
	if c.Kind == model.CustomerCompany {
		person = deref(r.Contact)
		c.Billing.Company = c.CompanyName
	}
	c.Person = splitName(person)
	c.Billing.Name = c.Person.FullName()
	if r.DeliveryAddress != "" || r.DeliveryZipcode != "" || r.DeliveryCity != "" {
		c.Shipping = model.Address{Street: r.DeliveryAddress, PostalCode: r.DeliveryZipcode, City: r.DeliveryCity,
			CountryCode: r.DeliveryCountry, Name: c.Billing.Name, Company: c.Billing.Company}
	}
	return c
}

func splitName(full string) model.Person {
	full = strings.Join(strings.Fields(full), " ")
	first, last, _ := strings.Cut(full, " ")
	return model.Person{FirstName: first, LastName: last}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// personal lists the relation's texts that name or locate a person, for
// scrubbing an error message that may quote them.
func (r wireRelation) personal() []string {
	out := []string{r.Name, r.Address, r.Zipcode, r.City, r.DeliveryAddress, r.DeliveryZipcode, r.DeliveryCity,
		r.Telephone, r.Mobile, r.Email, r.VatNumber, r.CommerceNumber}
	for _, p := range []*string{r.Contact, r.CompanyName} {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out
}
