package conntest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

var draftSeq atomic.Int64

// targetPair builds a pair for the order target checks, with the demo
// catalogue seeded, and a draft of SampleOrder under a fresh external id.
func (s *suite) targetPair(t testing.TB, kind connectors.OrderKind) (*Pair, connectors.OrderTarget, connectors.OrderDraft) {
	t.Helper()
	clk := NewClock(time.Now())
	p := s.pair(t, Setup{Now: clk.Now})
	target := p.Client.(connectors.OrderTarget)
	if p.AddProduct != nil {
		for _, dp := range simkit.DemoProducts() {
			p.AddProduct(model.Product{SKU: dp.SKU, Name: dp.Name, Price: model.NewMoney(dp.PriceCents, "EUR"),
				PriceIncludesVAT: true, VAT: model.VATPercent(dp.VATPercent), Active: true, ManageStock: true})
		}
	}
	o := SampleOrder(2, clk.Now().Add(-time.Hour), true)
	o.ID = fmt.Sprintf("conntest-%d", draftSeq.Add(1))
	o.Number = "CT-" + o.ID
	d := connectors.OrderDraft{Order: o, ExternalID: o.ID, Kind: kind}
	if lookup, ok := p.Client.(connectors.ProductLookup); ok {
		ids, err := lookup.LookupProducts(context.Background(), o.SKUs())
		if err != nil {
			t.Fatalf("looking up the order's SKUs: %v", err)
		}
		if len(ids) != len(o.SKUs()) {
			t.Fatalf("the target knows %d of the order's SKUs %v (seed them with Pair.AddProduct)", len(ids), o.SKUs())
		}
		d.ProductIDs = ids
	}
	if p.PrepareDraft != nil {
		p.PrepareDraft(t, &d)
	}
	return p, target, d
}

// stored reads what the target holds under the draft's key.
func stored(t testing.TB, p *Pair, d connectors.OrderDraft) []StoredOrder {
	t.Helper()
	if p.StoredOrders == nil {
		return nil
	}
	return p.StoredOrders(d.ExternalID, d.Kind)
}

// targetConflict writes a draft twice: the second write is a conflict, or
// returns the first record, and never makes a second one.
func (s *suite) targetConflict(t testing.TB, kind connectors.OrderKind) {
	p, target, d := s.targetPair(t, kind)
	ctx := context.Background()
	first, err := target.CreateOrder(ctx, d)
	if err != nil {
		t.Fatalf("first create: %v", err)
	}
	again, err := target.CreateOrder(ctx, d)
	switch {
	case connectors.IsKind(err, connectors.KindConflict):
	case err != nil:
		t.Errorf("second create with the same external id: %v; want a %s error", err, connectors.KindConflict)
	case again.ID != first.ID:
		t.Errorf("second create with the same external id made record %q beside %q; want a %s error", again.ID, first.ID, connectors.KindConflict)
	}
	ref, found, err := target.FindOrder(ctx, d.ExternalID, kind)
	switch {
	case err != nil:
		t.Errorf("FindOrder: %v", err)
	case !found:
		t.Errorf("FindOrder(%q) finds nothing after a create", d.ExternalID)
	case ref.ID != first.ID:
		t.Errorf("FindOrder(%q) finds %q, the create returned %q", d.ExternalID, ref.ID, first.ID)
	}
	if p.StoredOrders == nil {
		t.Log("the harness cannot read the target's records (Pair.StoredOrders): the count of records is not checked")
		return
	}
	if n := len(stored(t, p, d)); n != 1 {
		t.Errorf("the target holds %d records under %q, want 1", n, d.ExternalID)
	}
}

// targetDropped loses the answer of the write after the target committed
// it: the client reports an error it may retry, FindOrder finds the order,
// and a retried create does not write it twice.
func (s *suite) targetDropped(t testing.TB, kind connectors.OrderKind) {
	p, target, d := s.targetPair(t, kind)
	op := p.Ops.CreateOrder[kind]
	if op == "" || p.Faults == nil {
		t.Skipf("the harness names no fault-rule operation for writing a %s (Pair.Ops.CreateOrder)", kind)
	}
	ctx := context.Background()
	p.Faults.Add(simkit.Rule{Op: op, Kind: simkit.FaultDropAfterCommit, Times: 1})
	_, err := target.CreateOrder(ctx, d)
	if p.Faults.Hits(simkit.FaultDropAfterCommit) == 0 {
		t.Fatalf("the drop rule for op %q never matched; is it the simulator's name of the write?", op)
	}
	switch {
	case err == nil:
		t.Error("CreateOrder succeeded though its answer was lost")
	case !connectors.IsKind(err, connectors.KindUnavailable):
		t.Errorf("CreateOrder with a lost answer: %v; want %s (retryable)", err, connectors.KindUnavailable)
	}
	ref, found, err := target.FindOrder(ctx, d.ExternalID, kind)
	switch {
	case err != nil:
		t.Fatalf("FindOrder after the lost answer: %v", err)
	case !found:
		t.Fatalf("FindOrder(%q) does not find the order the target committed", d.ExternalID)
	case ref.ID == "":
		t.Errorf("FindOrder found the order but gave no id")
	}
	// The flow checks before it creates; a create that comes anyway must
	// not write a second record.
	if _, err := target.CreateOrder(ctx, d); err != nil && !connectors.IsKind(err, connectors.KindConflict) {
		t.Errorf("a retried create: %v; want success or %s", err, connectors.KindConflict)
	}
	if p.StoredOrders != nil {
		if n := len(stored(t, p, d)); n != 1 {
			t.Errorf("the target holds %d records under %q after a lost answer and a retry, want 1", n, d.ExternalID)
		}
	}
}

// targetMoney writes a draft and reads back what the target booked: its
// total is the order's, to the cent (and so is BookedTotal's forecast).
func (s *suite) targetMoney(t testing.TB, kind connectors.OrderKind) {
	p, target, d := s.targetPair(t, kind)
	if p.StoredOrders == nil {
		t.Skip("the harness cannot read the target's records (Pair.StoredOrders)")
	}
	ctx := context.Background()
	if tb, ok := p.Client.(connectors.TotalBooker); ok {
		booked, err := tb.BookedTotal(ctx, d)
		switch {
		case err != nil:
			t.Errorf("BookedTotal: %v", err)
		case booked != d.Order.Total:
			t.Errorf("BookedTotal forecasts %s, the order's total is %s", booked, d.Order.Total)
		}
	}
	if _, err := target.CreateOrder(ctx, d); err != nil {
		t.Fatalf("create: %v", err)
	}
	recs := stored(t, p, d)
	if len(recs) != 1 {
		t.Fatalf("the target holds %d records under %q, want 1", len(recs), d.ExternalID)
	}
	if recs[0].Total != d.Order.Total {
		t.Errorf("the target booked %s, the order's total is %s (lines, shipping %s, adjustments %v)",
			recs[0].Total, d.Order.Total, d.Order.ShippingCost, d.Order.Adjustments)
	}
}
