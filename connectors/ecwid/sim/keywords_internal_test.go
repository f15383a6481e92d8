package sim

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Keywords are matched part by part; the answer must be the one a search in
// the order's whole text, lower-cased, gives.
func TestKeywordsMatchAsTheWholeText(t *testing.T) {
	o := &Order{ID: "XJ12H", Email: "Els@Example.NL", PrivateAdminNotes: "koppel:POS-77",
		BillingPerson: &Person{Name: "Éls Bakker", City: "Zwolle"},
		Items:         []OrderItem{{SKU: "KOF-1", Name: "Koffie"}}}
	var parts []string
	eachKeywordPart(o, func(s string) bool { parts = append(parts, s); return false })
	whole := strings.ToLower(strings.Join(parts, "\x00"))
	for _, kw := range []string{"koppel:pos-77", "pos-7", "els@example.nl", "éls bak", "kof-1", "koffie", "zwolle",
		"xj12h", "amsterdam", "koffie\x00", "1\x00koffie", "bakker\x00", "", "ÉLS", "nl", "koffiee", "l@e"} {
		assert.Equal(t, strings.Contains(whole, kw), keywordsMatch(o, kw), "%q", kw)
	}
	for _, s := range []string{"", "Koffie", "KOF-1", "Éls", "straße"} {
		for _, kw := range []string{"", "k", "koffie", "of-", "éls", "ls", "e", "ß", "x"} {
			assert.Equal(t, strings.Contains(strings.ToLower(s), kw), containsLower(s, kw), "%q in %q", kw, s)
		}
	}
}
