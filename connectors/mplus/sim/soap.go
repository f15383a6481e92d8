package sim

import (
	"bytes"
	"crypto/subtle"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

const (
	nsSOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
	nsSOAP12 = "http://www.w3.org/2003/05/soap-envelope"
)

const envelopeHead = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
	`<SOAP-ENV:Envelope xmlns:SOAP-ENV="` + nsSOAP11 + `" xmlns:ns="` + ns + `"><SOAP-ENV:Body>`

const envelopeTail = `</SOAP-ENV:Body></SOAP-ENV:Envelope>`

// serviceVersion is sent in the mplus-service-version header (research §2.1).
var serviceVersion = fmt.Sprintf("%d.%d.%d", APIMajor, APIMinor, APIRevision)

// faultError is a SOAP Fault to answer with (HTTP 500, research §2.8).
type faultError struct {
	code   string // e.g. "SOAP-ENV:Client.Authentication"
	reason string
}

func (f *faultError) Error() string { return f.code + ": " + f.reason }

func clientFault(format string, args ...any) *faultError {
	return &faultError{code: "SOAP-ENV:Client", reason: fmt.Sprintf(format, args...)}
}

// request is one parsed SOAP call.
type request struct {
	op    string
	dec   *xml.Decoder
	start xml.StartElement
}

// decode reads the operation element into v.
func (r *request) decode(v any) error {
	if err := r.dec.DecodeElement(v, &r.start); err != nil {
		return clientFault("Validation constraint violation: %v in element '%s'", err, r.op)
	}
	return nil
}

// parseEnvelope finds the operation element: the first child of the SOAP 1.1
// Body (research §2.12: route on it, not on SOAPAction).
func parseEnvelope(body []byte) (*request, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	depth := 0
	inBody := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if inBody {
				return nil, clientFault("the SOAP Body holds no operation element")
			}
			return nil, clientFault("no SOAP Envelope with a Body in the request")
		}
		if err != nil {
			return nil, clientFault("the request is not well-formed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1:
				if t.Name.Local != "Envelope" {
					return nil, clientFault("the root element is <%s>, not a SOAP Envelope", t.Name.Local)
				}
				if t.Name.Space == nsSOAP12 {
					return nil, &faultError{code: "SOAP-ENV:VersionMismatch", reason: "SOAP 1.2 is not supported; send a SOAP 1.1 envelope"}
				}
				if t.Name.Space != nsSOAP11 {
					return nil, &faultError{code: "SOAP-ENV:VersionMismatch", reason: fmt.Sprintf("unknown envelope namespace %q", t.Name.Space)}
				}
			case depth == 2:
				if t.Name.Space == nsSOAP11 && t.Name.Local == "Body" {
					inBody = true
					continue
				}
				if err := dec.Skip(); err != nil {
					return nil, clientFault("the request is not well-formed XML: %v", err)
				}
				depth--
			case depth == 3 && inBody:
				if t.Name.Space != ns {
					return nil, clientFault("Method '%s' not implemented: method name or namespace not recognized", t.Name.Local)
				}
				return &request{op: t.Name.Local, dec: dec, start: t}, nil
			}
		case xml.EndElement:
			depth--
			if inBody && depth == 1 {
				return nil, clientFault("the SOAP Body holds no operation element")
			}
		}
	}
}

// opOfRequest names a request's SOAP operation for the fault rules. It reads
// the body and puts it back.
func opOfRequest(limit int64) func(*http.Request) string {
	return func(r *http.Request) string {
		if r.Method != http.MethodPost || r.Body == nil {
			return ""
		}
		b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
		_ = r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(b))
		if err != nil {
			return ""
		}
		req, perr := parseEnvelope(b)
		if perr != nil {
			return ""
		}
		return req.op
	}
}

// serve is the handler behind the fault middleware.
func (s *Sim) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		// The official client's health check: a GET answers 405 when the service is up.
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "405 Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, s.opts.MaxBodyBytes+1))
	if err != nil {
		s.writeFault(w, clientFault("reading the request: %v", err))
		return
	}
	if int64(len(body)) > s.opts.MaxBodyBytes {
		s.writeFault(w, clientFault("the request is larger than %d bytes", s.opts.MaxBodyBytes))
		return
	}
	req, err := parseEnvelope(body)
	if err != nil {
		s.writeFault(w, asFault(err))
		return
	}
	s.countCall(req.op)
	// Credentials are the ident and secret query parameters (research §2.2).
	q := r.URL.Query()
	if !equal(q.Get("ident"), s.opts.Ident) || !equal(q.Get("secret"), s.opts.Secret) {
		s.writeFault(w, &faultError{code: "SOAP-ENV:Client.Authentication", reason: "Authentication failed: unknown ident or wrong secret"})
		return
	}
	h, ok := s.handlers[req.op]
	if !ok {
		s.writeFault(w, clientFault("Method '%s' not implemented: method name or namespace not recognized", req.op))
		return
	}
	resp, err := h(req)
	if err != nil {
		s.writeFault(w, asFault(err))
		return
	}
	s.writeResponse(w, resp)
}

type opHandler func(*request) (any, error)

func (s *Sim) opHandlers() map[string]opHandler {
	return map[string]opHandler{
		"getApiVersion":         s.getApiVersion,
		"getVatGroupList":       s.getVatGroupList,
		"getCurrentSyncMarkers": s.getCurrentSyncMarkers,
		"getProducts":           s.getProducts,
		"createProduct":         s.createProduct,
		"updateProduct":         s.updateProduct,
		"getArticleGroups":      s.getArticleGroups,
		"newArticleGroup":       s.newArticleGroup,
		"getStock":              s.getStock,
		"getStockHistoryV2":     s.getStockHistoryV2,
		"setStock":              s.setStock,
		"updateStock":           s.updateStock,
		"findOrder":             s.findOrder,
		"createOrder":           s.createOrder,
		"findInvoice":           s.findInvoice,
		"saveInvoice":           s.saveInvoice,
		"getRelation":           s.getRelation,
		"findRelation":          s.findRelation,
		"createRelation":        s.createRelation,
		"updateRelation":        s.updateRelation,
	}
}

func equal(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func asFault(err error) *faultError {
	var f *faultError
	if errors.As(err, &f) {
		return f
	}
	return &faultError{code: "SOAP-ENV:Server", reason: err.Error()}
}

func (s *Sim) writeResponse(w http.ResponseWriter, payload any) {
	raw, err := xml.Marshal(payload)
	if err != nil {
		s.writeFault(w, &faultError{code: "SOAP-ENV:Server", reason: "encoding the answer: " + err.Error()})
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/xml; charset=utf-8")
	h.Set("mplus-service-version", serviceVersion)
	w.WriteHeader(http.StatusOK)
	var buf bytes.Buffer
	buf.Grow(len(envelopeHead) + len(raw) + len(envelopeTail))
	buf.WriteString(envelopeHead)
	buf.Write(raw)
	buf.WriteString(envelopeTail)
	_, _ = w.Write(buf.Bytes())
}

// writeFault answers a SOAP 1.1 Fault on HTTP 500 (research §2.8).
func (s *Sim) writeFault(w http.ResponseWriter, f *faultError) {
	var buf bytes.Buffer
	buf.WriteString(envelopeHead)
	buf.WriteString("<SOAP-ENV:Fault><faultcode>")
	_ = xml.EscapeText(&buf, []byte(f.code))
	buf.WriteString("</faultcode><faultstring>")
	_ = xml.EscapeText(&buf, []byte(f.reason))
	buf.WriteString("</faultstring></SOAP-ENV:Fault>")
	buf.WriteString(envelopeTail)
	h := w.Header()
	h.Set("Content-Type", "text/xml; charset=utf-8")
	h.Set("mplus-service-version", serviceVersion)
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write(buf.Bytes())
}

// writeInjected renders an injected fault: 500 is a SOAP Server fault as the
// service itself sends it; other statuses (502, 503, 504, 429) come from the
// proxy in front of it, with a plain body.
func (s *Sim) writeInjected(w http.ResponseWriter, _ *http.Request, status int, retryAfter time.Duration) {
	if status == http.StatusInternalServerError {
		s.writeFault(w, &faultError{code: "SOAP-ENV:Server", reason: "Internal server error (injected)"})
		return
	}
	if retryAfter > 0 {
		secs := int64((retryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	}
	http.Error(w, fmt.Sprintf("%d %s", status, http.StatusText(status)), status)
}
