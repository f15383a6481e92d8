package eaccounting

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// Reference data the writes look things up in: the company settings, the
// account codings, units, terms of payment and delivery methods. They change
// rarely and every order needs some, so each is read once per Config.CacheTTL
// (a whole listing: these tables are short) and shared by the client's calls.

type refCache struct {
	mu       sync.Mutex
	settings cached[CompanySettings]
	codings  cached[[]Coding]
	units    cached[[]Unit]
	terms    cached[[]TermsOfPayment]
	methods  cached[[]DeliveryMethod]
	// articles are the order path's articles by number (orderArticles).
	articles map[string]cached[Article]
}

// orderArticleTTL is how long the order path trusts an article it read:
// one order's total check, products check and write read the same
// articles within seconds, and a quota counts every read.
const orderArticleTTL = time.Minute

// orderArticles is articlesByNumber for the order path: an article read in
// the last orderArticleTTL is not read again. A number without an article
// is always asked again, so an article created meanwhile is found at once.
// Product and stock writes read fresh (they write the record back).
func (c *Client) orderArticles(ctx context.Context, numbers []string) (map[string]Article, error) {
	now := c.cfg.Now()
	out := map[string]Article{}
	var missing []string
	c.cache.mu.Lock()
	for _, n := range numbers {
		n = strings.TrimSpace(n)
		if a, ok := c.cache.articles[n]; ok && now.Before(a.until) {
			out[n] = a.value
		} else if n != "" {
			missing = append(missing, n)
		}
	}
	c.cache.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	found, err := c.articlesByNumber(ctx, missing)
	if err != nil {
		return nil, err
	}
	c.cache.mu.Lock()
	defer c.cache.mu.Unlock()
	if c.cache.articles == nil || len(c.cache.articles) > 10000 {
		c.cache.articles = map[string]cached[Article]{} // a catalogue that big is read again, not kept
	}
	for n, a := range found {
		out[n] = a
		c.cache.articles[n] = cached[Article]{value: a, until: now.Add(orderArticleTTL)}
	}
	return out, nil
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
	if cl.cfg.Now().Before(c.until) {
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
	c.value, c.until = v, cl.cfg.Now().Add(cl.cfg.CacheTTL)
	cl.cache.mu.Unlock()
	return v, nil
}

// listAll reads every page of a listing op.
func listAll[T any](c *Client, op string) func(context.Context) ([]T, error) {
	return func(ctx context.Context) ([]T, error) {
		var out []T
		err := eachPage(ctx, c, op, ListOptions{}, func(p []T) error {
			out = append(out, p...)
			return nil
		})
		return out, err
	}
}

func (c *Client) settings(ctx context.Context) (CompanySettings, error) {
	return load(ctx, c, &c.cache.settings, c.CompanySettings)
}

func (c *Client) codings(ctx context.Context) ([]Coding, error) {
	return load(ctx, c, &c.cache.codings, listAll[Coding](c, OpListCodings))
}

func (c *Client) units(ctx context.Context) ([]Unit, error) {
	return load(ctx, c, &c.cache.units, listAll[Unit](c, OpListUnits))
}

func (c *Client) termsOfPayment(ctx context.Context) ([]TermsOfPayment, error) {
	return load(ctx, c, &c.cache.terms, listAll[TermsOfPayment](c, OpListTermsOfPayments))
}

func (c *Client) deliveryMethods(ctx context.Context) ([]DeliveryMethod, error) {
	return load(ctx, c, &c.cache.methods, listAll[DeliveryMethod](c, OpListDeliveryMethods))
}

// checkCurrency refuses to write when the company books in another currency
// than options.currency says: Currency() told the flow the option's value.
func (c *Client) checkCurrency(ctx context.Context, op string) error {
	s, err := c.settings(ctx)
	if err != nil {
		return err
	}
	if s.CurrencyCode != "" && !strings.EqualFold(s.CurrencyCode, c.cfg.Currency) {
		return &connectors.Error{Kind: connectors.KindConfig, System: System, Op: op,
			Message: fmt.Sprintf("options.currency is %s, but the company %q books in %s; set options.currency: %s (orders in another currency are refused)",
				c.cfg.Currency, s.Name, s.CurrencyCode, s.CurrencyCode)}
	}
	return nil
}

// codingByID finds a coding.
func (c *Client) codingByID(ctx context.Context, id string) (Coding, error) {
	cs, err := c.codings(ctx)
	if err != nil {
		return Coding{}, err
	}
	for _, k := range cs {
		if strings.EqualFold(k.Id, id) {
			return k, nil
		}
	}
	return Coding{}, &connectors.Error{Kind: connectors.KindNotFound, System: System, Op: OpListCodings,
		Message: fmt.Sprintf("article account coding %s is not in /articleaccountcodings", id)}
}

// codingRate is the VAT rate of a coding id.
func (c *Client) codingRate(ctx context.Context, id string) (model.VATRate, error) {
	k, err := c.codingByID(ctx, id)
	if err != nil {
		return 0, err
	}
	r, err := k.rate()
	if err != nil {
		return 0, &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: OpListCodings, Message: err.Error()}
	}
	return r, nil
}

// codingFor picks the coding of new articles of a VAT rate: the one
// options.codings names (by id or name), else the only active goods coding
// of that rate.
func (c *Client) codingFor(ctx context.Context, op string, rate model.VATRate) (Coding, error) {
	cs, err := c.codings(ctx)
	if err != nil {
		return Coding{}, err
	}
	if want, ok := c.cfg.Codings.For(rate); ok {
		for _, k := range cs {
			if strings.EqualFold(k.Id, want) || strings.EqualFold(strings.TrimSpace(k.Name), want) {
				if r, err := k.rate(); err == nil && r != rate {
					return Coding{}, misconfigured(op, "options.codings names %q for %s, but that coding's VAT rate is %s", want, rate, r)
				}
				return k, nil
			}
		}
		return Coding{}, misconfigured(op, "options.codings names %q for %s, but no article account coding has that id or name", want, rate)
	}
	var goods, ofRate []Coding
	for _, k := range cs {
		if r, err := k.rate(); err != nil || r != rate || !k.IsActive {
			continue
		}
		ofRate = append(ofRate, k)
		if isGoods(k.Type) {
			goods = append(goods, k)
		}
	}
	switch {
	case len(goods) == 1:
		return goods[0], nil
	case len(goods) > 1:
		return Coding{}, misconfigured(op, "several active goods codings have VAT rate %s (%s); name one in options.codings (%s=<id or name>)",
			rate, codingNames(goods), rate)
	case len(ofRate) > 0:
		return Coding{}, misconfigured(op, "no active goods coding has VAT rate %s, only %s; name one in options.codings (%s=<id or name>)",
			rate, codingNames(ofRate), rate)
	}
	return Coding{}, misconfigured(op, "no active article account coding has VAT rate %s; add one in eAccounting or name one in options.codings", rate)
}

// isGoods tells a goods coding by its Type (the contract gives no values;
// research: "goods/services").
func isGoods(t string) bool {
	t = strings.ToLower(t)
	return strings.Contains(t, "goods") || strings.Contains(t, "vara") || strings.Contains(t, "varor")
}

func codingNames(cs []Coding) string {
	names := make([]string, len(cs))
	for i, k := range cs {
		names[i] = fmt.Sprintf("%q", k.Name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// unitID finds options.unit by code, abbreviation or name.
func (c *Client) unitID(ctx context.Context, op string) (string, error) {
	us, err := c.units(ctx)
	if err != nil {
		return "", err
	}
	want := strings.TrimSpace(c.cfg.Unit)
	for _, u := range us {
		for _, s := range []string{u.Code, u.Abbreviation, u.Name} {
			if strings.EqualFold(strings.TrimSpace(s), want) {
				return u.Id, nil
			}
		}
	}
	return "", misconfigured(op, "options.unit is %q, but no unit in /units has that code, abbreviation or name", want)
}

// termsFor finds the terms of payment of a number of days: available for
// sales and of type Normal; several match: the first by name.
func (c *Client) termsFor(ctx context.Context, op string, days int, setting string) (string, error) {
	ts, err := c.termsOfPayment(ctx)
	if err != nil {
		return "", err
	}
	var match []TermsOfPayment
	for _, t := range ts {
		if t.NumberOfDays == days && t.AvailableForSales && t.TermsOfPaymentTypeId == TermsNormal {
			match = append(match, t)
		}
	}
	if len(match) == 0 {
		return "", &connectors.Error{Kind: connectors.KindNotFound, System: System, Op: op,
			Message: fmt.Sprintf("eAccounting has no terms of payment of %d days (type Normal, available for sales); add them in eAccounting or change %s", days, setting)}
	}
	sort.Slice(match, func(i, j int) bool { return match[i].Name < match[j].Name })
	return match[0].Id, nil
}

// termsNamed finds the terms of payment (available for sales) whose name,
// English name or id is method; false when none is, or method is empty.
func (c *Client) termsNamed(ctx context.Context, method string) (TermsOfPayment, bool, error) {
	if method = strings.TrimSpace(method); method == "" {
		return TermsOfPayment{}, false, nil
	}
	ts, err := c.termsOfPayment(ctx)
	if err != nil {
		return TermsOfPayment{}, false, err
	}
	for _, t := range ts {
		if t.AvailableForSales && (strings.EqualFold(t.Name, method) || strings.EqualFold(t.NameEnglish, method) || strings.EqualFold(t.Id, method)) {
			return t, true, nil
		}
	}
	return TermsOfPayment{}, false, nil
}

// daysOfTerms is the number of days of a terms of payment id.
func (c *Client) daysOfTerms(ctx context.Context, id string) (int, bool, error) {
	ts, err := c.termsOfPayment(ctx)
	if err != nil {
		return 0, false, err
	}
	for _, t := range ts {
		if strings.EqualFold(t.Id, id) {
			return t.NumberOfDays, true, nil
		}
	}
	return 0, false, nil
}

// deliveryMethod finds a shipping method by code, then by name.
func (c *Client) deliveryMethod(ctx context.Context, op, method string) (DeliveryMethod, error) {
	ms, err := c.deliveryMethods(ctx)
	if err != nil {
		return DeliveryMethod{}, err
	}
	for _, m := range ms {
		if m.Code != "" && strings.EqualFold(strings.TrimSpace(m.Code), method) {
			return m, nil
		}
	}
	for _, m := range ms {
		if strings.EqualFold(strings.TrimSpace(m.Name), method) {
			return m, nil
		}
	}
	return DeliveryMethod{}, &connectors.Error{Kind: connectors.KindNotFound, System: System, Op: op,
		Message: fmt.Sprintf("shipping method %q is no delivery method's code or name in eAccounting; add it there or map it in flows.orders.shippingMethods", method)}
}

func misconfigured(op, format string, args ...any) error {
	return &connectors.Error{Kind: connectors.KindConfig, System: System, Op: op, Message: fmt.Sprintf(format, args...)}
}

func invalid(op, format string, args ...any) error {
	return &connectors.Error{Kind: connectors.KindValidation, System: System, Op: op, Message: fmt.Sprintf(format, args...)}
}
