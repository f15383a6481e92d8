package activities

import (
	"context"

	"github.com/koppel/koppel/connectors"
)

// OrderPreview is what syncing one order would do, found without writing.
type OrderPreview struct {
	Draft connectors.OrderDraft `json:"draft"`
	// Existing is set when the target holds the order already: it would be skipped.
	Existing *connectors.TargetOrder `json:"existing,omitempty"`
	// Customer says what would happen to the debtor: default debtor, created,
	// updated or unchanged (with the relation id for the last two).
	CustomerAction string `json:"customerAction"`
	CustomerID     string `json:"customerId,omitempty"`
	// MissingSKUs would fail the order.
	MissingSKUs []string `json:"missingSkus,omitempty"`
}

// PreviewOrder runs the order flow's steps up to the first write and reports
// what the writes would be: the dry run of a replay. It only reads. (A plain
// function, not a method, so the worker does not register it as an activity.)
func PreviewOrder(ctx context.Context, a *Activities, integration, orderID string) (OrderPreview, error) {
	var p OrderPreview
	rt, err := a.orderIntegration(integration)
	if err != nil {
		return p, err
	}
	o, err := rt.Source.GetOrder(ctx, orderID)
	if err != nil {
		return p, err
	}
	f := rt.Config.Flows.Orders
	if p.Draft, err = enrichMapped(ctx, rt, o); err != nil {
		return p, err
	}
	o = p.Draft.Order
	ref, found, err := rt.Target.FindOrder(ctx, p.Draft.ExternalID, p.Draft.Kind)
	if err != nil {
		return p, err
	}
	if found {
		p.Existing = &ref
	}
	switch {
	case p.Draft.CustomerID != "":
		p.CustomerAction, p.CustomerID = "default debtor", p.Draft.CustomerID
	default:
		match, err := CustomerMatchFor(f.CustomerMatch, o.Customer)
		if err != nil {
			return p, err
		}
		existing, err := rt.Target.FindCustomer(ctx, match)
		switch {
		case err != nil:
			return p, err
		case existing == nil:
			p.CustomerAction = string(CustomerCreated)
		case CustomerNeedsUpdate(existing.Customer, o.Customer):
			p.CustomerAction, p.CustomerID = string(CustomerUpdated), existing.ID
		default:
			p.CustomerAction, p.CustomerID = string(CustomerUnchanged), existing.ID
		}
	}
	ids, err := rt.Target.LookupProducts(ctx, o.SKUs())
	if err != nil {
		return p, err
	}
	p.Draft.ProductIDs = ids
	p.MissingSKUs = MissingSKUs(o.SKUs(), ids)
	return p, nil
}
