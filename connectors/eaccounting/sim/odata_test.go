package sim

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFilterParsesAndEvaluates(t *testing.T) {
	props := map[string]bool{"Name": true, "CustomerNumber": true, "IsActive": true, "Amount": true, "Id": true,
		"ChangedUtc": true, "EmailAddress": true, "Status": true}
	rec := func(s string) map[string]any {
		d := json.NewDecoder(strings.NewReader(s))
		d.UseNumber()
		var m map[string]any
		require.NoError(t, d.Decode(&m))
		return m
	}
	anna := rec(`{"Name":"Anna O'Brien","CustomerNumber":"1001","IsActive":true,"Amount":19.95,"Status":2,
		"Id":"5a1b0000-0000-4000-8000-00000000000a","ChangedUtc":"2024-05-02T10:00:00Z","EmailAddress":"Anna@Example.nl"}`)
	for _, c := range []struct {
		filter string
		want   bool
	}{
		{"CustomerNumber eq '1001'", true},
		{"CustomerNumber ne '1001'", false},
		{"EmailAddress eq 'anna@example.nl'", true}, // case-insensitive
		{"Name eq 'Anna O''Brien'", true},           // '' escapes a quote
		{"Amount gt 19.9 and Amount le 19.95", true},
		{"Amount lt 19.95", false},
		{"Status eq 2", true},
		{"Status eq '2'", false}, // a string literal never equals a number
		{"IsActive eq true", true},
		{"IsActive", true},
		{"not IsActive", false},
		{"Id eq 5A1B0000-0000-4000-8000-00000000000A", true},
		{"ChangedUtc gt 2024-05-01T00:00:00Z", true},
		{"ChangedUtc ge 2024-05-03", false},
		{"contains(Name,'brien')", true},
		{"startswith(Name,'anna')", true},
		{"endswith(EmailAddress,'.be')", false},
		{"(Status eq 1 or Status eq 2) and not (Amount gt 100)", true},
		{"Status eq 1 or Status eq 3", false},
		{"EmailAddress eq null", false},
		{"EmailAddress ne null", true},
	} {
		e, err := parseFilter(c.filter, props)
		require.NoError(t, err, c.filter)
		assert.Equal(t, c.want, e.eval(mapProperties(anna)), c.filter)
	}
}

func TestFilterErrorsNameTheirCause(t *testing.T) {
	props := map[string]bool{"Name": true}
	for _, c := range []struct{ filter, field, msg string }{
		{"Nmae eq 'x'", "Nmae", "could not find a property named 'Nmae'"},
		{"Name eq 'x", "$filter", "unterminated string"},
		{"Name eq", "$filter", "expected a literal"},
		{"(Name eq 'x'", "$filter", "expected )"},
		{"Name eq 'x' Name", "$filter", "expected end of the filter"},
		{"tolower(Name) eq 'x'", "$filter", "unknown function tolower"},
		{"contains(Colour,'x')", "Colour", "could not find"},
		{"Name eq 'x' & 1", "$filter", "syntax error"},
	} {
		_, err := parseFilter(c.filter, props)
		var oe *odataError
		require.ErrorAs(t, err, &oe, c.filter)
		assert.Equal(t, c.field, oe.Field, c.filter)
		assert.Contains(t, oe.Message, c.msg, c.filter)
	}
}

func TestOrderBy(t *testing.T) {
	props := map[string]bool{"Name": true, "Number": true}
	keys, err := parseOrderBy("Name desc, Number", props)
	require.NoError(t, err)
	assert.Equal(t, []orderKey{{"Name", true}, {"Number", false}}, keys)
	_, err = parseOrderBy("Colour", props)
	var oe *odataError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "Colour", oe.Field)
	_, err = parseOrderBy("Name sideways", props)
	require.Error(t, err)
	assert.Equal(t, -1, compareJSON(json.Number("2"), json.Number("10")), "numbers by value")
	assert.Equal(t, 0, compareJSON("abc", "ABC"))
}

func TestDecimalsAreExact(t *testing.T) {
	for in, want := range map[string]struct {
		v      int64
		places int
		out    string
	}{
		"19.95": {199500, 2, "19.95"}, "2": {20000, 0, "2"}, "0.21": {2100, 2, "0.21"}, "1.50": {15000, 1, "1.5"},
		"-0.1": {-1000, 1, "-0.1"}, "1e2": {1000000, 0, "100"}, "1.5E-1": {1500, 2, "0.15"}, "0.00005": {1, 5, "0.0001"},
		"-0.00005": {-1, 5, "-0.0001"},
	} {
		d, err := ParseDec(in)
		require.NoError(t, err, in)
		assert.Equal(t, want.v, d.V, in)
		assert.Equal(t, want.places, d.Places, in)
		assert.Equal(t, want.out, d.String(), in)
	}
	_, err := ParseDec(`"1"`)
	assert.Error(t, err)
}

func TestTotalsRule(t *testing.T) {
	// 3 × 6.95 at 9 %, 1 × 8.50 at 21 % less 10 %, one text row.
	rows := []pricedRow{
		{quantity: MustDec("3"), unitPrice: MustDec("6.95"), rate: MustDec("0.09")},
		{quantity: MustDec("1"), unitPrice: MustDec("8.50"), discount: MustDec("0.1"), rate: MustDec("0.21")},
		{text: true},
	}
	excl := computeTotals(rows, false)
	assert.Equal(t, []int64{2085, 765, 0}, excl.rows)
	// VAT: round2(20.85 × 0.09) = 1.88 (1.8765), round2(7.65 × 0.21) = 1.61 (1.6065)
	assert.Equal(t, int64(2085+765), excl.exclVat)
	assert.Equal(t, int64(188+161), excl.vat)
	assert.Equal(t, int64(2850+349), excl.inclVat)
	require.Len(t, excl.rates, 2)
	assert.Equal(t, "0.21", excl.rates[0].rate.String(), "highest rate first")

	incl := computeTotals(rows, true)
	// VAT inside: round2(20.85 × 0.09/1.09) = 1.72 (1.7215), round2(7.65 × 0.21/1.21) = 1.33 (1.3277)
	assert.Equal(t, int64(2850), incl.inclVat)
	assert.Equal(t, int64(172+133), incl.vat)
	assert.Equal(t, int64(2850-305), incl.exclVat)

	// Half away from zero: 0.5 cent rounds up, -0.5 cent down.
	assert.Equal(t, int64(1), rowAmount(MustDec("1"), MustDec("0.005"), Dec{}))
	assert.Equal(t, int64(-1), rowAmount(MustDec("-1"), MustDec("0.005"), Dec{}))
	assert.Equal(t, int64(1), vatOf(5, MustDec("0.1"), false), "0.5 cent of VAT rounds up")
}
