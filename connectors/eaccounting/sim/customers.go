package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/connectors/simkit"
)

func (s *Sim) customerRoutes(rt *simkit.Router) {
	s.handle(rt, http.MethodGet, "/customers", salesRead, listWith(s, func(st *state) []Customer {
		out := clone(st.Customers)
		for i := range out {
			st.expandCustomer(&out[i])
		}
		return out
	}))
	s.handle(rt, http.MethodPost, "/customers", salesWrite, s.postCustomer)
	s.handle(rt, http.MethodGet, "/customers/{customerId}", salesRead, oneWith(s, "customerId", true, func(st *state, id string) (Customer, bool) {
		c := st.customer(id)
		if c == nil {
			return Customer{}, false
		}
		out := clone(*c)
		st.expandCustomer(&out)
		return out, true
	}))
	s.handle(rt, http.MethodPut, "/customers/{customerId}", salesWrite, s.putCustomer)
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

func (s *Sim) postCustomer(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	var c Customer
	ps := decodeStrict(r, &c)
	if len(ps) == 0 {
		checkCustomer(&c, &ps)
	}
	if len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	s.mu.Lock()
	field, msg, code := s.storeCustomerLocked(&c, -1)
	out := clone(c)
	s.st.expandCustomer(&out)
	s.mu.Unlock()
	if !s.answerStoreProblem(w, r, field, msg, code) {
		return
	}
	s.out.JSON(w, r, http.StatusCreated, out)
}

func (s *Sim) putCustomer(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	id := p.Get("customerId")
	var c Customer
	ps := decodeStrict(r, &c)
	if len(ps) == 0 {
		checkCustomer(&c, &ps)
	}
	if len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	s.mu.Lock()
	at := slices.IndexFunc(s.st.Customers, func(x Customer) bool { return strings.EqualFold(x.Id, id) })
	if at < 0 {
		s.mu.Unlock()
		s.notFound(w, r, "Customer")
		return
	}
	field, msg, code := s.storeCustomerLocked(&c, at)
	out := clone(c)
	s.st.expandCustomer(&out)
	s.mu.Unlock()
	if !s.answerStoreProblem(w, r, field, msg, code) {
		return
	}
	s.out.JSON(w, r, http.StatusOK, out)
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
	s.mu.Lock()
	defer s.mu.Unlock()
	return clone(s.st.Customers)
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
