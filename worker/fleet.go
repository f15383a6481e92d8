package worker

import (
	"context"
	"fmt"
	"os"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.uber.org/zap"

	"github.com/koppel/koppel/connectors/httpkit"
)

// Rate limits hold per credential across every worker process (DESIGN:
// "each process's share derived from Temporal, no extra infrastructure").
// Temporal already knows the processes: each one polls the task queue under
// its own identity, and DescribeTaskQueue lists the pollers with the time
// each last polled. WatchFleet counts them and hands the count to
// httpkit.SetFleetSize, which divides every pacer's limits by it.

const (
	// fleetInterval is how often the task queue is described.
	fleetInterval = 10 * time.Second
	// fleetWindow is how recent a poller's last poll must be for it to
	// count. An idle poller polls about once a minute (the server holds a
	// long poll that long), so the window has a margin over the minute: an
	// idle worker never drops out of the count, which would briefly give the
	// others more than their share.
	fleetWindow = 90 * time.Second
)

// TaskQueueDescriber is the part of the Temporal client the fleet count
// needs; client.Client has it.
type TaskQueueDescriber interface {
	DescribeTaskQueue(ctx context.Context, taskQueue string, taskQueueType enumspb.TaskQueueType) (*workflowservice.DescribeTaskQueueResponse, error)
}

// WatchFleet keeps httpkit's fleet size at the number of worker processes
// polling taskQueue for activities, this one included, until ctx ends. It
// describes the queue at once and then every 10 s; when a describe fails
// the last count stays.
func WatchFleet(ctx context.Context, d TaskQueueDescriber, taskQueue string, z *zap.Logger) {
	f := newFleetWatch(d, taskQueue, defaultIdentity(), z, httpkit.SetFleetSize)
	tick := time.NewTicker(fleetInterval)
	defer tick.Stop()
	for {
		f.update(ctx, time.Now())
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// defaultIdentity is the identity the SDK gives a client, and so its workers,
// when client.Options.Identity is empty, as worker/client.go leaves it.
func defaultIdentity() string {
	host, err := os.Hostname()
	if err != nil {
		host = "Unknown"
	}
	return fmt.Sprintf("%d@%s@", os.Getpid(), host)
}

type fleetWatch struct {
	describe  TaskQueueDescriber
	taskQueue string
	self      string
	log       *zap.Logger
	setSize   func(int)

	lastPoll map[string]time.Time // poller identity → its latest poll seen
	size     int
	failing  bool
}

func newFleetWatch(d TaskQueueDescriber, taskQueue, self string, z *zap.Logger, setSize func(int)) *fleetWatch {
	return &fleetWatch{describe: d, taskQueue: taskQueue, self: self, log: z, setSize: setSize,
		lastPoll: map[string]time.Time{}, size: 1}
}

// update describes the task queue once and sets the fleet size if it changed.
func (f *fleetWatch) update(ctx context.Context, now time.Time) {
	ctx, cancel := context.WithTimeout(ctx, fleetInterval)
	defer cancel()
	resp, err := f.describe.DescribeTaskQueue(ctx, f.taskQueue, enumspb.TASK_QUEUE_TYPE_ACTIVITY)
	if err != nil {
		if !f.failing && ctx.Err() == nil {
			f.log.Warn("cannot count the workers on the task queue; rate limits stay divided by the last count",
				zap.String("taskQueue", f.taskQueue), zap.Int("fleetSize", f.size), zap.Error(err))
		}
		f.failing = true
		return
	}
	f.failing = false
	for _, p := range resp.GetPollers() {
		if at := p.GetLastAccessTime().AsTime(); at.After(f.lastPoll[p.GetIdentity()]) {
			f.lastPoll[p.GetIdentity()] = at
		}
	}
	// The times are the server's: measured from the newest poll when the
	// server's clock runs ahead of ours.
	ref := now
	for _, at := range f.lastPoll {
		if at.After(ref) {
			ref = at
		}
	}
	size := 1 // this process, which may not have polled yet
	for id, at := range f.lastPoll {
		switch {
		case ref.Sub(at) > fleetWindow:
			delete(f.lastPoll, id)
		case id != f.self:
			size++
		}
	}
	if size != f.size {
		f.log.Info("worker count changed: each process now takes 1/n of every rate limit",
			zap.String("taskQueue", f.taskQueue), zap.Int("from", f.size), zap.Int("to", size))
		f.size = size
		f.setSize(size)
	}
}
