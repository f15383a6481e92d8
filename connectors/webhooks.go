package connectors

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Webhooks are hints: a delivery names what changed in a source, never the
// data a flow writes. The receiver (worker/webhooks.go) verifies a delivery
// with the source's WebhookReader, then starts the order's workflow or nudges
// a catalog flow; the flow still reads the record through the API.

// WebhookDelivery is one HTTP delivery as the receiver got it.
type WebhookDelivery struct {
	Header http.Header
	Query  url.Values
	Body   []byte
}

// WebhookSubject is what an event is about, as far as the flows care.
type WebhookSubject string

const (
	// WebhookOrder: an order was created, paid or changed status.
	WebhookOrder WebhookSubject = "order"
	// WebhookProduct: a product (or its stock) was created or changed.
	WebhookProduct WebhookSubject = "product"
	// WebhookOther: an event no flow acts on (it is acknowledged).
	WebhookOther WebhookSubject = "other"
)

// WebhookEvent is what one delivery says.
type WebhookEvent struct {
	// ID identifies the event for de-duplication: the source's event id, or
	// where it sends none a digest of the signed body (a redelivery of the
	// same body is the same event).
	ID string
	// Type is the source's event name (order.updated, orders.updated.ispaid).
	Type    string
	Subject WebhookSubject
	// EntityID is the record's id as the source's API takes it (GetOrder's
	// id for an order); empty when the event names none.
	EntityID string
	// At is when the source says the event happened; zero when it does not
	// say. The receiver refuses events older than its window.
	At time.Time
}

// WebhookReader reads one source's deliveries: it checks the signature with
// the configured secrets (a bad or missing one is a KindAuth error, safe to
// show: it never echoes the secret or the body) and reads the event (a body
// it cannot read is KindValidation).
type WebhookReader interface {
	ReadWebhook(d WebhookDelivery) (WebhookEvent, error)
}

// WebhookSettings build a WebhookReader.
type WebhookSettings struct {
	// Secrets are the keys a signature may be made with (a source that keys
	// each subscription on its own has several); values, never logged.
	Secrets []string
	// Signature overrides the scheme where research marks the source's
	// scheme unconfirmed; the zero value keeps the connector's default.
	Signature SignatureScheme
}

// SignatureScheme is an HMAC signature over a delivery: which header carries
// it, which hash, and how the digest is written.
type SignatureScheme struct {
	Header   string `yaml:"header"`
	Hash     string `yaml:"hash"`     // sha256 or sha512
	Encoding string `yaml:"encoding"` // hex or base64
}

// Or fills the empty fields of s from def.
func (s SignatureScheme) Or(def SignatureScheme) SignatureScheme {
	if s.Header == "" {
		s.Header = def.Header
	}
	if s.Hash == "" {
		s.Hash = def.Hash
	}
	if s.Encoding == "" {
		s.Encoding = def.Encoding
	}
	return s
}

// Check reports what is wrong with a scheme, for config problems.
func (s SignatureScheme) Check() error {
	switch {
	case s.Header == "":
		return fmt.Errorf("names no header")
	case s.Hash != "sha256" && s.Hash != "sha512":
		return fmt.Errorf("hash %q is not sha256 or sha512", s.Hash)
	case s.Encoding != "hex" && s.Encoding != "base64":
		return fmt.Errorf("encoding %q is not hex or base64", s.Encoding)
	}
	return nil
}

func (s SignatureScheme) newHash() func() hash.Hash {
	if s.Hash == "sha256" {
		return sha256.New
	}
	return sha512.New
}

// VerifyHMAC checks that the delivery's header carries HMAC(secret, message)
// for one of the secrets, compared in constant time. A missing header and a
// wrong signature are KindAuth errors that name the header only.
func (s SignatureScheme) VerifyHMAC(system string, d WebhookDelivery, message []byte, secrets []string) error {
	got := strings.TrimSpace(d.Header.Get(s.Header))
	if got == "" {
		return WebhookError(KindAuth, system, "the delivery carries no %s signature", s.Header)
	}
	var sent []byte
	var err error
	if s.Encoding == "base64" {
		sent, err = base64.StdEncoding.DecodeString(got)
	} else {
		sent, err = hex.DecodeString(strings.ToLower(got))
	}
	if err != nil {
		return WebhookError(KindAuth, system, "the %s signature is not %s", s.Header, s.Encoding)
	}
	for _, secret := range secrets {
		mac := hmac.New(s.newHash(), []byte(secret))
		mac.Write(message)
		if hmac.Equal(mac.Sum(nil), sent) {
			return nil
		}
	}
	return WebhookError(KindAuth, system, "the %s signature does not match any configured secret", s.Header)
}

// WebhookRegistrar keeps a source's webhook subscriptions through its API:
// one per event in events, delivering to address, created or corrected so
// that applying twice changes nothing.
type WebhookRegistrar interface {
	ApplyWebhooks(ctx context.Context, address string, events []string) ([]WebhookChange, error)
}

// WebhookChange is what applying did to one subscription.
type WebhookChange struct {
	Event  string
	ID     string
	Action string // created, switched on, moved, unchanged
	// Secret is the key the source made for the subscription, for the
	// operator to keep with the other credentials; never logged.
	Secret string
}

// WebhookSupport describes a source's webhooks in its Registration.
type WebhookSupport struct {
	// Reader builds the reader of deliveries; it needs no API credentials,
	// so the receiver holds none.
	Reader func(WebhookSettings) (WebhookReader, error)
	// Events are the event names to subscribe (order created/paid/status,
	// products and stock).
	Events []string
	// Signature is the default scheme, shown in docs and checked in config.
	Signature SignatureScheme
	// SignatureConfirmed is false where research could not confirm the
	// scheme: the integration file may override it; verify on a live shop.
	SignatureConfirmed bool
	// Setup says what to configure at the vendor when the API cannot
	// register webhooks (the client is then no WebhookRegistrar);
	// %s is the receiver's address.
	Setup string
}

// WebhookError is a delivery's problem, for the receiver to answer and log;
// msg must hold no secret and nothing from the body.
func WebhookError(kind ErrorKind, system, format string, args ...any) error {
	return &Error{Kind: kind, System: system, Op: "read webhook", Message: fmt.Sprintf(format, args...)}
}
