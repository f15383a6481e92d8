package activities

import (
	"context"
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"
)

// CheckProductsInput lists the SKUs of an order.
type CheckProductsInput struct {
	Integration string   `json:"integration"`
	SKUs        []string `json:"skus"`
}

// CheckProducts makes sure every SKU exists in the target and returns the
// target's product id per SKU. A missing SKU fails the order for good, naming
// every missing SKU, before anything is written.
func (a *Activities) CheckProducts(ctx context.Context, in CheckProductsInput) (map[string]string, error) {
	rt, err := a.orderIntegration(in.Integration)
	if err != nil {
		return nil, err
	}
	ids, err := rt.Target.LookupProducts(ctx, in.SKUs)
	if err != nil {
		return nil, toTemporal(err)
	}
	if missing := MissingSKUs(in.SKUs, ids); len(missing) > 0 {
		return nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%d of the order's SKUs do not exist in %s: %s; create them there (or fix the SKU in the source), then replay the order",
				len(missing), rt.Config.Target.System, strings.Join(missing, ", ")),
			ErrTypeUnknownProducts, nil, missing)
	}
	return ids, nil
}

// MissingSKUs lists the SKUs that have no target id, in order.
func MissingSKUs(skus []string, ids map[string]string) []string {
	var missing []string
	for _, s := range skus {
		if ids[s] == "" {
			missing = append(missing, s)
		}
	}
	return missing
}
