package sim

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/mplus/internal/wsdlcheck"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
)

const (
	testIdent  = "sim-ident"
	testSecret = "s3cr3t/+&=value"
)

// TestWSDLContract checks the simulator's request types (what it reads) and
// response types (what it writes, required elements included) against the WSDL.
func TestWSDLContract(t *testing.T) {
	w := wsdlcheck.ForTest(t)
	cases := []struct {
		op   string
		in   any
		out  any
		resp string
	}{
		{"getApiVersion", struct{}{}, apiVersionOut{}, "getApiVersionResponse"},
		{"getVatGroupList", struct{}{}, vatGroupListOut{}, "getVatGroupListResponse"},
		{"getProducts", getProductsIn{}, productsOut{}, "GetProductsResponse"},
		{"findOrder", findOrderIn{}, getOrderOut{}, "GetOrderResponse"},
		{"createOrder", createOrderIn{}, createOrderOut{}, "CreateOrderResponse"},
		{"findInvoice", findInvoiceIn{}, getInvoiceOut{}, "GetInvoiceResponse"},
		{"saveInvoice", saveInvoiceIn{}, saveInvoiceOut{}, "SaveInvoiceResponse"},
		{"findRelation", relationRequestIn{}, findRelationOut{}, "FindRelationResponse"},
		{"createRelation", relationRequestIn{}, createRelationOut{}, "CreateRelationResponse"},
		{"updateRelation", relationRequestIn{}, updateRelationOut{}, "UpdateRelationResponse"},
	}
	s := New(Options{})
	for _, tc := range cases {
		t.Run(tc.op, func(t *testing.T) {
			reqElem, respElem, ok := w.Operation(tc.op)
			require.True(t, ok)
			assert.Equal(t, tc.op, reqElem)
			assert.Equal(t, tc.resp, respElem)
			assert.Empty(t, w.CheckElement(reqElem, tc.in, wsdlcheck.Receive), "request")
			assert.Empty(t, w.CheckElement(respElem, tc.out, wsdlcheck.Send), "response")
			_, served := s.handlers[tc.op]
			assert.True(t, served, "the simulator serves %s", tc.op)
		})
	}
	for _, v := range wireEnums {
		assert.True(t, w.HasEnum(v), "enum value %s", v)
	}
}

// ---- raw SOAP helpers ----

func envelope(op, inner string) string {
	return `<?xml version="1.0" encoding="utf-8"?>` +
		`<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="urn:mplusqapi">` +
		`<SOAP-ENV:Header/><SOAP-ENV:Body><ns1:` + op + `>` + inner + `</ns1:` + op + `></SOAP-ENV:Body></SOAP-ENV:Envelope>`
}

func creds() string {
	return "?ident=" + testIdent + "&secret=" + strings.NewReplacer("/", "%2F", "+", "%2B", "&", "%26", "=", "%3D").Replace(testSecret)
}

func post(h http.Handler, query, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/"+query, strings.NewReader(body))
	r.Header.Set("Content-Type", "text/xml; charset=utf-8")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// node is a generic XML tree for reading answers.
type node struct {
	XMLName xml.Name
	Text    string `xml:",chardata"`
	Nodes   []node `xml:",any"`
}

func parse(t *testing.T, body string) node {
	t.Helper()
	var n node
	require.NoError(t, xml.Unmarshal([]byte(body), &n), body)
	return n
}

// get follows a path of local names (the first match at each step).
func (n node) get(path ...string) *node {
	cur := &n
	for _, p := range path {
		var next *node
		for i := range cur.Nodes {
			if cur.Nodes[i].XMLName.Local == p {
				next = &cur.Nodes[i]
				break
			}
		}
		if next == nil {
			return nil
		}
		cur = next
	}
	return cur
}

func (n node) all(name string) []node {
	var out []node
	for _, c := range n.Nodes {
		if c.XMLName.Local == name {
			out = append(out, c)
		}
	}
	return out
}

func text(n *node) string {
	if n == nil {
		return "<absent>"
	}
	return n.Text
}

func newTestSim() *Sim {
	s := New(Options{Ident: testIdent, Secret: testSecret, Now: func() time.Time {
		return time.Date(2026, 3, 14, 10, 30, 0, 0, time.UTC)
	}})
	s.AddProduct(Product{ArticleNumber: 500, PLU: "KOF-1", Description: "Koffie", PriceInclCents: 1999, VatCode: VatCodeLow})
	s.AddProduct(Product{PLU: "MOK-1", Description: "Mok", PriceInclCents: 850})
	return s
}

func TestProtocol(t *testing.T) {
	cases := []struct {
		name       string
		method     string
		query      string
		body       string
		status     int
		faultCode  string
		wantInBody string
	}{
		{"GET is the health check", http.MethodGet, "", "", http.StatusMethodNotAllowed, "", ""},
		{"bad secret", http.MethodPost, "?ident=" + testIdent + "&secret=wrong", envelope("getApiVersion", ""), 500, "SOAP-ENV:Client.Authentication", "Authentication failed"},
		{"no credentials", http.MethodPost, "", envelope("getApiVersion", ""), 500, "SOAP-ENV:Client.Authentication", ""},
		{"unknown operation", http.MethodPost, creds(), envelope("getTableOrders", ""), 500, "SOAP-ENV:Client", "not implemented"},
		{"not XML", http.MethodPost, creds(), "hello", 500, "SOAP-ENV:Client", ""},
		{"SOAP 1.2", http.MethodPost, creds(), `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>`, 500, "SOAP-ENV:VersionMismatch", ""},
		{"wrong namespace", http.MethodPost, creds(), strings.ReplaceAll(envelope("getApiVersion", ""), "urn:mplusqapi", "urn:other"), 500, "SOAP-ENV:Client", "not implemented"},
		{"required element missing", http.MethodPost, creds(), envelope("findOrder", ""), 500, "SOAP-ENV:Client", "extOrderId"},
		{"unqualified child", http.MethodPost, creds(), envelope("findOrder", "<extOrderId>x</extOrderId>"), 500, "SOAP-ENV:Client", "extOrderId"},
		{"bad number", http.MethodPost, creds(), envelope("createOrder", "<ns1:order><ns1:orderId/><ns1:employeeNumber>abc</ns1:employeeNumber></ns1:order>"), 500, "SOAP-ENV:Client", "Validation"},
		{"version", http.MethodPost, creds(), envelope("getApiVersion", ""), 200, "", "<majorNumber>1</majorNumber>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestSim()
			r := httptest.NewRequest(tc.method, "/"+tc.query, strings.NewReader(tc.body))
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			assert.Equal(t, tc.status, w.Code, w.Body.String())
			body := w.Body.String()
			assert.NotContains(t, body, testSecret)
			if tc.faultCode != "" {
				env := parse(t, body)
				assert.Equal(t, tc.faultCode, text(env.get("Body", "Fault", "faultcode")))
			}
			assert.Contains(t, body, tc.wantInBody)
		})
	}
}

func TestVatGroupListScale(t *testing.T) {
	for _, tc := range []struct {
		scale int
		want  []string
	}{{0, []string{"21", "9", "0"}}, {1, []string{"21", "9", "0"}}, {100, []string{"2100", "900", "0"}}} {
		t.Run(fmt.Sprint(tc.scale), func(t *testing.T) {
			s := New(Options{Ident: testIdent, Secret: testSecret, VATPercentageScale: tc.scale})
			w := post(s, creds(), envelope("getVatGroupList", ""))
			require.Equal(t, 200, w.Code, w.Body.String())
			resp := parse(t, w.Body.String()).get("Body", "getVatGroupListResponse")
			require.NotNil(t, resp)
			assert.Equal(t, wsdlcheck.Namespace, resp.XMLName.Space)
			var got []string
			for _, g := range resp.all("vatGroup") {
				got = append(got, text(g.get("vatPercentage")))
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func orderXML(ext string, employee int64, lines ...string) string {
	return fmt.Sprintf(`<ns1:order><ns1:orderId></ns1:orderId><ns1:extOrderId>%s</ns1:extOrderId><ns1:employeeNumber>%d</ns1:employeeNumber>`+
		`<ns1:vatMethod>VAT-METHOD-INCLUSIVE</ns1:vatMethod><ns1:lineList>%s</ns1:lineList></ns1:order>`, ext, employee, strings.Join(lines, ""))
}

func lineXML(article int64, qty int64, dp int, price int64) string {
	return fmt.Sprintf(`<ns1:line><ns1:articleNumber>%d</ns1:articleNumber><ns1:data><ns1:quantity>%d</ns1:quantity>`+
		`<ns1:decimalPlaces>%d</ns1:decimalPlaces><ns1:price>%d</ns1:price></ns1:data></ns1:line>`, article, qty, dp, price)
}

func TestCreateOrderRules(t *testing.T) {
	cases := []struct {
		name    string
		order   string
		result  string
		message string
	}{
		{"ok", orderXML("A-1", DefaultEmployee, lineXML(500, 300, 2, 1999)), createOrderOK, ""},
		{"unknown employee", orderXML("A-2", 12, lineXML(500, 100, 2, 1999)), createOrderFailed, "employeeNumber 12 is not an existing employee"},
		{"no employee", strings.Replace(orderXML("A-3", 0, lineXML(500, 100, 2, 1999)), "<ns1:employeeNumber>0</ns1:employeeNumber>", "", 1), createOrderFailed, "employeeNumber is required"},
		{"unknown article", orderXML("A-4", DefaultEmployee, lineXML(77, 100, 2, 1999)), createOrderFailed, "line 1: articleNumber 77 does not exist"},
		{"unknown branch", strings.Replace(orderXML("A-5", DefaultEmployee, lineXML(500, 100, 2, 1)), "<ns1:employeeNumber>", "<ns1:entryBranchNumber>9</ns1:entryBranchNumber><ns1:employeeNumber>", 1), createOrderFailed, "entryBranchNumber 9"},
		{"unknown relation", strings.Replace(orderXML("A-6", DefaultEmployee, lineXML(500, 100, 2, 1)), "<ns1:vatMethod>", "<ns1:relationNumber>4242</ns1:relationNumber><ns1:vatMethod>", 1), createOrderFailed, "relationNumber 4242"},
		{"every problem at once", orderXML("A-7", 12, lineXML(77, 100, 2, 1)), createOrderFailed, "employeeNumber 12 is not an existing employee (known: [999999]); line 1: articleNumber 77 does not exist"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestSim()
			w := post(s, creds(), envelope("createOrder", tc.order))
			require.Equal(t, 200, w.Code, w.Body.String())
			resp := parse(t, w.Body.String()).get("Body", "CreateOrderResponse")
			require.NotNil(t, resp, w.Body.String())
			assert.Equal(t, tc.result, text(resp.get("result")))
			assert.Contains(t, text(resp.get("errorMessage")), tc.message)
			if tc.result == createOrderOK {
				require.Len(t, s.Orders(), 1)
				assert.NotEmpty(t, text(resp.get("info", "orderId")))
			} else {
				assert.Empty(t, s.Orders())
			}
		})
	}
}

func TestDuplicateExtOrderIDUnderConcurrency(t *testing.T) {
	s := newTestSim()
	var wg sync.WaitGroup
	results := make(chan string, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := post(s, creds(), envelope("createOrder", orderXML("SAME", DefaultEmployee, lineXML(500, 100, 2, 1999))))
			results <- text(parse(t, w.Body.String()).get("Body", "CreateOrderResponse", "result"))
		}()
	}
	wg.Wait()
	close(results)
	count := map[string]int{}
	for r := range results {
		count[r]++
	}
	assert.Equal(t, map[string]int{createOrderOK: 1, createOrderExtExists: 19}, count)
	assert.Len(t, s.Orders(), 1)
	assert.Equal(t, 20, s.Calls("createOrder"))
}

func TestFindOrderAnswer(t *testing.T) {
	s := newTestSim()
	w := post(s, creds(), envelope("createOrder", orderXML("F-1", DefaultEmployee, lineXML(500, 150, 2, 1999), lineXML(1001, 125, 3, 850))))
	require.Contains(t, w.Body.String(), createOrderOK)
	w = post(s, creds(), envelope("findOrder", "<ns1:extOrderId>F-1</ns1:extOrderId>"))
	resp := parse(t, w.Body.String()).get("Body", "GetOrderResponse")
	require.NotNil(t, resp)
	assert.Equal(t, getOrderOK, text(resp.get("result")))
	o := resp.get("order")
	require.NotNil(t, o)
	assert.Equal(t, "F-1", text(o.get("extOrderId")))
	assert.Equal(t, "999999", text(o.get("employeeNumber")))
	assert.Equal(t, "1", text(o.get("entryBranchNumber")))
	// 1.5 × 19.99 = 29.985 → 29.99; 0.125 × 8.50 = 1.0625 → 1.06.
	assert.Equal(t, "3105", text(o.get("totalInclAmount")))
	lines := o.get("lineList").all("line")
	require.Len(t, lines, 2)
	assert.Equal(t, "KOF-1", text(lines[0].get("pluNumber")))
	assert.Equal(t, "2999", text(lines[0].get("data", "totalInclAmount")))
	assert.Equal(t, "9", text(lines[0].get("data", "vatPercentage")))
	assert.Equal(t, "2026", text(o.get("orderNumber", "year")))
	assert.Equal(t, "60", text(o.get("entryTimestamp", "timezone")), "Europe/Amsterdam in winter is UTC+60 minutes")

	w = post(s, creds(), envelope("findOrder", "<ns1:extOrderId>nope</ns1:extOrderId>"))
	assert.Equal(t, getOrderNotFound, text(parse(t, w.Body.String()).get("Body", "GetOrderResponse", "result")))
}

func TestExclusiveOrderTotals(t *testing.T) {
	s := newTestSim()
	order := strings.Replace(orderXML("X-1", DefaultEmployee,
		`<ns1:line><ns1:articleNumber>1001</ns1:articleNumber><ns1:data><ns1:quantity>3</ns1:quantity><ns1:decimalPlaces>0</ns1:decimalPlaces><ns1:priceExcl>1652</ns1:priceExcl></ns1:data></ns1:line>`),
		vatMethodInclusive, vatMethodExclusive, 1)
	w := post(s, creds(), envelope("createOrder", order))
	require.Contains(t, w.Body.String(), createOrderOK, w.Body.String())
	o := s.Orders()[0]
	require.Len(t, o.Lines, 1)
	l := o.Lines[0]
	assert.Equal(t, model.Pieces(3), l.Quantity)
	assert.Equal(t, int64(4956), l.LineTotalExclCents)
	assert.Equal(t, int64(4956+1041), l.LineTotalInclCents) // 21 % of 49.56 = 10.4076 → 10.41
	assert.Equal(t, int64(1999), l.PriceInclCents)
	assert.Equal(t, l.LineTotalInclCents, o.TotalInclCents)
}

func TestSnapshotRestore(t *testing.T) {
	s := newTestSim()
	num := s.AddRelation(Relation{Email: "Anna@Example.nl", Name: "Anna"})
	require.Contains(t, post(s, creds(), envelope("createOrder", orderXML("S-1", DefaultEmployee, lineXML(500, 100, 2, 1999)))).Body.String(), createOrderOK)
	require.Contains(t, post(s, creds(), envelope("saveInvoice", `<ns1:invoice><ns1:extInvoiceId>I-1</ns1:extInvoiceId><ns1:employeeNumber>999999</ns1:employeeNumber></ns1:invoice>`)).Body.String(), saveInvoiceOK)
	snap, err := s.Snapshot()
	require.NoError(t, err)

	fresh := New(Options{Ident: testIdent, Secret: testSecret})
	require.NoError(t, fresh.Restore(snap))
	assert.Equal(t, s.Orders(), fresh.Orders())
	assert.Equal(t, s.Invoices(), fresh.Invoices())
	assert.Equal(t, s.Relations(), fresh.Relations())
	// The indexes came back too: duplicates are still refused, lookups work,
	// and numbering continues.
	w := post(fresh, creds(), envelope("createOrder", orderXML("S-1", DefaultEmployee, lineXML(500, 100, 2, 1999))))
	assert.Contains(t, w.Body.String(), createOrderExtExists)
	w = post(fresh, creds(), envelope("findRelation", `<ns1:relation><ns1:email>anna@example.NL</ns1:email></ns1:relation>`))
	assert.Equal(t, fmt.Sprint(num), text(parse(t, w.Body.String()).get("Body", "FindRelationResponse", "relation", "relationNumber")))
	assert.Equal(t, num+1, fresh.AddRelation(Relation{Name: "Next"}))

	assert.Error(t, fresh.Restore([]byte(`{"version": 99}`)))
	assert.Error(t, fresh.Restore([]byte(`not json`)))
	assert.Len(t, fresh.Orders(), 1, "a failed restore keeps the state")
}

func TestInjectedFaults(t *testing.T) {
	cases := []struct {
		name   string
		rule   simkit.Rule
		status int
		fault  string
		stored int
	}{
		{"server fault", simkit.Rule{Op: "createOrder", Kind: simkit.FaultStatus, Status: 500, Times: 1}, 500, "SOAP-ENV:Server", 0},
		{"proxy 503", simkit.Rule{Op: "createOrder", Kind: simkit.FaultStatus, Status: 503, Times: 1}, 503, "", 0},
		{"other op untouched", simkit.Rule{Op: "findOrder", Kind: simkit.FaultStatus, Status: 500, Times: 1}, 200, "", 1},
		{"latency", simkit.Rule{Op: "createOrder", Kind: simkit.FaultLatency, Latency: 20 * time.Millisecond, Times: 1}, 200, "", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestSim()
			s.Faults().Add(tc.rule)
			start := time.Now()
			w := post(s, creds(), envelope("createOrder", orderXML("F-1", DefaultEmployee, lineXML(500, 100, 2, 1999))))
			assert.Equal(t, tc.status, w.Code)
			if tc.fault != "" {
				assert.Equal(t, tc.fault, text(parse(t, w.Body.String()).get("Body", "Fault", "faultcode")))
			}
			assert.Len(t, s.Orders(), tc.stored)
			assert.GreaterOrEqual(t, time.Since(start), tc.rule.Latency)
		})
	}
}

func TestDropAfterCommitOverTheWire(t *testing.T) {
	s := newTestSim()
	srv, err := simkit.Start("127.0.0.1:0", s)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	s.Faults().Add(simkit.Rule{Op: "createOrder", Kind: simkit.FaultDropAfterCommit, Times: 1})
	resp, err := http.Post(srv.URL+"/"+creds(), "text/xml", strings.NewReader(envelope("createOrder", orderXML("D-1", DefaultEmployee, lineXML(500, 100, 2, 1999)))))
	if err == nil {
		_ = resp.Body.Close()
	}
	require.Error(t, err, "the connection is closed without an answer")
	assert.Len(t, s.Orders(), 1, "the order was committed before the answer was dropped")
	assert.Equal(t, 1, s.Calls("createOrder"))
}

func TestGetProductsFilters(t *testing.T) {
	s := newTestSim()
	s.AddProduct(Product{ArticleNumber: 600, PLU: "OLD", Description: "Oud", PriceInclCents: 100, Inactive: true})
	texts := func(plus ...string) string {
		var b strings.Builder
		b.WriteString("<ns1:pluNumbers>")
		for _, p := range plus {
			b.WriteString("<ns1:text><ns1:text>" + p + "</ns1:text></ns1:text>")
		}
		b.WriteString("</ns1:pluNumbers>")
		return b.String()
	}
	cases := []struct {
		name    string
		request string
		want    []string // article numbers
	}{
		{"by PLU", texts("KOF-1", "nope"), []string{"500"}},
		{"by article number", "<ns1:articleNumbers>1001</ns1:articleNumbers>" + texts(), []string{"1001"}},
		{"PLU and article intersect", "<ns1:articleNumbers>1001</ns1:articleNumbers>" + texts("KOF-1"), nil},
		{"all", texts(), []string{"500", "1001", "600"}},
		{"only active", texts() + "<ns1:onlyActive>true</ns1:onlyActive>", []string{"500", "1001"}},
		{"sync marker window", texts() + "<ns1:syncMarker>1</ns1:syncMarker><ns1:syncMarkerLimit>1</ns1:syncMarkerLimit>", []string{"1001"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := post(s, creds(), envelope("getProducts", "<ns1:request>"+tc.request+"</ns1:request>"))
			require.Equal(t, 200, w.Code, w.Body.String())
			list := parse(t, w.Body.String()).get("Body", "GetProductsResponse", "productList")
			require.NotNil(t, list, "productList is required even when empty")
			var got []string
			for _, p := range list.all("product") {
				for _, a := range p.get("articleList").all("article") {
					got = append(got, text(a.get("articleNumber")))
				}
			}
			assert.Equal(t, tc.want, got)
		})
	}
	w := post(s, creds(), envelope("getProducts", "<ns1:request></ns1:request>"))
	assert.Equal(t, 500, w.Code, "pluNumbers is a required element")
}

func TestRelations(t *testing.T) {
	s := newTestSim()
	rel := func(inner string) string { return "<ns1:relation>" + inner + "</ns1:relation>" }
	w := post(s, creds(), envelope("createRelation", rel("<ns1:relationNumber>77</ns1:relationNumber><ns1:name>Bakkerij</ns1:name><ns1:contact>Petra</ns1:contact><ns1:email>info@bakkerij.example</ns1:email><ns1:companyName>Bakkerij</ns1:companyName>")))
	resp := parse(t, w.Body.String()).get("Body", "CreateRelationResponse")
	require.Equal(t, createRelationOK, text(resp.get("result")), w.Body.String())
	assert.Equal(t, "77", text(resp.get("relationNumber")))

	w = post(s, creds(), envelope("createRelation", rel("<ns1:relationNumber>77</ns1:relationNumber><ns1:name>Other</ns1:name>")))
	assert.Equal(t, createRelationNumberTaken, text(parse(t, w.Body.String()).get("Body", "CreateRelationResponse", "result")))
	w = post(s, creds(), envelope("createRelation", rel("<ns1:email>x@example.nl</ns1:email>")))
	assert.Equal(t, createRelationFailed, text(parse(t, w.Body.String()).get("Body", "CreateRelationResponse", "result")))

	// Partial update: only the elements sent change; the e-mail index follows.
	w = post(s, creds(), envelope("updateRelation", rel("<ns1:relationNumber>77</ns1:relationNumber><ns1:email>inkoop@bakkerij.example</ns1:email>")))
	assert.Equal(t, updateRelationOK, text(parse(t, w.Body.String()).get("Body", "UpdateRelationResponse", "result")))
	got := s.Relations()
	require.Len(t, got, 1)
	assert.Equal(t, "Petra", got[0].ContactPerson)
	assert.Equal(t, "inkoop@bakkerij.example", got[0].Email)
	for email, want := range map[string]string{"info@bakkerij.example": findRelationNotFound, "INKOOP@bakkerij.example": findRelationOK} {
		w = post(s, creds(), envelope("findRelation", rel("<ns1:email>"+email+"</ns1:email>")))
		assert.Equal(t, want, text(parse(t, w.Body.String()).get("Body", "FindRelationResponse", "result")), email)
	}
	w = post(s, creds(), envelope("updateRelation", rel("<ns1:relationNumber>5</ns1:relationNumber><ns1:name>x</ns1:name>")))
	assert.Equal(t, updateRelationNotFound, text(parse(t, w.Body.String()).get("Body", "UpdateRelationResponse", "result")))
	w = post(s, creds(), envelope("findRelation", rel("")))
	assert.Equal(t, findRelationNotFound, text(parse(t, w.Body.String()).get("Body", "FindRelationResponse", "result")))
}

func TestSaveInvoice(t *testing.T) {
	s := newTestSim()
	inv := `<ns1:invoice><ns1:extInvoiceId>INV-1</ns1:extInvoiceId><ns1:employeeNumber>999999</ns1:employeeNumber>` +
		`<ns1:lineList>` + lineXML(500, 200, 2, 1999) + `</ns1:lineList></ns1:invoice>`
	w := post(s, creds(), envelope("saveInvoice", inv))
	resp := parse(t, w.Body.String()).get("Body", "SaveInvoiceResponse")
	require.Equal(t, saveInvoiceOK, text(resp.get("result")), w.Body.String())
	id := text(resp.get("info", "invoiceId"))
	w = post(s, creds(), envelope("saveInvoice", inv))
	assert.Equal(t, saveInvoiceExtExists, text(parse(t, w.Body.String()).get("Body", "SaveInvoiceResponse", "result")))
	w = post(s, creds(), envelope("findInvoice", "<ns1:extInvoiceId>INV-1</ns1:extInvoiceId>"))
	found := parse(t, w.Body.String()).get("Body", "GetInvoiceResponse")
	assert.Equal(t, getInvoiceOK, text(found.get("result")))
	assert.Equal(t, id, text(found.get("invoice", "invoiceId")))
	assert.Equal(t, "3998", text(found.get("invoice", "totalInclAmount")))
	w = post(s, creds(), envelope("saveInvoice", `<ns1:invoice><ns1:invoiceId>nope</ns1:invoiceId></ns1:invoice>`))
	assert.Equal(t, saveInvoiceNotFound, text(parse(t, w.Body.String()).get("Body", "SaveInvoiceResponse", "result")))
	assert.Len(t, s.Invoices(), 1)
	assert.Empty(t, s.Orders())
}

// BenchmarkCreateOrder shows the hot path stays flat as orders pile up.
func BenchmarkCreateOrder(b *testing.B) {
	s := newTestSim()
	for i := 0; b.Loop(); i++ {
		w := post(s, creds(), envelope("createOrder", orderXML(fmt.Sprint("B-", i), DefaultEmployee, lineXML(500, 100, 2, 1999), lineXML(1001, 200, 2, 850))))
		if w.Code != 200 {
			b.Fatal(w.Body.String())
		}
	}
}
