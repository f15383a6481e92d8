package shopware6

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/httpkit"
)

// tokenTransport sits below httpkit's OAuth2 round-tripper and passes every
// request on, except the token request, which it sends the way Shopware
// documents it and reads the way Shopware answers:
//
//   - golang.org/x/oauth2 first tries the credentials in a Basic header, then
//     in a form body. Shopware's contract takes one JSON body
//     ({"grant_type":"client_credentials","client_id":…,"client_secret":…},
//     research §1.2), so the Basic attempt is declined here without a call
//     (the shop's login limiter counts every failed attempt) and the form is
//     sent as that JSON.
//   - A refusal comes as Shopware's errors[] body, which x/oauth2 cannot
//     read; a 429 of the login limiter, an outage and a token answer that is
//     cut off or not a token would all end as "the token endpoint did not
//     answer". The transport reads the answer itself and fails with a
//     tokenFailure carrying the right kind, which the client brings to the
//     surface (Client.callError).
type tokenTransport struct {
	next              http.RoundTripper
	tokenPath         string
	defaultRetryAfter time.Duration
	now               func() time.Time
	observe           connectors.CallObserver
}

// maxTokenAnswer bounds the token answer read (a JWT is a few kB).
const maxTokenAnswer = 1 << 20

// errBasicDeclined ends x/oauth2's Basic-header attempt before it is sent.
var errBasicDeclined = errors.New("the Shopware token endpoint takes the credentials in its JSON body, not in a Basic header")

// tokenFailure is a token request the endpoint refused or could not serve.
type tokenFailure struct{ err *connectors.Error }

func (f *tokenFailure) Error() string { return f.err.Error() }

func (t *tokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path != t.tokenPath || req.Method != http.MethodPost {
		return t.next.RoundTrip(req)
	}
	form, err := readForm(req)
	if err != nil {
		return nil, err
	}
	if _, _, basic := req.BasicAuth(); basic {
		return nil, errBasicDeclined
	}
	body, err := json.Marshal(map[string]string{
		"grant_type": form.Get("grant_type"), "client_id": form.Get("client_id"), "client_secret": form.Get("client_secret"),
	})
	if err != nil {
		return nil, err
	}
	out, err := http.NewRequestWithContext(req.Context(), http.MethodPost, req.URL.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	out.Header.Set("Content-Type", "application/json")
	out.Header.Set("Accept", MediaType)

	start := time.Now()
	resp, err := t.next.RoundTrip(out)
	if err != nil {
		t.report(0, start, err)
		return nil, err // a transport failure: httpkit reports it as unavailable
	}
	answer, readErr := io.ReadAll(io.LimitReader(resp.Body, maxTokenAnswer))
	_ = resp.Body.Close()
	if fail := t.check(resp, answer, readErr); fail != nil {
		t.report(resp.StatusCode, start, fail.err)
		return nil, fail
	}
	t.report(resp.StatusCode, start, nil)
	resp.Body = io.NopCloser(bytes.NewReader(answer))
	resp.ContentLength = int64(len(answer))
	resp.Header.Del("Content-Length")
	resp.Header.Set("Content-Type", "application/json") // checked JSON: x/oauth2 reads it as such
	return resp, nil
}

func (t *tokenTransport) report(status int, start time.Time, err error) {
	if t.observe != nil {
		t.observe(System, OpToken, status, time.Since(start), err)
	}
}

// readForm reads x/oauth2's form body and closes it, as a round-tripper must.
func readForm(req *http.Request) (url.Values, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return url.Values{}, nil
	}
	defer req.Body.Close()
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	return url.ParseQuery(string(b))
}

// check reads the token answer; nil means it holds a token.
func (t *tokenTransport) check(resp *http.Response, body []byte, readErr error) *tokenFailure {
	fail := func(kind connectors.ErrorKind, code, msg string) *tokenFailure {
		return &tokenFailure{&connectors.Error{Kind: kind, System: System, Op: OpToken, Status: resp.StatusCode, Code: code, Message: msg}}
	}
	if readErr != nil {
		return fail(connectors.KindUnavailable, "", "the token answer was cut off: "+readErr.Error())
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		var tok tokenAnswer
		if err := json.Unmarshal(body, &tok); err != nil {
			return fail(connectors.KindUnavailable, "", "the token answer is not the token JSON: "+err.Error())
		}
		if tok.AccessToken == "" {
			return fail(connectors.KindUnavailable, "", "the token answer holds no access_token")
		}
		return nil
	}
	var eb errorsBody
	_ = json.Unmarshal(body, &eb)
	code, text := eb.summary()
	status := resp.StatusCode
	switch {
	case status == http.StatusTooManyRequests:
		f := fail(connectors.KindRateLimited, code, joinText(text,
			"Shopware's login limiter refuses token requests for now (it counts failed attempts; check the credentials if this repeats)"))
		f.err.RetryAfter = t.retryAfter(resp.Header.Get("Retry-After"), eb)
		return f
	case status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusBadRequest:
		return fail(connectors.KindAuth, code, joinText(text,
			"the token endpoint refused the integration; check credentials accessKeyId and secretAccessKey (Settings → System → Integrations)"))
	case status >= 500 || status == http.StatusRequestTimeout:
		return fail(connectors.KindUnavailable, code, joinText(text, fmt.Sprintf("the token endpoint failed (HTTP %d)", status)))
	}
	return fail(connectors.KindConfig, code, joinText(text, fmt.Sprintf(
		"the token endpoint %s answered HTTP %d; set the base URL to the shop's address (the Admin API lives under %s)",
		resp.Request.URL.Redacted(), status, APIPath)))
}

// retryAfter is the wait of a 429: the Retry-After header, else the seconds
// Shopware's RateLimitExceededException names in meta.parameters (research
// §1.10 [L]), else the default.
func (t *tokenTransport) retryAfter(header string, eb errorsBody) time.Duration {
	if header != "" {
		return httpkit.RetryAfter(header, t.now(), t.defaultRetryAfter)
	}
	for _, e := range eb.Errors {
		params, _ := e.Meta["parameters"].(map[string]any)
		switch s := params["seconds"].(type) {
		case float64:
			if s > 0 {
				return time.Duration(s * float64(time.Second))
			}
		case string:
			if n, err := strconv.Atoi(s); err == nil && n > 0 {
				return time.Duration(n) * time.Second
			}
		}
	}
	return t.defaultRetryAfter
}
