package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/koppel/koppel/model"
)

// findOrder looks an order up by extOrderId (GetOrderResponse).
func (s *Sim) findOrder(r *request) (any, error) {
	var in findOrderIn
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if in.ExtOrderID == nil {
		return nil, required("extOrderId")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	o := s.st.orderByExt[*in.ExtOrderID]
	if o == nil {
		return getOrderOut{Result: getOrderNotFound}, nil
	}
	out := s.orderOut(o)
	return getOrderOut{Result: getOrderOK, Order: &out}, nil
}

// createOrder stores a new order. A taken extOrderId answers
// CREATE-ORDER-RESULT-EXT-ORDER-ID-ALREADY-EXISTS (research §2.9); missing or
// unknown employee, branch, relation, article or VAT code answer
// CREATE-ORDER-RESULT-FAILED with a message naming each field.
func (s *Sim) createOrder(r *request) (any, error) {
	var in createOrderIn
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if in.Order == nil {
		return createOrderOut{Result: createOrderFailed, ErrorMessage: "the request holds no order"}, nil
	}
	o := in.Order
	if o.OrderID == nil {
		return nil, required("orderId")
	}
	if err := checkLines(o.LineList); err != nil {
		return nil, err
	}
	doc := documentIn{employee: o.EmployeeNumber, branch: o.EntryBranchNumber, relation: o.RelationNumber,
		delivery: o.DeliveryAddress, invoice: o.InvoiceAddress, reference: o.Reference, vatMethod: o.VatMethod, lines: o.LineList,
		paymentMethod: o.PaymentMethod, deliveryMethod: o.DeliveryMethod}

	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	ext := deref(o.ExtOrderID)
	if ext != "" && st.orderByExt[ext] != nil {
		return createOrderOut{Result: createOrderExtExists,
			ErrorMessage: fmt.Sprintf("an order with extOrderId %q already exists", ext)}, nil
	}
	id := strings.TrimSpace(deref(o.OrderID))
	if id != "" && st.orderByID[id] != nil {
		return createOrderOut{Result: createOrderFailed, ErrorMessage: fmt.Sprintf("orderId %q already exists", id)}, nil
	}
	orderType := deref(o.OrderType)
	if orderType == "" {
		orderType = orderTypeSales
	}
	rec, problems := s.buildDocument(doc)
	if len(problems) > 0 {
		return createOrderOut{Result: createOrderFailed, ErrorMessage: strings.Join(problems, "; ")}, nil
	}
	if id == "" {
		id = newUUID()
	}
	now := s.now()
	st.NextOrderNumber++
	rec.ID, rec.ExtOrderID, rec.Type = id, ext, orderType
	rec.Year, rec.Number = now.In(amsterdam).Year(), st.NextOrderNumber
	rec.CreatedAt, rec.SyncMarker = now, st.nextOrderMarker()
	st.Orders = append(st.Orders, rec)
	st.orderByID[id] = rec
	if ext != "" {
		st.orderByExt[ext] = rec
	}
	return createOrderOut{Result: createOrderOK, Info: createOrderInfoOut{OrderID: id, OrderString: rec.NumberString()}}, nil
}

// findInvoice looks an invoice up by extInvoiceId (GetInvoiceResponse).
func (s *Sim) findInvoice(r *request) (any, error) {
	var in findInvoiceIn
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if in.ExtInvoiceID == nil {
		return nil, required("extInvoiceId")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	o := s.st.invoiceByExt[*in.ExtInvoiceID]
	if o == nil {
		return getInvoiceOut{Result: getInvoiceNotFound}, nil
	}
	out := s.invoiceOut(o)
	return getInvoiceOut{Result: getInvoiceOK, Invoice: &out}, nil
}

// saveInvoice creates an invoice (no invoiceId) or replaces the content of an
// existing one (its invoiceId). extInvoiceId is unique like extOrderId.
func (s *Sim) saveInvoice(r *request) (any, error) {
	var in saveInvoiceIn
	if err := r.decode(&in); err != nil {
		return nil, err
	}
	if in.Invoice == nil {
		return nil, required("invoice")
	}
	inv := in.Invoice
	if err := checkLines(inv.LineList); err != nil {
		return nil, err
	}
	doc := documentIn{employee: inv.EmployeeNumber, branch: inv.EntryBranchNumber, relation: inv.RelationNumber,
		delivery: inv.DeliveryAddress, invoice: inv.InvoiceAddress, reference: inv.Reference, vatMethod: inv.VatMethod, lines: inv.LineList,
		dueDate: inv.DueDate}

	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	id := strings.TrimSpace(deref(inv.InvoiceID))
	var existing *Order
	if id != "" {
		if existing = st.invoiceByID[id]; existing == nil {
			return saveInvoiceOut{Result: saveInvoiceNotFound, ErrorMessage: fmt.Sprintf("no invoice with invoiceId %q", id)}, nil
		}
	}
	ext := deref(inv.ExtInvoiceID)
	if existing != nil && inv.ExtInvoiceID == nil {
		ext = existing.ExtOrderID
	}
	if other := st.invoiceByExt[ext]; ext != "" && other != nil && other != existing {
		return saveInvoiceOut{Result: saveInvoiceExtExists,
			ErrorMessage: fmt.Sprintf("an invoice with extInvoiceId %q already exists", ext)}, nil
	}
	invType := deref(inv.InvoiceType)
	if invType == "" {
		invType = invoiceTypeInvoice
	}
	rec, problems := s.buildDocument(doc)
	if !strings.HasPrefix(invType, "INVOICE-TYPE-") {
		problems = append(problems, fmt.Sprintf("invoiceType %q is not an INVOICE-TYPE-… value", invType))
	}
	if len(problems) > 0 {
		return saveInvoiceOut{Result: saveInvoiceFailed, ErrorMessage: strings.Join(problems, "; ")}, nil
	}
	now := s.now()
	rec.ExtOrderID, rec.Type, rec.SyncMarker = ext, invType, st.nextInvoiceMarker()
	if existing != nil {
		rec.ID, rec.Year, rec.Number, rec.CreatedAt = existing.ID, existing.Year, existing.Number, existing.CreatedAt
		if existing.ExtOrderID != "" {
			delete(st.invoiceByExt, existing.ExtOrderID)
		}
		*existing = *rec
		rec = existing
	} else {
		st.NextInvoiceNumber++
		rec.ID = newUUID()
		rec.Year, rec.Number, rec.CreatedAt = now.In(amsterdam).Year(), st.NextInvoiceNumber, now
		st.Invoices = append(st.Invoices, rec)
		st.invoiceByID[rec.ID] = rec
	}
	if ext != "" {
		st.invoiceByExt[ext] = rec
	}
	num := yearNumberOut{Year: rec.Year, Number: rec.Number}
	return saveInvoiceOut{Result: saveInvoiceOK,
		Info: saveInvoiceInfoOut{InvoiceID: rec.ID, InvoiceString: rec.NumberString(), InvoiceNumber: &num}}, nil
}

// documentIn is what orders and invoices share.
type documentIn struct {
	employee  *int64
	branch    *int
	relation  *int64
	delivery  *addressIn
	invoice   *addressIn
	reference *string
	vatMethod *string
	lines     *lineListIn
	// paymentMethod and deliveryMethod are order elements, dueDate an invoice one.
	paymentMethod, deliveryMethod *string
	dueDate                       *soapDate
}

// checkLines enforces the schema's required line elements (a SOAP Fault,
// as a schema-validating server answers).
func checkLines(l *lineListIn) error {
	if l == nil {
		return nil
	}
	for _, line := range l.Line {
		if line.ArticleNumber == nil {
			return required("articleNumber")
		}
		if line.Data != nil && line.Data.Quantity == nil {
			return required("quantity")
		}
	}
	return nil
}

// buildDocument validates the business rules and computes prices and totals.
// It returns every problem at once, each naming its field. Callers hold s.mu.
func (s *Sim) buildDocument(d documentIn) (*Order, []string) {
	st := s.st
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	rec := &Order{}

	switch {
	case d.employee == nil || *d.employee == 0:
		add("employeeNumber is required: every order is booked on an existing employee")
	default:
		if _, ok := st.employees[*d.employee]; !ok {
			add("employeeNumber %d is not an existing employee (known: %v)", *d.employee, sortedKeys(st.employees))
		}
		rec.EmployeeNumber = *d.employee
	}
	rec.BranchNumber = DefaultBranch
	if d.branch != nil && *d.branch != 0 {
		if !st.branches[*d.branch] {
			add("entryBranchNumber %d is not an existing branch", *d.branch)
		}
		rec.BranchNumber = int64(*d.branch)
	}
	if d.relation != nil && *d.relation != 0 {
		if st.relByNumber[*d.relation] == nil {
			add("relationNumber %d is not an existing relation", *d.relation)
		}
		rec.RelationNumber = *d.relation
	}
	rec.VatMethod = deref(d.vatMethod)
	if rec.VatMethod == "" {
		rec.VatMethod = vatMethodInclusive
	}
	switch rec.VatMethod {
	case vatMethodInclusive, vatMethodExclusive, vatMethodShifted, vatMethodNone:
	default:
		add("vatMethod %q is not one of %s, %s, %s, %s", rec.VatMethod, vatMethodInclusive, vatMethodExclusive, vatMethodShifted, vatMethodNone)
	}
	rec.Reference = deref(d.reference)
	rec.PaymentMethod = strings.TrimSpace(deref(d.paymentMethod))
	rec.DeliveryMethod = strings.TrimSpace(deref(d.deliveryMethod))
	if due := d.dueDate; due != nil {
		t := time.Date(due.Year, time.Month(due.Mon), due.Day, 0, 0, 0, 0, time.UTC)
		if t.Year() != due.Year || int(t.Month()) != due.Mon || t.Day() != due.Day {
			add("dueDate %04d-%02d-%02d is not a date", due.Year, due.Mon, due.Day)
		}
		rec.DueDate = t.Format(time.DateOnly)
	}
	rec.DeliveryAddress = address(d.delivery)
	rec.InvoiceAddress = address(d.invoice)

	if d.lines != nil {
		for i, in := range d.lines.Line {
			line, msg := s.buildLine(i+1, in, rec.VatMethod)
			if msg != "" {
				problems = append(problems, msg)
				continue
			}
			rec.Lines = append(rec.Lines, line)
			rec.TotalInclCents += line.LineTotalInclCents
			rec.TotalExclCents += line.LineTotalExclCents
		}
	}
	return rec, problems
}

// buildLine resolves one line. Unit prices not sent come from the other
// price (through the line's VAT rate) or from the article. Line totals:
// inclusive orders multiply the incl. price, exclusive ones the excl. price
// and add the VAT of the line; each is rounded half away from zero to the
// cent. LineData.price is the price actually charged per unit; a discount
// sent next to it (discountAmount, originalPrice) is kept as information.
func (s *Sim) buildLine(n int, in lineIn, vatMethod string) (Line, string) {
	st := s.st
	p := st.byArticle[*in.ArticleNumber]
	if p == nil {
		return Line{}, fmt.Sprintf("line %d: articleNumber %d does not exist", n, *in.ArticleNumber)
	}
	data := in.Data
	if data == nil {
		data = &lineDataIn{}
	}
	qty := int64(100)
	dp := 2
	if data.Quantity != nil {
		qty = *data.Quantity
	}
	if data.DecimalPlaces != nil {
		dp = *data.DecimalPlaces
	}
	if dp < 0 || dp > 6 {
		return Line{}, fmt.Sprintf("line %d: decimalPlaces %d is not between 0 and 6", n, dp)
	}
	if qty == 0 {
		return Line{}, fmt.Sprintf("line %d: quantity is 0", n)
	}
	code := p.VatCode
	if data.VatCode != nil {
		code = *data.VatCode
	}
	g, ok := st.vatByCode[code]
	if !ok {
		return Line{}, fmt.Sprintf("line %d: vatCode %d is not a VAT group", n, code)
	}
	rate := int64(g.Rate)
	if vatMethod == vatMethodShifted || vatMethod == vatMethodNone {
		rate = 0
	}
	l := Line{ArticleNumber: p.ArticleNumber, PLU: p.PLU, Text: p.Description, VatCode: code, VATRate: g.Rate,
		WireQuantity: qty, DecimalPlaces: dp, Quantity: model.QuantityFromScaled(qty, dp),
		DiscountType: deref(data.DiscountType), TurnoverGroup: deref(data.TurnoverGroup)}
	if in.PluNumber != nil && *in.PluNumber != "" {
		l.PLU = *in.PluNumber
	}
	if in.Text != nil && *in.Text != "" {
		l.Text = *in.Text
	}
	scale := pow10(dp)
	if vatMethod == vatMethodInclusive {
		switch {
		case data.Price != nil:
			l.PriceInclCents = *data.Price
		case data.PriceExcl != nil:
			l.PriceInclCents = inclFromExcl(*data.PriceExcl, rate)
		default:
			l.PriceInclCents = p.PriceInclCents
		}
		l.PriceExclCents = exclFromIncl(l.PriceInclCents, rate)
		if data.PriceExcl != nil {
			l.PriceExclCents = *data.PriceExcl
		}
		l.LineTotalInclCents = roundDiv(l.PriceInclCents*qty, scale)
		l.LineTotalExclCents = exclFromIncl(l.LineTotalInclCents, rate)
		l.OriginalPriceCents = data.OriginalPrice
		l.DiscountCents = deref(data.DiscountAmount)
	} else {
		switch {
		case data.PriceExcl != nil:
			l.PriceExclCents = *data.PriceExcl
		case data.Price != nil:
			l.PriceExclCents = exclFromIncl(*data.Price, rate)
		default:
			l.PriceExclCents = exclFromIncl(p.PriceInclCents, int64(g.Rate))
		}
		l.PriceInclCents = inclFromExcl(l.PriceExclCents, rate)
		if data.Price != nil {
			l.PriceInclCents = *data.Price
		}
		l.LineTotalExclCents = roundDiv(l.PriceExclCents*qty, scale)
		l.LineTotalInclCents = l.LineTotalExclCents + roundDiv(l.LineTotalExclCents*rate, 10000)
		l.OriginalPriceCents = data.OriginalPriceExcl
		l.DiscountCents = deref(data.DiscountAmountExcl)
	}
	return l, ""
}

func (s *Sim) orderOut(o *Order) orderOut {
	return orderOut{
		OrderID: o.ID, ExtOrderID: o.ExtOrderID, SyncMarker: o.SyncMarker, OrderType: o.Type,
		EntryBranchNumber: int(o.BranchNumber), EmployeeNumber: o.EmployeeNumber, EmployeeName: s.st.employees[o.EmployeeNumber],
		EntryTimestamp: dateTime(o.CreatedAt), RelationNumber: o.RelationNumber, RelationName: s.relationName(o.RelationNumber),
		DeliveryAddress: addressToWire(o.DeliveryAddress), InvoiceAddress: addressToWire(o.InvoiceAddress),
		FinancialDate: date(o.CreatedAt), FinancialBranchNumber: int(o.BranchNumber), Reference: o.Reference,
		TotalInclAmount: o.TotalInclCents, TotalExclAmount: o.TotalExclCents, VatMethod: o.VatMethod,
		DeliveryMethod: o.DeliveryMethod, PaymentMethod: o.PaymentMethod,
		OrderNumber: yearNumberOut{Year: o.Year, Number: o.Number}, LineList: s.linesOut(o),
	}
}

func (s *Sim) invoiceOut(o *Order) invoiceOut {
	return invoiceOut{
		InvoiceID: o.ID, ExtInvoiceID: o.ExtOrderID, SyncMarker: o.SyncMarker,
		InvoiceNumber: yearNumberOut{Year: o.Year, Number: o.Number}, InvoiceType: o.Type,
		EmployeeNumber: o.EmployeeNumber, EmployeeName: s.st.employees[o.EmployeeNumber], EntryTimestamp: dateTime(o.CreatedAt),
		RelationNumber: o.RelationNumber, RelationName: s.relationName(o.RelationNumber),
		DeliveryAddress: addressToWire(o.DeliveryAddress), InvoiceAddress: addressToWire(o.InvoiceAddress),
		FinancialDate: date(o.CreatedAt), FinancialBranchNumber: int(o.BranchNumber), EntryBranchNumber: int(o.BranchNumber),
		Reference: o.Reference, DueDate: dueDateOut(o.DueDate), TotalInclAmount: o.TotalInclCents, TotalExclAmount: o.TotalExclCents,
		VatMethod: o.VatMethod, LineList: s.linesOut(o),
	}
}

func dueDateOut(d string) *soapDate {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return nil
	}
	return &soapDate{Day: t.Day(), Mon: int(t.Month()), Year: t.Year()}
}

func (s *Sim) linesOut(o *Order) lineListOut {
	out := lineListOut{Line: make([]lineOut, len(o.Lines))}
	for i, l := range o.Lines {
		d := lineDataOut{Quantity: l.WireQuantity, DecimalPlaces: l.DecimalPlaces, Price: l.PriceInclCents, PriceExcl: l.PriceExclCents,
			TurnoverGroup: l.TurnoverGroup, VatCode: l.VatCode, VatPercentage: int(s.vatWire(l.VATRate)), DiscountType: l.DiscountType,
			TotalInclAmount: l.LineTotalInclCents, TotalExclAmount: l.LineTotalExclCents}
		if o.VatMethod == vatMethodInclusive {
			d.OriginalPrice = l.OriginalPriceCents
			if l.DiscountCents != 0 {
				d.DiscountAmount = &l.DiscountCents
			}
		} else {
			d.OriginalPriceExcl = l.OriginalPriceCents
			if l.DiscountCents != 0 {
				d.DiscountAmountExcl = &l.DiscountCents
			}
		}
		out.Line[i] = lineOut{LineID: fmt.Sprintf("%s-%d", o.ID, i+1), EmployeeNumber: o.EmployeeNumber,
			ArticleNumber: l.ArticleNumber, PluNumber: l.PLU, Text: l.Text, Data: d}
	}
	return out
}

func (s *Sim) relationName(n int64) string {
	if r := s.st.relByNumber[n]; r != nil {
		return r.Name
	}
	return ""
}

func address(a *addressIn) *Address {
	if a == nil {
		return nil
	}
	return &Address{Name: a.Name, Contact: a.Contact, Address: a.Address, Zipcode: a.Zipcode, City: a.City,
		Country: a.Country, CompanyName: a.CompanyName}
}

func addressToWire(a *Address) *addressOut {
	if a == nil {
		return nil
	}
	return &addressOut{Name: a.Name, Contact: a.Contact, Address: a.Address, Zipcode: a.Zipcode, City: a.City,
		Country: a.Country, CompanyName: a.CompanyName}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func pow10(n int) int64 {
	v := int64(1)
	for range n {
		v *= 10
	}
	return v
}
