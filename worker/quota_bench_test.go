package worker_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors/ccvshop"
	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/mplus"
	mplussim "github.com/koppel/koppel/connectors/mplus/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/worker/codec"
	"github.com/koppel/koppel/workflows"
)

// shopMeter counts what the shop simulator answers: reads of the orders
// resource (the one the order flow's quota is spent on) with the time of
// the first and the last, and every 429.
type shopMeter struct {
	mu          sync.Mutex
	orderReads  int
	perMinute   []int // reads in each minute from the first
	first, last time.Time
	tooMany     int
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(s int) { w.status = s; w.ResponseWriter.WriteHeader(s) }

func (m *shopMeter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		m.mu.Lock()
		defer m.mu.Unlock()
		if sw.status == http.StatusTooManyRequests {
			m.tooMany++
		}
		if r.Method == http.MethodGet && ccvshop.Resource(r.URL.RequestURI()) == "orders" && sw.status < 300 {
			now := time.Now()
			if m.first.IsZero() {
				m.first = now
			}
			m.last, m.orderReads = now, m.orderReads+1
			minute := int(now.Sub(m.first) / time.Minute)
			for len(m.perMinute) <= minute {
				m.perMinute = append(m.perMinute, 0)
			}
			m.perMinute[minute]++
		}
	})
}

func (m *shopMeter) read() (reads, tooMany int, span time.Duration, perMinute []int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.orderReads, m.tooMany, m.last.Sub(m.first), slices.Clone(m.perMinute)
}

// quotaStack is the dev server, the shop at its published limits (150 reads
// and 100 writes a minute per resource), the till, known customers and
// products, and an integration file without rate-limit overrides.
type quotaStack struct {
	dir, key, file, taskQueue, integration string
	shop                                   *ccvsim.Sim
	till                                   *mplussim.Sim
	meter                                  *shopMeter
	hostPort, namespace                    string
	client                                 client.Client
	sealed                                 client.Client // payloads encrypted as the workers expect
	customers                              []model.Customer
}

// newQuotaStack is a quota stack on a dev server of its own.
func newQuotaStack(b *testing.B, name, interval string) *quotaStack {
	dir := b.TempDir()
	srv := startBenchServer(b, filepath.Join(dir, "temporal.db"))
	key, err := codec.NewKey("bench")
	require.NoError(b, err)
	return newQuotaStackOn(b, dir, benchServer{hostPort: srv.FrontendHostPort(), namespace: "default", client: srv.Client()}, key, name, interval)
}

// newQuotaStackOn is a quota stack on a running server whose workers seal
// payloads with key.
func newQuotaStackOn(b *testing.B, dir string, srv benchServer, key, name, interval string) *quotaStack {
	ctx := context.Background()
	q := &quotaStack{dir: dir, taskQueue: "bench-" + name, integration: name, meter: &shopMeter{}, key: key,
		hostPort: srv.hostPort, namespace: srv.namespace, client: srv.client}
	q.sealed = sealedClient(b, srv.hostPort, srv.namespace, key)
	q.shop = ccvsim.New(ccvsim.Options{PublicKey: ccvPublic, SecretKey: ccvSecret})
	q.till = mplussim.New(mplussim.Options{Ident: mplusIdent, Secret: mplusToken})
	shopSrv, err := simkit.Start("127.0.0.1:0", q.meter.wrap(q.shop))
	require.NoError(b, err)
	b.Cleanup(func() { _ = shopSrv.Close() })
	tillSrv, err := simkit.Start("127.0.0.1:0", q.till)
	require.NoError(b, err)
	b.Cleanup(func() { _ = tillSrv.Close() })
	for i, p := range benchCatalogue {
		q.till.AddProduct(mplussim.Product{ArticleNumber: int64(2001 + i), PLU: p.sku, Description: p.name, PriceInclCents: p.cents})
	}
	cl, err := mplus.New(mplus.Config{BaseURL: tillSrv.URL, Ident: mplusIdent, Secret: mplusToken})
	require.NoError(b, err)
	q.customers = benchCustomers()
	for _, cu := range q.customers {
		_, err := cl.CreateCustomer(ctx, cu)
		require.NoError(b, err)
	}
	q.file = filepath.Join(q.dir, name+".yaml")
	require.NoError(b, os.WriteFile(q.file, []byte(fmt.Sprintf(`
integrations:
  - name: %s
    source: {system: ccvshop, baseURL: %q, credentials: {publicKey: B_CCV_PUBLIC, secretKey: B_CCV_SECRET}}
    target: {system: mplus, baseURL: %q, credentials: {ident: B_MPLUS_IDENT, secret: B_MPLUS_SECRET}}
    flows:
      orders: {interval: %s, startFrom: 2026-01-01}
`, name, shopSrv.URL, tillSrv.URL, interval)), 0o600))
	return q
}

// startWorker starts a worker process on the stack; it is stopped at the
// end of the benchmark, also when a run fails half way.
func (q *quotaStack) startWorker(b *testing.B) *workerProcess {
	w := startWorkerProcess(b, q.dir, q.hostPort, q.taskQueue, q.file, q.key, "TEMPORAL_NAMESPACE="+q.namespace)
	b.Cleanup(w.stop)
	return w
}

// waitForPollers waits until Temporal lists n activity pollers on the task
// queue, then for every worker's fleet watch to have seen them.
func (q *quotaStack) waitForPollers(b *testing.B, n int) {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := q.client.DescribeTaskQueue(context.Background(), q.taskQueue, enumspb.TASK_QUEUE_TYPE_ACTIVITY)
		require.NoError(b, err)
		if len(resp.Pollers) >= n {
			break
		}
		require.True(b, time.Now().Before(deadline), "only %d of %d workers poll", len(resp.Pollers), n)
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(12 * time.Second) // one fleet-watch round (10 s) and a margin
}

// BenchmarkSharedQuota: three worker processes drain a backlog of orders
// (KOPPEL_BENCH_BACKLOG, default 1,000) from the CCV Shop simulator at its
// published limits. Together they must stay within the key's quota (no 429)
// and use it (≥ 90 % of the 150 reads a minute on the orders resource while
// the backlog lasts): each derives its share from the live pollers of the
// task queue.
func BenchmarkSharedQuota(b *testing.B) {
	n := benchSetting(b, "KOPPEL_BENCH_BACKLOG", 1000)
	for i := 0; i < b.N; i++ {
		q := newQuotaStack(b, "quota"+strconv.Itoa(i), "1h")
		r := q.drainBacklog(b, n, 3)
		b.ReportMetric(float64(r.tooMany), "429s")
		b.ReportMetric(100*r.share(), "%-of-read-quota")
		fmt.Printf("\nShared quota: %d orders, 3 worker processes, CCV Shop at 150 reads/min per resource\n  %s\n\n", n, r)
		require.Zero(b, r.tooMany, "the workers together exceeded the shop's quota")
	}
}

// quotaRun is what draining a backlog at the shop's limits measured.
type quotaRun struct {
	took, span     time.Duration
	reads, tooMany int
	perMinute      []int
}

// share is the part of the read quota on /orders the workers used while
// they read.
func (r quotaRun) share() float64 {
	return float64(r.reads) / r.span.Minutes() / ccvshop.DefaultReadsPerMinute
}

func (r quotaRun) String() string {
	return fmt.Sprintf("took %s; reads of /orders: %d in %s = %.1f/min = %.0f %% of the quota (minute by minute: %v); 429 answers: %d",
		r.took.Round(time.Second), r.reads, r.span.Round(time.Second), float64(r.reads)/r.span.Minutes(), 100*r.share(), r.perMinute, r.tooMany)
}

// drainBacklog puts n paid orders in the shop and backfills them with
// workers worker processes; every order must reach the till once.
func (q *quotaStack) drainBacklog(b *testing.B, n, workers int) quotaRun {
	from := time.Now().Add(-time.Hour).Truncate(time.Second)
	for _, o := range benchOrders(n, q.customers, benchCatalogue, from) {
		q.shop.AddOrder(o)
	}
	var started []*workerProcess
	for range workers {
		started = append(started, q.startWorker(b))
	}
	q.waitForPollers(b, workers)
	start := time.Now()
	backfillAll(b, context.Background(), q.client, q.integration, q.taskQueue, from.Add(-time.Minute), from.Add(time.Hour))
	waitClosed(b, context.Background(), q.client, q.integration, n)
	r := quotaRun{took: time.Since(start)}
	for _, w := range started {
		w.stop()
	}
	require.Len(b, q.till.Orders(), n, "every order reached the till exactly once")
	r.reads, r.tooMany, r.span, r.perMinute = q.meter.read()
	return r
}

// BenchmarkWaitingOrders: with 1,000 orders waiting for payment at CCV
// Shop's published limits, a new paid order still reaches the till within
// two poll intervals (the default interval of a minute): new orders are
// read first and rechecks only use their share of the read quota.
func BenchmarkWaitingOrders(b *testing.B) {
	const waiting = 1000
	for i := 0; i < b.N; i++ {
		q := newQuotaStack(b, "waiting"+strconv.Itoa(i), "1m")
		from := time.Now().Add(-time.Hour).Truncate(time.Second)
		for j, o := range benchOrders(waiting, q.customers, benchCatalogue, from) {
			o.Paid = j < 0 // none paid
			q.shop.AddOrder(o)
		}
		w := q.startWorker(b)
		ctx := context.Background()
		f, err := config.Load(q.file)
		require.NoError(b, err)
		_, err = kworker.ApplySchedules(ctx, q.sealed, f, q.taskQueue)
		require.NoError(b, err)
		sched := q.sealed.ScheduleClient().GetHandle(ctx, workflows.ScheduleID(q.integration, workflows.FlowOrders))

		// After the first run every order waits in its cursor.
		first := waitScheduledRun(b, q.sealed, sched, 1)
		require.Equal(b, waiting, first.LastRun.Waiting)

		placed := time.Now()
		o := benchOrders(1, q.customers, benchCatalogue, placed.Truncate(time.Second))[0]
		id := q.shop.AddOrder(o)
		ext := q.integration + "-" + id
		for {
			if _, ok := tillOrder(q.till, ext); ok {
				break
			}
			require.Less(b, time.Since(placed), 3*time.Minute, "the new order never reached the till")
			time.Sleep(100 * time.Millisecond)
		}
		took := time.Since(placed)
		w.stop()
		_ = sched.Delete(ctx)
		b.ReportMetric(took.Seconds(), "s-to-till")
		reads, tooMany, _, _ := q.meter.read()
		fmt.Printf("\nWaiting orders: %d waiting, poll interval 1m; a new paid order reached the till after %s (limit: two intervals); "+
			"reads of /orders so far %d, 429 answers %d\n\n", waiting, took.Round(100*time.Millisecond), reads, tooMany)
		require.Less(b, took, 2*time.Minute, "a new paid order must reach the till within two poll intervals")
	}
}

// waitScheduledRun waits for the schedule's n-th run to complete and returns its cursor.
func waitScheduledRun(b *testing.B, c client.Client, h client.ScheduleHandle, n int) workflows.OrderCursor {
	ctx := context.Background()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		d, err := h.Describe(ctx)
		require.NoError(b, err)
		if len(d.Info.RecentActions) >= n {
			a := d.Info.RecentActions[n-1].StartWorkflowResult
			var cur workflows.OrderCursor
			require.NoError(b, c.GetWorkflow(ctx, a.WorkflowID, a.FirstExecutionRunID).Get(ctx, &cur))
			return cur
		}
		require.True(b, time.Now().Before(deadline), "the schedule ran %d times, not %d", len(d.Info.RecentActions), n)
		time.Sleep(time.Second)
	}
}

func tillOrder(till *mplussim.Sim, ext string) (mplussim.Order, bool) {
	for _, o := range till.Orders() {
		if o.ExtOrderID == ext {
			return o, true
		}
	}
	return mplussim.Order{}, false
}
