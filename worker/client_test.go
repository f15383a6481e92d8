package worker_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/workflowservice/v1"
	"go.uber.org/zap"
	"google.golang.org/grpc"

	"github.com/koppel/koppel/config"
	kworker "github.com/koppel/koppel/worker"
)

// systemInfoOnly is a frontend that answers the one call a dial makes.
type systemInfoOnly struct {
	workflowservice.UnimplementedWorkflowServiceServer
}

func (systemInfoOnly) GetSystemInfo(context.Context, *workflowservice.GetSystemInfoRequest) (*workflowservice.GetSystemInfoResponse, error) {
	return &workflowservice.GetSystemInfoResponse{}, nil
}

// A worker started while the server is (re)starting waits for it instead
// of exiting: here a gRPC server appears on the address after 2.5 s.
func TestDialAndWaitWaitsForAServerThatStartsLate(t *testing.T) {
	addr := freeLoopbackAddr(t)
	served := make(chan *grpc.Server, 1)
	go func() {
		time.Sleep(2500 * time.Millisecond)
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			served <- nil
			return
		}
		srv := grpc.NewServer()
		workflowservice.RegisterWorkflowServiceServer(srv, systemInfoOnly{})
		served <- srv
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		if srv := <-served; srv != nil {
			srv.Stop()
		}
	})
	started := time.Now()
	c, err := kworker.DialAndWait(context.Background(), config.Process{TemporalAddress: addr, TemporalNamespace: "koppel",
		ConnectWait: time.Minute}, zap.NewNop(), nil)
	require.NoError(t, err)
	c.Close()
	assert.GreaterOrEqual(t, time.Since(started), 2*time.Second, "it waited for the server")
}

func TestDialAndWaitGivesUpAfterConnectWait(t *testing.T) {
	addr := freeLoopbackAddr(t)
	started := time.Now()
	_, err := kworker.DialAndWait(context.Background(), config.Process{TemporalAddress: addr, TemporalNamespace: "koppel",
		ConnectWait: 3 * time.Second}, zap.NewNop(), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is the server running")
	assert.GreaterOrEqual(t, time.Since(started), 3*time.Second)

	started = time.Now()
	_, err = kworker.DialAndWait(context.Background(), config.Process{TemporalAddress: addr, TemporalNamespace: "koppel"}, zap.NewNop(), nil)
	require.Error(t, err)
	assert.Less(t, time.Since(started), 2*time.Second, "KOPPEL_CONNECT_WAIT=0 gives up at once")
}
