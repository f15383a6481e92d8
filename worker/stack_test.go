package worker_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	_ "github.com/koppel/koppel/connectors/builtin"
	_ "github.com/koppel/koppel/connectors/builtin/sims"
	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	mplussim "github.com/koppel/koppel/connectors/mplus/sim"
	"github.com/koppel/koppel/connectors/simkit"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/worker/codec"
	"github.com/koppel/koppel/workflows"
)

// stack is the whole path on one machine: a real Temporal dev server (the CLI
// built from tools.mod), the simulators of one integration's source and
// target on loopback, built through the simulator registry, and our worker.
type stack struct {
	t              testing.TB
	server         *testsuite.DevServer
	client         client.Client
	source, target simkit.Instance
	ccv            *ccvsim.Sim   // the source, when it is a CCV Shop
	mplus          *mplussim.Sim // the target, when it is MplusKASSA
	file           *config.File
	taskQueue      string
	calls          *callCounter
	worker         sdkworker.Worker
	// env holds the credential variables the worker reads.
	env map[string]string
}

// temporalCLI finds the dev server binary: $KOPPEL_TEMPORAL_CLI (set by the
// Makefile) or bin/temporal at the repository root. Without it the end-to-end
// tests cannot run, and they say how to get it.
func temporalCLI(t testing.TB) string {
	if p := os.Getenv("KOPPEL_TEMPORAL_CLI"); p != "" {
		return p
	}
	p, _ := filepath.Abs("../bin/temporal")
	if _, err := os.Stat(p); err != nil {
		t.Skip("the Temporal CLI is not built; run make test (or make bin/temporal) to run the end-to-end tests")
	}
	return p
}

var quiet = log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))

const (
	ccvPublic, ccvSecret   = "e2e-public", "e2e-ccv-secret-9f3a"
	mplusIdent, mplusToken = "e2e-ident", "e2e-mplus-secret-71c2"
)

// e2eCredentials are the credentials the stack's simulators accept, by
// system; a system missing here accepts its demo credentials. They differ
// from the demo's so a test that finds a secret in a log knows it is ours.
var e2eCredentials = map[string]map[string]string{
	"ccvshop": {"publicKey": ccvPublic, "secretKey": ccvSecret},
	"mplus":   {"ident": mplusIdent, "secret": mplusToken},
}

type stackOptions struct {
	dbFile      string // empty: in memory
	unthrottled bool
	flow        string // extra YAML for flows.orders
	seal        bool   // payloads encrypted, as in production
	keys        string // with these keys
	logger      log.Logger
	// workerMplusSecret, when set, is the secret the worker is given (a
	// wrong one makes every till call fail with an auth error).
	workerMplusSecret string
	webhook           string // alert webhook URL
	metrics           *kworker.Metrics
	targetOptions     string // YAML flow map of mplus options, e.g. {shippingPLU: VERZ}
	sourceLimits      string // YAML flow map of the source's rateLimit, e.g. {readsPerMinute: 1}
	sourceOptions     string // YAML flow map of ccvshop options, e.g. {packageId: "1"}
	// catalogFlows are more flows, as YAML lines under flows (products …).
	catalogFlows []string
	// countries is the integration's countries map as a YAML flow map.
	countries string
	// noOrders leaves the orders flow out.
	noOrders bool
	// source and target are the systems stacked (any with a registered
	// simulator); empty means ccvshop and mplus.
	source, target string
	// sourceSim, when set, builds the source's simulator in place of its
	// registration (a Shopware of another version).
	sourceSim func(simkit.Config) simkit.Instance
	// targetSim, when set, builds the target's simulator.
	targetSim func(simkit.Config) simkit.Instance
	// integration is more YAML under the integration (webhooks: …), each
	// line as it would stand there, without the indent.
	integration []string
	// env are more variables the worker (and a receiver) read.
	env map[string]string
}

func newStack(t testing.TB, o stackOptions) *stack {
	ctx := context.Background()
	sa := make([]temporal.SearchAttributeUpdate, 0, len(workflows.SearchAttributes))
	for _, k := range workflows.Keywords {
		sa = append(sa, k.ValueSet(""))
	}
	srv, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:     temporalCLI(t),
		ClientOptions:    &client.Options{Namespace: "default", Logger: quiet},
		LogLevel:         "error",
		DBFilename:       o.dbFile,
		SearchAttributes: temporal.NewSearchAttributes(sa...),
		ExtraArgs:        []string{"--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal"},
		Stdout:           io.Discard,
		Stderr:           io.Discard,
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Stop() })

	s := &stack{t: t, server: srv, client: srv.Client(), taskQueue: "e2e", calls: &callCounter{}}
	if o.seal || o.logger != nil || o.metrics != nil {
		opts := client.Options{HostPort: srv.FrontendHostPort(), Namespace: "default", Logger: quiet}
		if o.metrics != nil {
			opts.MetricsHandler = o.metrics.Handler
		}
		if o.logger != nil {
			opts.Logger = o.logger
		}
		if o.seal {
			ring, err := codec.ParseKeys(o.keys, "")
			require.NoError(t, err)
			opts.DataConverter = codec.DataConverter(ring)
			opts.FailureConverter = codec.FailureConverter(opts.DataConverter)
		}
		s.client, err = client.Dial(opts)
		require.NoError(t, err)
		t.Cleanup(s.client.Close)
	}
	if o.source == "" {
		o.source = "ccvshop"
	}
	if o.target == "" {
		o.target = "mplus"
	}
	env := map[string]string{"E2E_WEBHOOK": o.webhook}
	var sourceURL, targetURL, sourceCreds, targetCreds string
	s.source, sourceURL, sourceCreds = startStackSimWith(t, o.source, "E2E_SOURCE_", o.unthrottled, env, o.sourceSim)
	s.target, targetURL, targetCreds = startStackSimWith(t, o.target, "E2E_TARGET_", o.unthrottled, env, o.targetSim)
	s.ccv, _ = s.source.(*ccvsim.Sim)
	s.mplus, _ = s.target.(*mplussim.Sim)
	if o.workerMplusSecret != "" {
		require.NotNil(t, s.mplus, "workerMplusSecret needs an mplus target")
		env["E2E_TARGET_SECRET"] = o.workerMplusSecret
	}

	targetOptions := ""
	if o.targetOptions != "" {
		targetOptions = ", options: " + o.targetOptions
	}
	alerts := ""
	if o.webhook != "" {
		alerts = "    alerts: {webhook: E2E_WEBHOOK}\n"
	}
	limits := ""
	if o.unthrottled {
		limits = "rateLimit: {readsPerMinute: -1, writesPerMinute: -1}, "
	}
	if o.sourceLimits != "" {
		limits = "rateLimit: " + o.sourceLimits + ", "
	}
	if o.sourceOptions != "" {
		limits += "options: " + o.sourceOptions + ", "
	}
	flows := fmt.Sprintf("      orders: {interval: 1h, startFrom: 2026-01-01, settleDelay: 1s%s}\n", o.flow)
	if o.noOrders {
		flows = ""
	}
	for _, f := range o.catalogFlows {
		flows += "      " + f + "\n"
	}
	countries := ""
	if o.countries != "" {
		countries = "    countries: " + o.countries + "\n"
	}
	for _, line := range o.integration {
		countries += "    " + line + "\n"
	}
	maps.Copy(env, o.env)
	yaml := fmt.Sprintf(`
integrations:
  - name: shop
    source: {system: %s, %sbaseURL: %q, credentials: %s}
    target: {system: %s, baseURL: %q, credentials: %s%s}
%s    flows:
%s%s`, o.source, limits, sourceURL, sourceCreds, o.target, targetURL, targetCreds, targetOptions, countries, flows, alerts)
	s.file, err = config.Parse("e2e.yaml", []byte(yaml))
	require.NoError(t, err)
	observe := s.calls.observe
	if o.metrics != nil {
		observe = o.metrics.ObserveCalls(observe)
	}
	s.env = env
	acts, err := activities.Build(s.file, func(k string) (string, bool) { v, ok := env[k]; return v, ok }, observe)
	require.NoError(t, err)
	acts.UIAddress, acts.Namespace, acts.Temporal = "http://127.0.0.1:8233", "default", s.client

	s.worker = kworker.New(s.client, s.taskQueue, acts)
	require.NoError(t, s.worker.Start())
	t.Cleanup(s.worker.Stop)
	return s
}

// startSecondWorker starts one more worker on the stack's task queue, with
// its own clients (as another process has), and returns its stop.
func (s *stack) startSecondWorker(t testing.TB) func() {
	t.Helper()
	acts, err := activities.Build(s.file, func(k string) (string, bool) { v, ok := s.env[k]; return v, ok }, nil)
	require.NoError(t, err)
	acts.UIAddress, acts.Namespace, acts.Temporal = "http://127.0.0.1:8233", "default", s.client
	w := kworker.New(s.client, s.taskQueue, acts)
	require.NoError(t, w.Start())
	return w.Stop
}

// startStackSim serves a new simulator of system on a free loopback port.
// It returns the instance, its URL and the YAML flow map of the side's
// credentials, whose variables (prefix + credential name) it adds to env.
func startStackSim(t testing.TB, system, prefix string, unlimited bool, env map[string]string) (simkit.Instance, string, string) {
	return startStackSimWith(t, system, prefix, unlimited, env, nil)
}

// startStackSimWith is startStackSim with the simulator built by build
// (nil: by its registration).
func startStackSimWith(t testing.TB, system, prefix string, unlimited bool, env map[string]string, build func(simkit.Config) simkit.Instance) (simkit.Instance, string, string) {
	reg, ok := simkit.Lookup(system)
	require.True(t, ok, "no simulator registered for %s", system)
	creds, ok := e2eCredentials[system]
	if !ok {
		creds = reg.DemoCredentials
	}
	if build == nil {
		build = reg.Build
	}
	inst := build(simkit.Config{Credentials: creds, Unlimited: unlimited})
	srv, err := simkit.Start("127.0.0.1:0", inst)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	var vars []string
	for _, name := range slices.Sorted(maps.Keys(creds)) {
		v := prefix + strings.ToUpper(name)
		env[v] = creds[name]
		vars = append(vars, name+": "+v)
	}
	return inst, srv.URL, "{" + strings.Join(vars, ", ") + "}"
}

// backfill runs the sync over a window and returns its stats.
func (s *stack) backfill(from, to time.Time) workflows.RunStats {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	run := s.startBackfill(fmt.Sprint(time.Now().UnixNano()), from, to)
	var cur workflows.OrderCursor
	require.NoError(s.t, run.Get(ctx, &cur))
	s.recordHistory("order_sync_backfill", run.GetID(), "")
	return cur.LastRun
}

// startBackfill starts a backfill of the orders created from from to to,
// its workflow id ending in suffix.
func (s *stack) startBackfill(suffix string, from, to time.Time) client.WorkflowRun {
	run, err := s.client.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{
		ID: workflows.BackfillWorkflowID("shop", workflows.FlowOrders, from, to) + suffix, TaskQueue: s.taskQueue},
		workflows.OrderSyncWorkflow, workflows.OrderSyncInput{Integration: "shop", Backfill: &workflows.Window{From: from, To: to}})
	require.NoError(s.t, err)
	return run
}

// orderResult waits for one order's workflow and returns its result or error.
func (s *stack) orderResult(sourceID string) (workflows.OrderResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var r workflows.OrderResult
	err := s.client.GetWorkflow(ctx, workflows.OrderWorkflowID("shop", sourceID), "").Get(ctx, &r)
	return r, err
}

// callCounter counts outside-API calls per system.
type callCounter struct {
	mu    sync.Mutex
	calls map[string]int
	total atomic.Int64
}

func (c *callCounter) observe(system, op string, status int, took time.Duration, err error) {
	if op == connectors.OpLimiterWait {
		return // not a call
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[system]++
	c.calls[system+" "+op]++
	c.total.Add(1)
}

func (c *callCounter) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[key]
}
