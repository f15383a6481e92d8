package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/koppel/koppel/connectors/simkit"
)

func (s *Sim) customerRoutes(add addRoute) {
	add(OpListCustomers, s.listCustomers)
	add(OpCreateCustomer, s.createCustomer)
	add(OpGetCustomer, s.getCustomer)
	add(OpUpdateCustomer, s.updateCustomer)
}

func (s *Sim) customerLocked(number string) *Customer {
	for _, c := range s.st.Customers {
		if eqFold(c.Number, number) {
			return c
		}
	}
	return nil
}

// etag is a customer's version as the ETag header carries it.
func etag(c *Customer) string { return fmt.Sprintf(`"%d-%d"`, c.InternalID, c.Version) }

func (s *Sim) customerDto(c *Customer) customerDto {
	ref := &s.st.Ref
	d := customerDto{InternalID: c.InternalID, Number: c.Number, Name: c.Name, Status: c.Status,
		MainAddress: s.addressDto(c.MainAddress), MainContact: contactDtoOf(c.MainContact), AccountReference: c.AccountReference,
		CurrencyID: c.CurrencyID, CreditLimit: c.CreditLimit,
		InvoiceAddress: s.addressDto(c.InvoiceAddress), InvoiceContact: contactDtoOf(c.InvoiceContact),
		DeliveryAddress: s.addressDto(c.DeliveryAddress), DeliveryContact: contactDtoOf(c.DeliveryContact),
		PrintInvoices: c.PrintInvoices, AcceptAutoInvoices: c.AcceptAutoInvoices, SendInvoicesByEmail: c.SendInvoicesByEmail,
		VatRegistrationID: c.VatRegistrationID, CorporateID: c.CorporateID, GLN: c.GLN,
		Attributes:           s.attributeValues(c.Attributes, true),
		LastModifiedDateTime: At(c.Modified), CreatedDateTime: At(c.Created), DefaultPaymentMethodID: c.DefaultPaymentMethodID}
	if p := s.customerLocked(c.ParentNumber); p != nil && c.ParentNumber != "" {
		d.ParentRecord = &numberNameDto{Number: p.Number, Name: p.Name}
	}
	if k := ref.customerClass(c.ClassID); k != nil {
		d.CustomerClass = &idDescDto{ID: k.ID, Description: k.Description}
	}
	if t := ref.terms(c.CreditTermsID); t != nil {
		d.CreditTerms = &idDescDto{ID: t.ID, Description: t.Description}
	}
	if z := ref.vatZone(c.VatZoneID); z != nil {
		d.VatZone = &vatZoneRefDto{ID: z.ID, Description: z.Description, DefaultVatCategory: z.DefaultVatCategory}
	}
	if c.PriceClassID != "" {
		d.PriceClass = &idDescDto{ID: c.PriceClassID}
	}
	if len(c.GLAccounts) > 0 {
		d.GLAccounts = map[string]accountNumberDto{}
		for field, number := range c.GLAccounts {
			if number == "" {
				continue
			}
			a := accountNumberDto{Number: number}
			if acc := ref.account(number); acc != nil {
				a.Type, a.Description = acc.Type, acc.Description
			}
			d.GLAccounts[field] = a
		}
	}
	return d
}

func (s *Sim) listCustomers(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	q := r.URL.Query()
	pg, ok := s.page(w, r, MaxPageSize)
	if !ok {
		return
	}
	var ps problems
	changes := parseChanges(q, &ps, "lastModifiedDateTime", "createdDateTime")
	var attrs map[string]string
	if a := q.Get("attributes"); a != "" {
		if err := json.Unmarshal([]byte(a), &attrs); err != nil {
			ps.add("attributes", "'attributes' must be a JSON object of attribute id and value, as {\"ID\":\"VALUE\"}.")
		}
	}
	if len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	equal := func(param, v string) bool { return q.Get(param) == "" || eqFold(q.Get(param), v) }
	s.mu.Lock()
	var out []customerDto
	for _, c := range s.st.Customers {
		if !equal("name", c.Name) || !equal("status", c.Status) || !equal("corporateId", c.CorporateID) ||
			!equal("vatRegistrationId", c.VatRegistrationID) || !equal("email", c.MainContact.Email) ||
			!equal("phone", c.MainContact.Phone1) || !hasAttributes(c.Attributes, attrs) ||
			!(stamps{"lastModifiedDateTime": c.Modified, "createdDateTime": c.Created}).matches(changes) {
			continue
		}
		out = append(out, s.customerDto(c))
	}
	s.mu.Unlock()
	writePage(s, w, r, out, pg, MaxPageSize)
}

// hasAttributes is the attributes filter: every attribute has one of the
// values asked ("V1,V2").
func hasAttributes(have, want map[string]string) bool {
	for id, values := range want {
		v, ok := have[strings.ToUpper(id)]
		if !ok {
			v, ok = have[id]
		}
		if !ok {
			return false
		}
		match := false
		for want := range strings.SplitSeq(values, ",") {
			match = match || eqFold(want, v)
		}
		if !match {
			return false
		}
	}
	return true
}

func (s *Sim) getCustomer(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	s.mu.Lock()
	c := s.customerLocked(p.Get("customerCd"))
	var d customerDto
	var tag string
	if c != nil {
		d, tag = s.customerDto(c), etag(c)
	}
	s.mu.Unlock()
	if c == nil {
		s.notFound(w, r, "Customer", p.Get("customerCd"))
		return
	}
	w.Header().Set("ETag", tag)
	s.out.JSON(w, r, http.StatusOK, d)
}

func (s *Sim) createCustomer(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	createRecord(s, w, r, &Customer{Status: "Active"},
		func(c *Customer, d *customerUpdateDto) problems { return s.applyCustomerLocked(c, d, true) },
		func(c *Customer) string { s.storeCustomerLocked(c); return "/v1/customer/" + c.Number })
}

func (s *Sim) updateCustomer(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	var d customerUpdateDto
	if ps := decodeWrite(r, &d); len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	number := p.Get("customerCd")
	s.mu.Lock()
	c := s.customerLocked(number)
	if c == nil {
		s.mu.Unlock()
		s.notFound(w, r, "Customer", number)
		return
	}
	if m := r.Header.Get("If-Match"); m != "" && m != "*" && !strings.Contains(m, etag(c)) {
		s.mu.Unlock()
		s.ipp(w, r, http.StatusPreconditionFailed, FaultConflict,
			"The customer "+number+" was changed since it was read (its ETag is no longer "+m+").")
		return
	}
	next := clone(*c)
	ps := s.applyCustomerLocked(&next, &d, false)
	if len(ps) == 0 {
		next.Modified, next.Version = s.now(), c.Version+1
		*c = next
	}
	s.mu.Unlock()
	if len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// applyCustomerLocked applies a customer write; fresh is a create.
func (s *Sim) applyCustomerLocked(c *Customer, d *customerUpdateDto, fresh bool) problems {
	var ps problems
	ref := &s.st.Ref
	if n, ok := wrapped(d.Number); ok {
		n = strings.TrimSpace(n)
		switch {
		case fresh && flag(d.OverrideNumberSeries):
			if n == "" {
				ps.add("number", "'number' is required with overrideNumberSeries.")
			} else if s.customerLocked(n) != nil {
				ps.add("number", "A customer with number %s already exists.", n)
			}
			c.Number = n
		case !fresh && !eqFold(n, c.Number):
			ps.add("number", "'number' cannot be changed by an update (the API renumbers with action/changeCustomerCd).")
		}
	} else if fresh && flag(d.OverrideNumberSeries) {
		ps.add("number", "'number' is required with overrideNumberSeries.")
	}
	setStr(&c.Name, d.Name)
	if strings.TrimSpace(c.Name) == "" {
		ps.add("name", "'name' is required: a customer needs a name.")
	}
	setStr(&c.Status, d.Status)
	setStr(&c.AccountReference, d.AccountReference)
	setRef(&ps, "parentRecordNumber", &c.ParentNumber, d.ParentRecordNumber, func(id string) bool { return s.customerLocked(id) != nil }, "Customer")
	setRef(&ps, "currencyId", &c.CurrencyID, d.CurrencyId, func(id string) bool { return ref.currency(id) != nil }, "Currency")
	setDec(&c.CreditLimit, d.CreditLimit)
	setRef(&ps, "customerClassId", &c.ClassID, d.CustomerClassId, func(id string) bool { return ref.customerClass(id) != nil }, "Customer class")
	setRef(&ps, "creditTermsId", &c.CreditTermsID, d.CreditTermsId, func(id string) bool { return ref.terms(id) != nil }, "Credit terms")
	setRef(&ps, "vatZoneId", &c.VatZoneID, d.VatZoneId, func(id string) bool { return ref.vatZone(id) != nil }, "VAT zone")
	setBool(&c.PrintInvoices, d.PrintInvoices)
	setBool(&c.AcceptAutoInvoices, d.AcceptAutoInvoices)
	setBool(&c.SendInvoicesByEmail, d.SendInvoicesByEmail)
	setStr(&c.VatRegistrationID, d.VatRegistrationId)
	setStr(&c.CorporateID, d.CorporateId)
	setStr(&c.GLN, d.Gln)
	setStr(&c.Note, d.Note)
	setStr(&c.PriceClassID, d.PriceClassId)
	s.applyAddress(&ps, "mainAddress", &c.MainAddress, d.MainAddress)
	s.applyAddress(&ps, "invoiceAddress", &c.InvoiceAddress, d.InvoiceAddress)
	s.applyAddress(&ps, "deliveryAddress", &c.DeliveryAddress, d.DeliveryAddress)
	applyContact(&c.MainContact, d.MainContact)
	applyContact(&c.InvoiceContact, d.InvoiceContact)
	applyContact(&c.DeliveryContact, d.DeliveryContact)
	if dp, ok := wrapped(d.DefaultPaymentMethod); ok {
		setRef(&ps, "defaultPaymentMethod.paymentMethodId", &c.DefaultPaymentMethodID, dp.PaymentMethodId,
			func(id string) bool { return ref.paymentMethod(id) != nil }, "Payment method")
	}
	if gl, ok := wrapped(d.GlAccounts); ok {
		for _, a := range []struct {
			field string
			v     *value[string]
		}{{"customerLedgerAccount", gl.CustomerLedgerAccount}, {"salesAccount", gl.SalesAccount},
			{"salesNonTaxableAccount", gl.SalesNonTaxableAccount}, {"salesEuAccount", gl.SalesEuAccount},
			{"salesExportAccount", gl.SalesExportAccount}, {"discountAccount", gl.DiscountAccount},
			{"freightAccount", gl.FreightAccount}, {"cashDiscountAccount", gl.CashDiscountAccount},
			{"prepaymentAccount", gl.PrepaymentAccount}} {
			// The simulator posts no customer ledgers; it keeps the accounts
			// (they show on a read) once it knows they exist.
			number := c.GLAccounts[a.field]
			setRef(&ps, "glAccounts."+a.field, &number, a.v, func(id string) bool { return ref.account(id) != nil }, "Account")
			if number != c.GLAccounts[a.field] {
				if c.GLAccounts == nil {
					c.GLAccounts = map[string]string{}
				}
				c.GLAccounts[a.field] = number
			}
		}
	}
	s.applyAttributes(&ps, &c.Attributes, d.AttributeLines)
	return ps
}

// storeCustomerLocked numbers a new customer (unless it has its number)
// and stores it.
func (s *Sim) storeCustomerLocked(c *Customer) {
	if c.Number == "" {
		c.Number = s.nextNumberLocked("customer", "%d", 10001, func(n string) bool { return s.customerLocked(n) != nil })
	}
	now := s.now()
	c.InternalID = s.nextIDLocked()
	c.Created, c.Modified, c.Version = now, now, 1
	s.st.Customers = append(s.st.Customers, c)
}
