package shopware6_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/shopware6"
	"github.com/koppel/koppel/connectors/shopware6/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// benchShop is a shop of n orders of five lines, as worker's
// BenchmarkShopwareOrderSync seeds it, with a client against it.
func benchShop(b *testing.B, n int) (*shopware6.Client, []string, time.Time) {
	b.Helper()
	shop := sim.New(sim.Options{AccessKeyID: keyID, SecretAccessKey: secret, NoLoginLimiter: true})
	srv := httptest.NewServer(shop)
	b.Cleanup(srv.Close)
	c, err := shopware6.New(shopware6.Config{BaseURL: srv.URL, AccessKeyID: keyID, SecretAccessKey: secret})
	if err != nil {
		b.Fatal(err)
	}
	cat := simkit.DemoProducts()
	from := time.Now().Add(-time.Hour).Truncate(time.Second)
	ids := make([]string, n)
	for i := range ids {
		lines := make([]model.OrderLine, 5)
		for j := range lines {
			lines[j] = cat[(i+j)%len(cat)].Line(int64(1 + (i+j)%3))
		}
		o := model.Order{CreatedAt: from.Add(time.Duration(i) * time.Millisecond), Status: model.StatusPending, Paid: true,
			Currency: "EUR", PricesIncludeVAT: true, Customer: simkit.DemoCustomers()[i%len(simkit.DemoCustomers())].Customer,
			Lines: lines, ShippingCost: model.NewMoney(495, "EUR"), ShippingVAT: model.VATPercent(21), ShippingMethod: "PostNL", PaymentMethod: "iDEAL"}
		o.Total = o.ComputedTotal()
		ids[i] = shop.AddOrder(o)
	}
	return c, ids, from
}

// BenchmarkGetOrder is one order read whole, the simulator's work included.
func BenchmarkGetOrder(b *testing.B) {
	c, ids, _ := benchShop(b, 1000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.GetOrder(ctx, ids[i%len(ids)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListOrders is a backfill's listing of 1,000 paid orders, page by
// page, the simulator's work included.
func BenchmarkListOrders(b *testing.B) {
	c, ids, from := benchShop(b, 1000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := connectors.OrderQuery{CreatedFrom: from.Add(-time.Minute), CreatedTo: from.Add(time.Hour), OnlyPaid: true, PageSize: 100}
		seen := 0
		for {
			page, err := c.ListOrders(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			seen += len(page.Orders)
			if q.PageToken = page.NextPageToken; q.PageToken == "" {
				break
			}
		}
		if seen != len(ids) {
			b.Fatalf("listed %d of %d orders", seen, len(ids))
		}
	}
}
