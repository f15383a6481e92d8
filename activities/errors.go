package activities

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// Temporal error types our activities return. Workflows and retry policies
// refer to them; operators see them in the Web UI.
const (
	ErrTypeInvalidRecord   = "InvalidRecord"   // the source record cannot be synced as it is
	ErrTypeUnknownProducts = "UnknownProducts" // SKUs missing in the target
	ErrTypeValidation      = "ValidationError" // the target rejected our data
	ErrTypeNotFound        = "NotFound"
	ErrTypeAuth            = "AuthError"
	ErrTypeConflict        = "Conflict"
	ErrTypeConfig          = "ConfigError"
	ErrTypeRateLimited     = "RateLimited"
	ErrTypeUnavailable     = "Unavailable"
	// ErrTypeLimiterBusy: this worker's own rate limiter holds more calls for
	// the system than it can send before the step's deadline; no error of
	// the system, and another worker may take the step at once.
	ErrTypeLimiterBusy = "LimiterBusy"
)

// NonRetryableErrorTypes lists the types no retry can fix; retry policies name
// them as a second safety net next to the non-retryable flag.
var NonRetryableErrorTypes = []string{
	ErrTypeInvalidRecord, ErrTypeUnknownProducts, ErrTypeValidation, ErrTypeNotFound,
	ErrTypeAuth, ErrTypeConflict, ErrTypeConfig,
}

// toTemporal maps any error from a connector or the model into the Temporal
// error that says whether to retry: bad data, missing records and bad
// credentials need a person; 429 waits as long as the system asked; outages
// and unknown errors retry with backoff.
func toTemporal(err error) error {
	if err == nil {
		return nil
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return err
	}
	var verr *model.ValidationError
	if errors.As(err, &verr) {
		return temporal.NewNonRetryableApplicationError(verr.Error(), ErrTypeInvalidRecord, nil, verr.Problems)
	}
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return temporal.NewApplicationError(err.Error(), ErrTypeUnavailable)
	}
	msg := ce.Error()
	// The outside system's full text (it may quote the customer) travels
	// only as details, which the payload codec encrypts.
	var details []any
	if ce.Detail != "" {
		details = append(details, ce.Detail)
	}
	switch ce.Kind {
	case connectors.KindValidation:
		return temporal.NewNonRetryableApplicationError(msg, ErrTypeValidation, nil, details...)
	case connectors.KindNotFound:
		return temporal.NewNonRetryableApplicationError(msg, ErrTypeNotFound, nil, details...)
	case connectors.KindAuth:
		if ce.Code == ErrTypeReconnect {
			// The consent is gone: the message already says what to run;
			// the token keeper sent the one alert.
			return temporal.NewNonRetryableApplicationError(ce.Message, ErrTypeReconnect, nil)
		}
		return temporal.NewNonRetryableApplicationError(msg+"; check the credentials in the environment", ErrTypeAuth, nil, details...)
	case connectors.KindConflict:
		return temporal.NewNonRetryableApplicationError(msg, ErrTypeConflict, nil, details...)
	case connectors.KindConfig:
		return temporal.NewNonRetryableApplicationError(msg, ErrTypeConfig, nil, details...)
	case connectors.KindRateLimited:
		if ce.Code == connectors.CodeLimiterQueue {
			// Benign: the SDK logs the attempt at debug level and counts no
			// failure; a busy limiter is the worker pacing, not a fault.
			return temporal.NewApplicationErrorWithOptions(msg, ErrTypeLimiterBusy,
				temporal.ApplicationErrorOptions{NextRetryDelay: ce.RetryAfter, Category: temporal.ApplicationErrorCategoryBenign})
		}
		return temporal.NewApplicationErrorWithOptions(msg, ErrTypeRateLimited,
			temporal.ApplicationErrorOptions{NextRetryDelay: ce.RetryAfter, Details: details})
	default:
		return temporal.NewApplicationError(msg, ErrTypeUnavailable, details...)
	}
}

func configError(err error) error {
	return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeConfig, nil)
}

func invalidRecord(format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), ErrTypeInvalidRecord, nil)
}

// invalidRecordWithDetail is invalidRecord whose message is scrubbed of
// personal data and whose full text travels as the error's details, which
// the payload codec encrypts: logs and alerts get the message only.
func invalidRecordWithDetail(detail, format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), ErrTypeInvalidRecord, nil, detail)
}
