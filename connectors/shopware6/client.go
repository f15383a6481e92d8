// Package shopware6 is the Shopware 6 connector (6.4 and later): a client of
// the Admin API (research/apis-erp-shopware.md §1, contract
// shared/specs/shopware-adminapi.json) that reads orders as an order source
// (orders.go, feed.go, mapping.go) and writes products and stock as a
// product and stock target (products.go, stock.go, catalog.go). Its
// simulator lives in package shopware6/sim.
//
//   - Every path is under /api on the shop's address (§1.1); every request
//     asks for Accept: application/json, the plain format with associations
//     nested in the entity.
//   - It authenticates as an integration (Settings → System → Integrations)
//     with the OAuth2 client-credentials grant at POST /api/oauth/token
//     (§1.2), through httpkit's OAuth2 round-tripper: the token is reused
//     until its expires_in runs out and renewed once when the shop answers
//     401 anyway. The token request is sent as the JSON body the contract
//     declares (token.go).
//   - Shopware core has no rate limit on data routes (§1.11); calls are
//     paced by the integration's rateLimit only, per access key, shared by
//     every client of the key in the process and divided among the worker
//     processes. Its login limiter (token requests) answers 429.
//   - Errors (§1.10) are *connectors.Error: the errors[] body's code and
//     texts, each naming its field by the JSON pointer it carries; 401/403
//     auth, 404 not_found, 400 validation, 429 rate_limited with RetryAfter,
//     5xx, timeouts and connection errors unavailable. No message ever holds
//     the secret access key or a token.
//
// Facts the research marks as uncertain are settings (Options in
// register.go): which payment states mean paid, whether a payment's or a
// delivery's change touches the order's updatedAt, how dates are written in
// range filters, the largest page, the wait after a 429 without
// Retry-After, and extra order states a shop added.
package shopware6

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/httpkit"
	"github.com/koppel/koppel/model"
)

// System is the connector's registry name and the System of its errors.
const System = "shopware6"

// APIPath is where the Admin API lives below the shop's address.
const APIPath = "/api"

// Operation names, as the Observe hook reports them and as the simulator's
// routes (and so its fault rules and call counts) name them.
const (
	OpToken        = "POST /oauth/token"
	OpSearchOrders = "POST /search/order"
)

// Defaults.
const (
	// MaxPageSize is the default cap of a search's limit. Shopware documents
	// no maximum (a shop may set shopware.api.max_limit); orders come with
	// their associations, so pages stay moderate (research §1.5 [?]).
	MaxPageSize = 100
	// DefaultPageSize is the limit when the caller gives no page size.
	DefaultPageSize = 50
	// DefaultTimeout bounds one HTTP call.
	DefaultTimeout = httpkit.DefaultTimeout
	// DefaultRetryAfter is the wait reported on a 429 without a usable
	// Retry-After: the shortest window of Shopware's login limiter (10
	// attempts in 10 s, research §1.11); a proxy's 429 says nothing.
	DefaultRetryAfter = 10 * time.Second
	// MediaType is the Accept header: the plain JSON format (§1.1).
	MediaType = "application/json"
)

// DateFilter says how times are written in range filters. The DAL compares
// them with its DATETIME(3) columns, stored in UTC as "2006-01-02
// 15:04:05.000"; whether every database reads an ISO 8601 time with an
// offset the same way is not documented (research §1.5 gives the ISO form
// in an example).
type DateFilter string

const (
	// DateFilterStorage writes "2026-01-31 10:00:00.000" (UTC), the form the
	// DAL stores (the default).
	DateFilterStorage DateFilter = "storage"
	// DateFilterISO writes "2026-01-31T10:00:00.000+00:00", the form the
	// API answers with.
	DateFilterISO DateFilter = "iso"
)

func (f DateFilter) format(t time.Time) string {
	if f == DateFilterISO {
		return t.UTC().Format(apiTimeFormat)
	}
	return t.UTC().Format("2006-01-02 15:04:05.000")
}

// apiTimeFormat is how the API writes its times (2024-05-14T09:52:16.517+00:00).
const apiTimeFormat = "2006-01-02T15:04:05.000-07:00"

// Config configures a Client.
type Config struct {
	// BaseURL is the shop's address, e.g. https://shop.example.com (the
	// client adds /api; a URL that already ends in /api is accepted, and a
	// shop installed below a path keeps it).
	BaseURL string
	// AccessKeyID and SecretAccessKey are the integration's credentials
	// (OAuth2 client_id and client_secret).
	AccessKeyID     string
	SecretAccessKey string
	// Timeout bounds one HTTP call; 0 means DefaultTimeout.
	Timeout time.Duration
	// ReadsPerMinute (searches and GETs), WritesPerMinute and TotalPerMinute
	// pace the calls of the access key. Shopware publishes no limit for data
	// routes, so 0 or negative means unpaced; set one when a host or proxy
	// in front of the shop limits calls.
	ReadsPerMinute, WritesPerMinute, TotalPerMinute int
	// MaxPageSize caps a search's limit; 0 means MaxPageSize.
	MaxPageSize int
	// DefaultRetryAfter is reported on a 429 without a usable Retry-After;
	// 0 means DefaultRetryAfter.
	DefaultRetryAfter time.Duration
	// FeedConfig shapes the order feed (feed.go).
	FeedConfig
	// SalesChannelIDs, when set, limits every listing to orders of these
	// sales channels.
	SalesChannelIDs []string
	// PaidStates are the payment (order_transaction) states that mean paid;
	// nil means DefaultPaidStates.
	PaidStates []string
	// OrderStates are order states beyond the default machine's (a plugin's
	// or the shop's own), each with the canonical status it means.
	OrderStates map[string]model.OrderStatus
	// DateFilter is how range filters write times; "" means DateFilterStorage.
	DateFilter DateFilter
	// Transport carries the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Now is the clock of the order feed; nil means time.Now.
	Now func() time.Time
	// Observe is told about every call, with the op names above.
	Observe connectors.CallObserver

	// The product and stock targets (products.go, stock.go):

	// Currency is the ISO code of the prices written; "" means
	// DefaultCurrency. Shopware needs a price in its default currency.
	Currency string
	// ProductSalesChannelIDs are the sales channels a product is made
	// visible in; nil means SalesChannelIDs, and when both are empty every
	// storefront sales channel of the shop.
	ProductSalesChannelIDs []string
	// TaxIDs names the tax to use for a VAT rate, for shops with more than
	// one tax at a rate; other rates use the first tax with that taxRate.
	TaxIDs map[model.VATRate]string
	// CategoryRootID is the category the products' category paths start
	// below; "" means the navigation category of the first sales channel
	// products go to.
	CategoryRootID string
	// MediaFolderID is the media folder photos are put in; "" leaves them
	// without one (the shop shows them under "no folder").
	MediaFolderID string
}

// DefaultCurrency is the currency of the prices written.
const DefaultCurrency = "EUR"

// Client reads one Shopware 6 shop. It is safe for concurrent use.
type Client struct {
	cfg  Config
	http *httpkit.Client
	now  func() time.Time
	cat  catalogCache
}

var (
	_ connectors.OrderSource    = (*Client)(nil)
	_ connectors.RawOrderSource = (*Client)(nil)
	_ connectors.ProductTarget  = (*Client)(nil)
	_ connectors.StockTarget    = (*Client)(nil)
)

// New validates cfg (every problem at once) and builds a client.
func New(cfg Config) (*Client, error) {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	apiBase, err := apiBaseURL(cfg.BaseURL)
	if err != nil {
		add("%s", err.Error())
	}
	if strings.TrimSpace(cfg.AccessKeyID) == "" {
		add("the access key id is empty; set credentials.accessKeyId to the variable holding the integration's access key id")
	}
	if cfg.SecretAccessKey == "" {
		add("the secret access key is empty; set credentials.secretAccessKey to the variable holding the integration's secret access key")
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
	if cfg.LookBack > connectors.MaxFeedLookBack {
		add("the look-back %s is longer than %s, the time the order flow remembers handled orders", cfg.LookBack, connectors.MaxFeedLookBack)
	}
	for _, id := range cfg.SalesChannelIDs {
		if !IsID(id) {
			add("the sales channel id %q is not a Shopware id (32 lower-case hex characters)", id)
		}
	}
	for _, s := range cfg.PaidStates {
		if strings.TrimSpace(s) == "" {
			add("a paid state is empty")
		}
	}
	for name, st := range cfg.OrderStates {
		if !slices.Contains(model.OrderStatuses, st) {
			add("order state %q maps to %q, which is not a canonical status (%v)", name, st, model.OrderStatuses)
		}
	}
	for _, id := range cfg.ProductSalesChannelIDs {
		if !IsID(id) {
			add("the product sales channel id %q is not a Shopware id (32 lower-case hex characters)", id)
		}
	}
	for rate, id := range cfg.TaxIDs {
		if !IsID(id) {
			add("the tax id %q for %s is not a Shopware id (32 lower-case hex characters)", id, rate)
		}
	}
	for what, id := range map[string]string{"category root id": cfg.CategoryRootID, "media folder id": cfg.MediaFolderID} {
		if id != "" && !IsID(id) {
			add("the %s %q is not a Shopware id (32 lower-case hex characters)", what, id)
		}
	}
	if cfg.Currency != "" && len(strings.TrimSpace(cfg.Currency)) != 3 {
		add("the currency %q is not an ISO 4217 code like EUR", cfg.Currency)
	}
	switch cfg.DateFilter {
	case "", DateFilterStorage, DateFilterISO:
	default:
		add("the date filter %q is not one of %s, %s", cfg.DateFilter, DateFilterStorage, DateFilterISO)
	}
	if len(problems) > 0 {
		return nil, &connectors.Error{Kind: connectors.KindConfig, System: System, Op: "configure", Message: strings.Join(problems, "; ")}
	}

	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxPageSize == 0 {
		cfg.MaxPageSize = MaxPageSize
	}
	if cfg.DefaultRetryAfter == 0 {
		cfg.DefaultRetryAfter = DefaultRetryAfter
	}
	if cfg.PaidStates == nil {
		cfg.PaidStates = DefaultPaidStates
	}
	if cfg.DateFilter == "" {
		cfg.DateFilter = DateFilterStorage
	}
	if cfg.Currency == "" {
		cfg.Currency = DefaultCurrency
	}
	cfg.Currency = strings.ToUpper(strings.TrimSpace(cfg.Currency))
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	next := cfg.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c := &Client{cfg: cfg, now: now}
	tokenURL := apiBase + "/oauth/token"
	tokens := &tokenTransport{next: next, tokenPath: mustPath(tokenURL), defaultRetryAfter: cfg.DefaultRetryAfter,
		now: time.Now, observe: cfg.Observe}
	c.http = httpkit.New(httpkit.Config{System: System, BaseURL: apiBase, Timeout: cfg.Timeout,
		Accept: MediaType, ContentType: "application/json",
		Auth: httpkit.OAuth2(httpkit.OAuth2Config{TokenURL: tokenURL, ClientID: cfg.AccessKeyID, ClientSecret: cfg.SecretAccessKey,
			Timeout: cfg.Timeout}),
		Transport: tokens, Pacer: pacerFor(cfg, apiBase), Observe: cfg.Observe, Scrub: c.scrub, ReadError: readError,
		DefaultRetryAfter: cfg.DefaultRetryAfter})
	return c, nil
}

// apiBaseURL turns the configured address into the Admin API's base.
func apiBaseURL(raw string) (string, error) {
	base := strings.TrimRight(strings.TrimSpace(raw), "/")
	u, err := url.Parse(base)
	switch {
	case base == "":
		return "", errors.New("the base URL is empty; set it to the shop's address, like https://shop.example.com")
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		return "", fmt.Errorf("the base URL %q is not an http(s) address like https://shop.example.com", raw)
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return "", fmt.Errorf("the base URL %q must be the shop's address without credentials, query or fragment", raw)
	}
	path := strings.TrimSuffix(strings.TrimRight(u.Path, "/"), APIPath)
	return u.Scheme + "://" + u.Host + path + APIPath, nil
}

func mustPath(rawURL string) string {
	u, _ := url.Parse(rawURL) // built from a URL apiBaseURL checked
	return u.Path
}

// The pacer classes: searches read, though they are POSTs.
const (
	classRead  = "read"
	classWrite = "write"
)

// pacerFor returns the pacer of the access key at the shop: no published
// limit, so only what the integration sets (a positive number per minute).
func pacerFor(cfg Config, apiBase string) *httpkit.Pacer {
	return httpkit.SharedPacer(httpkit.CredentialKey(System, apiBase, cfg.AccessKeyID), httpkit.Limits{
		Classes: map[string]httpkit.Rate{classRead: httpkit.PerMinute(cfg.ReadsPerMinute), classWrite: httpkit.PerMinute(cfg.WritesPerMinute)},
		Total:   httpkit.PerMinute(cfg.TotalPerMinute),
	})
}

// search runs POST /api/search/{entity} and reads the answer's envelope.
func (c *Client) search(ctx context.Context, op, entity string, crit criteria) (searchResult, error) {
	return c.searchWith(ctx, op, entity, crit, nil)
}

// searchWith is search with extra headers (sw-inheritance: 1 for products).
func (c *Client) searchWith(ctx context.Context, op, entity string, crit criteria, header http.Header) (searchResult, error) {
	out, _, err := c.searchTyped(ctx, op, entity, crit, header, nil)
	return out, err
}

// searchTyped is searchWith that first offers the answer to typed, which
// reads it straight into the caller's types (one pass over the answer
// instead of one for the envelope and one per record) and says whether it
// could. When it could, the searchResult is empty and read is true; when
// it could not (or typed is nil), the answer is read as searchWith reads
// it, so every problem is reported as searchWith and the record's own
// reading report it.
func (c *Client) searchTyped(ctx context.Context, op, entity string, crit criteria, header http.Header, typed func(body []byte) bool) (out searchResult, read bool, err error) {
	body, err := json.Marshal(crit)
	if err != nil {
		return searchResult{}, false, &connectors.Error{Kind: connectors.KindValidation, System: System, Op: op,
			Message: "the search criteria cannot be encoded as JSON: " + err.Error()}
	}
	_, err = c.http.Do(ctx, httpkit.Request{Op: op, Method: http.MethodPost, URL: "/search/" + strings.ReplaceAll(entity, "_", "-"), Body: body, Class: classRead, Header: header,
		Decode: func(r *httpkit.Response) error {
			out, read = searchResult{}, false
			if typed != nil && typed(r.Body) {
				read = true
				return nil
			}
			if err := json.Unmarshal(r.Body, &out); err != nil {
				return &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: op, Status: r.Status,
					Message: "the answer is not the search result JSON: " + err.Error()}
			}
			if out.Data == nil {
				return &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: op, Status: r.Status,
					Message: "the answer holds no data list; is the base URL the shop's Admin API?"}
			}
			return nil
		}})
	if err != nil {
		return searchResult{}, false, c.callError(err)
	}
	return out, read, nil
}

// callError brings a failure of the token request to the surface: httpkit
// reports any trouble getting a token as the token endpoint not answering,
// while the token transport read what the endpoint really said (a refused
// secret, its login limiter, an outage).
func (c *Client) callError(err error) error {
	var tf *tokenFailure
	if errors.As(err, &tf) {
		e := *tf.err
		e.System, e.Message, e.Detail = System, c.scrub(e.Message), c.scrub(e.Detail)
		return &e
	}
	return err
}

// readError reads the errors[] body (research §1.10): the first error's
// code, and every error's text with the field its JSON pointer names.
func readError(r *httpkit.Response) (connectors.ErrorKind, string, string) {
	var body errorsBody
	_ = json.Unmarshal(r.Body, &body)
	if len(body.Errors) == 0 {
		body.Errors = sync64Errors(r.Body)
	}
	code, text := body.summary()
	var kind connectors.ErrorKind
	switch {
	case r.Status == http.StatusTooManyRequests || code == "FRAMEWORK__RATE_LIMIT_EXCEEDED":
		kind = connectors.KindRateLimited
	case r.Status == http.StatusUnauthorized:
		text = joinText(text, "check credentials accessKeyId and secretAccessKey (Settings → System → Integrations)")
	case r.Status == http.StatusForbidden:
		text = joinText(text, "the integration lacks a privilege: give it a role that may read orders (see docs/shopware6.md)")
	case code == "SYSTEM__ILLEGAL_STATE_TRANSITION":
		// The state machines allow only their own steps (research §1.8).
		kind = connectors.KindConflict
		text = joinText(text, "the order is not in a state this transition starts from; read its state and take the transitions its state machine allows")
	case r.Status == http.StatusConflict:
		// A write met a record changed or written at the same moment (or a
		// unique field taken): reading it again shows which.
		text = joinText(text, "another write to the same record came first; the record is read again before it is written")
	}
	return kind, code, text
}

// summary is the first code and every error's text, "pointer: detail".
func (b errorsBody) summary() (code, text string) {
	var parts []string
	for _, e := range b.Errors {
		if code == "" {
			code = e.Code
		}
		msg := strings.TrimSpace(e.Detail)
		if msg == "" {
			msg = strings.TrimSpace(e.Description)
		}
		if msg == "" {
			msg = strings.TrimSpace(e.Title)
		}
		if e.Source != nil && e.Source.Pointer != "" {
			msg = e.Source.Pointer + ": " + msg
		}
		if msg != "" {
			parts = append(parts, msg)
		}
	}
	return code, strings.Join(parts, "; ")
}

func joinText(a, b string) string {
	if strings.TrimSpace(a) == "" {
		return b
	}
	return a + "; " + b
}

// scrub keeps the secret access key out of any text that leaves the
// client; tokens never appear in a text the client builds.
func (c *Client) scrub(s string) string {
	return httpkit.Secrets(c.cfg.SecretAccessKey)(s)
}
