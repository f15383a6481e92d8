package model

import (
	"net/mail"
	"strings"
)

// CustomerKind tells a private person from a company.
type CustomerKind string

const (
	CustomerPerson  CustomerKind = "person"
	CustomerCompany CustomerKind = "company"
)

// Person is a private customer or the contact person of a company.
type Person struct {
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
}

// FullName joins first and last name.
func (p Person) FullName() string {
	return strings.TrimSpace(strings.TrimSpace(p.FirstName) + " " + strings.TrimSpace(p.LastName))
}

// Customer is a buyer: a person, or a company with Person as its contact.
type Customer struct {
	// ID is the customer's id in the system the record came from; empty for guests.
	ID          string       `json:"id,omitempty"`
	Kind        CustomerKind `json:"kind"`
	Email       string       `json:"email,omitempty"`
	Person      Person       `json:"person"`
	CompanyName string       `json:"companyName,omitempty"`
	VATNumber   string       `json:"vatNumber,omitempty"`
	CoCNumber   string       `json:"cocNumber,omitempty"`
	Phone       string       `json:"phone,omitempty"`
	Mobile      string       `json:"mobile,omitempty"`
	Billing     Address      `json:"billing"`
	Shipping    Address      `json:"shipping"`
}

// KindFor decides company versus person the way the flows need it: a company
// name makes a company (with the person as contact), none makes a person.
func KindFor(companyName string) CustomerKind {
	if strings.TrimSpace(companyName) != "" {
		return CustomerCompany
	}
	return CustomerPerson
}

// DisplayName is the name a target shows for this customer.
func (c Customer) DisplayName() string {
	if c.Kind == CustomerCompany && c.CompanyName != "" {
		return c.CompanyName
	}
	return c.Person.FullName()
}

// Validate reports every problem at once.
func (c Customer) Validate() error {
	var p problems
	c.validate(&p, "customer")
	return p.err("customer")
}

// IsWalkIn reports an order's customer that is no one: a sale at a till
// to someone who gave no name, company or e-mail address (POS systems
// call it a walk-in sale). Such an order is booked on a configured debtor.
func (c Customer) IsWalkIn() bool {
	return c.Kind == "" && strings.TrimSpace(c.Email) == "" && strings.TrimSpace(c.CompanyName) == "" &&
		c.Person.FullName() == "" && strings.TrimSpace(c.ID) == ""
}

func (c Customer) validate(p *problems, path string) {
	switch c.Kind {
	case CustomerPerson:
		if c.Person.FullName() == "" {
			p.add(path+".person", "a person needs a first or last name")
		}
	case CustomerCompany:
		if strings.TrimSpace(c.CompanyName) == "" {
			p.add(path+".companyName", "a company needs a name")
		}
	default:
		p.add(path+".kind", "%q is not one of person, company", c.Kind)
	}
	if c.Email != "" {
		if _, err := mail.ParseAddress(c.Email); err != nil {
			p.add(path+".email", "not a valid e-mail address")
		}
	}
	c.Billing.validate(p, path+".billing")
	c.Shipping.validate(p, path+".shipping")
}

// PersonalTexts are the customer's texts that name or locate a person, for
// scrubbing a message that may quote them (connectors.ScrubPersonal).
func (c Customer) PersonalTexts() []string {
	out := []string{c.Email, c.Phone, c.Mobile, c.CompanyName, c.Person.FirstName, c.Person.LastName, c.Person.FullName(), c.VATNumber, c.CoCNumber}
	for _, a := range []Address{c.Billing, c.Shipping} {
		out = append(out, a.Name, a.Company, a.Street, a.StreetLine(), a.Line2, a.PostalCode, a.City, a.Phone)
	}
	return out
}
