package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/connectors/simkit"
)

// Sales documents: orders, customer invoice drafts (and their conversion
// to invoices), booked customer invoices and quotes.

func (s *Sim) documentRoutes(rt *simkit.Router) {
	s.handle(rt, http.MethodGet, "/orders", salesRead, listOf(s, func(st *state) []Order { return st.Orders }))
	s.handle(rt, http.MethodPost, "/orders", salesWrite, postDocument(s, s.createOrderLocked))
	s.handle(rt, http.MethodGet, "/orders/{id}", salesRead, oneOf(s, "id", true, func(st *state, id string) *Order {
		return findByID(st.Orders, id, func(o *Order) string { return o.Id })
	}))
	s.handle(rt, http.MethodGet, "/customerinvoicedrafts", salesRead, listOf(s, func(st *state) []InvoiceDraft { return st.Drafts }))
	s.handle(rt, http.MethodPost, "/customerinvoicedrafts", salesWrite, postDocument(s, s.createDraftLocked))
	s.handle(rt, http.MethodGet, "/customerinvoicedrafts/{invoiceDraftId}", salesRead, oneOf(s, "invoiceDraftId", true,
		func(st *state, id string) *InvoiceDraft { return st.draft(id) }))
	s.handle(rt, http.MethodPost, "/customerinvoicedrafts/{customerInvoiceDraftId}/convert", salesWrite, s.convertDraft)
	s.handle(rt, http.MethodGet, "/customerinvoices", salesRead, listOf(s, func(st *state) []Invoice { return st.Invoices }))
	// The contract lets ea:sales_readonly create a booked invoice too; followed as written.
	s.handle(rt, http.MethodPost, "/customerinvoices", salesRead, postDocument(s, s.createPostedInvoiceLocked))
	s.handle(rt, http.MethodGet, "/customerinvoices/{invoiceId}", salesRead, oneOf(s, "invoiceId", true, func(st *state, id string) *Invoice {
		return findByID(st.Invoices, id, func(i *Invoice) string { return i.Id })
	}))
	s.handle(rt, http.MethodGet, "/quotes", salesRead, listOf(s, func(st *state) []Quote { return st.Quotes }))
	s.handle(rt, http.MethodPost, "/quotes", salesWrite, postDocument(s, s.createQuoteLocked))
	s.handle(rt, http.MethodGet, "/quotes/{id}", salesRead, oneOf(s, "id", true, func(st *state, id string) *Quote {
		return findByID(st.Quotes, id, func(q *Quote) string { return q.Id })
	}))
}

func (st *state) draft(id string) *InvoiceDraft {
	return findByID(st.Drafts, id, func(d *InvoiceDraft) string { return d.Id })
}

// refusal is why a write is refused: field problems (2000) or one
// reference or rule (ErrorCode code naming field).
type refusal struct {
	ps          problems
	field, what string
	code        int
}

func (s *Sim) refuse(w http.ResponseWriter, r *http.Request, f *refusal) {
	if len(f.ps) > 0 {
		s.invalid(w, r, f.ps)
		return
	}
	s.answerStoreProblem(w, r, f.field, f.what, f.code)
}

func notFoundRef(field, what string) *refusal {
	return &refusal{field: field, what: what, code: eaccounting.CodeNotFound}
}

// postDocument is the POST of every sales document: the body read
// strictly, then create (which stores the document or refuses it) under
// the lock.
func postDocument[T any](s *Sim, create func(*T) *refusal) simkit.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		var doc T
		if ps := decodeStrict(r, &doc); len(ps) > 0 {
			s.invalid(w, r, ps)
			return
		}
		s.mu.Lock()
		f := create(&doc)
		out := clone(doc)
		s.mu.Unlock()
		s.answerCreated(w, r, f, out)
	}
}

// answerCreated answers a document write: its refusal, else 201 and the
// document as stored.
func (s *Sim) answerCreated(w http.ResponseWriter, r *http.Request, f *refusal, doc any) {
	if f != nil {
		s.refuse(w, r, f)
		return
	}
	s.out.JSON(w, r, http.StatusCreated, doc)
}

// docContext is what a document takes from its customer and the company.
type docContext struct {
	cust        *Customer
	currency    string
	includesVat bool
	// domestic: the customer is in the company's country and the document
	// in its currency; then unit prices have two decimals, else four.
	domestic bool
}

// docContextFor looks up a document's customer; currencyOf gives the
// document's currency once the customer is known.
func (st *state) docContextFor(custID string, currencyOf func(*Customer) string) (docContext, *refusal) {
	c := st.customer(custID)
	if c == nil {
		return docContext{}, notFoundRef("CustomerId", "Customer")
	}
	currency := currencyOf(c)
	domestic := (c.InvoiceCountryCode == "" || strings.EqualFold(c.InvoiceCountryCode, st.Company.CountryCode)) &&
		(currency == "" || strings.EqualFold(currency, st.Company.CurrencyCode))
	return docContext{cust: c, currency: currency, includesVat: st.Company.ShowPricesExclVatPC && c.IsPrivatePerson, domestic: domestic}, nil
}

// currencyOf is a customer's currency, else the company's: the currency
// of drafts, invoices and quotes (an order names its own).
func (st *state) currencyOf(c *Customer) string {
	if c.CurrencyCode != "" {
		return c.CurrencyCode
	}
	return st.Company.CurrencyCode
}

// rowRef points into one row of any document type, so one routine checks
// and prices the rows of all four.
type rowRef struct {
	path      string // "Rows[2]"
	isText    bool
	articleID string
	text      *string
	unitPrice **Dec
	quantity  Dec
	discount  Dec
	qtyPlaces int
	// filled by priceRows
	article *Article
	coding  *ArticleAccountCoding
}

// impliedTextRow is IsTextRow where the contract makes it read only
// (invoices, quotes): a row without an article, price or quantity.
func impliedTextRow(articleID string, unitPrice *Dec, quantity Dec) bool {
	return articleID == "" && (unitPrice == nil || unitPrice.V == 0) && quantity.V == 0
}

// articleFields are what a priced article row shows of its article: its
// number and unit, whether it is a service, and its coding's VAT rate.
func (r rowRef) articleFields() (number, unitID string, isService bool, vatRate *Dec) {
	return r.article.Number, r.article.UnitId, r.coding.Type == "Services", ptr(r.coding.VatRatePercent)
}

// pricedDoc is a document's rows checked and priced.
type pricedDoc struct {
	refs   []rowRef // per row, with its article and coding resolved
	rows   []pricedRow
	totals docTotals
}

// priceDocRows prices the rows of any document type: refOf says where a
// row's fields are (priceDocRows adds the path).
func priceDocRows[R any](st *state, ctx docContext, rows []R, replaceZero bool, refOf func(*R) rowRef) (pricedDoc, *refusal) {
	refs := make([]rowRef, len(rows))
	for i := range rows {
		refs[i] = refOf(&rows[i])
		refs[i].path = fmt.Sprintf("Rows[%d]", i)
	}
	priced, f := st.priceRows(ctx, refs, replaceZero)
	if f != nil {
		return pricedDoc{}, f
	}
	return pricedDoc{refs: refs, rows: priced, totals: computeTotals(priced, ctx.includesVat)}, nil
}

// priceRows checks rows and resolves their articles: a text row has text
// and no article, price or quantity; any other row needs an existing
// ArticleId. A row without UnitPrice (or with 0 when replaceZero) takes
// the article's price, GrossPrice when the document includes VAT. The
// Text of an article row defaults to the article's name.
func (st *state) priceRows(ctx docContext, rows []rowRef, replaceZero bool) ([]pricedRow, *refusal) {
	var ps problems
	pricePlaces := 2
	if !ctx.domestic {
		pricePlaces = 4
	}
	for _, r := range rows {
		if r.isText {
			if r.articleID != "" {
				ps.add(r.path+".ArticleId", "A text row has no ArticleId.")
			}
			if strings.TrimSpace(*r.text) == "" {
				ps.add(r.path+".Text", "A text row needs at least one character of Text.")
			}
			if (*r.unitPrice != nil && (*r.unitPrice).V != 0) || r.quantity.V != 0 {
				ps.add(r.path+".UnitPrice", "A text row has no price or quantity.")
			}
			continue
		}
		if r.articleID == "" {
			ps.add(r.path+".ArticleId", "The ArticleId field is required unless the row is a text row.")
			continue
		}
		if !guidRE.MatchString(r.articleID) {
			ps.add(r.path+".ArticleId", "The value '%s' is not a valid GUID.", r.articleID)
		}
		if *r.unitPrice != nil {
			ps.places(r.path+".UnitPrice", **r.unitPrice, pricePlaces)
		}
		ps.places(r.path+".Quantity", r.quantity, r.qtyPlaces)
		ps.places(r.path+".DiscountPercentage", r.discount, 4)
	}
	if len(ps) > 0 {
		return nil, &refusal{ps: ps}
	}
	out := make([]pricedRow, len(rows))
	for i := range rows {
		r := &rows[i]
		if r.isText {
			*r.unitPrice = nil
			out[i] = pricedRow{text: true}
			continue
		}
		r.article = st.article(r.articleID)
		if r.article == nil {
			return nil, notFoundRef(r.path+".ArticleId", "Article on "+r.path)
		}
		r.coding = st.coding(r.article.CodingId)
		if r.coding == nil {
			return nil, notFoundRef(r.path+".ArticleId", "the account coding of the article on "+r.path)
		}
		if *r.unitPrice == nil || (replaceZero && (*r.unitPrice).V == 0) {
			p := r.article.NetPrice
			if ctx.includesVat {
				p = r.article.GrossPrice
			}
			*r.unitPrice = &p
		}
		if *r.text == "" {
			*r.text = r.article.Name
		}
		out[i] = pricedRow{quantity: r.quantity, unitPrice: **r.unitPrice, discount: r.discount, rate: r.coding.VatRatePercent}
	}
	return out, nil
}

// addressFields points at a document's invoice and delivery address, each
// as name, two lines, postal code, city and country code.
type addressFields struct{ invoice, delivery [6]*string }

// defaultFrom fills the address fields a document leaves empty from its
// customer. A document's read-only address fields arrive empty
// (decodeStrict clears them), so those always show the customer's.
func (a addressFields) defaultFrom(c *Customer) {
	invoice := [6]string{c.Name, c.InvoiceAddress1, c.InvoiceAddress2, c.InvoicePostalCode, c.InvoiceCity, c.InvoiceCountryCode}
	delivery := [6]string{c.DeliveryCustomerName, c.DeliveryAddress1, c.DeliveryAddress2, c.DeliveryPostalCode, c.DeliveryCity, c.DeliveryCountryCode}
	for i := range invoice {
		*a.invoice[i] = or(*a.invoice[i], invoice[i])
		*a.delivery[i] = or(*a.delivery[i], delivery[i])
	}
}

// today is the simulator's date at midnight UTC.
func (s *Sim) today() *Time {
	n := s.o.Now().UTC()
	return At(time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC))
}

// dueDate is date plus the terms' days.
func (st *state) dueDate(date *Time, termsID string) *Time {
	days := 0
	if t := st.terms(termsID); t != nil {
		days = t.NumberOfDays
	}
	return At(date.AddDate(0, 0, days))
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// termsFor checks an optional terms of payment and defaults it to the customer's.
func (st *state) termsFor(id string, c *Customer) (string, *refusal) {
	if id == "" {
		return c.TermsOfPaymentId, nil
	}
	if st.terms(id) == nil {
		return "", notFoundRef("TermsOfPaymentId", "TermsOfPayment")
	}
	return id, nil
}

// Orders.

func (s *Sim) createOrderLocked(o *Order) *refusal {
	st := &s.st
	if !slices.ContainsFunc(st.Currencies, func(c Currency) bool { return strings.EqualFold(c.Code, o.CurrencyCode) }) {
		return &refusal{ps: problems{{Field: "CurrencyCode", ErrorCode: "2000", Message: "Unknown currency " + o.CurrencyCode + "."}}}
	}
	ctx, f := st.docContextFor(o.CustomerId, func(*Customer) string { return o.CurrencyCode })
	if f != nil {
		return f
	}
	c := ctx.cust
	if o.TermsOfPaymentId, f = st.termsFor(o.TermsOfPaymentId, c); f != nil {
		return f
	}
	p, f := priceDocRows(st, ctx, o.Rows, false, func(row *OrderRow) rowRef {
		return rowRef{isText: row.IsTextRow, articleID: row.ArticleId, text: &row.Text, unitPrice: &row.UnitPrice,
			quantity: row.Quantity, discount: row.DiscountPercentage, qtyPlaces: 4}
	})
	if f != nil {
		return f
	}
	for i := range o.Rows {
		row, ref := &o.Rows[i], p.refs[i]
		row.Id, row.Amount = s.nextIDLocked(), Cents(p.totals.rows[i])
		if ref.article != nil {
			row.ArticleNumber, row.UnitId, row.IsServiceArticle, row.VatRate = ref.articleFields()
		}
	}
	o.Id = s.nextIDLocked()
	st.LastOrderNumber++
	o.Number = ptr(st.LastOrderNumber)
	if o.OrderDate == nil {
		o.OrderDate = s.today()
	}
	o.CustomerNumber, o.CustomerName, o.CustomerIsPrivatePerson, o.IncludesVat = c.CustomerNumber, c.Name, c.IsPrivatePerson, ctx.includesVat
	addressFields{
		invoice:  [6]*string{&o.InvoiceCustomerName, &o.InvoiceAddress1, &o.InvoiceAddress2, &o.InvoicePostalCode, &o.InvoiceCity, &o.InvoiceCountryCode},
		delivery: [6]*string{&o.DeliveryCustomerName, &o.DeliveryAddress1, &o.DeliveryAddress2, &o.DeliveryPostalCode, &o.DeliveryCity, &o.DeliveryCountryCode},
	}.defaultFrom(c)
	o.Amount, o.VatAmount, o.RoundingsAmount = Cents(p.totals.exclVat), Cents(p.totals.vat), Cents(0)
	o.CreatedUtc, o.ModifiedUtc = At(s.o.Now()), At(s.o.Now())
	st.Orders = append(st.Orders, *o)
	return nil
}

// Invoice drafts.

func (s *Sim) createDraftLocked(d *InvoiceDraft) *refusal {
	st := &s.st
	ctx, f := st.docContextFor(d.CustomerId, st.currencyOf)
	if f != nil {
		return f
	}
	c := ctx.cust
	if d.TermsOfPaymentId, f = st.termsFor(d.TermsOfPaymentId, c); f != nil {
		return f
	}
	p, f := priceDocRows(st, ctx, d.Rows, d.ReplaceUnitPriceWhenZero, func(row *InvoiceDraftRow) rowRef {
		return rowRef{isText: row.IsTextRow, articleID: row.ArticleId, text: &row.Text, unitPrice: &row.UnitPrice,
			quantity: row.Quantity, discount: row.DiscountPercentage, qtyPlaces: 2}
	})
	if f != nil {
		return f
	}
	for i := range d.Rows {
		row, ref := &d.Rows[i], p.refs[i]
		row.Id, row.Amount = s.nextIDLocked(), Cents(p.totals.rows[i])
		if row.LineNumber == nil {
			row.LineNumber = ptr(i) // "based on the order of the row in the JSON"
		}
		if ref.article != nil {
			row.ArticleNumber, row.UnitId, row.IsServiceArticle, row.VatRate = ref.articleFields()
			row.VatRateId = ref.coding.Id
			if u := st.unit(ref.article.UnitId); u != nil {
				row.UnitName, row.UnitAbbreviation, row.UnitAbbreviationEnglish = u.Name, u.Abbreviation, u.AbbreviationEnglish
			}
		}
	}
	d.Id = s.nextIDLocked()
	d.CustomerNumber, d.CustomerName, d.CustomerIsPrivatePerson, d.IncludesVat = c.CustomerNumber, c.Name, c.IsPrivatePerson, ctx.includesVat
	addressFields{
		invoice:  [6]*string{&d.InvoiceCustomerName, &d.InvoiceAddress1, &d.InvoiceAddress2, &d.InvoicePostalCode, &d.InvoiceCity, &d.InvoiceCountryCode},
		delivery: [6]*string{&d.DeliveryCustomerName, &d.DeliveryAddress1, &d.DeliveryAddress2, &d.DeliveryPostalCode, &d.DeliveryCity, &d.DeliveryCountryCode},
	}.defaultFrom(c)
	d.InvoiceCurrencyCode = ctx.currency
	d.ReverseChargeOnConstructionServices = c.ReverseChargeOnConstructionServices
	if d.InvoiceDate != nil && d.DueDate == nil {
		d.DueDate = st.dueDate(d.InvoiceDate, d.TermsOfPaymentId)
	}
	d.TotalAmount, d.TotalVatAmount, d.TotalRoundings = Cents(p.totals.inclVat), Cents(p.totals.vat), Cents(0)
	d.TotalAmountBaseCurrency, d.TotalVatAmountBaseCurrency = d.TotalAmount, d.TotalVatAmount
	d.CreatedUtc = At(s.o.Now())
	st.Drafts = append(st.Drafts, *d)
	return nil
}

// convertDraft books a draft: the invoice is created from it (201 and the
// CustomerInvoiceApi, as the contract declares) and the draft is gone. A
// body, when sent, holds the totals the caller expects; a mismatch refuses
// the conversion naming the field.
func (s *Sim) convertDraft(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	id := p.Get("customerInvoiceDraftId")
	if !guidRE.MatchString(id) {
		s.invalid(w, r, problems{{Field: "customerInvoiceDraftId", ErrorCode: "2000", Message: "The value '" + id + "' is not valid."}})
		return
	}
	var check *DraftValidation
	if r.ContentLength != 0 {
		var v DraftValidation
		ps := decodeStrict(r, &v)
		if len(ps) > 0 && !(len(ps) == 1 && ps[0].Field == "body" && r.ContentLength < 0) {
			s.invalid(w, r, ps)
			return
		}
		if len(ps) == 0 {
			check = &v
		}
	}
	keepDate := r.URL.Query().Get("keepOriginalDraftDate") == "true"
	s.mu.Lock()
	d := s.st.draft(id)
	if d == nil {
		s.mu.Unlock()
		s.notFound(w, r, "CustomerInvoiceDraft")
		return
	}
	inv := invoiceFromDraft(d, keepDate)
	f := s.createInvoiceLocked(&inv, check)
	if f == nil {
		s.st.Drafts = slices.DeleteFunc(s.st.Drafts, func(x InvoiceDraft) bool { return x.Id == d.Id })
	}
	out := clone(inv)
	s.mu.Unlock()
	s.answerCreated(w, r, f, out)
}

// invoiceFromDraft carries a draft's writable fields over to an invoice.
func invoiceFromDraft(d *InvoiceDraft, keepDate bool) Invoice {
	inv := Invoice{CustomerId: d.CustomerId, EuThirdParty: d.EuThirdParty, IsCreditInvoice: d.IsCreditInvoice,
		RotReducedInvoicingType: d.RotReducedInvoicingType, YourReference: d.YourReference, OurReference: d.OurReference,
		BuyersOrderReference: d.BuyersOrderReference, ElectronicReference: d.ElectronicReference,
		SubscriptionNumber: d.SubscriptionNumber, ContractNumber: d.ContractNumber,
		InvoiceAddress1: d.InvoiceAddress1, InvoiceAddress2: d.InvoiceAddress2,
		DeliveryCustomerName: d.DeliveryCustomerName, DeliveryAddress1: d.DeliveryAddress1, DeliveryAddress2: d.DeliveryAddress2,
		DeliveryPostalCode: d.DeliveryPostalCode, DeliveryCity: d.DeliveryCity, DeliveryCountryCode: d.DeliveryCountryCode,
		TermsOfPaymentId: d.TermsOfPaymentId, DeliveryDate: d.DeliveryDate, CreatedFromDraftId: d.Id,
		UsesGreenTechnology: d.UsesGreenTechnology, IsDirectDebit: d.IsDirectDebit, BackgroundId: d.BackgroundId}
	if keepDate {
		inv.InvoiceDate, inv.DueDate = d.InvoiceDate, d.DueDate
	}
	for _, row := range d.Rows {
		inv.Rows = append(inv.Rows, InvoiceRow{ArticleId: row.ArticleId, Text: row.Text, UnitPrice: row.UnitPrice,
			DiscountPercentage: row.DiscountPercentage, Quantity: row.Quantity, WorkCostType: row.WorkCostType,
			WorkHours: row.WorkHours, MaterialCosts: row.MaterialCosts, CostCenterItemId1: row.CostCenterItemId1,
			CostCenterItemId2: row.CostCenterItemId2, CostCenterItemId3: row.CostCenterItemId3, ProjectId: row.ProjectId,
			GreenTechnologyType: row.GreenTechnologyType})
	}
	return inv
}

// Invoices.

// createPostedInvoiceLocked books an invoice POSTed to /customerinvoices.
// With CreatedFromDraftId, "a valid customer invoice draft Id … will be
// bookkeeped": the draft must exist and is used up.
func (s *Sim) createPostedInvoiceLocked(inv *Invoice) *refusal {
	fromDraft := inv.CreatedFromDraftId
	if fromDraft != "" && s.st.draft(fromDraft) == nil {
		return notFoundRef("CreatedFromDraftId", "CustomerInvoiceDraft")
	}
	if f := s.createInvoiceLocked(inv, nil); f != nil {
		return f
	}
	if fromDraft != "" {
		s.st.Drafts = slices.DeleteFunc(s.st.Drafts, func(x InvoiceDraft) bool { return strings.EqualFold(x.Id, fromDraft) })
	}
	return nil
}

// createInvoiceLocked books an invoice: numbers, totals, VAT
// specification, dates; with the stock module its stock articles leave
// the stock. check, when given, must match the totals.
func (s *Sim) createInvoiceLocked(inv *Invoice, check *DraftValidation) *refusal {
	st := &s.st
	ctx, f := st.docContextFor(inv.CustomerId, st.currencyOf)
	if f != nil {
		return f
	}
	c := ctx.cust
	if inv.TermsOfPaymentId, f = st.termsFor(inv.TermsOfPaymentId, c); f != nil {
		return f
	}
	p, f := priceDocRows(st, ctx, inv.Rows, inv.ReplaceUnitPriceWhenZero, func(row *InvoiceRow) rowRef {
		return rowRef{isText: impliedTextRow(row.ArticleId, row.UnitPrice, row.Quantity), articleID: row.ArticleId, text: &row.Text,
			unitPrice: &row.UnitPrice, quantity: row.Quantity, discount: row.DiscountPercentage, qtyPlaces: 4}
	})
	if f != nil {
		return f
	}
	t := p.totals
	if f := checkTotals(check, t, p.rows); f != nil {
		return f
	}
	for i := range inv.Rows {
		row, ref := &inv.Rows[i], p.refs[i]
		row.Id, row.LineNumber, row.IsTextRow = s.nextIDLocked(), i, ref.isText
		row.Amount, row.AmountNoVat = Cents(t.rows[i]), Cents(t.rows[i])
		if ref.article != nil {
			row.ArticleNumber, row.UnitId, row.IsServiceArticle, row.VatRate = ref.articleFields()
			row.PercentVat = ref.coding.VatRatePercent
			if ctx.includesVat {
				row.AmountNoVat = Cents(t.rows[i] - vatOf(t.rows[i], ref.coding.VatRatePercent, true))
			}
			if u := st.unit(ref.article.UnitId); u != nil {
				row.UnitAbbreviation, row.UnitAbbreviationEnglish = u.Abbreviation, u.AbbreviationEnglish
			}
			if st.StockModule && ref.article.IsStock {
				ref.article.StockBalance.V -= row.Quantity.V
				ref.article.ChangedUtc = At(s.o.Now())
			}
		}
	}
	inv.VatSpecification = nil
	for _, rt := range t.rates {
		inv.VatSpecification = append(inv.VatSpecification, InvoiceVat{AmountInvoiceCurrency: Cents(rt.exclVat),
			VatAmountInvoiceCurrency: Cents(rt.vat), VatPercent: rt.rate})
	}
	inv.Id = s.nextIDLocked()
	st.LastInvoiceNumber++
	st.LastVoucherNumber++
	inv.InvoiceNumber = st.LastInvoiceNumber
	inv.VoucherNumber, inv.VoucherId = fmt.Sprintf("F%d", st.LastVoucherNumber), s.nextIDLocked()
	inv.CurrencyCode = ctx.currency
	if inv.InvoiceDate == nil {
		inv.InvoiceDate = s.today()
	}
	if inv.DueDate == nil {
		inv.DueDate = st.dueDate(inv.InvoiceDate, inv.TermsOfPaymentId)
	}
	inv.CustomerNumber, inv.CustomerName, inv.CustomerEmail = c.CustomerNumber, c.Name, c.EmailAddress
	inv.CustomerIsPrivatePerson, inv.IncludesVat = c.IsPrivatePerson, ctx.includesVat
	addressFields{
		invoice:  [6]*string{&inv.InvoiceCustomerName, &inv.InvoiceAddress1, &inv.InvoiceAddress2, &inv.InvoicePostalCode, &inv.InvoiceCity, &inv.InvoiceCountryCode},
		delivery: [6]*string{&inv.DeliveryCustomerName, &inv.DeliveryAddress1, &inv.DeliveryAddress2, &inv.DeliveryPostalCode, &inv.DeliveryCity, &inv.DeliveryCountryCode},
	}.defaultFrom(c)
	inv.TotalAmount, inv.TotalVatAmount, inv.TotalRoundings = Cents(t.inclVat), Cents(t.vat), Cents(0)
	inv.TotalAmountInvoiceCurrency, inv.TotalVatAmountInvoiceCurrency = inv.TotalAmount, inv.TotalVatAmount
	inv.RemainingAmount, inv.RemainingAmountInvoiceCurrency = inv.TotalAmount, inv.TotalAmount
	inv.PaymentStatus = 1 // unpaid
	inv.CreatedUtc, inv.ModifiedUtc = At(s.o.Now()), At(s.o.Now())
	c.LastInvoiceDate = inv.InvoiceDate
	st.Invoices = append(st.Invoices, *inv)
	return nil
}

// checkTotals compares a conversion's expected totals with the computed ones.
func checkTotals(v *DraftValidation, t docTotals, rows []pricedRow) *refusal {
	if v == nil {
		return nil
	}
	var ps problems
	want := func(field string, got *Dec, cents int64) {
		if got != nil && got.V != Cents(cents).V {
			ps.add(field, "%s is %s; the invoice's is %s.", field, got.String(), Cents(cents).String())
		}
	}
	want("TotalAmountInvoiceCurrency", v.TotalAmountInvoiceCurrency, t.inclVat)
	want("TotalVatAmountInvoiceCurrency", v.TotalVatAmountInvoiceCurrency, t.vat)
	want("TotalRoundingsInvoiceCurrency", v.TotalRoundingsInvoiceCurrency, 0)
	for i, vr := range v.Rows {
		if vr.LineNumber < 0 || vr.LineNumber >= len(rows) {
			ps.add(fmt.Sprintf("Rows[%d].LineNumber", i), "No row has line number %d.", vr.LineNumber)
			continue
		}
		amount, r := t.rows[vr.LineNumber], rows[vr.LineNumber]
		excl, incl := amount, amount+vatOf(amount, r.rate, false)
		if t.includesVat {
			excl, incl = amount-vatOf(amount, r.rate, true), amount
		}
		want(fmt.Sprintf("Rows[%d].TotalAmountNoVatInvoiceCurrency", i), vr.TotalAmountNoVatInvoiceCurrency, excl)
		want(fmt.Sprintf("Rows[%d].TotalAmountIncVatInvoiceCurrency", i), vr.TotalAmountIncVatInvoiceCurrency, incl)
	}
	if len(ps) > 0 {
		return &refusal{ps: ps}
	}
	return nil
}

// Quotes.

func (s *Sim) createQuoteLocked(q *Quote) *refusal {
	st := &s.st
	ctx, f := st.docContextFor(q.CustomerId, st.currencyOf)
	if f != nil {
		return f
	}
	c := ctx.cust
	// A quote's terms are the customer's: the contract makes its
	// TermsOfPayment read-only, Id included (decodeStrict clears it).
	terms := st.terms(c.TermsOfPaymentId)
	if terms == nil {
		return notFoundRef("TermsOfPayment.Id", "TermsOfPayment")
	}
	p, f := priceDocRows(st, ctx, q.Rows, false, func(row *QuoteRow) rowRef {
		return rowRef{isText: impliedTextRow(row.ArticleId, row.UnitPrice, row.Quantity), articleID: row.ArticleId, text: &row.Text,
			unitPrice: &row.UnitPrice, quantity: row.Quantity, discount: row.DiscountPercentage, qtyPlaces: 4}
	})
	if f != nil {
		return f
	}
	for i := range q.Rows {
		row, ref := &q.Rows[i], p.refs[i]
		row.Id, row.LineNumber, row.IsTextRow = s.nextIDLocked(), i, ref.isText
		row.Amount = Cents(p.totals.rows[i])
		if ref.article != nil {
			row.ArticleNumber, row.UnitId, row.IsServiceArticle, row.VatRate = ref.articleFields()
		}
	}
	q.Id = s.nextIDLocked()
	st.LastQuoteNumber++
	q.Number = ptr(st.LastQuoteNumber)
	q.Status = 1 // Ongoing: a quote made through /quotes is sent, not a draft
	if q.QuoteDate == nil {
		q.QuoteDate = s.today()
	}
	q.TermsOfPayment = ptr(clone(*terms))
	q.CurrencyCode, q.CurrencyRate = ctx.currency, DecOf(decScale)
	q.CustomerNumber, q.CustomerName, q.CustomerIsPrivatePerson, q.IncludesVat = c.CustomerNumber, c.Name, c.IsPrivatePerson, ctx.includesVat
	q.IsDomestic = ctx.domestic
	addressFields{ // all read only: the customer's
		invoice:  [6]*string{&q.InvoiceCustomerName, &q.InvoiceAddress1, &q.InvoiceAddress2, &q.InvoicePostalCode, &q.InvoiceCity, &q.InvoiceCountryCode},
		delivery: [6]*string{&q.DeliveryCustomerName, &q.DeliveryAddress1, &q.DeliveryAddress2, &q.DeliveryPostalCode, &q.DeliveryCity, &q.DeliveryCountryCode},
	}.defaultFrom(c)
	q.TotalAmount, q.VatAmount, q.RoundingsAmount = Cents(p.totals.exclVat), Cents(p.totals.vat), Cents(0)
	q.CreatedUtc, q.ModifiedUtc = At(s.o.Now()), At(s.o.Now())
	st.Quotes = append(st.Quotes, *q)
	return nil
}

// Orders returns copies of the orders in the order created.
func (s *Sim) Orders() []Order {
	return lockedCopy(s, func(st *state) []Order { return st.Orders })
}

// InvoiceDrafts returns copies of the customer invoice drafts not converted.
func (s *Sim) InvoiceDrafts() []InvoiceDraft {
	return lockedCopy(s, func(st *state) []InvoiceDraft { return st.Drafts })
}

// Invoices returns copies of the booked customer invoices.
func (s *Sim) Invoices() []Invoice {
	return lockedCopy(s, func(st *state) []Invoice { return st.Invoices })
}

// Quotes returns copies of the quotes.
func (s *Sim) Quotes() []Quote {
	return lockedCopy(s, func(st *state) []Quote { return st.Quotes })
}
