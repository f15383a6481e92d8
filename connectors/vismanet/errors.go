package vismanet

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/httpkit"
)

// Fault codes of the IPPException body (§3.8) that mean the token has no
// company, or the company no licence for the application: nothing a retry
// mends.
const (
	FaultNoCompany = "12002"
	FaultNoLicence = "12027"
)

// ErrorBody is an error answer. The API sends two shapes (§3.8): the
// IPPException one and ASP.NET's {"message"} (or {"Message"}), the latter
// sometimes with a ModelState naming the fields a validation refused.
type ErrorBody struct {
	ExceptionType      string `json:"ExceptionType"`
	ExceptionMessage   string `json:"ExceptionMessage"`
	ExceptionFaultCode string `json:"ExceptionFaultCode"`
	ExceptionMessageID string `json:"ExceptionMessageID"`
	ExceptionDetails   string `json:"ExceptionDetails"`
	// Message is message or Message (encoding/json matches either case).
	Message    string              `json:"message"`
	ModelState map[string][]string `json:"modelState"`
}

// readError reads a failed answer: the kind ("" leaves it to the status),
// the fault code and a text naming what to fix.
func readError(r *httpkit.Response) (connectors.ErrorKind, string, string) {
	var b ErrorBody
	_ = json.Unmarshal(r.Body, &b) // an answer that is no JSON keeps the status's kind and text
	text := strings.TrimSpace(b.ExceptionMessage)
	if text == "" {
		text = strings.TrimSpace(b.Message)
	}
	if fields := modelState(b.ModelState); fields != "" {
		text = strings.TrimSuffix(text, ".") + " (" + fields + ")"
	}
	code := strings.TrimSpace(b.ExceptionFaultCode)
	kind := connectors.ErrorKind("")
	lower := strings.ToLower(text)
	switch {
	case code == FaultNoLicence:
		kind = connectors.KindAuth
		text += "; the company has no Visma.net ERP licence for this application or the token is for another company: check credentials.tenantId and that the company approved the application in the Visma App Store"
	case code == FaultNoCompany:
		kind = connectors.KindConfig
		text += "; the token names no company Visma.net can use: check credentials.tenantId and that the integration user has the API user role in that company"
	case strings.Contains(lower, "companyincontext"):
		// research §3.8: such messages come with a 400 or 500, yet a retry cannot help
		kind = connectors.KindAuth
		text += "; the token has no company in context: check credentials.tenantId"
	case r.Status == http.StatusPreconditionFailed:
		kind = connectors.KindConflict
		if text == "" {
			text = "the record changed since it was read (ETag mismatch)"
		}
	case r.Status == http.StatusBadRequest && (strings.Contains(lower, "already exist") || strings.Contains(lower, "duplicate")):
		// a business key taken (§3.9 [L])
		kind = connectors.KindConflict
	case r.Status == http.StatusForbidden:
		text = strings.TrimSuffix(text, ".")
		if text != "" {
			text += "; "
		}
		text += "the application or the integration user lacks a right: check the scopes (options.scopes) and the user's roles"
	}
	if id := strings.TrimSpace(b.ExceptionMessageID); id != "" && !strings.Contains(text, id) {
		text += " [" + id + "]"
	}
	return kind, code, text
}

// modelState renders ASP.NET's field errors: "field: message; …".
func modelState(ms map[string][]string) string {
	if len(ms) == 0 {
		return ""
	}
	fields := make([]string, 0, len(ms))
	for f := range ms {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	parts := make([]string, 0, len(fields))
	for _, f := range fields {
		name := strings.TrimPrefix(f, "dto.")
		if msgs := strings.Join(ms[f], " "); msgs != "" {
			parts = append(parts, name+": "+msgs)
		} else {
			parts = append(parts, name)
		}
	}
	return strings.Join(parts, "; ")
}

func misconfigured(op, format string, args ...any) error {
	return &connectors.Error{Kind: connectors.KindConfig, System: System, Op: op, Message: fmt.Sprintf(format, args...)}
}

func invalid(op, format string, args ...any) error {
	return &connectors.Error{Kind: connectors.KindValidation, System: System, Op: op, Message: fmt.Sprintf(format, args...)}
}

func unavailable(op string, status int, format string, args ...any) error {
	return &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: op, Status: status, Message: fmt.Sprintf(format, args...)}
}
