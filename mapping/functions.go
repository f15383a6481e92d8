package mapping

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/conf"

	"github.com/koppel/koppel/model"
)

// The functions rules may call besides expr's own builtins. Each one checks
// its arguments when the rule is compiled (a value whose type is only known at
// run time, such as anything under raw, passes that check) and converts them
// again when it runs.

var (
	stringType = reflect.TypeOf("")
	anyType    = reflect.TypeOf((*any)(nil)).Elem()
	timeType   = reflect.TypeOf(time.Time{})
)

// param is what a function argument accepts.
type param int

const (
	pText param = iota
	pNumber
	pWhole
	pDate
	pAny
)

func (p param) String() string {
	switch p {
	case pText:
		return "text"
	case pNumber:
		return "a number"
	case pWhole:
		return "a whole number"
	case pDate:
		return "a date (time or text)"
	default:
		return "any value"
	}
}

// unknown reports whether a compile-time type is only known at run time.
func unknown(t reflect.Type) bool { return t == nil || t.Kind() == reflect.Interface }

func isNumberKind(k reflect.Kind) bool {
	return isWholeKind(k) || k == reflect.Float32 || k == reflect.Float64
}

func isWholeKind(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

func (p param) accepts(t reflect.Type) bool {
	if unknown(t) {
		return true
	}
	switch p {
	case pText:
		return t.Kind() == reflect.String
	case pNumber:
		return isNumberKind(t.Kind())
	case pWhole:
		return isWholeKind(t.Kind())
	case pDate:
		return t == timeType || t.Kind() == reflect.String
	default:
		return true
	}
}

// function is one function rules may call.
type function struct {
	name  string
	usage string  // shown in errors: formatNumber(value, decimals)
	args  []param // the parameters; with variadic the last one repeats (zero or more times)
	vari  bool
	out   reflect.Type
	// result, if set, computes the result type from the argument types.
	result func(args []reflect.Type) (reflect.Type, error)
	call   func(args ...any) (any, error)
}

func (f *function) validate(args []reflect.Type) (reflect.Type, error) {
	fixed := len(f.args)
	if f.vari {
		fixed--
	}
	if len(args) < fixed || (!f.vari && len(args) > fixed) {
		return nil, fmt.Errorf("%s takes %d arguments, not %d", f.usage, fixed, len(args))
	}
	for i, t := range args {
		p := f.args[min(i, len(f.args)-1)]
		if !p.accepts(t) {
			return nil, fmt.Errorf("%s: argument %d must be %s, not %s", f.usage, i+1, p, t)
		}
	}
	if f.result != nil {
		return f.result(args)
	}
	return f.out, nil
}

func (f *function) option() expr.Option {
	return func(c *conf.Config) {
		c.Functions[f.name] = &builtin.Function{Name: f.name, Func: f.call, Validate: f.validate}
	}
}

// functions builds the function options; lookup reads tables.
func functions(tables map[string]map[string]string) []expr.Option {
	fs := []*function{
		{name: "concat", usage: "concat(values...)", args: []param{pAny}, vari: true, out: stringType, call: concat},
		{name: "formatDate", usage: "formatDate(date, layout)", args: []param{pDate, pText}, out: stringType, call: formatDate},
		{name: "formatNumber", usage: "formatNumber(value, decimals)", args: []param{pNumber, pWhole}, out: stringType, call: formatNumber},
		{name: "lookup", usage: "lookup(table, key, default)", args: []param{pText, pText, pText}, out: stringType,
			call: func(args ...any) (any, error) { return lookup(tables, args...) }},
		{name: "upper", usage: "upper(text)", args: []param{pText}, out: stringType, call: textFunc(strings.ToUpper)},
		{name: "lower", usage: "lower(text)", args: []param{pText}, out: stringType, call: textFunc(strings.ToLower)},
		{name: "trim", usage: "trim(text)", args: []param{pText}, out: stringType, call: textFunc(strings.TrimSpace)},
		{name: "default", usage: "default(value, fallback)", args: []param{pAny, pAny}, result: defaultType, call: defaultValue},
	}
	opts := make([]expr.Option, len(fs))
	for i, f := range fs {
		opts[i] = f.option()
	}
	return opts
}

// concat joins its arguments as text; nil adds nothing.
func concat(args ...any) (any, error) {
	var b strings.Builder
	for i, a := range args {
		s, err := text(a)
		if err != nil {
			return nil, fmt.Errorf("concat: argument %d: %w", i+1, err)
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

// dateTokens turns "YYYY-MM-DD HH:mm:ss" style layouts into Go layouts. No Go
// layout element contains these tokens, so Go layouts pass unchanged.
var dateTokens = strings.NewReplacer("YYYY", "2006", "YY", "06", "MM", "01", "DD", "02", "HH", "15", "mm", "04", "ss", "05")

// dateLayouts are the text forms formatDate reads.
var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"}

// formatDate formats a time (or a date in text, as raw records carry them)
// with a Go layout or YYYY-MM-DD style tokens. A zero or absent date gives "".
func formatDate(args ...any) (any, error) {
	layout, err := text(args[1])
	if err != nil {
		return nil, fmt.Errorf("formatDate: layout: %w", err)
	}
	var t time.Time
	switch v := args[0].(type) {
	case nil:
		return "", nil
	case time.Time:
		t = v
	case *time.Time:
		if v == nil {
			return "", nil
		}
		t = *v
	case string:
		if strings.TrimSpace(v) == "" {
			return "", nil
		}
		t, err = parseDate(strings.TrimSpace(v))
		if err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("formatDate: %s is not a date", describe(args[0]))
	}
	if t.IsZero() {
		return "", nil
	}
	return t.Format(dateTokens.Replace(layout)), nil
}

func parseDate(s string) (time.Time, error) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("formatDate: %q is not a date like 2024-05-31 or 2024-05-31T14:05:00Z", s)
}

// formatNumber renders a number with a fixed number of decimals, rounding half
// away from zero on the decimal value (1.005 gives 1.01, not 1.00).
func formatNumber(args ...any) (any, error) {
	d, err := whole(args[1])
	if err != nil || d < 0 || d > 9 {
		return nil, fmt.Errorf("formatNumber: decimals must be a whole number from 0 to 9, not %s", describe(args[1]))
	}
	v, err := minor(args[0], int(d))
	if err != nil {
		return nil, fmt.Errorf("formatNumber: %w", err)
	}
	return model.FormatMinor(v, int(d)), nil
}

// lookup finds key in a table from the integration file; a missing key gives
// the default. Compile has checked the table name.
func lookup(tables map[string]map[string]string, args ...any) (any, error) {
	name, err := text(args[0])
	if err != nil {
		return nil, fmt.Errorf("lookup: table: %w", err)
	}
	table, ok := tables[name]
	if !ok {
		return nil, fmt.Errorf("lookup: no table %q", name)
	}
	key, err := text(args[1])
	if err != nil {
		return nil, fmt.Errorf("lookup: key: %w", err)
	}
	if v, ok := table[key]; ok {
		return v, nil
	}
	def, err := text(args[2])
	if err != nil {
		return nil, fmt.Errorf("lookup: default: %w", err)
	}
	return def, nil
}

func textFunc(f func(string) string) func(args ...any) (any, error) {
	return func(args ...any) (any, error) {
		s, err := text(args[0])
		if err != nil {
			return nil, err
		}
		return f(s), nil
	}
}

// defaultValue gives the fallback when value is nil or blank text.
func defaultValue(args ...any) (any, error) {
	switch v := args[0].(type) {
	case nil:
		return args[1], nil
	case string:
		if strings.TrimSpace(v) == "" {
			return args[1], nil
		}
	}
	return args[0], nil
}

// defaultType is the type of default(value, fallback): the arguments' type if
// they agree, else known only at run time.
func defaultType(args []reflect.Type) (reflect.Type, error) {
	a, b := args[0], args[1]
	if unknown(a) || unknown(b) || a != b {
		return anyType, nil
	}
	return a, nil
}

// text renders a value for text: text as is, numbers in plain decimal
// notation, nil as "". Anything else is an error rather than a Go dump.
func text(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	if s, ok := decimal(v); ok {
		return s, nil
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case time.Time, *time.Time:
		return "", fmt.Errorf("a date is not text; format it with formatDate(date, 'YYYY-MM-DD')")
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return rv.String(), nil
	}
	return "", fmt.Errorf("%s is not text", describe(v))
}

// decimal renders a number in plain decimal notation, shortest form that reads
// back as the same float ("19.99", not "19.989999999999998").
func decimal(v any) (string, bool) {
	if n, ok := v.(json.Number); ok {
		return string(n), true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10), true
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return "", false
		}
		bits := 64
		if rv.Kind() == reflect.Float32 {
			bits = 32
		}
		return strconv.FormatFloat(f, 'f', -1, bits), true
	}
	return "", false
}

// minor converts a number (or a decimal in text, as some APIs send amounts) to
// an integer scaled by 10^decimals, exactly and rounding half away from zero:
// the float is first written as its shortest decimal, so 19.99*1.1 (which is
// 21.989000000000001) becomes 2199 cents and never 2198.
func minor(v any, decimals int) (int64, error) {
	if v == nil {
		return 0, fmt.Errorf("has no value (nil), want a number")
	}
	s, ok := decimal(v)
	if !ok {
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.String {
			return 0, fmt.Errorf("%s is not a number", describe(v))
		}
		s = rv.String()
	}
	n, err := model.ParseMinor(s, decimals)
	if err != nil {
		return 0, fmt.Errorf("%s is not a number", describe(v))
	}
	return n, nil
}

// whole converts a whole number.
func whole(v any) (int64, error) {
	n, err := minor(v, 0)
	if err != nil {
		return 0, err
	}
	if s, _ := decimal(v); strings.Contains(s, ".") {
		return 0, fmt.Errorf("%s is not a whole number", describe(v))
	}
	return n, nil
}

// describe names a value and its type for messages.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case string:
		return fmt.Sprintf("text %q", x)
	}
	s := fmt.Sprint(v)
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return fmt.Sprintf("%T %s", v, s)
}
