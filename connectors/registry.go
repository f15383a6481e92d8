package connectors

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// Capability names what a system can do in a flow.
type Capability string

const (
	CapOrderSource    Capability = "order source"
	CapOrderTarget    Capability = "order target"
	CapCustomerTarget Capability = "customer target"
	CapProductLookup  Capability = "product lookup"
	CapProductSource  Capability = "product source"
	CapProductTarget  Capability = "product target"
	CapStockSource    Capability = "stock source"
	CapStockTarget    Capability = "stock target"
	CapCustomerSource Capability = "customer source"
	// CapProductImages: the product target uploads photos.
	CapProductImages Capability = "product images"
	// CapCustomerDetails: the target keeps CustomerDetails (customers flow).
	CapCustomerDetails Capability = "customer details target"
)

// Settings is what a factory gets to build a client for one integration: the
// base URL, the credential values (already read from the environment) and limits.
type Settings struct {
	BaseURL     string
	Credentials map[string]string
	// ReadsPerMinute, WritesPerMinute, TotalPerMinute: 0 means the system's
	// published default, a negative value means unlimited.
	ReadsPerMinute  int
	WritesPerMinute int
	TotalPerMinute  int
	Timeout         time.Duration
	Observe         CallObserver
	// Options are the system's own settings from the integration file
	// (Registration.Options lists the names it takes).
	Options map[string]string
}

// Registration describes one system.
type Registration struct {
	Name string
	// Credentials are the credential names the system needs (publicKey, secretKey …).
	Credentials  []string
	Capabilities []Capability
	// Options names the system-specific settings it takes, with what each does.
	Options map[string]string
	// ExtraFields lists, per flow (mapping.FlowOrders …), the custom field
	// names the system writes from extra.* mapping rules; a flow missing here
	// takes none.
	ExtraFields map[string][]string
	New         func(Settings) (any, error)
}

// Has reports whether the system offers a capability.
func (r Registration) Has(c Capability) bool {
	for _, x := range r.Capabilities {
		if x == c {
			return true
		}
	}
	return false
}

var (
	regMu    sync.RWMutex
	registry = map[string]Registration{}
)

// Register adds a system; each connector package calls it from init.
func Register(r Registration) {
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := registry[r.Name]; dup {
		panic("connectors: system registered twice: " + r.Name)
	}
	registry[r.Name] = r
}

// Lookup returns the registration of a system.
func Lookup(name string) (Registration, bool) {
	regMu.RLock()
	defer regMu.RUnlock()
	r, ok := registry[name]
	return r, ok
}

// Systems lists the registered system names, sorted.
func Systems() []string {
	regMu.RLock()
	defer regMu.RUnlock()
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Build creates a client for a registered system.
func Build(system string, s Settings) (any, error) {
	r, ok := Lookup(system)
	if !ok {
		return nil, fmt.Errorf("unknown system %q (known: %v)", system, Systems())
	}
	return r.New(s)
}
