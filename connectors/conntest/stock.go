package conntest

import (
	"context"
	"testing"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// stockPair builds a pair with one product whose stock the checks set.
func (s *suite) stockPair(t testing.TB) (*Pair, connectors.StockTarget, string) {
	t.Helper()
	p := s.pair(t, Setup{Now: NewClock(time.Now()).Now})
	if p.AddProduct == nil {
		t.Skip("the harness cannot seed a product to set the stock of (Pair.AddProduct)")
	}
	dp := simkit.DemoProducts()[1]
	p.AddProduct(model.Product{SKU: dp.SKU, Name: dp.Name, Price: model.NewMoney(dp.PriceCents, "EUR"),
		PriceIncludesVAT: true, VAT: model.VATPercent(dp.VATPercent), Active: true})
	return p, p.Client.(connectors.StockTarget), dp.SKU
}

// expectStock reads the SKU's stock through the client and, when the
// harness can, from the simulator.
func expectStock(t testing.TB, p *Pair, target connectors.StockTarget, sku string, want model.Quantity, when string) {
	t.Helper()
	got, err := target.GetStock(context.Background(), []string{sku})
	switch {
	case err != nil:
		t.Errorf("%s: GetStock: %v", when, err)
	case !got[sku].Managed:
		t.Errorf("%s: GetStock says %s keeps no stock, after SetStock with manage", when, sku)
	case got[sku].Quantity != want:
		t.Errorf("%s: GetStock says %s, want %s", when, got[sku].Quantity, want)
	}
	if p.StoredStock != nil {
		if q, ok := p.StoredStock(sku); !ok || q != want {
			t.Errorf("%s: the simulator holds %s (known: %v), want %s", when, q, ok, want)
		}
	}
}

// stockIdempotent sets a stock twice, then lower: each write is the
// absolute figure, a repeated one changes nothing.
func (s *suite) stockIdempotent(t testing.TB) {
	p, target, sku := s.stockPair(t)
	ctx := context.Background()
	set := func(q model.Quantity) {
		if err := target.SetStock(ctx, sku, q, true); err != nil {
			t.Fatalf("SetStock(%s, %s): %v", sku, q, err)
		}
	}
	set(model.Pieces(5))
	expectStock(t, p, target, sku, model.Pieces(5), "after setting 5")
	set(model.Pieces(5))
	expectStock(t, p, target, sku, model.Pieces(5), "after setting 5 again")
	set(model.Pieces(3))
	expectStock(t, p, target, sku, model.Pieces(3), "after setting 3")
}

// stockDropped loses the answer of a stock write after the commit and
// retries it, as an activity would: the stock is the figure, not twice it.
func (s *suite) stockDropped(t testing.TB) {
	p, target, sku := s.stockPair(t)
	if p.Ops.SetStock == "" || p.Faults == nil {
		t.Skip("the harness names no fault-rule operation for the stock write (Pair.Ops.SetStock)")
	}
	ctx := context.Background()
	if err := target.SetStock(ctx, sku, model.Pieces(4), true); err != nil {
		t.Fatalf("SetStock: %v", err)
	}
	p.Faults.Add(simkit.Rule{Op: p.Ops.SetStock, Kind: simkit.FaultDropAfterCommit, Times: 1})
	err := target.SetStock(ctx, sku, model.Pieces(9), true)
	if p.Faults.Hits(simkit.FaultDropAfterCommit) == 0 {
		t.Fatalf("the drop rule for op %q never matched; is it the simulator's name of the write?", p.Ops.SetStock)
	}
	if !connectors.IsKind(err, connectors.KindUnavailable) {
		t.Errorf("SetStock with a lost answer: %v; want %s (retryable)", err, connectors.KindUnavailable)
	}
	if err := target.SetStock(ctx, sku, model.Pieces(9), true); err != nil {
		t.Fatalf("the retried SetStock: %v", err)
	}
	expectStock(t, p, target, sku, model.Pieces(9), "after a lost answer and a retry")
}
