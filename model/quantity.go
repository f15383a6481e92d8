package model

import (
	"fmt"
	"strings"
)

// QuantityScale is the number of Quantity units in one piece: quantities are
// kept in thousandths so 1.5 kg or 0.25 m stay exact.
const QuantityScale = 1000

// Quantity is an amount of items in thousandths of a unit (1 piece = 1000).
type Quantity int64

// Pieces builds a whole-number quantity.
func Pieces(n int64) Quantity { return Quantity(n * QuantityScale) }

// ParseQuantity parses a decimal string such as "2" or "1.25".
func ParseQuantity(s string) (Quantity, error) {
	v, err := ParseMinor(s, 3)
	return Quantity(v), err
}

// Scaled returns the quantity as an integer with the given number of decimals
// (2 gives hundredths), rounding half away from zero; MplusKASSA and others
// send quantities as value plus decimal places.
func (q Quantity) Scaled(decimals int) int64 {
	switch {
	case decimals == 3:
		return int64(q)
	case decimals < 3:
		d := int64(1)
		for i := decimals; i < 3; i++ {
			d *= 10
		}
		return roundDiv(int64(q), d)
	default:
		m := int64(1)
		for i := 3; i < decimals; i++ {
			m *= 10
		}
		return int64(q) * m
	}
}

// QuantityFromScaled is the inverse of Scaled.
func QuantityFromScaled(v int64, decimals int) Quantity {
	switch {
	case decimals == 3:
		return Quantity(v)
	case decimals < 3:
		for i := decimals; i < 3; i++ {
			v *= 10
		}
		return Quantity(v)
	default:
		d := int64(1)
		for i := 3; i < decimals; i++ {
			d *= 10
		}
		return Quantity(roundDiv(v, d))
	}
}

// String renders 1.25 style text.
func (q Quantity) String() string {
	s := FormatMinor(int64(q), 3)
	for len(s) > 1 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

// VATRate is a VAT percentage in hundredths of a percent: 21% is 2100, 5.5% is 550.
type VATRate int64

// VATPercent builds a VATRate from a whole percentage.
func VATPercent(p int64) VATRate { return VATRate(p * 100) }

// String renders 21% or 5.5%.
func (v VATRate) String() string {
	s := FormatMinor(int64(v), 2)
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s + "%"
}

// ParseVATRate parses "21", "5.5" or "21%" into a VATRate.
func ParseVATRate(s string) (VATRate, error) {
	v, err := ParseMinor(strings.TrimSuffix(strings.TrimSpace(s), "%"), 2)
	if err != nil {
		return 0, err
	}
	if v < 0 || v > 10000 {
		return 0, fmt.Errorf("VAT rate %q is not between 0 and 100", s)
	}
	return VATRate(v), nil
}
