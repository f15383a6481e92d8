package vismanet_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/conntest/contract"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/connectors/vismanet"
	"github.com/koppel/koppel/model"
)

// erp is a small Visma.net of the catalogue's endpoints: items with their
// attachments, the inventory summary, inventory adjustments (which move
// stock when released) and the reference data the catalogue reads. The
// client reaches it through the contract checker, so what it sends and what
// the fake answers is held against the vendor's OpenAPI file.
type erp struct {
	mu     sync.Mutex
	router *simkit.Router
	clock  time.Time

	items []map[string]any // in listing order
	files map[string]erpFile
	// stock: item → warehouse → on hand per location (the first location
	// takes what adjustments move).
	stock map[string]map[string][]model.Quantity
	adjs  []map[string]any
	calls []erpCall
	// drop: op → writes to commit and then answer with a cut connection.
	drop map[string]int
	seq  int
	// ignoreAttributes makes the listing ignore the attributes filter.
	ignoreAttributes bool
}

type erpFile struct {
	contentType string
	data        []byte
}

type erpCall struct {
	op    string
	path  string
	query url.Values
	raw   string
	body  map[string]any // unwrapped
}

func newERP() *erp {
	e := &erp{clock: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), files: map[string]erpFile{},
		stock: map[string]map[string][]model.Quantity{}, drop: map[string]int{}}
	e.router = &simkit.Router{NotFound: func(w http.ResponseWriter, r *http.Request) {
		erpReply(w, 404, map[string]any{"message": "No HTTP resource was found that matches the request URI"})
	}}
	e.routes()
	return e
}

func (e *erp) now() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.clock
}

func (e *erp) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.clock = e.clock.Add(d)
}

// stamp writes a modification time as the API does (milliseconds, UTC).
func erpStamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// addItem adds an item modified at the fake's time; edit sets more fields.
func (e *erp) addItem(number string, edit func(map[string]any)) map[string]any {
	e.mu.Lock()
	defer e.mu.Unlock()
	it := map[string]any{"inventoryId": len(e.items) + 1, "inventoryNumber": number, "status": "Active", "type": "FinishedGoodItem",
		"stockItem": true, "description": "Item " + number, "defaultPrice": json.Number("10.00"), "baseUnit": "PCS",
		"vatCode": map[string]any{"id": "1", "description": "21%"}, "lastModifiedDateTime": erpStamp(e.clock)}
	if edit != nil {
		edit(it)
	}
	e.items = append(e.items, it)
	return it
}

// touch marks an item modified at t.
func (e *erp) touch(number string, t time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.item(number)["lastModifiedDateTime"] = erpStamp(t)
}

func (e *erp) remove(number string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, it := range e.items {
		if it["inventoryNumber"] == number {
			e.items = append(e.items[:i], e.items[i+1:]...)
			return
		}
	}
}

func (e *erp) item(number string) map[string]any {
	for _, it := range e.items {
		if it["inventoryNumber"] == number {
			return it
		}
	}
	return nil
}

// setStock puts quantities on the locations of a warehouse.
func (e *erp) setStock(number, warehouse string, perLocation ...model.Quantity) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stock[number] == nil {
		e.stock[number] = map[string][]model.Quantity{}
	}
	e.stock[number][warehouse] = perLocation
}

func (e *erp) onHand(number, warehouse string) model.Quantity {
	e.mu.Lock()
	defer e.mu.Unlock()
	var sum model.Quantity
	for _, q := range e.stock[number][warehouse] {
		sum += q
	}
	return sum
}

// addAdjustment stores an adjustment as if written earlier.
func (e *erp) addAdjustment(ref, status, item, warehouse string, qty model.Quantity) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.storeAdjustment(ref, status, []map[string]any{{"inventoryNumber": item, "warehouseId": warehouse, "quantity": json.Number(qty.String())}})
}

func (e *erp) storeAdjustment(ref, status string, lines []map[string]any) string {
	e.seq++
	number := fmt.Sprintf("%06d", e.seq)
	var read []map[string]any
	for i, l := range lines {
		read = append(read, map[string]any{"lineNumber": i + 1, "inventoryItem": map[string]any{"number": l["inventoryNumber"]},
			"warehouse": map[string]any{"id": l["warehouseId"]}, "quantity": l["quantity"]})
	}
	e.adjs = append(e.adjs, map[string]any{"referenceNumber": number, "status": status, "hold": status == "Hold",
		"externalReference": ref, "description": "earlier", "lastModifiedDateTime": erpStamp(e.clock), "adjusmentLines": read})
	return number
}

func (e *erp) adjustment(number string) map[string]any {
	for _, a := range e.adjs {
		if a["referenceNumber"] == number {
			return a
		}
	}
	return nil
}

func (e *erp) sent(op string) []erpCall {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []erpCall
	for _, c := range e.calls {
		if c.op == op {
			out = append(out, c)
		}
	}
	return out
}

func (e *erp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == vismanet.TokenPath {
		erpReply(w, 200, map[string]any{"access_token": "tok", "token_type": "Bearer", "expires_in": 3600})
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	raw, _ := io.ReadAll(r.Body)
	op := e.router.Op(r)
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var body any
	_ = d.Decode(&body)
	unwrapped, _ := erpUnwrap(body).(map[string]any)
	e.calls = append(e.calls, erpCall{op: op, path: r.URL.Path, query: r.URL.Query(), raw: string(raw), body: unwrapped})
	rec := httptest.NewRecorder()
	r.Body = io.NopCloser(bytes.NewReader(raw))
	e.router.ServeHTTP(rec, r)
	if e.drop[op] > 0 && rec.Code < 300 { // committed; the answer is lost
		e.drop[op]--
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
		return
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

func (e *erp) routes() {
	h := func(op string, fn simkit.HandlerFunc) {
		method, pattern, _ := strings.Cut(op, " ")
		e.router.Handle(method, pattern, fn)
	}
	h(vismanet.OpListVatCategories, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		var out []map[string]any
		for id, rate := range map[string]string{"1": "21.00", "2": "9.00", "3": "0.00"} {
			out = append(out, map[string]any{"vatCategoryId": id, "description": "VAT " + rate, "active": true,
				"vatCategoryLines": []map[string]any{{"vatId": "V" + id, "vatRates": []map[string]any{{"vatRate": json.Number(rate), "startDate": "2020-01-01T00:00:00Z"}}}}})
		}
		erpReply(w, 200, out)
	})
	h(vismanet.OpListCurrencies, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		erpReply(w, 200, []map[string]any{{"id": "NOK"}, {"id": "EUR", "isBaseCurrency": true, "decimalPrecision": 2}})
	})
	h(vismanet.OpListWarehouses, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		erpReply(w, 200, []map[string]any{{"warehouseID": "MAIN", "active": true}, {"warehouseID": "WEB", "active": true}})
	})
	h(vismanet.OpListBranches, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		erpReply(w, 200, []map[string]any{{"branchId": 1, "number": "1", "name": "Main", "isActive": true}})
	})

	h(vismanet.OpListInventory, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		q := r.URL.Query()
		var out []map[string]any
		for _, it := range e.items {
			if e.listed(it, q) {
				out = append(out, it)
			}
		}
		erpPage(w, r, out)
	})
	h(vismanet.OpGetInventory, func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		if it := e.item(p.Get("inventoryNumber")); it != nil {
			erpReply(w, 200, it)
			return
		}
		erpReply(w, 404, map[string]any{"message": "Inventory item not found"})
	})
	h(vismanet.OpGetAttachment, func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		f, ok := e.files[p.Get("attachmentId")]
		if !ok {
			erpReply(w, 404, map[string]any{"message": "Attachment not found"})
			return
		}
		w.Header().Set("Content-Type", f.contentType)
		w.Write(f.data)
	})
	h(vismanet.OpInventorySummary, func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		number := p.Get("inventoryNumber")
		out := []map[string]any{}
		for wh, locs := range e.stock[number] {
			if want := r.URL.Query().Get("warehouse"); want != "" && want != wh {
				continue
			}
			for i, q := range locs {
				out = append(out, map[string]any{"inventory": map[string]any{"number": number}, "warehouse": map[string]any{"id": wh},
					"location": map[string]any{"id": i + 1, "name": fmt.Sprintf("L%d", i+1)}, "onHand": json.Number(q.String()),
					"available": json.Number(q.String()), "baseUnit": "PCS"})
			}
		}
		erpReply(w, 200, out)
	})

	h(vismanet.OpListInventoryAdjustments, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		var out []map[string]any
		for _, a := range e.adjs {
			if erpModifiedSince(a, r.URL.Query()) {
				out = append(out, a)
			}
		}
		erpPage(w, r, out)
	})
	h(vismanet.OpGetInventoryAdjustment, func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		if a := e.adjustment(p.Get("inventoryAdjustmentNumber")); a != nil {
			erpReply(w, 200, a)
			return
		}
		erpReply(w, 404, map[string]any{"message": "Inventory adjustment not found"})
	})
	h(vismanet.OpCreateInventoryAdjustment, func(w http.ResponseWriter, r *http.Request, _ simkit.Params) {
		b := e.calls[len(e.calls)-1].body
		var lines []map[string]any
		for _, l := range b["adjustmentLines"].([]any) {
			lines = append(lines, l.(map[string]any))
		}
		status := "Balanced"
		if b["hold"] == true {
			status = "Hold"
		}
		ref, _ := b["externalReference"].(string)
		number := e.storeAdjustment(ref, status, lines)
		e.adjustment(number)["description"] = b["description"]
		w.Header().Set("Location", "https://api.elsewhere.example/v1/inventoryadjustment/"+number)
		erpReply(w, 201, map[string]any{})
	})
	h(vismanet.OpUpdateInventoryAdjustment, func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		a := e.adjustment(p.Get("inventoryAdjustmentNumber"))
		if a == nil {
			erpReply(w, 404, map[string]any{"message": "Inventory adjustment not found"})
			return
		}
		if hold, ok := e.calls[len(e.calls)-1].body["hold"].(bool); ok && a["status"] != "Released" {
			a["hold"] = hold
			a["status"] = map[bool]string{true: "Hold", false: "Balanced"}[hold]
			a["lastModifiedDateTime"] = erpStamp(e.clock)
		}
		w.WriteHeader(204)
	})
	h(vismanet.OpReleaseInventoryAdjustment, func(w http.ResponseWriter, r *http.Request, p simkit.Params) {
		a := e.adjustment(p.Get("adjRefNumber"))
		switch {
		case a == nil:
			erpReply(w, 404, map[string]any{"message": "Inventory adjustment not found"})
			return
		case a["status"] != "Balanced":
			erpReply(w, 400, map[string]any{"ExceptionType": "IPPException", "ExceptionMessage": "The document is " + a["status"].(string) + " and cannot be released.",
				"ExceptionFaultCode": "12000", "ExceptionMessageID": "12000_1", "ExceptionDetails": ""})
			return
		}
		for _, l := range a["adjusmentLines"].([]map[string]any) {
			number := l["inventoryItem"].(map[string]any)["number"].(string)
			wh := l["warehouse"].(map[string]any)["id"].(string)
			q, err := model.ParseQuantity(fmt.Sprint(l["quantity"]))
			if err != nil {
				panic(err)
			}
			if e.stock[number] == nil {
				e.stock[number] = map[string][]model.Quantity{}
			}
			if len(e.stock[number][wh]) == 0 {
				e.stock[number][wh] = []model.Quantity{0}
			}
			e.stock[number][wh][0] += q
		}
		a["status"], a["lastModifiedDateTime"] = "Released", erpStamp(e.clock)
		erpReply(w, 200, map[string]any{"actionId": "6f1c9b1e-2d3a-4c5b-8e7f-0a1b2c3d4e5f", "actionResult": "Done"})
	})
}

// listed applies the item listing's filters the catalogue uses.
func (e *erp) listed(it map[string]any, q url.Values) bool {
	if types := q["inventoryTypes"]; len(types) > 0 && !erpContains(types, it["type"].(string)) {
		return false
	}
	if f := q.Get("attributes"); f != "" && !e.ignoreAttributes {
		var want map[string]string
		if json.Unmarshal([]byte(f), &want) != nil {
			return false
		}
		attrs, _ := it["attributes"].([]map[string]any)
		for id, v := range want {
			found := false
			for _, a := range attrs {
				found = found || (strings.EqualFold(a["id"].(string), id) && strings.EqualFold(a["value"].(string), v))
			}
			if !found {
				return false
			}
		}
	}
	return erpModifiedSince(it, q)
}

// modifiedSince applies lastModifiedDateTime (to the second) with its condition.
func erpModifiedSince(rec map[string]any, q url.Values) bool {
	since := q.Get("lastModifiedDateTime")
	if since == "" {
		return true
	}
	from, err := time.Parse("2006-01-02T15:04:05", since)
	if err != nil {
		panic(err)
	}
	at, _ := time.Parse(time.RFC3339, rec["lastModifiedDateTime"].(string))
	switch q.Get("lastModifiedDateTimeCondition") {
	case ">=":
		return !at.Before(from)
	case ">":
		return at.After(from)
	}
	panic("condition " + q.Get("lastModifiedDateTimeCondition"))
}

func erpContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// erpPage answers one page with metadata on every record.
func erpPage(w http.ResponseWriter, r *http.Request, list []map[string]any) {
	const maxPageSize = 1000
	number, _ := strconv.Atoi(r.URL.Query().Get("pageNumber"))
	size, _ := strconv.Atoi(r.URL.Query().Get("pageSize"))
	number, size = max(number, 1), min(max(size, 1), maxPageSize)
	from := min((number-1)*size, len(list))
	to := min(from+size, len(list))
	out := []map[string]any{}
	for _, rec := range list[from:to] {
		c := map[string]any{}
		for k, v := range rec {
			c[k] = v
		}
		c["metadata"] = map[string]any{"totalCount": len(list), "maxPageSize": maxPageSize}
		out = append(out, c)
	}
	erpReply(w, 200, out)
}

func erpReply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// erpUnwrap takes every {"value": x} of a write apart.
func erpUnwrap(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if inner, ok := t["value"]; ok && len(t) == 1 {
			return erpUnwrap(inner)
		}
		out := map[string]any{}
		for k, x := range t {
			out[k] = erpUnwrap(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = erpUnwrap(x)
		}
		return out
	}
	return v
}

// client serves the fake and returns a client of it, its API calls checked
// against the contract.
func (e *erp) client(t *testing.T, edit func(*vismanet.Options)) *vismanet.Client {
	t.Helper()
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	api := contract.OpenAPIForTest(t, contract.VismaNetOpenAPI)
	opt := vismanet.Options{TokenURL: srv.URL + vismanet.TokenPath}
	if edit != nil {
		edit(&opt)
	}
	c, err := vismanet.New(vismanet.Config{BaseURL: srv.URL, ClientID: "app", ClientSecret: "secret", TenantID: "tenant/" + t.Name(),
		RequestsPerHour: -1, Now: e.now, Transport: contractTransport(t, api), Options: opt})
	require.NoError(t, err)
	return c
}

// Stock.

func stockERP() *erp {
	e := newERP()
	e.addItem("S1", func(it map[string]any) { it["defaultWarehouse"] = map[string]any{"id": "MAIN"} })
	e.setStock("S1", "MAIN", model.Pieces(1), model.Pieces(2)) // two locations: 3 on hand
	e.setStock("S1", "WEB", model.Pieces(40))
	e.addItem("SVC", func(it map[string]any) { it["stockItem"], it["type"] = false, "ServiceItem" })
	return e
}

func TestGetStockReadsOnHandInTheStockWarehouse(t *testing.T) {
	e := stockERP()
	c := e.client(t, nil)
	got, err := c.GetStock(context.Background(), []string{"S1", "SVC", "NOPE"})
	require.NoError(t, err)
	assert.Equal(t, map[string]connectors.TargetStock{
		"S1":  {Quantity: model.Pieces(3), Managed: true}, // the default warehouse, both locations
		"SVC": {Managed: false},
	}, got, "an unknown SKU is left out")

	c = e.client(t, func(o *vismanet.Options) { o.StockWarehouse = "WEB" })
	got, err = c.GetStock(context.Background(), []string{"S1"})
	require.NoError(t, err)
	assert.Equal(t, model.Pieces(40), got["S1"].Quantity, "options.stockWarehouse wins over the item's default")
	assert.Equal(t, "WEB", e.sent(vismanet.OpInventorySummary)[1].query.Get("warehouse"))
}

func TestSetStockWritesTheDifferenceAndReleasesIt(t *testing.T) {
	e := stockERP()
	c := e.client(t, func(o *vismanet.Options) { o.AdjustmentReasonCode, o.BranchNumber = "SHOP", "1" })
	ctx := context.Background()
	require.NoError(t, c.SetStockOnce(ctx, "S1", model.Quantity(5500), true, "KOPPEL-00000000000000A1"))

	creates := e.sent(vismanet.OpCreateInventoryAdjustment)
	require.Len(t, creates, 1)
	b := creates[0].body
	assert.Equal(t, "KOPPEL-00000000000000A1", b["externalReference"])
	assert.Equal(t, vismanet.AdjustmentDescription, b["description"])
	assert.Equal(t, false, b["hold"])
	assert.Equal(t, "1", b["branchNumber"])
	line := b["adjustmentLines"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"operation": "Insert", "inventoryNumber": "S1", "warehouseId": "MAIN", "quantity": json.Number("2.500"),
		"uom": "PCS", "reasonCode": "SHOP", "branchNumber": "1"}, line)
	assert.Contains(t, creates[0].raw, `"quantity":{"value":2.500}`, "the difference goes exactly, wrapped")
	assert.Len(t, e.sent(vismanet.OpReleaseInventoryAdjustment), 1)
	assert.Equal(t, model.Quantity(5500), e.onHand("S1", "MAIN"))
	assert.Equal(t, model.Pieces(40), e.onHand("S1", "WEB"), "other warehouses are left alone")

	// Down: a negative difference.
	require.NoError(t, c.SetStockOnce(ctx, "S1", model.Pieces(1), true, "KOPPEL-00000000000000A2"))
	assert.Equal(t, json.Number("-4.500"), e.sent(vismanet.OpCreateInventoryAdjustment)[1].body["adjustmentLines"].([]any)[0].(map[string]any)["quantity"])
	assert.Equal(t, model.Pieces(1), e.onHand("S1", "MAIN"))

	// The adjustments were looked up by their references first, within a
	// bounded window of modification.
	lists := e.sent(vismanet.OpListInventoryAdjustments)
	require.NotEmpty(t, lists)
	assert.Equal(t, ">=", lists[0].query.Get("lastModifiedDateTimeCondition"))
	assert.Equal(t, "2026-02-27T10:00:00", lists[0].query.Get("lastModifiedDateTime"), "72 hours back")
}

func TestSetStockWithNoDifferenceWritesNothing(t *testing.T) {
	e := stockERP()
	c := e.client(t, nil)
	require.NoError(t, c.SetStockOnce(context.Background(), "S1", model.Pieces(3), true, "KOPPEL-00000000000000B1"))
	require.NoError(t, c.SetStock(context.Background(), "S1", model.Pieces(3), true))
	assert.Empty(t, e.sent(vismanet.OpCreateInventoryAdjustment))
	assert.Empty(t, e.sent(vismanet.OpReleaseInventoryAdjustment))
}

func TestAnAdjustmentFoundByItsReferenceIsFinishedNotWrittenAgain(t *testing.T) {
	e := stockERP()
	done := e.addAdjustment("KOPPEL-00000000000000C1", "Released", "S1", "MAIN", model.Pieces(2))
	held := e.addAdjustment("KOPPEL-00000000000000C2", "Hold", "S1", "MAIN", model.Pieces(2))
	balanced := e.addAdjustment("KOPPEL-00000000000000C3", "Balanced", "S1", "MAIN", model.Pieces(1))
	c := e.client(t, nil)
	ctx := context.Background()

	// Released already: nothing happens, though on hand (3) is not 5.
	require.NoError(t, c.SetStockOnce(ctx, "S1", model.Pieces(5), true, "KOPPEL-00000000000000C1"))
	assert.Empty(t, e.sent(vismanet.OpCreateInventoryAdjustment))
	assert.Empty(t, e.sent(vismanet.OpReleaseInventoryAdjustment))
	assert.Equal(t, "Released", e.adjustment(done)["status"])

	// On hold: taken off hold, then released.
	require.NoError(t, c.SetStockOnce(ctx, "S1", model.Pieces(5), true, "KOPPEL-00000000000000C2"))
	require.Len(t, e.sent(vismanet.OpUpdateInventoryAdjustment), 1)
	assert.Equal(t, map[string]any{"hold": false}, e.sent(vismanet.OpUpdateInventoryAdjustment)[0].body)
	assert.Equal(t, "Released", e.adjustment(held)["status"])
	assert.Equal(t, model.Pieces(5), e.onHand("S1", "MAIN"))

	// Balanced: released as it is.
	require.NoError(t, c.SetStockOnce(ctx, "S1", model.Pieces(6), true, "KOPPEL-00000000000000C3"))
	assert.Equal(t, "Released", e.adjustment(balanced)["status"])
	assert.Equal(t, model.Pieces(6), e.onHand("S1", "MAIN"))
	assert.Empty(t, e.sent(vismanet.OpCreateInventoryAdjustment), "none was written")
}

func TestALostAnswerMovesTheStockOnce(t *testing.T) {
	for _, op := range []string{vismanet.OpCreateInventoryAdjustment, vismanet.OpReleaseInventoryAdjustment} {
		for _, plain := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/SetStock=%v", op, plain), func(t *testing.T) {
				e := stockERP()
				e.drop[op] = 1
				set := func(c *vismanet.Client) error {
					if plain {
						return c.SetStock(context.Background(), "S1", model.Pieces(9), true)
					}
					return c.SetStockOnce(context.Background(), "S1", model.Pieces(9), true, "KOPPEL-00000000000000D1")
				}
				err := set(e.client(t, nil))
				require.Error(t, err)
				assert.True(t, connectors.IsKind(err, connectors.KindUnavailable), "a lost answer is retryable: %v", err)

				// The retry comes from another worker: nothing remembered.
				require.NoError(t, set(e.client(t, nil)))
				assert.Equal(t, model.Pieces(9), e.onHand("S1", "MAIN"))
				assert.Len(t, e.sent(vismanet.OpCreateInventoryAdjustment), 1, "one adjustment")
				require.NoError(t, set(e.client(t, nil)), "and a third attempt changes nothing")
				assert.Equal(t, model.Pieces(9), e.onHand("S1", "MAIN"))
				assert.Len(t, e.sent(vismanet.OpCreateInventoryAdjustment), 1)
			})
		}
	}
}

func TestSetStockFindsItsOwnUnreleasedAdjustmentButNotAnOldOne(t *testing.T) {
	e := stockERP()
	c := e.client(t, nil)
	ctx := context.Background()
	require.NoError(t, c.SetStock(ctx, "S1", model.Pieces(5), true)) // 3 → 5
	first := e.sent(vismanet.OpCreateInventoryAdjustment)[0].body["externalReference"]
	require.Regexp(t, `^KOPPEL-[0-9A-F]{16}$`, first)

	// Stock comes back to 3 and the shop says 5 again: the same reference,
	// but the released adjustment is history; a new one is written.
	e.setStock("S1", "MAIN", model.Pieces(3))
	require.NoError(t, c.SetStock(ctx, "S1", model.Pieces(5), true))
	creates := e.sent(vismanet.OpCreateInventoryAdjustment)
	require.Len(t, creates, 2)
	assert.Equal(t, first, creates[1].body["externalReference"])
	assert.Equal(t, model.Pieces(5), e.onHand("S1", "MAIN"))
}

func TestStockOfANonStockItemIsAClearError(t *testing.T) {
	e := stockERP()
	c := e.client(t, nil)
	for _, manage := range []bool{true, false} {
		err := c.SetStockOnce(context.Background(), "SVC", model.Pieces(2), manage, "KOPPEL-00000000000000E1")
		require.Error(t, err)
		assert.True(t, connectors.IsKind(err, connectors.KindValidation), "%v", err)
		assert.Contains(t, err.Error(), "SKU SVC is a ServiceItem")
		assert.Contains(t, err.Error(), "stock item")
	}
	err := c.SetStock(context.Background(), "NOPE", model.Pieces(2), true)
	assert.True(t, connectors.IsKind(err, connectors.KindNotFound), "%v", err)
	assert.Empty(t, e.sent(vismanet.OpCreateInventoryAdjustment))
}

func TestStockWarehouseMustBeKnown(t *testing.T) {
	e := newERP()
	e.addItem("S2", nil) // no default warehouse
	c := e.client(t, nil)
	err := c.SetStockOnce(context.Background(), "S2", model.Pieces(2), true, "KOPPEL-00000000000000F1")
	assert.True(t, connectors.IsKind(err, connectors.KindConfig), "%v", err)
	assert.Contains(t, err.Error(), "options.stockWarehouse")

	c = e.client(t, func(o *vismanet.Options) { o.StockWarehouse = "ATTIC" })
	err = c.SetStockOnce(context.Background(), "S2", model.Pieces(2), true, "KOPPEL-00000000000000F2")
	assert.True(t, connectors.IsKind(err, connectors.KindConfig), "%v", err)
	assert.Contains(t, err.Error(), `options.stockWarehouse is "ATTIC"`)
	assert.Empty(t, e.sent(vismanet.OpCreateInventoryAdjustment))
}
