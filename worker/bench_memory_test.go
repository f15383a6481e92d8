package worker_test

import (
	"fmt"
	"slices"
	"testing"
)

// BenchmarkBackfillMemory backfills a large number of CCV Shop orders
// (KOPPEL_BENCH_BACKFILL, default 100,000) into MplusKASSA through the real
// dev server and the worker process, sampling the worker's resident set
// every two seconds: it must stay flat (no growth with the number of
// orders) and at or below 150 MB.
func BenchmarkBackfillMemory(b *testing.B) {
	env := newBenchEnv(b)
	n := benchSetting(b, "KOPPEL_BENCH_BACKFILL", 100000)
	run := runRealSync(b, env.ctx, env.server(), env.dir, n, 1, env.key, ccvBenchSource(), 1)
	require := func(cond bool, format string, args ...any) {
		if !cond {
			b.Errorf(format, args...)
		}
	}
	require(len(run.rss) >= 4, "only %d RSS samples", len(run.rss))
	if len(run.rss) < 4 {
		return
	}
	q := len(run.rss) / 4
	mean := func(v []int64) float64 {
		var t int64
		for _, x := range v {
			t += x
		}
		return float64(t) / float64(len(v)) / 1024
	}
	first, last := mean(run.rss[:q]), mean(run.rss[len(run.rss)-q:])
	peak := float64(slices.Max(run.rss)) / 1024
	fmt.Printf("\nBackfill of %d CCV Shop orders into MplusKASSA on the dev server: %.1f orders/s, %s in all\n",
		n, float64(n)/run.took.Seconds(), run.took.Round(1e9))
	fmt.Printf("  worker RSS (MiB), sampled every 2 s (%d samples): first quarter %.1f, last quarter %.1f, highest %.1f (VmHWM %.1f)\n\n",
		len(run.rss), first, last, peak, float64(run.workerPeakRSS)/1024)
	b.ReportMetric(peak, "worker-peak-RSS-MiB")
	b.ReportMetric(last-first, "RSS-growth-MiB")
	b.ReportMetric(float64(n)/run.took.Seconds(), "orders/s")
	require(peak <= 150*1.048576, "the worker's RSS reached %.1f MiB, over 150 MB", peak)
	require(last-first <= 0.2*first, "the worker's RSS grew from %.1f to %.1f MiB over the backfill", first, last)
}
