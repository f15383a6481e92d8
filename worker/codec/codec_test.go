package codec_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/koppel/koppel/worker/codec"
)

func keys(t *testing.T, ids ...string) string {
	var out []string
	for _, id := range ids {
		k, err := codec.NewKey(id)
		require.NoError(t, err)
		out = append(out, k)
	}
	return strings.Join(out, ",")
}

func TestSealedPayloadHidesDataAndOpensAgain(t *testing.T) {
	ring, err := codec.ParseKeys(keys(t, "k1"), "")
	require.NoError(t, err)
	dc := codec.DataConverter(ring)
	p, err := dc.ToPayload(map[string]string{"email": "jan@example.nl", "price": "19.99"})
	require.NoError(t, err)
	assert.NotContains(t, string(p.Data), "jan@example.nl")
	assert.Equal(t, "binary/encrypted", string(p.Metadata[converter.MetadataEncoding]))
	assert.Equal(t, "k1", string(p.Metadata[codec.MetadataKeyID]))
	var back map[string]string
	require.NoError(t, dc.FromPayload(p, &back))
	assert.Equal(t, "jan@example.nl", back["email"])
}

func TestKeyRotationKeepsOldPayloadsReadable(t *testing.T) {
	old := keys(t, "2025")
	oldRing, err := codec.ParseKeys(old, "")
	require.NoError(t, err)
	sealed, err := codec.DataConverter(oldRing).ToPayload("order 1001")
	require.NoError(t, err)

	rotated, err := codec.ParseKeys(keys(t, "2026")+","+old, "2026")
	require.NoError(t, err)
	var s string
	require.NoError(t, codec.DataConverter(rotated).FromPayload(sealed, &s), "the old key still opens old payloads")
	assert.Equal(t, "order 1001", s)
	fresh, err := codec.DataConverter(rotated).ToPayload("order 1002")
	require.NoError(t, err)
	assert.Equal(t, "2026", string(fresh.Metadata[codec.MetadataKeyID]), "new payloads use the active key")

	without, err := codec.ParseKeys(keys(t, "2026"), "")
	require.NoError(t, err)
	err = codec.DataConverter(without).FromPayload(sealed, &s)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `key "2025"`)
}

func TestParseKeysReportsEveryProblemWithoutKeyBytes(t *testing.T) {
	tests := []struct{ spec, active, want string }{
		{"", "", "no keys"},
		{"k1:notbase64!!", "", `key "k1": is not base64`},
		{"k1:c2hvcnQ=", "", "is 5 bytes; AES-256 needs 32"},
		{"nokey", "", "is not id:base64-key"},
		{keys(t, "a"), "b", `active key id "b" is not among the keys`},
		{keys(t, "a") + "," + keys(t, "a"), "", "listed twice"},
	}
	for _, tt := range tests {
		_, err := codec.ParseKeys(tt.spec, tt.active)
		require.Error(t, err, tt.spec)
		assert.Contains(t, err.Error(), tt.want)
		if _, b64, ok := strings.Cut(tt.spec, ":"); ok && len(b64) > 8 {
			assert.NotContains(t, err.Error(), b64[:8])
		}
	}
}

func TestCodecServerNeedsTheToken(t *testing.T) {
	ring, err := codec.ParseKeys(keys(t, "k1"), "")
	require.NoError(t, err)
	sealed, err := codec.DataConverter(ring).ToPayload("Jan Visser")
	require.NoError(t, err)
	body, err := protojson.Marshal(&commonpb.Payloads{Payloads: []*commonpb.Payload{sealed}})
	require.NoError(t, err)
	srv := httptest.NewServer(codec.Handler(codec.Codec{Keys: ring}, codec.ServerOptions{Token: "s3cret", AllowedOrigins: []string{"http://ui.example:8233/"}}))
	defer srv.Close()

	decode := func(auth string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/decode", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Namespace", "default")
		req.Header.Set("Origin", "http://ui.example:8233")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp, b.String()
	}
	for _, auth := range []string{"", "Bearer wrong", "s3cret"} {
		resp, out := decode(auth)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "auth %q", auth)
		assert.NotContains(t, out, "Jan Visser")
	}
	resp, out := decode("Bearer s3cret")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "http://ui.example:8233", resp.Header.Get("Access-Control-Allow-Origin"))
	var payloads commonpb.Payloads
	require.NoError(t, protojson.Unmarshal([]byte(out), &payloads))
	var name string
	require.NoError(t, json.Unmarshal(payloads.Payloads[0].Data, &name))
	assert.Equal(t, "Jan Visser", name)

	pre, _ := http.NewRequest(http.MethodOptions, srv.URL+"/decode", nil)
	pre.Header.Set("Origin", "http://ui.example:8233")
	presp, err := http.DefaultClient.Do(pre)
	require.NoError(t, err)
	presp.Body.Close()
	assert.Equal(t, http.StatusOK, presp.StatusCode, "a CORS preflight needs no token")
	assert.Contains(t, presp.Header.Get("Access-Control-Allow-Headers"), "Authorization")
}

// Decoding a failure must not turn the stored copy readable: the SDK sends
// the same object on in a local activity's marker.
func TestFailureDecodingLeavesTheSealedFailureSealed(t *testing.T) {
	ring, err := codec.ParseKeys(keys(t, "k1"), "")
	require.NoError(t, err)
	fc := codec.FailureConverter(codec.DataConverter(ring))
	f := fc.ErrorToFailure(temporal.NewNonRetryableApplicationError("email jan@example.nl rejected", "ValidationError", nil))
	assert.Equal(t, "Encoded failure", f.GetMessage())
	back := fc.FailureToError(f)
	assert.Contains(t, back.Error(), "jan@example.nl", "with the keys the message comes back")
	assert.Equal(t, "Encoded failure", f.GetMessage(), "the failure passed in stays sealed")
	again := fc.ErrorToFailure(back)
	assert.Equal(t, "Encoded failure", again.GetMessage(), "an error from a decoded failure is sealed again")
	assert.NotContains(t, again.String(), "jan@example.nl")
}
