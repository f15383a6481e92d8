package worker_test

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/worker/codec"
)

// syncBuffer collects log output from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The worker's log, at debug level and through failing calls, holds none of
// the credentials, the encryption key, or the customer's personal data.
func TestLogsHoldNoSecretsOrPersonalData(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	var out syncBuffer
	z := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(&out), zap.DebugLevel))
	key, err := codec.NewKey("logs")
	require.NoError(t, err)
	wrongSecret := "wrong-mplus-secret-d41d"
	s := newStack(t, stackOptions{seal: true, keys: key, logger: kworker.SDKLogger(z), workerMplusSecret: wrongSecret})
	s.seedCatalogue(coffee)
	created := time.Now().Add(-time.Hour).Truncate(time.Second)
	cust := person("Gerrit", "Zwartjes", "g.zwartjes@example.nl")
	id := s.ccv.AddOrder(order(cust, created, true, coffee.line(1)))
	s.backfill(created.Add(-time.Minute), time.Now())

	_, err = s.orderResult(id)
	require.Error(t, err, "the till refuses the wrong secret")
	assert.Contains(t, err.Error(), "AuthError")
	logs := out.String()
	require.Contains(t, logs, "AuthError", "the failure is logged")
	assert.Contains(t, logs, `"msg":"order not synced"`)
	assert.Contains(t, logs, `"Integration":"shop"`, "log lines name the integration")
	assert.Contains(t, logs, `"OrderNumber":"2026-1"`, "and the order")
	_, keyB64, _ := stringsCut(key, ":")
	for _, secret := range []string{ccvSecret, mplusToken, wrongSecret, keyB64, "Zwartjes", "g.zwartjes@example.nl"} {
		assert.NotContains(t, logs, secret)
	}
}

func stringsCut(s, sep string) (string, string, bool) {
	i := bytes.Index([]byte(s), []byte(sep))
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}
