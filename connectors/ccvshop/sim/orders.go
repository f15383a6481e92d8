package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/model"
)

// Orders written through the API (POST /orders/, research §1.6.5), and
// what tests read of the orders the shop holds.
//
// Where the research is silent the simulator picks: a row's price is the
// unit price before its discount (as an order reads back); a row without
// product_id needs package_id; shipping and the extra costs follow
// shipping_taxes_included and are taxed at DefaultShippingVAT; a total
// without VAT gets each row's VAT added and rounded half away from zero;
// an unknown user, product or combination is 422.10.

// DefaultShippingVAT is the rate the simulated shop taxes shipping and
// order costs of a created order at (the create body names none).
var DefaultShippingVAT = model.VATPercent(21)

func (s *Sim) createOrder(r *http.Request, _ []string, body []byte) reply {
	obj, rep, good := object(body, orderFields, "orders", "orderrows")
	if !good {
		return rep
	}
	flag := func(name string, def bool) bool {
		if b, set := obj[name].(bool); set {
			return b
		}
		return def
	}
	incl := flag("order_row_taxes_included", !s.o.PricesExcludeVAT)
	shipIncl := flag("shipping_taxes_included", incl)
	cur := s.o.Currency
	if c := strings.TrimSpace(str(obj["currency"])); c != "" && c != cur {
		return invalid("currency %q is not the shop's currency %s", c, cur)
	}
	so := storedOrder{Code: 1, Reservation: strings.TrimSpace(str(obj["reservationnumber"])), Unfinished: !flag("is_completed", true),
		ExtraCostsText: str(obj["extra_costs_description"])}
	if shipIncl != incl {
		so.ShippingIncluded = &shipIncl
	}
	if v := obj["status"]; v != nil {
		so.Code = int(integer(v))
		if so.Code < 1 || so.Code > len(ccvshop.Statuses) {
			return invalid("property \"status\" must be a status code 1-%d", len(ccvshop.Statuses))
		}
	}
	o := model.Order{CreatedAt: s.o.Now(), Status: canonical(so.Code), Paid: flag("paid", false), Currency: cur,
		PricesIncludeVAT: incl, ShippingVAT: DefaultShippingVAT, ShippingMethod: str(obj["deliver_method"])}

	if v := obj["user_id"]; v != nil {
		u := s.user(integer(v))
		if u == nil {
			return invalid("user %s does not exist", v)
		}
		o.Customer = u.Customer
	}
	if raw, set := obj["customer"]; set && raw != nil {
		var info personalInfo
		b, _ := json.Marshal(raw)
		if err := json.Unmarshal(b, &info); err != nil {
			return invalid("property \"customer\" is not personal info: %v", err)
		}
		id := o.Customer.ID // the account stays linked; its data is overridden
		o.Customer = info.customer()
		o.Customer.ID = id
	}

	rows, _ := obj["orderrows"].([]any)
	if len(rows) == 0 {
		return invalid("property \"orderrows\" needs at least one row")
	}
	var total int64
	for i, raw := range rows {
		l, rep, good := s.orderRow(i, raw, cur)
		if !good {
			return rep
		}
		o.Lines = append(o.Lines, l)
		total += withVAT(l.LineTotal().Amount, l.VAT, incl)
	}
	amount := func(name string) (int64, reply, bool) {
		if v := obj[name]; v != nil {
			c, good := cents(v)
			if !good {
				return 0, invalid("property %q is not an amount", name), false
			}
			return c, reply{}, true
		}
		return 0, reply{}, true
	}
	shipping, rep, good := amount("total_shipping")
	if !good {
		return rep
	}
	o.ShippingCost = model.NewMoney(shipping, cur)
	total += withVAT(shipping, o.ShippingVAT, shipIncl)
	for _, c := range []struct{ field, description string }{
		{"extra_costs", ccvshop.ExtraCostsDescription},
		{"paymethod_costs", ccvshop.PaymentCostsDescription},
	} {
		v, rep, good := amount(c.field)
		if !good {
			return rep
		}
		if v == 0 {
			continue
		}
		kind := model.AdjustmentCost
		if v < 0 {
			kind = model.AdjustmentDiscount
		}
		o.Adjustments = append(o.Adjustments, model.Adjustment{Kind: kind, Description: c.description, Amount: model.NewMoney(v, cur), VAT: o.ShippingVAT})
		total += withVAT(v, o.ShippingVAT, shipIncl)
	}
	o.Total = model.NewMoney(total, cur)
	so.Order = o
	so = s.insertOrder(so)
	return created(s.orderJSON(r, so))
}

// orderRow reads one row of a created order: its product fills what the
// row leaves out.
func (s *Sim) orderRow(i int, raw any, cur string) (model.OrderLine, reply, bool) {
	name := fmt.Sprintf("orderrows[%d]", i)
	m, isObject := raw.(map[string]any)
	if !isObject {
		return model.OrderLine{}, invalid("%s is not an object", name), false
	}
	b, _ := json.Marshal(m)
	row, rep, good := object(b, orderRowFields, name, "count")
	if !good {
		return model.OrderLine{}, rep, false
	}
	q, good := qty(row["count"])
	if !good || q == 0 {
		return model.OrderLine{}, invalid("property %s.count must be a quantity other than 0", name), false
	}
	l := model.OrderLine{SKU: str(row["product_number"]), Name: str(row["product_name"]), Quantity: q}
	var price int64
	if v := row["product_id"]; v != nil {
		p := s.state.Catalog.product(integer(v))
		if p == nil {
			return model.OrderLine{}, invalid("%s: product %s does not exist", name, v), false
		}
		l.SKU, l.Name, l.VAT, l.EAN = firstOf(l.SKU, p.Number), firstOf(l.Name, p.Name), p.VAT, p.EAN
		price = p.Price - p.Discount
		if v := row["attribute_combination_id"]; v != nil {
			owner, cb := s.state.Catalog.combo(integer(v))
			if cb == nil || owner != p {
				return model.OrderLine{}, invalid("%s: attribute combination %s is not one of product %d", name, v, p.ID), false
			}
			l.SKU, l.EAN = firstOf(cb.SKU, l.SKU), firstOf(cb.EAN, l.EAN)
			price += p.extraPrice(cb)
		}
	} else if row["package_id"] == nil {
		return model.OrderLine{}, invalid("%s: a row without product_id needs package_id", name), false
	}
	var discount int64
	for _, f := range []struct {
		field string
		into  *int64
	}{{"price", &price}, {"discount", &discount}} {
		if v := row[f.field]; v != nil {
			c, good := cents(v)
			if !good {
				return model.OrderLine{}, invalid("property %s.%s is not an amount", name, f.field), false
			}
			*f.into = c
		}
	}
	if v := row["tax"]; v != nil {
		rate, err := model.ParseMinor(string(v.(json.Number)), 2)
		if err != nil || rate < 0 || rate > 10000 {
			return model.OrderLine{}, invalid("property %s.tax is not a VAT percentage", name), false
		}
		l.VAT = model.VATRate(rate)
	}
	l.UnitPrice, l.UnitDiscount = model.NewMoney(price, cur), model.NewMoney(discount, cur)
	return l, reply{}, true
}

func firstOf(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// withVAT is an amount including VAT: as it is when it includes VAT, else
// with VAT at rate added, rounded half away from zero.
func withVAT(amount int64, rate model.VATRate, inclusive bool) int64 {
	if inclusive {
		return amount
	}
	tax := amount * int64(rate)
	if tax < 0 {
		return amount - (-tax+5000)/10000
	}
	return amount + (tax+5000)/10000
}

// canonical is the canonical status of a status code (1..14).
func canonical(code int) model.OrderStatus {
	for _, st := range ccvshop.Statuses {
		if st.Code == code {
			return st.Canonical
		}
	}
	return model.StatusPending
}

// Orders lists every order the shop holds, in the order they were added.
func (s *Sim) Orders() []model.Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]model.Order, 0, len(s.state.Orders))
	for _, so := range s.state.Orders {
		out = append(out, so.Order)
	}
	return out
}

// OrdersByReservation lists the orders whose reservationnumber is number,
// in the order of their ids: what a client wrote under that key.
func (s *Sim) OrdersByReservation(number string) []model.Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []model.Order
	for _, so := range s.state.Orders {
		if so.Reservation == number {
			out = append(out, so.Order)
		}
	}
	return out
}

// user finds an account; s.mu must be held.
func (s *Sim) user(id int64) *storedUser {
	for i := range s.state.Users {
		if s.state.Users[i].ID == id {
			return &s.state.Users[i]
		}
	}
	return nil
}

// patchUser changes an account (PATCH /users/{id}/): its personal info
// is replaced, its username kept unique.
func (s *Sim) patchUser(_ *http.Request, ids []string, body []byte) reply {
	u := s.user(parseID(ids[0]))
	if u == nil {
		return notFound("user", ids[0])
	}
	obj, rep, good := object(body, userFields, "users")
	if !good {
		return rep
	}
	if v, set := obj["username"]; set && v != nil {
		name := strings.TrimSpace(str(v))
		for _, other := range s.state.Users {
			if other.ID != u.ID && strings.EqualFold(other.Username, name) {
				return fail(http.StatusUnprocessableEntity, "422.40", fmt.Sprintf("property already exists: username %q is taken", name))
			}
		}
		if name == "" {
			return invalid("property \"username\" must not be empty")
		}
		u.Username = name
	}
	if raw, set := obj["userinfo"]; set && raw != nil {
		var info personalInfo
		b, _ := json.Marshal(raw)
		if err := json.Unmarshal(b, &info); err != nil {
			return invalid("property \"userinfo\" is not personal info: %v", err)
		}
		u.Customer = info.customer()
		u.Customer.ID = strconv.FormatInt(u.ID, 10)
	}
	return noContent()
}
