package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	"gopkg.in/yaml.v3"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/eaccounting"
	kworker "github.com/koppel/koppel/worker"
)

// connectCmd gives Koppel a system's consent: it prints the consent URL,
// receives the authorization code on the loopback redirect (or takes it
// pasted), exchanges it at the token endpoint and hands the token pair to
// the credential's token keeper in Temporal, which keeps and rotates it
// from then on. No token or secret is ever printed.
func connectCmd(ctx context.Context, args []string) error {
	s, err := newSession()
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("connect", flag.ContinueOnError)
	file := fileFlag(fs, s.proc)
	name := fs.String("integration", "", "integration name from the file")
	side := fs.String("side", "", "source or target: the side to connect, needed only when both are eaccounting")
	port := fs.Int("port", -1, "receive the code on http://127.0.0.1:PORT/callback instead of options.redirectURI (register that URI at Visma too)")
	paste := fs.Bool("paste", false, "do not listen for the redirect; paste the code, or the address the browser ends on")
	statusOnly := fs.Bool("status", false, "show the token keeper's state and stop")
	timeout := fs.Duration("timeout", 10*time.Minute, "how long to wait for the consent")
	if extra, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(extra) > 0 {
		return fmt.Errorf("connect takes only flags; %q is not one", extra[0])
	}
	target, err := loadConnectTarget(*file, *name, *side, os.LookupEnv)
	if err != nil {
		return err
	}
	// Temporal first: the code is single use and short-lived, so a
	// connection problem must show before the consent, not after it.
	c, err := kworker.Dial(s.proc, s.log)
	if err != nil {
		return err
	}
	defer c.Close()
	idKey := kworker.IDKey(s.proc)
	if *statusOnly {
		st, err := activities.TokenKeeperStatus(ctx, c, idKey, target.ref)
		if err != nil {
			return err
		}
		printTokenStatus(os.Stdout, target.ref.WorkflowID(idKey), st)
		return nil
	}
	if s.proc.EncryptionKeys == "" {
		fmt.Fprintln(os.Stderr, "warning: KOPPEL_ENCRYPTION_KEYS is not set: the tokens will be stored readable in Temporal's history")
	}
	if *port >= 0 {
		target.oauth.RedirectURI = fmt.Sprintf("http://127.0.0.1:%d/callback", *port)
	}
	// A keeper that lost its consent remembers since when; the orders that
	// failed on it are replayed once the new consent is in.
	before, _ := activities.TokenKeeperStatus(ctx, c, idKey, target.ref)
	cctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	err = runConnect(cctx, target, !*paste, os.Stdin, os.Stdout,
		func(ctx context.Context, set activities.TokenSet) (activities.TokenStatus, error) {
			hctx, hcancel := context.WithTimeout(ctx, time.Minute)
			defer hcancel()
			st, err := activities.ConnectTokenKeeper(hctx, c, s.proc.TaskQueue, idKey, target.ref, set)
			if err == nil {
				fmt.Printf("The tokens are with the token keeper %s (state: %s).\n", target.ref.WorkflowID(idKey), st.State)
			}
			return st, err
		})
	if err != nil || before.State != activities.TokenStateReconnect {
		return err
	}
	return replayAfterReconnect(ctx, c, s.proc.TaskQueue, *file, target.ref.Integration, before.ReconnectAt, os.Stdout)
}

// replayAfterReconnect runs again every order of the integration that
// failed since the consent was found gone (a minute before, for the calls
// already under way then). An order the target holds is skipped by its
// workflow, so nothing is written twice.
func replayAfterReconnect(ctx context.Context, c client.Client, taskQueue, file, integration string, since time.Time, out io.Writer) error {
	again := fmt.Sprintf("starter replay --integration %s --failed-since %s", integration, since.UTC().Format("2006-01-02"))
	f, err := config.Load(file)
	if err != nil {
		return fmt.Errorf("connected, but the orders that failed on the old consent were not replayed (%w); run %s", err, again)
	}
	in, ok := f.Integration(integration)
	if !ok {
		return fmt.Errorf("connected, but %s is not in %s to replay its orders", integration, file)
	}
	replayed, err := kworker.ReplayFailedSince(ctx, c, taskQueue, *in, since.Add(-time.Minute), func(r kworker.OrderRef, err error) {
		fmt.Fprintf(out, "order %s: not replayed: %v\n", r.ID, err)
	})
	if err != nil {
		return fmt.Errorf("connected, but listing the orders to replay failed (%w); run %s", err, again)
	}
	fmt.Fprintf(out, "Replaying %d order(s) that failed since the consent was lost; the catalog flows catch up on their next run.\n", replayed)
	return nil
}

// connectTarget is the credential being connected.
type connectTarget struct {
	ref     activities.TokenKeeperRef
	oauth   *eaccounting.OAuth
	apiBase string
	// browse, when set, plays the browser: it is handed the consent URL
	// (the demo against a simulator that approves by itself).
	browse func(ctx context.Context, consentURL string)
}

// loadConnectTarget reads the integration's system block. It decodes the
// file without the full validation, which checks every flow against the
// registered connectors: a system is connected before its flows run.
func loadConnectTarget(path, name, side string, lookupEnv func(string) (string, bool)) (connectTarget, error) {
	if name == "" {
		return connectTarget{}, errors.New("--integration NAME is required")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return connectTarget{}, fmt.Errorf("integration file: %w (set KOPPEL_INTEGRATIONS or -f to its path)", err)
	}
	var f config.File
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return connectTarget{}, fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	in, ok := f.Integration(name)
	if !ok {
		return connectTarget{}, fmt.Errorf("--integration %q is not in %s", name, path)
	}
	var sides []string
	for _, sd := range []struct {
		name string
		sys  config.System
	}{{activities.SideSource, in.Source}, {activities.SideTarget, in.Target}} {
		if sd.sys.System == eaccounting.System && (side == "" || side == sd.name) {
			sides = append(sides, sd.name)
		}
	}
	switch {
	case side != "" && side != activities.SideSource && side != activities.SideTarget:
		return connectTarget{}, fmt.Errorf("--side %q: give source or target", side)
	case len(sides) == 0 && side != "":
		return connectTarget{}, fmt.Errorf("the %s of integration %s is not %s; connect is for systems whose refresh token Koppel keeps", side, name, eaccounting.System)
	case len(sides) == 0:
		return connectTarget{}, fmt.Errorf("neither side of integration %s is %s; connect is for systems whose refresh token Koppel keeps", name, eaccounting.System)
	case len(sides) == 2:
		return connectTarget{}, fmt.Errorf("both sides of integration %s are %s; say which with --side source or --side target", name, eaccounting.System)
	}
	sys, at := in.Target, "target"
	if sides[0] == activities.SideSource {
		sys, at = in.Source, "source"
	}
	filePath := fmt.Sprintf("integrations.%s.%s", name, at)
	for _, c := range []string{eaccounting.CredClientID, eaccounting.CredClientSecret} {
		if sys.Credentials[c] == "" {
			return connectTarget{}, fmt.Errorf("%s.credentials.%s is missing; name the environment variable that holds it", filePath, c)
		}
	}
	creds, err := sys.Env(filePath, lookupEnv)
	if err != nil {
		return connectTarget{}, err
	}
	oa, err := eaccounting.OAuthFromSettings(connectors.Settings{BaseURL: sys.BaseURL, Credentials: creds, Options: sys.Options, Timeout: sys.Timeout.D()})
	if err != nil {
		return connectTarget{}, fmt.Errorf("%s: %w", filePath, err)
	}
	api, _ := eaccounting.APIBase(sys.BaseURL) // OAuthFromSettings checked it
	return connectTarget{oauth: oa, apiBase: api, ref: activities.TokenKeeperRef{Integration: name, Side: sides[0],
		System: eaccounting.System, ClientID: creds[eaccounting.CredClientID]}}, nil
}

// handOff gives the keeper a new pair and says its state.
type handOff func(ctx context.Context, set activities.TokenSet) (activities.TokenStatus, error)

// runConnect is the consent: URL, code, exchange, hand-off, check.
func runConnect(ctx context.Context, t connectTarget, listen bool, in io.Reader, out io.Writer, keep handOff) error {
	state, err := randomState()
	if err != nil {
		return err
	}
	codes := make(chan codeResult, 2)
	if listen {
		stop, err := listenForCode(ctx, t.oauth, state, codes)
		if err != nil {
			return err
		}
		defer stop()
	}
	fmt.Fprintf(out, "Open this address in a browser, log in to Visma eAccounting and pick the company to connect to %s:\n\n  %s\n\n",
		t.ref.Integration, t.oauth.ConsentURL(state))
	if listen {
		fmt.Fprintf(out, "Waiting for the browser to come back to %s (or paste the address it ends on, or the code, and press Enter) …\n", t.oauth.RedirectURI)
	} else {
		fmt.Fprintf(out, "After the consent the browser goes to %s?code=…; paste that address (or the code) here and press Enter:\n", t.oauth.RedirectURI)
	}
	go readPasted(in, state, listen, codes)
	if t.browse != nil {
		go t.browse(ctx, t.oauth.ConsentURL(state))
	}

	var code string
	select {
	case r := <-codes:
		if r.err != nil {
			return r.err
		}
		code = r.code
	case <-ctx.Done():
		return errors.New("no consent arrived in time; run connect again (a code is valid for minutes only)")
	}
	tok, err := t.oauth.Exchange(ctx, code)
	if err != nil {
		return fmt.Errorf("exchanging the code: %w", err)
	}
	fmt.Fprintf(out, "Consent received (scopes: %s).\n", orUnknown(tok.Scope))
	if _, err := keep(ctx, activities.TokenSet{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken,
		Expiry: tok.Expiry, Lifetime: tok.Lifetime, Scope: tok.Scope}); err != nil {
		return fmt.Errorf("handing the tokens to the keeper: %w", err)
	}
	// Which company did the user pick? The access token answers; the
	// refresh token is not touched.
	api, err := eaccounting.New(eaccounting.Config{BaseURL: t.apiBase, ClientID: t.ref.ClientID, Tokens: eaccounting.StaticToken(tok.AccessToken)})
	if err != nil {
		return err
	}
	company, err := api.CompanySettings(ctx)
	if err != nil {
		fmt.Fprintf(out, "Connected, but reading the company failed: %v\n", err)
		return nil
	}
	fmt.Fprintf(out, "Connected %s to the company %q (%s, %s).\n", t.ref.Integration, company.Name, company.City, company.CountryCode)
	return nil
}

type codeResult struct {
	code string
	err  error
}

func randomState() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// codeFromRedirect reads the code from the redirect's query, checking the
// state; "" with no error when the query holds neither code nor error.
func codeFromRedirect(q url.Values, state string) (string, error) {
	if e := q.Get("error"); e != "" {
		msg := "the consent was refused: " + e
		if d := q.Get("error_description"); d != "" {
			msg += " (" + d + ")"
		}
		return "", errors.New(msg)
	}
	code := q.Get("code")
	if code == "" {
		return "", nil
	}
	if q.Get("state") != state {
		return "", errors.New("the redirect carries another state: it does not come from this consent; run connect again")
	}
	return code, nil
}

// listenForCode serves the redirect URI on its loopback address. Port 0
// takes a free port and sets the redirect URI to it (for identity servers
// that accept any loopback port, RFC 8252 §7.3).
func listenForCode(ctx context.Context, oa *eaccounting.OAuth, state string, codes chan<- codeResult) (func(), error) {
	u, err := url.Parse(oa.RedirectURI)
	if err != nil || u.Scheme != "http" || !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("the redirect URI %s is not a loopback http address to listen on; use --paste, or --port N for http://127.0.0.1:N/callback", oa.RedirectURI)
	}
	hostPort := u.Host
	if u.Port() == "" {
		hostPort = net.JoinHostPort(u.Hostname(), "80")
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", hostPort)
	if err != nil {
		return nil, fmt.Errorf("listening on %s for the redirect: %w; free the port, pass --port, or use --paste", hostPort, err)
	}
	if u.Port() == "0" {
		u.Host = net.JoinHostPort(u.Hostname(), fmt.Sprint(ln.Addr().(*net.TCPAddr).Port))
		oa.RedirectURI = u.String()
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	mux := http.NewServeMux()
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		code, err := codeFromRedirect(r.URL.Query(), state)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch {
		case err != nil:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "<p>Koppel: %s</p>", html.EscapeString(err.Error()))
			offer(codes, codeResult{err: err})
		case code == "":
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, "<p>Koppel: this address expects the consent's redirect.</p>")
		default:
			fmt.Fprint(w, "<p>Koppel has the consent. You can close this window.</p>")
			offer(codes, codeResult{code: code})
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// readPasted takes a code, or the whole address the browser ended on, from
// in. An address that is not this consent's is refused at once. At the end
// of in, without a code: an error when pasting is the only way in.
func readPasted(in io.Reader, state string, listening bool, codes chan<- codeResult) {
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if u, err := url.Parse(line); err == nil && u.RawQuery != "" {
			code, err := codeFromRedirect(u.Query(), state)
			if err != nil || code != "" {
				offer(codes, codeResult{code: code, err: err})
				return
			}
			continue
		}
		offer(codes, codeResult{code: line})
		return
	}
	if !listening {
		offer(codes, codeResult{err: errors.New("no code was pasted")})
	}
}

// offer hands a result over unless one is waiting already: the first
// answer counts, a reloaded browser page must not block.
func offer(codes chan<- codeResult, r codeResult) {
	select {
	case codes <- r:
	default:
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "not stated"
	}
	return s
}

func printTokenStatus(w io.Writer, keeperID string, st activities.TokenStatus) {
	fmt.Fprintf(w, "%s %s (%s): %s\n", st.Integration, st.Side, st.System, st.State)
	fmt.Fprintf(w, "  keeper        %s\n", keeperID)
	if st.Reason != "" {
		fmt.Fprintf(w, "  reason        %s\n", st.Reason)
	}
	if !st.ConnectedAt.IsZero() {
		fmt.Fprintf(w, "  connected     %s\n", st.ConnectedAt.Format(time.RFC3339))
	}
	if !st.Expiry.IsZero() {
		fmt.Fprintf(w, "  token expires %s\n", st.Expiry.Format(time.RFC3339))
	}
	fmt.Fprintf(w, "  refreshes     %d", st.Refreshes)
	if !st.LastRefresh.IsZero() {
		fmt.Fprintf(w, " (last %s)", st.LastRefresh.Format(time.RFC3339))
	}
	fmt.Fprintln(w)
	if st.Scope != "" {
		fmt.Fprintf(w, "  scopes        %s\n", st.Scope)
	}
}
