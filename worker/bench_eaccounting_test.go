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

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/eaccounting"
	easim "github.com/koppel/koppel/connectors/eaccounting/sim"
	"github.com/koppel/koppel/connectors/simkit"
	kworker "github.com/koppel/koppel/worker"
)

// BenchmarkEAccountingOrderSync pushes N orders (KOPPEL_BENCH_ORDERS, default
// 1,000; five lines each; customers and articles known) from the CCV Shop
// simulator through the dev server and the worker binary into the
// eAccounting simulator as orders, the tokens held by the token keeper,
// then the same number through the no-op activities. Beside the rates it
// reports the calls per order on each eAccounting endpoint: the published
// quota is 600 a minute per endpoint, so the busiest endpoint bounds how
// many orders a minute one app can book.
func BenchmarkEAccountingOrderSync(b *testing.B) {
	e := newBenchEnv(b)
	for i := 0; i < b.N; i++ {
		var perEndpoint map[string]int // the calls of one round: they are the same every round
		real, noop := e.alternate(b, i, func(round int) syncRun {
			var run syncRun
			run, perEndpoint = runEAccountingSync(b, e.ctx, e.srv.FrontendHostPort(), e.srv.Client(), e.sealed, e.dir, e.n, round, e.key)
			return run
		})
		report(b, "Order sync CCV Shop → eAccounting", e.n, real, noop)
		reportQuota(b, e.n, perEndpoint)
	}
}

func runEAccountingSync(b *testing.B, ctx context.Context, hostPort string, c, sealed client.Client, dir string, n, iter int, key string) (syncRun, map[string]int) {
	var srcCalls, tgtCalls atomic.Int64
	shop := ccvsim.New(ccvsim.Options{PublicKey: ccvPublic, SecretKey: ccvSecret, ReadsPerMinute: -1, WritesPerMinute: -1})
	ea := easim.New(easim.Options{ClientID: easim.DemoClientID, ClientSecret: easim.DemoClientSecret, RequestsPerMinute: -1})
	easim.SeedDemo(ea, simkit.DemoContext{Now: time.Now(), Instance: 1})
	company := ea.Company()
	company.ShowPricesExclVatPC = true // private persons' documents include VAT, as the shop's prices do
	ea.SetCompany(company)
	shopSrv, err := simkit.Start("127.0.0.1:0", countCalls(shop, &srcCalls))
	require.NoError(b, err)
	defer shopSrv.Close()
	eaSrv, err := simkit.Start("127.0.0.1:0", countCalls(ea, &tgtCalls))
	require.NoError(b, err)
	defer eaSrv.Close()

	// The consent, as starter connect gives it; the customers are created
	// through our own client, so they are exactly what the flow would write.
	oa, err := eaccounting.OAuthFromSettings(connectors.Settings{BaseURL: eaSrv.URL,
		Credentials: map[string]string{eaccounting.CredClientID: easim.DemoClientID, eaccounting.CredClientSecret: easim.DemoClientSecret}})
	require.NoError(b, err)
	code, err := ea.Authorize(oa.RedirectURI, oa.Scopes...)
	require.NoError(b, err)
	tok, err := oa.Exchange(ctx, code)
	require.NoError(b, err)
	cl, err := eaccounting.New(eaccounting.Config{BaseURL: eaSrv.URL, ClientID: easim.DemoClientID, RequestsPerMinute: -1,
		Tokens: eaccounting.StaticToken(tok.AccessToken)})
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

	integration := fmt.Sprintf("benchea%d", iter)
	taskQueue := "bench-ea-" + strconv.Itoa(iter)
	file := filepath.Join(dir, integration+".yaml")
	require.NoError(b, os.WriteFile(file, []byte(fmt.Sprintf(`
integrations:
  - name: %s
    source: {system: ccvshop, baseURL: %q, rateLimit: {readsPerMinute: -1, writesPerMinute: -1}, credentials: {publicKey: B_CCV_PUBLIC, secretKey: B_CCV_SECRET}}
    target: {system: eaccounting, baseURL: %q, rateLimit: {totalPerMinute: -1}, credentials: {clientId: B_EA_ID, clientSecret: B_EA_SECRET},
             options: {roundingArticle: "21%%=KORTING-21, 9%%=KORTING-9, 0%%=AFRONDING-0"}}
    flows:
      orders: {interval: 1h, startFrom: 2026-01-01}
`, integration, shopSrv.URL, eaSrv.URL)), 0o600))

	wk := startWorkerProcess(b, dir, hostPort, taskQueue, file, key, "B_EA_ID="+easim.DemoClientID, "B_EA_SECRET="+easim.DemoClientSecret)
	defer wk.stop()
	// A fresh pair for the keeper (the first one's refresh token stays unused).
	code, err = ea.Authorize(oa.RedirectURI, oa.Scopes...)
	require.NoError(b, err)
	tok, err = oa.Exchange(ctx, code)
	require.NoError(b, err)
	ref := activities.TokenKeeperRef{Integration: integration, Side: activities.SideTarget, System: eaccounting.System, ClientID: easim.DemoClientID}
	_, err = activities.ConnectTokenKeeper(ctx, sealed, taskQueue, kworker.IDKey(config.Process{EncryptionKeys: key}), ref,
		activities.TokenSet{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry, Lifetime: tok.Lifetime, Scope: tok.Scope})
	require.NoError(b, err)

	before := ea.Calls().Snapshot()
	run := measureSync(b, ctx, c, hostPort, []*workerProcess{wk}, syncWindow{integration, taskQueue, from, n}, &srcCalls, &tgtCalls)
	require.Len(b, ea.Orders(), n, "every order reached eAccounting exactly once")
	perEndpoint := map[string]int{}
	for op, k := range ea.Calls().Snapshot() {
		if d := k - before[op]; d > 0 {
			perEndpoint[op] = d
		}
	}
	return run, perEndpoint
}

// reportQuota prints the calls per order on each endpoint and the orders a
// minute the published quota of the busiest one allows.
func reportQuota(b *testing.B, n int, perEndpoint map[string]int) {
	fmt.Printf("  eAccounting calls per order, by endpoint (quota %d a minute each):\n", eaccounting.DefaultRequestsPerMinute)
	ops, _ := printCallsPerOrder(n, perEndpoint)
	if len(ops) > 0 {
		busiest := float64(perEndpoint[ops[0]]) / float64(n)
		bound := float64(eaccounting.DefaultRequestsPerMinute) / busiest
		b.ReportMetric(bound, "quota-bound-orders/min")
		fmt.Printf("  the busiest endpoint (%s) bounds one app to %.0f orders a minute\n\n", ops[0], bound)
	}
}
