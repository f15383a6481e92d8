package vismanet

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// The order target. Three kinds:
//
//	order              a sales order of options.orderType (POST /v1/salesorder)
//	invoice            a customer invoice (POST /v2/customerinvoice), released
//	                   or left on hold (options.invoiceRelease)
//	financialMutation  a journal transaction (POST /v2/journaltransaction),
//	                   balanced to the cent and released (journal.go)
//
// There is no idempotency key (§3.9). The order's key (OrderDraft.ExternalID)
// goes in the document's reference field — a sales order's customerRefNo
// ("External reference"), an invoice's customerRefNumber, every journal
// line's referenceNumber — and FindOrder looks it up: an invoice by the
// listing's customerRefNumber filter, a sales order or journal transaction
// through the key index (keyindex.go), since their listings cannot filter on
// it. With options.documentNumbers: externalId the key is the document's
// number instead (overrideNumberSeries, research [L]) and FindOrder reads
// the document by it. CreateOrder looks the key up first: a document that
// exists is KindConflict (one its release had not reached yet is released
// first), so a create retried after a lost answer never writes twice.
//
// Money is model.Money in cents to the wire's exact decimals (Decimal).
// What Visma.net will book is computed before anything is written
// (BookedTotal, by the rule there), must equal the order's total, and is
// checked against what Visma.net reports after the write.

// kindOps are a kind's calls and the field its key lives in.
type kindOps struct {
	create, get, release string
	field                string
}

var opsByKind = map[connectors.OrderKind]kindOps{
	connectors.KindOrder:             {create: OpCreateSalesOrder, get: OpGetSalesOrder, field: "customerRefNo"},
	connectors.KindInvoice:           {create: OpCreateCustomerInvoice, get: OpGetCustomerInvoice, release: OpReleaseCustomerInvoice, field: "customerRefNumber"},
	connectors.KindFinancialMutation: {create: OpCreateJournalTransaction, get: OpGetJournalTransaction, release: OpReleaseJournalTransaction, field: "referenceNumber"},
}

// opsOf returns the kind ("" is an order) and its ops.
func opsOf(kind connectors.OrderKind, op string) (connectors.OrderKind, kindOps, error) {
	if kind == "" {
		kind = connectors.KindOrder
	}
	ops, ok := opsByKind[kind]
	if !ok {
		return kind, ops, misconfigured(op, "order kind %q is not one of order, invoice, financialMutation", kind)
	}
	return kind, ops, nil
}

func checkKey(op, key string) error {
	if strings.TrimSpace(key) == "" {
		return invalid(op, "the order's external id is empty")
	}
	return nil
}

// FindOrder looks a document of kind up by the order's key. Not found is
// found=false.
func (c *Client) FindOrder(ctx context.Context, externalID string, kind connectors.OrderKind) (connectors.TargetOrder, bool, error) {
	kind, _, err := opsOf(kind, "find order")
	if err != nil {
		return connectors.TargetOrder{}, false, err
	}
	r, found, err := c.findDoc(ctx, kind, externalID)
	if err != nil || !found {
		return connectors.TargetOrder{}, false, err
	}
	return connectors.TargetOrder{ID: r.number, Number: r.number, Kind: kind}, true, nil
}

// findDoc finds the document of kind that holds key.
func (c *Client) findDoc(ctx context.Context, kind connectors.OrderKind, key string) (docRef, bool, error) {
	ops := opsByKind[kind]
	if err := checkKey(ops.get, key); err != nil {
		return docRef{}, false, err
	}
	if c.opt.DocumentNumbers == "externalId" {
		return c.docByNumber(ctx, kind, key)
	}
	if kind == connectors.KindInvoice {
		return c.invoiceByRef(ctx, key)
	}
	return c.lookup(ctx, kind, key)
}

// docByNumber reads the document numbered key; one that exists but holds
// another key is not this order's, and says so.
func (c *Client) docByNumber(ctx context.Context, kind connectors.OrderKind, key string) (docRef, bool, error) {
	ops := opsByKind[kind]
	var r docRef
	var ref string
	var err error
	switch kind {
	case connectors.KindOrder:
		var o SalesOrder
		err = c.get(ctx, ops.get, opPath(ops.get, c.opt.OrderType, key), nil, &o)
		r, ref = docRef{number: o.OrderNo, status: o.Status, hold: o.Hold}, o.CustomerRefNo
	case connectors.KindInvoice:
		var inv CustomerInvoice
		err = c.get(ctx, ops.get, opPath(ops.get, key), nil, &inv)
		r, ref = docRef{number: inv.ReferenceNumber, status: inv.Status, hold: inv.Hold}, inv.CustomerRefNumber
	default:
		var j JournalTransaction
		err = c.get(ctx, ops.get, opPath(ops.get, key), nil, &j)
		r = docRef{number: j.BatchNumber, status: j.Status, hold: j.Hold}
		for _, l := range j.Lines {
			if l.ReferenceNumber != "" {
				ref = l.ReferenceNumber
			}
		}
	}
	switch {
	case connectors.IsKind(err, connectors.KindNotFound):
		return docRef{}, false, nil
	case err != nil:
		return docRef{}, false, err
	case ref != key:
		return docRef{}, false, &connectors.Error{Kind: connectors.KindConflict, System: System, Op: ops.get,
			Message: fmt.Sprintf("a %s numbered %q exists, but its %s is %q, not this order's; with documentNumbers: externalId the numbers must be free for Koppel", kind, key, ops.field, ref)}
	}
	if r.number == "" {
		r.number = key
	}
	return r, true, nil
}

// invoiceByRef finds an invoice by its customerRefNumber (the listing
// filters on it; the match is checked exactly).
func (c *Client) invoiceByRef(ctx context.Context, key string) (docRef, bool, error) {
	q := url.Values{"customerRefNumber": {key}}
	var found *CustomerInvoice
	err := eachPage(ctx, c, OpListCustomerInvoices, opPath(OpListCustomerInvoices), ListOptions{Query: q, PageSize: 50}, func(is []CustomerInvoice) error {
		for i, inv := range is {
			if inv.CustomerRefNumber == key && (inv.DocumentType == "" || inv.DocumentType == "Invoice") && found == nil {
				found = &is[i]
			}
		}
		return nil
	})
	if err != nil || found == nil {
		return docRef{}, false, err
	}
	return docRef{number: found.ReferenceNumber, status: found.Status, hold: found.Hold}, true, nil
}

// CreateOrder writes the draft as its kind.
func (c *Client) CreateOrder(ctx context.Context, d connectors.OrderDraft) (connectors.TargetOrder, error) {
	kind, ops, err := opsOf(d.Kind, "create order")
	if err != nil {
		return connectors.TargetOrder{}, err
	}
	d.Kind = kind
	if err := checkKey(ops.create, d.ExternalID); err != nil {
		return connectors.TargetOrder{}, err
	}
	if kind != connectors.KindFinancialMutation && strings.TrimSpace(d.CustomerID) == "" {
		return connectors.TargetOrder{}, invalid(ops.create, "order %s: the draft names no Visma.net customer", label(d.Order))
	}
	if r, found, err := c.findDoc(ctx, kind, d.ExternalID); err != nil {
		return connectors.TargetOrder{}, err
	} else if found {
		if err := c.finishRelease(ctx, kind, r); err != nil {
			return connectors.TargetOrder{}, err
		}
		return connectors.TargetOrder{}, &connectors.Error{Kind: connectors.KindConflict, System: System, Op: ops.create,
			Message: fmt.Sprintf("a %s with %s %q exists already (%s)", kind, ops.field, d.ExternalID, r.number)}
	}
	// check is what Visma.net's own total of the document must be: the
	// document's total, a journal transaction's debits.
	var number string
	var check int64
	switch kind {
	case connectors.KindFinancialMutation:
		number, check, err = c.createJournal(ctx, d)
	default:
		number, check, err = c.createDocument(ctx, d)
	}
	if err != nil {
		return connectors.TargetOrder{}, err
	}
	if err := c.verifyTotal(ctx, kind, number, check); err != nil {
		return connectors.TargetOrder{}, err
	}
	return connectors.TargetOrder{ID: number, Number: number, Kind: kind}, nil
}

// finishRelease releases a found invoice or journal transaction that the
// options want released and that is still balanced: its create succeeded,
// its release never came. The document is read first: what the lookup
// knew of its status may be old (the index, another worker's release).
func (c *Client) finishRelease(ctx context.Context, kind connectors.OrderKind, r docRef) error {
	want := kind == connectors.KindFinancialMutation || (kind == connectors.KindInvoice && c.opt.InvoiceRelease == "release")
	if !want {
		return nil
	}
	op := opsByKind[kind].get
	var status string
	var hold bool
	if kind == connectors.KindInvoice {
		var inv CustomerInvoice
		if err := c.get(ctx, op, opPath(op, r.number), nil, &inv); err != nil {
			return err
		}
		status, hold = inv.Status, inv.Hold
	} else {
		var j JournalTransaction
		if err := c.get(ctx, op, opPath(op, r.number), nil, &j); err != nil {
			return err
		}
		status, hold = j.Status, j.Hold
	}
	if hold || !strings.EqualFold(status, "Balanced") {
		return nil
	}
	return c.release(ctx, kind, r.number)
}

// release runs the release action of a document.
func (c *Client) release(ctx context.Context, kind connectors.OrderKind, number string) error {
	op := opsByKind[kind].release
	var res ActionResult
	if err := c.action(ctx, op, opPath(op, number), &res); err != nil {
		return err
	}
	if strings.EqualFold(res.ActionResult, "Failed") {
		return invalid(op, "%s %s was written but Visma.net did not release it: %s; release it in Visma.net (or fix the cause and run the order again)",
			kind, number, strings.TrimSpace(res.ErrorInfo))
	}
	return nil
}

// verifyTotal reads what Visma.net made of the document and compares its
// total with what Koppel computed (a journal transaction: its debits, and
// that it is balanced). A read that fails leaves the write as it is: it
// succeeded.
func (c *Client) verifyTotal(ctx context.Context, kind connectors.OrderKind, number string, want int64) error {
	ops := opsByKind[kind]
	var got int64
	var known bool
	switch kind {
	case connectors.KindOrder:
		var o SalesOrder
		if c.get(ctx, ops.get, opPath(ops.get, c.opt.OrderType, number), nil, &o) != nil {
			return nil
		}
		got, known = o.OrderTotal.Minor(), true
	case connectors.KindInvoice:
		var inv CustomerInvoice
		if c.get(ctx, ops.get, opPath(ops.get, number), nil, &inv) != nil {
			return nil
		}
		got, known = inv.Amount.Minor(), !inv.Amount.IsZero()
	default:
		var j JournalTransaction
		if c.get(ctx, ops.get, opPath(ops.get, number), nil, &j) != nil {
			return nil
		}
		debit, credit := j.DebitTotalInCurrency, j.CreditTotalInCurrency
		if debit.IsZero() && credit.IsZero() {
			debit, credit = j.DebitTotal, j.CreditTotal
		}
		if debit.Minor() != credit.Minor() {
			return invalid(ops.get, "journal transaction %s is not balanced in Visma.net: debit %s, credit %s", number,
				model.FormatMinor(debit.Minor(), 2), model.FormatMinor(credit.Minor(), 2))
		}
		got, known = debit.Minor(), !debit.IsZero()
	}
	if known && got != want {
		return invalid(ops.get, "%s %s was written, but Visma.net booked %s where Koppel computed %s (the VAT categories of its lines or the customer's VAT zone differ from the order's VAT); correct it in Visma.net",
			kind, number, model.FormatMinor(got, 2), model.FormatMinor(want, 2))
	}
	return nil
}

// Currency is options.currency: "" (any currency, written on the
// document) unless the company books orders in one.
func (c *Client) Currency() string { return c.opt.Currency }

// BookedTotal is what Visma.net books for the draft, incl. VAT, by the
// rule the documents add up with:
//
//	sales order, invoice:
//	  line amount = round2(quantity × unitPrice) − discountAmount
//	  per VAT rate (the line's VAT category):
//	    prices excl. VAT (options.pricesIncludeVat false):
//	      VAT = round2(Σ amounts × rate), total = Σ amounts + VAT
//	    prices incl. VAT: total = Σ amounts (the VAT is inside)
//	  plus the rounding lines CreateOrder adds (options.roundingItem …)
//	journal transaction: the debit, Σ per VAT rate of the order's gross
//	  (net + VAT as the shop computed them), balanced by construction
//
// all in cents, half away from zero.
func (c *Client) BookedTotal(ctx context.Context, d connectors.OrderDraft) (model.Money, error) {
	kind, _, err := opsOf(d.Kind, "book order")
	if err != nil {
		return model.Money{}, err
	}
	if kind == connectors.KindFinancialMutation {
		j, err := c.planJournal(ctx, "book order", d)
		if err != nil {
			return model.Money{}, err
		}
		return model.NewMoney(j.total, d.Order.Currency), nil
	}
	d.Kind = kind
	p, err := c.plan(ctx, "book order", d)
	if err != nil {
		return model.Money{}, err
	}
	return model.NewMoney(p.total, d.Order.Currency), nil
}

func label(o model.Order) string {
	if o.Number != "" {
		return o.Number
	}
	return o.ID
}

// checkOrderCurrency refuses an order in another currency than
// options.currency, before anything is written.
func (c *Client) checkOrderCurrency(op string, o model.Order) error {
	if c.opt.Currency != "" && o.Currency != "" && !strings.EqualFold(o.Currency, c.opt.Currency) {
		return invalid(op, "order %s is in %s; options.currency says the company books orders in %s", label(o), o.Currency, c.opt.Currency)
	}
	return nil
}

// orderDay is the document date of an order: the day it was placed.
func (c *Client) orderDay(o model.Order) string {
	if o.CreatedAt.IsZero() {
		return Day(c.now())
	}
	return Day(o.CreatedAt)
}

// vatCodeChecks checks the VAT code the flow names for every rate the
// order charges; priced says Visma.net prices the document's lines (a
// sales order, an invoice), so each category must calculate as
// options.pricesIncludeVat says (a journal's amounts are Koppel's own).
func (c *Client) vatCodeChecks(ctx context.Context, op string, d connectors.OrderDraft, priced bool) error {
	seen := map[model.VATRate]bool{}
	for _, l := range d.Order.ChargeLines() {
		if seen[l.VAT] {
			continue
		}
		seen[l.VAT] = true
		if code := d.Accounting.CodeFor(l.VAT); code != "" {
			day := d.Order.CreatedAt
			if day.IsZero() {
				day = c.now()
			}
			if err := c.checkVATCode(ctx, op, code, l.VAT, day, "countries.*.vatCodes", priced); err != nil {
				return err
			}
		}
	}
	return nil
}

// extra returns an order's custom field, trimmed.
func extra(d connectors.OrderDraft, name string) string { return strings.TrimSpace(d.Extra[name]) }

// description is the document's description: extra.description, else
// "Order <number>".
func description(d connectors.OrderDraft) string {
	if s := extra(d, ExtraDescription); s != "" {
		return s
	}
	return "Order " + label(d.Order)
}

// note is extra.note, else the order's own note.
func note(d connectors.OrderDraft) string {
	if s := extra(d, ExtraNote); s != "" {
		return s
	}
	return strings.TrimSpace(d.Order.Note)
}

// billingOf is the order's billing address, else its shipping address.
func billingOf(cu model.Customer) model.Address {
	if cu.Billing.IsZero() {
		return cu.Shipping
	}
	return cu.Billing
}

// docAddress is an address a document keeps as its own.
func docAddress(a model.Address) *Value[DocAddressUpdate] {
	if a.IsZero() {
		return nil
	}
	return V(DocAddressUpdate{OverrideAddress: V(true), AddressLine1: VIf(a.StreetLine()), AddressLine2: VIf(a.Line2),
		PostalCode: VIf(a.PostalCode), City: VIf(a.City), CountryID: VIf(strings.ToUpper(a.CountryCode))})
}

// docContact is a contact a document keeps as its own.
func docContact(cu model.Customer, a model.Address) *Value[DocContactUpdate] {
	name := strings.TrimSpace(a.Company)
	if name == "" {
		name = cu.DisplayName()
	}
	attention := strings.TrimSpace(a.Name)
	if attention == "" && cu.Kind == model.CustomerCompany {
		attention = cu.Person.FullName()
	}
	phone := a.Phone
	if phone == "" {
		phone = cu.Phone
	}
	if name == "" && attention == "" && cu.Email == "" && phone == "" {
		return nil
	}
	return V(DocContactUpdate{OverrideContact: V(true), Name: VIf(name), Attention: VIf(attention), Email: VIf(strings.ToLower(cu.Email)), Phone1: VIf(phone)})
}

// isHTTPStatus reports whether err is a connector error of an HTTP status.
func isHTTPStatus(err error, status int) bool {
	ce, ok := err.(*connectors.Error)
	return ok && ce.Status == status
}
