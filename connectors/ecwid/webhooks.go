package ecwid

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
)

// Webhooks (research §3.9) are configured on the Ecwid app, not through the
// REST API: a URL and the events. Each delivery is signed in
// X-Ecwid-Webhook-Signature as base64(HMAC-SHA256(client_secret,
// "{eventCreated}.{eventId}")) — only those two fields, not the body, so the
// reader trusts nothing else in it beyond naming what changed.

// WebhookSignatureHeader carries a delivery's signature.
const WebhookSignatureHeader = "X-Ecwid-Webhook-Signature"

// WebhookEvents are the events an integration subscribes to: orders
// (created, paid and status changes are order.updated) and products (stock
// changes are product.updated).
var WebhookEvents = []string{"order.created", "order.updated", "product.created", "product.updated"}

// Webhooks is the connector's webhook support for the registry.
var Webhooks = &connectors.WebhookSupport{
	Reader: func(s connectors.WebhookSettings) (connectors.WebhookReader, error) {
		if len(s.Secrets) == 0 {
			return nil, &connectors.Error{Kind: connectors.KindConfig, System: System, Op: "read webhook",
				Message: "no client secret: webhooks.secret must name the variable holding the app's client_secret"}
		}
		return webhookReader{secrets: s.Secrets}, nil
	},
	Events:             WebhookEvents,
	Signature:          connectors.SignatureScheme{Header: WebhookSignatureHeader, Hash: "sha256", Encoding: "base64"},
	SignatureConfirmed: true,
	Setup: "Ecwid registers webhooks on the app, not through the API: in the app's settings " +
		"(Ecwid's developer portal, \"Webhooks\"), set the URL to %s and tick the events " +
		strings.Join(WebhookEvents, ", ") + "; the app's client_secret signs the deliveries " +
		"(keep it in the variable webhooks.secret names).",
}

type webhookReader struct{ secrets []string }

// webhookBody is a delivery's body; entityId is a number or a string,
// depending on the store's age.
type webhookBody struct {
	EventID      string          `json:"eventId"`
	EventCreated json.Number     `json:"eventCreated"`
	StoreID      json.Number     `json:"storeId"`
	EntityID     json.RawMessage `json:"entityId"`
	EventType    string          `json:"eventType"`
	Data         struct {
		OrderID json.RawMessage `json:"orderId"`
	} `json:"data"`
}

func (r webhookReader) ReadWebhook(d connectors.WebhookDelivery) (connectors.WebhookEvent, error) {
	var b webhookBody
	dec := json.NewDecoder(bytes.NewReader(d.Body))
	dec.UseNumber()
	if err := dec.Decode(&b); err != nil {
		return connectors.WebhookEvent{}, connectors.WebhookError(connectors.KindValidation, System, "the body is not an Ecwid event: %s", jsonProblem(err))
	}
	created, err := strconv.ParseInt(string(b.EventCreated), 10, 64)
	if b.EventID == "" || err != nil {
		// Without both the signature covers nothing: refuse as unsigned.
		return connectors.WebhookEvent{}, connectors.WebhookError(connectors.KindAuth, System, "the event has no eventId or eventCreated to check its signature over")
	}
	scheme := Webhooks.Signature
	if err := scheme.VerifyHMAC(System, d, []byte(strconv.FormatInt(created, 10)+"."+b.EventID), r.secrets); err != nil {
		return connectors.WebhookEvent{}, err
	}
	ev := connectors.WebhookEvent{ID: b.EventID, Type: b.EventType, At: time.Unix(created, 0).UTC(), Subject: connectors.WebhookOther}
	switch {
	case strings.HasPrefix(b.EventType, "order.") && b.EventType != "order.deleted":
		ev.Subject, ev.EntityID = connectors.WebhookOrder, rawID(b.Data.OrderID)
		if ev.EntityID == "" {
			ev.EntityID = rawID(b.EntityID)
		}
	case b.EventType == "product.created" || b.EventType == "product.updated":
		ev.Subject, ev.EntityID = connectors.WebhookProduct, rawID(b.EntityID)
	}
	return ev, nil
}

// rawID reads an id sent as a JSON string or number.
func rawID(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}
