// Package activities holds every step of every flow that talks to an outside
// system. Activities are thin: they find the integration's clients, call them
// and translate connector errors into Temporal errors (errors.go). One file per step.
package activities

import (
	"fmt"
	"os"

	"go.temporal.io/sdk/client"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/mapping"
)

// OrderTarget is what the order flow needs of a target system.
type OrderTarget interface {
	connectors.OrderTarget
	connectors.CustomerTarget
	connectors.ProductLookup
}

// Integration is one configured integration with its clients built.
type Integration struct {
	Config config.Integration
	Source connectors.OrderSource
	Target OrderTarget
	// AlertSecrets hold the alert channels' secrets when alerts are configured.
	AlertSecrets config.AlertSecrets
	// OrderMapper applies the order flow's mapping rules.
	OrderMapper *mapping.Mapper
}

// Activities holds the clients of every integration; the worker registers it
// once and Temporal calls its methods.
type Activities struct {
	Integrations map[string]*Integration
	// UIAddress and Namespace make links to workflows in the Web UI.
	UIAddress, Namespace string
	// Temporal reads visibility for the daily digest; nil leaves it out.
	Temporal client.Client
}

func (a *Activities) integration(name string) (*Integration, error) {
	if a == nil || a.Integrations[name] == nil {
		return nil, configError(fmt.Errorf("integration %q is not in this worker's integration file; add it there or start the flow with a known name", name))
	}
	return a.Integrations[name], nil
}

// Build creates the clients of every integration in the file. Credentials are
// read from the environment through lookupEnv (os.LookupEnv in production).
func Build(file *config.File, lookupEnv func(string) (string, bool), observe connectors.CallObserver) (*Activities, error) {
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	acts := &Activities{Integrations: map[string]*Integration{}}
	for i, in := range file.Integrations {
		path := fmt.Sprintf("integrations[%d]", i)
		src, err := buildSystem(in.Source, path+".source", lookupEnv, observe)
		if err != nil {
			return nil, err
		}
		tgt, err := buildSystem(in.Target, path+".target", lookupEnv, observe)
		if err != nil {
			return nil, err
		}
		rt := &Integration{Config: in}
		var ok bool
		if rt.Source, ok = src.(connectors.OrderSource); !ok {
			return nil, fmt.Errorf("%s.source: %s cannot be an order source", path, in.Source.System)
		}
		if rt.Target, ok = tgt.(OrderTarget); !ok {
			return nil, fmt.Errorf("%s.target: %s cannot be an order, customer and product target", path, in.Target.System)
		}
		if rt.OrderMapper, err = in.OrderMapper(); err != nil {
			return nil, fmt.Errorf("%s.flows.orders.mapping: %w", path, err)
		}
		if in.Alerts != nil {
			if rt.AlertSecrets, err = in.Alerts.Env(path+".alerts", lookupEnv); err != nil {
				return nil, err
			}
		}
		acts.Integrations[in.Name] = rt
	}
	return acts, nil
}

func buildSystem(s config.System, path string, lookupEnv func(string) (string, bool), observe connectors.CallObserver) (any, error) {
	creds, err := s.Env(path, lookupEnv)
	if err != nil {
		return nil, err
	}
	c, err := connectors.Build(s.System, connectors.Settings{
		BaseURL:         s.BaseURL,
		Credentials:     creds,
		Options:         s.Options,
		ReadsPerMinute:  s.RateLimit.ReadsPerMinute,
		WritesPerMinute: s.RateLimit.WritesPerMinute,
		TotalPerMinute:  s.RateLimit.TotalPerMinute,
		Timeout:         s.Timeout.D(),
		Observe:         observe,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}
