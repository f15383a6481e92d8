package simkit

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Webhooks is the delivery engine a simulator's webhook emitter runs on:
// it POSTs a prepared body with its headers to a URL in the background,
// retries on a schedule until the receiver's answer counts as a success,
// and logs every attempt. It also keeps the events a simulator emitted
// and, for tests, holds new ones back on request. What an event is, its
// body, URL and signature stay with each simulator: E is its event type.
//
// Safe for concurrent use. Close stops the retries still waiting.
type Webhooks[E any] struct {
	retries []time.Duration
	client  *http.Client
	success func(status int) bool
	ctx     context.Context
	cancel  context.CancelFunc

	mu         sync.Mutex
	idle       *sync.Cond // signalled when pending drops to 0
	pending    int        // deliveries still sending or waiting to retry
	events     []E
	deliveries []Delivery
	hold       bool
	held       []E
}

// WebhookConfig configures a delivery engine.
type WebhookConfig struct {
	// Retries are the waits before each retry of a failed delivery; nil or
	// empty means no retry. Each system picks its own default.
	Retries []time.Duration
	// Client sends the deliveries; nil means one with a 10 s timeout.
	Client *http.Client
	// Success tells whether a receiver's status ends a delivery; nil means
	// OnlyOK. Systems differ: Ecwid counts only 200, others any 2xx.
	Success func(status int) bool
}

// OnlyOK counts only 200 as delivered.
func OnlyOK(status int) bool { return status == http.StatusOK }

// Any2xx counts every 2xx as delivered.
func Any2xx(status int) bool { return status >= 200 && status < 300 }

// Outgoing is one event prepared for delivery.
type Outgoing struct {
	// EventID and EventType name the event in the delivery log.
	EventID, EventType string
	URL                string
	Body               []byte
	// Header is sent as is: content type, signature and anything else.
	Header http.Header
	// SignatureHeader names the header whose value the log keeps as the
	// signature sent ("" or absent: none).
	SignatureHeader string
}

// Delivery is one attempt to deliver an event.
type Delivery struct {
	EventID   string
	EventType string
	Attempt   int    // from 1
	Status    int    // the receiver's status; 0 when it could not be reached
	Err       string // why it could not be reached
	Signature string // the signature header sent ("" for none)
}

// NewWebhooks builds an engine.
func NewWebhooks[E any](c WebhookConfig) *Webhooks[E] {
	if c.Client == nil {
		c.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if c.Success == nil {
		c.Success = OnlyOK
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &Webhooks[E]{retries: slices.Clone(c.Retries), client: c.Client, success: c.Success, ctx: ctx, cancel: cancel}
	w.idle = sync.NewCond(&w.mu)
	return w
}

// Record logs an emitted event. It reports whether to deliver it now:
// false while Hold keeps new events back (they wait for TakeHeld).
func (w *Webhooks[E]) Record(ev E) (deliver bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.events = append(w.events, ev)
	if w.hold {
		w.held = append(w.held, ev)
		return false
	}
	return true
}

// Deliver sends o in the background, retrying on the schedule until a
// success or the schedule runs out. After Close it sends nothing.
func (w *Webhooks[E]) Deliver(o Outgoing) {
	w.mu.Lock()
	if w.ctx.Err() != nil {
		w.mu.Unlock()
		return
	}
	w.pending++
	w.mu.Unlock()
	go func() {
		defer w.done()
		signature := ""
		if o.SignatureHeader != "" {
			signature = o.Header.Get(o.SignatureHeader)
		}
		for attempt := 1; ; attempt++ {
			status, err := w.post(o)
			d := Delivery{EventID: o.EventID, EventType: o.EventType, Attempt: attempt, Status: status, Signature: signature}
			if err != nil {
				d.Err = err.Error()
			}
			w.mu.Lock()
			w.deliveries = append(w.deliveries, d)
			w.mu.Unlock()
			if (err == nil && w.success(status)) || attempt > len(w.retries) {
				return
			}
			t := time.NewTimer(w.retries[attempt-1])
			select {
			case <-t.C:
			case <-w.ctx.Done():
				t.Stop()
				return
			}
		}
	}()
}

func (w *Webhooks[E]) done() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending--
	if w.pending == 0 {
		w.idle.Broadcast()
	}
}

func (w *Webhooks[E]) post(o Outgoing) (int, error) {
	req, err := http.NewRequestWithContext(w.ctx, http.MethodPost, o.URL, bytes.NewReader(o.Body))
	if err != nil {
		return 0, err
	}
	for k, v := range o.Header {
		req.Header[k] = slices.Clone(v)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// Events are the events recorded so far, in order (a new slice; the
// events themselves are as recorded).
func (w *Webhooks[E]) Events() []E {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.events)
}

// Deliveries are the delivery attempts so far, in order.
func (w *Webhooks[E]) Deliveries() []Delivery {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.deliveries)
}

// Hold keeps (on) or stops keeping (off) new events from being delivered.
func (w *Webhooks[E]) Hold(on bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.hold = on
}

// TakeHeld hands out the events held back so far and forgets them.
func (w *Webhooks[E]) TakeHeld() []E {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.held
	w.held = nil
	return out
}

// Wait returns once every delivery has succeeded, run out of retries or
// been stopped by Close.
func (w *Webhooks[E]) Wait() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.pending > 0 {
		w.idle.Wait()
	}
}

// Close cancels the deliveries in flight and the retries still waiting,
// and waits until they have stopped.
func (w *Webhooks[E]) Close() {
	w.mu.Lock()
	w.cancel() // under mu, so no Deliver starts after it
	w.mu.Unlock()
	w.Wait()
}
