package conntest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// SampleOrder is a paid order the suite seeds: three lines (one with a unit
// discount), shipping, an order discount and payment costs, each with VAT,
// and a Total equal to its parts. inclVAT false gives prices without VAT,
// whose VAT is rounded per line. n varies the customer.
func SampleOrder(n int, created time.Time, inclVAT bool) model.Order {
	cat := simkit.DemoProducts()
	customers := simkit.DemoCustomers()
	eur := func(c int64) model.Money { return model.NewMoney(c, "EUR") }
	o := model.Order{
		CreatedAt: created, Status: model.StatusProcessing, Paid: true, Currency: "EUR",
		PricesIncludeVAT: inclVAT, Customer: customers[n%len(customers)].Customer,
		ShippingMethod: "PostNL", PaymentMethod: "iDEAL",
	}
	if inclVAT {
		l := cat[0].Line(2)
		l.UnitDiscount = eur(100)
		o.Lines = []model.OrderLine{l, cat[3].Line(1), cat[4].Line(3)}
		o.ShippingCost, o.ShippingVAT = eur(495), model.VATPercent(21)
		o.Adjustments = []model.Adjustment{
			{Kind: model.AdjustmentDiscount, Description: "Discount", Amount: eur(-250), VAT: model.VATPercent(21)},
			{Kind: model.AdjustmentCost, Description: "Payment costs", Amount: eur(35), VAT: model.VATPercent(21)},
		}
	} else {
		// Prices whose VAT does not come out even: 3 × 18.35 at 9 % is
		// 55.05 + 4.9545 VAT, which rounds per line.
		l0 := cat[0].Line(3)
		l0.UnitPrice = eur(1835)
		l1 := cat[3].Line(1)
		l1.UnitPrice = eur(703)
		o.Lines = []model.OrderLine{l0, l1}
		o.ShippingCost, o.ShippingVAT = eur(409), model.VATPercent(21)
		o.Adjustments = []model.Adjustment{
			{Kind: model.AdjustmentDiscount, Description: "Discount", Amount: eur(-207), VAT: model.VATPercent(21)},
		}
	}
	o.Total = o.ComputedTotal()
	return o
}

func (s *suite) sourcePair(t testing.TB, clk *Clock) (*Pair, connectors.OrderSource) {
	t.Helper()
	p := s.pair(t, Setup{Now: clk.Now})
	if p.AddOrder == nil {
		t.Skip("the harness cannot seed orders (Pair.AddOrder)")
	}
	return p, p.Client.(connectors.OrderSource)
}

// orderPaging lists a window page by page: the last page comes, every order
// of the window is listed once, none outside it.
func (s *suite) orderPaging(t testing.TB) {
	clk := NewClock(time.Now())
	p, src := s.sourcePair(t, clk)
	from := clk.Now().Add(-10 * 24 * time.Hour)
	to := from.Add(7 * time.Hour)
	inside := map[string]bool{}
	for i := range 7 {
		inside[p.AddOrder(SampleOrder(i, from.Add(time.Duration(i)*time.Hour), true))] = true
	}
	outside := map[string]string{
		p.AddOrder(SampleOrder(7, from.Add(-time.Second), true)): "a second before CreatedFrom",
		p.AddOrder(SampleOrder(8, to, true)):                     "at CreatedTo, which is exclusive",
	}
	seen := map[string]int{}
	token, pages := "", 0
	for {
		pages++
		if pages > 100 {
			t.Fatalf("no last page after 100 pages of 2 (7 orders); the page token does not advance: %q", token)
		}
		page, err := src.ListOrders(context.Background(), connectors.OrderQuery{CreatedFrom: from, CreatedTo: to, PageSize: 2, PageToken: token})
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		for _, o := range page.Orders {
			seen[o.ID]++
			if o.Unreadable != "" {
				t.Errorf("order %s is unreadable: %s", o.ID, o.Unreadable)
			}
		}
		if page.NextPageToken == "" {
			break
		}
		if page.NextPageToken == token {
			t.Fatalf("page %d returned its own token again: %q", pages, token)
		}
		token = page.NextPageToken
	}
	for id := range inside {
		if seen[id] != 1 {
			t.Errorf("order %s of the window was listed %d times, want once", id, seen[id])
		}
	}
	for id, why := range outside {
		if seen[id] > 0 {
			t.Errorf("order %s was listed though it was created %s", id, why)
		}
	}
	t.Logf("%d orders in %d pages", len(seen), pages)
}

// feedPage is one page of a drain, with the cursor it returned.
type feedPage struct {
	orders []connectors.OrderSummary
	cursor string
}

// drain reads the feed until it is caught up.
func drain(t testing.TB, src connectors.OrderSource, cursor string, since time.Time) []feedPage {
	t.Helper()
	var out []feedPage
	for range 200 {
		p, err := src.OrderFeed(context.Background(), connectors.OrderFeedQuery{Cursor: cursor, Since: since, PageSize: 2})
		if err != nil {
			t.Fatalf("order feed after %d pages: %v", len(out), err)
		}
		if p.Cursor == "" {
			t.Fatalf("page %d of the feed returned no cursor", len(out)+1)
		}
		out = append(out, feedPage{orders: p.Orders, cursor: p.Cursor})
		cursor = p.Cursor
		if !p.More {
			return out
		}
	}
	t.Fatal("the feed is not caught up after 200 pages of 2")
	return nil
}

func lastCursor(pages []feedPage) string { return pages[len(pages)-1].cursor }

// orderFeed polls the feed four times while the clock moves: no order is
// ever missed, and an order is listed again only while it lies within the
// look-back before where the previous poll ended.
func (s *suite) orderFeed(t testing.TB) {
	clk := NewClock(time.Now())
	p, src := s.sourcePair(t, clk)
	lb := s.h.FeedLookBack
	t0 := clk.Now()
	since := t0.Add(-lb - 6*time.Hour)
	created := map[string]time.Time{}
	add := func(n int, at time.Time) {
		created[p.AddOrder(SampleOrder(n, at, true))] = at
	}
	for i := range 4 { // beyond the look-back of the next poll
		add(i, t0.Add(-lb-3*time.Hour-time.Duration(i)*10*time.Minute))
	}
	if lb > 0 {
		add(4, t0.Add(-lb/2)) // within it: the next poll may list it again
	}

	listed := map[string]bool{}
	poll := func(n int, cursor string, prevEnd time.Time) string {
		pages := drain(t, src, cursor, since)
		inPoll := map[string]bool{}
		for _, pg := range pages {
			for _, o := range pg.orders {
				at, ours := created[o.ID]
				if !ours {
					t.Errorf("poll %d listed order %s, which the test never made", n, o.ID)
					continue
				}
				if inPoll[o.ID] {
					t.Errorf("poll %d listed order %s twice", n, o.ID)
				}
				inPoll[o.ID] = true
				// An order listed before may come again only from the
				// look-back (a second of slack: the APIs keep seconds).
				if listed[o.ID] && at.Before(prevEnd.Add(-lb-time.Second)) {
					t.Errorf("poll %d listed order %s (created %s) again, though it lies %s before where the previous poll ended, beyond the look-back of %s",
						n, o.ID, at.Format(time.RFC3339), prevEnd.Sub(at), lb)
				}
				listed[o.ID] = true
			}
		}
		for id, at := range created {
			if !listed[id] && at.Before(clk.Now()) {
				t.Errorf("after poll %d, order %s (created %s) was never listed: a gap", n, id, at.Format(time.RFC3339))
			}
		}
		return lastCursor(pages)
	}

	c1 := poll(1, "", time.Time{})
	end1 := clk.Now()
	clk.Advance(time.Minute)
	add(5, end1.Add(20*time.Second)) // created after poll 1 ended
	add(6, end1.Add(40*time.Second))
	c2 := poll(2, c1, end1)
	end2 := clk.Now()
	clk.Advance(lb + time.Hour)
	c3 := poll(3, c2, end2)
	end3 := clk.Now()
	clk.Advance(lb + time.Hour)
	poll(4, c3, end3)
}

// orderFeedMidPass stops after the first page of a poll and resumes from the
// cursor that page returned: the orders of that page and of the resumed
// drain together are all of them.
func (s *suite) orderFeedMidPass(t testing.TB) {
	clk := NewClock(time.Now())
	p, src := s.sourcePair(t, clk)
	since := clk.Now().Add(-30 * time.Hour)
	want := map[string]bool{}
	for i := range 5 {
		want[p.AddOrder(SampleOrder(i, since.Add(time.Duration(i+1)*time.Hour), true))] = true
	}
	first, err := src.OrderFeed(context.Background(), connectors.OrderFeedQuery{Since: since, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, o := range first.Orders {
		got[o.ID] = true
	}
	if first.More {
		for _, pg := range drain(t, src, first.Cursor, since) {
			for _, o := range pg.orders {
				got[o.ID] = true
			}
		}
	} else {
		t.Logf("the first page held everything (%d orders); nothing to resume", len(first.Orders))
	}
	var missing []string
	for id := range want {
		if !got[id] {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("resuming from the first page's cursor missed orders %s", strings.Join(missing, ", "))
	}
}

// orderMoney reads orders with and without VAT in their prices: the total
// is the one seeded, to the cent, and lines, shipping and adjustments add
// up to it.
func (s *suite) orderMoney(t testing.TB) {
	clk := NewClock(time.Now())
	p, src := s.sourcePair(t, clk)
	for _, incl := range []bool{true, false} {
		want := SampleOrder(1, clk.Now().Add(-time.Hour), incl)
		id := p.AddOrder(want)
		name := fmt.Sprintf("order %s (prices incl. VAT: %v)", id, incl)
		got, err := src.GetOrder(context.Background(), id)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got.ID != id {
			t.Errorf("%s: GetOrder returned id %q", name, got.ID)
		}
		if got.Total != want.Total {
			t.Errorf("%s: total %s, the source holds %s", name, got.Total, want.Total)
		}
		if sum := got.ComputedTotal(); sum != got.Total {
			t.Errorf("%s: lines, shipping and adjustments add up to %s, the total is %s (lines %d, shipping %s, adjustments %v)",
				name, sum, got.Total, len(got.Lines), got.ShippingCost, got.Adjustments)
		}
		sum, err := src.GetOrderSummary(context.Background(), id)
		switch {
		case err != nil:
			t.Errorf("%s: summary: %v", name, err)
		case sum.ID != id || sum.Unreadable != "":
			t.Errorf("%s: summary %+v", name, sum)
		}
	}
}
