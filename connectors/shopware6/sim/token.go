package sim

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The token endpoint (research §1.2): the client-credentials grant of an
// integration. The body is JSON (what the contract declares); a form body
// and a Basic header are taken too, as League's OAuth2 server under
// Shopware takes them. Tokens are JWT-shaped (the real ones are RS256
// JWTs; these are signed with a key of the instance) and expire by the
// simulator's clock.
//
// The error codes and texts are League's (the research marks Shopware's
// exact strings unknown): 400 code 3 for a missing parameter, 400 code 2
// for another grant, 401 code 4 "Client authentication failed" for a wrong
// key or secret, and on data routes 401 code 9 "The resource owner or
// authorization server denied the request." for a missing, malformed,
// expired or revoked token.

// loginTiers are the oauth limiter's time back-off (research §1.11): after
// Attempts failed attempts, the next must wait Wait after the last.
var loginTiers = []struct {
	Attempts int
	Wait     time.Duration
}{{10, 10 * time.Second}, {15, 30 * time.Second}, {20, 60 * time.Second}}

// loginReset forgets attempts this long after the last.
const loginReset = 24 * time.Hour

type loginAttempts struct {
	count int
	last  time.Time
}

func newKey() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return k
}

// RevokeTokens makes every token handed out so far invalid, as a shop
// whose integration was edited (or whose keys rotated) would.
func (s *Sim) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.key = newKey()
}

func (s *Sim) token(w http.ResponseWriter, r *http.Request) {
	grant, id, secret, e := readGrant(r)
	if e != nil {
		s.writeErrors(w, r, *e)
		return
	}
	key := id + "|" + clientIP(r)
	if wait := s.loginWait(key); wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", fmt.Sprint(secs))
		s.writeErrors(w, r, apiError{Status: http.StatusTooManyRequests, Code: "FRAMEWORK__RATE_LIMIT_EXCEEDED",
			Detail: fmt.Sprintf("Too many requests, try again in %d seconds.", secs), Params: map[string]any{"seconds": secs}})
		return
	}
	if grant != "client_credentials" {
		s.failedLogin(key)
		s.writeErrors(w, r, apiError{Status: http.StatusBadRequest, Code: "2",
			Detail: "The authorization grant type is not supported by the authorization server."})
		return
	}
	if s.o.AccessKeyID == "" || subtle.ConstantTimeCompare([]byte(id), []byte(s.o.AccessKeyID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(secret), []byte(s.o.SecretAccessKey)) != 1 {
		s.failedLogin(key)
		s.writeErrors(w, r, apiError{Status: http.StatusUnauthorized, Code: "4", Detail: "Client authentication failed"})
		return
	}
	s.mu.Lock()
	delete(s.logins, key) // a successful login resets the limiter
	tok := s.sign(id, s.o.Now().Add(s.o.TokenTTL))
	s.mu.Unlock()
	s.out.JSON(w, r, http.StatusOK, node{"token_type": "Bearer", "expires_in": int(s.o.TokenTTL / time.Second), "access_token": tok})
}

// readGrant reads the grant from a JSON or form body, the client from the
// body or a Basic header.
func readGrant(r *http.Request) (grant, id, secret string, e *apiError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return "", "", "", &apiError{Status: 400, Code: "0", Detail: "The request body cannot be read."}
	}
	fields := map[string]string{}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded":
		v, err := url.ParseQuery(string(body))
		if err != nil {
			return "", "", "", &apiError{Status: 400, Code: "0", Detail: "The form body is malformed."}
		}
		for k := range v {
			fields[k] = v.Get(k)
		}
	default:
		var m map[string]any
		if len(bytes.TrimSpace(body)) > 0 {
			if err := json.Unmarshal(body, &m); err != nil {
				return "", "", "", &apiError{Status: 400, Code: "0", Detail: "The JSON payload is malformed."}
			}
		}
		for k, v := range m {
			if s, ok := v.(string); ok {
				fields[k] = s
			}
		}
	}
	if u, p, basic := r.BasicAuth(); basic && fields["client_id"] == "" {
		fields["client_id"], _ = url.QueryUnescape(u)
		fields["client_secret"], _ = url.QueryUnescape(p)
	}
	for _, name := range []string{"grant_type", "client_id"} {
		if fields[name] == "" {
			return "", "", "", &apiError{Status: 400, Code: "3",
				Detail: fmt.Sprintf("The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed. Check the `%s` parameter", name)}
		}
	}
	return fields["grant_type"], fields["client_id"], fields["client_secret"], nil
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// loginWait is how long the limiter still refuses key's attempts; when it
// does not, the attempt is counted (and forgotten again on success).
func (s *Sim) loginWait(key string) time.Duration {
	if s.o.NoLoginLimiter {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.o.Now()
	a := s.logins[key]
	if a == nil || now.Sub(a.last) >= loginReset {
		a = &loginAttempts{}
		s.logins[key] = a
	}
	for i := len(loginTiers) - 1; i >= 0; i-- {
		if t := loginTiers[i]; a.count >= t.Attempts {
			if wait := a.last.Add(t.Wait).Sub(now); wait > 0 {
				return wait
			}
			break
		}
	}
	return 0
}

func (s *Sim) failedLogin(key string) {
	if s.o.NoLoginLimiter {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.logins[key]
	if a == nil {
		a = &loginAttempts{}
		s.logins[key] = a
	}
	a.count++
	a.last = s.o.Now()
}

// claims are what a token says.
type claims struct {
	Audience string   `json:"aud"`
	ID       string   `json:"jti"`
	IssuedAt int64    `json:"iat"`
	Expires  int64    `json:"exp"`
	Scopes   []string `json:"scopes"`
}

var b64 = base64.RawURLEncoding

// sign makes a token for the client until exp (lock held).
func (s *Sim) sign(client string, exp time.Time) string {
	jti := make([]byte, 16)
	_, _ = rand.Read(jti)
	header, _ := json.Marshal(map[string]string{"typ": "JWT", "alg": "HS256"})
	payload, _ := json.Marshal(claims{Audience: client, ID: hex.EncodeToString(jti), IssuedAt: s.o.Now().Unix(),
		Expires: exp.Unix(), Scopes: []string{"write"}})
	unsigned := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	return unsigned + "." + b64.EncodeToString(s.mac(unsigned))
}

func (s *Sim) mac(unsigned string) []byte {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte(unsigned))
	return h.Sum(nil)
}

// authorize checks the bearer token of a data route; nil means it is good.
func (s *Sim) authorize(r *http.Request) *apiError {
	deny := func(hint string) *apiError {
		return &apiError{Status: http.StatusUnauthorized, Code: "9", Detail: "The resource owner or authorization server denied the request.",
			Params: map[string]any{"hint": hint}}
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return deny(`Missing "Authorization" header`)
	}
	tok, isBearer := strings.CutPrefix(h, "Bearer ")
	parts := strings.Split(tok, ".")
	if !isBearer || len(parts) != 3 {
		return deny("The JWT string must have two dots")
	}
	sig, err := b64.DecodeString(parts[2])
	s.mu.Lock()
	good := err == nil && hmac.Equal(sig, s.mac(parts[0]+"."+parts[1]))
	s.mu.Unlock()
	if !good {
		return deny("Access token could not be verified")
	}
	var c claims
	payload, err := b64.DecodeString(parts[1])
	if err != nil || json.Unmarshal(payload, &c) != nil {
		return deny("Access token could not be verified")
	}
	if c.Audience != s.o.AccessKeyID {
		return deny("Access token has been revoked")
	}
	if !s.o.Now().Before(time.Unix(c.Expires, 0)) {
		return deny("The JWT has expired")
	}
	return nil
}
