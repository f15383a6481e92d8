package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/koppel/koppel/activities"
)

// WebhookHealth is what the poll knows of an integration's webhooks, carried
// in its cursor from run to run.
type WebhookHealth struct {
	// PollOnlySince is when the poll last began finding new orders that no
	// webhook had brought first; zero while webhooks bring them.
	PollOnlySince time.Time `json:"pollOnlySince,omitempty"`
	// Down: the outage was alerted and polling went back to the flow's
	// interval; cleared when an event brings an order again.
	Down bool `json:"down,omitempty"`
}

// webhookVerdict is what a run's findings mean for the webhooks.
type webhookVerdict int

const (
	webhooksAsBefore webhookVerdict = iota
	webhooksDown                    // the outage begins: alert, poll faster
	webhooksBack                    // an event brought an order again: poll slower
)

// judgeWebhooks judges the webhooks by what a run found. An order the poll
// found already started was brought by a webhook (the receiver starts it
// under the same id); orders the poll had to start itself, for OutageAfter
// with none brought, mean the webhooks stopped.
func judgeWebhooks(h WebhookHealth, w activities.WebhookPolling, run RunStats, now time.Time) (WebhookHealth, webhookVerdict) {
	switch {
	case run.AlreadyKnown > 0:
		if h.Down {
			return WebhookHealth{}, webhooksBack
		}
		return WebhookHealth{}, webhooksAsBefore
	case run.Started > 0:
		if h.PollOnlySince.IsZero() {
			h.PollOnlySince = now
		}
		if !h.Down && now.Sub(h.PollOnlySince) >= w.OutageAfter {
			h.Down = true
			return h, webhooksDown
		}
	}
	return h, webhooksAsBefore
}

// watchWebhooks acts on the verdict: an outage is alerted once and polling
// goes back to the flow's own interval until an event brings an order again.
func (s *orderSync) watchWebhooks(ctx workflow.Context, prev *WebhookHealth, now time.Time) *WebhookHealth {
	w := s.settings.Webhooks
	if w == nil {
		return nil
	}
	var h WebhookHealth
	if prev != nil {
		h = *prev
	}
	since := h.PollOnlySince
	h, verdict := judgeWebhooks(h, *w, s.stats, now)
	log := workflow.GetLogger(ctx)
	switch verdict {
	case webhooksBack:
		log.Info("webhooks bring orders again; polling slows down", "Integration", s.in.Integration, "Flow", FlowOrders,
			"Every", w.PollInterval.String())
		s.setPollInterval(ctx, w.PollInterval, "webhooks work: polling is the safety net")
	case webhooksDown:
		if since.IsZero() {
			since = now
		}
		reason := fmt.Sprintf("no webhook event brought an order for %s while polling found new ones: "+
			"the source stopped sending (or the receiver is unreachable); polling every %s until events arrive again",
			now.Sub(since).Round(time.Second), w.Interval)
		log.Warn("webhook outage", "Integration", s.in.Integration, "Flow", FlowOrders, "Reason", reason)
		info := workflow.GetInfo(ctx)
		startNotice(ctx, activities.FailureNotice{Integration: s.in.Integration, Flow: FlowOrders, Record: "webhooks",
			Reason: reason, Actionable: true, WorkflowID: info.WorkflowExecution.ID, RunID: info.WorkflowExecution.RunID})
		s.setPollInterval(ctx, w.Interval, "webhook outage: polling at the flow's interval")
	}
	return &h
}

// setPollInterval changes the schedule; a failure is logged and tried again
// on a later run, never fails this one.
func (s *orderSync) setPollInterval(ctx workflow.Context, every time.Duration, why string) {
	err := workflow.ExecuteActivity(withSettingsChange(ctx), a.SetPollInterval, activities.SetPollIntervalInput{
		ScheduleID: ScheduleID(s.in.Integration, FlowOrders), Every: every, Why: why}).Get(ctx, nil)
	if err != nil {
		workflow.GetLogger(ctx).Warn("could not change the poll interval", "Integration", s.in.Integration, "Flow", FlowOrders, "Error", err)
	}
}
