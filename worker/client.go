// Package worker wires Koppel to Temporal: the client, the registration of
// workflows and activities, the worker itself and the schedules. The worker
// binary (worker/cmd) and the starter CLI both use it.
package worker

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.uber.org/zap"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/worker/codec"
)

// Dial connects to Temporal with the process settings.
func Dial(p config.Process, z *zap.Logger) (client.Client, error) {
	return DialWithMetrics(p, z, nil)
}

// DialAndWait connects like DialWithMetrics, but keeps trying for up to
// p.ConnectWait while the server does not answer: a long-running process
// started beside a server that is still starting, or restarting, waits for
// it instead of exiting.
func DialAndWait(ctx context.Context, p config.Process, z *zap.Logger, m client.MetricsHandler) (client.Client, error) {
	deadline := time.Now().Add(p.ConnectWait)
	for {
		c, err := DialWithMetrics(p, z, m)
		if err == nil || !serverNotAnswering(err) || time.Now().After(deadline) {
			return c, err
		}
		z.Warn("the Temporal server does not answer yet; trying again", zap.String("address", p.TemporalAddress),
			zap.Duration("givingUpIn", time.Until(deadline).Round(time.Second)), zap.Error(err))
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(2 * time.Second):
		}
	}
}

// serverNotAnswering tells a server that is down or starting from a refusal
// (a wrong namespace, bad credentials), which waiting does not cure.
func serverNotAnswering(err error) bool {
	var unavailable *serviceerror.Unavailable
	var deadline *serviceerror.DeadlineExceeded
	return errors.As(err, &unavailable) || errors.As(err, &deadline) || errors.Is(err, context.DeadlineExceeded)
}

// DialWithMetrics connects and reports the SDK's metrics to m (nil: none).
func DialWithMetrics(p config.Process, z *zap.Logger, m client.MetricsHandler) (client.Client, error) {
	opts := client.Options{
		HostPort:       p.TemporalAddress,
		Namespace:      p.TemporalNamespace,
		Logger:         SDKLogger(z),
		MetricsHandler: m,
	}
	if p.TemporalTLSCert != "" {
		cert, err := tls.LoadX509KeyPair(p.TemporalTLSCert, p.TemporalTLSKey)
		if err != nil {
			return nil, fmt.Errorf("TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY: %w", err)
		}
		opts.ConnectionOptions.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if p.TemporalAPIKey != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(p.TemporalAPIKey)
	}
	dc, fc, err := Converters(p)
	if err != nil {
		return nil, err
	}
	opts.DataConverter, opts.FailureConverter = dc, fc
	c, err := client.Dial(opts)
	if err != nil {
		return nil, fmt.Errorf("connecting to Temporal at %s (namespace %s): %w; is the server running? (make run starts one)",
			p.TemporalAddress, p.TemporalNamespace, err)
	}
	return c, nil
}

// Converters are the payload and failure converters of the process's
// encryption keys; both nil without keys (payloads stay readable).
func Converters(p config.Process) (converter.DataConverter, converter.FailureConverter, error) {
	if p.EncryptionKeys == "" {
		return nil, nil, nil
	}
	keys, err := codec.ParseKeys(p.EncryptionKeys, p.EncryptionKeyID)
	if err != nil {
		return nil, nil, fmt.Errorf("KOPPEL_ENCRYPTION_KEYS: %w", err)
	}
	dc := codec.DataConverter(keys)
	return dc, codec.FailureConverter(dc), nil
}

// IDKey keys the hashes that stand for personal data in workflow ids (a
// customer keeper's id hashes the e-mail): derived from the encryption keys,
// so an id cannot be reversed by hashing guessed addresses. Without keys
// (a throwaway setup with readable payloads) the hash is unkeyed.
func IDKey(p config.Process) []byte {
	if p.EncryptionKeys == "" {
		return nil
	}
	sum := sha256.Sum256([]byte("koppel workflow ids\x00" + p.EncryptionKeys))
	return sum[:]
}
