package sim

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

// A listing filters and sorts every order on the parts its criteria read
// and renders only its page whole: it must answer exactly what filtering
// and sorting the whole renders answers.
func TestListingAnswersAsWholeRenders(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	s := New(Options{AccessKeyID: "k", SecretAccessKey: "s", Now: func() time.Time { return now }})
	cat := simkit.DemoProducts()
	var ids []string
	for i := range 40 {
		c := simkit.DemoCustomers()[i%len(simkit.DemoCustomers())].Customer
		o := model.Order{CreatedAt: now.Add(time.Duration(i%13-20) * time.Minute), Status: model.StatusPending, Paid: i%3 != 0,
			Currency: "EUR", PricesIncludeVAT: true, Customer: c, ShippingCost: model.NewMoney(495, "EUR"), ShippingVAT: model.VATPercent(21),
			Lines:          []model.OrderLine{cat[i%len(cat)].Line(int64(i%3 + 1)), cat[(i+1)%len(cat)].Line(1)},
			ShippingMethod: "PostNL", PaymentMethod: "iDEAL"}
		o.Total = o.ComputedTotal()
		ids = append(ids, s.AddOrderWith(o, OrderOptions{Guest: i%5 == 0}))
	}
	now = now.Add(time.Minute)
	require.NoError(t, s.Touch(ids[3]))
	require.NoError(t, s.SetPaid(ids[6]))
	require.NoError(t, s.Corrupt(ids[9], "orderDateTime", `"yesterday"`))

	since := now.Add(-15 * time.Minute).Format("2006-01-02 15:04:05.000")
	bodies := []string{
		`{}`,
		`{"limit":7,"page":2,"sort":[{"field":"createdAt","order":"ASC"},{"field":"id","order":"ASC"}],"total-count-mode":"next-pages"}`,
		// the order feed's pass and the backfill's listing, as the client sends them
		`{"page":1,"limit":10,"total-count-mode":"next-pages","associations":{"stateMachineState":{},"transactions":{"associations":{"stateMachineState":{}}},"deliveries":{"associations":{"stateMachineState":{}}}},
		  "sort":[{"field":"createdAt","order":"ASC"},{"field":"id","order":"ASC"}],
		  "filter":[{"type":"multi","operator":"or","queries":[{"type":"range","field":"createdAt","parameters":{"gte":"` + since + `"}},{"type":"range","field":"updatedAt","parameters":{"gte":"` + since + `"}},{"type":"range","field":"transactions.updatedAt","parameters":{"gte":"` + since + `"}},{"type":"range","field":"deliveries.updatedAt","parameters":{"gte":"` + since + `"}}]}]}`,
		`{"page":2,"limit":5,"total-count-mode":"next-pages","associations":{"stateMachineState":{}},
		  "sort":[{"field":"orderDateTime","order":"ASC"},{"field":"id","order":"ASC"}],
		  "filter":[{"type":"range","field":"orderDateTime","parameters":{"gte":"` + since + `"}},{"type":"equalsAny","field":"transactions.stateMachineState.technicalName","value":["paid","paid_partially"]}]}`,
		`{"filter":[{"type":"contains","field":"orderCustomer.email","value":"example"},{"type":"range","field":"price.totalPrice","parameters":{"gt":10}}],
		  "sort":[{"field":"lineItems.quantity","order":"DESC"},{"field":"billingAddress.city","order":"ASC"}],"total-count-mode":"exact","limit":12}`,
		`{"post-filter":[{"type":"equals","field":"orderCustomer.customer.guest","value":true}],"sort":[{"field":"deliveries.shippingMethod.name","order":"DESC"}],
		  "includes":{"order":["id","orderNumber","lineItems"]},"associations":{"lineItems":{},"currency":{}}}`,
		`{"filter":[{"type":"not","queries":[{"type":"equals","field":"stateMachineState.technicalName","value":"cancelled"}]}],"limit":3,"page":4}`,
	}
	for i, body := range bodies {
		s.mu.Lock()
		got := s.search("order", []byte(body), false)
		want := s.searchWholeRenders(t, body)
		s.mu.Unlock()
		require.Empty(t, got.errs, "criteria %d", i)
		g, err := json.Marshal(got.body)
		require.NoError(t, err)
		w, err := json.Marshal(want)
		require.NoError(t, err)
		assert.JSONEq(t, string(w), string(g), "criteria %d", i)
		assert.NotEmpty(t, got.body.(node)["data"], "criteria %d", i)
	}
}

// searchWholeRenders is the order search rendering every order whole
// (the lock held).
func (s *Sim) searchWholeRenders(t *testing.T, body string) node {
	q, errs := parseCriteria("order", []byte(body))
	require.Empty(t, errs)
	var all []node
	for _, o := range s.state.Orders {
		all = append(all, s.renderOrder(o))
	}
	page, total := q.run(all)
	data := make([]any, 0, len(page))
	for _, n := range page {
		s.shape(n, "order", q, q.includes)
		data = append(data, n)
	}
	return node{"total": total, "data": data, "aggregations": []any{}}
}

// Each part of a partial render is the whole render's.
func TestPartialRenderIsTheWholeRendersParts(t *testing.T) {
	s := New(Options{AccessKeyID: "k", SecretAccessKey: "s"})
	c := simkit.DemoCustomers()[1].Customer
	o := model.Order{Status: model.StatusPending, Paid: true, Currency: "EUR", PricesIncludeVAT: true, Customer: c,
		Lines: []model.OrderLine{simkit.DemoProducts()[0].Line(2)}, ShippingCost: model.NewMoney(495, "EUR"), ShippingVAT: model.VATPercent(21)}
	o.Total = o.ComputedTotal()
	id := s.AddOrder(o)
	s.mu.Lock()
	defer s.mu.Unlock()
	whole := s.renderOrder(s.byID[id])
	for key := range whole {
		part := s.renderOrderPart(s.byID[id], reach{key: nil})
		w, _ := json.Marshal(whole[key])
		p, _ := json.Marshal(part[key])
		assert.JSONEq(t, string(w), string(p), fmt.Sprintf("key %s", key))
	}
	for _, list := range []string{"deliveries", "transactions"} {
		for key := range whole[list].([]any)[0].(node) {
			part := s.renderOrderPart(s.byID[id], reach{list: reach{key: nil}})
			w, _ := json.Marshal(whole[list].([]any)[0].(node)[key])
			p, _ := json.Marshal(part[list].([]any)[0].(node)[key])
			assert.JSONEq(t, string(w), string(p), fmt.Sprintf("key %s.%s", list, key))
		}
	}
}

func TestReachTree(t *testing.T) {
	r := reach{}
	r.add([]string{"transactions", "stateMachineState", "technicalName"})
	r.add([]string{"transactions", "updatedAt"})
	r.add([]string{"price", "totalPrice"})
	r.add([]string{"price"})
	r.add([]string{"price", "netPrice"})
	r.add([]string{"id"})
	assert.Equal(t, reach{"transactions": reach{"stateMachineState": reach{"technicalName": nil}, "updatedAt": nil}, "price": nil, "id": nil}, r)
	assert.True(t, r.wants("id", "x"))
	assert.False(t, r.wants("deliveries"))
	assert.True(t, r.sub("price").wants("anything"), "a whole field reaches all below it")
	assert.False(t, r.sub("transactions").wants("amount"))
	assert.True(t, reach(nil).sub("x").wants("y"))
}
