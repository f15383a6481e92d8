package worker_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	prodstack "github.com/koppel/koppel/starter/stack"
)

// benchStackPorts keep clear of make run, make stack and make chaos.
var benchStackPorts = prodstack.Ports{Postgres: 31432, Frontend: 31233, UI: 32233, Codec: 32234, ServerMetrics: 32000,
	WorkerMetrics: 32464, Prometheus: 32090}

// BenchmarkProductionShape: the order sync on the production shape — the
// Temporal server built from tools.mod on PostgreSQL, with the compose
// file's configuration — with 1, 2 and 3 worker processes, each next to the
// no-op bound of the same shape (the same workflows with steps that do
// nothing, on as many worker processes); then three worker processes draining a
// backlog from CCV Shop at its published limits, sharing the quota.
// KOPPEL_BENCH_ORDERS orders per run (default 1,000), KOPPEL_BENCH_ROUNDS
// rounds (default 3) of real and no-op runs, KOPPEL_BENCH_WORKERS one count
// of worker processes alone (default: 1, 2 and 3), KOPPEL_BENCH_BACKLOG
// orders in the backlog (default 1,000).
func BenchmarkProductionShape(b *testing.B) {
	for _, bin := range []string{"temporal-server", "temporal-sql-tool"} {
		_, err := os.Stat(filepath.Join("..", "bin", bin))
		require.NoError(b, err, "bin/%s: make bench builds it", bin)
	}
	_, err := prodstack.PGBinary("initdb")
	require.NoError(b, err)
	n := benchSetting(b, "KOPPEL_BENCH_ORDERS", 1000)
	rounds := benchSetting(b, "KOPPEL_BENCH_ROUNDS", 3)
	backlog := benchSetting(b, "KOPPEL_BENCH_BACKLOG", 1000)
	ctx := context.Background()

	// The stack sets its secrets and address in this process's environment
	// for its children; the other benchmarks must not inherit them.
	for _, k := range []string{"KOPPEL_ENCRYPTION_KEYS", "KOPPEL_CODEC_TOKEN", "POSTGRES_PASSWORD", "TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE"} {
		if v, ok := os.LookupEnv(k); ok {
			b.Setenv(k, v)
		} else {
			b.Setenv(k, "")
			require.NoError(b, os.Unsetenv(k))
		}
	}
	// PostgreSQL runs as an unprivileged user when the benchmark runs as
	// root: its folder must be reachable for that user.
	dir, err := os.MkdirTemp("", "koppel-bench-stack-")
	require.NoError(b, err)
	require.NoError(b, os.Chmod(dir, 0o755))
	b.Cleanup(func() { _ = os.RemoveAll(dir) })
	st, err := prodstack.New(filepath.Join(dir, "stack"), "..", benchStackPorts)
	require.NoError(b, err)
	b.Cleanup(st.StopAll)
	proc, c, _, err := st.StartServerSide(ctx)
	require.NoError(b, err)
	b.Cleanup(c.Close)
	srv := benchServer{hostPort: proc.TemporalAddress, namespace: proc.TemporalNamespace, client: c}
	key := st.Secrets["KOPPEL_ENCRYPTION_KEYS"]
	work := filepath.Join(dir, "work")
	require.NoError(b, os.MkdirAll(work, 0o755))

	// b.Run: -bench 'BenchmarkProductionShape/quota' runs one part alone.
	b.Run("workers", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			benchShapeWorkers(b, ctx, srv, key, work, n, rounds)
		}
	})
	b.Run("quota", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			q := newQuotaStackOn(b, work, srv, key, "psquota"+strconv.Itoa(i), "1h")
			quota := q.drainBacklog(b, backlog, 3)
			fmt.Printf("\nThe production shape, shared quota: %d orders, 3 worker processes, CCV Shop at 150 reads/min per resource\n  %s\n\n",
				backlog, quota)
			b.ReportMetric(100*quota.share(), "%-of-read-quota")
			b.ReportMetric(float64(quota.tooMany), "429s")
			require.Zero(b, quota.tooMany, "the workers together exceeded the shop's quota")
		}
	})
}

// benchShapeWorkers compares real and no-op runs on the stack with 1, 2
// and 3 worker processes and prints the table of medians.
func benchShapeWorkers(b *testing.B, ctx context.Context, srv benchServer, key, work string, n, rounds int) {
	type shapeRow struct {
		workers    int
		real, noop []syncRun
	}
	var rows []shapeRow
	counts := []int{1, 2, 3}
	if os.Getenv("KOPPEL_BENCH_WORKERS") != "" {
		counts = []int{benchSetting(b, "KOPPEL_BENCH_WORKERS", 3)}
	}
	for _, workers := range counts {
		row := shapeRow{workers: workers}
		for r := 0; r < rounds; r++ {
			round := 100*workers + r
			realRun := func() {
				row.real = append(row.real, runRealSync(b, ctx, srv, work, n, round, key, ccvBenchSource(), workers))
			}
			noopRun := func() { row.noop = append(row.noop, runNoopProcesses(b, ctx, srv, key, n, round, workers)) }
			if r%2 == 0 { // alternate which goes first, so drift falls on both alike
				realRun()
				noopRun()
			} else {
				noopRun()
				realRun()
			}
		}
		printRuns(b, fmt.Sprintf("Order sync CCV Shop → MplusKASSA, %d worker process(es)", workers),
			"the production shape (Temporal server on PostgreSQL)", n, row.real, row.noop, false)
		rows = append(rows, row)
	}
	rate := func(r syncRun) float64 { return float64(n) / r.took.Seconds() }
	// CPU ms per order, the median over the rounds of one part.
	cpu := func(runs []syncRun, part func(cpuUse) time.Duration) float64 {
		v := make([]float64, len(runs))
		for i, r := range runs {
			v[i] = float64(part(r.cpu).Microseconds()) / 1000 / float64(n)
		}
		return median(v)
	}
	workerCPU := func(u cpuUse) time.Duration { return u.worker }
	benchCPU := func(u cpuUse) time.Duration { return u.bench }
	restCPU := func(u cpuUse) time.Duration { return u.busy - u.worker - u.bench }
	fmt.Printf("\nThe production shape (Temporal server from tools.mod on PostgreSQL), %d orders, medians of %d rounds\n", n, rounds)
	fmt.Printf("  %-8s %9s %12s %6s   %s\n", "workers", "orders/s", "no-op bound", "ratio",
		"CPU ms/order: worker real/no-op, simulators, server and PostgreSQL real/no-op")
	for _, row := range rows {
		real, noop, ratios := make([]float64, rounds), make([]float64, rounds), make([]float64, rounds)
		for r := range row.real {
			real[r], noop[r] = rate(row.real[r]), rate(row.noop[r])
			ratios[r] = real[r] / noop[r]
		}
		fmt.Printf("  %-8d %9.1f %12.1f %5.0f %%   %.1f/%.1f, %.1f, %.1f/%.1f\n", row.workers, median(real), median(noop), 100*median(ratios),
			cpu(row.real, workerCPU), cpu(row.noop, workerCPU), cpu(row.real, benchCPU), cpu(row.real, restCPU), cpu(row.noop, restCPU))
		b.ReportMetric(median(real), fmt.Sprintf("orders/s-%dw", row.workers))
		b.ReportMetric(100*median(ratios), fmt.Sprintf("%%-of-bound-%dw", row.workers))
	}
	fmt.Println()
}
