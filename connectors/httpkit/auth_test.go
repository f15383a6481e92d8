package httpkit

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/koppel/koppel/connectors"
)

// The signer sees the exact bytes and request URI sent, and its headers arrive.
func TestSigningSignsWhatIsSent(t *testing.T) {
	var gotHeader, gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotHeader, gotBody = r.Header.Get("X-Sig"), string(b)
	}))
	defer srv.Close()
	sign := func(req *http.Request, body []byte) error {
		req.Header.Set("X-Sig", req.Method+"|"+req.URL.RequestURI()+"|"+string(body))
		return nil
	}
	c := New(Config{System: "shop", BaseURL: srv.URL, Auth: Signing(sign)})
	_, err := c.Do(context.Background(), Request{Op: "patch", Method: http.MethodPatch, URL: "/api/products/1/?x=a%2Fb", Body: []byte(`{"stock":12}`)})
	require.NoError(t, err)
	assert.Equal(t, `PATCH|/api/products/1/?x=a%2Fb|{"stock":12}`, gotHeader)
	assert.Equal(t, `{"stock":12}`, gotBody, "the body still arrives")
	_, err = c.Do(context.Background(), Request{Op: "get", Method: http.MethodGet, URL: "/api/orders/"})
	require.NoError(t, err)
	assert.Equal(t, "GET|/api/orders/|", gotHeader)
}

func TestBearer(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Header.Get("Authorization") }))
	defer srv.Close()
	_, err := New(Config{System: "shop", BaseURL: srv.URL, Auth: Bearer("tok-1")}).Do(context.Background(), Request{Op: "get", Method: http.MethodGet, URL: "/"})
	require.NoError(t, err)
	assert.Equal(t, "Bearer tok-1", got)
}

// tokenServer hands out tok-1, tok-2, … with the given lifetime and records
// the grants it was asked for.
type tokenServer struct {
	*httptest.Server
	calls     atomic.Int64
	expiresIn int
	mu        sync.Mutex
	forms     []string
}

func newTokenServer(t *testing.T, expiresIn int) *tokenServer {
	ts := &tokenServer{expiresIn: expiresIn}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		n := ts.calls.Add(1)
		ts.mu.Lock()
		ts.forms = append(ts.forms, r.PostForm.Get("grant_type")+" "+r.PostForm.Get("refresh_token"))
		ts.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"bearer","expires_in":%d,"refresh_token":"ref-%d"}`, n, ts.expiresIn, n)
	}))
	t.Cleanup(ts.Close)
	return ts
}

// apiServer accepts the tokens accept says yes to, and echoes the body.
func apiServer(t *testing.T, accept func(token string) bool) (*httptest.Server, *atomic.Int64) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !accept(tok) {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"message":"token rejected"}`)
			return
		}
		b, _ := io.ReadAll(r.Body)
		_, _ = fmt.Fprintf(w, "%s %s", tok, b)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestOAuth2TokenIsCached(t *testing.T) {
	ts := newTokenServer(t, 3600)
	api, _ := apiServer(t, func(tok string) bool { return tok == "tok-1" })
	c := New(Config{System: "erp", BaseURL: api.URL, Auth: OAuth2(OAuth2Config{TokenURL: ts.URL, ClientID: "id", ClientSecret: "cs"})})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			_, err := c.Do(context.Background(), Request{Op: "get", Method: http.MethodGet, URL: "/"})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Equal(t, int64(1), ts.calls.Load(), "one token for many requests")
	assert.Equal(t, []string{"client_credentials "}, ts.forms)
}

// x/oauth2 treats a token as expired 10 s before its expiry: a token of 5 s
// is renewed for every request.
func TestOAuth2RenewedOnExpiry(t *testing.T) {
	ts := newTokenServer(t, 5)
	api, _ := apiServer(t, func(string) bool { return true })
	c := New(Config{System: "erp", BaseURL: api.URL, Auth: OAuth2(OAuth2Config{TokenURL: ts.URL, ClientID: "id", ClientSecret: "cs"})})
	for i := 1; i <= 3; i++ {
		resp, err := c.Do(context.Background(), Request{Op: "get", Method: http.MethodGet, URL: "/"})
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("tok-%d ", i), string(resp.Body))
	}
	assert.Equal(t, int64(3), ts.calls.Load())
}

func TestOAuth2RenewsOnceOn401(t *testing.T) {
	t.Run("the renewed token works", func(t *testing.T) {
		ts := newTokenServer(t, 3600)
		api, calls := apiServer(t, func(tok string) bool { return tok != "tok-1" }) // tok-1 was revoked
		c := New(Config{System: "erp", BaseURL: api.URL, Auth: OAuth2(OAuth2Config{TokenURL: ts.URL, ClientID: "id", ClientSecret: "cs"})})
		resp, err := c.Do(context.Background(), Request{Op: "post", Method: http.MethodPost, URL: "/", Body: []byte(`{"n":1}`)})
		require.NoError(t, err)
		assert.Equal(t, `tok-2 {"n":1}`, string(resp.Body), "the body is sent again whole")
		assert.Equal(t, int64(2), ts.calls.Load())
		assert.Equal(t, int64(2), calls.Load())
	})
	t.Run("a 401 that persists is an auth error", func(t *testing.T) {
		ts := newTokenServer(t, 3600)
		api, calls := apiServer(t, func(string) bool { return false })
		c := New(Config{System: "erp", BaseURL: api.URL, Auth: OAuth2(OAuth2Config{TokenURL: ts.URL, ClientID: "id", ClientSecret: "cs"})})
		_, err := c.Do(context.Background(), Request{Op: "get", Method: http.MethodGet, URL: "/"})
		var ce *connectors.Error
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, connectors.KindAuth, ce.Kind)
		assert.Equal(t, 401, ce.Status)
		assert.Equal(t, int64(2), ts.calls.Load(), "renewed once")
		assert.Equal(t, int64(2), calls.Load(), "retried once")
	})
}

// The refresh-token grant sends the newest refresh token (they rotate) and
// tells OnToken about every token.
func TestOAuth2RefreshTokenGrant(t *testing.T) {
	ts := newTokenServer(t, 5)
	api, _ := apiServer(t, func(string) bool { return true })
	var saved []string
	c := New(Config{System: "erp", BaseURL: api.URL, Auth: OAuth2(OAuth2Config{TokenURL: ts.URL, ClientID: "id", ClientSecret: "cs",
		RefreshToken: "ref-0", OnToken: func(tok *oauth2.Token) { saved = append(saved, tok.RefreshToken) }})})
	for range 2 {
		_, err := c.Do(context.Background(), Request{Op: "get", Method: http.MethodGet, URL: "/"})
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"refresh_token ref-0", "refresh_token ref-1"}, ts.forms)
	assert.Equal(t, []string{"ref-1", "ref-2"}, saved)
}

func TestOAuth2BadTokenEndpoint(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		ctype   string
		body    string
		kind    connectors.ErrorKind
		contain string
	}{
		{"refused client", 400, "application/json", `{"error":"invalid_client","error_description":"unknown client"}`, connectors.KindAuth, "invalid_client (unknown client)"},
		{"401 without a body", 401, "text/plain", ``, connectors.KindAuth, "check the client id and secret"},
		{"not a token endpoint", 404, "text/html", `<html>not found</html>`, connectors.KindConfig, "check the token URL"},
		{"no access token", 200, "application/json", `{"token_type":"bearer"}`, connectors.KindConfig, "did not answer with a token"},
		{"not JSON", 200, "application/json", `<html>`, connectors.KindConfig, "check the token URL"},
		{"down", 503, "text/plain", `busy`, connectors.KindUnavailable, "HTTP 503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer ts.Close()
			api, calls := apiServer(t, func(string) bool { return true })
			c := New(Config{System: "erp", BaseURL: api.URL, Scrub: Secrets("client-secret-1"),
				Auth: OAuth2(OAuth2Config{TokenURL: ts.URL, ClientID: "id", ClientSecret: "client-secret-1"})})
			_, err := c.Do(context.Background(), Request{Op: "get", Method: http.MethodGet, URL: "/"})
			var ce *connectors.Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.kind, ce.Kind, err.Error())
			assert.Equal(t, "erp", ce.System)
			assert.Equal(t, "get", ce.Op)
			assert.Contains(t, err.Error(), tt.contain)
			assert.Contains(t, err.Error(), "token endpoint")
			assert.NotContains(t, err.Error(), "client-secret-1")
			assert.Zero(t, calls.Load(), "nothing is sent without a token")
		})
	}
}
