package activities

import (
	"context"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// CustomerAction says what EnsureCustomer did.
type CustomerAction string

const (
	CustomerCreated   CustomerAction = "created"
	CustomerUpdated   CustomerAction = "updated"
	CustomerUnchanged CustomerAction = "unchanged"
)

// EnsureCustomerInput carries the order's customer.
type EnsureCustomerInput struct {
	Integration string         `json:"integration"`
	Customer    model.Customer `json:"customer"`
}

// EnsureCustomerResult names the target debtor the order is booked on.
type EnsureCustomerResult struct {
	CustomerID string         `json:"customerId"`
	Action     CustomerAction `json:"action"`
}

// EnsureCustomer finds the customer in the target (by e-mail, or by the
// source customer id scoped to the integration), updates it when the source
// has newer data, or creates it — a company with its contact person, or a
// person. A customer that is not found is created through its keeper, so
// two orders of one new customer make one relation.
func (a *Activities) EnsureCustomer(ctx context.Context, in EnsureCustomerInput) (EnsureCustomerResult, error) {
	rt, err := a.orderIntegration(in.Integration)
	if err != nil {
		return EnsureCustomerResult{}, err
	}
	f := rt.Config.Flows.Orders
	c := scopedCustomer(in.Customer, rt.Config.CustomerIDPrefix())
	match, err := CustomerMatchFor(f.CustomerMatch, c)
	if err != nil {
		return EnsureCustomerResult{}, err
	}
	typed := typedEmail(in.Customer.Email)
	existing, err := findCustomer(ctx, rt.Target, match, typed)
	if err != nil {
		return EnsureCustomerResult{}, toTemporal(err)
	}
	if existing != nil {
		return updateIfNeeded(ctx, rt.Target, existing, c)
	}
	return a.upsertViaKeeper(ctx, rt, UpsertCustomerInput{Integration: in.Integration, Match: match, Customer: c, TypedEmail: typed})
}

// scopedCustomer is the customer as the target keeps it: its source id
// prefixed with the integration's customer prefix (the target's external
// id, so two shops' customers 42 stay apart) and its e-mail in lower case,
// so a target that matches e-mail case-sensitively still finds it.
func scopedCustomer(c model.Customer, prefix string) model.Customer {
	if strings.TrimSpace(c.ID) != "" {
		c.ID = prefix + strings.TrimSpace(c.ID)
	}
	c.Email = strings.ToLower(strings.TrimSpace(c.Email))
	return c
}

// CustomerMatchFor picks the lookup key; a guest order has no source customer
// id, so matching by externalId falls back to the e-mail address.
func CustomerMatchFor(field string, c model.Customer) (connectors.CustomerMatch, error) {
	if field == "externalId" && c.ID != "" {
		return connectors.CustomerMatch{Field: "externalId", Value: c.ID}, nil
	}
	if strings.TrimSpace(c.Email) == "" {
		return connectors.CustomerMatch{}, invalidRecord("the order's customer has no e-mail address to find it by; set flows.orders.defaultDebtor to book such orders on one debtor")
	}
	return connectors.CustomerMatch{Field: "email", Value: strings.ToLower(strings.TrimSpace(c.Email))}, nil
}

// CustomerNeedsUpdate compares what the target holds with the source's data.
// Only fields the source fills count, so a source without a phone number never
// erases the one the target has; addresses compare as the one line targets keep.
func CustomerNeedsUpdate(have, want model.Customer) bool {
	differs := func(h, w string) bool {
		w = strings.TrimSpace(w)
		return w != "" && !strings.EqualFold(strings.TrimSpace(h), w)
	}
	if have.Kind != want.Kind {
		return true
	}
	return differs(have.CompanyName, want.CompanyName) ||
		differs(have.Person.FullName(), want.Person.FullName()) ||
		differs(have.Email, want.Email) ||
		differs(have.Phone, want.Phone) ||
		differs(have.VATNumber, want.VATNumber) ||
		differs(have.CoCNumber, want.CoCNumber) ||
		differs(have.Billing.StreetLine(), want.Billing.StreetLine()) ||
		differs(have.Billing.PostalCode, want.Billing.PostalCode) ||
		differs(have.Billing.City, want.Billing.City) ||
		differs(have.Billing.CountryCode, want.Billing.CountryCode)
}
