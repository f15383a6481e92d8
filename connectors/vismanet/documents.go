package vismanet

import (
	"context"
	"sort"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// Sales orders and customer invoices: documents of lines whose VAT Visma.net
// computes. A line is an item (the SKU's inventory number; shipping,
// discounts and costs on the items the options name, since the DTOs have no
// field for them) or, on an invoice, an account. The plan prices every line
// in the document's basis (options.pricesIncludeVat), adds the lines up by
// the rule of BookedTotal, and adds a rounding line per VAT rate where
// Visma.net's VAT over the document would miss the shop's total by a cent.

// docLine is one document line as planned.
type docLine struct {
	item    string // inventory number; "" books an invoice line on account
	account string // an invoice line's account ("" : the item's own)
	text    string
	qty     model.Quantity
	price   int64 // unit price in cents, in the document's basis
	// discount is the line's discount amount in cents: round2(qty×price)
	// less the amount the source charges.
	discount int64
	rate     model.VATRate
	vatCode  string
	// product lines go to options.warehouse on a sales order.
	product bool
}

// amount is the line's amount by the totals rule.
func (l docLine) amount() int64 {
	return mulDivRound(int64(l.qty), l.price, model.QuantityScale) - l.discount
}

// docPlan is a document before it goes on the wire.
type docPlan struct {
	lines []docLine
	total int64
}

// totalOf adds lines up by the totals rule.
func totalOf(lines []docLine, includesVat bool) int64 {
	sums := map[model.VATRate]int64{}
	for _, l := range lines {
		sums[l.rate] += l.amount()
	}
	var total int64
	for rate, sum := range sums {
		total += sum + vatOf(sum, rate, includesVat)
	}
	return total
}

// vatOf is the VAT a document adds to a rate's sum; with prices incl. VAT
// it is inside the sum.
func vatOf(sum int64, rate model.VATRate, includesVat bool) int64 {
	if includesVat {
		return 0
	}
	return mulDivRound(sum, int64(rate), 10000)
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

// charge is one thing the order charges beside its product lines.
type charge struct {
	line          model.OrderLine
	item, account string // the options' item and account
	itemOption    string // "shippingItem" …
	accountOption string
	label         string
}

// plan maps a sales order or invoice draft to lines; every check that can
// fail on Koppel's own data runs here, before anything is written.
func (c *Client) plan(ctx context.Context, op string, d connectors.OrderDraft) (docPlan, error) {
	o := d.Order
	invoice := d.Kind == connectors.KindInvoice
	if err := c.checkOrderCurrency(op, o); err != nil {
		return docPlan{}, err
	}
	incl := c.opt.PricesIncludeVat
	revenue := strings.TrimSpace(d.Accounting.RevenueAccount)
	if revenue == "" {
		revenue = c.opt.RevenueAccount
	}

	// Which SKUs are items: the flow's lookup, else ours (cached).
	items := map[string]string{}
	var unknown []string
	for _, sku := range o.SKUs() {
		if id := d.ProductIDs[sku]; id != "" {
			items[sku] = id
		} else {
			unknown = append(unknown, sku)
		}
	}
	var charges []charge
	if o.ShippingCost.Amount != 0 {
		text := strings.TrimSpace(o.ShippingMethod)
		if text == "" {
			text = "Shipping"
		}
		charges = append(charges, charge{line: model.OrderLine{Name: text, Quantity: model.Pieces(1), UnitPrice: o.ShippingCost, VAT: o.ShippingVAT},
			item: c.opt.ShippingItem, itemOption: "shippingItem", account: c.opt.ShippingAccount, accountOption: "shippingAccount", label: "shipping costs"})
	}
	for _, a := range o.Adjustments {
		if a.Amount.Amount == 0 {
			continue
		}
		ch := charge{line: model.OrderLine{Name: a.Description, Quantity: model.Pieces(1), UnitPrice: a.Amount, VAT: a.VAT},
			item: c.opt.CostItem, itemOption: "costItem", account: c.opt.CostAccount, accountOption: "costAccount", label: "a cost"}
		if a.Kind == model.AdjustmentDiscount {
			ch.item, ch.itemOption, ch.account, ch.accountOption, ch.label = c.opt.DiscountItem, "discountItem", c.opt.DiscountAccount, "discountAccount", "a discount"
		}
		if ch.line.Name == "" {
			ch.line.Name = map[bool]string{true: "Discount", false: "Costs"}[a.Kind == model.AdjustmentDiscount]
		}
		charges = append(charges, ch)
	}
	// The options' items must exist too: one lookup for all.
	var optionItems []string
	for _, ch := range charges {
		if ch.item != "" {
			optionItems = append(optionItems, ch.item)
		}
	}
	if c.opt.RoundingItem != "" {
		optionItems = append(optionItems, c.opt.RoundingItem)
	}
	if len(unknown)+len(optionItems) > 0 {
		found, err := c.LookupProducts(ctx, append(unknown, optionItems...))
		if err != nil {
			return docPlan{}, err
		}
		var missing []string
		for _, sku := range unknown {
			if id := found[sku]; id != "" {
				items[sku] = id
			} else {
				missing = append(missing, sku)
			}
		}
		if len(missing) > 0 && !invoice {
			return docPlan{}, invalid(op, "order %s: a sales order line must be an item, and Visma.net has no item %s; create them, or write such orders as orderType invoice",
				label(o), strings.Join(missing, ", "))
		}
		for _, name := range optionItems {
			if found[name] == "" {
				option := "roundingItem"
				for _, ch := range charges {
					if ch.item == name {
						option = ch.itemOption
					}
				}
				return docPlan{}, misconfigured(op, "options.%s names item %q, which Visma.net does not have", option, name)
			}
		}
	}

	var p docPlan
	gross := map[model.VATRate]int64{} // what the source charges per rate, incl. VAT
	add := func(l model.OrderLine, dl docLine) {
		dl.qty, dl.rate, dl.vatCode = l.Quantity, l.VAT, d.Accounting.CodeFor(l.VAT)
		price := convert(l.UnitPrice.Amount, l.VAT, o.PricesIncludeVAT, incl)
		sell := convert(l.NetUnitPrice().Amount, l.VAT, o.PricesIncludeVAT, incl)
		dl.price = price
		if sell != price {
			dl.discount = mulDivRound(int64(l.Quantity), price, model.QuantityScale) - mulDivRound(int64(l.Quantity), sell, model.QuantityScale)
		}
		p.lines = append(p.lines, dl)
		gross[l.VAT] += model.LinesTotal([]model.OrderLine{l}, o.PricesIncludeVAT, "").Amount
	}
	for _, l := range o.Lines {
		dl := docLine{item: items[l.SKU], text: l.Name, product: true}
		if invoice {
			dl.account = revenue
			if dl.item == "" {
				if revenue == "" {
					return docPlan{}, misconfigured(op, "order %s: SKU %s has no item in Visma.net, so its invoice line is booked on an account, but neither the flow's revenue account nor options.revenueAccount names one",
						label(o), l.SKU)
				}
				dl.text = strings.TrimSpace(l.SKU + " " + l.Name)
			}
		}
		add(l, dl)
	}
	for _, ch := range charges {
		dl := docLine{item: ch.item, text: ch.line.Name}
		switch {
		case !invoice && ch.item == "":
			return docPlan{}, misconfigured(op, "order %s has %s, but options.%s names no item to write it on (a sales order line must be an item)", label(o), ch.label, ch.itemOption)
		case invoice:
			dl.account = firstOf(ch.account, revenue)
			if ch.item == "" && dl.account == "" {
				return docPlan{}, misconfigured(op, "order %s has %s, but neither options.%s nor options.%s (nor a revenue account) says where to book it", label(o), ch.label, ch.itemOption, ch.accountOption)
			}
		}
		add(ch.line, dl)
	}
	if err := c.roundLines(op, d, &p, gross, incl, invoice, revenue); err != nil {
		return docPlan{}, err
	}
	p.total = totalOf(p.lines, incl)
	return p, nil
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// roundLines makes the document's total equal the source's to the cent,
// per VAT rate: with prices incl. VAT a rate's lines must add up to the
// source's gross G; without, to a net N whose N + round2(N × r) is G. What
// the lines miss goes on a rounding line of that rate (options.roundingItem,
// or on an invoice options.roundingAccount). A gross no net amount reaches
// (21 %: 2.00 → 2.42, 2.01 → 2.43: no N gives 2.43 − 0.01…) leaves a cent
// for a rounding line at 0 %.
func (c *Client) roundLines(op string, d connectors.OrderDraft, p *docPlan, gross map[model.VATRate]int64, incl, invoice bool, revenue string) error {
	rates := make([]model.VATRate, 0, len(gross))
	for r := range gross {
		rates = append(rates, r)
	}
	sort.Slice(rates, func(i, j int) bool { return rates[i] > rates[j] })
	sums := map[model.VATRate]int64{}
	for _, l := range p.lines {
		sums[l.rate] += l.amount()
	}
	type fix struct {
		rate   model.VATRate
		amount int64
	}
	var fixes []fix
	var left int64
	for _, rate := range rates {
		target, short := gross[rate], int64(0)
		if !incl {
			target, short = netFor(gross[rate], sums[rate], rate)
		}
		left += short
		if diff := target - sums[rate]; diff != 0 {
			fixes = append(fixes, fix{rate, diff})
		}
	}
	if left != 0 {
		fixes = append(fixes, fix{0, left})
	}
	if len(fixes) == 0 {
		return nil
	}
	o := d.Order
	if c.opt.RoundingItem == "" && (!invoice || c.opt.RoundingAccount == "") {
		booked := totalOf(p.lines, incl)
		want := o.ComputedTotal().Amount
		what := "options.roundingItem"
		if invoice {
			what += " or options.roundingAccount"
		}
		return invalid(op, "order %s: Visma.net would book %s, but the order's total is %s (a difference of %s: Visma.net adds VAT per VAT category over the document, the shop per line or with prices %s VAT); set %s to book the difference on a rounding line; nothing was written",
			label(o), model.FormatMinor(booked, 2), model.FormatMinor(want, 2), model.FormatMinor(want-booked, 2),
			map[bool]string{true: "incl.", false: "excl."}[o.PricesIncludeVAT], what)
	}
	for _, f := range fixes {
		l := docLine{item: c.opt.RoundingItem, text: "Rounding", qty: model.Pieces(1), price: f.amount, rate: f.rate, vatCode: d.Accounting.CodeFor(f.rate)}
		if invoice && l.item == "" {
			l.account = c.opt.RoundingAccount
		}
		p.lines = append(p.lines, l)
	}
	return nil
}

// netFor finds the net amount N nearest to have whose N + round2(N × r) is
// gross. When none is (the VAT jumps a cent), it returns the N of gross − 1
// and short = 1: a cent for a 0 % line.
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

// checkDocument checks every code a sales order or invoice will carry.
func (c *Client) checkDocument(ctx context.Context, op string, d connectors.OrderDraft, p docPlan) error {
	if err := c.checkCurrency(ctx, op); err != nil {
		return err
	}
	if err := c.checkBranch(ctx, op); err != nil {
		return err
	}
	if d.Kind == connectors.KindOrder {
		if err := c.checkOrderType(ctx, op); err != nil {
			return err
		}
		if err := c.checkWarehouse(ctx, op, c.opt.Warehouse, "options.warehouse"); err != nil {
			return err
		}
		if m := strings.TrimSpace(d.ShippingMethod); m != "" {
			if err := c.checkShipVia(ctx, op, m); err != nil {
				return err
			}
		}
	}
	if m := strings.TrimSpace(d.PaymentMethod); m != "" {
		if err := c.checkPaymentMethod(ctx, op, m); err != nil {
			return err
		}
	}
	if err := c.vatCodeChecks(ctx, op, d, true); err != nil {
		return err
	}
	if d.Kind == connectors.KindInvoice {
		checked := map[string]bool{}
		for _, l := range p.lines {
			if l.account != "" && !checked[l.account] {
				checked[l.account] = true
				if err := c.checkAccount(ctx, op, l.account, accountSetting(c.opt, d, l.account), false); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// accountSetting names the setting an account comes from, for a message.
func accountSetting(o Options, d connectors.OrderDraft, account string) string {
	for _, s := range []struct{ name, value string }{
		{"countries.*.revenueAccount", d.Accounting.RevenueAccount}, {"options.revenueAccount", o.RevenueAccount},
		{"options.shippingAccount", o.ShippingAccount}, {"options.discountAccount", o.DiscountAccount},
		{"options.costAccount", o.CostAccount}, {"options.roundingAccount", o.RoundingAccount}, {"options.receivableAccount", o.ReceivableAccount},
	} {
		if strings.EqualFold(strings.TrimSpace(s.value), account) {
			return s.name
		}
	}
	for method, a := range o.PaymentMethodAccounts {
		if strings.EqualFold(strings.TrimSpace(a), account) {
			return "options.paymentMethodAccounts (" + method + ")"
		}
	}
	for key, a := range o.VATAccounts {
		if strings.EqualFold(strings.TrimSpace(a), account) {
			return "options.vatAccounts (" + key + ")"
		}
	}
	return "a setting"
}

// createDocument writes a sales order or invoice and returns its number
// and the total BookedTotal computed.
func (c *Client) createDocument(ctx context.Context, d connectors.OrderDraft) (string, int64, error) {
	ops := opsByKind[d.Kind]
	p, err := c.plan(ctx, ops.create, d)
	if err != nil {
		return "", 0, err
	}
	if want := d.Order.ComputedTotal().Amount; p.total != want {
		return "", 0, invalid(ops.create, "order %s: Visma.net would book %s, but the order's total is %s; nothing was written",
			label(d.Order), model.FormatMinor(p.total, 2), model.FormatMinor(want, 2))
	}
	if err := c.checkDocument(ctx, ops.create, d, p); err != nil {
		return "", 0, err
	}
	terms := ""
	if d.PaymentTermDays > 0 {
		if terms, err = c.creditTermsFor(ctx, ops.create, d.PaymentTermDays, "the payment term (flows.orders.paymentTerms, countries.*.paymentTermDays)"); err != nil {
			return "", 0, err
		}
	}
	var body any
	if d.Kind == connectors.KindOrder {
		body = c.salesOrderBody(d, p, terms)
	} else {
		body = c.invoiceBody(d, p, terms)
	}
	number, err := c.create(ctx, ops.create, opPath(ops.create), body, d.Order.Customer.PersonalTexts())
	if err != nil {
		return "", 0, err
	}
	r := docRef{number: number, status: "Balanced"}
	if d.Kind == connectors.KindInvoice && c.opt.InvoiceRelease == "hold" {
		r = docRef{number: number, status: "Hold", hold: true}
	}
	if d.Kind == connectors.KindOrder {
		r.status = "Open"
	}
	c.remember(d.Kind, d.ExternalID, r)
	if d.Kind == connectors.KindInvoice && c.opt.InvoiceRelease == "release" {
		if err := c.release(ctx, d.Kind, number); err != nil {
			return "", 0, err
		}
	}
	return number, p.total, nil
}

// salesOrderBody puts a plan on the wire as a SalesOrderUpdateDto.
func (c *Client) salesOrderBody(d connectors.OrderDraft, p docPlan, terms string) SalesOrderUpdate {
	o := d.Order
	so := SalesOrderUpdate{
		OrderType: V(c.opt.OrderType), Date: V(c.orderDay(o)), Customer: V(strings.TrimSpace(d.CustomerID)),
		CustomerOrder: VIf(o.Number), CustomerRefNo: V(d.ExternalID), Currency: VIf(strings.ToUpper(o.Currency)),
		Description: V(description(d)), Note: VIf(note(d)), BranchNumber: VIf(c.opt.BranchNumber), Terms: VIf(terms),
		PaymentMethod: VIf(d.PaymentMethod), ShipVia: VIf(d.ShippingMethod), SalesPerson: VIf(extra(d, ExtraSalesPerson)),
	}
	if c.opt.DocumentNumbers == "externalId" {
		so.OrderNumber, so.OverrideNumberSeries = V(d.ExternalID), V(true)
	}
	bill, ship := billingOf(o.Customer), o.Customer.Shipping
	so.BillingAddress, so.BillingContact = docAddress(bill), docContact(o.Customer, bill)
	if !ship.IsZero() {
		so.ShippingAddress, so.ShippingContact = docAddress(ship), docContact(o.Customer, ship)
	}
	so.Lines = []SalesOrderLineUpdate{}
	for _, l := range p.lines {
		w := SalesOrderLineUpdate{Operation: OperationInsert, InventoryNumber: V(l.item), Quantity: V(Qty(l.qty)),
			UnitPrice: V(Cents(l.price)), LineDescription: VIf(l.text), TaxCategory: VIf(l.vatCode)}
		if l.discount != 0 {
			w.DiscountAmount, w.ManualDiscount = V(Cents(l.discount)), V(true)
		}
		if l.product {
			w.Warehouse = VIf(c.opt.Warehouse)
		}
		so.Lines = append(so.Lines, w)
	}
	return so
}

// invoiceBody puts a plan on the wire as a CustomerInvoiceUpdateDto.
func (c *Client) invoiceBody(d connectors.OrderDraft, p docPlan, terms string) CustomerInvoiceUpdate {
	o := d.Order
	inv := CustomerInvoiceUpdate{
		CustomerNumber: V(strings.TrimSpace(d.CustomerID)), DocumentDate: V(c.orderDay(o)), CurrencyID: VIf(strings.ToUpper(o.Currency)),
		CustomerRefNumber: V(d.ExternalID), InvoiceText: V(description(d)), Hold: V(c.opt.InvoiceRelease == "hold"),
		CreditTermsID: VIf(terms), PaymentMethodID: VIf(d.PaymentMethod), BranchNumber: VIf(c.opt.BranchNumber),
		Note: VIf(note(d)), Salesperson: VIf(extra(d, ExtraSalesPerson)),
	}
	if c.opt.DocumentNumbers == "externalId" {
		inv.ReferenceNumber, inv.OverrideNumberSeries = V(d.ExternalID), V(true)
	}
	bill := billingOf(o.Customer)
	inv.BillingAddress, inv.InvoiceContact = docAddress(bill), docContact(o.Customer, bill)
	inv.InvoiceLines = []CustomerInvoiceLineUpdate{}
	for _, l := range p.lines {
		w := CustomerInvoiceLineUpdate{Operation: OperationInsert, InventoryNumber: VIf(l.item), Description: VIf(l.text),
			Quantity: V(Qty(l.qty)), UnitPriceInCurrency: V(Cents(l.price)), AccountNumber: VIf(l.account), VATCodeID: VIf(l.vatCode)}
		if l.discount != 0 {
			w.DiscountAmountInCurrency, w.ManualDiscount = V(Cents(l.discount)), V(true)
		}
		inv.InvoiceLines = append(inv.InvoiceLines, w)
	}
	return inv
}
