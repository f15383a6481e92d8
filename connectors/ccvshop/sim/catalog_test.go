package sim_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/model"
)

const api = "/api/rest/v1"

func items(t *testing.T, a answer) []map[string]any {
	t.Helper()
	require.Equal(t, 200, a.status, string(a.body))
	var out []map[string]any
	for _, it := range a.json(t)["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

func field(list []map[string]any, name string) []any {
	var out []any
	for _, m := range list {
		out = append(out, m[name])
	}
	return out
}

func shirt() sim.Product {
	return sim.Product{SKU: "SH", Name: "Shirt", Price: eur(2000), TaxTariff: "normal", Active: true, StockEnabled: true, PackageID: 1,
		Categories: []string{"Kleding > Shirts"}, Photos: []sim.Photo{{Name: "voor"}},
		Variants: []sim.Variant{
			{SKU: "SH-S", Attributes: map[string]string{"Maat": "S"}, Stock: model.Pieces(2), Active: true},
			{SKU: "SH-M", Attributes: map[string]string{"Maat": "M"}, ExtraPrice: eur(250), Stock: model.Pieces(1), Active: true},
		}}
}

// POST /products needs name, price, discount, package_id and taxtariff or
// vatrate; each missing one is a 422 naming it. Unknown and GET-only
// properties are refused.
func TestCreateProductValidation(t *testing.T) {
	s := newShop(t, sim.Options{})
	full := map[string]any{"name": "Thee", "price": 4.95, "discount": 0, "package_id": 1, "taxtariff": "low a"}
	without := func(k string) string {
		m := map[string]any{}
		for kk, v := range full {
			if kk != k {
				m[kk] = v
			}
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	with := func(k string, v any) string {
		m := map[string]any{k: v}
		for kk, vv := range full {
			if kk != k {
				m[kk] = vv
			}
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	tests := []struct {
		name, body string
		status     int
		code, msg  string
	}{
		{"complete", with("vatrate", 9), 201, "", ""},
		{"no name", without("name"), 422, "422.10", `"name" is required`},
		{"empty name", with("name", ""), 422, "422.10", `"name" must not be empty`},
		{"no price", without("price"), 422, "422.10", `"price" is required`},
		{"no discount", without("discount"), 422, "422.10", `"discount" is required`},
		{"no package", without("package_id"), 422, "422.10", `"package_id" is required`},
		{"no VAT", without("taxtariff"), 422, "422.10", `"taxtariff" or "vatrate" is required`},
		{"vatrate instead", with("taxtariff", nil), 422, "422.10", `"taxtariff" or "vatrate" is required`},
		{"unknown tariff", with("taxtariff", "luxury"), 422, "422.10", `taxtariff "luxury"`},
		{"GET name on POST", with("is_active", true), 422, "422.10", `"is_active" is not a property of products`},
		{"price as text", with("price", "4,95"), 422, "422.10", `"price" must be a number`},
		{"bad delivery type", with("stock_delivery_type", "someday"), 422, "422.10", "stock_delivery_type"},
		{"not JSON", "{", 400, "400.10", "not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := s.signed(t, "POST", api+"/products/", tt.body)
			require.Equal(t, tt.status, a.status, string(a.body))
			m := a.json(t)
			if tt.code == "" {
				assert.Equal(t, "Thee", m["name"])
				assert.Equal(t, true, m["is_active"], "active by default")
				return
			}
			assert.Equal(t, float64(tt.status), m["status"])
			assert.Equal(t, tt.code, m["code"])
			assert.Contains(t, m["developermessage"], tt.msg)
		})
	}
	assert.Len(t, s.Products(), 1)
}

func TestUnknownIDs(t *testing.T) {
	s := newShop(t, sim.Options{})
	pid := s.AddProduct(shirt())
	tests := []struct{ method, uri, body string }{
		{"GET", api + "/products/999/", ""},
		{"PATCH", api + "/products/999/", `{"stock":1}`},
		{"GET", api + "/products/999/attributecombinations/", ""},
		{"PATCH", api + "/attributecombinations/" + pid + "/", `{"stock":1}`}, // a product id is no combination id
		{"GET", api + "/attributes/999/attributevalues/", ""},
		{"POST", api + "/products/999/productphotos/", `{"file_type":"jpg","source":"AAAA"}`},
		{"PATCH", api + "/productattributevalues/999/", `{"price":1}`},
		{"GET", api + "/categories/999/", ""},
		{"GET", api + "/users/999/", ""},
		{"GET", api + "/webshops/2/settings/", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.uri, func(t *testing.T) {
			a := s.signed(t, tt.method, tt.uri, tt.body)
			require.Equal(t, 404, a.status, string(a.body))
			assert.Equal(t, "404.30", a.json(t)["code"])
		})
	}
	a := s.signed(t, "DELETE", api+"/products/"+pid+"/", "")
	assert.Equal(t, 405, a.status)
	a = s.signed(t, "POST", api+"/producttocategories/", `{"product_id":999,"category_id":1}`)
	assert.Equal(t, 422, a.status)
	assert.Contains(t, a.json(t)["developermessage"], "product_id 999")
}

// Listing: filter, sort, page with absolute links, expand sub-resources.
func TestListProducts(t *testing.T) {
	s := newShop(t, sim.Options{})
	for i, name := range []string{"Citroen", "Appel", "Banaan"} {
		s.AddProduct(sim.Product{SKU: fmt.Sprintf("F%d", i+1), Name: name, Price: eur(100), TaxTariff: "low a", PackageID: 1,
			CreatedAt: s.clock.Now().Add(time.Duration(-i) * time.Hour), ModifiedAt: s.clock.Now().Add(time.Duration(i-10) * time.Minute)})
	}
	tests := []struct {
		query string
		want  []any
	}{
		{"", []any{"F1", "F2", "F3"}},
		{"orderby=id_desc", []any{"F3", "F2", "F1"}},
		{"orderby=name", []any{"F2", "F3", "F1"}},
		{"orderby=createdate", []any{"F3", "F2", "F1"}},
		{"orderby=modifydate_desc", []any{"F3", "F2", "F1"}},
		{"productnumber=F2", []any{"F2"}},
		{"productnumber=F", nil},
		{"orderby=modifydate_desc&start=1&size=1", []any{"F2"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			assert.Equal(t, tt.want, field(items(t, s.signed(t, "GET", api+"/products/?"+tt.query, "")), "productnumber"))
		})
	}
	a := s.signed(t, "GET", api+"/products/?orderby=modifydate_desc&start=0&size=2", "")
	assert.Equal(t, s.url+api+"/products/?orderby=modifydate_desc&size=2&start=2", a.json(t)["next"])
	assert.Equal(t, 400, s.signed(t, "GET", api+"/products/?orderby=colour", "").status)
	assert.Equal(t, 400, s.signed(t, "GET", api+"/products/?expand=everything", "").status)

	id := s.AddProduct(shirt())
	plain := s.signed(t, "GET", api+"/products/"+id+"/", "").json(t)
	assert.Equal(t, map[string]any{"href": s.url + api + "/products/" + id + "/attributecombinations/"}, plain["attributecombinations"], "a link unless expanded")
	m := s.signed(t, "GET", api+"/products/"+id+"/?expand=attributecombinations,producttocategories,productphotos", "").json(t)
	for _, sub := range []string{"attributecombinations", "producttocategories", "productphotos"} {
		assert.NotNil(t, m[sub].(map[string]any)["items"], sub)
	}
	combos := m["attributecombinations"].(map[string]any)["items"].([]any)
	require.Len(t, combos, 2)
	m1 := combos[1].(map[string]any)
	assert.Equal(t, "SH-M", m1["sku_number"])
	assert.Equal(t, 2.5, m1["netto_extra_price"])
	part := m1["combination"].([]any)[0].(map[string]any)
	assert.Equal(t, "Maat", part["attribute"].(map[string]any)["name"])
	assert.Equal(t, "M", part["attribute_value"].(map[string]any)["name"])
	raw := string(s.signed(t, "GET", api+"/products/"+id+"/", "").body)
	for _, frag := range []string{`"price":20.00`, `"discount":0.00`, `"vatrate":21.00`, `"taxtariff":"normal"`, `"stocktype":"attribute_combination"`, `"is_active":true`} {
		assert.Contains(t, raw, frag)
	}
}

// Linking attribute values makes every mix of them a combination; every
// change to a product, its stock or its combinations bumps modifydate.
func TestCombinationsAndModifydate(t *testing.T) {
	s := newShop(t, sim.Options{})
	post := func(uri, body string) map[string]any {
		a := s.signed(t, "POST", api+uri, body)
		require.Equal(t, 201, a.status, string(a.body))
		return a.json(t)
	}
	pid := fmt.Sprint(post("/products/", `{"productnumber":"MOK","name":"Mok","price":8,"discount":0,"package_id":1,"vatrate":21}`)["id"])
	maat := fmt.Sprint(post("/attributes/", `{"name":"Maat","type":"option_menu_required"}`)["id"])
	kleur := fmt.Sprint(post("/attributes/", `{"name":"Kleur"}`)["id"])
	tekst := fmt.Sprint(post("/attributes/", `{"name":"Opdruk","type":"text"}`)["id"])
	var values []string
	for _, v := range []struct{ attr, name string }{{maat, "S"}, {maat, "M"}, {kleur, "rood"}, {kleur, "blauw"}, {tekst, "vrij"}} {
		values = append(values, fmt.Sprint(post("/attributes/"+v.attr+"/attributevalues/", `{"name":"`+v.name+`"}`)["id"]))
	}
	link := func(vid, price string) {
		post("/products/"+pid+"/productattributevalues/", `{"optionvalue":`+vid+`,"price":`+price+`,"stock":5}`)
	}
	combos := func() []map[string]any {
		return items(t, s.signed(t, "GET", api+"/products/"+pid+"/attributecombinations/", ""))
	}
	link(values[0], "0")
	assert.Len(t, combos(), 1)
	link(values[1], "1.50")
	link(values[4], "0")
	assert.Len(t, combos(), 2, "a text attribute makes no combinations")
	link(values[2], "0.25")
	link(values[3], "0")
	got := combos()
	require.Len(t, got, 4, "2 sizes × 2 colours")
	assert.Equal(t, []any{0.25, 0.0, 1.75, 1.5}, field(got, "netto_extra_price"), "the sum of the values' extra prices")
	assert.Equal(t, float64(5), got[0]["stock"], "stock given with the link")
	a := s.signed(t, "POST", api+"/products/"+pid+"/productattributevalues/", `{"optionvalue":`+values[0]+`,"price":0}`)
	assert.Equal(t, 422, a.status)
	assert.Equal(t, "422.40", a.json(t)["code"])

	modified := func() string {
		return s.signed(t, "GET", api+"/products/"+pid+"/", "").json(t)["modifydate"].(string)
	}
	for _, change := range []struct{ method, uri, body string }{
		{"PATCH", "/products/" + pid + "/", `{"stock": 3}`},
		{"PATCH", "/attributecombinations/" + fmt.Sprint(got[0]["id"]) + "/", `{"sku_number": "MOK-S-R", "stock": 2.5, "active": false}`},
		{"POST", "/products/" + pid + "/productphotos/", `{"file_type":"png","source":"iVBORw0KGgo=","alttext":"voor"}`},
	} {
		before := modified()
		s.clock.Add(time.Second)
		a := s.signed(t, change.method, api+change.uri, change.body)
		require.Less(t, a.status, 300, string(a.body))
		assert.Equal(t, s.clock.Now().Format(ccvshop.DateFormat), modified(), change.uri)
		assert.NotEqual(t, before, modified())
	}
	p, ok := s.Product("MOK-S-R")
	require.True(t, ok, "found by a variant SKU")
	assert.Equal(t, model.Quantity(2500), p.Variants[0].Stock)
	assert.False(t, p.Variants[0].Active)
	assert.Equal(t, "voor", p.Photos[0].Name)
	assert.Equal(t, 8, p.Photos[0].Size)

	s.clock.Add(time.Second)
	require.NoError(t, s.SetProductStock("MOK-S-R", model.Pieces(9)))
	assert.Equal(t, s.clock.Now().Format(ccvshop.DateFormat), modified(), "a stock change in the back office too")
	assert.Error(t, s.SetProductStock("NOPE", 1))
	assert.Error(t, s.TouchProduct("NOPE"))
	for _, body := range []string{`{"file_type":"bmp","source":"AAAA"}`, `{"file_type":"jpg","source":"data:image/jpeg;base64,AAAA"}`, `{"file_type":"jpg","source":"!!"}`, `{"file_type":"jpg"}`} {
		assert.Equal(t, 422, s.signed(t, "POST", api+"/products/"+pid+"/productphotos/", body).status, body)
	}
}

func TestCategoriesAndLinks(t *testing.T) {
	s := newShop(t, sim.Options{})
	top := s.signed(t, "POST", api+"/categories/", `{"name":"Koffie"}`).json(t)
	child := s.signed(t, "POST", api+"/categories/", fmt.Sprintf(`{"name":"Bonen","parentcategory_id":%v}`, top["id"])).json(t)
	assert.Equal(t, top["id"], child["parentcategory"].(map[string]any)["id"])
	assert.Nil(t, top["parentcategory"])
	assert.Equal(t, 422, s.signed(t, "POST", api+"/categories/", `{"name":"X","parentcategory_id":999}`).status)
	assert.Equal(t, 422, s.signed(t, "POST", api+"/categories/", `{"description":"no name"}`).status)
	assert.Equal(t, []string{"Koffie", "Koffie > Bonen"}, s.Categories())

	pid := s.AddProduct(sim.Product{SKU: "K", Name: "K", Price: eur(1), TaxTariff: "normal", PackageID: 1})
	body := fmt.Sprintf(`{"product_id":%s,"category_id":%v}`, pid, child["id"])
	assert.Equal(t, 201, s.signed(t, "POST", api+"/producttocategories/", body).status)
	a := s.signed(t, "POST", api+"/producttocategories/", body)
	assert.Equal(t, 422, a.status, "a link that exists")
	assert.Equal(t, "422.40", a.json(t)["code"])
	links := items(t, s.signed(t, "GET", api+"/products/"+pid+"/producttocategories/", ""))
	assert.Equal(t, []any{child["id"]}, field(links, "category_id"))
	p, _ := s.Product("K")
	assert.Equal(t, []string{"Koffie > Bonen"}, p.Categories)
	assert.Equal(t, s.AddCategory("Koffie > Bonen"), fmt.Sprint(child["id"]), "AddCategory finds what exists")
}

func TestUsersAndSettings(t *testing.T) {
	s := newShop(t, sim.Options{PricesExcludeVAT: true, Currency: "GBP"})
	c := model.Customer{Kind: model.CustomerCompany, Email: "inkoop@smit.nl", CompanyName: "Smit", Person: model.Person{FirstName: "Jan", LastName: "Smit"},
		Billing: model.Address{Company: "Smit", Street: "Markt", HouseNumber: "1", City: "Ergens", CountryCode: "NL"}}
	id := s.AddUser(c)
	a := s.signed(t, "POST", api+"/users/", `{"username":"els","password":"x","userinfo":{"email":"els@example.be","billingaddress":{"first_name":"Els","last_name":"Peeters","street":"Kade","housenumber":12,"country_code":"be"}}}`)
	require.Equal(t, 201, a.status, string(a.body))
	assert.Equal(t, 422, s.signed(t, "POST", api+"/users/", `{"username":"els","password":"y"}`).status, "the username is taken")
	assert.Equal(t, 422, s.signed(t, "POST", api+"/users/", `{"username":"piet"}`).status, "a password is required")
	users := s.Users()
	require.Len(t, users, 2)
	assert.Equal(t, id, users[0].ID)
	assert.Equal(t, model.Address{Name: "Els Peeters", Street: "Kade", HouseNumber: "12", CountryCode: "BE"}, users[1].Billing)
	assert.Equal(t, users[1].Billing, users[1].Shipping)
	got := items(t, s.signed(t, "GET", api+"/users/?orderby=last_name_desc", ""))
	assert.Equal(t, []any{"inkoop@smit.nl", "els"}, field(got, "username"))
	assert.Equal(t, "b2b", got[0]["userinfo"].(map[string]any)["customertype"])

	shops := items(t, s.signed(t, "GET", api+"/webshops/", ""))
	require.Len(t, shops, 1)
	settings := s.signed(t, "GET", api+"/webshops/1/settings/", "").json(t)
	assert.Equal(t, false, settings["prices_include_vat"])
	assert.Equal(t, "GBP", settings["currency"])
}

// Limits count per resource and per method: a POST and a PATCH on products
// each have their own allowance.
func TestWriteLimitsPerMethod(t *testing.T) {
	s := newShop(t, sim.Options{WritesPerMinute: 1})
	pid := s.AddProduct(sim.Product{SKU: "A", Name: "A", Price: eur(1), TaxTariff: "normal", PackageID: 1})
	post := `{"name":"B","price":1,"discount":0,"package_id":1,"vatrate":21}`
	assert.Equal(t, 201, s.signed(t, "POST", api+"/products/", post).status)
	assert.Equal(t, 204, s.signed(t, "PATCH", api+"/products/"+pid+"/", `{"stock":1}`).status, "another method")
	a := s.signed(t, "POST", api+"/products/", post)
	require.Equal(t, 429, a.status)
	assert.Equal(t, "429.10", a.json(t)["code"])
	assert.NotEmpty(t, a.header.Get("Retry-After"))
	assert.Equal(t, 201, s.signed(t, "POST", api+"/categories/", `{"name":"C"}`).status, "another resource")
}

// PATCH answers 204 without a body, still signed; Served counts by op.
func TestEmptyAnswersAreSigned(t *testing.T) {
	s := newShop(t, sim.Options{EmptyPostBodies: true})
	pid := s.AddProduct(shirt())
	uri := api + "/products/" + pid + "/"
	a := s.signed(t, "PATCH", uri, `{"name":"Nieuw"}`)
	require.Equal(t, 204, a.status)
	assert.Empty(t, a.body)
	assert.Equal(t, ccvshop.Sign(pub, secret, "PATCH", uri, "", a.header.Get("x-date")), a.header.Get("x-hash"))
	a = s.signed(t, "POST", api+"/categories/", `{"name":"C"}`)
	assert.Equal(t, 201, a.status)
	assert.Empty(t, a.body, "EmptyPostBodies")
	s.signed(t, "GET", api+"/products/"+pid+"/attributecombinations", "")
	assert.Equal(t, 1, s.Served(ccvshop.OpListCombinations))
	assert.Equal(t, 1, s.Served(ccvshop.OpUpdateProduct))
	assert.Equal(t, 1, s.Served(ccvshop.OpCreateCategory))
}

func TestCatalogSnapshot(t *testing.T) {
	s := newShop(t, sim.Options{})
	s.AddProduct(shirt())
	s.AddProduct(sim.Product{SKU: "W", Name: "W", Price: eur(1), TaxTariff: "normal", PackageID: 1, Fields: map[string]any{"weight": json.Number("1.5")}})
	s.AddUser(model.Customer{Kind: model.CustomerPerson, Person: model.Person{LastName: "X"}})
	snap, err := s.Snapshot()
	require.NoError(t, err)
	r := sim.New(sim.Options{PublicKey: pub, SecretKey: secret, Now: s.clock.Now})
	require.NoError(t, r.Restore(snap))
	assert.Equal(t, s.Products(), r.Products())
	assert.Equal(t, s.Categories(), r.Categories())
	assert.Equal(t, s.Users(), r.Users())
	next := r.AddProduct(sim.Product{SKU: "N", Name: "N", Price: eur(1), TaxTariff: "normal", PackageID: 1})
	for _, p := range s.Products() {
		assert.NotEqual(t, p.ID, next, "ids go on after a restore")
	}
	assert.Equal(t, "2", r.AddUser(model.Customer{}))
	for _, bad := range []string{
		`{"catalog":{"products":[{"id":1},{"id":1}]}}`,
		`{"catalog":{"links":[{"id":3,"productId":1,"categoryId":2}]}}`,
		`{"users":[{"id":1},{"id":1}]}`,
	} {
		assert.Error(t, r.Restore([]byte(bad)), bad)
	}
	assert.Len(t, r.Products(), 3, "a failed restore changes nothing")
	require.NoError(t, r.Restore([]byte(`{"orders":[]}`)), "a snapshot from before the catalog")
	assert.Empty(t, r.Products())
	assert.True(t, strings.HasPrefix(r.AddProduct(sim.Product{SKU: "Z"}), "1"))
}
