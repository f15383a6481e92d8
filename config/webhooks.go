package config

import (
	"net/url"
	"strings"
	"time"

	"github.com/koppel/koppel/connectors"
)

// Webhooks lets the integration's source push its changes to the receiver
// (koppel-worker webhooks) instead of waiting for the next poll. Events are
// hints: the flows still read every record through the API, and polling
// stays as the safety net, at PollInterval while webhooks work.
type Webhooks struct {
	Enabled *bool `yaml:"enabled"`
	// Secret names the environment variable holding the signing secret
	// (Ecwid: the app's client_secret; CCV: the keys of the shop's webhook
	// subscriptions, comma-separated). Never the value itself.
	Secret string `yaml:"secret"`
	// PublicURL is the receiver's address as the source reaches it (https),
	// without the integration: subscriptions deliver to
	// <publicURL>/webhooks/<integration>.
	PublicURL string `yaml:"publicURL"`
	// Signature overrides the source's signature scheme where research could
	// not confirm it (CCV); leave it out elsewhere.
	Signature *connectors.SignatureScheme `yaml:"signature"`
	// MaxAge refuses deliveries whose event is older (a replay): 401.
	MaxAge Duration `yaml:"maxAge"`
	// PollInterval is the orders flow's polling interval while webhooks
	// work (default 15m, or flows.orders.interval when that is longer);
	// flows.orders.interval applies again during an outage.
	PollInterval Duration `yaml:"pollInterval"`
	// OutageAfter: when the poll alone has found every new order for this
	// long, webhooks are taken for down: one alert, and polling goes back
	// to flows.orders.interval until an event arrives again.
	OutageAfter Duration `yaml:"outageAfter"`
}

// Webhook defaults.
const (
	DefaultWebhookMaxAge       = time.Hour
	DefaultWebhookPollInterval = 15 * time.Minute
	DefaultWebhookOutageAfter  = 30 * time.Minute
)

// IsEnabled reports whether webhooks are configured and not switched off.
func (w *Webhooks) IsEnabled() bool { return w != nil && (w.Enabled == nil || *w.Enabled) }

func (w *Webhooks) applyDefaults(in Integration) {
	if w.MaxAge == 0 {
		w.MaxAge = Duration(DefaultWebhookMaxAge)
	}
	if w.PollInterval == 0 {
		w.PollInterval = Duration(DefaultWebhookPollInterval)
		if o := in.Flows.Orders; o != nil && o.Interval > w.PollInterval {
			w.PollInterval = o.Interval // never faster than without webhooks
		}
	}
	if w.OutageAfter == 0 {
		w.OutageAfter = Duration(DefaultWebhookOutageAfter)
	}
}

// Address is where the source delivers this integration's events.
func (w *Webhooks) Address(integration string) string {
	return strings.TrimRight(w.PublicURL, "/") + "/webhooks/" + integration
}

// SignatureScheme is the scheme the receiver checks: the override, if any,
// on the source's default.
func (w *Webhooks) SignatureScheme(def connectors.SignatureScheme) connectors.SignatureScheme {
	if w.Signature == nil {
		return def
	}
	return w.Signature.Or(def)
}

// Secrets splits the secret's value into the keys it holds.
func Secrets(value string) []string {
	var out []string
	for _, s := range strings.Split(value, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (w *Webhooks) validate(p *Problems, path string, in Integration) {
	reg, known := connectors.Lookup(in.Source.System)
	if known && reg.Webhooks == nil {
		p.add(path, "%s sends no webhooks Koppel can use; leave webhooks out (polling is all it has)", in.Source.System)
		return
	}
	if w.Secret == "" || !validEnvName(w.Secret) {
		p.add(path+".secret", "must name the environment variable holding the signing secret (like %s), never the secret itself",
			strings.ToUpper(in.Source.System)+"_WEBHOOK_SECRET")
	}
	if w.PublicURL != "" {
		u, err := url.Parse(w.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p.add(path+".publicURL", "%q is not an absolute https URL like https://hooks.example.com", w.PublicURL)
		}
	}
	if w.Signature != nil && known {
		if reg.Webhooks.SignatureConfirmed {
			p.add(path+".signature", "%s's signature scheme is known; leave signature out", in.Source.System)
		} else if err := w.Signature.Or(reg.Webhooks.Signature).Check(); err != nil {
			p.add(path+".signature", "%v", err)
		}
	}
	for _, d := range []struct {
		name string
		v    Duration
	}{{"maxAge", w.MaxAge}, {"pollInterval", w.PollInterval}, {"outageAfter", w.OutageAfter}} {
		if d.v < 0 {
			p.add(path+"."+d.name, "must not be negative")
		}
	}
	if o := in.Flows.Orders; o != nil && w.PollInterval.D() < o.Interval.D() {
		p.add(path+".pollInterval", "%s is shorter than flows.orders.interval (%s); polling is meant to slow down while webhooks work",
			w.PollInterval.D(), o.Interval.D())
	}
}
