package eaccounting

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// The order target. Four kinds, each its own collection:
//
//	order         POST /orders (Status 2 "Ongoing")
//	invoice       POST /customerinvoicedrafts (a draft, booked by hand)
//	salesInvoice  POST /customerinvoices (booked at once)
//	quote         POST /quotes
//
// There is no idempotency key (research §2.8): the natural key goes in
// YourReference (a quote's CustomerReference, the contract's equal) and
// FindOrder filters the kind's collection on it. That the filter works on
// YourReference is research's [L]. BuyersOrderReference carries the shop's
// order number, the number people see.
//
// A row has no VAT or account field (VatRate is read-only): its VAT rate and
// revenue account are its article's coding's, and the customer's country
// decides domestic, EU or export accounts. So every row is on an article
// whose coding has the row's rate: products by SKU, shipping, discounts,
// costs, fallback and rounding on the articles the options name.

// maxReference is YourReference's maxLength; maxBuyersReference BuyersOrderReference's.
const (
	maxReference       = 100
	maxBuyersReference = 35
)

// kindOps are a kind's listing and create ops.
type kindOps struct{ list, create string }

var opsByKind = map[connectors.OrderKind]kindOps{
	connectors.KindOrder:        {OpListOrders, OpCreateOrder},
	connectors.KindInvoice:      {OpListInvoiceDrafts, OpCreateInvoiceDraft},
	connectors.KindSalesInvoice: {OpListInvoices, OpCreateInvoice},
	connectors.KindQuote:        {OpListQuotes, OpCreateQuote},
}

// opsOf returns the kind ("" is an order) and its ops.
func opsOf(kind connectors.OrderKind, op string) (connectors.OrderKind, kindOps, error) {
	if kind == "" {
		kind = connectors.KindOrder
	}
	ops, ok := opsByKind[kind]
	if !ok {
		return kind, ops, misconfigured(op, "order kind %q is not one of order, invoice, salesInvoice, quote", kind)
	}
	return kind, ops, nil
}

// referenceField is the property that holds the natural key.
func referenceField(kind connectors.OrderKind) string {
	if kind == connectors.KindQuote {
		return "CustomerReference"
	}
	return "YourReference"
}

func checkKey(op, key string) error {
	switch {
	case strings.TrimSpace(key) == "":
		return invalid(op, "the order's external id is empty")
	case len([]rune(key)) > maxReference:
		return misconfigured(op, "the order's external id %q is longer than the %d characters YourReference takes; shorten flows.orders.externalIdPrefix", key, maxReference)
	}
	return nil
}

// FindOrder looks a document of kind up by the natural key in its
// reference ($filter=YourReference eq '<key>'). Not found is found=false.
func (c *Client) FindOrder(ctx context.Context, externalID string, kind connectors.OrderKind) (connectors.TargetOrder, bool, error) {
	kind, ops, err := opsOf(kind, "find order")
	if err != nil {
		return connectors.TargetOrder{}, false, err
	}
	if err := checkKey(ops.list, externalID); err != nil {
		return connectors.TargetOrder{}, false, err
	}
	field := referenceField(kind)
	p, err := listPage[docAnswer](ctx, c, ops.list, ListOptions{Filter: eqFilter(field, externalID), PageSize: 10})
	if err != nil {
		return connectors.TargetOrder{}, false, err
	}
	for _, d := range p.Data {
		ref := d.YourReference
		if kind == connectors.KindQuote {
			ref = d.CustomerReference
		}
		// a server that filters loosely (case, or not at all) must not match another order
		if ref != nil && *ref != externalID {
			continue
		}
		return connectors.TargetOrder{ID: d.Id, Number: d.number(), Kind: kind}, true, nil
	}
	return connectors.TargetOrder{}, false, nil
}

// CreateOrder writes the draft as its kind. It looks the key up first, so a
// create retried after a lost answer never writes twice: a document that
// exists is KindConflict (the flow then takes it).
func (c *Client) CreateOrder(ctx context.Context, d connectors.OrderDraft) (connectors.TargetOrder, error) {
	kind, ops, err := opsOf(d.Kind, "create order")
	if err != nil {
		return connectors.TargetOrder{}, err
	}
	if err := checkKey(ops.create, d.ExternalID); err != nil {
		return connectors.TargetOrder{}, err
	}
	if strings.TrimSpace(d.CustomerID) == "" {
		return connectors.TargetOrder{}, invalid(ops.create, "the draft names no eAccounting customer")
	}
	if ref, found, err := c.FindOrder(ctx, d.ExternalID, kind); err != nil {
		return connectors.TargetOrder{}, err
	} else if found {
		return connectors.TargetOrder{}, &connectors.Error{Kind: connectors.KindConflict, System: System, Op: ops.create,
			Message: fmt.Sprintf("a %s with %s %q exists already (%s)", kind, referenceField(kind), d.ExternalID, ref.ID)}
	}
	p, err := c.plan(ctx, ops.create, d)
	if err != nil {
		return connectors.TargetOrder{}, err
	}
	if want := d.Order.ComputedTotal().Amount; p.total != want {
		// BookedTotal was checked before the customer existed; with the
		// customer's own type the prices may be booked otherwise.
		return connectors.TargetOrder{}, invalid(ops.create, "order %s: eAccounting would book %s, but the order's total is %s; nothing was written",
			label(d.Order), model.FormatMinor(p.total, 2), model.FormatMinor(want, 2))
	}
	doc, err := c.document(ctx, ops.create, kind, d, p)
	if err != nil {
		return connectors.TargetOrder{}, err
	}
	var answer docAnswer
	if err := c.send(ctx, ops.create, endpointOf(ops.create), doc, &answer, d.Order.Customer.PersonalTexts()); err != nil {
		return connectors.TargetOrder{}, err
	}
	return connectors.TargetOrder{ID: answer.Id, Number: answer.number(), Kind: kind}, nil
}

// Currency is options.currency; the first write checks it against the
// company settings (a Currency without a context cannot read them).
func (c *Client) Currency() string { return c.cfg.Currency }

// BookedTotal is what eAccounting books for the draft: the rows CreateOrder
// would write (rounding rows included), added up by THE TOTALS RULE:
//
//	row amount = round2(Quantity × UnitPrice × (1 − DiscountPercentage)), half away from zero
//	per VAT rate: sum the row amounts;
//	  prices incl. VAT: VAT = round2(sum × r/(1+r)), total = sum
//	  prices excl. VAT: VAT = round2(sum × r),       total = sum + VAT
//	no cash rounding.
//
// Before the customer step the draft names no customer: the order's own
// customer type (a company or a person) decides whether prices include VAT.
func (c *Client) BookedTotal(ctx context.Context, d connectors.OrderDraft) (model.Money, error) {
	p, err := c.plan(ctx, "book order", d)
	if err != nil {
		return model.Money{}, err
	}
	return model.NewMoney(p.total, d.Order.Currency), nil
}

// row is one document row as planned: an article, a quantity, a unit price
// in the document's basis (incl. or excl. VAT) and a discount in
// ten-thousandths (1000 = 10 %).
type row struct {
	articleID string
	text      string
	qty       model.Quantity
	price     int64
	discount  int64
	rate      model.VATRate
}

// amount is the row's amount by the totals rule.
func (r row) amount() int64 {
	return mulDivRound(int64(r.qty)*r.price, 10000-r.discount, model.QuantityScale*10000)
}

// totalOf adds rows up by the totals rule.
func totalOf(rows []row, includesVat bool) int64 {
	sums := map[model.VATRate]int64{}
	for _, r := range rows {
		sums[r.rate] += r.amount()
	}
	var total int64
	for rate, sum := range sums {
		total += sum + vatOf(sum, rate, includesVat)
	}
	return total
}

// vatOf is the VAT a document adds to a rate's sum; with prices incl. VAT
// it is inside the sum and adds nothing.
func vatOf(sum int64, rate model.VATRate, includesVat bool) int64 {
	if includesVat {
		return 0
	}
	return mulDivRound(sum, int64(rate), 10000)
}

// plan is a document before it goes on the wire.
type plan struct {
	includesVat bool
	rows        []row
	total       int64
}

// charge is one thing the order charges: a line, the shipping costs or an
// adjustment, in the source's basis.
type charge struct {
	line   model.OrderLine
	option string // the option naming its article ("" for a product line)
	table  RateTable
	label  string // for messages: "SKU X", "shipping costs"
}

// plan maps the draft to rows: every check that can fail on our own data
// runs here, before anything is written.
func (c *Client) plan(ctx context.Context, op string, d connectors.OrderDraft) (plan, error) {
	o := d.Order
	if err := c.checkCurrency(ctx, op); err != nil {
		return plan{}, err
	}
	if o.Currency != "" && !strings.EqualFold(o.Currency, c.cfg.Currency) {
		return plan{}, invalid(op, "order %s is in %s; eAccounting books in %s", label(o), o.Currency, c.cfg.Currency)
	}
	includesVat, err := c.includesVat(ctx, d)
	if err != nil {
		return plan{}, err
	}
	charges := []charge{}
	for _, l := range o.Lines {
		charges = append(charges, charge{line: l, label: "SKU " + l.SKU})
	}
	if o.ShippingCost.Amount != 0 {
		text := strings.TrimSpace(o.ShippingMethod)
		charges = append(charges, charge{line: model.OrderLine{Name: text, Quantity: model.Pieces(1), UnitPrice: o.ShippingCost, VAT: o.ShippingVAT},
			option: "shippingArticles", table: c.cfg.ShippingArticles, label: "shipping costs"})
	}
	for _, a := range o.Adjustments {
		if a.Amount.Amount == 0 {
			continue
		}
		ch := charge{line: model.OrderLine{Name: a.Description, Quantity: model.Pieces(1), UnitPrice: a.Amount, VAT: a.VAT},
			option: "costArticles", table: c.cfg.CostArticles, label: "a cost"}
		if a.Kind == model.AdjustmentDiscount {
			ch.option, ch.table, ch.label = "discountArticles", c.cfg.DiscountArticles, "a discount"
		}
		if a.Description != "" {
			ch.label += " (" + a.Description + ")"
		}
		charges = append(charges, ch)
	}

	numbers := o.SKUs()
	for _, t := range []RateTable{c.cfg.ShippingArticles, c.cfg.DiscountArticles, c.cfg.CostArticles, c.cfg.FallbackArticles, c.cfg.RoundingArticles} {
		numbers = append(numbers, t.values()...)
	}
	articles, err := c.orderArticles(ctx, numbers)
	if err != nil {
		return plan{}, err
	}
	// configured finds an option's article of a rate and checks its coding.
	configured := func(option string, t RateTable, rate model.VATRate, what string) (Article, error) {
		number, ok := t.For(rate)
		if !ok {
			return Article{}, misconfigured(op, "order %s has %s at %s VAT, but options.%s names no article for %s", label(o), what, rate, option, rate)
		}
		a, ok := articles[number]
		if !ok {
			return Article{}, misconfigured(op, "options.%s names article %q for %s, but eAccounting has no article with that number", option, number, rate)
		}
		got, err := c.codingRate(ctx, a.CodingId)
		if err != nil {
			return Article{}, err
		}
		if got != rate {
			return Article{}, misconfigured(op, "options.%s names article %q for %s, but its coding's VAT rate is %s; name an article of %s", option, number, rate, got, rate)
		}
		return a, nil
	}

	var p plan
	p.includesVat = includesVat
	gross := map[model.VATRate]int64{} // what the source charges per rate, incl. VAT
	for _, ch := range charges {
		l := ch.line
		var a Article
		text := ""
		if ch.option == "" {
			found, ok := articles[l.SKU]
			id := d.ProductIDs[l.SKU]
			switch {
			case ok:
				if id == "" {
					id = found.Id
				}
				got, err := c.codingRate(ctx, found.CodingId)
				if err != nil {
					return plan{}, err
				}
				if got != l.VAT {
					return plan{}, invalid(op, "order %s: SKU %s has %s VAT on the order, but its article's coding has %s; give the article a coding of %s (or fix the VAT in the shop)",
						label(o), l.SKU, l.VAT, got, l.VAT)
				}
				a = found
				a.Id = id
			default:
				fb, err := configured("fallbackArticles", c.cfg.FallbackArticles, l.VAT, "SKU "+l.SKU+", which has no article,")
				if err != nil {
					return plan{}, err
				}
				a, text = fb, l.Name
			}
		} else {
			var err error
			if a, err = configured(ch.option, ch.table, l.VAT, ch.label); err != nil {
				return plan{}, err
			}
			text = l.Name
		}
		p.rows = append(p.rows, rowFor(o, l, a.Id, cut(text, 2000), includesVat))
		// the line incl. VAT as the order's total counts it (ComputedTotal)
		gross[l.VAT] += model.LinesTotal([]model.OrderLine{l}, o.PricesIncludeVAT, "").Amount
	}
	if err := c.roundRows(ctx, op, o, &p, gross, configured); err != nil {
		return plan{}, err
	}
	p.total = totalOf(p.rows, includesVat)
	return p, nil
}

// includesVat tells whether the document's prices include VAT: the company
// shows prices incl. VAT (ShowPricesExclVatPC) and the customer is a
// private person (the contract's IncludesVat).
func (c *Client) includesVat(ctx context.Context, d connectors.OrderDraft) (bool, error) {
	s, err := c.settings(ctx)
	if err != nil || !s.ShowPricesExclVatPC {
		return false, err
	}
	if d.CustomerID == "" {
		return d.Order.Customer.Kind != model.CustomerCompany, nil
	}
	var cu Customer
	if err := c.get(ctx, OpGetCustomer, "/customers/"+d.CustomerID, nil, &cu); err != nil {
		return false, err
	}
	return cu.IsPrivatePerson, nil
}

// rowFor prices one charge in the document's basis. A line discount becomes
// a DiscountPercentage (4 decimals) when that gives the discounted amount
// exactly; otherwise the row carries the discounted unit price and no
// discount (DiscountFixedAmount is read-only).
func rowFor(o model.Order, l model.OrderLine, articleID, text string, includesVat bool) row {
	r := row{articleID: articleID, text: text, qty: l.Quantity, rate: l.VAT}
	price := convert(l.UnitPrice.Amount, l.VAT, o.PricesIncludeVAT, includesVat)
	sell := convert(l.NetUnitPrice().Amount, l.VAT, o.PricesIncludeVAT, includesVat)
	r.price = sell
	if l.UnitDiscount.Amount > 0 && price > 0 && sell >= 0 {
		want := mulDivRound(int64(l.Quantity), sell, model.QuantityScale)
		bp := mulDivRound(price-sell, 10000, price)
		try := row{qty: l.Quantity, price: price, discount: bp}
		if bp > 0 && bp <= 10000 && try.amount() == want {
			r.price, r.discount = price, bp
		}
	}
	return r
}

// convert turns a unit price from the source's basis into the document's,
// rounded half away from zero to the cent.
func convert(price int64, rate model.VATRate, fromGross, toGross bool) int64 {
	switch {
	case fromGross == toGross:
		return price
	case fromGross:
		return mulDivRound(price, 10000, 10000+int64(rate))
	default:
		return mulDivRound(price, 10000+int64(rate), 10000)
	}
}

// roundRows makes the document's total equal the source's to the cent, per
// VAT rate: with prices incl. VAT a rate's rows must add up to the source's
// gross G; without, to a net N whose N + round2(N × r) is G. What the rows
// miss goes on a rounding row (options.roundingArticle) of that rate. A
// gross no net amount reaches (21 %: N = 2 gives 2.00+0.42=2.42, N = 3…)
// leaves a cent for a 0 % rounding row.
func (c *Client) roundRows(ctx context.Context, op string, o model.Order, p *plan, gross map[model.VATRate]int64,
	configured func(string, RateTable, model.VATRate, string) (Article, error)) error {
	rates := make([]model.VATRate, 0, len(gross))
	for r := range gross {
		rates = append(rates, r)
	}
	sort.Slice(rates, func(i, j int) bool { return rates[i] > rates[j] })
	sums := map[model.VATRate]int64{}
	for _, r := range p.rows {
		sums[r.rate] += r.amount()
	}
	type fix struct {
		rate   model.VATRate
		amount int64
	}
	var fixes []fix
	var left int64 // cents no rate's rows can take
	for _, rate := range rates {
		target, short := gross[rate], int64(0)
		if !p.includesVat {
			target, short = netFor(gross[rate], sums[rate], rate)
		}
		left += short
		if d := target - sums[rate]; d != 0 {
			fixes = append(fixes, fix{rate, d})
		}
	}
	if left != 0 {
		fixes = append(fixes, fix{0, left})
	}
	if len(fixes) == 0 {
		return nil
	}
	if c.cfg.RoundingArticles.IsZero() {
		booked := totalOf(p.rows, p.includesVat)
		want := o.ComputedTotal().Amount
		return invalid(op, "order %s: eAccounting would book %s, but the order's total is %s (a difference of %s: eAccounting adds VAT per rate over the document, the shop per line or with prices %s VAT); "+
			"set options.roundingArticle to an article per VAT rate (21%%=AFRONDING-21, 9%%=AFRONDING-9, 0%%=AFRONDING-0) to book the difference on a rounding row; nothing was written",
			label(o), model.FormatMinor(booked, 2), model.FormatMinor(want, 2), model.FormatMinor(want-booked, 2), map[bool]string{true: "incl.", false: "excl."}[o.PricesIncludeVAT])
	}
	for _, f := range fixes {
		a, err := configured("roundingArticle", c.cfg.RoundingArticles, f.rate, "a rounding difference of "+model.FormatMinor(f.amount, 2))
		if err != nil {
			return err
		}
		p.rows = append(p.rows, row{articleID: a.Id, qty: model.Pieces(1), price: f.amount, rate: f.rate})
	}
	return nil
}

// netFor finds the net amount N nearest to have whose N + round2(N × r) is
// gross. When none is (the VAT jumps a cent), it returns the N of gross − 1
// and short = 1: a cent for a 0 % row.
func netFor(gross, have int64, rate model.VATRate) (n, short int64) {
	f := func(n int64) int64 { return n + mulDivRound(n, int64(rate), 10000) }
	guess := mulDivRound(gross, 10000, 10000+int64(rate))
	for _, want := range []int64{gross, gross - 1} {
		best, found := int64(0), false
		for n := guess - 3; n <= guess+3; n++ {
			if f(n) == want && (!found || abs(n-have) < abs(best-have)) {
				best, found = n, true
			}
		}
		if found {
			return best, gross - want
		}
	}
	return guess, gross - f(guess)
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func label(o model.Order) string {
	if o.Number != "" {
		return o.Number
	}
	return o.ID
}

// document puts a plan on the wire as kind: each kind takes its own subset
// of fields (the contract marks the others read-only).
func (c *Client) document(ctx context.Context, op string, kind connectors.OrderKind, d connectors.OrderDraft, p plan) (wireDocument, error) {
	o := d.Order
	date := o.CreatedAt
	if date.IsZero() {
		date = c.cfg.Now()
	}
	// The contract types the dates as date-time (its text says "YYYY-MM-DD",
	// research §2.5 too): the order's own day at midnight UTC.
	day := date.Format("2006-01-02") + "T00:00:00Z"
	doc := wireDocument{CustomerId: d.CustomerID}
	no := false

	// Rows: drafts and invoices take quantities with 2 decimals, orders
	// and quotes with 4 (a model.Quantity has 3).
	for i, r := range p.rows {
		if (kind == connectors.KindInvoice || kind == connectors.KindSalesInvoice) && int64(r.qty)%10 != 0 {
			return doc, invalid(op, "order %s: a quantity of %s has more decimals than an eAccounting invoice takes (2); write such orders as orderType order or quote",
				label(o), r.qty)
		}
		w := wireRow{ArticleId: r.articleID, Text: r.text, UnitPrice: money(r.price), DiscountPercentage: fraction(r.discount), Quantity: quantity(r.qty)}
		switch kind {
		case connectors.KindOrder:
			n := i + 1
			w.LineNumber, w.IsTextRow, w.IsWorkCost, w.EligibleForReverseChargeOnVat = &n, &no, &no, &no
		case connectors.KindInvoice:
			w.IsTextRow, w.IsWorkCost, w.ReversedConstructionServicesVatFree = &no, &no, &no
		}
		doc.Rows = append(doc.Rows, w)
	}

	// References: the key, the shop's order number, and OurReference from
	// the mapping rules.
	our := strings.TrimSpace(d.Extra[ExtraOurReference])
	if len([]rune(our)) > maxReference {
		return doc, invalid(op, "order %s: extra.%s is longer than %d characters", label(o), ExtraOurReference, maxReference)
	}
	buyers := strings.TrimSpace(o.Number)
	if len([]rune(buyers)) > maxBuyersReference {
		buyers = "" // a reference for people only; the key is in YourReference
	}
	doc.BuyersOrderReference = buyers
	if kind == connectors.KindQuote {
		doc.CustomerReference, doc.CompanyReference = d.ExternalID, our
	} else {
		doc.YourReference, doc.OurReference = d.ExternalID, our
	}

	// Payment terms: terms of payment named by the payment method (the
	// flow's paymentMethods maps the shop's method to their name), else
	// those of the draft's days (a quote's TermsOfPayment is an object whose
	// Id the contract marks read-only: a quote keeps the customer's terms).
	termDays := d.PaymentTermDays
	if kind != connectors.KindQuote {
		t, named, err := c.termsNamed(ctx, d.PaymentMethod)
		switch {
		case err != nil:
			return doc, err
		case named:
			doc.TermsOfPaymentId, termDays = t.Id, t.NumberOfDays
		case d.PaymentTermDays > 0:
			id, err := c.termsFor(ctx, op, d.PaymentTermDays, "flows.orders.paymentTerms")
			if err != nil {
				return doc, err
			}
			doc.TermsOfPaymentId = id
		}
	}

	switch kind {
	case connectors.KindOrder:
		doc.CurrencyCode, doc.Status, doc.OrderDate = strings.ToUpper(c.cfg.Currency), OrderStatusOngoing, day
		doc.ReverseChargeOnConstructionServices = &no
	case connectors.KindInvoice, connectors.KindSalesInvoice:
		doc.InvoiceDate = day
		if termDays > 0 {
			doc.DueDate = date.AddDate(0, 0, termDays).Format("2006-01-02") + "T00:00:00Z"
		}
	case connectors.KindQuote:
		doc.QuoteDate = day
	}
	// Delivery method: orders and drafts take its name and code (its Id is
	// read-only); invoices and quotes keep the customer's.
	if m := strings.TrimSpace(d.ShippingMethod); m != "" && (kind == connectors.KindOrder || kind == connectors.KindInvoice) {
		dm, err := c.deliveryMethod(ctx, op, m)
		if err != nil {
			return doc, err
		}
		doc.DeliveryMethodName, doc.DeliveryMethodCode = cut(dm.Name, 50), dm.Code
	}
	if kind != connectors.KindQuote { // a quote's addresses are the customer's (read-only)
		if err := documentAddresses(op, kind, o, &doc); err != nil {
			return doc, err
		}
	}
	return doc, nil
}

// documentAddresses copies the order's addresses onto the document, as far
// as the kind takes them. Names are cut to the field's length; an address
// line that does not fit fails (cutting it could send goods elsewhere).
func documentAddresses(op string, kind connectors.OrderKind, o model.Order, doc *wireDocument) error {
	cu := o.Customer
	bill, ship := cu.Billing, cu.Shipping
	if bill.IsZero() {
		bill = ship
	}
	var problems []string
	fit := func(field, v string, n int) string {
		v = strings.TrimSpace(v)
		if len([]rune(v)) > n {
			problems = append(problems, fmt.Sprintf("%s is longer than %d characters", field, n))
			return ""
		}
		return v
	}
	name := func(a model.Address) string {
		for _, s := range []string{a.Company, a.Name, cu.DisplayName()} {
			if strings.TrimSpace(s) != "" {
				return s
			}
		}
		return ""
	}
	if !bill.IsZero() {
		doc.InvoiceAddress1 = fit("InvoiceAddress1", bill.StreetLine(), 50)
		doc.InvoiceAddress2 = fit("InvoiceAddress2", bill.Line2, 50)
		switch kind {
		case connectors.KindOrder:
			doc.InvoiceCustomerName = cut(name(bill), 50)
			doc.InvoicePostalCode = fit("InvoicePostalCode", bill.PostalCode, 10)
			doc.InvoiceCity = bill.City // no maxLength on an order
			doc.InvoiceCountryCode = fit("InvoiceCountryCode", bill.CountryCode, 2)
		case connectors.KindSalesInvoice:
			doc.InvoicePostalCode = fit("InvoicePostalCode", bill.PostalCode, 50)
			doc.InvoiceCity = fit("InvoiceCity", bill.City, 50)
			doc.InvoiceCountryCode = fit("InvoiceCountryCode", bill.CountryCode, 2)
		}
	}
	if !ship.IsZero() {
		n := 100
		if kind == connectors.KindInvoice {
			n = 50
		}
		doc.DeliveryCustomerName = cut(name(ship), n)
		doc.DeliveryAddress1 = fit("DeliveryAddress1", ship.StreetLine(), 50)
		doc.DeliveryAddress2 = fit("DeliveryAddress2", ship.Line2, 50)
		doc.DeliveryPostalCode = fit("DeliveryPostalCode", ship.PostalCode, 10)
		doc.DeliveryCity = fit("DeliveryCity", ship.City, 50)
		doc.DeliveryCountryCode = fit("DeliveryCountryCode", ship.CountryCode, 2)
	}
	if len(problems) > 0 {
		return invalid(op, "order %s: the address does not fit eAccounting: %s", label(o), strings.Join(problems, "; "))
	}
	return nil
}
