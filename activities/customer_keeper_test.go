package activities

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
)

// The keeper's upsert tells Temporal it lives (the keeper schedules it with
// a short heartbeat timeout, so a dead worker's upsert is retried soon):
// without heartbeats every upsert would time out on a healthy worker too.
func TestUpsertCustomerHeartbeats(t *testing.T) {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestActivityEnvironment()
	target := newFakeTarget()
	acts := actsWith(target, config.OrderFlow{})
	env.RegisterActivity(acts)
	beats := 0
	env.SetOnActivityHeartbeatListener(func(*activity.Info, converter.EncodedValues) { beats++ })
	val, err := env.ExecuteActivity(acts.UpsertCustomer, UpsertCustomerInput{Integration: "demo",
		Match: connectors.CustomerMatch{Field: "email", Value: "jan@example.nl"}, Customer: person("jan@example.nl")})
	require.NoError(t, err)
	var res EnsureCustomerResult
	require.NoError(t, val.Get(&res))
	assert.Len(t, target.created, 1)
	assert.Positive(t, beats, "it heartbeats from its start")
}
