package connectors

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestScrubPersonal(t *testing.T) {
	tests := []struct {
		name, in string
		values   []string
		want     string
	}{
		{name: "e-mail", in: "customer jan.visser+shop@example.co.uk already exists",
			want: "customer [redacted] already exists"},
		{name: "Dutch landline with dash", in: "phone 020-5550101 is invalid", want: "phone [redacted] is invalid"},
		{name: "international with spaces", in: "telephone +31 6 1234 5678.", want: "telephone [redacted]."},
		{name: "parentheses and dots", in: "tel (020) 555.01.01 unknown", want: "tel [redacted] unknown"},
		{name: "mobile written together", in: "mobile 0612345678 taken", want: "mobile [redacted] taken"},
		{name: "IBAN grouped", in: "bank account NL91 ABNA 0417 1643 00 refused", want: "bank account [redacted] refused"},
		{name: "IBAN together, lower case", in: "iban nl91abna0417164300", want: "iban [redacted]"},
		{name: "IBAN-shaped code with a wrong checksum stays", in: "code NL12ABNA0417164300", want: "code NL12ABNA0417164300"},
		{name: "given name, street, postal code and city in any case", in: "relation JAN VISSER, Kerkweg 3A, 2345 BC Nergensdam exists",
			values: []string{"Jan Visser", "kerkweg 3A", "2345 BC", "Nergensdam"},
			want:   "relation [redacted], [redacted], [redacted] [redacted] exists"},
		{name: "a value is matched as a whole word", in: "Jan ordered in January", values: []string{"Jan"},
			want: "[redacted] ordered in January"},
		{name: "short and empty values are ignored", in: "NL order 12 by Al", values: []string{"NL", "", "  ", "Al"},
			want: "NL order 12 by Al"},
		{name: "ids, SKUs, EANs, dates and amounts stay", in: "order 2026-123456 line KOF-0201234567 EAN 8712345678906 on 2026-01-31 10:00 total 1234567.89 id 100 200 300",
			want: "order 2026-123456 line KOF-0201234567 EAN 8712345678906 on 2026-01-31 10:00 total 1234567.89 id 100 200 300"},
		{name: "dates written day first stay", in: "due 01-02-2026", want: "due 01-02-2026"},
		{name: "a UUID stays", in: "order 12345678-1234-1234-1234-123456789012 not found",
			want: "order 12345678-1234-1234-1234-123456789012 not found"},
		{name: "empty", in: "", values: []string{"Jan"}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ScrubPersonal(tt.in, tt.values...))
		})
	}
}

// Detail holds the full text for encrypted storage; Error() never shows it.
func TestErrorNeverPrintsDetail(t *testing.T) {
	e := &Error{Kind: KindValidation, System: "shop", Op: "create customer", Status: 422,
		Message: "customer [redacted] exists", Detail: "customer jan@example.nl exists"}
	assert.Equal(t, "shop create customer: validation (HTTP 422): customer [redacted] exists", e.Error())
	assert.NotContains(t, e.GoString(), "jan@example.nl")
}
