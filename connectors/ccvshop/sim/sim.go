// Package sim is a local CCV Shop (research/apis-shop-pos.md §1): the REST
// API v1 endpoints the connector uses (routes.go lists them), for orders,
// products with their categories, photos, attributes and attribute
// combinations, customer accounts (users) and the webshop settings, with
// or without the trailing slash, in the wire shape of §1.6.
//
// It checks the real request signing over the raw URI and body and the
// 5-minute clock skew, signs its responses (x-date, x-hash), pages with
// start/size and absolute first/previous/next links, sorts with orderby
// (field or field_desc), expands product sub-resources on request, keeps
// per-key limits per resource and method with 429 and the shop's error
// bodies ({status, code, developermessage}), and injects simkit faults
// keyed by the same op names the client reports. Every change to a product,
// its combinations, photos, categories or stock bumps its modifydate. Tests
// and the local demo seed it with orders, products and users and inspect
// what the shop holds. Orders can also be created through the API (POST
// /orders/, orders.go) and accounts changed (PATCH /users/{id}/), and
// Options.SalesPOS switches on CCV SalesPOS's flavour (pos.go).
//
// Webhooks (§1.10, webhooks.go) are registered through /webhooks/ (list,
// get, POST with event, address and is_active answering 201 with the
// generated key, PATCH of address and is_active, DELETE) and kept in the
// snapshot. Every active webhook of an event gets a JSON POST when it
// happens: orders.created (an order added, a sale rung up, POST /orders/,
// a checkout completed), orders.updated.ispaid and orders.updated.status
// (on a change of the paid flag or the status code), products.created and
// products.updated (any change that bumps modifydate, stock included).
// Order payloads carry triggered_at, href, id, order_number,
// ordernumber_prefix, ordernumber_full, total_price, customer_email and
// customer_mobile, plus previous_status and status or paid; product
// payloads triggered_at, href, id and productnumber. Deliveries run in the
// background after the change, retried on failure; Close stops them. The
// SalesPOS flavour has the same webhooks (§4.2 [A]).
//
// Where the research marks a fact as unknown the simulator picks a guess:
// a bad signature or x-date is 401 with code 401.10 or 401.11, a 429 carries
// Retry-After in seconds, `size` defaults to 100 and is clamped to 250,
// invalid or missing fields are 422 with code 422.10 naming the field (a
// body that is no JSON is 400.10), an unknown id is 404.30, a link that
// exists already is 422.40, stocktype is "product" or "attribute_combination",
// attributes of a type starting with option_menu make combinations, and a
// write answers 201 with the record (POST) or 204 without a body (PATCH).
// For webhooks: a delivery is signed in header x-hash with the lowercase
// hex HMAC-SHA512 of the raw body keyed with the webhook's key
// (Options.WebhookSignature changes the scheme); the key is 32 random
// bytes in hex; is_active defaults to true; any 2xx answer counts as
// delivered and anything else is retried after 1 min, 5 min, 15 min and
// 1 h (Options.WebhookRetries), then given up; an unknown event name is
// 422.10 naming "event", an address that is no absolute http(s) URL 422.10
// naming "address"; every name the research lists is accepted, but only
// the events above are emitted (nothing here deletes orders or products,
// or writes track and trace); orders.created carries no status or paid
// field (no example is public) and product payloads are a guess; href has
// no trailing slash (as in the payloads seen) and starts with
// Options.BaseURL, else the address the last API call reached, else
// nothing (the path alone); total_price is a number as on the order; a
// checkout not completed and changes to one send nothing; the payload has
// no event id, so a receiver cannot tell a duplicate by it.
package sim

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// Options configure a simulator.
type Options struct {
	PublicKey, SecretKey string
	// Now is the shop's clock; nil means time.Now.
	Now func() time.Time
	// ReadsPerMinute and WritesPerMinute per resource: 0 means the published
	// 150/100, negative means unlimited. TotalPerMinute per key: 0 means none.
	ReadsPerMinute, WritesPerMinute, TotalPerMinute int
	// DefaultPageSize is `size` when a request gives none: 0 means 100.
	// MaxPageSize caps `size`: 0 means ccvshop.MaxPageSize (250; the API's
	// real maximum is not documented).
	DefaultPageSize, MaxPageSize int
	// PricesExcludeVAT is the shop's prices_include_vat setting, inverted so
	// the zero value is the common case: prices include VAT.
	PricesExcludeVAT bool
	// Currency of the shop; "" means EUR.
	Currency string
	// TaxTariffs are the rates of the tax tariff names; nil means
	// ccvshop.DefaultTaxTariffs.
	TaxTariffs map[string]model.VATRate
	// EmptyPostBodies answers every successful POST with 201 and no body, as
	// the shop sometimes does (§1.9).
	EmptyPostBodies bool
	// DateZone is the time zone the shop reads date-only bounds of
	// min_create_date/max_create_date in; nil means UTC. (Whether the
	// real shop reads them in its own zone is not documented, §1.5 [A].)
	DateZone *time.Location
	// DateUpperExclusive reads a date-only max_create_date as the start of
	// that day (orders before it), the strictest reading a shop may have.
	DateUpperExclusive bool
	// SalesPOS serves the CCV SalesPOS flavour of the API (research §4,
	// pos.go): the POS-only resources (cash-ups, terminal receipts) and the
	// POS fields of orders, both for requests that accept the SalesPOS
	// media type, which the answers then carry. Off: CCV Shop.
	SalesPOS bool
	// BaseURL is the shop's address (https://myshop.ccvshop.nl) that the
	// href of a webhook payload starts with; "" means the address the
	// simulator was last reached on for an API call, or the path alone
	// before any.
	BaseURL string
	// WebhookSignature is how deliveries are signed with the webhook's
	// key; the zero value is the guessed default (webhooks.go).
	WebhookSignature WebhookSignature
	// WebhookRetries are the waits before each retry of a failed delivery;
	// nil means DefaultWebhookRetries, empty means none.
	WebhookRetries []time.Duration
	// WebhookClient sends the deliveries; nil means one with a 10 s timeout.
	WebhookClient *http.Client
}

// Sim is the simulated shop; it is an http.Handler and safe for concurrent use.
type Sim struct {
	o       Options
	faults  simkit.Faults
	limiter *simkit.WindowLimiter
	router  *simkit.Router
	handler http.Handler
	out     simkit.JSONWriter
	pager   simkit.Paging
	calls   simkit.CallCounter
	hooks   *simkit.Webhooks[WebhookEvent]
	hookSeq atomic.Int64 // numbers the webhook events in the log

	mu    sync.Mutex
	state state
	byID  map[int64]int // order id → index in state.Orders
	// outbox holds the webhook events a change queued; unlock sends them
	// once the lock is released.
	outbox []queued
	// reached is the scheme and host of the last API call, for the href
	// of webhook payloads.
	reached string
}

// state is what Snapshot saves.
type state struct {
	NextID     int64         `json:"nextId"`
	NextNumber int64         `json:"nextNumber"`
	NextRowID  int64         `json:"nextRowId"`
	Orders     []storedOrder `json:"orders"`
	Catalog    catalog       `json:"catalog"`
	NextUserID int64         `json:"nextUserId,omitempty"`
	Users      []storedUser  `json:"users,omitempty"`
	// The SalesPOS resources (pos.go), with one id sequence.
	NextPOSID int64             `json:"nextPosId,omitempty"`
	Receipts  []TerminalReceipt `json:"receipts,omitempty"`
	Cashups   []Cashup          `json:"cashups,omitempty"`
	// The webhooks registered through /webhooks/ (webhooks.go).
	NextWebhookID int64           `json:"nextWebhookId,omitempty"`
	Webhooks      []storedWebhook `json:"webhooks,omitempty"`
}

type storedOrder struct {
	ID     int64       `json:"id"`
	Number int64       `json:"number"`
	RowIDs []int64     `json:"rowIds"`
	Order  model.Order `json:"order"`
	// Code is the shop's status code (1..14, §1.7); any other number is
	// what a broken shop would send.
	Code int `json:"code"`
	// Unfinished: a basket or checkout not completed; hidden from the
	// default listing and without an order number.
	Unfinished bool `json:"unfinished,omitempty"`
	// Reservation is the order's reservationnumber (a client writes its
	// own key there, §1.11).
	Reservation string `json:"reservation,omitempty"`
	// ShippingIncluded, when set, is shipping_taxes_included where it
	// differs from the rows' (an order created so); shipping and the
	// order's costs are stated that way.
	ShippingIncluded *bool `json:"shippingIncluded,omitempty"`
	// ExtraCostsText is the extra_costs_description an order was created with.
	ExtraCostsText string `json:"extraCostsText,omitempty"`
	// RegisterID and StoreID are where a POS sale was rung up (pos.go); 0: none.
	RegisterID int64 `json:"registerId,omitempty"`
	StoreID    int64 `json:"storeId,omitempty"`
}

// New builds a simulator with no orders.
func New(o Options) *Sim {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ReadsPerMinute == 0 {
		o.ReadsPerMinute = ccvshop.DefaultReadsPerMinute
	}
	if o.WritesPerMinute == 0 {
		o.WritesPerMinute = ccvshop.DefaultWritesPerMinute
	}
	if o.DefaultPageSize <= 0 {
		o.DefaultPageSize = 100
	}
	if o.MaxPageSize <= 0 {
		o.MaxPageSize = ccvshop.MaxPageSize
	}
	if o.Currency == "" {
		o.Currency = "EUR"
	}
	if o.TaxTariffs == nil {
		o.TaxTariffs = ccvshop.DefaultTaxTariffs
	}
	o.BaseURL = strings.TrimRight(strings.TrimSuffix(strings.TrimRight(o.BaseURL, "/"), ccvshop.APIPath), "/")
	o.WebhookSignature = o.WebhookSignature.withDefaults()
	if o.WebhookRetries == nil {
		o.WebhookRetries = DefaultWebhookRetries()
	}
	s := &Sim{o: o, limiter: simkit.NewWindowLimiter(time.Minute, o.Now), byID: map[int64]int{},
		state: state{NextID: 1001, NextNumber: 1, NextRowID: 1, NextUserID: 1, Catalog: catalog{NextID: 1}}}
	mediaType := ccvshop.MediaType
	if o.SalesPOS {
		mediaType = ccvshop.MediaTypeSalesPOS
	}
	s.out = simkit.JSONWriter{ContentType: mediaType + "; charset=utf-8", Sign: s.sign, ErrorBody: errorBody}
	s.pager = simkit.Paging{OffsetParam: "start", SizeParam: "size", DefaultSize: o.DefaultPageSize, MaxSize: o.MaxPageSize}
	s.router = s.newRouter()
	s.handler = s.faults.Middleware(s.router.Op, s.writeStatus, http.HandlerFunc(s.serve))
	// Whether CCV counts any 2xx as delivered is not documented; a
	// receiver answering 204 is surely not asked again.
	s.hooks = simkit.NewWebhooks[WebhookEvent](simkit.WebhookConfig{Retries: o.WebhookRetries,
		Client: o.WebhookClient, Success: simkit.Any2xx})
	return s
}

// Close stops webhook deliveries in flight and those waiting for a retry.
func (s *Sim) Close() { s.hooks.Close() }

// Faults lets a test inject latency, errors and 429s; ops are the client's
// operation names (ccvshop.OpListOrders …).
func (s *Sim) Faults() *simkit.Faults { return &s.faults }

func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Served counts the requests answered per operation (faults excluded).
func (s *Sim) Served(op string) int { return s.calls.Count(op) }

// AddOrder seeds a completed order and returns its id. An ID that is a
// positive number not yet taken is kept, any other gets the next free id; an
// empty Number gets the next shop number ("<year>-<n>"); a zero CreatedAt is
// now. Times are kept to the second, as the shop's create_date is.
func (s *Sim) AddOrder(o model.Order) string {
	s.mu.Lock()
	defer s.unlock()
	return s.insertOrder(storedOrder{Order: o, Code: codeFor(o.Status)}).Order.ID
}

// insertOrder stores an order under its id (see AddOrder) and returns it
// as stored, queueing orders.created unless it is an unfinished checkout;
// s.mu must be held.
func (s *Sim) insertOrder(so storedOrder) storedOrder {
	o := so.Order
	st := &s.state
	id := st.NextID
	if n, err := strconv.ParseInt(o.ID, 10, 64); err == nil && n > 0 {
		if _, taken := s.byID[n]; !taken {
			id = n
		}
	}
	if id >= st.NextID {
		st.NextID = id + 1
	}
	so.ID = id
	if so.Order.CreatedAt.IsZero() {
		so.Order.CreatedAt = s.o.Now()
	}
	so.Order.CreatedAt = so.Order.CreatedAt.UTC().Truncate(time.Second)
	so.Order.ID = strconv.FormatInt(so.ID, 10)
	if so.Order.Number == "" {
		so.Number = st.NextNumber
		st.NextNumber++
		so.Order.Number = fmt.Sprintf("%d-%d", so.Order.CreatedAt.Year(), so.Number)
	}
	for range o.Lines {
		so.RowIDs = append(so.RowIDs, st.NextRowID)
		st.NextRowID++
	}
	s.byID[so.ID] = len(st.Orders)
	st.Orders = append(st.Orders, so)
	if !so.Unfinished {
		s.queue(queued{event: eventOrderCreated, id: so.ID})
	}
	return so
}

// AddCheckout seeds an unfinished checkout (is_completed false, no order
// number yet) and returns its id; CompleteCheckout finishes it.
func (s *Sim) AddCheckout(o model.Order) string {
	s.mu.Lock()
	defer s.unlock()
	return s.insertOrder(storedOrder{Order: o, Code: codeFor(o.Status), Unfinished: true}).Order.ID
}

// CompleteCheckout completes a checkout, as a customer finishing payment would.
func (s *Sim) CompleteCheckout(id string) error {
	return s.updateStored(id, func(so *storedOrder) { so.Unfinished = false })
}

// SetStatusCode sets the shop's own status code, any number (a code outside
// 1..14 is what an unreadable order looks like).
func (s *Sim) SetStatusCode(id string, code int) error {
	return s.updateStored(id, func(so *storedOrder) { so.Code = code })
}

// SetPaid marks an order paid or unpaid, as a payment provider would.
func (s *Sim) SetPaid(id string, paid bool) error {
	return s.update(id, func(o *model.Order) { o.Paid = paid })
}

// SetStatus changes an order's status to the shop's code for a canonical one.
func (s *Sim) SetStatus(id string, st model.OrderStatus) error {
	if !slices.Contains(model.OrderStatuses, st) {
		return fmt.Errorf("unknown status %q", st)
	}
	return s.updateStored(id, func(so *storedOrder) { so.Order.Status, so.Code = st, codeFor(st) })
}

func (s *Sim) update(id string, f func(*model.Order)) error {
	return s.updateStored(id, func(so *storedOrder) { f(&so.Order) })
}

// updateStored changes an order and queues the webhook events the change
// makes (orderChanged).
func (s *Sim) updateStored(id string, f func(*storedOrder)) error {
	n, _ := strconv.ParseInt(id, 10, 64)
	s.mu.Lock()
	defer s.unlock()
	i, ok := s.byID[n]
	if !ok {
		return fmt.Errorf("no order %s", id)
	}
	before := s.state.Orders[i]
	f(&s.state.Orders[i])
	s.orderChanged(before, s.state.Orders[i])
	return nil
}

// Unpaid lists the ids of orders not paid yet.
func (s *Sim) Unpaid() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, o := range s.state.Orders {
		if !o.Order.Paid {
			out = append(out, o.Order.ID)
		}
	}
	return out
}

// Len is the number of orders.
func (s *Sim) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.state.Orders)
}

// Snapshot returns all state as JSON; Restore loads it back.
func (s *Sim) Snapshot() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return json.Marshal(s.state)
}

func (s *Sim) Restore(b []byte) error {
	var st state
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // native fields keep their numbers as the API took them
	if err := dec.Decode(&st); err != nil {
		return fmt.Errorf("not a CCV Shop simulator snapshot: %w", err)
	}
	byID := make(map[int64]int, len(st.Orders))
	for i, o := range st.Orders {
		if _, dup := byID[o.ID]; dup || o.ID <= 0 || len(o.RowIDs) != len(o.Order.Lines) {
			return fmt.Errorf("not a consistent CCV Shop simulator snapshot: order %d is duplicated or its rows do not match", o.ID)
		}
		byID[o.ID] = i
		if o.Code == 0 { // a snapshot from before codes were kept
			st.Orders[i].Code = codeFor(o.Order.Status)
		}
		st.NextID = max(st.NextID, o.ID+1)
		for _, r := range o.RowIDs {
			st.NextRowID = max(st.NextRowID, r+1)
		}
	}
	st.NextID = max(st.NextID, 1)
	st.NextNumber = max(st.NextNumber, 1)
	st.NextRowID = max(st.NextRowID, 1)
	if err := st.Catalog.check(); err != nil {
		return fmt.Errorf("not a consistent CCV Shop simulator snapshot: %w", err)
	}
	users := map[int64]bool{}
	for _, u := range st.Users {
		if users[u.ID] || u.ID <= 0 {
			return fmt.Errorf("not a consistent CCV Shop simulator snapshot: user %d is duplicated", u.ID)
		}
		users[u.ID] = true
		st.NextUserID = max(st.NextUserID, u.ID+1)
	}
	st.NextUserID = max(st.NextUserID, 1)
	if err := checkPOS(&st, byID); err != nil {
		return fmt.Errorf("not a consistent CCV Shop simulator snapshot: %w", err)
	}
	if err := checkWebhooks(&st); err != nil {
		return fmt.Errorf("not a consistent CCV Shop simulator snapshot: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = st
	s.byID = byID
	return nil
}

// rawURI is the path and query exactly as the client sent them: the
// signature covers them unnormalised (§1.1).
func rawURI(r *http.Request) string {
	if strings.HasPrefix(r.RequestURI, "/") {
		return r.RequestURI
	}
	return r.URL.RequestURI() // a handler called directly, or an absolute-form request line
}

// origin is the scheme and host the request reached, for absolute links.
func origin(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// serve checks the signature and the limits before routing, as the shop
// does: an unknown path answers 401 until the request is signed (§1.12).
func (s *Sim) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		s.out.Error(w, r, http.StatusBadRequest, "400.10", "the request body cannot be read")
		return
	}
	if !s.authenticate(w, r, body) || !s.admit(w, r) {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body)) // for the route, past authentication
	s.router.ServeHTTP(w, r)
}

// authenticate checks the three x- headers, the clock skew and the hash over
// the raw method, URI and body, as the shop does.
func (s *Sim) authenticate(w http.ResponseWriter, r *http.Request, body []byte) bool {
	pub, date, hash := r.Header.Get("x-public"), r.Header.Get("x-date"), r.Header.Get("x-hash")
	if pub == "" || date == "" || hash == "" {
		s.out.Error(w, r, http.StatusUnauthorized, "401.10", "missing authentication headers x-public, x-date and x-hash")
		return false
	}
	t, err := ccvshop.ParseDate(date)
	if err != nil {
		s.out.Error(w, r, http.StatusUnauthorized, "401.11", "x-date is not an ISO 8601 date")
		return false
	}
	if skew := s.o.Now().Sub(t); skew > ccvshop.MaxClockSkew || skew < -ccvshop.MaxClockSkew {
		s.out.Error(w, r, http.StatusUnauthorized, "401.11", "x-date differs more than 5 minutes from the server time")
		return false
	}
	want := ccvshop.Sign(s.o.PublicKey, s.o.SecretKey, r.Method, rawURI(r), string(body), date)
	if pub != s.o.PublicKey || !ccvshop.ValidSignature(hash, want) {
		s.out.Error(w, r, http.StatusUnauthorized, "401.10", "invalid hash or public key")
		return false
	}
	return true
}

// admit applies the per-resource-per-method and total limits of the key.
func (s *Sim) admit(w http.ResponseWriter, r *http.Request) bool {
	// The shop counts per method per resource (§1.8): a POST and a PATCH
	// on products each have their own 100 a minute.
	limit := s.o.ReadsPerMinute
	if r.Method != http.MethodGet {
		limit = s.o.WritesPerMinute
	}
	res := ccvshop.Resource(r.URL.RequestURI())
	return s.limiter.Admit(w, r, s.o.PublicKey+"|"+r.Method+"|"+res, limit, s.rateLimited("429.10")) &&
		s.limiter.Admit(w, r, s.o.PublicKey+"|total", s.o.TotalPerMinute, s.rateLimited("429.11"))
}

// rateLimited answers 429 with one of the shop's rate-limit codes (§1.8).
// Whether the shop sends Retry-After is not documented (§1.8 [A]); the
// simulator does.
func (s *Sim) rateLimited(code string) func(http.ResponseWriter, *http.Request, time.Duration) {
	return func(w http.ResponseWriter, r *http.Request, wait time.Duration) {
		s.out.TooManyRequests(w, r, wait, code, "rate limit exceeded")
	}
}

// writeStatus renders an injected fault as the shop would.
func (s *Sim) writeStatus(w http.ResponseWriter, r *http.Request, status int, retryAfter time.Duration) {
	if status == http.StatusTooManyRequests {
		s.rateLimited("429.10")(w, r, retryAfter)
		return
	}
	// An outage answers from the load balancer: no JSON, no signature.
	http.Error(w, http.StatusText(status), status)
}

// errorBody is the shop's error shape (§1.9).
func errorBody(_ *http.Request, status int, code, msg string) any {
	return map[string]any{"status": status, "code": code, "developermessage": msg}
}

// sign adds the response's own x-date and x-hash over the exact body (§1.12).
func (s *Sim) sign(h http.Header, r *http.Request, body []byte) {
	date := s.o.Now().UTC().Format(ccvshop.DateFormat)
	h.Set("x-date", date)
	h.Set("x-hash", ccvshop.Sign(s.o.PublicKey, s.o.SecretKey, r.Method, rawURI(r), string(body), date))
}

// paging reads start and size (§1.5), with the default and cap of Options.
func (s *Sim) paging(q url.Values) (simkit.Page, bool) {
	pg, err := s.pager.Parse(q)
	return pg, err == nil
}

// page renders the items of pg as a collection.
func page[T any](r *http.Request, pg simkit.Page, items []T, render func(T) any) map[string]any {
	out := []any{}
	for _, it := range simkit.Slice(items, pg) {
		out = append(out, render(it))
	}
	return collection(r, pg, len(items), out)
}

// collection wraps a page of items with absolute first/previous/next links.
func collection(r *http.Request, pg simkit.Page, total int, items []any) map[string]any {
	linkAt := func(at int) string {
		q := r.URL.Query()
		q.Set("start", strconv.Itoa(at))
		q.Set("size", strconv.Itoa(pg.Size))
		return origin(r) + r.URL.Path + "?" + q.Encode()
	}
	out := map[string]any{"href": linkAt(pg.Offset), "start": pg.Offset, "size": pg.Size, "first": linkAt(0),
		"previous": nil, "next": nil, "items": items}
	if pg.Offset > 0 {
		out["previous"] = linkAt(max(0, pg.Offset-pg.Size))
	}
	if pg.Offset+pg.Size < total {
		out["next"] = linkAt(pg.Offset + pg.Size)
	}
	return out
}

var badPaging = fail(http.StatusBadRequest, "400.10", "start and size must be whole numbers, size at least 1")

func (s *Sim) listOrders(r *http.Request, _ []string, _ []byte) reply {
	q := r.URL.Query()
	pg, good := s.paging(q)
	if !good {
		return badPaging
	}
	minDate, err1 := parseBound(q.Get("min_create_date"), false, s.o.DateZone)
	maxDate, err2 := parseBound(q.Get("max_create_date"), !s.o.DateUpperExclusive, s.o.DateZone)
	if err1 != nil || err2 != nil {
		return fail(http.StatusBadRequest, "400.10", "min_create_date and max_create_date must be dates like 2026-01-31 or ISO 8601 times")
	}
	status, hasStatus := 0, q.Get("status") != ""
	if hasStatus {
		n, err := strconv.Atoi(q.Get("status"))
		if err != nil {
			return fail(http.StatusBadRequest, "400.10", "status must be a number 1-14")
		}
		status = n
	}
	paid, hasPaid := parseBool(q.Get("is_paid"))
	// is_completed defaults to true: unfinished checkouts are hidden unless asked for.
	completed, hasCompleted := parseBool(q.Get("is_completed"))
	if !hasCompleted {
		completed = true
	}
	orderBy, desc := strings.CutSuffix(q.Get("orderby"), "_desc")
	switch orderBy {
	case "", "id", "create_date", "createdate":
	default:
		return fail(http.StatusBadRequest, "400.10", fmt.Sprintf("orderby %q is not one of id, create_date (with an optional _desc)", q.Get("orderby")))
	}
	var match []storedOrder
	for _, o := range s.state.Orders {
		c := o.Order.CreatedAt
		switch {
		case !minDate.IsZero() && c.Before(minDate),
			!maxDate.IsZero() && c.After(maxDate),
			hasStatus && o.Code != status,
			hasPaid && o.Order.Paid != paid,
			q.Has("reservationnumber") && o.Reservation != q.Get("reservationnumber"),
			o.Unfinished == completed:
			continue
		}
		match = append(match, o)
	}
	if strings.HasPrefix(orderBy, "create") {
		slices.SortStableFunc(match, func(a, b storedOrder) int { return a.Order.CreatedAt.Compare(b.Order.CreatedAt) })
	} else {
		slices.SortStableFunc(match, func(a, b storedOrder) int { return cmp.Compare(a.ID, b.ID) })
	}
	if desc {
		slices.Reverse(match)
	}
	return ok(page(r, pg, match, func(o storedOrder) any { return s.orderJSON(r, o) }))
}

// findOrder needs s.mu held.
func (s *Sim) findOrder(id string) (storedOrder, bool) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return storedOrder{}, false
	}
	i, ok := s.byID[n]
	if !ok {
		return storedOrder{}, false
	}
	return s.state.Orders[i], true
}

func (s *Sim) getOrder(r *http.Request, ids []string, _ []byte) reply {
	o, found := s.findOrder(ids[0])
	if !found {
		return fail(http.StatusNotFound, "404.30", fmt.Sprintf("order %s does not exist", ids[0]))
	}
	return ok(s.orderJSON(r, o))
}

func (s *Sim) listRows(r *http.Request, ids []string, _ []byte) reply {
	o, found := s.findOrder(ids[0])
	if !found {
		return fail(http.StatusNotFound, "404.30", fmt.Sprintf("order %s does not exist", ids[0]))
	}
	pg, good := s.paging(r.URL.Query())
	if !good {
		return badPaging
	}
	items := []any{}
	for i := range simkit.Slice(o.Order.Lines, pg) {
		items = append(items, rowJSON(r, o, pg.Offset+i)) // a row's id is by its index
	}
	return ok(collection(r, pg, len(o.Order.Lines), items))
}

// parseBound reads a date filter: a date alone covers its whole day (upper:
// up to its last instant; else from its start), in the zone the shop reads
// dates in (nil: UTC).
func parseBound(v string, upper bool, zone *time.Location) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if zone == nil {
		zone = time.UTC
	}
	if t, err := time.ParseInLocation("2006-01-02", v, zone); err == nil {
		if upper {
			return t.Add(24*time.Hour - time.Nanosecond), nil
		}
		return t, nil
	}
	return ccvshop.ParseDate(v)
}

func parseBool(v string) (value, set bool) {
	switch strings.ToLower(v) {
	case "1", "true":
		return true, true
	case "0", "false":
		return false, true
	}
	return false, false
}
