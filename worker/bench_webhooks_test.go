package worker_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors/ccvshop"
	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	mplussim "github.com/koppel/koppel/connectors/mplus/sim"
	"github.com/koppel/koppel/connectors/simkit"
	kworker "github.com/koppel/koppel/worker"
)

// BenchmarkWebhookLatency measures how long a paid order takes to reach the
// till: orders are created in the CCV Shop simulator at a steady rate
// (KOPPEL_BENCH_RATE a second, default 5) and paid half a second later, N of
// them (KOPPEL_BENCH_LATENCY_ORDERS, default 300). With webhooks the shop
// signs and sends its events to the receiver process, which hands them to
// the real dev server and the worker process; with polling only, the
// schedule polls every KOPPEL_BENCH_POLL_SECONDS (default 15, the demo's).
// It prints p50/p95/p99 from "paid in the shop" to "stored by the till".
func BenchmarkWebhookLatency(b *testing.B) {
	env := newBenchEnv(b)
	n := benchSetting(b, "KOPPEL_BENCH_LATENCY_ORDERS", 300)
	rate := benchSetting(b, "KOPPEL_BENCH_RATE", 5)
	poll := time.Duration(benchSetting(b, "KOPPEL_BENCH_POLL_SECONDS", 15)) * time.Second
	hooked := runLatency(b, env, n, rate, 0, 1)
	polled := runLatency(b, env, n, rate, poll, 2)
	fmt.Printf("\nCCV Shop → MplusKASSA, %d orders paid at %d a second, from paid in the shop to stored by the till:\n", n, rate)
	fmt.Printf("  %-30s p50 %7s  p95 %7s  p99 %7s  max %7s\n", "webhooks (receiver process)", hooked[0], hooked[1], hooked[2], hooked[3])
	fmt.Printf("  %-30s p50 %7s  p95 %7s  p99 %7s  max %7s\n", fmt.Sprintf("polling only, every %s", poll), polled[0], polled[1], polled[2], polled[3])
	fmt.Printf("  target with webhooks on 2 cores: p50 ≤ 1 s, p95 ≤ 3 s\n\n")
	b.ReportMetric(hooked[0].Seconds(), "webhook-p50-s")
	b.ReportMetric(hooked[1].Seconds(), "webhook-p95-s")
	b.ReportMetric(hooked[2].Seconds(), "webhook-p99-s")
	b.ReportMetric(polled[0].Seconds(), "poll-p50-s")
	b.ReportMetric(polled[1].Seconds(), "poll-p95-s")
}

// runLatency runs one measurement: webhooks when poll is 0, else polling
// only at that interval. It returns p50, p95, p99 and the maximum.
func runLatency(b *testing.B, env benchEnv, n, rate int, poll time.Duration, iter int) [4]time.Duration {
	ctx := env.ctx
	shop := ccvsim.New(ccvsim.Options{PublicKey: ccvPublic, SecretKey: ccvSecret, ReadsPerMinute: -1, WritesPerMinute: -1,
		WebhookRetries: []time.Duration{time.Second, 2 * time.Second, 5 * time.Second}})
	defer shop.Close()
	till := mplussim.New(mplussim.Options{Ident: mplusIdent, Secret: mplusToken})
	shopSrv, err := simkit.Start("127.0.0.1:0", shop)
	require.NoError(b, err)
	defer shopSrv.Close()
	tillSrv, err := simkit.Start("127.0.0.1:0", till)
	require.NoError(b, err)
	defer tillSrv.Close()
	customers := seedBenchTill(b, ctx, till, tillSrv.URL)

	integration := fmt.Sprintf("latency%d", iter)
	taskQueue := "bench-latency-" + fmt.Sprint(iter)
	hookAddr := freeLoopbackAddr(b)
	var keys []string
	webhooks := ""
	interval := "1h"
	if poll == 0 {
		for _, ev := range []string{ccvshop.EventOrderCreated, ccvshop.EventOrderPaid} {
			wh, err := shop.AddWebhook(ev, ccvshop.WebhookAddress("http://"+hookAddr+"/webhooks/"+integration, ev), true)
			require.NoError(b, err)
			keys = append(keys, wh.Key)
		}
		webhooks = "    webhooks: {secret: B_CCV_HOOK_KEYS, pollInterval: 1h}\n"
	} else {
		interval = poll.String()
	}
	file := filepath.Join(env.dir, integration+".yaml")
	require.NoError(b, os.WriteFile(file, []byte(fmt.Sprintf(`
integrations:
  - name: %s
    source: {system: ccvshop, baseURL: %q, rateLimit: {readsPerMinute: -1, writesPerMinute: -1}, credentials: {publicKey: B_CCV_PUBLIC, secretKey: B_CCV_SECRET}}
    target: {system: mplus, baseURL: %q, credentials: {ident: B_MPLUS_IDENT, secret: B_MPLUS_SECRET}}
%s    flows:
      orders: {interval: %s, startFrom: 2026-01-01}
`, integration, shopSrv.URL, tillSrv.URL, webhooks, interval)), 0o600))
	hookEnv := "B_CCV_HOOK_KEYS=" + strings.Join(keys, ",")
	wk := startWorkerProcess(b, env.dir, env.srv.FrontendHostPort(), taskQueue, file, env.key, hookEnv)
	defer wk.stop()
	waitPolling(b, ctx, env.srv.Client(), taskQueue, 1)
	if poll == 0 {
		recv := startReceiverProcess(b, env.dir, env.srv.FrontendHostPort(), taskQueue, file, env.key, hookAddr, hookEnv)
		defer recv.stop()
	} else {
		f, err := config.Load(file)
		require.NoError(b, err)
		_, err = kworker.ApplySchedules(ctx, env.sealed, f, taskQueue)
		require.NoError(b, err)
	}

	// Orders at a steady rate, each paid half a second after it is created.
	paidAt := make(map[string]time.Time, n)
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	type pending struct {
		id  string
		pay time.Time
	}
	var toPay []pending
	orders := benchOrders(n, customers, benchCatalogue, time.Now())
	for i := 0; i < n || len(toPay) > 0; {
		now := <-tick.C
		for len(toPay) > 0 && !now.Before(toPay[0].pay) {
			require.NoError(b, shop.SetPaid(toPay[0].id, true))
			paidAt[toPay[0].id] = time.Now()
			toPay = toPay[1:]
		}
		if i < n {
			o := orders[i]
			o.Paid, o.CreatedAt = false, time.Now()
			toPay = append(toPay, pending{id: shop.AddOrder(o), pay: time.Now().Add(500 * time.Millisecond)})
			i++
		}
	}
	deadline := time.Now().Add(2*poll + 2*time.Minute)
	for len(till.Orders()) < n {
		require.True(b, time.Now().Before(deadline), "%d of %d orders reached the till", len(till.Orders()), n)
		time.Sleep(100 * time.Millisecond)
	}
	waitClosed(b, ctx, env.srv.Client(), integration, n) // the last workflow tasks too, before the server stops
	var took []time.Duration
	for _, o := range till.Orders() {
		id := strings.TrimPrefix(o.ExtOrderID, integration+"-")
		paid, ok := paidAt[id]
		require.True(b, ok, "till order %s is no order of this run", o.ExtOrderID)
		took = append(took, o.CreatedAt.Sub(paid))
	}
	require.Len(b, took, n, "every order once")
	slices.Sort(took)
	pct := func(p float64) time.Duration {
		return took[min(len(took)-1, int(p*float64(len(took))))].Round(10 * time.Millisecond)
	}
	return [4]time.Duration{pct(0.50), pct(0.95), pct(0.99), took[len(took)-1].Round(10 * time.Millisecond)}
}

// freeLoopbackAddr picks a free loopback port for a process to listen on.
func freeLoopbackAddr(b testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	addr := ln.Addr().String()
	require.NoError(b, ln.Close())
	return addr
}

// startReceiverProcess runs `koppel-worker webhooks` and waits until it answers.
func startReceiverProcess(b *testing.B, dir, hostPort, taskQueue, file, key, addr string, env ...string) *workerProcess {
	p := startKoppelProcess(b, dir, []string{"webhooks"}, hostPort, taskQueue, file, key, append(env, "KOPPEL_WEBHOOKS_ADDRESS="+addr)...)
	require.Eventually(b, func() bool {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 30*time.Second, 50*time.Millisecond, "the receiver does not answer")
	return p
}
