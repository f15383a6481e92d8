package eaccounting

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/httpkit"
)

// Defaults.
const (
	// DefaultPageSize is $pagesize when Config gives none.
	DefaultPageSize = 100
	// DefaultRetryAfter is the wait on a 429 whose message names none: the
	// quota counts per minute (§2.6).
	DefaultRetryAfter = 60 * time.Second
	// DefaultCacheTTL is how long reference data (company settings,
	// codings, units, terms of payment, delivery methods) is kept.
	DefaultCacheTTL = 10 * time.Minute
)

// Ops: each call's name, equal to the simulator's route op, so observers,
// fault rules and call counts share it.
//
// Each op is "METHOD /template" with the contract's path parameter names;
// the template is also the pacer's bucket, since the quota counts per
// endpoint: GET /customers and PUT /customers/{customerId} are paced apart.
const (
	OpCompanySettings = "GET /companysettings"
	OpListCustomers   = "GET /customers"
	OpGetCustomer     = "GET /customers/{customerId}"
	OpCreateCustomer  = "POST /customers"
	OpUpdateCustomer  = "PUT /customers/{customerId}"

	OpListArticles  = "GET /articles"
	OpGetArticle    = "GET /articles/{articleId}"
	OpCreateArticle = "POST /articles"
	OpUpdateArticle = "PUT /articles/{articleId}"

	OpListCodings         = "GET /articleaccountcodings"
	OpListUnits           = "GET /units"
	OpListTermsOfPayments = "GET /termsofpayments"
	OpListDeliveryMethods = "GET /deliverymethods"

	OpListOrders         = "GET /orders"
	OpCreateOrder        = "POST /orders"
	OpListInvoiceDrafts  = "GET /customerinvoicedrafts"
	OpCreateInvoiceDraft = "POST /customerinvoicedrafts"
	OpListInvoices       = "GET /customerinvoices"
	OpCreateInvoice      = "POST /customerinvoices"
	OpListQuotes         = "GET /quotes"
	OpCreateQuote        = "POST /quotes"
)

// endpointOf is the path template of an op: the pacer's bucket, and the
// path itself of a listing, a create and the company settings.
func endpointOf(op string) string {
	_, path, _ := strings.Cut(op, " ")
	return path
}

// classEndpoint is the pacer's one limit class: calls per endpoint.
const classEndpoint = "endpoint"

// Config configures a Client.
type Config struct {
	// BaseURL is the API's address with its version path
	// (https://eaccountingapi.vismaonline.com/v2); without a path /v2 is added.
	BaseURL string
	// ClientID is the OAuth client's public id: the API counts its quota
	// per client, so it keys the pacer. Never the secret.
	ClientID string
	// Tokens hands out the access token of every call.
	Tokens connectors.TokenSource
	// Timeout bounds one HTTP call; 0 means httpkit.DefaultTimeout.
	Timeout time.Duration
	// RequestsPerMinute paces calls per endpoint: 0 means the published 600,
	// negative means unlimited.
	RequestsPerMinute int
	// PageSize is $pagesize of listings; 0 means DefaultPageSize.
	PageSize int
	// DefaultRetryAfter is the wait on a 429 that names none; 0 means DefaultRetryAfter.
	DefaultRetryAfter time.Duration
	// Observe is told about every call.
	Observe connectors.CallObserver
	// Transport carries the requests (tests); nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time

	// The flows' settings (Options documents each; "" or zero as noted).
	// Currency is what the company books in; "" means EUR.
	Currency string
	// ShippingArticles … RoundingArticles name article numbers per VAT rate.
	ShippingArticles, DiscountArticles, CostArticles, FallbackArticles, RoundingArticles RateTable
	// Codings names the coding of new articles per VAT rate; empty: by rate.
	Codings RateTable
	// Unit is the unit of new articles; "" means "st".
	Unit string
	// RefuseVariants fails a product with variants instead of splitting it.
	RefuseVariants bool
	// DefaultPaymentTermDays is the payment term of new customers when the
	// flow names none; 0 means 14 (the option's default).
	DefaultPaymentTermDays int
	// CacheTTL is how long the company settings, codings, units, terms of
	// payment and delivery methods are kept; 0 means DefaultCacheTTL.
	CacheTTL time.Duration
}

// Client calls one eAccounting company's API (the company of its tokens).
// It is safe for concurrent use.
type Client struct {
	cfg   Config
	http  *httpkit.Client
	cache refCache
}

// New builds a client, reporting every bad setting at once as one KindConfig error.
func New(cfg Config) (*Client, error) {
	var problems []connectors.Problem
	base, err := APIBase(cfg.BaseURL)
	if err != nil {
		problems = append(problems, connectors.Problem{Path: "baseURL", Message: err.Error()})
	}
	if strings.TrimSpace(cfg.ClientID) == "" {
		problems = append(problems, connectors.Problem{Path: "credentials." + CredClientID, Message: "is empty"})
	}
	if cfg.Tokens == nil {
		problems = append(problems, connectors.Problem{Path: "tokens",
			Message: "no token source: the worker gives the token keeper's; run starter connect to fill it"})
	}
	if len(problems) > 0 {
		return nil, configError(problems)
	}
	cfg.BaseURL = base
	if cfg.PageSize <= 0 {
		cfg.PageSize = DefaultPageSize
	}
	if cfg.DefaultRetryAfter <= 0 {
		cfg.DefaultRetryAfter = DefaultRetryAfter
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Currency == "" {
		cfg.Currency = "EUR"
	}
	if cfg.Unit == "" {
		cfg.Unit = "st"
	}
	if cfg.DefaultPaymentTermDays == 0 {
		cfg.DefaultPaymentTermDays = 14
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = DefaultCacheTTL
	}
	u, _ := url.Parse(base)
	perMinute := cfg.RequestsPerMinute
	if perMinute == 0 {
		perMinute = DefaultRequestsPerMinute
	}
	pacer := httpkit.SharedPacer(httpkit.CredentialKey(System, u.Scheme+"://"+u.Host, cfg.ClientID),
		httpkit.Limits{Classes: map[string]httpkit.Rate{classEndpoint: httpkit.PerMinute(perMinute)}})
	return &Client{cfg: cfg, http: httpkit.New(httpkit.Config{
		System: System, BaseURL: base, Timeout: cfg.Timeout,
		Accept: "application/json", ContentType: "application/json",
		Auth: bearerFrom(cfg.Tokens), Transport: cfg.Transport, Pacer: pacer, Observe: cfg.Observe,
		ReadError: readError, RetryAfterText: waitInMessage, DefaultRetryAfter: cfg.DefaultRetryAfter, Now: cfg.Now,
	})}, nil
}

// call makes one request of op ("METHOD /template"): path is the path sent
// and query its OData options; body, unless nil, goes as JSON, and the
// answer is read into into (nil: ignored). The op's template is the pacer's
// bucket, since the quota counts per endpoint. personal are the record's
// texts to scrub from the API's messages.
func (c *Client) call(ctx context.Context, op, path string, query []queryParam, body, into any, personal []string) error {
	method, endpoint, _ := strings.Cut(op, " ")
	var data []byte
	if body != nil {
		var err error
		if data, err = json.Marshal(body); err != nil {
			return &connectors.Error{Kind: connectors.KindValidation, System: System, Op: op, Message: "the request cannot be made: " + err.Error()}
		}
	}
	_, err := c.http.Do(ctx, httpkit.Request{
		Op: op, Method: method, URL: path + encodeQuery(query), Body: data,
		Class: classEndpoint, Bucket: endpoint, Personal: personal,
		Decode: func(r *httpkit.Response) error {
			if into == nil {
				return nil
			}
			if err := json.Unmarshal(r.Body, into); err != nil {
				return &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: op, Status: r.Status,
					Message: "the answer is not the JSON the API documents: " + jsonProblem(err)}
			}
			return nil
		},
	})
	return err
}

// get reads one answer of a GET op into into.
func (c *Client) get(ctx context.Context, op, path string, query []queryParam, into any) error {
	return c.call(ctx, op, path, query, nil, into, nil)
}

// send writes body (a POST creates a record, a PUT replaces one whole) and
// reads the answer into into (nil: ignore it).
func (c *Client) send(ctx context.Context, op, path string, body, into any, personal []string) error {
	return c.call(ctx, op, path, nil, body, into, personal)
}

// queryParam is one query option. OData's names start with "$", which
// url.Values would escape; the API takes them as written.
type queryParam struct{ name, value string }

func encodeQuery(q []queryParam) string {
	if len(q) == 0 {
		return ""
	}
	var b strings.Builder
	for i, p := range q {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		// %20, not "+": OData reads the query as a URI, where "+" is a plus.
		b.WriteString(p.name + "=" + strings.ReplaceAll(url.QueryEscape(p.value), "+", "%20"))
	}
	return b.String()
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
	return "unreadable"
}

// bearerFrom authorises every request with the source's access token
// (renewed once, naming the rejected one, when the API answers 401).
func bearerFrom(src connectors.TokenSource) httpkit.Auth {
	return httpkit.BearerFrom(func(ctx context.Context, rejected string) (string, error) {
		return accessToken(ctx, src, rejected)
	})
}

// accessToken asks the source and keeps its error typed: an untyped one
// would reach the operator as "no answer" from the API.
func accessToken(ctx context.Context, src connectors.TokenSource, rejected string) (string, error) {
	tok, err := src.AccessToken(ctx, rejected)
	var ce *connectors.Error
	switch {
	case err == nil && tok == "":
		return "", &connectors.Error{Kind: connectors.KindAuth, System: System, Message: "the token source gave no access token"}
	case err == nil:
		return tok, nil
	case errors.As(err, &ce):
		return "", err
	}
	return "", &connectors.Error{Kind: connectors.KindUnavailable, System: System, Message: "no access token: " + err.Error(), Err: err}
}

// StaticToken is a token source of one access token that never renews: for
// tests and one-off scripts. A rejected token is an auth error.
func StaticToken(token string) connectors.TokenSource { return staticToken(token) }

type staticToken string

func (s staticToken) AccessToken(_ context.Context, rejected string) (string, error) {
	if rejected != "" && rejected == string(s) {
		return "", &connectors.Error{Kind: connectors.KindAuth, System: System, Code: strconv.Itoa(CodeNotAuthorized),
			Message: "the API refused the access token and this token source cannot renew it"}
	}
	return string(s), nil
}
