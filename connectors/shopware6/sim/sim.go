// Package sim is a local Shopware 6 shop (research/apis-erp-shopware.md §1
// and the simulator checklist of §4), as far as an order source and a
// product and stock target need it. The catalogue (products, variants,
// property groups, categories, taxes, sales channels, media) and its
// writes — create, PATCH, the Sync API, the media upload — are in
// catalog.go and writes.go. For orders it serves:
//
//   - POST /api/oauth/token with the client-credentials grant of an
//     integration (a JSON body, as the contract declares; a form or a Basic
//     header, as the OAuth2 server underneath also takes), handing out
//     JWT-shaped bearer tokens that expire after Options.TokenTTL by the
//     simulator's clock, 401 with the errors[] body for a bad secret, and
//     the login limiter's time back-off with 429 (§1.11);
//   - a bearer check on every other /api route (401 with the errors[] body);
//   - POST /api/search/{entity} for orders and the entities they refer to,
//     with the criteria subset of criteria.go and the real answer
//     {"total", "data", "aggregations"}, and GET /api/order/{id};
//   - orders with their line items, addresses, customer, deliveries and
//     payments, each delivery, payment and the order with its state machine
//     (states.go); the transition routes under /api/_action, refusing an
//     illegal transition with SYSTEM__ILLEGAL_STATE_TRANSITION;
//   - an optional limit on data routes (a host's or proxy's) with 429 and
//     Retry-After, simkit faults keyed by the routes' ops ("POST
//     /search/order"), served-call counts, Snapshot and Restore.
//
// Tests and the demo seed orders from model.Order (seed.go) and change them
// as a shop would (SetPaid, Transition, SetState, Touch). Where the research
// marks a fact uncertain the simulator picks a guess, named where it is made:
// the OAuth error codes and texts, whether a 429 carries Retry-After (it
// does), a 406 for an Accept other than application/json (the real API
// would answer JSON:API), which version added technicalName to payment and
// shipping methods.
package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/koppel/koppel/connectors/simkit"
)

// APIPath is where the Admin API lives.
const APIPath = "/api"

// Ops of the routes (method and pattern below /api), for fault rules and
// Served.
const (
	OpToken              = "POST /oauth/token"
	OpSearchOrders       = "POST /search/order"
	OpGetOrder           = "GET /order/{id}"
	OpOrderTransition    = "POST /_action/order/{orderId}/state/{transition}"
	OpPaymentTransition  = "POST /_action/order_transaction/{orderTransactionId}/state/{transition}"
	OpDeliveryTransition = "POST /_action/order_delivery/{orderDeliveryId}/state/{transition}"
)

// Options configure a simulator.
type Options struct {
	// AccessKeyID and SecretAccessKey are the integration's credentials the
	// token endpoint accepts.
	AccessKeyID, SecretAccessKey string
	// Now is the shop's clock (token expiry, timestamps); nil means time.Now.
	Now func() time.Time
	// Version is the Shopware version served, "6.4" to "6.7" ("" is 6.7):
	// before 6.6 the state machine states and the delivery address are
	// loaded without being asked for; before 6.7 orders name no primary
	// delivery and payment; before 6.6 methods have no technicalName.
	Version string
	// TokenTTL is the tokens' lifetime; 0 means 600 s (research §1.2).
	TokenTTL time.Duration
	// TaxListsAsArrays renders calculatedTaxes and taxRules as lists (what
	// the research describes) instead of objects keyed by rate (what the
	// contract declares).
	TaxListsAsArrays bool
	// RequestsPerMinute limits data routes per access key, as a host or
	// proxy in front of a shop may (Shopware core has no such limit): 0
	// means none.
	RequestsPerMinute int
	// NoLoginLimiter turns the token endpoint's login limiter off.
	NoLoginLimiter bool
	// MaxLimit is shopware.api.max_limit: a larger search limit is refused;
	// 0 means none.
	MaxLimit int
}

// Sim is the simulated shop; it is an http.Handler and safe for concurrent use.
type Sim struct {
	o            Options
	major, minor int
	faults       simkit.Faults
	calls        simkit.CallCounter
	limiter      *simkit.WindowLimiter
	router       *simkit.Router
	handler      http.Handler
	out          simkit.JSONWriter

	mu     sync.Mutex
	state  state
	byID   map[string]*order
	key    []byte // signs tokens; a new key revokes every token
	logins map[string]*loginAttempts
}

// New builds a shop with no orders.
func New(o Options) *Sim {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TokenTTL <= 0 {
		o.TokenTTL = 600 * time.Second
	}
	s := &Sim{o: o, limiter: simkit.NewWindowLimiter(time.Minute, o.Now), byID: map[string]*order{}, logins: map[string]*loginAttempts{}}
	s.major, s.minor = parseVersion(o.Version)
	s.state = freshState()
	s.key = newKey()
	s.out = simkit.JSONWriter{ContentType: "application/json", ErrorBody: func(_ *http.Request, status int, code, msg string) any {
		return errorsBody(apiError{Status: status, Code: code, Detail: msg})
	}}
	s.router = s.newRouter()
	s.handler = s.faults.Middleware(s.router.Op, s.writeStatus, s.router)
	return s
}

func freshState() state {
	return state{Seq: 1, NextOrderNumber: 10000, NextCustomerNo: 10000, States: defaultStates(), Catalog: defaultCatalog(),
		Currencies: []*currency{{ID: DefaultCurrencyID, IsoCode: "EUR", Symbol: "€", Name: "Euro", Decimals: 2}}}
}

func parseVersion(v string) (int, int) {
	if v == "" {
		return 6, 7
	}
	major, rest, _ := strings.Cut(v, ".")
	minor, _, _ := strings.Cut(rest, ".")
	ma, err1 := strconv.Atoi(major)
	mi, err2 := strconv.Atoi(minor)
	if err1 != nil || err2 != nil || ma != 6 || mi < 4 || mi > 7 {
		panic(fmt.Sprintf("shopware6 sim: version %q is not one of 6.4, 6.5, 6.6, 6.7", v))
	}
	return ma, mi
}

// atLeast reports whether the simulated version is major.minor or later.
func (s *Sim) atLeast(major, minor int) bool {
	return s.major > major || s.major == major && s.minor >= minor
}

// Faults lets a test inject latency, errors and 429s; ops are the routes'
// (OpSearchOrders …).
func (s *Sim) Faults() *simkit.Faults { return &s.faults }

// Served counts the requests answered per op (faults excluded).
func (s *Sim) Served(op string) int { return s.calls.Count(op) }

func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// newRouter lists the routes (research §1.4).
func (s *Sim) newRouter() *simkit.Router {
	rt := &simkit.Router{Prefix: APIPath, Calls: &s.calls, NotFound: s.notFound, MethodNotAllowed: s.methodNotAllowed}
	rt.Handle("POST", "/oauth/token", func(w http.ResponseWriter, r *http.Request, _ simkit.Params) { s.token(w, r) })
	rt.Handle("GET", "/_info/version", s.api((*Sim).version))
	for _, entity := range searchable {
		rt.Handle("POST", "/search/"+strings.ReplaceAll(entity, "_", "-"), s.api(func(s *Sim, r *http.Request, _ simkit.Params, body []byte) reply {
			return s.search(entity, body, r.Header.Get("sw-inheritance") == "1")
		}))
	}
	for _, entity := range catalogEntities {
		route := "/" + strings.ReplaceAll(entity, "_", "-")
		if entity != "sales_channel" {
			rt.Handle("POST", route, s.api(createRoute(entity)))
			rt.Handle("PATCH", route+"/{id}", s.api(patchRoute(entity)))
		}
		rt.Handle("GET", route+"/{id}", s.api(getRoute(entity)))
	}
	rt.Handle("POST", "/_action/sync", s.api((*Sim).sync))
	rt.Handle("POST", "/_action/media/{mediaId}/upload", s.api((*Sim).upload))
	rt.Handle("GET", "/order/{id}", s.api((*Sim).getOrder))
	rt.Handle("POST", "/_action/order/{orderId}/state/{transition}", s.api(transitionRoute(OrderMachine)))
	rt.Handle("POST", "/_action/order_transaction/{orderTransactionId}/state/{transition}", s.api(transitionRoute(PaymentMachine)))
	rt.Handle("POST", "/_action/order_delivery/{orderDeliveryId}/state/{transition}", s.api(transitionRoute(DeliveryMachine)))
	rt.Handle("GET", "/_action/state-machine/{entityName}/{entityId}/state", s.api((*Sim).transitions))
	return rt
}

// reply is a route's answer: a JSON body, or errors.
type reply struct {
	status int
	body   any
	errs   []apiError
	header http.Header // with a 204: its headers (Location)
}

func ok(v any) reply { return reply{status: http.StatusOK, body: v} }

func fail(errs ...apiError) reply { return reply{status: errs[0].Status, errs: errs} }

// routeFunc serves a data route with the lock held.
type routeFunc func(s *Sim, r *http.Request, p simkit.Params, body []byte) reply

// api wraps a data route: the bearer token, the Accept header and the
// optional per-key limit are checked first, as Shopware's listeners do
// before the controller runs.
func (s *Sim) api(h routeFunc) simkit.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
		if err != nil {
			s.writeErrors(w, r, apiError{Status: 400, Code: "0", Detail: "The request body cannot be read."})
			return
		}
		if e := s.authorize(r); e != nil {
			s.writeErrors(w, r, *e)
			return
		}
		if !acceptsJSON(r.Header.Get("Accept")) {
			// Guess: the real API answers JSON:API when not asked for JSON
			// (§1.1); the simulator refuses rather than answer another format.
			s.writeErrors(w, r, apiError{Status: http.StatusNotAcceptable, Code: "0",
				Detail: "The simulator answers Accept: application/json only; without it the real API answers application/vnd.api+json."})
			return
		}
		if !s.limiter.Admit(w, r, s.o.AccessKeyID, s.o.RequestsPerMinute, s.tooMany) {
			return
		}
		s.mu.Lock()
		rep := h(s, r, p, body)
		s.mu.Unlock()
		if len(rep.errs) > 0 {
			s.writeErrors(w, r, rep.errs...)
			return
		}
		if rep.status == http.StatusNoContent {
			for k, v := range rep.header {
				w.Header()[k] = v
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		s.writeJSON(w, r, rep.status, rep.body)
	}
}

// writeJSON is s.out.JSON writing the body with appendJSON: the same
// bytes and headers, without encoding/json's reflection (encode.go).
func (s *Sim) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := appendJSON(nil, v)
	if err != nil || s.out.Sign != nil {
		s.out.JSON(w, r, status, v)
		return
	}
	w.Header().Set("Content-Type", s.out.ContentType)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func acceptsJSON(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(mt), "application/json") {
			return true
		}
	}
	return false
}

// tooMany is the host limit's 429, with Retry-After.
func (s *Sim) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	secs := simkit.RetryAfterSeconds(wait)
	simkit.SetRetryAfter(w.Header(), wait)
	s.writeErrors(w, r, apiError{Status: http.StatusTooManyRequests, Code: "FRAMEWORK__RATE_LIMIT_EXCEEDED",
		Detail: fmt.Sprintf("Too many requests, try again in %d seconds.", secs), Params: map[string]any{"seconds": secs}})
}

// writeStatus renders an injected fault: a 429 as the limiter's, with
// Retry-After when the rule gives a wait; a 500 as Shopware's error body;
// other statuses as the web server or proxy in front answers them.
func (s *Sim) writeStatus(w http.ResponseWriter, r *http.Request, status int, retryAfter time.Duration) {
	switch status {
	case http.StatusTooManyRequests:
		if retryAfter > 0 {
			simkit.SetRetryAfter(w.Header(), retryAfter)
		}
		s.writeErrors(w, r, apiError{Status: status, Code: "FRAMEWORK__RATE_LIMIT_EXCEEDED", Detail: "Too many requests, try again later."})
	case http.StatusInternalServerError:
		s.writeErrors(w, r, apiError{Status: status, Code: "0", Detail: "An error occurred while processing the request."})
	default:
		http.Error(w, http.StatusText(status), status)
	}
}

// errorsBody is the errors[] body (research §1.10): status as a string,
// title the status text, the pointer in source, parameters in meta.
func errorsBody(errs ...apiError) node {
	list := make([]any, 0, len(errs))
	for _, e := range errs {
		n := node{"status": strconv.Itoa(e.Status), "code": e.Code, "title": http.StatusText(e.Status), "detail": e.Detail}
		if e.Pointer != "" {
			n["source"] = node{"pointer": e.Pointer}
		}
		if len(e.Params) > 0 {
			n["meta"] = node{"parameters": e.Params}
		}
		list = append(list, n)
	}
	return node{"errors": list}
}

func (s *Sim) writeErrors(w http.ResponseWriter, r *http.Request, errs ...apiError) {
	s.out.JSON(w, r, errs[0].Status, errorsBody(errs...))
}

func (s *Sim) notFound(w http.ResponseWriter, r *http.Request) {
	s.writeErrors(w, r, apiError{Status: http.StatusNotFound, Code: "0",
		Detail: fmt.Sprintf("No route found for \"%s %s\"", r.Method, r.URL.Path)})
}

func (s *Sim) methodNotAllowed(w http.ResponseWriter, r *http.Request, allowed []string) {
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	s.writeErrors(w, r, apiError{Status: http.StatusMethodNotAllowed, Code: "0",
		Detail: fmt.Sprintf("No route found for \"%s %s\": Method Not Allowed (Allow: %s)", r.Method, r.URL.Path, strings.Join(allowed, ", "))})
}

func (s *Sim) version(*http.Request, simkit.Params, []byte) reply {
	return ok(node{"version": fmt.Sprintf("%d.%d.0.0", s.major, s.minor)})
}

// searchable are the entities POST /api/search/{entity} serves.
var searchable = []string{"order", "customer", "currency", "country", "payment_method", "shipping_method", "state_machine_state",
	"product", "property_group", "property_group_option", "category", "tax", "sales_channel", "media", "product_visibility", "product_media"}

// records renders every record of an entity but orders (the lock held;
// search renders orders itself).
func (s *Sim) records(entity string, inherit bool) []node {
	var out []node
	if _, ok := s.state.Catalog[entity]; ok || slices.Contains(catalogEntities, entity) {
		for _, r := range s.list(entity) {
			out = append(out, s.renderRecord(entity, r, inherit))
		}
		return out
	}
	switch entity {
	case "customer":
		for _, c := range s.state.Customers {
			out = append(out, renderCustomer(c))
		}
	case "currency":
		for _, c := range s.state.Currencies {
			out = append(out, renderCurrency(c))
		}
	case "country":
		for _, c := range s.state.Countries {
			out = append(out, renderCountry(c))
		}
	case "payment_method":
		for _, m := range s.state.PaymentMethods {
			out = append(out, s.renderMethod(m, "payment_method"))
		}
	case "shipping_method":
		for _, m := range s.state.ShippingMethods {
			out = append(out, s.renderMethod(m, "shipping_method"))
		}
	case "state_machine_state":
		for _, st := range s.state.States {
			out = append(out, renderMachineState(st))
		}
	}
	return out
}

// search serves POST /api/search/{entity}.
func (s *Sim) search(entity string, body []byte, inherit bool) reply {
	q, errs := parseCriteria(entity, body)
	if len(errs) > 0 {
		return fail(errs...)
	}
	if s.o.MaxLimit > 0 {
		if q.limit > s.o.MaxLimit {
			return fail(apiError{Status: 400, Code: "FRAMEWORK__INVALID_LIMIT_QUERY", Pointer: "/limit",
				Detail: fmt.Sprintf("The limit must be lower than or equal to %d.", s.o.MaxLimit)})
		}
		if q.limit == 0 {
			q.limit = s.o.MaxLimit
		}
	}
	var page []node
	var total int
	switch {
	case entity == "order" && len(q.ids) > 0:
		// Asked by id: render only those, not every order of the shop (a
		// search per order would otherwise cost the whole shop each time).
		var all []node
		for _, id := range q.ids {
			if o := s.byID[id]; o != nil {
				all = append(all, s.renderOrder(o))
			}
		}
		page, total = q.run(all)
	case entity == "order":
		// Every order is filtered and sorted on the parts the criteria
		// read; only the page's orders are rendered whole (a listing would
		// otherwise render every line item of the shop each time).
		all := make([]node, len(s.state.Orders))
		for i, o := range s.state.Orders {
			all[i] = s.renderOrderPart(o, q.reached)
		}
		idx, n := q.runIndexed(all)
		page, total = make([]node, len(idx)), n
		for j, i := range idx {
			page[j] = s.renderOrder(s.state.Orders[i])
		}
	default:
		page, total = q.run(s.records(entity, inherit))
	}
	data := make([]any, 0, len(page))
	for _, n := range page {
		s.shape(n, entity, q, q.includes)
		data = append(data, n)
	}
	return ok(node{"total": total, "data": data, "aggregations": []any{}})
}

// getOrder serves GET /api/order/{id}: the order with what the version
// loads unasked.
func (s *Sim) getOrder(_ *http.Request, p simkit.Params, _ []byte) reply {
	o, e := s.orderFor(p.Get("id"))
	if e != nil {
		return fail(*e)
	}
	n := s.renderOrder(o)
	s.shape(n, "order", nil, nil)
	return ok(node{"data": n})
}

// orderFor finds an order by id, or the API's error for it (lock held).
func (s *Sim) orderFor(id string) (*order, *apiError) {
	if !isID(id) {
		return nil, &apiError{Status: 400, Code: "FRAMEWORK__INVALID_UUID", Detail: fmt.Sprintf("Value is not a valid UUID: %s", id)}
	}
	o := s.byID[id]
	if o == nil {
		return nil, notFoundError("order", id)
	}
	return o, nil
}

func notFoundError(entity, id string) *apiError {
	return &apiError{Status: http.StatusNotFound, Code: "FRAMEWORK__RESOURCE_NOT_FOUND",
		Detail: fmt.Sprintf("The %s resource with the following primary key was not found: id(%s)", entity, id),
		Params: map[string]any{"type": entity, "primaryKey": "id(" + id + ")"}}
}

func isID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

// Snapshot returns the shop's records as JSON; Restore loads them back.
// Tokens are not kept: a client of a restored shop gets a new one.
func (s *Sim) Snapshot() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return json.Marshal(s.state)
}

func (s *Sim) Restore(b []byte) error {
	var st state
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	dec.UseNumber() // catalogue records keep their numbers as written (catalog.go)
	if err := dec.Decode(&st); err != nil {
		return fmt.Errorf("not a Shopware 6 simulator snapshot: %w", err)
	}
	byID := map[string]*order{}
	for _, o := range st.Orders {
		if o == nil || !isID(o.ID) || byID[o.ID] != nil {
			return fmt.Errorf("not a consistent Shopware 6 simulator snapshot: an order id is missing, malformed or repeated")
		}
		byID[o.ID] = o
	}
	if len(st.States) == 0 {
		st.States = defaultStates()
	}
	if st.Catalog == nil {
		st.Catalog = defaultCatalog()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state, s.byID = st, byID
	s.key = newKey()
	return nil
}
