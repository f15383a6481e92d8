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
	"github.com/koppel/koppel/connectors/eaccounting"
	"github.com/koppel/koppel/mapping"
)

// OrderTarget is what the order flow needs of a target system.
type OrderTarget interface {
	connectors.OrderTarget
	connectors.CustomerTarget
	connectors.ProductLookup
}

// Integration is one configured integration with its clients built. The
// clients of a flow are set only when the flow is configured.
type Integration struct {
	Config config.Integration
	// Source and Target are the order flow's clients.
	Source connectors.OrderSource
	Target OrderTarget
	// AlertSecrets hold the alert channels' secrets when alerts are configured.
	AlertSecrets config.AlertSecrets
	// OrderMapper applies the order flow's mapping rules.
	OrderMapper *mapping.Mapper

	Products  *ProductFlow
	Stock     *StockFlow
	Customers *CustomerFlow
}

// ProductFlow is the active products flow with its clients, in its direction.
type ProductFlow struct {
	Settings  config.ProductFlow
	Direction config.Direction
	From      connectors.ProductSource
	To        connectors.ProductTarget
	FromName  string
	ToName    string
	Mapper    *mapping.Mapper
	Filter    *mapping.Filter
	// Images: the setting is on and the target takes photos.
	Images bool
	// TargetKeeps are the product fields the target stores (nil: all).
	TargetKeeps []string
}

// StockFlow is the active stock flow with its clients, in its direction.
type StockFlow struct {
	Settings  config.StockFlow
	Direction config.Direction
	From      connectors.StockSource
	To        connectors.StockTarget
	FromName  string
	ToName    string
	Mapper    *mapping.Mapper
	Filter    *mapping.Filter
}

// CustomerFlow is the customers flow with its clients.
type CustomerFlow struct {
	Settings config.CustomerFlow
	From     connectors.CustomerSource
	To       connectors.CustomerDetailsTarget
	ToName   string
	Mapper   *mapping.Mapper
	Filter   *mapping.Filter
}

// Activities holds the clients of every integration; the worker registers it
// once and Temporal calls its methods.
type Activities struct {
	Integrations map[string]*Integration
	// UIAddress and Namespace make links to workflows in the Web UI.
	UIAddress, Namespace string
	// Temporal reads visibility for the daily digest and reaches customer
	// keepers; nil leaves the digest out and upserts customers directly.
	Temporal client.Client
	// IDKey keys the hashes in workflow ids that stand for personal data
	// (customer keepers); the worker derives it from the encryption keys.
	IDKey []byte
	// TaskQueue is where keepers run when not called from an activity.
	TaskQueue string
	// lookupEnv reads credentials (Build's; nil: os.LookupEnv), for the
	// token endpoint a keeper's refresh reaches.
	lookupEnv func(string) (string, bool)
}

func (a *Activities) env(k string) (string, bool) {
	if a.lookupEnv != nil {
		return a.lookupEnv(k)
	}
	return os.LookupEnv(k)
}

func (a *Activities) integration(name string) (*Integration, error) {
	if a == nil || a.Integrations[name] == nil {
		return nil, configError(fmt.Errorf("integration %q is not in this worker's integration file; add it there or start the flow with a known name", name))
	}
	return a.Integrations[name], nil
}

// orderIntegration is integration for the order flow's steps.
func (a *Activities) orderIntegration(name string) (*Integration, error) {
	rt, err := a.integration(name)
	if err == nil && rt.Config.Flows.Orders == nil {
		err = configError(fmt.Errorf("integration %q has no orders flow in this worker's integration file", name))
	}
	return rt, err
}

// Build creates the clients of every integration in the file. Credentials are
// read from the environment through lookupEnv (os.LookupEnv in production).
func Build(file *config.File, lookupEnv func(string) (string, bool), observe connectors.CallObserver) (*Activities, error) {
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	acts := &Activities{Integrations: map[string]*Integration{}, lookupEnv: lookupEnv}
	for i, in := range file.Integrations {
		path := fmt.Sprintf("integrations[%d]", i)
		src, err := acts.buildSystem(in.Name, SideSource, in.Source, path+".source", lookupEnv, observe)
		if err != nil {
			return nil, err
		}
		tgt, err := acts.buildSystem(in.Name, SideTarget, in.Target, path+".target", lookupEnv, observe)
		if err != nil {
			return nil, err
		}
		rt := &Integration{Config: in}
		if err := rt.attach(path, src, tgt); err != nil {
			return nil, err
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

// buildSystem builds the client of one side of an integration. A system
// whose refresh token a keeper holds gets its access tokens from the keeper
// (KeeperTokenSource reaches Temporal only when a call needs a token).
func (a *Activities) buildSystem(integration, side string, s config.System, path string, lookupEnv func(string) (string, bool), observe connectors.CallObserver) (any, error) {
	creds, err := s.Env(path, lookupEnv)
	if err != nil {
		return nil, err
	}
	var tokens connectors.TokenSource
	if reg, ok := connectors.Lookup(s.System); ok && reg.KeepsRefreshToken {
		tokens = KeeperTokenSource(a, TokenKeeperRef{Integration: integration, Side: side, System: s.System, ClientID: creds[eaccounting.CredClientID]})
	}
	c, err := connectors.Build(s.System, connectors.Settings{
		Tokens:          tokens,
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

// attach keeps the clients each configured flow needs, checking that the
// systems can play their part.
func (rt *Integration) attach(path string, src, tgt any) error {
	in := rt.Config
	sides := func(d config.Direction) (from, to any, fromName, toName string) {
		if d == config.TargetToSource {
			return tgt, src, in.Target.System, in.Source.System
		}
		return src, tgt, in.Source.System, in.Target.System
	}
	if in.Flows.Orders != nil {
		var ok bool
		if rt.Source, ok = src.(connectors.OrderSource); !ok {
			return fmt.Errorf("%s.source: %s cannot be an order source", path, in.Source.System)
		}
		if rt.Target, ok = tgt.(OrderTarget); !ok {
			return fmt.Errorf("%s.target: %s cannot be an order, customer and product target", path, in.Target.System)
		}
		var err error
		if rt.OrderMapper, err = in.OrderMapper(); err != nil {
			return fmt.Errorf("%s.flows.orders.mapping: %w", path, err)
		}
	}
	if pf, d := in.ProductFlowFor(); pf != nil {
		from, to, fromName, toName := sides(d)
		f := &ProductFlow{Settings: *pf, Direction: d, FromName: fromName, ToName: toName}
		var ok bool
		if f.From, ok = from.(connectors.ProductSource); !ok {
			return fmt.Errorf("%s: %s cannot be a product source", path, fromName)
		}
		if f.To, ok = to.(connectors.ProductTarget); !ok {
			return fmt.Errorf("%s: %s cannot be a product target", path, toName)
		}
		if err := compileFlow(path, mapping.FlowProducts, pf.CatalogFlow, in.Lookups, &f.Mapper, &f.Filter); err != nil {
			return err
		}
		reg, _ := connectors.Lookup(toName)
		f.Images = pf.WritesImages() && reg.Has(connectors.CapProductImages)
		f.TargetKeeps = reg.ProductFields
		rt.Products = f
	}
	if sf, d := in.StockFlowFor(); sf != nil {
		from, to, fromName, toName := sides(d)
		f := &StockFlow{Settings: *sf, Direction: d, FromName: fromName, ToName: toName}
		var ok bool
		if f.From, ok = from.(connectors.StockSource); !ok {
			return fmt.Errorf("%s: %s cannot be a stock source", path, fromName)
		}
		if f.To, ok = to.(connectors.StockTarget); !ok {
			return fmt.Errorf("%s: %s cannot be a stock target", path, toName)
		}
		if err := compileFlow(path, mapping.FlowStock, sf.CatalogFlow, in.Lookups, &f.Mapper, &f.Filter); err != nil {
			return err
		}
		rt.Stock = f
	}
	if cf := in.CustomerFlowFor(); cf != nil {
		f := &CustomerFlow{Settings: *cf, ToName: in.Target.System}
		var ok bool
		if f.From, ok = src.(connectors.CustomerSource); !ok {
			return fmt.Errorf("%s.source: %s cannot be a customer source", path, in.Source.System)
		}
		if f.To, ok = tgt.(connectors.CustomerDetailsTarget); !ok {
			return fmt.Errorf("%s.target: %s cannot keep customers with their details", path, in.Target.System)
		}
		if err := compileFlow(path, mapping.FlowCustomers, cf.CatalogFlow, in.Lookups, &f.Mapper, &f.Filter); err != nil {
			return err
		}
		rt.Customers = f
	}
	return nil
}

func compileFlow(path, flow string, f config.CatalogFlow, tables map[string]map[string]string, m **mapping.Mapper, filter **mapping.Filter) error {
	var err error
	if *m, err = mapping.Compile(flow, f.Mapping, tables); err != nil {
		return fmt.Errorf("%s.flows.%s.mapping: %w", path, flow, err)
	}
	if *filter, err = mapping.CompileFilter(flow, f.Filter, tables); err != nil {
		return fmt.Errorf("%s.flows.%s.filter: %w", path, flow, err)
	}
	return nil
}

// BuildSourceClient builds the client of an integration's source alone,
// for operator commands that talk to it outside a flow (starter webhooks
// apply); credentials come from lookupEnv.
func BuildSourceClient(in config.Integration, path string, lookupEnv func(string) (string, bool)) (any, error) {
	a := &Activities{}
	return a.buildSystem(in.Name, "source", in.Source, path+".source", lookupEnv, nil)
}
