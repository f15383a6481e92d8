package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

// apiError is an answer in the API's error shape, {"errorMessage",
// "errorCode"} (§3.7).
type apiError struct {
	status    int
	code, msg string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.msg) }

func fail(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

// wrongParam is the 400 WRONG_PARAMETER naming a query parameter or a
// field of the body, in the wording of the API's own messages ("Wrong
// parameter 'inStock' value: …", §3.7).
func wrongParam(name, format string, args ...any) *apiError {
	return fail(http.StatusBadRequest, CodeWrongParameter, "Wrong parameter '%s' value: %s", name, fmt.Sprintf(format, args...))
}

// Writes.
//
// Bodies are read into the simulator's own write types (wire.go), whose
// fields are pointers so a partial update knows what was sent. Decoding
// is strict about types and lenient about names: a value of the wrong JSON
// type is a 400 naming the field (items[0].price), while a property the
// simulator does not know is ignored, as the API's own examples send
// read-only fields (a variation's inStock) and misspellings
// ("fulfilmentType") without error. JSON null counts as not sent.

// decodeBody reads a JSON object into v (a pointer to a write type).
func decodeBody(body []byte, v any) *apiError {
	body = bytes.TrimSpace(body)
	switch {
	case len(body) == 0:
		return fail(http.StatusBadRequest, CodeWrongParameter, "Request body is empty: a JSON object is expected")
	case !json.Valid(body):
		return fail(http.StatusBadRequest, CodeWrongParameter, "Request body is not valid JSON")
	}
	return decodeValue("", body, reflect.ValueOf(v).Elem())
}

// jsonKind names the kind of a raw JSON value.
func jsonKind(raw []byte) string {
	switch raw = bytes.TrimSpace(raw); {
	case len(raw) == 0:
		return "nothing"
	case raw[0] == '{':
		return "an object"
	case raw[0] == '[':
		return "an array"
	case raw[0] == '"':
		return "a string"
	case raw[0] == 't' || raw[0] == 'f':
		return "a boolean"
	case raw[0] == 'n':
		return "null"
	}
	return "a number"
}

var numberType = reflect.TypeFor[json.Number]()

func decodeValue(path string, raw []byte, rv reflect.Value) *apiError {
	kind := jsonKind(raw)
	if kind == "null" {
		return nil
	}
	name := path
	if name == "" {
		name = "body"
	}
	want := func(k, what string) *apiError {
		if kind != k {
			return wrongParam(name, "expected %s, got %s", what, kind)
		}
		return nil
	}
	t := rv.Type()
	switch {
	case t.Kind() == reflect.Pointer:
		nv := reflect.New(t.Elem())
		if err := decodeValue(path, raw, nv.Elem()); err != nil {
			return err
		}
		rv.Set(nv)
	case t == numberType:
		if err := want("a number", "a number"); err != nil {
			return err
		}
		var n json.Number
		_ = json.Unmarshal(raw, &n)
		rv.Set(reflect.ValueOf(n))
	case t.Kind() == reflect.String:
		if err := want("a string", "a string"); err != nil {
			return err
		}
		var s string
		_ = json.Unmarshal(raw, &s)
		rv.SetString(s)
	case t.Kind() == reflect.Bool:
		if err := want("a boolean", "true or false"); err != nil {
			return err
		}
		rv.SetBool(bytes.Equal(bytes.TrimSpace(raw), []byte("true")))
	case t.Kind() == reflect.Int64:
		if err := want("a number", "a whole number"); err != nil {
			return err
		}
		n, err := wholeNumber(json.Number(bytes.TrimSpace(raw)))
		if err != nil {
			return wrongParam(name, "%v, got %s", err, bytes.TrimSpace(raw))
		}
		rv.SetInt(n)
	case t.Kind() == reflect.Slice:
		if err := want("an array", "an array"); err != nil {
			return err
		}
		var items []json.RawMessage
		_ = json.Unmarshal(raw, &items)
		out := reflect.MakeSlice(t, len(items), len(items))
		for i, item := range items {
			if err := decodeValue(fmt.Sprintf("%s[%d]", path, i), item, out.Index(i)); err != nil {
				return err
			}
		}
		rv.Set(out)
	case t.Kind() == reflect.Struct:
		if err := want("an object", "an object"); err != nil {
			return err
		}
		var members map[string]json.RawMessage
		_ = json.Unmarshal(raw, &members)
		for name, i := range fieldsOf(t) {
			if v, ok := members[name]; ok {
				if err := decodeValue(joinPath(path, name), v, rv.Field(i)); err != nil {
					return err
				}
			}
		}
	default:
		panic("sim: write type with an unsupported field type " + t.String())
	}
	return nil
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

var fieldCache sync.Map // reflect.Type → map[string]int

// fieldsOf maps the JSON names of a write type's fields to their index.
func fieldsOf(t reflect.Type) map[string]int {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]int)
	}
	out := map[string]int{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = i
		}
	}
	fieldCache.Store(t, out)
	return out
}

// Query parameters.

// query reads a request's parameters; every reader returns a 400 naming
// the parameter when its value cannot be read.
type query struct{ url.Values }

// has tells whether the parameter was given with a value.
func (q query) has(name string) bool { return q.Get(name) != "" }

// boolean reads a flag in the forms the API accepts (§3.7 quotes its
// message: true, false, yes, no, on, off, 1, 0).
func (q query) boolean(name string) (value, set bool, err *apiError) {
	v := q.Get(name)
	switch strings.ToLower(v) {
	case "":
		return false, false, nil
	case "true", "yes", "on", "1":
		return true, true, nil
	case "false", "no", "off", "0":
		return false, true, nil
	}
	return false, false, wrongParam(name, "expected one of 'true', 'false', 'yes', 'no', 'on', 'off', '1', '0'")
}

// date reads a date filter.
func (q query) date(name string) (time.Time, *apiError) {
	v := q.Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := parseDate(v)
	if err != nil {
		return time.Time{}, wrongParam(name, "%v", err)
	}
	return t, nil
}

// integer reads a whole number.
func (q query) integer(name string) (n int64, set bool, err *apiError) {
	v := q.Get(name)
	if v == "" {
		return 0, false, nil
	}
	n, perr := strconv.ParseInt(v, 10, 64)
	if perr != nil {
		return 0, false, wrongParam(name, "expected a whole number")
	}
	return n, true, nil
}

// ids reads a comma-separated list of whole numbers.
func (q query) ids(name string) ([]int64, *apiError) {
	var out []int64
	for _, part := range q.list(name) {
		n, err := strconv.ParseInt(part, 10, 64)
		if err != nil {
			return nil, wrongParam(name, "expected comma-separated whole numbers")
		}
		out = append(out, n)
	}
	return out, nil
}

// list reads a comma-separated list, without empty entries.
func (q query) list(name string) []string {
	var out []string
	for part := range strings.SplitSeq(q.Get(name), ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// window is a date range filter, inclusive at both ends and at the
// second, the resolution of the API's timestamps.
type window struct{ from, to time.Time }

func (q query) window(from, to string) (window, *apiError) {
	f, err := q.date(from)
	if err != nil {
		return window{}, err
	}
	t, err := q.date(to)
	if err != nil {
		return window{}, err
	}
	return window{f, t}, nil
}

func (w window) holds(t time.Time) bool {
	t = t.Truncate(time.Second)
	return (w.from.IsZero() || !t.Before(w.from)) && (w.to.IsZero() || !t.After(w.to))
}
