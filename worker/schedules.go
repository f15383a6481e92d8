package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/workflows"
)

// ScheduleChange reports what ApplySchedules did to one schedule.
type ScheduleChange struct {
	ID     string
	Action string // created, updated, paused
	Every  time.Duration
}

// ApplySchedules makes Temporal's schedules match the integration file:
// creates missing ones, updates existing ones in place (so the cursor, kept
// with the schedule's runs, survives) and pauses those of disabled flows. It
// is safe to run any number of times.
func ApplySchedules(ctx context.Context, c client.Client, f *config.File, taskQueue string) ([]ScheduleChange, error) {
	var out []ScheduleChange
	for _, in := range f.Integrations {
		for _, fs := range flowSchedules(in) {
			ch, err := applySchedule(ctx, c, fs.options(in, taskQueue), fs.enabled)
			if err != nil {
				return out, err
			}
			out = append(out, ch)
		}
		if in.Alerts != nil {
			hour, minute, zone, on := in.Alerts.Digest()
			ch, err := applySchedule(ctx, c, digestSchedule(in, taskQueue, hour, minute, zone), on)
			if err != nil {
				return out, err
			}
			out = append(out, ch)
		}
	}
	return out, nil
}

// digestSchedule sends the integration's daily digest at a time of day.
func digestSchedule(in config.Integration, taskQueue string, hour, minute int, zone string) client.ScheduleOptions {
	id := workflows.ScheduleID(in.Name, workflows.FlowDigest)
	return client.ScheduleOptions{
		ID: id,
		Spec: client.ScheduleSpec{
			Calendars:    []client.ScheduleCalendarSpec{{Hour: []client.ScheduleRange{{Start: hour}}, Minute: []client.ScheduleRange{{Start: minute}}}},
			TimeZoneName: zone,
		},
		Action: &client.ScheduleWorkflowAction{
			ID:        id,
			Workflow:  workflows.DigestWorkflow,
			Args:      []any{workflows.DigestWorkflowInput{Integration: in.Name}},
			TaskQueue: taskQueue,
			TypedSearchAttributes: temporal.NewSearchAttributes(
				workflows.SAIntegration.ValueSet(in.Name), workflows.SAFlow.ValueSet(workflows.FlowDigest)),
			WorkflowRunTimeout: 12 * time.Hour,
		},
		Overlap:       enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow: time.Hour,
		Note:          fmt.Sprintf("%s daily digest at %02d:%02d %s", in.Name, hour, minute, zone),
	}
}

// flowSchedule is one polling flow of an integration as a schedule.
type flowSchedule struct {
	flow          string
	every, jitter time.Duration
	enabled       bool
	workflow      any
	args          any
	from, to      string
	runTimeout    time.Duration
	triggerAtOnce bool
}

// flowSchedules lists the polling flows the integration file configures:
// orders, products and stock (in their active direction) and customers.
func flowSchedules(in config.Integration) []flowSchedule {
	var out []flowSchedule
	if o := in.Flows.Orders; o != nil {
		every := o.Interval.D()
		if in.Webhooks.IsEnabled() {
			every = in.Webhooks.PollInterval.D() // the safety net; the poll shortens it during an outage
		}
		out = append(out, flowSchedule{flow: workflows.FlowOrders, every: every, jitter: o.Jitter.D(), enabled: o.IsEnabled(),
			workflow: workflows.OrderSyncWorkflow, args: workflows.OrderSyncInput{Integration: in.Name},
			from: in.Source.System, to: in.Target.System, runTimeout: 2 * time.Hour, triggerAtOnce: true})
	}
	catalog := func(flow string, f *config.CatalogFlow, d config.Direction, wf any) flowSchedule {
		from, to := in.Source.System, in.Target.System
		if d == config.TargetToSource {
			from, to = to, from
		}
		return flowSchedule{flow: flow, every: f.Interval.D(), jitter: f.Jitter.D(), enabled: f.IsEnabled(),
			workflow: wf, args: workflows.CatalogInput{Integration: in.Name}, from: from, to: to,
			runTimeout: 6 * time.Hour, triggerAtOnce: true}
	}
	if pf, d := in.ProductFlowFor(); pf != nil {
		out = append(out, catalog(workflows.FlowProducts, &pf.CatalogFlow, d, workflows.ProductSyncWorkflow))
	} else if pf := firstNonNil(in.Flows.Products, in.Flows.ProductsToSource); pf != nil {
		out = append(out, catalog(workflows.FlowProducts, &pf.CatalogFlow, config.SourceToTarget, workflows.ProductSyncWorkflow))
	}
	if sf, d := in.StockFlowFor(); sf != nil {
		out = append(out, catalog(workflows.FlowStock, &sf.CatalogFlow, d, workflows.StockSyncWorkflow))
	} else if sf := firstNonNil(in.Flows.Stock, in.Flows.StockToSource); sf != nil {
		out = append(out, catalog(workflows.FlowStock, &sf.CatalogFlow, config.SourceToTarget, workflows.StockSyncWorkflow))
	}
	if cf := in.Flows.Customers; cf != nil {
		out = append(out, catalog(workflows.FlowCustomers, &cf.CatalogFlow, config.SourceToTarget, workflows.CustomerSyncWorkflow))
	}
	return out
}

// firstNonNil returns the first configured flow (both are disabled when the
// caller asks: its schedule is kept, paused).
func firstNonNil[F any](fs ...*F) *F {
	for _, f := range fs {
		if f != nil {
			return f
		}
	}
	return nil
}

func (fs flowSchedule) options(in config.Integration, taskQueue string) client.ScheduleOptions {
	id := workflows.ScheduleID(in.Name, fs.flow)
	catchup := fs.every
	if catchup < time.Minute {
		catchup = time.Minute
	}
	return client.ScheduleOptions{
		ID: id,
		Spec: client.ScheduleSpec{
			Intervals: []client.ScheduleIntervalSpec{{Every: fs.every}},
			Jitter:    fs.jitter,
		},
		Action: &client.ScheduleWorkflowAction{
			ID:        id,
			Workflow:  fs.workflow,
			Args:      []any{fs.args},
			TaskQueue: taskQueue,
			TypedSearchAttributes: temporal.NewSearchAttributes(
				workflows.SAIntegration.ValueSet(in.Name),
				workflows.SAFlow.ValueSet(fs.flow),
				workflows.SASourceSystem.ValueSet(fs.from),
				workflows.SATargetSystem.ValueSet(fs.to),
			),
			WorkflowRunTimeout: fs.runTimeout,
		},
		// A run still busy when the next tick comes makes that tick skip;
		// after downtime only one catch-up run fires, not one per missed tick.
		Overlap:            enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow:      catchup,
		TriggerImmediately: fs.triggerAtOnce,
		Note:               fmt.Sprintf("%s %s: %s → %s", in.Name, fs.flow, fs.from, fs.to),
	}
}

func applySchedule(ctx context.Context, c client.Client, opts client.ScheduleOptions, enabled bool) (ScheduleChange, error) {
	ch := ScheduleChange{ID: opts.ID, Every: 24 * time.Hour}
	if len(opts.Spec.Intervals) > 0 {
		ch.Every = opts.Spec.Intervals[0].Every
	}
	opts.Paused = !enabled
	_, err := c.ScheduleClient().Create(ctx, opts)
	switch {
	case err == nil:
		ch.Action = "created"
		if !enabled {
			ch.Action = "created paused"
		}
		return ch, nil
	case !errors.Is(err, temporal.ErrScheduleAlreadyRunning):
		return ch, fmt.Errorf("creating schedule %s: %w", opts.ID, err)
	}
	h := c.ScheduleClient().GetHandle(ctx, opts.ID)
	err = h.Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			s := in.Description.Schedule
			s.Spec = &opts.Spec
			s.Action = opts.Action
			s.Policy.Overlap = opts.Overlap
			s.Policy.CatchupWindow = opts.CatchupWindow
			return &client.ScheduleUpdate{Schedule: &s}, nil
		},
	})
	if err != nil {
		return ch, fmt.Errorf("updating schedule %s: %w", opts.ID, err)
	}
	ch.Action = "updated"
	if !enabled {
		if err := h.Pause(ctx, client.SchedulePauseOptions{Note: "flow disabled in the integration file"}); err != nil {
			return ch, fmt.Errorf("pausing schedule %s: %w", opts.ID, err)
		}
		ch.Action = "updated and paused"
	}
	return ch, nil
}
