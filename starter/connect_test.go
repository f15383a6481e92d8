package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/connectors/eaccounting/sim"
	kworker "github.com/koppel/koppel/worker"
)

const (
	connectClientID, connectSecret = "connect-test-app", "connect-test-secret-5e0a"
	envConnectID, envConnectSecret = "E2E_EA_ID", "E2E_EA_SECRET"
)

// syncBuffer is the command's output, read while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
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

type connectFixture struct {
	sim  *sim.Sim
	srv  *httptest.Server
	file string
}

// newConnectFixture starts the simulator and writes an integration file
// whose target is it; options are the target's.
func newConnectFixture(t *testing.T, options string) *connectFixture {
	s := sim.New(sim.Options{ClientID: connectClientID, ClientSecret: connectSecret})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	t.Setenv(envConnectID, connectClientID)
	t.Setenv(envConnectSecret, connectSecret)
	file := filepath.Join(t.TempDir(), "integrations.yaml")
	yaml := fmt.Sprintf(`integrations:
  - name: shop
    source: {system: ccvshop, baseURL: "https://shop.example", credentials: {publicKey: SHOP_PUBLIC, secretKey: SHOP_SECRET}}
    target:
      system: eaccounting
      baseURL: %q
      credentials: {clientId: %s, clientSecret: %s}
      options: {%s}
    flows: {}
`, srv.URL+"/v2", envConnectID, envConnectSecret, options)
	require.NoError(t, os.WriteFile(file, []byte(yaml), 0o600))
	return &connectFixture{sim: s, srv: srv, file: file}
}

// consentURL waits for the command to print the consent URL.
func consentURL(t *testing.T, out *syncBuffer) string {
	re := regexp.MustCompile(`(?m)^  (http\S+/connect/authorize\?\S+)$`)
	var u string
	require.Eventually(t, func() bool {
		m := re.FindStringSubmatch(out.String())
		if m != nil {
			u = m[1]
		}
		return m != nil
	}, 5*time.Second, 10*time.Millisecond, "no consent URL in:\n%s", out)
	return u
}

// approve is the user consenting: the identity server's redirect, not followed.
func approve(t *testing.T, consent string) *url.URL {
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(consent)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	return loc
}

// runAsync runs the consent with a fake keeper that keeps what it is given.
func runAsync(t *testing.T, f *connectFixture, listen bool, in io.Reader) (*syncBuffer, chan error, *activities.TokenSet) {
	target, err := loadConnectTarget(f.file, "shop", "", os.LookupEnv)
	require.NoError(t, err)
	out := &syncBuffer{}
	kept := &activities.TokenSet{}
	done := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	go func() {
		done <- runConnect(ctx, target, listen, in, out, func(_ context.Context, set activities.TokenSet) (activities.TokenStatus, error) {
			*kept = set
			return activities.TokenStatus{State: activities.TokenStateConnected}, nil
		})
	}()
	return out, done, kept
}

// assertNoSecretIn checks the output for every secret of the run.
func assertNoSecretIn(t *testing.T, out string, kept activities.TokenSet, code string) {
	for what, secret := range map[string]string{"access token": kept.AccessToken, "refresh token": kept.RefreshToken,
		"client secret": connectSecret, "code": code} {
		if secret != "" {
			assert.NotContains(t, out, secret, "the %s is printed", what)
		}
	}
}

func TestConnectExchangesAPastedAddress(t *testing.T) {
	f := newConnectFixture(t, `redirectURI: "https://koppel.example/callback"`)
	pr, pw := io.Pipe()
	defer pw.Close()
	out, done, kept := runAsync(t, f, false, pr)

	consent := consentURL(t, out)
	q, err := url.Parse(consent)
	require.NoError(t, err)
	assert.Equal(t, "ea:api offline_access ea:sales ea:accounting_readonly", q.Query().Get("scope"))
	assert.Equal(t, "https://koppel.example/callback", q.Query().Get("redirect_uri"))
	back := approve(t, consent)
	fmt.Fprintln(pw, "   ")
	fmt.Fprintln(pw, back.String())

	require.NoError(t, <-done)
	assert.True(t, f.sim.RefreshTokenLive(kept.RefreshToken), "the keeper got the live refresh token")
	assert.NotEmpty(t, kept.AccessToken)
	assert.Equal(t, time.Hour, kept.Lifetime)
	assert.Equal(t, 1, f.sim.Granted("authorization_code"))
	assert.Contains(t, out.String(), `Connected shop to the company "Koppel Demo BV" (Amsterdam, NL).`)
	assertNoSecretIn(t, out.String(), *kept, back.Query().Get("code"))
}

func TestConnectExchangesAPastedCode(t *testing.T) {
	f := newConnectFixture(t, `redirectURI: "https://koppel.example/callback"`)
	pr, pw := io.Pipe()
	defer pw.Close()
	out, done, kept := runAsync(t, f, false, pr)
	code := approve(t, consentURL(t, out)).Query().Get("code")
	fmt.Fprintln(pw, code)
	require.NoError(t, <-done)
	assert.True(t, f.sim.RefreshTokenLive(kept.RefreshToken))
	assertNoSecretIn(t, out.String(), *kept, code)
}

func TestConnectRefusesAnotherConsent(t *testing.T) {
	f := newConnectFixture(t, `redirectURI: "https://koppel.example/callback"`)
	pr, pw := io.Pipe()
	defer pw.Close()
	out, done, kept := runAsync(t, f, false, pr)
	back := approve(t, consentURL(t, out))
	q := back.Query()
	q.Set("state", "someone-elses")
	back.RawQuery = q.Encode()
	fmt.Fprintln(pw, back.String())
	err := <-done
	require.Error(t, err)
	assert.Contains(t, err.Error(), "another state")
	assert.Empty(t, kept.RefreshToken)
	assert.Zero(t, f.sim.Granted("authorization_code"), "a code from another consent is never exchanged")
}

func TestConnectReceivesTheLoopbackRedirect(t *testing.T) {
	f := newConnectFixture(t, `redirectURI: "http://127.0.0.1:0/callback"`)
	pr, pw := io.Pipe()
	defer pw.Close()
	out, done, kept := runAsync(t, f, true, pr)

	resp, err := http.Get(consentURL(t, out)) // the browser follows the redirect to the loopback listener
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(page), "You can close this window")
	require.NoError(t, <-done)
	assert.True(t, f.sim.RefreshTokenLive(kept.RefreshToken))
	assert.Regexp(t, `Waiting for the browser to come back to http://127\.0\.0\.1:\d+/callback`, out.String())
	assertNoSecretIn(t, out.String(), *kept, "")
}

func TestConnectTargetFromTheFile(t *testing.T) {
	f := newConnectFixture(t, "")
	target, err := loadConnectTarget(f.file, "shop", "", os.LookupEnv)
	require.NoError(t, err)
	assert.Equal(t, activities.TokenKeeperRef{Integration: "shop", Side: activities.SideTarget, System: "eaccounting", ClientID: connectClientID}, target.ref)
	assert.Equal(t, f.srv.URL+"/connect/token", target.oauth.TokenURL)
	assert.Equal(t, "http://127.0.0.1:8765/callback", target.oauth.RedirectURI, "the default redirect URI")

	_, err = loadConnectTarget(f.file, "nope", "", os.LookupEnv)
	assert.ErrorContains(t, err, `--integration "nope" is not in`)
	_, err = loadConnectTarget(f.file, "shop", "source", os.LookupEnv)
	assert.ErrorContains(t, err, "the source of integration shop is not eaccounting")
	_, err = loadConnectTarget(f.file, "shop", "", func(string) (string, bool) { return "", false })
	assert.ErrorContains(t, err, "environment variable E2E_EA_ID is not set")

	bad := newConnectFixture(t, `scopes: "ea:sales"`)
	_, err = loadConnectTarget(bad.file, "shop", "", os.LookupEnv)
	assert.ErrorContains(t, err, "options.scopes: lacks ea:api")
}

// The whole path on a dev server: the consent's pair goes to the keeper
// through update-with-start, and a worker's activities then get their
// access token from it.
func TestConnectHandsTheTokensToTheKeeper(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the Temporal dev server")
	}
	cli := os.Getenv("KOPPEL_TEMPORAL_CLI")
	if cli == "" {
		cli, _ = filepath.Abs("../bin/temporal")
	}
	if _, err := os.Stat(cli); err != nil {
		t.Skip("the Temporal CLI is not built; run make bin/temporal to run this test")
	}
	srv, err := testsuite.StartDevServer(context.Background(), testsuite.DevServerOptions{ExistingPath: cli,
		ClientOptions: &client.Options{Namespace: "default", Logger: log.NewStructuredLogger(slog.New(slog.DiscardHandler))}, LogLevel: "error", Stdout: io.Discard, Stderr: io.Discard})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Stop() })
	c := srv.Client()

	f := newConnectFixture(t, `redirectURI: "https://koppel.example/callback"`)
	target, err := loadConnectTarget(f.file, "shop", "", os.LookupEnv)
	require.NoError(t, err)
	idKey := make([]byte, 32)
	_, _ = rand.Read(idKey)
	const queue = "connect-e2e"
	acts := &activities.Activities{Temporal: c, IDKey: idKey, TaskQueue: queue, Integrations: map[string]*activities.Integration{
		"shop": {Config: config.Integration{Name: "shop", Target: config.System{System: eaccounting.System, BaseURL: f.srv.URL + "/v2",
			Credentials: map[string]string{"clientId": envConnectID, "clientSecret": envConnectSecret}}}}}}
	w := kworker.New(c, queue, acts)
	require.NoError(t, w.Start())
	t.Cleanup(w.Stop)

	pr, pw := io.Pipe()
	defer pw.Close()
	out := &syncBuffer{}
	done := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	go func() {
		done <- runConnect(ctx, target, false, pr, out, func(ctx context.Context, set activities.TokenSet) (activities.TokenStatus, error) {
			return activities.ConnectTokenKeeper(ctx, c, queue, idKey, target.ref, set)
		})
	}()
	fmt.Fprintln(pw, approve(t, consentURL(t, out)).String())
	require.NoError(t, <-done)

	st, err := activities.TokenKeeperStatus(ctx, c, idKey, target.ref)
	require.NoError(t, err)
	assert.Equal(t, activities.TokenStateConnected, st.State)
	var status strings.Builder
	printTokenStatus(&status, target.ref.WorkflowID(idKey), st)
	assert.Contains(t, status.String(), "shop target (eaccounting): connected")
	assert.Contains(t, status.String(), "keeper        tokens/eaccounting/")

	tok, err := activities.KeeperTokenSource(acts, target.ref).AccessToken(ctx, "")
	require.NoError(t, err)
	api, err := eaccounting.New(eaccounting.Config{BaseURL: target.apiBase, ClientID: connectClientID, Tokens: eaccounting.StaticToken(tok)})
	require.NoError(t, err)
	_, err = api.CompanySettings(ctx)
	require.NoError(t, err, "the keeper hands out the consent's access token")
	assertNoSecretIn(t, out.String()+status.String(), activities.TokenSet{AccessToken: tok}, "")
}
