package worker_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"github.com/koppel/koppel/connectors/httpkit"
	kworker "github.com/koppel/koppel/worker"
)

// On a real server the activity pollers of two worker processes show under
// their identities, this one's under the SDK's default identity, so the
// fleet is counted as two, this process once.
func TestWatchFleetOnDevServer(t *testing.T) {
	srv, err := testsuite.StartDevServer(context.Background(), testsuite.DevServerOptions{
		ExistingPath: temporalCLI(t), ClientOptions: &client.Options{Namespace: "default", Logger: quiet}, LogLevel: "error"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Stop() })
	other, err := client.Dial(client.Options{HostPort: srv.FrontendHostPort(), Namespace: "default", Identity: "1@other-host@", Logger: quiet})
	require.NoError(t, err)
	t.Cleanup(other.Close)
	for _, c := range []client.Client{srv.Client(), other} {
		w := worker.New(c, "fleet", worker.Options{})
		w.RegisterActivityWithOptions(func(context.Context) error { return nil }, activity.RegisterOptions{Name: "noop"})
		require.NoError(t, w.Start())
		t.Cleanup(w.Stop)
	}
	require.Eventually(t, func() bool { // both have polled
		resp, err := srv.Client().DescribeTaskQueue(context.Background(), "fleet", enumspb.TASK_QUEUE_TYPE_ACTIVITY)
		return err == nil && len(resp.GetPollers()) == 2
	}, 20*time.Second, 100*time.Millisecond)

	t.Cleanup(func() { httpkit.SetFleetSize(1) })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go kworker.WatchFleet(ctx, srv.Client(), "fleet", zap.NewNop())
	require.Eventually(t, func() bool { return httpkit.FleetSize() == 2 }, 5*time.Second, 20*time.Millisecond)
}
