package worker_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/connectors/ccvshop"
	ccvsim "github.com/koppel/koppel/connectors/ccvshop/sim"
	"github.com/koppel/koppel/connectors/ecwid"
	ecwidsim "github.com/koppel/koppel/connectors/ecwid/sim"
	mplussim "github.com/koppel/koppel/connectors/mplus/sim"
	"github.com/koppel/koppel/connectors/simkit"
	"github.com/koppel/koppel/model"
	kworker "github.com/koppel/koppel/worker"
	"github.com/koppel/koppel/workflows"
)

const hookSecret = "e2e-ecwid-client-secret-5d1e"

// hookStack is an Ecwid store that sends its webhooks to our receiver, a
// SalesPOS till as the target, and no poll at all: whatever reaches the
// till came by webhook.
type hookStack struct {
	*stack
	store    *ecwidsim.Sim
	addr     string // the receiver's host:port
	server   *http.Server
	receiver *kworker.WebhookReceiver
	logCore  zapcore.Core
	logs     *observer.ObservedLogs // every line the receivers logged
}

// assertNoPersonalData checks the receivers' log lines, fields included,
// for what a delivery's body or the order holds about the buyer.
func (h *hookStack) assertNoPersonalData(t *testing.T, personal ...string) {
	t.Helper()
	require.NotZero(t, h.logs.Len(), "the receiver logged")
	for _, e := range h.logs.All() {
		line := e.Message + fmt.Sprint(e.ContextMap())
		for _, p := range personal {
			assert.NotContains(t, line, p, "a receiver log line")
		}
	}
}

func newHookStack(t *testing.T, o stackOptions) *hookStack {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	h := &hookStack{addr: ln.Addr().String()}
	o.source, o.target = "ecwid", "salespos"
	if len(o.integration) == 0 {
		o.integration = []string{"webhooks: {secret: E2E_HOOK_SECRET}"}
	}
	o.env = map[string]string{"E2E_HOOK_SECRET": hookSecret}
	o.sourceSim = func(c simkit.Config) simkit.Instance {
		store, _ := strconv.ParseInt(c.Credentials[ecwid.CredStoreID], 10, 64)
		h.store = ecwidsim.New(ecwidsim.Options{StoreID: store, RequestsPerMinute: -1,
			Tokens: map[string][]string{c.Credentials[ecwid.CredToken]: ecwidsim.AllScopes},
			Webhooks: &ecwidsim.WebhookOptions{URL: "http://" + h.addr + "/webhooks/shop", ClientSecret: hookSecret,
				Retries: []time.Duration{200 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second}}})
		t.Cleanup(h.store.Close)
		return h.store
	}
	h.stack = newStack(t, o)
	h.serve(t, ln)
	t.Cleanup(func() { h.stop(t) })
	seedEcwidCatalogue(t, h.store, []product{coffee, mug, filter})
	for _, p := range []product{coffee, mug, filter} {
		h.till().AddProduct(ccvsim.Product{SKU: p.sku, Name: p.name, Price: eurCents(p.cents), VAT: model.VATPercent(p.vat), Active: true})
	}
	return h
}

func (h *hookStack) till() *ccvsim.Sim { return h.target.(*ccvsim.Sim) }

// serve starts a receiver, as `koppel-worker webhooks` does, on ln.
func (h *hookStack) serve(t *testing.T, ln net.Listener) {
	t.Helper()
	if h.logs == nil {
		h.logCore, h.logs = observer.New(zap.DebugLevel)
	}
	recv, err := kworker.NewWebhookReceiver(h.file, func(k string) (string, bool) { v, ok := h.env[k]; return v, ok },
		h.client, kworker.WebhookOptions{TaskQueue: h.taskQueue, MaxBody: 64 << 10, Log: zap.New(h.logCore)})
	require.NoError(t, err)
	h.receiver = recv
	srv := &http.Server{Handler: recv, ReadHeaderTimeout: 5 * time.Second}
	h.server = srv
	go func() { _ = srv.Serve(ln) }() // srv, not h.server: a restart replaces that
}

// stop shuts the receiver down the way SIGTERM does: deliveries under way
// finish and are answered.
func (h *hookStack) stop(t *testing.T) {
	if h.server == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, h.server.Shutdown(ctx))
	h.receiver.Close()
	h.server = nil
}

// restart stops the receiver and starts a new one on the same address.
func (h *hookStack) restart(t *testing.T, gap time.Duration) {
	h.stop(t)
	time.Sleep(gap)
	ln, err := net.Listen("tcp", h.addr)
	require.NoError(t, err)
	h.serve(t, ln)
}

// post sends a raw delivery to the receiver and returns its status.
func (h *hookStack) post(t *testing.T, body []byte, header http.Header) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+h.addr+"/webhooks/shop", bytes.NewReader(body))
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	return resp.StatusCode
}

// exists reports whether a workflow with that id was ever started.
func (h *hookStack) exists(t *testing.T, id string) bool {
	t.Helper()
	_, err := h.client.DescribeWorkflowExecution(context.Background(), id, "")
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return false
	}
	require.NoError(t, err)
	return true
}

// hintResult waits for the last run of an order's hint workflow.
func (h *hookStack) hintResult(t *testing.T, orderID string) workflows.OrderHintResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	id := workflows.OrderHintWorkflowID("shop", orderID)
	require.Eventually(t, func() bool { return h.exists(t, id) }, 30*time.Second, 50*time.Millisecond, "no hint for %s", orderID)
	var r workflows.OrderHintResult
	require.NoError(t, h.client.GetWorkflow(ctx, id, "").Get(ctx, &r))
	return r
}

// tillOrders waits until the till holds want orders for the store's order
// (or the time is up) and returns how many it holds.
func (h *hookStack) tillOrders(orderID string, want int, within time.Duration) int {
	deadline := time.Now().Add(within)
	for {
		n := len(h.till().OrdersByReservation("shop-" + orderID))
		if n >= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (h *hookStack) placePaid(t *testing.T, pay string) string {
	t.Helper()
	buyer := ecwidsim.Person{Name: "Jan Visser", Street: "Dorpsstraat 12", City: "Ergenshuizen", PostalCode: "1234 AB", CountryCode: "NL"}
	id, err := h.store.PlaceOrder(ecwidsim.Order{Email: "jan.visser@example.nl", PaymentStatus: pay, FulfillmentStatus: "AWAITING_PROCESSING",
		PaymentMethod: "iDEAL", BillingPerson: &buyer, ShippingPerson: &buyer,
		Items: []ecwidsim.OrderItem{{SKU: coffee.sku, Quantity: 1}}})
	require.NoError(t, err)
	return id
}

// A paid order reaches the till by webhook alone; an unpaid one starts
// nothing that writes until its payment's event; a duplicate, a late
// redelivery and events out of order add nothing; forged, unsigned, stale
// and oversized deliveries are refused with nothing started.
func TestWebhooksBringPaidOrders(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	h := newHookStack(t, stackOptions{})

	paid := h.placePaid(t, "PAID")
	require.Equal(t, 1, h.tillOrders(paid, 1, 30*time.Second), "the paid order reached the till by its webhook")
	assert.True(t, h.hintResult(t, paid).Started)

	unpaid := h.placePaid(t, "AWAITING_PAYMENT")
	h.store.WaitWebhooks()
	r := h.hintResult(t, unpaid)
	assert.Equal(t, "waiting", r.State, "%+v", r)
	assert.False(t, h.exists(t, workflows.OrderWorkflowID("shop", unpaid)), "an unpaid order starts no order workflow")
	assert.Zero(t, h.tillOrders(unpaid, 1, 0))
	require.NoError(t, h.store.SetOrderStatus(unpaid, "PAID", ""))
	require.Equal(t, 1, h.tillOrders(unpaid, 1, 30*time.Second), "its payment's event brings it")

	// Every event again, in reverse order: duplicates and out of order.
	events := h.store.WebhookEvents()
	before := len(h.store.WebhookDeliveries())
	for i := len(events) - 1; i >= 0; i-- {
		require.NoError(t, h.store.SendWebhook(events[i]))
	}
	h.store.WaitWebhooks()
	for _, d := range h.store.WebhookDeliveries()[before:] {
		assert.Equal(t, http.StatusOK, d.Status, "a redelivery is acknowledged (%s)", d.EventType)
	}
	desc, err := h.client.DescribeWorkflowExecution(context.Background(), workflows.OrderWorkflowID("shop", paid), "")
	require.NoError(t, err)
	first := desc.WorkflowExecutionInfo.Execution.RunId
	time.Sleep(time.Second)
	desc, err = h.client.DescribeWorkflowExecution(context.Background(), workflows.OrderWorkflowID("shop", paid), "")
	require.NoError(t, err)
	assert.Equal(t, first, desc.WorkflowExecutionInfo.Execution.RunId, "no second run of the order")
	assert.Equal(t, 1, h.tillOrders(paid, 2, 0), "still once in the till")
	assert.Equal(t, 1, h.tillOrders(unpaid, 2, 0), "still once in the till")

	// Refused deliveries: each about a paid order nobody announced yet.
	held := h.placePaidHeld(t)
	ev := held
	ev.EventID = "forged-" + ev.EventID
	require.NoError(t, h.store.SendForgedWebhook(ev, "not-the-secret"))
	ev.EventID = "unsigned-" + held.EventID
	require.NoError(t, h.store.SendForgedWebhook(ev, ""))
	ev.EventID = "stale-" + held.EventID
	ev.EventCreated = time.Now().Add(-2 * time.Hour).Unix()
	require.NoError(t, h.store.SendWebhook(ev))
	h.store.WaitWebhooks()
	refused := map[string]int{}
	for _, d := range h.store.WebhookDeliveries() {
		if strings.Contains(d.EventID, held.EventID) && d.EventID != held.EventID {
			refused[strings.SplitN(d.EventID, "-", 2)[0]] = d.Status
		}
	}
	assert.Equal(t, map[string]int{"forged": 401, "unsigned": 401, "stale": 401}, refused)
	big := bytes.Repeat([]byte(" "), 65<<10)
	assert.Equal(t, http.StatusRequestEntityTooLarge, h.post(t, big, nil))
	assert.Equal(t, http.StatusUnauthorized, h.post(t, []byte(`{"eventId":"x","eventCreated":1,"eventType":"order.created"}`), nil))
	heldOrder := held.Data.OrderID
	assert.False(t, h.exists(t, workflows.OrderHintWorkflowID("shop", heldOrder)), "a refused delivery starts nothing")
	assert.False(t, h.exists(t, workflows.OrderWorkflowID("shop", heldOrder)))
	assert.Zero(t, h.tillOrders(heldOrder, 1, 0))
	h.assertNoPersonalData(t, "jan.visser@example.nl", "Visser", "Dorpsstraat", hookSecret)
}

// placePaidHeld places a paid order whose event the store keeps back.
func (h *hookStack) placePaidHeld(t *testing.T) ecwidsim.Event {
	t.Helper()
	h.store.HoldWebhooks(true)
	defer h.store.HoldWebhooks(false)
	id := h.placePaid(t, "PAID")
	for _, ev := range h.store.HeldWebhooks() {
		if ev.Data != nil && ev.Data.OrderID == id {
			return ev
		}
	}
	t.Fatalf("no event held for order %s", id)
	return ecwidsim.Event{}
}

// The receiver is stopped and started again while a burst of paid orders
// is being announced: every event the store saw acknowledged has its order
// in the till, and the ones it retried arrive too — each once.
func TestWebhookReceiverRestartLosesNoAcknowledgedEvent(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	h := newHookStack(t, stackOptions{})
	var ids []string
	for i := 0; i < 40; i++ {
		ids = append(ids, h.placePaid(t, "PAID"))
		if i == 20 {
			h.restart(t, 300*time.Millisecond)
		}
	}
	h.store.WaitWebhooks()
	acked := map[string]bool{}
	for _, d := range h.store.WebhookDeliveries() {
		if d.Status == http.StatusOK {
			acked[d.EventID] = true
		}
	}
	for _, ev := range h.store.WebhookEvents() {
		if ev.Data == nil || !acked[ev.EventID] {
			continue
		}
		// The till takes 100 writes a minute: wait for the order's workflow.
		require.True(t, h.hintResult(t, ev.Data.OrderID).Started, "order %s", ev.Data.OrderID)
		r, err := h.orderResult(ev.Data.OrderID)
		require.NoError(t, err, "order %s: acknowledged, so its workflow ran", ev.Data.OrderID)
		assert.Equal(t, workflows.OrderCreated, r.Outcome, "%s: %s", ev.Data.OrderID, r.Message)
	}
	for _, id := range ids {
		_, err := h.orderResult(id)
		require.NoError(t, err, "order %s: retried by the store until taken", id)
		assert.Equal(t, 1, h.tillOrders(id, 2, 0), "order %s once in the till", id)
	}
}

// A burst of 1,000 product events makes a bounded number of catalog runs:
// triggers are coalesced, and a schedule buffers one run behind a running one.
func TestWebhookProductBurstMakesFewCatalogRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	h := newHookStack(t, stackOptions{noOrders: true, targetOptions: `{packageId: "1", pricesIncludeVat: "true"}`,
		catalogFlows: []string{`products: {interval: 1h, updateProductInfo: true}`}})
	ctx := context.Background()
	_, err := kworker.ApplySchedules(ctx, h.client, h.file, h.taskQueue)
	require.NoError(t, err)
	p, ok := h.store.ProductBySKU(coffee.sku)
	require.True(t, ok)
	base := time.Now().Unix()
	for i := 0; i < 1000; i++ {
		require.NoError(t, h.store.SendWebhook(ecwidsim.Event{EventID: "burst-" + strconv.Itoa(i), EventCreated: base,
			StoreID: h.store.StoreID(), EntityID: p.ID, EventType: "product.updated"}))
	}
	h.store.WaitWebhooks()
	last := map[string]int{} // the status of each event's last attempt
	for _, d := range h.store.WebhookDeliveries() {
		last[d.EventID] = d.Status
	}
	for id, status := range last {
		// The seeding's events came before the schedule existed: 503, and
		// taken on a retry once it did.
		require.Equal(t, http.StatusOK, status, "%s", id)
	}
	sched := h.client.ScheduleClient().GetHandle(ctx, workflows.ScheduleID("shop", workflows.FlowProducts))
	require.Eventually(t, func() bool {
		d, err := sched.Describe(ctx)
		return err == nil && len(d.Info.RunningWorkflows) == 0 && d.Info.NumActions >= 2
	}, time.Minute, 200*time.Millisecond)
	d, err := sched.Describe(ctx)
	require.NoError(t, err)
	t.Logf("1,000 product events: %d product runs (the first at creation), %d buffered triggers dropped", d.Info.NumActions, d.Info.NumActionsSkippedOverlap)
	assert.LessOrEqual(t, d.Info.NumActions, 12, "runs are bounded, not one per event")
}

// pollOnce triggers the orders schedule and waits for that run to end; it
// returns the run's workflow id and run id.
func (h *hookStack) pollOnce(t *testing.T, sched client.ScheduleHandle) (string, string) {
	t.Helper()
	ctx := context.Background()
	d, err := sched.Describe(ctx)
	require.NoError(t, err)
	before := d.Info.NumActions
	if before > 0 || len(d.Info.RunningWorkflows) > 0 {
		require.NoError(t, sched.Trigger(ctx, client.ScheduleTriggerOptions{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE}))
	}
	require.Eventually(t, func() bool {
		d, err = sched.Describe(ctx)
		return err == nil && d.Info.NumActions > before && len(d.Info.RunningWorkflows) == 0
	}, time.Minute, 100*time.Millisecond)
	last := d.Info.RecentActions[len(d.Info.RecentActions)-1].StartWorkflowResult
	require.NoError(t, h.client.GetWorkflow(ctx, last.WorkflowID, last.FirstExecutionRunID).Get(ctx, nil))
	return last.WorkflowID, last.FirstExecutionRunID
}

func (h *hookStack) pollEvery(t *testing.T, sched client.ScheduleHandle) time.Duration {
	d, err := sched.Describe(context.Background())
	require.NoError(t, err)
	return d.Schedule.Spec.Intervals[0].Every
}

// When the webhooks stop, the poll (the safety net) finds the orders
// itself: after outageAfter it alerts once and polls at the flow's own
// interval; when an event brings an order again it slows down again.
func TestAWebhookOutageIsAlertedAndThePollSpeedsUp(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	alerts := newWebhook(t)
	h := newHookStack(t, stackOptions{webhook: alerts.url,
		integration: []string{"webhooks: {secret: E2E_HOOK_SECRET, pollInterval: 2h, outageAfter: 1ms}"}})
	ctx := context.Background()
	_, err := kworker.ApplySchedules(ctx, h.client, h.file, h.taskQueue)
	require.NoError(t, err)
	sched := h.client.ScheduleClient().GetHandle(ctx, workflows.ScheduleID("shop", workflows.FlowOrders))
	assert.Equal(t, 2*time.Hour, h.pollEvery(t, sched), "webhooks on: the poll is the safety net")
	h.pollOnce(t, sched) // the run at creation: nothing yet

	h.store.HoldWebhooks(true) // the store stops sending
	a := h.placePaid(t, "PAID")
	h.pollOnce(t, sched)
	b := h.placePaid(t, "PAID")
	outageRun, outageRunID := h.pollOnce(t, sched)
	for _, id := range []string{a, b} {
		r, err := h.orderResult(id)
		require.NoError(t, err)
		assert.Equal(t, workflows.OrderCreated, r.Outcome, "the poll brings %s", id)
	}
	require.Eventually(t, func() bool { return len(alerts.texts()) > 0 }, 30*time.Second, 100*time.Millisecond)
	assert.Contains(t, alerts.texts()[0], "webhook")
	assert.Equal(t, time.Hour, h.pollEvery(t, sched), "outage: the flow's own interval")

	c := h.placePaid(t, "PAID")
	h.pollOnce(t, sched) // still down: no second alert
	assert.Len(t, alerts.texts(), 1, "alerted once")

	h.store.HoldWebhooks(false) // sending again
	d := h.placePaid(t, "PAID")
	require.True(t, h.hintResult(t, d).Started, "the event brings the order")
	backRun, backRunID := h.pollOnce(t, sched)
	assert.Equal(t, 2*time.Hour, h.pollEvery(t, sched), "events again: the safety net slows down")
	_, err = h.orderResult(c)
	require.NoError(t, err)

	h.recordHistory("order_sync_webhook_outage", outageRun, outageRunID)
	h.recordHistory("order_sync_webhooks_back", backRun, backRunID)
	h.recordHistory("order_hint", workflows.OrderHintWorkflowID("shop", d), "")
}

// CCV Shop → MplusKASSA by webhook: the subscriptions are made through the
// shop's API as starter webhooks apply makes them, the receiver checks the
// shop's signatures with the keys the shop generated, and a paid order
// reaches the till once however many events name it.
func TestWebhooksBringPaidShopOrdersToTheTill(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	var shop *ccvsim.Sim
	s := newStack(t, stackOptions{unthrottled: true,
		integration: []string{fmt.Sprintf("webhooks: {secret: E2E_CCV_HOOK_KEYS, publicURL: %q}", "http://"+addr)},
		sourceSim: func(c simkit.Config) simkit.Instance {
			shop = ccvsim.New(ccvsim.Options{PublicKey: c.Credentials["publicKey"], SecretKey: c.Credentials["secretKey"],
				ReadsPerMinute: -1, WritesPerMinute: -1,
				WebhookRetries: []time.Duration{200 * time.Millisecond, 500 * time.Millisecond, time.Second}})
			t.Cleanup(shop.Close)
			return shop
		}})
	s.seedCatalogue(coffee)
	in := s.file.Integrations[0]
	src, err := activities.BuildSourceClient(in, "integrations[0]", func(k string) (string, bool) { v, ok := s.env[k]; return v, ok })
	require.NoError(t, err)
	changes, err := src.(connectors.WebhookRegistrar).ApplyWebhooks(context.Background(), in.Webhooks.Address(in.Name), ccvshop.WebhookEvents)
	require.NoError(t, err)
	var keys []string
	for _, ch := range changes {
		keys = append(keys, ch.Secret)
	}
	s.env["E2E_CCV_HOOK_KEYS"] = strings.Join(keys, ",")
	h := &hookStack{stack: s, addr: addr}
	h.serve(t, ln)
	t.Cleanup(func() { h.stop(t) })

	id := shop.AddOrder(order(person("Jan", "Visser", "jan@example.nl"), time.Now(), false, coffee.line(2)))
	shop.WaitWebhooks()
	r := h.hintResult(t, id)
	assert.Equal(t, "waiting", r.State, "created unpaid: nothing written")
	assert.False(t, h.exists(t, workflows.OrderWorkflowID("shop", id)))

	require.NoError(t, shop.SetPaid(id, true))
	require.Eventually(t, func() bool { return len(tillOrdersKeyed(s.mplus, "shop-"+id)) == 1 }, 30*time.Second, 50*time.Millisecond,
		"the paid event brings the order")
	require.NoError(t, shop.SetStatus(id, model.StatusCompleted))
	shop.WaitWebhooks()
	for _, d := range shop.WebhookDeliveries() {
		assert.Equal(t, http.StatusOK, d.Status, "%s", d.EventType)
	}
	time.Sleep(500 * time.Millisecond)
	assert.Len(t, tillOrdersKeyed(s.mplus, "shop-"+id), 1, "once, after three events")
}

func tillOrdersKeyed(till *mplussim.Sim, key string) []mplussim.Order {
	var out []mplussim.Order
	for _, o := range till.Orders() {
		if o.ExtOrderID == key {
			out = append(out, o)
		}
	}
	return out
}
