package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Money is an amount in the minor units of the store's currency (cents
// for EUR). The API writes money as a JSON number in currency units
// (19.95, §3.2); the simulator keeps it exact as an integer and never does
// float arithmetic on it.
type Money int64

// Cents is an amount of cents, for readable seeding.
func Cents(n int64) Money { return Money(n) }

// errTooPrecise is a money value with more decimals than the currency has.
var errTooPrecise = errors.New("has more decimals than the store currency allows")

// parseMoney reads a JSON number in currency units into minor units of a
// currency with prec decimals, exactly. A value with more decimals (such
// as the 0.30000000000000004 of float arithmetic) is refused: the store
// would round it silently, the simulator shows the client's mistake.
func parseMoney(n json.Number, prec int) (Money, error) {
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return 0, fmt.Errorf("%q is not a number", n)
	}
	r.Mul(r, new(big.Rat).SetInt(pow10(prec)))
	if !r.IsInt() {
		return 0, errTooPrecise
	}
	if !r.Num().IsInt64() {
		return 0, errors.New("is out of range")
	}
	return Money(r.Num().Int64()), nil
}

// number writes minor units as the API's JSON number in currency units,
// without trailing zeros (20, 19.9, 19.95), as Ecwid answers.
func (m Money) number(prec int) json.Number {
	if prec <= 0 {
		return json.Number(strconv.FormatInt(int64(m), 10))
	}
	neg := m < 0
	v := int64(m)
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v, 10)
	if len(s) <= prec {
		s = strings.Repeat("0", prec-len(s)+1) + s
	}
	whole, frac := s[:len(s)-prec], strings.TrimRight(s[len(s)-prec:], "0")
	out := whole
	if frac != "" {
		out += "." + frac
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return json.Number(out)
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// wholeNumber reads a JSON number that must be a whole number (2 or 2.0).
func wholeNumber(n json.Number) (int64, error) {
	r, ok := new(big.Rat).SetString(string(n))
	if !ok || !r.IsInt() {
		return 0, errors.New("expected a whole number")
	}
	if !r.Num().IsInt64() {
		return 0, errors.New("is out of range")
	}
	return r.Num().Int64(), nil
}

// basisPoints reads a percentage (21, 5.5) as hundredths of a percent,
// for the checkout's tax arithmetic (PlaceOrder).
func basisPoints(n json.Number) (int64, error) {
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return 0, fmt.Errorf("%q is not a number", n)
	}
	r.Mul(r, big.NewRat(100, 1))
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, fmt.Errorf("%q has more than two decimals", n)
	}
	return r.Num().Int64(), nil
}

// divRound divides a by b (b > 0), rounding half away from zero, as a
// store rounds a tax amount to the cent.
func divRound(a, b int64) int64 {
	if a < 0 {
		return -divRound(-a, b)
	}
	return (a*2 + b) / (2 * b)
}

// Dates. Answers carry UTC strings like "2024-05-01 05:26:28 +0000" and
// UNIX seconds (§3.2); filters accept UNIX seconds, "yyyy-MM-dd HH:mm:ss
// Z", "yyyy-MM-dd HH:mm:ss" (UTC) and "yyyy-MM-dd" (midnight UTC).

const dateLayout = "2006-01-02 15:04:05 -0700"

func dateString(t time.Time) string { return t.UTC().Format(dateLayout) }

// parseDate reads a date filter value.
func parseDate(v string) (time.Time, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), nil
	}
	for _, layout := range []string{dateLayout, "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New(`expected a UNIX timestamp or a date like "2024-05-01 05:26:28 +0000", "2024-05-01 05:26:28" or "2024-05-01"`)
}

// jsonNumber is a JSON number as written or answered.
type jsonNumber = json.Number
