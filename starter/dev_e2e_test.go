package main

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// The two-shops file the way `starter dev` runs it, on a real dev server:
// its simulators, the derived file, the schedules it applies and a worker
// given the demo credentials. Both shops' orders reach the one till, each
// under its own prefix.
func TestTwoShopsOrdersReachTheirTill(t *testing.T) {
	s := startFileStack(t, twoShopsFile, "dev-e2e")
	s.triggerOrders(t)
	sims := s.sims

	// Each shop's demo: eleven orders, two unpaid and one with a SKU the
	// till does not know; the other eight arrive.
	var want []string
	for _, shop := range []struct {
		prefix string
		first  int
	}{{"noord-", 1001}, {"zuid-", 2001}} {
		for i := range 11 {
			if i == 4 || i == 5 || i == 8 {
				continue
			}
			want = append(want, shop.prefix+strconv.Itoa(shop.first+i))
		}
	}
	slices.Sort(want)
	till := sims.tillOf(t, 0)
	got := func() []string {
		var ids []string
		for _, o := range till.Orders() {
			ids = append(ids, o.ExtOrderID)
		}
		slices.Sort(ids)
		return ids
	}
	if !assert.Eventually(t, func() bool { return slices.Equal(want, got()) }, 3*time.Minute, 500*time.Millisecond) {
		t.Fatalf("till orders: want %v, got %v", want, got())
	}
}
