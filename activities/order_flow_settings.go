package activities

import (
	"context"
	"time"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
)

// OrderFlowSettingsInput names an integration.
type OrderFlowSettingsInput struct {
	Integration string `json:"integration"`
}

// OrderFlowSettings are the order flow settings the polling workflow needs.
type OrderFlowSettings struct {
	Source string `json:"source"`
	Target string `json:"target"`
	// StartFrom is where the very first run starts; zero means the beginning.
	StartFrom       time.Time     `json:"startFrom"`
	PageSize        int           `json:"pageSize"`
	MaxOrdersPerRun int           `json:"maxOrdersPerRun"`
	SettleDelay     time.Duration `json:"settleDelay"`
	PendingMaxAge   time.Duration `json:"pendingMaxAge"`
	// RecheckPerRun and RecheckPerMinute bound how many waiting orders a run
	// looks at again and how fast: their share of the source's read quota.
	RecheckPerRun    int `json:"recheckPerRun,omitempty"`
	RecheckPerMinute int `json:"recheckPerMinute,omitempty"`
	// Webhooks is set when the source pushes its orders: the poll then
	// watches whether they keep coming (nil: polling only).
	Webhooks *WebhookPolling `json:"webhooks,omitempty"`
}

// WebhookPolling is how the poll behaves beside webhooks.
type WebhookPolling struct {
	// PollInterval while webhooks work; Interval (the flow's own) while
	// they are down.
	PollInterval time.Duration `json:"pollInterval"`
	Interval     time.Duration `json:"interval"`
	// OutageAfter: the poll alone finding the new orders for this long
	// means webhooks are down.
	OutageAfter time.Duration `json:"outageAfter"`
}

// LoadOrderFlowSettings reads the current settings from the worker's
// integration file, so a changed file takes effect on the next run.
func (a *Activities) LoadOrderFlowSettings(_ context.Context, in OrderFlowSettingsInput) (OrderFlowSettings, error) {
	rt, err := a.orderIntegration(in.Integration)
	if err != nil {
		return OrderFlowSettings{}, err
	}
	f := rt.Config.Flows.Orders
	perMinute, perRun := RecheckBudget(rt.Config)
	return OrderFlowSettings{
		Source: rt.Config.Source.System, Target: rt.Config.Target.System,
		StartFrom: f.StartFrom.Time, PageSize: f.PageSize, MaxOrdersPerRun: f.MaxOrdersPerRun,
		SettleDelay: f.SettleDelay.D(), PendingMaxAge: f.PendingMaxAge.D(),
		RecheckPerMinute: perMinute, RecheckPerRun: perRun,
		Webhooks: webhookPolling(rt.Config),
	}, nil
}

// fallbackReadsPerMinute is the read quota assumed for a source that
// publishes none and has no rateLimit set.
const fallbackReadsPerMinute = 60

// RecheckBudget is how fast, and how many per run, waiting orders are
// looked at again: recheckQuotaPercent of the source's read quota (its
// rateLimit.readsPerMinute, else the quota it publishes). One run rechecks
// at most what fits half its interval, and never more than 90 seconds'
// worth: the run ends well before the next tick (which a schedule skips
// while a run is busy) and the recheck activity inside its two minutes.
func RecheckBudget(in config.Integration) (perMinute, perRun int) {
	f := in.Flows.Orders
	quota := in.Source.RateLimit.ReadsPerMinute
	if quota <= 0 {
		quota = publishedReadsPerMinute(in.Source.System)
	}
	if quota <= 0 {
		return 0, 0 // unlimited: every waiting order every run
	}
	perMinute = max(1, quota*f.RecheckQuotaPercent/100)
	window := min(f.Interval.D()/2, 90*time.Second)
	perRun = max(1, int(float64(perMinute)*window.Minutes()))
	return perMinute, perRun
}

// publishedReadsPerMinute is the read quota a system publishes per
// credential and minute (the tightest read limit it lists), or
// fallbackReadsPerMinute.
func publishedReadsPerMinute(system string) int {
	reg, ok := connectors.Lookup(system)
	if !ok {
		return fallbackReadsPerMinute
	}
	best := 0
	for _, l := range reg.Limits {
		if l.Requests <= 0 || l.Per <= 0 || !l.Reads {
			continue
		}
		n := int(float64(l.Requests) * float64(time.Minute) / float64(l.Per))
		if best == 0 || n < best {
			best = n
		}
	}
	if best == 0 {
		return fallbackReadsPerMinute
	}
	return best
}

func webhookPolling(in config.Integration) *WebhookPolling {
	w := in.Webhooks
	if !w.IsEnabled() {
		return nil
	}
	return &WebhookPolling{PollInterval: w.PollInterval.D(), Interval: in.Flows.Orders.Interval.D(), OutageAfter: w.OutageAfter.D()}
}
