package vismanet

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/koppel/koppel/model"
)

// Reference data the writes check their codes against: credit terms, VAT
// categories, payment methods, branches, warehouses, currencies, carriers
// (ship via), sales order types and accounts. They change rarely and every
// order needs some, so each list is read whole once per options.cacheTTL and
// shared by the client's calls. Every configured code is checked before
// anything is written, with an error naming the option (or the flow
// setting) to fix.

type refCache struct {
	mu             sync.Mutex
	creditTerms    cached[[]CreditTerm]
	vatCategories  cached[[]VatCategory]
	vatZones       cached[[]VatZone]
	paymentMethods cached[[]PaymentMethod]
	branches       cached[[]Branch]
	warehouses     cached[[]Warehouse]
	currencies     cached[[]Currency]
	carriers       cached[[]Carrier]
	orderTypes     cached[[]SalesOrderType]
	accounts       cached[[]Account]
}

type cached[T any] struct {
	value T
	until time.Time
}

// load returns c's value, reading it with read when it is missing or old.
// The lock is not held during the read: two callers may both read, which
// is harmless.
func load[T any](ctx context.Context, cl *Client, c *cached[T], read func(context.Context) (T, error)) (T, error) {
	cl.cache.mu.Lock()
	if cl.now().Before(c.until) {
		v := c.value
		cl.cache.mu.Unlock()
		return v, nil
	}
	cl.cache.mu.Unlock()
	v, err := read(ctx)
	if err != nil {
		return v, err
	}
	cl.cache.mu.Lock()
	c.value, c.until = v, cl.now().Add(cl.opt.CacheTTL)
	cl.cache.mu.Unlock()
	return v, nil
}

// reader lists a whole reference listing.
func reader[T any](c *Client, op string, query url.Values, paged bool) func(context.Context) ([]T, error) {
	return func(ctx context.Context) ([]T, error) { return listAll[T](ctx, c, op, query, paged) }
}

// CreditTerms lists the company's credit terms.
func (c *Client) CreditTerms(ctx context.Context) ([]CreditTerm, error) {
	return load(ctx, c, &c.cache.creditTerms, reader[CreditTerm](c, OpListCreditTerms, nil, true))
}

// VatCategories lists the VAT categories (VAT codes) with their VAT ids and rates.
func (c *Client) VatCategories(ctx context.Context) ([]VatCategory, error) {
	return load(ctx, c, &c.cache.vatCategories, reader[VatCategory](c, OpListVatCategories, nil, false))
}

// VatZones lists the VAT zones (a customer's vatZoneId).
func (c *Client) VatZones(ctx context.Context) ([]VatZone, error) {
	return load(ctx, c, &c.cache.vatZones, reader[VatZone](c, OpListVatZones, nil, true))
}

// PaymentMethods lists the payment methods.
func (c *Client) PaymentMethods(ctx context.Context) ([]PaymentMethod, error) {
	return load(ctx, c, &c.cache.paymentMethods, reader[PaymentMethod](c, OpListPaymentMethods, nil, false))
}

// Branches lists the branches.
func (c *Client) Branches(ctx context.Context) ([]Branch, error) {
	return load(ctx, c, &c.cache.branches, reader[Branch](c, OpListBranches, nil, false))
}

// Warehouses lists the warehouses.
func (c *Client) Warehouses(ctx context.Context) ([]Warehouse, error) {
	return load(ctx, c, &c.cache.warehouses, reader[Warehouse](c, OpListWarehouses, nil, false))
}

// Currencies lists the currencies.
func (c *Client) Currencies(ctx context.Context) ([]Currency, error) {
	return load(ctx, c, &c.cache.currencies, reader[Currency](c, OpListCurrencies, nil, false))
}

// Carriers lists the ship-via codes.
func (c *Client) Carriers(ctx context.Context) ([]Carrier, error) {
	return load(ctx, c, &c.cache.carriers, reader[Carrier](c, OpListCarriers, nil, false))
}

// SalesOrderTypes lists the sales order types.
func (c *Client) SalesOrderTypes(ctx context.Context) ([]SalesOrderType, error) {
	return load(ctx, c, &c.cache.orderTypes, reader[SalesOrderType](c, OpListSalesOrderTypes, nil, true))
}

// Accounts lists the general ledger accounts.
func (c *Client) Accounts(ctx context.Context) ([]Account, error) {
	return load(ctx, c, &c.cache.accounts, reader[Account](c, OpListAccounts, nil, false))
}

// findRef finds the entry whose key is want (case-insensitively).
func findRef[T any](list []T, key func(T) string, want string) (T, bool) {
	for _, v := range list {
		if strings.EqualFold(strings.TrimSpace(key(v)), strings.TrimSpace(want)) {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// keysOf lists some keys of a reference list for a message.
func keysOf[T any](list []T, key func(T) string) string {
	var ks []string
	for _, v := range list {
		if k := strings.TrimSpace(key(v)); k != "" {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	if len(ks) > 12 {
		ks = append(ks[:12], "…")
	}
	if len(ks) == 0 {
		return "none"
	}
	return strings.Join(ks, ", ")
}

// checkOrderType checks options.orderType.
func (c *Client) checkOrderType(ctx context.Context, op string) error {
	types, err := c.SalesOrderTypes(ctx)
	if err != nil {
		return err
	}
	key := func(t SalesOrderType) string { return t.OrderType }
	t, ok := findRef(types, key, c.opt.OrderType)
	switch {
	case !ok:
		return misconfigured(op, "options.orderType is %q, but Visma.net has no such sales order type (it has %s)", c.opt.OrderType, keysOf(types, key))
	case inactive(t.Active):
		return misconfigured(op, "options.orderType is %q, a sales order type that is not active", c.opt.OrderType)
	}
	return nil
}

// checkBranch checks options.branchNumber (when set).
func (c *Client) checkBranch(ctx context.Context, op string) error {
	if c.opt.BranchNumber == "" {
		return nil
	}
	bs, err := c.Branches(ctx)
	if err != nil {
		return err
	}
	key := func(b Branch) string { return b.Number }
	b, ok := findRef(bs, key, c.opt.BranchNumber)
	switch {
	case !ok:
		return misconfigured(op, "options.branchNumber is %q, but Visma.net has no such branch (it has %s)", c.opt.BranchNumber, keysOf(bs, key))
	case inactive(b.IsActive):
		return misconfigured(op, "options.branchNumber is %q, a branch that is not active", c.opt.BranchNumber)
	}
	return nil
}

// checkWarehouse checks a warehouse an option names (when set).
func (c *Client) checkWarehouse(ctx context.Context, op, id, option string) error {
	if id == "" {
		return nil
	}
	ws, err := c.Warehouses(ctx)
	if err != nil {
		return err
	}
	key := func(w Warehouse) string { return w.WarehouseID }
	w, ok := findRef(ws, key, id)
	switch {
	case !ok:
		return misconfigured(op, "%s is %q, but Visma.net has no such warehouse (it has %s)", option, id, keysOf(ws, key))
	case inactive(w.Active):
		return misconfigured(op, "%s is %q, a warehouse that is not active", option, id)
	}
	return nil
}

// checkVATZone checks the VAT zone the flow names for a customer.
func (c *Client) checkVATZone(ctx context.Context, op, id string) error {
	zs, err := c.VatZones(ctx)
	if err != nil {
		return err
	}
	key := func(z VatZone) string { return z.ID }
	if _, ok := findRef(zs, key, id); !ok {
		return misconfigured(op, "customer VAT code %q (countries.*.customerVatCode, the customer's VAT zone) is not a Visma.net VAT zone (it has %s)", id, keysOf(zs, key))
	}
	return nil
}

// checkPaymentMethod checks the payment method a draft names.
func (c *Client) checkPaymentMethod(ctx context.Context, op, id string) error {
	pms, err := c.PaymentMethods(ctx)
	if err != nil {
		return err
	}
	key := func(p PaymentMethod) string { return p.PaymentMethodID }
	p, ok := findRef(pms, key, id)
	switch {
	case !ok:
		return misconfigured(op, "payment method %q is not a Visma.net payment method (it has %s); map the shop's method in flows.orders.paymentMethods", id, keysOf(pms, key))
	case inactive(p.Active):
		return misconfigured(op, "payment method %q is not active in Visma.net; map the shop's method to another in flows.orders.paymentMethods", id)
	}
	return nil
}

// checkShipVia checks the shipping method a draft names against the
// carriers (ship via codes).
func (c *Client) checkShipVia(ctx context.Context, op, id string) error {
	cs, err := c.Carriers(ctx)
	if err != nil {
		return err
	}
	key := func(x Carrier) string { return x.CarrierID }
	if _, ok := findRef(cs, key, id); !ok {
		return misconfigured(op, "shipping method %q is not a Visma.net ship via code (it has %s); map the shop's method in flows.orders.shippingMethods", id, keysOf(cs, key))
	}
	return nil
}

// checkCurrency checks options.currency (when set).
func (c *Client) checkCurrency(ctx context.Context, op string) error {
	if c.opt.Currency == "" {
		return nil
	}
	cs, err := c.Currencies(ctx)
	if err != nil {
		return err
	}
	key := func(x Currency) string { return x.ID }
	if _, ok := findRef(cs, key, c.opt.Currency); !ok {
		return misconfigured(op, "options.currency is %q, but Visma.net has no such currency (it has %s)", c.opt.Currency, keysOf(cs, key))
	}
	return nil
}

// vatCategory finds a VAT category (VAT code) a setting names.
func (c *Client) vatCategory(ctx context.Context, op, code, setting string) (VatCategory, error) {
	cats, err := c.VatCategories(ctx)
	if err != nil {
		return VatCategory{}, err
	}
	key := func(v VatCategory) string { return v.VatCategoryID }
	v, ok := findRef(cats, key, code)
	switch {
	case !ok:
		return v, misconfigured(op, "VAT code %q (%s) is not a Visma.net VAT category (it has %s)", code, setting, keysOf(cats, key))
	case inactive(v.Active):
		return v, misconfigured(op, "VAT code %q (%s) is a VAT category that is not active", code, setting)
	}
	return v, nil
}

// Rates are the VAT rates of the category's VAT ids on day, in the
// category's order, each the rate of the latest start date not after day.
// A category may hold several VAT ids, one per VAT zone it is used in
// (domestic, another country's OSS), so a rate an order charges must be one
// of them.
func (v VatCategory) Rates(day time.Time) []model.VATRate {
	var out []model.VATRate
	for _, l := range v.Lines {
		var best *VatRateLine
		var bestStart time.Time
		for i, r := range l.VatRates {
			start, err := ParseTime(r.StartDate)
			if r.StartDate != "" && (err != nil || start.After(day)) {
				continue
			}
			if best == nil || start.After(bestStart) {
				best, bestStart = &l.VatRates[i], start
			}
		}
		if best != nil && !slices.Contains(out, model.VATRate(best.VatRate.Round(2))) {
			out = append(out, model.VATRate(best.VatRate.Round(2)))
		}
	}
	return out
}

// Rate is the category's rate on day: that of its first VAT id with a rate
// (the VAT ids of one category usually share it); ok is false when the
// category lists no rate.
func (v VatCategory) Rate(day time.Time) (model.VATRate, bool) {
	rates := v.Rates(day)
	if len(rates) == 0 {
		return 0, false
	}
	return rates[0], true
}

// checkVATCode checks that a VAT code names a VAT category that holds the
// rate the order charges (when the category lists rates) and, for a priced
// document, calculates as options.pricesIncludeVat says.
func (c *Client) checkVATCode(ctx context.Context, op, code string, rate model.VATRate, day time.Time, setting string, priced bool) error {
	v, err := c.vatCategory(ctx, op, code, setting)
	if err != nil {
		return err
	}
	if rates := v.Rates(day); len(rates) > 0 && !slices.Contains(rates, rate) {
		names := make([]string, len(rates))
		for i, r := range rates {
			names[i] = r.String()
		}
		return misconfigured(op, "VAT code %q (%s) is a VAT category of %s, but the order charges %s there", code, setting, strings.Join(names, ", "), rate)
	}
	if !priced {
		return nil
	}
	return c.checkPriceMode(op, v, code)
}

// checkPriceMode checks, before anything is written, that the VAT
// category calculates as options.pricesIncludeVat says: a category that
// extracts VAT from the item amount takes prices incl. VAT, one that adds
// it prices excl. VAT. Otherwise the document Visma.net books would add up
// to another total than the shop's.
func (c *Client) checkPriceMode(op string, v VatCategory, code string) error {
	for _, l := range v.Lines {
		var includes bool
		switch l.CalculateOn {
		case "ExtractFromItemAmount":
			includes = true
		case "ItemAmount":
		default:
			continue // not reported: nothing to check
		}
		if includes != c.opt.PricesIncludeVat {
			want := "false"
			if includes {
				want = "true"
			}
			return misconfigured(op, "VAT category %q calculates VAT on %s, which means prices %s VAT, but options.pricesIncludeVat is %t; set it to %s (or change the category in Visma.net)",
				code, l.CalculateOn, map[bool]string{true: "include", false: "exclude"}[includes], c.opt.PricesIncludeVat, want)
		}
	}
	return nil
}

// checkAccount checks an account an option names: it exists and is
// active, and, for a journal transaction's line, takes manual entries.
func (c *Client) checkAccount(ctx context.Context, op, number, setting string, manual bool) error {
	as, err := c.Accounts(ctx)
	if err != nil {
		return err
	}
	key := func(a Account) string { return a.AccountCD }
	a, ok := findRef(as, key, number)
	switch {
	case !ok:
		return misconfigured(op, "%s names account %q, which Visma.net does not have", setting, number)
	case inactive(a.Active):
		return misconfigured(op, "%s names account %q, which is not active", setting, number)
	case manual && a.AllowManualEntry != nil && !*a.AllowManualEntry:
		what := "a control account"
		if a.ControlAccountModule != "" {
			what += " of module " + a.ControlAccountModule
		}
		return misconfigured(op, "%s names account %q, %s that takes no manual journal entries; name a clearing account", setting, number, what)
	}
	return nil
}

// creditTermsFor finds the credit terms of a payment term in days:
// options.creditTerms names them, else the credit terms visible to
// customers with a fixed number of days equal to days (the first by id).
func (c *Client) creditTermsFor(ctx context.Context, op string, days int, setting string) (string, error) {
	if id, ok := c.opt.CreditTerms[strconv.Itoa(days)]; ok {
		return strings.TrimSpace(id), nil
	}
	ts, err := c.CreditTerms(ctx)
	if err != nil {
		return "", err
	}
	var match []string
	for _, t := range ts {
		visible := t.VisibleTo == "" || strings.EqualFold(t.VisibleTo, "AL") || strings.EqualFold(t.VisibleTo, "CU")
		if visible && strings.EqualFold(t.DueDateType, "N") && t.DueDay1 == days {
			match = append(match, t.TermsID)
		}
	}
	if len(match) == 0 {
		return "", misconfigured(op, "Visma.net has no credit terms of a fixed %d days for customers (%s); add them in Visma.net or name them in options.creditTerms (%d=<terms id>)",
			days, setting, days)
	}
	slices.Sort(match)
	return match[0], nil
}

// daysOfCreditTerms is the number of days of credit terms: options.creditTerms
// read backwards, else the terms' fixed number of days.
func (c *Client) daysOfCreditTerms(ctx context.Context, id string) (int, bool, error) {
	for days, tid := range c.opt.CreditTerms {
		if strings.EqualFold(strings.TrimSpace(tid), id) {
			n, err := strconv.Atoi(days)
			return n, err == nil, nil
		}
	}
	ts, err := c.CreditTerms(ctx)
	if err != nil {
		return 0, false, err
	}
	t, ok := findRef(ts, func(t CreditTerm) string { return t.TermsID }, id)
	if !ok || !strings.EqualFold(t.DueDateType, "N") {
		return 0, false, nil
	}
	return t.DueDay1, true, nil
}
