package vismanet

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/httpkit"
)

// Defaults.
const (
	// DefaultPageSize is pageSize of listings; the API caps it at each
	// endpoint's maxPageSize (1000 commonly, inventory 5000 [L]).
	DefaultPageSize = 500
	// DefaultRequestsPerHour paces a credential until its first answer
	// reports the real limit (X-RateLimit-Limit). It is the published
	// production figure (§3.7, 2021); test clients get 500.
	DefaultRequestsPerHour = 15000
	// DefaultRetryAfter is the wait on a 429 without Retry-After: the quota
	// is a fixed window, so a minute rather than a second.
	DefaultRetryAfter = time.Minute
)

// Ops: each call's name, "METHOD /template" with the contract's own path
// template, equal to the simulator's route op, so observers, fault rules and
// call counts share it. The template also builds the path (opPath).
const (
	OpListCustomers  = "GET /v1/customer"
	OpGetCustomer    = "GET /v1/customer/{customerCd}"
	OpCreateCustomer = "POST /v1/customer"
	OpUpdateCustomer = "PUT /v1/customer/{customerCd}"

	OpListSalesOrders  = "GET /v1/salesorder"
	OpGetSalesOrder    = "GET /v1/salesorder/{orderType}/{orderNbr}"
	OpCreateSalesOrder = "POST /v1/salesorder"

	OpListCustomerInvoices   = "GET /v1/customerinvoice"
	OpGetCustomerInvoice     = "GET /v1/customerinvoice/{invoiceNumber}"
	OpCreateCustomerInvoice  = "POST /v2/customerinvoice" // v1's POST is deprecated
	OpReleaseCustomerInvoice = "POST /v1/customerinvoice/{invoiceNumber}/action/release"

	OpListJournalTransactions   = "GET /v2/journaltransaction"
	OpGetJournalTransaction     = "GET /v2/journaltransaction/{journalTransactionNumber}"
	OpCreateJournalTransaction  = "POST /v2/journaltransaction"
	OpReleaseJournalTransaction = "POST /v2/journaltransaction/{journalTransactionNumber}/action/release"

	// Items, their stock and stock documents: LookupProducts uses
	// OpGetInventory; the products and stock capabilities the rest.
	OpListInventory              = "GET /v1/inventory"
	OpGetInventory               = "GET /v1/inventory/{inventoryNumber}"
	OpCreateInventory            = "POST /v1/inventory"
	OpUpdateInventory            = "PUT /v1/inventory/{inventoryNumber}"
	OpInventoryAttachment        = "POST /v1/inventory/{inventoryNumber}/attachment"
	OpListItemClasses            = "GET /v1/inventory/itemClass"
	OpInventorySummary           = "GET /v1/inventorysummary/{inventoryNumber}"
	OpListInventoryAdjustments   = "GET /v1/inventoryadjustment"
	OpGetInventoryAdjustment     = "GET /v1/inventoryadjustment/{inventoryAdjustmentNumber}"
	OpCreateInventoryAdjustment  = "POST /v1/inventoryadjustment"
	OpReleaseInventoryAdjustment = "POST /v1/inventoryadjustment/{adjRefNumber}/action/release"

	// Reference data (refs.go).
	OpListCreditTerms     = "GET /v1/creditTerm"
	OpListVatCategories   = "GET /v1/vatCategory"
	OpListVatZones        = "GET /v1/vatZone"
	OpListPaymentMethods  = "GET /v1/paymentmethod"
	OpListBranches        = "GET /v1/branch"
	OpListWarehouses      = "GET /v1/warehouse"
	OpListCurrencies      = "GET /v1/currency"
	OpListCarriers        = "GET /v1/carrier"
	OpListSalesOrderTypes = "GET /v1/salesordertype"
	OpListAccounts        = "GET /v1/account"

	// Background jobs (background.go).
	OpBackgroundState   = "GET /v1/background/{requestId}"
	OpBackgroundContent = "GET /v1/background/{requestId}/content"

	// OpToken is the token endpoint (Visma Connect, not the API); the
	// simulator serves it under this op.
	OpToken = "POST " + TokenPath
)

// Config configures a Client. The zero value of every field but the
// credentials means its default.
type Config struct {
	// BaseURL is the API's address, scheme://host; "" means ProductionAPI.
	BaseURL string
	// ClientID, ClientSecret: the Visma Connect service application.
	// TenantID: the company that approved it.
	ClientID, ClientSecret, TenantID string
	// RequestsPerHour caps the pace of all calls of the credential; 0
	// follows what the answers' X-RateLimit-* headers report (starting at
	// DefaultRequestsPerHour), negative paces nothing.
	RequestsPerHour int
	// DefaultRetryAfter is the wait of a 429 without Retry-After; 0 means
	// DefaultRetryAfter.
	DefaultRetryAfter time.Duration
	// Timeout bounds one HTTP call; 0 means httpkit.DefaultTimeout.
	Timeout time.Duration
	// Observe is told about every call.
	Observe connectors.CallObserver
	// Transport carries the requests, the token's too (tests); nil means
	// http.DefaultTransport.
	Transport http.RoundTripper
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
	// BackgroundPoll is the first wait before a background job's state is
	// asked; 0 means a second. It doubles up to 10 s.
	BackgroundPoll time.Duration
	// Options are the integration file's settings (options.go); a zero
	// field means the option's default.
	Options Options
}

// Client calls one Visma.net company's API (the tenant of its token). It is
// safe for concurrent use.
type Client struct {
	cfg   Config
	opt   Options
	http  *httpkit.Client
	pacer *httpkit.Pacer // nil: unpaced
	cache refCache
	keys  keyIndexes
	items itemCache
}

// New builds a client, reporting every bad setting at once as one
// KindConfig error.
func New(cfg Config) (*Client, error) {
	var problems []connectors.Problem
	cfg.Options = cfg.Options.withDefaults()
	base, err := baseURL(cfg.BaseURL, ProductionAPI)
	if err != nil {
		problems = append(problems, connectors.Problem{Path: "baseURL", Message: err.Error()})
	}
	tokenURL, err := absoluteURL(TokenURLFor(base, cfg.Options.TokenURL))
	if err != nil {
		problems = append(problems, connectors.Problem{Path: "options.tokenURL", Message: err.Error()})
	}
	for _, c := range []struct{ name, value string }{{CredClientID, cfg.ClientID}, {CredClientSecret, cfg.ClientSecret}, {CredTenantID, cfg.TenantID}} {
		if strings.TrimSpace(c.value) == "" {
			problems = append(problems, connectors.Problem{Path: "credentials." + c.name, Message: "is empty"})
		}
	}
	problems = append(problems, cfg.Options.check()...)
	if len(problems) > 0 {
		return nil, configError(problems)
	}
	cfg.BaseURL = base
	if cfg.DefaultRetryAfter <= 0 {
		cfg.DefaultRetryAfter = DefaultRetryAfter
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.BackgroundPoll <= 0 {
		cfg.BackgroundPoll = time.Second
	}
	c := &Client{cfg: cfg, opt: cfg.Options}
	next := cfg.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	tu, _ := url.Parse(tokenURL)
	var transport http.RoundTripper = &tokenTransport{next: next, tokenURL: tu, now: cfg.Now,
		defaultRetryAfter: cfg.DefaultRetryAfter, observe: cfg.Observe}
	if cfg.RequestsPerHour >= 0 {
		// The quota counts per company and client (§3.7): the tenant and
		// the client id key the pacer, never the secret.
		u, _ := url.Parse(base)
		start := httpkit.PerHour(DefaultRequestsPerHour)
		if cfg.RequestsPerHour > 0 {
			start = httpkit.PerHour(cfg.RequestsPerHour)
		}
		c.pacer = httpkit.SharedPacer(httpkit.CredentialKey(System, u.Scheme+"://"+u.Host, cfg.TenantID+"/"+cfg.ClientID),
			httpkit.Limits{Total: start})
		transport = httpkit.WatchAnswers(transport, c.followRateLimit)
	}
	c.http = httpkit.New(httpkit.Config{
		System: System, BaseURL: base, Timeout: cfg.Timeout,
		Accept: "application/json", ContentType: "application/json",
		Auth: httpkit.OAuth2(httpkit.OAuth2Config{
			TokenURL: tokenURL, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Scopes: cfg.Options.Scopes,
			// Visma Connect issues a token for one company: the tenant (§3.2).
			EndpointParams: url.Values{"tenant_id": {cfg.TenantID}}, Timeout: cfg.Timeout,
		}),
		Transport: transport, Pacer: c.pacer, Observe: cfg.Observe,
		Scrub: httpkit.Secrets(cfg.ClientSecret), ReadError: readError,
		DefaultRetryAfter: cfg.DefaultRetryAfter, Now: cfg.Now,
	})
	return c, nil
}

func configError(problems []connectors.Problem) error {
	return &connectors.Error{Kind: connectors.KindConfig, System: System, Op: "configure", Message: connectors.JoinProblems(problems)}
}

// baseURL normalises an address: scheme://host[/path], no trailing slash;
// "" is def.
func baseURL(raw, def string) (string, error) {
	if strings.TrimSpace(raw) == "" {
		raw = def
	}
	u, err := absoluteURL(raw)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(u, "/"), nil
}

// TokenURLFor is the token endpoint of an API base URL: the configured one,
// else Visma Connect's for the production API, else the base's own host
// (the simulator serves both, and starter dev moves it to any port).
func TokenURLFor(base, configured string) string {
	if configured != "" {
		return configured
	}
	u, err := url.Parse(base)
	prod, _ := url.Parse(ProductionAPI)
	if err != nil || u.Host == "" || strings.EqualFold(u.Host, prod.Host) {
		return ProductionTokenURL
	}
	return u.Scheme + "://" + u.Host + TokenPath
}

func absoluteURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an http(s) address like %s", raw, ProductionAPI)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q must not carry a query or fragment", raw)
	}
	return u.String(), nil
}

// Options returns the options in force (defaults applied).
func (c *Client) Options() Options { return c.opt }

// now is the client's clock.
func (c *Client) now() time.Time { return c.cfg.Now() }

// request is one call of an op.
type request struct {
	op string
	// path is the op's template filled in (opPath); query its parameters.
	path  string
	query url.Values
	// body, unless nil, goes as JSON.
	body   any
	header http.Header
	// into reads a 200 answer's JSON (nil: ignored).
	into any
	// personal are the record's texts to scrub from the API's messages.
	personal []string
}

// do makes one call. A 2xx answer other than 200 carries no body the
// caller reads (201 Location, 202 job, 204).
func (c *Client) do(ctx context.Context, r request) (*httpkit.Response, error) {
	method, _, _ := strings.Cut(r.op, " ")
	var data []byte
	if r.body != nil {
		var err error
		if data, err = json.Marshal(r.body); err != nil {
			return nil, invalid(r.op, "the request cannot be made: %v", err)
		}
	}
	u := r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	resp, err := c.http.Do(ctx, httpkit.Request{
		Op: r.op, ErrOp: r.op, Method: method, URL: u, Body: data, Header: r.header, Personal: r.personal,
		Decode: func(resp *httpkit.Response) error {
			if r.into == nil || resp.Status != http.StatusOK {
				return nil
			}
			if err := json.Unmarshal(resp.Body, r.into); err != nil {
				return unavailable(r.op, resp.Status, "the answer is not the JSON the API documents: %s", jsonProblem(err))
			}
			return nil
		},
	})
	if err != nil {
		return nil, c.surfaceTokenFailure(err, r.op)
	}
	return resp, nil
}

// get reads one record (or a reference listing) into into.
func (c *Client) get(ctx context.Context, op, path string, query url.Values, into any) error {
	resp, err := c.do(ctx, request{op: op, path: path, query: query, into: into})
	if err == nil && resp.Status != http.StatusOK {
		return unavailable(op, resp.Status, "the API answered %d to a read; want 200", resp.Status)
	}
	return err
}

// getETag reads one record and returns its ETag ("" when the API sends
// none), for an update with If-Match.
func (c *Client) getETag(ctx context.Context, op, path string, into any) (string, error) {
	resp, err := c.do(ctx, request{op: op, path: path, into: into})
	if err != nil {
		return "", err
	}
	if resp.Status != http.StatusOK {
		return "", unavailable(op, resp.Status, "the API answered %d to a read; want 200", resp.Status)
	}
	return resp.Header.Get("ETag"), nil
}

// create posts a new record and returns its number, the last segment of the
// Location of the 201 (§3.3; the host may differ from the base URL's). With
// options.backgroundWrites the write runs as a background job.
func (c *Client) create(ctx context.Context, op, path string, body any, personal []string) (string, error) {
	resp, err := c.write(ctx, request{op: op, path: path, body: body, personal: personal})
	if err != nil {
		return "", err
	}
	if resp.Status != http.StatusCreated && resp.Status != http.StatusOK {
		return "", unavailable(op, resp.Status, "the API answered %d to a create; want 201 with a Location", resp.Status)
	}
	number, err := NumberFromLocation(resp.Header.Get("Location"))
	if err != nil {
		return "", unavailable(op, resp.Status, "the record was created, but %v; it is found by its key on the next attempt", err)
	}
	return number, nil
}

// update puts fields over a record (204). etag, unless "", goes as
// If-Match: a record changed since it was read is a 412, KindConflict.
func (c *Client) update(ctx context.Context, op, path string, body any, etag string, personal []string) error {
	r := request{op: op, path: path, body: body, personal: personal}
	if etag != "" {
		r.header = http.Header{"If-Match": {etag}}
	}
	_, err := c.write(ctx, r)
	return err
}

// action runs a document action (release …): a POST without a body whose
// answer, when there is one, is read into into.
func (c *Client) action(ctx context.Context, op, path string, into any) error {
	_, err := c.write(ctx, request{op: op, path: path, into: into})
	return err
}

// write sends a POST or PUT, as a background job when the options say so,
// and returns the answer of the write itself.
func (c *Client) write(ctx context.Context, r request) (*httpkit.Response, error) {
	if c.opt.BackgroundWrites {
		if r.header == nil {
			r.header = http.Header{}
		}
		r.header.Set(HeaderBackground, "none")
	}
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	if resp.Status == http.StatusAccepted {
		return c.awaitJob(ctx, r, resp)
	}
	return resp, nil
}

// NumberFromLocation reads a created record's number from a Location
// header: the last path segment of an absolute or relative URL, unescaped
// (and decoded when it is b64(…)).
func NumberFromLocation(loc string) (string, error) {
	loc = strings.TrimSpace(loc)
	if loc == "" {
		return "", errors.New("the answer has no Location header")
	}
	u, err := url.Parse(loc)
	if err != nil {
		return "", fmt.Errorf("its Location %q is not a URL", loc)
	}
	p := strings.TrimRight(u.EscapedPath(), "/")
	seg := p[strings.LastIndex(p, "/")+1:]
	if seg, err = url.PathUnescape(seg); err != nil || seg == "" {
		return "", fmt.Errorf("its Location %q names no record", loc)
	}
	if inner, ok := strings.CutPrefix(seg, "b64("); ok && strings.HasSuffix(inner, ")") {
		if raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(strings.TrimSuffix(inner, ")"), "=")); err == nil {
			seg = string(raw)
		}
	}
	return seg, nil
}

// opPath fills an op's path template with keys, in order: "GET
// /v1/customer/{customerCd}" with "10001" is "/v1/customer/10001".
func opPath(op string, keys ...string) string {
	_, tmpl, _ := strings.Cut(op, " ")
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 || len(keys) == 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		b.WriteString(KeySegment(keys[0]))
		tmpl, keys = tmpl[i+j+1:], keys[1:]
	}
}

// KeySegment writes a business key (customer number, inventory number …) as
// a path segment: as it is when it holds only unreserved characters, else as
// b64(<base64url>), the API's form for keys with reserved characters (§3.3).
func KeySegment(key string) string {
	for _, r := range key {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_' || r == '~') {
			return "b64(" + base64.RawURLEncoding.EncodeToString([]byte(key)) + ")"
		}
	}
	return key
}

// jsonProblem says what is wrong with an answer without quoting it.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("not JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("%s is a JSON %s, not a %s", typ.Field, typ.Value, typ.Type)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "cut off"
	}
	return "unreadable: " + err.Error()
}
