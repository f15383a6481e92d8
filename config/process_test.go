package config_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/config"
)

// An empty variable means the default; "off" turns the worker's metrics
// endpoint off (several workers on one machine need not fight over a port).
func TestMetricsAddressOffTurnsTheEndpointOff(t *testing.T) {
	t.Setenv("KOPPEL_PLAINTEXT_PAYLOADS", "true")
	t.Setenv("KOPPEL_METRICS_ADDRESS", "")
	p, err := config.LoadProcess()
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:9464", p.MetricsAddress)

	t.Setenv("KOPPEL_METRICS_ADDRESS", "off")
	p, err = config.LoadProcess()
	require.NoError(t, err)
	assert.Empty(t, p.MetricsAddress)

	t.Setenv("KOPPEL_METRICS_ADDRESS", "0.0.0.0:9500")
	p, err = config.LoadProcess()
	require.NoError(t, err)
	assert.Equal(t, "0.0.0.0:9500", p.MetricsAddress)
}

func TestConnectWaitDefaultsToTwoMinutes(t *testing.T) {
	t.Setenv("KOPPEL_PLAINTEXT_PAYLOADS", "true")
	p, err := config.LoadProcess()
	require.NoError(t, err)
	assert.Equal(t, "2m0s", p.ConnectWait.String())
	t.Setenv("KOPPEL_CONNECT_WAIT", "0s")
	p, err = config.LoadProcess()
	require.NoError(t, err)
	assert.Zero(t, p.ConnectWait)
}
