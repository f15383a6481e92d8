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

// The shop's JSON is built here from field names as the API documents them
// (research §1.6), apart from the client's decoding structs, so that a wrong
// name on either side shows up in the tests.

func money(m model.Money) json.Number { return json.Number(model.FormatMinor(m.Amount, 2)) }

// statusLabels are the shop's order statuses by code (research §1.7).
var statusLabels = []string{"", "New", "In process", "Wait for manufacturer", "Wait for payment", "Sent", "Delivered",
	"Completed", "Cancelled", "Wait for supplier", "Is being packaged", "Ready to be collected", "Is being assembled",
	"Backorder", "Reserved"}

// codeFor is the shop's status code a seeded order with a canonical status
// gets: the code a shop owner would set for it.
func codeFor(st model.OrderStatus) int {
	switch st {
	case model.StatusShipped:
		return 5
	case model.StatusCompleted:
		return 7
	case model.StatusCancelled, model.StatusRefunded:
		return 8
	case model.StatusProcessing:
		return 2
	}
	return 1
}

func href(r *http.Request, path string) string {
	return origin(r) + ccvshop.APIPath + path
}

// orderJSON renders an order as the flavour and the request's media type
// show it: the webshop order, with a POS sale's fields for a SalesPOS
// request (pos.go).
func (s *Sim) orderJSON(r *http.Request, so storedOrder) map[string]any {
	out := webshopOrderJSON(r, so)
	if s.o.SalesPOS && acceptsPOS(r) {
		addPOSFields(r, so, out)
	}
	return out
}

// numberParts splits an order's number into ordernumber_prefix and
// ordernumber (null until the order is completed, §1.6.1).
func numberParts(so storedOrder) (prefix, number any) {
	if so.Unfinished {
		return nil, nil
	}
	o := so.Order
	if n, err := strconv.ParseInt(o.Number, 10, 64); err == nil {
		number = n
	} else if i := strings.LastIndex(o.Number, "-"); i > 0 {
		prefix = o.Number[:i]
		if n, err := strconv.ParseInt(o.Number[i+1:], 10, 64); err == nil {
			number = n
		}
	}
	return prefix, number
}

func webshopOrderJSON(r *http.Request, so storedOrder) map[string]any {
	o := so.Order
	prefix, number := numberParts(so)
	var rowsTotal, rowDiscounts, tax int64
	for _, l := range o.Lines {
		rowsTotal += l.LineTotal().Amount
		rowDiscounts += l.UnitDiscount.Mul(l.Quantity).Amount
		tax += lineTax(l.LineTotal().Amount, l.VAT, o.PricesIncludeVAT)
	}
	shippingIncl := o.PricesIncludeVAT
	if so.ShippingIncluded != nil {
		shippingIncl = *so.ShippingIncluded
	}
	tax += lineTax(o.ShippingCost.Amount, o.ShippingVAT, shippingIncl)
	var status any
	if so.Code > 0 {
		status = so.Code
	}
	user := map[string]any{"id": nil, "href": nil, "discount_percentage": 0}
	if id, err := strconv.ParseInt(o.Customer.ID, 10, 64); err == nil {
		user["id"], user["href"] = id, href(r, fmt.Sprintf("/users/%d/", id))
	}
	cur := o.Currency
	if cur == "" {
		cur = "EUR"
	}
	extra := adjustmentsJSON(o.Adjustments)
	if so.ExtraCostsText != "" {
		extra.description = so.ExtraCostsText
	}
	var reservation any
	if so.Reservation != "" {
		reservation = so.Reservation
	}
	return map[string]any{
		"id":                         so.ID,
		"href":                       href(r, fmt.Sprintf("/orders/%d/", so.ID)),
		"ordernumber_prefix":         prefix,
		"ordernumber":                number,
		"ordernumber_full":           orderNumberFull(so),
		"invoicenumber":              nil,
		"transaction_id":             nil,
		"create_date":                o.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"),
		"deliver_method":             o.ShippingMethod,
		"deliver_date":               nil,
		"orderedinlng":               "nl",
		"status":                     status,
		"is_completed":               !so.Unfinished,
		"paid":                       o.Paid,
		"paymethod_id":               1,
		"paymethod":                  o.PaymentMethod,
		"paymethod_label":            o.PaymentMethod,
		"taxes_included":             o.PricesIncludeVAT,
		"order_row_taxes_included":   o.PricesIncludeVAT,
		"shipping_taxes_included":    shippingIncl,
		"shipping_tax_percentage":    json.Number(model.FormatMinor(int64(o.ShippingVAT), 2)),
		"is_intra_community_order":   false,
		"is_platform_sale":           false,
		"total_orderrow_price":       json.Number(model.FormatMinor(rowsTotal, 2)),
		"total_shipping":             money(o.ShippingCost),
		"total_discounts":            json.Number(model.FormatMinor(rowDiscounts+extra.orderDiscount, 2)),
		"total_price":                money(o.Total),
		"total_tax":                  json.Number(model.FormatMinor(tax, 2)),
		"currency":                   cur,
		"extra_costs":                extra.costs,
		"extra_costs_description":    extra.description,
		"paymethod_costs":            extra.paymethod,
		"credit_point_discount":      extra.creditPoints,
		"extra_payment_option":       extra.paymentOption,
		"extra_payment_option_price": extra.paymentOptionPrice,
		"extra_price":                extra.extraPrice,
		"track_and_trace_code":       "",
		"reservationnumber":          reservation,
		"user":                       user,
		"customer":                   customerJSON(o.Customer),
		"orderrows":                  map[string]any{"href": href(r, fmt.Sprintf("/orders/%d/orderrows/", so.ID))},
	}
}

type orderExtras struct {
	costs, paymethod, creditPoints, paymentOptionPrice, extraPrice json.Number
	description, paymentOption                                     string // paymentOption: the option's name, none in seeded orders
	orderDiscount                                                  int64  // positive: taken off
}

func orderNumberFull(so storedOrder) any {
	if so.Unfinished {
		return nil
	}
	return so.Order.Number
}

// adjustmentsJSON renders an order's adjustments as the shop's fields, the
// way the client reads them back, by their description: the
// ccvshop.*Description texts go to paymethod_costs, credit_point_discount
// (a positive amount taken off), extra_payment_option_price, extra_price
// and, for a discount, the part of total_discounts the rows do not explain;
// any other is extra_costs (several are summed and their descriptions joined).
func adjustmentsJSON(adj []model.Adjustment) orderExtras {
	var costs, paymethod, credit, option, extraPrice, discount int64
	var descriptions []string
	for _, a := range adj {
		switch {
		case a.Description == ccvshop.PaymentCostsDescription:
			paymethod += a.Amount.Amount
		case a.Description == ccvshop.CreditPointsDescription:
			credit -= a.Amount.Amount
		case a.Description == ccvshop.ExtraPriceDescription:
			extraPrice += a.Amount.Amount
		case a.Description == ccvshop.OrderDiscountDescription && a.Kind == model.AdjustmentDiscount:
			discount -= a.Amount.Amount
		case a.Description == ccvshop.ExtraPaymentOptionDescription:
			option += a.Amount.Amount
		default:
			costs += a.Amount.Amount
			if a.Description != ccvshop.ExtraCostsDescription && a.Description != "" {
				descriptions = append(descriptions, a.Description)
			}
		}
	}
	return orderExtras{costs: cents2(costs), paymethod: cents2(paymethod), creditPoints: cents2(credit),
		paymentOptionPrice: cents2(option), extraPrice: cents2(extraPrice),
		orderDiscount: discount, description: strings.Join(descriptions, ", ")}
}

// lineTax is the VAT in an amount, rounded half up to the cent.
func lineTax(amount int64, vat model.VATRate, inclusive bool) int64 {
	if inclusive {
		return amount - (amount*10000*2+(10000+int64(vat)))/(2*(10000+int64(vat)))
	}
	return (amount*int64(vat)*2 + 10000) / 20000
}

func customerJSON(c model.Customer) map[string]any {
	kind := "b2c"
	if c.Kind == model.CustomerCompany {
		kind = "b2b"
	}
	billing := addressJSON(c.Billing, c)
	billing["first_name"], billing["last_name"] = c.Person.FirstName, c.Person.LastName
	billing["fax"] = ""
	return map[string]any{
		"billingaddress":  billing,
		"deliveryaddress": addressJSON(c.Shipping, c),
		"email":           c.Email,
		"customertype":    kind,
		"btw":             c.VATNumber,
		"kvk":             c.CoCNumber,
		"iban":            "",
		"reference":       "",
	}
}

func addressJSON(a model.Address, c model.Customer) map[string]any {
	var house any = a.HouseNumber
	if n, err := strconv.Atoi(a.HouseNumber); err == nil {
		house = n
	} else if a.HouseNumber == "" {
		house = nil
	}
	phone := a.Phone
	if phone == "" {
		phone = c.Phone
	}
	return map[string]any{
		"gender":             "",
		"initials":           "",
		"full_name":          a.Name,
		"company":            a.Company,
		"address_line_1":     "",
		"address_line_2":     a.Line2,
		"street":             a.Street,
		"housenumber":        house,
		"housenumber_suffix": a.HouseNumberSuffix,
		"zipcode":            a.PostalCode,
		"city":               a.City,
		"province":           a.Region,
		"country":            countryName(a.CountryCode),
		"country_code":       a.CountryCode,
		"telephone":          phone,
		"mobile":             c.Mobile,
		"comment":            "",
	}
}

func countryName(code string) string {
	switch code {
	case "NL":
		return "Nederland"
	case "BE":
		return "België"
	case "DE":
		return "Duitsland"
	}
	return code
}

func rowJSON(r *http.Request, so storedOrder, i int) map[string]any {
	l := so.Order.Lines[i]
	return map[string]any{
		"id":                     so.RowIDs[i],
		"href":                   href(r, fmt.Sprintf("/orderrows/%d/", so.RowIDs[i])),
		"order_id":               so.ID,
		"product_type":           "product",
		"product_id":             nil,
		"product_name":           l.Name,
		"product_number":         l.SKU,
		"sub_product_number":     "",
		"sub_sku_number":         "",
		"sub_ean_number":         l.EAN,
		"count":                  json.Number(l.Quantity.String()),
		"price":                  money(l.UnitPrice),
		"discount":               money(l.UnitDiscount),
		"tax":                    json.Number(model.FormatMinor(int64(l.VAT), 2)),
		"unit":                   "",
		"weight":                 0,
		"memo":                   "",
		"selling_price":          money(l.NetUnitPrice()),
		"original_price":         money(l.UnitPrice),
		"price_without_discount": money(l.UnitPrice),
		"total_price":            money(l.LineTotal()),
		"attributes":             []any{},
	}
}
