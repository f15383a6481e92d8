package simkit

import (
	"encoding/json"
	"sync"
)

// Clone is a deep copy of a record through its JSON form, so what a test
// reads from a simulator never aliases the simulator's own state (the
// records are plain data with JSON tags; a record that cannot round-trip
// is a programming error).
func Clone[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

// CopyAll copies the records list returns, read under mu.
func CopyAll[T any](mu sync.Locker, list func() []*T) []T {
	mu.Lock()
	defer mu.Unlock()
	all := list()
	out := make([]T, 0, len(all))
	for _, p := range all {
		out = append(out, Clone(*p))
	}
	return out
}

// CopyOne copies the record find returns, read under mu; ok is false when
// it returns nil.
func CopyOne[T any](mu sync.Locker, find func() *T) (T, bool) {
	mu.Lock()
	defer mu.Unlock()
	p := find()
	if p == nil {
		var zero T
		return zero, false
	}
	return Clone(*p), true
}
