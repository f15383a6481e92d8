// Command koppel-worker runs the flows of the integration file: it connects to
// Temporal, builds a client per configured system and serves workflows and
// activities until interrupted. Settings come from the environment (see README).
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"github.com/koppel/koppel/activities"
	"github.com/koppel/koppel/config"
	_ "github.com/koppel/koppel/connectors/builtin"
	kworker "github.com/koppel/koppel/worker"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "codec-server" {
		if err := runCodecServer(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "koppel-worker codec-server:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "webhooks" {
		if err := runWebhooks(); err != nil {
			fmt.Fprintln(os.Stderr, "koppel-worker webhooks:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "koppel-worker:", err)
		os.Exit(1)
	}
}

// dialServer connects to Temporal, waiting up to KOPPEL_CONNECT_WAIT for a
// server that is starting or restarting; Ctrl-C ends the wait.
func dialServer(p config.Process, z *zap.Logger, metrics *kworker.Metrics) (client.Client, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return kworker.DialAndWait(ctx, p, z, metrics.Handler)
}

// processBasics is what the worker and the receiver both start from: the
// process settings, a logger and the integration file.
func processBasics() (config.Process, *zap.Logger, *config.File, error) {
	p, err := config.LoadProcess()
	if err != nil {
		return p, nil, nil, err
	}
	z, err := kworker.NewZap(p.LogLevel, p.LogFormat)
	if err != nil {
		return p, nil, nil, err
	}
	file, err := config.Load(p.IntegrationsFile)
	if err != nil {
		_ = z.Sync()
		return p, nil, nil, err
	}
	return p, z, file, nil
}

func run() error {
	p, z, file, err := processBasics()
	if err != nil {
		return err
	}
	defer func() { _ = z.Sync() }()
	metrics := kworker.NoMetrics()
	if p.MetricsAddress != "" {
		metrics = kworker.NewMetrics()
	}
	acts, err := activities.Build(file, os.LookupEnv, metrics.ObserveCalls(nil))
	if err != nil {
		return err
	}
	acts.UIAddress, acts.Namespace, acts.TaskQueue = p.UIAddress, p.TemporalNamespace, p.TaskQueue
	acts.IDKey = kworker.IDKey(p)
	c, err := dialServer(p, z, metrics)
	if err != nil {
		return err
	}
	defer c.Close()
	acts.Temporal = c

	if p.MetricsAddress != "" {
		srv := &http.Server{Addr: p.MetricsAddress, Handler: metricsMux(metrics), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				z.Error("metrics server stopped", zap.Error(err))
			}
		}()
		defer func() { _ = srv.Close() }()
		z.Info("metrics", zap.String("address", "http://"+p.MetricsAddress+"/metrics"))
	}

	w := kworker.New(c, p.TaskQueue, acts)
	fleetCtx, stopFleet := context.WithCancel(context.Background())
	defer stopFleet()
	go kworker.WatchFleet(fleetCtx, c, p.TaskQueue, z) // rate limits are shared by every worker on the queue
	z.Info("worker starting", zap.String("taskQueue", p.TaskQueue), zap.String("namespace", p.TemporalNamespace),
		zap.Int("integrations", len(file.Integrations)))
	return w.Run(worker.InterruptCh())
}

func metricsMux(m *kworker.Metrics) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.HTTPHandler())
	return mux
}
