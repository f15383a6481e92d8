package conntest

import (
	"sync"
	"time"
)

// Clock is a clock the suite moves by hand, shared by a simulator and its
// client, so a change feed can be tested across a look-back of a day
// without waiting for it.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t, to the second (as the APIs keep times).
func NewClock(t time.Time) *Clock { return &Clock{t: t.UTC().Truncate(time.Second)} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
