package workflows

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
)

var keeperRef = activities.TokenKeeperRef{Integration: "shop", Side: activities.SideTarget, System: "eaccounting", ClientID: "app"}

func newKeeperEnv(t *testing.T) *testsuite.TestWorkflowEnvironment {
	var ts testsuite.WorkflowTestSuite
	ts.SetLogger(quietLogger)
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterActivity(a)
	env.RegisterWorkflow(NotifyFailureWorkflow)
	env.SetStartTime(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	t.Cleanup(func() { env.AssertExpectations(t) })
	return env
}

// pair is the n-th token pair the fake token endpoint hands out.
func pair(n int, issued time.Time) activities.TokenSet {
	return activities.TokenSet{AccessToken: fmt.Sprintf("at-%d", n), RefreshToken: fmt.Sprintf("rt-%d", n),
		Expiry: issued.Add(time.Hour), Lifetime: time.Hour, Scope: "ea:api offline_access ea:sales"}
}

// result is what an update answered.
type result struct {
	token  activities.AccessToken
	status activities.TokenStatus
	err    error
	// rejected: the validator turned it away before it was accepted.
	rejected bool
}

func decodeInto(v any, into any) error {
	if ev, ok := v.(converter.EncodedValue); ok {
		return ev.Get(into)
	}
	switch p := into.(type) {
	case *activities.AccessToken:
		*p = v.(activities.AccessToken)
	case *activities.TokenStatus:
		*p = v.(activities.TokenStatus)
	case *activities.EnsureCustomerResult:
		*p = v.(activities.EnsureCustomerResult)
	}
	return nil
}

func getToken(env *testsuite.TestWorkflowEnvironment, rejected string, out *result) {
	env.UpdateWorkflow(activities.UpdateGetAccessToken, "", &testsuite.TestUpdateCallback{
		OnReject: func(err error) { out.err, out.rejected = err, true },
		OnComplete: func(v any, err error) {
			out.err = err
			if err == nil {
				out.err = decodeInto(v, &out.token)
			}
		},
	}, activities.AccessTokenRequest{Rejected: rejected})
}

func connect(env *testsuite.TestWorkflowEnvironment, tokens activities.TokenSet, out *result) {
	env.UpdateWorkflow(activities.UpdateConnect, "", &testsuite.TestUpdateCallback{
		OnReject: func(err error) { out.err, out.rejected = err, true },
		OnComplete: func(v any, err error) {
			out.err = err
			if err == nil {
				out.err = decodeInto(v, &out.status)
			}
		},
	}, activities.ConnectInput{Tokens: tokens})
}

func status(t *testing.T, env *testsuite.TestWorkflowEnvironment) activities.TokenStatus {
	v, err := env.QueryWorkflow(activities.QueryTokenStatus)
	require.NoError(t, err)
	var st activities.TokenStatus
	require.NoError(t, v.Get(&st))
	return st
}

// Five callers ask at once while the access token is inside its margin:
// one refresh, and all five get its token.
func TestTokenKeeperRefreshesOnceForConcurrentRequests(t *testing.T) {
	env := newKeeperEnv(t)
	start := env.Now()
	old := pair(0, start.Add(-57*time.Minute)) // 3 minutes left: inside the 5-minute margin
	var refreshes atomic.Int32
	env.OnActivity(a.RefreshToken, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RefreshTokenInput) (activities.TokenSet, error) {
			refreshes.Add(1)
			assert.Equal(t, "rt-0", in.RefreshToken)
			assert.Equal(t, keeperRef, in.Ref)
			return pair(1, start), nil
		}).After(2 * time.Second)

	results := make([]result, 5)
	env.RegisterDelayedCallback(func() {
		for i := range results {
			getToken(env, "", &results[i])
		}
	}, time.Second)
	var later result
	env.RegisterDelayedCallback(func() { getToken(env, "", &later) }, time.Minute)
	env.RegisterDelayedCallback(func() {
		st := status(t, env)
		assert.Equal(t, activities.TokenStateConnected, st.State)
		assert.Equal(t, 1, st.Refreshes)
		env.CancelWorkflow()
	}, 2*time.Minute)
	env.ExecuteWorkflow(TokenKeeperWorkflow, activities.TokenKeeperInput{Ref: keeperRef,
		State: &activities.TokenKeeperState{Tokens: &old, ConnectedAt: start}})

	assert.Equal(t, int32(1), refreshes.Load(), "exactly one refresh")
	for i, r := range results {
		require.NoError(t, r.err, i)
		assert.Equal(t, "at-1", r.token.AccessToken, i)
	}
	require.NoError(t, later.err)
	assert.Equal(t, "at-1", later.token.AccessToken, "the new token is kept and reused")
}

// A token the API refused is refreshed even inside its lifetime; a caller
// naming an older token gets the current one without a refresh.
func TestTokenKeeperRenewsARefusedToken(t *testing.T) {
	env := newKeeperEnv(t)
	start := env.Now()
	cur := pair(0, start)
	var refreshes atomic.Int32
	env.OnActivity(a.RefreshToken, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RefreshTokenInput) (activities.TokenSet, error) {
			n := int(refreshes.Add(1))
			assert.Equal(t, fmt.Sprintf("rt-%d", n-1), in.RefreshToken, "each refresh spends the newest refresh token")
			return pair(n, start), nil
		})
	var fresh, refused, stale result
	env.RegisterDelayedCallback(func() { getToken(env, "", &fresh) }, time.Second)
	env.RegisterDelayedCallback(func() { getToken(env, activities.Fingerprint("at-0"), &refused) }, 2*time.Second)
	env.RegisterDelayedCallback(func() { getToken(env, activities.Fingerprint("at-0"), &stale) }, 3*time.Second)
	env.RegisterDelayedCallback(env.CancelWorkflow, time.Minute)
	env.ExecuteWorkflow(TokenKeeperWorkflow, activities.TokenKeeperInput{Ref: keeperRef,
		State: &activities.TokenKeeperState{Tokens: &cur, ConnectedAt: start}})

	require.NoError(t, fresh.err)
	assert.Equal(t, "at-0", fresh.token.AccessToken, "a fresh token is handed out as it is")
	require.NoError(t, refused.err)
	assert.Equal(t, "at-1", refused.token.AccessToken)
	require.NoError(t, stale.err)
	assert.Equal(t, "at-1", stale.token.AccessToken, "at-0 was renewed already")
	assert.Equal(t, int32(1), refreshes.Load())
}

// invalid_grant: the keeper refuses everything with the reconnect message,
// alerts once, and a connect brings it back — in a new run that carries
// the state.
func TestTokenKeeperNeedsReconnectAfterInvalidGrant(t *testing.T) {
	env := newKeeperEnv(t)
	start := env.Now()
	expired := pair(0, start.Add(-2*time.Hour))
	env.OnActivity(a.RefreshToken, mock.Anything, mock.Anything).Return(activities.TokenSet{},
		activities.ReconnectError(keeperRef, "the token endpoint refused the refresh token: invalid_grant")).Once()
	var notice activities.FailureNotice
	env.OnWorkflow(NotifyFailureWorkflow, mock.Anything, mock.Anything).Return(
		func(_ workflow.Context, n activities.FailureNotice) (map[string]string, error) {
			notice = n
			return map[string]string{"webhook": "sent"}, nil
		}).Once()

	var first, second, third, connected result
	env.RegisterDelayedCallback(func() { getToken(env, "", &first) }, time.Second)
	env.RegisterDelayedCallback(func() { getToken(env, "", &second) }, 2*time.Second)
	env.RegisterDelayedCallback(func() { getToken(env, "", &third) }, 3*time.Second)
	env.RegisterDelayedCallback(func() {
		st := status(t, env)
		assert.Equal(t, activities.TokenStateReconnect, st.State)
		assert.Contains(t, st.Reason, "reconnect: run starter connect --integration shop")
		connect(env, pair(7, env.Now()), &connected)
	}, time.Minute)
	env.ExecuteWorkflow(TokenKeeperWorkflow, activities.TokenKeeperInput{Ref: keeperRef,
		State: &activities.TokenKeeperState{Tokens: &expired, ConnectedAt: start.Add(-48 * time.Hour)}})

	for _, r := range []result{first, second, third} {
		require.Error(t, r.err)
		assert.True(t, activities.IsReconnect(r.err), "%v", r.err)
		assert.Contains(t, r.err.Error(), "reconnect: run starter connect --integration shop")
		var appErr *temporal.ApplicationError
		require.ErrorAs(t, r.err, &appErr)
		assert.True(t, appErr.NonRetryable())
	}
	assert.False(t, first.rejected, "the first request ran the refresh")
	assert.True(t, second.rejected, "later ones are turned away before they reach history")
	assert.Equal(t, "shop", notice.Integration)
	assert.Equal(t, activities.FlowTokens, notice.Flow)
	assert.True(t, notice.Actionable)
	assert.Contains(t, notice.Reason, "starter connect --integration shop")

	require.NoError(t, connected.err)
	assert.Equal(t, activities.TokenStateConnected, connected.status.State)
	assert.Empty(t, connected.status.Reason)

	// After the connect the keeper continued as new (a later alert needs a
	// run id of its own), with the new pair and the reconnect state cleared.
	var can *workflow.ContinueAsNewError
	require.ErrorAs(t, env.GetWorkflowError(), &can)
	var next activities.TokenKeeperInput
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	require.NotNil(t, next.State)
	require.NotNil(t, next.State.Tokens)
	assert.Equal(t, "rt-7", next.State.Tokens.RefreshToken)
	assert.Empty(t, next.State.Reconnect)
	assert.False(t, next.State.Alerted)
	assert.Equal(t, keeperRef, next.Ref)
}

// A keeper that was never connected says what to run, and takes a connect.
func TestTokenKeeperNotConnectedUntilConnect(t *testing.T) {
	env := newKeeperEnv(t)
	var before, bad, connected, after result
	env.RegisterDelayedCallback(func() { getToken(env, "", &before) }, time.Second)
	env.RegisterDelayedCallback(func() { connect(env, activities.TokenSet{AccessToken: "only-access"}, &bad) }, 2*time.Second)
	env.RegisterDelayedCallback(func() { connect(env, pair(1, env.Now()), &connected) }, 3*time.Second)
	env.RegisterDelayedCallback(func() { getToken(env, "", &after) }, 4*time.Second)
	env.RegisterDelayedCallback(env.CancelWorkflow, time.Minute)
	env.ExecuteWorkflow(TokenKeeperWorkflow, activities.TokenKeeperInput{Ref: keeperRef})

	require.Error(t, before.err)
	assert.True(t, before.rejected)
	assert.Contains(t, before.err.Error(), "reconnect: run starter connect --integration shop (no consent has been given yet)")
	assert.True(t, bad.rejected, "a connect without a refresh token is refused")
	require.NoError(t, connected.err)
	require.NoError(t, after.err)
	assert.Equal(t, "at-1", after.token.AccessToken)
}

// A refresh that fails for now (the token endpoint down) keeps the tokens:
// the next request tries again with the same refresh token.
func TestTokenKeeperKeepsTokensThroughAFailedRefresh(t *testing.T) {
	env := newKeeperEnv(t)
	start := env.Now()
	expired := pair(0, start.Add(-2*time.Hour))
	var spent []string
	down := true
	env.OnActivity(a.RefreshToken, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RefreshTokenInput) (activities.TokenSet, error) {
			spent = append(spent, in.RefreshToken)
			if down {
				return activities.TokenSet{}, temporal.NewApplicationError("the token endpoint failed (HTTP 503)", activities.ErrTypeUnavailable)
			}
			return pair(1, env.Now()), nil
		})
	var failed, ok result
	env.RegisterDelayedCallback(func() { getToken(env, "", &failed) }, time.Second)
	env.RegisterDelayedCallback(func() { down = false; getToken(env, "", &ok) }, time.Hour)
	env.RegisterDelayedCallback(env.CancelWorkflow, 2*time.Hour)
	env.ExecuteWorkflow(TokenKeeperWorkflow, activities.TokenKeeperInput{Ref: keeperRef,
		State: &activities.TokenKeeperState{Tokens: &expired, ConnectedAt: start}})

	require.Error(t, failed.err)
	assert.False(t, activities.IsReconnect(failed.err))
	require.NoError(t, ok.err)
	assert.Equal(t, "at-1", ok.token.AccessToken)
	require.NotEmpty(t, spent)
	for _, rt := range spent {
		assert.Equal(t, "rt-0", rt, "only the unspent token is ever sent")
	}
}

// An idle keeper refreshes once a day, so the consent does not lapse
// while the flows are paused.
func TestTokenKeeperKeepsAnIdleConsentAlive(t *testing.T) {
	env := newKeeperEnv(t)
	start := env.Now()
	cur := pair(0, start)
	var refreshes atomic.Int32
	env.OnActivity(a.RefreshToken, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RefreshTokenInput) (activities.TokenSet, error) {
			n := int(refreshes.Add(1))
			return pair(n, env.Now()), nil
		})
	env.RegisterDelayedCallback(func() {
		assert.Equal(t, 2, status(t, env).Refreshes)
		env.CancelWorkflow()
	}, 49*time.Hour)
	env.ExecuteWorkflow(TokenKeeperWorkflow, activities.TokenKeeperInput{Ref: keeperRef,
		State: &activities.TokenKeeperState{Tokens: &cur, ConnectedAt: start}})
	assert.Equal(t, int32(2), refreshes.Load())
	assert.True(t, errors.Is(env.GetWorkflowError(), workflow.ErrCanceled) || temporal.IsCanceledError(env.GetWorkflowError()))
}

// Past its request bound the keeper continues as new — only once the
// request in flight (here one waiting on a refresh) has its answer — and
// the new run starts from the refreshed state.
func TestTokenKeeperContinuesAsNewWhenIdle(t *testing.T) {
	env := newKeeperEnv(t)
	start := env.Now()
	cur := pair(0, start.Add(-55*time.Minute+1500*time.Millisecond)) // fresh until start+1.5s
	env.OnActivity(a.RefreshToken, mock.Anything, mock.Anything).Return(pair(1, start), nil).Once().After(5 * time.Second)
	early := make([]result, tokenKeeperMaxRequests-1)
	env.RegisterDelayedCallback(func() {
		for i := range early {
			getToken(env, "", &early[i])
		}
	}, time.Second)
	var last result
	env.RegisterDelayedCallback(func() { getToken(env, "", &last) }, 2*time.Second)
	env.ExecuteWorkflow(TokenKeeperWorkflow, activities.TokenKeeperInput{Ref: keeperRef,
		State: &activities.TokenKeeperState{Tokens: &cur, ConnectedAt: start}})

	for i, r := range early {
		require.NoError(t, r.err, i)
		require.Equal(t, "at-0", r.token.AccessToken, i)
	}
	require.NoError(t, last.err, "the request in flight was answered before the new run")
	assert.Equal(t, "at-1", last.token.AccessToken)
	var can *workflow.ContinueAsNewError
	require.ErrorAs(t, env.GetWorkflowError(), &can)
	var next activities.TokenKeeperInput
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	require.NotNil(t, next.State.Tokens)
	assert.Equal(t, "rt-1", next.State.Tokens.RefreshToken)
	assert.Equal(t, 1, next.State.Refreshes)
}
