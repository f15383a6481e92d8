package sim

import (
	"bytes"
	"fmt"
	"math/big"
	"strings"
)

// decPlaces is the fixed point of Dec: six decimals, finer than any price,
// quantity or rate the API takes, so no written value is rounded.
const decPlaces = 6

// decOne is 1 as a Dec's V.
const decOne = 1_000_000

// Dec is an exact decimal: V millionths. Money and quantities never pass
// through a float; products and roundings go through math/big.
type Dec struct{ V int64 }

// Cents makes a Dec of an amount in minor units (two decimals).
func Cents(c int64) Dec { return Dec{c * 10_000} }

// Units makes a Dec of a whole number (a quantity of pieces).
func Units(n int64) Dec { return Dec{n * decOne} }

// ParseDec reads a decimal such as "19.95", "-2", "1e3".
func ParseDec(s string) (Dec, error) {
	var d Dec
	err := d.UnmarshalJSON([]byte(s))
	return d, err
}

// MustDec is ParseDec for literals in seeds and tests.
func MustDec(s string) Dec {
	d, err := ParseDec(s)
	if err != nil {
		panic(err)
	}
	return d
}

// UnmarshalJSON reads a JSON number exactly; more than six decimals is an
// error rather than a silent rounding.
func (d *Dec) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	r, ok := new(big.Rat).SetString(s)
	if !ok || strings.ContainsAny(s, `"/`) || s == "" {
		return fmt.Errorf("%s is not a number", s)
	}
	scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt64(decOne))
	if !scaled.IsInt() {
		return fmt.Errorf("%s has more than %d decimals", s, decPlaces)
	}
	if !scaled.Num().IsInt64() {
		return fmt.Errorf("%s is out of range", s)
	}
	d.V = scaled.Num().Int64()
	return nil
}

// MarshalJSON writes the shortest exact decimal: 19.95, 2, 0.21.
func (d Dec) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

func (d Dec) String() string {
	v := d.V
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	s := fmt.Sprintf("%d.%06d", v/decOne, v%decOne)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return sign + s
}

// Add, Sub and Neg are exact.
func (d Dec) Add(e Dec) Dec { return Dec{d.V + e.V} }
func (d Dec) Sub(e Dec) Dec { return Dec{d.V - e.V} }
func (d Dec) Neg() Dec      { return Dec{-d.V} }

// IsZero reports whether d is 0.
func (d Dec) IsZero() bool { return d.V == 0 }

// Mul multiplies, rounding half away from zero to six decimals.
func (d Dec) Mul(e Dec) Dec {
	p := new(big.Int).Mul(big.NewInt(d.V), big.NewInt(e.V))
	return Dec{roundQuo(p, big.NewInt(decOne)).Int64()}
}

// Div divides, rounding half away from zero to six decimals; by zero it is 0.
func (d Dec) Div(e Dec) Dec {
	if e.V == 0 {
		return Dec{}
	}
	n := new(big.Int).Mul(big.NewInt(d.V), big.NewInt(decOne))
	return Dec{roundQuo(n, big.NewInt(e.V)).Int64()}
}

// Percent is d × pct / 100, rounded to cents: a VAT amount or a discount.
func (d Dec) Percent(pct Dec) Dec {
	p := new(big.Int).Mul(big.NewInt(d.V), big.NewInt(pct.V))
	// d.V × pct.V is in 10^-12; /100 and to 10^-2 is a division by 10^12.
	c := roundQuo(p, new(big.Int).Exp(big.NewInt(10), big.NewInt(12), nil))
	return Cents(c.Int64())
}

// Extract is the VAT in an amount that includes it at pct percent,
// d × pct / (100 + pct), rounded to cents.
func (d Dec) Extract(pct Dec) Dec {
	num := new(big.Int).Mul(big.NewInt(d.V), big.NewInt(pct.V))
	den := new(big.Int).Mul(big.NewInt(100*decOne+pct.V), big.NewInt(10_000))
	return Cents(roundQuo(num, den).Int64())
}

// Round2 rounds to cents, half away from zero (the API's currencies have
// two decimals).
func (d Dec) Round2() Dec { return Cents(d.CentsValue()) }

// CentsValue is d in cents, rounded half away from zero.
func (d Dec) CentsValue() int64 { return roundQuo(big.NewInt(d.V), big.NewInt(10_000)).Int64() }

// Cmp compares like strings.Compare.
func (d Dec) Cmp(e Dec) int {
	switch {
	case d.V < e.V:
		return -1
	case d.V > e.V:
		return 1
	}
	return 0
}

// roundQuo divides rounding half away from zero.
func roundQuo(num, den *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(new(big.Int).Abs(r), big.NewInt(2)).Cmp(new(big.Int).Abs(den)) >= 0 {
		if (num.Sign() < 0) != (den.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}
