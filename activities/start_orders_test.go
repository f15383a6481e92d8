package activities

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"
)

// fakeStarts is the Temporal client as StartOrders uses it: ids in taken
// exist already, and down makes every start fail as an unreachable server.
type fakeStarts struct {
	client.Client
	taken   map[string]bool
	down    bool
	options []client.StartWorkflowOptions
	inputs  []any
}

func (f *fakeStarts) ExecuteWorkflow(_ context.Context, o client.StartWorkflowOptions, wf any, args ...any) (client.WorkflowRun, error) {
	if f.down {
		return nil, serviceerror.NewUnavailable("connection refused")
	}
	if wf != OrderWorkflowName || len(args) != 1 {
		return nil, errors.New("not the order workflow")
	}
	if f.taken[o.ID] {
		return nil, serviceerror.NewWorkflowExecutionAlreadyStarted("already started", "", "run")
	}
	f.options = append(f.options, o)
	f.inputs = append(f.inputs, args[0])
	return nil, nil
}

func orderStarts(ids ...string) StartOrdersInput {
	var in StartOrdersInput
	for _, id := range ids {
		in.Orders = append(in.Orders, OrderStart{WorkflowID: "demo/order/" + id, Keywords: map[string]string{"Integration": "demo", "OrderNumber": "WEB-" + id},
			Input: OrderInput{Integration: "demo", OrderID: id, OrderNumber: "WEB-" + id}})
	}
	return in
}

func runStartOrders(t *testing.T, c client.Client, in StartOrdersInput, before *StartOrdersResult) (StartOrdersResult, error) {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestActivityEnvironment()
	acts := &Activities{Temporal: c}
	env.RegisterActivity(acts)
	if before != nil {
		env.SetHeartbeatDetails(*before)
	}
	val, err := env.ExecuteActivity(acts.StartOrders, in)
	if err != nil {
		return StartOrdersResult{}, err
	}
	var res StartOrdersResult
	require.NoError(t, val.Get(&res))
	return res, nil
}

// Each order starts once under its id on the worker's own task queue; an id
// that exists (a synced or running order) is reported, not started again,
// and only a failed one may run again.
func TestStartOrdersStartsEachOnceUnderItsID(t *testing.T) {
	c := &fakeStarts{taken: map[string]bool{"demo/order/2": true}}
	res, err := runStartOrders(t, c, orderStarts("1", "2", "3"), nil)
	require.NoError(t, err)
	assert.Equal(t, []bool{true, false, true}, res.Started)
	require.Len(t, c.options, 2)
	o := c.options[0]
	assert.Equal(t, "demo/order/1", o.ID)
	assert.Equal(t, "default-test-taskqueue", o.TaskQueue)
	assert.Equal(t, enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY, o.WorkflowIDReusePolicy)
	assert.True(t, o.WorkflowExecutionErrorWhenAlreadyStarted, "a running order must be reported, not joined")
	assert.Equal(t, 2, o.TypedSearchAttributes.Size())
	assert.Equal(t, OrderInput{Integration: "demo", OrderID: "1", OrderNumber: "WEB-1"}, c.inputs[0])
}

// A retry after a crash goes on from its last heartbeat: the orders the
// first attempt started are reported as started, not as known.
func TestStartOrdersGoesOnFromItsLastHeartbeat(t *testing.T) {
	c := &fakeStarts{taken: map[string]bool{"demo/order/1": true}}
	res, err := runStartOrders(t, c, orderStarts("1", "2"), &StartOrdersResult{Started: []bool{true}})
	require.NoError(t, err)
	assert.Equal(t, []bool{true, true}, res.Started)
	require.Len(t, c.options, 1)
	assert.Equal(t, "demo/order/2", c.options[0].ID)
}

// A server that cannot be reached fails the attempt, to be retried; it is
// not read as "already started".
func TestStartOrdersFailsWhenTheServerIsDown(t *testing.T) {
	_, err := runStartOrders(t, &fakeStarts{down: true}, orderStarts("1"), nil)
	require.ErrorContains(t, err, "connection refused")
}
