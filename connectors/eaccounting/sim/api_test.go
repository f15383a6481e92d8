package sim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/conntest/contract"
	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/connectors/eaccounting/sim"
	"github.com/koppel/koppel/connectors/simkit"
)

// company is a seeded simulator behind the contract checker: every
// request and answer of these tests is checked against the OpenAPI file.
type company struct {
	t     *testing.T
	sim   *sim.Sim
	url   string
	token string
	now   time.Time
}

func newCompany(t *testing.T, o sim.Options, checked bool) *company {
	t.Helper()
	o.ClientID, o.ClientSecret = clientID, clientSecret
	c := &company{t: t, now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	o.Now = func() time.Time { return c.now }
	c.sim = sim.New(o)
	sim.SeedDemo(c.sim, simkit.DemoContext{Now: c.now, Instance: 1})
	var h http.Handler = c.sim
	if checked {
		// The identity server is not in the contract, and a request a test
		// breaks on purpose would fail the check before the simulator's.
		checker := contract.OpenAPIForTest(t, contract.EAccounting).Handler(t, c.sim)
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/v2/") && r.Header.Get(breaksContract) == "" {
				checker.ServeHTTP(w, r)
				return
			}
			c.sim.ServeHTTP(w, r)
		})
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c.url = srv.URL
	code, err := c.sim.Authorize(redirect, append(eaccounting.DefaultScopes, eaccounting.ScopeAccountingReadOnly)...)
	require.NoError(t, err)
	r := post(t, &httptest.Server{URL: srv.URL}, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}}, nil)
	require.Equal(t, http.StatusOK, r.Status)
	c.token = r.AccessToken
	return c
}

type reply struct {
	status int
	body   []byte
}

func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), string(r.body))
}

// problem is the error body as a client reads it.
type problem struct {
	ErrorCode int
	ErrorId   string
	Errors    []struct{ Field, Message string }
}

func (r reply) problem(t *testing.T) problem {
	t.Helper()
	var p problem
	r.decode(t, &p)
	assert.NotEmpty(t, p.ErrorId)
	return p
}

func (p problem) fields() []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

// breaksContract marks a request a test breaks on purpose.
const breaksContract = "X-Test-Breaks-Contract"

func (c *company) do(method, path, body string) reply {
	c.t.Helper()
	return c.send(method, path, body, false)
}

// bad sends a request the contract itself refuses, to see the simulator do too.
func (c *company) bad(method, path, body string) reply {
	c.t.Helper()
	return c.send(method, path, body, true)
}

func (c *company) send(method, path, body string, breaks bool) reply {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.url+"/v2"+path, rd)
	require.NoError(c.t, err)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if breaks {
		req.Header.Set(breaksContract, "yes")
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return reply{resp.StatusCode, b}
}

func jsonOf(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func (c *company) article(number string) sim.Article {
	a, ok := c.sim.Article(number)
	require.True(c.t, ok, number)
	return a
}

func (c *company) customerID(email string) string {
	for _, cu := range c.sim.Customers() {
		if cu.EmailAddress == email {
			return cu.Id
		}
	}
	c.t.Fatalf("no customer %s", email)
	return ""
}

func TestEveryReadMatchesTheContract(t *testing.T) {
	c := newCompany(t, sim.Options{}, true)
	for _, p := range []string{"/companysettings", "/customers", "/articles", "/orders", "/customerinvoicedrafts", "/customerinvoices",
		"/quotes", "/termsofpayments", "/units", "/articleaccountcodings", "/vatcodes", "/countries", "/currencies", "/deliverymethods"} {
		assert.Equal(t, http.StatusOK, c.do("GET", p, "").status, p)
	}
	for _, p := range []string{"/termsofpayments/" + sim.Terms30ID, "/units/" + sim.UnitPiecesID, "/articleaccountcodings/" + sim.Coding21ID,
		"/vatcodes/7a700000-0000-4000-8000-000000000021", "/countries/BE", "/deliverymethods/" + sim.DeliveryPostNLID,
		"/articles/" + c.article("KOF-1000").Id, "/customers/" + c.customerID("anna.deboer@example.nl")} {
		assert.Equal(t, http.StatusOK, c.do("GET", p, "").status, p)
	}
	missing := c.do("GET", "/units/0a170000-0000-4000-8000-0000000000ff", "")
	assert.Equal(t, http.StatusNotFound, missing.status)
	assert.Equal(t, eaccounting.CodeNotFound, missing.problem(t).ErrorCode)
	assert.Equal(t, eaccounting.CodeValidation, c.do("GET", "/articles/not-a-guid", "").problem(t).ErrorCode)

	var settings struct {
		CurrencyCode        string
		ShowPricesExclVatPC bool
		NextCustomerNumber  int
	}
	c.do("GET", "/companysettings", "").decode(t, &settings)
	assert.Equal(t, "EUR", settings.CurrencyCode)
	assert.Equal(t, 1003, settings.NextCustomerNumber, "two demo customers")
}

func TestCustomers(t *testing.T) {
	c := newCompany(t, sim.Options{}, true)
	body := `{"Name":"Jan Visser","IsPrivatePerson":true,"IsActive":true,"TermsOfPaymentId":"` + sim.Terms14ID + `",
		"InvoiceAddress1":"Kerkweg 3","InvoicePostalCode":"2345 BC","InvoiceCity":"Nergensdam","InvoiceCountryCode":"NL",
		"EmailAddress":"jan.visser@example.nl"}`
	created := c.do("POST", "/customers", body)
	require.Equal(t, http.StatusCreated, created.status, string(created.body))
	var cu sim.Customer
	created.decode(t, &cu)
	assert.Equal(t, "1003", cu.CustomerNumber, "assigned when omitted")
	assert.Equal(t, 14, cu.TermsOfPayment.NumberOfDays, "the terms are expanded on a read")
	assert.Equal(t, "EUR", cu.CurrencyCode)

	filtered := c.do("GET", "/customers?$filter="+url.QueryEscape("EmailAddress eq 'JAN.VISSER@example.nl'"), "")
	var pg struct {
		Meta sim.Meta
		Data []sim.Customer
	}
	filtered.decode(t, &pg)
	require.Len(t, pg.Data, 1)
	assert.Equal(t, cu.Id, pg.Data[0].Id)
	assert.Equal(t, 1, pg.Meta.TotalNumberOfResults)

	dup := c.do("POST", "/customers", strings.Replace(body, `"Name"`, `"CustomerNumber":"1003","Name"`, 1))
	assert.Equal(t, http.StatusBadRequest, dup.status)
	assert.Equal(t, eaccounting.CodeConflict, dup.problem(t).ErrorCode)

	typo := c.bad("POST", "/customers", strings.Replace(body, `"EmailAddress"`, `"EmailAdress"`, 1))
	assert.Equal(t, eaccounting.CodeValidation, typo.problem(t).ErrorCode)
	assert.Equal(t, []string{"EmailAdress"}, typo.problem(t).fields(), "a misspelt property is named")

	incomplete := c.bad("POST", "/customers", `{"Name":"`+strings.Repeat("x", 51)+`","IsActive":true}`)
	p := incomplete.problem(t)
	assert.Equal(t, eaccounting.CodeValidation, p.ErrorCode)
	assert.ElementsMatch(t, []string{"Name", "IsPrivatePerson", "TermsOfPaymentId", "InvoiceCity", "InvoicePostalCode"}, p.fields())

	noTerms := c.do("POST", "/customers", strings.Replace(body, sim.Terms14ID, "7e000000-0000-4000-8000-0000000000ff", 1))
	assert.Equal(t, eaccounting.CodeNotFound, noTerms.problem(t).ErrorCode)
	assert.Equal(t, []string{"TermsOfPaymentId"}, noTerms.problem(t).fields())

	replaced := c.do("PUT", "/customers/"+cu.Id, strings.Replace(body, "Kerkweg 3", "Kerkweg 5", 1))
	require.Equal(t, http.StatusOK, replaced.status, string(replaced.body))
	var after sim.Customer
	replaced.decode(t, &after)
	assert.Equal(t, "Kerkweg 5", after.InvoiceAddress1)
	assert.Equal(t, "1003", after.CustomerNumber, "a replacement without a number keeps it")
	taken := c.do("PUT", "/customers/"+cu.Id, strings.Replace(body, `"Name"`, `"CustomerNumber":"1001","Name"`, 1))
	assert.Equal(t, eaccounting.CodeConflict, taken.problem(t).ErrorCode)
	assert.Equal(t, http.StatusNotFound, c.do("PUT", "/customers/5a1b0000-0000-4000-8000-0000000fffff", body).status)
}

// A full-replacement PUT may send back what it read, read-only fields
// included; the API ignores them. (Not through the contract checker: it
// flags read-only properties in a request, which is the client's concern.)
func TestReadOnlyFieldsAreAcceptedAndIgnored(t *testing.T) {
	c := newCompany(t, sim.Options{}, false)
	read := c.do("GET", "/articles/"+c.article("MOK-0001").Id, "")
	var raw map[string]any
	read.decode(t, &raw)
	raw["Name"] = "Mok Koppel, zwart"
	raw["CodingName"] = "made up"
	raw["StockBalanceAvailable"] = 12345
	put := c.do("PUT", "/articles/"+raw["Id"].(string), jsonOf(t, raw))
	require.Equal(t, http.StatusOK, put.status, string(put.body))
	a := c.article("MOK-0001")
	assert.Equal(t, "Mok Koppel, zwart", a.Name)
	assert.Equal(t, "Verkoop goederen 21%", a.CodingName)
	assert.Equal(t, "100", a.StockBalanceAvailable.String())
}

func TestArticles(t *testing.T) {
	c := newCompany(t, sim.Options{}, true)
	body := func(number, coding, unit, extra string) string {
		return `{"Number":"` + number + `","Name":"Cadeaubon","IsActive":true,"CodingId":"` + coding + `","UnitId":"` + unit + `"` + extra + `}`
	}
	created := c.do("POST", "/articles", body("CAD-0001", sim.Coding0ID, sim.UnitPiecesID, `,"NetPrice":25,"StockBalance":3,"Barcodes":[{"Barcode":"8712345678906","BarcodeType":0}]`))
	require.Equal(t, http.StatusCreated, created.status, string(created.body))
	var a sim.Article
	created.decode(t, &a)
	assert.Equal(t, "25", a.GrossPrice.String(), "0 % VAT")
	assert.Equal(t, "3", a.StockBalanceAvailable.String())
	assert.Equal(t, "8712345678906", a.Barcodes[0].Barcode)
	require.NotNil(t, a.ChangedUtc)
	assert.Equal(t, c.now, a.ChangedUtc.Time)

	dup := c.do("POST", "/articles", body("cad-0001", sim.Coding0ID, sim.UnitPiecesID, ""))
	assert.Equal(t, eaccounting.CodeConflict, dup.problem(t).ErrorCode)
	noCoding := c.do("POST", "/articles", body("X-1", "c0d10000-0000-4000-8000-0000000000ff", sim.UnitPiecesID, ""))
	assert.Equal(t, eaccounting.CodeNotFound, noCoding.problem(t).ErrorCode)
	assert.Equal(t, []string{"CodingId"}, noCoding.problem(t).fields())
	noUnit := c.do("POST", "/articles", body("X-1", sim.Coding21ID, "0a170000-0000-4000-8000-0000000000ff", ""))
	assert.Equal(t, []string{"UnitId"}, noUnit.problem(t).fields())
	cents := c.do("POST", "/articles", body("X-1", sim.Coding21ID, sim.UnitPiecesID, `,"NetPrice":1.999`))
	assert.Equal(t, []string{"NetPrice"}, cents.problem(t).fields())

	c.now = c.now.Add(time.Minute)
	put := c.do("PUT", "/articles/"+a.Id, body("CAD-0001", sim.Coding0ID, sim.UnitPiecesID, `,"NetPrice":25,"StockBalance":7`))
	require.Equal(t, http.StatusOK, put.status, string(put.body))
	assert.Equal(t, "7", c.article("CAD-0001").StockBalance.String())
	assert.Equal(t, c.now, c.article("CAD-0001").ChangedUtc.Time, "ChangedUtc moves on every write")

	c.sim.SetStockModule(true)
	refused := c.do("PUT", "/articles/"+a.Id, body("CAD-0001", sim.Coding0ID, sim.UnitPiecesID, `,"NetPrice":25,"StockBalance":9`))
	assert.Equal(t, http.StatusBadRequest, refused.status)
	assert.Equal(t, eaccounting.CodeCannotWrite, refused.problem(t).ErrorCode)
	same := c.do("PUT", "/articles/"+a.Id, body("CAD-0001", sim.Coding0ID, sim.UnitPiecesID, `,"NetPrice":26,"StockBalance":7`))
	assert.Equal(t, http.StatusOK, same.status, "an unchanged balance passes")
	assert.Equal(t, eaccounting.CodeCannotWrite, c.do("POST", "/articles", body("X-2", sim.Coding21ID, sim.UnitPiecesID, `,"StockBalance":1`)).problem(t).ErrorCode)

	list := c.do("GET", "/articles?$filter="+url.QueryEscape("startswith(Number,'KOF-')")+"&$orderby=Number%20desc", "")
	var pg struct{ Data []sim.Article }
	list.decode(t, &pg)
	require.Len(t, pg.Data, 2)
	assert.Equal(t, "KOF-1000", pg.Data[0].Number)
	bad := c.do("GET", "/articles?$filter="+url.QueryEscape("Colour eq 'red'"), "")
	assert.Equal(t, []string{"Colour"}, bad.problem(t).fields())
}

func TestOrderTotalsAndDefaults(t *testing.T) {
	c := newCompany(t, sim.Options{}, true)
	anna := c.customerID("anna.deboer@example.nl")
	beans, cup, ship := c.article("KOF-0250"), c.article("MOK-0001"), c.article(sim.DemoShippingArticle)
	order := `{"CustomerId":"` + anna + `","CurrencyCode":"EUR","Status":2,"EuThirdParty":false,"RotReducedInvoicingType":0,
		"ReverseChargeOnConstructionServices":false,"YourReference":"1001","OrderDate":"2026-03-01T00:00:00Z","Rows":[
		{"LineNumber":0,"ArticleId":"` + beans.Id + `","Quantity":3,"UnitPrice":6.38,"IsTextRow":false,"IsWorkCost":false,"EligibleForReverseChargeOnVat":false},
		{"LineNumber":1,"ArticleId":"` + cup.Id + `","Quantity":1,"UnitPrice":7.02,"DiscountPercentage":0.1,"IsTextRow":false,"IsWorkCost":false,"EligibleForReverseChargeOnVat":false},
		{"LineNumber":2,"IsTextRow":true,"Text":"Webshop order 1001","IsWorkCost":false,"EligibleForReverseChargeOnVat":false},
		{"LineNumber":3,"ArticleId":"` + ship.Id + `","Quantity":1,"UnitPrice":4.09,"IsTextRow":false,"IsWorkCost":false,"EligibleForReverseChargeOnVat":false}]}`
	created := c.do("POST", "/orders", order)
	require.Equal(t, http.StatusCreated, created.status, string(created.body))
	var o sim.Order
	created.decode(t, &o)
	// 9 %: 19.14 → VAT 1.72; 21 %: 6.32 + 4.09 = 10.41 → VAT 2.19 (2.1861)
	assert.Equal(t, "29.55", o.Amount.String(), "Amount excludes VAT")
	assert.Equal(t, "3.91", o.VatAmount.String())
	assert.Equal(t, "6.32", o.Rows[1].Amount.String())
	assert.Equal(t, 1, *o.Number)
	assert.Equal(t, "1001", o.CustomerNumber)
	assert.Equal(t, "Ergenshuizen", o.InvoiceCity, "the invoice address comes from the customer")
	assert.True(t, o.CustomerIsPrivatePerson)
	assert.False(t, o.IncludesVat, "the company does not show private persons prices with VAT")
	assert.Equal(t, "Espressobonen 250 g", o.Rows[0].Text)
	assert.Equal(t, "0.09", o.Rows[0].VatRate.String())
	assert.Equal(t, "97", c.article("KOF-0250").StockBalanceAvailable.String(), "an ongoing order reserves")

	byRef := c.do("GET", "/orders?$filter="+url.QueryEscape("YourReference eq '1001' and ModifiedUtc ge 2026-03-02T00:00:00Z"), "")
	var pg struct{ Data []sim.Order }
	byRef.decode(t, &pg)
	assert.Len(t, pg.Data, 1)
	assert.Equal(t, http.StatusOK, c.do("GET", "/orders/"+o.Id, "").status)

	for _, bad := range []struct {
		from, to, field string
		breaksContract  bool
	}{
		{`"UnitPrice":6.38`, `"UnitPrice":6.385`, "Rows[0].UnitPrice", false},
		{`"Quantity":3`, `"Quantity":3.00001`, "Rows[0].Quantity", false},
		{`"DiscountPercentage":0.1`, `"DiscountPercentage":0.12345`, "Rows[1].DiscountPercentage", false},
		{`"Text":"Webshop order 1001"`, `"Text":"x","UnitPrice":1`, "Rows[2].UnitPrice", false},
		{`"YourReference":"1001"`, `"YourReference":"` + strings.Repeat("1", 101) + `"`, "YourReference", true},
		{`"Status":2`, `"Status":5`, "Status", true},
		{`{"LineNumber":0,`, `{`, "Rows[0].LineNumber", true},
		{`"ArticleId":"` + cup.Id + `",`, ``, "Rows[1].ArticleId", false},
	} {
		r := c.send("POST", "/orders", strings.Replace(order, bad.from, bad.to, 1), bad.breaksContract)
		p := r.problem(t)
		assert.Equal(t, eaccounting.CodeValidation, p.ErrorCode, bad.field)
		assert.Equal(t, []string{bad.field}, p.fields(), bad.field)
	}
	ghost := c.do("POST", "/orders", strings.Replace(order, ship.Id, "5a1b0000-0000-4000-8000-0000000fffff", 1))
	assert.Equal(t, eaccounting.CodeNotFound, ghost.problem(t).ErrorCode)
	assert.Equal(t, []string{"Rows[3].ArticleId"}, ghost.problem(t).fields())
	nobody := c.do("POST", "/orders", strings.Replace(order, anna, "5a1b0000-0000-4000-8000-0000000fffff", 1))
	assert.Equal(t, []string{"CustomerId"}, nobody.problem(t).fields())
	assert.Len(t, c.sim.Orders(), 1, "nothing refused was stored")
}

func TestPricesIncludeVatForPrivatePersonsWhenTheCompanySaysSo(t *testing.T) {
	c := newCompany(t, sim.Options{}, true)
	co := c.sim.Company()
	co.ShowPricesExclVatPC = true
	c.sim.SetCompany(co)
	anna, smit := c.customerID("anna.deboer@example.nl"), c.customerID("inkoop@bakkerijsmit.example")
	beans := c.article("KOF-1000")
	draft := func(cust string) string {
		return `{"CustomerId":"` + cust + `","EuThirdParty":false,"RotReducedInvoicingType":0,"YourReference":"1002","Rows":[
			{"ArticleId":"` + beans.Id + `","Quantity":2,"IsTextRow":false,"ReversedConstructionServicesVatFree":false}]}`
	}
	r := c.do("POST", "/customerinvoicedrafts", draft(anna))
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	var d sim.InvoiceDraft
	r.decode(t, &d)
	assert.True(t, d.IncludesVat)
	assert.Equal(t, "19.95", d.Rows[0].UnitPrice.String(), "the article's GrossPrice when the row gives none")
	assert.Equal(t, "39.9", d.TotalAmount.String(), "TotalAmount includes VAT")
	assert.Equal(t, "3.29", d.TotalVatAmount.String(), "round2(39.90 × 0.09/1.09) = 3.2945…")
	assert.Equal(t, sim.Coding9ID, d.Rows[0].VatRateId)

	r = c.do("POST", "/customerinvoicedrafts", draft(smit))
	r.decode(t, &d)
	assert.False(t, d.IncludesVat, "a company customer sees prices without VAT")
	assert.Equal(t, "18.3", d.Rows[0].UnitPrice.String(), "NetPrice = 19.95 / 1.09")
	assert.Equal(t, "39.89", d.TotalAmount.String(), "36.60 + 3.29")
}

func TestDraftConvertsToABookedInvoice(t *testing.T) {
	c := newCompany(t, sim.Options{}, true)
	smit := c.customerID("inkoop@bakkerijsmit.example")
	cup := c.article("MOK-0001")
	r := c.do("POST", "/customerinvoicedrafts", `{"CustomerId":"`+smit+`","EuThirdParty":false,"RotReducedInvoicingType":0,"Rows":[
		{"ArticleId":"`+cup.Id+`","Quantity":2,"UnitPrice":7.02,"IsTextRow":false,"ReversedConstructionServicesVatFree":false},
		{"IsTextRow":true,"Text":"Bedankt!","ReversedConstructionServicesVatFree":false}]}`)
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	var d sim.InvoiceDraft
	r.decode(t, &d)
	assert.Equal(t, "16.99", d.TotalAmount.String(), "14.04 + 2.95")

	wrong := c.do("POST", "/customerinvoicedrafts/"+d.Id+"/convert", `{"TotalAmountInvoiceCurrency":17.00}`)
	assert.Equal(t, []string{"TotalAmountInvoiceCurrency"}, wrong.problem(t).fields(), "a conversion can check the totals")
	conv := c.do("POST", "/customerinvoicedrafts/"+d.Id+"/convert", `{"TotalAmountInvoiceCurrency":16.99,"TotalVatAmountInvoiceCurrency":2.95}`)
	require.Equal(t, http.StatusCreated, conv.status, string(conv.body))
	var inv sim.Invoice
	conv.decode(t, &inv)
	assert.Equal(t, 1, inv.InvoiceNumber)
	assert.Equal(t, "F1", inv.VoucherNumber)
	assert.Equal(t, d.Id, inv.CreatedFromDraftId)
	assert.Equal(t, "16.99", inv.TotalAmount.String())
	assert.Equal(t, "2026-03-16T00:00:00Z", inv.DueDate.Format(time.RFC3339), "14 days of the customer's terms")
	assert.True(t, inv.Rows[1].IsTextRow)
	require.Len(t, inv.VatSpecification, 1)
	assert.Equal(t, "14.04", inv.VatSpecification[0].AmountInvoiceCurrency.String())
	assert.Empty(t, c.sim.InvoiceDrafts(), "the draft is used up")
	assert.Equal(t, http.StatusNotFound, c.do("POST", "/customerinvoicedrafts/"+d.Id+"/convert", "").status)
	assert.Len(t, c.sim.Invoices(), 1)
}

func TestInvoicesAndQuotes(t *testing.T) {
	c := newCompany(t, sim.Options{}, true)
	anna := c.customerID("anna.deboer@example.nl")
	melk, korting := c.article("MLK-0001"), c.article(sim.DemoDiscount21Article)
	rows := `[{"ArticleId":"` + melk.Id + `","Quantity":1,"UnitPrice":28.88},{"ArticleId":"` + korting.Id + `","Quantity":1,"UnitPrice":-5},{"Text":"Dank u"}]`
	r := c.do("POST", "/customerinvoices", `{"CustomerId":"`+anna+`","EuThirdParty":false,"RotReducedInvoicingType":0,"YourReference":"1003","Rows":`+rows+`}`)
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	var inv sim.Invoice
	r.decode(t, &inv)
	assert.Equal(t, "28.89", inv.TotalAmount.String(), "23.88 + 5.01")
	assert.Equal(t, "5.01", inv.TotalVatAmount.String())
	assert.Equal(t, "EUR", inv.CurrencyCode)
	assert.NotEmpty(t, inv.VoucherNumber)
	noArticle := c.do("POST", "/customerinvoices", `{"CustomerId":"`+anna+`","EuThirdParty":false,"RotReducedInvoicingType":0,"Rows":[{"Quantity":1,"UnitPrice":3}]}`)
	assert.Equal(t, []string{"Rows[0].ArticleId"}, noArticle.problem(t).fields(), "a priced row needs an article")

	q := c.do("POST", "/quotes", `{"CustomerId":"`+anna+`","CustomerReference":"offerte 7","Rows":`+rows+`}`)
	require.Equal(t, http.StatusCreated, q.status, string(q.body))
	var quote sim.Quote
	q.decode(t, &quote)
	assert.Equal(t, 1, *quote.Number)
	assert.Equal(t, "23.88", quote.TotalAmount.String(), "the simulator's reading: excluding VAT, as OrderApi.Amount")
	assert.Equal(t, "5.01", quote.VatAmount.String())
	assert.Equal(t, 14, quote.TermsOfPayment.NumberOfDays)
	assert.Len(t, c.sim.Quotes(), 1)
}

func TestScopesPerPath(t *testing.T) {
	c := newCompany(t, sim.Options{}, false)
	code, err := c.sim.Authorize(redirect, "ea:api", "offline_access", "ea:sales_readonly")
	require.NoError(t, err)
	c.token = exchange(t, &httptest.Server{URL: c.url}, code).AccessToken
	assert.Equal(t, http.StatusOK, c.do("GET", "/orders", "").status)
	assert.Equal(t, eaccounting.CodeNoScope, c.do("POST", "/orders", `{}`).problem(t).ErrorCode, "writes need ea:sales")
	assert.Equal(t, eaccounting.CodeNoScope, c.do("GET", "/vatcodes", "").problem(t).ErrorCode, "VAT codes need ea:accounting(_readonly)")
	assert.Equal(t, http.StatusOK, c.do("GET", "/articleaccountcodings", "").status, "codings are sales data in the contract")
}

func TestQuotaCountsPerPathTemplate(t *testing.T) {
	c := newCompany(t, sim.Options{RequestsPerMinute: 1}, false)
	anna := c.customerID("anna.deboer@example.nl")
	assert.Equal(t, http.StatusOK, c.do("GET", "/customers", "").status)
	assert.Equal(t, http.StatusOK, c.do("GET", "/customers/"+anna, "").status, "/customers/{id} counts apart")
	assert.Equal(t, http.StatusTooManyRequests, c.do("GET", "/customers/"+c.customerID("inkoop@bakkerijsmit.example"), "").status,
		"another id is the same endpoint")
	assert.Equal(t, eaccounting.CodeRateLimited, c.do("POST", "/customers", `{}`).problem(t).ErrorCode, "a POST counts with the GETs of its URL")
}

func TestALostAnswerStillCommits(t *testing.T) {
	c := newCompany(t, sim.Options{}, false)
	anna := c.customerID("anna.deboer@example.nl")
	c.sim.Faults().Add(simkit.Rule{Op: "POST /orders", Kind: simkit.FaultDropAfterCommit, Times: 1})
	req, err := http.NewRequest("POST", c.url+"/v2/orders", bytes.NewReader([]byte(`{"CustomerId":"`+anna+`","CurrencyCode":"EUR","Status":1,
		"EuThirdParty":false,"RotReducedInvoicingType":0,"ReverseChargeOnConstructionServices":false,"YourReference":"2001"}`)))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	_, err = http.DefaultClient.Do(req)
	require.Error(t, err, "the connection closes without an answer")
	require.Len(t, c.sim.Orders(), 1, "the order was committed")
	assert.Equal(t, "2001", c.sim.Orders()[0].YourReference)
	assert.Equal(t, 1, c.sim.Calls().Count("POST /orders"))
}

func TestRouteOpsFollowTheContractNames(t *testing.T) {
	c := newCompany(t, sim.Options{}, false)
	for op, path := range map[string]string{
		"GET /customers/{customerId}":  "/customers/" + c.customerID("anna.deboer@example.nl"),
		"GET /articles/{articleId}":    "/articles/" + c.article("KOF-1000").Id,
		"GET /countries/{countrycode}": "/countries/NL",
	} {
		c.sim.Faults().Add(simkit.Rule{Op: op, Kind: simkit.FaultStatus, Status: 503, Times: 1})
		assert.Equal(t, http.StatusServiceUnavailable, c.do("GET", path, "").status, op)
	}
}

func TestSnapshotRoundTripsTheWholeState(t *testing.T) {
	c := newCompany(t, sim.Options{}, false)
	anna := c.customerID("anna.deboer@example.nl")
	r := c.do("POST", "/quotes", `{"CustomerId":"`+anna+`","Rows":[{"ArticleId":"`+c.article("THE-0100").Id+`","Quantity":2}]}`)
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	c.sim.SetStockModule(true)
	snap, err := c.sim.Snapshot()
	require.NoError(t, err)

	again := sim.New(sim.Options{ClientID: clientID, ClientSecret: clientSecret})
	require.NoError(t, again.Restore(snap))
	snap2, err := again.Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(snap), string(snap2))
	assert.Equal(t, c.sim.Quotes(), again.Quotes())
	assert.Equal(t, c.sim.Articles(), again.Articles())
	assert.Contains(t, again.Company().ActivatedModules, "Stock")
}

func TestTheDemoIsRegistered(t *testing.T) {
	reg, ok := simkit.Lookup(eaccounting.System)
	require.True(t, ok)
	assert.Equal(t, sim.DemoPort, reg.DemoPort)
	inst := reg.Build(simkit.Config{})
	reg.Seed(inst, simkit.DemoContext{Now: time.Now(), Instance: 1})
	s := inst.(*sim.Sim)
	assert.Len(t, s.Articles(), len(simkit.DemoProducts())+5, "the catalogue, shipping, two discounts, costs and rounding")
	srv := httptest.NewServer(inst)
	t.Cleanup(srv.Close)
	r := post(t, srv, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"unknown"}},
		func(r *http.Request) { r.SetBasicAuth(sim.DemoClientID, sim.DemoClientSecret) })
	assert.Equal(t, "invalid_grant", r.Error, "the demo credentials are the app's")
}
