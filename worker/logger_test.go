package worker_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/log"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	kworker "github.com/koppel/koppel/worker"
)

// The SDK's lines reach zap at their level with the context the SDK added,
// naming the SDK's call site (here: this file) as the caller; lines below
// the level are dropped.
func TestSDKLoggerKeepsLevelContextAndCaller(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	l := log.With(kworker.SDKLogger(zap.New(core, zap.AddCaller())), "WorkflowID", "shop/order/1")
	l.Debug("polled a task", "TaskQueue", "koppel")
	l.Info("order written", "OrderID", "1")
	l.Error("order not synced", "Error", "boom")

	require.Equal(t, 2, logs.Len(), "the debug line is below the level")
	info, failed := logs.All()[0], logs.All()[1]
	assert.Equal(t, "order written", info.Message)
	assert.Equal(t, map[string]any{"WorkflowID": "shop/order/1", "OrderID": "1"}, info.ContextMap())
	assert.Equal(t, zap.ErrorLevel, failed.Level)
	assert.Equal(t, map[string]any{"WorkflowID": "shop/order/1", "Error": "boom"}, failed.ContextMap())
	assert.Equal(t, "logger_test.go", filepath.Base(info.Caller.File))
}
