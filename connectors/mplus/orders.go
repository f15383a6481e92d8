package mplus

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

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
//
// Beside the lines: the draft's PaymentMethod and ShippingMethod go in the
// order's paymentMethod and deliveryMethod (an Invoice has neither element,
// so an invoice does not carry them); PaymentTermDays makes an invoice's
// dueDate; Extra["reference"] replaces the reference (the order number by
// default). Accounting sets every line's vatCode and turnoverGroup.
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
			DeliveryMethod:    strings.TrimSpace(d.ShippingMethod),
			PaymentMethod:     strings.TrimSpace(d.PaymentMethod),
			LineList:          &wireLineList{Line: doc.lines},
		}}
		var resp createOrderResp
		if err := c.call(ctx, "createOrder", "CreateOrderResponse", req, &resp); err != nil {
			return connectors.TargetOrder{}, err
		}
		if resp.Result != createOrderOK {
			return connectors.TargetOrder{}, c.resultError("createOrder", resp.Result, resp.ErrorMessage, d.Order.Customer.PersonalTexts()...)
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
			DueDate:           c.dueDate(d.PaymentTermDays),
			VatMethod:         doc.vatMethod,
			LineList:          &wireLineList{Line: doc.lines},
		}}
		var resp saveInvoiceResp
		if err := c.call(ctx, "saveInvoice", "SaveInvoiceResponse", req, &resp); err != nil {
			return connectors.TargetOrder{}, err
		}
		if resp.Result != saveInvoiceOK {
			return connectors.TargetOrder{}, c.resultError("saveInvoice", resp.Result, resp.ErrorMessage, d.Order.Customer.PersonalTexts()...)
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
	doc.employee, doc.branch = c.cfg.OrderEmployee, c.cfg.OrderBranch
	if r := strings.TrimSpace(d.CustomerID); r != "" {
		var err error
		if doc.relation, err = strconv.ParseInt(r, 10, 64); err != nil || doc.relation <= 0 {
			return doc, invalid(op, "customer id %q is not a MplusKASSA relation number", d.CustomerID)
		}
	}
	if len(o.Lines) == 0 {
		return doc, invalid(op, "order %s has no lines", orderName(o))
	}

	turnover, err := turnoverGroup(op, d.Accounting.RevenueAccount)
	if err != nil {
		return doc, err
	}
	var missing []string
	articles := make([]int64, len(o.Lines))
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
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return doc, invalid(op, "order %s has no MplusKASSA articleNumber for SKU %s; look the products up before writing the order",
			orderName(o), strings.Join(dedupe(missing), ", "))
	}
	extra, extraArticles, err := c.extraLines(ctx, op, o)
	if err != nil {
		return doc, err
	}
	lines := append(append(make([]model.OrderLine, 0, len(o.Lines)+len(extra)), o.Lines...), extra...)
	articles = append(articles, extraArticles...)
	codes, err := c.lineVATCodes(ctx, op, lines, d.Accounting, doc.branch)
	if err != nil {
		return doc, err
	}

	doc.vatMethod = vatMethodExclusive
	if o.PricesIncludeVAT {
		doc.vatMethod = vatMethodInclusive
	}
	doc.lines = make([]wireLine, len(lines))
	for i, l := range lines {
		doc.lines[i] = mapLine(l, o.PricesIncludeVAT, articles[i], codes[l.VAT], turnover)
	}
	doc.reference = o.Number
	if doc.reference == "" {
		doc.reference = o.ID
	}
	if r := strings.TrimSpace(d.Extra["reference"]); r != "" {
		doc.reference = r
	}
	doc.invoice = mapAddress(o.Customer.Billing, o.Customer)
	doc.delivery = mapAddress(o.Customer.Shipping, o.Customer)
	return doc, nil
}

// extraLine is a line the order carries as an amount, not as a product:
// shipping costs, a discount, a cost.
type extraLine struct {
	line   model.OrderLine
	option string // the setting that names the article
	what   string // for messages: "shipping costs of 4.95 EUR"
}

// extraLines turns the order's shipping costs and adjustments into lines on
// the articles the config names, priced like the other lines (incl. or
// excl. VAT as the order says), quantity 1, each at its own VAT rate:
// shipping on Config.ShippingPLU (no article configured: shipping is not
// written, as a mapping may already have made it a line), a discount on
// Config.DiscountPLU and a cost on Config.CostsPLU. An adjustment with no
// article configured fails the order (KindConfig): its money must not be
// left out. Zero amounts make no line.
func (c *Client) extraLines(ctx context.Context, op string, o model.Order) ([]model.OrderLine, []int64, error) {
	var extra []extraLine
	if c.cfg.ShippingPLU != "" && o.ShippingCost.Amount != 0 {
		text := strings.TrimSpace(c.cfg.ShippingText)
		if text == "" {
			text = strings.TrimSpace(o.ShippingMethod)
		}
		if text == "" {
			text = "Verzendkosten"
		}
		extra = append(extra, extraLine{option: "shippingPLU", what: "shipping costs of " + o.ShippingCost.String(),
			line: model.OrderLine{SKU: c.cfg.ShippingPLU, Name: text, Quantity: model.Pieces(1), UnitPrice: o.ShippingCost, VAT: o.ShippingVAT}})
	}
	for _, a := range o.Adjustments {
		if a.Amount.Amount == 0 {
			continue
		}
		var plu, option, text string
		switch a.Kind {
		case model.AdjustmentDiscount:
			plu, option, text = c.cfg.DiscountPLU, "discountPLU", "Korting"
		case model.AdjustmentCost:
			plu, option, text = c.cfg.CostsPLU, "costsPLU", "Kosten"
		default:
			return nil, nil, invalid(op, "order %s has an adjustment of kind %q; it must be %s or %s",
				orderName(o), a.Kind, model.AdjustmentDiscount, model.AdjustmentCost)
		}
		what := fmt.Sprintf("%s of %s", a.Kind, a.Amount)
		if d := strings.TrimSpace(a.Description); d != "" {
			text = d
			what += fmt.Sprintf(" (%s)", d)
		}
		if plu == "" {
			return nil, nil, misconfigured(op, "order %s has a %s, but no article to book it on; set the target option %s to the pluNumber of a MplusKASSA article for %ss",
				orderName(o), what, option, a.Kind)
		}
		extra = append(extra, extraLine{option: option, what: what,
			line: model.OrderLine{SKU: plu, Name: text, Quantity: model.Pieces(1), UnitPrice: a.Amount, VAT: a.VAT}})
	}
	if len(extra) == 0 {
		return nil, nil, nil
	}
	plus := make([]string, len(extra))
	for i, e := range extra {
		plus[i] = e.line.SKU
	}
	ids, err := c.LookupProducts(ctx, plus)
	if err != nil {
		return nil, nil, err
	}
	lines := make([]model.OrderLine, len(extra))
	articles := make([]int64, len(extra))
	for i, e := range extra {
		n, perr := strconv.ParseInt(ids[e.line.SKU], 10, 64)
		if perr != nil || n <= 0 {
			return nil, nil, invalid(op, "order %s has %s, but its article (pluNumber %s) does not exist in MplusKASSA; create it there or fix the %s option",
				orderName(o), e.what, e.line.SKU, e.option)
		}
		lines[i], articles[i] = e.line, n
	}
	return lines, articles, nil
}

// lineVATCodes returns the vatCode of every line's rate: the one the
// draft's accounting names for it (by country), else the VAT group of that
// rate (vatCodes).
func (c *Client) lineVATCodes(ctx context.Context, op string, lines []model.OrderLine, acc connectors.LineAccounting, branch int) (map[model.VATRate]int, error) {
	codes := map[model.VATRate]int{}
	var rest []model.VATRate
	for _, l := range lines {
		if _, done := codes[l.VAT]; done {
			continue
		}
		code := strings.TrimSpace(acc.CodeFor(l.VAT))
		if code == "" {
			rest = append(rest, l.VAT)
			continue
		}
		n, err := strconv.Atoi(code)
		if err != nil || n < 0 {
			return nil, misconfigured(op, "VAT code %q (for rate %s) is not a MplusKASSA vatCode, a whole number from its VAT groups; fix the VAT codes in the integration's country settings",
				code, l.VAT)
		}
		codes[l.VAT] = n
	}
	if len(rest) > 0 {
		found, err := c.vatCodes(ctx, op, rest, branch)
		if err != nil {
			return nil, err
		}
		for r, n := range found {
			codes[r] = n
		}
	}
	return codes, nil
}

// turnoverGroup reads the revenue account of the draft's accounting as a
// MplusKASSA turnover group (a whole number); "" is none.
func turnoverGroup(op, account string) (*int, error) {
	account = strings.TrimSpace(account)
	if account == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(account)
	if err != nil || n <= 0 {
		return nil, misconfigured(op, "revenue account %q is not a MplusKASSA turnover group, a whole number; fix the revenue account in the integration's country settings", account)
	}
	return &n, nil
}

// dueDate is an invoice's due date: the financial date MplusKASSA gives an
// invoice that is saved without one (today, in Amsterdam [I]) plus the
// payment term; nil without a term.
func (c *Client) dueDate(days int) *wireDate {
	if days <= 0 {
		return nil
	}
	t := c.now().In(businessZone).AddDate(0, 0, days)
	return &wireDate{Day: t.Day(), Mon: int(t.Month()), Year: t.Year()}
}

// businessZone is MplusKASSA's default business time zone (research §2.4);
// UTC when the system has no zone database.
var businessZone = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		return loc
	}
	return time.UTC
}()

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
// turnoverGroup is the accounting's revenue account (nil: the article's own).
func mapLine(l model.OrderLine, inclusive bool, article int64, vatCode int, turnover *int) wireLine {
	qty, dp := wireQuantity(l.Quantity)
	unit := l.UnitPrice.Amount
	net := l.NetUnitPrice().Amount
	data := wireLineData{Quantity: qty, DecimalPlaces: dp, VatCode: ptr(vatCode), TurnoverGroup: turnover}
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

// Currency is the currency MplusKASSA books in (Config.Currency); an order
// in another fails before anything is written.
func (c *Client) Currency() string { return c.cfg.Currency }

// BookedTotal is what the till's document adds up to once CreateOrder
// writes d: the order's lines, shipping costs only when shippingPLU books
// them, and every adjustment, each line priced as MplusKASSA takes it
// (net unit price × quantity, VAT added per line to prices without it
// [A: MplusKASSA's own rounding of exclusive prices is not documented]).
func (c *Client) BookedTotal(_ context.Context, d connectors.OrderDraft) (model.Money, error) {
	o := d.Order
	lines := append([]model.OrderLine{}, o.Lines...)
	if c.cfg.ShippingPLU != "" && o.ShippingCost.Amount != 0 {
		lines = append(lines, model.OrderLine{Quantity: model.Pieces(1), UnitPrice: o.ShippingCost, VAT: o.ShippingVAT})
	}
	for _, a := range o.Adjustments {
		lines = append(lines, model.OrderLine{Quantity: model.Pieces(1), UnitPrice: a.Amount, VAT: a.VAT})
	}
	return model.LinesTotal(lines, o.PricesIncludeVAT, o.Currency), nil
}

var (
	_ connectors.CurrencyTarget = (*Client)(nil)
	_ connectors.TotalBooker    = (*Client)(nil)
)
