package sim

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// PlaceOrder prices and stores an order as the storefront's checkout
// takes it, and returns its id. Each item names a SKU of the catalogue (a
// product's or a combination's) and a Quantity; Price, when zero, is the
// catalogue price (a combination's with its option modifiers), and
// Taxes, when empty, are the product's manual taxes (or the store's
// default ones; none for a product that is not taxable), of which only
// Name and Value (the rate) are read. Discount (promotions) and
// CouponDiscount are spread over the lines pro rata; shipping
// (ShippingOption.Rate) bears the store's shipping taxes.
//
// With the store's gross prices (Profile.PricesIncludeTax) tax is the
// part of a price that is tax, otherwise it is added on top; each is
// rounded to the cent per line, half away from zero. Subtotal is the sum
// of the lines, Total = Subtotal − Discount − CouponDiscount + shipping
// (+ Tax with net prices), Tax = the lines' and shipping's tax. A placed
// order (any status but INCOMPLETE) takes its quantities off tracked
// stock, as a storefront sale does.
func (s *Sim) PlaceOrder(o Order) (string, error) {
	o = clone(o)
	o.PaymentStatus = cmp.Or(o.PaymentStatus, "AWAITING_PAYMENT")
	o.FulfillmentStatus = cmp.Or(o.FulfillmentStatus, "AWAITING_PROCESSING")
	if err := checkOrder(&o); err != nil {
		return "", err
	}
	if len(o.Items) == 0 {
		return "", errors.New("sim: an order needs items")
	}
	s.mu.Lock()
	err := s.priceLocked(&o)
	if err != nil {
		s.mu.Unlock()
		return "", err
	}
	s.storeOrderLocked(&o)
	events := []*Event{s.orderEventLocked(&o, "created", "", "")}
	if o.PaymentStatus != Unfinished {
		for _, it := range o.Items {
			if p, c := s.stockLocked(it.SKU); p != nil {
				if c != nil && !c.Unlimited {
					c.Quantity -= it.Quantity
				} else if c == nil && !p.Unlimited {
					p.Quantity -= it.Quantity
				} else {
					continue
				}
				p.Updated = s.now()
				events = append(events, s.productEvent(p.ID, "updated"))
			}
		}
	}
	s.mu.Unlock()
	s.send(events)
	return o.ID, nil
}

// rate is one tax on a line.
type rate struct {
	name string
	bp   int64 // hundredths of a percent
	src  Tax
}

func (s *Sim) priceLocked(o *Order) error {
	prof := s.st.Profile
	gross := prof.PricesIncludeTax
	o.PricesIncludeTax = gross
	if o.B2BB2C == "" {
		o.B2BB2C = "b2c"
	}
	if o.CustomerID != 0 && o.Email == "" {
		if c := s.customerLocked(o.CustomerID); c != nil {
			o.Email = c.Email
		}
	}
	// Lines at catalogue prices.
	rates := make([][]rate, len(o.Items))
	var subtotal Money
	for i := range o.Items {
		it := &o.Items[i]
		p, c := s.stockLocked(it.SKU)
		if p == nil {
			return fmt.Errorf("sim: no product or combination with SKU %s", it.SKU)
		}
		it.ProductID, it.Name, it.CategoryID, it.ShippingNeeded = p.ID, cmp.Or(it.Name, p.Name), p.DefaultCategoryID, p.ShippingNeeded
		it.ProductPrice = p.Price
		if it.Price == 0 {
			it.Price = p.Price
			if c != nil {
				it.Price = s.combinationPrice(p, c)
			}
		}
		if c != nil {
			it.CombinationID = c.ID
			if len(it.SelectedOptions) == 0 { // the options that chose the combination
				for _, v := range c.Options {
					it.SelectedOptions = append(it.SelectedOptions, SelectedOption{Name: v.Name, Type: "CHOICE", Value: v.Value,
						ValuesArray: []string{v.Value}, Selections: []Selection{{Title: v.Value, Modifier: "0", ModifierType: "ABSOLUTE"}}})
				}
			}
		}
		r, err := s.lineRatesLocked(it, p)
		if err != nil {
			return err
		}
		rates[i] = r
		subtotal += it.Price * Money(it.Quantity)
	}
	// Discounts spread over the lines pro rata, the rest on the last line.
	off := o.Discount + o.CouponDiscount
	if off > subtotal {
		return fmt.Errorf("sim: discounts of %d exceed the subtotal of %d", off, subtotal)
	}
	var spread, tax, lineTax, net Money
	for i := range o.Items {
		it := &o.Items[i]
		line := it.Price * Money(it.Quantity)
		share := Money(0)
		if subtotal > 0 {
			share = Money(int64(off) * int64(line) / int64(subtotal))
		}
		if i == len(o.Items)-1 {
			share = off - spread
		}
		spread += share
		if o.CouponDiscount > 0 && off > 0 {
			it.CouponAmount = Money(int64(share) * int64(o.CouponDiscount) / int64(off))
		}
		base := line - share
		it.Tax, it.Taxes = 0, nil
		var sum int64
		for _, r := range rates[i] {
			sum += r.bp
		}
		for _, r := range rates[i] {
			t := taxOn(base, r.bp, sum, gross)
			it.Tax += t
			it.Taxes = append(it.Taxes, Tax{Name: r.name, Value: r.src.Value, Total: t, TaxOnDiscountedSubtotal: t, IncludeInPrice: gross})
		}
		it.PriceWithoutTax = it.Price
		if gross {
			it.PriceWithoutTax = it.Price - Money(divRound(int64(it.Price)*sum, 10_000+sum))
		}
		net += it.PriceWithoutTax * Money(it.Quantity)
		lineTax += it.Tax
	}
	tax = lineTax
	// Shipping with the store's shipping taxes.
	o.TaxesOnShipping = nil
	if so := o.ShippingOption; so != nil {
		so.FulfillmentType = cmp.Or(so.FulfillmentType, "SHIPPING")
		var ship []rate
		var sum int64
		for _, t := range prof.Taxes {
			if t.Shipping {
				bp, err := basisPoints(t.Percent)
				if err != nil {
					return fmt.Errorf("sim: tax %s: %v", t.Name, err)
				}
				ship, sum = append(ship, rate{name: t.Name, bp: bp, src: Tax{Value: t.Percent}}), sum+bp
			}
		}
		var shipTax Money
		for _, r := range ship {
			t := taxOn(so.Rate, r.bp, sum, gross)
			shipTax += t
			o.TaxesOnShipping = append(o.TaxesOnShipping, Tax{Name: r.name, Value: r.src.Value, Total: t, IncludeInPrice: gross})
		}
		so.RateWithoutTax = so.Rate
		if gross {
			so.RateWithoutTax -= shipTax
		}
		tax += shipTax
	}
	o.Subtotal, o.Tax = subtotal, tax
	o.SubtotalWithoutTax = net
	o.Total = subtotal - off
	if o.ShippingOption != nil {
		o.Total += o.ShippingOption.Rate
	}
	if !gross {
		o.Total += tax
	}
	o.TotalWithoutTax = o.Total - tax
	return nil
}

// taxOn is the tax of rate bp (of all rates sum on the same amount) in
// amount: the contained part of a gross amount, else on top of it.
func taxOn(amount Money, bp, sum int64, gross bool) Money {
	if gross {
		return Money(divRound(int64(amount)*bp, 10_000+sum))
	}
	return Money(divRound(int64(amount)*bp, 10_000))
}

// lineRatesLocked are the taxes of a line: written ones, else the
// product's manual taxes, else the store's default taxes.
func (s *Sim) lineRatesLocked(it *OrderItem, p *Product) ([]rate, error) {
	var out []rate
	add := func(name string, t Tax) error {
		bp, err := basisPoints(t.Value)
		if err != nil {
			return fmt.Errorf("sim: tax %s of %s: %v", name, it.SKU, err)
		}
		out = append(out, rate{name: name, bp: bp, src: t})
		return nil
	}
	if len(it.Taxes) > 0 {
		for _, t := range it.Taxes {
			if err := add(t.Name, t); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	for _, t := range s.productTaxesLocked(p) {
		if err := add(t.Name, Tax{Value: t.Percent}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// productTaxesLocked are the store's taxes on a product: none when it is
// not taxable, else the manual taxes it names, else the default ones.
func (s *Sim) productTaxesLocked(p *Product) []TaxRate {
	if !p.Tax.Taxable {
		return nil
	}
	var out []TaxRate
	for _, t := range s.st.Profile.Taxes {
		manual := slices.Contains(p.Tax.EnabledManualTaxes, t.ID)
		if manual || (len(p.Tax.EnabledManualTaxes) == 0 && t.Default) {
			out = append(out, t)
		}
	}
	return out
}

// includedRateLocked is a product's defaultLocationIncludedTaxRate: in a
// gross store, the rates of its taxes added up; absent in a net store.
func (s *Sim) includedRateLocked(p *Product) *json.Number {
	if !s.st.Profile.PricesIncludeTax {
		return nil
	}
	var sum int64
	for _, t := range s.productTaxesLocked(p) {
		bp, _ := basisPoints(t.Percent) // checked when the profile was set
		sum += bp
	}
	n := json.Number(strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%d.%02d", sum/100, sum%100), "0"), "."))
	return &n
}
