package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// value is the wrapper of one written field, {"value": x} (research §3.3).
// A field left out, or written {"value": null}, stays nil: unchanged.
type value[T any] struct{ V T }

func (v *value[T]) slot() any { return &v.V }

// wrapper is what every value[T] is, for the decoder's reflection.
type wrapper interface{ slot() any }

// wrapped returns the value of a written field and whether it was written.
func wrapped[T any](v *value[T]) (T, bool) {
	if v == nil {
		var zero T
		return zero, false
	}
	return v.V, true
}

// problem is one thing wrong with a request: the field (a JSON path such
// as "lines[1].inventoryNumber") and what is wrong with it.
type problem struct {
	Field, Message string
}

type problems []problem

func (ps *problems) add(field, format string, args ...any) {
	*ps = append(*ps, problem{field, fmt.Sprintf(format, args...)})
}

// text is the one message an IPPException carries: every problem, with
// its field.
func (ps problems) text() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Message
	}
	return strings.Join(parts, " ")
}

// maxBody bounds a request body (the API's own limit is not known).
const maxBody = 8 << 20

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// decodeWrite reads a write's JSON body into v (a pointer to one of the
// contract's write DTOs, wire_write.go) strictly: the value wrapper where
// the contract has one and only there, no property the contract lacks,
// every value of its contract type, enum and format, and the properties
// the contract requires. Each problem names its field.
func decodeWrite(r *http.Request, v any) problems {
	var ps problems
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	switch {
	case err != nil:
		ps.add("body", "The request body cannot be read.")
		return ps
	case len(bytes.TrimSpace(body)) == 0:
		ps.add("body", "The request body is empty; the API expects a JSON object.")
		return ps
	case !json.Valid(body):
		ps.add("body", "The request body is not valid JSON.")
		return ps
	}
	d := &decoder{ps: &ps}
	d.object("", body, reflect.ValueOf(v).Elem())
	return ps
}

type decoder struct{ ps *problems }

// jsonKind is the kind of a raw JSON value by its first byte.
func jsonKind(raw json.RawMessage) byte {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0
	}
	switch c := raw[0]; c {
	case '{', '[', '"', 'n':
		return c
	case 't', 'f':
		return 'b'
	}
	return '0' // a number
}

var kindNames = map[byte]string{'{': "an object", '[': "an array", '"': "a string", 'b': "a boolean", '0': "a number", 'n': "null"}

// members reads an object's properties in the order written.
func members(raw json.RawMessage) (keys []string, vals map[string]json.RawMessage) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		return nil, nil
	}
	vals = map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return keys, vals
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return keys, vals
		}
		keys = append(keys, k)
		vals[k] = v
	}
	return keys, vals
}

type fieldInfo struct {
	index  int
	name   string
	checks []string
}

var fieldCache sync.Map // reflect.Type → map[string]fieldInfo

func fieldsOf(t reflect.Type) map[string]fieldInfo {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]fieldInfo)
	}
	out := map[string]fieldInfo{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		var checks []string
		if tag := f.Tag.Get("vn"); tag != "" {
			checks = strings.Split(tag, ",")
		}
		out[name] = fieldInfo{index: i, name: name, checks: checks}
	}
	fieldCache.Store(t, out)
	return out
}

// dtoName is the contract's name of a write type (customerUpdateDto →
// CustomerUpdateDto), for messages.
func dtoName(t reflect.Type) string {
	r := []rune(t.Name())
	if i := slices.Index(r, '['); i >= 0 {
		r = r[:i]
	}
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// object reads a JSON object into the struct rv.
func (d *decoder) object(path string, raw json.RawMessage, rv reflect.Value) {
	if k := jsonKind(raw); k != '{' {
		field := path
		if field == "" {
			field = "body"
		}
		d.ps.add(field, "'%s' must be a JSON object (%s), not %s.", field, dtoName(rv.Type()), kindNames[k])
		return
	}
	fields := fieldsOf(rv.Type())
	keys, vals := members(raw)
	for _, k := range keys {
		f, ok := fields[k]
		if !ok {
			d.ps.add(join(path, k), "'%s' is not a property of %s.", join(path, k), dtoName(rv.Type()))
			continue
		}
		d.field(join(path, k), vals[k], rv.Field(f.index), f.checks)
	}
	for _, f := range fields {
		if !slices.Contains(f.checks, "required") {
			continue
		}
		if raw, ok := vals[f.name]; !ok || jsonKind(raw) == 'n' {
			d.ps.add(join(path, f.name), "'%s' is required.", join(path, f.name))
		}
	}
}

// field reads one property into fv, a field of a write type.
func (d *decoder) field(path string, raw json.RawMessage, fv reflect.Value, checks []string) {
	kind := jsonKind(raw)
	if kind == 'n' {
		return // null: left out
	}
	t := fv.Type()
	switch {
	case t.Kind() == reflect.Pointer && t.Implements(reflect.TypeFor[wrapper]()):
		d.wrapper(path, raw, fv, checks)
	case t.Kind() == reflect.Slice:
		if kind != '[' {
			d.ps.add(path, "'%s' is a collection and is sent as a JSON array, not %s.", path, kindNames[kind])
			return
		}
		var items []json.RawMessage
		_ = json.Unmarshal(raw, &items)
		out := reflect.MakeSlice(t, len(items), len(items))
		for i, item := range items {
			d.leaf(fmt.Sprintf("%s[%d]", path, i), item, out.Index(i), checks)
		}
		fv.Set(out)
	case t.Kind() == reflect.Pointer:
		if kind == '{' && t.Elem().Kind() != reflect.Struct {
			if _, vals := members(raw); vals != nil {
				if _, isWrapped := vals["value"]; isWrapped {
					d.ps.add(path, "'%s' is not wrapped: send the value itself, not {\"value\": …}.", path)
					return
				}
			}
		}
		nv := reflect.New(t.Elem())
		d.leaf(path, raw, nv.Elem(), checks)
		fv.Set(nv)
	default:
		d.leaf(path, raw, fv, checks)
	}
}

// wrapper reads {"value": x} into a *value[T] field.
func (d *decoder) wrapper(path string, raw json.RawMessage, fv reflect.Value, checks []string) {
	if kind := jsonKind(raw); kind != '{' {
		d.ps.add(path, "'%s' must be wrapped: {\"%s\": {\"value\": …}}, not %s.", path, path[strings.LastIndexAny(path, ".]")+1:], kindNames[kind])
		return
	}
	keys, vals := members(raw)
	for _, k := range keys {
		if k != "value" {
			d.ps.add(join(path, k), "'%s' is not a property of the value wrapper of '%s' (only \"value\" is).", join(path, k), path)
		}
	}
	inner, ok := vals["value"]
	if !ok {
		d.ps.add(path, "'%s' has no \"value\".", path)
		return
	}
	if jsonKind(inner) == 'n' {
		return // {"value": null}: nothing to change
	}
	nv := reflect.New(fv.Type().Elem())
	slot := reflect.ValueOf(nv.Interface().(wrapper).slot()).Elem()
	d.leaf(path, inner, slot, checks)
	fv.Set(nv)
}

var (
	decType  = reflect.TypeFor[Dec]()
	timeType = reflect.TypeFor[Time]()
)

// leaf reads a plain JSON value into rv by its Go type.
func (d *decoder) leaf(path string, raw json.RawMessage, rv reflect.Value, checks []string) {
	kind := jsonKind(raw)
	want := func(k byte, what string) bool {
		if kind != k {
			d.ps.add(path, "'%s' must be %s, not %s.", path, what, kindNames[kind])
			return false
		}
		return true
	}
	switch t := rv.Type(); {
	case t == decType:
		if !want('0', "a number") {
			return
		}
		var v Dec
		if err := v.UnmarshalJSON(raw); err != nil {
			d.ps.add(path, "'%s': %v.", path, err)
			return
		}
		rv.Set(reflect.ValueOf(v))
	case t == timeType:
		if !want('"', "a date-time string") {
			return
		}
		var v Time
		if err := v.UnmarshalJSON(raw); err != nil {
			d.ps.add(path, "'%s': %v.", path, err)
			return
		}
		rv.Set(reflect.ValueOf(v))
	case t.Kind() == reflect.Struct:
		d.object(path, raw, rv)
	case t.Kind() == reflect.String:
		if !want('"', "a string") {
			return
		}
		var s string
		_ = json.Unmarshal(raw, &s)
		for _, c := range checks {
			if allowed, ok := strings.CutPrefix(c, "enum="); ok && !slices.Contains(strings.Split(allowed, "|"), s) {
				d.ps.add(path, "'%s' is %q; it must be one of %s.", path, s, strings.ReplaceAll(allowed, "|", ", "))
			}
			if c == "uuid" && !uuidRE.MatchString(s) {
				d.ps.add(path, "'%s' is %q, which is not a GUID.", path, s)
			}
		}
		rv.SetString(s)
	case t.Kind() == reflect.Bool:
		if !want('b', "true or false") {
			return
		}
		rv.SetBool(bytes.Equal(bytes.TrimSpace(raw), []byte("true")))
	case t.Kind() == reflect.Int64:
		if !want('0', "a whole number") {
			return
		}
		var n int64
		if err := json.Unmarshal(raw, &n); err != nil {
			d.ps.add(path, "'%s' must be a whole number.", path)
			return
		}
		if slices.Contains(checks, "int32") && (n < -1<<31 || n > 1<<31-1) {
			d.ps.add(path, "'%s' is out of the range of a 32-bit integer.", path)
			return
		}
		rv.SetInt(n)
	default:
		d.ps.add(path, "'%s' cannot be read.", path)
	}
}
