package simkit

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type fakeSim struct {
	http.Handler
	creds map[string]string
}

func (fakeSim) Snapshot() ([]byte, error) { return []byte("{}"), nil }
func (fakeSim) Restore([]byte) error      { return nil }

func TestRegistryKeepsSystemsAndPortsApart(t *testing.T) {
	newFake := func(c Config) Instance { return fakeSim{creds: c.Credentials} }
	Register(Registration{System: "fake-a", DemoPort: 28001, DemoCredentials: map[string]string{"token": "demo"}, New: newFake})
	Register(Registration{System: "fake-b", DemoPort: 28005, New: newFake})

	assert.Subset(t, Systems(), []string{"fake-a", "fake-b"})
	assert.Equal(t, 28006, FirstExtraPort(), "further instances start above every demo port")
	assert.Panics(t, func() { Register(Registration{System: "fake-a", DemoPort: 28009, New: newFake}) }, "a system twice")
	assert.Panics(t, func() { Register(Registration{System: "fake-c", DemoPort: 28001, New: newFake}) }, "a demo port twice")
	assert.Panics(t, func() { Register(Registration{System: "fake-d", DemoPort: 28010}) }, "no constructor")

	reg, ok := Lookup("fake-a")
	require.True(t, ok)
	assert.Equal(t, map[string]string{"token": "demo"}, reg.Build(Config{}).(fakeSim).creds, "no credentials: the demo's")
	assert.Equal(t, map[string]string{"token": "mine"}, reg.Build(Config{Credentials: map[string]string{"token": "mine"}}).(fakeSim).creds)
}
