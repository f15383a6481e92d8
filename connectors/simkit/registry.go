package simkit

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Instance is one running simulator: its API and its whole state as JSON, so
// a demo can stop and resume where it was.
type Instance interface {
	http.Handler
	Snapshot() ([]byte, error)
	Restore([]byte) error
}

// Config is what a registered constructor builds an Instance from.
type Config struct {
	// Credentials are the values the instance accepts, by the connector's
	// credential names (publicKey, ident …); nil means the demo credentials.
	Credentials map[string]string
	// Unlimited lifts the system's published rate limits (benchmarks, tests
	// that must not wait for a window).
	Unlimited bool
}

// DemoContext is what a seeder or an activity hook is given.
type DemoContext struct {
	Now time.Time
	// Instance counts the simulators of one system in a demo from 1, so a
	// second shop can give its records ids of their own.
	Instance int
	// Rand drives the activity hooks; seeders are deterministic and leave it nil.
	Rand *rand.Rand
}

// Registration describes the simulator of one system, under the system name
// of its connector ("ccvshop", "mplus").
type Registration struct {
	System string
	// DemoPort is the loopback port the first instance of a local demo
	// listens on; every system has its own, so the example file's baseURLs
	// stay valid from one run to the next.
	DemoPort int
	// DemoCredentials are the credential values an instance accepts when its
	// Config names none, by the connector's credential names.
	DemoCredentials map[string]string
	// New builds an empty instance.
	New func(Config) Instance
	// Seed fills a fresh instance with the demo data: articles, customers,
	// orders that cover every branch of the flows. It may be nil.
	Seed func(Instance, DemoContext)
	// Activity, when set, changes the instance a little now and then (a
	// shop gets an order, a till sells something), so polling has news.
	Activity func(Instance, DemoContext)
}

var (
	regMu    sync.RWMutex
	registry = map[string]Registration{}
)

// Register adds a system's simulator; each simulator package calls it from
// init. Registering a system twice, or a demo port already taken, panics:
// both are programming errors that must not reach a demo.
func Register(r Registration) {
	if r.System == "" || r.New == nil || r.DemoPort <= 0 {
		panic("simkit: a registration needs a system name, a constructor and a demo port")
	}
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := registry[r.System]; dup {
		panic("simkit: simulator registered twice: " + r.System)
	}
	for _, other := range registry {
		if other.DemoPort == r.DemoPort {
			panic(fmt.Sprintf("simkit: %s and %s both want demo port %d", other.System, r.System, r.DemoPort))
		}
	}
	r.DemoCredentials = maps.Clone(r.DemoCredentials)
	registry[r.System] = r
}

// Lookup returns the registration of a system's simulator.
func Lookup(system string) (Registration, bool) {
	regMu.RLock()
	defer regMu.RUnlock()
	r, ok := registry[system]
	return r, ok
}

// Systems lists the systems that have a simulator, sorted.
func Systems() []string {
	regMu.RLock()
	defer regMu.RUnlock()
	return slices.Sorted(maps.Keys(registry))
}

// FirstExtraPort is where the ports of a demo's further instances start:
// above every registered demo port, so a second shop never takes the port
// the first till is about to listen on.
func FirstExtraPort() int {
	regMu.RLock()
	defer regMu.RUnlock()
	highest := 0
	for _, r := range registry {
		highest = max(highest, r.DemoPort)
	}
	return highest + 1
}

// Build makes an instance, with the demo credentials when c names none.
func (r Registration) Build(c Config) Instance {
	if c.Credentials == nil {
		c.Credentials = maps.Clone(r.DemoCredentials)
	}
	return r.New(c)
}
