package worker_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/connectors/vismanet"
	vnsim "github.com/koppel/koppel/connectors/vismanet/sim"
)

// BenchmarkVismaNetOrderSync pushes N orders (KOPPEL_BENCH_ORDERS, default
// 1,000; five lines each; customers and items known) from the CCV Shop
// simulator through the dev server and the worker binary into the
// Visma.net simulator as sales orders, then the same number through the
// no-op activities. Beside the rates it reports the calls per order on
// each Visma.net endpoint and the share of the hourly quota (counted per
// company and API client, all endpoints together) 1,000 orders take.
func BenchmarkVismaNetOrderSync(b *testing.B) {
	e := newBenchEnv(b)
	for i := 0; i < b.N; i++ {
		var perEndpoint map[string]int // the calls of one round: they are the same every round
		real, noop := e.alternate(b, i, func(round int) syncRun {
			var run syncRun
			run, perEndpoint = runVismaNetSync(b, e.ctx, e.srv.FrontendHostPort(), e.srv.Client(), e.dir, e.n, round, e.key)
			return run
		})
		report(b, "Order sync CCV Shop → Visma.net", e.n, real, noop)
		reportHourlyQuota(b, e.n, perEndpoint)
	}
}

func runVismaNetSync(b *testing.B, ctx context.Context, hostPort string, c client.Client, dir string, n, iter int, key string) (syncRun, map[string]int) {
	var srcCalls, tgtCalls atomic.Int64
	shop := ccvsim.New(ccvsim.Options{PublicKey: ccvPublic, SecretKey: ccvSecret, ReadsPerMinute: -1, WritesPerMinute: -1})
	vn := vnsim.New(vnsim.Options{ClientID: vnsim.DemoClientID, ClientSecret: vnsim.DemoClientSecret, TenantID: vnsim.DemoTenantID,
		RequestsPerHour: -1})
	vnsim.SeedDemo(vn, simkit.DemoContext{Now: time.Now(), Instance: 1})
	vn.SetPricesIncludeVAT(true) // the shop's prices include VAT
	shopSrv, err := simkit.Start("127.0.0.1:0", countCalls(shop, &srcCalls))
	require.NoError(b, err)
	defer shopSrv.Close()
	vnSrv, err := simkit.Start("127.0.0.1:0", countCalls(vn, &tgtCalls))
	require.NoError(b, err)
	defer vnSrv.Close()

	// The customers are created through our own client, so they are
	// exactly what the flow would write.
	cl, err := vismanet.New(vismanet.Config{BaseURL: vnSrv.URL, ClientID: vnsim.DemoClientID, ClientSecret: vnsim.DemoClientSecret,
		TenantID: vnsim.DemoTenantID, RequestsPerHour: -1})
	require.NoError(b, err)
	customers := benchCustomers()
	for _, cu := range customers {
		_, err := cl.CreateCustomer(ctx, cu)
		require.NoError(b, err)
	}
	from := time.Now().Add(-time.Hour).Truncate(time.Second)
	for _, o := range benchOrders(n, customers, benchCatalogue, from) {
		shop.AddOrder(o)
	}

	integration := fmt.Sprintf("benchvn%d", iter)
	taskQueue := "bench-vn-" + strconv.Itoa(iter)
	file := filepath.Join(dir, integration+".yaml")
	require.NoError(b, os.WriteFile(file, []byte(fmt.Sprintf(`
integrations:
  - name: %s
    source: {system: ccvshop, baseURL: %q, rateLimit: {readsPerMinute: -1, writesPerMinute: -1}, credentials: {publicKey: B_CCV_PUBLIC, secretKey: B_CCV_SECRET}}
    target: {system: vismanet, baseURL: %q, rateLimit: {totalPerMinute: -1}, credentials: {clientId: B_VN_ID, clientSecret: B_VN_SECRET, tenantId: B_VN_TENANT},
             options: {pricesIncludeVat: "true", shippingItem: VERZENDKOSTEN, discountItem: KORTING, costItem: KOSTEN}}
    flows:
      orders: {interval: 1h, startFrom: 2026-01-01}
    countries:
      NL: {vatCodes: {"21": "1", "9": "2", "0": "3"}}
`, integration, shopSrv.URL, vnSrv.URL)), 0o600))

	wk := startWorkerProcess(b, dir, hostPort, taskQueue, file, key,
		"B_VN_ID="+vnsim.DemoClientID, "B_VN_SECRET="+vnsim.DemoClientSecret, "B_VN_TENANT="+vnsim.DemoTenantID)
	defer wk.stop()
	before := vn.Calls().Snapshot()
	run := measureSync(b, ctx, c, hostPort, []*workerProcess{wk}, syncWindow{integration, taskQueue, from, n}, &srcCalls, &tgtCalls)
	require.Len(b, vn.SalesOrders(), n, "every order reached Visma.net exactly once")
	perEndpoint := map[string]int{}
	for op, k := range vn.Calls().Snapshot() {
		if d := k - before[op]; d > 0 {
			perEndpoint[op] = d
		}
	}
	return run, perEndpoint
}

// reportHourlyQuota prints the calls per order on each endpoint and the
// share of the hourly quota, which counts every endpoint together, that
// 1,000 orders take.
func reportHourlyQuota(b *testing.B, n int, perEndpoint map[string]int) {
	fmt.Printf("  Visma.net calls per order, by endpoint (token requests included):\n")
	_, total := printCallsPerOrder(n, perEndpoint)
	per1000 := float64(total) / float64(n) * 1000
	share := per1000 / float64(vismanet.DefaultRequestsPerHour)
	b.ReportMetric(100*share, "%-hourly-quota-per-1000-orders")
	fmt.Printf("  1,000 orders take %.0f calls: %.0f %% of an hour's quota of %d (the production figure research gives; "+
		"the API reports the real one)\n\n", per1000, 100*share, vismanet.DefaultRequestsPerHour)
}
