package mplus

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/koppel/koppel/connectors"
)

// resultError maps a business result enum that is not OK (research §2.8: most
// "not found", "already exists" and "failed" cases come back in a 200 body):
// …-ALREADY-EXISTS / …-ALREADY-TAKEN → KindConflict, …-NOT-FOUND →
// KindNotFound, anything else (…-FAILED…) → KindValidation with the server's
// errorMessage. personal are values of the record the call was about (name,
// address) that the message may quote.
func (c *Client) resultError(op, result, message string, personal ...string) error {
	kind := connectors.KindValidation
	switch {
	case strings.HasSuffix(result, "-ALREADY-EXISTS") || strings.HasSuffix(result, "-ALREADY-TAKEN"):
		kind = connectors.KindConflict
	case strings.HasSuffix(result, "-NOT-FOUND"):
		kind = connectors.KindNotFound
	}
	if strings.TrimSpace(message) == "" {
		message = "MplusKASSA answered " + result
		if result == "" {
			message = "MplusKASSA answered without a result"
		}
	}
	return c.outsideError(kind, op, http.StatusOK, result, message, personal...)
}

// outsideError builds an error around a text MplusKASSA sent (a faultstring
// or errorMessage): Message has the secret and personal data replaced, Detail
// keeps the full text for encrypted storage.
func (c *Client) outsideError(kind connectors.ErrorKind, op string, status int, code, text string, personal ...string) error {
	e := &connectors.Error{Kind: kind, System: System, Op: op, Status: status, Code: c.scrub(code)}
	return e.WithOutsideText(c.scrub(text), personal...)
}

// invalid is a problem with our own data found before any call.
func invalid(op, format string, args ...any) error {
	return &connectors.Error{Kind: connectors.KindValidation, System: System, Op: op, Message: fmt.Sprintf(format, args...)}
}

// misconfigured is a problem with the flow's settings found before any call.
func misconfigured(op, format string, args ...any) error {
	return &connectors.Error{Kind: connectors.KindConfig, System: System, Op: op, Message: fmt.Sprintf(format, args...)}
}
