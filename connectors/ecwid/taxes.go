package ecwid

import (
	"context"
	"fmt"
	"strings"

	"github.com/koppel/koppel/model"
)

// Ecwid keeps no VAT rate on a product. A product names the store's
// manual taxes that apply to it (tax.enabledManualTaxes; none named: the
// taxes the store applies by default), and a gross store also tells the
// rate included in its price (tax.defaultLocationIncludedTaxRate). The
// store's taxes, with their ids and rates, are in its profile
// (taxSettings.taxes, scope read_store_profile). Without the right tax
// named, a product created by Koppel would be taxed at the store's
// default rate: a 9 % article sold at 21 %.

// storeTax is one of the store's manual taxes.
type storeTax struct {
	id        int64
	name      string
	rate      model.VATRate
	byDefault bool
}

// storeTaxes are the store's enabled manual taxes; automatic means Ecwid
// computes taxes itself (taxSettings.automaticTaxEnabled), so products
// name none.
type storeTaxes struct {
	taxes     []storeTax
	automatic bool
}

// taxesFrom reads the profile's tax settings; disabled taxes are left out.
func taxesFrom(w Profile) (storeTaxes, error) {
	out := storeTaxes{automatic: w.TaxSettings.AutomaticTaxEnabled != nil && *w.TaxSettings.AutomaticTaxEnabled}
	for i, t := range w.TaxSettings.Taxes {
		if t.Enabled != nil && !*t.Enabled {
			continue
		}
		field := fmt.Sprintf("taxSettings.taxes[%d]", i)
		id, err := t.ID.Int64()
		if err != nil {
			return storeTaxes{}, fmt.Errorf("%s.id: %q is not a tax id", field, t.ID.String())
		}
		r, err := rate(t.DefaultTax, field+".defaultTax")
		if err != nil {
			return storeTaxes{}, err
		}
		out.taxes = append(out.taxes, storeTax{id: id, name: t.Name, rate: r, byDefault: t.AppliedByDefault})
	}
	return out, nil
}

// rateOf is the rate of the taxes named (a product's enabledManualTaxes),
// or, when none are named, of the taxes applied by default.
func (s storeTaxes) rateOf(named []int64) model.VATRate {
	var sum model.VATRate
	for _, t := range s.taxes {
		if len(named) == 0 && t.byDefault || containsID(named, t.id) {
			sum += t.rate
		}
	}
	return sum
}

// idFor is the id of the store's tax of rate r.
func (s storeTaxes) idFor(r model.VATRate) (int64, bool) {
	for _, t := range s.taxes {
		if t.rate == r {
			return t.id, true
		}
	}
	return 0, false
}

// rates lists the store's taxes for an error message.
func (s storeTaxes) rates() string {
	if len(s.taxes) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(s.taxes))
	for _, t := range s.taxes {
		parts = append(parts, fmt.Sprintf("%s (%s, id %d)", t.name, t.rate, t.id))
	}
	return strings.Join(parts, ", ")
}

// productVAT is a product's VAT rate: 0 when it is not taxable, the rate
// included in its price where the store states it, else the rate of the
// store's taxes it names (or of the default ones), from the profile.
func (c *Client) productVAT(ctx context.Context, t *ProductTax) (model.VATRate, error) {
	if t == nil || t.Taxable != nil && !*t.Taxable {
		return 0, nil
	}
	included, err := rate(t.DefaultLocationIncludedTaxRate, "tax.defaultLocationIncludedTaxRate")
	if err != nil || included > 0 {
		return included, err
	}
	p, err := c.readProfile(ctx)
	if err != nil {
		return 0, err
	}
	return p.taxes.rateOf(t.EnabledManualTaxes), nil
}

// taxBody is the tax block a product of rate r is written with: not
// taxable at 0 %, else the store's tax of that rate by id (or, with
// automatic taxes, taxable only). A rate the store has no tax for is a
// setting to fix in the store.
func (c *Client) taxBody(ctx context.Context, op, sku string, r model.VATRate) (*ProductTaxBody, error) {
	if r == 0 {
		return &ProductTaxBody{Taxable: ptr(false)}, nil
	}
	p, err := c.readProfile(ctx)
	if err != nil {
		return nil, addHint(err, "products need the store's taxes from its profile (scope read_store_profile)")
	}
	if p.taxes.automatic {
		return &ProductTaxBody{Taxable: ptr(true)}, nil
	}
	id, ok := p.taxes.idFor(r)
	if !ok {
		return nil, misconfigured(op, "product %s has %s VAT, but the store has no tax of that rate (its taxes: %s); add a manual tax of %s in Ecwid (Settings → Taxes), so the product is not taxed at the default rate",
			sku, r, p.taxes.rates(), r)
	}
	return &ProductTaxBody{Taxable: ptr(true), EnabledManualTaxes: []int64{id}}, nil
}
