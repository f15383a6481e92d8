package httpkit

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Calls made as fast as the limiter allows, over three periods: no window of
// one period ever holds more than the limit, and some window nearly all of it
// (the last token of a window arrives as the window closes).
func TestShareNeverExceedsTheLimitInAnyWindow(t *testing.T) {
	for _, n := range []int{1, 2, 5, 10, 11, 30, 150} {
		l := newLimiter(PerMinute(n), 1)
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var calls []time.Time
		for at := start; at.Before(start.Add(3 * time.Minute)); at = at.Add(10 * time.Millisecond) {
			for l.AllowN(at, 1) {
				calls = append(calls, at)
			}
		}
		most := 0
		for i := range calls {
			j := i
			for j < len(calls) && calls[j].Sub(calls[i]) < time.Minute {
				j++
			}
			most = max(most, j-i)
		}
		assert.LessOrEqual(t, most, n, "%d a minute", n)
		assert.GreaterOrEqual(t, most, n-1, "%d a minute: the allowance is used", n)
	}
}

func TestSharedPacerStricterLimitWins(t *testing.T) {
	key := CredentialKey("test", "https://one.example", t.Name())
	a := SharedPacer(key, Limits{Classes: map[string]Rate{"write": PerMinute(100)}})
	b := SharedPacer(key, Limits{Classes: map[string]Rate{"read": PerMinute(30), "write": PerMinute(-1)}, Total: PerHour(600)})
	other := SharedPacer(CredentialKey("test", "https://two.example", t.Name()), Limits{Classes: map[string]Rate{"read": PerMinute(150)}})
	assert.Same(t, a, b)
	assert.NotSame(t, a, other)
	assert.Equal(t, Limits{Classes: map[string]Rate{"read": PerMinute(30), "write": PerMinute(100)}, Total: PerHour(600)}, a.Limits())
	SharedPacer(key, Limits{Total: PerMinute(5)})
	assert.Equal(t, PerMinute(5), a.Limits().Total, "5 a minute is stricter than 600 an hour")

	orders, total := a.limiters("read", "orders")
	require.NotNil(t, orders)
	require.NotNil(t, total)
	assert.InDelta(t, 29.0/60, float64(orders.Limit()), 1e-9, "30 a minute: 1 at once (at least one), 29 spread")
	assert.Equal(t, 1, orders.Burst())
	again, _ := a.limiters("read", "orders")
	assert.Same(t, orders, again, "one budget per bucket")
	rows, _ := a.limiters("read", "orderrows")
	assert.NotSame(t, orders, rows)
	none, _ := a.limiters("delete", "orders")
	assert.Nil(t, none, "a class without a limit is only under the total")
}

// Every pacer divides its limits by the fleet size, and follows it when it changes.
func TestFleetSizeDividesLimits(t *testing.T) {
	t.Cleanup(func() { SetFleetSize(1) })
	p := SharedPacer(CredentialKey("test", "https://fleet.example", t.Name()), Limits{Classes: map[string]Rate{"read": PerMinute(150)}, Total: PerHour(7)})
	res, total := p.limiters("read", "orders")
	assert.InDelta(t, 147.0/60, float64(res.Limit()), 1e-9, "150 a minute: 3 at once, 147 spread")
	for res.Allow() { // use the burst up
	}

	SetFleetSize(3)
	assert.Equal(t, 3, FleetSize())
	res2, total2 := p.limiters("read", "orders")
	assert.Same(t, res, res2, "the limiter keeps the calls it counted")
	assert.InDelta(t, 49.0/60, float64(res.Limit()), 1e-9, "150/3 = 50 a minute: 1 at once, 49 spread")
	assert.False(t, res.Allow(), "a growing fleet grants no fresh burst")
	assert.Same(t, total, total2)
	assert.Equal(t, 1, total.Burst(), "7/3 = 2 an hour: 1 at once")
	assert.InDelta(t, 1.0/3600, float64(total.Limit()), 1e-12)

	SetFleetSize(100)
	p.limiters("read", "orders")
	assert.InDelta(t, 1.0/3600, float64(total.Limit()), 1e-12, "at least one call a period")
	assert.Equal(t, 1, total.Burst())

	SetFleetSize(0)
	assert.Equal(t, 1, FleetSize(), "n < 1 is 1")
	p.limiters("read", "orders")
	assert.InDelta(t, 147.0/60, float64(res.Limit()), 1e-9)
}

func TestPacerWaitEndsWithTheContext(t *testing.T) {
	p := SharedPacer(CredentialKey("test", "https://wait.example", t.Name()), Limits{Total: PerMinute(2)})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := p.Wait(ctx, "", "")
	require.NoError(t, err, "the burst")
	waited, err := p.Wait(ctx, "", "")
	assert.Error(t, err, "the next call is a minute away")
	assert.Less(t, waited, time.Second)
	var queued *QueueError
	require.ErrorAs(t, err, &queued, "refused at once, saying how long the queue is")
	assert.InDelta(t, time.Minute.Seconds(), queued.Wait.Seconds(), 1, "2 a minute: 1 at once, 1 spread")
	assert.True(t, p.total.Allow() == false, "asking how long the queue is takes no turn")
	unlimited := SharedPacer(CredentialKey("test", "https://free.example", t.Name()), Limits{})
	waited, err = unlimited.Wait(context.Background(), "read", "x")
	assert.NoError(t, err)
	assert.Zero(t, waited)
}

// Many calls refused at one moment give back every turn: the next call that
// may wait still gets the turn it would have had without them. (Asking the
// queue's length by reserving and cancelling lost a turn whenever another
// call reserved in between: a cancelled reservation that is no longer the
// last one returns nothing, and the quota went unused.)
func TestRefusedCallsTakeNoTurns(t *testing.T) {
	p := SharedPacer(CredentialKey("test", "https://refused.example", t.Name()), Limits{Classes: map[string]Rate{"read": PerMinute(60)}})
	_, err := p.Wait(context.Background(), "read", "orders")
	require.NoError(t, err, "the burst")
	res, _ := p.limiters("read", "orders")
	// Both readings at one moment: the refusals take time under load, and
	// the queue shrinks meanwhile without any turn being lost.
	at := time.Now()
	before := queueDelay(res, at)
	require.Greater(t, before, 100*time.Millisecond, "the next turn is a second away")

	var wg sync.WaitGroup
	refused := make(chan error, 2000)
	start := make(chan struct{})
	for range 2000 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			_, err := p.Wait(ctx, "read", "orders")
			refused <- err
		}()
	}
	close(start)
	wg.Wait()
	close(refused)
	for err := range refused {
		var queued *QueueError
		require.ErrorAs(t, err, &queued)
	}
	assert.InDelta(t, before.Seconds(), queueDelay(res, at).Seconds(), 0.001, "no turn was lost to a refusal")
}
