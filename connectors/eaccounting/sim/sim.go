// Package sim is a local Visma eAccounting (research apis-erp-shopware.md §2
// and §4) for tests, the demo and benchmarks, answering in the contract's
// wire shape (shared/specs/eaccounting-v2.openapi.yaml) with its own wire
// types (wire.go), never the client's.
//
// Identity: /connect/authorize auto-approves a consent and redirects with a
// code (Authorize does the same without a browser); /connect/token takes a
// form body with the app in HTTP Basic, answers authorization_code and
// refresh_token, and keeps refresh tokens single use (RevokeOnReuse also
// ends the grant). Access tokens expire after a configurable lifetime.
//
// API v2: every path checks the bearer token (401, 4005), the scopes its
// contract operation lists (403, 4006) and a quota per OAuth client and
// path template (429, 4010, the wait only in the message); injects simkit
// faults keyed by op "METHOD /template" with the contract's parameter
// names. Served: company settings; customers and articles (list, get,
// create, full-replacement PUT); orders, customer invoice drafts (with
// convert), customer invoices and quotes (list, get, create); terms of
// payment, units, article account codings, VAT codes, countries,
// currencies and delivery methods (list, get). Listings take $page,
// $pagesize, $filter and $orderby (odata.go). Writes are read strictly: a
// property the schema lacks is 400 ErrorCode 2000 naming it, and so are a
// missing required field, a too long string, a number out of range or
// with too many decimals; read-only properties are accepted and ignored.
// An unknown reference is 3000 naming the field, a taken CustomerNumber or
// article Number 4000. Documents are priced by the rule in totals.go.
//
// Where research marks a fact unknown [?] the simulator picks: a code
// lives 5 minutes; a bad client is 400 invalid_client; $pagesize defaults
// to 50 and is cut to 1000; a referenced record that is missing and a
// conflict answer 400 (the only error status the contract declares), a
// missing record in the path 404; string comparisons in $filter ignore
// case; StockBalanceReserved is what ongoing orders (Status 2) hold; with
// the stock module a write that changes StockBalance is 4002; a booked
// invoice lowers the stock of stock articles only with the stock module;
// the meaning of the document totals (totals.go); customer numbers start
// at 1001, order, invoice and quote numbers at 1, voucher numbers "F<n>".
package sim

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/connectors/simkit"
)

// Options configure a simulator.
type Options struct {
	// ClientID and ClientSecret are the one app the identity server knows.
	ClientID, ClientSecret string
	// RedirectURIs are the app's registered redirect URIs; empty accepts
	// any http(s) URI (tests that listen on a free port).
	RedirectURIs []string
	// Now is the server's clock; nil means time.Now.
	Now func() time.Time
	// AccessTokenLifetime is expires_in; 0 means an hour (research: typically 3600 s).
	AccessTokenLifetime time.Duration
	// CodeLifetime bounds an authorization code; 0 means 5 minutes.
	CodeLifetime time.Duration
	// RevokeOnReuse: a reused refresh token also revokes the grant it came
	// from, so the newest refresh token and its access tokens stop working
	// too (the OAuth security advice; whether Visma does it is not known).
	RevokeOnReuse bool
	// RequestsPerMinute per client and endpoint: 0 means the published 600,
	// negative means unlimited.
	RequestsPerMinute int
	// DefaultPageSize is $pagesize when a request gives none (0: 50);
	// MaxPageSize cuts a larger one (0: 1000).
	DefaultPageSize, MaxPageSize int
	// RetryAfterHeader also sends Retry-After with a 429, which the real
	// API is not documented to do.
	RetryAfterHeader bool
	// StockModule starts the company with the stock add-on (SetStockModule
	// changes it later).
	StockModule bool
}

// Sim is the simulated eAccounting; it is an http.Handler and safe for
// concurrent use.
type Sim struct {
	o        Options
	faults   simkit.Faults
	limiter  *simkit.WindowLimiter
	api      *simkit.Router
	identity *simkit.Router
	handler  http.Handler
	out      simkit.JSONWriter
	pager    simkit.Paging
	calls    simkit.CallCounter

	mu sync.Mutex
	st state
}

// state is what Snapshot saves: the company's records, its reference
// data, the counters and the OAuth grants.
type state struct {
	NextID  int64           `json:"nextId"`
	Company CompanySettings `json:"company"`
	// StockModule: the company has the stock add-on, which makes an
	// article's StockBalance read only.
	StockModule bool `json:"stockModule"`

	TermsOfPayments []TermsOfPayment       `json:"termsOfPayments"`
	Units           []Unit                 `json:"units"`
	Codings         []ArticleAccountCoding `json:"codings"`
	VatCodes        []VatCode              `json:"vatCodes"`
	Countries       []Country              `json:"countries"`
	Currencies      []Currency             `json:"currencies"`
	DeliveryMethods []DeliveryMethod       `json:"deliveryMethods"`

	Customers []Customer     `json:"customers"`
	Articles  []Article      `json:"articles"`
	Orders    []Order        `json:"orders"`
	Drafts    []InvoiceDraft `json:"drafts"`
	Invoices  []Invoice      `json:"invoices"`
	Quotes    []Quote        `json:"quotes"`
	// Last numbers handed out per series.
	LastOrderNumber, LastInvoiceNumber, LastQuoteNumber, LastVoucherNumber int

	// Grants are consents, by id; Codes, Access and Refresh are the
	// credentials issued from them, by their value.
	Grants  map[string]*grant   `json:"grants"`
	Codes   map[string]*code    `json:"codes"`
	Access  map[string]*access  `json:"access"`
	Refresh map[string]*refresh `json:"refresh"`
	// Granted counts successful token answers by grant type; Reused counts
	// refresh tokens presented a second time.
	Granted map[string]int `json:"granted"`
	Reused  int            `json:"reused"`
}

type grant struct {
	Scopes  []string `json:"scopes"`
	Revoked bool     `json:"revoked"`
}

type code struct {
	Grant       string    `json:"grant"`
	RedirectURI string    `json:"redirectUri"`
	Expires     time.Time `json:"expires"`
	Used        bool      `json:"used"`
}

type access struct {
	Grant   string    `json:"grant"`
	Expires time.Time `json:"expires"`
}

type refresh struct {
	Grant string `json:"grant"`
	Used  bool   `json:"used"`
}

// New builds a simulator of a fresh company: the demo company's settings
// and the reference data every company has (terms of payment, units,
// article account codings, VAT codes, countries, currencies, delivery
// methods; refdata.go), and no customers, articles or documents (Seed adds
// the demo's).
func New(o Options) *Sim {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.AccessTokenLifetime <= 0 {
		o.AccessTokenLifetime = time.Hour
	}
	if o.CodeLifetime <= 0 {
		o.CodeLifetime = 5 * time.Minute
	}
	if o.RequestsPerMinute == 0 {
		o.RequestsPerMinute = eaccounting.DefaultRequestsPerMinute
	}
	if o.DefaultPageSize <= 0 {
		o.DefaultPageSize = 50
	}
	if o.MaxPageSize <= 0 {
		o.MaxPageSize = 1000
	}
	s := &Sim{o: o, limiter: simkit.NewWindowLimiter(time.Minute, o.Now), st: newState()}
	s.st.StockModule = o.StockModule
	s.out = simkit.JSONWriter{ContentType: "application/json; charset=utf-8", ErrorBody: s.errorBody}
	s.pager = simkit.Paging{PageParam: "$page", SizeParam: "$pagesize", DefaultSize: o.DefaultPageSize, MaxSize: o.MaxPageSize}
	s.api = s.apiRouter()
	s.identity = s.identityRouter()
	s.handler = s.faults.Middleware(s.op, s.writeFault, http.HandlerFunc(s.route))
	return s
}

func newState() state {
	st := state{
		NextID: 1,
		Grants: map[string]*grant{}, Codes: map[string]*code{}, Access: map[string]*access{}, Refresh: map[string]*refresh{},
		Granted: map[string]int{},
	}
	st.addReferenceData()
	return st
}

func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Faults are the injected faults; tests add rules keyed by op
// ("GET /customers", "POST /connect/token").
func (s *Sim) Faults() *simkit.Faults { return &s.faults }

// Calls counts the requests served, by op.
func (s *Sim) Calls() *simkit.CallCounter { return &s.calls }

func (s *Sim) route(w http.ResponseWriter, r *http.Request) {
	if isIdentity(r.URL.Path) {
		s.identity.ServeHTTP(w, r)
		return
	}
	s.api.ServeHTTP(w, r)
}

func isIdentity(path string) bool { return strings.HasPrefix(path, "/connect/") }

// op names a request the way the client and fault rules do.
func (s *Sim) op(r *http.Request) string {
	if isIdentity(r.URL.Path) {
		return s.identity.Op(r)
	}
	return s.api.Op(r)
}

// writeFault renders an injected status the way the system does: OAuth's
// error JSON on the identity server, the API's error body or ASP.NET's
// plain one on the API.
func (s *Sim) writeFault(w http.ResponseWriter, r *http.Request, status int, retryAfter time.Duration) {
	if isIdentity(r.URL.Path) {
		code := "server_error"
		if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
			code = "temporarily_unavailable"
		}
		s.oauthError(w, status, code, "")
		return
	}
	switch {
	case status == http.StatusTooManyRequests:
		if retryAfter <= 0 {
			retryAfter = time.Minute
		}
		s.tooMany(w, r, retryAfter)
	case status == http.StatusUnauthorized:
		s.apiError(w, r, status, eaccounting.CodeNotAuthorized, "AuthorizationException - Authorization has been denied for this request.", nil)
	case status >= 500:
		s.out.JSON(w, r, status, map[string]string{"Message": "An error has occurred."})
	default:
		s.out.JSON(w, r, status, map[string]string{"Message": http.StatusText(status)})
	}
}

// errorBody is the API's error shape (CommonExtendedBadRequest).
func (s *Sim) errorBody(_ *http.Request, _ int, code, message string) any {
	var n int
	_, _ = fmt.Sscan(code, &n)
	return ErrorBody{ErrorCode: n, DeveloperErrorMessage: message, ErrorId: s.newID()}
}

func (s *Sim) apiError(w http.ResponseWriter, r *http.Request, status, code int, message string, fields []ErrorDetail) {
	body := ErrorBody{ErrorCode: code, DeveloperErrorMessage: message, ErrorId: s.newID(), Errors: fields}
	s.out.JSON(w, r, status, body)
}

// tooMany is the quota answer (§2.6): the wait only in the message.
func (s *Sim) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	secs := simkit.RetryAfterSeconds(wait)
	if s.o.RetryAfterHeader {
		simkit.SetRetryAfter(w.Header(), wait)
	}
	s.apiError(w, r, http.StatusTooManyRequests, eaccounting.CodeRateLimited,
		fmt.Sprintf("API calls quota exceeded! maximum admitted %d per Minute. Try again in %d seconds.", s.o.RequestsPerMinute, secs), nil)
}

// newID makes a GUID from a counter: unique, and stable across a snapshot.
func (s *Sim) newID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextIDLocked()
}

func (s *Sim) nextIDLocked() string {
	n := s.st.NextID
	s.st.NextID++
	return fmt.Sprintf("5a1b0000-0000-4000-8000-%012x", n)
}

// secret makes an unguessable token value.
func secret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Snapshot saves the whole state as JSON (tokens included: it is a simulator).
func (s *Sim) Snapshot() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return json.Marshal(s.st)
}

// Restore replaces the state with a snapshot.
func (s *Sim) Restore(b []byte) error {
	st := state{}
	if err := json.Unmarshal(b, &st); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st = st
	return nil
}
