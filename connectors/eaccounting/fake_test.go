package eaccounting_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/conntest/contract"
	"github.com/koppel/koppel/connectors/eaccounting"
)

// fake is a small eAccounting of the flows' endpoints, behind the contract
// checker: every request the client sends and every answer the fake gives
// is validated against the vendor's OpenAPI file, so the wire shape is
// proven against the contract, not against the fake.
type fake struct {
	mu        sync.Mutex
	settings  map[string]any
	codings   []map[string]any
	units     []map[string]any
	terms     []map[string]any
	methods   []map[string]any
	articles  []map[string]any
	customers []map[string]any
	docs      map[string][]map[string]any // by collection ("orders")
	requests  []request
	// refuse answers a call (op "PUT /articles/{articleId}") with a status and body.
	refuse map[string]refusal
	nextID int
	// lastFilter is the $filter of the last listing.
	lastFilter string
}

type request struct {
	Op   string
	Path string
	Body map[string]any
	Raw  string
}

type refusal struct {
	status int
	body   string
}

const (
	coding21     = "c0000000-0000-4000-8000-000000000021"
	coding9      = "c0000000-0000-4000-8000-000000000009"
	coding0      = "c0000000-0000-4000-8000-000000000000"
	codingServ21 = "c0000000-0000-4000-8000-000000000121"
	unitSt       = "d0000000-0000-4000-8000-000000000001"
	terms14      = "e0000000-0000-4000-8000-000000000014"
	terms30      = "e0000000-0000-4000-8000-000000000030"
	customerCo   = "f0000000-0000-4000-8000-000000000001"
	customerPriv = "f0000000-0000-4000-8000-000000000002"
)

func newFake() *fake {
	f := &fake{
		settings: map[string]any{"Name": "Koppel BV", "Address1": "Hoofdstraat 1", "PostalCode": "1234 AB", "City": "Utrecht",
			"CountryCode": "NL", "CurrencyCode": "EUR", "ShowPricesExclVatPC": false},
		codings: []map[string]any{
			{"Id": coding21, "Name": "Varor 21%", "Type": "Goods", "VatRate": "21", "VatRatePercent": 0.21, "IsActive": true},
			{"Id": coding9, "Name": "Varor 9%", "Type": "Goods", "VatRate": "9", "VatRatePercent": 0.09, "IsActive": true},
			{"Id": coding0, "Name": "Vrijgesteld", "Type": "Goods", "VatRate": "0", "VatRatePercent": 0, "IsActive": true},
			{"Id": codingServ21, "Name": "Tjänster 21%", "Type": "Services", "VatRate": "21", "VatRatePercent": 0.21, "IsActive": true},
		},
		units: []map[string]any{{"Id": unitSt, "Name": "Styck", "Code": "st", "Abbreviation": "st"}},
		terms: []map[string]any{
			{"Id": terms14, "Name": "14 dagen", "NumberOfDays": 14, "TermsOfPaymentTypeId": 0, "AvailableForSales": true},
			{"Id": terms30, "Name": "30 dagen", "NumberOfDays": 30, "TermsOfPaymentTypeId": 0, "AvailableForSales": true},
			{"Id": "e0000000-0000-4000-8000-000000000099", "Name": "Contant", "NumberOfDays": 0, "TermsOfPaymentTypeId": 2, "AvailableForSales": true},
		},
		methods: []map[string]any{{"Id": "a1000000-0000-4000-8000-000000000001", "Name": "PostNL", "Code": "POSTNL"}},
		docs:    map[string][]map[string]any{},
		refuse:  map[string]refusal{},
	}
	f.customers = []map[string]any{
		{"Id": customerCo, "CustomerNumber": "1001", "Name": "Bakkerij De Korst", "IsPrivatePerson": false, "IsActive": true,
			"TermsOfPaymentId": terms30, "InvoiceCity": "Utrecht", "InvoicePostalCode": "1234 AB", "EmailAddress": "inkoop@korst.nl"},
		{"Id": customerPriv, "CustomerNumber": "1002", "Name": "Jan Jansen", "IsPrivatePerson": true, "IsActive": true,
			"TermsOfPaymentId": terms14, "InvoiceCity": "Delft", "InvoicePostalCode": "2611 AA"},
	}
	return f
}

func (f *fake) article(number, coding string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	f.articles = append(f.articles, map[string]any{"Id": fmt.Sprintf("b0000000-0000-4000-8000-%012d", f.nextID), "Number": number,
		"Name": "Article " + number, "IsActive": true, "CodingId": coding, "UnitId": unitSt, "NetPrice": 10, "GrossPrice": 12.1,
		"StockBalance": 0, "IsStock": false})
}

func (f *fake) articleID(number string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.articles {
		if a["Number"] == number {
			return a["Id"].(string)
		}
	}
	return ""
}

// sent returns the requests of op.
func (f *fake) sent(op string) []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []request
	for _, r := range f.requests {
		if r.Op == op {
			out = append(out, r)
		}
	}
	return out
}

func (f *fake) count(op string) int { return len(f.sent(op)) }

// serve starts the fake behind the contract check and returns a client of it.
func (f *fake) client(t *testing.T, edit func(*eaccounting.Config)) *eaccounting.Client {
	t.Helper()
	api := contract.OpenAPIForTest(t, contract.EAccounting)
	srv := httptest.NewServer(api.Handler(t, http.HandlerFunc(f.serveHTTP)))
	t.Cleanup(srv.Close)
	cfg := eaccounting.Config{BaseURL: srv.URL + "/v2", ClientID: t.Name(), Tokens: eaccounting.StaticToken("tok"), RequestsPerMinute: -1,
		Now: func() time.Time { return time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) }}
	if edit != nil {
		edit(&cfg)
	}
	c, err := eaccounting.New(cfg)
	require.NoError(t, err)
	return c
}

var collections = map[string]string{"orders": "YourReference", "customerinvoicedrafts": "YourReference",
	"customerinvoices": "YourReference", "quotes": "CustomerReference"}

func (f *fake) serveHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	path := strings.TrimPrefix(r.URL.Path, "/v2")
	parts := strings.Split(strings.Trim(path, "/"), "/")
	template := "/" + parts[0]
	if len(parts) > 1 {
		template += map[string]string{"customers": "/{customerId}", "articles": "/{articleId}"}[parts[0]]
	}
	op := r.Method + " " + template
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &body)
	}
	f.requests = append(f.requests, request{Op: op, Path: path, Body: body, Raw: string(raw)})
	if rf, ok := f.refuse[op]; ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rf.status)
		io.WriteString(w, rf.body)
		return
	}
	filter := r.URL.Query().Get("$filter")
	if filter != "" {
		f.lastFilter = filter
	}
	switch {
	case op == "GET /companysettings":
		reply(w, 200, f.settings)
	case op == "GET /articleaccountcodings":
		page(w, f.codings)
	case op == "GET /units":
		page(w, f.units)
	case op == "GET /termsofpayments":
		page(w, f.terms)
	case op == "GET /deliverymethods":
		page(w, f.methods)
	case op == "GET /articles":
		page(w, matching(f.articles, filter))
	case op == "GET /customers":
		page(w, matching(f.customers, filter))
	case op == "GET /articles/{articleId}", op == "GET /customers/{customerId}":
		if rec := byID(f.list(parts[0]), parts[1]); rec != nil {
			reply(w, 200, rec)
			return
		}
		reply(w, 404, map[string]any{"ErrorCode": 3000, "DeveloperErrorMessage": "not found"})
	case op == "PUT /articles/{articleId}", op == "PUT /customers/{customerId}":
		rec := byID(f.list(parts[0]), parts[1])
		for k := range rec {
			delete(rec, k)
		}
		for k, v := range body {
			rec[k] = v
		}
		rec["Id"] = parts[1]
		reply(w, 200, rec)
	case op == "POST /articles", op == "POST /customers":
		f.nextID++
		body["Id"] = fmt.Sprintf("b1000000-0000-4000-8000-%012d", f.nextID)
		if parts[0] == "articles" {
			f.articles = append(f.articles, body)
		} else {
			f.customers = append(f.customers, body)
		}
		reply(w, 201, body)
	case r.Method == "GET" && collections[parts[0]] != "":
		page(w, matching(f.docs[parts[0]], filter))
	case r.Method == "POST" && collections[parts[0]] != "":
		f.nextID++
		body["Id"] = fmt.Sprintf("b2000000-0000-4000-8000-%012d", f.nextID)
		switch parts[0] {
		case "customerinvoices":
			body["InvoiceNumber"] = 1000 + f.nextID
		case "orders", "quotes":
			body["Number"] = 1000 + f.nextID
		}
		f.docs[parts[0]] = append(f.docs[parts[0]], body)
		reply(w, 201, body)
	default:
		reply(w, 404, map[string]any{"Message": "No HTTP resource was found"})
	}
}

func (f *fake) list(name string) []map[string]any {
	if name == "articles" {
		return f.articles
	}
	return f.customers
}

func byID(list []map[string]any, id string) map[string]any {
	for _, r := range list {
		if r["Id"] == id {
			return r
		}
	}
	return nil
}

// matching applies a filter of "Field eq 'value'" terms joined by or.
func matching(list []map[string]any, filter string) []map[string]any {
	if filter == "" {
		return list
	}
	var out []map[string]any
	for _, r := range list {
		for _, term := range strings.Split(filter, " or ") {
			field, lit, _ := strings.Cut(term, " eq ")
			value := strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(lit, "'"), "'"), "''", "'")
			if v, ok := r[field].(string); ok && strings.EqualFold(v, value) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

func page(w http.ResponseWriter, data []map[string]any) {
	if data == nil {
		data = []map[string]any{}
	}
	reply(w, 200, map[string]any{"Meta": map[string]any{"CurrentPage": 1, "PageSize": 100, "TotalNumberOfPages": 1,
		"TotalNumberOfResults": len(data), "ServerTimeUtc": "2026-03-02T10:00:00Z"}, "Data": data})
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
