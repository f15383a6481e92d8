package shopware6_test

import (
	"net/http/httptest"
	"testing"

	"github.com/koppel/koppel/connectors/conntest"
	"github.com/koppel/koppel/connectors/conntest/contract"
	"github.com/koppel/koppel/connectors/shopware6"
	"github.com/koppel/koppel/connectors/shopware6/sim"
	"github.com/koppel/koppel/model"
)

// TestConformance runs the conformance suite every connector passes against
// the simulated shop, with every request the client sends and every answer
// the simulator gives checked against Shopware's own Admin API contract
// (shared/specs/shopware-adminapi.json, 6.7) on the way.
//
// The stock target's checks seed a product with AddProduct and read its
// stock back from the simulator; the lost answer they retry is the sync
// request that sets the stock.
//
// Every fresh client's first call is its token request, so the suite's
// error probes (bad credentials, a proxy's 401 and 429, 5xx, a spoiled
// answer) meet the token endpoint; client_test.go probes the same failures
// on the search.
func TestConformance(t *testing.T) {
	api := contract.OpenAPIForTest(t, contract.ShopwareOpenAPI)
	const keyID, secret = "SWIACONFORMANCEKEY0000001", "conformance-secret-access-key"
	conntest.Run(t, conntest.Harness{
		System:       shopware6.System,
		FeedLookBack: shopware6.DefaultLookBack,
		New: func(t testing.TB, s conntest.Setup) *conntest.Pair {
			shop := sim.New(sim.Options{AccessKeyID: keyID, SecretAccessKey: secret, Now: s.Now})
			srv := httptest.NewServer(s.Wrap(api.Handler(t, shop)))
			t.Cleanup(srv.Close)
			key := secret
			if s.BadCredentials {
				key = "not-the-secret-access-key"
			}
			c, err := shopware6.New(shopware6.Config{BaseURL: srv.URL, AccessKeyID: keyID, SecretAccessKey: key, Now: s.Now})
			if err != nil {
				t.Fatal(err)
			}
			return &conntest.Pair{
				Client:     c,
				Faults:     shop.Faults(),
				Ops:        conntest.Ops{SetStock: shopware6.OpSync},
				AddOrder:   shop.AddOrder,
				AddProduct: func(p model.Product) { shop.AddProduct(p) },
				StoredStock: func(sku string) (model.Quantity, bool) {
					n, ok := shop.Stock(sku)
					return model.Pieces(n), ok
				},
				Secrets: []string{key},
			}
		},
	})
}
