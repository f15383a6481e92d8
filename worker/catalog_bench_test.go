package worker_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/koppel/koppel/activities"
	mplussim "github.com/koppel/koppel/connectors/mplus/sim"
	"github.com/koppel/koppel/workflows"
)

// BenchmarkProductSync measures the products flow on its own: N till
// articles (KOPPEL_BENCH_PRODUCTS, default 1000) created in the unthrottled
// shop simulator by one full ProductSyncWorkflow, in pages of 100, through
// the real dev server and an in-process worker. It reports products per
// second, outside-API calls per product, history events per product and the
// largest page result (the biggest payload the flow puts in history).
func BenchmarkProductSync(b *testing.B) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("KOPPEL_BENCH_PRODUCTS")); err == nil && v > 0 {
		n = v
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := newStack(b, stackOptions{noOrders: true, unthrottled: true, sourceOptions: `{packageId: "1", pricesIncludeVat: "true"}`,
			catalogFlows: []string{`productsToSource: {pageSize: 100, pagesPerRun: 200}`}})
		group := s.mplus.AddGroup(0, "Bench")
		for j := 0; j < n; j++ {
			s.mplus.AddProductWithArticles(mplussim.CatalogProduct{Description: fmt.Sprintf("Artikel %d", j), Groups: []int{group},
				Articles: []mplussim.Product{{PLU: fmt.Sprintf("B-%05d", j), Description: fmt.Sprintf("Artikel %d", j),
					PriceInclCents: int64(100 + j), VatCode: mplussim.VatCodeHigh, Barcode: fmt.Sprintf("87%011d", j), Webshop: true}}})
		}
		ctx := context.Background()
		b.StartTimer()
		start := time.Now()
		run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "bench-products", TaskQueue: s.taskQueue},
			workflows.ProductSyncWorkflow, workflows.CatalogInput{Integration: "shop", Full: true})
		require.NoError(b, err)
		var res workflows.CatalogState
		require.NoError(b, run.Get(ctx, &res))
		took := time.Since(start)
		b.StopTimer()
		require.Equal(b, n, res.LastRun.Counts[activities.OutcomeCreated], "%+v", res.LastRun.Counts)
		require.Len(b, s.ccv.Products(), n)

		events, largest := 0, 0
		it := s.client.GetWorkflowHistory(ctx, run.GetID(), run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			e, err := it.Next()
			require.NoError(b, err)
			events++
			if done := e.GetActivityTaskCompletedEventAttributes(); done != nil {
				for _, p := range done.GetResult().GetPayloads() {
					largest = max(largest, len(p.GetData()))
				}
			}
		}
		b.ReportMetric(float64(n)/took.Seconds(), "products/s")
		b.ReportMetric(float64(s.calls.get("ccvshop"))/float64(n), "shop-calls/product")
		b.ReportMetric(float64(s.calls.get("mplus"))/float64(n), "till-calls/product")
		b.ReportMetric(float64(events)/float64(n), "events/product")
		b.ReportMetric(float64(largest)/1024, "largest-result-KiB")
	}
}
