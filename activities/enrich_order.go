package activities

import (
	"context"

	"github.com/koppel/koppel/config"
	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// EnrichOrderInput carries the fetched order.
type EnrichOrderInput struct {
	Integration string      `json:"integration"`
	Order       model.Order `json:"order"`
}

// EnrichOrder checks the order and adds what the target needs: its natural
// key, the kind of document, employee, branch and, if configured, the default
// debtor. It does no I/O, so the workflow runs it as a local activity.
func (a *Activities) EnrichOrder(_ context.Context, in EnrichOrderInput) (connectors.OrderDraft, error) {
	rt, err := a.integration(in.Integration)
	if err != nil {
		return connectors.OrderDraft{}, err
	}
	d, err := enrichMapped(rt, in.Order)
	return d, toTemporal(err)
}

// enrichMapped applies the integration's mapping rules to the order, then
// enriches it. A rule that fails on this order fails the order, naming the rule.
func enrichMapped(rt *Integration, o model.Order) (connectors.OrderDraft, error) {
	mapped, _, _, err := rt.OrderMapper.ApplyOrder(o, nil, nil)
	if err != nil {
		return connectors.OrderDraft{}, invalidRecord("order %s: the mapping failed: %v; fix the rule in flows.orders.mapping, then replay the order", o.ID, err)
	}
	return Enrich(mapped, rt.Config.Flows.Orders)
}

// Enrich turns a source order into a draft for the target under the flow's settings.
func Enrich(o model.Order, f *config.OrderFlow) (connectors.OrderDraft, error) {
	if err := o.Validate(); err != nil {
		return connectors.OrderDraft{}, err
	}
	return connectors.OrderDraft{
		Order:      o,
		ExternalID: ExternalID(f, o.ID),
		Kind:       connectors.OrderKind(f.OrderType),
		Employee:   f.EmployeeNumber,
		Branch:     f.Branch,
		CustomerID: f.DefaultDebtor,
	}, nil
}

// ExternalID is the target's natural key for a source order.
func ExternalID(f *config.OrderFlow, sourceID string) string {
	prefix := ""
	if f.ExternalIDPrefix != nil {
		prefix = *f.ExternalIDPrefix
	}
	return prefix + sourceID
}
