package worker

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	enumspb "go.temporal.io/api/enums/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// fakeDescriber answers with the pollers it holds, or with err.
type fakeDescriber struct {
	pollers   map[string]time.Time
	err       error
	taskQueue string
	kind      enumspb.TaskQueueType
}

func (f *fakeDescriber) DescribeTaskQueue(_ context.Context, taskQueue string, kind enumspb.TaskQueueType) (*workflowservice.DescribeTaskQueueResponse, error) {
	f.taskQueue, f.kind = taskQueue, kind
	if f.err != nil {
		return nil, f.err
	}
	resp := &workflowservice.DescribeTaskQueueResponse{}
	for id, at := range f.pollers {
		resp.Pollers = append(resp.Pollers, &taskqueuepb.PollerInfo{Identity: id, LastAccessTime: timestamppb.New(at)})
	}
	return resp, nil
}

func TestFleetWatchCountsRecentPollers(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	d := &fakeDescriber{pollers: map[string]time.Time{
		"1@me@":     now.Add(-time.Second),
		"2@other@":  now.Add(-30 * time.Second),
		"3@third@":  now.Add(-80 * time.Second), // idle: polls about once a minute
		"4@gone@":   now.Add(-5 * time.Minute),
		"5@ahead@":  now.Add(20 * time.Second), // the server's clock runs ahead
		"6@behind@": now.Add(-75 * time.Second),
	}}
	core, logs := observer.New(zap.InfoLevel)
	var sizes []int
	f := newFleetWatch(d, "koppel", "1@me@", zap.New(core), func(n int) { sizes = append(sizes, n) })
	ctx := context.Background()

	f.update(ctx, now)
	assert.Equal(t, "koppel", d.taskQueue)
	assert.Equal(t, enumspb.TASK_QUEUE_TYPE_ACTIVITY, d.kind)
	// within 90 s of the newest poll (now+20 s): me, other, ahead; third and behind are 100 and 95 s old
	assert.Equal(t, []int{3}, sizes)
	assert.Equal(t, 1, logs.FilterMessageSnippet("worker count changed").Len())

	f.update(ctx, now.Add(10*time.Second))
	assert.Equal(t, []int{3}, sizes, "an unchanged count is not set again")
	assert.Equal(t, 1, logs.Len(), "nor logged")

	// A describe that fails keeps the last count.
	d.err = errors.New("unavailable")
	f.update(ctx, now.Add(20*time.Second))
	f.update(ctx, now.Add(30*time.Second))
	assert.Equal(t, []int{3}, sizes)
	assert.Equal(t, 1, logs.FilterMessageSnippet("cannot count").Len(), "the failure is logged once")

	// A poller missing from one answer still counts while its last poll is recent.
	d.err = nil
	d.pollers = map[string]time.Time{"1@me@": now.Add(40 * time.Second), "5@ahead@": now.Add(40 * time.Second)}
	f.update(ctx, now.Add(40*time.Second))
	assert.Equal(t, []int{3}, sizes, "other polled 70 s ago")
	f.update(ctx, now.Add(70*time.Second))
	assert.Equal(t, []int{3, 2}, sizes, "other is 100 s gone")
}

// This process counts before it has polled, and once when it has.
func TestFleetWatchCountsItselfOnce(t *testing.T) {
	now := time.Now()
	d := &fakeDescriber{pollers: map[string]time.Time{"2@other@": now}}
	var sizes []int
	f := newFleetWatch(d, "koppel", "1@me@", zap.NewNop(), func(n int) { sizes = append(sizes, n) })
	f.update(context.Background(), now)
	d.pollers["1@me@"] = now
	f.update(context.Background(), now)
	assert.Equal(t, []int{2}, sizes)

	d.pollers = map[string]time.Time{}
	f = newFleetWatch(d, "koppel", "1@me@", zap.NewNop(), func(n int) { sizes = append(sizes, n) })
	f.update(context.Background(), now)
	assert.Equal(t, []int{2}, sizes, "alone: 1, the default, is not set again")
}
