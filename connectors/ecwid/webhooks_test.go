package ecwid_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/ecwid"
	"github.com/koppel/koppel/connectors/ecwid/sim"
)

// The worked example of research §3.9.
const (
	exampleSecret    = "client_secret_demo"
	exampleCreated   = 1714541188
	exampleEventID   = "80aece08-40e8-4145-8764-6c2f0d38678"
	exampleSignature = "8TnJQEaFASJHjmMeyUYSQaVlZkFtV/B+meCDfYgsolE="
)

// whReader is the reader a receiver builds from the configured secrets.
func whReader(t *testing.T, secrets ...string) connectors.WebhookReader {
	t.Helper()
	r, err := ecwid.Webhooks.Reader(connectors.WebhookSettings{Secrets: secrets})
	require.NoError(t, err)
	return r
}

// whSign signs like Ecwid, computed here and not by the simulator, so a
// reader and simulator that agree on a wrong scheme still fail.
func whSign(secret string, created int64, eventID string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(created, 10) + "." + eventID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// whDelivery is a delivery with a body and, unless "", a signature.
func whDelivery(body, signature string) connectors.WebhookDelivery {
	h := http.Header{}
	if signature != "" {
		h.Set(ecwid.WebhookSignatureHeader, signature)
	}
	return connectors.WebhookDelivery{Header: h, Body: []byte(body)}
}

func whBody(eventID string, created int64, eventType, entityID, data string) string {
	b := fmt.Sprintf(`{"eventId":%q,"eventCreated":%d,"storeId":1003,"entityId":%s,"eventType":%q`, eventID, created, entityID, eventType)
	if data != "" {
		b += `,"data":` + data
	}
	return b + "}"
}

// The research's worked example is the ground truth of the scheme: a
// reader that rejects it rejects every real delivery.
func TestWebhookReaderVerifiesTheResearchExample(t *testing.T) {
	assert.Equal(t, exampleSignature, whSign(exampleSecret, exampleCreated, exampleEventID), "the test's own signer matches the example")
	body := whBody(exampleEventID, exampleCreated, "order.updated", "123", `{"orderId":"XJ12H","newPaymentStatus":"PAID"}`)
	ev, err := whReader(t, exampleSecret).ReadWebhook(whDelivery(body, exampleSignature))
	require.NoError(t, err)
	assert.Equal(t, connectors.WebhookEvent{ID: exampleEventID, Type: "order.updated", Subject: connectors.WebhookOrder,
		EntityID: "XJ12H", At: time.Unix(exampleCreated, 0).UTC()}, ev)

	// Any one of several secrets (an app's secret being rotated) will do.
	_, err = whReader(t, "old_secret", exampleSecret).ReadWebhook(whDelivery(body, exampleSignature))
	assert.NoError(t, err)
}

// Only eventCreated and eventId are signed: changing either, or signing
// with another secret, or sending no signature must be refused as auth
// (401), never read as an event; and the message names neither secret.
func TestWebhookReaderRefusesForgeries(t *testing.T) {
	r := whReader(t, exampleSecret)
	good := whBody(exampleEventID, exampleCreated, "order.updated", "123", `{"orderId":"XJ12H"}`)
	for name, d := range map[string]connectors.WebhookDelivery{
		"wrong secret":        whDelivery(good, whSign("another_secret", exampleCreated, exampleEventID)),
		"missing header":      whDelivery(good, ""),
		"signature no base64": whDelivery(good, "!!not base64!!"),
		"tampered eventId":    whDelivery(whBody(exampleEventID[:len(exampleEventID)-1]+"9", exampleCreated, "order.updated", "123", `{"orderId":"XJ12H"}`), exampleSignature),
		"tampered eventCreated": whDelivery(whBody(exampleEventID, exampleCreated+1, "order.updated", "123", `{"orderId":"XJ12H"}`),
			exampleSignature),
		"no eventId":      whDelivery(`{"eventCreated":1714541188,"eventType":"order.updated","data":{"orderId":"XJ12H"}}`, exampleSignature),
		"no eventCreated": whDelivery(`{"eventId":"80aece08-40e8-4145-8764-6c2f0d38678","eventType":"order.updated"}`, exampleSignature),
	} {
		_, err := r.ReadWebhook(d)
		require.Error(t, err, name)
		assert.Equal(t, connectors.KindAuth, connectors.KindOf(err), "%s: %v", name, err)
		assert.NotContains(t, err.Error(), exampleSecret, name)
	}
}

// A body that is no JSON cannot be an Ecwid event: a validation error
// (400), not an auth one, so it is not mistaken for an attack.
func TestWebhookReaderRefusesABodyThatIsNoJSON(t *testing.T) {
	for _, body := range []string{"", "eventId=1", `{"eventId":`} {
		_, err := whReader(t, exampleSecret).ReadWebhook(whDelivery(body, exampleSignature))
		require.Error(t, err, "%q", body)
		assert.Equal(t, connectors.KindValidation, connectors.KindOf(err), "%q: %v", body, err)
	}
}

// The subject and entity id decide what the receiver starts: an order's
// workflow by data.orderId (what GetOrder takes), a product flow's nudge,
// or nothing for events no flow acts on. entityId comes as a number or a
// string depending on the store's age.
func TestWebhookReaderNamesSubjectAndEntity(t *testing.T) {
	r := whReader(t, exampleSecret)
	for _, tc := range []struct {
		name, eventType, entityID, data string
		subject                         connectors.WebhookSubject
		entity                          string
	}{
		{"order created", "order.created", "123", `{"orderId":"XJ12H"}`, connectors.WebhookOrder, "XJ12H"},
		{"order updated, numeric entity", "order.updated", "123", `{"orderId":"XJ12H","oldPaymentStatus":"AWAITING_PAYMENT","newPaymentStatus":"PAID"}`, connectors.WebhookOrder, "XJ12H"},
		{"order updated, string entity", "order.updated", `"123"`, `{"orderId":"XJ12H"}`, connectors.WebhookOrder, "XJ12H"},
		{"order id as a number", "order.updated", "123", `{"orderId":456}`, connectors.WebhookOrder, "456"},
		{"order without data: entityId", "order.updated", `"777"`, "", connectors.WebhookOrder, "777"},
		{"product updated", "product.updated", "98765", "", connectors.WebhookProduct, "98765"},
		{"product created, string id", "product.created", `"98765"`, "", connectors.WebhookProduct, "98765"},
		{"unfinished order created", "unfinished_order.created", "-1", `{"orderId":"UNF1"}`, connectors.WebhookOther, ""},
		{"unfinished order updated", "unfinished_order.updated", "-1", `{"orderId":"UNF1"}`, connectors.WebhookOther, ""},
		{"category updated", "category.updated", "55", "", connectors.WebhookOther, ""},
		{"category created", "category.created", "55", "", connectors.WebhookOther, ""},
	} {
		ev, err := r.ReadWebhook(whDelivery(whBody(exampleEventID, exampleCreated, tc.eventType, tc.entityID, tc.data), exampleSignature))
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.eventType, ev.Type, tc.name)
		assert.Equal(t, tc.subject, ev.Subject, tc.name)
		assert.Equal(t, tc.entity, ev.EntityID, tc.name)
	}
}

// A receiver with no secret would accept nothing: building it is a config
// error, so the worker refuses to start instead of answering 401 forever.
func TestWebhookReaderNeedsASecret(t *testing.T) {
	for _, secrets := range [][]string{nil, {}} {
		_, err := ecwid.Webhooks.Reader(connectors.WebhookSettings{Secrets: secrets})
		require.Error(t, err)
		assert.Equal(t, connectors.KindConfig, connectors.KindOf(err), "%v", err)
	}
}

// whReceived is what the test receiver made of one delivery.
type whReceived struct {
	query string // ?eventtype=
	ev    connectors.WebhookEvent
	err   error
}

// whReceiver reads every delivery with the client's reader and answers as
// the worker does: 200 for an event it read, 401 otherwise.
type whReceiver struct {
	r   connectors.WebhookReader
	mu  sync.Mutex
	got []whReceived
}

func (rc *whReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	ev, err := rc.r.ReadWebhook(connectors.WebhookDelivery{Header: req.Header, Query: req.URL.Query(), Body: body})
	rc.mu.Lock()
	rc.got = append(rc.got, whReceived{query: req.URL.Query().Get("eventtype"), ev: ev, err: err})
	rc.mu.Unlock()
	if err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (rc *whReceiver) take() []whReceived {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := rc.got
	rc.got = nil
	return out
}

// The simulator sends what a real store sends: if the reader and the
// simulator disagreed on the scheme, every delivery below would be 401.
// A paid order and a stock change arrive as order and product events that
// name the records; forged deliveries are refused.
func TestWebhooksFromTheSimulatorVerify(t *testing.T) {
	const secret = "client_secret_e2e"
	rc := &whReceiver{r: whReader(t, secret)}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	store := sim.New(sim.Options{Webhooks: &sim.WebhookOptions{URL: srv.URL + "/webhooks/shop", ClientSecret: secret,
		Retries: []time.Duration{}}}) // no retries: each delivery is seen once
	t.Cleanup(store.Close)

	pid, err := store.AddProduct(sim.Product{SKU: "MUG", Name: "Mok", Price: 800, Enabled: true, Quantity: 10})
	require.NoError(t, err)
	store.WaitWebhooks()
	created := rc.take()
	require.Len(t, created, 1)
	require.NoError(t, created[0].err)
	assert.Equal(t, connectors.WebhookProduct, created[0].ev.Subject)
	assert.Equal(t, strconv.FormatInt(pid, 10), created[0].ev.EntityID)

	oid, err := store.PlaceOrder(sim.Order{Email: "jan@example.nl", PaymentStatus: "PAID", Items: []sim.OrderItem{{SKU: "MUG", Quantity: 2}}})
	require.NoError(t, err)
	require.NoError(t, store.SetOrderStatus(oid, "", "SHIPPED"))
	require.NoError(t, store.SetStock("MUG", 3))
	store.WaitWebhooks()

	got := rc.take()
	require.NotEmpty(t, got)
	orders, products := map[string]int{}, 0
	ids := map[string]bool{}
	for _, g := range got {
		require.NoError(t, g.err, "a delivery the simulator signed with the client secret verifies (%s)", g.query)
		assert.Equal(t, g.query, g.ev.Type, "the body's eventType is the one in ?eventtype")
		assert.False(t, ids[g.ev.ID], "every event has its own id")
		ids[g.ev.ID] = true
		assert.WithinDuration(t, time.Now(), g.ev.At, time.Minute)
		switch g.ev.Subject {
		case connectors.WebhookOrder:
			assert.Equal(t, oid, g.ev.EntityID, "the order's id, as GetOrder takes it")
			orders[g.ev.Type]++
		case connectors.WebhookProduct:
			assert.Equal(t, strconv.FormatInt(pid, 10), g.ev.EntityID)
			assert.Equal(t, "product.updated", g.ev.Type)
			products++
		default:
			t.Errorf("unexpected %s event %s", g.ev.Subject, g.ev.Type)
		}
	}
	assert.Equal(t, map[string]int{"order.created": 1, "order.updated": 1}, orders)
	assert.Equal(t, 2, products, "the sale and SetStock each change the stock")

	// Forged: signed with another secret, or not signed at all.
	events := store.WebhookEvents()
	require.NotEmpty(t, events)
	last := events[len(events)-1]
	require.NoError(t, store.SendForgedWebhook(last, "not_the_client_secret"))
	require.NoError(t, store.SendForgedWebhook(last, ""))
	store.WaitWebhooks()
	forged := rc.take()
	require.Len(t, forged, 2)
	for _, g := range forged {
		require.Error(t, g.err)
		assert.Equal(t, connectors.KindAuth, connectors.KindOf(g.err), "%v", g.err)
	}
	deliveries := store.WebhookDeliveries()
	require.GreaterOrEqual(t, len(deliveries), 2)
	for _, d := range deliveries[len(deliveries)-2:] {
		assert.Equal(t, http.StatusUnauthorized, d.Status, "the store sees the forgeries refused")
	}
}
