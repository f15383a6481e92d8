package activities

import (
	"context"
	"strings"

	"github.com/koppel/koppel/connectors"
	"github.com/koppel/koppel/model"
)

// checkSourceTotal stops an order whose parts do not add up to the total
// its source computed: a price field the connector does not model, or a
// source that disagrees with itself. Nothing may be written for it.
func checkSourceTotal(o model.Order) error {
	if sum := o.ComputedTotal(); sum.Amount != o.Total.Amount {
		return invalidRecord("order %s: its lines, shipping and adjustments add up to %s, but the source's total is %s; "+
			"nothing was written. The source has a price the connector does not read, or disagrees with itself; "+
			"check the order in the source, then replay it", label(o), sum, model.NewMoney(o.Total.Amount, o.Currency))
	}
	return nil
}

// checkBooking stops an order the target would book wrongly, before
// anything is written (it runs while the order is enriched, before the
// customer step): an order in another currency than the target books in,
// and an order the target would book at another total than the draft's —
// after its rounding and the lines it adds or leaves out.
func checkBooking(ctx context.Context, target any, d connectors.OrderDraft) error {
	o := d.Order
	if ct, ok := target.(connectors.CurrencyTarget); ok {
		if want := ct.Currency(); want != "" && !strings.EqualFold(want, o.Currency) {
			return invalidRecord("order %s is in %s, but the target books in %s; nothing was written. "+
				"Sync only orders in %s, or connect a target administration that books in %s",
				label(o), o.Currency, want, want, o.Currency)
		}
	}
	tb, ok := target.(connectors.TotalBooker)
	if !ok {
		return nil
	}
	booked, err := tb.BookedTotal(ctx, d)
	if err != nil {
		return err
	}
	if want := o.ComputedTotal(); booked.Amount != want.Amount {
		return invalidRecord("order %s: the target would book %s, but the order's total is %s; nothing was written. "+
			"Shipping or costs without an article to book them on, or a rounding the target does differently; "+
			"fix the setting, then replay the order", label(o), booked, want)
	}
	return nil
}

func label(o model.Order) string {
	if o.Number != "" {
		return o.Number
	}
	return o.ID
}
