package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// decScale is the fixed point of Dec: four decimals, the finest the
// contract allows anywhere (quantities, discounts, foreign unit prices).
const decScale = 10000

// Dec is a JSON number kept exactly, in ten-thousandths: money and
// quantities never pass through float64. Places is how many decimals the
// request wrote (trailing zeros not counted), so a field that allows two
// can refuse 19.999.
type Dec struct {
	V      int64
	Places int
}

// DecOf makes a Dec of units ten-thousandths.
func DecOf(units int64) Dec { return Dec{V: units} }

// Cents makes a Dec of an amount in cents.
func Cents(c int64) Dec { return Dec{V: c * 100} }

// ParseDec reads a decimal like "19.95" or "-0.1".
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

// UnmarshalJSON reads any JSON number, exponents included; beyond four
// decimals the value is rounded half away from zero (Places still tells).
func (d *Dec) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		*d = Dec{}
		return nil
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil || strings.ContainsAny(s, "\"") {
		return fmt.Errorf("%s is not a number", s)
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		e, err := strconv.Atoi(s[i+1:])
		if err != nil {
			return fmt.Errorf("%s is not a number", s)
		}
		exp = e
	}
	neg := strings.HasPrefix(mant, "-")
	mant = strings.TrimPrefix(mant, "-")
	whole, frac, _ := strings.Cut(mant, ".")
	frac = strings.TrimRight(frac, "0")
	places := len(frac) - exp
	digits, ok := new(big.Int).SetString(strings.TrimLeft(whole+frac, "0")+"0", 10)
	if !ok {
		return fmt.Errorf("%s is not a number", s)
	}
	digits.Quo(digits, big.NewInt(10)) // the "0" guarded an empty string
	// value = digits × 10^-places; scaled = digits × 10^(4-places)
	num, den := digits, big.NewInt(1)
	if shift := 4 - places; shift >= 0 {
		num = new(big.Int).Mul(digits, pow10(shift))
	} else {
		den = pow10(-shift)
	}
	if neg {
		num.Neg(num)
	}
	v := roundQuo(num, den)
	if !v.IsInt64() {
		return fmt.Errorf("%s is out of range", s)
	}
	d.V, d.Places = v.Int64(), max(places, 0)
	return nil
}

// MarshalJSON writes the shortest exact decimal: 19.95, 2, 0.21.
func (d Dec) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

func (d Dec) String() string {
	neg := d.V < 0
	v := d.V
	if neg {
		v = -v
	}
	s := fmt.Sprintf("%d.%04d", v/decScale, v%decScale)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if neg && s != "0" {
		s = "-" + s
	}
	return s
}

// CentsValue is the value in cents, rounded half away from zero.
func (d Dec) CentsValue() int64 {
	return roundQuo(big.NewInt(d.V), big.NewInt(100)).Int64()
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// roundQuo divides rounding half away from zero.
func roundQuo(num, den *big.Int) *big.Int {
	if den.Sign() < 0 {
		num, den = new(big.Int).Neg(num), new(big.Int).Neg(den)
	}
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	r2 := new(big.Int).Mul(new(big.Int).Abs(r), big.NewInt(2))
	if r2.Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// Time is a date-time on the wire. Requests may write a date
// ("2024-05-01", what the contract's prose asks for), a local date-time
// (.NET's "2024-05-01T00:00:00") or RFC 3339; answers are RFC 3339 in UTC,
// which the contract's format date-time demands.
type Time struct{ time.Time }

// At wraps t for a wire field.
func At(t time.Time) *Time { return &Time{t.UTC()} }

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02"}

func parseTime(s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("not a date or date-time: " + s)
}

func (t *Time) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New("a date-time must be a string")
	}
	v, err := parseTime(s)
	t.Time = v
	return err
}

func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + t.UTC().Format("2006-01-02T15:04:05.999Z07:00") + `"`), nil
}
