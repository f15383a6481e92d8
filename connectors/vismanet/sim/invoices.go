package sim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors/simkit"
)

func (s *Sim) invoiceRoutes(add addRoute) {
	add(OpListCustomerInvoices, s.listInvoices)
	add(OpCreateCustomerInvoice, s.createInvoice)
	add(OpCreateCustomerInvoiceV2, s.createInvoice)
	add(OpGetCustomerInvoice, s.getInvoice)
	add(OpReleaseCustomerInvoice, s.releaseInvoice)
}

func (s *Sim) invoiceLocked(number string) *Invoice {
	for _, i := range s.st.Invoices {
		if eqFold(i.ReferenceNumber, number) {
			return i
		}
	}
	return nil
}

func (s *Sim) invoiceDto(inv *Invoice) customerInvoiceDto {
	ref := &s.st.Ref
	t := inv.Totals
	d := customerInvoiceDto{DocumentDueDate: At(inv.DueDate), ExternalReference: inv.ExternalReference, ExchangeRate: Units(1),
		TaxDetails: []taxDetailDto{}, InvoiceLines: []customerInvoiceLineDto{}, Hold: inv.Hold,
		DiscountTotal: t.Discount, DiscountTotalInCurrency: t.Discount, DetailTotal: t.Lines, DetailTotalInCurrency: t.Lines,
		VatTaxableTotal: t.Taxable, VatTaxableTotalInCurrency: t.Taxable, VatExemptTotal: t.Exempt, VatExemptTotalInCurrency: t.Exempt,
		DocumentType: inv.DocumentType, ReferenceNumber: inv.ReferenceNumber, PostPeriod: inv.FinancialPeriod,
		FinancialPeriod: inv.FinancialPeriod, DocumentDate: At(inv.DocumentDate), Status: inv.Status, CurrencyID: inv.CurrencyID,
		Amount: t.Total, AmountInCurrency: t.Total, Balance: inv.Balance, BalanceInCurrency: inv.Balance,
		CustomerRefNumber: inv.CustomerRefNumber, InvoiceText: inv.InvoiceText, LastModifiedDateTime: At(inv.Modified),
		CreatedDateTime: At(inv.Created), Note: inv.Note, VatTotal: t.VAT, VatTotalInCurrency: t.VAT}
	if c := ref.terms(inv.CreditTermsID); c != nil {
		d.CreditTerms = &idDescDto{ID: c.ID, Description: c.Description}
	}
	if z := ref.vatZone(inv.VatZoneID); z != nil {
		d.CustomerVatZone = &idDescDto{ID: z.ID, Description: z.Description}
	}
	if c := s.customerLocked(inv.CustomerNumber); c != nil {
		d.Customer = &numberNameDto{Number: c.Number, Name: c.Name}
	}
	if p := ref.paymentMethod(inv.PaymentMethodID); p != nil {
		d.PaymentMethod = &idDescDto{ID: p.ID, Description: p.Description}
	}
	if b := ref.branch(inv.BranchNumber); b != nil {
		d.BranchNumber = &numberNameDto{Number: b.Number, Name: b.Name}
	}
	for _, x := range inv.Taxes {
		td := taxDetailDto{TaxID: x.VatID, VatRate: x.Rate, TaxableAmount: x.Taxable, VatAmount: x.Amount}
		if v := ref.vat(x.VatID); v != nil {
			td.VatID = &numberDescDto{Number: v.ID, Description: v.Description}
		}
		d.TaxDetails = append(d.TaxDetails, td)
	}
	for _, l := range inv.Lines {
		ld := customerInvoiceLineDto{LineNumber: l.LineNumber, InventoryNumber: l.InventoryNumber, Description: l.Description,
			Quantity: l.Quantity, UnitPrice: l.UnitPrice, UnitPriceInCur: l.UnitPrice, Amount: l.Amount, AmountInCur: l.Amount,
			UOM: l.UOM, DiscountPercent: l.DiscountPercent, DiscountAmount: l.DiscountAmount, DiscountAmtCur: l.DiscountAmount,
			Note: l.Note, LineType: "GN"}
		if l.ManualAmount != nil {
			ld.ManualAmount, ld.ManualAmountCur = *l.ManualAmount, *l.ManualAmount
		}
		if it := s.itemLocked(l.InventoryNumber); it != nil && it.Stock() {
			ld.LineType = "GI"
		}
		if a := ref.account(l.AccountNumber); a != nil {
			ld.Account = &accountRefDto{Type: a.Type, Active: a.Active, Number: a.Number, Description: a.Description}
		}
		if c := ref.vatCategory(l.VatCategoryID); c != nil {
			ld.VatCode = &idDescDto{ID: c.ID, Description: c.Description}
		}
		d.InvoiceLines = append(d.InvoiceLines, ld)
	}
	return d
}

func (s *Sim) listInvoices(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	q := r.URL.Query()
	pg, ok := s.page(w, r, MaxPageSize)
	if !ok {
		return
	}
	var ps problems
	changes := parseChanges(q, &ps, "lastModifiedDateTime", "createdDateTime", "documentDate", "documentDueDate")
	released := -1
	if v := q.Get("released"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || (n != 0 && n != 1) {
			ps.add("released", "'released' is %q; it must be 0 or 1.", v)
		}
		released = n
	}
	if len(ps) > 0 {
		s.invalid(w, r, ps)
		return
	}
	equal := func(param, v string) bool { return q.Get(param) == "" || eqFold(q.Get(param), v) }
	s.mu.Lock()
	var out []customerInvoiceDto
	for _, inv := range s.st.Invoices {
		if !equal("documentType", inv.DocumentType) || !equal("status", inv.Status) || !equal("customer", inv.CustomerNumber) ||
			!equal("branch", inv.BranchNumber) || !equal("customerRefNumber", inv.CustomerRefNumber) ||
			!equal("externalReference", inv.ExternalReference) || !equal("financialPeriod", inv.FinancialPeriod) ||
			(released >= 0 && inv.Released != (released == 1)) {
			continue
		}
		if g := q.Get("greaterThanValue"); g != "" && inv.ReferenceNumber <= g {
			continue
		}
		if !(stamps{"lastModifiedDateTime": inv.Modified, "createdDateTime": inv.Created, "documentDate": inv.DocumentDate,
			"documentDueDate": inv.DueDate}).matches(changes) {
			continue
		}
		out = append(out, s.invoiceDto(inv))
	}
	s.mu.Unlock()
	writePage(s, w, r, out, pg, MaxPageSize)
}

func (s *Sim) getInvoice(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	s.mu.Lock()
	inv := s.invoiceLocked(p.Get("invoiceNumber"))
	var d customerInvoiceDto
	if inv != nil {
		d = s.invoiceDto(inv)
	}
	s.mu.Unlock()
	if inv == nil {
		s.notFound(w, r, "Customer invoice", p.Get("invoiceNumber"))
		return
	}
	s.out.JSON(w, r, http.StatusOK, d)
}

func (s *Sim) createInvoice(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
	createRecord(s, w, r, &Invoice{DocumentType: "Invoice", Status: "Balanced"}, s.applyInvoiceLocked,
		func(inv *Invoice) string {
			if inv.ReferenceNumber == "" {
				inv.ReferenceNumber = s.nextNumberLocked("invoice", "%d", 100001, func(n string) bool { return s.invoiceLocked(n) != nil })
			}
			now := s.now()
			inv.Created, inv.Modified = now, now
			s.st.Invoices = append(s.st.Invoices, inv)
			return "/v1/customerinvoice/" + inv.ReferenceNumber
		})
}

// applyInvoiceLocked applies a new invoice's write.
func (s *Sim) applyInvoiceLocked(inv *Invoice, d *customerInvoiceUpdateDto) problems {
	var ps problems
	ref := &s.st.Ref
	if flag(d.OverrideNumberSeries) {
		n, _ := wrapped(d.ReferenceNumber)
		n = strings.TrimSpace(n)
		switch {
		case n == "":
			ps.add("referenceNumber", "'referenceNumber' is required with overrideNumberSeries.")
		case s.invoiceLocked(n) != nil:
			ps.add("referenceNumber", "A customer invoice %s already exists.", n)
		default:
			inv.ReferenceNumber = n
		}
	}
	n, _ := wrapped(d.CustomerNumber)
	cust := s.customerLocked(n)
	switch {
	case strings.TrimSpace(n) == "":
		ps.add("customerNumber", "'customerNumber' is required: an invoice needs its customer.")
	case cust == nil:
		ps.add("customerNumber", "'customerNumber': Customer %q does not exist.", n)
	default:
		inv.CustomerNumber = cust.Number
		inv.CurrencyID, inv.CreditTermsID, inv.PaymentMethodID = cust.CurrencyID, cust.CreditTermsID, cust.DefaultPaymentMethodID
	}
	setRef(&ps, "currencyId", &inv.CurrencyID, d.CurrencyId, func(id string) bool { return ref.currency(id) != nil }, "Currency")
	setRef(&ps, "creditTermsId", &inv.CreditTermsID, d.CreditTermsId, func(id string) bool { return ref.terms(id) != nil }, "Credit terms")
	setRef(&ps, "paymentMethodId", &inv.PaymentMethodID, d.PaymentMethodId, func(id string) bool { return ref.paymentMethod(id) != nil }, "Payment method")
	setRef(&ps, "branchNumber", &inv.BranchNumber, d.BranchNumber, func(id string) bool { return ref.branch(id) != nil }, "Branch")
	setRef(&ps, "customerVatZoneId", &inv.VatZoneID, d.CustomerVatZoneId, func(id string) bool { return ref.vatZone(id) != nil }, "VAT zone")
	setStr(&inv.CustomerRefNumber, d.CustomerRefNumber)
	setStr(&inv.ExternalReference, d.ExternalReference)
	setStr(&inv.InvoiceText, d.InvoiceText)
	setStr(&inv.Note, d.Note)
	if v, ok := wrapped(d.Hold); ok && v {
		inv.Hold, inv.Status = true, "Hold"
	}
	inv.DocumentDate = day(s.o.Now())
	if v, ok := wrapped(d.DocumentDate); ok {
		inv.DocumentDate = v.Time
	}
	if inv.CurrencyID == "" {
		inv.CurrencyID = ref.baseCurrency()
	}
	if inv.BranchNumber == "" {
		inv.BranchNumber = ref.mainBranch()
	}
	if v, ok := wrapped(d.DocumentDueDate); ok {
		inv.DueDate = v.Time
	} else if t := ref.terms(inv.CreditTermsID); t != nil {
		inv.DueDate = inv.DocumentDate.Add(time.Duration(t.DueDays) * 24 * time.Hour)
	} else {
		inv.DueDate = inv.DocumentDate
	}
	inv.FinancialPeriod = period(inv.DocumentDate)
	for _, p := range []struct {
		field string
		v     *value[string]
	}{{"postPeriod", d.PostPeriod}, {"financialPeriod", d.FinancialPeriod}} {
		if v, ok := wrapped(p.v); ok && v != "" {
			fp, err := parsePeriod(v)
			if err != nil {
				ps.add(p.field, "'%s' is %q: %v.", p.field, v, err)
				continue
			}
			inv.FinancialPeriod = fp
		}
	}
	if len(d.InvoiceLines) == 0 {
		ps.add("invoiceLines", "'invoiceLines' is required: an invoice needs at least one line.")
	}
	for i, l := range d.InvoiceLines {
		s.applyInvoiceLineLocked(&ps, inv, fmt.Sprintf("invoiceLines[%d]", i), l)
	}
	if len(ps) == 0 {
		priced := make([]pricedLine, len(inv.Lines))
		for i, l := range inv.Lines {
			priced[i] = pricedLine{amount: l.Amount, discount: l.DiscountAmount, category: l.VatCategoryID}
		}
		inv.Taxes, inv.Totals = s.priceLocked(s.zoneOfLocked(inv.VatZoneID, cust), priced)
		if inv.VatZoneID == "" {
			inv.VatZoneID = s.zoneOfLocked("", cust)
		}
	}
	return ps
}

func (s *Sim) applyInvoiceLineLocked(ps *problems, inv *Invoice, field string, d customerInvoiceLinesUpdateDto) {
	ref := &s.st.Ref
	lineOp(ps, field, d.Operation, true)
	l := InvoiceLine{LineNumber: int64(len(inv.Lines) + 1), Quantity: Units(1)}
	if n, ok := wrapped(d.InventoryNumber); ok && strings.TrimSpace(n) != "" {
		it := s.itemLocked(n)
		if it == nil {
			ps.add(field+".inventoryNumber", "'%s.inventoryNumber': Inventory item %q does not exist.", field, n)
			return
		}
		l.InventoryNumber, l.Description, l.UnitPrice, l.UOM = it.Number, it.Description, it.DefaultPrice, it.SalesUnit
		l.VatCategoryID, l.AccountNumber = it.VatCategoryID, it.SalesAccount
	}
	if n, ok := wrapped(d.LineNumber); ok {
		l.LineNumber = n
	}
	setStr(&l.Description, d.Description)
	setDec(&l.Quantity, d.Quantity)
	setDec(&l.UnitPrice, d.UnitPriceInCurrency)
	setDec(&l.DiscountPercent, d.DiscountPercent)
	setDec(&l.DiscountAmount, d.DiscountAmountInCurrency)
	setStr(&l.UOM, d.Uom)
	setStr(&l.Note, d.Note)
	setRef(ps, field+".accountNumber", &l.AccountNumber, d.AccountNumber, func(id string) bool { return ref.account(id) != nil }, "Account")
	setRef(ps, field+".vatCodeId", &l.VatCategoryID, d.VatCodeId, func(id string) bool { return ref.vatCategory(id) != nil }, "VAT category")
	if l.AccountNumber == "" {
		l.AccountNumber = ref.DefaultSalesAccount
	}
	if a := ref.account(l.AccountNumber); a != nil && !a.Active {
		ps.add(field+".accountNumber", "'%s.accountNumber': the account %s is not active.", field, a.Number)
	}
	var disc Dec
	l.Amount, disc = lineAmount(l.Quantity, l.UnitPrice, l.DiscountPercent, l.DiscountAmount)
	l.DiscountAmount = disc
	if v, ok := wrapped(d.ManualAmountInCurrency); ok {
		m := v.Round2()
		l.ManualAmount, l.Amount = &m, m
	}
	inv.Lines = append(inv.Lines, l)
}

// parsePeriod reads a financial period, YYYYMM or the MMYYYY the
// contract's write documentation asks for, as YYYYMM.
func parsePeriod(v string) (string, error) {
	v = strings.TrimSpace(v)
	if len(v) != 6 {
		return "", fmt.Errorf("a period has six digits, YYYYMM or MMYYYY")
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return "", fmt.Errorf("a period has six digits, YYYYMM or MMYYYY")
	}
	year, month := n/100, n%100
	if year < 1900 { // MMYYYY
		month, year = n/10000, n%10000
	}
	if month < 1 || month > 12 || year < 1900 {
		return "", fmt.Errorf("no such month")
	}
	return fmt.Sprintf("%04d%02d", year, month), nil
}

// releaseInvoice books an invoice: Balanced → Open, once.
func (s *Sim) releaseInvoice(w http.ResponseWriter, r *http.Request, p simkit.Params) {
	number := p.Get("invoiceNumber")
	s.mu.Lock()
	inv := s.invoiceLocked(number)
	var problem, id string
	switch {
	case inv == nil:
	case inv.Released:
		problem = fmt.Sprintf("The customer invoice %s is released already.", inv.ReferenceNumber)
	case inv.Hold:
		problem = fmt.Sprintf("The customer invoice %s is on hold and cannot be released.", inv.ReferenceNumber)
	default:
		inv.Released, inv.Status, inv.Balance, inv.Modified = true, "Open", inv.Totals.Total, s.now()
		id = s.guidLocked()
	}
	s.mu.Unlock()
	switch {
	case inv == nil:
		s.notFound(w, r, "Customer invoice", number)
	case problem != "":
		s.bad(w, r, "invoiceNumber", "%s", problem)
	default:
		s.out.JSON(w, r, http.StatusOK, actionResultDto{ActionID: id, ActionResult: "Done"})
	}
}
