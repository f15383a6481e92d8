package ecwid

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// Customers. A customer is found by exact e-mail (GET /customers with
// email and useExactEmailMatch=true; the match is checked again without
// regard to case, and the lowest id wins), created with POST /customers
// and updated with PUT /customers/{id} (scopes read_, create_ and
// update_customers). Ecwid keeps one name (billingPerson.name) and a
// company name; a company is written with its person as the name. The VAT
// number is taxId, a company is b2b. Ecwid keeps no external id of a
// customer and no chamber of commerce number.
//
// As a source, the customers changed since the cursor are listed through
// updatedFrom (paging.go), by their updated time.

var (
	_ connectors.CustomerTarget = (*Client)(nil)
	_ connectors.CustomerSource = (*Client)(nil)
)

// FindCustomer finds a customer by "email"; none is nil, nil.
func (c *Client) FindCustomer(ctx context.Context, m connectors.CustomerMatch) (*connectors.CustomerRecord, error) {
	value := strings.TrimSpace(m.Value)
	if m.Field != "email" {
		return nil, misconfigured(OpListCustomers, "Ecwid finds customers by e-mail only (it keeps no external id); set the flow's customerMatch to email")
	}
	if value == "" {
		return nil, invalid(OpListCustomers, "the e-mail address to find the customer by is empty")
	}
	var match *Customer
	q := url.Values{"email": {value}, "useExactEmailMatch": {"true"}}
	err := c.eachPage(ctx, OpListCustomers, q, func(items []json.RawMessage) (bool, error) {
		for _, raw := range items {
			var cu Customer
			if err := decodeJSON(raw, &cu); err != nil {
				return true, unavailable(OpListCustomers, 200, "a customer is not the JSON the API documents: %s", jsonProblem(err))
			}
			// a search that matches loosely must not find another customer
			if strings.EqualFold(strings.TrimSpace(cu.Email), value) && (match == nil || idLess(cu.ID.String(), match.ID.String())) {
				match = &cu
			}
		}
		return false, nil
	})
	if err != nil || match == nil {
		return nil, err
	}
	return &connectors.CustomerRecord{ID: match.ID.String(), Customer: customerFromAPI(*match)}, nil
}

// CreateCustomer creates a customer and returns its id.
func (c *Client) CreateCustomer(ctx context.Context, cu model.Customer) (string, error) {
	body, err := customerBody(OpCreateCustomer, cu)
	if err != nil {
		return "", err
	}
	var res Created
	if err := c.do(ctx, request{op: OpCreateCustomer, path: opPath(OpCreateCustomer), body: body, into: &res, personal: cu.PersonalTexts()}); err != nil {
		return "", err
	}
	id := res.ID.String()
	if _, ok := numericID(id); !ok {
		return "", unavailable(OpCreateCustomer, 200, "the customer was created, but the answer names no id; it is found by its e-mail on the next attempt")
	}
	return id, nil
}

// UpdateCustomer writes the customer's fields over customer id.
func (c *Client) UpdateCustomer(ctx context.Context, id string, cu model.Customer) error {
	if _, ok := numericID(id); !ok {
		return invalid(OpUpdateCustomer, "%q is not an Ecwid customer id", id)
	}
	body, err := customerBody(OpUpdateCustomer, cu)
	if err != nil {
		return err
	}
	return c.do(ctx, request{op: OpUpdateCustomer, path: opPath(OpUpdateCustomer, id), body: body, personal: cu.PersonalTexts()})
}

type cachedEmail struct {
	email string
	until time.Time
}

// customerEmail is the e-mail address of customer id, kept for
// options.cacheTTL.
func (c *Client) customerEmail(ctx context.Context, id string) (string, error) {
	if _, ok := numericID(id); !ok {
		return "", invalid(OpGetCustomer, "%q is not an Ecwid customer id (flows.orders.walkInDebtor or defaultDebtor)", id)
	}
	c.mu.Lock()
	hit, ok := c.debtorEmails[id]
	c.mu.Unlock()
	if ok && c.now().Before(hit.until) {
		return hit.email, nil
	}
	var cu Customer
	if err := c.get(ctx, OpGetCustomer, opPath(OpGetCustomer, id), nil, &cu); err != nil {
		return "", err
	}
	email := strings.TrimSpace(cu.Email)
	c.mu.Lock()
	if c.debtorEmails == nil {
		c.debtorEmails = map[string]cachedEmail{}
	}
	c.debtorEmails[id] = cachedEmail{email: email, until: c.now().Add(c.opt.CacheTTL)}
	c.mu.Unlock()
	return email, nil
}

// customerBody maps a customer to what Ecwid keeps.
func customerBody(op string, cu model.Customer) (CustomerBody, error) {
	email := strings.ToLower(strings.TrimSpace(cu.Email))
	if email == "" {
		return CustomerBody{}, invalid(op, "Ecwid needs an e-mail address for a customer")
	}
	a := cu.Billing
	if a.IsZero() {
		a = cu.Shipping
	}
	b := CustomerBody{Email: email, BillingPerson: personOf(a, cu), TaxID: strings.TrimSpace(cu.VATNumber)}
	if b.BillingPerson != nil && cu.Person.FullName() != "" {
		b.BillingPerson.Name = cu.Person.FullName() // the customer's own name, not the address's addressee
	}
	if cu.Kind == model.CustomerCompany {
		b.B2BB2C = "b2b"
	}
	return b, nil
}

// customerFromAPI maps a customer account.
func customerFromAPI(cu Customer) model.Customer {
	bill := cu.BillingPerson
	if bill != nil && bill.Name == "" {
		b := *bill
		b.Name = cu.Name
		bill = &b
	} else if bill == nil && cu.Name != "" {
		bill = &Person{Name: cu.Name}
	}
	return customerFrom(cu.Email, cu.ID, cu.TaxID, bill, nil)
}

// ListCustomers lists the customers changed since q.Cursor.
func (c *Client) ListCustomers(ctx context.Context, q connectors.ChangeQuery) (connectors.CustomerPage, error) {
	pos, err := readChangeQuery(OpListCustomers, q)
	if err != nil {
		return connectors.CustomerPage{}, err
	}
	items, next, more, err := c.changePage(ctx, changeFeed{op: OpListCustomers, stamp: stampOf}, pos, q.PageSize)
	if err != nil {
		return connectors.CustomerPage{}, err
	}
	out := connectors.CustomerPage{Customers: []connectors.SourceCustomer{}}
	if more {
		out.NextPageToken = next.String()
	} else {
		out.Cursor = next.String()
	}
	for _, raw := range items {
		var cu Customer
		if err := decodeJSON(raw, &cu); err != nil {
			return connectors.CustomerPage{}, unavailable(OpListCustomers, 200, "a customer is not the JSON the API documents: %s", jsonProblem(err))
		}
		sc := connectors.SourceCustomer{Customer: customerFromAPI(cu)}
		_ = json.Unmarshal(raw, &sc.Raw)
		out.Customers = append(out.Customers, sc)
	}
	return out, nil
}
