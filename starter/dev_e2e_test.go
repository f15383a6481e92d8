package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/koppel/koppel/activities"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/workflows"
)

// The two-shops file the way `starter dev` runs it, on a real dev server:
// its simulators, the derived file, the schedules it applies and a worker
// given the demo credentials. Both shops' orders reach the one till, each
// under its own prefix.
func TestTwoShopsOrdersReachTheirTill(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	cli := os.Getenv("KOPPEL_TEMPORAL_CLI")
	if cli == "" {
		cli, _ = filepath.Abs("../bin/temporal")
	}
	if _, err := os.Stat(cli); err != nil {
		t.Skip("the Temporal CLI is not built; run make bin/temporal to run this test")
	}
	ctx := context.Background()
	sa := make([]temporal.SearchAttributeUpdate, 0, len(workflows.Keywords))
	for _, k := range workflows.Keywords {
		sa = append(sa, k.ValueSet(""))
	}
	srv, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:     cli,
		ClientOptions:    &client.Options{Namespace: "default", Logger: log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))},
		LogLevel:         "error",
		SearchAttributes: temporal.NewSearchAttributes(sa...),
		Stdout:           io.Discard,
		Stderr:           io.Discard,
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Stop() })
	c := srv.Client()

	sims, f := startFileSims(t, twoShopsFile, t.TempDir())
	env := map[string]string{}
	for _, kv := range sims.credentialEnv() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	acts, err := activities.Build(f, func(k string) (string, bool) { v, ok := env[k]; return v, ok }, nil)
	require.NoError(t, err)
	acts.UIAddress, acts.Namespace, acts.Temporal = "http://127.0.0.1:8233", "default", c
	const taskQueue = "dev-e2e"
	w := kworker.New(c, taskQueue, acts)
	require.NoError(t, w.Start())
	t.Cleanup(w.Stop)

	_, err = kworker.ApplySchedules(ctx, c, f, taskQueue)
	require.NoError(t, err)
	for _, in := range f.Integrations {
		h := c.ScheduleClient().GetHandle(ctx, workflows.ScheduleID(in.Name, workflows.FlowOrders))
		require.NoError(t, h.Trigger(ctx, client.ScheduleTriggerOptions{}))
	}

	// Each shop's demo: eleven orders, two unpaid and one with a SKU the
	// till does not know; the other eight arrive.
	var want []string
	for _, shop := range []struct {
		prefix string
		first  int
	}{{"noord-", 1001}, {"zuid-", 2001}} {
		for i := range 11 {
			if i == 4 || i == 5 || i == 8 {
				continue
			}
			want = append(want, shop.prefix+strconv.Itoa(shop.first+i))
		}
	}
	slices.Sort(want)
	till := sims.tillOf(t, 0)
	got := func() []string {
		var ids []string
		for _, o := range till.Orders() {
			ids = append(ids, o.ExtOrderID)
		}
		slices.Sort(ids)
		return ids
	}
	if !assert.Eventually(t, func() bool { return slices.Equal(want, got()) }, 3*time.Minute, 500*time.Millisecond) {
		t.Fatalf("till orders: want %v, got %v", want, got())
	}
}
