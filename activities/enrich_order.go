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
// debtor. It does no I/O unless a mapping rule reads the raw source record
// (then it reads that record once more), so the workflow runs it as a local
// activity.
func (a *Activities) EnrichOrder(ctx context.Context, in EnrichOrderInput) (connectors.OrderDraft, error) {
	rt, err := a.orderIntegration(in.Integration)
	if err != nil {
		return connectors.OrderDraft{}, err
	}
	d, err := enrichMapped(ctx, rt, in.Order)
	return d, toTemporal(err)
}

// enrichMapped applies the integration's mapping rules to the order, then
// enriches it. A rule that fails on this order fails the order, naming the rule.
func enrichMapped(ctx context.Context, rt *Integration, o model.Order) (connectors.OrderDraft, error) {
	var raw map[string]any
	var rawLines []map[string]any
	if rs, ok := rt.Source.(connectors.RawOrderSource); ok && rt.OrderMapper.UsesRaw() {
		var err error
		if _, raw, rawLines, err = rs.GetOrderRaw(ctx, o.ID); err != nil {
			return connectors.OrderDraft{}, err
		}
	}
	if err := checkSourceTotal(o); err != nil {
		return connectors.OrderDraft{}, err
	}
	mapped, extra, _, err := rt.OrderMapper.ApplyOrder(o, raw, rawLines)
	if err != nil {
		// A rule's error may quote the record's values: only the scrubbed
		// text leaves the worker unencrypted.
		return connectors.OrderDraft{}, invalidRecordWithDetail(err.Error(),
			"order %s: the mapping failed: %s; fix the rule in flows.orders.mapping, then replay the order",
			o.ID, connectors.ScrubPersonal(err.Error(), o.Customer.PersonalTexts()...))
	}
	d, err := Enrich(mapped, rt.Config)
	if err != nil {
		return d, err
	}
	d.Extra = textFields(extra)
	return d, checkBooking(ctx, rt.Target, d)
}

// Enrich turns a source order into a draft for the target under the
// integration's order flow settings: natural key, document kind, default
// debtor, the booking settings of the order's country and
// the target's payment and shipping methods.
func Enrich(o model.Order, in config.Integration) (connectors.OrderDraft, error) {
	f := in.Flows.Orders
	if err := o.Validate(); err != nil {
		return connectors.OrderDraft{}, err
	}
	debtor := f.DefaultDebtor
	if debtor == "" && o.Customer.IsWalkIn() {
		if f.WalkInDebtor == "" {
			return connectors.OrderDraft{}, invalidRecord("order %s has no customer (a walk-in sale); set flows.orders.walkInDebtor to the target customer such orders are booked on, then replay the order", o.ID)
		}
		debtor = f.WalkInDebtor
	}
	country := o.Customer.Shipping.CountryCode
	if f.CountryFrom == "billing" || country == "" {
		country = o.Customer.Billing.CountryCode
	}
	return connectors.OrderDraft{
		Order:           o,
		ExternalID:      ExternalID(f, o.ID),
		Kind:            connectors.OrderKind(f.OrderType),
		CustomerID:      debtor,
		Accounting:      in.Country(country).Accounting(),
		PaymentMethod:   translate(f.PaymentMethods, o.PaymentMethod),
		ShippingMethod:  translate(f.ShippingMethods, o.ShippingMethod),
		PaymentTermDays: f.PaymentTerms[o.PaymentMethod],
	}, nil
}

// translate maps a source code through a table; a code the table does
// not list passes as it is.
func translate(table map[string]string, code string) string {
	if v, ok := table[code]; ok {
		return v
	}
	return code
}

// ExternalID is the target's natural key for a source order.
func ExternalID(f *config.OrderFlow, sourceID string) string {
	prefix := ""
	if f.ExternalIDPrefix != nil {
		prefix = *f.ExternalIDPrefix
	}
	return prefix + sourceID
}
