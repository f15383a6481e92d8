package vismanet

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/koppel/koppel/model"
)

// Writes wrap every field in a value object (§3.3): {"name":{"value":"X"}},
// nested objects too ({"mainAddress":{"value":{"city":{"value":"Oslo"}}}}).
// A field left out is left unchanged; an empty string clears it. The
// exceptions, sent as they are: collections (lines, invoiceLines,
// journalTransactionLines, attributeLines, subaccount …), a line's
// operation and the customer's overrideWithClassValues.
//
// The write structs (wire_*.go) therefore hold *Value[T] fields with
// omitempty, so that only the fields Koppel sets go on the wire; reads are
// plain structs.

// Value is the wrapper of one field in a write.
type Value[T any] struct {
	Value T `json:"value"`
}

// V wraps a field's value.
func V[T any](v T) *Value[T] { return &Value[T]{Value: v} }

// VIf wraps v unless it is empty: a field Koppel has no value for stays
// untouched instead of being cleared.
func VIf(v string) *Value[string] {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	return V(strings.TrimSpace(v))
}

// Decimal is an exact decimal number, Units × 10^-Scale (12.30 is
// {1230, 2}): amounts and quantities go on the wire as JSON numbers written
// from integers, and answers are read without a float in between.
type Decimal struct {
	Units int64
	Scale int
}

// Cents is an amount in minor units (2 decimals).
func Cents(minor int64) Decimal { return Decimal{Units: minor, Scale: 2} }

// Qty is a quantity (model.Quantity keeps thousandths).
func Qty(q model.Quantity) Decimal { return Decimal{Units: int64(q), Scale: 3} }

// maxScale bounds a Decimal's fraction: 10^18 still fits an int64.
const maxScale = 18

// String renders the number with all of its Scale digits ("12.30").
func (d Decimal) String() string { return model.FormatMinor(d.Units, min(max(d.Scale, 0), maxScale)) }

// IsZero reports whether the number is 0.
func (d Decimal) IsZero() bool { return d.Units == 0 }

// Round returns the number in units of 10^-scale, rounded half away from
// zero: Round(2) of 12.345 is 1235.
func (d Decimal) Round(scale int) int64 {
	switch {
	case scale == d.Scale:
		return d.Units
	case scale > d.Scale:
		v := d.Units
		for i := d.Scale; i < scale; i++ {
			v *= 10
		}
		return v
	}
	div := int64(1)
	for i := scale; i < d.Scale; i++ {
		div *= 10
	}
	return divRound(d.Units, div)
}

// Minor is the amount in cents (Round(2)).
func (d Decimal) Minor() int64 { return d.Round(2) }

// Quantity is the number as a model.Quantity (thousandths).
func (d Decimal) Quantity() model.Quantity { return model.Quantity(d.Round(3)) }

// MarshalJSON writes the number as a JSON number, exactly.
func (d Decimal) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalJSON reads a JSON number exactly (null is 0); a quoted number is
// accepted too.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*d = Decimal{}
		return nil
	}
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		b = b[1 : len(b)-1]
	}
	v, err := ParseDecimal(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParseDecimal reads a decimal number as JSON writes it ("-12.5",
// "1.25E+3", "4E-2") exactly. Digits beyond what an int64 holds are rounded
// away, half away from zero, from the end of the fraction.
func ParseDecimal(s string) (Decimal, error) {
	orig := s
	bad := func() (Decimal, error) { return Decimal{}, fmt.Errorf("%q is not a number", orig) }
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 40 || e < -40 {
			return bad()
		}
		mant, exp = s[:i], e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	if digits == "" {
		return bad()
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return bad()
		}
	}
	scale := len(frac) - exp
	digits = strings.TrimLeft(digits, "0")
	for scale < 0 {
		digits += "0"
		scale++
	}
	roundUp := false
	for len(digits) > 18 || scale > maxScale {
		if scale == 0 {
			return Decimal{}, fmt.Errorf("%q is too large", orig)
		}
		roundUp = digits[len(digits)-1] >= '5'
		digits, scale = digits[:len(digits)-1], scale-1
	}
	var units int64
	if digits != "" {
		u, err := strconv.ParseInt(digits, 10, 64)
		if err != nil {
			return bad()
		}
		units = u
	}
	if roundUp {
		units++
	}
	if neg {
		units = -units
	}
	return Decimal{Units: units, Scale: scale}, nil
}

// divRound divides rounding half away from zero.
func divRound(a, b int64) int64 {
	if b < 0 {
		a, b = -a, -b
	}
	if a < 0 {
		return -((-a + b/2) / b)
	}
	return (a + b/2) / b
}

// mulDivRound is a×b/c rounded half away from zero, for amounts and rates
// far below int64's range.
func mulDivRound(a, b, c int64) int64 { return divRound(a*b, c) }

// Dates. Writes carry date-times (the contract's format is RFC 3339); a
// document's date is its day at midnight UTC. Change filters take
// yyyy-MM-ddTHH:mm:ss (§3.4), read in the API's own clock.
const (
	filterLayout = "2006-01-02T15:04:05"
)

// Day is the date-time of a document dated on t's calendar day.
func Day(t time.Time) string { return t.Format("2006-01-02") + "T00:00:00Z" }

// ParseTime reads a date-time as the API writes it: RFC 3339, or without
// an offset (then read as UTC), with or without a fraction.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date-time", s)
}

// Metadata is the paging information on every record of a listing (§3.4).
type Metadata struct {
	TotalCount  int64 `json:"totalCount"`
	MaxPageSize int64 `json:"maxPageSize"`
}

// IDRef is a reference the API answers with: {"id":…, "description":…}.
type IDRef struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
}

// NumberRef is a reference by number: {"number":…, "name":…}.
type NumberRef struct {
	InternalID  int    `json:"internalId,omitempty"`
	Number      string `json:"number"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
}

// AttributeLine is one attribute of a write (attributeLines, unwrapped
// array; its fields wrapped).
type AttributeLine struct {
	AttributeID    *Value[string] `json:"attributeId"`
	AttributeValue *Value[string] `json:"attributeValue"`
}

// Attribute is an attribute as reads carry it.
type Attribute struct {
	ID          string `json:"id"`
	Value       string `json:"value"`
	Description string `json:"description,omitempty"`
}

// Segment is one segment of a subaccount (unwrapped in writes).
type Segment struct {
	SegmentID    int    `json:"segmentId"`
	SegmentValue string `json:"segmentValue"`
}
