package model

// Totals: before an order is written, what the target will book must equal
// the source's total to the cent, so no money is lost or invented on the way.

// ChargeLines returns the order's lines followed by what the order charges
// beside them, each as a line of quantity 1: the shipping costs (when not
// zero) and every adjustment. A target that writes shipping and adjustments
// as lines books exactly these.
func (o Order) ChargeLines() []OrderLine {
	out := append(make([]OrderLine, 0, len(o.Lines)+1+len(o.Adjustments)), o.Lines...)
	if o.ShippingCost.Amount != 0 {
		out = append(out, OrderLine{Quantity: Pieces(1), UnitPrice: o.ShippingCost, VAT: o.ShippingVAT})
	}
	for _, a := range o.Adjustments {
		if a.Amount.Amount != 0 {
			out = append(out, OrderLine{Quantity: Pieces(1), UnitPrice: a.Amount, VAT: a.VAT})
		}
	}
	return out
}

// LinesTotal is what lines add up to incl. VAT. Prices that include VAT are
// summed as they are; prices without VAT get each line's VAT added, rounded
// half away from zero per line (how tills and shops round a receipt).
func LinesTotal(lines []OrderLine, pricesIncludeVAT bool, currency string) Money {
	var sum int64
	for _, l := range lines {
		amount := l.LineTotal().Amount
		if !pricesIncludeVAT {
			amount += roundDiv(amount*int64(l.VAT), 10000)
		}
		sum += amount
	}
	return NewMoney(sum, currency)
}

// ComputedTotal is LinesTotal over ChargeLines: the order's total from its
// parts, to compare with Total.
func (o Order) ComputedTotal() Money {
	return LinesTotal(o.ChargeLines(), o.PricesIncludeVAT, o.Currency)
}
