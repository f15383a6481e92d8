package ecwid

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/httpkit"
)

// Error codes of the API's error body (§3.7) that change what an answer
// means beyond its status.
const (
	CodeWrongParameter        = "WRONG_PARAMETER"
	CodeInvalidToken          = "INVALID_API_TOKEN"
	CodeInsufficientScope     = "INSUFFICIENT_APP_SCOPE"
	CodeNotOnPlan             = "NOT_AVAILABLE_ON_CURRENT_PLAN"
	CodeStoreSuspended        = "STORE_IS_SUSPENDED"
	CodeStoreNotFound         = "STORE_NOT_FOUND"
	CodeRateLimited           = "RATE_LIMITED"
	CodeExternalIDAlreadyUsed = "EXTERNAL_ID_ALREADY_USED"
)

// ErrorBody is the API's error answer: {"errorMessage", "errorCode"}. The
// reason phrase often repeats the message.
type ErrorBody struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorCode    string `json:"errorCode"`
}

// readError reads a failed answer: the kind ("" leaves it to the status),
// the code and a text that says what to fix.
func readError(r *httpkit.Response) (connectors.ErrorKind, string, string) {
	var b ErrorBody
	_ = json.Unmarshal(r.Body, &b) // an answer that is no JSON keeps the status's kind and text
	code, text := strings.TrimSpace(b.ErrorCode), strings.TrimSpace(b.ErrorMessage)
	join := func(hint string) string {
		if text == "" {
			return hint
		}
		return strings.TrimSuffix(text, ".") + "; " + hint
	}
	switch {
	case r.Status == http.StatusPaymentRequired && code == CodeStoreSuspended:
		return connectors.KindAuth, code, join("the store is suspended: the API answers again once the store owner has renewed the store's plan")
	case r.Status == http.StatusPaymentRequired:
		return connectors.KindAuth, code, join("the store's Ecwid plan has no API access (a paid plan is required): the store owner upgrades the plan in the Ecwid control panel")
	case code == CodeInsufficientScope:
		// withScopeHint names the scope the op needs; the answer here
		// does not tell the op.
		return connectors.KindAuth, code, text
	case r.Status == http.StatusForbidden || r.Status == http.StatusUnauthorized:
		return connectors.KindAuth, code, join("check credentials.token (the secret_ token of the store's custom app) and credentials.storeId")
	case code == CodeStoreNotFound:
		return connectors.KindConfig, code, join("check credentials.storeId")
	case r.Status == http.StatusTooManyRequests || code == CodeRateLimited:
		return connectors.KindRateLimited, code, join("over the limit of 600 requests a minute per token (rateLimit.totalPerMinute shares it)")
	}
	return "", code, text
}

// scopes tells, per op, the scope a call needs (§3.1).
var scopes = map[string]string{
	OpGetProfile:  ScopeReadProfile,
	OpListOrders:  ScopeReadOrders,
	OpGetOrder:    ScopeReadOrders,
	OpCreateOrder: ScopeCreateOrders,
	OpUpdateOrder: ScopeUpdateOrders,

	OpListProducts: ScopeReadCatalog, OpGetProduct: ScopeReadCatalog, OpListCombinations: ScopeReadCatalog,
	OpGetCombination: ScopeReadCatalog, OpListCategories: ScopeReadCatalog,
	OpCreateProduct: ScopeCreateCatalog, OpCreateCombination: ScopeCreateCatalog, OpCreateCategory: ScopeCreateCatalog,
	OpUpdateProduct: ScopeUpdateCatalog, OpUpdateCombination: ScopeUpdateCatalog,

	OpListCustomers: ScopeReadCustomers, OpGetCustomer: ScopeReadCustomers,
	OpCreateCustomer: ScopeCreateCustomers, OpUpdateCustomer: ScopeUpdateCustomers,
}

// ScopeFor is the scope an op needs, "" for an op the client does not make.
func ScopeFor(op string) string { return scopes[op] }

// withScopeHint turns a 403 INSUFFICIENT_APP_SCOPE of op into a message
// naming the scope op needs and where to grant it.
func withScopeHint(err error, op string) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Code != CodeInsufficientScope {
		return err
	}
	scope := ScopeFor(op)
	if scope == "" {
		scope = "the scope this call needs"
	}
	return addHint(err, fmt.Sprintf("the app's token lacks the %s scope that %s needs: add it to the access scopes of the store's custom app in the Ecwid control panel and use the token the app then shows", scope, op))
}

// addHint appends a hint to a connector error's message (a copy).
func addHint(err error, hint string) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return err
	}
	e := *ce
	if e.Message != "" {
		e.Message = strings.TrimSuffix(e.Message, ".") + "; " + hint
	} else {
		e.Message = hint
	}
	return &e
}

func misconfigured(op, format string, args ...any) error {
	return &connectors.Error{Kind: connectors.KindConfig, System: System, Op: op, Message: fmt.Sprintf(format, args...)}
}

func invalid(op, format string, args ...any) error {
	return &connectors.Error{Kind: connectors.KindValidation, System: System, Op: op, Message: fmt.Sprintf(format, args...)}
}

func notFound(op, format string, args ...any) error {
	return &connectors.Error{Kind: connectors.KindNotFound, System: System, Op: op, Message: fmt.Sprintf(format, args...)}
}

func conflict(op, format string, args ...any) error {
	return &connectors.Error{Kind: connectors.KindConflict, System: System, Op: op, Message: fmt.Sprintf(format, args...)}
}

func unavailable(op string, status int, format string, args ...any) error {
	return &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: op, Status: status, Message: fmt.Sprintf(format, args...)}
}
