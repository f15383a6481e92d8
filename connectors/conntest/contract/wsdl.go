package contract

// A WSDL 1.1 contract with inline XSD (mplusqapi.wsdl) is checked two ways:
// CheckElement checks hand-written Go wire structs against it (every element
// name a struct declares must exist in the schema type it stands for, in the
// order of the type's <sequence>, with a compatible XSD type and
// cardinality, and a struct that is sent must carry every element the schema
// requires); soap.go checks the XML of real SOAP messages, as a client sends
// them and a simulator answers them.

import (
	"encoding/xml"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// MplusNamespace is the MplusQAPI target namespace.
const MplusNamespace = "urn:mplusqapi"

// Direction says who writes the XML a struct stands for.
type Direction int

const (
	// Send: we write it (client requests, simulator responses). Every
	// element the schema requires must be declared and always emitted.
	Send Direction = iota
	// Receive: we read it (client responses, simulator requests). Declaring a
	// subset is fine.
	Receive
)

// WSDL is the parsed contract. It is read-only after Load and safe for
// concurrent use.
type WSDL struct {
	// Namespace is the schema's target namespace.
	Namespace string
	elements  map[string]*xsdElement     // top-level elements
	types     map[string]*xsdComplexType // named complex types
	enums     map[string][]string        // simple types with enumerations
	simple    map[string]bool            // every named simple type
	bases     map[string]string          // simple type → its restriction's base (xsd:string)
	messages  map[string]string          // message name → element of its part
	ops       map[string]operation       // portType operations
	byInput   map[string]string          // request element → operation
}

type operation struct{ input, output string } // message names

type wsdlDoc struct {
	Types struct {
		Schema struct {
			TargetNamespace string           `xml:"targetNamespace,attr"`
			Elements        []xsdElement     `xml:"element"`
			ComplexTypes    []xsdComplexType `xml:"complexType"`
			SimpleTypes     []struct {
				Name        string `xml:"name,attr"`
				Restriction struct {
					Base  string `xml:"base,attr"`
					Enums []struct {
						Value string `xml:"value,attr"`
					} `xml:"enumeration"`
				} `xml:"restriction"`
			} `xml:"simpleType"`
		} `xml:"schema"`
	} `xml:"types"`
	Messages []struct {
		Name  string `xml:"name,attr"`
		Parts []struct {
			Element string `xml:"element,attr"`
		} `xml:"part"`
	} `xml:"message"`
	PortTypes []struct {
		Operations []struct {
			Name   string `xml:"name,attr"`
			Input  ioRef  `xml:"input"`
			Output ioRef  `xml:"output"`
		} `xml:"operation"`
	} `xml:"portType"`
}

type ioRef struct {
	Message string `xml:"message,attr"`
}

type xsdElement struct {
	Name        string          `xml:"name,attr"`
	Type        string          `xml:"type,attr"`
	MinOccurs   string          `xml:"minOccurs,attr"`
	MaxOccurs   string          `xml:"maxOccurs,attr"`
	ComplexType *xsdComplexType `xml:"complexType"`
}

type xsdComplexType struct {
	Name           string       `xml:"name,attr"`
	Sequence       *xsdSequence `xml:"sequence"`
	ComplexContent *struct {
		Extension *struct {
			Base     string       `xml:"base,attr"`
			Sequence *xsdSequence `xml:"sequence"`
		} `xml:"extension"`
	} `xml:"complexContent"`
}

type xsdSequence struct {
	Elements []xsdElement `xml:"element"`
}

var wsdls = specCache[*WSDL]{load: loadWSDL}

// LoadWSDL reads a WSDL file once per process.
func LoadWSDL(path string) (*WSDL, error) { return wsdls.get(path) }

// WSDLForTest loads a WSDL from shared/specs (LoadWSDL), skipping the test
// when the file is not there and failing it when it does not parse.
func WSDLForTest(t testing.TB, name string) *WSDL {
	t.Helper()
	w, err := LoadWSDL(specForTest(t, name))
	if err != nil {
		t.Fatalf("contract %s: %v", name, err)
	}
	return w
}

func loadWSDL(path string) (*WSDL, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc wsdlDoc
	if err := xml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	w := &WSDL{
		Namespace: doc.Types.Schema.TargetNamespace,
		elements:  map[string]*xsdElement{}, types: map[string]*xsdComplexType{},
		enums: map[string][]string{}, simple: map[string]bool{}, bases: map[string]string{},
		messages: map[string]string{}, ops: map[string]operation{},
	}
	s := &doc.Types.Schema
	for i := range s.Elements {
		w.elements[s.Elements[i].Name] = &s.Elements[i]
	}
	for i := range s.ComplexTypes {
		w.types[s.ComplexTypes[i].Name] = &s.ComplexTypes[i]
	}
	for _, st := range s.SimpleTypes {
		w.simple[st.Name] = true
		w.bases[st.Name] = st.Restriction.Base
		for _, e := range st.Restriction.Enums {
			w.enums[st.Name] = append(w.enums[st.Name], e.Value)
		}
	}
	for _, m := range doc.Messages {
		if len(m.Parts) == 1 {
			w.messages[m.Name] = local(m.Parts[0].Element)
		}
	}
	for _, pt := range doc.PortTypes {
		for _, op := range pt.Operations {
			w.ops[op.Name] = operation{input: local(op.Input.Message), output: local(op.Output.Message)}
		}
	}
	w.byInput = map[string]string{}
	for name := range w.ops {
		if in, _, _ := w.Operation(name); in != "" {
			w.byInput[in] = name
		}
	}
	if len(w.ops) == 0 || len(w.types) == 0 {
		return nil, fmt.Errorf("%s: no operations or types found; is it a WSDL with an inline schema?", path)
	}
	return w, nil
}

// Operation returns the request and response element names of a portType
// operation.
func (w *WSDL) Operation(name string) (request, response string, ok bool) {
	op, ok := w.ops[name]
	if !ok {
		return "", "", false
	}
	return w.messages[op.input], w.messages[op.output], true
}

// HasEnum reports whether any enumeration in the schema has this value.
func (w *WSDL) HasEnum(value string) bool {
	for _, vs := range w.enums {
		for _, v := range vs {
			if v == value {
				return true
			}
		}
	}
	return false
}

// Enum returns the values of a simple type.
func (w *WSDL) Enum(typeName string) []string { return w.enums[typeName] }

// CheckElement checks v (a struct or pointer to one) against the top-level
// element elem and returns every problem found, sorted.
func (w *WSDL) CheckElement(elem string, v any, dir Direction) []string {
	el, ok := w.elements[elem]
	if !ok {
		return []string{fmt.Sprintf("<%s> is not a top-level element of the WSDL", elem)}
	}
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var p []string
	if f, ok := t.FieldByName("XMLName"); ok {
		space, name := splitTag(f.Tag.Get("xml"))
		if name != elem || (space != "" && space != w.Namespace) {
			p = append(p, fmt.Sprintf("%s.XMLName is %q %q, want %q %q", t.Name(), space, name, w.Namespace, elem))
		}
	}
	ct, err := w.complexOf(el)
	if err != nil {
		return append(p, elem+": "+err.Error())
	}
	w.checkStruct(t, ct, elem, dir, &p, map[reflect.Type]bool{})
	sort.Strings(p)
	return p
}

func (w *WSDL) complexOf(el *xsdElement) (*xsdComplexType, error) {
	if el.ComplexType != nil {
		return el.ComplexType, nil
	}
	name := local(el.Type)
	ct, ok := w.types[name]
	if !ok {
		return nil, fmt.Errorf("type %q is not a complex type of the WSDL", el.Type)
	}
	return ct, nil
}

// sequence flattens a complex type's elements, an extension's base first.
func (w *WSDL) sequence(ct *xsdComplexType) []xsdElement {
	var out []xsdElement
	if ct.ComplexContent != nil && ct.ComplexContent.Extension != nil {
		ext := ct.ComplexContent.Extension
		if base, ok := w.types[local(ext.Base)]; ok {
			out = append(out, w.sequence(base)...)
		}
		if ext.Sequence != nil {
			out = append(out, ext.Sequence.Elements...)
		}
	}
	if ct.Sequence != nil {
		out = append(out, ct.Sequence.Elements...)
	}
	return out
}

func (w *WSDL) checkStruct(t reflect.Type, ct *xsdComplexType, path string, dir Direction, p *[]string, seen map[reflect.Type]bool) {
	if seen[t] {
		return
	}
	seen[t] = true
	defer delete(seen, t)
	seq := w.sequence(ct)
	index := map[string]int{}
	for i, e := range seq {
		index[e.Name] = i
	}
	declared := map[string]bool{}
	last, lastName := -1, ""
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("xml")
		if f.Name == "XMLName" || tag == "-" || tag == "" || !f.IsExported() {
			continue
		}
		opts := ""
		if c := strings.IndexByte(tag, ','); c >= 0 {
			tag, opts = tag[:c], tag[c+1:]
		}
		space, name := splitTag(tag)
		fp := path + "/" + name
		if strings.Contains(opts, "attr") || strings.Contains(opts, "chardata") || strings.Contains(opts, "innerxml") || strings.Contains(name, ">") {
			*p = append(*p, fmt.Sprintf("%s: field %s uses a tag form (%q) the contract check does not cover", fp, f.Name, f.Tag.Get("xml")))
			continue
		}
		if space != "" && space != w.Namespace {
			*p = append(*p, fmt.Sprintf("%s: namespace %q, want %q", fp, space, w.Namespace))
		}
		idx, ok := index[name]
		if !ok {
			*p = append(*p, fmt.Sprintf("%s: no element <%s> in type %s (has %s)", fp, name, typeName(ct), names(seq)))
			continue
		}
		if idx <= last {
			*p = append(*p, fmt.Sprintf("%s: <%s> comes before <%s> in the WSDL sequence of %s, but after it in %s", fp, name, lastName, typeName(ct), t.Name()))
		}
		last, lastName = idx, name
		declared[name] = true
		el := seq[idx]

		ft := f.Type
		isPtr := false
		for ft.Kind() == reflect.Pointer {
			ft, isPtr = ft.Elem(), true
		}
		isSlice := ft.Kind() == reflect.Slice && ft.Elem().Kind() != reflect.Uint8
		if isSlice {
			ft = ft.Elem()
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
		}
		many := el.MaxOccurs == "unbounded" || (el.MaxOccurs != "" && el.MaxOccurs != "1")
		switch {
		case isSlice && !many:
			*p = append(*p, fmt.Sprintf("%s: a slice, but <%s> occurs at most once", fp, name))
		case !isSlice && many && dir == Receive:
			*p = append(*p, fmt.Sprintf("%s: <%s> repeats (maxOccurs %s); a single field would keep only one", fp, name, el.MaxOccurs))
		}
		if dir == Send && el.MinOccurs != "0" && (isPtr || strings.Contains(opts, "omitempty")) {
			*p = append(*p, fmt.Sprintf("%s: <%s> is required (minOccurs 1) but field %s may be left out", fp, name, f.Name))
		}
		w.checkType(ft, &el, fp, dir, p, seen)
	}
	if dir == Send {
		for _, e := range seq {
			if e.MinOccurs != "0" && !declared[e.Name] {
				*p = append(*p, fmt.Sprintf("%s: required element <%s> of %s is not declared", path, e.Name, typeName(ct)))
			}
		}
	}
}

func (w *WSDL) checkType(ft reflect.Type, el *xsdElement, fp string, dir Direction, p *[]string, seen map[reflect.Type]bool) {
	if el.ComplexType != nil {
		if ft.Kind() != reflect.Struct {
			*p = append(*p, fmt.Sprintf("%s: <%s> has a complex type, the field is %s", fp, el.Name, ft))
			return
		}
		w.checkStruct(ft, el.ComplexType, fp, dir, p, seen)
		return
	}
	prefix, name, _ := strings.Cut(el.Type, ":")
	if name == "" {
		name, prefix = prefix, ""
	}
	if prefix == "SOAP-ENC" && name == "base64" {
		// SOAP encoding's base64 (Image.imageData): base64 text on the wire,
		// which encoding/xml reads and writes as a string.
		if ft.Kind() != reflect.String {
			*p = append(*p, fmt.Sprintf("%s: <%s> is SOAP-ENC:base64 (base64 text), the field is %s", fp, el.Name, ft))
		}
		return
	}
	if prefix == "xsd" {
		if !scalarFits(ft.Kind(), name) {
			*p = append(*p, fmt.Sprintf("%s: <%s> is xsd:%s, the field is %s", fp, el.Name, name, ft))
		}
		return
	}
	if w.simple[name] {
		if ft.Kind() != reflect.String {
			*p = append(*p, fmt.Sprintf("%s: <%s> is the string type %s, the field is %s", fp, el.Name, name, ft))
		}
		return
	}
	ct, ok := w.types[name]
	if !ok {
		*p = append(*p, fmt.Sprintf("%s: <%s> has unknown type %q", fp, el.Name, el.Type))
		return
	}
	if ft.Kind() != reflect.Struct {
		*p = append(*p, fmt.Sprintf("%s: <%s> is the complex type %s, the field is %s", fp, el.Name, name, ft))
		return
	}
	w.checkStruct(ft, ct, fp, dir, p, seen)
}

func scalarFits(k reflect.Kind, xsd string) bool {
	switch xsd {
	case "string", "dateTime", "date", "decimal", "base64Binary", "time":
		return k == reflect.String
	case "long":
		return k == reflect.Int64 || k == reflect.Int
	case "int", "short", "byte":
		return k >= reflect.Int && k <= reflect.Int64
	case "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte":
		return (k >= reflect.Uint && k <= reflect.Uint64) || (k >= reflect.Int && k <= reflect.Int64)
	case "boolean":
		return k == reflect.Bool
	case "double", "float":
		return k == reflect.Float64 || k == reflect.Float32
	}
	return false
}

func splitTag(tag string) (space, name string) {
	if c := strings.IndexByte(tag, ','); c >= 0 {
		tag = tag[:c]
	}
	if i := strings.LastIndexByte(tag, ' '); i >= 0 {
		return tag[:i], tag[i+1:]
	}
	return "", tag
}

func local(qname string) string {
	if i := strings.LastIndexByte(qname, ':'); i >= 0 {
		return qname[i+1:]
	}
	return qname
}

func typeName(ct *xsdComplexType) string {
	if ct.Name == "" {
		return "(anonymous)"
	}
	return ct.Name
}

func names(seq []xsdElement) string {
	if len(seq) == 0 {
		return "no elements"
	}
	n := make([]string, 0, len(seq))
	for _, e := range seq {
		n = append(n, e.Name)
		if len(n) == 12 {
			n = append(n, "…")
			break
		}
	}
	return strings.Join(n, ", ")
}
