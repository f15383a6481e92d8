package connectors

import (
	"errors"
	"fmt"
	"time"
)

// ErrorKind classifies what went wrong talking to an outside system, so that
// one place (activities/errors.go) can decide retry or not.
type ErrorKind string

const (
	// KindValidation: the system rejected our data (400/422, a business "failed").
	KindValidation ErrorKind = "validation"
	// KindNotFound: the record asked for does not exist.
	KindNotFound ErrorKind = "not_found"
	// KindAuth: credentials are wrong or lack rights (401/403, auth fault).
	KindAuth ErrorKind = "auth"
	// KindConflict: the natural key is already taken (duplicate).
	KindConflict ErrorKind = "conflict"
	// KindRateLimited: 429; RetryAfter says when to come back.
	KindRateLimited ErrorKind = "rate_limited"
	// KindUnavailable: 5xx, timeouts, connection errors, dropped responses.
	KindUnavailable ErrorKind = "unavailable"
	// KindConfig: our own settings are wrong (missing base URL, bad setting).
	KindConfig ErrorKind = "config"
)

// CodeLimiterQueue is the Code of a KindRateLimited error no system sent:
// this process's own rate limiter already holds more calls for the
// credential than it can send before the call's deadline. Another worker
// of the fleet, pacing its own share of the quota, may send it at once.
const CodeLimiterQueue = "limiter-queue"

// Error is the typed error every connector returns.
type Error struct {
	Kind   ErrorKind
	System string // ccvshop, mplus, …
	Op     string // what we tried: "list orders", "createOrder"
	// Status is the HTTP status, 0 when none was received.
	Status int
	// Code is the system's own error code ("429.10", "Client.Authentication",
	// "CREATE-ORDER-RESULT-FAILED").
	Code string
	// Message is the system's readable message, never a secret, with
	// personal data replaced (ScrubPersonal): it goes to logs and to the
	// unencrypted parts of Temporal.
	Message string
	// Detail is the outside system's full text, personal data included, when
	// Message had some replaced: only for encrypted storage, never for logs.
	// Error() never prints it.
	Detail     string
	RetryAfter time.Duration
	Err        error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s %s: %s", e.System, e.Op, e.Kind)
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d", e.Status)
		if e.Code != "" {
			s += " " + e.Code
		}
		s += ")"
	} else if e.Code != "" {
		s += " (" + e.Code + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil && e.Message == "" {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// GoString keeps Detail out of %#v, which would otherwise print every field.
func (e *Error) GoString() string { return fmt.Sprintf("&connectors.Error{%q}", e.Error()) }

// KindOf returns the kind of a connector error, or "" for any other error.
func KindOf(err error) ErrorKind {
	var ce *Error
	if errors.As(err, &ce) {
		return ce.Kind
	}
	return ""
}

// IsKind reports whether err is a connector error of kind k.
func IsKind(err error, k ErrorKind) bool { return KindOf(err) == k }

// KindForStatus maps an HTTP status to an error kind, for REST connectors.
func KindForStatus(status int) ErrorKind {
	switch {
	case status == 401 || status == 403:
		return KindAuth
	case status == 404:
		return KindNotFound
	case status == 409:
		return KindConflict
	case status == 429:
		return KindRateLimited
	case status >= 500 || status == 408:
		return KindUnavailable
	case status >= 300 && status < 400:
		// a redirect the client did not follow: the base URL is not the API's
		return KindConfig
	default:
		return KindValidation
	}
}
