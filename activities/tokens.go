package activities

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/eaccounting"
)

// Visma eAccounting hands out refresh tokens that work once: each refresh
// returns a new one and kills the old (research apis-erp-shopware.md §2.2).
// Two workers refreshing the same token at once, or a worker that crashes
// after the refresh and before storing the answer, lose the credential for
// good. So the tokens live in Temporal, in one long-lived workflow per
// credential — the token keeper (workflows/token_keeper.go) — whose state
// is in its history, sealed by the worker's payload codec like every
// payload. It alone refreshes, one refresh at a time; activities ask it for
// an access token with an update (update-with-start, like the customer
// keeper) and keep the answer in memory until it nears expiry.
//
// Nothing secret is in the keeper's id, its search attributes or any error
// text: the id is a keyed hash, tokens travel only in payloads.

// Names the keeper is reached by.
const (
	TokenKeeperWorkflowName = "TokenKeeperWorkflow"
	// UpdateGetAccessToken asks for a valid access token (AccessTokenRequest → AccessToken).
	UpdateGetAccessToken = "getAccessToken"
	// UpdateConnect stores the first pair of a new consent (ConnectInput → TokenStatus).
	UpdateConnect = "connect"
	// QueryTokenStatus reads the keeper's state without any secret (TokenStatus).
	QueryTokenStatus = "tokenStatus"
	// ErrTypeReconnect: the consent is gone (revoked, expired, a refresh token
	// used twice) or was never given; only starter connect helps.
	ErrTypeReconnect = "ReconnectNeeded"
	// FlowTokens is the Flow of the keeper's alerts.
	FlowTokens = "tokens"
)

// Sides of an integration a credential belongs to.
const (
	SideSource = "source"
	SideTarget = "target"
)

// TokenKeeperRef names the credential a keeper holds: the integration and
// side whose system block (in the worker's integration file) has its
// settings, and the OAuth client's public id.
type TokenKeeperRef struct {
	Integration string `json:"integration"`
	Side        string `json:"side"`
	System      string `json:"system"`
	// ClientID is public, but kept out of the workflow id all the same.
	ClientID string `json:"clientId"`
}

// WorkflowID names the keeper: "tokens/", the system and 32 hex digits of an
// HMAC-SHA256 keyed with idKey (Activities.IDKey) over the system, the
// client id and the tenant (integration and side) — never a secret.
func (r TokenKeeperRef) WorkflowID(idKey []byte) string {
	mac := hmac.New(sha256.New, idKey)
	fmt.Fprintf(mac, "%s\x00%s\x00%s\x00%s", r.System, r.ClientID, r.Integration, r.Side)
	return "tokens/" + r.System + "/" + hex.EncodeToString(mac.Sum(nil))[:32]
}

// ConnectCommand is what the operator runs to give (or renew) the consent.
func (r TokenKeeperRef) ConnectCommand() string {
	cmd := "starter connect --integration " + r.Integration
	if r.Side == SideSource {
		cmd += " --side source"
	}
	return cmd
}

// ReconnectMessage is the text of every request refused until the operator
// connects again.
func (r TokenKeeperRef) ReconnectMessage(why string) string {
	return "reconnect: run " + r.ConnectCommand() + " (" + why + ")"
}

// TokenSet is one consent's current tokens: secrets, carried only in
// payloads (sealed by the codec). String and GoString never print them.
type TokenSet struct {
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
	// Expiry is when the access token stops working; zero when the token
	// endpoint named no lifetime (the token is then used until refused).
	Expiry time.Time `json:"expiry"`
	// Lifetime is the access token's stated lifetime (expires_in).
	Lifetime time.Duration `json:"lifetime"`
	Scope    string        `json:"scope,omitempty"`
}

func (TokenSet) String() string   { return "[tokens]" }
func (TokenSet) GoString() string { return "activities.TokenSet{[secret]}" }

// DefaultTokenMargin is how long before its expiry an access token counts
// as used up: a call made with it must not meet the expiry on its way.
const DefaultTokenMargin = 5 * time.Minute

// TokenMargin is the margin for a token of the given lifetime: the default,
// or a fifth of a shorter lifetime (tests, a server with short tokens).
func TokenMargin(lifetime time.Duration) time.Duration {
	if lifetime > 0 && lifetime/5 < DefaultTokenMargin {
		return lifetime / 5
	}
	return DefaultTokenMargin
}

// FreshAt reports whether the access token is still good at now, with the margin.
func (t TokenSet) FreshAt(now time.Time) bool {
	return t.AccessToken != "" && (t.Expiry.IsZero() || now.Before(t.Expiry.Add(-TokenMargin(t.Lifetime))))
}

// Access is the part of the set a caller gets.
func (t TokenSet) Access() AccessToken {
	return AccessToken{AccessToken: t.AccessToken, Expiry: t.Expiry, Lifetime: t.Lifetime}
}

// Fingerprint stands for an access token where only equality matters (the
// token a system refused): a short hash, so the token itself does not travel.
func Fingerprint(token string) string {
	sum := sha256.Sum256([]byte("koppel access token\x00" + token))
	return hex.EncodeToString(sum[:8])
}

// TokenKeeperInput starts a keeper; State carries it over continue-as-new.
type TokenKeeperInput struct {
	Ref   TokenKeeperRef    `json:"ref"`
	State *TokenKeeperState `json:"state,omitempty"`
}

// TokenKeeperState is what a keeper holds.
type TokenKeeperState struct {
	// Tokens are nil until the first connect, and again once the consent is gone.
	Tokens *TokenSet `json:"tokens,omitempty"`
	// Reconnect says why a new consent is needed; "" when none is.
	Reconnect string `json:"reconnect,omitempty"`
	// ReconnectAt is when the consent was found gone; the records that
	// failed since are replayed after the next connect.
	ReconnectAt time.Time `json:"reconnectAt,omitempty"`
	// Alerted: the reconnect alert went out; the next connect clears it.
	Alerted     bool      `json:"alerted,omitempty"`
	Refreshes   int       `json:"refreshes"`
	LastRefresh time.Time `json:"lastRefresh"`
	ConnectedAt time.Time `json:"connectedAt"`
}

// AccessTokenRequest asks a keeper for an access token. Rejected is the
// Fingerprint of a token the system refused, "" when none was.
type AccessTokenRequest struct {
	Rejected string `json:"rejected,omitempty"`
}

// AccessToken is a keeper's answer: a secret, never printed.
type AccessToken struct {
	AccessToken string        `json:"accessToken"`
	Expiry      time.Time     `json:"expiry"`
	Lifetime    time.Duration `json:"lifetime"`
}

func (AccessToken) String() string   { return "[access token]" }
func (AccessToken) GoString() string { return "activities.AccessToken{[secret]}" }

// freshAt is TokenSet.FreshAt for an answer kept in memory.
func (t AccessToken) freshAt(now time.Time) bool {
	return TokenSet{AccessToken: t.AccessToken, Expiry: t.Expiry, Lifetime: t.Lifetime}.FreshAt(now)
}

// ConnectInput hands a keeper the first pair of a new consent.
type ConnectInput struct {
	Tokens TokenSet `json:"tokens"`
}

// Keeper states, as TokenStatus.State says them.
const (
	TokenStateConnected    = "connected"
	TokenStateReconnect    = "reconnect needed"
	TokenStateNotConnected = "not connected"
)

// TokenStatus is a keeper's state for people: no secret in it.
type TokenStatus struct {
	Integration string    `json:"integration"`
	Side        string    `json:"side"`
	System      string    `json:"system"`
	State       string    `json:"state"`
	Reason      string    `json:"reason,omitempty"`
	ReconnectAt time.Time `json:"reconnectAt,omitempty"`
	Expiry      time.Time `json:"expiry"`
	Scope       string    `json:"scope,omitempty"`
	Refreshes   int       `json:"refreshes"`
	LastRefresh time.Time `json:"lastRefresh"`
	ConnectedAt time.Time `json:"connectedAt"`
}

// Status describes a state without its secrets.
func (st TokenKeeperState) Status(ref TokenKeeperRef) TokenStatus {
	s := TokenStatus{Integration: ref.Integration, Side: ref.Side, System: ref.System, Reason: st.Reconnect,
		Refreshes: st.Refreshes, LastRefresh: st.LastRefresh, ConnectedAt: st.ConnectedAt}
	switch {
	case st.Reconnect != "":
		s.State, s.ReconnectAt = TokenStateReconnect, st.ReconnectAt
	case st.Tokens == nil:
		s.State = TokenStateNotConnected
	default:
		s.State, s.Expiry, s.Scope = TokenStateConnected, st.Tokens.Expiry, st.Tokens.Scope
	}
	return s
}

// RefreshTokenInput is one refresh: the keeper's current refresh token.
type RefreshTokenInput struct {
	Ref          TokenKeeperRef `json:"ref"`
	RefreshToken string         `json:"refreshToken"`
}

// RefreshToken trades the refresh token for a new pair at the system's token
// endpoint. Only the keeper runs it, one at a time per credential. The new
// pair is recorded as a heartbeat before the activity returns (the first
// heartbeat goes out at once), so a worker that crashes after the answer
// arrived hands the pair to its retry instead of spending the old refresh
// token a second time; the keeper then records the result in history
// before any caller gets the new access token. invalid_grant — the consent
// is gone — is a non-retryable ErrTypeReconnect error.
func (a *Activities) RefreshToken(ctx context.Context, in RefreshTokenInput) (TokenSet, error) {
	if activity.IsActivity(ctx) && activity.HasHeartbeatDetails(ctx) {
		var got TokenSet
		if err := activity.GetHeartbeatDetails(ctx, &got); err == nil && got.RefreshToken != "" {
			return got, nil
		}
	}
	oa, err := a.tokenEndpoint(in.Ref)
	if err != nil {
		return TokenSet{}, err
	}
	tok, err := oa.Refresh(ctx, in.RefreshToken)
	if eaccounting.IsInvalidGrant(err) {
		return TokenSet{}, temporal.NewNonRetryableApplicationError(
			in.Ref.ReconnectMessage("the token endpoint refused the refresh token: invalid_grant; the consent was revoked or expired, or the token was used twice"),
			ErrTypeReconnect, nil)
	}
	if err != nil {
		return TokenSet{}, toTemporal(err)
	}
	set := TokenSet{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry, Lifetime: tok.Lifetime, Scope: tok.Scope}
	if activity.IsActivity(ctx) {
		activity.RecordHeartbeat(ctx, set)
	}
	return set, nil
}

// tokenEndpoint builds the token endpoint's client of a credential from the
// worker's integration file and environment.
func (a *Activities) tokenEndpoint(ref TokenKeeperRef) (*eaccounting.OAuth, error) {
	rt, err := a.integration(ref.Integration)
	if err != nil {
		return nil, err
	}
	sys, path, err := systemOfSide(rt.Config, ref.Side)
	if err != nil {
		return nil, configError(err)
	}
	if sys.System != ref.System {
		return nil, configError(fmt.Errorf("%s is %s in this worker's integration file, not %s; run %s again", path, sys.System, ref.System, ref.ConnectCommand()))
	}
	creds, err := sys.Env(path, a.env)
	if err != nil {
		return nil, configError(err)
	}
	if creds[eaccounting.CredClientID] != ref.ClientID {
		return nil, configError(fmt.Errorf("%s.credentials.%s holds another client id than the one connected; run %s again",
			path, eaccounting.CredClientID, ref.ConnectCommand()))
	}
	switch ref.System {
	case eaccounting.System:
		oa, err := eaccounting.OAuthFromSettings(connectors.Settings{BaseURL: sys.BaseURL, Credentials: creds, Options: sys.Options, Timeout: sys.Timeout.D()})
		if err != nil {
			return nil, toTemporal(err)
		}
		return oa, nil
	}
	return nil, configError(fmt.Errorf("%s keeps no refresh token", ref.System))
}

// systemOfSide is the integration's source or target block with its path in the file.
func systemOfSide(in config.Integration, side string) (config.System, string, error) {
	switch side {
	case SideSource:
		return in.Source, "integrations." + in.Name + ".source", nil
	case SideTarget:
		return in.Target, "integrations." + in.Name + ".target", nil
	}
	return config.System{}, "", fmt.Errorf("side %q is neither source nor target", side)
}

// KeeperTokenSource is the connectors.TokenSource of a credential: it asks
// the credential's keeper (update-with-start) and keeps the answer in this
// process until it nears expiry, so a busy worker asks once per token
// lifetime. Clients of systems with a kept refresh token get it through
// connectors.Settings.Tokens. It reads a.Temporal when asked, so it may be
// made before the worker dials. (A function, not a method: every exported
// method of Activities is registered as an activity.)
func KeeperTokenSource(a *Activities, ref TokenKeeperRef) connectors.TokenSource {
	return &keeperTokens{a: a, ref: ref, turn: make(chan struct{}, 1), now: time.Now}
}

type keeperTokens struct {
	a   *Activities
	ref TokenKeeperRef
	// turn lets one caller at a time ask the keeper; the others then find
	// its answer in the cache.
	turn chan struct{}
	now  func() time.Time

	mu     sync.Mutex
	cached AccessToken
}

func (k *keeperTokens) AccessToken(ctx context.Context, rejected string) (string, error) {
	if tok, ok := k.fromCache(rejected); ok {
		return tok, nil
	}
	select {
	case k.turn <- struct{}{}:
	case <-ctx.Done():
		return "", &connectors.Error{Kind: connectors.KindUnavailable, System: k.ref.System, Op: "get an access token",
			Message: "gave up waiting for the token keeper", Err: ctx.Err()}
	}
	defer func() { <-k.turn }()
	if tok, ok := k.fromCache(rejected); ok {
		return tok, nil
	}
	req := AccessTokenRequest{}
	if rejected != "" {
		req.Rejected = Fingerprint(rejected)
	}
	got, err := k.a.askKeeper(ctx, k.ref, req)
	if err != nil {
		return "", err
	}
	k.mu.Lock()
	k.cached = got
	k.mu.Unlock()
	return got.AccessToken, nil
}

func (k *keeperTokens) fromCache(rejected string) (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.cached
	if c.AccessToken == "" || c.AccessToken == rejected || !c.freshAt(k.now()) {
		return "", false
	}
	return c.AccessToken, true
}

// askKeeper sends getAccessToken to the credential's keeper, starting it if
// none runs. A keeper that needs a new consent answers with
// ErrTypeReconnect, which comes back as a KindAuth error carrying the
// reconnect message, so every call of the system fails at once and for good.
func (a *Activities) askKeeper(ctx context.Context, ref TokenKeeperRef, req AccessTokenRequest) (AccessToken, error) {
	if a == nil || a.Temporal == nil {
		return AccessToken{}, &connectors.Error{Kind: connectors.KindConfig, System: ref.System, Op: "get an access token",
			Message: "no Temporal client: the tokens are kept by the token keeper workflow, which only a worker reaches"}
	}
	var out AccessToken
	err := updateTokenKeeper(ctx, a.Temporal, a.keeperQueue(ctx), a.IDKey, ref, UpdateGetAccessToken, req, &out)
	return out, keeperError(ref, err)
}

// updateTokenKeeper sends one update to the credential's keeper.
func updateTokenKeeper(ctx context.Context, c client.Client, queue string, idKey []byte, ref TokenKeeperRef, update string, arg, result any) error {
	return updateKeeper(ctx, c, keeperUpdate{ID: ref.WorkflowID(idKey), Queue: queue, Workflow: TokenKeeperWorkflowName,
		Input: []any{TokenKeeperInput{Ref: ref}}, Update: update, Arg: arg}, result)
}

// keeperError turns a keeper's answer into a connector error whose kind
// the HTTP client keeps: reconnect and bad settings stop the call for good,
// anything else (Temporal unreachable, a refresh that failed for now) is
// retried.
func keeperError(ref TokenKeeperRef, err error) error {
	if err == nil {
		return nil
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		switch appErr.Type() {
		case ErrTypeReconnect:
			return &connectors.Error{Kind: connectors.KindAuth, System: ref.System, Op: "get an access token", Code: ErrTypeReconnect, Message: appErr.Message()}
		case ErrTypeAuth:
			return &connectors.Error{Kind: connectors.KindAuth, System: ref.System, Op: "get an access token", Message: appErr.Message()}
		case ErrTypeConfig:
			return &connectors.Error{Kind: connectors.KindConfig, System: ref.System, Op: "get an access token", Message: appErr.Message()}
		}
	}
	return &connectors.Error{Kind: connectors.KindUnavailable, System: ref.System, Op: "get an access token",
		Message: "the token keeper did not answer: " + err.Error(), Err: err}
}

// ConnectTokenKeeper hands a new consent's pair to the credential's keeper
// (starting it if none runs) and returns its state. A worker on taskQueue
// must be running: the update is only kept once a worker accepts it.
func ConnectTokenKeeper(ctx context.Context, c client.Client, taskQueue string, idKey []byte, ref TokenKeeperRef, tokens TokenSet) (TokenStatus, error) {
	var st TokenStatus
	err := updateTokenKeeper(ctx, c, taskQueue, idKey, ref, UpdateConnect, ConnectInput{Tokens: tokens}, &st)
	if err != nil && updateTimedOut(ctx, err) {
		return st, fmt.Errorf("no worker took the tokens in time; is the worker running on task queue %s? then run %s again", taskQueue, ref.ConnectCommand())
	}
	return st, err
}

// updateTimedOut tells an update nobody took from other failures. The
// server may give up on the caller's deadline a moment before the caller's
// context does, answering a cancelled stream, so a deadline that is all but
// reached counts too.
func updateTimedOut(ctx context.Context, err error) bool {
	var timeout *serviceerror.DeadlineExceeded
	var canceled *serviceerror.Canceled
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil || errors.As(err, &timeout) || errors.As(err, &canceled) {
		return true
	}
	d, ok := ctx.Deadline()
	return ok && time.Until(d) < time.Second
}

// TokenKeeperStatus reads a keeper's state; a keeper that never ran is not connected.
func TokenKeeperStatus(ctx context.Context, c client.Client, idKey []byte, ref TokenKeeperRef) (TokenStatus, error) {
	v, err := c.QueryWorkflow(ctx, ref.WorkflowID(idKey), "", QueryTokenStatus)
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return TokenKeeperState{}.Status(ref), nil
	}
	if err != nil {
		return TokenStatus{}, err
	}
	var st TokenStatus
	return st, v.Get(&st)
}

// ReconnectError is the refusal of a keeper that needs a new consent.
func ReconnectError(ref TokenKeeperRef, why string) error {
	return temporal.NewNonRetryableApplicationError(ref.ReconnectMessage(why), ErrTypeReconnect, nil)
}

// IsReconnect reports whether err says the credential needs a new consent.
func IsReconnect(err error) bool {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() == ErrTypeReconnect {
		return true
	}
	var ce *connectors.Error
	return errors.As(err, &ce) && ce.Code == ErrTypeReconnect
}
