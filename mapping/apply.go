package mapping

import (
	"errors"
	"fmt"
	"slices"

	"github.com/expr-lang/expr"

	"github.com/koppel/koppel/model"
)

// ApplyOrder maps an order. raw is the source's order as decoded from JSON
// (the variable raw); rawLines its lines in the order of o.Lines (rawLine in
// line rules; missing ones are empty). It returns the mapped order, the order's
// custom fields (nil when no extra.* rule exists) and each line's custom fields
// (nil when no lines.extra.* rule exists, else one map per line). Every rule
// reads the order as it came in, so rules do not see each other's results.
// A failing rule makes an error naming it; all failures are joined.
func (m *Mapper) ApplyOrder(o model.Order, raw map[string]any, rawLines []map[string]any) (model.Order, map[string]any, []map[string]any, error) {
	if m == nil {
		return o, nil, nil, nil
	}
	if err := m.want(FlowOrders); err != nil {
		return model.Order{}, nil, nil, err
	}
	e := &errs{flow: m.flow}
	view := viewOrder(&o)
	out := o
	out.Lines = slices.Clone(o.Lines)
	extra := m.order.apply(&out, orderEnv{Order: view, Raw: raw}, 0, e)
	var lineExtras []map[string]any
	if m.line.hasExtra {
		lineExtras = make([]map[string]any, len(out.Lines))
	}
	for i := range out.Lines {
		var rawLine map[string]any
		if i < len(rawLines) {
			rawLine = rawLines[i]
		}
		env := lineEnv{Order: view, Line: view.Lines[i], Index: i, Raw: raw, RawLine: rawLine}
		x := m.line.apply(&out.Lines[i], env, i+1, e)
		if lineExtras != nil {
			lineExtras[i] = x
		}
	}
	fixKind(&out.Customer, o.Customer)
	if err := e.err(); err != nil {
		return model.Order{}, nil, nil, err
	}
	return out, extra, lineExtras, nil
}

// ApplyCustomer maps a customer of the customers flow; see ApplyOrder.
func (m *Mapper) ApplyCustomer(c model.Customer, raw map[string]any) (model.Customer, map[string]any, error) {
	if m == nil {
		return c, nil, nil
	}
	if err := m.want(FlowCustomers); err != nil {
		return model.Customer{}, nil, err
	}
	e := &errs{flow: m.flow}
	out := c
	extra := m.customer.apply(&out, customerEnv{Customer: viewCustomer(&c), Raw: raw}, 0, e)
	fixKind(&out, c)
	if err := e.err(); err != nil {
		return model.Customer{}, nil, err
	}
	return out, extra, nil
}

// ApplyProduct maps a product and, with the same rules, each of its variants:
// for a variant, product is the variant, parent the product it belongs to and
// rawVariant its raw record from rawVariants (in the order of p.Variants).
// It returns the variants' custom fields like ApplyOrder returns the lines'.
func (m *Mapper) ApplyProduct(p model.Product, raw map[string]any, rawVariants []map[string]any) (model.Product, map[string]any, []map[string]any, error) {
	if m == nil {
		return p, nil, nil, nil
	}
	if err := m.want(FlowProducts); err != nil {
		return model.Product{}, nil, nil, err
	}
	e := &errs{flow: m.flow}
	view := viewProduct(&p, false)
	out := p
	out.Variants = slices.Clone(p.Variants)
	extra := m.product.apply(&out, productEnv{Product: view, Raw: raw}, 0, e)
	var variantExtras []map[string]any
	if m.product.hasExtra && len(out.Variants) > 0 {
		variantExtras = make([]map[string]any, len(out.Variants))
	}
	for i := range out.Variants {
		var rawVariant map[string]any
		if i < len(rawVariants) {
			rawVariant = rawVariants[i]
		}
		env := productEnv{Product: viewProduct(&p.Variants[i], true), Parent: view, Raw: raw, RawVariant: rawVariant}
		x := m.product.apply(&out.Variants[i], env, i+1, e)
		if variantExtras != nil {
			variantExtras[i] = x
		}
	}
	if err := e.err(); err != nil {
		return model.Product{}, nil, nil, err
	}
	return out, extra, variantExtras, nil
}

// ApplyStock maps a stock level; see ApplyOrder.
func (m *Mapper) ApplyStock(s model.StockLevel, raw map[string]any) (model.StockLevel, map[string]any, error) {
	if m == nil {
		return s, nil, nil
	}
	if err := m.want(FlowStock); err != nil {
		return model.StockLevel{}, nil, err
	}
	e := &errs{flow: m.flow}
	out := s
	extra := m.stock.apply(&out, stockEnv{Stock: viewStock(&s), Raw: raw}, 0, e)
	if err := e.err(); err != nil {
		return model.StockLevel{}, nil, err
	}
	return out, extra, nil
}

func (m *Mapper) want(flow string) error {
	if m.flow != flow {
		return fmt.Errorf("mapping: the mapper of the %s flow cannot map %s", m.flow, flow)
	}
	return nil
}

// fixKind keeps company versus person in step with a company name a rule changed.
func fixKind(c *model.Customer, before model.Customer) {
	if c.CompanyName != before.CompanyName {
		c.Kind = model.KindFor(c.CompanyName)
	}
}

// apply runs the scope's rules against env (a snapshot of the record before
// mapping) and writes the results into rec. It returns the custom fields, or
// nil when the scope has no custom field rule; a nil result leaves its custom
// field out.
func (c *compiled[R]) apply(rec *R, env any, item int, e *errs) map[string]any {
	var extra map[string]any
	if c.hasExtra {
		extra = map[string]any{}
	}
	for i := range c.rules {
		r := &c.rules[i]
		v, err := expr.Run(r.prog, env)
		if err != nil {
			e.add(r.path, item, errors.New(firstLine(err)))
			continue
		}
		if r.field == nil {
			if v != nil {
				extra[r.extra] = v
			}
			continue
		}
		if v, err = convert(r.field, v); err != nil {
			e.add(r.path, item, err)
			continue
		}
		r.field.set(rec, v)
	}
	return extra
}

// convert turns a rule's result into what the field's setter takes. Compile
// has checked every result whose type it knew; this catches the values known
// only at run time (raw fields): text takes text and numbers (nil is ""),
// numbers take numbers and decimals in text.
func convert[R any](f *field[R], v any) (any, error) {
	switch f.kind {
	case kindText:
		return text(v)
	case kindNumber:
		return minor(v, f.decimals)
	}
	return v, nil
}
