package worker_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/workflowservice/v1"

	kworker "github.com/koppel/koppel/worker"
)

func TestSetupSetsRetentionOnceAndKeepsSearchAttributes(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	s := newStack(t, stackOptions{})
	ctx := context.Background()
	changes, err := kworker.Setup(ctx, s.client, "default", kworker.DefaultRetention)
	require.NoError(t, err)
	d, err := s.client.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: "default"})
	require.NoError(t, err)
	assert.Equal(t, 7*24*time.Hour, d.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration())
	assert.NotEmpty(t, changes, "the dev server starts with a shorter retention")

	again, err := kworker.Setup(ctx, s.client, "default", kworker.DefaultRetention)
	require.NoError(t, err)
	assert.Empty(t, again, "a second setup changes nothing")

	changes, err = kworker.Setup(ctx, s.client, "koppel-new", 3*24*time.Hour)
	require.NoError(t, err)
	assert.Contains(t, changes[0], "namespace koppel-new created")

	_, err = kworker.Setup(ctx, s.client, "default", time.Hour)
	assert.ErrorContains(t, err, "shorter than a day")
}
