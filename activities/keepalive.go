package activities

import (
	"context"
	"time"

	"go.temporal.io/sdk/activity"
)

// HeartbeatEvery is how often an activity that keeps itself alive (a
// listing, a customer upsert) tells Temporal it lives.
const HeartbeatEvery = 5 * time.Second

// keepAlive heartbeats while a short activity runs (a listing or an upsert
// that may wait out a 429 or a slow answer), so that when its worker dies
// Temporal retries it elsewhere after the short heartbeat timeout instead
// of the long start-to-close one: a killed worker must not stall the poll
// or the orders waiting for it. Call the returned stop when the activity
// ends.
func keepAlive(ctx context.Context) (stop func()) {
	if !activity.IsActivity(ctx) {
		return func() {}
	}
	activity.RecordHeartbeat(ctx)
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(HeartbeatEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx)
			}
		}
	}()
	return func() { close(done) }
}
