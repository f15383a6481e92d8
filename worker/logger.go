package worker

import (
	"fmt"

	"go.temporal.io/sdk/log"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// NewZap builds the process logger: JSON for production, console for local runs.
func NewZap(level, format string) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("log level: %w", err)
	}
	cfg := zap.NewProductionConfig()
	if format == "console" {
		cfg = zap.NewDevelopmentConfig()
		cfg.DisableStacktrace = true
	}
	cfg.Level = zap.NewAtomicLevelAt(lvl)
	return cfg.Build()
}

// zapAdapter lets the Temporal SDK log through zap.
type zapAdapter struct{ z *zap.Logger }

// SDKLogger adapts a zap logger to the SDK's log.Logger.
func SDKLogger(z *zap.Logger) log.Logger {
	return &zapAdapter{z: z.WithOptions(zap.AddCallerSkip(2))} // the level method and log
}

func fields(keyvals []any) []zap.Field {
	out := make([]zap.Field, 0, len(keyvals)/2)
	for i := 0; i < len(keyvals); i += 2 {
		key, ok := keyvals[i].(string)
		if !ok {
			key = fmt.Sprint(keyvals[i])
		}
		if i+1 < len(keyvals) {
			out = append(out, zap.Any(key, keyvals[i+1]))
		} else {
			out = append(out, zap.Any(key, "(missing)"))
		}
	}
	return out
}

func (l *zapAdapter) Debug(msg string, kv ...any) { l.log(zap.DebugLevel, msg, kv) }
func (l *zapAdapter) Info(msg string, kv ...any)  { l.log(zap.InfoLevel, msg, kv) }
func (l *zapAdapter) Warn(msg string, kv ...any)  { l.log(zap.WarnLevel, msg, kv) }
func (l *zapAdapter) Error(msg string, kv ...any) { l.log(zap.ErrorLevel, msg, kv) }

// log writes one line; the SDK logs a debug line or two for every task and
// activity, and below the level in force they cost no field conversion.
func (l *zapAdapter) log(level zapcore.Level, msg string, kv []any) {
	if ce := l.z.Check(level, msg); ce != nil {
		ce.Write(fields(kv)...)
	}
}

// With returns a logger with fields attached to every line. The SDK makes
// one for every workflow task and activity, most of which log nothing: the
// fields are encoded when a line is written, not before.
func (l *zapAdapter) With(kv ...any) log.Logger {
	return &zapAdapter{z: l.z.WithLazy(fields(kv)...)}
}

// WithCallerSkip adjusts the caller frame for wrapping loggers.
func (l *zapAdapter) WithCallerSkip(skip int) log.Logger {
	return &zapAdapter{z: l.z.WithOptions(zap.AddCallerSkip(skip))}
}
