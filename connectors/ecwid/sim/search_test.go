package sim_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/ecwid/sim"
)

func addOrders(t *testing.T, st *store, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		id, err := st.sim.AddOrder(sim.Order{Email: fmt.Sprintf("k%03d@example.nl", i), PaymentStatus: "PAID",
			Subtotal: 100, Total: 100, Items: []sim.OrderItem{{SKU: "A", Price: 100, Quantity: 1}}})
		require.NoError(t, err)
		ids = append(ids, id)
		st.advance(time.Second)
	}
	return ids
}

func TestPagingCaps(t *testing.T) {
	st := newStore(t, sim.Options{})
	addOrders(t, st, 130)
	var pg searchPage
	st.ok(http.MethodGet, "/orders", nil, &pg)
	assert.Equal(t, searchPage{Total: 130, Count: 100, Offset: 0, Limit: 100}, withoutItems(pg), "default and maximum 100")
	st.ok(http.MethodGet, "/orders?limit=500", nil, &pg)
	assert.Equal(t, 100, pg.Limit, "a larger limit is cut to 100")
	assert.Equal(t, 100, pg.Count)
	st.ok(http.MethodGet, "/orders?offset=100&limit=100", nil, &pg)
	assert.Equal(t, 30, pg.Count)
	st.ok(http.MethodGet, "/orders?offset=200", nil, &pg)
	assert.Equal(t, 0, pg.Count)
	assert.NotNil(t, pg.Items, "items is an empty array past the end")
	for _, bad := range []string{"limit=0", "offset=-1", "limit=abc"} {
		e := st.do(http.MethodGet, "/orders?"+bad, nil).apiError(t, http.StatusBadRequest)
		assert.Equal(t, sim.CodeWrongParameter, e.ErrorCode, bad)
	}
}

func withoutItems(p searchPage) searchPage { p.Items = nil; return p }

// The sku parameter matches a product's or a combination's SKU exactly
// and answers the parent product; other filters are ignored.
func TestSKUSearchFindsTheParent(t *testing.T) {
	st := newStore(t, sim.Options{})
	parent, err := st.sim.AddProduct(sim.Product{SKU: "SHIRT", Name: "Shirt", Price: 1500, Enabled: true,
		Combinations: []sim.Combination{
			{Options: []sim.OptionValue{{Name: "Size", Value: "S"}}, SKU: "SHIRT-S", Quantity: 2},
			{Options: []sim.OptionValue{{Name: "Size", Value: "M"}}, SKU: "SHIRT-M", Quantity: 0},
		}})
	require.NoError(t, err)
	_, err = st.sim.AddProduct(sim.Product{SKU: "SHIRT-SX", Name: "Other", Price: 1, Enabled: true, Unlimited: true})
	require.NoError(t, err)

	var pg searchPage
	st.ok(http.MethodGet, "/products?sku=SHIRT-S&enabled=false&keyword=nothing", nil, &pg)
	require.Equal(t, 1, pg.Total, "exact match, other filters ignored")
	var p wireProduct
	require.NoError(t, json.Unmarshal(pg.Items[0], &p))
	assert.Equal(t, parent, p.ID)
	require.Len(t, p.Combinations, 2)
	st.ok(http.MethodGet, "/products?sku=shirt-s", nil, &pg)
	assert.Equal(t, 0, pg.Total, "the match is exact")
	st.ok(http.MethodGet, "/products?sku=SHIRT", nil, &pg)
	assert.Equal(t, 1, pg.Total)
	st.ok(http.MethodGet, "/products?keyword=shirt-s", nil, &pg)
	assert.Equal(t, 2, pg.Total, "keyword matches a part, SKUs of combinations included")
	st.ok(http.MethodGet, fmt.Sprintf("/products?productId=%d&sku=SHIRT-SX", parent), nil, &pg)
	require.Equal(t, 1, pg.Total, "productId beats sku")
	require.NoError(t, json.Unmarshal(pg.Items[0], &p))
	assert.Equal(t, parent, p.ID)

	found, ok := st.sim.ProductBySKU("SHIRT-M")
	require.True(t, ok)
	assert.Equal(t, parent, found.ID)
}

// updatedFrom takes UNIX seconds and the documented date strings, and is
// inclusive at the second.
func TestUpdatedFrom(t *testing.T) {
	st := newStore(t, sim.Options{})
	ids := addOrders(t, st, 3) // created at 10:00:00, :01, :02
	mid := st.clock()
	st.advance(time.Minute)
	require.NoError(t, st.sim.SetOrderStatus(ids[0], "", "SHIPPED")) // updated at 10:01:03
	pid, err := st.sim.AddProduct(sim.Product{SKU: "P", Name: "P", Price: 1, Quantity: 1})
	require.NoError(t, err)
	st.advance(time.Minute)
	require.NoError(t, st.sim.SetStock("P", 5))
	changed := st.clock()

	var pg searchPage
	for _, from := range []string{
		strconv.FormatInt(mid.Add(time.Second).Unix(), 10),
		mid.Add(time.Second).Format("2006-01-02 15:04:05 -0700"),
		mid.Add(time.Second).Format("2006-01-02 15:04:05"),
	} {
		st.ok(http.MethodGet, "/orders?updatedFrom="+url.QueryEscape(from), nil, &pg)
		require.Equal(t, 1, pg.Total, from)
		var o wireOrder
		require.NoError(t, json.Unmarshal(pg.Items[0], &o))
		assert.Equal(t, ids[0], o.ID)
	}
	st.ok(http.MethodGet, fmt.Sprintf("/orders?updatedFrom=%d", st.sim.Orders()[0].Updated.Unix()), nil, &pg)
	assert.Equal(t, 1, pg.Total, "the bound is inclusive")
	st.ok(http.MethodGet, "/orders?createdFrom=2026-03-02&createdTo="+url.QueryEscape("2026-03-02 10:00:01"), nil, &pg)
	assert.Equal(t, 2, pg.Total, "a date alone is midnight UTC")
	st.ok(http.MethodGet, fmt.Sprintf("/products?updatedFrom=%d", changed.Unix()), nil, &pg)
	require.Equal(t, 1, pg.Total, "a stock change stamps the product")
	var p wireProduct
	require.NoError(t, json.Unmarshal(pg.Items[0], &p))
	assert.Equal(t, pid, p.ID)
	assert.Equal(t, changed.Unix(), p.UpdateTimestamp)
	st.ok(http.MethodGet, fmt.Sprintf("/products?updatedFrom=%d", changed.Unix()+1), nil, &pg)
	assert.Equal(t, 0, pg.Total)

	e := st.do(http.MethodGet, "/orders?updatedFrom=yesterday", nil).apiError(t, http.StatusBadRequest)
	assert.Contains(t, e.ErrorMessage, "updatedFrom")
}

func TestUnlimitedStockHasNoQuantity(t *testing.T) {
	st := newStore(t, sim.Options{})
	id := st.create("/products", obj{"sku": "U", "name": "Unlimited", "price": 5})
	r := st.ok(http.MethodGet, fmt.Sprintf("/products/%d", id), nil, nil)
	m := r.fields(t)
	assert.Equal(t, true, m["unlimited"])
	assert.NotContains(t, m, "quantity", "no quantity written: unlimited, and quantity is left out")
	assert.Equal(t, true, m["inStock"])

	st.ok(http.MethodPut, fmt.Sprintf("/products/%d", id), obj{"quantity": 4}, nil)
	assert.NotContains(t, st.ok(http.MethodGet, fmt.Sprintf("/products/%d", id), nil, nil).fields(t), "quantity",
		"quantity alone does not end unlimited stock")
	st.ok(http.MethodPut, fmt.Sprintf("/products/%d", id), obj{"quantity": 0, "unlimited": false}, nil)
	m = st.ok(http.MethodGet, fmt.Sprintf("/products/%d", id), nil, nil).fields(t)
	assert.Equal(t, json.Number("0"), m["quantity"])
	assert.Equal(t, false, m["inStock"])
	var upd struct{ UpdateCount int }
	st.ok(http.MethodPut, fmt.Sprintf("/products/%d", id), obj{"unlimited": true}, nil)
	st.ok(http.MethodPut, fmt.Sprintf("/products/%d/inventory", id), obj{"quantityDelta": 3}, &upd)
	assert.Equal(t, 0, upd.UpdateCount, "a delta on unlimited stock changes nothing")

	var pg searchPage
	st.ok(http.MethodGet, "/products?inStock=false", nil, &pg)
	assert.Equal(t, 0, pg.Total)
}

// Unfinished orders stay out of a search unless asked for; externalOrderId
// is not unique; responseFields trims the answer.
func TestOrderSearch(t *testing.T) {
	st := newStore(t, sim.Options{})
	placed, err := st.sim.AddOrder(sim.Order{Email: "a@example.nl", PaymentStatus: "PAID", Total: 100, ExternalOrderID: "X-1"})
	require.NoError(t, err)
	_, err = st.sim.AddOrder(sim.Order{Email: "b@example.nl", PaymentStatus: sim.Unfinished, Total: 100})
	require.NoError(t, err)
	var pg searchPage
	st.ok(http.MethodGet, "/orders", nil, &pg)
	assert.Equal(t, 1, pg.Total, "unfinished orders are not listed by default")
	st.ok(http.MethodGet, "/orders?paymentStatus=INCOMPLETE", nil, &pg)
	assert.Equal(t, 1, pg.Total)
	st.ok(http.MethodGet, "/orders?paymentStatus=PAID,INCOMPLETE", nil, &pg)
	assert.Equal(t, 2, pg.Total)
	e := st.do(http.MethodGet, "/orders?paymentStatus=BETAALD", nil).apiError(t, http.StatusBadRequest)
	assert.Contains(t, e.ErrorMessage, "paymentStatus")

	// A second order with the same externalOrderId is stored.
	st.ok(http.MethodPost, "/orders", obj{"email": "a@example.nl", "paymentStatus": "PAID", "fulfillmentStatus": "AWAITING_PROCESSING",
		"subtotal": 1, "total": 1, "externalOrderId": "X-1", "externalFulfillment": true}, nil)
	n := 0
	for _, o := range st.sim.Orders() {
		if o.ExternalOrderID == "X-1" {
			n++
		}
	}
	assert.Equal(t, 2, n)
	st.ok(http.MethodGet, "/orders?email=A@EXAMPLE.NL", nil, &pg)
	assert.Equal(t, 2, pg.Total)

	r := st.ok(http.MethodGet, "/orders?ids="+placed+"&responseFields=total,items(id,email)", nil, nil)
	assert.JSONEq(t, fmt.Sprintf(`{"total":1,"items":[{"id":%q,"email":"a@example.nl"}]}`, placed), string(r.body))
	st.do(http.MethodGet, "/orders?responseFields=items(id", nil).apiError(t, http.StatusBadRequest)

	var last wireOrder
	st.ok(http.MethodGet, "/orders/last", nil, &last)
	assert.Equal(t, "a@example.nl", last.Email, "the last placed order, not the unfinished one")
}

func TestOrderPrefix(t *testing.T) {
	st := newStore(t, sim.Options{})
	p := sim.DefaultProfile()
	p.OrderPrefix = "SALE-"
	st.sim.SetProfile(p)
	id, err := st.sim.AddOrder(sim.Order{Email: "a@example.nl", Total: 1})
	require.NoError(t, err)
	require.Regexp(t, `^SALE-[A-Z2-9]{5}$`, id)
	var o wireOrder
	st.ok(http.MethodGet, "/orders/"+id, nil, &o)
	assert.Equal(t, id, o.ID)
	st.ok(http.MethodGet, "/orders/"+id[len("SALE-"):], nil, &o)
	assert.Equal(t, id, o.ID, "the id without its prefix finds the order")
	var pg searchPage
	st.ok(http.MethodGet, "/orders?ids="+id[len("SALE-"):], nil, &pg)
	assert.Equal(t, 1, pg.Total)
}

func TestCategories(t *testing.T) {
	st := newStore(t, sim.Options{})
	root := st.create("/categories", obj{"name": "Koffie"})
	sub := st.create("/categories", obj{"name": "Bonen", "parentId": root})
	hidden := st.create("/categories", obj{"name": "Oud", "enabled": false})
	_, err := st.sim.AddProduct(sim.Product{SKU: "B", Name: "B", Price: 1, Enabled: true, CategoryIDs: []int64{sub}})
	require.NoError(t, err)

	var pg searchPage
	st.ok(http.MethodGet, "/categories", nil, &pg)
	assert.Equal(t, 2, pg.Total, "disabled categories only with hidden_categories")
	st.ok(http.MethodGet, "/categories?hidden_categories=true", nil, &pg)
	assert.Equal(t, 3, pg.Total)
	st.ok(http.MethodGet, fmt.Sprintf("/categories?parent=%d", root), nil, &pg)
	require.Equal(t, 1, pg.Total)
	var c struct {
		ID, ParentID int64
		ProductCount int
	}
	require.NoError(t, json.Unmarshal(pg.Items[0], &c))
	assert.Equal(t, sub, c.ID)
	st.ok(http.MethodGet, fmt.Sprintf("/categories/%d", root), nil, &c)
	assert.Equal(t, 1, c.ProductCount, "counting subcategories")
	st.ok(http.MethodGet, fmt.Sprintf("/products?category=%d&includeProductsFromSubcategories=true", root), nil, &pg)
	assert.Equal(t, 1, pg.Total)
	st.ok(http.MethodGet, fmt.Sprintf("/products?category=%d", root), nil, &pg)
	assert.Equal(t, 0, pg.Total)

	e := st.do(http.MethodPost, "/products", obj{"sku": "Z", "name": "Z", "price": 1, "categoryIds": []int64{999}}).apiError(t, http.StatusNotFound)
	assert.Equal(t, sim.CodeCategoriesNotFound, e.ErrorCode)
	st.ok(http.MethodPut, fmt.Sprintf("/categories/%d", hidden), obj{"enabled": true}, nil)
	st.ok(http.MethodDelete, fmt.Sprintf("/categories/%d", root), nil, nil)
	assert.Len(t, st.sim.Categories(), 1, "a category goes with its subcategories")
	p, _ := st.sim.ProductBySKU("B")
	assert.Empty(t, p.CategoryIDs)
}
