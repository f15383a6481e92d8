package vismanet_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/conntest/contract"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/connectors/vismanet"
	"github.com/koppel/koppel/model"
)

// fake is a small Visma.net of the flows' endpoints and a Visma Connect
// token endpoint. The client under test reaches the API through the
// contract checker (contract.OpenAPI.Transport), so every request it sends
// and every answer the fake gives is validated against the vendor's
// OpenAPI file: the wire shape is proven against the contract, not against
// the fake. The fake adds up documents by the rule BookedTotal documents,
// from the VAT categories of their lines, so a plan that adds up wrongly
// shows.
type fake struct {
	mu     sync.Mutex
	router *simkit.Router
	now    func() time.Time

	tokens      map[string]bool
	tokenSeq    int
	tokenForms  []url.Values
	tokenAuth   []string // the client id each token request authenticated with
	tokenRefuse string   // an OAuth error code to refuse token requests with
	tokenBasic  int      // token requests that came with a Basic header
	// tokenAnswers are answered, in turn, instead of a token.
	tokenAnswers []refusal

	requests []request
	refuse   map[string][]refusal
	drop     map[string]int // op → writes to commit and then cut off
	// rateHeaders go on every API answer.
	rateHeaders http.Header
	maxPageSize int
	// inclVAT says the fake's VAT categories calculate on "extract from
	// item amount" (prices include VAT).
	inclVAT bool
	// silentCategories report a calculation (DocumentAmount) that says
	// nothing about prices incl. or excl. VAT, so only the booked document
	// shows how they calculate.
	silentCategories bool

	vatRates  map[string]model.VATRate // VAT category → rate
	items     map[string]map[string]any
	customers []map[string]any
	etags     map[string]int
	orders    []map[string]any
	invoices  []map[string]any
	journals  []map[string]any
	released  []string
	jobs      map[string]job
	seq       int
}

type request struct {
	Op     string
	Path   string
	Query  url.Values
	Header http.Header
	Raw    string
	Body   map[string]any
}

type refusal struct {
	status int
	header http.Header
	body   string
}

type job struct {
	status int
	header http.Header
	body   []byte
}

const (
	testClientID = "koppel-app"
	testSecret   = "s3cret-9b2e"
	testTenant   = "tenant-42"
)

func newFake() *fake {
	f := &fake{
		now:    func() time.Time { return time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) },
		tokens: map[string]bool{}, refuse: map[string][]refusal{}, drop: map[string]int{}, etags: map[string]int{},
		rateHeaders: http.Header{}, maxPageSize: 1000, jobs: map[string]job{},
		vatRates: map[string]model.VATRate{"1": model.VATPercent(21), "2": model.VATPercent(9), "0": 0},
		items:    map[string]map[string]any{},
	}
	for _, p := range simkit.DemoProducts() {
		cat := "1"
		if p.VATPercent == 9 {
			cat = "2"
		}
		f.item(p.SKU, cat)
	}
	for _, n := range []string{"SHIP", "DISC", "COST", "ROUND"} {
		f.item(n, "1")
	}
	f.router = &simkit.Router{NotFound: func(w http.ResponseWriter, r *http.Request) {
		reply(w, 404, map[string]any{"message": "No HTTP resource was found that matches the request URI"})
	}}
	f.routes()
	return f
}

func (f *fake) item(number, vatCategory string) {
	f.items[number] = map[string]any{"inventoryId": len(f.items) + 1, "inventoryNumber": number, "status": "Active",
		"type": "FinishedGoodItem", "description": "Item " + number, "vatCode": map[string]any{"id": vatCategory, "description": "VAT " + vatCategory}}
}

// client serves the fake and returns a client of it, its API calls
// checked against the contract.
func (f *fake) client(t *testing.T, edit func(*vismanet.Config)) *vismanet.Client {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg := vismanet.Config{BaseURL: srv.URL, ClientID: testClientID, ClientSecret: testSecret, TenantID: testTenant + "/" + t.Name(),
		Now: f.now, BackgroundPoll: time.Millisecond, RequestsPerHour: -1,
		Transport: contractTransport(t, contract.OpenAPIForTest(t, contract.VismaNetOpenAPI)),
		Options:   vismanet.Options{TokenURL: srv.URL + vismanet.TokenPath, RevenueAccount: "3000", ReceivableAccount: "1510"},
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := vismanet.New(cfg)
	require.NoError(t, err)
	return c
}

// contractTransport checks every API exchange against the contract
// (contract.OpenAPI.Transport). The token endpoint is Visma Connect's,
// outside it; an attachment's answer is the file, which the contract
// types a JSON object, so only its request is checked.
func contractTransport(t *testing.T, api *contract.OpenAPI) http.RoundTripper {
	checked := api.Transport(t, nil)
	return roundTrip(func(r *http.Request) (*http.Response, error) {
		switch {
		case r.URL.Path == vismanet.TokenPath:
			return http.DefaultTransport.RoundTrip(r)
		case strings.HasPrefix(r.URL.Path, "/v1/attachment/"):
			if err := api.CheckRequest(r, nil); err != nil {
				t.Errorf("contract: %v", err)
			}
			return http.DefaultTransport.RoundTrip(r)
		}
		return checked.RoundTrip(r)
	})
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == vismanet.TokenPath {
		f.token(w, r)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	raw, _ := io.ReadAll(r.Body)
	op := f.router.Op(r)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	f.requests = append(f.requests, request{Op: op, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Raw: string(raw), Body: body})
	for k, v := range f.rateHeaders {
		w.Header()[k] = v
	}
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !f.tokens[tok] {
		reply(w, 401, map[string]any{"message": "Authorization has been denied for this request."})
		return
	}
	if q := f.refuse[op]; len(q) > 0 {
		f.refuse[op] = q[1:]
		for k, v := range q[0].header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(q[0].status)
		io.WriteString(w, q[0].body)
		return
	}
	r.Body = io.NopCloser(strings.NewReader(string(raw)))
	rec := httptest.NewRecorder()
	f.router.ServeHTTP(rec, r)
	if r.Header.Get(vismanet.HeaderBackground) != "" && (r.Method == "POST" || r.Method == "PUT") && rec.Code < 300 {
		f.seq++
		id := fmt.Sprintf("job-%d", f.seq)
		f.jobs[id] = job{status: rec.Code, header: rec.Header().Clone(), body: rec.Body.Bytes()}
		reply(w, 202, map[string]any{"id": id, "stateLocation": "/v1/background/" + id})
		return
	}
	if f.drop[op] > 0 { // committed; the answer is lost
		f.drop[op]--
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		conn.Close()
		return
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

func (f *fake) token(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokenForms = append(f.tokenForms, r.PostForm)
	id, secret, ok := r.BasicAuth()
	if ok {
		f.tokenBasic++
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	f.tokenAuth = append(f.tokenAuth, id)
	if len(f.tokenAnswers) > 0 {
		a := f.tokenAnswers[0]
		f.tokenAnswers = f.tokenAnswers[1:]
		for k, v := range a.header {
			w.Header()[k] = v
		}
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
		return
	}
	switch {
	case f.tokenRefuse != "":
		reply(w, 400, map[string]any{"error": f.tokenRefuse, "error_description": "refused: " + f.tokenRefuse})
	case id != testClientID || secret != testSecret:
		reply(w, 400, map[string]any{"error": "invalid_client"})
	default:
		f.tokenSeq++
		tok := fmt.Sprintf("tok-%d", f.tokenSeq)
		f.tokens[tok] = true
		reply(w, 200, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600, "scope": r.PostForm.Get("scope")})
	}
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

func (f *fake) stamp() string { return f.now().Format(time.RFC3339) }

func (f *fake) routes() {
	rt := f.router
	h := func(op string, fn simkit.HandlerFunc) {
		method, pattern, _ := strings.Cut(op, " ")
		rt.Handle(method, pattern, fn)
	}
	// Reference data.
	h(vismanet.OpListCreditTerms, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		reply(w, 200, map[string]any{"pageNumber": 1, "pageSize": 100, "totalCount": 3, "records": []map[string]any{
			{"termsId": "14D", "description": "14 days", "visibleTo": "AL", "dueDateType": "N", "dueDay1": 14},
			{"termsId": "30D", "description": "30 days", "visibleTo": "CU", "dueDateType": "N", "dueDay1": 30},
			{"termsId": "EOM", "description": "end of month", "visibleTo": "AL", "dueDateType": "E", "dueDay1": 0},
		}})
	})
	h(vismanet.OpListVatCategories, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		var out []map[string]any
		calculateOn := "ItemAmount"
		if f.inclVAT {
			calculateOn = "ExtractFromItemAmount"
		}
		if f.silentCategories {
			calculateOn = "DocumentAmount"
		}
		for _, id := range []string{"0", "1", "2"} {
			rate := f.vatRates[id]
			out = append(out, map[string]any{"vatCategoryId": id, "description": "VAT " + rate.String(), "active": true,
				"vatCategoryLines": []map[string]any{{"vatId": "V" + id, "calculateOn": calculateOn,
					"vatRates": []map[string]any{{"vatRate": json.Number(model.FormatMinor(int64(rate), 2)), "startDate": "2020-01-01T00:00:00Z"}}}}})
		}
		reply(w, 200, out)
	})
	h(vismanet.OpListVatZones, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		f.page(w, r, []map[string]any{{"id": "01", "description": "Domestic"}, {"id": "02", "description": "EU"}})
	})
	h(vismanet.OpListPaymentMethods, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		reply(w, 200, []map[string]any{{"paymentMethodID": "IDEAL", "active": true, "description": "iDEAL"},
			{"paymentMethodID": "OLD", "active": false, "description": "retired"}})
	})
	h(vismanet.OpListBranches, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		reply(w, 200, []map[string]any{{"branchId": 1, "number": "1", "name": "Main", "isActive": true}})
	})
	h(vismanet.OpListWarehouses, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		reply(w, 200, []map[string]any{{"warehouseID": "MAIN", "active": true, "description": "Main"}})
	})
	h(vismanet.OpListCurrencies, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		reply(w, 200, []map[string]any{{"id": "EUR", "isBaseCurrency": true, "decimalPrecision": 2}, {"id": "NOK"}})
	})
	h(vismanet.OpListCarriers, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		reply(w, 200, []map[string]any{{"carrierId": "POSTNL", "carrierDescription": "PostNL"}})
	})
	h(vismanet.OpListSalesOrderTypes, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		f.page(w, r, []map[string]any{{"orderType": "SO", "active": true, "description": "Sales order", "behavior": "SalesOrder"}})
	})
	h(vismanet.OpListAccounts, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		var out []map[string]any
		for _, a := range []string{"1510", "1920", "2700", "2710", "3000", "3010", "3080", "3090"} {
			out = append(out, map[string]any{"accountID": len(out) + 1, "accountCD": a, "active": true, "allowManualEntry": true})
		}
		out = append(out, map[string]any{"accountID": 99, "accountCD": "1500", "active": true, "allowManualEntry": false, "controlAccountModule": "AR"})
		reply(w, 200, out)
	})
	h(vismanet.OpGetInventory, func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		if it, ok := f.items[p.Get("inventoryNumber")]; ok {
			reply(w, 200, it)
			return
		}
		reply(w, 404, map[string]any{"message": "Inventory item not found"})
	})

	// Customers.
	h(vismanet.OpListCustomers, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		var out []map[string]any
		for _, c := range f.customers {
			mc, _ := c["mainContact"].(map[string]any)
			if e := r.URL.Query().Get("email"); e == "" || (mc != nil && strings.EqualFold(fmt.Sprint(mc["email"]), e)) {
				out = append(out, c)
			}
		}
		f.page(w, r, out)
	})
	h(vismanet.OpGetCustomer, func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		c := f.customer(p.Get("customerCd"))
		if c == nil {
			reply(w, 404, map[string]any{"message": "Customer not found"})
			return
		}
		w.Header().Set("ETag", fmt.Sprintf(`"v%d"`, f.etags[c["number"].(string)]))
		reply(w, 200, c)
	})
	h(vismanet.OpCreateCustomer, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		b := unwrapBody(r)
		f.seq++
		number := fmt.Sprintf("C%04d", f.seq)
		if n, ok := b["number"].(string); ok && b["overrideNumberSeries"] == true {
			number = n
		}
		f.customers = append(f.customers, f.customerRead(number, b))
		created(w, "https://api.elsewhere.example/v1/customer/"+number)
	})
	h(vismanet.OpUpdateCustomer, func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		c := f.customer(p.Get("customerCd"))
		if c == nil {
			reply(w, 404, map[string]any{"message": "Customer not found"})
			return
		}
		number := c["number"].(string)
		if m := r.Header.Get("If-Match"); m != "" && m != fmt.Sprintf(`"v%d"`, f.etags[number]) {
			reply(w, 412, map[string]any{"message": "The record has been changed by another user."})
			return
		}
		for k, v := range f.customerRead(number, unwrapBody(r)) {
			c[k] = v
		}
		f.etags[number]++
		w.WriteHeader(204)
	})

	// Sales orders.
	h(vismanet.OpListSalesOrders, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		f.page(w, r, f.modifiedSince(f.orders, r))
	})
	h(vismanet.OpGetSalesOrder, func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		for _, o := range f.orders {
			if o["orderType"] == p.Get("orderType") && o["orderNo"] == p.Get("orderNbr") {
				reply(w, 200, o)
				return
			}
		}
		reply(w, 404, map[string]any{"message": "Sales order not found"})
	})
	h(vismanet.OpCreateSalesOrder, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		b := unwrapBody(r)
		f.seq++
		no := fmt.Sprintf("%06d", f.seq)
		if n, ok := b["orderNumber"].(string); ok && b["overrideNumberSeries"] == true {
			no = n
		}
		total := f.total(lines(b["lines"]), "unitPrice", "discountAmount", "taxCategory")
		f.orders = append(f.orders, plain(map[string]any{"orderType": b["orderType"], "orderNo": no, "status": "Open", "hold": false,
			"customerOrder": b["customerOrder"], "customerRefNo": b["customerRefNo"], "customer": map[string]any{"number": b["customer"]},
			"currency": b["currency"], "orderTotal": json.Number(model.FormatMinor(total, 2)), "lastModifiedDateTime": f.stamp()}))
		created(w, "https://api.elsewhere.example/v1/salesorder/"+no)
	})

	// Customer invoices.
	h(vismanet.OpListCustomerInvoices, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		var out []map[string]any
		for _, inv := range f.invoices {
			if ref := r.URL.Query().Get("customerRefNumber"); ref == "" || inv["customerRefNumber"] == ref {
				out = append(out, inv)
			}
		}
		f.page(w, r, out)
	})
	h(vismanet.OpGetCustomerInvoice, func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		if inv := f.doc(f.invoices, "referenceNumber", p.Get("invoiceNumber")); inv != nil {
			reply(w, 200, inv)
			return
		}
		reply(w, 404, map[string]any{"message": "Invoice not found"})
	})
	h(vismanet.OpCreateCustomerInvoice, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		b := unwrapBody(r)
		f.seq++
		no := fmt.Sprintf("%06d", f.seq)
		if n, ok := b["referenceNumber"].(string); ok && b["overrideNumberSeries"] == true {
			no = n
		}
		total := f.total(lines(b["invoiceLines"]), "unitPriceInCurrency", "discountAmountInCurrency", "vatCodeId")
		status := "Balanced"
		if b["hold"] == true {
			status = "Hold"
		}
		f.invoices = append(f.invoices, plain(map[string]any{"referenceNumber": no, "documentType": "Invoice", "status": status, "hold": b["hold"] == true,
			"customerRefNumber": b["customerRefNumber"], "customer": map[string]any{"number": b["customerNumber"]},
			"amount": json.Number(model.FormatMinor(total, 2)), "lastModifiedDateTime": f.stamp()}))
		created(w, "/v1/customerinvoice/"+no)
	})
	h(vismanet.OpReleaseCustomerInvoice, func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		f.release(w, f.doc(f.invoices, "referenceNumber", p.Get("invoiceNumber")), "Open")
	})

	// Journal transactions.
	h(vismanet.OpListJournalTransactions, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		f.page(w, r, f.modifiedSince(f.journals, r))
	})
	h(vismanet.OpGetJournalTransaction, func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		if j := f.doc(f.journals, "batchNumber", p.Get("journalTransactionNumber")); j != nil {
			reply(w, 200, j)
			return
		}
		reply(w, 404, map[string]any{"message": "Journal transaction not found"})
	})
	h(vismanet.OpCreateJournalTransaction, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		b := unwrapBody(r)
		f.seq++
		no := fmt.Sprintf("GL%05d", f.seq)
		var debit, credit int64
		var ls []map[string]any
		for i, l := range lines(b["journalTransactionLines"]) {
			d, c := cents(l["debitAmountInCurrency"]), cents(l["creditAmountInCurrency"])
			debit, credit = debit+d, credit+c
			ls = append(ls, map[string]any{"lineNumber": i + 1, "accountNumber": l["accountNumber"], "referenceNumber": l["referenceNumber"],
				"transactionDescription": l["transactionDescription"], "debitAmount": json.Number(model.FormatMinor(d, 2)),
				"creditAmount": json.Number(model.FormatMinor(c, 2))})
		}
		f.journals = append(f.journals, plain(map[string]any{"batchNumber": no, "status": "Balanced", "hold": false, "description": b["description"],
			"debitTotal": json.Number(model.FormatMinor(debit, 2)), "creditTotal": json.Number(model.FormatMinor(credit, 2)),
			"lastModifiedDateTime": f.stamp(), "journalTransactionLines": ls}))
		created(w, "/v2/journaltransaction/"+no)
	})
	h(vismanet.OpReleaseJournalTransaction, func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		f.release(w, f.doc(f.journals, "batchNumber", p.Get("journalTransactionNumber")), "Released")
	})

	// Background jobs.
	h(vismanet.OpBackgroundState, func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		j, ok := f.jobs[p.Get("requestId")]
		if !ok {
			reply(w, 404, map[string]any{"message": "no such job"})
			return
		}
		headers := map[string]any{}
		for k := range j.header {
			headers[k] = j.header.Get(k)
		}
		reply(w, 200, map[string]any{"id": p.Get("requestId"), "status": "Finished", "statusCode": j.status,
			"responseHeaders": headers, "hasResponseContent": len(j.body) > 0 && j.status == 200})
	})
}

func (f *fake) release(w http.ResponseWriter, doc map[string]any, status string) {
	if doc == nil {
		reply(w, 404, map[string]any{"message": "not found"})
		return
	}
	doc["status"] = status
	number, _ := doc["referenceNumber"].(string)
	if number == "" {
		number, _ = doc["batchNumber"].(string)
	}
	f.released = append(f.released, number)
	reply(w, 200, map[string]any{"actionId": "6f1c9b1e-2d3a-4c5b-8e7f-0a1b2c3d4e5f", "actionResult": "Done"})
}

func (f *fake) doc(list []map[string]any, key, value string) map[string]any {
	for _, d := range list {
		if d[key] == value {
			return d
		}
	}
	return nil
}

func (f *fake) customer(number string) map[string]any {
	return f.doc(f.customers, "number", number)
}

// customerRead turns an (unwrapped) write into the read shape.
func (f *fake) customerRead(number string, b map[string]any) map[string]any {
	c := map[string]any{"number": number, "lastModifiedDateTime": f.stamp()}
	for _, k := range []string{"name", "status", "vatRegistrationId", "corporateId", "currencyId"} {
		if v, ok := b[k]; ok {
			c[k] = v
		}
	}
	for _, k := range []string{"mainAddress", "invoiceAddress", "deliveryAddress"} {
		if a, ok := b[k].(map[string]any); ok {
			read := map[string]any{}
			for ak, av := range a {
				if ak == "countryId" {
					read["country"] = map[string]any{"id": av}
				} else {
					read[ak] = av
				}
			}
			c[k] = read
		}
	}
	for _, k := range []string{"mainContact", "invoiceContact", "deliveryContact"} {
		if v, ok := b[k]; ok {
			c[k] = v
		}
	}
	if v, ok := b["creditTermsId"]; ok {
		c["creditTerms"] = map[string]any{"id": v}
	}
	if v, ok := b["vatZoneId"]; ok {
		c["vatZone"] = map[string]any{"id": v}
	}
	if g, ok := b["glAccounts"].(map[string]any); ok {
		c["glAccounts"] = map[string]any{"salesAccount": map[string]any{"number": g["salesAccount"]}}
	}
	if ls, ok := b["attributeLines"].([]any); ok {
		var attrs []map[string]any
		for _, l := range ls {
			m := l.(map[string]any)
			attrs = append(attrs, map[string]any{"id": m["attributeId"], "value": m["attributeValue"]})
		}
		c["attributes"] = attrs
	}
	return c
}

// total adds a document's lines up by the rule BookedTotal documents; a
// line's rate is its VAT category's, else its item's.
func (f *fake) total(ls []map[string]any, priceField, discountField, categoryField string) int64 {
	sums := map[model.VATRate]int64{}
	for _, l := range ls {
		qty := thousandths(l["quantity"])
		amount := divRound(qty*cents(l[priceField]), 1000) - cents(l[discountField])
		cat, _ := l[categoryField].(string)
		if cat == "" {
			if it := f.items[fmt.Sprint(l["inventoryNumber"])]; it != nil {
				cat = it["vatCode"].(map[string]any)["id"].(string)
			}
		}
		sums[f.vatRates[cat]] += amount
	}
	var total int64
	for rate, s := range sums {
		total += s
		if !f.inclVAT {
			total += divRound(s*int64(rate), 10000)
		}
	}
	return total
}

// modifiedSince applies lastModifiedDateTime (">=", the default).
func (f *fake) modifiedSince(list []map[string]any, r *http.Request) []map[string]any {
	since := r.URL.Query().Get("lastModifiedDateTime")
	if since == "" {
		return list
	}
	from, err := time.Parse("2006-01-02T15:04:05", since)
	if err != nil {
		return nil
	}
	var out []map[string]any
	for _, d := range list {
		at, _ := time.Parse(time.RFC3339, d["lastModifiedDateTime"].(string))
		if !at.Before(from) {
			out = append(out, d)
		}
	}
	return out
}

// plain drops the nil fields of a record the fake made from a write: the
// contract makes most read fields not nullable.
func plain(m map[string]any) map[string]any {
	for k, v := range m {
		if v == nil {
			delete(m, k)
		}
	}
	return m
}

// page answers one page of a listing with metadata on every record.
func (f *fake) page(w http.ResponseWriter, r *http.Request, list []map[string]any) {
	q := r.URL.Query()
	number, _ := strconv.Atoi(q.Get("pageNumber"))
	size, _ := strconv.Atoi(q.Get("pageSize"))
	number, size = max(number, 1), min(max(size, 1), f.maxPageSize)
	if q.Get("pageSize") == "" {
		size = f.maxPageSize
	}
	from := min((number-1)*size, len(list))
	to := min(from+size, len(list))
	out := []map[string]any{}
	for _, d := range list[from:to] {
		c := map[string]any{}
		for k, v := range d {
			c[k] = v
		}
		c["metadata"] = map[string]any{"totalCount": len(list), "maxPageSize": f.maxPageSize}
		out = append(out, c)
	}
	reply(w, 200, out)
}

// unwrapBody reads a write and takes every {"value": x} apart.
func unwrapBody(r *http.Request) map[string]any {
	var b any
	_ = json.NewDecoder(r.Body).Decode(&b)
	m, _ := unwrap(b).(map[string]any)
	return m
}

func unwrap(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if inner, ok := t["value"]; ok && len(t) == 1 {
			return unwrap(inner)
		}
		out := map[string]any{}
		for k, x := range t {
			out[k] = unwrap(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = unwrap(x)
		}
		return out
	}
	return v
}

func lines(v any) []map[string]any {
	var out []map[string]any
	for _, l := range v.([]any) {
		out = append(out, l.(map[string]any))
	}
	return out
}

// cents reads a JSON number (decoded as float64) as cents: the fake may
// round, the client's wire must not (tests check the raw body for that).
func cents(v any) int64 {
	x, ok := v.(float64)
	if !ok {
		return 0
	}
	return model.FloatToMinor(x, 2)
}

func thousandths(v any) int64 {
	x, _ := v.(float64)
	return model.FloatToMinor(x, 3)
}

func divRound(a, b int64) int64 {
	if a < 0 {
		return -((-a + b/2) / b)
	}
	return (a + b/2) / b
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// created answers a create: 201, the new record's Location, and the
// empty object the contract declares.
func created(w http.ResponseWriter, location string) {
	w.Header().Set("Location", location)
	reply(w, 201, map[string]any{})
}

var _ = sort.Strings
