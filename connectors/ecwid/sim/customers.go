package sim

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

var customerSorts = []string{"NAME_ASC", "NAME_DESC", "EMAIL_ASC", "EMAIL_DESC", "ORDER_COUNT_ASC", "ORDER_COUNT_DESC",
	"REGISTERED_DATE_DESC", "REGISTERED_DATE_ASC", "UPDATED_DATE_DESC", "UPDATED_DATE_ASC", "SALES_VALUE_ASC",
	"SALES_VALUE_DESC", "FIRST_ORDER_DATE_ASC", "FIRST_ORDER_DATE_DESC", "LAST_ORDER_DATE_ASC", "LAST_ORDER_DATE_DESC"}

func (s *Sim) customerParam(c *call) (*Customer, *apiError) {
	raw := c.p.Get("customerId")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return nil, wrongParam("customerId", "expected a whole number, got %q", raw)
	}
	cust := s.customerLocked(id)
	if cust == nil {
		return nil, fail(http.StatusNotFound, CodeCustomerNotFound, "Customer with ID %s was not found", raw)
	}
	return cust, nil
}

func (s *Sim) searchCustomers(c *call) (any, *apiError) {
	pg, err := c.page()
	if err != nil {
		return nil, err
	}
	f, err := s.customerFilter(c.q)
	if err != nil {
		return nil, err
	}
	sortBy := c.q.Get("sortBy")
	if sortBy != "" {
		if err := oneOf("sortBy", []string{sortBy}, customerSorts); err != nil {
			return nil, err
		}
	}
	var match []*Customer
	for _, cust := range s.st.Customers {
		if f(cust) {
			match = append(match, cust)
		}
	}
	name := func(c *Customer) string { return strings.ToLower(c.BillingPerson.Name) }
	email := func(c *Customer) string { return strings.ToLower(c.Email) }
	by := map[string]func(a, b *Customer) int{
		"NAME_ASC":             func(a, b *Customer) int { return strings.Compare(name(a), name(b)) },
		"NAME_DESC":            func(a, b *Customer) int { return strings.Compare(name(b), name(a)) },
		"EMAIL_ASC":            func(a, b *Customer) int { return strings.Compare(email(a), email(b)) },
		"EMAIL_DESC":           func(a, b *Customer) int { return strings.Compare(email(b), email(a)) },
		"ORDER_COUNT_ASC":      func(a, b *Customer) int { return cmp.Compare(s.orderCountLocked(a), s.orderCountLocked(b)) },
		"ORDER_COUNT_DESC":     func(a, b *Customer) int { return cmp.Compare(s.orderCountLocked(b), s.orderCountLocked(a)) },
		"REGISTERED_DATE_ASC":  func(a, b *Customer) int { return a.Registered.Compare(b.Registered) },
		"REGISTERED_DATE_DESC": func(a, b *Customer) int { return b.Registered.Compare(a.Registered) },
		"UPDATED_DATE_ASC":     func(a, b *Customer) int { return a.Updated.Compare(b.Updated) },
		"UPDATED_DATE_DESC":    func(a, b *Customer) int { return b.Updated.Compare(a.Updated) },
	}[sortBy]
	if by != nil { // no sortBy, and the sales sorts the simulator does not keep: by id [A]
		slices.SortStableFunc(match, by)
	}
	out := answerPage(pg, match, s.customerJSON)
	all := len(s.st.Customers)
	out.AllCustomerCount = &all
	return out, nil
}

func (s *Sim) customerFilter(q query) (func(*Customer) bool, *apiError) {
	var tests []func(*Customer) bool
	add := func(t func(*Customer) bool) { tests = append(tests, t) }
	contains := func(v, part string) bool { return strings.Contains(strings.ToLower(v), strings.ToLower(part)) }
	if kw := q.Get("keyword"); kw != "" {
		add(func(c *Customer) bool { return contains(c.BillingPerson.Name, kw) || contains(c.Email, kw) })
	}
	if name := q.Get("name"); name != "" {
		add(func(c *Customer) bool { return contains(c.BillingPerson.Name, name) })
	}
	exact, _, err := q.boolean("useExactEmailMatch")
	if err != nil {
		return nil, err
	}
	if email := q.Get("email"); email != "" {
		if exact {
			add(func(c *Customer) bool { return strings.EqualFold(c.Email, email) })
		} else {
			add(func(c *Customer) bool { return contains(c.Email, email) })
		}
	}
	addresses := func(c *Customer) []Person {
		out := []Person{c.BillingPerson}
		for _, a := range c.ShippingAddresses {
			out = append(out, a.Person)
		}
		return out
	}
	for name, field := range map[string]func(Person) string{
		"phone":       func(p Person) string { return p.Phone },
		"city":        func(p Person) string { return p.City },
		"postalCode":  func(p Person) string { return p.PostalCode },
		"companyName": func(p Person) string { return p.CompanyName },
	} {
		if v := q.Get(name); v != "" {
			add(func(c *Customer) bool {
				return slices.ContainsFunc(addresses(c), func(p Person) bool { return contains(field(p), v) })
			})
		}
	}
	if codes := q.list("countryCodes"); len(codes) > 0 {
		add(func(c *Customer) bool {
			return slices.ContainsFunc(addresses(c), func(p Person) bool {
				return slices.ContainsFunc(codes, func(code string) bool { return strings.EqualFold(code, p.CountryCode) })
			})
		})
	}
	groups, err := q.ids("customerGroupIds")
	if err != nil {
		return nil, err
	}
	if len(groups) > 0 {
		add(func(c *Customer) bool { return slices.Contains(groups, c.CustomerGroupID) })
	}
	if v := q.Get("b2b_b2c"); v != "" {
		add(func(c *Customer) bool { return cmp.Or(c.B2BB2C, "b2c") == v })
	}
	for name, field := range map[string]func(*Customer) bool{
		"taxExempt":       func(c *Customer) bool { return c.TaxExempt },
		"acceptMarketing": func(c *Customer) bool { return c.AcceptMarketing },
	} {
		if v, set, err := q.boolean(name); err != nil {
			return nil, err
		} else if set {
			add(func(c *Customer) bool { return field(c) == v })
		}
	}
	created, err := q.window("createdFrom", "createdTo")
	if err != nil {
		return nil, err
	}
	updated, err := q.window("updatedFrom", "updatedTo")
	if err != nil {
		return nil, err
	}
	add(func(c *Customer) bool { return created.holds(c.Registered) && updated.holds(c.Updated) })
	return func(c *Customer) bool {
		for _, t := range tests {
			if !t(c) {
				return false
			}
		}
		return true
	}, nil
}

func (s *Sim) getCustomer(c *call) (any, *apiError) {
	cust, err := s.customerParam(c)
	if err != nil {
		return nil, err
	}
	return s.customerJSON(cust), nil
}

func (s *Sim) createCustomer(c *call) (any, *apiError) {
	var w customerWrite
	if err := decodeBody(c.body, &w); err != nil {
		return nil, err
	}
	if w.Email == nil || strings.TrimSpace(*w.Email) == "" {
		return nil, wrongParam("email", "the field is required")
	}
	now := s.now()
	cust := &Customer{B2BB2C: "b2c", Registered: now, Updated: now}
	if err := s.applyCustomerLocked(cust, &w); err != nil {
		return nil, err
	}
	cust.ID = s.nextIDLocked(kindCustomer)
	s.st.Customers = append(s.st.Customers, cust)
	return idOut{ID: cust.ID}, nil
}

func (s *Sim) updateCustomer(c *call) (any, *apiError) {
	cust, err := s.customerParam(c)
	if err != nil {
		return nil, err
	}
	var w customerWrite
	if err := decodeBody(c.body, &w); err != nil {
		return nil, err
	}
	next := clone(*cust)
	if err := s.applyCustomerLocked(&next, &w); err != nil {
		return nil, err
	}
	next.Updated = s.now()
	*cust = next
	return updateOut{UpdateCount: 1}, nil
}

func (s *Sim) deleteCustomer(c *call) (any, *apiError) {
	cust, err := s.customerParam(c)
	if err != nil {
		return nil, err
	}
	s.st.Customers = slices.DeleteFunc(s.st.Customers, func(x *Customer) bool { return x == cust })
	return deleteOut{DeleteCount: 1}, nil
}

func (s *Sim) applyCustomerLocked(cust *Customer, w *customerWrite) *apiError {
	if w.Email != nil {
		if e := strings.TrimSpace(*w.Email); e == "" || !strings.Contains(e, "@") {
			return wrongParam("email", "%q is not an e-mail address", *w.Email)
		}
		cust.Email = strings.TrimSpace(*w.Email)
	}
	if w.B2BB2C != nil {
		if err := oneOf("b2b_b2c", []string{*w.B2BB2C}, []string{"b2b", "b2c"}); err != nil {
			return err
		}
		cust.B2BB2C = *w.B2BB2C
	}
	bp := &cust.BillingPerson
	applyPerson(&bp, w.BillingPerson)
	if w.ShippingAddresses != nil {
		var addrs []ShippingAddress
		for _, aw := range *w.ShippingAddresses {
			var a ShippingAddress
			if aw.ID != nil && slices.ContainsFunc(cust.ShippingAddresses, func(x ShippingAddress) bool { return x.ID == *aw.ID }) {
				a.ID = *aw.ID
			} else {
				a.ID = s.nextIDLocked(kindAddress)
			}
			p := &a.Person
			applyPerson(&p, aw.person())
			set(&a.Default, aw.Default)
			addrs = append(addrs, a)
		}
		cust.ShippingAddresses = addrs
	}
	set(&cust.TaxID, w.TaxID)
	set(&cust.TaxIDValid, w.TaxIDValid)
	set(&cust.TaxExempt, w.TaxExempt)
	set(&cust.CustomerGroupID, w.CustomerGroupID)
	set(&cust.AcceptMarketing, w.AcceptMarketing)
	set(&cust.Lang, w.Lang)
	set(&cust.PrivateAdminNotes, w.PrivateAdminNotes)
	return nil
}

// orderCountLocked counts a customer's placed orders.
func (s *Sim) orderCountLocked(c *Customer) int {
	n := 0
	for _, o := range s.st.Orders {
		if o.CustomerID == c.ID && o.PaymentStatus != Unfinished {
			n++
		}
	}
	return n
}

func (s *Sim) customerJSON(c *Customer) customerOut {
	out := customerOut{ID: c.ID, Email: c.Email, Name: c.BillingPerson.Name, TotalOrderCount: s.orderCountLocked(c),
		Registered: dateString(c.Registered), Updated: dateString(c.Updated), BillingPerson: *personJSON(&c.BillingPerson, true),
		ShippingAddresses: []shippingAddressOut{}, Contacts: []contactOut{}, CustomerGroupID: c.CustomerGroupID,
		CustomerGroupName: "General", TaxID: c.TaxID, TaxIDValid: c.TaxIDValid, TaxExempt: c.TaxExempt,
		B2BB2C: cmp.Or(c.B2BB2C, "b2c"), AcceptMarketing: c.AcceptMarketing, Lang: c.Lang, PrivateAdminNotes: c.PrivateAdminNotes}
	for _, a := range c.ShippingAddresses {
		p := personJSON(&a.Person, false)
		out.ShippingAddresses = append(out.ShippingAddresses, shippingAddressOut{ID: a.ID, personOut: *p,
			AddressFormatted: formatAddress(a.Person), Default: a.Default})
	}
	// Contacts are derived from the e-mail and phone (their own endpoints
	// are not simulated).
	if c.Email != "" {
		out.Contacts = append(out.Contacts, contactOut{ID: c.ID*10 + 1, Contact: c.Email, Type: "EMAIL", Default: true})
	}
	if c.BillingPerson.Phone != "" {
		out.Contacts = append(out.Contacts, contactOut{ID: c.ID*10 + 2, Contact: c.BillingPerson.Phone, Type: "PHONE", Default: true, OrderBy: 1})
	}
	return out
}

// formatAddress is the store's plain address format
// (%NAME%, %COMPANY_NAME%, %STREET%, %POSTAL% %CITY%, %COUNTRY_NAME%).
func formatAddress(p Person) string {
	var parts []string
	for _, v := range []string{p.Name, p.CompanyName, strings.ReplaceAll(p.Street, "\n", ", "),
		strings.TrimSpace(p.PostalCode + " " + p.City), countryName(p.CountryCode)} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, ", ")
}
