package eaccounting_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/conntest/contract"
	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/connectors/eaccounting/sim"
	"github.com/koppel/koppel/model"
)

// The articles the order's other charges are booked on, per VAT rate
// (seeded by newSimEnv, named in the client's options by simEnv.client).
var (
	simShipping = map[model.VATRate]string{model.VATPercent(21): "CT-VERZEND-21", model.VATPercent(9): "CT-VERZEND-9"}
	simDiscount = map[model.VATRate]string{model.VATPercent(21): "CT-KORTING-21", model.VATPercent(9): "CT-KORTING-9"}
	simCosts    = map[model.VATRate]string{model.VATPercent(21): "CT-KOSTEN-21", model.VATPercent(9): "CT-KOSTEN-9"}
	simRounding = map[model.VATRate]string{model.VATPercent(21): "CT-AFRONDING-21", model.VATPercent(9): "CT-AFRONDING-9",
		0: "CT-AFRONDING-0"}
)

// simCoding is the simulator's goods coding of a VAT rate.
func simCoding(t testing.TB, rate model.VATRate) string {
	t.Helper()
	switch rate {
	case model.VATPercent(21):
		return sim.Coding21ID
	case model.VATPercent(9):
		return sim.Coding9ID
	case 0:
		return sim.Coding0ID
	}
	t.Fatalf("the simulator has no goods coding of %s", rate)
	return ""
}

// simEnv is a simulator whose API is behind the contract check (and wrap,
// between the client and the check), with the articles of simShipping …
// simRounding, and the access token of a consent.
type simEnv struct {
	sim   *sim.Sim
	srv   *httptest.Server
	oauth *eaccounting.OAuth
	token string
}

var simClientSeq atomic.Int64

func newSimEnv(t testing.TB, o sim.Options, wrap func(http.Handler) http.Handler) *simEnv {
	t.Helper()
	o.ClientID, o.ClientSecret = testClientID, testSecret
	s := sim.New(o)
	if wrap == nil {
		wrap = func(h http.Handler) http.Handler { return h }
	}
	api := wrap(contract.OpenAPIForTest(t, contract.EAccounting).Handler(t, s))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/connect/") { // the identity server is not in the contract
			s.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	oa, err := eaccounting.OAuthFromSettings(connectors.Settings{BaseURL: srv.URL + "/v2",
		Credentials: map[string]string{"clientId": testClientID, "clientSecret": testSecret}})
	if err != nil {
		t.Fatal(err)
	}
	e := &simEnv{sim: s, srv: srv, oauth: oa}
	for _, table := range []map[model.VATRate]string{simShipping, simDiscount, simCosts, simRounding} {
		for rate, number := range table {
			if _, err := s.AddArticle(sim.Article{Number: number, Name: number, IsActive: true,
				CodingId: simCoding(t, rate), UnitId: sim.UnitPiecesID}); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.token = e.consent(t, eaccounting.DefaultScopes...).AccessToken
	return e
}

// consent approves a consent of scopes and exchanges its code.
func (e *simEnv) consent(t testing.TB, scopes ...string) eaccounting.Tokens {
	t.Helper()
	code, err := e.sim.Authorize(testRedirect, scopes...)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := e.oauth.Exchange(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// client builds a client with the seeded articles in its options and its
// own client id, so the process-wide pacers of two clients never meet.
func (e *simEnv) client(t testing.TB, src connectors.TokenSource, edit func(*eaccounting.Config)) *eaccounting.Client {
	t.Helper()
	cfg := eaccounting.Config{BaseURL: e.srv.URL + "/v2", ClientID: "sim-client-" + strings.ReplaceAll(t.Name(), "/", "-") + "-" +
		model.FormatMinor(simClientSeq.Add(1), 0), Tokens: src, RequestsPerMinute: -1,
		ShippingArticles: eaccounting.RateTable{ByRate: simShipping}, DiscountArticles: eaccounting.RateTable{ByRate: simDiscount},
		CostArticles: eaccounting.RateTable{ByRate: simCosts}, RoundingArticles: eaccounting.RateTable{ByRate: simRounding}}
	if edit != nil {
		edit(&cfg)
	}
	c, err := eaccounting.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// addProduct seeds a product's article: its number the SKU, its coding the
// goods coding of its VAT rate, its price as the product gives it (the
// other one the simulator computes).
func (e *simEnv) addProduct(t testing.TB, p model.Product) string {
	t.Helper()
	a := sim.Article{Number: p.SKU, Name: p.Name, IsActive: p.Active, IsStock: p.ManageStock,
		CodingId: simCoding(t, p.VAT), UnitId: sim.UnitPiecesID}
	if p.PriceIncludesVAT {
		a.GrossPrice = sim.Cents(p.Price.Amount)
	} else {
		a.NetPrice = sim.Cents(p.Price.Amount)
	}
	id, err := e.sim.AddArticle(a)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// addCustomer creates a canonical customer in the simulator, a company
// when it has a company name (as the client creates it), and returns its id.
func (e *simEnv) addCustomer(t testing.TB, c model.Customer) string {
	t.Helper()
	bill := c.Billing
	if bill.IsZero() {
		bill = c.Shipping
	}
	name := c.CompanyName
	if !isCompany(c) {
		name = c.Person.FullName()
	}
	return e.sim.AddCustomer(eaccounting.Customer{Name: name, IsPrivatePerson: !isCompany(c), IsActive: true,
		InvoiceAddress1: bill.StreetLine(), InvoicePostalCode: bill.PostalCode, InvoiceCity: bill.City,
		InvoiceCountryCode: bill.CountryCode, EmailAddress: strings.ToLower(c.Email)})
}

// simDoc is a stored document of any kind as the tests read it.
type simDoc struct {
	id, reference, buyersReference string
	ourReference, termsID          string
	totalCents                     int64
	includesVat                    bool
	articles                       []string
}

// storedDocs reads the simulator's documents of a kind under a key.
func (e *simEnv) storedDocs(externalID string, kind connectors.OrderKind) []simDoc {
	var out []simDoc
	switch kind {
	case connectors.KindOrder:
		for _, o := range e.sim.Orders() {
			d := simDoc{o.Id, o.YourReference, o.BuyersOrderReference, o.OurReference, o.TermsOfPaymentId,
				o.Amount.CentsValue() + o.VatAmount.CentsValue(), o.IncludesVat, nil}
			for _, r := range o.Rows {
				d.articles = append(d.articles, r.ArticleNumber)
			}
			out = append(out, d)
		}
	case connectors.KindInvoice:
		for _, o := range e.sim.InvoiceDrafts() {
			d := simDoc{o.Id, o.YourReference, o.BuyersOrderReference, o.OurReference, o.TermsOfPaymentId,
				o.TotalAmount.CentsValue(), o.IncludesVat, nil}
			for _, r := range o.Rows {
				d.articles = append(d.articles, r.ArticleNumber)
			}
			out = append(out, d)
		}
	case connectors.KindSalesInvoice:
		for _, o := range e.sim.Invoices() {
			d := simDoc{o.Id, o.YourReference, o.BuyersOrderReference, o.OurReference, o.TermsOfPaymentId,
				o.TotalAmount.CentsValue(), o.IncludesVat, nil}
			for _, r := range o.Rows {
				d.articles = append(d.articles, r.ArticleNumber)
			}
			out = append(out, d)
		}
	case connectors.KindQuote:
		for _, o := range e.sim.Quotes() {
			d := simDoc{o.Id, o.CustomerReference, o.BuyersOrderReference, o.CompanyReference, o.TermsOfPayment.Id,
				o.TotalAmount.CentsValue() + o.VatAmount.CentsValue(), o.IncludesVat, nil}
			for _, r := range o.Rows {
				d.articles = append(d.articles, r.ArticleNumber)
			}
			out = append(out, d)
		}
	}
	return slices.DeleteFunc(out, func(d simDoc) bool { return d.reference != externalID })
}

var simKinds = []connectors.OrderKind{connectors.KindOrder, connectors.KindInvoice, connectors.KindSalesInvoice, connectors.KindQuote}

func simEUR(c int64) model.Money { return model.NewMoney(c, "EUR") }

// simCustomer is a Dutch customer; a company when company is set.
func simCustomer(email string, company bool) model.Customer {
	c := model.Customer{Kind: model.CustomerPerson, Email: email, Person: model.Person{FirstName: "Jan", LastName: "Jansen"},
		Billing: model.Address{Street: "Hoofdstraat", HouseNumber: "1", PostalCode: "3511 AB", City: "Utrecht", CountryCode: "NL"}}
	if company {
		c.Kind, c.CompanyName = model.CustomerCompany, "Jansen Koffie BV"
	}
	c.Shipping = c.Billing
	return c
}

// simOrder is an order of the products seeded by seedSimProducts: mixed
// 9 % and 21 %, a quantity above 1, a line discount, shipping and a coupon.
func simOrder(id string, inclVAT bool, customer model.Customer) model.Order {
	o := model.Order{ID: id, Number: "S-" + id, CreatedAt: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC), Currency: "EUR",
		PricesIncludeVAT: inclVAT, Customer: customer, ShippingMethod: "PostNL"}
	if inclVAT {
		o.Lines = []model.OrderLine{
			{SKU: "SIM-KOFFIE", Name: "Koffie", Quantity: model.Pieces(3), UnitPrice: simEUR(499), UnitDiscount: simEUR(50), VAT: model.VATPercent(9)},
			{SKU: "SIM-MOK", Name: "Mok", Quantity: model.Pieces(3), UnitPrice: simEUR(499), VAT: model.VATPercent(21)},
		}
		o.ShippingCost, o.ShippingVAT = simEUR(495), model.VATPercent(21)
		o.Adjustments = []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: "Coupon KOPPEL", Amount: simEUR(-250), VAT: model.VATPercent(21)}}
	} else {
		o.Lines = []model.OrderLine{
			{SKU: "SIM-KOFFIE", Name: "Koffie", Quantity: model.Pieces(3), UnitPrice: simEUR(413), UnitDiscount: simEUR(25), VAT: model.VATPercent(9)},
			{SKU: "SIM-MOK", Name: "Mok", Quantity: model.Pieces(2), UnitPrice: simEUR(703), VAT: model.VATPercent(21)},
		}
		o.ShippingCost, o.ShippingVAT = simEUR(409), model.VATPercent(21)
		o.Adjustments = []model.Adjustment{{Kind: model.AdjustmentDiscount, Description: "Coupon KOPPEL", Amount: simEUR(-207), VAT: model.VATPercent(21)}}
	}
	o.Total = o.ComputedTotal()
	return o
}

func seedSimProducts(t testing.TB, e *simEnv) {
	e.addProduct(t, model.Product{SKU: "SIM-KOFFIE", Name: "Koffie", Price: simEUR(499), PriceIncludesVAT: true, VAT: model.VATPercent(9), Active: true})
	e.addProduct(t, model.Product{SKU: "SIM-MOK", Name: "Mok", Price: simEUR(499), PriceIncludesVAT: true, VAT: model.VATPercent(21), Active: true})
}

// draftFor is the draft the flow hands the target: the customer found or
// created, the SKUs looked up.
func draftFor(t *testing.T, e *simEnv, c *eaccounting.Client, o model.Order, kind connectors.OrderKind) connectors.OrderDraft {
	t.Helper()
	ids, err := c.LookupProducts(context.Background(), o.SKUs())
	require.NoError(t, err)
	require.Len(t, ids, len(o.SKUs()))
	return connectors.OrderDraft{Order: o, ExternalID: "koppel-" + o.ID, Kind: kind, ProductIDs: ids,
		CustomerID: e.addCustomer(t, o.Customer)}
}

// Each kind is written to its own collection, found again by its key, and
// a second create is a conflict that writes nothing.
func TestSimEachKindIsFoundByItsReference(t *testing.T) {
	for _, kind := range simKinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newSimEnv(t, sim.Options{}, nil)
			seedSimProducts(t, e)
			c := e.client(t, eaccounting.StaticToken(e.token), nil)
			ctx := context.Background()
			d := draftFor(t, e, c, simOrder("1001", true, simCustomer("jan@example.com", false)), kind)
			// what the flow adds: the payment term, the delivery method, a reference from the mapping rules
			d.PaymentTermDays, d.ShippingMethod = 14, "PostNL"
			d.Extra = map[string]string{eaccounting.ExtraOurReference: "Webshop"}

			_, found, err := c.FindOrder(ctx, d.ExternalID, kind)
			require.NoError(t, err)
			assert.False(t, found)

			created, err := c.CreateOrder(ctx, d)
			require.NoError(t, err)
			assert.NotEmpty(t, created.ID)
			assert.Equal(t, kind, created.Kind)

			ref, found, err := c.FindOrder(ctx, d.ExternalID, kind)
			require.NoError(t, err)
			require.True(t, found)
			assert.Equal(t, created.ID, ref.ID)
			assert.Equal(t, created.Number, ref.Number)

			// The key of another kind is not this kind's.
			for _, other := range simKinds {
				if other != kind {
					_, found, err := c.FindOrder(ctx, d.ExternalID, other)
					require.NoError(t, err)
					assert.False(t, found, "a %s is not found as a %s", kind, other)
				}
			}

			_, err = c.CreateOrder(ctx, d)
			assert.Equal(t, connectors.KindConflict, connectors.KindOf(err), "%v", err)
			docs := e.storedDocs(d.ExternalID, kind)
			require.Len(t, docs, 1, "nothing is written twice")
			assert.Equal(t, created.ID, docs[0].id)
			assert.Equal(t, "S-1001", docs[0].buyersReference, "the shop's order number is the buyer's reference")
			assert.Equal(t, "Webshop", docs[0].ourReference)
			wantTerms := sim.Terms14ID
			if kind == connectors.KindQuote {
				wantTerms = sim.Terms30ID // a quote keeps the customer's terms (the company default)
			}
			assert.Equal(t, wantTerms, docs[0].termsID)
		})
	}
}

// BookedTotal is what the simulator computes for the written document, to
// the cent: a private person's document with prices incl. VAT (company
// setting ShowPricesExclVatPC) and a company's without, from a shop with
// prices excl. and incl. VAT, each needing a rounding row.
func TestSimBookedTotalIsWhatTheSimulatorBooks(t *testing.T) {
	cases := []struct {
		name        string
		inclVAT     bool
		company     bool
		includesVat bool
		// rounding: the shop's prices are converted to the document's
		// basis, and the cents lost need a rounding row
		rounding bool
	}{
		{"private person, gross document, shop excl. VAT", false, false, true, true},
		{"company, net document, shop incl. VAT", true, true, false, true},
		{"private person, gross document, shop incl. VAT", true, false, true, false},
		{"company, net document, shop excl. VAT", false, true, false, false},
	}
	for _, tc := range cases {
		for _, kind := range simKinds {
			t.Run(tc.name+"/"+string(kind), func(t *testing.T) {
				e := newSimEnv(t, sim.Options{}, nil)
				co := e.sim.Company()
				co.ShowPricesExclVatPC = true
				e.sim.SetCompany(co)
				seedSimProducts(t, e)
				c := e.client(t, eaccounting.StaticToken(e.token), nil)
				ctx := context.Background()
				o := simOrder("2001", tc.inclVAT, simCustomer("klant@example.com", tc.company))
				d := draftFor(t, e, c, o, kind)

				booked, err := c.BookedTotal(ctx, d)
				require.NoError(t, err)
				assert.Equal(t, o.Total, booked, "BookedTotal is the shop's total")
				_, err = c.CreateOrder(ctx, d)
				require.NoError(t, err)
				docs := e.storedDocs(d.ExternalID, kind)
				require.Len(t, docs, 1)
				assert.Equal(t, tc.includesVat, docs[0].includesVat, "the document's prices include VAT")
				assert.Equal(t, booked.Amount, docs[0].totalCents, "the simulator books what BookedTotal forecast")
				rounding := slices.ContainsFunc(docs[0].articles, func(n string) bool { return strings.HasPrefix(n, "CT-AFRONDING-") })
				assert.Equal(t, tc.rounding, rounding, "a rounding row: %v", docs[0].articles)
			})
		}
	}
}

// A gross amount no net amount reaches at 21 % (10.05: 8.30 + 1.74 =
// 10.04, 8.31 + 1.75 = 10.06) books its last cent on the 0 % rounding
// article, and the simulator's total is still the shop's.
func TestSimAGrossNoNetReachesTakesTheZeroRateRoundingArticle(t *testing.T) {
	e := newSimEnv(t, sim.Options{}, nil)
	seedSimProducts(t, e)
	c := e.client(t, eaccounting.StaticToken(e.token), nil)
	o := model.Order{ID: "3001", Number: "S-3001", CreatedAt: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC), Currency: "EUR",
		PricesIncludeVAT: true, Customer: simCustomer("inkoop@example.com", true),
		Lines: []model.OrderLine{{SKU: "SIM-MOK", Name: "Mok", Quantity: model.Pieces(1), UnitPrice: simEUR(1005), VAT: model.VATPercent(21)}}}
	o.Total = o.ComputedTotal()
	d := draftFor(t, e, c, o, connectors.KindOrder)
	booked, err := c.BookedTotal(context.Background(), d)
	require.NoError(t, err)
	assert.Equal(t, int64(1005), booked.Amount)
	_, err = c.CreateOrder(context.Background(), d)
	require.NoError(t, err)
	docs := e.storedDocs(d.ExternalID, connectors.KindOrder)
	require.Len(t, docs, 1)
	assert.Equal(t, int64(1005), docs[0].totalCents)
	assert.Contains(t, docs[0].articles, "CT-AFRONDING-0")
}

// editCustomer changes a customer as a user does in eAccounting: a
// full-replacement PUT of the record as read, straight to the simulator.
func (e *simEnv) editCustomer(t *testing.T, id string, edit func(map[string]any)) {
	t.Helper()
	do := func(method string, body []byte) []byte {
		req := httptest.NewRequest(method, "/v2/customers/"+id, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+e.token)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		e.sim.ServeHTTP(rec, req)
		require.Less(t, rec.Code, 300, rec.Body.String())
		return rec.Body.Bytes()
	}
	var cu map[string]any
	require.NoError(t, json.Unmarshal(do(http.MethodGet, nil), &cu))
	edit(cu)
	b, err := json.Marshal(cu)
	require.NoError(t, err)
	do(http.MethodPut, b)
}

func simCustomerByID(t *testing.T, e *simEnv, id string) sim.Customer {
	t.Helper()
	for _, cu := range e.sim.Customers() {
		if cu.Id == id {
			return cu
		}
	}
	t.Fatalf("the simulator has no customer %s", id)
	return sim.Customer{}
}

// A customer created, then changed in eAccounting (a note), then updated
// from the shop keeps the note; it is found by e-mail whatever the case.
func TestSimCustomerUpdateKeepsWhatIsSetInEAccounting(t *testing.T) {
	e := newSimEnv(t, sim.Options{}, nil)
	c := e.client(t, eaccounting.StaticToken(e.token), nil)
	ctx := context.Background()
	cu := simCustomer("Jan.Jansen@Example.COM", true)
	cu.ID, cu.Phone, cu.VATNumber = "shop-42", "030 123 4567", "NL123456789B01"
	id, err := c.CreateCustomerWithDetails(ctx, cu, connectors.CustomerDetails{PaymentTermDays: 30})
	require.NoError(t, err)
	created := simCustomerByID(t, e, id)
	assert.Equal(t, "Jansen Koffie BV", created.Name)
	assert.False(t, created.IsPrivatePerson)
	assert.Equal(t, "jan.jansen@example.com", created.EmailAddress, "the e-mail is kept in lower case")
	assert.Equal(t, "shop-42", created.CustomerNumber)
	assert.Equal(t, sim.Terms30ID, created.TermsOfPaymentId)

	e.editCustomer(t, id, func(m map[string]any) { m["Note"] = "Belt altijd na 14:00" })

	cu.Billing.Street, cu.Billing.HouseNumber = "Oudegracht", "200"
	cu.Shipping = cu.Billing
	cu.Phone = "030 765 4321"
	require.NoError(t, c.UpdateCustomer(ctx, id, cu))
	updated := simCustomerByID(t, e, id)
	assert.Equal(t, "Belt altijd na 14:00", updated.Note, "what eAccounting holds beside Koppel's fields stays")
	assert.Equal(t, "Oudegracht 200", updated.InvoiceAddress1)
	assert.Equal(t, "030 765 4321", updated.Telephone)
	assert.Equal(t, "NL123456789B01", updated.VatNumber)
	assert.Equal(t, sim.Terms30ID, updated.TermsOfPaymentId, "the terms stay when the update names none")
	assert.Equal(t, "shop-42", updated.CustomerNumber)
	assert.Len(t, e.sim.Customers(), 1)

	for _, email := range []string{"jan.jansen@example.com", "Jan.Jansen@Example.COM", "JAN.JANSEN@EXAMPLE.COM"} {
		rec, err := c.FindCustomer(ctx, connectors.CustomerMatch{Field: "email", Value: email})
		require.NoError(t, err)
		if assert.NotNil(t, rec, email) {
			assert.Equal(t, id, rec.ID)
			assert.Equal(t, "Oudegracht 200", rec.Customer.Billing.Street)
		}
	}
	rec, err := c.FindCustomer(ctx, connectors.CustomerMatch{Field: "externalId", Value: "shop-42"})
	require.NoError(t, err)
	require.NotNil(t, rec)
	assert.Equal(t, id, rec.ID)
	rec, err = c.FindCustomer(ctx, connectors.CustomerMatch{Field: "email", Value: "someone.else@example.com"})
	require.NoError(t, err)
	assert.Nil(t, rec)
	details, err := c.CustomerDetails(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, 30, details.PaymentTermDays)
}

// A simple product is created and read back unchanged (as the products
// flow compares it), with the stock module and without; a product with
// variants becomes an article per variant and is read back in its shape.
func TestSimProductsReadBackUnchanged(t *testing.T) {
	for _, module := range []bool{false, true} {
		for _, manage := range []bool{true, false} {
			t.Run(fmt.Sprintf("stock module %v, manage stock %v", module, manage), func(t *testing.T) {
				e := newSimEnv(t, sim.Options{StockModule: module}, nil)
				c := e.client(t, eaccounting.StaticToken(e.token), nil)
				ctx := context.Background()
				p := model.Product{SKU: "SIM-BONEN", Name: "Espressobonen 250 g", Price: simEUR(695), PriceIncludesVAT: true,
					VAT: model.VATPercent(9), Active: true, ManageStock: manage, EAN: "8712345678906"}
				have, err := c.FindProductFor(ctx, p)
				require.NoError(t, err)
				assert.Nil(t, have)
				id, err := c.CreateProduct(ctx, connectors.ProductWrite{Product: p})
				require.NoError(t, err)
				a, ok := e.sim.Article("SIM-BONEN")
				require.True(t, ok)
				assert.Equal(t, id, a.Id)
				assert.Equal(t, sim.Coding9ID, a.CodingId)
				assert.Equal(t, int64(695), a.GrossPrice.CentsValue())
				assert.Equal(t, int64(638), a.NetPrice.CentsValue())

				have, err = c.FindProductFor(ctx, p)
				require.NoError(t, err)
				require.NotNil(t, have)
				assert.Equal(t, id, have.ID)
				assert.True(t, activities.SameProduct(p, have.Product), "read back changed:\nwrote %+v\nread  %+v", p, have.Product)

				// Writing it again keeps the article as it was.
				require.NoError(t, c.UpdateProduct(ctx, id, connectors.ProductWrite{Product: p}))
				again, _ := e.sim.Article("SIM-BONEN")
				assert.Equal(t, []any{a.Name, a.GrossPrice, a.NetPrice, a.CodingId, a.IsStock, a.Barcodes},
					[]any{again.Name, again.GrossPrice, again.NetPrice, again.CodingId, again.IsStock, again.Barcodes})
				assert.Len(t, e.sim.Articles(), 1+len(simArticles()))
			})
		}
	}

	// As CCV Shop gives a product with variants: each variant with the
	// product's name, its own price, VAT and stock setting, and its size.
	for _, module := range []bool{false, true} {
		t.Run(fmt.Sprintf("variants, stock module %v", module), func(t *testing.T) {
			e := newSimEnv(t, sim.Options{StockModule: module}, nil)
			c := e.client(t, eaccounting.StaticToken(e.token), nil)
			ctx := context.Background()
			variant := func(size string, cents int64) model.Product {
				return model.Product{SKU: "SIM-SHIRT-" + size, Name: "T-shirt Koppel", Price: simEUR(cents), PriceIncludesVAT: true,
					VAT: model.VATPercent(21), Active: true, ManageStock: true, Attributes: map[string]string{"maat": size}}
			}
			p := model.Product{SKU: "SIM-SHIRT", Name: "T-shirt Koppel", Price: simEUR(1995), PriceIncludesVAT: true,
				VAT: model.VATPercent(21), Active: true, ManageStock: true,
				Variants: []model.Product{variant("S", 1995), variant("M", 1995), variant("L", 2195)}}
			have, err := c.FindProductFor(ctx, p)
			require.NoError(t, err)
			assert.Nil(t, have)
			_, err = c.CreateProduct(ctx, connectors.ProductWrite{Product: p})
			require.NoError(t, err)
			_, parent := e.sim.Article("SIM-SHIRT")
			assert.False(t, parent, "the parent SKU has no article")
			assert.Len(t, e.sim.Articles(), 3+len(simArticles()), "one article per variant")
			for _, v := range p.Variants {
				size := v.Attributes["maat"]
				a, ok := e.sim.Article(v.SKU)
				if assert.True(t, ok, v.SKU) {
					assert.Equal(t, "T-shirt Koppel "+size, a.Name, "the article is named by its size")
					assert.Equal(t, v.Price.Amount, a.GrossPrice.CentsValue())
					assert.Equal(t, sim.Coding21ID, a.CodingId)
				}
			}

			have, err = c.FindProductFor(ctx, p)
			require.NoError(t, err)
			require.NotNil(t, have)
			assert.Equal(t, "SIM-SHIRT", have.Product.SKU)
			require.Len(t, have.Product.Variants, 3)
			for i, v := range have.Product.Variants {
				assert.Equal(t, p.Variants[i].SKU, v.SKU)
				assert.Equal(t, p.Variants[i].Name, v.Name, "the variant's name in the source's shape")
				assert.Equal(t, p.Variants[i].Attributes, v.Attributes)
			}
			assert.True(t, activities.SameProduct(p, have.Product), "read back changed:\nwrote %+v\nread  %+v", p, have.Product)

			// A changed variant price is a change.
			changed := p
			changed.Variants = slices.Clone(p.Variants)
			changed.Variants[2].Price = simEUR(2295)
			assert.False(t, activities.SameProduct(changed, have.Product))
		})
	}
}

// simArticles are the articles newSimEnv seeds.
func simArticles() []string {
	var out []string
	for _, table := range []map[model.VATRate]string{simShipping, simDiscount, simCosts, simRounding} {
		for _, n := range table {
			out = append(out, n)
		}
	}
	return out
}

// Stock: absolute and idempotent, kept as eAccounting keeps it; with the
// stock module the balance is eAccounting's own and the refusal says so.
func TestSimStock(t *testing.T) {
	e := newSimEnv(t, sim.Options{}, nil)
	c := e.client(t, eaccounting.StaticToken(e.token), nil)
	ctx := context.Background()
	e.addProduct(t, model.Product{SKU: "SIM-BONEN", Name: "Espressobonen", Price: simEUR(695), PriceIncludesVAT: true, VAT: model.VATPercent(9), Active: true})
	for _, q := range []model.Quantity{model.Pieces(12), model.Pieces(12), model.Pieces(3), model.QuantityFromScaled(250, 2)} {
		require.NoError(t, c.SetStock(ctx, "SIM-BONEN", q, true))
		a, _ := e.sim.Article("SIM-BONEN")
		assert.Equal(t, q, model.QuantityFromScaled(a.StockBalance.V, 4))
		got, err := c.GetStock(ctx, []string{"SIM-BONEN", "SIM-NOPE"})
		require.NoError(t, err)
		assert.Equal(t, connectors.TargetStock{Quantity: q, Managed: true}, got["SIM-BONEN"],
			"without the stock module every goods article keeps its balance")
		assert.NotContains(t, got, "SIM-NOPE")
	}
	before, _ := e.sim.Article("SIM-BONEN")
	require.NoError(t, c.SetStock(ctx, "SIM-BONEN", model.QuantityFromScaled(250, 2), true))
	after, _ := e.sim.Article("SIM-BONEN")
	assert.Equal(t, before.StockBalanceManuallyChangedUtc, after.StockBalanceManuallyChangedUtc, "the same figure again changes no balance")

	err := c.SetStock(ctx, "SIM-NOPE", model.Pieces(1), true)
	assert.Equal(t, connectors.KindNotFound, connectors.KindOf(err), "%v", err)

	e.sim.SetStockModule(true)
	err = c.SetStock(ctx, "SIM-BONEN", model.Pieces(7), true)
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindConfig, ce.Kind)
	assert.Equal(t, "4002", ce.Code)
	assert.Contains(t, ce.Message, "stock module")
	a, _ := e.sim.Article("SIM-BONEN")
	assert.Equal(t, model.QuantityFromScaled(250, 2), model.QuantityFromScaled(a.StockBalance.V, 4), "nothing was written")
}

// The quota: a 429 is rate limited, its wait read from the message.
func TestSimQuotaIsRateLimitedWithTheWaitOfTheMessage(t *testing.T) {
	clock := time.Date(2026, 3, 2, 10, 0, 5, 0, time.UTC)
	e := newSimEnv(t, sim.Options{RequestsPerMinute: 2, Now: func() time.Time { return clock }}, nil)
	c := e.client(t, eaccounting.StaticToken(e.token), nil)
	ctx := context.Background()
	for range 2 {
		_, _, err := c.FindOrder(ctx, "koppel-1", connectors.KindOrder)
		require.NoError(t, err)
	}
	_, _, err := c.FindOrder(ctx, "koppel-1", connectors.KindOrder)
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindRateLimited, ce.Kind)
	assert.Equal(t, "4010", ce.Code)
	m := regexp.MustCompile(`Try again in (\d+) seconds`).FindStringSubmatch(ce.Message)
	require.NotNil(t, m, ce.Message)
	secs, _ := strconv.Atoi(m[1])
	assert.Positive(t, secs)
	assert.Equal(t, time.Duration(secs)*time.Second, ce.RetryAfter)
	// The quota counts per endpoint: the quotes are another one.
	_, _, err = c.FindOrder(ctx, "koppel-1", connectors.KindQuote)
	assert.NoError(t, err)
}

// A consent revoked in eAccounting: the token is refused, an auth error.
func TestSimRevokedConsentIsAnAuthError(t *testing.T) {
	e := newSimEnv(t, sim.Options{}, nil)
	c := e.client(t, eaccounting.StaticToken(e.token), nil)
	ctx := context.Background()
	_, err := c.FindCustomer(ctx, connectors.CustomerMatch{Field: "email", Value: "jan@example.com"})
	require.NoError(t, err)
	e.sim.RevokeConsent()
	_, err = c.FindCustomer(ctx, connectors.CustomerMatch{Field: "email", Value: "jan@example.com"})
	assert.Equal(t, connectors.KindAuth, connectors.KindOf(err), "%v", err)
	assert.NotContains(t, err.Error(), e.token)
	_, err = c.CreateOrder(ctx, connectors.OrderDraft{Order: simOrder("4001", true, simCustomer("jan@example.com", false)),
		ExternalID: "koppel-4001", CustomerID: "5a1b0000-0000-4000-8000-000000000001"})
	assert.Equal(t, connectors.KindAuth, connectors.KindOf(err), "%v", err)
	assert.Empty(t, e.sim.Orders())
}

// A payment method the flow maps to the name of eAccounting terms of
// payment picks those terms (a paid webshop order is not a 14-day
// invoice); a method naming none keeps the payment term's days.
func TestSimPaymentMethodNamesTheTermsOfPayment(t *testing.T) {
	e := newSimEnv(t, sim.Options{}, nil)
	seedSimProducts(t, e)
	c := e.client(t, eaccounting.StaticToken(e.token), nil)
	ctx := context.Background()
	for _, kind := range []connectors.OrderKind{connectors.KindOrder, connectors.KindSalesInvoice} {
		cash := draftFor(t, e, c, simOrder("2001-"+string(kind), true, simCustomer("cash-"+string(kind)+"@example.com", false)), kind)
		cash.PaymentMethod, cash.PaymentTermDays = "cash", 14
		_, err := c.CreateOrder(ctx, cash)
		require.NoError(t, err)
		docs := e.storedDocs(cash.ExternalID, kind)
		require.Len(t, docs, 1)
		assert.Equal(t, sim.TermsCashID, docs[0].termsID, "%s: the terms named by the payment method", kind)

		other := draftFor(t, e, c, simOrder("2002-"+string(kind), true, simCustomer("ideal-"+string(kind)+"@example.com", false)), kind)
		other.PaymentMethod, other.PaymentTermDays = "iDEAL", 14
		_, err = c.CreateOrder(ctx, other)
		require.NoError(t, err)
		docs = e.storedDocs(other.ExternalID, kind)
		require.Len(t, docs, 1)
		assert.Equal(t, sim.Terms14ID, docs[0].termsID, "%s: a method that names no terms keeps the days' terms", kind)
	}
}
