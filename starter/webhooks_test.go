package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors/ccvshop"
	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	ecwidsim "github.com/koppel/koppel/connectors/ecwid/sim"
	"github.com/koppel/koppel/connectors/simkit"
)

const (
	hooksPublic, hooksSecret = "pk_hooks_test", "sk_hooks_test_secret"
	hooksPublicURL           = "https://hooks.example.nl"
)

// hooksFileYAML is an integration file with a CCV source at baseURL and
// the webhooks block given ("" for none).
func hooksFileYAML(system, baseURL, credentials, webhooks string) string {
	y := `
integrations:
  - name: shop
    source: {system: ` + system + `, baseURL: "` + baseURL + `", credentials: ` + credentials + `}
    target: {system: mplus, baseURL: "https://api.mpluskassa.nl:34567", credentials: {ident: MP_IDENT, secret: MP_SECRET}}
    flows:
      orders: {}
`
	if webhooks != "" {
		y += "    webhooks: " + webhooks + "\n"
	}
	return y
}

func hooksParse(t *testing.T, y string) *config.File {
	t.Helper()
	f, err := config.Parse("hooks.yaml", []byte(y))
	require.NoError(t, err)
	return f
}

func hooksEnv(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

// hooksCCV serves a CCV simulator on loopback and parses an integration
// file pointing at it with the webhooks block given.
func hooksCCV(t *testing.T, webhooks string) (*ccvsim.Sim, *config.File, func(string) (string, bool)) {
	t.Helper()
	shop := ccvsim.New(ccvsim.Options{PublicKey: hooksPublic, SecretKey: hooksSecret, WebhookRetries: []time.Duration{}})
	t.Cleanup(shop.Close)
	srv, err := simkit.Start("127.0.0.1:0", shop)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	f := hooksParse(t, hooksFileYAML("ccvshop", srv.URL, "{publicKey: CCV_PUB, secretKey: CCV_SEC}", webhooks))
	return shop, f, hooksEnv(map[string]string{"CCV_PUB": hooksPublic, "CCV_SEC": hooksSecret})
}

// hooksActions counts the actions in apply's lines "<event> <action> id …".
func hooksActions(printed string) map[string]int {
	out := map[string]int{}
	for _, line := range strings.Split(printed, "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[2] == "id" {
			out[f[1]]++
		}
	}
	return out
}

// `starter webhooks apply` against a CCV shop: one subscription per event
// at the integration's address, the keys the shop made written to the env
// file (0600) as the variable webhooks.secret names, the file's other
// lines kept, and no key ever printed; a second apply changes nothing.
func TestApplyWebhooksRegistersAndWritesTheKeys(t *testing.T) {
	shop, f, lookup := hooksCCV(t, `{secret: CCV_WEBHOOK_KEYS, publicURL: "`+hooksPublicURL+`/"}`)
	envFile := filepath.Join(t.TempDir(), "receiver.env")
	require.NoError(t, os.WriteFile(envFile, []byte("# receiver\nKOPPEL_WEBHOOKS_ADDRESS=127.0.0.1:8090\nCCV_WEBHOOK_KEYS=stale\nCCV_WEBHOOK_KEYS_OLD=keep\nLAST=x"), 0o644))

	var out bytes.Buffer
	require.NoError(t, applyWebhooks(context.Background(), &out, f, "shop", envFile, lookup))
	address := hooksPublicURL + "/webhooks/shop"
	hooks := shop.Webhooks()
	require.Len(t, hooks, len(ccvshop.WebhookEvents))
	var keys []string
	for i, w := range hooks {
		assert.Equal(t, ccvshop.WebhookEvents[i], w.Event)
		assert.Equal(t, ccvshop.WebhookAddress(address, w.Event), w.Address)
		assert.True(t, w.Active)
		keys = append(keys, w.Key)
	}

	st, err := os.Stat(envFile)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "the env file holds secrets")
	b, err := os.ReadFile(envFile)
	require.NoError(t, err)
	assert.Equal(t, "# receiver\nKOPPEL_WEBHOOKS_ADDRESS=127.0.0.1:8090\nCCV_WEBHOOK_KEYS_OLD=keep\nLAST=x\n"+
		"CCV_WEBHOOK_KEYS="+strings.Join(keys, ",")+"\n", string(b), "other lines kept, the old value replaced")

	printed := out.String()
	for _, k := range keys {
		assert.NotContains(t, printed, k, "keys are never printed")
	}
	assert.Equal(t, len(ccvshop.WebhookEvents), hooksActions(printed)["created"], printed)
	assert.Contains(t, printed, address)
	assert.Contains(t, printed, "not confirmed", "CCV's scheme is a guess: the operator is told to verify it")
	assert.Contains(t, printed, envFile)

	// Again: nothing new at the shop, the same keys in the file.
	out.Reset()
	require.NoError(t, applyWebhooks(context.Background(), &out, f, "shop", envFile, lookup))
	assert.Len(t, shop.Webhooks(), len(ccvshop.WebhookEvents), "applying twice creates nothing")
	assert.Equal(t, map[string]int{"unchanged": len(ccvshop.WebhookEvents)}, hooksActions(out.String()), out.String())
	again, err := os.ReadFile(envFile)
	require.NoError(t, err)
	assert.Equal(t, string(b), string(again))
	for _, k := range keys {
		assert.NotContains(t, out.String(), k)
	}
}

// Without --env-file the keys are not printed either: the operator is
// told where to keep them and how to have them written, and which scheme
// (here the file's override) to verify on the live shop.
func TestApplyWebhooksWithoutEnvFileKeepsKeysOffTheScreen(t *testing.T) {
	shop, f, lookup := hooksCCV(t, `{secret: CCV_WEBHOOK_KEYS, publicURL: "`+hooksPublicURL+`", `+
		`signature: {header: X-Signature, hash: sha256, encoding: base64}}`)
	var out bytes.Buffer
	require.NoError(t, applyWebhooks(context.Background(), &out, f, "shop", "", lookup))
	assert.Contains(t, out.String(), "header X-Signature = base64 HMAC-SHA256", "the note names the scheme the receiver will check")
	require.Len(t, shop.Webhooks(), len(ccvshop.WebhookEvents))
	for _, w := range shop.Webhooks() {
		assert.NotContains(t, out.String(), w.Key)
	}
	assert.Contains(t, out.String(), "CCV_WEBHOOK_KEYS")
	assert.Contains(t, out.String(), "--env-file")
}

// An env file may hold long values (a PEM, a JSON credential); writing the
// keys must not drop them or the lines after them.
func TestApplyWebhooksKeepsLongLinesOfTheEnvFile(t *testing.T) {
	_, f, lookup := hooksCCV(t, `{secret: CCV_WEBHOOK_KEYS, publicURL: "`+hooksPublicURL+`"}`)
	envFile := filepath.Join(t.TempDir(), "receiver.env")
	long := "GOOGLE_CREDENTIALS=" + strings.Repeat("a", 70_000)
	require.NoError(t, os.WriteFile(envFile, []byte("FIRST=1\n"+long+"\nAFTER=2\n"), 0o600))
	require.NoError(t, applyWebhooks(context.Background(), &bytes.Buffer{}, f, "shop", envFile, lookup))
	b, err := os.ReadFile(envFile)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	require.Len(t, lines, 4)
	assert.Equal(t, []string{"FIRST=1", long, "AFTER=2"}, lines[:3])
	assert.True(t, strings.HasPrefix(lines[3], "CCV_WEBHOOK_KEYS="))
}

// The command stops with a clear message, before calling the shop, when
// the integration cannot say where the source should deliver.
func TestApplyWebhooksNeedsTheBlockAndPublicURL(t *testing.T) {
	for name, tc := range map[string]struct{ webhooks, integration, want string }{
		"no webhooks block": {"", "shop", "integration shop has no webhooks block"},
		"no publicURL":      {`{secret: CCV_WEBHOOK_KEYS}`, "shop", "webhooks.publicURL is not set"},
		"unknown name":      {`{secret: CCV_WEBHOOK_KEYS, publicURL: "https://hooks.example.nl"}`, "other", `--integration "other" is not in the integration file`},
	} {
		shop, f, lookup := hooksCCV(t, tc.webhooks)
		envFile := filepath.Join(t.TempDir(), "receiver.env")
		err := applyWebhooks(context.Background(), &bytes.Buffer{}, f, tc.integration, envFile, lookup)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.want, name)
		assert.Empty(t, shop.Webhooks(), "%s: nothing registered", name)
		assert.Zero(t, shop.Served(ccvshop.OpListWebhooks), "%s: the shop is not called", name)
		_, statErr := os.Stat(envFile)
		assert.True(t, os.IsNotExist(statErr), "%s: no env file written", name)
	}
}

// Ecwid registers webhooks on the app, not through its API: apply prints
// what to set there, with the integration's address, and neither calls
// the store nor writes an env file.
func TestApplyWebhooksForEcwidPrintsTheSetup(t *testing.T) {
	store := ecwidsim.New(ecwidsim.Options{})
	t.Cleanup(store.Close)
	srv, err := simkit.Start("127.0.0.1:0", store)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	f := hooksParse(t, hooksFileYAML("ecwid", srv.URL+"/api/v3", "{storeId: ECWID_STORE, token: ECWID_TOKEN}",
		`{secret: ECWID_CLIENT_SECRET, publicURL: "`+hooksPublicURL+`"}`))
	lookup := hooksEnv(map[string]string{"ECWID_STORE": strconv.FormatInt(store.StoreID(), 10), "ECWID_TOKEN": ecwidsim.DemoToken})
	envFile := filepath.Join(t.TempDir(), "receiver.env")

	var out bytes.Buffer
	require.NoError(t, applyWebhooks(context.Background(), &out, f, "shop", envFile, lookup))
	printed := out.String()
	assert.Contains(t, printed, hooksPublicURL+"/webhooks/shop", "the URL to set on the app")
	assert.Contains(t, printed, "order.updated")
	assert.Contains(t, printed, "client_secret")
	assert.NotContains(t, printed, "%!", "the setup text is formatted whole")
	assert.NotContains(t, printed, "not confirmed", "Ecwid's scheme is confirmed")
	assert.Empty(t, store.Calls().Snapshot(), "no API call: Ecwid has no webhook API")
	_, statErr := os.Stat(envFile)
	assert.True(t, os.IsNotExist(statErr), "no keys to write: the operator copies the client_secret")
}
