package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// problems are the field errors of one request, answered together as a
// 400 with ErrorCode 2000 and one Errors entry per field (research §2.7
// leaves open whether the API names fields; the contract's CommonError
// says it can).
type problems []ErrorDetail

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, ErrorDetail{Field: field, ErrorCode: "2000", Message: fmt.Sprintf(format, args...)})
}

// maxBody bounds a request body; the API's own limit is not known.
const maxBody = 4 << 20

// decodeStrict reads a JSON body into v the way the model binder would
// refuse it: a property the schema lacks, or a value of the wrong type, is
// a problem naming the field. Then the ea tags are checked against what
// the body actually held (a missing required field differs from false).
func decodeStrict(r *http.Request, v any) problems {
	var ps problems
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		ps.add("body", "the body cannot be read")
		return ps
	}
	if len(bytes.TrimSpace(body)) == 0 {
		ps.add("body", "a body is required")
		return ps
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		ps.add(jsonErrorField(err), "%s", strings.TrimPrefix(err.Error(), "json: "))
		return ps
	}
	if dec.More() {
		ps.add("body", "more than one JSON value")
		return ps
	}
	var raw any
	rd := json.NewDecoder(bytes.NewReader(body))
	rd.UseNumber()
	_ = rd.Decode(&raw)
	checkTags(&ps, "", reflect.ValueOf(v).Elem(), raw)
	return ps
}

// jsonErrorField finds the field encoding/json complains about.
func jsonErrorField(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return te.Field
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if s, uerr := strconv.Unquote(name); uerr == nil {
			return s
		}
		return name
	}
	if _, f, ok := strings.Cut(err.Error(), "Go struct field "); ok {
		// "… into Go struct field Order.Rows.UnitPrice of type …"
		f, _, _ = strings.Cut(f, " ")
		if _, rest, ok := strings.Cut(f, "."); ok {
			return rest
		}
		return f
	}
	return "body"
}

// checkTags walks a decoded struct beside the raw JSON it came from:
// required properties must be present and not null, strings within their
// maxLength, numbers within min/max; read-only properties are cleared, as
// the API ignores them on a write. Slices of structs are walked per item.
func checkTags(ps *problems, prefix string, v reflect.Value, raw any) {
	obj, _ := raw.(map[string]any)
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		path := prefix + name
		fv := v.Field(i)
		rules := tagRules(f.Tag.Get("ea"))
		rv, present := obj[name]
		if present && rv == nil {
			present = false
		}
		if _, ro := rules["ro"]; ro {
			fv.Set(reflect.Zero(f.Type))
			continue
		}
		if _, req := rules["req"]; req && !present {
			ps.add(path, "The %s field is required.", name)
			continue
		}
		if !present {
			continue
		}
		if n, ok := rules["max"]; ok && fv.Kind() == reflect.String {
			if max, _ := strconv.Atoi(n); utf8.RuneCountInString(fv.String()) > max {
				ps.add(path, "The field %s must be a string with a maximum length of %d.", name, max)
			}
		}
		checkRange(ps, path, name, fv, rules)
		if fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Struct {
			items, _ := rv.([]any)
			for j := range fv.Len() {
				var item any
				if j < len(items) {
					item = items[j]
				}
				checkTags(ps, fmt.Sprintf("%s[%d].", path, j), fv.Index(j), item)
			}
		}
		if fv.Kind() == reflect.Pointer && !fv.IsNil() && fv.Elem().Kind() == reflect.Struct && fv.Elem().Type() != reflect.TypeFor[Time]() &&
			fv.Elem().Type() != reflect.TypeFor[Dec]() {
			checkTags(ps, path+".", fv.Elem(), rv)
		}
	}
}

func tagRules(tag string) map[string]string {
	out := map[string]string{}
	for part := range strings.SplitSeq(tag, ",") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		out[k] = v
	}
	return out
}

// checkRange applies minimum and maximum to an int or a Dec.
func checkRange(ps *problems, path, name string, fv reflect.Value, rules map[string]string) {
	lo, hasLo := rules["min"]
	hi, hasHi := rules["maxv"]
	if !hasLo && !hasHi {
		return
	}
	if fv.Kind() == reflect.Pointer {
		if fv.IsNil() {
			return
		}
		fv = fv.Elem()
	}
	var got Dec
	switch {
	case fv.Kind() == reflect.Int:
		got = DecOf(fv.Int() * decScale)
	case fv.Type() == reflect.TypeFor[Dec]():
		got = fv.Interface().(Dec)
	default:
		return
	}
	if hasLo {
		if l, err := ParseDec(lo); err == nil && got.V < l.V {
			ps.add(path, "The field %s must be between %s and %s.", name, lo, cmpOr(hi, "∞"))
		}
	}
	if hasHi {
		if h, err := ParseDec(hi); err == nil && got.V > h.V {
			ps.add(path, "The field %s must be between %s and %s.", name, cmpOr(lo, "-∞"), hi)
		}
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// places checks that a number has at most n decimals.
func (p *problems) places(field string, d Dec, n int) {
	if d.Places > n {
		p.add(field, "The field %s allows at most %d decimals.", field[strings.LastIndex(field, ".")+1:], n)
	}
}
