package worker_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
