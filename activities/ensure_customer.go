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
// source customer id), updates it when the source has newer data, or creates
// it: a company with its contact person, or a person.
func (a *Activities) EnsureCustomer(ctx context.Context, in EnsureCustomerInput) (EnsureCustomerResult, error) {
	rt, err := a.orderIntegration(in.Integration)
	if err != nil {
		return EnsureCustomerResult{}, err
	}
	match, err := CustomerMatchFor(rt.Config.Flows.Orders.CustomerMatch, in.Customer)
	if err != nil {
		return EnsureCustomerResult{}, err
	}
	existing, err := rt.Target.FindCustomer(ctx, match)
	if err != nil {
		return EnsureCustomerResult{}, toTemporal(err)
	}
	if existing == nil {
		id, err := rt.Target.CreateCustomer(ctx, in.Customer)
		if err != nil {
			return EnsureCustomerResult{}, toTemporal(err)
		}
		return EnsureCustomerResult{CustomerID: id, Action: CustomerCreated}, nil
	}
	if !CustomerNeedsUpdate(existing.Customer, in.Customer) {
		return EnsureCustomerResult{CustomerID: existing.ID, Action: CustomerUnchanged}, nil
	}
	if err := rt.Target.UpdateCustomer(ctx, existing.ID, in.Customer); err != nil {
		return EnsureCustomerResult{}, toTemporal(err)
	}
	return EnsureCustomerResult{CustomerID: existing.ID, Action: CustomerUpdated}, nil
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
