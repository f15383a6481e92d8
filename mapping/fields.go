package mapping

import (
	"sort"
	"strings"

	"github.com/koppel/koppel/model"
)

// kind is what a target field takes; it decides the type check at compile
// time and the conversion at run time.
type kind int

const (
	kindText   kind = iota + 1 // string
	kindNumber                 // any number, stored exactly as an int64 scaled by 10^decimals
	kindAny                    // extra.* custom fields: whatever the expression gives
)

func (k kind) String() string {
	switch k {
	case kindText:
		return "string"
	case kindNumber:
		return "number"
	default:
		return "any"
	}
}

// field is one target field path of a flow with its getter and setter. Text
// fields get and set a string; number fields an int64 scaled by 10^decimals
// (cents for money, thousandths for quantities, hundredths of a percent for VAT).
type field[R any] struct {
	path     string
	kind     kind
	decimals int
	get      func(*R) any
	set      func(*R, any)
	// replaces names a field whose default rule this one takes over when the
	// user sets it (priceInclVat and priceExclVat both write price); such a
	// field has no default rule of its own.
	replaces string
}

func textField[R any](path string, at func(*R) *string) field[R] {
	return field[R]{
		path: path,
		kind: kindText,
		get:  func(r *R) any { return *at(r) },
		set:  func(r *R, v any) { *at(r) = v.(string) },
	}
}

func numberField[R any](path string, decimals int, at func(*R) *int64) field[R] {
	return field[R]{
		path:     path,
		kind:     kindNumber,
		decimals: decimals,
		get:      func(r *R) any { return *at(r) },
		set:      func(r *R, v any) { *at(r) = v.(int64) },
	}
}

// scope is the set of fields one kind of rule writes: the order itself or each
// of its lines, a product (and each variant), a customer, a stock level.
type scope[R any] struct {
	// variable is the expression variable that default rules read: the
	// default rule of prefix+"x.y" is variable+".x.y".
	variable string
	// prefix starts every path of the scope ("lines." for order lines).
	prefix string
	fields []field[R]
	// env is a zero environment, for expr's type checks.
	env any
	// index finds a field by path; built once by init.
	index map[string]*field[R]
}

func newScope[R any](variable, prefix string, env any, fields []field[R]) *scope[R] {
	s := &scope[R]{variable: variable, prefix: prefix, fields: fields, env: env, index: map[string]*field[R]{}}
	for i := range s.fields {
		s.index[s.fields[i].path] = &s.fields[i]
	}
	return s
}

func (s *scope[R]) defaultRule(f *field[R]) string {
	return s.variable + "." + strings.TrimPrefix(f.path, s.prefix)
}

// extraPrefix starts the scope's custom field paths.
func (s *scope[R]) extraPrefix() string { return s.prefix + "extra." }

// scopeInfo is what Compile needs to know of a scope without its record type.
type scopeInfo interface {
	pathPrefix() string
	defaultRules() map[string]string
	fieldPaths() []string
	replaces(path string) (string, bool)
}

func (s *scope[R]) pathPrefix() string { return s.prefix }

func (s *scope[R]) defaultRules() map[string]string {
	out := map[string]string{}
	for i := range s.fields {
		if f := &s.fields[i]; f.replaces == "" {
			out[f.path] = s.defaultRule(f)
		}
	}
	return out
}

func (s *scope[R]) fieldPaths() []string {
	out := make([]string, len(s.fields))
	for i := range s.fields {
		out[i] = s.fields[i].path
	}
	return out
}

func (s *scope[R]) replaces(path string) (string, bool) {
	if f, ok := s.index[path]; ok && f.replaces != "" {
		return f.replaces, true
	}
	return "", false
}

// addressFields are the text fields of an address.
var addressFields = []struct {
	name string
	at   func(*model.Address) *string
}{
	{"name", func(a *model.Address) *string { return &a.Name }},
	{"company", func(a *model.Address) *string { return &a.Company }},
	{"street", func(a *model.Address) *string { return &a.Street }},
	{"houseNumber", func(a *model.Address) *string { return &a.HouseNumber }},
	{"houseNumberSuffix", func(a *model.Address) *string { return &a.HouseNumberSuffix }},
	{"line2", func(a *model.Address) *string { return &a.Line2 }},
	{"postalCode", func(a *model.Address) *string { return &a.PostalCode }},
	{"city", func(a *model.Address) *string { return &a.City }},
	{"region", func(a *model.Address) *string { return &a.Region }},
	{"countryCode", func(a *model.Address) *string { return &a.CountryCode }},
	{"phone", func(a *model.Address) *string { return &a.Phone }},
}

// customerFields are the customer paths under prefix ("customer." in orders,
// "" in the customers flow), reached from the record by cust.
func customerFields[R any](prefix string, cust func(*R) *model.Customer) []field[R] {
	text := func(name string, at func(*model.Customer) *string) field[R] {
		return textField(prefix+name, func(r *R) *string { return at(cust(r)) })
	}
	fs := []field[R]{
		text("email", func(c *model.Customer) *string { return &c.Email }),
		text("companyName", func(c *model.Customer) *string { return &c.CompanyName }),
		text("person.firstName", func(c *model.Customer) *string { return &c.Person.FirstName }),
		text("person.lastName", func(c *model.Customer) *string { return &c.Person.LastName }),
		text("vatNumber", func(c *model.Customer) *string { return &c.VATNumber }),
		text("cocNumber", func(c *model.Customer) *string { return &c.CoCNumber }),
		text("phone", func(c *model.Customer) *string { return &c.Phone }),
		text("mobile", func(c *model.Customer) *string { return &c.Mobile }),
	}
	sides := []struct {
		name string
		at   func(*model.Customer) *model.Address
	}{
		{"billing", func(c *model.Customer) *model.Address { return &c.Billing }},
		{"shipping", func(c *model.Customer) *model.Address { return &c.Shipping }},
	}
	for _, side := range sides {
		for _, af := range addressFields {
			fs = append(fs, text(side.name+"."+af.name, func(c *model.Customer) *string { return af.at(side.at(c)) }))
		}
	}
	return fs
}

// The field tables, one per flow (orders have two scopes: the order and each line).
var (
	orderScope = newScope("order", "", orderEnv{}, append([]field[model.Order]{
		textField("number", func(o *model.Order) *string { return &o.Number }),
		textField("note", func(o *model.Order) *string { return &o.Note }),
		textField("paymentMethod", func(o *model.Order) *string { return &o.PaymentMethod }),
		textField("shippingMethod", func(o *model.Order) *string { return &o.ShippingMethod }),
	}, customerFields("customer.", func(o *model.Order) *model.Customer { return &o.Customer })...))

	lineScope = newScope("line", "lines.", lineEnv{}, []field[model.OrderLine]{
		textField("lines.sku", func(l *model.OrderLine) *string { return &l.SKU }),
		textField("lines.name", func(l *model.OrderLine) *string { return &l.Name }),
		textField("lines.ean", func(l *model.OrderLine) *string { return &l.EAN }),
		numberField("lines.quantity", 3, func(l *model.OrderLine) *int64 { return (*int64)(&l.Quantity) }),
		numberField("lines.unitPrice", 2, func(l *model.OrderLine) *int64 { return &l.UnitPrice.Amount }),
		numberField("lines.unitDiscount", 2, func(l *model.OrderLine) *int64 { return &l.UnitDiscount.Amount }),
		numberField("lines.vat", 2, func(l *model.OrderLine) *int64 { return (*int64)(&l.VAT) }),
	})

	customerScope = newScope("customer", "", customerEnv{},
		customerFields("", func(c *model.Customer) *model.Customer { return c }))

	productScope = newScope("product", "", productEnv{}, []field[model.Product]{
		textField("sku", func(p *model.Product) *string { return &p.SKU }),
		textField("name", func(p *model.Product) *string { return &p.Name }),
		textField("shortDescription", func(p *model.Product) *string { return &p.ShortDescription }),
		textField("description", func(p *model.Product) *string { return &p.Description }),
		textField("ean", func(p *model.Product) *string { return &p.EAN }),
		textField("currency", func(p *model.Product) *string { return &p.Price.Currency }),
		// price is the price as the record keeps it (priceIncludesVat says how).
		numberField("price", 2, func(p *model.Product) *int64 { return &p.Price.Amount }),
		{
			path: "priceInclVat", kind: kindNumber, decimals: 2, replaces: "price",
			get: func(p *model.Product) any { return priceInclVAT(p) },
			set: func(p *model.Product, v any) { p.Price.Amount, p.PriceIncludesVAT = v.(int64), true },
		},
		{
			path: "priceExclVat", kind: kindNumber, decimals: 2, replaces: "price",
			get: func(p *model.Product) any { return priceExclVAT(p) },
			set: func(p *model.Product, v any) { p.Price.Amount, p.PriceIncludesVAT = v.(int64), false },
		},
		numberField("vat", 2, func(p *model.Product) *int64 { return (*int64)(&p.VAT) }),
	})

	stockScope = newScope("stock", "", stockEnv{}, []field[model.StockLevel]{
		textField("sku", func(s *model.StockLevel) *string { return &s.SKU }),
		textField("location", func(s *model.StockLevel) *string { return &s.Location }),
		numberField("physical", 3, func(s *model.StockLevel) *int64 { return (*int64)(&s.Physical) }),
		numberField("available", 3, func(s *model.StockLevel) *int64 { return (*int64)(&s.Available) }),
		numberField("reserved", 3, func(s *model.StockLevel) *int64 { return (*int64)(&s.Reserved) }),
	})
)

// flowScopes lists the scopes of each flow, the one with the longest prefix first.
var flowScopes = map[string][]scopeInfo{
	FlowOrders:    {lineScope, orderScope},
	FlowProducts:  {productScope},
	FlowCustomers: {customerScope},
	FlowStock:     {stockScope},
}

// route finds the scope a path belongs to.
func route(scopes []scopeInfo, path string) scopeInfo {
	for _, s := range scopes {
		if strings.HasPrefix(path, s.pathPrefix()) {
			return s
		}
	}
	return nil
}

// Flows lists the flows that have a mapping.
func Flows() []string {
	out := make([]string, 0, len(flowScopes))
	for f := range flowScopes {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// Fields lists the target field paths of a flow, sorted; every flow also takes
// custom fields under "extra." (and order lines under "lines.extra.").
// It returns nil for an unknown flow.
func Fields(flow string) []string {
	var out []string
	for _, s := range flowScopes[flow] {
		out = append(out, s.fieldPaths()...)
	}
	sort.Strings(out)
	return out
}
