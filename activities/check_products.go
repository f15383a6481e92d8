package activities

import (
	"context"
	"fmt"
	"strings"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
)

// CheckProductsInput lists the SKUs of an order.
type CheckProductsInput struct {
	Integration string   `json:"integration"`
	SKUs        []string `json:"skus"`
}

// CheckProducts makes sure every SKU exists in the target and returns the
// target's product id per SKU. A missing SKU fails the order for good, naming
// every missing SKU, before anything is written — unless requireProducts is
// off (a target that books lines on a revenue account): then it only warns.
func (a *Activities) CheckProducts(ctx context.Context, in CheckProductsInput) (map[string]string, error) {
	rt, err := a.orderIntegration(in.Integration)
	if err != nil {
		return nil, err
	}
	ids, err := rt.Target.LookupProducts(ctx, in.SKUs)
	if err != nil {
		return nil, toTemporal(err)
	}
	missing := MissingSKUs(in.SKUs, ids)
	if len(missing) > 0 && !rt.Config.Flows.Orders.ProductsRequired() {
		// An accounting target books such lines on a revenue account.
		activity.GetLogger(ctx).Warn("SKUs not in the target; their lines are booked without a product",
			"Integration", in.Integration, "Target", rt.Config.Target.System, "SKUs", strings.Join(missing, ", "))
		return ids, nil
	}
	if len(missing) > 0 {
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
