package ccvshop_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/model"
)

// clock is a settable clock shared by the shop and the client.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// drain reads the feed until it is caught up and returns the orders by id
// and the cursor to continue from.
func drain(t *testing.T, c *ccvshop.Client, cursor string, since time.Time) (map[string]connectors.OrderSummary, string) {
	t.Helper()
	out := map[string]connectors.OrderSummary{}
	for range 100 {
		p, err := c.OrderFeed(context.Background(), connectors.OrderFeedQuery{Cursor: cursor, Since: since, PageSize: 2})
		require.NoError(t, err)
		for _, o := range p.Orders {
			out[o.ID] = o
		}
		cursor = p.Cursor
		if !p.More {
			return out, cursor
		}
	}
	t.Fatal("the feed never caught up")
	return nil, ""
}

func feedFixture(t *testing.T, so sim.Options, co ccvshop.Config) (*fixture, *clock) {
	clk := &clock{t: time.Date(2026, 5, 9, 12, 0, 0, 0, time.UTC)}
	so.Now, co.Now = clk.Now, clk.Now
	return newFixture(t, so, co), clk
}

// Finding 2: an order whose create_date falls in a window listed before (a
// shop clock behind ours, a replica showing it late) is still seen: every
// pass lists the look-back again.
func TestFeedListsLateOrdersAgainWithinTheLookBack(t *testing.T) {
	f, clk := feedFixture(t, sim.Options{}, ccvshop.Config{})
	start := clk.Now().Add(-time.Hour)
	first := f.sim.AddOrder(sampleOrder(clk.Now().Add(-30 * time.Minute)))
	got, cursor := drain(t, f.client, "", start)
	require.Contains(t, got, first)

	clk.Set(clk.Now().Add(time.Minute))
	late := f.sim.AddOrder(sampleOrder(clk.Now().Add(-20 * time.Minute))) // created in the window already listed
	got, cursor = drain(t, f.client, cursor, start)
	require.Contains(t, got, late, "the late order is found")
	require.Contains(t, got, first, "orders within the look-back are listed again; the flow knows them by id")

	// A pass lists from a look-back before where the last one ended; once
	// that lies past an order, the order is not listed again.
	clk.Set(clk.Now().Add(26 * time.Hour))
	_, cursor = drain(t, f.client, cursor, start)
	clk.Set(clk.Now().Add(time.Minute))
	got, _ = drain(t, f.client, cursor, start)
	require.Empty(t, got)
}

// Finding 2 (unfinished checkouts): a checkout completed after the payment
// page is hidden from the default listing; the feed lists it as waiting
// (status checkout) and, once completed, as a normal order.
func TestFeedListsUnfinishedCheckoutsAsWaiting(t *testing.T) {
	f, clk := feedFixture(t, sim.Options{}, ccvshop.Config{})
	id := f.sim.AddCheckout(sampleOrder(clk.Now().Add(-10 * time.Minute)))
	got, cursor := drain(t, f.client, "", clk.Now().Add(-time.Hour))
	require.Contains(t, got, id)
	assert.Equal(t, model.StatusCheckout, got[id].Status)

	require.NoError(t, f.sim.CompleteCheckout(id))
	clk.Set(clk.Now().Add(time.Minute))
	got, _ = drain(t, f.client, cursor, clk.Now().Add(-time.Hour))
	require.Contains(t, got, id)
	assert.Equal(t, model.StatusProcessing, got[id].Status)
}

// Finding 3: a shop that reads date bounds in Europe/Amsterdam still lists
// an order placed between 00:00 and 02:00 local time.
func TestFeedDateBoundsCoverAShopInAnotherTimeZone(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	require.NoError(t, err)
	f, clk := feedFixture(t, sim.Options{DateZone: ams, DateUpperExclusive: true}, ccvshop.Config{FeedConfig: ccvshop.FeedConfig{LookBack: -1}})
	// 10 May 00:30 in Amsterdam is 9 May 22:30 UTC; we poll at 22:45 UTC.
	clk.Set(time.Date(2026, 5, 9, 22, 45, 0, 0, time.UTC))
	id := f.sim.AddOrder(sampleOrder(time.Date(2026, 5, 10, 0, 30, 0, 0, ams)))
	got, _ := drain(t, f.client, "", time.Date(2026, 5, 9, 22, 0, 0, 0, time.UTC))
	require.Contains(t, got, id)
}

// Finding 7: one order the connector cannot read is listed as unreadable,
// naming the field; the others are listed as usual.
func TestFeedReportsAnUnreadableOrderAndGoesOn(t *testing.T) {
	f, clk := feedFixture(t, sim.Options{}, ccvshop.Config{})
	bad := f.sim.AddOrder(sampleOrder(clk.Now().Add(-10 * time.Minute)))
	good := f.sim.AddOrder(sampleOrder(clk.Now().Add(-5 * time.Minute)))
	require.NoError(t, f.sim.SetStatusCode(bad, 99))
	got, _ := drain(t, f.client, "", clk.Now().Add(-time.Hour))
	require.Contains(t, got, good)
	assert.Empty(t, got[good].Unreadable)
	require.Contains(t, got, bad)
	assert.Contains(t, got[bad].Unreadable, "status: 99 is not a CCV Shop order status")

	_, err := f.client.GetOrder(context.Background(), bad)
	require.Error(t, err)
	assert.True(t, connectors.IsKind(err, connectors.KindValidation))
	assert.Contains(t, err.Error(), "order "+bad+" cannot be read: status: 99")
}

// Finding 9: every price field that moves the shop's total is modelled, so
// the parts add up to total_price to the cent.
func TestEveryPriceFieldThatMovesTheTotalIsRead(t *testing.T) {
	f, clk := feedFixture(t, sim.Options{}, ccvshop.Config{})
	o := sampleOrder(clk.Now().Add(-time.Hour))
	o.Adjustments = []model.Adjustment{
		{Kind: model.AdjustmentCost, Description: ccvshop.ExtraPaymentOptionDescription, Amount: eur(150), VAT: o.ShippingVAT},
		{Kind: model.AdjustmentCost, Description: ccvshop.ExtraPriceDescription, Amount: eur(100), VAT: o.ShippingVAT},
		{Kind: model.AdjustmentDiscount, Description: ccvshop.OrderDiscountDescription, Amount: eur(-500), VAT: o.ShippingVAT},
	}
	o.Total = eur(o.Total.Amount + 150 + 100 - 500)
	id := f.sim.AddOrder(o)
	got, err := f.client.GetOrder(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, o.Total, got.ComputedTotal(), "lines + shipping + adjustments = total_price")
	assert.Len(t, got.Adjustments, 3)
}
