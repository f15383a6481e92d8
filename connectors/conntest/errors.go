package conntest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/simkit"
)

// probeSKU and probeExternalID are keys no simulator holds: the probes read
// nothing in particular, they only make the capability's first call.
const (
	probeSKU        = "CONNTEST-PROBE"
	probeExternalID = "conntest-probe"
	probeEmail      = "probe@conntest.invalid"
)

// probe is the first call of one capability; every error case runs once per
// probe, because each capability reads its answers with its own code.
type probe struct {
	name string
	call func(ctx context.Context, c any) error
}

func probesFor(c any) []probe {
	var out []probe
	add := func(name string, ok bool, call func(ctx context.Context, c any) error) {
		if ok {
			out = append(out, probe{name, call})
		}
	}
	add("order source", is[connectors.OrderSource](c), func(ctx context.Context, c any) error {
		_, err := c.(connectors.OrderSource).ListOrders(ctx, connectors.OrderQuery{PageSize: 1})
		return err
	})
	add("order target", is[connectors.OrderTarget](c), func(ctx context.Context, c any) error {
		_, _, err := c.(connectors.OrderTarget).FindOrder(ctx, probeExternalID, connectors.KindOrder)
		return err
	})
	add("customer target", is[connectors.CustomerTarget](c), func(ctx context.Context, c any) error {
		_, err := c.(connectors.CustomerTarget).FindCustomer(ctx, connectors.CustomerMatch{Field: "email", Value: probeEmail})
		return err
	})
	add("product lookup", is[connectors.ProductLookup](c), func(ctx context.Context, c any) error {
		_, err := c.(connectors.ProductLookup).LookupProducts(ctx, []string{probeSKU})
		return err
	})
	add("product source", is[connectors.ProductSource](c), func(ctx context.Context, c any) error {
		_, err := c.(connectors.ProductSource).ListChangedProducts(ctx, connectors.ChangeQuery{PageSize: 1})
		return err
	})
	add("product target", is[connectors.ProductTarget](c), func(ctx context.Context, c any) error {
		_, err := c.(connectors.ProductTarget).FindProduct(ctx, probeSKU)
		return err
	})
	add("stock source", is[connectors.StockSource](c), func(ctx context.Context, c any) error {
		_, err := c.(connectors.StockSource).ListStock(ctx, connectors.StockQuery{All: true, ChangeQuery: connectors.ChangeQuery{PageSize: 1}})
		return err
	})
	add("stock target", is[connectors.StockTarget](c), func(ctx context.Context, c any) error {
		_, err := c.(connectors.StockTarget).GetStock(ctx, []string{probeSKU})
		return err
	})
	add("customer source", is[connectors.CustomerSource](c), func(ctx context.Context, c any) error {
		_, err := c.(connectors.CustomerSource).ListCustomers(ctx, connectors.ChangeQuery{PageSize: 1})
		return err
	})
	return out
}

// errorCase is one failure the client must report as a typed error.
type errorCase struct {
	name string
	// badCredentials builds the client with credentials the simulator refuses.
	badCredentials bool
	// rule is a simulator fault hitting the first request.
	rule *simkit.Rule
	// fault is an interceptor fault.
	fault fault
	// want checks the typed error.
	want func(t testing.TB, e *connectors.Error)
}

// injectedRetryAfter is the wait the 429 rule asks for.
const injectedRetryAfter = 7 * time.Second

var errorCases = []errorCase{
	{name: "bad credentials", badCredentials: true, want: wantKind(connectors.KindAuth)},
	{name: "401 from a proxy", fault: proxy401, want: wantKind(connectors.KindAuth)},
	{name: "429 with Retry-After", rule: &simkit.Rule{Kind: simkit.FaultRateLimit, RetryAfter: injectedRetryAfter, Times: 1},
		want: func(t testing.TB, e *connectors.Error) {
			wantKind(connectors.KindRateLimited)(t, e)
			// Retry-After is whole seconds: the client may round, not invent.
			if e.RetryAfter < time.Second || e.RetryAfter > injectedRetryAfter+time.Second {
				t.Errorf("RetryAfter is %s, want the %s the answer said", e.RetryAfter, injectedRetryAfter)
			}
		}},
	{name: "429 without Retry-After", fault: proxy429, want: func(t testing.TB, e *connectors.Error) {
		wantKind(connectors.KindRateLimited)(t, e)
		if e.RetryAfter <= 0 {
			t.Errorf("RetryAfter is %s; with no Retry-After header the client must still say how long to wait (its documented or customary default)", e.RetryAfter)
		}
	}},
	{name: "500", rule: &simkit.Rule{Kind: simkit.FaultStatus, Status: 500, Times: 1}, want: wantKind(connectors.KindUnavailable)},
	{name: "503", rule: &simkit.Rule{Kind: simkit.FaultStatus, Status: 503, Times: 1}, want: wantKind(connectors.KindUnavailable)},
	{name: "malformed answer", fault: malformed, want: wantKind(connectors.KindUnavailable, connectors.KindValidation)},
	{name: "truncated answer", fault: truncated, want: wantKind(connectors.KindUnavailable, connectors.KindValidation)},
	{name: "connection cut mid-answer", fault: cutOff, want: wantKind(connectors.KindUnavailable)},
}

func wantKind(kinds ...connectors.ErrorKind) func(t testing.TB, e *connectors.Error) {
	return func(t testing.TB, e *connectors.Error) {
		t.Helper()
		for _, k := range kinds {
			if e.Kind == k {
				return
			}
		}
		t.Errorf("error kind %q, want %v: %v", e.Kind, kinds, e)
	}
}

// errorCase runs one case against one probe on a fresh pair.
func (s *suite) errorCase(t testing.TB, p probe, c errorCase) {
	ic := &interceptor{}
	pair := s.pair(t, Setup{BadCredentials: c.badCredentials, Wrap: ic.wrap})
	if c.rule != nil {
		if pair.Faults == nil {
			t.Skip("the pair has no simulator fault rules (Pair.Faults)")
		}
		pair.Faults.Add(*c.rule)
	}
	ic.arm(c.fault)
	err := callSafely(t, pair.Client, p.call)

	requests, hit := ic.state()
	switch {
	case requests == 0:
		t.Fatalf("%s made no request through Setup.Wrap; the harness must serve Wrap(simulator)", p.name)
	case c.fault != passThrough && !hit:
		// A REST probe of a record that does not exist gets a 404, whose
		// body a client need not read.
		t.Skipf("%s got no successful answer to spoil (%v); nothing to test", p.name, err)
	case c.rule != nil && pair.Faults.Hits(c.rule.Kind) == 0:
		t.Fatalf("the simulator's %s rule never matched a request of %s", c.rule.Kind, p.name)
	case err == nil:
		t.Fatalf("%s succeeded; want an error", p.name)
	}
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		t.Fatalf("%s returned %T (%v); want a *connectors.Error the activities can classify", p.name, err, err)
	}
	if s.h.System != "" && ce.System != s.h.System {
		t.Errorf("the error's System is %q, want %q", ce.System, s.h.System)
	}
	if strings.TrimSpace(err.Error()) == "" {
		t.Error("the error has no text")
	}
	for _, secret := range pair.Secrets {
		if secret != "" && (strings.Contains(err.Error(), secret) || strings.Contains(ce.Detail, secret)) {
			t.Errorf("the error shows a secret credential: %v", err)
		}
	}
	c.want(t, ce)
}

// callSafely runs a probe with a deadline and turns a panic into a failure:
// a broken answer must never bring a worker down.
func callSafely(t testing.TB, client any, call func(ctx context.Context, c any) error) (err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("the client panicked: %v", p)
		}
	}()
	err = call(ctx, client)
	if ctx.Err() != nil {
		return fmt.Errorf("the call did not return within 30 s: %w", err)
	}
	return err
}
