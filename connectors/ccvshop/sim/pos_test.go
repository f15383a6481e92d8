package sim_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/model"
)

// accepting sends a signed request with an Accept header.
func (s *shop) accepting(t *testing.T, accept, method, uri, body string) answer {
	t.Helper()
	date := s.clock.date(0)
	return s.raw(t, method, uri, body, map[string]string{"x-public": s.pub, "x-date": date, "Accept": accept,
		"x-hash": ccvshop.Sign(s.pub, s.sec, method, uri, body, date)})
}

func TestPOSFlavourIsOffByDefault(t *testing.T) {
	s := newShop(t, sim.Options{})
	id := s.AddSale(sim.Sale{Order: order(s.clock.Now(), true, model.StatusCompleted), RegisterID: 3, StoreID: 1})

	a := s.accepting(t, ccvshop.MediaTypeSalesPOS, "GET", "/api/rest/v1/cashups/", "")
	require.Equal(t, 404, a.status, "a webshop has no cash-ups")
	assert.Equal(t, "404.20", a.json(t)["code"])

	a = s.accepting(t, ccvshop.MediaTypeSalesPOS, "GET", "/api/rest/v1/orders/"+id+"/", "")
	require.Equal(t, 200, a.status)
	assert.NotContains(t, a.json(t), "register_id")
	assert.True(t, strings.HasPrefix(a.header.Get("Content-Type"), ccvshop.MediaType))
}

func TestPOSResourcesNeedTheSalesPOSMediaType(t *testing.T) {
	s := newShop(t, sim.Options{SalesPOS: true})
	id := s.AddSale(sim.Sale{Order: order(s.clock.Now(), true, model.StatusCompleted), RegisterID: 3, StoreID: 1})
	_, err := s.AddTerminalReceipt(sim.TerminalReceipt{OrderID: id, Amount: eur(8432), Brand: "Maestro", Status: "SUCCESS"})
	require.NoError(t, err)
	s.AddCashup(sim.Cashup{Start: s.clock.Now(), Status: "OPEN"})

	for _, uri := range []string{"/api/rest/v1/cashups/", "/api/rest/v1/terminalreceipts/", "/api/rest/v1/orders/" + id + "/terminalreceipts/"} {
		a := s.accepting(t, "application/json", "GET", uri, "")
		require.Equal(t, 406, a.status, uri)
		assert.Equal(t, "406.10", a.json(t)["code"], uri)

		a = s.accepting(t, ccvshop.MediaTypeSalesPOS, "GET", uri, "")
		require.Equal(t, 200, a.status, uri)
		assert.Len(t, a.json(t)["items"], 1, uri)
		assert.True(t, strings.HasPrefix(a.header.Get("Content-Type"), ccvshop.MediaTypeSalesPOS), uri)
	}

	plain := s.accepting(t, ccvshop.MediaType, "GET", "/api/rest/v1/orders/"+id+"/", "").json(t)
	assert.NotContains(t, plain, "register_id", "the webshop schema has no POS fields")
	pos := s.accepting(t, ccvshop.MediaTypeSalesPOS, "GET", "/api/rest/v1/orders/"+id+"/", "").json(t)
	assert.Equal(t, float64(3), pos["register_id"])
	assert.Equal(t, float64(1), pos["store_id"])
	assert.Contains(t, pos["terminalreceipts"].(map[string]any)["href"], "/orders/"+id+"/terminalreceipts/")

	a := s.accepting(t, ccvshop.MediaTypeSalesPOS, "POST", "/api/rest/v1/cashups/", `{}`)
	assert.Equal(t, 405, a.status, "the simulator serves the POS resources read-only")
}

func TestCreateOrderThroughTheAPI(t *testing.T) {
	s := newShop(t, sim.Options{})
	pid := s.AddProduct(sim.Product{SKU: "KOF-1", Name: "Koffie", Price: eur(1652), VAT: model.VATPercent(21), Active: true})
	user := s.AddUser(model.Customer{Kind: model.CustomerPerson, Email: "jan@example.nl", Person: model.Person{FirstName: "Jan", LastName: "Visser"}})

	// Rows without VAT get it per row: 3 × 16.52 = 49.56 + 10.41; shipping
	// and extra costs are stated with it.
	body := `{"reservationnumber":"web-77","order_row_taxes_included":false,"shipping_taxes_included":true,"user_id":` + user +
		`,"total_shipping":4.95,"extra_costs":-2.50,"extra_costs_description":"Coupon","paid":true,"status":7,` +
		`"orderrows":[{"product_id":` + pid + `,"count":3,"price":16.52,"tax":21}]}`
	a := s.signed(t, "POST", "/api/rest/v1/orders/", body)
	require.Equal(t, 201, a.status, string(a.body))
	got := a.json(t)
	assert.Equal(t, "web-77", got["reservationnumber"])
	assert.InDelta(t, 62.42, got["total_price"], 0.0001)
	assert.Equal(t, "Coupon", got["extra_costs_description"])
	assert.Equal(t, true, got["shipping_taxes_included"])
	assert.Equal(t, false, got["order_row_taxes_included"])

	stored := s.OrdersByReservation("web-77")
	require.Len(t, stored, 1)
	assert.Equal(t, int64(6242), stored[0].Total.Amount)
	assert.Equal(t, "KOF-1", stored[0].Lines[0].SKU)
	assert.Equal(t, user, stored[0].Customer.ID)
	assert.Equal(t, model.StatusCompleted, stored[0].Status)

	list := s.signed(t, "GET", "/api/rest/v1/orders/?reservationnumber=web-77", "").json(t)
	assert.Len(t, list["items"], 1, "the listing selects by reservationnumber")
	list = s.signed(t, "GET", "/api/rest/v1/orders/?reservationnumber=web-78", "").json(t)
	assert.Empty(t, list["items"])

	for name, bad := range map[string]string{
		"unknown product":             `{"orderrows":[{"product_id":999,"count":1}]}`,
		"no count":                    `{"orderrows":[{"product_id":` + pid + `}]}`,
		"neither product nor package": `{"orderrows":[{"count":1,"price":1.00}]}`,
		"unknown user":                `{"user_id":999,"orderrows":[{"product_id":` + pid + `,"count":1}]}`,
		"unknown property":            `{"paymethod":"PIN","orderrows":[{"product_id":` + pid + `,"count":1}]}`,
		"no rows":                     `{"orderrows":[]}`,
	} {
		a := s.signed(t, "POST", "/api/rest/v1/orders/", bad)
		assert.Equal(t, 422, a.status, name+": "+string(a.body))
	}
	assert.Len(t, s.Orders(), 1, "a refused order is not stored")
}

func TestPatchUserReplacesPersonalInfo(t *testing.T) {
	s := newShop(t, sim.Options{})
	id := s.AddUser(model.Customer{Kind: model.CustomerPerson, Email: "jan@example.nl", Person: model.Person{FirstName: "Jan", LastName: "Visser"}})
	s.AddUser(model.Customer{Kind: model.CustomerPerson, Email: "piet@example.nl", Person: model.Person{FirstName: "Piet"}})

	a := s.signed(t, "PATCH", "/api/rest/v1/users/"+id+"/", `{"userinfo":{"email":"jan@example.com","billingaddress":{"first_name":"Jan","last_name":"de Vries"}}}`)
	require.Equal(t, 204, a.status, string(a.body))
	u := s.Users()[0]
	assert.Equal(t, "jan@example.com", u.Email)
	assert.Equal(t, "de Vries", u.Person.LastName)
	assert.Equal(t, id, u.ID)

	a = s.signed(t, "PATCH", "/api/rest/v1/users/"+id+"/", `{"username":"PIET@example.nl"}`)
	assert.Equal(t, 422, a.status, "usernames stay unique")
	assert.Equal(t, 404, s.signed(t, "PATCH", "/api/rest/v1/users/999/", `{}`).status)
}

func TestPOSStateSurvivesASnapshot(t *testing.T) {
	s := newShop(t, sim.Options{SalesPOS: true})
	id := s.AddSale(sim.Sale{Order: order(s.clock.Now(), true, model.StatusCompleted), RegisterID: 2})
	_, err := s.AddTerminalReceipt(sim.TerminalReceipt{OrderID: id, Amount: eur(100), Status: "SUCCESS"})
	require.NoError(t, err)
	counted := eur(5000)
	s.AddCashup(sim.Cashup{Start: s.clock.Now(), Status: "CLOSED", Balances: []sim.CashupBalance{{PaymentMethod: "Contant", Expected: eur(5000), Counted: &counted}}})
	_, err = s.AddTerminalReceipt(sim.TerminalReceipt{OrderID: "424242"})
	assert.Error(t, err, "a receipt needs its order")

	snap, err := s.Snapshot()
	require.NoError(t, err)
	again := sim.New(sim.Options{SalesPOS: true})
	require.NoError(t, again.Restore(snap))
	assert.Equal(t, s.TerminalReceipts(), again.TerminalReceipts())
	assert.Equal(t, s.Cashups(), again.Cashups())
	sale, ok := again.Sale(id)
	require.True(t, ok)
	assert.Equal(t, int64(2), sale.RegisterID)

	var st map[string]any
	require.NoError(t, json.Unmarshal(snap, &st))
	st["receipts"].([]any)[0].(map[string]any)["orderId"] = "424242"
	broken, _ := json.Marshal(st)
	assert.Error(t, again.Restore(broken), "a receipt of an order the snapshot lacks")
}
