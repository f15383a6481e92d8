package worker

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/workflows"
)

// The webhook receiver (koppel-worker webhooks) takes the sources' pushes:
// one route per integration, POST /webhooks/<integration>. It checks each
// delivery's signature and age, then hands the event to Temporal — an order
// event signals (with start) the order's hint workflow, which starts the
// OrderWorkflow under its usual id once the API says the order is eligible;
// a product event triggers the products and stock schedules — and answers
// 200 only after Temporal has it, so a source that saw 200 never loses the
// event. It needs no API credentials of any system, only the signing
// secrets, and it never logs a body.

// WebhookOptions shape a receiver.
type WebhookOptions struct {
	TaskQueue string
	// MaxBody is the largest body accepted (413 beyond it).
	MaxBody int64
	// FutureSkew is how far in the future an event's time may be (a source
	// clock ahead); 0 means 5 minutes.
	FutureSkew time.Duration
	Now        func() time.Time
	Log        *zap.Logger
	Metrics    *Metrics
}

// WebhookReceiver is an http.Handler.
type WebhookReceiver struct {
	c      client.Client
	o      WebhookOptions
	routes map[string]*hookRoute
	seen   *recentEvents
	nudges *nudger
}

type hookRoute struct {
	in     config.Integration
	reader connectors.WebhookReader
	maxAge time.Duration
	orders bool
	// catalog are the schedules a product event triggers.
	catalog []string
}

// NewWebhookReceiver builds the routes of every integration whose webhooks
// are enabled, reading their secrets with lookup; every missing secret or
// bad setting is reported at once.
func NewWebhookReceiver(f *config.File, lookup func(string) (string, bool), c client.Client, o WebhookOptions) (*WebhookReceiver, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.FutureSkew == 0 {
		o.FutureSkew = 5 * time.Minute
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	r := &WebhookReceiver{c: c, o: o, routes: map[string]*hookRoute{}, seen: newRecentEvents(100_000)}
	r.nudges = newNudger(r.trigger)
	p := &config.Problems{Source: "webhooks"}
	for i, in := range f.Integrations {
		if !in.Webhooks.IsEnabled() {
			continue
		}
		path := fmt.Sprintf("integrations[%d].webhooks", i)
		reg, _ := connectors.Lookup(in.Source.System)
		secret, ok := lookup(in.Webhooks.Secret)
		if !ok || strings.TrimSpace(secret) == "" {
			p.List = append(p.List, fmt.Sprintf("%s.secret: environment variable %s is not set", path, in.Webhooks.Secret))
			continue
		}
		reader, err := reg.Webhooks.Reader(connectors.WebhookSettings{Secrets: config.Secrets(secret),
			Signature: in.Webhooks.SignatureScheme(reg.Webhooks.Signature)})
		if err != nil {
			p.List = append(p.List, fmt.Sprintf("%s: %v", path, err))
			continue
		}
		rt := &hookRoute{in: in, reader: reader, maxAge: in.Webhooks.MaxAge.D(), orders: in.Flows.Orders.IsEnabled()}
		if pf, d := in.ProductFlowFor(); pf != nil && d == config.SourceToTarget {
			rt.catalog = append(rt.catalog, workflows.ScheduleID(in.Name, workflows.FlowProducts))
		}
		if sf, d := in.StockFlowFor(); sf != nil && d == config.SourceToTarget {
			rt.catalog = append(rt.catalog, workflows.ScheduleID(in.Name, workflows.FlowStock))
		}
		r.routes[in.Name] = rt
	}
	if len(p.List) > 0 {
		return nil, p
	}
	if len(r.routes) == 0 {
		return nil, errors.New("no integration has webhooks enabled; add a webhooks block to one (see docs/webhooks.md)")
	}
	return r, nil
}

// Integrations lists the routes served, for the start-up log.
func (r *WebhookReceiver) Integrations() []string {
	out := make([]string, 0, len(r.routes))
	for name := range r.routes {
		out = append(out, name)
	}
	return out
}

// Close stops the catalog nudger.
func (r *WebhookReceiver) Close() { r.nudges.close() }

func (r *WebhookReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.URL.Path == "/healthz" {
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "ok\n")
		return
	}
	name, ok := strings.CutPrefix(req.URL.Path, "/webhooks/")
	rt := r.routes[name]
	if !ok || rt == nil {
		http.Error(w, "no such webhook route", http.StatusNotFound)
		return
	}
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	status, result, ev := r.receive(w, req, rt)
	r.count(name, result)
	fields := []zap.Field{zap.String("integration", name), zap.String("result", result), zap.Int("status", status)}
	if ev.Type != "" {
		// The event's type and the record's id name no person; the body is never logged.
		fields = append(fields, zap.String("event", ev.Type), zap.String("subject", string(ev.Subject)), zap.String("id", ev.EntityID))
	}
	if status >= 500 {
		r.o.Log.Warn("webhook not taken; the source will retry", fields...)
	} else {
		r.o.Log.Info("webhook", fields...)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, result+"\n")
}

// receive reads, checks and hands one delivery over; it returns the status
// to answer and a short result word (metrics label and answer body).
func (r *WebhookReceiver) receive(w http.ResponseWriter, req *http.Request, rt *hookRoute) (int, string, connectors.WebhookEvent) {
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, r.o.MaxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, "too_large", connectors.WebhookEvent{}
	case err != nil:
		return http.StatusBadRequest, "unreadable", connectors.WebhookEvent{}
	}
	ev, err := rt.reader.ReadWebhook(connectors.WebhookDelivery{Header: req.Header, Query: req.URL.Query(), Body: body})
	switch {
	case connectors.IsKind(err, connectors.KindAuth):
		r.o.Log.Warn("webhook refused", zap.String("integration", rt.in.Name), zap.Error(err))
		return http.StatusUnauthorized, "bad_signature", connectors.WebhookEvent{}
	case err != nil:
		r.o.Log.Warn("webhook unreadable", zap.String("integration", rt.in.Name), zap.Error(err))
		return http.StatusBadRequest, "unreadable", connectors.WebhookEvent{}
	}
	now := r.o.Now()
	if !ev.At.IsZero() && (now.Sub(ev.At) > rt.maxAge || ev.At.Sub(now) > r.o.FutureSkew) {
		// A signed event outside the window is a replay (or a clock far
		// off): refused; the poll brings whatever it was about.
		return http.StatusUnauthorized, "stale", ev
	}
	key := rt.in.Name + "|" + ev.ID
	if r.seen.has(key, now) {
		return http.StatusOK, "duplicate", ev
	}
	ctx, cancel := context.WithTimeout(req.Context(), 20*time.Second)
	defer cancel()
	result := "ignored"
	switch {
	case ev.Subject == connectors.WebhookOrder && rt.orders:
		err, result = r.hintOrder(ctx, rt, ev), "order"
	case ev.Subject == connectors.WebhookProduct && len(rt.catalog) > 0:
		result = "catalog"
		for _, id := range rt.catalog {
			if err = r.nudges.nudge(ctx, id); err != nil {
				break
			}
		}
	}
	if err != nil {
		r.o.Log.Warn("webhook event not handed to Temporal", zap.String("integration", rt.in.Name), zap.Error(err))
		return http.StatusServiceUnavailable, "unavailable", ev
	}
	r.seen.add(key, now.Add(rt.maxAge))
	return http.StatusOK, result, ev
}

// hintOrder signals the order's hint workflow, starting it if none runs.
func (r *WebhookReceiver) hintOrder(ctx context.Context, rt *hookRoute, ev connectors.WebhookEvent) error {
	opts := client.StartWorkflowOptions{
		ID:                    workflows.OrderHintWorkflowID(rt.in.Name, ev.EntityID),
		TaskQueue:             r.o.TaskQueue,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowRunTimeout:    time.Hour,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.SAIntegration.ValueSet(rt.in.Name),
			workflows.SAFlow.ValueSet(workflows.FlowOrders),
			workflows.SASourceSystem.ValueSet(rt.in.Source.System),
			workflows.SATargetSystem.ValueSet(rt.in.Target.System),
		),
	}
	_, err := r.c.SignalWithStartWorkflow(ctx, opts.ID, workflows.OrderHintSignal,
		workflows.OrderHint{EventID: ev.ID, EventType: ev.Type}, opts,
		workflows.OrderHintWorkflow, workflows.OrderHintInput{Integration: rt.in.Name, OrderID: ev.EntityID})
	return err
}

// trigger starts a catalog run now, or, when one runs, buffers exactly one
// to follow it: a storm of events makes at most a run and a follower.
func (r *WebhookReceiver) trigger(ctx context.Context, scheduleID string) error {
	return r.c.ScheduleClient().GetHandle(ctx, scheduleID).Trigger(ctx,
		client.ScheduleTriggerOptions{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE})
}

func (r *WebhookReceiver) count(integration, result string) {
	if r.o.Metrics == nil {
		return
	}
	r.o.Metrics.Handler.WithTags(map[string]string{"integration": integration, "result": result}).Counter("koppel_webhook_deliveries").Inc(1)
}

// nudger coalesces schedule triggers: a trigger call serves every event that
// arrived before it began, so a burst of events costs a few calls, and each
// event's change is still seen by a run that starts after it.
type nudger struct {
	do      func(context.Context, string) error
	mu      sync.Mutex
	waiting map[string]*nudgeBatch // joined, trigger not begun
	running map[string]bool
	ctx     context.Context
	cancel  context.CancelFunc
}

type nudgeBatch struct {
	done chan struct{}
	err  error
}

func newNudger(do func(context.Context, string) error) *nudger {
	ctx, cancel := context.WithCancel(context.Background())
	return &nudger{do: do, waiting: map[string]*nudgeBatch{}, running: map[string]bool{}, ctx: ctx, cancel: cancel}
}

func (n *nudger) nudge(ctx context.Context, id string) error {
	n.mu.Lock()
	b := n.waiting[id]
	if b == nil {
		b = &nudgeBatch{done: make(chan struct{})}
		n.waiting[id] = b
		if !n.running[id] {
			n.running[id] = true
			go n.run(id)
		}
	}
	n.mu.Unlock()
	select {
	case <-b.done:
		return b.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (n *nudger) run(id string) {
	for {
		n.mu.Lock()
		b := n.waiting[id]
		if b == nil {
			delete(n.running, id)
			n.mu.Unlock()
			return
		}
		delete(n.waiting, id)
		n.mu.Unlock()
		ctx, cancel := context.WithTimeout(n.ctx, 15*time.Second)
		b.err = n.do(ctx, id)
		cancel()
		close(b.done)
	}
}

func (n *nudger) close() { n.cancel() }

// recentEvents remembers the events taken lately, so a redelivery is
// answered 200 without a second hand-over. It is a hint cache: after a
// restart a redelivery is handed over again, which the workflows absorb.
type recentEvents struct {
	mu    sync.Mutex
	max   int
	byKey map[string]*list.Element
	order *list.List // of recentEvent, oldest first
}

type recentEvent struct {
	key   string
	until time.Time
}

func newRecentEvents(max int) *recentEvents {
	return &recentEvents{max: max, byKey: map[string]*list.Element{}, order: list.New()}
}

func (s *recentEvents) has(key string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byKey[key]
	return ok && now.Before(e.Value.(recentEvent).until)
}

func (s *recentEvents) add(key string, until time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.byKey[key]; ok {
		s.order.Remove(e)
	}
	s.byKey[key] = s.order.PushBack(recentEvent{key: key, until: until})
	for s.order.Len() > s.max {
		old := s.order.Front()
		s.order.Remove(old)
		delete(s.byKey, old.Value.(recentEvent).key)
	}
}
