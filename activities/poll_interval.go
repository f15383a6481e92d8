package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// SetPollIntervalInput sets how often an integration's orders are polled.
type SetPollIntervalInput struct {
	ScheduleID string        `json:"scheduleId"`
	Every      time.Duration `json:"every"`
	// Why is the schedule's note, for the operator.
	Why string `json:"why"`
}

// SetPollInterval changes the polling schedule's interval: longer while
// webhooks bring the orders, back to the flow's own during an outage. It
// reports the interval found before; a schedule already at Every is left as
// it is, so a retry changes nothing.
func (a *Activities) SetPollInterval(ctx context.Context, in SetPollIntervalInput) (string, error) {
	if a.Temporal == nil {
		return "", errors.New("no Temporal client: the worker cannot change its schedules")
	}
	var before time.Duration
	err := a.Temporal.ScheduleClient().GetHandle(ctx, in.ScheduleID).Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(u client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			s := u.Description.Schedule
			if s.Spec == nil || len(s.Spec.Intervals) == 0 {
				return nil, fmt.Errorf("schedule %s has no interval", in.ScheduleID)
			}
			before = s.Spec.Intervals[0].Every
			if before == in.Every {
				return nil, temporal.ErrSkipScheduleUpdate
			}
			s.Spec.Intervals[0].Every = in.Every
			if s.State != nil {
				s.State.Note = in.Why
			}
			return &client.ScheduleUpdate{Schedule: &s}, nil
		},
	})
	if err != nil {
		return "", fmt.Errorf("setting the poll interval of %s to %s: %w", in.ScheduleID, in.Every, err)
	}
	return fmt.Sprintf("every %s (was %s)", in.Every, before), nil
}
