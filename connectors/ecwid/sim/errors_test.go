package sim_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/ecwid/sim"
	"github.com/koppel/koppel/connectors/simkit"
)

func validOrder() obj {
	return obj{"email": "a@example.nl", "paymentStatus": "PAID", "fulfillmentStatus": "AWAITING_PROCESSING",
		"subtotal": 10, "total": 10, "items": []obj{{"sku": "A", "price": 10, "quantity": 1}}}
}

func with(base obj, key string, v any) obj {
	out := obj{}
	for k, x := range base {
		out[k] = x
	}
	if v == nil {
		delete(out, key)
	} else {
		out[key] = v
	}
	return out
}

// Writes are strict about types and required fields, each error naming
// its field; unknown properties are ignored.
func TestWriteErrors(t *testing.T) {
	st := newStore(t, sim.Options{})
	for _, c := range []struct {
		name  string
		body  any
		field string
	}{
		{"price as a string", with(validOrder(), "total", "10.00"), "'total'"},
		{"nested wrong type", with(validOrder(), "items", []obj{{"sku": "A", "price": 10, "quantity": "1"}}), "'items[0].quantity'"},
		{"fractional quantity", with(validOrder(), "items", []obj{{"sku": "A", "price": 10, "quantity": 1.5}}), "'items[0].quantity'"},
		{"no quantity", with(validOrder(), "items", []obj{{"sku": "A", "price": 10}}), "'items[0].quantity'"},
		{"negative price", with(validOrder(), "items", []obj{{"sku": "A", "price": -1, "quantity": 1}}), "'items[0].price'"},
		{"missing total", with(validOrder(), "total", nil), "'total'"},
		{"missing email", with(validOrder(), "email", nil), "'email'"},
		{"unknown status", with(validOrder(), "paymentStatus", "BETAALD"), "'paymentStatus'"},
		{"person as a string", with(validOrder(), "billingPerson", "Piet"), "'billingPerson'"},
		{"not JSON", "{total: 1", ""},
		{"not an object", "[1]", "'body'"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := st.do(http.MethodPost, "/orders", c.body).apiError(t, http.StatusBadRequest)
			assert.Equal(t, sim.CodeWrongParameter, e.ErrorCode)
			assert.Contains(t, e.ErrorMessage, c.field)
		})
	}
	assert.Empty(t, st.sim.Orders(), "nothing was written")
	assert.Equal(t, http.StatusOK, st.do(http.MethodPost, "/orders", with(validOrder(), "fulfilmentType", "DELIVERY")).status,
		"an unknown property is ignored")
	e := st.do(http.MethodPost, "/products", obj{"name": "N", "price": 1}).apiError(t, http.StatusBadRequest)
	assert.Contains(t, e.ErrorMessage, "'sku'")
	e = st.do(http.MethodPost, "/customers", obj{"billingPerson": obj{"name": "X"}}).apiError(t, http.StatusBadRequest)
	assert.Contains(t, e.ErrorMessage, "'email'")
	e = st.do(http.MethodPut, "/products/1/inventory", obj{"quantityDelta": 1}).apiError(t, http.StatusNotFound)
	assert.Equal(t, sim.CodeProductNotFound, e.ErrorCode)
}

func TestNotFoundAndConflicts(t *testing.T) {
	st := newStore(t, sim.Options{})
	for path, code := range map[string]string{
		"/orders/ZZZZZ":   sim.CodeOrderNotFound,
		"/products/42":    sim.CodeProductNotFound,
		"/customers/42":   sim.CodeCustomerNotFound,
		"/categories/42":  sim.CodeCategoriesNotFound,
		"/no-such-thing":  sim.CodeResourceNotFound,
		"/products/x/abc": sim.CodeResourceNotFound,
	} {
		e := st.do(http.MethodGet, path, nil).apiError(t, http.StatusNotFound)
		assert.Equal(t, code, e.ErrorCode, path)
	}
	e := st.do(http.MethodPatch, "/orders", obj{}).apiError(t, http.StatusMethodNotAllowed)
	assert.Equal(t, sim.CodeMethodNotAllowed, e.ErrorCode)

	pid := st.create("/products", obj{"sku": "SKU-1", "name": "One", "price": 10, "quantity": 5, "externalReferenceId": "pos-1"})
	e = st.do(http.MethodPost, "/products", obj{"sku": "SKU-1", "name": "Two", "price": 10}).apiError(t, http.StatusConflict)
	assert.Equal(t, sim.CodeSKUExists, e.ErrorCode)
	e = st.do(http.MethodPost, "/products", obj{"sku": "SKU-2", "name": "Two", "price": 10, "externalReferenceId": "pos-1"}).apiError(t, http.StatusConflict)
	assert.Equal(t, sim.CodeExternalIDUsed, e.ErrorCode)

	combs := fmt.Sprintf("/products/%d/combinations", pid)
	st.create(combs, obj{"sku": "SKU-1-RED", "options": []obj{{"name": "Kleur", "value": "Rood"}}, "quantity": 1})
	e = st.do(http.MethodPost, combs, obj{"sku": "SKU-1-RED2", "options": []obj{{"name": "kleur", "value": "ROOD"}}}).apiError(t, http.StatusConflict)
	assert.Equal(t, sim.CodeCombinationDuplicated, e.ErrorCode)
	e = st.do(http.MethodPost, combs, obj{"sku": "SKU-1-RED", "options": []obj{{"name": "Kleur", "value": "Blauw"}}}).apiError(t, http.StatusConflict)
	assert.Equal(t, sim.CodeSKUExists, e.ErrorCode, "a combination's SKU is unique too")
	e = st.do(http.MethodPost, combs, obj{"sku": "SKU-1", "options": []obj{{"name": "Kleur", "value": "Groen"}}, "quantity": 2}).apiError(t, http.StatusBadRequest)
	assert.Equal(t, sim.CodeDifferentStock, e.ErrorCode)
	st.create(combs, obj{"sku": "SKU-1", "options": []obj{{"name": "Kleur", "value": "Groen"}}, "quantity": 5, "unlimited": false})
	e = st.do(http.MethodGet, combs+"/1", nil).apiError(t, http.StatusNotFound)
	assert.Equal(t, sim.CodeCombinationNotFound, e.ErrorCode)

	// With the store's non-unique SKUs the same SKU is fine.
	dup := newStore(t, sim.Options{AllowDuplicateSKUs: true})
	dup.create("/products", obj{"sku": "SAME", "name": "One", "price": 1})
	dup.create("/products", obj{"sku": "SAME", "name": "Two", "price": 1})
}

// Inline combinations are saved only with saveCombinations=true.
func TestSaveCombinations(t *testing.T) {
	st := newStore(t, sim.Options{})
	body := obj{"sku": "T", "name": "T", "price": 10, "combinations": []obj{
		{"sku": "T-S", "options": []obj{{"name": "Maat", "value": "S"}}, "quantity": 1},
		{"sku": "T-M", "options": []obj{{"name": "Maat", "value": "M"}}, "price": 12.5, "quantity": 0},
	}}
	id := st.create("/products", body)
	assert.Empty(t, st.sim.Combinations(id), "ignored without saveCombinations")
	body["sku"] = "T2"
	body["combinations"].([]obj)[0]["sku"] = "T2-S"
	body["combinations"].([]obj)[1]["sku"] = "T2-M"
	id = st.create("/products?saveCombinations=true", body)
	combs := st.sim.Combinations(id)
	require.Len(t, combs, 2)
	var p wireProduct
	st.ok(http.MethodGet, fmt.Sprintf("/products/%d", id), nil, &p)
	assert.True(t, p.InStock, "one combination is in stock")
	assert.Equal(t, "12.5", string(p.Combinations[1].Price))
	assert.False(t, p.Combinations[1].InStock)
}

// Faults: injected statuses look like the API's (or its proxy's), and a
// drop after commit writes and then cuts the connection.
func TestFaults(t *testing.T) {
	st := newStore(t, sim.Options{})
	st.sim.Faults().Add(simkit.Rule{Op: sim.OpGetProfile, Kind: simkit.FaultStatus, Status: http.StatusServiceUnavailable, Times: 1})
	r := st.do(http.MethodGet, "/profile", nil)
	assert.Equal(t, http.StatusServiceUnavailable, r.status)
	assert.NotContains(t, r.header.Get("Content-Type"), "json", "a proxy's outage page")
	assert.Equal(t, http.StatusOK, st.do(http.MethodGet, "/profile", nil).status, "Times: 1")

	st.sim.Faults().Add(simkit.Rule{Op: sim.OpSearchOrders, Kind: simkit.FaultStatus, Status: http.StatusInternalServerError, Times: 1})
	e := st.do(http.MethodGet, "/orders", nil).apiError(t, http.StatusInternalServerError)
	assert.Equal(t, sim.CodeInternalError, e.ErrorCode)

	st.sim.Faults().Add(simkit.Rule{Op: sim.OpUpdateProduct, Kind: simkit.FaultRateLimit, RetryAfter: 7 * time.Second, Times: 1})
	r = st.do(http.MethodPut, "/products/1", obj{})
	assert.Equal(t, sim.CodeRateLimited, r.apiError(t, http.StatusTooManyRequests).ErrorCode)
	assert.Equal(t, "7", r.header.Get("Retry-After"))

	st.sim.Faults().Add(simkit.Rule{Op: sim.OpCreateOrder, Kind: simkit.FaultDropAfterCommit, Times: 1})
	req, err := http.NewRequest(http.MethodPost, st.base+"/orders", strings.NewReader(jsonText(validOrder())))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	require.Error(t, err, "the answer is lost")
	assert.Len(t, st.sim.Orders(), 1, "but the order was written")
	assert.Equal(t, 1, st.sim.Faults().Hits(simkit.FaultDropAfterCommit))
	assert.Equal(t, 1, st.sim.Calls().Count(sim.OpCreateOrder))
}

// The main image upload (binary or externalUrl), and deletes.
func TestImagesAndDeletes(t *testing.T) {
	st := newStore(t, sim.Options{})
	pid := st.create("/products", obj{"sku": "IMG", "name": "Met foto", "price": 1})
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	img := st.create(fmt.Sprintf("/products/%d/image", pid), png)
	p := st.ok(http.MethodGet, fmt.Sprintf("/products/%d", pid), nil, nil).fields(t)
	assert.Contains(t, p["imageUrl"], fmt.Sprint(img))
	e := st.do(http.MethodPost, fmt.Sprintf("/products/%d/image", pid), "not an image").apiError(t, http.StatusBadRequest)
	assert.Equal(t, sim.CodeWrongParameter, e.ErrorCode)
	e = st.do(http.MethodPost, fmt.Sprintf("/products/%d/image?externalUrl=http://example.com/a.png", pid), nil).apiError(t, http.StatusUnprocessableEntity)
	assert.Equal(t, "WRONG_URL", e.ErrorCode)
	st.create(fmt.Sprintf("/products/%d/image?externalUrl=https://example.com/a.png", pid), nil)
	p = st.ok(http.MethodGet, fmt.Sprintf("/products/%d", pid), nil, nil).fields(t)
	assert.Equal(t, "https://example.com/a.png", p["imageUrl"])

	var del struct{ DeleteCount int }
	st.ok(http.MethodDelete, fmt.Sprintf("/products/%d", pid), nil, &del)
	assert.Equal(t, 1, del.DeleteCount)
	assert.Equal(t, http.StatusNotFound, st.do(http.MethodGet, fmt.Sprintf("/products/%d", pid), nil).status)
	cust := st.create("/customers", obj{"email": "a@example.nl"})
	st.ok(http.MethodPut, fmt.Sprintf("/customers/%d", cust), obj{"billingPerson": obj{"name": "A B"},
		"shippingAddresses": []obj{{"name": "A B", "street": "Laan 1", "countryCode": "BE"}}}, nil)
	c, _ := st.sim.Customer(cust)
	assert.Equal(t, "A B", c.BillingPerson.Name)
	require.Len(t, c.ShippingAddresses, 1)
	assert.Equal(t, "a@example.nl", c.Email, "a partial update keeps the rest")
	st.ok(http.MethodDelete, fmt.Sprintf("/customers/%d", cust), nil, &del)
	assert.Empty(t, st.sim.Customers())
	var created struct {
		OrderID string `json:"orderid"`
	}
	st.ok(http.MethodPost, "/orders", validOrder(), &created)
	st.ok(http.MethodDelete, "/orders/"+created.OrderID, nil, &del)
	assert.Empty(t, st.sim.Orders())
}
