package sim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// Webhooks (§3.9): the store POSTs an event to the app's URL with
// ?eventtype=<type>, signed in X-Ecwid-Webhook-Signature, and retries
// anything but a 200 on a schedule. The simulator sends order.* and
// unfinished_order.* (create, update, delete) and product.* (create,
// update including stock, delete) events, for API calls and seeding
// alike. Deliveries run in the background; Close stops them.

// SignatureHeader carries an event's signature.
const SignatureHeader = "X-Ecwid-Webhook-Signature"

// WebhookOptions configure the webhooks of the store's app.
type WebhookOptions struct {
	// URL receives the events (with ?eventtype=… appended).
	URL string
	// ClientSecret is the app's client_secret, the key of the signature.
	ClientSecret string
	// Retries are the waits before each retry of a failed delivery; nil
	// means DefaultRetrySchedule. Tests pass a shortened schedule.
	Retries []time.Duration
	// Client sends the deliveries; nil means one with a 10 s timeout.
	Client *http.Client
}

// DefaultRetrySchedule is the documented schedule: every 15 minutes for
// four more tries, then hourly until 24 hours have passed since the first.
func DefaultRetrySchedule() []time.Duration {
	out := []time.Duration{15 * time.Minute, 15 * time.Minute, 15 * time.Minute, 15 * time.Minute}
	for at := 2 * time.Hour; at <= 24*time.Hour; at += time.Hour {
		out = append(out, time.Hour)
	}
	return out
}

// Event is a webhook's body (§3.9).
type Event struct {
	EventID      string `json:"eventId"`
	EventCreated int64  `json:"eventCreated"`
	StoreID      int64  `json:"storeId"`
	// EntityID is the order's internal id (-1 for an unfinished order) or
	// the product's id.
	EntityID  int64      `json:"entityId"`
	EventType string     `json:"eventType"`
	Data      *EventData `json:"data,omitempty"`
}

// EventData is an order event's data.
type EventData struct {
	OrderID              string `json:"orderId,omitempty"`
	OldPaymentStatus     string `json:"oldPaymentStatus,omitempty"`
	NewPaymentStatus     string `json:"newPaymentStatus,omitempty"`
	OldFulfillmentStatus string `json:"oldFulfillmentStatus,omitempty"`
	NewFulfillmentStatus string `json:"newFulfillmentStatus,omitempty"`
}

// Delivery is one attempt to deliver an event.
type Delivery struct {
	EventID   string
	EventType string
	Attempt   int    // from 1
	Status    int    // the receiver's status; 0 when it could not be reached
	Err       string // why it could not be reached
	Signature string // the header sent ("" for none)
}

// Sign is an event's signature: base64(HMAC-SHA256(client secret,
// "{eventCreated}.{eventId}")). Only these two fields are signed.
func Sign(clientSecret string, eventCreated int64, eventID string) string {
	mac := hmac.New(sha256.New, []byte(clientSecret))
	mac.Write([]byte(strconv.FormatInt(eventCreated, 10) + "." + eventID))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

type webhooks struct {
	o      WebhookOptions
	store  int64
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu         sync.Mutex
	seq        int64
	events     []Event
	deliveries []Delivery
	hold       bool
	held       []Event
}

func newWebhooks(o WebhookOptions, store int64) *webhooks {
	if o.Retries == nil {
		o.Retries = DefaultRetrySchedule()
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Second}
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &webhooks{o: o, store: store, ctx: ctx, cancel: cancel}
}

func (h *webhooks) close() {
	h.cancel()
	h.wg.Wait()
}

// event makes a new event with a fresh id.
func (h *webhooks) event(created time.Time, eventType string, entity int64, data *EventData) *Event {
	h.mu.Lock()
	h.seq++
	n := h.seq
	h.mu.Unlock()
	return &Event{EventID: fmt.Sprintf("%08x-40e8-4145-8764-%012x", h.store, n), EventCreated: created.Unix(),
		StoreID: h.store, EntityID: entity, EventType: eventType, Data: data}
}

// emit records an event and delivers it, or holds it when asked to.
func (h *webhooks) emit(ev Event) {
	h.mu.Lock()
	h.events = append(h.events, ev)
	if h.hold {
		h.held = append(h.held, ev)
		h.mu.Unlock()
		return
	}
	h.mu.Unlock()
	h.deliver(ev, Sign(h.o.ClientSecret, ev.EventCreated, ev.EventID))
}

// deliver sends ev with a signature ("" sends none) in the background,
// retrying on the schedule until a 200.
func (h *webhooks) deliver(ev Event, signature string) {
	body, _ := json.Marshal(ev)
	target := h.o.URL
	if u, err := url.Parse(target); err == nil {
		q := u.Query()
		q.Set("eventtype", ev.EventType)
		u.RawQuery = q.Encode()
		target = u.String()
	}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		for attempt := 1; ; attempt++ {
			status, err := h.post(target, body, signature)
			d := Delivery{EventID: ev.EventID, EventType: ev.EventType, Attempt: attempt, Status: status, Signature: signature}
			if err != nil {
				d.Err = err.Error()
			}
			h.mu.Lock()
			h.deliveries = append(h.deliveries, d)
			h.mu.Unlock()
			if status == http.StatusOK || attempt > len(h.o.Retries) {
				return
			}
			select {
			case <-time.After(h.o.Retries[attempt-1]):
			case <-h.ctx.Done():
				return
			}
		}
	}()
}

func (h *webhooks) post(target string, body []byte, signature string) (int, error) {
	req, err := http.NewRequestWithContext(h.ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("Cache-Control", "no-cache")
	if signature != "" {
		req.Header.Set(SignatureHeader, signature)
	}
	resp, err := h.o.Client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// Event makers, called with the state locked; nil without webhooks.

func (s *Sim) orderEventLocked(o *Order, action, oldPay, oldFul string) *Event {
	if s.hooks == nil {
		return nil
	}
	kind, entity := "order", o.InternalID
	switch {
	case action == "updated" && oldPay == Unfinished && o.PaymentStatus != Unfinished:
		action = "created" // completing an unfinished order places it
	case o.PaymentStatus == Unfinished:
		kind, entity = "unfinished_order", -1
	}
	d := &EventData{OrderID: o.ID, NewPaymentStatus: o.PaymentStatus, NewFulfillmentStatus: o.FulfillmentStatus}
	if action != "created" {
		d.OldPaymentStatus, d.OldFulfillmentStatus = oldPay, oldFul
	}
	return s.hooks.event(s.now(), kind+"."+action, entity, d)
}

func (s *Sim) productEvent(id int64, action string) *Event {
	if s.hooks == nil {
		return nil
	}
	return s.hooks.event(s.now(), "product."+action, id, nil)
}

// send emits the events a change made, after the state is unlocked.
func (s *Sim) send(events []*Event) {
	for _, ev := range events {
		if ev != nil && s.hooks != nil {
			s.hooks.emit(*ev)
		}
	}
}

// Test hooks: what was sent, and events sent on purpose twice, late, out
// of order or forged.

var errNoWebhooks = errors.New("sim: the store has no webhooks (Options.Webhooks)")

// WebhookEvents are the events the store emitted, in order.
func (s *Sim) WebhookEvents() []Event {
	if s.hooks == nil {
		return nil
	}
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	return clone(s.hooks.events)
}

// WebhookDeliveries are the delivery attempts so far, in order.
func (s *Sim) WebhookDeliveries() []Delivery {
	if s.hooks == nil {
		return nil
	}
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	return clone(s.hooks.deliveries)
}

// HoldWebhooks keeps (on) or stops keeping (off) new events from being
// delivered; HeldWebhooks hands the kept ones out, for a test to send in
// any order with SendWebhook.
func (s *Sim) HoldWebhooks(on bool) {
	if s.hooks == nil {
		return
	}
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	s.hooks.hold = on
}

// HeldWebhooks takes the events held back so far.
func (s *Sim) HeldWebhooks() []Event {
	if s.hooks == nil {
		return nil
	}
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	out := s.hooks.held
	s.hooks.held = nil
	return out
}

// SendWebhook delivers ev, correctly signed, with retries: an event
// again (a duplicate), an old one (late) or held ones in another order.
func (s *Sim) SendWebhook(ev Event) error {
	if s.hooks == nil {
		return errNoWebhooks
	}
	s.hooks.deliver(ev, Sign(s.hooks.o.ClientSecret, ev.EventCreated, ev.EventID))
	return nil
}

// SendForgedWebhook delivers ev signed with another secret, or without a
// signature when secret is "".
func (s *Sim) SendForgedWebhook(ev Event, secret string) error {
	if s.hooks == nil {
		return errNoWebhooks
	}
	sig := ""
	if secret != "" {
		sig = Sign(secret, ev.EventCreated, ev.EventID)
	}
	s.hooks.deliver(ev, sig)
	return nil
}

// WaitWebhooks waits until every delivery has succeeded or run out of
// retries (or Close stopped it).
func (s *Sim) WaitWebhooks() {
	if s.hooks != nil {
		s.hooks.wg.Wait()
	}
}
