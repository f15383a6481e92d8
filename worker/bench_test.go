package worker_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/mplus"
	mplussim "github.com/koppel/koppel/connectors/mplus/sim"
	swsim "github.com/koppel/koppel/connectors/shopware6/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
	"github.com/koppel/koppel/worker/codec"
	"github.com/koppel/koppel/workflows"
)

// BenchmarkOrderSync pushes N orders (KOPPEL_BENCH_ORDERS, default 1,000; five
// lines each; customers and products already known) from the CCV Shop
// simulator through the real dev server and the worker binary into the
// MplusKASSA simulator, then the same number through the same workflows with
// no-op activities, and reports both rates and what each order cost.
func BenchmarkOrderSync(b *testing.B) { benchOrderSync(b, "CCV Shop → MplusKASSA", ccvBenchSource) }

// BenchmarkShopwareOrderSync is BenchmarkOrderSync with Shopware 6 as the shop.
func BenchmarkShopwareOrderSync(b *testing.B) {
	benchOrderSync(b, "Shopware 6 → MplusKASSA", shopwareBenchSource)
}

func benchOrderSync(b *testing.B, pair string, source func() benchSource) {
	e := newBenchEnv(b)
	for i := 0; i < b.N; i++ {
		real, noop := e.alternate(b, i,
			func(round int) syncRun {
				return runRealSync(b, e.ctx, e.server(), e.dir, e.n, round, e.key, source(), 1)
			})
		report(b, "Order sync "+pair, e.n, real, noop)
	}
}

// alternate runs the real sync and the no-op bound e.rounds times each,
// swapping which goes first every round, so that drift on the machine (the
// dev server's database grows, other load comes and goes) falls on both
// alike. One pair of runs says little: the no-op bound alone moves by a
// fifth between runs on two cores.
func (e benchEnv) alternate(b *testing.B, iter int, realRun func(round int) syncRun) (real, noop []syncRun) {
	for r := 0; r < e.rounds; r++ {
		round := iter*e.rounds + r
		if r%2 == 0 {
			real = append(real, realRun(round))
			noop = append(noop, runNoopSync(b, e.ctx, e.sealed, e.srv.FrontendHostPort(), e.n, round))
		} else {
			noop = append(noop, runNoopSync(b, e.ctx, e.sealed, e.srv.FrontendHostPort(), e.n, round))
			real = append(real, realRun(round))
		}
	}
	return real, noop
}

// benchEnv is what every order sync benchmark runs on: N (from
// KOPPEL_BENCH_ORDERS, default 1,000), a real dev server, the encryption
// key the worker seals with and a client that seals as it does (both runs
// seal their payloads, as production does), and how many rounds of real
// and no-op runs to take the medians of (KOPPEL_BENCH_ROUNDS, default 3).
type benchEnv struct {
	n      int
	rounds int
	ctx    context.Context
	dir    string
	srv    *testsuite.DevServer
	key    string
	sealed client.Client
}

func newBenchEnv(b *testing.B) benchEnv {
	e := benchEnv{n: benchSetting(b, "KOPPEL_BENCH_ORDERS", 1000), rounds: benchSetting(b, "KOPPEL_BENCH_ROUNDS", 3),
		ctx: context.Background(), dir: b.TempDir()}
	e.srv = startBenchServer(b, filepath.Join(e.dir, "temporal.db"))
	var err error
	e.key, err = codec.NewKey("bench")
	require.NoError(b, err)
	e.sealed = sealedClient(b, e.srv.FrontendHostPort(), "default", e.key)
	return e
}

// server is the dev server as a real run sees it.
func (e benchEnv) server() benchServer {
	return benchServer{hostPort: e.srv.FrontendHostPort(), namespace: "default", client: e.srv.Client()}
}

// benchServer is the Temporal server a real run works on: the dev server,
// or the production shape's server on PostgreSQL.
type benchServer struct {
	hostPort, namespace string
	client              client.Client
}

// sealedClient dials a client that seals payloads with key, as the worker
// processes do, so both runs of a comparison pay for encryption alike.
func sealedClient(b *testing.B, hostPort, namespace, key string) client.Client {
	ring, err := codec.ParseKeys(key, "")
	require.NoError(b, err)
	dc := codec.DataConverter(ring)
	c, err := client.Dial(client.Options{HostPort: hostPort, Namespace: namespace, Logger: quiet,
		DataConverter: dc, FailureConverter: codec.FailureConverter(dc)})
	require.NoError(b, err)
	b.Cleanup(c.Close)
	return c
}

// benchSetting reads a positive whole number from the environment.
func benchSetting(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	require.NoError(b, err, "%s must be a whole number", name)
	require.Positive(b, n, "%s must be at least 1", name)
	return n
}

// benchSource is the shop a real run reads, unthrottled: its simulator, how
// an order is seeded, the integration file's source line for its URL and
// the credential variables the worker needs.
type benchSource struct {
	handler http.Handler
	add     func(model.Order)
	source  func(url string) string
	env     []string
}

func ccvBenchSource() benchSource {
	shop := ccvsim.New(ccvsim.Options{PublicKey: ccvPublic, SecretKey: ccvSecret, ReadsPerMinute: -1, WritesPerMinute: -1})
	return benchSource{handler: shop, add: func(o model.Order) { shop.AddOrder(o) },
		source: func(url string) string {
			return fmt.Sprintf(`{system: ccvshop, baseURL: %q, rateLimit: {readsPerMinute: -1, writesPerMinute: -1}, credentials: {publicKey: B_CCV_PUBLIC, secretKey: B_CCV_SECRET}}`, url)
		}}
}

func shopwareBenchSource() benchSource {
	const id, secret = "SWIABENCHKEY0000000000000", "bench-shopware-secret"
	shop := swsim.New(swsim.Options{AccessKeyID: id, SecretAccessKey: secret, NoLoginLimiter: true})
	return benchSource{handler: shop, add: func(o model.Order) { shop.AddOrder(o) },
		source: func(url string) string {
			return fmt.Sprintf(`{system: shopware6, baseURL: %q, rateLimit: {readsPerMinute: -1, writesPerMinute: -1}, credentials: {accessKeyId: B_SW_KEY, secretAccessKey: B_SW_SECRET}}`, url)
		},
		env: []string{"B_SW_KEY=" + id, "B_SW_SECRET=" + secret}}
}

type syncRun struct {
	took          time.Duration
	p50, p95      time.Duration
	eventsPerOrd  float64
	sourceCalls   int64
	targetCalls   int64
	workerPeakRSS int64 // kB, 0 when the worker ran in this process
	// rss is the worker's resident set (kB) every few seconds of the run.
	rss []int64
	cpu cpuUse
}

func startBenchServer(b *testing.B, db string) *testsuite.DevServer {
	sa := make([]temporal.SearchAttributeUpdate, 0, len(workflows.SearchAttributes))
	for _, k := range workflows.Keywords {
		sa = append(sa, k.ValueSet(""))
	}
	srv, err := testsuite.StartDevServer(context.Background(), testsuite.DevServerOptions{
		ExistingPath:     temporalCLI(b),
		ClientOptions:    &client.Options{Namespace: "default", Logger: quiet},
		LogLevel:         "error",
		DBFilename:       db,
		SearchAttributes: temporal.NewSearchAttributes(sa...),
		ExtraArgs:        []string{"--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal"},
	})
	require.NoError(b, err)
	b.Cleanup(func() { _ = srv.Stop() })
	return srv
}

// countCalls counts the requests a simulator serves.
func countCalls(h http.Handler, n *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h.ServeHTTP(w, r)
	})
}

// benchOrders builds n orders of five lines from a pool of known customers.
func benchOrders(n int, customers []model.Customer, catalogue []product, from time.Time) []model.Order {
	out := make([]model.Order, n)
	for i := range out {
		lines := make([]model.OrderLine, 5)
		for j := range lines {
			lines[j] = catalogue[(i+j)%len(catalogue)].line(int64(1 + (i+j)%3))
		}
		out[i] = order(customers[i%len(customers)], from.Add(time.Duration(i)*time.Millisecond), true, lines...)
	}
	return out
}

var benchCatalogue = []product{coffee, mug, filter,
	{sku: "KOF-0250", name: "Espressobonen 250 g", cents: 695, vat: 9},
	{sku: "THE-0100", name: "Groene thee", cents: 449, vat: 9},
	{sku: "MLK-0001", name: "Melkopschuimer", cents: 3495, vat: 21},
}

func benchCustomers() []model.Customer {
	out := make([]model.Customer, 40)
	for i := range out {
		if i%4 == 0 {
			out[i] = company(fmt.Sprintf("Bedrijf %02d B.V.", i), "Kim", fmt.Sprintf("Klant%02d", i), fmt.Sprintf("inkoop%02d@bedrijf.example", i))
		} else {
			out[i] = person("Sam", fmt.Sprintf("Klant%02d", i), fmt.Sprintf("klant%02d@example.nl", i))
		}
	}
	return out
}

// runRealSync syncs n orders of src into a till through worker processes
// (workers of them) on the server.
func runRealSync(b *testing.B, ctx context.Context, srv benchServer, dir string, n, iter int, key string, src benchSource, workers int) syncRun {
	var run syncRun
	var srcCalls, tgtCalls atomic.Int64
	till := mplussim.New(mplussim.Options{Ident: mplusIdent, Secret: mplusToken})
	shopSrv, err := simkit.Start("127.0.0.1:0", countCalls(src.handler, &srcCalls))
	require.NoError(b, err)
	defer shopSrv.Close()
	tillSrv, err := simkit.Start("127.0.0.1:0", countCalls(till, &tgtCalls))
	require.NoError(b, err)
	defer tillSrv.Close()

	customers := seedBenchTill(b, ctx, till, tillSrv.URL)
	from := time.Now().Add(-time.Hour).Truncate(time.Second)
	for _, o := range benchOrders(n, customers, benchCatalogue, from) {
		src.add(o)
	}
	srcCalls.Store(0)
	tgtCalls.Store(0)

	integration := fmt.Sprintf("bench%d", iter)
	taskQueue := "bench-real-" + strconv.Itoa(iter)
	file := filepath.Join(dir, integration+".yaml")
	require.NoError(b, os.WriteFile(file, []byte(fmt.Sprintf(`
integrations:
  - name: %s
    source: %s
    target: {system: mplus, baseURL: %q, credentials: {ident: B_MPLUS_IDENT, secret: B_MPLUS_SECRET}}
    flows:
      orders: {interval: 1h, startFrom: 2026-01-01}
`, integration, src.source(shopSrv.URL), tillSrv.URL)), 0o600))

	wks := make([]*workerProcess, workers)
	for i := range wks {
		wks[i] = startWorkerProcess(b, dir, srv.hostPort, taskQueue, file, key, append(slices.Clone(src.env), "TEMPORAL_NAMESPACE="+srv.namespace)...)
		defer wks[i].stop()
	}
	run = measureSync(b, ctx, srv.client, srv.hostPort, wks, syncWindow{integration, taskQueue, from, n}, &srcCalls, &tgtCalls)
	require.Len(b, till.Orders(), n, "every order reached the till exactly once")
	return run
}

// seedBenchTill gives the till the bench catalogue and the bench customers
// and returns the customers. The relations are created through our own
// client, so they are exactly what the flow would write.
func seedBenchTill(b *testing.B, ctx context.Context, till *mplussim.Sim, url string) []model.Customer {
	for i, p := range benchCatalogue {
		till.AddProduct(mplussim.Product{ArticleNumber: int64(2001 + i), PLU: p.sku, Description: p.name, PriceInclCents: p.cents})
	}
	cl, err := mplus.New(mplus.Config{BaseURL: url, Ident: mplusIdent, Secret: mplusToken})
	require.NoError(b, err)
	customers := benchCustomers()
	for _, cu := range customers {
		_, err := cl.CreateCustomer(ctx, cu)
		require.NoError(b, err)
	}
	return customers
}

// syncWindow is what a real run syncs: the integration's orders created in
// the hour from from, n of them, on the worker's task queue.
type syncWindow struct {
	integration, taskQueue string
	from                   time.Time
	n                      int
}

// measureSync runs a backfill of the window on started worker processes,
// once they poll, and measures it: time, CPU of each party, the first
// worker's memory (the highest peak of all), latency and history per order,
// the simulators' calls.
func measureSync(b *testing.B, ctx context.Context, c client.Client, hostPort string, wks []*workerProcess, win syncWindow, srcCalls, tgtCalls *atomic.Int64) syncRun {
	waitPolling(b, ctx, c, win.taskQueue, len(wks))
	srcCalls.Store(0)
	tgtCalls.Store(0)
	var run syncRun
	pids := make([]int, len(wks))
	for i, wk := range wks {
		pids[i] = wk.cmd.Process.Pid
	}
	cpu := startCPUMeter(hostPort, pids...)
	stopRSS := wks[0].sampleRSS(2 * time.Second)
	start := time.Now()
	backfillAll(b, ctx, c, win.integration, win.taskQueue, win.from.Add(-time.Minute), win.from.Add(time.Hour))
	waitClosed(b, ctx, c, win.integration, win.n)
	run.took = time.Since(start)
	run.rss = stopRSS()
	run.cpu = cpu.used()
	for _, wk := range wks {
		run.workerPeakRSS = max(run.workerPeakRSS, wk.peakRSS())
	}
	run.p50, run.p95, run.eventsPerOrd = orderStats(b, ctx, c, win.integration)
	run.sourceCalls, run.targetCalls = srcCalls.Load(), tgtCalls.Load()
	return run
}

// runNoopSync is the bound of a real run: the same workflows with steps
// that do nothing, on a worker in this process.
func runNoopSync(b *testing.B, ctx context.Context, c client.Client, serverHostPort string, n, iter int) syncRun {
	integration, taskQueue, from := noopWindow(iter)
	noop := newNoopActivities(n, from, c)
	w := sdkworker.New(c, taskQueue, noopWorkerOptions)
	registerNoop(w, noop)
	require.NoError(b, w.Start())
	defer w.Stop()
	return measureNoop(b, ctx, c, serverHostPort, syncWindow{integration, taskQueue, from, n})
}

// runNoopProcesses is the bound of a real run on several worker processes:
// the same workflows with steps that do nothing, each worker a process of
// its own (this test binary, see TestMain), as the real run's workers are.
func runNoopProcesses(b *testing.B, ctx context.Context, srv benchServer, key string, n, iter, workers int) syncRun {
	integration, taskQueue, from := noopWindow(iter)
	pids := make([]int, workers)
	for i := range pids {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d,%d", noopWorkerEnv, n, from.UnixNano()),
			"TEMPORAL_ADDRESS="+srv.hostPort, "TEMPORAL_NAMESPACE="+srv.namespace, "KOPPEL_TASK_QUEUE="+taskQueue,
			"KOPPEL_ENCRYPTION_KEYS="+key)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		require.NoError(b, cmd.Start())
		p := &workerProcess{cmd: cmd, done: make(chan struct{})}
		go func() { _ = cmd.Wait(); close(p.done) }()
		defer p.stop()
		pids[i] = cmd.Process.Pid
	}
	waitPolling(b, ctx, srv.client, taskQueue, workers)
	return measureNoop(b, ctx, srv.client, srv.hostPort, syncWindow{integration, taskQueue, from, n}, pids...)
}

// noopWindow names a no-op run's integration and task queue and the hour
// its orders were created in.
func noopWindow(iter int) (integration, taskQueue string, from time.Time) {
	return fmt.Sprintf("noop%d", iter), "bench-noop-" + strconv.Itoa(iter), time.Now().Add(-time.Hour).Truncate(time.Second)
}

// noopWorkerOptions are the real worker's (worker/register.go).
var noopWorkerOptions = sdkworker.Options{MaxConcurrentWorkflowTaskPollers: 4, MaxConcurrentActivityTaskPollers: 4}

func registerNoop(w sdkworker.Worker, noop *noopActivities) {
	w.RegisterWorkflow(workflows.OrderSyncWorkflow)
	w.RegisterWorkflow(workflows.OrderWorkflow)
	w.RegisterActivity(noop)
}

// measureNoop backfills a no-op run's window on its started workers
// (workerPIDs: their processes, none when in this one) and measures it.
func measureNoop(b *testing.B, ctx context.Context, c client.Client, serverHostPort string, win syncWindow, workerPIDs ...int) syncRun {
	cpu := startCPUMeter(serverHostPort, workerPIDs...)
	start := time.Now()
	backfillAll(b, ctx, c, win.integration, win.taskQueue, win.from.Add(-time.Minute), win.from.Add(time.Hour))
	waitClosed(b, ctx, c, win.integration, win.n)
	var run syncRun
	run.took = time.Since(start)
	run.cpu = cpu.used()
	run.p50, run.p95, run.eventsPerOrd = orderStats(b, ctx, c, win.integration)
	return run
}

// noopWorkerEnv, set to "n,from" (from in Unix nanoseconds), makes this
// test binary a no-op worker process for runNoopProcesses: it serves the
// no-op steps for n orders created from then on the task queue
// $KOPPEL_TASK_QUEUE until SIGINT.
const noopWorkerEnv = "KOPPEL_BENCH_NOOP_WORKER"

func TestMain(m *testing.M) {
	if spec := os.Getenv(noopWorkerEnv); spec != "" {
		if err := runNoopWorker(spec); err != nil {
			fmt.Fprintln(os.Stderr, "no-op worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runNoopWorker(spec string) error {
	ns, nanos, _ := strings.Cut(spec, ",")
	n, err := strconv.Atoi(ns)
	if err != nil {
		return fmt.Errorf("%s=%q: %w", noopWorkerEnv, spec, err)
	}
	at, err := strconv.ParseInt(nanos, 10, 64)
	if err != nil {
		return fmt.Errorf("%s=%q: %w", noopWorkerEnv, spec, err)
	}
	ring, err := codec.ParseKeys(os.Getenv("KOPPEL_ENCRYPTION_KEYS"), "")
	if err != nil {
		return err
	}
	dc := codec.DataConverter(ring)
	c, err := client.Dial(client.Options{HostPort: os.Getenv("TEMPORAL_ADDRESS"), Namespace: os.Getenv("TEMPORAL_NAMESPACE"),
		Logger: quiet, DataConverter: dc, FailureConverter: codec.FailureConverter(dc)})
	if err != nil {
		return err
	}
	defer c.Close()
	w := sdkworker.New(c, os.Getenv("KOPPEL_TASK_QUEUE"), noopWorkerOptions)
	registerNoop(w, newNoopActivities(n, time.Unix(0, at), c))
	return w.Run(sdkworker.InterruptCh())
}

func backfillAll(b *testing.B, ctx context.Context, c client.Client, integration, taskQueue string, from, to time.Time) {
	r, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                    workflows.BackfillWorkflowID(integration, workflows.FlowOrders, from, to),
		TaskQueue:             taskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(workflows.SAIntegration.ValueSet(integration)),
	}, workflows.OrderSyncWorkflow, workflows.OrderSyncInput{Integration: integration, Backfill: &workflows.Window{From: from, To: to}})
	require.NoError(b, err)
	require.NoError(b, r.Get(ctx, nil))
}

// waitPolling waits until workers (that many) poll the task queue for
// workflow and activity tasks, so the clock starts at work, not at a
// process starting up (the no-op run's worker starts in this process
// before its clock).
func waitPolling(b *testing.B, ctx context.Context, c client.Client, taskQueue string, workers int) {
	deadline := time.Now().Add(time.Minute)
	for _, kind := range []enumspb.TaskQueueType{enumspb.TASK_QUEUE_TYPE_WORKFLOW, enumspb.TASK_QUEUE_TYPE_ACTIVITY} {
		for {
			resp, err := c.DescribeTaskQueue(ctx, taskQueue, kind)
			require.NoError(b, err)
			if len(resp.GetPollers()) >= workers {
				break
			}
			require.True(b, time.Now().Before(deadline), "%d of %d workers poll %s after a minute", len(resp.GetPollers()), workers, taskQueue)
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// waitClosed waits until n order workflows of the integration have completed.
// Each count is a query the server and its database answer on the cores the
// run shares, so it counts once a second while the end is far and every
// 100 ms as it nears (a quarter of the time left at the pace so far).
func waitClosed(b *testing.B, ctx context.Context, c client.Client, integration string, n int) {
	q := fmt.Sprintf("WorkflowType = 'OrderWorkflow' AND Integration = '%s' AND ExecutionStatus != 'Running'", integration)
	start := time.Now()
	deadline := start.Add(30 * time.Minute)
	for {
		resp, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: q})
		require.NoError(b, err)
		done := int(resp.Count)
		if done >= n {
			return
		}
		require.True(b, time.Now().Before(deadline), "only %d of %d orders done after 30 minutes", done, n)
		time.Sleep(countInterval(time.Since(start), done, n))
	}
}

// countInterval is the wait before the next count when done of n are done
// after elapsed: a quarter of the time left at that pace, from 100 ms to 1 s.
func countInterval(elapsed time.Duration, done, n int) time.Duration {
	if done == 0 {
		return time.Second
	}
	left := time.Duration(float64(elapsed) * float64(n-done) / float64(done))
	return min(time.Second, max(100*time.Millisecond, left/4))
}

// orderStats reads every order workflow of the integration from visibility:
// start-to-close latency percentiles and history events per order.
func orderStats(b *testing.B, ctx context.Context, c client.Client, integration string) (p50, p95 time.Duration, events float64) {
	q := fmt.Sprintf("WorkflowType = 'OrderWorkflow' AND Integration = '%s'", integration)
	var lat []time.Duration
	var total int64
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: q, NextPageToken: token, PageSize: 1000})
		require.NoError(b, err)
		for _, e := range resp.Executions {
			require.Equal(b, "Completed", e.Status.String(), "order %s", e.Execution.WorkflowId)
			lat = append(lat, e.CloseTime.AsTime().Sub(e.StartTime.AsTime()))
			total += e.HistoryLength
		}
		if token = resp.NextPageToken; len(token) == 0 {
			break
		}
	}
	require.NotEmpty(b, lat)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat[len(lat)/2], lat[len(lat)*95/100], float64(total) / float64(len(lat))
}

// report prints every round and the medians; the metrics b reports are the
// medians (the ratio is the median of the rounds' ratios, each real run
// against the no-op run beside it).
func report(b *testing.B, title string, n int, real, noop []syncRun) {
	printRuns(b, title, "real dev server (SQLite, WAL)", n, real, noop, true)
}

// printRuns prints the rounds of a comparison on the server described by
// where, reporting the medians as b's metrics when metrics is set.
func printRuns(b *testing.B, title, where string, n int, real, noop []syncRun, metrics bool) {
	rate := func(r syncRun) float64 { return float64(n) / r.took.Seconds() }
	ratios := make([]float64, len(real))
	for i := range real {
		ratios[i] = rate(real[i]) / rate(noop[i])
	}
	med := func(f func(syncRun) float64, runs []syncRun) float64 {
		v := make([]float64, len(runs))
		for i, r := range runs {
			v[i] = f(r)
		}
		return median(v)
	}
	dur := func(f func(syncRun) time.Duration) func(syncRun) float64 {
		return func(r syncRun) float64 { return float64(f(r)) }
	}
	perOrder := func(f func(syncRun) int64) func(syncRun) float64 {
		return func(r syncRun) float64 { return float64(f(r)) / float64(n) }
	}
	srcCalls, tgtCalls := perOrder(func(r syncRun) int64 { return r.sourceCalls }), perOrder(func(r syncRun) int64 { return r.targetCalls })
	events := func(r syncRun) float64 { return r.eventsPerOrd }
	rss := med(func(r syncRun) float64 { return float64(r.workerPeakRSS) / 1024 }, real)

	if metrics {
		b.ReportMetric(med(rate, real), "orders/s")
		b.ReportMetric(med(rate, noop), "noop-orders/s")
		b.ReportMetric(median(ratios), "ratio")
		b.ReportMetric(med(tgtCalls, real), "target-calls/order")
		b.ReportMetric(med(srcCalls, real), "source-calls/order")
		b.ReportMetric(med(events, real), "events/order")
		b.ReportMetric(rss, "worker-peak-MiB")
	}

	fmt.Printf("\n%s, %d orders of 5 lines, %s, %d rounds (real and no-op alternating)\n", title, n, where, len(real))
	fmt.Printf("  %-22s %10s %10s %10s %10s %14s\n", "", "orders/s", "p50", "p95", "events/ord", "calls/order")
	line := func(name string, r syncRun, calls bool) {
		fmt.Printf("  %-22s %10.1f %10s %10s %10.1f", name, rate(r), r.p50.Round(time.Millisecond), r.p95.Round(time.Millisecond), r.eventsPerOrd)
		if calls {
			fmt.Printf(" %7.2f src %4.2f tgt", srcCalls(r), tgtCalls(r))
		} else {
			fmt.Printf(" %21s", "")
		}
		perOrder := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }
		// A server of several processes (Temporal's and PostgreSQL's) is
		// not metered alone: the rest of the machine's busy time is it.
		server := fmt.Sprintf("rest %.1f", perOrder(r.cpu.busy-r.cpu.worker-r.cpu.bench))
		if r.cpu.server > 0 {
			server = fmt.Sprintf("server %.1f", perOrder(r.cpu.server))
		}
		fmt.Printf("   CPU ms/order: %s, worker %.1f, bench %.1f, machine %.1f, idle %.0f %%\n", server,
			perOrder(r.cpu.worker), perOrder(r.cpu.bench), perOrder(r.cpu.busy), 100*r.cpu.idle.Seconds()/(r.cpu.busy+r.cpu.idle).Seconds())
	}
	for i := range real {
		line(fmt.Sprintf("round %d real", i+1), real[i], true)
		line(fmt.Sprintf("round %d no-op", i+1), noop[i], false)
		fmt.Printf("  %-22s %9.0f %%\n", fmt.Sprintf("round %d ratio", i+1), 100*ratios[i])
	}
	fmt.Printf("  %-22s %10.1f %10s %10s %10.1f %7.2f src %4.2f tgt\n", "median real", med(rate, real),
		time.Duration(med(dur(func(r syncRun) time.Duration { return r.p50 }), real)).Round(time.Millisecond),
		time.Duration(med(dur(func(r syncRun) time.Duration { return r.p95 }), real)).Round(time.Millisecond),
		med(events, real), med(srcCalls, real), med(tgtCalls, real))
	fmt.Printf("  %-22s %10.1f %10s %10s %10.1f\n", "median no-op", med(rate, noop),
		time.Duration(med(dur(func(r syncRun) time.Duration { return r.p50 }), noop)).Round(time.Millisecond),
		time.Duration(med(dur(func(r syncRun) time.Duration { return r.p95 }), noop)).Round(time.Millisecond),
		med(events, noop))
	fmt.Printf("  median ratio real/no-op: %.0f %%   worker peak RSS: %.1f MiB\n\n", 100*median(ratios), rss)
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// workerProcess is the worker binary run as its own process, so its memory
// is measured apart from the simulators and the dev server.
type workerProcess struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func startWorkerProcess(b *testing.B, dir, hostPort, taskQueue, file, key string, env ...string) *workerProcess {
	return startKoppelProcess(b, dir, nil, hostPort, taskQueue, file, key, env...)
}

// startKoppelProcess runs the worker binary (built once into dir) with args
// ("webhooks" for the receiver; none for the worker).
func startKoppelProcess(b *testing.B, dir string, args []string, hostPort, taskQueue, file, key string, env ...string) *workerProcess {
	bin := filepath.Join(dir, "koppel-worker")
	if _, err := os.Stat(bin); err != nil {
		out, err := exec.Command("go", "build", "-o", bin, "./cmd").CombinedOutput()
		require.NoError(b, err, "building the worker: %s", out)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(),
		"TEMPORAL_ADDRESS="+hostPort, "TEMPORAL_NAMESPACE=default", "KOPPEL_TASK_QUEUE="+taskQueue,
		"KOPPEL_INTEGRATIONS="+file, "KOPPEL_LOG_LEVEL=error", "KOPPEL_ENCRYPTION_KEYS="+key, "KOPPEL_METRICS_ADDRESS=off",
		"B_CCV_PUBLIC="+ccvPublic, "B_CCV_SECRET="+ccvSecret, "B_MPLUS_IDENT="+mplusIdent, "B_MPLUS_SECRET="+mplusToken)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	require.NoError(b, cmd.Start())
	p := &workerProcess{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	return p
}

// sampleRSS reads the process's resident set every interval until the
// returned stop, which hands out the samples (kB).
func (p *workerProcess) sampleRSS(every time.Duration) (stop func() []int64) {
	var mu sync.Mutex
	var samples []int64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if kb := p.statusKB("VmRSS:"); kb > 0 {
					mu.Lock()
					samples = append(samples, kb)
					mu.Unlock()
				}
			}
		}
	}()
	return func() []int64 {
		close(done)
		mu.Lock()
		defer mu.Unlock()
		return samples
	}
}

// peakRSS is the process's high-water resident set (VmHWM) in kB.
func (p *workerProcess) peakRSS() int64 { return p.statusKB("VmHWM:") }

// statusKB reads one kB figure of /proc/<pid>/status.
func (p *workerProcess) statusKB(field string) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

func (p *workerProcess) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// noopActivities has the activities' names and types and does nothing: the
// same workflows on it measure what the engine alone allows.
type noopActivities struct {
	n      int
	orders []model.Order
	// starts starts order workflows for real: starting them is the
	// engine's work, which the bound measures.
	starts *activities.Activities
}

// newNoopActivities serves n bench orders created from from, the ones a
// real run of the same size syncs.
func newNoopActivities(n int, from time.Time, c client.Client) *noopActivities {
	return &noopActivities{n: n, orders: benchOrders(n, benchCustomers(), benchCatalogue, from), starts: &activities.Activities{Temporal: c}}
}

func (a *noopActivities) StartOrders(ctx context.Context, in activities.StartOrdersInput) (activities.StartOrdersResult, error) {
	return a.starts.StartOrders(ctx, in)
}

func (a *noopActivities) LoadOrderFlowSettings(_ context.Context, in activities.OrderFlowSettingsInput) (activities.OrderFlowSettings, error) {
	return activities.OrderFlowSettings{Source: "noop", Target: "noop", PageSize: config.DefaultPageSize,
		MaxOrdersPerRun: config.DefaultMaxPerRun, SettleDelay: time.Second, PendingMaxAge: time.Hour}, nil
}

func (a *noopActivities) ListOrders(_ context.Context, in activities.ListOrdersInput) (activities.ListOrdersResult, error) {
	start, _ := strconv.Atoi(in.PageToken)
	end := min(start+in.PageSize, a.n)
	var out activities.ListOrdersResult
	for i := start; i < end; i++ {
		out.Eligible = append(out.Eligible, activities.OrderRef{ID: strconv.Itoa(i), Number: strconv.Itoa(i), CreatedAt: a.orders[i].CreatedAt})
	}
	if end < a.n {
		out.NextPageToken = strconv.Itoa(end)
	}
	return out, nil
}

func (a *noopActivities) RecheckOrders(_ context.Context, in activities.RecheckOrdersInput) (activities.RecheckOrdersResult, error) {
	return activities.RecheckOrdersResult{OrderSort: activities.OrderSort{Eligible: in.Orders}, Checked: len(in.Orders)}, nil
}

func (a *noopActivities) FeedOrders(_ context.Context, in activities.FeedOrdersInput) (activities.FeedOrdersResult, error) {
	return activities.FeedOrdersResult{Cursor: in.Cursor}, nil
}

func (a *noopActivities) FetchOrder(_ context.Context, in activities.FetchOrderInput) (model.Order, error) {
	i, _ := strconv.Atoi(in.OrderID)
	o := a.orders[i]
	o.ID, o.Number = in.OrderID, in.OrderID
	return o, nil
}

func (a *noopActivities) EnrichOrder(_ context.Context, in activities.EnrichOrderInput) (connectors.OrderDraft, error) {
	return connectors.OrderDraft{Order: in.Order, ExternalID: "noop-" + in.Order.ID, Kind: connectors.KindOrder}, nil
}

func (a *noopActivities) FindTargetOrder(context.Context, activities.FindTargetOrderInput) (activities.FindTargetOrderResult, error) {
	return activities.FindTargetOrderResult{}, nil
}

func (a *noopActivities) EnsureCustomer(context.Context, activities.EnsureCustomerInput) (activities.EnsureCustomerResult, error) {
	return activities.EnsureCustomerResult{CustomerID: "1", Action: activities.CustomerUnchanged}, nil
}

func (a *noopActivities) CheckProducts(_ context.Context, in activities.CheckProductsInput) (map[string]string, error) {
	out := make(map[string]string, len(in.SKUs))
	for i, s := range in.SKUs {
		out[s] = strconv.Itoa(i + 1)
	}
	return out, nil
}

func (a *noopActivities) CommitOrder(_ context.Context, in activities.CommitOrderInput) (activities.CommitOrderResult, error) {
	return activities.CommitOrderResult{Target: connectors.TargetOrder{ID: in.Draft.ExternalID, Kind: in.Draft.Kind}}, nil
}
