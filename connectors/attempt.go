package connectors

import "context"

// A write whose answer was lost may have committed. A target that finds
// an order by its key through a search index that can lag behind its
// writes (Ecwid's keyword search) needs a costlier lookup right after
// such a write, and only then. The order flow marks the context of each
// write attempt with its number, so a connector can tell a first attempt
// (nothing of ours can be in flight: the cheap lookup suffices) from a
// retry (the earlier attempt may have written: look everywhere).

type writeAttemptKey struct{}

// WithWriteAttempt marks ctx as the n-th attempt of a write (1 is the first).
func WithWriteAttempt(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, writeAttemptKey{}, n)
}

// MayFollowLostWrite reports whether ctx is a retry of a write, whose
// earlier attempt may have committed without its answer arriving. A
// context not marked by WithWriteAttempt may: a caller that does not say
// gets the careful lookup.
func MayFollowLostWrite(ctx context.Context) bool {
	n, ok := ctx.Value(writeAttemptKey{}).(int)
	return !ok || n > 1
}
