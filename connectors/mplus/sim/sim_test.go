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

	"github.com/koppel/koppel/connectors/conntest/contract"
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
	w := contract.WSDLForTest(t, contract.MplusWSDL)
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
		{"getRelation", getRelationIn{}, getRelationOut{}, "GetRelationResponse"},
		{"getCurrentSyncMarkers", struct{}{}, syncMarkersOut{}, "getCurrentSyncMarkersResponse"},
		{"createProduct", productRequestIn{}, createProductOut{}, "CreateProductResponse"},
		{"updateProduct", productRequestIn{}, updateProductOut{}, "UpdateProductResponse"},
		{"getArticleGroups", getArticleGroupsIn{}, articleGroupsOut{}, "GetArticleGroupsResponse"},
		{"newArticleGroup", newArticleGroupIn{}, newArticleGroupOut{}, "NewArticleGroupResponse"},
		{"getStock", getStockIn{}, getStockOut{}, "GetStockResponse"},
		{"getStockHistoryV2", getStockHistoryV2In{}, stockHistoryOut{}, "GetStockHistoryResponse"},
		{"setStock", setStockIn{}, setStockOut{}, "SetStockResponse"},
		{"updateStock", updateStockIn{}, updateStockOut{}, "UpdateStockResponse"},
	}
	s := New(Options{})
	for _, tc := range cases {
		t.Run(tc.op, func(t *testing.T) {
			reqElem, respElem, ok := w.Operation(tc.op)
			require.True(t, ok)
			assert.Equal(t, tc.op, reqElem)
			assert.Equal(t, tc.resp, respElem)
			assert.Empty(t, w.CheckElement(reqElem, tc.in, contract.Receive), "request")
			assert.Empty(t, w.CheckElement(respElem, tc.out, contract.Send), "response")
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
			assert.Equal(t, contract.MplusNamespace, resp.XMLName.Space)
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

// ---- catalog, stock and relation details ----

func result(t *testing.T, body, resp string) string {
	t.Helper()
	n := parse(t, body).get("Body", resp)
	require.NotNil(t, n, body)
	return text(n.get("result"))
}

func TestCreateAndUpdateProduct(t *testing.T) {
	s := newTestSim()
	g := s.AddGroup(0, "Koffie")
	article := func(inner string) string { return "<ns1:article>" + inner + "</ns1:article>" }
	product := func(inner string, articles ...string) string {
		return "<ns1:product>" + inner + "<ns1:articleList>" + strings.Join(articles, "") + "</ns1:articleList></ns1:product>"
	}
	cases := []struct {
		name, body, result, message string
	}{
		{"product number taken", product("<ns1:productNumber>101</ns1:productNumber>", article("<ns1:description>x</ns1:description>")), createProductNumberTaken, "101"},
		{"article number taken", product("", article("<ns1:articleNumber>500</ns1:articleNumber><ns1:description>x</ns1:description>")), createProductArticleTaken, "500"},
		{"no articles", product("<ns1:description>x</ns1:description>"), createProductFailed, "at least one article"},
		{"unknown group and VAT code", product("<ns1:description>x</ns1:description><ns1:groupNumbers>99</ns1:groupNumbers>",
			article("<ns1:vatCode>42</ns1:vatCode>")), createProductFailed, "vatCode 42 is not a VAT group; groupNumber 99"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := post(s, creds(), envelope("createProduct", tc.body))
			require.Equal(t, 200, w.Code, w.Body.String())
			assert.Equal(t, tc.result, result(t, w.Body.String(), "CreateProductResponse"))
			assert.Contains(t, text(parse(t, w.Body.String()).get("Body", "CreateProductResponse", "errorMessage")), tc.message)
		})
	}

	w := post(s, creds(), envelope("createProduct", product(fmt.Sprintf("<ns1:description>Bonen</ns1:description><ns1:groupNumbers>%d</ns1:groupNumbers>", g),
		article("<ns1:pluNumber>B-1</ns1:pluNumber><ns1:description>Bonen 250 g</ns1:description><ns1:vatCode>2</ns1:vatCode><ns1:priceExcl>550</ns1:priceExcl><ns1:stockArticle>true</ns1:stockArticle>"),
		article("<ns1:pluNumber>B-2</ns1:pluNumber><ns1:priceIncl>1100</ns1:priceIncl><ns1:customFieldList><ns1:customField><ns1:fieldName>origin</ns1:fieldName><ns1:strValue>BR</ns1:strValue></ns1:customField></ns1:customFieldList>"))))
	resp := parse(t, w.Body.String()).get("Body", "CreateProductResponse")
	require.Equal(t, createProductOK, text(resp.get("result")), w.Body.String())
	number := text(resp.get("productNumber"))
	require.Len(t, resp.all("articleNumbers"), 2, "one articleNumbers element per article")
	b1, _ := s.Product("B-1")
	assert.Equal(t, int64(600), b1.PriceInclCents, "5.50 + 9 %")
	assert.True(t, b1.StockArticle)
	b2, _ := s.Product("B-2")
	assert.Equal(t, "Bonen", b2.Description, "an article without description takes the product's")
	assert.Equal(t, map[string]string{"origin": "BR"}, b2.CustomFields)

	markers := s.SyncMarkers().Article
	unchanged := product("<ns1:productNumber>"+number+"</ns1:productNumber><ns1:description>Bonen</ns1:description>",
		article(fmt.Sprintf("<ns1:articleNumber>%d</ns1:articleNumber><ns1:priceIncl>600</ns1:priceIncl>", b1.ArticleNumber)))
	w = post(s, creds(), envelope("updateProduct", unchanged))
	assert.Equal(t, updateProductOK, result(t, w.Body.String(), "UpdateProductResponse"))
	assert.Equal(t, markers, s.SyncMarkers().Article, "a write that changes nothing bumps no marker")

	w = post(s, creds(), envelope("updateProduct", product("<ns1:productNumber>"+number+"</ns1:productNumber>",
		article(fmt.Sprintf("<ns1:articleNumber>%d</ns1:articleNumber><ns1:colour>bruin</ns1:colour>", b1.ArticleNumber)),
		article("<ns1:pluNumber>B-3</ns1:pluNumber><ns1:description>Bonen 1 kg</ns1:description>"))))
	resp = parse(t, w.Body.String()).get("Body", "UpdateProductResponse")
	require.Equal(t, updateProductOK, text(resp.get("result")), w.Body.String())
	assert.Equal(t, fmt.Sprint(b1.ArticleNumber), text(resp.get("existingArticleNumbers")))
	assert.Len(t, resp.all("newArticleNumbers"), 1)
	after, _ := s.Product("B-1")
	assert.Equal(t, "bruin", after.Colour)
	assert.Equal(t, int64(600), after.PriceInclCents, "elements not sent are kept")
	assert.Greater(t, after.SyncMarker, b1.SyncMarker)
	b2again, _ := s.Product("B-2")
	assert.Equal(t, b2.SyncMarker, b2again.SyncMarker, "an article that did not change keeps its marker")

	for _, tc := range []struct{ body, result string }{
		{product("<ns1:productNumber>999</ns1:productNumber>"), updateProductNotFound},
		{product("<ns1:productNumber>"+number+"</ns1:productNumber>", article("<ns1:articleNumber>500</ns1:articleNumber>")), updateProductArticleTaken},
		{product(""), updateProductFailed},
	} {
		w = post(s, creds(), envelope("updateProduct", tc.body))
		assert.Equal(t, tc.result, result(t, w.Body.String(), "UpdateProductResponse"))
	}
}

func TestGetProductsWholeProductsAndImages(t *testing.T) {
	s := newTestSim()
	n, arts := s.AddProductWithArticles(CatalogProduct{Description: "Shirt", Articles: []Product{
		{PLU: "S-1", Description: "Shirt S", Images: []Image{{Name: "s.jpg", Data: []byte("IMG")}}},
		{PLU: "S-2", Description: "Shirt M", Webshop: true},
	}})
	req := func(inner string) node {
		w := post(s, creds(), envelope("getProducts", "<ns1:request>"+inner+"</ns1:request>"))
		require.Equal(t, 200, w.Code, w.Body.String())
		return *parse(t, w.Body.String()).get("Body", "GetProductsResponse", "productList")
	}
	empty := "<ns1:pluNumbers></ns1:pluNumbers>"
	list := req("<ns1:pluNumbers><ns1:text><ns1:text>S-1</ns1:text></ns1:text></ns1:pluNumbers><ns1:includeAllArticlesOfSelectedProducts>true</ns1:includeAllArticlesOfSelectedProducts>")
	require.Len(t, list.all("product"), 1)
	p := list.all("product")[0]
	assert.Equal(t, fmt.Sprint(n), text(p.get("productNumber")))
	assert.Len(t, p.get("articleList").all("article"), 2, "all articles of the selected product")
	img := p.get("articleList").all("article")[0].get("imageList", "image")
	require.NotNil(t, img)
	assert.Equal(t, "SU1H", text(img.get("imageData")), "base64 of IMG")
	assert.Equal(t, loadFileOK, text(img.get("imageDataResult")))

	list = req(fmt.Sprintf("%s<ns1:productNumbers>%d</ns1:productNumbers>", empty, n))
	assert.Len(t, list.all("product")[0].get("articleList").all("article"), 2)
	list = req(empty + "<ns1:onlyWebshop>true</ns1:onlyWebshop>")
	require.Len(t, list.all("product"), 1)
	assert.Equal(t, fmt.Sprint(arts[1]), text(list.all("product")[0].get("articleList", "article", "articleNumber")))
}

func TestArticleGroups(t *testing.T) {
	s := newTestSim()
	top := s.AddGroup(0, "Koffie")
	w := post(s, creds(), envelope("newArticleGroup", fmt.Sprintf("<ns1:request><ns1:parentGroupNumber>%d</ns1:parentGroupNumber><ns1:name>Bonen</ns1:name><ns1:text>Bonen</ns1:text></ns1:request>", top)))
	assert.Equal(t, newArticleGroupOK, result(t, w.Body.String(), "NewArticleGroupResponse"))
	w = post(s, creds(), envelope("newArticleGroup", "<ns1:request><ns1:parentGroupNumber>77</ns1:parentGroupNumber><ns1:name>X</ns1:name><ns1:text>X</ns1:text></ns1:request>"))
	assert.Equal(t, newArticleGroupParentNotFound, result(t, w.Body.String(), "NewArticleGroupResponse"))
	w = post(s, creds(), envelope("newArticleGroup", "<ns1:request><ns1:name>X</ns1:name></ns1:request>"))
	assert.Equal(t, 500, w.Code, "parentGroupNumber is required")

	w = post(s, creds(), envelope("getArticleGroups", "<ns1:request></ns1:request>"))
	groups := parse(t, w.Body.String()).get("Body", "GetArticleGroupsResponse", "articleGroupList")
	require.NotNil(t, groups)
	require.Len(t, groups.all("articleGroups"), 1)
	assert.Equal(t, "Koffie", text(groups.all("articleGroups")[0].get("name")))
	assert.Equal(t, "Bonen", text(groups.all("articleGroups")[0].get("subGroupList", "articleGroups", "name")))
	assert.Equal(t, int64(2), s.SyncMarkers().ArticleGroup)
}

func TestStockOperations(t *testing.T) {
	s := newTestSim()
	s.AddProduct(Product{ArticleNumber: 700, PLU: "ST", Description: "Voorraad", StockArticle: true})
	stock := func(op, amountElem string, article int64, branch int, amount int64, dp int) string {
		w := post(s, creds(), envelope(op, fmt.Sprintf("<ns1:request><ns1:branchNumber>%d</ns1:branchNumber><ns1:articleNumber>%d</ns1:articleNumber>"+
			"<ns1:%s>%d</ns1:%s><ns1:decimalPlaces>%d</ns1:decimalPlaces><ns1:employeeNumber>999999</ns1:employeeNumber><ns1:reference>t</ns1:reference></ns1:request>",
			branch, article, amountElem, amount, amountElem, dp)))
		require.Equal(t, 200, w.Code, w.Body.String())
		resp := "SetStockResponse"
		if op == "updateStock" {
			resp = "UpdateStockResponse"
		}
		return result(t, w.Body.String(), resp)
	}
	marker := s.SyncMarkers().Article
	assert.Equal(t, setStockPrefix+stockOK, stock("setStock", "amount", 700, 1, 500, 2))
	assert.Equal(t, setStockPrefix+stockOK, stock("setStock", "amount", 700, 1, 500, 2))
	assert.Equal(t, updateStockPrefix+stockOK, stock("updateStock", "amountChanged", 700, 1, -150, 2))
	assert.Equal(t, updateStockPrefix+stockOK, stock("updateStock", "amountChanged", 700, 1, 250, 3))
	assert.Equal(t, setStockPrefix+stockNoStock, stock("setStock", "amount", 500, 1, 100, 2))
	assert.Equal(t, setStockPrefix+stockBranchNF, stock("setStock", "amount", 700, 9, 100, 2))
	assert.Equal(t, updateStockPrefix+stockArticleNF, stock("updateStock", "amountChanged", 9999, 1, 100, 2))

	lvl, _ := s.Stock("ST")
	assert.Equal(t, model.Quantity(3750), lvl.Free, "5 - 1.5 + 0.25")
	assert.Equal(t, marker, s.SyncMarkers().Article, "stock changes leave the article's marker alone")
	hist := s.StockHistory()
	require.Len(t, hist, 3, "setting the same level twice is one change")
	assert.Equal(t, []int64{1, 2, 3}, []int64{hist[0].StockID, hist[1].StockID, hist[2].StockID})
	assert.Equal(t, stockHistoryAPI, hist[0].Type)

	w := post(s, creds(), envelope("getStockHistoryV2", "<ns1:request><ns1:branchNumbers>1</ns1:branchNumbers><ns1:sinceStockId>1</ns1:sinceStockId><ns1:sinceStockIdLimit>1</ns1:sinceStockIdLimit></ns1:request>"))
	rows := parse(t, w.Body.String()).get("Body", "GetStockHistoryResponse").all("articleStockHistory")
	require.Len(t, rows, 1)
	assert.Equal(t, "2", text(rows[0].get("stockId")))
	assert.Equal(t, "-150", text(rows[0].get("amountChanged")))

	w = post(s, creds(), envelope("getStock", "<ns1:request><ns1:branchNumber>1</ns1:branchNumber><ns1:articleNumbers><ns1:articleNumbers>700</ns1:articleNumbers><ns1:articleNumbers>500</ns1:articleNumbers></ns1:articleNumbers></ns1:request>"))
	stocks := parse(t, w.Body.String()).get("Body", "GetStockResponse").all("articleStocks")
	require.Len(t, stocks, 2)
	assert.Equal(t, []string{"375", "2", "3"}, []string{text(stocks[0].get("amountFree")), text(stocks[0].get("decimalPlacesFree")), text(stocks[0].get("stockId"))})
	assert.Equal(t, "0", text(stocks[1].get("amountFree")))

	w = post(s, creds(), envelope("getCurrentSyncMarkers", ""))
	m := parse(t, w.Body.String()).get("Body", "getCurrentSyncMarkersResponse")
	require.NotNil(t, m)
	assert.Equal(t, "3", text(m.get("stockId")))
	assert.Equal(t, fmt.Sprint(marker), text(m.get("articleSyncMarker")))
}

func TestRelationDetailsAndOrderExtras(t *testing.T) {
	s := newTestSim()
	w := post(s, creds(), envelope("createRelation", "<ns1:relation><ns1:name>Jo</ns1:name><ns1:paymentWithinDays>30</ns1:paymentWithinDays>"+
		"<ns1:customFieldList><ns1:customField><ns1:fieldName>vatCode</ns1:fieldName><ns1:strValue>7</ns1:strValue></ns1:customField></ns1:customFieldList></ns1:relation>"))
	number := text(parse(t, w.Body.String()).get("Body", "CreateRelationResponse", "relationNumber"))
	w = post(s, creds(), envelope("getRelation", "<ns1:relationNumber>"+number+"</ns1:relationNumber>"))
	rel := parse(t, w.Body.String()).get("Body", "GetRelationResponse")
	assert.Equal(t, getRelationOK, text(rel.get("result")))
	assert.Equal(t, "30", text(rel.get("relation", "paymentWithinDays")))
	assert.Equal(t, "7", text(rel.get("relation", "customFieldList", "customField", "strValue")))
	w = post(s, creds(), envelope("getRelation", "<ns1:relationNumber>1</ns1:relationNumber>"))
	rel = parse(t, w.Body.String()).get("Body", "GetRelationResponse")
	assert.Equal(t, getRelationNotFound, text(rel.get("result")))
	assert.NotNil(t, rel.get("relation"), "the schema requires the relation element")

	order := strings.Replace(orderXML("E-1", DefaultEmployee, `<ns1:line><ns1:articleNumber>500</ns1:articleNumber><ns1:data><ns1:quantity>100</ns1:quantity>`+
		`<ns1:turnoverGroup>8010</ns1:turnoverGroup><ns1:vatCode>1</ns1:vatCode></ns1:data></ns1:line>`),
		"<ns1:lineList>", "<ns1:deliveryMethod>POSTNL</ns1:deliveryMethod><ns1:paymentMethod>IDEAL</ns1:paymentMethod><ns1:lineList>", 1)
	require.Contains(t, post(s, creds(), envelope("createOrder", order)).Body.String(), createOrderOK)
	w = post(s, creds(), envelope("findOrder", "<ns1:extOrderId>E-1</ns1:extOrderId>"))
	o := parse(t, w.Body.String()).get("Body", "GetOrderResponse", "order")
	assert.Equal(t, "IDEAL", text(o.get("paymentMethod")))
	assert.Equal(t, "POSTNL", text(o.get("deliveryMethod")))
	assert.Equal(t, "8010", text(o.get("lineList", "line", "data", "turnoverGroup")))
	assert.Equal(t, "1", text(o.get("lineList", "line", "data", "vatCode")))

	inv := `<ns1:invoice><ns1:extInvoiceId>I-9</ns1:extInvoiceId><ns1:employeeNumber>999999</ns1:employeeNumber><ns1:reference>R</ns1:reference>` +
		`<ns1:dueDate><ns1:day>28</ns1:day><ns1:mon>3</ns1:mon><ns1:year>2026</ns1:year></ns1:dueDate></ns1:invoice>`
	require.Contains(t, post(s, creds(), envelope("saveInvoice", inv)).Body.String(), saveInvoiceOK)
	assert.Equal(t, "2026-03-28", s.Invoices()[0].DueDate)
	w = post(s, creds(), envelope("findInvoice", "<ns1:extInvoiceId>I-9</ns1:extInvoiceId>"))
	assert.Equal(t, "28", text(parse(t, w.Body.String()).get("Body", "GetInvoiceResponse", "invoice", "dueDate", "day")))
	bad := strings.Replace(strings.Replace(inv, "I-9", "I-10", 1), "<ns1:day>28</ns1:day>", "<ns1:day>31</ns1:day>", 1)
	bad = strings.Replace(bad, "<ns1:mon>3</ns1:mon>", "<ns1:mon>2</ns1:mon>", 1)
	assert.Contains(t, post(s, creds(), envelope("saveInvoice", bad)).Body.String(), "is not a date")
}

func TestSnapshotRestoreCatalogAndStock(t *testing.T) {
	s := newTestSim()
	g := s.AddGroup(0, "Koffie")
	n, _ := s.AddProductWithArticles(CatalogProduct{Description: "Set", Groups: []int{g}, Articles: []Product{
		{PLU: "SET-1", StockArticle: true, CustomFields: map[string]string{"a": "b"}}, {PLU: "SET-2"}}})
	require.NoError(t, s.SetStockLevel("SET-1", model.Pieces(3), model.Pieces(1)))
	s.AddRelation(Relation{Name: "Jo", PaymentWithinDays: 14, CustomFields: map[string]string{"vatCode": "7"}})
	snap, err := s.Snapshot()
	require.NoError(t, err)

	fresh := New(Options{Ident: testIdent, Secret: testSecret})
	require.NoError(t, fresh.Restore(snap))
	assert.Equal(t, s.Groups(), fresh.Groups())
	assert.Equal(t, s.StockHistory(), fresh.StockHistory())
	assert.Equal(t, s.SyncMarkers(), fresh.SyncMarkers())
	assert.Equal(t, s.Relations(), fresh.Relations())
	want, _ := s.ProductByNumber(n)
	got, ok := fresh.ProductByNumber(n)
	require.True(t, ok)
	assert.Equal(t, want, got)
	lvl, _ := fresh.Stock("SET-1")
	assert.Equal(t, model.Pieces(3), lvl.Free)
	assert.Equal(t, g+1, fresh.AddGroup(0, "Thee"), "numbering goes on")
	require.NoError(t, fresh.SetStockLevel("SET-1", model.Pieces(2), 0))
	assert.Equal(t, int64(2), fresh.SyncMarkers().Stock)
}

func TestRestoreVersion1(t *testing.T) {
	v1 := `{"version":1,"products":[{"articleNumber":500,"plu":"KOF-1","description":"Koffie","priceInclCents":1999,"vatCode":1,"productNumber":101,"syncMarker":3}],
		"relations":[{"number":10001,"name":"Anna","syncMarker":4,"createdAt":"2026-01-01T00:00:00Z","changedAt":"2026-01-01T00:00:00Z"}],
		"orders":[],"invoices":[],"employees":[{"number":999999,"name":"API"}],"branches":[{"number":1,"name":"Winkel"}],
		"vatGroups":[{"code":1,"rate":2100,"countryIso3":"NLD"}],
		"nextArticle":501,"nextProduct":102,"nextRelation":10002,"nextOrderNumber":0,"nextInvoiceNumber":0,"syncMarker":5}`
	s := New(Options{Ident: testIdent, Secret: testSecret})
	require.NoError(t, s.Restore([]byte(v1)))
	p, ok := s.ProductByNumber(101)
	require.True(t, ok)
	assert.Equal(t, "Koffie", p.Description)
	assert.Equal(t, Markers{Article: 5, ArticleGroup: 5, Relation: 5, Order: 5, Invoice: 5}, s.SyncMarkers())
	assert.Equal(t, 1, s.AddGroup(0, "Koffie"))
	s.AddProduct(Product{PLU: "NEW"})
	assert.Equal(t, int64(6), s.SyncMarkers().Article, "markers go on above the old counter")
}
