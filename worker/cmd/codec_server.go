package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/worker/codec"
)

// runCodecServer serves /encode and /decode for the Web UI with the same keys
// as the worker: operators see decoded payloads, nobody else does.
func runCodecServer(args []string) error {
	fs := flag.NewFlagSet("codec-server", flag.ContinueOnError)
	dev := fs.Bool("dev", false, "local demo: accept calls from this machine without a token")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, err := config.LoadProcess()
	if err != nil {
		return err
	}
	if p.EncryptionKeys == "" {
		return errors.New("KOPPEL_ENCRYPTION_KEYS is not set; the codec server needs the worker's keys")
	}
	if p.CodecToken == "" && !*dev {
		return errors.New("KOPPEL_CODEC_TOKEN is not set; without a token anybody who reaches the server could read every payload")
	}
	keys, err := codec.ParseKeys(p.EncryptionKeys, p.EncryptionKeyID)
	if err != nil {
		return fmt.Errorf("KOPPEL_ENCRYPTION_KEYS: %w", err)
	}
	srv := &http.Server{
		Addr: p.CodecAddress,
		Handler: codec.Handler(codec.Codec{Keys: keys}, codec.ServerOptions{
			Token: p.CodecToken, AllowedOrigins: p.CodecOrigins, AllowLoopbackWithoutToken: *dev,
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	fmt.Fprintf(os.Stderr, "codec server on http://%s for %v (keys %v, active %s)\n", p.CodecAddress, p.CodecOrigins, keys.IDs(), keys.Active())
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
