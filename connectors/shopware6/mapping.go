package shopware6

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/koppel/koppel/model"
)

// How an order becomes a model.Order (research §1.9):
//
//   - taxStatus gross: prices include VAT; net and tax-free: they do not
//     (tax-free lines have no VAT);
//   - line items of type product are lines, under the productNumber their
//     payload kept from the time of the order; a container's children are
//     its lines; promotion, discount and credit items are adjustments, and
//     so is a custom (or other) item without a product number, with one
//     with a number is a line. An item taxed at several rates (a promotion
//     spread over the cart's rates) is one adjustment per rate, each with
//     the part of the price taxed at it;
//   - shippingCosts are the shipping; shipping taxed at several rates (the
//     shipping method's "auto" tax) keeps the highest rate's part as the
//     shipping and adds the others as costs;
//   - a cash rounding (totalRounding) is an adjustment without VAT, the
//     difference between the rounded and the raw total;
//   - Total is amountTotal; money is read from the JSON numbers' decimal
//     text, in cents, never through a float.
//
// Every problem is collected, so one error names every field.

// Descriptions of adjustments the shop has no text for.
const (
	ShippingPartDescription = "Shipping costs"
	RoundingDescription     = "Rounding"
)

// Line item types (research §1.9).
const (
	itemProduct   = "product"
	itemPromotion = "promotion"
	itemDiscount  = "discount"
	itemCredit    = "credit"
	itemContainer = "container"
)

// mapper collects the problems of one order.
type mapper struct {
	problems []string
	currency string
}

func (m *mapper) fail(field, format string, args ...any) {
	m.problems = append(m.problems, field+": "+fmt.Sprintf(format, args...))
}

// cents reads an amount in cents; a missing or unreadable one is a problem.
func (m *mapper) cents(n json.Number, field string) int64 {
	if n == "" {
		m.fail(field, "missing")
		return 0
	}
	v, err := model.ParseMinor(n.String(), 2)
	if err != nil {
		m.fail(field, "%q is not an amount", n)
	}
	return v
}

func (m *mapper) money(amount int64) model.Money { return model.NewMoney(amount, m.currency) }

// rate reads a VAT percentage.
func (m *mapper) rate(n json.Number, field string) model.VATRate {
	v, err := model.ParseVATRate(n.String())
	if err != nil {
		m.fail(field, "%q is not a VAT percentage", n)
	}
	return v
}

// toModel maps an order read with orderAssociations; lineItems are the
// indexes of the items the lines come from.
func (c *Client) toModel(o wireOrder) (model.Order, []int, error) {
	m := &mapper{}
	s, err := c.summary(o)
	if err != nil {
		m.problems = append(m.problems, err.Error())
	}
	if o.Currency == nil || strings.TrimSpace(o.Currency.IsoCode) == "" {
		m.fail("currency.isoCode", "missing")
	} else {
		m.currency = strings.ToUpper(strings.TrimSpace(o.Currency.IsoCode))
	}
	taxStatus := o.TaxStatus
	if taxStatus == "" && o.Price != nil {
		taxStatus = o.Price.TaxStatus
	}
	var inclVAT, taxFree bool
	switch strings.ToLower(taxStatus) {
	case "gross":
		inclVAT = true
	case "net":
	case "tax-free", "free":
		taxFree = true
	default:
		m.fail("taxStatus", "%q is not one of gross, net, tax-free", taxStatus)
	}
	total := o.AmountTotal
	if total == "" && o.Price != nil {
		total = o.Price.TotalPrice
	}
	out := model.Order{ID: s.ID, Number: s.Number, CreatedAt: s.CreatedAt, Status: s.Status, Paid: s.Paid,
		PricesIncludeVAT: inclVAT}
	out.Total = m.money(m.cents(total, "amountTotal"))
	if o.CustomerComment != nil {
		out.Note = strings.TrimSpace(*o.CustomerComment)
	}

	var lineItems []int
	for _, i := range topLevelItems(o.LineItems) {
		lineItems = append(lineItems, m.lineItem(o.LineItems, i, taxFree, &out)...)
	}
	m.shipping(o, taxFree, &out)
	if o.Price != nil && o.Price.RawTotal != "" && o.Price.TotalPrice != "" {
		rounded, raw := m.cents(o.Price.TotalPrice, "price.totalPrice"), m.cents(o.Price.RawTotal, "price.rawTotal")
		if diff := rounded - raw; diff != 0 {
			out.Adjustments = append(out.Adjustments, adjustment(RoundingDescription, m.money(diff), 0))
		}
	}
	if tx, _, _ := currentTransaction(o); tx != nil {
		out.PaymentMethod = tx.PaymentMethod.label()
	}
	if d, _ := primaryDelivery(o); d != nil {
		out.ShippingMethod = d.ShippingMethod.label()
	}
	out.Customer = m.customer(o)
	out.Currency = m.currency
	if len(m.problems) > 0 {
		return model.Order{}, nil, fmt.Errorf("%s", strings.Join(m.problems, "; "))
	}
	return out, lineItems, nil
}

// topLevelItems are the indexes of the items without a parent among the
// order's, by position (the API keeps no order among them otherwise).
func topLevelItems(items []wireLineItem) []int {
	ids := map[string]bool{}
	for _, li := range items {
		ids[li.ID] = true
	}
	var out []int
	for i, li := range items {
		if li.ParentID == nil || !ids[*li.ParentID] {
			out = append(out, i)
		}
	}
	byPosition(items, out)
	return out
}

func byPosition(items []wireLineItem, idx []int) {
	pos := func(i int) int {
		if p := items[idx[i]].Position; p != nil {
			return *p
		}
		return 1 << 30
	}
	sort.SliceStable(idx, func(a, b int) bool { return pos(a) < pos(b) })
}

// lineItem maps item i (and a container's children) into lines or
// adjustments of out; it returns the indexes of the items that became lines.
func (m *mapper) lineItem(items []wireLineItem, i int, taxFree bool, out *model.Order) []int {
	li := items[i]
	field := func(name string) string { return fmt.Sprintf("lineItems[%d].%s", i, name) }
	if li.Type == itemContainer {
		var children []int
		for j, child := range items {
			if child.ParentID != nil && *child.ParentID == li.ID {
				children = append(children, j)
			}
		}
		if len(children) > 0 {
			byPosition(items, children)
			var lines []int
			for _, j := range children {
				lines = append(lines, m.lineItem(items, j, taxFree, out)...)
			}
			return lines
		}
	}
	if li.Price == nil {
		m.fail(field("price"), "missing")
		return nil
	}
	totalN, unitN := li.TotalPrice, li.UnitPrice
	if totalN == "" {
		totalN = li.Price.TotalPrice
	}
	if unitN == "" {
		unitN = li.Price.UnitPrice
	}
	total := m.cents(totalN, field("totalPrice"))
	sku := strings.TrimSpace(li.productNumber())
	switch {
	case li.Type == itemProduct && sku == "":
		m.fail(field("payload.productNumber"), "missing; a product line needs the number it was sold under")
		return nil
	case li.Type == itemPromotion || li.Type == itemDiscount || li.Type == itemCredit || sku == "":
		// An item that is no product: a promotion, a credit, a custom
		// amount the shop added by hand.
		for _, part := range m.parts(li.Price, total, taxFree, field("price.calculatedTaxes")) {
			out.Adjustments = append(out.Adjustments, adjustment(strings.TrimSpace(li.Label), m.money(part.amount), part.rate))
		}
		return nil
	}
	qty, err := li.Quantity.Int64()
	if err != nil || qty <= 0 {
		m.fail(field("quantity"), "%q is not a positive whole number", li.Quantity)
		return nil
	}
	unit := m.cents(unitN, field("unitPrice"))
	if unit*qty != total {
		// A unit price rounded to the currency's interval; the line's total
		// is what the customer paid.
		if total%qty != 0 {
			m.fail(field("totalPrice"), "%s is not quantity %d × unitPrice %s", totalN, qty, unitN)
			return nil
		}
		unit = total / qty
	}
	parts := m.parts(li.Price, total, taxFree, field("price.calculatedTaxes"))
	if len(parts) > 1 {
		m.fail(field("price.calculatedTaxes"), "a product line taxed at %d rates cannot be one line", len(parts))
		return nil
	}
	out.Lines = append(out.Lines, model.OrderLine{SKU: sku, Name: strings.TrimSpace(li.Label), Quantity: model.Pieces(qty),
		UnitPrice: m.money(unit), UnitDiscount: m.money(0), VAT: parts[0].rate})
	return []int{i}
}

// part is the share of an amount taxed at one rate.
type part struct {
	amount int64
	rate   model.VATRate
}

// parts splits an amount by the rates it is taxed at: one part when there
// is one rate (or none: a tax-free price, or a rate only the tax rules
// name), else one per calculated tax, highest rate first. The last part
// takes what the others' rounded prices leave, so the parts add up to the
// amount exactly.
func (m *mapper) parts(p *wirePrice, amount int64, taxFree bool, field string) []part {
	switch {
	case taxFree:
		return []part{{amount, 0}}
	case len(p.CalculatedTaxes) == 0 && len(p.TaxRules) > 0:
		return []part{{amount, m.rate(p.TaxRules[0].TaxRate, strings.Replace(field, "calculatedTaxes", "taxRules", 1)+"[0].taxRate")}}
	case len(p.CalculatedTaxes) == 0:
		return []part{{amount, 0}}
	case len(p.CalculatedTaxes) == 1:
		return []part{{amount, m.rate(p.CalculatedTaxes[0].TaxRate, field+"[0].taxRate")}}
	}
	out := make([]part, len(p.CalculatedTaxes))
	rest := amount
	for i, t := range p.CalculatedTaxes {
		out[i].rate = m.rate(t.TaxRate, fmt.Sprintf("%s[%d].taxRate", field, i))
		if i < len(out)-1 {
			out[i].amount = m.cents(t.Price, fmt.Sprintf("%s[%d].price", field, i))
			rest -= out[i].amount
		}
	}
	out[len(out)-1].amount = rest
	return out
}

func adjustment(description string, amount model.Money, rate model.VATRate) model.Adjustment {
	kind := model.AdjustmentCost
	if amount.Amount < 0 {
		kind = model.AdjustmentDiscount
	}
	return model.Adjustment{Kind: kind, Description: description, Amount: amount, VAT: rate}
}

// shipping reads the order's shipping costs; without order.shippingCosts,
// the deliveries' add up to them.
func (m *mapper) shipping(o wireOrder, taxFree bool, out *model.Order) {
	type costs struct {
		price *wirePrice
		field string
	}
	var all []costs
	if o.ShippingCosts != nil {
		all = append(all, costs{o.ShippingCosts, "shippingCosts"})
	} else {
		for i, d := range o.Deliveries {
			if d.ShippingCosts != nil {
				all = append(all, costs{d.ShippingCosts, fmt.Sprintf("deliveries[%d].shippingCosts", i)})
			}
		}
	}
	first := true
	for _, sc := range all {
		total := m.cents(sc.price.TotalPrice, sc.field+".totalPrice")
		if total == 0 {
			continue
		}
		for _, p := range m.parts(sc.price, total, taxFree, sc.field+".calculatedTaxes") {
			if first {
				out.ShippingCost, out.ShippingVAT, first = m.money(p.amount), p.rate, false
				continue
			}
			out.Adjustments = append(out.Adjustments, adjustment(
				fmt.Sprintf("%s (%s VAT)", ShippingPartDescription, p.rate), m.money(p.amount), p.rate))
		}
	}
	if first {
		out.ShippingCost = m.money(0)
	}
}

// customer maps the order's customer: a company name on the billing
// address (or the customer's) makes a company with the customer as its
// contact; an order without a customer account (a guest's, or one created
// through the API without one) has no customer id.
func (m *mapper) customer(o wireOrder) model.Customer {
	oc := o.OrderCustomer
	if oc == nil {
		m.fail("orderCustomer", "missing")
		return model.Customer{}
	}
	bill := o.BillingAddress
	if bill == nil {
		for i := range o.Addresses {
			if o.Addresses[i].ID == o.BillingAddressID {
				bill = &o.Addresses[i]
			}
		}
	}
	if bill == nil {
		m.fail("billingAddress", "missing")
		return model.Customer{}
	}
	company := firstNonEmpty(str(bill.Company), str(oc.Company))
	c := model.Customer{
		Kind:        model.KindFor(company),
		Email:       strings.TrimSpace(oc.Email),
		Person:      model.Person{FirstName: strings.TrimSpace(firstNonEmpty(oc.FirstName, bill.FirstName)), LastName: strings.TrimSpace(firstNonEmpty(oc.LastName, bill.LastName))},
		CompanyName: company,
		Phone:       str(bill.PhoneNumber),
		Billing:     m.address(*bill, "billingAddress"),
	}
	for _, v := range append(oc.VatIDs, str(bill.VatID)) {
		if v = strings.TrimSpace(v); v != "" {
			c.VATNumber = v
			break
		}
	}
	guest := oc.Customer != nil && oc.Customer.Guest != nil && *oc.Customer.Guest
	if oc.CustomerID != nil && *oc.CustomerID != "" && !guest {
		c.ID = *oc.CustomerID
	}
	c.Shipping = c.Billing
	if d, i := primaryDelivery(o); d != nil && d.ShippingOrderAddress != nil {
		c.Shipping = m.address(*d.ShippingOrderAddress, fmt.Sprintf("deliveries[%d].shippingOrderAddress", i))
	}
	return c
}

func (m *mapper) address(a wireAddr, field string) model.Address {
	out := model.Address{
		Name:       strings.TrimSpace(strings.TrimSpace(a.FirstName) + " " + strings.TrimSpace(a.LastName)),
		Company:    str(a.Company),
		Street:     strings.TrimSpace(a.Street),
		Line2:      joinNonEmpty(", ", str(a.Department), str(a.AdditionalAddressLine1), str(a.AdditionalAddressLine2)),
		PostalCode: str(a.Zipcode),
		City:       strings.TrimSpace(a.City),
		Phone:      str(a.PhoneNumber),
	}
	if a.CountryState != nil {
		out.Region = strings.TrimSpace(a.CountryState.Name)
	}
	if a.Country == nil || len(strings.TrimSpace(a.Country.Iso)) != 2 {
		m.fail(field+".country.iso", "missing")
	} else {
		out.CountryCode = strings.ToUpper(strings.TrimSpace(a.Country.Iso))
	}
	return out
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func joinNonEmpty(sep string, vs ...string) string {
	var out []string
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	return strings.Join(out, sep)
}
