package simkit

import (
	"sync"
	"testing"
)

type record struct {
	Name  string            `json:"name"`
	Lines []string          `json:"lines"`
	Tags  map[string]string `json:"tags"`
}

// A copy shares nothing with the record: a test that changes what it read
// cannot change the simulator's state.
func TestCopiesShareNothing(t *testing.T) {
	var mu sync.Mutex
	state := []*record{{Name: "a", Lines: []string{"x"}, Tags: map[string]string{"k": "v"}}}
	all := CopyAll(&mu, func() []*record { return state })
	all[0].Lines[0], all[0].Tags["k"] = "changed", "changed"
	one, ok := CopyOne(&mu, func() *record { return state[0] })
	if !ok || one.Lines[0] != "x" || one.Tags["k"] != "v" || state[0].Lines[0] != "x" {
		t.Fatalf("the copy aliases the record: %+v %+v", one, state[0])
	}
	if _, ok := CopyOne(&mu, func() *record { return nil }); ok {
		t.Fatal("no record must be reported as none")
	}
}
