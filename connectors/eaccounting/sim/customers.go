package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/connectors/simkit"
)

// customers are served as stored records (records.go).
var customers = storedRecords[Customer]{
	all:    func(st *state) []Customer { return st.Customers },
	idOf:   func(c *Customer) string { return c.Id },
	check:  checkCustomer,
	store:  (*Sim).storeCustomerLocked,
	expand: (*state).expandCustomer,
}

func (s *Sim) customerRoutes(rt *simkit.Router) {
	s.handle(rt, http.MethodGet, "/customers", salesRead, customers.list(s))
	s.handle(rt, http.MethodPost, "/customers", salesWrite, customers.post(s, Customer{}))
	s.handle(rt, http.MethodGet, "/customers/{customerId}", salesRead, customers.get(s, "customerId"))
	s.handle(rt, http.MethodPut, "/customers/{customerId}", salesWrite, customers.put(s, "customerId"))
}

// expandCustomer fills what a read shows beside the stored fields.
func (st *state) expandCustomer(c *Customer) {
	if t := st.terms(c.TermsOfPaymentId); t != nil {
		c.TermsOfPayment = ptr(clone(*t))
	}
}

// checkCustomer adds what the tags cannot say.
func checkCustomer(c *Customer, ps *problems) {
	if len(c.EmailAddresses) > 5 {
		ps.add("EmailAddresses", "A maximum of 5 email addresses can be provided.")
	}
	ps.places("DiscountPercentage", c.DiscountPercentage, 4)
	if c.TermsOfPaymentId != "" && !guidRE.MatchString(c.TermsOfPaymentId) {
		ps.add("TermsOfPaymentId", "The value '%s' is not a valid GUID.", c.TermsOfPaymentId)
	}
}

// answerStoreProblem answers a reference or conflict error; true when there is none.
func (s *Sim) answerStoreProblem(w http.ResponseWriter, r *http.Request, field, msg string, code int) bool {
	switch code {
	case 0:
		return true
	case eaccounting.CodeNotFound:
		s.missing(w, r, field, msg)
	case eaccounting.CodeConflict:
		s.conflict(w, r, field, msg)
	case eaccounting.CodeCannotWrite:
		s.apiError(w, r, http.StatusBadRequest, eaccounting.CodeCannotWrite, "CanNotBeCreatedOrUpdated - "+msg,
			[]ErrorDetail{{Field: field, ErrorCode: "4002", Message: msg}})
	default:
		s.invalid(w, r, problems{{Field: field, ErrorCode: strconv.Itoa(code), Message: msg}})
	}
	return false
}

// storeCustomerLocked checks a customer's references and number and
// stores it, new (at < 0) or replacing the one at index at. It returns the
// failing field, a message and the ErrorCode, or code 0.
func (s *Sim) storeCustomerLocked(c *Customer, at int) (string, string, int) {
	if s.st.terms(c.TermsOfPaymentId) == nil {
		return "TermsOfPaymentId", "TermsOfPayment", eaccounting.CodeNotFound
	}
	var old *Customer
	if at >= 0 {
		old = &s.st.Customers[at]
	}
	if c.CustomerNumber == "" {
		if old != nil {
			c.CustomerNumber = old.CustomerNumber // a replacement without a number keeps it
		} else {
			c.CustomerNumber = strconv.Itoa(nextCustomerNumber(s.st.Customers))
		}
	}
	for i, x := range s.st.Customers {
		if i != at && x.CustomerNumber == c.CustomerNumber {
			return "CustomerNumber", fmt.Sprintf("a customer with CustomerNumber %s exists already", c.CustomerNumber), eaccounting.CodeConflict
		}
	}
	if c.CurrencyCode == "" {
		c.CurrencyCode = s.st.Company.CurrencyCode
	}
	c.TermsOfPayment = nil
	c.ChangedUtc = At(s.o.Now())
	if old != nil {
		c.Id, c.LastInvoiceDate = old.Id, old.LastInvoiceDate
		*old = *c
		return "", "", 0
	}
	c.Id = s.nextIDLocked()
	s.st.Customers = append(s.st.Customers, *c)
	return "", "", 0
}

// nextCustomerNumber is one past the highest numeric customer number,
// from 1001.
func nextCustomerNumber(cs []Customer) int {
	next := 1001
	for _, c := range cs {
		if n, err := strconv.Atoi(c.CustomerNumber); err == nil && n >= next {
			next = n + 1
		}
	}
	return next
}

// AddCustomer stores a customer given in the client's shape, read through
// its JSON as the API would read a POST (so a misnamed tag on the client's
// struct shows here as a panic, not as a silent gap). An empty
// CustomerNumber gets the next free one and an empty TermsOfPaymentId the
// company's default terms. It returns the id.
func (s *Sim) AddCustomer(c eaccounting.Customer) string {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err)
	}
	var own Customer
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&own); err != nil {
		panic("sim: the client's Customer does not fit the contract: " + err.Error())
	}
	id, err := s.PutCustomer(own)
	if err != nil {
		panic(err)
	}
	return id
}

// PutCustomer stores a customer in the simulator's own shape, as POST
// /customers would (defaults as AddCustomer), and returns its id.
func (s *Sim) PutCustomer(c Customer) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.TermsOfPaymentId == "" {
		c.TermsOfPaymentId = s.st.Company.TermsOfPaymentId
	}
	c.Id = ""
	if field, msg, code := s.storeCustomerLocked(&c, -1); code != 0 {
		return "", fmt.Errorf("%s: %s (ErrorCode %d)", field, msg, code)
	}
	return c.Id, nil
}

// Customers returns copies of the stored customers in the order added.
func (s *Sim) Customers() []Customer {
	return lockedCopy(s, func(st *state) []Customer { return st.Customers })
}

// CustomerByNumber returns a copy of the customer with that number.
func (s *Sim) CustomerByNumber(number string) (Customer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.st.Customers {
		if c.CustomerNumber == number {
			return clone(c), true
		}
	}
	return Customer{}, false
}
