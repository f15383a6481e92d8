package ccvshop

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
)

// Webhooks (research §1.10): subscriptions live in /webhooks/, one per
// event, each with a `key` the shop generates. How a delivery is signed is
// not confirmed: the default here is research's best guess, header x-hash
// with the hex HMAC-SHA512 of the raw body keyed with the subscription's
// key, and an integration file may set another scheme (webhooks.signature).
// A delivery carries no event name and no event id, so ApplyWebhooks
// registers each event's address with ?event=<name>, and a redelivered body
// is recognised by its digest.

// Webhook event names the integration subscribes to.
const (
	EventOrderCreated    = "orders.created"
	EventOrderPaid       = "orders.updated.ispaid"
	EventOrderStatus     = "orders.updated.status"
	EventProductCreated  = "products.created"
	EventProductUpdated  = "products.updated"
	OpListWebhooks       = "GET /webhooks"
	OpCreateWebhook      = "POST /webhooks"
	OpUpdateWebhook      = "PATCH /webhooks/{id}"
	webhookEventQueryKey = "event"
)

// WebhookEvents are the events an integration subscribes to.
var WebhookEvents = []string{EventOrderCreated, EventOrderPaid, EventOrderStatus, EventProductCreated, EventProductUpdated}

// DefaultWebhookSignature is research's assumption [A] for the signature.
var DefaultWebhookSignature = connectors.SignatureScheme{Header: "x-hash", Hash: "sha512", Encoding: "hex"}

// WebhookSupportFor is the webhook support of a CCV product (CCV Shop, or
// SalesPOS, which research expects to share the resource [A]).
func WebhookSupportFor(system string) *connectors.WebhookSupport {
	return &connectors.WebhookSupport{
		Reader: func(s connectors.WebhookSettings) (connectors.WebhookReader, error) {
			scheme := s.Signature.Or(DefaultWebhookSignature)
			if err := scheme.Check(); err != nil {
				return nil, &connectors.Error{Kind: connectors.KindConfig, System: system, Op: "read webhook", Message: "webhooks.signature " + err.Error()}
			}
			if len(s.Secrets) == 0 {
				return nil, &connectors.Error{Kind: connectors.KindConfig, System: system, Op: "read webhook",
					Message: "no webhook keys: webhooks.secret must name the variable holding the keys of the shop's webhooks " +
						"(comma-separated; starter webhooks apply --env-file writes them)"}
			}
			return webhookReader{system: system, scheme: scheme, secrets: s.Secrets}, nil
		},
		Events:    WebhookEvents,
		Signature: DefaultWebhookSignature,
	}
}

type webhookReader struct {
	system  string
	scheme  connectors.SignatureScheme
	secrets []string
}

// webhookBody holds the fields of §1.10's payloads the reader uses.
type webhookBody struct {
	ID            json.Number `json:"id"`
	TriggeredAt   string      `json:"triggered_at"`
	Paid          *bool       `json:"paid"`
	Status        json.Number `json:"status"`
	OrderNumber   json.Number `json:"order_number"`
	ProductNumber *string     `json:"productnumber"`
}

func (r webhookReader) ReadWebhook(d connectors.WebhookDelivery) (connectors.WebhookEvent, error) {
	if err := r.scheme.VerifyHMAC(r.system, d, d.Body, r.secrets); err != nil {
		return connectors.WebhookEvent{}, err
	}
	var b webhookBody
	dec := json.NewDecoder(bytes.NewReader(d.Body))
	dec.UseNumber()
	if err := dec.Decode(&b); err != nil {
		return connectors.WebhookEvent{}, connectors.WebhookError(connectors.KindValidation, r.system, "the body is not a CCV webhook payload: %s", err)
	}
	sum := sha256.Sum256(d.Body)
	ev := connectors.WebhookEvent{ID: "sha256:" + hex.EncodeToString(sum[:]), Type: d.Query.Get(webhookEventQueryKey),
		EntityID: b.ID.String(), Subject: connectors.WebhookOther}
	if b.TriggeredAt != "" {
		at, err := parseWebhookTime(b.TriggeredAt)
		if err != nil {
			return connectors.WebhookEvent{}, connectors.WebhookError(connectors.KindValidation, r.system, "triggered_at %q is no time", b.TriggeredAt)
		}
		ev.At = at
	}
	if ev.Type == "" { // registered elsewhere, without ?event=: tell by the fields
		switch {
		case b.ProductNumber != nil:
			ev.Type = EventProductUpdated
		case b.Paid != nil:
			ev.Type = EventOrderPaid
		case b.Status != "":
			ev.Type = EventOrderStatus
		case b.OrderNumber != "":
			ev.Type = EventOrderCreated
		}
	}
	switch {
	case strings.HasPrefix(ev.Type, "orders.") && ev.Type != "orders.deleted":
		ev.Subject = connectors.WebhookOrder
	case ev.Type == EventProductCreated || ev.Type == EventProductUpdated:
		ev.Subject = connectors.WebhookProduct
	}
	if ev.Subject != connectors.WebhookOther && ev.EntityID == "" {
		return connectors.WebhookEvent{}, connectors.WebhookError(connectors.KindValidation, r.system, "the %s event names no id", ev.Type)
	}
	return ev, nil
}

// parseWebhookTime reads triggered_at: RFC 3339 as the API writes its
// dates, or UNIX seconds (the payload's format is not documented).
func parseWebhookTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02 15:04:05", s); err == nil {
		return t.UTC(), nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(n, 0).UTC(), nil
}

type wireWebhook struct {
	ID       int64  `json:"id"`
	Event    string `json:"event"`
	Address  string `json:"address"`
	Key      string `json:"key"`
	IsActive bool   `json:"is_active"`
}

// WebhookAddress is the address one event's subscription delivers to.
func WebhookAddress(receiver, event string) string {
	u, err := url.Parse(receiver)
	if err != nil {
		return receiver
	}
	q := u.Query()
	q.Set(webhookEventQueryKey, event)
	u.RawQuery = q.Encode()
	return u.String()
}

// ApplyWebhooks makes sure each event has one active subscription
// delivering to the receiver: it creates the missing ones, switches
// inactive ones on and moves ones at the same route on the receiver's old
// host; applying twice changes nothing. Each change carries the
// subscription's key, for the receiver's secret.
func (c *Client) ApplyWebhooks(ctx context.Context, receiver string, events []string) ([]connectors.WebhookChange, error) {
	existing, err := c.listWebhooks(ctx)
	if err != nil {
		return nil, err
	}
	var out []connectors.WebhookChange
	for _, ev := range events {
		address := WebhookAddress(receiver, ev)
		ch := connectors.WebhookChange{Event: ev, Action: "created"}
		found := findWebhook(existing, ev, address)
		switch {
		case found != nil && found.IsActive && found.Address == address:
			ch.ID, ch.Action, ch.Secret = strconv.FormatInt(found.ID, 10), "unchanged", found.Key
		case found != nil:
			// Ours, switched off or delivering to the receiver's old address.
			uri := fmt.Sprintf("%s/webhooks/%d/", APIPath, found.ID)
			body := map[string]any{"is_active": true}
			ch.Action = "switched on"
			if found.Address != address {
				body["address"], ch.Action = address, "moved"
			}
			if _, err := c.send(ctx, OpUpdateWebhook, http.MethodPatch, uri, body, nil); err != nil {
				return out, err
			}
			ch.ID, ch.Secret = strconv.FormatInt(found.ID, 10), found.Key
		default:
			var made wireWebhook
			body := map[string]any{"event": ev, "address": address, "is_active": true}
			if _, err := c.send(ctx, OpCreateWebhook, http.MethodPost, APIPath+"/webhooks/", body, &made); err != nil {
				return out, err
			}
			if made.Key == "" { // an empty answer (§1.9): read it back
				again, err := c.listWebhooks(ctx)
				if err != nil {
					return out, err
				}
				for _, w := range again {
					if w.Event == ev && w.Address == address {
						made = w
					}
				}
			}
			ch.ID, ch.Secret = strconv.FormatInt(made.ID, 10), made.Key
		}
		out = append(out, ch)
	}
	return out, nil
}

// findWebhook finds the event's subscription for this receiver: at the
// address itself, else one at the same route on another host (the
// receiver moved), so applying again corrects it rather than adding one.
func findWebhook(list []wireWebhook, event, address string) *wireWebhook {
	route := func(a string) string {
		u, err := url.Parse(a)
		if err != nil {
			return a
		}
		return u.Path + "?" + u.RawQuery
	}
	var moved *wireWebhook
	for i := range list {
		w := &list[i]
		switch {
		case w.Event != event:
		case w.Address == address:
			return w
		case moved == nil && route(w.Address) == route(address):
			moved = w
		}
	}
	return moved
}

func (c *Client) listWebhooks(ctx context.Context) ([]wireWebhook, error) {
	var all []wireWebhook
	uri := fmt.Sprintf("%s/webhooks/?start=0&size=%d", APIPath, c.cfg.MaxPageSize)
	for uri != "" {
		var page wireCollection[wireWebhook]
		if err := c.get(ctx, OpListWebhooks, uri, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		next := ""
		if page.Next != nil && *page.Next != uri && len(page.Items) > 0 {
			next = *page.Next
		}
		uri = next
	}
	return all, nil
}
