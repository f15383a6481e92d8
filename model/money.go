package model

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Money is an amount in the currency's minor units (cents for EUR), so sums and
// comparisons are exact. Every connector converts to and from its wire format.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// NewMoney builds a Money from minor units.
func NewMoney(minor int64, currency string) Money {
	return Money{Amount: minor, Currency: currency}
}

// Mul multiplies by a quantity and rounds half away from zero to the minor unit.
func (m Money) Mul(q Quantity) Money {
	return Money{Amount: roundDiv(m.Amount*int64(q), QuantityScale), Currency: m.Currency}
}

// Add returns m+o; the currency of m wins (callers check currencies in validation).
func (m Money) Add(o Money) Money { return Money{Amount: m.Amount + o.Amount, Currency: m.Currency} }

// Sub returns m-o.
func (m Money) Sub(o Money) Money { return Money{Amount: m.Amount - o.Amount, Currency: m.Currency} }

// String renders 12.50 EUR style text for logs and messages.
func (m Money) String() string {
	return FormatMinor(m.Amount, 2) + " " + m.Currency
}

// ParseMinor parses a decimal string such as "12.5", "-0.07" or "3" into an
// integer scaled by 10^decimals, exactly and without float rounding. More
// fraction digits than decimals are rounded half away from zero.
func ParseMinor(s string, decimals int) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty amount")
	}
	if strings.ContainsAny(s, "eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("amount %q: %w", s, err)
		}
		return FloatToMinor(f, decimals), nil
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" {
		intPart = "0"
	}
	for _, r := range intPart + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("amount %q is not a decimal number", s)
		}
	}
	roundUp := false
	if len(frac) > decimals {
		roundUp = frac[decimals] >= '5'
		frac = frac[:decimals]
	}
	frac += strings.Repeat("0", decimals-len(frac))
	v, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", s, err)
	}
	if roundUp {
		v++
	}
	if neg {
		v = -v
	}
	return v, nil
}

// FloatToMinor converts a float (as some APIs send money) to minor units,
// rounding half away from zero.
func FloatToMinor(f float64, decimals int) int64 {
	return int64(math.Round(f * math.Pow10(decimals)))
}

// FormatMinor renders minor units as a decimal string with the given decimals.
func FormatMinor(v int64, decimals int) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	if decimals == 0 {
		return sign + strconv.FormatInt(v, 10)
	}
	p := int64(math.Pow10(decimals))
	return fmt.Sprintf("%s%d.%0*d", sign, v/p, decimals, v%p)
}

func roundDiv(a, b int64) int64 {
	if (a < 0) != (b < 0) {
		return (a - b/2) / b
	}
	return (a + b/2) / b
}
