package worker_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/ecwid"
	ecwidsim "github.com/koppel/koppel/connectors/ecwid/sim"
	possim "github.com/koppel/koppel/connectors/salespos/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// BenchmarkSalesPOSOrderSync pushes N till sales (KOPPEL_BENCH_ORDERS,
// default 1,000; five lines each; one in four a walk-in sale, booked on
// the walk-in customer; the other customers and the products known) from
// the SalesPOS simulator through the dev server and the worker binary
// into the Ecwid simulator, then the same number through the no-op
// activities. Beside the rates it reports the Ecwid calls per order by
// endpoint and how many orders a minute Ecwid's 600 requests a minute
// per token allow.
func BenchmarkSalesPOSOrderSync(b *testing.B) {
	e := newBenchEnv(b)
	for i := 0; i < b.N; i++ {
		var perEndpoint map[string]int // the calls of one round: they are the same every round
		real, noop := e.alternate(b, i, func(round int) syncRun {
			var run syncRun
			run, perEndpoint = runSalesPOSSync(b, e.ctx, e.srv.FrontendHostPort(), e.srv.Client(), e.dir, e.n, round, e.key)
			return run
		})
		report(b, "Order sync CCV SalesPOS → Ecwid", e.n, real, noop)
		reportPerMinuteQuota(b, "Ecwid", e.n, perEndpoint, ecwid.DefaultRequestsPerMinute)
	}
}

func runSalesPOSSync(b *testing.B, ctx context.Context, hostPort string, c client.Client, dir string, n, iter int, key string) (syncRun, map[string]int) {
	var srcCalls, tgtCalls atomic.Int64
	pos := possim.New(ccvsim.Options{PublicKey: ccvPublic, SecretKey: ccvSecret, ReadsPerMinute: -1, WritesPerMinute: -1})
	store := ecwidsim.New(ecwidsim.Options{RequestsPerMinute: -1})
	seedEcwidCatalogue(b, store, benchCatalogue)
	posSrv, err := simkit.Start("127.0.0.1:0", countCalls(pos, &srcCalls))
	require.NoError(b, err)
	defer posSrv.Close()
	storeSrv, err := simkit.Start("127.0.0.1:0", countCalls(store, &tgtCalls))
	require.NoError(b, err)
	defer storeSrv.Close()

	// The customers are created through our own client, so they are
	// exactly what the flow would write.
	cl, err := ecwid.New(ecwid.Config{BaseURL: storeSrv.URL, StoreID: strconv.Itoa(ecwidsim.DemoStoreID), Token: ecwidsim.DemoToken,
		RequestsPerMinute: -1})
	require.NoError(b, err)
	customers := benchCustomers()
	for _, cu := range customers {
		_, err := cl.CreateCustomer(ctx, cu)
		require.NoError(b, err)
	}
	walkIn, err := cl.CreateCustomer(ctx, model.Customer{Kind: model.CustomerPerson, Email: "kassa@winkel.example",
		Person: model.Person{LastName: "Kassa"}})
	require.NoError(b, err)
	from := time.Now().Add(-time.Hour).Truncate(time.Second)
	for i, o := range benchOrders(n, customers, benchCatalogue, from) {
		if i%4 == 3 {
			o.Customer = model.Customer{}
		}
		o.Status = model.StatusCompleted
		pos.AddSale(ccvsim.Sale{Order: o, RegisterID: int64(1 + i%2), StoreID: 1})
	}

	integration := fmt.Sprintf("benchpos%d", iter)
	taskQueue := "bench-pos-" + strconv.Itoa(iter)
	file := filepath.Join(dir, integration+".yaml")
	require.NoError(b, os.WriteFile(file, []byte(fmt.Sprintf(`
integrations:
  - name: %s
    source: {system: salespos, baseURL: %q, rateLimit: {readsPerMinute: -1, writesPerMinute: -1}, credentials: {publicKey: B_CCV_PUBLIC, secretKey: B_CCV_SECRET},
             options: {pricesIncludeVat: "true"}}
    target: {system: ecwid, baseURL: %q, rateLimit: {totalPerMinute: -1}, credentials: {storeId: B_EC_STORE, token: B_EC_TOKEN}}
    flows:
      orders: {interval: 1h, startFrom: 2026-01-01, walkInDebtor: %q}
`, integration, posSrv.URL, storeSrv.URL, walkIn)), 0o600))

	wk := startWorkerProcess(b, dir, hostPort, taskQueue, file, key,
		"B_EC_STORE="+strconv.Itoa(ecwidsim.DemoStoreID), "B_EC_TOKEN="+ecwidsim.DemoToken)
	defer wk.stop()
	before := store.Calls().Snapshot()
	run := measureSync(b, ctx, c, hostPort, []*workerProcess{wk}, syncWindow{integration, taskQueue, from, n}, &srcCalls, &tgtCalls)
	require.Len(b, store.Orders(), n, "every sale reached Ecwid exactly once")
	perEndpoint := map[string]int{}
	for op, k := range store.Calls().Snapshot() {
		if d := k - before[op]; d > 0 {
			perEndpoint[op] = d
		}
	}
	return run, perEndpoint
}

// reportPerMinuteQuota prints the calls per order on each endpoint of a
// system whose quota counts every call together, and the orders a minute
// that quota allows.
func reportPerMinuteQuota(b *testing.B, system string, n int, perEndpoint map[string]int, perMinute int) {
	fmt.Printf("  %s calls per order, by endpoint:\n", system)
	_, total := printCallsPerOrder(n, perEndpoint)
	perOrder := float64(total) / float64(n)
	b.ReportMetric(perOrder, "target-calls/order")
	if perOrder > 0 {
		bound := float64(perMinute) / perOrder
		b.ReportMetric(bound, "quota-bound-orders/min")
		fmt.Printf("  %.2f calls per order: the quota of %d a minute allows %.0f orders a minute\n\n", perOrder, perMinute, bound)
	}
}

// printCallsPerOrder prints the calls per order on each endpoint, busiest
// first, and returns the endpoints in that order and the calls in all.
func printCallsPerOrder(n int, perEndpoint map[string]int) (busiestFirst []string, total int) {
	for op, k := range perEndpoint {
		busiestFirst = append(busiestFirst, op)
		total += k
	}
	slices.SortFunc(busiestFirst, func(x, y string) int {
		if d := perEndpoint[y] - perEndpoint[x]; d != 0 {
			return d
		}
		return strings.Compare(x, y)
	})
	for _, op := range busiestFirst {
		fmt.Printf("    %-45s %5.2f\n", op, float64(perEndpoint[op])/float64(n))
	}
	return busiestFirst, total
}
