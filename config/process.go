// Package config loads the process settings from the environment and the
// integrations from their YAML file, and validates both, reporting every
// problem with its path.
package config

import (
	"fmt"
	"time"

	"github.com/caarlos0/env/v11"
)

// Process holds the settings of a worker or starter process. Temporal's own
// variable names are used so the CLI and our binaries read the same environment.
type Process struct {
	TemporalAddress   string `env:"TEMPORAL_ADDRESS" envDefault:"127.0.0.1:7233"`
	TemporalNamespace string `env:"TEMPORAL_NAMESPACE" envDefault:"default"`
	TemporalAPIKey    string `env:"TEMPORAL_API_KEY"`
	// TemporalTLSCert and TemporalTLSKey are file paths; both or neither.
	TemporalTLSCert string `env:"TEMPORAL_TLS_CERT"`
	TemporalTLSKey  string `env:"TEMPORAL_TLS_KEY"`

	TaskQueue        string `env:"KOPPEL_TASK_QUEUE" envDefault:"koppel"`
	IntegrationsFile string `env:"KOPPEL_INTEGRATIONS" envDefault:"integrations.yaml"`
	LogLevel         string `env:"KOPPEL_LOG_LEVEL" envDefault:"info"`
	// LogFormat is json (production) or console (local runs).
	LogFormat string `env:"KOPPEL_LOG_FORMAT" envDefault:"json"`
	// UIAddress is the Web UI base URL used in messages that link to a workflow.
	UIAddress string `env:"KOPPEL_UI_ADDRESS" envDefault:"http://127.0.0.1:8233"`

	// ConnectWait is how long a worker or webhook receiver keeps trying to
	// reach a Temporal server that does not answer yet (one restarting, or
	// started after it); 0 gives up at once. The starter's commands never wait.
	ConnectWait time.Duration `env:"KOPPEL_CONNECT_WAIT" envDefault:"2m"`

	// MetricsAddress is where the worker serves Prometheus /metrics; "off"
	// turns it off (an empty value means the default, as for every setting).
	MetricsAddress string `env:"KOPPEL_METRICS_ADDRESS" envDefault:"127.0.0.1:9464"`

	// Retention is how long Temporal keeps closed histories (starter setup
	// applies it to the namespace): the answer to "how long is my data kept".
	Retention time.Duration `env:"KOPPEL_RETENTION" envDefault:"168h"`

	// EncryptionKeys seal every payload Temporal stores: id:base64-key
	// entries, comma separated, each key 32 random bytes. A secret: never
	// logged. EncryptionKeyID names the key for new payloads (default: the
	// first); the others still open older histories.
	EncryptionKeys  string `env:"KOPPEL_ENCRYPTION_KEYS"`
	EncryptionKeyID string `env:"KOPPEL_ENCRYPTION_KEY_ID"`
	// PlaintextPayloads allows running without keys (tests, throwaway setups).
	PlaintextPayloads bool `env:"KOPPEL_PLAINTEXT_PAYLOADS"`

	// The webhook receiver (koppel-worker webhooks) listens here; put it
	// behind an HTTPS proxy. Bodies over WebhooksMaxBody bytes are refused.
	WebhooksAddress string `env:"KOPPEL_WEBHOOKS_ADDRESS" envDefault:"127.0.0.1:8090"`
	WebhooksMaxBody int64  `env:"KOPPEL_WEBHOOKS_MAX_BODY" envDefault:"262144"`

	// The codec server lets the Web UI show sealed payloads to operators.
	CodecAddress string   `env:"KOPPEL_CODEC_ADDRESS" envDefault:"127.0.0.1:8234"`
	CodecToken   string   `env:"KOPPEL_CODEC_TOKEN"`
	CodecOrigins []string `env:"KOPPEL_CODEC_ORIGINS" envSeparator:","`
}

// LoadProcess reads the process settings from the environment.
func LoadProcess() (Process, error) {
	p, err := env.ParseAs[Process]()
	if err != nil {
		return p, fmt.Errorf("environment: %w", err)
	}
	var probs []string
	if (p.TemporalTLSCert == "") != (p.TemporalTLSKey == "") {
		probs = append(probs, "TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together")
	}
	switch p.LogFormat {
	case "json", "console":
	default:
		probs = append(probs, fmt.Sprintf("KOPPEL_LOG_FORMAT: %q is not one of json, console", p.LogFormat))
	}
	switch p.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		probs = append(probs, fmt.Sprintf("KOPPEL_LOG_LEVEL: %q is not one of debug, info, warn, error", p.LogLevel))
	}
	if p.EncryptionKeys == "" && !p.PlaintextPayloads {
		probs = append(probs, "KOPPEL_ENCRYPTION_KEYS is not set: payloads (orders, customers) would be stored readable in Temporal. "+
			"Set it to id:base64-key (make a key with: openssl rand -base64 32), or set KOPPEL_PLAINTEXT_PAYLOADS=true for a throwaway setup")
	}
	if p.WebhooksMaxBody <= 0 {
		probs = append(probs, fmt.Sprintf("KOPPEL_WEBHOOKS_MAX_BODY: %d is not a size in bytes above 0", p.WebhooksMaxBody))
	}
	if p.MetricsAddress == "off" {
		p.MetricsAddress = ""
	}
	if len(p.CodecOrigins) == 0 {
		p.CodecOrigins = []string{p.UIAddress}
	}
	if len(probs) > 0 {
		return p, &Problems{Source: "environment", List: probs}
	}
	return p, nil
}
