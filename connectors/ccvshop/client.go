// Package ccvshop is the CCV Shop connector: a client of the shop's REST API
// v1 (research/apis-shop-pos.md §1) that reads orders (orders.go), reads and
// writes products with their categories, photos and variants (products.go,
// catalog.go), reads and sets stock (stock.go) and reads customer accounts
// (users.go). Its simulator lives in package ccvshop/sim.
//
// The same client speaks CCV SalesPOS, CCV's till on the same REST
// framework, when Config.Flavor says so (flavor.go; package salespos), and
// OrderWriter (orderwrite.go) writes orders and customer accounts for a
// flavour registered as an order target — CCV Shop's registration is none.
//
//   - Every request is signed (sign.go, §1.2): x-public, x-date (ISO 8601 UTC
//     with Z) and x-hash = hex HMAC-SHA512(secret, public|METHOD|URI with
//     query|body|x-date).
//   - Every successful answer's own x-date/x-hash is checked the same way over
//     the response body, as the official SDK does (§1.2); Config can turn the
//     check off.
//   - Calls are paced per API key, per resource and method class, at the
//     published 150 reads / 100 writes a minute (§1.8, limit.go), shared by
//     every client of the same key and shop in the process and divided
//     among the worker processes (httpkit.SetFleetSize).
//   - Errors (§1.9) are *connectors.Error: 401/403 auth, 404 not_found,
//     400/422 validation, 429 (and code 500.10) rate_limited with RetryAfter,
//     other 5xx, timeouts and connection errors unavailable. No message ever
//     holds the secret key or a signature.
//
// Facts the research marks as uncertain are settings in Config: the largest
// page size, the form of the create-date filter, the sort order of the
// listing, the wait when a 429 has no Retry-After, a total per-key limit, the
// media type and the response check; for products whether prices include
// VAT, the tax tariffs' rates, the stocktype value of stock per combination
// and the type of attributes made for variants.
package ccvshop

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/httpkit"
	"github.com/koppel/koppel/model"
)

// System is the connector's registry name and the System of its errors.
const System = "ccvshop"

// APIPath is where the REST API lives on the shop's host.
const APIPath = "/api/rest/v1"

// Defaults.
const (
	// DefaultReadsPerMinute and DefaultWritesPerMinute are the published
	// limits per method per resource (§1.8).
	DefaultReadsPerMinute  = 150
	DefaultWritesPerMinute = 100
	// MaxPageSize is the default cap of `size`. The API's own maximum is not
	// documented; a community client clamps to 250 (§1.5 [A]).
	MaxPageSize = 250
	// DefaultPageSize is `size` when the caller gives no page size.
	DefaultPageSize = 100
	// DefaultTimeout bounds one HTTP call.
	DefaultTimeout = httpkit.DefaultTimeout
	// DefaultRetryAfter is the wait reported when a 429 carries no
	// Retry-After header; whether the shop sends one is unknown (§1.8 [A]),
	// and a community client waits 60 s.
	DefaultRetryAfter = 60 * time.Second
	// MediaType is the Accept header of the webshop schemas (§1.3).
	MediaType = "application/vnd.verto.webshop+json"
	// DefaultCombinationStockType is the guessed stocktype value for stock
	// kept per attribute combination (§1.6.6 [A]); any other value, or
	// none, means stock on the product.
	DefaultCombinationStockType = "attribute_combination"
	// DefaultAttributeType is the type of attributes made for variants: a
	// drop-down the customer must choose from, which makes combinations
	// (the type names are from a public client's example [I]).
	DefaultAttributeType = "option_menu_required"
	// DefaultCacheTTL bounds how long the category tree and SKU index are reused.
	DefaultCacheTTL = 5 * time.Minute
)

// DefaultTaxTariffs are the Dutch rates of the shop's tax tariffs (§1.6.6
// names normal, low a, low b, extra low and zero; the Netherlands uses
// three). Shops in other countries set Config.TaxTariffs.
var DefaultTaxTariffs = map[string]model.VATRate{"normal": 2100, "low a": 900, "zero": 0}

// DateFilter says how ListOrders asks the shop for a creation window. The
// format of min_create_date/max_create_date and whether its bounds are
// inclusive are not documented (§1.5 [A]), so the client always asks for a
// window two days wider on each side (which also covers a shop that reads the
// bounds in its local time zone) and cuts the exact window itself.
type DateFilter string

const (
	// DateFilterDate sends the bounds as dates, 2026-01-31 (the default).
	DateFilterDate DateFilter = "date"
	// DateFilterDateTime sends the bounds as ISO 8601 UTC times, 2026-01-31T10:00:00Z.
	DateFilterDateTime DateFilter = "datetime"
	// DateFilterNone sends no date filter: the client pages through all
	// orders and filters on its side (for a shop that rejects the filter).
	DateFilterNone DateFilter = "none"
)

// dateFilterMargin widens the asked window on each side: two days, so a
// date bound read as midnight in any time zone (UTC-12 to UTC+14) still
// covers the window.
const dateFilterMargin = 48 * time.Hour

// Config configures a Client.
type Config struct {
	// BaseURL is the shop's address, e.g. https://myshop.ccvshop.nl (the
	// client adds /api/rest/v1; a URL that already ends in it is accepted).
	BaseURL   string
	PublicKey string
	SecretKey string
	// Timeout bounds one HTTP call; 0 means DefaultTimeout.
	Timeout time.Duration
	// ReadsPerMinute and WritesPerMinute pace calls per resource and method
	// class: 0 means the published default (150/100), negative means
	// unlimited. TotalPerMinute caps all calls of the key (the API has such
	// a limit, its number is not published, §1.8 [A]): 0 or negative means
	// no total cap.
	ReadsPerMinute, WritesPerMinute, TotalPerMinute int
	// MaxPageSize caps `size` on every listing; 0 means MaxPageSize (250).
	MaxPageSize int
	// CreateDateFilter is how the creation window is sent; "" means DateFilterDate.
	CreateDateFilter DateFilter
	// ListOrderBy is the listing's `orderby`: "" means "id" (stable paging
	// while new orders arrive); "-" sends none (the shop's default order).
	ListOrderBy string
	// DefaultRetryAfter is reported on a 429 without Retry-After; 0 means
	// DefaultRetryAfter (60 s).
	DefaultRetryAfter time.Duration
	// MediaType is the Accept header; "" means the flavour's (the webshop
	// media type for CCV Shop).
	MediaType string
	// Flavor is the CCV product the client talks to; the zero value is CCV
	// Shop (flavor.go).
	Flavor Flavor
	// SkipResponseCheck turns off the check of the response's x-hash.
	SkipResponseCheck bool
	// FeedConfig shapes the order feed (feed.go).
	FeedConfig
	// Now is the clock for x-date (tests); nil means time.Now.
	Now func() time.Time
	// Observe is told about every HTTP call, with the op names below (OpListOrders …).
	Observe connectors.CallObserver

	// Products, stock and customers (products.go, stock.go, users.go).

	// PackageID is the shipping package (package_id) every created product
	// gets; POST /products requires one (§1.6.6) and the ids are in the
	// shop's /packages/. 0: creating a product fails with a config error.
	PackageID int64
	// PricesIncludeVAT says whether the shop's product prices include VAT:
	// "true", "false", or "" to read prices_include_vat from
	// /webshops/{id}/settings/ once (the setting's place is inferred, §1.6.6 [I]).
	PricesIncludeVAT string
	// WebshopID is the webshop whose settings are read; 0 means the first one
	// /webshops/ lists.
	WebshopID int64
	// Currency is the currency of product prices; "" means EUR.
	Currency string
	// TaxTariffs maps the shop's tax tariff names (taxtariff, §1.6.6) to VAT
	// rates; nil means DefaultTaxTariffs (the Dutch rates). A product is
	// read with its vatrate when the shop sends one and with this table
	// otherwise; it is written with the tariff of its rate, or with vatrate
	// when no tariff has that rate.
	TaxTariffs map[string]model.VATRate
	// CombinationStockType is the stocktype value meaning stock is kept per
	// attribute combination (the values are not documented, §1.6.6 [A]); ""
	// means DefaultCombinationStockType.
	CombinationStockType string
	// AttributeType is the type of attributes the client creates for
	// variants; "" means DefaultAttributeType.
	AttributeType string
	// CacheTTL is how long the category tree and the SKU index are reused
	// (a miss rebuilds them at once); 0 means DefaultCacheTTL, negative
	// rebuilds them for every call.
	CacheTTL time.Duration
}

// Client reads and writes one CCV Shop. It is safe for concurrent use.
type Client struct {
	cfg  Config
	http *httpkit.Client
	now  func() time.Time

	cacheMu    sync.Mutex
	vatIncl    *bool // the shop's prices_include_vat, once known
	categories *categoryTree
	skus       *skuIndex
}

var (
	_ connectors.OrderSource    = (*Client)(nil)
	_ connectors.ProductSource  = (*Client)(nil)
	_ connectors.ProductTarget  = (*Client)(nil)
	_ connectors.StockSource    = (*Client)(nil)
	_ connectors.StockTarget    = (*Client)(nil)
	_ connectors.CustomerSource = (*Client)(nil)
)

// New validates cfg (every problem at once) and builds a client.
func New(cfg Config) (*Client, error) {
	cfg.Flavor = cfg.Flavor.withDefaults()
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	base := strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/")
	base = strings.TrimRight(strings.TrimSuffix(base, APIPath), "/")
	u, err := url.Parse(base)
	switch {
	case base == "":
		add("the base URL is empty; set it to the shop's address, like https://myshop.ccvshop.nl")
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		add("the base URL %q is not an http(s) address like https://myshop.ccvshop.nl", cfg.BaseURL)
	case u.Path != "" || u.RawQuery != "" || u.Fragment != "":
		add("the base URL %q must be the shop's address without a path or query, like https://myshop.ccvshop.nl", cfg.BaseURL)
	}
	if strings.TrimSpace(cfg.PublicKey) == "" {
		add("the public key is empty; set credentials.publicKey to the variable holding the API public key")
	}
	if cfg.SecretKey == "" {
		add("the secret key is empty; set credentials.secretKey to the variable holding the API secret key")
	}
	if cfg.Timeout < 0 {
		add("the timeout %s is negative; leave it 0 for the default of %s", cfg.Timeout, DefaultTimeout)
	}
	if cfg.MaxPageSize < 0 {
		add("the largest page size %d is negative; leave it 0 for the default of %d", cfg.MaxPageSize, MaxPageSize)
	}
	if cfg.DefaultRetryAfter < 0 {
		add("the default Retry-After %s is negative; leave it 0 for %s", cfg.DefaultRetryAfter, DefaultRetryAfter)
	}
	switch cfg.CreateDateFilter {
	case "", DateFilterDate, DateFilterDateTime, DateFilterNone:
	default:
		add("the create-date filter %q is not one of %s, %s, %s", cfg.CreateDateFilter, DateFilterDate, DateFilterDateTime, DateFilterNone)
	}
	if cfg.PackageID < 0 {
		add("the package id %d is not a package id of the shop (a positive number from /packages/)", cfg.PackageID)
	}
	if cfg.WebshopID < 0 {
		add("the webshop id %d is negative; leave it 0 for the first webshop", cfg.WebshopID)
	}
	switch cfg.PricesIncludeVAT {
	case "", "true", "false":
	default:
		add("pricesIncludeVat %q is not one of true, false or empty (read the shop's setting)", cfg.PricesIncludeVAT)
	}
	if c := strings.TrimSpace(cfg.Currency); c != "" && (len(c) != 3 || strings.ToUpper(c) != c) {
		add("the currency %q is not an upper-case ISO 4217 code like EUR", cfg.Currency)
	}
	for name, rate := range cfg.TaxTariffs {
		if rate < 0 || rate > 10000 {
			add("the VAT rate %s of tax tariff %q is not a percentage", rate, name)
		}
	}
	if len(problems) > 0 {
		return nil, &connectors.Error{Kind: connectors.KindConfig, System: cfg.Flavor.System, Op: "configure", Message: strings.Join(problems, "; ")}
	}

	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxPageSize == 0 {
		cfg.MaxPageSize = MaxPageSize
	}
	if cfg.CreateDateFilter == "" {
		cfg.CreateDateFilter = DateFilterDate
	}
	if cfg.ListOrderBy == "" {
		cfg.ListOrderBy = "id"
	}
	if cfg.DefaultRetryAfter == 0 {
		cfg.DefaultRetryAfter = DefaultRetryAfter
	}
	if cfg.MediaType == "" {
		cfg.MediaType = cfg.Flavor.MediaType
	}
	if cfg.Currency = strings.TrimSpace(cfg.Currency); cfg.Currency == "" {
		cfg.Currency = "EUR"
	}
	if cfg.TaxTariffs == nil {
		cfg.TaxTariffs = DefaultTaxTariffs
	}
	tariffs := make(map[string]model.VATRate, len(cfg.TaxTariffs))
	for name, rate := range cfg.TaxTariffs { // the shop's names are matched without regard to case
		tariffs[strings.ToLower(strings.TrimSpace(name))] = rate
	}
	cfg.TaxTariffs = tariffs
	if cfg.CombinationStockType == "" {
		cfg.CombinationStockType = DefaultCombinationStockType
	}
	if cfg.AttributeType == "" {
		cfg.AttributeType = DefaultAttributeType
	}
	if cfg.CacheTTL == 0 {
		cfg.CacheTTL = DefaultCacheTTL
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	c := &Client{cfg: cfg, now: now}
	origin := u.Scheme + "://" + u.Host // the shop; resolve keeps every call on it
	c.http = httpkit.New(httpkit.Config{System: cfg.Flavor.System, BaseURL: origin, Timeout: cfg.Timeout,
		Accept: cfg.MediaType, ContentType: "application/json", Auth: httpkit.Signing(c.sign),
		Pacer: pacerFor(cfg, origin), Observe: cfg.Observe, Scrub: c.scrub, ReadError: readError,
		DefaultRetryAfter: cfg.DefaultRetryAfter, Now: now})
	return c, nil
}

// get fetches one API URI (a path with query, or an absolute URL the API
// gave in a `next` link) into out. op names the call for Observe and faults.
func (c *Client) get(ctx context.Context, op, uri string, out any) error {
	_, err := c.send(ctx, op, http.MethodGet, uri, nil, out)
	return err
}

// send makes one signed call, decodes the answer into out (when out is not
// nil and the answer has a body) and returns the answer's body. body is nil
// for GET or any value marshalled to JSON; the signature covers exactly the
// bytes sent. A write's answer may be empty (PATCH always is, POST
// sometimes, §1.9), a GET's may not. op names the call for Observe and
// faults; the error's Op is the method and exact path, so the operator sees
// which record failed.
func (c *Client) send(ctx context.Context, op, method, uri string, body, out any) ([]byte, error) {
	requestURI, err := c.resolve(uri)
	if err != nil {
		return nil, &connectors.Error{Kind: connectors.KindValidation, System: c.system(), Op: method + " " + uri, Message: err.Error()}
	}
	path, _, _ := strings.Cut(requestURI, "?")
	errOp := method + " " + path // what the operator reads: the exact path, no query
	var payload []byte
	if body != nil {
		if payload, err = json.Marshal(body); err != nil {
			return nil, &connectors.Error{Kind: connectors.KindValidation, System: c.system(), Op: errOp,
				Message: "the request cannot be encoded as JSON: " + err.Error()}
		}
	}
	resp, err := c.http.Do(ctx, httpkit.Request{Op: op, ErrOp: errOp, Method: method, URL: requestURI, Body: payload,
		Class: limitClass(method), Bucket: Resource(requestURI),
		Decode: func(r *httpkit.Response) error { return c.decode(errOp, method, r, out) }})
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// sign adds the headers of §1.2 over exactly the request URI and body sent.
func (c *Client) sign(req *http.Request, body []byte) error {
	date := c.now().UTC().Format(DateFormat)
	req.Header.Set("x-public", c.cfg.PublicKey)
	req.Header.Set("x-date", date)
	req.Header.Set("x-hash", Sign(c.cfg.PublicKey, c.cfg.SecretKey, req.Method, req.URL.RequestURI(), string(body), date))
	return nil
}

// resolve turns a relative API path or a `next` link into the URI that is
// called on the configured shop. A link's path and query are used as given;
// the request always goes to the configured shop, so a link naming another
// host (a proxy's or the shop's other domain) never receives the key or a
// signature.
func (c *Client) resolve(uri string) (string, error) {
	if strings.HasPrefix(uri, "/") {
		return uri, nil
	}
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" || !strings.HasPrefix(u.Path, APIPath+"/") {
		return "", fmt.Errorf("page token %q is not a link to the shop's API", uri)
	}
	return u.RequestURI(), nil
}

// decode verifies a successful answer's signature and reads it into out.
func (c *Client) decode(op, method string, r *httpkit.Response, out any) error {
	if !c.cfg.SkipResponseCheck {
		date, hash := r.Header.Get("x-date"), r.Header.Get("x-hash")
		want := Sign(c.cfg.PublicKey, c.cfg.SecretKey, method, r.RequestURI, string(r.Body), date)
		if hash == "" || date == "" || !ValidSignature(hash, want) {
			return &connectors.Error{Kind: connectors.KindUnavailable, System: c.system(), Op: op, Status: r.Status,
				Message: "the answer's x-hash does not match its body and x-date; it was altered on the way or does not come from the shop"}
		}
	}
	switch {
	case out == nil:
	case len(bytes.TrimSpace(r.Body)) == 0 && method != http.MethodGet:
		// an empty write answer leaves out as it is; the caller looks the record up
	case len(bytes.TrimSpace(r.Body)) == 0:
		return &connectors.Error{Kind: connectors.KindUnavailable, System: c.system(), Op: op, Status: r.Status,
			Message: "the answer is empty where JSON was expected"}
	default:
		if err := json.Unmarshal(r.Body, out); err != nil {
			return &connectors.Error{Kind: connectors.KindUnavailable, System: c.system(), Op: op, Status: r.Status,
				Message: "the answer is not the expected JSON: " + err.Error()}
		}
	}
	return nil
}

// errorBody is the shop's error JSON (§1.9).
type errorBody struct {
	Status           int    `json:"status"`
	Code             string `json:"code"`
	DeveloperMessage string `json:"developermessage"`
}

// readError reads a failed answer's code and developermessage (§1.9);
// httpkit scrubs the message and maps the status.
func readError(r *httpkit.Response) (connectors.ErrorKind, string, string) {
	var body errorBody
	_ = json.Unmarshal(r.Body, &body)
	switch {
	case r.Status == http.StatusTooManyRequests || body.Code == "500.10":
		// 429.10 per resource, 429.11 total; 500.10 is an "unknown rate-limit error".
		return connectors.KindRateLimited, body.Code, body.DeveloperMessage
	case r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden:
		return "", body.Code, strings.TrimPrefix(body.DeveloperMessage+"; check the public and secret key and that this machine's clock is right (5 minutes of skew at most)", "; ")
	}
	return "", body.Code, body.DeveloperMessage
}

// scrub keeps the secret out of any text that leaves the client. A
// signature is worthless without its date and request, and no error text
// holds one; the secret is the only thing to hide.
func (c *Client) scrub(s string) string {
	return httpkit.Secrets(c.cfg.SecretKey)(s)
}
