package ccvshop_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/salespos"
	"github.com/koppel/koppel/model"
)

// whKey is a subscription key as the shop makes them (32 bytes in hex).
const whKey = "6b3f0c1e9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f"

// whPaidBody is §1.10's orders.updated.ispaid payload.
const whPaidBody = `{"triggered_at":"2026-05-10T12:01:00Z","href":"https://shop.example.nl/api/rest/v1/orders/1001","id":1001,` +
	`"order_number":1,"ordernumber_prefix":"2026","ordernumber_full":"2026-1","total_price":19.9,"paid":true,` +
	`"customer_email":"jan@example.nl","customer_mobile":""}`

// whMAC computes a signature here with crypto/hmac, not with the
// simulator's SignWebhook, so reader and simulator cannot share a mistake.
func whMAC(newHash func() hash.Hash, key string, body []byte) []byte {
	m := hmac.New(newHash, []byte(key))
	m.Write(body)
	return m.Sum(nil)
}

func whHex512(key, body string) string {
	return hex.EncodeToString(whMAC(sha512.New, key, []byte(body)))
}

func whCCVReader(t *testing.T, system string, scheme connectors.SignatureScheme, secrets ...string) connectors.WebhookReader {
	t.Helper()
	r, err := ccvshop.WebhookSupportFor(system).Reader(connectors.WebhookSettings{Secrets: secrets, Signature: scheme})
	require.NoError(t, err)
	return r
}

// whSigned is a delivery of body with header: value (none when value is
// "") and the ?event= of its subscription's address (none when "").
func whSigned(body, header, value, event string) connectors.WebhookDelivery {
	h := http.Header{}
	if value != "" {
		h.Set(header, value)
	}
	q := url.Values{}
	if event != "" {
		q.Set("event", event)
	}
	return connectors.WebhookDelivery{Header: h, Query: q, Body: []byte(body)}
}

// The default scheme (research's guess, §1.10): header x-hash, hex
// HMAC-SHA512 over the raw body with the subscription's key. Anything else
// is refused as auth (401) without echoing the key.
func TestWebhookReaderChecksTheDefaultSignature(t *testing.T) {
	r := whCCVReader(t, ccvshop.System, connectors.SignatureScheme{}, whKey)
	sig := whHex512(whKey, whPaidBody)

	ev, err := r.ReadWebhook(whSigned(whPaidBody, "x-hash", sig, ccvshop.EventOrderPaid))
	require.NoError(t, err)
	assert.Equal(t, ccvshop.EventOrderPaid, ev.Type)
	_, err = r.ReadWebhook(whSigned(whPaidBody, "X-Hash", strings.ToUpper(sig), ccvshop.EventOrderPaid))
	assert.NoError(t, err, "header name and hex case do not matter")

	changed := []byte(whPaidBody)
	changed[strings.Index(whPaidBody, "jan@")] = 'J' // one byte of the e-mail
	for name, d := range map[string]connectors.WebhookDelivery{
		"other key":                   whSigned(whPaidBody, "x-hash", whHex512("another key", whPaidBody), ""),
		"missing header":              whSigned(whPaidBody, "x-hash", "", ""),
		"non-hex header":              whSigned(whPaidBody, "x-hash", strings.Repeat("zz", 64), ""),
		"body changed by one byte":    whSigned(string(changed), "x-hash", sig, ""),
		"sha256 instead of sha512":    whSigned(whPaidBody, "x-hash", hex.EncodeToString(whMAC(sha256.New, whKey, []byte(whPaidBody))), ""),
		"signature in another header": whSigned(whPaidBody, "x-signature", sig, ""),
	} {
		_, err := r.ReadWebhook(d)
		require.Error(t, err, name)
		assert.Equal(t, connectors.KindAuth, connectors.KindOf(err), "%s: %v", name, err)
		assert.NotContains(t, err.Error(), whKey, name)
	}
}

// CCV's scheme is unconfirmed, so webhooks.signature may name another one:
// the reader then checks that scheme and no longer the default.
func TestWebhookReaderTakesTheConfiguredScheme(t *testing.T) {
	alt := connectors.SignatureScheme{Header: "X-Webhook-Signature", Hash: "sha256", Encoding: "base64"}
	r := whCCVReader(t, ccvshop.System, alt, whKey)
	altSig := base64.StdEncoding.EncodeToString(whMAC(sha256.New, whKey, []byte(whPaidBody)))
	_, err := r.ReadWebhook(whSigned(whPaidBody, "X-Webhook-Signature", altSig, ccvshop.EventOrderPaid))
	require.NoError(t, err)
	_, err = r.ReadWebhook(whSigned(whPaidBody, "x-hash", whHex512(whKey, whPaidBody), ccvshop.EventOrderPaid))
	assert.Equal(t, connectors.KindAuth, connectors.KindOf(err), "the default no longer verifies: %v", err)

	// A partial override keeps the default's other fields.
	r = whCCVReader(t, ccvshop.System, connectors.SignatureScheme{Header: "X-Other"}, whKey)
	_, err = r.ReadWebhook(whSigned(whPaidBody, "X-Other", whHex512(whKey, whPaidBody), ""))
	assert.NoError(t, err, "hex HMAC-SHA512, in another header")

	for name, s := range map[string]connectors.WebhookSettings{
		"bad hash":     {Secrets: []string{whKey}, Signature: connectors.SignatureScheme{Hash: "md5"}},
		"bad encoding": {Secrets: []string{whKey}, Signature: connectors.SignatureScheme{Encoding: "base32"}},
		"no keys":      {},
	} {
		_, err := ccvshop.WebhookSupportFor(ccvshop.System).Reader(s)
		require.Error(t, err, name)
		assert.Equal(t, connectors.KindConfig, connectors.KindOf(err), "%s: %v", name, err)
	}
}

// Each subscription has its own key, and the receiver holds them all: a
// delivery signed with any one of them is accepted.
func TestWebhookReaderAcceptsAnyOfSeveralKeys(t *testing.T) {
	keys := []string{"key-orders-created", "key-orders-paid", "key-products"}
	r := whCCVReader(t, ccvshop.System, connectors.SignatureScheme{}, keys...)
	for _, k := range keys {
		_, err := r.ReadWebhook(whSigned(whPaidBody, "x-hash", whHex512(k, whPaidBody), ""))
		assert.NoError(t, err, k)
	}
	_, err := r.ReadWebhook(whSigned(whPaidBody, "x-hash", whHex512("key-not-configured", whPaidBody), ""))
	assert.Equal(t, connectors.KindAuth, connectors.KindOf(err), "%v", err)
}

// A delivery carries no event name: the subscription's ?event= names it,
// and where that is missing (a subscription made by hand) the payload's
// fields do. The subject and id decide which flow the receiver starts.
func TestWebhookReaderNamesTheEvent(t *testing.T) {
	r := whCCVReader(t, ccvshop.System, connectors.SignatureScheme{}, whKey)
	read := func(body, event string) (connectors.WebhookEvent, error) {
		return r.ReadWebhook(whSigned(body, "x-hash", whHex512(whKey, body), event))
	}
	for _, tc := range []struct {
		name, body, query string
		typ               string
		subject           connectors.WebhookSubject
		entity            string
	}{
		{"from ?event=", `{"id":1001,"order_number":1}`, ccvshop.EventOrderCreated, ccvshop.EventOrderCreated, connectors.WebhookOrder, "1001"},
		{"?event= wins over the fields", `{"id":1001,"paid":true}`, ccvshop.EventOrderStatus, ccvshop.EventOrderStatus, connectors.WebhookOrder, "1001"},
		{"paid", `{"id":1001,"order_number":1,"paid":true}`, "", ccvshop.EventOrderPaid, connectors.WebhookOrder, "1001"},
		{"paid false is still the paid event", `{"id":1001,"paid":false}`, "", ccvshop.EventOrderPaid, connectors.WebhookOrder, "1001"},
		{"status", `{"id":1001,"order_number":1,"previous_status":1,"status":5}`, "", ccvshop.EventOrderStatus, connectors.WebhookOrder, "1001"},
		{"order number only", `{"id":1001,"order_number":1}`, "", ccvshop.EventOrderCreated, connectors.WebhookOrder, "1001"},
		{"productnumber", `{"id":77,"productnumber":"MOK"}`, "", ccvshop.EventProductUpdated, connectors.WebhookProduct, "77"},
		{"products.created", `{"id":77,"productnumber":"MOK"}`, ccvshop.EventProductCreated, ccvshop.EventProductCreated, connectors.WebhookProduct, "77"},
		{"orders.deleted is no order to sync", `{"id":1001}`, "orders.deleted", "orders.deleted", connectors.WebhookOther, "1001"},
		{"categories are other", `{"id":5}`, "categories.updated", "categories.updated", connectors.WebhookOther, "5"},
	} {
		ev, err := read(tc.body, tc.query)
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.typ, ev.Type, tc.name)
		assert.Equal(t, tc.subject, ev.Subject, tc.name)
		assert.Equal(t, tc.entity, ev.EntityID, tc.name)
	}

	// Signed but unreadable: a validation error (400), not auth.
	for name, body := range map[string]string{
		"no JSON":              "id=1001",
		"order without an id":  `{"order_number":1,"paid":true}`,
		"triggered_at no time": `{"id":1001,"paid":true,"triggered_at":"yesterday"}`,
	} {
		_, err := read(body, "")
		require.Error(t, err, name)
		assert.Equal(t, connectors.KindValidation, connectors.KindOf(err), "%s: %v", name, err)
	}
}

// The payload has no event id: the digest of the body stands in, so a
// redelivery of the same body is recognised and another change is not.
func TestWebhookEventIDIsTheBodysDigest(t *testing.T) {
	r := whCCVReader(t, ccvshop.System, connectors.SignatureScheme{}, whKey)
	read := func(body string) connectors.WebhookEvent {
		ev, err := r.ReadWebhook(whSigned(body, "x-hash", whHex512(whKey, body), ccvshop.EventOrderPaid))
		require.NoError(t, err)
		return ev
	}
	first, again := read(whPaidBody), read(whPaidBody)
	sum := sha256.Sum256([]byte(whPaidBody))
	assert.Equal(t, "sha256:"+hex.EncodeToString(sum[:]), first.ID)
	assert.Equal(t, first.ID, again.ID, "a redelivery is the same event")
	other := read(strings.Replace(whPaidBody, "12:01:00", "12:02:00", 1))
	assert.NotEqual(t, first.ID, other.ID, "a later change of the same order is another event")
}

// triggered_at is when the change happened; the receiver refuses events
// older than its window by it, so its instant must be read exactly.
func TestWebhookReaderReadsTriggeredAt(t *testing.T) {
	r := whCCVReader(t, ccvshop.System, connectors.SignatureScheme{}, whKey)
	for body, want := range map[string]time.Time{
		whPaidBody: time.Date(2026, 5, 10, 12, 1, 0, 0, time.UTC),
		`{"id":1,"paid":true,"triggered_at":"2026-05-10T14:01:00+02:00"}`: time.Date(2026, 5, 10, 12, 1, 0, 0, time.UTC),
		`{"id":1,"paid":true}`: {},
	} {
		ev, err := r.ReadWebhook(whSigned(body, "x-hash", whHex512(whKey, body), ""))
		require.NoError(t, err, body)
		assert.True(t, want.Equal(ev.At), "%s: got %v, want %v", body, ev.At, want)
	}
}

// whHit is one delivery the receiver got.
type whHit struct {
	header http.Header
	query  url.Values
	body   []byte
}

// whSink keeps every delivery and answers 200; the test reads them after.
type whSink struct {
	mu   sync.Mutex
	hits []whHit
	url  string
}

func newWhSink(t *testing.T) *whSink {
	s := &whSink{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.hits = append(s.hits, whHit{header: r.Header.Clone(), query: r.URL.Query(), body: body})
		s.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	s.url = srv.URL + "/webhooks/shop"
	return s
}

func (s *whSink) take() []whHit {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.hits
	s.hits = nil
	return out
}

func (h whHit) delivery() connectors.WebhookDelivery {
	return connectors.WebhookDelivery{Header: h.header, Query: h.query, Body: h.body}
}

// keysByEvent maps each change's event to the key the shop made for it.
func keysByEvent(changes []connectors.WebhookChange) map[string]string {
	out := map[string]string{}
	for _, ch := range changes {
		out[ch.Event] = ch.Secret
	}
	return out
}

// ApplyWebhooks keeps one active subscription per event: it creates the
// missing ones with the shop's keys, switches an inactive one on rather
// than adding a second, leaves others' subscriptions alone, and applying
// again changes nothing.
func TestApplyWebhooksCreatesOnceAndSwitchesOn(t *testing.T) {
	f := newFixture(t, sim.Options{WebhookRetries: []time.Duration{}}, ccvshop.Config{})
	t.Cleanup(f.sim.Close)
	ctx := context.Background()
	sink := newWhSink(t)

	// Switched off earlier by the shop owner, for this receiver.
	off, err := f.sim.AddWebhook(ccvshop.EventOrderPaid, ccvshop.WebhookAddress(sink.url, ccvshop.EventOrderPaid), false)
	require.NoError(t, err)
	// Another integration's subscription: not ours to change.
	foreign, err := f.sim.AddWebhook(ccvshop.EventOrderCreated, "https://elsewhere.example.nl/hook", false)
	require.NoError(t, err)

	changes, err := f.client.ApplyWebhooks(ctx, sink.url, ccvshop.WebhookEvents)
	require.NoError(t, err)
	require.Len(t, changes, len(ccvshop.WebhookEvents))
	hooks := map[string]sim.Webhook{}
	for _, w := range f.sim.Webhooks() {
		hooks[w.ID] = w
	}
	require.Len(t, hooks, len(ccvshop.WebhookEvents)+1, "one per event, the switched-off one reused, plus the foreign one")
	seenKeys := map[string]bool{}
	for i, ch := range changes {
		assert.Equal(t, ccvshop.WebhookEvents[i], ch.Event, "in the order asked")
		w, found := hooks[ch.ID]
		require.True(t, found, "change %s names subscription %s", ch.Event, ch.ID)
		assert.Equal(t, ch.Event, w.Event)
		assert.Equal(t, ccvshop.WebhookAddress(sink.url, ch.Event), w.Address)
		assert.True(t, w.Active, ch.Event)
		require.NotEmpty(t, ch.Secret, ch.Event)
		assert.Equal(t, w.Key, ch.Secret, "the key the shop generated for %s", ch.Event)
		assert.False(t, seenKeys[ch.Secret])
		seenKeys[ch.Secret] = true
		if ch.Event == ccvshop.EventOrderPaid {
			assert.Equal(t, off.ID, ch.ID, "the inactive subscription is switched on, not duplicated")
			assert.NotContains(t, []string{"created", "unchanged"}, ch.Action)
		} else {
			assert.Equal(t, "created", ch.Action, ch.Event)
		}
	}
	assert.False(t, hooks[foreign.ID].Active, "another address's subscription is left alone")
	assert.Equal(t, foreign.Address, hooks[foreign.ID].Address)

	posts := f.sim.Served(ccvshop.OpCreateWebhook)
	again, err := f.client.ApplyWebhooks(ctx, sink.url, ccvshop.WebhookEvents)
	require.NoError(t, err)
	require.Len(t, again, len(changes))
	for i, ch := range again {
		assert.Equal(t, "unchanged", ch.Action, ch.Event)
		assert.Equal(t, changes[i].ID, ch.ID)
		assert.Equal(t, changes[i].Secret, ch.Secret, "the keys are handed out again, for a lost env file")
	}
	assert.Len(t, f.sim.Webhooks(), len(hooks), "applying twice creates nothing")
	assert.Equal(t, posts, f.sim.Served(ccvshop.OpCreateWebhook))
	assert.Equal(t, 1, f.sim.Served(ccvshop.OpUpdateWebhook), "only the one switch-on was a PATCH")

	// Switched off in the shop after applying: applying again switches it
	// back on with the same key, so the receiver's keys stay right.
	status := whPatch(t, f.url, changes[2].ID, `{"is_active":false}`)
	require.Equal(t, http.StatusNoContent, status)
	third, err := f.client.ApplyWebhooks(ctx, sink.url, ccvshop.WebhookEvents)
	require.NoError(t, err)
	require.Len(t, third, len(changes))
	for i, ch := range third {
		if i == 2 {
			assert.NotContains(t, []string{"created", "unchanged"}, ch.Action, ch.Event)
		} else {
			assert.Equal(t, "unchanged", ch.Action, ch.Event)
		}
		assert.Equal(t, changes[i].ID, ch.ID)
		assert.Equal(t, changes[i].Secret, ch.Secret)
	}
	for _, w := range f.sim.Webhooks() {
		assert.Equal(t, w.ID != foreign.ID, w.Active, "subscription %s (%s)", w.ID, w.Address)
	}
	assert.Len(t, f.sim.Webhooks(), len(hooks))
	assert.Equal(t, posts, f.sim.Served(ccvshop.OpCreateWebhook))
}

// whPatch changes a subscription as the shop owner would, through the
// shop's signed API, and returns the status.
func whPatch(t *testing.T, base, id, body string) int {
	t.Helper()
	uri := ccvshop.APIPath + "/webhooks/" + id + "/"
	date := time.Now().UTC().Format(time.RFC3339)
	req, err := http.NewRequest(http.MethodPatch, base+uri, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-public", pub)
	req.Header.Set("x-date", date)
	req.Header.Set("x-hash", ccvshop.Sign(pub, secret, http.MethodPatch, uri, body, date))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	return resp.StatusCode
}

func whOrder() model.Order {
	eur := func(c int64) model.Money { return model.NewMoney(c, "EUR") }
	return model.Order{Status: model.StatusProcessing, Currency: "EUR", PricesIncludeVAT: true,
		Customer: model.Customer{Kind: model.CustomerPerson, Email: "jan@example.nl", Person: model.Person{FirstName: "Jan", LastName: "Visser"}},
		Lines:    []model.OrderLine{{SKU: "MOK", Name: "Mok", Quantity: model.Pieces(2), UnitPrice: eur(995), UnitDiscount: eur(0), VAT: model.VATPercent(21)}},
		Total:    eur(1990)}
}

// whExpect is what a delivery was read as: its subject and entity id.
type whExpect struct{ subject, entity string }

// whCheckDeliveries reads every delivery the sink got with a reader of
// all the keys, and again with only its own subscription's key (the key
// ApplyWebhooks handed out for that event), and returns what was read by
// event.
func whCheckDeliveries(t *testing.T, system string, hits []whHit, keys map[string]string) map[string][]whExpect {
	t.Helper()
	var all []string
	for _, k := range keys {
		all = append(all, k)
	}
	reader := whCCVReader(t, system, connectors.SignatureScheme{}, all...)
	got := map[string][]whExpect{}
	for _, h := range hits {
		event := h.query.Get("event")
		ev, err := reader.ReadWebhook(h.delivery())
		require.NoError(t, err, "a delivery the shop signed verifies (%s)", event)
		assert.Equal(t, event, ev.Type)
		assert.True(t, strings.HasPrefix(ev.ID, "sha256:"), ev.ID)
		assert.WithinDuration(t, time.Now(), ev.At, time.Minute, "triggered_at is read")
		_, err = whCCVReader(t, system, connectors.SignatureScheme{}, keys[event]).ReadWebhook(h.delivery())
		assert.NoError(t, err, "%s is signed with the key ApplyWebhooks returned for it", event)
		got[event] = append(got[event], whExpect{string(ev.Subject), ev.EntityID})
	}
	return got
}

// End to end with the simulator: the subscriptions ApplyWebhooks makes
// receive the shop's signed deliveries, and the reader verifies each with
// the keys it returned and names the order or product, so the receiver
// and the shop agree on address, scheme and payload.
func TestWebhookDeliveriesFromTheSimulatorVerify(t *testing.T) {
	f := newFixture(t, sim.Options{WebhookRetries: []time.Duration{}}, ccvshop.Config{})
	t.Cleanup(f.sim.Close)
	sink := newWhSink(t)
	changes, err := f.client.ApplyWebhooks(context.Background(), sink.url, ccvshop.WebhookEvents)
	require.NoError(t, err)
	keys := keysByEvent(changes)

	id := f.sim.AddOrder(whOrder())
	require.NoError(t, f.sim.SetPaid(id, true))
	require.NoError(t, f.sim.SetStatus(id, model.StatusShipped))
	pid := f.sim.AddProduct(sim.Product{SKU: "MOK", Name: "Mok", Price: model.NewMoney(995, "EUR"), TaxTariff: "normal", Active: true,
		StockEnabled: true, Stock: model.Pieces(5), PackageID: 1})
	f.sim.WaitWebhooks()
	require.NoError(t, f.sim.SetProductStock("MOK", model.Pieces(2)))
	f.sim.WaitWebhooks()

	hits := sink.take()
	got := whCheckDeliveries(t, ccvshop.System, hits, keys)
	order, product := whExpect{"order", id}, whExpect{"product", pid}
	assert.Equal(t, map[string][]whExpect{
		ccvshop.EventOrderCreated:   {order},
		ccvshop.EventOrderPaid:      {order},
		ccvshop.EventOrderStatus:    {order},
		ccvshop.EventProductCreated: {product},
		ccvshop.EventProductUpdated: {product},
	}, got)

	// Without ?event= (a subscription made by hand) the payload's fields
	// still tell; a product's creation reads as an update, which starts
	// the same flow.
	var all []string
	for _, k := range keys {
		all = append(all, k)
	}
	bare := whCCVReader(t, ccvshop.System, connectors.SignatureScheme{}, all...)
	for _, h := range hits {
		sent := h.query.Get("event")
		h.query = url.Values{}
		ev, err := bare.ReadWebhook(h.delivery())
		require.NoError(t, err)
		want := sent
		if sent == ccvshop.EventProductCreated {
			want = ccvshop.EventProductUpdated
		}
		assert.Equal(t, want, ev.Type, "%s", h.body)
	}

	// A forged delivery of a real event is refused.
	events := f.sim.WebhookEvents()
	require.NotEmpty(t, events)
	require.NoError(t, f.sim.SendForgedWebhook(events[0], "forged key"))
	require.NoError(t, f.sim.SendForgedWebhook(events[0], ""))
	f.sim.WaitWebhooks()
	forged := sink.take()
	require.Len(t, forged, 2)
	reader := whCCVReader(t, ccvshop.System, connectors.SignatureScheme{}, keys[events[0].Event])
	for _, h := range forged {
		_, err := reader.ReadWebhook(h.delivery())
		assert.Equal(t, connectors.KindAuth, connectors.KindOf(err), "%v", err)
	}
}

// With another scheme on the shop (CCV's real one may differ), deliveries
// verify only once webhooks.signature names it.
func TestWebhookDeliveriesWithAnotherSchemeNeedTheSetting(t *testing.T) {
	f := newFixture(t, sim.Options{WebhookRetries: []time.Duration{},
		WebhookSignature: sim.WebhookSignature{Header: "X-Signature", Hash: "sha256", Encoding: "base64"}}, ccvshop.Config{})
	t.Cleanup(f.sim.Close)
	sink := newWhSink(t)
	changes, err := f.client.ApplyWebhooks(context.Background(), sink.url, []string{ccvshop.EventOrderCreated})
	require.NoError(t, err)
	require.Len(t, changes, 1)
	id := f.sim.AddOrder(whOrder())
	f.sim.WaitWebhooks()
	hits := sink.take()
	require.Len(t, hits, 1)

	_, err = whCCVReader(t, ccvshop.System, connectors.SignatureScheme{}, changes[0].Secret).ReadWebhook(hits[0].delivery())
	assert.Equal(t, connectors.KindAuth, connectors.KindOf(err), "the default scheme does not fit: %v", err)
	ev, err := whCCVReader(t, ccvshop.System, connectors.SignatureScheme{Header: "X-Signature", Hash: "sha256", Encoding: "base64"},
		changes[0].Secret).ReadWebhook(hits[0].delivery())
	require.NoError(t, err)
	assert.Equal(t, id, ev.EntityID)
}

// SalesPOS shares the /webhooks/ resource (research §4 [A]): the SalesPOS
// client registers through its own media type and a sale rung up at a
// till arrives as an order event its reader verifies, errors naming
// salespos.
func TestSalesPOSWebhooksVerify(t *testing.T) {
	pos := sim.New(sim.Options{PublicKey: pub, SecretKey: secret, SalesPOS: true, WebhookRetries: []time.Duration{}})
	t.Cleanup(pos.Close)
	srv := httptest.NewServer(pos)
	t.Cleanup(srv.Close)
	c, err := salespos.New(salespos.Config{Config: ccvshop.Config{BaseURL: srv.URL, PublicKey: pub, SecretKey: secret, ReadsPerMinute: -1}})
	require.NoError(t, err)
	sink := newWhSink(t)
	events := ccvshop.WebhookSupportFor(salespos.System).Events
	changes, err := c.ApplyWebhooks(context.Background(), sink.url, events)
	require.NoError(t, err)
	require.Len(t, changes, len(events))
	assert.Len(t, pos.Webhooks(), len(events))

	id := pos.AddSale(sim.Sale{Order: whOrder(), RegisterID: 1, StoreID: 1})
	pos.WaitWebhooks()
	hits := sink.take()
	got := whCheckDeliveries(t, salespos.System, hits, keysByEvent(changes))
	assert.Equal(t, map[string][]whExpect{ccvshop.EventOrderCreated: {{"order", id}}}, got)

	require.NotEmpty(t, hits)
	_, err = whCCVReader(t, salespos.System, connectors.SignatureScheme{}, "not a key").ReadWebhook(hits[0].delivery())
	var ce *connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, connectors.KindAuth, ce.Kind)
	assert.Equal(t, salespos.System, ce.System)
}

// A receiver that moved (a new publicURL) keeps its subscriptions: applying
// with the new address points them there, with their keys, and adds none.
func TestApplyWebhooksMovesSubscriptionsToANewAddress(t *testing.T) {
	f := newFixture(t, sim.Options{WebhookRetries: []time.Duration{}}, ccvshop.Config{})
	t.Cleanup(f.sim.Close)
	ctx := context.Background()
	first, err := f.client.ApplyWebhooks(ctx, "https://old.example.nl/webhooks/shop", ccvshop.WebhookEvents)
	require.NoError(t, err)
	posts := f.sim.Served(ccvshop.OpCreateWebhook)
	moved, err := f.client.ApplyWebhooks(ctx, "https://hooks.example.nl/webhooks/shop", ccvshop.WebhookEvents)
	require.NoError(t, err)
	for i, ch := range moved {
		assert.Equal(t, "moved", ch.Action, ch.Event)
		assert.Equal(t, first[i].ID, ch.ID)
		assert.Equal(t, first[i].Secret, ch.Secret)
	}
	assert.Equal(t, posts, f.sim.Served(ccvshop.OpCreateWebhook), "nothing created")
	for _, w := range f.sim.Webhooks() {
		assert.Equal(t, ccvshop.WebhookAddress("https://hooks.example.nl/webhooks/shop", w.Event), w.Address)
	}
	other, err := f.client.ApplyWebhooks(ctx, "https://hooks.example.nl/webhooks/other", ccvshop.WebhookEvents[:1])
	require.NoError(t, err)
	assert.Equal(t, "created", other[0].Action, "another integration's route is another subscription")
}
