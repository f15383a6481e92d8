package workflows_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/workflows"
)

// TestReplayRecordedHistories replays histories recorded from real runs on the
// dev server (worker/e2e_test.go writes them with make record-histories). A
// change to a workflow that would break the histories of running workflows
// fails here: version it with workflow.GetVersion instead. Histories from
// before a versioned change are kept to prove old runs still replay.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob("testdata/histories/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files, "no recorded histories; run make record-histories")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflow(workflows.OrderSyncWorkflow)
			r.RegisterWorkflow(workflows.OrderWorkflow)
			r.RegisterWorkflow(workflows.OrderHintWorkflow)
			r.RegisterWorkflow(workflows.NotifyFailureWorkflow)
			r.RegisterWorkflow(workflows.ProductSyncWorkflow)
			r.RegisterWorkflow(workflows.StockSyncWorkflow)
			r.RegisterWorkflow(workflows.StockRunWorkflow)
			r.RegisterWorkflow(workflows.CustomerSyncWorkflow)
			r.RegisterWorkflowWithOptions(workflows.CustomerKeeperWorkflow, workflow.RegisterOptions{Name: activities.CustomerKeeperWorkflowName})
			file, err := os.Open(f)
			require.NoError(t, err)
			defer file.Close()
			h, err := client.HistoryFromJSON(file, client.HistoryJSONOptions{})
			require.NoError(t, err)
			// The run's own id: child ids are made from it.
			started := h.GetEvents()[0].GetWorkflowExecutionStartedEventAttributes()
			require.NoError(t, r.ReplayWorkflowHistoryWithOptions(nil, h, worker.ReplayWorkflowHistoryOptions{
				OriginalExecution: workflow.Execution{ID: started.GetWorkflowId(), RunID: started.GetOriginalExecutionRunId()},
			}))
		})
	}
}
