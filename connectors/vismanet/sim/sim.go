// Package sim is a local Visma.net ERP (research apis-erp-shopware.md §3
// and §4) for tests, the demo and benchmarks: one http.Handler serving
// Visma Connect's token endpoint and the ERP API of one company, in the
// contract's wire shape (shared/specs/vismanet-erp-api.openapi.json) with
// its own wire types (wire_write.go, generated from the contract by
// internal/wiregen; wire_read.go), never the client's.
//
// Identity: POST /connect/token takes client_credentials with client_id
// and client_secret (form or HTTP Basic), tenant_id and scope, and answers
// {access_token, expires_in, token_type, scope}; tokens live
// Options.TokenLifetime (an hour unless set). The ERP API needs a live
// bearer token (401), the read scope for a GET and create or update for a
// POST or PUT (403; an action such as release needs update).
//
// Served (paths relative to the base, with the contract's templates; the
// Op… constants name them): customers (list with name, status, email,
// phone, corporateId, vatRegistrationId and change filters; get with an
// ETag; create; update with If-Match → 412 on a stale ETag), customer
// classes; inventory items (list with inventoryNumber, description,
// status, inventoryTypes, salesCategory, attributes, the expand… flags and
// the lastModified, created, availability and attachment change filters;
// get; create; update; multipart attachment upload), item classes, the
// inventory summary per warehouse, attachments' content (GET
// /v1/attachment/{attachmentId}); sales orders v1 and v2 (list, get by
// number and by type and number, create; v1 update and cancel); customer
// invoices (list, get, create through v1 and v2, release); journal
// transactions v2 (list paged by lines as the contract says, get, create,
// update, release; unbalanced is refused); inventory adjustments (list,
// get, create, update, release, which moves on-hand stock once);
// attributes; reference data (branch, creditTerm, vat, vatCategory,
// vatZone, paymentmethod, warehouse, currency, country, salesordertype,
// account, carrier); background jobs (erp-api-background → 202, GET
// /v1/background/{requestId} and its /content).
//
// Writes are read strictly against the contract (decode.go): the value
// wrapper {"field":{"value":x}} where the contract has one, plain values
// where it has none (collections, a line's operation,
// overrideWithClassValues …); an unwrapped value, a property the contract
// lacks, a value of the wrong type or outside its enum, a missing required
// value and an unknown reference are each a 400 naming the field. Reads
// are plain JSON. Amounts and quantities are exact decimals (decimal.go);
// documents are priced by the rule in totals.go.
//
// Listings take pageNumber (from 1) and pageSize, cut silently to the
// endpoint's maximum (MaxPageSizeInventory, MaxPageSize); the answer is a
// plain array whose every element carries metadata {totalCount,
// maxPageSize}, empty past the end; credit terms answer in the newer
// envelope {pageNumber, pageSize, totalCount, records} as the contract
// has it. Change filters come in pairs (lastModifiedDateTime with
// lastModifiedDateTimeCondition >, <, >= or <=; both or neither, else 400)
// and every record is stamped from Options.Now on each change.
//
// Every API answer carries Ipp-Request-Id and the rate-limit headers of
// the caller's window (X-RateLimit-Limit, -Remaining, -Reset in seconds,
// -Policy); a spent window is 429 with Retry-After. Faults (simkit) are
// injected by op, "METHOD /template".
//
// Error bodies: validation and business errors (400), a missing scope
// (403) and a stale ETag (412) are IPPException {ExceptionType,
// ExceptionMessage, ExceptionFaultCode, ExceptionMessageID,
// ExceptionDetails}; a record or path that does not exist (404) and a
// server error (500) are {"message"}; a missing or expired token (401)
// and a spent rate limit (429) come from the API gateway as
// {"statusCode", "message"}, which a client reads as the {message} shape.
//
// Where research marks a fact unknown ([?]/[L]) the simulator picks:
//   - Token endpoint: a wrong client or secret is 400 invalid_client
//     (IdentityServer's answer); an unknown tenant is 400 invalid_tenant
//     ([L]: the code research saw reported, so a client's explanation of
//     it is tested against it), a missing one 400 invalid_request; a scope
//     outside the four ERP scopes or not given to the application is 400
//     invalid_scope; no scope grants all the application has. Token
//     lifetime 3600 s [L].
//   - Rate limit: 15000 requests per hour per company and client (the
//     published production figure, §3.7) in a fixed window from the
//     window's first call; X-RateLimit-Policy "4-fixed-window"; a 401 is
//     not counted; unlimited (negative RequestsPerHour) sends no
//     X-RateLimit headers.
//   - Page sizes: 1000 at most except inventory's 5000 [L]; no pageSize
//     means the maximum; pageNumber or pageSize below 1 is a 400.
//   - Dates in filters without a zone are UTC; answers are RFC 3339 UTC
//     with milliseconds (the contract's format date-time needs a zone).
//     The journal listing, whose contract has no condition parameter,
//     reads lastModifiedDateTime alone as ">=".
//   - Number series: customers from 10001, sales orders per order type
//     from 000001, invoices from 100001, journal batches from 000001,
//     adjustments from 000001. A number in a write is used only with
//     overrideNumberSeries true (without it the series assigns one and the
//     written number is ignored); a taken number is 400 "… already exists".
//     An adjustment's referenceNumber, which has no overrideNumberSeries,
//     is used when given.
//   - Filters: customer name, email, phone, corporateId and
//     vatRegistrationId compare whole values ignoring case; the inventory
//     description matches a part ignoring case; greaterThanValue compares
//     numbers as text. Listings are in creation order.
//   - The inventory list's expand flags default to false (the contract
//     announces that default); attributes are listed always, their
//     descriptions with expandAttribute; a get of one item shows everything.
//   - Required beyond the contract: a customer's name, an order's customer
//     (or a GLN or VAT registration id that finds one), an item's
//     inventoryNumber, description and itemClass (the contract calls them
//     mandatory), an invoice's customerNumber and lines, a journal's lines
//     and their accounts, an adjustment line's item and quantity. Defaults:
//     an order line's price, VAT category, unit and warehouse from its item
//     (warehouse: the order's preferred, else the item's default); an
//     invoice line's quantity 1 and its account from its item, else
//     RefData.DefaultSalesAccount; a document's currency, terms and payment
//     method from its customer, its date today.
//   - Status changes: a sales order is Open (Hold when hold) and Cancelled
//     by cancelSalesOrder; an invoice Balanced (Hold when hold) and Open
//     once released; a journal transaction Balanced (Hold) and Posted once
//     released; an adjustment Balanced (Hold) and Released. Releasing a
//     document on hold or one released already is 400; a released or
//     cancelled document is not updated. A journal transaction whose debits
//     and credits differ is refused on create and update, hold or not; a
//     line with both a debit and a credit, or a negative one, too.
//   - Stock: only stock items keep it and may be adjusted; a release may
//     take on hand below zero. Availability (inventory summary, warehouse
//     details): available = on hand − the quantities of Open sales orders
//     for the warehouse; availableForShipment = on hand (nothing is
//     shipped). An item's availabilityLastModifiedDateTime moves when
//     either changes; an attachment moves attachmentLastModifiedDateTime,
//     not lastModifiedDateTime.
//   - VAT: a line's VAT ids are those its VAT category and the document's
//     VAT zone (the document's, else the customer's, else its class's)
//     have in common; prices are without VAT unless SetPricesIncludeVAT
//     (calculateOn ExtractFromItemAmount); VAT is rounded per VAT id over
//     the document, half away from zero (totals.go).
//   - ETag and If-Match on customers only (research names shipments and
//     invoices too, which the simulator does not update); If-Match "*"
//     matches any version.
//   - Attachments: the multipart upload answers 201 with the attachment's
//     Location; a file of the same name on the item is a new revision; GET
//     /v1/attachment/{attachmentId} answers the file's bytes with its
//     content type (the contract types it an object).
//   - Background jobs run at once (HoldBackgroundJobs keeps them
//     Started); a job is Finished when its call answered below 400, Failed
//     otherwise, with the answer's status, Location and body kept; no
//     webhook is notified; another client's job is 403.
//   - Creates answer 201 with an empty body and an absolute Location;
//     updates 204 with none (research §3.3), although the contract declares
//     an object body for both.
//   - Property names are matched exactly (case-sensitive), and so are
//     enum values.
package sim

//go:generate go run ./internal/wiregen

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/connectors/vismanet"
)

// Defaults.
const (
	// DefaultRequestsPerHour is the published production quota per company
	// and client (§3.7, 2021).
	DefaultRequestsPerHour = 15000
	// DefaultTokenLifetime is expires_in of an access token.
	DefaultTokenLifetime = time.Hour
	// MaxPageSize is the largest page of most listings [L];
	// MaxPageSizeInventory that of GET /v1/inventory (since April 2022).
	MaxPageSize          = 1000
	MaxPageSizeInventory = 5000
	// RateLimitPolicy is the X-RateLimit-Policy the API reports.
	RateLimitPolicy = "4-fixed-window"
)

// Options configure a simulator.
type Options struct {
	// ClientID, ClientSecret: the one service application Visma Connect
	// knows; TenantID: the company that approved it.
	ClientID, ClientSecret, TenantID string
	// Scopes are the ERP scopes the application was given; nil means all
	// four (read, create, update, delete).
	Scopes []string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// TokenLifetime is expires_in; 0 means DefaultTokenLifetime.
	TokenLifetime time.Duration
	// RequestsPerHour is the quota per company and client in each Window
	// (the name follows the published per-hour figure): 0 means
	// DefaultRequestsPerHour, negative means unlimited.
	RequestsPerHour int
	// Window is the length of the fixed rate-limit window; 0 means an hour.
	Window time.Duration
}

// Sim is the simulated Visma.net company; an http.Handler, safe for
// concurrent use.
type Sim struct {
	o       Options
	faults  simkit.Faults
	calls   simkit.CallCounter
	api     *simkit.Router // counts calls
	jobs    *simkit.Router // the same routes for background jobs, uncounted
	token   *simkit.Router
	handler http.Handler
	limiter *limiter
	out     simkit.JSONWriter
	reqSeq  atomic.Int64

	mu sync.Mutex
	st state
}

// state is everything Snapshot saves.
type state struct {
	NextID int64 `json:"nextId"`
	// Series are the last numbers handed out, by series name.
	Series map[string]int64 `json:"series"`
	// Tokens are the access tokens issued, by value.
	Tokens map[string]*grant `json:"tokens"`
	// HoldJobs keeps background jobs queued.
	HoldJobs bool `json:"holdJobs"`

	Ref         RefData               `json:"ref"`
	Customers   []*Customer           `json:"customers"`
	Items       []*Item               `json:"items"`
	Attachments []*Attachment         `json:"attachments"`
	Orders      []*SalesOrder         `json:"orders"`
	Invoices    []*Invoice            `json:"invoices"`
	Journals    []*JournalTransaction `json:"journals"`
	Adjustments []*Adjustment         `json:"adjustments"`
	Jobs        []*job                `json:"jobs"`
}

// grant is what an access token stands for.
type grant struct {
	ClientID string    `json:"clientId"`
	Tenant   string    `json:"tenant"`
	Scopes   []string  `json:"scopes"`
	Expires  time.Time `json:"expires"`
}

// New builds a simulator of a company with the reference data every demo
// company has (refdata.go) and no customers, items or documents (SeedDemo
// adds the demo's).
func New(o Options) *Sim {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TokenLifetime <= 0 {
		o.TokenLifetime = DefaultTokenLifetime
	}
	if o.RequestsPerHour == 0 {
		o.RequestsPerHour = DefaultRequestsPerHour
	}
	if o.Window <= 0 {
		o.Window = time.Hour
	}
	if o.Scopes == nil {
		o.Scopes = []string{vismanet.ScopeRead, vismanet.ScopeCreate, vismanet.ScopeUpdate, vismanet.ScopeDelete}
	}
	s := &Sim{o: o, st: newState()}
	s.limiter = newLimiter(o.Window, o.RequestsPerHour, s.now)
	s.out = simkit.JSONWriter{ContentType: "application/json; charset=utf-8", ErrorBody: s.ippBody}
	s.api = s.apiRouter(&s.calls)
	s.jobs = s.apiRouter(nil)
	s.token = s.tokenRouter()
	s.handler = s.faults.Middleware(s.op, s.writeFault, http.HandlerFunc(s.route))
	return s
}

func newState() state {
	return state{NextID: 1, Series: map[string]int64{}, Tokens: map[string]*grant{}, Ref: defaultRefData()}
}

func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Faults are the injected faults; rules name ops such as OpCreateSalesOrder.
func (s *Sim) Faults() *simkit.Faults { return &s.faults }

// Calls counts the requests served, by op (OpToken for the token endpoint).
func (s *Sim) Calls() *simkit.CallCounter { return &s.calls }

// now is the clock at the millisecond the API shows.
func (s *Sim) now() time.Time { return s.o.Now().UTC().Truncate(time.Millisecond) }

func isToken(r *http.Request) bool { return r.URL.Path == vismanet.TokenPath }

func (s *Sim) route(w http.ResponseWriter, r *http.Request) {
	if isToken(r) {
		s.token.ServeHTTP(w, r)
		return
	}
	w.Header().Set("Ipp-Request-Id", s.requestID())
	s.api.ServeHTTP(w, r)
}

// op names a request the way the client and fault rules do.
func (s *Sim) op(r *http.Request) string {
	if isToken(r) {
		return s.token.Op(r)
	}
	return s.api.Op(r)
}

// writeFault renders an injected status the way the system would: OAuth's
// error JSON at the token endpoint; on the API the gateway's body for 429
// (with Retry-After), {"message"} otherwise.
func (s *Sim) writeFault(w http.ResponseWriter, r *http.Request, status int, retryAfter time.Duration) {
	if isToken(r) {
		code := "server_error"
		if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
			code = "temporarily_unavailable"
		}
		if status == http.StatusTooManyRequests {
			simkit.SetRetryAfter(w.Header(), max(retryAfter, time.Second))
		}
		s.oauthError(w, r, status, code, "injected fault")
		return
	}
	w.Header().Set("Ipp-Request-Id", s.requestID())
	s.reportRate(w, r)
	switch {
	case status == http.StatusTooManyRequests:
		if retryAfter <= 0 {
			retryAfter = time.Minute
		}
		s.tooMany(w, r, retryAfter)
	case status == http.StatusUnauthorized:
		s.gateway(w, r, status, "Unauthorized. Access token is missing or invalid.")
	case status >= 500:
		s.message(w, r, status, "An error has occurred.")
	default:
		s.message(w, r, status, http.StatusText(status))
	}
}

// Error bodies.

// Fault codes of the IPPExceptions the simulator answers: its own, as the
// real codes of validation errors are not published (§3.8 knows 12002 and
// 12027, which concern a company the token cannot reach and do not arise
// here: the token endpoint refuses another tenant).
const (
	FaultValidation = "10001"
	FaultNotAllowed = "10003"
	FaultConflict   = "10012"
)

// ippException is the API's exception body (§3.8).
type ippException struct {
	ExceptionType      string `json:"ExceptionType"`
	ExceptionMessage   string `json:"ExceptionMessage"`
	ExceptionFaultCode string `json:"ExceptionFaultCode"`
	ExceptionMessageID string `json:"ExceptionMessageID"`
	ExceptionDetails   string `json:"ExceptionDetails"`
}

func (s *Sim) ippBody(_ *http.Request, _ int, code, message string) any {
	return ippException{ExceptionType: "IPPException", ExceptionMessage: message, ExceptionFaultCode: code,
		ExceptionMessageID: code + "_" + s.requestID(), ExceptionDetails: ""}
}

// ipp answers an IPPException.
func (s *Sim) ipp(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	s.out.Error(w, r, status, code, message)
}

// invalid answers 400 with the problems of a request, each naming its field.
func (s *Sim) invalid(w http.ResponseWriter, r *http.Request, ps problems) {
	s.ipp(w, r, http.StatusBadRequest, FaultValidation, ps.text())
}

// bad answers one 400 problem.
func (s *Sim) bad(w http.ResponseWriter, r *http.Request, field, format string, args ...any) {
	var ps problems
	ps.add(field, format, args...)
	s.invalid(w, r, ps)
}

// message answers the plain {"message"} body (404, 500).
func (s *Sim) message(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.out.JSON(w, r, status, map[string]string{"message": msg})
}

// notFound answers a record in the path that does not exist.
func (s *Sim) notFound(w http.ResponseWriter, r *http.Request, what, key string) {
	s.message(w, r, http.StatusNotFound, fmt.Sprintf("%s with number %s was not found.", what, key))
}

// gateway answers as the API gateway does (401, 429).
func (s *Sim) gateway(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.out.JSON(w, r, status, map[string]any{"statusCode": status, "message": msg})
}

// IDs.

// requestID identifies one answer (Ipp-Request-Id, an exception's
// message id). It needs no lock, so error writers may run anywhere.
func (s *Sim) requestID() string {
	n := s.reqSeq.Add(1)
	return fmt.Sprintf("7e9a%04x-0000-4000-8000-%012x", n>>48&0xffff, n&0xffffffffffff)
}

// guidLocked makes a record's GUID from the state's counter: unique, valid
// as a version 4 UUID, and stable across a snapshot.
func (s *Sim) guidLocked() string {
	n := s.nextIDLocked()
	return fmt.Sprintf("5a1b%04x-0000-4000-8000-%012x", n>>48&0xffff, n&0xffffffffffff)
}

func (s *Sim) nextIDLocked() int64 {
	n := s.st.NextID
	s.st.NextID++
	return n
}

// nextNumber hands out the next number of a series, formatted; taken
// tells whether a number is in use already (seeded or written by hand),
// which the series then skips.
func (s *Sim) nextNumberLocked(series, format string, start int64, taken func(string) bool) string {
	n := max(s.st.Series[series], start-1)
	for {
		n++
		v := fmt.Sprintf(format, n)
		if !taken(v) {
			s.st.Series[series] = n
			return v
		}
	}
}

// location is the absolute URL of a created record, as the API's
// Location header gives it.
func location(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// created answers a create: 201, the Location, no body.
func (s *Sim) created(w http.ResponseWriter, r *http.Request, path string) {
	w.Header().Set("Location", location(r, path))
	w.WriteHeader(http.StatusCreated)
}

// Snapshot saves the whole state as JSON (tokens included: it is a simulator).
func (s *Sim) Snapshot() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return json.Marshal(s.st)
}

// Restore replaces the state with a snapshot.
func (s *Sim) Restore(b []byte) error {
	st := newState()
	if err := json.Unmarshal(b, &st); err != nil {
		return err
	}
	if st.Series == nil {
		st.Series = map[string]int64{}
	}
	if st.Tokens == nil {
		st.Tokens = map[string]*grant{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st = st
	return nil
}

// SetRateLimit changes the quota per window from now on (negative:
// unlimited); windows already counting keep their count.
func (s *Sim) SetRateLimit(perWindow int) {
	if perWindow == 0 {
		perWindow = DefaultRequestsPerHour
	}
	s.limiter.setLimit(perWindow)
}

// SetTokenLifetime changes expires_in of the tokens issued from now on.
func (s *Sim) SetTokenLifetime(d time.Duration) {
	if d <= 0 {
		d = DefaultTokenLifetime
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.o.TokenLifetime = d
}

// clone copies a record deeply through its JSON, so no caller shares
// slices, maps or pointers with the state.
func clone[T any](v T) T { return simkit.Clone(v) }

// eqFold compares business keys the way the API's database does.
func eqFold(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)) }
