package eaccounting

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// The customer target. A customer is found by EmailAddress or by
// CustomerNumber (the integration's scoped source id, at most 16
// characters), created with POST and updated with a full-replacement PUT of
// the record as read with our fields written over it: whatever else was set
// in eAccounting (labels, e-invoice settings, notes …) goes back unchanged.
//
// eAccounting keeps no revenue account or VAT code on a customer: the
// customer's country and the articles' codings decide them. Of
// CustomerDetails only the payment term is kept (TermsOfPaymentId).

// maxCustomerNumber is CustomerNumber's maxLength.
const maxCustomerNumber = 16

// FindCustomer finds a customer by "email" or "externalId"; none is nil, nil.
func (c *Client) FindCustomer(ctx context.Context, m connectors.CustomerMatch) (*connectors.CustomerRecord, error) {
	value := strings.TrimSpace(m.Value)
	if value == "" {
		return nil, invalid(OpListCustomers, "the %s to find the customer by is empty", m.Field)
	}
	var filter string
	switch m.Field {
	case "email":
		filter = eqFilter("EmailAddress", value)
	case "externalId":
		if len([]rune(value)) > maxCustomerNumber {
			return nil, misconfigured(OpListCustomers, "customer id %q is longer than the %d characters of a CustomerNumber; shorten flows.orders.customerIdPrefix (or match customers by email)", value, maxCustomerNumber)
		}
		filter = eqFilter("CustomerNumber", value)
	default:
		return nil, misconfigured(OpListCustomers, "customer match field %q is not one of email, externalId", m.Field)
	}
	p, err := c.ListCustomers(ctx, ListOptions{Filter: filter, PageSize: 10})
	if err != nil {
		return nil, err
	}
	for _, cu := range p.Data {
		match := cu.CustomerNumber == value
		if m.Field == "email" {
			match = strings.EqualFold(strings.TrimSpace(cu.EmailAddress), value)
		}
		if match {
			return &connectors.CustomerRecord{ID: cu.Id, Customer: customerFromAPI(cu)}, nil
		}
	}
	return nil, nil
}

// CreateCustomer creates a customer with options.defaultPaymentTermDays.
func (c *Client) CreateCustomer(ctx context.Context, cu model.Customer) (string, error) {
	return c.CreateCustomerWithDetails(ctx, cu, connectors.CustomerDetails{})
}

// UpdateCustomer writes the customer's fields over the record.
func (c *Client) UpdateCustomer(ctx context.Context, id string, cu model.Customer) error {
	return c.UpdateCustomerWithDetails(ctx, id, cu, connectors.CustomerDetails{})
}

// CustomerDetails returns the customer's payment term in days.
func (c *Client) CustomerDetails(ctx context.Context, id string) (connectors.CustomerDetails, error) {
	var cu Customer
	if err := c.get(ctx, OpGetCustomer, "/customers/"+id, nil, &cu); err != nil {
		return connectors.CustomerDetails{}, err
	}
	var d connectors.CustomerDetails
	if cu.TermsOfPaymentId != "" {
		days, ok, err := c.daysOfTerms(ctx, cu.TermsOfPaymentId)
		if err != nil {
			return d, err
		}
		if ok {
			d.PaymentTermDays = days
		}
	}
	return d, nil
}

// CreateCustomerWithDetails creates a customer (POST /customers): its terms
// of payment are those of d.PaymentTermDays, else of
// options.defaultPaymentTermDays. CustomerNumber is the customer's scoped
// id when it fits (else eAccounting numbers it).
func (c *Client) CreateCustomerWithDetails(ctx context.Context, cu model.Customer, d connectors.CustomerDetails) (string, error) {
	days, setting := d.PaymentTermDays, "the flow's paymentTerms"
	if days <= 0 {
		days, setting = c.cfg.DefaultPaymentTermDays, "options.defaultPaymentTermDays"
	}
	terms, err := c.termsFor(ctx, OpCreateCustomer, days, setting)
	if err != nil {
		return "", err
	}
	fields, err := customerFields(OpCreateCustomer, cu)
	if err != nil {
		return "", err
	}
	fields["TermsOfPaymentId"] = terms
	fields["IsActive"] = true
	fields["CurrencyCode"] = strings.ToUpper(c.cfg.Currency)
	if id := strings.TrimSpace(cu.ID); id != "" && len([]rune(id)) <= maxCustomerNumber {
		fields["CustomerNumber"] = id
	}
	var created Customer
	if err := c.send(ctx, OpCreateCustomer, "/customers", fields, &created, cu.PersonalTexts()); err != nil {
		return "", err
	}
	return created.Id, nil
}

// UpdateCustomerWithDetails reads the customer, writes our fields (and the
// terms of d.PaymentTermDays when set) over it and puts it back whole.
func (c *Client) UpdateCustomerWithDetails(ctx context.Context, id string, cu model.Customer, d connectors.CustomerDetails) error {
	path := "/customers/" + id
	var current map[string]json.RawMessage
	if err := c.get(ctx, OpGetCustomer, path, nil, &current); err != nil {
		return err
	}
	fields, err := customerFields(OpUpdateCustomer, cu)
	if err != nil {
		return err
	}
	if d.PaymentTermDays > 0 {
		terms, err := c.termsFor(ctx, OpUpdateCustomer, d.PaymentTermDays, "the flow's paymentTerms")
		if err != nil {
			return err
		}
		fields["TermsOfPaymentId"] = terms
	}
	body, err := mergeRecord(current, fields, customerReadOnly)
	if err != nil {
		return invalid(OpUpdateCustomer, "%v", err)
	}
	return c.send(ctx, OpUpdateCustomer, path, body, nil, cu.PersonalTexts())
}

// customerFields are the properties Koppel owns on a customer. The address
// blocks are written whole (an empty line as null), so a line the shop no
// longer has does not linger; e-mail, phones and numbers only when the shop
// has them, so none the shop lacks is erased.
func customerFields(op string, cu model.Customer) (map[string]any, error) {
	var problems []string
	fit := func(field, v string, n int) any {
		v = strings.TrimSpace(v)
		switch {
		case v == "":
			return nil
		case len([]rune(v)) > n:
			problems = append(problems, fmt.Sprintf("%s is longer than %d characters", field, n))
		}
		return v
	}
	company := strings.TrimSpace(cu.CompanyName)
	private := company == ""
	name := company
	if private {
		name = cu.Person.FullName()
	}
	if strings.TrimSpace(name) == "" {
		return nil, invalid(op, "the customer has neither a name nor a company name")
	}
	bill, ship := cu.Billing, cu.Shipping
	if bill.IsZero() {
		bill = ship
	}
	f := map[string]any{
		"Name":               cut(name, 50),
		"IsPrivatePerson":    private,
		"InvoiceAddress1":    fit("InvoiceAddress1", bill.StreetLine(), 50),
		"InvoiceAddress2":    fit("InvoiceAddress2", bill.Line2, 50),
		"InvoiceCountryCode": fit("InvoiceCountryCode", bill.CountryCode, 2),
	}
	for field, v := range map[string]string{"InvoicePostalCode": bill.PostalCode, "InvoiceCity": bill.City} {
		if strings.TrimSpace(v) == "" {
			problems = append(problems, field+" is required and the customer's address has none")
		}
	}
	f["InvoicePostalCode"] = fit("InvoicePostalCode", bill.PostalCode, 10)
	f["InvoiceCity"] = fit("InvoiceCity", bill.City, 50)
	// The delivery address only when it differs (research §2.5).
	delivery := map[string]any{"DeliveryCustomerName": nil, "DeliveryAddress1": nil, "DeliveryAddress2": nil,
		"DeliveryPostalCode": nil, "DeliveryCity": nil, "DeliveryCountryCode": nil}
	if !ship.IsZero() && ship != bill {
		dn := ship.Name
		if strings.TrimSpace(ship.Company) != "" {
			dn = ship.Company
		}
		if v := cut(dn, 100); v != "" {
			delivery["DeliveryCustomerName"] = v
		}
		delivery["DeliveryAddress1"] = fit("DeliveryAddress1", ship.StreetLine(), 50)
		delivery["DeliveryAddress2"] = fit("DeliveryAddress2", ship.Line2, 50)
		delivery["DeliveryPostalCode"] = fit("DeliveryPostalCode", ship.PostalCode, 10)
		delivery["DeliveryCity"] = fit("DeliveryCity", ship.City, 50)
		delivery["DeliveryCountryCode"] = fit("DeliveryCountryCode", ship.CountryCode, 2)
	}
	for k, v := range delivery {
		f[k] = v
	}
	optional := func(field, v string, n int) {
		if x := fit(field, v, n); x != nil {
			f[field] = x
		}
	}
	optional("EmailAddress", strings.ToLower(cu.Email), 255)
	optional("Telephone", cu.Phone, 50)
	optional("MobilePhone", cu.Mobile, 50)
	optional("VatNumber", cu.VATNumber, 20)
	optional("CorporateIdentityNumber", cu.CoCNumber, 20)
	if !private {
		if p := cut(cu.Person.FullName(), 100); p != "" {
			f["ContactPersonName"] = p
		}
		optional("ContactPersonEmail", strings.ToLower(cu.Email), 255)
	}
	if len(problems) > 0 {
		return nil, invalid(op, "the customer does not fit eAccounting: %s", strings.Join(problems, "; "))
	}
	return f, nil
}

// customerFromAPI maps a customer back, for the flow's compare.
func customerFromAPI(cu Customer) model.Customer {
	out := model.Customer{
		ID: cu.CustomerNumber, Email: cu.EmailAddress, Phone: cu.Telephone, Mobile: cu.MobilePhone,
		VATNumber: cu.VatNumber, CoCNumber: cu.CorporateIdentityNumber,
		Billing: model.Address{Street: cu.InvoiceAddress1, Line2: cu.InvoiceAddress2, PostalCode: cu.InvoicePostalCode,
			City: cu.InvoiceCity, CountryCode: cu.InvoiceCountryCode},
		Shipping: model.Address{Name: cu.DeliveryCustomerName, Street: cu.DeliveryAddress1, Line2: cu.DeliveryAddress2,
			PostalCode: cu.DeliveryPostalCode, City: cu.DeliveryCity, CountryCode: cu.DeliveryCountryCode},
	}
	// A person's name (or a company's contact) splits at its first space.
	person := cu.Name
	if cu.IsPrivatePerson {
		out.Kind = model.CustomerPerson
	} else {
		out.Kind, out.CompanyName, person = model.CustomerCompany, cu.Name, cu.ContactPersonName
	}
	first, last, _ := strings.Cut(strings.TrimSpace(person), " ")
	out.Person = model.Person{FirstName: first, LastName: strings.TrimSpace(last)}
	if out.Shipping.IsZero() {
		out.Shipping = out.Billing
	}
	return out
}
