package sim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/koppel/koppel/connectors/simkit"
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
type Delivery = simkit.Delivery

// Sign is an event's signature: base64(HMAC-SHA256(client secret,
// "{eventCreated}.{eventId}")). Only these two fields are signed.
func Sign(clientSecret string, eventCreated int64, eventID string) string {
	mac := hmac.New(sha256.New, []byte(clientSecret))
	mac.Write([]byte(strconv.FormatInt(eventCreated, 10) + "." + eventID))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// webhooks is the store app's emitter: the event ids, the body, the
// ?eventtype query and the signature are Ecwid's; simkit delivers, retries
// and logs.
type webhooks struct {
	o      WebhookOptions
	store  int64
	seq    atomic.Int64
	engine *simkit.Webhooks[Event]
}

func newWebhooks(o WebhookOptions, store int64) *webhooks {
	if o.Retries == nil {
		o.Retries = DefaultRetrySchedule()
	}
	// Any response other than 200 counts as failed (§3.9).
	return &webhooks{o: o, store: store,
		engine: simkit.NewWebhooks[Event](simkit.WebhookConfig{Retries: o.Retries, Client: o.Client, Success: simkit.OnlyOK})}
}

func (h *webhooks) close() { h.engine.Close() }

// event makes a new event with a fresh id.
func (h *webhooks) event(created time.Time, eventType string, entity int64, data *EventData) *Event {
	n := h.seq.Add(1)
	return &Event{EventID: fmt.Sprintf("%08x-40e8-4145-8764-%012x", h.store, n), EventCreated: created.Unix(),
		StoreID: h.store, EntityID: entity, EventType: eventType, Data: data}
}

// emit records an event and delivers it, or holds it when asked to.
func (h *webhooks) emit(ev Event) {
	if h.engine.Record(ev) {
		h.deliver(ev, Sign(h.o.ClientSecret, ev.EventCreated, ev.EventID))
	}
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
	header := http.Header{}
	header.Set("Content-Type", "application/json; charset=UTF-8")
	header.Set("Cache-Control", "no-cache")
	if signature != "" {
		header.Set(SignatureHeader, signature)
	}
	h.engine.Deliver(simkit.Outgoing{EventID: ev.EventID, EventType: ev.EventType, URL: target, Body: body,
		Header: header, SignatureHeader: SignatureHeader})
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
	return clone(s.hooks.engine.Events())
}

// WebhookDeliveries are the delivery attempts so far, in order.
func (s *Sim) WebhookDeliveries() []Delivery {
	if s.hooks == nil {
		return nil
	}
	return s.hooks.engine.Deliveries()
}

// HoldWebhooks keeps (on) or stops keeping (off) new events from being
// delivered; HeldWebhooks hands the kept ones out, for a test to send in
// any order with SendWebhook.
func (s *Sim) HoldWebhooks(on bool) {
	if s.hooks == nil {
		return
	}
	s.hooks.engine.Hold(on)
}

// HeldWebhooks takes the events held back so far.
func (s *Sim) HeldWebhooks() []Event {
	if s.hooks == nil {
		return nil
	}
	return s.hooks.engine.TakeHeld()
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
		s.hooks.engine.Wait()
	}
}
