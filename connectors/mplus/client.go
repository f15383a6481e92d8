// Package mplus is the MplusKASSA connector: a client of the MplusQAPI SOAP
// service (SOAP 1.1 document/literal, namespace urn:mplusqapi) that writes
// orders or invoices, finds and keeps relations (customers) with their
// booking details, resolves SKUs to articles, lists and writes products
// (a product's articles are its variants; the article's pluNumber is the
// SKU) and reads and sets stock. Its simulator lives in package mplus/sim.
//
// Every call is an HTTP POST of one SOAP envelope to the installation's own
// base URL with ?ident=…&secret=… in the query string, made through
// httpkit (pacing, observation, answer size, transport errors). The secret
// never leaves this package in an error or log line: errors show the URL
// with the secret redacted, and server texts (faultstring, errorMessage) are
// scrubbed of it and of personal data.
//
// Errors (research §2.8): a SOAP Fault Client.Authentication (or a 401/403
// from a proxy) is KindAuth; other Client faults are KindValidation; Server
// faults, other 5xx, timeouts and dropped connections are KindUnavailable;
// business results in a 200 answer map …-ALREADY-EXISTS/-ALREADY-TAKEN to
// KindConflict, …-NOT-FOUND to KindNotFound and …-FAILED to KindValidation
// with the server's errorMessage.
//
// Operations used:
//
//	getApiVersion          Ping (connection test)
//	getVatGroupList        VAT rate → vatCode for order lines and articles (cached)
//	getProducts            LookupProducts: SKU = article pluNumber → articleNumber (cached);
//	                       also the shipping, discount and costs articles;
//	                       ListChangedProducts (by syncMarker), FindProduct (by pluNumber)
//	createProduct          CreateProduct
//	updateProduct          UpdateProduct; SetStock when it switches stock keeping on
//	getArticleGroups       category names ⇄ article group numbers (cached)
//	newArticleGroup        a missing category, when the flow may create categories
//	getStockHistoryV2      ListStock, changed only (by stockId)
//	getCurrentSyncMarkers  ListStock with All: the stockId a reconciliation ends at
//	getStock               ListStock, GetStock
//	setStock               SetStock (absolute; updateStock, a delta, is never used)
//	findOrder              FindOrder for KindOrder (by extOrderId)
//	createOrder            CreateOrder for KindOrder
//	findInvoice            FindOrder for KindInvoice (by extInvoiceId)
//	saveInvoice            CreateOrder for KindInvoice (an invoice without invoiceId is new)
//	findRelation           FindCustomer (by email or extRelationId)
//	getRelation            CustomerDetails
//	createRelation         CreateCustomer, CreateCustomerWithDetails
//	updateRelation         UpdateCustomer, UpdateCustomerWithDetails
package mplus

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/httpkit"
)

// System is the connector's registry name and the System of its errors.
const System = "mplus"

// Defaults.
const (
	// DefaultTimeout bounds one call. The official client waits up to 600 s;
	// a long timeout keeps ambiguous outcomes (timeout after the server
	// committed) rare, and the activity's own timeout still bounds the step.
	DefaultTimeout = 120 * time.Second
	// DefaultProductCacheTTL is how long a found SKU → articleNumber is reused.
	DefaultProductCacheTTL = 5 * time.Minute
	// vatTableTTL is how long the VAT group table is reused; a rate missing
	// from it triggers one early refresh (at most once a minute).
	vatTableTTL        = time.Hour
	vatTableMinRefresh = time.Minute
	// DefaultRetryAfter is the wait reported for a 429 without Retry-After:
	// MplusKASSA publishes no limit (research §2.10), so such an answer
	// comes from a proxy in front of it [A]; a minute is what CCV's
	// community clients wait too.
	DefaultRetryAfter = time.Minute
	// DefaultVATCountry is the VAT country preferred when Config.VATCountry is empty.
	DefaultVATCountry = "NLD"
	// DefaultStockBranch is the branch stock is read from and set in when
	// Config.StockBranch is 0: the first branch, which every installation has
	// [A: a guess for single-shop installations; set it when there are more].
	DefaultStockBranch = 1
	// DefaultEmployee is the employee orders and stock changes are booked on
	// when Config.OrderEmployee or StockEmployee is 0; APIcenter uses it for
	// orders (research §2.9).
	DefaultEmployee int64 = 999999
	// DefaultRelationRevenueAccountField and DefaultRelationVATCodeField name
	// the relation custom fields that hold a customer's revenue account and
	// VAT code: a MplusKASSA relation has no element for either.
	DefaultRelationRevenueAccountField = "revenueAccount"
	DefaultRelationVATCodeField        = "vatCode"
	// DefaultParentSKU is the rule that names a product with several
	// articles when it leaves MplusKASSA (see Config.ParentSKU).
	DefaultParentSKU = "P-" + placeholderProductNumber
	// DefaultCurrency is the currency of MplusKASSA's amounts, which the API
	// does not name [A: a Dutch POS; set Config.Currency otherwise].
	DefaultCurrency = "EUR"
	// maxAnswerBytes bounds one answer: SOAP is verbose, and getStock and
	// getProducts return whole lists in one envelope.
	maxAnswerBytes = 64 << 20
)

// Placeholders of Config.ParentSKU.
const (
	placeholderProductNumber = "{productNumber}"
	placeholderFirstPLU      = "{firstPLU}"
)

// Config configures a Client.
type Config struct {
	// BaseURL is the installation's API address: https://api.mpluskassa.nl:<port>
	// with an optional path. No query string: ident and secret are separate.
	BaseURL string
	Ident   string
	Secret  string
	// Timeout bounds one HTTP call; 0 means DefaultTimeout.
	Timeout time.Duration
	// ProductCacheTTL keeps found SKUs that long; 0 disables the cache. Use
	// DefaultProductCacheTTL unless you have a reason not to (New does not
	// apply it for you, because 0 has a meaning).
	ProductCacheTTL time.Duration
	// VATPercentageScale is how many wire units make one percent in
	// VatGroup.vatPercentage: 1 means 21 is 21 %, 100 means 2100 is 21 %.
	// The scale is not documented (research §2.4 [A]); 0 (the default) detects
	// it from the VAT table: any value above 100 means 100, otherwise 1.
	VATPercentageScale int
	// VATCountry is the ISO 3166-1 alpha-3 code of the installation's own VAT
	// country. When the VAT table holds groups of several countries with the
	// same rate (OSS), a group of this country (or of no country) wins; ""
	// means DefaultVATCountry.
	VATCountry string
	// ShippingPLU is the pluNumber of the article that carries shipping
	// costs. When set, an order's ShippingCost is written as its own line on
	// that article (quantity 1, the order's ShippingVAT); when empty, shipping
	// costs are not written (a mapping may already have made them a line).
	ShippingPLU string
	// ShippingText is the shipping line's text; "" uses the order's shipping
	// method, or "Verzendkosten" when it has none.
	ShippingText string
	// DiscountPLU and CostsPLU are the pluNumbers of the articles an order's
	// adjustments are written on: each discount (and each cost: payment
	// costs, extra costs) becomes one line on that article with the
	// adjustment's description, amount and VAT. An order with a non-zero
	// adjustment of a kind whose article is not configured fails with
	// KindConfig rather than leave money out.
	DiscountPLU string
	CostsPLU    string
	// StockBranch is the branch whose stock ListStock reads and GetStock and
	// SetStock read and write; 0 means DefaultStockBranch.
	StockBranch int
	// StockEmployee is the employee setStock books changes on; 0 means
	// DefaultEmployee.
	StockEmployee int64
	// OrderEmployee is the employee orders and invoices are booked on (the
	// till needs one); 0 means DefaultEmployee. OrderBranch is the branch
	// they are entered in; 0 leaves MplusKASSA's default.
	OrderEmployee int64
	OrderBranch   int
	// DefaultTurnoverGroup is the turnover group of the articles
	// CreateProduct (and UpdateProduct, for a new variant) creates; 0 sends
	// none and leaves MplusKASSA's default.
	DefaultTurnoverGroup int
	// RelationRevenueAccountField and RelationVATCodeField are the relation
	// custom fields CustomerDetails.RevenueAccount and VATCode are kept in;
	// "" means the Default… names. The fields must exist in MplusKASSA.
	RelationRevenueAccountField string
	RelationVATCodeField        string
	// ParentSKU is the rule that names a product with several articles (a
	// configurable product; each article is a variant with its pluNumber as
	// SKU), because a MplusKASSA product has a number but no code. It is a
	// text with exactly one placeholder: {productNumber} (the product's
	// number) or {firstPLU} (the pluNumber of its article with the lowest
	// articleNumber). "" means DefaultParentSKU, "P-{productNumber}".
	// FindProduct recognises SKUs the rule makes.
	ParentSKU string
	// Currency is the ISO 4217 code of MplusKASSA's amounts; "" means
	// DefaultCurrency. Products in another currency are refused.
	Currency string
	// RequestsPerMinute caps the calls of this ident at this installation,
	// shared by every client of it in the process and divided among the
	// worker processes; 0 or less is unlimited (MplusKASSA publishes no
	// limit, research §2.10).
	RequestsPerMinute int
	// Observe is told about every HTTP call (op = SOAP operation name).
	Observe connectors.CallObserver
}

// Client talks to one MplusKASSA installation. It is safe for concurrent use.
type Client struct {
	cfg      Config
	http     *httpkit.Client
	endpoint string // with credentials: never print
	redacted string // for messages

	vatMu sync.Mutex
	vat   vatTable

	prodMu    sync.Mutex
	byPLU     map[string]cachedArticle
	byArticle map[int64]cachedArticle

	groupMu sync.Mutex
	groups  groupTree

	now func() time.Time
}

var (
	_ connectors.OrderTarget           = (*Client)(nil)
	_ connectors.CustomerTarget        = (*Client)(nil)
	_ connectors.CustomerDetailsTarget = (*Client)(nil)
	_ connectors.ProductLookup         = (*Client)(nil)
	_ connectors.ProductSource         = (*Client)(nil)
	_ connectors.ProductTarget         = (*Client)(nil)
	_ connectors.StockSource           = (*Client)(nil)
	_ connectors.StockTarget           = (*Client)(nil)
)

// New validates cfg and builds a client. Every problem is reported at once.
func New(cfg Config) (*Client, error) {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	base := strings.TrimSpace(cfg.BaseURL)
	var u *url.URL
	if base == "" {
		add("the base URL is empty; set the target's baseURL to the installation's API address, like https://api.mpluskassa.nl:34567")
	} else {
		var err error
		u, err = url.Parse(base)
		switch {
		case err != nil:
			add("the base URL %q cannot be parsed (%v); write it like https://api.mpluskassa.nl:34567", base, err)
		case u.Scheme != "https" && u.Scheme != "http":
			add("the base URL %q must start with https:// (or http:// for a local simulator)", base)
		case u.Host == "":
			add("the base URL %q has no host; write it like https://api.mpluskassa.nl:34567", base)
		case u.RawQuery != "" || u.Fragment != "":
			add("the base URL %q must not carry a query or fragment; ident and secret go in the credentials", redactQuery(u))
		}
	}
	if strings.TrimSpace(cfg.Ident) == "" {
		add("the ident is empty; set credentials.ident to the environment variable that holds the MplusQAPI ident")
	}
	if cfg.Secret == "" {
		add("the secret is empty; set credentials.secret to the environment variable that holds the MplusQAPI secret")
	}
	if cfg.Timeout < 0 {
		add("the timeout %s is negative; leave it 0 for the default of %s", cfg.Timeout, DefaultTimeout)
	}
	if cfg.ProductCacheTTL < 0 {
		add("the product cache TTL %s is negative; use 0 to disable the cache", cfg.ProductCacheTTL)
	}
	switch cfg.VATPercentageScale {
	case 0, 1, 10, 100, 1000:
	default:
		add("the VAT percentage scale %d is not one of 0 (detect), 1, 10, 100, 1000", cfg.VATPercentageScale)
	}
	if v := strings.TrimSpace(cfg.VATCountry); v != "" && (len(v) != 3 || strings.ToUpper(v) != v) {
		add("the VAT country %q is not an upper-case ISO 3166-1 alpha-3 code such as NLD or BEL", cfg.VATCountry)
	}
	if cfg.StockBranch < 0 {
		add("the stock branch %d is not a branch number; leave it 0 for branch %d", cfg.StockBranch, DefaultStockBranch)
	}
	if cfg.StockEmployee < 0 {
		add("the stock employee %d is not an employee number; leave it 0 for %d", cfg.StockEmployee, DefaultEmployee)
	}
	if cfg.DefaultTurnoverGroup < 0 {
		add("the default turnover group %d is not a turnover group number; leave it 0 to send none", cfg.DefaultTurnoverGroup)
	}
	if err := checkParentSKU(cfg.ParentSKU); err != "" {
		add("%s", err)
	}
	if v := strings.TrimSpace(cfg.Currency); v != "" && (len(v) != 3 || strings.ToUpper(v) != v) {
		add("the currency %q is not an upper-case ISO 4217 code such as EUR", cfg.Currency)
	}
	if len(problems) > 0 {
		return nil, &connectors.Error{Kind: connectors.KindConfig, System: System, Op: "configure",
			Message: strings.Join(problems, "; ")}
	}

	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	cfg.VATCountry = strings.TrimSpace(cfg.VATCountry)
	if cfg.VATCountry == "" {
		cfg.VATCountry = DefaultVATCountry
	}
	cfg.ShippingPLU = strings.TrimSpace(cfg.ShippingPLU)
	cfg.DiscountPLU = strings.TrimSpace(cfg.DiscountPLU)
	cfg.CostsPLU = strings.TrimSpace(cfg.CostsPLU)
	if cfg.StockBranch == 0 {
		cfg.StockBranch = DefaultStockBranch
	}
	if cfg.OrderEmployee == 0 {
		cfg.OrderEmployee = DefaultEmployee
	}
	if cfg.StockEmployee == 0 {
		cfg.StockEmployee = DefaultEmployee
	}
	cfg.RelationRevenueAccountField = strings.TrimSpace(cfg.RelationRevenueAccountField)
	if cfg.RelationRevenueAccountField == "" {
		cfg.RelationRevenueAccountField = DefaultRelationRevenueAccountField
	}
	cfg.RelationVATCodeField = strings.TrimSpace(cfg.RelationVATCodeField)
	if cfg.RelationVATCodeField == "" {
		cfg.RelationVATCodeField = DefaultRelationVATCodeField
	}
	cfg.ParentSKU = strings.TrimSpace(cfg.ParentSKU)
	if cfg.ParentSKU == "" {
		cfg.ParentSKU = DefaultParentSKU
	}
	cfg.Currency = strings.TrimSpace(cfg.Currency)
	if cfg.Currency == "" {
		cfg.Currency = DefaultCurrency
	}
	if u.Path == "" {
		u.Path = "/"
	}
	q := url.Values{}
	q.Set("ident", cfg.Ident)
	q.Set("secret", cfg.Secret)
	endpoint := *u
	endpoint.RawQuery = q.Encode()
	red := *u
	red.RawQuery = "ident=" + url.QueryEscape(cfg.Ident) + "&secret=REDACTED"

	c := &Client{
		cfg:       cfg,
		endpoint:  endpoint.String(),
		redacted:  red.String(),
		byPLU:     map[string]cachedArticle{},
		byArticle: map[int64]cachedArticle{},
		now:       time.Now,
	}
	var pacer *httpkit.Pacer
	if cfg.RequestsPerMinute > 0 {
		pacer = httpkit.SharedPacer(httpkit.CredentialKey(System, u.String(), cfg.Ident),
			httpkit.Limits{Total: httpkit.PerMinute(cfg.RequestsPerMinute)})
	}
	c.http = httpkit.New(httpkit.Config{System: System, Timeout: cfg.Timeout, MaxResponseBytes: maxAnswerBytes,
		ContentType: "text/xml; charset=utf-8", Pacer: pacer, Observe: cfg.Observe, Scrub: c.scrub, ReadError: c.readError,
		DefaultRetryAfter: DefaultRetryAfter, Now: func() time.Time { return c.now() }})
	return c, nil
}

// checkParentSKU returns what is wrong with a parent-SKU rule, or "".
func checkParentSKU(rule string) string {
	rule = strings.TrimSpace(rule)
	if rule == "" {
		return ""
	}
	n := strings.Count(rule, placeholderProductNumber) + strings.Count(rule, placeholderFirstPLU)
	rest := strings.NewReplacer(placeholderProductNumber, "", placeholderFirstPLU, "").Replace(rule)
	if n != 1 || strings.ContainsAny(rest, "{}") {
		return fmt.Sprintf("the parent SKU rule %q must hold exactly one placeholder, %s or %s (like %q)",
			rule, placeholderProductNumber, placeholderFirstPLU, DefaultParentSKU)
	}
	return ""
}

func redactQuery(u *url.URL) string {
	v := *u
	v.RawQuery, v.Fragment = "", ""
	return v.String() + "?…"
}

// Ping calls getApiVersion and returns the API version ("major.minor.revision").
func (c *Client) Ping(ctx context.Context) (string, error) {
	var resp getApiVersionResp
	if err := c.call(ctx, "getApiVersion", "getApiVersionResponse", getApiVersionReq{}, &resp); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d.%d.%d", resp.MajorNumber, resp.MinorNumber, resp.RevisionNumber), nil
}

// call performs one SOAP operation: op is the operation (body element and
// SOAPAction), respName the WSDL's response element.
func (c *Client) call(ctx context.Context, op, respName string, req, resp any) error {
	body, err := encodeEnvelope(req)
	if err != nil {
		return &connectors.Error{Kind: connectors.KindValidation, System: System, Op: op, Err: err}
	}
	_, err = c.http.Do(ctx, httpkit.Request{Op: op, Method: http.MethodPost, URL: c.endpoint, Body: body,
		Header: http.Header{"SOAPAction": {op}},
		Decode: func(r *httpkit.Response) error { return c.decodeAnswer(op, respName, r, resp) }})
	return err
}

// decodeAnswer reads a 200 answer: the response element, or a SOAP Fault.
func (c *Client) decodeAnswer(op, respName string, r *httpkit.Response, resp any) error {
	fault, err := decodeEnvelope(r.Body, respName, resp)
	switch {
	case fault != nil:
		kind, code, text := faultKind(fault)
		return c.outsideError(kind, op, r.Status, code, text)
	case err != nil:
		return &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: op, Status: r.Status,
			Message: c.scrub(err.Error()), Err: errors.New(c.scrub(err.Error()))}
	}
	return nil
}

// readError reads a failed answer. A SOAP Fault (research §2.8: on HTTP 500)
// is honoured whatever the status. Without one, 500 is an outage, 429 a rate
// limit, 401/403 from a proxy in front of the service are credentials and
// 404/405 mean the base URL does not point at the MplusQAPI endpoint (the
// service answers every POST on its root, and a GET with 405); any other
// status — 408, 502, 503, 504, codes from proxies — is an outage that may pass.
func (c *Client) readError(r *httpkit.Response) (connectors.ErrorKind, string, string) {
	if fault, _ := decodeEnvelope(r.Body, "", new(struct{})); fault != nil {
		return faultKind(fault)
	}
	switch r.Status {
	case http.StatusInternalServerError:
		return connectors.KindUnavailable, "", "HTTP 500 without a readable SOAP Fault"
	case http.StatusTooManyRequests:
		return connectors.KindRateLimited, "", "too many requests"
	case http.StatusUnauthorized, http.StatusForbidden:
		return connectors.KindAuth, "", fmt.Sprintf("HTTP %d from %s: the ident or secret is not accepted", r.Status, c.redacted)
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		return connectors.KindConfig, "", fmt.Sprintf("HTTP %d from %s: the base URL does not point at the MplusQAPI endpoint (https://api.mpluskassa.nl:<port>)", r.Status, c.redacted)
	}
	return connectors.KindUnavailable, "", fmt.Sprintf("unexpected HTTP status %d from %s", r.Status, c.redacted)
}

// faultKind maps a SOAP Fault (research §2.8): Client.Authentication is bad
// credentials, any other Client.* a request the server rejected (not worth a
// retry), Server.* an outage. The sub-codes are not documented [A], so a
// Client fault whose code or text speaks of authentication or credentials is
// taken as bad credentials too.
func faultKind(f *soapFault) (kind connectors.ErrorKind, code, text string) {
	code = faultCode(f.Code)
	text = strings.TrimSpace(f.String)
	kind = connectors.KindValidation
	switch {
	case code == "Server" || strings.HasPrefix(code, "Server."):
		kind = connectors.KindUnavailable
	case isAuthFault(code, text):
		kind = connectors.KindAuth
	}
	if text == "" {
		text = "SOAP Fault without a faultstring"
	}
	if kind == connectors.KindAuth {
		text += "; check the ident and secret of this MplusKASSA installation"
	}
	return kind, code, text
}

func isAuthFault(code, msg string) bool {
	lc, lm := strings.ToLower(code), strings.ToLower(msg)
	if strings.HasPrefix(lc, "client.auth") || strings.Contains(lc, "unauthori") {
		return true
	}
	if lc != "client" && !strings.HasPrefix(lc, "client.") {
		return false
	}
	for _, w := range []string{"authenticat", "unauthori", "credential", "wrong secret", "invalid secret", "unknown ident", "invalid ident"} {
		if strings.Contains(lm, w) {
			return true
		}
	}
	return false
}

// scrub removes the secret from text that might echo the request URL.
func (c *Client) scrub(s string) string {
	if c.cfg.Secret == "" {
		return s
	}
	for _, v := range []string{c.cfg.Secret, url.QueryEscape(c.cfg.Secret), url.PathEscape(c.cfg.Secret)} {
		s = strings.ReplaceAll(s, v, "REDACTED")
	}
	return s
}
