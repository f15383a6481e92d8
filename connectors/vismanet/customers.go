package vismanet

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// The customer target (CustomerTarget and CustomerDetailsTarget). A
// customer is found by e-mail (GET /v1/customer?email=, the main contact's
// address, compared exactly) or by number (match externalId, which finds
// what options.customerNumbers: sourceId created). It is created with
// POST /v1/customer (201 + Location: the new number, from the company's
// number series unless options.customerNumbers says otherwise) and updated
// with PUT of only the fields Koppel owns, under If-Match with the ETag of
// the GET before it: a 412 (someone changed the customer meanwhile) reads
// it again and retries once.
//
// A company is written with its name as the customer's name and the person
// as the contact's attention; a person with the person's name. The billing
// address is the main and invoice address, the shipping address (else the
// billing address) the delivery address. CustomerDetails: the revenue
// account is glAccounts.salesAccount, the VAT code the VAT zone
// (vatZoneId), the payment term the credit terms, custom fields the
// customer's attributes (attributeLines, by attribute id).

// FindCustomer finds a customer by "email" or "externalId"; none is nil, nil.
func (c *Client) FindCustomer(ctx context.Context, m connectors.CustomerMatch) (*connectors.CustomerRecord, error) {
	value := strings.TrimSpace(m.Value)
	if value == "" {
		return nil, invalid(OpListCustomers, "the %s to find the customer by is empty", m.Field)
	}
	switch m.Field {
	case "email":
		var match *Customer
		q := url.Values{"email": {value}}
		err := eachPage(ctx, c, OpListCustomers, opPath(OpListCustomers), ListOptions{Query: q, PageSize: 50}, func(cs []Customer) error {
			for i, cu := range cs {
				if cu.MainContact == nil || !strings.EqualFold(strings.TrimSpace(cu.MainContact.Email), value) {
					continue // a server that filters loosely must not match another customer
				}
				// an active customer wins over an inactive one of the same address
				if match == nil || (strings.EqualFold(match.Status, "Inactive") && !strings.EqualFold(cu.Status, "Inactive")) {
					match = &cs[i]
				}
			}
			return nil
		})
		if err != nil || match == nil {
			return nil, err
		}
		return &connectors.CustomerRecord{ID: match.Number, Customer: customerFromAPI(*match)}, nil
	case "externalId":
		var cu Customer
		err := c.get(ctx, OpGetCustomer, opPath(OpGetCustomer, value), nil, &cu)
		switch {
		case connectors.IsKind(err, connectors.KindNotFound):
			return nil, nil
		case err != nil:
			return nil, err
		}
		if cu.Number == "" {
			cu.Number = value
		}
		return &connectors.CustomerRecord{ID: cu.Number, Customer: customerFromAPI(cu)}, nil
	}
	return nil, misconfigured(OpListCustomers, "customer match field %q is not one of email, externalId", m.Field)
}

// CreateCustomer creates a customer.
func (c *Client) CreateCustomer(ctx context.Context, cu model.Customer) (string, error) {
	return c.CreateCustomerWithDetails(ctx, cu, connectors.CustomerDetails{})
}

// UpdateCustomer writes the customer's fields over the record.
func (c *Client) UpdateCustomer(ctx context.Context, id string, cu model.Customer) error {
	return c.UpdateCustomerWithDetails(ctx, id, cu, connectors.CustomerDetails{})
}

// CustomerDetails returns what Visma.net holds of the details.
func (c *Client) CustomerDetails(ctx context.Context, id string) (connectors.CustomerDetails, error) {
	var cu Customer
	if err := c.get(ctx, OpGetCustomer, opPath(OpGetCustomer, id), nil, &cu); err != nil {
		return connectors.CustomerDetails{}, err
	}
	var d connectors.CustomerDetails
	if cu.GLAccounts != nil && cu.GLAccounts.SalesAccount != nil {
		d.RevenueAccount = cu.GLAccounts.SalesAccount.Number
	}
	if cu.VATZone != nil {
		d.VATCode = cu.VATZone.ID
	}
	if cu.CreditTerms != nil && cu.CreditTerms.ID != "" {
		days, ok, err := c.daysOfCreditTerms(ctx, cu.CreditTerms.ID)
		if err != nil {
			return d, err
		}
		if ok {
			d.PaymentTermDays = days
		}
	}
	for _, a := range cu.Attributes {
		if a.ID == "" {
			continue
		}
		if d.Extra == nil {
			d.Extra = map[string]string{}
		}
		d.Extra[a.ID] = a.Value
	}
	return d, nil
}

// CreateCustomerWithDetails creates a customer (POST /v1/customer) and
// returns its number.
func (c *Client) CreateCustomerWithDetails(ctx context.Context, cu model.Customer, d connectors.CustomerDetails) (string, error) {
	body, err := c.customerBody(ctx, OpCreateCustomer, cu, d)
	if err != nil {
		return "", err
	}
	body.Status = V("Active")
	body.CustomerClassID = VIf(c.opt.CustomerClass)
	body.CurrencyID = VIf(c.opt.Currency)
	if c.opt.CustomerNumbers == "sourceId" {
		id := strings.TrimSpace(cu.ID)
		if id == "" {
			return "", invalid(OpCreateCustomer, "options.customerNumbers is sourceId, but the customer has no id from the source")
		}
		body.Number, body.OverrideNumberSeries = V(id), V(true)
	}
	return c.create(ctx, OpCreateCustomer, opPath(OpCreateCustomer), body, cu.PersonalTexts())
}

// UpdateCustomerWithDetails writes the fields Koppel owns over customer id,
// under If-Match with the ETag just read; a 412 reads again and retries once.
func (c *Client) UpdateCustomerWithDetails(ctx context.Context, id string, cu model.Customer, d connectors.CustomerDetails) error {
	body, err := c.customerBody(ctx, OpUpdateCustomer, cu, d)
	if err != nil {
		return err
	}
	path := opPath(OpUpdateCustomer, id)
	for attempt := 0; ; attempt++ {
		var current Customer
		etag, err := c.getETag(ctx, OpGetCustomer, opPath(OpGetCustomer, id), &current)
		if err != nil {
			return err
		}
		err = c.update(ctx, OpUpdateCustomer, path, body, etag, cu.PersonalTexts())
		if err == nil || !isHTTPStatus(err, http.StatusPreconditionFailed) {
			return err
		}
		if attempt == 1 {
			return &connectors.Error{Kind: connectors.KindConflict, System: System, Op: OpUpdateCustomer, Status: http.StatusPreconditionFailed,
				Message: "customer " + id + " changed in Visma.net again while Koppel updated it (ETag mismatch twice); the next run writes it", Err: err}
		}
	}
}

// customerBody maps the customer and the details to the fields Koppel owns.
func (c *Client) customerBody(ctx context.Context, op string, cu model.Customer, d connectors.CustomerDetails) (CustomerUpdate, error) {
	company := strings.TrimSpace(cu.CompanyName)
	person := cu.Person.FullName()
	name := company
	if cu.Kind != model.CustomerCompany || company == "" {
		name, company = person, ""
	}
	if name == "" {
		return CustomerUpdate{}, invalid(op, "the customer has neither a name nor a company name")
	}
	bill, ship := billingOf(cu), cu.Shipping
	if ship.IsZero() {
		ship = bill
	}
	attention := ""
	if company != "" {
		attention = person
	}
	contact := func(a model.Address) *Value[ContactUpdate] {
		phone := a.Phone
		if phone == "" {
			phone = cu.Phone
		}
		return V(ContactUpdate{Name: V(name), Attention: V(attention), Email: VIf(strings.ToLower(cu.Email)), Phone1: VIf(phone), Phone2: VIf(cu.Mobile)})
	}
	body := CustomerUpdate{
		Name: V(name), VATRegistrationID: VIf(cu.VATNumber), CorporateID: VIf(cu.CoCNumber),
		MainAddress: address(bill), InvoiceAddress: address(bill), DeliveryAddress: address(ship),
		MainContact: contact(bill), InvoiceContact: contact(bill), DeliveryContact: contact(ship),
	}
	if a := strings.TrimSpace(d.RevenueAccount); a != "" {
		if err := c.checkAccount(ctx, op, a, "countries.*.revenueAccount", false); err != nil {
			return CustomerUpdate{}, err
		}
		body.GLAccounts = V(CustomerGLAccounts{SalesAccount: V(a)})
	}
	if z := strings.TrimSpace(d.VATCode); z != "" {
		if err := c.checkVATZone(ctx, op, z); err != nil {
			return CustomerUpdate{}, err
		}
		body.VATZoneID = V(z)
	}
	if d.PaymentTermDays > 0 {
		terms, err := c.creditTermsFor(ctx, op, d.PaymentTermDays, "the payment term (flows.orders.paymentTerms, countries.*.paymentTermDays)")
		if err != nil {
			return CustomerUpdate{}, err
		}
		body.CreditTermsID = V(terms)
	}
	ids := make([]string, 0, len(d.Extra))
	for id := range d.Extra {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		body.AttributeLines = append(body.AttributeLines, AttributeLine{AttributeID: V(id), AttributeValue: V(strings.TrimSpace(d.Extra[id]))})
	}
	return body, nil
}

// address is an address as the customer keeps it; an address without a
// field is left out (not cleared).
func address(a model.Address) *Value[AddressUpdate] {
	if a.IsZero() {
		return nil
	}
	return V(AddressUpdate{AddressLine1: V(a.StreetLine()), AddressLine2: V(strings.TrimSpace(a.Line2)), PostalCode: V(strings.TrimSpace(a.PostalCode)),
		City: V(strings.TrimSpace(a.City)), CountryID: VIf(strings.ToUpper(a.CountryCode))})
}

// customerFromAPI maps a customer back, for the flow's compare: a company
// when its contact has an attention (the person) or it has a corporate id.
func customerFromAPI(cu Customer) model.Customer {
	out := model.Customer{ID: cu.Number, VATNumber: cu.VATRegistrationID, CoCNumber: cu.CorporateID}
	person := cu.Name
	if mc := cu.MainContact; mc != nil {
		out.Email, out.Phone, out.Mobile = mc.Email, mc.Phone1, mc.Phone2
		if strings.TrimSpace(mc.Attention) != "" || cu.CorporateID != "" {
			out.Kind, out.CompanyName, person = model.CustomerCompany, cu.Name, mc.Attention
		}
	} else if cu.CorporateID != "" {
		out.Kind, out.CompanyName, person = model.CustomerCompany, cu.Name, ""
	}
	if out.Kind == "" {
		out.Kind = model.CustomerPerson
	}
	first, last, _ := strings.Cut(strings.TrimSpace(person), " ")
	out.Person = model.Person{FirstName: first, LastName: strings.TrimSpace(last)}
	out.Billing = addressFromAPI(cu.MainAddress)
	out.Shipping = addressFromAPI(cu.DeliveryAddress)
	if out.Shipping.IsZero() {
		out.Shipping = out.Billing
	}
	return out
}

func addressFromAPI(a *Address) model.Address {
	if a == nil {
		return model.Address{}
	}
	return model.Address{Street: a.AddressLine1, Line2: a.AddressLine2, PostalCode: a.PostalCode, City: a.City, CountryCode: a.CountryID()}
}
