package connectors

import (
	"encoding/json"
	"fmt"
	"time"
)

// What every change feed shares: the look-back it lists again, and its
// opaque cursor (JSON only the connector that made it reads).

// MaxFeedLookBack is the longest look-back a change feed may take: the order
// flow remembers the orders it handled for 48 hours (workflows.SeenFor), so a
// longer one would start an order listed again a second time.
const MaxFeedLookBack = 47 * time.Hour

// FeedLookBack resolves a configured look-back: 0 means def, negative none.
func FeedLookBack(configured, def time.Duration) time.Duration {
	switch {
	case configured == 0:
		return def
	case configured < 0:
		return 0
	}
	return configured
}

// LookBackProblem is the problem of a lookBack option longer than
// MaxFeedLookBack, or nil.
func LookBackProblem(d time.Duration) *Problem {
	if d <= MaxFeedLookBack {
		return nil
	}
	return &Problem{Path: "options.lookBack", Message: fmt.Sprintf("%s is longer than %s (the order flow remembers handled orders for 48 h)", d, MaxFeedLookBack)}
}

// ReadFeedCursor decodes a cursor WriteFeedCursor made into v; an empty one
// leaves v as it is. One the connector did not make is a KindValidation
// error of system's op.
func ReadFeedCursor(system, op, cursor string, v any) error {
	if cursor == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(cursor), v); err != nil {
		return &Error{Kind: KindValidation, System: system, Op: op,
			Message: fmt.Sprintf("the order feed cursor cannot be read (%v); it was not made by this connector", err)}
	}
	return nil
}

// WriteFeedCursor encodes a feed's position as its opaque cursor.
func WriteFeedCursor(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
