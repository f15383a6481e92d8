package sim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/conntest/contract"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/connectors/vismanet"
	"github.com/koppel/koppel/connectors/vismanet/sim"
)

const (
	clientID     = "test-client"
	clientSecret = "test-secret-7d1e"
	tenantID     = "tenant-42"
)

// company is a seeded simulator behind the contract checker: every
// exchange of these tests is checked against the OpenAPI file, except
// those a test breaks on purpose (breaksContract).
type company struct {
	t     *testing.T
	sim   *sim.Sim
	url   string
	token string
	now   time.Time
}

// breaksContract marks a request a test breaks on purpose: the contract
// would refuse it before the simulator is seen to.
const breaksContract = "X-Test-Breaks-Contract"

func newCompany(t *testing.T, o sim.Options) *company {
	t.Helper()
	c := &company{t: t, now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	o.ClientID, o.ClientSecret, o.TenantID = clientID, clientSecret, tenantID
	if o.Now == nil {
		o.Now = func() time.Time { return c.now }
	}
	c.sim = sim.New(o)
	sim.SeedDemo(c.sim, simkit.DemoContext{Now: c.now, Instance: 1})
	api := contract.OpenAPIForTest(t, contract.VismaNetOpenAPI)
	srv := httptest.NewServer(checked(t, api, c.sim))
	t.Cleanup(srv.Close)
	c.url = srv.URL
	tok := c.tokenRequest(url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID},
		"client_secret": {clientSecret}, "tenant_id": {tenantID},
		"scope": {strings.Join([]string{vismanet.ScopeRead, vismanet.ScopeCreate, vismanet.ScopeUpdate}, " ")}})
	require.Equal(t, http.StatusOK, tok.status, string(tok.body))
	var ans struct {
		AccessToken string `json:"access_token"`
	}
	tok.decode(t, &ans)
	c.token = ans.AccessToken
	return c
}

// checked puts the contract checker between the client and the
// simulator. Two kinds of answer are checked on their request only: a
// 201 or 204 without a body (research §3.3: creates and updates answer
// none, though the contract declares an object), and an attachment's
// file (the contract types GET /v1/attachment/{attachmentId} an object).
func checked(t *testing.T, api *contract.OpenAPI, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == vismanet.TokenPath || r.Header.Get(breaksContract) != "" {
			next.ServeHTTP(w, r) // the token endpoint is Visma Connect's, not in the contract
			return
		}
		body, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		x := contract.Exchange{Request: r, RequestBody: body, Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
		bodiless := (rec.Code == http.StatusCreated || rec.Code == http.StatusNoContent) && rec.Body.Len() == 0
		if bodiless || strings.HasPrefix(r.URL.Path, "/v1/attachment/") {
			x.Status = 0
		}
		if err := api.CheckExchange(x); err != nil {
			t.Errorf("contract: %v", err)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), string(r.body))
}

// ipp is the IPPException body.
type ipp struct {
	ExceptionType      string
	ExceptionMessage   string
	ExceptionFaultCode string
	ExceptionMessageID string
}

func (r reply) ipp(t *testing.T) ipp {
	t.Helper()
	var e ipp
	r.decode(t, &e)
	require.Equal(t, "IPPException", e.ExceptionType, string(r.body))
	require.NotEmpty(t, e.ExceptionMessageID)
	return e
}

func (c *company) tokenRequest(form url.Values) reply {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.url+vismanet.TokenPath, strings.NewReader(form.Encode()))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.send(req)
}

func (c *company) send(req *http.Request) reply {
	c.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return reply{resp.StatusCode, resp.Header, b}
}

// do calls the API with the company's token; body is sent as JSON.
func (c *company) do(method, path, body string, headers ...string) reply {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.url+path, rd)
	require.NoError(c.t, err)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.send(req)
}

// bad sends a request the contract itself refuses.
func (c *company) bad(method, path, body string) reply {
	c.t.Helper()
	return c.do(method, path, body, breaksContract, "yes")
}

// create posts a body and returns the new record's number (the last
// segment of the Location).
func (c *company) create(path, body string) string {
	c.t.Helper()
	r := c.do(http.MethodPost, path, body)
	require.Equal(c.t, http.StatusCreated, r.status, string(r.body))
	require.Empty(c.t, r.body, "a create answers no body")
	loc, err := url.Parse(r.header.Get("Location"))
	require.NoError(c.t, err)
	require.True(c.t, loc.IsAbs(), "the Location is absolute: %q", loc)
	return loc.Path[strings.LastIndex(loc.Path, "/")+1:]
}

// jsonOf writes v as JSON.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// w wraps a value: {"value": v}.
func w(v any) map[string]any { return map[string]any{"value": v} }

// obj is a JSON object literal.
type obj = map[string]any
