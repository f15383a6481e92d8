package ccvshop_test

import (
	"net/http/httptest"
	"testing"

	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/conntest"
	"github.com/koppel/koppel/model"
)

// TestConformance runs the conformance suite every connector passes against
// the simulated shop.
//
// CCV Shop publishes no machine-readable contract: its JSON Schemas are
// served only by a live shop under /API/Schema/ (shared/specs/README), so
// unlike MplusKASSA's run this one checks no exchange against a contract;
// research/apis-shop-pos.md §1 is the contract the simulator follows.
func TestConformance(t *testing.T) {
	const public, secretKey = "pk_conformance", "sk_conformance_secret"
	conntest.Run(t, conntest.Harness{
		System:       ccvshop.System,
		FeedLookBack: ccvshop.DefaultLookBack,
		New: func(t testing.TB, s conntest.Setup) *conntest.Pair {
			shop := sim.New(sim.Options{PublicKey: public, SecretKey: secretKey, Now: s.Now,
				ReadsPerMinute: -1, WritesPerMinute: -1})
			srv := httptest.NewServer(s.Wrap(shop))
			t.Cleanup(srv.Close)
			key := secretKey
			if s.BadCredentials {
				key = "sk_someone_else"
			}
			c, err := ccvshop.New(ccvshop.Config{BaseURL: srv.URL, PublicKey: public, SecretKey: key,
				ReadsPerMinute: -1, WritesPerMinute: -1, Now: s.Now})
			if err != nil {
				t.Fatal(err)
			}
			return &conntest.Pair{
				Client: c,
				Faults: shop.Faults(),
				// The quantity is PATCHed on the product (a simple product's SKU).
				Ops:      conntest.Ops{SetStock: ccvshop.OpUpdateProduct},
				AddOrder: shop.AddOrder,
				AddProduct: func(p model.Product) {
					shop.AddProduct(sim.Product{SKU: p.SKU, Name: p.Name, Price: p.Price, VAT: p.VAT,
						Active: p.Active, StockEnabled: p.ManageStock})
				},
				AddCustomer: func(c model.Customer) { shop.AddUser(c) },
				StoredStock: func(sku string) (model.Quantity, bool) {
					p, ok := shop.Product(sku)
					return p.Stock, ok
				},
				Secrets: []string{key},
			}
		},
	})
}
