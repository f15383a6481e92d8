package salespos_test

import (
	"net/http/httptest"
	"testing"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/ccvshop"
	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/conntest"
	"github.com/koppel/koppel/connectors/salespos"
	"github.com/koppel/koppel/connectors/salespos/sim"
	"github.com/koppel/koppel/model"
)

// TestConformance runs the conformance suite every connector passes against
// the simulated SalesPOS (the CCV simulator with its SalesPOS flavour).
//
// CCV SalesPOS publishes no machine-readable contract (nor does CCV Shop:
// its JSON Schemas are served only by a live account), so no exchange is
// checked against one; research/apis-shop-pos.md §4 and §1, and the
// assumptions of assumptions.go, are the contract the simulator follows.
func TestConformance(t *testing.T) {
	const public, secretKey = "pk_pos_conformance", "sk_pos_conformance_secret"
	conntest.Run(t, conntest.Harness{
		System:       salespos.System,
		FeedLookBack: salespos.DefaultLookBack,
		New: func(t testing.TB, s conntest.Setup) *conntest.Pair {
			pos := sim.New(sim.Options{PublicKey: public, SecretKey: secretKey, Now: s.Now, ReadsPerMinute: -1, WritesPerMinute: -1})
			srv := httptest.NewServer(s.Wrap(pos))
			t.Cleanup(srv.Close)
			key := secretKey
			if s.BadCredentials {
				key = "sk_someone_else"
			}
			c, err := salespos.New(salespos.Config{Config: ccvshop.Config{BaseURL: srv.URL, PublicKey: public, SecretKey: key,
				ReadsPerMinute: -1, WritesPerMinute: -1, Now: s.Now}})
			if err != nil {
				t.Fatal(err)
			}
			return &conntest.Pair{
				Client: c,
				Faults: pos.Faults(),
				Ops: conntest.Ops{
					CreateOrder: map[connectors.OrderKind]string{connectors.KindOrder: ccvshop.OpCreateOrder},
					SetStock:    ccvshop.OpUpdateProduct, // a simple product's quantity is PATCHed on the product
				},
				AddOrder: func(o model.Order) string {
					return pos.AddSale(ccvsim.Sale{Order: o, RegisterID: 1, StoreID: 1})
				},
				AddProduct: func(p model.Product) {
					pos.AddProduct(ccvsim.Product{SKU: p.SKU, Name: p.Name, Price: p.Price, VAT: p.VAT, Active: p.Active, StockEnabled: p.ManageStock})
				},
				AddCustomer: func(c model.Customer) { pos.AddUser(c) },
				// The order is booked on an account, as the order flow does.
				PrepareDraft: func(_ testing.TB, d *connectors.OrderDraft) { d.CustomerID = pos.AddUser(d.Order.Customer) },
				StoredOrders: func(externalID string, _ connectors.OrderKind) []conntest.StoredOrder {
					var out []conntest.StoredOrder
					for _, o := range pos.OrdersByReservation(externalID) {
						out = append(out, conntest.StoredOrder{ID: o.ID, Total: o.Total})
					}
					return out
				},
				StoredStock: func(sku string) (model.Quantity, bool) {
					p, ok := pos.Product(sku)
					return p.Stock, ok
				},
				Secrets: []string{key},
			}
		},
	})
}
