package sim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/koppel/koppel/connectors/ecwid/sim"
)

// The worked example of research §3.9.
func TestWebhookSignature(t *testing.T) {
	assert.Equal(t, "8TnJQEaFASJHjmMeyUYSQaVlZkFtV/B+meCDfYgsolE=",
		sim.Sign("client_secret_demo", 1714541188, "80aece08-40e8-4145-8764-6c2f0d38678"))
}

const secret = "client_secret_test"

// receiver is an app's webhook endpoint: it checks signatures and answers
// the statuses it is told to, then 200.
type receiver struct {
	mu       sync.Mutex
	fail     int // answer 500 to this many deliveries first
	received []received
}

type received struct {
	event     sim.Event
	eventType string // the ?eventtype parameter
	signed    bool   // the signature header is present
	valid     bool   // and right
	status    int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var ev sim.Event
	_ = json.Unmarshal(body, &ev)
	sig := r.Header.Get(sim.SignatureHeader)
	rec := received{event: ev, eventType: r.URL.Query().Get("eventtype"), signed: sig != "",
		valid: sig == sim.Sign(secret, ev.EventCreated, ev.EventID), status: http.StatusOK}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if !rec.valid {
		rec.status = http.StatusUnauthorized
	} else if rc.fail > 0 {
		rc.fail--
		rec.status = http.StatusInternalServerError
	}
	rc.received = append(rc.received, rec)
	w.WriteHeader(rec.status)
}

func (rc *receiver) all() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.received...)
}

func newHookedStore(t *testing.T, rc *receiver, retries []time.Duration) *store {
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return newStore(t, sim.Options{Webhooks: &sim.WebhookOptions{URL: srv.URL + "/hooks", ClientSecret: secret, Retries: retries}})
}

func TestWebhookDeliveryAndRetries(t *testing.T) {
	rc := &receiver{fail: 2}
	st := newHookedStore(t, rc, []time.Duration{5 * time.Millisecond, 5 * time.Millisecond, 5 * time.Millisecond})
	var created struct {
		ID      int64
		OrderID string `json:"orderid"`
	}
	st.ok(http.MethodPost, "/orders", validOrder(), &created)
	st.sim.WaitWebhooks()

	got := rc.all()
	require.Len(t, got, 3, "two failures, then delivered")
	for _, r := range got {
		assert.True(t, r.valid, "signed with the client secret")
		assert.Equal(t, "order.created", r.eventType)
	}
	ev := got[2].event
	assert.Equal(t, got[0].event, ev, "a retry sends the same event")
	assert.Equal(t, "order.created", ev.EventType)
	assert.EqualValues(t, 1003, ev.StoreID)
	assert.Equal(t, created.ID, ev.EntityID)
	assert.Equal(t, st.clock().Unix(), ev.EventCreated)
	require.NotNil(t, ev.Data)
	assert.Equal(t, created.OrderID, ev.Data.OrderID)
	assert.Equal(t, "PAID", ev.Data.NewPaymentStatus)
	deliveries := st.sim.WebhookDeliveries()
	require.Len(t, deliveries, 3)
	assert.Equal(t, []int{500, 500, 200}, []int{deliveries[0].Status, deliveries[1].Status, deliveries[2].Status})
	assert.Equal(t, 3, deliveries[2].Attempt)

	// A status change is order.updated with the old and new statuses; a
	// stock change is product.updated.
	st.ok(http.MethodPut, "/orders/"+created.OrderID, obj{"fulfillmentStatus": "SHIPPED"}, nil)
	pid := st.create("/products", obj{"sku": "P", "name": "P", "price": 1, "quantity": 1})
	require.NoError(t, st.sim.AdjustStock("P", -1))
	st.sim.WaitWebhooks()
	events := st.sim.WebhookEvents()
	require.Len(t, events, 4)
	assert.Equal(t, "order.updated", events[1].EventType)
	assert.Equal(t, &sim.EventData{OrderID: created.OrderID, OldPaymentStatus: "PAID", NewPaymentStatus: "PAID",
		OldFulfillmentStatus: "AWAITING_PROCESSING", NewFulfillmentStatus: "SHIPPED"}, events[1].Data)
	assert.Equal(t, "product.created", events[2].EventType)
	assert.Equal(t, "product.updated", events[3].EventType)
	assert.Equal(t, pid, events[3].EntityID)
	ids := map[string]bool{}
	for _, e := range events {
		ids[e.EventID] = true
	}
	assert.Len(t, ids, 4, "every event has its own id")
}

func TestWebhookGivesUpAfterTheSchedule(t *testing.T) {
	rc := &receiver{fail: 100}
	st := newHookedStore(t, rc, []time.Duration{time.Millisecond, time.Millisecond})
	_, err := st.sim.AddOrder(sim.Order{Email: "a@example.nl", Total: 1})
	require.NoError(t, err)
	st.sim.WaitWebhooks()
	assert.Len(t, rc.all(), 3, "the first try and one per retry")
	assert.Len(t, sim.DefaultRetrySchedule(), 4+23, "four more tries a quarter apart, then hourly until 24 h")
}

// Test hooks: held events sent out of order, a duplicate, a late one and
// forged ones.
func TestWebhookDisorder(t *testing.T) {
	rc := &receiver{}
	st := newHookedStore(t, rc, []time.Duration{})
	st.sim.HoldWebhooks(true)
	id, err := st.sim.AddOrder(sim.Order{Email: "a@example.nl", PaymentStatus: "AWAITING_PAYMENT", Total: 1})
	require.NoError(t, err)
	st.advance(time.Minute)
	require.NoError(t, st.sim.SetOrderStatus(id, "PAID", ""))
	st.sim.WaitWebhooks()
	assert.Empty(t, rc.all(), "held")
	held := st.sim.HeldWebhooks()
	require.Len(t, held, 2)
	assert.Empty(t, st.sim.HeldWebhooks(), "taken")
	st.sim.HoldWebhooks(false)

	// Out of order, then the first again (a duplicate, and late).
	for _, ev := range []sim.Event{held[1], held[0], held[0]} {
		require.NoError(t, st.sim.SendWebhook(ev))
		st.sim.WaitWebhooks()
	}
	require.NoError(t, st.sim.SendForgedWebhook(held[1], "another_secret"))
	st.sim.WaitWebhooks()
	require.NoError(t, st.sim.SendForgedWebhook(held[1], ""))
	st.sim.WaitWebhooks()

	got := rc.all()
	require.Len(t, got, 5)
	assert.Equal(t, "order.updated", got[0].event.EventType)
	assert.Equal(t, "order.created", got[1].event.EventType)
	assert.Equal(t, got[1].event.EventID, got[2].event.EventID, "the duplicate keeps its event id")
	for _, r := range got[:3] {
		assert.True(t, r.valid)
	}
	assert.True(t, got[3].signed)
	assert.False(t, got[3].valid, "signed with another secret")
	assert.False(t, got[4].signed, "unsigned")

	plain := newStore(t, sim.Options{})
	assert.Error(t, plain.sim.SendWebhook(held[0]), "a store without webhooks")
}

// Unfinished orders send unfinished_order.* and completing one places it.
func TestWebhookUnfinishedOrder(t *testing.T) {
	rc := &receiver{}
	st := newHookedStore(t, rc, nil)
	id, err := st.sim.AddOrder(sim.Order{Email: "a@example.nl", PaymentStatus: sim.Unfinished, Total: 1})
	require.NoError(t, err)
	require.NoError(t, st.sim.SetOrderStatus(id, "PAID", ""))
	st.sim.WaitWebhooks()
	events := st.sim.WebhookEvents()
	require.Len(t, events, 2)
	assert.Equal(t, "unfinished_order.created", events[0].EventType)
	assert.EqualValues(t, -1, events[0].EntityID)
	assert.Equal(t, "order.created", events[1].EventType)
}
