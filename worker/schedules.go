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
		o := in.Flows.Orders
		if o == nil {
			continue
		}
		opts := orderSchedule(in, taskQueue)
		ch, err := applySchedule(ctx, c, opts, o.IsEnabled())
		if err != nil {
			return out, err
		}
		out = append(out, ch)
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

func orderSchedule(in config.Integration, taskQueue string) client.ScheduleOptions {
	o := in.Flows.Orders
	id := workflows.ScheduleID(in.Name, workflows.FlowOrders)
	every := o.Interval.D()
	catchup := every
	if catchup < time.Minute {
		catchup = time.Minute
	}
	return client.ScheduleOptions{
		ID: id,
		Spec: client.ScheduleSpec{
			Intervals: []client.ScheduleIntervalSpec{{Every: every}},
			Jitter:    o.Jitter.D(),
		},
		Action: &client.ScheduleWorkflowAction{
			ID:        id,
			Workflow:  workflows.OrderSyncWorkflow,
			Args:      []any{workflows.OrderSyncInput{Integration: in.Name}},
			TaskQueue: taskQueue,
			TypedSearchAttributes: temporal.NewSearchAttributes(
				workflows.SAIntegration.ValueSet(in.Name),
				workflows.SAFlow.ValueSet(workflows.FlowOrders),
				workflows.SASourceSystem.ValueSet(in.Source.System),
				workflows.SATargetSystem.ValueSet(in.Target.System),
			),
			WorkflowRunTimeout: 2 * time.Hour,
		},
		// A run still busy when the next tick comes makes that tick skip;
		// after downtime only one catch-up run fires, not one per missed tick.
		Overlap:            enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow:      catchup,
		TriggerImmediately: true,
		Note:               fmt.Sprintf("%s orders: %s → %s", in.Name, in.Source.System, in.Target.System),
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
