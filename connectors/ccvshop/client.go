// Package ccvshop is the CCV Shop connector: a client of the shop's REST API
// v1 that lists and reads orders. Every request is signed with HMAC-SHA512
// (sign.go), every response's signature is checked, and calls are paced per
// API key at the published limits. Its simulator lives in package ccvshop/sim.
package ccvshop

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
	"golang.org/x/time/rate"

	"github.com/koppel/koppel/connectors"
)

// System is the connector's registry name and the System of its errors.
const System = "ccvshop"

// APIPath is where the REST API lives on the shop's host.
const APIPath = "/api/rest/v1"

const (
	// DefaultReadsPerMinute and DefaultWritesPerMinute are the published
	// limits per method per resource.
	DefaultReadsPerMinute  = 150
	DefaultWritesPerMinute = 100
	// MaxPageSize caps `size`; the API's own maximum is not documented.
	MaxPageSize = 250
	// DefaultTimeout bounds one HTTP call.
	DefaultTimeout = 30 * time.Second
	// defaultRetryAfter is used when a 429 carries no Retry-After header.
	defaultRetryAfter = 60 * time.Second
	// limiterBurst calls may go at once; the rest are spread so that no
	// minute exceeds the limit.
	limiterBurst = 10
)

// Config configures a Client.
type Config struct {
	// BaseURL is the shop's address, e.g. https://myshop.ccvshop.nl (the
	// client adds /api/rest/v1).
	BaseURL   string
	PublicKey string
	SecretKey string
	Timeout   time.Duration
	// ReadsPerMinute and WritesPerMinute pace calls per resource: 0 means the
	// published default, negative means unlimited. TotalPerMinute caps all
	// calls of the key (the API has such a limit; its number is not
	// published): 0 or negative means no total cap.
	ReadsPerMinute, WritesPerMinute, TotalPerMinute int
	// SkipResponseCheck turns off the check of the response's x-hash.
	SkipResponseCheck bool
	// Now is the clock for x-date (tests); nil means time.Now.
	Now     func() time.Time
	Observe connectors.CallObserver
}

// Client reads one CCV Shop. It is safe for concurrent use.
type Client struct {
	cfg    Config
	http   *resty.Client
	origin string // scheme://host of the shop
	pace   *pacer
	now    func() time.Time
}

var _ connectors.OrderSource = (*Client)(nil)

// New validates cfg (every problem at once) and builds a client.
func New(cfg Config) (*Client, error) {
	var problems []string
	base := strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/")
	base = strings.TrimSuffix(base, APIPath)
	u, err := url.Parse(base)
	switch {
	case base == "":
		problems = append(problems, "the base URL is empty; set it to the shop's address, like https://myshop.ccvshop.nl")
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		problems = append(problems, fmt.Sprintf("the base URL %q is not an http(s) address like https://myshop.ccvshop.nl", cfg.BaseURL))
	case u.Path != "" || u.RawQuery != "":
		problems = append(problems, fmt.Sprintf("the base URL %q must be the shop's address without a path", cfg.BaseURL))
	}
	if strings.TrimSpace(cfg.PublicKey) == "" {
		problems = append(problems, "the public key is empty; set credentials.publicKey to the variable holding the API public key")
	}
	if cfg.SecretKey == "" {
		problems = append(problems, "the secret key is empty; set credentials.secretKey to the variable holding the API secret key")
	}
	if len(problems) > 0 {
		return nil, &connectors.Error{Kind: connectors.KindConfig, System: System, Op: "configure", Message: strings.Join(problems, "; ")}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	hc := resty.New().SetTimeout(cfg.Timeout).SetRetryCount(0).SetLogger(silentLogger{}).
		SetHeader("Accept", "application/vnd.verto.webshop+json")
	return &Client{cfg: cfg, http: hc, origin: base, pace: pacerFor(cfg, base), now: now}, nil
}

// get fetches one API URI (path and query, or an absolute URL the API gave
// in a `next` link) into out.
func (c *Client) get(ctx context.Context, op, uri string, out any) error {
	requestURI, full, err := c.resolve(uri)
	if err != nil {
		return &connectors.Error{Kind: connectors.KindValidation, System: System, Op: op, Message: err.Error()}
	}
	if err := c.pace.wait(ctx, http.MethodGet, requestURI); err != nil {
		return &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: op, Message: "waiting for the rate limiter", Err: err}
	}
	date := c.now().UTC().Format(DateFormat)
	start := time.Now()
	resp, err := c.http.R().SetContext(ctx).
		SetHeader("x-public", c.cfg.PublicKey).
		SetHeader("x-date", date).
		SetHeader("x-hash", Sign(c.cfg.PublicKey, c.cfg.SecretKey, http.MethodGet, requestURI, "", date)).
		Get(full)
	status := 0
	if resp != nil && resp.RawResponse != nil {
		status = resp.StatusCode()
	}
	err = c.check(op, requestURI, status, resp, err)
	if c.cfg.Observe != nil {
		c.cfg.Observe(System, op, status, time.Since(start), err)
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(resp.Body(), out); err != nil {
		return &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: op, Status: status,
			Message: "the answer is not the expected JSON: " + err.Error()}
	}
	return nil
}

// resolve turns a relative API path or a `next` link into the URI that is
// signed and the URL that is called. A link to another host is refused: the
// signature would go to a stranger.
func (c *Client) resolve(uri string) (requestURI, full string, err error) {
	if strings.HasPrefix(uri, "/") {
		return uri, c.origin + uri, nil
	}
	u, err := url.Parse(uri)
	if err != nil {
		return "", "", fmt.Errorf("page link %q is not a URL", uri)
	}
	o, _ := url.Parse(c.origin)
	if u.Host != o.Host {
		return "", "", fmt.Errorf("page link %q points away from the shop %s", uri, c.origin)
	}
	return u.RequestURI(), c.origin + u.RequestURI(), nil
}

// check maps the HTTP outcome to nil or a typed error, and verifies the
// response signature of a successful answer.
func (c *Client) check(op, requestURI string, status int, resp *resty.Response, err error) error {
	if err != nil {
		return &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: op, Message: "no answer: " + scrub(err.Error(), c.cfg.SecretKey)}
	}
	if status >= 200 && status < 300 {
		if !c.cfg.SkipResponseCheck {
			date, hash := resp.Header().Get("x-date"), resp.Header().Get("x-hash")
			want := Sign(c.cfg.PublicKey, c.cfg.SecretKey, http.MethodGet, requestURI, string(resp.Body()), date)
			if hash == "" || !ValidSignature(hash, want) {
				return &connectors.Error{Kind: connectors.KindUnavailable, System: System, Op: op, Status: status,
					Message: "the answer's x-hash does not match its body; it was altered on the way or does not come from the shop"}
			}
		}
		return nil
	}
	var body struct {
		Status           int    `json:"status"`
		Code             string `json:"code"`
		DeveloperMessage string `json:"developermessage"`
	}
	_ = json.Unmarshal(resp.Body(), &body)
	e := &connectors.Error{Kind: connectors.KindForStatus(status), System: System, Op: op, Status: status, Code: body.Code,
		Message: scrub(body.DeveloperMessage, c.cfg.SecretKey)}
	switch {
	case status == http.StatusTooManyRequests || body.Code == "500.10":
		e.Kind = connectors.KindRateLimited
		e.RetryAfter = retryAfter(resp.Header().Get("Retry-After"), c.now())
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Message = strings.TrimSpace(e.Message + "; check the public and secret key and that the worker's clock is right (5 minutes of skew at most)")
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return e
}

func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return defaultRetryAfter
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return defaultRetryAfter
}

// scrub keeps the secret out of any text that leaves the client.
func scrub(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "[secret]")
}

// pacer keeps a key's calls under the shop's limits: one limiter per resource
// and method class, plus an optional total. Clients of the same key and shop
// in one process share it, because the shop counts per key.
type pacer struct {
	reads, writes int // per minute; <0 unlimited
	total         *rate.Limiter
	mu            sync.Mutex
	perResource   map[string]*rate.Limiter
}

var (
	pacersMu sync.Mutex
	pacers   = map[string]*pacer{}
)

func pacerFor(cfg Config, origin string) *pacer {
	reads, writes := cfg.ReadsPerMinute, cfg.WritesPerMinute
	if reads == 0 {
		reads = DefaultReadsPerMinute
	}
	if writes == 0 {
		writes = DefaultWritesPerMinute
	}
	key := fmt.Sprintf("%s|%s|%d|%d|%d", origin, cfg.PublicKey, reads, writes, cfg.TotalPerMinute)
	pacersMu.Lock()
	defer pacersMu.Unlock()
	if p, ok := pacers[key]; ok {
		return p
	}
	p := &pacer{reads: reads, writes: writes, perResource: map[string]*rate.Limiter{}, total: perMinute(cfg.TotalPerMinute)}
	pacers[key] = p
	return p
}

// perMinute builds a limiter that never lets more than n calls through in any
// minute: a small burst, the rest spread evenly. n <= 0 means no limiter.
func perMinute(n int) *rate.Limiter {
	if n <= 0 {
		return nil
	}
	burst := min(limiterBurst, n)
	if n == burst {
		return rate.NewLimiter(rate.Limit(float64(n)/60), burst)
	}
	return rate.NewLimiter(rate.Limit(float64(n-burst)/60), burst)
}

func (p *pacer) limiter(method, requestURI string) *rate.Limiter {
	class, limit := "read", p.reads
	if method != http.MethodGet {
		class, limit = "write", p.writes
	}
	if limit < 0 {
		return nil
	}
	key := class + " " + Resource(requestURI)
	p.mu.Lock()
	defer p.mu.Unlock()
	l, ok := p.perResource[key]
	if !ok {
		l = perMinute(limit)
		p.perResource[key] = l
	}
	return l
}

func (p *pacer) wait(ctx context.Context, method, requestURI string) error {
	if l := p.limiter(method, requestURI); l != nil {
		if err := l.Wait(ctx); err != nil {
			return err
		}
	}
	if p.total != nil {
		return p.total.Wait(ctx)
	}
	return nil
}

// Resource names the resource a request URI addresses, the unit the shop's
// limits count in: the last path segment that is not an id
// (/api/rest/v1/orders/12/orderrows/ → orderrows).
func Resource(requestURI string) string {
	path, _, _ := strings.Cut(requestURI, "?")
	path = strings.TrimPrefix(path, APIPath)
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := len(segs) - 1; i >= 0; i-- {
		if _, err := strconv.ParseInt(segs[i], 10, 64); err != nil && segs[i] != "" {
			return segs[i]
		}
	}
	return ""
}

type silentLogger struct{}

func (silentLogger) Errorf(string, ...any) {}
func (silentLogger) Warnf(string, ...any)  {}
func (silentLogger) Debugf(string, ...any) {}
