package workflows

import (
	"errors"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
)

// tokenKeeperMaxRequests bounds one run's history; past it the keeper
// continues as new once no request is being handled.
const tokenKeeperMaxRequests = 500

// tokenKeepAlive: an idle keeper refreshes at least this often, so a refresh
// token with a sliding lifetime (Visma's is not published) never runs out
// while the flows are paused.
const tokenKeepAlive = 24 * time.Hour

// TokenRefreshBudget bounds all attempts of one refresh (the token endpoint
// down); the callers waiting on it retry their own calls after it.
const TokenRefreshBudget = 10 * time.Minute

// TokenKeeperWorkflow holds one credential's tokens — a system whose
// refresh token works once (Visma eAccounting) — and is the only place they
// are refreshed. Its id is activities.TokenKeeperRef.WorkflowID, a keyed
// hash. Its state (refresh token, access token, expiry) lives in its
// history and is carried over continue-as-new; like every payload it is
// sealed by the worker's codec (KOPPEL_ENCRYPTION_KEYS).
//
//   - getAccessToken (update, from activities with update-with-start):
//     the current access token while it is valid for more than its margin
//     and not the one the caller says was refused; else one RefreshToken
//     activity, under a workflow mutex, so concurrent callers at expiry
//     cause exactly one refresh and then all get its token. The new pair
//     is the activity's result, recorded in history before any caller sees
//     it: a crash after the refresh replays to the same pair.
//   - invalid_grant on a refresh (consent revoked or expired, or the
//     refresh token used twice) puts the keeper in "reconnect needed":
//     every request is refused at once, non-retryably, with "reconnect: run
//     starter connect --integration NAME", and one alert goes out.
//   - connect (update, from starter connect) stores a new consent's pair
//     and leaves that state.
//   - tokenStatus (query) tells the state without any secret.
func TokenKeeperWorkflow(ctx workflow.Context, in activities.TokenKeeperInput) error {
	k := &tokenKeeper{ref: in.Ref, lock: workflow.NewMutex(ctx)}
	if in.State != nil {
		k.st = *in.State
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, activities.UpdateGetAccessToken, k.getAccessToken,
		workflow.UpdateHandlerOptions{Validator: k.validateGet}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, activities.UpdateConnect, k.connect,
		workflow.UpdateHandlerOptions{Validator: validateConnect}); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, activities.QueryTokenStatus, func() (activities.TokenStatus, error) {
		return k.st.Status(k.ref), nil
	}); err != nil {
		return err
	}
	for {
		seen := k.requests
		// Wake on a request, or once nothing is being handled when a new
		// run is due: continuing as new then loses no request.
		wake := func() bool {
			return k.requests != seen || (k.newRunDue(ctx) && workflow.AllHandlersFinished(ctx))
		}
		if wait, ok := k.untilKeepAlive(ctx); ok {
			woke, err := workflow.AwaitWithTimeout(ctx, wait, wake)
			if err != nil {
				return err
			}
			if !woke && workflow.AllHandlersFinished(ctx) {
				k.keepAlive(ctx)
			}
		} else if err := workflow.Await(ctx, wake); err != nil {
			return err
		}
		if k.newRunDue(ctx) && workflow.AllHandlersFinished(ctx) {
			st := k.st
			return workflow.NewContinueAsNewError(ctx, TokenKeeperWorkflow, activities.TokenKeeperInput{Ref: k.ref, State: &st})
		}
	}
}

// newRunDue: the history should start over (it is long, or a connect
// followed an alert of this run).
func (k *tokenKeeper) newRunDue(ctx workflow.Context) bool {
	return k.newRun || k.requests >= tokenKeeperMaxRequests || workflow.GetInfo(ctx).GetContinueAsNewSuggested()
}

type tokenKeeper struct {
	ref  activities.TokenKeeperRef
	st   activities.TokenKeeperState
	lock workflow.Mutex
	// requests counts the updates this run took; the loop wakes on each.
	requests int
	// keepAliveTried is when the last keep-alive refresh was tried, so a
	// failing one waits a day too.
	keepAliveTried time.Time
	// alertedThisRun: this run sent a reconnect alert; after the next
	// connect the keeper continues as new, so a later alert gets an id of
	// its own (alert ids are made from the run id).
	alertedThisRun, newRun bool
}

// usable refuses a request when the keeper has no working consent.
func (k *tokenKeeper) usable() error {
	switch {
	case k.st.Reconnect != "":
		return temporal.NewNonRetryableApplicationError(k.st.Reconnect, activities.ErrTypeReconnect, nil)
	case k.st.Tokens == nil:
		return activities.ReconnectError(k.ref, "no consent has been given yet")
	}
	return nil
}

// validateGet turns requests away before they are written to history while
// a new consent is needed: a flow that keeps asking does not grow it.
func (k *tokenKeeper) validateGet(activities.AccessTokenRequest) error { return k.usable() }

func validateConnect(in activities.ConnectInput) error {
	if in.Tokens.AccessToken == "" || in.Tokens.RefreshToken == "" {
		return temporal.NewNonRetryableApplicationError("connect needs an access token and a refresh token", activities.ErrTypeConfig, nil)
	}
	return nil
}

func (k *tokenKeeper) getAccessToken(ctx workflow.Context, req activities.AccessTokenRequest) (activities.AccessToken, error) {
	k.requests++
	if err := k.lock.Lock(ctx); err != nil {
		return activities.AccessToken{}, err
	}
	defer k.lock.Unlock()
	// The state may have changed while this request waited for the lock:
	// another request refreshed, or the consent turned out to be gone.
	if err := k.usable(); err != nil {
		return activities.AccessToken{}, err
	}
	cur := k.st.Tokens
	refused := req.Rejected != "" && req.Rejected == activities.Fingerprint(cur.AccessToken)
	if cur.FreshAt(workflow.Now(ctx)) && !refused {
		return cur.Access(), nil
	}
	if err := k.refresh(ctx); err != nil {
		return activities.AccessToken{}, err
	}
	return k.st.Tokens.Access(), nil
}

// refresh spends the current refresh token for a new pair; the caller holds
// the lock. A failure that is not invalid_grant leaves the state as it was.
func (k *tokenKeeper) refresh(ctx workflow.Context) error {
	var got activities.TokenSet
	err := workflow.ExecuteActivity(withTokenRefresh(ctx), a.RefreshToken,
		activities.RefreshTokenInput{Ref: k.ref, RefreshToken: k.st.Tokens.RefreshToken}).Get(ctx, &got)
	if activities.IsReconnect(err) {
		k.needReconnect(ctx, err)
		return k.usable()
	}
	if err != nil {
		return err
	}
	k.st.Tokens = &got
	k.st.Refreshes++
	k.st.LastRefresh = workflow.Now(ctx)
	return nil
}

// needReconnect drops the dead tokens, refuses every request from now on
// and sends one alert until the next connect.
func (k *tokenKeeper) needReconnect(ctx workflow.Context, cause error) {
	var appErr *temporal.ApplicationError
	msg := k.ref.ReconnectMessage("the consent is no longer valid")
	if errors.As(cause, &appErr) && appErr.Message() != "" {
		msg = appErr.Message()
	}
	if k.st.Reconnect == "" {
		k.st.ReconnectAt = workflow.Now(ctx)
	}
	k.st.Tokens, k.st.Reconnect = nil, msg
	if k.st.Alerted {
		return
	}
	k.st.Alerted, k.alertedThisRun = true, true
	info := workflow.GetInfo(ctx)
	startNotice(ctx, activities.FailureNotice{Integration: k.ref.Integration, Flow: activities.FlowTokens,
		Record: "the " + k.ref.System + " connection (" + k.ref.Side + ")", Reason: msg, Actionable: true,
		WorkflowID: info.WorkflowExecution.ID, RunID: info.WorkflowExecution.RunID})
}

func (k *tokenKeeper) connect(ctx workflow.Context, in activities.ConnectInput) (activities.TokenStatus, error) {
	k.requests++
	if err := k.lock.Lock(ctx); err != nil {
		return activities.TokenStatus{}, err
	}
	defer k.lock.Unlock()
	tokens := in.Tokens
	k.st.Tokens, k.st.Reconnect, k.st.Alerted, k.st.ReconnectAt = &tokens, "", false, time.Time{}
	k.st.ConnectedAt = workflow.Now(ctx)
	k.newRun = k.newRun || k.alertedThisRun
	return k.st.Status(k.ref), nil
}

// untilKeepAlive is how long the keeper may stay idle before it refreshes
// to keep the consent alive; false when it holds nothing to keep.
func (k *tokenKeeper) untilKeepAlive(ctx workflow.Context) (time.Duration, bool) {
	if k.st.Tokens == nil || k.st.Reconnect != "" {
		return 0, false
	}
	last := k.st.ConnectedAt
	for _, t := range []time.Time{k.st.LastRefresh, k.keepAliveTried} {
		if t.After(last) {
			last = t
		}
	}
	return max(last.Add(tokenKeepAlive).Sub(workflow.Now(ctx)), time.Second), true
}

// keepAlive refreshes an idle keeper's tokens. A failure waits for the
// next request or the next day: the consent is not lost by waiting, and
// invalid_grant has already set the reconnect state.
func (k *tokenKeeper) keepAlive(ctx workflow.Context) {
	if err := k.lock.Lock(ctx); err != nil {
		return
	}
	defer k.lock.Unlock()
	k.keepAliveTried = workflow.Now(ctx)
	if k.usable() == nil {
		_ = k.refresh(ctx)
	}
}

// withTokenRefresh runs one refresh: a single call to the token endpoint,
// retried through a short outage. ErrTypeReconnect never retries (the
// activity marks it non-retryable too).
func withTokenRefresh(ctx workflow.Context) workflow.Context {
	policy := retryPolicy(time.Minute)
	policy.NonRetryableErrorTypes = append(slices.Clone(policy.NonRetryableErrorTypes), activities.ErrTypeReconnect)
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: TokenRefreshBudget,
		RetryPolicy:            policy,
	})
}
