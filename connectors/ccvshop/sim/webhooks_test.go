package sim_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/model"
)

// hookReceiver is a webhook endpoint: it keeps every POST and answers 500
// to the first fail[path] ones on a path, then status[path] or 200.
type hookReceiver struct {
	mu     sync.Mutex
	fail   map[string]int
	status map[string]int
	hits   []hit
	url    string
}

type hit struct {
	path   string
	header http.Header
	body   []byte
	status int
}

func (h hit) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(h.body, &m), string(h.body))
	return m
}

func newReceiver(t *testing.T) *hookReceiver {
	rc := &hookReceiver{fail: map[string]int{}, status: map[string]int{}}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	rc.url = srv.URL
	return rc
}

func (rc *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	h := hit{path: r.URL.Path, header: r.Header.Clone(), body: body, status: http.StatusOK}
	if s, set := rc.status[r.URL.Path]; set {
		h.status = s
	}
	if rc.fail[r.URL.Path] > 0 {
		rc.fail[r.URL.Path]--
		h.status = http.StatusInternalServerError
	}
	rc.hits = append(rc.hits, h)
	w.WriteHeader(h.status)
}

// on lists what arrived on a path, in order.
func (rc *hookReceiver) on(path string) []hit {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []hit
	for _, h := range rc.hits {
		if h.path == path {
			out = append(out, h)
		}
	}
	return out
}

func (rc *hookReceiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.hits)
}

// hmacSHA512Hex and hmacSHA256Base64 verify a signature as a receiver would,
// independently of the simulator's SignWebhook.
func hmacSHA512Hex(key string, body []byte) string {
	m := hmac.New(sha512.New, []byte(key))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func hmacSHA256Base64(key string, body []byte) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// hooked is a shop whose webhook deliveries stop with the test.
func hooked(t *testing.T, o sim.Options) *shop {
	t.Helper()
	s := newShop(t, o)
	t.Cleanup(s.Close)
	return s
}

// register creates a webhook through the API, signed, and returns its id
// and key.
func (s *shop) register(t *testing.T, event, address string, active bool) (id, key string) {
	t.Helper()
	a := s.signed(t, "POST", api+"/webhooks/", fmt.Sprintf(`{"event":%q,"address":%q,"is_active":%t}`, event, address, active))
	require.Equal(t, 201, a.status, string(a.body))
	m := a.json(t)
	return fmt.Sprint(m["id"]), m["key"].(string)
}

func TestWebhookResource(t *testing.T) {
	s := hooked(t, sim.Options{})
	for name, tc := range map[string]struct{ body, field string }{
		"unknown event":     {`{"event":"orders.shipped","address":"https://example.nl/h"}`, `"event"`},
		"relative address":  {`{"event":"orders.created","address":"/h"}`, `"address"`},
		"ftp address":       {`{"event":"orders.created","address":"ftp://example.nl/h"}`, `"address"`},
		"no address":        {`{"event":"orders.created"}`, `"address"`},
		"no event":          {`{"address":"https://example.nl/h"}`, `"event"`},
		"unknown property":  {`{"event":"orders.created","address":"https://example.nl/h","key":"mine"}`, `"key"`},
		"is_active no bool": {`{"event":"orders.created","address":"https://example.nl/h","is_active":"yes"}`, `"is_active"`},
	} {
		a := s.signed(t, "POST", api+"/webhooks/", tc.body)
		require.Equal(t, 422, a.status, name)
		m := a.json(t)
		assert.Equal(t, "422.10", m["code"], name)
		assert.Contains(t, m["developermessage"], tc.field, name)
	}

	a := s.signed(t, "POST", api+"/webhooks/", `{"event":"orders.created","address":"https://example.nl/hook"}`)
	require.Equal(t, 201, a.status, string(a.body))
	made := a.json(t)
	id := fmt.Sprint(made["id"])
	assert.Equal(t, "orders.created", made["event"])
	assert.Equal(t, "https://example.nl/hook", made["address"])
	assert.Equal(t, true, made["is_active"], "active unless said otherwise")
	assert.Equal(t, "2026-05-10T12:00:00Z", made["createdate"])
	assert.Equal(t, s.url+api+"/webhooks/"+id+"/", made["href"])
	key := made["key"].(string)
	raw, err := hex.DecodeString(key)
	require.NoError(t, err, "the key is hex")
	assert.Len(t, raw, 32)
	_, other := s.register(t, "invoices.updated.status", "http://example.nl/other", false)
	assert.NotEqual(t, key, other, "every webhook has its own key")

	list := items(t, s.signed(t, "GET", api+"/webhooks/?size=1", ""))
	require.Len(t, list, 1)
	assert.Equal(t, made, list[0])
	assert.Equal(t, []any{"invoices.updated.status"}, field(items(t, s.signed(t, "GET", api+"/webhooks/?start=1", "")), "event"))
	assert.Equal(t, made, s.signed(t, "GET", api+"/webhooks/"+id+"/", "").json(t))

	a = s.signed(t, "PATCH", api+"/webhooks/"+id+"/", `{"address":"https://example.nl/moved","is_active":false}`)
	require.Equal(t, 204, a.status, string(a.body))
	assert.Empty(t, a.body)
	got := s.signed(t, "GET", api+"/webhooks/"+id, "").json(t)
	assert.Equal(t, "https://example.nl/moved", got["address"])
	assert.Equal(t, false, got["is_active"])
	assert.Equal(t, key, got["key"], "the key stays")
	assert.Equal(t, 422, s.signed(t, "PATCH", api+"/webhooks/"+id+"/", `{"event":"orders.deleted"}`).status, "the event is not writable")
	assert.Equal(t, 422, s.signed(t, "PATCH", api+"/webhooks/"+id+"/", `{"address":"nowhere"}`).status)

	snap, err := s.Snapshot()
	require.NoError(t, err)
	again := sim.New(sim.Options{})
	require.NoError(t, again.Restore(snap))
	assert.Equal(t, s.Webhooks(), again.Webhooks(), "webhooks are kept in the snapshot")

	assert.Equal(t, 204, s.signed(t, "DELETE", api+"/webhooks/"+id+"/", "").status)
	assert.Equal(t, 404, s.signed(t, "GET", api+"/webhooks/"+id+"/", "").status)
	assert.Equal(t, 404, s.signed(t, "DELETE", api+"/webhooks/"+id+"/", "").status)
	assert.Len(t, s.Webhooks(), 1)

	assert.Equal(t, 401, s.raw(t, "GET", api+"/webhooks/", "", nil).status, "signed like every route")
	assert.Equal(t, 9, s.Served("POST /webhooks"), "refused bodies are served calls too")
	assert.Equal(t, 3, s.Served("PATCH /webhooks/{id}"))
	assert.Equal(t, 2, s.Served("DELETE /webhooks/{id}"))
	assert.Equal(t, 2, s.Served("GET /webhooks"), "the unsigned one was not served")
	assert.Equal(t, 3, s.Served("GET /webhooks/{id}"))
}

// Each change sends its event to the active webhooks of that event, with
// the payload of research §1.10, signed with the key the POST answered.
func TestWebhookDeliveries(t *testing.T) {
	rc := newReceiver(t)
	s := hooked(t, sim.Options{})
	keys := map[string]string{}
	for _, h := range []struct{ event, path string }{
		{"orders.created", "/created"}, {"orders.updated.ispaid", "/paid"}, {"orders.updated.status", "/status"},
		{"products.created", "/products"}, {"products.updated", "/products"},
	} {
		_, keys[h.event] = s.register(t, h.event, rc.url+h.path, true)
	}
	s.register(t, "orders.created", rc.url+"/inactive", false)
	s.register(t, "orders.deleted", rc.url+"/deleted", true)

	a := s.signed(t, "POST", api+"/orders/", `{"status":1,"customer":{"email":"jan@example.nl","billingaddress":{"mobile":"0612345678"}},`+
		`"orderrows":[{"product_name":"Koffie","count":2,"price":9.95,"tax":21,"package_id":1}]}`)
	require.Equal(t, 201, a.status, string(a.body))
	id := fmt.Sprint(a.json(t)["id"])
	s.WaitWebhooks()
	require.Len(t, rc.on("/created"), 1)
	created := rc.on("/created")[0]
	assert.Equal(t, "application/json", created.header.Get("Content-Type"))
	assert.Equal(t, hmacSHA512Hex(keys["orders.created"], created.body), created.header.Get("x-hash"), "HMAC-SHA512 of the raw body, in hex")
	body := created.json(t)
	assert.Equal(t, map[string]any{
		"triggered_at": "2026-05-10T12:00:00Z", "href": s.url + api + "/orders/" + id, "id": json.Number(id),
		"order_number": json.Number("1"), "ordernumber_prefix": "2026", "ordernumber_full": "2026-1",
		"total_price": json.Number("19.90"), "customer_email": "jan@example.nl", "customer_mobile": "0612345678",
	}, numbers(t, created.body))
	assert.NotContains(t, body, "status", "orders.created has no status pair")
	assert.NotContains(t, body, "paid")

	s.clock.Add(time.Minute)
	require.NoError(t, s.SetPaid(id, true))
	require.NoError(t, s.SetPaid(id, true))
	require.NoError(t, s.SetStatus(id, model.StatusShipped))
	require.NoError(t, s.SetStatus(id, model.StatusShipped))
	s.WaitWebhooks()
	paid := rc.on("/paid")
	require.Len(t, paid, 1, "only a change of the paid flag sends")
	assert.Equal(t, hmacSHA512Hex(keys["orders.updated.ispaid"], paid[0].body), paid[0].header.Get("x-hash"))
	pb := paid[0].json(t)
	assert.Equal(t, true, pb["paid"])
	assert.Equal(t, "2026-05-10T12:01:00Z", pb["triggered_at"])
	assert.NotContains(t, pb, "status")
	status := rc.on("/status")
	require.Len(t, status, 1, "only a change of the status sends")
	assert.Equal(t, hmacSHA512Hex(keys["orders.updated.status"], status[0].body), status[0].header.Get("x-hash"))
	sb := status[0].json(t)
	assert.Equal(t, float64(1), sb["previous_status"])
	assert.Equal(t, float64(5), sb["status"])
	assert.Equal(t, "2026-1", sb["ordernumber_full"])
	assert.NotContains(t, sb, "paid")

	// Products: created once (not also updated), then each stock change.
	a = s.signed(t, "POST", api+"/products/", `{"productnumber":"MOK","name":"Mok","price":8,"discount":0,"package_id":1,"vatrate":21}`)
	require.Equal(t, 201, a.status, string(a.body))
	pid := fmt.Sprint(a.json(t)["id"])
	s.WaitWebhooks()
	require.NoError(t, s.SetProductStock("MOK", model.Pieces(4)))
	s.WaitWebhooks()
	require.Equal(t, 204, s.signed(t, "PATCH", api+"/products/"+pid+"/", `{"stock":3,"name":"Mok wit"}`).status)
	s.WaitWebhooks()
	products := rc.on("/products")
	require.Len(t, products, 3)
	for _, h := range products {
		assert.Equal(t, map[string]any{"triggered_at": "2026-05-10T12:01:00Z", "href": s.url + api + "/products/" + pid,
			"id": json.Number(pid), "productnumber": "MOK"}, numbers(t, h.body))
	}
	assert.Equal(t, hmacSHA512Hex(keys["products.created"], products[0].body), products[0].header.Get("x-hash"))
	assert.Equal(t, hmacSHA512Hex(keys["products.updated"], products[2].body), products[2].header.Get("x-hash"))

	var events []string
	for _, ev := range s.WebhookEvents() {
		events = append(events, ev.Event)
	}
	assert.Equal(t, []string{"orders.created", "orders.updated.ispaid", "orders.updated.status", "products.created",
		"products.updated", "products.updated"}, events)
	assert.Empty(t, rc.on("/inactive"), "an inactive webhook sends nothing")
	assert.Empty(t, rc.on("/deleted"), "nothing deletes orders")
	for _, d := range s.WebhookDeliveries() {
		assert.Equal(t, 200, d.Status)
		assert.Equal(t, 1, d.Attempt)
		assert.NotEmpty(t, d.Signature)
	}
}

// numbers decodes a JSON object keeping its numbers as written.
func numbers(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	var m map[string]any
	require.NoError(t, dec.Decode(&m))
	return m
}

// A failed delivery is retried on the schedule with the same body until a
// 2xx, and given up when the schedule runs out.
func TestWebhookRetries(t *testing.T) {
	rc := newReceiver(t)
	rc.fail["/flaky"], rc.fail["/down"] = 2, 100
	rc.status["/accepted"] = http.StatusNoContent
	s := hooked(t, sim.Options{WebhookRetries: []time.Duration{5 * time.Millisecond, 5 * time.Millisecond, 5 * time.Millisecond}})
	_, key := s.register(t, "orders.created", rc.url+"/flaky", true)
	s.register(t, "orders.created", rc.url+"/down", true)
	s.register(t, "orders.created", rc.url+"/accepted", true)
	s.AddOrder(order(s.clock.Now(), true, model.StatusPending))
	s.WaitWebhooks()

	flaky := rc.on("/flaky")
	require.Len(t, flaky, 3, "two failures, then delivered")
	assert.Equal(t, []int{500, 500, 200}, []int{flaky[0].status, flaky[1].status, flaky[2].status})
	for _, h := range flaky {
		assert.Equal(t, flaky[0].body, h.body, "a retry sends the same body")
		assert.Equal(t, hmacSHA512Hex(key, h.body), h.header.Get("x-hash"))
	}
	assert.Len(t, rc.on("/down"), 4, "the first try and one per retry, then given up")
	assert.Len(t, rc.on("/accepted"), 1, "any 2xx counts as delivered")

	byEvent := map[string][]int{}
	for _, d := range s.WebhookDeliveries() {
		byEvent[d.EventID] = append(byEvent[d.EventID], d.Status)
	}
	assert.ElementsMatch(t, [][]int{{500, 500, 200}, {500, 500, 500, 500}, {204}}, mapValues(byEvent))
	assert.Equal(t, []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour}, sim.DefaultWebhookRetries())
}

func mapValues[K comparable, V any](m map[K]V) []V {
	var out []V
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// Test hooks: held events sent out of order, a duplicate and forged ones.
func TestWebhookDisorder(t *testing.T) {
	rc := newReceiver(t)
	s := hooked(t, sim.Options{WebhookRetries: []time.Duration{}})
	_, key := s.register(t, "orders.created", rc.url+"/orders", true)
	_, paidKey := s.register(t, "orders.updated.ispaid", rc.url+"/orders", true)

	s.HoldWebhooks(true)
	id := s.AddOrder(order(s.clock.Now(), false, model.StatusPending))
	require.NoError(t, s.SetPaid(id, true))
	s.WaitWebhooks()
	assert.Zero(t, rc.count(), "held")
	held := s.HeldWebhooks()
	require.Len(t, held, 2)
	assert.Empty(t, s.HeldWebhooks(), "taken")
	assert.Len(t, s.WebhookEvents(), 2, "held events are emitted events too")
	s.HoldWebhooks(false)
	assert.Equal(t, "orders.created", held[0].Event)
	assert.Equal(t, rc.url+"/orders", held[0].Address)

	// Out of order, then the first again (a duplicate, and late).
	for _, ev := range []sim.WebhookEvent{held[1], held[0], held[0]} {
		require.NoError(t, s.SendWebhook(ev))
		s.WaitWebhooks()
	}
	require.NoError(t, s.SendForgedWebhook(held[0], "another-key"))
	s.WaitWebhooks()
	require.NoError(t, s.SendForgedWebhook(held[0], ""))
	s.WaitWebhooks()

	got := rc.on("/orders")
	require.Len(t, got, 5)
	assert.Contains(t, got[0].json(t), "paid")
	assert.NotContains(t, got[1].json(t), "paid")
	assert.Equal(t, got[1].body, got[2].body, "the duplicate arrives twice, the same")
	assert.Equal(t, hmacSHA512Hex(paidKey, got[0].body), got[0].header.Get("x-hash"), "each signed with its own webhook's key")
	for _, h := range got[1:3] {
		assert.Equal(t, hmacSHA512Hex(key, h.body), h.header.Get("x-hash"))
	}
	assert.NotEmpty(t, got[3].header.Get("x-hash"))
	assert.NotEqual(t, hmacSHA512Hex(key, got[3].body), got[3].header.Get("x-hash"), "signed with another key")
	assert.Empty(t, got[4].header.Values("x-hash"), "unsigned")
	assert.Len(t, s.WebhookEvents(), 2, "re-sent events are not new events")

	hooks := s.Webhooks()
	require.Equal(t, 204, s.signed(t, "DELETE", api+"/webhooks/"+hooks[0].ID+"/", "").status)
	assert.Error(t, s.SendWebhook(held[0]), "a deleted webhook has no key to sign with")
}

// The signature scheme is an option, so a receiver's setting can be proven.
func TestWebhookSignatureScheme(t *testing.T) {
	rc := newReceiver(t)
	scheme := sim.WebhookSignature{Header: "X-Signature", Hash: "sha256", Encoding: "base64"}
	s := hooked(t, sim.Options{WebhookSignature: scheme})
	_, key := s.register(t, "orders.created", rc.url+"/h", true)
	s.AddOrder(order(s.clock.Now(), true, model.StatusPending))
	s.WaitWebhooks()
	got := rc.on("/h")
	require.Len(t, got, 1)
	assert.Equal(t, hmacSHA256Base64(key, got[0].body), got[0].header.Get("X-Signature"))
	assert.Empty(t, got[0].header.Values("x-hash"), "only the configured header")
	assert.Equal(t, got[0].header.Get("X-Signature"), sim.SignWebhook(scheme, key, got[0].body))
	assert.Equal(t, hmacSHA512Hex(key, got[0].body), sim.SignWebhook(sim.WebhookSignature{}, key, got[0].body), "the default")
	assert.Panics(t, func() { sim.New(sim.Options{WebhookSignature: sim.WebhookSignature{Hash: "md5"}}) })
}

// The SalesPOS flavour has the same webhooks; a checkout sends nothing
// until it is completed; href follows Options.BaseURL, or is the path
// alone before any API call.
func TestWebhookSalesPOSAndCheckouts(t *testing.T) {
	rc := newReceiver(t)
	pos := hooked(t, sim.Options{SalesPOS: true})
	_, err := pos.AddWebhook("orders.created", rc.url+"/pos", true)
	require.NoError(t, err)
	id := pos.AddSale(sim.Sale{Order: order(pos.clock.Now(), true, model.StatusCompleted), RegisterID: 3})
	pos.WaitWebhooks()
	got := rc.on("/pos")
	require.Len(t, got, 1)
	assert.Equal(t, api+"/orders/"+id, got[0].json(t)["href"], "no API call reached the simulator yet")

	shop := hooked(t, sim.Options{BaseURL: "https://myshop.example/api/rest/v1/"})
	hook, err := shop.AddWebhook("orders.created", rc.url+"/shop", true)
	require.NoError(t, err)
	_, err = shop.AddWebhook("orders.shipped", rc.url+"/shop", true)
	assert.Error(t, err)
	_, err = shop.AddWebhook("orders.created", "example.nl", true)
	assert.Error(t, err)
	shop.signed(t, "GET", api+"/orders/", "") // the configured address wins over the one reached
	cid := shop.AddCheckout(order(shop.clock.Now(), false, model.StatusPending))
	require.NoError(t, shop.SetPaid(cid, true))
	shop.WaitWebhooks()
	assert.Empty(t, rc.on("/shop"), "an unfinished checkout sends nothing")
	require.NoError(t, shop.CompleteCheckout(cid))
	shop.WaitWebhooks()
	got = rc.on("/shop")
	require.Len(t, got, 1, "completing it places the order")
	b := got[0].json(t)
	assert.Equal(t, "https://myshop.example"+api+"/orders/"+cid, b["href"])
	assert.NotNil(t, b["ordernumber_full"], "a completed order has its number")
	assert.Equal(t, hmacSHA512Hex(hook.Key, got[0].body), got[0].header.Get("x-hash"))
}

// Close stops a delivery waiting for its retry.
func TestWebhookCloseStopsRetries(t *testing.T) {
	rc := newReceiver(t)
	rc.fail["/down"] = 100
	s := newShop(t, sim.Options{WebhookRetries: []time.Duration{time.Hour}})
	_, err := s.AddWebhook("orders.created", rc.url+"/down", true)
	require.NoError(t, err)
	s.AddOrder(order(s.clock.Now(), true, model.StatusPending))
	require.Eventually(t, func() bool { return len(s.WebhookDeliveries()) == 1 }, 5*time.Second, time.Millisecond)
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited for the retry an hour away")
	}
	s.WaitWebhooks()
	assert.Len(t, rc.on("/down"), 1)
}
