package worker

import (
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/workflows"
)

// Register adds every workflow and the activities to a worker (or a test
// environment or replayer). Activity names are the method names: never rename them.
func Register(r worker.Registry, acts *activities.Activities) {
	r.RegisterWorkflow(workflows.OrderSyncWorkflow)
	r.RegisterWorkflow(workflows.OrderWorkflow)
	r.RegisterWorkflow(workflows.OrderHintWorkflow)
	r.RegisterWorkflow(workflows.NotifyFailureWorkflow)
	r.RegisterWorkflow(workflows.DigestWorkflow)
	r.RegisterWorkflow(workflows.ProductSyncWorkflow)
	r.RegisterWorkflow(workflows.StockSyncWorkflow)
	r.RegisterWorkflow(workflows.StockRunWorkflow)
	r.RegisterWorkflow(workflows.CustomerSyncWorkflow)
	r.RegisterWorkflowWithOptions(workflows.CustomerKeeperWorkflow, workflow.RegisterOptions{Name: activities.CustomerKeeperWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.TokenKeeperWorkflow, workflow.RegisterOptions{Name: activities.TokenKeeperWorkflowName})
	r.RegisterActivity(acts)
}

// New builds a worker on the task queue with everything registered.
func New(c client.Client, taskQueue string, acts *activities.Activities) worker.Worker {
	w := worker.New(c, taskQueue, worker.Options{
		// Local activities run inside workflow tasks; give both room.
		MaxConcurrentWorkflowTaskPollers: 4,
		MaxConcurrentActivityTaskPollers: 4,
	})
	Register(w, acts)
	return w
}
