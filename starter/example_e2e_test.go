package main

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	mplussim "github.com/koppel/koppel/connectors/mplus/sim"
	"github.com/koppel/koppel/connectors/shopware6"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// `make run` as far as the orders go: the example file the way `starter dev`
// runs it, on a real dev server, with every integration's orders schedule
// triggered. The CCV shop's demo orders and the Shopware shop's reach the
// one demo till, each under its integration's prefix, to the cent.
func TestExampleFileOrdersReachTheDemoTill(t *testing.T) {
	s := startFileStack(t, exampleFileHere, "example-e2e")
	s.triggerOrders(t)
	sims := s.sims

	// The CCV shop's demo: eleven orders, two unpaid and one with a SKU the
	// till does not know (as in the two-shops demo). The Shopware shop's:
	// every paid order, the unpaid ones wait.
	var wantCCV []string
	for i := range 11 {
		if i == 4 || i == 5 || i == 8 {
			continue
		}
		wantCCV = append(wantCCV, "demo-shop-"+strconv.Itoa(1001+i))
	}
	sw := sims.shopwareOf(t, 1)
	paidInShop := sw.Len() - len(sw.Unpaid())
	require.Equal(t, 6, paidInShop, "the Shopware demo has six paid orders")
	till := sims.tillOf(t, 0)
	split := func() (ccv, shopware []mplussim.Order) {
		for _, o := range till.Orders() {
			if strings.HasPrefix(o.ExtOrderID, "demo-shopware-") {
				shopware = append(shopware, o)
			} else {
				ccv = append(ccv, o)
			}
		}
		return ccv, shopware
	}
	ccvIDs := func() []string {
		ccv, _ := split()
		ids := make([]string, 0, len(ccv))
		for _, o := range ccv {
			ids = append(ids, o.ExtOrderID)
		}
		slices.Sort(ids)
		return ids
	}
	arrived := func() bool {
		_, shopware := split()
		return slices.Equal(wantCCV, ccvIDs()) && len(shopware) == paidInShop
	}
	if !assert.Eventually(t, arrived, 3*time.Minute, 500*time.Millisecond) {
		_, shopware := split()
		t.Fatalf("till orders: CCV want %v, got %v; Shopware want %d, got %d", wantCCV, ccvIDs(), paidInShop, len(shopware))
	}

	// Each Shopware order in the till is a paid order of the shop, once, at
	// the shop's total; the Belgian one has the Belgian VAT code, its
	// promotion a line on the discount article.
	_, shopware := split()
	unpaid := sw.Unpaid()
	seen := map[string]bool{}
	belgian := 0
	for _, o := range shopware {
		id := strings.TrimPrefix(o.ExtOrderID, "demo-shopware-")
		require.False(t, seen[id], "order %s twice", id)
		seen[id] = true
		assert.NotContains(t, unpaid, id, "an unpaid order waits")
		raw, ok := sw.Order(id)
		require.True(t, ok, "the till's %s is an order of the shop", o.ExtOrderID)
		n, _ := raw["amountTotal"].(json.Number)
		total, err := model.ParseMinor(n.String(), 2)
		require.NoError(t, err)
		assert.Equal(t, total, o.TotalInclCents, "order %v: the till's total is the shop's", raw["orderNumber"])
		assert.Equal(t, raw["orderNumber"], o.Reference)
		if o.Lines[0].VatCode == mplussim.DemoBelgianVATCode {
			belgian++
			last := o.Lines[len(o.Lines)-1]
			assert.Equal(t, "KORT", last.PLU, "the promotion is a discount line")
			assert.Equal(t, int64(-750), last.LineTotalInclCents)
		}
	}
	assert.Equal(t, 1, belgian, "one Belgian order, with the Belgian VAT code")

	// Both shops sell to the same demo customers; matched by e-mail, each is
	// one relation in the till.
	byEmail := map[string]int{}
	for _, r := range till.Relations() {
		byEmail[r.Email]++
	}
	for email, n := range byEmail {
		assert.Equal(t, 1, n, "relations with e-mail %s", email)
	}
}

// The Shopware demo keeps adding orders while `make run` runs; each must get
// an order number of its own, after the seeded ones, or the Web UI's
// OrderNumber filter and the till's reference name two orders alike.
func TestShopwareDemoActivityNumbersOrdersAfterTheSeededOnes(t *testing.T) {
	reg, ok := simkit.Lookup("shopware6")
	require.True(t, ok)
	inst := reg.Build(simkit.Config{})
	now := time.Now()
	reg.Seed(inst, simkit.DemoContext{Now: now, Instance: 1})
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3 {
		reg.Activity(inst, simkit.DemoContext{Now: now, Instance: 1, Rand: rng})
	}
	srv, err := simkit.Start("127.0.0.1:0", inst)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	shop, err := shopware6.New(shopware6.Config{BaseURL: srv.URL,
		AccessKeyID: reg.DemoCredentials["accessKeyId"], SecretAccessKey: reg.DemoCredentials["secretAccessKey"]})
	require.NoError(t, err)
	page, err := shop.ListOrders(context.Background(), connectors.OrderQuery{PageSize: 100})
	require.NoError(t, err)
	require.Len(t, page.Orders, 11, "eight seeded, three added")
	numbers := map[string]bool{}
	for _, o := range page.Orders {
		assert.False(t, numbers[o.Number], "order number %s twice", o.Number)
		numbers[o.Number] = true
	}
}
