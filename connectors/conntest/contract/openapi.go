package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"gopkg.in/yaml.v3"

	"github.com/koppel/koppel/connectors/conntest/internal/capture"
)

// kin-openapi (github.com/getkin/kin-openapi) is the maintained OpenAPI 3
// validator for Go: it resolves the specs' thousands of $refs, routes a
// request to its operation and validates parameters and bodies with
// openapi3filter. A home-made validator would have to redo all of that and
// would drift from the standard.
//
// Two of the vendors' files are OpenAPI 3.1 (Shopware, eAccounting).
// kin-openapi loads them, but validates 3.1 bodies with a JSON Schema
// 2020-12 engine that is about a thousand times slower (shared/specs/README:
// 150 ms against 0.1 ms for one large Shopware answer), too slow for a
// check on every exchange of a test run. Load therefore rewrites the few 3.1
// constructs these files use into their 3.0 equal before loading (see
// downgrade) and validates with the 3.0 engine.

// OpenAPI is one loaded OpenAPI document with its router. It is safe for
// concurrent use.
type OpenAPI struct {
	// Name is the spec's file name, for messages.
	Name string
	// Version is the document's own openapi version, before any rewrite.
	Version string
	// Rewrites counts the 3.1 constructs rewritten into 3.0, by kind.
	Rewrites map[string]int

	doc    *openapi3.T
	router routers.Router
	opts   *openapi3filter.Options
}

var openAPIs = specCache[*OpenAPI]{load: loadOpenAPI}

// LoadOpenAPI reads a spec (JSON or YAML) once per process.
func LoadOpenAPI(path string) (*OpenAPI, error) { return openAPIs.get(path) }

// OpenAPIForTest loads a spec from shared/specs (LoadOpenAPI), skipping the
// test when the file is not there and failing it when it does not load.
func OpenAPIForTest(t testing.TB, name string) *OpenAPI {
	t.Helper()
	api, err := LoadOpenAPI(specForTest(t, name))
	if err != nil {
		t.Fatalf("contract %s: %v", name, err)
	}
	return api
}

func loadOpenAPI(path string) (*OpenAPI, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var tree any
	if strings.HasSuffix(path, ".json") {
		err = json.Unmarshal(raw, &tree)
	} else {
		err = yaml.Unmarshal(raw, &tree)
		tree = stringKeys(tree)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	root, ok := tree.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: not an OpenAPI document", filepath.Base(path))
	}
	api := &OpenAPI{Name: filepath.Base(path), Rewrites: map[string]int{}}
	api.Version, _ = root["openapi"].(string)
	if strings.HasPrefix(api.Version, "3.1") {
		downgrade(root, api.Rewrites)
	}
	mergeParamVariants(root, api.Rewrites)
	// Requests go to a simulator on a loopback address, not to the vendor's
	// host: keep each server's path (Shopware's /api) and match any host.
	root["servers"] = localServers(root["servers"])
	data, err := json.Marshal(root)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("%s: kin-openapi cannot load it: %w", api.Name, err)
	}
	api.doc = doc
	if api.router, err = gorillamux.NewRouter(doc); err != nil {
		return nil, fmt.Errorf("%s: no router: %w", api.Name, err)
	}
	// Auth is the simulators' to check (research/ knows the real rules);
	// the contract says nothing useful about it.
	api.opts = &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}
	// kin-openapi's own message prints the whole schema, pages of it for
	// the vendors' files; the field's path and the reason are what a
	// reader needs.
	api.opts.WithCustomSchemaErrorFunc(func(e *openapi3.SchemaError) string {
		return fmt.Sprintf("at /%s: %s", strings.Join(e.JSONPointer(), "/"), e.Reason)
	})
	return api, nil
}

// localServers keeps the path of every server URL and drops scheme and host.
func localServers(v any) []any {
	seen := map[string]bool{}
	var out []any
	list, _ := v.([]any)
	for _, s := range list {
		m, _ := s.(map[string]any)
		raw, _ := m["url"].(string)
		u, err := url.Parse(raw)
		if err != nil || strings.Contains(raw, "{") {
			continue // a templated server: fall back to the root
		}
		p := strings.TrimRight(u.Path, "/")
		if !seen[p] {
			seen[p] = true
			out = append(out, map[string]any{"url": p + "/"})
		}
	}
	if len(out) == 0 {
		out = []any{map[string]any{"url": "/"}}
	}
	return out
}

// Operations counts the operations the document declares (a loaded-ness check).
func (o *OpenAPI) Operations() int {
	n := 0
	for _, item := range o.doc.Paths.Map() {
		n += len(item.Operations())
	}
	return n
}

// Exchange is one request with its answer, as a client sent it and a
// simulator answered it.
type Exchange struct {
	Request     *http.Request
	RequestBody []byte
	// Status 0 means there was no answer to check (the connection was
	// dropped): only the request is checked.
	Status int
	Header http.Header
	Body   []byte
}

// CheckRequest validates a request against its operation: path, method,
// parameters and body. The request's body is read from body, not r.Body.
func (o *OpenAPI) CheckRequest(r *http.Request, body []byte) error {
	_, err := o.checkRequest(r, body)
	return err
}

func (o *OpenAPI) checkRequest(r *http.Request, body []byte) (*openapi3filter.RequestValidationInput, error) {
	r = r.Clone(r.Context())
	if r.URL.Host == "" { // a server-side request: the router matches on the URL
		r.URL.Host = r.Host
	}
	route, params, err := o.router.FindRoute(r)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %s has no such operation: %w", r.Method, r.URL.Path, o.Name, err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: o.opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return in, fmt.Errorf("%s %s (%s): the request does not match %s: %w", r.Method, r.URL.Path, route.Operation.OperationID, o.Name, err)
	}
	return in, nil
}

// CheckExchange validates the request and, when there is an answer, the
// answer: a 2xx status must be declared by the operation and its body
// must match; another status is checked when the operation declares it
// (the vendors' files are not complete about errors).
func (o *OpenAPI) CheckExchange(x Exchange) error {
	in, reqErr := o.checkRequest(x.Request, x.RequestBody)
	if in == nil || x.Status == 0 {
		return reqErr
	}
	var errs []error
	if reqErr != nil {
		errs = append(errs, reqErr)
	}
	op := in.Route.Operation
	declared := op.Responses.Status(x.Status) != nil || op.Responses.Default() != nil
	if !declared && x.Status >= 200 && x.Status < 300 {
		errs = append(errs, fmt.Errorf("%s %s (%s): status %d is not one %s declares (%s)", x.Request.Method, x.Request.URL.Path,
			op.OperationID, x.Status, o.Name, strings.Join(statuses(op.Responses), ", ")))
	}
	if declared && !noContent(op, x) {
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: x.Status, Header: x.Header, Options: o.opts}
		out.SetBodyBytes(x.Body)
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			errs = append(errs, fmt.Errorf("%s %s (%s): the %d answer does not match %s: %w", x.Request.Method, x.Request.URL.Path,
				op.OperationID, x.Status, o.Name, err))
		}
	}
	return errors.Join(errs...)
}

// noContent reports an answer without a body where the contract's body is
// a placeholder: a 204 (HTTP allows it no body, whatever a generated file
// declares), or a 201 whose declared schemas are all a bare object with
// no properties (Visma.net's generator writes that for "201 + Location,
// empty body"). A body that is there is always checked.
func noContent(op *openapi3.Operation, x Exchange) bool {
	if len(bytes.TrimSpace(x.Body)) > 0 {
		return false
	}
	switch x.Status {
	case http.StatusNoContent:
		return true
	case http.StatusCreated:
		r := op.Responses.Status(x.Status)
		if r == nil || r.Value == nil {
			return false
		}
		for _, mt := range r.Value.Content {
			if mt.Schema == nil || mt.Schema.Value == nil {
				continue
			}
			sc := mt.Schema.Value
			if len(sc.Properties) > 0 || len(sc.Required) > 0 || sc.Items != nil || len(sc.AllOf)+len(sc.OneOf)+len(sc.AnyOf) > 0 {
				return false
			}
		}
		return true
	}
	return false
}

func statuses(r *openapi3.Responses) []string {
	var out []string
	for k := range r.Map() {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Reporter is told about every exchange that breaks the contract;
// testing.TB is one.
type Reporter interface {
	Errorf(format string, args ...any)
}

// Handler checks every exchange that passes through it on the way to next
// (a simulator): put it between the test's client and the simulator.
func (o *OpenAPI) Handler(rep Reporter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		cw := capture.NewWriter(w)
		next.ServeHTTP(cw, r)
		x := Exchange{Request: r, RequestBody: body}
		if !cw.Hijacked() {
			x.Status, x.Header, x.Body = cw.StatusOrOK(), cw.Header(), cw.Body.Bytes()
		}
		if err := o.CheckExchange(x); err != nil {
			rep.Errorf("contract: %v", err)
		}
		cw.Send(cw.Body.Bytes())
	})
}

// Transport checks every exchange a client makes through next (nil:
// http.DefaultTransport): for a client tested against a server the test
// does not control.
func (o *OpenAPI) Transport(rep Reporter, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		var body []byte
		if r.Body != nil {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				return nil, err
			}
			body = b
			r = r.Clone(r.Context())
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		resp, err := next.RoundTrip(r)
		x := Exchange{Request: r, RequestBody: body}
		if err == nil {
			b, rerr := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			resp.Body = io.NopCloser(bytes.NewReader(b))
			if rerr == nil {
				x.Status, x.Header, x.Body = resp.StatusCode, resp.Header, b
			}
		}
		if cerr := o.CheckExchange(x); cerr != nil {
			rep.Errorf("contract: %v", cerr)
		}
		return resp, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// stringKeys turns the map[any]any a YAML decoder may make into map[string]any.
func stringKeys(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = stringKeys(x)
		}
		return t
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[fmt.Sprint(k)] = stringKeys(x)
		}
		return out
	case []any:
		for i, x := range t {
			t[i] = stringKeys(x)
		}
	}
	return v
}
