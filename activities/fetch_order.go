package activities

import (
	"context"

	"github.com/koppel/koppel/model"
)

// FetchOrderInput names one source order.
type FetchOrderInput struct {
	Integration string `json:"integration"`
	OrderID     string `json:"orderId"`
}

// FetchOrder reads the whole order (lines, customer, addresses) from the source.
func (a *Activities) FetchOrder(ctx context.Context, in FetchOrderInput) (model.Order, error) {
	rt, err := a.orderIntegration(in.Integration)
	if err != nil {
		return model.Order{}, err
	}
	o, err := rt.Source.GetOrder(ctx, in.OrderID)
	return o, toTemporal(err)
}
