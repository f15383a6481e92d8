package sim

// TOTALS of a sales document (order, quote, invoice draft, invoice), the
// rule the simulator applies and the client computes the same way:
//
//   - A row's VAT rate is the VatRatePercent of its article's account
//     coding (0.21 for 21 %). Text rows have no amount and no rate.
//   - A row's Amount = round2(Quantity × UnitPrice × (1 − DiscountPercentage)),
//     rounded half away from zero to cents.
//   - IncludesVat of a document = the company setting ShowPricesExclVatPC
//     && the customer's IsPrivatePerson. (That is what the contract says,
//     odd name included: when true, unit prices and row amounts include VAT.)
//   - Per VAT rate r, sum the row amounts. If IncludesVat the VAT of the
//     rate = round2(sum × r/(1+r)) and the rate's total including VAT is
//     the sum; else VAT = round2(sum × r) and the total is sum + VAT.
//   - RoundingsAmount (TotalRoundings) = 0.
//   - OrderApi.Amount and QuoteApi.TotalAmount = the total EXCLUDING VAT,
//     VatAmount = the VAT. CustomerInvoiceDraftApi and CustomerInvoiceApi
//     TotalAmount = the total INCLUDING VAT, TotalVatAmount = the VAT.
//     The contract does not document these meanings: they are the
//     simulator's assumption. (QuoteApi has no Amount; its TotalAmount is
//     taken to mean what OrderApi.Amount means.)
//
// Money is kept in integer cents and ten-thousandths (Dec); no float64.

import (
	"math/big"
	"slices"
)

// pricedRow is one row's figures for the totals.
type pricedRow struct {
	text      bool
	quantity  Dec
	unitPrice Dec
	discount  Dec // a fraction, 0..1
	rate      Dec // the coding's VatRatePercent
}

// rateTotal is one VAT rate's sums, in cents.
type rateTotal struct {
	rate             Dec
	amount, vat      int64 // amount is the rows' sum as priced (incl VAT when IncludesVat)
	exclVat, inclVat int64
}

// docTotals are a document's totals in cents.
type docTotals struct {
	rows         []int64 // each row's Amount
	rates        []rateTotal
	exclVat, vat int64
	inclVat      int64
	includesVat  bool
}

// rowAmount is round2(Quantity × UnitPrice × (1 − DiscountPercentage)).
func rowAmount(q, p, d Dec) int64 {
	n := new(big.Int).Mul(big.NewInt(q.V), big.NewInt(p.V))
	n.Mul(n, big.NewInt(decScale-d.V))
	// three factors of ten-thousandths → cents: divide by 10^12 / 10^2
	return roundQuo(n, pow10(10)).Int64()
}

// vatOf is the VAT of a rate's sum: round2(sum × r/(1+r)) when the sum
// includes VAT, else round2(sum × r).
func vatOf(sumCents int64, rate Dec, includesVat bool) int64 {
	n := new(big.Int).Mul(big.NewInt(sumCents), big.NewInt(rate.V))
	if includesVat {
		return roundQuo(n, big.NewInt(decScale+rate.V)).Int64()
	}
	return roundQuo(n, big.NewInt(decScale)).Int64()
}

func computeTotals(rows []pricedRow, includesVat bool) docTotals {
	t := docTotals{includesVat: includesVat, rows: make([]int64, len(rows))}
	sums := map[int64]int64{}
	for i, r := range rows {
		if r.text {
			continue
		}
		t.rows[i] = rowAmount(r.quantity, r.unitPrice, r.discount)
		sums[r.rate.V] += t.rows[i]
	}
	rates := make([]int64, 0, len(sums))
	for r := range sums {
		rates = append(rates, r)
	}
	slices.Sort(rates)
	slices.Reverse(rates) // the highest rate first, as a VAT specification reads
	for _, r := range rates {
		rt := rateTotal{rate: DecOf(r), amount: sums[r]}
		rt.vat = vatOf(rt.amount, rt.rate, includesVat)
		if includesVat {
			rt.inclVat, rt.exclVat = rt.amount, rt.amount-rt.vat
		} else {
			rt.exclVat, rt.inclVat = rt.amount, rt.amount+rt.vat
		}
		t.rates = append(t.rates, rt)
		t.exclVat += rt.exclVat
		t.vat += rt.vat
		t.inclVat += rt.inclVat
	}
	return t
}
