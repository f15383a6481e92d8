package mplus

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

const nsSOAPEnv = "http://schemas.xmlsoap.org/soap/envelope/"

const envelopeHead = `<?xml version="1.0" encoding="utf-8"?>` + "\n" +
	`<SOAP-ENV:Envelope xmlns:SOAP-ENV="` + nsSOAPEnv + `" xmlns:ns1="` + nsMplus + `">` +
	`<SOAP-ENV:Header/><SOAP-ENV:Body>`

const envelopeTail = `</SOAP-ENV:Body></SOAP-ENV:Envelope>`

// encodeEnvelope wraps one request payload in a SOAP 1.1 envelope, every
// payload element qualified with the ns1: prefix bound to urn:mplusqapi, the
// shape the official clients send (research §2.3).
func encodeEnvelope(payload any) ([]byte, error) {
	raw, err := xml.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	var buf bytes.Buffer
	buf.Grow(len(raw) + len(envelopeHead) + len(envelopeTail) + len(raw)/4)
	buf.WriteString(envelopeHead)
	if err := prefixNamespace(&buf, raw); err != nil {
		return nil, err
	}
	buf.WriteString(envelopeTail)
	return buf.Bytes(), nil
}

// prefixNamespace re-emits XML whose elements are in urn:mplusqapi by default
// namespace with an explicit ns1: prefix instead.
func prefixNamespace(w *bytes.Buffer, raw []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(raw))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != nsMplus {
				return fmt.Errorf("encode request: element <%s> is not in %s", t.Name.Local, nsMplus)
			}
			w.WriteString("<ns1:")
			w.WriteString(t.Name.Local)
			w.WriteByte('>')
		case xml.EndElement:
			w.WriteString("</ns1:")
			w.WriteString(t.Name.Local)
			w.WriteByte('>')
		case xml.CharData:
			if err := xml.EscapeText(w, t); err != nil {
				return err
			}
		}
	}
}

// errUnexpectedElement means the body held something else than the response
// element the operation declares.
var errUnexpectedElement = errors.New("unexpected response element")

// decodeEnvelope finds the first element of the SOAP Body. A Fault is returned
// as such; otherwise the element must be respName (the WSDL's name, whose case
// varies between operations) and is decoded into out.
func decodeEnvelope(body []byte, respName string, out any) (*soapFault, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.CharsetReader = charsetReader
	inBody := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if inBody {
				return nil, fmt.Errorf("the SOAP Body is empty or cut off")
			}
			return nil, fmt.Errorf("no SOAP Body in the response")
		}
		if err != nil {
			return nil, fmt.Errorf("the response is not well-formed XML (cut off?): %w", err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if !inBody {
			if start.Name.Local == "Body" && start.Name.Space == nsSOAPEnv {
				inBody = true
			}
			continue
		}
		if start.Name.Local == "Fault" && start.Name.Space == nsSOAPEnv {
			var f soapFault
			if err := dec.DecodeElement(&f, &start); err != nil {
				return nil, fmt.Errorf("the SOAP Fault is not well-formed (cut off?): %w", err)
			}
			return &f, nil
		}
		if start.Name.Local != respName {
			return nil, fmt.Errorf("%w <%s>, want <%s>", errUnexpectedElement, start.Name.Local, respName)
		}
		if err := dec.DecodeElement(out, &start); err != nil {
			return nil, fmt.Errorf("the response is not well-formed XML (cut off?): %w", err)
		}
		return nil, nil
	}
}

// charsetReader accepts UTF-8 (what MplusQAPI sends) and ISO-8859-1.
func charsetReader(charset string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "utf-8", "utf8", "":
		return in, nil
	case "iso-8859-1", "latin1", "latin-1":
		b, err := io.ReadAll(in)
		if err != nil {
			return nil, err
		}
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		return strings.NewReader(string(r)), nil
	}
	return nil, fmt.Errorf("unsupported charset %q", charset)
}

// faultCode strips a namespace prefix ("SOAP-ENV:Client.Authentication").
func faultCode(code string) string {
	code = strings.TrimSpace(code)
	if i := strings.LastIndexByte(code, ':'); i >= 0 {
		code = code[i+1:]
	}
	return code
}
