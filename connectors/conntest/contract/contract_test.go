package contract

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// problems is a Reporter that keeps what it is told.
type problems struct {
	mu   sync.Mutex
	list []string
}

func (p *problems) Errorf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.list = append(p.list, fmt.Sprintf(format, args...))
}

func (p *problems) all() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.list...)
}

func request(method, target, body string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	return r
}

func jsonHeader() http.Header { return http.Header{"Content-Type": {"application/json"}} }

// exchangeCase is one hand-made exchange and whether it keeps the contract.
type exchangeCase struct {
	name    string
	x       Exchange
	wantErr string // "" when the exchange keeps the contract
}

func runExchanges(t *testing.T, api *OpenAPI, cases []exchangeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := api.CheckExchange(tc.x)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("a valid exchange was rejected: %v", err)
			case tc.wantErr != "" && err == nil:
				t.Errorf("an exchange that breaks %s passed", api.Name)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Errorf("error %q does not mention %q", err, tc.wantErr)
			}
		})
	}
}

const taxID = "0190e5e0c5a47b3f9f3c4a3b2c1d0e0f"

// Shopware 6.7's Admin API (OpenAPI 3.1, rewritten to 3.0 on load): creating
// a tax, with the request body and the answer checked.
func TestShopwareContract(t *testing.T) {
	api := OpenAPIForTest(t, ShopwareOpenAPI)
	if api.Version != "3.1.0" || api.Rewrites["type list"] == 0 {
		t.Errorf("the Shopware file is %s with rewrites %v; the 3.1 rewrite did not run", api.Version, api.Rewrites)
	}
	okBody := `{"id":"` + taxID + `","taxRate":21,"name":"Standard rate"}`
	badBody := `{"id":"` + taxID + `","taxRate":"21%","name":"Standard rate"}`
	answer := `{"data":{"id":"` + taxID + `","taxRate":21.0,"name":"Standard rate","position":1}}`
	runExchanges(t, api, []exchangeCase{
		{"valid create", Exchange{Request: request("POST", "http://127.0.0.1:9/api/tax", okBody), RequestBody: []byte(okBody),
			Status: 200, Header: jsonHeader(), Body: []byte(answer)}, ""},
		{"request body with a rate as text", Exchange{Request: request("POST", "http://127.0.0.1:9/api/tax", badBody),
			RequestBody: []byte(badBody)}, "taxRate"},
		{"answer with a rate as text", Exchange{Request: request("POST", "http://127.0.0.1:9/api/tax", okBody), RequestBody: []byte(okBody),
			Status: 200, Header: jsonHeader(), Body: []byte(`{"data":{"id":"` + taxID + `","taxRate":"21","name":"Standard rate"}}`)}, "taxRate"},
		{"id that is no Shopware id", Exchange{Request: request("GET", "http://127.0.0.1:9/api/tax/42", "")}, "id"},
		{"no such operation", Exchange{Request: request("GET", "http://127.0.0.1:9/api/no-such-entity-conntest", "")}, "no such operation"},
	})
}

// Visma.net ERP (OpenAPI 3.0.4): reading a customer; and the path
// templates that differ only in a parameter's name route both methods.
func TestVismaNetContract(t *testing.T) {
	api := OpenAPIForTest(t, VismaNetOpenAPI)
	project := `{"description":{"value":"Verbouwing"},"startDate":{"value":"2026-03-01T00:00:00Z"}}`
	customer := `{"internalId":7,"number":"10007","name":"Bakkerij Smit","status":"Active","creditLimit":2500.5}`
	runExchanges(t, api, []exchangeCase{
		{"valid customer", Exchange{Request: request("GET", "http://127.0.0.1:9/v1/customer/10007", ""),
			Status: 200, Header: jsonHeader(), Body: []byte(customer)}, ""},
		{"internalId as text", Exchange{Request: request("GET", "http://127.0.0.1:9/v1/customer/10007", ""),
			Status: 200, Header: jsonHeader(), Body: []byte(`{"internalId":"seven","number":"10007"}`)}, "internalId"},
		{"status outside its enum", Exchange{Request: request("GET", "http://127.0.0.1:9/v1/customer/10007", ""),
			Status: 200, Header: jsonHeader(), Body: []byte(`{"number":"10007","status":"Sleeping"}`)}, "status"},
		{"undeclared success status", Exchange{Request: request("GET", "http://127.0.0.1:9/v1/customer/10007", ""),
			Status: 206, Header: jsonHeader(), Body: []byte(customer)}, "206"},
		{"an error status the file does not declare passes", Exchange{Request: request("GET", "http://127.0.0.1:9/v1/customer/10007", ""),
			Status: 503, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("Service Unavailable")}, ""},
		{"GET of a split template", Exchange{Request: request("GET", "http://127.0.0.1:9/v1/project/P1", "")}, ""},
		// Creates answer 201 + Location with no body and updates 204; the
		// file declares a bare object for both.
		{"create answered 201 without a body", Exchange{Request: request("POST", "http://127.0.0.1:9/v1/project", project), RequestBody: []byte(project),
			Status: 201, Header: http.Header{"Location": {"http://127.0.0.1:9/v1/project/P2"}}}, ""},
		{"update answered 204 without a body", Exchange{Request: request("PUT", "http://127.0.0.1:9/v1/project/P1", project), RequestBody: []byte(project),
			Status: 204}, ""},
		{"a 201 body is still checked", Exchange{Request: request("POST", "http://127.0.0.1:9/v1/project", project), RequestBody: []byte(project),
			Status: 201, Header: jsonHeader(), Body: []byte(`[1,2]`)}, "201"},
		{"PUT of a split template", Exchange{Request: request("PUT", "http://127.0.0.1:9/v1/project/P1", project), RequestBody: []byte(project)}, ""},
	})
	if api.Rewrites["merged path variant"] == 0 {
		t.Errorf("no path variants were merged: %v", api.Rewrites)
	}
}

// eAccounting's file is OpenAPI 3.1.1 with nullable types written as type
// lists; it loads once rewritten.
func TestEAccountingLoads(t *testing.T) {
	api := OpenAPIForTest(t, EAccounting)
	if n := api.Operations(); n < 100 {
		t.Errorf("%s has %d operations; it did not load whole", api.Name, n)
	}
	if api.Rewrites["type list"] == 0 {
		t.Errorf("no 3.1 type lists were rewritten: %v", api.Rewrites)
	}
}

// The handler checks every exchange between a client and a simulator.
func TestOpenAPIHandlerReports(t *testing.T) {
	api := OpenAPIForTest(t, VismaNetOpenAPI)
	var rep problems
	body := `{"internalId":"seven"}`
	srv := httptest.NewServer(api.Handler(&rep, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	})))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/v1/customer/10007")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if got := rep.all(); len(got) != 1 || !strings.Contains(got[0], "internalId") {
		t.Errorf("the handler reported %q; want one problem about internalId", got)
	}
	body = `{"internalId":7}`
	rep = problems{}
	resp, err = http.Get(srv.URL + "/v1/customer/10007")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if got := rep.all(); len(got) != 0 {
		t.Errorf("the handler reported %q for a valid exchange", got)
	}
}

// The transport checks what a client sends and receives, for a server the
// test does not control.
func TestOpenAPITransportReports(t *testing.T) {
	api := OpenAPIForTest(t, VismaNetOpenAPI)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"number":10007}`))
	}))
	defer srv.Close()
	var rep problems
	client := &http.Client{Transport: api.Transport(&rep, nil)}
	resp, err := client.Get(srv.URL + "/v1/customer/10007")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if got := rep.all(); len(got) != 1 || !strings.Contains(got[0], "number") {
		t.Errorf("the transport reported %q; want one problem about number", got)
	}
}

func envelope(body string) string {
	return `<?xml version="1.0" encoding="utf-8"?><S:Envelope xmlns:S="` + SOAPEnvelopeNamespace + `" xmlns:m="urn:mplusqapi"><S:Body>` +
		body + `</S:Body></S:Envelope>`
}

// The SOAP check reads real messages: each mistake a client or simulator
// could make is caught.
func TestSOAPMessages(t *testing.T) {
	w := WSDLForTest(t, MplusWSDL)
	requests := []struct {
		name, body, want string
	}{
		{"valid findOrder", `<m:findOrder><m:extOrderId>ccv-1</m:extOrderId></m:findOrder>`, ""},
		{"valid getStock", `<m:getStock><m:request><m:branchNumber>1</m:branchNumber><m:articleNumbers><m:articleNumbers>1001</m:articleNumbers><m:articleNumbers>1002</m:articleNumbers></m:articleNumbers></m:request></m:getStock>`, ""},
		{"required element left out", `<m:findOrder></m:findOrder>`, "required <extOrderId>"},
		{"unknown element", `<m:findOrder><m:extOrderId>x</m:extOrderId><m:extra>1</m:extra></m:findOrder>`, "no element <extra>"},
		{"elements out of order", `<m:getStock><m:request><m:articleNumbers></m:articleNumbers><m:branchNumber>1</m:branchNumber></m:request></m:getStock>`, "comes after"},
		{"not a number", `<m:getStock><m:request><m:branchNumber>one</m:branchNumber><m:articleNumbers/></m:request></m:getStock>`, "not an integer"},
		{"repeated single element", `<m:findOrder><m:extOrderId>a</m:extOrderId><m:extOrderId>b</m:extOrderId></m:findOrder>`, "at most once"},
		{"unqualified element", `<m:findOrder><extOrderId>x</extOrderId></m:findOrder>`, "namespace"},
		{"no operation", `<m:noSuchOperation/>`, "not the request element"},
	}
	for _, tc := range requests {
		t.Run("request/"+tc.name, func(t *testing.T) {
			_, p := w.CheckSOAPRequest([]byte(envelope(tc.body)))
			checkProblems(t, p, tc.want)
		})
	}
	responses := []struct {
		name, op string
		status   int
		body     string
		want     string
	}{
		{"valid not found", "findOrder", 200, `<m:GetOrderResponse><m:result>GET-ORDER-RESULT-NOT-FOUND</m:result></m:GetOrderResponse>`, ""},
		{"valid fault", "findOrder", 500, `<S:Fault><faultcode>S:Client</faultcode><faultstring>no</faultstring></S:Fault>`, ""},
		{"result outside its enum", "findOrder", 200, `<m:GetOrderResponse><m:result>FOUND-IT</m:result></m:GetOrderResponse>`, "not a value of GetOrderResult"},
		{"another operation's answer", "findOrder", 200, `<m:GetInvoiceResponse><m:result>GET-INVOICE-RESULT-NOT-FOUND</m:result></m:GetInvoiceResponse>`, "the WSDL says <GetOrderResponse>"},
		{"fault on 200", "findOrder", 200, `<S:Fault><faultcode>S:Server</faultcode><faultstring>no</faultstring></S:Fault>`, "HTTP 200"},
		{"fault without faultstring", "findOrder", 500, `<S:Fault><faultcode>S:Server</faultcode></S:Fault>`, "faultstring"},
	}
	for _, tc := range responses {
		t.Run("response/"+tc.name, func(t *testing.T) {
			checkProblems(t, w.CheckSOAPResponse(tc.op, tc.status, []byte(envelope(tc.body))), tc.want)
		})
	}
	t.Run("response/cut off", func(t *testing.T) {
		full := envelope(`<m:GetOrderResponse><m:result>GET-ORDER-RESULT-NOT-FOUND</m:result></m:GetOrderResponse>`)
		checkProblems(t, w.CheckSOAPResponse("findOrder", 200, []byte(full[:len(full)/2])), "XML")
	})
}

func checkProblems(t *testing.T, p []string, want string) {
	t.Helper()
	switch {
	case want == "" && len(p) > 0:
		t.Errorf("a valid message has problems: %q", p)
	case want != "" && len(p) == 0:
		t.Errorf("a message with a mistake passed; want a problem about %q", want)
	case want != "" && !strings.Contains(strings.Join(p, "\n"), want):
		t.Errorf("problems %q do not mention %q", p, want)
	}
}

// The SOAP handler checks what passes through and lets a proxy's plain 503
// by; a dropped connection (hijacked) still gets its request checked.
func TestSOAPHandler(t *testing.T) {
	w := WSDLForTest(t, MplusWSDL)
	var rep problems
	answer := envelope(`<m:GetOrderResponse><m:result>GET-ORDER-RESULT-OK</m:result><m:bogus/></m:GetOrderResponse>`)
	status := 200
	srv := httptest.NewServer(w.SOAPHandler(&rep, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if status != 200 {
			http.Error(rw, "Service Unavailable", status)
			return
		}
		rw.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = rw.Write([]byte(answer))
	})))
	defer srv.Close()
	post := func(body string) {
		resp, err := http.Post(srv.URL, "text/xml", strings.NewReader(envelope(body)))
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	post(`<m:findOrder><m:extOrderId>x</m:extOrderId></m:findOrder>`)
	if got := rep.all(); len(got) != 1 || !strings.Contains(got[0], "bogus") {
		t.Errorf("reported %q; want one problem about <bogus>", got)
	}
	rep, status = problems{}, 503
	post(`<m:findOrder><m:extOrderId>x</m:extOrderId></m:findOrder>`)
	if got := rep.all(); len(got) != 0 {
		t.Errorf("a proxy's plain 503 was reported: %q", got)
	}
	post(`<m:findOrder/>`)
	if got := rep.all(); len(got) != 1 || !strings.Contains(got[0], "extOrderId") {
		t.Errorf("reported %q; want one problem about the missing extOrderId", got)
	}
}

// The specs are found from any folder below the one that holds shared/.
func TestSpecPath(t *testing.T) {
	p, err := SpecPath(MplusWSDL)
	if err != nil {
		t.Skipf("no specs here: %v", err)
	}
	if !strings.HasSuffix(p, "shared/specs/"+MplusWSDL) {
		t.Errorf("found %s", p)
	}
	if _, err := SpecPath("no-such-spec.json"); err == nil {
		t.Error("a missing spec was found")
	}
}
