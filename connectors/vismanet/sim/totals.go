package sim

import "slices"

// How the simulator prices a document (the real rules depend on the
// company's settings; research leaves them open):
//
//   - a line's amount is quantity × unit price rounded to cents, less its
//     discount: the discount amount when written, else the discount
//     percent of that gross amount, rounded to cents (an invoice line's
//     manual amount replaces all of it);
//   - prices are without VAT, unless the VAT id includes it in the price
//     (Vat.IncludedInPrice, calculateOn ExtractFromItemAmount): then its
//     VAT is extracted from the sum of its lines, rate/(100+rate), and the
//     taxable amount is that sum less the VAT;
//   - a line's VAT ids are those its VAT category (the zone's default
//     category when the line has none) and the document's VAT zone have in
//     common; a line with none is exempt;
//   - the VAT of each VAT id is its rate of the sum of its lines, rounded
//     to cents half away from zero; a 0 % VAT id counts as exempt;
//   - the total is the lines plus the VAT that was not in the prices.

// pricedLine is what pricing needs of a document line.
type pricedLine struct {
	amount, discount Dec
	category         string
}

// lineAmount is quantity × price less the discount, and the discount.
func lineAmount(qty, price, discPct, discAmt Dec) (amount, discount Dec) {
	gross := qty.Mul(price).Round2()
	discount = discAmt.Round2()
	if discount.IsZero() && !discPct.IsZero() {
		discount = gross.Percent(discPct)
	}
	return gross.Sub(discount), discount
}

// vatIDsLocked are the VAT ids a line of category carries in zone.
func (s *Sim) vatIDsLocked(category, zone string) []string {
	c := s.st.Ref.vatCategory(category)
	z := s.st.Ref.vatZone(zone)
	if c == nil || z == nil {
		return nil
	}
	var out []string
	for _, id := range c.VatIDs {
		if slices.Contains(z.VatIDs, id) {
			out = append(out, id)
		}
	}
	return out
}

// priceLocked computes a document's VAT and totals.
func (s *Sim) priceLocked(zone string, lines []pricedLine) ([]TaxLine, Totals) {
	var t Totals
	var taxes []TaxLine
	for _, l := range lines {
		t.Lines = t.Lines.Add(l.amount)
		t.Discount = t.Discount.Add(l.discount)
		cat := l.category
		if z := s.st.Ref.vatZone(zone); cat == "" && z != nil {
			cat = z.DefaultVatCategory
		}
		ids := s.vatIDsLocked(cat, zone)
		if len(ids) == 0 {
			t.Exempt = t.Exempt.Add(l.amount)
			continue
		}
		for _, id := range ids {
			i := slices.IndexFunc(taxes, func(x TaxLine) bool { return x.VatID == id })
			if i < 0 {
				v := s.st.Ref.vat(id)
				taxes = append(taxes, TaxLine{VatID: id, Rate: v.Rate})
				i = len(taxes) - 1
			}
			taxes[i].Taxable = taxes[i].Taxable.Add(l.amount)
		}
	}
	var included Dec
	for i := range taxes {
		x := &taxes[i]
		if v := s.st.Ref.vat(x.VatID); v != nil && v.IncludedInPrice {
			x.Amount = x.Taxable.Extract(x.Rate)
			x.Taxable = x.Taxable.Sub(x.Amount)
			included = included.Add(x.Amount)
		} else {
			x.Amount = x.Taxable.Percent(x.Rate)
		}
		if x.Rate.IsZero() {
			t.Exempt = t.Exempt.Add(x.Taxable)
		} else {
			t.Taxable = t.Taxable.Add(x.Taxable)
		}
		t.VAT = t.VAT.Add(x.Amount)
	}
	t.Total = t.Lines.Add(t.VAT).Sub(included)
	return taxes, t
}

// zoneOfLocked is the VAT zone of a document for a customer: the one the
// document names, else the customer's, else its class's, else the main
// branch's.
func (s *Sim) zoneOfLocked(written string, c *Customer) string {
	if written != "" {
		return written
	}
	if c != nil && c.VatZoneID != "" {
		return c.VatZoneID
	}
	if c != nil {
		if k := s.st.Ref.customerClass(c.ClassID); k != nil && k.VatZoneID != "" {
			return k.VatZoneID
		}
	}
	for _, b := range s.st.Ref.Branches {
		if b.IsMain {
			return b.VatZoneID
		}
	}
	return ""
}

// mainBranch is the main branch's number.
func (r *RefData) mainBranch() string {
	for _, b := range r.Branches {
		if b.IsMain {
			return b.Number
		}
	}
	if len(r.Branches) > 0 {
		return r.Branches[0].Number
	}
	return ""
}
