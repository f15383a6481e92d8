package worker

import (
	"net/http"
	"strconv"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/uber-go/tally/v4"
	tallyprom "github.com/uber-go/tally/v4/prometheus"
	"go.temporal.io/sdk/client"
	sdktally "go.temporal.io/sdk/contrib/tally"

	"github.com/koppel/koppel/connectors"
)

// Metrics collects the SDK's metrics and Koppel's own (records per outcome,
// outside-API calls and their latency) for Prometheus.
type Metrics struct {
	// Handler goes into client.Options.MetricsHandler; workflows and
	// activities reach it through the SDK.
	Handler  client.MetricsHandler
	reporter tallyprom.Reporter
}

// NewMetrics builds a registry of its own, so tests and several workers in
// one process do not collide.
func NewMetrics() *Metrics {
	reg := prom.NewRegistry()
	reporter := tallyprom.NewReporter(tallyprom.Options{Registerer: reg,
		DefaultTimerType: tallyprom.HistogramTimerType})
	scope, _ := tally.NewRootScope(tally.ScopeOptions{
		CachedReporter:  reporter,
		Separator:       tallyprom.DefaultSeparator,
		SanitizeOptions: &sdktally.PrometheusSanitizeOptions,
	}, time.Second)
	return &Metrics{Handler: sdktally.NewMetricsHandler(sdktally.NewPrometheusNamingScope(scope)), reporter: reporter}
}

// NoMetrics is Metrics for a worker whose endpoint is off
// (KOPPEL_METRICS_ADDRESS=off): nothing could read them, so neither the SDK
// nor the connectors spend time recording them.
func NoMetrics() *Metrics {
	return &Metrics{Handler: client.MetricsNopHandler}
}

// MetricsOnceUsed are Koppel's metrics that appear only once their event
// happened (a 429, a limiter wait, a webhook), as Prometheus names them;
// the dashboard and alert checks accept them without a sample.
var MetricsOnceUsed = []string{"koppel_api_rate_limited_total", "koppel_rate_limiter_wait_seconds", "koppel_webhook_deliveries_total"}

// HTTPHandler serves /metrics; for NoMetrics it answers 404.
func (m *Metrics) HTTPHandler() http.Handler {
	if m.reporter == nil {
		return http.NotFoundHandler()
	}
	return m.reporter.HTTPHandler()
}

// ObserveCalls counts every outside-API call per system, operation and
// status, times it, and counts 429s apart; pass it to activities.Build.
// For NoMetrics it is next alone.
func (m *Metrics) ObserveCalls(next connectors.CallObserver) connectors.CallObserver {
	if m.reporter == nil {
		return next
	}
	return func(system, op string, status int, took time.Duration, err error) {
		if op == connectors.OpLimiterWait {
			m.Handler.WithTags(map[string]string{"system": system}).Timer("koppel_rate_limiter_wait").Record(took)
			if next != nil {
				next(system, op, status, took, err)
			}
			return
		}
		h := m.Handler.WithTags(map[string]string{"system": system, "operation": op, "status": statusLabel(status, err)})
		h.Counter("koppel_api_calls").Inc(1)
		h.Timer("koppel_api_call_latency").Record(took)
		if status == http.StatusTooManyRequests || connectors.IsKind(err, connectors.KindRateLimited) {
			m.Handler.WithTags(map[string]string{"system": system}).Counter("koppel_api_rate_limited").Inc(1)
		}
		if next != nil {
			next(system, op, status, took, err)
		}
	}
}

func statusLabel(status int, err error) string {
	switch {
	case status != 0:
		return strconv.Itoa(status)
	case err != nil:
		return "no_answer"
	}
	return "ok"
}
