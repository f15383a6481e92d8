package contract

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/koppel/koppel/connectors/conntest/internal/capture"
)

// SOAPEnvelopeNamespace is the SOAP 1.1 envelope namespace.
const SOAPEnvelopeNamespace = "http://schemas.xmlsoap.org/soap/envelope/"

// node is one parsed XML element.
type node struct {
	name     xml.Name
	text     strings.Builder
	children []*node
}

// parseXML reads a whole document into a tree of elements.
func parseXML(data []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) > 0 || root == nil {
				return nil, fmt.Errorf("the XML ends before its root element is closed (cut off?)")
			}
			return root, nil
		}
		if err != nil {
			return nil, fmt.Errorf("not well-formed XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		}
	}
}

// soapBody finds the single element of a SOAP 1.1 envelope's Body.
func soapBody(data []byte) (*node, []string) {
	env, err := parseXML(data)
	if err != nil {
		return nil, []string{err.Error()}
	}
	if env.name.Space != SOAPEnvelopeNamespace || env.name.Local != "Envelope" {
		return nil, []string{fmt.Sprintf("the root element is {%s}%s, not a SOAP 1.1 Envelope", env.name.Space, env.name.Local)}
	}
	var body *node
	for _, c := range env.children {
		switch {
		case c.name.Space == SOAPEnvelopeNamespace && c.name.Local == "Header" && body == nil:
		case c.name.Space == SOAPEnvelopeNamespace && c.name.Local == "Body" && body == nil:
			body = c
		default:
			return nil, []string{fmt.Sprintf("unexpected <%s> in the Envelope (a Header, then one Body)", c.name.Local)}
		}
	}
	if body == nil {
		return nil, []string{"the Envelope has no Body"}
	}
	if len(body.children) != 1 {
		return nil, []string{fmt.Sprintf("the Body holds %d elements; document/literal SOAP sends exactly one", len(body.children))}
	}
	return body.children[0], nil
}

// CheckSOAPRequest checks a request envelope: its Body's element must be the
// input element of an operation and valid against the schema. It returns
// the operation's name ("" when none matches) and every problem found.
func (w *WSDL) CheckSOAPRequest(data []byte) (op string, problems []string) {
	el, p := soapBody(data)
	if el == nil {
		return "", p
	}
	op = w.byInput[el.name.Local]
	if op == "" {
		return "", []string{fmt.Sprintf("<%s> is not the request element of any operation", el.name.Local)}
	}
	return op, w.checkTop(el, el.name.Local)
}

// CheckSOAPResponse checks the answer to operation op: a SOAP Fault on HTTP
// 500 (SOAP 1.1's rule; the schema has no faults) with a faultcode and a
// faultstring, or the operation's output element on HTTP 200, valid against
// the schema.
func (w *WSDL) CheckSOAPResponse(op string, status int, data []byte) []string {
	el, p := soapBody(data)
	if el == nil {
		return p
	}
	if el.name.Space == SOAPEnvelopeNamespace && el.name.Local == "Fault" {
		if status != http.StatusInternalServerError {
			p = append(p, fmt.Sprintf("a SOAP Fault on HTTP %d; SOAP 1.1 sends faults with 500", status))
		}
		have := map[string]bool{}
		for _, c := range el.children {
			have[c.name.Local] = true
		}
		for _, must := range []string{"faultcode", "faultstring"} {
			if !have[must] {
				p = append(p, "the Fault has no <"+must+">")
			}
		}
		return p
	}
	_, want, ok := w.Operation(op)
	switch {
	case !ok:
		return []string{fmt.Sprintf("operation %q is not in the WSDL", op)}
	case el.name.Local != want:
		return []string{fmt.Sprintf("the answer to %s is <%s>, the WSDL says <%s>", op, el.name.Local, want)}
	case status != http.StatusOK:
		p = append(p, fmt.Sprintf("<%s> on HTTP %d, want 200", want, status))
	}
	return append(p, w.checkTop(el, want)...)
}

// CheckXML checks one element's XML (no envelope) against the top-level
// element elem.
func (w *WSDL) CheckXML(elem string, data []byte) []string {
	n, err := parseXML(data)
	if err != nil {
		return []string{err.Error()}
	}
	return w.checkTop(n, elem)
}

func (w *WSDL) checkTop(n *node, elem string) []string {
	el, ok := w.elements[elem]
	if !ok {
		return []string{fmt.Sprintf("<%s> is not a top-level element of the WSDL", elem)}
	}
	var p []string
	if n.name.Space != w.Namespace || n.name.Local != elem {
		p = append(p, fmt.Sprintf("the element is {%s}%s, want {%s}%s", n.name.Space, n.name.Local, w.Namespace, elem))
	}
	w.checkNode(n, el, elem, &p)
	return p
}

// checkNode checks an element instance against its declaration.
func (w *WSDL) checkNode(n *node, el *xsdElement, path string, p *[]string) {
	if el.ComplexType != nil {
		w.checkComplex(n, el.ComplexType, path, p)
		return
	}
	prefix, name, _ := strings.Cut(el.Type, ":")
	if name == "" {
		name, prefix = prefix, ""
	}
	if prefix != "xsd" && prefix != "SOAP-ENC" {
		if ct, ok := w.types[name]; ok {
			w.checkComplex(n, ct, path, p)
			return
		}
	}
	if len(n.children) > 0 {
		*p = append(*p, fmt.Sprintf("%s: <%s> is of the simple type %s but holds elements", path, el.Name, el.Type))
		return
	}
	value := n.text.String()
	switch {
	case prefix == "SOAP-ENC" && name == "base64", prefix == "xsd":
		if msg := checkScalar(name, value); msg != "" {
			*p = append(*p, fmt.Sprintf("%s: %q %s", path, value, msg))
		}
	case w.simple[name]:
		if base := local(w.bases[name]); base != "" && base != "string" {
			if msg := checkScalar(base, value); msg != "" {
				*p = append(*p, fmt.Sprintf("%s: %q %s", path, value, msg))
			}
		}
		if enum := w.enums[name]; len(enum) > 0 && !contains(enum, strings.TrimSpace(value)) {
			*p = append(*p, fmt.Sprintf("%s: %q is not a value of %s", path, value, name))
		}
	default:
		*p = append(*p, fmt.Sprintf("%s: <%s> has unknown type %q", path, el.Name, el.Type))
	}
}

// checkComplex checks children against the type's sequence: each known, in
// order, no more often than maxOccurs, every required one present.
func (w *WSDL) checkComplex(n *node, ct *xsdComplexType, path string, p *[]string) {
	if strings.TrimSpace(n.text.String()) != "" {
		*p = append(*p, fmt.Sprintf("%s: text in an element of the complex type %s", path, typeName(ct)))
	}
	seq := w.sequence(ct)
	counts := make([]int, len(seq))
	at := 0
	missing := func(from, to int, before string) {
		for k := from; k < to; k++ {
			if counts[k] == 0 && seq[k].MinOccurs != "0" {
				*p = append(*p, fmt.Sprintf("%s: required <%s> of %s is missing%s", path, seq[k].Name, typeName(ct), before))
			}
		}
	}
	for _, c := range n.children {
		cp := path + "/" + c.name.Local
		if c.name.Space != w.Namespace {
			*p = append(*p, fmt.Sprintf("%s: in namespace %q, want %q (elementFormDefault qualified)", cp, c.name.Space, w.Namespace))
		}
		j := -1
		for k := at; k < len(seq); k++ {
			if seq[k].Name == c.name.Local {
				j = k
				break
			}
		}
		if j < 0 {
			if idx := indexOf(seq[:at], c.name.Local); idx >= 0 {
				*p = append(*p, fmt.Sprintf("%s: <%s> comes after <%s>, the sequence of %s has it before", cp, c.name.Local, seq[at].Name, typeName(ct)))
			} else {
				*p = append(*p, fmt.Sprintf("%s: no element <%s> in type %s (has %s)", cp, c.name.Local, typeName(ct), names(seq)))
			}
			continue
		}
		missing(at, j, " (before <"+c.name.Local+">)")
		at = j
		counts[j]++
		if max := seq[j].MaxOccurs; counts[j] == 2 && (max == "" || max == "1") {
			*p = append(*p, fmt.Sprintf("%s: <%s> repeats; it occurs at most once", cp, c.name.Local))
		}
		w.checkNode(c, &seq[j], cp, p)
	}
	missing(at, len(seq), "")
}

func indexOf(seq []xsdElement, name string) int {
	for i, e := range seq {
		if e.Name == name {
			return i
		}
	}
	return -1
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

var (
	reDecimal  = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)$`)
	reDate     = regexp.MustCompile(`^-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$`)
	reDateTime = regexp.MustCompile(`^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$`)
	reTime     = regexp.MustCompile(`^\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$`)
)

// checkScalar says what is wrong with a value of an XSD built-in type ("" if
// nothing). Values of every type but string are read with whitespace
// collapsed, as XSD does.
func checkScalar(xsdType, v string) string {
	if xsdType != "string" {
		v = strings.TrimSpace(v)
	}
	intOf := func(bits int) string {
		if _, err := strconv.ParseInt(v, 10, bits); err != nil {
			return fmt.Sprintf("is not an integer of %d bits", bits)
		}
		return ""
	}
	uintOf := func(bits int) string {
		if _, err := strconv.ParseUint(strings.TrimPrefix(v, "+"), 10, bits); err != nil {
			return fmt.Sprintf("is not an unsigned integer of %d bits", bits)
		}
		return ""
	}
	match := func(re *regexp.Regexp, what string) string {
		if !re.MatchString(v) {
			return "is not " + what
		}
		return ""
	}
	switch xsdType {
	case "string":
		return ""
	case "long":
		return intOf(64)
	case "int":
		return intOf(32)
	case "short":
		return intOf(16)
	case "byte":
		return intOf(8)
	case "unsignedLong":
		return uintOf(64)
	case "unsignedInt":
		return uintOf(32)
	case "unsignedShort":
		return uintOf(16)
	case "unsignedByte":
		return uintOf(8)
	case "boolean":
		if v != "true" && v != "false" && v != "1" && v != "0" {
			return "is not an xsd:boolean (true, false, 1, 0)"
		}
		return ""
	case "decimal":
		return match(reDecimal, "an xsd:decimal")
	case "double", "float":
		if _, err := strconv.ParseFloat(v, 64); err != nil && v != "INF" && v != "-INF" && v != "NaN" {
			return "is not an xsd:" + xsdType
		}
		return ""
	case "date":
		return match(reDate, "an xsd:date (2006-01-02)")
	case "dateTime":
		return match(reDateTime, "an xsd:dateTime (2006-01-02T15:04:05)")
	case "time":
		return match(reTime, "an xsd:time (15:04:05)")
	case "base64", "base64Binary":
		if _, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(v), "")); err != nil {
			return "is not base64"
		}
		return ""
	}
	return "has the XSD type " + xsdType + ", which the check does not know"
}

// SOAPHandler checks every SOAP exchange that passes through it on the way
// to next (a simulator): the request against the operation's input element,
// the answer against its output element or as a SOAP Fault. Answers that are
// not XML and not 200 are what a proxy sends (an injected 503) and pass.
func (w *WSDL) SOAPHandler(rep Reporter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(rw, r) // a GET health check is no SOAP call
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		op, problems := w.CheckSOAPRequest(body)
		for _, pr := range problems {
			rep.Errorf("contract: request %s: %s", opName(op), pr)
		}
		cw := capture.NewWriter(rw)
		next.ServeHTTP(cw, r)
		if cw.Hijacked() {
			return // the answer was dropped on purpose; the request was checked
		}
		status := cw.StatusOrOK()
		mt, _, _ := mime.ParseMediaType(cw.Header().Get("Content-Type"))
		switch {
		case mt == "text/xml" || mt == "application/soap+xml":
			if op != "" {
				for _, pr := range w.CheckSOAPResponse(op, status, cw.Body.Bytes()) {
					rep.Errorf("contract: answer to %s: %s", op, pr)
				}
			}
		case status == http.StatusOK:
			rep.Errorf("contract: answer to %s: HTTP 200 with Content-Type %q, not SOAP XML", opName(op), cw.Header().Get("Content-Type"))
		}
		cw.Send(cw.Body.Bytes())
	})
}

func opName(op string) string {
	if op == "" {
		return "(unknown operation)"
	}
	return op
}
