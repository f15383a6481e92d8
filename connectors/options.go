package connectors

import (
	"encoding"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A connector declares the options of its integration-file block as a struct
// whose fields are read and described by reflection, so that a name, its
// type, its default and its description live in one place:
//
//	type Options struct {
//		PackageID int64         `yaml:"packageId" min:"1" desc:"the shop's package id …"`
//		CacheTTL  time.Duration `yaml:"cacheTTL" default:"5m" min:"1s" desc:"how long …"`
//		Prices    string        `yaml:"pricesIncludeVat" enum:"true,false" desc:"…"`
//	}
//
// Tags:
//
//	yaml      the option's name in the integration file (required on every field)
//	desc      what the option does, for `starter connectors`
//	default   the value, written as a user would, used when the option is absent or blank
//	required  "true": the option must be given
//	enum      comma-separated allowed values, matched without regard to case
//	min       the least value of a number or a duration
//	type      how `starter connectors` names the type of a field that decodes
//	          itself (encoding.TextUnmarshaler)
//
// Field types: string, bool, int, int64, time.Duration, []string ("a, b"),
// map[string]string ("k=v, k2=v2") and any type whose pointer implements
// encoding.TextUnmarshaler. Values arrive as text (the integration file gives
// strings) and are trimmed of surrounding spaces.

// Problem is one thing wrong with a setting, named by its path in the
// integration file's system block (options.cacheTTL).
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// JoinProblems renders problems one after the other, for an error message.
func JoinProblems(ps []Problem) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, "; ")
}

// OptionInfo describes one option for people: what `starter connectors` prints.
type OptionInfo struct {
	Name string
	// Type is a readable type: text, true/false, whole number, duration, list,
	// key=value list, or the field's type tag.
	Type        string
	Default     string
	Description string
	Required    bool
	// Enum lists the allowed values; nil allows any value of the type.
	Enum []string
	// Min is the least value of a number or duration, "" when none.
	Min string
}

// DecodeOptions fills into (a pointer to an options struct) from raw and
// returns every problem found, each named options.<name>: an option the
// struct does not declare, a value of the wrong form, one outside the enum or
// below the minimum, a required option left out. system names the connector
// in the message about an unknown option. Every field is set: from raw, else
// from its default tag, else to its zero value.
func DecodeOptions(system string, into any, raw map[string]string) []Problem {
	v := reflect.ValueOf(into)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("connectors: DecodeOptions needs a pointer to an options struct, got %T", into))
	}
	set := optionSetOf(v.Elem().Type())
	return set.decode(system, v.Elem(), raw)
}

// DescribeOptions lists the options a struct declares, in declaration order.
// proto is the struct or a pointer to it (nil pointers are fine).
func DescribeOptions(proto any) []OptionInfo {
	if proto == nil {
		return nil
	}
	t := reflect.TypeOf(proto)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	set := optionSetOf(t)
	out := make([]OptionInfo, len(set.options))
	for i, o := range set.options {
		out[i] = o.info
	}
	return out
}

// option is one parsed field of an options struct.
type option struct {
	info  OptionInfo
	index int
	typ   reflect.Type
	// defaultValue is the decoded default tag, or the zero value.
	defaultValue reflect.Value
	minInt       *int64
	minDuration  *time.Duration
}

type optionSet struct {
	options []option
	known   map[string]bool
	// names are sorted, for the message about an unknown option.
	names []string
}

var optionSets sync.Map // reflect.Type → *optionSet

// optionSetOf parses a struct type's tags once. A malformed declaration (no
// yaml tag, a type the decoder does not know, a default that does not decode)
// is a programming error and panics, so that it fails when the connector
// registers, not when a user first sets the option.
func optionSetOf(t reflect.Type) *optionSet {
	if s, ok := optionSets.Load(t); ok {
		return s.(*optionSet)
	}
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("connectors: options must be a struct, got %s", t))
	}
	set := &optionSet{known: map[string]bool{}}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			panic(fmt.Sprintf("connectors: options field %s.%s needs an exported name and a yaml tag", t, f.Name))
		}
		if set.known[name] {
			panic(fmt.Sprintf("connectors: option %q declared twice in %s", name, t))
		}
		o := option{index: i, typ: f.Type, info: OptionInfo{
			Name:        name,
			Type:        typeName(f),
			Default:     f.Tag.Get("default"),
			Description: f.Tag.Get("desc"),
			Required:    f.Tag.Get("required") == "true",
			Min:         f.Tag.Get("min"),
		}}
		if e := f.Tag.Get("enum"); e != "" {
			o.info.Enum = splitList(e)
		}
		if o.info.Min != "" {
			o.parseMin(t)
		}
		o.defaultValue = reflect.New(f.Type).Elem()
		if o.info.Default != "" {
			if msg := o.decodeInto(o.defaultValue, o.info.Default); msg != "" {
				panic(fmt.Sprintf("connectors: default of option %q in %s: %s", name, t, msg))
			}
		}
		set.options = append(set.options, o)
		set.names = append(set.names, name)
		set.known[name] = true
	}
	sort.Strings(set.names)
	s, _ := optionSets.LoadOrStore(t, set)
	return s.(*optionSet)
}

func (o *option) parseMin(t reflect.Type) {
	switch {
	case o.typ == durationType:
		d, err := time.ParseDuration(o.info.Min)
		if err != nil {
			panic(fmt.Sprintf("connectors: min of option %q in %s is not a duration", o.info.Name, t))
		}
		o.minDuration = &d
	case o.typ.Kind() == reflect.Int || o.typ.Kind() == reflect.Int64:
		n, err := strconv.ParseInt(o.info.Min, 10, 64)
		if err != nil {
			panic(fmt.Sprintf("connectors: min of option %q in %s is not a whole number", o.info.Name, t))
		}
		o.minInt = &n
	default:
		panic(fmt.Sprintf("connectors: option %q in %s has a min but is not a number or duration", o.info.Name, t))
	}
}

func (s *optionSet) decode(system string, into reflect.Value, raw map[string]string) []Problem {
	var problems []Problem
	for _, name := range sortedKeys(raw) {
		if !s.known[name] {
			problems = append(problems, Problem{Path: "options." + name,
				Message: fmt.Sprintf("%s takes no option %q (it takes %s)", system, name, orNone(s.names))})
		}
	}
	for i := range s.options {
		o := &s.options[i]
		field := into.Field(o.index)
		text := strings.TrimSpace(raw[o.info.Name])
		if text == "" {
			field.Set(cloneValue(o.defaultValue))
			if o.info.Required {
				problems = append(problems, Problem{Path: "options." + o.info.Name, Message: "is required; " + o.info.Description})
			}
			continue
		}
		v := reflect.New(o.typ).Elem()
		if msg := o.decodeInto(v, text); msg != "" {
			problems = append(problems, Problem{Path: "options." + o.info.Name, Message: msg})
			continue
		}
		field.Set(v)
	}
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Path < problems[j].Path })
	return problems
}

// decodeInto reads text into v, which has the option's type, and returns a
// message saying what is wrong with text, or "".
func (o *option) decodeInto(v reflect.Value, text string) string {
	if len(o.info.Enum) > 0 {
		i := slices.IndexFunc(o.info.Enum, func(e string) bool { return strings.EqualFold(e, text) })
		if i < 0 {
			return fmt.Sprintf("%q is not one of %s", text, strings.Join(o.info.Enum, ", "))
		}
		text = o.info.Enum[i] // the declared spelling, so callers compare exactly
	}
	if u, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		if err := u.UnmarshalText([]byte(text)); err != nil {
			return err.Error()
		}
		return ""
	}
	switch {
	case o.typ == durationType:
		d, err := time.ParseDuration(text)
		if err != nil {
			return fmt.Sprintf("%q is not a duration like %s", text, orDefault(o.info.Default, "5m"))
		}
		if o.minDuration != nil && d < *o.minDuration {
			return fmt.Sprintf("%s is shorter than %s", text, *o.minDuration)
		}
		v.SetInt(int64(d))
	case o.typ.Kind() == reflect.String:
		v.SetString(text)
	case o.typ.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(strings.ToLower(text))
		if err != nil {
			return fmt.Sprintf("%q is not true or false", text)
		}
		v.SetBool(b)
	case o.typ.Kind() == reflect.Int || o.typ.Kind() == reflect.Int64:
		n, err := strconv.ParseInt(text, 10, o.typ.Bits())
		if err != nil {
			return fmt.Sprintf("%q is not a whole number", text)
		}
		if o.minInt != nil && n < *o.minInt {
			return fmt.Sprintf("%d is less than %d", n, *o.minInt)
		}
		v.SetInt(n)
	case o.typ == stringSliceType:
		v.Set(reflect.ValueOf(splitList(text)))
	case o.typ == stringMapType:
		m := map[string]string{}
		for _, pair := range splitList(text) {
			k, val, ok := strings.Cut(pair, "=")
			if k = strings.TrimSpace(k); !ok || k == "" {
				return fmt.Sprintf("%q is not key=value", pair)
			}
			m[k] = strings.TrimSpace(val)
		}
		v.Set(reflect.ValueOf(m))
	default:
		panic(fmt.Sprintf("connectors: option %q has type %s, which the decoder does not know", o.info.Name, o.typ))
	}
	return ""
}

var (
	durationType    = reflect.TypeFor[time.Duration]()
	stringSliceType = reflect.TypeFor[[]string]()
	stringMapType   = reflect.TypeFor[map[string]string]()
	unmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func typeName(f reflect.StructField) string {
	if t := f.Tag.Get("type"); t != "" {
		return t
	}
	switch {
	case reflect.PointerTo(f.Type).Implements(unmarshalerType):
		return "text"
	case f.Type == durationType:
		return "duration"
	case f.Type == stringSliceType:
		return "list"
	case f.Type == stringMapType:
		return "key=value list"
	}
	switch f.Type.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true/false"
	case reflect.Int, reflect.Int64:
		return "whole number"
	}
	panic(fmt.Sprintf("connectors: option field %s has type %s, which the decoder does not know", f.Name, f.Type))
}

// cloneValue copies a default so that a decoded struct never shares a map or
// slice with the cached default (a caller may change what it got).
func cloneValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			c.SetMapIndex(it.Key(), it.Value())
		}
		return c
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(c, v)
		return c
	}
	return v
}

// splitList reads "a, b,,c" as [a b c].
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// TotalOnlyRateLimit is the problem of an integration that sets
// rateLimit.readsPerMinute or writesPerMinute for a system whose API
// counts all calls of a credential together (what names the credential:
// "token", "credential").
func TotalOnlyRateLimit(system, what string, s Settings) []Problem {
	if s.ReadsPerMinute == 0 && s.WritesPerMinute == 0 {
		return nil
	}
	return []Problem{{Path: "rateLimit",
		Message: fmt.Sprintf("%s counts all calls of a %s together; set totalPerMinute instead of reads or writes", system, what)}}
}
