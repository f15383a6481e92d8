package sim

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The OData the API takes on listings (research §2.3): $filter with
// eq ne gt ge lt le, and or not, parentheses, the functions contains,
// startswith and endswith, literals in OData v4 form (strings in single
// quotes with '' for a quote, numbers, true/false/null, GUIDs and
// date-times unquoted); and $orderby "Field [asc|desc], …". A property is
// one of the entity's own top-level properties by its JSON name.
//
// String comparison ignores case: research does not say, and the real API
// sits on SQL Server whose default collation is case-insensitive. This is
// the simulator's choice.

// odataError is a bad $filter or $orderby; Field names the offending
// property or the query option.
type odataError struct{ Field, Message string }

func (e *odataError) Error() string { return e.Field + ": " + e.Message }

type tokKind int

const (
	tokEOF tokKind = iota
	tokIdent
	tokString
	tokNumber
	tokGUID
	tokDateTime
	tokLParen
	tokRParen
	tokComma
)

type token struct {
	kind tokKind
	text string
	pos  int
}

var (
	guidRE     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	dateTimeRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$`)
	numberRE   = regexp.MustCompile(`^-?\d+(\.\d+)?([eE][+-]?\d+)?$`)
	identRE    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// tokenize cuts a $filter into tokens; words are classified by their shape.
func tokenize(s string) ([]token, error) {
	var out []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '(':
			out = append(out, token{tokLParen, "(", i})
			i++
		case c == ')':
			out = append(out, token{tokRParen, ")", i})
			i++
		case c == ',':
			out = append(out, token{tokComma, ",", i})
			i++
		case c == '\'':
			start := i
			var b strings.Builder
			i++
			for {
				if i >= len(s) {
					return nil, &odataError{"$filter", fmt.Sprintf("unterminated string starting at %d", start)}
				}
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			out = append(out, token{tokString, b.String(), start})
		default:
			start := i
			for i < len(s) && !strings.ContainsRune(" \t(),'", rune(s[i])) {
				i++
			}
			w := s[start:i]
			switch {
			case guidRE.MatchString(w):
				out = append(out, token{tokGUID, w, start})
			case numberRE.MatchString(w):
				out = append(out, token{tokNumber, w, start})
			case dateTimeRE.MatchString(w):
				out = append(out, token{tokDateTime, w, start})
			case identRE.MatchString(w):
				out = append(out, token{tokIdent, w, start})
			default:
				return nil, &odataError{"$filter", fmt.Sprintf("syntax error at %d: %q", start, w)}
			}
		}
	}
	return append(out, token{tokEOF, "", len(s)}), nil
}

// filterExpr is a parsed $filter.
type filterExpr interface {
	eval(p properties) bool
}

// properties reads a record's property by its JSON name, as its JSON shows
// it (json.Number for numbers, nil when absent).
type properties func(name string) any

// mapProperties reads the properties of a record decoded into a map.
func mapProperties(m map[string]any) properties { return func(name string) any { return m[name] } }

type (
	orExpr  struct{ l, r filterExpr }
	andExpr struct{ l, r filterExpr }
	notExpr struct{ x filterExpr }
	// cmpExpr compares a property with a literal.
	cmpExpr struct {
		prop, op string
		lit      literal
	}
	// funcExpr is contains/startswith/endswith(Property,'text').
	funcExpr struct {
		name, prop, arg string
	}
	// boolProp is a boolean property standing alone.
	boolProp struct{ prop string }
)

type literal struct {
	kind tokKind // tokString, tokNumber, tokGUID, tokDateTime, or tokIdent for true/false/null
	text string
}

type parser struct {
	toks  []token
	i     int
	props map[string]bool
}

var compareOps = []string{"eq", "ne", "gt", "ge", "lt", "le"}

// parseFilter parses a $filter against the entity's property names.
func parseFilter(s string, props map[string]bool) (filterExpr, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, props: props}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.syntax(t, "end of the filter")
	}
	return e, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) syntax(t token, want string) error {
	got := t.text
	if t.kind == tokEOF {
		got = "the end"
	}
	return &odataError{"$filter", fmt.Sprintf("syntax error at %d: expected %s, found %s", t.pos, want, got)}
}

func (p *parser) keyword(word string) bool {
	t := p.peek()
	if t.kind == tokIdent && t.text == word {
		p.i++
		return true
	}
	return false
}

func (p *parser) or() (filterExpr, error) {
	return p.joined("or", p.and, func(l, r filterExpr) filterExpr { return orExpr{l, r} })
}

func (p *parser) and() (filterExpr, error) {
	return p.joined("and", p.unary, func(l, r filterExpr) filterExpr { return andExpr{l, r} })
}

// joined parses operands joined by the keyword word, grouping from the left.
func (p *parser) joined(word string, operand func() (filterExpr, error), join func(l, r filterExpr) filterExpr) (filterExpr, error) {
	l, err := operand()
	for err == nil && p.keyword(word) {
		var r filterExpr
		if r, err = operand(); err == nil {
			l = join(l, r)
		}
	}
	return l, err
}

func (p *parser) unary() (filterExpr, error) {
	if p.keyword("not") {
		x, err := p.unary()
		return notExpr{x}, err
	}
	return p.primary()
}

func (p *parser) property(t token) (string, error) {
	if t.kind != tokIdent {
		return "", p.syntax(t, "a property")
	}
	if !p.props[t.text] {
		return "", &odataError{t.text, "$filter: could not find a property named '" + t.text + "'"}
	}
	return t.text, nil
}

func (p *parser) primary() (filterExpr, error) {
	t := p.next()
	if t.kind == tokLParen {
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tokRParen {
			return nil, p.syntax(c, ")")
		}
		return e, nil
	}
	if t.kind == tokIdent && p.peek().kind == tokLParen {
		return p.function(t)
	}
	prop, err := p.property(t)
	if err != nil {
		return nil, err
	}
	op := p.peek()
	if op.kind != tokIdent || !slices.Contains(compareOps, op.text) {
		return boolProp{prop}, nil
	}
	p.next()
	lt := p.next()
	switch {
	case lt.kind == tokString || lt.kind == tokNumber || lt.kind == tokGUID || lt.kind == tokDateTime:
	case lt.kind == tokIdent && (lt.text == "true" || lt.text == "false" || lt.text == "null"):
	default:
		return nil, p.syntax(lt, "a literal")
	}
	return cmpExpr{prop, op.text, literal{lt.kind, lt.text}}, nil
}

func (p *parser) function(name token) (filterExpr, error) {
	if !slices.Contains([]string{"contains", "startswith", "endswith"}, name.text) {
		return nil, &odataError{"$filter", "unknown function " + name.text}
	}
	p.next() // (
	prop, err := p.property(p.next())
	if err != nil {
		return nil, err
	}
	if c := p.next(); c.kind != tokComma {
		return nil, p.syntax(c, ",")
	}
	arg := p.next()
	if arg.kind != tokString {
		return nil, p.syntax(arg, "a string literal")
	}
	if c := p.next(); c.kind != tokRParen {
		return nil, p.syntax(c, ")")
	}
	return funcExpr{name.text, prop, arg.text}, nil
}

func (e orExpr) eval(p properties) bool  { return e.l.eval(p) || e.r.eval(p) }
func (e andExpr) eval(p properties) bool { return e.l.eval(p) && e.r.eval(p) }
func (e notExpr) eval(p properties) bool { return !e.x.eval(p) }
func (e boolProp) eval(p properties) bool {
	b, _ := p(e.prop).(bool)
	return b
}

func (e funcExpr) eval(p properties) bool {
	s, ok := p(e.prop).(string)
	if !ok {
		return false
	}
	s, arg := strings.ToLower(s), strings.ToLower(e.arg)
	switch e.name {
	case "contains":
		return strings.Contains(s, arg)
	case "startswith":
		return strings.HasPrefix(s, arg)
	default:
		return strings.HasSuffix(s, arg)
	}
}

// eval compares the property's value with the literal; values of
// different kinds never match (except ne).
func (e cmpExpr) eval(p properties) bool {
	c, comparable := compareValue(p(e.prop), e.lit)
	if !comparable {
		return e.op == "ne"
	}
	switch e.op {
	case "eq":
		return c == 0
	case "ne":
		return c != 0
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	case "lt":
		return c < 0
	default:
		return c <= 0
	}
}

// compareValue orders a JSON value against a literal.
func compareValue(v any, lit literal) (int, bool) {
	if lit.kind == tokIdent && lit.text == "null" {
		if v == nil {
			return 0, true
		}
		return 1, true
	}
	switch x := v.(type) {
	case nil:
		return 0, false
	case bool:
		if lit.kind != tokIdent {
			return 0, false
		}
		b := lit.text == "true"
		switch {
		case x == b:
			return 0, true
		case !x:
			return -1, true
		default:
			return 1, true
		}
	case json.Number:
		if lit.kind != tokNumber {
			return 0, false
		}
		a, ok1 := new(big.Rat).SetString(x.String())
		b, ok2 := new(big.Rat).SetString(lit.text)
		if !ok1 || !ok2 {
			return 0, false
		}
		return a.Cmp(b), true
	case string:
		switch lit.kind {
		case tokDateTime:
			a, err1 := parseTime(x)
			b, err2 := parseTime(lit.text)
			if err1 != nil || err2 != nil {
				return 0, false
			}
			return a.Compare(b), true
		case tokString, tokGUID:
			return cmp.Compare(strings.ToLower(x), strings.ToLower(lit.text)), true
		case tokNumber:
			return 0, false
		}
	}
	return 0, false
}

// orderKey is one $orderby term.
type orderKey struct {
	prop string
	desc bool
}

func parseOrderBy(s string, props map[string]bool) ([]orderKey, error) {
	var out []orderKey
	for term := range strings.SplitSeq(s, ",") {
		f := strings.Fields(term)
		if len(f) == 0 || len(f) > 2 {
			return nil, &odataError{"$orderby", fmt.Sprintf("cannot read %q", strings.TrimSpace(term))}
		}
		if !props[f[0]] {
			return nil, &odataError{f[0], "$orderby: could not find a property named '" + f[0] + "'"}
		}
		k := orderKey{prop: f[0]}
		if len(f) == 2 {
			switch strings.ToLower(f[1]) {
			case "asc":
			case "desc":
				k.desc = true
			default:
				return nil, &odataError{"$orderby", "expected asc or desc, found " + f[1]}
			}
		}
		out = append(out, k)
	}
	return out, nil
}

// compareJSON orders two property values: null first, numbers by value,
// date-time strings by time, other strings without case.
func compareJSON(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	switch x := a.(type) {
	case json.Number:
		if y, ok := b.(json.Number); ok {
			ra, _ := new(big.Rat).SetString(x.String())
			rb, _ := new(big.Rat).SetString(y.String())
			if ra != nil && rb != nil {
				return ra.Cmp(rb)
			}
		}
	case bool:
		if y, ok := b.(bool); ok {
			switch {
			case x == y:
				return 0
			case !x:
				return -1
			}
			return 1
		}
	case string:
		if y, ok := b.(string); ok {
			if ta, err := time.Parse(time.RFC3339Nano, x); err == nil {
				if tb, err := time.Parse(time.RFC3339Nano, y); err == nil {
					return ta.Compare(tb)
				}
			}
			return cmp.Compare(strings.ToLower(x), strings.ToLower(y))
		}
	}
	return cmp.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

// propertiesOf lists a wire type's top-level JSON names.
func propertiesOf(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = true
		}
	}
	return out
}
