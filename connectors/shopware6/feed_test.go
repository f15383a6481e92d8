package shopware6_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/shopware6"
	"github.com/koppel/koppel/connectors/shopware6/sim"
)

// poll reads the feed until it is caught up and returns what it listed, by
// id, and the cursor to continue from.
func poll(t *testing.T, c *shopware6.Client, cursor string, since time.Time, pageSize int) (map[string]connectors.OrderSummary, string) {
	t.Helper()
	out := map[string]connectors.OrderSummary{}
	for range 100 {
		p, err := c.OrderFeed(context.Background(), connectors.OrderFeedQuery{Cursor: cursor, Since: since, PageSize: pageSize})
		require.NoError(t, err)
		for _, o := range p.Orders {
			_, twice := out[o.ID]
			assert.False(t, twice, "order %s listed twice in one poll", o.ID)
			out[o.ID] = o
		}
		cursor = p.Cursor
		if !p.More {
			return out, cursor
		}
	}
	t.Fatal("the feed is not caught up after 100 pages")
	return nil, ""
}

func ids(m map[string]connectors.OrderSummary) []string {
	var out []string
	for id := range m {
		out = append(out, id)
	}
	return out
}

// A payment or delivery that changes is a change of its order: the next
// poll lists the order with its new state, and nothing else.
func TestFeedListsPaymentAndDeliveryChanges(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	t0 := f.clock.Now()
	unpaid := paidOrder(t0.Add(-48 * time.Hour))
	unpaid.Paid = false
	a, b := f.shop.AddOrder(unpaid), f.shop.AddOrder(unpaid)

	listed, cursor := poll(t, f.client, "", t0.Add(-72*time.Hour), 10)
	assert.ElementsMatch(t, []string{a, b}, ids(listed))
	assert.False(t, listed[a].Paid)

	f.clock.Advance(time.Hour)
	listed, cursor = poll(t, f.client, cursor, time.Time{}, 10)
	assert.Empty(t, listed, "nothing changed")

	f.clock.Advance(time.Hour)
	require.NoError(t, f.shop.SetPaid(a)) // writes the payment only, not the order
	listed, cursor = poll(t, f.client, cursor, time.Time{}, 10)
	assert.Equal(t, []string{a}, ids(listed))
	assert.True(t, listed[a].Paid)

	f.clock.Advance(time.Hour)
	require.NoError(t, f.shop.Transition(sim.DeliveryMachine, a, "ship"))
	listed, cursor = poll(t, f.client, cursor, time.Time{}, 10)
	assert.Equal(t, []string{a}, ids(listed))
	assert.Equal(t, "shipped", string(listed[a].Status))

	// The delivery changed at the very start of that poll, within the
	// look-back of the next one: listed once more, then no longer.
	f.clock.Advance(time.Hour)
	listed, cursor = poll(t, f.client, cursor, time.Time{}, 10)
	assert.Equal(t, []string{a}, ids(listed))

	require.NoError(t, f.shop.Touch(b)) // an edit of the order itself
	f.clock.Advance(time.Hour)
	listed, _ = poll(t, f.client, cursor, time.Time{}, 10)
	assert.Equal(t, []string{b}, ids(listed))
}

// Without watchPaymentAndDelivery only the order's own timestamps count: a
// payment alone is not seen (why the option is on by default).
func TestFeedIgnoringPaymentsMissesThem(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{FeedConfig: shopware6.FeedConfig{IgnorePaymentAndDelivery: true}}, nil)
	unpaid := paidOrder(f.clock.Now().Add(-48 * time.Hour))
	unpaid.Paid = false
	a := f.shop.AddOrder(unpaid)
	_, cursor := poll(t, f.client, "", f.clock.Now().Add(-72*time.Hour), 10)
	f.clock.Advance(time.Hour)
	require.NoError(t, f.shop.SetPaid(a))
	listed, _ := poll(t, f.client, cursor, time.Time{}, 10)
	assert.Empty(t, listed)
}

// The look-back lists again what changed shortly before the previous poll
// began, and nothing older.
func TestFeedLookBack(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{FeedConfig: shopware6.FeedConfig{LookBack: 30 * time.Minute}}, nil)
	t0 := f.clock.Now()
	recent := f.shop.AddOrder(paidOrder(t0.Add(-20 * time.Minute)))
	older := f.shop.AddOrder(paidOrder(t0.Add(-40 * time.Minute)))
	listed, cursor := poll(t, f.client, "", t0.Add(-time.Hour), 10)
	assert.ElementsMatch(t, []string{recent, older}, ids(listed))
	f.clock.Advance(time.Minute)
	listed, _ = poll(t, f.client, cursor, time.Time{}, 10)
	assert.Equal(t, []string{recent}, ids(listed), "within 30 minutes of the previous start")
}

// A pass continues after the last order it listed: an order deleted or
// changed meanwhile shifts no other out of it.
func TestFeedPassSurvivesChangesMidPass(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	t0 := f.clock.Now()
	var all []string
	for i := range 6 {
		all = append(all, f.shop.AddOrder(paidOrder(t0.Add(time.Duration(i-10)*time.Hour))))
	}
	first, err := f.client.OrderFeed(context.Background(), connectors.OrderFeedQuery{Since: t0.Add(-24 * time.Hour), PageSize: 2})
	require.NoError(t, err)
	require.Len(t, first.Orders, 2)
	require.True(t, first.More)
	require.NoError(t, f.shop.Delete(first.Orders[0].ID))
	require.NoError(t, f.shop.Touch(first.Orders[1].ID))

	rest, cursor := poll(t, f.client, first.Cursor, time.Time{}, 2)
	assert.ElementsMatch(t, all[2:], ids(rest), "the rest of the pass, none skipped")
	f.clock.Advance(time.Hour)
	next, _ := poll(t, f.client, cursor, time.Time{}, 2)
	assert.Equal(t, []string{first.Orders[1].ID}, ids(next), "the order changed mid-pass comes in the next pass")
}

// Many orders placed in the same millisecond: the keyset steps over them by
// page and lists each once.
func TestFeedStepsOverOrdersOfOneInstant(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	at := f.clock.Now().Add(-time.Hour)
	var all []string
	for range 5 {
		all = append(all, f.shop.AddOrder(paidOrder(at)))
	}
	all = append(all, f.shop.AddOrder(paidOrder(at.Add(time.Millisecond))))
	listed, _ := poll(t, f.client, "", at.Add(-time.Hour), 2)
	assert.ElementsMatch(t, all, ids(listed))
}

func TestFeedRefusesAForeignCursor(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{}, nil)
	_, err := f.client.OrderFeed(context.Background(), connectors.OrderFeedQuery{Cursor: "page=2"})
	ce := connErr(t, err, connectors.KindValidation)
	assert.Contains(t, ce.Message, "cursor")
}

// dateFilter decides how times are written in filters; the shop reads both.
func TestFeedDateFilterForms(t *testing.T) {
	for form, want := range map[shopware6.DateFilter]string{
		"":                      `"gte":"2026-03-01 12:00:00.000"`,
		shopware6.DateFilterISO: `"gte":"2026-03-01T12:00:00.000+00:00"`,
	} {
		var mu sync.Mutex
		var bodies []string
		record := func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(strings.NewReader(string(b)))
				mu.Lock()
				bodies = append(bodies, string(b))
				mu.Unlock()
				next.ServeHTTP(w, r)
			})
		}
		f := newFixture(t, sim.Options{}, shopware6.Config{DateFilter: form, FeedConfig: shopware6.FeedConfig{LookBack: -1}}, record)
		id := f.shop.AddOrder(paidOrder(f.clock.Now().Add(-time.Hour)))
		listed, _ := poll(t, f.client, "", f.clock.Now().Add(-24*time.Hour), 10)
		assert.Equal(t, []string{id}, ids(listed), form)
		assert.Contains(t, bodies[len(bodies)-1], want, form)
	}
}

func TestFeedSkipsOtherSalesChannels(t *testing.T) {
	f := newFixture(t, sim.Options{}, shopware6.Config{SalesChannelIDs: []string{sim.DefaultSalesChannelID}}, nil)
	mine := f.shop.AddOrder(paidOrder(f.clock.Now().Add(-time.Hour)))
	f.shop.AddOrderWith(paidOrder(f.clock.Now().Add(-time.Hour)), sim.OrderOptions{SalesChannelID: strings.Repeat("d", 32)})
	listed, _ := poll(t, f.client, "", f.clock.Now().Add(-24*time.Hour), 10)
	assert.Equal(t, []string{mine}, ids(listed))
}
