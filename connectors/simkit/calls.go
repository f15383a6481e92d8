package simkit

import (
	"maps"
	"sync"
)

// CallCounter counts the requests a simulator served per op. Count only
// what reached the system (after fault injection), so a test can tell
// whether a retry or a cache spared a call. The zero value is ready and it
// is safe for concurrent use.
type CallCounter struct {
	mu sync.Mutex
	n  map[string]int
}

// Add counts one served request for op.
func (c *CallCounter) Add(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[op]++
}

// Count tells how many requests for op were served.
func (c *CallCounter) Count(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[op]
}

// Snapshot copies every op's count, for a test to compare or print.
func (c *CallCounter) Snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := maps.Clone(c.n)
	if out == nil {
		out = map[string]int{}
	}
	return out
}
