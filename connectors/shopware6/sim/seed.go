package sim

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/model"
)

// Seeding: an order is given as a model.Order and stored as Shopware keeps
// it, every amount computed the way the cart does (research §1.9):
//
//   - a line's unit price is its price after the line's discount (Shopware
//     has no per-line discount; the sold price is the unit price), its tax
//     computed on the line total: from a gross total for prices incl. VAT,
//     on the net total otherwise, rounded half away from zero per line;
//   - a discount adjustment is a promotion line item, a cost adjustment a
//     custom line item without a product;
//   - shipping is the order's shippingCosts and one delivery's; the order's
//     price sums every line's taxes by rate;
//   - amountTotal is the order's Total when it has one, so a test can seed
//     an order whose parts do not add up.

// OrderOptions are what a model.Order does not say about a Shopware order.
type OrderOptions struct {
	// Guest: the customer checked out without an account (Shopware keeps a
	// guest customer, guest=true).
	Guest bool
	// NoCustomer: created through the API without a customer (customerId null).
	NoCustomer bool
	// TaxFree makes the order tax-free (taxStatus tax-free, no taxes).
	TaxFree bool
	// SalesChannelID is the order's sales channel; "" is the storefront.
	SalesChannelID string
	// CashRounding rounds the total to this many cents (5: CHF's 0.05),
	// keeping the unrounded one as price.rawTotal; 0 rounds nothing.
	CashRounding int64
	// PromotionCode is the code of every promotion line item.
	PromotionCode string
}

// AddOrder seeds an order (see AddOrderWith) and returns its id.
func (s *Sim) AddOrder(o model.Order) string { return s.AddOrderWith(o, OrderOptions{}) }

// AddOrderWith seeds an order and returns its id. An ID that is a Shopware
// id not yet taken is kept, any other gets a new id; an empty Number gets the
// shop's next number (10000, 10001 …); a zero CreatedAt is now. The customer
// has an account unless opt says otherwise: the same e-mail address is the
// same customer. Status and Paid set the three machines: pending is open,
// processing in_progress, shipped in_progress with the delivery shipped,
// completed with the delivery shipped too, cancelled cancelled, refunded
// completed with the payment refunded; a paid order's payment is paid.
// Quantities must be whole pieces.
func (s *Sim) AddOrderWith(mo model.Order, opt OrderOptions) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.o.Now().UTC()
	placed := mo.CreatedAt.UTC()
	if placed.IsZero() {
		placed = now
	}
	placed = placed.Truncate(time.Millisecond)
	st := &s.state
	o := &order{ID: mo.ID, AutoIncrement: st.Seq, SalesChannelID: opt.SalesChannelID, OrderDateTime: placed, CreatedAt: placed,
		DeepLinkCode: s.newID("deep-link")[:32], CustomerComment: mo.Note}
	if !isID(o.ID) || s.byID[o.ID] != nil {
		o.ID = s.newID("order")
	}
	if o.SalesChannelID == "" {
		o.SalesChannelID = DefaultSalesChannelID
	}
	o.OrderNumber = mo.Number
	if n, err := strconv.ParseInt(o.OrderNumber, 10, 64); err == nil && n >= st.NextOrderNumber {
		st.NextOrderNumber = n + 1 // the shop's number range goes on after a seeded number
	}
	if o.OrderNumber == "" {
		o.OrderNumber = strconv.FormatInt(st.NextOrderNumber, 10)
		st.NextOrderNumber++
	}
	o.CurrencyID = s.currencyFor(mo.Currency).ID
	switch {
	case opt.TaxFree:
		o.TaxStatus = "tax-free"
	case mo.PricesIncludeVAT:
		o.TaxStatus = "gross"
	default:
		o.TaxStatus = "net"
	}

	// Customer and addresses.
	cu := mo.Customer
	bill := s.address(cu.Billing, cu)
	o.Addresses = append(o.Addresses, bill)
	o.BillingAddressID = bill.ID
	shipTo := bill
	if !cu.Shipping.IsZero() && cu.Shipping != cu.Billing {
		shipTo = s.address(cu.Shipping, cu)
		o.Addresses = append(o.Addresses, shipTo)
	}
	oc := orderCustomer{ID: s.newID("order_customer"), Email: cu.Email, FirstName: cu.Person.FirstName, LastName: cu.Person.LastName}
	if cu.Kind == model.CustomerCompany {
		oc.Company = cu.CompanyName
	}
	if cu.VATNumber != "" {
		oc.VatIDs = []string{cu.VATNumber}
	}
	if !opt.NoCustomer {
		c := s.customerFor(cu, opt.Guest, placed)
		oc.CustomerID, oc.CustomerNumber = c.ID, c.CustomerNumber
	}
	o.Customer = oc

	// Line items, shipping and the cart's price.
	var all []tax
	var position int64
	addItem := func(li *lineItem, total int64, rate model.VATRate) {
		li.ID = s.newID("order_line_item")
		li.Position = len(o.LineItems) + 1
		li.Price.Total = total
		li.Price.Taxes = s.taxOn(total, rate, o.TaxStatus)
		o.LineItems = append(o.LineItems, li)
		all = append(all, li.Price.Taxes...)
		position += total
	}
	for _, l := range mo.Lines {
		if l.Quantity%model.QuantityScale != 0 || l.Quantity <= 0 {
			panic(fmt.Sprintf("shopware6 sim: line %s has quantity %s; Shopware line items take whole pieces", l.SKU, l.Quantity))
		}
		qty := int64(l.Quantity / model.QuantityScale)
		li := &lineItem{Type: "product", Label: l.Name, Quantity: qty, ProductNumber: l.SKU,
			ReferencedID: fixtureID("product", l.SKU), Price: calcPrice{Unit: l.NetUnitPrice().Amount, Quantity: qty}}
		addItem(li, l.LineTotal().Amount, l.VAT)
	}
	for _, a := range mo.Adjustments {
		li := &lineItem{Type: "custom", Label: a.Description, Quantity: 1, Price: calcPrice{Unit: a.Amount.Amount, Quantity: 1}}
		if a.Kind == model.AdjustmentDiscount {
			li.Type, li.ReferencedID, li.PromotionCode = "promotion", fixtureID("promotion", a.Description), opt.PromotionCode
		} else {
			li.ReferencedID = s.newID("custom")
		}
		addItem(li, a.Amount.Amount, a.VAT)
	}
	shipping := mo.ShippingCost.Amount
	o.ShippingCosts = calcPrice{Unit: shipping, Total: shipping, Quantity: 1, Taxes: s.taxOn(shipping, mo.ShippingVAT, o.TaxStatus)}
	all = append(all, o.ShippingCosts.Taxes...)
	byRate := sumByRate(all)
	var taxSum int64
	for _, t := range byRate {
		taxSum += t.Tax
	}
	total := position + shipping
	net := total - taxSum
	if o.TaxStatus == "net" {
		net, total = position+shipping, position+shipping+taxSum
	}
	raw := total
	if opt.CashRounding > 0 {
		total = roundTo(total, opt.CashRounding)
	}
	if mo.Total.Amount != 0 {
		total, raw = mo.Total.Amount, mo.Total.Amount
	}
	o.Price = cartPrice{Net: net, Total: total, Position: position, Raw: raw, Taxes: byRate}

	shippingMethod := s.method(&st.ShippingMethods, "shipping", firstNonEmpty(mo.ShippingMethod, "Standard"))
	o.Deliveries = []*delivery{{ID: s.newID("order_delivery"), ShippingAddressID: shipTo.ID, ShippingMethodID: shippingMethod.ID,
		Costs: o.ShippingCosts, Earliest: placed.Add(24 * time.Hour), Latest: placed.Add(72 * time.Hour), CreatedAt: placed}}
	paymentMethod := s.method(&st.PaymentMethods, "payment", firstNonEmpty(mo.PaymentMethod, "Invoice"))
	o.Transactions = []*payment{{ID: s.newID("order_transaction"), PaymentMethodID: paymentMethod.ID,
		Amount: calcPrice{Unit: total, Total: total, Quantity: 1, Taxes: byRate}, CreatedAt: placed}}

	orderState, paymentState, deliveryState := "open", "open", "open"
	switch mo.Status {
	case model.StatusProcessing:
		orderState = "in_progress"
	case model.StatusShipped:
		orderState, deliveryState = "in_progress", "shipped"
	case model.StatusCompleted:
		orderState, deliveryState = "completed", "shipped"
	case model.StatusCancelled:
		orderState, deliveryState = "cancelled", "cancelled"
	case model.StatusRefunded:
		orderState, deliveryState, paymentState = "completed", "shipped", "refunded"
	}
	if mo.Paid && paymentState == "open" {
		paymentState = "paid"
	}
	o.StateID = s.stateNamed(OrderMachine, orderState).ID
	o.Transactions[0].StateID = s.stateNamed(PaymentMachine, paymentState).ID
	o.Deliveries[0].StateID = s.stateNamed(DeliveryMachine, deliveryState).ID

	st.Orders = append(st.Orders, o)
	s.byID[o.ID] = o
	return o.ID
}

// taxOn is the tax of an amount at a rate, as the order's tax status
// computes it; none for a tax-free order.
func (s *Sim) taxOn(amount int64, rate model.VATRate, taxStatus string) []tax {
	switch taxStatus {
	case "tax-free":
		return nil
	case "gross":
		return []tax{{Tax: amount - divRound(amount*10000, 10000+int64(rate)), Rate: rate, Price: amount}}
	}
	return []tax{{Tax: divRound(amount*int64(rate), 10000), Rate: rate, Price: amount}}
}

func sumByRate(ts []tax) []tax {
	var out []tax
	for _, t := range ts {
		i := slices.IndexFunc(out, func(x tax) bool { return x.Rate == t.Rate })
		if i < 0 {
			out = append(out, t)
			continue
		}
		out[i].Tax += t.Tax
		out[i].Price += t.Price
	}
	slices.SortFunc(out, func(a, b tax) int { return int(b.Rate - a.Rate) })
	return out
}

func divRound(a, b int64) int64 {
	if (a < 0) != (b < 0) {
		return (a - b/2) / b
	}
	return (a + b/2) / b
}

func roundTo(v, step int64) int64 { return divRound(v, step) * step }

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// newID makes a fresh 32-hex id (lock held); the sequence keeps them
// stable from one run to the next.
func (s *Sim) newID(entity string) string {
	s.state.Seq++
	return fixtureID(entity, strconv.FormatInt(s.state.Seq, 10))
}

func (s *Sim) currencyFor(iso string) *currency {
	iso = strings.ToUpper(strings.TrimSpace(iso))
	if iso == "" {
		iso = "EUR"
	}
	for _, c := range s.state.Currencies {
		if c.IsoCode == iso {
			return c
		}
	}
	c, known := knownCurrencies[iso]
	if !known {
		c = currency{IsoCode: iso, Symbol: iso, Name: iso, Decimals: 2}
	}
	if c.ID == "" {
		c.ID = fixtureID("currency", iso)
	}
	s.state.Currencies = append(s.state.Currencies, &c)
	return &c
}

func (s *Sim) findCurrency(id string) *currency {
	for _, c := range s.state.Currencies {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (s *Sim) countryFor(iso string) *country {
	iso = strings.ToUpper(strings.TrimSpace(iso))
	if iso == "" {
		iso = "NL"
	}
	for _, c := range s.state.Countries {
		if c.Iso == iso {
			return c
		}
	}
	c, known := knownCountries[iso]
	if !known {
		c = country{Iso: iso, Iso3: iso, Name: iso}
	}
	c.ID = fixtureID("country", iso)
	s.state.Countries = append(s.state.Countries, &c)
	return &c
}

// address stores a model address as an order address; the names are the
// customer's, the street line street, number and suffix in one (Shopware
// keeps no house number apart), the phone the address's or else the
// customer's (Shopware keeps phone numbers on addresses only).
func (s *Sim) address(a model.Address, cu model.Customer) *address {
	first, last := cu.Person.FirstName, cu.Person.LastName
	if first == "" && last == "" {
		first, last, _ = strings.Cut(a.Name, " ")
	}
	c := s.countryFor(a.CountryCode)
	out := &address{ID: s.newID("order_address"), CountryID: c.ID, FirstName: first, LastName: last, Street: a.StreetLine(),
		Zipcode: a.PostalCode, City: a.City, Company: a.Company, PhoneNumber: firstNonEmpty(a.Phone, cu.Phone), Line1: a.Line2}
	if cu.Kind == model.CustomerCompany && out.Company == "" {
		out.Company = cu.CompanyName
	}
	if a.Region != "" {
		out.CountryStateID = s.countryState(c, a.Region).ID
	}
	return out
}

func (s *Sim) countryState(c *country, name string) *countryState {
	for _, cs := range s.state.CountryStates {
		if cs.CountryID == c.ID && cs.Name == name {
			return cs
		}
	}
	cs := &countryState{ID: fixtureID("country_state", c.Iso+"/"+name), CountryID: c.ID, ShortCode: c.Iso + "-" + strings.ToUpper(slug(name)), Name: name}
	s.state.CountryStates = append(s.state.CountryStates, cs)
	return cs
}

// customerFor is the account of an e-mail address, made on first use.
func (s *Sim) customerFor(cu model.Customer, guest bool, at time.Time) *customer {
	email := strings.ToLower(strings.TrimSpace(cu.Email))
	if !guest {
		for _, c := range s.state.Customers {
			if !c.Guest && c.Email == email {
				return c
			}
		}
	}
	c := &customer{ID: s.newID("customer"), CustomerNumber: strconv.FormatInt(s.state.NextCustomerNo, 10), Email: email,
		FirstName: cu.Person.FirstName, LastName: cu.Person.LastName, Guest: guest, CreatedAt: at}
	if cu.Kind == model.CustomerCompany {
		c.Company = cu.CompanyName
	}
	s.state.NextCustomerNo++
	s.state.Customers = append(s.state.Customers, c)
	return c
}

func (s *Sim) findCustomer(id string) *customer {
	if id == "" {
		return nil
	}
	for _, c := range s.state.Customers {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// method is the payment or shipping method with a name, made on first use;
// its technical name is the name in snake case after the kind ("payment_ideal").
func (s *Sim) method(list *[]*method, kind, name string) *method {
	for _, m := range *list {
		if m.Name == name {
			return m
		}
	}
	m := &method{ID: fixtureID(kind+"_method", name), Name: name, TechnicalName: kind + "_" + slug(name)}
	*list = append(*list, m)
	return m
}

func findMethod(list []*method, id string) *method {
	for _, m := range list {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// Hooks: what happens to orders in a shop, for tests and the demo.

// SetPaid pays an order: its current payment takes the action "paid", as a
// payment provider's callback would. An action the payment's state does
// not allow is the API's refusal.
func (s *Sim) SetPaid(orderID string) error {
	return s.Transition(PaymentMachine, orderID, "paid")
}

// Transition applies an action to an order's machine (the order's, its
// current payment's or its delivery's), as the /_action routes do.
func (s *Sim) Transition(machineName, orderID, action string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := s.entityOf(machineName, orderID)
	if err != nil {
		return err
	}
	if _, e := s.transition(machineName, id, action); e != nil {
		return fmt.Errorf("%s: %s", e.Code, e.Detail)
	}
	return nil
}

// SetState puts an order's machine (the order's, its current payment's or
// its delivery's) in a state, allowed from the current one or not, and
// writes that entity: a state the machine does not have is added, as a shop
// adds its own states.
func (s *Sim) SetState(machineName, orderID, technical string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := s.entityOf(machineName, orderID)
	if err != nil {
		return err
	}
	t, e := s.target(machineName, id)
	if e != nil {
		return fmt.Errorf("%s", e.Detail)
	}
	*t.stateID = s.stateNamed(machineName, technical).ID
	t.touch()
	return nil
}

// entityOf is the id of the entity of an order a machine runs on.
func (s *Sim) entityOf(machineName, orderID string) (string, error) {
	o := s.byID[orderID]
	if o == nil {
		return "", fmt.Errorf("no order %s", orderID)
	}
	switch machineName {
	case OrderMachine:
		return o.ID, nil
	case PaymentMachine:
		if p := o.primaryPayment(); p != nil {
			return p.ID, nil
		}
	case DeliveryMachine:
		if d := o.primaryDelivery(); d != nil {
			return d.ID, nil
		}
	default:
		return "", fmt.Errorf("no state machine %q (%s, %s, %s)", machineName, OrderMachine, PaymentMachine, DeliveryMachine)
	}
	return "", fmt.Errorf("order %s has no %s", orderID, strings.TrimSuffix(machineName, ".state"))
}

// AddPayment adds a payment to an order, as a customer paying again after a
// failed attempt does; the newest payment is the current one.
func (s *Sim) AddPayment(orderID, methodName, state string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.byID[orderID]
	if o == nil {
		return fmt.Errorf("no order %s", orderID)
	}
	m := s.method(&s.state.PaymentMethods, "payment", methodName)
	now := s.o.Now().UTC()
	o.Transactions = append(o.Transactions, &payment{ID: s.newID("order_transaction"), PaymentMethodID: m.ID,
		StateID: s.stateNamed(PaymentMachine, state).ID, Amount: calcPrice{Unit: o.Price.Total, Total: o.Price.Total, Quantity: 1, Taxes: o.Price.Taxes},
		CreatedAt: now})
	return nil
}

// Touch writes an order (an edit in the Administration): its updatedAt is now.
func (s *Sim) Touch(orderID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.byID[orderID]
	if o == nil {
		return fmt.Errorf("no order %s", orderID)
	}
	now := s.o.Now().UTC()
	o.UpdatedAt = &now
	return nil
}

// Corrupt makes the order's top-level field read as rawJSON: how a test
// makes an order the client cannot read.
func (s *Sim) Corrupt(orderID, field, rawJSON string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.byID[orderID]
	if o == nil {
		return fmt.Errorf("no order %s", orderID)
	}
	if !json.Valid([]byte(rawJSON)) {
		return fmt.Errorf("%q is not JSON", rawJSON)
	}
	if o.Override == nil {
		o.Override = map[string]json.RawMessage{}
	}
	o.Override[field] = json.RawMessage(rawJSON)
	return nil
}

// Delete removes an order, as the Administration does.
func (s *Sim) Delete(orderID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.state.Orders, func(o *order) bool { return o.ID == orderID })
	if i < 0 {
		return fmt.Errorf("no order %s", orderID)
	}
	s.state.Orders = slices.Delete(s.state.Orders, i, i+1)
	delete(s.byID, orderID)
	return nil
}

// Unpaid lists the orders whose current payment is open.
func (s *Sim) Unpaid() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, o := range s.state.Orders {
		if p := o.primaryPayment(); p != nil && s.stateByID(p.StateID).TechnicalName == "open" {
			out = append(out, o.ID)
		}
	}
	return out
}

// Len is the number of orders.
func (s *Sim) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.state.Orders)
}

// Order renders an order with every association, as a search asking for
// all of them would return it (for tests to inspect).
func (s *Sim) Order(orderID string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.byID[orderID]
	if o == nil {
		return nil, false
	}
	return s.renderOrder(o), true
}
