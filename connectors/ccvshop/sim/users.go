package sim

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/koppel/koppel/model"
)

// Customer accounts (/users/, §1.6.4).

type storedUser struct {
	ID       int64          `json:"id"`
	Username string         `json:"username"`
	Customer model.Customer `json:"customer"`
}

// AddUser seeds a customer account and returns its id. Its username is the
// e-mail address, or user<id> without one.
func (s *Sim) AddUser(c model.Customer) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := storedUser{ID: s.nextUserID(), Username: c.Email, Customer: c}
	if u.Username == "" {
		u.Username = fmt.Sprintf("user%d", u.ID)
	}
	u.Customer.ID = strconv.FormatInt(u.ID, 10)
	s.state.Users = append(s.state.Users, u)
	return u.Customer.ID
}

func (s *Sim) nextUserID() int64 {
	s.state.NextUserID = max(s.state.NextUserID, 1)
	id := s.state.NextUserID
	s.state.NextUserID++
	return id
}

// Users lists the customer accounts in the order of their ids, each with
// its id in Customer.ID.
func (s *Sim) Users() []model.Customer {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]model.Customer, 0, len(s.state.Users))
	for _, u := range s.state.Users {
		out = append(out, u.Customer)
	}
	return out
}

var userOrder = map[string]func(a, b storedUser) int{
	"id": func(a, b storedUser) int { return cmp.Compare(a.ID, b.ID) },
	"first_name": func(a, b storedUser) int {
		return cmp.Compare(a.Customer.Person.FirstName, b.Customer.Person.FirstName)
	},
	"last_name": func(a, b storedUser) int { return cmp.Compare(a.Customer.Person.LastName, b.Customer.Person.LastName) },
}

func (s *Sim) listUsers(r *http.Request, _ []string, _ []byte) reply {
	q := r.URL.Query()
	pg, good := s.paging(q)
	if !good {
		return badPaging
	}
	switch q.Get("approval_status") {
	case "", "accepted":
	case "pending":
		return ok(collection(r, pg, 0, []any{})) // every seeded account is accepted
	default:
		return fail(http.StatusBadRequest, "400.10", "approval_status must be pending or accepted")
	}
	list := slices.Clone(s.state.Users)
	if rep, good := sortBy(list, q.Get("orderby"), userOrder); !good {
		return rep
	}
	return ok(page(r, pg, list, func(u storedUser) any { return userJSON(r, u) }))
}

func (s *Sim) getUser(r *http.Request, ids []string, _ []byte) reply {
	id := parseID(ids[0])
	for _, u := range s.state.Users {
		if u.ID == id {
			return ok(userJSON(r, u))
		}
	}
	return notFound("user", ids[0])
}

func (s *Sim) createUser(r *http.Request, _ []string, body []byte) reply {
	obj, rep, good := object(body, userFields, "users", "username", "password")
	if !good {
		return rep
	}
	name := strings.TrimSpace(str(obj["username"]))
	if name == "" {
		return invalid("property \"username\" must not be empty")
	}
	for _, u := range s.state.Users {
		if strings.EqualFold(u.Username, name) {
			return fail(http.StatusUnprocessableEntity, "422.40", fmt.Sprintf("property already exists: username %q is taken", name))
		}
	}
	var info personalInfo
	if raw, set := obj["userinfo"]; set && raw != nil {
		b, _ := json.Marshal(raw)
		if err := json.Unmarshal(b, &info); err != nil {
			return invalid("property \"userinfo\" is not personal info: %v", err)
		}
	}
	u := storedUser{ID: s.nextUserID(), Username: name, Customer: info.customer()}
	u.Customer.ID = strconv.FormatInt(u.ID, 10)
	s.state.Users = append(s.state.Users, u)
	return created(userJSON(r, u))
}

func userJSON(r *http.Request, u storedUser) map[string]any {
	self := fmt.Sprintf("/users/%d/", u.ID)
	return map[string]any{
		"id":                           u.ID,
		"href":                         href(r, self),
		"username":                     u.Username,
		"group_id":                     nil,
		"status":                       true,
		"approval_status":              "accepted",
		"product_in_category_discount": "highest",
		"userinfo":                     customerJSON(u.Customer),
		"creditpoints":                 map[string]any{"href": href(r, self+"creditpoints/")},
		"creditpointmutations":         map[string]any{"href": href(r, self+"creditpointmutations/")},
		"disabledpaymethods":           map[string]any{"href": href(r, self+"disabledpaymethods/")},
	}
}

// personalInfo reads Personalinfo (§1.6.3) as a client POSTs it.
type personalInfo struct {
	Billing  address `json:"billingaddress"`
	Delivery address `json:"deliveryaddress"`
	Email    string  `json:"email"`
	BTW      string  `json:"btw"`
	KVK      string  `json:"kvk"`
}

type address struct {
	FirstName    string          `json:"first_name"`
	LastName     string          `json:"last_name"`
	FullName     string          `json:"full_name"`
	Company      string          `json:"company"`
	AddressLine1 string          `json:"address_line_1"`
	AddressLine2 string          `json:"address_line_2"`
	Street       string          `json:"street"`
	HouseNumber  json.RawMessage `json:"housenumber"`
	Suffix       string          `json:"housenumber_suffix"`
	Zipcode      string          `json:"zipcode"`
	City         string          `json:"city"`
	Province     string          `json:"province"`
	CountryCode  string          `json:"country_code"`
	Telephone    string          `json:"telephone"`
	Mobile       string          `json:"mobile"`
}

func (a address) model() model.Address {
	house := strings.Trim(strings.TrimSpace(string(a.HouseNumber)), `"`)
	if house == "null" {
		house = ""
	}
	street := a.Street
	if street == "" {
		street = a.AddressLine1
	}
	return model.Address{Name: cmp.Or(a.FullName, strings.TrimSpace(a.FirstName+" "+a.LastName)), Company: a.Company, Street: street,
		HouseNumber: house, HouseNumberSuffix: a.Suffix, Line2: a.AddressLine2, PostalCode: a.Zipcode, City: a.City,
		Region: a.Province, CountryCode: strings.ToUpper(a.CountryCode), Phone: a.Telephone}
}

func (p personalInfo) customer() model.Customer {
	c := model.Customer{Kind: model.KindFor(p.Billing.Company), Email: p.Email, CompanyName: p.Billing.Company,
		Person:    model.Person{FirstName: p.Billing.FirstName, LastName: p.Billing.LastName},
		VATNumber: p.BTW, CoCNumber: p.KVK, Phone: p.Billing.Telephone, Mobile: cmp.Or(p.Billing.Mobile, p.Delivery.Mobile),
		Billing: p.Billing.model(), Shipping: p.Delivery.model()}
	if c.Shipping.IsZero() {
		c.Shipping = c.Billing
	}
	return c
}
