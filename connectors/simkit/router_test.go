package simkit

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testRouter answers each route with its op and params as JSON, and 404/405
// in a made-up system's own shape, so the tests see which writer ran.
func testRouter(slash SlashPolicy, calls *CallCounter) *Router {
	rt := &Router{Prefix: "/api/v1", Slash: slash, Calls: calls,
		NotFound: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNotFound)
			_ = json.NewEncoder(w).Encode(map[string]string{"err": "no such resource"})
		},
		MethodNotAllowed: func(w http.ResponseWriter, r *http.Request, allowed []string) {
			w.WriteHeader(http.StatusMethodNotAllowed)
			_ = json.NewEncoder(w).Encode(map[string]string{"err": "not " + r.Method, "allowed": strings.Join(allowed, ",")})
		}}
	echo := func(op string) HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request, p Params) {
			_ = json.NewEncoder(w).Encode(map[string]any{"op": op, "params": p, "id": p.Get("id")})
		}
	}
	for _, pair := range [][2]string{
		{"GET", "/"},
		{"GET", "/orders"},
		{"POST", "/orders"},
		{"GET", "/orders/count"}, // before {id}: the literal wins
		{"GET", "/orders/{id}"},
		{"PATCH", "/orders/{id}"},
		{"GET", "/orders/{id}/rows/{row}"},
	} {
		rt.Handle(pair[0], pair[1], echo(pair[0]+" "+pair[1]))
	}
	return rt
}

func call(t *testing.T, h http.Handler, method, path string) (int, map[string]any) {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, path, nil))
	var body map[string]any
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body), w.Body.String())
	return w.Code, body
}

func TestRouterMatchesPatternsAndParams(t *testing.T) {
	rt := testRouter(SlashOptional, nil)
	for _, tc := range []struct {
		method, path, op, id string
	}{
		{"GET", "/api/v1/orders", "GET /orders", ""},
		{"GET", "/api/v1/orders/", "GET /orders", ""},
		{"POST", "/api/v1/orders/", "POST /orders", ""},
		{"GET", "/api/v1/orders/42", "GET /orders/{id}", "42"},
		{"PATCH", "/api/v1/orders/42/", "PATCH /orders/{id}", "42"},
		{"GET", "/api/v1/orders/count", "GET /orders/count", ""},
		{"GET", "/api/v1/", "GET /", ""},
		{"GET", "/api/v1", "GET /", ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			status, body := call(t, rt, tc.method, tc.path)
			require.Equal(t, http.StatusOK, status, body)
			assert.Equal(t, tc.op, body["op"])
			assert.Equal(t, tc.id, body["id"])
			assert.Equal(t, tc.op, rt.Op(httptest.NewRequest(tc.method, tc.path, nil)), "Op names the route the request takes")
		})
	}

	_, body := call(t, rt, "GET", "/api/v1/orders/7/rows/3")
	assert.Equal(t, []any{map[string]any{"Name": "id", "Value": "7"}, map[string]any{"Name": "row", "Value": "3"}}, body["params"])
	p := Params{{"id", "7"}, {"row", "3"}}
	assert.Equal(t, "3", p.Get("row"))
	assert.Equal(t, "", p.Get("nope"))
	assert.Equal(t, []string{"7", "3"}, p.Values())
}

func TestRouterAnswersNotFoundAndMethodThroughTheSystemsWriters(t *testing.T) {
	rt := testRouter(SlashOptional, nil)
	for _, tc := range []struct {
		method, path string
		status       int
		allowed      string
	}{
		{"GET", "/api/v1/colours", 404, ""},
		{"GET", "/elsewhere/orders", 404, ""},
		{"GET", "/api/v1x/orders", 404, ""},               // outside the prefix, though it starts with it
		{"GET", "/api/v1/orders//rows/3", 404, ""},        // a placeholder takes no empty segment
		{"GET", "/api/v1/orders/7/rows/3/extra", 404, ""}, // longer than any pattern
		{"DELETE", "/api/v1/orders/7", 405, "GET,PATCH"},
		{"PUT", "/api/v1/orders", 405, "GET,POST"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			status, body := call(t, rt, tc.method, tc.path)
			assert.Equal(t, tc.status, status)
			if tc.status == 404 {
				assert.Equal(t, "no such resource", body["err"])
			} else {
				assert.Equal(t, "not "+tc.method, body["err"])
				assert.Equal(t, tc.allowed, body["allowed"])
			}
			assert.Equal(t, tc.method+" "+tc.path, rt.Op(httptest.NewRequest(tc.method, tc.path, nil)),
				"an unrouted request is named by its raw path, so a fault rule can still aim at it")
		})
	}
}

func TestRouterExactSlash(t *testing.T) {
	rt := &Router{Slash: SlashExact}
	rt.Handle("GET", "/api/product", func(w http.ResponseWriter, _ *http.Request, _ Params) { w.WriteHeader(http.StatusOK) })
	rt.Handle("GET", "/api/order/", func(w http.ResponseWriter, _ *http.Request, _ Params) { w.WriteHeader(http.StatusOK) })
	for path, want := range map[string]int{"/api/product": 200, "/api/product/": 404, "/api/order/": 200, "/api/order": 404} {
		w := httptest.NewRecorder()
		rt.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		assert.Equal(t, want, w.Code, path)
	}
}

func TestRouterDefaultsAndOps(t *testing.T) {
	rt := &Router{}
	rt.Handle("GET", "/a/{id}", func(http.ResponseWriter, *http.Request, Params) {})
	rt.Handle("POST", "/a/{id}", func(http.ResponseWriter, *http.Request, Params) {})
	assert.Equal(t, []string{"GET /a/{id}", "POST /a/{id}"}, rt.Ops())

	w := httptest.NewRecorder()
	rt.ServeHTTP(w, httptest.NewRequest("PUT", "/a/1", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, w.Code)
	assert.Equal(t, "GET, POST", w.Header().Get("Allow"), "without a system writer: Go's 405 with Allow")
	w = httptest.NewRecorder()
	rt.ServeHTTP(w, httptest.NewRequest("GET", "/b", nil))
	assert.Equal(t, http.StatusNotFound, w.Code)
}

// The router counts what it routes and nothing else: not 404s, not 405s,
// not what a fault answered before it.
func TestRouterCountsServedCalls(t *testing.T) {
	var calls CallCounter
	rt := testRouter(SlashOptional, &calls)
	var faults Faults
	faults.Add(Rule{Op: "GET /orders/{id}", Kind: FaultStatus, Status: 503, Times: 1})
	h := faults.Middleware(rt.Op, func(w http.ResponseWriter, _ *http.Request, status int, _ time.Duration) {
		w.WriteHeader(status)
		_, _ = w.Write([]byte("{}"))
	}, rt)

	status, _ := call(t, h, "GET", "/api/v1/orders/1")
	assert.Equal(t, 503, status, "the fault rule found the request by its op")
	call(t, h, "GET", "/api/v1/orders/1/")
	call(t, h, "GET", "/api/v1/orders/2")
	call(t, h, "GET", "/api/v1/orders")
	call(t, h, "GET", "/api/v1/nothing")
	call(t, h, "DELETE", "/api/v1/orders/2")

	assert.Equal(t, 2, calls.Count("GET /orders/{id}"))
	assert.Equal(t, map[string]int{"GET /orders/{id}": 2, "GET /orders": 1}, calls.Snapshot())
}
