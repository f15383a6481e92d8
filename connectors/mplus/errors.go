package mplus

import (
	"fmt"
	"strings"

	"github.com/koppel/koppel/connectors"
)

// resultError maps a business result enum that is not OK (research §2.8: most
// "not found", "already exists" and "failed" cases come back in a 200 body):
// …-ALREADY-EXISTS / …-ALREADY-TAKEN → KindConflict, …-NOT-FOUND →
// KindNotFound, anything else (…-FAILED…) → KindValidation with the server's
// errorMessage. The message is scrubbed of the secret like every other text
// that comes back from the server.
func (c *Client) resultError(op, result, message string) error {
	kind := connectors.KindValidation
	switch {
	case strings.HasSuffix(result, "-ALREADY-EXISTS") || strings.HasSuffix(result, "-ALREADY-TAKEN"):
		kind = connectors.KindConflict
	case strings.HasSuffix(result, "-NOT-FOUND"):
		kind = connectors.KindNotFound
	}
	message = strings.TrimSpace(message)
	if message == "" {
		message = "MplusKASSA answered " + result
		if result == "" {
			message = "MplusKASSA answered without a result"
		}
	}
	return &connectors.Error{Kind: kind, System: System, Op: op, Status: 200, Code: result, Message: c.scrub(message)}
}

// invalid is a problem with our own data found before any call.
func invalid(op, format string, args ...any) error {
	return &connectors.Error{Kind: connectors.KindValidation, System: System, Op: op, Message: fmt.Sprintf(format, args...)}
}

// misconfigured is a problem with the flow's settings found before any call.
func misconfigured(op, format string, args ...any) error {
	return &connectors.Error{Kind: connectors.KindConfig, System: System, Op: op, Message: fmt.Sprintf(format, args...)}
}
