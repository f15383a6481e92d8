package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/config"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/workflows"
)

// fileStack is an integration file run the way `starter dev` runs it, on a
// real dev server: its simulators, the derived file, a worker given the demo
// credentials, and the file's schedules applied.
type fileStack struct {
	client client.Client
	sims   *devSims
	file   *config.File
}

// startFileStack starts it, skipping the test when the Temporal CLI is not
// built or the test is short.
func startFileStack(t *testing.T, path, taskQueue string) *fileStack {
	t.Helper()
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

	sims, f := startFileSims(t, path, t.TempDir())
	env := map[string]string{}
	for _, kv := range sims.credentialEnv() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	acts, err := activities.Build(f, func(k string) (string, bool) { v, ok := env[k]; return v, ok }, nil)
	require.NoError(t, err)
	acts.UIAddress, acts.Namespace, acts.Temporal = "http://127.0.0.1:8233", "default", c
	w := kworker.New(c, taskQueue, acts)
	require.NoError(t, w.Start())
	t.Cleanup(w.Stop)
	_, err = kworker.ApplySchedules(ctx, c, f, taskQueue)
	require.NoError(t, err)
	return &fileStack{client: c, sims: sims, file: f}
}

// triggerOrders starts every integration's orders schedule at once.
func (s *fileStack) triggerOrders(t *testing.T) {
	t.Helper()
	for _, in := range s.file.Integrations {
		h := s.client.ScheduleClient().GetHandle(context.Background(), workflows.ScheduleID(in.Name, workflows.FlowOrders))
		require.NoError(t, h.Trigger(context.Background(), client.ScheduleTriggerOptions{}))
	}
}
