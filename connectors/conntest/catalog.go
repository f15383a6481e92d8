package conntest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// pageLimit bounds a listing the checks page through: far more pages of 2
// than the few records they seed, so only a token that never ends hits it.
const pageLimit = 100

// productPaging lists the changed products from the start, two a page: the
// last page comes, with the cursor the next run starts from, and every
// seeded SKU is listed once.
func (s *suite) productPaging(t testing.TB) {
	p := s.pair(t, Setup{Now: NewClock(time.Now()).Now})
	if p.AddProduct == nil {
		t.Skip("the harness cannot seed products (Pair.AddProduct)")
	}
	src := p.Client.(connectors.ProductSource)
	want := map[string]bool{}
	for i, dp := range simkit.DemoProducts()[:5] {
		sku := fmt.Sprintf("CT-PAGE-%d", i+1)
		want[sku] = true
		p.AddProduct(model.Product{SKU: sku, Name: dp.Name, Price: model.NewMoney(dp.PriceCents, "EUR"),
			PriceIncludesVAT: true, VAT: model.VATPercent(dp.VATPercent), Active: true})
	}
	seen := map[string]int{}
	token := ""
	for pages := 1; ; pages++ {
		if pages > pageLimit {
			t.Fatalf("no last page after %d pages of 2; the page token does not advance: %q", pageLimit, token)
		}
		page, err := src.ListChangedProducts(context.Background(), connectors.ChangeQuery{PageSize: 2, PageToken: token})
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		for _, sp := range page.Products {
			for _, sku := range sp.Product.AllSKUs() {
				seen[sku]++
			}
		}
		if page.NextPageToken == "" {
			if page.Cursor == "" {
				t.Error("the last page holds no cursor for the next run to start from")
			}
			break
		}
		if page.NextPageToken == token {
			t.Fatalf("page %d returned its own token again: %q", pages, token)
		}
		token = page.NextPageToken
	}
	for sku := range want {
		if seen[sku] != 1 {
			t.Errorf("product %s was listed %d times, want once", sku, seen[sku])
		}
	}
}

// customerPaging lists the customers from the start, two a page: the last
// page comes and every seeded customer is listed once.
func (s *suite) customerPaging(t testing.TB) {
	p := s.pair(t, Setup{Now: NewClock(time.Now()).Now})
	if p.AddCustomer == nil {
		t.Skip("the harness cannot seed customers (Pair.AddCustomer)")
	}
	src := p.Client.(connectors.CustomerSource)
	want := map[string]bool{}
	for i, dc := range simkit.DemoCustomers()[:5] {
		c := dc.Customer
		c.Email = fmt.Sprintf("conntest-%d@example.invalid", i+1)
		want[c.Email] = true
		p.AddCustomer(c)
	}
	seen := map[string]int{}
	token := ""
	for pages := 1; ; pages++ {
		if pages > pageLimit {
			t.Fatalf("no last page after %d pages of 2; the page token does not advance: %q", pageLimit, token)
		}
		page, err := src.ListCustomers(context.Background(), connectors.ChangeQuery{PageSize: 2, PageToken: token})
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		for _, sc := range page.Customers {
			seen[sc.Customer.Email]++
		}
		if page.NextPageToken == "" {
			break
		}
		if page.NextPageToken == token {
			t.Fatalf("page %d returned its own token again: %q", pages, token)
		}
		token = page.NextPageToken
	}
	for email := range want {
		if seen[email] != 1 {
			t.Errorf("customer %s was listed %d times, want once", email, seen[email])
		}
	}
}
