// Package conntest is the conformance suite every connector passes against
// its simulator. A connector's conformance_test.go fills in a Harness (how to
// build a fresh simulator with a client against it, and the few
// system-specific pieces the suite cannot know: how to seed the simulator,
// how to read what it stored, which fault-rule operation is the write) and
// calls Run. Run type-asserts the client against the capability interfaces
// of package connectors and runs, per capability it implements:
//
//	order source    paging reaches the end; the change feed resumes from any
//	                cursor it returned with no gap, and lists an order again
//	                only within the look-back the harness declares; GetOrder's
//	                money adds up to the cent
//	order target    a second create with the same natural key is a conflict
//	                (or finds the first, never writes twice); an answer lost
//	                after the write is found by FindOrder; what the target
//	                stored is the order's total to the cent
//	stock target    writes are absolute and idempotent, also when retried
//	                after a lost answer
//	product and     paging reaches the end, every record listed once
//	customer source
//	errors          for every capability's first call: bad credentials and
//	                401 are auth, 429 is rate_limited with RetryAfter > 0,
//	                5xx is unavailable, a malformed, truncated or cut-off
//	                answer is a clear error and never a panic
//
// The suite knows no system. A sub-test whose piece the harness leaves nil
// is skipped with the reason. Only tests import this package (it imports
// testing).
package conntest

import (
	"net/http"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// Harness is what a connector's conformance test provides.
type Harness struct {
	// System is the connector's registry name; the suite reads the order
	// kinds an order target writes from its Registration.
	System string
	// New builds a fresh simulator and a client against it for one
	// sub-test. It must honour every field of Setup.
	New func(t testing.TB, s Setup) *Pair
	// FeedLookBack is how far before the end of the previous pass an order
	// source's change feed lists orders again by design (CCV Shop: its
	// lookBack option); 0 means it never lists an unchanged order twice.
	FeedLookBack time.Duration
	// KnownIssues names sub-tests (by their path below Run, as
	// "errors/stock target/429 without Retry-After", or a path.Match
	// pattern such as "errors/*/429 without Retry-After") that fail for a
	// reported reason not fixed yet. Such a sub-test still runs: it is
	// skipped with the reason while it fails, and fails once it passes, so
	// the entry is removed when the bug is fixed.
	KnownIssues map[string]string
}

// Setup is what the suite asks of one simulator and client pair.
type Setup struct {
	// Now is the clock both the simulator and the client must read (a
	// Clock the suite moves): the change feed is tested across time
	// without sleeping. Never nil.
	Now func() time.Time
	// BadCredentials asks for a client whose credentials the simulator
	// refuses.
	BadCredentials bool
	// Wrap must stand between the client and the simulator: serve
	// Wrap(simulator) (then any contract checker). The suite injects the
	// faults no simulator offers through it: a 401 or 429 from a proxy, a
	// malformed, truncated or cut-off answer. Never nil.
	Wrap func(http.Handler) http.Handler
}

// Pair is a simulator with a client against it. Only Client and Faults are
// required; a nil func skips the sub-tests that need it.
type Pair struct {
	// Client is the connector's client, as the registry's New returns it.
	Client any
	// Faults are the simulator's fault rules.
	Faults *simkit.Faults
	// Ops names the simulator's fault-rule operations of the writes the
	// suite drops the answer of.
	Ops Ops

	// AddOrder seeds an order in an order source as the simulator takes it
	// and returns the id the source's API uses for it. The money must stay
	// as given: the suite compares what GetOrder reads with it.
	AddOrder func(o model.Order) (id string)
	// AddProduct seeds a simple product (an article): one a product source
	// lists, or one an order target's lines and a stock target's writes
	// refer to by SKU.
	AddProduct func(p model.Product)
	// AddCustomer seeds a customer account in a customer source.
	AddCustomer func(c model.Customer)
	// PrepareDraft fills what a target needs beside the canonical order
	// (employee, branch, an existing customer); nil needs nothing.
	PrepareDraft func(t testing.TB, d *connectors.OrderDraft)
	// StoredOrders reads what an order target holds under an external id:
	// one entry per record written, so a duplicate shows.
	StoredOrders func(externalID string, kind connectors.OrderKind) []StoredOrder
	// StoredStock reads the quantity a stock target holds for a SKU.
	StoredStock func(sku string) (qty model.Quantity, ok bool)
	// Secrets are the client's secret credentials (not the simulator's,
	// with BadCredentials): no error may show them.
	Secrets []string
}

// Ops are fault-rule operation names (simkit.Rule.Op) of the simulator.
type Ops struct {
	// CreateOrder is the write of an order of each kind ("createOrder").
	CreateOrder map[connectors.OrderKind]string
	// SetStock is the write SetStock makes last (the one that sets the
	// quantity).
	SetStock string
}

// StoredOrder is one order record as a target holds it.
type StoredOrder struct {
	ID string
	// Total is what the target booked, incl. VAT.
	Total model.Money
}

// Run runs the conformance suite against the harness.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.New == nil {
		t.Fatal("conntest: Harness.New is required")
	}
	s := &suite{h: h}
	probe := s.pair(t, Setup{})
	caps := capabilities(probe.Client)
	if len(caps) == 0 {
		t.Fatalf("conntest: %T implements none of the capability interfaces of package connectors", probe.Client)
	}
	t.Logf("%s: %s", h.System, strings.Join(caps, ", "))
	s.group(t, "", "order source", func(t *testing.T, path string) {
		if _, ok := probe.Client.(connectors.OrderSource); !ok {
			t.Skipf("%T is no connectors.OrderSource", probe.Client)
		}
		s.check(t, path, "paging reaches the end", s.orderPaging)
		s.check(t, path, "feed resumes without gap or repeat", s.orderFeed)
		s.check(t, path, "feed resumes mid-pass", s.orderFeedMidPass)
		s.check(t, path, "money to the cent", s.orderMoney)
	})
	s.group(t, "", "order target", func(t *testing.T, path string) {
		if _, ok := probe.Client.(connectors.OrderTarget); !ok {
			t.Skipf("%T is no connectors.OrderTarget", probe.Client)
		}
		for _, kind := range s.orderKinds() {
			s.group(t, path, string(kind), func(t *testing.T, path string) {
				s.check(t, path, "second create is a conflict", func(t testing.TB) { s.targetConflict(t, kind) })
				s.check(t, path, "answer lost after the write", func(t testing.TB) { s.targetDropped(t, kind) })
				s.check(t, path, "money to the cent", func(t testing.TB) { s.targetMoney(t, kind) })
			})
		}
	})
	s.group(t, "", "stock target", func(t *testing.T, path string) {
		if _, ok := probe.Client.(connectors.StockTarget); !ok {
			t.Skipf("%T is no connectors.StockTarget", probe.Client)
		}
		s.check(t, path, "absolute and idempotent", s.stockIdempotent)
		s.check(t, path, "retry after a lost answer", s.stockDropped)
	})
	s.group(t, "", "product source", func(t *testing.T, path string) {
		if _, ok := probe.Client.(connectors.ProductSource); !ok {
			t.Skipf("%T is no connectors.ProductSource", probe.Client)
		}
		s.check(t, path, "paging reaches the end", s.productPaging)
	})
	s.group(t, "", "customer source", func(t *testing.T, path string) {
		if _, ok := probe.Client.(connectors.CustomerSource); !ok {
			t.Skipf("%T is no connectors.CustomerSource", probe.Client)
		}
		s.check(t, path, "paging reaches the end", s.customerPaging)
	})
	s.group(t, "", "errors", func(t *testing.T, path string) {
		for _, p := range probesFor(probe.Client) {
			s.group(t, path, p.name, func(t *testing.T, path string) {
				for _, c := range errorCases {
					s.check(t, path, c.name, func(t testing.TB) { s.errorCase(t, p, c) })
				}
			})
		}
	})
}

// suite runs the checks of one harness.
type suite struct {
	h Harness
}

// group runs a sub-test that holds others; path is its name below Run.
func (s *suite) group(t *testing.T, parent, name string, f func(t *testing.T, path string)) {
	path := join(parent, name)
	t.Run(name, func(t *testing.T) { f(t, path) })
}

// check runs one check, or a known issue as an expected failure.
func (s *suite) check(t *testing.T, parent, name string, f func(t testing.TB)) {
	p := join(parent, name)
	t.Run(name, func(t *testing.T) { s.runCheck(t, p, f) })
}

func (s *suite) runCheck(t testing.TB, p string, f func(t testing.TB)) {
	reason, known := s.knownIssue(p)
	if !known {
		f(t)
		return
	}
	r := record(t, f)
	switch {
	case r.Failed():
		t.Skipf("known issue: %s\nstill fails: %s", reason, r.text())
	case r.Skipped():
		t.Skipf("known issue (%s); the check skipped itself: %s", reason, r.text())
	default:
		t.Errorf("known issue %q no longer fails; remove %q from Harness.KnownIssues", reason, p)
	}
}

// knownIssue finds the reason a sub-test is expected to fail.
func (s *suite) knownIssue(p string) (string, bool) {
	if reason, ok := s.h.KnownIssues[p]; ok {
		return reason, true
	}
	for pattern, reason := range s.h.KnownIssues {
		if ok, _ := path.Match(pattern, p); ok {
			return reason, true
		}
	}
	return "", false
}

func join(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "/" + name
}

// pair builds a pair with the suite's clock and wrapper unless s sets its own.
func (s *suite) pair(t testing.TB, st Setup) *Pair {
	t.Helper()
	if st.Now == nil {
		st.Now = NewClock(time.Now()).Now
	}
	if st.Wrap == nil {
		st.Wrap = func(h http.Handler) http.Handler { return h }
	}
	p := s.h.New(t, st)
	if p == nil || p.Client == nil {
		t.Fatal("conntest: Harness.New returned no client")
	}
	return p
}

// orderKinds are the kinds the system's registration says it writes.
func (s *suite) orderKinds() []connectors.OrderKind {
	if r, ok := connectors.Lookup(s.h.System); ok && len(r.OrderKinds) > 0 {
		return r.OrderKinds
	}
	return []connectors.OrderKind{connectors.KindOrder}
}

var capabilityChecks = []struct {
	name string
	is   func(any) bool
}{
	{"order source", is[connectors.OrderSource]},
	{"order target", is[connectors.OrderTarget]},
	{"customer target", is[connectors.CustomerTarget]},
	{"product lookup", is[connectors.ProductLookup]},
	{"product source", is[connectors.ProductSource]},
	{"product target", is[connectors.ProductTarget]},
	{"stock source", is[connectors.StockSource]},
	{"stock target", is[connectors.StockTarget]},
	{"customer source", is[connectors.CustomerSource]},
}

func is[I any](v any) bool {
	_, ok := v.(I)
	return ok
}

func capabilities(c any) []string {
	var out []string
	for _, cc := range capabilityChecks {
		if cc.is(c) {
			out = append(out, cc.name)
		}
	}
	return out
}
