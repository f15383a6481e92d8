package sim

import (
	"cmp"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors/ccvshop"
	"github.com/koppel/koppel/connectors/simkit"
)

// Webhooks (research §1.10): the /webhooks/ resource registers an event
// and an address; the shop answers with a key it generated. For every
// active webhook of an event that happens the shop POSTs a JSON payload to
// the address, signed with the key, and retries a delivery that fails.
// simkit delivers, retries and logs; the payload, the signature and the
// events are the shop's, here.

// The events the simulator emits.
const (
	eventOrderCreated   = "orders.created"
	eventOrderPaid      = "orders.updated.ispaid"
	eventOrderStatus    = "orders.updated.status"
	eventProductCreated = "products.created"
	eventProductUpdated = "products.updated"
)

// webhookEvents are the event names a webhook may be registered for: all
// that public integration code shows (§1.10). Only the order and product
// events above are ever emitted; orders.deleted and products.deleted are
// accepted but nothing in the simulator deletes orders or products.
var webhookEvents = []string{
	"orders.created", "orders.updated.ispaid", "orders.updated.status", "orders.updated.trackandtrace", "orders.deleted",
	"products.created", "products.updated", "products.deleted",
	"categories.created", "categories.updated", "categories.deleted",
	"returns.created", "returns.updated", "returns.deleted",
	"invoices.updated.status",
}

// DefaultWebhookRetries is the retry schedule when Options.WebhookRetries
// is nil. CCV's real retry behaviour is unknown (§1.10 [A]): this is a
// guess, four more tries after 1 min, 5 min, 15 min and 1 h.
func DefaultWebhookRetries() []time.Duration {
	return []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour}
}

// WebhookSignature is how a delivery is signed with its webhook's key. The
// research cannot confirm CCV's scheme (§1.10, §6 [A]); the zero value is
// its guess: header x-hash, lowercase hex of HMAC-SHA512 over the raw body.
// Another scheme lets a test prove that a receiver's setting works.
type WebhookSignature struct {
	// Header carries the signature; "" means "x-hash".
	Header string
	// Hash is "sha512" (also for "") or "sha256".
	Hash string
	// Encoding is "hex" (also for "") or "base64" (standard, padded).
	Encoding string
}

func (w WebhookSignature) withDefaults() WebhookSignature {
	w.Header = cmp.Or(w.Header, "x-hash")
	w.Hash = cmp.Or(w.Hash, "sha512")
	w.Encoding = cmp.Or(w.Encoding, "hex")
	// A scheme nobody can verify is a broken test setup: say so at once.
	if w.Hash != "sha512" && w.Hash != "sha256" {
		panic(fmt.Sprintf("ccvshop sim: WebhookSignature.Hash %q is not sha512 or sha256", w.Hash))
	}
	if w.Encoding != "hex" && w.Encoding != "base64" {
		panic(fmt.Sprintf("ccvshop sim: WebhookSignature.Encoding %q is not hex or base64", w.Encoding))
	}
	return w
}

// SignWebhook is the signature of a delivery's raw body with a webhook's
// key under a scheme (its zero fields meaning the defaults).
func SignWebhook(scheme WebhookSignature, key string, body []byte) string {
	scheme = scheme.withDefaults()
	newHash := sha512.New
	if scheme.Hash == "sha256" {
		newHash = func() hash.Hash { return sha256.New() }
	}
	mac := hmac.New(newHash, []byte(key))
	mac.Write(body)
	if scheme.Encoding == "base64" {
		return base64.StdEncoding.EncodeToString(mac.Sum(nil))
	}
	return hex.EncodeToString(mac.Sum(nil))
}

// WebhookEvent is one event the shop emitted for one webhook: what was
// (or, while held, would have been) POSTed, and enough to send it again.
type WebhookEvent struct {
	// ID numbers the events in the simulator's log (WebhookDelivery.EventID);
	// CCV's payload has no event id and the body carries none.
	ID        string
	WebhookID string
	Event     string // orders.created …
	Address   string
	Body      json.RawMessage
}

// WebhookDelivery is one attempt to deliver a WebhookEvent.
type WebhookDelivery = simkit.Delivery

// Webhook is a webhook as the shop holds it.
type Webhook struct {
	ID        string
	Event     string
	Address   string
	Key       string
	Active    bool
	CreatedAt time.Time
}

type storedWebhook struct {
	ID      int64     `json:"id"`
	Created time.Time `json:"created"`
	Event   string    `json:"event"`
	Address string    `json:"address"`
	Key     string    `json:"key"`
	Active  bool      `json:"active"`
}

func (w storedWebhook) view() Webhook {
	return Webhook{ID: strconv.FormatInt(w.ID, 10), Event: w.Event, Address: w.Address, Key: w.Key, Active: w.Active, CreatedAt: w.Created}
}

var webhookFields = map[string]kind{"event": kText, "address": kText, "is_active": kBool}

// webhookKey is a new webhook's key: 32 random bytes in hex. Its real form
// is not documented.
func webhookKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// validAddress: an address must be an absolute http(s) URL.
func validAddress(a string) bool {
	u, err := url.Parse(a)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func checkEvent(event string) (reply, bool) {
	if !slices.Contains(webhookEvents, event) {
		return invalid("property \"event\" must be one of %s", strings.Join(webhookEvents, ", ")), false
	}
	return reply{}, true
}

// addWebhook stores a webhook; s.mu must be held.
func (s *Sim) addWebhook(event, address string, active bool) storedWebhook {
	st := &s.state
	st.NextWebhookID = max(st.NextWebhookID, 1)
	w := storedWebhook{ID: st.NextWebhookID, Created: s.o.Now().UTC().Truncate(time.Second), Event: event, Address: address,
		Key: webhookKey(), Active: active}
	st.NextWebhookID++
	st.Webhooks = append(st.Webhooks, w)
	return w
}

// webhook finds a webhook; s.mu must be held.
func (s *Sim) webhook(id int64) *storedWebhook {
	for i := range s.state.Webhooks {
		if s.state.Webhooks[i].ID == id {
			return &s.state.Webhooks[i]
		}
	}
	return nil
}

func webhookJSON(r *http.Request, w storedWebhook) map[string]any {
	return map[string]any{"id": w.ID, "href": href(r, fmt.Sprintf("/webhooks/%d/", w.ID)),
		"createdate": w.Created.UTC().Format(dateTime), "event": w.Event, "address": w.Address, "key": w.Key, "is_active": w.Active}
}

var webhookOrder = map[string]func(a, b storedWebhook) int{
	"id":         func(a, b storedWebhook) int { return cmp.Compare(a.ID, b.ID) },
	"createdate": func(a, b storedWebhook) int { return a.Created.Compare(b.Created) },
}

func (s *Sim) listWebhooks(r *http.Request, _ []string, _ []byte) reply {
	q := r.URL.Query()
	pg, good := s.paging(q)
	if !good {
		return badPaging
	}
	list := slices.Clone(s.state.Webhooks)
	if rep, good := sortBy(list, q.Get("orderby"), webhookOrder); !good {
		return rep
	}
	return ok(page(r, pg, list, func(w storedWebhook) any { return webhookJSON(r, w) }))
}

func (s *Sim) getWebhook(r *http.Request, ids []string, _ []byte) reply {
	w := s.webhook(parseID(ids[0]))
	if w == nil {
		return notFound("webhook", ids[0])
	}
	return ok(webhookJSON(r, *w))
}

func (s *Sim) createWebhook(r *http.Request, _ []string, body []byte) reply {
	obj, rep, good := object(body, webhookFields, "webhooks", "event", "address")
	if !good {
		return rep
	}
	event, address := strings.TrimSpace(str(obj["event"])), strings.TrimSpace(str(obj["address"]))
	if rep, good := checkEvent(event); !good {
		return rep
	}
	if !validAddress(address) {
		return invalid("property \"address\" must be an absolute http(s) URL")
	}
	active := true // is_active left out: a webhook is meant to work [A]
	if v, set := obj["is_active"].(bool); set {
		active = v
	}
	return created(webhookJSON(r, s.addWebhook(event, address, active)))
}

// patchWebhook changes the address and is_active; the event and the key
// stay (research lists no other writable field).
func (s *Sim) patchWebhook(_ *http.Request, ids []string, body []byte) reply {
	w := s.webhook(parseID(ids[0]))
	if w == nil {
		return notFound("webhook", ids[0])
	}
	obj, rep, good := object(body, map[string]kind{"address": kText, "is_active": kBool}, "webhooks")
	if !good {
		return rep
	}
	if v, set := obj["address"]; set {
		address := strings.TrimSpace(str(v))
		if !validAddress(address) {
			return invalid("property \"address\" must be an absolute http(s) URL")
		}
		w.Address = address
	}
	if v, set := obj["is_active"].(bool); set {
		w.Active = v
	}
	return noContent()
}

func (s *Sim) deleteWebhook(_ *http.Request, ids []string, _ []byte) reply {
	id := parseID(ids[0])
	i := slices.IndexFunc(s.state.Webhooks, func(w storedWebhook) bool { return w.ID == id })
	if i < 0 {
		return notFound("webhook", ids[0])
	}
	s.state.Webhooks = slices.Delete(s.state.Webhooks, i, i+1)
	return noContent()
}

// checkWebhooks verifies the webhooks of a restored state and moves
// NextWebhookID past their ids (addWebhook starts an unset one at 1).
func checkWebhooks(st *state) error {
	seen := map[int64]bool{}
	for _, w := range st.Webhooks {
		if w.ID <= 0 || seen[w.ID] {
			return fmt.Errorf("webhook %d is duplicated or not an id", w.ID)
		}
		seen[w.ID] = true
		st.NextWebhookID = max(st.NextWebhookID, w.ID+1)
	}
	return nil // NextWebhookID 0 stays: a snapshot restores to the same bytes
}

// AddWebhook registers a webhook as POST /webhooks/ does (an unknown event
// or an address that is no absolute http(s) URL is an error) and returns
// it with its generated key.
func (s *Sim) AddWebhook(event, address string, active bool) (Webhook, error) {
	if _, good := checkEvent(event); !good {
		return Webhook{}, fmt.Errorf("unknown webhook event %q", event)
	}
	if !validAddress(address) {
		return Webhook{}, fmt.Errorf("webhook address %q is not an absolute http(s) URL", address)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addWebhook(event, address, active).view(), nil
}

// Webhooks lists the registered webhooks in the order of their ids.
func (s *Sim) Webhooks() []Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Webhook, 0, len(s.state.Webhooks))
	for _, w := range s.state.Webhooks {
		out = append(out, w.view())
	}
	return out
}

// queued is an event a change made, sent once the lock is released.
type queued struct {
	event    string
	id       int64 // the order's or the product's
	previous int   // orders.updated.status: the status code before
}

// queue adds an event to the outbox; s.mu must be held. A product changed
// several times in one call, or created and then touched, sends one event.
func (s *Sim) queue(q queued) {
	sameProduct := func(o queued) bool {
		return o.id == q.id && (o.event == eventProductCreated || o.event == eventProductUpdated)
	}
	switch q.event {
	case eventProductUpdated:
		if slices.ContainsFunc(s.outbox, sameProduct) {
			return
		}
	case eventProductCreated:
		s.outbox = slices.DeleteFunc(s.outbox, sameProduct)
	}
	s.outbox = append(s.outbox, q)
}

// orderChanged queues the events of an order's change: completing a
// checkout places the order (orders.created); a change of the paid flag or
// of the status code sends its event. A checkout not completed sends
// nothing.
func (s *Sim) orderChanged(before, after storedOrder) {
	switch {
	case after.Unfinished:
		return
	case before.Unfinished:
		s.queue(queued{event: eventOrderCreated, id: after.ID})
		return
	}
	if before.Order.Paid != after.Order.Paid {
		s.queue(queued{event: eventOrderPaid, id: after.ID})
	}
	if before.Code != after.Code {
		s.queue(queued{event: eventOrderStatus, id: after.ID, previous: before.Code})
	}
}

// signedEvent is an event ready to send with its webhook's key.
type signedEvent struct {
	ev  WebhookEvent
	key string
}

// unlock releases s.mu and then emits the events the change queued: the
// payloads are built from the state while it is still locked, the
// deliveries start after, so no receiver waits on the lock.
func (s *Sim) unlock() {
	out := s.renderLocked()
	s.mu.Unlock()
	for _, e := range out {
		if s.hooks.Record(e.ev) {
			s.deliver(e.ev, SignWebhook(s.o.WebhookSignature, e.key, e.ev.Body))
		}
	}
}

// renderLocked builds one event per active webhook of each queued event
// and empties the outbox; s.mu must be held.
func (s *Sim) renderLocked() []signedEvent {
	if len(s.outbox) == 0 {
		return nil
	}
	queue := s.outbox
	s.outbox = nil
	var out []signedEvent
	for _, q := range queue {
		var hooks []storedWebhook
		for _, w := range s.state.Webhooks {
			if w.Active && w.Event == q.event {
				hooks = append(hooks, w)
			}
		}
		if len(hooks) == 0 {
			continue
		}
		body, found := s.payload(q)
		if !found {
			continue
		}
		for _, w := range hooks {
			id := strconv.FormatInt(s.hookSeq.Add(1), 10)
			out = append(out, signedEvent{ev: WebhookEvent{ID: id, WebhookID: strconv.FormatInt(w.ID, 10), Event: q.event,
				Address: w.Address, Body: body}, key: w.Key})
		}
	}
	return out
}

// orderPayload is an order event's body (§1.10, from payloads seen in
// public integration code), in their order. Note order_number where the
// order resource has ordernumber.
type orderPayload struct {
	TriggeredAt    string      `json:"triggered_at"`
	Href           string      `json:"href"`
	ID             int64       `json:"id"`
	OrderNumber    any         `json:"order_number"`
	Prefix         any         `json:"ordernumber_prefix"`
	Full           any         `json:"ordernumber_full"`
	TotalPrice     json.Number `json:"total_price"`
	PreviousStatus *int        `json:"previous_status,omitempty"`
	Status         *int        `json:"status,omitempty"`
	Paid           *bool       `json:"paid,omitempty"`
	CustomerEmail  string      `json:"customer_email"`
	CustomerMobile string      `json:"customer_mobile"`
}

// productPayload is a product event's body [A: no example is public].
type productPayload struct {
	TriggeredAt   string `json:"triggered_at"`
	Href          string `json:"href"`
	ID            int64  `json:"id"`
	ProductNumber string `json:"productnumber"`
}

// payload renders a queued event's body from the current state; found is
// false when its record is gone.
func (s *Sim) payload(q queued) (json.RawMessage, bool) {
	at := s.o.Now().UTC().Truncate(time.Second).Format(time.RFC3339)
	var v any
	switch q.event {
	case eventProductCreated, eventProductUpdated:
		p := s.state.Catalog.product(q.id)
		if p == nil {
			return nil, false
		}
		v = productPayload{TriggeredAt: at, Href: s.apiBase() + fmt.Sprintf("/products/%d", p.ID), ID: p.ID, ProductNumber: p.Number}
	default:
		i, found := s.byID[q.id]
		if !found {
			return nil, false
		}
		so := s.state.Orders[i]
		prefix, number := numberParts(so)
		op := orderPayload{TriggeredAt: at, Href: s.apiBase() + fmt.Sprintf("/orders/%d", so.ID), ID: so.ID,
			OrderNumber: number, Prefix: prefix, Full: orderNumberFull(so), TotalPrice: money(so.Order.Total),
			CustomerEmail: so.Order.Customer.Email, CustomerMobile: so.Order.Customer.Mobile}
		switch q.event {
		case eventOrderStatus:
			previous, status := q.previous, so.Code
			op.PreviousStatus, op.Status = &previous, &status
		case eventOrderPaid:
			paid := so.Order.Paid
			op.Paid = &paid
		}
		v = op
	}
	b, err := json.Marshal(v)
	return b, err == nil
}

// apiBase is where the API's links start for a payload's href: the
// configured address, else the one last reached, else none (the path
// alone). s.mu must be held.
func (s *Sim) apiBase() string {
	return cmp.Or(s.o.BaseURL, s.reached) + ccvshop.APIPath
}

// deliver POSTs an event to its address with a signature ("" sends none).
func (s *Sim) deliver(ev WebhookEvent, signature string) {
	header := http.Header{}
	header.Set("Content-Type", "application/json")
	if signature != "" {
		header.Set(s.o.WebhookSignature.Header, signature)
	}
	s.hooks.Deliver(simkit.Outgoing{EventID: ev.ID, EventType: ev.Event, URL: ev.Address, Body: ev.Body,
		Header: header, SignatureHeader: s.o.WebhookSignature.Header})
}

// Test hooks: what was sent, and events sent on purpose twice, late, out
// of order or forged.

func copyEvents(evs []WebhookEvent) []WebhookEvent {
	for i := range evs {
		evs[i].Body = slices.Clone(evs[i].Body)
	}
	return evs
}

// WebhookEvents are the events the shop emitted, one per webhook, in order
// (held ones included).
func (s *Sim) WebhookEvents() []WebhookEvent { return copyEvents(s.hooks.Events()) }

// WebhookDeliveries are the delivery attempts so far, in order.
func (s *Sim) WebhookDeliveries() []WebhookDelivery { return s.hooks.Deliveries() }

// HoldWebhooks keeps (on) or stops keeping (off) new events from being
// delivered; HeldWebhooks hands the kept ones out, for a test to send in
// any order with SendWebhook.
func (s *Sim) HoldWebhooks(on bool) { s.hooks.Hold(on) }

// HeldWebhooks takes the events held back so far.
func (s *Sim) HeldWebhooks() []WebhookEvent { return copyEvents(s.hooks.TakeHeld()) }

// SendWebhook delivers ev to its address, signed with its webhook's key,
// with retries: an event again (a duplicate), an old one (late) or held
// ones in another order. The webhook must still exist.
func (s *Sim) SendWebhook(ev WebhookEvent) error {
	s.mu.Lock()
	w := s.webhook(parseID(ev.WebhookID))
	key := ""
	if w != nil {
		key = w.Key
	}
	s.mu.Unlock()
	if w == nil {
		return fmt.Errorf("no webhook %q to sign the event with", ev.WebhookID)
	}
	s.deliver(ev, SignWebhook(s.o.WebhookSignature, key, ev.Body))
	return nil
}

// SendForgedWebhook delivers ev signed with another key, or without a
// signature header when key is "".
func (s *Sim) SendForgedWebhook(ev WebhookEvent, key string) error {
	if ev.Address == "" {
		return errors.New("the event has no address")
	}
	sig := ""
	if key != "" {
		sig = SignWebhook(s.o.WebhookSignature, key, ev.Body)
	}
	s.deliver(ev, sig)
	return nil
}

// WaitWebhooks waits until every delivery has succeeded or run out of
// retries (or Close stopped it).
func (s *Sim) WaitWebhooks() { s.hooks.Wait() }
