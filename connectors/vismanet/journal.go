package vismanet

import (
	"context"
	"sort"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// The financial mutation: a journal transaction (v2/journaltransaction)
// that books the sale, balanced to the cent and released:
//
//	debit   the order's total                on the payment method's account
//	                                          (options.paymentMethodAccounts),
//	                                          else options.receivableAccount
//	credit  the net amount per account and   revenue: the flow's revenue account
//	        VAT code                          per country, else
//	                                          options.revenueAccount; shipping,
//	                                          discounts and costs on their own
//	                                          accounts when the options name them
//	credit  the VAT per VAT code or rate      options.vatAccounts
//
// Net and VAT are the shop's: with prices excl. VAT each line's VAT is
// rounded as the shop does (model.LinesTotal); with prices incl. VAT the
// VAT of a rate is round2(gross × r/(1+r)) over the rate's gross, and the
// net amounts of the rate's lines are made to add up to gross − VAT. The
// debit is the sum of the grosses, so debit = credit exactly. A net amount
// below zero (a discount on its own account) is a debit. Every line carries
// the order's key in referenceNumber: FindOrder looks the key up there.

// journalLine is one line as planned: amount > 0 credits, < 0 debits.
type journalLine struct {
	account string
	amount  int64
	text    string
	vatCode string        // revenue lines: the VAT category
	vatRate model.VATRate // VAT lines: the rate they carry
	isVAT   bool
}

type journalPlan struct {
	lines []journalLine
	total int64
}

// journalCharge is one thing the order charges, as the journal books it.
type journalCharge struct {
	gross, net int64
	rate       model.VATRate
	account    string
}

// planJournal maps the draft to balanced lines.
func (c *Client) planJournal(ctx context.Context, op string, d connectors.OrderDraft) (journalPlan, error) {
	o := d.Order
	if err := c.checkOrderCurrency(op, o); err != nil {
		return journalPlan{}, err
	}
	revenue := strings.TrimSpace(d.Accounting.RevenueAccount)
	if revenue == "" {
		revenue = c.opt.RevenueAccount
	}
	var charges []journalCharge
	addCharge := func(l model.OrderLine, account string) error {
		if account == "" {
			account = revenue
		}
		if account == "" {
			return misconfigured(op, "order %s: no revenue account to credit; set countries.*.revenueAccount or options.revenueAccount", label(o))
		}
		amount := l.LineTotal().Amount
		ch := journalCharge{rate: l.VAT, account: account}
		if o.PricesIncludeVAT {
			ch.gross = amount
		} else {
			ch.net, ch.gross = amount, amount+mulDivRound(amount, int64(l.VAT), 10000)
		}
		charges = append(charges, ch)
		return nil
	}
	for _, l := range o.Lines {
		if err := addCharge(l, ""); err != nil {
			return journalPlan{}, err
		}
	}
	if o.ShippingCost.Amount != 0 {
		if err := addCharge(model.OrderLine{Quantity: model.Pieces(1), UnitPrice: o.ShippingCost, VAT: o.ShippingVAT}, c.opt.ShippingAccount); err != nil {
			return journalPlan{}, err
		}
	}
	for _, a := range o.Adjustments {
		if a.Amount.Amount == 0 {
			continue
		}
		account := c.opt.CostAccount
		if a.Kind == model.AdjustmentDiscount {
			account = c.opt.DiscountAccount
		}
		if err := addCharge(model.OrderLine{Quantity: model.Pieces(1), UnitPrice: a.Amount, VAT: a.VAT}, account); err != nil {
			return journalPlan{}, err
		}
	}

	// Gross and VAT per rate.
	byRate := map[model.VATRate][]int{}
	for i, ch := range charges {
		byRate[ch.rate] = append(byRate[ch.rate], i)
	}
	rates := make([]model.VATRate, 0, len(byRate))
	for r := range byRate {
		rates = append(rates, r)
	}
	sort.Slice(rates, func(i, j int) bool { return rates[i] > rates[j] })
	vat := map[model.VATRate]int64{}
	var total int64
	for _, r := range rates {
		idx := byRate[r]
		var g int64
		for _, i := range idx {
			g += charges[i].gross
		}
		total += g
		if !o.PricesIncludeVAT {
			var n int64
			for _, i := range idx {
				n += charges[i].net
			}
			vat[r] = g - n
			continue
		}
		v := mulDivRound(g, int64(r), 10000+int64(r))
		vat[r] = v
		// Each line's net, then the cents the rounding lost on the largest.
		var nets int64
		largest := idx[0]
		for _, i := range idx {
			charges[i].net = mulDivRound(charges[i].gross, 10000, 10000+int64(r))
			nets += charges[i].net
			if abs(charges[i].gross) > abs(charges[largest].gross) {
				largest = i
			}
		}
		charges[largest].net += g - v - nets
	}

	// The debit.
	debit := ""
	if m := strings.TrimSpace(d.PaymentMethod); m != "" {
		for method, account := range c.opt.PaymentMethodAccounts {
			if strings.EqualFold(method, m) {
				debit = strings.TrimSpace(account)
			}
		}
	}
	if debit == "" {
		debit = c.opt.ReceivableAccount
	}
	if debit == "" {
		return journalPlan{}, misconfigured(op, "order %s: no account to debit the total to; set options.receivableAccount (or options.paymentMethodAccounts for payment method %q)", label(o), d.PaymentMethod)
	}
	text := "Order " + label(o)
	p := journalPlan{total: total}
	p.lines = append(p.lines, journalLine{account: debit, amount: -total, text: text})

	// Credits: net per account and VAT code, in order of appearance.
	type key struct{ account, code string }
	var order []key
	nets := map[key]int64{}
	for _, ch := range charges {
		k := key{ch.account, d.Accounting.CodeFor(ch.rate)}
		if _, seen := nets[k]; !seen {
			order = append(order, k)
		}
		nets[k] += ch.net
	}
	for _, k := range order {
		if nets[k] != 0 {
			p.lines = append(p.lines, journalLine{account: k.account, amount: nets[k], text: text, vatCode: k.code})
		}
	}
	for _, r := range rates {
		if vat[r] == 0 {
			continue
		}
		code := d.Accounting.CodeFor(r)
		account := c.vatAccount(code, r)
		if account == "" {
			name := "rate " + r.String()
			if code != "" {
				name = "VAT code " + code + " or " + name
			}
			return journalPlan{}, misconfigured(op, "order %s charges %s VAT, but options.vatAccounts names no account for %s (write %s=<account>)", label(o), r, name, r)
		}
		p.lines = append(p.lines, journalLine{account: account, amount: vat[r], text: text + " VAT " + r.String(), vatCode: code, vatRate: r, isVAT: true})
	}
	var sum int64
	for _, l := range p.lines {
		sum += l.amount
	}
	if sum != 0 { // cannot happen: the debit is the sum of the credits' grosses
		return journalPlan{}, invalid(op, "order %s: the journal transaction is off balance by %s; nothing was written", label(o), model.FormatMinor(sum, 2))
	}
	return p, nil
}

// vatAccount is the account options.vatAccounts names for a VAT code, else
// for the rate ("21%" or "21").
func (c *Client) vatAccount(code string, rate model.VATRate) string {
	for _, k := range []string{code, rate.String(), strings.TrimSuffix(rate.String(), "%")} {
		if k == "" {
			continue
		}
		for key, account := range c.opt.VATAccounts {
			if strings.EqualFold(strings.TrimSpace(key), k) {
				return strings.TrimSpace(account)
			}
			if r, err := model.ParseVATRate(key); err == nil && strings.HasSuffix(k, "%") && r == rate {
				return strings.TrimSpace(account)
			}
		}
	}
	return ""
}

// createJournal writes the journal transaction, releases it and returns its
// number and the sum of its debits (the total, and any net amount below
// zero), which Visma.net's debit total must equal.
func (c *Client) createJournal(ctx context.Context, d connectors.OrderDraft) (string, int64, error) {
	op := OpCreateJournalTransaction
	p, err := c.planJournal(ctx, op, d)
	if err != nil {
		return "", 0, err
	}
	if want := d.Order.ComputedTotal().Amount; p.total != want {
		return "", 0, invalid(op, "order %s: the journal would book %s, but the order's total is %s; nothing was written",
			label(d.Order), model.FormatMinor(p.total, 2), model.FormatMinor(want, 2))
	}
	if err := c.checkCurrency(ctx, op); err != nil {
		return "", 0, err
	}
	if err := c.checkBranch(ctx, op); err != nil {
		return "", 0, err
	}
	if err := c.vatCodeChecks(ctx, op, d, false); err != nil {
		return "", 0, err
	}
	checked := map[string]bool{}
	for _, l := range p.lines {
		if !checked[l.account] {
			checked[l.account] = true
			if err := c.checkAccount(ctx, op, l.account, accountSetting(c.opt, d, l.account), true); err != nil {
				return "", 0, err
			}
		}
	}
	vatIDs := map[string]string{}
	if c.opt.JournalVATTransactions {
		for _, l := range p.lines[1:] { // the credits; the debit carries no VAT
			if l.amount == 0 {
				continue
			}
			if l.vatCode == "" {
				return "", 0, misconfigured(op, "order %s: with options.journalVatTransactions every rate needs a VAT code; countries.*.vatCodes names none for %s", label(d.Order), l.vatRate)
			}
			if l.isVAT && vatIDs[l.vatCode] == "" {
				cat, err := c.vatCategory(ctx, op, l.vatCode, "countries.*.vatCodes")
				if err != nil {
					return "", 0, err
				}
				if len(cat.Lines) != 1 {
					return "", 0, misconfigured(op, "VAT code %q holds %d VAT ids; with options.journalVatTransactions a VAT code must hold one", l.vatCode, len(cat.Lines))
				}
				vatIDs[l.vatCode] = cat.Lines[0].VatID
			}
		}
	}
	body := JournalTransactionUpdate{
		Hold: V(false), TransactionDate: V(c.orderDay(d.Order)), Ledger: VIf(c.opt.JournalLedger),
		CurrencyID: VIf(strings.ToUpper(d.Order.Currency)), Description: V(description(d)),
		TransactionCode: VIf(c.opt.JournalTransactionCode), Branch: VIf(c.opt.BranchNumber),
	}
	if c.opt.DocumentNumbers == "externalId" {
		body.BatchNumber, body.OverrideNumberSeries = V(d.ExternalID), V(true)
	}
	if c.opt.JournalVATTransactions {
		body.CreateVATTransaction = V(true)
	}
	body.Lines = []JournalTransactionLineUpdate{}
	for _, l := range p.lines {
		debit, credit := int64(0), l.amount
		if l.amount < 0 {
			debit, credit = -l.amount, 0
		}
		w := JournalTransactionLineUpdate{Operation: OperationInsert, AccountNumber: V(l.account), ReferenceNumber: V(d.ExternalID),
			TransactionDescription: VIf(l.text), DebitAmountInCurrency: V(Cents(debit)), CreditAmountInCurrency: V(Cents(credit))}
		if c.opt.JournalVATTransactions {
			if l.isVAT {
				w.VATID = VIf(vatIDs[l.vatCode])
			} else {
				w.VATCodeID = VIf(l.vatCode)
			}
		}
		body.Lines = append(body.Lines, w)
	}
	number, err := c.create(ctx, op, opPath(op), body, d.Order.Customer.PersonalTexts())
	if err != nil {
		return "", 0, err
	}
	c.remember(connectors.KindFinancialMutation, d.ExternalID, docRef{number: number, status: "Balanced"})
	if err := c.release(ctx, connectors.KindFinancialMutation, number); err != nil {
		return "", 0, err
	}
	c.remember(connectors.KindFinancialMutation, d.ExternalID, docRef{number: number, status: "Released"})
	var debits int64
	for _, l := range p.lines {
		debits += max(-l.amount, 0)
	}
	return number, debits, nil
}
