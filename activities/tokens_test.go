package activities_test

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/connectors/eaccounting/sim"
	"github.com/koppel/koppel/workflows"
)

// These tests run the token keeper on a real Temporal dev server (the CLI
// built from tools.mod, bin/temporal) against the eAccounting simulator:
// update-with-start from activities, a worker that dies after a refresh,
// and a revoked consent.

const (
	eaClientID, eaSecret = "keeper-test-app", "keeper-test-secret-77d1"
	envClientID          = "E2E_EA_CLIENT_ID"
	envSecret            = "E2E_EA_CLIENT_SECRET"
)

var quietSDK = log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))

func temporalCLI(t *testing.T) string {
	if testing.Short() {
		t.Skip("needs the Temporal dev server")
	}
	if p := os.Getenv("KOPPEL_TEMPORAL_CLI"); p != "" {
		return p
	}
	p, _ := filepath.Abs("../bin/temporal")
	if _, err := os.Stat(p); err != nil {
		t.Skip("the Temporal CLI is not built; run make bin/temporal to run the token keeper tests")
	}
	return p
}

// keeperStack is a dev server, the simulator and Activities for one
// integration ("shop") whose target is eAccounting.
type keeperStack struct {
	t     *testing.T
	c     client.Client
	sim   *sim.Sim
	api   string // the API base URL
	acts  *activities.Activities
	ref   activities.TokenKeeperRef
	queue string
	oauth *eaccounting.OAuth
}

func newKeeperStack(t *testing.T, o sim.Options) *keeperStack {
	cli := temporalCLI(t)
	sa := make([]temporal.SearchAttributeUpdate, 0, len(workflows.Keywords))
	for _, k := range workflows.Keywords {
		sa = append(sa, k.ValueSet(""))
	}
	srv, err := testsuite.StartDevServer(context.Background(), testsuite.DevServerOptions{
		ExistingPath: cli, ClientOptions: &client.Options{Namespace: "default", Logger: quietSDK}, LogLevel: "error",
		SearchAttributes: temporal.NewSearchAttributes(sa...), Stdout: io.Discard, Stderr: io.Discard,
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Stop() })

	o.ClientID, o.ClientSecret = eaClientID, eaSecret
	s := sim.New(o)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	t.Setenv(envClientID, eaClientID)
	t.Setenv(envSecret, eaSecret)

	target := config.System{System: eaccounting.System, BaseURL: hs.URL + "/v2",
		Credentials: map[string]string{eaccounting.CredClientID: envClientID, eaccounting.CredClientSecret: envSecret}}
	idKey := make([]byte, 32)
	_, _ = rand.Read(idKey)
	k := &keeperStack{t: t, c: srv.Client(), sim: s, api: hs.URL + "/v2", queue: "keeper-" + t.Name(),
		ref: activities.TokenKeeperRef{Integration: "shop", Side: activities.SideTarget, System: eaccounting.System, ClientID: eaClientID}}
	k.acts = &activities.Activities{Temporal: k.c, IDKey: idKey, TaskQueue: k.queue,
		Integrations: map[string]*activities.Integration{"shop": {Config: config.Integration{Name: "shop", Target: target}}}}
	k.oauth, err = eaccounting.OAuthFromSettings(connectors.Settings{BaseURL: target.BaseURL,
		Credentials: map[string]string{eaccounting.CredClientID: eaClientID, eaccounting.CredClientSecret: eaSecret}})
	require.NoError(t, err)
	return k
}

// worker starts a worker on the stack's queue with the keeper and the
// activities; more registers what a test adds or replaces.
func (k *keeperStack) worker(o sdkworker.Options, more func(sdkworker.Worker)) sdkworker.Worker {
	w := sdkworker.New(k.c, k.queue, o)
	if !o.DisableWorkflowWorker {
		w.RegisterWorkflowWithOptions(workflows.TokenKeeperWorkflow, workflow.RegisterOptions{Name: activities.TokenKeeperWorkflowName})
		w.RegisterWorkflow(workflows.NotifyFailureWorkflow)
	}
	w.RegisterActivity(k.acts)
	if more != nil {
		more(w)
	}
	require.NoError(k.t, w.Start())
	k.t.Cleanup(w.Stop)
	return w
}

// connect is starter connect without the browser: consent, exchange, hand over.
func (k *keeperStack) connect() eaccounting.Tokens {
	code, err := k.sim.Authorize(k.oauth.RedirectURI, eaccounting.DefaultScopes...)
	require.NoError(k.t, err)
	tok, err := k.oauth.Exchange(context.Background(), code)
	require.NoError(k.t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := activities.ConnectTokenKeeper(ctx, k.c, k.queue, k.acts.IDKey, k.ref, activities.TokenSet{
		AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry, Lifetime: tok.Lifetime, Scope: tok.Scope})
	require.NoError(k.t, err)
	require.Equal(k.t, activities.TokenStateConnected, st.State)
	return tok
}

// client is an API client whose tokens come from the keeper, with a cache of its own.
func (k *keeperStack) client() *eaccounting.Client {
	c, err := eaccounting.New(eaccounting.Config{BaseURL: k.api, ClientID: k.ref.ClientID,
		Tokens: activities.KeeperTokenSource(k.acts, k.ref), RequestsPerMinute: -1})
	require.NoError(k.t, err)
	return c
}

func (k *keeperStack) status() activities.TokenStatus {
	st, err := activities.TokenKeeperStatus(context.Background(), k.c, k.acts.IDKey, k.ref)
	require.NoError(k.t, err)
	return st
}

const fanOutWorkflow, readCompanyActivity = "TestTokenFanOut", "TestReadCompany"

// fanOut runs n activities at once, each reading the company with a client
// of its own: n callers of the keeper from n activities.
func fanOut(ctx workflow.Context, n int) ([]string, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1}})
	fs := make([]workflow.Future, n)
	for i := range fs {
		fs[i] = workflow.ExecuteActivity(ctx, readCompanyActivity)
	}
	out := make([]string, n)
	for i, f := range fs {
		if err := f.Get(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (k *keeperStack) registerFanOut(w sdkworker.Worker) {
	w.RegisterWorkflowWithOptions(fanOut, workflow.RegisterOptions{Name: fanOutWorkflow})
	w.RegisterActivityWithOptions(func(ctx context.Context) (string, error) {
		s, err := k.client().CompanySettings(ctx)
		return s.Name, err
	}, activity.RegisterOptions{Name: readCompanyActivity})
}

func (k *keeperStack) runFanOut(n int) []string {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run, err := k.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: k.queue}, fanOutWorkflow, n)
	require.NoError(k.t, err)
	var names []string
	require.NoError(k.t, run.Get(ctx, &names))
	return names
}

// Activities asking at once when the access token has expired cause one
// refresh; before that, none.
func TestTokenKeeperOneRefreshForManyActivities(t *testing.T) {
	k := newKeeperStack(t, sim.Options{AccessTokenLifetime: 3 * time.Second})
	k.worker(sdkworker.Options{}, k.registerFanOut)
	k.connect()

	names := k.runFanOut(6)
	assert.Len(t, names, 6)
	assert.Equal(t, "Koppel Demo BV", names[0])
	assert.Zero(t, k.sim.Granted("refresh_token"), "a fresh token needs no refresh")

	time.Sleep(3 * time.Second) // the access token expires
	names = k.runFanOut(6)
	assert.Len(t, names, 6)
	assert.Equal(t, 1, k.sim.Granted("refresh_token"), "six activities at expiry, one refresh")
	assert.Zero(t, k.sim.Reused())
	st := k.status()
	assert.Equal(t, 1, st.Refreshes)
	assert.Equal(t, activities.TokenStateConnected, st.State)
}

// The worker that ran the keeper dies right after the refresh activity
// completed: the new pair is the activity's recorded result, so the next
// worker replays to it, answers the waiting caller without a second
// refresh, and the rotated refresh token keeps working.
func TestTokenKeeperKeepsARotatedTokenThroughAWorkerCrash(t *testing.T) {
	k := newKeeperStack(t, sim.Options{})
	// Workflows and activities run on separate workers here, so the
	// workflow side can die while the refresh is in flight.
	flowA := k.worker(sdkworker.Options{LocalActivityWorkerOnly: true, StickyScheduleToStartTimeout: time.Second}, nil)
	refreshing, carryOn := make(chan struct{}), make(chan struct{})
	var once sync.Once
	k.worker(sdkworker.Options{DisableWorkflowWorker: true}, func(w sdkworker.Worker) {
		w.RegisterActivityWithOptions(func(ctx context.Context, in activities.RefreshTokenInput) (activities.TokenSet, error) {
			once.Do(func() { close(refreshing); <-carryOn })
			return k.acts.RefreshToken(ctx, in)
		}, activity.RegisterOptions{Name: "RefreshToken", DisableAlreadyRegisteredCheck: true})
	})
	first := k.connect()
	k.sim.ExpireAccessTokens()

	got := make(chan error, 1)
	var token string
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var err error
		token, err = activities.KeeperTokenSource(k.acts, k.ref).AccessToken(ctx, first.AccessToken)
		got <- err
	}()
	<-refreshing
	flowA.Stop() // the keeper's worker is gone before the refresh answers
	sdkworker.PurgeStickyWorkflowCache()
	close(carryOn)
	require.Eventually(t, func() bool { return k.sim.Granted("refresh_token") == 1 }, 10*time.Second, 20*time.Millisecond)
	select {
	case err := <-got:
		t.Fatalf("answered with no workflow worker running: %v", err)
	case <-time.After(time.Second):
	}

	k.worker(sdkworker.Options{LocalActivityWorkerOnly: true}, nil) // a fresh worker replays the keeper
	require.NoError(t, <-got)
	assert.NotEqual(t, first.AccessToken, token)
	assert.Equal(t, 1, k.sim.Granted("refresh_token"), "the replay reused the recorded result")

	// The rotated refresh token was kept: the next refresh spends it.
	k.sim.ExpireAccessTokens()
	_, err := k.client().CompanySettings(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 2, k.sim.Granted("refresh_token"))
	assert.Zero(t, k.sim.Reused(), "no refresh token was ever sent twice")
}

// The refresh activity received the new pair but its completion was lost
// (the activity worker died): its retry returns the pair it recorded as a
// heartbeat instead of spending the old refresh token again.
func TestTokenRefreshRetryUsesTheRecordedPair(t *testing.T) {
	k := newKeeperStack(t, sim.Options{})
	var attempts atomic.Int32
	k.worker(sdkworker.Options{}, func(w sdkworker.Worker) {
		w.RegisterActivityWithOptions(func(ctx context.Context, in activities.RefreshTokenInput) (activities.TokenSet, error) {
			attempts.Add(1)
			set, err := k.acts.RefreshToken(ctx, in)
			if err == nil && activity.GetInfo(ctx).Attempt == 1 {
				return activities.TokenSet{}, errors.New("the worker died before it reported the result")
			}
			return set, err
		}, activity.RegisterOptions{Name: "RefreshToken", DisableAlreadyRegisteredCheck: true})
	})
	k.connect()
	k.sim.ExpireAccessTokens()
	_, err := k.client().CompanySettings(context.Background())
	require.NoError(t, err)
	assert.Equal(t, int32(2), attempts.Load())
	assert.Equal(t, 1, k.sim.Granted("refresh_token"), "the retry did not refresh again")
	assert.Zero(t, k.sim.Reused())

	k.sim.ExpireAccessTokens()
	_, err = k.client().CompanySettings(context.Background())
	require.NoError(t, err, "the pair from the heartbeat is the live one")
}

// A revoked consent: the refresh meets invalid_grant, every call then fails
// for good with the reconnect message, and a new connect heals it.
func TestTokenKeeperReconnect(t *testing.T) {
	k := newKeeperStack(t, sim.Options{})
	k.worker(sdkworker.Options{}, nil)
	first := k.connect()
	k.sim.RevokeConsent()

	for range 2 {
		_, err := k.client().CompanySettings(context.Background())
		require.Error(t, err)
		assert.Equal(t, connectors.KindAuth, connectors.KindOf(err), "%v", err)
		assert.Contains(t, err.Error(), "reconnect: run starter connect --integration shop")
		assert.True(t, activities.IsReconnect(err))
		assert.NotContains(t, err.Error(), first.RefreshToken)
		assert.NotContains(t, err.Error(), eaSecret)
	}
	assert.Equal(t, 2, k.sim.Calls().Count(eaccounting.OpToken), "the code exchange and one refresh attempt, then none")
	st := k.status()
	assert.Equal(t, activities.TokenStateReconnect, st.State)
	assert.Contains(t, st.Reason, "invalid_grant")

	// One alert, a child of the keeper's run (workflows.alertWorkflowID).
	keeperID := k.ref.WorkflowID(k.acts.IDKey)
	desc, err := k.c.DescribeWorkflowExecution(context.Background(), keeperID, "")
	require.NoError(t, err)
	_, err = k.c.DescribeWorkflowExecution(context.Background(), keeperID+"/alert/"+desc.GetWorkflowExecutionInfo().GetExecution().GetRunId(), "")
	require.NoError(t, err, "the reconnect alert was sent")

	k.connect()
	_, err = k.client().CompanySettings(context.Background())
	require.NoError(t, err)
	assert.Equal(t, activities.TokenStateConnected, k.status().State)

	// The run that went through all of it continued as new after the
	// connect; its history replays on the current code.
	firstRun := desc.GetWorkflowExecutionInfo().GetExecution().GetRunId()
	require.Eventually(t, func() bool {
		d, err := k.c.DescribeWorkflowExecution(context.Background(), keeperID, firstRun)
		return err == nil && d.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW
	}, 10*time.Second, 50*time.Millisecond)
	var events []*historypb.HistoryEvent
	it := k.c.GetWorkflowHistory(context.Background(), keeperID, firstRun, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		require.NoError(t, err)
		events = append(events, ev)
	}
	r := sdkworker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(workflows.TokenKeeperWorkflow, workflow.RegisterOptions{Name: activities.TokenKeeperWorkflowName})
	r.RegisterWorkflow(workflows.NotifyFailureWorkflow)
	require.NoError(t, r.ReplayWorkflowHistoryWithOptions(nil, &historypb.History{Events: events},
		sdkworker.ReplayWorkflowHistoryOptions{OriginalExecution: workflow.Execution{ID: keeperID, RunID: firstRun}}))
}

// Without a worker the connect update is never taken: connect says so
// instead of reporting success.
func TestTokenConnectWithoutAWorkerSaysSo(t *testing.T) {
	k := newKeeperStack(t, sim.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := activities.ConnectTokenKeeper(ctx, k.c, k.queue, k.acts.IDKey, k.ref,
		activities.TokenSet{AccessToken: "a", RefreshToken: "r"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is the worker running on task queue "+k.queue)
	assert.Contains(t, err.Error(), "starter connect --integration shop")
}
