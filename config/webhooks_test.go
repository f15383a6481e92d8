package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/ccvshop"
)

// Integration files with a webhooks block; ORDERS and WEBHOOKS are
// replaced per test.
const (
	ccvHooks = `
integrations:
  - name: shop
    source: {system: ccvshop, baseURL: "https://shop.example.nl", credentials: {publicKey: CCV_PUB, secretKey: CCV_SEC}}
    target: {system: mplus, baseURL: "https://api.mpluskassa.nl:34567", credentials: {ident: MP_IDENT, secret: MP_SECRET}}
    flows:
      orders: ORDERS
    webhooks: WEBHOOKS
`
	ecwidHooks = `
integrations:
  - name: store
    source: {system: ecwid, baseURL: "https://app.ecwid.com/api/v3", credentials: {storeId: ECWID_STORE, token: ECWID_TOKEN}}
    target: {system: mplus, baseURL: "https://api.mpluskassa.nl:34567", credentials: {ident: MP_IDENT, secret: MP_SECRET}}
    flows:
      orders: {}
    webhooks: WEBHOOKS
`
	shopwareHooks = `
integrations:
  - name: sw
    source: {system: shopware6, baseURL: "https://sw.example.nl", credentials: {accessKeyId: SW_ID, secretAccessKey: SW_SECRET}}
    target: {system: mplus, baseURL: "https://api.mpluskassa.nl:34567", credentials: {ident: MP_IDENT, secret: MP_SECRET}}
    flows:
      orders: {}
    webhooks: WEBHOOKS
`
)

func hooksFile(tmpl, orders, webhooks string) []byte {
	return []byte(strings.NewReplacer("ORDERS", orders, "WEBHOOKS", webhooks).Replace(tmpl))
}

func parseHooks(t *testing.T, tmpl, orders, webhooks string) (*config.Webhooks, error) {
	t.Helper()
	f, err := config.Parse("hooks.yaml", hooksFile(tmpl, orders, webhooks))
	if err != nil {
		return nil, err
	}
	return f.Integrations[0].Webhooks, nil
}

// A minimal block gets the documented defaults, and the address the
// source delivers to is the public URL plus the integration's path (one
// trailing slash or none gives the same address).
func TestWebhooksBlockDefaults(t *testing.T) {
	w, err := parseHooks(t, ccvHooks, "{}", `{secret: CCV_WEBHOOK_KEYS, publicURL: "https://hooks.example.nl/"}`)
	require.NoError(t, err)
	require.NotNil(t, w)
	assert.True(t, w.IsEnabled())
	assert.Equal(t, time.Hour, w.MaxAge.D())
	assert.Equal(t, 15*time.Minute, w.PollInterval.D())
	assert.Equal(t, 30*time.Minute, w.OutageAfter.D())
	assert.Equal(t, "https://hooks.example.nl/webhooks/shop", w.Address("shop"))
	assert.Equal(t, ccvshop.DefaultWebhookSignature, w.SignatureScheme(ccvshop.DefaultWebhookSignature), "no override: the source's default")

	w, err = parseHooks(t, ccvHooks, "{}", `{secret: CCV_WEBHOOK_KEYS, publicURL: "https://hooks.example.nl"}`)
	require.NoError(t, err)
	assert.Equal(t, "https://hooks.example.nl/webhooks/shop", w.Address("shop"))

	off, err := parseHooks(t, ccvHooks, "{}", `{enabled: false, secret: CCV_WEBHOOK_KEYS}`)
	require.NoError(t, err)
	assert.False(t, off.IsEnabled())
	var none *config.Webhooks
	assert.False(t, none.IsEnabled(), "no block, no webhooks")
}

// Polling never gets faster because webhooks are on: the default poll
// interval is the orders interval when that is longer than 15m.
func TestWebhooksPollIntervalFollowsALongerOrdersInterval(t *testing.T) {
	for orders, want := range map[string]time.Duration{
		"{interval: 30m}": 30 * time.Minute,
		"{interval: 10m}": 15 * time.Minute,
		"{interval: 15s}": 15 * time.Minute,
	} {
		w, err := parseHooks(t, ccvHooks, orders, `{secret: CCV_WEBHOOK_KEYS}`)
		require.NoError(t, err, orders)
		assert.Equal(t, want, w.PollInterval.D(), orders)
	}
	// Set values are kept.
	w, err := parseHooks(t, ccvHooks, "{interval: 1m}", `{secret: K, maxAge: 2h, pollInterval: 20m, outageAfter: 1h}`)
	require.NoError(t, err)
	assert.Equal(t, 2*time.Hour, w.MaxAge.D())
	assert.Equal(t, 20*time.Minute, w.PollInterval.D())
	assert.Equal(t, time.Hour, w.OutageAfter.D())
}

// CCV's scheme is unconfirmed: an override is checked and used on top of
// the default.
func TestWebhooksSignatureOverrideForCCV(t *testing.T) {
	w, err := parseHooks(t, ccvHooks, "{}", `{secret: K, signature: {header: X-Signature, hash: sha256, encoding: base64}}`)
	require.NoError(t, err)
	assert.Equal(t, connectors.SignatureScheme{Header: "X-Signature", Hash: "sha256", Encoding: "base64"},
		w.SignatureScheme(ccvshop.DefaultWebhookSignature))

	w, err = parseHooks(t, ccvHooks, "{}", `{secret: K, signature: {header: X-Signature}}`)
	require.NoError(t, err)
	assert.Equal(t, connectors.SignatureScheme{Header: "X-Signature", Hash: "sha512", Encoding: "hex"},
		w.SignatureScheme(ccvshop.DefaultWebhookSignature), "a partial override keeps the default's other fields")
}

// Every mistake in the block is reported at once, each under its path, so
// one start tells the operator everything to fix.
func TestWebhooksProblemsByPath(t *testing.T) {
	for _, tc := range []struct {
		name, tmpl, orders, webhooks string
		want                         []string
	}{
		{"secret is a value", ccvHooks, "{}", `{secret: "k3y-4bc,d3f"}`,
			[]string{"integrations[0].webhooks.secret: must name the environment variable holding the signing secret (like CCVSHOP_WEBHOOK_SECRET)"}},
		{"no secret", ccvHooks, "{}", `{publicURL: "https://hooks.example.nl"}`,
			[]string{"integrations[0].webhooks.secret: must name the environment variable"}},
		{"publicURL without scheme", ccvHooks, "{}", `{secret: K, publicURL: "hooks.example.nl"}`,
			[]string{`integrations[0].webhooks.publicURL: "hooks.example.nl" is not an absolute https URL`}},
		{"publicURL of another scheme", ccvHooks, "{}", `{secret: K, publicURL: "ftp://hooks.example.nl"}`,
			[]string{`integrations[0].webhooks.publicURL: "ftp://hooks.example.nl" is not an absolute https URL`}},
		{"signature for Ecwid", ecwidHooks, "", `{secret: ECWID_CLIENT_SECRET, signature: {hash: sha512}}`,
			[]string{"integrations[0].webhooks.signature: ecwid's signature scheme is known; leave signature out"}},
		{"bad hash for CCV", ccvHooks, "{}", `{secret: K, signature: {hash: md5}}`,
			[]string{`integrations[0].webhooks.signature: hash "md5" is not sha256 or sha512`}},
		{"bad encoding for CCV", ccvHooks, "{}", `{secret: K, signature: {encoding: base32}}`,
			[]string{`integrations[0].webhooks.signature: encoding "base32" is not hex or base64`}},
		{"negative durations", ccvHooks, "{}", `{secret: K, maxAge: -1m, pollInterval: -15m, outageAfter: -1h}`,
			[]string{"integrations[0].webhooks.maxAge: must not be negative", "integrations[0].webhooks.pollInterval: must not be negative",
				"integrations[0].webhooks.outageAfter: must not be negative"}},
		{"pollInterval faster than the orders flow", ccvHooks, "{interval: 5m}", `{secret: K, pollInterval: 1m}`,
			[]string{"integrations[0].webhooks.pollInterval: 1m0s is shorter than flows.orders.interval (5m0s)"}},
		{"a source without webhooks", shopwareHooks, "", `{secret: SW_WEBHOOK_SECRET}`,
			[]string{"integrations[0].webhooks: shopware6 sends no webhooks Koppel can use"}},
	} {
		_, err := parseHooks(t, tc.tmpl, tc.orders, tc.webhooks)
		require.Error(t, err, tc.name)
		for _, want := range tc.want {
			assert.Contains(t, err.Error(), want, tc.name)
		}
	}
	_, err := parseHooks(t, ccvHooks, "{}", `{secret: "k3y-4bc,d3f"}`)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "k3y-4bc", "a secret written by mistake is not echoed")

	_, err = parseHooks(t, ccvHooks, "{}", `{secret: K, pollInterval: 5m}`)
	assert.NoError(t, err, "shorter than the 15m default but not than the orders interval (1m): allowed")
	_, err = parseHooks(t, ccvHooks, "{}", `{secret: K, secrets: K2}`)
	assert.ErrorContains(t, err, "field secrets not found", "a typo is an error, not a dropped setting")
}

// Only the systems that push events take a webhooks block: CCV Shop,
// SalesPOS and Ecwid.
func TestOnlyCCVSalesPOSAndEcwidHaveWebhooks(t *testing.T) {
	var with []string
	for _, name := range connectors.Systems() {
		if reg, ok := connectors.Lookup(name); ok && reg.Webhooks != nil {
			with = append(with, name)
		}
	}
	assert.ElementsMatch(t, []string{"ccvshop", "salespos", "ecwid"}, with)
	for _, tmpl := range []string{ccvHooks, ecwidHooks} {
		_, err := parseHooks(t, tmpl, "{}", `{secret: WEBHOOK_SECRET, publicURL: "https://hooks.example.nl"}`)
		assert.NoError(t, err)
	}
}

// The variable holds CCV's keys comma-separated (one per subscription);
// blanks around them, as an operator may type, are not part of a key.
func TestWebhookSecretsSplitOnCommas(t *testing.T) {
	assert.Equal(t, []string{"k1", "k2", "k3"}, config.Secrets(" k1, k2 ,,k3 ,"))
	assert.Equal(t, []string{"only"}, config.Secrets("only"))
	assert.Empty(t, config.Secrets(""))
	assert.Empty(t, config.Secrets(" , "))
}
