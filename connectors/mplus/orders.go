package mplus

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// FindOrder looks an order up by its extOrderId (findOrder) or, for
// KindInvoice, an invoice by its extInvoiceId (findInvoice). Not found is
// found=false, not an error.
func (c *Client) FindOrder(ctx context.Context, externalID string, kind connectors.OrderKind) (connectors.TargetOrder, bool, error) {
	switch kind {
	case connectors.KindOrder, "":
		if strings.TrimSpace(externalID) == "" {
			return connectors.TargetOrder{}, false, invalid("findOrder", "the external order id is empty")
		}
		var resp getOrderResp
		if err := c.call(ctx, "findOrder", "GetOrderResponse", findOrderReq{ExtOrderID: externalID}, &resp); err != nil {
			return connectors.TargetOrder{}, false, err
		}
		switch resp.Result {
		case getOrderOK:
			if resp.Order == nil {
				return connectors.TargetOrder{}, false, c.resultError("findOrder", resp.Result, "the answer holds no order")
			}
			return connectors.TargetOrder{ID: resp.Order.OrderID, Number: yearNumber(resp.Order.OrderNumber), Kind: connectors.KindOrder}, true, nil
		case getOrderNotFound:
			return connectors.TargetOrder{}, false, nil
		default:
			return connectors.TargetOrder{}, false, c.resultError("findOrder", resp.Result, "")
		}
	case connectors.KindInvoice:
		if strings.TrimSpace(externalID) == "" {
			return connectors.TargetOrder{}, false, invalid("findInvoice", "the external invoice id is empty")
		}
		var resp getInvoiceResp
		if err := c.call(ctx, "findInvoice", "GetInvoiceResponse", findInvoiceReq{ExtInvoiceID: externalID}, &resp); err != nil {
			return connectors.TargetOrder{}, false, err
		}
		switch resp.Result {
		case getInvoiceOK:
			if resp.Invoice == nil {
				return connectors.TargetOrder{}, false, c.resultError("findInvoice", resp.Result, "the answer holds no invoice")
			}
			return connectors.TargetOrder{ID: resp.Invoice.InvoiceID, Number: yearNumber(resp.Invoice.InvoiceNumber), Kind: connectors.KindInvoice}, true, nil
		case getInvoiceNotFound:
			return connectors.TargetOrder{}, false, nil
		default:
			return connectors.TargetOrder{}, false, c.resultError("findInvoice", resp.Result, "")
		}
	default:
		return connectors.TargetOrder{}, false, misconfigured("findOrder", "order kind %q is not one of order, invoice", kind)
	}
}

// CreateOrder writes the draft as an order (createOrder) or, for KindInvoice,
// as an invoice (saveInvoice without an invoiceId). An extOrderId/extInvoiceId
// that exists already is KindConflict.
func (c *Client) CreateOrder(ctx context.Context, d connectors.OrderDraft) (connectors.TargetOrder, error) {
	switch d.Kind {
	case connectors.KindOrder, "":
		doc, err := c.document(ctx, "createOrder", d)
		if err != nil {
			return connectors.TargetOrder{}, err
		}
		req := createOrderReq{Order: wireOrder{
			ExtOrderID:        d.ExternalID,
			EntryBranchNumber: doc.branch,
			EmployeeNumber:    doc.employee,
			RelationNumber:    doc.relation,
			DeliveryAddress:   doc.delivery,
			InvoiceAddress:    doc.invoice,
			Reference:         doc.reference,
			VatMethod:         doc.vatMethod,
			LineList:          &wireLineList{Line: doc.lines},
		}}
		var resp createOrderResp
		if err := c.call(ctx, "createOrder", "CreateOrderResponse", req, &resp); err != nil {
			return connectors.TargetOrder{}, err
		}
		if resp.Result != createOrderOK {
			return connectors.TargetOrder{}, c.resultError("createOrder", resp.Result, resp.ErrorMessage)
		}
		return connectors.TargetOrder{ID: resp.Info.OrderID, Number: resp.Info.OrderString, Kind: connectors.KindOrder}, nil
	case connectors.KindInvoice:
		doc, err := c.document(ctx, "saveInvoice", d)
		if err != nil {
			return connectors.TargetOrder{}, err
		}
		req := saveInvoiceReq{Invoice: wireInvoice{
			ExtInvoiceID:      d.ExternalID,
			InvoiceType:       invoiceTypeInvoice,
			EmployeeNumber:    doc.employee,
			RelationNumber:    doc.relation,
			DeliveryAddress:   doc.delivery,
			InvoiceAddress:    doc.invoice,
			EntryBranchNumber: doc.branch,
			Reference:         doc.reference,
			VatMethod:         doc.vatMethod,
			LineList:          &wireLineList{Line: doc.lines},
		}}
		var resp saveInvoiceResp
		if err := c.call(ctx, "saveInvoice", "SaveInvoiceResponse", req, &resp); err != nil {
			return connectors.TargetOrder{}, err
		}
		if resp.Result != saveInvoiceOK {
			return connectors.TargetOrder{}, c.resultError("saveInvoice", resp.Result, resp.ErrorMessage)
		}
		number := yearNumber(resp.Info.InvoiceNumber)
		if number == "" {
			number = resp.Info.InvoiceString
		}
		return connectors.TargetOrder{ID: resp.Info.InvoiceID, Number: number, Kind: connectors.KindInvoice}, nil
	default:
		return connectors.TargetOrder{}, misconfigured("createOrder", "order kind %q is not one of order, invoice", d.Kind)
	}
}

// document is what orders and invoices share on the wire.
type document struct {
	employee  int64
	branch    int
	relation  int64
	reference string
	vatMethod string
	invoice   *wireAddress
	delivery  *wireAddress
	lines     []wireLine
}

// document checks the draft and maps it; everything that can be wrong with our
// own data is reported before anything is written.
func (c *Client) document(ctx context.Context, op string, d connectors.OrderDraft) (document, error) {
	var doc document
	o := d.Order
	if strings.TrimSpace(d.ExternalID) == "" {
		return doc, invalid(op, "the draft has no external id (extOrderId); it is the key that keeps the order from being written twice")
	}
	emp := strings.TrimSpace(d.Employee)
	if emp == "" {
		return doc, misconfigured(op, "no employee number; set flows.orders.employeeNumber (MplusKASSA books every order on an employee, usually 999999)")
	}
	var err error
	if doc.employee, err = strconv.ParseInt(emp, 10, 64); err != nil || doc.employee <= 0 {
		return doc, misconfigured(op, "employee number %q is not a positive whole number; fix flows.orders.employeeNumber", d.Employee)
	}
	if b := strings.TrimSpace(d.Branch); b != "" {
		n, err := strconv.Atoi(b)
		if err != nil || n <= 0 {
			return doc, misconfigured(op, "branch %q is not a MplusKASSA branch number; fix flows.orders.branch", d.Branch)
		}
		doc.branch = n
	}
	if r := strings.TrimSpace(d.CustomerID); r != "" {
		if doc.relation, err = strconv.ParseInt(r, 10, 64); err != nil || doc.relation <= 0 {
			return doc, invalid(op, "customer id %q is not a MplusKASSA relation number", d.CustomerID)
		}
	}
	if len(o.Lines) == 0 {
		return doc, invalid(op, "order %s has no lines", orderName(o))
	}

	var missing []string
	articles := make([]int64, len(o.Lines))
	rates := make([]model.VATRate, 0, len(o.Lines))
	for i, l := range o.Lines {
		if l.Quantity == 0 {
			return doc, invalid(op, "order %s line %d (%s) has quantity 0", orderName(o), i+1, l.SKU)
		}
		id := strings.TrimSpace(d.ProductIDs[l.SKU])
		n, err := strconv.ParseInt(id, 10, 64)
		if id == "" || err != nil || n <= 0 {
			missing = append(missing, l.SKU)
			continue
		}
		articles[i] = n
		rates = append(rates, l.VAT)
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return doc, invalid(op, "order %s has no MplusKASSA articleNumber for SKU %s; look the products up before writing the order",
			orderName(o), strings.Join(dedupe(missing), ", "))
	}
	lines := o.Lines
	if ship, article, ok, err := c.shippingLine(ctx, op, o); err != nil {
		return doc, err
	} else if ok {
		lines = append(append(make([]model.OrderLine, 0, len(lines)+1), lines...), ship)
		articles = append(articles, article)
		rates = append(rates, ship.VAT)
	}
	codes, err := c.vatCodes(ctx, op, rates, doc.branch)
	if err != nil {
		return doc, err
	}

	doc.vatMethod = vatMethodExclusive
	if o.PricesIncludeVAT {
		doc.vatMethod = vatMethodInclusive
	}
	doc.lines = make([]wireLine, len(lines))
	for i, l := range lines {
		doc.lines[i] = mapLine(l, o.PricesIncludeVAT, articles[i], codes[l.VAT])
	}
	doc.reference = o.Number
	if doc.reference == "" {
		doc.reference = o.ID
	}
	doc.invoice = mapAddress(o.Customer.Billing, o.Customer)
	doc.delivery = mapAddress(o.Customer.Shipping, o.Customer)
	return doc, nil
}

// shippingLine turns the order's shipping costs into a line on the
// configured shipping article (Config.ShippingPLU), priced like the other
// lines (incl. or excl. VAT as the order says) at the order's ShippingVAT.
// No shipping article configured or no shipping costs: no line.
func (c *Client) shippingLine(ctx context.Context, op string, o model.Order) (model.OrderLine, int64, bool, error) {
	plu := c.cfg.ShippingPLU
	if plu == "" || o.ShippingCost.Amount == 0 {
		return model.OrderLine{}, 0, false, nil
	}
	ids, err := c.LookupProducts(ctx, []string{plu})
	if err != nil {
		return model.OrderLine{}, 0, false, err
	}
	article, perr := strconv.ParseInt(ids[plu], 10, 64)
	if perr != nil || article <= 0 {
		return model.OrderLine{}, 0, false, invalid(op, "order %s has shipping costs of %s, but the shipping article (pluNumber %s) does not exist in MplusKASSA; create it there or fix the shipping PLU setting",
			orderName(o), o.ShippingCost, plu)
	}
	text := strings.TrimSpace(c.cfg.ShippingText)
	if text == "" {
		text = strings.TrimSpace(o.ShippingMethod)
	}
	if text == "" {
		text = "Verzendkosten"
	}
	return model.OrderLine{SKU: plu, Name: text, Quantity: model.Pieces(1), UnitPrice: o.ShippingCost, VAT: o.ShippingVAT}, article, true, nil
}

// mapLine maps one order line. Prices are cents (xsd:long).
//
// The sell price goes in price (incl. VAT, VAT-METHOD-INCLUSIVE) or priceExcl
// (excl. VAT, VAT-METHOD-EXCLUSIVE): it is the unit price after the discount,
// so the line total MplusKASSA computes (price × quantity) is what the
// customer paid. A discount is added as information on top: originalPrice(Excl)
// = the unit price before the discount, discountType = EXTERNAL-DISCOUNT and
// discountAmount(Excl) = the discount of the whole line (unit discount ×
// quantity). Whether MplusKASSA reads discountAmount per unit or per line is
// not documented [A]; the totals do not depend on it.
//
// The quantity goes as hundredths (decimalPlaces 2, the API's default), or as
// thousandths (decimalPlaces 3) when hundredths would lose precision.
func mapLine(l model.OrderLine, inclusive bool, article int64, vatCode int) wireLine {
	qty, dp := wireQuantity(l.Quantity)
	unit := l.UnitPrice.Amount
	net := l.NetUnitPrice().Amount
	data := wireLineData{Quantity: qty, DecimalPlaces: dp, VatCode: ptr(vatCode)}
	if inclusive {
		data.Price = ptr(net)
	} else {
		data.PriceExcl = ptr(net)
	}
	if l.UnitDiscount.Amount != 0 {
		lineDiscount := l.UnitDiscount.Mul(l.Quantity).Amount
		data.DiscountType = discountTypeExternal
		if inclusive {
			data.OriginalPrice = ptr(unit)
			data.DiscountAmount = ptr(lineDiscount)
		} else {
			data.OriginalPriceExcl = ptr(unit)
			data.DiscountAmountExcl = ptr(lineDiscount)
		}
	}
	return wireLine{ArticleNumber: article, PluNumber: l.SKU, Text: l.Name, Data: data}
}

// wireQuantity renders a quantity (thousandths) as value plus decimalPlaces.
func wireQuantity(q model.Quantity) (int64, int) {
	if int64(q)%10 == 0 {
		return q.Scaled(2), 2
	}
	return q.Scaled(3), 3
}

// mapAddress renders an address for an order or invoice: a company's address
// is named after the company with the person as contact.
func mapAddress(a model.Address, c model.Customer) *wireAddress {
	if a.IsZero() {
		return nil
	}
	person := strings.TrimSpace(a.Name)
	if person == "" {
		person = c.Person.FullName()
	}
	company := strings.TrimSpace(a.Company)
	if company == "" && c.Kind == model.CustomerCompany {
		company = strings.TrimSpace(c.CompanyName)
	}
	w := &wireAddress{Name: person, Address: a.StreetLine(), Zipcode: a.PostalCode, City: a.City, Country: a.CountryCode}
	if company != "" {
		w.Name, w.CompanyName, w.Contact = company, company, person
	}
	return w
}

// yearNumber renders an order or invoice number as year-number [A: the shape
// of MplusKASSA's own orderString is not documented].
func yearNumber(y *wireYearNumber) string {
	if y == nil || (y.Year == 0 && y.Number == 0) {
		return ""
	}
	return fmt.Sprintf("%d-%d", y.Year, y.Number)
}

func orderName(o model.Order) string {
	if o.Number != "" {
		return o.Number
	}
	return o.ID
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }
