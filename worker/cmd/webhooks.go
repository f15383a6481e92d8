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

	"go.uber.org/zap"

	kworker "github.com/koppel/koppel/worker"
)

// runWebhooks serves the webhook receiver: its own process, so it can sit
// behind an HTTPS proxy while the workers stay private. It holds only the
// signing secrets and a Temporal client. On SIGTERM it stops taking new
// deliveries and finishes the ones under way, each answered only once
// Temporal has its event.
func runWebhooks() error {
	p, z, file, err := processBasics()
	if err != nil {
		return err
	}
	defer func() { _ = z.Sync() }()
	metrics := kworker.NewMetrics()
	c, err := dialServer(p, z, metrics)
	if err != nil {
		return err
	}
	defer c.Close()
	recv, err := kworker.NewWebhookReceiver(file, os.LookupEnv, c, kworker.WebhookOptions{
		TaskQueue: p.TaskQueue, MaxBody: p.WebhooksMaxBody, Log: z, Metrics: metrics})
	if err != nil {
		return err
	}
	defer recv.Close()
	mux := http.NewServeMux()
	mux.Handle("/", recv)
	mux.Handle("/metrics", metrics.HTTPHandler())
	srv := &http.Server{Addr: p.WebhooksAddress, Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut) // deliveries under way finish and are answered
	}()
	z.Info("webhook receiver", zap.String("address", "http://"+p.WebhooksAddress), zap.Strings("integrations", recv.Integrations()))
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("webhook receiver: %w", err)
	}
	<-done
	return nil
}
