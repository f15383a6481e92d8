package conntest

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// recorder is a testing.TB that keeps a check's failures to itself instead
// of failing the test: the suite runs a known issue through it (an expected
// failure), and the suite's own tests prove with it that each check can
// fail. What it does not override (Logf, TempDir, Context …) goes to the
// real test it wraps.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	failed   bool
	skipped  bool
	msgs     []string
	cleanups []func()
}

// record runs f with a recorder on its own goroutine, so that FailNow and
// SkipNow (runtime.Goexit) end f only, then runs f's cleanups.
func record(parent testing.TB, f func(t testing.TB)) *recorder {
	r := &recorder{TB: parent}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer r.runCleanups()
		defer func() {
			if p := recover(); p != nil {
				r.Errorf("panic: %v", p)
			}
		}()
		f(r)
	}()
	<-done
	return r
}

func (r *recorder) add(failed bool, msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if failed {
		r.failed = true
	} else {
		r.skipped = true
	}
	if msg != "" {
		r.msgs = append(r.msgs, msg)
	}
}

func (r *recorder) Helper()                        {}
func (r *recorder) Fail()                          { r.add(true, "") }
func (r *recorder) Error(args ...any)              { r.add(true, fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, a ...any) { r.add(true, fmt.Sprintf(format, a...)) }
func (r *recorder) FailNow()                       { r.Fail(); runtime.Goexit() }
func (r *recorder) Fatal(args ...any)              { r.Error(args...); runtime.Goexit() }
func (r *recorder) Fatalf(format string, a ...any) { r.Errorf(format, a...); runtime.Goexit() }
func (r *recorder) SkipNow()                       { r.add(false, ""); runtime.Goexit() }
func (r *recorder) Skip(args ...any)               { r.add(false, fmt.Sprint(args...)); runtime.Goexit() }
func (r *recorder) Skipf(format string, a ...any) {
	r.add(false, fmt.Sprintf(format, a...))
	runtime.Goexit()
}
func (r *recorder) Cleanup(f func()) { r.mu.Lock(); r.cleanups = append(r.cleanups, f); r.mu.Unlock() }
func (r *recorder) Failed() bool     { r.mu.Lock(); defer r.mu.Unlock(); return r.failed }
func (r *recorder) Skipped() bool    { r.mu.Lock(); defer r.mu.Unlock(); return r.skipped }

func (r *recorder) runCleanups() {
	r.mu.Lock()
	cs := r.cleanups
	r.cleanups = nil
	r.mu.Unlock()
	for i := len(cs) - 1; i >= 0; i-- {
		cs[i]()
	}
}

func (r *recorder) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.msgs, "; ")
}
