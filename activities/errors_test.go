package activities

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

func TestErrorMapping(t *testing.T) {
	ce := func(k connectors.ErrorKind) error {
		return &connectors.Error{Kind: k, System: "mplus", Op: "createOrder", Message: "boom", RetryAfter: 42 * time.Second}
	}
	tests := []struct {
		name      string
		err       error
		errType   string
		retryable bool
		nextDelay time.Duration
	}{
		{"target rejects data", ce(connectors.KindValidation), ErrTypeValidation, false, 0},
		{"record not found", ce(connectors.KindNotFound), ErrTypeNotFound, false, 0},
		{"bad credentials", ce(connectors.KindAuth), ErrTypeAuth, false, 0},
		{"duplicate key", ce(connectors.KindConflict), ErrTypeConflict, false, 0},
		{"bad config", ce(connectors.KindConfig), ErrTypeConfig, false, 0},
		{"429 waits as asked", ce(connectors.KindRateLimited), ErrTypeRateLimited, true, 42 * time.Second},
		{"outage retries", ce(connectors.KindUnavailable), ErrTypeUnavailable, true, 0},
		{"unknown error retries", errors.New("socket closed"), ErrTypeUnavailable, true, 0},
		{"invalid source record", &model.ValidationError{Record: "order 1", Problems: []model.FieldError{{Field: "lines", Message: "empty"}}}, ErrTypeInvalidRecord, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var appErr *temporal.ApplicationError
			require.True(t, errors.As(toTemporal(tt.err), &appErr))
			require.Equal(t, tt.errType, appErr.Type())
			require.Equal(t, !tt.retryable, appErr.NonRetryable())
			require.Equal(t, tt.nextDelay, appErr.NextRetryDelay())
			require.Contains(t, appErr.Error(), map[bool]string{true: "boom", false: ""}[errors.As(tt.err, new(*connectors.Error))])
		})
	}
	require.NoError(t, toTemporal(nil))
}

// A call this worker's limiter could not send before its deadline is its
// own pacing, not a failure of the system: a type of its own, which the
// order flow hands to another worker, benign (the SDK logs it at debug
// level and counts no failure), back when the queue has room.
func TestBusyLimiterIsBenignAndRetried(t *testing.T) {
	err := toTemporal(&connectors.Error{Kind: connectors.KindRateLimited, System: "ccvshop", Op: "get order",
		Code: connectors.CodeLimiterQueue, Message: "waiting for the rate limiter", RetryAfter: 40 * time.Second})
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	require.Equal(t, ErrTypeLimiterBusy, appErr.Type())
	require.False(t, appErr.NonRetryable())
	require.Equal(t, 40*time.Second, appErr.NextRetryDelay())
	require.Equal(t, temporal.ApplicationErrorCategoryBenign, appErr.Category())

	err = toTemporal(&connectors.Error{Kind: connectors.KindRateLimited, System: "ccvshop", Op: "get order", Status: 429, Code: "429.10"})
	require.ErrorAs(t, err, &appErr)
	require.Equal(t, ErrTypeRateLimited, appErr.Type(), "the system's 429 stays what it is")
	require.NotEqual(t, temporal.ApplicationErrorCategoryBenign, appErr.Category())
}

// A lost consent reaches the workflow as what it is — run starter connect —
// and not as "check the credentials", which would send the operator to the
// wrong place.
func TestLostConsentSaysReconnect(t *testing.T) {
	ref := TokenKeeperRef{Integration: "boekhouding", Side: SideTarget, System: "eaccounting"}
	msg := ref.ReconnectMessage("invalid_grant")
	err := toTemporal(&connectors.Error{Kind: connectors.KindAuth, System: "eaccounting", Op: "get an access token", Code: ErrTypeReconnect, Message: msg})
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr))
	require.Equal(t, ErrTypeReconnect, appErr.Type())
	require.True(t, appErr.NonRetryable())
	require.Equal(t, "reconnect: run starter connect --integration boekhouding (invalid_grant)", appErr.Message())
}
