package worker_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/workflows"
)

// /metrics shows the SDK's metrics and ours: records per outcome, calls to
// each outside system with status and latency.
func TestMetricsShowRecordsAndCalls(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	m := kworker.NewMetrics()
	s := newStack(t, stackOptions{metrics: m, catalogFlows: []string{"customers: {}"}})
	s.seedCatalogue(coffee)
	s.ccv.AddUser(person("Els", "Bakker", "els@example.nl"))
	s.runCatalog(t, "", workflows.CustomerSyncWorkflow, workflows.CatalogInput{Integration: "shop"})
	created := time.Now().Add(-time.Hour).Truncate(time.Second)
	okID := s.ccv.AddOrder(order(person("Jan", "Visser", "jan@example.nl"), created, true, coffee.line(1)))
	failID := s.ccv.AddOrder(order(person("Jan", "Visser", "jan@example.nl"), created.Add(time.Minute), true, mug.line(1)))
	s.backfill(created.Add(-time.Minute), time.Now())
	_, err := s.orderResult(okID)
	require.NoError(t, err)
	_, err = s.orderResult(failID)
	require.Error(t, err)

	srv := httptest.NewServer(m.HTTPHandler())
	defer srv.Close()
	scrape := func() string {
		resp, err := srv.Client().Get(srv.URL)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	var text string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		// tally reports once a second
		if text = scrape(); hasMetric(text, "koppel_records_total", `outcome="failed"`, "} 1") && hasMetric(text, "koppel_api_calls_total", `operation="createOrder"`, "} 1") &&
			hasMetric(text, "koppel_records_total", `flow="customers"`) {
			break
		}
	}
	assert.True(t, hasMetric(text, "koppel_records_total", `integration="shop"`, `flow="orders"`, `outcome="failed"`, "} 1"), grepKoppel(text))
	assert.True(t, hasMetric(text, "koppel_records_total", `integration="shop"`, `flow="orders"`, `outcome="created"`, "} 1"))
	assert.True(t, hasMetric(text, "koppel_records_total", `integration="shop"`, `flow="customers"`, `outcome="created"`, "} 1"), grepKoppel(text))
	assert.True(t, hasMetric(text, "koppel_api_calls_total", `operation="createOrder"`, `status="200"`, `system="mplus"`, "} 1"))
	assert.True(t, hasMetric(text, "koppel_api_call_latency_seconds_bucket", `system="ccvshop"`, `status="200"`))
	assert.True(t, hasMetric(text, "temporal_workflow_completed_total"), "the SDK's own metrics are there too")

	// The Grafana dashboard and the alerting rules ask only for metrics a
	// worker really exports (no Grafana runs here: the names are checked).
	for _, f := range []string{"../deploy/grafana/koppel-dashboard.json", "../deploy/prometheus/koppel-rules.yml"} {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		if strings.HasSuffix(f, ".json") {
			var d struct {
				Panels []struct {
					Title   string `json:"title"`
					Targets []struct {
						Expr string `json:"expr"`
					} `json:"targets"`
				} `json:"panels"`
			}
			require.NoError(t, json.Unmarshal(raw, &d), "the dashboard is JSON")
			require.NotEmpty(t, d.Panels)
			for _, p := range d.Panels {
				require.NotEmpty(t, p.Targets, p.Title)
			}
		}
		for _, name := range metricNameRE.FindAllString(string(raw), -1) {
			assert.True(t, exported(text, name), "%s asks for %s, which no worker exports", f, name)
		}
	}
}

// metricNameRE finds the worker-side metric names in a query: Koppel's and
// the SDK's (the server's schedule_* are the server's own).
var metricNameRE = regexp.MustCompile(`\b(koppel|temporal)_[a-z_]+`)

// exported reports whether a scrape holds the metric, or it is one of ours
// that appears only once used.
func exported(text, name string) bool {
	for _, m := range kworker.MetricsOnceUsed {
		if strings.HasPrefix(name, m) {
			return true
		}
	}
	return strings.Contains(text, "\n"+name+"{") || strings.Contains(text, "\n"+name+" ")
}

// hasMetric reports whether a line of the scrape has the name and every part.
func hasMetric(text, name string, parts ...string) bool {
	for _, l := range strings.Split(text, "\n") {
		if !strings.HasPrefix(l, name+"{") && !strings.HasPrefix(l, name+" ") {
			continue
		}
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(l, p)
		}
		if ok {
			return true
		}
	}
	return false
}

func grepKoppel(text string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "koppel_") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// With the endpoint off nothing is recorded: the SDK gets the no-op
// handler, and the connectors' observer is only what was passed on.
func TestNoMetricsRecordNothing(t *testing.T) {
	m := kworker.NoMetrics()
	assert.Equal(t, client.MetricsNopHandler, m.Handler)
	assert.Nil(t, m.ObserveCalls(nil))
	var seen []string
	observe := m.ObserveCalls(func(system, op string, status int, _ time.Duration, _ error) {
		seen = append(seen, fmt.Sprintf("%s %s %d", system, op, status))
	})
	observe("mplus", "createOrder", 200, time.Millisecond, nil)
	assert.Equal(t, []string{"mplus createOrder 200"}, seen)
	rec := httptest.NewRecorder()
	m.HTTPHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	assert.Equal(t, 404, rec.Code)
}
