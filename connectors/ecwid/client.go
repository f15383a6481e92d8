package ecwid

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/httpkit"
)

// Defaults (§3.4, §3.6).
const (
	// MaxPageSize is the most a listing's limit takes.
	MaxPageSize = 100
	// DefaultRequestsPerMinute is the published limit per token.
	DefaultRequestsPerMinute = 600
	// DefaultRetryAfter is the wait of a 429 without Retry-After (Ecwid
	// sends one; a proxy in front may not): the limit counts per minute.
	DefaultRetryAfter = time.Minute
)

// Ops: each call's name, "METHOD /template" with the path below the store
// id, equal to the simulator's route op, so observers, fault rules and call
// counts share it. The template also builds the path (opPath).
const (
	OpGetProfile = "GET /profile"

	OpListOrders  = "GET /orders"
	OpGetOrder    = "GET /orders/{orderId}"
	OpCreateOrder = "POST /orders"
	OpUpdateOrder = "PUT /orders/{orderId}"

	OpListProducts      = "GET /products"
	OpGetProduct        = "GET /products/{productId}"
	OpCreateProduct     = "POST /products"
	OpUpdateProduct     = "PUT /products/{productId}"
	OpListCombinations  = "GET /products/{productId}/combinations"
	OpGetCombination    = "GET /products/{productId}/combinations/{combinationId}"
	OpCreateCombination = "POST /products/{productId}/combinations"
	OpUpdateCombination = "PUT /products/{productId}/combinations/{combinationId}"

	OpListCategories = "GET /categories"
	OpCreateCategory = "POST /categories"

	OpListCustomers  = "GET /customers"
	OpGetCustomer    = "GET /customers/{customerId}"
	OpCreateCustomer = "POST /customers"
	OpUpdateCustomer = "PUT /customers/{customerId}"
)

// Config configures a Client. The zero value of every field but the
// credentials means its default.
type Config struct {
	// BaseURL is the API's address without the store id; "" means
	// ProductionAPI. The client calls {BaseURL}/{StoreID}/….
	BaseURL string
	// StoreID is the store's numeric id; Token the secret_ token of the
	// store's custom app.
	StoreID, Token string
	// RequestsPerMinute caps all calls of the token, shared by every client
	// of it in the process and divided among the worker processes: 0 means
	// DefaultRequestsPerMinute, negative paces nothing.
	RequestsPerMinute int
	// DefaultRetryAfter is the wait of a 429 without Retry-After; 0 means
	// DefaultRetryAfter.
	DefaultRetryAfter time.Duration
	// Timeout bounds one HTTP call; 0 means httpkit.DefaultTimeout.
	Timeout time.Duration
	// Observe is told about every call, under the op names above.
	Observe connectors.CallObserver
	// Transport carries the requests (tests); nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Now is the clock (tests, the simulator's); nil means time.Now.
	Now func() time.Time
	// Options are the integration file's settings (options.go); a zero
	// field means the option's default.
	Options Options
}

// Client calls one Ecwid store. It is safe for concurrent use.
type Client struct {
	cfg  Config
	opt  Options
	http *httpkit.Client

	mu         sync.Mutex
	profile    *cachedProfile
	categories *categoryTree
	skus       map[string]cachedSKU
	// debtorEmails are the addresses of debtors orders are booked on (the
	// walk-in or default debtor): one customer, read once per cacheTTL,
	// not once per order.
	debtorEmails map[string]cachedEmail
}

// New builds a client, reporting every bad setting at once as one
// KindConfig error. It makes no call.
func New(cfg Config) (*Client, error) {
	var problems []connectors.Problem
	add := func(path, format string, args ...any) {
		problems = append(problems, connectors.Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	cfg.Options = cfg.Options.withDefaults()
	base, err := baseURL(cfg.BaseURL)
	if err != nil {
		add("baseURL", "%v", err)
	}
	cfg.StoreID = strings.TrimSpace(cfg.StoreID)
	switch {
	case cfg.StoreID == "":
		add("credentials."+CredStoreID, "is empty; set it to the variable holding the store's numeric id (shown with the custom app's token)")
	case strings.Trim(cfg.StoreID, "0123456789") != "":
		add("credentials."+CredStoreID, "%q is not a store id (a number)", cfg.StoreID)
	}
	if strings.TrimSpace(cfg.Token) == "" {
		add("credentials."+CredToken, "is empty; set it to the variable holding the secret_ token of the store's custom app")
	}
	if cfg.Timeout < 0 {
		add("timeout", "%s is negative", cfg.Timeout)
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
	c := &Client{cfg: cfg, opt: cfg.Options}
	var pacer *httpkit.Pacer
	if cfg.RequestsPerMinute >= 0 {
		n := cfg.RequestsPerMinute
		if n == 0 {
			n = DefaultRequestsPerMinute
		}
		// The limit counts per token (§3.6); the store id names the
		// credential (never the token), so two tokens of one store are
		// paced together, which errs on the safe side.
		u, _ := url.Parse(base)
		pacer = httpkit.SharedPacer(httpkit.CredentialKey(System, u.Scheme+"://"+u.Host, cfg.StoreID),
			httpkit.Limits{Total: httpkit.PerMinute(n)})
	}
	c.http = httpkit.New(httpkit.Config{
		System: System, BaseURL: base + "/" + cfg.StoreID, Timeout: cfg.Timeout,
		Accept: "application/json", ContentType: "application/json;charset=utf-8",
		Auth: httpkit.Bearer(cfg.Token), Transport: cfg.Transport, Pacer: pacer, Observe: cfg.Observe,
		Scrub: httpkit.Secrets(cfg.Token), ReadError: readError,
		DefaultRetryAfter: cfg.DefaultRetryAfter, Now: cfg.Now,
	})
	return c, nil
}

func configError(problems []connectors.Problem) error {
	return &connectors.Error{Kind: connectors.KindConfig, System: System, Op: "configure", Message: connectors.JoinProblems(problems)}
}

// baseURL normalises the API's address: scheme://host[/path], no trailing
// slash; "" is ProductionAPI.
func baseURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		raw = ProductionAPI
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an http(s) address like %s", raw, ProductionAPI)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q must not carry a query or fragment", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// Options returns the options in force (defaults applied).
func (c *Client) Options() Options { return c.opt }

func (c *Client) now() time.Time { return c.cfg.Now() }

// request is one call of an op.
type request struct {
	op string
	// path is the op's template filled in (opPath); query its parameters.
	path  string
	query url.Values
	// body, unless nil, goes as JSON.
	body any
	// into reads the answer's JSON (nil: the answer is not read).
	into any
	// personal are the record's texts to scrub from the API's messages.
	personal []string
}

// do makes one call and reads a 2xx answer's JSON into r.into.
func (c *Client) do(ctx context.Context, r request) error {
	method, _, _ := strings.Cut(r.op, " ")
	var data []byte
	if r.body != nil {
		var err error
		if data, err = json.Marshal(r.body); err != nil {
			return invalid(r.op, "the request cannot be made: %v", err)
		}
	}
	u := r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	_, err := c.http.Do(ctx, httpkit.Request{
		Op: r.op, Method: method, URL: u, Body: data, Personal: r.personal,
		Decode: func(resp *httpkit.Response) error {
			if r.into == nil {
				return nil
			}
			if len(bytes.TrimSpace(resp.Body)) == 0 {
				return unavailable(r.op, resp.Status, "the answer is empty where JSON was expected")
			}
			d := json.NewDecoder(bytes.NewReader(resp.Body))
			d.UseNumber()
			if err := d.Decode(r.into); err != nil {
				return unavailable(r.op, resp.Status, "the answer is not the JSON the API documents: %s", jsonProblem(err))
			}
			return nil
		},
	})
	return withScopeHint(err, r.op)
}

// get reads one record or listing into into.
func (c *Client) get(ctx context.Context, op, path string, query url.Values, into any) error {
	return c.do(ctx, request{op: op, path: path, query: query, into: into})
}

// opPath fills an op's path template with keys, in order, each escaped as
// one path segment: "GET /orders/{orderId}" with "XJ12H" is "/orders/XJ12H".
func opPath(op string, keys ...string) string {
	_, tmpl, _ := strings.Cut(op, " ")
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		j := strings.IndexByte(tmpl, '}')
		if i < 0 || j < i || len(keys) == 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		b.WriteString(url.PathEscape(keys[0]))
		tmpl, keys = tmpl[j+1:], keys[1:]
	}
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
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "cut off"
	}
	return "unreadable: " + err.Error()
}

// The store profile (GET /profile, scope read_store_profile) tells the
// store's currency and whether its product prices include tax. Both can
// be set as options instead, so a token without the scope works.

type cachedProfile struct {
	currency  string
	gross     bool
	decimals  int
	taxes     storeTaxes // taxes.go
	readUntil time.Time
}

// storeSettings returns the store's currency and whether product prices
// include tax: the options where set, else the profile (cached for
// options.cacheTTL).
func (c *Client) storeSettings(ctx context.Context) (currency string, gross bool, err error) {
	currency, grossOpt := c.opt.Currency, c.opt.PricesIncludeTax
	if currency != "" && grossOpt != "" {
		return currency, grossOpt == "true", nil
	}
	p, err := c.readProfile(ctx)
	if err != nil {
		return "", false, err
	}
	if currency == "" {
		currency = p.currency
	}
	if grossOpt != "" {
		return currency, grossOpt == "true", nil
	}
	return currency, p.gross, nil
}

// storeCurrency is the store's currency: options.currency, else the
// profile's.
func (c *Client) storeCurrency(ctx context.Context) (string, error) {
	if c.opt.Currency != "" {
		return c.opt.Currency, nil
	}
	p, err := c.readProfile(ctx)
	return p.currency, err
}

func (c *Client) readProfile(ctx context.Context) (cachedProfile, error) {
	now := c.now()
	c.mu.Lock()
	p := c.profile
	c.mu.Unlock()
	if p != nil && now.Before(p.readUntil) {
		return *p, nil
	}
	var w Profile
	if err := c.get(ctx, OpGetProfile, opPath(OpGetProfile), nil, &w); err != nil {
		if connectors.IsKind(err, connectors.KindAuth) {
			err = addHint(err, "or set options.currency (and, for products, options.pricesIncludeTax), which make reading the profile unnecessary")
		}
		return cachedProfile{}, err
	}
	fresh := cachedProfile{currency: strings.ToUpper(strings.TrimSpace(w.FormatsAndUnits.Currency)), decimals: 2, readUntil: now.Add(c.opt.CacheTTL)}
	if w.TaxSettings.PricesIncludeTax != nil {
		fresh.gross = *w.TaxSettings.PricesIncludeTax
	}
	if w.FormatsAndUnits.CurrencyPrecision != nil {
		fresh.decimals = *w.FormatsAndUnits.CurrencyPrecision
	}
	taxes, err := taxesFrom(w)
	if err != nil {
		return cachedProfile{}, unavailable(OpGetProfile, 200, "the store profile's taxes cannot be read: %v", err)
	}
	fresh.taxes = taxes
	if len(fresh.currency) != 3 {
		return cachedProfile{}, unavailable(OpGetProfile, 200, "the store profile names no currency (formatsAndUnits.currency); set options.currency")
	}
	if fresh.decimals != 2 {
		// Money is exact to the cent; a currency with other minor units
		// would be read and written at the wrong scale.
		return cachedProfile{}, misconfigured(OpGetProfile, "the store's currency %s has %d decimals (currencyPrecision); this connector handles currencies with 2", fresh.currency, fresh.decimals)
	}
	c.mu.Lock()
	c.profile = &fresh
	c.mu.Unlock()
	return fresh, nil
}
