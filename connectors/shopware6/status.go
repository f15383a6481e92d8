package shopware6

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/koppel/koppel/model"
)

// An order has three state machines (research §1.8): the order's own
// (order.state), the payment's (order_transaction.state) and the
// delivery's (order_delivery.state). The canonical status is read from all
// three, and "paid" from the payment alone:
//
//	order cancelled                          → cancelled
//	payment refunded or charged back         → refunded
//	order completed                          → completed
//	delivery shipped, returned (partially)   → shipped
//	order in_progress, delivery shipped_partially → processing
//	order open                               → pending
//
// Shopware has no unfinished checkout among its orders (a cart becomes an
// order only when it is placed), so nothing maps to checkout.

// Technical names of the default states (research §1.8).
const (
	OrderOpen       = "open"
	OrderInProgress = "in_progress"
	OrderCompleted  = "completed"
	OrderCancelled  = "cancelled"

	DeliveryShipped           = "shipped"
	DeliveryShippedPartially  = "shipped_partially"
	DeliveryReturned          = "returned"
	DeliveryReturnedPartially = "returned_partially"

	PaymentPaid       = "paid"
	PaymentRefunded   = "refunded"
	PaymentChargeback = "chargeback"
)

// orderStates are the order machine's default states.
var orderStates = map[string]model.OrderStatus{
	OrderOpen:       model.StatusPending,
	OrderInProgress: model.StatusProcessing,
	OrderCompleted:  model.StatusCompleted,
	OrderCancelled:  model.StatusCancelled,
}

// StatusNames are the state names an integration file may use in
// `statuses`, with the canonical status each means: the order states, the
// delivery states that move the status and the payment states that end the
// flow. "cancelled" is a state of all three machines and means cancelled in
// each.
func StatusNames() map[string]model.OrderStatus {
	out := maps.Clone(orderStates)
	out[DeliveryShipped] = model.StatusShipped
	out[DeliveryShippedPartially] = model.StatusProcessing
	out[DeliveryReturned] = model.StatusShipped
	out[DeliveryReturnedPartially] = model.StatusShipped
	out[PaymentRefunded] = model.StatusRefunded
	out[PaymentChargeback] = model.StatusRefunded
	return out
}

// DefaultPaidStates are the payment states that mean paid.
var DefaultPaidStates = []string{PaymentPaid}

// states are what the client knows of one order's three machines.
type states struct {
	order, payment, delivery string
}

// status reads the canonical status. extra maps order states the shop added
// to the default machine (a plugin's "on_hold"); an order state neither
// knows is an error naming it, so the order is reported, never guessed.
func (s states) status(extra map[string]model.OrderStatus) (model.OrderStatus, error) {
	base, ok := orderStates[s.order]
	if !ok {
		base, ok = extra[s.order]
	}
	if !ok {
		known := slices.Sorted(maps.Keys(orderStates))
		known = append(known, slices.Sorted(maps.Keys(extra))...)
		return "", fmt.Errorf("stateMachineState.technicalName: %q is not an order state this connector knows (%s); name it in the option orderStates",
			s.order, strings.Join(known, ", "))
	}
	switch {
	case base == model.StatusCancelled:
		return model.StatusCancelled, nil
	case s.payment == PaymentRefunded || s.payment == PaymentChargeback:
		return model.StatusRefunded, nil
	case base.Step() < 0 || base == model.StatusCompleted:
		return base, nil // off the normal flow, or at its end: the delivery moves it no further
	}
	switch s.delivery {
	case DeliveryShipped, DeliveryReturned, DeliveryReturnedPartially:
		if model.StatusShipped.Step() > base.Step() {
			return model.StatusShipped, nil
		}
	case DeliveryShippedPartially:
		if model.StatusProcessing.Step() > base.Step() {
			return model.StatusProcessing, nil
		}
	}
	return base, nil
}
