package mapping

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/koppel/koppel/model"
)

// Filter is a flow's condition on the source set: a boolean expression over
// the same variables the flow's mapping rules see. Only records it is true
// for are synced, e.g.
//
//	filter: "'Koffie' in product.categories && raw.brand == 'Acme'"
//
// A nil Filter lets every record through.
type Filter struct {
	flow   string
	source string
	prog   *vm.Program
}

// CompileFilter compiles and type-checks a filter for the products, customers
// or stock flow; an empty source gives nil (no filter).
func CompileFilter(flow, source string, tables map[string]map[string]string) (*Filter, error) {
	if strings.TrimSpace(source) == "" {
		return nil, nil
	}
	var env any
	switch flow {
	case FlowProducts:
		env = productEnv{}
	case FlowCustomers:
		env = customerEnv{}
	case FlowStock:
		env = stockEnv{}
	default:
		return nil, fmt.Errorf("flow %q takes no filter (products, customers and stock do)", flow)
	}
	v := &visitor{tables: tables}
	opts := append([]expr.Option{expr.Env(env), expr.Patch(v), expr.AsBool()}, functions(tables)...)
	prog, err := expr.Compile(source, opts...)
	if msgs := slices.Compact(v.problems); len(msgs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(msgs, "; "))
	}
	if err != nil {
		return nil, fmt.Errorf("%s", firstLine(err))
	}
	return &Filter{flow: flow, source: source, prog: prog}, nil
}

// String is the filter's expression.
func (f *Filter) String() string {
	if f == nil {
		return ""
	}
	return f.source
}

// MatchProduct reports whether a product passes (a variant's parent is not
// filtered on its own: the product is synced with all of its variants).
func (f *Filter) MatchProduct(p model.Product, raw map[string]any) (bool, error) {
	return f.run(FlowProducts, productEnv{Product: viewProduct(&p, false), Raw: raw})
}

// MatchCustomer reports whether a customer passes.
func (f *Filter) MatchCustomer(c model.Customer, raw map[string]any) (bool, error) {
	return f.run(FlowCustomers, customerEnv{Customer: viewCustomer(&c), Raw: raw})
}

// MatchStock reports whether a stock level passes.
func (f *Filter) MatchStock(s model.StockLevel) (bool, error) {
	return f.run(FlowStock, stockEnv{Stock: viewStock(&s)})
}

func (f *Filter) run(flow string, env any) (bool, error) {
	if f == nil {
		return true, nil
	}
	if f.flow != flow {
		return false, fmt.Errorf("a %s filter cannot judge a %s record", f.flow, flow)
	}
	out, err := expr.Run(f.prog, env)
	if err != nil {
		return false, fmt.Errorf("filter %q: %w", f.source, err)
	}
	b, ok := out.(bool)
	if !ok {
		return false, fmt.Errorf("filter %q gave %s, not true or false", f.source, reflect.TypeOf(out))
	}
	return b, nil
}
