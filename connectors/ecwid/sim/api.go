package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors/ecwid"
	"github.com/koppel/koppel/connectors/simkit"
)

// Ops: each route's name, "METHOD /template" with the path below
// /api/v3/{storeId}, as fault rules and call counts use it (and the
// client names its calls).
const (
	OpSearchOrders = "GET /orders"
	OpGetLastOrder = "GET /orders/last"
	OpGetOrder     = "GET /orders/{orderId}"
	OpCreateOrder  = "POST /orders"
	OpUpdateOrder  = "PUT /orders/{orderId}"
	OpDeleteOrder  = "DELETE /orders/{orderId}"

	OpSearchCustomers = "GET /customers"
	OpGetCustomer     = "GET /customers/{customerId}"
	OpCreateCustomer  = "POST /customers"
	OpUpdateCustomer  = "PUT /customers/{customerId}"
	OpDeleteCustomer  = "DELETE /customers/{customerId}"

	OpSearchProducts         = "GET /products"
	OpGetProduct             = "GET /products/{productId}"
	OpCreateProduct          = "POST /products"
	OpUpdateProduct          = "PUT /products/{productId}"
	OpDeleteProduct          = "DELETE /products/{productId}"
	OpAdjustProductInventory = "PUT /products/{productId}/inventory"
	OpUploadProductImage     = "POST /products/{productId}/image"

	OpListCombinations           = "GET /products/{productId}/combinations"
	OpCreateCombination          = "POST /products/{productId}/combinations"
	OpGetCombination             = "GET /products/{productId}/combinations/{combinationId}"
	OpUpdateCombination          = "PUT /products/{productId}/combinations/{combinationId}"
	OpDeleteCombination          = "DELETE /products/{productId}/combinations/{combinationId}"
	OpAdjustCombinationInventory = "PUT /products/{productId}/combinations/{combinationId}/inventory"

	OpSearchCategories = "GET /categories"
	OpGetCategory      = "GET /categories/{categoryId}"
	OpCreateCategory   = "POST /categories"
	OpUpdateCategory   = "PUT /categories/{categoryId}"
	OpDeleteCategory   = "DELETE /categories/{categoryId}"

	OpGetProfile = "GET /profile"
)

// Error codes the simulator answers (§3.7).
const (
	CodeWrongParameter        = "WRONG_PARAMETER"
	CodeNotOnPlan             = "NOT_AVAILABLE_ON_CURRENT_PLAN"
	CodeInvalidToken          = "INVALID_API_TOKEN"
	CodeInsufficientScope     = "INSUFFICIENT_APP_SCOPE"
	CodeStoreNotFound         = "STORE_NOT_FOUND"
	CodeOrderNotFound         = "ORDER_NOT_FOUND"
	CodeProductNotFound       = "PRODUCT_NOT_FOUND"
	CodeCombinationNotFound   = "COMBINATION_NOT_FOUND"
	CodeCategoriesNotFound    = "CATEGORIES_NOT_FOUND"
	CodeCustomerNotFound      = "CUSTOMER_NOT_FOUND"
	CodeResourceNotFound      = "RESOURCE_NOT_FOUND"
	CodeMethodNotAllowed      = "METHOD_NOT_ALLOWED"
	CodeTimeout               = "TIMEOUT"
	CodeSKUExists             = "SKU_ALREADY_EXISTS"
	CodeExternalIDUsed        = "EXTERNAL_ID_ALREADY_USED"
	CodeCombinationDuplicated = "COMBINATION_DUPLICATED"
	CodeDifferentStock        = "DIFFERENT_COMBINATION_STOCK"
	CodeIncorrectImageSize    = "INCORRECT_IMAGE_SIZE"
	CodeRateLimited           = "RATE_LIMITED"
	CodeInternalError         = "INTERNAL_ERROR"
)

// APIPrefix is where every store's API lives on app.ecwid.com:
// APIPrefix/{storeId}/…. The simulator also serves each store at
// /{storeId}/…, below its root: a client's BaseURL is the API's address
// without the store id (ecwid.ProductionAPI, which ends in /api/v3), so
// a BaseURL of the simulator's bare address (what `starter dev` writes)
// works as well as one ending in /api/v3.
const APIPrefix = "/api/v3/"

// call is one request as a handler sees it.
type call struct {
	r      *http.Request
	p      simkit.Params
	q      query
	body   []byte
	public bool     // a public_ token
	events []*Event // webhooks to send once the state is unlocked
}

// handler serves a route with the state locked; it answers a value to
// send as JSON (200, as the API answers creates too) or an error.
type handler func(s *Sim, c *call) (any, *apiError)

type grantKey struct{}

// grant is what the request's token may do.
type grant struct {
	public bool
	scopes []string
}

// newRouter lists the routes (§3.3); literal segments go before the
// placeholders that would take them.
func (s *Sim) newRouter() *simkit.Router {
	rt := &simkit.Router{Calls: &s.calls,
		NotFound: func(w http.ResponseWriter, r *http.Request) {
			s.out.Error(w, r, http.StatusNotFound, CodeResourceNotFound, "Resource not found: "+r.URL.Path)
		},
		MethodNotAllowed: func(w http.ResponseWriter, r *http.Request, allowed []string) {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			s.out.Error(w, r, http.StatusMethodNotAllowed, CodeMethodNotAllowed,
				fmt.Sprintf("HTTP method %s is not supported for %s", r.Method, r.URL.Path))
		}}
	// add registers a handler under its op with the scope it needs;
	// public says a public_ token may call it.
	add := func(op, scope string, public bool, h handler) {
		method, pattern, _ := strings.Cut(op, " ")
		rt.Handle(method, pattern, s.route(scope, public, h))
	}
	add(OpSearchOrders, ecwid.ScopeReadOrders, false, (*Sim).searchOrders)
	add(OpGetLastOrder, ecwid.ScopeReadOrders, false, (*Sim).lastOrder)
	add(OpGetOrder, ecwid.ScopeReadOrders, false, (*Sim).getOrder)
	add(OpCreateOrder, ecwid.ScopeCreateOrders, false, (*Sim).createOrder)
	add(OpUpdateOrder, ecwid.ScopeUpdateOrders, false, (*Sim).updateOrder)
	add(OpDeleteOrder, ecwid.ScopeUpdateOrders, false, (*Sim).deleteOrder)

	add(OpSearchCustomers, ecwid.ScopeReadCustomers, false, (*Sim).searchCustomers)
	add(OpGetCustomer, ecwid.ScopeReadCustomers, false, (*Sim).getCustomer)
	add(OpCreateCustomer, ecwid.ScopeCreateCustomers, false, (*Sim).createCustomer)
	add(OpUpdateCustomer, ecwid.ScopeUpdateCustomers, false, (*Sim).updateCustomer)
	add(OpDeleteCustomer, ecwid.ScopeUpdateCustomers, false, (*Sim).deleteCustomer)

	add(OpSearchProducts, ecwid.ScopeReadCatalog, true, (*Sim).searchProducts)
	add(OpGetProduct, ecwid.ScopeReadCatalog, true, (*Sim).getProduct)
	add(OpCreateProduct, ecwid.ScopeCreateCatalog, false, (*Sim).createProduct)
	add(OpUpdateProduct, ecwid.ScopeUpdateCatalog, false, (*Sim).updateProduct)
	add(OpDeleteProduct, ecwid.ScopeUpdateCatalog, false, (*Sim).deleteProduct)
	add(OpAdjustProductInventory, ecwid.ScopeUpdateCatalog, false, (*Sim).adjustProductInventory)
	add(OpUploadProductImage, ecwid.ScopeUpdateCatalog, false, (*Sim).uploadProductImage)
	add(OpListCombinations, ecwid.ScopeReadCatalog, true, (*Sim).listCombinations)
	add(OpCreateCombination, ecwid.ScopeCreateCatalog, false, (*Sim).createCombination)
	add(OpGetCombination, ecwid.ScopeReadCatalog, true, (*Sim).getCombination)
	add(OpUpdateCombination, ecwid.ScopeUpdateCatalog, false, (*Sim).updateCombination)
	add(OpDeleteCombination, ecwid.ScopeUpdateCatalog, false, (*Sim).deleteCombination)
	add(OpAdjustCombinationInventory, ecwid.ScopeUpdateCatalog, false, (*Sim).adjustCombinationInventory)

	add(OpSearchCategories, ecwid.ScopeReadCatalog, true, (*Sim).searchCategories)
	add(OpGetCategory, ecwid.ScopeReadCatalog, true, (*Sim).getCategory)
	add(OpCreateCategory, ecwid.ScopeCreateCatalog, false, (*Sim).createCategory)
	add(OpUpdateCategory, ecwid.ScopeUpdateCatalog, false, (*Sim).updateCategory)
	add(OpDeleteCategory, ecwid.ScopeUpdateCatalog, false, (*Sim).deleteCategory)

	add(OpGetProfile, ecwid.ScopeReadProfile, true, (*Sim).getProfile)
	return rt
}

// storePath splits /api/v3/{storeId}/rest (or /{storeId}/rest) into the
// store id and the rest.
func storePath(path string) (store, rest string, ok bool) {
	after, found := strings.CutPrefix(path, APIPrefix)
	if !found {
		after = strings.TrimPrefix(path, "/")
	}
	store, rest, _ = strings.Cut(after, "/")
	return store, "/" + rest, store != ""
}

// below is r with its path cut to the part below the store, which the
// router's patterns are written against.
func below(r *http.Request, rest string) *http.Request {
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	u.Path, u.RawPath = rest, ""
	r2.URL = &u
	return r2
}

// op names a request the way the client and fault rules do.
func (s *Sim) op(r *http.Request) string {
	if _, rest, ok := storePath(r.URL.Path); ok {
		return s.router.Op(below(r, rest))
	}
	return r.Method + " " + r.URL.Path
}

// serve checks what the API checks before any route (§3.1): the store,
// the token, the plan and the token's rate limit.
func (s *Sim) serve(w http.ResponseWriter, r *http.Request) {
	store, rest, ok := storePath(r.URL.Path)
	switch {
	case !ok:
		s.out.Error(w, r, http.StatusNotFound, CodeResourceNotFound, "Resource not found: the API lives at "+APIPrefix+"{storeId}/")
		return
	case store != s.store:
		s.out.Error(w, r, http.StatusNotFound, CodeStoreNotFound, fmt.Sprintf("Store with ID %s was not found", store))
		return
	}
	token := bearer(r)
	scopes, known := s.o.Tokens[token]
	if token == "" || !known {
		msg := "Access token is invalid"
		if token == "" {
			msg = "Access token is missing: send Authorization: Bearer <token>"
		}
		s.out.Error(w, r, http.StatusForbidden, CodeInvalidToken, msg)
		return
	}
	if s.o.NoAPIAccess {
		s.out.Error(w, r, http.StatusPaymentRequired, CodeNotOnPlan, "Please upgrade your account to access API")
		return
	}
	if ok, wait := s.limiter.take(token); !ok {
		s.tooMany(w, r, wait)
		return
	}
	g := grant{public: strings.HasPrefix(token, "public_"), scopes: scopes}
	r = below(r.WithContext(context.WithValue(r.Context(), grantKey{}, g)), rest)
	s.router.ServeHTTP(w, r)
}

// bearer is the request's token: the Authorization header, or the older
// token query parameter (§3.1).
func bearer(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, t, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") { // the scheme ignores case (RFC 9110)
			return ""
		}
		return strings.TrimSpace(t)
	}
	return r.URL.Query().Get("token")
}

// tooMany is the API's 429 (§3.6).
func (s *Sim) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	s.out.TooManyRequests(w, r, wait, CodeRateLimited,
		fmt.Sprintf("Too many requests, rate limit exceeded. Retry after %d seconds", simkit.RetryAfterSeconds(wait)))
}

// writeFault renders an injected status as the API, or the proxy in
// front of it, would: 429 with Retry-After, 500 INTERNAL_ERROR and the
// 4xx in the API's body, other 5xx as a gateway's plain text.
func (s *Sim) writeFault(w http.ResponseWriter, r *http.Request, status int, retryAfter time.Duration) {
	switch {
	case status == http.StatusTooManyRequests:
		s.tooMany(w, r, max(retryAfter, time.Second))
	case status == http.StatusInternalServerError:
		s.out.Error(w, r, status, CodeInternalError, "Internal server error")
	case status >= 500:
		http.Error(w, http.StatusText(status), status)
	default:
		code := map[int]string{http.StatusBadRequest: CodeWrongParameter, http.StatusPaymentRequired: CodeNotOnPlan,
			http.StatusForbidden: CodeInvalidToken, http.StatusUnauthorized: CodeInvalidToken,
			http.StatusNotFound: CodeResourceNotFound, http.StatusRequestTimeout: CodeTimeout}[status]
		s.out.Error(w, r, status, code, http.StatusText(status))
	}
}

// route wraps a handler: the scope check, the body, the lock, the answer
// (trimmed by responseFields) and the webhooks of what it changed.
func (s *Sim) route(scope string, public bool, h handler) simkit.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		g, _ := r.Context().Value(grantKey{}).(grant)
		switch {
		case g.public && !public:
			s.out.Error(w, r, http.StatusForbidden, CodeInsufficientScope,
				fmt.Sprintf("A public token cannot call %s %s: it needs the %s scope of a secret token", r.Method, r.URL.Path, scope))
			return
		case !g.public && !slices.Contains(g.scopes, scope):
			s.out.Error(w, r, http.StatusForbidden, CodeInsufficientScope,
				fmt.Sprintf("Application doesn't have the %s scope %s %s requires", scope, r.Method, r.URL.Path))
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxImageSize+1))
		if err != nil {
			s.out.Error(w, r, http.StatusBadRequest, CodeWrongParameter, "Request body cannot be read")
			return
		}
		c := &call{r: r, p: p, q: query{r.URL.Query()}, body: body, public: g.public}
		s.mu.Lock()
		v, aerr := h(s, c)
		s.mu.Unlock()
		s.send(c.events)
		if aerr != nil {
			s.out.Error(w, r, aerr.status, aerr.code, aerr.msg)
			return
		}
		if fields := c.q.Get("responseFields"); fields != "" {
			trimmed, ferr := trim(v, fields)
			if ferr != nil {
				s.out.Error(w, r, ferr.status, ferr.code, ferr.msg)
				return
			}
			v = trimmed
		}
		s.out.JSON(w, r, http.StatusOK, v)
	}
}

// responseFields (§3.2): "total,items(id,email,total)" keeps those fields
// of the answer, applied to each element of an array.

type fieldTree map[string]fieldTree // nil: the whole value

// fieldParser reads a responseFields list by recursive descent.
type fieldParser struct {
	s string
	i int
}

func (p *fieldParser) at(c byte) bool { return p.i < len(p.s) && p.s[p.i] == c }

func (p *fieldParser) list() (fieldTree, error) {
	out := fieldTree{}
	for {
		start := p.i
		for p.i < len(p.s) && !strings.ContainsRune(",()", rune(p.s[p.i])) {
			p.i++
		}
		name := strings.TrimSpace(p.s[start:p.i])
		if name == "" {
			return nil, fmt.Errorf("a field name is missing at position %d", start)
		}
		out[name] = nil
		if p.at('(') {
			p.i++
			sub, err := p.list()
			if err != nil {
				return nil, err
			}
			if !p.at(')') {
				return nil, fmt.Errorf("a ')' is missing after %s(", name)
			}
			p.i++
			out[name] = sub
		}
		if !p.at(',') {
			return out, nil
		}
		p.i++
	}
}

func trim(v any, spec string) (any, *apiError) {
	p := &fieldParser{s: spec}
	tree, err := p.list()
	if err == nil && p.i != len(spec) {
		err = fmt.Errorf("unexpected %q", spec[p.i:])
	}
	if err != nil {
		return nil, wrongParam("responseFields", "%v", err)
	}
	b, merr := json.Marshal(v)
	if merr != nil {
		return nil, fail(http.StatusInternalServerError, CodeInternalError, "%v", merr)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var generic any
	_ = dec.Decode(&generic)
	return keep(generic, tree), nil
}

func keep(v any, tree fieldTree) any {
	if tree == nil {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for name, sub := range tree {
			if fv, ok := x[name]; ok {
				out[name] = keep(fv, sub)
			}
		}
		return out
	case []any:
		for i := range x {
			x[i] = keep(x[i], tree)
		}
		return x
	}
	return v
}
