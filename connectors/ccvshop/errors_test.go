package ccvshop_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/ccvshop"
)

// A developermessage quoting a customer's e-mail and phone reaches Error()
// without them; Detail keeps the full text for encrypted storage.
func TestDeveloperMessageIsScrubbed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"status":400,"code":"400.1","developermessage":"user els@example.be (+32 2 123 45 67) is blocked"}`))
	}))
	defer srv.Close()
	c, err := ccvshop.New(ccvshop.Config{BaseURL: srv.URL, PublicKey: pub, SecretKey: secret, ReadsPerMinute: -1})
	require.NoError(t, err)
	_, err = c.GetOrder(context.Background(), "1")
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindValidation, ce.Kind)
	assert.Equal(t, "400.1", ce.Code)
	assert.Contains(t, err.Error(), "user [redacted] ([redacted]) is blocked")
	assert.NotContains(t, err.Error(), "els@example.be")
	assert.Equal(t, "user els@example.be (+32 2 123 45 67) is blocked", ce.Detail)
}
