package ecwid

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fake is a small in-memory Ecwid store for the unit tests: the routes the
// client calls, records kept as the JSON the client wrote (or the test
// seeded), Bearer auth with scopes, offset paging capped at 100, inclusive
// date bounds, and queued failures per op. The conformance test runs the
// real simulator (package sim); this fake lets a test see and steer every
// request.
type fake struct {
	t      *testing.T
	srv    *httptest.Server
	store  string
	token  string
	scopes map[string]bool // nil: every scope
	noPlan bool
	now    func() time.Time
	// ignoreWindow makes the customer search ignore updatedFrom/updatedTo,
	// as a server that does not filter would.
	ignoreWindow bool

	mu         sync.Mutex
	next       int
	profile    map[string]any
	orders     []map[string]any
	products   []map[string]any
	categories []map[string]any
	customers  []map[string]any
	calls      []fakeCall
	fails      map[string][]fakeFail
	drops      map[string]int
}

type fakeCall struct {
	Op    string
	Path  string
	Query url.Values
	Body  map[string]any
	Auth  string
}

type fakeFail struct {
	status int
	body   string
	header http.Header
}

const (
	// The fake store's manual taxes (the profile's taxSettings.taxes).
	fakeTaxHigh = 1
	fakeTaxLow  = 2

	fakeStore = "1003"
	fakeToken = "secret_unit_test_token"
)

func newFake(t *testing.T) *fake {
	f := &fake{t: t, store: fakeStore, token: fakeToken, now: func() time.Time { return time.Unix(1714541188, 0).UTC() },
		fails: map[string][]fakeFail{}, drops: map[string]int{}, next: 100}
	f.profile = map[string]any{
		"formatsAndUnits": map[string]any{"currency": "EUR", "currencyPrecision": 2},
		"taxSettings": map[string]any{"pricesIncludeTax": true, "automaticTaxEnabled": false, "taxes": []any{
			map[string]any{"id": fakeTaxHigh, "name": "BTW hoog", "enabled": true, "defaultTax": 21, "appliedByDefault": true},
			map[string]any{"id": fakeTaxLow, "name": "BTW laag", "enabled": true, "defaultTax": 9, "appliedByDefault": false},
			map[string]any{"id": 3, "name": "oud", "enabled": false, "defaultTax": 6},
		}},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// client builds a client against the fake, unpaced, with the fake's clock.
func (f *fake) client(mod ...func(*Config)) *Client {
	f.t.Helper()
	cfg := Config{BaseURL: f.srv.URL + "/api/v3", StoreID: f.store, Token: f.token, RequestsPerMinute: -1, Now: f.now}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// fail queues a failed answer for the next call of op.
func (f *fake) fail(op string, status int, body string, header http.Header) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fails[op] = append(f.fails[op], fakeFail{status, body, header})
}

// drop makes the next call of op commit and then lose its answer.
func (f *fake) drop(op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.drops[op]++
}

// callsOf returns the recorded calls of op.
func (f *fake) callsOf(op string) []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeCall
	for _, c := range f.calls {
		if c.Op == op {
			out = append(out, c)
		}
	}
	return out
}

func (f *fake) id() int {
	f.next++
	return f.next
}

// jsonMap reads JSON text into a map, numbers kept as their text.
func jsonMap(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatalf("seed %s: %v", s, err)
	}
	return m
}

func (f *fake) addOrder(s string) map[string]any {
	m := jsonMap(f.t, s)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.orders = append(f.orders, m)
	return m
}

func (f *fake) addProduct(s string) map[string]any {
	m := jsonMap(f.t, s)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.products = append(f.products, m)
	return m
}

func (f *fake) addCategory(id int, parent int, name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := map[string]any{"id": json.Number(strconv.Itoa(id)), "name": name, "enabled": true}
	if parent != 0 {
		c["parentId"] = json.Number(strconv.Itoa(parent))
	}
	f.categories = append(f.categories, c)
}

func (f *fake) addCustomer(s string) map[string]any {
	m := jsonMap(f.t, s)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.customers = append(f.customers, m)
	return m
}

var fakeRoutes = []string{
	"/profile", "/orders", "/orders/{orderId}", "/products", "/products/{productId}",
	"/products/{productId}/combinations", "/products/{productId}/combinations/{combinationId}",
	"/categories", "/customers", "/customers/{customerId}",
}

// route finds a path's template and its keys.
func route(path string) (string, []string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, r := range fakeRoutes {
		tsegs := strings.Split(strings.Trim(r, "/"), "/")
		if len(tsegs) != len(segs) {
			continue
		}
		var keys []string
		ok := true
		for i, ts := range tsegs {
			switch {
			case strings.HasPrefix(ts, "{"):
				k, _ := url.PathUnescape(segs[i])
				keys = append(keys, k)
			case ts != segs[i]:
				ok = false
			}
		}
		if ok {
			return r, keys
		}
	}
	return "", nil
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	prefix := "/api/v3/" + f.store
	if !strings.HasPrefix(r.URL.Path, prefix) {
		writeErr(w, 404, "STORE_NOT_FOUND", "no such store")
		return
	}
	tmpl, keys := route(strings.TrimPrefix(r.URL.Path, prefix))
	op := r.Method + " " + tmpl
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	if len(raw) > 0 {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&body); err != nil {
			writeErr(w, 400, "WRONG_PARAMETER", "body is no JSON object")
			return
		}
	}
	f.mu.Lock()
	f.calls = append(f.calls, fakeCall{Op: op, Path: strings.TrimPrefix(r.URL.Path, prefix), Query: r.URL.Query(), Body: body, Auth: r.Header.Get("Authorization")})
	var failure *fakeFail
	if q := f.fails[op]; len(q) > 0 {
		failure, f.fails[op] = &q[0], q[1:]
	}
	drop := f.drops[op] > 0
	if drop {
		f.drops[op]--
	}
	f.mu.Unlock()
	switch {
	case r.Header.Get("Authorization") != "Bearer "+f.token:
		writeErr(w, 403, "INVALID_API_TOKEN", "Invalid token")
		return
	case f.noPlan:
		writeErr(w, 402, "NOT_AVAILABLE_ON_CURRENT_PLAN", "API is not available on the current plan")
		return
	case f.scopes != nil && !f.scopes[ScopeFor(op)]:
		writeErr(w, 403, "INSUFFICIENT_APP_SCOPE", "Your app does not have the scope to perform this request")
		return
	case failure != nil:
		for k, v := range failure.header {
			w.Header()[k] = v
		}
		w.WriteHeader(failure.status)
		_, _ = io.WriteString(w, failure.body)
		return
	case tmpl == "":
		writeErr(w, 404, "RESOURCE_NOT_FOUND", "no such route")
		return
	}
	f.mu.Lock()
	status, answer := f.handle(op, keys, r.URL.Query(), body)
	f.mu.Unlock()
	if drop {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
		return
	}
	if status >= 300 {
		e := answer.(ErrorBody)
		writeErr(w, status, e.ErrorCode, e.ErrorMessage)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(answer)
}

func writeErr(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(ErrorBody{ErrorMessage: msg, ErrorCode: code})
}

func num(v any) int64 {
	switch x := v.(type) {
	case json.Number:
		n, err := x.Int64()
		if err != nil {
			fl, _ := x.Float64()
			return int64(fl)
		}
		return n
	case int:
		return int64(x)
	case int64:
		return x
	case float64:
		return int64(x)
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// within applies an inclusive bound pair from the query to a time.
func within(q url.Values, from, to string, t int64) bool {
	if s := q.Get(from); s != "" && t < num(s) {
		return false
	}
	if s := q.Get(to); s != "" && t > num(s) {
		return false
	}
	return true
}

// page answers a listing of items with offset and limit (at most 100).
func page(items []map[string]any, q url.Values) map[string]any {
	offset, limit := int(num(q.Get("offset"))), 100
	if s := q.Get("limit"); s != "" {
		limit = min(int(num(s)), 100)
	}
	end := min(offset+limit, len(items))
	var out []map[string]any
	if offset < len(items) {
		out = items[offset:end]
	}
	return map[string]any{"total": len(items), "count": len(out), "offset": offset, "limit": limit, "items": out}
}

func notFoundErr(what string) (int, any) {
	return 404, ErrorBody{ErrorCode: strings.ToUpper(what) + "_NOT_FOUND", ErrorMessage: what + " not found"}
}

func (f *fake) find(list []map[string]any, id string) map[string]any {
	for _, m := range list {
		if str(m["id"]) == id {
			return m
		}
	}
	return nil
}

func (f *fake) handle(op string, keys []string, q url.Values, body map[string]any) (int, any) {
	now := f.now().Unix()
	switch op {
	case OpGetProfile:
		return 200, f.profile
	case OpListOrders:
		var match []map[string]any
		for _, o := range f.orders {
			kw := strings.ToLower(q.Get("keywords"))
			text := strings.ToLower(str(o["id"]) + " " + str(o["email"]) + " " + str(o["privateAdminNotes"]))
			if !within(q, "updatedFrom", "updatedTo", num(o["updateTimestamp"])) ||
				!within(q, "createdFrom", "createdTo", num(o["createTimestamp"])) ||
				kw != "" && !strings.Contains(text, kw) {
				continue
			}
			match = append(match, o)
		}
		sort.SliceStable(match, func(i, j int) bool { return num(match[i]["createTimestamp"]) > num(match[j]["createTimestamp"]) })
		return 200, page(match, q)
	case OpGetOrder:
		if o := f.find(f.orders, keys[0]); o != nil {
			return 200, o
		}
		return notFoundErr("order")
	case OpCreateOrder:
		n := f.id()
		body["id"] = fmt.Sprintf("ORD%d", n)
		body["internalId"] = n
		body["createTimestamp"], body["updateTimestamp"] = now, now
		f.orders = append(f.orders, body)
		return 200, map[string]any{"id": n, "orderid": body["id"]}
	case OpListProducts:
		var match []map[string]any
		for _, p := range f.products {
			if sku := q.Get("sku"); sku != "" {
				hit := str(p["sku"]) == sku
				for _, cb := range combos(p) {
					hit = hit || str(cb["sku"]) == sku
				}
				if !hit {
					continue
				}
			} else if !within(q, "updatedFrom", "updatedTo", num(p["updateTimestamp"])) {
				continue
			}
			match = append(match, p)
		}
		return 200, page(match, q)
	case OpGetProduct:
		if p := f.find(f.products, keys[0]); p != nil {
			return 200, p
		}
		return notFoundErr("product")
	case OpCreateProduct:
		body["id"] = f.id()
		body["updateTimestamp"] = now
		f.products = append(f.products, body)
		return 200, map[string]any{"id": body["id"]}
	case OpUpdateProduct:
		p := f.find(f.products, keys[0])
		if p == nil {
			return notFoundErr("product")
		}
		for k, v := range body {
			p[k] = v
		}
		p["updateTimestamp"] = now
		return 200, map[string]any{"updateCount": 1}
	case OpListCombinations:
		p := f.find(f.products, keys[0])
		if p == nil {
			return notFoundErr("product")
		}
		return 200, combos(p)
	case OpCreateCombination, OpUpdateCombination:
		p := f.find(f.products, keys[0])
		if p == nil {
			return notFoundErr("product")
		}
		list := combos(p)
		if op == OpCreateCombination {
			body["id"] = f.id()
			list = append(list, body)
		} else {
			cb := f.find(list, keys[1])
			if cb == nil {
				return notFoundErr("combination")
			}
			for k, v := range body {
				cb[k] = v
			}
		}
		anyList := make([]any, len(list))
		for i, cb := range list {
			anyList[i] = cb
		}
		p["combinations"] = anyList
		p["updateTimestamp"] = now
		if op == OpCreateCombination {
			return 200, map[string]any{"id": body["id"]}
		}
		return 200, map[string]any{"updateCount": 1}
	case OpListCategories:
		return 200, page(f.categories, q)
	case OpCreateCategory:
		body["id"] = f.id()
		f.categories = append(f.categories, body)
		return 200, map[string]any{"id": body["id"]}
	case OpListCustomers:
		var match []map[string]any
		for _, c := range f.customers {
			e := q.Get("email")
			updated, _ := time.Parse(DateLayout, str(c["updated"]))
			switch {
			case !f.ignoreWindow && !within(q, "updatedFrom", "updatedTo", updated.Unix()):
				continue
			case e != "" && q.Get("useExactEmailMatch") == "true" && !strings.EqualFold(str(c["email"]), e),
				e != "" && !strings.Contains(strings.ToLower(str(c["email"])), strings.ToLower(e)):
				continue
			}
			match = append(match, c)
		}
		return 200, page(match, q)
	case OpGetCustomer:
		if c := f.find(f.customers, keys[0]); c != nil {
			return 200, c
		}
		return notFoundErr("customer")
	case OpCreateCustomer:
		body["id"] = f.id()
		f.customers = append(f.customers, body)
		return 200, map[string]any{"id": body["id"]}
	case OpUpdateCustomer:
		c := f.find(f.customers, keys[0])
		if c == nil {
			return notFoundErr("customer")
		}
		for k, v := range body {
			c[k] = v
		}
		return 200, map[string]any{"updateCount": 1}
	}
	return 405, ErrorBody{ErrorCode: "METHOD_NOT_ALLOWED", ErrorMessage: op}
}

// combos are a product's combinations as maps.
func combos(p map[string]any) []map[string]any {
	list, _ := p["combinations"].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, v := range list {
		if m, ok := v.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// jsonNum is a number as the fake keeps what the client sent.
func jsonNum(s string) json.Number { return json.Number(s) }
