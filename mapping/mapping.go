// Package mapping is the datamapper: it decides what each target field of a
// flow's canonical record gets before the target connector writes it.
//
// Every flow ships a default mapping that copies each field as it is. The
// integration file overrides or adds fields with expressions over the
// canonical record and the raw source record:
//
//	mapping:
//	  customer.companyName: "order.customer.companyName + ' B.V.'"
//	  customer.vatNumber: "raw.customer.btw"
//	  lines.name: "concat(line.sku, ' - ', line.name)"
//	  extra.channel: "lookup('channels', order.paymentMethod, 'web')"
//
// The expressions are github.com/expr-lang/expr, chosen over a language of our
// own because its programs are compiled and type-checked against typed
// environments before anything runs (a broken rule fails the start, not an
// order at 3 a.m.), are sandboxed (no I/O, bounded memory, no loops without
// end), are safe for concurrent use once compiled, and the library is well
// kept and widely used.
//
// Mapping is canonical to canonical: a rule sets one field of the record the
// target connector then writes as it always does. Paths under "extra." are
// custom fields no connector knows; they are handed back apart for the caller
// to pass to the target.
//
// Numbers (money, quantities, VAT) appear in expressions as float64 in major
// units (19.99, 1.5, 21); a number written back is converted exactly, through
// its shortest decimal form and decimal rounding half away from zero, never by
// truncating a float.
//
// Variables, per flow (see the View types for their fields):
//
//	orders     order, raw; rules of lines.* also line, index (0-based), rawLine
//	customers  customer, raw
//	products   product, parent (for a variant), raw, rawVariant
//	stock      stock, raw
//
// raw holds the source record as decoded from JSON; reading a key that is not
// there gives nil at any depth (raw.customer.btw with no customer is nil), and
// nil written to a text field is "". Functions: concat, formatDate,
// formatNumber, lookup, upper, lower, trim and default (functions.go), besides
// expr's own builtins and operators, conditionals (cond ? a : b) among them.
package mapping

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"

	"github.com/koppel/koppel/model"
)

// The flows with a mapping, as named in the integration file.
const (
	FlowOrders    = "orders"
	FlowProducts  = "products"
	FlowCustomers = "customers"
	FlowStock     = "stock"
)

// Rules maps a target field path to the source of its expression, as written
// in the integration file.
type Rules map[string]string

// Problem is one broken rule: the field path it sets and what is wrong.
type Problem struct {
	Field   string
	Message string
}

// Error lists every broken rule of one flow's mapping, so one start tells the
// user everything to fix. Callers that know where the mapping sits in their
// file format Problems with their own prefix (see FieldPath).
type Error struct {
	Flow     string
	Problems []Problem
}

func (e *Error) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = FieldPath(e.Flow, p.Field) + ": " + p.Message
	}
	return strings.Join(parts, "; ")
}

// FieldPath is where a rule sits in an integration: flows.orders.mapping["lines.name"].
func FieldPath(flow, field string) string {
	return fmt.Sprintf("flows.%s.mapping[%q]", flow, field)
}

// ApplyError is a rule that failed on a record at run time. Mapping is
// deterministic, so retrying the same record fails the same way.
type ApplyError struct {
	Flow  string
	Field string
	// Item is the 1-based order line (orders) or variant (products) the rule
	// failed on; 0 for the record itself.
	Item int
	Err  error
}

func (e *ApplyError) Error() string {
	where := FieldPath(e.Flow, e.Field)
	if e.Item > 0 {
		noun := "line"
		if e.Flow == FlowProducts {
			noun = "variant"
		}
		where += fmt.Sprintf(" on %s %d", noun, e.Item)
	}
	return where + ": " + e.Err.Error()
}

func (e *ApplyError) Unwrap() error { return e.Err }

// Mapper is a flow's compiled mapping. It is safe for concurrent use. A nil
// *Mapper maps every record to itself.
type Mapper struct {
	flow     string
	rules    map[string]string
	order    *compiled[model.Order]
	line     *compiled[model.OrderLine]
	customer *compiled[model.Customer]
	product  *compiled[model.Product]
	stock    *compiled[model.StockLevel]
	usesRaw  bool
}

// UsesRaw reports whether a rule reads the raw source record; a flow that
// must fetch the raw record specially does so only then.
func (m *Mapper) UsesRaw() bool { return m != nil && m.usesRaw }

// Flow is the flow the mapper was compiled for.
func (m *Mapper) Flow() string {
	if m == nil {
		return ""
	}
	return m.flow
}

// Rules returns the effective rules, defaults with the overrides applied, for
// a preview.
func (m *Mapper) Rules() map[string]string {
	if m == nil {
		return nil
	}
	return maps.Clone(m.rules)
}

// Compile builds a flow's mapper: the flow's default rules (each field as it
// is) with rules laid over them, each one compiled and type-checked against
// the flow's variables. tables are the lookup tables the rules may name.
// Every broken rule is reported in one *Error.
func Compile(flow string, rules Rules, tables map[string]map[string]string) (*Mapper, error) {
	scopes, ok := flowScopes[flow]
	if !ok {
		return nil, fmt.Errorf("mapping: no flow %q; flows are %s", flow, strings.Join(Flows(), ", "))
	}
	c := &compiler{flow: flow, scopes: scopes, tables: map[string]map[string]string{}, known: Fields(flow)}
	for name, t := range tables {
		c.tables[name] = maps.Clone(t)
	}
	c.funcs = functions(c.tables)

	effective := map[string]string{}
	for _, s := range scopes {
		maps.Copy(effective, s.defaultRules())
	}
	// A field that replaces another (priceInclVat for price) takes over its
	// default; setting both, or two that replace the same, is a conflict.
	taken := map[string][]string{}
	for path := range rules {
		if s := route(scopes, path); s != nil {
			if base, ok := s.replaces(path); ok {
				taken[base] = append(taken[base], path)
			}
		}
	}
	for base, paths := range taken {
		if _, ok := rules[base]; ok {
			paths = append(paths, base)
		}
		delete(effective, base)
		if len(paths) > 1 {
			sort.Strings(paths)
			for _, p := range paths {
				c.problem(p, "sets the same field as %s; keep one of them", quoteOthers(paths, p))
			}
		}
	}
	maps.Copy(effective, rules)

	m := &Mapper{flow: flow, rules: effective}
	switch flow {
	case FlowOrders:
		m.order = compileScope(c, orderScope, effective)
		m.line = compileScope(c, lineScope, effective)
	case FlowCustomers:
		m.customer = compileScope(c, customerScope, effective)
	case FlowProducts:
		m.product = compileScope(c, productScope, effective)
	case FlowStock:
		m.stock = compileScope(c, stockScope, effective)
	}
	if len(c.problems) > 0 {
		sort.SliceStable(c.problems, func(i, j int) bool { return c.problems[i].Field < c.problems[j].Field })
		return nil, &Error{Flow: flow, Problems: c.problems}
	}
	m.usesRaw = c.usesRaw
	return m, nil
}

func quoteOthers(paths []string, self string) string {
	var out []string
	for _, p := range paths {
		if p != self {
			out = append(out, fmt.Sprintf("%q", p))
		}
	}
	return strings.Join(out, " and ")
}

// compiler holds what every rule of one Compile shares.
type compiler struct {
	flow     string
	scopes   []scopeInfo
	tables   map[string]map[string]string
	funcs    []expr.Option
	known    []string
	problems []Problem
	usesRaw  bool
}

func (c *compiler) problem(field, format string, args ...any) {
	c.problems = append(c.problems, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

// rule is one compiled rule of a scope.
type rule[R any] struct {
	path  string
	field *field[R] // nil for a custom field
	extra string    // the custom field's name
	prog  *vm.Program
}

type compiled[R any] struct {
	rules    []rule[R]
	hasExtra bool
}

// compileScope compiles the rules whose paths belong to s.
func compileScope[R any](c *compiler, s *scope[R], rules map[string]string) *compiled[R] {
	paths := make([]string, 0, len(rules))
	for p := range rules {
		if route(c.scopes, p) == scopeInfo(s) {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	out := &compiled[R]{}
	for _, path := range paths {
		r := rule[R]{path: path}
		k := kindAny
		if name, ok := strings.CutPrefix(path, s.extraPrefix()); ok {
			if strings.TrimSpace(name) == "" {
				c.problem(path, "names no custom field; write %sname", s.extraPrefix())
				continue
			}
			r.extra = name
			out.hasExtra = true
		} else if f, ok := s.index[path]; ok {
			r.field, k = f, f.kind
		} else {
			c.problem(path, "%s", c.unknownField(path))
			continue
		}
		prog, msgs := c.compileRule(s.env, rules[path], k)
		if len(msgs) > 0 {
			for _, msg := range msgs {
				c.problem(path, "%s", msg)
			}
			continue
		}
		r.prog = prog
		out.rules = append(out.rules, r)
	}
	return out
}

func (c *compiler) unknownField(path string) string {
	msg := fmt.Sprintf("is not a field of the %s flow", c.flow)
	near := nearest(path, c.known)
	if _, rest, ok := strings.Cut(path, "."); ok && slices.Contains(c.known, rest) {
		near = rest // customer.email in the customers flow, whose paths have no prefix
	}
	if near != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", near)
	}
	return msg + "; custom fields start with \"extra.\""
}

// compileRule compiles one expression and checks that its result fits the field.
func (c *compiler) compileRule(env any, source string, k kind) (*vm.Program, []string) {
	if strings.TrimSpace(source) == "" {
		return nil, []string{"has no expression; leave the field out to keep its value, or write '' to empty it"}
	}
	v := &visitor{tables: c.tables}
	opts := append([]expr.Option{expr.Env(env), expr.Patch(v)}, c.funcs...)
	prog, err := expr.Compile(source, opts...)
	c.usesRaw = c.usesRaw || v.usesRaw
	msgs := slices.Compact(v.problems)
	if err != nil {
		return nil, append(msgs, firstLine(err))
	}
	if len(msgs) > 0 {
		return nil, msgs
	}
	if msg := fits(prog.Node().Type(), k); msg != "" {
		return nil, []string{msg}
	}
	return prog, nil
}

// fits checks a result type against a field kind at compile time; a type only
// known at run time passes and is checked when the rule runs.
func fits(t reflect.Type, k kind) string {
	if unknown(t) {
		return ""
	}
	if t.Kind() == reflect.Func {
		return "is a function, not a value; call it with its arguments, like concat(a, b)"
	}
	if (k == kindText && t.Kind() != reflect.String) || (k == kindNumber && !isNumberKind(t.Kind())) {
		return fmt.Sprintf("type %s is not assignable to %s", t, k)
	}
	return ""
}

func firstLine(err error) string {
	line, _, _ := strings.Cut(err.Error(), "\n")
	return line
}

// rawRoots are the variables holding raw source records.
var rawRoots = map[string]bool{"raw": true, "rawLine": true, "rawVariant": true}

// visitor checks lookup's table names and makes reads of raw records nil-safe:
// raw.customer.btw gives nil, not an error, when the source sent no customer.
type visitor struct {
	tables   map[string]map[string]string
	problems []string
	usesRaw  bool
}

func (v *visitor) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		if rawRoots[n.Value] {
			v.usesRaw = true
		}
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok && id.Value == "lookup" && len(n.Arguments) > 0 {
			v.checkTable(n.Arguments[0])
		}
	case *ast.MemberNode:
		if rawRoot(n.Node) && !n.Optional {
			n.Optional = true
			chain := &ast.ChainNode{Node: n}
			ast.Patch(node, chain)
		}
	}
}

func (v *visitor) checkTable(arg ast.Node) {
	s, ok := arg.(*ast.StringNode)
	if !ok {
		v.problems = append(v.problems, "lookup: the table must be a name in quotes, like lookup('countries', key, default)")
		return
	}
	if _, ok := v.tables[s.Value]; ok {
		return
	}
	names := make([]string, 0, len(v.tables))
	for name := range v.tables {
		names = append(names, name)
	}
	sort.Strings(names)
	known := "no lookup tables are configured"
	if len(names) > 0 {
		known = "the tables are " + strings.Join(names, ", ")
	}
	v.problems = append(v.problems, fmt.Sprintf("lookup: unknown table %q; %s", s.Value, known))
}

// rawRoot reports whether a member chain starts at a raw record variable.
func rawRoot(n ast.Node) bool {
	for {
		switch x := n.(type) {
		case *ast.MemberNode:
			n = x.Node
		case *ast.ChainNode:
			n = x.Node
		case *ast.IdentifierNode:
			return rawRoots[x.Value]
		default:
			return false
		}
	}
}

// nearest finds the known path closest to path, if it is close enough to be
// a likely typo.
func nearest(path string, known []string) string {
	best, bestD := "", len(path)/3+2
	for _, k := range known {
		if d := distance(strings.ToLower(path), strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the Levenshtein edit distance.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// errs collects the rules that failed on one record.
type errs struct {
	flow string
	list []error
}

func (e *errs) add(field string, item int, err error) {
	e.list = append(e.list, &ApplyError{Flow: e.flow, Field: field, Item: item, Err: err})
}

func (e *errs) err() error {
	switch len(e.list) {
	case 0:
		return nil
	case 1:
		return e.list[0]
	}
	return applyErrors(e.list)
}

// applyErrors is several failed rules, one line; errors.As finds each *ApplyError.
type applyErrors []error

func (e applyErrors) Error() string {
	parts := make([]string, len(e))
	for i, err := range e {
		parts[i] = err.Error()
	}
	return strings.Join(parts, "; ")
}

func (e applyErrors) Unwrap() []error { return e }
